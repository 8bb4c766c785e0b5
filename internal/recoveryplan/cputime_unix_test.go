//go:build unix

package recoveryplan

import (
	"syscall"
	"time"
)

// cpuTime is the CPU this process has used, so that benchmarks on a shared
// machine can report work done rather than time waited.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
