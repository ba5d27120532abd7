package httpapi

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"
)

// clientIPs returns how the client's IP is found: the address of the
// connection, unless trusted (the CIDRs of one's own proxies, load balancers
// or ingress) is given; then X-Forwarded-For is read from the right, past
// the trusted hops, and the first untrusted address is the client's. Without
// trusted proxies, X-Forwarded-For and X-Real-IP are ignored: any client can
// send them, and the rate limit and the audit trail's anonymous actor must
// not be theirs to choose.
func clientIPs(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	// Echo trusts loopback, link-local and private addresses by default;
	// only the configured ranges are trusted here.
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// limiter limits each API key, and each client IP for requests without a
// valid key, to rps requests a second with bursts of burst (in memory, per
// replica). Over the limit: 429 with Retry-After.
//
// A failed authentication (a malformed, unknown or revoked key) spends a
// token of the client IP's bucket, so that guessing keys is limited like
// anonymous requests; a valid key's requests spend only the key's bucket.
// Once an IP's bucket is dry on a failed authentication, its requests with
// a key are refused without a lookup until a token has come back: a
// key-guesser costs the database at most the IP's rate of lookups.
type limiter struct {
	buckets *middleware.RateLimiterMemoryStore
	retry   string        // Retry-After, whole seconds
	refill  time.Duration // the time one token takes to come back

	mu      sync.Mutex
	blocked map[string]time.Time // client IP → until when its keys are refused unread
	swept   time.Time
}

func newLimiter(rps float64, burst int) *limiter {
	return &limiter{
		buckets: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(rps), Burst: burst, ExpiresIn: 3 * time.Minute}),
		retry:   strconv.Itoa(int(math.Ceil(1 / rps))),
		refill:  time.Duration(float64(time.Second) / rps),
		blocked: map[string]time.Time{},
	}
}

// middleware limits the requests authenticate let through.
func (l *limiter) middleware() echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return p == "/healthz" || p == "/readyz" || p == "/metrics"
		},
		Store: l.buckets,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			if k := keyOf(c); k != nil {
				return "key:" + k.ID, nil
			}
			return "ip:" + c.RealIP(), nil
		},
		DenyHandler: func(c echo.Context, id string, err error) error {
			what := "client"
			if strings.HasPrefix(id, "key:") {
				what = "API key"
			}
			return l.deny(c, "Too many requests from this "+what)
		},
	})
}

func (l *limiter) deny(c echo.Context, msg string) error {
	c.Response().Header().Set("Retry-After", l.retry)
	return echo.NewHTTPError(http.StatusTooManyRequests, msg+"; retry after "+l.retry+" s")
}

// beforeLookup refuses a request with a key, before the key is looked up,
// from a client IP whose bucket ran dry on failed authentications (nil l:
// no limit).
func (l *limiter) beforeLookup(c echo.Context) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	until, ok := l.blocked[c.RealIP()]
	l.mu.Unlock()
	if ok && time.Now().Before(until) {
		return l.deny(c, "Too many failed authentications from this client")
	}
	return nil
}

// failed counts the failed authentication err against the client IP's
// bucket: err itself while the bucket has tokens, 429 once it is dry.
func (l *limiter) failed(c echo.Context, err error) error {
	if l == nil {
		return err
	}
	ip := c.RealIP()
	if ok, _ := l.buckets.Allow("ip:" + ip); ok {
		return err
	}
	now := time.Now()
	l.mu.Lock()
	l.blocked[ip] = now.Add(l.refill)
	if now.Sub(l.swept) > time.Minute {
		for k, until := range l.blocked {
			if now.After(until) {
				delete(l.blocked, k)
			}
		}
		l.swept = now
	}
	l.mu.Unlock()
	return l.deny(c, "Too many failed authentications from this client")
}

// corsAndSecurity sets CORS for the configured origins ("*" by default:
// the data is open and writes use bearer keys, not cookies) and standard
// security headers. The Swagger UI needs scripts, so it gets no CSP.
func corsAndSecurity(origins []string) []echo.MiddlewareFunc {
	return []echo.MiddlewareFunc{
		middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins: origins,
			AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
			AllowHeaders: []string{echo.HeaderAuthorization, echo.HeaderContentType, echo.HeaderContentEncoding,
				"If-Match", "If-None-Match", "Idempotency-Key", echo.HeaderXRequestID},
			ExposeHeaders: []string{"ETag", "Link", totalCountHeader, echo.HeaderLocation, echo.HeaderXRequestID, "Retry-After",
				replayedHeader},
			MaxAge: 3600,
		}),
		middleware.SecureWithConfig(middleware.SecureConfig{
			ContentTypeNosniff:    "nosniff",
			XFrameOptions:         "DENY",
			ReferrerPolicy:        "no-referrer",
			ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
			Skipper:               func(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/swagger/") },
		}),
	}
}
