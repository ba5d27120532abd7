package httpapi_test

// Every /v1/stats endpoint on both engines against the stats fixture, with
// each figure worked out by hand from the table in stats_fixture_test.go.
// Running the same expectations on SQLite and PostgreSQL is what shows that
// both engines answer identically.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/indicator"
)

// 2024 distributions, by hand. IDM scores desa only: Sidoarjo has 7 desa,
// Surabaya none (kelurahan), Paser 6 (the empty district holds none).
var (
	dist35    = distRow("35", 7, [5]int{1, 1, 1, 2, 0}, 2, [5]string{"0.1429", "0.1429", "0.1429", "0.2857", "0.0000"})
	dist64    = distRow("64", 6, [5]int{0, 1, 1, 1, 1}, 2, [5]string{"0.0000", "0.1667", "0.1667", "0.1667", "0.1667"})
	distTotal = distRow("total", 13, [5]int{1, 2, 2, 3, 1}, 4, [5]string{"0.0769", "0.1538", "0.1538", "0.2308", "0.0769"})

	dist3515 = distRow("35.15", 7, [5]int{1, 1, 1, 2, 0}, 2, [5]string{"0.1429", "0.1429", "0.1429", "0.2857", "0.0000"})
	dist3578 = distRow("35.78", 0, [5]int{}, 0, zeroShares)
	dist6401 = distRow("64.01", 6, [5]int{0, 1, 1, 1, 1}, 2, [5]string{"0.0000", "0.1667", "0.1667", "0.1667", "0.1667"})

	dist351501 = distRow("35.15.01", 4, [5]int{0, 0, 1, 2, 0}, 1, [5]string{"0.0000", "0.0000", "0.2500", "0.5000", "0.0000"})
	dist351502 = distRow("35.15.02", 3, [5]int{1, 1, 0, 0, 0}, 1, [5]string{"0.3333", "0.3333", "0.0000", "0.0000", "0.0000"})
	dist357801 = distRow("35.78.01", 0, [5]int{}, 0, zeroShares)
	dist640101 = distRow("64.01.01", 3, [5]int{0, 0, 1, 1, 1}, 0, [5]string{"0.0000", "0.0000", "0.3333", "0.3333", "0.3333"})
	dist640102 = distRow("64.01.02", 0, [5]int{}, 0, zeroShares)
	dist640103 = distRow("64.01.03", 3, [5]int{0, 1, 0, 0, 0}, 2, [5]string{"0.0000", "0.3333", "0.0000", "0.0000", "0.0000"})
)

func distDoc(year int, level, parent string, total string, rows ...string) string {
	p := "null"
	if parent != "" {
		p = fmt.Sprintf("%q", parent)
	}
	return fmt.Sprintf(`{"framework":"idm","year":%d,"level":%q,"parent":%s,"data":[%s],"total":%s}`,
		year, level, p, strings.Join(rows, ","), total)
}

func TestStatsStatusDistribution(t *testing.T) {
	tests := []struct {
		target string
		want   string
	}{
		{"/v1/stats/status-distribution", distDoc(2024, "province", "", distTotal, dist35, dist64)},
		{"/v1/stats/status-distribution?level=province&year=2024&framework=idm", distDoc(2024, "province", "", distTotal, dist35, dist64)},
		{"/v1/stats/status-distribution?level=regency", distDoc(2024, "regency", "", distTotal, dist3515, dist3578, dist6401)},
		{"/v1/stats/status-distribution?level=district", distDoc(2024, "district", "", distTotal,
			dist351501, dist351502, dist357801, dist640101, dist640102, dist640103)},
		// A parent of each level above the grouping level, dotted or not.
		{"/v1/stats/status-distribution?level=regency&parent=35", distDoc(2024, "regency", "35",
			distRow("total", 7, [5]int{1, 1, 1, 2, 0}, 2, [5]string{"0.1429", "0.1429", "0.1429", "0.2857", "0.0000"}),
			dist3515, dist3578)},
		{"/v1/stats/status-distribution?level=district&parent=64", distDoc(2024, "district", "64",
			distRow("total", 6, [5]int{0, 1, 1, 1, 1}, 2, [5]string{"0.0000", "0.1667", "0.1667", "0.1667", "0.1667"}),
			dist640101, dist640102, dist640103)},
		{"/v1/stats/status-distribution?level=district&parent=6401", distDoc(2024, "district", "64.01",
			distRow("total", 6, [5]int{0, 1, 1, 1, 1}, 2, [5]string{"0.0000", "0.1667", "0.1667", "0.1667", "0.1667"}),
			dist640101, dist640102, dist640103)},
		// Kelurahan only: every count, share and the total are zero.
		{"/v1/stats/status-distribution?level=district&parent=35.78", distDoc(2024, "district", "35.78",
			distRow("total", 0, [5]int{}, 0, zeroShares), dist357801)},
		// Another year: in 2023 every Sidoarjo desa had a status.
		{"/v1/stats/status-distribution?year=2023", distDoc(2023, "province", "",
			distRow("total", 13, [5]int{2, 2, 4, 2, 1}, 2, [5]string{"0.1538", "0.1538", "0.3077", "0.1538", "0.0769"}),
			distRow("35", 7, [5]int{1, 2, 3, 0, 1}, 0, [5]string{"0.1429", "0.2857", "0.4286", "0.0000", "0.1429"}),
			distRow("64", 6, [5]int{1, 0, 1, 2, 0}, 2, [5]string{"0.1667", "0.0000", "0.1667", "0.3333", "0.0000"}))},
		// A year without scores: everything counts as without status.
		{"/v1/stats/status-distribution?year=2015&level=regency&parent=64", distDoc(2015, "regency", "64",
			distRow("total", 6, [5]int{}, 6, zeroShares), distRow("64.01", 6, [5]int{}, 6, zeroShares))},
		// IPD scores kelurahan too and has three statuses; nothing is scored.
		{"/v1/stats/status-distribution?framework=ipd&year=2024", `{"framework":"ipd","year":2024,"level":"province","parent":null,"data":[
			{"code":"35","name":"Jawa Timur","total":9,"counts":{"tertinggal":0,"berkembang":0,"mandiri":0},"no_status":9,
			 "shares":{"tertinggal":0.0000,"berkembang":0.0000,"mandiri":0.0000}},
			{"code":"64","name":"Kalimantan Timur","total":6,"counts":{"tertinggal":0,"berkembang":0,"mandiri":0},"no_status":6,
			 "shares":{"tertinggal":0.0000,"berkembang":0.0000,"mandiri":0.0000}}],
			"total":{"code":"total","name":"Total","total":15,"counts":{"tertinggal":0,"berkembang":0,"mandiri":0},"no_status":15,
			 "shares":{"tertinggal":0.0000,"berkembang":0.0000,"mandiri":0.0000}}}`},
	}
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for _, tt := range tests {
			res := a.get(t, tt.target, http.StatusOK)
			wantJSON(t, tt.target, res.body, tt.want)
		}
	})
}

// TestStatsStatusDistributionEmptyParent: a region with nothing under it
// has an empty distribution, not a 404 (one statement reads the region and
// its groups).
func TestStatsStatusDistributionEmptyParent(t *testing.T) {
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		res := a.do(t, request{method: http.MethodPost, target: "/v1/provinces", key: a.writer, body: `{"code":"98","name":"Provinsi Baru"}`})
		wantStatus(t, "POST province", res, http.StatusCreated)
		for _, level := range []string{"regency", "district"} {
			target := "/v1/stats/status-distribution?level=" + level + "&parent=98"
			wantJSON(t, target, a.get(t, target, http.StatusOK).body, distDoc(2024, level, "98", distRow("total", 0, [5]int{}, 0, zeroShares)))
		}
		a.get(t, "/v1/stats/status-distribution?level=regency&parent=97", http.StatusNotFound)
	})
}

