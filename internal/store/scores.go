package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
)

// scoreRow is a row of scores.
type scoreRow struct {
	VillageCode   string
	Framework     string
	Year          int
	ProvinceCode  string
	RegencyCode   string
	DistrictCode  string
	Iks           dec
	Ike           dec
	Ikl           dec
	LayananDasar  dec
	Sosial        dec
	Ekonomi       dec
	Lingkungan    dec
	Aksesibilitas dec
	TataKelola    dec
	Score         dec
	Status        *string
	DerivedStatus *string
	Source        string
	ImportID      *string
	UpdatedAt     time.Time
}

func (scoreRow) TableName() string { return "scores" }

// components maps component codes to the row's columns.
func (r *scoreRow) components() map[string]*dec {
	return map[string]*dec{
		"iks": &r.Iks, "ike": &r.Ike, "ikl": &r.Ikl, "layanan_dasar": &r.LayananDasar, "sosial": &r.Sosial,
		"ekonomi": &r.Ekonomi, "lingkungan": &r.Lingkungan, "aksesibilitas": &r.Aksesibilitas, "tata_kelola": &r.TataKelola,
	}
}

var componentColumns = []string{"iks", "ike", "ikl", "layanan_dasar", "sosial", "ekonomi", "lingkungan", "aksesibilitas", "tata_kelola"}

func (r scoreRow) toScore() indicator.Score {
	s := indicator.Score{VillageCode: r.VillageCode, Framework: r.Framework, Year: r.Year,
		Components: map[string]fixed.Dec{}, Score: r.Score.ptr(), Status: deref(r.Status),
		DerivedStatus: deref(r.DerivedStatus), Source: r.Source, ImportID: deref(r.ImportID), UpdatedAt: r.UpdatedAt.UTC()}
	for code, d := range r.components() {
		if d.valid {
			s.Components[code] = d.v
		}
	}
	return s
}

// VillageTypes implements indicator.Store.
func (s *Store) VillageTypes(ctx context.Context) (map[string]string, error) {
	rows, err := s.with(ctx).Table("regions").Select("code, type").Where("level = ?", "village").Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	out := make(map[string]string, 90000)
	for rows.Next() {
		var code, typ string
		if err := rows.Scan(&code, &typ); err != nil {
			return nil, translate(err)
		}
		out[code] = typ
	}
	return out, translate(rows.Err())
}

// Scores implements indicator.Store.
func (s *Store) Scores(ctx context.Context, village, framework string) ([]indicator.Score, error) {
	q := s.with(ctx).Where("village_code = ?", village)
	if framework != "" {
		q = q.Where("framework = ?", framework)
	}
	var rows []scoreRow
	if err := q.Order("framework, year").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]indicator.Score, len(rows))
	for i, r := range rows {
		out[i] = r.toScore()
	}
	return out, nil
}

// ExistingScores implements indicator.Store.
func (s *Store) ExistingScores(ctx context.Context, framework string, keys []indicator.Key) (map[indicator.Key]indicator.Score, error) {
	out := make(map[indicator.Key]indicator.Score, len(keys))
	byYear := map[int][]string{}
	for _, k := range keys {
		byYear[k.Year] = append(byYear[k.Year], k.VillageCode)
	}
	for year, codes := range byYear {
		for start := 0; start < len(codes); start += 900 { // under SQLite's parameter limit
			var rows []scoreRow
			err := s.with(ctx).Where("framework = ? AND year = ? AND village_code IN ?", framework, year,
				codes[start:min(start+900, len(codes))]).Find(&rows).Error
			if err != nil {
				return nil, translate(err)
			}
			for _, r := range rows {
				out[indicator.Key{VillageCode: r.VillageCode, Year: r.Year}] = r.toScore()
			}
		}
	}
	return out, nil
}

var scoreSpec = bulkSpec{
	table: "scores",
	columns: append(append([]string{"village_code", "framework", "year", "province_code", "regency_code", "district_code"},
		componentColumns...), "score", "status", "derived_status", "source", "import_id", "updated_at"),
	conflict: []string{"village_code", "framework", "year"},
	update: append(append([]string{}, componentColumns...),
		"score", "status", "derived_status", "source", "import_id", "updated_at"),
	values: append(append([]string{}, componentColumns...), "score", "status", "derived_status"),
}

