package x12

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// got is what a test sees of one segment.
type got struct {
	Raw    string
	Pos    int
	SetPos int
	Offset int64
}

func TestReaderSegments(t *testing.T) {
	isa := testISA(DefaultDelimiters, "000000001")
	odd := Delimiters{Element: '|', Repetition: '!', Component: '>', Segment: '\''}
	isaOdd := testISA(odd, "000000002")
	nl := Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '\n'}
	isaNL := testISA(nl, "000000003")
	tests := []struct {
		name string
		in   string
		want []got
	}{
		{
			name: "default delimiters, no line breaks",
			in:   isa + "GS*HP*A*B*20230115*1230*1*X*005010X221A1~ST*835*0001~BPR*I*1.00~SE*3*0001~",
			want: []got{
				{isa[:105], 1, 0, 0},
				{"GS*HP*A*B*20230115*1230*1*X*005010X221A1", 2, 0, 106},
				{"ST*835*0001", 3, 1, 147},
				{"BPR*I*1.00", 4, 2, 159},
				{"SE*3*0001", 5, 3, 170},
			},
		},
		{
			name: "CRLF and spaces after terminators",
			in:   isa + "\r\nST*835*0001~ \r\n\tN1*PR*X~\n\nSE*3*0001~\r\n\r\n",
			want: []got{
				{isa[:105], 1, 0, 0},
				{"ST*835*0001", 2, 1, 108},
				{"N1*PR*X", 3, 2, 124},
				{"SE*3*0001", 4, 3, 134},
			},
		},
		{
			name: "line feed is the terminator, CRLF lines, blank lines",
			in:   isaNL + "ST*835*0001\r\n\r\nN1*PR*X\nSE*3*0001\n",
			want: []got{
				{isaNL[:105], 1, 0, 0},
				{"ST*835*0001", 2, 1, 106},
				{"N1*PR*X", 3, 2, 121},
				{"SE*3*0001", 4, 3, 129},
			},
		},
		{
			name: "unusual delimiters",
			in:   isaOdd + "ST|835|0001'SVC|HC>99213|10!20'",
			want: []got{
				{isaOdd[:105], 1, 0, 0},
				{"ST|835|0001", 2, 1, 106},
				{"SVC|HC>99213|10!20", 3, 2, 118},
			},
		},
		{
			name: "each ISA sets the delimiters again",
			in:   isa + "ST*835*0001~IEA*0*000000001~\n" + isaOdd + "IEA|0|000000002'",
			want: []got{
				{isa[:105], 1, 0, 0},
				{"ST*835*0001", 2, 1, 106},
				{"IEA*0*000000001", 3, 0, 118},
				{isaOdd[:105], 4, 0, 135},
				{"IEA|0|000000002", 5, 0, 241},
			},
		},
		{
			name: "byte order mark and empty segments",
			in:   "\xEF\xBB\xBF" + isa + "~~ST*835*0001~",
			want: []got{
				{isa[:105], 1, 0, 3},
				{"ST*835*0001", 2, 1, 111},
			},
		},
		{
			name: "NUL and Ctrl-Z after the last segment",
			in:   isa + "IEA*0*000000001~\r\n\x1a\x00\x00",
			want: []got{
				{isa[:105], 1, 0, 0},
				{"IEA*0*000000001", 2, 0, 106},
			},
		},
		{
			name: "ISA without padding",
			in:   "ISA*00**00**ZZ*S*ZZ*R*230115*1230*^*00501*1*0*T*:~ST*835*0001~",
			want: []got{
				{"ISA*00**00**ZZ*S*ZZ*R*230115*1230*^*00501*1*0*T*:", 1, 0, 0},
				{"ST*835*0001", 2, 1, 50},
			},
		},
		{
			name: "segment position resets outside ST..SE",
			in:   isa + "ST*835*0001~SE*2*0001~GE*1*1~N1*X~ST*835*0002~N1*Y~",
			want: []got{
				{isa[:105], 1, 0, 0},
				{"ST*835*0001", 2, 1, 106},
				{"SE*2*0001", 3, 2, 118},
				{"GE*1*1", 4, 0, 128},
				{"N1*X", 5, 0, 135},
				{"ST*835*0002", 6, 1, 140},
				{"N1*Y", 7, 2, 152},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in))
			var all []got
			for {
				s, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Next: %v", err)
				}
				all = append(all, got{string(s.Raw()), s.Pos, s.SetPos, s.Offset})
			}
			if diff := cmp.Diff(tt.want, all); diff != "" {
				t.Errorf("segments (-want +got):\n%s", diff)
			}
			if _, err := r.Next(); err != io.EOF {
				t.Errorf("Next after EOF = %v, want io.EOF", err)
			}
		})
	}
}

