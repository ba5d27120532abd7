package main

import (
	"testing"
	"time"

	"github.com/desa-api/desa-api/internal/store"
)

// skipSlowLoad skips a first start on SQLite under the race detector when
// the test deadline is too near for it: loading the embedded data there
// takes 6 minutes and more on a shared 2-core machine, past go test's
// default 10-minute timeout. make test (-timeout 30m) runs it; PostgreSQL
// runs it always.
func skipSlowLoad(t *testing.T, d store.Dialect) {
	t.Helper()
	if !raceEnabled || d != store.SQLite {
		return
	}
	if deadline, ok := t.Deadline(); ok && time.Until(deadline) < 15*time.Minute {
		t.Skipf("loading the embedded data into SQLite under -race needs more than the %s left; run with -timeout 30m (make test)",
			time.Until(deadline).Round(time.Second))
	}
}
