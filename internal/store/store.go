// Package store is the only package that speaks SQL. It opens PostgreSQL or
// the embedded SQLite through GORM, runs the embedded goose migrations, maps
// rows to domain types and database errors to apperr kinds, and keeps the
// few statements whose dialects genuinely differ behind one seam.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/desa-api/desa-api/internal/apperr"
)

// Dialect names the database engine behind a Store.
type Dialect string

// The supported engines.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

//go:embed migrations
var migrations embed.FS

// DefaultURL is the embedded default: an SQLite file in the working directory.
const DefaultURL = "desa.db"

// Store is the database. It implements the storage interfaces of the
// domain packages.
type Store struct {
	db       *gorm.DB
	dialect  Dialect
	inTx     bool      // bound to a transaction by InTx
	conn     *sql.Conn // PostgreSQL: the pinned connection of that transaction
	replicas int       // how many read replicas reads may go to (Options.ReadURLs)

	versions *versionReads // shares concurrent reads of the data version
	sqlDB    *sql.DB       // the primary's pool, under GORM
	// bulkConflicts, in a PostgreSQL transaction, names the tables whose
	// bulk COPY of new rows met a stored row (see copyUpsertCount).
	bulkConflicts map[string]bool
}

// defaultIdleConns is how many idle connections the pool keeps when
// MaxOpenConns sets no cap.
const defaultIdleConns = 16

// Options tune Open.
type Options struct {
	// StatementTimeout bounds every statement on PostgreSQL (0: none).
	StatementTimeout time.Duration
	// MaxOpenConns caps the pool (0: no cap, with up to 16 connections
	// kept idle), and each replica's pool alike.
	MaxOpenConns int
	// ReadURLs are PostgreSQL streaming replicas to send reads to
	// (DATABASE_READ_URLS); see useReplicas. PostgreSQL only.
	ReadURLs []string
}

// ParseURL tells which engine a DATABASE_URL selects and returns the DSN the
// driver wants. A postgres:// or postgresql:// URL selects PostgreSQL;
// anything else is an SQLite file path, optionally prefixed "sqlite:" or
// "file:", to which the pragmas this project relies on are added: foreign
// keys on, WAL journal, a busy timeout, immediate write transactions, and
// temporary files in memory — among them the statement journal every
// multi-row INSERT inside a transaction writes, which on disk cost the
// 500,300-row indicator sample about a third of its load time.
func ParseURL(raw string) (Dialect, string, error) {
	if raw == "" {
		raw = DefaultURL
	}
	if strings.HasPrefix(raw, "postgres://") || strings.HasPrefix(raw, "postgresql://") {
		if _, err := url.Parse(raw); err != nil {
			return "", "", fmt.Errorf("store: bad PostgreSQL URL: %w", err)
		}
		return Postgres, raw, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "file:")
	path, query, _ := strings.Cut(path, "?")
	if path == "" || path == ":memory:" {
		return "", "", errors.New("store: SQLite needs a file path (an in-memory database gives each pooled connection its own empty copy)")
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return "", "", fmt.Errorf("store: bad SQLite options: %w", err)
	}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	return SQLite, "file:" + path + "?" + q.Encode(), nil
}

