package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// ignoreServerFields leaves out what the server makes: ids and times.
var ignoreServerFields = cmpopts.IgnoreFields(httpapi.Program{}, "ID", "CreatedAt", "UpdatedAt")

func TestProgramAgencies(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		res := a.mustWrite(t, http.MethodPost, "/v1/agencies",
			`{"name":" Biro Kesra Setda Prov. Kalimantan Timur ","acronym":"Biro Kesra Kaltim","kind":"provincial_bureau","province_code":"64","website":"https://kaltimprov.go.id"}`,
			http.StatusCreated)
		kesra := decode[httpapi.Agency](t, res)
		if loc := res.header.Get("Location"); loc != "/v1/agencies/"+kesra.ID {
			t.Errorf("Location = %q", loc)
		}
		want := httpapi.Agency{ID: kesra.ID, Name: "Biro Kesra Setda Prov. Kalimantan Timur", Acronym: "Biro Kesra Kaltim",
			Kind: "provincial_bureau", ProvinceCode: ptr("64"), ProvinceName: ptr("Kalimantan Timur"),
			Website: "https://kaltimprov.go.id", CreatedAt: kesra.CreatedAt, UpdatedAt: kesra.UpdatedAt}
		if diff := cmp.Diff(want, kesra); diff != "" {
			t.Errorf("created agency mismatch (-want +got):\n%s", diff)
		}
		got := decode[httpapi.Agency](t, a.do(t, request{target: "/v1/agencies/" + kesra.ID}))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("read agency mismatch (-want +got):\n%s", diff)
		}
		dpmd := a.agency(t, "Dinas PMD Prov. Jawa Timur", "dinas", "35")
		a.agency(t, "Kementerian Desa PDT", "ministry", "")

		wantProblem(t, "duplicate name", a.write(t, http.MethodPost, "/v1/agencies",
			`{"name":"Dinas PMD Prov. Jawa Timur","kind":"dinas"}`), http.StatusConflict)
		wantProblem(t, "unknown province", a.write(t, http.MethodPost, "/v1/agencies",
			`{"name":"Dinas X","kind":"dinas","province_code":"99"}`), http.StatusUnprocessableEntity, "province_code")
		wantProblem(t, "bad kind and website", a.write(t, http.MethodPost, "/v1/agencies",
			`{"name":"Dinas X","kind":"office","website":"example.org"}`), http.StatusUnprocessableEntity, "kind", "website")
		wantProblem(t, "id in body", a.write(t, http.MethodPost, "/v1/agencies",
			`{"id":"mine","name":"Dinas X","kind":"dinas"}`), http.StatusBadRequest, "id")

		for _, tc := range []struct {
			target string
			want   []string // names
		}{
			{"/v1/agencies", []string{"Biro Kesra Setda Prov. Kalimantan Timur", "Dinas PMD Prov. Jawa Timur", "Kementerian Desa PDT"}},
			{"/v1/agencies?province=35,64&sort=-name", []string{"Dinas PMD Prov. Jawa Timur", "Biro Kesra Setda Prov. Kalimantan Timur"}},
			{"/v1/agencies?kind=ministry", []string{"Kementerian Desa PDT"}},
			{"/v1/agencies?q=KESRA", []string{"Biro Kesra Setda Prov. Kalimantan Timur"}},
			{"/v1/agencies?q=kaltim", []string{"Biro Kesra Setda Prov. Kalimantan Timur"}}, // the acronym
		} {
			list := decode[httpapi.AgencyList](t, a.do(t, request{target: tc.target}))
			var names []string
			for _, ag := range list.Data {
				names = append(names, ag.Name)
			}
			if diff := cmp.Diff(tc.want, names); diff != "" {
				t.Errorf("%s: names mismatch (-want +got):\n%s", tc.target, diff)
			}
		}
		res = a.do(t, request{target: "/v1/agencies?format=csv&fields=name,province_code"})
		header, rows := readCSV(t, res)
		if diff := cmp.Diff([]string{"name", "province_code"}, header); diff != "" || len(rows) != 3 || rows[2][1] != "" {
			t.Errorf("agency CSV: %v %v", header, rows)
		}
		wantProblem(t, "bad kind filter", a.do(t, request{target: "/v1/agencies?kind=x"}), http.StatusBadRequest, "kind")

		got = decode[httpapi.Agency](t, a.mustWrite(t, http.MethodPatch, "/v1/agencies/"+dpmd,
			`{"acronym":"DPMD Jatim","website":""}`, http.StatusOK))
		if got.Acronym != "DPMD Jatim" || got.Name != "Dinas PMD Prov. Jawa Timur" || *got.ProvinceCode != "35" {
			t.Errorf("patched agency: %+v", got)
		}
		wantProblem(t, "patch to a bad kind", a.write(t, http.MethodPatch, "/v1/agencies/"+dpmd, `{"kind":"x"}`),
			http.StatusUnprocessableEntity, "kind")
		wantProblem(t, "patch to a taken name", a.write(t, http.MethodPatch, "/v1/agencies/"+dpmd,
			`{"name":"Kementerian Desa PDT"}`), http.StatusConflict)
		a.mustWrite(t, http.MethodDelete, "/v1/agencies/"+dpmd, "", http.StatusNoContent)
		wantProblem(t, "deleted", a.do(t, request{target: "/v1/agencies/" + dpmd}), http.StatusNotFound)
		wantProblem(t, "delete again", a.write(t, http.MethodDelete, "/v1/agencies/"+dpmd, ""), http.StatusNotFound)
		wantProblem(t, "patch unknown", a.write(t, http.MethodPatch, "/v1/agencies/nope", `{}`), http.StatusNotFound)
	})
}

