package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
)

func TestProgramBudgets(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		kesra := a.agency(t, "Biro Kesra Setda Prov. Kalimantan Timur", "provincial_bureau", "64")
		dpmd := a.agency(t, "Dinas PMD Prov. Jawa Timur", "dinas", "35")
		p := a.program(t, `{"code":"p","title":"T","scope":"inter_provincial","status":"active","start_date":"2025-05-08",
"parties":[{"agency_id":"`+kesra+`","role":"lead"},{"province_code":"35","role":"funder"}]}`)
		path := "/v1/programs/" + p.ID + "/budgets"
		res := a.mustWrite(t, http.MethodPost, path,
			`{"year":2025,"agency_id":"`+kesra+`","kind":"planned","amount_idr":1500000000,"source":"apbd"}`, http.StatusCreated)
		b1 := decode[httpapi.Budget](t, res)
		if loc := res.header.Get("Location"); loc != path+"/"+b1.ID {
			t.Errorf("Location = %q", loc)
		}
		want := httpapi.Budget{ID: b1.ID, Year: 2025, AgencyID: &kesra, PayerName: "Biro Kesra Setda Prov. Kalimantan Timur",
			Kind: "planned", AmountIDR: 1500000000, Source: "apbd", CreatedAt: b1.CreatedAt, UpdatedAt: b1.UpdatedAt}
		if diff := cmp.Diff(want, b1); diff != "" {
			t.Errorf("budget mismatch (-want +got):\n%s", diff)
		}
		b2 := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, path,
			`{"year":2026,"province_code":"35","kind":"planned","amount_idr":999999999999999,"source":"apbn"}`, http.StatusCreated))
		if b2.PayerName != "Jawa Timur" || *b2.ProvinceCode != "35" || b2.AgencyID != nil || b2.AmountIDR != 999999999999999 {
			t.Errorf("province-paid budget: %+v", b2)
		}
		b3 := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, path,
			`{"year":2025,"agency_id":"`+kesra+`","kind":"spent","amount_idr":600000000,"source":"apbd"}`, http.StatusCreated))

		for _, tc := range []struct {
			name, body string
			status     int
			fields     []string
		}{
			{"province not a party (its agency is)", `{"year":2025,"province_code":"64","kind":"planned","amount_idr":1,"source":"apbd"}`, 422, []string{"province_code"}},
			{"agency not a party", `{"year":2025,"agency_id":"` + dpmd + `","kind":"planned","amount_idr":1,"source":"apbd"}`, 422, []string{"agency_id"}},
			{"unknown agency", `{"year":2025,"agency_id":"nope","kind":"planned","amount_idr":1,"source":"apbd"}`, 422, []string{"agency_id"}},
			{"negative amount", `{"year":2025,"province_code":"35","kind":"planned","amount_idr":-1,"source":"apbd"}`, 422, []string{"amount_idr"}},
			{"amount above 10^15", `{"year":2025,"province_code":"35","kind":"planned","amount_idr":1000000000000001,"source":"apbd"}`, 422, []string{"amount_idr"}},
			{"no amount", `{"year":2025,"province_code":"35","kind":"planned","source":"apbd"}`, 422, []string{"amount_idr"}},
			{"fractional amount", `{"year":2025,"province_code":"35","kind":"planned","amount_idr":1.5,"source":"apbd"}`, 400, []string{"amount_idr"}},
			{"amount beyond int64", `{"year":2025,"province_code":"35","kind":"planned","amount_idr":99999999999999999999,"source":"apbd"}`, 400, []string{"amount_idr"}},
			{"amount as text", `{"year":2025,"province_code":"35","kind":"planned","amount_idr":"1000","source":"apbd"}`, 400, []string{"amount_idr"}},
			{"bad kind", `{"year":2025,"province_code":"35","kind":"committed","amount_idr":1,"source":"apbd"}`, 422, []string{"kind"}},
			{"bad source", `{"year":2025,"province_code":"35","kind":"planned","amount_idr":1,"source":"hibah"}`, 422, []string{"source"}},
			{"no year", `{"province_code":"35","kind":"planned","amount_idr":1,"source":"apbd"}`, 422, []string{"year"}},
			{"no payer", `{"year":2025,"kind":"planned","amount_idr":1,"source":"apbd"}`, 422, []string{"province_code"}},
			{"regency as payer", `{"year":2025,"province_code":"3578","kind":"planned","amount_idr":1,"source":"apbd"}`, 422, []string{"province_code"}},
			{"two payers", `{"year":2025,"province_code":"35","agency_id":"` + kesra + `","kind":"planned","amount_idr":1,"source":"apbd"}`, 422, []string{"agency_id"}},
			{"everything wrong", `{"year":1,"province_code":"35","kind":"x","amount_idr":-5,"source":"y"}`, 422, []string{"year", "kind", "source", "amount_idr"}},
		} {
			wantProblem(t, tc.name, a.write(t, http.MethodPost, path, tc.body), tc.status, tc.fields...)
		}

		// A number that is no whole number of rupiah is named so.
		for _, amount := range []string{"1.5", "1e3", "1000.0", "99999999999999999999", `"1000"`} {
			pr := wantProblem(t, "amount "+amount, a.write(t, http.MethodPost, path,
				`{"year":2025,"province_code":"35","kind":"planned","amount_idr":`+amount+`,"source":"apbd"}`), http.StatusBadRequest, "amount_idr")
			if !strings.Contains(pr.Errors[0].Message, "must be a whole number of rupiah") {
				t.Errorf("amount %s: %q", amount, pr.Errors[0].Message)
			}
		}
		wantProblem(t, "patch amount 1e3", a.write(t, http.MethodPatch, path+"/"+b1.ID, `{"amount_idr":1e3}`), http.StatusBadRequest, "amount_idr")

		prog := decode[httpapi.Program](t, a.do(t, request{target: "/v1/programs/" + p.ID}))
		if diff := cmp.Diff(httpapi.BudgetTotals{Planned: 1500000000 + 999999999999999, Spent: 600000000}, prog.BudgetTotals); diff != "" {
			t.Errorf("totals mismatch (-want +got):\n%s", diff)
		}
		ids := func(target string) []string {
			list := decode[httpapi.BudgetList](t, a.do(t, request{target: target}))
			out := []string{}
			for _, b := range list.Data {
				out = append(out, b.ID)
			}
			return out
		}
		for _, tc := range []struct {
			target string
			want   []string
		}{
			{path, []string{b1.ID, b3.ID, b2.ID}},
			{path + "?year=2025", []string{b1.ID, b3.ID}},
			{path + "?year=2025,2026&kind=spent", []string{b3.ID}},
			{path + "?sort=-amount_idr", []string{b2.ID, b1.ID, b3.ID}},
		} {
			if diff := cmp.Diff(tc.want, ids(tc.target)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", tc.target, diff)
			}
		}
		wantProblem(t, "bad year filter", a.do(t, request{target: path + "?year=next"}), http.StatusBadRequest, "year")
		header, rows := readCSV(t, a.do(t, request{target: path + "?format=csv&fields=year,payer_name,amount_idr"}))
		if diff := cmp.Diff([]string{"year", "payer_name", "amount_idr"}, header); diff != "" ||
			fmt.Sprint(rows) != "[[2025 Biro Kesra Setda Prov. Kalimantan Timur 1500000000] [2025 Biro Kesra Setda Prov. Kalimantan Timur 600000000] [2026 Jawa Timur 999999999999999]]" {
			t.Errorf("budget CSV: %v %v", header, rows)
		}

		got := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPatch, path+"/"+b1.ID, `{"kind":"revised","amount_idr":1750000000}`, http.StatusOK))
		if got.Kind != "revised" || got.AmountIDR != 1750000000 || got.Year != 2025 || *got.AgencyID != kesra {
			t.Errorf("patched budget: %+v", got)
		}
		got = decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPatch, path+"/"+b1.ID, `{"province_code":"35"}`, http.StatusOK))
		if got.AgencyID != nil || *got.ProvinceCode != "35" || got.PayerName != "Jawa Timur" {
			t.Errorf("budget with a new payer: %+v", got)
		}
		wantProblem(t, "patch to a non-party", a.write(t, http.MethodPatch, path+"/"+b1.ID, `{"agency_id":"`+dpmd+`"}`),
			http.StatusUnprocessableEntity, "agency_id")
		wantProblem(t, "patch negative", a.write(t, http.MethodPatch, path+"/"+b1.ID, `{"amount_idr":-10}`),
			http.StatusUnprocessableEntity, "amount_idr")
		a.mustWrite(t, http.MethodDelete, path+"/"+b2.ID, "", http.StatusNoContent)
		prog = decode[httpapi.Program](t, a.do(t, request{target: "/v1/programs/" + p.ID}))
		if diff := cmp.Diff(httpapi.BudgetTotals{Revised: 1750000000, Spent: 600000000}, prog.BudgetTotals); diff != "" {
			t.Errorf("totals after changes mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestProgramActivities(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("p", ""))
		path := "/v1/programs/" + p.ID + "/activities"
		res := a.mustWrite(t, http.MethodPost, path, `{"date":"2023-08-07","kind":"rakor","title":"Rapat koordinasi",
"venue":"Swiss-Belhotel Balikpapan","region_code":"6471","summary":"Persiapan kerja sama","participants":40}`, http.StatusCreated)
		rakor := decode[httpapi.Activity](t, res)
		if loc := res.header.Get("Location"); loc != path+"/"+rakor.ID {
			t.Errorf("Location = %q", loc)
		}
		want := httpapi.Activity{ID: rakor.ID, Date: "2023-08-07", Kind: "rakor", Title: "Rapat koordinasi",
			Venue: "Swiss-Belhotel Balikpapan", RegionCode: ptr("64.71"), RegionName: ptr("Kota Balikpapan"),
			Summary: "Persiapan kerja sama", Participants: ptr(40), CreatedAt: rakor.CreatedAt, UpdatedAt: rakor.UpdatedAt}
		if diff := cmp.Diff(want, rakor); diff != "" {
			t.Errorf("activity mismatch (-want +got):\n%s", diff)
		}
		kunker := decode[httpapi.Activity](t, a.mustWrite(t, http.MethodPost, path,
			`{"date":"2023-08-10","kind":"kunjungan_kerja","title":"Kunjungan kerja","venue":"Hotel Swiss-Belinn Tunjungan Surabaya","region_code":"35.78"}`,
			http.StatusCreated))
		if kunker.Participants != nil || *kunker.RegionName != "Kota Surabaya" {
			t.Errorf("second activity: %+v", kunker)
		}
		// Any level of region will do, or none.
		for _, code := range []string{"64", "64.01.01", "35.78.01.1001"} {
			a.mustWrite(t, http.MethodPost, path, `{"date":"2024-01-15","kind":"monitoring","title":"Monitoring","region_code":"`+code+`","participants":0}`, http.StatusCreated)
		}
		online := decode[httpapi.Activity](t, a.mustWrite(t, http.MethodPost, path, `{"date":"2024-02-01","kind":"other","title":"Rapat daring"}`, http.StatusCreated))
		if online.RegionCode != nil || online.RegionName != nil || online.Venue != "" {
			t.Errorf("activity without region: %+v", online)
		}
		for _, tc := range []struct {
			name, body string
			status     int
			fields     []string
		}{
			{"unknown region", `{"date":"2024-01-01","kind":"rakor","title":"T","region_code":"64.99"}`, 422, []string{"region_code"}},
			{"malformed region", `{"date":"2024-01-01","kind":"rakor","title":"T","region_code":"64-71"}`, 422, []string{"region_code"}},
			{"bad kind", `{"date":"2024-01-01","kind":"rapat","title":"T"}`, 422, []string{"kind"}},
			{"bad date", `{"date":"2024-02-30","kind":"rakor","title":"T"}`, 422, []string{"date"}},
			{"date with time", `{"date":"2024-01-01T09:00:00Z","kind":"rakor","title":"T"}`, 422, []string{"date"}},
			{"no date, no title", `{"kind":"rakor"}`, 422, []string{"date", "title"}},
			{"negative participants", `{"date":"2024-01-01","kind":"rakor","title":"T","participants":-3}`, 422, []string{"participants"}},
			{"participants above the maximum", `{"date":"2024-01-01","kind":"rakor","title":"T","participants":1000001}`, 422, []string{"participants"}},
			{"participants beyond int4", `{"date":"2024-01-01","kind":"rakor","title":"T","participants":2147483648}`, 422, []string{"participants"}},
			{"fractional participants", `{"date":"2024-01-01","kind":"rakor","title":"T","participants":2.5}`, 400, []string{"participants"}},
		} {
			wantProblem(t, tc.name, a.write(t, http.MethodPost, path, tc.body), tc.status, tc.fields...)
		}
		list := decode[httpapi.ActivityList](t, a.do(t, request{target: path + "?kind=rakor,kunjungan_kerja&sort=-date"}))
		if len(list.Data) != 2 || list.Data[0].ID != kunker.ID || list.Data[1].ID != rakor.ID || list.Page.Total != 2 {
			t.Errorf("activity list: %+v", list)
		}
		if total := decode[httpapi.ActivityList](t, a.do(t, request{target: path})).Page.Total; total != 6 {
			t.Errorf("activities: %d, want 6", total)
		}
		header, rows := readCSV(t, a.do(t, request{target: path + "?format=csv&fields=date,kind,region_code,participants&limit=2"}))
		if fmt.Sprint(header, rows) != "[date kind region_code participants] [[2023-08-07 rakor 64.71 40] [2023-08-10 kunjungan_kerja 35.78 ]]" {
			t.Errorf("activity CSV: %v %v", header, rows)
		}
		got := decode[httpapi.Activity](t, a.mustWrite(t, http.MethodPatch, path+"/"+rakor.ID, `{"region_code":"","participants":45,"venue":""}`, http.StatusOK))
		if got.RegionCode != nil || got.Venue != "" || *got.Participants != 45 || got.Title != "Rapat koordinasi" {
			t.Errorf("patched activity: %+v", got)
		}
		// null clears a nullable field; absent leaves it.
		got = decode[httpapi.Activity](t, a.mustWrite(t, http.MethodPatch, path+"/"+kunker.ID, `{"title":"Kunjungan kerja ke Surabaya"}`, http.StatusOK))
		if got.RegionCode == nil || *got.RegionCode != "35.78" {
			t.Errorf("an absent region_code changed: %+v", got)
		}
		a.mustWrite(t, http.MethodPatch, path+"/"+kunker.ID, `{"participants":25}`, http.StatusOK)
		got = decode[httpapi.Activity](t, a.mustWrite(t, http.MethodPatch, path+"/"+kunker.ID, `{"participants":null,"region_code":null}`, http.StatusOK))
		if got.Participants != nil || got.RegionCode != nil || got.RegionName != nil {
			t.Errorf("null did not clear participants and region_code: %+v", got)
		}
		wantProblem(t, "patch fractional participants", a.write(t, http.MethodPatch, path+"/"+kunker.ID, `{"participants":2.5}`),
			http.StatusBadRequest, "participants")
		wantProblem(t, "patch participants as text", a.write(t, http.MethodPatch, path+"/"+kunker.ID, `{"participants":"25"}`),
			http.StatusBadRequest, "participants")
		wantProblem(t, "patch participants beyond int4", a.write(t, http.MethodPatch, path+"/"+rakor.ID, `{"participants":3000000000}`),
			http.StatusUnprocessableEntity, "participants")
		a.mustWrite(t, http.MethodPost, path, `{"date":"2024-01-01","kind":"sosialisasi","title":"Sosialisasi daring","participants":1000000}`, http.StatusCreated)
		wantProblem(t, "patch bad date", a.write(t, http.MethodPatch, path+"/"+rakor.ID, `{"date":"07-08-2023"}`), http.StatusUnprocessableEntity, "date")
		wantProblem(t, "patch unknown region", a.write(t, http.MethodPatch, path+"/"+rakor.ID, `{"region_code":"99"}`), http.StatusUnprocessableEntity, "region_code")
		a.mustWrite(t, http.MethodDelete, path+"/"+online.ID, "", http.StatusNoContent)
		wantProblem(t, "delete again", a.write(t, http.MethodDelete, path+"/"+online.ID, ""), http.StatusNotFound)
	})
}

