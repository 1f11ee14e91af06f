package claimbuild_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/claimbuild"
	"github.com/claimgate/claimgate/internal/seed"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/workflow"
	"github.com/claimgate/claimgate/x12/claim"
	"github.com/claimgate/claimgate/x12/validate"
)

// now is the tests' clock: the seeded practice's day.
var now = time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)

func options() claimbuild.Options {
	return claimbuild.Options{
		Created:   now,
		Submitter: claimbuild.Submitter{ID: "CG0001", Contact: "Billing Office", Phone: "5550001000"},
		Receiver:  claimbuild.Receiver{ID: "TESTCH", Name: "Claimgate Test Clearinghouse"},
	}
}

func envelope(ctl int) claimbuild.Envelope {
	return claimbuild.Envelope{SenderID: "CLAIMGATE", ReceiverID: "TESTCH", ControlNumber: ctl, Time: now}
}

// practice is a seeded synthetic practice in a real SQLite store.
type practice struct {
	st claimgate.Store
	wf *workflow.Service
	p  *seed.Practice
}

func seeded(t *testing.T, patients int) *practice {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "claims.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	wf := &workflow.Service{Store: st, Now: func() time.Time { return now }}
	p, err := seed.Seed(ctx, st, wf, seed.Options{Patients: patients, Seed: 3, AdminPassword: "test-password", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return &practice{st: st, wf: wf, p: p}
}

// coded returns the seeded cases that reached coding: diagnoses and
// charges captured.
func (pr *practice) coded() []claimgate.Case {
	var out []claimgate.Case
	for _, c := range pr.p.Cases {
		if c.Stage == claimgate.Coding {
			out = append(out, c)
		}
	}
	return out
}

// zipPlus4 gives the billing provider and a separate service facility the
// nine-digit ZIPs the 837 requires, for inputs that carry five (the seeded
// practice's addresses carry nine already: TestSeededZipIsAccepted).
func zipPlus4(in *claimbuild.Input) {
	for _, a := range []*claimgate.Address{&in.Billing.Address, &in.Facility.Address} {
		if len(a.Zip) == 5 {
			a.Zip += "0001"
		}
	}
}

// load loads a seeded case's primary claim with ZIP+4 addresses.
func (pr *practice) load(t *testing.T, caseID int64) *claimbuild.Input {
	t.Helper()
	in, err := claimbuild.Load(context.Background(), pr.st, caseID, 1)
	if err != nil {
		t.Fatalf("Load(case %d) = %v", caseID, err)
	}
	zipPlus4(in)
	return in
}

// write writes ts as one interchange.
func write(t *testing.T, ts []*claim.Transaction, ctl int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := claimbuild.Write(&buf, ts, envelope(ctl)); err != nil {
		t.Fatalf("Write = %v", err)
	}
	return buf.Bytes()
}

// check validates file and reads it back: no error finding, and the
// transactions read equal ts (as Write stamped them).
func check(t *testing.T, file []byte, ts []*claim.Transaction) {
	t.Helper()
	sets := 0
	env, err := validate.Stream(bytes.NewReader(file), func(r *validate.SetResult) error {
		sets++
		for _, f := range r.Findings {
			if f.Severity == validate.Error {
				t.Errorf("set %s: %v", r.Set.ControlNumber, f)
			} else {
				t.Logf("set %s: warning: %v", r.Set.ControlNumber, f)
			}
		}
		return nil
	})
	if err != nil || len(env) > 0 {
		t.Errorf("validate.Stream = %v, envelope problems %v", err, env)
	}
	if sets != len(ts) {
		t.Errorf("validated %d sets, want %d", sets, len(ts))
	}
	got, err := claim.ReadFile(bytes.NewReader(file))
	if err != nil {
		t.Fatalf("claim.ReadFile = %v", err)
	}
	if len(got) != len(ts) {
		t.Fatalf("read %d transactions, want %d", len(got), len(ts))
	}
	for i := range ts {
		if d := cmp.Diff(ts[i], got[i]); d != "" {
			t.Errorf("transaction %d: read(write(build)) differs (-built +read):\n%s", i+1, d)
		}
	}
	if t.Failed() {
		t.Logf("file:\n%s", strings.ReplaceAll(string(file), "~", "~\n"))
	}
}

// only returns the single claim of t with its hierarchy.
func only(t *testing.T, tr *claim.Transaction) claim.ClaimRef {
	t.Helper()
	cs := tr.Claims()
	if len(cs) != 1 {
		t.Fatalf("transaction holds %d claims, want 1", len(cs))
	}
	return cs[0]
}

func day(y int, m time.Month, d int) claimgate.Date { return claimgate.Date{Year: y, Month: m, Day: d} }

// sample is a complete synthetic input: a child billed to her parent's
// commercial plan, with a secondary coverage, a referring provider, a
// service facility apart from the billing address and an authorization.
func sample() *claimbuild.Input {
	org := claimgate.Organization{ID: 1, Name: "Riverbend Family Medicine (synthetic)", NPI: seed.NPI(123456789), TaxID: "99-0000001",
		Taxonomy: "261QP2300X", Address: claimgate.Address{Line1: "100 Riverbend Plaza", Line2: "Suite 2", City: "Springfield", State: "IL", Zip: "62701-0001"}}
	return &claimbuild.Input{
		CaseID: 42, Sequence: 1, Frequency: claimbuild.Original, PriorAuthorization: "ACA0042",
		Billing:   org,
		Rendering: claimgate.Provider{ID: 1, OrgID: 1, First: "Casey", Last: "Clinic", NPI: seed.NPI(124531959), Taxonomy: "207Q00000X"},
		Referring: &claimgate.Provider{ID: 2, First: "Robin", Last: "Internist", NPI: seed.NPI(131313131), Taxonomy: "207R00000X"},
		Facility: claimgate.Location{ID: 2, OrgID: 1, Name: "Northside Outpatient", NPI: seed.NPI(223344556), PlaceOfService: "22",
			Address: claimgate.Address{Line1: "9 North Rd", City: "Springfield", State: "IL", Zip: "627020009"}},
		Patient: claimgate.Patient{ID: 7, MRN: "MRN001007", First: "Avery", Last: "Testwood", BirthDate: day(2015, 6, 9), Sex: claimgate.Female,
			Address: claimgate.Address{Line1: "12 Maple Ave", City: "Springfield", State: "IL", Zip: "62704"}},
		Coverage: claimgate.Coverage{ID: 9, PatientID: 7, PayerID: 1, Rank: 1, PlanType: "CI", MemberID: "AC1234567", GroupNumber: "GRP100",
			SubscriberFirst: "Jordan", SubscriberLast: "Testwood", SubscriberBirthDate: day(1981, 2, 3), Relationship: claimgate.Child,
			EffectiveFrom: day(2026, 1, 1)},
		Payer: claimgate.Payer{ID: 1, Name: "Acme Health Plan (test payer)", PayerID: "ACME1", PlanTypes: []string{"CI"}},
		OtherCoverages: []claimbuild.OtherCoverage{{
			Coverage: claimgate.Coverage{ID: 10, PatientID: 7, PayerID: 3, Rank: 2, PlanType: "MC", MemberID: "MC7654321", Relationship: claimgate.Self},
			Payer:    claimgate.Payer{ID: 3, Name: "State Medicaid (test payer)", PayerID: "MCD01"},
		}},
		Diagnoses: []string{"J069", "R509"},
		Lines: []claimbuild.Line{
			{ID: 101, Code: "99214", Modifiers: []string{"25"}, Units: 1, Charge: 21000, DxPointers: []int{1, 2}, ServiceDate: day(2026, 10, 27), RevenueCode: "0510"},
			{ID: 102, Code: "96372", Units: 1, Charge: 4000, DxPointers: []int{1}, ServiceDate: day(2026, 10, 27), RevenueCode: "0260"},
			{ID: 103, Code: "J1030", Units: 2, Charge: 3600, DxPointers: []int{2}, ServiceDate: day(2026, 10, 27), RevenueCode: "0636"},
		},
	}
}
