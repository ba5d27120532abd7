package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
)

// levelColumn is the column holding the code of a village's ancestor (or
// the village itself) at a level, in both regions and scores.
var levelColumn = map[region.Level]string{
	region.LevelProvince: "province_code",
	region.LevelRegency:  "regency_code",
	region.LevelDistrict: "district_code",
}

// scoreLevelColumn is levelColumn for the scores table, where the village
// is village_code.
func scoreLevelColumn(l region.Level) string {
	if l == region.LevelVillage {
		return "village_code"
	}
	return levelColumn[l]
}

// groupExpr is the GROUP BY expression at a level ("" : one group "").
func groupExpr(alias string, l region.Level) string {
	if l == "" {
		return "''"
	}
	return alias + "." + scoreLevelColumn(l)
}

// scoped restricts q (on table alias) to the villages under sc.Region.
func scoped(q *gorm.DB, alias string, sc stats.Scope, village string) *gorm.DB {
	if sc.Region == "" {
		return q
	}
	col := scoreLevelColumn(sc.Level)
	if sc.Level == region.LevelVillage {
		col = village
	}
	return q.Where(alias+"."+col+" = ?", sc.Region)
}

// LatestYear implements stats.Store: one step down the scores_score index.
func (s *Store) LatestYear(ctx context.Context, framework string) (int, bool, error) {
	var y sql.NullInt64
	err := s.with(ctx).Table("scores").Select("MAX(year)").Where("framework = ?", framework).Row().Scan(&y)
	if err != nil {
		return 0, false, translate(err)
	}
	return int(y.Int64), y.Valid, nil
}

// Groups implements stats.Store.
func (s *Store) Groups(ctx context.Context, level region.Level, sc stats.Scope) ([]stats.Group, error) {
	var out []stats.Group
	q := s.with(ctx).Table("regions r").Select("r.code, r.name").Where("r.level = ?", string(level))
	if sc.Region != "" && sc.Level != region.LevelVillage {
		q = q.Where("r."+levelColumn[sc.Level]+" = ?", sc.Region)
	}
	err := q.Order("r.code").Scan(&out).Error
	return out, translate(err)
}

type groupCount struct {
	G      string
	Status string
	N      int
}

// keepsCounts reports whether the database keeps the summary counts
// (status_counts, village_counts; migration 00014): PostgreSQL does, SQLite
// counts from the tables themselves.
func (s *Store) keepsCounts() bool { return s.dialect == Postgres }

// EligibleCounts implements stats.Store. A whole scope's total (level "")
// comes on PostgreSQL from the counts the triggers keep (keptTotal).
func (s *Store) EligibleCounts(ctx context.Context, level region.Level, sc stats.Scope) (map[string]int, error) {
	return s.eligibleCounts(ctx, level, sc, s.keepsCounts())
}

func (s *Store) eligibleCounts(ctx context.Context, level region.Level, sc stats.Scope, kept bool) (map[string]int, error) {
	if cond, ok, err := keptTotal(level, sc); err != nil {
		return nil, err
	} else if kept && ok {
		col := "villages"
		if sc.Framework.KelurahanExcluded {
			col = "desa"
		}
		var n int
		err := s.with(ctx).Raw("SELECT COALESCE(SUM(" + col + "), 0) FROM village_counts WHERE " + cond).Scan(&n).Error
		return map[string]int{"": n}, translate(err)
	}
	q := s.with(ctx).Table("regions v").Select(groupExpr("v", level)+" AS g, COUNT(*) AS n").
		Where("v.level = ?", "village")
	if sc.Framework.KelurahanExcluded {
		q = q.Where("v.type <> ?", region.TypeKelurahan)
	}
	q = scoped(q, "v", sc, "code")
	var rows []groupCount
	if err := q.Group("g").Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.G] = r.N
	}
	return out, nil
}

// keptTotal selects the rows of status_counts or village_counts that add up
// to a whole scope (level ""): the scope's own row, or nationally the 38
// provinces'. ok is false for anything else (groups, or a village's scope).
// Like GroupCounts' statement, it carries its values as literals, so that
// PostgreSQL plans it once per connection instead of on every execution.
func keptTotal(level region.Level, sc stats.Scope) (cond string, ok bool, err error) {
	switch {
	case level != "":
		return "", false, nil
	case sc.Region == "":
		return "code IN (SELECT code FROM regions WHERE level = " + quoted(string(region.LevelProvince)) + ")", true, nil
	case sc.Level == region.LevelVillage:
		return "", false, nil
	}
	code, err := sqlLiteral(sc.Region)
	if err != nil {
		return "", false, err
	}
	return "code = " + code, true, nil
}

