package validate

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/x12"
)

// benchSample is the public 835 the benchmarks grow: pyx12 finds it clean,
// and its claims balance (CLP04 and BPR02 are 0), so repeating them keeps
// the remittance balanced.
const benchSample = "pyx12-835_mult_loops.txt"

// grow835 builds an 835 of about size bytes from benchSample: the segments
// before the first LX, then the LX...LQ claim loops repeated, then SE with
// the right count, GE and IEA. ST gets its ST03 so that the 835 is valid.
func grow835(tb testing.TB, size int) []byte {
	tb.Helper()
	data, err := os.ReadFile(testshared.Path(tb, "testdata", "x12", "835", benchSample))
	if err != nil {
		tb.Fatal(err)
	}
	r := x12.NewReader(bytes.NewReader(data))
	var segs []*x12.Segment
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		segs = append(segs, s.Clone())
	}
	lx, se := -1, -1
	for i, s := range segs {
		if s.ID == "LX" && lx < 0 {
			lx = i
		}
		if s.ID == "SE" {
			se = i
		}
	}
	if lx < 0 || se < lx {
		tb.Fatalf("%s: no LX loops before SE", benchSample)
	}
	text := func(ss []*x12.Segment) []byte {
		var b bytes.Buffer
		for _, s := range ss {
			if s.ID == "ST" {
				b.WriteString("ST*835*0001*005010X221A1~\n")
				continue
			}
			b.WriteString(s.String())
			b.WriteByte('\n')
		}
		return b.Bytes()
	}
	head, body := text(segs[:lx]), text(segs[lx:se])
	n := max(1, (size-len(head))/len(body))
	st := 0
	for i, s := range segs {
		if s.ID == "ST" {
			st = i
		}
	}
	count := (lx - st) + n*(se-lx) + 1
	out := make([]byte, 0, len(head)+n*len(body)+256)
	out = append(out, head...)
	for range n {
		out = append(out, body...)
	}
	out = fmt.Appendf(out, "SE*%d*0001~\n", count)
	return append(out, text(segs[se+1:])...)
}

var (
	bigOnce sync.Once
	big     []byte
)

// big835 is a 64 MiB valid 835, built once per test binary and checked.
func big835(b *testing.B) []byte {
	bigOnce.Do(func() {
		big = grow835(b, 64<<20)
		n := 0
		env, err := Segments(bytes.NewReader(big), func(h x12.SetHeader, fs []Finding) error {
			n += len(fs)
			return nil
		})
		if err != nil || len(env) > 0 || n > 0 {
			b.Fatalf("the synthetic 835 is not valid: %d findings, envelope %v, %v", n, env, err)
		}
	})
	return big
}

// countDelimiters is the least work any validator must do: read every byte
// once through a buffer and look at it.
func countDelimiters(rd io.Reader, buf []byte) int {
	br := bufio.NewReaderSize(rd, len(buf))
	n := 0
	for {
		k, err := br.Read(buf)
		for _, c := range buf[:k] {
			if c == '*' || c == '~' {
				n++
			}
		}
		if err != nil {
			return n
		}
	}
}

// readSegments reads data with a Reader and a Checker (tokenizing and
// envelopes) and returns the segment count.
func readSegments(b *testing.B, data []byte) int {
	r := x12.NewReader(bytes.NewReader(data))
	var c x12.Checker
	n := 0
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		c.Check(s)
		n++
	}
	return n
}

func validateSegments(b *testing.B, data []byte) {
	n := 0
	if _, err := Segments(bytes.NewReader(data), func(h x12.SetHeader, fs []Finding) error {
		n += len(fs)
		return nil
	}); err != nil || n > 0 {
		b.Fatalf("Segments: %d findings, %v", n, err)
	}
}

func validateSets(b *testing.B, data []byte) {
	n := 0
	if _, err := Stream(bytes.NewReader(data), func(r *SetResult) error {
		n += len(r.Findings)
		return nil
	}); err != nil || n > 0 {
		b.Fatalf("Stream: %d findings, %v", n, err)
	}
}