// Open connects to the database named by rawURL and migrates it to the
// newest schema.
func Open(ctx context.Context, rawURL string, opt Options) (*Store, error) {
	s, err := Connect(ctx, rawURL, opt)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Connect connects without migrating.
func Connect(ctx context.Context, rawURL string, opt Options) (*Store, error) {
	dialect, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	var d gorm.Dialector
	switch dialect {
	case Postgres:
		d = postgres.Open(pgDSN(dsn, opt))
	case SQLite:
		if len(opt.ReadURLs) > 0 {
			return nil, errors.New("store: read replicas (DATABASE_READ_URLS) need PostgreSQL as the primary")
		}
		d = sqlite.Open(dsn)
	}
	db, err := gorm.Open(d, &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if opt.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(opt.MaxOpenConns)
		sqlDB.SetMaxIdleConns(opt.MaxOpenConns)
	} else {
		// database/sql keeps 2 idle connections by default: beyond 2
		// concurrent requests each query would open (and close) a
		// connection, on PostgreSQL a new backend process.
		sqlDB.SetMaxIdleConns(defaultIdleConns)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", dialect, err)
	}
	if len(opt.ReadURLs) > 0 {
		if err := useReplicas(db, opt.ReadURLs, opt); err != nil {
			sqlDB.Close()
			return nil, err
		}
		if err := pingReplicas(pingCtx, db, len(opt.ReadURLs)); err != nil {
			sqlDB.Close()
			return nil, err
		}
	}
	return &Store{db: db, dialect: dialect, replicas: len(opt.ReadURLs), versions: &versionReads{}, sqlDB: sqlDB}, nil
}

// statementCacheCapacity bounds the statements pgx keeps prepared on each
// connection (its default is 512). Distributions send their values as
// literals (see GroupCounts), so a long tail of regions and years makes
// as many statements, and PostgreSQL keeps each one's plan, about 80 KB
// for a distribution, in the connection's backend: after 1,542 distinct
// district distributions a backend held 46 MB with 512 and 15 MB with
// 128, the statements answering as fast. A URL's own
// statement_cache_capacity wins.
const statementCacheCapacity = 128

// pgDSN adds the options of opt to a PostgreSQL URL, and the statement
// cache's capacity.
func pgDSN(dsn string, opt Options) string {
	if opt.StatementTimeout > 0 {
		dsn = withParam(dsn, "statement_timeout", fmt.Sprint(opt.StatementTimeout.Milliseconds()))
	}
	return withParam(dsn, "statement_cache_capacity", strconv.Itoa(statementCacheCapacity))
}

func withParam(rawURL, key, value string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	q := u.Query()
	if q.Get(key) == "" {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Dialect reports the engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return apperr.Wrap(err, apperr.Unavailable, "the database is unavailable")
	}
	return nil
}

// SQL returns the underlying pool, for benchmarks that compare with raw SQL.
func (s *Store) SQL() *sql.DB {
	sqlDB, _ := s.db.DB()
	return sqlDB
}

func (s *Store) migrationFS() (fs.FS, goose.Dialect, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, "", err
	}
	if s.dialect == Postgres {
		return sub, goose.DialectPostgres, nil
	}
	return sub, goose.DialectSQLite3, nil
}

// Migrate applies every pending migration.
func (s *Store) Migrate(ctx context.Context) error {
	fsys, dialect, err := s.migrationFS()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, s.SQL(), fsys)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// MigrationVersions lists the migration versions embedded for a dialect, for
// the test that keeps the two folders in step.
func MigrationVersions(d Dialect) ([]int64, error) {
	s := &Store{dialect: d}
	fsys, _, err := s.migrationFS()
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, e := range entries {
		v, err := goose.NumericComponent(e.Name())
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: %w", e.Name(), err)
		}
		out = append(out, v)
	}
	return out, nil
}

// translate maps database errors to apperr kinds. Messages are generic: the
// domain layer knows what was being done and says it better. An error that
// already has a kind keeps it: a transaction's function may fail for the
// client's reasons (an import's body cut short wraps io.ErrUnexpectedEOF,
// which from the driver would mean a lost connection).
func translate(err error) error {
	var ae *apperr.Error
	if err == nil || errors.As(err, &ae) {
		return err
	}
	err = pgConstraint(err)
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return apperr.Wrap(err, apperr.NotFound, "not found")
	case errors.Is(err, gorm.ErrDuplicatedKey), pgCode(err) == pgUniqueViolation:
		return apperr.Wrap(err, apperr.Conflict, "already exists")
	case errors.Is(err, gorm.ErrForeignKeyViolated), pgCode(err) == pgForeignKeyViolation:
		return apperr.Wrap(err, apperr.Conflict, "still referenced, or refers to something missing")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return apperr.Wrap(err, apperr.Unavailable, "the database did not answer in time")
	case pgCode(err) == pgBadText, pgCode(err) == pgUntranslatable:
		return apperr.Wrap(err, apperr.BadRequest, "the request holds text the database cannot store (a NUL byte or invalid UTF-8)")
	case isUnavailable(err):
		return apperr.Wrap(err, apperr.Unavailable, "the database is unavailable")
	}
	return err
}
