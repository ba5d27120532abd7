package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// etag reads the ETag of a single resource.
func (a *api) etag(t *testing.T, target string) string {
	t.Helper()
	res := a.do(t, request{target: target})
	wantStatus(t, "GET "+target, res, http.StatusOK)
	tag := res.header.Get("ETag")
	if tag == "" {
		t.Fatalf("GET %s: no ETag", target)
	}
	return tag
}

func TestSingleResourceETags(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("ks-etag", ""))
		ag := a.agency(t, "Biro Kesra Setda Prov. Kaltim", "provincial_bureau", "64")
		for _, target := range []string{"/v1/provinces/35", "/v1/regencies/35.78", "/v1/districts/35.78.01",
			"/v1/villages/3578011001", "/v1/regions/35.78.01.1001", "/v1/indicators/idm_iks_01",
			"/v1/agencies/" + ag, "/v1/programs/" + p.ID} {
			if !strings.HasPrefix(target, "/v1/indicators/") || a.do(t, request{target: target}).status == http.StatusOK {
				tag := a.etag(t, target)
				res := a.do(t, request{target: target, header: map[string]string{"If-None-Match": tag}})
				wantStatus(t, "revalidate "+target, res, http.StatusNotModified)
			}
		}
		// A write to one resource leaves the state part of another's ETag.
		before := a.etag(t, "/v1/provinces/64")
		wantStatus(t, "PATCH 35", a.do(t, request{method: http.MethodPatch, target: "/v1/provinces/35", body: `{"name":"Jatim"}`, key: a.writer}), http.StatusOK)
		after := a.etag(t, "/v1/provinces/64")
		if state(before) != state(after) {
			t.Errorf("ETag state of 64 changed with a write to 35: %s → %s", before, after)
		}
		// The old ETag still passes If-Match on the unchanged resource.
		wantStatus(t, "PATCH 64 with its older ETag", a.do(t, request{method: http.MethodPatch, target: "/v1/provinces/64",
			body: `{"name":"Kaltim"}`, key: a.writer, header: map[string]string{"If-Match": before}}), http.StatusOK)
		// The ETag a client accepting gzip read (another representation, its
		// own tag) names the same state: it passes If-Match as well.
		gz := a.do(t, request{target: "/v1/programs/" + p.ID, header: map[string]string{"Accept-Encoding": "gzip"}})
		plain := a.etag(t, "/v1/programs/"+p.ID)
		if tag := gz.header.Get("ETag"); tag == plain || state(tag) != state(plain) {
			t.Errorf("program ETag accepting gzip %s, plain %s: want other tags naming the same state", tag, plain)
		}
		wantStatus(t, "PATCH the program with the ETag read accepting gzip", a.do(t, request{method: http.MethodPatch,
			target: "/v1/programs/" + p.ID, body: `{"title":"Desa Berdaya bersama"}`, key: a.admin,
			header: map[string]string{"If-Match": gz.header.Get("ETag")}}), http.StatusOK)
	})
}

func state(etag string) string {
	s, _, _ := strings.Cut(strings.Trim(etag, `"`), ".")
	return s
}

