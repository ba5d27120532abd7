package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
)

// resources maps the route of each single resource to its audited entity
// and the entity id built from the path: the one list that gives single
// GETs their per-resource ETag and writes their If-Match check. The id is
// built from the path's values as the handler reads them (a region code
// dotted, a year as a number, an indicator code as the catalogue keeps it),
// never from the raw text: it must be the id the store audits the write
// under, or the store finds no precondition for it and checks none.
var resources = map[string]func(c echo.Context) (entity, id string, ok bool){
	"/v1/provinces/:code":                           regionResource,
	"/v1/regencies/:code":                           regionResource,
	"/v1/districts/:code":                           regionResource,
	"/v1/villages/:code":                            regionResource,
	"/v1/regions/:code":                             regionResource,
	"/v1/villages/:code/scores/:framework/:year":    scoreResource,
	"/v1/regions/:code/indicators/:indicator/:year": valueResource,
	"/v1/indicators/:code":                          indicatorResource,
	"/v1/agencies/:id":                              param(audit.EntityAgency, "id"),
	"/v1/programs/:id":                              param(audit.EntityProgram, "id"),
	"/v1/programs/:id/parties/:party_id":            param(audit.EntityParty, "party_id"),
	"/v1/programs/:id/budgets/:budget_id":           param(audit.EntityBudget, "budget_id"),
	"/v1/programs/:id/activities/:activity_id":      param(audit.EntityActivity, "activity_id"),
	"/v1/programs/:id/villages/:code":               targetResource,
}

// param names a resource by a path parameter taken as it is: ids the
// services look up exactly as given.
func param(entity, name string) func(echo.Context) (string, string, bool) {
	return func(c echo.Context) (string, string, bool) { return entity, c.Param(name), c.Param(name) != "" }
}

func regionResource(c echo.Context) (string, string, bool) {
	code, _, err := region.ParseCode(c.Param("code"))
	return audit.EntityRegion, code, err == nil
}

func indicatorResource(c echo.Context) (string, string, bool) {
	code := indicator.CanonicalCode(c.Param("code"))
	return audit.EntityIndicator, code, code != ""
}

func scoreResource(c echo.Context) (string, string, bool) {
	code, _, err := region.ParseCode(c.Param("code"))
	year, yerr := pathYear(c)
	return audit.EntityScore, fmt.Sprintf("%s/%s/%d", code, c.Param("framework"), year), err == nil && yerr == nil
}

func valueResource(c echo.Context) (string, string, bool) {
	code, _, err := region.ParseCode(c.Param("code"))
	year, yerr := pathYear(c)
	return audit.EntityIndicatorValue, fmt.Sprintf("%s/%s/%d", code, indicator.CanonicalCode(c.Param("indicator")), year),
		err == nil && yerr == nil
}

func targetResource(c echo.Context) (string, string, bool) {
	code, _, err := region.ParseCode(c.Param("code"))
	return audit.EntityTarget, c.Param("id") + "/" + code, err == nil
}

// pathYear reads the year of a path as a number: the handlers and the
// resource ids above read it the same way (2024, 02024 and +2024 alike).
func pathYear(c echo.Context) (int, error) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		return 0, apperr.BadParam("year", "must be an integer, got %q", c.Param("year"))
	}
	return year, nil
}

// resourceOf names the single resource a request addresses, if any.
func resourceOf(c echo.Context) (entity, id string, ok bool) {
	f, found := resources[c.Path()]
	if !found {
		return "", "", false
	}
	return f(c)
}

// resourceETag is the ETag of the single resource a GET addresses: a hash
// of its stored state, the same one an If-Match is checked against. ok is
// false for other requests, and for a resource that does not exist (the
// handler answers that).
func (h *handlers) resourceETag(c echo.Context) (string, bool, error) {
	entity, id, ok := resourceOf(c)
	if !ok || h.svc.Audit == nil {
		return "", false, nil
	}
	tag, err := h.svc.Audit.ETag(c.Request().Context(), entity, id)
	if apperr.Is(err, apperr.NotFound) {
		return "", false, nil
	}
	return tag, err == nil, err
}

