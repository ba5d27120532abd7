package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// pgConstraint gives PostgreSQL's unique and foreign-key violations GORM's
// meaning when they did not pass through GORM's error translation, as on
// the pgx COPY path of bulkUpsert, so that translate maps them to Conflict
// on both engines alike.
func pgConstraint(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch {
	case pgErr.Code == "23505" && !errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("%w: %w", gorm.ErrDuplicatedKey, err)
	case pgErr.Code == "23503" && !errors.Is(err, gorm.ErrForeignKeyViolated):
		return fmt.Errorf("%w: %w", gorm.ErrForeignKeyViolated, err)
	}
	return err
}

// isUnavailable reports whether err means the database could not be reached
// or gave up on the statement, as opposed to rejecting it.
func isUnavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// 08: connection exception; 57: operator intervention (shutdown,
		// statement timeout 57014); 53: insufficient resources.
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "57") || strings.HasPrefix(pgErr.Code, "53")
	}
	// A server that goes away mid-reply leaves pgx reading a truncated
	// message (io.ErrUnexpectedEOF) or a connection it has since closed.
	var connErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connErr) || errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, pgconn.ErrConnClosed) ||
		pgconn.SafeToRetry(err) || pgconn.Timeout(err)
}

// PostgreSQL error codes that translate maps itself: GORM translates them
// only for its own statements, not for the raw pgx path of bulk writes.
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
)

// PostgreSQL error codes for text it cannot hold: a NUL byte or invalid
// UTF-8 in a text value (character_not_in_repertoire), or \u0000 in a jsonb
// value (untranslatable_character). SQLite stores both; the domain rules
// refuse such text first, and translate makes one they missed a client's
// error rather than a 500.
const (
	pgBadText        = "22021"
	pgUntranslatable = "22P05"
)

// pgCode returns the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}
