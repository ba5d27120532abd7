package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
	"github.com/desa-api/desa-api/internal/store"
)

// The statements below are those internal/store sends for each request:
// GroupCounts' own (store.GroupCountsSQL), and Regions' (regions.go) in
// GORM's rendering, with :name where GORM binds a parameter. Each scenario
// checks, before it is measured, that they give the API's answer. Not
// included: the data-version lookup every GET makes (one primary-key
// read), which is the cache's cost, not the answer's.
const regionJoins = "LEFT JOIN regions p ON p.code = r.province_code LEFT JOIN regions g ON g.code = r.regency_code " +
	"LEFT JOIN regions d ON d.code = r.district_code "

// groupCounts is GroupCounts' statement on PostgreSQL for IDM 2024 at level
// under parent ("": all of Indonesia). It carries its values as literals.
func groupCounts(level region.Level, parent string) string {
	sc, err := stats.ParseScope("idm", parent, "parent")
	if err != nil {
		panic(err)
	}
	q, err := store.GroupCountsSQL(level, sc, 2024)
	if err != nil {
		panic(err)
	}
	return q
}

type scenario struct {
	key, name string
	path      string
	sql       script
	check     func(ctx context.Context, db *sql.DB, sc script, body []byte) error
	// targets: the ratio to pgbench uncached and cached must reach
	uncachedTarget, cachedTarget float64
	cachedIsTarget               bool // the cached run is one of the targets
}

var scenarios = []scenario{
	{
		key: "a", name: "national distribution by province",
		path:  "/v1/stats/status-distribution?level=province&year=2024",
		sql:   script{stmts: []string{groupCounts(region.LevelProvince, "")}},
		check: checkDistribution, uncachedTarget: 0.7, cachedTarget: 3, cachedIsTarget: true,
	},
	{
		key: "b", name: "one province (64) by regency",
		path:  "/v1/stats/status-distribution?level=regency&parent=64&year=2024",
		sql:   script{stmts: []string{groupCounts(region.LevelRegency, "64")}},
		check: checkDistribution, uncachedTarget: 0.7, cachedTarget: 3, cachedIsTarget: true,
	},
	{
		key: "c", name: "villages page, province 35, maju",
		path: "/v1/villages?province=35&framework=idm&year=2024&status=maju&limit=50",
		sql: script{stmts: []string{
			"SELECT (SELECT COALESCE(SUM(c.n), 0) FROM status_counts c WHERE (c.framework = :framework AND c.year = :year) " +
				"AND c.status = :status AND c.code = :province) AS total, " +
				"r.code, r.level, r.parent_code, r.name, r.type, r.province_code, r.regency_code, r.district_code, " +
				"p.name AS province_name, g.name AS regency_name, d.name AS district_name, s.score AS score_value, s.status, s.derived_status " +
				"FROM regions r " + regionJoins +
				"LEFT JOIN scores s ON s.village_code = r.code AND s.framework = :framework AND s.year = :year " +
				"WHERE r.level = :village AND r.province_code = :province AND s.status = :status AND s.province_code = :province ORDER BY r.code LIMIT 50"},
			vars: map[string]string{"framework": "idm", "year": "2024", "village": "village", "province": "35", "status": "maju"}},
		check: checkVillages, uncachedTarget: 0.7, cachedTarget: 3,
	},
}

