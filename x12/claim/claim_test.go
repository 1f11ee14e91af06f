package claim

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/x12"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// samples are the public 837s in the shared test data, by folder.
var samples = []struct{ dir, name string }{
	{"837P", "ims-x12_complex.txt"},
	{"837P", "ims-x12_many_claims.txt"},
	{"837P", "ims-x12_multiple_transactions.txt"},
	{"837P", "ims-x12_valid.txt"},
	{"837P", "ims-x12_valid_different_separators.txt"},
	{"837P", "lfh-demo.ambulance.example5.837"},
	{"837P", "lfh-demo.autoaccident.837"},
	{"837P", "lfh-demo.cob.2ndary.example4.837"},
	{"837P", "lfh-demo.cob.example3.A.837"},
	{"837P", "lfh-demo.drug.example10.1.837"},
	{"837P", "lfh-demo.example1.837"},
	{"837P", "lfh-demo.example2.837"},
	{"837P", "lfh-demo.example6.837"},
	{"837P", "lfh-demo.example7.837"},
	{"837P", "lfh-demo.example9.837"},
	{"837I", "ims-x223-test.txt"},
	{"837I", "lfh-institutional-claim.837i"},
	{"837I", "lfh-out-of-network-repriced-claim.837i"},
	{"837I", "lfh-ppo-repriced-claim.837i"},
}

// defects are errors in the public samples that Parse rightly refuses,
// with the exact error and the fix the other tests apply in memory (the
// samples themselves stay as published).
var defects = map[string]struct{ old, new, err string }{
	// SV107 is a diagnosis pointer, 1 to 12; the sample sends "1.00".
	"lfh-demo.example9.837": {"***1.00~", "***1~",
		`claim: segment 29 (SV1): element 7 component 1: diagnosis code pointer "1.00": want 1 to 12`},
}

func rawSample(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testshared.Path(t, "testdata", "x12", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sample(t testing.TB, dir, name string) []byte {
	t.Helper()
	b := rawSample(t, dir, name)
	if d, ok := defects[name]; ok {
		if !bytes.Contains(b, []byte(d.old)) {
			t.Fatalf("%s: defect %q not found", name, d.old)
		}
		b = bytes.ReplaceAll(b, []byte(d.old), []byte(d.new))
	}
	return b
}

// readAll parses every transaction set in data with ReadFile.
func readAll(data []byte) ([]*Transaction, error) { return ReadFile(bytes.NewReader(data)) }

func write(t testing.TB, ts []*Transaction) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, ts...); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

func TestSampleDefects(t *testing.T) {
	for _, s := range samples {
		d, ok := defects[s.name]
		if !ok {
			continue
		}
		_, err := readAll(rawSample(t, s.dir, s.name))
		if err == nil || err.Error() != d.err {
			t.Errorf("%s: read error = %v, want %s", s.name, err, d.err)
		}
	}
}

func TestGolden(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			ts, err := readAll(sample(t, s.dir, s.name))
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			got, err := json.MarshalIndent(ts, "", "\t")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", s.name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := diff(string(want), string(got)); diff != "" {
				t.Errorf("%s: model differs from golden (-want +got):\n%s", s.name, diff)
			}
			var back []*Transaction
			if err := json.Unmarshal(want, &back); err != nil {
				t.Fatalf("unmarshal golden: %v", err)
			}
			if diff := diff(ts, back); diff != "" {
				t.Errorf("%s: golden JSON does not read back (-parsed +json):\n%s", s.name, diff)
			}
		})
	}
}

// numeric lists the elements (and composite components, as element*100 +
// component) that Write puts in canonical number form, so the segment by
// segment comparison compares them by value: "79.04" and "79.040" are one
// amount; "1.00" unit is written "1". Keeping the sender's spelling of a
// number is not a goal; keeping its value is.
var numeric = map[string][]int{
	"CLM": {2},
	"SV1": {2, 4},
	"SV2": {3, 5, 6, 7},
	"SVD": {2, 5},
	"CAS": {3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19},
	"AMT": {2},
	"CTP": {4},
	"PAT": {8},
	"LX":  {1},
	"HI": {105, 106, 205, 206, 305, 306, 405, 406, 505, 506, 605, 606, 705, 706, 805, 806, 905, 906,
		1005, 1006, 1105, 1106, 1205, 1206},
}