// UpsertScores implements indicator.Store: scores equal in every value to
// the stored ones are left untouched (their source and import stay).
func (s *Store) UpsertScores(ctx context.Context, scores []indicator.Score) (inserted, updated int, err error) {
	return upsertAudited(ctx, s, audit.EntityScore, scores, func(sc indicator.Score) string {
		return fmt.Sprintf("%s/%s/%d", sc.VillageCode, sc.Framework, sc.Year)
	}, (*Store).upsertScores)
}

// upsertAudited runs upsert over rows. One row written through the API is
// audited as its entity; a batch (an import) is audited once by its caller.
func upsertAudited[T any](ctx context.Context, s *Store, entity string, rows []T, id func(T) string,
	upsert func(*Store, context.Context, []T) (int, int, error)) (inserted, updated int, err error) {
	if len(rows) == 0 {
		return 0, 0, nil
	}
	if len(rows) > 1 || audit.IsBatch(ctx) {
		return upsert(s, ctx, rows)
	}
	err = s.audited(ctx, entity, id(rows[0]), func(tx *Store) error {
		inserted, updated, err = upsert(tx, ctx, rows)
		return err
	})
	return inserted, updated, err
}

func (s *Store) upsertScores(ctx context.Context, scores []indicator.Score) (inserted, updated int, err error) {
	if s.dialect == SQLite {
		return s.upsertScoresSQLite(ctx, scores)
	}
	return s.copyUpsertCount(ctx, scoreSpec, s.scoreArgs(scores))
}

// upsertScoresSQLite classifies against the stored rows (SQLite plans the
// primary-key lookups reliably) and writes only what is new or changed.
func (s *Store) upsertScoresSQLite(ctx context.Context, scores []indicator.Score) (inserted, updated int, err error) {
	err = s.InTx(ctx, func(tx *Store) error {
		byFramework := map[string][]indicator.Key{}
		for _, sc := range scores {
			byFramework[sc.Framework] = append(byFramework[sc.Framework], indicator.Key{VillageCode: sc.VillageCode, Year: sc.Year})
		}
		old := map[string]map[indicator.Key]indicator.Score{}
		for fw, keys := range byFramework {
			if old[fw], err = tx.ExistingScores(ctx, fw, keys); err != nil {
				return err
			}
		}
		write := scores[:0:0]
		for _, sc := range scores {
			prev, ok := old[sc.Framework][indicator.Key{VillageCode: sc.VillageCode, Year: sc.Year}]
			switch {
			case !ok:
				inserted++
			case prev.SameValues(sc):
				continue
			default:
				updated++
			}
			write = append(write, sc)
		}
		return translate(insertBatches(tx.with(ctx), scoreSpec, tx.scoreArgs(write)))
	})
	return inserted, updated, err
}

// scoreArgs are the rows of scoreSpec for scores, in its column order. The
// rows of one call share their updated_at: they are written together.
func (s *Store) scoreArgs(scores []indicator.Score) [][]any {
	rows := make([][]any, len(scores))
	n := len(scoreSpec.columns)
	cells := make([]any, len(scores)*n) // one allocation for every row's values
	now := time.Now().UTC()
	for i, sc := range scores {
		anc := region.AncestorCodes(sc.VillageCode)
		row := cells[i*n : i*n : (i+1)*n]
		row = append(row, sc.VillageCode, sc.Framework, sc.Year, anc[0], anc[1], anc[2])
		for _, c := range componentColumns {
			v, ok := sc.Components[c]
			row = append(row, s.bulkArg(dec{v, ok}))
		}
		rows[i] = append(row, s.bulkArg(decOf(sc.Score)), nullable(sc.Status), nullable(sc.DerivedStatus), sc.Source,
			nullable(sc.ImportID), now)
	}
	return rows
}

// importRow is a row of imports.
type importRow struct {
	ID          string `gorm:"primaryKey"`
	Kind        string
	Framework   string
	DryRun      bool
	Mode        string
	Source      string
	CodeEdition int
	Format      string
	RowsTotal   int
	Inserted    int
	Updated     int
	Unchanged   int
	Rejected    int
	Translated  int
	Applied     bool
	Details     string
	KeyID       *string
	CreatedAt   time.Time
}

func (importRow) TableName() string { return "imports" }

