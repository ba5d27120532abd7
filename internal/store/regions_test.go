package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// fixture is a small hierarchy with names chosen to exercise sorting (byte
// order, ties), case-insensitive search and LIKE's wildcards.
var fixture = [][2]string{
	{"35", "Jawa Timur"},
	{"64", "Kalimantan Timur"},
	{"91", "Papua"},
	{"35.07", "Kabupaten Malang"},
	{"35.78", "Kota Surabaya"},
	{"64.01", "Kabupaten Paser"},
	{"91.03", "Kabupaten Jayapura"},
	{"35.07.01", "Donomulyo"},
	{"35.78.01", "Karang Pilang"},
	{"35.78.02", "Jambangan"},
	{"64.01.01", "Batu Sopang"},
	{"91.03.01", "Sentani"},
	// Ties on name, listed against code order so that a missing code
	// tie-break shows.
	{"64.01.01.2003", "Banjarejo"},
	{"35.07.01.2002", "Banjarejo"},
	{"35.07.01.2001", "Kedungsalam"},
	{"35.07.01.2003", "Sumber 100% Jaya"},
	{"35.07.01.2004", "Sumber 1005 Jaya"},
	{"35.78.01.1001", "Warugunung"},
	{"35.78.01.1002", "Karang Pilang"},
	{"35.78.02.1001", "Desa_Satu"},
	{"35.78.02.1002", "DesaXSatu"},
	{"64.01.01.2001", "Kasungai"},
	{"64.01.01.2002", `Kampung A\B`},
	{"91.03.01.3001", "Yoboi"},
}

func fixtureRegions(t testing.TB) []region.Region {
	t.Helper()
	var out []region.Region
	for _, f := range fixture {
		out = append(out, newRegion(t, f[0], f[1]))
	}
	return out
}

func newRegion(t testing.TB, code, name string) region.Region {
	t.Helper()
	r, err := region.New(code, name, "")
	if err != nil {
		t.Fatalf("region.New(%q, %q): %v", code, name, err)
	}
	return r
}

// seeded returns s loaded with the fixture.
func seeded(t *testing.T, s *store.Store) *store.Store {
	t.Helper()
	n, err := s.ImportRegions(context.Background(), fixtureRegions(t))
	if err != nil {
		t.Fatalf("ImportRegions: %v", err)
	}
	if n != len(fixture) {
		t.Fatalf("ImportRegions = %d, want %d", n, len(fixture))
	}
	return s
}

func codes(rs []region.Region) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return out
}

func wantKind(t *testing.T, what string, err error, kind apperr.Kind) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want kind %v", what, kind)
		return
	}
	if k := apperr.KindOf(err); k != kind {
		t.Errorf("%s: error %v has kind %v, want %v", what, err, k, kind)
	}
}

func TestRegion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		ctx := context.Background()
		tests := []struct {
			code string
			want region.Region
		}{
			{"35", region.Region{Code: "35", Level: region.LevelProvince, Name: "Jawa Timur",
				// A province is its own province: the join names it.
				ProvinceCode: "35", ProvinceName: "Jawa Timur"}},
			{"35.78", region.Region{Code: "35.78", Level: region.LevelRegency, Name: "Kota Surabaya", Type: "kota",
				ParentCode: "35", ProvinceCode: "35", ProvinceName: "Jawa Timur"}},
			{"35.78.01", region.Region{Code: "35.78.01", Level: region.LevelDistrict, Name: "Karang Pilang",
				ParentCode: "35.78", ProvinceCode: "35", RegencyCode: "35.78",
				ProvinceName: "Jawa Timur", RegencyName: "Kota Surabaya"}},
			{"35.78.01.1001", region.Region{Code: "35.78.01.1001", Level: region.LevelVillage, Name: "Warugunung",
				Type: "kelurahan", ParentCode: "35.78.01", ProvinceCode: "35", RegencyCode: "35.78", DistrictCode: "35.78.01",
				ProvinceName: "Jawa Timur", RegencyName: "Kota Surabaya", DistrictName: "Karang Pilang"}},
			{"91.03.01.3001", region.Region{Code: "91.03.01.3001", Level: region.LevelVillage, Name: "Yoboi",
				Type: "desa_adat", ParentCode: "91.03.01", ProvinceCode: "91", RegencyCode: "91.03", DistrictCode: "91.03.01",
				ProvinceName: "Papua", RegencyName: "Kabupaten Jayapura", DistrictName: "Sentani"}},
		}
		for _, tt := range tests {
			got, err := s.Region(ctx, tt.code)
			if err != nil {
				t.Errorf("Region(%s): %v", tt.code, err)
				continue
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Region(%s) mismatch (-want +got):\n%s", tt.code, diff)
			}
		}
		for _, code := range []string{"99", "35.79", "35.78.01.1003", ""} {
			_, err := s.Region(ctx, code)
			wantKind(t, "Region("+code+")", err, apperr.NotFound)
		}
	})
}

