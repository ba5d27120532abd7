package httpapi

import (
	"net/http"
	"reflect"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/region"
)

// TargetVillage is a village a program targets: its baseline as recorded
// when it was added (the program's framework and baseline year), its target,
// and its current score (the latest year it has one).
type TargetVillage struct {
	VillageCode    string     `json:"village_code" validate:"required" example:"64.02.05.2004"`
	VillageName    string     `json:"village_name" validate:"required" example:"Long Lalang"`
	VillageType    string     `json:"village_type" validate:"required" enums:"desa,kelurahan,desa_adat" example:"desa"`
	DistrictCode   string     `json:"district_code" validate:"required" example:"64.02.05"`
	RegencyCode    string     `json:"regency_code" validate:"required" example:"64.02"`
	ProvinceCode   string     `json:"province_code" validate:"required" example:"64"`
	BaselineYear   int        `json:"baseline_year" validate:"required" example:"2024"`
	BaselineScore  *fixed.Dec `json:"baseline_score" validate:"required" extensions:"x-nullable" swaggertype:"number" example:"0.5712"`
	BaselineStatus *string    `json:"baseline_status" validate:"required" extensions:"x-nullable" example:"tertinggal"`
	TargetStatus   *string    `json:"target_status" validate:"required" extensions:"x-nullable" example:"berkembang"`
	TargetYear     *int       `json:"target_year" validate:"required" extensions:"x-nullable" example:"2027"`
	CurrentYear    *int       `json:"current_year" validate:"required" extensions:"x-nullable" example:"2024"`
	CurrentScore   *fixed.Dec `json:"current_score" validate:"required" extensions:"x-nullable" swaggertype:"number" example:"0.5712"`
	CurrentStatus  *string    `json:"current_status" validate:"required" extensions:"x-nullable" example:"tertinggal"`
	AddedAt        time.Time  `json:"added_at" validate:"required"`
} //	@name	TargetVillage

// TargetVillageList is a page of a program's target villages.
type TargetVillageList struct {
	Data []TargetVillage `json:"data" validate:"required"`
	Page Page            `json:"page" validate:"required"`
} //	@name	TargetVillageList

// TargetRequest adds target villages: codes, or a filter (not both).
// target_status defaults, per village, to the status one step above its
// baseline status.
type TargetRequest struct {
	Codes        []string      `json:"codes,omitempty" example:"64.02.05.2004,6402052005"`
	Filter       *TargetFilter `json:"filter,omitempty"`
	TargetStatus string        `json:"target_status,omitempty" example:"berkembang"`
	TargetYear   int           `json:"target_year,omitempty" example:"2027"`
} //	@name	TargetRequest

// TargetFilter selects the villages of an area (at least one of province,
// regency, district), optionally those with one of some statuses in a
// framework and year (defaults: the program's framework and baseline year).
// Kelurahan are left out where the program's framework scores desa only.
type TargetFilter struct {
	Province  string   `json:"province,omitempty" example:"64"`
	Regency   string   `json:"regency,omitempty"`
	District  string   `json:"district,omitempty"`
	Framework string   `json:"framework,omitempty" enums:"idm,indeks_desa,ipd" example:"idm"`
	Year      int      `json:"year,omitempty" example:"2024"`
	Status    []string `json:"status,omitempty" example:"tertinggal,sangat_tertinggal"`
} //	@name	TargetFilter

// TargetReport says what adding targets did.
type TargetReport struct {
	Requested       int `json:"requested" validate:"required" example:"4"`
	Added           int `json:"added" validate:"required" example:"4"`
	AlreadyTargeted int `json:"already_targeted" validate:"required" example:"0"`
	WithoutBaseline int `json:"without_baseline" validate:"required" example:"0"`
	Total           int `json:"total" validate:"required" example:"4"`
} //	@name	TargetReport

