package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/labstack/gommon/bytes"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/idempotency"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
)

// Services are the domain services the handlers call.
type Services struct {
	Regions    *region.Service
	Indicators *indicator.Service
	Stats      *stats.Service
	Keys       *auth.Service
	Programs   *cooperation.Service
	// Idempotency makes POSTs with an Idempotency-Key safe to retry (nil:
	// the header is ignored).
	Idempotency *idempotency.Service
	// Audit reads the audit trail and the change feed, and gives single
	// resources their ETags.
	Audit *audit.Service
	// Ping reports whether the database answers (for /readyz).
	Ping func(context.Context) error
	// DataVersion changes on every write to the data answers depend on; it
	// keys ETags and the response cache.
	DataVersion func(context.Context) (int64, error)
}

// Config tunes the HTTP layer.
type Config struct {
	// RequestTimeout bounds each request's context (0: 30s).
	RequestTimeout time.Duration
	// BodyLimit caps request bodies, e.g. "1M" (empty: 1M).
	BodyLimit string
	// ImportBodyLimit caps import bodies (empty: 32M).
	ImportBodyLimit string
	Logger          *slog.Logger
	// CacheControl is sent with every GET under /v1 (empty: "no-cache",
	// i.e. revalidate with the ETag each time).
	CacheControl string
	// RateLimitRPS and RateLimitBurst limit each key (or client IP without
	// a key); 0 RPS: no limit.
	RateLimitRPS   float64
	RateLimitBurst int
	// TrustedProxies are the address ranges of one's own proxies (load
	// balancer, ingress): X-Forwarded-For is believed from them only.
	// Empty: the client is the connection's address, whatever headers say.
	// The client IP keys the rate limit of requests without a key and names
	// anonymous writers in the audit trail.
	TrustedProxies []*net.IPNet
	// AllowedOrigins are the CORS origins (empty: "*").
	AllowedOrigins []string
	// Collectors are extra Prometheus collectors to export (the database
	// pool's statistics, say).
	Collectors []prometheus.Collector
	// CacheBytes bounds the in-process response cache (0: 64 MiB; negative:
	// no cache, ETags only).
	CacheBytes int64
	// RequireIfMatch makes If-Match mandatory on PATCH, PUT and DELETE of
	// single resources (428 without it).
	RequireIfMatch bool
	// RequestContext, when set, prepares the context of every request;
	// write says whether the request may write (any method but GET, HEAD
	// and OPTIONS). With read replicas the store then reads a write
	// request's rows from the primary, so that a write never checks or
	// returns a replica's older copy, and all of a read request's rows
	// (and the data version behind its ETag) from one replica.
	RequestContext func(ctx context.Context, write bool) context.Context
}

// New returns the router with every route and middleware installed.
func New(svc Services, cfg Config) (*echo.Echo, error) {
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "1M"
	}
	if cfg.ImportBodyLimit == "" {
		cfg.ImportBodyLimit = "32M"
	}
	if len(cfg.AllowedOrigins) == 0 {
		cfg.AllowedOrigins = []string{"*"}
	}
	if cfg.CacheControl == "" {
		cfg.CacheControl = "no-cache"
	}
	switch {
	case cfg.CacheBytes == 0:
		cfg.CacheBytes = 64 << 20
	case cfg.CacheBytes < 0:
		cfg.CacheBytes = 0
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	doc, err := OpenAPI3()
	if err != nil {
		return nil, err
	}
	openapi, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	offers := offersOf(doc)
	h := &handlers{svc: svc, openapi: openapi, importLimit: middleware.BodyLimit(cfg.ImportBodyLimit),
		openapiGzip: sync.OnceValue(func() []byte { return gzipped(openapi) }), cache: newRespCache(cfg.CacheBytes)}
	h.metrics = newMetrics(h.cache, cfg.Collectors)
	e := echo.New()
	e.JSONSerializer = jsonSerializer{}
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = clientIPs(cfg.TrustedProxies)
	e.HTTPErrorHandler = errorHandler(cfg.Logger)
	e.Use(head, middleware.RequestID(), requestLog(cfg.Logger), h.metrics.observe)
	if cfg.RequestContext != nil {
		e.Use(requestContext(cfg.RequestContext))
	}
	e.Use(corsAndSecurity(cfg.AllowedOrigins)...) // before anything that can fail, so browsers see the errors
	e.Use(
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			cfg.Logger.Error("panic", "error", err.Error(), "stack", string(stack))
			return err
		}}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: cfg.BodyLimit, Skipper: isImport}),
		middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: cfg.RequestTimeout}),
		wholeSegments,
		textParams,
	)
	var lim *limiter
	if cfg.RateLimitRPS > 0 {
		lim = newLimiter(cfg.RateLimitRPS, max(cfg.RateLimitBurst, 1))
	}
	e.Use(authenticate(svc.Keys, lim))
	if lim != nil {
		e.Use(lim.middleware())
	}
	bodyLimit, err := bytes.Parse(cfg.BodyLimit)
	if err != nil {
		return nil, fmt.Errorf("httpapi: body limit %q: %w", cfg.BodyLimit, err)
	}
	importLimit, err := bytes.Parse(cfg.ImportBodyLimit)
	if err != nil {
		return nil, fmt.Errorf("httpapi: import body limit %q: %w", cfg.ImportBodyLimit, err)
	}
	limit := func(c echo.Context) int64 {
		if isImport(c) {
			return importLimit
		}
		return bodyLimit
	}
	e.Use(gunzipBody(limit), idempotent(svc.Idempotency, limit, cfg.Logger))
	e.Use(onlyKnownParams(queryParams(doc)))
	e.Use(negotiation(offers), conditional(svc.DataVersion, h.resourceETag, h.cache, cfg.CacheControl),
		h.preconditions(cfg.RequireIfMatch))
	routes(e, h)
	for _, r := range e.Routes() {
		if _, ok := offers[r.Path]; r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/v1/") && !ok {
			// Negotiation would not know what it answers in.
			return nil, fmt.Errorf("httpapi: GET %s is not in the OpenAPI document (run make docs)", r.Path)
		}
	}
	return e, nil
}

