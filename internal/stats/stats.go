// Package stats defines the aggregate questions dashboards and analysts ask
// of village scores — status distributions by level and year, score
// summaries, transitions between years, trends, comparisons, rankings — with
// their allow-listed dimensions and the arithmetic (shares, means,
// percentiles) done exactly, so both engines answer identically.
package stats

import (
	"context"
	"slices"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
)

// Levels are the levels a distribution may be grouped by (village lists are
// GET /v1/villages).
var Levels = []region.Level{region.LevelProvince, region.LevelRegency, region.LevelDistrict}

// Scope selects the villages an aggregate covers: those under Region (all
// of Indonesia when empty), in one framework.
type Scope struct {
	Framework indicator.Framework
	Region    string       // dotted code of any level, or ""
	Level     region.Level // the level of Region
}

// Group is one row of a grouped aggregate.
type Group struct {
	Code string
	Name string
}

// GroupCount is a group with its eligible villages and its counts of
// scores by status (statuses without scores absent).
type GroupCount struct {
	Group
	Eligible int
	Counts   map[string]int
}

// Distribution counts a group's villages by status. Total counts the
// villages the framework scores (desa and desa adat for IDM); NoStatus
// those of them without a status that year.
type Distribution struct {
	Group
	Total    int
	Counts   map[string]int // every status of the framework, zeros included
	NoStatus int
}

// Share returns count/total rounded to four places (0 for an empty group).
func Share(count, total int) fixed.Dec {
	if total == 0 {
		return 0
	}
	return fixed.Ratio(int64(count), int64(total))
}

// Summary describes a set of values: count, mean, extremes and quartiles
// (linear interpolation between closest ranks, as PostgreSQL's
// percentile_cont), each rounded to four places.
type Summary struct {
	N                int
	Mean, Min, Max   *fixed.Dec
	P25, Median, P75 *fixed.Dec
}

// ScoreSum is how many scores a scope has in a year and their exact sum:
// all a mean needs, without reading every score.
type ScoreSum struct {
	N   int
	Sum fixed.Dec
}

// Mean is the mean score as Summarize computes it; nil without scores.
func (s ScoreSum) Mean() *fixed.Dec {
	if s.N == 0 {
		return nil
	}
	m := fixed.MeanOf(s.Sum, s.N)
	return &m
}

// Summarize computes a Summary; vals need not be sorted.
func Summarize(vals []fixed.Dec) Summary {
	s := Summary{N: len(vals)}
	if len(vals) == 0 {
		return s
	}
	v := slices.Clone(vals)
	slices.Sort(v)
	mean := fixed.Mean(v...)
	s.Mean, s.Min, s.Max = &mean, &v[0], &v[len(v)-1]
	q := func(k int) *fixed.Dec { // the k/4 quantile
		pos4 := k * (len(v) - 1) // position × 4
		lo, rem := pos4/4, pos4%4
		d := v[lo]
		if rem > 0 {
			d += fixed.Dec(roundDiv(int64(v[lo+1]-v[lo])*int64(rem), 4))
		}
		return &d
	}
	s.P25, s.Median, s.P75 = q(1), q(2), q(3)
	return s
}

