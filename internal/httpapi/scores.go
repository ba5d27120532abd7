package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
)

// Framework describes a scoring framework and its statuses.
type Framework struct {
	Code              string        `json:"code" example:"idm"`
	Name              string        `json:"name" example:"Indeks Desa Membangun (IDM)"`
	Regulation        string        `json:"regulation" example:"Permendesa PDTT No. 2 Tahun 2016"`
	Publisher         string        `json:"publisher"`
	Description       string        `json:"description"`
	Min               fixed.Dec     `json:"min" swaggertype:"number" example:"0"`
	Max               fixed.Dec     `json:"max" swaggertype:"number" example:"1"`
	Components        []Component   `json:"components"`
	ScoreIsMean       bool          `json:"score_is_mean"`
	DerivesStatus     bool          `json:"derives_status"`
	KelurahanExcluded bool          `json:"kelurahan_excluded"`
	Statuses          []StatusLevel `json:"statuses"`
	FirstYear         int           `json:"first_year" example:"2015"`
	LastYear          int           `json:"last_year" example:"2024"`
} //	@name	Framework

// Component is one part of a framework's composite score.
type Component struct {
	Code    string `json:"code" example:"iks"`
	LabelID string `json:"label_id" example:"Indeks Ketahanan Sosial"`
	LabelEN string `json:"label_en" example:"Social Resilience Index"`
} //	@name	Component

// StatusLevel is a status with its upper bound (null at the top, or where
// the framework's thresholds are not confirmed).
type StatusLevel struct {
	Slug       string     `json:"slug" example:"tertinggal"`
	LabelID    string     `json:"label_id" example:"Tertinggal"`
	LabelEN    string     `json:"label_en" example:"Underdeveloped"`
	UpperBound *fixed.Dec `json:"upper_bound" swaggertype:"number" extensions:"x-nullable" example:"0.5989"`
} //	@name	StatusLevel

// FrameworkList lists the frameworks.
type FrameworkList struct {
	Data []Framework `json:"data"`
} //	@name	FrameworkList

func toFramework(f indicator.Framework) Framework {
	_, last := f.Years()
	out := Framework{Code: f.Code, Name: f.Name, Regulation: f.Regulation, Publisher: f.Publisher,
		Description: f.Description, Min: f.Min, Max: f.Max, Components: []Component{}, ScoreIsMean: f.ScoreIsMean,
		DerivesStatus: f.DerivesStatus, KelurahanExcluded: f.KelurahanExcluded, FirstYear: f.FirstYear, LastYear: last}
	for _, c := range f.Components {
		out.Components = append(out.Components, Component{c.Code, c.LabelID, c.LabelEN})
	}
	for _, s := range f.Statuses {
		out.Statuses = append(out.Statuses, StatusLevel{s.Slug, s.LabelID, s.LabelEN, s.Upper})
	}
	return out
}

// listFrameworks godoc
//
//	@Summary	List the scoring frameworks (IDM, Indeks Desa, IPD)
//	@Tags		indicators
//	@Produce	json
//	@Success	200	{object}	FrameworkList
//	@Failure	400	{object}	Problem
//	@Router		/v1/frameworks [get]
func (h *handlers) listFrameworks(c echo.Context) error {
	out := FrameworkList{}
	for _, f := range indicator.Frameworks() {
		out.Data = append(out.Data, toFramework(f))
	}
	return c.JSON(http.StatusOK, out)
}

// getFramework godoc
//
//	@Summary	Get a scoring framework with its components and status thresholds
//	@Tags		indicators
//	@Produce	json
//	@Param		code	path		string	true	"framework code"	Enums(idm, indeks_desa, ipd)
//	@Success	200		{object}	Framework
//	@Failure	400		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/frameworks/{code} [get]
func (h *handlers) getFramework(c echo.Context) error {
	f, err := indicator.FrameworkByCode(c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toFramework(f))
}

// ScoreComponents are the component values of a score; each framework uses
// its own (IDM: iks, ike, ikl; Indeks Desa: its six dimensions).
type ScoreComponents struct {
	Iks           *fixed.Dec `json:"iks,omitempty" swaggertype:"number" example:"0.8000"`
	Ike           *fixed.Dec `json:"ike,omitempty" swaggertype:"number" example:"0.9000"`
	Ikl           *fixed.Dec `json:"ikl,omitempty" swaggertype:"number" example:"0.5333"`
	LayananDasar  *fixed.Dec `json:"layanan_dasar,omitempty" swaggertype:"number"`
	Sosial        *fixed.Dec `json:"sosial,omitempty" swaggertype:"number"`
	Ekonomi       *fixed.Dec `json:"ekonomi,omitempty" swaggertype:"number"`
	Lingkungan    *fixed.Dec `json:"lingkungan,omitempty" swaggertype:"number"`
	Aksesibilitas *fixed.Dec `json:"aksesibilitas,omitempty" swaggertype:"number"`
	TataKelola    *fixed.Dec `json:"tata_kelola,omitempty" swaggertype:"number"`
}