// statsError is a request a stats endpoint must refuse.
type statsError struct {
	target string
	status int
	fields []string // the parameters the problem names (nil: none)
}

// checkStatsAnswers GETs each target and compares its 200 answer with the
// expected document.
func checkStatsAnswers(t *testing.T, a *statsAPI, answers map[string]string) {
	t.Helper()
	for target, want := range answers {
		res := a.get(t, target, http.StatusOK)
		wantJSON(t, target, res.body, want)
	}
}

func checkStatsErrors(t *testing.T, a *statsAPI, tests []statsError) {
	t.Helper()
	for _, tt := range tests {
		res := a.get(t, tt.target, tt.status)
		if got := fieldsOf(problemOf(t, res)); !slices.Equal(got, tt.fields) {
			t.Errorf("GET %s: problem names fields %q, want %q", tt.target, got, tt.fields)
		}
		if etag := res.header.Get("ETag"); etag != "" {
			t.Errorf("GET %s: a %d answer carries ETag %s", tt.target, tt.status, etag)
		}
	}
}

func TestStatsStatusDistributionErrors(t *testing.T) {
	const path = "/v1/stats/status-distribution"
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		checkStatsErrors(t, a, []statsError{
			{path + "?level=village", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=village&parent=35", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=province&parent=35", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=province&parent=64.01", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=regency&parent=64.01", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=regency&parent=35.15.01", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=district&parent=35.15.01", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=district&parent=35.15.01.2001", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=kecamatan", http.StatusBadRequest, []string{"level"}},
			{path + "?level=Province", http.StatusBadRequest, []string{"level"}},
			{path + "?parent=99", http.StatusNotFound, nil},
			{path + "?level=district&parent=35.99", http.StatusNotFound, nil},
			{path + "?level=district&parent=6402", http.StatusNotFound, nil},
			{path + "?parent=3x", http.StatusBadRequest, []string{"parent"}},
			{path + "?parent=35.1", http.StatusBadRequest, []string{"parent"}},
			{path + "?parent=35.15.01.2001.1", http.StatusBadRequest, []string{"parent"}},
			{path + "?year=abc", http.StatusBadRequest, []string{"year"}},
			{path + "?year=2014", http.StatusBadRequest, []string{"year"}},
			{path + "?year=2025", http.StatusBadRequest, []string{"year"}},
			{path + "?year=2024.0", http.StatusBadRequest, []string{"year"}},
			{path + "?framework=bogus", http.StatusBadRequest, []string{"framework"}},
			{path + "?format=xml", http.StatusBadRequest, []string{"format"}},
		})
	})
}

// summary is a ScoreSummary as JSON text; n = 0 gives nulls.
func summary(n int, figs ...string) string {
	if n == 0 {
		return `{"n":0,"mean":null,"min":null,"max":null,"p25":null,"median":null,"p75":null}`
	}
	return fmt.Sprintf(`{"n":%d,"mean":%s,"min":%s,"max":%s,"p25":%s,"median":%s,"p75":%s}`,
		n, figs[0], figs[1], figs[2], figs[3], figs[4], figs[5])
}

// scoreRow is a ScoreStatsRow as JSON text (components in key order).
func scoreRow(code, score, ike, ikl, iks string) string {
	return fmt.Sprintf(`{"code":%q,"name":%q,"score":%s,"components":{"ike":%s,"ikl":%s,"iks":%s}}`,
		code, statsNames[code], score, ike, ikl, iks)
}

var empty = summary(0)

func TestStatsScores(t *testing.T) {
	// 2024 by district. Figures: n, mean, min, max, p25, median, p75. The
	// quartiles sit at positions k(n−1)/4 of the sorted values and
	// interpolate linearly; e.g. 35.15.02 holds 0.4907 and 0.5989, so
	// p25 = 0.4907 + 0.1082/4 = 0.51775 → 0.5178.
	byDistrict := `{"framework":"idm","year":2024,"level":"district","parent":null,"data":[` + strings.Join([]string{
		scoreRow("35.15.01",
			summary(3, "0.7667", "0.7000", "0.8000", "0.7500", "0.8000", "0.8000"),
			summary(3, "0.7667", "0.7000", "0.8000", "0.7500", "0.8000", "0.8000"),
			summary(3, "0.6667", "0.6000", "0.7000", "0.6500", "0.7000", "0.7000"),
			summary(3, "0.8667", "0.8000", "0.9000", "0.8500", "0.9000", "0.9000")),
		scoreRow("35.15.02",
			summary(2, "0.5448", "0.4907", "0.5989", "0.5178", "0.5448", "0.5719"),
			summary(2, "0.5000", "0.4000", "0.6000", "0.4500", "0.5000", "0.5500"),
			summary(2, "0.5844", "0.5721", "0.5967", "0.5783", "0.5844", "0.5906"),
			summary(2, "0.5500", "0.5000", "0.6000", "0.5250", "0.5500", "0.5750")),
		scoreRow("35.78.01", empty, empty, empty, empty),
		scoreRow("64.01.01",
			summary(3, "0.8137", "0.7410", "0.9000", "0.7705", "0.8000", "0.8500"),
			summary(3, "0.8000", "0.7000", "0.9000", "0.7500", "0.8000", "0.8500"),
			summary(3, "0.8243", "0.8000", "0.8500", "0.8115", "0.8230", "0.8365"),
			summary(3, "0.8167", "0.7000", "0.9500", "0.7500", "0.8000", "0.8750")),
		scoreRow("64.01.02", empty, empty, empty, empty),
		// The score without a status counts: it is a score.
		scoreRow("64.01.03",
			summary(2, "0.5750", "0.5000", "0.6500", "0.5375", "0.5750", "0.6125"),
			summary(2, "0.5750", "0.5000", "0.6500", "0.5375", "0.5750", "0.6125"),
			summary(2, "0.5500", "0.4000", "0.7000", "0.4750", "0.5500", "0.6250"),
			summary(2, "0.6000", "0.6000", "0.6000", "0.6000", "0.6000", "0.6000")),
	}, ",") + "]}"
	// 2023 by province: seven values in Sidoarjo (positions 1.5, 3, 4.5),
	// four in Paser (0.75, 1.5, 2.25).
	byProvince2023 := `{"framework":"idm","year":2023,"level":"province","parent":null,"data":[` + strings.Join([]string{
		scoreRow("35",
			summary(7, "0.6071", "0.4000", "0.8500", "0.5000", "0.6000", "0.7000"),
			summary(7, "0.6071", "0.4000", "0.8500", "0.5000", "0.6000", "0.7000"),
			summary(7, "0.5714", "0.4000", "0.8000", "0.5000", "0.5000", "0.6500"),
			summary(7, "0.6429", "0.4000", "0.9000", "0.5000", "0.7000", "0.7500")),
		scoreRow("64",
			summary(4, "0.6625", "0.4000", "0.8000", "0.5875", "0.7250", "0.8000"),
			summary(4, "0.6625", "0.4000", "0.8000", "0.5875", "0.7250", "0.8000"),
			summary(4, "0.6625", "0.4000", "0.8000", "0.5875", "0.7250", "0.8000"),
			summary(4, "0.6625", "0.4000", "0.8000", "0.5875", "0.7250", "0.8000")),
	}, ",") + "]}"
	// 2024 under province 35: five Sidoarjo values, exact positions.
	sidoarjo2024 := scoreRow("35.15",
		summary(5, "0.6779", "0.4907", "0.8000", "0.5989", "0.7000", "0.8000"),
		summary(5, "0.6600", "0.4000", "0.8000", "0.6000", "0.7000", "0.8000"),
		summary(5, "0.6338", "0.5721", "0.7000", "0.5967", "0.6000", "0.7000"),
		summary(5, "0.7400", "0.5000", "0.9000", "0.6000", "0.8000", "0.9000"))
	byRegency35 := `{"framework":"idm","year":2024,"level":"regency","parent":"35","data":[` +
		sidoarjo2024 + "," + scoreRow("35.78", empty, empty, empty, empty) + "]}"
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		checkStatsAnswers(t, a, map[string]string{
			"/v1/stats/scores?level=district":          byDistrict,
			"/v1/stats/scores?year=2023":               byProvince2023,
			"/v1/stats/scores?level=regency&parent=35": byRegency35,
		})
		const path = "/v1/stats/scores"
		checkStatsErrors(t, a, []statsError{
			{path + "?level=village", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=regency&parent=35.15", http.StatusUnprocessableEntity, []string{"level"}},
			{path + "?level=county", http.StatusBadRequest, []string{"level"}},
			{path + "?parent=65", http.StatusNotFound, nil},
			{path + "?parent=6", http.StatusBadRequest, []string{"parent"}},
			{path + "?year=twenty", http.StatusBadRequest, []string{"year"}},
			{path + "?year=1999", http.StatusBadRequest, []string{"year"}},
			{path + "?framework=IDM", http.StatusBadRequest, []string{"framework"}},
		})
	})
}

