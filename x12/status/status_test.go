package status

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txntest"
)

var samples = []struct{ dir, name string }{
	{"276", "lfh-claim-level-status-ncpdp.276"},
	{"276", "lfh-claim-level-status.276"},
	{"276", "lfh-information-receiver-level-status.276"},
	{"276", "lfh-provider-level-status.276"},
	{"277", "lfh-claim-level-status-ncpdp.277"},
	{"277", "lfh-claim-level-status.277"},
	{"277", "lfh-information-receiver-level-status.277"},
	{"277", "lfh-provider-level-status.277"},
	{"277CA", "ims-x12_277CA_accepted.txt"},
	{"277CA", "ims-x12_277CA_rejected.txt"},
}

// numeric lists the elements Write puts in canonical number form, so the
// segment by segment comparison compares them by value.
var numeric = map[string][]int{"STC": {4, 5}, "AMT": {2}, "QTY": {2}, "SVC": {2, 3, 7}}

// Normalisations of Write, which the segment by segment comparison allows:
//
//	what                                   why
//	trailing empty elements, components    dropped, as X12 requires
//	STC04, STC05, AMT02, QTY02, SVC02,     canonical numbers ("125.0" is "125", "1.00" is "1"): the
//	SVC03, SVC07                           value is kept, not the spelling
//	delimiters                             the interchange's own; elements are compared, not bytes
//	ISA, GS, GE, IEA                       not compared: written from the Envelope
//	SE                                     counted afresh with ST02
//	HL01, HL02, HL04                       numbered from the hierarchy written (the samples number the same way)
//	BHT05                                  the shortest of HHMM, HHMMSS, HHMMSSDD that holds the time
var _ = 0

func read(t *testing.T, data []byte) []*Transaction {
	t.Helper()
	ts, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return ts
}

func write(t *testing.T, ts ...*Transaction) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, ts...); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

func TestSamples(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			data := txntest.RawSample(t, s.dir, s.name)
			ts := read(t, data)
			want := txntest.CheckGolden(t, s.name, ts)
			var back []*Transaction
			if err := json.Unmarshal(want, &back); err != nil {
				t.Fatalf("unmarshal golden: %v", err)
			}
			if diff := cmp.Diff(ts, back); diff != "" {
				t.Errorf("golden JSON does not read back (-parsed +json):\n%s", diff)
			}
			out := write(t, ts...)
			txntest.CompareSegments(t, s.name, txntest.SetSegments(t, data, numeric), txntest.SetSegments(t, out, numeric))
			if diff := cmp.Diff(ts, read(t, out)); diff != "" {
				t.Errorf("parse(write(parse(f))) differs (-first +second):\n%s", diff)
			}
		})
	}
}