// TestProgramCreate creates a program with agency and province parties and
// reads it back.
func TestProgramCreate(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		kesra := a.agency(t, "Biro Kesra Setda Prov. Kalimantan Timur", "provincial_bureau", "64")
		dpmd := a.agency(t, "Dinas PMD Prov. Jawa Timur", "dinas", "35")
		kemendes := a.agency(t, "Kementerian Desa PDT", "ministry", "")
		body := `{"code":"kaltim-jatim","title":"Kerja Sama Kaltim–Jatim","summary":"Studi tiru Desa Berdaya",
"objective":"Desa tertinggal menjadi berkembang","scope":"inter_provincial","status":"active",
"start_date":"2025-05-08","end_date":"2027-12-31","baseline_year":2024,
"agreements":[{"number":"100.3.7.1/15/PKS/B.POD-III/2025","signed_on":"2025-05-08","title":"PKS"},{"number":"100.3.7.1/243/PKS/011.3/2025"}],
"parties":[{"agency_id":"` + kesra + `","role":"lead"},{"agency_id":"` + dpmd + `","role":"partner"},
{"province_code":"64","role":"partner"},{"province_code":"35","role":"partner"},{"agency_id":"` + kemendes + `","role":"funder"}]}`
		res := a.mustWrite(t, http.MethodPost, "/v1/programs", body, http.StatusCreated)
		p := decode[httpapi.Program](t, res)
		if loc := res.header.Get("Location"); loc != "/v1/programs/"+p.ID || p.ID == "" {
			t.Errorf("Location = %q, id %q", loc, p.ID)
		}
		want := httpapi.Program{Code: "kaltim-jatim", Title: "Kerja Sama Kaltim–Jatim", Summary: "Studi tiru Desa Berdaya",
			Objective: "Desa tertinggal menjadi berkembang", Scope: "inter_provincial", Status: "active",
			StartDate: "2025-05-08", EndDate: ptr("2027-12-31"), Framework: "idm", BaselineYear: ptr(2024),
			Agreements: []httpapi.Agreement{
				{Number: "100.3.7.1/15/PKS/B.POD-III/2025", SignedOn: ptr("2025-05-08"), Title: "PKS"},
				{Number: "100.3.7.1/243/PKS/011.3/2025"}},
			Parties: []httpapi.Party{
				{ID: partyID(t, p, kesra), Role: "lead", Type: "agency", ProvinceCode: ptr("64"), AgencyID: &kesra, Name: "Biro Kesra Setda Prov. Kalimantan Timur"},
				{ID: partyID(t, p, dpmd), Role: "partner", Type: "agency", ProvinceCode: ptr("35"), AgencyID: &dpmd, Name: "Dinas PMD Prov. Jawa Timur"},
				{ID: partyID(t, p, "64"), Role: "partner", Type: "province", ProvinceCode: ptr("64"), Name: "Kalimantan Timur"},
				{ID: partyID(t, p, "35"), Role: "partner", Type: "province", ProvinceCode: ptr("35"), Name: "Jawa Timur"},
				{ID: partyID(t, p, kemendes), Role: "funder", Type: "agency", AgencyID: &kemendes, Name: "Kementerian Desa PDT"},
			},
		}
		if diff := cmp.Diff(want, p, ignoreServerFields); diff != "" {
			t.Errorf("created program mismatch (-want +got):\n%s", diff)
		}
		got := decode[httpapi.Program](t, a.do(t, request{target: "/v1/programs/" + p.ID}))
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("read program mismatch (-want +got):\n%s", diff)
		}
		parties := decode[httpapi.PartyList](t, a.do(t, request{target: "/v1/programs/" + p.ID + "/parties"}))
		if diff := cmp.Diff(p.Parties, parties.Data); diff != "" || parties.Page.Total != 5 {
			t.Errorf("party list mismatch (-want +got):\n%s", diff)
		}
		parties = decode[httpapi.PartyList](t, a.do(t, request{target: "/v1/programs/" + p.ID + "/parties?limit=2&offset=3"}))
		if diff := cmp.Diff(p.Parties[3:], parties.Data); diff != "" {
			t.Errorf("party page mismatch (-want +got):\n%s", diff)
		}
		wantProblem(t, "duplicate code", a.write(t, http.MethodPost, "/v1/programs", programBody("kaltim-jatim", "")),
			http.StatusConflict)
		wantProblem(t, "agency of a program", a.write(t, http.MethodDelete, "/v1/agencies/"+dpmd, ""), http.StatusConflict)
	})
}

