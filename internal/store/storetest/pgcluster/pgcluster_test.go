package pgcluster_test

import (
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/desa-api/desa-api/internal/store/storetest/pgcluster"
)

// TestPrimaryAndReplica starts a primary and a streaming replica, checks
// that a write on the primary reaches the replica, that the replica refuses
// writes, and that the primary survives an immediate stop and a start.
func TestPrimaryAndReplica(t *testing.T) {
	began := time.Now()
	p := pgcluster.Start(t)
	p.CreateDatabase("app")
	r := p.Replica()
	t.Logf("primary on %d, replica on %d, up in %s", p.Port, r.Port, time.Since(began).Round(time.Millisecond))

	p.Exec("app", "CREATE TABLE marker (v text)")
	p.Exec("app", "INSERT INTO marker VALUES ('hello')")
	r.WaitReplay(p)
	db, err := sql.Open("pgx", r.URL("app"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	var recovering bool
	if err := db.QueryRow("SELECT v, pg_is_in_recovery() FROM marker").Scan(&v, &recovering); err != nil || v != "hello" || !recovering {
		t.Errorf("replica: %q, in recovery %v, %v; want hello, true", v, recovering, err)
	}
	if _, err := db.Exec("INSERT INTO marker VALUES ('no')"); err == nil {
		t.Error("the replica accepted a write")
	}

	p.Stop("immediate")
	if err := p.Ready(time.Second); err == nil {
		t.Error("the stopped primary still answers")
	}
	p.Restart()
	if err := p.Ready(5 * time.Second); err != nil {
		t.Errorf("after restart: %v", err)
	}
}

// TestSweep starts a server in a child process that then exits without
// cleaning up, as a test binary killed by -timeout does: the next Start
// stops that server and removes its directory.
func TestSweep(t *testing.T) {
	if os.Getenv("PGCLUSTER_ORPHAN") == "1" {
		p := pgcluster.Start(t)
		fmt.Println(p.DataDir)
		os.Exit(0) // no cleanup
	}
	child := exec.Command(os.Args[0], "-test.run=^TestSweep$", "-test.v")
	child.Env = append(os.Environ(), "PGCLUSTER_ORPHAN=1")
	out, err := child.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "--- SKIP") {
		t.Skipf("child skipped:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	orphan := filepath.Dir(lines[len(lines)-1])
	if _, err := os.Stat(filepath.Join(orphan, "data", "postmaster.pid")); err != nil {
		t.Fatalf("the child left no running server to sweep (%v)\n%s", err, out)
	}
	pgcluster.Start(t)
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("the orphan's directory %s is still there (%v)", orphan, err)
	}
}