func TestReaderDelimiters(t *testing.T) {
	in := testISA(Delimiters{Element: '|', Repetition: '!', Component: '>', Segment: '\''}, "000000002")
	r := NewReader(strings.NewReader(in))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	want := Delimiters{Element: '|', Repetition: '!', Component: '>', Segment: '\''}
	if got := r.Delimiters(); got != want {
		t.Errorf("Delimiters() = %v, want %v", got, want)
	}
	// A 4010-style ISA11 "U" is not a repetition separator.
	r = NewReader(strings.NewReader(strings.Replace(testISA(DefaultDelimiters, "000000001"), "*^*", "*U*", 1)))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if got := r.Delimiters().Repetition; got != 0 {
		t.Errorf("repetition separator for ISA11 U = %q, want none", got)
	}
}

func TestReaderErrors(t *testing.T) {
	isa := testISA(DefaultDelimiters, "000000001")
	tests := []struct {
		name    string
		in      string
		max     int
		want    string // Error()
		err     error
		seg     int
		offset  int64
		segment string
	}{
		{"empty input", "", 0, "byte 0: input is empty", ErrNoISA, 0, 0, ""},
		{"only whitespace", " \r\n", 0, "byte 3: input is empty", ErrNoISA, 0, 3, ""},
		{"no ISA", "GS*HP*A~", 0, `segment 1: input starts with "GS*HP*A~", not an ISA segment`, ErrNoISA, 1, 0, ""},
		{"truncated ISA", isa[:60], 0, "segment 1 (ISA): input ends inside the ISA segment", ErrUnexpectedEOF, 1, 0, "ISA"},
		{"ISA ends after ISA16", isa[:105], 0, "segment 1 (ISA): input ends inside the ISA segment", ErrUnexpectedEOF, 1, 0, "ISA"},
		{"letter as terminator", isa[:105] + "X", 0, `segment 1 (ISA): segment terminator 'X' is a letter or digit`, ErrBadISA, 1, 0, "ISA"},
		{"terminator equals component separator", isa[:104] + "::", 0, `segment 1 (ISA): component separator and segment terminator are both ':'`, ErrBadISA, 1, 0, "ISA"},
		{"space as element separator", "ISA 00 ", 0, `segment 1 (ISA): element separator ' ' is whitespace`, ErrBadISA, 1, 0, "ISA"},
		{"ISA without 16 elements", "ISA*" + strings.Repeat("x", 600), 0, "segment 1 (ISA): fewer than 16 elements in the first 512 bytes", ErrBadISA, 1, 0, "ISA"},
		{"ISA elements beyond 512 bytes", "ISA*00*" + strings.Repeat("x", 600) + strings.Repeat("*", 14) + ":~", 0, "segment 1 (ISA): fewer than 16 elements in the first 512 bytes", ErrBadISA, 1, 0, "ISA"},
		{"segment too long", isa + "NTE*" + strings.Repeat("x", 100) + "~", 64, "segment 2 (NTE): segment is longer than 64 bytes", ErrSegmentTooLong, 2, 106, "NTE"},
		{"no terminator at end", isa + "ST*835*0001~SE*2*0001", 0, "segment 3 (SE): input ends inside a segment (no segment terminator)", ErrUnexpectedEOF, 3, 118, "SE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in))
			r.MaxSegmentSize = tt.max
			var err error
			for err == nil {
				_, err = r.Next()
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v (%T), want *ParseError", err, err)
			}
			if pe.Error() != tt.want {
				t.Errorf("Error() = %q, want %q", pe.Error(), tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error %v is not %v", err, tt.err)
			}
			if pe.Segment != tt.seg || pe.Offset != tt.offset || pe.SegmentID != tt.segment {
				t.Errorf("position = segment %d %q offset %d, want segment %d %q offset %d", pe.Segment, pe.SegmentID, pe.Offset, tt.seg, tt.segment, tt.offset)
			}
			if _, again := r.Next(); again != err {
				t.Errorf("Next after error = %v, want the same error", again)
			}
		})
	}
}

