package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
	"github.com/desa-api/desa-api/internal/store"
)

// serveArg makes the binary the server child.
const serveArg = "-internal-serve"

// server is the child process serving the API.
type server struct {
	cmd              *exec.Cmd
	stdin            io.WriteCloser
	cached, uncached string // base URLs
}

// startServer runs this binary as the server child and waits for its
// addresses.
func startServer(ctx context.Context, dbURL string, conns int, profile string) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, serveArg)
	cmd.Env = append(os.Environ(), "DESA_BENCH_DATABASE_URL="+dbURL, "DESA_BENCH_DB_CONNS="+strconv.Itoa(conns),
		"DESA_BENCH_CPUPROFILE="+profile)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, stdin: stdin}
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-line:
		for _, f := range strings.Fields(l) {
			k, v, _ := strings.Cut(f, "=")
			switch k {
			case "cached":
				s.cached = v
			case "uncached":
				s.uncached = v
			}
		}
	case <-time.After(60 * time.Second):
	}
	if s.cached == "" || s.uncached == "" {
		s.stop()
		return nil, errors.New("the server child did not report its addresses")
	}
	return s, nil
}

// stop closes the child's stdin (its signal to exit) and waits.
func (s *server) stop() {
	s.stdin.Close()
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// cpu returns the child's user+system CPU time so far (Linux /proc).
func (s *server) cpu() (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, false
	}
	// Fields after the command name (which is in parentheses): state is
	// field 3, utime 14, stime 15.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b)[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return ticks(ut + st), true
}

// serveChild is the server process: the store over the benchmark database,
// the services as cmd/desa-api wires them, and two routers on loopback —
// one with the response cache (64 MiB, the default), one without
// (CACHE_BYTES < 0: ETags only), which also serves the SQL floor's route.
// It logs requests at info level, as the real server does, to nowhere. It
// exits when its stdin closes.
func serveChild() error {
	ctx := context.Background()
	if path := os.Getenv("DESA_BENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	conns, _ := strconv.Atoi(os.Getenv("DESA_BENCH_DB_CONNS"))
	s, err := store.Open(ctx, os.Getenv("DESA_BENCH_DATABASE_URL"), store.Options{MaxOpenConns: conns, StatementTimeout: 30 * time.Second})
	if err != nil {
		return err
	}
	defer s.Close()
	svc := httpapi.Services{
		Regions:     region.NewService(s),
		Indicators:  indicator.NewService(store.IndicatorStore{Store: s}, s, nil, func() string { return "" }),
		Stats:       stats.NewService(s, s),
		Keys:        auth.NewService(s),
		Ping:        s.Ping,
		DataVersion: s.DataVersion,
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var addrs []string
	for _, cacheBytes := range []int64{0, -1} {
		e, err := httpapi.New(svc, httpapi.Config{Logger: log, CacheBytes: cacheBytes})
		if err != nil {
			return err
		}
		if cacheBytes < 0 {
			e.GET(sqlFloorPath+":key", sqlFloor(s.SQL()))
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		addrs = append(addrs, "http://"+ln.Addr().String())
	}
	fmt.Printf("cached=%s uncached=%s\n", addrs[0], addrs[1])
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it (or dies)
	return nil
}

// sqlFloorPath, followed by a scenario's key, is the SQL floor's request:
// GET /bench/sql/a runs scenario a's pgbench SQL on the server's own pool
// and answers the count of rows read. Outside /v1 it passes every
// middleware /healthz does, and runs the answer's SQL; there is no
// data-version read, no handler of the API's, no encoding. No uncached
// answer that runs that SQL can be faster, so its rate bounds every
// uncached ratio.
const sqlFloorPath = "/bench/sql/"

func sqlFloor(db *sql.DB) echo.HandlerFunc {
	stmts := map[string][]boundStmt{}
	for _, sc := range scenarios {
		stmts[sc.key] = sc.sql.bound()
	}
	return func(c echo.Context) error {
		st, ok := stmts[c.Param("key")]
		if !ok {
			return echo.ErrNotFound
		}
		n, err := readAll(c.Request().Context(), db, st)
		if err != nil {
			return err
		}
		return c.String(http.StatusOK, strconv.Itoa(n))
	}
}
