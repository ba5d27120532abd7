package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
)

// day is a nullable calendar date column: DATE on PostgreSQL, ISO 8601 TEXT
// on SQLite, "YYYY-MM-DD" in Go ("" for NULL). It is written as text, which
// PostgreSQL reads as a date, and read back from either engine's form.
type day string

// Value implements driver.Valuer.
func (d day) Value() (driver.Value, error) {
	if d == "" {
		return nil, nil
	}
	return string(d), nil
}

// Scan implements sql.Scanner.
func (d *day) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*d = ""
	case time.Time:
		*d = day(x.Format(cooperation.DateLayout))
	case string:
		*d = day(x[:min(len(x), len(cooperation.DateLayout))])
	case []byte:
		*d = day(x[:min(len(x), len(cooperation.DateLayout))])
	default:
		return fmt.Errorf("store: cannot scan %T into a date", src)
	}
	return nil
}

func nullableInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// inChunks calls fn with successive slices of at most 900 values, under
// SQLite's parameter limit.
func inChunks[T any](vals []T, fn func([]T) error) error {
	for start := 0; start < len(vals); start += 900 {
		if err := fn(vals[start:min(start+900, len(vals))]); err != nil {
			return err
		}
	}
	return nil
}

// orderBy builds an ORDER BY from an allow-listed sort, the default column
// when none is given, and a tie-breaking column.
func orderBy(cols map[string]string, s paging.Sort, def, tie string) clause.OrderBy {
	col, ok := cols[s.Field]
	if !ok {
		col = def
	}
	out := []clause.OrderByColumn{{Column: clause.Column{Name: col, Raw: true}, Desc: s.Desc}}
	if col != tie {
		out = append(out, clause.OrderByColumn{Column: clause.Column{Name: tie, Raw: true}, Desc: s.Desc})
	}
	return clause.OrderBy{Columns: out}
}

// rowsAffected turns "no row matched" into NotFound.
func rowsAffected(res *gorm.DB) error {
	if res.Error == nil && res.RowsAffected == 0 {
		return translate(gorm.ErrRecordNotFound)
	}
	return translate(res.Error)
}

// ---- agencies ----

