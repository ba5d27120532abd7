package httpapi_test

// The harness every HTTP test uses: the real router (httpapi.New) over a
// real, freshly migrated store on each engine, a small fixture loaded
// through region.Service.Import, API keys made through auth.Service, and a
// request helper that validates every response it receives against the
// OpenAPI 3 document the server publishes.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/go-cmp/cmp"
	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/idempotency"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// fixture is the small hierarchy every test starts from: three provinces,
// kabupaten and kota, and villages of all three types.
var fixture = []struct{ code, name, typ string }{
	{"35", "Jawa Timur", ""},
	{"64", "Kalimantan Timur", ""},
	{"91", "Papua", ""},

	{"35.15", "Kabupaten Sidoarjo", "kabupaten"},
	{"35.78", "Kota Surabaya", "kota"},
	{"64.01", "Kabupaten Paser", "kabupaten"},
	{"64.72", "Kota Samarinda", "kota"},
	{"91.03", "Kabupaten Jayapura", "kabupaten"},

	{"35.15.01", "Tarik", ""},
	{"35.78.01", "Karang Pilang", ""},
	{"35.78.21", "Dukuh Pakis", ""},
	{"64.01.01", "Batu Sopang", ""},
	{"64.01.02", "Tanjung Harapan", ""},
	{"91.03.01", "Sentani", ""},

	{"35.15.01.2001", "Mliriprowo", "desa"},
	{"35.15.01.2002", "Kedungbocok", "desa"},
	{"35.78.01.1001", "Karang Pilang", "kelurahan"},
	{"35.78.01.1002", "Kebraon", "kelurahan"},
	{"35.78.21.1001", "Dukuh Pakis", "kelurahan"},
	{"35.78.21.1002", "Dukuh Kupang", "kelurahan"},
	{"64.01.01.2009", "Samurangau", "desa"},
	{"64.01.01.2010", "Busui", "desa"},
	{"91.03.01.3007", "Desa Adat Yoboi", "desa_adat"},
}

// api is the router under test with its keys.
type api struct {
	e *echo.Echo
	s *store.Store
	// Secrets of keys with the scopes write:regions, read and admin.
	writer, reader, admin string
	// Secret of a key with the scope write:indicators.
	indicators string
	// keys is the key service the router uses.
	keys *auth.Service
}

// eachEngine runs fn on every engine with a fresh database holding the
// fixture.
func eachEngine(t *testing.T, fn func(t *testing.T, a *api)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fn(t, newAPI(t, s))
	})
}

// newAPI wires the real router over s and loads the fixture.
func newAPI(t testing.TB, s *store.Store) *api {
	t.Helper()
	return newAPIWith(t, s, httpapi.Config{})
}

// newAPIWith is newAPI with a configuration of the HTTP layer.
func newAPIWith(t testing.TB, s *store.Store, cfg httpapi.Config) *api {
	t.Helper()
	ctx := context.Background()
	regions := region.NewService(s)
	var rs []region.Region
	for _, f := range fixture {
		r, err := region.New(f.code, f.name, f.typ)
		if err != nil {
			t.Fatalf("fixture %s: %v", f.code, err)
		}
		rs = append(rs, r)
	}
	if n, err := regions.Import(ctx, rs); err != nil || n != len(fixture) {
		t.Fatalf("import fixture: got %d, %v; want %d, nil", n, err, len(fixture))
	}
	keys := auth.NewService(s)
	t.Cleanup(keys.Wait) // before the store closes: last-use writes run in the background
	secret := func(name string, scopes ...auth.Scope) string {
		_, sec, err := keys.Create(ctx, name, scopes, nil)
		if err != nil {
			t.Fatalf("create key %s: %v", name, err)
		}
		return sec
	}
	indicators := indicator.NewService(store.IndicatorStore{Store: s}, s, crosswalk, newImportID)
	e, err := httpapi.New(httpapi.Services{Regions: regions, Indicators: indicators, Keys: keys, Ping: s.Ping,
		DataVersion: s.DataVersion, Stats: stats.NewService(s, s).WithPrograms(s), Audit: audit.NewService(s),
		Programs:    cooperation.NewService(store.CooperationStore{Store: s}, s, s, newImportID),
		Idempotency: idempotency.NewService(s, 0)}, cfg)
	if err != nil {
		t.Fatalf("httpapi.New: %v", err)
	}
	return &api{
		e:          e,
		s:          s,
		writer:     secret("writer", auth.ScopeWriteRegions),
		reader:     secret("reader", auth.ScopeRead),
		admin:      secret("admin", auth.ScopeAdmin),
		indicators: secret("indicators", auth.ScopeWriteIndicators),
		keys:       keys,
	}
}

