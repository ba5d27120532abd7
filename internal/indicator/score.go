package indicator

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/text"
)

// Score is one village's result in one framework and year. Status is the
// published status (or, when the writer gave none, the derived one);
// DerivedStatus is what the thresholds give. A disagreement between the two
// is data: both are kept and shown.
type Score struct {
	VillageCode   string
	Framework     string
	Year          int
	Components    map[string]fixed.Dec // by component code; absent: not given
	Score         *fixed.Dec           // nil: no score (the village received none)
	Status        string               // "" : no status
	DerivedStatus string               // "" : the framework derives none, or no score
	Source        string
	ImportID      string
	UpdatedAt     time.Time
}

// Disagrees reports whether the published status differs from the derived.
func (s Score) Disagrees() bool {
	return s.Status != "" && s.DerivedStatus != "" && s.Status != s.DerivedStatus
}

// SameValues reports whether two scores carry the same figures and status
// (the source and import are bookkeeping, not values).
func (s Score) SameValues(o Score) bool {
	if (s.Score == nil) != (o.Score == nil) || s.Score != nil && *s.Score != *o.Score {
		return false
	}
	return s.Status == o.Status && s.DerivedStatus == o.DerivedStatus && maps.Equal(s.Components, o.Components)
}

// Key identifies a score.
type Key struct {
	VillageCode string
	Year        int
}

// Village is what scoring needs to know of a village.
type Village struct {
	Code string
	Type string
}

// ScoreInput is what a writer gives for one score.
type ScoreInput struct {
	Components map[string]fixed.Dec
	Score      *fixed.Dec
	Status     string
	Source     string
}

// Problem is one broken rule in a score or row, with a machine code.
type Problem struct {
	Field   string
	Code    string
	Message string
}

// maxSourceLen bounds a source: where a score, a value or an import's data
// comes from.
const maxSourceLen = 200

// checkSource reports what is wrong with a (trimmed) source, or nil: it is
// one line of text of at most maxSourceLen bytes.
func checkSource(source string) *Problem {
	if len(source) > maxSourceLen {
		return &Problem{"source", CodeMalformed, sprintf("is longer than %d bytes", maxSourceLen)}
	}
	if err := text.CheckLine(source); err != nil {
		return &Problem{"source", CodeMalformed, err.Error()}
	}
	return nil
}

// Problem codes, stable for clients that sort import errors.
const (
	CodeUnknownVillage   = "unknown_village"
	CodeUnknownRegion    = "unknown_region"
	CodeUnknownIndicator = "unknown_indicator"
	CodeKelurahan        = "kelurahan"
	CodeOutOfRange       = "out_of_range"
	CodeNotANumber       = "not_a_number"
	CodeDuplicate        = "duplicate"
	CodeWrongYear        = "wrong_year"
	CodeBadHeader        = "bad_header"
	CodeBadCode          = "bad_code"
	CodeBadStatus        = "bad_status"
	CodeMissing          = "missing"
	CodeUnknownField     = "unknown_field"
	CodeMalformed        = "malformed"
	CodeForbidden        = "forbidden_province"
)

// NewScore checks a writer's input for village v and year against the
// framework's rules and returns the score to store, deriving what the
// framework allows: the score as the mean of the components (IDM) and the
// status from the thresholds. It reports every broken rule.
func (f Framework) NewScore(v Village, year int, in ScoreInput) (Score, []Problem) {
	var probs []Problem
	add := func(field, code, format string, args ...any) {
		probs = append(probs, Problem{field, code, sprintf(format, args...)})
	}
	if f.KelurahanExcluded && v.Type == region.TypeKelurahan {
		add("village_code", CodeKelurahan, "%s is a kelurahan; %s scores desa only", v.Code, f.Code)
	}
	if first, last := f.Years(); year < first || year > last {
		add("year", CodeWrongYear, "%s has scores for %d–%d, not %d", f.Code, first, last, year)
	}
	s := Score{VillageCode: v.Code, Framework: f.Code, Year: year, Components: make(map[string]fixed.Dec, len(in.Components)),
		Status: in.Status, Source: in.Source}
	// The framework's components first, in its order, then unknown codes
	// sorted: the problems come in the same order every time.
	for _, c := range f.Components {
		val, ok := in.Components[c.Code]
		if !ok {
			continue
		}
		if val < f.Min || val > f.Max {
			add(c.Code, CodeOutOfRange, "must be between %s and %s, got %s", f.Min, f.Max, val)
		}
		s.Components[c.Code] = val
	}
	if len(s.Components) < len(in.Components) {
		var unknown []string
		for code := range in.Components {
			if _, ok := s.Components[code]; !ok {
				unknown = append(unknown, code)
			}
		}
		slices.Sort(unknown)
		for _, code := range unknown {
			add(code, CodeUnknownField, "%s has no component %q", f.Code, code)
		}
	}
	switch {
	case in.Score != nil:
		if *in.Score < f.Min || *in.Score > f.Max {
			add("score", CodeOutOfRange, "must be between %s and %s, got %s", f.Min, f.Max, *in.Score)
		}
		sc := *in.Score
		s.Score = &sc
	case f.ScoreIsMean && len(s.Components) == len(f.Components):
		var buf [9]fixed.Dec // room for every framework's components, on the stack
		vals := buf[:0]
		for _, c := range f.Components {
			vals = append(vals, s.Components[c.Code])
		}
		m := fixed.Mean(vals...)
		s.Score = &m
	case f.ScoreIsMean && len(s.Components) > 0:
		for _, c := range f.Components {
			if _, ok := s.Components[c.Code]; !ok {
				add(c.Code, CodeMissing, "is required to compute the score when score is not given")
			}
		}
	}
	if s.Status != "" && f.Rank(s.Status) < 0 {
		add("status", CodeBadStatus, "unknown %s status %q (known: %s)", f.Code, s.Status, joinSlugs(f))
	}
	if s.Score != nil {
		s.DerivedStatus = f.Classify(*s.Score)
	}
	if s.Status == "" {
		s.Status = s.DerivedStatus
	}
	// A score carries something. Where the framework derives the status,
	// that is the score (given, or the mean of every component): a status
	// alone would contradict the thresholds, and nothing at all would erase
	// a published score. Elsewhere the published status, the score or a
	// component will do.
	switch {
	case s.Score != nil:
	case f.DerivesStatus && f.ScoreIsMean:
		add("score", CodeMissing, "is required: give it or every component (%s); %s derives the status from it",
			strings.Join(componentCodes(f), ", "), f.Code)
	case f.DerivesStatus:
		add("score", CodeMissing, "is required: %s derives the status from it", f.Code)
	case s.Status == "" && len(s.Components) == 0:
		add("status", CodeMissing, "is required when neither a score nor a component is given: a %s score carries at least one of them", f.Code)
	}
	return s, probs
}

func joinSlugs(f Framework) string {
	out := ""
	for i, s := range f.Statuses {
		if i > 0 {
			out += ", "
		}
		out += s.Slug
	}
	return out
}
