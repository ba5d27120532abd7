package region

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
)

func TestParseCode(t *testing.T) {
	tests := []struct {
		in        string
		wantCode  string
		wantLevel Level
		wantErr   bool
	}{
		// dotted, every level
		{in: "35", wantCode: "35", wantLevel: LevelProvince},
		{in: "35.78", wantCode: "35.78", wantLevel: LevelRegency},
		{in: "35.78.01", wantCode: "35.78.01", wantLevel: LevelDistrict},
		{in: "35.78.01.1001", wantCode: "35.78.01.1001", wantLevel: LevelVillage},
		// undotted 2/4/6/10 digits
		{in: "64", wantCode: "64", wantLevel: LevelProvince},
		{in: "3578", wantCode: "35.78", wantLevel: LevelRegency},
		{in: "357801", wantCode: "35.78.01", wantLevel: LevelDistrict},
		{in: "3578011001", wantCode: "35.78.01.1001", wantLevel: LevelVillage},
		// surrounding whitespace is trimmed
		{in: "  35.78 ", wantCode: "35.78", wantLevel: LevelRegency},
		{in: "\t3578011001\n", wantCode: "35.78.01.1001", wantLevel: LevelVillage},
		// only the shape is checked: zero segments parse
		{in: "00.00", wantCode: "00.00", wantLevel: LevelRegency},

		// bad shapes
		{in: "", wantErr: true},
		{in: "   ", wantErr: true},
		{in: ".", wantErr: true},
		{in: "3a", wantErr: true},
		{in: "35.7a", wantErr: true},
		{in: "ab.cd", wantErr: true},
		{in: "35780a1001", wantErr: true},
		{in: "35.78.01.1001.01", wantErr: true}, // five segments
		{in: "35.78.01.1001.", wantErr: true},
		{in: "35.78.", wantErr: true},
		{in: ".35", wantErr: true},
		{in: "35..01", wantErr: true},
		{in: "3.78", wantErr: true},           // wrong width
		{in: "35.7", wantErr: true},           // wrong width
		{in: "35.078", wantErr: true},         // wrong width
		{in: "35.78.1", wantErr: true},        // wrong width
		{in: "35.78.01.101", wantErr: true},   // wrong width
		{in: "35.78.01.10010", wantErr: true}, // wrong width
		{in: "357.8", wantErr: true},
		{in: "3", wantErr: true},           // 1 digit
		{in: "357", wantErr: true},         // 3 digits
		{in: "35780", wantErr: true},       // 5 digits
		{in: "3578011", wantErr: true},     // 7 digits
		{in: "35780110", wantErr: true},    // 8 digits
		{in: "357801100", wantErr: true},   // 9 digits
		{in: "35780110011", wantErr: true}, // 11 digits
		{in: "35 78", wantErr: true},       // inner space
		{in: "-35", wantErr: true},         // sign
		{in: "+3578", wantErr: true},       // sign
		{in: "٣٥", wantErr: true},          // non-ASCII digits
		{in: "35.78.01.1001\x00", wantErr: true},
	}
	for _, tt := range tests {
		code, level, err := ParseCode(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseCode(%q) = %q, %q, nil; want an error", tt.in, code, level)
				continue
			}
			if k := apperr.KindOf(err); k != apperr.BadRequest {
				t.Errorf("ParseCode(%q) error kind = %v, want %v", tt.in, k, apperr.BadRequest)
			}
			if code != "" || level != "" {
				t.Errorf("ParseCode(%q) = %q, %q with an error; want empty results", tt.in, code, level)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseCode(%q): unexpected error %v", tt.in, err)
			continue
		}
		got := [2]string{code, string(level)}
		want := [2]string{tt.wantCode, string(tt.wantLevel)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseCode(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseCodeAt(t *testing.T) {
	tests := []struct {
		in      string
		level   Level
		want    string
		wantErr apperr.Kind // Internal: no error
	}{
		{"35", LevelProvince, "35", apperr.Internal},
		{"3578", LevelRegency, "35.78", apperr.Internal},
		{"35.78.01", LevelDistrict, "35.78.01", apperr.Internal},
		{"3578011001", LevelVillage, "35.78.01.1001", apperr.Internal},
		{"35.78", LevelProvince, "", apperr.BadRequest},
		{"35", LevelVillage, "", apperr.BadRequest},
		{"35.78.01.1001", LevelDistrict, "", apperr.BadRequest},
		{"bogus", LevelProvince, "", apperr.BadRequest},
		{"", LevelRegency, "", apperr.BadRequest},
	}
	for _, tt := range tests {
		got, err := ParseCodeAt(tt.in, tt.level)
		if tt.wantErr == apperr.Internal {
			if err != nil {
				t.Errorf("ParseCodeAt(%q, %s): unexpected error %v", tt.in, tt.level, err)
			}
		} else if k := apperr.KindOf(err); err == nil || k != tt.wantErr {
			t.Errorf("ParseCodeAt(%q, %s) error = %v (kind %v), want kind %v", tt.in, tt.level, err, k, tt.wantErr)
		}
		if got != tt.want {
			t.Errorf("ParseCodeAt(%q, %s) = %q, want %q", tt.in, tt.level, got, tt.want)
		}
	}
}

func TestParseCodeAtNamesLevels(t *testing.T) {
	_, err := ParseCodeAt("35.78", LevelVillage)
	want := `"35.78" is a regency code, want a village code`
	if err == nil || err.Error() != want {
		t.Errorf("ParseCodeAt(35.78, village) error = %v, want %q", err, want)
	}
}

func TestParentCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"35", ""},
		{"35.78", "35"},
		{"35.78.01", "35.78"},
		{"35.78.01.1001", "35.78.01"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ParentCode(tt.in); got != tt.want {
			t.Errorf("ParentCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAncestorCodes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"35", nil},
		{"35.78", []string{"35"}},
		{"35.78.01", []string{"35", "35.78"}},
		{"35.78.01.1001", []string{"35", "35.78", "35.78.01"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, AncestorCodes(tt.in)); diff != "" {
			t.Errorf("AncestorCodes(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestTypeOf(t *testing.T) {
	tests := []struct {
		code   string
		level  Level
		want   string
		wantOK bool
	}{
		{"35.00", LevelRegency, "", false},
		{"35.01", LevelRegency, TypeKabupaten, true},
		{"35.09", LevelRegency, TypeKabupaten, true},
		{"35.10", LevelRegency, TypeKabupaten, true},
		{"35.69", LevelRegency, TypeKabupaten, true},
		{"35.70", LevelRegency, "", false},
		{"35.71", LevelRegency, TypeKota, true},
		{"35.78", LevelRegency, TypeKota, true},
		{"35.99", LevelRegency, TypeKota, true},
		{"35.78.01.0001", LevelVillage, "", false},
		{"35.78.01.1001", LevelVillage, TypeKelurahan, true},
		{"35.78.01.1999", LevelVillage, TypeKelurahan, true},
		{"35.07.01.2001", LevelVillage, TypeDesa, true},
		{"91.03.01.3001", LevelVillage, TypeDesaAdat, true},
		{"35.78.01.4001", LevelVillage, "", false},
		{"35.78.01.9001", LevelVillage, "", false},
		// provinces and districts have no type, and that is fine
		{"35", LevelProvince, "", true},
		{"35.78.01", LevelDistrict, "", true},
	}
	for _, tt := range tests {
		got, ok := TypeOf(tt.code, tt.level)
		if diff := cmp.Diff(struct {
			Type string
			OK   bool
		}{tt.want, tt.wantOK}, struct {
			Type string
			OK   bool
		}{got, ok}); diff != "" {
			t.Errorf("TypeOf(%q, %s) mismatch (-want +got):\n%s", tt.code, tt.level, diff)
		}
	}
}

func TestTypesOf(t *testing.T) {
	tests := []struct {
		level Level
		want  []string
	}{
		{LevelProvince, nil},
		{LevelRegency, []string{"kabupaten", "kota"}},
		{LevelDistrict, nil},
		{LevelVillage, []string{"desa", "kelurahan", "desa_adat"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, TypesOf(tt.level)); diff != "" {
			t.Errorf("TypesOf(%s) mismatch (-want +got):\n%s", tt.level, diff)
		}
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		level  Level
		depth  int
		child  Level
		parent Level
	}{
		{LevelProvince, 1, LevelRegency, ""},
		{LevelRegency, 2, LevelDistrict, LevelProvince},
		{LevelDistrict, 3, LevelVillage, LevelRegency},
		{LevelVillage, 4, "", LevelDistrict},
		{"bogus", 0, "", ""},
		{"", 0, "", ""},
	}
	for _, tt := range tests {
		got := []any{tt.level.Depth(), tt.level.Child(), tt.level.parent()}
		want := []any{tt.depth, tt.child, tt.parent}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Level(%q) Depth, Child, parent mismatch (-want +got):\n%s", tt.level, diff)
		}
	}
}
