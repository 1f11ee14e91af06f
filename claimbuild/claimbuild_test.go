package claimbuild_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/claimbuild"
	"github.com/claimgate/claimgate/x12/claim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

type builder func(*claimbuild.Input, claimbuild.Options) (*claim.Transaction, error)

var guides = []struct {
	name  string
	build builder
}{
	{"837P", claimbuild.Build837P},
	{"837I", claimbuild.Build837I},
}

// TestSeededCases builds the 837P and 837I of every coded case of a
// seeded practice, writes them in one interchange, validates it and reads
// it back; each claim carries the case's lines, diagnoses and pointers,
// its charge adds up, and the patient sits in the loop the relationship
// calls for. The case whose line points past its diagnoses is refused.
func TestSeededCases(t *testing.T) {
	pr := seeded(t, 30)
	ctx := context.Background()
	var built []*claim.Transaction
	var self, dependent, refused int
	for _, c := range pr.coded() {
		for _, g := range guides {
			in := pr.load(t, c.ID)
			tr, err := g.build(in, options())
			wantErr := ""
			if g.name == "837P" {
				wantErr = badPointer(in)
			}
			if wantErr != "" || err != nil {
				if err == nil || err.Error() != wantErr {
					t.Errorf("case %d: %s = %v, want error %q", c.ID, g.name, err, wantErr)
				}
				refused++
				continue
			}
			built = append(built, tr)
			ref := only(t, tr)
			cl := ref.Claim
			if want := fmt.Sprintf("CG%d-1", c.ID); cl.PatientControlNumber != want {
				t.Errorf("case %d: CLM01 = %q, want %q", c.ID, cl.PatientControlNumber, want)
			}
			// The claim against the store: every active line, in order.
			lines, err := pr.st.ChargeLines(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			var active []claimgate.ChargeLine
			for _, l := range lines {
				if l.Active() {
					active = append(active, l)
					sum += int64(l.Amount)
				}
			}
			if cl.TotalCharge != sum {
				t.Errorf("case %d %s: CLM02 = %d, want the sum of the lines %d", c.ID, g.name, cl.TotalCharge, sum)
			}
			if len(cl.Lines) != len(active) {
				t.Fatalf("case %d %s: %d lines, want %d", c.ID, g.name, len(cl.Lines), len(active))
			}
			for i, l := range active {
				got := cl.Lines[i]
				if got.Procedure.Code != l.Code || got.LineItemControlNumber != fmt.Sprint(l.ID) || got.Charge != int64(l.Amount) {
					t.Errorf("case %d %s line %d: %s REF*6R %s charge %d, want %s %d %d", c.ID, g.name, i+1,
						got.Procedure.Code, got.LineItemControlNumber, got.Charge, l.Code, l.ID, l.Amount)
				}
				if d, ok := got.Date("472"); !ok || claimgate.DateOf(d.From) != l.ServiceDate {
					t.Errorf("case %d %s line %d: DTP*472 = %v, want %s", c.ID, g.name, i+1, d.From, l.ServiceDate)
				}
				if g.name == "837P" && !slices.Equal(got.DiagnosisPointers, l.DxPointers) {
					t.Errorf("case %d line %d: SV107 = %v, want %v", c.ID, i+1, got.DiagnosisPointers, l.DxPointers)
				}
				if g.name == "837I" {
					it, err := pr.st.ChargeItem(ctx, l.Code)
					if err != nil {
						t.Fatal(err)
					}
					if got.RevenueCode != it.RevenueCode {
						t.Errorf("case %d line %d: SV201 = %q, want the chargemaster's %q", c.ID, i+1, got.RevenueCode, it.RevenueCode)
					}
				}
			}
			dx, err := pr.st.Diagnoses(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for i, h := range cl.Diagnoses() {
				codes = append(codes, h.Code)
				if want := map[bool]string{true: "ABK", false: "ABF"}[i == 0]; h.Qualifier != want {
					t.Errorf("case %d %s: diagnosis %d qualifier %s, want %s", c.ID, g.name, i+1, h.Qualifier, want)
				}
			}
			var wantCodes []string
			for _, d := range dx {
				wantCodes = append(wantCodes, d.Code)
			}
			if !slices.Equal(codes, wantCodes) {
				t.Errorf("case %d %s: diagnoses %v, want %v", c.ID, g.name, codes, wantCodes)
			}
			// The subscriber or the patient loop.
			covs, err := pr.st.Coverages(ctx, c.PatientID)
			if err != nil {
				t.Fatal(err)
			}
			if covs[0].Relationship == claimgate.Self {
				self++
				if ref.Patient != nil || ref.Subscriber.Relationship != "18" {
					t.Errorf("case %d %s: patient is the subscriber, but SBR02 = %q and 2000C = %v", c.ID, g.name, ref.Subscriber.Relationship, ref.Patient != nil)
				}
			} else {
				dependent++
				if ref.Patient == nil || ref.Subscriber.Relationship != "" || ref.Patient.Info.Relationship != string(covs[0].Relationship) {
					t.Errorf("case %d %s: dependent patient, but SBR02 = %q and 2000C = %+v", c.ID, g.name, ref.Subscriber.Relationship, ref.Patient)
				}
			}
			if g.name == "837I" {
				if tob := cl.TypeOfBill(); tob != "131" {
					t.Errorf("case %d: type of bill %s, want 131", c.ID, tob)
				}
				if d, ok := cl.Statement(); !ok || claimgate.DateOf(d.From) != c.ServiceDate || claimgate.DateOf(d.To) != c.ServiceDate {
					t.Errorf("case %d: statement dates %v, want %s", c.ID, d, c.ServiceDate)
				}
			}
		}
	}
	if self == 0 || dependent == 0 || refused == 0 {
		t.Errorf("built %d claims for subscribers and %d for dependents, refused %d: want some of each", self, dependent, refused)
	}
	check(t, write(t, built, 1), mustStamp(t, built, 1))
}

// badPointer returns the error a line pointing past the diagnoses earns.
func badPointer(in *claimbuild.Input) string {
	for i, l := range in.Lines {
		for _, p := range l.DxPointers {
			if p > len(in.Diagnoses) {
				return fmt.Sprintf("line %d: diagnosis pointer %d points past the claim's %d diagnoses", i+1, p, len(in.Diagnoses))
			}
		}
	}
	return ""
}

func mustStamp(t *testing.T, ts []*claim.Transaction, ctl int) []*claim.Transaction {
	t.Helper()
	out, err := claimbuild.Stamp(ts, envelope(ctl))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSeededZipIsAccepted: the seeded practice's billing and facility
// addresses carry nine-digit ZIPs (ZIP+4), which the 837 requires of the
// billing provider, so a seeded case builds as it is stored.
func TestSeededZipIsAccepted(t *testing.T) {
	pr := seeded(t, 10)
	c := pr.coded()[0]
	in, err := claimbuild.Load(context.Background(), pr.st, c.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if z := in.Billing.Address.Zip; len(z) != 9 {
		t.Errorf("billing ZIP %q, want 9 digits", z)
	}
	for _, g := range guides {
		if _, err := g.build(in, options()); err != nil {
			t.Errorf("%s with ZIP %s = %v, want a claim", g.name, in.Billing.Address.Zip, err)
		}
	}
}

// TestFrequency builds an original, a replacement and a void in both
// guides: the replacement and the void carry the payer's claim control
// number in REF*F8, the original none.
func TestFrequency(t *testing.T) {
	for _, g := range guides {
		for _, tc := range []struct {
			freq, f8 string
		}{
			{claimbuild.Original, ""},
			{claimbuild.Replacement, "ACME12610270001"},
			{claimbuild.Void, "ACME12610270001"},
		} {
			t.Run(g.name+"/"+tc.freq, func(t *testing.T) {
				in := sample()
				in.Sequence = 2
				in.Frequency, in.PayerClaimControlNumber = tc.freq, tc.f8
				tr, err := g.build(in, options())
				if err != nil {
					t.Fatal(err)
				}
				cl := only(t, tr).Claim
				if cl.Frequency != tc.freq || cl.PayerClaimControlNumber != tc.f8 {
					t.Errorf("CLM05-3 %q REF*F8 %q, want %q %q", cl.Frequency, cl.PayerClaimControlNumber, tc.freq, tc.f8)
				}
				if cl.PatientControlNumber != "CG42-2" {
					t.Errorf("CLM01 = %q, want CG42-2", cl.PatientControlNumber)
				}
				ts := []*claim.Transaction{tr}
				file := write(t, ts, 5)
				if tc.f8 != "" && !bytes.Contains(file, []byte("REF*F8*"+tc.f8+"~")) {
					t.Errorf("no REF*F8*%s in the file", tc.f8)
				}
				check(t, file, ts)
			})
		}
	}
}

// TestSample builds the sample (a dependent with a secondary coverage, a
// referring provider, a separate service facility and an authorization)
// in both guides, and then as its own subscriber.
func TestSample(t *testing.T) {
	for _, g := range guides {
		for _, selfPay := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/self=%v", g.name, selfPay), func(t *testing.T) {
				in := sample()
				if selfPay {
					in.Coverage.Relationship = claimgate.Self
					in.Coverage.SubscriberFirst, in.Coverage.SubscriberLast = "", ""
				}
				tr, err := g.build(in, options())
				if err != nil {
					t.Fatal(err)
				}
				ref := only(t, tr)
				if got := ref.Patient != nil; got == selfPay {
					t.Errorf("2000C present = %v for a patient who is the subscriber: %v", got, selfPay)
				}
				if ref.Claim.PriorAuthorization != "ACA0042" {
					t.Errorf("REF*G1 = %q, want ACA0042", ref.Claim.PriorAuthorization)
				}
				if len(ref.Claim.OtherSubscribers) != 1 || ref.Claim.OtherSubscribers[0].Payer.ID != "MCD01" {
					t.Errorf("2320 = %+v, want the Medicaid coverage", ref.Claim.OtherSubscribers)
				}
				var roles []string
				for _, p := range ref.Claim.Providers {
					roles = append(roles, p.Role)
				}
				want := []string{"DN", "82", "77"}
				if g.name == "837I" {
					want = []string{"71", "77", "DN"}
				}
				if !slices.Equal(roles, want) {
					t.Errorf("2310 providers %v, want %v", roles, want)
				}
				ts := []*claim.Transaction{tr}
				check(t, write(t, ts, 9), ts)
			})
		}
	}
}

// TestGolden compares the sample's 837P and 837I with the files in
// testdata; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, g := range guides {
		t.Run(g.name, func(t *testing.T) {
			tr, err := g.build(sample(), options())
			if err != nil {
				t.Fatal(err)
			}
			file := write(t, []*claim.Transaction{tr}, 7)
			// One segment a line, for people reading the diff.
			file = bytes.ReplaceAll(file, []byte("~"), []byte("~\n"))
			path := filepath.Join("testdata", "sample."+strings.ToLower(g.name)+".golden")
			if *update {
				if err := os.WriteFile(path, file, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), string(file)); d != "" {
				t.Errorf("%s differs from %s (-want +got); run with -update if intended:\n%s", g.name, path, d)
			}
			check(t, file, mustStamp(t, []*claim.Transaction{tr}, 7))
		})
	}
}

