package claimbuild_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/claimbuild"
	"github.com/claimgate/claimgate/testpayer"
	"github.com/claimgate/claimgate/x12/ack"
	"github.com/claimgate/claimgate/x12/claim"
	"github.com/claimgate/claimgate/x12/remit"
)

// enroll puts the coverage of in on the test payer's roster: the
// subscriber, whose member ID the claim carries.
func enroll(t *testing.T, tp *testpayer.Payer, in *claimbuild.Input) {
	t.Helper()
	cov, pt := in.Coverage, in.Patient
	m := testpayer.Member{ID: cov.MemberID, Last: pt.Last, First: pt.First, BirthDate: pt.BirthDate, Sex: string(pt.Sex),
		Plan: "TEST PLAN", Group: cov.GroupNumber, CoverageFrom: cov.EffectiveFrom, CoverageTo: cov.EffectiveTo,
		Deductible: 20000, DeductibleRemaining: 5000, Copay: 2000, Coinsurance: 20, OOPMax: 300000, OOPRemaining: 250000}
	if cov.Relationship != claimgate.Self {
		m.Last, m.First, m.BirthDate, m.Sex = cov.SubscriberLast, cov.SubscriberFirst, cov.SubscriberBirthDate, ""
	}
	if err := tp.Enroll(in.Payer.PayerID, m); err != nil {
		t.Fatal(err)
	}
}

// handle sends file to the test payer and checks its 999 accepts every
// transaction set; it returns the payer's answers by kind.
func handle(t *testing.T, tp *testpayer.Payer, file []byte, sets int) map[string][]testpayer.File {
	t.Helper()
	files, err := tp.HandleBatch(context.Background(), file)
	if err != nil {
		t.Fatalf("HandleBatch = %v", err)
	}
	byKind := map[string][]testpayer.File{}
	var names []string
	for _, f := range files {
		byKind[f.Kind] = append(byKind[f.Kind], f)
		names = append(names, f.Name)
	}
	if len(byKind["999"]) != 1 || len(byKind["277CA"]) == 0 {
		t.Fatalf("answers %v: want a 999 and 277CAs", names)
	}
	ic, err := ack.Parse(bytes.NewReader(byKind["999"][0].Data))
	if err != nil {
		t.Fatalf("parse 999: %v", err)
	}
	accepted := 0
	for _, g := range ic.Groups {
		for _, a := range g.Acks {
			if a.Status != "A" {
				t.Errorf("999 for group %s: AK9 %s (%d of %d accepted), want A", a.GroupControl, a.Status, a.Accepted, a.Received)
			}
			accepted += a.Accepted
			for _, s := range a.Sets {
				if s.Status != "A" || len(s.Errors) > 0 {
					t.Errorf("999 for set %s: IK5 %s with errors %+v", s.ControlNumber, s.Status, s.Errors)
				}
			}
		}
	}
	if accepted != sets {
		t.Errorf("999 accepted %d sets, want %d", accepted, sets)
	}
	return byKind
}