// isImport reports whether c is an import, whose body has a limit of its own.
func isImport(c echo.Context) bool {
	return c.Path() == "/v1/imports" && c.Request().Method == http.MethodPost
}

// handlers holds what every handler needs.
type handlers struct {
	svc         Services
	openapi     []byte
	openapiGzip func() []byte // openapi gzipped, once, when first asked for
	importLimit echo.MiddlewareFunc
	cache       *respCache
	metrics     *metrics
}

// requestContext applies prepare to the context of every request.
func requestContext(prepare func(context.Context, bool) context.Context) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			write := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
			c.SetRequest(r.WithContext(prepare(r.Context(), write)))
			return next(c)
		}
	}
}

// wholeSegments answers 404 for a path that only matched a route because
// Echo lets a route's last :param swallow the rest of the path, slashes and
// all (/v1/provinces/35/regencies would reach /v1/provinces/:code with code
// "35/regencies"). Wildcard (*) parameters may span segments.
func wholeSegments(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for i, name := range c.ParamNames() {
			if name != "*" && i < len(c.ParamValues()) && strings.Contains(c.ParamValues()[i], "/") {
				return echo.ErrNotFound
			}
		}
		return next(c)
	}
}

// textParams refuses, with 400 naming the parameter, an API request whose
// path parameters or query values hold a NUL byte or are not UTF-8: no
// parameter needs either, and PostgreSQL would refuse such text where
// SQLite would carry on. Handlers read query parameters through Echo's
// c.QueryParams (parsed once per request), so checking them all here covers
// every one. Echo unescapes path parameters: /v1/imports/%00 arrives as a
// NUL. Only /v1 is checked; health, docs and metrics read no parameters.
func textParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !strings.HasPrefix(c.Request().URL.Path, "/v1/") {
			return next(c)
		}
		errs := apperr.Fields{Kind: apperr.BadRequest}
		for i, name := range c.ParamNames() {
			if i < len(c.ParamValues()) && !paramText(c.ParamValues()[i]) {
				errs.Add(name, "must be UTF-8 text without NUL bytes")
			}
		}
		var bad []string // sorted only when there are any: this runs on every request
		for name, vals := range c.QueryParams() {
			if slices.ContainsFunc(vals, func(v string) bool { return !paramText(v) }) {
				bad = append(bad, name)
			}
		}
		slices.Sort(bad)
		for _, name := range bad {
			if !paramText(name) {
				name = strconv.Quote(name)
			}
			errs.Add(name, "must be UTF-8 text without NUL bytes")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		return next(c)
	}
}

// paramText reports whether s is UTF-8 without NUL bytes.
func paramText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// requestLog writes one structured line per request.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRoutePath: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("method", v.Method), slog.String("uri", v.URI), slog.String("route", v.RoutePath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID))
			return nil
		},
	})
}

