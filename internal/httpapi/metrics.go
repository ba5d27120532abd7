package httpapi

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/desa-api/desa-api/internal/indicator"
)

// metrics are the Prometheus series the server exports at /metrics.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	imports     *prometheus.CounterVec
	importRows  *prometheus.CounterVec
	cacheHits   prometheus.CounterFunc
	cacheMisses prometheus.CounterFunc
}

func newMetrics(rc *respCache, extra []prometheus.Collector) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "desa_http_requests_total",
			Help: "HTTP requests by route template, method and status."}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "desa_http_request_duration_seconds",
			Help:    "HTTP request latency by route template and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"route", "method"}),
		imports: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "desa_imports_total",
			Help: "Bulk imports by kind, mode and result (applied, dry_run, rejected)."}, []string{"kind", "mode", "result"}),
		importRows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "desa_import_rows_total",
			Help: "Rows of bulk imports by outcome."}, []string{"kind", "outcome"}),
		cacheHits: prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "desa_cache_hits_total",
			Help: "GET answers served from the response cache."}, func() float64 { return float64(rc.Hits.Load()) }),
		cacheMisses: prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "desa_cache_misses_total",
			Help: "GET answers computed because the cache had no current entry."}, func() float64 { return float64(rc.Misses.Load()) }),
	}
	m.reg.MustRegister(m.requests, m.latency, m.imports, m.importRows, m.cacheHits, m.cacheMisses,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(extra...)
	return m
}

// observe records every request under its route template (not its URL, so
// that the series stay few).
func (m *metrics) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if err != nil {
			status = toProblem(err).Status
		}
		m.requests.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(route, c.Request().Method).Observe(time.Since(start).Seconds())
		return err
	}
}

// observeImport counts an import and its rows.
func (m *metrics) observeImport(r indicator.Report) {
	result := "applied"
	switch {
	case r.DryRun:
		result = "dry_run"
	case !r.Applied && r.Rejected > 0:
		result = "rejected"
	}
	m.imports.WithLabelValues(r.Kind, r.Mode, result).Inc()
	for outcome, n := range map[string]int{"inserted": r.Inserted, "updated": r.Updated, "unchanged": r.Unchanged, "rejected": r.Rejected} {
		m.importRows.WithLabelValues(r.Kind, outcome).Add(float64(n))
	}
}

// metricsHandler serves /metrics.
func (m *metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}
