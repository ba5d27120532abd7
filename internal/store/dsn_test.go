package store_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestStatementCacheCapacity: pgx keeps at most 128 statements prepared per
// connection unless the URL says otherwise, and the statement timeout
// still applies.
func TestStatementCacheCapacity(t *testing.T) {
	ctx := context.Background()
	base := storetest.URL(t, store.Postgres)
	custom, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := custom.Query()
	q.Set("statement_cache_capacity", "16")
	custom.RawQuery = q.Encode()
	for _, tc := range []struct {
		url  string
		want int
	}{
		{base, 128},
		{custom.String(), 16},
	} {
		s, err := store.Connect(ctx, tc.url, store.Options{StatementTimeout: 1500 * time.Millisecond})
		if err != nil {
			t.Fatalf("connect %s: %v", tc.url, err)
		}
		got, err := store.StatementCacheCapacity(ctx, s)
		if err != nil || got != tc.want {
			t.Errorf("%s: statement cache capacity %d, %v; want %d", tc.url, got, err, tc.want)
		}
		var timeout string
		if err := s.SQL().QueryRowContext(ctx, "SHOW statement_timeout").Scan(&timeout); err != nil || timeout != "1500ms" {
			t.Errorf("%s: statement_timeout %q, %v; want 1500ms", tc.url, timeout, err)
		}
		s.Close()
	}
}
