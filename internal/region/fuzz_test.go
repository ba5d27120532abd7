package region_test

import (
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/region"
)

// FuzzParseCode: code normalisation never panics, answers dotted codes of
// the level its segment count says, and is idempotent.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"35", "35.78", "3578", "35.78.01.1001", "3578011001", " 64.01 ", "", ".", "35..78",
		"3x", "35.78.01.10011", "12345678901", "٣٥", "35.78.01.1001.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, level, err := region.ParseCode(s)
		if err != nil {
			return
		}
		if got := strings.Count(code, ".") + 1; got != level.Depth() {
			t.Fatalf("ParseCode(%q) = %q at level %s", s, code, level)
		}
		again, level2, err := region.ParseCode(code)
		if err != nil || again != code || level2 != level {
			t.Fatalf("ParseCode(%q) = %q, but ParseCode(%q) = %q, %v", s, code, code, again, err)
		}
		if undotted := strings.ReplaceAll(code, ".", ""); undotted != "" {
			if c, _, err := region.ParseCode(undotted); err != nil || c != code {
				t.Fatalf("undotted %q parses to %q, %v; want %q", undotted, c, err, code)
			}
		}
		if _, err := region.New(code, "x", ""); err != nil && !strings.Contains(err.Error(), "code") {
			t.Fatalf("New(%q) failed on something other than the code: %v", code, err)
		}
	})
}
