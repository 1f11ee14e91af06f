package workflow

import (
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
)

func TestEligibilityItem(t *testing.T) {
	dos := claimgate.Date{Year: 2026, Month: 11, Day: 2}
	check := func(f *Facts) claimgate.EligibilityCheck {
		cov, _ := f.Primary()
		return claimgate.EligibilityCheck{ID: 1, CoverageID: cov.ID, CoverageKey: cov.Key(), ServiceDate: dos, Method: claimgate.EligBy270,
			Status: claimgate.EligActive, Reference: "T1", CheckedBy: 5, CheckedAt: testNow.Add(-24 * time.Hour)}
	}
	tests := []struct {
		name   string
		mutate func(f *Facts, c *claimgate.EligibilityCheck)
		want   Status
		whyHas string
	}{
		{"verified the day before", func(*Facts, *claimgate.EligibilityCheck) {}, Pass, "active on 2026-11-02 (271 trace T1"},
		{"5 days before is in the window", func(_ *Facts, c *claimgate.EligibilityCheck) { c.CheckedAt = dos.AddDays(-5).Time() }, Pass, "active"},
		{"6 days before is stale", func(_ *Facts, c *claimgate.EligibilityCheck) { c.CheckedAt = dos.AddDays(-6).Time() }, Fail, "eligibility is stale: last verified 2026-10-27, more than 5 days"},
		{"verified late", func(_ *Facts, c *claimgate.EligibilityCheck) { c.CheckedAt = dos.AddDays(2).Time() }, Pass, "verified late, 2 day(s) after"},
		{"member ID changed since", func(f *Facts, _ *claimgate.EligibilityCheck) { f.Coverages[0].MemberID = "XZ999" }, Fail, "coverage changed since eligibility was checked"},
		{"other coverage", func(_ *Facts, c *claimgate.EligibilityCheck) { c.CoverageID = 99 }, Fail, "coverage changed"},
		{"for another date", func(_ *Facts, c *claimgate.EligibilityCheck) { c.ServiceDate = dos.AddDays(-30) }, Fail, "never checked for the date of service 2026-11-02 (1 check(s) for other dates)"},
		{"inactive", func(_ *Facts, c *claimgate.EligibilityCheck) {
			c.Status, c.Reason = claimgate.EligInactive, "coverage terminated 2026-06-30"
		}, Fail, "inactive on 2026-11-02"},
		{"rejected", func(_ *Facts, c *claimgate.EligibilityCheck) { c.Status, c.RejectCode = claimgate.EligRejected, "75" }, Fail, "AAA 75: subscriber/insured not found"},
		{"no answer", func(_ *Facts, c *claimgate.EligibilityCheck) { c.Status, c.Reason = claimgate.EligError, "timeout" }, Fail, "no usable answer: timeout"},
		{"phone where the payer wants a 270", func(f *Facts, c *claimgate.EligibilityCheck) {
			c.Method = claimgate.EligByPhone
			p := f.Payers[9]
			p.RequiresEligCheck = true
			f.Payers[9] = p
		}, Fail, "requires electronic verification"},
		{"phone otherwise", func(_ *Facts, c *claimgate.EligibilityCheck) { c.Method = claimgate.EligByPhone }, Pass, "phone, reference T1"},
		{"a 10-day window", func(f *Facts, c *claimgate.EligibilityCheck) {
			f.Front.WindowDays = 10
			c.CheckedAt = dos.AddDays(-9).Time()
		}, Pass, "active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFacts()
			c := check(f)
			tt.mutate(f, &c)
			f.Front.Checks = []claimgate.EligibilityCheck{c}
			got := item(t, Evaluate(ReadyToBill, f), "eligibility")
			if got.Result.Status != tt.want || !strings.Contains(got.Result.Why, tt.whyHas) {
				t.Errorf("eligibility = %s %q, want %s containing %q", got.Result.Status, got.Result.Why, tt.want, tt.whyHas)
			}
		})
	}
}

func TestRuleFor(t *testing.T) {
	rules := []claimgate.AuthRule{
		{CodeFrom: "70010", CodeTo: "76499", Requirement: claimgate.AuthRequired},
		{CodeFrom: "71046", Requirement: claimgate.AuthNone},
		{CodeFrom: "72148", PlaceOfService: "22", Requirement: claimgate.AuthNotification},
	}
	tests := []struct {
		code, pos string
		want      claimgate.AuthRequirement
	}{
		{"70551", "11", claimgate.AuthRequired},
		{"71046", "11", claimgate.AuthNone},         // the single code wins over the range
		{"72148", "22", claimgate.AuthNotification}, // the place of service wins
		{"72148", "11", claimgate.AuthRequired},
		{"99213", "11", ""},
		{"7055", "11", ""}, // not a code of the range's length
	}
	for _, tt := range tests {
		r, _ := ruleFor(rules, tt.code, tt.pos)
		if r.Requirement != tt.want {
			t.Errorf("ruleFor(%s at %s) = %q, want %q", tt.code, tt.pos, r.Requirement, tt.want)
		}
	}
}

func TestRegistrationProblems(t *testing.T) {
	twin := claimgate.DuplicateCandidate{Patient: claimgate.Patient{ID: 8, MRN: "MRN8"}, Why: "same name and birth date"}
	tests := []struct {
		name   string
		mutate func(f *Facts)
		want   Status
		whyHas string
	}{
		{"clean", func(*Facts) {}, Pass, "member ID on file"},
		{"plan type the payer does not offer", func(f *Facts) {
			p := f.Payers[9]
			p.PlanTypes = []string{"HM"}
			f.Payers[9] = p
		}, Fail, "plan type CI is not one Acme Health offers (HM)"},
		{"two primaries", func(f *Facts) {
			second := f.Coverages[0]
			second.ID, second.MemberID = 4, "XZ999"
			f.Coverages = append(f.Coverages, second)
		}, Fail, "two coverages in effect on 2026-11-02 share rank 1: set the order of benefits"},
		{"a primary and a secondary", func(f *Facts) {
			second := f.Coverages[0]
			second.ID, second.MemberID, second.Rank = 4, "XZ999", 2
			f.Coverages = append(f.Coverages, second)
		}, Pass, "member ID on file"},
		{"an ended primary on file before the current one", func(f *Facts) {
			old := f.Coverages[0]
			old.ID, old.MemberID, old.EffectiveFrom, old.EffectiveTo = 4, "OLD1", claimgate.Date{Year: 2024, Month: 1, Day: 1}, claimgate.Date{Year: 2025, Month: 12, Day: 31}
			f.Coverages = append([]claimgate.Coverage{old}, f.Coverages...)
		}, Pass, "member ID on file"},
		{"undecided duplicate", func(f *Facts) { f.Front.Duplicates = []claimgate.DuplicateCandidate{twin} }, Fail,
			"possible duplicate patient #8 (same name and birth date): log a merge or keep decision"},
		{"decided duplicate", func(f *Facts) {
			f.Front.Duplicates = []claimgate.DuplicateCandidate{twin}
			f.Front.DupDecisions = []claimgate.DuplicateDecision{{PatientID: 1, OtherID: 8, Decision: claimgate.DuplicateKeep}}
		}, Pass, "member ID on file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFacts()
			tt.mutate(f)
			got := item(t, Evaluate(ReadyToBill, f), "registration")
			if got.Result.Status != tt.want || !strings.Contains(got.Result.Why, tt.whyHas) {
				t.Errorf("registration = %s %q, want %s containing %q", got.Result.Status, got.Result.Why, tt.want, tt.whyHas)
			}
		})
	}
}
