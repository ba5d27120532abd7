package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const module = "github.com/desa-api/desa-api"

// rule forbids the packages under from depending, directly or through any
// chain, on packages under any of forbid. Paths ending in "/" are plain
// prefixes; others match the package and its subpackages.
type rule struct {
	under  []string
	forbid []string
}

// domain lists the domain packages, present and planned (DESIGN.md §2);
// those that do not exist yet are skipped.
var domain = []string{
	module + "/internal/apperr",
	module + "/internal/paging",
	module + "/internal/fixed",
	module + "/internal/text",
	module + "/internal/region",
	module + "/internal/auth",
	module + "/internal/idempotency",
	module + "/internal/indicator",
	module + "/internal/cooperation",
	module + "/internal/stats",
	module + "/internal/audit",
}

var (
	echo    = "github.com/labstack/echo"
	gorm    = "gorm.io/"
	store   = module + "/internal/store"
	httpapi = module + "/internal/httpapi"
)

var rules = []rule{
	{under: domain, forbid: []string{echo, gorm, store, httpapi}},
	{under: []string{httpapi}, forbid: []string{gorm, store}},
	{under: []string{store}, forbid: []string{echo, httpapi}},
}

// within reports whether pkg is prefix or lies below it.
func within(pkg, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(pkg, prefix)
	}
	return pkg == prefix || strings.HasPrefix(pkg, prefix+"/")
}

func TestImportRules(t *testing.T) {
	graph := loadGraph(t, module+"/internal/...")
	var checked []string
	for _, r := range rules {
		for _, u := range r.under {
			for pkg := range graph {
				if within(pkg, u) {
					checked = append(checked, pkg)
				}
			}
		}
	}
	// Guard against a vacuous pass: the core packages must have been seen.
	for _, must := range []string{module + "/internal/region", module + "/internal/apperr", httpapi, store} {
		if !slices.Contains(checked, must) {
			t.Fatalf("go list did not report %s; the rules checked nothing for it (checked: %v)", must, checked)
		}
	}
	for _, v := range violations(graph, rules) {
		t.Error(v)
	}
}

// violations reports, for every package a rule covers and every forbidden
// package it reaches, the shortest import chain that gets there.
func violations(graph map[string][]string, rules []rule) []string {
	var out []string
	for _, r := range rules {
		var pkgs []string
		for pkg := range graph {
			for _, u := range r.under {
				if within(pkg, u) {
					pkgs = append(pkgs, pkg)
					break
				}
			}
		}
		slices.Sort(pkgs)
		for _, pkg := range pkgs {
			for _, chain := range forbiddenChains(graph, pkg, r.forbid) {
				out = append(out, fmt.Sprintf("%s must not import %s, but does: %s",
					short(pkg), short(chain[len(chain)-1]), strings.Join(shortAll(chain), " → ")))
			}
		}
	}
	return out
}

// forbiddenChains walks the graph breadth first from start and returns the
// shortest chain to each forbidden package reached first (it does not look
// beyond a forbidden package: one chain per way into the forbidden area).
func forbiddenChains(graph map[string][]string, start string, forbid []string) [][]string {
	parent := map[string]string{start: ""}
	queue := []string{start}
	var chains [][]string
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		for _, imp := range graph[pkg] {
			if _, seen := parent[imp]; seen {
				continue
			}
			parent[imp] = pkg
			if slices.ContainsFunc(forbid, func(f string) bool { return within(imp, f) }) {
				var chain []string
				for p := imp; p != ""; p = parent[p] {
					chain = append([]string{p}, chain...)
				}
				chains = append(chains, chain)
				continue
			}
			queue = append(queue, imp)
		}
	}
	return chains
}

func short(pkg string) string { return strings.TrimPrefix(pkg, module+"/") }

func shortAll(pkgs []string) []string {
	out := make([]string, len(pkgs))
	for i, p := range pkgs {
		out[i] = short(p)
	}
	return out
}

// loadGraph returns the import graph (package → its imports, without test
// files) of the packages matching pattern and all their dependencies.
func loadGraph(t *testing.T, pattern string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Imports,Error", pattern)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pattern, err, stderr.String())
	}
	graph := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Imports    []string
			Error      *struct{ Err string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		if p.Error != nil {
			t.Fatalf("go list: %s: %s", p.ImportPath, p.Error.Err)
		}
		graph[p.ImportPath] = p.Imports
	}
	if len(graph) == 0 {
		t.Fatalf("go list -deps %s listed no packages", pattern)
	}
	return graph
}

// TestViolations checks the checker on a made-up graph that breaks each
// rule, directly and through a chain.
func TestViolations(t *testing.T) {
	m := func(p string) string { return module + "/internal/" + p }
	graph := map[string][]string{
		m("region"):                   {m("apperr"), m("region/geo"), "strings"},
		m("region/geo"):               {m("store")},
		m("store"):                    {m("region"), "gorm.io/gorm", m("httpapi")},
		m("apperr"):                   {"fmt"},
		m("paging"):                   {"github.com/labstack/echo/v4"},
		m("httpapi"):                  {m("region"), m("httpapi/mw")},
		m("httpapi/mw"):               {"gorm.io/gorm/clause"},
		"gorm.io/gorm":                {"gorm.io/gorm/clause"},
		"strings":                     nil,
		"fmt":                         nil,
		"gorm.io/gorm/clause":         nil,
		"github.com/labstack/echo/v4": nil,
	}
	want := []string{
		"internal/paging must not import github.com/labstack/echo/v4, but does: internal/paging → github.com/labstack/echo/v4",
		"internal/region must not import internal/store, but does: internal/region → internal/region/geo → internal/store",
		"internal/region/geo must not import internal/store, but does: internal/region/geo → internal/store",
		"internal/httpapi must not import gorm.io/gorm/clause, but does: internal/httpapi → internal/httpapi/mw → gorm.io/gorm/clause",
		"internal/httpapi must not import internal/store, but does: internal/httpapi → internal/region → internal/region/geo → internal/store",
		"internal/httpapi/mw must not import gorm.io/gorm/clause, but does: internal/httpapi/mw → gorm.io/gorm/clause",
		"internal/store must not import internal/httpapi, but does: internal/store → internal/httpapi",
	}
	if diff := cmp.Diff(want, violations(graph, rules)); diff != "" {
		t.Errorf("violations mismatch (-want +got):\n%s", diff)
	}
}
