package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for admin statements and checks

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/seed"
	"github.com/desa-api/desa-api/internal/store"
)

// SyntheticSource labels every generated score.
const SyntheticSource = "SYNTHETIC — generated for benchmarks, not official data"

// syntheticSeed fixes the generated scores: the same seed and regions give
// the same scores.
const syntheticSeed = 20240517

type database struct {
	admin, name, url string
}

// createDatabase creates a database named prefix and a random suffix.
func createDatabase(ctx context.Context, admin, prefix string) (*database, error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := prefix + hex.EncodeToString(b)
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		return nil, err
	}
	defer adm.Close()
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create database (is PostgreSQL reachable at %s?): %w", redact(admin), err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	return &database{admin: admin, name: name, url: u.String()}, nil
}

// freshDatabase creates a database (see createDatabase), reports it on out,
// and returns the function to call at the end: it drops the database, or
// with keep says that it was kept.
func freshDatabase(ctx context.Context, admin, prefix string, keep bool, out io.Writer) (*database, func(), error) {
	db, err := createDatabase(ctx, admin, prefix)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(out, "database %s (created)\n", db.name)
	return db, func() {
		if keep {
			fmt.Fprintf(out, "database %s kept\n", db.name)
		} else if err := db.drop(); err != nil {
			fmt.Fprintln(os.Stderr, "desa-bench: drop database:", err)
		} else {
			fmt.Fprintf(out, "database %s dropped\n", db.name)
		}
	}, nil
}

func (d *database) drop() error {
	adm, err := sql.Open("pgx", d.admin)
	if err != nil {
		return err
	}
	defer adm.Close()
	_, err = adm.Exec("DROP DATABASE IF EXISTS " + d.name + " WITH (FORCE)")
	return err
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the admin URL"
	}
	return u.Redacted()
}

type dataInfo struct {
	villages, desa int
	scores         string
	server         string
}

// loadNational migrates the database and loads the regions, the official
// IDM 2024 and the synthetic IDM 2019–2023.
func loadNational(ctx context.Context, dbURL string, out io.Writer) (dataInfo, error) {
	var info dataInfo
	t0 := time.Now()
	s, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		return info, err
	}
	defer s.Close()
	rs, err := seed.Regions()
	if err != nil {
		return info, err
	}
	if _, err := region.NewService(s).Import(ctx, rs); err != nil {
		return info, fmt.Errorf("import regions: %w", err)
	}
	fmt.Fprintf(out, "loaded %d regions in %s\n", len(rs), time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	svc := indicator.NewService(store.IndicatorStore{Store: s}, s, nil, func() string { return "bench-idm-2024" })
	rep, err := seed.LoadScores(ctx, svc, seed.ScoreSets[0])
	if err != nil {
		return info, err
	}
	fmt.Fprintf(out, "loaded %d official IDM 2024 scores (%s) in %s\n", rep.Inserted, seed.ScoreSets[0].Name, time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	synth, err := syntheticScores(rs)
	if err != nil {
		return info, err
	}
	for start := 0; start < len(synth); start += 50000 {
		if _, _, err := s.UpsertScores(ctx, synth[start:min(start+50000, len(synth))]); err != nil {
			return info, fmt.Errorf("upsert synthetic scores: %w", err)
		}
	}
	fmt.Fprintf(out, "generated and loaded %d synthetic IDM scores for 2019–2023 in %s\n", len(synth), time.Since(t0).Round(time.Millisecond))

	// As autovacuum would, eventually: fresh statistics and visibility maps.
	if _, err := s.SQL().ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		return info, err
	}
	for _, r := range rs {
		if r.Level == region.LevelVillage {
			info.villages++
			if r.Type != region.TypeKelurahan {
				info.desa++
			}
		}
	}
	rows, err := s.SQL().QueryContext(ctx, "SELECT year, COUNT(*), COUNT(status) FROM scores WHERE framework = 'idm' GROUP BY year ORDER BY year")
	if err != nil {
		return info, err
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var year, n, withStatus int
		if err := rows.Scan(&year, &n, &withStatus); err != nil {
			return info, err
		}
		label := "synthetic"
		if year == 2024 {
			label = "official"
		}
		parts = append(parts, fmt.Sprintf("%d: %d %s", year, n, label))
	}
	info.scores = strings.Join(parts, ", ")
	if err := s.SQL().QueryRowContext(ctx, "SELECT version()").Scan(&info.server); err != nil {
		return info, err
	}
	if i := strings.Index(info.server, " on "); i > 0 {
		info.server = info.server[:i]
	}
	return info, rows.Err()
}

// syntheticScores makes IDM scores for 2019–2023 for every desa and desa
// adat: from the official 2024 components (or, for a village without them,
// a random start near the national mean) a random walk backwards in time,
// each year lower by the village's drift plus noise, clamped to [0, 1]. The
// score is the mean of the components and the status follows from it, as
// for any IDM score written through the API.
func syntheticScores(rs []region.Region) ([]indicator.Score, error) {
	base, err := official2024()
	if err != nil {
		return nil, err
	}
	idm, err := indicator.FrameworkByCode("idm")
	if err != nil {
		return nil, err
	}
	var desa []region.Region
	for _, r := range rs {
		if r.Level == region.LevelVillage && r.Type != region.TypeKelurahan {
			desa = append(desa, r)
		}
	}
	slices.SortFunc(desa, func(a, b region.Region) int { return strings.Compare(a.Code, b.Code) })
	rng := mrand.New(mrand.NewPCG(syntheticSeed, 1))
	clamp := func(x float64) float64 { return math.Min(1, math.Max(0, x)) }
	comps := []string{"iks", "ike", "ikl"}
	out := make([]indicator.Score, 0, len(desa)*5)
	for _, v := range desa {
		cur := make([]float64, 3)
		if b, ok := base[v.Code]; ok {
			copy(cur, b[:])
		} else {
			for i := range cur {
				cur[i] = clamp(0.62 + 0.1*rng.NormFloat64())
			}
		}
		drift := 0.005 + 0.02*rng.Float64() // this village's mean yearly gain
		for year := 2023; year >= 2019; year-- {
			step := drift + 0.015*rng.NormFloat64()
			in := indicator.ScoreInput{Components: map[string]fixed.Dec{}, Source: SyntheticSource}
			for i, c := range comps {
				cur[i] = clamp(cur[i] - step + 0.01*rng.NormFloat64())
				in.Components[c] = fixed.FromFloat(cur[i])
			}
			sc, probs := idm.NewScore(indicator.Village{Code: v.Code, Type: v.Type}, year, in)
			if len(probs) > 0 {
				return nil, fmt.Errorf("synthetic score %s %d: %v", v.Code, year, probs)
			}
			out = append(out, sc)
		}
	}
	return out, nil
}

// official2024 reads the components of the embedded official IDM 2024 set.
func official2024() (map[string][3]float64, error) {
	f, err := seed.Open(seed.ScoreSets[0].Name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, c := range []string{"village_code", "iks", "ike", "ikl"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s: no column %s", seed.ScoreSets[0].Name, c)
		}
	}
	out := map[string][3]float64{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		var v [3]float64
		ok := true
		for i, c := range []string{"iks", "ike", "ikl"} {
			d, err := fixed.Parse(rec[col[c]])
			if err != nil {
				ok = false
				break
			}
			v[i] = d.Float()
		}
		if ok {
			out[rec[col["village_code"]]] = v
		}
	}
}
