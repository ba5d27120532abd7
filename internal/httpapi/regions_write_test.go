package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// TestWriteLifecycle creates, reads, renames and deletes a region at every
// level, top down and back up, in one database per engine.
func TestWriteLifecycle(t *testing.T) {
	contoh := httpapi.Province{Code: "99", Name: "Provinsi Contoh"}
	kota := httpapi.Regency{Code: "99.71", Name: "Kota Contoh", Type: "kota", ProvinceCode: "99", ProvinceName: "Provinsi Contoh"}
	kab := httpapi.Regency{Code: "99.01", Name: "Kabupaten Contoh", Type: "kabupaten", ProvinceCode: "99", ProvinceName: "Provinsi Contoh"}
	kec := httpapi.District{Code: "99.71.01", Name: "Contoh Utara", RegencyCode: "99.71", ProvinceCode: "99",
		RegencyName: "Kota Contoh", ProvinceName: "Provinsi Contoh"}
	village := func(code, name, typ string) httpapi.Village {
		return httpapi.Village{Code: code, Name: name, Type: typ, DistrictCode: "99.71.01", RegencyCode: "99.71",
			ProvinceCode: "99", DistrictName: "Contoh Utara", RegencyName: "Kota Contoh", ProvinceName: "Provinsi Contoh"}
	}

	type step struct {
		name     string
		method   string
		target   string
		body     string
		key      string // "writer" (default), "admin"
		status   int
		location string // for 201
		want     any    // the body; nil for 204
	}
	steps := []step{
		{name: "create province", method: http.MethodPost, target: "/v1/provinces",
			body: `{"code":"99","name":"Provinsi Contoh"}`, status: http.StatusCreated, location: "/v1/provinces/99", want: contoh},
		{name: "create kota, undotted, with agreeing type and parent", method: http.MethodPost, target: "/v1/regencies",
			body:   `{"code":"9971","name":"Kota Contoh","type":"kota","province_code":"99"}`,
			status: http.StatusCreated, location: "/v1/regencies/99.71", want: kota},
		{name: "create kabupaten, type derived, admin key", method: http.MethodPost, target: "/v1/regencies", key: "admin",
			body: `{"code":"99.01","name":"Kabupaten Contoh"}`, status: http.StatusCreated, location: "/v1/regencies/99.01", want: kab},
		{name: "create district", method: http.MethodPost, target: "/v1/districts",
			body:   `{"code":"99.71.01","name":"Contoh Utara","regency_code":"9971","province_code":"99"}`,
			status: http.StatusCreated, location: "/v1/districts/99.71.01", want: kec},
		{name: "create kelurahan, name trimmed", method: http.MethodPost, target: "/v1/villages",
			body:   `{"code":"9971011001","name":"  Kelurahan Contoh ","type":"kelurahan","district_code":"99.71.01","regency_code":"99.71","province_code":"99"}`,
			status: http.StatusCreated, location: "/v1/villages/99.71.01.1001", want: village("99.71.01.1001", "Kelurahan Contoh", "kelurahan")},
		{name: "create desa, type derived", method: http.MethodPost, target: "/v1/villages",
			body:   `{"code":"99.71.01.2001","name":"Desa Contoh"}`,
			status: http.StatusCreated, location: "/v1/villages/99.71.01.2001", want: village("99.71.01.2001", "Desa Contoh", "desa")},
		{name: "create desa adat", method: http.MethodPost, target: "/v1/villages",
			body:   `{"code":"99.71.01.3001","name":"Desa Adat Contoh","type":"desa_adat"}`,
			status: http.StatusCreated, location: "/v1/villages/99.71.01.3001", want: village("99.71.01.3001", "Desa Adat Contoh", "desa_adat")},

		{name: "read created village", method: http.MethodGet, target: "/v1/villages/9971012001",
			status: http.StatusOK, want: village("99.71.01.2001", "Desa Contoh", "desa")},
		{name: "region view of created district", method: http.MethodGet, target: "/v1/regions/99.71.01", status: http.StatusOK,
			want: httpapi.Region{Code: "99.71.01", Name: "Contoh Utara", Level: "district", ParentCode: ptr("99.71"),
				Ancestors: []httpapi.Ancestor{{Code: "99", Name: "Provinsi Contoh", Level: "province"},
					{Code: "99.71", Name: "Kota Contoh", Level: "regency"}}, ChildrenCount: 3}},

		{name: "rename province", method: http.MethodPatch, target: "/v1/provinces/99",
			body: `{"name":"Provinsi Baru"}`, status: http.StatusOK, want: httpapi.Province{Code: "99", Name: "Provinsi Baru"}},
		{name: "rename regency restating its type", method: http.MethodPatch, target: "/v1/regencies/9971",
			body: `{"name":"Kota Baru","type":"kota"}`, status: http.StatusOK,
			want: httpapi.Regency{Code: "99.71", Name: "Kota Baru", Type: "kota", ProvinceCode: "99", ProvinceName: "Provinsi Baru"}},
		{name: "rename district", method: http.MethodPatch, target: "/v1/districts/99.71.01",
			body: `{"name":"Contoh Selatan"}`, status: http.StatusOK,
			want: httpapi.District{Code: "99.71.01", Name: "Contoh Selatan", RegencyCode: "99.71", ProvinceCode: "99",
				RegencyName: "Kota Baru", ProvinceName: "Provinsi Baru"}},
		{name: "rename village", method: http.MethodPatch, target: "/v1/villages/99.71.01.1001",
			body: `{"name":"Kelurahan Baru","type":"kelurahan"}`, status: http.StatusOK,
			want: httpapi.Village{Code: "99.71.01.1001", Name: "Kelurahan Baru", Type: "kelurahan", DistrictCode: "99.71.01",
				RegencyCode: "99.71", ProvinceCode: "99", DistrictName: "Contoh Selatan", RegencyName: "Kota Baru", ProvinceName: "Provinsi Baru"}},
		{name: "empty patch changes nothing", method: http.MethodPatch, target: "/v1/villages/9971012001",
			body: `{}`, status: http.StatusOK,
			want: httpapi.Village{Code: "99.71.01.2001", Name: "Desa Contoh", Type: "desa", DistrictCode: "99.71.01",
				RegencyCode: "99.71", ProvinceCode: "99", DistrictName: "Contoh Selatan", RegencyName: "Kota Baru", ProvinceName: "Provinsi Baru"}},
		{name: "renamed ancestors show in lists", method: http.MethodGet, target: "/v1/villages?province=99&fields=code,name,district_name,province_name&limit=1",
			status: http.StatusOK, want: struct {
				Data []map[string]string `json:"data"`
				Page httpapi.Page        `json:"page"`
			}{Data: []map[string]string{{"code": "99.71.01.1001", "name": "Kelurahan Baru", "district_name": "Contoh Selatan",
				"province_name": "Provinsi Baru"}}, Page: httpapi.Page{Limit: 1, Total: 3}}},

		{name: "delete village", method: http.MethodDelete, target: "/v1/villages/99.71.01.1001", status: http.StatusNoContent},
		{name: "deleted village is gone", method: http.MethodGet, target: "/v1/villages/99.71.01.1001", status: http.StatusNotFound},
		{name: "delete it again", method: http.MethodDelete, target: "/v1/villages/99.71.01.1001", status: http.StatusNotFound},
		{name: "delete undotted village", method: http.MethodDelete, target: "/v1/villages/9971012001", status: http.StatusNoContent},
		{name: "delete last village, admin key", method: http.MethodDelete, target: "/v1/villages/99.71.01.3001", key: "admin",
			status: http.StatusNoContent},
		{name: "district is childless now", method: http.MethodGet, target: "/v1/regions/99.71.01", status: http.StatusOK,
			want: httpapi.Region{Code: "99.71.01", Name: "Contoh Selatan", Level: "district", ParentCode: ptr("99.71"),
				Ancestors: []httpapi.Ancestor{{Code: "99", Name: "Provinsi Baru", Level: "province"},
					{Code: "99.71", Name: "Kota Baru", Level: "regency"}}}},
		{name: "delete district", method: http.MethodDelete, target: "/v1/districts/997101", status: http.StatusNoContent},
		{name: "delete kota", method: http.MethodDelete, target: "/v1/regencies/99.71", status: http.StatusNoContent},
		{name: "province still has the kabupaten", method: http.MethodDelete, target: "/v1/provinces/99", status: http.StatusConflict},
		{name: "delete kabupaten", method: http.MethodDelete, target: "/v1/regencies/99.01", status: http.StatusNoContent},
		{name: "delete province", method: http.MethodDelete, target: "/v1/provinces/99", status: http.StatusNoContent},
		{name: "province is gone", method: http.MethodGet, target: "/v1/regions/99", status: http.StatusNotFound},
		{name: "provinces are the fixture's again", method: http.MethodGet, target: "/v1/provinces", status: http.StatusOK,
			want: httpapi.ProvinceList{Data: []httpapi.Province{wantProvince("35"), wantProvince("64"), wantProvince("91")},
				Page: httpapi.Page{Limit: 50, Total: 3}}},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, s := range steps {
			key := a.writer
			if s.key == "admin" {
				key = a.admin
			}
			if s.method == http.MethodGet {
				key = ""
			}
			res := a.do(t, request{method: s.method, target: s.target, body: s.body, key: key})
			what := s.name + ": " + s.method + " " + s.target
			wantStatus(t, what, res, s.status)
			if s.status == http.StatusCreated {
				if got := res.header.Get("Location"); got != s.location {
					t.Errorf("%s: Location = %q, want %q", what, got, s.location)
				}
				// The new region is where Location says.
				again := a.do(t, request{target: s.location})
				wantStatus(t, what+": GET Location", again, http.StatusOK)
				if diff := cmp.Diff(s.want, decodeAs(t, again, s.want)); diff != "" {
					t.Errorf("%s: GET Location mismatch (-want +got):\n%s", what, diff)
				}
			}
			if s.status == http.StatusNoContent && len(res.body) != 0 {
				t.Errorf("%s: 204 with a body: %s", what, res.body)
			}
			if s.want != nil {
				if diff := cmp.Diff(s.want, decodeAs(t, res, s.want)); diff != "" {
					t.Errorf("%s: mismatch (-want +got):\n%s", what, diff)
				}
			}
		}
	})
}

