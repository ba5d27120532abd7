package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// useReplicas sends the reads of db to the PostgreSQL streaming replicas
// at readURLs through GORM's dbresolver. Each replica is a resolver of its
// own (named by replicaName) and there is no global one, so that a
// statement goes to a replica only when Store.with names it: one replica
// for all the reads of a request (ForRequest), so that the data version
// behind its ETag and the rows it answers come from the same, monotonically
// replaying copy. Inserts, updates, deletes and raw statements that are not
// a plain SELECT go to the primary whatever the name (the resolvers'
// default source); so does everything inside InTx and every read of a
// context marked by UsePrimary.
func useReplicas(db *gorm.DB, readURLs []string, opt Options) error {
	var r *dbresolver.DBResolver
	for i, raw := range readURLs {
		dialect, dsn, err := ParseURL(raw)
		if err != nil {
			return err
		}
		if dialect != Postgres {
			return errors.New("store: read replicas must be postgres:// URLs")
		}
		cfg := dbresolver.Config{Replicas: []gorm.Dialector{postgres.Open(pgDSN(dsn, opt))}}
		if r == nil {
			r = dbresolver.Register(cfg, replicaName(i))
		} else {
			r.Register(cfg, replicaName(i))
		}
	}
	idle := defaultIdleConns
	if opt.MaxOpenConns > 0 {
		r.SetMaxOpenConns(opt.MaxOpenConns)
		idle = opt.MaxOpenConns
	}
	r.SetMaxIdleConns(idle)
	r.SetConnMaxIdleTime(5 * time.Minute)
	return db.Use(r)
}

// replicaName names the resolver of the i-th replica. It is no table's
// name, so only an explicit dbresolver.Use selects it.
func replicaName(i int) string { return fmt.Sprintf("desa:replica:%d", i) }

// pingReplicas checks that every replica answers, so that a wrong
// DATABASE_READ_URLS fails at start rather than on the first read.
func pingReplicas(ctx context.Context, db *gorm.DB, n int) error {
	for i := range n {
		var one int
		err := db.WithContext(ctx).Clauses(dbresolver.Use(replicaName(i)), dbresolver.Read).Raw("SELECT 1").Scan(&one).Error
		if err != nil {
			return fmt.Errorf("store: connect to read replica %d: %w", i+1, err)
		}
	}
	return nil
}

type replicaKey struct{}

// ForRequest prepares the context of one request: a request that may write
// reads from the primary (UsePrimary); any other reads from one replica,
// chosen at random, for all its statements.
func ForRequest(ctx context.Context, write bool) context.Context {
	if write {
		return UsePrimary(ctx)
	}
	return context.WithValue(ctx, replicaKey{}, rand.Uint32())
}

type primaryKey struct{}

// UsePrimary marks ctx so that the Store reads from the primary even where
// replicas are configured: the HTTP layer marks every write request, so that
// what a write reads (a parent that must exist, the row it returns) is not
// a replica's possibly older copy.
func UsePrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// with starts a statement for ctx. With replicas: on the primary when ctx
// is marked by UsePrimary or the Store is in a transaction; else a read goes
// to the replica ForRequest chose for ctx, or one at random.
func (s *Store) with(ctx context.Context) *gorm.DB {
	db := s.db.WithContext(ctx)
	if s.replicas == 0 || s.inTx {
		return db
	}
	if ctx.Value(primaryKey{}) != nil {
		return db.Clauses(dbresolver.Write)
	}
	n, ok := ctx.Value(replicaKey{}).(uint32)
	if !ok {
		n = rand.Uint32()
	}
	return db.Clauses(dbresolver.Use(replicaName(int(n % uint32(s.replicas)))))
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