// TestSampleFindings validates what Write produces from the samples with
// our own engine: it must have the findings of the sample itself (the
// writer writes the model as read, and ims-x12_277CA_accepted.txt sends
// DTP*472*D8*10010101, a date the validator refuses) and no other.
func TestSampleFindings(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			data := txntest.RawSample(t, s.dir, s.name)
			want, got := txntest.Findings(t, data), txntest.Findings(t, write(t, read(t, data)...))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings differ (-sample +written):\n%s", diff)
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

func payer() Party {
	return Party{Name: Name{Entity: "PR", Type: "2", Last: "ACME HEALTH PLAN", IDQualifier: "PI", ID: "99999"}}
}

func submitter() Party {
	return Party{Name: Name{Entity: "41", Type: "2", Last: "EXAMPLE BILLING", IDQualifier: "46", ID: "SUBMIT01"}}
}

func clinic() Party {
	return Party{Name: Name{Entity: "1P", Type: "2", Last: "EXAMPLE CLINIC", IDQualifier: "XX", ID: "1234567893"}}
}

// synthetic276 is a made-up 276 that sets every field a 276 carries.
func synthetic276() *Transaction {
	return &Transaction{
		Envelope: txntest.Envelope("HR", VersionStatus), Kind: Request, Version: VersionStatus, Purpose: "13", Ref: "REQ276",
		Created: day8("20261127").Add(10*time.Hour + 5*time.Minute),
		Sources: []Source{{
			Party: payer(),
			Receivers: []Receiver{{
				Party: submitter(),
				Providers: []Provider{{
					Names: []Party{clinic()},
					Members: []Member{{
						BirthDate: day8("19700101"), Sex: "M",
						Party: Party{Name: Name{Entity: "IL", Type: "1", Last: "DOE", First: "JOHN", Middle: "Q", Suffix: "JR", IDQualifier: "MI", ID: "W000000001"}},
						Claims: []Claim{{
							Trace:  Trace{Type: "1", Number: "CLAIM-TRACE-1"},
							Refs:   []Ref{{Qualifier: "1K", Value: "PAYERCLAIM1"}, {Qualifier: "BLT", Value: "131"}, {Qualifier: "EJ", Value: "ACCT-1"}},
							Charge: i64(1234567),
							Dates:  []Date{{Qualifier: "472", Format: "RD8", From: day8("20261101"), To: day8("20261105")}},
							Lines: []Line{{
								Procedure: Procedure{Qualifier: "HC", Code: "99213", Modifiers: []string{"25", "59"}},
								Charge:    15000, RevenueCode: "0450", Units: i64(15000),
								Refs:  []Ref{{Qualifier: "FJ", Value: "LINE-1"}},
								Dates: []Date{{Qualifier: "472", Format: "D8", From: day8("20261101")}},
							}},
						}},
						Dependents: []Member{{
							BirthDate: day8("20100202"), Sex: "F",
							Party: Party{Name: Name{Entity: "QC", Type: "1", Last: "DOE", First: "JANE"}},
							Claims: []Claim{{
								Trace: Trace{Type: "1", Number: "CLAIM-TRACE-2"},
								Refs:  []Ref{{Qualifier: "EJ", Value: "ACCT-2"}},
								Dates: []Date{{Qualifier: "472", Format: "D8", From: day8("20261102")}},
							}},
						}},
					}},
				}},
			}},
		}},
	}
}

// synthetic277 is a made-up 277 that sets every field a 277 carries.
func synthetic277() *Transaction {
	t := synthetic276()
	t.Envelope = txntest.Envelope("HN", VersionStatus)
	t.Kind, t.Purpose, t.Type = Response, "08", "DG"
	src := &t.Sources[0]
	src.Contacts = []Contact{{Function: "IC", Name: "CLAIM STATUS", Numbers: []Communication{{Qualifier: "TE", Number: "8005550199"}, {Qualifier: "EX", Number: "12"}}}}
	rcv := &src.Receivers[0]
	rcv.Report = &Report{Trace: Trace{Type: "2", Number: "REQ276"}, Statuses: []Status{{Codes: []StatusCode{{Category: "A1", Code: "19", Entity: "PR"}}, Effective: day8("20261127")}}}
	pr := &rcv.Providers[0]
	pr.Report = &Report{Trace: Trace{Type: "1", Number: "PROV-1"}, Statuses: []Status{{Codes: []StatusCode{{Category: "A1", Code: "19", Entity: "1P"}}, Effective: day8("20261127")}}}
	sub := &pr.Members[0]
	sub.BirthDate, sub.Sex = time.Time{}, ""
	c := &sub.Claims[0]
	c.Trace.Type = "2"
	c.Charge = nil
	c.Refs = []Ref{{Qualifier: "1K", Value: "PAYERCLAIM1"}, {Qualifier: "BLT", Value: "131"}, {Qualifier: "EJ", Value: "ACCT-1"}, {Qualifier: "D9", Value: "CH-TRACE"}}
	c.Statuses = []Status{
		{Codes: []StatusCode{{Category: "F1", Code: "65"}, {Category: "F1", Code: "88", Entity: "QC"}, {Category: "F2", Code: "80", Entity: "", CodeList: "RX"}},
			Effective: day8("20261120"), Charge: i64(1234567), Paid: i64(987654), Adjudicated: day8("20261118"),
			Issued: day8("20261121"), CheckNumber: "CHK0001"},
		{Codes: []StatusCode{{Category: "P3", Code: "317"}}, Effective: day8("20261110")},
	}
	ln := &c.Lines[0]
	ln.Paid = i64(12000)
	ln.Statuses = []Status{{Codes: []StatusCode{{Category: "F1", Code: "65"}}, Effective: day8("20261120")}}
	dep := &sub.Dependents[0]
	dep.BirthDate, dep.Sex = time.Time{}, ""
	dc := &dep.Claims[0]
	dc.Trace.Type = "2"
	dc.Statuses = []Status{{Codes: []StatusCode{{Category: "A4", Code: "35"}}, Effective: day8("20261127"), Charge: i64(0)}}
	return t
}

// synthetic277CA is a made-up claim acknowledgment: one claim accepted and
// one rejected, with totals at batch and provider level.
func synthetic277CA() *Transaction {
	acc := Status{Codes: []StatusCode{{Category: "A2", Code: "20"}}, Effective: day8("20261127"), Action: "WQ", Charge: i64(15000)}
	return &Transaction{
		Envelope: txntest.Envelope("HN", VersionAck), Kind: Ack, Version: VersionAck, Purpose: "08", Ref: "BATCH0001",
		Created: day8("20261127").Add(11 * time.Hour), Type: "TH",
		Sources: []Source{{
			Party: payer(),
			Report: &Report{Trace: Trace{Type: "1", Number: "ACK0001"}, Dates: []Date{
				{Qualifier: "050", Format: "D8", From: day8("20261127")}, {Qualifier: "009", Format: "D8", From: day8("20261127")}}},
			Receivers: []Receiver{{
				Party: submitter(),
				Report: &Report{Trace: Trace{Type: "2", Number: "BATCH0001"},
					Statuses:   []Status{{Codes: []StatusCode{{Category: "A1", Code: "19"}}, Effective: day8("20261127"), Action: "WQ", Charge: i64(35000)}},
					Quantities: []Quantity{{"90", 10000}, {"AA", 10000}},
					Amounts:    []Amount{{"YU", 15000}, {"YY", 20000}}},
				Providers: []Provider{{
					Names: []Party{{Name: Name{Entity: "85", Type: "2", Last: "EXAMPLE CLINIC", IDQualifier: "XX", ID: "1234567893"}}},
					Report: &Report{Trace: Trace{Type: "1", Number: "PROV-TRACE"},
						Statuses:   []Status{{Codes: []StatusCode{{Category: "A1", Code: "19", Entity: "85"}}, Action: "WQ", Charge: i64(35000)}},
						Refs:       []Ref{{Qualifier: "TJ", Value: "123456789"}},
						Quantities: []Quantity{{"QA", 10000}, {"QC", 10000}},
						Amounts:    []Amount{{"YU", 15000}, {"YY", 20000}}},
					Members: []Member{
						{
							Party: Party{Name: Name{Entity: "QC", Type: "1", Last: "DOE", First: "JOHN", IDQualifier: "MI", ID: "W000000001"}},
							Claims: []Claim{{
								Trace: Trace{Type: "2", Number: "ACCT-1"}, Statuses: []Status{acc},
								Refs:  []Ref{{Qualifier: "1K", Value: "PAYERCLAIM1"}, {Qualifier: "D9", Value: "CH-TRACE-1"}},
								Dates: []Date{{Qualifier: "472", Format: "D8", From: day8("20261101")}},
							}},
						},
						{
							Party: Party{Name: Name{Entity: "QC", Type: "1", Last: "ROE", First: "RICHARD", IDQualifier: "MI", ID: "W000000009"}},
							Claims: []Claim{{
								Trace: Trace{Type: "2", Number: "ACCT-2"},
								Statuses: []Status{{Codes: []StatusCode{{Category: "A7", Code: "562", Entity: "85"}, {Category: "A7", Code: "128"}},
									Effective: day8("20261127"), Action: "U", Charge: i64(20000)}},
								Refs:  []Ref{{Qualifier: "D9", Value: "CH-TRACE-2"}},
								Dates: []Date{{Qualifier: "472", Format: "RD8", From: day8("20261101"), To: day8("20261102")}},
								Lines: []Line{{
									Procedure: Procedure{Qualifier: "HC", Code: "99214"}, Charge: 20000, Units: i64(10000),
									Statuses: []Status{{Codes: []StatusCode{{Category: "A7", Code: "454"}}, Effective: day8("20261127"), Action: "U"}},
									Refs:     []Ref{{Qualifier: "FJ", Value: "LINE-9"}},
									Dates:    []Date{{Qualifier: "472", Format: "D8", From: day8("20261101")}},
								}},
							}},
						},
					},
				}},
			}},
		}},
	}
}

func TestSynthetic(t *testing.T) {
	// every277 sets the STC elements no 5010 position uses (STC07,
	// STC12, and STC03 outside the 277CA): the model holds them all the
	// same, and they must read back.
	every277 := synthetic277()
	st := &every277.Sources[0].Receivers[0].Providers[0].Members[0].Claims[0].Statuses[0]
	st.Action, st.PaymentMethod, st.Message = "WQ", "CHK", "PAID PER CONTRACT"
	for _, tc := range []struct {
		name     string
		tr       *Transaction
		validate bool
	}{{"276", synthetic276(), true}, {"277", synthetic277(), true}, {"277CA", synthetic277CA(), true}, {"277 every STC element", every277, false}} {
		t.Run(tc.name, func(t *testing.T) {
			out := write(t, tc.tr)
			if tc.validate {
				txntest.NoFindings(t, tc.name, out)
			}
			got := read(t, out)
			if len(got) != 1 {
				t.Fatalf("read %d sets, want 1", len(got))
			}
			if diff := cmp.Diff(tc.tr, got[0]); diff != "" {
				t.Errorf("model → write → parse differs (-model +parsed):\n%s", diff)
			}
		})
	}
}

func TestHelpers(t *testing.T) {
	ack := synthetic277CA()
	rcv := &ack.Sources[0].Receivers[0]
	if got, want := rcv.Report.Totals(), (Totals{Accepted: 1, Rejected: 1, AcceptedCharge: 15000, RejectedCharge: 20000}); got != want {
		t.Errorf("receiver Totals() = %+v, want %+v", got, want)
	}
	if got, want := rcv.Providers[0].Report.Totals(), (Totals{Accepted: 1, Rejected: 1, AcceptedCharge: 15000, RejectedCharge: 20000}); got != want {
		t.Errorf("provider Totals() = %+v, want %+v", got, want)
	}
	members := rcv.Providers[0].Members
	if rej, _ := members[0].Claims[0].Rejected(); rej {
		t.Errorf("accepted claim reads as rejected")
	}
	rej, codes := members[1].Claims[0].Rejected()
	if want := []StatusCode{{Category: "A7", Code: "562", Entity: "85"}, {Category: "A7", Code: "128"}}; !rej || !cmp.Equal(codes, want) {
		t.Errorf("Rejected() = %v, %v; want true, %v", rej, codes, want)
	}
	c := synthetic276().Sources[0].Receivers[0].Providers[0].Members[0].Claims[0]
	if got := c.PayerClaimNumber(); got != "PAYERCLAIM1" {
		t.Errorf("PayerClaimNumber() = %q", got)
	}
	if got := c.PatientAccount(); got != "ACCT-1" {
		t.Errorf("PatientAccount() = %q", got)
	}
	for _, tc := range []struct {
		code                                 StatusCode
		accepted, rejected, pending, finaled bool
	}{
		{StatusCode{Category: "A1"}, true, false, false, false},
		{StatusCode{Category: "A3"}, false, true, false, false},
		{StatusCode{Category: "A6"}, false, true, false, false},
		{StatusCode{Category: "P2"}, false, false, true, false},
		{StatusCode{Category: "F0"}, false, false, false, true},
		{StatusCode{Category: "E1"}, false, true, false, false},
		{StatusCode{Category: "R3"}, false, false, false, false},
	} {
		c := tc.code
		if c.Accepted() != tc.accepted || c.Rejected() != tc.rejected || c.Pending() != tc.pending || c.Finalized() != tc.finaled {
			t.Errorf("%s: Accepted, Rejected, Pending, Finalized = %v %v %v %v; want %v %v %v %v", c.Category,
				c.Accepted(), c.Rejected(), c.Pending(), c.Finalized(), tc.accepted, tc.rejected, tc.pending, tc.finaled)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, dir, file, old, new, err string
	}{
		{"STC amount finer than a cent", "277", "lfh-claim-level-status.277", "STC*P3:317*20050913**8513.88", "STC*P3:317*20050913**8513.885",
			`status: segment 14 (STC): element 4: number "8513.885": invalid value: more than 2 decimal places`},
		{"STC date that does not exist", "277", "lfh-claim-level-status.277", "STC*P3:317*20050913", "STC*P3:317*20050931",
			`status: segment 14 (STC): element 2: date "20050931": invalid value: no such day`},
		{"AMT*T3 not a number", "276", "lfh-claim-level-status.276", "AMT*T3*8513.88", "AMT*T3*85I3.88",
			`status: segment 17 (AMT): element 2: number "85I3.88": invalid value: unexpected 'I'`},
		{"service date range backwards", "276", "lfh-claim-level-status.276", "RD8*20050831-20050906", "RD8*20050906-20050831",
			`status: segment 18 (DTP): element 3: date range "20050906-20050831": invalid value: ends before it starts`},
		{"SVC charge missing", "277", "lfh-claim-level-status.277", "SVC*HC:99203*150.00*0.00", "SVC*HC:99203**0.00",
			`status: segment 37 (SVC): element 2: line item charge amount (SVC02) is required`},
		{"QTY not a number", "277CA", "ims-x12_277CA_accepted.txt", "QTY*90*1", "QTY*90*ONE",
			`status: segment 14 (QTY): element 2: number "ONE": invalid value: unexpected 'O'`},
		{"service date too short", "277CA", "ims-x12_277CA_rejected.txt", "DTP*472*D8*20090311", "DTP*472*D8*2009031",
			`status: segment 25 (DTP): element 3: date "2009031": invalid value: want CCYYMMDD`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := string(txntest.RawSample(t, tc.dir, tc.file))
			if !strings.Contains(base, tc.old) {
				t.Fatalf("%q not in sample", tc.old)
			}
			_, err := Read(strings.NewReader(strings.Replace(base, tc.old, tc.new, 1)))
			if err == nil || err.Error() != tc.err {
				t.Errorf("Read error = %v\nwant %s", err, tc.err)
			}
			var pe *x12.ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error %v is not a *x12.ParseError", err)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		tr   func() *Transaction
		edit func(t *Transaction)
		err  string
	}{
		{"no kind", synthetic276, func(t *Transaction) { t.Kind = "" }, `status: kind "": want 276, 277 or 277CA`},
		{"status in a 276", synthetic276, func(t *Transaction) {
			t.Sources[0].Receivers[0].Providers[0].Members[0].Claims[0].Statuses = []Status{{Codes: []StatusCode{{Category: "A1", Code: "19"}}}}
		}, `status: a 276 carries no status (STC): not allowed by the implementation guide`},
		{"STC without codes", synthetic277, func(t *Transaction) {
			t.Sources[0].Receivers[0].Report.Statuses[0].Codes = nil
		}, `status: STC with 0 status codes: want 1 to 3: not allowed by the implementation guide`},
		{"DMG in a 277CA", synthetic277CA, func(t *Transaction) {
			t.Sources[0].Receivers[0].Providers[0].Members[0].Sex = "M"
		}, `status: member DOE: only a 276 has demographics (DMG): not allowed by the implementation guide`},
		{"dependent in a 277CA", synthetic277CA, func(t *Transaction) {
			m := &t.Sources[0].Receivers[0].Providers[0].Members[0]
			m.Dependents = []Member{{}}
		}, `status: member DOE: only a 276 or 277 subscriber has dependents: not allowed by the implementation guide`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.tr()
			tc.edit(tr)
			err := Write(&bytes.Buffer{}, tr)
			if err == nil || err.Error() != tc.err {
				t.Errorf("Write error = %v\nwant %s", err, tc.err)
			}
		})
	}
}

func fuzzRoundTrip(t *testing.T, data []byte) {
	txntest.RoundTrip(t, data, "HN", VersionStatus, Read, (*Transaction).WriteSet, func(x *Transaction) *Envelope { return &x.Envelope })
}

func FuzzParse277(f *testing.F) {
	for _, s := range samples {
		f.Add(txntest.RawSample(f, s.dir, s.name))
	}
	var b bytes.Buffer
	if err := Write(&b, synthetic276(), synthetic277(), synthetic277CA()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(fuzzRoundTrip)
}

func TestReply(t *testing.T) {
	req := synthetic276()
	r, err := req.Reply(day8("20261127").Add(10 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	r.Envelope = txntest.Envelope("HN", VersionStatus)
	paid := Status{Codes: []StatusCode{{Category: "F1", Code: "65"}}, Effective: day8("20261120"), Charge: i64(1234567), Paid: i64(1000000)}
	sub := &r.Sources[0].Receivers[0].Providers[0].Members[0]
	sub.Claims[0].Statuses = []Status{paid}
	sub.Claims[0].Lines[0].Paid = i64(12000)
	sub.Claims[0].Lines[0].Statuses = []Status{{Codes: []StatusCode{{Category: "F1", Code: "65"}}, Effective: day8("20261120")}}
	sub.Dependents[0].Claims[0].Statuses = []Status{{Codes: []StatusCode{{Category: "A4", Code: "35"}}, Effective: day8("20261127")}}
	out := write(t, r)
	txntest.NoFindings(t, "reply", out)
	got := read(t, out)[0]
	c := got.Sources[0].Receivers[0].Providers[0].Members[0].Claims[0]
	if c.Trace != (Trace{Type: "2", Number: "CLAIM-TRACE-1"}) || c.PayerClaimNumber() != "PAYERCLAIM1" || c.PatientAccount() != "ACCT-1" {
		t.Errorf("claim = %+v, want the 276's trace as TRN01 2 and its references", c)
	}
	if got.Kind != Response || got.Purpose != "08" || got.Ref != req.Ref {
		t.Errorf("kind, BHT02, BHT03 = %s, %q, %q; want 277, 08, %q", got.Kind, got.Purpose, got.Ref, req.Ref)
	}
	if _, err := synthetic277().Reply(time.Time{}); err == nil || err.Error() != "status: reply to a 277: want a 276" {
		t.Errorf("Reply to a 277: error %v", err)
	}
}

// TestKeptSegments writes segments the model does not type, in every
// place that keeps them, and reads them back where they were.
func TestKeptSegments(t *testing.T) {
	r := synthetic277()
	r.Other = []Segment{"ZZZ*ROOT"}
	src := &r.Sources[0]
	src.LevelOther = []Segment{"ZZZ*SOURCE"}
	src.Other = []Segment{"ZZZ*SOURCE NAME"}
	rcv := &src.Receivers[0]
	rcv.LevelOther = []Segment{"ZZZ*RECEIVER"}
	rcv.Report.Other = []Segment{"ZZZ*REPORT"}
	pr := &rcv.Providers[0]
	pr.LevelOther = []Segment{"ZZZ*PROVIDER"}
	m := &pr.Members[0]
	m.LevelOther = []Segment{"ZZZ*MEMBER"}
	m.Name.Prefix, m.Name.Relationship = "MR", "01" // NM106 and NM110, which no 276/277 position uses
	m.Claims[0].Other = []Segment{"ZZZ*CLAIM"}
	m.Claims[0].Lines[0].Other = []Segment{"ZZZ*LINE"}
	out := write(t, r)
	if diff := cmp.Diff(r, read(t, out)[0]); diff != "" {
		t.Errorf("model → write → parse differs (-model +parsed):\n%s", diff)
	}
}

// TestHierarchy pins the HL segments Write numbers: HL01 in order, HL02
// the parent's, HL04 1 where children follow (none on a dependent or a
// 277CA patient).
func TestHierarchy(t *testing.T) {
	for _, tc := range []struct {
		name string
		tr   *Transaction
		want []string
	}{
		{"276", synthetic276(), []string{"HL*1**20*1", "HL*2*1*21*1", "HL*3*2*19*1", "HL*4*3*22*1", "HL*5*4*23"}},
		{"277CA", synthetic277CA(), []string{"HL*1**20*1", "HL*2*1*21*1", "HL*3*2*19*1", "HL*4*3*PT", "HL*5*3*PT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range txntest.SetSegments(t, write(t, tc.tr), nil) {
				if strings.HasPrefix(s, "HL*") {
					got = append(got, s)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("HL segments (-want +got):\n%s", diff)
			}
		})
	}
}
