package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// bulkSpec describes an upsert of many rows into one table.
type bulkSpec struct {
	table    string
	columns  []string
	conflict []string // the unique key
	update   []string // columns overwritten on conflict
	// values, when set, are the columns whose difference makes a conflicting
	// row "updated"; a row equal in all of them is left untouched.
	values []string
}

func (b bulkSpec) onConflict() string {
	sets := make([]string, len(b.update))
	for i, c := range b.update {
		sets[i] = c + " = excluded." + c
	}
	out := fmt.Sprintf(" ON CONFLICT (%s) DO UPDATE SET %s", strings.Join(b.conflict, ", "), strings.Join(sets, ", "))
	if len(b.values) > 0 {
		old, new := make([]string, len(b.values)), make([]string, len(b.values))
		for i, c := range b.values {
			old[i], new[i] = b.table+"."+c, "excluded."+c
		}
		out += fmt.Sprintf(" WHERE (%s) IS DISTINCT FROM (%s)", strings.Join(old, ", "), strings.Join(new, ", "))
	}
	return out
}

// copyUpsertCount is copyUpsert reporting how many rows were inserted and
// how many updated (the rest were equal in b.values and left alone). The
// unique index arbitrates, so the count needs no lookups of its own.
func copyUpsertCount(ctx context.Context, tx pgxConn, b bulkSpec, rows [][]any) (inserted, updated int, err error) {
	if err := stage(ctx, tx, b, rows); err != nil {
		return 0, 0, err
	}
	cols := strings.Join(b.columns, ", ")
	q := fmt.Sprintf(`WITH up AS (INSERT INTO %s (%s) SELECT %s FROM bulk_%s %s RETURNING (xmax = 0) AS inserted)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up`, b.table, cols, cols, b.table, b.onConflict())
	err = tx.QueryRow(ctx, q).Scan(&inserted, &updated)
	return inserted, updated, err
}

// copyUpsertCount runs copyUpsertCount on PostgreSQL in the store's
// transaction (or one of its own).
func (s *Store) copyUpsertCount(ctx context.Context, b bulkSpec, rows [][]any) (inserted, updated int, err error) {
	err = s.pgxRun(ctx, func(c pgxConn) error {
		inserted, updated, err = copyUpsertCount(ctx, c, b, rows)
		return err
	})
	return inserted, updated, translate(err)
}

// bulkUpsert writes rows in one transaction by the fastest path of the
// dialect: on PostgreSQL COPY into a temporary table and one INSERT … SELECT
// … ON CONFLICT; on SQLite multi-row INSERT … ON CONFLICT statements.
func (s *Store) bulkUpsert(ctx context.Context, b bulkSpec, rows [][]any) error {
	if s.dialect == Postgres {
		return s.pgxRun(ctx, func(c pgxConn) error { return copyUpsert(ctx, c, b, rows) })
	}
	return s.InTx(ctx, func(tx *Store) error { return translate(insertBatches(tx.db.WithContext(ctx), b, rows)) })
}

// withPgx runs fn in a transaction on a raw pgx connection from the pool,
// for what GORM and database/sql cannot express (COPY).
func (s *Store) withPgx(ctx context.Context, fn func(pgx.Tx) error) error {
	conn, err := s.SQL().Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	return translate(conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		return pgx.BeginFunc(ctx, pc, fn)
	}))
}

// copyUpsert must run inside a transaction: its temporary table lives until
// the commit, and is emptied for each batch.
func copyUpsert(ctx context.Context, tx pgxConn, b bulkSpec, rows [][]any) error {
	if err := stage(ctx, tx, b, rows); err != nil {
		return err
	}
	cols := strings.Join(b.columns, ", ")
	_, err := tx.Exec(ctx, fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM bulk_%s", b.table, cols, cols, b.table)+b.onConflict())
	return err
}

// stage copies rows into the temporary table bulk_<table>, which lives until
// the transaction ends and is emptied first.
func stage(ctx context.Context, tx pgxConn, b bulkSpec, rows [][]any) error {
	tmp := "bulk_" + b.table
	create := fmt.Sprintf("CREATE TEMP TABLE IF NOT EXISTS %s (LIKE %s INCLUDING DEFAULTS) ON COMMIT DROP", tmp, b.table)
	if _, err := tx.Exec(ctx, create); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "TRUNCATE "+tmp); err != nil {
		return err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{tmp}, b.columns, pgx.CopyFromRows(rows))
	return err
}

// sqliteMaxParams bounds the parameters of one statement. The driver binds
// parameters in time quadratic in their number, so small statements win:
// with 500 the 91,599 regions load in under three seconds (from 13 s at 30,000).
const sqliteMaxParams = 500

func insertBatches(tx *gorm.DB, b bulkSpec, rows [][]any) error {
	per := sqliteMaxParams / len(b.columns)
	placeholder := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.columns)), ", ") + ")"
	head := fmt.Sprintf("INSERT INTO %s (%s) VALUES ", b.table, strings.Join(b.columns, ", "))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, len(chunk)*len(b.columns))
		for i, r := range chunk {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(placeholder)
			args = append(args, r...)
		}
		sb.WriteString(b.onConflict())
		if err := tx.Exec(sb.String(), args...).Error; err != nil {
			return err
		}
	}
	return nil
}

// analyzeRows is how many rows a committed bulk write must have changed for
// the store to ANALYZE the table right away.
const analyzeRows = 1000

// analyzeAfterBulk refreshes PostgreSQL's statistics of table after a bulk
// write of n rows has committed. Until autovacuum gets to it (a minute or
// more later) the planner believes a freshly loaded table is empty, and a
// village list filtered by score status, joined to 80,000 scores by nested
// loops, takes tens of seconds instead of a fraction of one. Best effort:
// the write has committed, so a failure here is not the writer's.
func (s *Store) analyzeAfterBulk(ctx context.Context, table string, n int) {
	if s.dialect != Postgres || n < analyzeRows {
		return
	}
	_ = s.with(ctx).Exec("ANALYZE " + table).Error
}
