package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
)

// Program is a cooperation program with its agreements, its parties and the
// totals of its budget lines.
type Program struct {
	ID           string       `json:"id" validate:"required" example:"0196b1f0-7a2b-7c3a-9d2b-3f4e5a6b7c8d"`
	Code         string       `json:"code" validate:"required" example:"kaltim-jatim-desa-berdaya"`
	Title        string       `json:"title" validate:"required" example:"Kerja Sama Kaltim–Jatim: Desa Berdaya"`
	Summary      string       `json:"summary" validate:"required"`
	Objective    string       `json:"objective" validate:"required"`
	Scope        string       `json:"scope" validate:"required" enums:"inter_provincial,provincial" example:"inter_provincial"`
	Status       string       `json:"status" validate:"required" enums:"planned,active,completed,cancelled" example:"active"`
	StartDate    string       `json:"start_date" validate:"required" format:"date" example:"2025-05-08"`
	EndDate      *string      `json:"end_date" validate:"required" extensions:"x-nullable" format:"date" example:"2027-12-31"`
	Framework    string       `json:"framework" validate:"required" enums:"idm,indeks_desa,ipd" example:"idm"`
	BaselineYear *int         `json:"baseline_year" validate:"required" extensions:"x-nullable" example:"2024"`
	Agreements   []Agreement  `json:"agreements" validate:"required"`
	Parties      []Party      `json:"parties" validate:"required"`
	BudgetTotals BudgetTotals `json:"budget_totals" validate:"required"`
	CreatedAt    time.Time    `json:"created_at" validate:"required"`
	UpdatedAt    time.Time    `json:"updated_at" validate:"required"`
} //	@name	Program

// Agreement is a signed agreement of a program. Each signatory numbers the
// same signing in its own register, so one signing may appear twice.
type Agreement struct {
	Number      string  `json:"number" validate:"required" example:"100.3.7.1/15/PKS/B.POD-III/2025"`
	SignedOn    *string `json:"signed_on" extensions:"x-nullable" format:"date" example:"2025-05-08"`
	Title       string  `json:"title" example:"Perjanjian Kerja Sama Pemprov Kaltim dan Pemprov Jatim"`
	DocumentURL string  `json:"document_url" example:""`
} //	@name	Agreement

// Party is a province or an agency taking part in a program. For an agency,
// province_code is the agency's province (null for a national agency): an
// inter-provincial program counts it among its provinces.
type Party struct {
	ID           string  `json:"id" validate:"required" example:"0196b1f0-8b3c-7c3a-9d2b-3f4e5a6b7c8d"`
	Role         string  `json:"role" validate:"required" enums:"lead,partner,funder,implementer" example:"lead"`
	Type         string  `json:"type" validate:"required" enums:"province,agency" example:"agency"`
	ProvinceCode *string `json:"province_code" validate:"required" extensions:"x-nullable" example:"64"`
	AgencyID     *string `json:"agency_id" validate:"required" extensions:"x-nullable" example:"0196b1f0-6c1e-7c3a-9d2b-3f4e5a6b7c8d"`
	Name         string  `json:"name" validate:"required" example:"Biro Kesra Setda Prov. Kalimantan Timur"`
} //	@name	Party

// BudgetTotals sums a program's budget lines per kind, in rupiah.
type BudgetTotals struct {
	Planned   int64 `json:"planned" validate:"required" example:"1500000000"`
	Revised   int64 `json:"revised" validate:"required" example:"0"`
	Disbursed int64 `json:"disbursed" validate:"required" example:"750000000"`
	Spent     int64 `json:"spent" validate:"required" example:"600000000"`
} //	@name	BudgetTotals

// List answers.
type (
	ProgramList struct {
		Data []Program `json:"data" validate:"required"`
		Page Page      `json:"page" validate:"required"`
	} //	@name	ProgramList
	PartyList struct {
		Data []Party `json:"data" validate:"required"`
		Page Page    `json:"page" validate:"required"`
	} //	@name	PartyList
)

// PartyInput names a province (province_code) or an agency (agency_id),
// never both, in a role.
type PartyInput struct {
	Role         string `json:"role" enums:"lead,partner,funder,implementer" example:"partner"`
	ProvinceCode string `json:"province_code,omitempty" example:"35"`
	AgencyID     string `json:"agency_id,omitempty"`
} //	@name	PartyInput

