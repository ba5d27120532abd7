//go:build unix

package store_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time, user and system, this process has used. For
// SQLite that is all the work; for PostgreSQL it is the client's share,
// where GORM's overhead lives.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
