package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// InTx runs fn with a Store bound to one transaction: committed when fn
// returns nil, rolled back otherwise (and on panic). Nested calls join the
// outer transaction.
//
// On PostgreSQL the transaction runs on a pinned connection with explicit
// BEGIN/COMMIT, so that bulk writes inside it can use COPY through the same
// pgx connection — something a database/sql transaction cannot offer.
func (s *Store) InTx(ctx context.Context, fn func(*Store) error) (err error) {
	if s.inTx {
		return fn(s)
	}
	if s.dialect == SQLite {
		return translate(s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return fn(&Store{db: tx, dialect: s.dialect, inTx: true})
		}))
	}
	return translate(s.db.WithContext(ctx).Connection(func(c *gorm.DB) error {
		conn := c.Statement.ConnPool.(*sql.Conn)
		if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
			return err
		}
		done := false
		defer func() {
			if !done {
				// Rollback with a fresh context: the request's may be gone.
				conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			}
		}()
		c.Statement.ConnPool = pinnedConn{conn}
		tx := &Store{db: c.Session(&gorm.Session{NewDB: true}), dialect: s.dialect, inTx: true, conn: conn,
			replicas: s.replicas}
		if err := fn(tx); err != nil {
			return err
		}
		done = true
		if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	}))
}

// pgxRun runs fn with a raw pgx connection that is inside a transaction:
// the pinned one of InTx, else a pooled one in a transaction of its own.
func (s *Store) pgxRun(ctx context.Context, fn func(pgxConn) error) error {
	if s.conn == nil {
		return s.withPgx(ctx, func(tx pgx.Tx) error { return fn(tx) })
	}
	return translate(s.conn.Raw(func(dc any) error {
		return fn(dc.(*stdlib.Conn).Conn())
	}))
}

// pgxConn is what both *pgx.Conn and pgx.Tx offer.
type pgxConn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, rows pgx.CopyFromSource) (int64, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}