// outOfOrder lists segments a sample sends out of TR3 order, which Write
// (and Parse, so that the model is the same) puts in order: each is the
// position of a segment that the TR3 puts after the next one.
var outOfOrder = map[string][]int{
	"ims-x223-test.txt": {26}, // DTP*435 (admission) before DTP*434 (statement dates)
}

// Other normalisations of Write, which the comparison allows:
//
//	trailing empty elements and components   dropped, as X12 requires ("HI*BK:1739**" is "HI*BK:1739")
//	line breaks after segment terminators    not written (Writer.Newline is off)
//	delimiters                               the interchange's own, so elements are compared, not bytes
//	HL01, HL02, HL04                         numbered afresh from the hierarchy written; HL03 is compared
//	SE01, GE01, IEA01                        counted afresh; the written file is checked to have no
//	                                         envelope problems instead (some samples' counts are wrong)
//	ISA11 "U"                                a repetition separator ("^", or "|" when "^" is taken):
//	                                         5010 has one, and 4010's "U" is not one
//	BHT05                                    the shortest of HHMM, HHMMSS, HHMMSSDD that holds the time
//	segment order                            the TR3's, which the samples follow
func elements(s *x12.Segment) [][]string {
	isNum := map[int]bool{}
	for _, i := range numeric[s.ID] {
		isNum[i] = true
	}
	var el [][]string
	for i := 1; i <= s.Len(); i++ {
		var comps []string
		n := s.Components(i)
		if s.ID == "ISA" {
			n = 1
		}
		for j := 1; j <= n; j++ {
			v := string(s.Component(i, j))
			if (isNum[i] || isNum[i*100+j]) && v != "" {
				if d, err := x12.ParseDecimal(v, 6); err == nil {
					v = x12.FormatDecimal(d, 6)
				}
			}
			comps = append(comps, v)
		}
		for len(comps) > 0 && comps[len(comps)-1] == "" {
			comps = comps[:len(comps)-1]
		}
		el = append(el, comps)
	}
	switch s.ID {
	case "HL":
		for _, i := range []int{0, 1, 3} {
			if i < len(el) {
				el[i] = nil
			}
		}
	case "ISA":
		if len(el) > 10 {
			el[10] = nil // compared in TestRoundTrip
		}
	case "SE", "GE", "IEA":
		if len(el) > 0 {
			el[0] = nil
		}
	case "BHT":
		if len(el) > 4 && len(el[4]) == 1 {
			if d, err := x12.ParseTime(el[4][0]); err == nil {
				el[4][0] = d.String()
			}
		}
	}
	for len(el) > 0 && len(el[len(el)-1]) == 0 {
		el = el[:len(el)-1]
	}
	return el
}

func segmentsOf(t *testing.T, data []byte) []*x12.Segment {
	t.Helper()
	r := x12.NewReader(bytes.NewReader(data))
	var out []*x12.Segment
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("read segments: %v", err)
		}
		out = append(out, s.Clone())
	}
}

func TestRoundTrip(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			data := sample(t, s.dir, s.name)
			first, err := readAll(data)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			out := write(t, first)
			second, err := readAll(out)
			if err != nil {
				t.Fatalf("read written: %v\n%s", err, out)
			}
			if diff := diff(first, second); diff != "" {
				t.Errorf("parse(write(parse(f))) != parse(f) (-first +second):\n%s", diff)
			}
			if problems, err := x12.CheckEnvelopes(bytes.NewReader(out)); err != nil || len(problems) > 0 {
				t.Errorf("written 837 has envelope problems: %v %v", err, problems)
			}
			want, got := segmentsOf(t, data), segmentsOf(t, out)
			if isa11 := string(want[0].Element(11)); isa11 != "U" && isa11 != string(got[0].Element(11)) {
				t.Errorf("ISA11 = %q, want %q", got[0].Element(11), isa11)
			}
			for _, i := range outOfOrder[s.name] {
				want[i-1], want[i] = want[i], want[i-1]
			}
			bad := 0
			for i := 0; i < max(len(want), len(got)) && bad < 10; i++ {
				if i >= len(want) {
					t.Errorf("segment %d: extra %s", i+1, got[i])
					bad++
					continue
				}
				if i >= len(got) {
					t.Errorf("segment %d: missing %s", i+1, want[i])
					bad++
					continue
				}
				if want[i].ID != got[i].ID {
					t.Fatalf("segment %d: wrote %s, want %s", i+1, got[i], want[i])
				}
				if diff := cmp.Diff(elements(want[i]), elements(got[i])); diff != "" {
					t.Errorf("segment %d: wrote %s, want %s (-want +got):\n%s", i+1, got[i], want[i], diff)
					bad++
				}
			}
		})
	}
}