func TestRegions(t *testing.T) {
	page := paging.Page{Limit: 100}
	allVillages := []string{"35.07.01.2001", "35.07.01.2002", "35.07.01.2003", "35.07.01.2004", "35.78.01.1001",
		"35.78.01.1002", "35.78.02.1001", "35.78.02.1002", "64.01.01.2001", "64.01.01.2002", "64.01.01.2003", "91.03.01.3001"}
	// by name in byte order, ties broken by code
	villagesByName := []string{"35.07.01.2002", "64.01.01.2003", "35.78.02.1002", "35.78.02.1001", "64.01.01.2002",
		"35.78.01.1002", "64.01.01.2001", "35.07.01.2001", "35.07.01.2003", "35.07.01.2004", "35.78.01.1001", "91.03.01.3001"}
	reverse := func(in []string) []string {
		out := make([]string, len(in))
		for i, s := range in {
			out[len(in)-1-i] = s
		}
		return out
	}
	tests := []struct {
		name      string
		f         region.Filter
		want      []string
		wantTotal int // -1: len(want)
	}{
		{"provinces", region.Filter{Level: region.LevelProvince}, []string{"35", "64", "91"}, -1},
		{"regencies", region.Filter{Level: region.LevelRegency}, []string{"35.07", "35.78", "64.01", "91.03"}, -1},
		{"districts", region.Filter{Level: region.LevelDistrict},
			[]string{"35.07.01", "35.78.01", "35.78.02", "64.01.01", "91.03.01"}, -1},
		{"villages", region.Filter{Level: region.LevelVillage}, allVillages, -1},
		{"everything", region.Filter{}, codesOf(fixture), -1},
		{"parent province", region.Filter{Parent: "35"}, []string{"35.07", "35.78"}, -1},
		{"parent district", region.Filter{Parent: "35.78.01"}, []string{"35.78.01.1001", "35.78.01.1002"}, -1},
		{"parent of nothing", region.Filter{Parent: "35.78.01.1001"}, []string{}, -1},
		{"province", region.Filter{Level: region.LevelVillage, Province: []string{"35"}}, allVillages[:8], -1},
		{"provinces", region.Filter{Level: region.LevelVillage, Province: []string{"64", "91"}}, allVillages[8:], -1},
		{"regency, every level below", region.Filter{Regency: []string{"35.78"}},
			[]string{"35.78.01", "35.78.01.1001", "35.78.01.1002", "35.78.02", "35.78.02.1001", "35.78.02.1002"}, -1},
		{"regencies", region.Filter{Level: region.LevelDistrict, Regency: []string{"35.07", "91.03"}},
			[]string{"35.07.01", "91.03.01"}, -1},
		{"district", region.Filter{Level: region.LevelVillage, District: []string{"35.78.01"}},
			[]string{"35.78.01.1001", "35.78.01.1002"}, -1},
		{"districts", region.Filter{Level: region.LevelVillage, District: []string{"35.78.02", "64.01.01"}},
			[]string{"35.78.02.1001", "35.78.02.1002", "64.01.01.2001", "64.01.01.2002", "64.01.01.2003"}, -1},
		{"type kota", region.Filter{Type: []string{"kota"}}, []string{"35.78"}, -1},
		{"type kabupaten", region.Filter{Level: region.LevelRegency, Type: []string{"kabupaten"}},
			[]string{"35.07", "64.01", "91.03"}, -1},
		{"type desa_adat", region.Filter{Type: []string{"desa_adat"}}, []string{"91.03.01.3001"}, -1},
		{"types", region.Filter{Level: region.LevelVillage, Type: []string{"kelurahan", "desa_adat"}},
			[]string{"35.78.01.1001", "35.78.01.1002", "35.78.02.1001", "35.78.02.1002", "91.03.01.3001"}, -1},
		{"province and type", region.Filter{Level: region.LevelVillage, Province: []string{"35"}, Type: []string{"desa"}},
			[]string{"35.07.01.2001", "35.07.01.2002", "35.07.01.2003", "35.07.01.2004"}, -1},
		{"no match", region.Filter{Level: region.LevelVillage, Province: []string{"35"}, Type: []string{"desa_adat"}},
			[]string{}, -1},
		{"q lower case", region.Filter{Q: "surabaya"}, []string{"35.78"}, -1},
		{"q upper case", region.Filter{Q: "SUMBER"}, []string{"35.07.01.2003", "35.07.01.2004"}, -1},
		{"q mixed case, two levels", region.Filter{Q: "kArAnG"}, []string{"35.78.01", "35.78.01.1002"}, -1},
		{"q with level", region.Filter{Level: region.LevelVillage, Q: "karang"}, []string{"35.78.01.1002"}, -1},
		{"q percent is literal", region.Filter{Q: "100%"}, []string{"35.07.01.2003"}, -1},
		{"q lone percent", region.Filter{Q: "%"}, []string{"35.07.01.2003"}, -1},
		{"q underscore is literal", region.Filter{Q: "a_s"}, []string{"35.78.02.1001"}, -1},
		{"q lone underscore", region.Filter{Q: "_"}, []string{"35.78.02.1001"}, -1},
		{"q backslash is literal", region.Filter{Q: `a\b`}, []string{"64.01.01.2002"}, -1},
		{"q no match", region.Filter{Q: "zzz"}, []string{}, -1},
		{"q and province", region.Filter{Q: "banjarejo", Province: []string{"64"}}, []string{"64.01.01.2003"}, -1},

		{"sort code asc", region.Filter{Level: region.LevelVillage, Sort: paging.Sort{Field: "code"}}, allVillages, -1},
		{"sort code desc", region.Filter{Level: region.LevelVillage, Sort: paging.Sort{Field: "code", Desc: true}},
			reverse(allVillages), -1},
		{"sort name asc", region.Filter{Level: region.LevelVillage, Sort: paging.Sort{Field: "name"}}, villagesByName, -1},
		{"sort name desc", region.Filter{Level: region.LevelVillage, Sort: paging.Sort{Field: "name", Desc: true}},
			reverse(villagesByName), -1},
		{"ties by code, without an index to lean on", region.Filter{Q: "banjarejo", Sort: paging.Sort{Field: "name"}},
			[]string{"35.07.01.2002", "64.01.01.2003"}, -1},
		{"ties by code desc", region.Filter{Q: "banjarejo", Sort: paging.Sort{Field: "name", Desc: true}},
			[]string{"64.01.01.2003", "35.07.01.2002"}, -1},
		{"unknown sort falls back to code", region.Filter{Level: region.LevelProvince, Sort: paging.Sort{Field: "name; DROP TABLE regions"}},
			[]string{"35", "64", "91"}, -1},

		{"first page", region.Filter{Level: region.LevelVillage, Page: paging.Page{Limit: 5}}, allVillages[:5], 12},
		{"middle page", region.Filter{Level: region.LevelVillage, Page: paging.Page{Limit: 5, Offset: 5}}, allVillages[5:10], 12},
		{"last page", region.Filter{Level: region.LevelVillage, Page: paging.Page{Limit: 5, Offset: 10}}, allVillages[10:], 12},
		{"past the end", region.Filter{Level: region.LevelVillage, Page: paging.Page{Limit: 5, Offset: 20}}, []string{}, 12},
		{"page by name", region.Filter{Level: region.LevelVillage, Sort: paging.Sort{Field: "name"}, Page: paging.Page{Limit: 3, Offset: 1}},
			villagesByName[1:4], 12},
		{"page by name desc", region.Filter{Level: region.LevelVillage, Sort: paging.Sort{Field: "name", Desc: true}, Page: paging.Page{Limit: 2, Offset: 10}},
			reverse(villagesByName)[10:], 12},
		{"page with filter", region.Filter{Province: []string{"35"}, Type: []string{"desa"}, Page: paging.Page{Limit: 2, Offset: 1}},
			[]string{"35.07.01.2002", "35.07.01.2003"}, 4},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		ctx := context.Background()
		for _, tt := range tests {
			f := tt.f
			if f.Page == (paging.Page{}) {
				f.Page = page
			}
			got, total, err := s.Regions(ctx, f)
			if err != nil {
				t.Errorf("%s: Regions(%+v): %v", tt.name, f, err)
				continue
			}
			if diff := cmp.Diff(tt.want, codes(got)); diff != "" {
				t.Errorf("%s: Regions(%+v) mismatch (-want +got):\n%s", tt.name, f, diff)
			}
			wantTotal := tt.wantTotal
			if wantTotal < 0 {
				wantTotal = len(tt.want)
			}
			if total != wantTotal {
				t.Errorf("%s: Regions(%+v) total = %d, want %d", tt.name, f, total, wantTotal)
			}
		}
	})
}

