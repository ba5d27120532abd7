package main

// The soak subcommand (make soak): the real desa-api binary against a fresh
// PostgreSQL database, loaded through the binary's own seed path, under a
// mixed workload for a bounded time.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type soakOptions struct {
	admin, server    string
	duration         time.Duration
	limited          time.Duration
	conc             int
	writeRPS         float64
	importEvery      time.Duration
	importRows       int
	limitRPS         int
	dbConns          int
	keep, verbose    bool
	logDir           string
	seed             string
	stopGrace        time.Duration
	readinessTimeout time.Duration
}

// soak runs the soak: database, server, workload, report. It returns an
// error (exit status 1) when any request failed other than the deliberate
// 429s of the rate-limited replica.
func soak(ctx context.Context, args []string, out io.Writer) error {
	var o soakOptions
	fs := flag.NewFlagSet("desa-bench soak", flag.ContinueOnError)
	adminFlag(fs, &o.admin)
	fs.StringVar(&o.server, "server", "bin/desa-api", "the desa-api binary to run (make build)")
	fs.DurationVar(&o.duration, "d", 60*time.Second, "length of the mixed workload")
	fs.DurationVar(&o.limited, "limited", 10*time.Second, "for this last part of the run, also drive a second, rate-limited replica (0: never)")
	fs.IntVar(&o.conc, "c", 8, "concurrent clients")
	fs.Float64Var(&o.writeRPS, "write-rps", 10, "writes per second at most (PUT scores, PATCH villages, program writes); the other picks read")
	fs.DurationVar(&o.importEvery, "import-every", 5*time.Second, "one POST /v1/imports this often (alternately real and dry run)")
	fs.IntVar(&o.importRows, "import-rows", 500, "rows per import")
	fs.IntVar(&o.limitRPS, "limit-rps", 20, "RATE_LIMIT_RPS (and burst) of the rate-limited replica")
	fs.IntVar(&o.dbConns, "db-conns", 16, "DB_MAX_CONNS of each server")
	fs.StringVar(&o.seed, "seed", "regions,scores,program", "AUTO_SEED of the server: what it loads into the fresh database")
	fs.BoolVar(&o.keep, "keep", false, "keep the database (its name is printed)")
	fs.BoolVar(&o.verbose, "v", false, "print each failed request")
	fs.StringVar(&o.logDir, "logs", os.TempDir(), "where the servers' logs go")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.stopGrace, o.readinessTimeout = 30*time.Second, 5*time.Minute
	exe, err := filepath.Abs(o.server)
	if err != nil {
		return err
	}
	if _, err := os.Stat(exe); err != nil {
		return fmt.Errorf("no server binary (run make build, or give -server): %w", err)
	}

	start := time.Now()
	db, dropDB, err := freshDatabase(ctx, o.admin, "desa_soak_", o.keep, out)
	if err != nil {
		return err
	}
	defer dropDB()

	env := []string{"DATABASE_URL=" + db.url, "ADDR=127.0.0.1:0", "LOG_LEVEL=info", "DB_MAX_CONNS=" + strconv.Itoa(o.dbConns)}
	a, err := startBinary(ctx, exe, filepath.Join(o.logDir, db.name+"-a.log"), append(env, "AUTO_SEED="+o.seed), o.readinessTimeout)
	if err != nil {
		return err
	}
	defer a.stop(o.stopGrace)
	fmt.Fprintf(out, "server A: pid %d on %s, ready in %s after loading %s (log %s)\n", a.cmd.Process.Pid, a.base,
		a.ready.Round(time.Millisecond), o.seed, a.logPath)
	secret, err := createKey(ctx, exe, env)
	if err != nil {
		return err
	}
	// A second replica on the same database: the replica check runs
	// through it all along, the rate-limited load for the last o.limited.
	limit := strconv.Itoa(o.limitRPS)
	b, err := startBinary(ctx, exe, filepath.Join(o.logDir, db.name+"-b.log"),
		append(env, "AUTO_SEED=false", "RATE_LIMIT_RPS="+limit, "RATE_LIMIT_BURST="+limit), o.readinessTimeout)
	if err != nil {
		return err
	}
	defer b.stop(o.stopGrace)
	fmt.Fprintf(out, "server B: pid %d on %s, RATE_LIMIT_RPS=%s per client, rate-limited load for the last %s (log %s)\n",
		b.cmd.Process.Pid, b.base, limit, o.limited, b.logPath)

	w, err := newWorkload(ctx, o, a, b, secret)
	if err != nil {
		return err
	}
	imports := fmt.Sprintf("an import of %d rows every %s", o.importRows, o.importEvery)
	if o.importEvery <= 0 {
		imports = "no imports"
	}
	fmt.Fprintf(out, "workload: %d clients for %s; writes ≤ %g/s; %s; %d desa, %d regencies sampled\n\n",
		o.conc, o.duration, o.writeRPS, imports, len(w.desa), len(w.regencies))
	before := a.metrics(ctx)
	cpu0, _ := a.cpu()
	res := w.run(ctx)
	cpu1, _ := a.cpu()
	after := a.metrics(ctx)
	hwmA, hwmB := a.peakRSS(), b.peakRSS()

	failed := res.print(out, o.verbose)
	hits, misses := after["desa_cache_hits_total"]-before["desa_cache_hits_total"],
		after["desa_cache_misses_total"]-before["desa_cache_misses_total"]
	fmt.Fprintf(out, "\nserver A: CPU %s over the run (%.2f ms per request), peak RSS (VmHWM) %s; response cache %d hits, %d misses (%.0f %%)\n",
		(cpu1 - cpu0).Round(time.Millisecond), float64((cpu1-cpu0).Microseconds())/1000/float64(max(res.total(a), 1)),
		hwmA, int(hits), int(misses), 100*hits/max(hits+misses, 1))
	fmt.Fprintf(out, "server B: peak RSS (VmHWM) %s\n", hwmB)
	a.stop(o.stopGrace)
	b.stop(o.stopGrace)
	for _, s := range []*binary{a, b} {
		if err := s.exitErr(); err != nil {
			failed++
			fmt.Fprintf(out, "server %s: %v\n", s.base, err)
		}
	}
	fmt.Fprintf(out, "total time %s\n", time.Since(start).Round(time.Second))
	if failed > 0 {
		return fmt.Errorf("%d requests failed (other than deliberate 429s), or a server exited badly", failed)
	}
	return nil
}

