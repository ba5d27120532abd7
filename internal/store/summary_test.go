package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestGroupCountsSummary: on PostgreSQL the distributions read
// status_counts and village_counts, which triggers keep (migration 00014).
// After every kind of write — regions imported, created, retyped and
// deleted; scores COPYed in, upserted with new statuses, set to no status,
// deleted and truncated — they give what counting the tables gives, at
// every level and under every kind of parent, and as whole scopes' totals
// (trends, profiles, transitions) and village lists' totals, for a
// framework that skips kelurahan (IDM) and one that counts them (IPD).
func TestGroupCountsSummary(t *testing.T) {
	s := storetest.New(t, store.Postgres)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 11))

	var rs []region.Region
	var desa []string
	add := func(code string) { rs = append(rs, newRegion(t, code, "Wilayah "+code)) }
	for _, p := range []string{"35", "64"} {
		add(p)
		for g := 1; g <= 2; g++ {
			reg := fmt.Sprintf("%s.%02d", p, g)
			add(reg)
			for d := 1; d <= 2; d++ {
				dis := fmt.Sprintf("%s.%02d", reg, d)
				add(dis)
				for v := 1; v <= 2+r.IntN(5); v++ {
					code := fmt.Sprintf("%s.%04d", dis, 2000+v)
					add(code)
					desa = append(desa, code)
				}
				add(dis + ".1001") // a kelurahan
			}
		}
	}
	add("64.03") // a regency with no districts
	if _, err := s.ImportRegions(ctx, rs); err != nil {
		t.Fatal(err)
	}

	idm, _ := indicator.FrameworkByCode("idm")
	ipd, _ := indicator.FrameworkByCode("ipd")
	check := func(when string) {
		t.Helper()
		for _, f := range []indicator.Framework{idm, ipd} {
			for _, year := range []int{2023, 2024} {
				for _, q := range []struct {
					level region.Level
					sc    stats.Scope
				}{
					{region.LevelProvince, stats.Scope{Framework: f}},
					{region.LevelRegency, stats.Scope{Framework: f}},
					{region.LevelDistrict, stats.Scope{Framework: f}},
					{region.LevelRegency, stats.Scope{Framework: f, Region: "64", Level: region.LevelProvince}},
					{region.LevelDistrict, stats.Scope{Framework: f, Region: "35", Level: region.LevelProvince}},
					{region.LevelDistrict, stats.Scope{Framework: f, Region: "35.02", Level: region.LevelRegency}},
					{region.LevelDistrict, stats.Scope{Framework: f, Region: "64.03", Level: region.LevelRegency}},
					{region.LevelDistrict, stats.Scope{Framework: f, Region: "64.09", Level: region.LevelRegency}},
				} {
					got, gotFound, err := s.GroupCounts(ctx, q.level, q.sc, year)
					if err != nil {
						t.Fatalf("%s: GroupCounts: %v", when, err)
					}
					want, wantFound, err := store.RawGroupCounts(ctx, s, q.level, q.sc, year)
					if err != nil {
						t.Fatalf("%s: counting the tables: %v", when, err)
					}
					if gotFound != wantFound {
						t.Errorf("%s, %s %d, %s under %q: found %v, want %v", when, f.Code, year, q.level, q.sc.Region, gotFound, wantFound)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s, %s %d, %s under %q: summary differs from the tables (-tables +summary):\n%s",
							when, f.Code, year, q.level, q.sc.Region, diff)
					}
				}
				// The totals of whole scopes: nationally, and of a region
				// of each level (one with nothing under it included).
				for _, sc := range []stats.Scope{
					{Framework: f},
					{Framework: f, Region: "35", Level: region.LevelProvince},
					{Framework: f, Region: "64.01", Level: region.LevelRegency},
					{Framework: f, Region: "35.02.01", Level: region.LevelDistrict},
					{Framework: f, Region: "64.03", Level: region.LevelRegency},
					{Framework: f, Region: desa[0], Level: region.LevelVillage},
				} {
					gotE, err := s.EligibleCounts(ctx, "", sc)
					if err != nil {
						t.Fatal(err)
					}
					gotC, err := s.StatusCounts(ctx, "", sc, year)
					if err != nil {
						t.Fatal(err)
					}
					wantE, wantC, err := store.RawTotals(ctx, s, sc, year)
					if err != nil {
						t.Fatal(err)
					}
					if gotE[""] != wantE[""] {
						t.Errorf("%s, %s, total under %q: %d eligible, the tables %d", when, f.Code, sc.Region, gotE[""], wantE[""])
					}
					if diff := cmp.Diff(wantC, gotC); diff != "" {
						t.Errorf("%s, %s %d, total under %q: status counts differ (-tables +summary):\n%s", when, f.Code, year, sc.Region, diff)
					}
				}
				// A village list's total, which with the area at one level
				// or none comes from the kept counts: the same list and
				// total.
				for _, lf := range []region.Filter{
					{Province: []string{"35"}},
					{Province: []string{"35", "64"}},
					{Regency: []string{"64.01", "64.03"}},
					{District: []string{"35.02.01"}},
					{Province: []string{"35"}, Regency: []string{"35.01"}},
					{Province: []string{"35", "35.01"}}, // a regency's code among provinces: in no province
					{},
				} {
					for _, statuses := range [][]string{{"maju"}, {"tertinggal", "sangat_tertinggal"}} {
						lf.Level, lf.Page.Limit = region.LevelVillage, 3
						lf.Score = &region.ScoreFilter{Framework: f.Code, Year: year, Status: statuses}
						got, gotN, err := s.Regions(ctx, lf)
						if err != nil {
							t.Fatal(err)
						}
						want, wantN, err := store.RawRegions(ctx, s, lf)
						if err != nil {
							t.Fatal(err)
						}
						if gotN != wantN || !cmp.Equal(want, got) {
							t.Errorf("%s, %s %d, villages %+v %v: total %d, the tables %d; page equal: %v",
								when, f.Code, year, lf, statuses, gotN, wantN, cmp.Equal(want, got))
						}
					}
				}
			}
		}
	}
	check("regions only")

	is := store.IndicatorStore{Store: s}
	scores := func(codes []string, year int) []indicator.Score {
		var out []indicator.Score
		for _, code := range codes {
			out = append(out, idmScore(t, code, year, boundaryScores[r.IntN(len(boundaryScores))], "", "test", ""))
		}
		return out
	}
	for _, year := range []int{2023, 2024} {
		if _, _, err := is.UpsertScores(ctx, scores(desa, year)); err != nil { // all new: COPY
			t.Fatal(err)
		}
	}
	check("scores inserted")

	// New values for half the villages (new statuses, some the same), and
	// new rows: the staged upsert, with inserts and updates in one batch.
	if _, _, err := is.UpsertScores(ctx, scores(desa[:len(desa)/2], 2024)); err != nil {
		t.Fatal(err)
	}
	check("scores upserted")

	db := s.SQL()
	for _, q := range []string{
		"UPDATE scores SET status = NULL WHERE village_code IN (SELECT village_code FROM scores WHERE year = 2024 ORDER BY village_code LIMIT 3)",
		"DELETE FROM scores WHERE year = 2023 AND village_code IN (SELECT village_code FROM scores ORDER BY village_code DESC LIMIT 4)",
		"UPDATE regions SET type = 'kelurahan' WHERE code = '" + desa[len(desa)-1] + "'",
		"UPDATE regions SET type = NULL WHERE code = '" + desa[len(desa)-2] + "'",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		check(q)
	}
	v, err := region.New("64.02.02.2999", "Desa Baru", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRegion(ctx, v); err != nil {
		t.Fatal(err)
	}
	check("village created")
	if err := s.DeleteRegion(ctx, "64.02.02.2999"); err != nil {
		t.Fatal(err)
	}
	check("village deleted")
	if _, err := db.ExecContext(ctx, "TRUNCATE scores"); err != nil {
		t.Fatal(err)
	}
	check("scores truncated")
}
