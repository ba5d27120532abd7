package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
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

// TestRateLimitClientIP: by default the client is the connection's
// address, so X-Forwarded-For and X-Real-IP cannot give a client a fresh
// bucket; from a trusted proxy X-Forwarded-For names the client.
func TestRateLimitClientIP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		statuses := func(h http.Handler, header func(i int) map[string]string) []int {
			var out []int
			for i := range 4 {
				out = append(out, get(h, "/v1/provinces", header(i)).Code)
			}
			return out
		}
		limited := []int{200, 200, 429, 429}
		spoofed := func(i int) map[string]string {
			return map[string]string{"X-Forwarded-For": fmt.Sprintf("10.0.0.%d", i), "X-Real-IP": fmt.Sprintf("10.0.1.%d", i)}
		}
		h := limitedAPI(t, s, httpapi.Config{RateLimitRPS: 0.5, RateLimitBurst: 2})
		if got := statuses(h, spoofed); !slices.Equal(got, limited) {
			t.Errorf("a new X-Forwarded-For each time, no trusted proxy: %v, want %v", got, limited)
		}
		// 192.0.2.7 (get's RemoteAddr) is a trusted proxy: each forwarded
		// client has its own bucket, and the proxy's own requests theirs.
		_, proxies, _ := net.ParseCIDR("192.0.2.0/24")
		h = limitedAPI(t, s, httpapi.Config{RateLimitRPS: 0.5, RateLimitBurst: 2, TrustedProxies: []*net.IPNet{proxies}})
		if got := statuses(h, spoofed); !slices.Equal(got, []int{200, 200, 200, 200}) {
			t.Errorf("clients forwarded by a trusted proxy: %v, want 200s", got)
		}
		same := func(int) map[string]string { return map[string]string{"X-Forwarded-For": "9.9.9.9"} }
		if got := statuses(h, same); !slices.Equal(got, limited) {
			t.Errorf("one client forwarded by a trusted proxy: %v, want %v", got, limited)
		}
		// A hop the client added itself, left of the proxy's, does not count.
		chain := func(i int) map[string]string {
			return map[string]string{"X-Forwarded-For": fmt.Sprintf("10.0.0.%d, 8.8.8.8", i)}
		}
		if got := statuses(h, chain); !slices.Equal(got, limited) {
			t.Errorf("spoofed hops before the client: %v, want %v", got, limited)
		}
	})
}

// TestRateLimitFailedAuthentication: failed authentications spend the
// client IP's bucket, so guessing keys hits 429; a valid key's requests
// neither spend the IP's bucket nor are limited by it.
func TestRateLimitFailedAuthentication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, secret, err := auth.NewService(s).Create(t.Context(), "sync", []auth.Scope{auth.ScopeRead}, nil)
		if err != nil {
			t.Fatal(err)
		}
		h := limitedAPI(t, s, httpapi.Config{RateLimitRPS: 0.5, RateLimitBurst: 3})
		unknown := map[string]string{"Authorization": "Bearer desa_" + strings.Repeat("A", 43)}
		var got []int
		for range 6 {
			got = append(got, get(h, "/v1/provinces", unknown).Code)
		}
		if want := []int{401, 401, 401, 429, 429, 429}; !slices.Equal(got, want) {
			t.Errorf("unknown key six times: %v, want %v", got, want)
		}
		if rec := get(h, "/v1/provinces", unknown); !strings.Contains(rec.Body.String(), "failed authentications") ||
			rec.Header().Get("Retry-After") != "2" {
			t.Errorf("429 for a guesser: %s, Retry-After %q", rec.Body, rec.Header().Get("Retry-After"))
		}
		// From another IP: its valid key's requests leave the IP's bucket
		// whole, and anonymous requests emptying it do not stop the key.
		from := func(header map[string]string) int {
			req := httptest.NewRequest(http.MethodGet, "/v1/provinces", nil)
			req.RemoteAddr = "198.51.100.9:1"
			for k, v := range header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code
		}
		valid := map[string]string{"Authorization": "Bearer " + secret}
		got = nil
		for _, header := range []map[string]string{valid, valid, nil, nil, nil, nil, valid} {
			got = append(got, from(header))
		}
		if want := []int{200, 200, 200, 200, 200, 429, 200}; !slices.Equal(got, want) {
			t.Errorf("valid key, anonymous ×4, valid key: %v, want %v", got, want)
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
