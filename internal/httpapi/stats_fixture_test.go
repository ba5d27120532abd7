package httpapi_test

// The fixture and harness of the /v1/stats tests: a small hierarchy whose
// every aggregate was worked out by hand (see the expectations in
// stats_test.go), scores written through indicator.Service.PutScore (and one
// through store.UpsertScores), and the real router wired with every service
// as cmd/desa-api wires it, over a stats store that counts its queries so
// that tests can tell a cached answer from a computed one.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/stats"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// statsRegions: two provinces; Kabupaten Sidoarjo with two districts of
// desa; Kota Surabaya with kelurahan only (no village IDM scores, so its
// IDM total is 0); Kabupaten Paser with an empty district (64.01.02).
var statsRegions = []struct{ code, name string }{
	{"35", "Jawa Timur"},
	{"64", "Kalimantan Timur"},

	{"35.15", "Kabupaten Sidoarjo"},
	{"35.78", "Kota Surabaya"},
	{"64.01", "Kabupaten Paser"},

	{"35.15.01", "Tarik"},
	{"35.15.02", "Prambon"},
	{"35.78.01", "Karang Pilang"},
	{"64.01.01", "Batu Sopang"},
	{"64.01.02", "Tanjung Harapan"},
	{"64.01.03", "Muara Komam"},

	{"35.15.01.2001", "Mliriprowo"},
	{"35.15.01.2002", "Kedungbocok"},
	{"35.15.01.2003", "Balongmacekan"},
	{"35.15.01.2004", "Kramat Temenggung"},
	{"35.15.02.2001", "Bendotretek"},
	{"35.15.02.2002", "Cangkringturi"},
	{"35.15.02.2003", "Gampang"},
	{"35.78.01.1001", "Karang Pilang"},
	{"35.78.01.1002", "Kebraon"},
	{"64.01.01.2001", "Samurangau"},
	{"64.01.01.2002", "Busui"},
	{"64.01.01.2003", "Kasungai"},
	{"64.01.03.2001", "Muara Komam"},
	{"64.01.03.2002", "Prayon"},
	{"64.01.03.2003", "Long Sayo"},
}

// statsScore is one IDM score of the fixture: the components (the score is
// their mean, the status follows from it unless one is published), or none
// at all (a row such as the IDM 2024 file has for the 4 villages that
// received no score, stored before a score had to carry something).
type statsScore struct {
	code      string
	year      int
	iks, ike  string
	ikl       string
	status    string // published status, when it differs from the derived one
	noStatus  bool   // stored with a score but without a status (through the store)
	withoutIt bool   // stored without score, components or status
}

