package httpapi

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
)

// scoreColumns are the village columns shown only with a score join.
var scoreColumns = []string{"framework", "year", "score", "status", "derived_status"}

// scoreFilter reads framework, year and status: any of them (or
// sort=score) joins villages to their scores; framework defaults to idm and
// year is then required.
func scoreFilter(q *query) *region.ScoreFilter {
	c := q.c
	if c.QueryParam("framework") == "" && c.QueryParam("year") == "" && c.QueryParam("status") == "" &&
		c.QueryParam("sort") != "score" && c.QueryParam("sort") != "-score" {
		return nil
	}
	fw := q.enum("framework", indicator.FrameworkCodes())
	sf := &region.ScoreFilter{Framework: "idm"}
	if len(fw) > 1 {
		q.fail(apperr.BadParam("framework", "takes one framework"))
	} else if len(fw) == 1 {
		sf.Framework = fw[0]
	}
	f, err := indicator.FrameworkByCode(sf.Framework)
	if err != nil {
		return sf
	}
	first, last := f.Years()
	if c.QueryParam("year") == "" {
		q.fail(apperr.BadParam("year", "is required with framework, status or sort=score (%s has %d–%d)", f.Code, first, last))
	}
	sf.Year = q.int("year", 0, first, last)
	sf.Status = q.enum("status", f.StatusSlugs())
	return sf
}

// Province is a provinsi.
type Province struct {
	Code string `json:"code" example:"64"`
	Name string `json:"name" example:"Kalimantan Timur"`
} //	@name	Province

// Regency is a kabupaten or kota.
type Regency struct {
	Code         string `json:"code" example:"64.01"`
	Name         string `json:"name" example:"Kabupaten Paser"`
	Type         string `json:"type" enums:"kabupaten,kota" example:"kabupaten"`
	ProvinceCode string `json:"province_code" example:"64"`
	ProvinceName string `json:"province_name" example:"Kalimantan Timur"`
} //	@name	Regency

// District is a kecamatan (distrik in Papua).
type District struct {
	Code         string `json:"code" example:"64.01.01"`
	Name         string `json:"name" example:"Batu Sopang"`
	RegencyCode  string `json:"regency_code" example:"64.01"`
	ProvinceCode string `json:"province_code" example:"64"`
	RegencyName  string `json:"regency_name" example:"Kabupaten Paser"`
	ProvinceName string `json:"province_name" example:"Kalimantan Timur"`
} //	@name	District

// Village is a desa, kelurahan or desa adat, with its ancestors' codes and names.
type Village struct {
	Code         string `json:"code" example:"35.78.01.1001"`
	Name         string `json:"name" example:"Karang Pilang"`
	Type         string `json:"type" enums:"desa,kelurahan,desa_adat" example:"kelurahan"`
	DistrictCode string `json:"district_code" example:"35.78.01"`
	RegencyCode  string `json:"regency_code" example:"35.78"`
	ProvinceCode string `json:"province_code" example:"35"`
	DistrictName string `json:"district_name" example:"Karang Pilang"`
	RegencyName  string `json:"regency_name" example:"Kota Surabaya"`
	ProvinceName string `json:"province_name" example:"Jawa Timur"`
	// With framework/year (or status, or sort=score): the village's score
	// that year. Score and status are null where it has none; without a
	// framework and year the five fields are left out.
	Framework     *string    `json:"framework,omitempty" example:"idm"`
	Year          *int       `json:"year,omitempty" example:"2024"`
	Score         *fixed.Dec `json:"score,omitempty" extensions:"x-nullable" swaggertype:"number" example:"0.7444"`
	Status        *string    `json:"status,omitempty" extensions:"x-nullable" example:"maju"`
	DerivedStatus *string    `json:"derived_status,omitempty" extensions:"x-nullable" example:"maju"`
} //	@name	Village

// MarshalJSON writes v as appendJSON does: a village with a framework and
// year has its score fields, null where it has none (what sparse fields
// give too); one without has none of them.
func (v Village) MarshalJSON() ([]byte, error) { return v.appendJSON(nil), nil }

