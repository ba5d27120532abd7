package indicator

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/audit"
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
	// MaxRows caps the rows (0: MaxRows, the limit over HTTP). The CLI and
	// the embedded seeds, which load larger files, lift it.
	MaxRows int
	// Provinces restricts the rows to regions in these provinces (the
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
	if req.MaxRows == 0 {
		req.MaxRows = MaxRows
	}
	if req.Mode != ModeAtomic && req.Mode != ModePartial {
		errs.Add("mode", "must be atomic or partial, got %q", req.Mode)
	}
	if req.CodeEdition != 2025 && req.CodeEdition != 2022 {
		errs.Add("code_edition", "must be 2022 or 2025, got %d", req.CodeEdition)
	}
	if p := checkSource(req.Source); p != nil {
		errs.Add(p.Field, "%s", p.Message)
	}
	var f Framework
	switch req.Kind {
	case KindScores:
		var err error
		if f, err = FrameworkByCode(req.Framework); err != nil {
			errs.Add("framework", "%s", err.(*apperr.Error).Message)
		}
	case KindIndicatorValues:
		if req.Framework != "" {
			errs.Add("framework", "goes with kind=scores only (indicator values name their indicator)")
		}
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
	rep := Report{ID: s.newID(), Kind: req.Kind, Framework: req.Framework, DryRun: req.DryRun, Mode: req.Mode,
		Source: req.Source, CodeEdition: req.CodeEdition, Format: req.Format, KeyID: req.KeyID,
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond)} // as PostgreSQL keeps it
	rows, err := newRowReader(req.Format, body)
	if err != nil {
		return Report{}, err
	}
	rc := rowContext{svc: s, req: req, rep: &rep, rows: rows}
	if req.CodeEdition == 2022 {
		if rc.crosswalk, err = s.crosswalk(); err != nil {
			return Report{}, fmt.Errorf("reading the Kepmendagri 2022→2025 crosswalk: %w", err)
		}
	}
	var run func(ctx context.Context, tx Store) error
	switch req.Kind {
	case KindScores:
		run, err = rc.scores(ctx, f)
	case KindIndicatorValues:
		run, err = rc.values(ctx)
	}
	if apperr.Is(err, apperr.Invalid) { // a wrong header: refused with a stored report
		return s.refuseHeader(ctx, rep, err)
	}
	if err != nil {
		return Report{}, err
	}
	// The rows are audited as one entry for the batch: the report, saved
	// in the transaction of the rows when they are applied.
	ctx = audit.Batch(ctx)
	errRollback := errors.New("rollback")
	err = s.store.InTx(ctx, func(tx Store) error {
		if err := run(ctx, tx); err != nil {
			return err
		}
		if req.DryRun || req.Mode == ModeAtomic && rep.Rejected > 0 {
			return errRollback
		}
		rep.Applied = rep.Inserted+rep.Updated > 0
		return tx.SaveImport(ctx, rep)
	})
	if err != nil && !errors.Is(err, errRollback) {
		return Report{}, err
	}
	if err != nil { // rolled back: the report is kept all the same
		if err := s.store.SaveImport(ctx, rep); err != nil {
			return Report{}, err
		}
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

// runBatches is the loop every import kind shares: read each row, count it,
// reject what the reader or parse rejects, and write the parsed items in
// batches. A dry run, or an atomic import that has rejected a row, writes
// too — its transaction is rolled back at the end — so that the report
// says exactly what the import would do.
//
// Reading and parsing run in a goroutine of their own, one batch ahead of
// the writes: the database stores a batch while the next is parsed, so a
// large import takes about the longer of the two rather than their sum.
// The reader owns the report's row, rejection and translation counts, the
// writer its inserted, updated and unchanged counts; memory holds two
// batches.
func runBatches[T any](ctx context.Context, rc rowContext, parse func(row int, vals map[string]string) (T, bool),
	write func(ctx context.Context, batch []T) (inserted, updated int, err error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []T)
	read := make(chan error, 1)
	go func() {
		defer close(batches)
		// A panic here would escape the HTTP layer's recovery, which
		// guards the handler's goroutine only: it becomes the import's error.
		defer func() {
			if p := recover(); p != nil {
				read <- fmt.Errorf("import: panic while reading rows: %v\n%s", p, debug.Stack())
			}
		}()
		read <- readBatches(ctx, rc, parse, batches)
	}()
	rep := rc.rep
	var err error
	for batch := range batches {
		if err != nil {
			continue // the reader stops at the cancellation
		}
		var ins, upd int
		if ins, upd, err = write(ctx, batch); err != nil {
			cancel()
			continue
		}
		rep.Inserted += ins
		rep.Updated += upd
		rep.Unchanged += len(batch) - ins - upd
	}
	if rerr := <-read; err == nil {
		err = rerr
	}
	return err
}

// readBatches reads and parses every row, sending the parsed items in
// batches of batchSize (the last one shorter).
func readBatches[T any](ctx context.Context, rc rowContext, parse func(row int, vals map[string]string) (T, bool),
	batches chan<- []T) error {
	rep := rc.rep
	batch := make([]T, 0, batchSize)
	send := func() error {
		if len(batch) == 0 {
			return nil
		}
		select {
		case batches <- batch:
			batch = make([]T, 0, batchSize)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		rec, err := rc.rows.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rep.Rows++
		if rep.Rows > rc.req.MaxRows {
			return apperr.New(apperr.TooLarge, "an import holds at most %d rows; split the file", rc.req.MaxRows)
		}
		if rec.err != nil {
			rep.reject(rep.Rows, rec.err.Field, rec.err.Code, "%s", rec.err.Message)
			continue
		}
		if item, ok := parse(rep.Rows, rec.values); ok {
			batch = append(batch, item)
		}
		if len(batch) == batchSize {
			if err := send(); err != nil {
				return err
			}
		}
	}
	return send()
}

// rowContext is one running import: its request, report and rows, and the
// field readers every kind shares.
type rowContext struct {
	svc       *Service
	req       ImportRequest
	rep       *Report
	rows      *rowReader
	crosswalk map[string]string // with code_edition=2022
}

// code reads a region code of the given level ("" for any), translating a
// Kepmendagri 2022 village code when the request says so. It rejects the
// row and reports false when the code is missing, malformed or cannot be
// translated; whether the region exists is for the caller to check.
func (rc rowContext) code(row int, field, raw string, want region.Level) (string, region.Level, bool) {
	rep := rc.rep
	if strings.TrimSpace(raw) == "" {
		rep.reject(row, field, CodeMissing, "is required")
		return "", "", false
	}
	dotted, level, err := region.ParseCode(raw)
	if err == nil && want != "" && level != want {
		err = apperr.New(apperr.BadRequest, "%q is a %s code, want a %s code", dotted, level, want)
	}
	if err != nil {
		rep.reject(row, field, CodeBadCode, "%s", err.(*apperr.Error).Message)
		return "", "", false
	}
	if rc.req.CodeEdition != 2022 {
		return dotted, level, rc.inProvinces(row, field, dotted)
	}
	if level != region.LevelVillage {
		rep.reject(row, field, CodeBadCode, "code_edition=2022 translates village codes only; give %s codes in the 2025 edition", level)
		return "", "", false
	}
	to, ok := rc.crosswalk[dotted]
	if !ok {
		rep.reject(row, field, CodeUnknownVillage, "%s is not in the Kepmendagri 2022→2025 crosswalk", dotted)
		return "", "", false
	}
	if to != dotted {
		rep.Translated++
		if len(rep.Translations) < MaxErrorsShown {
			rep.Translations = append(rep.Translations, Translation{row, dotted, to})
		}
	}
	return to, level, rc.inProvinces(row, field, to)
}

// inProvinces rejects a row whose region lies outside the provinces the
// importing key may write.
func (rc rowContext) inProvinces(row int, field, code string) bool {
	prov, _, _ := strings.Cut(code, ".")
	if len(rc.req.Provinces) == 0 || slices.Contains(rc.req.Provinces, prov) {
		return true
	}
	rc.rep.reject(row, field, CodeForbidden, "%s is outside the provinces this API key may write (%s)",
		code, strings.Join(rc.req.Provinces, ", "))
	return false
}

// int reads a whole number.
func (rc rowContext) int(row int, field, raw, what string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		rc.rep.reject(row, field, CodeNotANumber, "must be %s, got %q", what, raw)
		return 0, false
	}
	return n, true
}

// dec reads a decimal; an empty cell is not given. (A value, not a
// pointer: an import reads millions, and each pointer would be an
// allocation.)
func (rc rowContext) dec(row int, field, raw string) (d fixed.Dec, given, ok bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return 0, false, true
	}
	d, err := fixed.Parse(s)
	if err != nil {
		rc.rep.reject(row, field, CodeNotANumber, "must be a decimal number, got %q", s)
		return 0, false, false
	}
	return d, true, true
}

