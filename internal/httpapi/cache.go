package httpapi

import (
	"bytes"
	"container/list"
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
)

// respCache keeps recent GET answers keyed by request and data version. The
// version lives in the database and changes with every write, so an entry
// is never served after a write, whichever replica made it.
type respCache struct {
	mu      sync.Mutex
	max     int64 // bytes; 0 disables storing
	size    int64
	order   *list.List // front: most recently used
	entries map[string]*list.Element
	// computing holds, per key and version, a channel closed when the
	// request computing that answer ends: identical requests arriving
	// meanwhile wait for it instead of computing it again.
	computing map[string]chan struct{}

	Hits, Misses atomic.Int64
}

type cached struct {
	key     string
	version int64
	header  http.Header
	body    []byte
}

func newRespCache(maxBytes int64) *respCache {
	return &respCache{max: maxBytes, order: list.New(), entries: map[string]*list.Element{},
		computing: map[string]chan struct{}{}}
}

// lookup returns the cached answer to key at version, if there is one.
// Otherwise it makes the caller the one computing it and returns done, to
// call when finished; or, when another request is computing it already,
// returns wait, closed when that one is finished.
func (rc *respCache) lookup(key string, version int64) (e *cached, done func(), wait <-chan struct{}) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if el, ok := rc.entries[key]; ok && el.Value.(*cached).version == version {
		rc.order.MoveToFront(el)
		rc.Hits.Add(1)
		return el.Value.(*cached), nil, nil
	}
	k := fmt.Sprintf("%d|%s", version, key)
	if ch, ok := rc.computing[k]; ok {
		return nil, nil, ch
	}
	rc.Misses.Add(1)
	ch := make(chan struct{})
	rc.computing[k] = ch
	return nil, func() {
		rc.mu.Lock()
		delete(rc.computing, k)
		rc.mu.Unlock()
		close(ch)
	}, nil
}

func (rc *respCache) put(e *cached) {
	n := int64(len(e.body))
	if n > rc.max/8 { // one answer may use at most an eighth of the cache
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if el, ok := rc.entries[e.key]; ok {
		rc.size -= int64(len(el.Value.(*cached).body))
		rc.order.Remove(el)
	}
	rc.entries[e.key] = rc.order.PushFront(e)
	rc.size += n
	for rc.size > rc.max {
		last := rc.order.Back()
		old := last.Value.(*cached)
		rc.order.Remove(last)
		delete(rc.entries, old.key)
		rc.size -= int64(len(old.body))
	}
}

// cacheKey identifies an answer: the request URI and the representation,
// its media type (as negotiation chose it) and whether it may be gzipped
// (see gzipWriter).
func cacheKey(r *http.Request, mediaType string) (key string, gzip bool) {
	key = r.URL.RequestURI() + "|" + mediaType
	if acceptsGzip(r.Header.Get(echo.HeaderAcceptEncoding)) {
		return key + "|gzip", true
	}
	return key, false
}

func etagOf(key string, version int64) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return fmt.Sprintf(`"%d-%x"`, version, h.Sum64())
}

// noneMatch reads an If-None-Match header: match when it names etag (weak
// comparison), star when it is * (true only if a current representation
// exists, which only the answer can tell: RFC 9110 §13.1.2).
func noneMatch(header, etag string) (match, star bool) {
	for t := range strings.SplitSeq(header, ",") {
		switch t = strings.TrimPrefix(strings.TrimSpace(t), "W/"); t {
		case etag:
			return true, false
		case "*":
			star = true
		}
	}
	return false, star
}

