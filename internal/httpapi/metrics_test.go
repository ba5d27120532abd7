package httpapi_test

import (
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestMetrics: /metrics exports request counts by route template and
// status, latency histograms and cache counters.
func TestMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h := limitedAPI(t, s, httpapi.Config{})
		get(h, "/v1/provinces", nil)
		get(h, "/v1/provinces", nil)
		get(h, "/v1/provinces/99", nil)
		rec := get(h, "/metrics", nil)
		body := rec.Body.String()
		for _, want := range []string{
			`desa_http_requests_total{method="GET",route="/v1/provinces",status="200"} 2`,
			`desa_http_requests_total{method="GET",route="/v1/provinces/:code",status="404"} 1`,
			`desa_http_request_duration_seconds_bucket{method="GET",route="/v1/provinces",le="+Inf"} 2`,
			`desa_cache_hits_total 1`,
			`desa_cache_misses_total 2`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %q", want)
			}
		}
	})
}
