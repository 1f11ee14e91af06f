package elig

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txntest"
)

var samples270 = []string{
	"ims-x270.txt",
	"lfh-dependent-health-benefit-check.270",
	"lfh-subscriber-health-benefit-check.270",
}

var samples271 = []string{
	"ims-x271.txt",
	"lfh-dependent-health-benefit-check.271",
	"lfh-subscriber-health-benefit-check-error.271",
	"lfh-subscriber-health-benefit-check.271",
}

// numeric lists the elements Write puts in canonical number form, so the
// segment by segment comparison compares them by value.
var numeric = map[string][]int{"EB": {7, 8, 10}, "AMT": {2}}

// Normalisations of Write, which the segment by segment comparison allows:
//
//	what                                   why
//	trailing empty elements, components    dropped, as X12 requires ("EB*1**30**GOLD 123 PLAN********")
//	EB07, EB08, EB10, AMT02                canonical numbers ("10.00" is "10"): the value is kept, not the spelling
//	delimiters                             the interchange's own; elements are compared, not bytes
//	ISA, GS, IEA, GE                       not compared: written from the Envelope, ISA11 "U" becomes "^"
//	SE                                     counted afresh with ST02 (one sample's SE02 differs from its ST02)
//	HL01, HL02, HL04                       numbered from the hierarchy written (the samples number the same way)
//	BHT05                                  the shortest of HHMM, HHMMSS, HHMMSSDD that holds the time
var _ = 0

func read271(t *testing.T, data []byte) []*Response {
	t.Helper()
	ts, err := Read271(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Read271: %v", err)
	}
	return ts
}

func read270(t *testing.T, data []byte) []*Inquiry {
	t.Helper()
	ts, err := Read270(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Read270: %v", err)
	}
	return ts
}

func write271(t *testing.T, ts []*Response) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write271(&b, ts...); err != nil {
		t.Fatalf("Write271: %v", err)
	}
	return b.Bytes()
}

func write270(t *testing.T, ts []*Inquiry) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write270(&b, ts...); err != nil {
		t.Fatalf("Write270: %v", err)
	}
	return b.Bytes()
}

func TestSamples271(t *testing.T) {
	for _, name := range samples271 {
		t.Run(name, func(t *testing.T) {
			data := txntest.RawSample(t, "271", name)
			ts := read271(t, data)
			want := txntest.CheckGolden(t, name, ts)
			var back []*Response
			if err := json.Unmarshal(want, &back); err != nil {
				t.Fatalf("unmarshal golden: %v", err)
			}
			if diff := cmp.Diff(ts, back); diff != "" {
				t.Errorf("golden JSON does not read back (-parsed +json):\n%s", diff)
			}
			out := write271(t, ts)
			txntest.CompareSegments(t, name, txntest.SetSegments(t, data, numeric), txntest.SetSegments(t, out, numeric))
			again := read271(t, out)
			if diff := cmp.Diff(ts, again); diff != "" {
				t.Errorf("parse(write(parse(f))) differs (-first +second):\n%s", diff)
			}
			// The written file has the sample's own findings and no other,
			// but for SE01 and SE02, which are written afresh (one sample
			// counts 22 segments of 18, another's SE02 4323 is not its
			// ST02 4321).
			wantF := slices.DeleteFunc(txntest.Findings(t, data), func(f string) bool {
				return strings.Contains(f, "segment count") || strings.Contains(f, `"4323"`) || strings.Contains(f, " 4323")
			})
			if diff := cmp.Diff(wantF, txntest.Findings(t, out), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings differ (-sample +written):\n%s", diff)
			}
		})
	}
}

// refused are public samples that Read rightly refuses, with the error.
var refused = map[string]string{
	// A 4010 (004010X092A1) 270 without ST03: there is no 5010 table to
	// read it by.
	"ims-x270.txt": `elig: segment 3 (ST): element 3: version "": no implementation guide table; want 005010X279A1`,
}

