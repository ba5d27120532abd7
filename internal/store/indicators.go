package store

import (
	"context"
	"time"

	"fmt"
	"gorm.io/gorm/clause"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
)

// indicatorRow is a row of the indicator catalogue.
type indicatorRow struct {
	Code           string `gorm:"primaryKey"`
	NameID         string `gorm:"column:name_id"`
	NameEN         string `gorm:"column:name_en"`
	Unit           string
	Framework      *string
	Dimension      *string
	Number         *int
	MinValue       dec
	MaxValue       dec
	HigherIsBetter bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (indicatorRow) TableName() string { return "indicators" }

func toIndicatorRow(ind indicator.Indicator) indicatorRow {
	return indicatorRow{Code: ind.Code, NameID: ind.NameID, NameEN: ind.NameEN, Unit: ind.Unit,
		Framework: nullable(ind.Framework), Dimension: nullable(ind.Dimension), Number: ind.Number,
		MinValue: decOf(ind.Min), MaxValue: decOf(ind.Max), HigherIsBetter: ind.HigherIsBetter,
		CreatedAt: ind.CreatedAt, UpdatedAt: ind.UpdatedAt}
}

func (r indicatorRow) toIndicator() indicator.Indicator {
	return indicator.Indicator{Code: r.Code, NameID: r.NameID, NameEN: r.NameEN, Unit: r.Unit,
		Framework: deref(r.Framework), Dimension: deref(r.Dimension), Number: r.Number,
		Min: r.MinValue.ptr(), Max: r.MaxValue.ptr(), HigherIsBetter: r.HigherIsBetter,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// indicatorOrder maps allow-listed sort fields to columns; the code breaks
// ties.
var indicatorOrder = map[string]string{"code": "code", "name": "name_id"}

// Indicators implements indicator.Store.
func (s *Store) Indicators(ctx context.Context, f indicator.IndicatorFilter) ([]indicator.Indicator, int, error) {
	q := s.with(ctx).Model(&indicatorRow{})
	q = whereIn(q, "framework", f.Framework)
	q = whereIn(q, "dimension", f.Dimension)
	if f.Q != "" {
		like := s.likeOp() + ` ? ESCAPE '\'`
		p := likePattern(f.Q)
		q = q.Where("(code "+like+" OR name_id "+like+" OR name_en "+like+")", p, p, p)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	col, ok := indicatorOrder[f.Sort.Field]
	if !ok {
		col = "code"
	}
	order := []clause.OrderByColumn{{Column: clause.Column{Name: col, Raw: true}, Desc: f.Sort.Desc}}
	if col != "code" {
		order = append(order, clause.OrderByColumn{Column: clause.Column{Name: "code", Raw: true}, Desc: f.Sort.Desc})
	}
	q = q.Clauses(clause.OrderBy{Columns: order})
	if f.Page.Limit > 0 {
		q = q.Limit(f.Page.Limit).Offset(f.Page.Offset)
	}
	var rows []indicatorRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]indicator.Indicator, len(rows))
	for i, r := range rows {
		out[i] = r.toIndicator()
	}
	return out, int(total), nil
}

// Indicator implements indicator.Store.
func (s *Store) Indicator(ctx context.Context, code string) (indicator.Indicator, error) {
	var row indicatorRow
	if err := s.with(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		return indicator.Indicator{}, translate(err)
	}
	return row.toIndicator(), nil
}

// CreateIndicator implements indicator.Store.
func (s *Store) CreateIndicator(ctx context.Context, ind indicator.Indicator) error {
	return s.audited(ctx, audit.EntityIndicator, ind.Code, func(tx *Store) error {
		row := toIndicatorRow(ind)
		row.CreatedAt = time.Now().UTC()
		row.UpdatedAt = row.CreatedAt
		return translate(tx.with(ctx).Create(&row).Error)
	})
}

// UpdateIndicator implements indicator.Store.
func (s *Store) UpdateIndicator(ctx context.Context, ind indicator.Indicator) error {
	r := toIndicatorRow(ind)
	return s.audited(ctx, audit.EntityIndicator, ind.Code, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Model(&indicatorRow{}).Where("code = ?", ind.Code).Updates(map[string]any{
			"name_id": r.NameID, "name_en": r.NameEN, "unit": r.Unit, "framework": r.Framework, "dimension": r.Dimension,
			"number": r.Number, "min_value": r.MinValue, "max_value": r.MaxValue, "higher_is_better": r.HigherIsBetter,
			"updated_at": time.Now().UTC(),
		}))
	})
}

