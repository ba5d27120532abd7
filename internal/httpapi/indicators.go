package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
)

// Indicator is an entry of the indicator catalogue. The 50 IDM indicators
// (idm_iks_01 … idm_iks_35, idm_ike_01 … idm_ike_12, idm_ikl_01 …
// idm_ikl_03) are scores from 0 to 5.
type Indicator struct {
	Code           string     `json:"code" example:"idm_iks_01"`
	NameID         string     `json:"name_id" example:"Akses Sarkes"`
	NameEN         string     `json:"name_en" example:"Access to health facilities"`
	Unit           string     `json:"unit" example:"score"`
	Framework      *string    `json:"framework" extensions:"x-nullable" enums:"idm,indeks_desa,ipd" example:"idm"`
	Dimension      *string    `json:"dimension" extensions:"x-nullable" example:"iks"`
	Number         *int       `json:"number" extensions:"x-nullable" example:"1"`
	Min            *fixed.Dec `json:"min" extensions:"x-nullable" swaggertype:"number" example:"0"`
	Max            *fixed.Dec `json:"max" extensions:"x-nullable" swaggertype:"number" example:"5"`
	HigherIsBetter bool       `json:"higher_is_better" example:"true"`
} //	@name	Indicator

// IndicatorList is a page of the catalogue.
type IndicatorList struct {
	Data []Indicator `json:"data" validate:"required"`
	Page Page        `json:"page" validate:"required"`
} //	@name	IndicatorList

// IndicatorInput is a new catalogue entry. higher_is_better defaults to
// true.
type IndicatorInput struct {
	Code           string     `json:"code" example:"bps_jumlah_penduduk"`
	NameID         string     `json:"name_id" example:"Jumlah Penduduk"`
	NameEN         string     `json:"name_en" example:"Population"`
	Unit           string     `json:"unit,omitempty" example:"persons"`
	Framework      string     `json:"framework,omitempty" enums:"idm,indeks_desa,ipd"`
	Dimension      string     `json:"dimension,omitempty" example:"kependudukan"`
	Number         *int       `json:"number,omitempty" example:"1"`
	Min            *fixed.Dec `json:"min,omitempty" swaggertype:"number" example:"0"`
	Max            *fixed.Dec `json:"max,omitempty" swaggertype:"number"`
	HigherIsBetter *bool      `json:"higher_is_better,omitempty" example:"true"`
} //	@name	IndicatorInput

// IndicatorPatch changes the given fields of an entry; an empty framework
// or dimension clears it.
type IndicatorPatch struct {
	NameID         *string    `json:"name_id,omitempty" example:"Akses Sarana Kesehatan"`
	NameEN         *string    `json:"name_en,omitempty"`
	Unit           *string    `json:"unit,omitempty"`
	Framework      *string    `json:"framework,omitempty"`
	Dimension      *string    `json:"dimension,omitempty"`
	Number         *int       `json:"number,omitempty"`
	Min            *fixed.Dec `json:"min,omitempty" swaggertype:"number"`
	Max            *fixed.Dec `json:"max,omitempty" swaggertype:"number"`
	HigherIsBetter *bool      `json:"higher_is_better,omitempty"`
} //	@name	IndicatorPatch

// IndicatorValue is a region's value of an indicator in a year, with the
// indicator's names. (As items of lists that take fields, neither it nor
// Indicator marks fields required.)
type IndicatorValue struct {
	RegionCode    string    `json:"region_code" example:"11.01.02.2001"`
	IndicatorCode string    `json:"indicator_code" example:"idm_iks_01"`
	NameID        string    `json:"name_id" example:"Akses Sarkes"`
	NameEN        string    `json:"name_en" example:"Access to health facilities"`
	Unit          string    `json:"unit" example:"score"`
	Dimension     *string   `json:"dimension" extensions:"x-nullable" example:"iks"`
	Number        *int      `json:"number" extensions:"x-nullable" example:"1"`
	Year          int       `json:"year" example:"2024"`
	Value         fixed.Dec `json:"value" swaggertype:"number" example:"5"`
	Source        string    `json:"source" example:"Kemendes PDTT, IDM open API (sample of 2,500 villages)"`
	UpdatedAt     time.Time `json:"updated_at"`
} //	@name	IndicatorValue

// IndicatorValueList lists a region's values, by dimension, number,
// indicator code and year.
type IndicatorValueList struct {
	Data []IndicatorValue `json:"data" validate:"required"`
} //	@name	IndicatorValueList

// IndicatorValueInput is the body of a value upsert.
type IndicatorValueInput struct {
	Value  *fixed.Dec `json:"value" swaggertype:"number" example:"4"`
	Source string     `json:"source,omitempty" example:"Musyawarah desa 2024"`
} //	@name	IndicatorValueInput

