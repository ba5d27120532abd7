// Command desa-api serves the desa-api REST API and runs its maintenance
// tasks. With no arguments it serves: on a fresh machine it creates desa.db
// (SQLite) in the working directory, migrates it and loads the embedded
// Kepmendagri 2025 regions, so that one command gives a working API.
//
//	desa-api [serve]                      serve HTTP on $ADDR (default :8080)
//	desa-api migrate                      apply database migrations
//	desa-api import regions [--file F]    load regions (embedded set, or a CSV file)
//	desa-api import scores [--file F …]   load scores (embedded IDM sets, or a CSV file)
//	desa-api import program [--file F]    load a program document (embedded Kaltim–Jatim example, or a JSON file)
//	desa-api import indicator-values [--file F …]
//	                                      load indicator values (embedded IDM sample, or a file)
//	desa-api keys create --name N --scopes S[,S] [--provinces P[,P]]
//	desa-api keys list | keys revoke ID   list keys (never secrets); revoke one
//	desa-api openapi                      print the OpenAPI 3 document
//	desa-api healthcheck                  exit 0 when the server on $ADDR is ready
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/idempotency"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/seed"
	"github.com/desa-api/desa-api/internal/stats"
	"github.com/desa-api/desa-api/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "desa-api:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  desa-api [serve]
  desa-api migrate
  desa-api import regions [--file F]
  desa-api import scores [--framework idm] [--file F] [--code-edition 2022|2025] [--mode atomic|partial] [--source S] [--dry-run]
  desa-api import program [--file F]
  desa-api import indicator-values [--file F] [--code-edition 2022|2025] [--mode atomic|partial] [--source S] [--dry-run]
  desa-api keys create --name NAME --scopes SCOPE[,SCOPE] [--provinces CODE[,CODE]]
  desa-api keys list
  desa-api keys revoke ID
  desa-api openapi
  desa-api healthcheck`

// run is the whole program; main only supplies the process's environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		s, err := store.Open(ctx, cfg.DatabaseURL, cfg.storeOptions())
		if err != nil {
			return err
		}
		defer s.Close()
		fmt.Fprintln(stdout, "migrated", s.Dialect(), "database")
		return nil
	case "import":
		return importCmd(ctx, cfg, args, stdout)
	case "keys":
		return keysCmd(ctx, cfg, args, stdout)
	case "openapi":
		doc, err := httpapi.OpenAPI3()
		if err != nil {
			return err
		}
		b, err := doc.MarshalJSON()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, string(b))
		return err
	case "healthcheck":
		return healthcheck(ctx, cfg.Addr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	start := time.Now()
	s, err := store.Open(ctx, cfg.DatabaseURL, cfg.serveOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	svc := services(s)
	svc.Idempotency = idempotency.NewService(s, cfg.IdempotencyTTL)
	// Seeding decides by what the primary holds, not a replica's older copy.
	if err := autoSeed(store.UsePrimary(ctx), svc, cfg.AutoSeed, log); err != nil {
		return err
	}
	e, err := httpapi.New(svc, httpapi.Config{RequestTimeout: cfg.RequestTimeout, BodyLimit: cfg.BodyLimit,
		ImportBodyLimit: cfg.ImportBodyLimit, Logger: log, CacheControl: cfg.CacheControl, CacheBytes: cfg.CacheBytes,
		Collectors:   []prometheus.Collector{collectors.NewDBStatsCollector(s.SQL(), "desa")},
		RateLimitRPS: cfg.RateLimitRPS, RateLimitBurst: cfg.RateLimitBurst, AllowedOrigins: cfg.AllowedOrigins,
		TrustedProxies: cfg.TrustedProxies,
		RequestContext: store.ForRequest, RequireIfMatch: cfg.RequireIfMatch})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "database", string(s.Dialect()), "read_replicas", len(cfg.ReadURLs),
		"ready_in", time.Since(start).Round(time.Millisecond).String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", cfg.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		// The grace period is over: cut the requests still running, so
		// that the process exits now rather than when they end.
		srv.Close()
		return fmt.Errorf("shutdown: requests still running after SHUTDOWN_GRACE (%s) were cut off: %w", cfg.ShutdownGrace, err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	svc.Keys.Wait() // the last-use writes under way, before the store closes
	return nil
}

// services wires the domain services over the store.
func services(s *store.Store) httpapi.Services {
	return httpapi.Services{
		Regions:     region.NewService(s),
		Indicators:  indicator.NewService(store.IndicatorStore{Store: s}, s, nil, newID).WithCrosswalkLoader(seed.Crosswalk),
		Stats:       stats.NewService(s, s).WithPrograms(s),
		Programs:    cooperation.NewService(store.CooperationStore{Store: s}, s, s, newID),
		Keys:        auth.NewService(s),
		Audit:       audit.NewService(s),
		Ping:        s.Ping,
		DataVersion: s.DataVersion,
	}
}

// newID returns a UUIDv7 as text: unique, and ordered by creation time.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// autoSeed loads the embedded data sets named in sets into an empty
// database: the regions, then the IDM scores, then the IDM indicator values
// (each only while its table is empty).
func autoSeed(ctx context.Context, svc httpapi.Services, sets []string, log *slog.Logger) error {
	took := func(start time.Time) string { return time.Since(start).Round(time.Millisecond).String() }
	if slices.Contains(sets, "regions") {
		start := time.Now()
		loaded, err := seed.EnsureRegions(ctx, svc.Regions)
		if err != nil {
			return fmt.Errorf("loading the embedded regions: %w", err)
		}
		if loaded {
			log.Info("loaded the embedded Kepmendagri 2025 regions", "took", took(start))
		}
	}
	if slices.Contains(sets, "scores") {
		start := time.Now()
		reps, err := seed.EnsureScores(ctx, svc.Indicators)
		if err != nil {
			return fmt.Errorf("loading the embedded IDM scores: %w", err)
		}
		for _, r := range reps {
			log.Info("loaded embedded IDM scores", "source", r.Source, "rows", r.Rows, "inserted", r.Inserted,
				"rejected", r.Rejected, "translated", r.Translated, "took", took(start))
		}
	}
	if slices.Contains(sets, "indicator_values") {
		start := time.Now()
		rep, err := seed.EnsureIndicatorValues(ctx, svc.Indicators)
		if err != nil {
			return fmt.Errorf("loading the embedded IDM indicator values: %w", err)
		}
		if rep != nil {
			log.Info("loaded embedded IDM indicator values", "source", rep.Source, "rows", rep.Rows,
				"inserted", rep.Inserted, "rejected", rep.Rejected, "translated", rep.Translated, "took", took(start))
		}
	}
	// The example program is a convenience: a database whose regions or
	// scores it cannot match still serves, with a warning.
	if !slices.Contains(sets, "program") {
		return nil
	}
	if res, loaded, err := seed.EnsureProgram(ctx, svc.Programs); err != nil {
		log.Warn("could not load the embedded example program", "error", err.Error())
	} else if loaded {
		log.Info("loaded the embedded example program", "code", res.Code, "targets", res.Targets.Added)
	}
	return nil
}

func importCmd(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "scores" {
		return importScores(ctx, cfg, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "program" {
		return importProgram(ctx, cfg, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "indicator-values" {
		return importValues(ctx, cfg, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "regions" {
		return fmt.Errorf("import what? %s", usage)
	}
	fs := flag.NewFlagSet("import regions", flag.ContinueOnError)
	file := fs.String("file", "", "CSV file with code,name[,type] columns (default: the embedded Kepmendagri 2025 set)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	s, err := store.Open(ctx, cfg.DatabaseURL, cfg.storeOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	var rs []region.Region
	if *file == "" {
		rs, err = seed.Regions()
	} else {
		var f *os.File
		if f, err = os.Open(*file); err != nil {
			return err
		}
		defer f.Close()
		rs, err = seed.ReadRegions(f)
	}
	if err != nil {
		return err
	}
	n, err := region.NewService(s).Import(ctx, rs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d regions in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// cliMaxRows caps one import from the command line, which may load files
// larger than an HTTP import may (the embedded indicator sample has 500,300
// rows).
const cliMaxRows = 10_000_000

// importFlags are the options import scores and import indicator-values
// share. Without --file the embedded sets load with their own options,
// which the flags given explicitly override.
type importFlags struct {
	fs      *flag.FlagSet
	file    *string
	edition *int
	mode    *string
	source  *string
	dryRun  *bool
}

func newImportFlags(name, fileHelp string) importFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return importFlags{fs: fs,
		file:    fs.String("file", "", fileHelp),
		edition: fs.Int("code-edition", 2025, "Kepmendagri edition of the village codes: 2022 or 2025"),
		mode:    fs.String("mode", indicator.ModeAtomic, "atomic or partial"),
		source:  fs.String("source", "", "where the data comes from"),
		dryRun:  fs.Bool("dry-run", false, "validate and report only"),
	}
}

// sets returns what to import: the file (as kind), or the embedded sets,
// with the explicitly given flags applied.
func (f importFlags) sets(kind string, embedded []seed.ScoreSet) []seed.ScoreSet {
	if *f.file != "" {
		format := indicator.FormatCSV
		if name := strings.TrimSuffix(*f.file, ".gz"); strings.HasSuffix(name, ".json") {
			format = indicator.FormatJSON
		}
		embedded = []seed.ScoreSet{{Name: *f.file, Request: indicator.ImportRequest{Kind: kind, Format: format,
			CodeEdition: *f.edition, Mode: *f.mode, Source: *f.source, DryRun: *f.dryRun}}}
	}
	out := slices.Clone(embedded)
	for i := range out {
		r := &out[i].Request
		r.MaxRows = cliMaxRows
		f.fs.Visit(func(fl *flag.Flag) {
			switch fl.Name {
			case "code-edition":
				r.CodeEdition = *f.edition
			case "mode":
				r.Mode = *f.mode
			case "source":
				r.Source = *f.source
			case "dry-run":
				r.DryRun = *f.dryRun
			}
		})
	}
	return out
}

// importScores loads scores from a file (or, without --file, the embedded
// IDM sets) through the same import path as POST /v1/imports.
func importScores(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	f := newImportFlags("import scores", "CSV in the import format (default: the embedded IDM 2024 and 2021–2023 sets)")
	framework := f.fs.String("framework", "idm", "idm, indeks_desa or ipd")
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	sets := f.sets(indicator.KindScores, seed.ScoreSets)
	if *f.file != "" {
		sets[0].Request.Framework = *framework
	}
	return runImports(ctx, cfg, sets, *f.file != "", stdout)
}

// importValues loads indicator values from a file (or, without --file, the
// embedded sample of IDM indicator scores) through the same import path as
// POST /v1/imports?kind=indicator_values.
func importValues(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	f := newImportFlags("import indicator-values", "CSV (or .json) with region_code,indicator_code,year,value "+
		"or village_code,year,dimension,number,score (default: the embedded IDM indicator sample)")
	if err := f.fs.Parse(args); err != nil {
		return err
	}
	sets := f.sets(indicator.KindIndicatorValues, []seed.ScoreSet{seed.IndicatorValueSet})
	return runImports(ctx, cfg, sets, *f.file != "", stdout)
}

// runImports imports each set, from the file its name gives (fromFile) or
// embedded, and prints each report with its first errors.
func runImports(ctx context.Context, cfg config, sets []seed.ScoreSet, fromFile bool, stdout io.Writer) error {
	s, err := store.Open(ctx, cfg.DatabaseURL, cfg.storeOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	svc := services(s)
	for _, set := range sets {
		start := time.Now()
		var rep indicator.Report
		if !fromFile {
			rep, err = seed.LoadScores(ctx, svc.Indicators, set)
		} else {
			var f *os.File
			if f, err = os.Open(set.Name); err != nil {
				return err
			}
			var r io.Reader
			if r, err = seed.Decompress(f); err == nil {
				rep, err = svc.Indicators.Import(ctx, set.Request, r)
			}
			f.Close()
		}
		fmt.Fprintf(stdout, "import %s (%s): %d rows, %d inserted, %d updated, %d unchanged, %d rejected, %d translated in %s\n",
			rep.ID, set.Name, rep.Rows, rep.Inserted, rep.Updated, rep.Unchanged, rep.Rejected, rep.Translated,
			time.Since(start).Round(time.Millisecond))
		for _, e := range rep.Errors[:min(len(rep.Errors), 20)] {
			fmt.Fprintf(stdout, "  row %d: %s: %s (%s)\n", e.Row, e.Field, e.Message, e.Code)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// importProgram loads a program document (default: the embedded
// Kaltim–Jatim example): agencies are matched by name or created, the
// program is upserted by code, in one transaction.
func importProgram(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import program", flag.ContinueOnError)
	file := fs.String("file", "", "JSON program document (default: the embedded "+seed.ExampleProgram+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var doc cooperation.Document
	var err error
	if *file == "" {
		doc, err = seed.Example()
	} else {
		var f *os.File
		if f, err = os.Open(*file); err != nil {
			return err
		}
		defer f.Close()
		doc, err = seed.ReadProgram(f)
	}
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, cfg.DatabaseURL, cfg.storeOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	svc := services(s)
	res, err := svc.Programs.Import(ctx, doc)
	if err != nil {
		return err
	}
	verb := "updated"
	if res.Created {
		verb = "created"
	}
	fmt.Fprintf(stdout, "%s program %s (%s): agencies %d created, %d matched; %d activities, %d budget lines; "+
		"targets %d added, %d already targeted, %d without a baseline score, %d in all\n",
		verb, res.Code, res.ProgramID, res.AgenciesCreated, res.AgenciesMatched, res.Activities, res.Budgets,
		res.Targets.Added, res.Targets.AlreadyTargeted, res.Targets.WithoutBaseline, res.Targets.Total)
	return nil
}

func keysCmd(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("keys what? %s", usage)
	}
	switch args[0] {
	case "create":
		return keysCreate(ctx, cfg, args[1:], stdout)
	case "list", "revoke":
		if args[0] == "list" && len(args) != 1 || args[0] == "revoke" && len(args) != 2 {
			return fmt.Errorf("keys %s: wrong arguments; %s", args[0], usage)
		}
		s, err := store.Open(ctx, cfg.DatabaseURL, cfg.storeOptions())
		if err != nil {
			return err
		}
		defer s.Close()
		keys := auth.NewService(s)
		if args[0] == "revoke" {
			if err := keys.Revoke(ctx, args[1]); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "revoked key %s\n", args[1])
			return nil
		}
		return keysList(ctx, keys, stdout)
	}
	return fmt.Errorf("keys what? %s", usage)
}

// keysList prints every key, one a line, without secrets.
func keysList(ctx context.Context, keys *auth.Service, stdout io.Writer) error {
	stamp := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Format(time.RFC3339)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tPREFIX\tSCOPES\tPROVINCES\tCREATED\tLAST USED\tREVOKED")
	for page := (paging.Page{Limit: 1000}); ; page.Offset += page.Limit {
		ks, total, err := keys.Keys(ctx, auth.KeyFilter{Page: page})
		if err != nil {
			return err
		}
		for _, k := range ks {
			scopes := make([]string, len(k.Scopes))
			for i, sc := range k.Scopes {
				scopes[i] = string(sc)
			}
			provs := strings.Join(k.Provinces, ",")
			if provs == "" {
				provs = "all"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Prefix, strings.Join(scopes, ","), provs,
				k.CreatedAt.Format(time.RFC3339), stamp(k.LastUsedAt), stamp(k.RevokedAt))
		}
		if page.Offset+page.Limit >= total {
			break
		}
	}
	return w.Flush()
}

func keysCreate(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	name := fs.String("name", "", "who or what the key is for")
	scopes := fs.String("scopes", "", "comma-separated: read, write:regions, write:indicators, write:programs, admin")
	provinces := fs.String("provinces", "", "comma-separated province codes the key may write (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sc, err := auth.ParseScopes(*scopes)
	if err != nil {
		return err
	}
	var provs []string
	for _, p := range strings.Split(*provinces, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		code, err := region.ParseCodeAt(p, region.LevelProvince)
		if err != nil {
			return fmt.Errorf("--provinces: %w", err)
		}
		provs = append(provs, code)
	}
	s, err := store.Open(ctx, cfg.DatabaseURL, cfg.storeOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	k, secret, err := auth.NewService(s).Create(ctx, *name, sc, provs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created key %s (%s) with scopes %s; the secret below is shown once:\n%s\n",
		k.ID, k.Name, *scopes, secret)
	return nil
}

// healthcheck asks the local server's /readyz, for container health checks
// on images without curl.
func healthcheck(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s", res.Status)
	}
	return nil
}