func TestIfMatch(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		patch := func(target, body, ifMatch, key string) response {
			t.Helper()
			h := map[string]string{}
			if ifMatch != "" {
				h["If-Match"] = ifMatch
			}
			return a.do(t, request{method: http.MethodPatch, target: target, body: body, key: key, header: h})
		}
		// Read, change with the ETag, and the ETag read before is stale.
		e1 := a.etag(t, "/v1/provinces/35")
		res := patch("/v1/provinces/35", `{"name":"Jawa Timur 1"}`, e1, a.writer)
		wantStatus(t, "PATCH with the current ETag", res, http.StatusOK)
		e2 := res.header.Get("ETag")
		if e2 == "" || state(e2) == state(e1) {
			t.Fatalf("PATCH answered ETag %q after %q", e2, e1)
		}
		p := wantProblem(t, "PATCH with a stale ETag", patch("/v1/provinces/35", `{"name":"Jawa Timur 2"}`, e1, a.writer), http.StatusPreconditionFailed)
		if !strings.Contains(p.Detail, "changed") {
			t.Errorf("412 detail %q", p.Detail)
		}
		if got := decode[httpapi.Province](t, a.do(t, request{target: "/v1/provinces/35"})).Name; got != "Jawa Timur 1" {
			t.Errorf("after the 412 the name is %q", got)
		}
		wantStatus(t, "PATCH with the answered ETag", patch("/v1/provinces/35", `{"name":"Jawa Timur"}`, e2, a.writer), http.StatusOK)
		wantStatus(t, "If-Match: *", patch("/v1/provinces/35", `{"name":"Jawa Timur"}`, "*", a.writer), http.StatusOK)
		wantStatus(t, "one of a list", patch("/v1/provinces/35", `{"name":"Jawa Timur"}`, `"nope", `+a.etag(t, "/v1/provinces/35"), a.writer), http.StatusOK)

		// DELETE with a stale ETag leaves the resource.
		ve := a.etag(t, "/v1/villages/91.03.01.3007")
		wantStatus(t, "rename village", patch("/v1/villages/91.03.01.3007", `{"name":"Yoboi"}`, "", a.writer), http.StatusOK)
		wantProblem(t, "DELETE stale", a.do(t, request{method: http.MethodDelete, target: "/v1/villages/9103013007",
			key: a.writer, header: map[string]string{"If-Match": ve}}), http.StatusPreconditionFailed)
		wantStatus(t, "still there", a.do(t, request{target: "/v1/villages/91.03.01.3007"}), http.StatusOK)

		// PUT of a score: the ETag of its answer; If-Match on a missing one fails.
		target := "/v1/villages/64.01.01.2010/scores/idm/2024"
		wantProblem(t, "PUT new score with If-Match", a.do(t, request{method: http.MethodPut, target: target, body: `{"score":0.5}`,
			key: a.indicators, header: map[string]string{"If-Match": `"abc"`}}), http.StatusPreconditionFailed)
		res = a.do(t, request{method: http.MethodPut, target: target, body: `{"score":0.5}`, key: a.indicators})
		wantStatus(t, "PUT score", res, http.StatusCreated)
		se := res.header.Get("ETag")
		wantStatus(t, "PUT score again", a.do(t, request{method: http.MethodPut, target: target, body: `{"score":0.6}`,
			key: a.indicators, header: map[string]string{"If-Match": se}}), http.StatusOK)
		wantProblem(t, "PUT score stale", a.do(t, request{method: http.MethodPut, target: target, body: `{"score":0.7}`,
			key: a.indicators, header: map[string]string{"If-Match": se}}), http.StatusPreconditionFailed)

		// Program parts: a budget's ETag comes with its PATCH answer.
		pr := a.program(t, programBody("ks-ifm", ""))
		pe := a.etag(t, "/v1/programs/"+pr.ID)
		b := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, "/v1/programs/"+pr.ID+"/budgets",
			`{"year":2025,"province_code":"64","kind":"planned","amount_idr":5,"source":"apbd"}`, http.StatusCreated))
		bt := "/v1/programs/" + pr.ID + "/budgets/" + b.ID
		res = patch(bt, `{"amount_idr":6}`, "*", a.programs)
		wantStatus(t, "PATCH budget", res, http.StatusOK)
		be := res.header.Get("ETag")
		wantStatus(t, "PATCH budget again", patch(bt, `{"amount_idr":7}`, be, a.programs), http.StatusOK)
		wantProblem(t, "PATCH budget stale", patch(bt, `{"amount_idr":8}`, be, a.programs), http.StatusPreconditionFailed)
		wantProblem(t, "DELETE budget stale", a.do(t, request{method: http.MethodDelete, target: bt, key: a.programs,
			header: map[string]string{"If-Match": be}}), http.StatusPreconditionFailed)
		wantStatus(t, "PATCH program", patch("/v1/programs/"+pr.ID, `{"title":"Baru"}`, pe, a.programs), http.StatusOK)
		wantProblem(t, "PATCH program stale", patch("/v1/programs/"+pr.ID, `{"title":"Lagi"}`, pe, a.programs), http.StatusPreconditionFailed)

		// Parties are part of a program's state: a PATCH replacing them
		// passes one If-Match check, and the trail shows them before and after.
		pe = a.etag(t, "/v1/programs/"+pr.ID)
		parties := `{"parties":[{"province_code":"64","role":"lead"},{"province_code":"35","role":"partner"},{"province_code":"35","role":"funder"}]}`
		res = patch("/v1/programs/"+pr.ID, parties, pe, a.programs)
		wantStatus(t, "PATCH program parties", res, http.StatusOK)
		if got := a.etag(t, "/v1/programs/"+pr.ID); state(got) == state(pe) || state(got) != state(res.header.Get("ETag")) {
			t.Errorf("ETag after replacing parties: GET %s, PATCH answered %s, before %s", got, res.header.Get("ETag"), pe)
		}
		wantProblem(t, "PATCH program parties stale", patch("/v1/programs/"+pr.ID, parties, pe, a.programs), http.StatusPreconditionFailed)
		var mine []httpapi.AuditEntry
		for _, e := range a.auditEntries(t, "entity=program&entity_id="+pr.ID) {
			if e.RequestID == res.header.Get("X-Request-ID") {
				mine = append(mine, e)
			}
		}
		if len(mine) == 0 || strings.Count(string(mine[len(mine)-1].Before), `"role":`) != 2 || strings.Count(string(mine[0].After), `"role":`) != 3 {
			t.Errorf("entries of the parties PATCH: %+v", mine)
		}
	})
}