// TestWriteErrors sends writes that must all fail, and then checks that
// none of them changed anything.
func TestWriteErrors(t *testing.T) {
	const (
		writer  = "writer"
		reader  = "reader"
		noKey   = "none"
		unknown = "desa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" // well-formed, never issued
	)
	tests := []struct {
		name        string
		method      string
		target      string
		body        string
		contentType string
		key         string // writer (default), reader, none, or a literal Authorization header
		status      int
		fields      []string // the fields the problem names, in order
		detail      string   // the problem's detail, when given
	}{
		// 422: well-formed requests that break a rule.
		{name: "bad code", method: "POST", target: "/v1/provinces", body: `{"code":"3x","name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "missing code", method: "POST", target: "/v1/provinces", body: `{"name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "zero province", method: "POST", target: "/v1/provinces", body: `{"code":"00","name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "zero segment", method: "POST", target: "/v1/villages", body: `{"code":"35.78.00.1001","name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "zero village number", method: "POST", target: "/v1/villages", body: `{"code":"35.78.01.0000","name":"X"}`,
			status: 422, fields: []string{"code", "code"}},
		{name: "province code at regencies", method: "POST", target: "/v1/regencies", body: `{"code":"98","name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "regency code at provinces", method: "POST", target: "/v1/provinces", body: `{"code":"35.78","name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "missing parent province", method: "POST", target: "/v1/regencies", body: `{"code":"98.01","name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "missing parent regency", method: "POST", target: "/v1/districts", body: `{"code":"64.09.01","name":"X"}`,
			status: 422, fields: []string{"code"}, detail: "code: parent regency 64.09 does not exist"},
		{name: "missing parent district", method: "POST", target: "/v1/villages", body: `{"code":"35.78.02.1001","name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "kelurahan type on a desa code", method: "POST", target: "/v1/villages",
			body: `{"code":"35.78.01.2001","name":"X","type":"kelurahan"}`, status: 422, fields: []string{"type"},
			detail: "type: code 35.78.01.2001 is a desa, not a kelurahan"},
		{name: "unknown village type", method: "POST", target: "/v1/villages",
			body: `{"code":"35.78.01.1009","name":"X","type":"kampung"}`, status: 422, fields: []string{"type"}},
		{name: "village number 4", method: "POST", target: "/v1/villages", body: `{"code":"35.78.01.4001","name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "regency number 70", method: "POST", target: "/v1/regencies", body: `{"code":"35.70","name":"X"}`,
			status: 422, fields: []string{"code"}},
		{name: "kabupaten type on a kota code", method: "POST", target: "/v1/regencies",
			body: `{"code":"35.71","name":"Kota Kediri","type":"kabupaten"}`, status: 422, fields: []string{"type"}},
		{name: "missing name", method: "POST", target: "/v1/provinces", body: `{"code":"98"}`,
			status: 422, fields: []string{"name"}},
		{name: "blank name", method: "POST", target: "/v1/districts", body: `{"code":"35.78.02","name":"   "}`,
			status: 422, fields: []string{"name"}},
		{name: "long name", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"` + strings.Repeat("x", 201) + `"}`,
			status: 422, fields: []string{"name"}},
		{name: "province_code disagrees", method: "POST", target: "/v1/regencies",
			body: `{"code":"64.73","name":"X","province_code":"35"}`, status: 422, fields: []string{"province_code"}},
		{name: "ancestors disagree", method: "POST", target: "/v1/villages",
			body:   `{"code":"64.01.01.2099","name":"X","district_code":"64.01.02","regency_code":"35.78","province_code":"6x"}`,
			status: 422, fields: []string{"province_code", "regency_code", "district_code"}},
		{name: "patch to a wrong type", method: "PATCH", target: "/v1/villages/35.78.21.1002", body: `{"type":"desa"}`,
			status: 422, fields: []string{"type"}},
		{name: "patch a type onto a province", method: "PATCH", target: "/v1/provinces/35", body: `{"type":"kota"}`,
			status: 422, fields: []string{"type"}},
		{name: "patch to an empty name", method: "PATCH", target: "/v1/districts/35.78.21", body: `{"name":""}`,
			status: 422, fields: []string{"name"}},

		// 409: clashes with what is stored.
		{name: "duplicate province", method: "POST", target: "/v1/provinces", body: `{"code":"35","name":"Jawa Timur"}`, status: 409},
		{name: "duplicate regency", method: "POST", target: "/v1/regencies", body: `{"code":"3578","name":"Surabaya"}`, status: 409},
		{name: "duplicate district", method: "POST", target: "/v1/districts", body: `{"code":"64.01.02","name":"X"}`, status: 409},
		{name: "duplicate village", method: "POST", target: "/v1/villages", body: `{"code":"3578211002","name":"X"}`, status: 409},
		{name: "delete province with regencies", method: "DELETE", target: "/v1/provinces/35", status: 409},
		{name: "delete regency with districts", method: "DELETE", target: "/v1/regencies/3578", status: 409},
		{name: "delete district with villages", method: "DELETE", target: "/v1/districts/35.78.21", status: 409},

		// 404: nothing there.
		{name: "patch unknown province", method: "PATCH", target: "/v1/provinces/98", body: `{"name":"X"}`, status: 404},
		{name: "patch unknown village", method: "PATCH", target: "/v1/villages/35.78.21.9999", body: `{"name":"X"}`, status: 404},
		{name: "patch a regency at villages", method: "PATCH", target: "/v1/villages/35.78", body: `{"name":"X"}`, status: 404},
		{name: "delete unknown regency", method: "DELETE", target: "/v1/regencies/64.09", status: 404},
		{name: "delete unknown village", method: "DELETE", target: "/v1/villages/3578219999", status: 404},

		// 400: malformed path codes and bodies.
		{name: "patch malformed code", method: "PATCH", target: "/v1/provinces/xx", body: `{"name":"X"}`,
			status: 400, fields: []string{"code"}},
		{name: "delete malformed code", method: "DELETE", target: "/v1/districts/35-78-21", status: 400, fields: []string{"code"}},
		{name: "not JSON", method: "POST", target: "/v1/provinces", body: `code=98&name=X`, status: 400},
		{name: "truncated JSON", method: "POST", target: "/v1/provinces", body: `{"code":"98",`, status: 400},
		{name: "syntax error", method: "POST", target: "/v1/provinces", body: `{"code":"98" "name":"X"}`, status: 400},
		{name: "empty body", method: "POST", target: "/v1/provinces", contentType: "application/json", status: 400,
			detail: "the body is empty"},
		{name: "text/plain", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X"}`,
			contentType: "text/plain", status: 400},
		{name: "form content type", method: "POST", target: "/v1/regencies", body: `{"code":"35.16","name":"X"}`,
			contentType: "application/x-www-form-urlencoded", status: 400},
		{name: "no content type", method: "PATCH", target: "/v1/provinces/35", body: `{"name":"X"}`,
			contentType: "none", status: 400},
		{name: "unknown field", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X","population":1}`,
			status: 400, fields: []string{"population"}, detail: "population: is not a known field"},
		{name: "type is not a province field", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X","type":"kota"}`,
			status: 400, fields: []string{"type"}},
		{name: "unknown patch field", method: "PATCH", target: "/v1/villages/35.78.21.1002", body: `{"code":"35.78.21.1003"}`,
			status: 400, fields: []string{"code"}},
		{name: "trailing JSON value", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X"} {"code":"97"}`, status: 400},
		{name: "trailing garbage", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X"}garbage`, status: 400},
		{name: "number for a string", method: "POST", target: "/v1/provinces", body: `{"code":98,"name":"X"}`,
			status: 400, fields: []string{"code"}, detail: "code: must be a JSON string"},
		{name: "object for a string", method: "PATCH", target: "/v1/provinces/35", body: `{"name":{"id":"X"}}`,
			status: 400, fields: []string{"name"}},
		{name: "array body", method: "POST", target: "/v1/provinces", body: `[{"code":"98","name":"X"}]`, status: 400,
			detail: "the body must be a JSON object"},
		{name: "string body", method: "PATCH", target: "/v1/provinces/35", body: `"X"`, status: 400,
			detail: "the body must be a JSON object"},
		{name: "null name", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":null}`,
			status: 422, fields: []string{"name"}},

		// 401 and 403: who may write.
		{name: "no key", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X"}`, key: noKey, status: 401},
		{name: "no key, bad body", method: "POST", target: "/v1/provinces", body: `{`, key: noKey, status: 401},
		{name: "no key patch", method: "PATCH", target: "/v1/provinces/35", body: `{"name":"X"}`, key: noKey, status: 401},
		{name: "no key delete", method: "DELETE", target: "/v1/villages/35.78.21.1002", key: noKey, status: 401},
		{name: "basic auth", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X"}`,
			key: "Basic d3JpdGVyOnNlY3JldA==", status: 401},
		{name: "bearer without a key", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X"}`,
			key: "Bearer", status: 401},
		{name: "malformed key", method: "DELETE", target: "/v1/villages/35.78.21.1002", key: "Bearer desa_short", status: 401},
		{name: "key without prefix", method: "DELETE", target: "/v1/villages/35.78.21.1002",
			key: "Bearer " + strings.Repeat("A", 48), status: 401},
		{name: "unknown key", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X"}`,
			key: "Bearer " + unknown, status: 401},
		{name: "unknown key on a read", method: "GET", target: "/v1/provinces", key: "Bearer " + unknown, status: 401},
		{name: "malformed key on a read", method: "GET", target: "/v1/villages/35.78.21.1002", key: "Token abc", status: 401},
		{name: "read-only key creates", method: "POST", target: "/v1/provinces", body: `{"code":"98","name":"X"}`, key: reader, status: 403,
			detail: `API key "reader" lacks scope "write:regions"`},
		{name: "read-only key patches", method: "PATCH", target: "/v1/villages/35.78.21.1002", body: `{"name":"X"}`, key: reader, status: 403},
		{name: "read-only key deletes", method: "DELETE", target: "/v1/villages/35.78.21.1002", key: reader, status: 403},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := request{method: tt.method, target: tt.target, body: tt.body, contentType: tt.contentType}
				switch tt.key {
				case "", writer:
					r.key = a.writer
				case reader:
					r.key = a.reader
				case noKey:
				default:
					r.header = map[string]string{"Authorization": tt.key}
				}
				res := a.do(t, r)
				wantStatus(t, tt.method+" "+tt.target, res, tt.status)
				p := problemOf(t, res)
				if diff := cmp.Diff(tt.fields, fieldsOf(p)); diff != "" {
					t.Errorf("problem fields mismatch (-want +got):\n%s", diff)
				}
				if tt.detail != "" && p.Detail != tt.detail {
					t.Errorf("detail = %q, want %q", p.Detail, tt.detail)
				}
			})
		}
		t.Run("nothing changed", func(t *testing.T) {
			for _, c := range []struct {
				target string
				total  int
			}{{"/v1/provinces", 3}, {"/v1/regencies", 5}, {"/v1/districts", 6}, {"/v1/villages", 9}} {
				res := a.do(t, request{target: c.target})
				wantStatus(t, c.target, res, http.StatusOK)
				if got := pageOf(t, res).Total; got != c.total {
					t.Errorf("%s: total = %d, want %d", c.target, got, c.total)
				}
			}
			res := a.do(t, request{target: "/v1/villages/35.78.21.1002"})
			if diff := cmp.Diff(wantVillage("35.78.21.1002"), decode[httpapi.Village](t, res)); diff != "" {
				t.Errorf("village mismatch (-want +got):\n%s", diff)
			}
		})
	})
}
