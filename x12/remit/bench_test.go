package remit

import (
	"bytes"
	"fmt"
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
	segs := bytes.Split(bytes.TrimSpace(sample(b, "lfh-secondary-payment.835")), []byte("~"))
	var head, body [][]byte
	for _, s := range segs {
		s = bytes.TrimSpace(s)
		if len(s) == 0 {
			continue
		}
		id := string(s[:bytes.IndexByte(s, '*')])
		switch {
		case id == "SE" || id == "GE" || id == "IEA":
		case id == "LX" || len(body) > 0:
			body = append(body, s)
		default:
			head = append(head, s)
		}
	}
	var out bytes.Buffer
	for _, s := range head {
		out.Write(s)
		out.WriteByte('~')
	}
	count := len(head) - 2 // ISA and GS are outside the set
	for out.Len() < size {
		for _, s := range body {
			out.Write(s)
			out.WriteByte('~')
		}
		count += len(body)
	}
	fmt.Fprintf(&out, "SE*%d*1234~GE*1*1~IEA*1*000000907~", count+1)
	return out.Bytes()
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