func TestSamples270(t *testing.T) {
	for _, name := range samples270 {
		t.Run(name, func(t *testing.T) {
			data := txntest.RawSample(t, "270", name)
			if want, ok := refused[name]; ok {
				_, err := Read270(bytes.NewReader(data))
				if err == nil || err.Error() != want {
					t.Errorf("Read270 error = %v, want %s", err, want)
				}
				return
			}
			ts := read270(t, data)
			txntest.CheckGolden(t, name, ts)
			out := write270(t, ts)
			txntest.CompareSegments(t, name, txntest.SetSegments(t, data, numeric), txntest.SetSegments(t, out, numeric))
			if diff := cmp.Diff(txntest.Findings(t, data), txntest.Findings(t, out)); diff != "" {
				t.Errorf("findings differ (-sample +written):\n%s", diff)
			}
			if diff := cmp.Diff(ts, read270(t, out)); diff != "" {
				t.Errorf("parse(write(parse(f))) differs (-first +second):\n%s", diff)
			}
		})
	}
}

func day8(s string) time.Time {
	t, err := x12.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func i64(v int64) *int64 { return &v }

// synthetic271 is a made-up 271 that sets every field of the model.
func synthetic271() *Response {
	pcp := Party{
		Name:      Name{Entity: "P3", Type: "1", Last: "WELLER", First: "ANNA", Middle: "Q", Suffix: "JR", IDQualifier: "XX", ID: "1999999984", Relationship: "72"},
		Address:   Address{Line1: "1 CLINIC WAY", Line2: "SUITE 2", City: "SPRINGFIELD", State: "IL", PostalCode: "627010001"},
		Contacts:  []Contact{{Function: "IC", Name: "FRONT DESK", Numbers: []Communication{{Qualifier: "TE", Number: "2175550100"}, {Qualifier: "FX", Number: "2175550101"}}}},
		Specialty: &Specialty{Code: "PE", IDQualifier: "PXC", ID: "207Q00000X"},
	}
	return &Response{
		Header: Header{
			Envelope: txntest.Envelope("HB", Version), Version: Version, Purpose: "11", Ref: "REQ0001",
			Created: day8("20261127").Add(9*time.Hour + 30*time.Minute + 15*time.Second),
		},
		Sources: []Source{{
			Party: Party{
				Name:     Name{Entity: "PR", Type: "2", Last: "ACME HEALTH PLAN", IDQualifier: "PI", ID: "99999"},
				Contacts: []Contact{{Function: "IC", Name: "PROVIDER SERVICES", Numbers: []Communication{{Qualifier: "UR", Number: "WWW.EXAMPLE.COM"}}}},
			},
			Receivers: []Receiver{{
				Party: Party{
					Name:      Name{Entity: "1P", Type: "2", Last: "EXAMPLE CLINIC", IDQualifier: "XX", ID: "1234567893"},
					Refs:      []Ref{{Qualifier: "TJ", Value: "123456789"}},
					Address:   Address{Line1: "10 MAIN ST", City: "SPRINGFIELD", State: "IL", PostalCode: "62701", Country: "US", Subdivision: "SC"},
					Specialty: &Specialty{Code: "PE", IDQualifier: "PXC", ID: "207Q00000X"},
				},
				Subscribers: []Member{{
					Traces: []Trace{{Type: "2", Number: "TRACE-1", Originator: "9877281234"}, {Type: "1", Number: "PAYER-TR", Originator: "9999999999", Supplemental: "DEPT7"}},
					Party: Party{
						Name:    Name{Entity: "IL", Type: "1", Last: "DOE", First: "JOHN", Middle: "X", IDQualifier: "MI", ID: "W000000001"},
						Refs:    []Ref{{Qualifier: "18", Value: "PLAN42", Description: "GOLD PLAN"}, {Qualifier: "6P", Value: "GRP1"}},
						Address: Address{Line1: "5 ELM ST", City: "SPRINGFIELD", State: "IL", PostalCode: "62702"},
					},
					BirthDate: day8("19700101"), Sex: "M",
					Insured: &Insured{Subscriber: "Y", Relationship: "18", MaintenanceType: "001", MaintenanceReason: "25", BirthSequence: "1"},
					Dates:   []Date{{Qualifier: "346", Format: "D8", From: day8("20260101")}, {Qualifier: "291", Format: "RD8", From: day8("20260101"), To: day8("20261231")}},
					Benefits: []Benefit{
						{Info: "1", CoverageLevel: "FAM", ServiceTypes: []string{"30", "1", "33"}, InsuranceType: "PR", PlanDescription: "GOLD PPO",
							Dates: []Date{{Qualifier: "356", Format: "D8", From: day8("20260101")}}, Messages: []string{"COVERAGE ACTIVE", "CALL FOR DETAILS"},
							Related: []Party{pcp}},
						{Info: "C", CoverageLevel: "IND", ServiceTypes: []string{"30"}, Period: "23", Amount: i64(150000), InPlanNetwork: "Y"},
						{Info: "C", CoverageLevel: "IND", ServiceTypes: []string{"30"}, Period: "29", Amount: i64(45050), InPlanNetwork: "Y"},
						{Info: "C", CoverageLevel: "IND", ServiceTypes: []string{"30"}, Period: "23", Amount: i64(300000), InPlanNetwork: "N"},
						{Info: "G", CoverageLevel: "IND", Period: "23", Amount: i64(500000), InPlanNetwork: "W"},
						{Info: "G", CoverageLevel: "IND", Period: "29", Amount: i64(420000), InPlanNetwork: "W"},
						{Info: "B", CoverageLevel: "IND", ServiceTypes: []string{"98"}, Period: "27", Amount: i64(2500), InPlanNetwork: "Y"},
						{Info: "A", CoverageLevel: "IND", ServiceTypes: []string{"98"}, Rate: i64(2000), InPlanNetwork: "N"},
						{Info: "F", ServiceTypes: []string{"33"}, Period: "22", QuantityQualifier: "VS", Quantity: i64(125000), Authorization: "Y", InPlanNetwork: "U",
							Procedure: &Procedure{Qualifier: "HC", Code: "98940", Modifiers: []string{"GP", "59"}}, DiagnosisPointers: []string{"1", "2"},
							Refs: []Ref{{Qualifier: "G1", Value: "AUTH77"}}, Other: []Segment{"HSD*VS*12***22"}},
						{Info: "I", ServiceTypes: []string{"AL"}, Rejects: []Reject{{Valid: "Y", Reason: "62", FollowUp: "C"}}},
					},
					Dependents: []Member{{
						Traces:    []Trace{{Type: "2", Number: "TRACE-2", Originator: "9877281234"}},
						Party:     Party{Name: Name{Entity: "03", Type: "1", Last: "DOE", First: "JANE"}, Rejects: []Reject{{Valid: "N", Reason: "67", FollowUp: "C"}}},
						BirthDate: day8("20100202"), Sex: "F",
						Insured:  &Insured{Subscriber: "N", Relationship: "19"},
						Benefits: []Benefit{{Info: "6", Dates: []Date{{Qualifier: "357", Format: "D8", From: day8("20251231")}}}},
					}},
				}},
			}},
		}},
	}
}

// rejected271 is a made-up 271 with rejections at the levels that carry
// them: 2000A, 2100A, 2100B and 2100C.
func rejected271() *Response {
	r := &Response{Header: Header{Envelope: txntest.Envelope("HB", Version), Version: Version, Purpose: "11", Ref: "REQ0002", Created: day8("20261127")}}
	r.Envelope.Control = "0002"
	r.Sources = []Source{
		{Rejects: []Reject{{Valid: "Y", Reason: "42", FollowUp: "R"}}, Party: Party{Name: Name{Entity: "PR", Type: "2", Last: "ACME HEALTH PLAN", IDQualifier: "PI", ID: "99999"}}},
		{Party: Party{Name: Name{Entity: "PR", Type: "2", Last: "ACME HEALTH PLAN", IDQualifier: "PI", ID: "99999"}, Rejects: []Reject{{Valid: "N", Reason: "79", FollowUp: "C"}}}},
		{
			Party: Party{Name: Name{Entity: "PR", Type: "2", Last: "ACME HEALTH PLAN", IDQualifier: "PI", ID: "99999"}},
			Receivers: []Receiver{
				{Party: Party{Name: Name{Entity: "1P", Type: "2", Last: "EXAMPLE CLINIC", IDQualifier: "XX", ID: "1234567893"}, Rejects: []Reject{{Valid: "N", Reason: "51", FollowUp: "N"}}}},
				{
					Party: Party{Name: Name{Entity: "1P", Type: "2", Last: "EXAMPLE CLINIC", IDQualifier: "XX", ID: "1234567893"}},
					Subscribers: []Member{{
						Traces: []Trace{{Type: "2", Number: "TRACE-3", Originator: "9877281234"}},
						Party: Party{Name: Name{Entity: "IL", Type: "1", Last: "ROE", First: "RICHARD", IDQualifier: "MI", ID: "W000000009"},
							Rejects: []Reject{{Valid: "Y", Reason: "72", FollowUp: "C"}, {Valid: "Y", Reason: "58", FollowUp: "C"}}},
					}},
				},
			},
		},
	}
	return r
}

// synthetic270 is a made-up 270 that sets every field of the model.
func synthetic270() *Inquiry {
	return &Inquiry{
		Header: Header{Envelope: txntest.Envelope("HS", Version), Version: Version, Purpose: "13", Ref: "REQ0001",
			Created: day8("20261127").Add(9 * time.Hour), Type: "RT"},
		Sources: []Source{{
			Party: Party{Name: Name{Entity: "PR", Type: "2", Last: "ACME HEALTH PLAN", IDQualifier: "PI", ID: "99999"}},
			Receivers: []Receiver{{
				Party: Party{
					Name:      Name{Entity: "1P", Type: "2", Last: "EXAMPLE CLINIC", IDQualifier: "XX", ID: "1234567893"},
					Refs:      []Ref{{Qualifier: "TJ", Value: "123456789"}},
					Address:   Address{Line1: "10 MAIN ST", City: "SPRINGFIELD", State: "IL", PostalCode: "62701"},
					Specialty: &Specialty{Code: "PE", IDQualifier: "PXC", ID: "207Q00000X"},
				},
				Subscribers: []Member{{
					Traces: []Trace{{Type: "1", Number: "TRACE-1", Originator: "9877281234", Supplemental: "FRONTDESK"}},
					Party: Party{
						Name:    Name{Entity: "IL", Type: "1", Last: "DOE", First: "JOHN", Middle: "X", Suffix: "SR", IDQualifier: "MI", ID: "W000000001"},
						Refs:    []Ref{{Qualifier: "6P", Value: "GRP1"}},
						Address: Address{Line1: "5 ELM ST", Line2: "APT 3", City: "SPRINGFIELD", State: "IL", PostalCode: "62702"},
					},
					BirthDate: day8("19700101"), Sex: "M",
					Insured:   &Insured{Subscriber: "Y", Relationship: "18", BirthSequence: "1"},
					Diagnoses: []Code{{Qualifier: "ABK", Code: "J449"}, {Qualifier: "ABF", Code: "E119"}},
					Dates:     []Date{{Qualifier: "291", Format: "D8", From: day8("20261127")}},
					Inquiries: []ServiceInquiry{
						{ServiceTypes: []string{"30", "98", "33"}},
						{Procedure: &Procedure{Qualifier: "HC", Code: "99213", Modifiers: []string{"25"}}, CoverageLevel: "FAM", DiagnosisPointers: []string{"1", "2"},
							Amounts: []Amount{{"R", 12550}}, Refs: []Ref{{Qualifier: "9F", Value: "REF123"}},
							Dates: []Date{{Qualifier: "291", Format: "RD8", From: day8("20261101"), To: day8("20261130")}}},
					},
					Dependents: []Member{{
						Traces:    []Trace{{Type: "1", Number: "TRACE-2", Originator: "9877281234"}},
						Party:     Party{Name: Name{Entity: "03", Type: "1", Last: "DOE", First: "JANE"}},
						BirthDate: day8("20100202"), Sex: "F",
						Insured:   &Insured{Subscriber: "N", Relationship: "19"},
						Inquiries: []ServiceInquiry{{ServiceTypes: []string{"30"}, Refs: []Ref{{Qualifier: "G1", Value: "PA1"}}, Dates: []Date{{Qualifier: "291", Format: "D8", From: day8("20261127")}}}},
					}},
				}},
			}},
		}},
	}
}

func TestSynthetic271(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    *Response
	}{{"full", synthetic271()}, {"rejected", rejected271()}} {
		t.Run(tc.name, func(t *testing.T) {
			out := write271(t, []*Response{tc.r})
			txntest.NoFindings(t, tc.name, out)
			got := read271(t, out)
			if len(got) != 1 {
				t.Fatalf("read %d sets, want 1", len(got))
			}
			if diff := cmp.Diff(tc.r, got[0]); diff != "" {
				t.Errorf("model → write → parse differs (-model +parsed):\n%s", diff)
			}
		})
	}
}

