package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// The kinds of request the soak sends, in report order.
const (
	kindList        = "read: villages list"
	kindGet         = "read: village GET"
	kindStatsHot    = "stats: hot (cacheable)"
	kindStatsCold   = "stats: cold (varied)"
	kindPutScore    = "write: PUT score"
	kindPatch       = "write: PATCH village"
	kindProgram     = "write: program"
	kindImport      = "write: import CSV"
	kindRateLimited = "read on B (rate-limited)"
	kindReplica     = "check: write A, read B"
)

var soakKinds = []string{kindList, kindGet, kindStatsHot, kindStatsCold, kindPutScore, kindPatch, kindProgram, kindImport,
	kindRateLimited, kindReplica}

var idmStatuses = []string{"sangat_tertinggal", "tertinggal", "berkembang", "maju", "mandiri"}

// workload is the soak's client side: the codes it picks from and the
// tallies of what it sent.
type workload struct {
	o                    soakOptions
	a, b                 *binary
	key                  string
	client               *http.Client
	desa, regencies      []string
	provinces            []string
	programID            string
	mu                   sync.Mutex
	tally                map[string]*kindTally
	failures             []string
	started, limitedFrom time.Time
	elapsed              time.Duration
}

type kindTally struct {
	lats     []time.Duration
	statuses map[int]int
	bad      int
}

// newWorkload samples codes from server A and creates the program the
// program writes go to.
func newWorkload(ctx context.Context, o soakOptions, a, b *binary, key string) (*workload, error) {
	w := &workload{o: o, a: a, b: b, key: key, client: newClient(o.conc * 2), tally: map[string]*kindTally{}}
	for _, k := range soakKinds {
		w.tally[k] = &kindTally{statuses: map[int]int{}}
	}
	var page struct {
		Data []struct{ Code string }
		Page struct{ Total int }
	}
	get := func(path string) error {
		st, body, err := w.do(ctx, a.base, http.MethodGet, path, "", "", "")
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("GET %s: %d %s", path, st, body)
		}
		if err == nil {
			err = json.Unmarshal(body, &page)
		}
		return err
	}
	// Desa with an IDM 2024 score, from five pages spread over the country.
	const desaQuery = "/v1/villages?type=desa&framework=idm&year=2024&fields=code&limit=1000"
	if err := get(desaQuery); err != nil {
		return nil, err
	}
	for i := range 5 {
		if err := get(fmt.Sprintf("%s&offset=%d", desaQuery, i*page.Page.Total/5)); err != nil {
			return nil, err
		}
		for _, d := range page.Data {
			w.desa = append(w.desa, d.Code)
		}
	}
	if err := get("/v1/regencies?fields=code&limit=1000"); err != nil {
		return nil, err
	}
	for _, d := range page.Data {
		w.regencies = append(w.regencies, d.Code)
	}
	if err := get("/v1/provinces?fields=code&limit=100"); err != nil {
		return nil, err
	}
	for _, d := range page.Data {
		w.provinces = append(w.provinces, d.Code)
	}
	if len(w.desa) < o.importRows || len(w.regencies) == 0 || len(w.provinces) == 0 {
		return nil, fmt.Errorf("the server holds too little data: %d desa with IDM 2024 scores, %d regencies, %d provinces",
			len(w.desa), len(w.regencies), len(w.provinces))
	}
	prog := `{"code":"soak-program","title":"Soak test program","scope":"inter_provincial","status":"active",` +
		`"start_date":"2025-05-08","framework":"idm","baseline_year":2024,` +
		`"parties":[{"role":"lead","province_code":"64"},{"role":"partner","province_code":"35"}]}`
	st, body, err := w.do(ctx, a.base, http.MethodPost, "/v1/programs", "application/json", prog, key)
	if err == nil && st != http.StatusCreated {
		err = fmt.Errorf("POST /v1/programs: %d %s", st, body)
	}
	if err != nil {
		return nil, err
	}
	var p struct{ ID string }
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, err
	}
	w.programID = p.ID
	return w, nil
}

