package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// allCodes lists the fixture's codes at a depth (1 province … 4 village) in
// code order.
func allCodes(depth int) []string {
	var out []string
	for _, f := range fixture {
		if strings.Count(f.code, ".") == depth-1 {
			out = append(out, f.code)
		}
	}
	slices.Sort(out)
	return out
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// pageOf decodes the page of a list answer.
func pageOf(t *testing.T, res response) httpapi.Page {
	t.Helper()
	var list struct {
		Page httpapi.Page `json:"page"`
	}
	if err := json.Unmarshal(res.body, &list); err != nil {
		t.Fatalf("decode list: %v\n%s", err, res.body)
	}
	return list.Page
}

func TestListFilters(t *testing.T) {
	villagesByName := []string{ // Busui, Desa Adat Yoboi, Dukuh Kupang, Dukuh Pakis, Karang Pilang, Kebraon, Kedungbocok, Mliriprowo, Samurangau
		"64.01.01.2010", "91.03.01.3007", "35.78.21.1002", "35.78.21.1001", "35.78.01.1001",
		"35.78.01.1002", "35.15.01.2002", "35.15.01.2001", "64.01.01.2009"}
	regenciesByName := []string{"91.03", "64.01", "35.15", "64.72", "35.78"}
	tests := []struct {
		target string
		want   []string
	}{
		{"/v1/provinces", allCodes(1)},
		{"/v1/provinces?q=timur", []string{"35", "64"}},
		{"/v1/provinces?q=TIMUR", []string{"35", "64"}},
		{"/v1/provinces?sort=-code", []string{"91", "64", "35"}},
		{"/v1/provinces?sort=-name", []string{"91", "64", "35"}},
		{"/v1/provinces?sort=code", []string{"35", "64", "91"}},

		{"/v1/regencies", allCodes(2)},
		{"/v1/regencies?province=35", []string{"35.15", "35.78"}},
		{"/v1/regencies?province=64,91", []string{"64.01", "64.72", "91.03"}},
		{"/v1/regencies?province=35,+64,35", []string{"35.15", "35.78", "64.01", "64.72"}},
		{"/v1/regencies?province=99", []string{}},
		{"/v1/regencies?type=kota", []string{"35.78", "64.72"}},
		{"/v1/regencies?type=kabupaten&province=64", []string{"64.01"}},
		{"/v1/regencies?type=kota,kabupaten&province=91", []string{"91.03"}},
		{"/v1/regencies?q=KOTA", []string{"35.78", "64.72"}},
		{"/v1/regencies?sort=name", regenciesByName},
		{"/v1/regencies?sort=-name", reversed(regenciesByName)},

		{"/v1/districts", allCodes(3)},
		{"/v1/districts?province=35", []string{"35.15.01", "35.78.01", "35.78.21"}},
		{"/v1/districts?regency=35.78", []string{"35.78.01", "35.78.21"}},
		{"/v1/districts?regency=3578", []string{"35.78.01", "35.78.21"}},
		{"/v1/districts?regency=3578,64.01", []string{"35.78.01", "35.78.21", "64.01.01", "64.01.02"}},
		{"/v1/districts?province=64&regency=64.01", []string{"64.01.01", "64.01.02"}},
		{"/v1/districts?province=35&regency=64.01", []string{}},
		{"/v1/districts?q=Pakis", []string{"35.78.21"}},
		{"/v1/districts?sort=-code&province=64", []string{"64.01.02", "64.01.01"}},

		{"/v1/villages", allCodes(4)},
		{"/v1/villages?province=35", []string{"35.15.01.2001", "35.15.01.2002", "35.78.01.1001", "35.78.01.1002", "35.78.21.1001", "35.78.21.1002"}},
		{"/v1/villages?regency=35.78", []string{"35.78.01.1001", "35.78.01.1002", "35.78.21.1001", "35.78.21.1002"}},
		{"/v1/villages?district=35.78.21", []string{"35.78.21.1001", "35.78.21.1002"}},
		{"/v1/villages?district=357821", []string{"35.78.21.1001", "35.78.21.1002"}},
		{"/v1/villages?district=35.78.21,640101", []string{"35.78.21.1001", "35.78.21.1002", "64.01.01.2009", "64.01.01.2010"}},
		{"/v1/villages?province=35&regency=35.78&district=35.78.01", []string{"35.78.01.1001", "35.78.01.1002"}},
		{"/v1/villages?type=desa", []string{"35.15.01.2001", "35.15.01.2002", "64.01.01.2009", "64.01.01.2010"}},
		{"/v1/villages?type=kelurahan&regency=3578", []string{"35.78.01.1001", "35.78.01.1002", "35.78.21.1001", "35.78.21.1002"}},
		{"/v1/villages?type=desa_adat", []string{"91.03.01.3007"}},
		{"/v1/villages?type=desa,desa_adat&province=64,91", []string{"64.01.01.2009", "64.01.01.2010", "91.03.01.3007"}},
		{"/v1/villages?q=KUPANG", []string{"35.78.21.1002"}},
		{"/v1/villages?q=kupang", []string{"35.78.21.1002"}},
		{"/v1/villages?q=dUkUh", []string{"35.78.21.1001", "35.78.21.1002"}},
		{"/v1/villages?q=desa+adat", []string{"91.03.01.3007"}},
		{"/v1/villages?q=%25", []string{}}, // LIKE wildcards are literal
		{"/v1/villages?q=_", []string{}},
		{"/v1/villages?q=karang&district=35.78.01", []string{"35.78.01.1001"}},
		{"/v1/villages?sort=name", villagesByName},
		{"/v1/villages?sort=-name", reversed(villagesByName)},
		{"/v1/villages?sort=-code", reversed(allCodes(4))},
		{"/v1/villages?sort=-code&type=desa&limit=2", []string{"64.01.01.2010", "64.01.01.2009"}},

		{"/v1/regions/35/children", []string{"35.15", "35.78"}},
		{"/v1/regions/3578/children", []string{"35.78.01", "35.78.21"}},
		{"/v1/regions/35.78.21/children", []string{"35.78.21.1001", "35.78.21.1002"}},
		{"/v1/regions/3578211002/children", []string{}},
		{"/v1/regions/35.78/children?q=DUKUH", []string{"35.78.21"}},
		{"/v1/regions/64/children?sort=-code", []string{"64.72", "64.01"}},
		{"/v1/regions/35.78.21/children?sort=name", []string{"35.78.21.1002", "35.78.21.1001"}},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.target, func(t *testing.T) {
				res := a.do(t, request{target: tt.target})
				wantStatus(t, tt.target, res, http.StatusOK)
				if diff := cmp.Diff(tt.want, codesOf(t, res)); diff != "" {
					t.Errorf("codes mismatch (-want +got):\n%s", diff)
				}
				if got := pageOf(t, res).Total; got != len(tt.want) && !strings.Contains(tt.target, "limit=") {
					t.Errorf("page.total = %d, want %d", got, len(tt.want))
				}
			})
		}
	})
}

