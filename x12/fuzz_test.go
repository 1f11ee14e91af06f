package x12

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// FuzzReader reads arbitrary input. It must not panic, must do work in
// proportion to the input, and what it reads must write back (with the
// same delimiters) and read again as the same segments.
func FuzzReader(f *testing.F) {
	for _, s := range samples(f) {
		f.Add(s.data)
	}
	f.Add([]byte(interchange("BPR*I*1~", "CLP*A*1*100*50**MC*X~", "SVC*HC:99213:25*100~")))
	f.Add([]byte(testISA(Delimiters{Element: '|', Repetition: '!', Component: '>', Segment: '\n'}, "000000001") + "ST|835|0001\r\nEB|1!2>3\r\r\n"))
	f.Add([]byte("ISA*00**00**ZZ*S*ZZ*R*230115*1230*^*00501*1*0*T*:~ST*835*0001~~~SE*2*0001"))
	// Inputs the fuzzer found: a space as ISA16; a delimiter byte above 0x7F.
	f.Add([]byte("ISA*******ZZ**000101*0000*0*00000*000000000*0*P* \nGS*00*  *0000000000\n0"))
	f.Add([]byte("ISA***********0*****\xdd!"))
	f.Add([]byte("ISA****************!\""))
	f.Add([]byte("ISA*00*" + strings.Repeat("r", 4000) + strings.Repeat("*", 14) + ":~"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const max = 4096
		r := NewReader(bytes.NewReader(data))
		r.MaxSegmentSize = max
		var c Checker
		var segs []*Segment
		for {
			s, err := r.Next()
			if err != nil {
				var pe *ParseError
				if !errors.Is(err, io.EOF) && !errors.As(err, &pe) {
					t.Fatalf("Next returned %T %v, want io.EOF or *ParseError", err, err)
				}
				if pe != nil && pe.Error() == "" {
					t.Fatalf("empty error message")
				}
				break
			}
			if len(segs) > len(data) || len(s.Raw()) > max {
				t.Fatalf("segment %d of %d bytes from %d bytes of input", len(segs)+1, len(s.Raw()), len(data))
			}
			c.Check(s)
			for i := 0; i <= s.Len()+1; i++ {
				s.Repetitions(i)
				s.Components(i)
				s.Component(i, 2)
				s.RepetitionComponent(i, 2, 2)
			}
			segs = append(segs, s.Clone())
		}
		c.End()
		for _, e := range c.Errors() {
			if e.Error() == "" || e.Segment < 1 {
				t.Fatalf("envelope error without text or position: %#v", e)
			}
		}
		if len(r.buf) > max+maxISALen+1 && len(r.buf) > readBufSize {
			t.Fatalf("buffer grew to %d bytes", len(r.buf))
		}

		var buf bytes.Buffer
		var w *Writer
		var written []*Segment
		for _, s := range segs {
			if w == nil || s.Delims != w.Delimiters() {
				if w != nil {
					w.Flush()
				}
				w = NewWriter(&buf, s.Delims)
			}
			if err := w.Write(s); err != nil {
				if w.checkID(s.ID) != nil {
					continue // not a segment ID the Writer can write
				}
				if s.ID == "ISA" && errors.Is(err, ErrDelimiterInValue) {
					break // an ISA field holds a delimiter: the rest cannot be written
				}
				t.Fatalf("Write(%q): %v", s.Raw(), err)
			}
			written = append(written, s)
		}
		if w == nil {
			return
		}
		w.Flush()
		again, err := readAllErr(bytes.NewReader(buf.Bytes()))
		if err != nil && len(written) > 0 {
			t.Fatalf("re-read %q: %v", buf.Bytes(), err)
		}
		if len(again) != len(written) {
			t.Fatalf("re-read %d segments, want %d\nwritten: %q", len(again), len(written), buf.Bytes())
		}
		for i := range written {
			if a, b := shape(written[i]), shape(again[i]); !reflect.DeepEqual(a, b) {
				t.Fatalf("segment %d: read %q, wrote and re-read %q", i+1, written[i].Raw(), again[i].Raw())
			}
		}
	})
}

// FuzzParseAmount checks that any amount ParseAmount accepts formats to
// a canonical form that parses back to the same cents.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"123.45", "-5", "10.5", "1.005", "", "1e3", "12.3.4", ".5", "0.00", "92233720368547758.07"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseAmount(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidValue) {
				t.Fatalf("ParseAmount(%q) error %v is not ErrInvalidValue", s, err)
			}
			return
		}
		out := FormatAmount(v)
		back, err := ParseAmount(out)
		if err != nil || back != v {
			t.Fatalf("ParseAmount(%q) = %d, formatted %q, parsed back %d, %v", s, v, out, back, err)
		}
		if FormatAmount(back) != out {
			t.Fatalf("FormatAmount is not stable for %d", v)
		}
	})
}

// FuzzSetReader reads arbitrary input set by set: it must not panic, and
// every set it returns starts with its ST.
func FuzzSetReader(f *testing.F) {
	for _, s := range samples(f) {
		f.Add(s.data)
	}
	f.Add([]byte(testISA(DefaultDelimiters, "000000001") + "ST*835*0001~BPR*I~TA1*1~ST*835*2~GE*1*1~SE*1*1~"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		r.MaxSegmentSize = 4096
		sr := NewSetReader(r)
		for n := 0; ; n++ {
			ts, err := sr.Next()
			if err != nil {
				break
			}
			if n > len(data) || len(ts.Segments) == 0 || ts.Segments[0].ID != "ST" || ts.Pos != ts.Segments[0].Pos {
				t.Fatalf("set %d: %d segments from position %d", n+1, len(ts.Segments), ts.Pos)
			}
		}
	})
}
