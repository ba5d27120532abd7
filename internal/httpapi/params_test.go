package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestUnknownQueryParams: a query parameter the route's operation does not
// declare is a 400 naming it and what the route takes — a misplaced filter
// must not silently widen the answer to all of Indonesia — and a write
// with one does nothing. pretty and _ are taken everywhere.
func TestUnknownQueryParams(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tc := range []struct {
			target string
			fields []string
			takes  string // in the detail
		}{
			{"/v1/stats/status-distribution?region=64&level=regency", []string{"region"}, "parent"},
			{"/v1/stats/trends?parent=64", []string{"parent"}, "region"},
			{"/v1/stats/rankings?province=64", []string{"province"}, "region"},
			{"/v1/provinces?province=35", []string{"province"}, "limit"},
			{"/v1/villages?provinse=35&limt=5&province=35", []string{"limt", "provinse"}, "province"},
			{"/v1/provinces/35?year=2024", []string{"year"}, "no query parameters"},
		} {
			res := a.do(t, request{target: tc.target})
			wantStatus(t, tc.target, res, http.StatusBadRequest)
			p := problemOf(t, res)
			if diff := cmp.Diff(tc.fields, fieldsOf(p)); diff != "" {
				t.Errorf("%s: fields (-want +got):\n%s", tc.target, diff)
			}
			if !strings.Contains(p.Detail, tc.takes) {
				t.Errorf("%s: detail %q does not say the route takes %s", tc.target, p.Detail, tc.takes)
			}
		}

		res := a.do(t, request{method: http.MethodPost, target: "/v1/provinces?dry_run=true", body: `{"code":"98","name":"Uji"}`, key: a.writer})
		wantStatus(t, "POST with an unknown parameter", res, http.StatusBadRequest)
		wantStatus(t, "province 98 after a refused POST", a.do(t, request{target: "/v1/provinces/98"}), http.StatusNotFound)

		for _, target := range []string{"/v1/provinces?_=1732860000000&limit=2", "/v1/provinces/35?pretty", "/v1/stats/trends?region=64&_=1"} {
			wantStatus(t, target, a.do(t, request{target: target}), http.StatusOK)
		}
	})
}
