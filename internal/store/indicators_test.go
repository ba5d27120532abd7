package store_test

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// valueRegions is the hierarchy the value tests write to.
var valueRegions = [][3]string{
	{"64", "Kalimantan Timur", ""},
	{"64.01", "Kabupaten Paser", "kabupaten"},
	{"64.01.01", "Batu Sopang", ""},
	{"64.01.01.2009", "Samurangau", "desa"},
	{"64.01.01.2010", "Busui", "desa"},
}

// newIndicators returns the indicator service over a fresh store holding
// valueRegions.
func newIndicators(t *testing.T, s *store.Store) *indicator.Service {
	t.Helper()
	var rs []region.Region
	for _, r := range valueRegions {
		rg, err := region.New(r[0], r[1], r[2])
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, rg)
	}
	if _, err := region.NewService(s).Import(context.Background(), rs); err != nil {
		t.Fatalf("import regions: %v", err)
	}
	n := 0
	return indicator.NewService(store.IndicatorStore{Store: s}, s, nil, func() string { n++; return "import-" + strconv.Itoa(n) })
}

func dec(s string) *fixed.Dec {
	d := fixed.MustParse(s)
	return &d
}

func num(n int) *int { return &n }

// TestIDMCatalogue: migration 00003 holds the 50 IDM indicators as the
// indicator list of the Kemendesa API names them.
func TestIDMCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		inds, total, err := s.Indicators(ctx, indicator.IndicatorFilter{Framework: []string{"idm"}})
		if err != nil || total != 50 || len(inds) != 50 {
			t.Fatalf("Indicators(idm): %d of %d, %v; want 50", len(inds), total, err)
		}
		dims := map[string]int{}
		for _, ind := range inds {
			dims[ind.Dimension]++
			want := "idm_" + ind.Dimension + "_" + strconv.Itoa(100 + *ind.Number)[1:]
			if ind.Code != want || ind.Unit != "score" || !ind.HigherIsBetter || *ind.Min != 0 || *ind.Max != fixed.FromInt(5) ||
				ind.NameEN == "" || ind.NameID != strings.TrimSpace(ind.NameID) || strings.HasPrefix(ind.NameID, "Skor") {
				t.Errorf("catalogue entry %+v", ind)
			}
		}
		if diff := cmp.Diff(map[string]int{"iks": 35, "ike": 12, "ikl": 3}, dims); diff != "" {
			t.Errorf("entries per dimension (-want +got):\n%s", diff)
		}
		bidan, err := s.Indicator(ctx, "idm_iks_03")
		if err != nil || bidan.NameID != "Bidan" || bidan.NameEN != "Midwives" {
			t.Errorf("idm_iks_03 = %+v, %v", bidan, err)
		}
		// The labels are those of the shared reference list, where present.
		f, err := os.Open("../../../shared/data/idm_indicators_2024.csv")
		if errors.Is(err, os.ErrNotExist) {
			t.Skip("../shared/data is not here: the labels are not compared")
		}
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] {
			n, _ := strconv.Atoi(rec[1])
			code := "idm_" + strings.ToLower(rec[0]) + "_" + strconv.Itoa(100 + n)[1:]
			ind, err := s.Indicator(ctx, code)
			if want := strings.TrimSpace(strings.TrimPrefix(rec[2], "Skor ")); err != nil || ind.NameID != want {
				t.Errorf("%s: name_id %q, %v; want %q", code, ind.NameID, err, want)
			}
		}
	})
}

