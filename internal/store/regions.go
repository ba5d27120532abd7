package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/region"
)

// regionRow is a row of the regions table.
type regionRow struct {
	Code         string `gorm:"primaryKey"`
	Level        string
	ParentCode   *string
	Name         string
	Type         *string
	ProvinceCode string
	RegencyCode  *string
	DistrictCode *string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (regionRow) TableName() string { return "regions" }

// regionView is a region read with its ancestors' names. Its nullable
// columns are sql.NullString: database/sql fills those without reflection,
// which it needs for a *string.
type regionView struct {
	Code         string
	Level        string
	ParentCode   sql.NullString
	Name         string
	Type         sql.NullString
	ProvinceCode string
	RegencyCode  sql.NullString
	DistrictCode sql.NullString
	ProvinceName sql.NullString
	RegencyName  sql.NullString
	DistrictName sql.NullString
	// Score columns, with a score join.
	ScoreValue    dec
	Status        sql.NullString
	DerivedStatus sql.NullString
}

// scanRegionViews reads the rows of regionSelect (after a first column of
// the list's count, into total, and, with score, with the score columns
// after it) and closes them. Scanning by hand, not through GORM's
// reflection, was a third of the server's CPU for a page of 50.
func scanRegionViews(rows *sql.Rows, score bool, total *int64) ([]regionView, error) {
	defer rows.Close()
	var (
		out []regionView
		v   regionView
	)
	dst := []any{total, &v.Code, &v.Level, &v.ParentCode, &v.Name, &v.Type, &v.ProvinceCode, &v.RegencyCode,
		&v.DistrictCode, &v.ProvinceName, &v.RegencyName, &v.DistrictName}
	if score {
		dst = append(dst, &v.ScoreValue, &v.Status, &v.DerivedStatus)
	}
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func toRegionRow(r region.Region) regionRow {
	return regionRow{
		Code: r.Code, Level: string(r.Level), ParentCode: nullable(r.ParentCode), Name: r.Name,
		Type: nullable(r.Type), ProvinceCode: r.ProvinceCode, RegencyCode: nullable(r.RegencyCode),
		DistrictCode: nullable(r.DistrictCode),
	}
}

func (v regionView) toRegion(sf *region.ScoreFilter) region.Region {
	r := region.Region{
		Code: v.Code, Level: region.Level(v.Level), Name: v.Name, Type: v.Type.String,
		ParentCode: v.ParentCode.String, ProvinceCode: v.ProvinceCode, RegencyCode: v.RegencyCode.String,
		DistrictCode: v.DistrictCode.String, ProvinceName: v.ProvinceName.String,
		RegencyName: v.RegencyName.String, DistrictName: v.DistrictName.String,
	}
	if sf != nil {
		r.Score = &region.Score{Framework: sf.Framework, Year: sf.Year, Value: v.ScoreValue.ptr(),
			Status: v.Status.String, DerivedStatus: v.DerivedStatus.String}
	}
	return r
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// regionSelect reads regions with their ancestors' names: three primary-key
// lookups per row.
const regionSelect = `r.code, r.level, r.parent_code, r.name, r.type, r.province_code, r.regency_code,
r.district_code, p.name AS province_name, g.name AS regency_name, d.name AS district_name`

func (s *Store) regionQuery(ctx context.Context) *gorm.DB {
	return s.with(ctx).Table("regions r").Select(regionSelect).
		Joins("LEFT JOIN regions p ON p.code = r.province_code").
		Joins("LEFT JOIN regions g ON g.code = r.regency_code").
		Joins("LEFT JOIN regions d ON d.code = r.district_code")
}

// Region implements region.Store.
func (s *Store) Region(ctx context.Context, code string) (region.Region, error) {
	var v regionView
	err := s.regionQuery(ctx).Where("r.code = ?", code).Take(&v).Error
	if err != nil {
		return region.Region{}, translate(err)
	}
	return v.toRegion(nil), nil
}

// HasRegion implements stats.RegionStore: one primary-key probe.
func (s *Store) HasRegion(ctx context.Context, code string) (bool, error) {
	var n int
	err := s.with(ctx).Raw("SELECT COUNT(*) FROM regions WHERE code = ?", code).Scan(&n).Error
	return n > 0, translate(err)
}

// likeOp is the case-insensitive LIKE of the dialect. SQLite's LIKE is
// case-insensitive for ASCII, which covers Kemendagri names.
func (s *Store) likeOp() string {
	if s.dialect == Postgres {
		return "ILIKE"
	}
	return "LIKE"
}

// likePattern makes a "contains" pattern, escaping LIKE's wildcards.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

func (s *Store) regionFilter(q *gorm.DB, f region.Filter) *gorm.DB {
	if f.Level != "" {
		q = q.Where("r.level = ?", string(f.Level))
	}
	if f.Parent != "" {
		q = q.Where("r.parent_code = ?", f.Parent)
	}
	q = whereIn(q, "r.province_code", f.Province)
	q = whereIn(q, "r.regency_code", f.Regency)
	q = whereIn(q, "r.district_code", f.District)
	q = whereIn(q, "r.type", f.Type)
	if f.Score != nil {
		q = q.Joins("LEFT JOIN scores s ON s.village_code = r.code AND s.framework = ? AND s.year = ?", f.Score.Framework, f.Score.Year)
		q = whereIn(q, "s.status", f.Score.Status)
		if len(f.Score.Status) > 0 {
			// The same filters on the score's own copies of the ancestor
			// codes: equal for every joined row, and they let PostgreSQL
			// use scores_province (a status filter makes the join inner).
			q = whereIn(q, "s.province_code", f.Province)
			q = whereIn(q, "s.regency_code", f.Regency)
			q = whereIn(q, "s.district_code", f.District)
		}
	}
	if f.Q != "" {
		q = q.Where("r.name "+s.likeOp()+` ? ESCAPE '\'`, likePattern(f.Q))
	}
	return q
}

// whereIn adds "col = v" or "col IN (...)"; nothing for an empty list.
func whereIn(q *gorm.DB, col string, vals []string) *gorm.DB {
	switch len(vals) {
	case 0:
		return q
	case 1:
		return q.Where(col+" = ?", vals[0])
	}
	return q.Where(col+" IN ?", vals)
}

// scoresCount is the count of a village list filtered by status taken from
// scores alone, when every filter has its copy there (the score's ancestor
// codes are its village's): an index-only count of scores_province and the
// like instead of a join to every village in the area (province 35, maju:
// 9.7 ms -> 0.9 ms in EXPLAIN ANALYZE on the national data). With kept
// counts, and the area given at one level or not at all, it is the sum of
// those regions' (or every province's) kept counts instead: a few
// primary-key reads (0.9 ms -> 0.05 ms). ok is false when a filter needs
// the regions table.
func scoresCount(db *gorm.DB, f region.Filter, kept bool) (q *gorm.DB, ok bool) {
	if f.Score == nil || len(f.Score.Status) == 0 || f.Level != region.LevelVillage ||
		f.Parent != "" || len(f.Type) > 0 || f.Q != "" {
		return nil, false
	}
	if codes, ok := oneLevelArea(f); kept && ok {
		q = db.Table("status_counts c").Select("COALESCE(SUM(c.n), 0)").
			Where("c.framework = ? AND c.year = ?", f.Score.Framework, f.Score.Year)
		q = whereIn(q, "c.status", f.Score.Status)
		if codes == nil { // all of Indonesia: its provinces' counts
			return q.Where("c.code IN (?)", db.Table("regions").Select("code").Where("level = ?", region.LevelProvince)), true
		}
		return whereIn(q, "c.code", codes), true
	}
	q = db.Table("scores s").Select("COUNT(*)").Where("s.framework = ? AND s.year = ?", f.Score.Framework, f.Score.Year)
	q = whereIn(q, "s.status", f.Score.Status)
	q = whereIn(q, "s.province_code", f.Province)
	q = whereIn(q, "s.regency_code", f.Regency)
	return whereIn(q, "s.district_code", f.District), true
}

// oneLevelArea returns the codes of a filter's area when it is given at
// one level only, each a code of that level: the regions whose kept counts
// add up to the list's. No codes and ok: no area, all of Indonesia.
func oneLevelArea(f region.Filter) (codes []string, ok bool) {
	var level region.Level
	for _, a := range []struct {
		codes []string
		level region.Level
	}{{f.Province, region.LevelProvince}, {f.Regency, region.LevelRegency}, {f.District, region.LevelDistrict}} {
		if len(a.codes) == 0 {
			continue
		}
		if codes != nil {
			return nil, false
		}
		codes, level = a.codes, a.level
	}
	for _, c := range codes {
		if code, err := region.ParseCodeAt(c, level); err != nil || code != c {
			return nil, false
		}
	}
	return codes, true
}

// regionOrder maps allow-listed sort fields to columns; the code breaks ties
// so that pages never overlap: in the sort's direction for names, and
// ascending for scores in both directions, the rule of rankings
// (store.Ranking), so that ?sort=-score lists equal scores as
// /v1/stats/rankings does.
var regionOrder = map[string]string{"code": "r.code", "name": "r.name", "score": "s.score"}

// Regions implements region.Store.
func (s *Store) Regions(ctx context.Context, f region.Filter) ([]region.Region, int, error) {
	return s.regions(ctx, f, s.keepsCounts())
}

// regions lists regions; kept says whether a village list's count may come
// from the kept counts (scoresCount).
func (s *Store) regions(ctx context.Context, f region.Filter, kept bool) ([]region.Region, int, error) {
	col, ok := regionOrder[f.Sort.Field]
	if !ok || col == "s.score" && f.Score == nil {
		col = "r.code"
	}
	var order []clause.OrderByColumn
	if col == "s.score" {
		// Villages without a score last in both directions, on both engines.
		order = append(order, clause.OrderByColumn{Column: clause.Column{Name: "s.score IS NULL", Raw: true}})
	}
	order = append(order, clause.OrderByColumn{Column: clause.Column{Name: col, Raw: true}, Desc: f.Sort.Desc})
	if col != "r.code" {
		order = append(order, clause.OrderByColumn{Column: clause.Column{Name: "r.code", Raw: true}, Desc: f.Sort.Desc && col != "s.score"})
	}
	// One statement, one round trip: each row of the page carries the
	// count of the whole list, an uncorrelated subquery computed once. Only
	// a page past the end has no row to carry it and counts on its own.
	cols := regionSelect
	if f.Score != nil {
		cols += ", s.score AS score_value, s.status, s.derived_status"
	}
	count, ok := scoresCount(s.db, f, kept)
	if !ok {
		count = s.regionFilter(s.db.Table("regions r"), f).Select("COUNT(*)")
	}
	rows, err := s.regionFilter(s.regionQuery(ctx).Select("(?) AS total, "+cols, count), f).
		Clauses(clause.OrderBy{Columns: order}).
		Limit(f.Page.Limit).Offset(f.Page.Offset).Rows()
	if err != nil {
		return nil, 0, translate(err)
	}
	var total int64
	views, err := scanRegionViews(rows, f.Score != nil, &total)
	if err == nil && len(views) == 0 && f.Page.Offset > 0 {
		err = s.regionFilter(s.with(ctx).Table("regions r"), f).Count(&total).Error
	}
	if err != nil {
		return nil, 0, translate(err)
	}
	out := make([]region.Region, len(views))
	for i, v := range views {
		out[i] = v.toRegion(f.Score)
	}
	return out, int(total), nil
}

// ChildCount implements region.Store.
func (s *Store) ChildCount(ctx context.Context, code string) (int, error) {
	var n int64
	err := s.with(ctx).Table("regions").Where("parent_code = ?", code).Count(&n).Error
	return int(n), translate(err)
}

// CreateRegion implements region.Store.
func (s *Store) CreateRegion(ctx context.Context, r region.Region) error {
	return s.audited(ctx, audit.EntityRegion, r.Code, func(tx *Store) error {
		row := toRegionRow(r)
		return translate(tx.with(ctx).Create(&row).Error)
	})
}

// UpdateRegion implements region.Store.
func (s *Store) UpdateRegion(ctx context.Context, r region.Region) error {
	return s.audited(ctx, audit.EntityRegion, r.Code, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Model(&regionRow{}).Where("code = ?", r.Code).
			Updates(map[string]any{"name": r.Name, "type": nullable(r.Type), "updated_at": time.Now().UTC()}))
	})
}

// DeleteRegion implements region.Store.
func (s *Store) DeleteRegion(ctx context.Context, code string) error {
	return s.audited(ctx, audit.EntityRegion, code, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Where("code = ?", code).Delete(&regionRow{}))
	})
}

