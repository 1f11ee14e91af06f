package x12

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time the calling OS thread has used. Time spent
// waiting for a CPU on a busy machine does not count.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
