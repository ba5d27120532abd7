package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/desa-api/desa-api/internal/apperr"
)

// TestTranslateUnavailable checks that every way a connection can fail
// becomes Unavailable (503), never an unknown error (500): these are what
// pgx returns when PostgreSQL stops or hangs mid-request.
func TestTranslateUnavailable(t *testing.T) {
	for _, err := range []error{
		io.ErrUnexpectedEOF,
		fmt.Errorf("commit: %w", io.ErrUnexpectedEOF),
		fmt.Errorf("copy: %w", pgconn.ErrConnClosed),
		&net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		context.DeadlineExceeded,
		&pgconn.PgError{Code: "57P01"}, // admin_shutdown
		&pgconn.PgError{Code: "57014"}, // query_canceled (statement_timeout)
		&pgconn.PgError{Code: "08006"}, // connection_failure
	} {
		if got := translate(err); !apperr.Is(got, apperr.Unavailable) {
			t.Errorf("translate(%v) = %v, want Unavailable", err, got)
		}
	}
	if got := translate(errors.New("syntax")); apperr.Is(got, apperr.Unavailable) {
		t.Errorf("an unknown error became Unavailable: %v", got)
	}
}

// TestTranslateBadText checks the safety net under the domain's text rule:
// text PostgreSQL cannot hold (NUL, invalid UTF-8; \u0000 in jsonb) that
// reaches it anyway is the client's error (400), never a 500.
func TestTranslateBadText(t *testing.T) {
	for _, err := range []error{
		&pgconn.PgError{Code: "22021"}, // character_not_in_repertoire
		fmt.Errorf("insert: %w", &pgconn.PgError{Code: "22021"}),
		&pgconn.PgError{Code: "22P05"}, // untranslatable_character
	} {
		if got := translate(err); !apperr.Is(got, apperr.BadRequest) {
			t.Errorf("translate(%v) = %v, want BadRequest", err, got)
		}
	}
}