// TestEndToEndTestPayer bills the seeded practice's coded cases to the
// built-in test payer in one file: the 999 accepts it, the 277CA accepts
// every claim, and after the payer's days to pay an 835 answers each
// claim by its patient control number and each line by its charge line
// ID. A replacement and a void of paid claims, naming them by the
// payer's claim number, are accepted and reverse the originals.
func TestEndToEndTestPayer(t *testing.T) {
	pr := seeded(t, 30)
	ctx := context.Background()
	clock := now
	tp, err := testpayer.New(testpayer.DefaultConfig(), testpayer.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	var ts []*claim.Transaction
	inputs := map[string]*claimbuild.Input{} // by CLM01
	for _, c := range pr.coded() {
		in := pr.load(t, c.ID)
		if badPointer(in) != "" {
			continue // refused, as TestSeededCases shows
		}
		enroll(t, tp, in)
		tr, err := claimbuild.Build837P(in, options())
		if err != nil {
			t.Fatalf("case %d: %v", c.ID, err)
		}
		ts = append(ts, tr)
		inputs[in.PatientControlNumber()] = in
	}
	if len(ts) < 3 {
		t.Fatalf("%d claims built, want at least 3", len(ts))
	}
	handle(t, tp, write(t, ts, 1), len(ts))
	payerClaim := map[string]string{} // CLM01 → the payer's claim number
	for _, a := range tp.Acks() {
		if !a.Accepted {
			t.Errorf("277CA for claim %s: %s %s, want accepted", a.ClaimID, a.Status(), a.Why)
		}
		payerClaim[a.ClaimID] = a.PayerClaimID
	}
	if len(payerClaim) != len(ts) {
		t.Errorf("277CA answered %d claims, want %d", len(payerClaim), len(ts))
	}

	clock = now.AddDate(0, 0, 45)
	paid, err := tp.Advance(ctx, clock)
	if err != nil {
		t.Fatal(err)
	}
	remitted := remittances(t, paid)
	var totalPaid int64
	for id, in := range inputs {
		cl, ok := remitted[id]
		if !ok {
			t.Errorf("no 835 claim for %s", id)
			continue
		}
		totalPaid += cl.Paid
		if cl.Charge != int64(in.Total()) {
			t.Errorf("835 claim %s: charge %d, want %d", id, cl.Charge, in.Total())
		}
		var got, want []string
		for _, s := range cl.Services {
			got = append(got, s.LineItemControlNumber)
		}
		for _, l := range in.Lines {
			want = append(want, fmt.Sprint(l.ID))
		}
		if !slices.Equal(got, want) {
			t.Errorf("835 claim %s: lines REF*6R %v, want our charge line IDs %v", id, got, want)
		}
	}
	if totalPaid == 0 {
		t.Errorf("the 835s paid nothing")
	}

	// A corrected claim (7) for one case and a void (8) for another.
	ids := slices.Sorted(maps.Keys(inputs))
	var fixes []*claim.Transaction
	for i, freq := range []string{claimbuild.Replacement, claimbuild.Void} {
		in := inputs[ids[i]]
		in.Sequence, in.Frequency, in.PayerClaimControlNumber = 2, freq, payerClaim[ids[i]]
		tr, err := claimbuild.Build837P(in, options())
		if err != nil {
			t.Fatal(err)
		}
		fixes = append(fixes, tr)
	}
	before := len(tp.Acks())
	handle(t, tp, write(t, fixes, 2), len(fixes))
	for i, a := range tp.Acks()[before:] {
		// The void's answer says what it reversed; the replacement's, that
		// it is adjudicated anew.
		if !a.Accepted || i == 1 && !strings.HasPrefix(a.Why, "reversed: voided") {
			t.Errorf("277CA for %s: %s %q, want accepted", a.ClaimID, a.Status(), a.Why)
		}
	}
	clock = clock.AddDate(0, 0, 45)
	paid, err = tp.Advance(ctx, clock)
	if err != nil {
		t.Fatal(err)
	}
	remitted = remittances(t, paid)
	for _, id := range ids[:2] {
		if cl, ok := remitted[id]; !ok || cl.Status != "22" {
			t.Errorf("835 for the original %s: %+v, want a reversal (CLP02 22)", id, cl)
		}
	}
	replacement := strings.TrimSuffix(ids[0], "-1") + "-2"
	if cl, ok := remitted[replacement]; !ok || cl.Status == "22" || cl.Charge != int64(inputs[ids[0]].Total()) {
		t.Errorf("835 for the replacement %s: %+v, want it adjudicated", replacement, cl)
	}
}

// remittances reads the 835s among files and returns their claims by
// CLP01; a later claim with the same ID (a reversal) wins.
func remittances(t *testing.T, files []testpayer.File) map[string]remit.Claim {
	t.Helper()
	out := map[string]remit.Claim{}
	for _, f := range files {
		if f.Kind != "835" {
			continue
		}
		rs, err := remit.ReadFile(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		for _, r := range rs {
			for _, h := range r.Headers {
				for _, c := range h.Claims {
					if _, seen := out[c.ID]; seen && c.Status != "22" {
						continue // keep the reversal
					}
					out[c.ID] = c
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no 835 claims in %d files", len(files))
	}
	return out
}
