package pgcluster_test

import (
	"database/sql"
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
