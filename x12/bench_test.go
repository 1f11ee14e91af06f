package x12

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/claimgate/claimgate/internal/testshared"
)

// big835 is a synthetic 835 made from a public sample by repeating its
// claim loops: head is ISA through the segment before the first LX, body
// the LX/CLP/SVC... segments up to PLB or SE, repeated n times, and tail
// the rest, with an SE01 that counts every segment.
type big835 struct {
	head, body, tail []byte
	n                int
}

// benchSample is the 835 the benchmarks grow.
const benchSample = "lfh-secondary-payment.835"

func makeBig835(tb testing.TB, size int) big835 {
	tb.Helper()
	data, err := os.ReadFile(testshared.Path(tb, "testdata", "x12", "835", benchSample))
	if err != nil {
		tb.Fatal(err)
	}
	segs := readAll(tb, data)
	firstLX, bodyEnd, st := -1, -1, -1
	for i, s := range segs {
		switch {
		case s.ID == "ST":
			st = i
		case s.ID == "LX" && firstLX < 0:
			firstLX = i
		case (s.ID == "PLB" || s.ID == "SE") && bodyEnd < 0:
			bodyEnd = i
		}
	}
	if st < 0 || firstLX < 0 || bodyEnd < firstLX {
		tb.Fatalf("%s has no ST, LX loops and SE", benchSample)
	}
	text := func(ss []*Segment) []byte {
		var b bytes.Buffer
		for _, s := range ss {
			b.WriteString(s.String())
			b.WriteByte('\n')
		}
		return b.Bytes()
	}
	var g big835
	g.head = text(segs[:firstLX])
	g.body = text(segs[firstLX:bodyEnd])
	g.n = max(1, (size-len(g.head))/len(g.body))
	count := (firstLX - st) + g.n*(bodyEnd-firstLX)
	var tail bytes.Buffer
	w := NewWriter(&tail, segs[0].Delims)
	w.Newline = true
	for _, s := range segs[bodyEnd:] {
		count++
		if s.ID == "SE" {
			w.WriteSegment("SE", strconv.Itoa(count), s.ElementString(2))
			continue
		}
		w.Write(s)
	}
	w.Flush()
	g.tail = tail.Bytes()
	return g
}

// Len returns the size of the 835 in bytes.
func (g big835) Len() int { return len(g.head) + g.n*len(g.body) + len(g.tail) }

// Bytes returns the 835 in memory.
func (g big835) Bytes() []byte {
	b := make([]byte, 0, g.Len())
	b = append(b, g.head...)
	for range g.n {
		b = append(b, g.body...)
	}
	return append(b, g.tail...)
}

// Reader streams the 835 without holding it in memory.
func (g big835) Reader() io.Reader {
	return io.MultiReader(bytes.NewReader(g.head), &repeatReader{b: g.body, n: g.n, off: len(g.body)}, bytes.NewReader(g.tail))
}

type repeatReader struct {
	b   []byte
	n   int // repetitions left after the current one
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 {
		if r.off == len(r.b) {
			if r.n == 0 {
				break
			}
			r.n--
			r.off = 0
		}
		k := copy(p, r.b[r.off:])
		r.off += k
		p = p[k:]
		total += k
	}
	if total == 0 {
		return 0, io.EOF
	}
	return total, nil
}

var (
	largeOnce sync.Once
	large     []byte
)

// large835 is a 64 MiB 835 in memory, built once per test binary.
func large835(b *testing.B) []byte {
	largeOnce.Do(func() {
		g := makeBig835(b, 64<<20)
		large = g.Bytes()
		errs, err := CheckEnvelopes(bytes.NewReader(large))
		if err != nil || len(errs) != 0 {
			b.Fatalf("the synthetic 835 has envelope problems: %v %v", errs, err)
		}
	})
	return large
}

// countDelimiters is the least work any reader must do: read every byte
// once through a buffer of the Reader's size and look at it.
func countDelimiters(rd io.Reader, buf []byte, e, s byte) int {
	br := bufio.NewReaderSize(rd, len(buf))
	n := 0
	for {
		k, err := br.Read(buf)
		for _, c := range buf[:k] {
			if c == e || c == s {
				n++
			}
		}
		if err != nil {
			return n
		}
	}
}

// BenchmarkX12Reader measures throughput on a 64 MiB 835: the baseline
// loop, tokenizing, and tokenizing with envelope checks.
func BenchmarkX12Reader(b *testing.B) {
	data := large835(b)
	b.Run("baseline", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		buf := make([]byte, readBufSize)
		br := bytes.NewReader(data)
		for b.Loop() {
			br.Reset(data)
			if countDelimiters(br, buf, '*', '~') == 0 {
				b.Fatal("no delimiters")
			}
		}
	})
	b.Run("reader", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		br := bytes.NewReader(data)
		r := NewReader(br)
		n := 0
		for b.Loop() {
			br.Reset(data)
			r.Reset(br)
			n = 0
			for {
				_, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
		b.ReportMetric(float64(n), "segments/op")
	})
	b.Run("reader+envelope", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		br := bytes.NewReader(data)
		r := NewReader(br)
		for b.Loop() {
			br.Reset(data)
			r.Reset(br)
			var c Checker
			for {
				s, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				c.Check(s)
			}
			c.End()
			if len(c.Errors()) != 0 {
				b.Fatal(c.Errors()[0])
			}
		}
	})
}

