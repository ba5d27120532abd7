package httpapi

import (
	"bytes"
	"encoding"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/paging"
)

// Page describes the window a list answer covers.
type Page struct {
	Limit  int `json:"limit" validate:"required" example:"50"`
	Offset int `json:"offset" validate:"required" example:"0"`
	Total  int `json:"total" validate:"required" example:"83762"`
} //	@name	Page

// writeJSON writes v with the given status and content type.
func writeJSON(c echo.Context, status int, contentType string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, contentType)
	c.Response().WriteHeader(status)
	_, err = c.Response().Write(append(b, '\n'))
	return err
}

// column is one JSON field of a DTO, which is also one CSV column.
type column struct {
	name  string
	index int
}

var columnCache sync.Map // reflect.Type → []column

// columnsOf lists the JSON fields of struct type t in declaration order.
func columnsOf(t reflect.Type) []column {
	if cols, ok := columnCache.Load(t); ok {
		return cols.([]column)
	}
	var cols []column
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			cols = append(cols, column{name, i})
		}
	}
	columnCache.Store(t, cols)
	return cols
}

// selectColumns applies a sparse fieldset (the fields parameter) to the
// columns of T: unknown names are a 400 naming the parameter.
func selectColumns[T any](q *query) []column {
	all := columnsOf(reflect.TypeFor[T]())
	names := q.list("fields")
	if len(names) == 0 {
		return all
	}
	var out []column
	for _, n := range names {
		i := slices.IndexFunc(all, func(c column) bool { return c.name == n })
		if i < 0 {
			known := make([]string, len(all))
			for j, c := range all {
				known[j] = c.name
			}
			q.fail(apperr.BadParam("fields", "unknown field %q (known: %s)", n, strings.Join(known, ", ")))
			return all
		}
		out = append(out, all[i])
	}
	return out
}

// wantsCSV reports whether the answer is CSV: what negotiation chose from
// format and Accept among the types the route's operation produces.
func wantsCSV(q *query) bool {
	return representation(q.c) == mediaCSV
}

// listOut renders list answers: JSON {"data","page"} or CSV with the same
// columns, honouring fields, plus RFC 8288 Link headers for paging.
// jsonAppender is an item type with an encoder written by hand, which must
// give encoding/json's bytes.
type jsonAppender interface{ appendJSON(b []byte) []byte }

type listOut[T any] struct {
	cols []column
	csv  bool
}

// newListOut reads fields and format; check q.err afterwards.
func newListOut[T any](q *query) listOut[T] {
	return listOut[T]{cols: selectColumns[T](q), csv: wantsCSV(q)}
}

// without drops columns (those a list shows only in some modes, such as a
// village's score without a framework and year).
func (o listOut[T]) without(names ...string) listOut[T] {
	o.cols = slices.DeleteFunc(slices.Clone(o.cols), func(c column) bool { return slices.Contains(names, c.name) })
	return o
}

func (o listOut[T]) write(c echo.Context, items []T, page paging.Page, total int) error {
	setLinks(c, page, total)
	return o.render(c, items, &Page{Limit: page.Limit, Offset: page.Offset, Total: total})
}

// writeAll renders a whole list, which has no pages: {"data"} or CSV.
func (o listOut[T]) writeAll(c echo.Context, items []T) error {
	return o.render(c, items, nil)
}

func (o listOut[T]) render(c echo.Context, items []T, page *Page) error {
	if o.csv {
		return writeCSV(c, o.cols, items)
	}
	var buf bytes.Buffer
	buf.Grow(1<<10 + min(len(items), maxLimit)<<9) // an item (a village) is a few hundred bytes
	buf.WriteString(`{"data":[`)
	full := len(o.cols) == len(columnsOf(reflect.TypeFor[T]()))
	for i := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		if a, ok := any(&items[i]).(jsonAppender); ok && full {
			// Encoded in place, with room for an item (one that outgrows
			// it is copied once).
			if buf.Available() < 1<<10 {
				buf.Grow(max(buf.Len(), 1<<10))
			}
			buf.Write(a.appendJSON(buf.AvailableBuffer()))
			continue
		}
		if full {
			b, err := json.Marshal(items[i])
			if err != nil {
				return err
			}
			buf.Write(b)
			continue
		}
		if err := writeSparse(&buf, o.cols, reflect.ValueOf(items[i])); err != nil {
			return err
		}
	}
	buf.WriteByte(']')
	if page != nil {
		p, _ := json.Marshal(page)
		buf.WriteString(`,"page":`)
		buf.Write(p)
	}
	buf.WriteString("}\n")
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	c.Response().WriteHeader(http.StatusOK)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