// statsScores, with the score and status they give:
//
//	village          2022                 2023                  2024
//	35.15.01.2001    0.6000 berkembang    0.6000 berkembang     0.7000 berkembang
//	35.15.01.2002    0.6000 berkembang    0.7000 berkembang     0.8000 maju
//	35.15.01.2003    –                    0.8500 mandiri        0.8000 maju
//	35.15.01.2004    –                    0.7000 berkembang     –
//	35.15.02.2001    –                    0.5000 tertinggal     0.4907 sangat_tertinggal (on the bound)
//	35.15.02.2002    –                    0.5000 tertinggal     0.5989 tertinggal (on the bound)
//	35.15.02.2003    –                    0.4000 sangat_t.      no score, no status
//	64.01.01.2001    0.7000 berkembang    0.8000 maju           0.9000 mandiri
//	64.01.01.2002    –                    0.8000 maju           0.8000 maju
//	64.01.01.2003    –                    0.6500 berkembang     0.7410 berkembang (published; derived maju)
//	64.01.03.2001    0.3000 sangat_t.     0.4000 sangat_t.      0.5000 tertinggal
//	64.01.03.2002    –                    –                     0.6500 without a status
//	64.01.03.2003    never scored
var statsScores = []statsScore{
	{code: "35.15.01.2001", year: 2022, iks: "0.6000", ike: "0.6000", ikl: "0.6000"},
	{code: "35.15.01.2002", year: 2022, iks: "0.6000", ike: "0.6000", ikl: "0.6000"},
	{code: "64.01.01.2001", year: 2022, iks: "0.7000", ike: "0.7000", ikl: "0.7000"},
	{code: "64.01.03.2001", year: 2022, iks: "0.3000", ike: "0.3000", ikl: "0.3000"},

	{code: "35.15.01.2001", year: 2023, iks: "0.7000", ike: "0.6000", ikl: "0.5000"},
	{code: "35.15.01.2002", year: 2023, iks: "0.8000", ike: "0.7000", ikl: "0.6000"},
	{code: "35.15.01.2003", year: 2023, iks: "0.9000", ike: "0.8500", ikl: "0.8000"},
	{code: "35.15.01.2004", year: 2023, iks: "0.7000", ike: "0.7000", ikl: "0.7000"},
	{code: "35.15.02.2001", year: 2023, iks: "0.5000", ike: "0.5000", ikl: "0.5000"},
	{code: "35.15.02.2002", year: 2023, iks: "0.5000", ike: "0.5000", ikl: "0.5000"},
	{code: "35.15.02.2003", year: 2023, iks: "0.4000", ike: "0.4000", ikl: "0.4000"},
	{code: "64.01.01.2001", year: 2023, iks: "0.8000", ike: "0.8000", ikl: "0.8000"},
	{code: "64.01.01.2002", year: 2023, iks: "0.8000", ike: "0.8000", ikl: "0.8000"},
	{code: "64.01.01.2003", year: 2023, iks: "0.6500", ike: "0.6500", ikl: "0.6500"},
	{code: "64.01.03.2001", year: 2023, iks: "0.4000", ike: "0.4000", ikl: "0.4000"},

	{code: "35.15.01.2001", year: 2024, iks: "0.8000", ike: "0.7000", ikl: "0.6000"},
	{code: "35.15.01.2002", year: 2024, iks: "0.9000", ike: "0.8000", ikl: "0.7000"},
	{code: "35.15.01.2003", year: 2024, iks: "0.9000", ike: "0.8000", ikl: "0.7000"},
	{code: "35.15.02.2001", year: 2024, iks: "0.5000", ike: "0.4000", ikl: "0.5721"},
	{code: "35.15.02.2002", year: 2024, iks: "0.6000", ike: "0.6000", ikl: "0.5967"},
	{code: "35.15.02.2003", year: 2024, withoutIt: true},
	{code: "64.01.01.2001", year: 2024, iks: "0.9500", ike: "0.9000", ikl: "0.8500"},
	{code: "64.01.01.2002", year: 2024, iks: "0.8000", ike: "0.8000", ikl: "0.8000"},
	{code: "64.01.01.2003", year: 2024, iks: "0.7000", ike: "0.7000", ikl: "0.8230", status: "berkembang"},
	{code: "64.01.03.2001", year: 2024, iks: "0.6000", ike: "0.5000", ikl: "0.4000"},
	{code: "64.01.03.2002", year: 2024, iks: "0.6000", ike: "0.6500", ikl: "0.7000", noStatus: true},
}

// statsNames maps the fixture's codes to names.
var statsNames = func() map[string]string {
	m := map[string]string{}
	for _, r := range statsRegions {
		m[r.code] = r.name
	}
	return m
}()

// statsAPI is the router under test over the stats fixture.
type statsAPI struct {
	*api
	store   *store.Store
	queries *atomic.Int64 // queries the stats service sent to the store
	// indicators is the secret of a key with scope write:indicators.
	indicators string
}

// eachStatsEngine runs fn on every engine with a fresh database holding the
// stats fixture.
func eachStatsEngine(t *testing.T, fn func(t *testing.T, a *statsAPI)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		loadStatsFixture(t, s)
		fn(t, newStatsAPI(t, s, httpapi.Config{}))
	})
}