// request is one call to the API.
type request struct {
	method string // GET when empty
	target string // path and query
	body   string
	// bodyReader, when set, is streamed as the body instead of body, with
	// no Content-Length (as a chunked upload would come).
	bodyReader io.Reader
	// contentType defaults to application/json when a body is given;
	// "none" sends no Content-Type.
	contentType string
	key         string // the API key secret to send as a Bearer token
	header      map[string]string
}

// response is what the API answered.
type response struct {
	status int
	header http.Header
	body   []byte // decompressed, when the answer was gzipped
	wire   []byte // the body as sent
}

// do sends r through the router and checks what holds for every response:
// it matches the OpenAPI document, a failure is a problem+json naming its
// status and path, and no body leaks internal error text.
func (a *api) do(t *testing.T, r request) response {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodGet
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	if r.bodyReader != nil {
		body = r.bodyReader
	}
	req := httptest.NewRequest(r.method, r.target, body)
	switch {
	case r.contentType == "none":
	case r.contentType != "":
		req.Header.Set(echo.HeaderContentType, r.contentType)
	case body != nil:
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	if r.key != "" {
		req.Header.Set(echo.HeaderAuthorization, "Bearer "+r.key)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes(), wire: rec.Body.Bytes()}

	what := r.method + " " + r.target
	if r.method == http.MethodHead {
		// The GET's answer without its body: validated as the GET.
		if len(res.wire) != 0 {
			t.Errorf("%s: answered with a body of %d bytes", what, len(res.wire))
		}
		validate(t, what, req, res)
		if ct := res.header.Get(echo.HeaderContentType); res.status >= 400 && ct != "application/problem+json" {
			t.Errorf("%s: Content-Type = %q, want application/problem+json", what, ct)
		}
		return res
	}
	if res.header.Get(echo.HeaderContentEncoding) == "gzip" {
		res.body = gunzip(t, what, res.wire)
	}
	validate(t, what, req, res)
	checkNoLeak(t, what, res)
	if res.status >= 400 {
		checkProblem(t, what, req, res)
	}
	return res
}

// gunzip decompresses a gzipped answer's body.
func gunzip(t *testing.T, what string, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: a gzip body that does not open: %v", what, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: a gzip body that does not decompress: %v", what, err)
	}
	return out
}

// spec is the published OpenAPI 3 document and a router over it, built once.
var spec = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := httpapi.OpenAPI3()
	if err != nil {
		return nil, err
	}
	// Match paths regardless of the host the test request names.
	doc.Servers = openapi3.Servers{{URL: "/"}}
	return doc, nil
})

var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := spec()
	if err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// validate checks a response against the operation of the OpenAPI document
