package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/httpapi"
)

// restrictedKey makes a write:programs key restricted to provinces.
func (a *progAPI) restrictedKey(t *testing.T, name string, provinces ...string) string {
	t.Helper()
	_, secret, err := auth.NewService(a.store).Create(context.Background(), name, []auth.Scope{auth.ScopeWritePrograms}, provinces)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// TestProgramProvinceRestriction: a province-restricted key writes only
// programs where one of its provinces is a party (a province, or an agency
// there), with their parts, and cannot leave a program without one.
func TestProgramProvinceRestriction(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		kaltim := a.restrictedKey(t, "kaltim", "64")
		papua := a.restrictedKey(t, "papua", "91")
		kesra := a.agency(t, "Biro Kesra Setda Prov. Kalimantan Timur", "provincial_bureau", "64")
		as := func(key, method, target, body string) response {
			return a.do(t, request{method: method, target: target, body: body, key: key})
		}
		forbidden := func(what string, res response, mention string) {
			t.Helper()
			p := wantProblem(t, what, res, http.StatusForbidden)
			if p.Type != "/problems/forbidden" || !strings.Contains(p.Detail, "programs with one of its provinces") ||
				!strings.Contains(p.Detail, mention) {
				t.Errorf("%s: problem %+v does not say why (want a mention of %q)", what, p, mention)
			}
		}

		// Creating: one of the key's provinces must be a party, as a
		// province or through an agency of it.
		forbidden("create outside", as(papua, http.MethodPost, "/v1/programs", programBody("p-out", "")),
			"after this change its parties would be in provinces 35, 64; a key for 91 must keep one of its provinces a party")
		p := decode[httpapi.Program](t, as(kaltim, http.MethodPost, "/v1/programs", programBody("p", "")))
		if p.ID == "" {
			t.Fatal("kaltim could not create a program with 64 as a party")
		}
		viaAgency := `{"code":"p-agency","title":"T","scope":"inter_provincial","status":"active","start_date":"2025-05-08",
"parties":[{"agency_id":"` + kesra + `","role":"lead"},{"province_code":"35","role":"partner"}]}`
		wantStatus(t, "create through an agency", as(kaltim, http.MethodPost, "/v1/programs", viaAgency), http.StatusCreated)

		// Every write to a program of other provinces, and to its parts.
		path := "/v1/programs/" + p.ID
		for _, tc := range []struct{ method, target, body string }{
			{http.MethodPatch, path, `{"title":"Taken over"}`},
			{http.MethodDelete, path, ""},
			{http.MethodPost, path + "/parties", `{"province_code":"91","role":"partner"}`},
			{http.MethodDelete, path + "/parties/" + partyID(t, p, "35"), ""},
			{http.MethodPost, path + "/budgets", `{"year":2025,"province_code":"35","kind":"planned","amount_idr":5,"source":"apbd"}`},
			{http.MethodPost, path + "/activities", `{"date":"2025-06-01","kind":"pelatihan","title":"T","region_code":"64.71"}`},
			{http.MethodPost, path + "/villages", `{"codes":["64.01.01.2001"]}`},
			{http.MethodDelete, path + "/villages/64.01.01.2001", ""},
		} {
			forbidden(tc.method+" "+tc.target, as(papua, tc.method, tc.target, tc.body), "; its parties are in provinces 35, 64")
		}
		b := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, path+"/budgets",
			`{"year":2025,"province_code":"35","kind":"planned","amount_idr":5,"source":"apbd"}`, http.StatusCreated))
		act := decode[httpapi.Activity](t, a.mustWrite(t, http.MethodPost, path+"/activities",
			`{"date":"2025-06-01","kind":"pelatihan","title":"T","region_code":"64.71"}`, http.StatusCreated))
		for _, tc := range []struct{ method, target, body string }{
			{http.MethodPatch, path + "/budgets/" + b.ID, `{"amount_idr":6}`},
			{http.MethodDelete, path + "/budgets/" + b.ID, ""},
			{http.MethodPatch, path + "/activities/" + act.ID, `{"title":"U"}`},
			{http.MethodDelete, path + "/activities/" + act.ID, ""},
		} {
			forbidden(tc.method+" "+tc.target, as(papua, tc.method, tc.target, tc.body), "provinces 35, 64")
		}
		got := decode[httpapi.Program](t, a.do(t, request{target: path}))
		if got.Title != p.Title || len(got.Parties) != 2 || got.BudgetTotals.Planned != 5 {
			t.Errorf("the refused writes changed the program: %+v", got)
		}
		wantStatus(t, "unknown program", as(papua, http.MethodPatch, "/v1/programs/"+newID(), `{"title":"x"}`), http.StatusNotFound)

		// The key's own program: its parts are open to it...
		wantStatus(t, "patch own", as(kaltim, http.MethodPatch, path, `{"title":"Renamed"}`), http.StatusOK)
		wantStatus(t, "add party", as(kaltim, http.MethodPost, path+"/parties", `{"province_code":"91","role":"partner"}`), http.StatusCreated)
		wantStatus(t, "patch budget", as(kaltim, http.MethodPatch, path+"/budgets/"+b.ID, `{"amount_idr":6}`), http.StatusOK)
		wantStatus(t, "add targets", as(kaltim, http.MethodPost, path+"/villages", `{"codes":["64.01.01.2001"]}`), http.StatusOK)
		// ...but it may not write its provinces out of it.
		after := "after this change its parties would be in provinces 35, 91; a key for 64 must keep one of its provinces a party"
		forbidden("replace parties without 64", as(kaltim, http.MethodPatch, path,
			`{"parties":[{"province_code":"35","role":"lead"},{"province_code":"91","role":"partner"}]}`), after)
		forbidden("remove its party", as(kaltim, http.MethodDelete, path+"/parties/"+partyID(t, p, "64"), ""), after)

		// An unrestricted key is not bound, and papua may write once 91 is a party.
		wantStatus(t, "papua now a party", as(papua, http.MethodPatch, path, `{"summary":"Papua joins"}`), http.StatusOK)
		a.mustWrite(t, http.MethodDelete, path, "", http.StatusNoContent)
	})
}

