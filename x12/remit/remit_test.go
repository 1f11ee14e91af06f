package remit

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
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/x12"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// samples are the public 835s in the shared test data.
var samples = []string{
	"lfh-cob-contractural-adjustment.835",
	"lfh-managed-care.835",
	"lfh-medicare-part-a.835",
	"lfh-secondary-payment.835",
	"pyx12-835_mult_loops.txt",
}

// defects are errors in the public samples that Parse rightly refuses,
// with the exact error and the fix the other tests apply in memory
// (the samples themselves stay as published).
var defects = map[string]struct{ old, new, err string }{
	// pyx12 reports it too: BPR16 has month 23.
	"lfh-managed-care.835": {"*20002316~", "*20020316~",
		`remit: segment 4 (BPR): element 16: date "20002316": invalid value: no such day`},
}

// rawSample returns a sample as published.
func rawSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testshared.Path(t, "testdata", "x12", "835", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sample returns a sample with its known defect, if any, fixed.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	b := rawSample(t, name)
	if d, ok := defects[name]; ok {
		if !bytes.Contains(b, []byte(d.old)) {
			t.Fatalf("%s: defect %q not found", name, d.old)
		}
		b = bytes.Replace(b, []byte(d.old), []byte(d.new), 1)
	}
	return b
}

func TestSampleDefects(t *testing.T) {
	for name, d := range defects {
		_, err := readAll(rawSample(t, name))
		if err == nil || err.Error() != d.err {
			t.Errorf("%s: read error = %v, want %s", name, err, d.err)
		}
	}
}

// readAll parses every transaction set in data with ReadFile.
func readAll(data []byte) ([]*Remittance, error) { return ReadFile(bytes.NewReader(data)) }

func write(t testing.TB, rs []*Remittance) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, rs...); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for _, name := range samples {
		t.Run(name, func(t *testing.T) {
			rs, err := readAll(sample(t, name))
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			got, err := json.MarshalIndent(rs, "", "\t")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", name+".golden")
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
				t.Errorf("%s: model differs from golden (-want +got):\n%s", name, diff)
			}
			// The golden JSON reads back into the same model.
			var back []*Remittance
			if err := json.Unmarshal(want, &back); err != nil {
				t.Fatalf("unmarshal golden: %v", err)
			}
			if diff := diff(rs, back); diff != "" {
				t.Errorf("%s: golden JSON does not read back (-parsed +json):\n%s", name, diff)
			}
		})
	}
}

// numeric lists the elements that Write puts in canonical number form
// (x12.FormatAmount, no trailing zeros or padding), so the segment by
// segment comparison compares them by value: "541.00" was read as 54100
// cents and is written as "541". Keeping the sender's spelling of a number
// is not a goal; keeping its value is.
var numeric = map[string][]int{
	"BPR": {2},
	"LX":  {1},
	"TS3": {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24},
	"TS2": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19},
	"CLP": {3, 4, 5, 12, 13},
	"CAS": {3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19},
	"MIA": {1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 24},
	"MOA": {1, 2, 8, 9},
	"AMT": {2},
	"QTY": {2},
	"SVC": {2, 3, 5, 7},
	"PLB": {4, 6, 8, 10, 12, 14},
}

// Other normalisations of Write, which the comparison allows:
//
//	trailing empty elements and components   dropped, as X12 requires ("SVC*HC:1**" is "SVC*HC:1")
//	line breaks after segment terminators    not written (Writer.Newline is off)
//	delimiters                               the interchange's own, so elements are compared, not bytes
//	ST03                                     always written; a sample without it gets it
//	segment order within one TR3 position    REF, PER and DTM follow the TR3's order of positions;
//	                                         repeats of one position keep their order
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