// TestProgramRules sends programs that break each rule: 422 naming the field.
func TestProgramRules(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		kesra := a.agency(t, "Biro Kesra Setda Prov. Kalimantan Timur", "provincial_bureau", "64")
		diskominfo := a.agency(t, "Diskominfo Prov. Kalimantan Timur", "dinas", "64")
		dpmd := a.agency(t, "Dinas PMD Prov. Jawa Timur", "dinas", "35")
		kemendes := a.agency(t, "Kementerian Desa PDT", "ministry", "")
		parties := func(ps ...string) string { return `"parties":[` + strings.Join(ps, ",") + `]` }
		prov := func(code, role string) string { return `{"province_code":"` + code + `","role":"` + role + `"}` }
		ag := func(id, role string) string { return `{"agency_id":"` + id + `","role":"` + role + `"}` }
		base := `"title":"T","scope":"inter_provincial","status":"active","start_date":"2025-05-08"`
		body := func(code string, more ...string) string {
			return `{"code":"` + code + `",` + base + "," + strings.Join(more, ",") + "}"
		}
		tests := []struct {
			name   string
			body   string
			status int
			fields []string
		}{
			{"two provinces", body("ok-1", parties(prov("64", "lead"), prov("35", "partner"))), 201, nil},
			{"agencies count with their provinces", body("ok-2", parties(ag(kesra, "lead"), ag(dpmd, "partner"))), 201, nil},
			{"provincial with one province", `{"code":"ok-3","title":"T","scope":"provincial","status":"planned","start_date":"2025-01-01",` +
				parties(ag(kesra, "lead"), ag(diskominfo, "implementer")) + `}`, 201, nil},
			{"end on start", body("ok-4", `"end_date":"2025-05-08"`, parties(prov("64", "lead"), prov("35", "partner"))), 201, nil},

			{"one province", body("bad", parties(prov("64", "lead"), ag(kesra, "partner"), ag(diskominfo, "implementer"))), 422, []string{"parties"}},
			{"a national agency is no second province", body("bad", parties(prov("64", "lead"), ag(kemendes, "funder"))), 422, []string{"parties"}},
			{"no lead", body("bad", parties(prov("64", "partner"), prov("35", "partner"))), 422, []string{"parties"}},
			{"two leads", body("bad", parties(prov("64", "lead"), prov("35", "lead"))), 422, []string{"parties"}},
			{"no parties", body("bad", parties()), 422, []string{"parties", "parties"}},
			{"same party twice in a role", body("bad", parties(prov("64", "lead"), prov("35", "partner"), prov("35", "partner"))), 422, []string{"parties"}},
			{"end before start", body("bad", `"end_date":"2025-05-07"`, parties(prov("64", "lead"), prov("35", "partner"))), 422, []string{"end_date"}},
			{"unknown province", body("bad", parties(prov("64", "lead"), prov("99", "partner"))), 422, []string{"parties[1].province_code"}},
			{"regency as province", body("bad", parties(prov("64", "lead"), prov("35.78", "partner"))), 422, []string{"parties[1].province_code"}},
			{"unknown agency", body("bad", parties(prov("64", "lead"), ag("no-such-agency", "partner"))), 422, []string{"parties[1].agency_id"}},
			{"province and agency", body("bad", parties(prov("64", "lead"), `{"province_code":"35","agency_id":"`+dpmd+`","role":"partner"}`)), 422, []string{"parties[1].agency_id"}},
			{"neither", body("bad", parties(prov("64", "lead"), `{"role":"partner"}`)), 422, []string{"parties[1].province_code"}},
			{"bad role", body("bad", parties(prov("64", "lead"), prov("35", "sponsor"))), 422, []string{"parties[1].role"}},
			{"bad start date", `{"code":"bad","title":"T","scope":"provincial","status":"active","start_date":"2025-02-29",` + parties(prov("64", "lead")) + `}`, 422, []string{"start_date"}},
			{"bad scope and status", `{"code":"bad","title":"T","scope":"national","status":"ongoing","start_date":"2025-01-01",` + parties(prov("64", "lead")) + `}`, 422, []string{"scope", "status"}},
			{"bad framework and baseline", body("bad", `"framework":"sdgs"`, parties(prov("64", "lead"), prov("35", "partner"))), 422, []string{"framework"}},
			{"baseline out of range", body("bad", `"baseline_year":2030`, parties(prov("64", "lead"), prov("35", "partner"))), 422, []string{"baseline_year"}},
			{"bad agreement", body("bad", `"agreements":[{"number":"","signed_on":"2025-13-01"}]`, parties(prov("64", "lead"), prov("35", "partner"))), 422,
				[]string{"agreements[0].number", "agreements[0].signed_on"}},
			{"code not a slug", body("Bad Code", parties(prov("64", "lead"), prov("35", "partner"))), 422, []string{"code"}},
			{"server makes ids", body("bad", `"id":"x"`, parties(prov("64", "lead"), prov("35", "partner"))), 400, []string{"id"}},
			{"party ids too", body("bad", parties(`{"id":"x","province_code":"64","role":"lead"}`)), 400, []string{"id"}},
			{"baseline year as text", body("bad", `"baseline_year":"2024"`, parties(prov("64", "lead"))), 400, []string{"baseline_year"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res := a.write(t, http.MethodPost, "/v1/programs", tc.body)
				if tc.status == 201 {
					wantStatus(t, tc.name, res, 201)
					return
				}
				wantProblem(t, tc.name, res, tc.status, tc.fields...)
			})
		}
	})
}

