package testpayer

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/claim"
	"github.com/claimgate/claimgate/x12/remit"
	"github.com/claimgate/claimgate/x12/validate"
)

// The test payer's world: one payer, ACME1, with a roster, fees and rules
// small enough to read.
const (
	billingNPI = "1234567893"
	otherNPI   = "9876543213"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func date(s string) claimgate.Date { return claimgate.DateOf(day(s)) }

func testConfig() *Config {
	return &Config{
		Clearinghouse: Party{ID: "TESTCH", Name: "TEST CLEARINGHOUSE"},
		Seed:          7,
		Payers: []PayerConfig{{
			ID: "ACME1", Name: "ACME HEALTH PLAN", TaxID: "990000101",
			Address:     Address{Line1: "1 ACME PLAZA", City: "SPRINGFIELD", State: "IL", Zip: "62701"},
			BillingNPIs: []string{billingNPI},
			Members: []Member{
				{ID: "M1", Last: "RIVERA", First: "ANA", BirthDate: date("1980-03-14"), Sex: "F", Plan: "PPO",
					CoverageFrom: date("2026-01-01"), Deductible: 10000, DeductibleRemaining: 10000, Copay: 2500, Coinsurance: 20,
					OOPMax: 300000, OOPRemaining: 300000},
				{ID: "M2", Last: "CHEN", First: "WEI", BirthDate: date("1975-11-02"), Plan: "HMO",
					CoverageFrom: date("2025-01-01"), CoverageTo: date("2026-06-30")},
				{ID: "M4", Last: "PATEL", First: "RAJ", BirthDate: date("1990-01-01"), Plan: "PPO", CoverageFrom: date("2025-01-01"), Coinsurance: 20},
				{ID: "M3", Last: "OKAFOR", First: "JAMES", BirthDate: date("1962-07-21"), Plan: "PPO",
					CoverageFrom: date("2026-01-01"), OtherPayerPrimary: true, OtherPayerName: "EMPLOYER TRUST"},
			},
			AuthRequired:   []string{"72148"},
			Authorizations: []Authorization{{Member: "M1", Code: "72148", Number: "AUTH1", From: date("2026-01-01"), To: date("2026-12-31")}},
			FeeSchedule: []Fee{{Code: "99213", Allowed: 9250}, {Code: "72148", Allowed: 23000}, {Code: "93000", Allowed: 1700},
				{Code: "93010", Allowed: 850}, {Code: "36415", Allowed: 300}, {Code: "80053", Allowed: 1100}},
			Coverage:         []CoverageRule{{Code: "93000", Diagnoses: []string{"I10", "R07*"}}},
			Bundles:          []Bundle{{Column1: "93000", Column2: "93010"}, {Column1: "80053", Column2: "36415", ModifierAllowed: true}},
			TimelyFilingDays: 90,
			DaysToPay:        14,
		}},
	}
}

func newPayer(t *testing.T, cfg *Config, now time.Time) *Payer {
	t.Helper()
	p, err := New(cfg, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// line is a service line for a test claim.
type line struct {
	code  string
	mods  []string
	dos   string
	cents int64
	units int64
	ptrs  []int
}

// claimSpec is a test claim: who, to whom, what.
type claimSpec struct {
	id        string
	payer     string
	npi       string
	member    string
	last      string
	first     string
	sbr       string // SBR01, default P
	freq      string // default 1
	f8        string
	dx        []string
	lines     []line
	noRender  bool // billing provider an organization without a rendering provider
	orgBiller bool
	// primaryPaid, when set, adds the primary payer's adjudication (loop
	// 2320 with AMT*D) for a claim billed as secondary.
	primaryPaid int64
	total       int64 // CLM02 when not the sum of the lines
}

func (s claimSpec) claim() claim.Claim {
	c := claim.Claim{PatientControlNumber: s.id, FacilityCode: "11", FacilityQualifier: "B", Frequency: s.freq,
		ProviderSignature: "Y", Assignment: "A", BenefitsAssignment: "Y", ReleaseOfInformation: "Y", PayerClaimControlNumber: s.f8}
	if c.Frequency == "" {
		c.Frequency = "1"
	}
	var hi claim.CodeList
	for i, d := range s.dx {
		q := "ABF"
		if i == 0 {
			q = "ABK"
		}
		hi = append(hi, claim.HealthCode{Qualifier: q, Code: d})
	}
	c.HealthCodes = []claim.CodeList{hi}
	if !s.noRender {
		c.Providers = []claim.Party{{Entity: claim.Entity{Role: "82", Type: "1", Last: "CLINIC", First: "CASEY", IDQualifier: "XX", ID: "1245319599"}}}
	}
	if s.primaryPaid > 0 {
		paid := s.primaryPaid
		c.OtherSubscribers = []claim.OtherSubscriber{{
			PayerResponsibility: "P", Relationship: "18", FilingIndicator: "CI", PayerPaid: &paid,
			BenefitsAssignment: "Y", ReleaseOfInformation: "Y",
			Subscriber: claim.Party{Entity: claim.Entity{Role: "IL", Type: "1", Last: s.last, First: s.first, IDQualifier: "MI", ID: "EMP" + s.member}},
			Payer:      claim.Party{Entity: claim.Entity{Role: "PR", Type: "2", Last: "EMPLOYER TRUST", IDQualifier: "PI", ID: "EMPTR"}},
		}}
	}
	for i, l := range s.lines {
		units := l.units
		if units == 0 {
			units = 1
		}
		ptrs := l.ptrs
		if ptrs == nil {
			ptrs = []int{1}
		}
		c.Lines = append(c.Lines, claim.Line{Number: i + 1, Procedure: claim.Procedure{Qualifier: "HC", Code: l.code, Modifiers: l.mods},
			Charge: l.cents, UnitBasis: "UN", Units: claim.Units(units), DiagnosisPointers: ptrs,
			Dates: []claim.DatePeriod{{Qualifier: "472", Format: "D8", From: day(l.dos)}}})
		c.TotalCharge += l.cents
	}
	if s.total != 0 {
		c.TotalCharge = s.total
	}
	return c
}

// file837 writes claims as one 837P interchange, control number ctl.
func file837(t *testing.T, ctl string, specs ...claimSpec) []byte {
	t.Helper()
	tr := &claim.Transaction{
		Envelope: claim.Envelope{
			Interchange: x12.InterchangeHeader{AuthQualifier: "00", SecurityQualifier: "00", SenderQualifier: "ZZ", SenderID: "CLAIMGATE",
				ReceiverQualifier: "ZZ", ReceiverID: "TESTCH", Date: "260301", Time: "0900", Version: "00501", ControlNumber: ctl,
				AckRequested: "0", Usage: "T", Delims: x12.DefaultDelimiters},
			Group: x12.GroupHeader{FunctionalID: "HC", SenderCode: "CLAIMGATE", ReceiverCode: "TESTCH", Date: "20260301", Time: "0900",
				ControlNumber: "1", Agency: "X", Version: claim.Professional},
			Control: "0001",
		},
		Version: claim.Professional, Purpose: "00", Reference: "B" + ctl, Created: day("2026-03-01"), Type: "CH",
		Submitter: claim.Party{Entity: claim.Entity{Role: "41", Type: "2", Last: "RIVERBEND FAMILY MEDICINE", IDQualifier: "46", ID: "CG0001"},
			Contacts: []claim.Contact{{Function: "IC", Name: "BILLING", Numbers: []claim.Communication{{Qualifier: "TE", Number: "5550001000"}}}}},
		Receiver: claim.Party{Entity: claim.Entity{Role: "40", Type: "2", Last: "TEST CLEARINGHOUSE", IDQualifier: "46", ID: "TESTCH"}},
	}
	for _, s := range specs {
		npi := s.npi
		if npi == "" {
			npi = billingNPI
		}
		payer := s.payer
		if payer == "" {
			payer = "ACME1"
		}
		sbr := s.sbr
		if sbr == "" {
			sbr = "P"
		}
		bp := claim.BillingProvider{
			Party: claim.Party{Entity: claim.Entity{Role: "85", Type: "2", Last: "RIVERBEND FAMILY MEDICINE", IDQualifier: "XX", ID: npi},
				Address: claim.Address{Line1: "100 RIVERBEND PLAZA", City: "SPRINGFIELD", State: "IL", PostalCode: "627010001"}},
			TaxIDQualifier: "EI", TaxID: "990000001",
			Subscribers: []claim.Subscriber{{
				PayerResponsibility: sbr, Relationship: "18", FilingIndicator: "CI",
				Name: claim.Party{Entity: claim.Entity{Role: "IL", Type: "1", Last: s.last, First: s.first, IDQualifier: "MI", ID: s.member},
					Address: claim.Address{Line1: "1 MAIN ST", City: "SPRINGFIELD", State: "IL", PostalCode: "62704"}},
				BirthDate: day("1980-03-14"), Sex: "F",
				Payer:  claim.Party{Entity: claim.Entity{Role: "PR", Type: "2", Last: "ACME HEALTH PLAN", IDQualifier: "PI", ID: payer}},
				Claims: []claim.Claim{s.claim()},
			}},
		}
		tr.BillingProviders = append(tr.BillingProviders, bp)
	}
	var buf bytes.Buffer
	if err := claim.Write(&buf, tr); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkValid fails the test for every error finding of our validator in
// data, and for envelope problems.
func checkValid(t *testing.T, name string, data []byte) {
	t.Helper()
	n := 0
	env, err := validate.Stream(bytes.NewReader(data), func(r *validate.SetResult) error {
		n++
		for _, f := range r.Findings {
			if f.Severity == validate.Error {
				t.Errorf("%s: %s", name, f)
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("%s: %v", name, err)
	}
	for _, e := range env {
		t.Errorf("%s: envelope: %v", name, e)
	}
	if n == 0 && !strings.Contains(name, "TA1") {
		t.Errorf("%s: no transaction sets", name)
	}
}

// run sends specs to a fresh payer in one file, received on recv, and
// returns the payer, the immediate answers and the 835s released on pay.
func run(t *testing.T, cfg *Config, recv string, specs ...claimSpec) (*Payer, []File, []File) {
	t.Helper()
	p := newPayer(t, cfg, day(recv))
	ctx := context.Background()
	first, err := p.HandleBatch(ctx, file837(t, "000000101", specs...))
	if err != nil {
		t.Fatal(err)
	}
	paid, err := p.Advance(ctx, day(recv).AddDate(0, 0, 60))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(append([]File(nil), first...), paid...) {
		checkValid(t, f.Name, f.Data)
	}
	return p, first, paid
}

// remits parses the 835s in files.
func remits(t *testing.T, files []File) []*remit.Remittance {
	t.Helper()
	var out []*remit.Remittance
	for _, f := range files {
		if f.Kind != "835" {
			continue
		}
		rs, err := remit.ReadFile(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out = append(out, rs...)
	}
	return out
}
