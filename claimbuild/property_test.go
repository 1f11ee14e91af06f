package claimbuild_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/claimbuild"
	"github.com/claimgate/claimgate/x12/claim"
)

// generate makes a random valid input from rng: any relationship, place
// of service, frequency, number of diagnoses (1 to 12) and lines (1 to
// 50, or more on an 837I), modifiers and pointers, with or without a
// referring provider, a separate facility, a pay-to address, other
// coverage and an authorization.
func generate(rng *rand.Rand, caseID int64) *claimbuild.Input {
	in := sample()
	in.CaseID, in.Sequence = caseID, 1+rng.IntN(3)
	switch rng.IntN(3) {
	case 1:
		in.Frequency, in.PayerClaimControlNumber = claimbuild.Replacement, fmt.Sprintf("PCN%08d", rng.IntN(1e8))
	case 2:
		in.Frequency, in.PayerClaimControlNumber = claimbuild.Void, fmt.Sprintf("PCN%08d", rng.IntN(1e8))
	}
	rels := []claimgate.Relationship{claimgate.Self, claimgate.Spouse, claimgate.Child, claimgate.Other}
	in.Coverage.Relationship = rels[rng.IntN(len(rels))]
	in.Coverage.PlanType = []string{"CI", "HM", "MB", "MC", "BL", "12"}[rng.IntN(6)]
	in.Patient.Sex = []claimgate.Sex{claimgate.Female, claimgate.Male, claimgate.Unknown}[rng.IntN(3)]
	in.Facility.PlaceOfService = []string{"11", "22", "02", "10", "19", "81"}[rng.IntN(6)]
	if rng.IntN(2) == 0 {
		in.Facility.Address = in.Billing.Address // no service facility loop
	}
	if rng.IntN(2) == 0 {
		in.Referring = nil
	}
	if rng.IntN(3) == 0 {
		in.PayTo = &claimgate.Address{Line1: "PO Box 77", City: "Springfield", State: "IL", Zip: "62705"}
	}
	if rng.IntN(2) == 0 {
		in.OtherCoverages = nil
	}
	if rng.IntN(2) == 0 {
		in.PriorAuthorization = ""
	}
	in.Diagnoses = nil
	for i := range 1 + rng.IntN(12) {
		in.Diagnoses = append(in.Diagnoses, fmt.Sprintf("%c%02d%d", 'A'+rune(i), rng.IntN(100), rng.IntN(10)))
	}
	codes := []string{"99213", "99214", "36415", "83036", "93000", "20610", "J1030", "A4550", "90471"}
	revs := []string{"0510", "0300", "0301", "0730", "0450", "0636", "0270", "0762"}
	mods := []string{"25", "59", "RT", "LT", "XS", "26", "TC", "GA"}
	in.Lines = nil
	for i := range 1 + rng.IntN(50) {
		l := claimbuild.Line{ID: int64(1000*caseID) + int64(i), Code: codes[rng.IntN(len(codes))], Units: 1 + rng.IntN(4),
			ServiceDate: day(2026, 10, 1+rng.IntN(28)), RevenueCode: revs[rng.IntN(len(revs))]}
		l.Charge = claimgate.Money(rng.IntN(50000)) * claimgate.Money(l.Units)
		for range rng.IntN(5) {
			l.Modifiers = append(l.Modifiers, mods[rng.IntN(len(mods))])
		}
		for _, p := range rng.Perm(len(in.Diagnoses))[:1+rng.IntN(min(4, len(in.Diagnoses)))] {
			l.DxPointers = append(l.DxPointers, p+1)
		}
		in.Lines = append(in.Lines, l)
	}
	return in
}

// TestGeneratedClaims is a property test: every claim built from a
// generated input, in either guide, passes the X12 validator with no
// error and reads back as built; its CLM02 is the sum of its lines and
// its CLM01 names its case and sequence.
func TestGeneratedClaims(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const files, perFile = 8, 25
	for f := range files {
		var ts []*claim.Transaction
		for k := range perFile {
			caseID := int64(1 + f*perFile + k)
			in := generate(rng, caseID)
			build := claimbuild.Build837P
			if rng.IntN(2) == 0 {
				build = claimbuild.Build837I
			}
			tr, err := build(in, options())
			if err != nil {
				t.Fatalf("case %d: %v", caseID, err)
			}
			c := only(t, tr).Claim
			var sum int64
			for _, l := range c.Lines {
				sum += l.Charge
			}
			if c.TotalCharge != sum || sum != int64(in.Total()) {
				t.Errorf("case %d: CLM02 %d, lines %d, input %d", caseID, c.TotalCharge, sum, in.Total())
			}
			if id, seq, ok := claimbuild.ParsePatientControlNumber(c.PatientControlNumber); !ok || id != caseID || seq != in.Sequence {
				t.Errorf("case %d: CLM01 %q parses as %d %d %v", caseID, c.PatientControlNumber, id, seq, ok)
			}
			ts = append(ts, tr)
		}
		check(t, write(t, ts, 100+f), mustStamp(t, ts, 100+f))
	}
}

func TestParsePatientControlNumber(t *testing.T) {
	for _, tc := range []struct {
		in     string
		caseID int64
		seq    int
		ok     bool
	}{
		{"CG42-1", 42, 1, true},
		{claimbuild.PatientControlNumber(9_000_000_001, 12), 9_000_000_001, 12, true},
		{"CG42", 0, 0, false},
		{"CG042-1", 0, 0, false},
		{"CG42-0", 0, 0, false},
		{"XX42-1", 0, 0, false},
		{"CG-1-1", 0, 0, false},
		{"", 0, 0, false},
	} {
		id, seq, ok := claimbuild.ParsePatientControlNumber(tc.in)
		if id != tc.caseID || seq != tc.seq || ok != tc.ok {
			t.Errorf("ParsePatientControlNumber(%q) = %d, %d, %v, want %d, %d, %v", tc.in, id, seq, ok, tc.caseID, tc.seq, tc.ok)
		}
	}
}
