package httpapi

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"

	"github.com/desa-api/desa-api/api"
	"github.com/desa-api/desa-api/docs"
	"github.com/desa-api/desa-api/internal/apperr"
)

// OpenAPI3 returns the OpenAPI 3 document converted from swag's Swagger 2.0
// output, the document /openapi.json serves and tests validate against.
func OpenAPI3() (*openapi3.T, error) {
	var v2 openapi2.T
	if err := json.Unmarshal([]byte(docs.SwaggerInfo.ReadDoc()), &v2); err != nil {
		return nil, fmt.Errorf("httpapi: read swagger docs: %w", err)
	}
	v3, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, fmt.Errorf("httpapi: convert swagger docs: %w", err)
	}
	refineMediaTypes(v3)
	addNotModified(v3)
	addNegotiation(v3)
	addPreconditions(v3)
	addIdempotency(v3)
	addBodyEncoding(v3)
	addTotalCount(v3)
	return v3, nil
}

// addIdempotency documents what the idempotent middleware adds to every
// POST under /v1: the Idempotency-Key header, the Idempotent-Replayed
// header of a replayed answer, 409 while the key's first request runs and
// 422 for the key reused with another request.
func addIdempotency(doc *openapi3.T) {
	problem := doc.Components.Schemas["Problem"]
	param := &openapi3.ParameterRef{Value: &openapi3.Parameter{Name: "Idempotency-Key", In: openapi3.ParameterInHeader,
		Description: "makes the POST safe to retry: a retry with the same key and the same request replays the first " +
			"2xx answer (with Idempotent-Replayed: true) without running again; keys are per API key and expire " +
			"after IDEMPOTENCY_TTL (default 24h)",
		Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, MaxLength: ptrUint64(255)}}}}
	replayed := &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: "true when the answer is a replay for a retried Idempotency-Key",
		Schema:      &openapi3.SchemaRef{Value: openapi3.NewStringSchema()}}}}
	failure := func(desc string) *openapi3.ResponseRef {
		return &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(desc).WithContent(
			openapi3.Content{problemJSON: &openapi3.MediaType{Schema: &openapi3.SchemaRef{Ref: "#/components/schemas/Problem", Value: problem.Value}}})}
	}
	for path, item := range doc.Paths.Map() {
		if item.Post == nil || !strings.HasPrefix(path, "/v1/") {
			continue
		}
		op := item.Post
		op.Parameters = append(op.Parameters, param)
		for code, ref := range op.Responses.Map() {
			if len(code) == 3 && code[0] == '2' && ref.Value != nil {
				if ref.Value.Headers == nil {
					ref.Value.Headers = openapi3.Headers{}
				}
				ref.Value.Headers[replayedHeader] = replayed
			}
		}
		if op.Responses.Value("409") == nil {
			op.Responses.Set("409", failure("Conflict: the first request with this Idempotency-Key is still running"))
		}
		if op.Responses.Value("422") == nil {
			op.Responses.Set("422", failure("Unprocessable Entity: the Idempotency-Key was used with a different request"))
		}
	}
}

// addTotalCount documents the X-Total-Count header beside every paged
// answer's Link header (see setLinks).
func addTotalCount(doc *openapi3.T) {
	header := &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: "the list's total over all pages (as page.total in JSON), also for CSV",
		Schema:      openapi3.NewIntegerSchema().NewRef()}}}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, ref := range op.Responses.Map() {
				if ref.Value != nil && ref.Value.Headers["Link"] != nil {
					ref.Value.Headers[totalCountHeader] = header
				}
			}
		}
	}
}

// addBodyEncoding documents what gunzipBody and the body limits add to
// every operation with a request body: Content-Encoding, 413 and 415.
func addBodyEncoding(doc *openapi3.T) {
	problem := openapi3.NewContentWithSchemaRef(
		openapi3.NewSchemaRef("#/components/schemas/Problem", doc.Components.Schemas["Problem"].Value), []string{problemJSON})
	p := openapi3.NewHeaderParameter(echo.HeaderContentEncoding).WithDescription(
		"gzip to send the body compressed; the body limit (BODY_LIMIT, IMPORT_BODY_LIMIT for imports) bounds " +
			"both the bytes sent and the bytes they decode to")
	p.Schema = openapi3.NewStringSchema().WithEnum("gzip", "x-gzip", "identity").NewRef()
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			op.AddParameter(p)
			if op.Responses.Value("413") == nil {
				op.Responses.Set("413", &openapi3.ResponseRef{Value: openapi3.NewResponse().
					WithDescription("Content Too Large: the body, sent or decoded, is over the body limit").WithContent(problem)})
			}
			if op.Responses.Value("415") == nil {
				op.Responses.Set("415", &openapi3.ResponseRef{Value: openapi3.NewResponse().
					WithDescription("Unsupported Media Type: a Content-Encoding other than gzip (see Accept-Encoding)").WithContent(problem)})
			}
		}
	}
}

