package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// replay reads the change feed from the start, page by page, into a copy:
// entity → id → state, tombstones deleting.
func replay(t *testing.T, a *api, pageSize int) map[string]map[string]map[string]any {
	t.Helper()
	copy := map[string]map[string]map[string]any{}
	cursor, last := "0", int64(0)
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("the feed does not end")
		}
		target := fmt.Sprintf("/v1/changes?since=%s&limit=%d", cursor, pageSize)
		res := a.do(t, request{target: target})
		wantStatus(t, target, res, http.StatusOK)
		page := decode[httpapi.ChangeList](t, res)
		for _, c := range page.Data {
			if c.Seq <= last {
				t.Fatalf("seq %d after %d: not ordered", c.Seq, last)
			}
			last = c.Seq
			if copy[c.Entity] == nil {
				copy[c.Entity] = map[string]map[string]any{}
			}
			if c.Deleted {
				if c.State != nil && string(c.State) != "null" {
					t.Errorf("tombstone %s %s carries a state", c.Entity, c.EntityID)
				}
				delete(copy[c.Entity], c.EntityID)
				continue
			}
			var st map[string]any
			if err := json.Unmarshal(c.State, &st); err != nil {
				t.Fatalf("state of %s %s: %v", c.Entity, c.EntityID, err)
			}
			copy[c.Entity][c.EntityID] = st
		}
		if !page.HasMore {
			if page.NextCursor != strconv.FormatInt(max(last, mustInt(t, cursor)), 10) {
				t.Errorf("next_cursor %s, want %d", page.NextCursor, last)
			}
			return copy
		}
		cursor = page.NextCursor
	}
}

func mustInt(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// currentState reads, through the API, what the feed's copy must equal:
// entity → id → a few fields.
func currentState(t *testing.T, a *progAPI) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{"region": {}, "score": {}, "program": {}, "program_budget": {}, "program_activity": {}, "indicator_value": {}}
	for _, level := range []string{"provinces", "regencies", "districts", "villages"} {
		res := a.do(t, request{target: "/v1/" + level + "?limit=1000&fields=code,name"})
		wantStatus(t, level, res, http.StatusOK)
		var regions struct{ Data []struct{ Code, Name string } }
		if err := json.Unmarshal(res.body, &regions); err != nil {
			t.Fatal(err)
		}
		for _, r := range regions.Data {
			out["region"][r.Code] = r.Name
			if level != "villages" {
				continue
			}
			res := a.do(t, request{target: "/v1/villages/" + r.Code + "/scores"})
			wantStatus(t, "scores of "+r.Code, res, http.StatusOK)
			var scores struct {
				Data []struct {
					Framework string
					Year      int
					Score     json.Number
				}
			}
			if err := json.Unmarshal(res.body, &scores); err != nil {
				t.Fatal(err)
			}
			for _, s := range scores.Data {
				f, _ := s.Score.Float64()
				out["score"][fmt.Sprintf("%s/%s/%d", r.Code, s.Framework, s.Year)] = strconv.FormatFloat(f, 'f', 4, 64)
			}
			res = a.do(t, request{target: "/v1/regions/" + r.Code + "/indicators"})
			wantStatus(t, "values of "+r.Code, res, http.StatusOK)
			var values struct {
				Data []struct {
					Indicator string `json:"indicator_code"`
					Year      int
					Value     json.Number
				}
			}
			if err := json.Unmarshal(res.body, &values); err != nil {
				t.Fatal(err)
			}
			for _, v := range values.Data {
				f, _ := v.Value.Float64()
				out["indicator_value"][fmt.Sprintf("%s/%s/%d", r.Code, v.Indicator, v.Year)] = strconv.FormatFloat(f, 'f', 4, 64)
			}
		}
	}
	res := a.do(t, request{target: "/v1/programs?limit=1000"})
	for _, p := range decode[httpapi.ProgramList](t, res).Data {
		out["program"][p.ID] = p.Title
		for _, b := range decode[httpapi.BudgetList](t, a.do(t, request{target: "/v1/programs/" + p.ID + "/budgets?limit=1000"})).Data {
			out["program_budget"][b.ID] = strconv.FormatInt(b.AmountIDR, 10)
		}
		for _, ac := range decode[httpapi.ActivityList](t, a.do(t, request{target: "/v1/programs/" + p.ID + "/activities?limit=1000"})).Data {
			out["program_activity"][ac.ID] = ac.Title
		}
	}
	return out
}