// checkDistribution: the groups, eligible villages and status counts of the
// SQL's last statement are the API's rows and totals.
func checkDistribution(ctx context.Context, db *sql.DB, sc script, body []byte) error {
	var doc struct {
		Data  []struct{ Code string }
		Total struct {
			Total  int
			Counts map[string]int
		}
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return err
	}
	rows, err := queryRows(ctx, db, sc, len(sc.stmts)-1)
	if err != nil {
		return err
	}
	var codes, apiCodes []string
	eligible, counts := 0, map[string]int{}
	for _, r := range rows { // code, name, eligible, counts by status
		codes = append(codes, r[0])
		n, _ := strconv.Atoi(r[2])
		eligible += n
		c, err := store.ParseCounts(r[3])
		if err != nil {
			return err
		}
		for status, n := range c {
			counts[status] += n
		}
	}
	for _, d := range doc.Data {
		apiCodes = append(apiCodes, d.Code)
	}
	maps.DeleteFunc(doc.Total.Counts, func(_ string, n int) bool { return n == 0 }) // the SQL lists statuses with villages
	if !slices.Equal(codes, apiCodes) || eligible != doc.Total.Total || !maps.Equal(counts, doc.Total.Counts) {
		return fmt.Errorf("SQL gives %d groups, %d villages, statuses %v; the API %d, %d, %v",
			len(codes), eligible, counts, len(apiCodes), doc.Total.Total, doc.Total.Counts)
	}
	return nil
}

// checkVillages: the SQL's count and page are the API's total and codes.
func checkVillages(ctx context.Context, db *sql.DB, sc script, body []byte) error {
	var doc struct {
		Data []struct{ Code string }
		Page struct{ Total int }
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return err
	}
	page, err := queryRows(ctx, db, sc, 0)
	if err != nil {
		return err
	}
	var codes, apiCodes []string
	for _, r := range page {
		codes = append(codes, r[1])
	}
	for _, d := range doc.Data {
		apiCodes = append(apiCodes, d.Code)
	}
	if len(codes) == 0 || page[0][0] != strconv.Itoa(doc.Page.Total) || !slices.Equal(codes, apiCodes) {
		return fmt.Errorf("SQL gives a page of %d; the API %d of %d", len(codes), len(apiCodes), doc.Page.Total)
	}
	return nil
}

// row is one line of the report.
type row struct {
	label     string
	api       runResult
	pg        pgResult
	target    float64
	isTarget  bool
	cpuKnown  bool
	cpuPerReq time.Duration
	// restPerReq is the machine's CPU per request that neither the server
	// nor the load generator used: PostgreSQL's (0: unknown).
	restPerReq time.Duration
	// stmtsPerReq is how many statements PostgreSQL ran per request
	// (0: unknown).
	stmtsPerReq float64
	ratio       float64
	key         string // the scenario's
	cached      bool   // the run of the cached server
	floor       bool   // the floor run: no SQL, no pgbench
	sqlFloor    bool   // the SQL floor run of scenario key
}

// against sets the run's pgbench baseline, its target and its ratio.
func (r row) against(pg pgResult, target float64) row {
	r.pg, r.target = pg, target
	if pg.tps > 0 {
		r.ratio = r.api.rate() / pg.tps
	}
	return r
}

// floorPath is the floor run's request: an answer that needs no database
// and no cache, through every middleware a stats answer passes (the data
// version aside). No answer of this server on this machine is faster, so
// its rate bounds every cached ratio.
const floorPath = "/healthz"

// statements is how many transactions the database has committed (each
// statement outside a transaction is one). PostgreSQL's backends report
// them about once a second, so over a run of several seconds the count per
// request is close, not exact.
func statements(ctx context.Context, db *sql.DB) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").Scan(&n)
	return n, err
}

