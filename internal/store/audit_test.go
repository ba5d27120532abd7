package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestAuditInTransaction: the entry of a write shares its transaction — a
// rolled back write leaves none, a committed one exactly one, with the
// actor the context carries — and the change log follows the same rule.
func TestAuditInTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := audit.WithActor(context.Background(), audit.Actor{KeyID: "k1", KeyName: "kaltim", RequestID: "r1"})
		p, _ := region.New("64", "Kalimantan Timur", "")
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx *store.Store) error {
			if err := tx.CreateRegion(ctx, p); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if es, n, err := s.AuditEntries(ctx, audit.Filter{Limit: 10}); err != nil || n != 0 || len(es) != 0 {
			t.Fatalf("after a rollback: %d entries (%v)", n, err)
		}
		if cs, err := s.Changes(ctx, audit.ChangeFilter{Limit: 10}); err != nil || len(cs) != 0 {
			t.Fatalf("after a rollback: %d changes (%v)", len(cs), err)
		}

		if err := s.CreateRegion(ctx, p); err != nil {
			t.Fatal(err)
		}
		es, n, err := s.AuditEntries(ctx, audit.Filter{Limit: 10})
		if err != nil || n != 1 {
			t.Fatalf("after a commit: %d entries (%v)", n, err)
		}
		e := es[0]
		if e.KeyID != "k1" || e.KeyName != "kaltim" || e.RequestID != "r1" || e.Action != audit.ActionCreate ||
			e.Entity != audit.EntityRegion || e.EntityID != "64" || e.Before != nil || e.After == nil {
			t.Errorf("entry %+v", e)
		}
		cs, err := s.Changes(ctx, audit.ChangeFilter{Limit: 10})
		if err != nil || len(cs) != 1 || cs[0].EntityID != "64" || cs[0].Deleted || cs[0].State == nil {
			t.Errorf("changes %+v (%v)", cs, err)
		}

		// A stale If-Match fails inside the transaction: nothing written.
		pctx := audit.WithPrecondition(ctx, &audit.Precondition{Entity: audit.EntityRegion, ID: "64", IfMatch: `"stale"`})
		if err := s.DeleteRegion(pctx, "64"); !apperr.Is(err, apperr.Precondition) {
			t.Errorf("DeleteRegion with a stale If-Match = %v, want a precondition failure", err)
		}
		tag, err := s.ETag(ctx, audit.EntityRegion, "64")
		if err != nil {
			t.Fatal(err)
		}
		pctx = audit.WithPrecondition(ctx, &audit.Precondition{Entity: audit.EntityRegion, ID: "64", IfMatch: tag})
		if err := s.DeleteRegion(pctx, "64"); err != nil {
			t.Fatalf("DeleteRegion with the current ETag: %v", err)
		}
		if _, n, _ := s.AuditEntries(ctx, audit.Filter{Limit: 10}); n != 2 {
			t.Errorf("%d entries after create and delete, want 2", n)
		}
		cs, _ = s.Changes(ctx, audit.ChangeFilter{Since: cs[0].Seq, Limit: 10})
		if len(cs) != 1 || !cs[0].Deleted || cs[0].State != nil {
			t.Errorf("changes after the delete: %+v", cs)
		}
	})
}
