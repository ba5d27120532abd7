package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestOpenAPIDocumentValid: the published OpenAPI 3 document is itself
// valid, so that clients can generate types from it.
func TestOpenAPIDocumentValid(t *testing.T) {
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Errorf("the OpenAPI 3 document is invalid: %v", err)
	}
}

// TestServedOpenAPI: /openapi.json serves the document, with what Swagger
// 2.0 cannot say put right: failures are application/problem+json only, and
// CSV answers are text.
func TestServedOpenAPI(t *testing.T) {
	// The document does not depend on the database: one engine will do.
	a := newAPI(t, storetest.New(t, store.SQLite))
	res := a.do(t, request{target: "/openapi.json"})
	wantStatus(t, "/openapi.json", res, http.StatusOK)
	doc, err := openapi3.NewLoader().LoadFromData(res.body)
	if err != nil {
		t.Fatalf("load served document: %v", err)
	}
	list := doc.Paths.Value("/v1/villages").Get
	got := map[string][]string{}
	for code, ref := range list.Responses.Map() {
		for mt := range ref.Value.Content {
			got[code] = append(got[code], mt)
		}
		slices.Sort(got[code])
	}
	want := map[string][]string{"200": {"application/json", "text/csv"}, "400": {"application/problem+json"},
		"401": {"application/problem+json"}, "406": {"application/problem+json"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("media types of GET /v1/villages mismatch (-want +got):\n%s", diff)
	}
	csv := list.Responses.Status(200).Value.Content["text/csv"].Schema.Value
	if !csv.Type.Is("string") {
		t.Errorf("text/csv schema type = %v, want string", csv.Type)
	}
	del := doc.Paths.Value("/v1/villages/{code}").Delete
	if mt := del.Responses.Status(409).Value.Content; mt["application/problem+json"] == nil || len(mt) != 1 {
		t.Errorf("DELETE 409 media types = %v, want application/problem+json only", mt)
	}
	// The same document gzipped to a client that accepts it, each with its
	// length.
	gz := a.do(t, request{target: "/openapi.json", header: map[string]string{"Accept-Encoding": "gzip"}})
	if gz.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gz.body, res.body) || len(gz.wire) >= len(res.wire)/4 {
		t.Errorf("/openapi.json accepting gzip: Content-Encoding %q, %d bytes for %d, same document: %v",
			gz.header.Get("Content-Encoding"), len(gz.wire), len(res.wire), bytes.Equal(gz.body, res.body))
	}
	for _, r := range []response{res, gz} {
		if cl, vary := r.header.Get("Content-Length"), strings.Join(r.header.Values("Vary"), ", "); cl != strconv.Itoa(len(r.wire)) || !strings.Contains(vary, "Accept-Encoding") {
			t.Errorf("/openapi.json: Content-Length %q for %d bytes, Vary %q", cl, len(r.wire), vary)
		}
	}
}

// TestOpenAPIIdempotency: every POST under /v1 documents the
// Idempotency-Key header and the 409 and 422 it may bring.
func TestOpenAPIIdempotency(t *testing.T) {
	doc, err := spec()
	if err != nil {
		t.Fatal(err)
	}
	posts := 0
	for path, item := range doc.Paths.Map() {
		if item.Post == nil || len(path) < 4 || path[:4] != "/v1/" {
			continue
		}
		posts++
		if item.Post.Parameters.GetByInAndName("header", "Idempotency-Key") == nil {
			t.Errorf("POST %s does not document Idempotency-Key", path)
		}
		for _, code := range []int{409, 422} {
			if item.Post.Responses.Status(code) == nil {
				t.Errorf("POST %s does not document %d", path, code)
			}
		}
	}
	if posts < 10 {
		t.Errorf("only %d POST operations seen", posts)
	}
}
