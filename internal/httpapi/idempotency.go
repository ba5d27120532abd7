package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/idempotency"
)

// replayedHeader marks an answer replayed for a retried Idempotency-Key.
const replayedHeader = "Idempotent-Replayed"

// savedHeaders are the headers of an answer that a replay repeats.
var savedHeaders = []string{echo.HeaderContentType, echo.HeaderLocation, "Cache-Control", "Link"}

// idempotent makes every POST that carries an Idempotency-Key (and an API
// key, whose keys it belongs to) safe to retry. It claims the key in the
// database before the handler runs, so of concurrent duplicates only one
// runs; the others get 409 while it runs, and its answer afterwards. A 2xx
// answer is stored and replayed to retries with the same request; the same
// key with a different request is a 422. A failure (4xx, 5xx) releases the
// key and a retry runs anew, unless the request's write committed: the store
// marks the claim committed in the write's own transaction, and such a claim
// stays (a retry gets 409 saying the change was made), so a failure between
// a commit and its answer cannot lead to a second change.
//
// The body is read whole, as decoded, to fingerprint it, within the route's
// body limit (limit(c)).
func idempotent(svc *idempotency.Service, limit func(echo.Context) int64, log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			key := req.Header.Get("Idempotency-Key")
			k := keyOf(c)
			if svc == nil || req.Method != http.MethodPost || key == "" || k == nil {
				// Without an API key the route refuses the request anyway.
				return next(c)
			}
			if err := idempotency.CheckKey(key); err != nil {
				return err
			}
			b, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, limit(c)))
			var he *echo.HTTPError // the body limit's 413
			if errors.As(err, &he) {
				return err
			} else if err != nil {
				return bodyError(err)
			}
			req.Body = io.NopCloser(bytes.NewReader(b))
			ctx := req.Context()
			rec, claimed, err := svc.Claim(ctx, k.ID, key, idempotency.Fingerprint(req.Method, req.URL.RequestURI(), b))
			if err != nil {
				return err
			}
			if !claimed {
				return replay(c, rec)
			}
			// The store marks the claim committed in the write's own
			// transaction; such a claim is never released below.
			c.SetRequest(req.WithContext(idempotency.WithClaim(ctx, idempotency.Claim{APIKeyID: k.ID, Key: key})))
			// From here the claim is finished or released, whatever happens
			// (a panic included), with a context the request's deadline does
			// not cut short.
			bg := func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			}
			finished := false
			defer func() {
				if !finished {
					rctx, cancel := bg()
					defer cancel()
					if err := svc.Release(rctx, k.ID, key); err != nil {
						log.Error("idempotency: release", "error", err.Error(), "key_id", k.ID)
					}
				}
			}()
			res := c.Response()
			capture := &bodyCapture{ResponseWriter: res.Writer}
			res.Writer = capture
			err = next(c)
			res.Writer = capture.ResponseWriter
			if err != nil || res.Status < 200 || res.Status > 299 || !res.Committed {
				return err
			}
			finished = true
			header := map[string][]string{}
			for _, h := range savedHeaders {
				if vals := res.Header().Values(h); len(vals) > 0 {
					header[h] = vals
				}
			}
			fctx, cancel := bg()
			defer cancel()
			if err := svc.Finish(fctx, k.ID, key, res.Status, header, capture.buf.Bytes(), holdsSecret(c)); err != nil {
				// The write stands and was answered; the claim stays in
				// progress until it expires, so a retry gets 409, never a
				// second effect.
				log.Error("idempotency: store the answer", "error", err.Error(), "key_id", k.ID)
			}
			return nil
		}
	}
}

// holdsSecret reports whether a route's answer holds a secret (a new API
// key's), which is never stored: a retry of it is refused, not replayed.
func holdsSecret(c echo.Context) bool {
	return c.Path() == "/v1/keys" && c.Request().Method == http.MethodPost
}

// replay writes a stored answer again.
func replay(c echo.Context, rec idempotency.Record) error {
	h := c.Response().Header()
	for name, vals := range rec.Header {
		h[name] = vals
	}
	h.Set(replayedHeader, "true")
	c.Response().WriteHeader(rec.Status)
	_, err := c.Response().Write(rec.Body)
	return err
}

// bodyCapture passes writes through and keeps a copy.
type bodyCapture struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *bodyCapture) Write(p []byte) (int, error) {
	w.buf.Write(p)
	return w.ResponseWriter.Write(p)
}

// Flush passes flushes through.
func (w *bodyCapture) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
