package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/store"
)

// TestProgramBudgetBound fills a program's budget lines up to
// MaxProgramTotalIDR (10^18 rupiah: 1000 lines of 10^15) and checks that no
// write passes it — a line added over HTTP, a line changed, a document
// imported — while the program stays readable, listable and deletable.
// Without the bound, lines of 10^15 each pass until the sums overflow
// int64 and every read of the program fails.
func TestProgramBudgetBound(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		ctx := context.Background()
		svc := cooperation.NewService(store.CooperationStore{Store: a.store}, a.store, a.store, newID)
		doc := func(lines int) cooperation.Document {
			d := cooperation.Document{
				Program: cooperation.Program{Code: "besar", Title: "Program besar", Scope: cooperation.ScopeProvincial,
					Status: "active", StartDate: "2025-01-01"},
				Parties: []cooperation.DocumentParty{{Role: cooperation.RoleLead, ProvinceCode: "64"}},
			}
			for i := range lines {
				kind := "planned" // the bound is on all the lines, whatever their kind
				if i%2 == 1 {
					kind = "spent"
				}
				d.Budgets = append(d.Budgets, cooperation.DocumentBudget{Budget: cooperation.Budget{Year: 2025 + i%3,
					ProvinceCode: "64", Kind: kind, AmountIDR: cooperation.MaxAmountIDR, Source: "apbd"}})
			}
			return d
		}
		_, err := svc.Import(ctx, doc(1001))
		if e, ok := err.(*apperr.Error); !ok || e.Kind != apperr.Invalid || len(e.Fields) != 1 ||
			e.Fields[0].Field != "budgets[1000].amount_idr" || !strings.Contains(e.Fields[0].Message, "1000000000000000000") {
			t.Fatalf("import of 1001 lines of 10^15: %v, want a 422 naming budgets[1000].amount_idr and the bound", err)
		}
		res, err := svc.Import(ctx, doc(1000))
		if err != nil {
			t.Fatalf("import of 1000 lines of 10^15 (the bound exactly): %v", err)
		}

		prog := "/v1/programs/" + res.ProgramID
		p := decode[httpapi.Program](t, a.do(t, request{target: prog}))
		if diff := cmp.Diff(httpapi.BudgetTotals{Planned: 500 * cooperation.MaxAmountIDR, Spent: 500 * cooperation.MaxAmountIDR}, p.BudgetTotals); diff != "" {
			t.Errorf("totals at the bound mismatch (-want +got):\n%s", diff)
		}
		path := prog + "/budgets"
		p1 := wantProblem(t, "a line past the bound", a.write(t, http.MethodPost, path,
			`{"year":2025,"province_code":"64","kind":"revised","amount_idr":1,"source":"apbd"}`),
			http.StatusUnprocessableEntity, "amount_idr")
		if !strings.Contains(p1.Errors[0].Message, "1000000000000000000") {
			t.Errorf("the problem does not name the bound: %+v", p1)
		}
		// A line of 0 keeps the program at the bound; changing a line may
		// lower it, and the room it frees may be taken once.
		a.mustWrite(t, http.MethodPost, path, `{"year":2025,"province_code":"64","kind":"revised","amount_idr":0,"source":"apbd"}`, http.StatusCreated)
		first := decode[httpapi.BudgetList](t, a.do(t, request{target: path + "?limit=1"})).Data[0]
		a.mustWrite(t, http.MethodPatch, path+"/"+first.ID, `{"amount_idr":999999999999999}`, http.StatusOK)
		a.mustWrite(t, http.MethodPost, path, `{"year":2026,"province_code":"64","kind":"disbursed","amount_idr":1,"source":"apbd"}`, http.StatusCreated)
		wantProblem(t, "one rupiah past the bound", a.write(t, http.MethodPost, path,
			`{"year":2026,"province_code":"64","kind":"disbursed","amount_idr":1,"source":"apbd"}`), http.StatusUnprocessableEntity, "amount_idr")
		wantProblem(t, "patch back past the bound", a.write(t, http.MethodPatch, path+"/"+first.ID, `{"amount_idr":1000000000000000}`),
			http.StatusUnprocessableEntity, "amount_idr")

		// Everything that sums the lines still answers.
		a.mustWrite(t, http.MethodGet, prog, "", http.StatusOK)
		if list := decode[httpapi.ProgramList](t, a.do(t, request{target: "/v1/programs"})); len(list.Data) != 1 ||
			list.Data[0].BudgetTotals.Disbursed != 1 {
			t.Errorf("program list at the bound: %+v", list.Data)
		}
		a.mustWrite(t, http.MethodDelete, path+"/"+first.ID, "", http.StatusNoContent)
		a.mustWrite(t, http.MethodDelete, prog, "", http.StatusNoContent)
	})
}
