package httpapi_test

// ETags, 304s and the response cache: every GET under /v1 has an ETag, a
// matching If-None-Match answers 304 without computing anything, a repeat
// is served from the cache (the stats store sees no query), and a write —
// through this router or through another replica over the same database —
// changes the ETag and retires the cached answer.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// getTargets are sample requests of every GET route under /v1 (keyed by
// route path); {import} stands for the id of an import made by the test.
var getTargets = map[string]string{
	"/v1/provinces":                                 "/v1/provinces",
	"/v1/provinces/:code":                           "/v1/provinces/35",
	"/v1/regencies":                                 "/v1/regencies?province=64",
	"/v1/regencies/:code":                           "/v1/regencies/35.15",
	"/v1/districts":                                 "/v1/districts?regency=64.01",
	"/v1/districts/:code":                           "/v1/districts/64.01.02",
	"/v1/villages":                                  "/v1/villages?province=35&framework=idm&year=2024&status=maju",
	"/v1/villages/:code":                            "/v1/villages/35.15.01.2001",
	"/v1/villages/:code/scores":                     "/v1/villages/64.01.01.2003/scores",
	"/v1/villages/:code/scores/:framework/:year":    "/v1/villages/64.01.01.2003/scores/idm/2024",
	"/v1/regions/:code/indicators/:indicator/:year": "/v1/regions/64.01/indicators/idm_iks_01/2024",
	"/v1/regions/:code":                             "/v1/regions/64.01",
	"/v1/regions/:code/children":                    "/v1/regions/64.01/children",
	"/v1/regions/:code/profile":                     "/v1/regions/64.01/profile",
	"/v1/stats/gaps":                                "/v1/stats/gaps?region=64",
	"/v1/frameworks":                                "/v1/frameworks",
	"/v1/frameworks/:code":                          "/v1/frameworks/idm",
	"/v1/imports/:id":                               "/v1/imports/{import}",
	"/v1/stats/status-distribution":                 "/v1/stats/status-distribution?level=regency",
	"/v1/stats/scores":                              "/v1/stats/scores",
	"/v1/stats/transitions":                         "/v1/stats/transitions",
	"/v1/stats/transitions/villages":                "/v1/stats/transitions/villages?limit=2",
	"/v1/stats/trends":                              "/v1/stats/trends",
	"/v1/stats/compare":                             "/v1/stats/compare?regions=35,64",
	"/v1/stats/rankings":                            "/v1/stats/rankings?limit=5",
	"/v1/stats/status-distribution?csv":             "/v1/stats/status-distribution?format=csv",
	"/v1/villages?csv":                              "/v1/villages?district=35.15.01&format=csv",
	"/v1/stats/rankings?by=improvement":             "/v1/stats/rankings?by=improvement",
	"/v1/stats/scores?parent":                       "/v1/stats/scores?level=district&parent=35",
	"/v1/stats/transitions?region":                  "/v1/stats/transitions?region=64",
	"/v1/stats/status-distribution?2023":            "/v1/stats/status-distribution?year=2023",
	"/v1/agencies":                                  "/v1/agencies",
	"/v1/indicators":                                "/v1/indicators?dimension=iks",
	"/v1/indicators/:code":                          "/v1/indicators/idm_iks_01",
	"/v1/regions/:code/indicators":                  "/v1/regions/64.01/indicators",
	"/v1/villages/:code/indicators":                 "/v1/villages/64.01.01.2003/indicators",
	"/v1/programs":                                  "/v1/programs?province=64",
	"/v1/changes":                                   "/v1/changes?limit=5",
}

// withoutSample are routes this fixture holds nothing for (no program or
// agency exists); the same middleware answers them, and their lists are
// sampled above (a program's items' ETags and 304s: TestProgramItems).
var withoutSample = map[string]bool{"/v1/agencies/:id": true, "/v1/programs/:id": true,
	"/v1/programs/:id/parties": true, "/v1/programs/:id/budgets": true, "/v1/programs/:id/activities": true,
	"/v1/programs/:id/parties/:party_id": true, "/v1/programs/:id/budgets/:budget_id": true,
	"/v1/programs/:id/activities/:activity_id": true, "/v1/programs/:id/villages": true,
	"/v1/programs/:id/outcomes": true, "/v1/audit": true} // /v1/audit: admin only, see TestAuditTrail