func TestIndicatorList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		codes := func(f indicator.IndicatorFilter) ([]string, int) {
			t.Helper()
			inds, total, err := s.Indicators(ctx, f)
			if err != nil {
				t.Fatalf("Indicators(%+v): %v", f, err)
			}
			var out []string
			for _, ind := range inds {
				out = append(out, ind.Code)
			}
			return out, total
		}
		tests := []struct {
			name  string
			f     indicator.IndicatorFilter
			want  []string
			total int
		}{
			{"dimension", indicator.IndicatorFilter{Dimension: []string{"ikl"}},
				[]string{"idm_ikl_01", "idm_ikl_02", "idm_ikl_03"}, 3},
			{"two dimensions, a page", indicator.IndicatorFilter{Dimension: []string{"ikl", "ike"},
				Page: paging.Page{Limit: 2, Offset: 11}}, []string{"idm_ike_12", "idm_ikl_01"}, 15},
			{"q in the Indonesian name, any case", indicator.IndicatorFilter{Q: "BENCANA"},
				[]string{"idm_ikl_02", "idm_ikl_03"}, 2},
			{"q in the English name", indicator.IndicatorFilter{Q: "midwives"}, []string{"idm_iks_03"}, 1},
			{"q in the code", indicator.IndicatorFilter{Q: "ikl_0"}, []string{"idm_ikl_01", "idm_ikl_02", "idm_ikl_03"}, 3},
			{"q with a LIKE wildcard", indicator.IndicatorFilter{Q: "%"}, nil, 0},
			{"sort by name", indicator.IndicatorFilter{Dimension: []string{"ikl"}, Sort: paging.Sort{Field: "name", Desc: false}},
				[]string{"idm_ikl_01", "idm_ikl_02", "idm_ikl_03"}, 3},
			{"sort by name descending", indicator.IndicatorFilter{Q: "air", Sort: paging.Sort{Field: "name", Desc: true}},
				[]string{"idm_iks_34", "idm_iks_35"}, 2},
			{"sort by code descending", indicator.IndicatorFilter{Framework: []string{"idm"}, Sort: paging.Sort{Field: "code", Desc: true}, Page: paging.Page{Limit: 2, Offset: 0}},
				[]string{"idm_iks_35", "idm_iks_34"}, 50},
			{"another framework", indicator.IndicatorFilter{Framework: []string{"ipd"}}, nil, 0},
		}
		for _, tt := range tests {
			got, total := codes(tt.f)
			if diff := cmp.Diff(tt.want, got); diff != "" || total != tt.total {
				t.Errorf("%s: total %d (want %d), codes mismatch (-want +got):\n%s", tt.name, total, tt.total, diff)
			}
		}
	})
}

