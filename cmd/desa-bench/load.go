package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"
)

// runResult is one measured run.
type runResult struct {
	n, errs  int
	elapsed  time.Duration
	p50, p99 time.Duration
	cpu      time.Duration // server CPU over the run (0: unknown)
}

func (r runResult) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

// drive sends GET url from conc keep-alive clients for d and reports the
// rate and latencies of the successful (200) answers.
func drive(ctx context.Context, client *http.Client, url string, conc int, d time.Duration) (runResult, error) {
	var (
		mu   sync.Mutex
		lats []time.Duration
		errs int
		wg   sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	var firstErr error
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, 1<<14)
			bad := 0
			var werr error
			for ctx.Err() == nil {
				req, err := http.NewRequest(http.MethodGet, url, nil)
				if err != nil {
					werr = err
					break
				}
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					bad++
					werr = err
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					bad++
					werr = fmt.Errorf("GET %s: %s", url, res.Status)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lats, errs = append(lats, mine...), errs+bad
			if firstErr == nil {
				firstErr = werr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	r := runResult{n: len(lats), errs: errs, elapsed: time.Since(start)}
	if errs > r.n/100 {
		return r, fmt.Errorf("%d of %d requests failed: %v", errs, errs+r.n, firstErr)
	}
	slices.Sort(lats)
	r.p50, r.p99 = percentile(lats, 0.50), percentile(lats, 0.99)
	return r, nil
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

func newClient(conc int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, IdleConnTimeout: 90 * time.Second,
			DisableCompression: true,
		},
	}
}