// TestBuildErrors: an input missing what the guide requires is refused
// with a message naming the field, and nothing is built.
func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		inst  bool // build the 837I (else the 837P)
		edit  func(in *claimbuild.Input, o *claimbuild.Options)
		want  string
		count int // problems in Details, when more than one
	}{
		{"billing ZIP of 5 digits", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Billing.Address.Zip = "62701" },
			"billing provider: ZIP must be 9 digits", 0},
		{"billing ZIP of 5 digits, 837I", true, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Billing.Address.Zip = "62701" },
			"billing provider: ZIP must be 9 digits", 0},
		{"billing name", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Billing.Name = "" }, "billing provider: name is required", 0},
		{"billing NPI missing", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Billing.NPI = "" }, "billing provider: NPI is required", 0},
		{"billing NPI check digit", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Billing.NPI = "1234567890" },
			"billing provider: NPI 1234567890 is not valid (check digit)", 0},
		{"billing EIN", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Billing.TaxID = "99000" },
			"billing provider: tax ID (EIN) must be 9 digits", 0},
		{"billing PO box", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Billing.Address.Line1 = "P.O. Box 12" },
			"billing provider: address must be a street address; a PO box goes in the pay-to address", 0},
		{"billing state", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Billing.Address.State = "" },
			"billing provider: state must be 2 letters", 0},
		{"pay-to address", false, func(in *claimbuild.Input, _ *claimbuild.Options) {
			in.PayTo = &claimgate.Address{Line1: "PO Box 9", City: "Springfield", State: "IL", Zip: "627"}
		}, "pay-to provider: ZIP must be 5 or 9 digits", 0},
		{"rendering NPI", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Rendering.NPI = "" }, "rendering provider: NPI is required", 0},
		{"rendering name", true, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Rendering.Last = "" }, "rendering provider: last name is required", 0},
		{"referring NPI", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Referring.NPI = "1111111111" },
			"referring provider: NPI 1111111111 is not valid (check digit)", 0},
		{"place of service", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Facility.PlaceOfService = "" },
			"service facility: place of service must be 2 digits", 0},
		{"facility ZIP of 5 digits", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Facility.Address.Zip = "62702" },
			"service facility: ZIP must be 9 digits", 0},
		{"facility ZIP of 5 digits, 837I", true, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Facility.Address.Zip = "62702" },
			"service facility: ZIP must be 9 digits", 0},
		{"member ID", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Coverage.MemberID = "" }, "coverage: member ID is required", 0},
		{"plan type", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Coverage.PlanType = "PPO" },
			`coverage: plan type "PPO" is not a claim filing indicator code (SBR09)`, 0},
		{"coverage rank", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Coverage.Rank = 0 }, "coverage: rank 0: want 1, 2 or 3", 0},
		{"relationship", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Coverage.Relationship = "" },
			`coverage: relationship "" is not a patient relationship code`, 0},
		{"subscriber name", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Coverage.SubscriberLast = "" },
			"subscriber: last name is required when the patient is not the subscriber", 0},
		{"payer ID", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Payer.PayerID = "" }, "payer: payer ID is required", 0},
		{"other coverage", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.OtherCoverages[0].Payer.PayerID = "" },
			"other coverage 1: member ID, payer name and payer ID are required", 0},
		{"patient birth date", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Patient.BirthDate = claimgate.Date{} },
			"patient: birth date is required", 0},
		{"patient sex", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Patient.Sex = "" }, "patient: sex must be F, M or U", 0},
		{"patient ZIP", true, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Patient.Address.Zip = "6270" },
			"patient: ZIP must be 5 or 9 digits", 0},
		{"no diagnoses", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Diagnoses = nil },
			"diagnoses: at least one is required", 5}, // and each of the 4 pointers points past none
		{"13 diagnoses", false, func(in *claimbuild.Input, _ *claimbuild.Options) {
			for i := range 11 {
				in.Diagnoses = append(in.Diagnoses, fmt.Sprintf("Z%02d", i))
			}
		}, "diagnoses: 13 codes; the claim holds 12", 0},
		{"diagnosis with its dot", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Diagnoses[1] = "R50.9" },
			`diagnosis 2: "R50.9" is not an ICD-10-CM code without its dot`, 0},
		{"diagnosis twice", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Diagnoses[1] = in.Diagnoses[0] },
			"diagnosis 2: J069 is listed twice", 0},
		{"no lines", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines = nil }, "claim: no service lines", 0},
		{"no pointer", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[1].DxPointers = nil }, "line 2: no diagnosis pointer", 0},
		{"pointer past the diagnoses", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[0].DxPointers = []int{1, 3} },
			"line 1: diagnosis pointer 3 points past the claim's 2 diagnoses", 0},
		{"pointer zero", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[2].DxPointers = []int{0} },
			"line 3: diagnosis pointer 0 points past the claim's 2 diagnoses", 0},
		{"pointer repeated", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[0].DxPointers = []int{1, 1} },
			"line 1: diagnosis pointer 1 is repeated", 0},
		{"five pointers", false, func(in *claimbuild.Input, _ *claimbuild.Options) {
			in.Diagnoses = append(in.Diagnoses, "R05", "R0789", "I10")
			in.Lines[0].DxPointers = []int{1, 2, 3, 4, 5}
		}, "line 1: 5 diagnosis pointers; the line holds 4", 0},
		{"units", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[1].Units = 0 }, "line 2: units must be at least 1", 0},
		{"negative charge", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[1].Charge = -1 }, "line 2: charge must not be negative", 0},
		{"line date", true, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[0].ServiceDate = claimgate.Date{} }, "line 1: service date is required", 0},
		{"line ID", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[2].ID = 0 },
			"line 3: charge line ID (line item control number) is required", 0},
		{"procedure code", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[0].Code = "" }, "line 1: procedure code is required", 0},
		{"five modifiers", false, func(in *claimbuild.Input, _ *claimbuild.Options) {
			in.Lines[0].Modifiers = []string{"25", "59", "XS", "RT", "LT"}
		},
			"line 1: 5 modifiers; the line holds 4", 0},
		{"modifier length", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[0].Modifiers = []string{"RTX"} },
			`line 1: modifier "RTX" must be 2 characters`, 0},
		{"revenue code", true, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Lines[2].RevenueCode = "" },
			"line 3: no revenue code for J1030 in the chargemaster", 0},
		{"replacement without F8", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Frequency = claimbuild.Replacement },
			"claim: frequency 7 needs the payer's claim control number (REF*F8)", 0},
		{"void without F8", true, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Frequency = claimbuild.Void },
			"claim: frequency 8 needs the payer's claim control number (REF*F8)", 0},
		{"frequency", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.Frequency = "6" },
			`claim: frequency "6": want 1 (original), 7 (replacement) or 8 (void)`, 0},
		{"no case", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.CaseID = 0 }, "claim: case ID and claim sequence are required", 0},
		{"control number too long", false, func(in *claimbuild.Input, _ *claimbuild.Options) { in.CaseID = 1_000_000_000_000_000_000 },
			"claim: patient control number CG1000000000000000000-1 is longer than 20 characters", 0},
		{"submitter", false, func(_ *claimbuild.Input, o *claimbuild.Options) { o.Submitter.ID = "" }, "submitter: ID (ETIN) is required", 0},
		{"submitter phone", false, func(_ *claimbuild.Input, o *claimbuild.Options) { o.Submitter.Phone = "555-0100" },
			"submitter: contact phone must be 10 digits", 0},
		{"receiver", true, func(_ *claimbuild.Input, o *claimbuild.Options) { o.Receiver = claimbuild.Receiver{} }, "receiver: name and ID are required", 0},
		{"several problems", false, func(in *claimbuild.Input, _ *claimbuild.Options) {
			in.Billing.Address.Zip = "62701"
			in.Lines[1].DxPointers = nil
			in.Patient.Sex = "X"
		}, "billing provider: ZIP must be 9 digits", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, opt := sample(), options()
			tc.edit(in, &opt)
			build := claimbuild.Build837P
			if tc.inst {
				build = claimbuild.Build837I
			}
			tr, err := build(in, opt)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("build = %v, want error %q", err, tc.want)
			}
			if tr != nil {
				t.Errorf("build returned a claim with its error")
			}
			var e *claimgate.Error
			if !errors.As(err, &e) || e.Kind != claimgate.Invalid {
				t.Fatalf("error %#v: want a claimgate.Error of kind Invalid", err)
			}
			if want := max(tc.count, 1); len(e.Details) != want {
				t.Errorf("Details = %q, want %d problems", e.Details, want)
			}
		})
	}
}

