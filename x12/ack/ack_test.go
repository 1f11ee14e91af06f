package ack

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func write(t *testing.T, ic *Interchange, d x12.Delimiters) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := x12.NewWriter(&buf, d)
	if err := Write(w, ic); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// full is an acknowledgment that uses every field.
func full() *Interchange {
	return &Interchange{
		Header: x12.InterchangeHeader{
			AuthQualifier: "00", SecurityQualifier: "00", SenderQualifier: "ZZ", SenderID: "CLAIMGATE",
			ReceiverQualifier: "ZZ", ReceiverID: "SUBMITTER", Date: "240102", Time: "0304", Version: "00501",
			ControlNumber: "000000007", AckRequested: "0", Usage: "T", Delims: x12.DefaultDelimiters,
		},
		TA1s: []TA1{{ControlNumber: "000000905", Date: "030101", Time: "1253", Status: "E", Note: "001"}},
		Groups: []Group{{
			Header: x12.GroupHeader{FunctionalID: "FA", SenderCode: "CG", ReceiverCode: "SUB", Date: "20240102", Time: "0304",
				ControlNumber: "7", Agency: "X", Version: Version},
			Acks: []Ack999{{
				ControlNumber: "0001", Version: Version, FunctionalID: "HC", GroupControl: "1", GroupVersion: "005010X222A1",
				Sets: []SetResponse{
					{ID: "837", ControlNumber: "0001", Version: "005010X222A1", Status: "A"},
					{ID: "837", ControlNumber: "0002", Status: "R", Codes: []string{"4", "5"}, Errors: []SegmentError{
						{SegmentID: "NM1", Position: 5, Loop: "1000B", Code: "8", Elements: []ElementError{
							{Position: 2, DataElement: "1065", Code: "1"},
							{Position: 5, Component: 2, Repetition: 1, DataElement: "1271", Code: "7", Bad: "X",
								Context: []Context{{Name: "SITUATIONAL TRIGGER", SegmentID: "CLM", Position: 4, Loop: "2300", Element: 5, Component: 3, DataElement: "1325"}}},
						}},
						{SegmentID: "N4", Position: 9, Loop: "2010AA", Code: "3", Context: []Context{{Name: "CLM01", Value: "A37YH556"}}},
					}},
				},
				Status: "P", Included: 2, Received: 2, Accepted: 1, GroupErrors: []string{"5"},
			}},
		}},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, d := range []x12.Delimiters{x12.DefaultDelimiters, {Element: '|', Repetition: '!', Component: '>', Segment: '\n'}} {
		m := full()
		m.Header.Delims = d
		b := write(t, m, d)
		got, err := Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("Parse: %v\n%s", err, b)
		}
		if diff := cmp.Diff(m, got); diff != "" {
			t.Errorf("parse(write(m)) differs from m (-m +got):\n%s", diff)
		}
		if again := write(t, got, d); !bytes.Equal(again, b) {
			t.Errorf("second write differs:\n%s\n%s", b, again)
		}
		if errs, err := x12.CheckEnvelopes(bytes.NewReader(b)); err != nil || len(errs) > 0 {
			t.Errorf("written envelopes: %v %v", errs, err)
		}
	}
}

// segmentsOf returns each segment of data as text with default delimiters.
func segmentsOf(t *testing.T, data []byte) ([]string, []*x12.Segment) {
	t.Helper()
	r := x12.NewReader(bytes.NewReader(data))
	var out []string
	var segs []*x12.Segment
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out, segs
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(s.Raw()))
		segs = append(segs, s.Clone())
	}
}