// ProgramInput is the body of a new program with its parties. The server
// makes the ids.
type ProgramInput struct {
	Code         string       `json:"code" example:"kaltim-jatim-desa-berdaya"`
	Title        string       `json:"title" example:"Kerja Sama Kaltim–Jatim: Desa Berdaya"`
	Summary      string       `json:"summary,omitempty"`
	Objective    string       `json:"objective,omitempty"`
	Scope        string       `json:"scope" enums:"inter_provincial,provincial" example:"inter_provincial"`
	Status       string       `json:"status" enums:"planned,active,completed,cancelled" example:"active"`
	StartDate    string       `json:"start_date" format:"date" example:"2025-05-08"`
	EndDate      string       `json:"end_date,omitempty" format:"date"`
	Framework    string       `json:"framework,omitempty" enums:"idm,indeks_desa,ipd" default:"idm"`
	BaselineYear int          `json:"baseline_year,omitempty" example:"2024"`
	Agreements   []Agreement  `json:"agreements,omitempty"`
	Parties      []PartyInput `json:"parties"`
} //	@name	ProgramInput

// ProgramPatch changes a program; absent fields stay. end_date null (or "")
// makes it open-ended; baseline_year null unsets it. agreements and parties, when given, replace the whole list:
// that is how the lead passes to another party.
type ProgramPatch struct {
	Code         *string          `json:"code,omitempty"`
	Title        *string          `json:"title,omitempty"`
	Summary      *string          `json:"summary,omitempty"`
	Objective    *string          `json:"objective,omitempty"`
	Scope        *string          `json:"scope,omitempty" enums:"inter_provincial,provincial"`
	Status       *string          `json:"status,omitempty" enums:"planned,active,completed,cancelled" example:"completed"`
	StartDate    *string          `json:"start_date,omitempty" format:"date"`
	EndDate      Nullable[string] `json:"end_date,omitempty" swaggertype:"string" extensions:"x-nullable" format:"date" example:"2027-12-31"`
	Framework    *string          `json:"framework,omitempty" enums:"idm,indeks_desa,ipd"`
	BaselineYear Nullable[int]    `json:"baseline_year,omitempty" swaggertype:"integer" extensions:"x-nullable"`
	Agreements   *[]Agreement     `json:"agreements,omitempty"`
	Parties      *[]PartyInput    `json:"parties,omitempty"`
} //	@name	ProgramPatch

