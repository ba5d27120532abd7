package stats_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
)

func decs(ss ...string) []fixed.Dec {
	out := make([]fixed.Dec, len(ss))
	for i, s := range ss {
		out[i] = fixed.MustParse(s)
	}
	return out
}

func p(s string) *fixed.Dec {
	d := fixed.MustParse(s)
	return &d
}

// TestStatsSummarize checks the quartiles against values worked out by hand:
// position k(n−1)/4 in the sorted values, linear interpolation between the
// two closest ranks (PostgreSQL's percentile_cont), rounded half away from
// zero to four places.
func TestStatsSummarize(t *testing.T) {
	tests := []struct {
		name string
		in   []fixed.Dec
		want stats.Summary
	}{
		{"empty", nil, stats.Summary{}},
		{"one value", decs("0.5000"), stats.Summary{N: 1, Mean: p("0.5"), Min: p("0.5"), Max: p("0.5"),
			P25: p("0.5"), Median: p("0.5"), P75: p("0.5")}},
		// 0.4907 + ¼·0.1082 = 0.51775 → 0.5178; + ½ → 0.5448; + ¾ = 0.57185 → 0.5719.
		{"two values, unsorted, halves rounded up", decs("0.5989", "0.4907"), stats.Summary{N: 2, Mean: p("0.5448"),
			Min: p("0.4907"), Max: p("0.5989"), P25: p("0.5178"), Median: p("0.5448"), P75: p("0.5719")}},
		// Positions 0.5, 1, 1.5 of 0.7410, 0.8000, 0.9000.
		{"three values", decs("0.9", "0.741", "0.8"), stats.Summary{N: 3, Mean: p("0.8137"),
			Min: p("0.741"), Max: p("0.9"), P25: p("0.7705"), Median: p("0.8"), P75: p("0.85")}},
		// Positions 0.75, 1.5, 2.25 of 0.40, 0.65, 0.80, 0.80.
		{"four values with a tie", decs("0.8", "0.4", "0.65", "0.8"), stats.Summary{N: 4, Mean: p("0.6625"),
			Min: p("0.4"), Max: p("0.8"), P25: p("0.5875"), Median: p("0.725"), P75: p("0.8")}},
		// Positions 1, 2, 3 exactly: no interpolation.
		{"five values", decs("0.7", "0.8", "0.8", "0.4907", "0.5989"), stats.Summary{N: 5, Mean: p("0.6779"),
			Min: p("0.4907"), Max: p("0.8"), P25: p("0.5989"), Median: p("0.7"), P75: p("0.8")}},
		// In units of 0.0001: 1 + ¾ = 1.75 → 2; 2.5 → 3; 3.25 → 3.
		{"sub-unit interpolation", decs("0.0001", "0.0002", "0.0003", "0.0004"), stats.Summary{N: 4, Mean: p("0.0003"),
			Min: p("0.0001"), Max: p("0.0004"), P25: p("0.0002"), Median: p("0.0003"), P75: p("0.0003")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			got := stats.Summarize(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Summarize(%v) mismatch (-want +got):\n%s", in, diff)
			}
			if !slices.Equal(in, tt.in) {
				t.Errorf("Summarize reordered its argument: %v, was %v", tt.in, in)
			}
		})
	}
}

func TestStatsShare(t *testing.T) {
	tests := []struct {
		count, total int
		want         string
	}{
		{0, 0, "0.0000"},
		{3, 0, "0.0000"},
		{0, 7, "0.0000"},
		{1, 3, "0.3333"},
		{2, 3, "0.6667"},
		{1, 8, "0.1250"},
		{1, 20000, "0.0001"}, // 0.00005: half rounds away from zero
		{1, 30000, "0.0000"},
		{7, 7, "1.0000"},
	}
	for _, tt := range tests {
		if got := stats.Share(tt.count, tt.total).String(); got != tt.want {
			t.Errorf("Share(%d, %d) = %s, want %s", tt.count, tt.total, got, tt.want)
		}
	}
}

