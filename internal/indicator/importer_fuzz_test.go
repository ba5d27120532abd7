package indicator

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
)

// importFake is the part of Store an import uses, held in memory: a few
// villages and regions, two catalogue entries, and writes that count. Any
// other Store method panics through the nil embedded interface, which the
// fuzzer would report.
type importFake struct {
	Store
	saved int
}

func (importFake) VillageTypes(context.Context) (map[string]string, error) {
	return map[string]string{"64.01.01.2009": "desa", "64.01.01.2010": "desa", "35.78.01.1001": "kelurahan",
		"91.03.01.3007": "desa_adat"}, nil
}

func (importFake) RegionCodes(context.Context) (map[string]bool, error) {
	return map[string]bool{"64": true, "64.01": true, "64.01.01": true, "64.01.01.2009": true, "64.01.01.2010": true,
		"35.78.01.1001": true, "91.03.01.3007": true}, nil
}

func (importFake) Indicators(context.Context, IndicatorFilter) ([]Indicator, int, error) {
	zero, five := fixed.Dec(0), fixed.FromFloat(5)
	one := 1
	return []Indicator{
		{Code: "idm_iks_01", Framework: "idm", Dimension: "iks", Number: &one, Min: &zero, Max: &five},
		{Code: "population", HigherIsBetter: true},
	}, 2, nil
}

func (importFake) UpsertScores(_ context.Context, s []Score) (int, int, error) { return len(s), 0, nil }
func (importFake) UpsertValues(_ context.Context, v []Value) (int, int, error) { return 0, len(v), nil }
func (f *importFake) SaveImport(context.Context, Report) error                 { f.saved++; return nil }
func (f *importFake) InTx(_ context.Context, fn func(Store) error) error       { return fn(f) }

// importSeeds are bodies for both kinds: valid rows, wrong headers, quotes,
// a byte-order mark, empty bodies, huge numbers and bad codes.
var importSeeds = []string{
	"village_code,year,iks,ike,ikl,score,status\n64.01.01.2009,2024,0.8,0.9,0.5333,,\n6401012010,2024,0.7,0.7,0.7,0.7410,berkembang\n",
	"\ufeffvillage_code,year,score\n91.03.01.3007,2024,0.9\n",
	"village_code,year,score,score\n64.01.01.2009,2024,0.5,0.5\n",
	"kode,tahun\n1,2\n",
	"village_code,year,,score\n",
	"",
	"\n\n",
	"village_code,year,iks\n\"64.01.01.2009\",\"2024\",\"0.5\"\n\"64.01.01.2010\",2024,\"0\"\"5\"\n",
	"village_code,year,iks\n64.01.01.2009,2024,\"0.5\n",
	"village_code,year,iks\n64.01.01.2009,2024,0.5\"x\n",
	"village_code,year,score\n64.01.01.2009,99999999999999999999999,0.5\n64.01.01.2010,2024,1e308\n64.01.01.2009,2024,-0.00001\n",
	"village_code,year,score\n64.01.01,2024,0.5\n35.78.01.1001,2024,0.5\n64.01.01.2999,2024,0.5\n,2024,0.5\n٦٤.٠١.٠١.٢٠٠٩,2024,0.5\n",
	"village_code,year,score\n64.01.01.2009,2024,0.5,extra\n64.01.01.2009,2024\n64.01.01.2009,2024,0.5\n64.01.01.2009,2024,0.5\n",
	"region_code,indicator_code,year,value\n64,population,2024,3850000\n64.01.01.2009,idm_iks_01,2024,5\n64.01,idm_iks_01,2024,6\n64,nope,2024,1\n",
	"region_code,indicator_code,year,value\n64,population,2024,99999999999999999999.99999\n64,population,1800,1\n",
	"village_code,year,dimension,number,score\n64.01.01.2009,2024,IKS,1,4\n64.01.01.2010,2024,IKX,1,4\n64.01.01.2010,2024,iks,x,4\n",
	`[{"village_code":"64.01.01.2009","year":2024,"iks":0.5,"ike":0.5,"ikl":0.5},42,{"year":true},{"extra":1}]`,
	`[{"region_code":"64","indicator_code":"population","year":2024,"value":"1"},{"village_code":"64.01.01.2009"}]`,
	`[{"village_code":"64.01.01.2009"`,
	`{"village_code":"64.01.01.2009"}`,
}

// knownColumns are the columns a row error may name (besides a JSON row's
// own unknown field).
var knownColumns = append(append(append([]string{"score", "status"}, valueColumns...), idmValueColumns...),
	"iks", "ike", "ikl", "layanan_dasar", "sosial", "ekonomi", "lingkungan", "aksesibilitas", "tata_kelola")