func toProgram(p cooperation.Program) Program {
	out := Program{ID: p.ID, Code: p.Code, Title: p.Title, Summary: p.Summary, Objective: p.Objective, Scope: p.Scope,
		Status: p.Status, StartDate: p.StartDate, EndDate: optional(p.EndDate), Framework: p.Framework,
		Agreements: convert(p.Agreements, toAgreement), Parties: convert(p.Parties, toParty),
		BudgetTotals: BudgetTotals(p.Totals), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.BaselineYear != 0 {
		out.BaselineYear = &p.BaselineYear
	}
	return out
}

func toAgreement(a cooperation.Agreement) Agreement {
	return Agreement{Number: a.Number, SignedOn: optional(a.SignedOn), Title: a.Title, DocumentURL: a.DocumentURL}
}

func (a Agreement) toDomain() cooperation.Agreement {
	out := cooperation.Agreement{Number: a.Number, Title: a.Title, DocumentURL: a.DocumentURL}
	if a.SignedOn != nil {
		out.SignedOn = *a.SignedOn
	}
	return out
}

func toParty(p cooperation.Party) Party {
	out := Party{ID: p.ID, Role: p.Role, Type: "province", ProvinceCode: optional(p.Province()), Name: p.Name}
	if p.AgencyID != "" {
		out.Type, out.AgencyID = "agency", &p.AgencyID
	}
	return out
}

func (in PartyInput) toDomain() cooperation.Party {
	return cooperation.Party{Role: in.Role, ProvinceCode: in.ProvinceCode, AgencyID: in.AgencyID}
}

func (in ProgramInput) toDomain() cooperation.Program {
	return cooperation.Program{Code: in.Code, Title: in.Title, Summary: in.Summary, Objective: in.Objective,
		Scope: in.Scope, Status: in.Status, StartDate: in.StartDate, EndDate: in.EndDate, Framework: in.Framework,
		BaselineYear: in.BaselineYear, Agreements: convert(in.Agreements, Agreement.toDomain),
		Parties: convert(in.Parties, PartyInput.toDomain)}
}

func (in ProgramPatch) toDomain() cooperation.ProgramPatch {
	out := cooperation.ProgramPatch{Code: in.Code, Title: in.Title, Summary: in.Summary, Objective: in.Objective,
		Scope: in.Scope, Status: in.Status, StartDate: in.StartDate, EndDate: in.EndDate.Or(""), Framework: in.Framework,
		BaselineYear: in.BaselineYear.Or(0)}
	if in.Agreements != nil {
		as := convert(*in.Agreements, Agreement.toDomain)
		out.Agreements = &as
	}
	if in.Parties != nil {
		ps := convert(*in.Parties, PartyInput.toDomain)
		out.Parties = &ps
	}
	return out
}

// listPrograms godoc
//
//	@Summary	List cooperation programs
//	@Tags		programs
//	@Produce	json,text/csv
//	@Param		province	query		string	false	"province code(s), comma = any of: programs with a party in one of them (a province, or an agency there)"	example(64)
//	@Param		status		query		string	false	"status(es), comma = any of: planned, active, completed, cancelled"
//	@Param		active_on	query		string	false	"a date (YYYY-MM-DD) within start_date..end_date (an open end runs on)"	example(2025-06-01)
//	@Param		q			query		string	false	"case-insensitive substring of the title or code"
//	@Param		sort		query		string	false	"code, title, status, start_date, end_date, created_at; prefix - for descending"	default(code)
//	@Param		fields		query		string	false	"comma-separated fields to return"
//	@Param		format		query		string	false	"json or csv (or send Accept: text/csv); in CSV, agreements, parties and budget_totals are JSON"	Enums(json, csv)
//	@Param		limit		query		int		false	"page size, 1–1000"																					default(50)
//	@Param		offset		query		int		false	"rows to skip"																						default(0)
//	@Success	200			{object}	ProgramList
//	@Header		200			{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Router		/v1/programs [get]
func (h *handlers) listPrograms(c echo.Context) error {
	q := &query{c: c}
	f := cooperation.ProgramFilter{Province: q.codes("province", region.LevelProvince),
		Status: q.enum("status", cooperation.ProgramStatuses), ActiveOn: q.text("active_on", 10), Q: q.text("q", 100),
		Sort: q.sort(cooperation.ProgramSortFields), Page: q.page()}
	out := newListOut[Program](q)
	if q.err != nil {
		return q.err
	}
	ps, total, err := h.svc.Programs.Programs(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return out.write(c, convert(ps, toProgram), f.Page, total)
}

// getProgram godoc
//
//	@Summary	Get a program with its agreements, parties and budget totals
//	@Tags		programs
//	@Produce	json
//	@Param		id	path		string	true	"program id"
//	@Success	200	{object}	Program
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/programs/{id} [get]
func (h *handlers) getProgram(c echo.Context) error {
	p, err := h.svc.Programs.Program(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toProgram(p))
}

// createProgram godoc
//
//	@Summary		Create a program with its parties
//	@Description	Rules (422, naming the field): exactly one lead party; an inter_provincial program has parties in at least two distinct provinces (an agency counts with its province_code); end_date is not before start_date; every party's province or agency exists; no province or agency twice in the same role. The server makes the ids.
//	@Tags			programs
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			body	body		ProgramInput	true	"the new program"
//	@Success		201		{object}	Program
//	@Header			201		{string}	Location	"the path of the new program"
//	@Header			201		{string}	ETag		"the new program's state, as its GET and If-Match take it"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem	"a program with that code exists"
//	@Failure		422		{object}	Problem
//	@Router			/v1/programs [post]
func (h *handlers) createProgram(c echo.Context) error {
	var in ProgramInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := h.svc.Programs.CreateProgram(c.Request().Context(), in.toDomain())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/programs/"+p.ID)
	return c.JSON(http.StatusCreated, toProgram(p))
}

// patchProgram godoc
//
//	@Summary		Change a program
//	@Description	The program's rules are checked again as a whole (422). parties, when given, replace all parties (a party that stays, the same province or agency in the same role, keeps its id); every budget line's payer must remain a party. Changing framework or baseline_year while the program has targets is a 409: their baselines were recorded in the old ones. A PATCH that changes nothing records nothing and keeps updated_at and the ETag.
//	@Tags			programs
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id		path		string			true	"program id"
//	@Param			body	body		ProgramPatch	true	"fields to change"
//	@Success		200		{object}	Program
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/programs/{id} [patch]
func (h *handlers) patchProgram(c echo.Context) error {
	var in ProgramPatch
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := h.svc.Programs.UpdateProgram(c.Request().Context(), c.Param("id"), in.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toProgram(p))
}

// deleteProgram godoc
//
//	@Summary	Delete a program with its parties, agreements, budgets, activities and targets
//	@Tags		programs
//	@Security	BearerKey
//	@Param		id	path	string	true	"program id"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/programs/{id} [delete]
func (h *handlers) deleteProgram(c echo.Context) error {
	if err := h.svc.Programs.DeleteProgram(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listParties godoc
//
//	@Summary	List a program's parties, in the order they were added
//	@Tags		programs
//	@Produce	json,text/csv
//	@Param		id		path		string	true	"program id"
//	@Param		fields	query		string	false	"comma-separated fields to return"
//	@Param		format	query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit	query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset	query		int		false	"rows to skip"								default(0)
//	@Success	200		{object}	PartyList
//	@Header		200		{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/programs/{id}/parties [get]
func (h *handlers) listParties(c echo.Context) error {
	q := &query{c: c}
	page := q.page()
	out := newListOut[Party](q)
	if q.err != nil {
		return q.err
	}
	ps, err := h.svc.Programs.Parties(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return out.write(c, convert(window(ps, page), toParty), page, len(ps))
}

// window returns the part of items a page covers.
func window[T any](items []T, page paging.Page) []T {
	start := min(page.Offset, len(items))
	return items[start:min(start+page.Limit, len(items))]
}

// addParty godoc
//
//	@Summary		Add a party to a program
//	@Description	422 when the program's rules would break: a second lead (naming role), the same province or agency twice in one role, or an unknown province or agency.
//	@Tags			programs
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id		path		string		true	"program id"
//	@Param			body	body		PartyInput	true	"the new party"
//	@Success		201		{object}	Party
//	@Header			201		{string}	Location	"the path of the new party"
//	@Header			201		{string}	ETag		"the new party's state, as its GET and If-Match take it"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/programs/{id}/parties [post]
func (h *handlers) addParty(c echo.Context) error {
	var in PartyInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := h.svc.Programs.AddParty(c.Request().Context(), c.Param("id"), in.toDomain())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/programs/"+p.ProgramID+"/parties/"+p.ID)
	return c.JSON(http.StatusCreated, toParty(p))
}

// getParty godoc
//
//	@Summary		Get one party of a program
//	@Description	Its ETag is the one If-Match is checked against when the party is removed.
//	@Tags			programs
//	@Produce		json
//	@Param			id			path		string	true	"program id"
//	@Param			party_id	path		string	true	"party id"
//	@Success		200			{object}	Party
//	@Header			200			{string}	ETag	"the party's state"
//	@Failure		401			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/programs/{id}/parties/{party_id} [get]
func (h *handlers) getParty(c echo.Context) error {
	p, err := h.svc.Programs.Party(c.Request().Context(), c.Param("id"), c.Param("party_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toParty(p))
}

// removeParty godoc
//
//	@Summary		Remove a party from a program
//	@Description	422 (naming party_id) when the program would be left without its lead, an inter_provincial program with fewer than two provinces, or a budget line without its payer among the parties.
//	@Tags			programs
//	@Security		BearerKey
//	@Param			id			path	string	true	"program id"
//	@Param			party_id	path	string	true	"party id"
//	@Success		204
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		422	{object}	Problem
//	@Router			/v1/programs/{id}/parties/{party_id} [delete]
func (h *handlers) removeParty(c echo.Context) error {
	if err := h.svc.Programs.RemoveParty(c.Request().Context(), c.Param("id"), c.Param("party_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// requireInt64 reports a missing required number as a rule violation.
func requireInt64(field string, v *int64) (int64, error) {
	if v == nil {
		return 0, apperr.Invalidf(field, "is required")
	}
	return *v, nil
}
