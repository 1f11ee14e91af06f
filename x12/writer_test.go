package x12

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriterSegments(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, Delimiters{})
	steps := []error{
		w.WriteSegment("NM1", "85", "2", "CLINIC", "", "", "", "", "XX", "1234567893"),
		w.WriteSegment("HI", "ABK", "", ""),
		w.WriteComposite("SV1", []string{"HC", "99213", "25", "", ""}, []string{"100"}, []string{"UN"}, nil, []string{""}),
		w.WriteSegment("DTP", "472", "D8", "20230115"),
		w.WriteSegment("LX"),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	w.Newline = true
	if err := w.WriteSegment("SE", "5", "0001"); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "NM1*85*2*CLINIC*****XX*1234567893~HI*ABK~SV1*HC:99213:25*100*UN~DTP*472*D8*20230115~LX~SE*5*0001~\n"
	if got := buf.String(); got != want {
		t.Errorf("output\n got %q\nwant %q", got, want)
	}
}

func TestWriterRefuses(t *testing.T) {
	tests := []struct {
		name  string
		write func(w *Writer) error
		want  string
		err   error
	}{
		{"element separator", func(w *Writer) error { return w.WriteSegment("NTE", "ADD", "A*B") }, `x12: NTE02: value "A*B": value contains a delimiter '*' at byte 1`, ErrDelimiterInValue},
		{"component separator", func(w *Writer) error { return w.WriteSegment("NTE", "ADD", "10:30") }, `x12: NTE02: value "10:30": value contains a delimiter ':' at byte 2`, ErrDelimiterInValue},
		{"repetition separator", func(w *Writer) error { return w.WriteSegment("NTE", "A^B") }, `x12: NTE01: value "A^B": value contains a delimiter '^' at byte 1`, ErrDelimiterInValue},
		{"terminator", func(w *Writer) error { return w.WriteSegment("NTE", "A~") }, `x12: NTE01: value "A~": value contains a delimiter '~' at byte 1`, ErrDelimiterInValue},
		{"component", func(w *Writer) error { return w.WriteComposite("SV1", []string{"HC", "9:9"}) }, `x12: SV101-2: value "9:9": value contains a delimiter ':' at byte 1`, ErrDelimiterInValue},
		{"bad ID", func(w *Writer) error { return w.WriteSegment("N 1", "A") }, `x12: segment ID "N 1" is not letters and digits`, nil},
		{"long ID", func(w *Writer) error { return w.WriteSegment("ABCD") }, `x12: segment ID "ABCD" is not 2 or 3 characters`, nil},
		{"EndSet first", func(w *Writer) error { return w.EndSet() }, "x12: EndSet: envelope out of order: no open transaction set", ErrEnvelopeOrder},
		{"BeginGroup first", func(w *Writer) error { return w.BeginGroup(GroupHeader{}) }, "x12: BeginGroup: envelope out of order: want an open interchange and no open group", ErrEnvelopeOrder},
		{"ISA control number", func(w *Writer) error {
			h := testHeader()
			h.ControlNumber = "1234567890"
			return w.BeginInterchange(h)
		}, `x12: ISA13 control number "1234567890": invalid value: want 1 to 9 digits`, ErrInvalidValue},
		{"ISA sender too long", func(w *Writer) error {
			h := testHeader()
			h.SenderID = "ABCDEFGHIJKLMNOP"
			return w.BeginInterchange(h)
		}, `x12: ISA06 "ABCDEFGHIJKLMNOP": invalid value: longer than 15`, ErrInvalidValue},
		{"ISA date", func(w *Writer) error {
			h := testHeader()
			h.Date = "230230"
			return w.BeginInterchange(h)
		}, `x12: ISA09: x12: date "230230": invalid value: no such day`, ErrInvalidValue},
		{"ISA usage", func(w *Writer) error {
			h := testHeader()
			h.Usage = ""
			return w.BeginInterchange(h)
		}, `x12: ISA15 usage indicator "": invalid value: want P or T`, ErrInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf, DefaultDelimiters)
			err := tt.write(w)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error = %v, want %s", err, tt.want)
			}
			if tt.err != nil && !errors.Is(err, tt.err) {
				t.Errorf("error %v is not %v", err, tt.err)
			}
			w.Flush()
			if buf.Len() != 0 {
				t.Errorf("wrote %q despite the error", buf.String())
			}
		})
	}
}

func testHeader() InterchangeHeader {
	return InterchangeHeader{
		SenderQualifier: "ZZ", SenderID: "CLAIMGATE", ReceiverQualifier: "ZZ", ReceiverID: "PAYER01",
		Date: "230115", Time: "1230", ControlNumber: "42", Usage: "T",
	}
}

