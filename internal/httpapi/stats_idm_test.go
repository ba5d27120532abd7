package httpapi_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/seed"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// readSharedCSV reads a CSV of the shared reference data as maps by column,
// skipping the test when the data is not there.
func readSharedCSV(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedData, name))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is not present (the shared reference data lives next to the repository); skipping", filepath.Join(sharedData, name))
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m := make(map[string]string, len(header))
		for i, h := range header {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
}

// share is count/total to four places, rounded half up, in plain integer
// arithmetic.
func share(count, total int) string {
	if total == 0 {
		return "0.0000"
	}
	units := (count*20000/total + 1) / 2
	return fmt.Sprintf("%d.%04d", units/10000, units%10000)
}

// TestStatsIDM2024ByProvince: the national IDM 2024 distribution by
// province, computed here from the shared reference files (idm_2024.csv,
// villages.csv, provinces.csv), equals what the API answers after loading
// the embedded regions and the embedded official IDM 2024 set, on both
// engines. Per the data's README these counts equal the official 2024 recap.
func TestStatsIDM2024ByProvince(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the national data set; skipped with -short")
	}
	idm := readSharedCSV(t, "idm_2024.csv")
	villages := readSharedCSV(t, "villages.csv")
	provinces := readSharedCSV(t, "provinces.csv")

	total := map[string]int{}     // desa and desa adat per province
	counts := map[string][5]int{} // per province, statuses lowest first
	for _, v := range villages {
		if v["type"] != "kelurahan" {
			total[v["code"][:2]]++
		}
	}
	for _, r := range idm {
		if r["village_code"] == "" || r["status"] == "" {
			continue
		}
		p := r["village_code"][:2]
		c := counts[p]
		c[slices.Index(statuses, r["status"])]++
		counts[p] = c
	}
	row := func(code, name string, total int, c [5]int) string {
		with := 0
		var sh [5]string
		for i, n := range c {
			with += n
			sh[i] = share(n, total)
		}
		return fmt.Sprintf(`{"code":%q,"name":%q,"total":%d,"counts":%s,"no_status":%d,"shares":%s}`,
			code, name, total, countsJSON(c), total-with, countsJSON(sh))
	}
	var rows []string
	var all [5]int
	allTotal := 0
	slices.SortFunc(provinces, func(a, b map[string]string) int { return strings.Compare(a["code"], b["code"]) })
	for _, p := range provinces {
		code := p["code"]
		rows = append(rows, row(code, p["name"], total[code], counts[code]))
		allTotal += total[code]
		for i, n := range counts[code] {
			all[i] += n
		}
	}
	want := fmt.Sprintf(`{"framework":"idm","year":2024,"level":"province","parent":null,"data":[%s],"total":%s}`,
		strings.Join(rows, ","), row("total", "Total", allTotal, all))
	if len(provinces) != 38 || allTotal != 75266 || all[0]+all[1]+all[2]+all[3]+all[4] != 75255 {
		t.Fatalf("reference data: %d provinces, %d desa, %d statuses; want 38, 75266, 75255", len(provinces), allTotal, all)
	}

	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if raceEnabled && s.Dialect() == store.SQLite {
			t.Skip("loading 75,255 scores into the pure-Go SQLite takes many minutes under the race detector; run without -race")
		}
		ctx := context.Background()
		rs, err := seed.Regions()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := region.NewService(s).Import(ctx, rs); err != nil {
			t.Fatalf("import regions: %v", err)
		}
		rep, err := seed.LoadScores(ctx, indicatorService(s), seed.ScoreSets[0])
		if err != nil || rep.Inserted != 75255 {
			t.Fatalf("load %s: inserted %d, %v; want 75255", seed.ScoreSets[0].Name, rep.Inserted, err)
		}
		a := newStatsAPI(t, s, httpapi.Config{})
		const target = "/v1/stats/status-distribution?level=province&year=2024"
		res := a.get(t, target, http.StatusOK)
		wantJSON(t, target, res.body, want)
	})
}
