package fixed_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/fixed"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want fixed.Dec // in ten-thousandths
		err  error
	}{
		// Plain values, and the IDM status boundaries exactly.
		{"0", 0, nil},
		{"1", 10000, nil},
		{"0.7410", 7410, nil},
		{"0.4907", 4907, nil},
		{"0.4908", 4908, nil},
		{"0.5989", 5989, nil},
		{"0.5990", 5990, nil},
		{"0.7072", 7072, nil},
		{"0.7073", 7073, nil},
		{"0.8155", 8155, nil},
		{"0.8156", 8156, nil},
		{"50", 500000, nil},
		{"50.0001", 500001, nil},
		{"75.0001", 750001, nil},
		{"100", 1000000, nil},
		{"12", 120000, nil},
		{"3.1", 31000, nil},
		{"007.50", 75000, nil},
		{".5", 5000, nil},
		{"5.", 50000, nil},
		{"  0.5\t", 5000, nil},
		{"0.00000000000000000001", 0, nil},

		// Rounding half away from zero at the fifth place; later digits
		// never reach back past it.
		{"0.49074", 4907, nil},
		{"0.49075", 4908, nil},
		{"0.490749999999", 4907, nil},
		{"0.490750000001", 4908, nil},
		{"0.49079", 4908, nil},
		{"3.14159", 31416, nil},
		{"0.00005", 1, nil},
		{"0.00004", 0, nil},
		{"0.99995", 10000, nil},
		{"9.99995", 100000, nil},
		{"-0.49075", -4908, nil},
		{"-0.49074", -4907, nil},
		{"-0.00005", -1, nil},
		{"-0.00004", 0, nil},
		{"-0.99995", -10000, nil},

		// Signs.
		{"-1", -10000, nil},
		{"+1", 10000, nil},
		{"-0.7410", -7410, nil},
		{"+0.7410", 7410, nil},
		{"-0", 0, nil},
		{"-.5", -5000, nil},
		{" -0.5 ", -5000, nil},

		// Bad syntax.
		{"", 0, fixed.ErrSyntax},
		{" ", 0, fixed.ErrSyntax},
		{".", 0, fixed.ErrSyntax},
		{"-", 0, fixed.ErrSyntax},
		{"+", 0, fixed.ErrSyntax},
		{"-.", 0, fixed.ErrSyntax},
		{"--1", 0, fixed.ErrSyntax},
		{"+-1", 0, fixed.ErrSyntax},
		{"- 1", 0, fixed.ErrSyntax},
		{"1-", 0, fixed.ErrSyntax},
		{"1.2.3", 0, fixed.ErrSyntax},
		{"1,5", 0, fixed.ErrSyntax},
		{"1 000", 0, fixed.ErrSyntax},
		{"1_000", 0, fixed.ErrSyntax},
		{"1e", 0, fixed.ErrSyntax},
		{"e5", 0, fixed.ErrSyntax},
		{"-e5", 0, fixed.ErrSyntax},
		{".e5", 0, fixed.ErrSyntax},
		{"1e+", 0, fixed.ErrSyntax},
		{"1e--1", 0, fixed.ErrSyntax},
		{"1e1.5", 0, fixed.ErrSyntax},
		{"1e3e1", 0, fixed.ErrSyntax},
		{"1 e3", 0, fixed.ErrSyntax},
		{"+-1e3", 0, fixed.ErrSyntax},
		{"0x10", 0, fixed.ErrSyntax},
		{"abc", 0, fixed.ErrSyntax},
		{"NaN", 0, fixed.ErrSyntax},
		{"Inf", 0, fixed.ErrSyntax},
		{"-Inf", 0, fixed.ErrSyntax},
		{"١", 0, fixed.ErrSyntax}, // an Arabic-Indic digit
		{"0.5x", 0, fixed.ErrSyntax},
		{"x0.5", 0, fixed.ErrSyntax},
		{`"0.5"`, 0, fixed.ErrSyntax},

		// Exponent notation, exact: the exponent moves the point.
		{"1e-3", 10, nil},
		{"1E3", 10000000, nil},
		{"5e-1", 5000, nil},
		{"-5E-1", -5000, nil},
		{"+7.41e-1", 7410, nil},
		{"1.5e+2", 1500000, nil},
		{"1.e2", 1000000, nil},
		{".5e1", 50000, nil},
		{"0.0005e1", 50, nil},
		{"49075e-5", 4908, nil}, // rounds as 0.49075 does
		{"0.49074999e0", 4907, nil},
		{"5e-5", 1, nil},
		{"-5e-5", -1, nil},
		{"4.9999e-5", 0, nil},
		{"1e-5", 0, nil},
		{"9e-6", 0, nil},
		{"1e-400", 0, nil},
		{"1e-99999999999999999999", 0, nil},
		{"0e400", 0, nil},
		{"-0.000e99999999999999999999", 0, nil},
		{"9.223372036854775807e14", math.MaxInt64, nil},
		{"-9223372036854775808e-4", math.MinInt64, nil},
		{"9.223372036854775808e14", 0, fixed.ErrRange},
		{"1e15", 0, fixed.ErrRange},
		{"1e400", 0, fixed.ErrRange},
		{"1e99999999999999999999", 0, fixed.ErrRange},

		// The range of an int64 of ten-thousandths, to the last unit.
		{"922337203685477.5807", math.MaxInt64, nil},
		{"922337203685477.58074", math.MaxInt64, nil},
		{"-922337203685477.5808", math.MinInt64, nil},
		{"-922337203685477.58084", math.MinInt64, nil},
		{"922337203685477.5808", 0, fixed.ErrRange},
		{"922337203685477.58075", 0, fixed.ErrRange}, // rounds up past the top
		{"-922337203685477.5809", 0, fixed.ErrRange},
		{"-922337203685477.58085", 0, fixed.ErrRange},
		{"922337203685478", 0, fixed.ErrRange},
		{"1000000000000000", 0, fixed.ErrRange},
		{"99999999999999999999", 0, fixed.ErrRange},
		{"-99999999999999999999", 0, fixed.ErrRange},
		{strings.Repeat("9", 400), 0, fixed.ErrRange},
		{"0000000000000000000000000000001", 10000, nil}, // leading zeros are not magnitude
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := fixed.Parse(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParse(\"x\") did not panic")
		}
	}()
	fixed.MustParse("x")
}

