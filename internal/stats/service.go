package stats

import (
	"context"
	"slices"
	"strings"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
)

// RegionStore finds regions.
type RegionStore interface {
	Region(ctx context.Context, code string) (region.Region, error)
	// HasRegion tells whether a region with this (dotted) code exists.
	HasRegion(ctx context.Context, code string) (bool, error)
}

// Service answers aggregate questions.
type Service struct {
	store    Store
	regions  RegionStore
	programs ProgramFinder
}

// NewService returns a stats service.
func NewService(s Store, regions RegionStore) *Service { return &Service{store: s, regions: regions} }

// Scope checks a framework code and an optional region code (any level,
// dotted or not) and returns the scope they select; the region must exist.
// param names the query parameter of the region, for errors.
func (s *Service) Scope(ctx context.Context, framework, code, param string) (Scope, error) {
	sc, err := ParseScope(framework, code, param)
	if err != nil || sc.Region == "" {
		return sc, err
	}
	if ok, err := s.regions.HasRegion(ctx, sc.Region); err != nil {
		return Scope{}, err
	} else if !ok {
		return Scope{}, noRegion(sc.Region)
	}
	return sc, nil
}

// ParseScope is Scope without the check that the region exists, for the
// reports whose own read tells (Distribution): one round trip fewer.
func ParseScope(framework, code, param string) (Scope, error) {
	if framework == "" {
		framework = "idm"
	}
	f, err := indicator.FrameworkByCode(framework)
	if err != nil {
		return Scope{}, apperr.Field(apperr.BadRequest, "framework", err.(*apperr.Error).Message)
	}
	sc := Scope{Framework: f}
	if code == "" {
		return sc, nil
	}
	dotted, level, err := region.ParseCode(code)
	if err != nil {
		return Scope{}, apperr.Field(apperr.BadRequest, param, err.(*apperr.Error).Message)
	}
	sc.Region, sc.Level = dotted, level
	return sc, nil
}

func noRegion(code string) error { return apperr.NotFoundf("no region with code %s", code) }

// region reads a region, NotFound with Scope's message when it is missing.
func (s *Service) region(ctx context.Context, code string) (region.Region, error) {
	r, err := s.regions.Region(ctx, code)
	if apperr.Is(err, apperr.NotFound) {
		return region.Region{}, noRegion(code)
	}
	return r, err
}

// DefaultYear is the year a report covers when none is asked for: the
// latest year with scores in the framework — the year a dashboard opens
// on — or, without any, the framework's last year. Every report names the
// year it used.
func (s *Service) DefaultYear(ctx context.Context, f indicator.Framework) (int, error) {
	first, last := f.Years()
	y, ok, err := s.store.LatestYear(ctx, f.Code)
	if err != nil {
		return 0, err
	}
	if !ok || y < first || y > last {
		return last, nil
	}
	return y, nil
}

// Year checks a year against the framework (nil: DefaultYear).
func (s *Service) Year(ctx context.Context, f indicator.Framework, year *int, param string) (int, error) {
	if year == nil {
		return s.DefaultYear(ctx, f)
	}
	return Year(f, year, param)
}

// Year checks a year against the framework (nil: its last year).
func Year(f indicator.Framework, year *int, param string) (int, error) {
	first, last := f.Years()
	if year == nil {
		return last, nil
	}
	if *year < first || *year > last {
		return 0, apperr.BadParam(param, "%s has years %d–%d, not %d", f.Code, first, last, *year)
	}
	return *year, nil
}

// PreviousYear is the year before year in the framework; ok is false when
// year is its first, which has none before it.
func PreviousYear(f indicator.Framework, year int) (prev int, ok bool) {
	first, _ := f.Years()
	return year - 1, year > first
}

// Since returns the earlier year of a comparison with year (transitions,
// rankings by improvement): from when given, checked as Year checks it, or
// by default the year before year — BadRequest naming fromParam when year is
// the framework's first year, which has none before it. Whether from may
// lie after year is the caller's rule.
func Since(f indicator.Framework, from *int, year int, fromParam string) (int, error) {
	if from != nil {
		return Year(f, from, fromParam)
	}
	prev, ok := PreviousYear(f, year)
	if !ok {
		first, last := f.Years()
		return 0, apperr.BadParam(fromParam, "%s has no year before %d, its first: give %s (%d–%d)", f.Code, year, fromParam, first, last)
	}
	return prev, nil
}

