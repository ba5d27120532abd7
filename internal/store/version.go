package store

import (
	"context"
	"sync"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
)

// DataVersion returns the number that changes on every write to the data
// cached answers depend on (regions, scores, indicators, programs): the key
// of every cache and ETag. It lives in the database, so every replica sees a
// write at once.
//
// Concurrent calls share reads, without ever answering older than the call:
// a call either starts a read itself or waits for the next one to start,
// never joining a read already running (which may have begun before a write
// the caller has seen answered). Under load the database sees about one
// read per round trip instead of one per request. With read replicas each
// request reads its own replica's version (the copy its rows come from), and
// inside a transaction the transaction's.
func (s *Store) DataVersion(ctx context.Context) (int64, error) {
	if s.versions == nil || s.replicas > 0 || s.inTx {
		return s.readDataVersion(ctx)
	}
	return s.versions.get(ctx, s.readPrimaryVersion)
}

const dataVersionSQL = "SELECT version FROM data_version WHERE id = 1"

func (s *Store) readDataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.with(ctx).Raw(dataVersionSQL).Scan(&v).Error
	return v, translate(err)
}

// readPrimaryVersion reads the version of the one database there is with
// database/sql alone. It is the only statement of an answer served from the
// cache, and GORM's callbacks around it cost the server more CPU than the
// read itself.
func (s *Store) readPrimaryVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.sqlDB.QueryRowContext(ctx, dataVersionSQL).Scan(&v)
	return v, translate(err)
}

// sharedReadTimeout bounds a read made for several callers, which no single
// caller's context may cancel; each caller still stops waiting at its own
// deadline.
const sharedReadTimeout = 10 * time.Second

// versionReads lets concurrent callers share reads of a value that must be
// no older than the call.
type versionReads struct {
	mu      sync.Mutex
	running bool      // a read is in flight
	next    *readWait // callers that came while it was: the next read's
}

type readWait struct {
	done chan struct{}
	v    int64
	err  error
}

func (r *versionReads) get(ctx context.Context, read func(context.Context) (int64, error)) (int64, error) {
	r.mu.Lock()
	if !r.running {
		// Nobody reads: read now, for this caller alone, with its context.
		r.running = true
		r.mu.Unlock()
		v, err := read(ctx)
		r.handOff(read)
		return v, err
	}
	if r.next == nil {
		r.next = &readWait{done: make(chan struct{})}
	}
	w := r.next
	r.mu.Unlock()
	select {
	case <-w.done:
		return w.v, w.err
	case <-ctx.Done():
		return 0, apperr.Wrap(ctx.Err(), apperr.Unavailable, "the database did not answer in time")
	}
}

// handOff ends a read: the callers gathered meanwhile get a read of their
// own, started now, in the background.
func (r *versionReads) handOff(read func(context.Context) (int64, error)) {
	r.mu.Lock()
	w := r.next
	r.next = nil
	r.running = w != nil
	r.mu.Unlock()
	if w != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), sharedReadTimeout)
			w.v, w.err = read(ctx)
			cancel()
			close(w.done)
			r.handOff(read)
		}()
	}
}
