package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// machineBusy returns the CPU time all processes have used so far, idle and
// I/O wait excluded (Linux /proc/stat; false elsewhere). Over a run, what
// the machine used minus what the server and the clients used is what
// PostgreSQL (and the kernel's share of the network between them) used.
func machineBusy() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, false
	}
	var busy int64
	// user nice system idle iowait irq softirq steal …
	for i, v := range f[1:8] {
		if i == 3 || i == 4 {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, false
		}
		busy += n
	}
	return ticks(busy), true
}

// ticks converts /proc's clock ticks (USER_HZ, 100 on Linux) to a duration.
func ticks(n int64) time.Duration { return time.Duration(n) * time.Second / 100 }