// appendJSON appends v's JSON: village pages are the most requested lists,
// and reflection over their fields was most of the cost of writing one.
func (v Village) appendJSON(b []byte) []byte {
	for _, f := range [...]struct{ key, val string }{
		{`{"code":`, v.Code}, {`,"name":`, v.Name}, {`,"type":`, v.Type},
		{`,"district_code":`, v.DistrictCode}, {`,"regency_code":`, v.RegencyCode}, {`,"province_code":`, v.ProvinceCode},
		{`,"district_name":`, v.DistrictName}, {`,"regency_name":`, v.RegencyName}, {`,"province_name":`, v.ProvinceName},
	} {
		b = appendJSONString(append(b, f.key...), f.val)
	}
	if v.Framework == nil || v.Year == nil {
		return append(b, '}')
	}
	b = appendJSONString(append(b, `,"framework":`...), *v.Framework)
	b = strconv.AppendInt(append(b, `,"year":`...), int64(*v.Year), 10)
	b = append(b, `,"score":`...)
	if v.Score != nil {
		b = v.Score.Append(b)
	} else {
		b = append(b, "null"...)
	}
	for _, f := range [...]struct {
		key string
		val *string
	}{{`,"status":`, v.Status}, {`,"derived_status":`, v.DerivedStatus}} {
		if f.val != nil {
			b = appendJSONString(append(b, f.key...), *f.val)
		} else {
			b = append(append(b, f.key...), "null"...)
		}
	}
	return append(b, '}')
}

// Region is a region of any level with its place in the hierarchy.
type Region struct {
	Code          string     `json:"code" validate:"required" example:"35.78"`
	Name          string     `json:"name" validate:"required" example:"Kota Surabaya"`
	Level         string     `json:"level" validate:"required" enums:"province,regency,district,village" example:"regency"`
	Type          *string    `json:"type" validate:"required" extensions:"x-nullable" enums:"kabupaten,kota,desa,kelurahan,desa_adat" example:"kota"`
	ParentCode    *string    `json:"parent_code" validate:"required" extensions:"x-nullable" example:"35"`
	Ancestors     []Ancestor `json:"ancestors" validate:"required"`
	ChildrenCount int        `json:"children_count" validate:"required" example:"31"`
} //	@name	Region

// Ancestor is a region above another.
type Ancestor struct {
	Code  string `json:"code" validate:"required" example:"35"`
	Name  string `json:"name" validate:"required" example:"Jawa Timur"`
	Level string `json:"level" validate:"required" enums:"province,regency,district" example:"province"`
} //	@name	Ancestor

// RegionItem is a region in a list of children (no ancestors or counts).
type RegionItem struct {
	Code       string  `json:"code" example:"35.78.01"`
	Name       string  `json:"name" example:"Karang Pilang"`
	Level      string  `json:"level" enums:"province,regency,district,village" example:"district"`
	Type       *string `json:"type" extensions:"x-nullable" enums:"kabupaten,kota,desa,kelurahan,desa_adat" example:"kota"`
	ParentCode *string `json:"parent_code" extensions:"x-nullable" example:"35.78"`
} //	@name	RegionItem

// List answers.
type (
	ProvinceList struct {
		Data []Province `json:"data" validate:"required"`
		Page Page       `json:"page" validate:"required"`
	} //	@name	ProvinceList
	RegencyList struct {
		Data []Regency `json:"data" validate:"required"`
		Page Page      `json:"page" validate:"required"`
	} //	@name	RegencyList
	DistrictList struct {
		Data []District `json:"data" validate:"required"`
		Page Page       `json:"page" validate:"required"`
	} //	@name	DistrictList
	VillageList struct {
		Data []Village `json:"data" validate:"required"`
		Page Page      `json:"page" validate:"required"`
	} //	@name	VillageList
	RegionItemList struct {
		Data []RegionItem `json:"data" validate:"required"`
		Page Page         `json:"page" validate:"required"`
	} //	@name	RegionItemList
)

