package httpapi

import (
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
)

// The media types a GET under /v1 answers in: every one JSON, lists and
// reports CSV too.
const (
	mediaJSON = echo.MIMEApplicationJSON
	mediaCSV  = "text/csv"
)

// representationKey holds, in the echo.Context, the media type negotiation
// chose for the answer.
const representationKey = "httpapi.representation"

// weighted yields the elements of a header that lists values with optional
// parameters and a weight (Accept, Accept-Encoding: RFC 9110 §12.4.2), each
// lowercased and without its parameters, with its q-value: 1 when absent, 0
// when malformed, at most 1.
func weighted(header string) iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for part := range strings.SplitSeq(header, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				if k, v, ok := strings.Cut(p, "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					var err error
					if q, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil || q < 0 {
						q = 0
					}
					q = min(q, 1)
				}
			}
			if !yield(name, q) {
				return
			}
		}
	}
}

// negotiate picks the media type of an answer among offers, the types its
// operation produces (JSON first). format=json or format=csv decides when
// given; otherwise the Accept header does (RFC 9110 §12.5.1): each offer
// gets the q-value of the most specific media range matching it (type/sub,
// then type/*, then */*), the highest wins, JSON on a tie. No Accept, or
// one with no well-formed media range, takes JSON. A format or an Accept
// that none of offers satisfies is a 406; any other format is a 400.
func negotiate(r *http.Request, offers []string) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "":
	case "json", "csv":
		want := mediaJSON
		if f == "csv" {
			want = mediaCSV
		}
		if slices.Contains(offers, want) {
			return want, nil
		}
		return "", echo.NewHTTPError(http.StatusNotAcceptable,
			"format="+f+" asks for "+want+", but this answer is "+strings.Join(offers, " or ")+" only")
	default:
		return "", apperr.BadParam("format", "must be json or csv, got %q", f)
	}
	type mediaRange struct {
		typ, sub string
		q        float64
	}
	var ranges []mediaRange
	for name, q := range weighted(strings.Join(r.Header.Values(echo.HeaderAccept), ",")) {
		typ, sub, ok := strings.Cut(name, "/")
		if ok && typ != "" && sub != "" && (typ != "*" || sub == "*") {
			ranges = append(ranges, mediaRange{typ, sub, q})
		}
	}
	if len(ranges) == 0 {
		return offers[0], nil
	}
	best, bestQ := "", 0.0
	for _, offer := range offers {
		typ, sub, _ := strings.Cut(offer, "/")
		q, specificity := 0.0, 0
		for _, mr := range ranges {
			s := 0
			switch {
			case mr.typ == typ && mr.sub == sub:
				s = 3
			case mr.typ == typ && mr.sub == "*":
				s = 2
			case mr.typ == "*":
				s = 1
			}
			if s > specificity {
				q, specificity = mr.q, s
			}
		}
		if q > bestQ {
			best, bestQ = offer, q
		}
	}
	if best == "" {
		return "", echo.NewHTTPError(http.StatusNotAcceptable,
			"the Accept header allows none of the media types this answer comes in: "+strings.Join(offers, ", "))
	}
	return best, nil
}

// negotiation chooses the representation of every GET (and HEAD) under /v1
// among the media types its operation is documented to produce (offers, by
// route), once, for the handler (wantsCSV) and the response cache's key
// (conditional) to read. An answer that depends on Accept says so in Vary,
// failures included.
func negotiation(offers map[string][]string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			types, ok := offers[c.Path()]
			if !ok || !isRead(c.Request()) {
				return next(c)
			}
			addVary(c.Response().Header(), echo.HeaderAccept)
			t, err := negotiate(c.Request(), types)
			if err != nil {
				return err
			}
			c.Set(representationKey, t)
			return next(c)
		}
	}
}

// representation is the media type negotiation chose for c's answer (JSON
// where it did not run).
func representation(c echo.Context) string {
	if t, ok := c.Get(representationKey).(string); ok {
		return t
	}
	return mediaJSON
}

// offersOf lists, for the route of every GET under /v1 in the OpenAPI
// document, the media types its 200 answer comes in (JSON first): the
// operation's @Produce is what negotiation offers, so that the document and
// the answers agree by construction.
func offersOf(doc *openapi3.T) map[string][]string {
	offers := map[string][]string{}
	for path, item := range doc.Paths.Map() {
		if item.Get == nil || !strings.HasPrefix(path, "/v1/") {
			continue
		}
		ok := item.Get.Responses.Value("200")
		if ok == nil || ok.Value == nil {
			continue
		}
		var types []string
		for _, t := range []string{mediaJSON, mediaCSV} {
			if ok.Value.Content.Get(t) != nil {
				types = append(types, t)
			}
		}
		if len(types) > 0 {
			offers[echoRoute(path)] = types
		}
	}
	return offers
}

// echoRoute turns an OpenAPI path (/v1/villages/{code}) into the route
// Echo knows it by (/v1/villages/:code).
func echoRoute(path string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(path)
}

// isRead reports whether a request reads: GET, or HEAD (a GET without its
// body).
func isRead(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead
}

// addVary adds names to the Vary header, keeping every name already there
// (the CORS middleware's Origin) and repeating none.
func addVary(h http.Header, names ...string) {
	var have []string
	for _, v := range h.Values(echo.HeaderVary) {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" && !slices.ContainsFunc(have, func(s string) bool { return strings.EqualFold(s, name) }) {
				have = append(have, name)
			}
		}
	}
	for _, name := range names {
		if !slices.ContainsFunc(have, func(s string) bool { return strings.EqualFold(s, name) }) {
			have = append(have, name)
		}
	}
	if len(have) > 0 {
		h.Set(echo.HeaderVary, strings.Join(have, ", "))
	}
}