func codesOf(f [][2]string) []string {
	// the fixture sorted by code: provinces, then each one's subtree
	sorted := []string{}
	for _, r := range f {
		sorted = append(sorted, r[0])
	}
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	return sorted
}

// TestRegionsListsAncestorNames checks that lists carry ancestor names like
// single reads do.
func TestRegionsListsAncestorNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		got, _, err := s.Regions(context.Background(), region.Filter{District: []string{"64.01.01"}, Page: paging.Page{Limit: 1}})
		if err != nil {
			t.Fatal(err)
		}
		want := []region.Region{{Code: "64.01.01.2001", Level: region.LevelVillage, Name: "Kasungai", Type: "desa",
			ParentCode: "64.01.01", ProvinceCode: "64", RegencyCode: "64.01", DistrictCode: "64.01.01",
			ProvinceName: "Kalimantan Timur", RegencyName: "Kabupaten Paser", DistrictName: "Batu Sopang"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Regions mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestChildCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		for _, tt := range []struct {
			code string
			want int
		}{
			{"35", 2}, {"91", 1}, {"35.78", 2}, {"35.78.01", 2}, {"64.01.01", 3}, {"35.78.01.1001", 0}, {"99", 0},
		} {
			got, err := s.ChildCount(context.Background(), tt.code)
			if err != nil || got != tt.want {
				t.Errorf("ChildCount(%s) = %d, %v; want %d", tt.code, got, err, tt.want)
			}
		}
	})
}

