// Package storetest gives each test a fresh, migrated database on every
// engine: SQLite in a temporary file always, and PostgreSQL when
// TEST_DATABASE_URL is set or 127.0.0.1:5432 answers. Each PostgreSQL test
// gets its own uniquely named database, dropped when the test ends. With
// CI=true or REQUIRE_POSTGRES=1 a missing PostgreSQL fails the test instead
// of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx database/sql driver, for admin statements

	"github.com/desa-api/desa-api/internal/store"
)

// DefaultAdminURL is tried when TEST_DATABASE_URL is unset.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Engines lists the engines to run a store test on.
var Engines = []store.Dialect{store.SQLite, store.Postgres}

// Each runs fn as a subtest on every engine, each with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Engines {
		t.Run(string(d), func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// New returns a fresh migrated store on the given engine, closed and
// removed when t ends.
func New(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	url := URL(t, d)
	s, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// URL returns the DATABASE_URL of a fresh, empty database on the engine.
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "test.db")
	}
	admin, ok := adminURL()
	if !ok {
		msg := "PostgreSQL is not reachable (set TEST_DATABASE_URL or start it on 127.0.0.1:5432)"
		if Required() {
			t.Fatalf("%s, and CI=true or REQUIRE_POSTGRES=1 requires it", msg)
		}
		t.Skip(msg)
	}
	name := "desa_test_" + randomHex(8)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("postgres admin: %v", err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() { DropDatabase(t, admin, name) })
	return withDatabase(admin, name)
}

// DropDatabase drops a test database, disconnecting whoever still uses it.
func DropDatabase(t testing.TB, admin, name string) {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Errorf("postgres admin: %v", err)
		return
	}
	defer db.Close()
	if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
		t.Errorf("drop database %s: %v", name, err)
	}
}

// Required reports whether a missing PostgreSQL must fail the tests.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("REQUIRE_POSTGRES") == "1"
}

// adminURL finds a PostgreSQL server to create test databases on.
func adminURL() (string, bool) {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u, true
	}
	c, err := net.DialTimeout("tcp", "127.0.0.1:5432", time.Second)
	if err != nil {
		return "", false
	}
	c.Close()
	return DefaultAdminURL, true
}

// AdminURL returns the admin URL, failing or skipping t like URL does.
func AdminURL(t testing.TB) string {
	t.Helper()
	u, ok := adminURL()
	if !ok {
		if Required() {
			t.Fatal("PostgreSQL is not reachable, and CI=true or REQUIRE_POSTGRES=1 requires it")
		}
		t.Skip("PostgreSQL is not reachable (set TEST_DATABASE_URL or start it on 127.0.0.1:5432)")
	}
	return u
}

func withDatabase(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		panic(fmt.Sprintf("storetest: bad admin URL: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