// RegionCounts implements region.Store.
func (s *Store) RegionCounts(ctx context.Context) (map[region.Level]int, error) {
	var rows []struct {
		Level string
		N     int
	}
	err := s.with(ctx).Table("regions").Select("level, COUNT(*) AS n").Group("level").Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[region.Level]int, len(rows))
	for _, r := range rows {
		out[region.Level(r.Level)] = r.N
	}
	return out, nil
}

// ImportRegions implements region.Store: an upsert of every region, parents
// first, in one transaction, through the bulk path of the dialect.
func (s *Store) ImportRegions(ctx context.Context, rs []region.Region) (int, error) {
	now := time.Now().UTC()
	rows := make([][]any, 0, len(rs))
	for _, lvl := range region.Levels {
		for _, r := range rs {
			if r.Level != lvl {
				continue
			}
			row := toRegionRow(r)
			rows = append(rows, []any{row.Code, row.Level, row.ParentCode, row.Name, row.Type,
				row.ProvinceCode, row.RegencyCode, row.DistrictCode, now, now})
		}
	}
	// One audit entry for the batch, in its transaction.
	err := s.InTx(ctx, func(tx *Store) error {
		err := tx.bulkUpsert(ctx, bulkSpec{
			table:    "regions",
			columns:  []string{"code", "level", "parent_code", "name", "type", "province_code", "regency_code", "district_code", "created_at", "updated_at"},
			conflict: []string{"code"},
			update:   []string{"name", "type", "updated_at"},
		}, rows)
		if err != nil {
			return err
		}
		return tx.record(ctx, audit.ActionImport, audit.EntityImport, "regions", nil,
			json.RawMessage(fmt.Sprintf(`{"kind":"regions","rows":%d}`, len(rows))))
	})
	if err != nil {
		return 0, err
	}
	if !s.inTx {
		s.analyzeAfterBulk(ctx, "regions", len(rows))
	}
	return len(rows), nil
}