// do sends one request and reads the whole answer.
func (w *workload) do(ctx context.Context, base, method, path, contentType, body, key string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := w.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// send sends one request of a kind and tallies it: ok lists the statuses
// that count as success; 429 is deliberate on the rate-limited replica only.
func (w *workload) send(ctx context.Context, kind, base, method, path, contentType, body string, ok ...int) {
	key := ""
	if method != http.MethodGet {
		key = w.key
	}
	t0 := time.Now()
	st, resp, err := w.do(ctx, base, method, path, contentType, body, key)
	lat := time.Since(t0)
	if ctx.Err() != nil {
		return // the run ended mid-request: not an answer
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.tally[kind]
	t.statuses[st]++
	switch {
	case err == nil && slices.Contains(ok, st):
		t.lats = append(t.lats, lat)
	case err == nil && st == http.StatusTooManyRequests && kind == kindRateLimited:
	default:
		t.bad++
		if len(w.failures) < 20 {
			msg := fmt.Sprintf("%s %s: %d %.300s", method, path, st, resp)
			if err != nil {
				msg = fmt.Sprintf("%s %s: %v", method, path, err)
			}
			w.failures = append(w.failures, msg)
		}
	}
}

// run drives the workload until the duration ends: o.conc clients picking
// reads and (paced) writes, an importer, and for the last o.limited a
// client hammering the rate-limited replica B.
func (w *workload) run(ctx context.Context) *workload {
	ctx, cancel := context.WithTimeout(ctx, w.o.duration)
	defer cancel()
	w.started = time.Now()
	writes := make(chan struct{}, max(int(w.o.writeRPS), 1))
	var wg sync.WaitGroup
	if w.o.writeRPS > 0 {
		wg.Go(func() {
			tick(ctx, time.Duration(float64(time.Second)/w.o.writeRPS), func() {
				select {
				case writes <- struct{}{}:
				default:
				}
			})
		})
	}
	for i := range w.o.conc {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), uint64(w.started.UnixNano())))
			for n := 0; ctx.Err() == nil; n++ {
				select {
				case <-writes:
					w.write(ctx, rng, i, n)
				default:
					w.read(ctx, rng)
				}
			}
		})
	}
	if w.o.importEvery > 0 {
		rng := rand.New(rand.NewPCG(99, uint64(w.started.UnixNano())))
		wg.Go(func() { every(ctx, w.o.importEvery, func(n int) { w.importCSV(ctx, rng, n%2 == 1) }) })
	}
	checkRng := rand.New(rand.NewPCG(5, uint64(w.started.UnixNano())))
	wg.Go(func() { every(ctx, time.Second, func(n int) { w.replicaCheck(ctx, checkRng, n) }) })
	if w.o.limited > 0 {
		wg.Go(func() {
			select {
			case <-ctx.Done():
				return
			case <-time.After(max(w.o.duration-w.o.limited, 0)):
			}
			w.mu.Lock()
			w.limitedFrom = time.Now()
			w.mu.Unlock()
			// Three times the limit, paced: about two in three answers are 429.
			rng := rand.New(rand.NewPCG(7, 7))
			tick(ctx, time.Second/time.Duration(3*max(w.o.limitRPS, 1)), func() {
				p := w.provinces[rng.IntN(len(w.provinces))]
				w.send(ctx, kindRateLimited, w.b.base, http.MethodGet, "/v1/villages?province="+p+"&limit=10", "", "", http.StatusOK)
			})
		})
	}
	wg.Wait()
	w.elapsed = time.Since(w.started)
	return w
}