func TestStatsSummarizeTransitions(t *testing.T) {
	idm, err := indicator.FrameworkByCode("idm")
	if err != nil {
		t.Fatal(err)
	}
	cells := []stats.Transition{
		{"berkembang", "berkembang", 2}, {"berkembang", "maju", 1}, {"mandiri", "maju", 1},
		{"tertinggal", "sangat_tertinggal", 1}, {"sangat_tertinggal", "mandiri", 3}, {"maju", "maju", 0},
	}
	got := stats.SummarizeTransitions(idm, cells, 10)
	want := stats.TransitionSummary{Up: 4, Same: 2, Down: 2, Missing: 2}
	if got != want {
		t.Errorf("SummarizeTransitions = %+v, want %+v", got, want)
	}
	// More villages in the cells than eligible (data out of step) never
	// makes missing negative.
	if got := stats.SummarizeTransitions(idm, cells, 5); got.Missing != 0 {
		t.Errorf("missing = %d with fewer eligible than counted, want 0", got.Missing)
	}
}

// ok stands for "no error" among apperr kinds (whose zero is Internal).
const ok apperr.Kind = -1

func TestStatsCheckLevel(t *testing.T) {
	idm, _ := indicator.FrameworkByCode("idm")
	national := stats.Scope{Framework: idm}
	in := func(code string, l region.Level) stats.Scope {
		return stats.Scope{Framework: idm, Region: code, Level: l}
	}
	tests := []struct {
		sc    stats.Scope
		level region.Level
		want  apperr.Kind // ok: accepted
	}{
		{national, region.LevelProvince, ok},
		{national, region.LevelRegency, ok},
		{national, region.LevelDistrict, ok},
		{national, region.LevelVillage, apperr.Invalid},
		{national, "kecamatan", apperr.BadRequest},
		{national, "", apperr.BadRequest},
		{in("35", region.LevelProvince), region.LevelRegency, ok},
		{in("35", region.LevelProvince), region.LevelDistrict, ok},
		{in("35", region.LevelProvince), region.LevelProvince, apperr.Invalid},
		{in("35.78", region.LevelRegency), region.LevelDistrict, ok},
		{in("35.78", region.LevelRegency), region.LevelRegency, apperr.Invalid},
		{in("35.78", region.LevelRegency), region.LevelProvince, apperr.Invalid},
		{in("35.78.01", region.LevelDistrict), region.LevelDistrict, apperr.Invalid},
		{in("35.78.01.1001", region.LevelVillage), region.LevelDistrict, apperr.Invalid},
	}
	for _, tt := range tests {
		err := stats.CheckLevel(tt.sc, tt.level)
		got := ok
		if err != nil {
			got = apperr.KindOf(err)
		}
		if got != tt.want {
			t.Errorf("CheckLevel(%q, %q) = %v (kind %v), want kind %v", tt.sc.Region, tt.level, err, got, tt.want)
		}
	}
}

func TestStatsYear(t *testing.T) {
	idm, _ := indicator.FrameworkByCode("idm")
	if y, err := stats.Year(idm, nil, "year"); err != nil || y != 2024 {
		t.Errorf("Year(idm, nil) = %d, %v; want 2024 (the last IDM year)", y, err)
	}
	for _, y := range []int{2015, 2020, 2024} {
		if got, err := stats.Year(idm, &y, "year"); err != nil || got != y {
			t.Errorf("Year(idm, %d) = %d, %v", y, got, err)
		}
	}
	for _, y := range []int{2014, 2025, 0, -1} {
		_, err := stats.Year(idm, &y, "to")
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Kind != apperr.BadRequest || len(ae.Fields) != 1 || ae.Fields[0].Field != "to" {
			t.Errorf("Year(idm, %d) = %v, want a bad request naming to", y, err)
		}
	}
}
