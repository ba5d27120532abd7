package httpapi_test

// The HTTP semantics every GET under /v1 shares: content negotiation
// (Accept with q-values, format, 406), Vary kept whole for shared caches,
// HEAD wherever GET is, and If-None-Match: * only for answers that exist.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

const csvType = "text/csv; charset=utf-8"

// TestNegotiation: Accept is read as media ranges with q-values (RFC 9110
// §12.5.1), case-insensitively, JSON winning ties; format=json|csv
// overrides it; an Accept allowing neither JSON nor CSV is a 406 (as a
// problem+json), while browsers, curl and clients without Accept get JSON.
// The representation chosen, not the header's spelling, keys the ETag.
func TestNegotiation(t *testing.T) {
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	tests := []struct {
		target, accept string
		status         int
		contentType    string // of a 200
	}{
		{"/v1/provinces", "", 200, "application/json"},
		{"/v1/provinces", "*/*", 200, "application/json"},
		{"/v1/provinces", browser, 200, "application/json"},
		{"/v1/provinces", "application/json", 200, "application/json"},
		{"/v1/provinces", "application/*", 200, "application/json"},
		{"/v1/provinces", "application/json, text/csv;q=0.1", 200, "application/json"},
		{"/v1/provinces", "text/csv;q=0, application/json", 200, "application/json"},
		{"/v1/provinces", "text/csv;q=0.5, application/json;q=0.5", 200, "application/json"},
		{"/v1/provinces", "text/csv, */*;q=0", 200, csvType},
		{"/v1/provinces", "text/csv", 200, csvType},
		{"/v1/provinces", "TEXT/CSV", 200, csvType},
		{"/v1/provinces", "text/csv; charset=utf-8", 200, csvType},
		{"/v1/provinces", "text/*", 200, csvType},
		{"/v1/provinces", "text/*;q=0.9, application/json;q=0.5", 200, csvType},
		{"/v1/provinces", "application/json;q=0.2, text/csv;q=0.9", 200, csvType},
		{"/v1/provinces", "application/xml", 406, ""},
		{"/v1/provinces", "application/json;q=0", 406, ""},
		{"/v1/provinces", "text/html, application/xml;q=0.9", 406, ""},
		{"/v1/provinces", "application/problem+json", 406, ""},
		{"/v1/provinces", "nonsense", 200, "application/json"}, // no media range at all: as if absent
		{"/v1/provinces?format=csv", "application/xml", 200, csvType},
		{"/v1/provinces?format=json", "text/csv", 200, "application/json"},
		{"/v1/provinces?format=xml", "", 400, ""},
		{"/v1/stats/trends", "application/json, text/csv;q=0.1", 200, "application/json"},
		{"/v1/stats/trends", "TEXT/CSV", 200, csvType},
		{"/v1/stats/trends", "application/xml", 406, ""},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		etags := map[string]string{} // target and Content-Type → ETag
		for _, tt := range tests {
			what := tt.target + " Accept: " + tt.accept
			r := request{target: tt.target, header: map[string]string{}}
			if tt.accept != "" {
				r.header["Accept"] = tt.accept
			}
			res := a.do(t, r)
			wantStatus(t, what, res, tt.status)
			if vary := res.header.Get("Vary"); !strings.Contains(vary, "Accept") {
				t.Errorf("%s: Vary %q does not name Accept", what, vary)
			}
			if tt.status != http.StatusOK {
				if p := problemOf(t, res); tt.status == 400 && !slices.Equal(fieldsOf(p), []string{"format"}) {
					t.Errorf("%s: problem names %v, want format", what, fieldsOf(p))
				}
				continue
			}
			if ct := res.header.Get("Content-Type"); ct != tt.contentType {
				t.Errorf("%s: Content-Type %q, want %q", what, ct, tt.contentType)
			}
			path, _, _ := strings.Cut(tt.target, "?")
			k := path + " " + tt.contentType
			if strings.Contains(tt.target, "format=") {
				continue // another URI, another tag
			}
			if prev, ok := etags[k]; ok && prev != res.header.Get("ETag") {
				t.Errorf("%s: ETag %s, but %s had %s for the same answer", what, res.header.Get("ETag"), k, prev)
			}
			etags[k] = res.header.Get("ETag")
		}
	})
}

