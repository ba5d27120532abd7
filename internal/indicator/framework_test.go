package indicator_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
)

func framework(t *testing.T, code string) indicator.Framework {
	t.Helper()
	f, err := indicator.FrameworkByCode(code)
	if err != nil {
		t.Fatalf("FrameworkByCode(%q): %v", code, err)
	}
	return f
}

// TestClassify checks every threshold from both sides, and the ends of the
// scale.
func TestClassify(t *testing.T) {
	tests := []struct {
		framework, score, want string
	}{
		{"idm", "0", "sangat_tertinggal"},
		{"idm", "0.0001", "sangat_tertinggal"},
		{"idm", "0.4907", "sangat_tertinggal"},
		{"idm", "0.4908", "tertinggal"},
		{"idm", "0.5989", "tertinggal"},
		{"idm", "0.5990", "berkembang"},
		{"idm", "0.7072", "berkembang"},
		{"idm", "0.7073", "maju"},
		{"idm", "0.7410", "maju"},
		{"idm", "0.8155", "maju"},
		{"idm", "0.8156", "mandiri"},
		{"idm", "0.9999", "mandiri"},
		{"idm", "1", "mandiri"},
		// Parsed at five places, a value rounds onto or over a boundary.
		{"idm", "0.49074", "sangat_tertinggal"},
		{"idm", "0.49075", "tertinggal"},
		{"idm", "0.81554", "maju"},
		{"idm", "0.81555", "mandiri"},

		{"ipd", "0", "tertinggal"},
		{"ipd", "50", "tertinggal"},
		{"ipd", "50.0001", "berkembang"},
		{"ipd", "75", "berkembang"},
		{"ipd", "75.0001", "mandiri"},
		{"ipd", "100", "mandiri"},

		// Indeks Desa's thresholds are not confirmed: no status is derived.
		{"indeks_desa", "0", ""},
		{"indeks_desa", "50", ""},
		{"indeks_desa", "75.0001", ""},
		{"indeks_desa", "100", ""},
	}
	for _, tt := range tests {
		t.Run(tt.framework+"/"+tt.score, func(t *testing.T) {
			got := framework(t, tt.framework).Classify(fixed.MustParse(tt.score))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Classify(%s) mismatch (-want +got):\n%s", tt.score, diff)
			}
		})
	}
}

// TestFrameworks pins what each regulation defines.
func TestFrameworks(t *testing.T) {
	type summary struct {
		Code                 string
		Components, Statuses []string
		Uppers               []string // "" for none
		Min, Max             string
		ScoreIsMean          bool
		DerivesStatus        bool
		KelurahanExcluded    bool
		FirstYear, LastYear  int
	}
	now := time.Now().Year()
	want := []summary{
		{Code: "idm", Components: []string{"iks", "ike", "ikl"},
			Statuses: []string{"sangat_tertinggal", "tertinggal", "berkembang", "maju", "mandiri"},
			Uppers:   []string{"0.4907", "0.5989", "0.7072", "0.8155", ""}, Min: "0.0000", Max: "1.0000",
			ScoreIsMean: true, DerivesStatus: true, KelurahanExcluded: true, FirstYear: 2015, LastYear: 2024},
		{Code: "indeks_desa", Components: []string{"layanan_dasar", "sosial", "ekonomi", "lingkungan", "aksesibilitas", "tata_kelola"},
			Statuses: []string{"sangat_tertinggal", "tertinggal", "berkembang", "maju", "mandiri"},
			Uppers:   []string{"", "", "", "", ""}, Min: "0.0000", Max: "100.0000",
			KelurahanExcluded: true, FirstYear: 2024, LastYear: now},
		{Code: "ipd", Components: []string{},
			Statuses: []string{"tertinggal", "berkembang", "mandiri"},
			Uppers:   []string{"50.0000", "75.0000", ""}, Min: "0.0000", Max: "100.0000",
			DerivesStatus: true, FirstYear: 2011, LastYear: now},
	}
	var got []summary
	for _, f := range indicator.Frameworks() {
		s := summary{Code: f.Code, Components: []string{}, Statuses: f.StatusSlugs(), Min: f.Min.String(), Max: f.Max.String(),
			ScoreIsMean: f.ScoreIsMean, DerivesStatus: f.DerivesStatus, KelurahanExcluded: f.KelurahanExcluded}
		s.FirstYear, s.LastYear = f.Years()
		for _, c := range f.Components {
			s.Components = append(s.Components, c.Code)
			if !f.HasComponent(c.Code) {
				t.Errorf("%s.HasComponent(%q) = false", f.Code, c.Code)
			}
		}
		for _, st := range f.Statuses {
			u := ""
			if st.Upper != nil {
				u = st.Upper.String()
			}
			s.Uppers = append(s.Uppers, u)
		}
		got = append(got, s)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("frameworks mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"idm", "indeks_desa", "ipd"}, indicator.FrameworkCodes()); diff != "" {
		t.Errorf("FrameworkCodes mismatch (-want +got):\n%s", diff)
	}
	wantCols := []string{"iks", "ike", "ikl", "layanan_dasar", "sosial", "ekonomi", "lingkungan", "aksesibilitas", "tata_kelola"}
	if diff := cmp.Diff(wantCols, indicator.AllComponents()); diff != "" {
		t.Errorf("AllComponents mismatch (-want +got):\n%s", diff)
	}
	// Frameworks hands out a copy.
	fs := indicator.Frameworks()
	fs[0].Code = "changed"
	if indicator.Frameworks()[0].Code != "idm" {
		t.Error("changing the result of Frameworks changed the frameworks")
	}
}

func TestFrameworkByCodeUnknown(t *testing.T) {
	for _, code := range []string{"", "IDM", "idm2", "sdgs"} {
		if _, err := indicator.FrameworkByCode(code); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("FrameworkByCode(%q) error = %v, want NotFound", code, err)
		}
	}
}

func TestRankAndNext(t *testing.T) {
	idm, ipd := framework(t, "idm"), framework(t, "ipd")
	tests := []struct {
		f      indicator.Framework
		status string
		rank   int
		next   string
	}{
		{idm, "sangat_tertinggal", 0, "tertinggal"},
		{idm, "tertinggal", 1, "berkembang"},
		{idm, "berkembang", 2, "maju"},
		{idm, "maju", 3, "mandiri"},
		{idm, "mandiri", 4, "mandiri"},
		{idm, "hebat", -1, ""},
		{idm, "", -1, ""},
		{ipd, "tertinggal", 0, "berkembang"},
		{ipd, "berkembang", 1, "mandiri"},
		{ipd, "mandiri", 2, "mandiri"},
		{ipd, "maju", -1, ""}, // not an IPD status
	}
	for _, tt := range tests {
		got := struct {
			Rank int
			Next string
		}{tt.f.Rank(tt.status), tt.f.Next(tt.status)}
		want := struct {
			Rank int
			Next string
		}{tt.rank, tt.next}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s %q mismatch (-want +got):\n%s", tt.f.Code, tt.status, diff)
		}
	}
}