// matrix is the 25 cells of an IDM transition matrix as JSON text, rows
// (from) and columns (to) lowest status first.
func matrix(m [5][5]int) string {
	var cells []string
	for i, from := range statuses {
		for j, to := range statuses {
			cells = append(cells, fmt.Sprintf(`{"from_status":%q,"to_status":%q,"count":%d}`, from, to, m[i][j]))
		}
	}
	return "[" + strings.Join(cells, ",") + "]"
}

func transitionsDoc(from, to int, region string, m [5][5]int, up, same, down, missing int) string {
	r := "null"
	if region != "" {
		r = fmt.Sprintf("%q", region)
	}
	return fmt.Sprintf(`{"framework":"idm","from":%d,"to":%d,"region":%s,"cells":%s,"summary":{"up":%d,"same":%d,"down":%d,"missing":%d}}`,
		from, to, r, matrix(m), up, same, down, missing)
}

func TestStatsTransitions(t *testing.T) {
	// 2023 → 2024: nine villages have a status in both years; missing are
	// 35.15.01.2004 (no 2024 score), 35.15.02.2003 (no 2024 status),
	// 64.01.03.2002 (no 2023 score, no 2024 status) and 64.01.03.2003
	// (never scored).
	all := transitionsDoc(2023, 2024, "", [5][5]int{
		{0, 1, 0, 0, 0}, // sangat_tertinggal → tertinggal: 64.01.03.2001
		{1, 1, 0, 0, 0}, // tertinggal → sangat_tertinggal (35.15.02.2001, onto the bound), → tertinggal (35.15.02.2002)
		{0, 0, 2, 1, 0}, // berkembang → berkembang (35.15.01.2001, 64.01.01.2003 as published), → maju (35.15.01.2002)
		{0, 0, 0, 1, 1}, // maju → maju (64.01.01.2002), → mandiri (64.01.01.2001)
		{0, 0, 0, 1, 0}, // mandiri → maju: 35.15.01.2003
	}, 3, 4, 2, 4)
	tests := []struct{ target, want string }{
		{"/v1/stats/transitions", all},
		{"/v1/stats/transitions?from=2023&to=2024&framework=idm", all},
		{"/v1/stats/transitions?region=35", transitionsDoc(2023, 2024, "35", [5][5]int{
			{}, {1, 1, 0, 0, 0}, {0, 0, 1, 1, 0}, {}, {0, 0, 0, 1, 0}}, 1, 2, 2, 2)},
		{"/v1/stats/transitions?region=64&from=2022", transitionsDoc(2022, 2024, "64", [5][5]int{
			{0, 1, 0, 0, 0}, {}, {0, 0, 0, 0, 1}, {}, {}}, 2, 0, 0, 4)},
		{"/v1/stats/transitions?from=2022&to=2023", transitionsDoc(2022, 2023, "", [5][5]int{
			{1, 0, 0, 0, 0}, {}, {0, 0, 2, 1, 0}, {}, {}}, 1, 3, 0, 9)},
		{"/v1/stats/transitions?region=64.01.03&to=2024", transitionsDoc(2023, 2024, "64.01.03", [5][5]int{
			{0, 1, 0, 0, 0}}, 1, 0, 0, 2)},
		// A village as the region; the never-scored one is missing.
		{"/v1/stats/transitions?region=6401032003", transitionsDoc(2023, 2024, "64.01.03.2003", [5][5]int{}, 0, 0, 0, 1)},
		// Kelurahan only: nothing eligible, nothing missing.
		{"/v1/stats/transitions?region=35.78", transitionsDoc(2023, 2024, "35.78", [5][5]int{}, 0, 0, 0, 0)},
		// Backwards: where the 2023 villages of each status stood in 2022
		// (the transpose of 2022 → 2023, up and down swapped).
		{"/v1/stats/transitions?from=2023&to=2022", transitionsDoc(2023, 2022, "", [5][5]int{
			{1, 0, 0, 0, 0}, {}, {0, 0, 2, 0, 0}, {0, 0, 1, 0, 0}, {}}, 0, 3, 1, 9)},
		// The first year with from given.
		{"/v1/stats/transitions?from=2016&to=2015", transitionsDoc(2016, 2015, "", [5][5]int{}, 0, 0, 0, 13)},
	}
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for _, tt := range tests {
			res := a.get(t, tt.target, http.StatusOK)
			wantJSON(t, tt.target, res.body, tt.want)
		}
		const path = "/v1/stats/transitions"
		checkStatsErrors(t, a, []statsError{
			{path + "?from=2014", http.StatusBadRequest, []string{"from"}},
			// The default from, 2014, is before the framework's first year.
			{path + "?to=2015", http.StatusBadRequest, []string{"from"}},
			{path + "?from=2014&to=2015", http.StatusBadRequest, []string{"from"}},
			{path + "?to=2025", http.StatusBadRequest, []string{"to"}},
			{path + "?from=x", http.StatusBadRequest, []string{"from"}},
			{path + "?region=35.15.9", http.StatusBadRequest, []string{"region"}},
			{path + "?region=35.16", http.StatusNotFound, nil},
			{path + "?framework=none", http.StatusBadRequest, []string{"framework"}},
		})
	})
}

// ranked is a RankedVillage as JSON text; status "" is null; from and change
// "" are absent.
func ranked(code, score, status, from, change string) string {
	st := "null"
	if status != "" {
		st = fmt.Sprintf("%q", status)
	}
	s := fmt.Sprintf(`{"code":%q,"name":%q,"regency_name":%q,"score":%s,"status":%s`,
		code, statsNames[code], statsNames[code[:5]], score, st)
	if from != "" {
		s += fmt.Sprintf(`,"from_score":%s,"change":%s`, from, change)
	}
	return s + "}"
}

// transitionVillage is a TransitionVillage as JSON text.
func transitionVillage(code, score, status, fromStatus, from, change string) string {
	return fmt.Sprintf(`{"code":%q,"name":%q,"regency_name":%q,"score":%s,"status":%q,"from_status":%q,"from_score":%s,"change":%s}`,
		code, statsNames[code], statsNames[code[:5]], score, status, fromStatus, from, change)
}

func rankedList(total, limit, offset int, items ...string) string {
	return fmt.Sprintf(`{"data":[%s],"page":{"limit":%d,"offset":%d,"total":%d}}`,
		strings.Join(items, ","), limit, offset, total)
}