func TestSynthetic270(t *testing.T) {
	q := synthetic270()
	out := write270(t, []*Inquiry{q})
	txntest.NoFindings(t, "270", out)
	got := read270(t, out)
	if len(got) != 1 {
		t.Fatalf("read %d sets, want 1", len(got))
	}
	if diff := cmp.Diff(q, got[0]); diff != "" {
		t.Errorf("model → write → parse differs (-model +parsed):\n%s", diff)
	}
}

// TestWrite271Text pins the writer's output for a small response.
func TestWrite271Text(t *testing.T) {
	r := rejected271()
	r.Sources = r.Sources[2:]
	var b bytes.Buffer
	xw := x12.NewWriter(&b, x12.DefaultDelimiters)
	xw.Newline = true
	env := r.Envelope
	if err := xw.BeginInterchange(env.Interchange); err != nil {
		t.Fatal(err)
	}
	if err := xw.BeginGroup(env.Group); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteSet(xw, "0042"); err != nil {
		t.Fatal(err)
	}
	if err := xw.EndGroup(); err != nil {
		t.Fatal(err)
	}
	if err := xw.EndInterchange(); err != nil {
		t.Fatal(err)
	}
	if err := xw.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	want := `ST*271*0042*005010X279A1~
BHT*0022*11*REQ0002*20261127*0000~
HL*1**20*1~
NM1*PR*2*ACME HEALTH PLAN*****PI*99999~
HL*2*1*21*0~
NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893~
AAA*N**51*N~
HL*3*1*21*1~
NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893~
HL*4*3*22*0~
TRN*2*TRACE-3*9877281234~
NM1*IL*1*ROE*RICHARD****MI*W000000009~
AAA*Y**72*C~
AAA*Y**58*C~
SE*15*0042~`
	if got := strings.Join(lines[2:len(lines)-3], "\n"); got != want {
		t.Errorf("written:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	base := string(txntest.RawSample(t, "271", "lfh-dependent-health-benefit-check.271"))
	for _, tc := range []struct {
		name, old, new, err string
	}{
		{"amount finer than a cent", "*27*10.00*", "*27*10.001*",
			`elig: segment 28 (EB): element 7: number "10.001": invalid value: more than 2 decimal places`},
		{"amount not a number", "*27*30.00*", "*27*3O.00*",
			`elig: segment 29 (EB): element 7: number "3O.00": invalid value: unexpected 'O'`},
		{"date that does not exist", "DTP*346*D8*20060101", "DTP*346*D8*20060231",
			`elig: segment 21 (DTP): element 3: date "20060231": invalid value: no such day`},
		{"unknown date format", "DTP*346*D8*20060101", "DTP*346*XX*20060101",
			`elig: segment 21 (DTP): element 2: date format "XX": want D8, RD8 or DT`},
		{"bad birth date", "DMG*D8*19981014*F", "DMG*D8*1998101*F",
			`elig: segment 19 (DMG): element 2: date "1998101": invalid value: want CCYYMMDD`},
		{"bad creation time", "*20060501*1319~", "*20060501*1399~",
			`elig: segment 4 (BHT): element 5: time "1399": invalid value: minute out of range`},
		{"wrong HL level", "HL*2*1*21*1", "HL*2*1*99*1",
			`elig: segment 7 (HL): element 3: hierarchical level "99": want 21 in loop 2000B`},
		{"wrong LS", "LS*2120", "LS*2121",
			`elig: segment 24 (LS): element 1: loop identifier "2121": want 2120`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("%q not in sample", tc.old)
			}
			_, err := Read271(strings.NewReader(strings.Replace(base, tc.old, tc.new, 1)))
			if err == nil || err.Error() != tc.err {
				t.Errorf("Read271 error = %v\nwant %s", err, tc.err)
			}
			var pe *x12.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, x12.ErrInvalidValue) {
				t.Errorf("error %v is not a *x12.ParseError wrapping ErrInvalidValue", err)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(r *Response)
		err  string
	}{
		{"delimiter in a value", func(r *Response) { r.Sources[0].Name.Last = "ACME*PLAN" },
			`elig: NM103-1: value "ACME*PLAN": value contains a delimiter '*' at byte 4`},
		{"inquiry in a 271", func(r *Response) {
			r.Sources[0].Receivers[0].Subscribers[0].Inquiries = []ServiceInquiry{{ServiceTypes: []string{"30"}}}
		}, `elig: member DOE: a 271 carries no inquiries (EQ): not allowed by the implementation guide`},
		{"dependent of a dependent", func(r *Response) {
			d := &r.Sources[0].Receivers[0].Subscribers[0].Dependents[0]
			d.Dependents = []Member{{Party: Party{Name: Name{Entity: "03"}}}}
		}, `elig: dependent DOE: a dependent has no dependents: not allowed by the implementation guide`},
		{"benefit without EB01", func(r *Response) { r.Sources[0].Receivers[0].Subscribers[0].Benefits[0].Info = "" },
			`elig: benefit: EB01 is required: not allowed by the implementation guide`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := synthetic271()
			tc.edit(r)
			err := Write271(&bytes.Buffer{}, r)
			if err == nil || err.Error() != tc.err {
				t.Errorf("Write271 error = %v\nwant %s", err, tc.err)
			}
		})
	}
}

func TestBenefitHelpers(t *testing.T) {
	m := &synthetic271().Sources[0].Receivers[0].Subscribers[0]
	in := Query{ServiceType: "30", CoverageLevel: "IND", Network: InNetwork}
	out := Query{ServiceType: "30", CoverageLevel: "IND", Network: OutOfNetwork}
	office := Query{ServiceType: "98", Network: InNetwork}
	for _, tc := range []struct {
		name   string
		got    func() (int64, bool)
		want   int64
		wantOK bool
	}{
		{"deductible in network", func() (int64, bool) { return m.Deductible(in) }, 150000, true},
		{"deductible out of network", func() (int64, bool) { return m.Deductible(out) }, 300000, true},
		{"deductible remaining in network", func() (int64, bool) { return m.DeductibleRemaining(in) }, 45050, true},
		{"deductible remaining out of network", func() (int64, bool) { return m.DeductibleRemaining(out) }, 0, false},
		{"out of pocket (W applies to both)", func() (int64, bool) { return m.OutOfPocket(out) }, 500000, true},
		{"out of pocket remaining", func() (int64, bool) { return m.OutOfPocketRemaining(in) }, 420000, true},
		{"copay office visit", func() (int64, bool) { return m.Copay(office) }, 2500, true},
		{"copay family", func() (int64, bool) { return m.Copay(Query{CoverageLevel: "FAM"}) }, 0, false},
		{"coinsurance out of network", func() (int64, bool) {
			return m.Coinsurance(Query{ServiceType: "98", Network: OutOfNetwork})
		}, 2000, true},
		{"coinsurance in network", func() (int64, bool) { return m.Coinsurance(office) }, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.got()
			if got != tc.want || ok != tc.wantOK {
				t.Errorf("got %d, %v; want %d, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
	dep := &m.Dependents[0]
	for _, tc := range []struct {
		name string
		m    *Member
		day  string
		want bool
	}{
		{"subscriber in plan year", m, "20260615", true},
		{"subscriber before eligibility begins", m, "20251231", false},
		{"subscriber after plan ends", m, "20270101", false},
		{"dependent rejected", dep, "20260615", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.m.ActiveOn(day8(tc.day)); got != tc.want {
				t.Errorf("ActiveOn(%s) = %v, want %v", tc.day, got, tc.want)
			}
		})
	}
	inactive := Member{Benefits: []Benefit{
		{Info: "1", Dates: []Date{{Qualifier: "291", Format: "RD8", From: day8("20250101"), To: day8("20251231")}}},
		{Info: "6", Dates: []Date{{Qualifier: "291", Format: "RD8", From: day8("20260101"), To: day8("20261231")}}},
	}}
	if !inactive.ActiveOn(day8("20250301")) || inactive.ActiveOn(day8("20260301")) {
		t.Errorf("ActiveOn: active 2025 and inactive 2026 not told apart")
	}
	if got := m.Benefits[1].Network(); got != InNetwork {
		t.Errorf("Network of EB12 Y = %v, want InNetwork", got)
	}
	if got := len(dep.Rejected()); got != 1 {
		t.Errorf("dependent Rejected() = %d rejections, want 1", got)
	}
}

func FuzzParse271(f *testing.F) {
	for _, name := range samples271 {
		f.Add(txntest.RawSample(f, "271", name))
	}
	var b bytes.Buffer
	if err := Write271(&b, synthetic271(), rejected271()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		txntest.RoundTrip(t, data, "HB", Version, Read271, (*Response).WriteSet, func(x *Response) *Envelope { return &x.Envelope })
	})
}

func FuzzParse270(f *testing.F) {
	for _, name := range samples270 {
		f.Add(txntest.RawSample(f, "270", name))
	}
	var b bytes.Buffer
	if err := Write270(&b, synthetic270()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		txntest.RoundTrip(t, data, "HS", Version, Read270, (*Inquiry).WriteSet, func(x *Inquiry) *Envelope { return &x.Envelope })
	})
}

func TestReply(t *testing.T) {
	q := synthetic270()
	r := q.Reply(day8("20261127").Add(9*time.Hour + 1*time.Minute))
	r.Envelope = txntest.Envelope("HB", Version)
	sub := &r.Sources[0].Receivers[0].Subscribers[0]
	sub.Benefits = []Benefit{{Info: ActiveCoverage, CoverageLevel: "IND", ServiceTypes: []string{"30"}}}
	dep := &sub.Dependents[0]
	dep.Rejects = []Reject{{Valid: "Y", Reason: "67", FollowUp: "C"}}
	out := write271(t, []*Response{r})
	txntest.NoFindings(t, "reply", out)
	got := read271(t, out)[0]
	if got.Purpose != "11" || got.Ref != q.Ref {
		t.Errorf("BHT02, BHT03 = %q, %q; want 11, %q", got.Purpose, got.Ref, q.Ref)
	}
	gs := &got.Sources[0].Receivers[0].Subscribers[0]
	want := []Trace{{Type: "2", Number: "TRACE-1", Originator: "9877281234", Supplemental: "FRONTDESK"}}
	if diff := cmp.Diff(want, gs.Traces); diff != "" {
		t.Errorf("subscriber traces (-want +got):\n%s", diff)
	}
	if gs.Name != q.Sources[0].Receivers[0].Subscribers[0].Name || !gs.BirthDate.Equal(day8("19700101")) {
		t.Errorf("subscriber = %+v, %v; want the inquiry's name and birth date", gs.Name, gs.BirthDate)
	}
	if !gs.ActiveOn(day8("20261127")) || gs.Dependents[0].ActiveOn(day8("20261127")) {
		t.Errorf("ActiveOn: subscriber active and rejected dependent not told apart")
	}
}

// TestKeptSegments writes segments the model does not type, in every
// place that keeps them, and reads them back where they were.
func TestKeptSegments(t *testing.T) {
	r := synthetic271()
	r.Other = []Segment{"ZZZ*ROOT"}
	src := &r.Sources[0]
	src.LevelOther = []Segment{"ZZZ*SOURCE"}
	src.Other = []Segment{"ZZZ*SOURCE NAME"}
	rcv := &src.Receivers[0]
	rcv.LevelOther = []Segment{"ZZZ*RECEIVER"}
	sub := &rcv.Subscribers[0]
	sub.LevelOther = []Segment{"ZZZ*SUBSCRIBER"}
	sub.Name.Prefix = "MR" // NM106, which no 270/271 position uses
	sub.Other = []Segment{"MPI*A*AO*A1"}
	sub.Benefits[1].Other = []Segment{"HSD*VS*1"}
	out := write271(t, []*Response{r})
	if diff := cmp.Diff(r, read271(t, out)[0]); diff != "" {
		t.Errorf("model → write → parse differs (-model +parsed):\n%s", diff)
	}
}
