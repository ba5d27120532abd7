// Package idempotency makes retried POSTs safe: a request carrying an
// Idempotency-Key first claims the key in the database (a unique key, so of
// two concurrent duplicates only one runs), and its answer is stored so that
// a retry with the same key and the same request replays it instead of
// running again. Keys belong to the API key that sent them and expire after
// a configurable time; expired ones are purged lazily.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync/atomic"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
)

// MaxKeyLength bounds an Idempotency-Key (a UUID needs 36 characters).
const MaxKeyLength = 255

// Record is a claimed key: in progress while Status is 0, then the answer
// to replay.
type Record struct {
	APIKeyID    string
	Key         string
	Fingerprint string // of the request that claimed the key
	Status      int
	Header      map[string][]string
	Body        []byte
	// Withheld marks an answer that held a secret (a new API key's): only
	// its status and headers are kept, and a retry cannot replay it.
	Withheld bool
	// Committed marks a claim whose request's write committed (the store
	// sets it in the write's own transaction): it is never released.
	Committed bool
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Claim names a claimed key, carried in the context of the request that
// claimed it, so that the store can mark the claim committed in the
// transaction of the request's write.
type Claim struct{ APIKeyID, Key string }

type claimKey struct{}

// WithClaim returns ctx carrying c.
func WithClaim(ctx context.Context, c Claim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

// ClaimFrom returns the claim ctx carries, if any.
func ClaimFrom(ctx context.Context) (Claim, bool) {
	c, ok := ctx.Value(claimKey{}).(Claim)
	return c, ok
}

// InProgress reports whether the claiming request has not answered yet.
func (r Record) InProgress() bool { return r.Status == 0 }

// Store keeps the records.
type Store interface {
	// ClaimIdempotency inserts r unless a live record holds its (APIKeyID,
	// Key) — an expired one is replaced — and reports whether it did; when
	// it did not, it returns the record that holds the key.
	ClaimIdempotency(ctx context.Context, r Record) (Record, bool, error)
	// FinishIdempotency stores the answer of the claim r names (its
	// Status, Header, Body and Withheld).
	FinishIdempotency(ctx context.Context, r Record) error
	// ReleaseIdempotency deletes a claim whose request failed without
	// effect, so that a retry runs again.
	ReleaseIdempotency(ctx context.Context, apiKeyID, key string) error
	// PurgeIdempotency deletes the records expired before t.
	PurgeIdempotency(ctx context.Context, t time.Time) error
}

// Service claims, finishes and releases keys.
type Service struct {
	store Store
	ttl   time.Duration
	now   func() time.Time
	// lastPurge is when expired records were last purged (Unix ns).
	lastPurge atomic.Int64
}

// DefaultTTL is how long a key is kept when no TTL is configured.
const DefaultTTL = 24 * time.Hour

// NewService returns a service keeping keys for ttl (0: DefaultTTL).
func NewService(s Store, ttl time.Duration) *Service {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Service{store: s, ttl: ttl, now: time.Now}
}

// TTL is how long a key is kept.
func (s *Service) TTL() time.Duration { return s.ttl }

// CheckKey checks an Idempotency-Key header value: 1 to MaxKeyLength
// visible ASCII characters.
func CheckKey(key string) error {
	if key == "" || len(key) > MaxKeyLength {
		return apperr.Field(apperr.BadRequest, "Idempotency-Key", "must be 1 to 255 characters")
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return apperr.Field(apperr.BadRequest, "Idempotency-Key", "must be visible ASCII characters (a UUID, say)")
		}
	}
	return nil
}

// Fingerprint identifies a request: its method, target (path and query)
// and body. A key may only be retried with the same fingerprint.
func Fingerprint(method, target string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + target + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Claim claims key for the API key apiKeyID and a request with the given
// fingerprint. It returns claimed true when the request should run (and
// then be finished or released); otherwise the record whose answer to
// replay. The same key with another request is Invalid (422); a key whose
// first request is still running is a Conflict (409).
func (s *Service) Claim(ctx context.Context, apiKeyID, key, fingerprint string) (Record, bool, error) {
	if err := CheckKey(key); err != nil {
		return Record{}, false, err
	}
	now := s.now().UTC()
	s.purge(ctx, now)
	r := Record{APIKeyID: apiKeyID, Key: key, Fingerprint: fingerprint, CreatedAt: now, ExpiresAt: now.Add(s.ttl)}
	held, claimed, err := s.store.ClaimIdempotency(ctx, r)
	switch {
	case err != nil:
		return Record{}, false, err
	case claimed:
		return r, true, nil
	case held.Fingerprint != fingerprint:
		return Record{}, false, apperr.Field(apperr.Invalid, "Idempotency-Key",
			"was used with a different request (method, path, query or body) in the last "+s.ttl.String()+"; use a new key for a new request")
	case held.InProgress() && held.Committed:
		return Record{}, false, apperr.New(apperr.Conflict,
			"the first request with this Idempotency-Key made its change, but its answer was lost (the server failed after "+
				"the commit); it will not run again: read the resource to see the result")
	case held.InProgress():
		return Record{}, false, apperr.New(apperr.Conflict,
			"the first request with this Idempotency-Key is still running; retry in a moment. Should it have been interrupted, "+
				"the key stays taken until %s: check whether the change was made, and use a new key if it was not",
			held.ExpiresAt.Format(time.RFC3339))
	case held.Withheld:
		made := ""
		if loc := held.Header["Location"]; len(loc) > 0 {
			made = " (" + loc[0] + ")"
		}
		return Record{}, false, apperr.New(apperr.Conflict,
			"the first request with this Idempotency-Key succeeded%s, but its answer held a secret, which is shown only once and never kept, so it cannot be replayed; revoke the key if its secret was lost",
			made)
	}
	return held, false, nil
}

// Finish stores the answer of a claimed key for replays: status, headers
// and body, or, withheld, only status and headers.
func (s *Service) Finish(ctx context.Context, apiKeyID, key string, status int, header map[string][]string, body []byte, withheld bool) error {
	if withheld {
		body = nil
	}
	return s.store.FinishIdempotency(ctx, Record{APIKeyID: apiKeyID, Key: key, Status: status, Header: header, Body: body, Withheld: withheld})
}

// Release gives up a claim whose request failed. A claim whose write
// committed stays (the store leaves it), so a retry never makes a second
// change.
func (s *Service) Release(ctx context.Context, apiKeyID, key string) error {
	return s.store.ReleaseIdempotency(ctx, apiKeyID, key)
}

// purge deletes expired records, at most once a minute per process. A
// failure is left for the next time: expired keys are replaced on claim
// anyway, so purging only bounds the table.
func (s *Service) purge(ctx context.Context, now time.Time) {
	last := s.lastPurge.Load()
	if now.UnixNano()-last < int64(time.Minute) || !s.lastPurge.CompareAndSwap(last, now.UnixNano()) {
		return
	}
	_ = s.store.PurgeIdempotency(ctx, now)
}
