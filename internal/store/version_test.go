package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Callers that arrive while a read runs share the next read, which starts
// after they came: none gets a value read before it called, and the reads
// number two, not one per caller.
func TestVersionReadsShareWithoutStaleness(t *testing.T) {
	var r versionReads
	var reads atomic.Int64
	release := make(chan struct{})
	started := make(chan struct{})
	read := func(context.Context) (int64, error) {
		n := reads.Add(1)
		if n == 1 {
			close(started)
			<-release // the first read hangs until every other caller waits
		}
		return n, nil // the value is the read's number: 1, then 2, ...
	}
	ctx := context.Background()
	first := make(chan int64)
	go func() {
		v, _ := r.get(ctx, read)
		first <- v
	}()
	<-started
	const n = 8
	got := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], _ = r.get(ctx, read) })
	}
	// Let the callers reach the wait (they cannot get past it: the read
	// they wait for starts only when the first one ends).
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if v := <-first; v != 1 {
		t.Errorf("the first caller got %d, want its own read (1)", v)
	}
	for i, v := range got {
		if v != 2 {
			t.Errorf("caller %d got read %d, want 2: the read started after it came", i, v)
		}
	}
	if c := reads.Load(); c != 2 {
		t.Errorf("%d reads for %d callers, want 2", c, n+1)
	}
	// Idle again: the next caller reads at once.
	if v, _ := r.get(ctx, read); v != 3 {
		t.Errorf("a caller after the burst got read %d, want 3", v)
	}
}

// A caller waiting for a shared read gives up at its own deadline.
func TestVersionReadsWaitEndsWithContext(t *testing.T) {
	var r versionReads
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{})
	var once sync.Once
	go r.get(context.Background(), func(context.Context) (int64, error) {
		once.Do(func() { close(started) })
		<-release
		return 1, nil
	})
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := r.get(ctx, func(context.Context) (int64, error) { return 2, nil }); err == nil {
		t.Error("a caller waiting past its deadline got no error")
	}
}
