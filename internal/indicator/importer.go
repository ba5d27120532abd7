package indicator

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/region"
)

// Import kinds, modes and formats.
const (
	KindScores          = "scores"
	KindIndicatorValues = "indicator_values"

	ModeAtomic  = "atomic"  // any rejected row: nothing is stored
	ModePartial = "partial" // exactly the valid rows are stored

	FormatCSV  = "csv"
	FormatJSON = "json"
)

// Limits of one import. Rows are parsed and written in batches, so memory
// holds one batch plus the set of keys seen (to find duplicates).
const (
	MaxRows        = 200_000
	MaxErrorsShown = 1000
	batchSize      = 5000
)

// ImportRequest is what an importer asks for.
type ImportRequest struct {
	Kind        string
	Framework   string
	DryRun      bool
	Mode        string
	Source      string
	CodeEdition int // 2025 (default) or 2022
	Format      string
	KeyID       string
	// Provinces restricts the rows to villages in these provinces (the
	// importing key's restriction); empty: anywhere.
	Provinces []string
}

// RowError is one rejected row. Row counts data rows from 1 (the CSV header
// is row 0); Field names the column.
type RowError struct {
	Row     int
	Field   string
	Code    string
	Message string
}

// Translation records a row whose Kepmendagri 2022 code was translated.
type Translation struct {
	Row  int
	From string
	To   string
}

// Report is the outcome of an import, stored and returned.
type Report struct {
	ID           string
	Kind         string
	Framework    string
	DryRun       bool
	Mode         string
	Source       string
	CodeEdition  int
	Format       string
	Rows         int
	Inserted     int
	Updated      int
	Unchanged    int
	Rejected     int
	Translated   int
	Errors       []RowError // the first MaxErrorsShown
	Translations []Translation
	Applied      bool // whether anything was stored
	CreatedAt    time.Time
	KeyID        string
}

func (r *Report) reject(row int, field, code, format string, args ...any) {
	r.Rejected++
	if len(r.Errors) < MaxErrorsShown {
		r.Errors = append(r.Errors, RowError{row, field, code, fmt.Sprintf(format, args...)})
	}
}

// checkRequest validates the options and fills defaults.
func checkRequest(req *ImportRequest) (Framework, error) {
	var errs apperr.Fields
	if req.Mode == "" {
		req.Mode = ModeAtomic
	}
	if req.CodeEdition == 0 {
		req.CodeEdition = 2025
	}
	if req.Mode != ModeAtomic && req.Mode != ModePartial {
		errs.Add("mode", "must be atomic or partial, got %q", req.Mode)
	}
	if req.CodeEdition != 2025 && req.CodeEdition != 2022 {
		errs.Add("code_edition", "must be 2022 or 2025, got %d", req.CodeEdition)
	}
	if len(req.Source) > 200 {
		errs.Add("source", "is longer than 200 bytes")
	}
	var f Framework
	switch req.Kind {
	case KindScores:
		var err error
		if f, err = FrameworkByCode(req.Framework); err != nil {
			errs.Add("framework", "%s", err.(*apperr.Error).Message)
		}
	case KindIndicatorValues:
	default:
		errs.Add("kind", "must be scores or indicator_values, got %q", req.Kind)
	}
	if err := errs.Err(); err != nil {
		return f, &apperr.Error{Kind: apperr.BadRequest, Message: err.(*apperr.Error).Message, Fields: err.(*apperr.Error).Fields}
	}
	return f, nil
}

// Import reads rows from body and stores them as the request says. With
// errors in atomic mode, the report comes back with an Invalid error and
// nothing is stored; a dry run stores nothing either. Every report is kept
// and can be read back with ImportReport.
func (s *Service) Import(ctx context.Context, req ImportRequest, body io.Reader) (Report, error) {
	f, err := checkRequest(&req)
	if err != nil {
		return Report{}, err
	}
	if req.Kind != KindScores {
		return Report{}, apperr.New(apperr.BadRequest, "kind %s is not importable yet", req.Kind)
	}
	rep := Report{ID: s.newID(), Kind: req.Kind, Framework: req.Framework, DryRun: req.DryRun, Mode: req.Mode,
		Source: req.Source, CodeEdition: req.CodeEdition, Format: req.Format, KeyID: req.KeyID,
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond)} // as PostgreSQL keeps it
	rows, err := newRowReader(req.Format, body)
	if err != nil {
		return Report{}, err
	}
	cols := append([]string{"village_code", "year"}, componentCodes(f)...)
	cols = append(cols, "score", "status")
	if err := rows.checkHeader(cols, []string{"village_code", "year"}); err != nil {
		return s.refuseHeader(ctx, rep, err)
	}
	villages, err := s.store.VillageTypes(ctx)
	if err != nil {
		return Report{}, err
	}
	imp := &scoreImport{svc: s, f: f, req: req, rep: &rep, villages: villages, seen: map[Key]int{}}
	errRollback := errors.New("rollback")
	err = s.store.InTx(ctx, func(tx Store) error {
		if err := imp.run(ctx, tx, rows); err != nil {
			return err
		}
		if req.DryRun || req.Mode == ModeAtomic && rep.Rejected > 0 {
			return errRollback
		}
		rep.Applied = rep.Inserted+rep.Updated > 0
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return Report{}, err
	}
	if err := s.store.SaveImport(ctx, rep); err != nil {
		return Report{}, err
	}
	if req.Mode == ModeAtomic && rep.Rejected > 0 {
		return rep, apperr.New(apperr.Invalid, "%d of %d rows were rejected; nothing was stored (mode=atomic)", rep.Rejected, rep.Rows)
	}
	return rep, nil
}