// that its request names. Responses to routes the document does not have
// (an unknown path, a wrong method) must still be a documented Problem. A
// HEAD is checked as its GET (status and header; it has no body): the
// document leaves HEAD implied by GET, as RFC 9110 does.
func validate(t *testing.T, what string, req *http.Request, res response) {
	t.Helper()
	doc, err := spec()
	if err != nil {
		t.Fatalf("OpenAPI document: %v", err)
	}
	router, err := specRouter()
	if err != nil {
		t.Fatalf("OpenAPI router: %v", err)
	}
	head := req.Method == http.MethodHead
	if head {
		req = req.Clone(req.Context())
		req.Method = http.MethodGet
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		if !errors.Is(err, routers.ErrPathNotFound) && !errors.Is(err, routers.ErrMethodNotAllowed) {
			t.Fatalf("%s: find route in OpenAPI document: %v", what, err)
		}
		if res.status != http.StatusNotFound && res.status != http.StatusMethodNotAllowed {
			t.Errorf("%s: answered %d, but the OpenAPI document has no such operation (%v)", what, res.status, err)
			return
		}
		if head {
			return
		}
		var v any
		if err := json.Unmarshal(res.body, &v); err != nil {
			t.Errorf("%s: body is not JSON: %v\n%s", what, err, res.body)
			return
		}
		if err := doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.VisitAsResponse()); err != nil {
			t.Errorf("%s: body does not match the Problem schema: %v", what, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: res.status,
		Header: res.header,
		// An undocumented status is a failure too.
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: head},
	}
	in.SetBodyBytes(res.body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s: response %d does not match the OpenAPI document: %v\nbody: %s", what, res.status, err, res.body)
	}
}

// leaks are fragments of internal error text that must never reach a client.
var leaks = []string{"sql", "gorm", "pq:", "pgx", "pgconn", "sqlstate", "constraint", "violates",
	"goroutine", "runtime error", "panic", "unexpected eof", "json: "}

func checkNoLeak(t *testing.T, what string, res response) {
	t.Helper()
	if res.status < 400 {
		// Internal error text reaches clients through failures; a success
		// carries data, and random data (a key's secret) can spell "pgx".
		return
	}
	// The random request id could spell anything.
	body := string(res.body)
	if id := res.header.Get(echo.HeaderXRequestID); id != "" {
		body = strings.ReplaceAll(body, id, "")
	}
	low := strings.ToLower(body)
	for _, l := range leaks {
		if strings.Contains(low, l) {
			t.Errorf("%s: body contains internal error text %q:\n%s", what, l, res.body)
		}
	}
}

// problem is the body of a failure.
type problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail"`
	Instance  string         `json:"instance"`
	Errors    []problemField `json:"errors"`
	RequestID string         `json:"request_id"`
}

type problemField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// checkProblem checks what every failure shares: the media type, and a
// body that repeats the status, names the path and the request id.
func checkProblem(t *testing.T, what string, req *http.Request, res response) {
	t.Helper()
	if ct := res.header.Get(echo.HeaderContentType); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type = %q, want application/problem+json", what, ct)
	}
	if req.Method == http.MethodPost && req.URL.Path == "/v1/imports" && res.status == http.StatusUnprocessableEntity {
		checkImportFailure(t, what, req, res)
		return
	}
	var p problem
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Errorf("%s: body is not a problem: %v\n%s", what, err, res.body)
		return
	}
	want := problem{
		Type: p.Type, Title: http.StatusText(res.status), Status: res.status, Detail: p.Detail,
		Instance: req.URL.Path, Errors: p.Errors, RequestID: res.header.Get(echo.HeaderXRequestID),
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("%s: problem mismatch (-want +got):\n%s", what, diff)
	}
	if p.Detail == "" || p.RequestID == "" || !strings.HasPrefix(p.Type, "/problems/") {
		t.Errorf("%s: problem lacks a detail, a request id or a /problems/ type: %+v", what, p)
	}
}

