package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/region"
)

// Agency is a government body, university, NGO or company that takes part
// in cooperation programs.
type Agency struct {
	ID           string    `json:"id" validate:"required" example:"0196b1f0-6c1e-7c3a-9d2b-3f4e5a6b7c8d"`
	Name         string    `json:"name" validate:"required" example:"Biro Kesra Setda Prov. Kalimantan Timur"`
	Acronym      string    `json:"acronym" validate:"required" example:"Biro Kesra Kaltim"`
	Kind         string    `json:"kind" validate:"required" enums:"provincial_bureau,dinas,regency_government,ministry,university,ngo,private" example:"provincial_bureau"`
	ProvinceCode *string   `json:"province_code" validate:"required" extensions:"x-nullable" example:"64"`
	ProvinceName *string   `json:"province_name" validate:"required" extensions:"x-nullable" example:"Kalimantan Timur"`
	Website      string    `json:"website" validate:"required" example:"https://kaltimprov.go.id"`
	CreatedAt    time.Time `json:"created_at" validate:"required"`
	UpdatedAt    time.Time `json:"updated_at" validate:"required"`
} //	@name	Agency

// AgencyList is a page of agencies.
type AgencyList struct {
	Data []Agency `json:"data" validate:"required"`
	Page Page     `json:"page" validate:"required"`
} //	@name	AgencyList

// AgencyInput is the body of a new agency; the server makes its id.
type AgencyInput struct {
	Name         string `json:"name" example:"Dinas PMD Prov. Jawa Timur"`
	Acronym      string `json:"acronym,omitempty" example:"DPMD Jatim"`
	Kind         string `json:"kind" enums:"provincial_bureau,dinas,regency_government,ministry,university,ngo,private" example:"dinas"`
	ProvinceCode string `json:"province_code,omitempty" example:"35"`
	Website      string `json:"website,omitempty" example:"https://jatimprov.go.id"`
} //	@name	AgencyInput

// AgencyPatch changes an agency; absent fields stay, "" clears acronym,
// province_code and website, and null clears province_code.
type AgencyPatch struct {
	Name         *string          `json:"name,omitempty"`
	Acronym      *string          `json:"acronym,omitempty"`
	Kind         *string          `json:"kind,omitempty" enums:"provincial_bureau,dinas,regency_government,ministry,university,ngo,private"`
	ProvinceCode Nullable[string] `json:"province_code,omitempty" swaggertype:"string" extensions:"x-nullable" example:"64"`
	Website      *string          `json:"website,omitempty"`
} //	@name	AgencyPatch

func toAgency(a cooperation.Agency) Agency {
	return Agency{ID: a.ID, Name: a.Name, Acronym: a.Acronym, Kind: a.Kind, ProvinceCode: optional(a.ProvinceCode),
		ProvinceName: optional(a.ProvinceName), Website: a.Website, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

func (in AgencyInput) toDomain() cooperation.Agency {
	return cooperation.Agency{Name: in.Name, Acronym: in.Acronym, Kind: in.Kind, ProvinceCode: in.ProvinceCode, Website: in.Website}
}

func (in AgencyPatch) toDomain() cooperation.AgencyPatch {
	return cooperation.AgencyPatch{Name: in.Name, Acronym: in.Acronym, Kind: in.Kind, ProvinceCode: in.ProvinceCode.Or(""),
		Website: in.Website}
}

// listAgencies godoc
//
//	@Summary	List agencies
//	@Tags		programs
//	@Produce	json,text/csv
//	@Param		province	query		string	false	"province code(s), comma = any of"	example(64)
//	@Param		kind		query		string	false	"kind(s), comma = any of: provincial_bureau, dinas, regency_government, ministry, university, ngo, private"
//	@Param		q			query		string	false	"case-insensitive substring of the name or acronym"
//	@Param		sort		query		string	false	"name, acronym, kind, created_at; prefix - for descending"	default(name)
//	@Param		fields		query		string	false	"comma-separated fields to return"
//	@Param		format		query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit		query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset		query		int		false	"rows to skip"								default(0)
//	@Success	200			{object}	AgencyList
//	@Header		200			{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Router		/v1/agencies [get]
func (h *handlers) listAgencies(c echo.Context) error {
	q := &query{c: c}
	f := cooperation.AgencyFilter{Kind: q.enum("kind", cooperation.AgencyKinds), Province: q.codes("province", region.LevelProvince),
		Q: q.text("q", 100), Sort: q.sort(cooperation.AgencySortFields), Page: q.page()}
	out := newListOut[Agency](q)
	if q.err != nil {
		return q.err
	}
	as, total, err := h.svc.Programs.Agencies(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return out.write(c, convert(as, toAgency), f.Page, total)
}

// getAgency godoc
//
//	@Summary	Get an agency
//	@Tags		programs
//	@Produce	json
//	@Param		id	path		string	true	"agency id"
//	@Success	200	{object}	Agency
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/v1/agencies/{id} [get]
func (h *handlers) getAgency(c echo.Context) error {
	a, err := h.svc.Programs.Agency(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAgency(a))
}

// createAgency godoc
//
//	@Summary	Create an agency
//	@Tags		programs
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		body	body		AgencyInput	true	"the new agency"
//	@Success	201		{object}	Agency
//	@Header		201		{string}	Location	"the path of the new agency"
//	@Header		201		{string}	ETag		"the new agency's state, as its GET and If-Match take it"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	409		{object}	Problem	"an agency with that name exists"
//	@Failure	422		{object}	Problem
//	@Router		/v1/agencies [post]
func (h *handlers) createAgency(c echo.Context) error {
	var in AgencyInput
	if err := bind(c, &in); err != nil {
		return err
	}
	a, err := h.svc.Programs.CreateAgency(c.Request().Context(), in.toDomain())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/v1/agencies/"+a.ID)
	return c.JSON(http.StatusCreated, toAgency(a))
}

// patchAgency godoc
//
//	@Summary		Change an agency
//	@Description	A new province_code is checked against every program the agency is a party of: an inter-provincial program may not lose its second province (422).
//	@Tags			programs
//	@Accept			json
//	@Produce		json
//	@Security		BearerKey
//	@Param			id		path		string		true	"agency id"
//	@Param			body	body		AgencyPatch	true	"fields to change"
//	@Success		200		{object}	Agency
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/v1/agencies/{id} [patch]
func (h *handlers) patchAgency(c echo.Context) error {
	var in AgencyPatch
	if err := bind(c, &in); err != nil {
		return err
	}
	a, err := h.svc.Programs.UpdateAgency(c.Request().Context(), c.Param("id"), in.toDomain())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAgency(a))
}

// deleteAgency godoc
//
//	@Summary	Delete an agency that is no party of any program
//	@Tags		programs
//	@Security	BearerKey
//	@Param		id	path	string	true	"agency id"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem	"the agency is still a party or pays a budget line"
//	@Router		/v1/agencies/{id} [delete]
func (h *handlers) deleteAgency(c echo.Context) error {
	if err := h.svc.Programs.DeleteAgency(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// convert applies conv to every item.
func convert[D, T any](items []D, conv func(D) T) []T {
	out := make([]T, len(items))
	for i, it := range items {
		out[i] = conv(it)
	}
	return out
}