// duplicate rejects a row whose key an earlier row had, and remembers keys.
// what names the key in the message; it is called only for a duplicate, so
// that the common row formats nothing.
func duplicate[K comparable](rc rowContext, seen map[K]int, key K, row int, field string, what func() string) bool {
	if first, dup := seen[key]; dup {
		rc.rep.reject(row, field, CodeDuplicate, "%s repeats row %d", what(), first)
		return true
	}
	seen[key] = row
	return false
}

// scores prepares an import of scores: the header, the villages.
func (rc rowContext) scores(ctx context.Context, f Framework) (func(context.Context, Store) error, error) {
	cols := append([]string{"village_code", "year"}, componentCodes(f)...)
	cols = append(cols, "score", "status")
	if err := rc.rows.checkHeader(cols, []string{"village_code", "year"}); err != nil {
		return nil, err
	}
	villages, err := rc.svc.store.VillageTypes(ctx)
	if err != nil {
		return nil, err
	}
	imp := &scoreImport{rowContext: rc, f: f, villages: villages, seen: map[Key]int{}}
	return func(ctx context.Context, tx Store) error {
		return runBatches(ctx, rc, imp.parse, tx.UpsertScores)
	}, nil
}

func componentCodes(f Framework) []string {
	out := make([]string, len(f.Components))
	for i, c := range f.Components {
		out[i] = c.Code
	}
	return out
}

