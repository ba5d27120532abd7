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
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/text"
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

// RequireProgram checks that k (nil: no key) may write a program whose
// parties stand for the given provinces (an agency party counts with its
// province; a national agency, "", with none). It is the one rule for
// programs and their parts: a province-restricted key writes only programs
// where one of its provinces is a party, and may not leave a program it
// writes (creates, or changes the parties of) without one; for that second
// check, see RequireProgramAfter.
func RequireProgram(k *Key, provinces []string) error {
	return requireProgram(k, provinces, false)
}

// RequireProgramAfter is RequireProgram on the parties a program would have
// after a write (its creation, or a change of its parties); its refusal
// says so.
func RequireProgramAfter(k *Key, provinces []string) error {
	return requireProgram(k, provinces, true)
}

func requireProgram(k *Key, provinces []string, after bool) error {
	if k == nil || len(k.Provinces) == 0 {
		return nil
	}
	var parties []string
	for _, p := range provinces {
		if slices.Contains(k.Provinces, p) {
			return nil
		}
		if p != "" && !slices.Contains(parties, p) {
			parties = append(parties, p)
		}
	}
	slices.Sort(parties)
	own := strings.Join(k.Provinces, ", ")
	var why string
	switch {
	case !after && len(parties) == 0:
		why = "it has no province among its parties"
	case !after:
		why = "its parties are in provinces " + strings.Join(parties, ", ")
	case len(parties) == 0:
		why = "after this change it would have no province among its parties; a key for " + own + " must keep one of its provinces a party"
	default:
		why = "after this change its parties would be in provinces " + strings.Join(parties, ", ") +
			"; a key for " + own + " must keep one of its provinces a party"
	}
	return apperr.New(apperr.Forbidden, "API key %q may write only programs with one of its provinces (%s) as a party; %s",
		k.Name, own, why)
}

// RequireAgency checks that k (nil: no key) may write an agency of the
// given province ("" for a national agency). Agencies stand for their
// province in programs, so a province-restricted key writes only agencies of
// its provinces: otherwise moving an agency would make it a party of others'
// programs.
func RequireAgency(k *Key, province string) error {
	if k == nil || len(k.Provinces) == 0 || slices.Contains(k.Provinces, province) {
		return nil
	}
	where := "this agency is national"
	if province != "" {
		where = "this agency is in province " + province
	}
	return apperr.New(apperr.Forbidden, "API key %q may write only agencies of its provinces (%s); %s",
		k.Name, strings.Join(k.Provinces, ", "), where)
}

// RequireNational checks that k (nil: no key) may write what, data that
// holds for every province (the indicator catalogue, whose bounds steer the
// validation of every province's values): only unrestricted keys may.
func RequireNational(k *Key, what string) error {
	if k == nil || len(k.Provinces) == 0 {
		return nil
	}
	return apperr.New(apperr.Forbidden, "API key %q is restricted to provinces %s; %s is national: only a key without a province restriction may change it",
		k.Name, strings.Join(k.Provinces, ", "), what)
}

// keyContext is the context key of the request's verified key.
type keyContext struct{}

// NewContext returns ctx carrying k, the verified key of a request, so that
// domain services can apply the key's restrictions where they decide.
func NewContext(ctx context.Context, k *Key) context.Context {
	return context.WithValue(ctx, keyContext{}, k)
}

// FromContext returns the key ctx carries, or nil (no key: the caller is
// trusted code such as the CLI or the seed loader, or an open request that
// scope checks have already let through).
func FromContext(ctx context.Context) *Key {
	k, _ := ctx.Value(keyContext{}).(*Key)
	return k
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
	// KeyByID returns the key with that id, or NotFound.
	KeyByID(ctx context.Context, id string) (Key, error)
	TouchKey(ctx context.Context, id string, at time.Time) error
	// ListKeys returns a page of the keys, revoked ones included, in the
	// filter's order (oldest first by default), with their total.
	ListKeys(ctx context.Context, f KeyFilter) ([]Key, int, error)
	// RevokeKey marks the key revoked at at, unless it already is; NotFound
	// when no key has the id.
	RevokeKey(ctx context.Context, id string, at time.Time) error
	// RegionsByCode returns the regions among codes that exist.
	RegionsByCode(ctx context.Context, codes []string) (map[string]region.Region, error)
}

// Service creates and verifies keys.
type Service struct {
	store Store
	now   func() time.Time
	newID func() string
	// touching holds the ids of keys whose last use is being written, so
	// that a burst of requests writes it once; touches counts the writes
	// under way, for Wait.
	touching sync.Map
	touches  sync.WaitGroup
}

// NewService returns a key service over s.
func NewService(s Store) *Service {
	return &Service{store: s, now: time.Now, newID: newID}
}

