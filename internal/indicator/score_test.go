package indicator_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
)

func dec(s string) fixed.Dec { return fixed.MustParse(s) }

func decp(s string) *fixed.Dec {
	d := fixed.MustParse(s)
	return &d
}

func comps(kv ...string) map[string]fixed.Dec {
	out := map[string]fixed.Dec{}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = dec(kv[i+1])
	}
	return out
}

var (
	desa      = indicator.Village{Code: "64.01.01.2009", Type: "desa"}
	kelurahan = indicator.Village{Code: "35.78.01.1001", Type: "kelurahan"}
	desaAdat  = indicator.Village{Code: "91.03.01.3007", Type: "desa_adat"}
)

func TestNewScore(t *testing.T) {
	nextYear := time.Now().Year() + 1
	type result struct {
		Score    indicator.Score
		Problems []indicator.Problem
	}
	score := func(v indicator.Village, fw string, year int, cs map[string]fixed.Dec, sc *fixed.Dec, status, derived string) indicator.Score {
		return indicator.Score{VillageCode: v.Code, Framework: fw, Year: year, Components: cs, Score: sc,
			Status: status, DerivedStatus: derived, Source: "test"}
	}
	prob := func(field, code string) indicator.Problem { return indicator.Problem{Field: field, Code: code} }
	tests := []struct {
		name      string
		framework string
		village   indicator.Village
		year      int
		in        indicator.ScoreInput
		want      result
	}{
		{
			name: "idm components only: the score is their mean, the status derived", framework: "idm", village: desa, year: 2024,
			in: indicator.ScoreInput{Components: comps("iks", "0.8000", "ike", "0.9000", "ikl", "0.5333")},
			want: result{Score: score(desa, "idm", 2024, comps("iks", "0.8000", "ike", "0.9000", "ikl", "0.5333"),
				decp("0.7444"), "maju", "maju")},
		},
		{
			name: "idm mean lands on a boundary", framework: "idm", village: desa, year: 2024,
			in: indicator.ScoreInput{Components: comps("iks", "0.4907", "ike", "0.4907", "ikl", "0.4907")},
			want: result{Score: score(desa, "idm", 2024, comps("iks", "0.4907", "ike", "0.4907", "ikl", "0.4907"),
				decp("0.4907"), "sangat_tertinggal", "sangat_tertinggal")},
		},
		{
			name: "idm mean rounds over a boundary", framework: "idm", village: desa, year: 2024,
			// (0.4907 + 0.4908) / 2 = 0.49075 → 0.4908: tertinggal.
			in: indicator.ScoreInput{Components: comps("iks", "0.4907", "ike", "0.4908", "ikl", "0.49075")},
			want: result{Score: score(desa, "idm", 2024, comps("iks", "0.4907", "ike", "0.4908", "ikl", "0.4908"),
				decp("0.4908"), "tertinggal", "tertinggal")},
		},
		{
			name: "published status kept when it disagrees (62.13.06.2003 in IDM 2024)", framework: "idm", village: desa, year: 2024,
			in:   indicator.ScoreInput{Score: decp("0.7410"), Status: "berkembang"},
			want: result{Score: score(desa, "idm", 2024, comps(), decp("0.7410"), "berkembang", "maju")},
		},
		{
			name: "given score wins over the components' mean", framework: "idm", village: desa, year: 2024,
			in: indicator.ScoreInput{Components: comps("iks", "0.8000", "ike", "0.9000", "ikl", "0.5333"), Score: decp("0.7445")},
			want: result{Score: score(desa, "idm", 2024, comps("iks", "0.8000", "ike", "0.9000", "ikl", "0.5333"),
				decp("0.7445"), "maju", "maju")},
		},
		{
			name: "idm score at the bottom of the scale", framework: "idm", village: desa, year: 2015,
			in:   indicator.ScoreInput{Score: decp("0")},
			want: result{Score: score(desa, "idm", 2015, comps(), decp("0"), "sangat_tertinggal", "sangat_tertinggal")},
		},
		{
			name: "idm score at the top of the scale", framework: "idm", village: desaAdat, year: 2024,
			in:   indicator.ScoreInput{Score: decp("1")},
			want: result{Score: score(desaAdat, "idm", 2024, comps(), decp("1"), "mandiri", "mandiri")},
		},
		{
			name: "idm with nothing: a score must carry one", framework: "idm", village: desa, year: 2024,
			want: result{Score: score(desa, "idm", 2024, comps(), nil, "", ""),
				Problems: []indicator.Problem{prob("score", indicator.CodeMissing)}},
		},
		{
			name: "ipd with nothing", framework: "ipd", village: desa, year: 2024,
			want: result{Score: score(desa, "ipd", 2024, comps(), nil, "", ""),
				Problems: []indicator.Problem{prob("score", indicator.CodeMissing)}},
		},
		{
			name: "ipd with a status alone: ipd derives it from the score", framework: "ipd", village: desa, year: 2024,
			in: indicator.ScoreInput{Status: "mandiri"},
			want: result{Score: score(desa, "ipd", 2024, comps(), nil, "mandiri", ""),
				Problems: []indicator.Problem{prob("score", indicator.CodeMissing)}},
		},
		{
			name: "indeks_desa with nothing", framework: "indeks_desa", village: desa, year: 2024,
			want: result{Score: score(desa, "indeks_desa", 2024, comps(), nil, "", ""),
				Problems: []indicator.Problem{prob("status", indicator.CodeMissing)}},
		},
		{
			name: "indeks_desa with a published status alone", framework: "indeks_desa", village: desa, year: 2024,
			in:   indicator.ScoreInput{Status: "berkembang"},
			want: result{Score: score(desa, "indeks_desa", 2024, comps(), nil, "berkembang", "")},
		},
		{
			name: "indeks_desa with a score alone", framework: "indeks_desa", village: desa, year: 2024,
			in:   indicator.ScoreInput{Score: decp("61.5")},
			want: result{Score: score(desa, "indeks_desa", 2024, comps(), decp("61.5"), "", "")},
		},
		{
			name: "indeks_desa with a component alone", framework: "indeks_desa", village: desa, year: 2024,
			in:   indicator.ScoreInput{Components: comps("ekonomi", "55")},
			want: result{Score: score(desa, "indeks_desa", 2024, comps("ekonomi", "55"), nil, "", "")},
		},
		{
			name: "idm on a kelurahan", framework: "idm", village: kelurahan, year: 2024,
			in: indicator.ScoreInput{Score: decp("0.5")},
			want: result{Score: score(kelurahan, "idm", 2024, comps(), decp("0.5"), "tertinggal", "tertinggal"),
				Problems: []indicator.Problem{prob("village_code", indicator.CodeKelurahan)}},
		},
		{
			name: "indeks_desa on a kelurahan", framework: "indeks_desa", village: kelurahan, year: 2024,
			in: indicator.ScoreInput{Score: decp("70"), Status: "maju"},
			want: result{Score: score(kelurahan, "indeks_desa", 2024, comps(), decp("70"), "maju", ""),
				Problems: []indicator.Problem{prob("village_code", indicator.CodeKelurahan)}},
		},
		{
			name: "ipd on a kelurahan is allowed", framework: "ipd", village: kelurahan, year: 2018,
			in:   indicator.ScoreInput{Score: decp("75.0001")},
			want: result{Score: score(kelurahan, "ipd", 2018, comps(), decp("75.0001"), "mandiri", "mandiri")},
		},
		{
			name: "ipd at its upper boundary", framework: "ipd", village: desa, year: 2024,
			in:   indicator.ScoreInput{Score: decp("50")},
			want: result{Score: score(desa, "ipd", 2024, comps(), decp("50"), "tertinggal", "tertinggal")},
		},
		{
			name: "indeks_desa derives no status and keeps the published one", framework: "indeks_desa", village: desa, year: 2024,
			in: indicator.ScoreInput{Components: comps("layanan_dasar", "80", "sosial", "70"), Score: decp("72.5"), Status: "maju"},
			want: result{Score: score(desa, "indeks_desa", 2024, comps("layanan_dasar", "80", "sosial", "70"),
				decp("72.5"), "maju", "")},
		},
		{
			name: "indeks_desa: the score is not the mean, components alone give none", framework: "indeks_desa", village: desa, year: 2024,
			in:   indicator.ScoreInput{Components: comps("layanan_dasar", "80"), Status: "berkembang"},
			want: result{Score: score(desa, "indeks_desa", 2024, comps("layanan_dasar", "80"), nil, "berkembang", "")},
		},
		{
			name: "idm year before the first", framework: "idm", village: desa, year: 2014,
			in: indicator.ScoreInput{Score: decp("0.5")},
			want: result{Score: score(desa, "idm", 2014, comps(), decp("0.5"), "tertinggal", "tertinggal"),
				Problems: []indicator.Problem{prob("year", indicator.CodeWrongYear)}},
		},
		{
			name: "idm year after the last (IDM ended with 2024)", framework: "idm", village: desa, year: 2025,
			in: indicator.ScoreInput{Score: decp("0.5")},
			want: result{Score: score(desa, "idm", 2025, comps(), decp("0.5"), "tertinggal", "tertinggal"),
				Problems: []indicator.Problem{prob("year", indicator.CodeWrongYear)}},
		},
		{
			name: "indeks_desa before 2024", framework: "indeks_desa", village: desa, year: 2023,
			want: result{Score: score(desa, "indeks_desa", 2023, comps(), nil, "", ""),
				Problems: []indicator.Problem{prob("year", indicator.CodeWrongYear), prob("status", indicator.CodeMissing)}},
		},
		{
			name: "ipd in the future", framework: "ipd", village: desa, year: nextYear,
			in: indicator.ScoreInput{Score: decp("60")},
			want: result{Score: score(desa, "ipd", nextYear, comps(), decp("60"), "berkembang", "berkembang"),
				Problems: []indicator.Problem{prob("year", indicator.CodeWrongYear)}},
		},
		{
			name: "components out of range, reported in the framework's order", framework: "idm", village: desa, year: 2024,
			in: indicator.ScoreInput{Components: comps("ikl", "1.0001", "iks", "-0.0001", "ike", "0.5")},
			want: result{Score: score(desa, "idm", 2024, comps("ikl", "1.0001", "iks", "-0.0001", "ike", "0.5"),
				decp("0.5"), "tertinggal", "tertinggal"),
				Problems: []indicator.Problem{prob("iks", indicator.CodeOutOfRange), prob("ikl", indicator.CodeOutOfRange)}},
		},
		{
			name: "score out of range", framework: "idm", village: desa, year: 2024,
			in: indicator.ScoreInput{Score: decp("1.0001")},
			want: result{Score: score(desa, "idm", 2024, comps(), decp("1.0001"), "mandiri", "mandiri"),
				Problems: []indicator.Problem{prob("score", indicator.CodeOutOfRange)}},
		},
		{
			name: "negative score", framework: "ipd", village: desa, year: 2024,
			in: indicator.ScoreInput{Score: decp("-0.0001")},
			want: result{Score: score(desa, "ipd", 2024, comps(), decp("-0.0001"), "tertinggal", "tertinggal"),
				Problems: []indicator.Problem{prob("score", indicator.CodeOutOfRange)}},
		},
		{
			name: "ipd score over 100", framework: "ipd", village: desa, year: 2024,
			in: indicator.ScoreInput{Score: decp("100.0001")},
			want: result{Score: score(desa, "ipd", 2024, comps(), decp("100.0001"), "mandiri", "mandiri"),
				Problems: []indicator.Problem{prob("score", indicator.CodeOutOfRange)}},
		},
		{
			name: "unknown status", framework: "idm", village: desa, year: 2024,
			in: indicator.ScoreInput{Score: decp("0.7"), Status: "hebat"},
			want: result{Score: score(desa, "idm", 2024, comps(), decp("0.7"), "hebat", "berkembang"),
				Problems: []indicator.Problem{prob("status", indicator.CodeBadStatus)}},
		},
		{
			name: "a status of another framework", framework: "ipd", village: desa, year: 2024,
			in: indicator.ScoreInput{Score: decp("80"), Status: "maju"},
			want: result{Score: score(desa, "ipd", 2024, comps(), decp("80"), "maju", "mandiri"),
				Problems: []indicator.Problem{prob("status", indicator.CodeBadStatus)}},
		},
		{
			name: "status without a score", framework: "idm", village: desa, year: 2024,
			in: indicator.ScoreInput{Status: "maju"},
			want: result{Score: score(desa, "idm", 2024, comps(), nil, "maju", ""),
				Problems: []indicator.Problem{prob("score", indicator.CodeMissing)}},
		},
		{
			name: "some components and no score", framework: "idm", village: desa, year: 2024,
			in: indicator.ScoreInput{Components: comps("ike", "0.5")},
			want: result{Score: score(desa, "idm", 2024, comps("ike", "0.5"), nil, "", ""),
				Problems: []indicator.Problem{prob("iks", indicator.CodeMissing), prob("ikl", indicator.CodeMissing),
					prob("score", indicator.CodeMissing)}},
		},
		{
			name: "a component of another framework", framework: "idm", village: desa, year: 2024,
			in: indicator.ScoreInput{Components: comps("sosial", "0.5", "iks", "0.5", "ike", "0.5", "ikl", "0.5", "ekonomi", "2")},
			want: result{Score: score(desa, "idm", 2024, comps("iks", "0.5", "ike", "0.5", "ikl", "0.5"), decp("0.5"), "tertinggal", "tertinggal"),
				Problems: []indicator.Problem{prob("ekonomi", indicator.CodeUnknownField), prob("sosial", indicator.CodeUnknownField)}},
		},
		{
			name: "every rule at once", framework: "idm", village: kelurahan, year: 2030,
			in: indicator.ScoreInput{Components: comps("iks", "2"), Status: "hebat"},
			want: result{Score: score(kelurahan, "idm", 2030, comps("iks", "2"), nil, "hebat", ""),
				Problems: []indicator.Problem{prob("village_code", indicator.CodeKelurahan), prob("year", indicator.CodeWrongYear),
					prob("iks", indicator.CodeOutOfRange), prob("ike", indicator.CodeMissing), prob("ikl", indicator.CodeMissing),
					prob("status", indicator.CodeBadStatus), prob("score", indicator.CodeMissing)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Source = "test"
			sc, probs := framework(t, tt.framework).NewScore(tt.village, tt.year, tt.in)
			for i, p := range probs {
				if p.Message == "" {
					t.Errorf("problem %d (%s %s) has no message", i, p.Field, p.Code)
				}
				probs[i].Message = ""
			}
			if diff := cmp.Diff(tt.want, result{sc, probs}); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNewScoreDeterministic: the problems come in one order, whatever the
// order in which Go iterates the input's map.
func TestNewScoreDeterministic(t *testing.T) {
	f := framework(t, "idm")
	in := indicator.ScoreInput{Components: comps("ikl", "9", "iks", "9", "ike", "9", "zeta", "1", "alpha", "1")}
	_, first := f.NewScore(desa, 2024, in)
	for range 50 {
		_, again := f.NewScore(desa, 2024, in)
		if diff := cmp.Diff(first, again); diff != "" {
			t.Fatalf("problems differ between calls (-first +again):\n%s", diff)
		}
	}
	var fields []string
	for _, p := range first {
		fields = append(fields, p.Field)
	}
	if diff := cmp.Diff([]string{"iks", "ike", "ikl", "alpha", "zeta"}, fields); diff != "" {
		t.Errorf("problem order mismatch (-want +got):\n%s", diff)
	}
}

func TestDisagreesAndSameValues(t *testing.T) {
	base := indicator.Score{VillageCode: desa.Code, Framework: "idm", Year: 2024, Components: comps("iks", "0.7"),
		Score: decp("0.7410"), Status: "maju", DerivedStatus: "maju", Source: "a", ImportID: "x"}
	with := func(change func(*indicator.Score)) indicator.Score {
		s := base
		s.Components = comps("iks", "0.7")
		change(&s)
		return s
	}
	tests := []struct {
		name      string
		s         indicator.Score
		disagrees bool
		same      bool // as base
	}{
		{"itself", base, false, true},
		{"other source and import", with(func(s *indicator.Score) { s.Source, s.ImportID, s.UpdatedAt = "b", "y", time.Now() }), false, true},
		{"published differs", with(func(s *indicator.Score) { s.Status = "berkembang" }), true, false},
		{"no published status", with(func(s *indicator.Score) { s.Status = "" }), false, false},
		{"no derived status", with(func(s *indicator.Score) { s.DerivedStatus = "" }), false, false},
		{"other score", with(func(s *indicator.Score) { s.Score = decp("0.7411") }), false, false},
		{"no score", with(func(s *indicator.Score) { s.Score = nil }), false, false},
		{"other component", with(func(s *indicator.Score) { s.Components["iks"] = dec("0.7001") }), false, false},
		{"extra component", with(func(s *indicator.Score) { s.Components["ike"] = dec("0.7") }), false, false},
		{"no components", with(func(s *indicator.Score) { s.Components = nil }), false, false},
	}
	for _, tt := range tests {
		got := [2]bool{tt.s.Disagrees(), tt.s.SameValues(base)}
		if diff := cmp.Diff([2]bool{tt.disagrees, tt.same}, got); diff != "" {
			t.Errorf("%s: [Disagrees, SameValues] mismatch (-want +got):\n%s", tt.name, diff)
		}
		if tt.s.SameValues(base) != base.SameValues(tt.s) {
			t.Errorf("%s: SameValues is not symmetric", tt.name)
		}
	}
	noScores := indicator.Score{}
	if !noScores.SameValues(indicator.Score{Components: map[string]fixed.Dec{}}) {
		t.Error("an empty score differs from one with an empty component map")
	}
}