func (s *Store) scoresOf(ctx context.Context, sc stats.Scope, year int) *gorm.DB {
	q := s.with(ctx).Table("scores s").Where("s.framework = ? AND s.year = ?", sc.Framework.Code, year)
	return scoped(q, "s", sc, "village_code")
}

// StatusCounts implements stats.Store. A whole scope's counts (level "")
// come on PostgreSQL from the counts the triggers keep (keptTotal).
func (s *Store) StatusCounts(ctx context.Context, level region.Level, sc stats.Scope, year int) (map[string]map[string]int, error) {
	return s.statusCounts(ctx, level, sc, year, s.keepsCounts())
}

func (s *Store) statusCounts(ctx context.Context, level region.Level, sc stats.Scope, year int, kept bool) (map[string]map[string]int, error) {
	var rows []groupCount
	cond, ok, err := keptTotal(level, sc)
	if err != nil {
		return nil, err
	}
	if kept && ok {
		var framework string
		if framework, err = sqlLiteral(sc.Framework.Code); err != nil {
			return nil, err
		}
		err = s.with(ctx).Raw("SELECT '' AS g, status, SUM(n) AS n FROM status_counts WHERE framework = " + framework +
			" AND year = " + strconv.Itoa(year) + " AND n > 0 AND " + cond + " GROUP BY status").Scan(&rows).Error
	} else {
		err = s.scoresOf(ctx, sc, year).Select(groupExpr("s", level) + " AS g, s.status AS status, COUNT(*) AS n").
			Where("s.status IS NOT NULL").Group("g, s.status").Scan(&rows).Error
	}
	if err != nil {
		return nil, translate(err)
	}
	out := map[string]map[string]int{}
	for _, r := range rows {
		if out[r.G] == nil {
			out[r.G] = map[string]int{}
		}
		out[r.G][r.Status] = r.N
	}
	return out, nil
}

// GroupCounts implements stats.Store: the groups, their eligible villages
// and their status counts in one statement. Under a region, the region's
// own row anchors the groups, so that the same statement tells whether it
// exists. On PostgreSQL the counts come from status_counts and
// village_counts, which triggers keep (migration 00014); SQLite counts the
// tables themselves. It reads a row per (group, status), in group order.
//
// The statement carries its values as literals, not parameters. With
// parameters PostgreSQL plans it afresh on every execution: its generic
// plan (for any level and region) looks costlier than the custom ones, and
// planning was two thirds of the statement's cost for a province by
// regency. With literals there is nothing to re-plan, so each connection
// plans each distinct statement once. Every value is checked first (a
// level, a framework code, a year, a parsed region code; see sqlLiteral).
func (s *Store) GroupCounts(ctx context.Context, level region.Level, sc stats.Scope, year int) ([]stats.GroupCount, bool, error) {
	return s.groupCounts(ctx, level, sc, year, s.keepsCounts())
}

// GroupCountsSQL is the statement GroupCounts sends PostgreSQL, for the
// load benchmark's pgbench runs.
func GroupCountsSQL(level region.Level, sc stats.Scope, year int) (string, error) {
	g, err := groupsOf(level, sc, year)
	if err != nil {
		return "", err
	}
	return g.keptCounts(), nil
}

func (s *Store) groupCounts(ctx context.Context, level region.Level, sc stats.Scope, year int, summary bool) ([]stats.GroupCount, bool, error) {
	g, err := groupsOf(level, sc, year)
	if err != nil {
		return nil, false, err
	}
	q := g.tableCounts()
	if summary {
		q = g.keptCounts()
	}
	rows, err := s.with(ctx).Raw(q).Rows()
	if err != nil {
		return nil, false, translate(err)
	}
	defer rows.Close()
	var (
		out   []stats.GroupCount
		found = sc.Region == ""
	)
	for rows.Next() {
		var (
			code, name, counts sql.NullString
			eligible           int
		)
		if err := rows.Scan(&code, &name, &eligible, &counts); err != nil {
			return nil, false, translate(err)
		}
		found = true
		if !code.Valid { // the region, with no groups under it
			continue
		}
		c, err := ParseCounts(counts.String)
		if err != nil {
			return nil, false, err
		}
		out = append(out, stats.GroupCount{Group: stats.Group{Code: code.String, Name: name.String}, Eligible: eligible, Counts: c})
	}
	if err := rows.Err(); err != nil {
		return nil, false, translate(err)
	}
	return out, found, nil
}

