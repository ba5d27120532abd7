package httpapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
)

// Paging limits shared by every list.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// query reads and checks query parameters, remembering the first problem
// so that a handler parses everything and checks one error at the end.
type query struct {
	c   echo.Context
	err error
}

func (q *query) fail(err error) {
	if q.err == nil {
		q.err = err
	}
}

// int parses an integer parameter within [lo, hi], or def when absent.
func (q *query) int(name string, def, lo, hi int) int {
	s := q.c.QueryParam(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.fail(apperr.BadParam(name, "must be an integer, got %q", s))
		return def
	}
	if n < lo || n > hi {
		q.fail(apperr.BadParam(name, "must be between %d and %d, got %d", lo, hi, n))
		return def
	}
	return n
}

// list splits a comma-separated parameter ("a comma means any of").
func (q *query) list(name string) []string {
	s := q.c.QueryParam(name)
	if s == "" {
		return nil
	}
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// enum parses a comma list whose values must be in allowed.
func (q *query) enum(name string, allowed []string) []string {
	vals := q.list(name)
	for _, v := range vals {
		if !slices.Contains(allowed, v) {
			q.fail(apperr.BadParam(name, "unknown value %q (allowed: %s)", v, strings.Join(allowed, ", ")))
			return nil
		}
	}
	return vals
}

// codes parses a comma list of region codes of one level, dotted or not.
func (q *query) codes(name string, level region.Level) []string {
	vals := q.list(name)
	for i, v := range vals {
		code, err := region.ParseCodeAt(v, level)
		if err != nil {
			q.fail(apperr.BadParam(name, "%s", err.(*apperr.Error).Message))
			return nil
		}
		vals[i] = code
	}
	return vals
}

// page parses limit and offset.
func (q *query) page() paging.Page {
	return paging.Page{
		Limit:  q.int("limit", defaultLimit, 1, maxLimit),
		Offset: q.int("offset", 0, 0, 1<<31-1),
	}
}

// sort parses "field" or "-field" against an allow-list.
func (q *query) sort(allowed []string) paging.Sort {
	s := q.c.QueryParam("sort")
	if s == "" {
		return paging.Sort{}
	}
	field, desc := strings.CutPrefix(s, "-")
	if !slices.Contains(allowed, field) {
		q.fail(apperr.BadParam("sort", "cannot sort by %q (allowed: %s, each optionally prefixed with -)", field, strings.Join(allowed, ", ")))
		return paging.Sort{}
	}
	return paging.Sort{Field: field, Desc: desc}
}

// text returns a trimmed free-text parameter of bounded length.
func (q *query) text(name string, max int) string {
	s := strings.TrimSpace(q.c.QueryParam(name))
	if len(s) > max {
		q.fail(apperr.BadParam(name, "is longer than %d bytes", max))
		return ""
	}
	return s
}

// bool parses a boolean parameter (true/false/1/0); absent is false.
func (q *query) bool(name string) bool {
	switch s := q.c.QueryParam(name); s {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	default:
		q.fail(apperr.BadParam(name, "must be true or false, got %q", s))
		return false
	}
}