// preconditions handles If-Match on PATCH, PUT and DELETE of a single
// resource: the precondition travels in the request context to the store,
// which checks it against the row it locks in the transaction of the write
// (412 on mismatch). With requireIfMatch, a write without If-Match is a 428
// (from the store too, once authentication and validation passed); a PUT
// that creates may send If-None-Match: * instead (412 if the resource
// exists).
// A successful PATCH or PUT answers with the resource's new ETag, and a
// POST that creates a single resource (201 with its Location) with the
// new resource's.
func (h *handlers) preconditions(requireIfMatch bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			switch req.Method {
			case http.MethodPatch, http.MethodPut, http.MethodDelete:
			case http.MethodPost:
				if h.svc.Audit != nil {
					c.Response().Writer = &etagWriter{ResponseWriter: c.Response().Writer, etag: func(code int) string { return h.createdETag(c, code) }}
				}
				return next(c)
			default:
				return next(c)
			}
			entity, id, ok := resourceOf(c)
			if !ok || h.svc.Audit == nil {
				return next(c)
			}
			ifMatch := strings.TrimSpace(req.Header.Get("If-Match"))
			ctx := req.Context()
			noneMatch := req.Method == http.MethodPut && strings.TrimSpace(req.Header.Get("If-None-Match")) == "*"
			var pre *audit.Precondition
			if ifMatch != "" || noneMatch || requireIfMatch { // the store answers 428 for a missing one
				pre = &audit.Precondition{Entity: entity, ID: id, IfMatch: ifMatch, NoneMatch: noneMatch && ifMatch == ""}
				ctx = audit.WithPrecondition(ctx, pre)
				c.SetRequest(req.WithContext(ctx))
			}
			if req.Method != http.MethodDelete {
				c.Response().Writer = &etagWriter{ResponseWriter: c.Response().Writer, etag: func(int) string {
					tag, _ := h.svc.Audit.ETag(ctx, entity, id)
					return tag
				}}
			}
			err := next(c)
			// A write that found its resource missing before the store's
			// check (a service reading it first) gets what the check would
			// answer: If-Match on no current representation is a 412.
			if pre != nil && pre.IfMatch != "" && !pre.Checked && apperr.Is(err, apperr.NotFound) {
				if _, e := h.svc.Audit.ETag(ctx, entity, id); apperr.Is(e, apperr.NotFound) {
					return pre.Check("")
				}
			}
			return err
		}
	}
}

// createdETag is the ETag of the single resource a POST created: the one
// its Location names, when that is a route of resources. "" otherwise.
func (h *handlers) createdETag(c echo.Context, code int) string {
	loc := c.Response().Header().Get(echo.HeaderLocation)
	if code != http.StatusCreated || loc == "" {
		return ""
	}
	target := c.Echo().NewContext(nil, nil)
	c.Echo().Router().Find(http.MethodGet, loc, target)
	entity, id, ok := resourceOf(target)
	if !ok {
		return ""
	}
	// The write has committed: a failure to read its ETag leaves the
	// answer without one rather than failing it.
	tag, _ := h.svc.Audit.ETag(c.Request().Context(), entity, id)
	return tag
}

// etagWriter sets the ETag of a successful write's answer as its header is
// written.
type etagWriter struct {
	http.ResponseWriter
	etag func(code int) string
}

func (w *etagWriter) WriteHeader(code int) {
	if code >= 200 && code < 300 {
		if tag := w.etag(code); tag != "" {
			w.Header().Set("ETag", tag)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *etagWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withActor makes the request's key and id the actor of the writes it
// causes: the store records them in each audit entry.
func withActor(c echo.Context) {
	a := audit.Actor{RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
	if k := keyOf(c); k != nil {
		a.KeyID, a.KeyName = k.ID, k.Name
	} else {
		a.KeyName = fmt.Sprintf("anonymous %s", c.RealIP())
	}
	c.SetRequest(c.Request().WithContext(audit.WithActor(c.Request().Context(), a)))
}