func toTargetVillage(t cooperation.Target) TargetVillage {
	out := TargetVillage{VillageCode: t.VillageCode, VillageName: t.VillageName, VillageType: t.VillageType,
		DistrictCode: t.DistrictCode, RegencyCode: t.RegencyCode, ProvinceCode: t.ProvinceCode, BaselineYear: t.BaselineYear,
		BaselineScore: t.BaselineScore, BaselineStatus: optional(t.BaselineStatus), TargetStatus: optional(t.TargetStatus),
		CurrentScore: t.CurrentScore, CurrentStatus: optional(t.CurrentStatus), AddedAt: t.CreatedAt}
	if t.TargetYear != 0 {
		out.TargetYear = &t.TargetYear
	}
	if t.CurrentYear != 0 {
		out.CurrentYear = &t.CurrentYear
	}
	return out
}

func (in TargetRequest) toDomain() cooperation.TargetRequest {
	out := cooperation.TargetRequest{Codes: in.Codes, TargetStatus: in.TargetStatus, TargetYear: in.TargetYear}
	if f := in.Filter; f != nil {
		out.Filter = &cooperation.VillageFilter{Province: f.Province, Regency: f.Regency, District: f.District,
			Framework: f.Framework, Year: f.Year, Status: f.Status}
	}
	return out
}

func toTargetReport(r cooperation.TargetReport) TargetReport {
	return TargetReport(r)
}

// listTargets godoc
//
//	@Summary	List a program's target villages with baseline and current status
//	@Tags		programs
//	@Produce	json,text/csv
//	@Param		id				path		string	true	"program id"
//	@Param		regency			query		string	false	"regency code(s), comma = any of"
//	@Param		baseline_status	query		string	false	"baseline status(es) of the program's framework, comma = any of (400 for an unknown one)"
//	@Param		sort			query		string	false	"village_code, baseline_score, current_score; prefix - for descending"	default(village_code)
//	@Param		fields			query		string	false	"comma-separated fields to return"
//	@Param		format			query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit			query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset			query		int		false	"rows to skip"								default(0)
//	@Success	200				{object}	TargetVillageList
//	@Header		200				{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400				{object}	Problem
//	@Failure	401				{object}	Problem
//	@Failure	404				{object}	Problem
//	@Router		/v1/programs/{id}/villages [get]
func (h *handlers) listTargets(c echo.Context) error {
	q := &query{c: c}
	f := cooperation.TargetFilter{Regency: q.codes("regency", region.LevelRegency), BaselineStatus: q.list("baseline_status"),
		Sort: q.sort(cooperation.TargetSortFields), Page: q.page()}
	out := newListOut[TargetVillage](q)
	if q.err != nil {
		return q.err
	}
	ts, total, err := h.svc.Programs.Targets(c.Request().Context(), c.Param("id"), f)
	if err != nil {
		return err
	}
	return out.write(c, convert(ts, toTargetVillage), f.Page, total)
}

// addTargets godoc
//
//	@Summary		Add target villages by code or by filter
//	@Description	Records each village's baseline score and status in the program's framework and baseline_year (from the scores); a village already targeted stays as it was. {"codes":[…]} names villages (at most 10,000; 422 naming each unknown code, or a kelurahan where the framework scores desa only); {"filter":{…}} selects them, e.g. {"filter":{"province":"64","status":["tertinggal","sangat_tertinggal"]}}. The program needs a baseline_year (422 otherwise). target_status defaults to the status one step above each village's baseline; one given must be above the baseline status of every village with one (422 naming target_status otherwise), except that a village already at the top status (mandiri) may keep it.
//	@Tags			programs
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id		path		string			true	"program id"
//	@Param			body	body		TargetRequest	true	"codes or filter, and optionally target_status and target_year"
//	@Success		200		{object}	TargetReport
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/programs/{id}/villages [post]
func (h *handlers) addTargets(c echo.Context) error {
	var in TargetRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	rep, err := h.svc.Programs.AddTargets(c.Request().Context(), c.Param("id"), in.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTargetReport(rep))
}