// addPreconditions documents If-Match on every PATCH, PUT and DELETE of a
// single resource (see preconditions): the header (and If-None-Match: * on
// a PUT), the 412 when it names a stale ETag and the 428 when
// REQUIRE_IF_MATCH=true and it is missing.
func addPreconditions(doc *openapi3.T) {
	var ref *openapi3.SchemaRef
	if doc.Components != nil && doc.Components.Schemas["Problem"] != nil {
		ref = openapi3.NewSchemaRef("#/components/schemas/Problem", doc.Components.Schemas["Problem"].Value)
	}
	problem := openapi3.NewContentWithSchemaRef(ref, []string{problemJSON})
	for path, item := range doc.Paths.Map() {
		if _, ok := resources[echoRoute(path)]; !ok {
			continue
		}
		for _, op := range []*openapi3.Operation{item.Patch, item.Put, item.Delete} {
			if op == nil {
				continue
			}
			p := openapi3.NewHeaderParameter("If-Match").WithDescription(
				"the ETag of the resource as last read; the write fails with 412 if it changed since")
			p.Schema = openapi3.NewStringSchema().NewRef()
			op.AddParameter(p)
			if op == item.Put {
				p := openapi3.NewHeaderParameter("If-None-Match").WithDescription(
					"* to create only: the write fails with 412 if the resource exists")
				p.Schema = openapi3.NewStringSchema().WithEnum("*").NewRef()
				op.AddParameter(p)
			}
			op.Responses.Set("412", &openapi3.ResponseRef{Value: openapi3.NewResponse().
				WithDescription("Precondition Failed: If-Match names a stale ETag").WithContent(problem)})
			op.Responses.Set("428", &openapi3.ResponseRef{Value: openapi3.NewResponse().
				WithDescription("Precondition Required: REQUIRE_IF_MATCH=true and no If-Match was sent").WithContent(problem)})
		}
	}
}

func ptrUint64(v uint64) *uint64 { return &v }

// addNotModified documents the 304 every GET under /v1 answers when its
// If-None-Match names the current ETag (see conditional).
func addNotModified(doc *openapi3.T) {
	for path, item := range doc.Paths.Map() {
		if item.Get == nil || !strings.HasPrefix(path, "/v1/") {
			continue
		}
		desc := "Not Modified: If-None-Match named the current ETag; no body"
		item.Get.Responses.Set("304", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(desc)})
	}
}

// addNegotiation documents what negotiation adds to every GET under /v1:
// the 400 of a format other than json or csv, and the 406 of a format or an
// Accept header the operation has no answer for.
func addNegotiation(doc *openapi3.T) {
	problem := openapi3.NewContentWithSchemaRef(
		openapi3.NewSchemaRef("#/components/schemas/Problem", doc.Components.Schemas["Problem"].Value), []string{problemJSON})
	offers := offersOf(doc)
	for path, item := range doc.Paths.Map() {
		types, ok := offers[echoRoute(path)]
		if item.Get == nil || !ok {
			continue
		}
		if item.Get.Responses.Value("400") == nil {
			item.Get.Responses.Set("400", &openapi3.ResponseRef{Value: openapi3.NewResponse().
				WithDescription("Bad Request: a malformed parameter (format must be json or csv)").WithContent(problem)})
		}
		if item.Get.Responses.Value("406") == nil {
			desc := "Not Acceptable: the Accept header allows neither application/json nor text/csv"
			if !slices.Contains(types, mediaCSV) {
				desc = "Not Acceptable: this answer is application/json only; format=csv, or an Accept header that does not allow application/json, asks for another"
			}
			item.Get.Responses.Set("406", &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(desc).WithContent(problem)})
		}
	}
}

