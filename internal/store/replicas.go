package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// useReplicas sends the reads of db to the PostgreSQL streaming replicas
// at readURLs through GORM's dbresolver: a query (SELECT) goes to one of
// them at random; inserts, updates, deletes, raw statements that are not a
// plain SELECT, and everything inside InTx go to the primary, as do the
// reads of a context marked by UsePrimary.
func useReplicas(db *gorm.DB, readURLs []string, opt Options) error {
	replicas := make([]gorm.Dialector, 0, len(readURLs))
	for _, raw := range readURLs {
		dialect, dsn, err := ParseURL(raw)
		if err != nil {
			return err
		}
		if dialect != Postgres {
			return errors.New("store: read replicas must be postgres:// URLs")
		}
		replicas = append(replicas, postgres.Open(pgDSN(dsn, opt)))
	}
	r := dbresolver.Register(dbresolver.Config{Replicas: replicas, Policy: dbresolver.RandomPolicy{}})
	idle := defaultIdleConns
	if opt.MaxOpenConns > 0 {
		r.SetMaxOpenConns(opt.MaxOpenConns)
		idle = opt.MaxOpenConns
	}
	r.SetMaxIdleConns(idle)
	return db.Use(r)
}

// pingReplicas checks that every replica answers, so that a wrong
// DATABASE_READ_URLS fails at start rather than on the first read.
func pingReplicas(ctx context.Context, db *gorm.DB, n int) error {
	for i := range n {
		var one int
		// A read lands on a random replica: ask until each has answered
		// or enough tries prove one wrong.
		if err := db.WithContext(ctx).Clauses(dbresolver.Read).Raw("SELECT 1").Scan(&one).Error; err != nil {
			return fmt.Errorf("store: connect to a read replica (%d of %d tried): %w", i+1, n, err)
		}
	}
	return nil
}

type primaryKey struct{}

// UsePrimary marks ctx so that the Store reads from the primary even where
// replicas are configured: the HTTP layer marks every write request, so that
// what a write reads (a parent that must exist, the row it returns) is not
// a replica's possibly older copy.
func UsePrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// with starts a statement for ctx: on the primary when the Store has
// replicas and ctx is marked by UsePrimary.
func (s *Store) with(ctx context.Context) *gorm.DB {
	db := s.db.WithContext(ctx)
	if s.replicas && !s.inTx && ctx.Value(primaryKey{}) != nil {
		db = db.Clauses(dbresolver.Write)
	}
	return db
}

// pinnedConn is the connection of an InTx transaction on PostgreSQL. It
// tells GORM and dbresolver that a transaction is open (gorm.TxCommitter),
// so that dbresolver leaves every statement on it rather than sending
// writes to a pooled primary connection and reads to a replica. InTx
// commits and rolls back with explicit statements; these are never called.
type pinnedConn struct{ *sql.Conn }

var errPinned = errors.New("store: commit or roll back an InTx transaction by returning from its function")

func (pinnedConn) Commit() error   { return errPinned }
func (pinnedConn) Rollback() error { return errPinned }
