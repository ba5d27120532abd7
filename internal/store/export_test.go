package store

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"gorm.io/gorm"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
)

// Statement is one SQL statement as GORM sent it to the driver: the text
// with the dialect's placeholders, and the arguments.
type Statement struct {
	SQL  string
	Args []any
}

// Recorder captures the queries a Store runs, so that benchmarks can run
// exactly the same SQL raw through database/sql and tests can EXPLAIN it.
type Recorder struct {
	mu   sync.Mutex
	on   bool
	stmt []Statement
}

// NewRecorder hooks a recorder into s's query and row callbacks (Find and
// Scan; Row and Rows). Statements GORM only renders (a subquery passed as
// an argument, in a dry run) are not recorded. Call it at most once per
// Store.
func NewRecorder(s *Store) (*Recorder, error) {
	r := &Recorder{}
	record := func(db *gorm.DB) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.on && !db.DryRun {
			r.stmt = append(r.stmt, Statement{SQL: db.Statement.SQL.String(), Args: slices.Clone(db.Statement.Vars)})
		}
	}
	if err := s.db.Callback().Query().After("gorm:query").Register("storetest:record", record); err != nil {
		return nil, err
	}
	if err := s.db.Callback().Row().After("gorm:row").Register("storetest:record", record); err != nil {
		return nil, err
	}
	return r, nil
}

// Record runs fn and returns the queries run meanwhile.
func (r *Recorder) Record(fn func() error) ([]Statement, error) {
	r.mu.Lock()
	r.on, r.stmt = true, nil
	r.mu.Unlock()
	err := fn()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.stmt, err
}

// CopyDecimals copies four-place decimals (in units of 0.0001) through
// the bulk path into a temporary numeric column of a PostgreSQL store and
// reads them back as text, in order.
func CopyDecimals(ctx context.Context, s *Store, units []int64) ([]string, error) {
	var out []string
	err := s.InTx(ctx, func(tx *Store) error {
		return tx.pgxRun(ctx, func(c pgxConn) error {
			if _, err := c.Exec(ctx, "CREATE TEMP TABLE decimals (i integer, v numeric) ON COMMIT DROP"); err != nil {
				return err
			}
			rows := make([][]any, len(units))
			for i, u := range units {
				rows[i] = []any{i, tx.bulkArg(dec{fixed.Dec(u), true})}
			}
			if _, err := c.CopyFrom(ctx, pgx.Identifier{"decimals"}, []string{"i", "v"}, pgx.CopyFromRows(rows)); err != nil {
				return err
			}
			var all string
			if err := c.QueryRow(ctx, "SELECT string_agg(v::text, ' ' ORDER BY i) FROM decimals").Scan(&all); err != nil {
				return err
			}
			out = strings.Fields(all)
			return nil
		})
	})
	return out, err
}

// RawGroupCounts is GroupCounts counting the tables themselves, as on
// SQLite, instead of reading the counts the triggers keep.
func RawGroupCounts(ctx context.Context, s *Store, level region.Level, sc stats.Scope, year int) ([]stats.GroupCount, bool, error) {
	return s.groupCounts(ctx, level, sc, year, false)
}

// RawRegions is Regions counting a village list from the tables
// themselves, as on SQLite, instead of from the counts the triggers keep.
func RawRegions(ctx context.Context, s *Store, f region.Filter) ([]region.Region, int, error) {
	return s.regions(ctx, f, false)
}

// RawTotals are EligibleCounts and StatusCounts for a whole scope (level
// "") counting the tables themselves, as on SQLite.
func RawTotals(ctx context.Context, s *Store, sc stats.Scope, year int) (map[string]int, map[string]map[string]int, error) {
	e, err := s.eligibleCounts(ctx, "", sc, false)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.statusCounts(ctx, "", sc, year, false)
	return e, c, err
}

// MigrateTo migrates s up or down to version (0: before the first).
func MigrateTo(ctx context.Context, s *Store, version int64) error {
	fsys, dialect, err := s.migrationFS()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, s.SQL(), fsys)
	if err != nil {
		return err
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if version < current {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	return err
}

// StatementCacheCapacity is the statement cache capacity of a pooled pgx
// connection of s.
func StatementCacheCapacity(ctx context.Context, s *Store) (int, error) {
	conn, err := s.SQL().Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int
	err = conn.Raw(func(dc any) error {
		n = dc.(*stdlib.Conn).Conn().Config().StatementCacheCapacity
		return nil
	})
	return n, err
}
