package httpapi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// writeFlatCSV writes report rows as CSV with nested objects flattened into
// columns joined by "_" (counts.maju → counts_maju), so that the CSV carries
// the same figures as the JSON. Arrays become JSON text in one cell. JSON
// strings are text cells (csvText); JSON numbers are written as they are. The
// columns are given (see flatColumns), decided by the request and never by
// the rows: an empty answer has the header a full one has, and a row
// without a field (omitted, or a map without the key) has an empty cell.
func writeFlatCSV[T any](c echo.Context, columns []string, rows []T) error {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.WriteHeader(http.StatusOK)
	w := csv.NewWriter(res)
	if err := w.Write(columns); err != nil {
		return err
	}
	rec := make([]string, len(columns))
	at := make(map[string]int, len(columns))
	for i, k := range columns {
		at[k] = i
	}
	for _, row := range rows {
		keys, vals, err := flattenRow(row)
		if err != nil {
			return err
		}
		clear(rec)
		for i, k := range keys {
			if j, ok := at[k]; ok {
				rec[j] = vals[i]
			}
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// flatColumns returns the CSV columns of a report row: the flattened keys
// of proto, a row built for the request with every optional field set and
// every map key present, in the order its JSON has them.
func flatColumns(proto any) []string {
	keys, _, err := flattenRow(proto)
	if err != nil {
		panic(err) // a report's row type always encodes
	}
	return keys
}

// prefixed returns the names with a prefix.
func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// flattenRow returns the flattened keys and values of one row's JSON.
func flattenRow(row any) (keys, vals []string, err error) {
	b, err := json.Marshal(row)
	if err != nil {
		return nil, nil, err
	}
	err = flatten(json.NewDecoder(bytes.NewReader(b)), "", &keys, &vals)
	return keys, vals, err
}

// flatten reads one JSON value from dec, appending its scalar leaves.
func flatten(dec *json.Decoder, prefix string, keys, vals *[]string) error {
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			var raw []json.RawMessage
			for dec.More() {
				var m json.RawMessage
				if err := dec.Decode(&m); err != nil {
					return err
				}
				raw = append(raw, m)
			}
			if _, err := dec.Token(); err != nil {
				return err
			}
			b, _ := json.Marshal(raw)
			*keys, *vals = append(*keys, prefix), append(*vals, string(b))
			return nil
		}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name := k.(string)
			if prefix != "" {
				name = prefix + "_" + name
			}
			if err := flatten(dec, name, keys, vals); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	case nil:
		*keys, *vals = append(*keys, prefix), append(*vals, "")
	case string:
		*keys, *vals = append(*keys, prefix), append(*vals, csvText(t))
	case json.Number:
		*keys, *vals = append(*keys, prefix), append(*vals, t.String())
	case bool:
		*keys, *vals = append(*keys, prefix), append(*vals, strings.ToLower(map[bool]string{true: "true", false: "false"}[t]))
	default:
		return io.ErrUnexpectedEOF
	}
	return nil
}
