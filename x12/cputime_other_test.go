//go:build !linux

package x12

import "time"

// threadCPU is not available here; the CPU-time ratios are not reported.
func threadCPU() time.Duration { return 0 }