// CheckLevel checks that level can group the villages under the scope.
func CheckLevel(sc Scope, level region.Level) error {
	if level == region.LevelVillage {
		return apperr.Invalidf("level", "village lists are GET /v1/villages (with framework, year and status)")
	}
	if !slices.Contains(Levels, level) {
		return apperr.BadParam("level", "must be province, regency or district, got %q", level)
	}
	if sc.Region != "" && level.Depth() <= sc.Level.Depth() {
		return apperr.Invalidf("level", "a %s lies above or at %s %s; choose a lower level", level, sc.Level, sc.Region)
	}
	return nil
}

// Distribution returns the status distribution per region at level, and
// the total over them. The scope's region need not have been checked: a
// missing one is NotFound.
func (s *Service) Distribution(ctx context.Context, sc Scope, level region.Level, year int) ([]Distribution, Distribution, error) {
	if err := CheckLevel(sc, level); err != nil {
		if sc.Region != "" { // a missing region is the first error, as with Scope
			if ok, herr := s.regions.HasRegion(ctx, sc.Region); herr == nil && !ok {
				err = noRegion(sc.Region)
			}
		}
		return nil, Distribution{}, err
	}
	groups, found, err := s.store.GroupCounts(ctx, level, sc, year)
	if err != nil {
		return nil, Distribution{}, err
	}
	if !found {
		return nil, Distribution{}, noRegion(sc.Region)
	}
	total := Distribution{Group: Group{Code: "total", Name: "Total"}, Counts: zeroCounts(sc.Framework)}
	rows := make([]Distribution, len(groups))
	for i, g := range groups {
		rows[i] = distribution(sc.Framework, g.Group, g.Eligible, g.Counts)
		total.Total += rows[i].Total
		total.NoStatus += rows[i].NoStatus
		for k, n := range rows[i].Counts {
			total.Counts[k] += n
		}
	}
	return rows, total, nil
}

func zeroCounts(f indicator.Framework) map[string]int {
	m := make(map[string]int, len(f.Statuses))
	for _, st := range f.Statuses {
		m[st.Slug] = 0
	}
	return m
}

func distribution(f indicator.Framework, g Group, eligible int, counts map[string]int) Distribution {
	d := Distribution{Group: g, Total: eligible, Counts: zeroCounts(f)}
	with := 0
	for k, n := range counts {
		d.Counts[k] = n
		with += n
	}
	d.NoStatus = max(eligible-with, 0)
	return d
}

// GroupSummary summarises the score and each component in one group.
type GroupSummary struct {
	Group
	Score      Summary
	Components map[string]Summary
}

// Summaries returns score and component summaries per region at level.
func (s *Service) Summaries(ctx context.Context, sc Scope, level region.Level, year int) ([]GroupSummary, error) {
	if err := CheckLevel(sc, level); err != nil {
		return nil, err
	}
	groups, err := s.store.Groups(ctx, level, sc)
	if err != nil {
		return nil, err
	}
	cols := []string{"score"}
	for _, c := range sc.Framework.Components {
		cols = append(cols, c.Code)
	}
	vals, err := s.store.ScoreValues(ctx, level, sc, year, cols)
	if err != nil {
		return nil, err
	}
	out := make([]GroupSummary, len(groups))
	for i, g := range groups {
		out[i] = GroupSummary{Group: g, Score: Summarize(vals["score"][g.Code]), Components: map[string]Summary{}}
		for _, c := range sc.Framework.Components {
			out[i].Components[c.Code] = Summarize(vals[c.Code][g.Code])
		}
	}
	return out, nil
}

