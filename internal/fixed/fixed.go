// Package fixed is exact decimal arithmetic with four places, the precision
// in which Indonesia's village indices are published (IDM 0.7410). Values
// are parsed from and printed as decimal text, never through float64, so a
// score on a status boundary (0.4907) stays on it.
package fixed

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Places is the number of decimal places kept.
const Places = 4

// scale is 10^Places.
const scale = 10000

// Dec is a decimal with four places, held as an integer count of
// ten-thousandths.
type Dec int64

// ErrSyntax reports text that is not a decimal number.
var ErrSyntax = errors.New("not a decimal number")

// ErrRange reports a number too large to hold.
var ErrRange = errors.New("number too large")

// Parse reads a decimal such as "0.7410", "-12", "3.14159", or one in
// exponent notation such as "5e-1" or "7.41E-1" (JSON numbers may come so),
// exactly: the exponent moves the decimal point, never through float64.
// Digits beyond the fourth place are rounded half away from zero, as the
// published indices were rounded.
func Parse(s string) (Dec, error) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		return parseExp(s[:i], s[i+1:])
	}
	return parsePlain(s)
}

// maxShift bounds the exponent: a nonzero mantissa moved further up is out
// of range whatever its digits, and moved further down rounds to zero.
const maxShift = 64

// parseExp reads mantissa × 10^exp by rewriting it in plain notation.
func parseExp(mantissa, exp string) (Dec, error) {
	sign := ""
	if mantissa != "" && (mantissa[0] == '-' || mantissa[0] == '+') {
		sign, mantissa = mantissa[:1], mantissa[1:]
	}
	intPart, frac, _ := strings.Cut(mantissa, ".")
	if intPart == "" && frac == "" || !digits(intPart) || !digits(frac) {
		return 0, ErrSyntax
	}
	shift, ok := exponent(exp)
	if !ok {
		return 0, ErrSyntax
	}
	// The value is 0.ds × 10^point, ds starting with a nonzero digit.
	ds := strings.TrimLeft(intPart+frac, "0")
	if ds == "" {
		return 0, nil
	}
	point := len(intPart) - (len(intPart) + len(frac) - len(ds)) + shift
	switch {
	case point > maxShift:
		return 0, ErrRange
	case point < -Places-1: // below 10^-(Places+1): rounds to zero
		return 0, nil
	case point <= 0:
		return parsePlain(sign + "0." + strings.Repeat("0", -point) + ds)
	case point >= len(ds):
		return parsePlain(sign + ds + strings.Repeat("0", point-len(ds)))
	}
	return parsePlain(sign + ds[:point] + "." + ds[point:])
}

// exponent reads an exponent's optional sign and digits, saturating at
// ±2*maxShift (enough to tell every case of parseExp apart).
func exponent(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || !digits(s) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = min(n*10+int(s[i]-'0'), 2*maxShift)
	}
	if neg {
		n = -n
	}
	return n, true
}

// parsePlain reads plain notation: an optional sign, digits, a point.
func parsePlain(s string) (Dec, error) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" || hasDot && frac == "" && intPart == "" {
		return 0, ErrSyntax
	}
	if !digits(intPart) || !digits(frac) || (intPart == "" && !hasDot) {
		return 0, ErrSyntax
	}
	// Accumulate the magnitude in a uint64, which holds every int64
	// magnitude (MinInt64's included) with room for the rounding digit.
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var u uint64
	for i := 0; i < len(intPart); i++ {
		d := uint64(intPart[i] - '0')
		if u > (limit/scale-d)/10 {
			return 0, ErrRange
		}
		u = u*10 + d
	}
	u *= scale
	place := uint64(scale / 10)
	for i := 0; i < len(frac); i++ {
		d := uint64(frac[i] - '0')
		if i < Places {
			u += d * place
			place /= 10
			continue
		}
		if d >= 5 {
			u++
		}
		break
	}
	if u > limit {
		return 0, ErrRange
	}
	if neg {
		// For MinInt64 the negation wraps back onto itself, as wanted.
		return Dec(-int64(u)), nil
	}
	return Dec(u), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MustParse parses a literal known to be valid.
func MustParse(s string) Dec {
	d, err := Parse(s)
	if err != nil {
		panic("fixed: " + s + ": " + err.Error())
	}
	return d
}

// FromFloat rounds a float64 to four places, for values a database returns
// as floating point (SQLite REAL, averages).
func FromFloat(f float64) Dec { return Dec(math.Round(f * scale)) }

// FromInt returns n as a decimal.
func FromInt(n int64) Dec { return Dec(n * scale) }

// Float returns d as a float64 (for arithmetic where exactness is not needed).
func (d Dec) Float() float64 { return float64(d) / scale }

// Units returns the raw count of ten-thousandths.
func (d Dec) Units() int64 { return int64(d) }

// String prints d with exactly four places: 0.7410, -3.0000.
func (d Dec) String() string { return string(d.Append(make([]byte, 0, 24))) }

// Append appends d's String form to b.
func (d Dec) Append(b []byte) []byte {
	u := uint64(d)
	if d < 0 {
		// uint64(-d) is right for MinInt64 too, whose negation wraps.
		u = uint64(-d)
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, u/scale, 10)
	b = append(b, '.')
	frac := u % scale
	for p := uint64(scale / 10); p > frac && p > 1; p /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendUint(b, frac, 10)
}

// MarshalJSON writes d as a JSON number with four places.
func (d Dec) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalJSON reads a JSON number (or a string holding one). A JSON null
// leaves d unchanged, as encoding/json does for its own types. Anything
// else is a *json.UnmarshalTypeError, which encoding/json completes with
// the field's name: its Value is the JSON kind given ("bool", "string",
// "array", "object"), or "number <text>" for a number out of range.
func (d *Dec) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	kind := "number " + s
	switch {
	case strings.HasPrefix(s, `"`):
		kind = "string"
		if err := json.Unmarshal(b, &s); err != nil {
			return typeError(kind)
		}
	case strings.HasPrefix(s, "t"), strings.HasPrefix(s, "f"):
		return typeError("bool")
	case strings.HasPrefix(s, "["):
		return typeError("array")
	case strings.HasPrefix(s, "{"):
		return typeError("object")
	}
	v, err := Parse(s)
	if errors.Is(err, ErrSyntax) {
		return typeError("string")
	}
	if err != nil {
		return typeError(kind)
	}
	*d = v
	return nil
}

func typeError(kind string) error {
	return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[Dec]()}
}

// Mean returns the mean of ds rounded half away from zero to four places.
func Mean(ds ...Dec) Dec {
	var sum Dec
	for _, d := range ds {
		sum += d
	}
	return MeanOf(sum, len(ds))
}

// MeanOf returns the mean of n values whose sum is sum, rounded half away
// from zero to four places (0 when n is 0).
func MeanOf(sum Dec, n int) Dec {
	if n == 0 {
		return 0
	}
	q, r := int64(sum)/int64(n), int64(sum)%int64(n)
	if r < 0 {
		r = -r
	}
	if 2*r >= int64(n) {
		if sum < 0 {
			q--
		} else {
			q++
		}
	}
	return Dec(q)
}

// Ratio returns a/b rounded half away from zero to four places (b ≠ 0).
func Ratio(a, b int64) Dec {
	n := a * scale
	q, r := n/b, n%b
	if r < 0 {
		r = -r
	}
	if 2*r >= abs64(b) {
		if (n < 0) != (b < 0) {
			q--
		} else {
			q++
		}
	}
	return Dec(q)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
