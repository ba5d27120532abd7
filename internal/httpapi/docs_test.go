package httpapi_test

import (
	"bytes"
	"io"
	"log"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/swaggo/swag"
	"github.com/swaggo/swag/gen"
)

// TestDocsUpToDate regenerates the swag documents the way `make docs` does
// (swag init -g doc.go -d internal/httpapi -o docs --outputTypes go,json,yaml)
// and fails when the committed docs/ differ: annotations changed without
// running make docs.
func TestDocsUpToDate(t *testing.T) {
	out := t.TempDir()
	err := gen.New().Build(&gen.Config{
		SearchDir:          "./",
		MainAPIFile:        "doc.go",
		OutputDir:          out,
		OutputTypes:        []string{"go", "json", "yaml"},
		PackageName:        "docs",
		PropNamingStrategy: swag.CamelCase,
		ParseDepth:         100,
		ParseGoList:        true,
		OverridesFile:      gen.DefaultOverridesFile,
		CollectionFormat:   "csv",
		LeftTemplateDelim:  "{{",
		RightTemplateDelim: "}}",
		Debugger:           log.New(io.Discard, "", 0),
	})
	if err != nil {
		t.Fatalf("swag: %v", err)
	}
	for _, name := range []string{"swagger.json", "swagger.yaml", "docs.go"} {
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatalf("generated %s: %v", name, err)
		}
		got, err := os.ReadFile(filepath.Join("..", "..", "docs", name))
		if err != nil {
			t.Fatalf("docs/ is stale: run make docs (%v)", err)
		}
		if !bytes.Equal(want, got) {
			t.Errorf("docs/ is stale: run make docs\ndocs/%s mismatch (-generated +committed):\n%s", name, cmp.Diff(string(want), string(got)))
		}
	}
}