// TestLoad: Load counts the case's claims for the sequence, leaves voided
// charges out, finds the authorization that covers a line, lists the
// patient's other coverage, and a missing rank is NotFound.
func TestLoad(t *testing.T) {
	pr := seeded(t, 10)
	ctx := context.Background()
	c := pr.coded()[0]
	admin := pr.p.Users["admin"]
	in := pr.load(t, c.ID)
	if in.Sequence != 1 || in.Frequency != claimbuild.Original || in.PriorAuthorization != "" || len(in.OtherCoverages) != 0 {
		t.Errorf("Load = sequence %d frequency %q auth %q other %v, want 1, 1, none, none", in.Sequence, in.Frequency, in.PriorAuthorization, in.OtherCoverages)
	}
	if err := pr.st.CreateClaim(ctx, &claimgate.Claim{CaseID: c.ID, CoverageID: in.Coverage.ID, Frequency: "1", Status: claimgate.ClaimBuilt, TotalCharge: in.Total(), CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	lines, err := pr.st.ChargeLines(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := lines[len(lines)-1]
	if err := pr.st.VoidChargeLine(ctx, last.ID, admin.ID, "entered twice", now); err != nil {
		t.Fatal(err)
	}
	if err := pr.st.AddAuthorization(ctx, &claimgate.AuthRecord{CaseID: c.ID, Code: lines[0].Code, Number: "AUTH0001", Status: claimgate.AuthApproved,
		From: c.ServiceDate.AddDays(-1), To: c.ServiceDate.AddDays(30), OwnerID: admin.ID, Source: "phone", Reason: "approved by phone",
		CreatedBy: admin.ID, CreatedAt: now}, nil); err != nil {
		t.Fatal(err)
	}
	second := pr.p.Payers[2]
	if err := pr.st.CreateCoverage(ctx, &claimgate.Coverage{PatientID: c.PatientID, PayerID: second.ID, Rank: 2, PlanType: second.PlanTypes[0],
		MemberID: "MC0000001", Relationship: claimgate.Self, EffectiveFrom: day(2026, 1, 1)}); err != nil {
		t.Fatal(err)
	}
	in = pr.load(t, c.ID)
	if in.Sequence != 2 {
		t.Errorf("Sequence = %d after one claim, want 2", in.Sequence)
	}
	if len(in.Lines) != len(lines)-1 || slices.ContainsFunc(in.Lines, func(l claimbuild.Line) bool { return l.ID == last.ID }) {
		t.Errorf("Load kept %d lines, want %d without the voided line %d", len(in.Lines), len(lines)-1, last.ID)
	}
	if in.PriorAuthorization != "AUTH0001" {
		t.Errorf("PriorAuthorization = %q, want AUTH0001", in.PriorAuthorization)
	}
	if len(in.OtherCoverages) != 1 || in.OtherCoverages[0].Payer.PayerID != second.PayerID {
		t.Errorf("OtherCoverages = %+v, want the %s coverage", in.OtherCoverages, second.PayerID)
	}
	tr, err := claimbuild.Build837P(in, options())
	if err != nil {
		t.Fatal(err)
	}
	cl := only(t, tr).Claim
	if cl.PatientControlNumber != fmt.Sprintf("CG%d-2", c.ID) || cl.PriorAuthorization != "AUTH0001" || len(cl.OtherSubscribers) != 1 {
		t.Errorf("claim %s REF*G1 %q 2320 %d, want CG%d-2, AUTH0001, 1", cl.PatientControlNumber, cl.PriorAuthorization, len(cl.OtherSubscribers), c.ID)
	}
	check(t, write(t, []*claim.Transaction{tr}, 3), []*claim.Transaction{tr})

	if _, err := claimbuild.Load(ctx, pr.st, c.ID, 3); claimgate.ErrorKind(err) != claimgate.NotFound {
		t.Errorf("Load(rank 3) = %v, want NotFound", err)
	}
	if _, err := claimbuild.Load(ctx, pr.st, 999999, 1); claimgate.ErrorKind(err) != claimgate.NotFound {
		t.Errorf("Load(no case) = %v, want NotFound", err)
	}
}

// TestWriteGroups: 837Ps and 837Is in one interchange go in one group
// per guide, professional first, with control numbers in each.
func TestWriteGroups(t *testing.T) {
	var ts []*claim.Transaction
	for i, g := range []builder{claimbuild.Build837I, claimbuild.Build837P, claimbuild.Build837I} {
		in := sample()
		in.CaseID = int64(100 + i)
		tr, err := g(in, options())
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tr)
	}
	stamped := mustStamp(t, ts, 1)
	var got []string
	for _, tr := range stamped {
		got = append(got, tr.Version+" "+tr.Envelope.Group.ControlNumber+" "+tr.Envelope.Control+" "+only(t, tr).Claim.PatientControlNumber)
	}
	want := []string{"005010X222A1 1 0001 CG101-1", "005010X223A2 2 0001 CG100-1", "005010X223A2 2 0002 CG102-1"}
	if !slices.Equal(got, want) {
		t.Errorf("Stamp = %q, want %q", got, want)
	}
	check(t, write(t, ts, 1), stamped)
	if err := claimbuild.Write(&bytes.Buffer{}, nil, envelope(1)); err == nil {
		t.Errorf("Write(no claims) = nil, want an error")
	}
	if err := claimbuild.Write(&bytes.Buffer{}, ts, envelope(0)); err == nil {
		t.Errorf("Write(control number 0) = nil, want an error")
	}
}

// TestOptionalPieces: a pay-to address (2010AB), a claim not assigned
// (CLM07 C, CLM08 N), and an emergency visit billed on an 837I, which
// carries the patient's reason for visit (HI*APR).
func TestOptionalPieces(t *testing.T) {
	for _, g := range guides {
		t.Run(g.name, func(t *testing.T) {
			in, opt := sample(), options()
			in.PayTo = &claimgate.Address{Line1: "PO Box 900", City: "Springfield", State: "IL", Zip: "62705"}
			in.Lines[0].RevenueCode = "0450"
			opt.NotAssigned = true
			tr, err := g.build(in, opt)
			if err != nil {
				t.Fatal(err)
			}
			ref := only(t, tr)
			if pt := ref.BillingProvider.PayTo; pt == nil || pt.Address.Line1 != "PO BOX 900" || pt.Address.PostalCode != "62705" {
				t.Errorf("2010AB = %+v, want the pay-to address", pt)
			}
			if c := ref.Claim; c.Assignment != "C" || c.BenefitsAssignment != "N" {
				t.Errorf("CLM07 %q CLM08 %q, want C N", c.Assignment, c.BenefitsAssignment)
			}
			var apr []string
			for _, l := range ref.Claim.HealthCodes {
				for _, h := range l {
					if h.Qualifier == "APR" {
						apr = append(apr, h.Code)
					}
				}
			}
			want := []string(nil)
			if g.name == "837I" {
				want = in.Diagnoses
			}
			if !slices.Equal(apr, want) {
				t.Errorf("HI*APR = %v, want %v", apr, want)
			}
			ts := []*claim.Transaction{tr}
			check(t, write(t, ts, 11), ts)
		})
	}
}
