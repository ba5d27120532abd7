package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

func limitedAPI(t *testing.T, s *store.Store, cfg httpapi.Config) http.Handler {
	t.Helper()
	e, err := httpapi.New(httpapi.Services{Regions: region.NewService(s), Keys: auth.NewService(s), Ping: s.Ping,
		DataVersion: s.DataVersion}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func get(h http.Handler, target string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = "192.0.2.7:1234"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestRateLimit: past the burst a client gets 429 problem+json with
// Retry-After; another client (IP) is unaffected.
func TestRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := limitedAPI(t, s, httpapi.Config{RateLimitRPS: 0.5, RateLimitBurst: 2})
		for i := range 2 {
			if rec := get(h, "/v1/provinces", nil); rec.Code != http.StatusOK {
				t.Fatalf("request %d: %d, want 200", i+1, rec.Code)
			}
		}
		rec := get(h, "/v1/provinces", nil)
		if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "2" ||
			rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Fatalf("third request: %d, Retry-After %q, Content-Type %q; want 429, 2, problem+json",
				rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("Content-Type"))
		}
		var p struct{ Status int }
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != 429 {
			t.Errorf("body %s", rec.Body)
		}
		if rec := get(h, "/healthz", nil); rec.Code != http.StatusOK {
			t.Errorf("/healthz is limited: %d", rec.Code)
		}
		req := httptest.NewRequest(http.MethodGet, "/v1/provinces", nil)
		req.RemoteAddr = "198.51.100.9:1"
		other := httptest.NewRecorder()
		h.ServeHTTP(other, req)
		if other.Code != http.StatusOK {
			t.Errorf("another client was limited: %d", other.Code)
		}
	})
}

// TestCORSAndSecurityHeaders checks a preflight from an allowed origin, a
// refused origin, and the security headers on an ordinary answer.
func TestCORSAndSecurityHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := limitedAPI(t, s, httpapi.Config{AllowedOrigins: []string{"https://dashboard.example"}})
		req := httptest.NewRequest(http.MethodOptions, "/v1/villages", nil)
		req.Header.Set("Origin", "https://dashboard.example")
		req.Header.Set("Access-Control-Request-Method", "PATCH")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "https://dashboard.example" {
			t.Errorf("preflight: %d, allow-origin %q", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
		}
		rec = get(h, "/v1/provinces", map[string]string{"Origin": "https://evil.example"})
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("refused origin got Access-Control-Allow-Origin %q", got)
		}
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "no-referrer"} {
			if got := rec.Header().Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
	})
}

// TestProvinceRestrictedKey: a key restricted to province 35 writes regions
// there and gets 403 problem+json for province 64.
func TestProvinceRestrictedKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		regions := region.NewService(s)
		for _, c := range [][2]string{{"35", "Jawa Timur"}, {"64", "Kalimantan Timur"}} {
			r, _ := region.New(c[0], c[1], "")
			if _, err := regions.Import(ctx, []region.Region{r}); err != nil {
				t.Fatal(err)
			}
		}
		_, secret, err := auth.NewService(s).Create(ctx, "jatim", []auth.Scope{auth.ScopeWriteRegions}, []string{"35"})
		if err != nil {
			t.Fatal(err)
		}
		h := limitedAPI(t, s, httpapi.Config{})
		for _, tc := range []struct {
			method, target, body string
			want                 int
		}{
			{http.MethodPatch, "/v1/provinces/35", `{"name":"Jatim"}`, http.StatusOK},
			{http.MethodPatch, "/v1/provinces/64", `{"name":"Kaltim"}`, http.StatusForbidden},
			{http.MethodPost, "/v1/regencies", `{"code":"35.01","name":"Kabupaten Pacitan"}`, http.StatusCreated},
			{http.MethodPost, "/v1/regencies", `{"code":"6401","name":"Kabupaten Paser"}`, http.StatusForbidden},
			{http.MethodDelete, "/v1/provinces/64", ``, http.StatusForbidden},
		} {
			req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Errorf("%s %s: %d %s, want %d", tc.method, tc.target, rec.Code, rec.Body, tc.want)
			}
			if tc.want == http.StatusForbidden && !strings.Contains(rec.Body.String(), "may write only in provinces 35") {
				t.Errorf("%s %s: 403 does not say why: %s", tc.method, tc.target, rec.Body)
			}
		}
		if r, err := regions.Get(ctx, "64", ""); err != nil || r.Name != "Kalimantan Timur" {
			t.Errorf("province 64 changed: %+v %v", r, err)
		}
	})
}
