package httpapi

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestAcceptsGzip(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"gzip, deflate, br", true},
		{"br, deflate", false},
		{"identity", false},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"gzip;q=0.001", true},
		{"br;q=1.0, gzip;q=0.5", true},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"gzip;q=0, *", false},
		{"br, *;q=0.1", true},
		{"gzip;q=x", false},
		{" gzip ; q=1 ", true},
	} {
		if got := acceptsGzip(tc.header); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func ungzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestGzipWriter: what a handler writes reaches the client whole, gzipped
// only for a 200 of at least gzipMinLength bytes whose handler set no
// encoding of its own; a compressed answer held to the end carries its
// Content-Length, a flushed one streams.
func TestGzipWriter(t *testing.T) {
	long := strings.Repeat(`{"code":"35.15.01.2001","name":"Mliriprowo"},`, 60)
	for _, tc := range []struct {
		name     string
		handler  func(w http.ResponseWriter)
		wantBody string
		gzipped  bool
		length   bool // Content-Length set to the bytes sent
		flushed  bool
		status   int
	}{
		{name: "short", handler: func(w http.ResponseWriter) { io.WriteString(w, `{"a":1}`) },
			wantBody: `{"a":1}`, status: 200},
		{name: "empty", handler: func(w http.ResponseWriter) { w.WriteHeader(http.StatusOK) }, status: 200},
		{name: "long in one write", handler: func(w http.ResponseWriter) { io.WriteString(w, long) },
			wantBody: long, gzipped: true, length: true, status: 200},
		{name: "long in small writes", handler: func(w http.ResponseWriter) {
			for i := 0; i < len(long); i += 100 {
				io.WriteString(w, long[i:min(i+100, len(long))])
			}
		}, wantBody: long, gzipped: true, length: true, status: 200},
		{name: "handler's Content-Length replaced", handler: func(w http.ResponseWriter) {
			w.Header().Set(echo.HeaderContentLength, strconv.Itoa(len(long)))
			io.WriteString(w, long)
		}, wantBody: long, gzipped: true, length: true, status: 200},
		{name: "flushed", handler: func(w http.ResponseWriter) {
			io.WriteString(w, "code,name\n")
			w.(http.Flusher).Flush()
			io.WriteString(w, long)
			w.(http.Flusher).Flush()
			io.WriteString(w, "end\n")
		}, wantBody: "code,name\n" + long + "end\n", gzipped: true, flushed: true, status: 200},
		{name: "not a 200", handler: func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, long)
		}, wantBody: long, status: 404},
		{name: "own encoding", handler: func(w http.ResponseWriter) {
			w.Header().Set(echo.HeaderContentEncoding, "br")
			io.WriteString(w, long)
		}, wantBody: long, status: 200},
		{name: "own encoding, flushed first", handler: func(w http.ResponseWriter) {
			w.Header().Set(echo.HeaderContentEncoding, "br")
			w.(http.Flusher).Flush()
			io.WriteString(w, long)
		}, wantBody: long, flushed: true, status: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			w := newGzipWriter(rec)
			tc.handler(w)
			if err := w.finish(); err != nil {
				t.Fatal(err)
			}
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			body := rec.Body.String()
			if gz := rec.Header().Get(echo.HeaderContentEncoding) == "gzip"; gz != tc.gzipped {
				t.Fatalf("gzipped %v, want %v (Content-Encoding %q)", gz, tc.gzipped, rec.Header().Get(echo.HeaderContentEncoding))
			} else if gz {
				body = ungzip(t, rec.Body.Bytes())
			}
			if body != tc.wantBody {
				t.Errorf("body %q, want %q", body, tc.wantBody)
			}
			if cl := rec.Header().Get(echo.HeaderContentLength); tc.length && cl != strconv.Itoa(rec.Body.Len()) || tc.gzipped && !tc.length && cl != "" {
				t.Errorf("Content-Length %q with %d bytes sent (want it set: %v)", cl, rec.Body.Len(), tc.length)
			}
			if rec.Flushed != tc.flushed {
				t.Errorf("flushed %v, want %v", rec.Flushed, tc.flushed)
			}
			if ct := rec.Header().Get(echo.HeaderContentType); tc.gzipped && !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type %q, want the one sniffed from the answer itself (text/plain)", ct)
			}
		})
	}
}
