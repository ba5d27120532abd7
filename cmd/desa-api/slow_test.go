package main

import (
	"testing"

	"github.com/desa-api/desa-api/internal/store"
)

// skipSlowLoad skips a first start with the embedded data on SQLite under
// the race detector; PostgreSQL runs it always.
func skipSlowLoad(t *testing.T, d store.Dialect) {
	t.Helper()
	if !raceEnabled || d != store.SQLite {
		return
	}
	// The race detector instruments the pure-Go SQLite too: loading the
	// embedded data then takes minutes of a 2-core machine (3m20s for the
	// regions alone under load). The serve path is the same on PostgreSQL,
	// and `go test ./cmd/...` without -race runs these on SQLite as well.
	t.Skip("the embedded data loads into SQLite ~20x slower under -race; run without -race to test the SQLite first start")
}
