package httpapi_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadErrors sends reads with bad parameters or paths: each is a
// problem naming the offending parameter where there is one.
func TestReadErrors(t *testing.T) {
	tests := []struct {
		target string
		status int
		field  string // errors[0].field; "" for none
	}{
		{"/v1/provinces?limit=abc", 400, "limit"},
		{"/v1/provinces?limit=1.5", 400, "limit"},
		{"/v1/provinces?limit=0", 400, "limit"},
		{"/v1/provinces?limit=-5", 400, "limit"},
		{"/v1/villages?limit=1001", 400, "limit"},
		{"/v1/villages?limit=99999999999999999999", 400, "limit"},
		{"/v1/villages?offset=-1", 400, "offset"},
		{"/v1/villages?offset=x", 400, "offset"},
		{"/v1/villages?offset=-1&limit=0", 400, "limit"},
		{"/v1/provinces?sort=population", 400, "sort"},
		{"/v1/provinces?sort=--code", 400, "sort"},
		{"/v1/villages?sort=type", 400, "sort"},
		{"/v1/villages?sort=code,name", 400, "sort"},
		{"/v1/provinces?fields=code,population", 400, "fields"},
		{"/v1/regencies?fields=parent_code", 400, "fields"},
		{"/v1/villages?fields=ancestors", 400, "fields"},
		{"/v1/provinces?format=xml", 400, "format"},
		{"/v1/villages?format=CSV", 400, "format"},
		{"/v1/regencies?province=3x", 400, "province"},
		{"/v1/regencies?province=35.78", 400, "province"},
		{"/v1/regencies?province=35,3x", 400, "province"},
		{"/v1/regencies?type=city", 400, "type"},
		{"/v1/regencies?type=kota,desa", 400, "type"},
		{"/v1/districts?regency=35", 400, "regency"},
		{"/v1/districts?regency=357", 400, "regency"},
		{"/v1/districts?province=35.78.21", 400, "province"},
		{"/v1/villages?district=35.78", 400, "district"},
		{"/v1/villages?district=3578211002", 400, "district"},
		{"/v1/villages?regency=35.78.21", 400, "regency"},
		{"/v1/villages?province=3578", 400, "province"},
		{"/v1/villages?type=Desa", 400, "type"},
		{"/v1/villages?q=" + strings.Repeat("a", 101), 400, "q"},
		{"/v1/regions/35/children?sort=level", 400, "sort"},
		{"/v1/regions/35/children?fields=ancestors", 400, "fields"},
		{"/v1/regions/35/children?limit=0", 400, "limit"},
		{"/v1/regions/35/children?format=pdf", 400, "format"},

		{"/v1/provinces/3x", 400, "code"},
		{"/v1/provinces/355", 400, "code"},
		{"/v1/regencies/35..78", 400, "code"},
		{"/v1/districts/35-78-21", 400, "code"},
		{"/v1/villages/35.78.21.10021", 400, "code"},
		{"/v1/villages/35.78.21.1002.1", 400, "code"},
		{"/v1/regions/abc", 400, "code"},
		{"/v1/regions/" + url.PathEscape("35 78"), 400, "code"},
		{"/v1/regions/x/children", 400, "code"},

		{"/v1/provinces/98", 404, ""},
		{"/v1/regencies/35.16", 404, ""},
		{"/v1/districts/64.72.01", 404, ""},
		{"/v1/villages/35.78.21.9999", 404, ""},
		{"/v1/villages/35.78", 404, ""}, // a regency, not a village
		{"/v1/provinces/35.78", 404, ""},
		{"/v1/regencies/3578211002", 404, ""},
		{"/v1/regions/99", 404, ""},
		{"/v1/regions/35.78.21.9999", 404, ""},
		{"/v1/regions/99/children", 404, ""},
		{"/v1/regions/99.01/children?limit=0", 400, "limit"}, // parameters are checked first
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.target, func(t *testing.T) {
				res := a.do(t, request{target: tt.target})
				wantStatus(t, tt.target, res, tt.status)
				p := problemOf(t, res)
				var want []string
				if tt.field != "" {
					want = []string{tt.field}
				}
				if diff := cmp.Diff(want, fieldsOf(p)); diff != "" {
					t.Errorf("problem fields mismatch (-want +got):\n%s", diff)
				}
			})
		}
		// A code of another level says which level it is.
		for target, hint := range map[string]string{"/v1/provinces/35.78": "35.78 is a regency code (see /v1/regions/35.78)",
			"/v1/regencies/3578211002": "35.78.21.1002 is a village code"} {
			if p := problemOf(t, a.do(t, request{target: target})); !strings.Contains(p.Detail, hint) {
				t.Errorf("%s: detail %q, want it to say %q", target, p.Detail, hint)
			}
		}
	})
}

// TestRoutingErrors: paths and methods the API does not have still answer
// problem+json.
func TestRoutingErrors(t *testing.T) {
	tests := []struct {
		method, target string
		status         int
		allow          string // the Allow header of a 405
	}{
		{"GET", "/v1/nope", 404, ""},
		{"GET", "/v1/provinces/35/regencies", 404, ""},
		{"GET", "/v1/provinces/35/", 404, ""},
		{"DELETE", "/v1/villages/35.78.21.1002/", 404, ""},
		{"GET", "/v1/regions/35/children/", 404, ""},
		{"GET", "/v1/regions", 404, ""},
		{"GET", "/v2/provinces", 404, ""},
		{"POST", "/v1/nope", 404, ""},
		{"GET", "/problems/no-such-problem", 404, ""},
		{"PUT", "/v1/provinces", 405, "OPTIONS, GET, HEAD, POST"},
		{"DELETE", "/v1/villages", 405, "OPTIONS, GET, HEAD, POST"},
		{"PUT", "/v1/villages/35.78.21.1002", 405, "OPTIONS, GET, HEAD, PATCH, DELETE"},
		{"POST", "/v1/regions/35", 405, "OPTIONS, GET, HEAD"},
		{"PATCH", "/v1/regions/35/children", 405, "OPTIONS, GET, HEAD"},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.method+" "+tt.target, func(t *testing.T) {
				res := a.do(t, request{method: tt.method, target: tt.target, key: a.writer})
				wantStatus(t, tt.method+" "+tt.target, res, tt.status)
				p := problemOf(t, res)
				if p.Errors != nil {
					t.Errorf("errors = %v, want none", p.Errors)
				}
				if got := normaliseAllow(res.header.Get("Allow")); got != normaliseAllow(tt.allow) {
					t.Errorf("Allow = %q, want %q", got, tt.allow)
				}
			})
		}
	})
}

// normaliseAllow sorts an Allow header's methods.
func normaliseAllow(s string) string {
	if s == "" {
		return ""
	}
	ms := strings.Split(s, ",")
	for i := range ms {
		ms[i] = strings.TrimSpace(ms[i])
	}
	slices.Sort(ms)
	return strings.Join(ms, ", ")
}