// groups is a distribution's groups — the regions at a level, joined to
// the anchoring region when there is one — with the distribution's values
// as SQL literals.
type groups struct {
	col, in     string // the grouping column; the anchor's column ("": none)
	from, where string
	// level, region, framework and year are literals.
	level, region, framework, year string
	kelurahanExcluded              bool
}

func groupsOf(level region.Level, sc stats.Scope, year int) (groups, error) {
	g := groups{year: strconv.Itoa(year), kelurahanExcluded: sc.Framework.KelurahanExcluded}
	var ok bool
	if g.col, ok = levelColumn[level]; !ok {
		return groups{}, fmt.Errorf("store: no groups at level %q", level)
	}
	var err error
	if g.level, err = sqlLiteral(string(level)); err != nil {
		return groups{}, err
	}
	if g.framework, err = sqlLiteral(sc.Framework.Code); err != nil {
		return groups{}, err
	}
	g.from, g.where = "regions r", "r.level = "+g.level
	if sc.Region != "" {
		if g.in, ok = levelColumn[sc.Level]; !ok {
			return groups{}, fmt.Errorf("store: no groups under a %s", sc.Level)
		}
		if g.region, err = sqlLiteral(sc.Region); err != nil {
			return groups{}, err
		}
		g.from = "regions a LEFT JOIN regions r ON r.level = " + g.level + " AND r." + g.in + " = a.code"
		g.where = "a.code = " + g.region
	}
	return g, nil
}

// A distribution's statement gives one row per group: its code, name and
// eligible villages, and its counts by status as one text, "maju=12,
// berkembang=30" (no row for a status without villages; NULL for none).
// One row per group instead of one per status and group reads a third
// of the cells.
const statusCountsText = "string_agg(c.status || '=' || c.n, ',')"

// keptCounts reads the groups' counts the triggers keep (PostgreSQL). Each
// group's eligible villages are looked up by its code, in a subquery that
// OFFSET 0 keeps apart: otherwise PostgreSQL hashes all 7,837 rows of
// village_counts to answer for the 38 provinces (2.2× the time).
func (g groups) keptCounts() string {
	eligible := "villages"
	if g.kelurahanExcluded {
		eligible = "desa"
	}
	return "SELECT g.code, g.name, COALESCE(g.eligible, 0), (SELECT " + statusCountsText + " FROM status_counts c" +
		" WHERE c.framework = " + g.framework + " AND c.year = " + g.year + " AND c.code = g.code AND c.n > 0)" +
		" FROM (SELECT r.code, r.name, (SELECT vc." + eligible + " FROM village_counts vc WHERE vc.code = r.code) AS eligible" +
		" FROM " + g.from + " WHERE " + g.where + " OFFSET 0) g ORDER BY g.code"
}

// tableCounts counts the villages and the scores of the groups.
func (g groups) tableCounts() string {
	elig := "v.level = " + quoted(string(region.LevelVillage))
	if g.kelurahanExcluded {
		elig += " AND v.type <> " + quoted(string(region.TypeKelurahan))
	}
	cnt := "s.framework = " + g.framework + " AND s.year = " + g.year + " AND s.status IS NOT NULL"
	if g.in != "" {
		elig += " AND v." + g.in + " = " + g.region
		cnt += " AND s." + g.in + " = " + g.region
	}
	return "WITH e AS (SELECT v." + g.col + " AS g, COUNT(*) AS n FROM regions v WHERE " + elig + " GROUP BY v." + g.col + "), " +
		"c AS (SELECT s." + g.col + " AS g, s.status AS status, COUNT(*) AS n FROM scores s WHERE " + cnt +
		" GROUP BY s." + g.col + ", s.status), " +
		"cs AS (SELECT c.g, " + statusCountsText + " AS counts FROM c GROUP BY c.g) " +
		"SELECT r.code, r.name, COALESCE(e.n, 0), cs.counts FROM " + g.from +
		" LEFT JOIN e ON e.g = r.code LEFT JOIN cs ON cs.g = r.code WHERE " + g.where + " ORDER BY r.code"
}

// ParseCounts reads a distribution row's counts by status (see
// statusCountsText); "" is no counts.
func ParseCounts(text string) (map[string]int, error) {
	out := map[string]int{}
	if text == "" {
		return out, nil
	}
	for part := range strings.SplitSeq(text, ",") {
		status, n, ok := strings.Cut(part, "=")
		v, err := strconv.Atoi(n)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: bad status count %q in %q", part, text)
		}
		out[status] = v
	}
	return out, nil
}