// Create makes a key with the given name, scopes and province restriction
// (province codes, none: unrestricted) and returns it with its secret,
// which is never available again.
func (s *Service) Create(ctx context.Context, name string, scopes []Scope, provinces []string) (Key, string, error) {
	name = strings.TrimSpace(name)
	var errs apperr.Fields
	switch {
	case name == "":
		errs.Add("name", "is required")
	case utf8.RuneCountInString(name) > 200:
		errs.Add("name", "is longer than 200 characters")
	default:
		if err := text.CheckLine(name); err != nil {
			errs.Add("name", "%s", err)
		}
	}
	if len(scopes) == 0 {
		errs.Add("scopes", "at least one scope is required")
	}
	var unique []Scope
	for i, sc := range scopes {
		switch {
		case !slices.Contains(Scopes, sc):
			errs.Add(fmt.Sprintf("scopes[%d]", i), "unknown scope %q (known: read, write:regions, write:indicators, write:programs, admin)", sc)
		case !slices.Contains(unique, sc):
			unique = append(unique, sc)
		}
	}
	scopes = unique
	var provs []string
	field := map[string]string{} // province code → its field, for errors
	for i, p := range provinces {
		code, err := region.ParseCodeAt(strings.TrimSpace(p), region.LevelProvince)
		if err != nil {
			errs.Add(fmt.Sprintf("provinces[%d]", i), "%s", err)
			continue
		}
		if !slices.Contains(provs, code) {
			provs = append(provs, code)
			field[code] = fmt.Sprintf("provinces[%d]", i)
		}
	}
	// A restriction to a province that does not exist would be a key that
	// may write nowhere, made by mistake.
	if len(provs) > 0 {
		found, err := s.store.RegionsByCode(ctx, provs)
		if err != nil {
			return Key{}, "", err
		}
		for _, code := range provs {
			if _, ok := found[code]; !ok {
				errs.Add(field[code], "no province with code %s", code)
			}
		}
	}
	if err := errs.Err(); err != nil {
		return Key{}, "", err
	}
	provinces = provs
	if err := requireWithin(FromContext(ctx), provinces, "create"); err != nil {
		return Key{}, "", err
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
	// Write last use at most once a minute per key (a hot key must not turn
	// every request into a write), in the background: the request neither
	// waits for it nor fails with it. A failed write only leaves last use
	// older until the next try.
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > time.Minute {
		if _, busy := s.touching.LoadOrStore(k.ID, true); !busy {
			s.touches.Add(1)
			go func(id string) {
				defer s.touches.Done()
				defer s.touching.Delete(id)
				tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				_ = s.store.TouchKey(tctx, id, now)
			}(k.ID)
		}
		k.LastUsedAt = &now
	}
	return k, nil
}

// Wait waits for the last-use writes under way (on shutdown, and in tests
// before they read last use).
func (s *Service) Wait() { s.touches.Wait() }

// KeyFilter is a window on the list of keys and its order.
type KeyFilter struct {
	Sort paging.Sort // one of KeySortFields; default created_at
	Page paging.Page
}

// KeySortFields are the fields keys sort by.
var KeySortFields = []string{"name", "created_at"}

// Keys lists a page of the keys, revoked ones included.
func (s *Service) Keys(ctx context.Context, f KeyFilter) ([]Key, int, error) {
	return s.store.ListKeys(ctx, f)
}

// Revoke revokes a key. Keys are checked against the database on every
// request, so the revocation holds from the next request on, on every
// replica. Revoking a revoked key changes nothing.
func (s *Service) Revoke(ctx context.Context, id string) error {
	if by := FromContext(ctx); by != nil && len(by.Provinces) > 0 {
		k, err := s.store.KeyByID(ctx, id)
		if apperr.Is(err, apperr.NotFound) {
			return apperr.Wrap(err, apperr.NotFound, fmt.Sprintf("no API key with id %q", id))
		} else if err != nil {
			return err
		}
		if err := requireWithin(by, k.Provinces, "revoke"); err != nil {
			return err
		}
	}
	err := s.store.RevokeKey(ctx, id, s.now().UTC())
	if apperr.Is(err, apperr.NotFound) {
		return apperr.Wrap(err, apperr.NotFound, fmt.Sprintf("no API key with id %q", id))
	}
	return err
}

// requireWithin checks that a key by (nil: trusted code) may create or
// revoke a key restricted to provinces: a province-restricted admin only
// manages keys restricted to some of its own provinces, so that it cannot
// mint a key that writes where it may not.
func requireWithin(by *Key, provinces []string, verb string) error {
	if by == nil || len(by.Provinces) == 0 {
		return nil
	}
	if len(provinces) == 0 {
		return apperr.New(apperr.Forbidden, "API key %q is restricted to provinces %s: it may %s only keys restricted to some of them, not an unrestricted key",
			by.Name, strings.Join(by.Provinces, ", "), verb)
	}
	for _, p := range provinces {
		if !slices.Contains(by.Provinces, p) {
			return apperr.New(apperr.Forbidden, "API key %q is restricted to provinces %s: it may %s only keys restricted to some of them, and %s is not",
				by.Name, strings.Join(by.Provinces, ", "), verb, p)
		}
	}
	return nil
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