// Write bodies. The code decides the level, the parent and the type; codes
// of ancestors or a type, when given, must agree with it.
type (
	ProvinceInput struct {
		Code string `json:"code" example:"99"`
		Name string `json:"name" example:"Provinsi Contoh"`
	} //	@name	ProvinceInput
	RegencyInput struct {
		Code         string `json:"code" example:"64.72"`
		Name         string `json:"name" example:"Kota Samarinda"`
		Type         string `json:"type,omitempty" enums:"kabupaten,kota" example:"kota"`
		ProvinceCode string `json:"province_code,omitempty" example:"64"`
	} //	@name	RegencyInput
	DistrictInput struct {
		Code         string `json:"code" example:"64.72.01"`
		Name         string `json:"name" example:"Palaran"`
		RegencyCode  string `json:"regency_code,omitempty" example:"64.72"`
		ProvinceCode string `json:"province_code,omitempty" example:"64"`
	} //	@name	DistrictInput
	VillageInput struct {
		Code         string `json:"code" example:"64.72.01.1009"`
		Name         string `json:"name" example:"Kelurahan Contoh"`
		Type         string `json:"type,omitempty" enums:"desa,kelurahan,desa_adat" example:"kelurahan"`
		DistrictCode string `json:"district_code,omitempty" example:"64.72.01"`
		RegencyCode  string `json:"regency_code,omitempty" example:"64.72"`
		ProvinceCode string `json:"province_code,omitempty" example:"64"`
	} //	@name	VillageInput
	// RegionPatch changes a region's name (the type follows from the code and
	// may only be restated).
	RegionPatch struct {
		Name *string `json:"name,omitempty" example:"Nama Baru"`
		Type *string `json:"type,omitempty" example:"desa"`
	} //	@name	RegionPatch
)

func (in ProvinceInput) toRegion() region.Region { return region.Region{Code: in.Code, Name: in.Name} }
func (in RegencyInput) toRegion() region.Region {
	return region.Region{Code: in.Code, Name: in.Name, Type: in.Type, ProvinceCode: in.ProvinceCode}
}
func (in DistrictInput) toRegion() region.Region {
	return region.Region{Code: in.Code, Name: in.Name, RegencyCode: in.RegencyCode, ProvinceCode: in.ProvinceCode}
}
func (in VillageInput) toRegion() region.Region {
	return region.Region{Code: in.Code, Name: in.Name, Type: in.Type, DistrictCode: in.DistrictCode,
		RegencyCode: in.RegencyCode, ProvinceCode: in.ProvinceCode}
}

