package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// gzipString compresses s at a level.
func gzipString(t *testing.T, level int, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(zw, s); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// emptyBlocks is a gzip stream of about size bytes that decodes to
// nothing: a header, then empty deflate blocks (a flush each).
func emptyBlocks(t *testing.T, size int) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	for b.Len() < size {
		if err := zw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// TestGzipBodies: a body sent with Content-Encoding: gzip is read as its
// decoded bytes — an import lands as the same rows sent plain would, a
// JSON write as the same JSON, and an idempotent retry compressed
// differently is the same request. The body limit bounds both the bytes
// sent and the bytes decoded; a corrupt stream is a 400 and another
// coding a 415 naming gzip. Nothing is stored by a refused body.
func TestGzipBodies(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		body, _, _ := importBody("csv")
		post := func(a *api, target, contentType, body string, header ...string) response {
			t.Helper()
			h := map[string]string{}
			for i := 0; i+1 < len(header); i += 2 {
				h[header[i]] = header[i+1]
			}
			key := a.indicators
			if strings.HasPrefix(target, "/v1/provinces") {
				key = a.writer
			}
			return a.do(t, request{method: http.MethodPost, target: target, body: body, contentType: contentType, key: key, header: h})
		}
		const dry = "/v1/imports?kind=scores&framework=idm&mode=partial&dry_run=true"
		plain := decode[httpapi.ImportReport](t, post(a, dry, "text/csv", body))
		for _, enc := range []string{"gzip", "x-gzip", "GZip"} {
			res := post(a, dry, "text/csv", gzipString(t, gzip.BestSpeed, body), "Content-Encoding", enc)
			wantStatus(t, "dry run, "+enc, res, http.StatusCreated)
			if diff := cmp.Diff(plain, decode[httpapi.ImportReport](t, res), ignoreReportIdentity); diff != "" {
				t.Errorf("dry run, Content-Encoding %s: report differs from the plain body's (-plain +gzip):\n%s", enc, diff)
			}
		}

		// The fingerprint is of the decoded body: a retry compressed at
		// another level is the same request, replayed.
		const target = "/v1/imports?kind=scores&framework=idm&mode=partial"
		first := post(a, target, "text/csv", gzipString(t, gzip.BestSpeed, body), "Content-Encoding", "gzip", "Idempotency-Key", "gz-1")
		wantStatus(t, "gzipped import", first, http.StatusCreated)
		retry := post(a, target, "text/csv", gzipString(t, gzip.BestCompression, body), "Content-Encoding", "gzip", "Idempotency-Key", "gz-1")
		wantStatus(t, "gzipped retry", retry, http.StatusCreated)
		if retry.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(retry.body, first.body) {
			t.Errorf("a retry compressed differently was not replayed: Idempotent-Replayed %q", retry.header.Get("Idempotent-Replayed"))
		}
		report := decode[httpapi.ImportReport](t, first)
		if stored := storedScores(t, a); report.Inserted != plain.Inserted || len(stored) != plain.Inserted {
			t.Errorf("gzipped import: inserted %d, stored %d; the plain dry run would insert %d", report.Inserted, len(stored), plain.Inserted)
		}

		// A JSON write.
		res := post(a, "/v1/provinces", "application/json", gzipString(t, gzip.DefaultCompression, `{"code":"98","name":"Provinsi Uji"}`),
			"Content-Encoding", "gzip")
		wantStatus(t, "gzipped POST /v1/provinces", res, http.StatusCreated)
		if p := decode[httpapi.Province](t, a.do(t, request{target: "/v1/provinces/98"})); p.Name != "Provinsi Uji" {
			t.Errorf("province 98 after a gzipped POST: name %q", p.Name)
		}

		scores := storedScores(t, a)
		refused := func(what string, res response, status int, detail string) {
			t.Helper()
			wantStatus(t, what, res, status)
			if p := problemOf(t, res); !strings.Contains(p.Detail, detail) {
				t.Errorf("%s: detail %q, want it to mention %q", what, p.Detail, detail)
			}
		}
		for _, target := range []string{target, "/v1/provinces"} {
			ct, body := "text/csv", body
			if target == "/v1/provinces" {
				ct, body = "application/json", `{"code":"96","name":"`+strings.Repeat("Provinsi ", 20)+`"}`
			}
			gz := gzipString(t, gzip.BestSpeed, body)
			refused(target+", not gzip", post(a, target, ct, body, "Content-Encoding", "gzip"), http.StatusBadRequest, "not valid gzip")
			refused(target+", gzip cut short", post(a, target, ct, gz[:len(gz)-12], "Content-Encoding", "gzip"), http.StatusBadRequest, "not valid gzip")
			res := post(a, target, ct, body, "Content-Encoding", "br")
			refused(target+", br", res, http.StatusUnsupportedMediaType, "br")
			if ae := res.header.Get("Accept-Encoding"); ae != "gzip" {
				t.Errorf("%s, br: Accept-Encoding %q, want gzip", target, ae)
			}
		}

		// Bounded: the decoded bytes, and the bytes sent even when they
		// decode to nothing.
		small := newAPIWith(t, a.s, httpapi.Config{ImportBodyLimit: "1M"})
		var big strings.Builder
		if _, err := io.Copy(&big, newRowGenerator(2_000_000)); err != nil {
			t.Fatal(err)
		}
		bomb := gzipString(t, gzip.BestCompression, big.String())
		if len(bomb) > 100_000 {
			t.Fatalf("2 MB of rows gzip to %d bytes: want a small body that decodes over the limit", len(bomb))
		}
		refused("2 MB of rows in a small gzip", post(small, target, "text/csv", bomb, "Content-Encoding", "gzip"),
			http.StatusRequestEntityTooLarge, "import limit")
		refused("1.2 MB of gzip that decodes to nothing", post(small, target, "text/csv", emptyBlocks(t, 1_200_000), "Content-Encoding", "gzip"),
			http.StatusRequestEntityTooLarge, "import limit")
		name := `{"code":"97","name":"` + strings.Repeat("x", 2_000_000) + `"}`
		refused("a 2 MB JSON body in a small gzip", post(a, "/v1/provinces", "application/json", gzipString(t, gzip.BestCompression, name),
			"Content-Encoding", "gzip"), http.StatusRequestEntityTooLarge, "larger than")
		if diff := cmp.Diff(scores, storedScores(t, a)); diff != "" {
			t.Errorf("a refused body changed the stored scores (-before +after):\n%s", diff)
		}
		wantStatus(t, "province 97", a.do(t, request{target: "/v1/provinces/97"}), http.StatusNotFound)
		if n, err := a.s.CountScores(context.Background(), "idm"); err != nil || n != len(scores) {
			t.Errorf("%d scores stored (%v), want %d", n, err, len(scores))
		}
	})
}
