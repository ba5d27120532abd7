package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
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

// FuzzImportBody posts arbitrary bodies to POST /v1/imports?dry_run=true
// (scores or indicator values, CSV or JSON, by kind): whatever the body,
// the answer is 200 or a client error in problem+json, never 5xx.
func FuzzImportBody(f *testing.F) {
	// Short seeds: each execution runs a real import on SQLite, and the
	// fuzzer minimizes every new input it finds, byte by byte.
	for _, s := range []string{scoreHeader + "\n" + importRows[0].csv + "\n" + importRows[1].csv + "\n" + importRows[18].csv + "\n",
		"[" + importRows[0].json + "," + importRows[19].json + "," + importRows[20].json + "]", "", "\ufeff" + scoreHeader + "\n64.01.01.2009,2024,0.5,0.5,0.5,,\n",
		scoreHeader + ",extra\n", "village_code,year,score\n\"64.01.01.2009\",2024,\"0.5\n",
		"village_code,year,score\n64.01.01.2009,2024,1e400\n6401012009,99999999999999999999,0.5\n64.01,2024,x\n",
		"region_code,indicator_code,year,value\n64,idm_iks_01,2024,5\n64.01.01.2009,idm_iks_01,2024,9\n",
		"village_code,year,dimension,number,score\n64.01.01.2009,2024,IKS,1,4\n"} {
		for kind := range uint8(4) {
			f.Add(s, kind)
		}
	}
	a := newAPI(f, storetest.New(f, store.SQLite))
	f.Fuzz(func(t *testing.T, body string, kind uint8) {
		target := "/v1/imports?dry_run=true&kind=scores&framework=idm"
		if kind&1 != 0 {
			target = "/v1/imports?dry_run=true&kind=indicator_values&mode=partial"
		}
		ct := "text/csv"
		if kind&2 != 0 {
			ct = "application/json"
		}
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+a.indicators)
		rec := httptest.NewRecorder()
		a.e.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s (%s) %q: %d %s", target, ct, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
			t.Fatalf("POST %s (%s) %q: %d as %q", target, ct, body, rec.Code, rec.Header().Get("Content-Type"))
		}
	})
}