// targetCodes lists the village codes of a target list.
func targetCodes(t *testing.T, a *progAPI, target string) []string {
	t.Helper()
	list := decode[httpapi.TargetVillageList](t, a.do(t, request{target: target}))
	out := []string{}
	for _, v := range list.Data {
		out = append(out, v.VillageCode)
	}
	return out
}

func TestProgramTargets(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("p", ""))
		path := "/v1/programs/" + p.ID + "/villages"
		rep := decode[httpapi.TargetReport](t, a.mustWrite(t, http.MethodPost, path,
			`{"codes":["6401012001","64.01.01.2003","64.01.01.2005","6401012001"],"target_year":2026}`, http.StatusOK))
		if diff := cmp.Diff(httpapi.TargetReport{Requested: 3, Added: 3, WithoutBaseline: 1, Total: 3}, rep); diff != "" {
			t.Errorf("report mismatch (-want +got):\n%s", diff)
		}
		list := decode[httpapi.TargetVillageList](t, a.do(t, request{target: path}))
		village := func(code, name string) httpapi.TargetVillage {
			return httpapi.TargetVillage{VillageCode: code, VillageName: name, VillageType: "desa", DistrictCode: code[:8],
				RegencyCode: code[:5], ProvinceCode: code[:2], BaselineYear: 2021, TargetYear: ptr(2026)}
		}
		t1 := village("64.01.01.2001", "Desa T1")
		t1.BaselineScore, t1.BaselineStatus, t1.TargetStatus = dec("0.5500"), ptr("tertinggal"), ptr("berkembang")
		t1.CurrentYear, t1.CurrentScore, t1.CurrentStatus = ptr(2023), dec("0.6200"), ptr("berkembang")
		t3 := village("64.01.01.2003", "Desa T3")
		t3.BaselineScore, t3.BaselineStatus, t3.TargetStatus = dec("0.4500"), ptr("sangat_tertinggal"), ptr("tertinggal")
		t3.CurrentYear, t3.CurrentScore, t3.CurrentStatus = ptr(2023), dec("0.5200"), ptr("tertinggal")
		t5 := village("64.01.01.2005", "Desa T5") // no baseline score: no default target
		t5.CurrentYear, t5.CurrentScore, t5.CurrentStatus = ptr(2023), dec("0.6500"), ptr("berkembang")
		for i := range list.Data {
			list.Data[i].AddedAt = t1.AddedAt
		}
		if diff := cmp.Diff([]httpapi.TargetVillage{t1, t3, t5}, list.Data); diff != "" {
			t.Errorf("targets mismatch (-want +got):\n%s", diff)
		}

		// Again, with one more: those already targeted stay as they were.
		rep = decode[httpapi.TargetReport](t, a.mustWrite(t, http.MethodPost, path,
			`{"codes":["64.01.01.2001","64.01.01.2004"],"target_status":"maju"}`, http.StatusOK))
		if diff := cmp.Diff(httpapi.TargetReport{Requested: 2, Added: 1, AlreadyTargeted: 1, Total: 4}, rep); diff != "" {
			t.Errorf("second report mismatch (-want +got):\n%s", diff)
		}
		list = decode[httpapi.TargetVillageList](t, a.do(t, request{target: path + "?baseline_status=tertinggal&sort=-baseline_score"}))
		if len(list.Data) != 2 || list.Data[0].VillageCode != "64.01.01.2004" || *list.Data[0].TargetStatus != "maju" ||
			*list.Data[0].CurrentYear != 2021 || *list.Data[1].TargetStatus != "berkembang" {
			t.Errorf("targets by baseline status: %+v", list.Data)
		}
		if got := targetCodes(t, a, path+"?sort=-current_score"); fmt.Sprint(got) != "[64.01.01.2005 64.01.01.2001 64.01.01.2004 64.01.01.2003]" {
			t.Errorf("by current score: %v", got)
		}
		header, rows := readCSV(t, a.do(t, request{target: path + "?format=csv&fields=village_code,baseline_status,current_status&limit=2"}))
		if fmt.Sprint(header, rows) != "[village_code baseline_status current_status] [[64.01.01.2001 tertinggal berkembang] [64.01.01.2003 sangat_tertinggal tertinggal]]" {
			t.Errorf("targets CSV: %v %v", header, rows)
		}

		// Bad codes are named, each one.
		pr := wantProblem(t, "bad codes", a.write(t, http.MethodPost, path, `{"codes":["64.01.01.2002","35.78.01.1001","64.01.01.2999","64.01"]}`),
			http.StatusUnprocessableEntity, "codes[1]", "codes[2]", "codes[3]")
		for i, code := range []string{"35.78.01.1001", "64.01.01.2999", "64.01"} {
			if !strings.Contains(pr.Errors[i].Message, code) {
				t.Errorf("error %d does not name %s: %s", i, code, pr.Errors[i].Message)
			}
		}
		if !strings.Contains(pr.Errors[0].Message, "kelurahan") {
			t.Errorf("kelurahan error: %s", pr.Errors[0].Message)
		}
		if n := len(targetCodes(t, a, path)); n != 4 {
			t.Errorf("a rejected request added targets: %d", n)
		}
		wantProblem(t, "unknown baseline_status filter", a.do(t, request{target: path + "?baseline_status=tertinggal,bogus"}),
			http.StatusBadRequest, "baseline_status")
		for _, tc := range []struct {
			name, body string
			fields     []string
		}{
			{"codes and filter", `{"codes":["64.01.01.2002"],"filter":{"province":"64"}}`, []string{"codes"}},
			{"neither", `{}`, []string{"codes"}},
			{"empty codes", `{"codes":[]}`, []string{"codes"}},
			{"bad target status", `{"codes":["64.01.01.2002"],"target_status":"makmur"}`, []string{"target_status"}},
			// T2 was tertinggal in 2021, C4 berkembang: a target is above the baseline.
			{"target below the baseline", `{"codes":["64.01.01.2002"],"target_status":"sangat_tertinggal"}`, []string{"target_status"}},
			{"target at the baseline", `{"codes":["64.01.01.2002"],"target_status":"tertinggal"}`, []string{"target_status"}},
			{"target at one village's baseline", `{"codes":["64.01.01.2002","64.01.02.2004"],"target_status":"berkembang"}`, []string{"target_status"}},
			{"filter with a target below", `{"filter":{"district":"64.01.02"},"target_status":"tertinggal"}`, []string{"target_status"}},
			{"target year before baseline", `{"codes":["64.01.01.2002"],"target_year":2021}`, []string{"target_year"}},
			{"filter without area", `{"filter":{"status":["tertinggal"]}}`, []string{"filter"}},
			{"filter unknown province", `{"filter":{"province":"99"}}`, []string{"filter.province"}},
			{"filter regency as province", `{"filter":{"province":"64.01"}}`, []string{"filter.province"}},
			{"filter bad status", `{"filter":{"province":"64","status":["miskin"]}}`, []string{"filter.status"}},
			{"filter bad year", `{"filter":{"province":"64","year":2030}}`, []string{"filter.year"}},
			{"filter bad framework", `{"filter":{"province":"64","framework":"sdgs"}}`, []string{"filter.framework"}},
		} {
			wantProblem(t, tc.name, a.write(t, http.MethodPost, path, tc.body), http.StatusUnprocessableEntity, tc.fields...)
		}

		// Targets fix the baseline: framework and baseline year stay.
		wantProblem(t, "move the baseline", a.write(t, http.MethodPatch, "/v1/programs/"+p.ID, `{"baseline_year":2022}`),
			http.StatusConflict, "baseline_year")
		wantProblem(t, "change the framework", a.write(t, http.MethodPatch, "/v1/programs/"+p.ID, `{"framework":"ipd"}`),
			http.StatusConflict, "framework")

		a.mustWrite(t, http.MethodDelete, path+"/6401012005", "", http.StatusNoContent)
		wantProblem(t, "remove again", a.write(t, http.MethodDelete, path+"/64.01.01.2005", ""), http.StatusNotFound)
		wantProblem(t, "remove a malformed code", a.write(t, http.MethodDelete, path+"/64.01", ""), http.StatusBadRequest, "code")
		if got := targetCodes(t, a, path+"?regency=6401"); fmt.Sprint(got) != "[64.01.01.2001 64.01.01.2003 64.01.01.2004]" {
			t.Errorf("targets after removal: %v", got)
		}

		// Without a baseline year there are no targets.
		nb := a.program(t, `{"code":"no-baseline","title":"T","scope":"provincial","status":"planned","start_date":"2025-01-01",
"parties":[{"province_code":"64","role":"lead"}]}`)
		wantProblem(t, "no baseline year", a.write(t, http.MethodPost, "/v1/programs/"+nb.ID+"/villages", `{"codes":["64.01.01.2001"]}`),
			http.StatusUnprocessableEntity, "baseline_year")
		a.mustWrite(t, http.MethodPatch, "/v1/programs/"+nb.ID, `{"baseline_year":2023}`, http.StatusOK)
		a.mustWrite(t, http.MethodPost, "/v1/programs/"+nb.ID+"/villages", `{"codes":["64.01.01.2001"]}`, http.StatusOK)
	})
}