func measure(ctx context.Context, o options, dbURL string, srv *server) ([]row, error) {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	client := newClient(o.conc)
	var rows []row
	for _, s := range scenarios {
		if o.only != "" && !slices.Contains(strings.Split(o.only, ","), s.key) {
			continue
		}
		// The API's answer, and the same answer from the SQL.
		res, err := client.Get(srv.uncached + s.path)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %s %v", s.path, res.Status, err)
		}
		if err := s.check(ctx, db, s.sql, body); err != nil {
			return nil, fmt.Errorf("(%s) the pgbench SQL is not the API's: %w", s.key, err)
		}

		pg, err := runPgbench(ctx, dbURL, s.sql, "scenario_"+s.key, o)
		if err != nil {
			return nil, err
		}
		for _, cached := range []bool{false, true} {
			base, label, target := srv.uncached, "uncached", s.uncachedTarget
			if cached {
				base, label, target = srv.cached, "cached", s.cachedTarget
			}
			if !slices.Contains(strings.Split(o.modes, ","), label) {
				continue
			}
			rw, err := measureRun(ctx, o, db, srv, base+s.path)
			if err != nil {
				return nil, err
			}
			rw.label, rw.key, rw.cached = fmt.Sprintf("(%s) %s, %s", s.key, s.name, label), s.key, cached
			rw.isTarget = !cached || s.cachedIsTarget
			rows = append(rows, rw.against(pg, target))
		}
		if slices.Contains(strings.Split(o.modes, ","), "uncached") {
			rw, err := measureRun(ctx, o, db, srv, srv.uncached+sqlFloorPath+s.key)
			if err != nil {
				return nil, err
			}
			rw.label, rw.key, rw.sqlFloor = fmt.Sprintf("(%s) SQL floor: its SQL behind HTTP, nothing else", s.key), s.key, true
			rows = append(rows, rw.against(pg, s.uncachedTarget))
		}
	}
	if o.only == "" || slices.Contains(strings.Split(o.only, ","), "floor") {
		rw, err := measureRun(ctx, o, db, srv, srv.cached+floorPath)
		if err != nil {
			return nil, err
		}
		rw.label, rw.floor = "floor: GET "+floorPath+" (no database, no cache)", true
		rows = append(rows, rw)
	}
	return rows, nil
}

// measureRun drives GET url for a warm-up and then for a measured run, and
// reports the run with the CPU and statements it cost per request.
func measureRun(ctx context.Context, o options, db *sql.DB, srv *server, url string) (row, error) {
	if _, err := drive(ctx, url, o.conc, o.warmup); err != nil {
		return row{}, err
	}
	cpu0, ok0 := srv.cpu()
	busy0, busyOK0 := machineBusy()
	stmts0, stmtsErr0 := statements(ctx, db)
	r, err := drive(ctx, url, o.conc, o.duration)
	if err != nil {
		return row{}, err
	}
	cpu1, ok1 := srv.cpu()
	busy1, busyOK1 := machineBusy()
	stmts1, stmtsErr1 := statements(ctx, db)
	rw := row{api: r, cpuKnown: ok0 && ok1}
	if rw.cpuKnown && r.n > 0 {
		rw.cpuPerReq = (cpu1 - cpu0) / time.Duration(r.n)
		if busyOK0 && busyOK1 {
			rw.restPerReq = (busy1 - busy0 - (cpu1 - cpu0) - r.genCPU) / time.Duration(r.n)
		}
	}
	if stmtsErr0 == nil && stmtsErr1 == nil && r.n > 0 {
		rw.stmtsPerReq = float64(stmts1-stmts0) / float64(r.n)
	}
	return rw, nil
}

