package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
)

// Problem is an RFC 9457 problem detail, the body of every failure.
type Problem struct {
	Type      string         `json:"type" validate:"required" example:"/problems/invalid"`
	Title     string         `json:"title" validate:"required" example:"Unprocessable Entity"`
	Status    int            `json:"status" validate:"required" example:"422"`
	Detail    string         `json:"detail,omitempty" example:"code: village number must start with 1 (kelurahan), 2 (desa) or 3 (desa_adat)"`
	Instance  string         `json:"instance,omitempty" example:"/v1/villages"`
	Errors    []ProblemField `json:"errors,omitempty"`
	RequestID string         `json:"request_id,omitempty" example:"f3b1c2d4e5"`
} //	@name	Problem

// ProblemField names one offending field or parameter.
type ProblemField struct {
	Field   string `json:"field" validate:"required" example:"code"`
	Message string `json:"message" validate:"required" example:"parent district 35.78.01 does not exist"`
} //	@name	ProblemField

// problemJSON is the media type of every failure (RFC 9457).
const problemJSON = "application/problem+json"

// statusOf is the one place where an error kind becomes an HTTP status.
var statusOf = map[apperr.Kind]int{
	apperr.Internal:     http.StatusInternalServerError,
	apperr.BadRequest:   http.StatusBadRequest,
	apperr.Invalid:      http.StatusUnprocessableEntity,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Conflict:     http.StatusConflict,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.Precondition: http.StatusPreconditionFailed,
	apperr.TooLarge:     http.StatusRequestEntityTooLarge,
	apperr.Unavailable:  http.StatusServiceUnavailable,

	apperr.PreconditionRequired: http.StatusPreconditionRequired,
}

// problemSlug names the problem type of a status; api/problems/<slug>.md
// documents each one and /problems/<slug> serves it.
var problemSlug = map[int]string{
	http.StatusBadRequest:            "bad-request",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not-found",
	http.StatusMethodNotAllowed:      "method-not-allowed",
	http.StatusNotAcceptable:         "not-acceptable",
	http.StatusConflict:              "conflict",
	http.StatusPreconditionFailed:    "precondition-failed",
	http.StatusPreconditionRequired:  "precondition-required",
	http.StatusRequestEntityTooLarge: "too-large",
	http.StatusUnsupportedMediaType:  "unsupported-media-type",
	http.StatusUnprocessableEntity:   "invalid",
	http.StatusTooManyRequests:       "too-many-requests",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
}

// toProblem turns any error into the problem a client may see. Only apperr
// messages and Echo's own (routing, body limit) reach the client; anything
// else becomes a generic 500.
func toProblem(err error) Problem {
	var (
		ae *apperr.Error
		he *echo.HTTPError
		p  Problem
	)
	switch {
	case errors.As(err, &ae):
		p.Status, p.Detail = statusOf[ae.Kind], ae.Message
		for _, f := range ae.Fields {
			p.Errors = append(p.Errors, ProblemField{f.Field, f.Message})
		}
	case errors.As(err, &he):
		p.Status = he.Code
		switch {
		case he == echo.ErrNotFound:
			p.Detail = "no such path; see /openapi.json for the API's routes"
		case he == echo.ErrMethodNotAllowed:
			p.Detail = "this path does not accept that method; the Allow header lists those it does"
		case p.Status < 500:
			if msg, ok := he.Message.(string); ok && msg != "" {
				p.Detail = strings.ToLower(msg[:1]) + msg[1:]
			}
		}
	default:
		p.Status = http.StatusInternalServerError
	}
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	if p.Status == http.StatusInternalServerError {
		p.Detail = "an unexpected error occurred; it has been logged with the request id"
	}
	slug, ok := problemSlug[p.Status]
	if !ok {
		slug = "about:blank"
	} else {
		slug = "/problems/" + slug
	}
	p.Type, p.Title = slug, http.StatusText(p.Status)
	return p
}

// errorHandler writes every failure, including Echo's own 404/405/413, as
// application/problem+json. A 5xx is logged with its full cause chain.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		p := toProblem(err)
		p.Instance = c.Request().URL.Path
		p.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
		if p.Status >= 500 {
			log.ErrorContext(c.Request().Context(), "request failed", "status", p.Status, "path", p.Instance,
				"request_id", p.RequestID, "error", err.Error())
		}
		if p.Status == http.StatusUnauthorized {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="desa-api"`)
		}
		if p.Status == http.StatusServiceUnavailable {
			c.Response().Header().Set("Retry-After", "5")
		}
		_ = writeJSON(c, p.Status, problemJSON, p)
	}
}
