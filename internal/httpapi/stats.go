package httpapi

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
)

// StatusCounts maps each status of the framework, lowest first, to a count
// (or a share); every status is present, zeros included.
type StatusCounts struct {
	keys   []string
	vals   []int64 // counts, or shares as fixed.Dec
	shares bool
}

// MarshalJSON writes the statuses in the framework's order.
func (s StatusCounts) MarshalJSON() ([]byte, error) {
	return s.appendJSON(make([]byte, 0, 16*len(s.keys)+2)), nil
}

// appendJSON appends the object. The keys are the frameworks' status slugs
// (lowercase letters and underscores), and the values counts or shares,
// written directly: a status distribution holds ten of them per row, and
// encoding each through encoding/json was a sixth of the server's CPU per
// uncached answer.
func (s StatusCounts) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, k := range s.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		if s.shares {
			b = fixed.Dec(s.vals[i]).Append(b)
		} else {
			b = strconv.AppendInt(b, s.vals[i], 10)
		}
	}
	return append(b, '}')
}

func statusCounts(f indicator.Framework, counts map[string]int) StatusCounts {
	s := StatusCounts{keys: make([]string, len(f.Statuses)), vals: make([]int64, len(f.Statuses))}
	for i, st := range f.Statuses {
		s.keys[i], s.vals[i] = st.Slug, int64(counts[st.Slug])
	}
	return s
}

func statusShares(f indicator.Framework, counts map[string]int, total int) StatusCounts {
	s := StatusCounts{keys: make([]string, len(f.Statuses)), vals: make([]int64, len(f.Statuses)), shares: true}
	for i, st := range f.Statuses {
		s.keys[i], s.vals[i] = st.Slug, int64(stats.Share(counts[st.Slug], total))
	}
	return s
}

// DistributionRow is one region's status distribution.
type DistributionRow struct {
	Code     string       `json:"code" example:"64"`
	Name     string       `json:"name" example:"Kalimantan Timur"`
	Total    int          `json:"total" example:"841"`
	Counts   StatusCounts `json:"counts" swaggertype:"object,integer"`
	NoStatus int          `json:"no_status" example:"0"`
	Shares   StatusCounts `json:"shares" swaggertype:"object,number"`
} //	@name	DistributionRow

// appendJSON appends the row as encoding/json would write it.
func (r DistributionRow) appendJSON(b []byte) []byte {
	b = append(b, `{"code":`...)
	b = appendJSONString(b, r.Code)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, r.Name)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, int64(r.Total), 10)
	b = append(b, `,"counts":`...)
	b = r.Counts.appendJSON(b)
	b = append(b, `,"no_status":`...)
	b = strconv.AppendInt(b, int64(r.NoStatus), 10)
	b = append(b, `,"shares":`...)
	b = r.Shares.appendJSON(b)
	return append(b, '}')
}

// StatusDistribution answers /v1/stats/status-distribution.
type StatusDistribution struct {
	Framework string            `json:"framework" example:"idm"`
	Year      int               `json:"year" example:"2024"`
	Level     string            `json:"level" example:"province"`
	Parent    *string           `json:"parent" extensions:"x-nullable" example:"64"`
	Data      []DistributionRow `json:"data"`
	Total     DistributionRow   `json:"total"`
} //	@name	StatusDistribution

