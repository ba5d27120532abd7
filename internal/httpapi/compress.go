package httpapi

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
)

// gzipMinLength is the shortest answer sent compressed: below about a
// packet, compressing saves no round trip and costs CPU.
const gzipMinLength = 1024

// gzipLevel is nginx's default level: most of the saving (a distribution's
// JSON to about a sixth) at a fraction of the default level's CPU.
const gzipLevel = gzip.BestSpeed

// acceptsGzip reports whether an Accept-Encoding header accepts gzip (RFC
// 9110 §12.5.3): gzip or x-gzip listed with a q-value above 0, or, when
// neither is listed, * with one.
func acceptsGzip(header string) bool {
	star := false
	for name, q := range weighted(header) {
		switch name {
		case "gzip", "x-gzip":
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzipLevel)
	return w
}}

// gzipWriter compresses a 200 answer once it reaches gzipMinLength; a
// shorter one, another status, or an answer whose handler set its own
// Content-Encoding passes as it is. A compressed answer is held until the
// handler ends, and sent with its Content-Length, unless the handler
// flushes (a streamed CSV): then it streams from there. Call finish when
// the handler has returned.
type gzipWriter struct {
	http.ResponseWriter
	code        int    // the status the handler wrote (0: none yet)
	passthrough bool   // not compressing: everything goes straight through
	held        []byte // the answer's first bytes, until gzipMinLength
	zw          *gzip.Writer
	out         bytes.Buffer // compressed bytes not yet sent
	streaming   bool         // flushed: header sent, compressed bytes go out as they come
}

func newGzipWriter(w http.ResponseWriter) *gzipWriter { return &gzipWriter{ResponseWriter: w} }

func (w *gzipWriter) WriteHeader(code int) {
	if w.code != 0 {
		return
	}
	w.code = code
	if code != http.StatusOK || w.Header().Get(echo.HeaderContentEncoding) != "" {
		w.passthrough = true
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *gzipWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.passthrough {
		return w.ResponseWriter.Write(p)
	}
	if w.zw == nil {
		w.held = append(w.held, p...)
		if len(w.held) < gzipMinLength {
			return len(p), nil
		}
		w.start()
		return len(p), nil
	}
	if _, err := w.zw.Write(p); err != nil {
		return 0, err
	}
	return len(p), w.send()
}

// start begins compressing, with the bytes held so far. net/http would
// sniff a missing Content-Type from the compressed bytes: it is sniffed
// from the answer's own.
func (w *gzipWriter) start() {
	h := w.Header()
	if h.Get(echo.HeaderContentType) == "" {
		h.Set(echo.HeaderContentType, http.DetectContentType(w.held))
	}
	h.Set(echo.HeaderContentEncoding, "gzip")
	h.Del(echo.HeaderContentLength)
	w.zw = gzipWriters.Get().(*gzip.Writer)
	w.zw.Reset(&w.out)
	_, _ = w.zw.Write(w.held) // into a bytes.Buffer: cannot fail
	w.held = nil
}

// send passes the compressed bytes on once streaming.
func (w *gzipWriter) send() error {
	if !w.streaming || w.out.Len() == 0 {
		return nil
	}
	_, err := w.ResponseWriter.Write(w.out.Bytes())
	w.out.Reset()
	return err
}

// Flush sends what the handler wrote so far, compressed from here on.
func (w *gzipWriter) Flush() {
	if w.code == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.passthrough {
		if w.zw == nil {
			w.start()
		}
		_ = w.zw.Flush()
		if !w.streaming {
			w.streaming = true
			w.ResponseWriter.WriteHeader(w.code)
		}
		if w.send() != nil {
			return
		}
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// finish sends the rest of the answer.
func (w *gzipWriter) finish() error {
	switch {
	case w.passthrough || w.code == 0:
		return nil
	case w.zw == nil: // shorter than gzipMinLength: as it is
		w.ResponseWriter.WriteHeader(w.code)
		_, err := w.ResponseWriter.Write(w.held)
		return err
	}
	err := w.zw.Close()
	gzipWriters.Put(w.zw)
	w.zw = nil
	if err != nil {
		return err
	}
	if !w.streaming {
		w.Header().Set(echo.HeaderContentLength, strconv.Itoa(w.out.Len()))
		w.ResponseWriter.WriteHeader(w.code)
		w.streaming = true
	}
	return w.send()
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// gzipped compresses b whole, for a document served many times.
func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b) // into a bytes.Buffer: cannot fail
	_ = zw.Close()
	return buf.Bytes()
}

// gunzipBody decodes request bodies sent with Content-Encoding: gzip, so a
// large import can travel compressed. limit gives the route's body limit,
// which bounds both the bytes received and the bytes they decode to (a few
// kilobytes of gzip can decode to gigabytes, and a stream of empty deflate
// blocks decodes to nothing at all). Any other coding is refused with 415
// and Accept-Encoding (RFC 9110 §15.5.16).
func gunzipBody(limit func(echo.Context) int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength == 0 { // no body: nothing to decode
				return next(c)
			}
			switch strings.ToLower(strings.TrimSpace(req.Header.Get(echo.HeaderContentEncoding))) {
			case "", "identity":
				return next(c)
			case "gzip", "x-gzip":
			default:
				c.Response().Header().Set(echo.HeaderAcceptEncoding, "gzip")
				return echo.NewHTTPError(http.StatusUnsupportedMediaType,
					"Content-Encoding "+req.Header.Get(echo.HeaderContentEncoding)+" is not supported: send the body as it is, or gzip")
			}
			n := limit(c)
			zr, err := gzip.NewReader(http.MaxBytesReader(c.Response(), req.Body, n))
			if err != nil {
				return gzipError(err)
			}
			req.Body = gzipBody{r: http.MaxBytesReader(c.Response(), zr, n), body: req.Body}
			req.Header.Del(echo.HeaderContentEncoding)
			req.Header.Del(echo.HeaderContentLength)
			req.ContentLength = -1
			return next(c)
		}
	}
}

// gzipBody reads a request body through its decoder, reporting a corrupt
// stream as the client's error.
type gzipBody struct {
	r    io.Reader
	body io.Closer
}

func (b gzipBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

func (b gzipBody) Close() error { return b.body.Close() }

// gzipError turns a decoding failure into a 400; the body limit's error
// passes as it is.
func gzipError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return apperr.Wrap(err, apperr.BadRequest, "the body is not valid gzip (Content-Encoding: gzip)")
}