// privateGets are admin-only routes that are deliberately neither cached
// nor given an ETag: the cache runs before the route's scope check
// (TestKeyEndpoints checks their Cache-Control: no-store).
var privateGets = map[string]bool{"/v1/keys": true}

// dryRunImport makes an import report (a dry run: nothing is stored) and
// returns its id.
func dryRunImport(t *testing.T, a *statsAPI) string {
	t.Helper()
	res := a.do(t, request{method: http.MethodPost, target: "/v1/imports?kind=scores&framework=idm&dry_run=true",
		contentType: "text/csv", key: a.indicators,
		body: "village_code,year,iks,ike,ikl,score,status\n35.15.01.2004,2024,0.5000,0.5000,0.5000,,\n"})
	wantStatus(t, "POST /v1/imports", res, http.StatusCreated)
	return strings.TrimPrefix(res.header.Get("Location"), "/v1/imports/")
}

// TestStatsETagOnEveryGet: every GET route under /v1 answers with an ETag,
// Cache-Control: no-cache and Vary: Origin (CORS), Accept, Accept-Encoding,
// and a matching If-None-Match (strong, weak, in a list, or *) answers 304
// with no body.
func TestStatsETagOnEveryGet(t *testing.T) {
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		id := dryRunImport(t, a)
		wantStatus(t, "PUT a value", a.do(t, request{method: http.MethodPut, target: getTargets["/v1/regions/:code/indicators/:indicator/:year"],
			body: `{"value":4}`, key: a.indicators}), http.StatusCreated)
		for _, r := range a.e.Routes() {
			if r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/v1/") && getTargets[r.Path] == "" && !withoutSample[r.Path] && !privateGets[r.Path] {
				t.Errorf("GET %s has no sample request in getTargets: add one", r.Path)
			}
		}
		for route, target := range getTargets {
			if route == "/v1/stats/gaps" && !hasTable(a.store, "indicator_values") {
				t.Logf("GET %s skipped: this schema has no indicator_values table (the indicator catalogue's migrations)", route)
				continue
			}
			target = strings.ReplaceAll(target, "{import}", id)
			res := a.get(t, target, http.StatusOK)
			etag := etagOf(t, target, res)
			if cc, vary := res.header.Get("Cache-Control"), res.header.Get("Vary"); cc != "no-cache" || vary != "Origin, Accept, Accept-Encoding" {
				t.Errorf("GET %s: Cache-Control %q, Vary %q; want no-cache, Origin, Accept, Accept-Encoding", target, cc, vary)
			}
			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
				res := a.get(t, target, http.StatusNotModified, "If-None-Match", inm)
				if len(res.body) != 0 || res.header.Get("ETag") != etag {
					t.Errorf("GET %s with If-None-Match %s: 304 with body %q and ETag %q, want no body and %s",
						target, inm, res.body, res.header.Get("ETag"), etag)
				}
			}
			if res := a.get(t, target, http.StatusOK, "If-None-Match", `"0-0"`); res.header.Get("ETag") != etag {
				t.Errorf("GET %s: ETag changed from %s to %s with no write", target, etag, res.header.Get("ETag"))
			}
		}
		// A CSV answer is another representation with another tag.
		j := a.get(t, "/v1/stats/trends", http.StatusOK)
		c := a.get(t, "/v1/stats/trends", http.StatusOK, "Accept", "text/csv")
		if etagOf(t, "json", j) == etagOf(t, "csv", c) {
			t.Errorf("JSON and CSV answers share the ETag %s", j.header.Get("ETag"))
		}
		a.get(t, "/v1/stats/trends", http.StatusOK, "If-None-Match", c.header.Get("ETag"))
	})
}