func toIndicator(ind indicator.Indicator) Indicator {
	return Indicator{Code: ind.Code, NameID: ind.NameID, NameEN: ind.NameEN, Unit: ind.Unit,
		Framework: optional(ind.Framework), Dimension: optional(ind.Dimension), Number: ind.Number,
		Min: ind.Min, Max: ind.Max, HigherIsBetter: ind.HigherIsBetter}
}

func (in IndicatorInput) toIndicator() indicator.Indicator {
	better := in.HigherIsBetter == nil || *in.HigherIsBetter
	return indicator.Indicator{Code: in.Code, NameID: in.NameID, NameEN: in.NameEN, Unit: in.Unit,
		Framework: in.Framework, Dimension: in.Dimension, Number: in.Number, Min: in.Min, Max: in.Max,
		HigherIsBetter: better}
}

func (p IndicatorPatch) toPatch() indicator.IndicatorPatch {
	return indicator.IndicatorPatch{NameID: p.NameID, NameEN: p.NameEN, Unit: p.Unit, Framework: p.Framework,
		Dimension: p.Dimension, Number: p.Number, Min: p.Min, Max: p.Max, HigherIsBetter: p.HigherIsBetter}
}

func toIndicatorValue(v indicator.RegionValue) IndicatorValue {
	return IndicatorValue{RegionCode: v.RegionCode, IndicatorCode: v.IndicatorCode, NameID: v.Indicator.NameID,
		NameEN: v.Indicator.NameEN, Unit: v.Indicator.Unit, Dimension: optional(v.Indicator.Dimension),
		Number: v.Indicator.Number, Year: v.Year, Value: v.Value.Value, Source: v.Source, UpdatedAt: v.UpdatedAt}
}

// listIndicators godoc
//
//	@Summary	List the indicator catalogue
//	@Tags		indicators
//	@Produce	json,text/csv
//	@Param		framework	query		string	false	"framework(s), comma = any of"	Enums(idm, indeks_desa, ipd)
//	@Param		dimension	query		string	false	"dimension(s), comma = any of, e.g. iks,ike"
//	@Param		q			query		string	false	"case-insensitive substring of the code or either name"
//	@Param		sort		query		string	false	"code, name (the Indonesian name); prefix - for descending"	default(code)
//	@Param		fields		query		string	false	"comma-separated fields to return"
//	@Param		format		query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit		query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset		query		int		false	"rows to skip"								default(0)
//	@Success	200			{object}	IndicatorList
//	@Header		200			{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Router		/v1/indicators [get]
func (h *handlers) listIndicators(c echo.Context) error {
	q := &query{c: c}
	f := indicator.IndicatorFilter{Framework: q.enum("framework", indicator.FrameworkCodes()),
		Dimension: q.list("dimension"), Q: q.text("q", 100), Sort: q.sort(indicator.IndicatorSortFields), Page: q.page()}
	out := newListOut[Indicator](q)
	if q.err != nil {
		return q.err
	}
	inds, total, err := h.svc.Indicators.Indicators(c.Request().Context(), f)
	if err != nil {
		return err
	}
	items := make([]Indicator, len(inds))
	for i, ind := range inds {
		items[i] = toIndicator(ind)
	}
	return out.write(c, items, f.Page, total)
}

// getIndicator godoc
//
//	@Summary	Get an indicator of the catalogue
//	@Tags		indicators
//	@Produce	json
//	@Param		code	path		string	true	"indicator code"	example(idm_iks_01)
//	@Success	200		{object}	Indicator
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/indicators/{code} [get]
func (h *handlers) getIndicator(c echo.Context) error {
	ind, err := h.svc.Indicators.Indicator(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toIndicator(ind))
}

// createIndicator godoc
//
//	@Summary		Add an indicator to the catalogue
//	@Description	The code is a slug (a–z, 0–9, _; 2–63 characters, starting with a letter). min and max, when both given, must be in order; values outside them are rejected. Scope admin, on a key without a province restriction (403 otherwise): the catalogue is national.
//	@Tags			indicators
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			body	body		IndicatorInput	true	"the new indicator"
//	@Success		201		{object}	Indicator
//	@Header			201		{string}	Location	"the path of the new indicator"
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/indicators [post]
func (h *handlers) createIndicator(c echo.Context) error {
	var in IndicatorInput
	if err := bind(c, &in); err != nil {
		return err
	}
	ind, err := h.svc.Indicators.CreateIndicator(c.Request().Context(), in.toIndicator())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/indicators/"+ind.Code)
	return c.JSON(http.StatusCreated, toIndicator(ind))
}

// patchIndicator godoc
//
//	@Summary		Change an indicator of the catalogue
//	@Description	New bounds must hold every stored value of the indicator (409 otherwise). Scope admin, on a key without a province restriction (403 otherwise): the catalogue is national.
//	@Tags			indicators
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			code	path		string			true	"indicator code"
//	@Param			body	body		IndicatorPatch	true	"fields to change"
//	@Success		200		{object}	Indicator
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/indicators/{code} [patch]
func (h *handlers) patchIndicator(c echo.Context) error {
	var in IndicatorPatch
	if err := bind(c, &in); err != nil {
		return err
	}
	ind, err := h.svc.Indicators.UpdateIndicator(c.Request().Context(), c.Param("code"), in.toPatch())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toIndicator(ind))
}

