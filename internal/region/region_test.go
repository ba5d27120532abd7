package region

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name             string
		code, rname, typ string
		want             Region
	}{
		{
			name: "province", code: "35", rname: "Jawa Timur",
			want: Region{Code: "35", Level: LevelProvince, Name: "Jawa Timur", ProvinceCode: "35"},
		},
		{
			name: "kabupaten derived", code: "35.07", rname: "Kabupaten Malang",
			want: Region{Code: "35.07", Level: LevelRegency, Name: "Kabupaten Malang", Type: TypeKabupaten,
				ParentCode: "35", ProvinceCode: "35"},
		},
		{
			name: "kota restated, undotted", code: "3578", rname: "Kota Surabaya", typ: "kota",
			want: Region{Code: "35.78", Level: LevelRegency, Name: "Kota Surabaya", Type: TypeKota,
				ParentCode: "35", ProvinceCode: "35"},
		},
		{
			name: "district", code: "35.78.01", rname: "Karang Pilang",
			want: Region{Code: "35.78.01", Level: LevelDistrict, Name: "Karang Pilang",
				ParentCode: "35.78", ProvinceCode: "35", RegencyCode: "35.78"},
		},
		{
			name: "kelurahan", code: "3578011001", rname: "  Warugunung  ",
			want: Region{Code: "35.78.01.1001", Level: LevelVillage, Name: "Warugunung", Type: TypeKelurahan,
				ParentCode: "35.78.01", ProvinceCode: "35", RegencyCode: "35.78", DistrictCode: "35.78.01"},
		},
		{
			name: "desa", code: "35.07.01.2001", rname: "Kedungsalam", typ: "desa",
			want: Region{Code: "35.07.01.2001", Level: LevelVillage, Name: "Kedungsalam", Type: TypeDesa,
				ParentCode: "35.07.01", ProvinceCode: "35", RegencyCode: "35.07", DistrictCode: "35.07.01"},
		},
		{
			name: "desa adat", code: "91.03.01.3001", rname: "Kampung Adat",
			want: Region{Code: "91.03.01.3001", Level: LevelVillage, Name: "Kampung Adat", Type: TypeDesaAdat,
				ParentCode: "91.03.01", ProvinceCode: "91", RegencyCode: "91.03", DistrictCode: "91.03.01"},
		},
		{
			name: "name of exactly 200 bytes", code: "35", rname: strings.Repeat("a", 200),
			want: Region{Code: "35", Level: LevelProvince, Name: strings.Repeat("a", 200), ProvinceCode: "35"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(tt.code, tt.rname, tt.typ)
			if err != nil {
				t.Fatalf("New(%q, %q, %q): %v", tt.code, tt.rname, tt.typ, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("New(%q, %q, %q) mismatch (-want +got):\n%s", tt.code, tt.rname, tt.typ, diff)
			}
		})
	}
}