// roundDiv divides rounding half away from zero.
func roundDiv(a, b int64) int64 {
	q, r := a/b, a%b
	if 2*abs(r) >= b {
		if a < 0 {
			return q - 1
		}
		return q + 1
	}
	return q
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Transition is one cell of a transition matrix.
type Transition struct {
	From, To string
	Count    int
}

// TransitionSummary totals a matrix by direction. Missing counts scored
// villages lacking a status in either year.
type TransitionSummary struct {
	Up, Same, Down, Missing int
}

// Summarize classifies cells by the framework's status order.
func SummarizeTransitions(f indicator.Framework, cells []Transition, eligible int) TransitionSummary {
	var s TransitionSummary
	both := 0
	for _, c := range cells {
		both += c.Count
		switch from, to := f.Rank(c.From), f.Rank(c.To); {
		case to > from:
			s.Up += c.Count
		case to < from:
			s.Down += c.Count
		default:
			s.Same += c.Count
		}
	}
	s.Missing = max(eligible-both, 0)
	return s
}

// YearFigures are one year's distribution and mean score in a scope.
type YearFigures struct {
	Year      int
	Total     int
	Counts    map[string]int
	NoStatus  int
	Scored    int
	MeanScore *fixed.Dec
}

// RankedVillage is a village in a ranking or a transition.
type RankedVillage struct {
	Code, Name  string
	RegencyName string
	Score       *fixed.Dec // nil: a status published without a score
	Status      string
	FromStatus  string     // transitions: the status in the earlier year
	FromScore   *fixed.Dec // rankings by improvement, transitions
	Change      *fixed.Dec
}

// TransitionFilter selects the villages of cells of a transition matrix:
// those with a status in both years, in one of FromStatus in From (any
// when empty) and one of ToStatus in To.
type TransitionFilter struct {
	From, To             int
	FromStatus, ToStatus []string
	Sort                 paging.Sort // a TransitionSortFields field; code by default
	Page                 paging.Page
}

// TransitionSortFields are the fields transition villages may be sorted
// by; ties go by ascending code.
var TransitionSortFields = []string{"code", "change", "score"}

// Store answers the aggregate queries.
type Store interface {
	// LatestYear is the latest year with scores in the framework; ok is
	// false when it has none.
	LatestYear(ctx context.Context, framework string) (year int, ok bool, err error)
	// Groups lists the regions at level under scope.Region, by code.
	Groups(ctx context.Context, level region.Level, sc Scope) ([]Group, error)
	// EligibleCounts counts the villages the framework scores, per group
	// at level (level "" : one total under the scope).
	EligibleCounts(ctx context.Context, level region.Level, sc Scope) (map[string]int, error)
	// StatusCounts counts scores with a status, per group and status.
	StatusCounts(ctx context.Context, level region.Level, sc Scope, year int) (map[string]map[string]int, error)
	// GroupCounts answers Groups, EligibleCounts and StatusCounts for year
	// at once: the groups at level under the scope, by code, each with its
	// eligible villages and its counts by status. found is false when the
	// scope's region does not exist.
	GroupCounts(ctx context.Context, level region.Level, sc Scope, year int) (groups []GroupCount, found bool, err error)
	// ScoreValues returns per column ("score" or a component) and group
	// the column's values that year, leaving out the villages without one.
	ScoreValues(ctx context.Context, level region.Level, sc Scope, year int, columns []string) (map[string]map[string][]fixed.Dec, error)
	// ScoreSum counts the scores under the scope that year and sums them
	// exactly.
	ScoreSum(ctx context.Context, sc Scope, year int) (ScoreSum, error)
	// Transitions counts villages by (status in from, status in to).
	Transitions(ctx context.Context, sc Scope, from, to int) ([]Transition, error)
	// TransitionVillages lists a page of the villages of the cells f
	// selects, and counts them all.
	TransitionVillages(ctx context.Context, sc Scope, f TransitionFilter) ([]RankedVillage, int, error)
	// Ranking orders villages by score in year (or by change since from),
	// ties by ascending code, and returns limit of them after offset.
	Ranking(ctx context.Context, sc Scope, year, from int, desc bool, limit, offset int) ([]RankedVillage, error)
	// RankingCount counts the villages Ranking orders.
	RankingCount(ctx context.Context, sc Scope, year, from int) (int, error)
}

// Gap is one indicator's standing among a set of villages: what holds them
// back is the indicators with the lowest mean score.
type Gap struct {
	IndicatorCode string
	NameID        string
	NameEN        string
	Dimension     string
	Number        int
	Villages      int       // villages with a value
	Mean          fixed.Dec // mean indicator score
	AtMost2       int       // villages scoring ≤ 2 (of 0–5)
}

// GapStore reads indicator values of scored villages.
type GapStore interface {
	// Gaps aggregates the framework's indicator values of the villages
	// whose published status in year is one of statuses.
	Gaps(ctx context.Context, sc Scope, year int, statuses []string) ([]Gap, error)
}

// Profile is everything a dashboard page about one region shows.
type Profile struct {
	Region      region.Region
	Descendants map[region.Level]int // regions below, per level
	Villages    map[string]int       // villages below (or itself), per type
	Year        int
	Current     Distribution // status distribution in Year
	// PreviousYear is Year − 1, and Previous its distribution; 0 and nil
	// when Year is the framework's first.
	PreviousYear int
	Previous     *Distribution
	Score        Summary
	Components   map[string]Summary
	TopMovers    []RankedVillage // largest improvement since PreviousYear
	Programs     []ProgramRef
}

// ProgramRef is a cooperation program active in a region.
type ProgramRef struct {
	ID, Code, Title, Status string
}

// ProgramFinder lists the programs active in a region (a party province,
// or target villages there) on a date; wired when programs exist.
type ProgramFinder interface {
	ActivePrograms(ctx context.Context, regionCode string, year int) ([]ProgramRef, error)
}

// DescendantStore counts what lies below a region.
type DescendantStore interface {
	Descendants(ctx context.Context, code string, level region.Level) (map[region.Level]int, map[string]int, error)
}
