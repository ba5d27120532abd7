package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonObject is a JSON object with its keys in document order.
type jsonObject struct {
	keys []string
	vals []any
}

// parseOrdered reads one JSON value keeping the order of object keys.
func parseOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &jsonObject{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := parseOrdered(dec)
				if err != nil {
					return nil, err
				}
				o.keys, o.vals = append(o.keys, k.(string)), append(o.vals, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			var a []any
			for dec.More() {
				v, err := parseOrdered(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
	}
	return tok, nil
}

// flatCells flattens an object into CSV columns as the reports promise:
// nested keys joined by "_", null as an empty cell, numbers as written.
func flatCells(prefix string, v any, keys, vals *[]string) {
	switch x := v.(type) {
	case *jsonObject:
		for i, k := range x.keys {
			if prefix != "" {
				k = prefix + "_" + k
			}
			flatCells(k, x.vals[i], keys, vals)
		}
		return
	case nil:
		*vals = append(*vals, "")
	case json.Number:
		*vals = append(*vals, x.String())
	case string:
		*vals = append(*vals, x)
	case bool:
		*vals = append(*vals, fmt.Sprint(x))
	default:
		panic(fmt.Sprintf("flatCells: %T in a report row", v))
	}
	*keys = append(*keys, prefix)
}

// jsonRows returns the rows a report's CSV must carry: the objects of the
// array under key (and, for distributions, the total row after them).
func jsonRows(t *testing.T, body []byte, keys ...string) [][]string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	doc, err := parseOrdered(dec)
	if err != nil {
		t.Fatalf("parse JSON: %v\n%s", err, body)
	}
	o := doc.(*jsonObject)
	var objs []any
	for _, key := range keys {
		for i, k := range o.keys {
			if k != key {
				continue
			}
			if arr, ok := o.vals[i].([]any); ok {
				objs = append(objs, arr...)
			} else {
				objs = append(objs, o.vals[i])
			}
		}
	}
	var rows [][]string
	for i, obj := range objs {
		var ks, vs []string
		flatCells("", obj, &ks, &vs)
		if i == 0 {
			rows = append(rows, ks)
		}
		rows = append(rows, vs)
	}
	return rows
}

// inOrder returns the rows of jsonRows (keys first) with their cells in the
// order of the CSV's header, which may differ from the JSON's key order.
func inOrder(rows [][]string, header []string) [][]string {
	var out [][]string
	for _, r := range rows[1:] {
		cells := make([]string, len(header))
		for i, h := range header {
			if j := slices.Index(rows[0], h); j >= 0 {
				cells[i] = r[j]
			}
		}
		out = append(out, cells)
	}
	return out
}

func cols(prefix string, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var (
	summaryCols = []string{"n", "mean", "min", "max", "p25", "median", "p75"}
	distCols    = join([]string{"code", "name", "total"}, cols("counts_", statuses...), []string{"no_status"}, cols("shares_", statuses...))
)

// TestStatsCSV: every report answers CSV for format=csv and for Accept:
// text/csv alike; its header row is the JSON answer's keys flattened
// (counts.maju → counts_maju) and its rows carry the JSON's figures.
func TestStatsCSV(t *testing.T) {
	tests := []struct {
		target string
		rows   []string // where the JSON keeps the rows
		header []string
	}{
		{"/v1/stats/status-distribution?level=district&parent=64", []string{"data", "total"}, distCols},
		{"/v1/stats/scores?level=district", []string{"data"}, join([]string{"code", "name"}, cols("score_", summaryCols...),
			// Components in the framework's order, not the JSON's alphabetical one.
			cols("components_iks_", summaryCols...), cols("components_ike_", summaryCols...), cols("components_ikl_", summaryCols...))},
		{"/v1/stats/transitions", []string{"cells"}, []string{"from_status", "to_status", "count"}},
		{"/v1/stats/transitions/villages?limit=4", []string{"data"}, []string{"code", "name", "regency_name", "score", "status", "from_status", "from_score", "change"}},
		{"/v1/stats/trends?from=2021", []string{"data"}, join([]string{"year", "total"}, cols("counts_", statuses...),
			[]string{"no_status"}, cols("shares_", statuses...), []string{"scored", "mean_score"})},
		{"/v1/stats/compare?regions=35,64.01.03.2002,35.78.01.1001", []string{"data"}, join(distCols, []string{"level", "scored", "mean_score"})},
		{"/v1/stats/rankings", []string{"data"}, []string{"code", "name", "regency_name", "score", "status"}},
		{"/v1/stats/rankings?by=improvement&limit=5", []string{"data"}, []string{"code", "name", "regency_name", "score", "status", "from_score", "change"}},
	}
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for _, tt := range tests {
			js := a.get(t, tt.target, http.StatusOK)
			sep := "?"
			if strings.Contains(tt.target, "?") {
				sep = "&"
			}
			byFormat := a.get(t, tt.target+sep+"format=csv", http.StatusOK)
			byAccept := a.get(t, tt.target, http.StatusOK, "Accept", "text/csv")
			for _, res := range []response{byFormat, byAccept} {
				if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
					t.Errorf("%s: Content-Type = %q, want text/csv; charset=utf-8", tt.target, ct)
				}
			}
			if !bytes.Equal(byFormat.body, byAccept.body) {
				t.Errorf("%s: format=csv and Accept: text/csv answer differently:\n%s\n---\n%s", tt.target, byFormat.body, byAccept.body)
			}
			header, rows := readCSV(t, byFormat)
			if diff := cmp.Diff(tt.header, header); diff != "" {
				t.Errorf("%s: CSV header mismatch (-want +got):\n%s", tt.target, diff)
			}
			want := jsonRows(t, js.body, tt.rows...)
			if len(want) > 0 {
				if diff := cmp.Diff(inOrder(want, header), rows); diff != "" {
					t.Errorf("%s: CSV rows differ from the JSON figures (-json +csv):\n%s", tt.target, diff)
				}
			}
		}

		// One report in full, by hand.
		res := a.get(t, "/v1/stats/status-distribution?level=district&parent=64&format=csv", http.StatusOK)
		want := strings.Join(distCols, ",") + "\n" +
			"64.01.01,Batu Sopang,3,0,0,1,1,1,0,0.0000,0.0000,0.3333,0.3333,0.3333\n" +
			"64.01.02,Tanjung Harapan,0,0,0,0,0,0,0,0.0000,0.0000,0.0000,0.0000,0.0000\n" +
			"64.01.03,Muara Komam,3,0,1,0,0,0,2,0.0000,0.3333,0.0000,0.0000,0.0000\n" +
			"total,Total,6,0,1,1,1,1,2,0.0000,0.1667,0.1667,0.1667,0.1667\n"
		if diff := cmp.Diff(want, string(res.body)); diff != "" {
			t.Errorf("distribution CSV mismatch (-want +got):\n%s", diff)
		}
		res = a.get(t, "/v1/stats/transitions/villages?from_status=tertinggal&format=csv", http.StatusOK)
		want = "code,name,regency_name,score,status,from_status,from_score,change\n" +
			"35.15.02.2001,Bendotretek,Kabupaten Sidoarjo,0.4907,sangat_tertinggal,tertinggal,0.5000,-0.0093\n" +
			"35.15.02.2002,Cangkringturi,Kabupaten Sidoarjo,0.5989,tertinggal,tertinggal,0.5000,0.0989\n"
		if diff := cmp.Diff(want, string(res.body)); diff != "" {
			t.Errorf("transition villages CSV mismatch (-want +got):\n%s", diff)
		}

		// Village lists joined to scores print decimals as the JSON does.
		res = a.get(t, "/v1/villages?district=64.01.01&framework=idm&year=2024&fields=code,score,status,derived_status&format=csv", http.StatusOK)
		want = "code,score,status,derived_status\n" +
			"64.01.01.2001,0.9000,mandiri,mandiri\n" +
			"64.01.01.2002,0.8000,maju,maju\n" +
			"64.01.01.2003,0.7410,berkembang,maju\n"
		if diff := cmp.Diff(want, string(res.body)); diff != "" {
			t.Errorf("village list CSV mismatch (-want +got):\n%s", diff)
		}

		// No rows still make a CSV file with its header: the header a
		// report with rows has, decided by the request, not by the rows.
		for _, tt := range []struct{ empty, full, header string }{
			{"/v1/stats/rankings?region=35.78&format=csv", "/v1/stats/rankings?format=csv", "code,name,regency_name,score,status\n"},
			{"/v1/stats/rankings?by=improvement&region=35.78&format=csv", "/v1/stats/rankings?by=improvement&format=csv",
				"code,name,regency_name,score,status,from_score,change\n"},
			{"/v1/stats/rankings?by=improvement&region=64.01.03.2002&format=csv", "/v1/stats/rankings?by=improvement&region=64.01.03.2001&format=csv",
				"code,name,regency_name,score,status,from_score,change\n"},
			{"/v1/stats/transitions/villages?from_status=mandiri&to_status=mandiri&format=csv", "/v1/stats/transitions/villages?format=csv",
				"code,name,regency_name,score,status,from_status,from_score,change\n"},
			{"/v1/stats/gaps?region=35.78&format=csv", "",
				"indicator_code,name_id,name_en,dimension,number,villages,mean,at_most_2\n"},
		} {
			res := a.get(t, tt.empty, http.StatusOK)
			if got, _ := io.ReadAll(bytes.NewReader(res.body)); string(got) != tt.header {
				t.Errorf("%s: body %q, want only the header %q", tt.empty, got, tt.header)
			}
			if tt.full == "" {
				continue
			}
			full := a.get(t, tt.full, http.StatusOK)
			header, rows := readCSV(t, full)
			if len(rows) == 0 {
				t.Errorf("%s: no rows", tt.full)
			}
			if got := strings.Join(header, ",") + "\n"; got != tt.header {
				t.Errorf("%s: header %q, want the empty answer's %q", tt.full, got, tt.header)
			}
		}
	})
}
