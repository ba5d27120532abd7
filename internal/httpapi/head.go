package httpapi

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// head answers HEAD as the GET it mirrors (routes registers every GET for
// HEAD too) with the same header and no body: the handler, the cache, gzip
// and the error handler write as for a GET, and headWriter drops the body.
// Failures are written here, through the same writer, so that a HEAD that
// fails gets the GET's status and header too.
func head(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method != http.MethodHead {
			return next(c)
		}
		res := c.Response()
		w := &headWriter{ResponseWriter: res.Writer}
		res.Writer = w
		if err := next(c); err != nil {
			c.Error(err)
		}
		res.Writer = w.ResponseWriter
		w.finish()
		return nil
	}
}

// headWriter drops the body of an answer and holds its header until the
// handler ends, so that it can carry the Content-Length the GET's body
// would have (RFC 9110 §8.6 allows it on HEAD when it is exactly that).
// Flushes are held too: nothing goes out before the end.
type headWriter struct {
	http.ResponseWriter
	code int
	n    int
}

func (w *headWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *headWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}

func (w *headWriter) Flush() {}

func (w *headWriter) finish() {
	if w.code == 0 {
		return
	}
	h := w.Header()
	if w.code >= 200 && w.code != http.StatusNoContent && w.code != http.StatusNotModified && h.Get(echo.HeaderContentLength) == "" {
		h.Set(echo.HeaderContentLength, strconv.Itoa(w.n))
	}
	w.ResponseWriter.WriteHeader(w.code)
}