// MarshalJSON writes the answer by hand, as encoding/json would: it is the
// dashboards' most requested one, and reflection over its rows was most of
// the encoding's cost.
func (d StatusDistribution) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 512+320*len(d.Data))
	b = append(b, `{"framework":`...)
	b = appendJSONString(b, d.Framework)
	b = append(b, `,"year":`...)
	b = strconv.AppendInt(b, int64(d.Year), 10)
	b = append(b, `,"level":`...)
	b = appendJSONString(b, d.Level)
	b = append(b, `,"parent":`...)
	if d.Parent == nil {
		b = append(b, "null"...)
	} else {
		b = appendJSONString(b, *d.Parent)
	}
	b = append(b, `,"data":`...)
	if d.Data == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, r := range d.Data {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"total":`...)
	b = d.Total.appendJSON(b)
	return append(b, '}'), nil
}

func toDistributionRow(f indicator.Framework, d stats.Distribution) DistributionRow {
	return DistributionRow{Code: d.Code, Name: d.Name, Total: d.Total, Counts: statusCounts(f, d.Counts),
		NoStatus: d.NoStatus, Shares: statusShares(f, d.Counts, d.Total)}
}

// statsQuery reads the parameters most reports share.
type statsQuery struct {
	*query
	h *handlers
}

func (h *handlers) statsQuery(c echo.Context) statsQuery { return statsQuery{&query{c: c}, h} }

// scope reads framework and the region parameter (param names it).
func (q statsQuery) scope(param string) stats.Scope {
	sc, err := q.h.svc.Stats.Scope(q.c.Request().Context(), q.c.QueryParam("framework"), q.c.QueryParam(param), param)
	if err != nil {
		q.fail(err)
	}
	return sc
}

// parsedScope is scope without the check that the region exists, for the
// reports that tell a missing region themselves.
func (q statsQuery) parsedScope(param string) stats.Scope {
	sc, err := stats.ParseScope(q.c.QueryParam("framework"), q.c.QueryParam(param), param)
	if err != nil {
		q.fail(err)
	}
	return sc
}

// yearParam reads a year parameter as given, unchecked: nil when absent (or
// not a number, which fails the query).
func (q statsQuery) yearParam(param string) *int {
	s := q.c.QueryParam(param)
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.fail(apperr.BadParam(param, "must be a year, got %q", s))
		return nil
	}
	return &n
}

// year reads a year parameter, defaulting to the latest year with scores
// in the framework (stats.Service.DefaultYear).
func (q statsQuery) year(f indicator.Framework, param string) int {
	if f.Code == "" {
		return 0
	}
	p := q.yearParam(param)
	if q.err != nil {
		return 0
	}
	y, err := q.h.svc.Stats.Year(q.c.Request().Context(), f, p, param)
	if err != nil {
		q.fail(err)
	}
	return y
}

// since reads from, the earlier year of a comparison with year (see
// stats.Since: by default the year before, a 400 when there is none).
func (q statsQuery) since(f indicator.Framework, year int) int {
	p := q.yearParam("from")
	if q.err != nil || f.Code == "" {
		return 0
	}
	from, err := stats.Since(f, p, year, "from")
	if err != nil {
		q.fail(err)
	}
	return from
}

func (q statsQuery) level() region.Level {
	l := region.Level(q.c.QueryParam("level"))
	if l == "" {
		return region.LevelProvince
	}
	return l
}

// statusDistribution godoc
//
//	@Summary		Status distribution per region at a level
//	@Description	One row per region at level under parent (all of Indonesia without it), with every status of the framework (zeros included), the villages without a status, and shares of the total; plus a total row. total counts the villages the framework scores (IDM: desa and desa adat, not kelurahan).
//	@Tags			stats
//	@Produce		json,text/csv
//	@Param			framework	query		string	false	"framework"																			Enums(idm, indeks_desa, ipd)	default(idm)
//	@Param			year		query		int		false	"year (default: the latest year with scores in the framework, else its last year)"	example(2024)
//	@Param			level		query		string	false	"province, regency or district"														Enums(province, regency, district)	default(province)
//	@Param			parent		query		string	false	"only regions under this code"														example(64)
//	@Param			format		query		string	false	"json or csv"																		Enums(json, csv)
//	@Success		200			{object}	StatusDistribution
//	@Failure		400			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/stats/status-distribution [get]
func (h *handlers) statusDistribution(c echo.Context) error {
	q := h.statsQuery(c)
	sc := q.parsedScope("parent") // Distribution tells a missing parent itself
	year, level, csv := q.year(sc.Framework, "year"), q.level(), wantsCSV(q.query)
	if q.err != nil {
		return q.err
	}
	rows, total, err := h.svc.Stats.Distribution(c.Request().Context(), sc, level, year)
	if err != nil {
		return err
	}
	out := StatusDistribution{Framework: sc.Framework.Code, Year: year, Level: string(level), Parent: optional(sc.Region),
		Data: make([]DistributionRow, len(rows)), Total: toDistributionRow(sc.Framework, total)}
	for i, r := range rows {
		out.Data[i] = toDistributionRow(sc.Framework, r)
	}
	if csv {
		return writeFlatCSV(c, flatColumns(toDistributionRow(sc.Framework, stats.Distribution{})), append(out.Data, out.Total))
	}
	return c.JSON(http.StatusOK, out)
}

// ScoreSummary describes a set of values.
type ScoreSummary struct {
	N      int        `json:"n" example:"1038"`
	Mean   *fixed.Dec `json:"mean" swaggertype:"number" extensions:"x-nullable" example:"0.7936"`
	Min    *fixed.Dec `json:"min" swaggertype:"number" extensions:"x-nullable"`
	Max    *fixed.Dec `json:"max" swaggertype:"number" extensions:"x-nullable"`
	P25    *fixed.Dec `json:"p25" swaggertype:"number" extensions:"x-nullable"`
	Median *fixed.Dec `json:"median" swaggertype:"number" extensions:"x-nullable"`
	P75    *fixed.Dec `json:"p75" swaggertype:"number" extensions:"x-nullable"`
} //	@name	ScoreSummary

// ScoreStatsRow summarises one region's scores and components.
type ScoreStatsRow struct {
	Code       string                  `json:"code" example:"64"`
	Name       string                  `json:"name" example:"Kalimantan Timur"`
	Score      ScoreSummary            `json:"score"`
	Components map[string]ScoreSummary `json:"components"`
} //	@name	ScoreStatsRow

// ScoreStats answers /v1/stats/scores.
type ScoreStats struct {
	Framework string          `json:"framework" example:"idm"`
	Year      int             `json:"year" example:"2024"`
	Level     string          `json:"level" example:"province"`
	Parent    *string         `json:"parent" extensions:"x-nullable"`
	Data      []ScoreStatsRow `json:"data"`
} //	@name	ScoreStats

func toScoreSummary(s stats.Summary) ScoreSummary {
	return ScoreSummary{N: s.N, Mean: s.Mean, Min: s.Min, Max: s.Max, P25: s.P25, Median: s.Median, P75: s.P75}
}

// scoreStats godoc
//
//	@Summary		Score summaries per region: n, mean, min, max, quartiles
//	@Description	For the score and each component of the framework. Quartiles interpolate linearly between closest ranks (as percentile_cont); every figure is exact to four places and identical on both engines.
//	@Tags			stats
//	@Produce		json,text/csv
//	@Param			framework	query		string	false	"framework"	Enums(idm, indeks_desa, ipd)	default(idm)
//	@Param			year		query		int		false	"year (default: the latest year with scores in the framework, else its last year)"
//	@Param			level		query		string	false	"province, regency or district"	Enums(province, regency, district)	default(province)
//	@Param			parent		query		string	false	"only regions under this code"
//	@Param			format		query		string	false	"json or csv"	Enums(json, csv)
//	@Success		200			{object}	ScoreStats
//	@Failure		400			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/stats/scores [get]
func (h *handlers) scoreStats(c echo.Context) error {
	q := h.statsQuery(c)
	sc := q.scope("parent")
	year, level, csv := q.year(sc.Framework, "year"), q.level(), wantsCSV(q.query)
	if q.err != nil {
		return q.err
	}
	rows, err := h.svc.Stats.Summaries(c.Request().Context(), sc, level, year)
	if err != nil {
		return err
	}
	out := ScoreStats{Framework: sc.Framework.Code, Year: year, Level: string(level), Parent: optional(sc.Region),
		Data: make([]ScoreStatsRow, len(rows))}
	for i, r := range rows {
		out.Data[i] = ScoreStatsRow{Code: r.Code, Name: r.Name, Score: toScoreSummary(r.Score), Components: map[string]ScoreSummary{}}
		for k, v := range r.Components {
			out.Data[i].Components[k] = toScoreSummary(v)
		}
	}
	if csv {
		return writeFlatCSV(c, scoreStatsColumns(sc.Framework), out.Data)
	}
	return c.JSON(http.StatusOK, out)
}

// scoreStatsColumns are the CSV columns of ScoreStatsRow: the score's
// summary, then each component's in the framework's order (iks, ike, ikl),
// not the alphabetical order of the JSON object's keys.
func scoreStatsColumns(f indicator.Framework) []string {
	sum := flatColumns(ScoreSummary{})
	out := append([]string{"code", "name"}, prefixed("score_", sum)...)
	for _, comp := range f.Components {
		out = append(out, prefixed("components_"+comp.Code+"_", sum)...)
	}
	return out
}

// TransitionCell counts villages that went from one status to another.
type TransitionCell struct {
	FromStatus string `json:"from_status" example:"tertinggal"`
	ToStatus   string `json:"to_status" example:"berkembang"`
	Count      int    `json:"count" example:"12"`
} //	@name	TransitionCell

// TransitionSummary totals the matrix by direction.
type TransitionSummary struct {
	Up      int `json:"up"`
	Same    int `json:"same"`
	Down    int `json:"down"`
	Missing int `json:"missing"`
} //	@name	TransitionSummary

// Transitions answers /v1/stats/transitions.
type Transitions struct {
	Framework string            `json:"framework" example:"idm"`
	From      int               `json:"from" example:"2023"`
	To        int               `json:"to" example:"2024"`
	Region    *string           `json:"region" extensions:"x-nullable" example:"64"`
	Cells     []TransitionCell  `json:"cells"`
	Summary   TransitionSummary `json:"summary"`
} //	@name	Transitions

// fromTo reads from and to (defaults: the latest year with scores and the one
// before). from may be after to, or equal to it: the matrix then reads
// backwards, from the later year's statuses to the earlier's.
func (q statsQuery) fromTo(f indicator.Framework) (int, int) {
	to := q.year(f, "to")
	return q.since(f, to), to
}

// transitions godoc
//
//	@Summary		Status transitions between two years
//	@Description	Every (from_status, to_status) pair of the framework, zeros included, over the villages under region (all without it). missing counts the villages the framework scores that lack a status in either year.
//	@Description	from and to are any years of the framework: from may come after to, and the matrix then reads backwards (where the villages of each status in to stood in from). from defaults to the year before to; when to is the framework's first year there is none, and the answer is 400 naming from.
//	@Tags			stats
//	@Produce		json,text/csv
//	@Param			framework	query		string	false	"framework"																					Enums(idm, indeks_desa, ipd)	default(idm)
//	@Param			from		query		int		false	"first year (default: to − 1; 400 when to is the framework's first year); may be after to"	example(2023)
//	@Param			to			query		int		false	"second year (default: the latest year with scores in the framework, else its last year)"	example(2024)
//	@Param			region		query		string	false	"only villages under this code"																example(64)
//	@Param			format		query		string	false	"json or csv"																				Enums(json, csv)
//	@Success		200			{object}	Transitions
//	@Failure		400			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/stats/transitions [get]
func (h *handlers) transitions(c echo.Context) error {
	q := h.statsQuery(c)
	sc := q.scope("region")
	from, to := q.fromTo(sc.Framework)
	csv := wantsCSV(q.query)
	if q.err != nil {
		return q.err
	}
	cells, sum, err := h.svc.Stats.Transitions(c.Request().Context(), sc, from, to)
	if err != nil {
		return err
	}
	out := Transitions{Framework: sc.Framework.Code, From: from, To: to, Region: optional(sc.Region),
		Summary: TransitionSummary(sum)}
	for _, cell := range cells {
		out.Cells = append(out.Cells, TransitionCell{cell.From, cell.To, cell.Count})
	}
	if csv {
		return writeFlatCSV(c, flatColumns(TransitionCell{}), out.Cells)
	}
	return c.JSON(http.StatusOK, out)
}

// RankedVillage is a village in a ranking.
type RankedVillage struct {
	Code        string     `json:"code" example:"64.01.06.2007"`
	Name        string     `json:"name" example:"Pait"`
	RegencyName string     `json:"regency_name" example:"Kabupaten Paser"`
	Score       *fixed.Dec `json:"score" swaggertype:"number" extensions:"x-nullable" example:"0.9905"`
	Status      *string    `json:"status" extensions:"x-nullable" example:"mandiri"`
	FromScore   *fixed.Dec `json:"from_score,omitempty" swaggertype:"number"`
	Change      *fixed.Dec `json:"change,omitempty" swaggertype:"number"`
} //	@name	RankedVillage

// TransitionVillage is a village in a cell of a transition matrix: its
// status and score in to, in from, and the change.
type TransitionVillage struct {
	Code        string     `json:"code" example:"64.01.06.2007"`
	Name        string     `json:"name" example:"Pait"`
	RegencyName string     `json:"regency_name" example:"Kabupaten Paser"`
	Score       *fixed.Dec `json:"score" swaggertype:"number" extensions:"x-nullable" example:"0.9905"`
	Status      string     `json:"status" example:"mandiri"` // in to
	FromStatus  string     `json:"from_status" example:"maju"`
	FromScore   *fixed.Dec `json:"from_score" swaggertype:"number" extensions:"x-nullable" example:"0.8012"`
	Change      *fixed.Dec `json:"change" swaggertype:"number" extensions:"x-nullable" example:"0.1893"`
} //	@name	TransitionVillage

// TransitionVillageList is a page of the villages of transition cells.
type TransitionVillageList struct {
	Data []TransitionVillage `json:"data"`
	Page Page                `json:"page"`
} //	@name	TransitionVillageList

func toTransitionVillage(v stats.RankedVillage) TransitionVillage {
	return TransitionVillage{Code: v.Code, Name: v.Name, RegencyName: v.RegencyName, Score: v.Score,
		Status: v.Status, FromStatus: v.FromStatus, FromScore: v.FromScore, Change: v.Change}
}

func toRankedVillage(v stats.RankedVillage) RankedVillage {
	return RankedVillage{Code: v.Code, Name: v.Name, RegencyName: v.RegencyName, Score: v.Score,
		Status: optional(v.Status), FromScore: v.FromScore, Change: v.Change}
}

// transitionVillages godoc
//
//	@Summary		The villages behind cells of a transition matrix
//	@Description	The villages with a status in both years (those the matrix counts; not its missing ones), each with both statuses (from_status, and status in to), both scores and the change, by code unless sorted.
//	@Tags			stats
//	@Produce		json,text/csv
//	@Param			framework	query		string	false	"framework"	Enums(idm, indeks_desa, ipd)	default(idm)
//	@Param			from		query		int		false	"first year (default: to − 1; 400 when to is the framework's first year); may be after to"
//	@Param			to			query		int		false	"second year (default: the latest year with scores in the framework, else its last year)"
//	@Param			region		query		string	false	"only villages under this code"
//	@Param			from_status	query		string	false	"status(es) in the first year, comma = any of"												example(tertinggal,sangat_tertinggal)
//	@Param			to_status	query		string	false	"status(es) in the second year, comma = any of"												example(berkembang)
//	@Param			sort		query		string	false	"code, change or score (in to), - for descending; villages without one last, ties by code"	Enums(code, -code, change, -change, score, -score)
//	@Param			fields		query		string	false	"comma-separated fields to return (sparse fieldset)"										example(code,from_status,status,change)
//	@Param			limit		query		int		false	"page size, 1–1000"																			default(50)
//	@Param			offset		query		int		false	"rows to skip"																				default(0)
//	@Param			format		query		string	false	"json or csv"																				Enums(json, csv)
//	@Success		200			{object}	TransitionVillageList
//	@Failure		400			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/stats/transitions/villages [get]
func (h *handlers) transitionVillages(c echo.Context) error {
	q := h.statsQuery(c)
	sc := q.scope("region")
	f := stats.TransitionFilter{FromStatus: q.list("from_status"), ToStatus: q.list("to_status"),
		Sort: q.sort(stats.TransitionSortFields), Page: q.page()}
	f.From, f.To = q.fromTo(sc.Framework)
	out := newListOut[TransitionVillage](q.query)
	if q.err != nil {
		return q.err
	}
	vs, total, err := h.svc.Stats.TransitionVillages(c.Request().Context(), sc, f)
	if err != nil {
		return err
	}
	items := make([]TransitionVillage, len(vs))
	for i, v := range vs {
		items[i] = toTransitionVillage(v)
	}
	return out.write(c, items, f.Page, total)
}

// TrendYear is one year of a trend.
type TrendYear struct {
	Year      int          `json:"year" example:"2024"`
	Total     int          `json:"total" example:"841"`
	Counts    StatusCounts `json:"counts" swaggertype:"object,integer"`
	NoStatus  int          `json:"no_status"`
	Shares    StatusCounts `json:"shares" swaggertype:"object,number"`
	Scored    int          `json:"scored" example:"841"`
	MeanScore *fixed.Dec   `json:"mean_score" swaggertype:"number" extensions:"x-nullable" example:"0.7936"`
} //	@name	TrendYear

// Trends answers /v1/stats/trends.
type Trends struct {
	Framework string      `json:"framework" example:"idm"`
	Region    *string     `json:"region" extensions:"x-nullable" example:"64"`
	Data      []TrendYear `json:"data"`
} //	@name	Trends

// trends godoc
//
//	@Summary	Status distribution and mean score per year
//	@Tags		stats
//	@Produce	json,text/csv
//	@Param		framework	query		string	false	"framework"																				Enums(idm, indeks_desa, ipd)	default(idm)
//	@Param		region		query		string	false	"only villages under this code"															example(64)
//	@Param		from		query		int		false	"first year (default: to − 4)"															example(2021)
//	@Param		to			query		int		false	"last year (default: the latest year with scores in the framework, else its last year)"	example(2024)
//	@Param		format		query		string	false	"json or csv"																			Enums(json, csv)
//	@Success	200			{object}	Trends
//	@Failure	400			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Router		/v1/stats/trends [get]
func (h *handlers) trends(c echo.Context) error {
	q := h.statsQuery(c)
	sc := q.scope("region")
	to := q.year(sc.Framework, "to")
	from := to - 4
	if first, _ := sc.Framework.Years(); from < first {
		from = first
	}
	if c.QueryParam("from") != "" {
		from = q.year(sc.Framework, "from")
	}
	csv := wantsCSV(q.query)
	if q.err != nil {
		return q.err
	}
	years, err := h.svc.Stats.Trends(c.Request().Context(), sc, from, to)
	if err != nil {
		return err
	}
	out := Trends{Framework: sc.Framework.Code, Region: optional(sc.Region), Data: []TrendYear{}}
	for _, y := range years {
		out.Data = append(out.Data, TrendYear{Year: y.Year, Total: y.Total, Counts: statusCounts(sc.Framework, y.Counts),
			NoStatus: y.NoStatus, Shares: statusShares(sc.Framework, y.Counts, y.Total), Scored: y.Scored, MeanScore: y.MeanScore})
	}
	if csv {
		proto := TrendYear{Counts: statusCounts(sc.Framework, nil), Shares: statusShares(sc.Framework, nil, 0)}
		return writeFlatCSV(c, flatColumns(proto), out.Data)
	}
	return c.JSON(http.StatusOK, out)
}

// CompareRow is one region's figures in a comparison.
type CompareRow struct {
	DistributionRow
	Level     string     `json:"level" example:"province"`
	Scored    int        `json:"scored" example:"841"`
	MeanScore *fixed.Dec `json:"mean_score" swaggertype:"number" extensions:"x-nullable" example:"0.7936"`
} //	@name	CompareRow

// Comparison answers /v1/stats/compare.
type Comparison struct {
	Framework string       `json:"framework" example:"idm"`
	Year      int          `json:"year" example:"2024"`
	Data      []CompareRow `json:"data"`
} //	@name	Comparison

// compare godoc
//
//	@Summary	The same figures for several regions side by side
//	@Tags		stats
//	@Produce	json,text/csv
//	@Param		regions		query		string	true	"region codes of any level, comma-separated (at most 20)"							example(35,64)
//	@Param		framework	query		string	false	"framework"																			Enums(idm, indeks_desa, ipd)	default(idm)
//	@Param		year		query		int		false	"year (default: the latest year with scores in the framework, else its last year)"	example(2024)
//	@Param		format		query		string	false	"json or csv"																		Enums(json, csv)
//	@Success	200			{object}	Comparison
//	@Failure	400			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Router		/v1/stats/compare [get]
func (h *handlers) compare(c echo.Context) error {
	q := h.statsQuery(c)
	sc := q.scope("")
	year := q.year(sc.Framework, "year")
	codes := q.list("regions")
	switch {
	case len(codes) == 0:
		q.fail(apperr.BadParam("regions", "is required: region codes, comma-separated"))
	case len(codes) > 20:
		q.fail(apperr.BadParam("regions", "compares at most 20 regions, got %d", len(codes)))
	}
	csv := wantsCSV(q.query)
	if q.err != nil {
		return q.err
	}
	figs, err := h.svc.Stats.Compare(c.Request().Context(), sc.Framework.Code, codes, year)
	if err != nil {
		return err
	}
	out := Comparison{Framework: sc.Framework.Code, Year: year, Data: []CompareRow{}}
	for _, f := range figs {
		out.Data = append(out.Data, CompareRow{DistributionRow: toDistributionRow(sc.Framework, f.Distribution),
			Level: string(f.Level), Scored: f.Scored, MeanScore: f.MeanScore})
	}
	if csv {
		return writeFlatCSV(c, flatColumns(CompareRow{DistributionRow: toDistributionRow(sc.Framework, stats.Distribution{})}), out.Data)
	}
	return c.JSON(http.StatusOK, out)
}

// Ranking answers /v1/stats/rankings.
type Ranking struct {
	Framework string          `json:"framework" example:"idm"`
	Year      int             `json:"year" example:"2024"`
	By        string          `json:"by" example:"score"`
	From      *int            `json:"from,omitempty" example:"2023"`
	Order     string          `json:"order" example:"desc"`
	Region    *string         `json:"region" extensions:"x-nullable" example:"64"`
	Data      []RankedVillage `json:"data"`
	// Page is the window of the ranking data covers; total counts the
	// villages ranked.
	Page Page `json:"page"`
} //	@name	Ranking

// rankings godoc
//
//	@Summary		Villages ranked by score, or by improvement since a year
//	@Description	Ties go by ascending code in both orders (as GET /v1/villages?sort=-score). Paged like lists: limit, offset, page and Link headers.
//	@Tags			stats
//	@Produce		json,text/csv
//	@Param			framework	query		string	false	"framework"						Enums(idm, indeks_desa, ipd)	default(idm)
//	@Param			region		query		string	false	"only villages under this code"	example(64)
//	@Param			year		query		int		false	"year (default: the latest year with scores in the framework, else its last year)"
//	@Param			by			query		string	false	"score or improvement"	Enums(score, improvement)	default(score)
//	@Param			from		query		int		false	"with by=improvement: the earlier year, before year (default: year − 1; 400 when year is the framework's first year)"
//	@Param			order		query		string	false	"asc or desc"		Enums(asc, desc)	default(desc)
//	@Param			limit		query		int		false	"page size, 1–1000"	default(50)
//	@Param			offset		query		int		false	"rows to skip"		default(0)
//	@Param			format		query		string	false	"json or csv"		Enums(json, csv)
//	@Success		200			{object}	Ranking
//	@Failure		400			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/stats/rankings [get]
func (h *handlers) rankings(c echo.Context) error {
	q := h.statsQuery(c)
	sc := q.scope("region")
	year := q.year(sc.Framework, "year")
	by := q.enum("by", []string{"score", "improvement"})
	order := q.enum("order", []string{"asc", "desc"})
	page := q.page()
	csv := wantsCSV(q.query)
	out := Ranking{Framework: sc.Framework.Code, Year: year, By: "score", Order: "desc", Region: optional(sc.Region)}
	from := 0
	if len(by) > 1 || len(order) > 1 {
		q.fail(apperr.BadParam("by", "by and order take one value each"))
	}
	if slices.Equal(by, []string{"improvement"}) {
		out.By, from = "improvement", q.since(sc.Framework, year)
		if q.err == nil && from >= year {
			q.fail(apperr.BadParam("from", "must be before year %d", year))
		}
		out.From = &from
	}
	if slices.Equal(order, []string{"asc"}) {
		out.Order = "asc"
	}
	if q.err != nil {
		return q.err
	}
	vs, total, err := h.svc.Stats.Ranking(c.Request().Context(), sc, year, from, out.Order == "desc", page.Limit, page.Offset)
	if err != nil {
		return err
	}
	out.Page = Page{Limit: page.Limit, Offset: page.Offset, Total: total}
	setLinks(c, page, total)
	out.Data = make([]RankedVillage, len(vs))
	for i, v := range vs {
		out.Data[i] = toRankedVillage(v)
	}
	if csv {
		proto := RankedVillage{} // by score: no from_score, no change
		if out.From != nil {
			var zero fixed.Dec
			proto.FromScore, proto.Change = &zero, &zero
		}
		return writeFlatCSV(c, flatColumns(proto), out.Data)
	}
	return c.JSON(http.StatusOK, out)
}

// GapRow is one indicator's standing among the villages in the statuses.
type GapRow struct {
	IndicatorCode string    `json:"indicator_code" example:"idm_iks_31"`
	NameID        string    `json:"name_id" example:"Akses Internet Warga"`
	NameEN        string    `json:"name_en" example:"Household internet access"`
	Dimension     string    `json:"dimension" example:"iks"`
	Number        int       `json:"number" example:"31"`
	Villages      int       `json:"villages" example:"4"`
	Mean          fixed.Dec `json:"mean" swaggertype:"number" example:"1.2500"`
	AtMost2       int       `json:"at_most_2" example:"3"`
} //	@name	GapRow

// Gaps answers /v1/stats/gaps.
type Gaps struct {
	Framework string   `json:"framework" example:"idm"`
	Year      int      `json:"year" example:"2024"`
	Region    *string  `json:"region" extensions:"x-nullable" example:"64"`
	Statuses  []string `json:"statuses" example:"tertinggal"`
	Data      []GapRow `json:"data"`
} //	@name	Gaps

// gaps godoc
//
//	@Summary		What holds villages back: indicators by mean score, lowest first
//	@Description	For the villages under region whose published status in year is one of status: each IDM indicator's mean score (0–5) and the number of villages scoring 2 or less, where indicator scores exist (the embedded data has them for a sample of ≈2,500 villages).
//	@Description	Gaps are computed for IDM only, whose indicators are scored per village: framework=indeks_desa or ipd answers 422.
//	@Tags			stats
//	@Produce		json,text/csv
//	@Param			framework	query		string	false	"idm (the others answer 422: no indicator scores per village)"	Enums(idm, indeks_desa, ipd)	default(idm)
//	@Param			region		query		string	false	"only villages under this code"									example(64)
//	@Param			year		query		int		false	"year (default: the latest year with scores in the framework, else its last year)"
//	@Param			status		query		string	false	"status(es), comma = any of"	default(sangat_tertinggal,tertinggal)
//	@Param			format		query		string	false	"json or csv"					Enums(json, csv)
//	@Success		200			{object}	Gaps
//	@Failure		400			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/stats/gaps [get]
func (h *handlers) gaps(c echo.Context) error {
	q := h.statsQuery(c)
	sc := q.scope("region")
	year := q.year(sc.Framework, "year")
	statuses := q.list("status")
	csv := wantsCSV(q.query)
	if q.err != nil {
		return q.err
	}
	gs, err := h.svc.Stats.Gaps(c.Request().Context(), sc, year, statuses)
	if err != nil {
		return err
	}
	out := Gaps{Framework: sc.Framework.Code, Year: year, Region: optional(sc.Region), Statuses: stats.GapStatuses(statuses), Data: []GapRow{}}
	for _, g := range gs {
		out.Data = append(out.Data, GapRow(g))
	}
	if csv {
		return writeFlatCSV(c, flatColumns(GapRow{}), out.Data)
	}
	return c.JSON(http.StatusOK, out)
}

// ProgramRef is a cooperation program active in a region.
type ProgramRef struct {
	ID     string `json:"id"`
	Code   string `json:"code" example:"kaltim-jatim-desa-berdaya"`
	Title  string `json:"title"`
	Status string `json:"status" example:"active"`
} //	@name	ProgramRef

// RegionProfile is one call's worth of a dashboard page about a region.
type RegionProfile struct {
	Region    Region `json:"region"`
	Framework string `json:"framework" example:"idm"`
	Year      int    `json:"year" example:"2024"`
	// PreviousYear is the year of status_distribution_previous_year and
	// of the top movers' change: null, and the distribution with it, when
	// year is the framework's first.
	PreviousYear *int                    `json:"previous_year" extensions:"x-nullable" example:"2023"`
	Descendants  map[string]int          `json:"descendants" example:"regency:10,district:105,village:1038"`
	Villages     map[string]int          `json:"villages_by_type" example:"desa:841,kelurahan:197,desa_adat:0"`
	Current      DistributionRow         `json:"status_distribution"`
	Previous     *DistributionRow        `json:"status_distribution_previous_year" extensions:"x-nullable"`
	Score        ScoreSummary            `json:"score"`
	Components   map[string]ScoreSummary `json:"components"`
	TopMovers    []RankedVillage         `json:"top_movers"`
	Programs     []ProgramRef            `json:"programs"`
} //	@name	RegionProfile

// regionProfile godoc
//
//	@Summary		A region's dashboard page in one call
//	@Description	The region and its ancestors, the regions and villages below it, the status distribution in year and in previous_year, the year before (both null when year is the framework's first), score summaries, the five villages that improved most since the year before, and the cooperation programs active there in year: not cancelled, and running on some day of it (start_date to end_date inclusive, an open end running on; the rule of /v1/programs?active_on=).
//	@Description	JSON only: a nested document has no CSV form (its parts do: /v1/stats/status-distribution, /v1/stats/scores, /v1/stats/rankings?by=improvement). format=csv, or an Accept header that does not allow application/json, answers 406.
//	@Tags			stats
//	@Produce		json
//	@Param			code		path		string	true	"region code of any level"	example(64)
//	@Param			framework	query		string	false	"framework"					Enums(idm, indeks_desa, ipd)	default(idm)
//	@Param			year		query		int		false	"year (default: the latest year with scores in the framework, else its last year)"
//	@Success		200			{object}	RegionProfile
//	@Failure		400			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		406			{object}	Problem
//	@Router			/v1/regions/{code}/profile [get]
func (h *handlers) regionProfile(c echo.Context) error {
	q := h.statsQuery(c)
	ctx := c.Request().Context()
	sc, err := stats.ParseScope(c.QueryParam("framework"), c.Param("code"), "code")
	if err != nil {
		return err
	}
	year := q.year(sc.Framework, "year")
	if q.err != nil {
		// A missing region is reported before a bad year; a good request
		// leaves the check to Profile's own read of the region.
		if _, err := h.svc.Stats.Scope(ctx, sc.Framework.Code, sc.Region, "code"); err != nil {
			return err
		}
		return q.err
	}
	p, err := h.svc.Stats.Profile(ctx, sc, year)
	if err != nil {
		return err
	}
	children := p.Descendants[p.Region.Level.Child()]
	out := RegionProfile{Region: toRegion(p.Region, children), Framework: sc.Framework.Code, Year: year,
		Descendants: map[string]int{}, Villages: p.Villages, Current: toDistributionRow(sc.Framework, p.Current),
		Score: toScoreSummary(p.Score), Components: map[string]ScoreSummary{}, TopMovers: []RankedVillage{},
		Programs: []ProgramRef{}}
	if p.Previous != nil {
		prev := toDistributionRow(sc.Framework, *p.Previous)
		out.PreviousYear, out.Previous = &p.PreviousYear, &prev
	}
	for l, n := range p.Descendants {
		out.Descendants[string(l)] = n
	}
	for k, v := range p.Components {
		out.Components[k] = toScoreSummary(v)
	}
	for _, v := range p.TopMovers {
		out.TopMovers = append(out.TopMovers, toRankedVillage(v))
	}
	for _, pr := range p.Programs {
		out.Programs = append(out.Programs, ProgramRef(pr))
	}
	return c.JSON(http.StatusOK, out)
}
