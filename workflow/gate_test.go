package workflow

import (
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
)

var testNow = time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC)

// goodFacts returns facts for which every evaluable Ready-to-Bill item passes.
func goodFacts() *Facts {
	dos := claimgate.Date{Year: 2026, Month: 11, Day: 2}
	return &Facts{
		Now:  testNow,
		Case: claimgate.Case{ID: 7, ServiceDate: dos, Stage: claimgate.FinancialClearance},
		Patient: claimgate.Patient{ID: 1, First: "Ada", Last: "Testpatient", BirthDate: claimgate.Date{Year: 1980, Month: 5, Day: 1},
			Sex: claimgate.Female, Address: claimgate.Address{Line1: "1 Main St", City: "Springfield", State: "IL", Zip: "62701"}},
		Coverages: []claimgate.Coverage{{ID: 3, PayerID: 9, Rank: 1, PlanType: "CI", MemberID: "XZ123", Relationship: claimgate.Self,
			EffectiveFrom: claimgate.Date{Year: 2026, Month: 1, Day: 1}}},
		Payers:   map[int64]claimgate.Payer{9: {ID: 9, Name: "Acme Health", PayerID: "ACME1"}},
		Provider: claimgate.Provider{NPI: "1245319599", Taxonomy: "207Q00000X"},
		Location: claimgate.Location{PlaceOfService: "11"},
		Org:      claimgate.Organization{NPI: "1234567893", TaxID: "123456789"},
	}
}

func item(t *testing.T, rep Report, id string) ItemReport {
	t.Helper()
	for _, it := range rep.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("gate %s has no item %s", rep.Gate.ID, id)
	return ItemReport{}
}

func TestReadyToBillChecks(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *Facts)
		item   string
		want   Status
		whyHas string
	}{
		{"complete registration", func(*Facts) {}, "registration", Pass, "member ID on file"},
		{"no birth date", func(f *Facts) { f.Patient.BirthDate = claimgate.Date{} }, "registration", Fail, "patient birth date"},
		{"bad zip", func(f *Facts) { f.Patient.Address.Zip = "6270" }, "registration", Fail, "patient address"},
		{"no coverage", func(f *Facts) { f.Coverages = nil }, "registration", Fail, "primary coverage"},
		{"no member id", func(f *Facts) { f.Coverages[0].MemberID = " " }, "registration", Fail, "member ID"},
		{"dependent without subscriber", func(f *Facts) { f.Coverages[0].Relationship = claimgate.Child }, "registration", Fail, "subscriber name and birth date"},
		{"coverage ended", func(f *Facts) { f.Coverages[0].EffectiveTo = claimgate.Date{Year: 2026, Month: 10, Day: 31} }, "registration", Fail, "not in effect on the date of service 2026-11-02"},
		{"identifiers valid", func(*Facts) {}, "identifiers", Pass, "check digit"},
		{"bad rendering NPI", func(f *Facts) { f.Provider.NPI = "1245319590" }, "identifiers", Fail, `rendering provider NPI "1245319590" fails the NPI check digit`},
		{"no taxonomy", func(f *Facts) { f.Provider.Taxonomy = "" }, "identifiers", Fail, "taxonomy"},
		{"no POS", func(f *Facts) { f.Location.PlaceOfService = "" }, "identifiers", Fail, "place-of-service"},
		{"eligibility never checked", func(*Facts) {}, "eligibility", Fail, "eligibility never checked for the date of service 2026-11-02"},
		{"authorization without a plan", func(*Facts) {}, "authorization", Fail, "no services are planned"},
		{"no estimate communicated", func(*Facts) {}, "patient_responsibility", Fail, "no patient responsibility estimate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFacts()
			tt.mutate(f)
			got := item(t, Evaluate(ReadyToBill, f), tt.item)
			if got.Result.Status != tt.want || !strings.Contains(got.Result.Why, tt.whyHas) {
				t.Errorf("%s = %s %q, want %s containing %q", tt.item, got.Result.Status, got.Result.Why, tt.want, tt.whyHas)
			}
		})
	}
}

func TestPendingBlocksLikeFailure(t *testing.T) {
	rep := Evaluate(ReadyToBill, goodFacts())
	if rep.Passed() {
		t.Fatal("Ready-to-Bill passed with pending items")
	}
	var ids []string
	for _, b := range rep.Blocking() {
		ids = append(ids, b.ID)
	}
	if got, want := strings.Join(ids, ","), "eligibility,authorization,patient_responsibility"; got != want {
		t.Errorf("blocking = %s, want %s", got, want)
	}
}

