package x12

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// finding is what a test compares of a ParseError.
type finding struct {
	Msg     string
	Err     error
	Segment int
	SetSeg  int
	Offset  int64
}

func findings(errs []*ParseError) []finding {
	var out []finding
	for _, e := range errs {
		out = append(out, finding{e.Error(), e.Err, e.Segment, e.SetSegment, e.Offset})
	}
	return out
}

var cmpErrs = cmp.Comparer(func(a, b error) bool { return a == b })

func TestCheckerFindings(t *testing.T) {
	isa := testISA(DefaultDelimiters, "000000001")
	gs := "GS*HP*SENDER*RECEIVER*20230115*1230*1*X*005010X221A1~"
	// Offsets: ISA 0, GS 106, ST 159 (after gs, 53 bytes).
	tests := []struct {
		name string
		in   string
		want []finding
	}{
		{"clean", interchange("BPR*I*1~", "TRN*1*2~"), nil},
		{
			"SE01 and SE02",
			isa + gs + "ST*835*0001~BPR*I*1~SE*4*0002~GE*1*1~IEA*1*000000001~",
			[]finding{
				{"segment 5 (SE): element 1: segment count 4 does not match 3 segments counted", ErrCountMismatch, 5, 3, 179},
				{`segment 5 (SE): element 2: control number "0002" does not match ST02 "0001"`, ErrControlNumberMismatch, 5, 3, 179},
			},
		},
		{
			"GE01, GE02, IEA01, IEA02",
			isa + gs + "ST*835*0001~SE*2*0001~GE*2*9~IEA*3*000000002~",
			[]finding{
				{"segment 5 (GE): element 1: transaction set count 2 does not match 1 transaction sets counted", ErrCountMismatch, 5, 0, 181},
				{`segment 5 (GE): element 2: control number "9" does not match GS06 "1"`, ErrControlNumberMismatch, 5, 0, 181},
				{"segment 6 (IEA): element 1: functional group count 3 does not match 1 groups counted", ErrCountMismatch, 6, 0, 188},
				{`segment 6 (IEA): element 2: control number "000000002" does not match ISA13 "000000001"`, ErrControlNumberMismatch, 6, 0, 188},
			},
		},
		{
			"counts that are not numbers",
			isa + gs + "ST*835*0001~SE*x*0001~GE**1~IEA*-1*000000001~",
			[]finding{
				{`segment 4 (SE): element 1: segment count "x" is not a number`, ErrInvalidValue, 4, 2, 171},
				{`segment 5 (GE): element 1: transaction set count "" is not a number`, ErrInvalidValue, 5, 0, 181},
				{`segment 6 (IEA): element 1: functional group count "-1" is not a number`, ErrInvalidValue, 6, 0, 187},
			},
		},
		{
			"missing SE, GE and IEA at the end",
			isa + gs + "ST*835*0001~BPR*I*1~",
			[]finding{
				{"segment 3 (ST): transaction set 0001 has no SE before the end of the input", ErrMissingTrailer, 3, 1, 159},
				{"segment 2 (GS): functional group 1 has no GE before the end of the input", ErrMissingTrailer, 2, 0, 106},
				{"segment 1 (ISA): interchange 000000001 has no IEA before the end of the input", ErrMissingTrailer, 1, 0, 0},
			},
		},
		{
			"missing SE before the next ST and before GE",
			isa + gs + "ST*835*0001~ST*835*0002~GE*2*1~IEA*1*000000001~",
			[]finding{
				{"segment 3 (ST): transaction set 0001 has no SE before segment 4 (ST)", ErrMissingTrailer, 3, 1, 159},
				{"segment 4 (ST): transaction set 0002 has no SE before segment 5 (GE)", ErrMissingTrailer, 4, 1, 171},
			},
		},
		{
			"missing GE and IEA before the next ISA",
			isa + gs + isa + "IEA*0*000000001~",
			[]finding{
				{"segment 2 (GS): functional group 1 has no GE before segment 3 (ISA)", ErrMissingTrailer, 2, 0, 106},
				{"segment 1 (ISA): interchange 000000001 has no IEA before segment 3 (ISA)", ErrMissingTrailer, 1, 0, 0},
			},
		},
		{
			"segments outside envelopes, a run reported once",
			isa + "N1*PR*X~N3*STREET~" + gs + "ST*835*0001~SE*2*0001~REF*X*1~GE*1*1~IEA*1*000000001~N1*PR*Y~",
			[]finding{
				{"segment 2 (N1): segment outside a transaction set (ST..SE)", ErrOutsideEnvelope, 2, 0, 106},
				{"segment 7 (REF): segment outside a transaction set (ST..SE)", ErrOutsideEnvelope, 7, 0, 199},
				{"segment 10 (N1): segment outside a transaction set (ST..SE)", ErrOutsideEnvelope, 10, 0, 230},
			},
		},
		{
			"trailers and headers without their envelope",
			isa + "ST*835*0001~SE*2*0001~GE*0*1~IEA*0*000000001~SE*1*1~IEA*0*1~" + gs,
			[]finding{
				{"segment 2 (ST): ST outside a functional group (GS..GE)", ErrOutsideEnvelope, 2, 1, 106},
				{"segment 4 (GE): GE without an open functional group (GS)", ErrOutsideEnvelope, 4, 0, 128},
				{"segment 6 (SE): SE without an open transaction set (ST)", ErrOutsideEnvelope, 6, 0, 151},
				{"segment 7 (IEA): IEA without an open interchange (ISA)", ErrOutsideEnvelope, 7, 0, 158},
				{"segment 8 (GS): GS outside an interchange (ISA..IEA)", ErrOutsideEnvelope, 8, 0, 166},
				{"segment 8 (GS): functional group 1 has no GE before the end of the input", ErrMissingTrailer, 8, 0, 166},
			},
		},
		{
			"control numbers used twice",
			isa + gs + "ST*835*0001~SE*2*0001~ST*835*0001~SE*2*0001~GE*2*1~" + gs + "ST*835*0001~SE*2*0001~GE*1*1~IEA*2*000000001~" +
				isa + gs + "GE*0*1~IEA*1*000000001~",
			[]finding{
				{`segment 5 (ST): element 2: ST02 control number "0001" is already used at segment 3 of this functional group`, ErrDuplicateControlNumber, 5, 1, 181},
				{`segment 8 (GS): element 6: GS06 control number "1" is already used at segment 2 of this interchange`, ErrDuplicateControlNumber, 8, 0, 210},
			},
		},
		{
			"blank interchange IDs",
			strings.Replace(strings.Replace(isa, "SENDER  ", "        ", 1), "RECEIVER", "        ", 1) + "IEA*0*000000001~",
			[]finding{
				{"segment 1 (ISA): element 6: ISA06 interchange sender ID is blank", ErrInvalidValue, 1, 0, 0},
				{"segment 1 (ISA): element 8: ISA08 interchange receiver ID is blank", ErrInvalidValue, 1, 0, 0},
			},
		},
		{
			"TA1 inside a group",
			isa + "TA1*000000001*230115*1230*A*000~" + gs + "TA1*1~GE*0*1~IEA*1*000000001~",
			[]finding{
				{"segment 4 (TA1): TA1 outside an interchange or inside a functional group", ErrOutsideEnvelope, 4, 0, 191},
			},
		},
		{
			"ISA field values",
			"ISA*01*          *02*          *XX*SENDER         *ZZ*RECEIVER       *231340*2460*U*00401*00000001A*2*X*:~",
			[]finding{
				{`segment 1 (ISA): element 1: ISA01 authorization information qualifier "01" is not one of 00, 03`, ErrInvalidValue, 1, 0, 0},
				{`segment 1 (ISA): element 3: ISA03 security information qualifier "02" is not one of 00, 01`, ErrInvalidValue, 1, 0, 0},
				{`segment 1 (ISA): element 5: ISA05 interchange ID qualifier "XX" is not one of 01, 14, 20, 27, 28, 29, 30, 33, ZZ`, ErrInvalidValue, 1, 0, 0},
				{`segment 1 (ISA): element 9: ISA09 date "231340" is not a valid YYMMDD date`, ErrInvalidValue, 1, 0, 0},
				{`segment 1 (ISA): element 10: ISA10 time "2460" is not a valid HHMM time`, ErrInvalidValue, 1, 0, 0},
				{`segment 1 (ISA): element 12: ISA12 version "00401" is not 00501`, ErrVersion, 1, 0, 0},
				{`segment 1 (ISA): element 13: ISA13 control number "00000001A" is not nine digits`, ErrInvalidValue, 1, 0, 0},
				{`segment 1 (ISA): element 14: ISA14 acknowledgment requested code "2" is not one of 0, 1`, ErrInvalidValue, 1, 0, 0},
				{`segment 1 (ISA): element 15: ISA15 usage indicator "X" is not one of P, T`, ErrInvalidValue, 1, 0, 0},
				{"segment 1 (ISA): interchange 00000001A has no IEA before the end of the input", ErrMissingTrailer, 1, 0, 0},
			},
		},
		{
			"ISA widths and ISA11 in 5010",
			"ISA*00**00**ZZ*S*ZZ*R*230115*1230*U*00501*000000001*0*T*:~IEA*0*000000001~",
			[]finding{
				{"segment 1 (ISA): element 2: ISA02 is 0 characters, want 10", ErrBadISA, 1, 0, 0},
				{"segment 1 (ISA): element 4: ISA04 is 0 characters, want 10", ErrBadISA, 1, 0, 0},
				{"segment 1 (ISA): element 6: ISA06 is 1 characters, want 15", ErrBadISA, 1, 0, 0},
				{"segment 1 (ISA): element 8: ISA08 is 1 characters, want 15", ErrBadISA, 1, 0, 0},
				{`segment 1 (ISA): element 11: ISA11 repetition separator "U" is not a usable delimiter`, ErrInvalidValue, 1, 0, 0},
			},
		},
		{
			"GS and ST field values",
			isa + "GS*H*A*B*20230230*1261*12A*T*004010~ST*83*001*005010X222A1~SE*2*001~GE*1*12A~IEA*1*000000001~",
			[]finding{
				{`segment 2 (GS): element 1: GS01 functional identifier code "H" is not 2 characters`, ErrInvalidValue, 2, 0, 106},
				{`segment 2 (GS): element 2: GS02 application code "A" is not 2 to 15 characters`, ErrInvalidValue, 2, 0, 106},
				{`segment 2 (GS): element 3: GS03 application code "B" is not 2 to 15 characters`, ErrInvalidValue, 2, 0, 106},
				{`segment 2 (GS): element 4: GS04 date "20230230" is not a valid CCYYMMDD date`, ErrInvalidValue, 2, 0, 106},
				{`segment 2 (GS): element 5: GS05 time "1261" is not a valid HHMM, HHMMSS, HHMMSSD or HHMMSSDD time`, ErrInvalidValue, 2, 0, 106},
				{`segment 2 (GS): element 6: GS06 control number "12A" is not 1 to 9 digits`, ErrInvalidValue, 2, 0, 106},
				{`segment 2 (GS): element 7: GS07 responsible agency code "T" is not X`, ErrInvalidValue, 2, 0, 106},
				{`segment 2 (GS): element 8: GS08 version "004010" is not a 005010 version`, ErrVersion, 2, 0, 106},
				{`segment 3 (ST): element 1: ST01 transaction set identifier "83" is not 3 digits`, ErrInvalidValue, 3, 1, 142},
				{`segment 3 (ST): element 2: ST02 control number "001" is not 4 to 9 characters`, ErrInvalidValue, 3, 1, 142},
				{`segment 3 (ST): element 3: ST03 version "005010X222A1" does not match GS08 "004010"`, ErrVersion, 3, 1, 142},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, err := CheckEnvelopes(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("CheckEnvelopes: %v", err)
			}
			if diff := cmp.Diff(tt.want, findings(errs), cmpErrs); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckerMaxErrors(t *testing.T) {
	in := interchange() + strings.Repeat("SE*1*1~", 10)
	r := NewReader(strings.NewReader(in))
	c := Checker{MaxErrors: 3}
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		c.Check(s)
	}
	c.End()
	errs := c.Errors()
	if len(errs) != 4 || !errors.Is(errs[3], ErrTooManyErrors) || errs[3].Error() != "segment 10 (SE): more than 3 problems; the rest are not reported" {
		t.Errorf("errors = %v; want 3 and then ErrTooManyErrors at segment 10", errs)
	}
}

func TestCheckerHeaders(t *testing.T) {
	r := NewReader(strings.NewReader(interchange("BPR*I*1~")))
	var c Checker
	var sets []SetHeader
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		c.Check(s)
		if s.ID == "BPR" {
			sets = append(sets, *c.Set())
			if c.Group().FunctionalID != "HP" || c.Interchange().SenderID != "SENDER" || c.Interchange().Delims != DefaultDelimiters {
				t.Errorf("headers at BPR: %+v %+v", c.Group(), c.Interchange())
			}
		}
	}
	want := []SetHeader{{ID: "835", ControlNumber: "0001", Version: "005010X221A1", Pos: 3, Offset: 159}}
	if diff := cmp.Diff(want, sets); diff != "" {
		t.Errorf("set headers (-want +got):\n%s", diff)
	}
	if c.Set() != nil || c.Group() != nil || c.Interchange() != nil {
		t.Errorf("headers still open after IEA")
	}
}

// sampleFindings lists every envelope problem in the public samples. A
// file not listed must have none. Where pyx12 (PYX12-FINDINGS.md) reports
// the same defect it does so at the header's line (ST for SE01/SE02, ISA
// for IEA02); we report it at the trailer element that is wrong.
var sampleFindings = map[string][]string{
	"270/ims-x270.txt": {
		`segment 1 (ISA): element 12: ISA12 version "00401" is not 00501`,
		`segment 2 (GS): element 8: GS08 version "004010X092A1" is not a 005010 version`,
		// pyx12: Line:3 ST:4 - SE count of 15 for SE02=0000121 is wrong. I count 14
		`segment 16 (SE): element 1: segment count 15 does not match 14 segments counted`,
		// pyx12: Line:3 ST:3 - SE id=0000121 does not match ST id=000121
		`segment 16 (SE): element 2: control number "0000121" does not match ST02 "000121"`,
		`segment 18 (IEA): element 2: control number "000014420" does not match ISA13 "000003438"`,
	},
	"271/ims-x271.txt": {
		`segment 1 (ISA): element 12: ISA12 version "00401" is not 00501`,
		`segment 2 (GS): element 8: GS08 version "004010X092A1" is not a 005010 version`,
		`segment 3 (ST): element 3: ST03 version "005010X279A1" does not match GS08 "004010X092A1"`,
		`segment 20 (SE): element 1: segment count 22 does not match 18 segments counted`,
		`segment 22 (IEA): element 2: control number "000014420" does not match ISA13 "000003438"`,
	},
	"271/lfh-subscriber-health-benefit-check-error.271": {
		`segment 10 (SE): element 2: control number "4323" does not match ST02 "4321"`,
	},
	"837I/ims-x223-test.txt": {
		`segment 1 (ISA): element 11: ISA11 repetition separator "U" is not a usable delimiter`,
		`segment 50 (SE): element 1: segment count 25 does not match 48 segments counted`,
	},
	"837P/ims-x12_complex.txt": {
		`segment 1 (ISA): element 11: ISA11 repetition separator "U" is not a usable delimiter`,
		`segment 149 (SE): element 1: segment count 25 does not match 147 segments counted`,
		`segment 296 (SE): element 1: segment count 26 does not match 147 segments counted`,
		`segment 297 (GE): element 1: transaction set count 1 does not match 2 transaction sets counted`,
	},
	"837P/ims-x12_many_claims.txt": {
		`segment 1 (ISA): element 11: ISA11 repetition separator "U" is not a usable delimiter`,
		`segment 11488 (SE): element 1: segment count 25 does not match 11486 segments counted`,
	},
	"837P/ims-x12_multiple_transactions.txt":      repeatedFindings(312, 38),
	"837P/ims-x12_valid.txt":                      repeatedFindings(1, 38),
	"837P/ims-x12_valid_different_separators.txt": repeatedFindings(1, 38),
	"999/ims-x12_999_accepted.txt": {
		// pyx12: Line:2 ELE:9 - Data element "Time" (GS05) contains an invalid time (102497)
		`segment 2 (GS): element 5: GS05 time "102497" is not a valid HHMM, HHMMSS, HHMMSSD or HHMMSSDD time`,
		// pyx12: Line:1 ISA:001 - IEA id=000000001 does not match ISA id=000000286
		`segment 10 (IEA): element 2: control number "000000001" does not match ISA13 "000000286"`,
	},
	"invalid/ims-x12_bad_valid_code.txt":        repeatedFindings(1, 38),
	"invalid/ims-x12_missing_elements.txt":      repeatedFindings(1, 38),
	"invalid/ims-x12_segments_out_of_order.txt": repeatedFindings(1, 38),
	"invalid/ims-x12_loop_errors3_missing_loops.txt": {
		`segment 1 (ISA): element 11: ISA11 repetition separator "U" is not a usable delimiter`,
		`segment 21 (SE): element 1: segment count 25 does not match 19 segments counted`,
	},
}

// repeatedFindings is the imsweb 837P pattern: n interchanges of size
// segments each, with a 4010-style ISA11 "U" and SE01 25 where ST..SE
// holds 34 segments.
func repeatedFindings(n, size int) []string {
	var out []string
	for k := range n {
		out = append(out,
			fmt.Sprintf(`segment %d (ISA): element 11: ISA11 repetition separator "U" is not a usable delimiter`, 1+k*size),
			fmt.Sprintf(`segment %d (SE): element 1: segment count 25 does not match 34 segments counted`, 36+k*size))
	}
	return out
}

func TestCheckerSamples(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range samples(t) {
		seen[s.name] = true
		t.Run(s.name, func(t *testing.T) {
			errs, err := CheckEnvelopes(bytes.NewReader(s.data))
			if err != nil {
				t.Fatalf("CheckEnvelopes: %v", err)
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
				if at := s.data[e.Offset:]; !bytes.HasPrefix(at, []byte(e.SegmentID)) {
					t.Errorf("%v: offset %d does not point at %s", e, e.Offset, e.SegmentID)
				}
			}
			if diff := cmp.Diff(sampleFindings[s.name], got); diff != "" {
				t.Errorf("envelope findings (-want +got):\n%s", diff)
			}
		})
	}
	for name := range sampleFindings {
		if !seen[name] {
			t.Errorf("sampleFindings lists %s, which is not a sample", name)
		}
	}
}

func TestSetReader(t *testing.T) {
	isa := testISA(DefaultDelimiters, "000000001")
	gs := "GS*HP*SENDER*RECEIVER*20230115*1230*1*X*005010X221A1~"
	in := isa + gs + "ST*835*0001~BPR*I*1~SE*3*0001~" + "N1*X~" +
		"ST*835*0002*005010X221A1~CLP*A~" + // no SE
		"ST*835*0003~SE*3*0003~GE*3*1~IEA*1*000000001~"
	sr := NewSetReader(NewReader(strings.NewReader(in)))
	type set struct {
		ID, Control, Version, Group string
		Segments                    []string
		Errors                      []string
	}
	var sets []set
	var kept []*TransactionSet
	for {
		ts, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, ts)
		g := set{ID: ts.ID, Control: ts.ControlNumber, Version: ts.Version, Group: ts.Group.ControlNumber}
		for _, s := range ts.Segments {
			g.Segments = append(g.Segments, s.String())
		}
		for _, e := range ts.Errors {
			g.Errors = append(g.Errors, e.Error())
		}
		sets = append(sets, g)
	}
	want := []set{
		{"835", "0001", "005010X221A1", "1", []string{"ST*835*0001~", "BPR*I*1~", "SE*3*0001~"}, nil},
		{"835", "0002", "005010X221A1", "1", []string{"ST*835*0002*005010X221A1~", "CLP*A~"},
			[]string{"segment 7 (ST): transaction set 0002 has no SE before segment 9 (ST)"}},
		{"835", "0003", "005010X221A1", "1", []string{"ST*835*0003~", "SE*3*0003~"},
			[]string{"segment 10 (SE): element 1: segment count 3 does not match 2 segments counted"}},
	}
	if diff := cmp.Diff(want, sets); diff != "" {
		t.Errorf("sets (-want +got):\n%s", diff)
	}
	if got := kept[0].Segments[1].ElementString(2); got != "1" {
		t.Errorf("kept segment BPR02 = %q after reading on, want 1", got)
	}
	var all []string
	for _, e := range sr.Errors() {
		all = append(all, e.Error())
	}
	wantAll := []string{
		"segment 6 (N1): segment outside a transaction set (ST..SE)",
		"segment 7 (ST): transaction set 0002 has no SE before segment 9 (ST)",
		"segment 10 (SE): element 1: segment count 3 does not match 2 segments counted",
	}
	if diff := cmp.Diff(wantAll, all); diff != "" {
		t.Errorf("all errors (-want +got):\n%s", diff)
	}
}

// TestSetReaderSamples reads every sample set by set: the sets hold every
// segment from ST to SE, and their count agrees with a plain read.
func TestSetReaderSamples(t *testing.T) {
	for _, s := range samples(t) {
		segs := readAll(t, s.data)
		var wantSets, wantInSets int
		for _, g := range segs {
			if g.ID == "ST" {
				wantSets++
			}
			if g.SetPos > 0 {
				wantInSets++
			}
		}
		sr := NewSetReader(NewReader(bytes.NewReader(s.data)))
		var sets, inSets int
		for {
			ts, err := sr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			sets++
			inSets += len(ts.Segments)
			if ts.Segments[0].ID != "ST" || ts.Segments[len(ts.Segments)-1].ID != "SE" || ts.ID != ts.Segments[0].ElementString(1) {
				t.Errorf("%s: set %d runs %s..%s", s.name, sets, ts.Segments[0].ID, ts.Segments[len(ts.Segments)-1].ID)
			}
		}
		if sets != wantSets || inSets != wantInSets {
			t.Errorf("%s: %d sets with %d segments, want %d with %d", s.name, sets, inSets, wantSets, wantInSets)
		}
	}
}

// TestSetReaderFollowsChecker ends a set where the Checker does: a TA1 in
// the middle of a transaction set closes it.
func TestSetReaderFollowsChecker(t *testing.T) {
	isa := testISA(DefaultDelimiters, "000000001")
	in := isa + "ST*835*0001~BPR*I~TA1*1~N1*X~IEA*0*000000001~"
	sr := NewSetReader(NewReader(strings.NewReader(in)))
	ts, err := sr.Next()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range ts.Segments {
		ids = append(ids, s.ID)
	}
	if diff := cmp.Diff([]string{"ST", "BPR"}, ids); diff != "" {
		t.Errorf("segments (-want +got):\n%s", diff)
	}
	if _, err := sr.Next(); err != io.EOF {
		t.Errorf("second Next = %v, want io.EOF", err)
	}
}