func writeSparse(buf *bytes.Buffer, cols []column, v reflect.Value) error {
	buf.WriteByte('{')
	for j, col := range cols {
		if j > 0 {
			buf.WriteByte(',')
		}
		b, err := json.Marshal(v.Field(col.index).Interface())
		if err != nil {
			return err
		}
		fmt.Fprintf(buf, "%q:", col.name)
		buf.Write(b)
	}
	buf.WriteByte('}')
	return nil
}

// writeCSV streams items as CSV, flushing as it goes.
func writeCSV[T any](c echo.Context, cols []column, items []T) error {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	rec := make([]string, len(cols))
	for i, col := range cols {
		rec[i] = col.name
	}
	if err := w.Write(rec); err != nil {
		return err
	}
	for i := range items {
		v := reflect.ValueOf(items[i])
		for j, col := range cols {
			rec[j] = csvValue(v.Field(col.index))
		}
		if err := w.Write(rec); err != nil {
			return err
		}
		if i%500 == 499 {
			w.Flush()
			res.Flush()
		}
	}
	w.Flush()
	return w.Error()
}

// csvValue formats one cell: scalars plainly, null as empty, times as RFC
// 3339, a type with its own JSON (a fixed.Dec: 0.7410, not its units) as
// that JSON unquoted, and anything structured as its JSON. A value whose
// JSON is a string is text, and goes through csvText; numbers never do.
func csvValue(v reflect.Value) string {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch m := v.Interface().(type) {
	case encoding.TextMarshaler:
		if b, err := m.MarshalText(); err == nil {
			return csvText(string(b))
		}
	case json.Marshaler:
		if b, err := m.MarshalJSON(); err == nil {
			var s string
			if json.Unmarshal(b, &s) == nil {
				return csvText(s)
			}
			return string(b)
		}
	}
	switch v.Kind() {
	case reflect.String:
		return csvText(v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	}
	b, _ := json.Marshal(v.Interface())
	return string(b)
}

// csvText keeps a spreadsheet from running a text cell as a formula (CSV
// injection; OWASP's advice): text that starts with =, +, -, @, a tab or a
// carriage return gets a leading single quote, which spreadsheets show as
// text and do not evaluate. Writers call it for text values only, chosen by
// type, so that a number (a change of -0.0500) stays a number.
func csvText(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// setLinks writes RFC 8288 first/prev/next/last links for a page, and the
// total.
func setLinks(c echo.Context, page paging.Page, total int) {
	if page.Limit <= 0 {
		return
	}
	u := *c.Request().URL
	link := func(offset int, rel string) string {
		q := u.Query()
		q.Set("offset", strconv.Itoa(offset))
		q.Set("limit", strconv.Itoa(page.Limit))
		return fmt.Sprintf(`<%s>; rel="%s"`, (&url.URL{Path: u.Path, RawQuery: q.Encode()}).String(), rel)
	}
	last := 0
	if total > 0 {
		last = (total - 1) / page.Limit * page.Limit
	}
	links := []string{link(0, "first")}
	if page.Offset > 0 {
		// A page past the end leads back to the last one.
		links = append(links, link(min(max(page.Offset-page.Limit, 0), last), "prev"))
	}
	if page.Offset+page.Limit < total {
		links = append(links, link(page.Offset+page.Limit, "next"))
	}
	links = append(links, link(last, "last"))
	c.Response().Header().Set("Link", strings.Join(links, ", "))
	c.Response().Header().Set(totalCountHeader, strconv.Itoa(total))
}

// totalCountHeader carries a list's total, which a CSV answer has no other
// place for.
const totalCountHeader = "X-Total-Count"