// sqlLiteral quotes a value for a statement that carries its values as
// literals. It takes only letters, digits, '.', '_' and '-' — codes, not
// free text — so the literal means the same under any server setting
// (standard_conforming_strings, say) and cannot end early.
func sqlLiteral(v string) (string, error) {
	if v == "" || strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
	}) >= 0 {
		return "", fmt.Errorf("store: %q is not a code to put in SQL", v)
	}
	return "'" + v + "'", nil
}

// quoted is sqlLiteral of a constant.
func quoted(v string) string {
	l, err := sqlLiteral(v)
	if err != nil {
		panic(err)
	}
	return l
}

// ScoreValues implements stats.Store: the columns of the scores in one
// statement, one pass over them (not one per column).
func (s *Store) ScoreValues(ctx context.Context, level region.Level, sc stats.Scope, year int, columns []string) (map[string]map[string][]fixed.Dec, error) {
	sel := groupExpr("s", level) + " AS g"
	out := make(map[string]map[string][]fixed.Dec, len(columns))
	for _, c := range columns {
		if c != "score" && !slices.Contains(componentColumns, c) {
			return nil, fmt.Errorf("store: no score column %q", c)
		}
		sel += ", s." + c
		out[c] = map[string][]fixed.Dec{}
	}
	rows, err := s.scoresOf(ctx, sc, year).Select(sel).Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var g string
	vals := make([]dec, len(columns))
	dst := []any{&g}
	for i := range vals {
		dst = append(dst, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return nil, translate(err)
		}
		for i, c := range columns {
			if vals[i].valid {
				out[c][g] = append(out[c][g], vals[i].v)
			}
		}
	}
	return out, translate(rows.Err())
}

// ScoreSum implements stats.Store: a count and a sum in the database
// instead of every score read out. The sum is in whole ten-thousandths
// (fixed.Dec's units) and exact on both engines: PostgreSQL sums numeric
// exactly; SQLite keeps scores as REAL, so each is rounded to its units
// first, the nearest four-place decimal, as ScoreValues reads it.
func (s *Store) ScoreSum(ctx context.Context, sc stats.Scope, year int) (stats.ScoreSum, error) {
	one := strconv.FormatInt(fixed.FromInt(1).Units(), 10)
	units := "CAST(COALESCE(SUM(s.score), 0) * " + one + " AS BIGINT)"
	if s.dialect != Postgres {
		units = "CAST(COALESCE(SUM(ROUND(s.score * " + one + ")), 0) AS BIGINT)"
	}
	var n, sum int64
	if err := s.scoresOf(ctx, sc, year).Select("COUNT(s.score), "+units).Row().Scan(&n, &sum); err != nil {
		return stats.ScoreSum{}, translate(err)
	}
	return stats.ScoreSum{N: int(n), Sum: fixed.Dec(sum)}, nil
}

func (s *Store) pairs(ctx context.Context, sc stats.Scope, from, to int) *gorm.DB {
	q := s.with(ctx).Table("scores a").
		Joins("JOIN scores b ON b.village_code = a.village_code AND b.framework = a.framework AND b.year = ?", to).
		Where("a.framework = ? AND a.year = ?", sc.Framework.Code, from)
	return scoped(q, "a", sc, "village_code")
}

// Transitions implements stats.Store.
func (s *Store) Transitions(ctx context.Context, sc stats.Scope, from, to int) ([]stats.Transition, error) {
	var rows []struct {
		FromStatus, ToStatus string
		N                    int
	}
	err := s.pairs(ctx, sc, from, to).Select("a.status AS from_status, b.status AS to_status, COUNT(*) AS n").
		Where("a.status IS NOT NULL AND b.status IS NOT NULL").Group("a.status, b.status").Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]stats.Transition, len(rows))
	for i, r := range rows {
		out[i] = stats.Transition{From: r.FromStatus, To: r.ToStatus, Count: r.N}
	}
	return out, nil
}

type rankedRow struct {
	Code, Name, RegencyName string
	Score                   dec
	Status                  *string
	FromStatus              *string
	FromScore               dec
	Change                  dec
}

