package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

func TestGetOne(t *testing.T) {
	tests := []struct {
		target string
		want   any
	}{
		{"/v1/provinces/35", wantProvince("35")},
		{"/v1/provinces/91", wantProvince("91")},
		{"/v1/provinces/%2064%20", wantProvince("64")}, // surrounding spaces are trimmed
		{"/v1/regencies/35.78", wantRegency("35.78")},
		{"/v1/regencies/6401", wantRegency("64.01")},
		{"/v1/districts/35.78.21", wantDistrict("35.78.21")},
		{"/v1/districts/910301", wantDistrict("91.03.01")},
		{"/v1/villages/35.78.21.1002", wantVillage("35.78.21.1002")},
		{"/v1/villages/3578211002", wantVillage("35.78.21.1002")},
		{"/v1/villages/3515012001", wantVillage("35.15.01.2001")},
		{"/v1/villages/91.03.01.3007", wantVillage("91.03.01.3007")},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.target, func(t *testing.T) {
				res := a.do(t, request{target: tt.target})
				wantStatus(t, tt.target, res, http.StatusOK)
				if ct := res.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", ct)
				}
				if diff := cmp.Diff(tt.want, decodeAs(t, res, tt.want)); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestGetRegion(t *testing.T) {
	jatim := httpapi.Ancestor{Code: "35", Name: "Jawa Timur", Level: "province"}
	surabaya := httpapi.Ancestor{Code: "35.78", Name: "Kota Surabaya", Level: "regency"}
	dukuhPakis := httpapi.Ancestor{Code: "35.78.21", Name: "Dukuh Pakis", Level: "district"}
	tests := []struct {
		target string
		want   httpapi.Region
	}{
		{"/v1/regions/35", httpapi.Region{Code: "35", Name: "Jawa Timur", Level: "province",
			Ancestors: []httpapi.Ancestor{}, ChildrenCount: 2}},
		{"/v1/regions/91", httpapi.Region{Code: "91", Name: "Papua", Level: "province",
			Ancestors: []httpapi.Ancestor{}, ChildrenCount: 1}},
		{"/v1/regions/35.78", httpapi.Region{Code: "35.78", Name: "Kota Surabaya", Level: "regency", Type: ptr("kota"),
			ParentCode: ptr("35"), Ancestors: []httpapi.Ancestor{jatim}, ChildrenCount: 2}},
		{"/v1/regions/6472", httpapi.Region{Code: "64.72", Name: "Kota Samarinda", Level: "regency", Type: ptr("kota"),
			ParentCode: ptr("64"), Ancestors: []httpapi.Ancestor{{Code: "64", Name: "Kalimantan Timur", Level: "province"}},
			ChildrenCount: 0}},
		{"/v1/regions/357821", httpapi.Region{Code: "35.78.21", Name: "Dukuh Pakis", Level: "district",
			ParentCode: ptr("35.78"), Ancestors: []httpapi.Ancestor{jatim, surabaya}, ChildrenCount: 2}},
		{"/v1/regions/35.78.21.1002", httpapi.Region{Code: "35.78.21.1002", Name: "Dukuh Kupang", Level: "village",
			Type: ptr("kelurahan"), ParentCode: ptr("35.78.21"), Ancestors: []httpapi.Ancestor{jatim, surabaya, dukuhPakis}}},
		{"/v1/regions/9103013007", httpapi.Region{Code: "91.03.01.3007", Name: "Desa Adat Yoboi", Level: "village",
			Type: ptr("desa_adat"), ParentCode: ptr("91.03.01"), Ancestors: []httpapi.Ancestor{
				{Code: "91", Name: "Papua", Level: "province"},
				{Code: "91.03", Name: "Kabupaten Jayapura", Level: "regency"},
				{Code: "91.03.01", Name: "Sentani", Level: "district"}}}},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.target, func(t *testing.T) {
				res := a.do(t, request{target: tt.target})
				wantStatus(t, tt.target, res, http.StatusOK)
				if diff := cmp.Diff(tt.want, decode[httpapi.Region](t, res)); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("a province answers explicit nulls", func(t *testing.T) {
			res := a.do(t, request{target: "/v1/regions/64"})
			wantStatus(t, "/v1/regions/64", res, http.StatusOK)
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(res.body, &raw); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{"type": string(raw["type"]), "parent_code": string(raw["parent_code"]), "ancestors": string(raw["ancestors"])}
			want := map[string]string{"type": "null", "parent_code": "null", "ancestors": "[]"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	})
}

func TestOperationalEndpoints(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		for _, target := range []string{"/healthz", "/readyz"} {
			res := a.do(t, request{target: target})
			wantStatus(t, target, res, http.StatusOK)
			if diff := cmp.Diff(httpapi.Health{Status: "ok"}, decode[httpapi.Health](t, res)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", target, diff)
			}
		}
	})
}

// TestSwaggerUI: the UI's wildcard route still spans segments. These paths
// are not API operations, so they bypass the OpenAPI validation of do.
func TestSwaggerUI(t *testing.T) {
	a := newAPI(t, storetest.New(t, store.SQLite))
	for _, target := range []string{"/swagger/index.html", "/swagger/doc.json"} {
		rec := httptest.NewRecorder()
		a.e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: status = %d, want 200", target, rec.Code)
		}
	}
}