// TestStatsCacheRepeats: a repeated request is answered from the cache
// without a query, byte for byte as computed; a 304 computes nothing
// either; with the cache off (CacheBytes < 0) repeats are computed again
// but ETags and 304s still work.
func TestStatsCacheRepeats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadStatsFixture(t, s)
		for _, cached := range []bool{true, false} {
			cfg := httpapi.Config{}
			if !cached {
				cfg.CacheBytes = -1
			}
			a := newStatsAPI(t, s, cfg)
			for _, target := range []string{
				"/v1/stats/status-distribution?level=district&parent=35",
				"/v1/stats/scores?year=2023",
				"/v1/stats/transitions/villages?limit=3",
				"/v1/stats/rankings?format=csv",
				"/v1/stats/compare?regions=35,64",
			} {
				before := a.queries.Load()
				hits0, misses0 := cacheCounters(t, a)
				first := a.get(t, target, http.StatusOK)
				computed := a.queries.Load()
				if computed == before {
					t.Fatalf("GET %s: the stats store saw no query; is the counting store wired?", target)
				}
				second := a.get(t, target, http.StatusOK)
				hits, misses := cacheCounters(t, a)
				if got := a.queries.Load() - computed; cached && got != 0 {
					t.Errorf("GET %s again: %d queries, want 0 (served from the cache)", target, got)
				} else if !cached && got != computed-before {
					t.Errorf("GET %s again without a cache: %d queries, want %d", target, got, computed-before)
				}
				// The exported counters (GET /metrics) agree.
				wantHits := 1.0
				if !cached {
					wantHits = 0
				}
				if hits-hits0 != wantHits || misses-misses0 != 2-wantHits {
					t.Errorf("GET %s twice: cache hits +%v, misses +%v; want +%v, +%v", target, hits-hits0, misses-misses0, wantHits, 2-wantHits)
				}
				if string(first.body) != string(second.body) || etagOf(t, target, first) != etagOf(t, target, second) ||
					first.header.Get("Content-Type") != second.header.Get("Content-Type") || first.header.Get("Link") != second.header.Get("Link") {
					t.Errorf("GET %s: the repeat differs from the first answer:\n%s %v\n%s %v", target, first.body, first.header, second.body, second.header)
				}
				n := a.queries.Load()
				a.get(t, target, http.StatusNotModified, "If-None-Match", first.header.Get("ETag"))
				if got := a.queries.Load() - n; got != 0 {
					t.Errorf("GET %s with a matching If-None-Match: %d queries, want 0", target, got)
				}
			}
		}
	})
}

