package store

import "testing"

// TestSQLLiteral: codes become quoted literals; anything that could end a
// literal early or mean something else under another server setting is
// refused.
func TestSQLLiteral(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"64", "'64'"},
		{"35.07.12.2001", "'35.07.12.2001'"},
		{"province", "'province'"},
		{"id_2024", "'id_2024'"},
		{"ipd-bps", "'ipd-bps'"},
	} {
		got, err := sqlLiteral(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("sqlLiteral(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "64'", "' OR 1=1 --", `64\`, "64 ", "6\x004", "sé", "64;", "a/*b*/"} {
		if got, err := sqlLiteral(in); err == nil {
			t.Errorf("sqlLiteral(%q) = %q, want an error", in, got)
		}
	}
}