// TestListBodies compares whole list answers, every field of every item.
func TestListBodies(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		get := func(target string) response {
			res := a.do(t, request{target: target})
			wantStatus(t, target, res, http.StatusOK)
			return res
		}
		t.Run("provinces", func(t *testing.T) {
			want := httpapi.ProvinceList{Page: httpapi.Page{Limit: 50, Total: 3}}
			for _, c := range allCodes(1) {
				want.Data = append(want.Data, wantProvince(c))
			}
			if diff := cmp.Diff(want, decode[httpapi.ProvinceList](t, get("/v1/provinces"))); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
		t.Run("regencies", func(t *testing.T) {
			want := httpapi.RegencyList{Page: httpapi.Page{Limit: 50, Total: 5}}
			for _, c := range allCodes(2) {
				want.Data = append(want.Data, wantRegency(c))
			}
			if diff := cmp.Diff(want, decode[httpapi.RegencyList](t, get("/v1/regencies"))); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
		t.Run("districts", func(t *testing.T) {
			want := httpapi.DistrictList{Page: httpapi.Page{Limit: 50, Total: 6}}
			for _, c := range allCodes(3) {
				want.Data = append(want.Data, wantDistrict(c))
			}
			if diff := cmp.Diff(want, decode[httpapi.DistrictList](t, get("/v1/districts"))); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
		t.Run("villages", func(t *testing.T) {
			want := httpapi.VillageList{Page: httpapi.Page{Limit: 50, Total: 9}}
			for _, c := range allCodes(4) {
				want.Data = append(want.Data, wantVillage(c))
			}
			if diff := cmp.Diff(want, decode[httpapi.VillageList](t, get("/v1/villages"))); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
		t.Run("children", func(t *testing.T) {
			want := httpapi.RegionItemList{
				Data: []httpapi.RegionItem{
					{Code: "35.15", Name: "Kabupaten Sidoarjo", Level: "regency", Type: ptr("kabupaten"), ParentCode: ptr("35")},
					{Code: "35.78", Name: "Kota Surabaya", Level: "regency", Type: ptr("kota"), ParentCode: ptr("35")},
				},
				Page: httpapi.Page{Limit: 50, Total: 2},
			}
			if diff := cmp.Diff(want, decode[httpapi.RegionItemList](t, get("/v1/regions/35/children"))); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			want = httpapi.RegionItemList{
				Data: []httpapi.RegionItem{
					{Code: "35.78.21", Name: "Dukuh Pakis", Level: "district", ParentCode: ptr("35.78")},
				},
				Page: httpapi.Page{Limit: 1, Offset: 1, Total: 2},
			}
			if diff := cmp.Diff(want, decode[httpapi.RegionItemList](t, get("/v1/regions/35.78/children?limit=1&offset=1"))); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	})
}

func TestListFields(t *testing.T) {
	type obj = map[string]any
	tests := []struct {
		target string
		want   []obj
	}{
		{"/v1/provinces?fields=name", []obj{{"name": "Jawa Timur"}, {"name": "Kalimantan Timur"}, {"name": "Papua"}}},
		{"/v1/provinces?fields=name,name&q=papua", []obj{{"name": "Papua"}}},
		{"/v1/regencies?fields=type&province=64", []obj{{"type": "kabupaten"}, {"type": "kota"}}},
		{"/v1/regencies?fields=province_name,code&province=91", []obj{{"code": "91.03", "province_name": "Papua"}}},
		{"/v1/districts?fields=code,regency_name&regency=64.01", []obj{
			{"code": "64.01.01", "regency_name": "Kabupaten Paser"}, {"code": "64.01.02", "regency_name": "Kabupaten Paser"}}},
		{"/v1/villages?fields=code,name&district=35.78.21", []obj{
			{"code": "35.78.21.1001", "name": "Dukuh Pakis"}, {"code": "35.78.21.1002", "name": "Dukuh Kupang"}}},
		{"/v1/villages?fields=type,district_name&type=desa_adat", []obj{{"type": "desa_adat", "district_name": "Sentani"}}},
		{"/v1/regions/35/children?fields=code,parent_code", []obj{
			{"code": "35.15", "parent_code": "35"}, {"code": "35.78", "parent_code": "35"}}},
		{"/v1/regions/35.78/children?fields=level,type", []obj{
			{"level": "district", "type": nil}, {"level": "district", "type": nil}}},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.target, func(t *testing.T) {
				res := a.do(t, request{target: tt.target})
				wantStatus(t, tt.target, res, http.StatusOK)
				got := decode[struct {
					Data []obj        `json:"data"`
					Page httpapi.Page `json:"page"`
				}](t, res)
				if diff := cmp.Diff(tt.want, got.Data); diff != "" {
					t.Errorf("data mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestListPaging(t *testing.T) {
	link := func(path, query string, rels ...string) string {
		var parts []string
		for i := 0; i < len(rels); i += 2 {
			parts = append(parts, fmt.Sprintf(`<%s?%s>; rel="%s"`, path, strings.ReplaceAll(query, "OFFSET", rels[i+1]), rels[i]))
		}
		return strings.Join(parts, ", ")
	}
	villages := allCodes(4) // 9 of them
	tests := []struct {
		target string
		codes  []string
		page   httpapi.Page
		link   string
	}{
		{"/v1/villages?limit=2", villages[:2], httpapi.Page{Limit: 2, Offset: 0, Total: 9},
			link("/v1/villages", "limit=2&offset=OFFSET", "first", "0", "next", "2", "last", "8")},
		{"/v1/villages?limit=2&offset=2", villages[2:4], httpapi.Page{Limit: 2, Offset: 2, Total: 9},
			link("/v1/villages", "limit=2&offset=OFFSET", "first", "0", "prev", "0", "next", "4", "last", "8")},
		{"/v1/villages?limit=2&offset=8", villages[8:], httpapi.Page{Limit: 2, Offset: 8, Total: 9},
			link("/v1/villages", "limit=2&offset=OFFSET", "first", "0", "prev", "6", "last", "8")},
		{"/v1/villages?limit=4&offset=7", villages[7:], httpapi.Page{Limit: 4, Offset: 7, Total: 9},
			link("/v1/villages", "limit=4&offset=OFFSET", "first", "0", "prev", "3", "last", "8")},
		{"/v1/villages?limit=1000", villages, httpapi.Page{Limit: 1000, Offset: 0, Total: 9},
			link("/v1/villages", "limit=1000&offset=OFFSET", "first", "0", "last", "0")},
		{"/v1/villages?offset=20", []string{}, httpapi.Page{Limit: 50, Offset: 20, Total: 9},
			link("/v1/villages", "limit=50&offset=OFFSET", "first", "0", "prev", "0", "last", "0")},
		// Past the end, prev is the last page, not another page past it.
		{"/v1/villages?limit=2&offset=20", []string{}, httpapi.Page{Limit: 2, Offset: 20, Total: 9},
			link("/v1/villages", "limit=2&offset=OFFSET", "first", "0", "prev", "8", "last", "8")},
		{"/v1/villages?province=35&limit=2&offset=2", villages[2:4], httpapi.Page{Limit: 2, Offset: 2, Total: 6},
			link("/v1/villages", "limit=2&offset=OFFSET&province=35", "first", "0", "prev", "0", "next", "4", "last", "4")},
		{"/v1/regencies?type=kota&limit=1", []string{"35.78"}, httpapi.Page{Limit: 1, Offset: 0, Total: 2},
			link("/v1/regencies", "limit=1&offset=OFFSET&type=kota", "first", "0", "next", "1", "last", "1")},
		{"/v1/provinces", allCodes(1), httpapi.Page{Limit: 50, Offset: 0, Total: 3},
			link("/v1/provinces", "limit=50&offset=OFFSET", "first", "0", "last", "0")},
		{"/v1/regencies?province=99", []string{}, httpapi.Page{Limit: 50, Offset: 0, Total: 0},
			link("/v1/regencies", "limit=50&offset=OFFSET&province=99", "first", "0", "last", "0")},
		{"/v1/regions/35.78/children?limit=1&offset=1", []string{"35.78.21"}, httpapi.Page{Limit: 1, Offset: 1, Total: 2},
			link("/v1/regions/35.78/children", "limit=1&offset=OFFSET", "first", "0", "prev", "0", "last", "1")},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.target, func(t *testing.T) {
				res := a.do(t, request{target: tt.target})
				wantStatus(t, tt.target, res, http.StatusOK)
				if diff := cmp.Diff(tt.codes, codesOf(t, res)); diff != "" {
					t.Errorf("codes mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.page, pageOf(t, res)); diff != "" {
					t.Errorf("page mismatch (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.link, res.header.Get("Link")); diff != "" {
					t.Errorf("Link mismatch (-want +got):\n%s", diff)
				}
				if got, want := res.header.Get("X-Total-Count"), strconv.Itoa(tt.page.Total); got != want {
					t.Errorf("X-Total-Count = %q, want %s", got, want)
				}
			})
		}
	})
}

// jsonKeys lists the keys of the first item of a list answer in the order
// the body has them.
func jsonKeys(t *testing.T, body []byte) []string {
	t.Helper()
	var list struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.Data) == 0 {
		t.Fatalf("list with items: %v\n%s", err, body)
	}
	dec := json.NewDecoder(bytes.NewReader(list.Data[0]))
	var keys []string
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// cells renders the items of a JSON list answer as CSV would: one row per
// item, in the given columns, strings plain and null empty.
func cells(t *testing.T, body []byte, cols []string) [][]string {
	t.Helper()
	var list struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("decode list: %v", err)
	}
	rows := [][]string{}
	for _, item := range list.Data {
		var row []string
		for _, c := range cols {
			v, ok := item[c]
			switch {
			case !ok:
				t.Fatalf("JSON item lacks %q: %v", c, item)
			case v == nil:
				row = append(row, "")
			default:
				row = append(row, fmt.Sprint(v))
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func TestListCSV(t *testing.T) {
	tests := []struct {
		query  string // without format
		header []string
	}{
		{"/v1/provinces", []string{"code", "name"}},
		{"/v1/regencies?province=35,64", []string{"code", "name", "type", "province_code", "province_name"}},
		{"/v1/districts?regency=3578", []string{"code", "name", "regency_code", "province_code", "regency_name", "province_name"}},
		{"/v1/villages", []string{"code", "name", "type", "district_code", "regency_code", "province_code",
			"district_name", "regency_name", "province_name"}},
		{"/v1/villages?q=kupang", []string{"code", "name", "type", "district_code", "regency_code", "province_code",
			"district_name", "regency_name", "province_name"}},
		{"/v1/villages?fields=name,code&sort=-code&limit=3&offset=1", []string{"name", "code"}},
		{"/v1/regions/35.78/children", []string{"code", "name", "level", "type", "parent_code"}},
		{"/v1/regions/35/children?fields=type,code", []string{"type", "code"}},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				sep := "?"
				if strings.Contains(tt.query, "?") {
					sep = "&"
				}
				js := a.do(t, request{target: tt.query})
				wantStatus(t, tt.query, js, http.StatusOK)
				if diff := cmp.Diff(tt.header, jsonKeys(t, js.body)); diff != "" {
					t.Errorf("JSON keys mismatch (-want +got):\n%s", diff)
				}
				wantRows := cells(t, js.body, tt.header)
				for _, r := range []request{
					{target: tt.query + sep + "format=csv"},
					{target: tt.query, header: map[string]string{"Accept": "text/csv"}},
					{target: tt.query, header: map[string]string{"Accept": "text/csv;q=0.9, application/json;q=0.1"}},
				} {
					res := a.do(t, r)
					wantStatus(t, r.target, res, http.StatusOK)
					if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
						t.Errorf("%s %v: Content-Type = %q, want text/csv; charset=utf-8", r.target, r.header, ct)
					}
					// The links keep every parameter, format=csv included.
					wantLink := js.header.Get("Link")
					if strings.Contains(r.target, "format=csv") {
						wantLink = strings.ReplaceAll(wantLink, "?limit=", "?format=csv&limit=")
						wantLink = strings.ReplaceAll(wantLink, "?fields=name%2Ccode&limit=", "?fields=name%2Ccode&format=csv&limit=")
						wantLink = strings.ReplaceAll(wantLink, "?fields=type%2Ccode&limit=", "?fields=type%2Ccode&format=csv&limit=")
					}
					if diff := cmp.Diff(wantLink, res.header.Get("Link")); diff != "" {
						t.Errorf("%s %v: Link mismatch (-want +got):\n%s", r.target, r.header, diff)
					}
					if got, want := res.header.Get("X-Total-Count"), js.header.Get("X-Total-Count"); got != want || got == "" {
						t.Errorf("%s %v: X-Total-Count %q, the JSON answer's %q", r.target, r.header, got, want)
					}
					header, rows := readCSV(t, res)
					if diff := cmp.Diff(tt.header, header); diff != "" {
						t.Errorf("%s %v: CSV header mismatch (-want +got):\n%s", r.target, r.header, diff)
					}
					if diff := cmp.Diff(wantRows, rows); diff != "" {
						t.Errorf("%s %v: CSV rows differ from the JSON answer (-json +csv):\n%s", r.target, r.header, diff)
					}
				}
			})
		}
		t.Run("format=json wins over Accept", func(t *testing.T) {
			res := a.do(t, request{target: "/v1/provinces?format=json", header: map[string]string{"Accept": "text/csv"}})
			wantStatus(t, "format=json", res, http.StatusOK)
			if ct := res.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
		})
		t.Run("empty list has a header row", func(t *testing.T) {
			res := a.do(t, request{target: "/v1/regencies?province=99&format=csv"})
			wantStatus(t, "empty CSV", res, http.StatusOK)
			header, rows := readCSV(t, res)
			if diff := cmp.Diff([]string{"code", "name", "type", "province_code", "province_name"}, header); diff != "" {
				t.Errorf("CSV header mismatch (-want +got):\n%s", diff)
			}
			if len(rows) != 0 {
				t.Errorf("rows = %v, want none", rows)
			}
		})
	})
}