func (sc *ScoreComponents) fields() map[string]**fixed.Dec {
	return map[string]**fixed.Dec{"iks": &sc.Iks, "ike": &sc.Ike, "ikl": &sc.Ikl, "layanan_dasar": &sc.LayananDasar,
		"sosial": &sc.Sosial, "ekonomi": &sc.Ekonomi, "lingkungan": &sc.Lingkungan,
		"aksesibilitas": &sc.Aksesibilitas, "tata_kelola": &sc.TataKelola}
}

// Score is a village's score in one framework and year. status is the
// published status (the derived one when none was published);
// derived_status is what the framework's thresholds give; status_disagrees
// flags a difference, which is kept as published.
type Score struct {
	VillageCode string `json:"village_code" example:"62.13.06.2003"`
	Framework   string `json:"framework" example:"idm"`
	Year        int    `json:"year" example:"2024"`
	ScoreComponents
	Score           *fixed.Dec `json:"score" swaggertype:"number" extensions:"x-nullable" example:"0.7410"`
	Status          *string    `json:"status" extensions:"x-nullable" example:"berkembang"`
	DerivedStatus   *string    `json:"derived_status" extensions:"x-nullable" example:"maju"`
	StatusDisagrees bool       `json:"status_disagrees" example:"true"`
	Source          string     `json:"source" example:"Kepmendesa PDTT 2024"`
	ImportID        *string    `json:"import_id" extensions:"x-nullable"`
	UpdatedAt       time.Time  `json:"updated_at"`
} //	@name	Score

// ScoreList lists a village's scores, ascending by year.
type ScoreList struct {
	Data []Score `json:"data"`
} //	@name	ScoreList

// ScoreInput is the body of a score upsert. For IDM the components alone
// suffice: the score is their mean and the status follows from it. It must
// carry something: IDM its score or every component, IPD its score, Indeks
// Desa a status, a score or a component (422 otherwise).
type ScoreInput struct {
	ScoreComponents
	Score  *fixed.Dec `json:"score,omitempty" swaggertype:"number" example:"0.7444"`
	Status string     `json:"status,omitempty" example:"maju"`
	Source string     `json:"source,omitempty" example:"Kepmendesa PDTT 2024"`
} //	@name	ScoreInput

func toScore(s indicator.Score) Score {
	out := Score{VillageCode: s.VillageCode, Framework: s.Framework, Year: s.Year, Score: s.Score,
		Status: optional(s.Status), DerivedStatus: optional(s.DerivedStatus), StatusDisagrees: s.Disagrees(),
		Source: s.Source, ImportID: optional(s.ImportID), UpdatedAt: s.UpdatedAt}
	for code, f := range out.ScoreComponents.fields() {
		if v, ok := s.Components[code]; ok {
			*f = &v
		}
	}
	return out
}

// villageScores godoc
//
//	@Summary	List a village's scores, ascending by year
//	@Tags		indicators
//	@Produce	json
//	@Param		code		path		string	true	"village code"			example(62.13.06.2003)
//	@Param		framework	query		string	false	"only this framework"	Enums(idm, indeks_desa, ipd)
//	@Success	200			{object}	ScoreList
//	@Failure	400			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Router		/v1/villages/{code}/scores [get]
func (h *handlers) villageScores(c echo.Context) error {
	scores, err := h.svc.Indicators.Scores(c.Request().Context(), c.Param("code"), c.QueryParam("framework"))
	if err != nil {
		return err
	}
	out := ScoreList{Data: make([]Score, len(scores))}
	for i, s := range scores {
		out.Data[i] = toScore(s)
	}
	return c.JSON(http.StatusOK, out)
}

// getScore godoc
//
//	@Summary		Get a village's score for a framework and year
//	@Description	The score as a PUT of it answers, with the ETag that PUT's If-Match checks.
//	@Tags			indicators
//	@Produce		json
//	@Param			code		path		string	true	"village code, dotted or 10 digits"	example(62.13.06.2003)
//	@Param			framework	path		string	true	"framework"							Enums(idm, indeks_desa, ipd)
//	@Param			year		path		int		true	"year"								example(2024)
//	@Success		200			{object}	Score
//	@Header			200			{string}	ETag	"send it back in If-Match to replace exactly this state"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/villages/{code}/scores/{framework}/{year} [get]
func (h *handlers) getScore(c echo.Context) error {
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	s, err := h.svc.Indicators.Score(c.Request().Context(), c.Param("code"), c.Param("framework"), year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toScore(s))
}