// TestCatalogueRules creates and changes catalogue entries through the
// service: every rule answers its error kind and names its fields.
func TestCatalogueRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newIndicators(t, s)
		pop := indicator.Indicator{Code: " bps_penduduk ", NameID: "Jumlah Penduduk ", NameEN: "Population", Unit: "persons",
			Min: dec("0"), HigherIsBetter: true}
		got, err := svc.CreateIndicator(ctx, pop)
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		want := indicator.Indicator{Code: "bps_penduduk", NameID: "Jumlah Penduduk", NameEN: "Population", Unit: "persons",
			Min: dec("0"), HigherIsBetter: true}
		ignoreTimes := cmpopts.IgnoreFields(indicator.Indicator{}, "CreatedAt", "UpdatedAt")
		if diff := cmp.Diff(want, got, ignoreTimes); diff != "" {
			t.Errorf("created entry mismatch (-want +got):\n%s", diff)
		}
		if got.CreatedAt.IsZero() || !got.CreatedAt.Equal(got.UpdatedAt) {
			t.Errorf("created_at %v, updated_at %v", got.CreatedAt, got.UpdatedAt)
		}

		creates := []struct {
			name   string
			ind    indicator.Indicator
			kind   apperr.Kind
			fields []string
		}{
			{"taken code", want, apperr.Conflict, nil},
			{"taken IDM code", indicator.Indicator{Code: "idm_iks_01", NameID: "x", NameEN: "x"}, apperr.Conflict, nil},
			{"bad code, no names", indicator.Indicator{Code: "Bad Code"}, apperr.Invalid, []string{"code", "name_id", "name_en"}},
			{"blank names", indicator.Indicator{Code: "abc", NameID: "  ", NameEN: "\t"}, apperr.Invalid, []string{"name_id", "name_en"}},
			{"unknown framework", indicator.Indicator{Code: "abc", NameID: "a", NameEN: "a", Framework: "sdgs"}, apperr.Invalid, []string{"framework"}},
			{"bounds reversed", indicator.Indicator{Code: "abc", NameID: "a", NameEN: "a", Min: dec("1"), Max: dec("0")}, apperr.Invalid, []string{"min"}},
		}
		for _, c := range creates {
			_, err := svc.CreateIndicator(ctx, c.ind)
			if !apperr.Is(err, c.kind) || c.fields != nil && !cmp.Equal(c.fields, fieldNames(err)) {
				t.Errorf("create %s: %v (fields %v), want %v naming %v", c.name, err, fieldNames(err), c.kind, c.fields)
			}
		}

		// A value of 7 persons, then bounds that would exclude it.
		if _, _, err := svc.PutValue(ctx, "64.01", "bps_penduduk", 2024, indicator.ValueInput{Value: dec("7")}); err != nil {
			t.Fatalf("put value: %v", err)
		}
		empty, name := "", "Penduduk"
		patches := []struct {
			name   string
			code   string
			p      indicator.IndicatorPatch
			kind   apperr.Kind
			fields []string
		}{
			{"unknown indicator", "nope", indicator.IndicatorPatch{NameID: &name}, apperr.NotFound, nil},
			{"empty name", "bps_penduduk", indicator.IndicatorPatch{NameID: &empty}, apperr.Invalid, []string{"name_id"}},
			{"max under min", "bps_penduduk", indicator.IndicatorPatch{Max: dec("-1")}, apperr.Invalid, []string{"min"}},
			{"max under a stored value", "bps_penduduk", indicator.IndicatorPatch{Max: dec("6.9999")}, apperr.Conflict, nil},
			{"min over a stored value", "bps_penduduk", indicator.IndicatorPatch{Min: dec("7.0001")}, apperr.Conflict, nil},
		}
		for _, p := range patches {
			_, err := svc.UpdateIndicator(ctx, p.code, p.p)
			if !apperr.Is(err, p.kind) || p.fields != nil && !cmp.Equal(p.fields, fieldNames(err)) {
				t.Errorf("patch %s: %v (fields %v), want %v naming %v", p.name, err, fieldNames(err), p.kind, p.fields)
			}
		}
		ipd := "ipd"
		got, err = svc.UpdateIndicator(ctx, "bps_penduduk", indicator.IndicatorPatch{NameID: &name, Framework: &ipd,
			Min: dec("7"), Max: dec("7"), Number: num(3)})
		want.NameID, want.Framework, want.Min, want.Max, want.Number = "Penduduk", "ipd", dec("7"), dec("7"), num(3)
		if diff := cmp.Diff(want, got, ignoreTimes); err != nil || diff != "" {
			t.Errorf("patch: %v, mismatch (-want +got):\n%s", err, diff)
		}
		got, err = svc.UpdateIndicator(ctx, "bps_penduduk", indicator.IndicatorPatch{Framework: &empty})
		if err != nil || got.Framework != "" {
			t.Errorf("clearing the framework: %+v, %v", got, err)
		}
		if again, err := svc.Indicator(ctx, "bps_penduduk"); err != nil || !cmp.Equal(got, again) {
			t.Errorf("read back %+v, %v; want %+v", again, err, got)
		}
	})
}

func fieldNames(err error) []string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return nil
	}
	var out []string
	for _, f := range ae.Fields {
		out = append(out, f.Field)
	}
	return out
}

