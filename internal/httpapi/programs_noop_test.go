package httpapi_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// feedTail is the change feed's cursor now.
func (a *progAPI) feedTail(t *testing.T) string {
	t.Helper()
	return decode[httpapi.ChangeList](t, a.do(t, request{target: "/v1/changes?since=0&limit=1000"})).NextCursor
}

// feedSince lists "entity id" of the changes after cursor.
func (a *progAPI) feedSince(t *testing.T, cursor string) []string {
	t.Helper()
	out := []string{}
	for _, c := range decode[httpapi.ChangeList](t, a.do(t, request{target: "/v1/changes?limit=1000&since=" + cursor})).Data {
		out = append(out, c.Entity+" "+c.EntityID)
	}
	return out
}

// TestNoOpWrites sends writes that change nothing: none records an audit
// entry, a change-feed entry or a new updated_at, and each answers the
// ETag the resource had. A program PATCH that changes some fields touches
// only what changed: its untouched agreements and parties keep their rows
// (and their change-feed place), and parties that stay keep their ids.
func TestNoOpWrites(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		kesra := a.agency(t, "Biro Kesra Setda Prov. Kalimantan Timur", "provincial_bureau", "64")
		agency := "/v1/agencies/" + kesra
		a.mustWrite(t, http.MethodPatch, agency, `{"acronym":"Biro Kesra"}`, http.StatusOK)
		p := a.program(t, programBody("noop", `"end_date":"2027-12-31",
"agreements":[{"number":"1/PKS/2025","signed_on":"2025-05-08"},{"number":"2/PKS/2025"}]`))
		prog := "/v1/programs/" + p.ID
		b := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, prog+"/budgets",
			`{"year":2025,"province_code":"64","kind":"planned","amount_idr":5,"source":"apbd"}`, http.StatusCreated))
		v := decode[httpapi.Activity](t, a.mustWrite(t, http.MethodPost, prog+"/activities",
			`{"date":"2023-08-07","kind":"rakor","title":"Rakor","participants":40}`, http.StatusCreated))

		for _, tc := range []struct{ name, target, body string }{
			{"agency acronym", agency, `{"acronym":"Biro Kesra"}`},
			{"agency, every field", agency, `{"name":"Biro Kesra Setda Prov. Kalimantan Timur","acronym":"Biro Kesra","kind":"provincial_bureau","province_code":"64","website":""}`},
			{"program title", prog, `{"title":"Kerja sama noop"}`},
			{"program dates and agreements", prog, `{"start_date":"2025-05-08","end_date":"2027-12-31",
"agreements":[{"number":"1/PKS/2025","signed_on":"2025-05-08"},{"number":"2/PKS/2025"}]}`},
			{"program parties", prog, `{"parties":[{"province_code":"35","role":"partner"},{"province_code":"64","role":"lead"}]}`},
			{"budget amount", prog + "/budgets/" + b.ID, `{"amount_idr":5,"kind":"planned"}`},
			{"activity", prog + "/activities/" + v.ID, `{"participants":40,"date":"2023-08-07"}`},
			{"empty patch", prog, `{}`},
		} {
			etag := a.do(t, request{target: tc.target}).header.Get("ETag")
			before := a.do(t, request{target: tc.target}).body
			entries, cursor := len(a.auditEntries(t, "")), a.feedTail(t)
			res := a.mustWrite(t, http.MethodPatch, tc.target, tc.body, http.StatusOK)
			if got := len(a.auditEntries(t, "")); got != entries {
				t.Errorf("%s: %d audit entries recorded, want none", tc.name, got-entries)
			}
			if got := a.feedSince(t, cursor); len(got) != 0 {
				t.Errorf("%s: change feed has %v, want nothing", tc.name, got)
			}
			if diff := cmp.Diff(string(before), string(res.body)); diff != "" {
				t.Errorf("%s: the answer differs from the resource before (-before +after):\n%s", tc.name, diff)
			}
			if got := a.do(t, request{target: tc.target}).header.Get("ETag"); got != etag || etag == "" {
				t.Errorf("%s: ETag %s, was %s", tc.name, got, etag)
			}
		}

		// A real change records one entry and touches only what changed.
		cursor := a.feedTail(t)
		a.mustWrite(t, http.MethodPatch, prog, `{"title":"Judul baru"}`, http.StatusOK)
		if diff := cmp.Diff([]string{"program " + p.ID}, a.feedSince(t, cursor)); diff != "" {
			t.Errorf("feed after a title change (-want +got):\n%s", diff)
		}
		cursor = a.feedTail(t)
		a.mustWrite(t, http.MethodPatch, prog, `{"agreements":[{"number":"1/PKS/2025","signed_on":"2025-05-08"},{"number":"2/PKS/2025","title":"Adendum"},{"number":"3/PKS/2026"}]}`, http.StatusOK)
		got := a.feedSince(t, cursor)
		slices.Sort(got)
		if diff := cmp.Diff([]string{"program " + p.ID, "program_agreement " + p.ID + "/1", "program_agreement " + p.ID + "/2"}, got); diff != "" {
			t.Errorf("feed after changing one agreement and adding one (-want +got):\n%s", diff)
		}

		// Replacing the parties keeps the ids of those that stay.
		ids := map[string]string{}
		for _, pt := range p.Parties {
			ids[*pt.ProvinceCode+" "+pt.Role] = pt.ID
		}
		cursor = a.feedTail(t)
		after := decode[httpapi.Program](t, a.mustWrite(t, http.MethodPatch, prog,
			`{"parties":[{"province_code":"64","role":"lead"},{"province_code":"35","role":"funder"},{"agency_id":"`+kesra+`","role":"implementer"}]}`, http.StatusOK))
		var kept string
		for _, pt := range after.Parties {
			if id, ok := ids[*pt.ProvinceCode+" "+pt.Role]; ok {
				kept = pt.ID
				if pt.ID != id {
					t.Errorf("party %s %s has a new id %s, was %s", *pt.ProvinceCode, pt.Role, pt.ID, id)
				}
			}
		}
		if kept != ids["64 lead"] {
			t.Errorf("the lead was not kept: %+v", after.Parties)
		}
		for _, c := range a.feedSince(t, cursor) {
			if c == "program_party "+kept {
				t.Errorf("the kept party is in the feed again")
			}
		}
		a.mustWrite(t, http.MethodGet, prog+"/parties", "", http.StatusOK)
	})
}