// elements returns s as its elements, each a list of components, with
// trailing empties dropped and numbers in canonical form.
func elements(s *x12.Segment) [][]string {
	var el [][]string
	isNum := map[int]bool{}
	for _, i := range numeric[s.ID] {
		isNum[i] = true
	}
	for i := 1; i <= s.Len(); i++ {
		var comps []string
		n := s.Components(i)
		if s.ID == "ISA" {
			n = 1
		}
		for j := 1; j <= n; j++ {
			v := string(s.Component(i, j))
			if isNum[i] && v != "" {
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
	for len(el) > 0 && len(el[len(el)-1]) == 0 {
		el = el[:len(el)-1]
	}
	return el
}

func TestRoundTrip(t *testing.T) {
	for _, name := range samples {
		t.Run(name, func(t *testing.T) {
			data := sample(t, name)
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
			want, got := segmentsOf(t, data), segmentsOf(t, out)
			for i := 0; i < max(len(want), len(got)); i++ {
				if i >= len(want) {
					t.Errorf("segment %d: extra %s", i+1, got[i])
					continue
				}
				if i >= len(got) {
					t.Errorf("segment %d: missing %s", i+1, want[i])
					continue
				}
				if want[i].ID != got[i].ID {
					t.Fatalf("segment %d: wrote %s, want %s", i+1, got[i], want[i])
				}
				we := elements(want[i])
				if want[i].ID == "ST" && len(we) == 2 {
					we = append(we, []string{Version}) // Write always sends ST03
				}
				if diff := cmp.Diff(we, elements(got[i])); diff != "" {
					t.Errorf("segment %d: wrote %s, want %s (-want +got):\n%s", i+1, got[i], want[i], diff)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// full returns a made-up remittance that sets every field of the model.
func full() *Remittance {
	day := func(s string) (t time.Time) { t, _ = x12.ParseDate(s); return }
	return &Remittance{
		Envelope: Envelope{
			Interchange: x12.InterchangeHeader{
				AuthQualifier: "00", SecurityQualifier: "00",
				SenderQualifier: "ZZ", SenderID: "TESTPAYER", ReceiverQualifier: "ZZ", ReceiverID: "CLAIMGATE",
				Date: "260101", Time: "0930", Version: "00501", ControlNumber: "000000042", AckRequested: "0", Usage: "T",
				Delims: x12.DefaultDelimiters,
			},
			Group: x12.GroupHeader{
				FunctionalID: "HP", SenderCode: "TESTPAYER", ReceiverCode: "CLAIMGATE", Date: "20260101", Time: "0930",
				ControlNumber: "42", Agency: "X", Version: Version,
			},
			Control: "0042",
		},
		Payment: Payment{
			HandlingCode: "C", Amount: 123456, CreditDebit: "C", Method: "ACH", Format: "CCP",
			Sender:       BankAccount{DFIQualifier: "01", DFIID: "011000015", AccountQualifier: "DA", AccountNumber: "111222333"},
			OriginatorID: "1999999999", OriginatorSupplemental: "SUPP1",
			Receiver: BankAccount{DFIQualifier: "01", DFIID: "021000021", AccountQualifier: "SG", AccountNumber: "444555666"},
			Date:     day("20260105"),
		},
		Trace:          Trace{Type: "1", Number: "EFT0001", OriginatorID: "1999999999", Supplemental: "TRACE2"},
		Currency:       "CAD",
		ReceiverID:     "RCV001",
		VersionID:      "4010",
		ProductionDate: day("20260102"),
		Payer: Payer{
			Name: "TEST HEALTH PLAN", IDQualifier: "XV", ID: "PLAN01",
			Address: Address{Line1: "1 PAYER WAY", Line2: "SUITE 2", City: "ANYTOWN", State: "NY", PostalCode: "10001", Country: "US", Subdivision: "NYC"},
			Refs:    []Ref{{"2U", "PAYER99"}, {"NF", "NAIC01"}},
			Contacts: []Contact{
				{Function: "CX", Name: "CLAIMS DESK", Numbers: []Communication{{"TE", "5550001111"}, {"EX", "12"}}},
				{Function: "BL", Name: "EDI HELP", Numbers: []Communication{{"TE", "5550002222"}, {"EM", "edi@example.test"}, {"FX", "5550003333"}}},
				{Function: "IC", Numbers: []Communication{{"UR", "example.test/payer"}}},
			},
		},
		Payee: Payee{
			Name: "SAMPLE CLINIC", IDQualifier: "XX", ID: "1234567893",
			Address:  Address{Line1: "9 CLINIC RD", City: "SOMEWHERE", State: "CA", PostalCode: "900010001"},
			Refs:     []Ref{{"TJ", "999887777"}, {"PQ", "PAYEE1"}},
			Delivery: &Delivery{Method: "EM", Name: "BILLING OFFICE", Communication: "era@example.test"},
		},
		Headers: []Header{{
			Number: 1,
			Summary: &ProviderSummary{
				ProviderID: "1234567893", FacilityCode: "11", FiscalPeriodEnd: day("20261231"), ClaimCount: Units(2), TotalCharge: 50000,
				MSPPayer: ptr[int64](1), NonLabCharge: ptr[int64](2), HCPCSReportedCharge: ptr[int64](3), HCPCSPayable: ptr[int64](4),
				ProfessionalComponent: ptr[int64](5), MSPPatientLiabilityMet: ptr[int64](6), PatientReimbursement: ptr[int64](7),
				PIPClaimCount: ptr(Units(8)), PIPAdjustment: ptr[int64](-9),
				Legacy: map[int]int64{9: 45000, 11: 5000},
			},
			Supplemental: &ProviderSupplemental{
				DRGAmount: ptr[int64](101), FederalSpecific: ptr[int64](102), HospitalSpecific: ptr[int64](103),
				DisproportionateShare: ptr[int64](104), Capital: ptr[int64](105), IndirectMedicalEd: ptr[int64](106),
				OutlierDays: ptr(Units(3)), DayOutlier: ptr[int64](108), CostOutlier: ptr[int64](109),
				AverageDRGLengthOfStay: ptr(Quantity(45000)), Discharges: ptr(Units(11)), CostReportDays: ptr(Units(12)),
				CoveredDays: ptr(Units(13)), NoncoveredDays: ptr(Units(14)), MSPPassThrough: ptr[int64](115),
				AverageDRGWeight: ptr(Quantity(12345)), CapitalFSP: ptr[int64](117), CapitalHSP: ptr[int64](118), CapitalDSH: ptr[int64](119),
			},
			Claims: []Claim{{
				ID: "CG-0001", Status: "1", Charge: 30000, Paid: 20000, PatientResponsibility: ptr[int64](5000),
				FilingIndicator: "12", PayerControlNumber: "PCN0001", FacilityCode: "11", Frequency: "1",
				DRG: "470", DRGWeight: ptr(Quantity(19876)), DischargeFraction: ptr(Quantity(5000)),
				Adjustments: []Adjustment{
					{Group: "CO", Reasons: []Reason{{Code: "45", Amount: 5000}, {Code: "253", Amount: 10, Quantity: ptr(Units(1))}}},
					{Group: "PR", Reasons: []Reason{{Code: "1", Amount: 3000}, {Code: "2", Amount: 1500}, {Code: "3", Amount: 500}}},
				},
				Patient:          &Entity{Type: "1", Last: "DOE", First: "JANE", Middle: "Q", Suffix: "JR", IDQualifier: "MI", ID: "M0001"},
				Insured:          &Entity{Type: "1", Last: "DOE", First: "JOHN", IDQualifier: "MI", ID: "M0002"},
				Corrected:        &Entity{Type: "1", Last: "DOE", First: "JANET", IDQualifier: "C", ID: "M0003"},
				ServiceProvider:  &Entity{Type: "1", Last: "SMITH", First: "ALEX", IDQualifier: "XX", ID: "1234567893"},
				CrossoverCarrier: &Entity{Type: "2", Last: "SECOND PLAN", IDQualifier: "PI", ID: "SP01"},
				PriorityPayer:    &Entity{Type: "2", Last: "PRIORITY PLAN", IDQualifier: "PI", ID: "PP01"},
				OtherSubscriber:  &Entity{Type: "1", Last: "ROE", First: "RICH", IDQualifier: "MI", ID: "M0004"},
				Inpatient: &Inpatient{
					CoveredDays: Units(4), PPSOperatingOutlier: ptr[int64](201), LifetimePsychiatricDays: ptr(Units(2)),
					DRGAmount: ptr[int64](203), RemarkCode: "MA01", DisproportionateShare: ptr[int64](205), MSPPassThrough: ptr[int64](206),
					PPSCapital: ptr[int64](207), PPSCapitalFSP: ptr[int64](208), PPSCapitalHSP: ptr[int64](209), PPSCapitalDSH: ptr[int64](210),
					OldCapital: ptr[int64](211), PPSCapitalIME: ptr[int64](212), PPSOperatingHSP: ptr[int64](213), CostReportDays: ptr(Units(5)),
					PPSOperatingFSP: ptr[int64](215), PPSCapitalOutlier: ptr[int64](216), IndirectTeaching: ptr[int64](217),
					NonpayableProfessional: ptr[int64](218), RemarkCodes: [4]string{"N1", "N2", "N3", "N4"}, PPSCapitalException: ptr[int64](223),
				},
				Outpatient: &Outpatient{
					ReimbursementRate: ptr(Quantity(8000)), HCPCSPayable: ptr[int64](301),
					RemarkCodes: [5]string{"MA02", "MA03", "MA04", "MA05", "MA06"}, ESRDPayment: ptr[int64](302), NonpayableProfessional: ptr[int64](303),
				},
				Refs:               []Ref{{"1L", "GROUP7"}, {"F8", "ORIG01"}, {"1B", "RENDER1"}},
				StatementFrom:      day("20251201"),
				StatementTo:        day("20251203"),
				CoverageExpiration: day("20261231"),
				Received:           day("20251215"),
				Contacts:           []Contact{{Function: "CX", Name: "ADJUSTER", Numbers: []Communication{{"TE", "5550004444"}}}},
				Amounts:            []Amount{{"AU", 30000}, {"I", 123}},
				Quantities:         []QuantityInfo{{"CA", Units(3)}, {"NE", Quantity(5)}},
				Services: []Service{{
					Procedure: Procedure{Qualifier: "HC", Code: "99214", Modifiers: []string{"25", "GT"}, Description: "OFFICE VISIT"},
					Charge:    20000, Paid: 15000, RevenueCode: "0510", Units: ptr(Units(1)),
					OriginalProcedure:     &Procedure{Qualifier: "HC", Code: "99215", Modifiers: []string{"", "", "", "59"}},
					OriginalUnits:         ptr(Units(2)),
					Date:                  day("20251201"),
					From:                  day("20251201"),
					To:                    day("20251202"),
					Adjustments:           []Adjustment{{Group: "CO", Reasons: []Reason{{Code: "45", Amount: 5000}}}},
					LineItemControlNumber: "LINE-1",
					Refs:                  []Ref{{"1S", "APG1"}, {"HPI", "1234567893"}, {"0K", "POLICY7"}},
					Allowed:               ptr[int64](15000),
					Amounts:               []Amount{{"KH", 250}},
					Quantities:            []QuantityInfo{{"ZK", Units(1)}},
					Remarks:               []Remark{{"HE", "M15"}, {"RX", "70"}},
				}, {
					Procedure: Procedure{Qualifier: "NU", Code: "0300"},
					Charge:    10000, Paid: 5000,
				}},
			}},
		}},
		ProviderAdjustments: []ProviderAdjustment{{
			ProviderID: "1234567893", FiscalPeriodEnd: day("20261231"),
			Items: []ProviderAdjustmentItem{{Reason: "L6", Amount: -250}, {Reason: "WO", Reference: "PCN0009", Amount: 1000}},
		}},
	}
}

func TestWriteParseHandBuilt(t *testing.T) {
	want := full()
	out := write(t, []*Remittance{want})
	got, err := readAll(out)
	if err != nil {
		t.Fatalf("read: %v\n%s", err, out)
	}
	if len(got) != 1 {
		t.Fatalf("read %d remittances, want 1", len(got))
	}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("parse(write(m)) != m (-want +got):\n%s\n%s", diff, out)
	}
	if errs := envelopeProblems(t, out); len(errs) > 0 {
		t.Errorf("envelope problems in written 835: %v", errs)
	}
}

func envelopeProblems(t *testing.T, data []byte) []*x12.ParseError {
	t.Helper()
	problems, err := x12.CheckEnvelopes(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return problems
}

// TestWriteCounts checks the trailers of a batch: two sets in one group.
func TestWriteCounts(t *testing.T) {
	a, b := full(), full()
	b.Envelope.Control = "0043"
	out := write(t, []*Remittance{a, b})
	if errs := envelopeProblems(t, out); len(errs) > 0 {
		t.Errorf("envelope problems: %v", errs)
	}
	for _, want := range []string{"~SE*65*0042~", "~SE*65*0043~", "~GE*2*42~", "~IEA*1*000000042~"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("written 835 lacks %q:\n%s", want, out)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const head = "ISA*00*          *00*          *ZZ*TESTPAYER      *ZZ*CLAIMGATE      *260101*0930*^*00501*000000042*0*T*:~" +
		"GS*HP*TESTPAYER*CLAIMGATE*20260101*0930*42*X*005010X221A1~" +
		"ST*835*0042*005010X221A1~"
	const payer = "TRN*1*EFT1*1999999999~N1*PR*TEST PLAN~N3*1 WAY~N4*TOWN*NY*10001~N1*PE*CLINIC*XX*1234567893~"
	const tail = "SE*9*0042~GE*1*42~IEA*1*000000042~"
	tests := []struct {
		name, body string
		want       string
	}{
		{"amount with three decimals", "BPR*I*1.005*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~",
			"remit: segment 4 (BPR): element 2: number \"1.005\": invalid value: more than 2 decimal places"},
		{"bad claim amount", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10.001*5**12~NM1*QC*1*DOE*JANE~",
			"remit: segment 11 (CLP): element 3: number \"10.001\": invalid value: more than 2 decimal places"},
		{"bad date", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~DTM*232*20250230~",
			"remit: segment 13 (DTM): element 2: date \"20250230\": invalid value: no such day"},
		{"missing CLP01", "BPR*I*5*C*NON~" + payer + "LX*1~CLP**1*10*5**12~NM1*QC*1*DOE*JANE~",
			"remit: segment 11 (CLP): element 1: patient control number (CLP01) is required"},
		{"missing paid amount", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10***12~NM1*QC*1*DOE*JANE~",
			"remit: segment 11 (CLP): element 4: claim payment amount (CLP04) is required"},
		{"bad service quantity", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~SVC*HC:99213*10*5**1.00001~",
			"remit: segment 13 (SVC): element 5: number \"1.00001\": invalid value: more than 4 decimal places"},
		{"bad CAS amount", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~CAS*CO*45*5**253*X~NM1*QC*1*DOE*JANE~",
			"remit: segment 12 (CAS): element 6: number \"X\": invalid value: unexpected 'X'"},
		{"element not used in 5010", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12****X~NM1*QC*1*DOE*JANE~",
			"remit: segment 11 (CLP): element 10: CLP10 is not used in 5010 and cannot be kept"},
		{"unknown segment in a claim", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~ZZZ*1~",
			"remit: segment 13 (ZZZ): ZZZ*1 does not belong in loop 2100"},
		{"claim name the 835 does not have", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~NM1*DK*1*ROE~",
			"remit: segment 13 (NM1): NM1*DK does not belong in loop 2100"},
		{"bad PLB date", "BPR*I*5*C*NON~" + payer + "PLB*123*2026013*L6*5~",
			"remit: segment 10 (PLB): element 2: date \"2026013\": invalid value: want CCYYMMDD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll([]byte(head + tt.body + tail))
			if err == nil {
				t.Fatalf("Parse = nil error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse error = %q, want %q", err, tt.want)
			}
			var pe *x12.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, x12.ErrInvalidValue) {
				t.Errorf("Parse error %v is not an *x12.ParseError wrapping ErrInvalidValue", err)
			}
		})
	}
}

func FuzzParse835(f *testing.F) {
	for _, name := range samples {
		f.Add(rawSample(f, name))
	}
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
			t.Fatalf("written 835 does not read back: %v\n%s", err, b.Bytes())
		}
		for i, r := range first {
			r.Envelope = writtenEnvelope(r.Envelope, Version, i)
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
	def(&g.FunctionalID, "HP")
	def(&g.Agency, "X")
	def(&g.Version, version)
	def(&e.Control, fmt.Sprintf("%04d", n+1))
	return e
}

// TestReadOrder checks that segments a payer sends out of TR3 order read
// as Write will put them, so that write then parse gives the same model.
func TestReadOrder(t *testing.T) {
	const in = "ISA*00*          *00*          *ZZ*TESTPAYER      *ZZ*CLAIMGATE      *260101*0930*^*00501*000000042*0*T*:~" +
		"GS*HP*TESTPAYER*CLAIMGATE*20260101*0930*42*X*005010X221A1~ST*835*0042*005010X221A1~BPR*I*5*C*NON~TRN*1*EFT1*1999999999~" +
		"N1*PR*TEST PLAN~N3*1 WAY~N4*TOWN*NY*10001~PER*IC**UR*example.test~PER*BL*EDI*TE*5550001111~" +
		"N1*PE*CLINIC*XX*1234567893~LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~REF*1B*RENDER1~REF*1L*GROUP7~" +
		"SVC*HC:99213*10*5~REF*0K*POLICY7~REF*6R*LINE1~REF*1S*APG1~SE*20*0042~GE*1*42~IEA*1*000000042~"
	got, err := readAll([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	r := got[0]
	if want := []string{"BL", "IC"}; r.Payer.Contacts[0].Function != want[0] || r.Payer.Contacts[1].Function != want[1] {
		t.Errorf("payer contacts %v, want BL then IC", r.Payer.Contacts)
	}
	c := r.Headers[0].Claims[0]
	if diff := cmp.Diff([]Ref{{"1L", "GROUP7"}, {"1B", "RENDER1"}}, c.Refs); diff != "" {
		t.Errorf("claim refs (-want +got):\n%s", diff)
	}
	sv := c.Services[0]
	if diff := cmp.Diff([]Ref{{"1S", "APG1"}, {"0K", "POLICY7"}}, sv.Refs); diff != "" || sv.LineItemControlNumber != "LINE1" {
		t.Errorf("service refs (-want +got):\n%s; 6R %q", diff, sv.LineItemControlNumber)
	}
	again, err := readAll(write(t, got))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("parse(write(parse(f))) != parse(f) (-first +second):\n%s", diff)
	}
}

func TestWriteRefuses(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Remittance)
		want string
	}{
		{"no handling code", func(r *Remittance) { r.Payment.HandlingCode = "" }, "remit: BPR01 (transaction handling code) is empty"},
		{"claim without ID", func(r *Remittance) { r.Headers[0].Claims[0].ID = "" },
			`remit: claim "": CLP01 (patient control number) and CLP02 (status) are required`},
		{"service without procedure", func(r *Remittance) { r.Headers[0].Claims[0].Services[1].Procedure = Procedure{} },
			"remit: SVC01 (procedure) is empty"},
		{"seven PLB adjustments", func(r *Remittance) {
			p := &r.ProviderAdjustments[0]
			for len(p.Items) < 7 {
				p.Items = append(p.Items, ProviderAdjustmentItem{Reason: "L6", Amount: 1})
			}
		}, "remit: PLB has 7 adjustments; at most 6 fit in one segment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := full()
			tt.edit(r)
			var b bytes.Buffer
			if err := Write(&b, r); err == nil || err.Error() != tt.want {
				t.Errorf("Write error = %v, want %s", err, tt.want)
			}
		})
	}
}

// diff is cmp.Diff with a fast path for equal values, which the large
// samples need: cmp walks a 2 MB model slowly.
func diff(a, b any) string {
	if reflect.DeepEqual(a, b) {
		return ""
	}
	return cmp.Diff(a, b)
}