func (r rankedRow) toRanked() stats.RankedVillage {
	v := stats.RankedVillage{Code: r.Code, Name: r.Name, RegencyName: r.RegencyName, Score: r.Score.ptr(),
		Status: deref(r.Status), FromStatus: deref(r.FromStatus), FromScore: r.FromScore.ptr(), Change: r.Change.ptr()}
	return v
}

const rankedSelect = "a.village_code AS code, r.name, g.name AS regency_name, b.score AS score, b.status AS status, " +
	"a.status AS from_status, a.score AS from_score, ROUND(b.score - a.score, 4) AS change"

// transitionOrder maps stats.TransitionSortFields to expressions.
var transitionOrder = map[string]string{"code": "a.village_code", "change": "ROUND(b.score - a.score, 4)", "score": "b.score"}

func (s *Store) named(q *gorm.DB) *gorm.DB {
	return q.Joins("JOIN regions r ON r.code = a.village_code").Joins("JOIN regions g ON g.code = a.regency_code")
}

// TransitionVillages implements stats.Store. A sort by change or score puts
// the villages without one last in both directions, and breaks ties by
// ascending code.
func (s *Store) TransitionVillages(ctx context.Context, sc stats.Scope, f stats.TransitionFilter) ([]stats.RankedVillage, int, error) {
	filter := func(q *gorm.DB) *gorm.DB {
		// The villages of the matrix's cells: a status in both years.
		q = q.Where("a.status IS NOT NULL AND b.status IS NOT NULL")
		q = whereIn(q, "a.status", f.FromStatus)
		return whereIn(q, "b.status", f.ToStatus)
	}
	var total int64
	if err := filter(s.pairs(ctx, sc, f.From, f.To)).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	order := "a.village_code"
	if col, ok := transitionOrder[f.Sort.Field]; ok && f.Sort.Field != "code" {
		dir := " ASC"
		if f.Sort.Desc {
			dir = " DESC"
		}
		order = col + " IS NULL, " + col + dir + ", a.village_code"
	} else if f.Sort.Desc {
		order = "a.village_code DESC"
	}
	var rows []rankedRow
	err := filter(s.named(s.pairs(ctx, sc, f.From, f.To))).Select(rankedSelect).
		Order(order).Limit(f.Page.Limit).Offset(f.Page.Offset).Scan(&rows).Error
	if err != nil {
		return nil, 0, translate(err)
	}
	out := make([]stats.RankedVillage, len(rows))
	for i, r := range rows {
		out[i] = r.toRanked()
	}
	return out, int(total), nil
}

// Ranking implements stats.Store. With from = 0 it ranks by score in year;
// otherwise by the change of score since from (both years scored). Ties
// go by ascending code in both orders.
func (s *Store) Ranking(ctx context.Context, sc stats.Scope, year, from int, desc bool, limit, offset int) ([]stats.RankedVillage, error) {
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	var q *gorm.DB
	if from == 0 {
		q = s.named(s.pairs(ctx, sc, year, year)).
			Select("a.village_code AS code, r.name, g.name AS regency_name, a.score AS score, a.status AS status").
			Where("a.score IS NOT NULL").Order("a.score " + dir + ", a.village_code").Limit(limit).Offset(offset)
	} else {
		// The pairs are ranked first and the page's villages looked up after:
		// ranked on their own, the two years' scores come from index-only
		// scans, and only the page reads names and the status (nationally
		// on PostgreSQL, 121 → 39 ms).
		top := s.pairs(ctx, sc, from, year).
			Select("a.village_code AS code, a.score AS from_score, b.score AS score, ROUND(b.score - a.score, 4) AS change").
			Where("a.score IS NOT NULL AND b.score IS NOT NULL").
			Order("ROUND(b.score - a.score, 4) " + dir + ", a.village_code").Limit(limit).Offset(offset)
		q = s.with(ctx).Table("(?) t", top).
			Joins("JOIN scores b ON b.village_code = t.code AND b.framework = ? AND b.year = ?", sc.Framework.Code, year).
			Joins("JOIN regions r ON r.code = t.code").Joins("JOIN regions g ON g.code = r.regency_code").
			Select("t.code, r.name, g.name AS regency_name, t.score, b.status, t.from_score, t.change").
			Order("t.change " + dir + ", t.code")
	}
	var rows []rankedRow
	if err := q.Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]stats.RankedVillage, len(rows))
	for i, r := range rows {
		out[i] = r.toRanked()
	}
	return out, nil
}

