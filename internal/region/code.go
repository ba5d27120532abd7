package region

import (
	"strings"

	"github.com/desa-api/desa-api/internal/apperr"
)

// Level is a tier of the Kemendagri hierarchy.
type Level string

// The four levels, top down.
const (
	LevelProvince Level = "province"
	LevelRegency  Level = "regency"
	LevelDistrict Level = "district"
	LevelVillage  Level = "village"
)

// Levels lists the levels top down.
var Levels = []Level{LevelProvince, LevelRegency, LevelDistrict, LevelVillage}

// Depth is 1 for a province through 4 for a village.
func (l Level) Depth() int {
	for i, x := range Levels {
		if x == l {
			return i + 1
		}
	}
	return 0
}

// Child is the level below l, or "" for a village.
func (l Level) Child() Level {
	if d := l.Depth(); d > 0 && d < len(Levels) {
		return Levels[d]
	}
	return ""
}

// segment widths of a dotted code: 35.78.01.1001
var widths = [...]int{2, 2, 2, 4}

// ParseCode normalises a Kemendagri code given dotted (35.78.01.1001) or as
// plain digits (3578011001, 357801, 3578, 35) and reports its level. The
// result is always dotted. Only the shape is checked, not existence.
func ParseCode(s string) (string, Level, error) {
	s = strings.TrimSpace(s)
	var segs []string
	if strings.Contains(s, ".") {
		segs = strings.Split(s, ".")
		if len(segs) > len(widths) {
			return "", "", errBadCode
		}
		for i, seg := range segs {
			if len(seg) != widths[i] || !digits(seg) {
				return "", "", errBadCode
			}
		}
	} else {
		if !digits(s) {
			return "", "", errBadCode
		}
		rest := s
		for _, w := range widths {
			if rest == "" {
				break
			}
			if len(rest) < w {
				return "", "", errBadCode
			}
			segs, rest = append(segs, rest[:w]), rest[w:]
		}
		if rest != "" || len(segs) == 0 {
			return "", "", errBadCode
		}
	}
	return strings.Join(segs, "."), Levels[len(segs)-1], nil
}

var errBadCode = apperr.New(apperr.BadRequest, "not a Kemendagri code: want dotted digits such as 35, 35.78, 35.78.01 or 35.78.01.1001 (or the same without dots)")

// ParseCodeAt parses a code and requires it to be of the given level.
func ParseCodeAt(s string, want Level) (string, error) {
	code, level, err := ParseCode(s)
	if err != nil {
		return "", err
	}
	if level != want {
		return "", apperr.New(apperr.BadRequest, "%q is a %s code, want a %s code", code, level, want)
	}
	return code, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParentCode is the code of the region directly above code ("" for a province).
func ParentCode(code string) string {
	i := strings.LastIndexByte(code, '.')
	if i < 0 {
		return ""
	}
	return code[:i]
}

// AncestorCodes lists the codes above code, top down: 35.78.01.1001 gives
// 35, 35.78, 35.78.01.
func AncestorCodes(code string) []string {
	n := strings.Count(code, ".")
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n) // one allocation: bulk writes call this per row
	for i := 0; i < len(code); i++ {
		if code[i] == '.' {
			out = append(out, code[:i])
		}
	}
	return out
}

// Region types. A regency is a kabupaten or a kota; a village is a desa, a
// kelurahan or a desa adat. Provinces and districts have no type.
const (
	TypeKabupaten = "kabupaten"
	TypeKota      = "kota"
	TypeDesa      = "desa"
	TypeKelurahan = "kelurahan"
	TypeDesaAdat  = "desa_adat"
)

// TypesOf lists the types valid at a level.
func TypesOf(l Level) []string {
	switch l {
	case LevelRegency:
		return []string{TypeKabupaten, TypeKota}
	case LevelVillage:
		return []string{TypeDesa, TypeKelurahan, TypeDesaAdat}
	}
	return nil
}

// TypeOf derives a region's type from its (dotted, well-formed) code, as
// Kemendagri assigns them: regency numbers 01–69 are kabupaten and 71–99 kota;
// a village number starting with 1 is a kelurahan, 2 a desa, 3 a desa adat.
// It reports false for a code whose number falls outside those ranges.
func TypeOf(code string, level Level) (string, bool) {
	last := code[strings.LastIndexByte(code, '.')+1:]
	switch level {
	case LevelRegency:
		switch n := (int(last[0]-'0'))*10 + int(last[1]-'0'); {
		case n >= 1 && n <= 69:
			return TypeKabupaten, true
		case n >= 71 && n <= 99:
			return TypeKota, true
		}
		return "", false
	case LevelVillage:
		switch last[0] {
		case '1':
			return TypeKelurahan, true
		case '2':
			return TypeDesa, true
		case '3':
			return TypeDesaAdat, true
		}
		return "", false
	}
	return "", true
}
