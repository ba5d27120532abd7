package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/cooperation"
)

// Budget is one budget line of a program: what a paying party planned,
// revised, disbursed or spent in a year, in rupiah, from one source.
type Budget struct {
	ID           string    `json:"id" validate:"required"`
	Year         int       `json:"year" validate:"required" example:"2025"`
	ProvinceCode *string   `json:"province_code" validate:"required" extensions:"x-nullable" example:"64"`
	AgencyID     *string   `json:"agency_id" validate:"required" extensions:"x-nullable"`
	PayerName    string    `json:"payer_name" validate:"required" example:"Kalimantan Timur"`
	Kind         string    `json:"kind" validate:"required" enums:"planned,revised,disbursed,spent" example:"planned"`
	AmountIDR    int64     `json:"amount_idr" validate:"required" example:"1500000000"`
	Source       string    `json:"source" validate:"required" enums:"apbd,apbn,dana_desa,csr,other" example:"apbd"`
	CreatedAt    time.Time `json:"created_at" validate:"required"`
	UpdatedAt    time.Time `json:"updated_at" validate:"required"`
} //	@name	Budget

// BudgetInput is a new budget line. The payer is a party of the program:
// province_code or agency_id, not both.
type BudgetInput struct {
	Year         int    `json:"year" example:"2025"`
	ProvinceCode string `json:"province_code,omitempty" example:"64"`
	AgencyID     string `json:"agency_id,omitempty"`
	Kind         string `json:"kind" enums:"planned,revised,disbursed,spent" example:"planned"`
	AmountIDR    *int64 `json:"amount_idr" example:"1500000000"`
	Source       string `json:"source" enums:"apbd,apbn,dana_desa,csr,other" example:"apbd"`
} //	@name	BudgetInput

// BudgetPatch changes a budget line; giving province_code or agency_id
// names a new payer.
type BudgetPatch struct {
	Year         *int    `json:"year,omitempty"`
	ProvinceCode *string `json:"province_code,omitempty"`
	AgencyID     *string `json:"agency_id,omitempty"`
	Kind         *string `json:"kind,omitempty" enums:"planned,revised,disbursed,spent"`
	AmountIDR    *int64  `json:"amount_idr,omitempty" example:"1750000000"`
	Source       *string `json:"source,omitempty" enums:"apbd,apbn,dana_desa,csr,other"`
} //	@name	BudgetPatch

// Activity is something a program did on a day.
type Activity struct {
	ID           string    `json:"id" validate:"required"`
	Date         string    `json:"date" validate:"required" format:"date" example:"2023-08-07"`
	Kind         string    `json:"kind" validate:"required" enums:"rakor,kunjungan_kerja,pelatihan,sosialisasi,monitoring,other" example:"rakor"`
	Title        string    `json:"title" validate:"required" example:"Rapat koordinasi kerja sama Desa Berdaya"`
	Venue        string    `json:"venue" validate:"required" example:"Swiss-Belhotel Balikpapan"`
	RegionCode   *string   `json:"region_code" validate:"required" extensions:"x-nullable" example:"64.71"`
	RegionName   *string   `json:"region_name" validate:"required" extensions:"x-nullable" example:"Kota Balikpapan"`
	Summary      string    `json:"summary" validate:"required"`
	Participants *int      `json:"participants" validate:"required" extensions:"x-nullable" example:"40"`
	CreatedAt    time.Time `json:"created_at" validate:"required"`
	UpdatedAt    time.Time `json:"updated_at" validate:"required"`
} //	@name	Activity

// ActivityInput is a new activity. region_code is a region of any level.
type ActivityInput struct {
	Date         string `json:"date" format:"date" example:"2023-08-10"`
	Kind         string `json:"kind" enums:"rakor,kunjungan_kerja,pelatihan,sosialisasi,monitoring,other" example:"kunjungan_kerja"`
	Title        string `json:"title" example:"Kunjungan kerja ke Dinas PMD Provinsi Jawa Timur"`
	Venue        string `json:"venue,omitempty" example:"Hotel Swiss-Belinn Tunjungan Surabaya"`
	RegionCode   string `json:"region_code,omitempty" example:"35.78"`
	Summary      string `json:"summary,omitempty"`
	Participants *int   `json:"participants,omitempty" example:"25"`
} //	@name	ActivityInput

