package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/desa-api/desa-api/internal/store/storetest/pgcluster"
)

// faultTimeout is the REQUEST_TIMEOUT of the fault tests: every request
// must be answered within it (plus faultSlack for scheduling on a busy
// machine) whatever the database does.
const (
	faultTimeout = 3 * time.Second
	faultSlack   = 1500 * time.Millisecond
)

// faultServer runs desa-api serve on a throwaway PostgreSQL cluster loaded
// with the embedded regions, and returns it with the cluster, the
// database URL and a key that may import.
func faultServer(t *testing.T) (*server, *pgcluster.Server, string, string) {
	t.Helper()
	pg := pgcluster.Start(t)
	url := pg.CreateDatabase("desa")
	vars := map[string]string{"DATABASE_URL": url, "AUTO_SEED": "regions", "LOG_LEVEL": "warn",
		"REQUEST_TIMEOUT": faultTimeout.String(), "DB_STATEMENT_TIMEOUT": "20s", "DB_MAX_CONNS": "8"}
	s, ready := start(t, vars)
	t.Cleanup(func() { s.cancel(); <-s.done })
	t.Logf("server ready on PostgreSQL port %d in %s", pg.Port, ready.Round(time.Millisecond))
	return s, pg, url, createKey(t, url, "write:indicators")
}

