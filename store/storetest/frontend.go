package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
)

// FrontEnd runs the suite of claimgate.FrontEndStore: eligibility checks,
// payer authorization tables, authorization records and estimates. open is
// as for Run.
func FrontEnd(t *testing.T, open func(t *testing.T) claimgate.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s claimgate.Store)
	}{
		{"EligibilityChecks", testEligibilityChecks},
		{"AuthRules", testAuthRules},
		{"Authorizations", testAuthorizations},
		{"Estimates", testEstimates},
		{"Duplicates", testDuplicates},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func testEligibilityChecks(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Eligibility, f.alice.ID)
	active := claimgate.EligibilityCheck{CaseID: c.ID, CoverageID: f.coverage.ID, CoverageKey: f.coverage.Key(), ServiceDate: c.ServiceDate,
		Method: claimgate.EligBy270, Status: claimgate.EligActive, Plan: "GOLD PPO", CoverageFrom: claimgate.Date{Year: 2026, Month: 1, Day: 1},
		Deductible: 50000, DeductibleRemaining: 12050, Copay: 2500, Coinsurance: 2000, OOPRemaining: 250000, HasOOP: true, Network: "in",
		Reference: "TRACE1", CheckedBy: f.alice.ID, CheckedAt: t0, Response: "ISA*...~"}
	must(t, s.AddEligibilityCheck(ctx, &active, nil))
	w := claimgate.WorkItem{Stage: claimgate.Registration, Queue: claimgate.Registration.Queue(), Reason: "member not found (75)",
		OwnerID: f.alice.ID, Due: t0.Add(time.Hour), Status: claimgate.WorkOpen, CreatedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Minute)}
	rejected := claimgate.EligibilityCheck{CaseID: c.ID, CoverageID: f.coverage.ID, CoverageKey: f.coverage.Key(), ServiceDate: c.ServiceDate,
		Method: claimgate.EligBy270, Status: claimgate.EligRejected, RejectCode: "75", Reason: "member not found",
		CheckedBy: f.alice.ID, CheckedAt: t0.Add(time.Minute)}
	must(t, s.AddEligibilityCheck(ctx, &rejected, &w))
	if w.ID == 0 || w.CaseID != c.ID {
		t.Errorf("work item of the rejected check: ID %d case %d, want an ID and case %d", w.ID, w.CaseID, c.ID)
	}
	got, err := s.EligibilityChecks(ctx, c.ID)
	must(t, err)
	diff(t, "EligibilityChecks (newest first)", got, []claimgate.EligibilityCheck{rejected, active})
	kinds := eventKinds(t, s, c.ID)
	diff(t, "event kinds", kinds, []string{claimgate.EventCaseCreated, claimgate.EventEligibilityChecked, claimgate.EventEligibilityChecked})
	open := items(t, s, claimgate.WorkFilter{CaseID: c.ID, Queue: claimgate.Registration.Queue()})
	diff(t, "registration work", ids(open), []int64{w.ID})

	bad := []struct {
		what string
		c    claimgate.EligibilityCheck
	}{
		{"unknown status", claimgate.EligibilityCheck{CaseID: c.ID, ServiceDate: c.ServiceDate, Method: "270", Status: "maybe", CheckedBy: f.alice.ID}},
		{"unknown method", claimgate.EligibilityCheck{CaseID: c.ID, ServiceDate: c.ServiceDate, Method: "fax", Status: claimgate.EligActive, CheckedBy: f.alice.ID}},
		{"no date of service", claimgate.EligibilityCheck{CaseID: c.ID, Method: "phone", Status: claimgate.EligActive, CheckedBy: f.alice.ID}},
		{"unknown case", claimgate.EligibilityCheck{CaseID: 999, ServiceDate: c.ServiceDate, Method: "phone", Status: claimgate.EligActive, CheckedBy: f.alice.ID}},
		{"no checker", claimgate.EligibilityCheck{CaseID: c.ID, ServiceDate: c.ServiceDate, Method: "phone", Status: claimgate.EligActive}},
	}
	for _, b := range bad {
		wantKind(t, "AddEligibilityCheck("+b.what+")", s.AddEligibilityCheck(ctx, &b.c, nil), claimgate.Invalid)
	}
	got, err = s.EligibilityChecks(ctx, c.ID)
	must(t, err)
	if len(got) != 2 {
		t.Errorf("after refused checks: %d checks, want 2", len(got))
	}
}