// agencyRow is a row of agencies.
type agencyRow struct {
	ID           string `gorm:"primaryKey"`
	Name         string
	Acronym      string
	Kind         string
	ProvinceCode *string
	Website      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (agencyRow) TableName() string { return "agencies" }

// agencyView is an agency read with its province's name.
type agencyView struct {
	Row          agencyRow `gorm:"embedded"` // exported: GORM skips unexported fields
	ProvinceName *string
}

func toAgencyRow(a cooperation.Agency) agencyRow {
	return agencyRow{ID: a.ID, Name: a.Name, Acronym: a.Acronym, Kind: a.Kind, ProvinceCode: nullable(a.ProvinceCode),
		Website: a.Website, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

func (v agencyView) toAgency() cooperation.Agency {
	r := v.Row
	return cooperation.Agency{ID: r.ID, Name: r.Name, Acronym: r.Acronym, Kind: r.Kind, ProvinceCode: deref(r.ProvinceCode),
		Website: r.Website, ProvinceName: deref(v.ProvinceName), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func (s *Store) agencyQuery(ctx context.Context) *gorm.DB {
	return s.with(ctx).Table("agencies a").Select("a.*, r.name AS province_name").
		Joins("LEFT JOIN regions r ON r.code = a.province_code")
}

// Agency implements cooperation.Store.
func (s *Store) Agency(ctx context.Context, id string) (cooperation.Agency, error) {
	var v agencyView
	if err := s.agencyQuery(ctx).Where("a.id = ?", id).Take(&v).Error; err != nil {
		return cooperation.Agency{}, translate(err)
	}
	return v.toAgency(), nil
}

// AgencyByName implements cooperation.Store.
func (s *Store) AgencyByName(ctx context.Context, name string) (cooperation.Agency, error) {
	var v agencyView
	if err := s.agencyQuery(ctx).Where("a.name = ?", name).Take(&v).Error; err != nil {
		return cooperation.Agency{}, translate(err)
	}
	return v.toAgency(), nil
}

// AgenciesByID implements cooperation.Store.
func (s *Store) AgenciesByID(ctx context.Context, ids []string) (map[string]cooperation.Agency, error) {
	out := make(map[string]cooperation.Agency, len(ids))
	err := inChunks(ids, func(chunk []string) error {
		var views []agencyView
		if err := s.agencyQuery(ctx).Where("a.id IN ?", chunk).Find(&views).Error; err != nil {
			return translate(err)
		}
		for _, v := range views {
			out[v.Row.ID] = v.toAgency()
		}
		return nil
	})
	return out, err
}

var agencyOrder = map[string]string{"name": "a.name", "acronym": "a.acronym", "kind": "a.kind", "created_at": "a.created_at"}

// Agencies implements cooperation.Store.
func (s *Store) Agencies(ctx context.Context, f cooperation.AgencyFilter) ([]cooperation.Agency, int, error) {
	filter := func(q *gorm.DB) *gorm.DB {
		q = whereIn(q, "a.kind", f.Kind)
		q = whereIn(q, "a.province_code", f.Province)
		if f.Q != "" {
			like := s.likeOp() + ` ? ESCAPE '\'`
			q = q.Where("(a.name "+like+" OR a.acronym "+like+")", likePattern(f.Q), likePattern(f.Q))
		}
		return q
	}
	var total int64
	if err := filter(s.with(ctx).Table("agencies a")).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var views []agencyView
	err := filter(s.agencyQuery(ctx)).Clauses(orderBy(agencyOrder, f.Sort, "a.name", "a.id")).
		Limit(f.Page.Limit).Offset(f.Page.Offset).Find(&views).Error
	if err != nil {
		return nil, 0, translate(err)
	}
	out := make([]cooperation.Agency, len(views))
	for i, v := range views {
		out[i] = v.toAgency()
	}
	return out, int(total), nil
}

// CreateAgency implements cooperation.Store.
func (s *Store) CreateAgency(ctx context.Context, a cooperation.Agency) error {
	return s.audited(ctx, audit.EntityAgency, a.ID, func(tx *Store) error {
		row := toAgencyRow(a)
		row.CreatedAt = time.Now().UTC()
		row.UpdatedAt = row.CreatedAt
		return translate(tx.with(ctx).Create(&row).Error)
	})
}

// UpdateAgency implements cooperation.Store.
func (s *Store) UpdateAgency(ctx context.Context, a cooperation.Agency) error {
	return s.audited(ctx, audit.EntityAgency, a.ID, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Model(&agencyRow{}).Where("id = ?", a.ID).Updates(map[string]any{
			"name": a.Name, "acronym": a.Acronym, "kind": a.Kind, "province_code": nullable(a.ProvinceCode),
			"website": a.Website, "updated_at": time.Now().UTC()}))
	})
}

// DeleteAgency implements cooperation.Store.
func (s *Store) DeleteAgency(ctx context.Context, id string) error {
	return s.audited(ctx, audit.EntityAgency, id, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Where("id = ?", id).Delete(&agencyRow{}))
	})
}

// ProgramsWithAgency implements cooperation.Store.
func (s *Store) ProgramsWithAgency(ctx context.Context, agencyID string) ([]string, error) {
	var ids []string
	err := s.with(ctx).Table("program_parties").Distinct("program_id").
		Where("agency_id = ?", agencyID).Order("program_id").Pluck("program_id", &ids).Error
	return ids, translate(err)
}

// ---- programs ----

// programRow is a row of programs.
type programRow struct {
	ID           string `gorm:"primaryKey"`
	Code         string
	Title        string
	Summary      string
	Objective    string
	Scope        string
	Status       string
	StartDate    day
	EndDate      day
	Framework    string
	BaselineYear *int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (programRow) TableName() string { return "programs" }

// agreementRow is a row of program_agreements.
type agreementRow struct {
	ProgramID   string `gorm:"primaryKey"`
	Position    int    `gorm:"primaryKey"`
	Number      string
	SignedOn    day
	Title       string
	DocumentURL string `gorm:"column:document_url"`
}

func (agreementRow) TableName() string { return "program_agreements" }

func toProgramRow(p cooperation.Program) programRow {
	return programRow{ID: p.ID, Code: p.Code, Title: p.Title, Summary: p.Summary, Objective: p.Objective,
		Scope: p.Scope, Status: p.Status, StartDate: day(p.StartDate), EndDate: day(p.EndDate), Framework: p.Framework,
		BaselineYear: nullableInt(p.BaselineYear), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func (r programRow) toProgram() cooperation.Program {
	return cooperation.Program{ID: r.ID, Code: r.Code, Title: r.Title, Summary: r.Summary, Objective: r.Objective,
		Scope: r.Scope, Status: r.Status, StartDate: string(r.StartDate), EndDate: string(r.EndDate),
		Framework: r.Framework, BaselineYear: derefInt(r.BaselineYear), Agreements: []cooperation.Agreement{},
		Parties: []cooperation.Party{}, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func agreementRows(p cooperation.Program) []agreementRow {
	rows := make([]agreementRow, len(p.Agreements))
	for i, a := range p.Agreements {
		rows[i] = agreementRow{ProgramID: p.ID, Position: i, Number: a.Number, SignedOn: day(a.SignedOn), Title: a.Title,
			DocumentURL: a.DocumentURL}
	}
	return rows
}

// withDetails completes programs read as rows with their agreements,
// parties and budget totals: three queries for the whole page.
func (s *Store) withDetails(ctx context.Context, rows []programRow) ([]cooperation.Program, error) {
	out := make([]cooperation.Program, len(rows))
	index := make(map[string]int, len(rows))
	ids := make([]string, len(rows))
	for i, r := range rows {
		out[i], index[r.ID], ids[i] = r.toProgram(), i, r.ID
	}
	err := inChunks(ids, func(chunk []string) error {
		var agreements []agreementRow
		if err := s.with(ctx).Where("program_id IN ?", chunk).Order("program_id, position").Find(&agreements).Error; err != nil {
			return translate(err)
		}
		for _, a := range agreements {
			p := &out[index[a.ProgramID]]
			p.Agreements = append(p.Agreements, cooperation.Agreement{Number: a.Number, SignedOn: string(a.SignedOn),
				Title: a.Title, DocumentURL: a.DocumentURL})
		}
		parties, err := s.parties(ctx, chunk)
		if err != nil {
			return err
		}
		for _, pt := range parties {
			p := &out[index[pt.ProgramID]]
			p.Parties = append(p.Parties, pt)
		}
		var totals []struct {
			ProgramID string
			Kind      string
			Total     int64
		}
		err = s.with(ctx).Table("program_budgets").
			Select("program_id, kind, CAST(SUM(amount_idr) AS bigint) AS total").
			Where("program_id IN ?", chunk).Group("program_id, kind").Scan(&totals).Error
		if err != nil {
			return translate(err)
		}
		for _, t := range totals {
			out[index[t.ProgramID]].Totals.Add(t.Kind, t.Total)
		}
		return nil
	})
	return out, err
}

func (s *Store) programWhere(ctx context.Context, cond string, arg any) (cooperation.Program, error) {
	var row programRow
	if err := s.with(ctx).Where(cond, arg).Take(&row).Error; err != nil {
		return cooperation.Program{}, translate(err)
	}
	ps, err := s.withDetails(ctx, []programRow{row})
	if err != nil {
		return cooperation.Program{}, err
	}
	return ps[0], nil
}

// Program implements cooperation.Store.
func (s *Store) Program(ctx context.Context, id string) (cooperation.Program, error) {
	return s.programWhere(ctx, "id = ?", id)
}

// ProgramByCode implements cooperation.Store.
func (s *Store) ProgramByCode(ctx context.Context, code string) (cooperation.Program, error) {
	return s.programWhere(ctx, "code = ?", code)
}

// activeDuring keeps the programs (alias p) that run on some day of
// [first, last] (YYYY-MM-DD, inclusive): those whose dates overlap it. A
// program runs from its start_date to its end_date inclusive; an open end
// (no end_date) runs on indefinitely. It is the one place of the rule, for
// a day (?active_on=) and for a year (a profile's programs).
func activeDuring(q *gorm.DB, first, last string) *gorm.DB {
	return q.Where("p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?)", last, first)
}

var programOrder = map[string]string{"code": "p.code", "title": "p.title", "status": "p.status",
	"start_date": "p.start_date", "end_date": "p.end_date", "created_at": "p.created_at"}

// Programs implements cooperation.Store.
func (s *Store) Programs(ctx context.Context, f cooperation.ProgramFilter) ([]cooperation.Program, int, error) {
	filter := func(q *gorm.DB) *gorm.DB {
		q = whereIn(q, "p.status", f.Status)
		if len(f.Province) > 0 {
			q = q.Where(`p.id IN (SELECT pp.program_id FROM program_parties pp LEFT JOIN agencies a ON a.id = pp.agency_id
WHERE pp.province_code IN ? OR a.province_code IN ?)`, f.Province, f.Province)
		}
		if f.ActiveOn != "" {
			q = activeDuring(q, f.ActiveOn, f.ActiveOn)
		}
		if f.Q != "" {
			like := s.likeOp() + ` ? ESCAPE '\'`
			q = q.Where("(p.title "+like+" OR p.code "+like+")", likePattern(f.Q), likePattern(f.Q))
		}
		return q
	}
	var total int64
	if err := filter(s.with(ctx).Table("programs p")).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []programRow
	order := orderBy(programOrder, f.Sort, "p.code", "p.id")
	if f.Sort.Field == "end_date" {
		// Open-ended programs last in both directions, on both engines.
		order.Columns = append([]clause.OrderByColumn{{Column: clause.Column{Name: "p.end_date IS NULL", Raw: true}}}, order.Columns...)
	}
	err := filter(s.with(ctx).Table("programs p").Select("p.*")).Clauses(order).
		Limit(f.Page.Limit).Offset(f.Page.Offset).Find(&rows).Error
	if err != nil {
		return nil, 0, translate(err)
	}
	out, err := s.withDetails(ctx, rows)
	return out, int(total), err
}

// CountPrograms implements cooperation.Store.
func (s *Store) CountPrograms(ctx context.Context) (int, error) {
	var n int64
	err := s.with(ctx).Table("programs").Count(&n).Error
	return int(n), translate(err)
}

// CreateProgram implements cooperation.Store.
func (s *Store) CreateProgram(ctx context.Context, p cooperation.Program) error {
	return s.audited(ctx, audit.EntityProgram, p.ID, func(tx *Store) error {
		row := toProgramRow(p)
		row.CreatedAt = time.Now().UTC()
		row.UpdatedAt = row.CreatedAt
		db := tx.with(ctx)
		if err := db.Create(&row).Error; err != nil {
			return translate(err)
		}
		if rows := agreementRows(p); len(rows) > 0 {
			if err := db.Create(&rows).Error; err != nil {
				return translate(err)
			}
		}
		return tx.replaceParties(ctx, p.ID, p.Parties)
	})
}

// UpdateProgram implements cooperation.Store.
func (s *Store) UpdateProgram(ctx context.Context, p cooperation.Program) error {
	return s.audited(ctx, audit.EntityProgram, p.ID, func(tx *Store) error {
		db := tx.with(ctx)
		row := toProgramRow(p)
		err := rowsAffected(db.Model(&programRow{}).Where("id = ?", p.ID).Updates(map[string]any{
			"code": row.Code, "title": row.Title, "summary": row.Summary, "objective": row.Objective,
			"scope": row.Scope, "status": row.Status, "start_date": row.StartDate, "end_date": row.EndDate,
			"framework": row.Framework, "baseline_year": row.BaselineYear, "updated_at": time.Now().UTC()}))
		if err != nil {
			return err
		}
		return tx.syncAgreements(ctx, p)
	})
}

// syncAgreements makes a program's stored agreements p's, writing only the
// positions that change: an untouched agreement keeps its row and gets no
// new change-feed entry.
func (s *Store) syncAgreements(ctx context.Context, p cooperation.Program) error {
	db := s.with(ctx)
	var cur []agreementRow
	if err := db.Where("program_id = ?", p.ID).Find(&cur).Error; err != nil {
		return translate(err)
	}
	stored := make(map[int]agreementRow, len(cur))
	for _, r := range cur {
		stored[r.Position] = r
	}
	next := agreementRows(p)
	var added []agreementRow
	for _, r := range next {
		old, ok := stored[r.Position]
		switch {
		case !ok:
			added = append(added, r)
		case old != r:
			err := db.Model(&agreementRow{}).Where("program_id = ? AND position = ?", p.ID, r.Position).Updates(map[string]any{
				"number": r.Number, "signed_on": r.SignedOn, "title": r.Title, "document_url": r.DocumentURL}).Error
			if err != nil {
				return translate(err)
			}
		}
	}
	if err := db.Where("program_id = ? AND position >= ?", p.ID, len(next)).Delete(&agreementRow{}).Error; err != nil {
		return translate(err)
	}
	if len(added) > 0 {
		return translate(db.Create(&added).Error)
	}
	return nil
}

// programParts are the tables below programs, children first.
var programParts = []string{"program_targets", "program_activities", "program_budgets", "program_parties", "program_agreements"}

// DeleteProgram implements cooperation.Store: the parts are deleted
// explicitly in the same transaction, so that nothing depends on the
// engine enforcing ON DELETE CASCADE (which the schema declares too). Its
// one audit entry shows in before the budget lines, activities and targets
// that go with the program.
func (s *Store) DeleteProgram(ctx context.Context, id string) error {
	return s.auditedDelete(ctx, audit.EntityProgram, id, func(tx *Store) error {
		db := tx.with(ctx)
		for _, t := range programParts {
			if err := db.Exec("DELETE FROM "+t+" WHERE program_id = ?", id).Error; err != nil {
				return translate(err)
			}
		}
		return rowsAffected(db.Where("id = ?", id).Delete(&programRow{}))
	})
}

// LockProgram implements cooperation.Store. On PostgreSQL it takes the
// program's row lock; SQLite's write transactions are already exclusive.
func (s *Store) LockProgram(ctx context.Context, id string) error {
	q := "SELECT id FROM programs WHERE id = ?"
	if s.dialect == Postgres {
		q += " FOR UPDATE"
	}
	var got []string
	if err := s.with(ctx).Raw(q, id).Scan(&got).Error; err != nil {
		return translate(err)
	}
	if len(got) == 0 {
		return translate(gorm.ErrRecordNotFound)
	}
	return nil
}

// ---- parties ----

// partyRow is a row of program_parties.
type partyRow struct {
	ID           string `gorm:"primaryKey"`
	ProgramID    string
	Role         string
	ProvinceCode *string
	AgencyID     *string
	CreatedAt    time.Time
}

func (partyRow) TableName() string { return "program_parties" }

// partyView is a party read with its name and its agency's province.
type partyView struct {
	Row            partyRow `gorm:"embedded"` // exported: GORM skips unexported fields
	Name           *string
	AgencyProvince *string
}

func (v partyView) toParty() cooperation.Party {
	r := v.Row
	return cooperation.Party{ID: r.ID, ProgramID: r.ProgramID, Role: r.Role, ProvinceCode: deref(r.ProvinceCode),
		AgencyID: deref(r.AgencyID), Name: deref(v.Name), AgencyProvince: deref(v.AgencyProvince), CreatedAt: r.CreatedAt.UTC()}
}

// parties reads the parties of the programs, in the order they were added.
func (s *Store) parties(ctx context.Context, programIDs []string) ([]cooperation.Party, error) {
	var views []partyView
	err := s.with(ctx).Table("program_parties pp").
		Select("pp.*, COALESCE(r.name, a.name) AS name, a.province_code AS agency_province").
		Joins("LEFT JOIN regions r ON r.code = pp.province_code").
		Joins("LEFT JOIN agencies a ON a.id = pp.agency_id").
		Where("pp.program_id IN ?", programIDs).Order("pp.program_id, pp.created_at, pp.id").Find(&views).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]cooperation.Party, len(views))
	for i, v := range views {
		out[i] = v.toParty()
	}
	return out, nil
}

// Parties implements cooperation.Store.
func (s *Store) Parties(ctx context.Context, programID string) ([]cooperation.Party, error) {
	return s.parties(ctx, []string{programID})
}

func toPartyRow(p cooperation.Party, at time.Time) partyRow {
	return partyRow{ID: p.ID, ProgramID: p.ProgramID, Role: p.Role, ProvinceCode: nullable(p.ProvinceCode),
		AgencyID: nullable(p.AgencyID), CreatedAt: at}
}

// CreateParty implements cooperation.Store.
func (s *Store) CreateParty(ctx context.Context, p cooperation.Party) error {
	return s.audited(ctx, audit.EntityParty, p.ID, func(tx *Store) error {
		row := toPartyRow(p, time.Now().UTC())
		return translate(tx.with(ctx).Create(&row).Error)
	})
}

// DeleteParty implements cooperation.Store.
func (s *Store) DeleteParty(ctx context.Context, programID, partyID string) error {
	return s.audited(ctx, audit.EntityParty, partyID, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Where("program_id = ? AND id = ?", programID, partyID).Delete(&partyRow{}))
	})
}

// ReplaceParties implements cooperation.Store. The parties are part of
// the program's audited state: this is an update of the program. Parties
// that keep their id are left untouched.
func (s *Store) ReplaceParties(ctx context.Context, programID string, ps []cooperation.Party) error {
	return s.audited(ctx, audit.EntityProgram, programID, func(tx *Store) error {
		return tx.replaceParties(ctx, programID, ps)
	})
}

// replaceParties makes ps the program's parties: stored parties whose id
// is not among ps are deleted, parties of ps not stored yet are added, and
// the others are left as they are (a party's id names who it is and in
// which role, so a kept id is an unchanged party).
func (s *Store) replaceParties(ctx context.Context, programID string, ps []cooperation.Party) error {
	return s.InTx(ctx, func(tx *Store) error {
		db := tx.with(ctx)
		var stored []string
		if err := db.Model(&partyRow{}).Where("program_id = ?", programID).Pluck("id", &stored).Error; err != nil {
			return translate(err)
		}
		keep := make(map[string]bool, len(ps))
		for _, p := range ps {
			keep[p.ID] = true
		}
		var gone []string
		for _, id := range stored {
			if !keep[id] {
				gone = append(gone, id)
			}
			delete(keep, id)
		}
		if len(gone) > 0 {
			if err := db.Where("program_id = ? AND id IN ?", programID, gone).Delete(&partyRow{}).Error; err != nil {
				return translate(err)
			}
		}
		now := time.Now().UTC()
		var rows []partyRow
		for _, p := range ps {
			if keep[p.ID] { // not stored yet
				p.ProgramID = programID
				rows = append(rows, toPartyRow(p, now))
			}
		}
		if len(rows) == 0 {
			return nil
		}
		return translate(db.Create(&rows).Error)
	})
}

// ---- budgets ----

// budgetRow is a row of program_budgets.
type budgetRow struct {
	ID           string `gorm:"primaryKey"`
	ProgramID    string
	Year         int
	ProvinceCode *string
	AgencyID     *string
	Kind         string
	AmountIDR    int64 `gorm:"column:amount_idr"`
	Source       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (budgetRow) TableName() string { return "program_budgets" }

// budgetView is a budget line read with its payer's name.
type budgetView struct {
	Row       budgetRow `gorm:"embedded"` // exported: GORM skips unexported fields
	PayerName *string
}

func toBudgetRow(b cooperation.Budget) budgetRow {
	return budgetRow{ID: b.ID, ProgramID: b.ProgramID, Year: b.Year, ProvinceCode: nullable(b.ProvinceCode),
		AgencyID: nullable(b.AgencyID), Kind: b.Kind, AmountIDR: b.AmountIDR, Source: b.Source,
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

func (v budgetView) toBudget() cooperation.Budget {
	r := v.Row
	return cooperation.Budget{ID: r.ID, ProgramID: r.ProgramID, Year: r.Year, ProvinceCode: deref(r.ProvinceCode),
		AgencyID: deref(r.AgencyID), PayerName: deref(v.PayerName), Kind: r.Kind, AmountIDR: r.AmountIDR,
		Source: r.Source, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func (s *Store) budgetQuery(ctx context.Context, programID string) *gorm.DB {
	return s.with(ctx).Table("program_budgets b").Select("b.*, COALESCE(r.name, a.name) AS payer_name").
		Joins("LEFT JOIN regions r ON r.code = b.province_code").
		Joins("LEFT JOIN agencies a ON a.id = b.agency_id").
		Where("b.program_id = ?", programID)
}

func budgetsOf(views []budgetView) []cooperation.Budget {
	out := make([]cooperation.Budget, len(views))
	for i, v := range views {
		out[i] = v.toBudget()
	}
	return out
}

var budgetOrder = map[string]string{"year": "b.year", "kind": "b.kind", "amount_idr": "b.amount_idr", "created_at": "b.created_at"}

// Budgets implements cooperation.Store.
func (s *Store) Budgets(ctx context.Context, programID string, f cooperation.BudgetFilter) ([]cooperation.Budget, int, error) {
	filter := func(q *gorm.DB) *gorm.DB {
		if len(f.Year) > 0 {
			q = q.Where("b.year IN ?", f.Year)
		}
		return whereIn(q, "b.kind", f.Kind)
	}
	var total int64
	if err := filter(s.with(ctx).Table("program_budgets b").Where("b.program_id = ?", programID)).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var views []budgetView
	err := filter(s.budgetQuery(ctx, programID)).Clauses(orderBy(budgetOrder, f.Sort, "b.year", "b.id")).
		Limit(f.Page.Limit).Offset(f.Page.Offset).Find(&views).Error
	if err != nil {
		return nil, 0, translate(err)
	}
	return budgetsOf(views), int(total), nil
}

// AllBudgets implements cooperation.Store.
func (s *Store) AllBudgets(ctx context.Context, programID string) ([]cooperation.Budget, error) {
	var views []budgetView
	if err := s.budgetQuery(ctx, programID).Order("b.year, b.id").Find(&views).Error; err != nil {
		return nil, translate(err)
	}
	return budgetsOf(views), nil
}

// BudgetTotal implements cooperation.Store.
func (s *Store) BudgetTotal(ctx context.Context, programID, except string) (int64, error) {
	var total int64
	err := s.with(ctx).Table("program_budgets").Select("COALESCE(CAST(SUM(amount_idr) AS bigint), 0)").
		Where("program_id = ? AND id <> ?", programID, except).Scan(&total).Error
	return total, translate(err)
}

// Budget implements cooperation.Store.
func (s *Store) Budget(ctx context.Context, programID, id string) (cooperation.Budget, error) {
	var v budgetView
	if err := s.budgetQuery(ctx, programID).Where("b.id = ?", id).Take(&v).Error; err != nil {
		return cooperation.Budget{}, translate(err)
	}
	return v.toBudget(), nil
}

// CreateBudget implements cooperation.Store.
func (s *Store) CreateBudget(ctx context.Context, b cooperation.Budget) error {
	return s.audited(ctx, audit.EntityBudget, b.ID, func(tx *Store) error {
		row := toBudgetRow(b)
		row.CreatedAt = time.Now().UTC()
		row.UpdatedAt = row.CreatedAt
		return translate(tx.with(ctx).Create(&row).Error)
	})
}

// UpdateBudget implements cooperation.Store.
func (s *Store) UpdateBudget(ctx context.Context, b cooperation.Budget) error {
	return s.audited(ctx, audit.EntityBudget, b.ID, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Model(&budgetRow{}).Where("program_id = ? AND id = ?", b.ProgramID, b.ID).
			Updates(map[string]any{"year": b.Year, "province_code": nullable(b.ProvinceCode), "agency_id": nullable(b.AgencyID),
				"kind": b.Kind, "amount_idr": b.AmountIDR, "source": b.Source, "updated_at": time.Now().UTC()}))
	})
}

// DeleteBudget implements cooperation.Store.
func (s *Store) DeleteBudget(ctx context.Context, programID, id string) error {
	return s.audited(ctx, audit.EntityBudget, id, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Where("program_id = ? AND id = ?", programID, id).Delete(&budgetRow{}))
	})
}

// DeleteBudgets implements cooperation.Store.
func (s *Store) DeleteBudgets(ctx context.Context, programID string) error {
	return s.deleteParts(ctx, audit.EntityBudget, "program_budgets", programID)
}

// ---- activities ----

// activityRow is a row of program_activities.
type activityRow struct {
	ID           string `gorm:"primaryKey"`
	ProgramID    string
	Date         day
	Kind         string
	Title        string
	Venue        string
	RegionCode   *string
	Summary      string
	Participants *int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (activityRow) TableName() string { return "program_activities" }

// activityView is an activity read with its region's name.
type activityView struct {
	Row        activityRow `gorm:"embedded"` // exported: GORM skips unexported fields
	RegionName *string
}

func toActivityRow(a cooperation.Activity) activityRow {
	return activityRow{ID: a.ID, ProgramID: a.ProgramID, Date: day(a.Date), Kind: a.Kind, Title: a.Title, Venue: a.Venue,
		RegionCode: nullable(a.RegionCode), Summary: a.Summary, Participants: a.Participants,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

func (v activityView) toActivity() cooperation.Activity {
	r := v.Row
	return cooperation.Activity{ID: r.ID, ProgramID: r.ProgramID, Date: string(r.Date), Kind: r.Kind, Title: r.Title,
		Venue: r.Venue, RegionCode: deref(r.RegionCode), RegionName: deref(v.RegionName), Summary: r.Summary,
		Participants: r.Participants, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func (s *Store) activityQuery(ctx context.Context, programID string) *gorm.DB {
	return s.with(ctx).Table("program_activities v").Select("v.*, r.name AS region_name").
		Joins("LEFT JOIN regions r ON r.code = v.region_code").Where("v.program_id = ?", programID)
}

var activityOrder = map[string]string{"date": "v.date", "kind": "v.kind", "title": "v.title", "created_at": "v.created_at"}

// Activities implements cooperation.Store.
func (s *Store) Activities(ctx context.Context, programID string, f cooperation.ActivityFilter) ([]cooperation.Activity, int, error) {
	var total int64
	count := whereIn(s.with(ctx).Table("program_activities v").Where("v.program_id = ?", programID), "v.kind", f.Kind)
	if err := count.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var views []activityView
	err := whereIn(s.activityQuery(ctx, programID), "v.kind", f.Kind).Clauses(orderBy(activityOrder, f.Sort, "v.date", "v.id")).
		Limit(f.Page.Limit).Offset(f.Page.Offset).Find(&views).Error
	if err != nil {
		return nil, 0, translate(err)
	}
	out := make([]cooperation.Activity, len(views))
	for i, v := range views {
		out[i] = v.toActivity()
	}
	return out, int(total), nil
}

// Activity implements cooperation.Store.
func (s *Store) Activity(ctx context.Context, programID, id string) (cooperation.Activity, error) {
	var v activityView
	if err := s.activityQuery(ctx, programID).Where("v.id = ?", id).Take(&v).Error; err != nil {
		return cooperation.Activity{}, translate(err)
	}
	return v.toActivity(), nil
}

// CreateActivity implements cooperation.Store.
func (s *Store) CreateActivity(ctx context.Context, a cooperation.Activity) error {
	return s.audited(ctx, audit.EntityActivity, a.ID, func(tx *Store) error {
		row := toActivityRow(a)
		row.CreatedAt = time.Now().UTC()
		row.UpdatedAt = row.CreatedAt
		return translate(tx.with(ctx).Create(&row).Error)
	})
}

// UpdateActivity implements cooperation.Store.
func (s *Store) UpdateActivity(ctx context.Context, a cooperation.Activity) error {
	return s.audited(ctx, audit.EntityActivity, a.ID, func(tx *Store) error {
		row := toActivityRow(a)
		return rowsAffected(tx.with(ctx).Model(&activityRow{}).Where("program_id = ? AND id = ?", a.ProgramID, a.ID).
			Updates(map[string]any{"date": row.Date, "kind": row.Kind, "title": row.Title, "venue": row.Venue,
				"region_code": row.RegionCode, "summary": row.Summary, "participants": row.Participants,
				"updated_at": time.Now().UTC()}))
	})
}

// DeleteActivity implements cooperation.Store.
func (s *Store) DeleteActivity(ctx context.Context, programID, id string) error {
	return s.audited(ctx, audit.EntityActivity, id, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Where("program_id = ? AND id = ?", programID, id).Delete(&activityRow{}))
	})
}

// DeleteActivities implements cooperation.Store.
func (s *Store) DeleteActivities(ctx context.Context, programID string) error {
	return s.deleteParts(ctx, audit.EntityActivity, "program_activities", programID)
}

// ---- targets ----

// targetRow is a row of program_targets.
type targetRow struct {
	ProgramID      string `gorm:"primaryKey"`
	VillageCode    string `gorm:"primaryKey"`
	BaselineYear   int
	BaselineScore  dec
	BaselineStatus *string
	TargetStatus   *string
	TargetYear     *int
	CreatedAt      time.Time
}

func (targetRow) TableName() string { return "program_targets" }

// targetView is a target read with its village and its current score.
type targetView struct {
	Row           targetRow `gorm:"embedded"` // exported: GORM skips unexported fields
	VillageName   string
	VillageType   *string
	DistrictCode  *string
	RegencyCode   *string
	ProvinceCode  string
	CurrentYear   *int
	CurrentScore  dec
	CurrentStatus *string
}

func (v targetView) toTarget() cooperation.Target {
	r := v.Row
	return cooperation.Target{ProgramID: r.ProgramID, VillageCode: r.VillageCode, BaselineYear: r.BaselineYear,
		BaselineScore: r.BaselineScore.ptr(), BaselineStatus: deref(r.BaselineStatus), TargetStatus: deref(r.TargetStatus),
		TargetYear: derefInt(r.TargetYear), CreatedAt: r.CreatedAt.UTC(), VillageName: v.VillageName,
		VillageType: deref(v.VillageType), DistrictCode: deref(v.DistrictCode), RegencyCode: deref(v.RegencyCode),
		ProvinceCode: v.ProvinceCode, CurrentYear: derefInt(v.CurrentYear), CurrentScore: v.CurrentScore.ptr(),
		CurrentStatus: deref(v.CurrentStatus)}
}

// AddTargets implements cooperation.Store: an insert that skips targets
// already stored, counting only the rows it added.
func (s *Store) AddTargets(ctx context.Context, ts []cooperation.Target) (int, error) {
	now := time.Now().UTC()
	rows := make([]targetRow, len(ts))
	for i, t := range ts {
		rows[i] = targetRow{ProgramID: t.ProgramID, VillageCode: t.VillageCode, BaselineYear: t.BaselineYear,
			BaselineScore: decOf(t.BaselineScore), BaselineStatus: nullable(t.BaselineStatus),
			TargetStatus: nullable(t.TargetStatus), TargetYear: nullableInt(t.TargetYear), CreatedAt: now}
	}
	added := 0
	// Batches of 60 rows × 8 columns keep each statement under the
	// parameter limit that keeps SQLite fast (see sqliteMaxParams).
	err := s.InTx(ctx, func(tx *Store) error {
		db := tx.with(ctx).Clauses(clause.OnConflict{DoNothing: true})
		for start := 0; start < len(rows); start += 60 {
			chunk := rows[start:min(start+60, len(rows))]
			res := db.Create(&chunk)
			if res.Error != nil {
				return translate(res.Error)
			}
			added += int(res.RowsAffected)
		}
		if added == 0 {
			return nil
		}
		// One audit entry for the batch: the program and the villages
		// asked for (those already targets were skipped).
		codes := make([]string, len(ts))
		for i, t := range ts {
			codes[i] = t.VillageCode
		}
		after, err := json.Marshal(map[string]any{"added": added, "village_codes": codes})
		if err != nil {
			return err
		}
		return tx.record(ctx, audit.ActionImport, audit.EntityTarget, ts[0].ProgramID, nil, after)
	})
	return added, err
}

var targetOrder = map[string]string{"village_code": "t.village_code", "baseline_score": "t.baseline_score", "current_score": "cur.score"}

// Targets implements cooperation.Store. The current score is the one of
// the latest year in which the village has a status in framework.
func (s *Store) Targets(ctx context.Context, programID, framework string, f cooperation.TargetFilter) ([]cooperation.Target, int, error) {
	filter := func(q *gorm.DB) *gorm.DB {
		q = whereIn(q, "r.regency_code", f.Regency)
		return whereIn(q, "t.baseline_status", f.BaselineStatus)
	}
	var total int64
	count := filter(s.with(ctx).Table("program_targets t").Joins("JOIN regions r ON r.code = t.village_code").
		Where("t.program_id = ?", programID))
	if err := count.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	col, ok := targetOrder[f.Sort.Field]
	if !ok {
		col = "t.village_code"
	}
	var order []clause.OrderByColumn
	if col != "t.village_code" {
		// Villages without a score last in both directions, on both engines.
		order = append(order, clause.OrderByColumn{Column: clause.Column{Name: col + " IS NULL", Raw: true}},
			clause.OrderByColumn{Column: clause.Column{Name: col, Raw: true}, Desc: f.Sort.Desc})
	}
	order = append(order, clause.OrderByColumn{Column: clause.Column{Name: "t.village_code", Raw: true}, Desc: f.Sort.Desc})
	var views []targetView
	err := filter(s.with(ctx).Table("program_targets t").
		Select(`t.*, r.name AS village_name, r.type AS village_type, r.district_code, r.regency_code, r.province_code,
cur.year AS current_year, cur.score AS current_score, cur.status AS current_status`).
		Joins("JOIN regions r ON r.code = t.village_code").
		Joins(`LEFT JOIN scores cur ON cur.village_code = t.village_code AND cur.framework = ? AND cur.year =
(SELECT MAX(s2.year) FROM scores s2 WHERE s2.village_code = t.village_code AND s2.framework = ? AND s2.status IS NOT NULL)`,
			framework, framework).
		Where("t.program_id = ?", programID)).
		Clauses(clause.OrderBy{Columns: order}).Limit(f.Page.Limit).Offset(f.Page.Offset).Find(&views).Error
	if err != nil {
		return nil, 0, translate(err)
	}
	out := make([]cooperation.Target, len(views))
	for i, v := range views {
		out[i] = v.toTarget()
	}
	return out, int(total), nil
}

// TargetRefs implements cooperation.Store.
func (s *Store) TargetRefs(ctx context.Context, programID string) ([]cooperation.TargetRef, error) {
	var rows []struct {
		VillageCode  string
		RegencyCode  string
		TargetStatus *string
	}
	err := s.with(ctx).Table("program_targets t").Select("t.village_code, r.regency_code, t.target_status").
		Joins("JOIN regions r ON r.code = t.village_code").Where("t.program_id = ?", programID).
		Order("t.village_code").Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]cooperation.TargetRef, len(rows))
	for i, r := range rows {
		out[i] = cooperation.TargetRef{VillageCode: r.VillageCode, RegencyCode: r.RegencyCode, TargetStatus: deref(r.TargetStatus)}
	}
	return out, nil
}

// CountTargets implements cooperation.Store.
func (s *Store) CountTargets(ctx context.Context, programID string) (int, error) {
	var n int64
	err := s.with(ctx).Table("program_targets").Where("program_id = ?", programID).Count(&n).Error
	return int(n), translate(err)
}

// DeleteTarget implements cooperation.Store.
func (s *Store) DeleteTarget(ctx context.Context, programID, villageCode string) error {
	return s.audited(ctx, audit.EntityTarget, programID+"/"+villageCode, func(tx *Store) error {
		return rowsAffected(tx.with(ctx).Where("program_id = ? AND village_code = ?", programID, villageCode).Delete(&targetRow{}))
	})
}

// ---- regions and scores, as the cooperation service reads them ----

// RegionsByCode implements cooperation.Regions.
func (s *Store) RegionsByCode(ctx context.Context, codes []string) (map[string]region.Region, error) {
	out := make(map[string]region.Region, len(codes))
	err := inChunks(codes, func(chunk []string) error {
		var views []regionView
		if err := s.regionQuery(ctx).Where("r.code IN ?", chunk).Find(&views).Error; err != nil {
			return translate(err)
		}
		for _, v := range views {
			out[v.Code] = v.toRegion(nil)
		}
		return nil
	})
	return out, err
}

// VillageCodes implements cooperation.Regions. With statuses it starts from
// the scores of the area (their ancestor columns and the scores_province,
// _regency and _district indexes) and joins each to its region by key;
// without, it reads the regions of the area. Both plans hold without
// fresh statistics, as right after a bulk load.
func (s *Store) VillageCodes(ctx context.Context, q cooperation.VillageQuery) ([]string, error) {
	var db *gorm.DB
	typeCol := "a.type"
	if len(q.Status) > 0 {
		typeCol = "r.type"
		db = s.with(ctx).Table("scores a").Select("a.village_code").
			Joins("JOIN regions r ON r.code = a.village_code").
			Where("a.framework = ? AND a.year = ?", q.Framework, q.Year)
		db = whereIn(db, "a.status", q.Status).Order("a.village_code")
	} else {
		db = s.with(ctx).Table("regions a").Select("a.code").Where("a.level = ?", string(region.LevelVillage)).
			Order("a.code")
	}
	for _, f := range []struct{ col, val string }{{"a.province_code", q.Province}, {"a.regency_code", q.Regency}, {"a.district_code", q.District}} {
		if f.val != "" {
			db = db.Where(f.col+" = ?", f.val)
		}
	}
	var codes []string
	err := whereIn(db, typeCol, q.Types).Limit(q.Limit).Scan(&codes).Error
	return codes, translate(err)
}

// villageScoreRow is the part of a score an outcome reads.
type villageScoreRow struct {
	VillageCode string
	RegencyCode string
	Score       dec
	Status      *string
}

func (s *Store) villageScores(ctx context.Context, framework string, year int, col string, vals []string) (map[string]cooperation.VillageScore, error) {
	out := make(map[string]cooperation.VillageScore, len(vals))
	err := inChunks(vals, func(chunk []string) error {
		var rows []villageScoreRow
		err := s.with(ctx).Table("scores").Select("village_code, regency_code, score, status").
			Where("framework = ? AND year = ? AND "+col+" IN ?", framework, year, chunk).Scan(&rows).Error
		if err != nil {
			return translate(err)
		}
		for _, r := range rows {
			out[r.VillageCode] = cooperation.VillageScore{VillageCode: r.VillageCode, RegencyCode: r.RegencyCode,
				Score: r.Score.ptr(), Status: deref(r.Status)}
		}
		return nil
	})
	return out, err
}

// ScoresOf implements cooperation.Scores.
func (s *Store) ScoresOf(ctx context.Context, framework string, year int, codes []string) (map[string]cooperation.VillageScore, error) {
	return s.villageScores(ctx, framework, year, "village_code", codes)
}

// ScoresIn implements cooperation.Scores: one query (per 900 regencies)
// over the scores_regency index.
func (s *Store) ScoresIn(ctx context.Context, framework string, year int, regencies []string) (map[string]cooperation.VillageScore, error) {
	return s.villageScores(ctx, framework, year, "regency_code", regencies)
}

// CooperationStore adapts the store to cooperation.Store (whose InTx hands
// out a cooperation.Store rather than a *Store).
type CooperationStore struct{ *Store }

// InTx implements cooperation.Store.
func (s CooperationStore) InTx(ctx context.Context, fn func(cooperation.Store) error) error {
	return s.Store.InTx(ctx, func(tx *Store) error { return fn(CooperationStore{tx}) })
}

var (
	_ cooperation.Store   = CooperationStore{}
	_ cooperation.Regions = (*Store)(nil)
	_ cooperation.Scores  = (*Store)(nil)
)