// TestSamplesWriteBack parses the public 999 and TA1 samples and writes
// them back with their own delimiters: segment for segment the same, except
// trailers the samples get wrong, which we write from their headers.
func TestSamplesWriteBack(t *testing.T) {
	for _, dir := range []string{"999", "TA1"} {
		files, err := filepath.Glob(testshared.Path(t, "testdata", "x12", dir, "*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no samples in %s: %v", dir, err)
		}
		for _, f := range files {
			t.Run(dir+"/"+filepath.Base(f), func(t *testing.T) {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				ic, err := Parse(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				wrong := map[int]bool{}
				envErrs, _ := x12.CheckEnvelopes(bytes.NewReader(data))
				for _, e := range envErrs {
					if e.SegmentID == "IEA" || e.SegmentID == "GE" || e.SegmentID == "SE" {
						wrong[e.Segment] = true
					}
				}
				want, _ := segmentsOf(t, data)
				got, _ := segmentsOf(t, write(t, ic, ic.Header.Delims))
				if len(got) != len(want) {
					t.Fatalf("wrote %d segments, read %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
				}
				for i := range want {
					if got[i] != want[i] && !wrong[i+1] {
						t.Errorf("segment %d = %q, want %q", i+1, got[i], want[i])
					}
					if got[i] == want[i] && wrong[i+1] {
						t.Errorf("segment %d = %q: the sample's trailer is wrong and should be corrected", i+1, got[i])
					}
				}
			})
		}
	}
}

func TestParseSample(t *testing.T) {
	data, err := os.ReadFile(testshared.Path(t, "testdata", "x12", "TA1", "ims-x12_999_accepted_ta1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ic, err := Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]TA1{{"101", "241018", "0307", "A", "000"}}, ic.TA1s); diff != "" {
		t.Errorf("TA1s (-want +got):\n%s", diff)
	}
	a := ic.Groups[0].Acks[0]
	want := SetResponse{ID: "837", ControlNumber: "101", Version: "005010X222A1", Status: "R", Codes: []string{"5"},
		Errors: []SegmentError{{SegmentID: "CLM", Position: 289, Loop: "2010", Code: "6"}, {SegmentID: "CLM", Position: 381, Loop: "2010", Code: "6"}}}
	if diff := cmp.Diff([]SetResponse{want}, a.Sets); diff != "" {
		t.Errorf("sets (-want +got):\n%s", diff)
	}
	if a.Status != "R" || a.Included != 1 || a.Received != 1 || a.Accepted != 0 {
		t.Errorf("AK9 = %s %d %d %d, want R 1 1 0", a.Status, a.Included, a.Received, a.Accepted)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       error
	}{
		{"not X12", "hello", x12.ErrNoISA},
		{"an 837", "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*T*:~GS*HC*A*B*20240101*1200*1*X*005010X222A1~ST*837*0001~", ErrNotAck},
		{"IK4 first", "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*T*:~GS*FA*A*B*20240101*1200*1*X*005010X231A1~ST*999*0001~AK1*HC*1~AK2*837*0001~IK4*1**1~", ErrNotAck},
		{"bad position", "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240101*1200*^*00501*000000001*0*T*:~GS*FA*A*B*20240101*1200*1*X*005010X231A1~ST*999*0001~AK1*HC*1~AK2*837*0001~IK3*NM1*X**8~", x12.ErrInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.text))
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse = %v, want %v", err, tt.want)
			}
		})
	}
}

var testNow = time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC)

// TestForGolden writes the acknowledgment of public samples and compares
// it with testdata/*.golden (go test -update rewrites them).
func TestForGolden(t *testing.T) {
	files := []string{
		"837P/lfh-demo.example1.837",
		"835/lfh-managed-care.835",
		"999/ims-x12_999_accepted.txt",
		"270/ims-x270.txt",
		"invalid/ims-x12_bad_valid_code.txt",
		"invalid/ims-x12_loop_errors3_missing_loops.txt",
		"invalid/ims-x12_missing_elements.txt",
		"invalid/ims-x12_segments_out_of_order.txt",
	}
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(testshared.Path(t, "testdata", "x12", filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			ic, err := For(bytes.NewReader(data), Options{ControlNumber: 1, Now: testNow})
			if err != nil {
				t.Fatalf("For: %v", err)
			}
			var buf bytes.Buffer
			w := x12.NewWriter(&buf, ic.Header.Delims)
			w.Newline = true
			if err := Write(w, ic); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			golden := filepath.Join("testdata", strings.ReplaceAll(name, "/", "_")+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("acknowledgment differs from %s (-want +got):\n%s", golden, diff)
			}
			if _, err := Parse(bytes.NewReader(buf.Bytes())); err != nil {
				t.Errorf("Parse(our ack): %v", err)
			}
			// Our 999s meet the 999 guide.
			env, err := validate.Stream(bytes.NewReader(buf.Bytes()), func(r *validate.SetResult) error {
				for _, f := range r.Findings {
					t.Errorf("our 999: %v", f)
				}
				return nil
			})
			if err != nil || len(env) > 0 {
				t.Errorf("our ack's envelope: %v %v", env, err)
			}
		})
	}
}

const (
	isa = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~"
	gs  = "GS*HC*SENDER*RECEIVER*20240101*1200*1*X*005010X222A1~"
)

// claim is a clean 837P set with control number ctl; replace changes it.
func claim(ctl string, replace ...string) string {
	body := strings.Join([]string{
		"ST*837*" + ctl + "*005010X222A1", "BHT*0019*00*244579*20061015*1023*CH",
		"NM1*41*2*PREMIER BILLING SERVICE*****46*TGJ23", "PER*IC*JERRY*TE*3055552222",
		"NM1*40*2*KEY INSURANCE COMPANY*****46*66783JJT", "HL*1**20*1",
		"NM1*85*2*BEN KILDARE SERVICE*****XX*1912301953", "N3*234 SEAWAY ST", "N4*MIAMI*FL*331110000", "REF*EI*587654321",
		"HL*2*1*22*0", "SBR*P*18*******CI", "NM1*IL*1*SMITH*JANE****MI*JS00111223333",
		"NM1*PR*2*KEY INSURANCE COMPANY*****PI*999996666", "CLM*26463774*40***11:B:1*Y*A*Y*I",
		"HI*ABK:J029", "LX*1", "SV1*HC:99213*40*UN*1***1", "DTP*472*D8*20061003", "SE*20*" + ctl,
	}, "~") + "~"
	for i := 0; i+1 < len(replace); i += 2 {
		body = strings.Replace(body, replace[i], replace[i+1], 1)
	}
	return body
}

