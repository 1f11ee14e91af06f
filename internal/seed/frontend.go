package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/testpayer"
	"github.com/claimgate/claimgate/workflow"
)

// authRules are the payers' authorization tables, by payer ID: ACME's
// mirrors the test payer's (imaging and therapy), and both commercial and
// Medicaid list the knee injection (ACME the ECG too), which the test payer
// then answers "no action required" for: the 278 documents it not
// required.
var authRules = map[string][]claimgate.AuthRule{
	"ACME1": {
		{CodeFrom: "70551", Requirement: claimgate.AuthRequired},
		{CodeFrom: "72148", Requirement: claimgate.AuthRequired},
		{CodeFrom: "97110", Requirement: claimgate.AuthRequired},
		{CodeFrom: "20610", Requirement: claimgate.AuthRequired},
		{CodeFrom: "93000", CodeTo: "93010", Requirement: claimgate.AuthRequired},
	},
	"MCD01": {
		{CodeFrom: "97110", Requirement: claimgate.AuthRequired},
		{CodeFrom: "20610", Requirement: claimgate.AuthRequired},
	},
}

func seedAuthRules(ctx context.Context, st claimgate.Store, p *Practice) error {
	for _, py := range p.Payers {
		for _, r := range authRules[py.PayerID] {
			r.PayerID = py.ID
			if err := st.PutAuthRule(ctx, r, p.Users["admin"].ID); err != nil {
				return fmt.Errorf("seed authorization rule %s %s: %w", py.PayerID, r.CodeFrom, err)
			}
		}
	}
	return nil
}

// The front-end failure modes the demo plants, in turn, among the cases
// it runs through the front-end against the test payer (the SOP's "top
// failure modes": eligibility skipped on a busy day, authorization not
// clearly owned), plus a registration defect the 271 catches.
const (
	frontClean           = iota // eligibility, authorization and estimate from data
	frontSkipEligibility        // nobody checked eligibility
	frontNoAuthRequest          // the authorization was never asked for: its work waits with its owner
	frontMemberUnknown          // the member ID is wrong: the payer answers AAA 75
	frontDependent              // clean, and the seed makes this patient a dependent: the 270 asks for a dependent
	numFrontModes
)

// FrontEndSummary counts what the demo's front-end did.
type FrontEndSummary struct {
	Checked         int // eligibility checks against the test payer
	Skipped         int // cases whose eligibility was skipped
	Rejected        int // checks the payer rejected (AAA)
	AuthRequested   int // 278s sent
	AuthUnrequested int // services needing authorization left unrequested (owned work)
	Estimates       int // estimates communicated
	// PassedFromData and PassedByException count the cases past the
	// front-end by how they crossed the Ready-to-Bill gate: every item
	// from data, or some by a logged exception.
	PassedFromData    int
	PassedByException int
}

// tally counts how the cases past the front-end crossed Ready-to-Bill.
func (fs *FrontEndSummary) tally(ctx context.Context, wf *workflow.Service, cases []claimgate.Case) error {
	for _, c := range cases {
		if c.Stage.Zone() == claimgate.FrontEnd {
			continue
		}
		f, err := wf.Facts(ctx, c.ID)
		if err != nil {
			return err
		}
		excepted := false
		for _, e := range f.Exceptions {
			excepted = excepted || e.Gate == workflow.ReadyToBill.ID
		}
		if excepted {
			fs.PassedByException++
		} else {
			fs.PassedFromData++
		}
	}
	return nil
}

