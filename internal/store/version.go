package store

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// versionWatch holds the data version as PostgreSQL last announced it, for
// as long as a listener is connected (live). Without one, DataVersion reads
// the table on every call.
type versionWatch struct {
	live atomic.Bool
	v    atomic.Int64
}

// raise records v unless a newer version is already known: versions only
// grow, and a refresh can race a notification.
func (w *versionWatch) raise(v int64) {
	for {
		old := w.v.Load()
		if v <= old || w.v.CompareAndSwap(old, v) {
			return
		}
	}
}

// DataVersion returns the number that changes on every write to regions or
// scores (and the other tables cached answers depend on): the key of every
// cache and ETag. While WatchDataVersion is connected it answers from memory;
// otherwise it reads the table (one primary-key lookup).
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	if w := s.version; w != nil && w.live.Load() {
		return w.v.Load(), nil
	}
	return s.RefreshDataVersion(ctx)
}

// WatchingDataVersion reports whether DataVersion answers from
// notifications (a listener is connected).
func (s *Store) WatchingDataVersion() bool { return s.version != nil && s.version.live.Load() }

// RefreshDataVersion reads the data version from the table and records it.
// The API calls it after a write, before answering, so that the writer's
// next read on this replica never waits for the notification.
func (s *Store) RefreshDataVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.with(ctx).Raw("SELECT version FROM data_version WHERE id = 1").Scan(&v).Error; err != nil {
		return 0, translate(err)
	}
	if s.version != nil {
		s.version.raise(v)
	}
	return v, nil
}

// heartbeat is how long the listener waits for a notification before it
// checks its connection (and the version) with a query of its own: a
// connection that died silently stops being trusted within about this long.
const heartbeat = 5 * time.Second

// WatchDataVersion follows the data version through LISTEN/NOTIFY on its own
// connection until ctx ends, so that DataVersion needs no query per request.
// Every bump of the version is announced at commit (migration 00008), by
// whichever process made it. When the connection fails, DataVersion falls
// back to reading the table until the listener is back. It does nothing on
// SQLite, where the read is in-process and cheap.
//
// After a write through another replica, this replica may serve the previous
// answer for as long as the notification takes to arrive (about a
// millisecond on a local network).
func (s *Store) WatchDataVersion(ctx context.Context) {
	if s.dialect != Postgres || s.version == nil {
		return
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		started := time.Now()
		s.listen(ctx)
		s.version.live.Store(false)
		if time.Since(started) > time.Minute {
			backoff = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// listenerName is the application_name of the listener's connection, as
// pg_stat_activity shows it.
const listenerName = "desa-api-version-listener"

// listen holds one listening connection until it fails or ctx ends.
func (s *Store) listen(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.Connect(cctx, withParam(s.dsn, "application_name", listenerName))
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// LISTEN before reading, so that no bump falls between the two.
	if _, err := conn.Exec(ctx, "LISTEN data_version"); err != nil {
		return err
	}
	check := func() error {
		cctx, cancel := context.WithTimeout(ctx, heartbeat)
		defer cancel()
		var v int64
		if err := conn.QueryRow(cctx, "SELECT version FROM data_version WHERE id = 1").Scan(&v); err != nil {
			return err
		}
		s.version.raise(v)
		return nil
	}
	if err := check(); err != nil {
		return err
	}
	s.version.live.Store(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, heartbeat)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			v, perr := strconv.ParseInt(n.Payload, 10, 64)
			if perr != nil {
				return perr
			}
			s.version.raise(v)
		case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
			if err := check(); err != nil {
				return err
			}
		default:
			return err
		}
	}
}
