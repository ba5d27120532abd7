package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// script is the SQL the store sends for one request, as a pgbench script:
// one statement per line, :name for each bound parameter (pgbench -M
// prepared binds them as parameters, as pgx does for GORM).
type script struct {
	stmts []string
	vars  map[string]string
}

func (s script) file(dir, name string) (string, error) {
	path := filepath.Join(dir, name+".sql")
	return path, os.WriteFile(path, []byte(strings.Join(s.stmts, ";\n")+";\n"), 0o600)
}

var varRef = regexp.MustCompile(`:([a-z_]+)`)

// positional rewrites statement i for database/sql ($1, $2, … in order).
func (s script) positional(i int) (string, []any) {
	var args []any
	q := varRef.ReplaceAllStringFunc(s.stmts[i], func(m string) string {
		args = append(args, s.vars[m[1:]])
		return "$" + strconv.Itoa(len(args))
	})
	return q, args
}

// pgResult is one pgbench run.
type pgResult struct {
	tps      float64
	p50, p99 time.Duration
	n        int
	// rest is the machine's CPU over the run, pgbench's own excluded:
	// PostgreSQL's (0: unknown).
	rest time.Duration
}

var tpsLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)

// runPgbench runs the script against the database and reads its rate and,
// from the per-transaction log, its latencies.
func runPgbench(ctx context.Context, dbURL string, sc script, name string, o options) (pgResult, error) {
	dir, err := os.MkdirTemp("", "desa-bench-")
	if err != nil {
		return pgResult{}, err
	}
	defer os.RemoveAll(dir)
	file, err := sc.file(dir, name)
	if err != nil {
		return pgResult{}, err
	}
	args := []string{"-n", "-M", "prepared", "-c", strconv.Itoa(o.conc), "-j", strconv.Itoa(o.threads),
		"-T", strconv.Itoa(max(int(o.duration.Seconds()), 1)), "-f", file, "-l", "--log-prefix", filepath.Join(dir, "log")}
	keys := make([]string, 0, len(sc.vars))
	for k := range sc.vars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		args = append(args, "-D", k+"="+sc.vars[k])
	}
	args = append(args, dbURL)
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "pgbench", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	busy0, ok0 := machineBusy()
	if err := cmd.Run(); err != nil {
		return pgResult{}, fmt.Errorf("pgbench: %v\n%s", err, out.String())
	}
	busy1, ok1 := machineBusy()
	m := tpsLine.FindStringSubmatch(out.String())
	if m == nil {
		return pgResult{}, fmt.Errorf("pgbench printed no tps:\n%s", out.String())
	}
	if strings.Contains(out.String(), "number of failed transactions: ") && !strings.Contains(out.String(), "number of failed transactions: 0 ") {
		return pgResult{}, fmt.Errorf("pgbench transactions failed:\n%s", out.String())
	}
	r := pgResult{}
	r.tps, _ = strconv.ParseFloat(m[1], 64)
	if ok0 && ok1 {
		r.rest = busy1 - busy0 - cmd.ProcessState.UserTime() - cmd.ProcessState.SystemTime()
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "log.*"))
	var lats []time.Duration
	for _, l := range logs {
		f, err := os.Open(l)
		if err != nil {
			return r, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			// client_id transaction_no time script_no time_epoch time_us
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseInt(fields[2], 10, 64)
			if err != nil {
				continue
			}
			lats = append(lats, time.Duration(us)*time.Microsecond)
		}
		f.Close()
	}
	slices.Sort(lats)
	r.n, r.p50, r.p99 = len(lats), percentile(lats, 0.50), percentile(lats, 0.99)
	return r, nil
}

// queryRows runs a statement of the script and returns its rows as
// strings, for the equivalence checks.
func queryRows(ctx context.Context, db *sql.DB, sc script, i int) ([][]string, error) {
	q, args := sc.positional(i)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for j := range vals {
			ptrs[j] = &vals[j]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		rec := make([]string, len(cols))
		for j, v := range vals {
			rec[j] = v.String
		}
		out = append(out, rec)
	}
	return out, rows.Err()
}

// boundStmt is a statement of a script for database/sql, with its
// arguments.
type boundStmt struct {
	q    string
	args []any
}

// bound rewrites every statement of the script for database/sql.
func (s script) bound() []boundStmt {
	out := make([]boundStmt, len(s.stmts))
	for i := range s.stmts {
		out[i].q, out[i].args = s.positional(i)
	}
	return out
}

// readAll runs the statements, as one request of the API does, and reads
// every row without converting it: all a handler must do to answer from
// that SQL. It returns the rows read.
func readAll(ctx context.Context, db *sql.DB, stmts []boundStmt) (int, error) {
	n := 0
	for _, st := range stmts {
		rows, err := db.QueryContext(ctx, st.q, st.args...)
		if err != nil {
			return 0, err
		}
		m, err := drain(rows)
		if err != nil {
			return 0, err
		}
		n += m
	}
	return n, nil
}

// drain reads and closes rows.
func drain(rows *sql.Rows) (int, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for j := range vals {
		ptrs[j] = &vals[j]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}