func TestNewRules(t *testing.T) {
	tests := []struct {
		name             string
		code, rname, typ string
		want             []apperr.FieldError
	}{
		{
			name: "bad code shape", code: "35.7", rname: "X",
			want: []apperr.FieldError{{Field: "code", Message: errBadCode.Message}},
		},
		{
			name: "empty code", code: "", rname: "X",
			want: []apperr.FieldError{{Field: "code", Message: errBadCode.Message}},
		},
		{
			name: "zero province", code: "00", rname: "X",
			want: []apperr.FieldError{{Field: "code", Message: `segment "00" of 00 is zero`}},
		},
		{
			name: "zero district", code: "35.78.00", rname: "X",
			want: []apperr.FieldError{{Field: "code", Message: `segment "00" of 35.78.00 is zero`}},
		},
		{
			name: "zero village", code: "35.78.01.0000", rname: "X",
			want: []apperr.FieldError{
				{Field: "code", Message: `segment "0000" of 35.78.01.0000 is zero`},
				{Field: "code", Message: "village number must start with 1 (kelurahan), 2 (desa) or 3 (desa_adat)"},
			},
		},
		{
			name: "zero regency is also out of range", code: "35.00", rname: "X",
			want: []apperr.FieldError{
				{Field: "code", Message: `segment "00" of 35.00 is zero`},
				{Field: "code", Message: "regency number must be 01–69 (kabupaten) or 71–99 (kota)"},
			},
		},
		{
			name: "regency 70", code: "35.70", rname: "X",
			want: []apperr.FieldError{{Field: "code", Message: "regency number must be 01–69 (kabupaten) or 71–99 (kota)"}},
		},
		{
			name: "village 4xxx", code: "35.78.01.4001", rname: "X",
			want: []apperr.FieldError{{Field: "code", Message: "village number must start with 1 (kelurahan), 2 (desa) or 3 (desa_adat)"}},
		},
		{
			name: "village 0xxx", code: "35.78.01.0001", rname: "X",
			want: []apperr.FieldError{{Field: "code", Message: "village number must start with 1 (kelurahan), 2 (desa) or 3 (desa_adat)"}},
		},
		{
			name: "name missing", code: "35", rname: "",
			want: []apperr.FieldError{{Field: "name", Message: "is required"}},
		},
		{
			name: "name blank", code: "35", rname: " \t ",
			want: []apperr.FieldError{{Field: "name", Message: "is required"}},
		},
		{
			name: "name too long", code: "35", rname: strings.Repeat("é", 101), // 202 bytes
			want: []apperr.FieldError{{Field: "name", Message: "is longer than 200 bytes"}},
		},
		{
			name: "type given for a province", code: "35", rname: "Jawa Timur", typ: "kota",
			want: []apperr.FieldError{{Field: "type", Message: "a province has no type"}},
		},
		{
			name: "type given for a district", code: "35.78.01", rname: "Karang Pilang", typ: "desa",
			want: []apperr.FieldError{{Field: "type", Message: "a district has no type"}},
		},
		{
			name: "regency type disagrees", code: "35.78", rname: "Kota Surabaya", typ: "kabupaten",
			want: []apperr.FieldError{{Field: "type", Message: "code 35.78 is a kota, not a kabupaten"}},
		},
		{
			name: "village type disagrees", code: "35.78.01.1001", rname: "Warugunung", typ: "desa",
			want: []apperr.FieldError{{Field: "type", Message: "code 35.78.01.1001 is a kelurahan, not a desa"}},
		},
		{
			name: "unknown type", code: "35.07.01.2001", rname: "Kedungsalam", typ: "kampung",
			want: []apperr.FieldError{{Field: "type", Message: "code 35.07.01.2001 is a desa, not a kampung"}},
		},
		{
			name: "every rule at once", code: "35.00", rname: "",
			want: []apperr.FieldError{
				{Field: "code", Message: `segment "00" of 35.00 is zero`},
				{Field: "name", Message: "is required"},
				{Field: "code", Message: "regency number must be 01–69 (kabupaten) or 71–99 (kota)"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(tt.code, tt.rname, tt.typ)
			if err == nil {
				t.Fatalf("New(%q, %q, %q) = %+v, want an error", tt.code, tt.rname, tt.typ, got)
			}
			if diff := cmp.Diff(Region{}, got); diff != "" {
				t.Errorf("New returned a region with an error (-want +got):\n%s", diff)
			}
			if k := apperr.KindOf(err); k != apperr.Invalid {
				t.Errorf("error kind = %v, want %v", k, apperr.Invalid)
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("error %T is not an *apperr.Error", err)
			}
			if diff := cmp.Diff(tt.want, ae.Fields); diff != "" {
				t.Errorf("field errors mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAncestors(t *testing.T) {
	tests := []struct {
		name string
		r    Region
		want []Ancestor
	}{
		{"province", Region{Code: "35", Level: LevelProvince, ProvinceCode: "35", ProvinceName: "Jawa Timur"}, nil},
		{
			"regency",
			Region{Code: "35.78", Level: LevelRegency, ProvinceCode: "35", ProvinceName: "Jawa Timur"},
			[]Ancestor{{"35", "Jawa Timur", LevelProvince}},
		},
		{
			"district",
			Region{Code: "35.78.01", Level: LevelDistrict, ProvinceCode: "35", ProvinceName: "Jawa Timur",
				RegencyCode: "35.78", RegencyName: "Kota Surabaya"},
			[]Ancestor{{"35", "Jawa Timur", LevelProvince}, {"35.78", "Kota Surabaya", LevelRegency}},
		},
		{
			"village",
			Region{Code: "35.78.01.1001", Level: LevelVillage, ProvinceCode: "35", ProvinceName: "Jawa Timur",
				RegencyCode: "35.78", RegencyName: "Kota Surabaya", DistrictCode: "35.78.01", DistrictName: "Karang Pilang"},
			[]Ancestor{{"35", "Jawa Timur", LevelProvince}, {"35.78", "Kota Surabaya", LevelRegency},
				{"35.78.01", "Karang Pilang", LevelDistrict}},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.r.Ancestors()); diff != "" {
			t.Errorf("%s: Ancestors mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}