func TestWriterEnvelope(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, DefaultDelimiters)
	w.Newline = true
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	g := GroupHeader{FunctionalID: "HC", SenderCode: "CLAIMGATE", ReceiverCode: "PAYER01", Date: "20230115", Time: "1230", ControlNumber: "7", Version: "005010X222A1"}
	must(w.BeginInterchange(testHeader()))
	must(w.BeginGroup(g))
	must(w.BeginSet("837", "0001", "005010X222A1"))
	must(w.WriteSegment("BHT", "0019", "00", "X1", "20230115", "1230", "CH"))
	must(w.WriteComposite("CLM", []string{"A1"}, []string{"100"}, nil, nil, []string{"11", "B", "1"}))
	must(w.EndSet())
	must(w.BeginSet("837", "0002", ""))
	must(w.EndSet())
	must(w.EndGroup())
	g.ControlNumber = "8"
	must(w.BeginGroup(g))
	must(w.EndGroup())
	must(w.EndInterchange())
	must(w.Flush())
	want := `ISA*00*          *00*          *ZZ*CLAIMGATE      *ZZ*PAYER01        *230115*1230*^*00501*000000042*0*T*:~
GS*HC*CLAIMGATE*PAYER01*20230115*1230*7*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019*00*X1*20230115*1230*CH~
CLM*A1*100***11:B:1~
SE*4*0001~
ST*837*0002~
SE*2*0002~
GE*2*7~
GS*HC*CLAIMGATE*PAYER01*20230115*1230*8*X*005010X222A1~
GE*0*8~
IEA*2*000000042~
`
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if i := strings.Index(buf.String(), "\n"); i != 106 {
		t.Errorf("ISA is %d bytes, want 106", i)
	}
	errs, err := CheckEnvelopes(&buf)
	if err != nil || len(errs) != 0 {
		t.Errorf("CheckEnvelopes of written interchange = %v, %v; want no problems", errs, err)
	}
}

// TestWriterTranslates writes a segment read with unusual delimiters with
// the default ones.
func TestWriterTranslates(t *testing.T) {
	odd := Delimiters{Element: '|', Repetition: '!', Component: '>', Segment: '\''}
	s := ParseSegment([]byte("EB|1||1!33>A!||X>>|||"), odd)
	var buf bytes.Buffer
	w := NewWriter(&buf, DefaultDelimiters)
	if err := w.Write(s); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if got, want := buf.String(), "EB*1**1^33:A^**X~"; got != want {
		t.Errorf("Write = %q, want %q", got, want)
	}
	// A value holding the Writer's delimiter cannot be translated.
	buf.Reset()
	if err := w.Write(ParseSegment([]byte("NTE|A*B"), odd)); !errors.Is(err, ErrDelimiterInValue) {
		t.Errorf("Write of a value with '*' = %v, want ErrDelimiterInValue", err)
	}
	// Repetitions need a repetition separator.
	noRep := NewWriter(&buf, Delimiters{Element: '*', Component: ':', Segment: '~'})
	if err := noRep.Write(ParseSegment([]byte("EB|1!2"), odd)); !errors.Is(err, ErrDelimiterInValue) {
		t.Errorf("Write of repetitions without a separator = %v, want ErrDelimiterInValue", err)
	}
}

// TestRoundTripSamples writes what it reads from every sample, once with
// the sample's own delimiters and once with the defaults plus line
// breaks, reads the output again and expects the same segments. Segments
// with nothing to trim come out byte for byte as they went in.
func TestRoundTripSamples(t *testing.T) {
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			in := readAll(t, s.data)
			for _, d := range []Delimiters{in[0].Delims, DefaultDelimiters} {
				var buf bytes.Buffer
				w := NewWriter(&buf, d)
				w.Newline = d == DefaultDelimiters
				for _, seg := range in {
					var one bytes.Buffer
					w1 := NewWriter(&one, d)
					if err := w1.Write(seg); err != nil {
						t.Fatalf("Write segment %d: %v", seg.Pos, err)
					}
					w1.Flush()
					if d == seg.Delims && !hasTrailingEmpty(seg) && one.String() != seg.String() {
						t.Errorf("segment %d written as %q, want %q", seg.Pos, one.String(), seg.String())
					}
					if err := w.Write(seg); err != nil {
						t.Fatalf("Write segment %d: %v", seg.Pos, err)
					}
				}
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
				out := readAll(t, buf.Bytes())
				if len(out) != len(in) {
					t.Fatalf("read back %d segments, want %d", len(out), len(in))
				}
				for i := range in {
					a, b := shape(in[i]), shape(out[i])
					if reflect.DeepEqual(a, b) {
						continue
					}
					if diff := cmp.Diff(a, b); diff != "" {
						t.Errorf("segment %d with delimiters %v (-in +out):\n%s", i+1, d, diff)
					}
				}
			}
		})
	}
}

// hasTrailingEmpty reports whether the Writer would trim anything of s.
func hasTrailingEmpty(s *Segment) bool {
	if s.ID == "ISA" {
		return false
	}
	if s.Len() > 0 && blank(s.Element(s.Len()), s.Delims) {
		return true
	}
	for i := 1; i <= s.Len(); i++ {
		el := s.Element(i)
		for r := 1; r <= s.Repetitions(i); r++ {
			rep := s.Repetition(i, r)
			if len(rep) > 0 && rep[len(rep)-1] == s.Delims.Component {
				return true
			}
		}
		_ = el
	}
	return false
}

func TestWriterIOError(t *testing.T) {
	w := NewWriter(failWriter{}, DefaultDelimiters)
	w.WriteSegment("LX", "1")
	if err := w.Flush(); err == nil || err.Error() != "disk full" {
		t.Errorf("Flush = %v, want disk full", err)
	}
	if err := w.WriteSegment("LX", "2"); err == nil {
		t.Errorf("WriteSegment after a failed Flush succeeded")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

var _ io.Writer = failWriter{}