// enroll puts the patient on the test payer's roster with a plan of its own,
// unless the case's failure mode is an unknown member.
func enroll(tp *testpayer.Payer, p *Practice, pt claimgate.Patient, cov claimgate.Coverage, k int) error {
	var payer claimgate.Payer
	for _, py := range p.Payers {
		if py.ID == cov.PayerID {
			payer = py
		}
	}
	plans := map[string]string{"ACME1": "ACME PPO GOLD", "MCRB1": "MEDICARE PART B", "MCD01": "STATE MEDICAID"}
	m := testpayer.Member{ID: cov.MemberID, Last: pt.Last, First: pt.First, BirthDate: pt.BirthDate, Sex: string(pt.Sex),
		Plan: plans[payer.PayerID], Group: cov.GroupNumber, CoverageFrom: cov.EffectiveFrom,
		Deductible: 50000, DeductibleRemaining: testpayer.Money(5000 * (k % 7)), Copay: 2500, Coinsurance: 20, OOPMax: 300000, OOPRemaining: 240000}
	switch payer.PayerID {
	case "MCRB1":
		m.Copay, m.OOPMax, m.OOPRemaining, m.Deductible, m.DeductibleRemaining = 0, 0, 0, 28300, testpayer.Money(28300*(k%2))
	case "MCD01":
		m.Copay, m.Deductible, m.DeductibleRemaining, m.Coinsurance, m.OOPMax, m.OOPRemaining = 300, 0, 0, 0, 0, 0
	}
	if cov.Relationship != claimgate.Self {
		// The subscriber holds the member ID; the patient is found as a
		// dependent by name and birth date.
		sub := m
		sub.Last, sub.First, sub.BirthDate = cov.SubscriberLast, cov.SubscriberFirst, cov.SubscriberBirthDate
		if err := tp.Enroll(payer.PayerID, sub); err != nil {
			return err
		}
		m.ID = cov.MemberID + "01"
	}
	return tp.Enroll(payer.PayerID, m)
}

// seedFrontEnd runs a case's front-end from data against the test payer:
// the front desk checks eligibility (a 270 the test payer answers from its
// roster), the authorization coordinator asks for the authorizations the
// plan needs (278s), and the front desk tells the patient the estimate.
// Case k of the run gets failure mode k%numFrontModes. Cases seen in more
// than the eligibility window are checked at their own time; appointments
// further ahead are left to the front desk's day. Without a test payer
// (Options.TestPayer) or a real-time transport nothing happens.
func seedFrontEnd(ctx context.Context, wf *workflow.Service, p *Practice, c claimgate.Case, k int, now time.Time) error {
	if p.testPayer == nil || wf.RealTime == nil {
		return nil
	}
	mode := k % numFrontModes
	if mode == frontSkipEligibility {
		p.Front.Skipped++
		return nil
	}
	dos := c.ServiceDate.Time()
	if c.ServiceDate.After(claimgate.DateOf(now).AddDays(workflow.DefaultEligibilityWindowDays)) {
		return nil // a future appointment: checked on its day
	}
	when := dos.Add(-14 * time.Hour) // the morning before the visit
	if when.After(now) {
		when = now
	}
	front, coord := p.userWithRole(claimgate.FrontDesk), p.userWithRole(claimgate.AuthCoordinator)
	chk, err := at(wf, when).CheckEligibility(ctx, &front, c.ID)
	if err != nil {
		return fmt.Errorf("eligibility: %w", err)
	}
	p.Front.Checked++
	if chk.Status != claimgate.EligActive {
		p.Front.Rejected++
		return nil
	}
	f, err := at(wf, when).Facts(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, n := range f.AuthNeeds() {
		if n.OK {
			continue
		}
		// After one is requested, the next is left unrequested too, so that
		// the failure mode shows whatever the visits planned.
		if mode == frontNoAuthRequest || (p.Front.AuthRequested > 0 && p.Front.AuthUnrequested == 0) {
			p.Front.AuthUnrequested++
			continue
		}
		if _, err := at(wf, when.Add(time.Hour)).RequestAuthorization(ctx, &coord, c.ID, n.Code); err != nil {
			return fmt.Errorf("authorization %s: %w", n.Code, err)
		}
		p.Front.AuthRequested++
	}
	methods := claimgate.EstimateMethods
	if _, err := at(wf, when.Add(2*time.Hour)).RecordEstimate(ctx, &front, c.ID, workflow.EstimateInput{Method: methods[k%2],
		Deposit: claimgate.Money(1000 * (k % 3))}); err != nil {
		return fmt.Errorf("estimate: %w", err)
	}
	p.Front.Estimates++
	return nil
}
