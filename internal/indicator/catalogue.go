package indicator

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/text"
)

// Indicator is an entry of the catalogue: something measured per region and
// year, such as one of the 50 IDM indicators (idm_iks_01 … idm_ikl_03, each
// a 0–5 score). Framework, Dimension, Number, Min and Max are optional.
type Indicator struct {
	Code           string
	NameID         string
	NameEN         string
	Unit           string
	Framework      string // "" : none; else a framework code
	Dimension      string // "" : none; free text (IDM: iks, ike, ikl)
	Number         *int   // position within the dimension
	Min, Max       *fixed.Dec
	HigherIsBetter bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// IndicatorPatch changes some fields of an indicator; nil leaves a field as
// it is. An empty Framework or Dimension clears it.
type IndicatorPatch struct {
	NameID, NameEN, Unit, Framework, Dimension *string
	Number                                     *int
	Min, Max                                   *fixed.Dec
	HigherIsBetter                             *bool
}

// IndicatorFilter selects catalogue entries. Framework and Dimension mean
// "any of"; Q is a case-insensitive substring of the code or either name.
type IndicatorFilter struct {
	Framework []string
	Dimension []string
	Q         string
	Sort      paging.Sort
	Page      paging.Page // Limit 0: every entry
}

// IndicatorSortFields are the fields a catalogue list may be sorted by
// (name: the Indonesian name).
var IndicatorSortFields = []string{"code", "name"}

// Limits of catalogue text and values. Values are stored as numeric(14,4),
// so their magnitude stays below 10^10.
const (
	maxNameLen      = 200
	maxUnitLen      = 50
	maxDimensionLen = 50
	FirstValueYear  = 1900
	LastValueYear   = 2100
)

// MaxMagnitude is the largest absolute value a bound or value may have.
var MaxMagnitude = fixed.MustParse("9999999999.9999")

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,62}$`)

// normalize trims the text fields and lower-cases the dimension (a
// dimension is matched exactly by filters and by the gaps report).
func (ind *Indicator) normalize() {
	for _, s := range []*string{&ind.Code, &ind.NameID, &ind.NameEN, &ind.Unit, &ind.Framework, &ind.Dimension} {
		*s = strings.TrimSpace(*s)
	}
	ind.Dimension = strings.ToLower(ind.Dimension)
}

// Check reports every broken catalogue rule as one Invalid error naming the
// fields: a slug code, both names, a known framework, bounds in order.
func (ind Indicator) Check() error {
	var errs apperr.Fields
	if !codePattern.MatchString(ind.Code) {
		errs.Add("code", "must be 2–63 characters of a–z, 0–9 and _, starting with a letter, got %q", ind.Code)
	}
	for _, n := range []struct {
		field, v string
		required bool
		max      int
	}{
		{"name_id", ind.NameID, true, maxNameLen}, {"name_en", ind.NameEN, true, maxNameLen},
		{"unit", ind.Unit, false, maxUnitLen}, {"dimension", ind.Dimension, false, maxDimensionLen},
	} {
		switch {
		case n.v == "" && n.required:
			errs.Add(n.field, "is required")
		case len(n.v) > n.max:
			errs.Add(n.field, "is longer than %d bytes", n.max)
		default:
			if err := text.CheckLine(n.v); err != nil {
				errs.Add(n.field, "%s", err)
			}
		}
	}
	if ind.Framework != "" && !slices.Contains(FrameworkCodes(), ind.Framework) {
		errs.Add("framework", "unknown framework %q (known: %s)", ind.Framework, strings.Join(FrameworkCodes(), ", "))
	}
	if f, err := FrameworkByCode(ind.Framework); err == nil && ind.Dimension != "" && len(f.Components) > 0 &&
		text.CheckLine(ind.Dimension) == nil && !slices.ContainsFunc(f.Components, func(c Component) bool { return c.Code == ind.Dimension }) {
		codes := make([]string, len(f.Components))
		for i, c := range f.Components {
			codes[i] = c.Code
		}
		errs.Add("dimension", "%s's dimensions are its components: %s, got %q", f.Code, strings.Join(codes, ", "), ind.Dimension)
	}
	if ind.Number != nil && (*ind.Number < 1 || *ind.Number > 9999) {
		errs.Add("number", "must be between 1 and 9999, got %d", *ind.Number)
	}
	for _, b := range []struct {
		field string
		v     *fixed.Dec
	}{{"min", ind.Min}, {"max", ind.Max}} {
		if b.v != nil && (*b.v > MaxMagnitude || *b.v < -MaxMagnitude) {
			errs.Add(b.field, "must be between -%s and %s", MaxMagnitude, MaxMagnitude)
		}
	}
	if ind.Min != nil && ind.Max != nil && *ind.Min > *ind.Max {
		errs.Add("min", "must not exceed max (%s > %s)", *ind.Min, *ind.Max)
	}
	return errs.Err()
}

// Apply returns ind with the patch's fields set.
func (ind Indicator) Apply(p IndicatorPatch) Indicator {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&ind.NameID, p.NameID)
	set(&ind.NameEN, p.NameEN)
	set(&ind.Unit, p.Unit)
	set(&ind.Framework, p.Framework)
	set(&ind.Dimension, p.Dimension)
	if p.Number != nil {
		ind.Number = p.Number
	}
	if p.Min != nil {
		ind.Min = p.Min
	}
	if p.Max != nil {
		ind.Max = p.Max
	}
	if p.HigherIsBetter != nil {
		ind.HigherIsBetter = *p.HigherIsBetter
	}
	ind.normalize()
	return ind
}

// bounds returns the lowest and highest value the indicator takes: its
// min and max, and where one is not set, the storage's limit
// (±MaxMagnitude).
func (ind Indicator) bounds() (lo, hi fixed.Dec) {
	lo, hi = -MaxMagnitude, MaxMagnitude
	if ind.Min != nil {
		lo = *ind.Min
	}
	if ind.Max != nil {
		hi = *ind.Max
	}
	return lo, hi
}

// InRange reports whether v lies within the indicator's bounds.
func (ind Indicator) InRange(v fixed.Dec) bool {
	lo, hi := ind.bounds()
	return v >= lo && v <= hi
}

// rangeText describes the bounds for messages: "between 0.0000 and 5.0000".
func (ind Indicator) rangeText() string {
	lo, hi := ind.bounds()
	return fmt.Sprintf("between %s and %s", lo, hi)
}

// Value is one indicator's value for one region (of any level) and year.
type Value struct {
	RegionCode    string
	IndicatorCode string
	Year          int
	Value         fixed.Dec
	Source        string
	ImportID      string
	UpdatedAt     time.Time
}

// ValueKey identifies a value.
type ValueKey struct {
	RegionCode    string
	IndicatorCode string
	Year          int
}

// Key returns the value's key.
func (v Value) Key() ValueKey { return ValueKey{v.RegionCode, v.IndicatorCode, v.Year} }

// RegionValue is a stored value with its catalogue entry, as a region's
// indicator list shows it.
type RegionValue struct {
	Value
	Indicator Indicator
}

// ValueFilter selects a region's values. Zero fields do not filter.
type ValueFilter struct {
	RegionCode string
	Indicator  string
	Year       int
	Dimension  []string
}

// ValueInput is what a writer gives for one value.
type ValueInput struct {
	Value  *fixed.Dec // required
	Source string
}

// checkValue reports the rules a value of ind breaks: a year within
// 1900–2100 and a value within the indicator's bounds.
func checkValue(ind Indicator, year int, v fixed.Dec) []Problem {
	var probs []Problem
	if year < FirstValueYear || year > LastValueYear {
		probs = append(probs, Problem{"year", CodeWrongYear,
			fmt.Sprintf("must be between %d and %d, got %d", FirstValueYear, LastValueYear, year)})
	}
	if !ind.InRange(v) {
		probs = append(probs, Problem{"value", CodeOutOfRange,
			fmt.Sprintf("%s takes values %s, got %s", ind.Code, ind.rangeText(), v)})
	}
	return probs
}

// Indicators lists catalogue entries and the total that match.
func (s *Service) Indicators(ctx context.Context, f IndicatorFilter) ([]Indicator, int, error) {
	for _, fw := range f.Framework {
		if _, err := FrameworkByCode(fw); err != nil {
			return nil, 0, apperr.Field(apperr.BadRequest, "framework", err.(*apperr.Error).Message)
		}
	}
	if f.Sort.Field != "" && !slices.Contains(IndicatorSortFields, f.Sort.Field) {
		return nil, 0, apperr.BadParam("sort", "cannot sort by %q", f.Sort.Field)
	}
	f.Dimension = dimensions(f.Dimension)
	return s.store.Indicators(ctx, f)
}

// CanonicalCode is the form of an indicator code the catalogue keeps and
// looks up: a code as given (in a path, say) without surrounding space.
// Whatever names a stored indicator or value (an If-Match check, an audit
// entry) uses this form.
func CanonicalCode(code string) string { return strings.TrimSpace(code) }

// Indicator returns a catalogue entry, or NotFound.
func (s *Service) Indicator(ctx context.Context, code string) (Indicator, error) {
	ind, err := s.store.Indicator(ctx, CanonicalCode(code))
	if apperr.Is(err, apperr.NotFound) {
		return Indicator{}, apperr.NotFoundf("no indicator with code %q", code)
	}
	return ind, err
}

// numberTaken returns a Conflict when another entry of ind's framework and
// dimension has ind's number: IDM's IKS #1 is one indicator.
func numberTaken(ctx context.Context, st Store, ind Indicator) error {
	if ind.Framework == "" || ind.Dimension == "" || ind.Number == nil {
		return nil
	}
	same, _, err := st.Indicators(ctx, IndicatorFilter{Framework: []string{ind.Framework}, Dimension: []string{ind.Dimension}})
	if err != nil {
		return err
	}
	for _, o := range same {
		if o.Code != ind.Code && o.Number != nil && *o.Number == *ind.Number {
			return apperr.Field(apperr.Conflict, "number", fmt.Sprintf("%s %s #%d is already %s", ind.Framework, ind.Dimension, *ind.Number, o.Code))
		}
	}
	return nil
}

// CreateIndicator adds a catalogue entry; Conflict when the code, or the
// number within its framework and dimension, is taken.
func (s *Service) CreateIndicator(ctx context.Context, ind Indicator) (Indicator, error) {
	if err := auth.RequireNational(auth.FromContext(ctx), "the indicator catalogue"); err != nil {
		return Indicator{}, err
	}
	ind.normalize()
	if err := ind.Check(); err != nil {
		return Indicator{}, err
	}
	if err := numberTaken(ctx, s.store, ind); err != nil {
		return Indicator{}, err
	}
	err := s.store.CreateIndicator(ctx, ind)
	if apperr.Is(err, apperr.Conflict) {
		return Indicator{}, apperr.New(apperr.Conflict, "indicator %s already exists", ind.Code)
	}
	if err != nil {
		return Indicator{}, err
	}
	return s.store.Indicator(ctx, ind.Code)
}

// UpdateIndicator changes a catalogue entry. New bounds must hold every
// stored value of the indicator (Conflict otherwise).
func (s *Service) UpdateIndicator(ctx context.Context, code string, p IndicatorPatch) (Indicator, error) {
	if err := auth.RequireNational(auth.FromContext(ctx), "the indicator catalogue"); err != nil {
		return Indicator{}, err
	}
	var out Indicator
	err := s.store.InTx(ctx, func(tx Store) error {
		old, err := tx.Indicator(ctx, CanonicalCode(code))
		if apperr.Is(err, apperr.NotFound) {
			return apperr.NotFoundf("no indicator with code %q", code)
		}
		if err != nil {
			return err
		}
		ind := old.Apply(p)
		if err := ind.Check(); err != nil {
			return err
		}
		if err := numberTaken(ctx, tx, ind); err != nil {
			return err
		}
		if p.Min != nil || p.Max != nil {
			n, err := tx.CountValuesOutside(ctx, ind.Code, ind.Min, ind.Max)
			if err != nil {
				return err
			}
			if n > 0 {
				return apperr.New(apperr.Conflict, "%d stored values of %s are not %s; change them first", n, ind.Code, ind.rangeText())
			}
		}
		if err := tx.UpdateIndicator(ctx, ind); err != nil {
			return err
		}
		out, err = tx.Indicator(ctx, ind.Code)
		return err
	})
	return out, err
}

// RegionValues lists the stored values of a region, joined to the
// catalogue, by dimension, number, code and year. level, when given,
// requires the code to be of that level (a village's values).
func (s *Service) RegionValues(ctx context.Context, code string, level region.Level, f ValueFilter) ([]RegionValue, error) {
	r, err := s.region(ctx, code, level)
	if err != nil {
		return nil, err
	}
	if f.Year != 0 && (f.Year < FirstValueYear || f.Year > LastValueYear) {
		return nil, apperr.BadParam("year", "must be between %d and %d, got %d", FirstValueYear, LastValueYear, f.Year)
	}
	f.RegionCode, f.Dimension = r.Code, dimensions(f.Dimension)
	return s.store.Values(ctx, f)
}

// dimensions normalizes a dimension filter as dimensions are stored.
func dimensions(ds []string) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = strings.ToLower(strings.TrimSpace(d))
	}
	return out
}

// region returns the region with the given code (of level, when given), or
// NotFound; a malformed code is a BadRequest.
func (s *Service) region(ctx context.Context, code string, level region.Level) (region.Region, error) {
	dotted, lvl, err := region.ParseCode(code)
	if err == nil && level != "" && lvl != level {
		err = apperr.New(apperr.BadRequest, "%q is a %s code, want a %s code", dotted, lvl, level)
	}
	if err != nil {
		return region.Region{}, apperr.Field(apperr.BadRequest, "code", err.(*apperr.Error).Message)
	}
	r, err := s.regions.Region(ctx, dotted)
	if apperr.Is(err, apperr.NotFound) {
		return region.Region{}, apperr.NotFoundf("no %s with code %s", lvl, dotted)
	}
	return r, err
}

// PutValue creates or replaces one value and reports whether it was new.
// A province-restricted key (in ctx) writes only in its provinces.
func (s *Service) PutValue(ctx context.Context, regionCode, indicatorCode string, year int, in ValueInput) (RegionValue, bool, error) {
	if err := mayWrite(ctx, regionCode); err != nil {
		return RegionValue{}, false, err
	}
	r, err := s.region(ctx, regionCode, "")
	if err != nil {
		return RegionValue{}, false, err
	}
	ind, err := s.Indicator(ctx, indicatorCode)
	if err != nil {
		return RegionValue{}, false, err
	}
	if in.Value == nil {
		return RegionValue{}, false, apperr.Invalidf("value", "is required")
	}
	in.Source = strings.TrimSpace(in.Source)
	probs := checkValue(ind, year, *in.Value)
	if p := checkSource(in.Source); p != nil {
		probs = append(probs, *p)
	}
	if len(probs) > 0 {
		return RegionValue{}, false, problemsErr(probs)
	}
	v := Value{RegionCode: r.Code, IndicatorCode: ind.Code, Year: year, Value: *in.Value, Source: in.Source}
	inserted, _, err := s.store.UpsertValues(ctx, []Value{v})
	if err != nil {
		return RegionValue{}, false, err
	}
	got, err := s.storedValue(ctx, r.Code, ind.Code, year)
	if apperr.Is(err, apperr.NotFound) {
		return RegionValue{}, false, fmt.Errorf("indicator: value %s %s %d not found after its upsert", r.Code, ind.Code, year)
	}
	return got, inserted == 1, err
}

// Value returns one stored value, or NotFound (for an unknown region or
// indicator too); a malformed region code is a BadRequest.
func (s *Service) Value(ctx context.Context, regionCode, indicatorCode string, year int) (RegionValue, error) {
	r, err := s.region(ctx, regionCode, "")
	if err != nil {
		return RegionValue{}, err
	}
	ind, err := s.Indicator(ctx, indicatorCode)
	if err != nil {
		return RegionValue{}, err
	}
	return s.storedValue(ctx, r.Code, ind.Code, year)
}

// storedValue reads the value of a region and indicator (by their
// canonical codes) in a year.
func (s *Service) storedValue(ctx context.Context, regionCode, indicatorCode string, year int) (RegionValue, error) {
	got, err := s.store.Values(ctx, ValueFilter{RegionCode: regionCode, Indicator: indicatorCode, Year: year})
	if err != nil {
		return RegionValue{}, err
	}
	if len(got) != 1 {
		return RegionValue{}, apperr.NotFoundf("%s has no value of %s for %d", regionCode, indicatorCode, year)
	}
	return got[0], nil
}

// CountValues counts the stored indicator values.
func (s *Service) CountValues(ctx context.Context) (int, error) {
	return s.store.CountValues(ctx)
}
