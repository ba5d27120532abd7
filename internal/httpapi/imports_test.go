package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/desa-api/desa-api/internal/httpapi"
)

const scoreHeader = "village_code,year,iks,ike,ikl,score,status"

// importRow is one row of the test import in both formats, with the error
// it must get (nil: a valid row).
type importRow struct {
	csv, json string // "" : not in that format
	field     string
	code      string // "" : valid
}

// importRows exercise every rejection an IDM import can give, between
// valid rows (1, 9, 14, 18).
var importRows = []importRow{
	{csv: "64.01.01.2009,2024,0.8000,0.9000,0.5333,,", json: `{"village_code":"64.01.01.2009","year":2024,"iks":0.8000,"ike":0.9000,"ikl":0.5333}`},
	{csv: "64.01.01.2999,2024,0.5,0.5,0.5,,", json: `{"village_code":"64.01.01.2999","year":2024,"iks":0.5,"ike":0.5,"ikl":0.5}`, field: "village_code", code: "unknown_village"},
	{csv: "35.78.01.1001,2024,0.5,0.5,0.5,,", json: `{"village_code":"35.78.01.1001","year":2024,"iks":0.5,"ike":0.5,"ikl":0.5}`, field: "village_code", code: "kelurahan"},
	{csv: "35.15.01.2001,2024,1.2,0.5,0.5,,", json: `{"village_code":"35.15.01.2001","year":2024,"iks":1.2,"ike":0.5,"ikl":0.5}`, field: "iks", code: "out_of_range"},
	{csv: "35.15.01.2002,2024,abc,0.5,0.5,,", json: `{"village_code":"35.15.01.2002","year":2024,"iks":"abc","ike":0.5,"ikl":0.5}`, field: "iks", code: "not_a_number"},
	{csv: "64.01.01.2009,2024,0.5,0.5,0.5,,", json: `{"village_code":"64.01.01.2009","year":2024,"iks":0.5,"ike":0.5,"ikl":0.5}`, field: "village_code", code: "duplicate"},
	{csv: "64.01.01.2010,2025,0.5,0.5,0.5,,", json: `{"village_code":"64.01.01.2010","year":2025,"iks":0.5,"ike":0.5,"ikl":0.5}`, field: "year", code: "wrong_year"},
	{csv: "64.01.01.2010,20x4,0.5,0.5,0.5,,", json: `{"village_code":"64.01.01.2010","year":"20x4","iks":0.5,"ike":0.5,"ikl":0.5}`, field: "year", code: "not_a_number"},
	{csv: "6401012010,2024,0.7,0.7,0.7,0.7410,berkembang", json: `{"village_code":"6401012010","year":"2024","iks":"0.7","ike":"0.7","ikl":"0.7","score":0.7410,"status":"berkembang"}`},
	{csv: "64.01.01,2024,0.5,0.5,0.5,,", json: `{"village_code":"64.01.01","year":2024,"iks":0.5,"ike":0.5,"ikl":0.5}`, field: "village_code", code: "bad_code"},
	{csv: ",2024,0.5,0.5,0.5,,", json: `{"village_code":null,"year":2024,"iks":0.5,"ike":0.5,"ikl":0.5}`, field: "village_code", code: "missing"},
	{csv: "35.15.01.2001,2024,0.5,0.5,0.5,,hebat", json: `{"village_code":"35.15.01.2001","year":2024,"iks":0.5,"ike":0.5,"ikl":0.5,"status":"hebat"}`, field: "status", code: "bad_status"},
	{csv: "35.15.01.2001,2024,0.5,0.5,,,", json: `{"village_code":"35.15.01.2001","year":2024,"iks":0.5,"ike":0.5,"ikl":null}`, field: "ikl", code: "missing"},
	{csv: "91.03.01.3007,2024,,,,0.9,", json: `{"village_code":"91.03.01.3007","year":2024,"score":0.9}`},
	{csv: "35.15.01.2001,2024,,,,1.0001,", json: `{"village_code":"35.15.01.2001","year":2024,"score":1.0001}`, field: "score", code: "out_of_range"},
	{csv: "35.15.01.2002,2024,,,,x,", json: `{"village_code":"35.15.01.2002","year":2024,"score":"x"}`, field: "score", code: "not_a_number"},
	{csv: "35.15.01.2001,2024,,,,,maju", json: `{"village_code":"35.15.01.2001","year":2024,"status":"maju"}`, field: "score", code: "missing"},
	{csv: "35.15.01.2002,2024,0.4907,0.4907,0.4908,,", json: `{"village_code":"35.15.01.2002","year":2024,"iks":0.4907,"ike":0.4907,"ikl":0.4908}`},
	{csv: "35.15.01.2002,2024,0.5,0.5", json: `{"village_code":"35.15.01.2002","year":2024,"iks":0.5,"extra":1}`, field: "", code: "malformed"},
	{csv: "35.15.01.2002,2024,0.5,0.5,0.5,,,", json: `42`, field: "", code: "malformed"},
	{json: `{"village_code":"35.15.01.2002","year":true}`, field: "year", code: "malformed"},
	{json: `{"village_code":"35.15.01.2002","year":2024,"iks":{"v":1},"ike":0.5,"ikl":0.5}`, field: "iks", code: "malformed"},
	{csv: "64.01.01.2010,2020,,,,,", json: `{"village_code":"64.01.01.2010","year":2020,"status":null}`, field: "score", code: "missing"},
}