func TestProgramTargetsByFilter(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		for i, tc := range []struct {
			name, filter string
			want         []string
			without      int
		}{
			{"province, baseline statuses", `{"province":"64","status":["tertinggal","sangat_tertinggal"]}`,
				[]string{"64.01.01.2001", "64.01.01.2002", "64.01.01.2003", "64.01.01.2004", "64.01.02.2001", "64.01.02.2002", "64.01.02.2003", "64.01.02.2005"}, 0},
			{"district, any status (desa only, with or without a score)", `{"regency":"6401","district":"64.01.01"}`,
				[]string{"64.01.01.2001", "64.01.01.2002", "64.01.01.2003", "64.01.01.2004", "64.01.01.2005", "64.01.01.2009", "64.01.01.2010"}, 3},
			{"status in another year", `{"province":"64","year":2023,"status":["berkembang"]}`,
				[]string{"64.01.01.2001", "64.01.01.2005", "64.01.02.2003"}, 1},
			{"kelurahan are left out", `{"regency":"35.78"}`, []string{}, 0},
			{"desa adat count", `{"province":"91","status":["tertinggal"]}`, []string{"91.03.01.3007"}, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := a.program(t, programBody(fmt.Sprintf("f%d", i), ""))
				path := "/v1/programs/" + p.ID + "/villages"
				rep := decode[httpapi.TargetReport](t, a.mustWrite(t, http.MethodPost, path, `{"filter":`+tc.filter+`}`, http.StatusOK))
				want := httpapi.TargetReport{Requested: len(tc.want), Added: len(tc.want), WithoutBaseline: tc.without, Total: len(tc.want)}
				if diff := cmp.Diff(want, rep); diff != "" {
					t.Errorf("report mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tc.want, targetCodes(t, a, path+"?limit=1000")); diff != "" {
					t.Errorf("targets mismatch (-want +got):\n%s", diff)
				}
				// Baselines are recorded at the program's baseline year (2021).
				for _, v := range decode[httpapi.TargetVillageList](t, a.do(t, request{target: path + "?limit=1000"})).Data {
					if v.BaselineYear != 2021 {
						t.Errorf("%s: baseline year %d", v.VillageCode, v.BaselineYear)
					}
					if v.VillageCode == "64.01.01.2002" && (*v.BaselineStatus != "tertinggal" || v.BaselineScore.String() != "0.5600") {
						t.Errorf("T2 baseline: %v %v", *v.BaselineStatus, v.BaselineScore)
					}
				}
			})
		}
	})
}