// TestProgramParties changes parties one at a time: each change that would
// break a rule is a 422.
func TestProgramParties(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		kesra := a.agency(t, "Biro Kesra Setda Prov. Kalimantan Timur", "provincial_bureau", "64")
		dpmd := a.agency(t, "Dinas PMD Prov. Jawa Timur", "dinas", "35")
		p := a.program(t, `{"code":"p","title":"T","scope":"inter_provincial","status":"active","start_date":"2025-05-08",
"parties":[{"agency_id":"`+kesra+`","role":"lead"},{"agency_id":"`+dpmd+`","role":"partner"}]}`)
		path := "/v1/programs/" + p.ID + "/parties"

		wantProblem(t, "second lead", a.write(t, http.MethodPost, path, `{"province_code":"35","role":"lead"}`),
			http.StatusUnprocessableEntity, "role")
		wantProblem(t, "twice in a role", a.write(t, http.MethodPost, path, `{"agency_id":"`+dpmd+`","role":"partner"}`),
			http.StatusUnprocessableEntity, "agency_id")
		wantProblem(t, "unknown agency", a.write(t, http.MethodPost, path, `{"agency_id":"nope","role":"partner"}`),
			http.StatusUnprocessableEntity, "agency_id")
		wantProblem(t, "unknown province", a.write(t, http.MethodPost, path, `{"province_code":"99","role":"partner"}`),
			http.StatusUnprocessableEntity, "province_code")
		wantProblem(t, "bad role", a.write(t, http.MethodPost, path, `{"province_code":"35","role":"boss"}`),
			http.StatusUnprocessableEntity, "role")

		wantProblem(t, "a regency code", a.write(t, http.MethodPost, path, `{"province_code":"3578","role":"funder"}`),
			http.StatusUnprocessableEntity, "province_code")
		jatim := decode[httpapi.Party](t, a.mustWrite(t, http.MethodPost, path, `{"province_code":"35","role":"funder"}`, http.StatusCreated))
		if jatim.Type != "province" || jatim.Name != "Jawa Timur" || jatim.Role != "funder" {
			t.Errorf("added party: %+v", jatim)
		}
		// The lead cannot go (here the only party in 64 too: two rules
		// broken), nor can the last party in another province.
		wantProblem(t, "remove the lead", a.write(t, http.MethodDelete, path+"/"+partyID(t, p, kesra), ""),
			http.StatusUnprocessableEntity, "party_id", "party_id")
		a.mustWrite(t, http.MethodDelete, path+"/"+partyID(t, p, dpmd), "", http.StatusNoContent)
		wantProblem(t, "remove the second province", a.write(t, http.MethodDelete, path+"/"+jatim.ID, ""),
			http.StatusUnprocessableEntity, "party_id")
		wantProblem(t, "remove twice", a.write(t, http.MethodDelete, path+"/"+partyID(t, p, dpmd), ""), http.StatusNotFound)

		// A payer cannot go while it pays; the budget line goes first.
		a.mustWrite(t, http.MethodPost, path, `{"agency_id":"`+dpmd+`","role":"partner"}`, http.StatusCreated)
		b := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/budgets",
			`{"year":2025,"province_code":"35","kind":"planned","amount_idr":500000000,"source":"apbd"}`, http.StatusCreated))
		wantProblem(t, "remove a payer", a.write(t, http.MethodDelete, path+"/"+jatim.ID, ""),
			http.StatusUnprocessableEntity, "party_id")
		a.mustWrite(t, http.MethodDelete, "/v1/programs/"+p.ID+"/budgets/"+b.ID, "", http.StatusNoContent)
		a.mustWrite(t, http.MethodDelete, path+"/"+jatim.ID, "", http.StatusNoContent)

		// The lead passes to another party by replacing all parties.
		got := decode[httpapi.Program](t, a.mustWrite(t, http.MethodPatch, "/v1/programs/"+p.ID,
			`{"parties":[{"agency_id":"`+kesra+`","role":"partner"},{"agency_id":"`+dpmd+`","role":"lead"}]}`, http.StatusOK))
		if len(got.Parties) != 2 || got.Parties[1].Role != "lead" || *got.Parties[1].AgencyID != dpmd {
			t.Errorf("parties after handing over the lead: %+v", got.Parties)
		}
		wantProblem(t, "replace with one province", a.write(t, http.MethodPatch, "/v1/programs/"+p.ID,
			`{"parties":[{"agency_id":"`+kesra+`","role":"lead"}]}`), http.StatusUnprocessableEntity, "parties")

		// A move of an agency to another province may not break a program.
		wantProblem(t, "agency moves", a.write(t, http.MethodPatch, "/v1/agencies/"+dpmd, `{"province_code":"64"}`),
			http.StatusUnprocessableEntity, "province_code")
		wantProblem(t, "agency becomes national", a.write(t, http.MethodPatch, "/v1/agencies/"+dpmd, `{"province_code":""}`),
			http.StatusUnprocessableEntity, "province_code")
		a.mustWrite(t, http.MethodPatch, "/v1/agencies/"+dpmd, `{"province_code":"91"}`, http.StatusOK)

		// Scope: a provincial program may become inter-provincial only with two provinces.
		prov := a.program(t, `{"code":"prov","title":"T","scope":"provincial","status":"active","start_date":"2025-05-08",
"parties":[{"province_code":"64","role":"lead"}]}`)
		wantProblem(t, "scope with one province", a.write(t, http.MethodPatch, "/v1/programs/"+prov.ID,
			`{"scope":"inter_provincial"}`), http.StatusUnprocessableEntity, "scope")
		a.mustWrite(t, http.MethodPatch, "/v1/programs/"+prov.ID,
			`{"scope":"inter_provincial","parties":[{"province_code":"64","role":"lead"},{"province_code":"91","role":"partner"}]}`, http.StatusOK)
	})
}

