package store_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// desaCount is more than ExistingScores' chunk of 900 codes.
const desaCount = 1200

// loadVillages stores one district with desaCount desa and a kelurahan.
func loadVillages(t *testing.T, s *store.Store) []string {
	t.Helper()
	var rs []region.Region
	add := func(code, name string) {
		r, err := region.New(code, name, "")
		if err != nil {
			t.Fatalf("region %s: %v", code, err)
		}
		rs = append(rs, r)
	}
	add("64", "Kalimantan Timur")
	add("64.01", "Kabupaten Paser")
	add("64.01.01", "Batu Sopang")
	var codes []string
	for i := 1; i <= desaCount; i++ {
		code := fmt.Sprintf("64.01.01.%04d", 2000+i)
		if i > 999 {
			code = fmt.Sprintf("64.01.01.3%03d", i-999) // desa adat, to pass 999 desa
		}
		add(code, "Desa "+code)
		codes = append(codes, code)
	}
	add("64.01.01.1001", "Kelurahan")
	if _, err := s.ImportRegions(context.Background(), rs); err != nil {
		t.Fatalf("import regions: %v", err)
	}
	return codes
}

// boundaryScores are the IDM thresholds from both sides and the ends.
var boundaryScores = []string{"0", "0.4907", "0.4908", "0.5989", "0.5990", "0.7072", "0.7073", "0.8155", "0.8156", "1"}

func idmScore(t *testing.T, code string, year int, score, status, source, importID string) indicator.Score {
	t.Helper()
	f, err := indicator.FrameworkByCode("idm")
	if err != nil {
		t.Fatal(err)
	}
	d := fixed.MustParse(score)
	in := indicator.ScoreInput{Components: map[string]fixed.Dec{"iks": d, "ike": d, "ikl": d}, Status: status, Source: source}
	sc, probs := f.NewScore(indicator.Village{Code: code, Type: "desa"}, year, in)
	if len(probs) > 0 {
		t.Fatalf("NewScore %s %s: %+v", code, score, probs)
	}
	sc.ImportID = importID
	return sc
}

var ignoreUpdatedAt = cmpopts.IgnoreFields(indicator.Score{}, "UpdatedAt")