func TestProgramOutcome(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("p", ""))
		path := "/v1/programs/" + p.ID
		empty := decode[httpapi.Outcome](t, a.do(t, request{target: path + "/outcomes?year=2023"}))
		if empty.Targets.N != 0 || empty.Comparison.N != 0 || empty.Difference.ShareMovedUp != nil || empty.Targets.MeanScoreChange != nil {
			t.Errorf("outcome without targets: %+v", empty)
		}
		a.mustWrite(t, http.MethodPost, path+"/villages",
			`{"codes":["64.01.01.2001","64.01.01.2002","64.01.01.2003","64.01.01.2004","64.01.01.2005"]}`, http.StatusOK)
		a.mustWrite(t, http.MethodPost, path+"/villages", `{"codes":["35.15.01.2001"],"target_status":"mandiri"}`, http.StatusOK)

		// Worked out by hand from outcomeScores (see the table there):
		// targets T1…T6; comparison C1 C2 C3 C5 (64.01: tertinggal or
		// sangat_tertinggal, as targets there) and C6 (35.15: berkembang,
		// as T6); not C4 (berkembang in 64.01), C7 (tertinggal in 35.15),
		// D (91.03 has no targets), 64.01.01.2009/2010 (no scores).
		counts := func(st, t, b, m, md int) map[string]int {
			return map[string]int{"sangat_tertinggal": st, "tertinggal": t, "berkembang": b, "maju": m, "mandiri": md}
		}
		want := httpapi.Outcome{ProgramID: p.ID, Framework: "idm", BaselineYear: ptr(2021), Year: 2023,
			Targets: httpapi.OutcomeGroup{N: 6, Compared: 4, Missing: 2, MissingBaseline: 1, MissingYear: 1,
				BaselineStatus: counts(1, 3, 1, 0, 0), YearStatus: counts(0, 2, 2, 1, 0),
				MovedUp: 3, Unchanged: 1, MovedDown: 0, ReachedTarget: 2, // T1, T3; T6 reached maju, not mandiri
				ShareMovedUp: dec("0.7500"), MeanScoreChange: dec("0.0550"), ScoreCompared: 4},
			Comparison: httpapi.OutcomeGroup{N: 5, Compared: 4, Missing: 1, MissingBaseline: 0, MissingYear: 1,
				BaselineStatus: counts(1, 3, 1, 0, 0), YearStatus: counts(1, 1, 2, 0, 0),
				MovedUp: 1, Unchanged: 2, MovedDown: 1, ReachedTarget: 1,
				ShareMovedUp: dec("0.2500"), MeanScoreChange: dec("0.0325"), ScoreCompared: 4},
			Difference: httpapi.OutcomeDifference{ShareMovedUp: dec("0.5000"), MeanScoreChange: dec("0.0225"), NTargets: 4, NComparison: 4},
		}
		got := decode[httpapi.Outcome](t, a.do(t, request{target: path + "/outcomes?year=2023"}))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outcome mismatch (-want +got):\n%s", diff)
		}

		header, rows := readCSV(t, a.do(t, request{target: path + "/outcomes?year=2023&format=csv"}))
		wantHeader := []string{"group", "n", "compared", "missing", "missing_baseline", "missing_year", "baseline_status",
			"year_status", "moved_up", "unchanged", "moved_down", "reached_target", "share_moved_up", "mean_score_change",
			"score_compared", "n_targets", "n_comparison"}
		if diff := cmp.Diff(wantHeader, header); diff != "" {
			t.Errorf("CSV header mismatch (-want +got):\n%s", diff)
		}
		wantRows := [][]string{
			{"targets", "6", "4", "2", "1", "1", `{"berkembang":1,"maju":0,"mandiri":0,"sangat_tertinggal":1,"tertinggal":3}`,
				`{"berkembang":2,"maju":1,"mandiri":0,"sangat_tertinggal":0,"tertinggal":2}`, "3", "1", "0", "2", "0.7500", "0.0550", "4", "", ""},
			{"comparison", "5", "4", "1", "0", "1", `{"berkembang":1,"maju":0,"mandiri":0,"sangat_tertinggal":1,"tertinggal":3}`,
				`{"berkembang":2,"maju":0,"mandiri":0,"sangat_tertinggal":1,"tertinggal":1}`, "1", "2", "1", "1", "0.2500", "0.0325", "4", "", ""},
			{"difference", "", "", "", "", "", "", "", "", "", "", "", "0.5000", "0.0225", "", "4", "4"},
		}
		if diff := cmp.Diff(wantRows, rows); diff != "" {
			t.Errorf("CSV rows mismatch (-want +got):\n%s", diff)
		}
		// Compared with the baseline year itself nothing moved.
		same := decode[httpapi.Outcome](t, a.do(t, request{target: path + "/outcomes?year=2021"}))
		if same.Targets.Unchanged != 5 || same.Targets.MovedUp != 0 || same.Targets.Missing != 1 || same.Targets.MeanScoreChange.String() != "0.0000" {
			t.Errorf("outcome at the baseline year: %+v", same.Targets)
		}
		for _, tc := range []string{"", "?year=", "?year=abc", "?year=2030", "?year=2014", "?year=2023&format=xml"} {
			field := "year"
			if strings.Contains(tc, "xml") {
				field = "format"
			}
			wantProblem(t, "outcomes"+tc, a.do(t, request{target: path + "/outcomes" + tc}), http.StatusBadRequest, field)
		}
	})
}