// TestReaderErrorSetPosition checks that a tokenizer error inside a
// transaction set carries the segment's position in the set.
func TestReaderErrorSetPosition(t *testing.T) {
	in := testISA(DefaultDelimiters, "000000001") + "ST*835*0001~BPR*I~NTE*" + strings.Repeat("x", 100) + "~"
	r := NewReader(strings.NewReader(in))
	r.MaxSegmentSize = 50
	var err error
	for err == nil {
		_, err = r.Next()
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Segment != 4 || pe.SetSegment != 3 || pe.SegmentID != "NTE" {
		t.Errorf("error = %#v, want segment 4, set position 3, NTE", err)
	}
}

func TestReaderIOError(t *testing.T) {
	boom := errors.New("boom")
	in := testISA(DefaultDelimiters, "000000001") + "ST*835*0001~"
	r := NewReader(io.MultiReader(strings.NewReader(in), iotest.ErrReader(boom)))
	var err error
	n := 0
	for err == nil {
		_, err = r.Next()
		n++
	}
	if err != boom || n != 3 {
		t.Errorf("after %d calls Next = %v, want boom after 2 segments", n, err)
	}
}

func TestReaderLongSegment(t *testing.T) {
	long := "NTE*ADD*" + strings.Repeat("x", 200<<10)
	in := testISA(DefaultDelimiters, "000000001") + long + "~ST*835*0001~"
	segs := readAll(t, []byte(in))
	if len(segs) != 3 || string(segs[1].Raw()) != long || segs[2].ID != "ST" {
		t.Fatalf("read %d segments; want ISA, a %d-byte NTE and ST", len(segs), len(long))
	}
}

// TestReaderChunking reads every sample through readers that return one
// byte at a time, or data together with io.EOF, and expects the same
// segments as a plain read.
func TestReaderChunking(t *testing.T) {
	for _, s := range samples(t) {
		want := readAll(t, s.data)
		for name, rd := range map[string]io.Reader{
			"one byte": iotest.OneByteReader(bytes.NewReader(s.data)),
			"data+EOF": iotest.DataErrReader(bytes.NewReader(s.data)),
			"half":     iotest.HalfReader(bytes.NewReader(s.data)),
		} {
			got, err := readAllErr(rd)
			if err != nil {
				t.Errorf("%s (%s): %v", s.name, name, err)
				continue
			}
			if len(got) != len(want) {
				t.Errorf("%s (%s): %d segments, want %d", s.name, name, len(got), len(want))
				continue
			}
			for i := range got {
				if string(got[i].Raw()) != string(want[i].Raw()) || got[i].Offset != want[i].Offset {
					t.Errorf("%s (%s): segment %d = %q at %d, want %q at %d", s.name, name, i+1, got[i].Raw(), got[i].Offset, want[i].Raw(), want[i].Offset)
					break
				}
			}
		}
	}
}

// TestReaderSamples reads every public sample without error and checks
// that the offsets point at the segments in the file.
func TestReaderSamples(t *testing.T) {
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			segs := readAll(t, s.data)
			if len(segs) < 5 || segs[0].ID != "ISA" || segs[len(segs)-1].ID != "IEA" {
				t.Fatalf("read %d segments from ISA to %s; want an interchange", len(segs), segs[len(segs)-1].ID)
			}
			for i, g := range segs {
				if g.Pos != i+1 {
					t.Fatalf("segment %d has Pos %d", i+1, g.Pos)
				}
				raw := g.Raw()
				if at := s.data[g.Offset:]; !bytes.HasPrefix(at, raw) || at[len(raw)] != g.Delims.Segment {
					t.Fatalf("segment %d (%s): offset %d does not point at %q", g.Pos, g.ID, g.Offset, raw)
				}
			}
		})
	}
}

func TestReaderAllocs(t *testing.T) {
	data := []byte(interchange(strings.Repeat("CLP*A*1*100*50**MC*X~CAS*CO*45*50~NM1*QC*1*DOE*JOHN~", 100)))
	br := bytes.NewReader(data)
	r := NewReader(br)
	n := 0
	allocs := testing.AllocsPerRun(20, func() {
		br.Reset(data)
		r.Reset(br)
		for {
			if _, err := r.Next(); err != nil {
				break
			}
			n++
		}
	})
	// The buffer, the ID cache and the element index are reused.
	if allocs != 0 {
		t.Errorf("reading %d segments allocates %.0f times, want 0", n/21, allocs)
	}
}

// TestReaderLongSegmentSlowInput reads a long segment one byte at a time;
// scanning must not start over at each byte.
func TestReaderLongSegmentSlowInput(t *testing.T) {
	long := "NTE*ADD*" + strings.Repeat("x", 512<<10)
	in := testISA(DefaultDelimiters, "000000001") + long + "~"
	done := make(chan error, 1)
	go func() {
		_, err := readAllErr(iotest.OneByteReader(strings.NewReader(in)))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("reading a 512 KiB segment one byte at a time takes more than 20s")
	}
}

// TestDifferentSeparators reads the imsweb sample written with "~" between
// elements, "^" between components and "_" after segments, and expects the
// same segments as the same claim written with the usual delimiters.
func TestDifferentSeparators(t *testing.T) {
	var odd, usual []byte
	for _, s := range samples(t) {
		switch s.name {
		case "837P/ims-x12_valid_different_separators.txt":
			odd = s.data
		case "837P/ims-x12_valid.txt":
			usual = s.data
		}
	}
	a, b := readAll(t, odd), readAll(t, usual)
	want := Delimiters{Element: '~', Component: '^', Segment: '_'}
	if d := a[0].Delims; d != want {
		t.Errorf("delimiters = %v, want %v", d, want)
	}
	if len(a) != len(b) || len(a) != 38 {
		t.Fatalf("read %d and %d segments, want 38 each", len(a), len(b))
	}
	for i := range a {
		if diff := cmp.Diff(shape(b[i]), shape(a[i])); diff != "" {
			t.Errorf("segment %d (-usual +different):\n%s", i+1, diff)
		}
	}
	if got := string(a[33].Component(1, 2)); a[33].ID != "SV1" || got != "478331" {
		t.Errorf("segment 34 = %s, want SV1 with procedure 478331", a[33])
	}
}