// TestUpsertScores: the counts of inserted, updated and unchanged rows, an
// unchanged row left untouched, and every value read back exactly.
func TestUpsertScores(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		codes := loadVillages(t, s)
		is := store.IndicatorStore{Store: s}

		var all []indicator.Score
		var keys []indicator.Key
		for i, code := range codes {
			all = append(all, idmScore(t, code, 2024, boundaryScores[i%len(boundaryScores)], "", "first", "imp-1"))
			keys = append(keys, indicator.Key{VillageCode: code, Year: 2024})
		}
		type counts struct{ Inserted, Updated int }
		upsert := func(name string, scores []indicator.Score, want counts) {
			t.Helper()
			ins, upd, err := is.UpsertScores(ctx, scores)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if diff := cmp.Diff(want, counts{ins, upd}); diff != "" {
				t.Errorf("%s: counts mismatch (-want +got):\n%s", name, diff)
			}
		}
		upsert("first", all, counts{desaCount, 0})
		upsert("nothing", nil, counts{0, 0})

		got, err := is.ExistingScores(ctx, "idm", keys)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != desaCount {
			t.Fatalf("ExistingScores found %d of %d", len(got), desaCount)
		}
		for _, want := range all {
			g := got[indicator.Key{VillageCode: want.VillageCode, Year: 2024}]
			if diff := cmp.Diff(want, g, ignoreUpdatedAt); diff != "" {
				t.Fatalf("%s read back mismatch (-want +got):\n%s", want.VillageCode, diff)
			}
		}

		// The same values from another source: unchanged, and untouched.
		again := make([]indicator.Score, len(all))
		for i, sc := range all {
			sc.Source, sc.ImportID = "second", "imp-2"
			again[i] = sc
		}
		upsert("same values", again, counts{0, 0})
		one, err := is.Scores(ctx, codes[0], "")
		if err != nil || len(one) != 1 || one[0].Source != "first" || one[0].ImportID != "imp-1" {
			t.Errorf("an unchanged score was rewritten: %+v, %v", one, err)
		}

		// Changed values, a changed published status, and new rows.
		var mixed []indicator.Score
		mixed = append(mixed, idmScore(t, codes[0], 2024, "0.4908", "", "third", "imp-3"))           // 0 → 0.4908
		mixed = append(mixed, idmScore(t, codes[1], 2024, "0.4907", "tertinggal", "third", "imp-3")) // status only
		mixed = append(mixed, all[2])                                                                // unchanged
		mixed = append(mixed, idmScore(t, codes[0], 2023, "0.7", "", "third", "imp-3"))              // new year
		mixed = append(mixed, idmScore(t, codes[1], 2023, "0.7", "", "third", "imp-3"))
		upsert("mixed", mixed, counts{2, 2})
		after, err := is.Scores(ctx, codes[1], "idm")
		if err != nil {
			t.Fatal(err)
		}
		var summary []string
		for _, sc := range after {
			summary = append(summary, fmt.Sprintf("%d %s %s/%s %s", sc.Year, sc.Score, sc.Status, sc.DerivedStatus, sc.ImportID))
		}
		if diff := cmp.Diff([]string{"2023 0.7000 berkembang/berkembang imp-3", "2024 0.4907 tertinggal/sangat_tertinggal imp-3"}, summary); diff != "" {
			t.Errorf("scores of %s mismatch (-want +got):\n%s", codes[1], diff)
		}
		if n, err := is.CountScores(ctx, "idm"); err != nil || n != desaCount+2 {
			t.Errorf("CountScores = %d, %v; want %d", n, err, desaCount+2)
		}
		if n, err := is.CountScores(ctx, "ipd"); err != nil || n != 0 {
			t.Errorf("CountScores(ipd) = %d, %v; want 0", n, err)
		}

		// A transaction that fails leaves nothing behind, its counts included.
		boom := errors.New("boom")
		err = is.InTx(ctx, func(tx indicator.Store) error {
			ins, upd, err := tx.UpsertScores(ctx, []indicator.Score{
				idmScore(t, codes[5], 2020, "0.5", "", "tx", "imp-4"),
				idmScore(t, codes[6], 2024, "0.9", "", "tx", "imp-4"),
			})
			if err != nil || ins != 1 || upd != 1 {
				t.Errorf("in a transaction: %d inserted, %d updated, %v; want 1, 1", ins, upd, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("InTx = %v, want boom", err)
		}
		if n, _ := is.CountScores(ctx, "idm"); n != desaCount+2 {
			t.Errorf("after rollback CountScores = %d, want %d", n, desaCount+2)
		}
		if sc, _ := is.Scores(ctx, codes[6], "idm"); len(sc) != 1 || sc[0].Source != "first" {
			t.Errorf("rolled-back update is visible: %+v", sc)
		}

		types, err := is.VillageTypes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(types) != desaCount+1 || types["64.01.01.1001"] != "kelurahan" || types[codes[0]] != "desa" || types[codes[desaCount-1]] != "desa_adat" {
			t.Errorf("VillageTypes: %d villages, kelurahan %q, first %q, last %q", len(types), types["64.01.01.1001"],
				types[codes[0]], types[codes[desaCount-1]])
		}
	})
}

// TestUpsertScoresBatches: batches in one transaction — all new, then
// overlapping what the first stored, then all new again — count exactly,
// and a batch that meets a stored row undoes none of the earlier ones.
// (On PostgreSQL an all-new batch is copied straight into the table, and
// one that meets a stored row falls back to the upsert.)
func TestUpsertScoresBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		codes := loadVillages(t, s)
		is := store.IndicatorStore{Store: s}
		batch := func(from, to, year int, score string) []indicator.Score {
			var out []indicator.Score
			for _, code := range codes[from:to] {
				out = append(out, idmScore(t, code, year, score, "", "batch", "imp-1"))
			}
			return out
		}
		type counts struct{ Inserted, Updated int }
		steps := []struct {
			name   string
			scores []indicator.Score
			want   counts
		}{
			{"new", batch(0, 400, 2024, "0.5"), counts{400, 0}},
			{"overlapping", append(batch(300, 400, 2024, "0.6"), batch(400, 500, 2024, "0.5")...), counts{100, 100}},
			{"unchanged and new", append(batch(0, 50, 2024, "0.5"), batch(500, 600, 2024, "0.5")...), counts{100, 0}},
			{"new again", batch(600, 800, 2024, "0.5"), counts{200, 0}},
			{"another year", batch(0, 800, 2023, "0.5"), counts{800, 0}},
		}
		err := is.InTx(ctx, func(tx indicator.Store) error {
			for _, st := range steps {
				ins, upd, err := tx.UpsertScores(ctx, st.scores)
				if err != nil {
					return fmt.Errorf("%s: %w", st.name, err)
				}
				if diff := cmp.Diff(st.want, counts{ins, upd}); diff != "" {
					t.Errorf("%s: counts mismatch (-want +got):\n%s", st.name, diff)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := is.CountScores(ctx, "idm"); err != nil || n != 1600 {
			t.Errorf("CountScores = %d, %v; want 1600", n, err)
		}
		for code, want := range map[string]string{codes[0]: "0.5000", codes[350]: "0.6000", codes[450]: "0.5000", codes[799]: "0.5000"} {
			got, err := is.Scores(ctx, code, "idm")
			if err != nil || len(got) != 2 || got[1].Score.String() != want {
				t.Errorf("scores of %s = %+v, %v; want 2023 and 2024, 2024 at %s", code, got, err, want)
			}
		}
	})
}

// TestImportReports stores an import report and reads it back whole.
func TestImportReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		is := store.IndicatorStore{Store: s}
		rep := indicator.Report{ID: "0193a5b2c4d8e7f6a1b2c3d4e5f60718", Kind: "scores", Framework: "idm", DryRun: true,
			Mode: "partial", Source: "test", CodeEdition: 2022, Format: "csv", Rows: 3, Inserted: 1, Updated: 1,
			Unchanged: 0, Rejected: 1, Translated: 1, Applied: false, KeyID: "key-1",
			Errors:       []indicator.RowError{{Row: 2, Field: "village_code", Code: "unknown_village", Message: "no village with code 64.01.01.2999"}},
			Translations: []indicator.Translation{{Row: 1, From: "64.01.02.2001", To: "64.01.01.2010"}},
			CreatedAt:    time.Date(2024, 5, 8, 10, 11, 12, 123456000, time.UTC)}
		if err := is.SaveImport(ctx, rep); err != nil {
			t.Fatal(err)
		}
		got, err := is.ImportReport(ctx, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rep, got); diff != "" {
			t.Errorf("report mismatch (-want +got):\n%s", diff)
		}
		if _, err := is.ImportReport(ctx, "nope"); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("unknown report: %v, want NotFound", err)
		}
	})
}