// TestValueRules writes single values through the service.
func TestValueRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newIndicators(t, s)
		puts := []struct {
			name      string
			region    string
			indicator string
			year      int
			value     *fixed.Dec
			kind      apperr.Kind // Internal: success
			created   bool
			fields    []string
		}{
			{"village, dotted", "64.01.01.2009", "idm_iks_01", 2024, dec("5"), apperr.Internal, true, nil},
			{"same key again, undotted", "6401012009", "idm_iks_01", 2024, dec("4"), apperr.Internal, false, nil},
			{"province", "64", "idm_ike_01", 2024, dec("0"), apperr.Internal, true, nil},
			{"regency", "6401", "idm_ike_01", 2024, dec("2.5"), apperr.Internal, true, nil},
			{"district, first year", "64.01.01", "idm_ike_01", 1900, dec("1"), apperr.Internal, true, nil},
			{"unknown village", "64.01.01.2099", "idm_iks_01", 2024, dec("1"), apperr.NotFound, false, nil},
			{"unknown province", "99", "idm_iks_01", 2024, dec("1"), apperr.NotFound, false, nil},
			{"malformed code", "64.1", "idm_iks_01", 2024, dec("1"), apperr.BadRequest, false, []string{"code"}},
			{"unknown indicator", "64", "idm_iks_36", 2024, dec("1"), apperr.NotFound, false, nil},
			{"year 1899", "64", "idm_iks_01", 1899, dec("1"), apperr.Invalid, false, []string{"year"}},
			{"above the max", "64", "idm_iks_01", 2024, dec("5.0001"), apperr.Invalid, false, []string{"value"}},
			{"no value", "64", "idm_iks_01", 2024, nil, apperr.Invalid, false, []string{"value"}},
		}
		for _, p := range puts {
			v, created, err := svc.PutValue(ctx, p.region, p.indicator, p.year, indicator.ValueInput{Value: p.value, Source: " src "})
			if p.kind == apperr.Internal {
				if err != nil || created != p.created || v.Value.Value != *p.value || v.Source != "src" || v.Indicator.Code != p.indicator {
					t.Errorf("put %s: %+v, created %v, %v", p.name, v, created, err)
				}
				continue
			}
			if !apperr.Is(err, p.kind) || p.fields != nil && !cmp.Equal(p.fields, fieldNames(err)) {
				t.Errorf("put %s: %v (fields %v), want %v naming %v", p.name, err, fieldNames(err), p.kind, p.fields)
			}
		}
		if _, err := svc.RegionValues(ctx, "64.01", region.LevelVillage, indicator.ValueFilter{}); !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("village values of a regency code: %v, want bad request", err)
		}
		if _, err := svc.RegionValues(ctx, "64.01.01.2099", region.LevelVillage, indicator.ValueFilter{}); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("values of an unknown village: %v, want not found", err)
		}
		vals, err := svc.RegionValues(ctx, "6401012009", region.LevelVillage, indicator.ValueFilter{})
		if err != nil || len(vals) != 1 || vals[0].Value.Value != fixed.FromInt(4) {
			t.Errorf("village values: %+v, %v", vals, err)
		}
	})
}

// TestUpsertValues: the store counts what it inserted and updated, leaves
// equal values (and their source) alone, and keeps four decimals exactly.
func TestUpsertValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		newIndicators(t, s)
		if _, err := s.Indicator(ctx, "idm_iks_01"); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateIndicator(ctx, indicator.Indicator{Code: "big", NameID: "b", NameEN: "b"}); err != nil {
			t.Fatal(err)
		}
		val := func(region, ind string, year int, v, source string) indicator.Value {
			return indicator.Value{RegionCode: region, IndicatorCode: ind, Year: year, Value: fixed.MustParse(v), Source: source, ImportID: "i1"}
		}
		steps := []struct {
			name     string
			values   []indicator.Value
			ins, upd int
		}{
			{"three new", []indicator.Value{val("64", "idm_iks_01", 2024, "1", "a"), val("64.01", "idm_iks_01", 2024, "2", "a"),
				val("64.01.01.2009", "big", 2023, "9999999999.9999", "a")}, 3, 0},
			{"the same again", []indicator.Value{val("64", "idm_iks_01", 2024, "1", "b"), val("64.01", "idm_iks_01", 2024, "2", "b"),
				val("64.01.01.2009", "big", 2023, "9999999999.9999", "b")}, 0, 0},
			{"one new, one changed, one equal", []indicator.Value{val("64", "idm_iks_01", 2023, "1", "c"),
				val("64.01", "idm_iks_01", 2024, "2.0001", "c"), val("64.01.01.2009", "big", 2023, "9999999999.9999", "c")}, 1, 1},
			{"negative and tiny", []indicator.Value{val("64.01.01.2010", "big", 2024, "-0.0001", "d"),
				val("64.01.01.2009", "big", 2023, "-9999999999.9999", "d")}, 1, 1},
			{"nothing", nil, 0, 0},
		}
		for _, st := range steps {
			ins, upd, err := s.UpsertValues(ctx, st.values)
			if err != nil || ins != st.ins || upd != st.upd {
				t.Errorf("%s: inserted %d, updated %d, %v; want %d, %d", st.name, ins, upd, err, st.ins, st.upd)
			}
		}
		if n, err := s.CountValues(ctx); err != nil || n != 5 {
			t.Errorf("CountValues = %d, %v; want 5", n, err)
		}
		type got struct {
			Indicator, Value, Source string
			Year                     int
		}
		read := func(region string) []got {
			vals, err := s.Values(ctx, indicator.ValueFilter{RegionCode: region})
			if err != nil {
				t.Fatalf("Values(%s): %v", region, err)
			}
			var out []got
			for _, v := range vals {
				out = append(out, got{v.IndicatorCode, v.Value.Value.String(), v.Source, v.Year})
			}
			return out
		}
		checks := map[string][]got{
			"64":            {{"idm_iks_01", "1.0000", "a", 2023 + 1}, {"idm_iks_01", "1.0000", "c", 2023}},
			"64.01":         {{"idm_iks_01", "2.0001", "c", 2024}},
			"64.01.01.2009": {{"big", "-9999999999.9999", "d", 2023}},
			"64.01.01.2010": {{"big", "-0.0001", "d", 2024}},
		}
		for region, want := range checks {
			g := read(region)
			// Values sort by dimension, number, code and year.
			if region == "64" {
				want = []got{want[1], want[0]}
			}
			if diff := cmp.Diff(want, g); diff != "" {
				t.Errorf("values of %s mismatch (-want +got):\n%s", region, diff)
			}
		}
		// Unknown regions and indicators are the database's to refuse too.
		if _, _, err := s.UpsertValues(ctx, []indicator.Value{val("99", "big", 2024, "1", "")}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("value of an unknown region: %v, want conflict", err)
		}
		if _, _, err := s.UpsertValues(ctx, []indicator.Value{val("64", "nope", 2024, "1", "")}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("value of an unknown indicator: %v, want conflict", err)
		}
	})
}

