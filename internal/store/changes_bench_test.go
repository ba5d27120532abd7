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

// withoutChangeLog undoes, per engine, what keeps scores in the change feed
// (migrations 00010 and 00011): the seq column's default, index and
// triggers, and the tombstone trigger.
var withoutChangeLog = map[store.Dialect][]string{
	store.Postgres: {"DROP TRIGGER scores_seq ON scores", "DROP TRIGGER scores_log_changes_del ON scores",
		"DROP INDEX scores_seq", "ALTER TABLE scores ALTER COLUMN seq DROP NOT NULL, ALTER COLUMN seq DROP DEFAULT"},
	store.SQLite: {"DROP TRIGGER scores_seq_ins", "DROP TRIGGER scores_seq_upd", "DROP TRIGGER scores_log_changes_del",
		"DROP INDEX scores_seq"},
}

// BenchmarkScoreImportChangeLog measures what the change feed costs the bulk import of IDM 2024 (75,255 scores into
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
						for _, q := range withoutChangeLog[d] {
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