// BenchmarkX12ReaderRatio runs the baseline, the Reader and the Reader
// with a Checker one after the other in each iteration over the same
// 64 MiB 835 and reports the ratios of the fastest times and the medians of
// the ratios within an iteration, which hold up on a machine shared with
// other work better than separate benchmarks do.
func BenchmarkX12ReaderRatio(b *testing.B) {
	data := large835(b)
	buf := make([]byte, readBufSize)
	br := bytes.NewReader(data)
	r := NewReader(br)
	best := [3]time.Duration{time.Hour, time.Hour, time.Hour}
	read := func(check bool) {
		br.Reset(data)
		r.Reset(br)
		var c Checker
		for {
			s, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if check {
				c.Check(s)
			}
		}
		c.End()
		if len(c.Errors()) != 0 {
			b.Fatal(c.Errors()[0])
		}
	}
	runs := []func(){
		func() {
			br.Reset(data)
			countDelimiters(br, buf, '*', '~')
		},
		func() { read(false) },
		func() { read(true) },
	}
	var ratios, cpuRatios [2][]float64
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for b.Loop() {
		var took, cpu [3]time.Duration
		for i, run := range runs {
			t0, c0 := time.Now(), threadCPU()
			run()
			took[i], cpu[i] = time.Since(t0), threadCPU()-c0
			best[i] = min(best[i], took[i])
		}
		ratios[0] = append(ratios[0], float64(took[1])/float64(took[0]))
		ratios[1] = append(ratios[1], float64(took[2])/float64(took[0]))
		if cpu[0] > 0 {
			cpuRatios[0] = append(cpuRatios[0], float64(cpu[1])/float64(cpu[0]))
			cpuRatios[1] = append(cpuRatios[1], float64(cpu[2])/float64(cpu[0]))
		}
	}
	median := func(x []float64) float64 {
		slices.Sort(x)
		return x[len(x)/2]
	}
	mbs := func(d time.Duration) float64 { return float64(len(data)) / 1e6 / d.Seconds() }
	b.ReportMetric(mbs(best[0]), "baseline-MB/s")
	b.ReportMetric(mbs(best[1]), "reader-MB/s")
	b.ReportMetric(mbs(best[2]), "envelope-MB/s")
	// Ratios of the fastest runs, and medians of the ratios within each
	// iteration (runs next to each other see the same load).
	b.ReportMetric(float64(best[1])/float64(best[0]), "reader/baseline")
	b.ReportMetric(float64(best[2])/float64(best[0]), "envelope/baseline")
	b.ReportMetric(median(ratios[0]), "reader/baseline-median")
	b.ReportMetric(median(ratios[1]), "envelope/baseline-median")
	// The same with the CPU time of the thread, which waiting for a CPU
	// does not inflate.
	if len(cpuRatios[0]) > 0 {
		b.ReportMetric(median(cpuRatios[0]), "reader/baseline-cpu")
		b.ReportMetric(median(cpuRatios[1]), "envelope/baseline-cpu")
	}
}

// BenchmarkX12ReaderMemory streams 10 MB and 100 MB 835s, generated on the
// fly so that the input is never in memory, and reports how much the heap
// grew at its peak while reading: it must not grow with the file.
func BenchmarkX12ReaderMemory(b *testing.B) {
	for _, size := range []int{10 << 20, 100 << 20} {
		g := makeBig835(b, size)
		b.Run(strconv.Itoa(size>>20)+"MiB", func(b *testing.B) {
			b.SetBytes(int64(g.Len()))
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				peak = max(peak, peakHeapGrowth(b, g.Reader()))
			}
			b.ReportMetric(float64(peak)/1024, "peak-heap-growth-KiB")
		})
	}
}

// peakHeapGrowth reads rd with a Reader and Checker, sampling the heap in
// use every 50,000 segments, and returns the largest growth seen over the
// heap in use before reading.
func peakHeapGrowth(tb testing.TB, rd io.Reader) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	start := ms.HeapInuse
	var peak uint64
	sample := func() {
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > start {
			peak = max(peak, ms.HeapInuse-start)
		}
	}
	r := NewReader(rd)
	var c Checker
	for n := 1; ; n++ {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		c.Check(s)
		if n%50000 == 0 {
			sample()
		}
	}
	c.End()
	sample()
	if len(c.Errors()) != 0 {
		tb.Fatal(c.Errors()[0])
	}
	return peak
}

// TestReaderMemoryFlat streams 4 MB and 32 MB 835s through a Reader and
// Checker and expects the same small, fixed allocation for both.
func TestReaderMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 36 MB")
	}
	alloc := func(size int) uint64 {
		g := makeBig835(t, size)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewReader(g.Reader())
		var c Checker
		n := 0
		for {
			s, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			c.Check(s)
			n++
		}
		c.End()
		runtime.ReadMemStats(&after)
		if len(c.Errors()) != 0 || n < size/100 {
			t.Fatalf("read %d segments with problems %v", n, c.Errors())
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, big := alloc(4<<20), alloc(32<<20)
	// The Reader's buffer and the generator's readers; nothing per segment.
	if small > 256<<10 || big > 256<<10 {
		t.Errorf("reading allocated %d bytes for 4 MB and %d for 32 MB; want under 256 KiB each", small, big)
	}
}