// TestValueOrder: a region's values sort by dimension, number, code and
// year, entries without a dimension or number last, on both engines.
func TestValueOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		newIndicators(t, s)
		for _, ind := range []indicator.Indicator{
			{Code: "a_plain", NameID: "a", NameEN: "a"},
			{Code: "b_dim_only", NameID: "b", NameEN: "b", Dimension: "iks"},
			{Code: "c_upper", NameID: "c", NameEN: "c", Dimension: "IKS", Number: num(1)},
		} {
			if err := s.CreateIndicator(ctx, ind); err != nil {
				t.Fatal(err)
			}
		}
		var vals []indicator.Value
		for _, code := range []string{"a_plain", "b_dim_only", "c_upper", "idm_iks_10", "idm_iks_02", "idm_ikl_01", "idm_ike_12"} {
			for _, year := range []int{2024, 2021} {
				vals = append(vals, indicator.Value{RegionCode: "64.01.01.2009", IndicatorCode: code, Year: year, Value: fixed.FromInt(1)})
			}
		}
		if _, _, err := s.UpsertValues(ctx, vals); err != nil {
			t.Fatal(err)
		}
		got, err := s.Values(ctx, indicator.ValueFilter{RegionCode: "64.01.01.2009"})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, v := range got {
			order = append(order, v.IndicatorCode+"/"+strconv.Itoa(v.Year))
		}
		want := []string{"c_upper/2021", "c_upper/2024", "idm_ike_12/2021", "idm_ike_12/2024", "idm_ikl_01/2021", "idm_ikl_01/2024",
			"idm_iks_02/2021", "idm_iks_02/2024", "idm_iks_10/2021", "idm_iks_10/2024", "b_dim_only/2021", "b_dim_only/2024",
			"a_plain/2021", "a_plain/2024"}
		if diff := cmp.Diff(want, order); diff != "" {
			t.Errorf("order mismatch (-want +got):\n%s", diff)
		}
		got, err = s.Values(ctx, indicator.ValueFilter{RegionCode: "64.01.01.2009", Year: 2021, Dimension: []string{"ikl", "IKS"}})
		if err != nil || len(got) != 2 || got[0].IndicatorCode != "c_upper" || got[1].IndicatorCode != "idm_ikl_01" {
			t.Errorf("filtered values: %+v, %v", got, err)
		}
	})
}
