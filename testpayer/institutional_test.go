package testpayer

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/x12/claim"
)

// TestInstitutional adjudicates an outpatient 837I: a line priced by its
// HCPCS code and a line with a revenue code only, priced by revenue code.
func TestInstitutional(t *testing.T) {
	cfg := testConfig()
	cfg.Payers[0].FeeSchedule = append(cfg.Payers[0].FeeSchedule, Fee{Code: "REV0300", Allowed: 4000})
	spec := claimSpec{id: "I1", member: "M4", last: "PATEL", dx: []string{"J069"}}
	tr := func() []byte {
		f := file837(t, "000000401", spec)
		ts, err := claim.ReadFile(bytes.NewReader(f))
		if err != nil {
			t.Fatal(err)
		}
		tx := ts[0]
		tx.Version = claim.Institutional
		tx.Envelope.Group.Version = claim.Institutional
		c := claim.Claim{PatientControlNumber: "I1", FacilityCode: "13", FacilityQualifier: "A", Frequency: "1",
			Assignment: "A", BenefitsAssignment: "Y", ReleaseOfInformation: "Y",
			Dates:         []claim.DatePeriod{{Qualifier: "434", Format: "RD8", From: day("2026-02-20"), To: day("2026-02-20")}},
			Institutional: &claim.InstitutionalCode{AdmissionType: "3", AdmissionSource: "1", PatientStatus: "01"},
			HealthCodes:   []claim.CodeList{{{Qualifier: "ABK", Code: "J069"}}},
			Providers:     []claim.Party{{Entity: claim.Entity{Role: "71", Type: "1", Last: "CLINIC", First: "CASEY", IDQualifier: "XX", ID: "1245319599"}}},
			Lines: []claim.Line{
				{Number: 1, RevenueCode: "0510", Procedure: claim.Procedure{Qualifier: "HC", Code: "99213"}, Charge: 20000, UnitBasis: "UN", Units: claim.Units(1),
					Dates: []claim.DatePeriod{{Qualifier: "472", Format: "D8", From: day("2026-02-20")}}},
				{Number: 2, RevenueCode: "0300", Charge: 6000, UnitBasis: "UN", Units: claim.Units(1),
					Dates: []claim.DatePeriod{{Qualifier: "472", Format: "D8", From: day("2026-02-20")}}},
			},
			TotalCharge: 26000,
		}
		sub := &tx.BillingProviders[0].Subscribers[0]
		sub.Claims = []claim.Claim{c}
		var buf bytes.Buffer
		if err := claim.Write(&buf, tx); err != nil {
			t.Fatal(err)
		}
		checkValid(t, "837I", buf.Bytes())
		return buf.Bytes()
	}()
	p := newPayer(t, cfg, day("2026-03-01"))
	ctx := context.Background()
	first, err := p.HandleBatch(ctx, tr)
	if err != nil {
		t.Fatal(err)
	}
	paid, err := p.Advance(ctx, day("2026-04-01"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(first, paid...) {
		checkValid(t, f.Name, f.Data)
	}
	rs := remits(t, paid)
	if len(rs) != 1 {
		t.Fatalf("%d 835s, want 1 (answers: %v)", len(rs), kinds(first))
	}
	var got []string
	for _, s := range rs[0].Headers[0].Claims[0].Services {
		got = append(got, s.Procedure.Qualifier+":"+s.Procedure.Code+"/"+s.RevenueCode+" allowed "+amount(s.Allowed))
	}
	want := []string{"HC:99213/0510 allowed 9250", "NU:0300/ allowed 4000"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("837I lines in the 835 (-want +got):\n%s", diff)
	}
}

func amount(p *int64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatInt(*p, 10)
}