func TestStatsTransitionVillages(t *testing.T) {
	// The villages of the nine cells of 2023 → 2024, by code: 2024 score and
	// status, 2023 score, change.
	v := map[string]string{
		"35.15.01.2001": transitionVillage("35.15.01.2001", "0.7000", "berkembang", "berkembang", "0.6000", "0.1000"),
		"35.15.01.2002": transitionVillage("35.15.01.2002", "0.8000", "maju", "berkembang", "0.7000", "0.1000"),
		"35.15.01.2003": transitionVillage("35.15.01.2003", "0.8000", "maju", "mandiri", "0.8500", "-0.0500"),
		"35.15.02.2001": transitionVillage("35.15.02.2001", "0.4907", "sangat_tertinggal", "tertinggal", "0.5000", "-0.0093"),
		"35.15.02.2002": transitionVillage("35.15.02.2002", "0.5989", "tertinggal", "tertinggal", "0.5000", "0.0989"),
		"64.01.01.2001": transitionVillage("64.01.01.2001", "0.9000", "mandiri", "maju", "0.8000", "0.1000"),
		"64.01.01.2002": transitionVillage("64.01.01.2002", "0.8000", "maju", "maju", "0.8000", "0.0000"),
		"64.01.01.2003": transitionVillage("64.01.01.2003", "0.7410", "berkembang", "berkembang", "0.6500", "0.0910"),
		"64.01.03.2001": transitionVillage("64.01.03.2001", "0.5000", "tertinggal", "sangat_tertinggal", "0.4000", "0.1000"),
	}
	of := func(codes ...string) []string {
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = v[c]
		}
		return out
	}
	const path = "/v1/stats/transitions/villages"
	tests := []struct{ target, want string }{
		// Every cell's villages: as many as the matrix counts (9), not the
		// villages lacking a status in either year.
		{path, rankedList(9, 50, 0, of("35.15.01.2001", "35.15.01.2002", "35.15.01.2003", "35.15.02.2001",
			"35.15.02.2002", "64.01.01.2001", "64.01.01.2002", "64.01.01.2003", "64.01.03.2001")...)},
		{path + "?limit=2&offset=2", rankedList(9, 2, 2, of("35.15.01.2003", "35.15.02.2001")...)},
		{path + "?limit=4&offset=8", rankedList(9, 4, 8, of("64.01.03.2001")...)},
		{path + "?offset=9", rankedList(9, 50, 9)},
		{path + "?from_status=berkembang", rankedList(3, 50, 0, of("35.15.01.2001", "35.15.01.2002", "64.01.01.2003")...)},
		{path + "?to_status=maju", rankedList(3, 50, 0, of("35.15.01.2002", "35.15.01.2003", "64.01.01.2002")...)},
		{path + "?from_status=berkembang&to_status=berkembang", rankedList(2, 50, 0, of("35.15.01.2001", "64.01.01.2003")...)},
		{path + "?from_status=mandiri&to_status=mandiri", rankedList(0, 50, 0)},
		{path + "?region=64", rankedList(4, 50, 0, of("64.01.01.2001", "64.01.01.2002", "64.01.01.2003", "64.01.03.2001")...)},
		{path + "?region=64&from_status=maju&limit=1", rankedList(2, 1, 0, of("64.01.01.2001")...)},
		// A comma means any of.
		{path + "?from_status=maju,mandiri", rankedList(3, 50, 0, of("35.15.01.2003", "64.01.01.2001", "64.01.01.2002")...)},
		{path + "?from_status=tertinggal,sangat_tertinggal&to_status=tertinggal,+berkembang",
			rankedList(2, 50, 0, of("35.15.02.2002", "64.01.03.2001")...)},
		// Sorted: ties (four at +0.1000, three at 0.8000) by ascending code.
		{path + "?sort=-change", rankedList(9, 50, 0, of("35.15.01.2001", "35.15.01.2002", "64.01.01.2001", "64.01.03.2001",
			"35.15.02.2002", "64.01.01.2003", "64.01.01.2002", "35.15.02.2001", "35.15.01.2003")...)},
		{path + "?sort=change&limit=3", rankedList(9, 3, 0, of("35.15.01.2003", "35.15.02.2001", "64.01.01.2002")...)},
		{path + "?sort=-score&limit=4&offset=1", rankedList(9, 4, 1, of("35.15.01.2002", "35.15.01.2003", "64.01.01.2002", "64.01.01.2003")...)},
		{path + "?sort=-code&region=64", rankedList(4, 50, 0, of("64.01.03.2001", "64.01.01.2003", "64.01.01.2002", "64.01.01.2001")...)},
		{path + "?sort=code&region=64&limit=1", rankedList(4, 1, 0, of("64.01.01.2001")...)},
		// A sparse fieldset.
		{path + "?fields=code,from_status,status&to_status=mandiri", `{"data":[{"code":"64.01.01.2001","from_status":"maju","status":"mandiri"}],` +
			`"page":{"limit":50,"offset":0,"total":1}}`},
		{path + "?from=2022&to=2024", rankedList(4, 50, 0,
			transitionVillage("35.15.01.2001", "0.7000", "berkembang", "berkembang", "0.6000", "0.1000"),
			transitionVillage("35.15.01.2002", "0.8000", "maju", "berkembang", "0.6000", "0.2000"),
			transitionVillage("64.01.01.2001", "0.9000", "mandiri", "berkembang", "0.7000", "0.2000"),
			transitionVillage("64.01.03.2001", "0.5000", "tertinggal", "sangat_tertinggal", "0.3000", "0.2000"))},
	}
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for _, tt := range tests {
			res := a.get(t, tt.target, http.StatusOK)
			wantJSON(t, tt.target, res.body, tt.want)
		}
		// Paging links.
		res := a.get(t, path+"?limit=2&offset=2&from_status=berkembang", http.StatusOK)
		wantLinks := []string{
			`</v1/stats/transitions/villages?from_status=berkembang&limit=2&offset=0>; rel="first"`,
			`</v1/stats/transitions/villages?from_status=berkembang&limit=2&offset=0>; rel="prev"`,
			`</v1/stats/transitions/villages?from_status=berkembang&limit=2&offset=2>; rel="last"`,
		}
		if diff := cmp.Diff(wantLinks, strings.Split(res.header.Get("Link"), ", ")); diff != "" {
			t.Errorf("Link header mismatch (-want +got):\n%s", diff)
		}
		checkStatsErrors(t, a, []statsError{
			{path + "?from_status=maju_sekali", http.StatusBadRequest, []string{"from_status"}},
			{path + "?to_status=Maju", http.StatusBadRequest, []string{"to_status"}},
			{path + "?from_status=maju,maju_sekali", http.StatusBadRequest, []string{"from_status"}},
			{path + "?sort=-popularity", http.StatusBadRequest, []string{"sort"}},
			{path + "?sort=from_status", http.StatusBadRequest, []string{"sort"}},
			{path + "?limit=0", http.StatusBadRequest, []string{"limit"}},
			{path + "?limit=1001", http.StatusBadRequest, []string{"limit"}},
			{path + "?offset=-1", http.StatusBadRequest, []string{"offset"}},
			{path + "?fields=bogus", http.StatusBadRequest, []string{"fields"}},
			{path + "?region=99", http.StatusNotFound, nil},
			{path + "?to=2030", http.StatusBadRequest, []string{"to"}},
			{path + "?to=2015", http.StatusBadRequest, []string{"from"}},
		})
	})
}

// trendYear is a TrendYear as JSON text; mean "" is null.
func trendYear(year, total int, counts [5]int, noStatus int, shares [5]string, scored int, mean string) string {
	if mean == "" {
		mean = "null"
	}
	return fmt.Sprintf(`{"year":%d,"total":%d,"counts":%s,"no_status":%d,"shares":%s,"scored":%d,"mean_score":%s}`,
		year, total, countsJSON(counts), noStatus, countsJSON(shares), scored, mean)
}

