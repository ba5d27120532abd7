package httpapi_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/seed"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// sharedData is the project's reference data, where it exists.
const sharedData = "../../../shared/data"

var idmStatuses = []string{"mandiri", "maju", "berkembang", "tertinggal", "sangat_tertinggal"}

// loadIDM2024 loads the embedded Kepmendagri 2025 regions and the embedded
// official IDM 2024 set into the api's database, as a fresh install does.
func loadIDM2024(t *testing.T, a *api) {
	t.Helper()
	ctx := context.Background()
	rs, err := seed.Regions()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := region.NewService(a.s).Import(ctx, rs); err != nil {
		t.Fatalf("import regions: %v", err)
	}
	svc := indicator.NewService(store.IndicatorStore{Store: a.s}, a.s, crosswalk, newImportID)
	rep, err := seed.LoadScores(ctx, svc, seed.ScoreSets[0])
	if err != nil {
		t.Fatalf("load IDM 2024: %v", err)
	}
	if rep.Rows != 75255 || rep.Inserted != 75255 || rep.Rejected != 0 {
		t.Fatalf("IDM 2024 report: %d rows, %d inserted, %d rejected; want 75255, 75255, 0", rep.Rows, rep.Inserted, rep.Rejected)
	}
}

// total asks the API how many villages a list query matches.
func (a *api) total(t *testing.T, target string) int {
	t.Helper()
	res := a.do(t, request{target: target + "&limit=1"})
	wantStatus(t, target, res, http.StatusOK)
	return pageOf(t, res).Total
}

// TestIDM2024 loads the embedded regions and IDM 2024 into a fresh
// database on each engine and checks what the API counts against the
// official recap for East Kalimantan and, where the shared reference data
// is present, against idm_2024.csv for every province.
func TestIDM2024(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the national IDM 2024 set (-short)")
	}
	fromFile, fileErr := statusCountsFromFile(filepath.Join(sharedData, "idm_2024.csv"))
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if raceEnabled && s.Dialect() == store.SQLite {
			t.Skip("loading the national sets into SQLite takes many minutes under the race detector; run without -race")
		}
		a := newAPI(t, s)
		loadIDM2024(t, a)

		t.Run("Kalimantan Timur", func(t *testing.T) {
			want := map[string]int{"mandiri": 262, "maju": 380, "berkembang": 195, "tertinggal": 4, "sangat_tertinggal": 0}
			got := map[string]int{}
			for _, st := range idmStatuses {
				got[st] = a.total(t, "/v1/villages?province=64&framework=idm&year=2024&status="+st)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Kaltim IDM 2024 status counts mismatch (-want +got):\n%s", diff)
			}
			if n := a.total(t, "/v1/villages?province=64&year=2024&status=mandiri,maju"); n != 642 {
				t.Errorf("mandiri or maju: %d, want 642", n)
			}
			if n := a.total(t, "/v1/villages?province=64&year=2024&status=tertinggal,sangat_tertinggal&type=desa"); n != 4 {
				t.Errorf("tertinggal or worse: %d, want 4", n)
			}
		})

		t.Run("the one disagreement", func(t *testing.T) {
			scores := a.scoresOf(t, "62.13.06.2003", "idm")
			if len(scores) != 1 || !scores[0].StatusDisagrees || scores[0].Score.String() != "0.7410" ||
				*scores[0].Status != "berkembang" || *scores[0].DerivedStatus != "maju" {
				t.Errorf("62.13.06.2003: %+v; want 0.7410 published berkembang, derived maju", scores)
			}
			n, err := disagreements(a.s)
			if err != nil || n != 1 {
				t.Errorf("%d stored scores disagree with their derived status (%v), want exactly 1", n, err)
			}
		})

		t.Run("every province against idm_2024.csv", func(t *testing.T) {
			if errors.Is(fileErr, os.ErrNotExist) {
				t.Skipf("%s is not here: %v", sharedData, fileErr)
			}
			if fileErr != nil {
				t.Fatal(fileErr)
			}
			// Every province but DKI Jakarta (kelurahan only) has desa with scores.
			if _, ok := fromFile["31"]; len(fromFile) != 37 || ok {
				t.Errorf("idm_2024.csv has scores in %d provinces (DKI Jakarta among them: %v), want 37 without it", len(fromFile), ok)
			}
			res := a.do(t, request{target: "/v1/provinces?limit=1000"})
			wantStatus(t, "provinces", res, http.StatusOK)
			provinces := codesOf(t, res)
			if len(provinces) != 38 {
				t.Fatalf("%d provinces, want 38", len(provinces))
			}
			want, got := map[string]map[string]int{}, map[string]map[string]int{}
			for _, prov := range provinces {
				want[prov], got[prov] = map[string]int{}, map[string]int{}
				for st, n := range fromFile[prov] {
					want[prov][st] = n
				}
				for _, st := range idmStatuses {
					if n := a.total(t, "/v1/villages?province="+prov+"&framework=idm&year=2024&status="+st); n > 0 {
						got[prov][st] = n
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("per-province status counts mismatch (-file +api):\n%s", diff)
			}
		})
	})
}

// statusCountsFromFile counts idm_2024.csv's statuses per province, over
// the rows the embedded set ships (those matched to a 2025 code).
func statusCountsFromFile(path string) (map[string]map[string]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	header, err := cr.Read()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	out := map[string]map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		code, status := rec[col["village_code"]], rec[col["status"]]
		if code == "" || status == "" {
			continue
		}
		if out[code[:2]] == nil {
			out[code[:2]] = map[string]int{}
		}
		out[code[:2]][status]++
	}
}

// disagreements counts stored IDM 2024 scores whose published status is
// not the derived one.
func disagreements(s *store.Store) (int, error) {
	var n int
	err := s.SQL().QueryRowContext(context.Background(),
		"SELECT COUNT(*) FROM scores WHERE framework = 'idm' AND year = 2024 AND status <> derived_status").Scan(&n)
	return n, err
}
