package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestImportProgram loads the embedded example program, then again (an
// update in place), then documents that break a rule or are malformed.
func TestImportProgram(t *testing.T) {
	for _, d := range storetest.Engines {
		t.Run(string(d), func(t *testing.T) {
			vars := env(map[string]string{"DATABASE_URL": storetest.URL(t, d)})
			ctx := context.Background()
			dir := t.TempDir()
			regions := filepath.Join(dir, "regions.csv")
			// What the example refers to; no scores, so its filter finds no targets.
			csv := "code,name\n35,Jawa Timur\n64,Kalimantan Timur\n35.78,Kota Surabaya\n64.71,Kota Balikpapan\n"
			if err := os.WriteFile(regions, []byte(csv), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := run(ctx, []string{"import", "regions", "--file", regions}, vars, io.Discard, io.Discard); err != nil {
				t.Fatalf("import regions: %v", err)
			}
			var out bytes.Buffer
			if err := run(ctx, []string{"import", "program"}, vars, &out, io.Discard); err != nil {
				t.Fatalf("import program: %v", err)
			}
			if got := out.String(); !strings.HasPrefix(got, "created program kaltim-jatim-desa-berdaya") ||
				!strings.Contains(got, "agencies 3 created, 0 matched; 2 activities, 0 budget lines; targets 0 added") {
				t.Errorf("first import said %q", got)
			}
			out.Reset()
			if err := run(ctx, []string{"import", "program", "--file", filepath.Join("..", "..", "api", "examples", "kaltim-jatim.json")}, vars, &out, io.Discard); err != nil {
				t.Fatalf("import program --file: %v", err)
			}
			if got := out.String(); !strings.HasPrefix(got, "updated program kaltim-jatim-desa-berdaya") ||
				!strings.Contains(got, "agencies 0 created, 3 matched") {
				t.Errorf("second import said %q", got)
			}

			for _, tc := range []struct{ doc, want string }{
				{`{"program":{"code":"x","titel":"T"}}`, `unknown field "titel"`},
				{`{"program":{"code":"x","title":"T","scope":"provincial","status":"active","start_date":"2025-05-08",
"end_date":"2025-01-01","parties":[{"province_code":"64","role":"lead"}]}}`, "program.end_date"},
				{`{"program":{"code":"x","title":"T","scope":"provincial","status":"active","start_date":"2025-05-08",
"parties":[{"agency":"Nobody","role":"lead"}]}}`, `program.parties[0].agency: no agency named "Nobody"`},
				{`{"program":{"code":"x","title":"T","scope":"provincial","status":"active","start_date":"2025-05-08",
"parties":[{"province_code":"64","role":"lead"}]},"activities":[{"date":"2025-06-01","kind":"rakor","title":"T","region_code":"64.99"}]}`,
					"activities[0].region_code"},
			} {
				file := filepath.Join(dir, "doc.json")
				if err := os.WriteFile(file, []byte(tc.doc), 0o600); err != nil {
					t.Fatal(err)
				}
				err := run(ctx, []string{"import", "program", "--file", file}, vars, io.Discard, io.Discard)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("import of %s: err = %v, want one saying %s", tc.doc, err, tc.want)
				}
			}
			// A rejected document leaves nothing behind: the program x of the
			// last one was not stored, so a good x is created, not updated.
			good := filepath.Join(dir, "good.json")
			os.WriteFile(good, []byte(`{"program":{"code":"x","title":"T","scope":"provincial","status":"active","start_date":"2025-05-08",
"parties":[{"province_code":"64","role":"lead"}]}}`), 0o600)
			out.Reset()
			if err := run(ctx, []string{"import", "program", "--file", good}, vars, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "created program x") {
				t.Errorf("import of a good document: %q, %v", out.String(), err)
			}
		})
	}
}