// putScore godoc
//
//	@Summary		Create or replace a village's score for a framework and year
//	@Description	A score carries something: for idm its score or all of iks, ike and ikl (the score is then their mean); for ipd its score (both derive the status from the score); for indeks_desa a published status, a score or a dimension. A body with none is a 422 naming the missing field. A province-restricted key writes only villages of its provinces (403 elsewhere). A score with the same figures and status as the stored one leaves it (and its source) as it is, as an import of it reports it unchanged.
//	@Tags			indicators
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			code		path		string		true	"village code"
//	@Param			framework	path		string		true	"framework"	Enums(idm, indeks_desa, ipd)
//	@Param			year		path		int			true	"year"
//	@Param			body		body		ScoreInput	true	"components, and optionally score, status and source"
//	@Success		200			{object}	Score		"replaced"
//	@Success		201			{object}	Score		"created"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/villages/{code}/scores/{framework}/{year} [put]
func (h *handlers) putScore(c echo.Context) error {
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	var in ScoreInput
	if err := bind(c, &in); err != nil {
		return err
	}
	si := indicator.ScoreInput{Components: map[string]fixed.Dec{}, Score: in.Score, Status: in.Status, Source: in.Source}
	for code, f := range in.ScoreComponents.fields() {
		if *f != nil {
			si.Components[code] = **f
		}
	}
	s, created, err := h.svc.Indicators.PutScore(c.Request().Context(), c.Param("code"), c.Param("framework"), year, si)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, toScore(s))
}

// ImportReport is the outcome of a bulk import.
type ImportReport struct {
	ID           string        `json:"id" example:"0193a5b2c4d8e7f6a1b2c3d4e5f60718"`
	Kind         string        `json:"kind" enums:"scores,indicator_values" example:"scores"`
	Framework    string        `json:"framework,omitempty" example:"idm"`
	DryRun       bool          `json:"dry_run"`
	Mode         string        `json:"mode" enums:"atomic,partial" example:"atomic"`
	Source       string        `json:"source" example:"Kepmendesa PDTT 2024"`
	CodeEdition  int           `json:"code_edition" example:"2025"`
	Format       string        `json:"format" enums:"csv,json" example:"csv"`
	Rows         int           `json:"rows" example:"75255"`
	Inserted     int           `json:"inserted" example:"75255"`
	Updated      int           `json:"updated" example:"0"`
	Unchanged    int           `json:"unchanged" example:"0"`
	Rejected     int           `json:"rejected" example:"0"`
	Translated   int           `json:"translated" example:"0"`
	Applied      bool          `json:"applied"`
	Errors       []ImportError `json:"errors"`
	Translations []Translation `json:"translations"`
	CreatedAt    time.Time     `json:"created_at"`
} //	@name	ImportReport

// ImportError is one rejected row (rows count from 1, after a CSV header).
type ImportError struct {
	Row     int    `json:"row" example:"17"`
	Field   string `json:"field" example:"village_code"`
	Code    string `json:"code" enums:"unknown_village,unknown_region,unknown_indicator,kelurahan,out_of_range,not_a_number,duplicate,wrong_year,bad_header,bad_code,bad_status,missing,unknown_field,malformed,forbidden_province" example:"unknown_village"`
	Message string `json:"message" example:"no village with code 35.78.99.2001"`
} //	@name	ImportError

// Translation is a row whose Kepmendagri 2022 code became a 2025 code.
type Translation struct {
	Row  int    `json:"row" example:"3"`
	From string `json:"from" example:"96.09.01.2001"`
	To   string `json:"to" example:"96.04.01.2001"`
} //	@name	Translation

