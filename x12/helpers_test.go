package x12

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimgate/claimgate/internal/testshared"
)

// sample is one public X12 file from the shared test data.
type sample struct {
	name string // path below testdata/x12, such as "835/lfh-managed-care.835"
	data []byte
}

// samples returns every file under the shared testdata/x12 folder except
// the Markdown notes.
func samples(tb testing.TB) []sample {
	tb.Helper()
	root := testshared.Path(tb, "testdata", "x12")
	var out []sample
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".md") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, sample{name: filepath.ToSlash(rel), data: b})
		return nil
	})
	if err != nil {
		tb.Fatalf("walk samples: %v", err)
	}
	if len(out) < 40 {
		tb.Fatalf("found %d samples under %s, want at least 40", len(out), root)
	}
	return out
}

// readAll reads every segment of data, cloned.
func readAll(tb testing.TB, data []byte) []*Segment {
	tb.Helper()
	segs, err := readAllErr(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("read: %v", err)
	}
	return segs
}

func readAllErr(rd io.Reader) ([]*Segment, error) {
	r := NewReader(rd)
	var segs []*Segment
	for {
		s, err := r.Next()
		if errors.Is(err, io.EOF) {
			return segs, nil
		}
		if err != nil {
			return segs, err
		}
		segs = append(segs, s.Clone())
	}
}

// shape returns a segment's content independent of its delimiters:
// elements, each a list of repetitions, each a list of components, with
// trailing empty elements and components dropped (which X12 treats as
// absent). ISA11 and ISA16, the delimiters themselves, are left out.
func shape(s *Segment) [][][]string {
	n := s.Len()
	for n > 0 && s.ID != "ISA" && blank(s.Element(n), s.Delims) {
		n--
	}
	out := [][][]string{{{s.ID}}}
	for i := 1; i <= n; i++ {
		if s.ID == "ISA" {
			v := string(s.Element(i))
			if i == 11 || i == 16 {
				v = "(delimiter)"
			}
			out = append(out, [][]string{{v}})
			continue
		}
		var reps [][]string
		for r := 1; r <= max(1, s.Repetitions(i)); r++ {
			rep := s.Repetition(i, r)
			var comps []string
			if len(rep) > 0 {
				comps = strings.Split(string(rep), string([]byte{s.Delims.Component}))
			}
			for len(comps) > 0 && comps[len(comps)-1] == "" {
				comps = comps[:len(comps)-1]
			}
			if len(comps) == 0 {
				comps = nil
			}
			reps = append(reps, comps)
		}
		out = append(out, reps)
	}
	return out
}

// testISA returns a fixed-width ISA segment with delimiters d and
// control number ctl, terminator included.
func testISA(d Delimiters, ctl string) string {
	rep := "U"
	if d.Repetition != 0 {
		rep = string([]byte{d.Repetition})
	}
	f := []string{"00", "          ", "00", "          ", "ZZ", "SENDER         ", "ZZ", "RECEIVER       ",
		"230115", "1230", rep, "00501", ctl, "0", "T", string([]byte{d.Component})}
	e := string([]byte{d.Element})
	return "ISA" + e + strings.Join(f, e) + string([]byte{d.Segment})
}

// interchange returns a small, correct interchange with default
// delimiters around body (segments between ST and SE, "~"-terminated),
// with an SE01 that matches.
func interchange(body ...string) string {
	var b strings.Builder
	b.WriteString(testISA(DefaultDelimiters, "000000001"))
	b.WriteString("GS*HP*SENDER*RECEIVER*20230115*1230*1*X*005010X221A1~")
	b.WriteString("ST*835*0001*005010X221A1~")
	for _, s := range body {
		b.WriteString(s)
	}
	b.WriteString("SE*" + itoa(len(body)+2) + "*0001~GE*1*1~IEA*1*000000001~")
	return b.String()
}

func itoa(n int) string {
	return FormatDecimal(int64(n), 0)
}