// TestIfMatchStrongAndMissing: If-Match compares strongly, so a weak tag
// never matches (RFC 9110 §13.1.1), and If-Match on a resource that does
// not exist is a 412 on every write, whether the store or a service first
// finds it missing.
func TestIfMatchStrongAndMissing(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		tag := a.etag(t, "/v1/provinces/35")
		p := wantProblem(t, "PATCH with the weak form of the ETag", a.do(t, request{method: http.MethodPatch, target: "/v1/provinces/35",
			body: `{"name":"Jatim"}`, key: a.writer, header: map[string]string{"If-Match": "W/" + tag}}), http.StatusPreconditionFailed)
		if !strings.Contains(p.Detail, "weak") {
			t.Errorf("412 for a weak tag: detail %q", p.Detail)
		}
		if got := decode[httpapi.Province](t, a.do(t, request{target: "/v1/provinces/35"})).Name; got != "Jawa Timur" {
			t.Errorf("after the 412 the name is %q", got)
		}
		wantStatus(t, "PATCH with the strong ETag", a.do(t, request{method: http.MethodPatch, target: "/v1/provinces/35",
			body: `{"name":"Jatim"}`, key: a.writer, header: map[string]string{"If-Match": "W/" + tag + ", " + tag}}), http.StatusOK)

		pr := a.program(t, programBody("ks-missing", ""))
		prog := "/v1/programs/" + pr.ID
		const missing = "0123456789abcdef0123456789abcdef"
		for _, w := range []struct{ method, target, body string }{
			{http.MethodPatch, "/v1/provinces/36", `{"name":"X"}`},
			{http.MethodDelete, "/v1/villages/64.01.01.2099", ""},
			{http.MethodPatch, "/v1/indicators/idm_nope", `{"name_en":"X"}`},
			{http.MethodPatch, "/v1/agencies/" + missing, `{"acronym":"X"}`},
			{http.MethodDelete, "/v1/agencies/" + missing, ""},
			{http.MethodPatch, "/v1/programs/" + missing, `{"title":"X"}`},
			{http.MethodDelete, "/v1/programs/" + missing, ""},
			{http.MethodDelete, prog + "/parties/" + missing, ""},
			{http.MethodPatch, prog + "/budgets/" + missing, `{"amount_idr":9}`},
			{http.MethodDelete, prog + "/activities/" + missing, ""},
			{http.MethodDelete, prog + "/villages/64.01.01.2010", ""},
		} {
			for _, ifMatch := range []string{`"0123456789abcdef01234567"`, "*"} {
				what := w.method + " " + w.target + " If-Match: " + ifMatch
				p := wantProblem(t, what, a.do(t, request{method: w.method, target: w.target, body: w.body, key: a.admin,
					header: map[string]string{"If-Match": ifMatch}}), http.StatusPreconditionFailed)
				if !strings.Contains(p.Detail, "does not exist") {
					t.Errorf("%s: detail %q", what, p.Detail)
				}
			}
			// Without If-Match a missing resource stays a 404.
			if w.method == http.MethodPatch && !strings.HasPrefix(w.target, prog) {
				wantStatus(t, w.method+" "+w.target, a.do(t, request{method: w.method, target: w.target, body: w.body, key: a.admin}),
					http.StatusNotFound)
			}
		}
	})
}

func TestRequireIfMatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newProgramAPIWith(t, s, httpapi.Config{RequireIfMatch: true})
		p := wantProblem(t, "PATCH without If-Match", a.do(t, request{method: http.MethodPatch, target: "/v1/provinces/35",
			body: `{"name":"Jatim"}`, key: a.writer}), http.StatusPreconditionRequired)
		if !strings.Contains(p.Type, "precondition-required") {
			t.Errorf("428 type %q", p.Type)
		}
		wantProblem(t, "DELETE without If-Match", a.do(t, request{method: http.MethodDelete, target: "/v1/villages/91.03.01.3007",
			key: a.writer}), http.StatusPreconditionRequired)
		score := "/v1/villages/64.01.01.2010/scores/idm/2024"
		wantProblem(t, "PUT without If-Match", a.do(t, request{method: http.MethodPut, target: score,
			body: `{"score":0.5}`, key: a.indicators}), http.StatusPreconditionRequired)
		// A PUT that creates says so with If-None-Match: *.
		res := a.do(t, request{method: http.MethodPut, target: score, body: `{"score":0.5}`, key: a.indicators,
			header: map[string]string{"If-None-Match": "*"}})
		wantStatus(t, "PUT creating with If-None-Match: *", res, http.StatusCreated)
		wantProblem(t, "PUT with If-None-Match: * of an existing score", a.do(t, request{method: http.MethodPut, target: score,
			body: `{"score":0.6}`, key: a.indicators, header: map[string]string{"If-None-Match": "*"}}), http.StatusPreconditionFailed)
		wantStatus(t, "PUT replacing with If-Match", a.do(t, request{method: http.MethodPut, target: score, body: `{"score":0.6}`,
			key: a.indicators, header: map[string]string{"If-Match": res.header.Get("ETag")}}), http.StatusOK)
		wantStatus(t, "PATCH with If-Match", a.do(t, request{method: http.MethodPatch, target: "/v1/provinces/35",
			body: `{"name":"Jatim"}`, key: a.writer, header: map[string]string{"If-Match": a.etag(t, "/v1/provinces/35")}}), http.StatusOK)
		// Creating needs none.
		a.program(t, programBody("ks-new", ""))
		// Authentication comes first: no key is a 401, not a 428.
		wantStatus(t, "no key", a.do(t, request{method: http.MethodPatch, target: "/v1/provinces/35", body: `{"name":"X"}`}), http.StatusUnauthorized)
	})
}

// TestConcurrentIfMatch sends PATCHes carrying the same ETag at once: the
// check runs on the row locked in the write's transaction, so exactly one
// succeeds and the others answer 412.
func TestConcurrentIfMatch(t *testing.T) {
	s := storetest.New(t, store.Postgres)
	a := newProgramAPI(t, s)
	p := a.program(t, programBody("ks-race", ""))
	for _, target := range []string{"/v1/provinces/35", "/v1/programs/" + p.ID} {
		tag := a.etag(t, target)
		const n = 8
		codes := make([]int, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := `{"name":"Nama ` + string(rune('A'+i)) + `"}`
				key := a.writer
				if strings.HasPrefix(target, "/v1/programs/") {
					body, key = `{"title":"Judul `+string(rune('A'+i))+`"}`, a.programs
				}
				req := httptest.NewRequest(http.MethodPatch, target, strings.NewReader(body))
				req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
				req.Header.Set(echo.HeaderAuthorization, "Bearer "+key)
				req.Header.Set("If-Match", tag)
				<-start
				rec := httptest.NewRecorder()
				a.e.ServeHTTP(rec, req)
				codes[i] = rec.Code
			}()
		}
		close(start)
		wg.Wait()
		ok, failed := 0, 0
		for _, c := range codes {
			switch c {
			case http.StatusOK:
				ok++
			case http.StatusPreconditionFailed:
				failed++
			}
		}
		if ok != 1 || failed != n-1 {
			t.Errorf("%s: statuses %v; want one 200 and %d × 412", target, codes, n-1)
		}
	}
}