// TestStatsCacheInvalidation: a PUT score and a POST region each change the
// ETag of the answers, the old ETag no longer gets a 304, and the answer is
// computed afresh with the new data.
func TestStatsCacheInvalidation(t *testing.T) {
	const target = "/v1/stats/status-distribution"
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		v1 := a.get(t, target, http.StatusOK)
		etag1 := etagOf(t, target, v1)
		a.get(t, target, http.StatusOK) // now cached
		villages1 := etagOf(t, "villages", a.get(t, "/v1/villages?province=64", http.StatusOK))

		// 35.15.01.2004 had no 2024 score; now it is mandiri.
		res := a.do(t, request{method: http.MethodPut, target: "/v1/villages/35.15.01.2004/scores/idm/2024",
			key: a.indicators, body: `{"iks":0.9000,"ike":0.9000,"ikl":0.9000}`})
		wantStatus(t, "PUT score", res, http.StatusCreated)
		n := a.queries.Load()
		v2 := a.get(t, target, http.StatusOK, "If-None-Match", etag1)
		etag2 := etagOf(t, target, v2)
		if etag2 == etag1 || a.queries.Load() == n {
			t.Errorf("after PUT score: ETag %s (was %s), %d queries; want a new ETag and a computed answer", etag2, etag1, a.queries.Load()-n)
		}
		wantJSON(t, "after PUT score", v2.body, distDoc(2024, "province", "",
			distRow("total", 13, [5]int{1, 2, 2, 3, 2}, 3, [5]string{"0.0769", "0.1538", "0.1538", "0.2308", "0.1538"}),
			distRow("35", 7, [5]int{1, 1, 1, 2, 1}, 1, [5]string{"0.1429", "0.1429", "0.1429", "0.2857", "0.1429"}),
			dist64))
		a.get(t, target, http.StatusNotModified, "If-None-Match", etag2)

		// A new desa in the empty district raises Kalimantan Timur's total.
		res = a.do(t, request{method: http.MethodPost, target: "/v1/villages", key: a.writer,
			body: `{"code":"64.01.02.2001","name":"Desa Baru"}`})
		wantStatus(t, "POST village", res, http.StatusCreated)
		v3 := a.get(t, target, http.StatusOK, "If-None-Match", etag2)
		etag3 := etagOf(t, target, v3)
		if etag3 == etag2 || etag3 == etag1 {
			t.Errorf("after POST village: ETag %s, want one unlike %s and %s", etag3, etag1, etag2)
		}
		wantJSON(t, "after POST village", v3.body, distDoc(2024, "province", "",
			distRow("total", 14, [5]int{1, 2, 2, 3, 2}, 4, [5]string{"0.0714", "0.1429", "0.1429", "0.2143", "0.1429"}),
			distRow("35", 7, [5]int{1, 1, 1, 2, 1}, 1, [5]string{"0.1429", "0.1429", "0.1429", "0.2857", "0.1429"}),
			distRow("64", 7, [5]int{0, 1, 1, 1, 1}, 3, [5]string{"0.0000", "0.1429", "0.1429", "0.1429", "0.1429"})))
		for _, old := range []string{etag1, etag2} {
			a.get(t, target, http.StatusOK, "If-None-Match", old)
		}
		// Every cached answer depends on the same version: the village list too.
		if v := etagOf(t, "villages", a.get(t, "/v1/villages?province=64", http.StatusOK, "If-None-Match", villages1)); v == villages1 {
			t.Errorf("/v1/villages kept ETag %s across writes", v)
		}
		// A failed write changes nothing.
		res = a.do(t, request{method: http.MethodPost, target: "/v1/villages", key: a.writer,
			body: `{"code":"64.01.02.2001","name":"Again"}`})
		wantStatus(t, "POST duplicate village", res, http.StatusConflict)
		a.get(t, target, http.StatusNotModified, "If-None-Match", etag3)
	})
}

