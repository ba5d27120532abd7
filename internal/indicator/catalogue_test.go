package indicator

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
)

func dec(s string) *fixed.Dec {
	d := fixed.MustParse(s)
	return &d
}

func num(n int) *int { return &n }

// fieldsOf lists the fields an error names, or nil for no error.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	if !apperr.Is(err, apperr.Invalid) {
		t.Fatalf("error %v is %v, want invalid", err, apperr.KindOf(err))
	}
	var out []string
	for _, f := range err.(*apperr.Error).Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestIndicatorCheck(t *testing.T) {
	valid := Indicator{Code: "bps_penduduk", NameID: "Jumlah Penduduk", NameEN: "Population", Unit: "persons"}
	with := func(f func(*Indicator)) Indicator {
		ind := valid
		f(&ind)
		return ind
	}
	tests := []struct {
		name string
		ind  Indicator
		want []string // the fields named, nil: valid
	}{
		{"minimal", valid, nil},
		{"IDM entry", Indicator{Code: "idm_iks_01", NameID: "Akses Sarkes", NameEN: "Access to health facilities",
			Unit: "score", Framework: "idm", Dimension: "iks", Number: num(1), Min: dec("0"), Max: dec("5"), HigherIsBetter: true}, nil},
		{"two-character code", with(func(i *Indicator) { i.Code = "a1" }), nil},
		{"63-character code", with(func(i *Indicator) { i.Code = "a" + strings.Repeat("b", 62) }), nil},
		{"one-character code", with(func(i *Indicator) { i.Code = "a" }), []string{"code"}},
		{"64-character code", with(func(i *Indicator) { i.Code = "a" + strings.Repeat("b", 63) }), []string{"code"}},
		{"code starting with a digit", with(func(i *Indicator) { i.Code = "1abc" }), []string{"code"}},
		{"code starting with _", with(func(i *Indicator) { i.Code = "_abc" }), []string{"code"}},
		{"upper-case code", with(func(i *Indicator) { i.Code = "IDM_IKS_01" }), []string{"code"}},
		{"code with a dash", with(func(i *Indicator) { i.Code = "idm-iks" }), []string{"code"}},
		{"code with a space", with(func(i *Indicator) { i.Code = "idm iks" }), []string{"code"}},
		{"no names", with(func(i *Indicator) { i.NameID, i.NameEN = "", "" }), []string{"name_id", "name_en"}},
		{"long name", with(func(i *Indicator) { i.NameEN = strings.Repeat("x", 201) }), []string{"name_en"}},
		{"long unit", with(func(i *Indicator) { i.Unit = strings.Repeat("x", 51) }), []string{"unit"}},
		{"unknown framework", with(func(i *Indicator) { i.Framework = "sdgs" }), []string{"framework"}},
		{"each known framework", with(func(i *Indicator) { i.Framework = "ipd" }), nil},
		{"dimension of 50", with(func(i *Indicator) { i.Dimension = strings.Repeat("d", 50) }), nil},
		{"dimension of 51", with(func(i *Indicator) { i.Dimension = strings.Repeat("d", 51) }), []string{"dimension"}},
		{"number 0", with(func(i *Indicator) { i.Number = num(0) }), []string{"number"}},
		{"min above max", with(func(i *Indicator) { i.Min, i.Max = dec("5"), dec("0") }), []string{"min"}},
		{"min equal to max", with(func(i *Indicator) { i.Min, i.Max = dec("1"), dec("1") }), nil},
		{"only a min", with(func(i *Indicator) { i.Min = dec("-3.5") }), nil},
		{"max beyond numeric(14,4)", with(func(i *Indicator) { i.Max = dec("10000000000") }), []string{"max"}},
		{"everything wrong", Indicator{Code: "X", Framework: "x", Min: dec("2"), Max: dec("1")},
			[]string{"code", "name_id", "name_en", "framework", "min"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fieldsOf(t, tt.ind.Check())); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIndicatorApply(t *testing.T) {
	old := Indicator{Code: "idm_iks_01", NameID: "Akses Sarkes", NameEN: "Access", Unit: "score", Framework: "idm",
		Dimension: "iks", Number: num(1), Min: dec("0"), Max: dec("5"), HigherIsBetter: true}
	empty, name, no := "", "  Akses Sarana Kesehatan ", false
	got := old.Apply(IndicatorPatch{NameID: &name, Framework: &empty, Max: dec("10"), HigherIsBetter: &no})
	want := old
	want.NameID, want.Framework, want.Max, want.HigherIsBetter = "Akses Sarana Kesehatan", "", dec("10"), false
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Apply mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(old, old.Apply(IndicatorPatch{})); diff != "" {
		t.Errorf("an empty patch changed the indicator (-want +got):\n%s", diff)
	}
}

func TestCheckValue(t *testing.T) {
	score := Indicator{Code: "idm_iks_01", Min: dec("0"), Max: dec("5")}
	open := Indicator{Code: "bps_penduduk"}
	floor := Indicator{Code: "x_floor", Min: dec("-1")}
	tests := []struct {
		name string
		ind  Indicator
		year int
		v    string
		want []string // problem codes
	}{
		{"in range", score, 2024, "5", nil},
		{"lower bound", score, 2024, "0", nil},
		{"above max", score, 2024, "5.0001", []string{CodeOutOfRange}},
		{"below min", score, 2024, "-1", []string{CodeOutOfRange}},
		{"first year", score, 1900, "1", nil},
		{"last year", score, 2100, "1", nil},
		{"before 1900", score, 1899, "1", []string{CodeWrongYear}},
		{"after 2100", score, 2101, "9", []string{CodeWrongYear, CodeOutOfRange}},
		{"unbounded", open, 2024, "-123456.5", nil},
		{"unbounded but beyond numeric(14,4)", open, 2024, "10000000000", []string{CodeOutOfRange}},
		{"only a min", floor, 2024, "99999", nil},
		{"under the min", floor, 2024, "-1.5", []string{CodeOutOfRange}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range checkValue(tt.ind, tt.year, fixed.MustParse(tt.v)) {
				got = append(got, p.Code)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