func TestStatsTrends(t *testing.T) {
	nothing := func(year, total int) string { return trendYear(year, total, [5]int{}, total, zeroShares, 0, "") }
	y2022 := trendYear(2022, 13, [5]int{1, 0, 3, 0, 0}, 9, [5]string{"0.0769", "0.0000", "0.2308", "0.0000", "0.0000"}, 4, "0.5500")
	y2023 := trendYear(2023, 13, [5]int{2, 2, 4, 2, 1}, 2, [5]string{"0.1538", "0.1538", "0.3077", "0.1538", "0.0769"}, 11, "0.6273")
	// Ten scores (the one without a status included): 6.9806 / 10.
	y2024 := trendYear(2024, 13, [5]int{1, 2, 2, 3, 1}, 4, [5]string{"0.0769", "0.1538", "0.1538", "0.2308", "0.0769"}, 10, "0.6981")
	doc := func(region string, years ...string) string {
		r := "null"
		if region != "" {
			r = fmt.Sprintf("%q", region)
		}
		return fmt.Sprintf(`{"framework":"idm","region":%s,"data":[%s]}`, r, strings.Join(years, ","))
	}
	tests := []struct{ target, want string }{
		// Five years up to the last by default.
		{"/v1/stats/trends", doc("", nothing(2020, 13), nothing(2021, 13), y2022, y2023, y2024)},
		{"/v1/stats/trends?from=2022&to=2024", doc("", y2022, y2023, y2024)},
		{"/v1/stats/trends?from=2023&to=2023", doc("", y2023)},
		{"/v1/stats/trends?region=64&from=2022", doc("64",
			trendYear(2022, 6, [5]int{1, 0, 1, 0, 0}, 4, [5]string{"0.1667", "0.0000", "0.1667", "0.0000", "0.0000"}, 2, "0.5000"),
			trendYear(2023, 6, [5]int{1, 0, 1, 2, 0}, 2, [5]string{"0.1667", "0.0000", "0.1667", "0.3333", "0.0000"}, 4, "0.6625"),
			trendYear(2024, 6, [5]int{0, 1, 1, 1, 1}, 2, [5]string{"0.0000", "0.1667", "0.1667", "0.1667", "0.1667"}, 5, "0.7182"))},
		// The first year of the framework bounds the default window.
		{"/v1/stats/trends?to=2016", doc("", nothing(2015, 13), nothing(2016, 13))},
		{"/v1/stats/trends?region=35.78&from=2024", doc("35.78", nothing(2024, 0))},
	}
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for _, tt := range tests {
			res := a.get(t, tt.target, http.StatusOK)
			wantJSON(t, tt.target, res.body, tt.want)
		}
		const path = "/v1/stats/trends"
		checkStatsErrors(t, a, []statsError{
			{path + "?from=2024&to=2023", http.StatusBadRequest, []string{"from"}},
			{path + "?from=2010", http.StatusBadRequest, []string{"from"}},
			{path + "?to=2025", http.StatusBadRequest, []string{"to"}},
			{path + "?region=64.02", http.StatusNotFound, nil},
			{path + "?region=x", http.StatusBadRequest, []string{"region"}},
		})
	})
}

// compareRow is a CompareRow as JSON text: a distribution row, then level,
// scored and mean.
func compareRow(dist, level string, scored int, mean string) string {
	return strings.TrimSuffix(dist, "}") + fmt.Sprintf(`,"level":%q,"scored":%d,"mean_score":%s}`, level, scored, mean)
}

func TestStatsCompare(t *testing.T) {
	// Any level side by side, in the order asked: a province, a regency, a
	// village scored without a status, a kelurahan (nothing to score).
	want := `{"framework":"idm","year":2024,"data":[` + strings.Join([]string{
		compareRow(dist35, "province", 5, "0.6779"),
		compareRow(dist6401, "regency", 5, "0.7182"),
		compareRow(distRow("64.01.03.2002", 1, [5]int{}, 1, zeroShares), "village", 1, "0.6500"),
		compareRow(distRow("35.78.01.1001", 0, [5]int{}, 0, zeroShares), "village", 0, "null"),
	}, ",") + "]}"
	want2023 := `{"framework":"idm","year":2023,"data":[` + strings.Join([]string{
		compareRow(distRow("35.15.01", 4, [5]int{0, 0, 3, 0, 1}, 0, [5]string{"0.0000", "0.0000", "0.7500", "0.0000", "0.2500"}),
			"district", 4, "0.7125"),
		compareRow(distRow("64", 6, [5]int{1, 0, 1, 2, 0}, 2, [5]string{"0.1667", "0.0000", "0.1667", "0.3333", "0.0000"}),
			"province", 4, "0.6625"),
	}, ",") + "]}"
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		checkStatsAnswers(t, a, map[string]string{
			"/v1/stats/compare?regions=35,64.01,64.01.03.2002,3578011001":       want,
			"/v1/stats/compare?regions=35,+6401,64.01.03.2002,35.78.01.1001,35": want,
			"/v1/stats/compare?regions=351501,64&year=2023":                     want2023,
		})
		var codes []string
		for i := 1; i <= 21; i++ {
			codes = append(codes, fmt.Sprintf("35.15.01.%04d", 2000+i))
		}
		const path = "/v1/stats/compare"
		checkStatsErrors(t, a, []statsError{
			{path, http.StatusBadRequest, []string{"regions"}},
			{path + "?regions=", http.StatusBadRequest, []string{"regions"}},
			{path + "?regions=,,", http.StatusBadRequest, []string{"regions"}},
			{path + "?regions=" + strings.Join(codes, ","), http.StatusBadRequest, []string{"regions"}},
			{path + "?regions=35,99", http.StatusNotFound, nil},
			{path + "?regions=35,64.01.03.2009", http.StatusNotFound, nil},
			{path + "?regions=35,6x", http.StatusBadRequest, []string{"regions"}},
			{path + "?regions=35&year=2030", http.StatusBadRequest, []string{"year"}},
			{path + "?regions=35&framework=x", http.StatusBadRequest, []string{"framework"}},
		})
		// Exactly 20 is allowed (the unknown ones then answer 404, not 400).
		a.get(t, path+"?regions="+strings.Join(codes[:20], ","), http.StatusNotFound)
		a.get(t, path+"?regions="+strings.Join(codes[:3], ","), http.StatusOK)
	})
}

