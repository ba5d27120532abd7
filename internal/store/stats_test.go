package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestScoreSum: a scope's count and sum of scores, computed in the
// database, are those of the scores read one by one, and give Summarize's
// mean, on both engines. SQLite keeps scores as REAL, where most four-place
// decimals (0.4907) have no exact form, so summing them as they are would
// drift.
func TestScoreSum(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var rs []region.Region
		add := func(code string) { rs = append(rs, newRegion(t, code, "Wilayah "+code)) }
		var villages []string
		for _, p := range []string{"35", "64"} {
			add(p)
			add(p + ".01")
			add(p + ".01.01")
		}
		for v := range 300 {
			code := fmt.Sprintf("35.01.01.%04d", 2001+v)
			add(code)
			villages = append(villages, code)
		}
		if _, err := s.ImportRegions(ctx, rs); err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 5))
		var scores []indicator.Score
		for i, code := range villages {
			var score string
			switch {
			case i < len(boundaryScores):
				score = boundaryScores[i]
			case i == len(boundaryScores):
				score = "0.0029" // as a double, times 10,000: 28.999…
			default:
				score = fixed.Dec(r.Int64N(10001)).String()
			}
			scores = append(scores, idmScore(t, code, 2024, score, "", "test", ""))
		}
		if _, _, err := (store.IndicatorStore{Store: s}).UpsertScores(ctx, scores); err != nil {
			t.Fatal(err)
		}
		// A row with a status but no score (as an import may bring).
		if _, err := s.SQL().ExecContext(ctx, "UPDATE scores SET score = NULL WHERE village_code = '"+villages[20]+"'"); err != nil {
			t.Fatal(err)
		}

		idm, _ := indicator.FrameworkByCode("idm")
		for _, sc := range []stats.Scope{
			{Framework: idm},
			{Framework: idm, Region: "35", Level: region.LevelProvince},
			{Framework: idm, Region: "35.01.01", Level: region.LevelDistrict},
			{Framework: idm, Region: villages[len(boundaryScores)], Level: region.LevelVillage}, // 0.0029
			{Framework: idm, Region: "64", Level: region.LevelProvince},                         // no villages
		} {
			for _, year := range []int{2024, 2023} { // 2023: no scores
				got, err := s.ScoreSum(ctx, sc, year)
				if err != nil {
					t.Fatalf("ScoreSum(%q, %d): %v", sc.Region, year, err)
				}
				all, err := s.ScoreValues(ctx, "", sc, year, []string{"score"})
				if err != nil {
					t.Fatal(err)
				}
				vals := all["score"]
				want := stats.ScoreSum{N: len(vals[""])}
				for _, v := range vals[""] {
					want.Sum += v
				}
				if got != want {
					t.Errorf("ScoreSum(%q, %d) = %+v, the scores read one by one %+v", sc.Region, year, got, want)
				}
				if diff := cmp.Diff(stats.Summarize(vals[""]).Mean, got.Mean()); diff != "" {
					t.Errorf("ScoreSum(%q, %d).Mean() differs from Summarize's (-Summarize +ScoreSum):\n%s", sc.Region, year, diff)
				}
			}
		}
	})
}

func TestParseCounts(t *testing.T) {
	for _, tc := range []struct {
		text string
		want map[string]int
		ok   bool
	}{
		{"", map[string]int{}, true},
		{"maju=3", map[string]int{"maju": 3}, true},
		{"sangat_tertinggal=1,mandiri=20", map[string]int{"sangat_tertinggal": 1, "mandiri": 20}, true},
		{"maju", nil, false},
		{"maju=x", nil, false},
		{"maju=1,", nil, false},
	} {
		got, err := store.ParseCounts(tc.text)
		if (err == nil) != tc.ok || !cmp.Equal(got, tc.want) {
			t.Errorf("ParseCounts(%q) = %v, %v; want %v (ok %v)", tc.text, got, err, tc.want, tc.ok)
		}
	}
}