func TestString(t *testing.T) {
	tests := []struct {
		in   fixed.Dec
		want string
	}{
		{0, "0.0000"},
		{1, "0.0001"},
		{-1, "-0.0001"},
		{10, "0.0010"},
		{7410, "0.7410"},
		{4907, "0.4907"},
		{10000, "1.0000"},
		{-30000, "-3.0000"},
		{-7410, "-0.7410"},
		{500001, "50.0001"},
		{1000000, "100.0000"},
		{math.MaxInt64, "922337203685477.5807"},
		{math.MinInt64, "-922337203685477.5808"},
		{math.MinInt64 + 1, "-922337203685477.5807"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.in.String()); diff != "" {
			t.Errorf("Dec(%d).String() mismatch (-want +got):\n%s", int64(tt.in), diff)
		}
	}
}

func TestConversions(t *testing.T) {
	type got struct {
		Units int64
		Float float64
	}
	tests := []struct {
		name string
		d    fixed.Dec
		want got
	}{
		{"FromInt(1)", fixed.FromInt(1), got{10000, 1}},
		{"FromInt(-75)", fixed.FromInt(-75), got{-750000, -75}},
		{"FromFloat(0.4907)", fixed.FromFloat(0.4907), got{4907, 0.4907}},
		// What SQLite's REAL gives back for 4-decimal values.
		{"FromFloat(0.5989)", fixed.FromFloat(0.5989), got{5989, 0.5989}},
		{"FromFloat(0.7072999999999999)", fixed.FromFloat(0.7072999999999999), got{7073, 0.7073}},
		{"FromFloat(0.81549999)", fixed.FromFloat(0.81549999), got{8155, 0.8155}},
		{"FromFloat(-0.00005)", fixed.FromFloat(-0.00005), got{-1, -0.0001}},
		{"FromFloat(75.0001)", fixed.FromFloat(75.0001), got{750001, 75.0001}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, got{tt.d.Units(), tt.d.Float()}); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestMean(t *testing.T) {
	d := fixed.MustParse
	tests := []struct {
		name string
		in   []fixed.Dec
		want fixed.Dec
	}{
		{"none", nil, 0},
		{"one", []fixed.Dec{d("0.7410")}, d("0.7410")},
		{"IDM of KEUDE BAKONGAN", []fixed.Dec{d("0.8000"), d("0.9000"), d("0.5333")}, d("0.7444")}, // 0.74443…
		{"exact", []fixed.Dec{d("0.6"), d("0.6"), d("0.6")}, d("0.6")},
		{"a third rounds down", []fixed.Dec{1, 0, 0}, 0},
		{"two thirds round up", []fixed.Dec{1, 1, 0}, 1},
		{"tie rounds up", []fixed.Dec{1, 0}, 1},
		{"tie of three halves", []fixed.Dec{3, 0}, 2}, // 1.5 → 2
		{"tie at a boundary", []fixed.Dec{d("0.4907"), d("0.4908")}, d("0.4908")},
		{"just below a tie", []fixed.Dec{d("0.4907"), d("0.4907"), d("0.4908")}, d("0.4907")},
		{"negative tie rounds away from zero", []fixed.Dec{-1, 0}, -1},
		{"negative three halves", []fixed.Dec{-3, 0}, -2},
		{"negative third", []fixed.Dec{-1, 0, 0}, 0},
		{"negative two thirds", []fixed.Dec{-1, -1, 0}, -1},
		{"mixed signs cancel", []fixed.Dec{d("-0.5"), d("0.5")}, 0},
		{"mixed signs, negative mean", []fixed.Dec{d("-1"), d("0.4999")}, d("-0.2501")}, // -0.25005
		{"mixed signs, positive tie", []fixed.Dec{d("1"), d("-0.4999")}, d("0.2501")},   // 0.25005
		{"six Indeks Desa dimensions", []fixed.Dec{d("80"), d("75.5"), d("60"), d("90.25"), d("55"), d("70")}, d("71.7917")},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, fixed.Mean(tt.in...)); diff != "" {
			t.Errorf("%s: Mean%v mismatch (-want +got):\n%s", tt.name, tt.in, diff)
		}
	}
}

func TestJSON(t *testing.T) {
	type doc struct {
		A fixed.Dec  `json:"a"`
		B *fixed.Dec `json:"b"`
		C *fixed.Dec `json:"c,omitempty"`
	}
	v := fixed.MustParse("0.7410")
	neg := fixed.MustParse("-12.5")
	in := doc{A: v, B: &neg}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"a":0.7410,"b":-12.5000}`, string(b)); diff != "" {
		t.Errorf("Marshal mismatch (-want +got):\n%s", diff)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}

	tests := []struct {
		in   string
		want doc
		bad  bool
	}{
		{in: `{"a":0.4907}`, want: doc{A: 4907}},
		{in: `{"a":0.49075}`, want: doc{A: 4908}},
		{in: `{"a":"0.5989"}`, want: doc{A: 5989}},
		{in: `{"a":" 0.5989 "}`, want: doc{A: 5989}},
		{in: `{"a":-1,"b":75}`, want: doc{A: -10000, B: ptr(fixed.Dec(750000))}},
		{in: `{"a":null,"b":null}`, want: doc{}},
		{in: `{"a":1e-3}`, want: doc{A: 10}},
		{in: `{"a":5E-1,"b":"7.41e1"}`, want: doc{A: 5000, B: ptr(fixed.Dec(741000))}},
		{in: `{"a":1e400}`, bad: true},
		{in: `{"a":"x"}`, bad: true},
		{in: `{"a":""}`, bad: true},
		{in: `{"a":true}`, bad: true},
		{in: `{"a":[1]}`, bad: true},
		{in: `{"a":{"v":1}}`, bad: true},
		{in: `{"a":"\"1\""}`, bad: true},
		{in: `{"a":99999999999999999999}`, bad: true},
	}
	for _, tt := range tests {
		var got doc
		err := json.Unmarshal([]byte(tt.in), &got)
		if tt.bad {
			if err == nil {
				t.Errorf("Unmarshal(%s) = %+v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Unmarshal(%s) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// FuzzParse: Parse never panics, whatever it is given; what it accepts
// prints back as a decimal Parse reads as the same value; and every value
// prints as text Parse reads back exactly.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "0.7410", "-0.49075", "+1", ".5", "5.", "1e3", "", "-", "--1",
		"922337203685477.5807", "-922337203685477.5808", "922337203685477.5808", "99999999999999999999",
		"0.99995", " 1 ", "1.2.3", "١"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(math.MaxInt64))
	f.Add("", int64(math.MinInt64))
	f.Add("", int64(-1))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if d, err := fixed.Parse(s); err == nil {
			again, err := fixed.Parse(d.String())
			if err != nil || again != d {
				t.Errorf("Parse(%q) = %s, which parses back as %d, %v", s, d, again, err)
			}
		} else if !errors.Is(err, fixed.ErrSyntax) && !errors.Is(err, fixed.ErrRange) {
			t.Errorf("Parse(%q): unexpected error %v", s, err)
		}
		x := fixed.Dec(n)
		got, err := fixed.Parse(x.String())
		if err != nil || got != x {
			t.Errorf("Parse(String(%d)) = %d, %v; String gave %q", n, got, err, x.String())
		}
		b, err := json.Marshal(x)
		if err != nil {
			t.Fatalf("Marshal(%d): %v", n, err)
		}
		var back fixed.Dec
		if err := json.Unmarshal(b, &back); err != nil || back != x {
			t.Errorf("JSON round trip of %d via %s = %d, %v", n, b, back, err)
		}
	})
}