// TestProgramDelete deletes a program with every kind of part: all go, in
// one transaction, and what they referred to is free again.
func TestProgramDelete(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		kesra := a.agency(t, "Biro Kesra Setda Prov. Kalimantan Timur", "provincial_bureau", "64")
		full := func(code string) httpapi.Program {
			p := a.program(t, `{"code":"`+code+`","title":"T","scope":"inter_provincial","status":"active","start_date":"2025-05-08",
"baseline_year":2021,"agreements":[{"number":"1/PKS/2025"}],
"parties":[{"agency_id":"`+kesra+`","role":"lead"},{"province_code":"35","role":"partner"}]}`)
			a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/budgets", `{"year":2025,"agency_id":"`+kesra+`","kind":"planned","amount_idr":5,"source":"apbd"}`, http.StatusCreated)
			a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/activities", `{"date":"2025-06-01","kind":"pelatihan","title":"T","region_code":"64.71"}`, http.StatusCreated)
			a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/villages", `{"codes":["64.01.01.2001"]}`, http.StatusOK)
			return p
		}
		count := func(table string) int {
			var n int
			if err := a.store.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		tables := []string{"programs", "program_agreements", "program_parties", "program_budgets", "program_activities", "program_targets"}
		counts := func() []int {
			out := make([]int, len(tables))
			for i, tb := range tables {
				out[i] = count(tb)
			}
			return out
		}
		p := full("p")
		keep := full("keep")
		if diff := cmp.Diff([]int{2, 2, 4, 2, 2, 2}, counts()); diff != "" {
			t.Fatalf("rows before delete (-want +got):\n%s", diff)
		}
		a.mustWrite(t, http.MethodDelete, "/v1/programs/"+p.ID, "", http.StatusNoContent)
		if diff := cmp.Diff([]int{1, 1, 2, 1, 1, 1}, counts()); diff != "" {
			t.Errorf("rows after delete (-want +got):\n%s", diff)
		}
		// The delete's one audit entry records everything that went with it.
		es := a.auditEntries(t, "entity=program&entity_id="+p.ID)
		if len(es) == 0 || es[0].Action != "delete" {
			t.Fatalf("audit entries of the deleted program: %d, the latest not a delete", len(es))
		}
		var gone map[string]any
		if err := json.Unmarshal(es[0].Before, &gone); err != nil {
			t.Fatal(err)
		}
		for part, n := range map[string]int{"agreements": 1, "parties": 2, "budgets": 1, "activities": 1, "targets": 1} {
			if rows, _ := gone[part].([]any); len(rows) != n {
				t.Errorf("the delete's before has %d %s, want %d: %s", len(rows), part, n, es[0].Before)
			}
		}
		if budget, _ := gone["budgets"].([]any); len(budget) == 1 && budget[0].(map[string]any)["amount_idr"] != float64(5) {
			t.Errorf("the deleted budget line: %v", budget[0])
		}
		if target, _ := gone["targets"].([]any); len(target) == 1 && target[0].(map[string]any)["village_code"] != "64.01.01.2001" {
			t.Errorf("the deleted target: %v", target[0])
		}
		for _, part := range []string{"", "/parties", "/budgets", "/activities", "/villages", "/outcomes?year=2023"} {
			wantProblem(t, "deleted program"+part, a.do(t, request{target: "/v1/programs/" + p.ID + part}), http.StatusNotFound)
		}
		wantProblem(t, "delete again", a.write(t, http.MethodDelete, "/v1/programs/"+p.ID, ""), http.StatusNotFound)
		a.program(t, programBody("p", "")) // the code is free again

		// The schema cascades on its own as well.
		if _, err := a.store.SQL().Exec("DELETE FROM programs WHERE id = "+placeholder(a), keep.ID); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{1, 0, 2, 0, 0, 0}, counts()); diff != "" {
			t.Errorf("rows after a plain DELETE (-want +got):\n%s", diff)
		}
		a.mustWrite(t, http.MethodDelete, "/v1/programs/"+decode[httpapi.ProgramList](t, a.do(t, request{target: "/v1/programs"})).Data[0].ID, "", http.StatusNoContent)
		a.mustWrite(t, http.MethodDelete, "/v1/agencies/"+kesra, "", http.StatusNoContent) // no longer referenced
	})
}

// placeholder is the first bind parameter of the store's SQL dialect.
func placeholder(a *progAPI) string {
	if a.store.Dialect() == "postgres" {
		return "$1"
	}
	return "?"
}