func toProvince(r region.Region) Province { return Province{Code: r.Code, Name: r.Name} }
func toRegency(r region.Region) Regency {
	return Regency{Code: r.Code, Name: r.Name, Type: r.Type, ProvinceCode: r.ProvinceCode, ProvinceName: r.ProvinceName}
}
func toDistrict(r region.Region) District {
	return District{Code: r.Code, Name: r.Name, RegencyCode: r.RegencyCode, ProvinceCode: r.ProvinceCode,
		RegencyName: r.RegencyName, ProvinceName: r.ProvinceName}
}
func toVillage(r region.Region) Village {
	v := Village{Code: r.Code, Name: r.Name, Type: r.Type, DistrictCode: r.DistrictCode, RegencyCode: r.RegencyCode,
		ProvinceCode: r.ProvinceCode, DistrictName: r.DistrictName, RegencyName: r.RegencyName, ProvinceName: r.ProvinceName}
	if sc := r.Score; sc != nil {
		v.Framework, v.Year, v.Score = &sc.Framework, &sc.Year, sc.Value
		v.Status, v.DerivedStatus = optional(sc.Status), optional(sc.DerivedStatus)
	}
	return v
}
func toRegionItem(r region.Region) RegionItem {
	return RegionItem{Code: r.Code, Name: r.Name, Level: string(r.Level), Type: optional(r.Type), ParentCode: optional(r.ParentCode)}
}
func toRegion(r region.Region, children int) Region {
	out := Region{Code: r.Code, Name: r.Name, Level: string(r.Level), Type: optional(r.Type),
		ParentCode: optional(r.ParentCode), Ancestors: []Ancestor{}, ChildrenCount: children}
	for _, a := range r.Ancestors() {
		out.Ancestors = append(out.Ancestors, Ancestor{Code: a.Code, Name: a.Name, Level: string(a.Level)})
	}
	return out
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// regionFilter reads the filters of a level's list: ancestors above the
// level, type where the level has types, q, sort and page.
func regionFilter(q *query, level region.Level) region.Filter {
	f := region.Filter{Level: level, Page: q.page(), Q: q.text("q", 100)}
	if level == region.LevelVillage {
		f.Score = scoreFilter(q)
	}
	if f.Score != nil {
		f.Sort = q.sort(region.ScoreSortFields)
	} else {
		f.Sort = q.sort(region.SortFields)
	}
	for _, a := range region.Levels[:level.Depth()-1] {
		codes := q.codes(string(a), a)
		switch a {
		case region.LevelProvince:
			f.Province = codes
		case region.LevelRegency:
			f.Regency = codes
		case region.LevelDistrict:
			f.District = codes
		}
	}
	if types := region.TypesOf(level); types != nil {
		f.Type = q.enum("type", types)
	}
	return f
}

// listLevel answers a list of one level's regions as T.
func listLevel[T any](h *handlers, c echo.Context, level region.Level, conv func(region.Region) T) error {
	q := &query{c: c}
	f := regionFilter(q, level)
	out := newListOut[T](q)
	if q.err != nil {
		return q.err
	}
	if f.Score == nil {
		for _, n := range q.list("fields") {
			if slices.Contains(scoreColumns, n) {
				return apperr.BadParam("fields", "%s is a field of a village's score: give year (and framework) to join the scores", n)
			}
		}
		out = out.without(scoreColumns...)
	}
	rs, total, err := h.svc.Regions.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return out.write(c, convertAll(rs, conv), f.Page, total)
}

func convertAll[T any](rs []region.Region, conv func(region.Region) T) []T {
	items := make([]T, len(rs))
	for i, r := range rs {
		items[i] = conv(r)
	}
	return items
}

func getLevel[T any](h *handlers, c echo.Context, level region.Level, conv func(region.Region) T) error {
	r, err := h.svc.Regions.Get(c.Request().Context(), c.Param("code"), level)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, conv(r))
}

func createLevel[In interface{ toRegion() region.Region }, T any](h *handlers, c echo.Context, level region.Level, conv func(region.Region) T) error {
	var in In
	if err := bind(c, &in); err != nil {
		return err
	}
	if err := requireRegion(c, in.toRegion().Code); err != nil {
		return err
	}
	r, err := h.svc.Regions.Create(c.Request().Context(), level, in.toRegion())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, c.Path()+"/"+r.Code)
	return c.JSON(http.StatusCreated, conv(r))
}

func patchLevel[T any](h *handlers, c echo.Context, level region.Level, conv func(region.Region) T) error {
	if err := requireRegion(c, c.Param("code")); err != nil {
		return err
	}
	var in RegionPatch
	if err := bind(c, &in); err != nil {
		return err
	}
	r, err := h.svc.Regions.Update(c.Request().Context(), level, c.Param("code"), region.Patch{Name: in.Name, Type: in.Type})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, conv(r))
}

