package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// server is a running `desa-api serve` started by a test.
type server struct {
	base   string
	cancel context.CancelFunc
	done   chan error
	logs   *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// start runs the server with the given environment and waits until /readyz
// answers, reporting how long that took.
func start(t *testing.T, vars map[string]string, args ...string) (*server, time.Duration) {
	t.Helper()
	addr := freeAddr(t)
	vars["ADDR"] = addr
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{base: "http://" + addr, cancel: cancel, done: make(chan error, 1), logs: &syncBuffer{}}
	began := time.Now()
	go func() { s.done <- run(ctx, args, env(vars), io.Discard, s.logs) }()
	limit := 2 * time.Minute
	if raceEnabled {
		limit = 10 * time.Minute
	}
	for time.Since(began) < limit {
		res, err := http.Get(s.base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, time.Since(began)
			}
		}
		select {
		case err := <-s.done:
			t.Fatalf("server exited before it was ready: %v\n%s", err, s.logs)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("server not ready after %s\n%s", limit, s.logs)
	return nil, 0
}

func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	if err := <-s.done; err != nil {
		t.Fatalf("serve returned %v\n%s", err, s.logs)
	}
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return res.StatusCode
}

// TestServeFreshAndRestart starts the server on an empty database (which
// loads the embedded regions), checks the national counts over HTTP, stops
// it, and starts it again: the second start must not reload.
func TestServeFreshAndRestart(t *testing.T) {
	for _, d := range storetest.Engines {
		t.Run(string(d), func(t *testing.T) {
			skipSlowLoad(t, d)
			vars := map[string]string{"DATABASE_URL": storetest.URL(t, d), "LOG_LEVEL": "info"}
			if raceEnabled {
				// Under the race detector the 500,300 rows of the indicator
				// sample take minutes; TestImportIndicatorValues covers the path.
				vars["AUTO_SEED"] = "regions,scores,program"
			}
			s, first := start(t, vars)
			want := map[string]int{"provinces": 38, "regencies": 514, "districts": 7285, "villages": 83762}
			for path, n := range want {
				var body struct{ Page struct{ Total int } }
				if code := getJSON(t, s.base+"/v1/"+path+"?limit=1", &body); code != 200 || body.Page.Total != n {
					t.Errorf("GET /v1/%s: status %d, total %d, want 200 and %d", path, code, body.Page.Total, n)
				}
			}
			var v struct {
				Name, Type   string
				ProvinceName string `json:"province_name"`
			}
			getJSON(t, s.base+"/v1/villages/3578011001", &v)
			if v.Name != "Karang Pilang" || v.Type != "kelurahan" || v.ProvinceName != "Jawa Timur" {
				t.Errorf("village 3578011001: %+v", v)
			}
			if !strings.Contains(s.logs.String(), "loaded the embedded Kepmendagri 2025 regions") {
				t.Errorf("first start did not report loading regions:\n%s", s.logs)
			}
			if !strings.Contains(s.logs.String(), `"msg":"loaded the embedded example program","code":"kaltim-jatim-desa-berdaya","targets":4`) {
				t.Errorf("first start did not report loading the example program with its 4 targets:\n%s", s.logs)
			}
			if !raceEnabled {
				// 11.01.02.2001 has all 50 IDM indicator scores in 2024.
				var vals struct {
					Data []struct {
						IndicatorCode string `json:"indicator_code"`
					}
				}
				getJSON(t, s.base+"/v1/villages/1101022001/indicators?year=2024", &vals)
				if len(vals.Data) != 50 || vals.Data[0].IndicatorCode != "idm_ike_01" {
					t.Errorf("village 1101022001 has %d indicator values in 2024, want 50 starting with idm_ike_01", len(vals.Data))
				}
			}
			s.stop(t)

			s, second := start(t, vars)
			defer s.stop(t)
			if strings.Contains(s.logs.String(), "loaded the embedded") {
				t.Errorf("second start reloaded the regions:\n%s", s.logs)
			}
			t.Logf("%s: first start ready in %s, second in %s", d, first.Round(time.Millisecond), second.Round(time.Millisecond))
		})
	}
}

// TestGracefulShutdown cancels the server while a request is in flight: the
// request completes and run returns without error.
func TestGracefulShutdown(t *testing.T) {
	vars := map[string]string{"DATABASE_URL": filepath.Join(t.TempDir(), "g.db"), "AUTO_SEED": "false"}
	s, _ := start(t, vars)
	// Hold a request open by sending its body slowly.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"code":"64","name":"Kalimantan Timur"}`
	fmt.Fprintf(conn, "POST /v1/provinces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	time.Sleep(100 * time.Millisecond)
	s.cancel()
	time.Sleep(100 * time.Millisecond)
	if _, err := io.WriteString(conn, body); err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(conn)
	if !strings.HasPrefix(string(reply), "HTTP/1.1 401") {
		t.Errorf("in-flight request got %q, want a complete 401 answer", reply)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	if _, err := http.Get(s.base + "/healthz"); err == nil {
		t.Error("new connections are still accepted after shutdown")
	}
}

// TestCommands runs migrate, import regions from a file and keys create
// against both engines, as an operator would for a PostgreSQL deployment.
func TestCommands(t *testing.T) {
	for _, d := range storetest.Engines {
		t.Run(string(d), func(t *testing.T) {
			vars := env(map[string]string{"DATABASE_URL": storetest.URL(t, d)})
			ctx := context.Background()
			var out bytes.Buffer
			if err := run(ctx, []string{"migrate"}, vars, &out, io.Discard); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			file := filepath.Join(t.TempDir(), "regions.csv")
			csv := "code,name,type\n64,Kalimantan Timur,\n6401,Kabupaten Paser,kabupaten\n64.01.01,Batu Sopang,\n6401012001,Kasungai,desa\n"
			if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			if err := run(ctx, []string{"import", "regions", "--file", file}, vars, &out, io.Discard); err != nil {
				t.Fatalf("import: %v", err)
			}
			if !strings.HasPrefix(out.String(), "imported 4 regions") {
				t.Errorf("import said %q", out.String())
			}
			bad := filepath.Join(t.TempDir(), "bad.csv")
			os.WriteFile(bad, []byte("code,name\n64.01.01.4001,Nowhere\n64,Kaltim\n6401,Paser\n64.01,Paser\n"), 0o600)
			err := run(ctx, []string{"import", "regions", "--file", bad}, vars, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "line 5: code 64.01 repeats line 4") {
				t.Errorf("import of a bad file: err = %v, want one naming lines 2 and 5", err)
			}

			out.Reset()
			if err := run(ctx, []string{"keys", "create", "--name", "ci", "--scopes", "admin,write:regions"}, vars, &out, io.Discard); err != nil {
				t.Fatalf("keys create: %v", err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			secret := lines[len(lines)-1]
			if !strings.HasPrefix(secret, "desa_") || strings.Contains(secret, " ") {
				t.Fatalf("last line %q is not a key alone", secret)
			}
			if err := run(ctx, []string{"keys", "create", "--name", "x", "--scopes", "root"}, vars, io.Discard, io.Discard); err == nil {
				t.Error("keys create accepted an unknown scope")
			}
			err = run(ctx, []string{"keys", "create", "--name", "ghost", "--scopes", "read", "--provinces", "64,99"}, vars, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "no province with code 99") {
				t.Errorf("keys create for province 99: %v, want an error naming it", err)
			}
			out.Reset()
			if err := run(ctx, []string{"keys", "list"}, vars, &out, io.Discard); err != nil {
				t.Fatalf("keys list: %v", err)
			}
			listed := strings.Split(strings.TrimSpace(out.String()), "\n")
			id := strings.Fields(listed[len(listed)-1])[0]
			if len(listed) != 2 || !strings.Contains(listed[1], " ci ") || strings.Contains(out.String(), secret) {
				t.Fatalf("keys list said:\n%s", out.String())
			}
			out.Reset()
			if err := run(ctx, []string{"keys", "revoke", id}, vars, &out, io.Discard); err != nil || !strings.Contains(out.String(), "revoked key "+id) {
				t.Fatalf("keys revoke: %v, %q", err, out.String())
			}
			if err := run(ctx, []string{"keys", "revoke", "nope"}, vars, io.Discard, io.Discard); err == nil {
				t.Error("keys revoke of an unknown key succeeded")
			}
			s, err := store.Open(ctx, vars("DATABASE_URL"), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			counts, err := s.RegionCounts(ctx)
			if err != nil || counts["village"] != 1 || counts["regency"] != 1 {
				t.Errorf("after import: %v %v", counts, err)
			}
		})
	}
}

func TestUnknownCommand(t *testing.T) {
	if err := run(context.Background(), []string{"frobnicate"}, env(map[string]string{}), io.Discard, io.Discard); err == nil {
		t.Error("unknown command accepted")
	}
	if err := run(context.Background(), []string{"serve"}, env(map[string]string{"REQUEST_TIMEOUT": "soon"}), io.Discard, io.Discard); err == nil {
		t.Error("bad REQUEST_TIMEOUT accepted")
	}
}

// TestImportIndicatorValues runs import indicator-values from files of both
// shapes on both engines: a rejected row in partial mode, a Kepmendagri
// 2022 code translated, a dry run that stores nothing, and a re-import that
// changes nothing.
func TestImportIndicatorValues(t *testing.T) {
	for _, d := range storetest.Engines {
		t.Run(string(d), func(t *testing.T) {
			vars := env(map[string]string{"DATABASE_URL": storetest.URL(t, d)})
			ctx := context.Background()
			dir := t.TempDir()
			file := func(name, body string) string {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
				return path
			}
			importValues := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, append([]string{"import", "indicator-values"}, args...), vars, &out, io.Discard)
				return out.String(), err
			}
			regions := file("regions.csv", "code,name,type\n96,Papua Barat Daya,\n9604,Kabupaten Tambrauw,kabupaten\n"+
				"96.04.01,Fef,\n9604012001,Ases,desa\n")
			if err := run(ctx, []string{"import", "regions", "--file", regions}, vars, io.Discard, io.Discard); err != nil {
				t.Fatalf("import regions: %v", err)
			}

			generic := file("values.csv", "region_code,indicator_code,year,value\n96.04,idm_iks_01,2024,3\n"+
				"9604012001,idm_ikl_03,2023,6\n96.04.01.2001,idm_ikl_03,2024,4\n")
			out, err := importValues("--file", generic, "--mode", "partial", "--source", "test")
			if err != nil || !strings.Contains(out, "3 rows, 2 inserted, 0 updated, 0 unchanged, 1 rejected") ||
				!strings.Contains(out, "row 2: value: idm_ikl_03 takes values between 0.0000 and 5.0000, got 6.0000 (out_of_range)") {
				t.Errorf("generic shape, partial: err = %v, output:\n%s", err, out)
			}
			if _, err := importValues("--file", generic); err == nil {
				t.Error("an atomic import with a rejected row succeeded")
			}

			idm := file("idm.csv", "village_code,year,dimension,number,score\n96.09.01.2001,2024,IKS,31,5\n96.09.01.2001,2024,IKL,3,4\n")
			out, err = importValues("--file", idm, "--code-edition", "2022", "--dry-run")
			if err != nil || !strings.Contains(out, "2 rows, 1 inserted, 0 updated, 1 unchanged, 0 rejected, 2 translated") {
				t.Errorf("IDM shape, dry run: err = %v, output:\n%s", err, out)
			}
			out, err = importValues("--file", idm, "--code-edition", "2022")
			if err != nil || !strings.Contains(out, "2 rows, 1 inserted, 0 updated, 1 unchanged, 0 rejected, 2 translated") {
				t.Errorf("IDM shape: err = %v, output:\n%s", err, out)
			}
			out, err = importValues("--file", idm, "--code-edition", "2022")
			if err != nil || !strings.Contains(out, "2 rows, 0 inserted, 0 updated, 2 unchanged") {
				t.Errorf("IDM shape again: err = %v, output:\n%s", err, out)
			}
			if _, err := importValues("--file", idm); err == nil {
				t.Error("2022 codes were accepted as 2025 codes")
			}

			s, err := store.Open(ctx, vars("DATABASE_URL"), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if n, err := s.CountValues(ctx); err != nil || n != 3 {
				t.Errorf("stored values: %d, %v; want 3", n, err)
			}
		})
	}
}

func TestAutoSeedConfig(t *testing.T) {
	tests := []struct {
		value string
		want  []string
		ok    bool
	}{
		{"", seedSets, true},
		{"true", seedSets, true},
		{"0", nil, true},
		{"regions, scores", []string{"regions", "scores"}, true},
		{"indicator_values", []string{"indicator_values"}, true},
		{"regions,values", nil, false},
		{"yes", nil, false},
	}
	for _, tt := range tests {
		cfg, err := loadConfig(env(map[string]string{"AUTO_SEED": tt.value}))
		if (err == nil) != tt.ok || tt.ok && !slices.Equal(cfg.AutoSeed, tt.want) {
			t.Errorf("AUTO_SEED=%q: %v, %v; want %v (ok %v)", tt.value, cfg.AutoSeed, err, tt.want, tt.ok)
		}
	}
}

func TestTrustedProxiesConfig(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  []string
		ok    bool
	}{
		{"", nil, true},
		{"10.0.0.0/8, 192.0.2.7", []string{"10.0.0.0/8", "192.0.2.7/32"}, true},
		{"2001:db8::/32,2001:db8::1", []string{"2001:db8::/32", "2001:db8::1/128"}, true},
		{"10.0.0.0/33", nil, false},
		{"ingress", nil, false},
	} {
		cfg, err := loadConfig(env(map[string]string{"TRUSTED_PROXIES": tt.value}))
		var got []string
		for _, n := range cfg.TrustedProxies {
			got = append(got, n.String())
		}
		if (err == nil) != tt.ok || tt.ok && !slices.Equal(got, tt.want) {
			t.Errorf("TRUSTED_PROXIES=%q: %v, %v; want %v (ok %v)", tt.value, got, err, tt.want, tt.ok)
		}
	}
}

func TestTimeoutConfig(t *testing.T) {
	for _, tt := range []struct {
		env map[string]string
		ok  bool
	}{
		{nil, true},
		{map[string]string{"WRITE_TIMEOUT": "0"}, true},
		{map[string]string{"REQUEST_TIMEOUT": "0"}, true},
		{map[string]string{"REQUEST_TIMEOUT": "10s", "WRITE_TIMEOUT": "15s"}, true},
		{map[string]string{"REQUEST_TIMEOUT": "30s", "WRITE_TIMEOUT": "30s"}, false},
		{map[string]string{"REQUEST_TIMEOUT": "0", "WRITE_TIMEOUT": "10s"}, false},
		{map[string]string{"IDEMPOTENCY_TTL": "1h"}, true},
		{map[string]string{"IDEMPOTENCY_TTL": "a day"}, false},
	} {
		cfg, err := loadConfig(env(tt.env))
		if (err == nil) != tt.ok {
			t.Errorf("%v: %v, want ok %v", tt.env, err, tt.ok)
		}
		if err == nil && tt.env == nil && (cfg.IdempotencyTTL != 24*time.Hour || cfg.StatementTimeout != 30*time.Second ||
			cfg.ReadTimeout != 60*time.Second || cfg.WriteTimeout != 120*time.Second || cfg.IdleTimeout != 120*time.Second) {
			t.Errorf("defaults: %+v", cfg)
		}
	}
}