// loadStatsFixture loads the regions and scores of the stats fixture.
func loadStatsFixture(t testing.TB, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	var rs []region.Region
	for _, f := range statsRegions {
		r, err := region.New(f.code, f.name, "")
		if err != nil {
			t.Fatalf("fixture %s: %v", f.code, err)
		}
		rs = append(rs, r)
	}
	if n, err := region.NewService(s).Import(ctx, rs); err != nil || n != len(rs) {
		t.Fatalf("import regions: got %d, %v; want %d, nil", n, err, len(rs))
	}
	svc := indicatorService(s)
	idm, _ := indicator.FrameworkByCode("idm")
	for _, sc := range statsScores {
		in := indicator.ScoreInput{Components: map[string]fixed.Dec{}, Status: sc.status, Source: "stats fixture"}
		if !sc.withoutIt {
			in.Components = map[string]fixed.Dec{"iks": fixed.MustParse(sc.iks), "ike": fixed.MustParse(sc.ike), "ikl": fixed.MustParse(sc.ikl)}
		}
		if !sc.noStatus && !sc.withoutIt {
			if _, _, err := svc.PutScore(ctx, sc.code, "idm", sc.year, in); err != nil {
				t.Fatalf("put score %s %d: %v", sc.code, sc.year, err)
			}
			continue
		}
		// IDM always derives a status from a score, and a score must carry
		// something, so a score without a status, or without anything, can
		// only be written past the domain rules.
		score, probs := idm.NewScore(indicator.Village{Code: sc.code, Type: region.TypeDesa}, sc.year, in)
		if sc.withoutIt {
			probs = slices.DeleteFunc(probs, func(p indicator.Problem) bool { return p.Code == indicator.CodeMissing })
		}
		if len(probs) > 0 {
			t.Fatalf("score %s %d: %v", sc.code, sc.year, probs)
		}
		score.Status, score.DerivedStatus = "", ""
		if _, _, err := s.UpsertScores(ctx, []indicator.Score{score}); err != nil {
			t.Fatalf("upsert score %s %d: %v", sc.code, sc.year, err)
		}
	}
}

var idSeq atomic.Int64

func indicatorService(s *store.Store) *indicator.Service {
	return indicator.NewService(store.IndicatorStore{Store: s}, s, nil, func() string {
		return fmt.Sprintf("test-%06d", idSeq.Add(1))
	})
}

// countingStats counts the queries the stats service sends to the store.
type countingStats struct {
	*store.Store
	n *atomic.Int64
}

func (c countingStats) Groups(ctx context.Context, l region.Level, sc stats.Scope) ([]stats.Group, error) {
	c.n.Add(1)
	return c.Store.Groups(ctx, l, sc)
}

func (c countingStats) EligibleCounts(ctx context.Context, l region.Level, sc stats.Scope) (map[string]int, error) {
	c.n.Add(1)
	return c.Store.EligibleCounts(ctx, l, sc)
}

func (c countingStats) StatusCounts(ctx context.Context, l region.Level, sc stats.Scope, year int) (map[string]map[string]int, error) {
	c.n.Add(1)
	return c.Store.StatusCounts(ctx, l, sc, year)
}

func (c countingStats) GroupCounts(ctx context.Context, l region.Level, sc stats.Scope, year int) ([]stats.GroupCount, bool, error) {
	c.n.Add(1)
	return c.Store.GroupCounts(ctx, l, sc, year)
}

func (c countingStats) ScoreValues(ctx context.Context, l region.Level, sc stats.Scope, year int, cols []string) (map[string]map[string][]fixed.Dec, error) {
	c.n.Add(1)
	return c.Store.ScoreValues(ctx, l, sc, year, cols)
}

func (c countingStats) ScoreSum(ctx context.Context, sc stats.Scope, year int) (stats.ScoreSum, error) {
	c.n.Add(1)
	return c.Store.ScoreSum(ctx, sc, year)
}

func (c countingStats) Transitions(ctx context.Context, sc stats.Scope, from, to int) ([]stats.Transition, error) {
	c.n.Add(1)
	return c.Store.Transitions(ctx, sc, from, to)
}

func (c countingStats) TransitionVillages(ctx context.Context, sc stats.Scope, f stats.TransitionFilter) ([]stats.RankedVillage, int, error) {
	c.n.Add(1)
	return c.Store.TransitionVillages(ctx, sc, f)
}

func (c countingStats) Ranking(ctx context.Context, sc stats.Scope, year, from int, desc bool, limit, offset int) ([]stats.RankedVillage, error) {
	c.n.Add(1)
	return c.Store.Ranking(ctx, sc, year, from, desc, limit, offset)
}