// ImportReport returns a stored import report.
func (s *Service) ImportReport(ctx context.Context, id string) (Report, error) {
	r, err := s.store.ImportReport(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return Report{}, apperr.NotFoundf("no import with id %q", id)
	}
	return r, err
}

func componentCodes(f Framework) []string {
	out := make([]string, len(f.Components))
	for i, c := range f.Components {
		out[i] = c.Code
	}
	return out
}

// scoreImport is one running import of scores.
type scoreImport struct {
	svc      *Service
	f        Framework
	req      ImportRequest
	rep      *Report
	villages map[string]string
	seen     map[Key]int // key → row of its first occurrence
	batch    []Score
}

func (imp *scoreImport) run(ctx context.Context, tx Store, rows *rowReader) error {
	for {
		rec, err := rows.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		imp.rep.Rows++
		if imp.rep.Rows > MaxRows {
			return apperr.New(apperr.TooLarge, "an import holds at most %d rows; split the file", MaxRows)
		}
		if rec.err != nil {
			imp.rep.reject(imp.rep.Rows, rec.err.Field, rec.err.Code, "%s", rec.err.Message)
			continue
		}
		if sc, ok := imp.parse(imp.rep.Rows, rec.values); ok {
			sc.ImportID = imp.rep.ID
			imp.batch = append(imp.batch, sc)
		}
		if len(imp.batch) == batchSize {
			if err := imp.flush(ctx, tx); err != nil {
				return err
			}
		}
	}
	return imp.flush(ctx, tx)
}

// parse turns one row into a score, or rejects it with its first problem.
func (imp *scoreImport) parse(row int, vals map[string]string) (Score, bool) {
	rep := imp.rep
	code := vals["village_code"]
	if code == "" {
		rep.reject(row, "village_code", CodeMissing, "is required")
		return Score{}, false
	}
	dotted, err := region.ParseCodeAt(code, region.LevelVillage)
	if err != nil {
		rep.reject(row, "village_code", CodeBadCode, "%s", err.(*apperr.Error).Message)
		return Score{}, false
	}
	if imp.req.CodeEdition == 2022 {
		to, ok := imp.svc.crosswalk[dotted]
		if !ok {
			rep.reject(row, "village_code", CodeUnknownVillage, "%s is not in the Kepmendagri 2022→2025 crosswalk", dotted)
			return Score{}, false
		}
		if to != dotted {
			rep.Translated++
			if len(rep.Translations) < MaxErrorsShown {
				rep.Translations = append(rep.Translations, Translation{row, dotted, to})
			}
			dotted = to
		}
	}
	if prov, _, _ := strings.Cut(dotted, "."); len(imp.req.Provinces) > 0 && !slices.Contains(imp.req.Provinces, prov) {
		rep.reject(row, "village_code", CodeForbidden, "%s is outside the provinces this API key may write (%s)",
			dotted, strings.Join(imp.req.Provinces, ", "))
		return Score{}, false
	}
	typ, ok := imp.villages[dotted]
	if !ok {
		rep.reject(row, "village_code", CodeUnknownVillage, "no village with code %s", dotted)
		return Score{}, false
	}
	year, err := strconv.Atoi(strings.TrimSpace(vals["year"]))
	if err != nil {
		rep.reject(row, "year", CodeNotANumber, "must be a whole year, got %q", vals["year"])
		return Score{}, false
	}
	in := ScoreInput{Components: map[string]fixed.Dec{}, Status: strings.TrimSpace(vals["status"]), Source: imp.req.Source}
	for _, c := range imp.f.Components {
		s := strings.TrimSpace(vals[c.Code])
		if s == "" {
			continue
		}
		d, err := fixed.Parse(s)
		if err != nil {
			rep.reject(row, c.Code, CodeNotANumber, "must be a decimal number, got %q", s)
			return Score{}, false
		}
		in.Components[c.Code] = d
	}
	if s := strings.TrimSpace(vals["score"]); s != "" {
		d, err := fixed.Parse(s)
		if err != nil {
			rep.reject(row, "score", CodeNotANumber, "must be a decimal number, got %q", s)
			return Score{}, false
		}
		in.Score = &d
	}
	sc, probs := imp.f.NewScore(Village{Code: dotted, Type: typ}, year, in)
	if len(probs) > 0 {
		rep.reject(row, probs[0].Field, probs[0].Code, "%s", probs[0].Message)
		return Score{}, false
	}
	key := Key{dotted, year}
	if first, dup := imp.seen[key]; dup {
		rep.reject(row, "village_code", CodeDuplicate, "%s %d repeats row %d", dotted, year, first)
		return Score{}, false
	}
	imp.seen[key] = row
	return sc, true
}