// ActivityPatch changes an activity; "" clears venue, region_code and
// summary, null clears region_code and participants.
type ActivityPatch struct {
	Date         *string          `json:"date,omitempty" format:"date"`
	Kind         *string          `json:"kind,omitempty" enums:"rakor,kunjungan_kerja,pelatihan,sosialisasi,monitoring,other"`
	Title        *string          `json:"title,omitempty"`
	Venue        *string          `json:"venue,omitempty"`
	RegionCode   Nullable[string] `json:"region_code,omitempty" swaggertype:"string" extensions:"x-nullable"`
	Summary      *string          `json:"summary,omitempty"`
	Participants Nullable[int]    `json:"participants,omitempty" swaggertype:"integer" extensions:"x-nullable"`
} //	@name	ActivityPatch

// List answers.
type (
	BudgetList struct {
		Data []Budget `json:"data" validate:"required"`
		Page Page     `json:"page" validate:"required"`
	} //	@name	BudgetList
	ActivityList struct {
		Data []Activity `json:"data" validate:"required"`
		Page Page       `json:"page" validate:"required"`
	} //	@name	ActivityList
)

func toBudget(b cooperation.Budget) Budget {
	return Budget{ID: b.ID, Year: b.Year, ProvinceCode: optional(b.ProvinceCode), AgencyID: optional(b.AgencyID),
		PayerName: b.PayerName, Kind: b.Kind, AmountIDR: b.AmountIDR, Source: b.Source, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

func (in BudgetInput) toDomain() (cooperation.Budget, error) {
	amount, err := requireInt64("amount_idr", in.AmountIDR)
	return cooperation.Budget{Year: in.Year, ProvinceCode: in.ProvinceCode, AgencyID: in.AgencyID, Kind: in.Kind,
		AmountIDR: amount, Source: in.Source}, err
}

func (in BudgetPatch) toDomain() cooperation.BudgetPatch {
	return cooperation.BudgetPatch{Year: in.Year, ProvinceCode: in.ProvinceCode, AgencyID: in.AgencyID, Kind: in.Kind,
		Source: in.Source, AmountIDR: in.AmountIDR}
}

func toActivity(a cooperation.Activity) Activity {
	return Activity{ID: a.ID, Date: a.Date, Kind: a.Kind, Title: a.Title, Venue: a.Venue, RegionCode: optional(a.RegionCode),
		RegionName: optional(a.RegionName), Summary: a.Summary, Participants: a.Participants, CreatedAt: a.CreatedAt,
		UpdatedAt: a.UpdatedAt}
}

func (in ActivityInput) toDomain() cooperation.Activity {
	return cooperation.Activity{Date: in.Date, Kind: in.Kind, Title: in.Title, Venue: in.Venue, RegionCode: in.RegionCode,
		Summary: in.Summary, Participants: in.Participants}
}

func (in ActivityPatch) toDomain() cooperation.ActivityPatch {
	out := cooperation.ActivityPatch{Date: in.Date, Kind: in.Kind, Title: in.Title, Venue: in.Venue,
		RegionCode: in.RegionCode.Or(""), Summary: in.Summary}
	if p := in.Participants; p.Set {
		out.SetParticipants = true
		if !p.Null {
			out.Participants = &p.Value
		}
	}
	return out
}

// years parses a comma list of years.
func (q *query) years(name string) []int {
	var out []int
	for _, s := range q.list(name) {
		y, err := strconv.Atoi(s)
		if err != nil || y < 1900 || y > 2100 {
			q.fail(apperr.BadParam(name, "must be years such as 2025 (comma = any of), got %q", s))
			return nil
		}
		out = append(out, y)
	}
	return out
}

// listBudgets godoc
//
//	@Summary	List a program's budget lines
//	@Tags		programs
//	@Produce	json,text/csv
//	@Param		id		path		string	true	"program id"
//	@Param		year	query		string	false	"year(s), comma = any of"	example(2025)
//	@Param		kind	query		string	false	"kind(s), comma = any of: planned, revised, disbursed, spent"
//	@Param		sort	query		string	false	"year, kind, amount_idr, created_at; prefix - for descending"	default(year)
//	@Param		fields	query		string	false	"comma-separated fields to return"
//	@Param		format	query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit	query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset	query		int		false	"rows to skip"								default(0)
//	@Success	200		{object}	BudgetList
//	@Header		200		{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/programs/{id}/budgets [get]
func (h *handlers) listBudgets(c echo.Context) error {
	q := &query{c: c}
	f := cooperation.BudgetFilter{Year: q.years("year"), Kind: q.enum("kind", cooperation.BudgetKinds),
		Sort: q.sort(cooperation.BudgetSortFields), Page: q.page()}
	out := newListOut[Budget](q)
	if q.err != nil {
		return q.err
	}
	bs, total, err := h.svc.Programs.Budgets(c.Request().Context(), c.Param("id"), f)
	if err != nil {
		return err
	}
	return out.write(c, convert(bs, toBudget), f.Page, total)
}

// addBudget godoc
//
//	@Summary		Add a budget line to a program
//	@Description	422 (naming the field) when the payer is not a party of the program, the amount is negative or above 10^15, the program's lines would add up to more than 10^18 rupiah, or the year, kind or source is unknown.
//	@Tags			programs
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id		path		string		true	"program id"
//	@Param			body	body		BudgetInput	true	"the new budget line"
//	@Success		201		{object}	Budget
//	@Header			201		{string}	Location	"the path of the new budget line"
//	@Header			201		{string}	ETag		"the new budget line's state, as its GET and If-Match take it"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/programs/{id}/budgets [post]
func (h *handlers) addBudget(c echo.Context) error {
	var in BudgetInput
	if err := bind(c, &in); err != nil {
		return err
	}
	b, err := in.toDomain()
	if err != nil {
		return err
	}
	if b, err = h.svc.Programs.AddBudget(c.Request().Context(), c.Param("id"), b); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/programs/"+b.ProgramID+"/budgets/"+b.ID)
	return c.JSON(http.StatusCreated, toBudget(b))
}

// getBudget godoc
//
//	@Summary		Get one budget line of a program
//	@Description	Its ETag is the one If-Match is checked against by PATCH and DELETE.
//	@Tags			programs
//	@Produce		json
//	@Param			id			path		string	true	"program id"
//	@Param			budget_id	path		string	true	"budget line id"
//	@Success		200			{object}	Budget
//	@Header			200			{string}	ETag	"the budget line's state"
//	@Failure		401			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/programs/{id}/budgets/{budget_id} [get]
func (h *handlers) getBudget(c echo.Context) error {
	b, err := h.svc.Programs.Budget(c.Request().Context(), c.Param("id"), c.Param("budget_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toBudget(b))
}

// patchBudget godoc
//
//	@Summary		Change a budget line
//	@Description	422 as for a new line: among others, when the program's lines would add up to more than 10^18 rupiah.
//	@Tags			programs
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id			path		string		true	"program id"
//	@Param			budget_id	path		string		true	"budget line id"
//	@Param			body		body		BudgetPatch	true	"fields to change"
//	@Success		200			{object}	Budget
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/programs/{id}/budgets/{budget_id} [patch]
func (h *handlers) patchBudget(c echo.Context) error {
	var in BudgetPatch
	if err := bind(c, &in); err != nil {
		return err
	}
	b, err := h.svc.Programs.UpdateBudget(c.Request().Context(), c.Param("id"), c.Param("budget_id"), in.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toBudget(b))
}

// deleteBudget godoc
//
//	@Summary	Delete a budget line
//	@Tags		programs
//	@Security	BearerKey
//	@Param		id			path	string	true	"program id"
//	@Param		budget_id	path	string	true	"budget line id"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/programs/{id}/budgets/{budget_id} [delete]
func (h *handlers) deleteBudget(c echo.Context) error {
	if err := h.svc.Programs.DeleteBudget(c.Request().Context(), c.Param("id"), c.Param("budget_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listActivities godoc
//
//	@Summary	List a program's activities
//	@Tags		programs
//	@Produce	json,text/csv
//	@Param		id		path		string	true	"program id"
//	@Param		kind	query		string	false	"kind(s), comma = any of: rakor, kunjungan_kerja, pelatihan, sosialisasi, monitoring, other"
//	@Param		sort	query		string	false	"date, kind, title, created_at; prefix - for descending"	default(date)
//	@Param		fields	query		string	false	"comma-separated fields to return"
//	@Param		format	query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit	query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset	query		int		false	"rows to skip"								default(0)
//	@Success	200		{object}	ActivityList
//	@Header		200		{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/programs/{id}/activities [get]
func (h *handlers) listActivities(c echo.Context) error {
	q := &query{c: c}
	f := cooperation.ActivityFilter{Kind: q.enum("kind", cooperation.ActivityKinds),
		Sort: q.sort(cooperation.ActivitySortFields), Page: q.page()}
	out := newListOut[Activity](q)
	if q.err != nil {
		return q.err
	}
	as, total, err := h.svc.Programs.Activities(c.Request().Context(), c.Param("id"), f)
	if err != nil {
		return err
	}
	return out.write(c, convert(as, toActivity), f.Page, total)
}

// addActivity godoc
//
//	@Summary		Record an activity of a program
//	@Description	422 (naming the field) for a bad date, an unknown kind, a region_code of no existing region, or a participant count below 0 or above 1,000,000.
//	@Tags			programs
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id		path		string			true	"program id"
//	@Param			body	body		ActivityInput	true	"the new activity"
//	@Success		201		{object}	Activity
//	@Header			201		{string}	Location	"the path of the new activity"
//	@Header			201		{string}	ETag		"the new activity's state, as its GET and If-Match take it"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/programs/{id}/activities [post]
func (h *handlers) addActivity(c echo.Context) error {
	var in ActivityInput
	if err := bind(c, &in); err != nil {
		return err
	}
	a, err := h.svc.Programs.AddActivity(c.Request().Context(), c.Param("id"), in.toDomain())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/programs/"+a.ProgramID+"/activities/"+a.ID)
	return c.JSON(http.StatusCreated, toActivity(a))
}

// getActivity godoc
//
//	@Summary		Get one activity of a program
//	@Description	Its ETag is the one If-Match is checked against by PATCH and DELETE.
//	@Tags			programs
//	@Produce		json
//	@Param			id			path		string	true	"program id"
//	@Param			activity_id	path		string	true	"activity id"
//	@Success		200			{object}	Activity
//	@Header			200			{string}	ETag	"the activity's state"
//	@Failure		401			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/programs/{id}/activities/{activity_id} [get]
func (h *handlers) getActivity(c echo.Context) error {
	a, err := h.svc.Programs.Activity(c.Request().Context(), c.Param("id"), c.Param("activity_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toActivity(a))
}

// patchActivity godoc
//
//	@Summary	Change an activity
//	@Tags		programs
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		id			path		string			true	"program id"
//	@Param		activity_id	path		string			true	"activity id"
//	@Param		body		body		ActivityPatch	true	"fields to change"
//	@Success	200			{object}	Activity
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Failure	403			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Failure	422			{object}	Problem
//	@Router		/v1/programs/{id}/activities/{activity_id} [patch]
func (h *handlers) patchActivity(c echo.Context) error {
	var in ActivityPatch
	if err := bind(c, &in); err != nil {
		return err
	}
	a, err := h.svc.Programs.UpdateActivity(c.Request().Context(), c.Param("id"), c.Param("activity_id"), in.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toActivity(a))
}

// deleteActivity godoc
//
//	@Summary	Delete an activity
//	@Tags		programs
//	@Security	BearerKey
//	@Param		id			path	string	true	"program id"
//	@Param		activity_id	path	string	true	"activity id"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/programs/{id}/activities/{activity_id} [delete]
func (h *handlers) deleteActivity(c echo.Context) error {
	if err := h.svc.Programs.DeleteActivity(c.Request().Context(), c.Param("id"), c.Param("activity_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
