package cooperation

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
)

// The hand-made outcome fixture (the HTTP test loads the same one). IDM
// statuses: sangat_tertinggal ≤0.4907 < tertinggal ≤0.5989 < berkembang
// ≤0.7072 < maju ≤0.8155 < mandiri. Baseline year B, comparison year Y.
//
// Regency 64.01                         B                    Y
//
//	T1 target  64.01.01.2001   tertinggal 0.5500   berkembang 0.6200   up, reached, +0.0700
//	T2 target  64.01.01.2002   tertinggal 0.5600   tertinggal 0.5800   unchanged,   +0.0200
//	T3 target  64.01.01.2003   sangat     0.4500   tertinggal 0.5200   up, reached, +0.0700
//	T4 target  64.01.01.2004   tertinggal 0.5700   —                   missing year
//	T5 target  64.01.01.2005   —                   berkembang 0.6500   missing baseline
//	C1         64.01.02.2001   tertinggal 0.5000   tertinggal 0.5100   comparison, unchanged, +0.0100
//	C2         64.01.02.2002   tertinggal 0.5900   sangat     0.4800   comparison, down,      −0.1100
//	C3         64.01.02.2003   sangat     0.4000   berkembang 0.6100   comparison, up, reached, +0.2100
//	C4         64.01.02.2004   berkembang 0.6500   maju       0.7500   not comparison: no berkembang target in 64.01
//	C5         64.01.02.2005   tertinggal 0.5200   —                   comparison, missing year
//
// Regency 35.15
//
//	T6 target  35.15.01.2001   berkembang 0.6600   maju       0.7200   up; target mandiri: not reached, +0.0600
//	C6         35.15.01.2002   berkembang 0.6800   berkembang 0.7000   comparison, unchanged, +0.0200
//	C7         35.15.01.2003   tertinggal 0.5500   berkembang 0.6200   not comparison: no tertinggal target in 35.15
//
// Regency 91.03 (no targets)
//
//	D          91.03.01.3007   tertinggal 0.5500   berkembang 0.6200   not comparison: another regency
//
// Targets: n 6, compared 4 (T1 T2 T3 T6), missing 2 (T4 year, T5 baseline);
// moved up 3, unchanged 1, down 0; reached 2 (T1 T3); share 3/4 = 0.7500;
// mean change (0.07+0.02+0.07+0.06)/4 = 0.0550.
// Comparison: n 5 (C1 C2 C3 C5 C6), compared 4, missing 1 (C5 year); up 1,
// unchanged 2, down 1; reached 1 (C3); share 1/4 = 0.2500; mean change
// (0.01−0.11+0.21+0.02)/4 = 0.0325.
// Difference: share 0.5000, mean change 0.0225, n 4 and 4.

var outcomeScores = []struct {
	code string
	base string // "" : no score
	year string
}{
	{"64.01.01.2001", "0.5500", "0.6200"},
	{"64.01.01.2002", "0.5600", "0.5800"},
	{"64.01.01.2003", "0.4500", "0.5200"},
	{"64.01.01.2004", "0.5700", ""},
	{"64.01.01.2005", "", "0.6500"},
	{"64.01.02.2001", "0.5000", "0.5100"},
	{"64.01.02.2002", "0.5900", "0.4800"},
	{"64.01.02.2003", "0.4000", "0.6100"},
	{"64.01.02.2004", "0.6500", "0.7500"},
	{"64.01.02.2005", "0.5200", ""},
	{"35.15.01.2001", "0.6600", "0.7200"},
	{"35.15.01.2002", "0.6800", "0.7000"},
	{"35.15.01.2003", "0.5500", "0.6200"},
	{"91.03.01.3007", "0.5500", "0.6200"},
}

func dec(s string) *fixed.Dec {
	d := fixed.MustParse(s)
	return &d
}

func statusCounts(st, t, b, m, md int) map[string]int {
	return map[string]int{"sangat_tertinggal": st, "tertinggal": t, "berkembang": b, "maju": m, "mandiri": md}
}

func TestComputeOutcome(t *testing.T) {
	idm, err := indicator.FrameworkByCode("idm")
	if err != nil {
		t.Fatal(err)
	}
	base, year := map[string]VillageScore{}, map[string]VillageScore{}
	for _, s := range outcomeScores {
		for _, x := range []struct {
			m map[string]VillageScore
			v string
		}{{base, s.base}, {year, s.year}} {
			if x.v != "" {
				x.m[s.code] = VillageScore{VillageCode: s.code, RegencyCode: s.code[:5], Score: dec(x.v), Status: idm.Classify(*dec(x.v))}
			}
		}
	}
	targets := []TargetRef{
		{"64.01.01.2001", "64.01", ""}, {"64.01.01.2002", "64.01", ""}, {"64.01.01.2003", "64.01", ""},
		{"64.01.01.2004", "64.01", ""}, {"64.01.01.2005", "64.01", ""}, {"35.15.01.2001", "35.15", "mandiri"},
	}
	tg, cg, d := ComputeOutcome(idm, targets, base, year)
	wantT := Group{N: 6, Compared: 4, Missing: 2, MissingBaseline: 1, MissingYear: 1,
		BaselineStatus: statusCounts(1, 3, 1, 0, 0), YearStatus: statusCounts(0, 2, 2, 1, 0),
		MovedUp: 3, Unchanged: 1, MovedDown: 0, ReachedTarget: 2, ShareMovedUp: dec("0.7500"),
		MeanScoreChange: dec("0.0550"), ScoreCompared: 4}
	wantC := Group{N: 5, Compared: 4, Missing: 1, MissingBaseline: 0, MissingYear: 1,
		BaselineStatus: statusCounts(1, 3, 1, 0, 0), YearStatus: statusCounts(1, 1, 2, 0, 0),
		MovedUp: 1, Unchanged: 2, MovedDown: 1, ReachedTarget: 1, ShareMovedUp: dec("0.2500"),
		MeanScoreChange: dec("0.0325"), ScoreCompared: 4}
	wantD := Difference{ShareMovedUp: dec("0.5000"), MeanScoreChange: dec("0.0225"), NTargets: 4, NComparison: 4}
	if diff := cmp.Diff(wantT, tg); diff != "" {
		t.Errorf("targets mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantC, cg); diff != "" {
		t.Errorf("comparison mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantD, d); diff != "" {
		t.Errorf("difference mismatch (-want +got):\n%s", diff)
	}
}

func TestComputeOutcomeEmpty(t *testing.T) {
	idm, _ := indicator.FrameworkByCode("idm")
	tg, cg, d := ComputeOutcome(idm, nil, nil, nil)
	if tg.N != 0 || cg.N != 0 || tg.ShareMovedUp != nil || tg.MeanScoreChange != nil || d.ShareMovedUp != nil || d.MeanScoreChange != nil {
		t.Errorf("empty outcome: %+v %+v %+v", tg, cg, d)
	}
	if len(tg.BaselineStatus) != 5 || len(cg.YearStatus) != 5 {
		t.Errorf("status counts must list every status, got %v and %v", tg.BaselineStatus, cg.YearStatus)
	}
}

func TestRatio(t *testing.T) {
	for _, tc := range []struct {
		a, b int
		want string
	}{{1, 3, "0.3333"}, {2, 3, "0.6667"}, {1, 8, "0.1250"}, {0, 5, "0.0000"}, {5, 5, "1.0000"}, {1, 20000, "0.0001"}, {1, 30000, "0.0000"}} {
		if got := ratio(tc.a, tc.b).String(); got != tc.want {
			t.Errorf("ratio(%d, %d) = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
}