func (c countingStats) RankingCount(ctx context.Context, sc stats.Scope, year, from int) (int, error) {
	c.n.Add(1)
	return c.Store.RankingCount(ctx, sc, year, from)
}

// newStatsAPI wires the real router over s with every service, as
// cmd/desa-api does, and makes keys for writes.
func newStatsAPI(t testing.TB, s *store.Store, cfg httpapi.Config) *statsAPI {
	t.Helper()
	ctx := context.Background()
	keys := auth.NewService(s)
	t.Cleanup(keys.Wait) // last-use writes run in the background
	secret := func(name string, scopes ...auth.Scope) string {
		_, sec, err := keys.Create(ctx, name, scopes, nil)
		if err != nil {
			t.Fatalf("create key %s: %v", name, err)
		}
		return sec
	}
	n := new(atomic.Int64)
	svc := httpapi.Services{
		Regions:     region.NewService(s),
		Indicators:  indicatorService(s),
		Stats:       stats.NewService(countingStats{s, n}, s),
		Programs:    cooperation.NewService(store.CooperationStore{Store: s}, s, s, func() string { return "p" }),
		Keys:        keys,
		Audit:       audit.NewService(s),
		Ping:        s.Ping,
		DataVersion: s.DataVersion,
	}
	e, err := httpapi.New(svc, cfg)
	if err != nil {
		t.Fatalf("httpapi.New: %v", err)
	}
	return &statsAPI{
		api: &api{e: e, writer: secret("writer", auth.ScopeWriteRegions), reader: secret("reader", auth.ScopeRead),
			admin: secret("admin", auth.ScopeAdmin)},
		store: s, queries: n, indicators: secret("indicators", auth.ScopeWriteIndicators),
	}
}

// get sends a GET and fails the test unless it answers status.
func (a *statsAPI) get(t *testing.T, target string, status int, header ...string) response {
	t.Helper()
	r := request{target: target, header: map[string]string{}}
	for i := 0; i+1 < len(header); i += 2 {
		r.header[header[i]] = header[i+1]
	}
	res := a.do(t, r)
	wantStatus(t, "GET "+target, res, status)
	return res
}

// wantJSON compares a JSON body with the expected document byte for byte
// (key order and number formatting included), both indented for a readable
// diff.
func wantJSON(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var g, w bytes.Buffer
	if err := json.Indent(&g, bytes.TrimSpace(got), "", "  "); err != nil {
		t.Fatalf("%s: body is not JSON: %v\n%s", what, err, got)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(want)); err != nil {
		t.Fatalf("%s: expected document is not JSON: %v\n%s", what, err, want)
	}
	if err := json.Indent(&w, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w.String(), g.String()); diff != "" {
		t.Errorf("%s: body mismatch (-want +got):\n%s", what, diff)
	}
}

// statuses are IDM's statuses, lowest first, as every count object lists them.
var statuses = []string{"sangat_tertinggal", "tertinggal", "berkembang", "maju", "mandiri"}

// countsJSON writes a status → value object in the framework's order.
func countsJSON[T any](vals [5]T) string {
	parts := make([]string, 5)
	for i, st := range statuses {
		parts[i] = fmt.Sprintf("%q:%v", st, vals[i])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// distRow is a DistributionRow as JSON text: counts lowest status first,
// shares as four-place decimals.
func distRow(code string, total int, counts [5]int, noStatus int, shares [5]string) string {
	name := statsNames[code]
	if code == "total" {
		name = "Total"
	}
	return fmt.Sprintf(`{"code":%q,"name":%q,"total":%d,"counts":%s,"no_status":%d,"shares":%s}`,
		code, name, total, countsJSON(counts), noStatus, countsJSON(shares))
}

// zeroShares are the shares of a group without villages or statuses.
var zeroShares = [5]string{"0.0000", "0.0000", "0.0000", "0.0000", "0.0000"}

// etagOf returns a response's ETag, failing the test when there is none.
func etagOf(t *testing.T, what string, res response) string {
	t.Helper()
	etag := res.header.Get("ETag")
	if etag == "" {
		t.Fatalf("%s: no ETag header", what)
	}
	return etag
}