func TestForNothing(t *testing.T) {
	ack999 := isa + strings.Replace(gs, "GS*HC", "GS*FA", 1) +
		"ST*999*0001*005010X231A1~AK1*HC*1*005010X222A1~AK2*837*0001~IK5*A~AK9*A*1*1*1~SE*6*0001~GE*1*1~IEA*1*000000001~"
	for name, text := range map[string]string{"empty": "", "not X12": "hello", "a 999": ack999} {
		if _, err := For(strings.NewReader(text), Options{Now: testNow}); !errors.Is(err, ErrNothing) {
			t.Errorf("For(%s) = %v, want ErrNothing", name, err)
		}
	}
}

func TestFor(t *testing.T) {
	type summary struct {
		TA1   []TA1
		Sets  []string // AK202 IK501 IK502...
		Group string   // AK901 AK902 AK903 AK904 AK905...
	}
	tests := []struct {
		name string
		text string
		want summary
	}{
		{"accepted", isa + gs + claim("0001") + "GE*1*1~IEA*1*000000001~",
			summary{nil, []string{"0001 A"}, "A 1 1 1"}},
		{"ack requested", strings.Replace(isa, "*0*T*", "*1*T*", 1) + gs + claim("0001") + "GE*1*1~IEA*1*000000001~",
			summary{[]TA1{{"000000001", "240101", "1200", "A", "000"}}, []string{"0001 A"}, "A 1 1 1"}},
		{"accepted with errors", isa + gs + claim("0001", "CLM*26463774*40", "CLM*26463774*41") + "GE*1*1~IEA*1*000000001~",
			summary{nil, []string{"0001 E I5"}, "E 1 1 1"}},
		{"rejected", isa + gs + claim("0001", "NM1*41*2", "NM1*41*") + "GE*1*1~IEA*1*000000001~",
			summary{nil, []string{"0001 R 5"}, "R 1 1 0"}},
		{"partially accepted", isa + gs + claim("0001") + claim("0002", "SE*20", "SE*19") + "GE*2*1~IEA*1*000000001~",
			summary{nil, []string{"0001 A", "0002 R 4"}, "P 2 2 1"}},
		{"group count wrong", isa + gs + claim("0001") + "GE*2*1~IEA*1*000000001~",
			summary{nil, []string{"0001 A"}, "E 2 1 1 5"}},
		{"IEA control differs", isa + gs + claim("0001") + "GE*1*1~IEA*1*000000002~",
			summary{[]TA1{{"000000001", "240101", "1200", "E", "001"}}, []string{"0001 A"}, "A 1 1 1"}},
		{"bad ISA date", strings.Replace(isa, "*240101*", "*241301*", 1) + gs + claim("0001") + "GE*1*1~IEA*1*000000001~",
			summary{[]TA1{{"000000001", "241301", "1200", "R", "014"}}, nil, ""}},
		{"no IEA", isa + gs + claim("0001") + "GE*1*1~",
			summary{[]TA1{{"000000001", "240101", "1200", "R", "023"}}, nil, ""}},
		{"bad ISA, no group", strings.Replace(isa, "*T*:~", "*X*:~", 1) + "IEA*0*000000001~",
			summary{[]TA1{{"000000001", "240101", "1200", "R", "020"}}, nil, ""}},
		{"empty group", isa + gs + "GE*0*1~IEA*1*000000001~",
			summary{nil, nil, "R 0 0 0"}},
		{"cut short", isa + gs + claim("0001")[:200],
			summary{[]TA1{{"000000001", "240101", "1200", "R", "023"}}, nil, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ic, err := For(strings.NewReader(tt.text), Options{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			got := summary{TA1: ic.TA1s}
			for _, g := range ic.Groups {
				for _, a := range g.Acks {
					for _, s := range a.Sets {
						got.Sets = append(got.Sets, strings.Join(append([]string{s.ControlNumber, s.Status}, s.Codes...), " "))
					}
					got.Group = strings.Join(append([]string{a.Status, strconv.Itoa(a.Included), strconv.Itoa(a.Received), strconv.Itoa(a.Accepted)}, a.GroupErrors...), " ")
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("For (-want +got):\n%s", diff)
			}
		})
	}
}
