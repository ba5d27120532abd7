package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/seed"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// BenchmarkScoreImportChangeLog measures what the change log (the triggers
// of migration 00011) costs the bulk import of IDM 2024 (75,259 scores into
// an empty table), against the same import with the score triggers
// dropped, in the same run: compare the two ns/op of an engine.
//
//	go test ./internal/store -run '^$' -bench ScoreImportChangeLog -benchtime 2x
func BenchmarkScoreImportChangeLog(b *testing.B) {
	crosswalk, err := seed.Crosswalk()
	if err != nil {
		b.Fatal(err)
	}
	rs, err := seed.Regions()
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range storetest.Engines {
		for _, withLog := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/changelog=%v", d, withLog), func(b *testing.B) {
				ctx := context.Background()
				for range b.N {
					b.StopTimer()
					s := storetest.New(b, d)
					if _, err := s.ImportRegions(ctx, rs); err != nil {
						b.Fatal(err)
					}
					if !withLog {
						for _, op := range []string{"ins", "upd", "del"} {
							q := "DROP TRIGGER scores_log_changes_" + op
							if d == store.Postgres {
								q += " ON scores"
							}
							if _, err := s.SQL().Exec(q); err != nil {
								b.Fatal(err)
							}
						}
					}
					n := 0
					svc := indicator.NewService(store.IndicatorStore{Store: s}, s, crosswalk, func() string { n++; return fmt.Sprint("bench-", n) })
					b.StartTimer()
					rep, err := seed.LoadScores(ctx, svc, seed.ScoreSets[0])
					if err != nil || rep.Inserted < 75000 {
						b.Fatalf("load: %v, %d inserted", err, rep.Inserted)
					}
					b.StopTimer()
					s.Close()
				}
			})
		}
	}
}