// CountValuesOutside implements indicator.Store.
func (s *Store) CountValuesOutside(ctx context.Context, code string, lo, hi *fixed.Dec) (int, error) {
	if lo == nil && hi == nil {
		return 0, nil
	}
	q := s.with(ctx).Table("indicator_values").Where("indicator_code = ?", code)
	switch {
	case lo != nil && hi != nil:
		q = q.Where("(value < ? OR value > ?)", s.cmpArg(*lo), s.cmpArg(*hi))
	case lo != nil:
		q = q.Where("value < ?", s.cmpArg(*lo))
	default:
		q = q.Where("value > ?", s.cmpArg(*hi))
	}
	var n int64
	err := q.Count(&n).Error
	return int(n), translate(err)
}

// RegionCodes implements indicator.Store.
func (s *Store) RegionCodes(ctx context.Context) (map[string]bool, error) {
	rows, err := s.with(ctx).Table("regions").Select("code").Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := make(map[string]bool, 100000)
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, translate(err)
		}
		out[code] = true
	}
	return out, translate(rows.Err())
}

// valueView is a stored value joined to its catalogue entry, whose columns
// are read with the prefix i_.
type valueView struct {
	RegionCode    string
	IndicatorCode string
	Year          int
	Value         dec
	Source        string
	ImportID      *string
	UpdatedAt     time.Time
	Indicator     indicatorRow `gorm:"embedded;embeddedPrefix:i_"`
}

// valueSelect reads valueView.
const valueSelect = `v.region_code, v.indicator_code, v.year, v.value, v.source, v.import_id, v.updated_at,
i.code AS i_code, i.name_id AS i_name_id, i.name_en AS i_name_en, i.unit AS i_unit, i.framework AS i_framework,
i.dimension AS i_dimension, i.number AS i_number, i.min_value AS i_min_value, i.max_value AS i_max_value,
i.higher_is_better AS i_higher_is_better, i.created_at AS i_created_at, i.updated_at AS i_updated_at`

func (v valueView) toRegionValue() indicator.RegionValue {
	return indicator.RegionValue{
		Value: indicator.Value{RegionCode: v.RegionCode, IndicatorCode: v.IndicatorCode, Year: v.Year, Value: v.Value.v,
			Source: v.Source, ImportID: deref(v.ImportID), UpdatedAt: v.UpdatedAt.UTC()},
		Indicator: v.Indicator.toIndicator(),
	}
}

// valueOrder sorts a region's values by dimension, number, code and year,
// entries without a dimension or number last on both engines.
const valueOrder = "i.dimension IS NULL, i.dimension, i.number IS NULL, i.number, v.indicator_code, v.year"

// Values implements indicator.Store.
func (s *Store) Values(ctx context.Context, f indicator.ValueFilter) ([]indicator.RegionValue, error) {
	q := s.with(ctx).Table("indicator_values v").
		Select(valueSelect).
		Joins("JOIN indicators i ON i.code = v.indicator_code").
		Where("v.region_code = ?", f.RegionCode)
	if f.Indicator != "" {
		q = q.Where("v.indicator_code = ?", f.Indicator)
	}
	if f.Year != 0 {
		q = q.Where("v.year = ?", f.Year)
	}
	q = whereIn(q, "i.dimension", f.Dimension)
	var views []valueView
	if err := q.Order(valueOrder).Scan(&views).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]indicator.RegionValue, len(views))
	for i, v := range views {
		out[i] = v.toRegionValue()
	}
	return out, nil
}

// CountValues implements indicator.Store.
func (s *Store) CountValues(ctx context.Context) (int, error) {
	var n int64
	err := s.with(ctx).Table("indicator_values").Count(&n).Error
	return int(n), translate(err)
}