// check that errors are *x12.ParseError wrapping ErrInvalidValue.
func isParseError(err error) bool {
	var pe *x12.ParseError
	return errors.As(err, &pe) && errors.Is(err, x12.ErrInvalidValue)
}

func TestParseErrors(t *testing.T) {
	const head = "ISA*00*          *00*          *ZZ*CLAIMGATE      *ZZ*TESTCH         *260102*0930*^*00501*000000077*1*T*:~" +
		"GS*HC*CLAIMGATE*TESTCH*20260102*0930*77*X*005010X222A1~" +
		"ST*837*0001*005010X222A1~" +
		"BHT*0019*00*B1*20260102*0930*CH~" +
		"NM1*41*2*BILLING*****46*S1~PER*IC*DESK*TE*5550001000~NM1*40*2*CH*****46*R1~" +
		"HL*1**20*1~NM1*85*2*CLINIC*****XX*1234567893~N3*1 WAY~N4*TOWN*NY*10001~REF*EI*123456789~" +
		"HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JANE****MI*M1~NM1*PR*2*PLAN*****PI*P1~"
	const tail = "SE*20*0001~GE*1*77~IEA*1*000000077~"
	// The CLM is segment 17 of the input, the HI 18, the LX 19, the SV1 20 and the DTP 21.
	const hi, line = "HI*ABK:J020~", "LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20251201~"
	tests := []struct {
		name, body, want string
	}{
		{"charge with three decimals", "CLM*C1*100.005***11:B:1*Y*A*Y*Y~" + hi + line,
			`claim: segment 17 (CLM): element 2: number "100.005": invalid value: more than 2 decimal places`},
		{"line charge with three decimals", "CLM*C1*100***11:B:1*Y*A*Y*Y~" + hi + "LX*1~SV1*HC:99213*99.999*UN*1***1~",
			`claim: segment 20 (SV1): element 2: number "99.999": invalid value: more than 2 decimal places`},
		{"missing CLM01", "CLM**100***11:B:1*Y*A*Y*Y~" + hi + line,
			`claim: segment 17 (CLM): element 1: claim submitter's identifier (CLM01) is required`},
		{"missing CLM02", "CLM*C1****11:B:1*Y*A*Y*Y~" + hi + line,
			`claim: segment 17 (CLM): element 2: total claim charge amount (CLM02) is required`},
		{"bad service date", "CLM*C1*100***11:B:1*Y*A*Y*Y~" + hi + "LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20250229~",
			`claim: segment 21 (DTP): element 3: date "20250229": invalid value: no such day`},
		{"range ending before it starts", "CLM*C1*100***11:B:1*Y*A*Y*Y~DTP*431*RD8*20251202-20251201~" + hi + line,
			`claim: segment 18 (DTP): element 3: date range "20251202-20251201": invalid value: ends before it starts`},
		{"bad date format", "CLM*C1*100***11:B:1*Y*A*Y*Y~DTP*431*D6*251201~" + hi + line,
			`claim: segment 18 (DTP): element 3: date format "D6": want D8, RD8, DT or TM`},
		{"bad diagnosis pointer", "CLM*C1*100***11:B:1*Y*A*Y*Y~" + hi + "LX*1~SV1*HC:99213*100*UN*1***1:X~",
			`claim: segment 20 (SV1): element 7 component 2: diagnosis code pointer "X": want 1 to 12`},
		{"bad HI date", "CLM*C1*100***11:B:1*Y*A*Y*Y~" + hi + "HI*BG:01:D8:20251332~" + line,
			`claim: segment 19 (HI): element 1 component 4: date "20251332": invalid value: no such day`},
		{"element not used in 5010", "CLM*C1*100*X**11:B:1*Y*A*Y*Y~" + hi + line,
			`claim: segment 17 (CLM): element 3: CLM03 is not used in 5010 and cannot be kept`},
		{"bad other payer paid amount", "CLM*C1*100***11:B:1*Y*A*Y*Y~" + hi + "SBR*P*18*******CI~AMT*D*1.234~OI***Y*P**Y~" + line,
			`claim: segment 20 (AMT): element 2: number "1.234": invalid value: more than 2 decimal places`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll([]byte(head + tt.body + tail))
			if err == nil {
				t.Fatalf("ReadFile = nil error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("ReadFile error = %q, want %q", err, tt.want)
			}
			if !isParseError(err) {
				t.Errorf("ReadFile error %v is not an *x12.ParseError wrapping ErrInvalidValue", err)
			}
		})
	}
}