// TestProgramPatch changes fields of a program.
func TestProgramPatch(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("p", `"end_date":"2026-12-31","agreements":[{"number":"1"}]`))
		got := decode[httpapi.Program](t, a.mustWrite(t, http.MethodPatch, "/v1/programs/"+p.ID,
			`{"status":"completed","end_date":"","title":"  Baru  ","agreements":[]}`, http.StatusOK))
		want := p
		want.Status, want.EndDate, want.Title, want.Agreements = "completed", nil, "Baru", []httpapi.Agreement{}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(httpapi.Program{}, "UpdatedAt")); diff != "" {
			t.Errorf("patched program mismatch (-want +got):\n%s", diff)
		}
		// null clears a nullable field, as "" does; absent leaves it.
		a.mustWrite(t, http.MethodPatch, "/v1/programs/"+p.ID, `{"end_date":"2027-06-30"}`, http.StatusOK)
		got = decode[httpapi.Program](t, a.mustWrite(t, http.MethodPatch, "/v1/programs/"+p.ID, `{"end_date":null,"baseline_year":null}`, http.StatusOK))
		if got.EndDate != nil || got.BaselineYear != nil {
			t.Errorf("null did not clear end_date and baseline_year: %v %v", got.EndDate, got.BaselineYear)
		}
		got = decode[httpapi.Program](t, a.mustWrite(t, http.MethodPatch, "/v1/programs/"+p.ID, `{"baseline_year":2021}`, http.StatusOK))
		if got.BaselineYear == nil || *got.BaselineYear != 2021 || got.EndDate != nil {
			t.Errorf("baseline_year set again: %v %v", got.EndDate, got.BaselineYear)
		}
		wantProblem(t, "end_date a number", a.write(t, http.MethodPatch, "/v1/programs/"+p.ID, `{"end_date":2027}`), http.StatusBadRequest, "end_date")
		kesra := a.agency(t, "Biro Kesra Setda Prov. Kalimantan Timur", "provincial_bureau", "64")
		ag := decode[httpapi.Agency](t, a.mustWrite(t, http.MethodPatch, "/v1/agencies/"+kesra, `{"province_code":null}`, http.StatusOK))
		if ag.ProvinceCode != nil || ag.ProvinceName != nil {
			t.Errorf("null did not clear the agency's province_code: %+v", ag)
		}
		wantProblem(t, "end before start", a.write(t, http.MethodPatch, "/v1/programs/"+p.ID, `{"end_date":"2020-01-01"}`),
			http.StatusUnprocessableEntity, "end_date")
		wantProblem(t, "start after end", a.write(t, http.MethodPatch, "/v1/programs/"+p.ID,
			`{"end_date":"2026-01-01","start_date":"2026-06-01"}`), http.StatusUnprocessableEntity, "end_date")
		a.program(t, programBody("other", ""))
		wantProblem(t, "taken code", a.write(t, http.MethodPatch, "/v1/programs/"+p.ID, `{"code":"other"}`), http.StatusConflict)
		wantProblem(t, "unknown program", a.write(t, http.MethodPatch, "/v1/programs/nope", `{}`), http.StatusNotFound)
		wantProblem(t, "not JSON", a.write(t, http.MethodPatch, "/v1/programs/"+p.ID, `{"status":`), http.StatusBadRequest)
	})
}