// conditional gives every GET (and HEAD) under /v1 an ETag derived from the
// data version and the request (a single resource's own ETag, from
// resource, where it has one), answers 304 to an If-None-Match naming it
// without computing anything, and serves repeats from the in-process cache.
// If-None-Match: * answers 304 only once the answer is known to succeed: a
// request that fails (an unknown region, a malformed parameter) has no
// representation to match. It gzips the answers of clients that accept it
// (gzipWriter): a compressed answer is a representation of its own, with
// its own key and ETag, so a repeat is served compressed without
// compressing again.
func conditional(version func(context.Context) (int64, error), resource func(echo.Context) (string, bool, error),
	rc *respCache, cacheControl string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if !isRead(req) || !strings.HasPrefix(req.URL.Path, "/v1/") {
				return next(c)
			}
			if private(req.URL.Path) {
				// Runs before the route's scope check: a cached answer here
				// would reach callers the route refuses.
				c.Response().Header().Set("Cache-Control", "no-store")
				return next(c)
			}
			v, err := version(req.Context())
			if err != nil {
				return err
			}
			key, gz := cacheKey(req, representation(c))
			etag := etagOf(key, v)
			if resource == nil {
				// no single-resource ETags
			} else if tag, ok, err := resource(c); err != nil {
				return err
			} else if ok {
				// The resource's state, then what else its answer shows
				// (a village's latest score): If-Match compares the first
				// part, If-None-Match the whole.
				etag = strings.TrimSuffix(tag, `"`) + "." + strings.TrimPrefix(etag, `"`)
			}
			h := c.Response().Header()
			// Added to, not set: CORS varies by Origin where origins are
			// restricted, and a shared cache must know it.
			addVary(h, echo.HeaderAccept, echo.HeaderAcceptEncoding)
			if cacheControl != "" {
				h.Set("Cache-Control", cacheControl)
			}
			match, star := noneMatch(req.Header.Get("If-None-Match"), etag)
			if match {
				h.Set("ETag", etag)
				return c.NoContent(http.StatusNotModified)
			}
			serve := func(e *cached) error {
				h.Set("ETag", etag)
				if star {
					return c.NoContent(http.StatusNotModified)
				}
				for k, vals := range e.header {
					h[k] = vals
				}
				h.Set(echo.HeaderContentLength, strconv.Itoa(len(e.body)))
				c.Response().WriteHeader(http.StatusOK)
				_, err := c.Response().Write(e.body)
				return err
			}
			if rc.max > 0 {
				// Identical requests wait for the one computing the answer,
				// then serve it from the cache; when it could not be cached
				// (a failure, or too large) they compute their own.
				e, done, wait := rc.lookup(key, v)
				if wait != nil {
					select {
					case <-wait:
					case <-req.Context().Done():
						return apperr.Wrap(req.Context().Err(), apperr.Unavailable, "the answer was not ready in time")
					}
					e, done, _ = rc.lookup(key, v)
				}
				if e != nil {
					return serve(e)
				}
				if done != nil {
					defer done()
				}
			} else {
				rc.Misses.Add(1)
			}
			h.Set("ETag", etag)
			w := c.Response().Writer
			var held *holder
			if star {
				held = &holder{ResponseWriter: w, header: h.Clone()}
				c.Response().Writer = held
			}
			rec := &recorder{ResponseWriter: c.Response().Writer, limit: rc.max / 8}
			c.Response().Writer = rec
			var zw *gzipWriter
			if gz {
				zw = newGzipWriter(rec)
				c.Response().Writer = zw
			}
			err = next(c)
			if zw != nil {
				if ferr := zw.finish(); err == nil {
					err = ferr
				}
			}
			c.Response().Writer = w
			if err == nil && c.Response().Status == http.StatusOK && !rec.overflow && rc.max > 0 {
				saved := http.Header{}
				for _, k := range []string{echo.HeaderContentType, echo.HeaderContentEncoding, "Link", totalCountHeader} {
					if vals := h.Values(k); len(vals) > 0 {
						saved[k] = vals
					}
				}
				rc.put(&cached{key: key, version: v, header: saved, body: rec.buf.Bytes()})
			}
			if held != nil {
				err = held.settle(c, err)
			}
			if status := c.Response().Status; err != nil || status != http.StatusOK && status != http.StatusNotModified {
				// A failure is not a representation to revalidate (an error
				// returned here is written later, by the error handler).
				h.Del("ETag")
			}
			return err
		}
	}
}

// holder keeps an answer back for If-None-Match: *, which is decided by
// whether the answer succeeds: it holds the status and, of a failure, the
// body (a success's body is dropped; the recorder above keeps it for the
// cache). header is the answer's header before the handler ran.
type holder struct {
	http.ResponseWriter
	header http.Header
	code   int
	body   bytes.Buffer
}

func (w *holder) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *holder) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	if w.code >= 300 {
		w.body.Write(p)
	}
	return len(p), nil
}

// Flush holds: nothing is sent before the answer is known.
func (w *holder) Flush() {}

// settle sends what If-None-Match: * makes of the held answer: 304 for a
// success (with the header the answer had before the handler ran, its
// ETag), the answer itself for a failure the handler wrote, and err, for
// the error handler to write, otherwise.
func (w *holder) settle(c echo.Context, err error) error {
	res := c.Response()
	h := res.Header()
	ok := err == nil && (w.code == 0 || w.code >= 200 && w.code < 300)
	if ok || w.code < 300 {
		// A success, or one that failed after it began (its body is
		// gone): what the handler added to the header goes too.
		clear(h)
		maps.Copy(h, w.header)
	}
	res.Committed, res.Size = false, 0
	switch {
	case ok:
		return c.NoContent(http.StatusNotModified)
	case w.code >= 300:
		res.WriteHeader(w.code)
		if _, werr := res.Write(w.body.Bytes()); err == nil {
			err = werr
		}
	}
	return err
}

// private reports whether a path answers data that is not open (API keys,
// the audit trail), which is neither cached nor given an ETag, and changes
// without moving the data version.
func private(path string) bool {
	return path == "/v1/keys" || strings.HasPrefix(path, "/v1/keys/") || path == "/v1/audit"
}

// recorder passes writes through and keeps a copy up to limit bytes.
type recorder struct {
	http.ResponseWriter
	buf      bytes.Buffer
	limit    int64
	overflow bool
}

func (r *recorder) Write(p []byte) (int, error) {
	if !r.overflow {
		if int64(r.buf.Len()+len(p)) > r.limit {
			r.overflow = true
			r.buf = bytes.Buffer{}
		} else {
			r.buf.Write(p)
		}
	}
	return r.ResponseWriter.Write(p)
}

// Flush passes flushes through, for streamed CSV.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