// scoreImport turns rows into scores.
type scoreImport struct {
	rowContext
	f        Framework
	villages map[string]string
	seen     map[Key]int // key → row of its first occurrence
}

// parse turns one row into a score, or rejects it with its first problem.
func (imp *scoreImport) parse(row int, vals map[string]string) (Score, bool) {
	code, _, ok := imp.code(row, "village_code", vals["village_code"], region.LevelVillage)
	if !ok {
		return Score{}, false
	}
	typ, ok := imp.villages[code]
	if !ok {
		imp.rep.reject(row, "village_code", CodeUnknownVillage, "no village with code %s", code)
		return Score{}, false
	}
	year, ok := imp.int(row, "year", vals["year"], "a whole year")
	if !ok {
		return Score{}, false
	}
	in := ScoreInput{Components: map[string]fixed.Dec{}, Status: strings.TrimSpace(vals["status"]), Source: imp.req.Source}
	for _, c := range imp.f.Components {
		d, given, ok := imp.dec(row, c.Code, vals[c.Code])
		if !ok {
			return Score{}, false
		}
		if given {
			in.Components[c.Code] = d
		}
	}
	score, given, ok := imp.dec(row, "score", vals["score"])
	if !ok {
		return Score{}, false
	}
	if given {
		in.Score = &score
	}
	sc, probs := imp.f.NewScore(Village{Code: code, Type: typ}, year, in)
	if len(probs) > 0 {
		imp.rep.reject(row, probs[0].Field, probs[0].Code, "%s", probs[0].Message)
		return Score{}, false
	}
	if duplicate(imp.rowContext, imp.seen, Key{code, year}, row, "village_code", func() string { return fmt.Sprintf("%s %d", code, year) }) {
		return Score{}, false
	}
	sc.ImportID = imp.rep.ID
	return sc, true
}

// The two shapes of indicator value rows: one value of any indicator for a
// region of any level, or the IDM open API's per-indicator village scores
// (dimension IKS|IKE|IKL and number name the indicator idm_iks_01 …).
var (
	valueColumns    = []string{"region_code", "indicator_code", "year", "value"}
	idmValueColumns = []string{"village_code", "year", "dimension", "number", "score"}
)

// values prepares an import of indicator values: the header decides the
// shape (a JSON row's fields decide it row by row), and the regions and
// the catalogue are read once.
func (rc rowContext) values(ctx context.Context) (func(context.Context, Store) error, error) {
	cols := valueColumns
	if slices.Contains(rc.rows.header, "village_code") {
		cols = idmValueColumns
	}
	known := cols
	if rc.rows.json != nil {
		known = append(slices.Clone(valueColumns), "village_code", "dimension", "number", "score")
	}
	if err := rc.rows.checkHeader(known, cols); err != nil {
		return nil, err
	}
	regions, err := rc.svc.store.RegionCodes(ctx)
	if err != nil {
		return nil, err
	}
	inds, _, err := rc.svc.store.Indicators(ctx, IndicatorFilter{})
	if err != nil {
		return nil, err
	}
	idm, _ := FrameworkByCode("idm")
	imp := &valueImport{rowContext: rc, idm: idm, regions: regions, indicators: make(map[string]Indicator, len(inds)),
		seen: map[ValueKey]int{}}
	for _, ind := range inds {
		imp.indicators[ind.Code] = ind
	}
	return func(ctx context.Context, tx Store) error {
		return runBatches(ctx, rc, imp.parse, tx.UpsertValues)
	}, nil
}

// valueImport turns rows into indicator values.
type valueImport struct {
	rowContext
	idm        Framework // whose components are the dimensions of the IDM shape
	regions    map[string]bool
	indicators map[string]Indicator
	seen       map[ValueKey]int
}

