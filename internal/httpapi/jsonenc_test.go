package httpapi

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/stats"
)

func TestAppendJSONStringIsEncodingJSON(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("appendJSONString(%q) = %s, encoding/json %s", s, got, want)
		}
	}
	for _, s := range []string{
		"", "Kalimantan Timur", `Kab. "Lama"`, `a\b`, "<script>&", "tab\tnew\nline\rcr\bbs\fff",
		"\x00\x01\x1f\x7f", "Sumatera Utara – Nias", "\u2028\u2029", "bad \xff\xfe utf8", "\xe2\x82", "ŋ 日本 🙂",
	} {
		check(s)
	}
	// Random strings over the bytes that matter: ASCII controls and
	// specials, multi-byte and broken UTF-8.
	alphabet := []string{"a", "Z", " ", `"`, `\`, "<", ">", "&", "\n", "\x00", "\x1f", "\x7f", "é", "\u2028", "\xff", "\xe2", "🙂"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var s string
		for range r.IntN(12) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		check(s)
	}
}

func TestStatusDistributionJSONIsEncodingJSON(t *testing.T) {
	f, err := indicator.FrameworkByCode("idm")
	if err != nil {
		t.Fatal(err)
	}
	type plain StatusDistribution // encoding/json's own rendering: no MarshalJSON
	parent := "64"
	rows := []DistributionRow{
		toDistributionRow(f, stats.Distribution{Group: stats.Group{Code: "64.01", Name: `Kab. "Paser" <&> é` + "\x01\u2028"},
			Total: 7, Counts: map[string]int{"maju": 3, "mandiri": 1}, NoStatus: 3}),
		toDistributionRow(f, stats.Distribution{Group: stats.Group{Code: "64.02", Name: "Kutai Barat"}}),
	}
	total := toDistributionRow(f, stats.Distribution{Group: stats.Group{Code: "total", Name: "Total"}, Total: 1234567,
		Counts: map[string]int{"sangat_tertinggal": 1, "tertinggal": 2, "berkembang": 1000, "maju": 3, "mandiri": 4}})
	for _, d := range []StatusDistribution{
		{Framework: "idm", Year: 2024, Level: "regency", Parent: &parent, Data: rows, Total: total},
		{Framework: "ipd", Year: 2018, Level: "province", Data: []DistributionRow{}, Total: total},
		{Framework: "idm", Level: "district"},
	} {
		got, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(plain(d))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("MarshalJSON:\n%s\nencoding/json:\n%s", got, want)
		}
	}
}

// TestVillageJSONIsEncodingJSON: appendJSON writes what encoding/json
// writes of the struct, but for a village with a framework and year and
// no score, whose score fields are null rather than left out; MarshalJSON
// is appendJSON.
func TestVillageJSONIsEncodingJSON(t *testing.T) {
	type plain Village // encoding/json's own rendering: no appendJSON
	fw, year, status := "idm", 2024, "maju"
	score := fixed.MustParse("0.7444")
	const nulls = `,"score":null,"status":null,"derived_status":null`
	for _, tc := range []struct {
		v     Village
		nulls string // what encoding/json leaves out
	}{
		{v: Village{Code: "35.78.01.1001", Name: "Karang Pilang", Type: "kelurahan", DistrictCode: "35.78.01", RegencyCode: "35.78",
			ProvinceCode: "35", DistrictName: "Karang Pilang", RegencyName: "Kota Surabaya", ProvinceName: "Jawa Timur"}},
		{v: Village{Code: "64.01.01.2001", Name: `Desa "<Baru>" & \` + "\x01\u2028", Type: "desa", Framework: &fw, Year: &year, Score: &score,
			Status: &status, DerivedStatus: &status}},
		{v: Village{Code: "64.01.01.2002", Framework: &fw, Year: &year}, nulls: nulls},
		{v: Village{Code: "64.01.01.2003", Framework: &fw, Year: &year, Score: &score}, nulls: `,"status":null,"derived_status":null`},
	} {
		want, err := json.Marshal(plain(tc.v))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want[:len(want)-1], tc.nulls+"}"...)
		if got := tc.v.appendJSON(nil); string(got) != string(want) {
			t.Errorf("appendJSON:\n%s\nwant:\n%s", got, want)
		}
		if got, err := json.Marshal(tc.v); err != nil || string(got) != string(want) {
			t.Errorf("json.Marshal: %s, %v\nwant:\n%s", got, err, want)
		}
	}
}