// binary is a running desa-api process.
type binary struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:port
	logPath string
	ready   time.Duration
	done    chan struct{}
	err     error // the exit, once done
	stopped bool
}

// startBinary runs `desa-api serve` with env, sends its log to logPath,
// learns its address from the "serving" log line, and waits until /readyz
// answers 200.
func startBinary(ctx context.Context, exe, logPath string, env []string, timeout time.Duration) (*binary, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve")
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &binary{cmd: cmd, logPath: logPath, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		defer logf.Close()
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			logf.Write(append(line, '\n'))
			if addr != nil && strings.Contains(string(line), `"msg":"serving"`) {
				var l struct{ Addr string }
				if json.Unmarshal(line, &l) == nil {
					addr <- l.Addr
					addr = nil
				}
			}
		}
		_, _ = io.Copy(logf, stderr)
	}()
	go func() { s.err = cmd.Wait(); close(s.done) }()
	select {
	case a := <-addr:
		s.base = "http://" + a
	case <-s.done:
		return nil, fmt.Errorf("%s exited before serving: %v (log %s)", exe, s.err, logPath)
	case <-time.After(timeout):
		s.stop(0)
		return nil, fmt.Errorf("%s did not serve within %s (log %s)", exe, timeout, logPath)
	case <-ctx.Done():
		s.stop(0)
		return nil, ctx.Err()
	}
	for {
		res, err := http.Get(s.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.ready = time.Since(t0)
				return s, nil
			}
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited: %v (log %s)", exe, s.err, logPath)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stop sends SIGTERM and waits up to grace, then kills.
func (s *binary) stop(grace time.Duration) {
	if s.stopped {
		return
	}
	s.stopped = true
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(grace):
		_ = s.cmd.Process.Kill()
		<-s.done
		s.err = fmt.Errorf("killed: still running %s after SIGTERM", grace)
	}
}

// exitErr is the process's exit after stop: nil for a clean exit on SIGTERM.
func (s *binary) exitErr() error {
	<-s.done
	return s.err
}

// peakRSS is the process's VmHWM from /proc (Linux).
func (s *binary) peakRSS() string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			if kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB")); err == nil {
				return fmt.Sprintf("%.0f MiB", float64(kb)/1024)
			}
		}
	}
	return "unknown"
}

// cpu is the process's user+system CPU time so far.
func (s *binary) cpu() (time.Duration, bool) {
	return (&server{cmd: s.cmd}).cpu()
}

// metrics reads the counters and gauges of /metrics without labels.
func (s *binary) metrics(ctx context.Context) map[string]float64 {
	out := map[string]float64{}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/metrics", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return out
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(name, "#") || strings.Contains(name, "{") {
			continue
		}
		if f, err := strconv.ParseFloat(val, 64); err == nil {
			out[name] = f
		}
	}
	return out
}

// createKey makes an admin key with `desa-api keys create` and returns its
// secret (the last line the command prints).
func createKey(ctx context.Context, exe string, env []string) (string, error) {
	cmd := exec.CommandContext(ctx, exe, "keys", "create", "--name", "soak", "--scopes", "admin")
	cmd.Env = append(os.Environ(), env...)
	b, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("keys create: %v: %s", err, ee.Stderr)
		}
		return "", fmt.Errorf("keys create: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}