type importDetails struct {
	Errors       []indicator.RowError    `json:"errors"`
	Translations []indicator.Translation `json:"translations"`
}

// CountScores implements indicator.Store.
func (s *Store) CountScores(ctx context.Context, framework string) (int, error) {
	var n int64
	err := s.with(ctx).Table("scores").Where("framework = ?", framework).Count(&n).Error
	return int(n), translate(err)
}

// SaveImport implements indicator.Store.
func (s *Store) SaveImport(ctx context.Context, r indicator.Report) error {
	details, err := json.Marshal(importDetails{r.Errors, r.Translations})
	if err != nil {
		return err
	}
	row := importRow{ID: r.ID, Kind: r.Kind, Framework: r.Framework, DryRun: r.DryRun, Mode: r.Mode, Source: r.Source,
		CodeEdition: r.CodeEdition, Format: r.Format, RowsTotal: r.Rows, Inserted: r.Inserted, Updated: r.Updated,
		Unchanged: r.Unchanged, Rejected: r.Rejected, Translated: r.Translated, Applied: r.Applied,
		Details: string(details), KeyID: nullable(r.KeyID), CreatedAt: r.CreatedAt}
	if !r.Applied { // nothing was written: nothing to audit
		return translate(s.with(ctx).Create(&row).Error)
	}
	// Applied: one audit entry for the batch, the report with its counts.
	return s.InTx(ctx, func(tx *Store) error {
		if err := tx.with(ctx).Create(&row).Error; err != nil {
			return translate(err)
		}
		after, err := tx.snapshot(ctx, audit.EntityImport, r.ID, false)
		if err != nil {
			return err
		}
		return tx.record(ctx, audit.ActionImport, audit.EntityImport, r.ID, nil, after)
	})
}

// ImportReport implements indicator.Store.
func (s *Store) ImportReport(ctx context.Context, id string) (indicator.Report, error) {
	var row importRow
	if err := s.with(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return indicator.Report{}, translate(err)
	}
	var d importDetails
	if err := json.Unmarshal([]byte(row.Details), &d); err != nil {
		return indicator.Report{}, err
	}
	return indicator.Report{ID: row.ID, Kind: row.Kind, Framework: row.Framework, DryRun: row.DryRun, Mode: row.Mode,
		Source: row.Source, CodeEdition: row.CodeEdition, Format: row.Format, Rows: row.RowsTotal, Inserted: row.Inserted,
		Updated: row.Updated, Unchanged: row.Unchanged, Rejected: row.Rejected, Translated: row.Translated,
		Applied: row.Applied, Errors: d.Errors, Translations: d.Translations, CreatedAt: row.CreatedAt.UTC(),
		KeyID: deref(row.KeyID)}, nil
}

// IndicatorStore adapts the store to indicator.Store (whose InTx hands out
// an indicator.Store rather than a *Store).
type IndicatorStore struct {
	*Store
	written *int // inside InTx: score rows inserted or updated so far
}

// scoreQueryColumns are the columns of scores that queries filter, join,
// group or sort by: the ones ANALYZE must cover after an import.
var scoreQueryColumns = []string{"village_code", "framework", "year", "province_code", "regency_code", "district_code",
	"score", "status", "derived_status"}

// InTx implements indicator.Store. A transaction that wrote many scores
// (an import) is followed by ANALYZE, see analyzeAfterBulk.
func (s IndicatorStore) InTx(ctx context.Context, fn func(indicator.Store) error) error {
	if s.written != nil { // already in one: join it
		return s.Store.InTx(ctx, func(tx *Store) error { return fn(IndicatorStore{Store: tx, written: s.written}) })
	}
	written := 0
	err := s.Store.InTx(ctx, func(tx *Store) error { return fn(IndicatorStore{Store: tx, written: &written}) })
	if err == nil {
		s.analyzeAfterBulk(ctx, "scores", written, scoreQueryColumns...)
	}
	return err
}

// UpsertScores implements indicator.Store, counting what it writes.
func (s IndicatorStore) UpsertScores(ctx context.Context, scores []indicator.Score) (inserted, updated int, err error) {
	inserted, updated, err = s.Store.UpsertScores(ctx, scores)
	if s.written != nil {
		*s.written += inserted + updated
	}
	return inserted, updated, err
}

var _ indicator.Store = IndicatorStore{}