func TestStatsRankings(t *testing.T) {
	r := func(code, score, status string) string { return ranked(code, score, status, "", "") }
	// 2024 by score; ties (0.8000 three times) broken by code in both orders.
	desc := []string{
		r("64.01.01.2001", "0.9000", "mandiri"),
		r("35.15.01.2002", "0.8000", "maju"),
		r("35.15.01.2003", "0.8000", "maju"),
		r("64.01.01.2002", "0.8000", "maju"),
		r("64.01.01.2003", "0.7410", "berkembang"),
		r("35.15.01.2001", "0.7000", "berkembang"),
		r("64.01.03.2002", "0.6500", ""),
		r("35.15.02.2002", "0.5989", "tertinggal"),
		r("64.01.03.2001", "0.5000", "tertinggal"),
		r("35.15.02.2001", "0.4907", "sangat_tertinggal"),
	}
	asc := []string{desc[9], desc[8], desc[7], desc[6], desc[5], desc[4], desc[1], desc[2], desc[3], desc[0]}
	// Improvement 2023 → 2024; four ties at +0.1000 (0.7−0.6, 0.8−0.7,
	// 0.9−0.8, 0.5−0.4: unequal in binary floating point).
	imp := func(code, score, status, from, change string) string {
		return ranked(code, score, status, from, change)
	}
	impDesc := []string{
		imp("35.15.01.2001", "0.7000", "berkembang", "0.6000", "0.1000"),
		imp("35.15.01.2002", "0.8000", "maju", "0.7000", "0.1000"),
		imp("64.01.01.2001", "0.9000", "mandiri", "0.8000", "0.1000"),
		imp("64.01.03.2001", "0.5000", "tertinggal", "0.4000", "0.1000"),
		imp("35.15.02.2002", "0.5989", "tertinggal", "0.5000", "0.0989"),
		imp("64.01.01.2003", "0.7410", "berkembang", "0.6500", "0.0910"),
		imp("64.01.01.2002", "0.8000", "maju", "0.8000", "0.0000"),
		imp("35.15.02.2001", "0.4907", "sangat_tertinggal", "0.5000", "-0.0093"),
		imp("35.15.01.2003", "0.8000", "maju", "0.8500", "-0.0500"),
	}
	impAsc := []string{impDesc[8], impDesc[7], impDesc[6], impDesc[5], impDesc[4], impDesc[0], impDesc[1], impDesc[2], impDesc[3]}
	// pdoc is a ranking with its page: limit, offset and total.
	pdoc := func(year int, by string, from int, order, region string, page [3]int, rows ...string) string {
		f := ""
		if from != 0 {
			f = fmt.Sprintf(`"from":%d,`, from)
		}
		reg := "null"
		if region != "" {
			reg = fmt.Sprintf("%q", region)
		}
		return fmt.Sprintf(`{"framework":"idm","year":%d,"by":%q,%s"order":%q,"region":%s,"data":[%s],"page":{"limit":%d,"offset":%d,"total":%d}}`,
			year, by, f, order, reg, strings.Join(rows, ","), page[0], page[1], page[2])
	}
	// doc is the first page of 50, holding the whole ranking.
	doc := func(year int, by string, from int, order, region string, rows ...string) string {
		return pdoc(year, by, from, order, region, [3]int{50, 0, len(rows)}, rows...)
	}
	const path = "/v1/stats/rankings"
	tests := []struct{ target, want string }{
		{path, doc(2024, "score", 0, "desc", "", desc...)},
		{path + "?by=score&order=desc&year=2024", doc(2024, "score", 0, "desc", "", desc...)},
		{path + "?order=asc", doc(2024, "score", 0, "asc", "", asc...)},
		{path + "?limit=3", pdoc(2024, "score", 0, "desc", "", [3]int{3, 0, 10}, desc[:3]...)},
		{path + "?limit=3&offset=3", pdoc(2024, "score", 0, "desc", "", [3]int{3, 3, 10}, desc[3:6]...)},
		{path + "?limit=4&offset=8", pdoc(2024, "score", 0, "desc", "", [3]int{4, 8, 10}, desc[8:]...)},
		{path + "?offset=10", pdoc(2024, "score", 0, "desc", "", [3]int{50, 10, 10})},
		{path + "?order=asc&limit=7", pdoc(2024, "score", 0, "asc", "", [3]int{7, 0, 10}, asc[:7]...)},
		{path + "?region=64", doc(2024, "score", 0, "desc", "64", desc[0], desc[3], desc[4], desc[6], desc[8])},
		{path + "?region=35.15.02&order=asc", doc(2024, "score", 0, "asc", "35.15.02", desc[9], desc[7])},
		{path + "?region=35.78", doc(2024, "score", 0, "desc", "35.78")},
		{path + "?region=35&year=2023", doc(2023, "score", 0, "desc", "35",
			r("35.15.01.2003", "0.8500", "mandiri"), r("35.15.01.2002", "0.7000", "berkembang"),
			r("35.15.01.2004", "0.7000", "berkembang"), r("35.15.01.2001", "0.6000", "berkembang"),
			r("35.15.02.2001", "0.5000", "tertinggal"), r("35.15.02.2002", "0.5000", "tertinggal"),
			r("35.15.02.2003", "0.4000", "sangat_tertinggal"))},
		{path + "?by=improvement", doc(2024, "improvement", 2023, "desc", "", impDesc...)},
		{path + "?by=improvement&from=2023&order=asc", doc(2024, "improvement", 2023, "asc", "", impAsc...)},
		{path + "?by=improvement&limit=2&region=64", pdoc(2024, "improvement", 2023, "desc", "64", [3]int{2, 0, 4}, impDesc[2], impDesc[3])},
		{path + "?by=improvement&limit=2&offset=4", pdoc(2024, "improvement", 2023, "desc", "", [3]int{2, 4, 9}, impDesc[4:6]...)},
		{path + "?by=improvement&order=asc&limit=3&offset=5", pdoc(2024, "improvement", 2023, "asc", "", [3]int{3, 5, 9}, impAsc[5:8]...)},
		{path + "?by=improvement&from=2022", doc(2024, "improvement", 2022, "desc", "",
			imp("35.15.01.2002", "0.8000", "maju", "0.6000", "0.2000"),
			imp("64.01.01.2001", "0.9000", "mandiri", "0.7000", "0.2000"),
			imp("64.01.03.2001", "0.5000", "tertinggal", "0.3000", "0.2000"),
			imp("35.15.01.2001", "0.7000", "berkembang", "0.6000", "0.1000"))},
		{path + "?by=improvement&year=2023&from=2022", doc(2023, "improvement", 2022, "desc", "",
			imp("35.15.01.2002", "0.7000", "berkembang", "0.6000", "0.1000"),
			imp("64.01.01.2001", "0.8000", "maju", "0.7000", "0.1000"),
			imp("64.01.03.2001", "0.4000", "sangat_tertinggal", "0.3000", "0.1000"),
			imp("35.15.01.2001", "0.6000", "berkembang", "0.6000", "0.0000"))},
	}
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for _, tt := range tests {
			res := a.get(t, tt.target, http.StatusOK)
			wantJSON(t, tt.target, res.body, tt.want)
		}
		// Paging links, as lists have them.
		res := a.get(t, path+"?limit=3&offset=3", http.StatusOK)
		wantLinks := []string{
			`</v1/stats/rankings?limit=3&offset=0>; rel="first"`,
			`</v1/stats/rankings?limit=3&offset=0>; rel="prev"`,
			`</v1/stats/rankings?limit=3&offset=6>; rel="next"`,
			`</v1/stats/rankings?limit=3&offset=9>; rel="last"`,
		}
		if diff := cmp.Diff(wantLinks, strings.Split(res.header.Get("Link"), ", ")); diff != "" {
			t.Errorf("Link header mismatch (-want +got):\n%s", diff)
		}
		// The village list sorted by score breaks ties as the ranking does:
		// by ascending code (the three at 0.8000).
		for _, order := range []string{"-score", "score"} {
			ranking := a.get(t, path+"?limit=10&order="+map[string]string{"-score": "desc", "score": "asc"}[order], http.StatusOK)
			list := a.get(t, "/v1/villages?year=2024&framework=idm&sort="+order+"&limit=10", http.StatusOK)
			if diff := cmp.Diff(codesOf(t, ranking), codesOf(t, list)); diff != "" {
				t.Errorf("sort=%s: the village list orders ties unlike the ranking (-ranking +list):\n%s", order, diff)
			}
		}
		checkStatsErrors(t, a, []statsError{
			{path + "?offset=-1", http.StatusBadRequest, []string{"offset"}},
			{path + "?by=improvement&from=2024", http.StatusBadRequest, []string{"from"}},
			{path + "?by=improvement&year=2023&from=2024", http.StatusBadRequest, []string{"from"}},
			{path + "?by=improvement&from=2030", http.StatusBadRequest, []string{"from"}},
			// The default from, 2014, is before the framework's first year.
			{path + "?by=improvement&year=2015", http.StatusBadRequest, []string{"from"}},
			{path + "?by=improvement&year=2015&from=2014", http.StatusBadRequest, []string{"from"}},
			{path + "?by=popularity", http.StatusBadRequest, []string{"by"}},
			{path + "?by=score,improvement", http.StatusBadRequest, []string{"by"}},
			{path + "?order=up", http.StatusBadRequest, []string{"order"}},
			{path + "?limit=0", http.StatusBadRequest, []string{"limit"}},
			{path + "?limit=1001", http.StatusBadRequest, []string{"limit"}},
			{path + "?year=2025", http.StatusBadRequest, []string{"year"}},
			{path + "?region=35.15.01.2099", http.StatusNotFound, nil},
		})
	})
}

