package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test start this test binary as the desa-api process
// itself (main, with its signal handling), to send it a real SIGTERM.
func TestMain(m *testing.M) {
	if os.Getenv("DESA_API_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// process is desa-api serve running as a child process.
type process struct {
	cmd  *exec.Cmd
	addr string
	logs *syncBuffer
	exit chan error // receives the exit once
	done chan struct{}
}

func startProcess(t *testing.T, grace time.Duration) *process {
	t.Helper()
	p := &process{addr: freeAddr(t), logs: &syncBuffer{}, exit: make(chan error, 1), done: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0], "serve")
	p.cmd.Env = append(os.Environ(), "DESA_API_TEST_MAIN=1", "ADDR="+p.addr, "AUTO_SEED=false",
		"DATABASE_URL="+filepath.Join(t.TempDir(), "shutdown.db"), "SHUTDOWN_GRACE="+grace.String())
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.exit <- p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	for began := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get("http://" + p.addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Since(began) > time.Minute {
			t.Fatalf("desa-api not ready in a minute\n%s", p.logs)
		}
	}
}

// slowRequest opens a connection and sends a request's headers and half
// its body: a request in flight until finish sends the rest.
func (p *process) slowRequest(t *testing.T) (conn net.Conn, finish func() string) {
	t.Helper()
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	body := `{"code":"64","name":"Kalimantan Timur"}`
	fmt.Fprintf(conn, "POST /v1/provinces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(body), body[:10])
	time.Sleep(100 * time.Millisecond) // let the server start handling it
	return conn, func() string {
		if _, err := io.WriteString(conn, body[10:]); err != nil {
			t.Fatalf("finishing the request: %v", err)
		}
		line, _ := bufio.NewReader(conn).ReadString('\n')
		return strings.TrimSpace(line)
	}
}

// TestSIGTERM sends a real SIGTERM to a desa-api process with a request in
// flight: new connections are refused at once, the request completes, and
// the process exits 0 well within SHUTDOWN_GRACE.
func TestSIGTERM(t *testing.T) {
	const grace = 10 * time.Second
	p := startProcess(t, grace)
	_, finish := p.slowRequest(t)
	began := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	refused := false
	for time.Since(began) < 2*time.Second && !refused {
		c, err := net.DialTimeout("tcp", p.addr, 200*time.Millisecond)
		if err != nil {
			refused = true
			break
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	if !refused {
		t.Error("new connections were still accepted 2s after SIGTERM")
	}
	time.Sleep(300 * time.Millisecond) // the request stays in flight a while after SIGTERM
	if status := finish(); !strings.HasPrefix(status, "HTTP/1.1 401") {
		t.Errorf("in-flight request answered %q, want a complete 401 answer", status)
	}
	select {
	case err := <-p.exit:
		if err != nil {
			t.Errorf("exit: %v\n%s", err, p.logs)
		}
		t.Logf("exited %s after SIGTERM", time.Since(began).Round(time.Millisecond))
	case <-time.After(grace):
		t.Fatalf("still running %s after SIGTERM\n%s", grace, p.logs)
	}
}

// TestSIGTERMGraceOver holds a request open past SHUTDOWN_GRACE: the
// process cuts it off and exits (non-zero, saying why) within the grace
// period, not when the request would have ended.
func TestSIGTERMGraceOver(t *testing.T) {
	const grace = 1500 * time.Millisecond
	p := startProcess(t, grace)
	conn, _ := p.slowRequest(t)
	began := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exit:
		took := time.Since(began)
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 || !strings.Contains(p.logs.String(), "SHUTDOWN_GRACE") {
			t.Errorf("exit: %v, want status 1 naming SHUTDOWN_GRACE\n%s", err, p.logs)
		}
		if took < grace {
			t.Errorf("exited %s after SIGTERM, before the grace period of %s", took, grace)
		}
		t.Logf("exited %s after SIGTERM (grace %s)", took.Round(time.Millisecond), grace)
	case <-time.After(grace + 3*time.Second):
		t.Fatalf("still running %s after SIGTERM with SHUTDOWN_GRACE=%s\n%s", grace+3*time.Second, grace, p.logs)
	}
	conn.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := conn.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the cut-off request's connection is still open (read %d bytes, %v)", n, err)
	}
}
