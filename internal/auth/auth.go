// Package auth holds API keys: their scopes, how secrets are made, parsed
// and hashed, and the check that a key may do what a request asks. Secrets
// are shown once at creation and stored only as SHA-256 hashes; they carry
// 256 bits of randomness, so a fast hash is enough (no password stretching).
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
)

// Scope is a permission a key may carry.
type Scope string

// The scopes. Admin implies every other scope.
const (
	ScopeRead            Scope = "read"
	ScopeWriteRegions    Scope = "write:regions"
	ScopeWriteIndicators Scope = "write:indicators"
	ScopeWritePrograms   Scope = "write:programs"
	ScopeAdmin           Scope = "admin"
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeRead, ScopeWriteRegions, ScopeWriteIndicators, ScopeWritePrograms, ScopeAdmin}

// ParseScopes parses a comma-separated scope list.
func ParseScopes(s string) ([]Scope, error) {
	var out []Scope
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !slices.Contains(Scopes, Scope(part)) {
			return nil, apperr.Invalidf("scopes", "unknown scope %q (known: read, write:regions, write:indicators, write:programs, admin)", part)
		}
		if !slices.Contains(out, Scope(part)) {
			out = append(out, Scope(part))
		}
	}
	if len(out) == 0 {
		return nil, apperr.Invalidf("scopes", "at least one scope is required")
	}
	return out, nil
}

// Key is a stored API key (never its secret).
type Key struct {
	ID         string
	Name       string
	Prefix     string // first characters of the secret, to recognise it
	Scopes     []Scope
	Provinces  []string // empty: unrestricted
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Allows reports whether the key carries scope (admin carries all).
func (k Key) Allows(scope Scope) bool {
	return slices.Contains(k.Scopes, scope) || slices.Contains(k.Scopes, ScopeAdmin)
}

// RestrictedTo reports whether the key may write data of the region with the
// given dotted code: unrestricted keys may write anywhere, restricted ones
// only inside their provinces.
func (k Key) RestrictedTo(code string) bool {
	if len(k.Provinces) == 0 {
		return true
	}
	prov, _, _ := strings.Cut(code, ".")
	return slices.Contains(k.Provinces, prov)
}

// RequireRegion checks that k (nil: no key) may write data of the region
// with the given dotted code.
func RequireRegion(k *Key, code string) error {
	if k == nil || k.RestrictedTo(code) {
		return nil
	}
	return apperr.New(apperr.Forbidden, "API key %q may write only in provinces %s; %s is outside them",
		k.Name, strings.Join(k.Provinces, ", "), code)
}

// secretPrefix marks desa-api secrets so that leaked ones are recognisable.
const secretPrefix = "desa_"

// NewSecret returns a fresh secret and its hash.
func NewSecret() (secret, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	secret = secretPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, Hash(secret)
}

// Hash is the stored form of a secret.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// ParseBearer extracts the secret from an Authorization header value.
// It returns "" and no error when the header is empty.
func ParseBearer(header string) (string, error) {
	if header == "" {
		return "", nil
	}
	scheme, secret, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", apperr.New(apperr.Unauthorized, "the Authorization header must be \"Bearer <key>\"")
	}
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, secretPrefix) || len(secret) != len(secretPrefix)+43 {
		return "", apperr.New(apperr.Unauthorized, "the API key is malformed")
	}
	return secret, nil
}

// Store is what the key service needs from storage.
type Store interface {
	CreateKey(ctx context.Context, k Key, hash string) error
	// KeyByHash returns the key with that hash, or NotFound.
	KeyByHash(ctx context.Context, hash string) (Key, error)
	TouchKey(ctx context.Context, id string, at time.Time) error
}

// Service creates and verifies keys.
type Service struct {
	store Store
	now   func() time.Time
	newID func() string
}

// NewService returns a key service over s.
func NewService(s Store) *Service {
	return &Service{store: s, now: time.Now, newID: newID}
}

// Create makes a key with the given name, scopes and province restriction
// and returns it with its secret, which is never available again.
func (s *Service) Create(ctx context.Context, name string, scopes []Scope, provinces []string) (Key, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Key{}, "", apperr.Invalidf("name", "is required")
	}
	if len(scopes) == 0 {
		return Key{}, "", apperr.Invalidf("scopes", "at least one scope is required")
	}
	secret, hash := NewSecret()
	k := Key{ID: s.newID(), Name: name, Prefix: secret[:len(secretPrefix)+6], Scopes: scopes,
		Provinces: provinces, CreatedAt: s.now().UTC()}
	if err := s.store.CreateKey(ctx, k, hash); err != nil {
		return Key{}, "", err
	}
	return k, secret, nil
}

// Authenticate returns the live key for a secret; Unauthorized when it is
// unknown or revoked. It records the key's last use.
func (s *Service) Authenticate(ctx context.Context, secret string) (Key, error) {
	k, err := s.store.KeyByHash(ctx, Hash(secret))
	if apperr.Is(err, apperr.NotFound) {
		return Key{}, apperr.New(apperr.Unauthorized, "the API key is not valid")
	}
	if err != nil {
		return Key{}, err
	}
	if k.RevokedAt != nil {
		return Key{}, apperr.New(apperr.Unauthorized, "the API key has been revoked")
	}
	now := s.now().UTC()
	// Write last use at most once a minute per key: a hot key must not turn
	// every request into a write.
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute {
		if err := s.store.TouchKey(ctx, k.ID, now); err != nil {
			return Key{}, err
		}
		k.LastUsedAt = &now
	}
	return k, nil
}

// Require checks that k (nil: no key given) carries scope.
func Require(k *Key, scope Scope) error {
	if k == nil {
		return apperr.New(apperr.Unauthorized, "this request needs an API key with scope %q: send \"Authorization: Bearer <key>\"", scope)
	}
	if !k.Allows(scope) {
		return apperr.New(apperr.Forbidden, "API key %q lacks scope %q", k.Name, scope)
	}
	return nil
}

// newID returns a random 128-bit identifier as 32 hex digits.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