// feedState reduces the replayed copy to the fields currentState reads.
func feedState(copy map[string]map[string]map[string]any) map[string]map[string]string {
	field := map[string]string{"region": "name", "score": "score", "program": "title", "program_budget": "amount_idr",
		"program_activity": "title", "indicator_value": "value"}
	out := map[string]map[string]string{}
	for entity, f := range field {
		out[entity] = map[string]string{}
		for id, st := range copy[entity] {
			v := fmt.Sprint(st[f])
			if entity == "score" || entity == "indicator_value" { // a decimal, as text or a number
				x, _ := strconv.ParseFloat(v, 64)
				v = strconv.FormatFloat(x, 'f', 4, 64)
			}
			out[entity][id] = v
		}
	}
	return out
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestChangeFeedReplay(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		// Writes of every kind, updates and deletions among them.
		w := func(method, target, body string, status int) {
			t.Helper()
			wantStatus(t, method+" "+target, a.do(t, request{method: method, target: target, body: body, key: a.admin}), status)
		}
		w(http.MethodPost, "/v1/villages", `{"code":"64.01.01.2099","name":"Desa Sementara"}`, http.StatusCreated)
		w(http.MethodPatch, "/v1/villages/64.01.01.2099", `{"name":"Desa Baru"}`, http.StatusOK)
		w(http.MethodPut, "/v1/villages/64.01.01.2099/scores/idm/2024", `{"score":0.55}`, http.StatusCreated)
		w(http.MethodPut, "/v1/villages/64.01.01.2010/scores/idm/2024", `{"score":0.70}`, http.StatusCreated)
		w(http.MethodPut, "/v1/villages/64.01.01.2010/scores/idm/2024", `{"score":0.72}`, http.StatusOK)
		w(http.MethodPost, "/v1/indicators", `{"code":"akses_air","name_id":"Akses air","name_en":"Water access","unit":"percent"}`, http.StatusCreated)
		w(http.MethodPut, "/v1/regions/64.01.01.2010/indicators/akses_air/2024", `{"value":40}`, http.StatusCreated)
		w(http.MethodPut, "/v1/regions/64.01.01.2010/indicators/akses_air/2024", `{"value":45.5}`, http.StatusOK)
		w(http.MethodPost, "/v1/villages", `{"code":"64.01.01.2098","name":"Desa Hilang"}`, http.StatusCreated)
		w(http.MethodDelete, "/v1/villages/64.01.01.2098", "", http.StatusNoContent)
		p := a.program(t, programBody("ks-feed", ""))
		b1 := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/budgets",
			`{"year":2025,"province_code":"64","kind":"planned","amount_idr":5,"source":"apbd"}`, http.StatusCreated))
		b2 := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/budgets",
			`{"year":2025,"province_code":"35","kind":"planned","amount_idr":7,"source":"apbd"}`, http.StatusCreated))
		a.mustWrite(t, http.MethodPatch, "/v1/programs/"+p.ID+"/budgets/"+b1.ID, `{"amount_idr":6}`, http.StatusOK)
		a.mustWrite(t, http.MethodDelete, "/v1/programs/"+p.ID+"/budgets/"+b2.ID, "", http.StatusNoContent)
		ac := decode[httpapi.Activity](t, a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/activities",
			`{"date":"2023-08-07","kind":"rakor","title":"Rakor Balikpapan"}`, http.StatusCreated))
		a.mustWrite(t, http.MethodPatch, "/v1/programs/"+p.ID+"/activities/"+ac.ID, `{"title":"Rakor di Balikpapan"}`, http.StatusOK)
		gone := a.program(t, programBody("ks-gone", ""))
		a.mustWrite(t, http.MethodDelete, "/v1/programs/"+gone.ID, "", http.StatusNoContent)
		// A bulk import, updating some scores and adding others.
		res := a.importScores(t, "&code_edition=2025", "text/csv",
			"village_code,year,score\n64.01.01.2001,2021,0.60\n35.15.01.2001,2024,0.61\n64.01.01.2099,2024,0.56\n")
		wantStatus(t, "import", res, http.StatusCreated)

		want := currentState(t, a)
		if len(want["score"]) < 20 || len(want["program_budget"]) != 1 || len(want["program_activity"]) != 1 || len(want["indicator_value"]) != 1 {
			t.Fatalf("the current state is thinner than the writes made: %d scores, %d budgets, %d activities, %d values",
				len(want["score"]), len(want["program_budget"]), len(want["program_activity"]), len(want["indicator_value"]))
		}
		for _, size := range []int{1, 7, 1000} {
			got := feedState(replay(t, a.api, size))
			for entity := range want {
				if diff := cmp.Diff(want[entity], got[entity]); diff != "" {
					t.Errorf("page size %d: replayed %s mismatch (-current +replayed):\n%s", size, entity, diff)
				}
			}
		}
		copy := replay(t, a.api, 50)
		if _, ok := copy["region"]["64.01.01.2098"]; ok {
			t.Error("the deleted village is in the replayed copy")
		}
		if _, ok := copy["program"][gone.ID]; ok {
			t.Error("the deleted program is in the replayed copy")
		}
		if len(copy["program_party"]) != 2 {
			t.Errorf("replayed parties %v, want the two of KS-FEED", keysOf(copy["program_party"]))
		}

		// Past the end: nothing, and the same cursor.
		res = a.do(t, request{target: "/v1/changes?since=0&limit=1000"})
		all := decode[httpapi.ChangeList](t, res)
		res = a.do(t, request{target: "/v1/changes?since=" + all.NextCursor})
		if end := decode[httpapi.ChangeList](t, res); len(end.Data) != 0 || end.HasMore || end.NextCursor != all.NextCursor {
			t.Errorf("past the end: %+v", end)
		}
		// One entity type; scores, which carry their own sequence numbers,
		// and one kept in the changes table.
		for _, entity := range []string{"program_budget", "score"} {
			res = a.do(t, request{target: "/v1/changes?limit=1000&entity=" + entity})
			n := 0
			for _, c := range decode[httpapi.ChangeList](t, res).Data {
				if c.Entity != entity {
					t.Errorf("entity=%s gave a %s", entity, c.Entity)
				}
				if !c.Deleted {
					n++
				}
			}
			if n != len(want[entity]) {
				t.Errorf("entity=%s: %d live changes, want one per current %s (%d)", entity, n, entity, len(want[entity]))
			}
		}
	})
}