// refineMediaTypes says what Swagger 2.0 cannot: its produces list covers
// every response of an operation alike, so the conversion claims JSON
// schemas for CSV answers and application/json for failures. In the OpenAPI
// 3 document a CSV answer is text, and every failure is only
// application/problem+json.
func refineMediaTypes(doc *openapi3.T) {
	csvSchema := openapi3.NewStringSchema()
	csvSchema.Description = "CSV with a header row; the columns are the fields of the JSON answer"
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code, ref := range op.Responses.Map() {
				res := ref.Value
				if res == nil || len(res.Content) == 0 {
					continue
				}
				if status, err := strconv.Atoi(code); err == nil && status >= 400 {
					mt := res.Content.Get(echo.MIMEApplicationJSON)
					if mt == nil {
						continue
					}
					res.Content = openapi3.Content{problemJSON: mt}
					continue
				}
				delete(res.Content, problemJSON)
				if mt := res.Content["text/csv"]; mt != nil {
					res.Content["text/csv"] = &openapi3.MediaType{Schema: csvSchema.NewRef()}
				}
			}
		}
	}
}

// openAPI godoc
//
//	@Summary	The OpenAPI 3 document of this API
//	@Tags		operations
//	@Produce	json
//	@Success	200	{object}	object
//	@Failure	401	{object}	Problem
//	@Router		/openapi.json [get]
func (h *handlers) openAPI(c echo.Context) error {
	hd := c.Response().Header()
	hd.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
	body := h.openapi
	if acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)) {
		hd.Set(echo.HeaderContentEncoding, "gzip")
		body = h.openapiGzip()
	}
	hd.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
}

var swaggerUI = echoSwagger.WrapHandler

// swaggerUI serves the Swagger UI at /swagger/index.html.
func (h *handlers) swaggerUI(c echo.Context) error {
	if c.Param("*") == "" {
		return c.Redirect(http.StatusMovedPermanently, "/swagger/index.html")
	}
	return swaggerUI(c)
}

// problemDoc serves the documentation of a problem type.
func (h *handlers) problemDoc(c echo.Context) error {
	b, err := fs.ReadFile(api.Problems, "problems/"+c.Param("slug")+".md")
	if err != nil {
		return echo.ErrNotFound
	}
	return c.Blob(http.StatusOK, "text/markdown; charset=utf-8", b)
}

// queryParams lists, per route as Echo names it ("GET /v1/villages/:code"),
// the query parameters its operation in doc declares.
func queryParams(doc *openapi3.T) map[string][]string {
	known := map[string][]string{}
	for path, item := range doc.Paths.Map() {
		route := echoRoute(path)
		for method, op := range item.Operations() {
			names := []string{}
			for _, p := range op.Parameters {
				if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
					names = append(names, p.Value.Name)
				}
			}
			known[method+" "+route] = names
		}
	}
	return known
}

// everywhere are the query parameters every route takes: pretty indents
// a JSON answer (Echo's), and _ is ignored, for jQuery's cache: false
// (and others after it), which appends _=<time> to defeat caches.
var everywhere = []string{"pretty", "_"}

// onlyKnownParams refuses query parameters that the route's operation does
// not declare: a misspelt or misplaced one (region= where the route takes
// parent=) would otherwise be ignored, and the answer would silently cover
// all of Indonesia. known is queryParams of the served document, so the
// document is the one list of what each route takes.
func onlyKnownParams(known map[string][]string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			method := c.Request().Method
			if method == http.MethodHead {
				method = http.MethodGet
			}
			params, ok := known[method+" "+c.Path()]
			if !ok || c.Request().URL.RawQuery == "" { // not a documented route, or nothing to check
				return next(c)
			}
			var unknown []string
			for name := range c.QueryParams() {
				// format: negotiation answers it on every GET (406 where
				// the route has no such form).
				if !slices.Contains(params, name) && !slices.Contains(everywhere, name) && (name != "format" || method != http.MethodGet) {
					unknown = append(unknown, name)
				}
			}
			if len(unknown) == 0 {
				return next(c)
			}
			slices.Sort(unknown)
			takes := "no query parameters"
			if len(params) > 0 {
				takes = strings.Join(slices.Sorted(slices.Values(params)), ", ")
			}
			errs := apperr.Fields{Kind: apperr.BadRequest}
			for _, name := range unknown {
				errs.Add(name, "is not a parameter of %s %s, which takes: %s", method, c.Path(), takes)
			}
			return errs.Err()
		}
	}
}