// TestStaleIfMatchOnEveryWrite sends every PATCH, PUT and DELETE of a
// single resource with a stale If-Match: each must answer 412 and change
// nothing — proof that each write path reaches the check in the store.
func TestStaleIfMatchOnEveryWrite(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		ag := a.agency(t, "Diskominfo Kaltim", "dinas", "64")
		p := a.program(t, programBody("ks-stale", ""))
		b := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/budgets",
			`{"year":2025,"province_code":"64","kind":"planned","amount_idr":5,"source":"apbd"}`, http.StatusCreated))
		ac := decode[httpapi.Activity](t, a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/activities",
			`{"date":"2023-08-07","kind":"rakor","title":"Rakor"}`, http.StatusCreated))
		a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/villages", `{"codes":["64.01.01.2001"]}`, http.StatusOK)
		party := a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/parties", `{"agency_id":"`+ag+`","role":"implementer"}`, http.StatusCreated)
		partyID := decode[httpapi.Party](t, party).ID
		wantStatus(t, "a value", a.do(t, request{method: http.MethodPut, target: "/v1/regions/64.01.01.2010/indicators/idm_iks_01/2024",
			body: `{"value":3}`, key: a.admin}), http.StatusCreated)
		wantStatus(t, "a village", a.do(t, request{method: http.MethodPost, target: "/v1/villages",
			body: `{"code":"64.01.01.2097","name":"Desa Uji"}`, key: a.admin}), http.StatusCreated)
		prog := "/v1/programs/" + p.ID
		for _, w := range []struct{ method, target, body string }{
			{http.MethodPatch, "/v1/provinces/35", `{"name":"X"}`},
			{http.MethodPatch, "/v1/regencies/3578", `{"name":"X"}`},
			{http.MethodPatch, "/v1/districts/35.78.01", `{"name":"X"}`},
			{http.MethodPatch, "/v1/villages/35.78.01.1001", `{"name":"X"}`},
			{http.MethodDelete, "/v1/villages/64.01.01.2097", ""},
			{http.MethodPut, "/v1/villages/64.01.01.2010/scores/idm/2024", `{"score":0.5}`},
			{http.MethodPut, "/v1/regions/6401012010/indicators/idm_iks_01/2024", `{"value":4}`},
			{http.MethodPatch, "/v1/indicators/idm_iks_01", `{"name_en":"X"}`},
			{http.MethodPatch, "/v1/agencies/" + ag, `{"acronym":"X"}`},
			{http.MethodDelete, "/v1/agencies/" + ag, ""},
			{http.MethodPatch, prog, `{"title":"X"}`},
			{http.MethodDelete, prog, ""},
			{http.MethodDelete, prog + "/parties/" + partyID, ""},
			{http.MethodPatch, prog + "/budgets/" + b.ID, `{"amount_idr":9}`},
			{http.MethodDelete, prog + "/budgets/" + b.ID, ""},
			{http.MethodPatch, prog + "/activities/" + ac.ID, `{"title":"X"}`},
			{http.MethodDelete, prog + "/activities/" + ac.ID, ""},
			{http.MethodDelete, prog + "/villages/64.01.01.2001", ""},
		} {
			what := w.method + " " + w.target
			res := a.do(t, request{method: w.method, target: w.target, body: w.body, key: a.admin,
				header: map[string]string{"If-Match": `"0123456789abcdef01234567"`}})
			wantProblem(t, what, res, http.StatusPreconditionFailed)
		}
		// Nothing changed: the trail has no entry since the setup.
		for _, e := range a.auditEntries(t, "limit=5") {
			if e.Action != "create" && e.Action != "import" {
				t.Errorf("a stale write left an entry: %+v", e)
			}
		}
	})
}

