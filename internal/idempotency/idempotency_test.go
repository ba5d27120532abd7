package idempotency

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
)

// fakeStore holds one record per key.
type fakeStore struct {
	recs   map[string]Record
	purged int
}

func (f *fakeStore) ClaimIdempotency(_ context.Context, r Record) (Record, bool, error) {
	if held, ok := f.recs[r.Key]; ok && held.ExpiresAt.After(r.CreatedAt) {
		return held, false, nil
	}
	f.recs[r.Key] = r
	return r, true, nil
}

func (f *fakeStore) FinishIdempotency(_ context.Context, in Record) error {
	r := f.recs[in.Key]
	r.Status, r.Header, r.Body, r.Withheld = in.Status, in.Header, in.Body, in.Withheld
	f.recs[in.Key] = r
	return nil
}

func (f *fakeStore) ReleaseIdempotency(_ context.Context, _, key string) error {
	delete(f.recs, key)
	return nil
}

func (f *fakeStore) PurgeIdempotency(context.Context, time.Time) error {
	f.purged++
	return nil
}

func TestClaim(t *testing.T) {
	ctx := context.Background()
	st := &fakeStore{recs: map[string]Record{}}
	svc := NewService(st, time.Hour)
	now := time.Date(2025, 5, 8, 9, 0, 0, 0, time.UTC)
	svc.now = func() time.Time { return now }

	if _, ok, err := svc.Claim(ctx, "k", "a", "f1"); err != nil || !ok {
		t.Fatalf("first claim: %v, %v", ok, err)
	}
	if _, _, err := svc.Claim(ctx, "k", "a", "f1"); apperr.KindOf(err) != apperr.Conflict {
		t.Errorf("claim while running: %v, want Conflict", err)
	}
	if _, _, err := svc.Claim(ctx, "k", "a", "f2"); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("claim with another request: %v, want Invalid", err)
	}
	if err := svc.Finish(ctx, "k", "a", 201, nil, []byte("x"), false); err != nil {
		t.Fatal(err)
	}
	if r, ok, err := svc.Claim(ctx, "k", "a", "f1"); err != nil || ok || r.Status != 201 || string(r.Body) != "x" {
		t.Errorf("claim after finishing: %+v, %v, %v; want the answer to replay", r, ok, err)
	}
	now = now.Add(2 * time.Hour)
	if _, ok, err := svc.Claim(ctx, "k", "a", "f2"); err != nil || !ok {
		t.Errorf("claim after expiry: %v, %v", ok, err)
	}
	if _, ok, err := svc.Claim(ctx, "k", "secret", "f1"); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if err := svc.Finish(ctx, "k", "secret", 201, map[string][]string{"Location": {"/v1/keys/1"}}, []byte("desa_x"), true); err != nil {
		t.Fatal(err)
	}
	if st.recs["secret"].Body != nil {
		t.Errorf("a withheld answer kept its body")
	}
	if _, _, err := svc.Claim(ctx, "k", "secret", "f1"); apperr.KindOf(err) != apperr.Conflict || !strings.Contains(err.Error(), "/v1/keys/1") {
		t.Errorf("retry of a withheld answer: %v, want a Conflict naming what was made", err)
	}
	if st.purged != 2 {
		t.Errorf("purged %d times, want 2 (once a minute at most)", st.purged)
	}
}

func TestCheckKey(t *testing.T) {
	for _, tt := range []struct {
		key string
		ok  bool
	}{
		{"0196b1f0-7a2b-7c3a-9d2b-3f4e5a6b7c8d", true},
		{"a", true},
		{strings.Repeat("k", 255), true},
		{"", false},
		{strings.Repeat("k", 256), false},
		{"with space", false},
		{"tab\t", false},
		{"ünïcode", false},
	} {
		if err := CheckKey(tt.key); (err == nil) != tt.ok {
			t.Errorf("CheckKey(%q) = %v, want ok %v", tt.key, err, tt.ok)
		}
	}
	if Fingerprint("POST", "/v1/x", []byte("a")) == Fingerprint("POST", "/v1/y", []byte("a")) ||
		Fingerprint("POST", "/v1/x", []byte("a")) == Fingerprint("POST", "/v1/x", []byte("b")) {
		t.Error("Fingerprint ignores the target or the body")
	}
}

// A claim whose write committed but whose answer was lost is a 409 that
// says the change was made, not "still running".
func TestClaimCommittedWithoutAnswer(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 5, 8, 9, 0, 0, 0, time.UTC)
	st := &fakeStore{recs: map[string]Record{"a": {APIKeyID: "k", Key: "a", Fingerprint: "f1", Committed: true,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}}}
	svc := NewService(st, time.Hour)
	svc.now = func() time.Time { return now.Add(time.Minute) }
	_, _, err := svc.Claim(ctx, "k", "a", "f1")
	if apperr.KindOf(err) != apperr.Conflict || !strings.Contains(err.Error(), "made its change") {
		t.Errorf("claim of a committed key without an answer: %v, want a Conflict saying the change was made", err)
	}
}

func TestWithClaim(t *testing.T) {
	if _, ok := ClaimFrom(context.Background()); ok {
		t.Error("a bare context carries a claim")
	}
	c := Claim{APIKeyID: "k", Key: "a"}
	if got, ok := ClaimFrom(WithClaim(context.Background(), c)); !ok || got != c {
		t.Errorf("ClaimFrom(WithClaim(c)) = %+v, %v", got, ok)
	}
}
