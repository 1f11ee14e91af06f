package remit

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

// big835 builds an 835 of at least size bytes: one transaction set whose
// 2000 loops are those of lfh-secondary-payment.835 repeated, with SE01
// counting them, so the envelope stays consistent.
func big835(b *testing.B, size int) []byte {
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
			rs, err := readAll(data)
			if err != nil {
				b.Fatal(err)
			}
			if len(rs) != 1 || len(rs[0].Headers) < 1000 {
				b.Fatalf("read %d remittances", len(rs))
			}
		}
	})
	// tree isolates Parse: the loop tree is built once, outside the timer.
	b.Run("parse-tree", func(b *testing.B) {
		sr := x12.NewSetReader(x12.NewReader(bytes.NewReader(data)))
		ts, err := sr.Next()
		if err != nil && err != io.EOF {
			b.Fatal(err)
		}
		tree, _ := validate.Transaction(ts)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(tree); err != nil {
				b.Fatal(err)
			}
		}
	})
}
