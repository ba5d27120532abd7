// Command desa-bench measures the API under load against PostgreSQL running
// the same SQL, in one run (make bench-load):
//
//  1. it creates a fresh PostgreSQL database (a unique name, dropped at the
//     end), migrates it and loads the national data: the embedded
//     Kepmendagri 2025 regions (83,762 villages), the official IDM 2024
//     scores, and IDM 2019–2023 for every desa generated deterministically
//     (labelled SYNTHETIC in their source column: not official data);
//  2. it starts the real server (httpapi.New behind net/http on
//     127.0.0.1:0, in a child process so that the server's CPU time can be
//     told apart from the load generator's), once with the response cache
//     and once without;
//  3. for each scenario it drives the server with an in-process load
//     generator (keep-alive HTTP, -c concurrent clients, -d per run) and
//     runs pgbench (prepared statements, the same concurrency) on the SQL
//     the store sends for that request, checking first that this SQL gives
//     the API's answer;
//  4. it prints requests/s, p50 and p99 latency, the server's CPU time per
//     request, pgbench's rate and latencies, and the ratios against the
//     targets (cached stats ≥ 3× pgbench; uncached stats and the villages
//     page ≥ 0.7×; p99 under 50 ms);
//  5. after each scenario's uncached run, it drives GET /bench/sql/KEY on
//     the uncached server the same way: the SQL floor, a route of the
//     benchmark's own that runs the scenario's pgbench SQL on the server's
//     pool, reads the rows and answers their count, with none of the
//     API's own work. Its rate divided by pgbench's is the highest ratio
//     an uncached answer could reach on this machine;
//  6. it drives GET /healthz on the cached server the same way: the floor,
//     an answer with no database and no cache behind it. Its rate divided
//     by pgbench's is the highest ratio a cached answer could reach on this
//     machine. Both ceilings are printed for each target.
//
// Usage:
//
//	go run ./cmd/desa-bench [-admin URL] [-d 10s] [-c 16] [-j 2] [-db-conns 16] [-keep] [-only a,b,c] [-cpuprofile F]
//	go run ./cmd/desa-bench soak [-server bin/desa-api] [-d 60s] [-c 8] [-write-rps 20] [-limited 10s] …
//
// The soak subcommand (make soak) runs the real desa-api binary on a fresh
// database that the binary loads itself (AUTO_SEED), under a mixed workload
// — reads, cached and varied stats, paced writes, periodic CSV imports, and
// for the last part a second, rate-limited replica — and prints throughput,
// p50/p99 per kind, answers by status and the servers' peak RSS. It exits 1
// when any request failed, 429s from the rate-limited replica aside.
//
// The admin URL (default $TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable) must allow
// CREATE DATABASE; pgbench must be on $PATH. Everything runs on loopback.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == serveArg {
		if err := serveChild(); err != nil {
			fmt.Fprintln(os.Stderr, "desa-bench server:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "soak" {
		if err := soak(ctx, os.Args[2:], os.Stdout); err != nil {
			stop()
			fmt.Fprintln(os.Stderr, "desa-bench soak:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "desa-bench:", err)
		os.Exit(1)
	}
}

type options struct {
	admin    string
	duration time.Duration
	warmup   time.Duration
	conc     int
	threads  int
	dbConns  int
	keep     bool
	only     string
	modes    string
	profile  string
}

// adminFlag defines -admin: the PostgreSQL URL that creates and drops the
// database, by default $TEST_DATABASE_URL or the local server as postgres.
func adminFlag(fs *flag.FlagSet, dst *string) {
	def := os.Getenv("TEST_DATABASE_URL")
	if def == "" {
		def = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	fs.StringVar(dst, "admin", def, "PostgreSQL URL of a role that may CREATE DATABASE")
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("desa-bench", flag.ContinueOnError)
	adminFlag(fs, &o.admin)
	fs.DurationVar(&o.duration, "d", 10*time.Second, "duration of each measured run")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured load before each run")
	fs.IntVar(&o.conc, "c", 16, "concurrent clients (HTTP and pgbench)")
	fs.IntVar(&o.threads, "j", 2, "pgbench threads")
	fs.IntVar(&o.dbConns, "db-conns", 16, "the server's connection pool size (DB_MAX_CONNS; 0: driver default)")
	fs.BoolVar(&o.keep, "keep", false, "keep the database (its name is printed)")
	fs.StringVar(&o.only, "only", "", "run only these scenarios, e.g. a,c (floor: the floor run)")
	fs.StringVar(&o.modes, "modes", "uncached,cached", "which servers to drive")
	fs.StringVar(&o.profile, "cpuprofile", "", "write the server's CPU profile (whole run) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}

	start := time.Now()
	db, dropDB, err := freshDatabase(ctx, o.admin, "desa_bench_", o.keep, out)
	if err != nil {
		return err
	}
	defer dropDB()

	info, err := loadNational(ctx, db.url, out)
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, db.url, o.dbConns, o.profile)
	if err != nil {
		return err
	}
	defer srv.stop()

	fmt.Fprintf(out, "\nmachine: %d CPUs, GOMAXPROCS %d, %s; %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), info.server)
	fmt.Fprintf(out, "data: %d villages (%d desa/desa adat); scores %s\n", info.villages, info.desa, info.scores)
	fmt.Fprintf(out, "load: %d clients, %s per run after %s warm-up; pgbench -n -M prepared -c %d -j %d -T %d; server pool %d connections\n\n",
		o.conc, o.duration, o.warmup, o.conc, o.threads, int(o.duration.Seconds()), o.dbConns)

	rows, err := measure(ctx, o, db.url, srv)
	if err != nil {
		return err
	}
	printTable(out, rows)
	fmt.Fprintf(out, "\ntotal time %s\n", time.Since(start).Round(time.Second))
	return nil
}
