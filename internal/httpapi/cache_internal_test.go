package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

// Identical requests arriving while the first computes its answer wait for
// it and serve it from the cache: the handler runs once. Without a cache
// (size 0) each computes its own.
func TestCacheCoalescesIdenticalRequests(t *testing.T) {
	for _, tc := range []struct {
		name      string
		size      int64
		wantCalls int32
	}{
		{"cache", 1 << 20, 1},
		{"no cache", 0, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 8
			rc := newRespCache(tc.size)
			var calls, arrived atomic.Int32
			gate := make(chan struct{})
			e := echo.New()
			version := func(context.Context) (int64, error) { arrived.Add(1); return 7, nil }
			e.Use(conditional(version, nil, rc, ""))
			e.GET("/v1/x", func(c echo.Context) error {
				calls.Add(1)
				<-gate
				return c.JSON(http.StatusOK, map[string]int{"n": 1})
			})
			var wg sync.WaitGroup
			got := make([]*httptest.ResponseRecorder, n)
			for i := range n {
				wg.Go(func() {
					got[i] = httptest.NewRecorder()
					e.ServeHTTP(got[i], httptest.NewRequest(http.MethodGet, "/v1/x", nil))
				})
			}
			// Release the handler once every request has got past the
			// version (the last step before the cache), or after a second.
			for deadline := time.Now().Add(time.Second); arrived.Load() < n && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(20 * time.Millisecond)
			close(gate)
			wg.Wait()
			if c := calls.Load(); c != tc.wantCalls {
				t.Errorf("handler ran %d times for %d identical requests, want %d", c, n, tc.wantCalls)
			}
			for i, r := range got {
				if r.Code != http.StatusOK || r.Body.String() != "{\"n\":1}\n" || r.Header().Get("ETag") == "" {
					t.Errorf("request %d: %d %q ETag %q", i, r.Code, r.Body.String(), r.Header().Get("ETag"))
				}
			}
		})
	}
}

// A waiting request whose context ends gives up with 503, not a hang.
func TestCacheWaitEndsWithContext(t *testing.T) {
	rc := newRespCache(1 << 20)
	gate := make(chan struct{})
	defer close(gate)
	started := make(chan struct{})
	e := echo.New()
	e.HTTPErrorHandler = errorHandler(slog.New(slog.DiscardHandler))
	e.Use(conditional(func(context.Context) (int64, error) { return 1, nil }, nil, rc, ""))
	e.GET("/v1/x", func(c echo.Context) error {
		close(started)
		<-gate
		return c.NoContent(http.StatusOK)
	})
	go e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/v1/x", nil))
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/x", nil).WithContext(ctx))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("waiting request whose context ended: %d %s, want 503", rec.Code, rec.Body)
	}
}