func TestExceptions(t *testing.T) {
	f := goodFacts()
	open := claimgate.Exception{ID: 1, Gate: "ready_to_bill", Item: "eligibility", Reason: "payer portal down", Expires: testNow.Add(time.Hour)}
	expired := claimgate.Exception{ID: 2, Gate: "ready_to_bill", Item: "authorization", Reason: "x", Expires: testNow.Add(-time.Second)}
	resolved := claimgate.Exception{ID: 3, Gate: "ready_to_bill", Item: "patient_responsibility", Reason: "x", Expires: testNow.Add(time.Hour), ResolvedAt: testNow}
	otherGate := claimgate.Exception{ID: 4, Gate: "coding_ready", Item: "authorization", Reason: "x", Expires: testNow.Add(time.Hour)}
	f.Exceptions = []claimgate.Exception{open, expired, resolved, otherGate}
	rep := Evaluate(ReadyToBill, f)
	tests := []struct {
		item string
		want Status
	}{
		{"eligibility", Excepted},
		{"authorization", Fail},          // expired exceptions block again
		{"patient_responsibility", Fail}, // resolved exceptions no longer cover the item
		{"registration", Pass},
	}
	for _, tt := range tests {
		if got := item(t, rep, tt.item); got.Result.Status != tt.want {
			t.Errorf("%s = %s (%s), want %s", tt.item, got.Result.Status, got.Result.Why, tt.want)
		}
	}
	if e := item(t, rep, "eligibility").Exception; e == nil || e.ID != 1 {
		t.Errorf("eligibility exception = %v, want #1", e)
	}
}

func TestEveryGateItemFromTheSOP(t *testing.T) {
	// The SOP's checklists, item for item: a gate that loses an item fails here.
	want := map[string][]string{
		"ready_to_bill": {"registration", "eligibility", "authorization", "identifiers", "patient_responsibility"},
		"coding_ready":  {"documentation_signed", "required_elements", "charge_capture", "coding_supported", "medical_necessity"},
		"close_ready":   {"claim_edits", "submission_accepted", "era_posted", "variances", "denials_routed", "repeat_denials", "patient_balance_path"},
	}
	for _, g := range Gates {
		var ids []string
		for _, c := range g.Items {
			ids = append(ids, c.ID)
			if c.Text == "" || c.Eval == nil {
				t.Errorf("%s/%s has no text or check", g.ID, c.ID)
			}
		}
		if strings.Join(ids, ",") != strings.Join(want[g.ID], ",") {
			t.Errorf("gate %s items = %v, want %v", g.ID, ids, want[g.ID])
		}
	}
}

func TestGateFor(t *testing.T) {
	tests := []struct {
		from, to claimgate.Stage
		kind     claimgate.MoveKind
		want     *Gate
	}{
		{claimgate.FinancialClearance, claimgate.Encounter, claimgate.Forward, ReadyToBill},
		{claimgate.Coding, claimgate.ClaimBuild, claimgate.Forward, CodingReady},
		{claimgate.Posting, claimgate.Closed, claimgate.Forward, CloseReady},
		{claimgate.PatientBalance, claimgate.Closed, claimgate.Forward, CloseReady},
		{claimgate.Intake, claimgate.Registration, claimgate.Forward, nil},
		{claimgate.Denials, claimgate.Authorization, claimgate.Rework, nil},
		{claimgate.Closed, claimgate.Posting, claimgate.Reopen, nil},
	}
	for _, tt := range tests {
		if got := GateFor(tt.from, tt.to, tt.kind); got != tt.want {
			t.Errorf("GateFor(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestSubmissionAccepted(t *testing.T) {
	f := goodFacts()
	if r := checkSubmissionAccepted(f); r.Status != Fail {
		t.Errorf("no claims: %s, want fail", r.Status)
	}
	f.Claims = []claimgate.Claim{{ID: 1, Status: claimgate.ClaimPaid}, {ID: 2, Status: claimgate.ClaimRejectedCH}}
	if r := checkSubmissionAccepted(f); r.Status != Fail || !strings.Contains(r.Why, "claim 2 is rejected_clearinghouse") {
		t.Errorf("rejected claim: %s %q", r.Status, r.Why)
	}
	f.Claims[1].Status = claimgate.ClaimAcceptedPayer
	if r := checkSubmissionAccepted(f); r.Status != Pass {
		t.Errorf("accepted claims: %s %q, want pass", r.Status, r.Why)
	}
}
