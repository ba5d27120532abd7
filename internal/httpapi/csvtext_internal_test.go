package httpapi

import (
	"reflect"
	"testing"

	"github.com/desa-api/desa-api/internal/fixed"
)

// TestCSVText checks the text-cell rule and that csvValue applies it by
// type: strings are text, a negative decimal or integer is not.
func TestCSVText(t *testing.T) {
	for _, tt := range []struct {
		in   any
		want string
	}{
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"", ""},
		{"Kota Samarinda", "Kota Samarinda"},
		{"a=1", "a=1"},
		{"'=1", "'=1"},
		{"64.01.01.2009", "64.01.01.2009"},
		{fixed.MustParse("-0.05"), "-0.0500"},
		{-3, "-3"},
		{-2.5, "-2.5"},
		{[]string{"=x"}, `["=x"]`},
	} {
		if got := csvValue(reflect.ValueOf(tt.in)); got != tt.want {
			t.Errorf("csvValue(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
