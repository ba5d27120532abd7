package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/idempotency"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestIdempotencyKey: a retried POST with the same Idempotency-Key and
// request replays the first answer without a second effect; another request
// under the key is a 422; a failure frees the key; keys are per API key.
func TestIdempotencyKey(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("p", ""))
		path := "/v1/programs/" + p.ID + "/budgets"
		budget := `{"year":2025,"province_code":"35","kind":"planned","amount_idr":500,"source":"apbd"}`
		post := func(key, idem, body string) response {
			return a.do(t, request{method: http.MethodPost, target: path, body: body, key: key,
				header: map[string]string{"Idempotency-Key": idem}})
		}

		first := post(a.programs, "budget-1", budget)
		wantStatus(t, "first", first, http.StatusCreated)
		if first.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("the first answer claims to be a replay")
		}
		again := post(a.programs, "budget-1", budget)
		wantStatus(t, "retry", again, http.StatusCreated)
		if again.header.Get("Idempotent-Replayed") != "true" || again.header.Get("Location") != first.header.Get("Location") ||
			again.header.Get("Content-Type") != first.header.Get("Content-Type") || string(again.body) != string(first.body) {
			t.Errorf("the retry is not a replay of the first answer:\nfirst %v %s\nretry %v %s", first.header, first.body, again.header, again.body)
		}
		if n := a.budgetCount(t, path); n != 1 {
			t.Errorf("after a retry the program has %d budget lines, want 1", n)
		}
		// The claim was marked committed in the write's transaction: had the
		// answer failed after the commit, the key would not have been freed.
		var committed bool
		if err := a.store.SQL().QueryRow("SELECT committed FROM idempotency_keys WHERE idem_key = 'budget-1'").Scan(&committed); err != nil || !committed {
			t.Errorf("the claim of a committed write: committed = %v (%v), want true", committed, err)
		}

		// The same key with another body, or another path: 422, no effect.
		pr := wantProblem(t, "other body", post(a.programs, "budget-1", strings.Replace(budget, "500", "600", 1)),
			http.StatusUnprocessableEntity, "Idempotency-Key")
		if !strings.Contains(pr.Errors[0].Message, "different request") {
			t.Errorf("422 does not say why: %+v", pr)
		}
		wantProblem(t, "other path", a.do(t, request{method: http.MethodPost, target: "/v1/programs/" + p.ID + "/activities",
			body: budget, key: a.programs, header: map[string]string{"Idempotency-Key": "budget-1"}}),
			http.StatusUnprocessableEntity, "Idempotency-Key")
		if n := a.budgetCount(t, path); n != 1 {
			t.Errorf("after a mismatched retry the program has %d budget lines, want 1", n)
		}

		// Keys belong to their API key: another key's "budget-1" is its own.
		_, other, err := auth.NewService(a.store).Create(context.Background(), "other", []auth.Scope{auth.ScopeWritePrograms}, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, "other API key", post(other, "budget-1", budget), http.StatusCreated)
		if n := a.budgetCount(t, path); n != 2 {
			t.Errorf("another API key's request did not run: %d budget lines, want 2", n)
		}

		// A failure had no effect and frees the key for the corrected request.
		wantStatus(t, "failure", post(a.programs, "budget-2", `{"year":2025}`), http.StatusUnprocessableEntity)
		wantStatus(t, "corrected", post(a.programs, "budget-2", budget), http.StatusCreated)
		if n := a.budgetCount(t, path); n != 3 {
			t.Errorf("the corrected request did not run: %d budget lines, want 3", n)
		}

		// A malformed key, and POSTs without a key or without the header.
		wantProblem(t, "long key", post(a.programs, strings.Repeat("k", 256), budget), http.StatusBadRequest, "Idempotency-Key")
		wantProblem(t, "no API key", post("", "budget-3", budget), http.StatusUnauthorized)
		wantStatus(t, "no header", a.write(t, http.MethodPost, path, budget), http.StatusCreated)
		wantStatus(t, "no header again", a.write(t, http.MethodPost, path, budget), http.StatusCreated)
		if n := a.budgetCount(t, path); n != 5 {
			t.Errorf("POSTs without the header: %d budget lines, want 5", n)
		}
	})
}

// TestIdempotencyKeyConcurrent: concurrent duplicates never both run; each
// gets the one answer, or 409 while it is being made.
func TestIdempotencyKeyConcurrent(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("p", ""))
		path := "/v1/programs/" + p.ID + "/activities"
		body := `{"date":"2025-06-01","kind":"pelatihan","title":"Pelatihan BUMDes","region_code":"64.71"}`
		const n = 8
		var (
			wg      sync.WaitGroup
			answers [n]response
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i] = a.do(t, request{method: http.MethodPost, target: path, body: body, key: a.programs,
					header: map[string]string{"Idempotency-Key": "activity-1"}})
			}()
		}
		wg.Wait()
		var created []string
		for i, res := range answers {
			switch res.status {
			case http.StatusCreated:
				created = append(created, string(res.body))
			case http.StatusConflict:
			default:
				t.Errorf("answer %d: %d %s", i, res.status, res.body)
			}
		}
		if len(created) == 0 {
			t.Fatal("no request ran")
		}
		for _, b := range created[1:] {
			if diff := cmp.Diff(created[0], b); diff != "" {
				t.Errorf("two different 201 answers (-first +other):\n%s", diff)
			}
		}
		list := decode[httpapi.ActivityList](t, a.do(t, request{target: path}))
		if len(list.Data) != 1 {
			t.Errorf("%d concurrent duplicates made %d activities, want 1", n, len(list.Data))
		}
	})
}

// budgetCount counts a program's budget lines.
func (a *progAPI) budgetCount(t *testing.T, path string) int {
	t.Helper()
	return decode[httpapi.BudgetList](t, a.do(t, request{target: path})).Page.Total
}

// TestIdempotencyKeyOversizeBody: reading the body to fingerprint it keeps
// the body limit (413, streamed or not), and a refused body holds no key.
func TestIdempotencyKeyOversizeBody(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		keys := auth.NewService(s)
		_, secret, err := keys.Create(ctx, "w", []auth.Scope{auth.ScopeWriteRegions}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e, err := httpapi.New(httpapi.Services{Regions: region.NewService(s), Keys: keys, Ping: s.Ping,
			DataVersion: s.DataVersion, Idempotency: idempotency.NewService(s, 0)}, httpapi.Config{BodyLimit: "1K"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(keys.Wait)
		post := func(body io.Reader, chunked bool) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, "/v1/provinces", body)
			if chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Idempotency-Key", "p-1")
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			return rec
		}
		big := `{"code":"35","name":"` + strings.Repeat("x", 2000) + `"}`
		for _, chunked := range []bool{false, true} {
			if rec := post(strings.NewReader(big), chunked); rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("oversize body (chunked %v): %d %s, want 413", chunked, rec.Code, rec.Body)
			}
		}
		if rec := post(strings.NewReader(`{"code":"35","name":"Jawa Timur"}`), false); rec.Code != http.StatusCreated {
			t.Errorf("after the refused bodies: %d %s, want 201", rec.Code, rec.Body)
		}
	})
}