// bind decodes a JSON request body into v strictly: the content type must be
// JSON, unknown fields are rejected, and trailing data is an error.
func bind(c echo.Context, v any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if mt, _, _ := mime.ParseMediaType(ct); mt != echo.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json") {
		return apperr.New(apperr.BadRequest, "the body must be JSON (Content-Type: application/json)")
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err)
	}
	// Read to the body's end: nothing after the value goes unread, and a
	// corrupt gzip body is caught (its checksum comes last).
	_, err := dec.Token()
	var syn *json.SyntaxError
	switch {
	case err == io.EOF:
		return nil
	case err == nil, errors.As(err, &syn):
		return apperr.New(apperr.BadRequest, "the body has data after its JSON value")
	}
	return bodyError(err)
}

// Nullable is a field of a PATCH body that tells absent (Set false) from
// null (Set and Null: clear the field) from a value. A plain pointer cannot:
// encoding/json leaves it nil for both absent and null.
type Nullable[T any] struct {
	Set, Null bool
	Value     T
}

// UnmarshalJSON implements json.Unmarshaler; encoding/json calls it for a
// present field only, null included.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Null = true
		return nil
	}
	return json.Unmarshal(b, &n.Value)
}

// Or returns the patch value the domain takes: nil when absent, cleared
// (the zero value, which the domain reads as "none") for null.
func (n Nullable[T]) Or(cleared T) *T {
	switch {
	case !n.Set:
		return nil
	case n.Null:
		return &cleared
	}
	v := n.Value
	return &v
}

// bodyError explains a JSON decoding failure without echoing internals.
func bodyError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	var ae *apperr.Error
	switch {
	case errors.As(err, &ae): // a corrupt gzip body
		return ae
	case errors.As(err, &mbe):
		return apperr.New(apperr.TooLarge, "the body is larger than %d bytes", mbe.Limit)
	case errors.As(err, &syn):
		return apperr.New(apperr.BadRequest, "the body is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return apperr.New(apperr.BadRequest, "the body must be a JSON object")
		}
		typ.Field = jsonField(typ.Field)
		if typ.Type == reflect.TypeFor[fixed.Dec]() {
			if n, ok := strings.CutPrefix(typ.Value, "number "); ok {
				return apperr.Field(apperr.BadRequest, typ.Field, fmt.Sprintf("must be a decimal number such as 0.5; %.30s is out of range", n))
			}
			return apperr.Field(apperr.BadRequest, typ.Field, "must be a decimal number such as 0.5, not a JSON "+jsonKind(typ.Value))
		}
		if isInteger(typ.Type) {
			return apperr.Field(apperr.BadRequest, typ.Field, wholeNumber(typ.Field, typ.Value))
		}
		return apperr.Field(apperr.BadRequest, typ.Field, "must be a JSON "+jsonType(typ.Type))
	case errors.Is(err, io.EOF):
		return apperr.New(apperr.BadRequest, "the body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.BadRequest, "the body ends in the middle of a JSON value")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.Field(apperr.BadRequest, field, "is not a known field")
	}
	return apperr.New(apperr.BadRequest, "the body could not be read as JSON")
}

// jsonField is the body's name of a field encoding/json names by its path:
// without the Go names of embedded structs ("ScoreComponents.iks" is iks),
// which the API's snake_case names never look like.
func jsonField(path string) string {
	parts := strings.Split(path, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && (p[0] < 'A' || p[0] > 'Z') {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return path
	}
	return strings.Join(out, ".")
}

// jsonKind names a JSON kind as encoding/json reports it (bool, ...) in
// JSON's words.
func jsonKind(kind string) string {
	if kind == "bool" {
		return "boolean"
	}
	return kind
}

// isInteger reports whether t (or what it points to) is an integer type.
func isInteger(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// wholeNumber explains why a field that takes a whole number refused a
// value; got is what encoding/json saw ("number 1.5", "string"). Money
// fields, named *_idr, are whole rupiah.
func wholeNumber(field, got string) string {
	what := "a whole number"
	if strings.HasSuffix(field, "_idr") {
		what += " of rupiah"
	}
	num, isNumber := strings.CutPrefix(got, "number ")
	if len(num) > 40 {
		num = num[:40] + "…"
	}
	switch {
	case isNumber && strings.ContainsAny(num, ".eE"):
		return fmt.Sprintf("must be %s, without a fraction or an exponent, got %s", what, num)
	case isNumber:
		return fmt.Sprintf("must be %s that fits a 64-bit integer, got %s", what, num)
	}
	return "must be " + what + ", a JSON number without a fraction"
}

// jsonType names the JSON type that decodes into t, in JSON's words rather
// than Go's (a struct is an object, an int a number).
func jsonType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}