func FuzzParse837(f *testing.F) {
	for _, s := range samples {
		if s.name == "ims-x12_many_claims.txt" || s.name == "ims-x12_multiple_transactions.txt" {
			continue // large: the fuzzer mutates small inputs better
		}
		f.Add(rawSample(f, s.dir, s.name))
	}
	// Inputs the fuzzer found that once failed: a billing provider
	// without its name loop; an Other segment with a trailing separator; a
	// receiver loop whose NM1 is not NM1*40; an HL without a level.
	const env = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *001001*0000*^*00501*000000001*0*T*!~" +
		"GS*HC*A*B*20001001*0000*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019~"
	const end = "SE*9*0001~GE*1*1~IEA*1*000000001~"
	f.Add([]byte(env + "NM1*41*2*S*****46*1~PER*IC*X~HL*1**20*0~NM1~" + end))
	f.Add([]byte(env + "NM1*41*2*S*****46*1~00*~" + end))
	f.Add([]byte(env + "NM1*00~" + end))
	f.Add([]byte(env + "NM1*41*2*S*****46*1~HL~" + end))
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := readAll(data)
		if err != nil || len(first) == 0 {
			return
		}
		var b bytes.Buffer
		if err := Write(&b, first...); err != nil {
			// A model read from X12 may not write back: envelope fields
			// the Writer refuses, or values holding its delimiters.
			return
		}
		second, err := readAll(b.Bytes())
		if err != nil {
			t.Fatalf("written 837 does not read back: %v\n%s", err, b.Bytes())
		}
		for i, r := range first {
			r.Envelope = writtenEnvelope(r.Envelope, r.Version, i)
		}
		if diff := diff(first, second); diff != "" {
			t.Fatalf("parse(write(parse(f))) != parse(f) (-first +second):\n%s", diff)
		}
	})
}

// writtenEnvelope returns e as Write writes it: with the defaults of
// x12.Writer's BeginInterchange and BeginGroup and of Write for empty
// fields, and ISA13 padded. Fuzzed envelopes leave them empty; the samples
// do not. n is the set's index, which Write numbers ST02 by when empty
// (fuzzed files hold one set per group).
func writtenEnvelope(e Envelope, version string, n int) Envelope {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	i, g := &e.Interchange, &e.Group
	def(&i.AuthQualifier, "00")
	def(&i.SecurityQualifier, "00")
	def(&i.AckRequested, "0")
	def(&i.Version, "00501")
	for len(i.ControlNumber) < 9 {
		i.ControlNumber = "0" + i.ControlNumber
	}
	def(&g.FunctionalID, "HC")
	def(&g.Agency, "X")
	def(&g.Version, version)
	def(&e.Control, fmt.Sprintf("%04d", n+1))
	return e
}

// diff is cmp.Diff with a fast path for equal values, which the large
// samples need: cmp walks a 2 MB model slowly.
func diff(a, b any) string {
	if reflect.DeepEqual(a, b) {
		return ""
	}
	return cmp.Diff(a, b)
}
