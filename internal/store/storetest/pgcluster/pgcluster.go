// Package pgcluster starts throwaway PostgreSQL servers for tests that must
// stop, restart or replicate the database itself: initdb on a temporary
// directory, a free port on 127.0.0.1, pg_ctl to start and stop, and a
// streaming replica made with pg_basebackup -R. Where the PostgreSQL
// binaries are missing the test is skipped with a message, or failed when
// CI=true or REQUIRE_POSTGRES=1 (storetest.Required). Servers are stopped
// and their directories removed when the test ends, pass or fail.
//
// PostgreSQL refuses to run as root: when the test runs as uid 0 every
// PostgreSQL binary runs as the postgres user (runuser, else setpriv), and
// the directories are handed to that user.
package pgcluster

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx database/sql driver

	"github.com/desa-api/desa-api/internal/store/storetest"
)

// Server is one running (or stopped) PostgreSQL instance.
type Server struct {
	// Port is the TCP port on 127.0.0.1; it stays the same across restarts.
	Port int
	// DataDir is the cluster's data directory.
	DataDir string

	bin   string
	runAs *user.User // nil: run as ourselves
	log   string     // the server log file
	t     testing.TB
}

// binDirs are where the PostgreSQL binaries are looked for after $PATH,
// newest first, unless $PG_BIN names the one directory to use.
var binDirs = []string{
	"/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin",
	"/usr/lib/postgresql/14/bin", "/usr/local/pgsql/bin",
}

// binDir finds a directory holding initdb, pg_ctl and pg_basebackup.
func binDir() (string, bool) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "pg_ctl", "pg_basebackup", "postgres"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				return false
			}
		}
		return true
	}
	if dir := os.Getenv("PG_BIN"); dir != "" {
		return dir, has(dir) // when set, the only place to look
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), true
	}
	for _, dir := range binDirs {
		if has(dir) {
			return dir, true
		}
	}
	return "", false
}

// Start initialises and starts a new primary, stopped and removed when t
// ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, ok := binDir()
	if !ok {
		msg := "the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup, postgres) are not installed; set PG_BIN to their directory"
		if storetest.Required() {
			t.Fatalf("%s, and CI=true or REQUIRE_POSTGRES=1 requires them", msg)
		}
		t.Skip(msg)
	}
	s := &Server{bin: bin, t: t}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, and there is no postgres user to run PostgreSQL as: %v", err)
		}
		s.runAs = u
	}
	sweep(s)
	s.DataDir = s.tempDir("pgdata-")
	// initdb wants an empty directory it can create; give it a child.
	s.DataDir = filepath.Join(s.DataDir, "data")
	s.mkdir(s.DataDir)
	s.log = filepath.Join(filepath.Dir(s.DataDir), "server.log")
	if out, err := s.cmd("initdb", "-D", s.DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8",
		"--locale=C", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	s.Port = freePort(t)
	t.Cleanup(s.stopQuietly)
	s.Restart()
	return s
}

// Replica makes a streaming replica of s with pg_basebackup -R and starts
// it on a port of its own. It is stopped and removed when the test ends.
func (s *Server) Replica() *Server {
	t := s.t
	t.Helper()
	r := &Server{bin: s.bin, runAs: s.runAs, t: t}
	r.DataDir = filepath.Join(r.tempDir("pgreplica-"), "data")
	r.log = filepath.Join(filepath.Dir(r.DataDir), "server.log")
	if out, err := r.cmd("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "-U", "postgres",
		"-D", r.DataDir, "-R", "-X", "stream", "-c", "fast", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("pg_basebackup: %v\n%s", err, out)
	}
	r.Port = freePort(t)
	t.Cleanup(r.stopQuietly)
	r.Restart()
	return r
}

// URL returns the URL of database name on s.
func (s *Server) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, name)
}

// CreateDatabase creates an empty database and returns its URL.
func (s *Server) CreateDatabase(name string) string {
	s.t.Helper()
	db, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		s.t.Fatalf("create database %s: %v", name, err)
	}
	return s.URL(name)
}

// Exec runs one statement on database name, failing the test on error:
// for set-up and for steering a replica (SELECT pg_wal_replay_pause()).
func (s *Server) Exec(name, query string) {
	s.t.Helper()
	db, err := sql.Open("pgx", s.URL(name))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		s.t.Fatalf("%s on port %d: %v", query, s.Port, err)
	}
}

// Stop stops the server; mode is pg_ctl's: "smart", "fast" or
// "immediate" (a crash, recovered from on the next start).
func (s *Server) Stop(mode string) {
	s.t.Helper()
	if out, err := s.cmd("pg_ctl", "stop", "-D", s.DataDir, "-m", mode, "-w", "-t", "60").CombinedOutput(); err != nil {
		s.t.Fatalf("pg_ctl stop -m %s: %v\n%s", mode, err, out)
	}
}

