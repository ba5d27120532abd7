package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/httpapi"
)

// idmIndicator is a catalogue entry of the migration, as the API answers it.
func idmIndicator(code, nameID, nameEN, dim string, n int) httpapi.Indicator {
	return httpapi.Indicator{Code: code, NameID: nameID, NameEN: nameEN, Unit: "score", Framework: ptr("idm"),
		Dimension: ptr(dim), Number: ptr(n), Min: decp("0"), Max: decp("5"), HigherIsBetter: true}
}

// TestIndicatorCatalogue reads the catalogue the migration seeds: lists with
// filters, sorts, pages, fields and CSV, single entries, and bad parameters.
func TestIndicatorCatalogue(t *testing.T) {
	lists := []struct {
		target string
		want   []string
		total  int
	}{
		{"/v1/indicators?limit=3", []string{"idm_ike_01", "idm_ike_02", "idm_ike_03"}, 50},
		{"/v1/indicators?framework=idm&dimension=ikl", []string{"idm_ikl_01", "idm_ikl_02", "idm_ikl_03"}, 3},
		{"/v1/indicators?framework=ipd,indeks_desa", []string{}, 0},
		{"/v1/indicators?dimension=ike,ikl&limit=2&offset=11", []string{"idm_ike_12", "idm_ikl_01"}, 15},
		{"/v1/indicators?q=goryong", []string{"idm_iks_15", "idm_iks_16"}, 2},
		{"/v1/indicators?q=Mutual+Self-Help", []string{"idm_iks_15", "idm_iks_16"}, 2},
		{"/v1/indicators?q=iks_3&sort=-code", []string{"idm_iks_35", "idm_iks_34", "idm_iks_33", "idm_iks_32", "idm_iks_31", "idm_iks_30"}, 6},
		{"/v1/indicators?dimension=ikl&sort=-name", []string{"idm_ikl_03", "idm_ikl_02", "idm_ikl_01"}, 3},
		{"/v1/indicators?q=air&sort=name", []string{"idm_iks_35", "idm_iks_34"}, 2},
		{"/v1/indicators?dimension=nope", []string{}, 0},
		{"/v1/indicators?dimension=IKL", []string{"idm_ikl_01", "idm_ikl_02", "idm_ikl_03"}, 3},
	}
	bad := []struct {
		target string
		status int
		fields []string
	}{
		{"/v1/indicators?framework=sdgs", 400, []string{"framework"}},
		{"/v1/indicators?sort=unit", 400, []string{"sort"}},
		{"/v1/indicators?limit=0", 400, []string{"limit"}},
		{"/v1/indicators?limit=1001", 400, []string{"limit"}},
		{"/v1/indicators?offset=-1", 400, []string{"offset"}},
		{"/v1/indicators?fields=code,bogus", 400, []string{"fields"}},
		{"/v1/indicators?format=xml", 400, []string{"format"}},
		{"/v1/indicators?q=" + strings.Repeat("x", 101), 400, []string{"q"}},
		{"/v1/indicators/idm_iks_36", 404, nil},
		{"/v1/indicators/IDM_IKS_01", 404, nil},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		res := a.do(t, request{target: "/v1/indicators/idm_iks_03"})
		wantStatus(t, "GET idm_iks_03", res, http.StatusOK)
		if diff := cmp.Diff(idmIndicator("idm_iks_03", "Bidan", "Midwives", "iks", 3), decode[httpapi.Indicator](t, res)); diff != "" {
			t.Errorf("idm_iks_03 mismatch (-want +got):\n%s", diff)
		}
		res = a.do(t, request{target: "/v1/indicators?dimension=ikl&limit=1"})
		wantStatus(t, "list", res, http.StatusOK)
		want := httpapi.IndicatorList{Data: []httpapi.Indicator{idmIndicator("idm_ikl_01", "Kualitas Lingkungan", "Environmental quality", "ikl", 1)},
			Page: httpapi.Page{Limit: 1, Total: 3}}
		if diff := cmp.Diff(want, decode[httpapi.IndicatorList](t, res)); diff != "" {
			t.Errorf("list mismatch (-want +got):\n%s", diff)
		}
		if link := res.header.Get("Link"); !strings.Contains(link, `rel="next"`) {
			t.Errorf("Link = %q, want a next page", link)
		}
		for _, l := range lists {
			res := a.do(t, request{target: l.target})
			wantStatus(t, l.target, res, http.StatusOK)
			if diff := cmp.Diff(l.want, codesOf(t, res)); diff != "" || pageOf(t, res).Total != l.total {
				t.Errorf("%s: total %d (want %d), codes mismatch (-want +got):\n%s", l.target, pageOf(t, res).Total, l.total, diff)
			}
		}
		res = a.do(t, request{target: "/v1/indicators?dimension=ikl&fields=code,name_en,min,framework&format=csv"})
		wantStatus(t, "CSV", res, http.StatusOK)
		header, rows := readCSV(t, res)
		wantRows := [][]string{{"idm_ikl_01", "Environmental quality", "0.0000", "idm"},
			{"idm_ikl_02", "Disaster proneness", "0.0000", "idm"}, {"idm_ikl_03", "Disaster response", "0.0000", "idm"}}
		if diff := cmp.Diff([]string{"code", "name_en", "min", "framework"}, header); diff != "" {
			t.Errorf("CSV header mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantRows, rows); diff != "" {
			t.Errorf("CSV rows mismatch (-want +got):\n%s", diff)
		}
		res = a.do(t, request{target: "/v1/indicators?q=bidan&fields=code,number"})
		if got := strings.TrimSpace(string(res.body)); got != `{"data":[{"code":"idm_iks_03","number":3}],"page":{"limit":50,"offset":0,"total":1}}` {
			t.Errorf("sparse fieldset: %s", got)
		}
		for _, b := range bad {
			res := a.do(t, request{target: b.target})
			wantStatus(t, b.target, res, b.status)
			if diff := cmp.Diff(b.fields, fieldsOf(problemOf(t, res))); diff != "" {
				t.Errorf("%s: problem fields mismatch (-want +got):\n%s", b.target, diff)
			}
		}
	})
}

