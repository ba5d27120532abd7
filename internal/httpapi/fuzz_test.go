package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// FuzzListQuery sends arbitrary query strings (filters, sort, fields,
// paging, format, score joins) to the lists and reports: nothing may panic
// or answer 5xx.
func FuzzListQuery(f *testing.F) {
	for _, s := range []string{
		"province=35&type=desa&q=kupang&sort=-name&fields=code,name&limit=10&offset=5",
		"regency=3578,6401&format=csv", "district=35.78.01&sort=code", "framework=idm&year=2024&status=maju,mandiri&sort=-score",
		"limit=0", "limit=abc", "offset=-1", "sort=-", "fields=,,", "q=%25_%5C", "province=3x", "year=99999999999999999999",
		"status=maju&framework=ipd", "format=xml", "level=village", "parent=64&level=district", "from=2024&to=2023",
		"regions=35,64&by=improvement&order=asc",
	} {
		f.Add("/v1/villages", s)
		f.Add("/v1/stats/status-distribution", s)
	}
	f.Add("/v1/stats/rankings", "by=improvement&from=2023&year=2024")
	f.Add("/v1/stats/transitions/villages", "from_status=maju&to_status=x")
	s := storetest.New(f, store.SQLite)
	a := newAPI(f, s)
	paths := []string{"/v1/villages", "/v1/regencies", "/v1/districts", "/v1/provinces", "/v1/regions/35/children",
		"/v1/stats/status-distribution", "/v1/stats/scores", "/v1/stats/transitions", "/v1/stats/transitions/villages",
		"/v1/stats/trends", "/v1/stats/compare", "/v1/stats/rankings"}
	f.Fuzz(func(t *testing.T, path, rawQuery string) {
		if _, err := url.ParseQuery(rawQuery); err != nil {
			return
		}
		target := paths[len(path)%len(paths)] + "?" + rawQuery
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.RawQuery = rawQuery
		req.URL.Path = paths[len(path)%len(paths)]
		rec := httptest.NewRecorder()
		a.e.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
	})
}