// printCeilings prints, for each target, the highest ratio any answer
// could reach on this machine: for a cached one, the floor run's (no
// database, no cache); for an uncached one, the scenario's SQL floor run's
// (its SQL and nothing else).
func printCeilings(w io.Writer, rows []row) {
	var floor *row
	for i := range rows {
		if rows[i].floor {
			floor = &rows[i]
		}
	}
	var cached, uncached []string
	for _, r := range rows {
		switch {
		case r.sqlFloor && r.pg.tps > 0:
			uncached = append(uncached, fmt.Sprintf("(%s) %.2f× (target %.1f×)", r.key, r.ratio, r.target))
		case floor != nil && r.cached && r.isTarget && r.pg.tps > 0:
			cached = append(cached, fmt.Sprintf("(%s) %.2f× (target %.1f×)", r.key, floor.api.rate()/r.pg.tps, r.target))
		}
	}
	if len(cached) > 0 {
		fmt.Fprintf(w, "\nceiling, cached: the floor's rate ÷ pgbench's, the highest ratio a cached answer could reach here: %s\n", strings.Join(cached, "; "))
	}
	if len(uncached) > 0 {
		fmt.Fprintf(w, "ceiling, uncached: the SQL floor's rate ÷ pgbench's, the highest ratio an uncached answer could reach here: %s\n", strings.Join(uncached, "; "))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// ms3 is ms to the microsecond, for CPU times per request.
func ms3(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }

func printTable(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\treq/s\tp50 ms\tp99 ms\tCPU ms/req\tgen CPU ms/req\tdb CPU ms/req\tstmts/req\tpgbench tps\tpg p50 ms\tpg p99 ms\tpg db CPU ms/tx\tratio\tratio target\tp99 < 50 ms\t")
	var missed []string
	for _, r := range rows {
		cpu := "n/a"
		if r.cpuKnown {
			cpu = ms3(r.cpuPerReq)
		}
		ratioVerdict, p99Verdict := fmt.Sprintf("≥ %.1f× ", r.target), ""
		switch {
		case r.floor || r.sqlFloor:
			ratioVerdict, p99Verdict = "(bound)", "(info)"
		case !r.isTarget:
			ratioVerdict, p99Verdict = "(info)", "(info)"
		default:
			if r.ratio >= r.target {
				ratioVerdict += "met"
			} else {
				ratioVerdict += "MISSED"
				missed = append(missed, r.label+": ratio")
			}
			if r.api.p99 < 50*time.Millisecond {
				p99Verdict = "met"
			} else {
				p99Verdict = "MISSED"
				missed = append(missed, r.label+": p99")
			}
		}
		gen := "n/a"
		if r.api.genCPU > 0 && r.api.n > 0 {
			gen = ms3(r.api.genCPU / time.Duration(r.api.n))
		}
		rest, stmts, pgRest := "n/a", "n/a", "n/a"
		if r.restPerReq > 0 {
			rest = ms3(r.restPerReq)
		}
		if r.stmtsPerReq > 0 {
			stmts = fmt.Sprintf("%.2f", r.stmtsPerReq)
		}
		if r.pg.rest > 0 && r.pg.n > 0 {
			pgRest = ms3(r.pg.rest / time.Duration(r.pg.n))
		}
		pgTPS, pgP50, pgP99, ratio := fmt.Sprintf("%.1f", r.pg.tps), ms(r.pg.p50), ms(r.pg.p99), fmt.Sprintf("%.2f×", r.ratio)
		if r.floor {
			pgTPS, pgP50, pgP99, pgRest, ratio = "—", "—", "—", "—", "—"
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.label, r.api.rate(), ms(r.api.p50), ms(r.api.p99), cpu, gen,
			rest, stmts, pgTPS, pgP50, pgP99, pgRest, ratio, ratioVerdict, p99Verdict)
	}
	tw.Flush()
	printCeilings(w, rows)
	fmt.Fprintln(w, "\nratio = API requests/s ÷ pgbench transactions/s on the same SQL (one transaction = the statements of one request).")
	fmt.Fprintln(w, "CPU ms/req: the server process's user+system CPU per answered request (the load generator and PostgreSQL not included);")
	fmt.Fprintln(w, "gen CPU ms/req: the load generator's (this process's) CPU per answered request;")
	fmt.Fprintln(w, "db CPU ms/req, pg db CPU ms/tx: the machine's CPU that neither the server nor the clients used (PostgreSQL, with the kernel's")
	fmt.Fprintln(w, "share of the traffic), per request and per pgbench transaction; stmts/req: statements PostgreSQL ran per request (pgbench: 1).")
	fmt.Fprintln(w, "SQL floor: the scenario's SQL run by the server's pool behind the same HTTP stack, with no work of the API's (no data-version")
	fmt.Fprintln(w, "read, no handler, no encoding); floor: GET /healthz, no database at all. They bound what the API could reach here.")
	if len(missed) > 0 {
		fmt.Fprintf(w, "targets missed: %s\n", strings.Join(missed, "; "))
	} else {
		fmt.Fprintln(w, "all targets met")
	}
}