// TestAgencyProvinceRestriction: agencies stand for their province in
// programs, so a province-restricted key writes only agencies of its
// provinces, and cannot move one out of them (or another in).
func TestAgencyProvinceRestriction(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		kaltim := a.restrictedKey(t, "kaltim", "64")
		dpmd := a.agency(t, "Dinas PMD Prov. Jawa Timur", "dinas", "35")
		national := a.agency(t, "Kemendes PDTT", "ministry", "")
		as := func(method, target, body string) response {
			return a.do(t, request{method: method, target: target, body: body, key: kaltim})
		}
		forbidden := func(what string, res response, mention string) {
			t.Helper()
			p := wantProblem(t, what, res, http.StatusForbidden)
			if !strings.Contains(p.Detail, "only agencies of its provinces (64)") || !strings.Contains(p.Detail, mention) {
				t.Errorf("%s: problem does not say why: %+v", what, p)
			}
		}
		own := decode[httpapi.Agency](t, as(http.MethodPost, "/v1/agencies", `{"name":"Biro Kesra Kaltim","kind":"provincial_bureau","province_code":"64"}`))
		if own.ID == "" {
			t.Fatal("kaltim could not create an agency in 64")
		}
		forbidden("create in 35", as(http.MethodPost, "/v1/agencies", `{"name":"X","kind":"dinas","province_code":"35"}`), "in province 35")
		forbidden("create national", as(http.MethodPost, "/v1/agencies", `{"name":"Y","kind":"ministry"}`), "national")
		forbidden("patch 35", as(http.MethodPatch, "/v1/agencies/"+dpmd, `{"acronym":"DPMD"}`), "in province 35")
		forbidden("move 35 into 64", as(http.MethodPatch, "/v1/agencies/"+dpmd, `{"province_code":"64"}`), "in province 35")
		forbidden("patch national", as(http.MethodPatch, "/v1/agencies/"+national, `{"acronym":"K"}`), "national")
		forbidden("delete 35", as(http.MethodDelete, "/v1/agencies/"+dpmd, ""), "in province 35")
		forbidden("move own out", as(http.MethodPatch, "/v1/agencies/"+own.ID, `{"province_code":"35"}`), "in province 35")
		wantStatus(t, "patch own", as(http.MethodPatch, "/v1/agencies/"+own.ID, `{"acronym":"Kesra"}`), http.StatusOK)
		wantStatus(t, "delete own", as(http.MethodDelete, "/v1/agencies/"+own.ID, ""), http.StatusNoContent)
	})
}