// importBody builds the test import in a format and the errors it must
// report.
func importBody(format string) (body string, rows int, errs []httpapi.ImportError) {
	var lines []string
	for _, r := range importRows {
		line := r.csv
		if format == "json" {
			line = r.json
		}
		if line == "" {
			continue
		}
		rows++
		lines = append(lines, line)
		if r.code != "" {
			field, code := r.field, r.code
			if format == "json" && line == `{"village_code":"35.15.01.2002","year":2024,"iks":0.5,"extra":1}` {
				field, code = "extra", "unknown_field"
			}
			errs = append(errs, httpapi.ImportError{Row: rows, Field: field, Code: code})
		}
	}
	if format == "json" {
		return "[\n" + strings.Join(lines, ",\n") + "\n]", rows, errs
	}
	return scoreHeader + "\n" + strings.Join(lines, "\n") + "\n", rows, errs
}

var contentTypes = map[string]string{"csv": "text/csv", "json": "application/json"}

// importScores posts an import with the indicators key.
func (a *api) importScores(t *testing.T, query, contentType, body string) response {
	t.Helper()
	return a.do(t, request{method: http.MethodPost, target: "/v1/imports?kind=scores&framework=idm" + query,
		body: body, contentType: contentType, key: a.indicators})
}

// ignoreReportIdentity ignores what differs between runs of one import.
var ignoreReportIdentity = cmpopts.IgnoreFields(httpapi.ImportReport{}, "ID", "CreatedAt")

// withoutMessages blanks the messages of a report's errors after checking
// that each has one.
func withoutMessages(t *testing.T, r httpapi.ImportReport) httpapi.ImportReport {
	t.Helper()
	errs := make([]httpapi.ImportError, len(r.Errors))
	for i, e := range r.Errors {
		if e.Message == "" {
			t.Errorf("error %+v has no message", e)
		}
		e.Message = ""
		errs[i] = e
	}
	r.Errors = errs
	return r
}

