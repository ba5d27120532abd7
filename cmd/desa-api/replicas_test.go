package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/store/storetest/pgcluster"
)

// TestServeReadReplica serves with DATABASE_READ_URLS naming a real
// streaming replica whose replay the test pauses: a write request's own
// reads (the parent a new regency needs) see the primary, while plain GETs
// read the replica until it replays. Then it stops the replica.
func TestServeReadReplica(t *testing.T) {
	pg := pgcluster.Start(t)
	url := pg.CreateDatabase("desa")
	rep := pg.Replica()
	key := createKey(t, url, "write:regions")
	s, _ := start(t, map[string]string{"DATABASE_URL": url, "DATABASE_READ_URLS": rep.URL("desa"), "AUTO_SEED": "false"})
	defer s.stop(t)
	if !strings.Contains(s.logs.String(), `"read_replicas":1`) {
		t.Errorf("the start line does not report one read replica:\n%s", s.logs)
	}

	rep.WaitReplay(pg)
	rep.Exec("desa", "SELECT pg_wal_replay_pause()")
	post := func(path, body string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Errorf("POST %s: %d %s", path, res.StatusCode, b)
		}
		return res.StatusCode
	}
	post("/v1/provinces", `{"code":"64","name":"Kalimantan Timur"}`)
	// Creating a regency reads its province: from the primary, since the
	// paused replica has not seen it.
	post("/v1/regencies", `{"code":"64.01","name":"Kabupaten Paser","type":"kabupaten"}`)
	if p := get(t, s.base+"/v1/provinces/64"); p.status != http.StatusNotFound {
		t.Errorf("GET /v1/provinces/64 with the replica paused: %d, want 404 (read from the replica)", p.status)
	}
	rep.Exec("desa", "SELECT pg_wal_replay_resume()")
	rep.WaitReplay(pg)
	for _, path := range []string{"/v1/provinces/64", "/v1/regencies/64.01"} {
		if p := get(t, s.base+path); p.status != http.StatusOK {
			t.Errorf("GET %s after replay: %d, want 200", path, p.status)
		}
	}

	// With the replica gone, reads answer 503 at once; writes, their reads
	// and /readyz use the primary and go on.
	rep.Stop("immediate")
	if p := get(t, s.base+"/v1/regencies/64.01"); p.status != http.StatusServiceUnavailable {
		t.Errorf("GET with the replica stopped: %d, want 503", p.status)
	}
	post("/v1/regencies", `{"code":"64.02","name":"Kabupaten Kutai Kartanegara","type":"kabupaten"}`)
	if p := get(t, s.base+"/readyz"); p.status != http.StatusOK {
		t.Errorf("/readyz with the replica stopped: %d, want 200 (the primary answers)", p.status)
	}
}

// TestReadURLsConfig checks DATABASE_READ_URLS parsing.
func TestReadURLsConfig(t *testing.T) {
	pgURL := "postgres://app@db/app"
	tests := []struct {
		primary, read string
		want          int
		ok            bool
	}{
		{pgURL, "", 0, true},
		{pgURL, "postgres://app@r1/app, postgresql://app@r2/app,", 2, true},
		{pgURL, "r1.db", 0, false},
		{"desa.db", "postgres://app@r1/app", 0, false},
	}
	for _, tt := range tests {
		cfg, err := loadConfig(env(map[string]string{"DATABASE_URL": tt.primary, "DATABASE_READ_URLS": tt.read}))
		if (err == nil) != tt.ok || tt.ok && len(cfg.ReadURLs) != tt.want {
			t.Errorf("DATABASE_URL=%q DATABASE_READ_URLS=%q: %v, %v; want %d URLs (ok %v)", tt.primary, tt.read, cfg.ReadURLs, err, tt.want, tt.ok)
		}
	}
}