func TestCreateRegion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		ctx := context.Background()
		nr := newRegion(t, "35.78.02.1003", "Kebonsari")
		if err := s.CreateRegion(ctx, nr); err != nil {
			t.Fatalf("CreateRegion: %v", err)
		}
		got, err := s.Region(ctx, nr.Code)
		if err != nil {
			t.Fatal(err)
		}
		nr.ProvinceName, nr.RegencyName, nr.DistrictName = "Jawa Timur", "Kota Surabaya", "Jambangan"
		if diff := cmp.Diff(nr, got); diff != "" {
			t.Errorf("Region after CreateRegion mismatch (-want +got):\n%s", diff)
		}

		err = s.CreateRegion(ctx, newRegion(t, "35.78.02.1003", "Kebonsari Lagi"))
		wantKind(t, "CreateRegion of an existing code", err, apperr.Conflict)
		err = s.CreateRegion(ctx, newRegion(t, "35", "Jawa Timur"))
		wantKind(t, "CreateRegion of an existing province", err, apperr.Conflict)
		// The foreign key holds even when the caller skips the service's check.
		err = s.CreateRegion(ctx, newRegion(t, "35.78.09.1001", "Yatim"))
		wantKind(t, "CreateRegion under a missing district", err, apperr.Conflict)
		if _, err := s.Region(ctx, "35.78.09.1001"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("the orphan was stored: Region = %v", err)
		}
	})
}