// TestBulkWritesAnalyze: on PostgreSQL a bulk load of regions, and an
// import-sized transaction of scores, leave the tables analyzed, so that
// the planner does not take a freshly loaded table for an empty one.
func TestBulkWritesAnalyze(t *testing.T) {
	s := storetest.New(t, store.Postgres)
	ctx := context.Background()
	reltuples := func(table string) float64 {
		t.Helper()
		var n float64
		if err := s.SQL().QueryRowContext(ctx, "SELECT reltuples FROM pg_class WHERE relname = $1", table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := reltuples("scores"); n >= 0 {
		t.Fatalf("a fresh scores table has reltuples %v; want -1 (never analyzed)", n)
	}
	codes := loadVillages(t, s)
	if n := reltuples("regions"); n != desaCount+4 {
		t.Errorf("regions reltuples after the bulk load = %v, want %d", n, desaCount+4)
	}
	is := store.IndicatorStore{Store: s}
	// One score through a single write: no ANALYZE for that.
	if _, _, err := is.UpsertScores(ctx, []indicator.Score{idmScore(t, codes[0], 2023, "0.5", "", "", "")}); err != nil {
		t.Fatal(err)
	}
	if n := reltuples("scores"); n >= 0 {
		t.Errorf("after one score reltuples = %v; want -1 (not analyzed)", n)
	}
	err := is.InTx(ctx, func(tx indicator.Store) error {
		var scores []indicator.Score
		for _, code := range codes {
			scores = append(scores, idmScore(t, code, 2024, "0.7", "", "", ""))
		}
		for start := 0; start < len(scores); start += 500 {
			if _, _, err := tx.UpsertScores(ctx, scores[start:min(start+500, len(scores))]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := reltuples("scores"); n != desaCount+1 {
		t.Errorf("scores reltuples after an import = %v, want %d", n, desaCount+1)
	}
}

// TestCopyDecimals: decimals reach PostgreSQL exactly through the bulk
// path's own numeric encoding, whatever their size and sign.
func TestCopyDecimals(t *testing.T) {
	s := storetest.New(t, store.Postgres)
	units := []int64{0, 1, 9999, 10000, 4907, 4908, 7444, 100000000, 123456789, 1234567890000, -1, -5000, -123456789,
		math.MaxInt64, math.MinInt64 + 1, math.MinInt64}
	got, err := store.CopyDecimals(context.Background(), s, units)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, u := range units {
		want = append(want, fixed.Dec(u).String())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decimals read back mismatch (-want +got):\n%s", diff)
	}
}