// TestJSONAnswersCarryContentLength: every way a JSON answer is written —
// encoded by encoding/json, by a hand-written encoder, as a list page, from
// the cache, indented with ?pretty — declares its length, so that net/http
// sends it without chunked framing.
func TestJSONAnswersCarryContentLength(t *testing.T) {
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for _, target := range []string{
			"/v1/stats/status-distribution?level=regency&parent=64", // hand-written encoder
			"/v1/stats/status-distribution?level=regency&parent=64", // again: from the cache
			"/v1/stats/scores?level=regency&parent=35",              // encoding/json
			"/v1/villages?province=64",                              // a list page
			"/v1/stats/status-distribution?pretty",                  // indented
		} {
			res := a.get(t, target, http.StatusOK)
			if got, want := res.header.Get("Content-Length"), strconv.Itoa(len(res.body)); got != want {
				t.Errorf("GET %s: Content-Length %q, body of %s bytes", target, got, want)
			}
			if !bytes.HasSuffix(res.body, []byte("}\n")) {
				t.Errorf("GET %s: body does not end in }\\n: %q", target, res.body[max(0, len(res.body)-20):])
			}
			if strings.Contains(target, "pretty") != bytes.Contains(res.body, []byte("\n  ")) {
				t.Errorf("GET %s: indented %v, want %v", target, !strings.Contains(target, "pretty"), strings.Contains(target, "pretty"))
			}
		}
	})
}

func TestStatsProfile(t *testing.T) {
	// Kabupaten Paser in 2024: 3 districts (one empty), 6 desa. Its five
	// scores (Samurangau 0.9000, Busui 0.8000, Kasungai 0.7410, Muara Komam
	// 0.5000, Prayon 0.6500 without a status) sorted: 0.5000 0.6500 0.7410
	// 0.8000 0.9000, so p25 and p75 fall on ranks 2 and 4; mean 3.5910/5.
	// The components: iks 0.95 0.80 0.70 0.60 0.60; ike 0.90 0.80 0.70 0.50
	// 0.65; ikl 0.85 0.80 0.823 0.40 0.70. Top movers since 2023: Samurangau
	// and Muara Komam +0.1000 (a tie, in code order), Kasungai +0.0910,
	// Busui unchanged; Prayon had no 2023 score.
	mover := func(code, score, status, from, change string) string {
		return fmt.Sprintf(`{"code":%q,"name":%q,"regency_name":"Kabupaten Paser","score":%s,"status":%q,"from_score":%s,"change":%s}`,
			code, statsNames[code], score, status, from, change)
	}
	paser := `{"region":{"code":"64.01","name":"Kabupaten Paser","level":"regency","type":"kabupaten","parent_code":"64",
		"ancestors":[{"code":"64","name":"Kalimantan Timur","level":"province"}],"children_count":3},
		"framework":"idm","year":2024,"previous_year":2023,"descendants":{"district":3,"village":6},
		"villages_by_type":{"desa":6,"desa_adat":0,"kelurahan":0},
		"status_distribution":` + dist6401 + `,
		"status_distribution_previous_year":` + distRow("64.01", 6, [5]int{1, 0, 1, 2, 0}, 2, [5]string{"0.1667", "0.0000", "0.1667", "0.3333", "0.0000"}) + `,
		"score":` + summary(5, "0.7182", "0.5000", "0.9000", "0.6500", "0.7410", "0.8000") + `,
		"components":{
			"ike":` + summary(5, "0.7100", "0.5000", "0.9000", "0.6500", "0.7000", "0.8000") + `,
			"ikl":` + summary(5, "0.7146", "0.4000", "0.8500", "0.7000", "0.8000", "0.8230") + `,
			"iks":` + summary(5, "0.7300", "0.6000", "0.9500", "0.6000", "0.7000", "0.8000") + `},
		"top_movers":[` + strings.Join([]string{
		mover("64.01.01.2001", "0.9000", "mandiri", "0.8000", "0.1000"),
		mover("64.01.03.2001", "0.5000", "tertinggal", "0.4000", "0.1000"),
		mover("64.01.01.2003", "0.7410", "berkembang", "0.6500", "0.0910"),
		mover("64.01.01.2002", "0.8000", "maju", "0.8000", "0.0000"),
	}, ",") + `],"programs":[]}`
	// Kota Surabaya: kelurahan only, which IDM does not score.
	surabaya := `{"region":{"code":"35.78","name":"Kota Surabaya","level":"regency","type":"kota","parent_code":"35",
		"ancestors":[{"code":"35","name":"Jawa Timur","level":"province"}],"children_count":1},
		"framework":"idm","year":2024,"previous_year":2023,"descendants":{"district":1,"village":2},
		"villages_by_type":{"desa":0,"desa_adat":0,"kelurahan":2},
		"status_distribution":` + dist3578 + `,"status_distribution_previous_year":` + dist3578 + `,
		"score":` + empty + `,"components":{"ike":` + empty + `,"ikl":` + empty + `,"iks":` + empty + `},
		"top_movers":[],"programs":[]}`
	// Prayon in 2023, the year before its first score: one desa, no status
	// either year.
	prayonDist := distRow("64.01.03.2002", 1, [5]int{}, 1, zeroShares)
	prayon := `{"region":{"code":"64.01.03.2002","name":"Prayon","level":"village","type":"desa","parent_code":"64.01.03",
		"ancestors":[{"code":"64","name":"Kalimantan Timur","level":"province"},{"code":"64.01","name":"Kabupaten Paser","level":"regency"},
		{"code":"64.01.03","name":"Muara Komam","level":"district"}],"children_count":0},
		"framework":"idm","year":2023,"previous_year":2022,"descendants":{},
		"villages_by_type":{"desa":1,"desa_adat":0,"kelurahan":0},
		"status_distribution":` + prayonDist + `,"status_distribution_previous_year":` + prayonDist + `,
		"score":` + empty + `,"components":{"ike":` + empty + `,"ikl":` + empty + `,"iks":` + empty + `},
		"top_movers":[],"programs":[]}`
	// Prayon in 2015, the framework's first year: there is no year before
	// it, so no previous distribution and no movers, and the answer says so.
	prayon2015 := `{"region":{"code":"64.01.03.2002","name":"Prayon","level":"village","type":"desa","parent_code":"64.01.03",
		"ancestors":[{"code":"64","name":"Kalimantan Timur","level":"province"},{"code":"64.01","name":"Kabupaten Paser","level":"regency"},
		{"code":"64.01.03","name":"Muara Komam","level":"district"}],"children_count":0},
		"framework":"idm","year":2015,"previous_year":null,"descendants":{},
		"villages_by_type":{"desa":1,"desa_adat":0,"kelurahan":0},
		"status_distribution":` + prayonDist + `,"status_distribution_previous_year":null,
		"score":` + empty + `,"components":{"ike":` + empty + `,"ikl":` + empty + `,"iks":` + empty + `},
		"top_movers":[],"programs":[]}`
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		checkStatsAnswers(t, a, map[string]string{
			"/v1/regions/64.01.03.2002/profile?year=2015": prayon2015,
			"/v1/regions/64.01/profile":                   paser,
			"/v1/regions/6401/profile?year=2024":          paser,
			"/v1/regions/35.78/profile":                   surabaya,
			"/v1/regions/64.01.03.2002/profile?year=2023": prayon,
		})
		const path = "/v1/regions/"
		checkStatsErrors(t, a, []statsError{
			{path + "99/profile", http.StatusNotFound, nil},
			{path + "64.01.03.2009/profile", http.StatusNotFound, nil},
			// A missing region is reported before a bad year.
			{path + "99/profile?year=2030", http.StatusNotFound, nil},
			{path + "6x/profile", http.StatusBadRequest, []string{"code"}},
			{path + "64.01/profile?year=2030", http.StatusBadRequest, []string{"year"}},
			{path + "64.01/profile?year=x", http.StatusBadRequest, []string{"year"}},
			{path + "64.01/profile?framework=x", http.StatusBadRequest, []string{"framework"}},
		})
	})
}

