package remit

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

// big835 builds an 835 of at least size bytes: one transaction set whose
// 2000 loops are those of lfh-secondary-payment.835 repeated, with SE01
// counting them, so the envelope stays consistent.
func big835(b testing.TB, size int) []byte {
	b.Helper()
	g := newGen835(b, size)
	out, err := io.ReadAll(g)
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// gen835 generates the 835 that big835 builds, as an io.Reader, so that a
// test can stream a large one that is never in memory.
type gen835 struct {
	head, body, tail []byte
	reps             int // body repetitions left
	cur              []byte
	state            int
}

func newGen835(b testing.TB, size int) *gen835 {
	b.Helper()
	segs := bytes.Split(bytes.TrimSpace(sample(b, "lfh-secondary-payment.835")), []byte("~"))
	var head, body bytes.Buffer
	nh, nb := 0, 0
	for _, s := range segs {
		s = bytes.TrimSpace(s)
		if len(s) == 0 {
			continue
		}
		id := string(s[:bytes.IndexByte(s, '*')])
		switch {
		case id == "SE" || id == "GE" || id == "IEA":
		case id == "LX" || nb > 0:
			body.Write(s)
			body.WriteByte('~')
			nb++
		default:
			head.Write(s)
			head.WriteByte('~')
			nh++
		}
	}
	reps := max(1, (size-head.Len()+body.Len()-1)/body.Len())
	count := nh - 2 + reps*nb // ISA and GS are outside the set
	tail := fmt.Sprintf("SE*%d*1234~GE*1*1~IEA*1*000000907~", count+1)
	return &gen835{head: head.Bytes(), body: body.Bytes(), tail: []byte(tail), reps: reps, cur: head.Bytes()}
}

func (g *gen835) Read(p []byte) (int, error) {
	for len(g.cur) == 0 {
		switch {
		case g.state == 0 && g.reps > 0:
			g.reps--
			g.cur = g.body
		case g.state == 0:
			g.state = 1
			g.cur = g.tail
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, g.cur)
	g.cur = g.cur[n:]
	return n, nil
}

// countDelimiters is the baseline: read every byte once and count the
// element separators and segment terminators.
func countDelimiters(data []byte) int {
	n := 0
	for _, c := range data {
		if c == '*' || c == '~' {
			n++
		}
	}
	return n
}

func BenchmarkParse835(b *testing.B) {
	data := big835(b, 50<<20)
	if problems, err := x12.CheckEnvelopes(bytes.NewReader(data)); err != nil || len(problems) > 0 {
		b.Fatalf("built 835 has envelope problems: %v %v", err, problems)
	}
	b.Run("baseline", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if countDelimiters(data) == 0 {
				b.Fatal("no delimiters")
			}
		}
	})
	b.Run("typed", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			rs, err := ReadFile(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			if len(rs) != 1 || len(rs[0].Headers) < 1000 {
				b.Fatalf("read %d remittances", len(rs))
			}
		}
	})
	// The stages of typed, each alone: reading the set, building its loop
	// tree (validate.Transaction), and Parse from the tree.
	b.Run("stage=setreader", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := x12.NewSetReader(x12.NewReader(bytes.NewReader(data))).Next(); err != nil {
				b.Fatal(err)
			}
		}
	})
	ts, err := x12.NewSetReader(x12.NewReader(bytes.NewReader(data))).Next()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("stage=validate", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			validate.Transaction(ts)
		}
	})
	tree, _ := validate.Transaction(ts)
	b.Run("stage=parse", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(tree); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTyped835Ratio runs the baseline, the whole typed read
// (ReadFile: SetReader, validate.Transaction, Parse) and Parse alone one
// after the other in each iteration and reports the ratio of the fastest
// time of each to the baseline's, which holds steadier than separate
// benchmarks on a shared machine.
func BenchmarkTyped835Ratio(b *testing.B) {
	data := big835(b, 50<<20)
	ts, err := x12.NewSetReader(x12.NewReader(bytes.NewReader(data))).Next()
	if err != nil {
		b.Fatal(err)
	}
	tree, _ := validate.Transaction(ts)
	best := [3]time.Duration{1 << 62, 1 << 62, 1 << 62}
	timed := func(k int, f func()) {
		start := time.Now()
		f()
		best[k] = min(best[k], time.Since(start))
	}
	for b.Loop() {
		timed(0, func() {
			if countDelimiters(data) == 0 {
				b.Fatal("no delimiters")
			}
		})
		timed(1, func() {
			if _, err := ReadFile(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		})
		timed(2, func() {
			if _, err := Parse(tree); err != nil {
				b.Fatal(err)
			}
		})
	}
	mb := float64(len(data)) / 1e6
	b.ReportMetric(mb/best[0].Seconds(), "baseline-MB/s")
	b.ReportMetric(mb/best[1].Seconds(), "typed-MB/s")
	b.ReportMetric(mb/best[2].Seconds(), "parse-MB/s")
	b.ReportMetric(float64(best[1])/float64(best[0]), "typed/baseline")
	b.ReportMetric(float64(best[2])/float64(best[0]), "parse/baseline")
}

// readDelimiters is the baseline of the x12 and x12/validate benchmarks:
// the same count, reading every byte once through a buffer of the
// Reader's size, as a reader of an io.Reader must.
func readDelimiters(rd io.Reader, buf []byte) int {
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

// decodeClaims reads data with a Decoder and returns the number of claims.
func decodeClaims(b testing.TB, data []byte) int {
	d := NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		c, err := d.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		if c != nil {
			n++
		}
	}
}

// readEnvelopes is the tokenizer alone: x12.Reader and x12.Checker over
// every segment, as the Decoder runs them.
func readEnvelopes(b testing.TB, data []byte) int {
	r := x12.NewReader(bytes.NewReader(data))
	var c x12.Checker
	n := 0
	for {
		s, err := r.Next()
		if err == io.EOF {
			c.End()
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		c.Check(s)
		n++
	}
}

// BenchmarkTyped835StreamRatio runs, in each iteration over the same
// 50 MiB 835, the baseline (a plain loop reading every byte once and
// counting delimiters), the Reader with envelope checks (the tokenizer the
// Decoder stands on) and the Decoder (the typed model, claim by claim,
// envelopes checked). It reports the throughput of the fastest run of each
// and its time as a ratio to the baseline's, by the wall clock and by the
// CPU time the process used (getrusage: all threads, the garbage
// collector's included), which holds steadier on a shared machine.
func BenchmarkTyped835StreamRatio(b *testing.B) {
	data := big835(b, 50<<20)
	claims := decodeClaims(b, data)
	buf := make([]byte, 64<<10)
	runs := []func(){
		func() {
			if countDelimiters(data) == 0 {
				b.Fatal("no delimiters")
			}
		},
		func() {
			if readDelimiters(bytes.NewReader(data), buf) == 0 {
				b.Fatal("no delimiters")
			}
		},
		func() { readEnvelopes(b, data) },
		func() {
			if decodeClaims(b, data) != claims {
				b.Fatal("claims differ between runs")
			}
		},
	}
	wall := make([]time.Duration, len(runs))
	cpu := make([]time.Duration, len(runs))
	for i := range wall {
		wall[i], cpu[i] = time.Hour, time.Hour
	}
	b.SetBytes(int64(len(data)))
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
	for i, name := range []string{"baseline", "baseline-read", "envelope", "stream"} {
		b.ReportMetric(mbs(wall[i]), name+"-MB/s")
		if i > 1 {
			b.ReportMetric(float64(wall[i])/float64(wall[0]), name+"/baseline")
			b.ReportMetric(float64(wall[i])/float64(wall[1]), name+"/baseline-read")
			if cpu[0] > 0 && cpu[1] > 0 {
				b.ReportMetric(float64(cpu[i])/float64(cpu[0]), name+"/baseline-cpu")
				b.ReportMetric(float64(cpu[i])/float64(cpu[1]), name+"/baseline-read-cpu")
			}
		}
	}
	b.ReportMetric(float64(claims), "claims")
}

// BenchmarkDecoder is the Decoder alone, with its allocations.
func BenchmarkDecoder(b *testing.B) {
	data := big835(b, 50<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		decodeClaims(b, data)
	}
}