func TestDeleteRegion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		ctx := context.Background()
		wantKind(t, "DeleteRegion of a district with villages", s.DeleteRegion(ctx, "35.78.01"), apperr.Conflict)
		wantKind(t, "DeleteRegion of a province with regencies", s.DeleteRegion(ctx, "35"), apperr.Conflict)
		wantKind(t, "DeleteRegion of an unknown code", s.DeleteRegion(ctx, "35.78.01.1009"), apperr.NotFound)
		if _, err := s.Region(ctx, "35.78.01"); err != nil {
			t.Errorf("the district is gone after a refused delete: %v", err)
		}
		for _, code := range []string{"91.03.01.3001", "91.03.01", "91.03", "91"} {
			if err := s.DeleteRegion(ctx, code); err != nil {
				t.Fatalf("DeleteRegion(%s): %v", code, err)
			}
			if _, err := s.Region(ctx, code); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("Region(%s) after delete: %v, want NotFound", code, err)
			}
		}
		wantKind(t, "DeleteRegion twice", s.DeleteRegion(ctx, "91"), apperr.NotFound)
	})
}

func TestUpdateRegion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		ctx := context.Background()
		if err := s.UpdateRegion(ctx, newRegion(t, "35.78.01", "Karangpilang")); err != nil {
			t.Fatalf("UpdateRegion: %v", err)
		}
		got, err := s.Region(ctx, "35.78.01.1001")
		if err != nil {
			t.Fatal(err)
		}
		if got.DistrictName != "Karangpilang" {
			t.Errorf("a village's district name = %q after renaming the district, want %q", got.DistrictName, "Karangpilang")
		}
		// Updating with unchanged values still finds the row.
		if err := s.UpdateRegion(ctx, newRegion(t, "35.78.01", "Karangpilang")); err != nil {
			t.Errorf("UpdateRegion with the same name: %v", err)
		}
		wantKind(t, "UpdateRegion of an unknown code", s.UpdateRegion(ctx, newRegion(t, "35.78.09", "Nowhere")), apperr.NotFound)
	})
}

func TestImportRegions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		ctx := context.Background()
		want := map[region.Level]int{region.LevelProvince: 3, region.LevelRegency: 4, region.LevelDistrict: 5, region.LevelVillage: 12}
		got, err := s.RegionCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("RegionCounts after one import mismatch (-want +got):\n%s", diff)
		}

		// Import again, children first and with a renamed village: the same
		// count, no duplicates, the new name wins.
		rs := fixtureRegions(t)
		for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
			rs[i], rs[j] = rs[j], rs[i]
		}
		for i := range rs {
			if rs[i].Code == "35.78.01.1001" {
				rs[i].Name = "Warugunung Baru"
			}
		}
		n, err := s.ImportRegions(ctx, rs)
		if err != nil {
			t.Fatalf("second ImportRegions: %v", err)
		}
		if n != len(fixture) {
			t.Errorf("second ImportRegions = %d, want %d", n, len(fixture))
		}
		got, err = s.RegionCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("RegionCounts after a second import mismatch (-want +got):\n%s", diff)
		}
		all, total, err := s.Regions(ctx, region.Filter{Page: paging.Page{Limit: 1000}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(codesOf(fixture), codes(all)); diff != "" || total != len(fixture) {
			t.Errorf("regions after a second import (total %d) mismatch (-want +got):\n%s", total, diff)
		}
		r, err := s.Region(ctx, "35.78.01.1001")
		if err != nil || r.Name != "Warugunung Baru" {
			t.Errorf("Region after re-import = %q, %v; want the new name", r.Name, err)
		}

		if n, err := s.ImportRegions(ctx, nil); err != nil || n != 0 {
			t.Errorf("ImportRegions(nil) = %d, %v; want 0, nil", n, err)
		}
	})
}