func TestStatsGaps(t *testing.T) {
	// Indicator scores for villages of every kind: the two low villages of
	// Prambon in 2024 (sangat_tertinggal and tertinggal) and in 2023
	// (Bendotretek was tertinggal), a maju village, a tertinggal village in
	// Paser, and Prayon, scored without a status (so in no status at all).
	values := "region_code,indicator_code,year,value\n" +
		"35.15.02.2001,idm_iks_01,2024,1\n" +
		"35.15.02.2001,idm_iks_02,2024,4\n" +
		"35.15.02.2001,idm_ike_01,2024,2\n" +
		"35.15.02.2002,idm_iks_01,2024,3\n" +
		"35.15.02.2002,idm_iks_02,2024,5\n" +
		"35.15.01.2002,idm_iks_01,2024,0\n" +
		"64.01.03.2001,idm_iks_01,2024,0\n" +
		"64.01.03.2002,idm_iks_01,2024,0\n" +
		"35.15.02.2001,idm_iks_01,2023,0\n"
	row := func(code string, villages int, mean string, atMost2 int) string {
		names := map[string]string{
			"idm_iks_01": `"name_id":"Akses Sarkes","name_en":"Access to health facilities","dimension":"iks","number":1`,
			"idm_iks_02": `"name_id":"Dokter","name_en":"Doctors","dimension":"iks","number":2`,
			"idm_ike_01": `"name_id":"Keragaman Produksi","name_en":"Diversity of production","dimension":"ike","number":1`,
		}
		return fmt.Sprintf(`{"indicator_code":%q,%s,"villages":%d,"mean":%s,"at_most_2":%d}`, code, names[code], villages, mean, atMost2)
	}
	doc := func(year int, region, statuses string, rows ...string) string {
		r := "null"
		if region != "" {
			r = fmt.Sprintf("%q", region)
		}
		return fmt.Sprintf(`{"framework":"idm","year":%d,"region":%s,"statuses":%s,"data":[%s]}`, year, r, statuses, strings.Join(rows, ","))
	}
	const low = `["sangat_tertinggal","tertinggal"]`
	answers := map[string]string{
		// Prambon's two: ike_01 and iks_01 tie at 2.0000 (code order).
		"/v1/stats/gaps?region=35": doc(2024, "35", low,
			row("idm_ike_01", 1, "2.0000", 1), row("idm_iks_01", 2, "2.0000", 1), row("idm_iks_02", 2, "4.5000", 0)),
		// Nationally Paser's tertinggal village adds a 0 to iks_01: 4 / 3.
		"/v1/stats/gaps": doc(2024, "", low,
			row("idm_iks_01", 3, "1.3333", 2), row("idm_ike_01", 1, "2.0000", 1), row("idm_iks_02", 2, "4.5000", 0)),
		"/v1/stats/gaps?region=35&status=maju":           doc(2024, "35", `["maju"]`, row("idm_iks_01", 1, "0.0000", 1)),
		"/v1/stats/gaps?region=3515&status=maju,mandiri": doc(2024, "35.15", `["maju","mandiri"]`, row("idm_iks_01", 1, "0.0000", 1)),
		"/v1/stats/gaps?region=35&year=2023":             doc(2023, "35", low, row("idm_iks_01", 1, "0.0000", 1)),
		// Villages in those statuses, none with indicator scores.
		"/v1/stats/gaps?region=64.01.01&status=mandiri": doc(2024, "64.01.01", `["mandiri"]`),
		"/v1/stats/gaps?region=35.78":                   doc(2024, "35.78", low),
	}
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		res := a.do(t, request{method: http.MethodPost, target: "/v1/imports?kind=indicator_values", body: values,
			contentType: "text/csv", key: a.indicators})
		wantStatus(t, "import indicator values", res, http.StatusCreated)
		checkStatsAnswers(t, a, answers)
		const path = "/v1/stats/gaps"
		checkStatsErrors(t, a, []statsError{
			// Other frameworks have no indicator scores per village: 422
			// naming framework, before the default statuses are checked
			// against them.
			{path + "?framework=ipd", http.StatusUnprocessableEntity, []string{"framework"}},
			{path + "?framework=indeks_desa", http.StatusUnprocessableEntity, []string{"framework"}},
			{path + "?framework=ipd&status=maju", http.StatusUnprocessableEntity, []string{"framework"}},
			{path + "?status=bogus", http.StatusBadRequest, []string{"status"}},
			{path + "?region=99", http.StatusNotFound, nil},
			{path + "?region=6x", http.StatusBadRequest, []string{"region"}},
			{path + "?year=2030", http.StatusBadRequest, []string{"year"}},
			{path + "?framework=x", http.StatusBadRequest, []string{"framework"}},
		})
	})
}

// TestStatsDefaultYear: without a year a report covers the latest year with
// scores in the framework, and says so; a framework without any scores
// falls back to its last year.
func TestStatsDefaultYear(t *testing.T) {
	f, _ := indicator.FrameworkByCode("indeks_desa")
	_, last := f.Years()
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		year := func(target, key string) int {
			t.Helper()
			var doc map[string]any
			if err := json.Unmarshal(a.get(t, target, http.StatusOK).body, &doc); err != nil {
				t.Fatal(err)
			}
			n, _ := doc[key].(float64)
			return int(n)
		}
		const dist = "/v1/stats/status-distribution?framework=indeks_desa"
		if got := year(dist, "year"); got != last {
			t.Errorf("%s without scores: year %d, want the framework's last, %d", dist, got, last)
		}
		res := a.do(t, request{method: http.MethodPut, target: "/v1/villages/35.15.01.2001/scores/indeks_desa/2024",
			key: a.indicators, body: `{"status":"berkembang"}`})
		wantStatus(t, "PUT indeks_desa 2024", res, http.StatusCreated)
		for _, tt := range []struct {
			target, key string
			want        int
		}{
			{dist, "year", 2024},
			{"/v1/stats/scores?framework=indeks_desa", "year", 2024},
			{"/v1/stats/compare?framework=indeks_desa&regions=35", "year", 2024},
			{"/v1/stats/rankings?framework=indeks_desa", "year", 2024},
			{"/v1/stats/transitions?framework=indeks_desa&from=2025", "to", 2024},
			{"/v1/regions/35/profile?framework=indeks_desa", "year", 2024},
			// IDM's latest scores are in its last year.
			{"/v1/stats/status-distribution", "year", 2024},
			{"/v1/stats/gaps", "year", 2024},
		} {
			if got := year(tt.target, tt.key); got != tt.want {
				t.Errorf("%s: %s %d, want %d", tt.target, tt.key, got, tt.want)
			}
		}
		// The counts are those of that year.
		res = a.get(t, dist, http.StatusOK)
		if !strings.Contains(string(res.body), `"counts":{"sangat_tertinggal":0,"tertinggal":0,"berkembang":1,"maju":0,"mandiri":0}`) {
			t.Errorf("%s: not the 2024 counts:\n%s", dist, res.body)
		}
		// Trends end there too.
		res = a.get(t, "/v1/stats/trends?framework=indeks_desa", http.StatusOK)
		if !strings.Contains(string(res.body), `"data":[{"year":2024,`) || strings.Contains(string(res.body), `"year":2025`) {
			t.Errorf("indeks_desa trends do not end in 2024:\n%s", res.body)
		}
	})
}