// RankingCount implements stats.Store: the villages scored in year (from =
// 0), or scored in both years.
func (s *Store) RankingCount(ctx context.Context, sc stats.Scope, year, from int) (int, error) {
	var q *gorm.DB
	if from == 0 {
		q = s.scoresOf(ctx, sc, year).Where("s.score IS NOT NULL")
	} else {
		q = s.pairs(ctx, sc, from, year).Where("a.score IS NOT NULL AND b.score IS NOT NULL")
	}
	var n int64
	err := q.Count(&n).Error
	return int(n), translate(err)
}

var _ stats.Store = (*Store)(nil)

// Gaps implements stats.GapStore.
func (s *Store) Gaps(ctx context.Context, sc stats.Scope, year int, statuses []string) ([]stats.Gap, error) {
	var rows []struct {
		Code      string
		NameID    string
		NameEN    string
		Dimension *string
		Number    *int
		N         int
		Sum       dec
		AtMost2   int
	}
	q := s.scoresOf(ctx, sc, year).
		Joins("JOIN indicator_values v ON v.region_code = s.village_code AND v.year = s.year").
		Joins("JOIN indicators i ON i.code = v.indicator_code AND i.framework = s.framework").
		Select("i.code, i.name_id, i.name_en, i.dimension, i.number, COUNT(*) AS n, SUM(v.value) AS sum, "+
			"SUM(CASE WHEN v.value <= 2 THEN 1 ELSE 0 END) AS at_most2").
		Where("s.status IN ?", statuses).
		Group("i.code, i.name_id, i.name_en, i.dimension, i.number")
	if err := q.Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]stats.Gap, len(rows))
	for i, r := range rows {
		out[i] = stats.Gap{IndicatorCode: r.Code, NameID: r.NameID, NameEN: r.NameEN, Dimension: deref(r.Dimension),
			Villages: r.N, Mean: fixed.Ratio(r.Sum.v.Units(), int64(r.N)*10000), AtMost2: r.AtMost2}
		if r.Number != nil {
			out[i].Number = *r.Number
		}
	}
	return out, nil
}

// Descendants implements stats.DescendantStore: the regions below code per
// level, and the villages below it (or itself) per type.
func (s *Store) Descendants(ctx context.Context, code string, level region.Level) (map[region.Level]int, map[string]int, error) {
	var rows []struct {
		Level string
		Type  *string
		N     int
	}
	q := s.with(ctx).Table("regions").Select("level, type, COUNT(*) AS n").Where("code <> ?", code)
	if level == region.LevelVillage {
		q = q.Where("code = ?", code)
	} else {
		q = q.Where(levelColumn[level]+" = ?", code)
	}
	if err := q.Group("level, type").Scan(&rows).Error; err != nil {
		return nil, nil, translate(err)
	}
	levels, types := map[region.Level]int{}, map[string]int{}
	for _, l := range region.Levels[level.Depth():] {
		levels[l] = 0
	}
	for _, t := range region.TypesOf(region.LevelVillage) {
		types[t] = 0
	}
	for _, r := range rows {
		levels[region.Level(r.Level)] += r.N
		if r.Level == string(region.LevelVillage) && r.Type != nil {
			types[*r.Type] += r.N
		}
	}
	if level == region.LevelVillage {
		r, err := s.Region(ctx, code)
		if err != nil {
			return nil, nil, err
		}
		types[r.Type]++
	}
	return levels, types, nil
}

// ActivePrograms implements stats.ProgramFinder: the programs that run in
// the year (their dates overlap it, by activeDuring, the rule of
// ?active_on=) and are not cancelled, and that have the region's province
// among their parties or target villages under it. A program's status
// alone does not place it in a year: one signed in 2025 and "active" now
// was not active in 2024.
func (s *Store) ActivePrograms(ctx context.Context, code string, year int) ([]stats.ProgramRef, error) {
	prov, _, _ := strings.Cut(code, ".")
	var out []stats.ProgramRef
	q := s.with(ctx).Table("programs p").Select("p.id, p.code, p.title, p.status").Where("p.status <> ?", "cancelled")
	err := activeDuring(q, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)).
		Where(`p.id IN (SELECT pp.program_id FROM program_parties pp LEFT JOIN agencies a ON a.id = pp.agency_id
WHERE pp.province_code = ? OR a.province_code = ?) OR p.id IN (SELECT t.program_id FROM program_targets t WHERE t.village_code LIKE ?)`,
			prov, prov, code+"%").
		Order("p.code").Scan(&out).Error
	return out, translate(err)
}

var _ stats.ProgramFinder = (*Store)(nil)