// TestStatsCacheReplicas: two routers ("replicas"), each with its own
// connection pool and cache, over one database. A write through one
// retires the other's cached answer: the version lives in the database.
func TestStatsCacheReplicas(t *testing.T) {
	for _, d := range storetest.Engines {
		t.Run(string(d), func(t *testing.T) {
			url := storetest.URL(t, d)
			open := func() *store.Store {
				s, err := store.Open(context.Background(), url, store.Options{})
				if err != nil {
					t.Fatalf("open %s: %v", d, err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			s1, s2 := open(), open()
			loadStatsFixture(t, s1)
			a, b := newStatsAPI(t, s1, httpapi.Config{}), newStatsAPI(t, s2, httpapi.Config{})

			const target = "/v1/stats/rankings?region=64&limit=2"
			before := b.get(t, target, http.StatusOK)
			etag := etagOf(t, target, before)
			n := b.queries.Load()
			if res := b.get(t, target, http.StatusOK); b.queries.Load() != n || string(res.body) != string(before.body) {
				t.Fatalf("replica b did not answer the repeat from its cache")
			}
			if got := etagOf(t, "replica a", a.get(t, target, http.StatusOK)); got != etag {
				t.Errorf("replicas disagree on the ETag of one answer: %s and %s", got, etag)
			}

			// Through replica a: 64.01.01.2002 rises to the top.
			res := a.do(t, request{method: http.MethodPut, target: "/v1/villages/6401012002/scores/idm/2024",
				key: a.indicators, body: `{"iks":0.9900,"ike":0.9900,"ikl":0.9900}`})
			wantStatus(t, "PUT score through a", res, http.StatusOK)

			after := b.get(t, target, http.StatusOK, "If-None-Match", etag)
			if b.queries.Load() == n {
				t.Errorf("replica b served its cached answer after a write through replica a")
			}
			if etagOf(t, target, after) == etag {
				t.Errorf("replica b kept ETag %s after a write through replica a", etag)
			}
			want := `{"framework":"idm","year":2024,"by":"score","order":"desc","region":"64","data":[` +
				ranked("64.01.01.2002", "0.9900", "mandiri", "", "") + "," + ranked("64.01.01.2001", "0.9000", "mandiri", "", "") + `],"page":{"limit":2,"offset":0,"total":5}}`
			wantJSON(t, "replica b after the write", after.body, want)
			// And the other way round: a write through b, seen by a.
			etagA := etagOf(t, "a", a.get(t, target, http.StatusOK))
			res = b.do(t, request{method: http.MethodPatch, target: "/v1/villages/64.01.01.2002", key: b.writer,
				body: `{"name":"Busui Baru"}`})
			wantStatus(t, "PATCH village through b", res, http.StatusOK)
			res = a.get(t, target, http.StatusOK, "If-None-Match", etagA)
			if !strings.Contains(string(res.body), `"name":"Busui Baru"`) {
				t.Errorf("replica a answers the old name after a rename through b:\n%s", res.body)
			}
		})
	}
}

// TestStatsScoreWithoutValue: Indeks Desa keeps a published status without
// a score; such a village shows a null score, not 0.0000.
func TestStatsScoreWithoutValue(t *testing.T) {
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for year, status := range map[string]string{"2024": "berkembang", "2025": "maju"} {
			res := a.do(t, request{method: http.MethodPut, target: "/v1/villages/35.15.01.2001/scores/indeks_desa/" + year,
				key: a.indicators, body: `{"status":"` + status + `"}`})
			wantStatus(t, "PUT indeks_desa "+year, res, http.StatusCreated)
		}
		res := a.get(t, "/v1/stats/transitions/villages?framework=indeks_desa&from=2024&to=2025", http.StatusOK)
		wantJSON(t, "indeks_desa transition villages", res.body,
			`{"data":[{"code":"35.15.01.2001","name":"Mliriprowo","regency_name":"Kabupaten Sidoarjo","score":null,"status":"maju",`+
				`"from_status":"berkembang","from_score":null,"change":null}],`+
				`"page":{"limit":50,"offset":0,"total":1}}`)
		res = a.get(t, "/v1/stats/transitions?framework=indeks_desa&from=2024&to=2025", http.StatusOK)
		if !strings.Contains(string(res.body), `{"from_status":"berkembang","to_status":"maju","count":1}`) ||
			!strings.Contains(string(res.body), `"summary":{"up":1,"same":0,"down":0,"missing":12}`) {
			t.Errorf("indeks_desa transitions: %s", res.body)
		}
		res = a.get(t, "/v1/stats/rankings?framework=indeks_desa&year=2025", http.StatusOK)
		if !strings.Contains(string(res.body), `"data":[]`) {
			t.Errorf("a ranking by score lists villages without one: %s", res.body)
		}
	})
}

// hasTable reports whether the database has a table (a route may depend on
// migrations that arrive with another part of the API).
func hasTable(s *store.Store, name string) bool {
	_, err := s.SQL().Exec("SELECT 1 FROM " + name + " WHERE 1 = 0")
	return err == nil
}

// cacheCounters reads the response cache's hits and misses from GET
// /metrics.
func cacheCounters(t *testing.T, a *statsAPI) (hits, misses float64) {
	t.Helper()
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", rec.Code)
	}
	found := 0
	for _, line := range strings.Split(rec.Body.String(), "\n") {
		name, val, ok := strings.Cut(line, " ")
		if !ok || (name != "desa_cache_hits_total" && name != "desa_cache_misses_total") {
			continue
		}
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			t.Fatalf("GET /metrics: %q: %v", line, err)
		}
		if name == "desa_cache_hits_total" {
			hits = f
		} else {
			misses = f
		}
		found++
	}
	if found != 2 {
		t.Fatalf("GET /metrics lacks desa_cache_hits_total or desa_cache_misses_total:\n%s", rec.Body)
	}
	return hits, misses
}