// createKey creates an API key with the given scopes on the database at
// url and returns its secret.
func createKey(t *testing.T, url, scopes string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"keys", "create", "--name", "test", "--scopes", scopes},
		env(map[string]string{"DATABASE_URL": url}), &out, io.Discard); err != nil {
		t.Fatalf("keys create: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	return lines[len(lines)-1]
}

// probe is one request of the fault tests.
type probe struct {
	status      int
	contentType string
	took        time.Duration
}

func get(t *testing.T, url string) probe {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	began := time.Now()
	res, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return probe{res.StatusCode, res.Header.Get("Content-Type"), time.Since(began)}
}

// faultPaths are read with the database down: an operational probe, a
// list, one resource and an aggregate.
var faultPaths = []string{"/readyz", "/v1/villages?limit=5&province=35", "/v1/villages/3578011001",
	"/v1/stats/status-distribution?framework=idm&year=2024"}

// expectUnavailable asks every one of paths and wants 503 problem+json
// within the timeout.
func expectUnavailable(t *testing.T, s *server, what string, paths []string) {
	t.Helper()
	for _, path := range paths {
		p := get(t, s.base+path)
		if p.status != http.StatusServiceUnavailable || !strings.HasPrefix(p.contentType, "application/problem+json") {
			t.Errorf("%s: GET %s: %d %s, want 503 application/problem+json", what, path, p.status, p.contentType)
		}
		if p.took > faultTimeout+faultSlack {
			t.Errorf("%s: GET %s took %s, want at most %s", what, path, p.took.Round(time.Millisecond), faultTimeout+faultSlack)
		}
		t.Logf("%s: GET %s: %d in %s", what, path, p.status, p.took.Round(time.Millisecond))
	}
}

// expectRecovery waits until /readyz answers 200 again, then wants every
// fault path answered 200 (twice: no dead pooled connection may fail one).
func expectRecovery(t *testing.T, s *server, what string) {
	t.Helper()
	began := time.Now()
	for get(t, s.base+"/readyz").status != http.StatusOK {
		if time.Since(began) > 30*time.Second {
			t.Fatalf("%s: /readyz not 200 within 30s of PostgreSQL's return\n%s", what, s.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("%s: ready again %s after PostgreSQL's return", what, time.Since(began).Round(time.Millisecond))
	for range 2 {
		for _, path := range faultPaths {
			if p := get(t, s.base+path); p.status != http.StatusOK {
				t.Errorf("%s: after recovery GET %s: %d, want 200", what, path, p.status)
			}
		}
	}
}

// TestDatabaseFaults stops PostgreSQL under a running server, then freezes
// it (SIGSTOP: connections hang rather than fail): each time every request
// is answered 503 problem+json within REQUEST_TIMEOUT, /readyz says 503, and
// once PostgreSQL is back the server serves again by itself.
func TestDatabaseFaults(t *testing.T) {
	s, pg, _, _ := faultServer(t)
	for _, path := range faultPaths {
		if p := get(t, s.base+path); p.status != http.StatusOK {
			t.Fatalf("healthy: GET %s: %d", path, p.status)
		}
	}

	pg.Stop("immediate")
	expectUnavailable(t, s, "stopped", faultPaths)
	pg.Restart()
	expectRecovery(t, s, "stopped")

	pg.Freeze()
	expectUnavailable(t, s, "frozen", faultPaths)
	pg.Thaw()
	expectRecovery(t, s, "frozen")
}

// TestImportCutOff stops PostgreSQL while an import is writing, in atomic
// and in partial mode. Whatever the server answered must match what is
// stored once PostgreSQL is back: an error and nothing stored, or a report
// and exactly the rows it counts.
func TestImportCutOff(t *testing.T) {
	s, pg, url, key := faultServer(t)
	body := idm2024(t)
	// Two bad rows, so that partial mode has something to reject.
	body = append(body, "99.99.99.2999,2024,0.5,0.5,0.5,,\n11.01.01.2001,2024,2,0.5,0.5,,\n"...)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxIdleConns(0) // no pooled connection may outlive a stop
	for _, mode := range []string{"atomic", "partial"} {
		done, finished := make(chan importAnswer, 1), make(chan struct{})
		go func() {
			defer close(finished)
			req, _ := http.NewRequest(http.MethodPost, s.base+"/v1/imports?kind=scores&framework=idm&mode="+mode, bytes.NewReader(body))
			req.Header.Set("Content-Type", "text/csv")
			req.Header.Set("Authorization", "Bearer "+key)
			res, err := (&http.Client{Timeout: time.Minute}).Do(req)
			if err != nil {
				done <- importAnswer{err: err}
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			done <- importAnswer{status: res.StatusCode, body: b}
		}()
		cut := waitForWrites(t, db, finished)
		if cut {
			pg.Stop("immediate")
		}
		a := <-done
		if cut {
			pg.Restart()
		}
		if a.err != nil {
			t.Fatalf("%s: POST /v1/imports: %v", mode, a.err)
		}
		var stored, reports int
		if err := db.QueryRow("SELECT count(*) FROM scores").Scan(&stored); err != nil {
			t.Fatalf("%s: count scores after restart: %v", mode, err)
		}
		if err := db.QueryRow("SELECT count(*) FROM imports").Scan(&reports); err != nil {
			t.Fatal(err)
		}
		switch a.status {
		case http.StatusCreated, http.StatusUnprocessableEntity:
			var rep struct{ Inserted, Updated, Rejected int }
			if err := json.Unmarshal(a.body, &rep); err != nil {
				t.Fatalf("%s: report: %v\n%s", mode, err, a.body)
			}
			want := rep.Inserted
			if a.status == http.StatusUnprocessableEntity {
				want = 0 // atomic with rejections: nothing stored
			}
			if stored != want {
				t.Errorf("%s: answered %d reporting %d inserted, but %d rows are stored", mode, a.status, want, stored)
			}
			t.Logf("%s: the import finished (%d) before the cut; %d rows stored as reported", mode, a.status, stored)
		case http.StatusServiceUnavailable:
			if stored != 0 || reports != 0 {
				t.Errorf("%s: answered 503 but %d scores and %d import reports are stored, want none", mode, stored, reports)
			}
			t.Logf("%s: cut off mid-import, answered 503, nothing stored", mode)
		default:
			t.Errorf("%s: POST /v1/imports answered %d, want 503 (cut off) or a report\n%s\n%s", mode, a.status, a.body, s.logs)
		}
		if !cut {
			t.Errorf("%s: the import finished before it wrote anything that could be cut off", mode)
		}
		if _, err := db.Exec("TRUNCATE scores, imports"); err != nil {
			t.Fatal(err)
		}
		expectRecovery(t, s, mode)
	}
}

type importAnswer struct {
	status int
	body   []byte
	err    error
}

// waitForWrites waits until a transaction other than its own on the
// database has written something (it holds a transaction id), and reports
// whether it saw one before finished closed.
func waitForWrites(t *testing.T, db *sql.DB, finished <-chan struct{}) bool {
	t.Helper()
	for {
		var n int
		err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`).Scan(&n)
		if err != nil {
			t.Fatalf("pg_stat_activity: %v", err)
		}
		if n > 0 {
			return true
		}
		select {
		case <-finished:
			return false
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// idm2024 returns the embedded IDM 2024 scores as CSV.
func idm2024(t *testing.T) []byte {
	t.Helper()
	f, err := os.Open("../../internal/seed/data/idm_2024.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