// TestJSONOnlyAnswers: a GET whose operation produces JSON only (a single
// resource, a profile, the frameworks, a village's scores, the change feed)
// answers format=csv, and an Accept that does not allow JSON, with 406,
// format=xml with 400, like every list; JSON where JSON is allowed.
func TestJSONOnlyAnswers(t *testing.T) {
	targets := []string{"/v1/regions/35/profile", "/v1/villages/35.15.01.2001/scores", "/v1/frameworks",
		"/v1/frameworks/idm", "/v1/provinces/35", "/v1/changes"}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, target := range targets {
			sep := "?"
			for _, tc := range []struct {
				query, accept string
				status        int
			}{
				{"", "", 200},
				{"format=json", "text/csv", 200},
				{"", "text/csv, application/json;q=0.1", 200},
				{"format=csv", "", 406},
				{"", "text/csv", 406},
				{"format=xml", "", 400},
			} {
				target := target
				if tc.query != "" {
					target += sep + tc.query
				}
				res := a.do(t, request{target: target, header: map[string]string{"Accept": tc.accept}})
				what := target + " Accept: " + tc.accept
				wantStatus(t, what, res, tc.status)
				if tc.status == http.StatusOK {
					if ct := res.header.Get("Content-Type"); ct != "application/json" {
						t.Errorf("%s: Content-Type %q, want application/json", what, ct)
					}
					continue
				}
				switch p := problemOf(t, res); tc.status {
				case 406:
					if p.Type != "/problems/not-acceptable" || !strings.Contains(p.Detail, "application/json") {
						t.Errorf("%s: problem %+v, want not-acceptable naming application/json", what, p)
					}
				case 400:
					if !slices.Equal(fieldsOf(p), []string{"format"}) {
						t.Errorf("%s: problem names %v, want format", what, fieldsOf(p))
					}
				}
			}
		}
	})
}

// TestVaryKeepsOrigin: with restricted CORS origins the answer varies by
// Origin (only the allowed one gets Access-Control-Allow-Origin), so Vary
// names Origin beside Accept and Accept-Encoding, each once: computed,
// served from the in-process cache, as a 304, as a HEAD and as a 406.
func TestVaryKeepsOrigin(t *testing.T) {
	const allowed, evil = "https://a.example", "https://evil.example"
	const want = "Origin, Accept, Accept-Encoding"
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPIWith(t, s, httpapi.Config{AllowedOrigins: []string{allowed}})
		for _, target := range []string{"/v1/stats/trends", "/v1/provinces?format=csv", "/v1/regions/35"} {
			etag := a.do(t, request{target: target, header: map[string]string{"Origin": allowed}}).header.Get("ETag")
			for _, origin := range []string{allowed, evil} {
				for _, r := range []request{
					{target: target, header: map[string]string{"Origin": origin}}, // from the cache
					{target: target, header: map[string]string{"Origin": origin, "If-None-Match": etag}},
					{method: http.MethodHead, target: target, header: map[string]string{"Origin": origin}},
					{target: target, header: map[string]string{"Origin": origin, "Accept-Encoding": "gzip"}},
				} {
					what := fmt.Sprintf("%s %s %v", r.method, target, r.header)
					res := a.do(t, r)
					if r.header["If-None-Match"] != "" {
						wantStatus(t, what, res, http.StatusNotModified)
					} else {
						wantStatus(t, what, res, http.StatusOK)
					}
					if got := strings.Join(res.header.Values("Vary"), ", "); got != want {
						t.Errorf("%s: Vary %q, want %q", what, got, want)
					}
					acao := res.header.Get("Access-Control-Allow-Origin")
					if origin == allowed && acao != allowed || origin == evil && acao != "" {
						t.Errorf("%s: Access-Control-Allow-Origin %q", what, acao)
					}
				}
			}
		}
		res := a.do(t, request{target: "/v1/provinces", header: map[string]string{"Origin": allowed, "Accept": "application/xml"}})
		wantStatus(t, "406", res, http.StatusNotAcceptable)
		if got := strings.Join(res.header.Values("Vary"), ", "); got != "Origin, Accept" {
			t.Errorf("406: Vary %q, want Origin, Accept", got)
		}
	})
}