func testAuthRules(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	rules := []claimgate.AuthRule{
		{PayerID: f.payer.ID, CodeFrom: "70551", Requirement: claimgate.AuthRequired},
		{PayerID: f.payer.ID, CodeFrom: "97110", CodeTo: "97140", PlaceOfService: "11", Requirement: claimgate.AuthNotification},
	}
	for _, r := range rules {
		must(t, s.PutAuthRule(ctx, r, f.carol.ID))
	}
	rules[1].Requirement = claimgate.AuthRequired
	must(t, s.PutAuthRule(ctx, rules[1], f.carol.ID))
	got, err := s.AuthRules(ctx, f.payer.ID)
	must(t, err)
	diff(t, "AuthRules", got, rules)
	wantKind(t, "PutAuthRule(unknown payer)", s.PutAuthRule(ctx, claimgate.AuthRule{PayerID: 999, CodeFrom: "1", Requirement: claimgate.AuthNone}, f.carol.ID), claimgate.Invalid)
	wantKind(t, "PutAuthRule(bad requirement)", s.PutAuthRule(ctx, claimgate.AuthRule{PayerID: f.payer.ID, CodeFrom: "1", Requirement: "maybe"}, f.carol.ID), claimgate.Invalid)
	wantKind(t, "PutAuthRule(backward range)", s.PutAuthRule(ctx, claimgate.AuthRule{PayerID: f.payer.ID, CodeFrom: "72148", CodeTo: "72100", Requirement: claimgate.AuthRequired}, f.carol.ID), claimgate.Invalid)
}

func testAuthorizations(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Authorization, f.alice.ID)
	w := claimgate.WorkItem{Stage: claimgate.Authorization, Queue: claimgate.Authorization.Queue(), Reason: "obtain authorization for 70551",
		OwnerID: f.bob.ID, Priority: 1, Due: t0.Add(24 * time.Hour), Status: claimgate.WorkOpen, CreatedAt: t0, UpdatedAt: t0}
	pending := claimgate.AuthRecord{CaseID: c.ID, Code: "70551", Status: claimgate.AuthPending, OwnerID: f.bob.ID, Source: "278",
		Reason: "pended for review", CreatedBy: f.alice.ID, CreatedAt: t0}
	must(t, s.AddAuthorization(ctx, &pending, &w))
	approved := claimgate.AuthRecord{CaseID: c.ID, Code: "70551", Number: "AUTH123", Status: claimgate.AuthApproved,
		From: claimgate.Date{Year: 2026, Month: 3, Day: 1}, To: claimgate.Date{Year: 2026, Month: 5, Day: 30}, Units: 1, OwnerID: f.bob.ID,
		Source: "278", CreatedBy: f.bob.ID, CreatedAt: t0.Add(time.Hour), Response: "ISA*...~"}
	must(t, s.AddAuthorization(ctx, &approved, nil))
	got, err := s.Authorizations(ctx, c.ID)
	must(t, err)
	diff(t, "Authorizations", got, []claimgate.AuthRecord{pending, approved})
	diff(t, "authorization work", ids(items(t, s, claimgate.WorkFilter{CaseID: c.ID, OwnerID: f.bob.ID})), []int64{w.ID})
	if !approved.Covers(c.ServiceDate, 1) || approved.Covers(c.ServiceDate, 2) || approved.Covers(claimgate.Date{Year: 2026, Month: 6, Day: 1}, 1) {
		t.Errorf("Covers of %+v: want the date of service with 1 unit only", approved)
	}
	bad := []struct {
		what string
		a    claimgate.AuthRecord
	}{
		{"no owner", claimgate.AuthRecord{CaseID: c.ID, Code: "70551", Status: claimgate.AuthPending, CreatedBy: f.alice.ID}},
		{"approved without number", claimgate.AuthRecord{CaseID: c.ID, Code: "70551", Status: claimgate.AuthApproved, From: c.ServiceDate, OwnerID: f.bob.ID, CreatedBy: f.alice.ID}},
		{"unknown status", claimgate.AuthRecord{CaseID: c.ID, Code: "70551", Status: "ok", OwnerID: f.bob.ID, CreatedBy: f.alice.ID}},
		{"unknown owner", claimgate.AuthRecord{CaseID: c.ID, Code: "70551", Status: claimgate.AuthPending, OwnerID: 999, CreatedBy: f.alice.ID}},
		{"ends before it starts", claimgate.AuthRecord{CaseID: c.ID, Code: "70551", Number: "X", Status: claimgate.AuthApproved, From: c.ServiceDate,
			To: c.ServiceDate.AddDays(-1), OwnerID: f.bob.ID, CreatedBy: f.alice.ID}},
	}
	for _, b := range bad {
		wantKind(t, "AddAuthorization("+b.what+")", s.AddAuthorization(ctx, &b.a, nil), claimgate.Invalid)
	}
	diff(t, "event kinds", eventKinds(t, s, c.ID), []string{claimgate.EventCaseCreated, claimgate.EventAuthRecorded, claimgate.EventAuthRecorded})
}

