package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/desa-api/desa-api/internal/store"
)

// config is everything the environment can set. README lists each variable.
type config struct {
	Addr             string
	DatabaseURL      string
	ReadURLs         []string // DATABASE_READ_URLS: PostgreSQL replicas for reads
	LogLevel         slog.Level
	RequestTimeout   time.Duration
	StatementTimeout time.Duration
	ReadTimeout      time.Duration
	WriteTimeout     time.Duration
	IdleTimeout      time.Duration
	ShutdownGrace    time.Duration
	IdempotencyTTL   time.Duration
	BodyLimit        string
	ImportBodyLimit  string
	MaxOpenConns     int
	AutoSeed         []string // the embedded sets to load on start, of seedSets
	CacheControl     string
	CacheBytes       int64
	RateLimitRPS     float64
	RateLimitBurst   int
	AllowedOrigins   []string
	TrustedProxies   []*net.IPNet // TRUSTED_PROXIES: X-Forwarded-For is believed from these only
	RequireIfMatch   bool
}

// seedSets are the embedded sets serve can load on start, in load order.
var seedSets = []string{"regions", "scores", "indicator_values", "program"}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{Addr: ":8080", DatabaseURL: store.DefaultURL, BodyLimit: "1M"}
	if v := getenv("ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("DATABASE_URL"); v != "" {
		c.DatabaseURL = v
	}
	switch v := getenv("AUTO_SEED"); v {
	case "", "true", "1":
		c.AutoSeed = seedSets
	case "false", "0":
	default:
		for _, set := range strings.Split(v, ",") {
			if set = strings.TrimSpace(set); !slices.Contains(seedSets, set) {
				return c, fmt.Errorf("AUTO_SEED: want true, false or a comma list of %s, got %q", strings.Join(seedSets, ", "), v)
			}
			c.AutoSeed = append(c.AutoSeed, set)
		}
	}
	if v := getenv("BODY_LIMIT"); v != "" {
		c.BodyLimit = v
	}
	c.ImportBodyLimit = orDefault(getenv("IMPORT_BODY_LIMIT"), "32M")
	c.CacheControl = getenv("CACHE_CONTROL")
	if v := getenv("CACHE_BYTES"); v != "" {
		if _, err := fmt.Sscan(v, &c.CacheBytes); err != nil {
			return c, fmt.Errorf("CACHE_BYTES: want a number of bytes (negative: no cache), got %q", v)
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(orDefault(getenv("LOG_LEVEL"), "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	durations := []struct {
		env string
		dst *time.Duration
		def time.Duration
	}{
		{"REQUEST_TIMEOUT", &c.RequestTimeout, 30 * time.Second},
		{"DB_STATEMENT_TIMEOUT", &c.StatementTimeout, 30 * time.Second},
		{"READ_TIMEOUT", &c.ReadTimeout, 60 * time.Second},
		{"WRITE_TIMEOUT", &c.WriteTimeout, 120 * time.Second},
		{"IDLE_TIMEOUT", &c.IdleTimeout, 120 * time.Second},
		{"SHUTDOWN_GRACE", &c.ShutdownGrace, 30 * time.Second},
		{"IDEMPOTENCY_TTL", &c.IdempotencyTTL, 24 * time.Hour},
	}
	for _, d := range durations {
		*d.dst = d.def
		if v := getenv(d.env); v != "" {
			parsed, err := time.ParseDuration(v)
			if err != nil || parsed < 0 {
				return c, fmt.Errorf("%s: want a duration such as 30s, got %q", d.env, v)
			}
			*d.dst = parsed
		}
	}
	// A request may run until REQUEST_TIMEOUT and then answer: the server
	// must still be allowed to write that answer, or a write that committed
	// would reach the client as a dropped connection.
	requestTimeout := c.RequestTimeout
	if requestTimeout == 0 {
		requestTimeout = 30 * time.Second // httpapi's default
	}
	if c.WriteTimeout > 0 && c.WriteTimeout <= requestTimeout {
		return c, fmt.Errorf("WRITE_TIMEOUT (%s) must exceed REQUEST_TIMEOUT (%s, 0 meaning 30s): a request must be able to send its answer",
			c.WriteTimeout, c.RequestTimeout)
	}
	if v := getenv("RATE_LIMIT_RPS"); v != "" {
		if _, err := fmt.Sscan(v, &c.RateLimitRPS); err != nil || c.RateLimitRPS < 0 {
			return c, fmt.Errorf("RATE_LIMIT_RPS: want requests per second, got %q", v)
		}
		c.RateLimitBurst = int(math.Ceil(c.RateLimitRPS))
	}
	if v := getenv("RATE_LIMIT_BURST"); v != "" {
		if _, err := fmt.Sscan(v, &c.RateLimitBurst); err != nil || c.RateLimitBurst < 1 {
			return c, fmt.Errorf("RATE_LIMIT_BURST: want a positive number, got %q", v)
		}
	}
	for _, u := range strings.Split(getenv("DATABASE_READ_URLS"), ",") {
		if u = strings.TrimSpace(u); u == "" {
			continue
		}
		if d, _, err := store.ParseURL(u); err != nil || d != store.Postgres {
			return c, fmt.Errorf("DATABASE_READ_URLS: want comma-separated postgres:// URLs, got %q", redact(u))
		}
		c.ReadURLs = append(c.ReadURLs, u)
	}
	if len(c.ReadURLs) > 0 {
		if d, _, _ := store.ParseURL(c.DatabaseURL); d != store.Postgres {
			return c, errors.New("DATABASE_READ_URLS needs a PostgreSQL DATABASE_URL")
		}
	}
	for _, o := range strings.Split(getenv("CORS_ALLOWED_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.AllowedOrigins = append(c.AllowedOrigins, o)
		}
	}
	for _, p := range strings.Split(getenv("TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !strings.Contains(p, "/") { // one address
			if ip := net.ParseIP(p); ip != nil && ip.To4() != nil {
				p += "/32"
			} else {
				p += "/128"
			}
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return c, fmt.Errorf("TRUSTED_PROXIES: want a comma list of CIDRs or addresses such as 10.0.0.0/8, got %q", p)
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	switch v := getenv("REQUIRE_IF_MATCH"); v {
	case "", "false", "0":
	case "true", "1":
		c.RequireIfMatch = true
	default:
		return c, fmt.Errorf("REQUIRE_IF_MATCH: want true or false, got %q", v)
	}
	if v := getenv("DB_MAX_CONNS"); v != "" {
		if _, err := fmt.Sscan(v, &c.MaxOpenConns); err != nil || c.MaxOpenConns < 0 {
			return c, fmt.Errorf("DB_MAX_CONNS: want a number, got %q", v)
		}
	}
	return c, nil
}

// storeOptions are the store options of the maintenance commands: they
// read and write the primary only.
func (c config) storeOptions() store.Options {
	return store.Options{StatementTimeout: c.StatementTimeout, MaxOpenConns: c.MaxOpenConns}
}

// serveOptions are the store options of serve: reads may go to replicas.
func (c config) serveOptions() store.Options {
	o := c.storeOptions()
	o.ReadURLs = c.ReadURLs
	return o
}

// redact hides the password of a URL for an error message.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