func TestProgramList(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		kesra := a.agency(t, "Biro Kesra Setda Prov. Kalimantan Timur", "provincial_bureau", "64")
		papua := a.agency(t, "Dinas PMD Prov. Papua", "dinas", "91")
		a.program(t, `{"code":"a-kaltim-jatim","title":"Desa Berdaya Kaltim","scope":"inter_provincial","status":"active",
"start_date":"2025-05-08","parties":[{"agency_id":"`+kesra+`","role":"lead"},{"province_code":"35","role":"partner"}]}`)
		a.program(t, `{"code":"b-jatim-papua","title":"Pendampingan Papua","scope":"inter_provincial","status":"planned",
"start_date":"2026-01-01","end_date":"2026-12-31","parties":[{"province_code":"35","role":"lead"},{"agency_id":"`+papua+`","role":"implementer"}]}`)
		a.program(t, `{"code":"c-kaltim-lama","title":"Program Lama","scope":"provincial","status":"completed",
"start_date":"2020-01-01","end_date":"2022-12-31","parties":[{"province_code":"64","role":"lead"}]}`)
		for _, tc := range []struct {
			target string
			want   []string
		}{
			{"/v1/programs", []string{"a-kaltim-jatim", "b-jatim-papua", "c-kaltim-lama"}},
			{"/v1/programs?province=64", []string{"a-kaltim-jatim", "c-kaltim-lama"}}, // a: through its agency
			{"/v1/programs?province=91", []string{"b-jatim-papua"}},                   // through its agency only
			{"/v1/programs?province=35", []string{"a-kaltim-jatim", "b-jatim-papua"}},
			{"/v1/programs?status=active,planned", []string{"a-kaltim-jatim", "b-jatim-papua"}},
			{"/v1/programs?active_on=2026-06-01", []string{"a-kaltim-jatim", "b-jatim-papua"}},
			{"/v1/programs?active_on=2026-12-31", []string{"a-kaltim-jatim", "b-jatim-papua"}},
			{"/v1/programs?active_on=2027-01-01", []string{"a-kaltim-jatim"}},
			{"/v1/programs?active_on=2021-03-01", []string{"c-kaltim-lama"}},
			{"/v1/programs?active_on=2019-12-31", []string{}},
			{"/v1/programs?q=PAPUA", []string{"b-jatim-papua"}},
			{"/v1/programs?q=kaltim", []string{"a-kaltim-jatim", "c-kaltim-lama"}},
			{"/v1/programs?sort=-start_date", []string{"b-jatim-papua", "a-kaltim-jatim", "c-kaltim-lama"}},
			{"/v1/programs?sort=end_date", []string{"c-kaltim-lama", "b-jatim-papua", "a-kaltim-jatim"}},
			{"/v1/programs?sort=-end_date", []string{"b-jatim-papua", "c-kaltim-lama", "a-kaltim-jatim"}},
			{"/v1/programs?sort=title", []string{"a-kaltim-jatim", "b-jatim-papua", "c-kaltim-lama"}},
			{"/v1/programs?limit=1&offset=1", []string{"b-jatim-papua"}},
		} {
			t.Run(tc.target, func(t *testing.T) {
				res := a.do(t, request{target: tc.target})
				wantStatus(t, tc.target, res, http.StatusOK)
				list := decode[httpapi.ProgramList](t, res)
				got := []string{}
				for _, p := range list.Data {
					got = append(got, p.Code)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("codes mismatch (-want +got):\n%s", diff)
				}
			})
		}
		for _, tc := range []struct{ target, field string }{
			{"/v1/programs?active_on=2026-02-30", "active_on"},
			{"/v1/programs?active_on=tomorrow", "active_on"},
			{"/v1/programs?status=done", "status"},
			{"/v1/programs?province=35.78", "province"},
			{"/v1/programs?sort=budget", "sort"},
			{"/v1/programs?fields=secret", "fields"},
		} {
			wantProblem(t, tc.target, a.do(t, request{target: tc.target}), http.StatusBadRequest, tc.field)
		}

		res := a.do(t, request{target: "/v1/programs?format=csv&sort=code"})
		header, rows := readCSV(t, res)
		wantHeader := []string{"id", "code", "title", "summary", "objective", "scope", "status", "start_date", "end_date",
			"framework", "baseline_year", "agreements", "parties", "budget_totals", "created_at", "updated_at"}
		if diff := cmp.Diff(wantHeader, header); diff != "" {
			t.Errorf("CSV header mismatch (-want +got):\n%s", diff)
		}
		if len(rows) != 3 || rows[0][1] != "a-kaltim-jatim" || rows[0][8] != "" || rows[1][8] != "2026-12-31" ||
			!strings.Contains(rows[0][12], `"name":"Biro Kesra Setda Prov. Kalimantan Timur"`) ||
			rows[0][13] != `{"planned":0,"revised":0,"disbursed":0,"spent":0}` {
			t.Errorf("CSV rows: %q", rows)
		}
		if _, err := time.Parse(time.RFC3339, rows[0][14]); err != nil {
			t.Errorf("created_at in CSV: %v", err)
		}
		res = a.do(t, request{target: "/v1/programs?fields=code,status", header: map[string]string{"Accept": "text/csv"}})
		header, rows = readCSV(t, res)
		if diff := cmp.Diff([]string{"code", "status"}, header); diff != "" || len(rows) != 3 || rows[2][1] != "completed" {
			t.Errorf("CSV with fields: %v %v", header, rows)
		}
	})
}

