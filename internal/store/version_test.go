package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// A replica that watches the data version learns of writes made through
// another replica without reading the table, keeps answering while its
// listener is cut off, and listens again by itself.
func TestWatchDataVersion(t *testing.T) {
	url := storetest.URL(t, store.Postgres)
	ctx := context.Background()
	open := func() *store.Store {
		s, err := store.Open(ctx, url, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	replica, other := open(), open()
	wctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { replica.WatchDataVersion(wctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	waitFor(t, "the listener", replica.WatchingDataVersion)
	// A write through the other replica: a statement-level trigger bumps the
	// version even when the statement changes no row.
	write := func() int64 {
		t.Helper()
		if _, err := other.SQL().Exec("UPDATE regions SET name = name WHERE false"); err != nil {
			t.Fatal(err)
		}
		v, err := other.RefreshDataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	seen := func(v int64) func() bool {
		return func() bool {
			got, err := replica.DataVersion(ctx)
			return err == nil && got == v
		}
	}
	v := write()
	waitFor(t, "the notified version", seen(v))
	if !replica.WatchingDataVersion() {
		t.Fatal("the version was read, not notified")
	}

	// Cut the listener off; a write in between is still seen, and the
	// listener comes back on a new connection.
	pid := listenerPID(t, other)
	if _, err := other.SQL().Exec("SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	v = write()
	waitFor(t, "the version after the cut", seen(v))
	waitFor(t, "a new listener", func() bool {
		return replica.WatchingDataVersion() && listenerPID(t, other) != pid
	})
	v = write()
	waitFor(t, "the version notified to the new listener", seen(v))

	stop()
	<-done
	if replica.WatchingDataVersion() {
		t.Fatal("still watching after the context ended")
	}
}

func listenerPID(t *testing.T, s *store.Store) int {
	t.Helper()
	var pid int
	err := s.SQL().QueryRow(`SELECT coalesce(max(pid), 0) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = 'desa-api-version-listener'`).Scan(&pid)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// waitFor polls cond for up to ten seconds: a bound on a hang, not a
// measure of speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}