// TestIndicatorWrites creates and changes catalogue entries and values,
// then reads them back, with every failure the writes can meet on the way.
func TestIndicatorWrites(t *testing.T) {
	pop := httpapi.Indicator{Code: "bps_penduduk", NameID: "Jumlah Penduduk", NameEN: "Population", Unit: "persons",
		Dimension: ptr("kependudukan"), Min: decp("0"), HigherIsBetter: true}
	popBody := `{"code":"bps_penduduk","name_id":"Jumlah Penduduk","name_en":"Population","unit":"persons","dimension":"kependudukan","min":0}`
	renamed := pop
	renamed.NameEN, renamed.Number, renamed.Framework, renamed.HigherIsBetter = "Population (persons)", ptr(1), ptr("ipd"), false
	value := func(region, code, nameID, nameEN, unit string, dim *string, n *int, year int, v, source string) httpapi.IndicatorValue {
		return httpapi.IndicatorValue{RegionCode: region, IndicatorCode: code, NameID: nameID, NameEN: nameEN, Unit: unit,
			Dimension: dim, Number: n, Year: year, Value: fixed.MustParse(v), Source: source}
	}
	sarkes := func(region string, year int, v, source string) httpapi.IndicatorValue {
		return value(region, "idm_iks_01", "Akses Sarkes", "Access to health facilities", "score", ptr("iks"), ptr(1), year, v, source)
	}
	type step struct {
		name   string
		method string
		target string
		body   string
		key    string // admin (default for writes), indicators, writer, reader, none
		status int
		fields []string
		want   any
		// emptyBody sends Content-Type: application/json with no body.
		emptyBody bool
	}
	steps := []step{
		{name: "create", method: "POST", target: "/v1/indicators", body: popBody, status: 201, want: pop},
		{name: "read it", method: "GET", target: "/v1/indicators/bps_penduduk", status: 200, want: pop},
		{name: "create again", method: "POST", target: "/v1/indicators", body: popBody, status: 409},
		{name: "create without a key", method: "POST", target: "/v1/indicators", body: popBody, key: "none", status: 401},
		{name: "create with write:indicators", method: "POST", target: "/v1/indicators", body: popBody, key: "indicators", status: 403},
		{name: "create with write:regions", method: "POST", target: "/v1/indicators", body: popBody, key: "writer", status: 403},
		{name: "create with read", method: "POST", target: "/v1/indicators", body: popBody, key: "reader", status: 403},
		{name: "create breaking rules", method: "POST", target: "/v1/indicators",
			body:   `{"code":"Bad-Code","name_id":" ","name_en":"x","framework":"sdgs","min":5,"max":1}`,
			status: 422, fields: []string{"code", "name_id", "framework", "min"}},
		{name: "create with an unknown field", method: "POST", target: "/v1/indicators",
			body: `{"code":"abc","name_id":"a","name_en":"a","scale":5}`, status: 400, fields: []string{"scale"}},
		{name: "create with a string number", method: "POST", target: "/v1/indicators",
			body: `{"code":"abc","name_id":"a","name_en":"a","number":"1"}`, status: 400, fields: []string{"number"}},
		{name: "create with a word for min", method: "POST", target: "/v1/indicators",
			body: `{"code":"abc","name_id":"a","name_en":"a","min":"low"}`, status: 400, fields: []string{"min"}},
		{name: "create with no body", method: "POST", target: "/v1/indicators", emptyBody: true, status: 400},
		{name: "create claiming IDM's IKS #1", method: "POST", target: "/v1/indicators",
			body: `{"code":"bps_z","name_id":"z","name_en":"z","framework":"idm","dimension":"iks","number":1}`, status: 409, fields: []string{"number"}},
		{name: "create with a dimension IDM does not have", method: "POST", target: "/v1/indicators",
			body: `{"code":"bps_z","name_id":"z","name_en":"z","framework":"idm","dimension":"ekonomi","number":99}`, status: 422, fields: []string{"dimension"}},
		{name: "create in IDM's IKS, written in capitals", method: "POST", target: "/v1/indicators",
			body: `{"code":"idm_iks_extra","name_id":"z","name_en":"z","framework":"idm","dimension":" IKS ","number":99}`, status: 201,
			want: httpapi.Indicator{Code: "idm_iks_extra", NameID: "z", NameEN: "z", Framework: ptr("idm"), Dimension: ptr("iks"), Number: ptr(99), HigherIsBetter: true}},
		{name: "patch it onto IKS #2", method: "PATCH", target: "/v1/indicators/idm_iks_extra", body: `{"number":2}`, status: 409, fields: []string{"number"}},

		{name: "patch", method: "PATCH", target: "/v1/indicators/bps_penduduk",
			body: `{"name_en":"Population (persons)","number":1,"framework":"ipd","higher_is_better":false}`, status: 200, want: renamed},
		{name: "patch an unknown entry", method: "PATCH", target: "/v1/indicators/bps_nope", body: `{"unit":"x"}`, status: 404},
		{name: "patch breaking a rule", method: "PATCH", target: "/v1/indicators/bps_penduduk", body: `{"max":-1}`,
			status: 422, fields: []string{"min"}},
		{name: "patch the code", method: "PATCH", target: "/v1/indicators/bps_penduduk", body: `{"code":"x"}`,
			status: 400, fields: []string{"code"}},
		{name: "patch without a key", method: "PATCH", target: "/v1/indicators/bps_penduduk", body: `{"unit":"x"}`, key: "none", status: 401},
		{name: "patch with write:indicators", method: "PATCH", target: "/v1/indicators/bps_penduduk", body: `{"unit":"x"}`,
			key: "indicators", status: 403},

		{name: "put a village value", method: "PUT", target: "/v1/regions/6401012009/indicators/idm_iks_01/2024",
			body: `{"value":4,"source":"Musdes"}`, key: "indicators", status: 201, want: sarkes("64.01.01.2009", 2024, "4", "Musdes")},
		{name: "replace it", method: "PUT", target: "/v1/regions/64.01.01.2009/indicators/idm_iks_01/2024",
			body: `{"value":"5","source":"Musdes 2"}`, key: "indicators", status: 200, want: sarkes("64.01.01.2009", 2024, "5", "Musdes 2")},
		{name: "the same value keeps its source", method: "PUT", target: "/v1/regions/64.01.01.2009/indicators/idm_iks_01/2024",
			body: `{"value":5.0,"source":"ignored"}`, key: "indicators", status: 200, want: sarkes("64.01.01.2009", 2024, "5", "Musdes 2")},
		{name: "another year, admin key", method: "PUT", target: "/v1/regions/64.01.01.2009/indicators/idm_iks_01/2021",
			body: `{"value":0}`, status: 201, want: sarkes("64.01.01.2009", 2021, "0", "")},
		{name: "another indicator", method: "PUT", target: "/v1/regions/64.01.01.2009/indicators/idm_ike_12/2024",
			body: `{"value":3.5}`, key: "indicators", status: 201,
			want: value("64.01.01.2009", "idm_ike_12", "Kualitas Jalan", "Road quality", "score", ptr("ike"), ptr(12), 2024, "3.5", "")},
		{name: "a regency's value", method: "PUT", target: "/v1/regions/64.01/indicators/bps_penduduk/2024",
			body: `{"value":123456789.5}`, key: "indicators", status: 201,
			want: value("64.01", "bps_penduduk", "Jumlah Penduduk", "Population (persons)", "persons", ptr("kependudukan"), ptr(1), 2024, "123456789.5", "")},
		{name: "put without a key", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/2024", body: `{"value":1}`,
			key: "none", status: 401},
		{name: "put with write:regions", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/2024", body: `{"value":1}`,
			key: "writer", status: 403},
		{name: "put to an unknown region", method: "PUT", target: "/v1/regions/64.09/indicators/idm_iks_01/2024",
			body: `{"value":1}`, key: "indicators", status: 404},
		{name: "put to an unknown indicator", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_99/2024",
			body: `{"value":1}`, key: "indicators", status: 404},
		{name: "put to a malformed code", method: "PUT", target: "/v1/regions/6-4/indicators/idm_iks_01/2024",
			body: `{"value":1}`, key: "indicators", status: 400, fields: []string{"code"}},
		{name: "put to a word year", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/latest",
			body: `{"value":1}`, key: "indicators", status: 400, fields: []string{"year"}},
		{name: "put to 1899", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/1899",
			body: `{"value":1}`, key: "indicators", status: 422, fields: []string{"year"}},
		{name: "put out of range", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/2024",
			body: `{"value":6}`, key: "indicators", status: 422, fields: []string{"value"}},
		{name: "put no value", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/2024",
			body: `{"source":"x"}`, key: "indicators", status: 422, fields: []string{"value"}},
		{name: "put null", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/2024",
			body: `{"value":null}`, key: "indicators", status: 422, fields: []string{"value"}},
		{name: "put a word", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/2024",
			body: `{"value":"five"}`, key: "indicators", status: 400, fields: []string{"value"}},
		{name: "put an unknown field", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/2024",
			body: `{"value":1,"unit":"x"}`, key: "indicators", status: 400, fields: []string{"unit"}},
		{name: "put a long source", method: "PUT", target: "/v1/regions/64/indicators/idm_iks_01/2024",
			body: `{"value":1,"source":"` + strings.Repeat("s", 201) + `"}`, key: "indicators", status: 422, fields: []string{"source"}},
		{name: "bounds that exclude a stored value", method: "PATCH", target: "/v1/indicators/bps_penduduk",
			body: `{"max":100}`, status: 409},

		{name: "a village's values", method: "GET", target: "/v1/villages/6401012009/indicators", status: 200,
			want: httpapi.IndicatorValueList{Data: []httpapi.IndicatorValue{
				value("64.01.01.2009", "idm_ike_12", "Kualitas Jalan", "Road quality", "score", ptr("ike"), ptr(12), 2024, "3.5", ""),
				sarkes("64.01.01.2009", 2021, "0", ""), sarkes("64.01.01.2009", 2024, "5", "Musdes 2")}}},
		{name: "one year", method: "GET", target: "/v1/villages/64.01.01.2009/indicators?year=2021", status: 200,
			want: httpapi.IndicatorValueList{Data: []httpapi.IndicatorValue{sarkes("64.01.01.2009", 2021, "0", "")}}},
		{name: "one dimension", method: "GET", target: "/v1/villages/64.01.01.2009/indicators?dimension=ike", status: 200,
			want: httpapi.IndicatorValueList{Data: []httpapi.IndicatorValue{
				value("64.01.01.2009", "idm_ike_12", "Kualitas Jalan", "Road quality", "score", ptr("ike"), ptr(12), 2024, "3.5", "")}}},
		{name: "one dimension, in capitals", method: "GET", target: "/v1/villages/64.01.01.2009/indicators?dimension=IKE", status: 200,
			want: httpapi.IndicatorValueList{Data: []httpapi.IndicatorValue{
				value("64.01.01.2009", "idm_ike_12", "Kualitas Jalan", "Road quality", "score", ptr("ike"), ptr(12), 2024, "3.5", "")}}},
		{name: "a village without values", method: "GET", target: "/v1/villages/64.01.01.2010/indicators", status: 200,
			want: httpapi.IndicatorValueList{Data: []httpapi.IndicatorValue{}}},
		{name: "a regency at the village path", method: "GET", target: "/v1/villages/64.01/indicators", status: 400, fields: []string{"code"}},
		{name: "an unknown village", method: "GET", target: "/v1/villages/64.01.01.2099/indicators", status: 404},
		{name: "a word year", method: "GET", target: "/v1/villages/64.01.01.2009/indicators?year=last", status: 400, fields: []string{"year"}},
		{name: "year 1800", method: "GET", target: "/v1/villages/64.01.01.2009/indicators?year=1800", status: 400, fields: []string{"year"}},
		{name: "unknown fields", method: "GET", target: "/v1/villages/64.01.01.2009/indicators?fields=score", status: 400, fields: []string{"fields"}},
		{name: "a regency's values", method: "GET", target: "/v1/regions/6401/indicators?year=2024", status: 200,
			want: httpapi.IndicatorValueList{Data: []httpapi.IndicatorValue{
				value("64.01", "bps_penduduk", "Jumlah Penduduk", "Population (persons)", "persons", ptr("kependudukan"), ptr(1), 2024, "123456789.5", "")}}},
		{name: "a village through /regions", method: "GET", target: "/v1/regions/64.01.01.2009/indicators?year=2021", status: 200,
			want: httpapi.IndicatorValueList{Data: []httpapi.IndicatorValue{sarkes("64.01.01.2009", 2021, "0", "")}}},
		{name: "a province without values", method: "GET", target: "/v1/regions/35/indicators", status: 200,
			want: httpapi.IndicatorValueList{Data: []httpapi.IndicatorValue{}}},
		{name: "an unknown region", method: "GET", target: "/v1/regions/36/indicators", status: 404},
		{name: "a malformed region", method: "GET", target: "/v1/regions/3x/indicators", status: 400, fields: []string{"code"}},
	}
	ignoreTime := cmpopts.IgnoreFields(httpapi.IndicatorValue{}, "UpdatedAt")
	eachEngine(t, func(t *testing.T, a *api) {
		for _, s := range steps {
			r := request{method: s.method, target: s.target, body: s.body}
			if s.emptyBody {
				r.contentType = "application/json"
			}
			switch s.key {
			case "":
				if s.method != "GET" {
					r.key = a.admin
				}
			case "indicators":
				r.key = a.indicators
			case "writer":
				r.key = a.writer
			case "reader":
				r.key = a.reader
			}
			res := a.do(t, r)
			what := s.name + ": " + s.method + " " + s.target
			wantStatus(t, what, res, s.status)
			if s.status >= 400 {
				if diff := cmp.Diff(s.fields, fieldsOf(problemOf(t, res))); diff != "" {
					t.Errorf("%s: problem fields mismatch (-want +got):\n%s", what, diff)
				}
				continue
			}
			if s.status == http.StatusCreated && s.method == "POST" {
				if loc := res.header.Get("Location"); loc != "/v1/indicators/"+s.want.(httpapi.Indicator).Code {
					t.Errorf("%s: Location = %q", what, loc)
				}
			}
			if s.want != nil {
				got := decodeAs(t, res, s.want)
				if diff := cmp.Diff(s.want, got, ignoreTime); diff != "" {
					t.Errorf("%s: mismatch (-want +got):\n%s", what, diff)
				}
				if v, ok := got.(httpapi.IndicatorValue); ok && v.UpdatedAt.IsZero() {
					t.Errorf("%s: no updated_at", what)
				}
			}
		}
		res := a.do(t, request{target: "/v1/villages/64.01.01.2009/indicators?format=csv&fields=indicator_code,year,value"})
		wantStatus(t, "CSV", res, http.StatusOK)
		header, rows := readCSV(t, res)
		if diff := cmp.Diff([]string{"indicator_code", "year", "value"}, header); diff != "" {
			t.Errorf("CSV header mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([][]string{{"idm_ike_12", "2024", "3.5000"}, {"idm_iks_01", "2021", "0.0000"}, {"idm_iks_01", "2024", "5.0000"}}, rows); diff != "" {
			t.Errorf("CSV rows mismatch (-want +got):\n%s", diff)
		}
		res = a.do(t, request{target: "/v1/regions/64.01/indicators", header: map[string]string{"Accept": "text/csv"}})
		if header, rows := readCSV(t, res); len(rows) != 1 || header[len(header)-1] != "updated_at" ||
			!strings.HasSuffix(rows[0][len(rows[0])-1], "Z") || rows[0][len(rows[0])-3] != "123456789.5000" {
			t.Errorf("CSV of the regency's values: %v %v", header, rows)
		}
	})
}

// TestCatalogueNeedsAnUnrestrictedKey: the indicator catalogue is national
// (its bounds validate every province's values), so an admin key restricted
// to a province may not change it, though it writes values in its province.
func TestCatalogueNeedsAnUnrestrictedKey(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		_, kaltim, err := a.keys.Create(t.Context(), "kaltim-admin", []auth.Scope{auth.ScopeAdmin}, []string{"64"})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []struct{ method, target, body string }{
			{http.MethodPatch, "/v1/indicators/idm_iks_01", `{"max":100}`},
			{http.MethodPost, "/v1/indicators", `{"code":"bps_penduduk","name_id":"Jumlah Penduduk","name_en":"Population"}`},
		} {
			what := w.method + " " + w.target
			p := wantProblem(t, what, a.do(t, request{method: w.method, target: w.target, body: w.body, key: kaltim}), http.StatusForbidden)
			if !strings.Contains(p.Detail, "restricted to provinces 64") || !strings.Contains(p.Detail, "indicator catalogue is national") {
				t.Errorf("%s: detail %q does not say why", what, p.Detail)
			}
		}
		if got := decode[httpapi.Indicator](t, a.do(t, request{target: "/v1/indicators/idm_iks_01"})); got.Max == nil || got.Max.String() != "5.0000" {
			t.Errorf("idm_iks_01 max after the refused PATCH: %v", got.Max)
		}
		wantStatus(t, "GET the refused POST's entry", a.do(t, request{target: "/v1/indicators/bps_penduduk"}), http.StatusNotFound)
		wantStatus(t, "a value in its province", a.do(t, request{method: http.MethodPut, target: "/v1/regions/64/indicators/idm_iks_01/2024",
			body: `{"value":3}`, key: kaltim}), http.StatusCreated)
		wantStatus(t, "PATCH with an unrestricted admin key", a.do(t, request{method: http.MethodPatch, target: "/v1/indicators/idm_iks_01",
			body: `{"name_en":"Access to health care"}`, key: a.admin}), http.StatusOK)
	})
}