// TestProgramAuth: every write needs a key with write:programs.
func TestProgramAuth(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("p", ""))
		writes := []struct{ method, target string }{
			{http.MethodPost, "/v1/agencies"},
			{http.MethodPatch, "/v1/agencies/x"},
			{http.MethodDelete, "/v1/agencies/x"},
			{http.MethodPost, "/v1/programs"},
			{http.MethodPatch, "/v1/programs/" + p.ID},
			{http.MethodDelete, "/v1/programs/" + p.ID},
			{http.MethodPost, "/v1/programs/" + p.ID + "/parties"},
			{http.MethodDelete, "/v1/programs/" + p.ID + "/parties/x"},
			{http.MethodPost, "/v1/programs/" + p.ID + "/budgets"},
			{http.MethodPatch, "/v1/programs/" + p.ID + "/budgets/x"},
			{http.MethodDelete, "/v1/programs/" + p.ID + "/budgets/x"},
			{http.MethodPost, "/v1/programs/" + p.ID + "/activities"},
			{http.MethodPatch, "/v1/programs/" + p.ID + "/activities/x"},
			{http.MethodDelete, "/v1/programs/" + p.ID + "/activities/x"},
			{http.MethodPost, "/v1/programs/" + p.ID + "/villages"},
			{http.MethodDelete, "/v1/programs/" + p.ID + "/villages/6401012001"},
		}
		for _, w := range writes {
			what := w.method + " " + w.target
			wantProblem(t, what+" without a key", a.do(t, request{method: w.method, target: w.target, body: `{}`}), http.StatusUnauthorized)
			wantProblem(t, what+" with write:regions", a.do(t, request{method: w.method, target: w.target, body: `{}`, key: a.writer}), http.StatusForbidden)
			wantProblem(t, what+" with read", a.do(t, request{method: w.method, target: w.target, body: `{}`, key: a.reader}), http.StatusForbidden)
		}
		// admin implies write:programs.
		a.do(t, request{method: http.MethodPatch, target: "/v1/programs/" + p.ID, body: `{"status":"planned"}`, key: a.admin})
		got := decode[httpapi.Program](t, a.do(t, request{target: "/v1/programs/" + p.ID}))
		if got.Status != "planned" {
			t.Errorf("admin patch did not apply: status %q", got.Status)
		}
	})
}