// removeTarget godoc
//
//	@Summary	Remove a target village
//	@Tags		programs
//	@Security	BearerKey
//	@Param		id		path	string	true	"program id"
//	@Param		code	path	string	true	"village code, dotted or 10 digits"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/programs/{id}/villages/{code} [delete]
func (h *handlers) removeTarget(c echo.Context) error {
	if err := h.svc.Programs.RemoveTarget(c.Request().Context(), c.Param("id"), c.Param("code")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// Outcome compares a program's target villages with a comparison group
// between the program's baseline year and year, from live scores.
type Outcome struct {
	ProgramID    string            `json:"program_id" validate:"required"`
	Framework    string            `json:"framework" validate:"required" example:"idm"`
	BaselineYear *int              `json:"baseline_year" validate:"required" extensions:"x-nullable" example:"2021"`
	Year         int               `json:"year" validate:"required" example:"2024"`
	Targets      OutcomeGroup      `json:"targets" validate:"required"`
	Comparison   OutcomeGroup      `json:"comparison" validate:"required"`
	Difference   OutcomeDifference `json:"difference" validate:"required"`
} //	@name	Outcome

// OutcomeGroup holds one group's figures. compared villages have a status
// in both years; the others are counted as missing (missing_baseline,
// missing_year, or both), never dropped. The status counts cover every
// status of the framework.
type OutcomeGroup struct {
	N               int            `json:"n" validate:"required" example:"20"`
	Compared        int            `json:"compared" validate:"required" example:"18"`
	Missing         int            `json:"missing" validate:"required" example:"2"`
	MissingBaseline int            `json:"missing_baseline" validate:"required" example:"1"`
	MissingYear     int            `json:"missing_year" validate:"required" example:"1"`
	BaselineStatus  map[string]int `json:"baseline_status" validate:"required"`
	YearStatus      map[string]int `json:"year_status" validate:"required"`
	MovedUp         int            `json:"moved_up" validate:"required" example:"9"`
	Unchanged       int            `json:"unchanged" validate:"required" example:"8"`
	MovedDown       int            `json:"moved_down" validate:"required" example:"1"`
	ReachedTarget   int            `json:"reached_target" validate:"required" example:"9"`
	ShareMovedUp    *fixed.Dec     `json:"share_moved_up" validate:"required" extensions:"x-nullable" swaggertype:"number" example:"0.5000"`
	MeanScoreChange *fixed.Dec     `json:"mean_score_change" validate:"required" extensions:"x-nullable" swaggertype:"number" example:"0.0412"`
	ScoreCompared   int            `json:"score_compared" validate:"required" example:"18"`
} //	@name	OutcomeGroup

// OutcomeDifference is targets minus comparison, with the compared n of
// each group.
type OutcomeDifference struct {
	ShareMovedUp    *fixed.Dec `json:"share_moved_up" validate:"required" extensions:"x-nullable" swaggertype:"number" example:"0.2500"`
	MeanScoreChange *fixed.Dec `json:"mean_score_change" validate:"required" extensions:"x-nullable" swaggertype:"number" example:"0.0150"`
	NTargets        int        `json:"n_targets" validate:"required" example:"18"`
	NComparison     int        `json:"n_comparison" validate:"required" example:"240"`
} //	@name	OutcomeDifference

// outcomeRow is one CSV row of an outcome: targets, comparison or
// difference (which fills only the difference columns and the n's).
type outcomeRow struct {
	Group           string          `json:"group"`
	N               *int            `json:"n"`
	Compared        *int            `json:"compared"`
	Missing         *int            `json:"missing"`
	MissingBaseline *int            `json:"missing_baseline"`
	MissingYear     *int            `json:"missing_year"`
	BaselineStatus  *map[string]int `json:"baseline_status"`
	YearStatus      *map[string]int `json:"year_status"`
	MovedUp         *int            `json:"moved_up"`
	Unchanged       *int            `json:"unchanged"`
	MovedDown       *int            `json:"moved_down"`
	ReachedTarget   *int            `json:"reached_target"`
	ShareMovedUp    *fixed.Dec      `json:"share_moved_up"`
	MeanScoreChange *fixed.Dec      `json:"mean_score_change"`
	ScoreCompared   *int            `json:"score_compared"`
	NTargets        *int            `json:"n_targets"`
	NComparison     *int            `json:"n_comparison"`
}

func toOutcomeGroup(g cooperation.Group) OutcomeGroup {
	return OutcomeGroup{N: g.N, Compared: g.Compared, Missing: g.Missing, MissingBaseline: g.MissingBaseline,
		MissingYear: g.MissingYear, BaselineStatus: g.BaselineStatus, YearStatus: g.YearStatus, MovedUp: g.MovedUp,
		Unchanged: g.Unchanged, MovedDown: g.MovedDown, ReachedTarget: g.ReachedTarget, ShareMovedUp: g.ShareMovedUp,
		MeanScoreChange: g.MeanScoreChange, ScoreCompared: g.ScoreCompared}
}

func toOutcome(o cooperation.Outcome) Outcome {
	out := Outcome{ProgramID: o.ProgramID, Framework: o.Framework, Year: o.Year, Targets: toOutcomeGroup(o.Targets),
		Comparison: toOutcomeGroup(o.Comparison), Difference: OutcomeDifference{ShareMovedUp: o.Difference.ShareMovedUp,
			MeanScoreChange: o.Difference.MeanScoreChange, NTargets: o.Difference.NTargets, NComparison: o.Difference.NComparison}}
	if o.BaselineYear != 0 {
		out.BaselineYear = &o.BaselineYear
	}
	return out
}

func (g OutcomeGroup) row(name string) outcomeRow {
	return outcomeRow{Group: name, N: &g.N, Compared: &g.Compared, Missing: &g.Missing, MissingBaseline: &g.MissingBaseline,
		MissingYear: &g.MissingYear, BaselineStatus: &g.BaselineStatus, YearStatus: &g.YearStatus, MovedUp: &g.MovedUp,
		Unchanged: &g.Unchanged, MovedDown: &g.MovedDown, ReachedTarget: &g.ReachedTarget, ShareMovedUp: g.ShareMovedUp,
		MeanScoreChange: g.MeanScoreChange, ScoreCompared: &g.ScoreCompared}
}

// rows lays an outcome out as CSV rows: targets, comparison, difference.
func (o Outcome) rows() []outcomeRow {
	d := o.Difference
	return []outcomeRow{o.Targets.row("targets"), o.Comparison.row("comparison"),
		{Group: "difference", ShareMovedUp: d.ShareMovedUp, MeanScoreChange: d.MeanScoreChange,
			NTargets: &d.NTargets, NComparison: &d.NComparison}}
}

// getOutcome godoc
//
//	@Summary		Compare a program's targets with comparable villages between the baseline year and a year
//	@Description	From live scores in the program's framework. targets: every target village. comparison: villages the program does not target that lie in a regency with targets and share a target's baseline status there (matched per regency and status). For each: n, status counts at baseline and in year, moved_up/unchanged/moved_down (by status rank, among villages with a status in both years), reached_target (status in year at or above the target status; for comparison villages, one step above their baseline), share_moved_up and mean_score_change. Villages without a score in either year are counted as missing. difference = targets − comparison in share_moved_up and mean_score_change, with each group's compared n. CSV: one row per group (targets, comparison, difference); status counts are JSON cells.
//	@Tags			programs
//	@Produce		json,text/csv
//	@Param			id		path		string	true	"program id"
//	@Param			year	query		int		true	"the year to compare with the baseline year"	example(2024)
//	@Param			format	query		string	false	"json or csv (or send Accept: text/csv)"		Enums(json, csv)
//	@Success		200		{object}	Outcome
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Router			/v1/programs/{id}/outcomes [get]
func (h *handlers) getOutcome(c echo.Context) error {
	q := &query{c: c}
	if c.QueryParam("year") == "" {
		q.fail(apperr.BadParam("year", "is required: the year to compare with the program's baseline year"))
	}
	year := q.int("year", 0, 1900, 2100)
	csv := wantsCSV(q)
	if q.err != nil {
		return q.err
	}
	o, err := h.svc.Programs.Outcome(c.Request().Context(), c.Param("id"), year)
	if err != nil {
		return err
	}
	out := toOutcome(o)
	if csv {
		return writeCSV(c, columnsOf(reflect.TypeFor[outcomeRow]()), out.rows())
	}
	return c.JSON(http.StatusOK, out)
}