// TestImportIndicatorValues imports indicator values in both shapes, as CSV
// and JSON: rejected rows in partial and atomic mode, Kepmendagri 2022
// codes, a dry run, a re-import, and requests refused whole.
func TestImportIndicatorValues(t *testing.T) {
	type rowErr struct {
		Row         int
		Field, Code string
	}
	type imp struct {
		name        string
		query       string
		contentType string
		body        string
		status      int
		// For 201 and 422: the report's counts and errors.
		rows, inserted, updated, unchanged, rejected, translated int
		errors                                                   []rowErr
		translations                                             []httpapi.Translation
	}
	generic := "region_code,indicator_code,year,value\n" +
		"64.01.01.2009,idm_iks_01,2024,5\n" + // 1
		"6401012009,idm_iks_02,2024,0\n" + // 2
		"64.01,idm_iks_01,2024,3.5\n" + // 3: a regency
		"64,idm_iks_01,2024,6\n" + // 4: out of range
		"64.01.01.2099,idm_iks_01,2024,1\n" + // 5: unknown village
		"64.09,idm_iks_01,2024,1\n" + // 6: unknown regency
		"64.01,idm_iks_99,2024,1\n" + // 7: unknown indicator
		"64.01,idm_iks_01,1899,1\n" + // 8: wrong year
		"64.01,idm_iks_01,2024,lima\n" + // 9: not a number
		"64.01,idm_iks_01,2024,3.5\n" + // 10: repeats row 3
		"6-4,idm_iks_01,2024,1\n" + // 11: malformed code
		"64.01,idm_iks_01,2024\n" // 12: too few fields
	genericErrors := []rowErr{{4, "value", "out_of_range"}, {5, "region_code", "unknown_village"}, {6, "region_code", "unknown_region"},
		{7, "indicator_code", "unknown_indicator"}, {8, "year", "wrong_year"}, {9, "value", "not_a_number"},
		{10, "region_code", "duplicate"}, {11, "region_code", "bad_code"}, {12, "", "malformed"}}
	idm := "village_code,year,dimension,number,score\n" +
		"64.01.02.2001,2023,IKS,1,4\n" + // 1: 2022 code of 64.01.01.2010
		"64.01.02.2001,2023,ikl,3,2\n" + // 2
		"35.78.09.1001,2023,IKE,12,1\n" + // 3: 2022 code of a kelurahan: values have no desa-only rule
		"35.15.01.2001,2023,IKE,12,5\n" + // 4: same code in both editions
		"99.01.01.2001,2023,IKS,1,1\n" + // 5: not in the crosswalk
		"35.15.01.2001,2023,IKX,1,1\n" + // 6: no such dimension
		"35.15.01.2001,2023,IKS,36,1\n" + // 7: no such number
		"35.15.01.2001,2023,IKS,one,1\n" + // 8
		"35.15.01.2001,2023,IKS,2,\n" // 9: no score
	idmErrors := []rowErr{{5, "village_code", "unknown_village"}, {6, "dimension", "unknown_indicator"},
		{7, "number", "unknown_indicator"}, {8, "number", "not_a_number"}, {9, "score", "missing"}}
	idmTranslations := []httpapi.Translation{{Row: 1, From: "64.01.02.2001", To: "64.01.01.2010"},
		{Row: 2, From: "64.01.02.2001", To: "64.01.01.2010"}, {Row: 3, From: "35.78.09.1001", To: "35.78.21.1001"}}
	jsonBody := `[{"region_code":"35","indicator_code":"idm_ikl_01","year":2022,"value":2},
		{"village_code":"3515012002","year":"2022","dimension":"IKL","number":1,"score":3},
		{"village_code":"35.15.01.2002","year":2022,"dimension":"IKL","number":1,"value":3},
		{"region_code":"35","indicator_code":"idm_ikl_01","year":2022,"value":2,"unit":"score"},
		"not an object"]`
	imports := []imp{
		{name: "generic shape, atomic, with rejected rows", query: "kind=indicator_values", body: generic,
			status: 422, rows: 12, inserted: 3, rejected: 9, errors: genericErrors},
		{name: "generic shape, partial", query: "kind=indicator_values&mode=partial&source=test", body: generic,
			status: 201, rows: 12, inserted: 3, rejected: 9, errors: genericErrors},
		{name: "generic shape again: unchanged", query: "kind=indicator_values&mode=partial", body: generic,
			status: 201, rows: 12, unchanged: 3, rejected: 9, errors: genericErrors},
		{name: "one value changed, dry run", query: "kind=indicator_values&dry_run=true",
			body:   "region_code,indicator_code,year,value\n64.01,idm_iks_01,2024,4\n64.01.01.2009,idm_iks_01,2024,5\n",
			status: 201, rows: 2, updated: 1, unchanged: 1},
		{name: "IDM shape, 2022 codes, partial", query: "kind=indicator_values&code_edition=2022&mode=partial", body: idm,
			status: 201, rows: 9, inserted: 4, rejected: 5, translated: 3, errors: idmErrors, translations: idmTranslations},
		{name: "IDM shape with 2025 codes", query: "kind=indicator_values&mode=partial",
			body:   "village_code,year,dimension,number,score\n64.01.02.2001,2023,IKS,1,4\n64.01,2023,IKS,1,4\n",
			status: 201, rows: 2, rejected: 2, errors: []rowErr{{1, "village_code", "unknown_village"}, {2, "village_code", "bad_code"}}},
		{name: "2022 edition takes village codes only", query: "kind=indicator_values&code_edition=2022&mode=partial",
			body:   "region_code,indicator_code,year,value\n64.01,idm_iks_01,2024,1\n",
			status: 201, rows: 1, rejected: 1, errors: []rowErr{{1, "region_code", "bad_code"}}},
		{name: "JSON, both shapes", query: "kind=indicator_values&mode=partial", contentType: "application/json", body: jsonBody,
			status: 201, rows: 5, inserted: 2, rejected: 3,
			errors: []rowErr{{3, "value", "malformed"}, {4, "unit", "unknown_field"}, {5, "", "malformed"}}},

		// A wrong header is refused with a stored report naming each column at row 0.
		{name: "bad header", query: "kind=indicator_values", body: "code,indicator,year,value\n64,idm_iks_01,2024,1\n", status: 422,
			errors: []rowErr{{0, "code", "bad_header"}, {0, "indicator", "bad_header"}, {0, "region_code", "bad_header"},
				{0, "indicator_code", "bad_header"}}},
		{name: "mixed header", query: "kind=indicator_values", body: "village_code,indicator_code,year,value\n", status: 422,
			errors: []rowErr{{0, "indicator_code", "bad_header"}, {0, "value", "bad_header"}, {0, "dimension", "bad_header"},
				{0, "number", "bad_header"}, {0, "score", "bad_header"}}},
		{name: "a framework", query: "kind=indicator_values&framework=idm", body: generic, status: 400},
		{name: "an unknown kind", query: "kind=values", body: generic, status: 400},
		{name: "code_edition 2023", query: "kind=indicator_values&code_edition=2023", body: generic, status: 400},
		{name: "not CSV or JSON", query: "kind=indicator_values", contentType: "text/plain", body: generic, status: 415},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, im := range imports {
			ct := im.contentType
			if ct == "" {
				ct = "text/csv"
			}
			res := a.do(t, request{method: "POST", target: "/v1/imports?" + im.query, body: im.body, contentType: ct, key: a.indicators})
			what := im.name
			wantStatus(t, what, res, im.status)
			var rep httpapi.ImportReport
			switch im.status {
			case http.StatusCreated:
				rep = decode[httpapi.ImportReport](t, res)
				if loc := res.header.Get("Location"); loc != "/v1/imports/"+rep.ID {
					t.Errorf("%s: Location = %q", what, loc)
				}
			case http.StatusUnprocessableEntity:
				if rep = decode[httpapi.ImportFailure](t, res).ImportReport; rep.ID == "" {
					continue // refused whole, before any row was read
				}
			default:
				continue
			}
			got := imp{name: im.name, query: im.query, contentType: im.contentType, body: im.body, status: im.status,
				rows: rep.Rows, inserted: rep.Inserted, updated: rep.Updated, unchanged: rep.Unchanged,
				rejected: rep.Rejected, translated: rep.Translated}
			for _, e := range rep.Errors {
				got.errors = append(got.errors, rowErr{e.Row, e.Field, e.Code})
				if e.Message == "" {
					t.Errorf("%s: row %d has no message", what, e.Row)
				}
			}
			if len(rep.Translations) > 0 {
				got.translations = rep.Translations
			}
			if diff := cmp.Diff(im, got, cmp.AllowUnexported(imp{}, rowErr{})); diff != "" {
				t.Errorf("%s: report mismatch (-want +got):\n%s", what, diff)
			}
			if rep.Kind != "indicator_values" || rep.Framework != "" {
				t.Errorf("%s: kind %q, framework %q", what, rep.Kind, rep.Framework)
			}
			wantApplied := im.status == http.StatusCreated && !rep.DryRun && rep.Inserted+rep.Updated > 0
			if rep.Applied != wantApplied {
				t.Errorf("%s: applied = %v, want %v", what, rep.Applied, wantApplied)
			}
			again := a.do(t, request{target: "/v1/imports/" + rep.ID})
			wantStatus(t, what+": GET the report", again, http.StatusOK)
			if diff := cmp.Diff(rep, decode[httpapi.ImportReport](t, again)); diff != "" {
				t.Errorf("%s: stored report mismatch (-want +got):\n%s", what, diff)
			}
		}

		// What landed: the partial imports, not the atomic one or the dry run.
		values := func(target string) []string {
			res := a.do(t, request{target: target})
			wantStatus(t, target, res, http.StatusOK)
			var out []string
			for _, v := range decode[httpapi.IndicatorValueList](t, res).Data {
				out = append(out, v.RegionCode+" "+v.IndicatorCode+" "+v.Value.String()+" "+v.Source)
			}
			return out
		}
		checks := map[string][]string{
			"/v1/villages/64.01.01.2009/indicators": {"64.01.01.2009 idm_iks_01 5.0000 test", "64.01.01.2009 idm_iks_02 0.0000 test"},
			"/v1/regions/64.01/indicators":          {"64.01 idm_iks_01 3.5000 test"},
			"/v1/villages/64.01.01.2010/indicators": {"64.01.01.2010 idm_ikl_03 2.0000 ", "64.01.01.2010 idm_iks_01 4.0000 "},
			"/v1/villages/35.78.21.1001/indicators": {"35.78.21.1001 idm_ike_12 1.0000 "},
			"/v1/villages/35.15.01.2002/indicators": {"35.15.01.2002 idm_ikl_01 3.0000 "},
			"/v1/regions/35/indicators":             {"35 idm_ikl_01 2.0000 "},
		}
		for target, want := range checks {
			if diff := cmp.Diff(want, values(target)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", target, diff)
			}
		}
		// Imports need write:indicators.
		res := a.do(t, request{method: "POST", target: "/v1/imports?kind=indicator_values", body: generic, contentType: "text/csv", key: a.writer})
		wantStatus(t, "import with write:regions", res, http.StatusForbidden)
	})
}
