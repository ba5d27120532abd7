package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// TestCSVFormulaInjection stores text a spreadsheet would run as a formula
// and reads it back as CSV: text cells that start with =, +, -, @, a tab or
// a carriage return come back behind a single quote, in the lists' CSV and
// in the reports' flat CSV; numbers, negative ones included, and codes come
// back as they are; the JSON answers are unchanged.
func TestCSVFormulaInjection(t *testing.T) {
	const (
		hyperlink = `=HYPERLINK("http://evil.example","klik")`
		dde       = `+1+cmd|' /C calc'!A0`
		at        = `@SUM(1+1)*cmd|' /C calc'!A0`
		minus     = `-2+3+cmd|' /C calc'!A0`
	)
	eachEngine(t, func(t *testing.T, a *api) {
		for code, name := range map[string]string{"64.01.01.2009": hyperlink, "64.01.01.2010": dde,
			"35.15.01.2001": at, "35.15.01.2002": minus} {
			body, _ := json.Marshal(map[string]string{"name": name})
			res := a.do(t, request{method: http.MethodPatch, target: "/v1/villages/" + code, body: string(body), key: a.writer})
			wantStatus(t, "rename "+code, res, http.StatusOK)
		}
		// A fall of 0.0500 for 64.01.01.2009 from 2023 to 2024.
		a.putScore(t, "64.01.01.2009", "idm", "2023", `{"score":0.65,"source":"=1+1"}`, http.StatusCreated)
		a.putScore(t, "64.01.01.2009", "idm", "2024", `{"score":0.6,"source":"=1+1"}`, http.StatusCreated)
		// A negative value, with a source that is a formula.
		res := a.do(t, request{method: http.MethodPost, target: "/v1/indicators", key: a.admin,
			body: `{"code":"bps_saldo","name_id":"-Saldo","name_en":"Balance","min":-100}`})
		wantStatus(t, "create indicator", res, http.StatusCreated)
		res = a.do(t, request{method: http.MethodPut, target: "/v1/regions/64.01.01.2009/indicators/bps_saldo/2024", key: a.indicators,
			body: `{"value":-2.5,"source":"@cmd"}`})
		wantStatus(t, "put value", res, http.StatusCreated)

		// The villages list: names quoted in CSV, exact in JSON.
		wantCSVColumn(t, a, "/v1/villages?district=64.01.01&sort=code&format=csv", "name", []string{"'" + hyperlink, "'" + dde})
		wantCSVColumn(t, a, "/v1/villages?district=35.15.01&sort=code&format=csv", "name", []string{"'" + at, "'" + minus})
		wantCSVColumn(t, a, "/v1/villages?district=64.01.01&sort=code&format=csv", "code", []string{"64.01.01.2009", "64.01.01.2010"})
		list := decode[httpapi.VillageList](t, a.do(t, request{target: "/v1/villages?district=64.01.01&sort=code"}))
		if got := []string{list.Data[0].Name, list.Data[1].Name}; !slices.Equal(got, []string{hyperlink, dde}) {
			t.Errorf("JSON names = %q, want %q", got, []string{hyperlink, dde})
		}

		// A list whose cells include a negative decimal and a source.
		target := "/v1/regions/64.01.01.2009/indicators?format=csv&fields=indicator_code,name_id,value,source"
		wantCSVColumn(t, a, target, "value", []string{"-2.5000"})
		wantCSVColumn(t, a, target, "source", []string{"'@cmd"})
		wantCSVColumn(t, a, target, "name_id", []string{"'-Saldo"})

		// A report's flat CSV: the name quoted, the negative change not.
		target = "/v1/stats/rankings?region=64.01.01&year=2024&by=improvement&from=2023&format=csv"
		wantCSVColumn(t, a, target, "name", []string{"'" + hyperlink})
		wantCSVColumn(t, a, target, "change", []string{"-0.0500"})
		wantCSVColumn(t, a, target, "regency_name", []string{"Kabupaten Paser"})
		rank := decode[httpapi.Ranking](t, a.do(t, request{target: "/v1/stats/rankings?region=64.01.01&year=2024&by=improvement&from=2023"}))
		if len(rank.Data) != 1 || rank.Data[0].Name != hyperlink || rank.Data[0].Change == nil || rank.Data[0].Change.String() != "-0.0500" {
			t.Errorf("JSON ranking = %+v, want %s with change -0.0500", rank.Data, hyperlink)
		}
	})
}

// wantCSVColumn fails the test unless the CSV answer to target has the
// column with exactly the cells want.
func wantCSVColumn(t *testing.T, a *api, target, column string, want []string) {
	t.Helper()
	res := a.do(t, request{target: target})
	wantStatus(t, target, res, http.StatusOK)
	header, rows := readCSV(t, res)
	i := slices.Index(header, column)
	if i < 0 {
		t.Fatalf("%s: no column %q in %q", target, column, header)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r[i])
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: column %s = %q, want %q", target, column, got, want)
	}
}
