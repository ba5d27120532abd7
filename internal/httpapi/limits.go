package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"
)

// rateLimit limits each API key, and each client IP for requests without a
// key, to rps requests a second with bursts of burst (in memory, per
// replica). Over the limit: 429 with Retry-After.
func rateLimit(rps float64, burst int) echo.MiddlewareFunc {
	retry := strconv.Itoa(int(math.Ceil(1 / rps)))
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return p == "/healthz" || p == "/readyz" || p == "/metrics"
		},
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(rps), Burst: burst, ExpiresIn: 3 * time.Minute}),
		IdentifierExtractor: func(c echo.Context) (string, error) {
			if k := keyOf(c); k != nil {
				return "key:" + k.ID, nil
			}
			return "ip:" + c.RealIP(), nil
		},
		DenyHandler: func(c echo.Context, id string, err error) error {
			c.Response().Header().Set("Retry-After", retry)
			what := "client"
			if strings.HasPrefix(id, "key:") {
				what = "API key"
			}
			return echo.NewHTTPError(http.StatusTooManyRequests, "Too many requests from this "+what+"; retry after "+retry+" s")
		},
	})
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