// regionValues answers the indicator values of a region (of level, when
// given) as a whole list.
func (h *handlers) regionValues(c echo.Context, level region.Level) error {
	q := &query{c: c}
	f := indicator.ValueFilter{Year: q.int("year", 0, indicator.FirstValueYear, indicator.LastValueYear),
		Dimension: q.list("dimension")}
	out := newListOut[IndicatorValue](q)
	if q.err != nil {
		return q.err
	}
	vals, err := h.svc.Indicators.RegionValues(c.Request().Context(), c.Param("code"), level, f)
	if err != nil {
		return err
	}
	items := make([]IndicatorValue, len(vals))
	for i, v := range vals {
		items[i] = toIndicatorValue(v)
	}
	return out.writeAll(c, items)
}

// villageIndicators godoc
//
//	@Summary		List a village's indicator values
//	@Description	The values joined to the catalogue, by dimension, number, indicator code and year: for the IDM indicators, the 0–5 scores that explain a village's status.
//	@Tags			indicators
//	@Produce		json,text/csv
//	@Param			code		path		string	true	"village code, dotted or 10 digits"	example(11.01.02.2001)
//	@Param			year		query		int		false	"only this year"					example(2024)
//	@Param			dimension	query		string	false	"dimension(s), comma = any of, e.g. iks"
//	@Param			fields		query		string	false	"comma-separated fields to return"
//	@Param			format		query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Success		200			{object}	IndicatorValueList
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/villages/{code}/indicators [get]
func (h *handlers) villageIndicators(c echo.Context) error {
	return h.regionValues(c, region.LevelVillage)
}

// regionIndicators godoc
//
//	@Summary		List the indicator values of a region of any level
//	@Description	The values stored for exactly this region (not aggregated from the regions below it), joined to the catalogue, by dimension, number, indicator code and year.
//	@Tags			indicators
//	@Produce		json,text/csv
//	@Param			code		path		string	true	"any region code, dotted or not"	example(64.01)
//	@Param			year		query		int		false	"only this year"
//	@Param			dimension	query		string	false	"dimension(s), comma = any of"
//	@Param			fields		query		string	false	"comma-separated fields to return"
//	@Param			format		query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Success		200			{object}	IndicatorValueList
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/regions/{code}/indicators [get]
func (h *handlers) regionIndicators(c echo.Context) error {
	return h.regionValues(c, "")
}

// getIndicatorValue godoc
//
//	@Summary		Get a region's value of an indicator for a year
//	@Description	The value as a PUT of it answers, with the ETag that PUT's If-Match checks.
//	@Tags			indicators
//	@Produce		json
//	@Param			code		path		string	true	"any region code, dotted or not"	example(11.01.02.2001)
//	@Param			indicator	path		string	true	"indicator code"					example(idm_iks_01)
//	@Param			year		path		int		true	"year"								example(2024)
//	@Success		200			{object}	IndicatorValue
//	@Header			200			{string}	ETag	"send it back in If-Match to replace exactly this state"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Router			/v1/regions/{code}/indicators/{indicator}/{year} [get]
func (h *handlers) getIndicatorValue(c echo.Context) error {
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	v, err := h.svc.Indicators.Value(c.Request().Context(), c.Param("code"), c.Param("indicator"), year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toIndicatorValue(v))
}

// putIndicatorValue godoc
//
//	@Summary		Create or replace a region's value of an indicator for a year
//	@Description	The region may be of any level. The year must be 1900–2100 and the value within the indicator's min and max. A value equal to the stored one leaves it (and its source) as it is. A province-restricted key writes only regions of its provinces (403 elsewhere).
//	@Tags			indicators
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			code		path		string				true	"any region code"	example(11.01.02.2001)
//	@Param			indicator	path		string				true	"indicator code"	example(idm_iks_01)
//	@Param			year		path		int					true	"year"				example(2024)
//	@Param			body		body		IndicatorValueInput	true	"the value, and where it comes from"
//	@Success		200			{object}	IndicatorValue		"replaced"
//	@Success		201			{object}	IndicatorValue		"created"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/regions/{code}/indicators/{indicator}/{year} [put]
func (h *handlers) putIndicatorValue(c echo.Context) error {
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	var in IndicatorValueInput
	if err := bind(c, &in); err != nil {
		return err
	}
	v, created, err := h.svc.Indicators.PutValue(c.Request().Context(), c.Param("code"), c.Param("indicator"), year,
		indicator.ValueInput{Value: in.Value, Source: in.Source})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, toIndicatorValue(v))
}