// TestChangeFeedHasMore: has_more says whether another page holds changes,
// also when exactly limit changes remain.
func TestChangeFeedHasMore(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		page := func(since string, limit int) httpapi.ChangeList {
			t.Helper()
			target := fmt.Sprintf("/v1/changes?since=%s&limit=%d", since, limit)
			res := a.do(t, request{target: target})
			wantStatus(t, target, res, http.StatusOK)
			return decode[httpapi.ChangeList](t, res)
		}
		all := page("0", 1000)
		n := len(all.Data)
		if n < 3 || all.HasMore {
			t.Fatalf("the whole feed: %d changes, has_more %v", n, all.HasMore)
		}
		if p := page("0", n); len(p.Data) != n || p.HasMore {
			t.Errorf("limit = the %d changes left: %d changes, has_more %v; want all, false", n, len(p.Data), p.HasMore)
		}
		p := page("0", n-1)
		if len(p.Data) != n-1 || !p.HasMore {
			t.Errorf("limit %d of %d: %d changes, has_more %v; want %d, true", n-1, n, len(p.Data), p.HasMore, n-1)
		}
		if last := page(p.NextCursor, 1); len(last.Data) != 1 || last.HasMore || last.Data[0].Seq != all.Data[n-1].Seq {
			t.Errorf("the last page: %d changes, has_more %v; want the last change (seq %d) and false", len(last.Data), last.HasMore, all.Data[n-1].Seq)
		}
	})
}

func TestChangeFeedBadInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		for _, target := range []string{"/v1/changes?since=-1", "/v1/changes?since=abc", "/v1/changes?limit=0",
			"/v1/changes?limit=1001", "/v1/changes?entity=key"} {
			wantStatus(t, target, a.do(t, request{target: target}), http.StatusBadRequest)
		}
	})
}