// TestPreconditionsOnOddPathForms: a path that writes the same score or
// value in another spelling (a year with a leading zero or a plus sign, an
// indicator code with a space, an undotted region code) is checked against
// the same ETag: 412 for a wrong If-Match or If-None-Match: * of an existing
// one, 428 when If-Match is required and missing, and nothing is written.
func TestPreconditionsOnOddPathForms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newAPI(t, s)
		strict := newAPIWith(t, s, httpapi.Config{RequireIfMatch: true})
		score, value := "/v1/villages/64.01.01.2009/scores/idm/", "/v1/regions/64/indicators/"
		wantStatus(t, "PUT score", a.do(t, request{method: http.MethodPut, target: score + "2024", body: `{"score":0.5}`,
			key: a.indicators}), http.StatusCreated)
		wantStatus(t, "PUT value", a.do(t, request{method: http.MethodPut, target: value + "idm_iks_01/2024", body: `{"value":3}`,
			key: a.indicators}), http.StatusCreated)
		writes := []struct{ method, target, body string }{
			{http.MethodPut, score + "02024", `{"score":0.9}`},
			{http.MethodPut, score + "+2024", `{"score":0.9}`},
			{http.MethodPut, "/v1/villages/6401012009/scores/idm/2024", `{"score":0.9}`},
			{http.MethodPut, value + "%20idm_iks_01/2024", `{"value":1}`},
			{http.MethodPut, value + "idm_iks_01/02024", `{"value":1}`},
			{http.MethodPut, value + "idm_iks_01/+2024", `{"value":1}`},
			{http.MethodPatch, "/v1/indicators/%20idm_iks_01", `{"name_en":"Changed"}`},
		}
		for _, w := range writes {
			key := a.indicators
			if w.method == http.MethodPatch {
				key = a.admin
			}
			req := request{method: w.method, target: w.target, body: w.body, key: key}
			req.header = map[string]string{"If-Match": `"bogus"`}
			wantProblem(t, w.target+" If-Match: bogus", a.do(t, req), http.StatusPreconditionFailed)
			if w.method == http.MethodPut {
				req.header = map[string]string{"If-None-Match": "*"}
				wantProblem(t, w.target+" If-None-Match: *", a.do(t, req), http.StatusPreconditionFailed)
			}
			req.header = nil
			wantProblem(t, w.target+" without If-Match, required", strict.do(t, req), http.StatusPreconditionRequired)
		}
		if got := a.scoresOf(t, "64.01.01.2009", "idm"); len(got) != 1 || got[0].Score.String() != "0.5000" {
			t.Errorf("score after the refused writes: %+v", got)
		}
		res := a.do(t, request{target: "/v1/regions/64/indicators"})
		if vs := decode[httpapi.IndicatorValueList](t, res).Data; len(vs) != 1 || vs[0].Value.String() != "3.0000" {
			t.Errorf("values after the refused writes: %s", res.body)
		}
		if got := decode[httpapi.Indicator](t, a.do(t, request{target: "/v1/indicators/idm_iks_01"})); got.NameEN != "Access to health facilities" {
			t.Errorf("idm_iks_01 after the refused PATCH: %+v", got)
		}
		// With the right ETag an odd form writes, and answers the ETag the
		// canonical form has.
		res = a.do(t, request{method: http.MethodPut, target: score + "02024", body: `{"score":0.9}`, key: a.indicators,
			header: map[string]string{"If-Match": "*"}})
		wantStatus(t, "PUT score at 02024 with If-Match: *", res, http.StatusOK)
		if res.header.Get("ETag") == "" {
			t.Fatal("PUT score at 02024: no ETag")
		}
		wantStatus(t, "PUT score with the ETag answered at 02024", a.do(t, request{method: http.MethodPut, target: score + "2024",
			body: `{"score":0.8}`, key: a.indicators, header: map[string]string{"If-Match": res.header.Get("ETag")}}), http.StatusOK)
	})
}

