package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/region"
)

func TestParseScopes(t *testing.T) {
	tests := []struct {
		in      string
		want    []Scope
		wantErr bool
	}{
		{in: "read", want: []Scope{ScopeRead}},
		{in: "read,write:regions", want: []Scope{ScopeRead, ScopeWriteRegions}},
		{in: " admin , read ", want: []Scope{ScopeAdmin, ScopeRead}},
		{in: "read,,read, ", want: []Scope{ScopeRead}},
		{in: "write:indicators,write:programs", want: []Scope{ScopeWriteIndicators, ScopeWritePrograms}},
		{in: "", wantErr: true},
		{in: " , ,", wantErr: true},
		{in: "Read", wantErr: true}, // scopes are case-sensitive
		{in: "read,write", wantErr: true},
		{in: "write:everything", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseScopes(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseScopes(%q) = %v, want an error", tt.in, got)
				continue
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.Invalid || len(ae.Fields) != 1 || ae.Fields[0].Field != "scopes" {
				t.Errorf("ParseScopes(%q) error = %#v, want an Invalid error naming field scopes", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseScopes(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseScopes(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseScopesNamesTheUnknownScope(t *testing.T) {
	_, err := ParseScopes("read,write:moon")
	if err == nil || !strings.Contains(err.Error(), `"write:moon"`) {
		t.Errorf(`ParseScopes error = %v, want it to name "write:moon"`, err)
	}
}

// a well-formed secret: the prefix and 43 base64url characters.
const goodSecret = "desa_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

func TestParseBearer(t *testing.T) {
	fresh, _ := NewSecret()
	tests := []struct {
		name   string
		header string
		want   string
		kind   apperr.Kind // Internal: no error
	}{
		{name: "empty", header: "", want: ""},
		{name: "good", header: "Bearer " + goodSecret, want: goodSecret},
		{name: "fresh secret", header: "Bearer " + fresh, want: fresh},
		{name: "lower-case scheme", header: "bearer " + goodSecret, want: goodSecret},
		{name: "upper-case scheme", header: "BEARER " + goodSecret, want: goodSecret},
		{name: "mixed-case scheme", header: "bEaReR " + goodSecret, want: goodSecret},
		{name: "extra spaces around the secret", header: "Bearer   " + goodSecret + "  ", want: goodSecret},
		{name: "scheme only", header: "Bearer", kind: apperr.Unauthorized},
		{name: "scheme and space", header: "Bearer ", kind: apperr.Unauthorized},
		{name: "basic auth", header: "Basic dXNlcjpwYXNz", kind: apperr.Unauthorized},
		{name: "token scheme", header: "Token " + goodSecret, want: "", kind: apperr.Unauthorized},
		{name: "secret without scheme", header: goodSecret, kind: apperr.Unauthorized},
		{name: "leading space", header: " Bearer " + goodSecret, kind: apperr.Unauthorized},
		{name: "tab separator", header: "Bearer\t" + goodSecret, kind: apperr.Unauthorized},
		{name: "wrong prefix", header: "Bearer " + "key__" + goodSecret[5:], kind: apperr.Unauthorized},
		{name: "too short", header: "Bearer " + goodSecret[:len(goodSecret)-1], kind: apperr.Unauthorized},
		{name: "too long", header: "Bearer " + goodSecret + "A", kind: apperr.Unauthorized},
		{name: "two secrets", header: "Bearer " + goodSecret + " " + goodSecret, kind: apperr.Unauthorized},
		{name: "prefix only", header: "Bearer desa_", kind: apperr.Unauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBearer(tt.header)
			if tt.kind == apperr.Internal {
				if err != nil {
					t.Fatalf("ParseBearer(%q): %v", tt.header, err)
				}
			} else if k := apperr.KindOf(err); err == nil || k != tt.kind {
				t.Fatalf("ParseBearer(%q) error = %v (kind %v), want kind %v", tt.header, err, k, tt.kind)
			}
			if got != tt.want {
				t.Errorf("ParseBearer(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func FuzzParseBearer(f *testing.F) {
	fresh, _ := NewSecret()
	for _, seed := range []string{
		"", " ", "Bearer", "Bearer ", "bearer " + goodSecret, "Bearer " + fresh, "BEARER  " + fresh + " ",
		"Basic dXNlcjpwYXNz", "Bearer desa_", "Bearer desa_\x00\xff", "Bearer " + goodSecret + goodSecret,
		"\u00a0Bearer " + goodSecret, "Bearer\u00a0" + goodSecret, "Bearer 💥",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		secret, err := ParseBearer(header)
		if err != nil {
			if k := apperr.KindOf(err); k != apperr.Unauthorized {
				t.Fatalf("ParseBearer(%q) error kind = %v, want %v", header, k, apperr.Unauthorized)
			}
			if secret != "" {
				t.Fatalf("ParseBearer(%q) = %q with an error", header, secret)
			}
			return
		}
		if header == "" {
			if secret != "" {
				t.Fatalf(`ParseBearer("") = %q, want ""`, secret)
			}
			return
		}
		if !strings.HasPrefix(secret, secretPrefix) || len(secret) != len(secretPrefix)+43 {
			t.Fatalf("ParseBearer(%q) accepted a malformed secret %q", header, secret)
		}
		if !strings.Contains(header, secret) || !strings.EqualFold(header[:len("bearer ")], "bearer ") {
			t.Fatalf("ParseBearer(%q) = %q, not a secret sent with the Bearer scheme", header, secret)
		}
	})
}

func TestNewSecretAndHash(t *testing.T) {
	s1, h1 := NewSecret()
	s2, h2 := NewSecret()
	if s1 == s2 || h1 == h2 {
		t.Fatalf("two NewSecret calls gave the same secret or hash: %q %q", s1, s2)
	}
	for _, s := range []string{s1, s2} {
		if got, err := ParseBearer("Bearer " + s); err != nil || got != s {
			t.Errorf("ParseBearer does not accept a fresh secret %q: %q, %v", s, got, err)
		}
	}
	if Hash(s1) != h1 {
		t.Errorf("Hash(secret) = %q, want the hash NewSecret returned, %q", Hash(s1), h1)
	}
	// SHA-256 of "abc", the FIPS 180-2 test vector.
	if got, want := Hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("Hash(abc) = %s, want %s", got, want)
	}
}

func TestKeyAllows(t *testing.T) {
	tests := []struct {
		name   string
		scopes []Scope
		want   map[Scope]bool
	}{
		{"no scopes", nil, map[Scope]bool{}},
		{"read", []Scope{ScopeRead}, map[Scope]bool{ScopeRead: true}},
		{"write regions", []Scope{ScopeWriteRegions}, map[Scope]bool{ScopeWriteRegions: true}},
		{"read and programs", []Scope{ScopeRead, ScopeWritePrograms}, map[Scope]bool{ScopeRead: true, ScopeWritePrograms: true}},
		{"admin implies all", []Scope{ScopeAdmin}, map[Scope]bool{ScopeRead: true, ScopeWriteRegions: true,
			ScopeWriteIndicators: true, ScopeWritePrograms: true, ScopeAdmin: true}},
	}
	for _, tt := range tests {
		k := Key{Name: tt.name, Scopes: tt.scopes}
		got := map[Scope]bool{}
		for _, s := range Scopes {
			if k.Allows(s) {
				got[s] = true
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: allowed scopes mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestRequire(t *testing.T) {
	reader := &Key{Name: "reader", Scopes: []Scope{ScopeRead}}
	admin := &Key{Name: "root", Scopes: []Scope{ScopeAdmin}}
	tests := []struct {
		name  string
		key   *Key
		scope Scope
		want  apperr.Kind // Internal: allowed
	}{
		{"no key", nil, ScopeRead, apperr.Unauthorized},
		{"no key, write", nil, ScopeWriteRegions, apperr.Unauthorized},
		{"scope held", reader, ScopeRead, apperr.Internal},
		{"scope missing", reader, ScopeWriteRegions, apperr.Forbidden},
		{"admin missing for reader", reader, ScopeAdmin, apperr.Forbidden},
		{"admin", admin, ScopeWriteIndicators, apperr.Internal},
		{"empty key", &Key{Name: "empty"}, ScopeRead, apperr.Forbidden},
	}
	for _, tt := range tests {
		err := Require(tt.key, tt.scope)
		if tt.want == apperr.Internal {
			if err != nil {
				t.Errorf("%s: Require(%s) = %v, want nil", tt.name, tt.scope, err)
			}
			continue
		}
		if k := apperr.KindOf(err); err == nil || k != tt.want {
			t.Errorf("%s: Require(%s) = %v (kind %v), want kind %v", tt.name, tt.scope, err, k, tt.want)
		}
		if !strings.Contains(err.Error(), string(tt.scope)) {
			t.Errorf("%s: Require(%s) error %q does not name the scope", tt.name, tt.scope, err)
		}
	}
}

// fakeStore is an in-memory Store. Last use is written in the
// background, hence the lock.
type fakeStore struct {
	mu      sync.Mutex
	keys    map[string]Key // by hash
	touched []time.Time
}

func (f *fakeStore) CreateKey(_ context.Context, k Key, hash string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keys == nil {
		f.keys = map[string]Key{}
	}
	f.keys[hash] = k
	return nil
}

func (f *fakeStore) KeyByHash(_ context.Context, hash string) (Key, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.keys[hash]
	if !ok {
		return Key{}, apperr.NotFoundf("no key")
	}
	return k, nil
}

func (f *fakeStore) KeyByID(_ context.Context, id string) (Key, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range f.keys {
		if k.ID == id {
			return k, nil
		}
	}
	return Key{}, apperr.NotFoundf("no key")
}

func (f *fakeStore) TouchKey(_ context.Context, id string, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.touched = append(f.touched, at)
	for h, k := range f.keys {
		if k.ID == id {
			k.LastUsedAt = &at
			f.keys[h] = k
		}
	}
	return nil
}

func (f *fakeStore) ListKeys(_ context.Context, _ KeyFilter) ([]Key, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Key
	for _, k := range f.keys {
		out = append(out, k)
	}
	return out, len(out), nil
}

func (f *fakeStore) RevokeKey(_ context.Context, id string, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for h, k := range f.keys {
		if k.ID == id {
			if k.RevokedAt == nil {
				k.RevokedAt = &at
				f.keys[h] = k
			}
			return nil
		}
	}
	return apperr.NotFoundf("no key")
}

// RegionsByCode knows the provinces 35, 64 and 91.
func (f *fakeStore) RegionsByCode(_ context.Context, codes []string) (map[string]region.Region, error) {
	out := map[string]region.Region{}
	for _, c := range codes {
		if c == "35" || c == "64" || c == "91" {
			out[c] = region.Region{Code: c, Level: region.LevelProvince}
		}
	}
	return out, nil
}

func TestServiceCreateAndAuthenticate(t *testing.T) {
	ctx := context.Background()
	st := &fakeStore{}
	svc := NewService(st)
	now := time.Date(2025, 5, 8, 9, 0, 0, 0, time.UTC)
	svc.now = func() time.Time { return now }
	svc.newID = func() string { return "id1" }

	if _, _, err := svc.Create(ctx, "  ", []Scope{ScopeRead}, nil); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("Create with a blank name: %v, want Invalid", err)
	}
	if _, _, err := svc.Create(ctx, "x", nil, nil); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("Create without scopes: %v, want Invalid", err)
	}
	k, secret, err := svc.Create(ctx, " kaltim ", []Scope{ScopeWriteRegions}, []string{"64"})
	if err != nil {
		t.Fatal(err)
	}
	want := Key{ID: "id1", Name: "kaltim", Prefix: secret[:11], Scopes: []Scope{ScopeWriteRegions},
		Provinces: []string{"64"}, CreatedAt: now}
	if diff := cmp.Diff(want, k); diff != "" {
		t.Errorf("Create mismatch (-want +got):\n%s", diff)
	}
	if _, ok := st.keys[Hash(secret)]; !ok || len(st.keys) != 1 {
		t.Fatalf("the store did not receive the key under the secret's hash: %v", st.keys)
	}

	got, err := svc.Authenticate(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	svc.Wait()
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) || len(st.touched) != 1 {
		t.Errorf("first use: LastUsedAt = %v, touches = %d; want %v and 1", got.LastUsedAt, len(st.touched), now)
	}
	now = now.Add(30 * time.Second)
	if _, err := svc.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	svc.Wait()
	if len(st.touched) != 1 {
		t.Errorf("a second use within a minute wrote last use again (%d touches)", len(st.touched))
	}
	now = now.Add(2 * time.Minute)
	if _, err := svc.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	svc.Wait()
	if len(st.touched) != 2 {
		t.Errorf("a use after more than a minute did not write last use (%d touches)", len(st.touched))
	}

	if _, err := svc.Authenticate(ctx, goodSecret); apperr.KindOf(err) != apperr.Unauthorized {
		t.Errorf("unknown secret: %v, want Unauthorized", err)
	}
	if err := svc.Revoke(ctx, "nope"); apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("revoke an unknown key: %v, want NotFound", err)
	}
	if err := svc.Revoke(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, secret); apperr.KindOf(err) != apperr.Unauthorized {
		t.Errorf("revoked key: %v, want Unauthorized", err)
	}
}

func TestCreateChecksItsInput(t *testing.T) {
	svc := NewService(&fakeStore{})
	_, _, err := svc.Create(context.Background(), "", []Scope{"root", ScopeRead}, []string{"64", "6401", "x", "99", "00"})
	var e *apperr.Error
	if !errors.As(err, &e) || e.Kind != apperr.Invalid {
		t.Fatalf("Create = %v, want Invalid", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
	}
	if diff := cmp.Diff([]string{"name", "scopes[0]", "provinces[1]", "provinces[2]", "provinces[3]", "provinces[4]"}, fields); diff != "" {
		t.Errorf("fields mismatch (-want +got):\n%s", diff)
	}
	if got := e.Fields[4].Message; got != "no province with code 99" {
		t.Errorf("provinces[3]: %q, want %q", got, "no province with code 99")
	}
	k, _, err := svc.Create(context.Background(), "k", []Scope{ScopeRead, ScopeRead}, []string{"64", " 64", "35"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"64", "35"}, k.Provinces); diff != "" || len(k.Scopes) != 1 {
		t.Errorf("provinces mismatch (-want +got):\n%s; scopes %v", diff, k.Scopes)
	}
}

func TestRequireProgram(t *testing.T) {
	kaltim := &Key{Name: "kaltim", Provinces: []string{"64"}}
	for _, tt := range []struct {
		name      string
		key       *Key
		provinces []string
		allowed   bool
	}{
		{"no key", nil, []string{"35"}, true},
		{"unrestricted", &Key{Name: "all"}, []string{"35"}, true},
		{"party", kaltim, []string{"35", "64"}, true},
		{"not a party", kaltim, []string{"35", "91", "35"}, false},
		{"national agency only", kaltim, []string{""}, false},
		{"no parties", kaltim, nil, false},
	} {
		err := RequireProgram(tt.key, tt.provinces)
		if tt.allowed != (err == nil) {
			t.Errorf("%s: RequireProgram = %v, want allowed %v", tt.name, err, tt.allowed)
		}
		if err != nil && (apperr.KindOf(err) != apperr.Forbidden || !strings.Contains(err.Error(), "kaltim")) {
			t.Errorf("%s: error %v is not a Forbidden naming the key", tt.name, err)
		}
	}
	// Refusals say whether they judge the parties now or after the write.
	if err := RequireProgram(kaltim, []string{"35"}); err == nil || !strings.Contains(err.Error(), "; its parties are in provinces 35") {
		t.Errorf("RequireProgram: %v", err)
	}
	if err := RequireProgramAfter(kaltim, []string{"35"}); err == nil ||
		!strings.Contains(err.Error(), "after this change its parties would be in provinces 35; a key for 64 must keep one of its provinces a party") {
		t.Errorf("RequireProgramAfter: %v", err)
	}
	if err := RequireProgramAfter(kaltim, []string{"64"}); err != nil {
		t.Errorf("RequireProgramAfter with 64 a party: %v", err)
	}
	if k := FromContext(NewContext(context.Background(), kaltim)); k != kaltim {
		t.Errorf("FromContext = %v, want the key", k)
	}
	if k := FromContext(context.Background()); k != nil {
		t.Errorf("FromContext of a bare context = %v, want nil", k)
	}
}

func TestRequireNational(t *testing.T) {
	if err := RequireNational(nil, "x"); err != nil {
		t.Errorf("no key: %v", err)
	}
	if err := RequireNational(&Key{Name: "root", Scopes: []Scope{ScopeAdmin}}, "x"); err != nil {
		t.Errorf("unrestricted: %v", err)
	}
	err := RequireNational(&Key{Name: "kaltim", Scopes: []Scope{ScopeAdmin}, Provinces: []string{"64"}}, "the indicator catalogue")
	if apperr.KindOf(err) != apperr.Forbidden || !strings.Contains(err.Error(), "the indicator catalogue is national") {
		t.Errorf("restricted: %v, want a Forbidden saying why", err)
	}
}

func TestRestrictedAdminManagesOnlyItsProvinces(t *testing.T) {
	svc := NewService(&fakeStore{})
	ctx := context.Background()
	jatim, _, err := svc.Create(ctx, "jatim", []Scope{ScopeRead}, []string{"35"})
	if err != nil {
		t.Fatal(err)
	}
	both, _, err := svc.Create(ctx, "both", []Scope{ScopeRead}, []string{"35", "64"})
	if err != nil {
		t.Fatal(err)
	}
	kaltimAdmin := NewContext(ctx, &Key{Name: "kaltim-admin", Scopes: []Scope{ScopeAdmin}, Provinces: []string{"64", "35"}})
	jatimAdmin := NewContext(ctx, &Key{Name: "jatim-admin", Scopes: []Scope{ScopeAdmin}, Provinces: []string{"35"}})
	for _, tt := range []struct {
		name      string
		ctx       context.Context
		provinces []string
		allowed   bool
	}{
		{"unrestricted admin, any key", NewContext(ctx, &Key{Name: "root", Scopes: []Scope{ScopeAdmin}}), nil, true},
		{"restricted admin, unrestricted key", jatimAdmin, nil, false},
		{"restricted admin, its province", jatimAdmin, []string{"35"}, true},
		{"restricted admin, another province", jatimAdmin, []string{"35", "64"}, false},
		{"restricted admin, a subset", kaltimAdmin, []string{"64"}, true},
	} {
		_, _, err := svc.Create(tt.ctx, "k", []Scope{ScopeWriteRegions}, tt.provinces)
		if tt.allowed != (err == nil) || err != nil && apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("%s: Create = %v, want allowed %v", tt.name, err, tt.allowed)
		}
	}
	if err := svc.Revoke(jatimAdmin, both.ID); apperr.KindOf(err) != apperr.Forbidden {
		t.Errorf("jatim admin revokes a 35+64 key: %v, want Forbidden", err)
	}
	if err := svc.Revoke(jatimAdmin, jatim.ID); err != nil {
		t.Errorf("jatim admin revokes a 35 key: %v", err)
	}
	if err := svc.Revoke(jatimAdmin, "nope"); apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("revoke unknown: %v, want NotFound", err)
	}
}