// flush writes the batch and counts what was new, changed and unchanged.
// A dry run, or an atomic import that has rejected a row, writes too — its
// transaction is rolled back at the end — so that the report says exactly
// what the import would do.
func (imp *scoreImport) flush(ctx context.Context, tx Store) error {
	if len(imp.batch) == 0 {
		return nil
	}
	ins, upd, err := tx.UpsertScores(ctx, imp.batch)
	if err != nil {
		return err
	}
	imp.rep.Inserted += ins
	imp.rep.Updated += upd
	imp.rep.Unchanged += len(imp.batch) - ins - upd
	imp.batch = imp.batch[:0]
	return nil
}

// rowReader streams records from CSV (with a header) or a JSON array of
// objects, as maps from column to text.
type rowReader struct {
	header []string
	csv    *csv.Reader
	json   *json.Decoder
}

type record struct {
	values map[string]string
	err    *Problem
}

func newRowReader(format string, body io.Reader) (*rowReader, error) {
	switch format {
	case FormatCSV, "":
		cr := csv.NewReader(body)
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err == io.EOF {
			return nil, apperr.New(apperr.BadRequest, "the body is empty: want a CSV header row and data rows")
		}
		if err != nil {
			return nil, apperr.New(apperr.BadRequest, "the CSV header cannot be read: %s", csvErr(err))
		}
		for i := range header {
			header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")))
		}
		return &rowReader{header: header, csv: cr}, nil
	case FormatJSON:
		dec := json.NewDecoder(body)
		dec.UseNumber()
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, apperr.New(apperr.BadRequest, "the body is empty: want a JSON array of objects")
		}
		if d, ok := tok.(json.Delim); err != nil || !ok || d != '[' {
			return nil, apperr.New(apperr.BadRequest, "the body must be a JSON array of objects")
		}
		return &rowReader{json: dec}, nil
	}
	return nil, apperr.New(apperr.BadRequest, "unsupported format %q", format)
}

// checkHeader requires the CSV header to use known columns, each once, and
// to include the required ones. JSON rows are checked one by one.
func (r *rowReader) checkHeader(known, required []string) error {
	if r.csv == nil {
		r.header = known
		return nil
	}
	var errs apperr.Fields
	for i, h := range r.header {
		if !slices.Contains(known, h) {
			errs.Add(h, "unknown column %q (known: %s)", h, strings.Join(known, ","))
		} else if slices.Index(r.header, h) != i {
			errs.Add(h, "column %q appears twice", h)
		}
	}
	for _, req := range required {
		if !slices.Contains(r.header, req) {
			errs.Add(req, "the required column %q is missing", req)
		}
	}
	if err := errs.Err(); err != nil {
		e := err.(*apperr.Error)
		e.Message = "wrong header: " + e.Message
		return e
	}
	return nil
}

// next returns the next record, io.EOF at the end, or an error that ends
// the import (a body that cannot be read any further).
func (r *rowReader) next() (record, error) {
	if r.csv != nil {
		rec, err := r.csv.Read()
		if err == io.EOF {
			return record{}, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
			return record{}, apperr.New(apperr.BadRequest, "malformed CSV: %s", csvErr(err))
		}
		if err != nil && !errors.As(err, &pe) {
			return record{}, readErr(err)
		}
		if len(rec) != len(r.header) {
			return record{err: &Problem{"", CodeMalformed, fmt.Sprintf("has %d fields, the header has %d", len(rec), len(r.header))}}, nil
		}
		vals := make(map[string]string, len(rec))
		for i, h := range r.header {
			vals[h] = rec[i]
		}
		return record{values: vals}, nil
	}
	if !r.json.More() {
		if _, err := r.json.Token(); err != nil {
			return record{}, apperr.New(apperr.BadRequest, "the JSON array is not closed")
		}
		return record{}, io.EOF
	}
	var obj map[string]any
	if err := r.json.Decode(&obj); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return record{err: &Problem{"", CodeMalformed, "is not a JSON object"}}, nil
		}
		return record{}, readErr(err)
	}
	vals := make(map[string]string, len(obj))
	for k, v := range obj {
		if !slices.Contains(r.header, k) {
			return record{err: &Problem{k, CodeUnknownField, fmt.Sprintf("unknown field %q", k)}}, nil
		}
		switch x := v.(type) {
		case nil:
		case string:
			vals[k] = x
		case json.Number:
			vals[k] = x.String()
		default:
			return record{err: &Problem{k, CodeMalformed, "must be a number, a string or null"}}, nil
		}
	}
	return record{values: vals}, nil
}

func csvErr(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return "unreadable"
}

// readErr passes on errors the body reader already classified (the HTTP
// layer's size limit is an apperr.TooLarge) and explains the rest.
func readErr(err error) error {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return apperr.New(apperr.BadRequest, "the body is not valid JSON (at byte %d)", syn.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return apperr.New(apperr.BadRequest, "the body ends in the middle of a row")
	}
	return apperr.Wrap(err, apperr.BadRequest, "the body could not be read")
}
