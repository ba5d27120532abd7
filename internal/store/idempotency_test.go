package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/idempotency"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestIdempotencyClaims: a key is claimed once; the holder's answer is
// returned to later claims; a released claim is free again; an expired one
// is replaced on claim and purged.
func TestIdempotencyClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		t0 := time.Date(2025, 5, 8, 9, 0, 0, 0, time.UTC)
		rec := func(key, fp string, at time.Time) idempotency.Record {
			return idempotency.Record{APIKeyID: "k1", Key: key, Fingerprint: fp, CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		}
		if _, ok, err := s.ClaimIdempotency(ctx, rec("a", "f1", t0)); err != nil || !ok {
			t.Fatalf("first claim: %v, %v", ok, err)
		}
		held, ok, err := s.ClaimIdempotency(ctx, rec("a", "f2", t0.Add(time.Minute)))
		if err != nil || ok || held.Fingerprint != "f1" || !held.InProgress() {
			t.Fatalf("claim of a held key: %+v, %v, %v", held, ok, err)
		}
		// Another API key's "a" is its own.
		other := rec("a", "f1", t0)
		other.APIKeyID = "k2"
		if _, ok, err := s.ClaimIdempotency(ctx, other); err != nil || !ok {
			t.Fatalf("another API key: %v, %v", ok, err)
		}

		header := map[string][]string{"Content-Type": {"application/json"}, "Location": {"/v1/x/1"}}
		if err := s.FinishIdempotency(ctx, idempotency.Record{APIKeyID: "k1", Key: "a", Status: 201, Header: header,
			Body: []byte(`{"id":"1"}`)}); err != nil {
			t.Fatal(err)
		}
		held, ok, err = s.ClaimIdempotency(ctx, rec("a", "f1", t0.Add(time.Minute)))
		if err != nil || ok {
			t.Fatalf("claim of a finished key: %v, %v", ok, err)
		}
		want := idempotency.Record{APIKeyID: "k1", Key: "a", Fingerprint: "f1", Status: 201, Header: header,
			Body: []byte(`{"id":"1"}`), CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if diff := cmp.Diff(want, held); diff != "" {
			t.Errorf("finished record mismatch (-want +got):\n%s", diff)
		}
		// Releasing a finished key does nothing; an unfinished one frees it.
		if err := s.ReleaseIdempotency(ctx, "k1", "a"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.ClaimIdempotency(ctx, rec("a", "f1", t0)); ok {
			t.Errorf("a finished key was released")
		}
		s.ClaimIdempotency(ctx, rec("b", "f1", t0))
		if err := s.ReleaseIdempotency(ctx, "k1", "b"); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.ClaimIdempotency(ctx, rec("b", "f2", t0)); err != nil || !ok {
			t.Errorf("a released key could not be claimed again: %v, %v", ok, err)
		}

		// Expired: replaced on claim, and purged.
		if _, ok, err := s.ClaimIdempotency(ctx, rec("a", "f9", t0.Add(2*time.Hour))); err != nil || !ok {
			t.Errorf("an expired key could not be claimed again: %v, %v", ok, err)
		}
		if err := s.PurgeIdempotency(ctx, t0.Add(90*time.Minute)); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM idempotency_keys").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 { // k1/a claimed at t0+2h; k2/a and k1/b expired at t0+1h
			t.Errorf("after the purge %d records are left, want 1", n)
		}
	})
}

// TestIdempotencyConcurrentClaims: of concurrent claims of one key exactly
// one wins, on both engines.
func TestIdempotencyConcurrentClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Now().UTC()
		var (
			wg   sync.WaitGroup
			wins atomic.Int32
		)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, ok, err := s.ClaimIdempotency(context.Background(), idempotency.Record{APIKeyID: "k", Key: "same",
					Fingerprint: "f", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
				if err != nil {
					t.Errorf("claim: %v", err)
				}
				if ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Errorf("%d concurrent claims won, want 1", wins.Load())
		}
	})
}

// TestIdempotencyCommittedClaimStays: a write made under a claim marks it
// committed in the write's own transaction, and a committed claim is not
// released, so a retry cannot make the change twice; a write that failed
// leaves its claim free to release.
func TestIdempotencyCommittedClaimStays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC()
		claim := func(key string) context.Context {
			t.Helper()
			r := idempotency.Record{APIKeyID: "k1", Key: key, Fingerprint: "f", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			if _, ok, err := s.ClaimIdempotency(ctx, r); err != nil || !ok {
				t.Fatalf("claim %s: %v, %v", key, ok, err)
			}
			return idempotency.WithClaim(ctx, idempotency.Claim{APIKeyID: "k1", Key: key})
		}
		held := func(key string) (idempotency.Record, bool) {
			t.Helper()
			r := idempotency.Record{APIKeyID: "k1", Key: key, Fingerprint: "f", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			rec, claimed, err := s.ClaimIdempotency(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			return rec, !claimed
		}
		regions := region.NewService(s)
		kaltim, err := region.New("64", "Kalimantan Timur", "")
		if err != nil {
			t.Fatal(err)
		}

		// The write commits; then its answer fails and the claim is released.
		if _, err := regions.Create(claim("made"), region.LevelProvince, kaltim); err != nil {
			t.Fatal(err)
		}
		if err := s.ReleaseIdempotency(ctx, "k1", "made"); err != nil {
			t.Fatal(err)
		}
		if rec, ok := held("made"); !ok || !rec.Committed || !rec.InProgress() {
			t.Errorf("after a committed write and a release: held %v, %+v; want the claim kept, committed", ok, rec)
		}

		// The write fails (the province exists): nothing committed, the
		// claim is released and free again.
		if _, err := regions.Create(claim("failed"), region.LevelProvince, kaltim); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("second create: %v, want a conflict", err)
		}
		if err := s.ReleaseIdempotency(ctx, "k1", "failed"); err != nil {
			t.Fatal(err)
		}
		if rec, ok := held("failed"); ok {
			t.Errorf("after a failed write and a release: still held, %+v", rec)
		}
	})
}
