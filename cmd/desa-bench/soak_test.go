package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestSoakTally: the soak counts an unexpected status or a 429 outside the
// rate-limited client as a failure, and a 429 of the rate-limited client as
// deliberate; print reports the failures and returns their number.
func TestSoakTally(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(http.StatusOK)
		case "/limited":
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	w := &workload{client: srv.Client(), tally: map[string]*kindTally{}, started: time.Now()}
	for _, k := range soakKinds {
		w.tally[k] = &kindTally{statuses: map[int]int{}}
	}
	ctx := context.Background()
	w.send(ctx, kindList, srv.URL, http.MethodGet, "/ok", "", "", http.StatusOK)
	w.send(ctx, kindRateLimited, srv.URL, http.MethodGet, "/limited", "", "", http.StatusOK)
	w.send(ctx, kindList, srv.URL, http.MethodGet, "/limited", "", "", http.StatusOK)
	w.send(ctx, kindPutScore, srv.URL, http.MethodPut, "/fail", "application/json", "{}", http.StatusOK, http.StatusCreated)
	w.elapsed = time.Second
	var out strings.Builder
	if got := w.print(&out, false); got != 2 {
		t.Errorf("print counted %d failures, want 2 (the 429 of a plain read and the 500)\n%s", got, out.String())
	}
	for _, want := range []string{"FAILED: 2 requests", "PUT /fail: 500 boom", "GET /limited: 429", "429s are deliberate"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if got := w.total(nil); got != 3 {
		t.Errorf("total = %d answers of server A, want 3 (the rate-limited client's are B's)", got)
	}
}

// TestPeakRSS reads this process's VmHWM.
func TestPeakRSS(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: not Linux")
	}
	p, _ := os.FindProcess(os.Getpid())
	got := (&binary{cmd: &exec.Cmd{Process: p}}).peakRSS()
	if !strings.HasSuffix(got, " MiB") || got == "0 MiB" {
		t.Errorf("peakRSS = %q, want a number of MiB", got)
	}
}