// storedScores lists every stored IDM 2024 score as "code score status derived".
func storedScores(t *testing.T, a *api) []string {
	t.Helper()
	out := []string{}
	for _, code := range append(append([]string{}, scoreDesa...), allCodes(4)...) {
		if code == "" {
			continue
		}
		for _, s := range a.scoresOf(t, code, "") {
			line := fmt.Sprintf("%s %s %d", s.VillageCode, s.Framework, s.Year)
			if s.Score != nil {
				line += " " + s.Score.String()
			}
			if s.Status != nil {
				line += " " + *s.Status
			}
			if s.DerivedStatus != nil {
				line += " " + *s.DerivedStatus
			}
			if !containsString(out, line) {
				out = append(out, line)
			}
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// wantStored is what the test import stores when its valid rows land.
var wantStored = []string{
	"35.15.01.2002 idm 2024 0.4907 sangat_tertinggal sangat_tertinggal",
	"64.01.01.2009 idm 2024 0.7444 maju maju",
	"64.01.01.2010 idm 2024 0.7410 berkembang maju",
	"91.03.01.3007 idm 2024 0.9000 mandiri mandiri",
}

// TestImportModes runs the test import, CSV and JSON, on both engines:
// atomic (refused, nothing stored), dry run (nothing stored, the same
// report), partial (exactly the valid rows stored) and again (unchanged).
func TestImportModes(t *testing.T) {
	for _, format := range []string{"csv", "json"} {
		t.Run(format, func(t *testing.T) {
			body, rows, errs := importBody(format)
			eachEngine(t, func(t *testing.T, a *api) {
				ct := contentTypes[format]
				want := httpapi.ImportReport{Kind: "scores", Framework: "idm", Mode: "atomic", CodeEdition: 2025,
					Format: format, Rows: rows, Inserted: 4, Rejected: len(errs), Errors: errs, Translations: []httpapi.Translation{}}

				// Atomic: refused with the report, nothing stored.
				res := a.importScores(t, "", ct, body)
				wantStatus(t, "atomic", res, http.StatusUnprocessableEntity)
				failure := decode[httpapi.ImportFailure](t, res)
				if diff := cmp.Diff(want, withoutMessages(t, failure.ImportReport), ignoreReportIdentity); diff != "" {
					t.Errorf("atomic report mismatch (-want +got):\n%s", diff)
				}
				if !strings.Contains(failure.Detail, "nothing was stored") {
					t.Errorf("atomic detail = %q", failure.Detail)
				}
				if diff := cmp.Diff([]string{}, storedScores(t, a)); diff != "" {
					t.Errorf("atomic import stored scores (-want +got):\n%s", diff)
				}
				// Its report is kept.
				got := a.getImport(t, failure.ID)
				if diff := cmp.Diff(failure.ImportReport, got); diff != "" {
					t.Errorf("GET atomic report mismatch (-stored +got):\n%s", diff)
				}
				// Every message says something about its row.
				for _, e := range failure.Errors {
					if e.Code == "duplicate" && !strings.Contains(e.Message, "repeats row 1") {
						t.Errorf("duplicate message %q does not name row 1", e.Message)
					}
				}

				// A dry run reports what partial mode would do and stores nothing.
				want.Mode, want.DryRun = "partial", true
				res = a.importScores(t, "&mode=partial&dry_run=true&source=test", ct, body)
				wantStatus(t, "dry run", res, http.StatusCreated)
				want.Source = "test"
				dry := decode[httpapi.ImportReport](t, res)
				if diff := cmp.Diff(want, withoutMessages(t, dry), ignoreReportIdentity); diff != "" {
					t.Errorf("dry run report mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]string{}, storedScores(t, a)); diff != "" {
					t.Errorf("dry run stored scores (-want +got):\n%s", diff)
				}

				// Partial: exactly the valid rows land.
				want.DryRun, want.Applied = false, true
				res = a.importScores(t, "&mode=partial&source=test", ct, body)
				wantStatus(t, "partial", res, http.StatusCreated)
				partial := decode[httpapi.ImportReport](t, res)
				if diff := cmp.Diff(want, withoutMessages(t, partial), ignoreReportIdentity); diff != "" {
					t.Errorf("partial report mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(dry.Errors, partial.Errors); diff != "" {
					t.Errorf("dry run and partial errors differ (-dry +partial):\n%s", diff)
				}
				if loc := res.header.Get("Location"); loc != "/v1/imports/"+partial.ID {
					t.Errorf("Location = %q, want /v1/imports/%s", loc, partial.ID)
				}
				if diff := cmp.Diff(partial, a.getImport(t, partial.ID)); diff != "" {
					t.Errorf("GET partial report mismatch (-posted +got):\n%s", diff)
				}
				if diff := cmp.Diff(wantStored, storedScores(t, a)); diff != "" {
					t.Errorf("partial stored mismatch (-want +got):\n%s", diff)
				}
				for _, s := range a.scoresOf(t, "64.01.01.2009", "idm") {
					if s.ImportID == nil || *s.ImportID != partial.ID || s.Source != "test" {
						t.Errorf("stored score names import %v, source %q; want %s, test", s.ImportID, s.Source, partial.ID)
					}
				}

				// The same file again changes nothing.
				want.Inserted, want.Unchanged, want.Applied = 0, 4, false
				res = a.importScores(t, "&mode=partial&source=again", ct, body)
				wantStatus(t, "again", res, http.StatusCreated)
				if diff := cmp.Diff(want, withoutMessages(t, decode[httpapi.ImportReport](t, res)), ignoreReportIdentity,
					cmpopts.IgnoreFields(httpapi.ImportReport{}, "Source")); diff != "" {
					t.Errorf("re-import report mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(wantStored, storedScores(t, a)); diff != "" {
					t.Errorf("re-import changed scores (-want +got):\n%s", diff)
				}
				// Unchanged rows keep the import and source that wrote them.
				for _, s := range a.scoresOf(t, "64.01.01.2009", "idm") {
					if s.ImportID == nil || *s.ImportID != partial.ID || s.Source != "test" {
						t.Errorf("unchanged score now names import %v, source %q; want %s, test", s.ImportID, s.Source, partial.ID)
					}
				}
			})
		})
	}
}

// getImport reads a stored import report.
func (a *api) getImport(t *testing.T, id string) httpapi.ImportReport {
	t.Helper()
	res := a.do(t, request{target: "/v1/imports/" + id})
	wantStatus(t, "GET /v1/imports/"+id, res, http.StatusOK)
	return decode[httpapi.ImportReport](t, res)
}

// TestImportUpdates: a second file that changes one score and adds one
// reports exactly that, and the changed row names the new import.
func TestImportUpdates(t *testing.T) {
	first := scoreHeader + "\n64.01.01.2009,2024,0.8000,0.9000,0.5333,,\n64.01.01.2010,2024,,,,0.6,\n91.03.01.3007,2024,,,,0.55,\n"
	second := scoreHeader + "\n64.01.01.2009,2024,0.8000,0.9000,0.5333,,\n64.01.01.2010,2024,,,,0.7410,berkembang\n" +
		"91.03.01.3007,2024,,,,0.5500,\n35.15.01.2001,2024,,,,0.4907,\n"
	eachEngine(t, func(t *testing.T, a *api) {
		res := a.importScores(t, "&source=first", "text/csv", first)
		wantStatus(t, "first", res, http.StatusCreated)
		one := decode[httpapi.ImportReport](t, res)
		res = a.importScores(t, "&source=second", "text/csv; charset=utf-8", second)
		wantStatus(t, "second", res, http.StatusCreated)
		two := decode[httpapi.ImportReport](t, res)
		want := httpapi.ImportReport{Kind: "scores", Framework: "idm", Mode: "atomic", Source: "second", CodeEdition: 2025,
			Format: "csv", Rows: 4, Inserted: 1, Updated: 1, Unchanged: 2, Applied: true,
			Errors: []httpapi.ImportError{}, Translations: []httpapi.Translation{}}
		if diff := cmp.Diff(want, two, ignoreReportIdentity); diff != "" {
			t.Errorf("second report mismatch (-want +got):\n%s", diff)
		}
		importOf := map[string]string{}
		for _, code := range scoreDesa {
			for _, s := range a.scoresOf(t, code, "idm") {
				importOf[code] = deref(s.ImportID) + " " + s.Source
			}
		}
		wantImports := map[string]string{
			"64.01.01.2009": one.ID + " first",  // unchanged
			"64.01.01.2010": two.ID + " second", // updated
			"91.03.01.3007": one.ID + " first",  // unchanged: the same score
			"35.15.01.2001": two.ID + " second", // inserted
		}
		if diff := cmp.Diff(wantImports, importOf); diff != "" {
			t.Errorf("import of each score mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{
			"35.15.01.2001 idm 2024 0.4907 sangat_tertinggal sangat_tertinggal",
			"64.01.01.2009 idm 2024 0.7444 maju maju",
			"64.01.01.2010 idm 2024 0.7410 berkembang maju",
			"91.03.01.3007 idm 2024 0.5500 tertinggal tertinggal",
		}, storedScores(t, a)); diff != "" {
			t.Errorf("stored mismatch (-want +got):\n%s", diff)
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestImportCodeEdition2022 translates Kepmendagri 2022 codes through the
// crosswalk and reports each translation.
func TestImportCodeEdition2022(t *testing.T) {
	body := scoreHeader + "\n" +
		"64.01.02.2001,2024,,,,0.7073,\n" + // renumbered → 64.01.01.2010
		"6401012009,2024,,,,0.7072,\n" + // unchanged code: no translation
		"99.99.99.2999,2024,,,,0.5,\n" + // not in the crosswalk
		"35.78.09.1001,2024,,,,0.5,\n" + // renumbered onto a kelurahan
		"64.01.01.2010,2024,,,,0.6,\n" + // the 2022 code 64.01.01.2010 is not in the crosswalk as such… it is: identity
		"91.03.01.3007,2024,,,,0.8156,\n"
	eachEngine(t, func(t *testing.T, a *api) {
		res := a.importScores(t, "&code_edition=2022&mode=partial", "text/csv", body)
		wantStatus(t, "import", res, http.StatusCreated)
		got := withoutMessages(t, decode[httpapi.ImportReport](t, res))
		want := httpapi.ImportReport{Kind: "scores", Framework: "idm", Mode: "partial", CodeEdition: 2022, Format: "csv",
			Rows: 6, Inserted: 3, Rejected: 3, Translated: 2, Applied: true,
			Errors: []httpapi.ImportError{
				{Row: 3, Field: "village_code", Code: "unknown_village"},
				{Row: 4, Field: "village_code", Code: "kelurahan"},
				{Row: 5, Field: "village_code", Code: "duplicate"}, // 64.01.01.2010 came as row 1
			},
			Translations: []httpapi.Translation{
				{Row: 1, From: "64.01.02.2001", To: "64.01.01.2010"},
				{Row: 4, From: "35.78.09.1001", To: "35.78.21.1001"},
			}}
		if diff := cmp.Diff(want, got, ignoreReportIdentity); diff != "" {
			t.Errorf("report mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{
			"64.01.01.2009 idm 2024 0.7072 berkembang berkembang",
			"64.01.01.2010 idm 2024 0.7073 maju maju",
			"91.03.01.3007 idm 2024 0.8156 mandiri mandiri",
		}, storedScores(t, a)); diff != "" {
			t.Errorf("stored mismatch (-want +got):\n%s", diff)
		}
		// With the 2025 edition the 2022 code is unknown.
		res = a.importScores(t, "", "text/csv", scoreHeader+"\n64.01.02.2001,2024,,,,0.7073,\n")
		wantStatus(t, "2025 edition", res, http.StatusUnprocessableEntity)
		f := decode[httpapi.ImportFailure](t, res)
		if diff := cmp.Diff([]httpapi.ImportError{{Row: 1, Field: "village_code", Code: "unknown_village"}},
			withoutMessages(t, f.ImportReport).Errors); diff != "" {
			t.Errorf("2025 edition errors mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestImportHeader pins what a wrong CSV header answers.
func TestImportHeader(t *testing.T) {
	tests := []struct {
		name   string
		header string
		status int
		errors []httpapi.ImportError
	}{
		{"unknown column", scoreHeader + ",foo", 422, []httpapi.ImportError{{Field: "foo", Code: "bad_header"}}},
		{"a column of another framework", "village_code,year,sosial", 422, []httpapi.ImportError{{Field: "sosial", Code: "bad_header"}}},
		{"missing year", "village_code,iks,ike,ikl", 422, []httpapi.ImportError{{Field: "year", Code: "bad_header"}}},
		{"missing village_code", "kode,year,score", 422, []httpapi.ImportError{{Field: "kode", Code: "bad_header"}, {Field: "village_code", Code: "bad_header"}}},
		{"column twice", "village_code,year,score,score", 422, []httpapi.ImportError{{Field: "score", Code: "bad_header"}}},
		{"empty column name", "village_code,year,,score", 422, []httpapi.ImportError{{Field: "", Code: "bad_header"}}},
		{"only the required columns", "village_code,year", 201, nil},
		{"any order, any case, a BOM and spaces", "\ufeffYEAR, Village_Code ,SCORE", 201, nil},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := a.importScores(t, "&mode=partial", "text/csv", tt.header+"\n")
				wantStatus(t, tt.name, res, tt.status)
				if tt.status != 422 {
					return
				}
				f := decode[httpapi.ImportFailure](t, res)
				if diff := cmp.Diff(tt.errors, withoutMessages(t, f.ImportReport).Errors); diff != "" {
					t.Errorf("errors mismatch (-want +got):\n%s", diff)
				}
				if f.Rows != 0 || f.Applied || f.ID == "" {
					t.Errorf("report = %+v, want no rows, not applied, an id", f.ImportReport)
				}
				if diff := cmp.Diff(f.ImportReport, a.getImport(t, f.ID)); diff != "" {
					t.Errorf("GET report mismatch (-posted +got):\n%s", diff)
				}
			})
		}
		// The headers that were accepted are usable.
		res := a.importScores(t, "", "text/csv", "\ufeffYEAR, Village_Code ,SCORE\n2024,64.01.01.2009,0.7073\n")
		wantStatus(t, "reordered header", res, http.StatusCreated)
		if diff := cmp.Diff([]string{"64.01.01.2009 idm 2024 0.7073 maju maju"}, storedScores(t, a)); diff != "" {
			t.Errorf("stored mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestImportRequestErrors: requests refused before any row is read, and
// bodies that cannot be read as rows. None stores anything.
func TestImportRequestErrors(t *testing.T) {
	good := scoreHeader + "\n64.01.01.2009,2024,,,,0.5,\n"
	const indicators, writer, reader, none = "indicators", "writer", "reader", "none"
	tests := []struct {
		name   string
		query  string // after /v1/imports
		ct     string
		body   string
		key    string
		status int
		fields []string
	}{
		{"no key", "?kind=scores&framework=idm", "text/csv", good, none, 401, nil},
		{"read key", "?kind=scores&framework=idm", "text/csv", good, reader, 403, nil},
		{"write:regions key", "?kind=scores&framework=idm", "text/csv", good, writer, 403, nil},

		{"no kind", "?framework=idm", "text/csv", good, indicators, 400, []string{"kind"}},
		{"unknown kind", "?kind=programs&framework=idm", "text/csv", good, indicators, 400, []string{"kind"}},
		{"no framework", "?kind=scores", "text/csv", good, indicators, 400, []string{"framework"}},
		{"unknown framework", "?kind=scores&framework=sdgs", "text/csv", good, indicators, 400, []string{"framework"}},
		{"unknown mode", "?kind=scores&framework=idm&mode=fast", "text/csv", good, indicators, 400, []string{"mode"}},
		{"mode and framework wrong", "?kind=scores&framework=sdgs&mode=fast", "text/csv", good, indicators, 400, []string{"mode", "framework"}},
		{"unknown code edition", "?kind=scores&framework=idm&code_edition=2023", "text/csv", good, indicators, 400, []string{"code_edition"}},
		{"code edition not a number", "?kind=scores&framework=idm&code_edition=new", "text/csv", good, indicators, 400, []string{"code_edition"}},
		{"dry_run not a boolean", "?kind=scores&framework=idm&dry_run=maybe", "text/csv", good, indicators, 400, []string{"dry_run"}},
		{"source too long", "?kind=scores&framework=idm&source=" + strings.Repeat("s", 201), "text/csv", good, indicators, 400, []string{"source"}},

		{"plain text", "?kind=scores&framework=idm", "text/plain", good, indicators, 415, nil},
		{"no content type", "?kind=scores&framework=idm", "none", good, indicators, 415, nil},
		{"xml", "?kind=scores&framework=idm", "application/xml", "<rows/>", indicators, 415, nil},
		{"a form", "?kind=scores&framework=idm", "multipart/form-data; boundary=x", good, indicators, 415, nil},

		{"empty CSV", "?kind=scores&framework=idm", "text/csv", "", indicators, 400, nil},
		{"empty JSON", "?kind=scores&framework=idm", "application/json", "", indicators, 400, nil},
		{"bare quote", "?kind=scores&framework=idm&mode=partial", "text/csv", good + "64.01.01.2010,2024,,,,0\"5,\n", indicators, 400, nil},
		{"quote not closed", "?kind=scores&framework=idm&mode=partial", "text/csv", good + "\"64.01.01.2010,2024,,,,0.5,\n", indicators, 400, nil},
		{"bare quote in the header", "?kind=scores&framework=idm", "text/csv", "village\"_code,year\n", indicators, 400, nil},
		{"JSON object, not an array", "?kind=scores&framework=idm", "application/json", `{"village_code":"64.01.01.2009"}`, indicators, 400, nil},
		{"JSON array not closed", "?kind=scores&framework=idm&mode=partial", "application/json", `[{"village_code":"64.01.01.2009","year":2024}`, indicators, 400, nil},
		{"JSON cut in a row", "?kind=scores&framework=idm&mode=partial", "application/json", `[{"village_code":"64.01.01.2009","year":20`, indicators, 400, nil},
		{"not JSON", "?kind=scores&framework=idm&mode=partial", "application/json", `[{"village_code":"64.01.01.2009",}]`, indicators, 400, nil},
		{"a second JSON array", "?kind=scores&framework=idm&mode=partial", "application/json",
			`[{"village_code":"64.01.01.2009","year":2024,"score":0.5}] [{"village_code":"64.01.01.2010","year":2024,"score":0.5}]`, indicators, 400, nil},
		{"text after the JSON array", "?kind=scores&framework=idm&mode=partial", "application/json",
			`[{"village_code":"64.01.01.2009","year":2024,"score":0.5}] ok`, indicators, 400, nil},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		keys := map[string]string{indicators: a.indicators, writer: a.writer, reader: a.reader, none: ""}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := a.do(t, request{method: http.MethodPost, target: "/v1/imports" + tt.query, body: tt.body,
					contentType: tt.ct, key: keys[tt.key]})
				wantStatus(t, tt.name, res, tt.status)
				if diff := cmp.Diff(tt.fields, fieldsOf(problemOf(t, res))); diff != "" {
					t.Errorf("problem fields mismatch (-want +got):\n%s", diff)
				}
			})
		}
		if diff := cmp.Diff([]string{}, storedScores(t, a)); diff != "" {
			t.Errorf("refused imports stored scores (-want +got):\n%s", diff)
		}
		// Empty but well-formed bodies are imports of no rows.
		for ct, body := range map[string]string{"text/csv": scoreHeader + "\n", "application/json": "[]\n"} {
			res := a.importScores(t, "", ct, body)
			wantStatus(t, ct+" without rows", res, http.StatusCreated)
			if r := decode[httpapi.ImportReport](t, res); r.Rows != 0 || r.Applied {
				t.Errorf("%s without rows: report %+v", ct, r)
			}
		}
	})
}

func TestGetImportNotFound(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		for _, id := range []string{"0193a5b2c4d8e7f6a1b2c3d4e5f60718", "x"} {
			res := a.do(t, request{target: "/v1/imports/" + id})
			wantStatus(t, id, res, http.StatusNotFound)
		}
	})
}

// rowGenerator streams a CSV import of about size bytes without holding
// it: a header, then the same padded row over and over. It counts what
// was read.
type rowGenerator struct {
	size, read int
	pending    []byte
	row        []byte
}

func newRowGenerator(size int) *rowGenerator {
	// 250 bytes a row keeps a 32 MB body under the 200,000-row limit, so
	// that the byte limit is what stops it.
	row := "64.01.01.2009,2024," + strings.Repeat(" ", 220) + "0.5,0.5,0.5,,\n"
	return &rowGenerator{size: size, pending: []byte(scoreHeader + "\n"), row: []byte(row)}
}

func (g *rowGenerator) Read(p []byte) (int, error) {
	if g.read >= g.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && g.read < g.size {
		if len(g.pending) == 0 {
			g.pending = g.row
		}
		c := copy(p[n:], g.pending)
		g.pending = g.pending[c:]
		n += c
		g.read += c
	}
	return n, nil
}

// TestImportBodyLimit: a body over the import limit is a 413 whether its
// length is announced or only found while reading, and nothing is stored;
// a body under it is read whole.
func TestImportBodyLimit(t *testing.T) {
	const mb = 1_000_000 // Echo's "1M"
	eachEngine(t, func(t *testing.T, a *api) {
		// eachEngine's api has the default limit; build one with 1M.
		a = newAPIWith(t, a.s, httpapi.Config{ImportBodyLimit: "1M"})
		var big strings.Builder
		g := newRowGenerator(2 * mb)
		if _, err := io.Copy(&big, g); err != nil {
			t.Fatal(err)
		}
		res := a.do(t, request{method: http.MethodPost, target: "/v1/imports?kind=scores&framework=idm&mode=partial",
			body: big.String(), contentType: "text/csv", key: a.indicators})
		wantStatus(t, "2 MB with Content-Length", res, http.StatusRequestEntityTooLarge)

		g = newRowGenerator(2 * mb)
		res = a.do(t, request{method: http.MethodPost, target: "/v1/imports?kind=scores&framework=idm&mode=partial",
			bodyReader: g, contentType: "text/csv", key: a.indicators})
		wantStatus(t, "2 MB streamed", res, http.StatusRequestEntityTooLarge)
		if p := problemOf(t, res); !strings.Contains(p.Detail, "import limit") {
			t.Errorf("detail = %q, want it to name the import limit", p.Detail)
		}
		if g.read > mb+256*1024 {
			t.Errorf("the server read %d bytes of a body over its 1 MB limit", g.read)
		}
		if diff := cmp.Diff([]string{}, storedScores(t, a)); diff != "" {
			t.Errorf("a refused import stored scores (-want +got):\n%s", diff)
		}

		// Just under the limit: read whole. Every row after the first repeats it.
		g = newRowGenerator(mb - 4096)
		res = a.do(t, request{method: http.MethodPost, target: "/v1/imports?kind=scores&framework=idm&mode=partial",
			bodyReader: g, contentType: "text/csv", key: a.indicators})
		wantStatus(t, "under the limit", res, http.StatusCreated)
		r := decode[httpapi.ImportReport](t, res)
		rows := (mb - 4096 - len(scoreHeader) - 1) / len(g.row)
		if r.Rows < rows || r.Inserted != 1 || r.Rejected != r.Rows-1 || len(r.Errors) != 1000 {
			t.Errorf("under the limit: rows %d (want ≥ %d), inserted %d, rejected %d, %d errors shown (want 1000)",
				r.Rows, rows, r.Inserted, r.Rejected, len(r.Errors))
		}
	})
}

// TestImportDefaultLimit streams 50 MB against the default 32M limit.
func TestImportDefaultLimit(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		g := newRowGenerator(50_000_000)
		res := a.do(t, request{method: http.MethodPost, target: "/v1/imports?kind=scores&framework=idm",
			bodyReader: g, contentType: "text/csv", key: a.indicators})
		wantStatus(t, "50 MB", res, http.StatusRequestEntityTooLarge)
		if p := problemOf(t, res); !strings.Contains(p.Detail, "import limit") {
			t.Errorf("detail = %q, want it to name the import limit (not the row limit)", p.Detail)
		}
		if g.read < 32_000_000 || g.read > 33_000_000 {
			t.Errorf("the server read %d bytes; want it to stop just past 32 MB", g.read)
		}
		n, err := a.s.CountScores(context.Background(), "idm")
		if err != nil || n != 0 {
			t.Errorf("stored %d scores (%v), want none", n, err)
		}
	})
}

// cutShort reads r, then fails with err, as a request body does when its
// client goes away mid-upload or stalls past the server's read timeout.
type cutShort struct {
	r   io.Reader
	err error
}

func (c cutShort) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF {
		err = c.err
	}
	return n, err
}

// TestImportBodyCutShort: a body that ends before its client sent it all,
// or whose client stalls, is the client's failure (400), in the header or
// among the rows, not the database's (503, as the same errors from the
// driver would be), and nothing is stored.
func TestImportBodyCutShort(t *testing.T) {
	rows := scoreHeader + "\n" + strings.Repeat("64.01.01.2009,2024,,,,0.5,\n", 3)
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tc := range []struct{ what, ct, body string }{
			{"in the CSV header", "text/csv", scoreHeader[:10]},
			{"among the CSV rows", "text/csv", rows},
			{"in the JSON array", "application/json", `[{"village_code":"64.01.01.2009","year":2024,"score":0.5}`},
			{"after the JSON array", "application/json", `[{"village_code":"64.01.01.2009","year":2024,"score":0.5}]`},
		} {
			for _, err := range []error{io.ErrUnexpectedEOF, os.ErrDeadlineExceeded} {
				res := a.do(t, request{method: http.MethodPost, target: "/v1/imports?kind=scores&framework=idm&mode=partial",
					bodyReader: cutShort{strings.NewReader(tc.body), err}, contentType: tc.ct, key: a.indicators})
				wantStatus(t, fmt.Sprintf("a body cut short %s (%v)", tc.what, err), res, http.StatusBadRequest)
			}
		}
		if diff := cmp.Diff([]string{}, storedScores(t, a)); diff != "" {
			t.Errorf("bodies cut short stored scores (-want +got):\n%s", diff)
		}
	})
}