// tick calls fn at every tick of interval d until ctx ends.
func tick(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// every calls fn(0), fn(1), … with a pause of d after each, until ctx ends.
func every(ctx context.Context, d time.Duration, fn func(n int)) {
	for n := 0; ; n++ {
		fn(n)
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
	}
}

func (w *workload) read(ctx context.Context, rng *rand.Rand) {
	base := w.a.base
	switch r := rng.IntN(100); {
	case r < 35:
		p, s := w.provinces[rng.IntN(len(w.provinces))], idmStatuses[rng.IntN(len(idmStatuses))]
		w.send(ctx, kindList, base, http.MethodGet,
			fmt.Sprintf("/v1/villages?province=%s&framework=idm&year=2024&status=%s&limit=50&offset=%d", p, s, 50*rng.IntN(3)),
			"", "", http.StatusOK)
	case r < 65:
		w.send(ctx, kindGet, base, http.MethodGet, "/v1/villages/"+w.desa[rng.IntN(len(w.desa))], "", "", http.StatusOK)
	case r < 85:
		w.send(ctx, kindStatsHot, base, http.MethodGet, "/v1/stats/status-distribution?level=province&year=2024", "", "", http.StatusOK)
	default:
		w.send(ctx, kindStatsCold, base, http.MethodGet, fmt.Sprintf("/v1/stats/status-distribution?level=district&parent=%s&year=%d",
			w.regencies[rng.IntN(len(w.regencies))], 2021+rng.IntN(4)), "", "", http.StatusOK)
	}
}

func (w *workload) write(ctx context.Context, rng *rand.Rand, client, n int) {
	base := w.a.base
	code := w.desa[rng.IntN(len(w.desa))]
	switch r := rng.IntN(4); {
	case r < 2: // a new or changed score, 2021–2024
		c := func() float64 { return 0.3 + 0.6*rng.Float64() }
		w.send(ctx, kindPutScore, base, http.MethodPut, fmt.Sprintf("/v1/villages/%s/scores/idm/%d", code, 2021+rng.IntN(4)),
			"application/json", fmt.Sprintf(`{"iks":%.4f,"ike":%.4f,"ikl":%.4f,"source":"soak"}`, c(), c(), c()),
			http.StatusOK, http.StatusCreated)
	case r < 3:
		w.send(ctx, kindPatch, base, http.MethodPatch, "/v1/villages/"+code, "application/json",
			fmt.Sprintf(`{"name":"Desa Soak %d-%d"}`, client, n), http.StatusOK)
	default: // an activity added, or the program's summary changed
		if rng.IntN(2) == 0 {
			w.send(ctx, kindProgram, base, http.MethodPost, "/v1/programs/"+w.programID+"/activities", "application/json",
				fmt.Sprintf(`{"date":"2025-06-%02d","kind":"monitoring","title":"Monitoring %d-%d","region_code":"%s","participants":%d}`,
					1+rng.IntN(28), client, n, code, 5+rng.IntN(40)), http.StatusCreated)
		} else {
			w.send(ctx, kindProgram, base, http.MethodPatch, "/v1/programs/"+w.programID, "application/json",
				fmt.Sprintf(`{"summary":"revised by soak client %d, write %d"}`, client, n), http.StatusOK)
		}
	}
}

// replicaCheck reads a village on replica B (which caches the answer),
// renames it through A, and reads it on B again: B must answer the new
// name at once, as its cache is keyed by the data version in the database.
// The reads carry the key, whose rate limit the anonymous load on B does
// not use up.
func (w *workload) replicaCheck(ctx context.Context, rng *rand.Rand, n int) {
	code := w.desa[rng.IntN(len(w.desa))]
	name := fmt.Sprintf("Desa Replica Check %d", n)
	steps := []struct{ base, method, body string }{
		{w.b.base, http.MethodGet, ""},
		{w.a.base, http.MethodPatch, `{"name":"` + name + `"}`},
		{w.b.base, http.MethodGet, ""},
	}
	t0 := time.Now()
	st, problem := 0, ""
	for i, s := range steps {
		ct := ""
		if s.body != "" {
			ct = "application/json"
		}
		var body []byte
		var err error
		st, body, err = w.do(ctx, s.base, s.method, "/v1/villages/"+code, ct, s.body, w.key)
		if ctx.Err() != nil {
			return
		}
		if err != nil || st != http.StatusOK {
			problem = fmt.Sprintf("%s %s/v1/villages/%s: %d %.200s %v", s.method, s.base, code, st, body, err)
			break
		}
		if renamed := strings.Contains(string(body), name); s.method == http.MethodGet && renamed != (i == 2) {
			problem = fmt.Sprintf("replica B, step %d: answered %.200s; want the name %q only after the write", i+1, body, name)
			break
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	t := w.tally[kindReplica]
	t.statuses[st]++
	if problem == "" {
		t.lats = append(t.lats, time.Since(t0))
		return
	}
	t.bad++
	if len(w.failures) < 20 {
		w.failures = append(w.failures, problem)
	}
}

// importCSV posts o.importRows IDM scores of distinct desa for one year
// 2021–2023, as a dry run or for real (atomic).
func (w *workload) importCSV(ctx context.Context, rng *rand.Rand, dryRun bool) {
	var b bytes.Buffer
	b.WriteString("village_code,year,iks,ike,ikl\n")
	year := 2021 + rng.IntN(3)
	for _, i := range rng.Perm(len(w.desa))[:w.o.importRows] {
		fmt.Fprintf(&b, "%s,%d,%.4f,%.4f,%.4f\n", w.desa[i], year, 0.3+0.6*rng.Float64(), 0.3+0.6*rng.Float64(), 0.3+0.6*rng.Float64())
	}
	w.send(ctx, kindImport, w.a.base, http.MethodPost, fmt.Sprintf("/v1/imports?kind=scores&framework=idm&source=soak&dry_run=%t", dryRun),
		"text/csv", b.String(), http.StatusCreated)
}

// total counts the answers server A gave.
func (w *workload) total(*binary) int {
	n := 0
	for k, t := range w.tally {
		if k != kindRateLimited && k != kindReplica {
			for _, c := range t.statuses {
				n += c
			}
		}
	}
	return n
}

// print writes the report and returns the number of failed requests.
func (w *workload) print(out io.Writer, verbose bool) int {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\trequests\tper s\tp50 ms\tp99 ms\tmax ms\tstatuses\tfailed\t")
	failed, n := 0, 0
	for _, k := range soakKinds {
		t := w.tally[k]
		slices.Sort(t.lats)
		reqs := 0
		var sts []string
		for st, c := range t.statuses {
			reqs += c
			label := fmt.Sprint(st)
			if st == 0 {
				label = "no answer"
			}
			sts = append(sts, fmt.Sprintf("%s×%d", label, c))
		}
		slices.Sort(sts)
		if reqs == 0 {
			continue
		}
		secs := w.elapsed.Seconds()
		if k == kindRateLimited && !w.limitedFrom.IsZero() {
			secs = w.started.Add(w.elapsed).Sub(w.limitedFrom).Seconds()
		}
		var mx time.Duration
		if len(t.lats) > 0 {
			mx = t.lats[len(t.lats)-1]
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%s\t%s\t%s\t%s\t%d\t\n", k, reqs, float64(reqs)/secs, ms(percentile(t.lats, 0.5)),
			ms(percentile(t.lats, 0.99)), ms(mx), strings.Join(sts, " "), t.bad)
		failed += t.bad
		if k != kindRateLimited && k != kindReplica {
			n += reqs
		}
	}
	fmt.Fprintf(tw, "all on server A\t%d\t%.1f\t\t\t\t\t%d\t\n", n, float64(n)/w.elapsed.Seconds(), failed)
	tw.Flush()
	if t := w.tally[kindRateLimited]; t.statuses[http.StatusTooManyRequests] > 0 {
		fmt.Fprintf(out, "429s are deliberate: server B allows %d requests/s per client IP; the rate-limited client sends %d/s\n",
			w.o.limitRPS, 3*w.o.limitRPS)
	}
	if failed > 0 {
		fmt.Fprintf(out, "\nFAILED: %d requests (first %d):\n", failed, len(w.failures))
		for _, f := range w.failures {
			fmt.Fprintln(out, "  "+f)
		}
	} else if verbose {
		fmt.Fprintln(out, "no failures")
	}
	return failed
}
