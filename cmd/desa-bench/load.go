package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// runResult is one measured run.
type runResult struct {
	n, errs  int
	elapsed  time.Duration
	p50, p99 time.Duration
	genCPU   time.Duration // the load generator's own CPU over the run
}

func (r runResult) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

// drive sends GET target from conc keep-alive connections for d and reports
// the rate and latencies of the successful (200) answers.
//
// Each connection is driven directly: the request's bytes are written once
// per request and the answer is read with http.ReadResponse, with no
// http.Transport (its pool, per-connection goroutines and channels). The
// HTTP side then spends about as little CPU per request on the shared
// cores as pgbench, a C client, does on its side, and drive reports that
// CPU so that the comparison can be checked.
func drive(ctx context.Context, target string, conc int, d time.Duration) (runResult, error) {
	u, err := url.Parse(target)
	if err != nil {
		return runResult{}, err
	}
	req := []byte("GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: desa-bench\r\n\r\n")
	var (
		mu       sync.Mutex
		lats     []time.Duration
		errs     int
		firstErr error
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	cpu0 := selfCPU()
	start := time.Now()
	for range conc {
		wg.Go(func() {
			mine, bad, werr := driveConn(ctx, u.Host, req)
			mu.Lock()
			lats, errs = append(lats, mine...), errs+bad
			if firstErr == nil {
				firstErr = werr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	r := runResult{n: len(lats), errs: errs, elapsed: time.Since(start), genCPU: selfCPU() - cpu0}
	if errs > r.n/100 {
		return r, fmt.Errorf("%d of %d requests failed: %v", errs, errs+r.n, firstErr)
	}
	slices.Sort(lats)
	r.p50, r.p99 = percentile(lats, 0.50), percentile(lats, 0.99)
	return r, nil
}

// driveConn is one client of drive: one connection (redialled after an
// error), one request at a time until ctx ends. It returns the latencies of
// the 200 answers, the count of failures and the last error.
func driveConn(ctx context.Context, host string, req []byte) (lats []time.Duration, bad int, err error) {
	lats = make([]time.Duration, 0, 1<<14)
	var (
		conn net.Conn
		br   *bufio.Reader
	)
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for ctx.Err() == nil {
		if conn == nil {
			if conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", host); err != nil {
				bad++
				continue
			}
			br = bufio.NewReaderSize(conn, 64<<10)
		}
		t0 := time.Now()
		_ = conn.SetDeadline(t0.Add(30 * time.Second))
		status, keep, rerr := roundTrip(conn, br, req)
		switch {
		case rerr != nil:
			bad, err = bad+1, rerr
		case status != http.StatusOK:
			bad, err = bad+1, fmt.Errorf("status %d", status)
		default:
			lats = append(lats, time.Since(t0))
		}
		if !keep {
			conn.Close()
			conn = nil
		}
	}
	return lats, bad, err
}

// roundTrip writes one request and reads its whole answer; keep says
// whether the connection can carry the next one.
func roundTrip(conn net.Conn, br *bufio.Reader, req []byte) (status int, keep bool, err error) {
	if _, err := conn.Write(req); err != nil {
		return 0, false, err
	}
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, false, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, err == nil && !res.Close, err
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