func testEstimates(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.FinancialClearance, f.alice.ID)
	chk := claimgate.EligibilityCheck{CaseID: c.ID, ServiceDate: c.ServiceDate, Method: claimgate.EligByPhone, Status: claimgate.EligActive,
		Reference: "CALL-1", CheckedBy: f.alice.ID, CheckedAt: t0}
	must(t, s.AddEligibilityCheck(ctx, &chk, nil))
	first := claimgate.Estimate{CaseID: c.ID, CheckID: chk.ID, Allowed: 9250, Copay: 2500, Total: 2500, Method: "phone",
		CommunicatedBy: f.alice.ID, CommunicatedAt: t0.Add(time.Hour)}
	must(t, s.AddEstimate(ctx, &first))
	second := claimgate.Estimate{CaseID: c.ID, Allowed: 9250, Deductible: 9250, Total: 9250, Deposit: 5000, Method: "in_person",
		CommunicatedBy: f.alice.ID, CommunicatedAt: t0.Add(2 * time.Hour), Note: "deductible not met"}
	must(t, s.AddEstimate(ctx, &second))
	got, err := s.Estimates(ctx, c.ID)
	must(t, err)
	diff(t, "Estimates (newest first)", got, []claimgate.Estimate{second, first})
	wantKind(t, "AddEstimate(no method)", s.AddEstimate(ctx, &claimgate.Estimate{CaseID: c.ID, CommunicatedBy: f.alice.ID}), claimgate.Invalid)
	wantKind(t, "AddEstimate(nobody)", s.AddEstimate(ctx, &claimgate.Estimate{CaseID: c.ID, Method: "phone"}), claimgate.Invalid)
	wantKind(t, "AddEstimate(negative)", s.AddEstimate(ctx, &claimgate.Estimate{CaseID: c.ID, Method: "phone", CommunicatedBy: f.alice.ID, Total: -1}), claimgate.Invalid)
	wantKind(t, "AddEstimate(unknown case)", s.AddEstimate(ctx, &claimgate.Estimate{CaseID: 999, Method: "phone", CommunicatedBy: f.alice.ID}), claimgate.Invalid)
}

func testDuplicates(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	twin := claimgate.Patient{MRN: "MRN0002", First: "PAT", Last: "synthetic", BirthDate: f.patient.BirthDate, Sex: claimgate.Female}
	must(t, s.CreatePatient(ctx, &twin))
	sharer := claimgate.Patient{MRN: "MRN0003", First: "Other", Last: "Person", BirthDate: claimgate.Date{Year: 1990, Month: 1, Day: 1}}
	must(t, s.CreatePatient(ctx, &sharer))
	must(t, s.CreateCoverage(ctx, &claimgate.Coverage{PatientID: sharer.ID, PayerID: f.payer.ID, Rank: 1, MemberID: f.coverage.MemberID}))
	stranger := claimgate.Patient{MRN: "MRN0004", First: "Pat", Last: "Synthetic", BirthDate: claimgate.Date{Year: 1981, Month: 2, Day: 28}}
	must(t, s.CreatePatient(ctx, &stranger))
	got, err := s.DuplicateCandidates(ctx, f.patient.ID)
	must(t, err)
	diff(t, "DuplicateCandidates", got, []claimgate.DuplicateCandidate{
		{Patient: twin, Why: "same name and birth date"},
		{Patient: sharer, Why: "same member ID at the same payer"},
	})
	d := claimgate.DuplicateDecision{PatientID: twin.ID, OtherID: f.patient.ID, Decision: claimgate.DuplicateKeep,
		Reason: "different middle names and SSN on file", DecidedBy: f.alice.ID, DecidedAt: t0}
	must(t, s.DecideDuplicate(ctx, &d))
	if d.PatientID != f.patient.ID || d.OtherID != twin.ID {
		t.Errorf("decision pair = %d, %d; want the lower ID first", d.PatientID, d.OtherID)
	}
	for _, id := range []int64{f.patient.ID, twin.ID} {
		ds, err := s.DuplicateDecisions(ctx, id)
		must(t, err)
		diff(t, "DuplicateDecisions", ds, []claimgate.DuplicateDecision{d})
	}
	again := claimgate.DuplicateDecision{PatientID: f.patient.ID, OtherID: twin.ID, Decision: claimgate.DuplicateMerge, Reason: "r", DecidedBy: f.alice.ID}
	wantKind(t, "DecideDuplicate(decided pair)", s.DecideDuplicate(ctx, &again), claimgate.Conflict)
	wantKind(t, "DecideDuplicate(maybe)", s.DecideDuplicate(ctx, &claimgate.DuplicateDecision{PatientID: f.patient.ID, OtherID: sharer.ID,
		Decision: "maybe", Reason: "r", DecidedBy: f.alice.ID}), claimgate.Invalid)
	wantKind(t, "DecideDuplicate(no reason)", s.DecideDuplicate(ctx, &claimgate.DuplicateDecision{PatientID: f.patient.ID, OtherID: sharer.ID,
		Decision: claimgate.DuplicateMerge, DecidedBy: f.alice.ID}), claimgate.Invalid)
	wantKind(t, "DecideDuplicate(unknown patient)", s.DecideDuplicate(ctx, &claimgate.DuplicateDecision{PatientID: f.patient.ID, OtherID: 999,
		Decision: claimgate.DuplicateMerge, Reason: "r", DecidedBy: f.alice.ID}), claimgate.Invalid)
}