// checkImportFailure checks the problem of an import that was refused: an
// ImportFailure, whose errors are the rejected rows (each with a field and
// a message, like a problem's), plus the import report.
func checkImportFailure(t *testing.T, what string, req *http.Request, res response) {
	t.Helper()
	var p httpapi.ImportFailure
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Errorf("%s: body is not an import failure: %v\n%s", what, err, res.body)
		return
	}
	got := problem{Type: p.Type, Title: p.Title, Status: p.Status, Instance: p.Instance, RequestID: p.RequestID}
	want := problem{Type: "/problems/invalid", Title: http.StatusText(res.status), Status: res.status,
		Instance: req.URL.Path, RequestID: res.header.Get(echo.HeaderXRequestID)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: problem mismatch (-want +got):\n%s", what, diff)
	}
	if p.Detail == "" || p.RequestID == "" {
		t.Errorf("%s: problem lacks a detail or a request id: %+v", what, p)
	}
	for i, e := range p.Errors {
		if e.Code == "" || e.Message == "" {
			t.Errorf("%s: errors[%d] lacks a code or a message: %+v", what, i, e)
		}
	}
}

// decode unmarshals a JSON body strictly into v, failing the test otherwise.
func decode[T any](t *testing.T, res response) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, res.body)
	}
	return v
}

// problemOf decodes a failure.
func problemOf(t *testing.T, res response) problem {
	t.Helper()
	return decode[problem](t, res)
}

// fieldsOf lists the fields a problem names.
func fieldsOf(p problem) []string {
	var out []string
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

// readCSV parses a CSV body into its header and rows.
func readCSV(t *testing.T, res response) (header []string, rows [][]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV body: %v\n%s", err, res.body)
	}
	if len(recs) == 0 {
		t.Fatalf("CSV body has no header row")
	}
	return recs[0], recs[1:]
}

// wantStatus fails the test unless res has the status.
func wantStatus(t *testing.T, what string, res response, status int) {
	t.Helper()
	if res.status != status {
		t.Fatalf("%s: status = %d, want %d\nbody: %s", what, res.status, status, res.body)
	}
}

func ptr[T any](v T) *T { return &v }

// codesOf returns the "code" of each item of a list answer's data.
func codesOf(t *testing.T, res response) []string {
	t.Helper()
	var list struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(res.body, &list); err != nil {
		t.Fatalf("decode list: %v\n%s", err, res.body)
	}
	out := []string{}
	for _, item := range list.Data {
		out = append(out, fmt.Sprint(item["code"]))
	}
	return out
}

// fixtureOf returns the name and type of a region of the fixture.
func fixtureOf(code string) (name, typ string) {
	for _, f := range fixture {
		if f.code == code {
			return f.name, f.typ
		}
	}
	panic(code + " is not in the fixture")
}

func nameOf(code string) string {
	name, _ := fixtureOf(code)
	return name
}

// The answers the fixture's regions must get, built from the fixture table.

func wantProvince(code string) httpapi.Province {
	return httpapi.Province{Code: code, Name: nameOf(code)}
}

func wantRegency(code string) httpapi.Regency {
	name, typ := fixtureOf(code)
	p := code[:2]
	return httpapi.Regency{Code: code, Name: name, Type: typ, ProvinceCode: p, ProvinceName: nameOf(p)}
}

func wantDistrict(code string) httpapi.District {
	p, r := code[:2], code[:5]
	return httpapi.District{Code: code, Name: nameOf(code), RegencyCode: r, ProvinceCode: p,
		RegencyName: nameOf(r), ProvinceName: nameOf(p)}
}

func wantVillage(code string) httpapi.Village {
	name, typ := fixtureOf(code)
	p, r, d := code[:2], code[:5], code[:8]
	return httpapi.Village{Code: code, Name: name, Type: typ, DistrictCode: d, RegencyCode: r, ProvinceCode: p,
		DistrictName: nameOf(d), RegencyName: nameOf(r), ProvinceName: nameOf(p)}
}

// decodeAs strictly decodes a JSON body into a value of want's type.
func decodeAs(t *testing.T, res response, want any) any {
	t.Helper()
	v := reflect.New(reflect.TypeOf(want))
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v.Interface()); err != nil {
		t.Fatalf("decode %T: %v\n%s", want, err, res.body)
	}
	return v.Elem().Interface()
}