// TestGetScoreAndValue: a score and an indicator value each have a GET
// answering what their PUT answers, with the ETag the PUT's If-Match checks.
func TestGetScoreAndValue(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tc := range []struct {
			target, odd, body, changed string
			decodeAs                   func(response) any
		}{
			{"/v1/villages/64.01.01.2009/scores/idm/2024", "/v1/villages/6401012009/scores/idm/02024",
				`{"iks":0.8,"ike":0.9,"ikl":0.5333,"source":"Kepmendesa"}`, `{"score":0.7410,"status":"berkembang"}`,
				func(res response) any { return decode[httpapi.Score](t, res) }},
			{"/v1/regions/64.01/indicators/idm_iks_01/2024", "/v1/regions/6401/indicators/%20idm_iks_01/+2024",
				`{"value":4,"source":"Musdes"}`, `{"value":5}`,
				func(res response) any { return decode[httpapi.IndicatorValue](t, res) }},
		} {
			put := func(body string, header map[string]string) response {
				t.Helper()
				return a.do(t, request{method: http.MethodPut, target: tc.target, body: body, key: a.indicators, header: header})
			}
			wantProblem(t, "GET before the PUT", a.do(t, request{target: tc.target}), http.StatusNotFound)
			created := put(tc.body, nil)
			wantStatus(t, "PUT "+tc.target, created, http.StatusCreated)
			res := a.do(t, request{target: tc.target})
			wantStatus(t, "GET "+tc.target, res, http.StatusOK)
			if diff := cmp.Diff(tc.decodeAs(created), tc.decodeAs(res)); diff != "" {
				t.Errorf("GET %s answers otherwise than its PUT (-put +get):\n%s", tc.target, diff)
			}
			read := res.header.Get("ETag")
			if read == "" || state(read) != state(created.header.Get("ETag")) {
				t.Errorf("GET %s: ETag %q, the PUT answered %q", tc.target, read, created.header.Get("ETag"))
			}
			// Another spelling of the path names the same state.
			if odd := a.do(t, request{target: tc.odd}); odd.status != http.StatusOK || state(odd.header.Get("ETag")) != state(read) {
				t.Errorf("GET %s: %d, ETag %q; want 200 and the state of %q", tc.odd, odd.status, odd.header.Get("ETag"), read)
			}
			wantStatus(t, "GET with If-None-Match", a.do(t, request{target: tc.target,
				header: map[string]string{"If-None-Match": read}}), http.StatusNotModified)
			// Read, write with the ETag read, and that ETag is stale.
			wantStatus(t, "PUT with the ETag read", put(tc.changed, map[string]string{"If-Match": read}), http.StatusOK)
			wantProblem(t, "PUT with the old ETag", put(tc.body, map[string]string{"If-Match": read}), http.StatusPreconditionFailed)
			res = a.do(t, request{target: tc.target, header: map[string]string{"If-None-Match": read}})
			wantStatus(t, "GET with the old ETag", res, http.StatusOK)
			if res.header.Get("ETag") == read {
				t.Errorf("GET %s after a change: the same ETag %s", tc.target, read)
			}
		}
		for target, status := range map[string]int{
			"/v1/villages/64.01.01.2009/scores/idm/2023":        http.StatusNotFound,
			"/v1/villages/64.01.01.2009/scores/sdgs/2024":       http.StatusNotFound,
			"/v1/villages/64.01.01.2999/scores/idm/2024":        http.StatusNotFound,
			"/v1/villages/64.01.01/scores/idm/2024":             http.StatusBadRequest,
			"/v1/villages/64.01.01.2009/scores/idm/latest":      http.StatusBadRequest,
			"/v1/regions/64.01/indicators/idm_iks_01/2023":      http.StatusNotFound,
			"/v1/regions/64.01/indicators/idm_iks_99/2024":      http.StatusNotFound,
			"/v1/regions/36/indicators/idm_iks_01/2024":         http.StatusNotFound,
			"/v1/regions/6-4/indicators/idm_iks_01/2024":        http.StatusBadRequest,
			"/v1/regions/64.01/indicators/idm_iks_01/this-year": http.StatusBadRequest,
		} {
			wantStatus(t, "GET "+target, a.do(t, request{target: target}), status)
		}
	})
}
