// Command desa-api serves the desa-api REST API and runs its maintenance
// tasks. With no arguments it serves: on a fresh machine it creates desa.db
// (SQLite) in the working directory, migrates it and loads the embedded
// Kepmendagri 2025 regions, so that one command gives a working API.
//
//	desa-api [serve]                      serve HTTP on $ADDR (default :8080)
//	desa-api migrate                      apply database migrations
//	desa-api import regions [--file F]    load regions (embedded set, or a CSV file)
//	desa-api keys create --name N --scopes S[,S] [--provinces P[,P]]
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
	"strings"
	"syscall"
	"time"

	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/seed"
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
  desa-api keys create --name NAME --scopes SCOPE[,SCOPE] [--provinces CODE[,CODE]]
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
	s, err := store.Open(ctx, cfg.DatabaseURL, cfg.storeOptions())
	if err != nil {
		return err
	}
	defer s.Close()
	regions := region.NewService(s)
	if cfg.AutoSeed {
		loaded, err := seed.EnsureRegions(ctx, regions)
		if err != nil {
			return fmt.Errorf("loading the embedded regions: %w", err)
		}
		if loaded {
			log.Info("loaded the embedded Kepmendagri 2025 regions", "took", time.Since(start).Round(time.Millisecond).String())
		}
	}
	e, err := httpapi.New(httpapi.Services{Regions: regions, Keys: auth.NewService(s), Ping: s.Ping},
		httpapi.Config{RequestTimeout: cfg.RequestTimeout, BodyLimit: cfg.BodyLimit, Logger: log})
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
	log.Info("serving", "addr", ln.Addr().String(), "database", string(s.Dialect()),
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
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func importCmd(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
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

func keysCmd(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("keys what? %s", usage)
	}
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	name := fs.String("name", "", "who or what the key is for")
	scopes := fs.String("scopes", "", "comma-separated: read, write:regions, write:indicators, write:programs, admin")
	provinces := fs.String("provinces", "", "comma-separated province codes the key may write (default: all)")
	if err := fs.Parse(args[1:]); err != nil {
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