func deleteLevel(h *handlers, c echo.Context, level region.Level) error {
	if err := requireRegion(c, c.Param("code")); err != nil {
		return err
	}
	if err := h.svc.Regions.Delete(c.Request().Context(), level, c.Param("code")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listProvinces godoc
//
//	@Summary	List provinces
//	@Tags		regions
//	@Produce	json,text/csv
//	@Param		q		query		string	false	"case-insensitive substring of the name"
//	@Param		sort	query		string	false	"code, name; prefix - for descending"	default(code)
//	@Param		fields	query		string	false	"comma-separated fields to return"
//	@Param		format	query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit	query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset	query		int		false	"rows to skip"								default(0)
//	@Success	200		{object}	ProvinceList
//	@Header		200		{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Router		/v1/provinces [get]
func (h *handlers) listProvinces(c echo.Context) error {
	return listLevel(h, c, region.LevelProvince, toProvince)
}

// getProvince godoc
//
//	@Summary	Get a province
//	@Tags		regions
//	@Produce	json
//	@Param		code	path		string	true	"province code"	example(64)
//	@Success	200		{object}	Province
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/provinces/{code} [get]
func (h *handlers) getProvince(c echo.Context) error {
	return getLevel(h, c, region.LevelProvince, toProvince)
}

// createProvince godoc
//
//	@Summary	Create a province
//	@Tags		regions
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		body	body		ProvinceInput	true	"the new province"
//	@Success	201		{object}	Province
//	@Header		201		{string}	Location	"the path of the new region"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	409		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/provinces [post]
func (h *handlers) createProvince(c echo.Context) error {
	return createLevel[ProvinceInput](h, c, region.LevelProvince, toProvince)
}

// patchProvince godoc
//
//	@Summary	Rename a province
//	@Tags		regions
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		code	path		string		true	"province code"
//	@Param		body	body		RegionPatch	true	"fields to change"
//	@Success	200		{object}	Province
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/provinces/{code} [patch]
func (h *handlers) patchProvince(c echo.Context) error {
	return patchLevel(h, c, region.LevelProvince, toProvince)
}

// deleteProvince godoc
//
//	@Summary	Delete a province that has no regencies
//	@Tags		regions
//	@Security	BearerKey
//	@Param		code	path	string	true	"province code"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem
//	@Router		/v1/provinces/{code} [delete]
func (h *handlers) deleteProvince(c echo.Context) error {
	return deleteLevel(h, c, region.LevelProvince)
}

// listRegencies godoc
//
//	@Summary	List regencies and cities
//	@Tags		regions
//	@Produce	json,text/csv
//	@Param		province	query		string	false	"province code(s), comma = any of"	example(64)
//	@Param		type		query		string	false	"kabupaten or kota, comma = any of"
//	@Param		q			query		string	false	"case-insensitive substring of the name"
//	@Param		sort		query		string	false	"code, name; prefix - for descending"	default(code)
//	@Param		fields		query		string	false	"comma-separated fields to return"
//	@Param		format		query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit		query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset		query		int		false	"rows to skip"								default(0)
//	@Success	200			{object}	RegencyList
//	@Header		200			{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Router		/v1/regencies [get]
func (h *handlers) listRegencies(c echo.Context) error {
	return listLevel(h, c, region.LevelRegency, toRegency)
}

// getRegency godoc
//
//	@Summary	Get a regency or city
//	@Tags		regions
//	@Produce	json
//	@Param		code	path		string	true	"regency code, dotted or not"	example(64.01)
//	@Success	200		{object}	Regency
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/regencies/{code} [get]
func (h *handlers) getRegency(c echo.Context) error {
	return getLevel(h, c, region.LevelRegency, toRegency)
}

// createRegency godoc
//
//	@Summary	Create a regency or city
//	@Tags		regions
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		body	body		RegencyInput	true	"the new regency"
//	@Success	201		{object}	Regency
//	@Header		201		{string}	Location	"the path of the new region"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	409		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/regencies [post]
func (h *handlers) createRegency(c echo.Context) error {
	return createLevel[RegencyInput](h, c, region.LevelRegency, toRegency)
}

// patchRegency godoc
//
//	@Summary	Rename a regency or city
//	@Tags		regions
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		code	path		string		true	"regency code"
//	@Param		body	body		RegionPatch	true	"fields to change"
//	@Success	200		{object}	Regency
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/regencies/{code} [patch]
func (h *handlers) patchRegency(c echo.Context) error {
	return patchLevel(h, c, region.LevelRegency, toRegency)
}

// deleteRegency godoc
//
//	@Summary	Delete a regency that has no districts
//	@Tags		regions
//	@Security	BearerKey
//	@Param		code	path	string	true	"regency code"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem
//	@Router		/v1/regencies/{code} [delete]
func (h *handlers) deleteRegency(c echo.Context) error {
	return deleteLevel(h, c, region.LevelRegency)
}

// listDistricts godoc
//
//	@Summary	List districts (kecamatan)
//	@Tags		regions
//	@Produce	json,text/csv
//	@Param		province	query		string	false	"province code(s), comma = any of"
//	@Param		regency		query		string	false	"regency code(s), comma = any of"	example(64.01)
//	@Param		q			query		string	false	"case-insensitive substring of the name"
//	@Param		sort		query		string	false	"code, name; prefix - for descending"	default(code)
//	@Param		fields		query		string	false	"comma-separated fields to return"
//	@Param		format		query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit		query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset		query		int		false	"rows to skip"								default(0)
//	@Success	200			{object}	DistrictList
//	@Header		200			{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Router		/v1/districts [get]
func (h *handlers) listDistricts(c echo.Context) error {
	return listLevel(h, c, region.LevelDistrict, toDistrict)
}

// getDistrict godoc
//
//	@Summary	Get a district
//	@Tags		regions
//	@Produce	json
//	@Param		code	path		string	true	"district code, dotted or not"	example(64.01.01)
//	@Success	200		{object}	District
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/districts/{code} [get]
func (h *handlers) getDistrict(c echo.Context) error {
	return getLevel(h, c, region.LevelDistrict, toDistrict)
}

// createDistrict godoc
//
//	@Summary	Create a district
//	@Tags		regions
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		body	body		DistrictInput	true	"the new district"
//	@Success	201		{object}	District
//	@Header		201		{string}	Location	"the path of the new region"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	409		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/districts [post]
func (h *handlers) createDistrict(c echo.Context) error {
	return createLevel[DistrictInput](h, c, region.LevelDistrict, toDistrict)
}

// patchDistrict godoc
//
//	@Summary	Rename a district
//	@Tags		regions
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		code	path		string		true	"district code"
//	@Param		body	body		RegionPatch	true	"fields to change"
//	@Success	200		{object}	District
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/districts/{code} [patch]
func (h *handlers) patchDistrict(c echo.Context) error {
	return patchLevel(h, c, region.LevelDistrict, toDistrict)
}

// deleteDistrict godoc
//
//	@Summary	Delete a district that has no villages
//	@Tags		regions
//	@Security	BearerKey
//	@Param		code	path	string	true	"district code"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem
//	@Router		/v1/districts/{code} [delete]
func (h *handlers) deleteDistrict(c echo.Context) error {
	return deleteLevel(h, c, region.LevelDistrict)
}

// listVillages godoc
//
//	@Summary	List villages (desa, kelurahan, desa adat)
//	@Tags		regions
//	@Produce	json,text/csv
//	@Param		province	query		string	false	"province code(s), comma = any of"	example(64)
//	@Param		regency		query		string	false	"regency code(s), comma = any of"
//	@Param		district	query		string	false	"district code(s), comma = any of"
//	@Param		type		query		string	false	"desa, kelurahan or desa_adat; comma = any of"
//	@Param		q			query		string	false	"case-insensitive substring of the name"
//	@Param		framework	query		string	false	"join each village's score in this framework (default idm when year, status or sort=score is given)"	Enums(idm, indeks_desa, ipd)
//	@Param		year		query		int		false	"score year; required with framework, status or sort=score"												example(2024)
//	@Param		status		query		string	false	"published status(es), comma = any of, e.g. tertinggal,sangat_tertinggal"
//	@Param		sort		query		string	false	"code, name, or score (with a year); prefix - for descending"	default(code)
//	@Param		fields		query		string	false	"comma-separated fields to return"
//	@Param		format		query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit		query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset		query		int		false	"rows to skip"								default(0)
//	@Success	200			{object}	VillageList
//	@Header		200			{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400			{object}	Problem
//	@Failure	401			{object}	Problem
//	@Router		/v1/villages [get]
func (h *handlers) listVillages(c echo.Context) error {
	return listLevel(h, c, region.LevelVillage, toVillage)
}

// getVillage godoc
//
//	@Summary	Get a village
//	@Tags		regions
//	@Produce	json
//	@Param		code	path		string	true	"village code, dotted or 10 digits"	example(35.78.01.1001)
//	@Success	200		{object}	Village
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/villages/{code} [get]
func (h *handlers) getVillage(c echo.Context) error {
	return getLevel(h, c, region.LevelVillage, toVillage)
}

// createVillage godoc
//
//	@Summary	Create a village
//	@Tags		regions
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		body	body		VillageInput	true	"the new village"
//	@Success	201		{object}	Village
//	@Header		201		{string}	Location	"the path of the new region"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	409		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/villages [post]
func (h *handlers) createVillage(c echo.Context) error {
	return createLevel[VillageInput](h, c, region.LevelVillage, toVillage)
}

// patchVillage godoc
//
//	@Summary	Rename a village
//	@Tags		regions
//	@Accept		json
//	@Produce	json
//	@Security	BearerKey
//	@Param		code	path		string		true	"village code"
//	@Param		body	body		RegionPatch	true	"fields to change"
//	@Success	200		{object}	Village
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Failure	422		{object}	Problem
//	@Router		/v1/villages/{code} [patch]
func (h *handlers) patchVillage(c echo.Context) error {
	return patchLevel(h, c, region.LevelVillage, toVillage)
}

// deleteVillage godoc
//
//	@Summary	Delete a village
//	@Tags		regions
//	@Security	BearerKey
//	@Param		code	path	string	true	"village code"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	409	{object}	Problem
//	@Router		/v1/villages/{code} [delete]
func (h *handlers) deleteVillage(c echo.Context) error {
	return deleteLevel(h, c, region.LevelVillage)
}

// getRegion godoc
//
//	@Summary	Get a region of any level with its ancestors
//	@Tags		regions
//	@Produce	json
//	@Param		code	path		string	true	"any region code, dotted or not"	example(35.78)
//	@Success	200		{object}	Region
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/regions/{code} [get]
func (h *handlers) getRegion(c echo.Context) error {
	ctx := c.Request().Context()
	r, err := h.svc.Regions.Get(ctx, c.Param("code"), "")
	if err != nil {
		return err
	}
	n, err := h.svc.Regions.ChildCount(ctx, r.Code)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRegion(r, n))
}

// listChildren godoc
//
//	@Summary	List the regions directly below a region
//	@Tags		regions
//	@Produce	json,text/csv
//	@Param		code	path		string	true	"any region code"	example(64)
//	@Param		q		query		string	false	"case-insensitive substring of the name"
//	@Param		sort	query		string	false	"code, name; prefix - for descending"	default(code)
//	@Param		fields	query		string	false	"comma-separated fields to return"
//	@Param		format	query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param		limit	query		int		false	"page size, 1–1000"							default(50)
//	@Param		offset	query		int		false	"rows to skip"								default(0)
//	@Success	200		{object}	RegionItemList
//	@Header		200		{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	404		{object}	Problem
//	@Router		/v1/regions/{code}/children [get]
func (h *handlers) listChildren(c echo.Context) error {
	q := &query{c: c}
	f := region.Filter{Page: q.page(), Sort: q.sort(region.SortFields), Q: q.text("q", 100)}
	out := newListOut[RegionItem](q)
	if q.err != nil {
		return q.err
	}
	rs, total, err := h.svc.Regions.Children(c.Request().Context(), c.Param("code"), f)
	if err != nil {
		return err
	}
	return out.write(c, convertAll(rs, toRegionItem), f.Page, total)
}