// parse turns one row of either shape into a value, or rejects it with its
// first problem.
func (imp *valueImport) parse(row int, vals map[string]string) (Value, bool) {
	_, idm := vals["village_code"]
	codeField, indField, valueField, level := "region_code", "indicator_code", "value", region.Level("")
	if idm {
		for _, k := range valueColumns {
			if _, ok := vals[k]; ok && k != "year" {
				imp.rep.reject(row, k, CodeMalformed, "mixes the fields of region_code,indicator_code,year,value with those of village_code,year,dimension,number,score")
				return Value{}, false
			}
		}
		codeField, indField, valueField, level = "village_code", "number", "score", region.LevelVillage
	}
	code, lvl, ok := imp.code(row, codeField, vals[codeField], level)
	if !ok {
		return Value{}, false
	}
	if !imp.regions[code] {
		problem := CodeUnknownRegion
		if lvl == region.LevelVillage {
			problem = CodeUnknownVillage
		}
		imp.rep.reject(row, codeField, problem, "no %s with code %s", lvl, code)
		return Value{}, false
	}
	indCode, ok := imp.indicatorCode(row, vals, idm)
	if !ok {
		return Value{}, false
	}
	ind, ok := imp.indicators[indCode]
	if !ok {
		if idm && !imp.idm.HasComponent(strings.ToLower(strings.TrimSpace(vals["dimension"]))) {
			indField = "dimension"
		}
		imp.rep.reject(row, indField, CodeUnknownIndicator, "no indicator %q in the catalogue", indCode)
		return Value{}, false
	}
	year, ok := imp.int(row, "year", vals["year"], "a whole year")
	if !ok {
		return Value{}, false
	}
	v, given, ok := imp.dec(row, valueField, vals[valueField])
	if !ok {
		return Value{}, false
	}
	if !given {
		imp.rep.reject(row, valueField, CodeMissing, "is required")
		return Value{}, false
	}
	if probs := checkValue(ind, year, v); len(probs) > 0 {
		field := probs[0].Field
		if field == "value" {
			field = valueField
		}
		imp.rep.reject(row, field, probs[0].Code, "%s", probs[0].Message)
		return Value{}, false
	}
	val := Value{RegionCode: code, IndicatorCode: ind.Code, Year: year, Value: v, Source: imp.req.Source, ImportID: imp.rep.ID}
	if duplicate(imp.rowContext, imp.seen, val.Key(), row, codeField, func() string { return fmt.Sprintf("%s %s %d", code, ind.Code, year) }) {
		return Value{}, false
	}
	return val, true
}

// indicatorCode reads the indicator of a row: indicator_code, or in the IDM
// shape idm_<dimension>_<number, two digits>.
func (imp *valueImport) indicatorCode(row int, vals map[string]string, idm bool) (string, bool) {
	if !idm {
		code := strings.TrimSpace(vals["indicator_code"])
		if code == "" {
			imp.rep.reject(row, "indicator_code", CodeMissing, "is required")
			return "", false
		}
		return code, true
	}
	dim := strings.ToLower(strings.TrimSpace(vals["dimension"]))
	if dim == "" {
		imp.rep.reject(row, "dimension", CodeMissing, "is required (IKS, IKE or IKL)")
		return "", false
	}
	n, ok := imp.int(row, "number", vals["number"], "a whole number")
	if !ok {
		return "", false
	}
	return fmt.Sprintf("idm_%s_%02d", dim, n), true
}

// rowReader streams records from CSV (with a header) or a JSON array of
// objects, as maps from column to text.
type rowReader struct {
	header []string
	csv    *csv.Reader
	json   *json.Decoder
	vals   map[string]string // a CSV record's values, reused from row to row
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
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, apperr.New(apperr.BadRequest, "the CSV header cannot be read: %s", csvErr(err))
		}
		if err != nil {
			return nil, readErr(err)
		}
		for i := range header {
			header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff")))
		}
		cr.ReuseRecord = true
		return &rowReader{header: header, csv: cr, vals: make(map[string]string, len(header))}, nil
	case FormatJSON:
		dec := json.NewDecoder(body)
		dec.UseNumber()
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, apperr.New(apperr.BadRequest, "the body is empty: want a JSON array of objects")
		}
		if err != nil {
			return nil, readErr(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
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
// the import (a body that cannot be read any further). A CSV record's
// values are valid until the following call.
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
		for i, h := range r.header {
			r.vals[h] = rec[i]
		}
		return record{values: r.vals}, nil
	}
	if !r.json.More() {
		// The array's end, then the body's: read to EOF, so that nothing
		// after the array goes unread and a corrupt body is caught.
		if _, err := r.json.Token(); err != nil {
			return record{}, classified(err, "the JSON array is not closed")
		}
		if _, err := r.json.Token(); err != io.EOF {
			return record{}, classified(err, "the body has data after its JSON array")
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

// classified passes on an error the body reader already classified (the
// body limit's, a corrupt gzip), and makes anything else (nil included) a
// 400 with message.
func classified(err error, message string) error {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return err
	}
	return apperr.New(apperr.BadRequest, "%s", message)
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
