package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestProgramItems reads single budget lines, activities and parties at
// the Location their POST answered, with the ETag that If-Match checks;
// each 201 of a single resource carries that ETag too. With If-Match
// required, a party can be removed with the ETag its GET answers.
func TestProgramItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := newProgramAPIWith(t, s, httpapi.Config{RequireIfMatch: true})
		res := a.mustWrite(t, http.MethodPost, "/v1/agencies", `{"name":"Biro Kesra Setda Prov. Kalimantan Timur","kind":"provincial_bureau","province_code":"64"}`, http.StatusCreated)
		if res.header.Get("ETag") == "" {
			t.Errorf("POST agency: no ETag")
		}
		kesra := decode[httpapi.Agency](t, res).ID
		res = a.mustWrite(t, http.MethodPost, "/v1/programs", programBody("items", ""), http.StatusCreated)
		p := decode[httpapi.Program](t, res)
		if got, want := res.header.Get("ETag"), a.do(t, request{target: "/v1/programs/" + p.ID}).header.Get("ETag"); got == "" || audit.StateOf(got) != audit.StateOf(want) {
			t.Errorf("POST program: ETag %q, GET's state %q", got, want)
		}
		prog := "/v1/programs/" + p.ID

		for _, tc := range []struct{ name, path, body string }{
			{"party", prog + "/parties", `{"agency_id":"` + kesra + `","role":"implementer"}`},
			{"budget line", prog + "/budgets", `{"year":2025,"province_code":"64","kind":"planned","amount_idr":5,"source":"apbd"}`},
			{"activity", prog + "/activities", `{"date":"2023-08-07","kind":"rakor","title":"Rakor"}`},
		} {
			created := a.mustWrite(t, http.MethodPost, tc.path, tc.body, http.StatusCreated)
			loc, tag := created.header.Get("Location"), created.header.Get("ETag")
			if tag == "" {
				t.Errorf("%s: the 201 has no ETag", tc.name)
			}
			got := a.do(t, request{target: loc})
			wantStatus(t, "GET "+tc.name, got, http.StatusOK)
			if diff := cmp.Diff(string(created.body), string(got.body)); diff != "" {
				t.Errorf("%s: GET differs from the 201 (-201 +GET):\n%s", tc.name, diff)
			}
			if audit.StateOf(got.header.Get("ETag")) != audit.StateOf(tag) {
				t.Errorf("%s: GET ETag %s, 201 ETag %s", tc.name, got.header.Get("ETag"), tag)
			}
			if res := a.do(t, request{target: loc, header: map[string]string{"If-None-Match": got.header.Get("ETag")}}); res.status != http.StatusNotModified {
				t.Errorf("%s: If-None-Match answered %d, want 304", tc.name, res.status)
			}
			wantProblem(t, tc.name+" of another id", a.do(t, request{target: tc.path + "/nope"}), http.StatusNotFound)
			wantProblem(t, tc.name+" of an unknown program", a.do(t, request{target: "/v1/programs/nope" + loc[len(prog):]}), http.StatusNotFound)
			wantProblem(t, tc.name+" without If-Match", a.write(t, http.MethodDelete, loc, ""), http.StatusPreconditionRequired)
			if tc.name != "party" {
				patched := a.do(t, request{method: http.MethodPatch, target: loc, body: `{"year":2026}`, key: a.programs,
					header: map[string]string{"If-Match": got.header.Get("ETag")}})
				if tc.name == "activity" {
					patched = a.do(t, request{method: http.MethodPatch, target: loc, body: `{"title":"Rakor 2"}`, key: a.programs,
						header: map[string]string{"If-Match": got.header.Get("ETag")}})
				}
				wantStatus(t, "PATCH "+tc.name+" with the GET's ETag", patched, http.StatusOK)
				wantProblem(t, "PATCH "+tc.name+" with the old ETag", a.do(t, request{method: http.MethodPatch, target: loc, body: `{}`,
					key: a.programs, header: map[string]string{"If-Match": got.header.Get("ETag")}}), http.StatusPreconditionFailed)
				got = a.do(t, request{target: loc})
			}
			wantStatus(t, "DELETE "+tc.name+" with the GET's ETag", a.do(t, request{method: http.MethodDelete, target: loc, key: a.programs,
				header: map[string]string{"If-Match": got.header.Get("ETag")}}), http.StatusNoContent)
			wantProblem(t, tc.name+" deleted", a.do(t, request{target: loc}), http.StatusNotFound)
		}
	})
}
