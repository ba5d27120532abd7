package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/seed"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// TestSQLFloor: GET /bench/sql/KEY runs scenario KEY's pgbench SQL, every
// statement of it, and answers the count of rows it read; an unknown key is
// a 404. The data: every province, province 64's regions, and regency 35.01
// with IDM 2024 scores, so that each scenario's SQL has rows to read.
func TestSQLFloor(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t, store.Postgres)
	all, err := seed.Regions()
	if err != nil {
		t.Fatal(err)
	}
	var rs []region.Region
	for _, r := range all {
		if r.Level == region.LevelProvince || strings.HasPrefix(r.Code, "64") || strings.HasPrefix(r.Code, "35.01") {
			rs = append(rs, r)
		}
	}
	if _, err := region.NewService(s).Import(ctx, rs); err != nil {
		t.Fatal(err)
	}
	idm, err := indicator.FrameworkByCode("idm")
	if err != nil {
		t.Fatal(err)
	}
	var scores []indicator.Score
	for i, r := range rs {
		if r.Level != region.LevelVillage || r.Type == region.TypeKelurahan {
			continue
		}
		v := fixed.FromFloat(0.55 + 0.3*float64(i%4)/3) // berkembang to mandiri, maju among them
		in := indicator.ScoreInput{Components: map[string]fixed.Dec{"iks": v, "ike": v, "ikl": v}}
		sc, probs := idm.NewScore(indicator.Village{Code: r.Code, Type: r.Type}, 2024, in)
		if len(probs) > 0 {
			t.Fatalf("score %s: %v", r.Code, probs)
		}
		scores = append(scores, sc)
	}
	if _, _, err := s.UpsertScores(ctx, scores); err != nil {
		t.Fatal(err)
	}

	e := echo.New()
	e.GET(sqlFloorPath+":key", sqlFloor(s.SQL()))
	for _, sc := range scenarios {
		want := 0
		for i := range sc.sql.stmts {
			rows, err := queryRows(ctx, s.SQL(), sc.sql, i)
			if err != nil {
				t.Fatalf("(%s) statement %d: %v", sc.key, i, err)
			}
			want += len(rows)
		}
		if want == 0 {
			t.Fatalf("(%s) the SQL reads no rows: the fixture does not exercise it", sc.key)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, sqlFloorPath+sc.key, nil))
		if rec.Code != http.StatusOK || rec.Body.String() != strconv.Itoa(want) {
			t.Errorf("GET %s%s = %d %q, want 200 %q", sqlFloorPath, sc.key, rec.Code, rec.Body.String(), strconv.Itoa(want))
		}
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, sqlFloorPath+"z", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET %sz = %d, want 404", sqlFloorPath, rec.Code)
	}
}