// Transitions returns the transition matrix between two years and its
// summary (every pair of statuses present, zeros included).
func (s *Service) Transitions(ctx context.Context, sc Scope, from, to int) ([]Transition, TransitionSummary, error) {
	cells, err := s.store.Transitions(ctx, sc, from, to)
	if err != nil {
		return nil, TransitionSummary{}, err
	}
	eligible, err := s.store.EligibleCounts(ctx, "", sc)
	if err != nil {
		return nil, TransitionSummary{}, err
	}
	got := map[[2]string]int{}
	for _, c := range cells {
		got[[2]string{c.From, c.To}] = c.Count
	}
	full := make([]Transition, 0, len(sc.Framework.Statuses)*len(sc.Framework.Statuses))
	for _, a := range sc.Framework.Statuses {
		for _, b := range sc.Framework.Statuses {
			full = append(full, Transition{a.Slug, b.Slug, got[[2]string{a.Slug, b.Slug}]})
		}
	}
	return full, SummarizeTransitions(sc.Framework, full, eligible[""]), nil
}

// TransitionVillages lists the villages of cells of the matrix.
func (s *Service) TransitionVillages(ctx context.Context, sc Scope, f TransitionFilter) ([]RankedVillage, int, error) {
	for _, p := range []struct {
		param    string
		statuses []string
	}{{"from_status", f.FromStatus}, {"to_status", f.ToStatus}} {
		for _, st := range p.statuses {
			if sc.Framework.Rank(st) < 0 {
				return nil, 0, apperr.BadParam(p.param, "unknown %s status %q", sc.Framework.Code, st)
			}
		}
	}
	if f.Sort.Field != "" && !slices.Contains(TransitionSortFields, f.Sort.Field) {
		return nil, 0, apperr.BadParam("sort", "cannot sort by %q", f.Sort.Field)
	}
	return s.store.TransitionVillages(ctx, sc, f)
}

// Trends returns each year's distribution and mean score in [from, to].
func (s *Service) Trends(ctx context.Context, sc Scope, from, to int) ([]YearFigures, error) {
	if from > to {
		return nil, apperr.BadParam("from", "must not be after to (%d > %d)", from, to)
	}
	if to-from > 50 {
		return nil, apperr.BadParam("from", "a trend covers at most 50 years")
	}
	eligible, err := s.store.EligibleCounts(ctx, "", sc)
	if err != nil {
		return nil, err
	}
	var out []YearFigures
	for y := from; y <= to; y++ {
		counts, err := s.store.StatusCounts(ctx, "", sc, y)
		if err != nil {
			return nil, err
		}
		sum, err := s.store.ScoreSum(ctx, sc, y)
		if err != nil {
			return nil, err
		}
		d := distribution(sc.Framework, Group{}, eligible[""], counts[""])
		out = append(out, YearFigures{Year: y, Total: d.Total, Counts: d.Counts, NoStatus: d.NoStatus,
			Scored: sum.N, MeanScore: sum.Mean()})
	}
	return out, nil
}

// RegionFigures are one region's figures for a comparison.
type RegionFigures struct {
	Distribution
	Level     region.Level
	MeanScore *fixed.Dec
	Scored    int
}

// Compare returns the same figures for several regions side by side.
func (s *Service) Compare(ctx context.Context, framework string, codes []string, year int) ([]RegionFigures, error) {
	var out []RegionFigures
	for _, code := range codes {
		sc, err := ParseScope(framework, code, "regions")
		if err != nil {
			return nil, err
		}
		r, err := s.region(ctx, sc.Region) // reads it once: Scope would probe it first
		if err != nil {
			return nil, err
		}
		eligible, err := s.store.EligibleCounts(ctx, "", sc)
		if err != nil {
			return nil, err
		}
		counts, err := s.store.StatusCounts(ctx, "", sc, year)
		if err != nil {
			return nil, err
		}
		sum, err := s.store.ScoreSum(ctx, sc, year)
		if err != nil {
			return nil, err
		}
		out = append(out, RegionFigures{Distribution: distribution(sc.Framework, Group{r.Code, r.Name}, eligible[""], counts[""]),
			Level: sc.Level, MeanScore: sum.Mean(), Scored: sum.N})
	}
	return out, nil
}

