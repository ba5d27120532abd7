package store_test

import (
	"context"
	"testing"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest/pgcluster"
)

// TestReadReplicas runs a Store on a primary and a real streaming replica
// whose replay the test pauses, so that the two differ: what the Store
// reads shows where it read. Plain reads go to the replica, writes to the
// primary, reads marked by UsePrimary and reads inside InTx (which see the
// transaction's own writes) to the primary.
func TestReadReplicas(t *testing.T) {
	ctx := context.Background()
	pg := pgcluster.Start(t)
	primaryURL := pg.CreateDatabase("desa")
	rep := pg.Replica()
	s, err := store.Open(ctx, primaryURL, store.Options{ReadURLs: []string{rep.URL("desa")}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep.WaitReplay(pg) // the migrations
	newRegion := func(code, name, typ string) region.Region {
		r, err := region.New(code, name, typ)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	rep.Exec("desa", "SELECT pg_wal_replay_pause()")

	// A write goes to the primary: the replica is read-only and would refuse it.
	if err := s.CreateRegion(ctx, newRegion("64", "Kalimantan Timur", "")); err != nil {
		t.Fatalf("write: %v", err)
	}
	// A plain read goes to the replica, which has not replayed the write.
	if _, err := s.Region(ctx, "64"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("plain read of the new province: %v, want NotFound from the paused replica", err)
	}
	// A read in a write's request goes to the primary.
	if got, err := s.Region(store.UsePrimary(ctx), "64"); err != nil || got.Name != "Kalimantan Timur" {
		t.Errorf("read marked UsePrimary: %+v, %v; want the province from the primary", got, err)
	}
	// Inside a transaction every statement runs on the primary's
	// transaction and sees its own writes.
	err = s.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateRegion(ctx, newRegion("64.01", "Kabupaten Paser", "kabupaten")); err != nil {
			return err
		}
		got, err := tx.Region(ctx, "64.01")
		if err != nil || got.ProvinceName != "Kalimantan Timur" {
			t.Errorf("read inside the transaction: %+v, %v; want its own regency", got, err)
		}
		return err
	})
	if err != nil {
		t.Fatalf("InTx: %v", err)
	}
	if _, err := s.Region(ctx, "64.01"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("plain read of the new regency: %v, want NotFound from the paused replica", err)
	}

	// Once the replica replays, plain reads see everything.
	rep.Exec("desa", "SELECT pg_wal_replay_resume()")
	rep.WaitReplay(pg)
	if got, err := s.Region(ctx, "64.01"); err != nil || got.ProvinceName != "Kalimantan Timur" {
		t.Errorf("plain read after replay: %+v, %v", got, err)
	}
}

// TestReadReplicasNeedPostgres refuses replicas behind an SQLite primary.
func TestReadReplicasNeedPostgres(t *testing.T) {
	_, err := store.Open(context.Background(), t.TempDir()+"/x.db", store.Options{ReadURLs: []string{"postgres://127.0.0.1:1/x"}})
	if err == nil {
		t.Error("SQLite with read replicas accepted")
	}
}

// TestReadReplicasPerRequest runs a Store on two replicas, one of which has
// paused its replay: every read of one request context lands on the same
// replica (so the rows agree with each other and with the data version),
// different requests spread over both, and a write request's context reads
// the primary.
func TestReadReplicasPerRequest(t *testing.T) {
	ctx := context.Background()
	pg := pgcluster.Start(t)
	primaryURL := pg.CreateDatabase("desa")
	paused, live := pg.Replica(), pg.Replica()
	s, err := store.Open(ctx, primaryURL, store.Options{ReadURLs: []string{paused.URL("desa"), live.URL("desa")}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	paused.WaitReplay(pg)
	paused.Exec("desa", "SELECT pg_wal_replay_pause()")
	r, _ := region.New("64", "Kalimantan Timur", "")
	if err := s.CreateRegion(ctx, r); err != nil {
		t.Fatal(err)
	}
	live.WaitReplay(pg)

	seen := map[bool]int{}
	for range 16 {
		rctx := store.ForRequest(ctx, false)
		_, err := s.Region(rctx, "64")
		found := err == nil
		for range 4 {
			if _, err := s.Region(rctx, "64"); (err == nil) != found {
				t.Fatalf("one request's reads disagree: found %v, then %v", found, err)
			}
		}
		seen[found]++
	}
	if seen[true] == 0 || seen[false] == 0 {
		t.Errorf("16 requests found the new province %d times and missed it %d times: want both replicas used", seen[true], seen[false])
	}
	for range 4 {
		if _, err := s.Region(store.ForRequest(ctx, true), "64"); err != nil {
			t.Errorf("a write request's read: %v, want the province from the primary", err)
		}
	}
}