// TestImportRegionsIsAtomic checks that an import with an orphan fails as a
// whole, with the same kind on both engines.
func TestImportRegionsIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rs := append(fixtureRegions(t), newRegion(t, "35.78.09.1001", "Yatim"))
		_, err := s.ImportRegions(ctx, rs)
		wantKind(t, "ImportRegions with an orphan", err, apperr.Conflict)
		got, err := s.RegionCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[region.Level]int{}, got); diff != "" {
			t.Errorf("RegionCounts after a failed import mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestRegionCountsEmpty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		got, err := s.RegionCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("RegionCounts of an empty database = %v, want none", got)
		}
	})
}

func TestKeys(t *testing.T) {
	equalTimes := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		created := time.Date(2025, 5, 8, 9, 30, 15, 123456000, time.UTC) // microseconds: what PostgreSQL keeps
		k := auth.Key{ID: "k1", Name: "kaltim", Prefix: "desa_abcdef",
			Scopes: []auth.Scope{auth.ScopeRead, auth.ScopeWriteRegions}, Provinces: []string{"64", "35"}, CreatedAt: created}
		if err := s.CreateKey(ctx, k, "hash1"); err != nil {
			t.Fatalf("CreateKey: %v", err)
		}
		open := auth.Key{ID: "k2", Name: "admin", Prefix: "desa_zzzzzz", Scopes: []auth.Scope{auth.ScopeAdmin}, CreatedAt: created}
		if err := s.CreateKey(ctx, open, "hash2"); err != nil {
			t.Fatalf("CreateKey: %v", err)
		}
		for _, tt := range []struct {
			hash string
			want auth.Key
		}{{"hash1", k}, {"hash2", open}} {
			got, err := s.KeyByHash(ctx, tt.hash)
			if err != nil {
				t.Fatalf("KeyByHash(%s): %v", tt.hash, err)
			}
			if diff := cmp.Diff(tt.want, got, equalTimes); diff != "" {
				t.Errorf("KeyByHash(%s) mismatch (-want +got):\n%s", tt.hash, diff)
			}
		}
		_, err := s.KeyByHash(ctx, "nope")
		wantKind(t, "KeyByHash of an unknown hash", err, apperr.NotFound)
		wantKind(t, "CreateKey with a used hash", s.CreateKey(ctx, auth.Key{ID: "k3", Name: "x", Prefix: "p",
			Scopes: []auth.Scope{auth.ScopeRead}, CreatedAt: created}, "hash1"), apperr.Conflict)
		wantKind(t, "CreateKey with a used id", s.CreateKey(ctx, auth.Key{ID: "k1", Name: "x", Prefix: "p",
			Scopes: []auth.Scope{auth.ScopeRead}, CreatedAt: created}, "hash3"), apperr.Conflict)

		used := created.Add(time.Hour)
		if err := s.TouchKey(ctx, "k1", used); err != nil {
			t.Fatalf("TouchKey: %v", err)
		}
		got, err := s.KeyByHash(ctx, "hash1")
		if err != nil {
			t.Fatal(err)
		}
		k.LastUsedAt = &used
		if diff := cmp.Diff(k, got, equalTimes); diff != "" {
			t.Errorf("KeyByHash after TouchKey mismatch (-want +got):\n%s", diff)
		}
		other, err := s.KeyByHash(ctx, "hash2")
		if err != nil || other.LastUsedAt != nil {
			t.Errorf("TouchKey of k1 touched k2 too: %v, %v", other.LastUsedAt, err)
		}
	})
}

// Service tests: region.Service over the real store.

func TestServiceCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		svc := region.NewService(s)
		ctx := context.Background()

		got, err := svc.Create(ctx, region.LevelVillage, region.Region{Code: "3578021003", Name: "Kebonsari",
			Type: "kelurahan", DistrictCode: "357802", ProvinceCode: "35"})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		want := region.Region{Code: "35.78.02.1003", Level: region.LevelVillage, Name: "Kebonsari", Type: "kelurahan",
			ParentCode: "35.78.02", ProvinceCode: "35", RegencyCode: "35.78", DistrictCode: "35.78.02",
			ProvinceName: "Jawa Timur", RegencyName: "Kota Surabaya", DistrictName: "Jambangan"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Create mismatch (-want +got):\n%s", diff)
		}

		tests := []struct {
			name       string
			level      region.Level
			r          region.Region
			kind       apperr.Kind
			wantFields []string
		}{
			{"parent missing", region.LevelVillage, region.Region{Code: "35.78.09.1001", Name: "Yatim"},
				apperr.Invalid, []string{"code"}},
			{"regency's province missing", region.LevelRegency, region.Region{Code: "36.01", Name: "Kabupaten X"},
				apperr.Invalid, []string{"code"}},
			{"level mismatch", region.LevelDistrict, region.Region{Code: "35.79", Name: "Kota Batu"},
				apperr.Invalid, []string{"code"}},
			{"ancestor code disagrees", region.LevelVillage, region.Region{Code: "35.78.02.1004", Name: "X",
				DistrictCode: "35.78.01", ProvinceCode: "36"}, apperr.Invalid, []string{"province_code", "district_code"}},
			{"rule broken", region.LevelVillage, region.Region{Code: "35.78.02.4001", Name: ""},
				apperr.Invalid, []string{"name", "code"}},
			{"duplicate", region.LevelVillage, region.Region{Code: "35.78.01.1001", Name: "Warugunung"},
				apperr.Conflict, nil},
			{"duplicate province", region.LevelProvince, region.Region{Code: "64", Name: "Kaltim"},
				apperr.Conflict, nil},
		}
		for _, tt := range tests {
			_, err := svc.Create(ctx, tt.level, tt.r)
			wantKind(t, tt.name, err, tt.kind)
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				continue
			}
			var fields []string
			for _, f := range ae.Fields {
				fields = append(fields, f.Field)
			}
			if diff := cmp.Diff(tt.wantFields, fields); diff != "" {
				t.Errorf("%s: field names mismatch (-want +got):\n%s", tt.name, diff)
			}
		}
		// The parent named in the message is the missing one.
		_, err = svc.Create(ctx, region.LevelVillage, region.Region{Code: "35.78.09.1001", Name: "Yatim"})
		if want := "code: parent district 35.78.09 does not exist"; err == nil || err.Error() != want {
			t.Errorf("Create under a missing district: %v, want %q", err, want)
		}
	})
}

func TestServiceDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		svc := region.NewService(s)
		ctx := context.Background()
		err := svc.Delete(ctx, region.LevelDistrict, "357801")
		wantKind(t, "Delete of a district with villages", err, apperr.Conflict)
		if want := "district 35.78.01 still has 2 village(s); delete them first"; err == nil || err.Error() != want {
			t.Errorf("Delete error = %v, want %q", err, want)
		}
		wantKind(t, "Delete at the wrong level", svc.Delete(ctx, region.LevelRegency, "35.78.01.1001"), apperr.NotFound)
		wantKind(t, "Delete of an unknown code", svc.Delete(ctx, region.LevelVillage, "35.78.01.1009"), apperr.NotFound)
		wantKind(t, "Delete of a malformed code", svc.Delete(ctx, region.LevelVillage, "35.78.01.10"), apperr.BadRequest)
		if err := svc.Delete(ctx, region.LevelVillage, "35.78.01.1001"); err != nil {
			t.Fatalf("Delete of a village: %v", err)
		}
		if n, err := s.ChildCount(ctx, "35.78.01"); err != nil || n != 1 {
			t.Errorf("ChildCount after delete = %d, %v; want 1", n, err)
		}
	})
}

func TestServiceUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		svc := region.NewService(s)
		ctx := context.Background()
		name, kota, desa, blank := "Kota Pahlawan", "kota", "desa", " "

		got, err := svc.Update(ctx, region.LevelRegency, "3578", region.Patch{Name: &name, Type: &kota})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		want := region.Region{Code: "35.78", Level: region.LevelRegency, Name: name, Type: "kota",
			ParentCode: "35", ProvinceCode: "35", ProvinceName: "Jawa Timur"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Update mismatch (-want +got):\n%s", diff)
		}
		// An empty patch changes nothing.
		if got, err := svc.Update(ctx, region.LevelRegency, "35.78", region.Patch{}); err != nil || got.Name != name {
			t.Errorf("empty Update = %q, %v; want %q", got.Name, err, name)
		}
		_, err = svc.Update(ctx, region.LevelRegency, "35.78", region.Patch{Type: &desa})
		wantKind(t, "Update with a type the code contradicts", err, apperr.Invalid)
		_, err = svc.Update(ctx, region.LevelRegency, "35.78", region.Patch{Name: &blank})
		wantKind(t, "Update with a blank name", err, apperr.Invalid)
		_, err = svc.Update(ctx, region.LevelVillage, "35.78", region.Patch{Name: &name})
		wantKind(t, "Update at the wrong level", err, apperr.NotFound)
		_, err = svc.Update(ctx, region.LevelRegency, "35.79", region.Patch{Name: &name})
		wantKind(t, "Update of an unknown code", err, apperr.NotFound)
		if r, _ := s.Region(ctx, "35.78"); r.Name != name {
			t.Errorf("a refused update changed the name to %q", r.Name)
		}
	})
}

func TestServiceChildren(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seeded(t, s)
		svc := region.NewService(s)
		ctx := context.Background()
		page := paging.Page{Limit: 10}
		tests := []struct {
			code      string
			f         region.Filter
			want      []string
			wantTotal int
		}{
			{"35", region.Filter{Page: page}, []string{"35.07", "35.78"}, 2},
			{"3578", region.Filter{Page: page}, []string{"35.78.01", "35.78.02"}, 2},
			{"64.01.01", region.Filter{Page: page, Sort: paging.Sort{Field: "name"}},
				[]string{"64.01.01.2003", "64.01.01.2002", "64.01.01.2001"}, 3},
			{"64.01.01", region.Filter{Page: paging.Page{Limit: 1, Offset: 1}}, []string{"64.01.01.2002"}, 3},
			// the parent and level come from the code, not from the filter
			{"35.78", region.Filter{Page: page, Level: region.LevelVillage, Parent: "64"}, []string{"35.78.01", "35.78.02"}, 2},
			{"35.78.01.1001", region.Filter{Page: page}, []string{}, 0},
		}
		for _, tt := range tests {
			got, total, err := svc.Children(ctx, tt.code, tt.f)
			if err != nil {
				t.Errorf("Children(%s): %v", tt.code, err)
				continue
			}
			if diff := cmp.Diff(tt.want, codes(got)); diff != "" || total != tt.wantTotal {
				t.Errorf("Children(%s) total %d (want %d), mismatch (-want +got):\n%s", tt.code, total, tt.wantTotal, diff)
			}
		}
		_, _, err := svc.Children(ctx, "99", region.Filter{Page: page})
		wantKind(t, "Children of an unknown code", err, apperr.NotFound)
		_, _, err = svc.Children(ctx, "9", region.Filter{Page: page})
		wantKind(t, "Children of a malformed code", err, apperr.BadRequest)
	})
}

// TestBadTextIsTheClientsError stores text that passed no domain rule:
// PostgreSQL refuses a NUL byte and invalid UTF-8, and the store reports
// that as the client's error (400), not an unknown one (500). SQLite
// stores them; the domain rules keep both engines alike above the store.
func TestBadTextIsTheClientsError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for i, name := range []string{"Nul\x00byte", "bad \xff byte"} {
			r := region.Region{Code: []string{"98", "99"}[i], Level: region.LevelProvince, Name: name}
			r.ProvinceCode = r.Code
			err := s.CreateRegion(ctx, r)
			switch {
			case s.Dialect() == store.Postgres && !apperr.Is(err, apperr.BadRequest):
				t.Errorf("create %q: %v (kind %v), want BadRequest", name, err, apperr.KindOf(err))
			case s.Dialect() == store.SQLite && err != nil:
				t.Errorf("create %q: %v, want SQLite to store it", name, err)
			}
		}
	})
}
