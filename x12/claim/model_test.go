package claim

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/x12"
)

func ptr[T any](v T) *T { return &v }

func day(s string) time.Time {
	t, err := x12.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func envelope(version, control string) Envelope {
	return Envelope{
		Interchange: x12.InterchangeHeader{
			AuthQualifier: "00", SecurityQualifier: "00",
			SenderQualifier: "ZZ", SenderID: "CLAIMGATE", ReceiverQualifier: "ZZ", ReceiverID: "TESTCH",
			Date: "260102", Time: "0930", Version: "00501", ControlNumber: "000000077", AckRequested: "1", Usage: "T",
			Delims: x12.DefaultDelimiters,
		},
		Group: x12.GroupHeader{
			FunctionalID: "HC", SenderCode: "CLAIMGATE", ReceiverCode: "TESTCH", Date: "20260102", Time: "0930",
			ControlNumber: "77", Agency: "X", Version: version,
		},
		Control: control,
	}
}

func address(line string) Address {
	return Address{Line1: line, City: "ANYTOWN", State: "NY", PostalCode: "100010001"}
}

// professional is a made-up 837P that sets every field of the model.
func professional() *Transaction {
	return &Transaction{
		Envelope:  envelope(Professional, "0001"),
		Version:   Professional,
		Purpose:   "00",
		Reference: "BATCH0001",
		Created:   day("20260102").Add(9*time.Hour + 30*time.Minute + 15*time.Second),
		Type:      "CH",
		Submitter: Party{
			Entity:   Entity{Role: "41", Type: "2", Last: "CLAIMGATE BILLING", IDQualifier: "46", ID: "CG0001"},
			Contacts: []Contact{{Function: "IC", Name: "EDI DESK", Numbers: []Communication{{"TE", "5550001000"}, {"EX", "12"}, {"EM", "edi@example.test"}}}},
		},
		Receiver: Party{Entity: Entity{Role: "40", Type: "2", Last: "TEST CLEARINGHOUSE", IDQualifier: "46", ID: "CH0001"}},
		BillingProviders: []BillingProvider{{
			Party: Party{
				Entity:        Entity{Role: "85", Type: "2", Last: "SAMPLE CLINIC", IDQualifier: "XX", ID: "1234567893"},
				SpecialtyCode: "BI", Taxonomy: "207Q00000X",
				Address:  Address{Line1: "1 CLINIC WAY", Line2: "SUITE 2", City: "ANYTOWN", State: "NY", PostalCode: "100010001", Country: "US", Subdivision: "NY"},
				Refs:     []Ref{{"0B", "LIC0001"}},
				Contacts: []Contact{{Function: "IC", Name: "BILLING", Numbers: []Communication{{"TE", "5550002000"}}}},
			},
			TaxIDQualifier: "EI", TaxID: "123456789",
			Currency:  "USD",
			PayTo:     &Party{Entity: Entity{Role: "87", Type: "2"}, Address: address("PO BOX 1")},
			PayToPlan: &Party{Entity: Entity{Role: "PE", Type: "2", Last: "PAY TO PLAN", IDQualifier: "PI", ID: "PTP01"}, Address: address("2 PLAN ST"), Refs: []Ref{{"2U", "PTP02"}, {"EI", "987654321"}}},
			Subscribers: []Subscriber{{
				PayerResponsibility: "S", Relationship: "18", GroupNumber: "GRP001", GroupName: "EXAMPLE EMPLOYER",
				InsuranceType: "47", FilingIndicator: "CI",
				Info: &PatientInfo{DeathDate: day("20260101"), WeightUnit: "01", Weight: ptr(Quantity(1505000)), Pregnant: "Y"},
				Name: Party{
					Entity:  Entity{Role: "IL", Type: "1", Last: "DOE", First: "JANE", Middle: "Q", Suffix: "JR", IDQualifier: "MI", ID: "MEM0001"},
					Address: address("3 HOME RD"),
					Refs:    []Ref{{"SY", "999001111"}},
				},
				BirthDate: day("19800215"), Sex: "F",
				Payer: Party{
					Entity:  Entity{Role: "PR", Type: "2", Last: "SECOND HEALTH PLAN", IDQualifier: "PI", ID: "PAYER02"},
					Address: address("4 PAYER PLAZA"),
					Refs:    []Ref{{"2U", "PAYER02B"}, {"G2", "BILLPROV2"}},
				},
				Claims: []Claim{fullClaim()},
			}, {
				PayerResponsibility: "P", GroupNumber: "GRP002", FilingIndicator: "BL",
				Name:  Party{Entity: Entity{Role: "IL", Type: "1", Last: "ROE", First: "RICHARD", IDQualifier: "MI", ID: "MEM0002"}},
				Payer: Party{Entity: Entity{Role: "PR", Type: "2", Last: "FIRST HEALTH PLAN", IDQualifier: "PI", ID: "PAYER01"}},
				Patients: []Patient{{
					Info:      PatientInfo{Relationship: "19"},
					Name:      Party{Entity: Entity{Role: "QC", Type: "1", Last: "ROE", First: "ROBIN"}, Address: address("5 HOME RD")},
					BirthDate: day("20150704"), Sex: "M",
					Claims: []Claim{{
						PatientControlNumber: "CG-1002", TotalCharge: 5000, FacilityCode: "11", FacilityQualifier: "B", Frequency: "1",
						ProviderSignature: "Y", Assignment: "A", BenefitsAssignment: "Y", ReleaseOfInformation: "Y",
						HealthCodes: []CodeList{{{Qualifier: "ABK", Code: "J069"}}},
						Lines: []Line{{
							Number: 1, Procedure: Procedure{Qualifier: "HC", Code: "99212"}, Charge: 5000, UnitBasis: "UN", Units: Units(1),
							DiagnosisPointers: []int{1}, Dates: []DatePeriod{{Qualifier: "472", Format: "D8", From: day("20251215")}},
						}},
					}},
				}},
			}},
		}},
	}
}

func fullClaim() Claim {
	return Claim{
		PatientControlNumber: "CG-1001", TotalCharge: 15025,
		FacilityCode: "11", FacilityQualifier: "B", Frequency: "7",
		ProviderSignature: "Y", Assignment: "A", BenefitsAssignment: "Y", ReleaseOfInformation: "Y",
		PatientSignatureSource: "P", RelatedCauses: []string{"AA", "EM"}, AccidentState: "NY", AccidentCountry: "US",
		SpecialProgram: "03", DelayReason: "1",
		Dates: []DatePeriod{
			{Qualifier: "431", Format: "D8", From: day("20251201")},
			{Qualifier: "439", Format: "D8", From: day("20251130")},
			{Qualifier: "435", Format: "D8", From: day("20251202")},
			{Qualifier: "096", Format: "D8", From: day("20251203")},
		},
		Amounts:                 []Amount{{"F5", 1000}},
		PriorAuthorization:      "AUTH0001",
		PayerClaimControlNumber: "PAYERCLAIM01",
		Refs:                    []Ref{{"9F", "REFERRAL1"}, {"D9", "CH-TRACE-1"}, {"EA", "MRN0001"}},
		Notes:                   []Note{{"ADD", "SYNTHETIC TEST CLAIM"}},
		HealthCodes: []CodeList{
			{{Qualifier: "ABK", Code: "J020"}, {Qualifier: "ABF", Code: "R05"}, {Qualifier: "ABF", Code: "R509"}},
			{{Qualifier: "BG", Code: "01"}, {Qualifier: "BG", Code: "02"}},
		},
		Providers: []Party{
			{Entity: Entity{Role: "DN", Type: "1", Last: "REFER", First: "RITA", IDQualifier: "XX", ID: "1234567801"}, Refs: []Ref{{"G2", "REF01"}}},
			{Entity: Entity{Role: "82", Type: "1", Last: "RENDER", First: "RAY", IDQualifier: "XX", ID: "1234567802"}, SpecialtyCode: "PE", Taxonomy: "207Q00000X"},
			{Entity: Entity{Role: "77", Type: "2", Last: "SAMPLE CLINIC ANNEX", IDQualifier: "XX", ID: "1234567803"}, Address: address("6 ANNEX AVE"),
				Contacts: []Contact{{Function: "IC", Name: "FRONT DESK", Numbers: []Communication{{"TE", "5550003000"}}}}},
			{Entity: Entity{Role: "DQ", Type: "1", Last: "SUPER", First: "SUE", IDQualifier: "XX", ID: "1234567804"}},
		},
		OtherSubscribers: []OtherSubscriber{{
			PayerResponsibility: "P", Relationship: "18", GroupNumber: "GRP003", FilingIndicator: "CI",
			Adjustments: []Adjustment{
				{Group: "CO", Reasons: []Reason{{Code: "45", Amount: 2000}, {Code: "253", Amount: 25, Quantity: ptr(Units(1))}}},
				{Group: "PR", Reasons: []Reason{{Code: "1", Amount: 1000}}},
			},
			PayerPaid: ptr[int64](12000), NonCovered: ptr[int64](0), RemainingLiability: ptr[int64](1000),
			BenefitsAssignment: "Y", PatientSignatureSource: "P", ReleaseOfInformation: "Y",
			Subscriber: Party{Entity: Entity{Role: "IL", Type: "1", Last: "DOE", First: "JANE", IDQualifier: "MI", ID: "MEM0009"}, Address: address("3 HOME RD"), Refs: []Ref{{"SY", "999001111"}}},
			Payer: Party{
				Entity:  Entity{Role: "PR", Type: "2", Last: "FIRST HEALTH PLAN", IDQualifier: "PI", ID: "PAYER01"},
				Address: address("7 PAYER PLAZA"),
				Refs:    []Ref{{"2U", "PAYER01B"}, {"G1", "OPAUTH1"}, {"F8", "OPCLAIM1"}},
			},
			PaidDate: day("20251220"),
			Providers: []Party{
				{Entity: Entity{Role: "82", Type: "1"}, Refs: []Ref{{"G2", "OPREND1"}}},
				{Entity: Entity{Role: "85", Type: "2"}, Refs: []Ref{{"G2", "OPBILL1"}}},
			},
			Other: []Segment{"MOA***MA01"},
		}},
		Lines: []Line{{
			Number: 1, Procedure: Procedure{Qualifier: "HC", Code: "99213", Modifiers: []string{"25", "59"}, Description: "OFFICE VISIT"},
			Charge: 10025, UnitBasis: "UN", Units: Quantity(15000), PlaceOfService: "11", DiagnosisPointers: []int{1, 2, 3},
			Emergency: "Y", EPSDT: "Y", FamilyPlanning: "Y", CopayExempt: "0",
			Dates:                 []DatePeriod{{Qualifier: "472", Format: "RD8", From: day("20251201"), To: day("20251202")}},
			LineItemControlNumber: "LINE-0001",
			Refs:                  []Ref{{"G1", "LINEAUTH1"}, {"X4", "CLIA0001"}},
			Amounts:               []Amount{{"T", 125}},
			Notes:                 []Note{{"ADD", "LINE NOTE"}},
			Drug:                  &Drug{Qualifier: "N4", Code: "00002143380", Quantity: Units(2), Unit: "UN", Ref: &Ref{"XZ", "RX0001"}},
			Providers: []Party{
				{Entity: Entity{Role: "82", Type: "1", Last: "RENDER", First: "RAY", IDQualifier: "XX", ID: "1234567802"}, SpecialtyCode: "PE", Taxonomy: "207Q00000X"},
				{Entity: Entity{Role: "DK", Type: "1", Last: "ORDER", First: "OLIVE", IDQualifier: "XX", ID: "1234567805"}, Address: address("8 ORDER LN"),
					Contacts: []Contact{{Function: "IC", Name: "OLIVE", Numbers: []Communication{{"TE", "5550004000"}}}}},
			},
			Adjudications: []LineAdjudication{{
				PayerID: "PAYER01", Paid: 8000, Procedure: Procedure{Qualifier: "HC", Code: "99213", Modifiers: []string{"25"}},
				Units: Units(1), BundledLine: "2",
				Adjustments:        []Adjustment{{Group: "CO", Reasons: []Reason{{Code: "45", Amount: 2025}}}},
				PaidDate:           day("20251220"),
				RemainingLiability: ptr[int64](0),
			}},
			Other:      []Segment{"PWK*OZ*BM***AC*LINEDOC1", "CN1*02*100"},
			OtherLoops: []Loop{{ID: "2440", Segments: []Segment{"LQ*UT*01.02", "FRM*1*Y"}}},
		}, {
			Number: 2, Procedure: Procedure{Qualifier: "HC", Code: "36415"}, Charge: 5000, UnitBasis: "UN", Units: Units(1),
			DiagnosisPointers: []int{1},
			Dates:             []DatePeriod{{Qualifier: "472", Format: "D8", From: day("20251201")}},
		}},
		Other: []Segment{"PWK*OZ*BM***AC*DOC0001", "CN1*02*500", "K3*SYNTHETIC", "HCP*03*100*50"},
	}
}

// institutional is a made-up 837I that sets the institutional fields.
func institutional() *Transaction {
	return &Transaction{
		Envelope:  envelope(Institutional, "0002"),
		Version:   Institutional,
		Purpose:   "00",
		Reference: "BATCH0002",
		Created:   day("20260102").Add(9 * time.Hour),
		Type:      "CH",
		Submitter: Party{Entity: Entity{Role: "41", Type: "2", Last: "CLAIMGATE BILLING", IDQualifier: "46", ID: "CG0001"},
			Contacts: []Contact{{Function: "IC", Name: "EDI DESK", Numbers: []Communication{{"TE", "5550001000"}}}}},
		Receiver: Party{Entity: Entity{Role: "40", Type: "2", Last: "TEST CLEARINGHOUSE", IDQualifier: "46", ID: "CH0001"}},
		BillingProviders: []BillingProvider{{
			Party: Party{
				Entity:        Entity{Role: "85", Type: "2", Last: "SAMPLE HOSPITAL", IDQualifier: "XX", ID: "1234567893"},
				SpecialtyCode: "BI", Taxonomy: "282N00000X", Address: address("1 HOSPITAL DR"),
			},
			TaxIDQualifier: "EI", TaxID: "123456789",
			Subscribers: []Subscriber{{
				PayerResponsibility: "P", Relationship: "18", FilingIndicator: "MA",
				Name:      Party{Entity: Entity{Role: "IL", Type: "1", Last: "DOE", First: "JOHN", IDQualifier: "MI", ID: "MBI0001"}, Address: address("2 HOME RD")},
				BirthDate: day("19450101"), Sex: "M",
				Payer: Party{Entity: Entity{Role: "PR", Type: "2", Last: "TEST MEDICARE", IDQualifier: "PI", ID: "MCR01"}},
				Claims: []Claim{{
					PatientControlNumber: "CG-2001", TotalCharge: 250050,
					FacilityCode: "11", FacilityQualifier: "A", Frequency: "1",
					Assignment: "A", BenefitsAssignment: "Y", ReleaseOfInformation: "Y", DelayReason: "1",
					Dates: []DatePeriod{
						{Qualifier: "096", Format: "TM", From: time.Time{}.Add(14*time.Hour + 5*time.Minute)},
						{Qualifier: "434", Format: "RD8", From: day("20251201"), To: day("20251205")},
						{Qualifier: "435", Format: "DT", From: day("20251201").Add(7*time.Hour + 45*time.Minute)},
					},
					Institutional:           &InstitutionalCode{AdmissionType: "1", AdmissionSource: "7", PatientStatus: "01"},
					Amounts:                 []Amount{{"F3", 10000}},
					PriorAuthorization:      "AUTH2001",
					PayerClaimControlNumber: "",
					Refs:                    []Ref{{"D9", "CH-TRACE-2"}, {"EA", "MRN2001"}},
					Notes:                   []Note{{"ALG", "NO KNOWN ALLERGIES"}},
					HealthCodes: []CodeList{
						{{Qualifier: "ABK", Code: "I214", PresentOnAdmission: "Y"}},
						{{Qualifier: "ABJ", Code: "R079"}},
						{{Qualifier: "APR", Code: "R079"}},
						{{Qualifier: "ABN", Code: "W010XXA", PresentOnAdmission: "N"}},
						{{Qualifier: "DR", Code: "282"}},
						{{Qualifier: "ABF", Code: "E119", PresentOnAdmission: "Y"}, {Qualifier: "ABF", Code: "I10", PresentOnAdmission: "U"}},
						{{Qualifier: "BBR", Code: "02703DZ", DateFormat: "D8", From: day("20251202")}},
						{{Qualifier: "BBQ", Code: "B2111ZZ", DateFormat: "D8", From: day("20251202")}},
						{{Qualifier: "BI", Code: "70", DateFormat: "RD8", From: day("20251120"), To: day("20251125")}},
						{{Qualifier: "BH", Code: "11", DateFormat: "D8", From: day("20251130")}},
						{{Qualifier: "BE", Code: "80", Amount: ptr[int64](400)}, {Qualifier: "BE", Code: "A1", Amount: ptr[int64](150000)}},
						{{Qualifier: "BG", Code: "01", Quantity: ptr(Units(2)), Version: "9", CodeTo: "02"}},
						{{Qualifier: "TC", Code: "T1"}},
					},
					Providers: []Party{
						{Entity: Entity{Role: "71", Type: "1", Last: "ATTEND", First: "ANN", IDQualifier: "XX", ID: "1234567811"}, SpecialtyCode: "AT", Taxonomy: "207RC0000X"},
						{Entity: Entity{Role: "72", Type: "1", Last: "OPERATE", First: "OSCAR", IDQualifier: "XX", ID: "1234567812"}},
						{Entity: Entity{Role: "ZZ", Type: "1", Last: "ASSIST", First: "AL", IDQualifier: "XX", ID: "1234567813"}},
						{Entity: Entity{Role: "82", Type: "1", Last: "RENDER", First: "RENE", IDQualifier: "XX", ID: "1234567814"}},
						{Entity: Entity{Role: "77", Type: "2", Last: "SAMPLE HOSPITAL EAST", IDQualifier: "XX", ID: "1234567815"}, Address: address("9 EAST ST")},
						{Entity: Entity{Role: "DN", Type: "1", Last: "REFER", First: "RITA", IDQualifier: "XX", ID: "1234567801"}},
					},
					Lines: []Line{{
						Number: 1, RevenueCode: "0450", Procedure: Procedure{Qualifier: "HC", Code: "99285", Modifiers: []string{"25"}},
						Charge: 150050, UnitBasis: "UN", Units: Units(1), UnitRate: ptr[int64](150050), NonCovered: ptr[int64](50),
						Dates:                 []DatePeriod{{Qualifier: "472", Format: "D8", From: day("20251201")}},
						LineItemControlNumber: "LINE-2001",
						Amounts:               []Amount{{"GT", 12}},
						Notes:                 []Note{{"TPO", "REPRICED"}},
						Providers:             []Party{{Entity: Entity{Role: "82", Type: "1", Last: "RENDER", First: "RENE", IDQualifier: "XX", ID: "1234567814"}}},
						Adjudications: []LineAdjudication{{
							PayerID: "MCR01", Paid: 90000, Procedure: Procedure{Qualifier: "HC", Code: "99285"}, RevenueCode: "0450",
							Units: Units(1), PaidDate: day("20251215"),
						}},
					}, {
						Number: 2, RevenueCode: "0120", Charge: 100000, UnitBasis: "DA", Units: Units(4),
					}},
				}},
			}},
		}},
	}
}

func TestWriteParseHandBuilt(t *testing.T) {
	for _, want := range []*Transaction{professional(), institutional()} {
		t.Run(want.Version, func(t *testing.T) {
			out := write(t, []*Transaction{want})
			if problems, err := x12.CheckEnvelopes(bytes.NewReader(out)); err != nil || len(problems) > 0 {
				t.Errorf("envelope problems: %v %v", err, problems)
			}
			got, err := readAll(out)
			if err != nil {
				t.Fatalf("read: %v\n%s", err, out)
			}
			if len(got) != 1 {
				t.Fatalf("read %d transactions, want 1", len(got))
			}
			if diff := cmp.Diff(want, got[0]); diff != "" {
				t.Errorf("parse(write(m)) != m (-want +got):\n%s\n%s", diff, bytes.ReplaceAll(out, []byte("~"), []byte("~\n")))
			}
		})
	}
}

// TestHierarchy checks the HL numbering and parent IDs Write produces.
func TestHierarchy(t *testing.T) {
	out := write(t, []*Transaction{professional()})
	var hl []string
	for _, s := range segmentsOf(t, out) {
		if s.ID == "HL" {
			hl = append(hl, s.String())
		}
	}
	want := []string{"HL*1**20*1~", "HL*2*1*22*0~", "HL*3*1*22*1~", "HL*4*3*23*0~"}
	if diff := cmp.Diff(want, hl); diff != "" {
		t.Errorf("HL segments (-want +got):\n%s", diff)
	}
}

func TestClaims(t *testing.T) {
	tr := professional()
	type row struct{ Claim, Billing, Member, Patient string }
	var got []row
	for _, c := range tr.Claims() {
		r := row{c.Claim.PatientControlNumber, c.BillingProvider.ID, c.Subscriber.Name.ID, ""}
		if c.Patient != nil {
			r.Patient = c.Patient.Name.First
		}
		got = append(got, r)
	}
	want := []row{{"CG-1001", "1234567893", "MEM0001", ""}, {"CG-1002", "1234567893", "MEM0002", "ROBIN"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Claims() (-want +got):\n%s", diff)
	}
	if d := tr.Claims()[0].Claim.Diagnoses(); len(d) != 3 || d[0].Code != "J020" {
		t.Errorf("Diagnoses() = %v, want J020, R05, R509", d)
	}
	in := institutional().Claims()[0].Claim
	if p, ok := in.PrincipalProcedure(); !ok || p.Code != "02703DZ" {
		t.Errorf("PrincipalProcedure() = %v, %v, want 02703DZ", p, ok)
	}
	if s, ok := in.Statement(); !ok || !s.To.Equal(day("20251205")) {
		t.Errorf("Statement() = %v, %v, want to 2025-12-05", s, ok)
	}
	if got := in.TypeOfBill(); got != "111" {
		t.Errorf("TypeOfBill() = %q, want 111", got)
	}
}

func TestWriteRefuses(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Transaction)
		wantS string
	}{
		{"claim without CLM01", func(t *Transaction) {
			t.BillingProviders[0].Subscribers[0].Claims[0].PatientControlNumber = ""
		}, "claim: a claim without CLM01 (patient control number)"},
		{"line without procedure", func(t *Transaction) {
			t.BillingProviders[0].Subscribers[0].Claims[0].Lines[1].Procedure = Procedure{}
		}, "claim: line 2: SV101 (procedure) is empty"},
		{"adjustment without reason", func(t *Transaction) {
			t.BillingProviders[0].Subscribers[0].Claims[0].OtherSubscribers[0].Adjustments[0].Reasons[0].Code = ""
		}, "claim: CAS CO: a reason without a code"},
		{"unknown version", func(t *Transaction) { t.Version = "004010X098A1" },
			`claim: version "004010X098A1" is not an 837P or 837I this package writes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := professional()
			tt.edit(tr)
			var b bytes.Buffer
			err := Write(&b, tr)
			if err == nil || err.Error() != tt.wantS {
				t.Errorf("Write error = %v, want %s", err, tt.wantS)
			}
		})
	}
}