var valueSpec = bulkSpec{
	table:    "indicator_values",
	columns:  []string{"region_code", "indicator_code", "year", "value", "source", "import_id", "updated_at"},
	conflict: []string{"region_code", "indicator_code", "year"},
	update:   []string{"value", "source", "import_id", "updated_at"},
	values:   []string{"value"},
}

// UpsertValues implements indicator.Store: values equal to the stored ones
// are left untouched (their source and import stay).
func (s *Store) UpsertValues(ctx context.Context, values []indicator.Value) (inserted, updated int, err error) {
	return upsertAudited(ctx, s, audit.EntityIndicatorValue, values, func(v indicator.Value) string {
		return fmt.Sprintf("%s/%s/%d", v.RegionCode, v.IndicatorCode, v.Year)
	}, (*Store).upsertValues)
}

func (s *Store) upsertValues(ctx context.Context, values []indicator.Value) (inserted, updated int, err error) {
	if s.dialect == SQLite {
		return s.upsertValuesSQLite(ctx, values)
	}
	return s.copyUpsertCount(ctx, valueSpec, s.valueArgs(values))
}

// upsertValuesSQLite classifies against the stored values and writes only
// what is new or changed.
func (s *Store) upsertValuesSQLite(ctx context.Context, values []indicator.Value) (inserted, updated int, err error) {
	err = s.InTx(ctx, func(tx *Store) error {
		old, err := tx.existingValues(ctx, values)
		if err != nil {
			return err
		}
		write := values[:0:0]
		for _, v := range values {
			prev, ok := old[v.Key()]
			switch {
			case !ok:
				inserted++
			case prev == v.Value:
				continue
			default:
				updated++
			}
			write = append(write, v)
		}
		return translate(insertBatches(tx.with(ctx), valueSpec, tx.valueArgs(write)))
	})
	return inserted, updated, err
}

// existingValues returns the stored values among those with the keys of
// values. It looks them up by region, narrowed by the batch's indicators
// and years when those are few (they are, in any real file), so that the
// primary key serves every lookup.
func (s *Store) existingValues(ctx context.Context, values []indicator.Value) (map[indicator.ValueKey]fixed.Dec, error) {
	var regions, inds []string
	var years []int
	seenR, seenI, seenY := map[string]bool{}, map[string]bool{}, map[int]bool{}
	for _, v := range values {
		if !seenR[v.RegionCode] {
			seenR[v.RegionCode] = true
			regions = append(regions, v.RegionCode)
		}
		if !seenI[v.IndicatorCode] {
			seenI[v.IndicatorCode] = true
			inds = append(inds, v.IndicatorCode)
		}
		if !seenY[v.Year] {
			seenY[v.Year] = true
			years = append(years, v.Year)
		}
	}
	narrow := len(inds)+len(years) <= 200
	per := sqliteMaxParams - 100
	if narrow {
		per -= len(inds) + len(years)
	}
	out := make(map[indicator.ValueKey]fixed.Dec, len(values))
	for start := 0; start < len(regions); start += per {
		q := s.with(ctx).Table("indicator_values").Select("region_code, indicator_code, year, value").
			Where("region_code IN ?", regions[start:min(start+per, len(regions))])
		if narrow {
			q = q.Where("indicator_code IN ? AND year IN ?", inds, years)
		}
		var rows []struct {
			RegionCode    string
			IndicatorCode string
			Year          int
			Value         dec
		}
		if err := q.Scan(&rows).Error; err != nil {
			return nil, translate(err)
		}
		for _, r := range rows {
			k := indicator.ValueKey{RegionCode: r.RegionCode, IndicatorCode: r.IndicatorCode, Year: r.Year}
			if seenR[k.RegionCode] && seenI[k.IndicatorCode] && seenY[k.Year] {
				out[k] = r.Value.v
			}
		}
	}
	return out, nil
}

func (s *Store) valueArgs(values []indicator.Value) [][]any {
	now := time.Now().UTC()
	rows := make([][]any, len(values))
	for i, v := range values {
		rows[i] = []any{v.RegionCode, v.IndicatorCode, v.Year, s.bulkArg(dec{v.Value, true}), v.Source,
			nullable(v.ImportID), now}
	}
	return rows
}