// ImportFailure is the 422 answer of an atomic import with rejected rows:
// a problem whose errors carry the rows, plus the report.
type ImportFailure struct {
	Type      string `json:"type" example:"/problems/invalid"`
	Title     string `json:"title" example:"Unprocessable Entity"`
	Status    int    `json:"status" example:"422"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	RequestID string `json:"request_id"`
	ImportReport
} //	@name	ImportFailure

func toImportReport(r indicator.Report) ImportReport {
	out := ImportReport{ID: r.ID, Kind: r.Kind, Framework: r.Framework, DryRun: r.DryRun, Mode: r.Mode, Source: r.Source,
		CodeEdition: r.CodeEdition, Format: r.Format, Rows: r.Rows, Inserted: r.Inserted, Updated: r.Updated,
		Unchanged: r.Unchanged, Rejected: r.Rejected, Translated: r.Translated, Applied: r.Applied,
		Errors: []ImportError{}, Translations: []Translation{}, CreatedAt: r.CreatedAt}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, ImportError{e.Row, e.Field, e.Code, e.Message})
	}
	for _, t := range r.Translations {
		out.Translations = append(out.Translations, Translation{t.Row, t.From, t.To})
	}
	return out
}

// createImport godoc
//
//	@Summary		Bulk-import scores or indicator values from CSV or a JSON array
//	@Description	kind=scores (with framework): for IDM the CSV columns are village_code,year,iks,ike,ikl,score,status (score and status may be empty: the score is then the mean of the components and the status is derived).
//	@Description	kind=indicator_values: the columns region_code,indicator_code,year,value (a region of any level), or the IDM open API's shape village_code,year,dimension,number,score, which names the indicator idm_<dimension>_<number as two digits> (IKS 1 → idm_iks_01). Values must lie within the indicator's min and max.
//	@Description	A JSON body is an array of objects with the same fields. At most 200,000 rows and IMPORT_BODY_LIMIT bytes (default 32 MiB) per import. mode=atomic stores nothing when any row is rejected (422 with the report); mode=partial stores exactly the valid rows; dry_run=true stores nothing and reports what would happen. A wrong CSV header refuses the import (422, errors at row 0 with the code bad_header). code_edition=2022 translates Kepmendagri 2022 village codes to 2025 codes (village codes only). Rows outside the provinces of a province-restricted key are rejected (forbidden_province).
//	@Tags			indicators
//	@Accept			text/csv,json
//	@Produce		json
//	@Security		BearerKey
//	@Param			kind			query		string	true	"what the rows are"										Enums(scores, indicator_values)
//	@Param			framework		query		string	false	"framework of the scores (required with kind=scores)"	Enums(idm, indeks_desa, ipd)
//	@Param			mode			query		string	false	"atomic or partial"										Enums(atomic, partial)	default(atomic)
//	@Param			dry_run			query		bool	false	"validate and report only"
//	@Param			source			query		string	false	"where the data comes from, e.g. Kepmendesa 174/2023"
//	@Param			code_edition	query		int		false	"Kepmendagri edition of the village codes"	Enums(2022, 2025)	default(2025)
//	@Param			body			body		string	true	"CSV with a header row, or a JSON array"
//	@Success		201				{object}	ImportReport
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		403				{object}	Problem
//	@Failure		413				{object}	Problem
//	@Failure		415				{object}	Problem
//	@Failure		422				{object}	ImportFailure
//	@Router			/v1/imports [post]
func (h *handlers) createImport(c echo.Context) error {
	q := &query{c: c}
	req := indicator.ImportRequest{Kind: c.QueryParam("kind"), Framework: c.QueryParam("framework"),
		DryRun: q.bool("dry_run"), Mode: c.QueryParam("mode"), Source: q.text("source", 200),
		CodeEdition: q.int("code_edition", 2025, 2022, 2025)}
	if q.err != nil {
		return q.err
	}
	if k := keyOf(c); k != nil {
		req.KeyID, req.Provinces = k.ID, k.Provinces
	}
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	switch mt {
	case "text/csv":
		req.Format = indicator.FormatCSV
	case echo.MIMEApplicationJSON:
		req.Format = indicator.FormatJSON
	default:
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "Send the rows as text/csv or application/json")
	}
	rep, err := h.svc.Indicators.Import(c.Request().Context(), req, limitErrors{c.Request().Body})
	if rep.ID != "" {
		h.metrics.observeImport(rep)
	}
	if err != nil && apperr.Is(err, apperr.Invalid) && rep.ID != "" {
		p := toProblem(err)
		return writeJSON(c, p.Status, "application/problem+json", ImportFailure{Type: p.Type, Title: p.Title,
			Status: p.Status, Detail: p.Detail, Instance: c.Request().URL.Path,
			RequestID: c.Response().Header().Get(echo.HeaderXRequestID), ImportReport: toImportReport(rep)})
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/imports/"+rep.ID)
	return c.JSON(http.StatusCreated, toImportReport(rep))
}

// getImport godoc
//
//	@Summary	Get a stored import report
//	@Tags		indicators
//	@Produce	json
//	@Param		id	path		string	true	"import id"
//	@Success	200	{object}	ImportReport
//	@Failure	400	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/imports/{id} [get]
func (h *handlers) getImport(c echo.Context) error {
	rep, err := h.svc.Indicators.ImportReport(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toImportReport(rep))
}

// limitErrors turns the body limit's error into a domain error, so that an
// import cut off by the limit answers 413.
type limitErrors struct{ r io.Reader }

func (l limitErrors) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge || errors.As(err, &mbe) {
		return n, apperr.New(apperr.TooLarge, "the body is larger than the import limit")
	}
	return n, err
}