// BenchmarkX12Validate measures throughput on a 64 MiB 835: validating
// segment by segment (tokenizing, envelopes, loop structure, elements) and
// whole sets (the same, plus the loop tree and the situational rules).
func BenchmarkX12Validate(b *testing.B) {
	data := big835(b)
	b.Run("segments", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			validateSegments(b, data)
		}
	})
	b.Run("sets", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			validateSets(b, data)
		}
	})
}

// BenchmarkX12ValidateRatio runs, in each iteration over the same 64 MiB
// 835, the baseline (a plain loop reading every byte once and counting
// delimiters), the Reader with envelope checks, Segments and Stream. It
// reports the throughput of the fastest run of each and its time as a ratio
// to the baseline's, by the wall clock and by the CPU time the process
// used: on a machine shared with other work the CPU-time ratios hold up
// best, since the wall clock also counts the time spent waiting for a CPU.
func BenchmarkX12ValidateRatio(b *testing.B) {
	data := big835(b)
	buf := make([]byte, 64<<10)
	runs := []func(){
		func() { countDelimiters(bytes.NewReader(data), buf) },
		func() { readSegments(b, data) },
		func() { validateSegments(b, data) },
		func() { validateSets(b, data) },
	}
	wall := make([]time.Duration, len(runs))
	cpu := make([]time.Duration, len(runs))
	for i := range wall {
		wall[i], cpu[i] = time.Hour, time.Hour
	}
	for b.Loop() {
		for i, run := range runs {
			runtime.GC() // each run starts from the same heap
			t0, c0 := time.Now(), cpuTime()
			run()
			wall[i] = min(wall[i], time.Since(t0))
			cpu[i] = min(cpu[i], cpuTime()-c0)
		}
	}
	mbs := func(d time.Duration) float64 { return float64(len(data)) / 1e6 / d.Seconds() }
	names := []string{"baseline", "envelope", "segments", "sets"}
	for i, name := range names {
		b.ReportMetric(mbs(wall[i]), name+"-MB/s")
		if i > 0 {
			b.ReportMetric(float64(wall[i])/float64(wall[0]), name+"/baseline")
			if cpu[0] > 0 {
				b.ReportMetric(float64(cpu[i])/float64(cpu[0]), name+"/baseline-cpu")
			}
		}
	}
	b.ReportMetric(float64(readSegments(b, data)), "segments")
}

// TestGrow835 checks the builder: the counts agree and the 835 is valid.
func TestGrow835(t *testing.T) {
	data := grow835(t, 1<<20)
	if len(data) < 1<<20-4096 || len(data) > 1<<20+4096 {
		t.Errorf("built %d bytes, want about 1 MiB", len(data))
	}
	n := 0
	env, err := Segments(bytes.NewReader(data), func(h x12.SetHeader, fs []Finding) error {
		n += len(fs)
		return nil
	})
	if err != nil || len(env) > 0 || n > 0 {
		t.Errorf("grown 835: %d findings, envelope %v, %v", n, env, err)
	}
}

// TestSegmentsMemoryFlat validates 4 MB and 32 MB 835s segment by segment
// and expects the same small allocation for both: nothing per segment or
// per loop.
func TestSegmentsMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("validates 36 MB")
	}
	alloc := func(size int) uint64 {
		data := grow835(t, size)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		n := 0
		if _, err := Segments(bytes.NewReader(data), func(h x12.SetHeader, fs []Finding) error {
			n += len(fs)
			return nil
		}); err != nil || n > 0 {
			t.Fatalf("Segments: %d findings, %v", n, err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	small, big := alloc(4<<20), alloc(32<<20)
	if small > 256<<10 || big > 256<<10 {
		t.Errorf("validating allocated %d bytes for 4 MB and %d for 32 MB; want under 256 KiB each", small, big)
	}
}