// TestProgramNotFound: everything below an unknown program is a 404.
func TestProgramNotFound(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("p", ""))
		const unknown = "/v1/programs/0196b1f0-0000-7000-8000-000000000000"
		for _, r := range []struct{ method, target, body string }{
			{http.MethodGet, unknown, ""},
			{http.MethodPatch, unknown, `{}`},
			{http.MethodDelete, unknown, ""},
			{http.MethodGet, unknown + "/parties", ""},
			{http.MethodPost, unknown + "/parties", `{"province_code":"91","role":"partner"}`},
			{http.MethodDelete, unknown + "/parties/x", ""},
			{http.MethodGet, unknown + "/budgets", ""},
			{http.MethodPost, unknown + "/budgets", `{"year":2025,"province_code":"64","kind":"planned","amount_idr":1,"source":"apbd"}`},
			{http.MethodPatch, unknown + "/budgets/x", `{}`},
			{http.MethodDelete, unknown + "/budgets/x", ""},
			{http.MethodGet, unknown + "/activities", ""},
			{http.MethodPost, unknown + "/activities", `{"date":"2025-01-01","kind":"rakor","title":"T"}`},
			{http.MethodPatch, unknown + "/activities/x", `{}`},
			{http.MethodDelete, unknown + "/activities/x", ""},
			{http.MethodGet, unknown + "/villages", ""},
			{http.MethodPost, unknown + "/villages", `{"codes":["64.01.01.2001"]}`},
			{http.MethodDelete, unknown + "/villages/64.01.01.2001", ""},
			{http.MethodGet, unknown + "/outcomes?year=2023", ""},
			// Known program, unknown part.
			{http.MethodDelete, "/v1/programs/" + p.ID + "/parties/x", ""},
			{http.MethodPatch, "/v1/programs/" + p.ID + "/budgets/x", `{}`},
			{http.MethodDelete, "/v1/programs/" + p.ID + "/budgets/x", ""},
			{http.MethodPatch, "/v1/programs/" + p.ID + "/activities/x", `{}`},
			{http.MethodDelete, "/v1/programs/" + p.ID + "/activities/x", ""},
			{http.MethodDelete, "/v1/programs/" + p.ID + "/villages/64.01.01.2001", ""},
		} {
			// The detail says what is missing: a write's transaction must
			// not turn the service's message into the store's "not found".
			if p := wantProblem(t, r.method+" "+r.target, a.write(t, r.method, r.target, r.body), http.StatusNotFound); p.Detail == "not found" {
				t.Errorf("%s %s: detail %q does not say what is missing", r.method, r.target, p.Detail)
			}
		}
	})
}
