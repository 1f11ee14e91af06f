package auth

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txntest"
)

// There is no public 278 sample: these tests build made-up requests and
// responses that set every field of the model, write them, validate the
// output with our own engine, and read them back.

func day8(s string) time.Time {
	t, err := x12.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func i64(v int64) *int64 { return &v }

func read(t *testing.T, data []byte) []*Transaction {
	t.Helper()
	ts, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Read: %v\n%s", err, data)
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

func provider(role, last, npi string) Party {
	return Party{
		Name:      Name{Entity: role, Type: "1", Last: last, First: "PAT", IDQualifier: "XX", ID: npi},
		Refs:      []Ref{{Qualifier: "N5", Value: "PROVIDER77"}},
		Address:   Address{Line1: "1 CLINIC WAY", City: "SPRINGFIELD", State: "IL", PostalCode: "62701"},
		Contacts:  []Contact{{Function: "IC", Name: "FRONT DESK", Numbers: []Communication{{Qualifier: "TE", Number: "2175550100"}}}},
		Specialty: &Specialty{Code: "PE", IDQualifier: "PXC", ID: "207Q00000X"},
	}
}

// request is a made-up 278 request for an admission with two services,
// for a dependent, setting every field a request carries.
func request() *Transaction {
	return &Transaction{
		Envelope: txntest.Envelope("HI", Version), Version: Version, Purpose: PurposeRequest, Ref: "UMREQ0001",
		Created: day8("20261127").Add(8*time.Hour + 45*time.Minute), Type: "RU",
		UMO: Party{Name: Name{Entity: "X3", Type: "2", Last: "ACME REVIEW", IDQualifier: "PI", ID: "99999"}},
		Requester: Party{
			Name:      Name{Entity: "1P", Type: "1", Last: "WELLER", First: "ANNA", Middle: "Q", Suffix: "MD", IDQualifier: "XX", ID: "1999999984"},
			Refs:      []Ref{{Qualifier: "EI", Value: "123456789"}},
			Address:   Address{Line1: "10 MAIN ST", Line2: "SUITE 200", City: "SPRINGFIELD", State: "IL", PostalCode: "62701", Country: "US", Subdivision: "SC"},
			Contacts:  []Contact{{Function: "IC", Name: "UM DESK", Numbers: []Communication{{Qualifier: "TE", Number: "2175550100"}, {Qualifier: "EX", Number: "22"}, {Qualifier: "FX", Number: "2175550101"}}}},
			Specialty: &Specialty{Code: "PE", IDQualifier: "PXC", ID: "207Q00000X"},
		},
		Subscriber: Member{
			Party: Party{
				Name:    Name{Entity: "IL", Type: "1", Last: "DOE", First: "JOHN", IDQualifier: "MI", ID: "W000000001"},
				Refs:    []Ref{{Qualifier: "6P", Value: "GRP1"}},
				Address: Address{Line1: "5 ELM ST", City: "SPRINGFIELD", State: "IL", PostalCode: "62702"},
			},
			BirthDate: day8("19700101"), Sex: "M",
			Insured: &Insured{Subscriber: "Y", Relationship: "18"},
		},
		Dependent: &Member{
			Party:     Party{Name: Name{Entity: "QC", Type: "1", Last: "DOE", First: "JANE"}, Refs: []Ref{{Qualifier: "EJ", Value: "ACCT-2"}}},
			BirthDate: day8("20100202"), Sex: "F",
			Insured: &Insured{Subscriber: "N", Relationship: "19", BirthSequence: "2"},
		},
		Event: &Event{
			Traces: []Trace{{Type: "1", Number: "EVENT-TRACE-1", Originator: "1999999984", Supplemental: "UMDESK"}},
			Review: Review{Category: "AR", CertificationType: "I", ServiceType: "48", FacilityType: "21", FacilityQualifier: "A",
				RelatedCauses: []string{"AA", "EM"}, AccidentState: "IL", AccidentCountry: "US", LevelOfService: "U", Prognosis: "2"},
			Refs: []Ref{{Qualifier: "BB", Value: "PRIORAUTH9"}, {Qualifier: "NT", Value: "ADMIN7"}},
			Dates: []Date{
				{Qualifier: "439", Format: "D8", From: day8("20261120")},
				{Qualifier: "431", Format: "D8", From: day8("20261119")},
				{Qualifier: "435", Format: "RD8", From: day8("20261201"), To: day8("20261205")},
				{Qualifier: "096", Format: "D8", From: day8("20261205")},
			},
			Diagnoses: []Diagnosis{{Qualifier: "ABK", Code: "S72001A", Date: day8("20261120")}, {Qualifier: "ABF", Code: "W010XXA"}},
			Delivery: &Delivery{QuantityQualifier: "DY", Quantity: i64(50000), UnitBasis: "DA", SampleSize: i64(10000), Period: "7",
				PeriodCount: i64(10000), Frequency: "1", Pattern: "Y"},
			Certifications: []Certification{{Category: "07", Indicator: "Y", Conditions: []string{"01", "04"}}, {Category: "75", Indicator: "Y", Conditions: []string{"01"}}},
			Admission:      &Admission{Type: "2", Source: "1", PatientStatus: "01", NursingHomeStatus: "1"},
			Attachments:    []Attachment{{ReportType: "OB", Transmission: "FX", IDQualifier: "AC", ControlNumber: "ATT-1", Description: "OPERATIVE NOTE"}},
			Message:        "PATIENT FELL AT WORK",
			Providers:      []Party{provider("FA", "GENERAL HOSPITAL", "1234567893"), provider("71", "ATTEND", "1999999992")},
			Transport:      []Party{{Name: Name{Entity: "45", Type: "2", Last: "DROP OFF POINT"}, Address: Address{Line1: "1 HOSPITAL RD", City: "SPRINGFIELD", State: "IL", PostalCode: "62703"}}},
			OtherUMOs: []Party{{Name: Name{Entity: "GG", Type: "2", Last: "OTHER REVIEW CO"}, Refs: []Ref{{Qualifier: "ZZ", Value: "DENIED-NOT-COVERED"}},
				Dates: []Date{{Qualifier: "598", Format: "D8", From: day8("20261115")}}}},
			Other: []Segment{"CR6*4*20261201*RD8*20261201-20261231***Y*I"},
			Services: []Service{
				{
					Traces: []Trace{{Type: "1", Number: "SVC-TRACE-1", Originator: "1999999984"}},
					Review: Review{Category: "HS", CertificationType: "I", ServiceType: "2", FacilityType: "21", FacilityQualifier: "A", LevelOfService: "U"},
					Refs:   []Ref{{Qualifier: "BB", Value: "PRIORAUTH9"}},
					Dates:  []Date{{Qualifier: "472", Format: "RD8", From: day8("20261201"), To: day8("20261202")}},
					Professional: &Professional{Procedure: Procedure{Qualifier: "HC", Code: "27236", Modifiers: []string{"RT", "AS"}, Description: "HIP REPAIR"},
						Charge: i64(450000), UnitBasis: "UN", Units: i64(10000), DiagnosisPointers: []string{"1", "2"}},
					Delivery:    &Delivery{QuantityQualifier: "VS", Quantity: i64(10000)},
					Attachments: []Attachment{{ReportType: "03", Transmission: "EL"}},
					Message:     "SURGERY",
					Providers:   []Party{provider("SJ", "SURGEON", "1999999976")},
				},
				{
					Review:        Review{Category: "HS", CertificationType: "I", ServiceType: "AD"},
					Institutional: &Institutional{RevenueCode: "0420", Procedure: &Procedure{Qualifier: "HC", Code: "97110", Modifiers: []string{"GP"}}, Charge: i64(30000), UnitBasis: "UN", Units: i64(120000), Rate: i64(2500)},
					Delivery:      &Delivery{QuantityQualifier: "VS", Quantity: i64(120000), UnitBasis: "WK", SampleSize: i64(30000), Period: "35", PeriodCount: i64(40000)},
				},
				{
					Review: Review{Category: "SC", CertificationType: "I", ServiceType: "35"},
					Dental: &Dental{Procedure: Procedure{Qualifier: "AD", Code: "D7240"}, Charge: i64(55050), FacilityType: "11",
						Cavity: []string{"L", "R"}, Prosthesis: "I", Units: i64(10000)},
					Other: []Segment{"TOO*JP*17"},
				},
			},
		},
	}
}

// response is a made-up 278 response to request: the event certified in
// part, with decisions per service and rejections where a response has
// them.
func response() *Transaction {
	t := request()
	t.Envelope = txntest.Envelope("HI", Version)
	t.Envelope.Control = "0002"
	t.Purpose, t.Type = PurposeResponse, ""
	t.UMO.Contacts = []Contact{{Function: "IC", Name: "UM LINE", Numbers: []Communication{{Qualifier: "TE", Number: "8005550123"}}}}
	t.Requester.Address = Address{}
	t.Requester.Contacts = nil
	t.Requester.Rejects = []Reject{{Valid: "Y", Reason: "15", FollowUp: "C"}}
	t.Subscriber.Rejects = []Reject{{Valid: "Y", Reason: "75", FollowUp: "C"}}
	t.Dependent.Rejects = []Reject{{Valid: "N", Reason: "64", FollowUp: "C"}}
	e := t.Event
	e.Traces = append([]Trace{{Type: "2", Number: "EVENT-TRACE-1", Originator: "1999999984"}}, Trace{Type: "1", Number: "UMO-TRACE", Originator: "9999999999"})
	e.Rejects = []Reject{{Valid: "Y", Reason: "33", FollowUp: "C"}}
	e.Decision = &Decision{Action: CertifiedPartial, Number: "AUTH-000123", Reason: "0V", SecondOpinion: "N"}
	e.Dates = append(e.Dates,
		Date{Qualifier: "102", Format: "D8", From: day8("20261128")},
		Date{Qualifier: "036", Format: "D8", From: day8("20270131")},
		Date{Qualifier: "007", Format: "RD8", From: day8("20261201"), To: day8("20261231")})
	e.Certifications = nil
	e.Attachments = []Attachment{{ReportType: "03", Transmission: "FX", Description: "SEND DISCHARGE PLAN"}}
	e.Message = "CERTIFIED 5 OF 7 DAYS"
	e.OtherUMOs = nil
	e.Providers[0].Rejects = []Reject{{Valid: "Y", Reason: "35", FollowUp: "C"}}
	e.Providers[0].Address, e.Providers[1].Address = Address{}, Address{}
	e.InfoContacts = []Party{{Name: Name{Entity: "2B", Type: "2", Last: "ACME UM"}, Address: Address{Line1: "PO BOX 1", City: "SPRINGFIELD", State: "IL", PostalCode: "62704"},
		Contacts: []Contact{{Function: "IC", Numbers: []Communication{{Qualifier: "FX", Number: "8005550124"}}}}}}
	e.Transport[0].Rejects = []Reject{{Valid: "Y", Reason: "15", FollowUp: "C"}}
	sv := e.Services
	sv[0].Traces = []Trace{{Type: "2", Number: "SVC-TRACE-1", Originator: "1999999984"}}
	sv[0].Decision = &Decision{Action: CertifiedInTotal, Number: "AUTH-000124"}
	sv[0].Dates = append(sv[0].Dates, Date{Qualifier: "007", Format: "D8", From: day8("20261201")})
	sv[0].Diagnoses = []Diagnosis{{Qualifier: "ABK", Code: "S72001A"}}
	sv[0].Providers[0].Rejects = []Reject{{Valid: "Y", Reason: "35", FollowUp: "C"}}
	sv[0].InfoContacts = []Party{{Name: Name{Entity: "2B", Type: "2", Last: "ACME UM"}, Contacts: []Contact{{Function: "IC", Numbers: []Communication{{Qualifier: "TE", Number: "8005550125"}}}}}}
	sv[1].Decision = &Decision{Action: NotCertified, Reason: "0U"}
	sv[1].Rejects = []Reject{{Valid: "Y", Reason: "15", FollowUp: "C"}}
	sv[2].Decision = &Decision{Action: Pended, Reason: "0P"}
	return t
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		tr   *Transaction
	}{{"request", request()}, {"response", response()}} {
		t.Run(tc.name, func(t *testing.T) {
			out := write(t, tc.tr)
			txntest.NoFindings(t, tc.name, out)
			got := read(t, out)
			if len(got) != 1 {
				t.Fatalf("read %d sets, want 1", len(got))
			}
			if diff := cmp.Diff(tc.tr, got[0]); diff != "" {
				t.Errorf("model → write → parse differs (-model +parsed):\n%s", diff)
			}
			txntest.CheckGolden(t, "synthetic-"+tc.name+".278", got)
		})
	}
}

// TestSubscriberPatient writes a request whose patient is the subscriber:
// the event goes under loop 2000C.
func TestSubscriberPatient(t *testing.T) {
	r := request()
	r.Dependent = nil
	out := write(t, r)
	txntest.NoFindings(t, "subscriber patient", out)
	if diff := cmp.Diff(r, read(t, out)[0]); diff != "" {
		t.Errorf("model → write → parse differs (-model +parsed):\n%s", diff)
	}
	if !bytes.Contains(out, []byte("HL*4*3*EV*1~")) {
		t.Errorf("event not under the subscriber:\n%s", out)
	}
}

// TestRejectedResponse is a response that rejects the request at the UMO
// level: no patient event.
func TestRejectedResponse(t *testing.T) {
	r := &Transaction{
		Envelope: txntest.Envelope("HI", Version), Version: Version, Purpose: PurposeResponse, Ref: "UMREQ0001", Created: day8("20261127"),
		Rejects:    []Reject{{Valid: "N", Reason: "42", FollowUp: "R"}},
		UMO:        Party{Name: Name{Entity: "X3", Type: "2", Last: "ACME REVIEW", IDQualifier: "PI", ID: "99999"}, Rejects: []Reject{{Valid: "N", Reason: "80", FollowUp: "R"}}},
		Requester:  Party{Name: Name{Entity: "1P", Type: "2", Last: "EXAMPLE CLINIC", IDQualifier: "XX", ID: "1234567893"}},
		Subscriber: Member{Party: Party{Name: Name{Entity: "IL", Type: "1", Last: "DOE", First: "JOHN", IDQualifier: "MI", ID: "W000000001"}}},
	}
	out := write(t, r)
	txntest.NoFindings(t, "rejected", out)
	if diff := cmp.Diff(r, read(t, out)[0]); diff != "" {
		t.Errorf("model → write → parse differs (-model +parsed):\n%s", diff)
	}
	if _, ok := r.Authorization(); ok {
		t.Errorf("Authorization() of a rejected response is ok")
	}
}

func TestHelpers(t *testing.T) {
	r := response()
	if n, ok := r.Authorization(); !ok || n != "AUTH-000123" {
		t.Errorf("Authorization() = %q, %v; want AUTH-000123, true", n, ok)
	}
	r.Event.Decision = &Decision{Action: Pended}
	if n, ok := r.Authorization(); !ok || n != "AUTH-000124" {
		t.Errorf("Authorization() with a pended event = %q, %v; want the service's AUTH-000124, true", n, ok)
	}
	from, to, ok := r.Event.CertifiedPeriod()
	if !ok || !from.Equal(day8("20261201")) || !to.Equal(day8("20261231")) {
		t.Errorf("CertifiedPeriod() = %v, %v, %v; want 2026-12-01, 2026-12-31, true", from, to, ok)
	}
	for _, tc := range []struct {
		action string
		want   bool
	}{{CertifiedInTotal, true}, {CertifiedPartial, true}, {Modified, true}, {NotCertified, false}, {Pended, false}, {Cancelled, false}, {ContactPayer, false}, {NoActionRequired, false}} {
		if got := (&Decision{Action: tc.action}).Certified(); got != tc.want {
			t.Errorf("Decision{%s}.Certified() = %v, want %v", tc.action, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, request()); err != nil {
		t.Fatal(err)
	}
	base := b.String()
	for _, tc := range []struct {
		name, old, new, err string
	}{
		{"charge finer than a cent", ":HIP REPAIR*4500*", ":HIP REPAIR*4500.001*",
			`auth: segment 66 (SV1): element 2: number "4500.001": invalid value: more than 2 decimal places`},
		{"rate not a number", "*UN*12*25~", "*UN*12*2S~",
			`auth: segment 78 (SV2): element 6: number "2S": invalid value: unexpected 'S'`},
		{"admission range backwards", "DTP*435*RD8*20261201-20261205", "DTP*435*RD8*20261205-20261201",
			`auth: segment 33 (DTP): element 3: date range "20261205-20261201": invalid value: ends before it starts`},
		{"diagnosis date", "ABK:S72001A:D8:20261120", "ABK:S72001A:D8:20261320",
			`auth: segment 35 (HI): element 1 component 4: date "20261320": invalid value: no such day`},
		{"units not a number", "HSD*DY*5*DA", "HSD*DY*FIVE*DA",
			`auth: segment 36 (HSD): element 2: number "FIVE": invalid value: unexpected 'F'`},
		{"second UMO name loop", "NM1*X3*2*ACME REVIEW*****PI*99999~", "NM1*X3*2*ACME REVIEW*****PI*99999~NM1*X3*2*OTHER~",
			`auth: segment 7 (NM1): a second loop 2010A in loop 2000A: a 278 has one`},
		{"BHT structure", "BHT*0007*13", "BHT*0010*13",
			`auth: segment 4 (BHT): element 1: hierarchical structure "0010": want 0007`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("%q not in the written request:\n%s", tc.old, base)
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
		{"no purpose", request, func(t *Transaction) { t.Purpose = "" }, `auth: purpose (BHT02) "": want 13 (request) or 11 (response)`},
		{"decision in a request", request, func(t *Transaction) { t.Event.Decision = &Decision{Action: "A1"} },
			`auth: loop 2000E: a request carries no AAA or HCR: not allowed by the implementation guide`},
		{"response service without decision", response, func(t *Transaction) { t.Event.Services[1].Decision = nil },
			`auth: loop 2000F: a response service needs its decision (HCR): not allowed by the implementation guide`},
		{"other UMO in a response", response, func(t *Transaction) { t.Event.OtherUMOs = []Party{{Name: Name{Entity: "GG"}}} },
			`auth: other UMOs (2010EC) are a request's: not allowed by the implementation guide`},
		{"four related causes", request, func(t *Transaction) { t.Event.Review.RelatedCauses = []string{"AA", "EM", "OA", "AP"} },
			`auth: UM05: 4 related causes, want at most 3: not allowed by the implementation guide`},
		{"delimiter in a value", request, func(t *Transaction) { t.Event.Message = "SEE ATTACHED~" },
			`auth: MSG01-1: value "SEE ATTACHED~": value contains a delimiter '~' at byte 12`},
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

func FuzzParse278(f *testing.F) {
	var b bytes.Buffer
	if err := Write(&b, request(), response()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	r := request()
	r.Dependent = nil
	b.Reset()
	if err := Write(&b, r); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		txntest.RoundTrip(t, data, "HI", Version, Read, (*Transaction).WriteSet, func(x *Transaction) *Envelope { return &x.Envelope })
	})
}

func TestReply(t *testing.T) {
	req := request()
	r, err := req.Reply(day8("20261128"))
	if err != nil {
		t.Fatal(err)
	}
	r.Envelope = txntest.Envelope("HI", Version)
	r.Event.Decision = &Decision{Action: CertifiedInTotal, Number: "AUTH-9"}
	r.Event.Dates = append(r.Event.Dates, Date{Qualifier: "007", Format: "RD8", From: day8("20261201"), To: day8("20261205")})
	for i := range r.Event.Services {
		r.Event.Services[i].Decision = &Decision{Action: CertifiedInTotal, Number: "AUTH-9"}
	}
	out := write(t, r)
	txntest.NoFindings(t, "reply", out)
	got := read(t, out)[0]
	if n, ok := got.Authorization(); !ok || n != "AUTH-9" {
		t.Errorf("Authorization() = %q, %v; want AUTH-9, true", n, ok)
	}
	want := []Trace{{Type: "2", Number: "EVENT-TRACE-1", Originator: "1999999984", Supplemental: "UMDESK"}}
	if diff := cmp.Diff(want, got.Event.Traces); diff != "" {
		t.Errorf("event traces (-want +got):\n%s", diff)
	}
	if !got.IsResponse() || got.Ref != req.Ref || got.Dependent == nil || got.Dependent.Name != req.Dependent.Name {
		t.Errorf("reply header or patient differs from the request's")
	}
	if _, err := got.Reply(time.Time{}); err == nil || err.Error() != `auth: reply to BHT02 "11": want a request (13)` {
		t.Errorf("Reply to a response: error %v", err)
	}
}

// TestKeptSegments writes segments the model does not type, in every
// place that keeps them, and reads them back where they were.
func TestKeptSegments(t *testing.T) {
	r := request()
	r.Other = []Segment{"ZZZ*ROOT"}
	r.LevelOther = map[string][]Segment{"2000A": {"ZZZ*UMO"}, "2000B": {"ZZZ*REQUESTER"}}
	r.UMO.Other = []Segment{"ZZZ*UMO NAME"}
	r.Subscriber.LevelOther = []Segment{"ZZZ*SUBSCRIBER"}
	r.Subscriber.Name.Prefix, r.Subscriber.Name.Relationship = "MR", "01" // NM106 and NM110, which no 278 position uses
	r.Dependent.LevelOther = []Segment{"ZZZ*DEPENDENT"}
	r.Dependent.Other = []Segment{"ZZZ*DEPENDENT NAME"}
	r.Event.Services[0].Providers[0].Other = []Segment{"ZZZ*PROVIDER"}
	out := write(t, r)
	if diff := cmp.Diff(r, read(t, out)[0]); diff != "" {
		t.Errorf("model → write → parse differs (-model +parsed):\n%s", diff)
	}
}

// TestHierarchy pins the HL segments Write numbers: HL01 in order, HL02
// the parent's, HL04 1 where children follow.
func TestHierarchy(t *testing.T) {
	var got []string
	for _, s := range txntest.SetSegments(t, write(t, request()), nil) {
		if strings.HasPrefix(s, "HL*") {
			got = append(got, s)
		}
	}
	want := []string{"HL*1**20*1", "HL*2*1*21*1", "HL*3*2*22*1", "HL*4*3*23*1", "HL*5*4*EV*1", "HL*6*5*SS*0", "HL*7*5*SS*0", "HL*8*5*SS*0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HL segments (-want +got):\n%s", diff)
	}
}