// TestHeadOnEveryGet: every GET route answers HEAD (RFC 9110 §9.3.2) with
// the GET's status and header (ETag, Content-Type, Content-Encoding, Link,
// Vary, a Content-Length equal to the GET's body) and no body; 304 for a
// matching If-None-Match; failures with the GET's status. A HEAD fills the
// response cache like a GET, and a real server keeps the connection usable.
func TestHeadOnEveryGet(t *testing.T) {
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		var heads []string
		for _, r := range a.e.Routes() {
			if r.Method == http.MethodHead {
				heads = append(heads, r.Path)
			}
		}
		for _, r := range a.e.Routes() {
			if r.Method == http.MethodGet && !slices.Contains(heads, r.Path) {
				t.Errorf("GET %s has no HEAD", r.Path)
			}
		}
		id := dryRunImport(t, a)
		compare := func(what string, get, head response) {
			t.Helper()
			if head.status != get.status {
				t.Errorf("%s: HEAD %d, GET %d", what, head.status, get.status)
			}
			for _, k := range []string{"ETag", "Content-Type", "Content-Encoding", "Link", "Vary", "Cache-Control"} {
				if h, g := head.header.Values(k), get.header.Values(k); !slices.Equal(h, g) {
					t.Errorf("%s: HEAD %s %q, GET %q", what, k, h, g)
				}
			}
			if cl := head.header.Get("Content-Length"); cl != strconv.Itoa(len(get.wire)) {
				t.Errorf("%s: HEAD Content-Length %q, the GET's body has %d bytes", what, cl, len(get.wire))
			}
			if cl := get.header.Get("Content-Length"); cl != "" && cl != head.header.Get("Content-Length") {
				t.Errorf("%s: GET Content-Length %q, HEAD %q", what, cl, head.header.Get("Content-Length"))
			}
		}
		for _, target := range getTargets {
			target = strings.ReplaceAll(target, "{import}", id)
			for _, enc := range []string{"", "gzip"} {
				h := map[string]string{"Accept-Encoding": enc}
				head := a.do(t, request{method: http.MethodHead, target: target, header: h}) // before the GET: computed
				get := a.do(t, request{target: target, header: h})
				compare("HEAD "+target+" "+enc, get, head)
				compare("HEAD "+target+" "+enc+" again", get, a.do(t, request{method: http.MethodHead, target: target, header: h}))
				if get.status != http.StatusOK { // a sample the fixture lacks: no ETag to match
					continue
				}
				h["If-None-Match"] = get.header.Get("ETag")
				if res := a.do(t, request{method: http.MethodHead, target: target, header: h}); res.status != http.StatusNotModified || res.header.Get("ETag") != get.header.Get("ETag") {
					t.Errorf("HEAD %s with If-None-Match: %d, ETag %q", target, res.status, res.header.Get("ETag"))
				}
			}
		}
		for _, target := range []string{"/v1/stats/trends?region=99", "/v1/stats/trends?to=abc", "/v1/regions/99", "/v1/nope"} {
			compare("HEAD "+target, a.do(t, request{target: target}), a.do(t, request{method: http.MethodHead, target: target}))
		}
		if res := a.do(t, request{method: http.MethodHead, target: "/v1/imports"}); res.status != http.StatusMethodNotAllowed {
			t.Errorf("HEAD /v1/imports (POST only): %d, want 405", res.status)
		}

		// A HEAD computes the answer once, for the GET after it too.
		const target = "/v1/stats/scores?level=district&year=2023"
		n := a.queries.Load()
		a.do(t, request{method: http.MethodHead, target: target})
		computed := a.queries.Load()
		if computed == n {
			t.Fatalf("HEAD %s: no query; is the counting store wired?", target)
		}
		if res := a.get(t, target, http.StatusOK); len(res.body) == 0 || a.queries.Load() != computed {
			t.Errorf("GET %s after HEAD: %d bytes, %d queries; want the cached answer", target, len(res.body), a.queries.Load()-computed)
		}

		// Over a real connection: HEAD has the GET's length and no body,
		// and the connection serves the next request.
		srv := httptest.NewServer(a.e)
		defer srv.Close()
		send := func(method, target, enc string) (*http.Response, []byte) {
			t.Helper()
			req, err := http.NewRequest(method, srv.URL+target, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", enc) // set: the client neither adds gzip nor decodes
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			return res, body
		}
		for _, target := range []string{"/v1/villages?limit=1000", "/v1/villages?limit=1000&format=csv", "/v1/stats/trends?region=99"} {
			for _, enc := range []string{"identity", "gzip"} {
				hr, hbody := send(http.MethodHead, target, enc)
				gr, body := send(http.MethodGet, target, enc)
				if hr.StatusCode != gr.StatusCode || hr.ContentLength != int64(len(body)) || len(hbody) != 0 ||
					hr.Header.Get("ETag") != gr.Header.Get("ETag") || hr.Header.Get("Content-Encoding") != gr.Header.Get("Content-Encoding") {
					t.Errorf("HEAD %s (%s) over HTTP: %d, Content-Length %d, %d bytes, ETag %q; GET %d with %d bytes, ETag %q",
						target, enc, hr.StatusCode, hr.ContentLength, len(hbody), hr.Header.Get("ETag"), gr.StatusCode, len(body), gr.Header.Get("ETag"))
				}
			}
		}
	})
}

