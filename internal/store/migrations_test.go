package store_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestMigrationVersionsMatch keeps the two dialects' migration folders in
// step: every version exists for both engines.
func TestMigrationVersionsMatch(t *testing.T) {
	pg, err := store.MigrationVersions(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := store.MigrationVersions(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) == 0 {
		t.Fatal("no PostgreSQL migrations are embedded")
	}
	if diff := cmp.Diff(pg, lite); diff != "" {
		t.Errorf("migration versions differ between postgres and sqlite; mismatch (-postgres +sqlite):\n%s", diff)
	}
	for i := 1; i < len(pg); i++ {
		if pg[i] <= pg[i-1] {
			t.Errorf("migration versions are not strictly increasing: %v", pg)
		}
	}
}

// TestMigrateTwice checks that migrating a migrated database is a no-op:
// no error and no change to the schema.
func TestMigrateTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		before := schema(t, s)
		if len(before) == 0 {
			t.Fatal("the migrated database has no schema objects")
		}
		for i := 0; i < 2; i++ {
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate #%d on a migrated database: %v", i+2, err)
			}
		}
		if diff := cmp.Diff(before, schema(t, s)); diff != "" {
			t.Errorf("schema changed by a second Migrate; mismatch (-before +after):\n%s", diff)
		}
		var n int
		if err := s.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_db_version").Scan(&n); err != nil {
			t.Fatal(err)
		}
		versions, _ := store.MigrationVersions(s.Dialect())
		// goose records a version-0 row, then one row per applied migration.
		if want := len(versions) + 1; n != want {
			t.Errorf("goose_db_version has %d rows after migrating three times, want %d", n, want)
		}
	})
}

// TestMigrationsDown: every migration's Down undoes its Up. From the top
// the versions are rolled back one at a time down to none, which must leave
// nothing of the schema, then applied again one at a time; at each version
// the schema must be what it was on the way down.
func TestMigrationsDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		versions, err := store.MigrationVersions(s.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		at := map[int64][]string{}
		for i := len(versions) - 1; i >= 0; i-- {
			at[versions[i]] = schema(t, s)
			below := int64(0)
			if i > 0 {
				below = versions[i-1]
			}
			if err := store.MigrateTo(ctx, s, below); err != nil {
				t.Fatalf("down from %d to %d: %v", versions[i], below, err)
			}
		}
		var left []string
		for _, obj := range schema(t, s) {
			// goose's own table stays, and SQLite's AUTOINCREMENT counters
			// (sqlite_sequence) cannot be dropped.
			if !strings.Contains(obj, "goose_db_version") && !strings.Contains(obj, "sqlite_sequence") {
				left = append(left, obj)
			}
		}
		if len(left) > 0 {
			t.Errorf("rolling every migration back left %d objects, e.g. %q", len(left), left[0])
		}
		for _, v := range versions {
			if err := store.MigrateTo(ctx, s, v); err != nil {
				t.Fatalf("up to %d after rolling back: %v", v, err)
			}
			if diff := cmp.Diff(at[v], schema(t, s)); diff != "" {
				t.Errorf("at version %d, the schema after down and up differs (-before +after):\n%s", v, diff)
			}
		}
	})
}

// schema lists the tables, columns, indexes, triggers and functions of the
// database (SQLite: its schema's SQL).
func schema(t *testing.T, s *store.Store) []string {
	t.Helper()
	q := `SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`
	if s.Dialect() == store.Postgres {
		q = `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
			WHERE table_schema = 'public'
			UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
			UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t
				JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = 'public' AND NOT t.tgisinternal
			UNION ALL SELECT 'function ' || p.proname || ' ' || md5(pg_get_functiondef(p.oid)) FROM pg_proc p
				JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prokind = 'f'
				AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') -- an extension's (pg_trgm)
			ORDER BY 1`
	}
	rows, err := s.SQL().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		out = append(out, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNoAutoMigrate enforces "no AutoMigrate anywhere, tests included":
// the schema comes from the versioned migrations only.
func TestNoAutoMigrate(t *testing.T) {
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("cannot find the module root from %s: %v", root, err)
	}
	found, checked, err := autoMigrateCalls(root)
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("checked only %d Go files under %s; is the walk broken?", checked, root)
	}
	for _, f := range found {
		t.Errorf("%s uses AutoMigrate; change the schema with a goose migration in internal/store/migrations instead", f)
	}
}

// TestAutoMigrateCallsFinds checks the checker on a planted call.
func TestAutoMigrateCallsFinds(t *testing.T) {
	dir := t.TempDir()
	// The planted name is built at run time so that this file stays clean.
	am := "Auto" + "Migrate"
	files := map[string]string{
		"ok.go":          "package x\n// " + am + " is banned; this comment is fine.\n",
		"sub/bad.go":     "package sub\nfunc f() { db." + am + "(&row{}) }\n",
		"sub/bad2.go":    "package sub\nfunc g() { _ = db.Migrator().\n\t" + am + "(&row{}) }\n",
		"notgo.txt":      "db." + am + "(&row{})\n",
		".hidden/bad.go": "package h\nfunc h() { db." + am + "() }\n",
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	found, _, err := autoMigrateCalls(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range found {
		found[i] = strings.TrimPrefix(filepath.ToSlash(found[i]), filepath.ToSlash(dir)+"/")
	}
	want := []string{"sub/bad.go:2", "sub/bad2.go:3"}
	if diff := cmp.Diff(want, found); diff != "" {
		t.Errorf("autoMigrateCalls mismatch (-want +got):\n%s", diff)
	}
}

// autoMigrate matches a selector ".AutoMigrate" (a call or a method value),
// possibly on a continuation line; the name is split so that this file does
// not match itself.
var autoMigrate = regexp.MustCompile(`(^|\.)\s*` + "Auto" + `Migrate\b`)

// autoMigrateCalls walks the Go files under root, skipping hidden folders,
// vendor and testdata, and reports each "file:line" using AutoMigrate.
func autoMigrateCalls(root string) (found []string, checked int, err error) {
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "vendor" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, line := range bytes.Split(b, []byte("\n")) {
			code, _, _ := bytes.Cut(line, []byte("//"))
			if autoMigrate.Match(bytes.TrimSpace(code)) {
				found = append(found, fmt.Sprintf("%s:%d", path, i+1))
			}
		}
		return nil
	})
	return found, checked, err
}