var problemCodes = []string{CodeUnknownVillage, CodeUnknownRegion, CodeUnknownIndicator, CodeKelurahan,
	CodeOutOfRange, CodeNotANumber, CodeDuplicate, CodeWrongYear, CodeBadHeader, CodeBadCode, CodeBadStatus,
	CodeMissing, CodeUnknownField, CodeMalformed, CodeForbidden}

// FuzzImport feeds arbitrary bodies to Service.Import, the import parser's
// entry point, with opts choosing the kind, format, mode, code edition and a
// province restriction. Nothing may panic; the import either succeeds or
// fails with a client error (bad request, invalid, too large — never an
// internal error); every rejected row is reported with its row number and a
// known problem code, and names its column unless the whole row is
// malformed; the counts add up.
func FuzzImport(f *testing.F) {
	for i, s := range importSeeds {
		for _, opts := range []uint8{0, 1, 2, 4, 8, 16} {
			f.Add(s, opts^uint8(i%2))
		}
	}
	crosswalk := map[string]string{"64.01.01.2009": "64.01.01.2009", "64.01.01.2001": "64.01.01.2010"}
	f.Fuzz(func(t *testing.T, body string, opts uint8) {
		req := ImportRequest{Kind: KindScores, Framework: "idm", Format: FormatCSV, MaxRows: 64}
		if opts&1 != 0 {
			req.Kind, req.Framework = KindIndicatorValues, ""
		}
		if opts&2 != 0 {
			req.Mode = ModePartial
		}
		if opts&4 != 0 {
			req.CodeEdition = 2022
		}
		if opts&8 != 0 {
			req.Format = FormatJSON
		}
		if opts&16 != 0 {
			req.Provinces = []string{"64"}
		}
		req.DryRun = opts&32 != 0
		store := &importFake{}
		svc := NewService(store, nil, crosswalk, func() string { return "fuzz" })
		rep, err := svc.Import(context.Background(), req, strings.NewReader(body))
		desc := fmt.Sprintf("import %+v of %q", req, body)
		switch kind := apperr.KindOf(err); {
		case err == nil:
		case kind == apperr.BadRequest || kind == apperr.TooLarge:
			if rep.Rejected != 0 || len(rep.Errors) != 0 {
				t.Fatalf("%s: %v, with a report of %d row errors", desc, err, len(rep.Errors))
			}
			return // the body as a whole is refused: not readable, or too many rows
		case kind == apperr.Invalid:
			if len(rep.Errors) == 0 {
				t.Fatalf("%s: refused as invalid (%v) without naming a row or column", desc, err)
			}
		default:
			t.Fatalf("%s: error of kind %s: %v", desc, kind, err)
		}
		if store.saved != 1 {
			t.Fatalf("%s: the report was saved %d times, want once", desc, store.saved)
		}
		headerRefused := len(rep.Errors) > 0 && rep.Errors[0].Code == CodeBadHeader
		counted := rep.Inserted + rep.Updated + rep.Unchanged + rep.Rejected
		switch {
		case headerRefused && (err == nil || rep.Rows != 0 || counted != 0):
			t.Fatalf("%s: a wrong header (%v), yet %d rows read and %d counted", desc, err, rep.Rows, counted)
		case !headerRefused && counted != rep.Rows:
			t.Fatalf("%s: %d rows, but %d inserted + updated + unchanged + rejected", desc, rep.Rows, counted)
		case !headerRefused && (rep.Rejected < len(rep.Errors) || len(rep.Errors) < min(rep.Rejected, MaxErrorsShown)):
			t.Fatalf("%s: %d rejected, %d errors shown", desc, rep.Rejected, len(rep.Errors))
		}
		if rep.Applied && (req.DryRun || err != nil) {
			t.Fatalf("%s: applied a dry run or a refused import (%v)", desc, err)
		}
		for _, e := range rep.Errors {
			if !slices.Contains(problemCodes, e.Code) || e.Message == "" {
				t.Fatalf("%s: row error %+v has an unknown code or no message", desc, e)
			}
			if headerRefused != (e.Code == CodeBadHeader) {
				t.Fatalf("%s: row error %+v among header errors, or the reverse", desc, e)
			}
			if headerRefused {
				if e.Row != 0 {
					t.Fatalf("%s: header error %+v not at row 0", desc, e)
				}
				continue
			}
			if e.Row < 1 || e.Row > rep.Rows {
				t.Fatalf("%s: row error %+v outside rows 1..%d", desc, e, rep.Rows)
			}
			switch {
			case e.Field == "" && e.Code == CodeMalformed: // the whole row
			case e.Code == CodeUnknownField && req.Format == FormatJSON:
			case !slices.Contains(knownColumns, e.Field):
				t.Fatalf("%s: row error %+v names no column of the import", desc, e)
			}
		}
	})
}