// TestIfNoneMatchStar: If-None-Match: * is true only when a current
// representation exists (RFC 9110 §13.1.2): 304 for an answer that
// succeeds, computed or cached, GET or HEAD; the failure itself, with no
// ETag, for a request that fails.
func TestIfNoneMatchStar(t *testing.T) {
	star := map[string]string{"If-None-Match": "*"}
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for _, tc := range []struct {
			target string
			status int
		}{
			{"/v1/stats/trends?region=99", http.StatusNotFound},
			{"/v1/stats/trends?to=abc", http.StatusBadRequest},
			{"/v1/regions/99", http.StatusNotFound},
			{"/v1/villages?limit=0", http.StatusBadRequest},
			{"/v1/provinces?format=xml", http.StatusBadRequest},
			{"/v1/frameworks?format=csv", http.StatusNotAcceptable},
		} {
			want := a.do(t, request{target: tc.target})
			wantStatus(t, "GET "+tc.target, want, tc.status)
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				res := a.do(t, request{method: method, target: tc.target, header: star})
				what := method + " " + tc.target + " If-None-Match: *"
				wantStatus(t, what, res, tc.status)
				if res.header.Get("ETag") != "" {
					t.Errorf("%s: ETag %q on a failure", what, res.header.Get("ETag"))
				}
				if method == http.MethodGet {
					if diff := cmp.Diff(problemOf(t, want).Detail, problemOf(t, res).Detail); diff != "" {
						t.Errorf("%s: another failure than without the header (-want +got):\n%s", what, diff)
					}
				}
			}
		}
		for _, target := range []string{"/v1/stats/trends?region=64", "/v1/stats/transitions?format=csv", "/v1/regions/64.01/profile"} {
			for i := range 2 { // computed, then cached
				for _, h := range []map[string]string{star, {"If-None-Match": "*", "Accept-Encoding": "gzip"}} {
					for _, method := range []string{http.MethodGet, http.MethodHead} {
						res := a.do(t, request{method: method, target: target, header: h})
						what := method + " " + target + " If-None-Match: * " + h["Accept-Encoding"] + " #" + strconv.Itoa(i)
						wantStatus(t, what, res, http.StatusNotModified)
						if len(res.wire) != 0 || res.header.Get("ETag") == "" || res.header.Get("Content-Type") != "" || res.header.Get("Content-Encoding") != "" {
							t.Errorf("%s: body %q, ETag %q, Content-Type %q, Content-Encoding %q; want no body, an ETag, no content headers",
								what, res.wire, res.header.Get("ETag"), res.header.Get("Content-Type"), res.header.Get("Content-Encoding"))
						}
						get := a.do(t, request{target: target, header: map[string]string{"Accept-Encoding": h["Accept-Encoding"]}})
						if res.header.Get("ETag") != get.header.Get("ETag") {
							t.Errorf("%s: ETag %q, the GET's %q", what, res.header.Get("ETag"), get.header.Get("ETag"))
						}
					}
				}
			}
		}
	})
}