// Ranking lists a page of villages by score in year (from = 0) or by the
// change of score since from, with the number of villages ranked.
func (s *Service) Ranking(ctx context.Context, sc Scope, year, from int, desc bool, limit, offset int) ([]RankedVillage, int, error) {
	vs, err := s.store.Ranking(ctx, sc, year, from, desc, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	total, err := s.store.RankingCount(ctx, sc, year, from)
	return vs, total, err
}

// Gaps returns the framework's indicators for the villages in the given
// statuses (default: sangat_tertinggal and tertinggal), lowest mean first.
func (s *Service) Gaps(ctx context.Context, sc Scope, year int, statuses []string) ([]Gap, error) {
	if !HasGaps(sc.Framework) {
		return nil, apperr.Invalidf("framework", "gaps are computed for idm only: %s has no indicator scores per village", sc.Framework.Code)
	}
	gs, ok := s.store.(GapStore)
	if !ok {
		return nil, apperr.New(apperr.Internal, "indicator values are not available")
	}
	statuses = GapStatuses(statuses)
	for _, st := range statuses {
		if sc.Framework.Rank(st) < 0 {
			return nil, apperr.BadParam("status", "unknown %s status %q", sc.Framework.Code, st)
		}
	}
	gaps, err := gs.Gaps(ctx, sc, year, statuses)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(gaps, func(a, b Gap) int {
		if a.Mean != b.Mean {
			return int(a.Mean - b.Mean)
		}
		return strings.Compare(a.IndicatorCode, b.IndicatorCode)
	})
	return gaps, nil
}

// HasGaps tells whether gaps can be computed in a framework: IDM only,
// whose 50 indicators are scored 0–5 per village.
func HasGaps(f indicator.Framework) bool { return f.Code == "idm" }

// GapStatuses are the statuses gaps looks at: those asked for, or the two
// lowest.
func GapStatuses(asked []string) []string {
	if len(asked) == 0 {
		return []string{"sangat_tertinggal", "tertinggal"}
	}
	return asked
}

// WithPrograms lets profiles list the programs active in a region.
func (s *Service) WithPrograms(p ProgramFinder) *Service {
	s.programs = p
	return s
}

// Profile assembles a region's dashboard page for a year (NotFound, with
// Scope's message, when the region does not exist).
func (s *Service) Profile(ctx context.Context, sc Scope, year int) (Profile, error) {
	r, err := s.region(ctx, sc.Region)
	if err != nil {
		return Profile{}, err
	}
	p := Profile{Region: r, Year: year}
	ds, ok := s.store.(DescendantStore)
	if !ok {
		return Profile{}, apperr.New(apperr.Internal, "descendant counts are not available")
	}
	if p.Descendants, p.Villages, err = ds.Descendants(ctx, r.Code, r.Level); err != nil {
		return Profile{}, err
	}
	eligible, err := s.store.EligibleCounts(ctx, "", sc)
	if err != nil {
		return Profile{}, err
	}
	years := []int{year}
	prev, hasPrev := PreviousYear(sc.Framework, year)
	if hasPrev {
		years = append(years, prev)
		p.PreviousYear = prev
	}
	for i, y := range years {
		counts, err := s.store.StatusCounts(ctx, "", sc, y)
		if err != nil {
			return Profile{}, err
		}
		d := distribution(sc.Framework, Group{r.Code, r.Name}, eligible[""], counts[""])
		if i == 0 {
			p.Current = d
		} else {
			p.Previous = &d
		}
	}
	comps := componentsOf(sc.Framework)
	vals, err := s.store.ScoreValues(ctx, "", sc, year, append([]string{"score"}, comps...))
	if err != nil {
		return Profile{}, err
	}
	p.Score = Summarize(vals["score"][""])
	p.Components = map[string]Summary{}
	for _, c := range comps {
		p.Components[c] = Summarize(vals[c][""])
	}
	if hasPrev {
		if p.TopMovers, err = s.store.Ranking(ctx, sc, year, prev, true, 5, 0); err != nil {
			return Profile{}, err
		}
	}
	p.Programs = []ProgramRef{}
	if s.programs != nil {
		if p.Programs, err = s.programs.ActivePrograms(ctx, r.Code, year); err != nil {
			return Profile{}, err
		}
	}
	return p, nil
}

func componentsOf(f indicator.Framework) []string {
	out := make([]string, len(f.Components))
	for i, c := range f.Components {
		out[i] = c.Code
	}
	return out
}