// Restart starts the server, or restarts it when it runs, on the same port,
// and waits until it accepts connections.
func (s *Server) Restart() {
	s.t.Helper()
	opts := fmt.Sprintf("-c port=%d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s "+
		"-c fsync=off -c full_page_writes=off -c max_connections=60 "+
		"-c shared_buffers=16MB -c max_wal_senders=4 -c wal_level=replica -c hot_standby=on",
		s.Port, filepath.Dir(s.DataDir))
	if out, err := s.cmd("pg_ctl", "restart", "-D", s.DataDir, "-l", s.log, "-w", "-t", "60", "-o", opts).CombinedOutput(); err != nil {
		logs, _ := os.ReadFile(s.log)
		s.t.Fatalf("pg_ctl start on port %d: %v\n%s\n%s", s.Port, err, out, logs)
	}
}

// Freeze stops (SIGSTOP) the postmaster and every backend: connections
// are accepted by the kernel but never answered, as with a hung host or a
// dead network path. Thaw resumes them; the test's end thaws them too.
func (s *Server) Freeze() {
	s.t.Helper()
	pids := s.pids()
	if len(pids) == 0 {
		s.t.Fatal("freeze: the server is not running")
	}
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGSTOP)
	}
	s.t.Cleanup(s.Thaw)
}

// Thaw resumes a frozen server.
func (s *Server) Thaw() {
	for _, pid := range s.pids() {
		_ = syscall.Kill(pid, syscall.SIGCONT)
	}
}

// pids returns the postmaster's pid and its children's.
func (s *Server) pids() []int {
	b, err := os.ReadFile(filepath.Join(s.DataDir, "postmaster.pid"))
	if err != nil {
		return nil
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pm, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return nil
	}
	pids := []int{pm}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after ")".
		if i := bytes.LastIndexByte(stat, ')'); i > 0 {
			if f := strings.Fields(string(stat[i+1:])); len(f) > 1 && f[1] == strconv.Itoa(pm) {
				pids = append(pids, pid)
			}
		}
	}
	sort.Ints(pids)
	return pids
}

// WaitReplay waits until the replica r has replayed everything the primary
// had written when WaitReplay was called.
func (r *Server) WaitReplay(primary *Server) {
	r.t.Helper()
	p, err := sql.Open("pgx", primary.URL("postgres"))
	if err != nil {
		r.t.Fatal(err)
	}
	defer p.Close()
	var lsn string
	if err := p.QueryRow("SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		r.t.Fatalf("primary LSN: %v", err)
	}
	q, err := sql.Open("pgx", r.URL("postgres"))
	if err != nil {
		r.t.Fatal(err)
	}
	defer q.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var caughtUp bool
		err := q.QueryRow("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&caughtUp)
		if err == nil && caughtUp {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("replica did not replay up to %s in 30s (last error %v)", lsn, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *Server) stopQuietly() {
	s.Thaw()
	if _, err := os.Stat(filepath.Join(s.DataDir, "postmaster.pid")); err != nil {
		return
	}
	_ = s.cmd("pg_ctl", "stop", "-D", s.DataDir, "-m", "immediate", "-w", "-t", "30").Run()
}

// cmd prepares a PostgreSQL binary, as the postgres user when we are root.
func (s *Server) cmd(name string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, name)
	var c *exec.Cmd
	if s.runAs == nil {
		c = exec.Command(path, args...)
	} else if runuser, err := exec.LookPath("runuser"); err == nil {
		c = exec.Command(runuser, append([]string{"-u", s.runAs.Username, "--", path}, args...)...)
	} else {
		c = exec.Command("setpriv", append([]string{"--reuid=" + s.runAs.Uid, "--regid=" + s.runAs.Gid,
			"--init-groups", path}, args...)...)
	}
	c.Dir = os.TempDir()
	c.Env = append(os.Environ(), "LC_ALL=C", "PGTZ=UTC")
	return c
}

// tempDir makes a directory the server user owns, removed (after the
// servers stop: cleanups run last-in first-out) when the test ends.
func (s *Server) tempDir(prefix string) string {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.chown(dir)
	return dir
}

// ownerFile holds, in each directory tempDir makes, the pid of the test
// process that owns it.
const ownerFile = "owner.pid"

// sweep stops the servers and removes the directories that test processes
// no longer running left behind: a test binary killed by -timeout runs no
// cleanup.
func sweep(like *Server) {
	for _, prefix := range []string{"pgdata-", "pgreplica-"} {
		dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), prefix+"*"))
		for _, dir := range dirs {
			b, err := os.ReadFile(filepath.Join(dir, ownerFile))
			if err != nil {
				continue // not ours, or still being made
			}
			pid, err := strconv.Atoi(string(b))
			if err != nil || pid == os.Getpid() || syscall.Kill(pid, 0) != syscall.ESRCH {
				continue // its owner still runs
			}
			stale := &Server{bin: like.bin, runAs: like.runAs, DataDir: filepath.Join(dir, "data"), t: like.t}
			stale.stopQuietly()
			os.RemoveAll(dir)
		}
	}
}

func (s *Server) mkdir(dir string) {
	if err := os.Mkdir(dir, 0o700); err != nil {
		s.t.Fatal(err)
	}
	s.chown(dir)
}

func (s *Server) chown(dir string) {
	if s.runAs == nil {
		return
	}
	uid, _ := strconv.Atoi(s.runAs.Uid)
	gid, _ := strconv.Atoi(s.runAs.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		s.t.Fatal(err)
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Ready reports whether s accepts a connection and a query within d.
func (s *Server) Ready(d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	db, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	return db.PingContext(ctx)
}
