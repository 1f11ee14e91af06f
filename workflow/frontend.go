package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/claimgate/claimgate"
)

// The front-end checks of the Ready-to-Bill gate: eligibility verified for
// the date of service, authorization confirmed or documented not required,
// and the patient responsibility estimate communicated. Their data comes
// from the 271s and 278s the payers send (frontend_x12.go) and from what
// the front desk and the authorization coordinator record.

// DefaultEligibilityWindowDays is how many days before the date of service
// an eligibility check still verifies it: coverage changes, and a check
// made weeks ahead proves little about the day of the visit.
const DefaultEligibilityWindowDays = 5

// FrontEnd is what the front-end checks read about a case, loaded by
// Service.Facts.
type FrontEnd struct {
	// Checks are the case's eligibility checks, newest first.
	Checks []claimgate.EligibilityCheck
	// AuthRules are the primary payer's authorization table.
	AuthRules []claimgate.AuthRule
	// Auths are the case's authorization records, oldest first.
	Auths []claimgate.AuthRecord
	// Estimates are the case's estimates, newest first.
	Estimates []claimgate.Estimate
	// Fees are the primary payer's expected allowed amounts.
	Fees []claimgate.Fee
	// WindowDays is the eligibility window (DefaultEligibilityWindowDays
	// when 0).
	WindowDays int
	// Duplicates are the other patients who may be the same person, and
	// DupDecisions the merge/keep decisions logged about the patient.
	Duplicates   []claimgate.DuplicateCandidate
	DupDecisions []claimgate.DuplicateDecision
}

// registrationProblems are the registration defects beyond missing fields,
// each a named failure: two coverages in effect with the same rank (no
// order of benefits), a plan type the payer does not offer, and a possible
// duplicate patient with no merge/keep decision logged.
func registrationProblems(f *Facts, cov claimgate.Coverage, payer claimgate.Payer) []string {
	var bad []string
	var ranks []int
	for _, c := range f.Coverages {
		if c.ActiveOn(f.Case.ServiceDate) {
			if slices.Contains(ranks, c.Rank) {
				bad = append(bad, fmt.Sprintf("two coverages in effect on %s share rank %d: set the order of benefits (primary, secondary)", f.Case.ServiceDate, c.Rank))
				break
			}
			ranks = append(ranks, c.Rank)
		}
	}
	if len(payer.PlanTypes) > 0 && !slices.Contains(payer.PlanTypes, cov.PlanType) {
		bad = append(bad, fmt.Sprintf("plan type %s is not one %s offers (%s)", cov.PlanType, payer.Name, strings.Join(payer.PlanTypes, ", ")))
	}
	for _, d := range f.Front.UndecidedDuplicates() {
		bad = append(bad, fmt.Sprintf("possible duplicate patient #%d (%s): log a merge or keep decision", d.Patient.ID, d.Why))
	}
	return bad
}

// UndecidedDuplicates returns the duplicate candidates no decision covers.
func (fe *FrontEnd) UndecidedDuplicates() []claimgate.DuplicateCandidate {
	var out []claimgate.DuplicateCandidate
	for _, c := range fe.Duplicates {
		decided := slices.ContainsFunc(fe.DupDecisions, func(d claimgate.DuplicateDecision) bool {
			return d.PatientID == c.Patient.ID || d.OtherID == c.Patient.ID
		})
		if !decided {
			out = append(out, c)
		}
	}
	return out
}

// DecideDuplicate logs the front desk's merge or keep decision about the
// patient and a duplicate candidate, with why. The other patient must be a
// candidate. Merging the records themselves is the decision's follow-up
// work, not done here.
func (s *Service) DecideDuplicate(ctx context.Context, actor *claimgate.User, patientID, otherID int64, decision, reason string) (claimgate.DuplicateDecision, error) {
	if !canFrontDesk(actor) {
		return claimgate.DuplicateDecision{}, claimgate.Errorf(claimgate.Forbidden, "deciding about duplicate patients needs the front_desk or manager role")
	}
	var bad []string
	if decision != claimgate.DuplicateMerge && decision != claimgate.DuplicateKeep {
		bad = append(bad, "decision: merge or keep")
	}
	if strings.TrimSpace(reason) == "" {
		bad = append(bad, "reason: say why (what was compared)")
	}
	if len(bad) > 0 {
		return claimgate.DuplicateDecision{}, &claimgate.Error{Kind: claimgate.Invalid, Msg: "decision not logged: " + strings.Join(bad, "; "), Details: bad}
	}
	cands, err := s.Store.DuplicateCandidates(ctx, patientID)
	if err != nil {
		return claimgate.DuplicateDecision{}, err
	}
	if !slices.ContainsFunc(cands, func(c claimgate.DuplicateCandidate) bool { return c.Patient.ID == otherID }) {
		return claimgate.DuplicateDecision{}, claimgate.Errorf(claimgate.Invalid, "patient %d is not a possible duplicate of patient %d", otherID, patientID)
	}
	d := claimgate.DuplicateDecision{PatientID: patientID, OtherID: otherID, Decision: decision, Reason: strings.TrimSpace(reason),
		DecidedBy: actor.ID, DecidedAt: s.now()}
	if err := s.Store.DecideDuplicate(ctx, &d); err != nil {
		return claimgate.DuplicateDecision{}, fmt.Errorf("log duplicate decision: %w", err)
	}
	return d, nil
}

func (s *Service) eligWindow() int {
	if s.EligibilityWindowDays > 0 {
		return s.EligibilityWindowDays
	}
	return DefaultEligibilityWindowDays
}

// loadFrontEnd fills f.Front. It runs after loadMidCycle: the planned
// services come from the encounter plan.
func (s *Service) loadFrontEnd(ctx context.Context, f *Facts) error {
	fe := &f.Front
	fe.WindowDays = s.eligWindow()
	var err error
	if fe.Checks, err = s.Store.EligibilityChecks(ctx, f.Case.ID); err != nil {
		return err
	}
	if fe.Auths, err = s.Store.Authorizations(ctx, f.Case.ID); err != nil {
		return err
	}
	if fe.Estimates, err = s.Store.Estimates(ctx, f.Case.ID); err != nil {
		return err
	}
	if fe.Duplicates, err = s.Store.DuplicateCandidates(ctx, f.Patient.ID); err != nil {
		return err
	}
	if fe.DupDecisions, err = s.Store.DuplicateDecisions(ctx, f.Patient.ID); err != nil {
		return err
	}
	if cov, ok := f.Primary(); ok {
		if fe.AuthRules, err = s.Store.AuthRules(ctx, cov.PayerID); err != nil {
			return err
		}
		if fe.Fees, err = s.Store.Fees(ctx, cov.PayerID); err != nil {
			return err
		}
	}
	return nil
}

// EligibilityFinding is the answer of the eligibility item with the check
// it rests on.
type EligibilityFinding struct {
	Result Result
	Check  *claimgate.EligibilityCheck // the check that counts; nil if none
	Late   bool                        // verified only after the date of service
}

// Eligibility judges the case's eligibility checks: the newest check for
// the date of service counts; it verifies the date when it found active
// coverage, was made for the coverage as it is now, no earlier than the
// window before the date of service, and electronically where the payer
// requires it.
func (f *Facts) Eligibility() EligibilityFinding {
	cov, ok := f.Primary()
	if !ok {
		return EligibilityFinding{Result: fail("no primary coverage to verify (register the patient's insurance, or log a self-pay exception)")}
	}
	dos := f.Case.ServiceDate
	var c *claimgate.EligibilityCheck
	others := 0
	for i := range f.Front.Checks {
		if f.Front.Checks[i].ServiceDate == dos {
			c = &f.Front.Checks[i]
			break
		}
		others++
	}
	if c == nil {
		if others > 0 {
			return EligibilityFinding{Result: fail("eligibility never checked for the date of service %s (%d check(s) for other dates)", dos, others)}
		}
		return EligibilityFinding{Result: fail("eligibility never checked for the date of service %s", dos)}
	}
	out := EligibilityFinding{Check: c}
	checked := claimgate.DateOf(c.CheckedAt.UTC())
	how := describeCheck(c)
	window := f.Front.WindowDays
	if window <= 0 {
		window = DefaultEligibilityWindowDays
	}
	switch {
	case c.CoverageID != cov.ID || c.CoverageKey != cov.Key():
		out.Result = fail("coverage changed since eligibility was checked on %s (%s): check again", checked, how)
	case c.Status == claimgate.EligInactive:
		out.Result = fail("payer says coverage is inactive on %s (%s): %s", dos, how, c.Reason)
	case c.Status == claimgate.EligRejected:
		out.Result = fail("payer rejected the eligibility inquiry (AAA %s: %s) on %s: %s", c.RejectCode, rejectText(c.RejectCode), checked, c.Reason)
	case c.Status == claimgate.EligError:
		out.Result = fail("the last eligibility check (%s) got no usable answer: %s", checked, c.Reason)
	case checked.Before(dos.AddDays(-window)):
		out.Result = fail("eligibility is stale: last verified %s, more than %d days before the date of service %s: check again", checked, window, dos)
	case c.Method != claimgate.EligBy270 && f.Payers[cov.PayerID].RequiresEligCheck:
		out.Result = fail("%s requires electronic verification (270/271) for every visit; the %s check (ref %s) does not meet it", f.Payers[cov.PayerID].Name, c.Method, c.Reference)
	default:
		why := fmt.Sprintf("active on %s (%s)", dos, how)
		if c.Plan != "" {
			why += "; plan " + c.Plan
		}
		if checked.After(dos) {
			out.Late = true
			why += fmt.Sprintf("; verified late, %d day(s) after the date of service", dos.DaysUntil(checked))
		}
		out.Result = pass(why)
	}
	return out
}

func describeCheck(c *claimgate.EligibilityCheck) string {
	at := c.CheckedAt.UTC().Format("2006-01-02 15:04")
	if c.Method == claimgate.EligBy270 {
		return fmt.Sprintf("271 trace %s, %s, by user %d", c.Reference, at, c.CheckedBy)
	}
	return fmt.Sprintf("%s, reference %s, %s, by user %d", c.Method, c.Reference, at, c.CheckedBy)
}

func checkEligibility(f *Facts) Result { return f.Eligibility().Result }

// AuthNeed is one planned service the payer's table asks something for.
type AuthNeed struct {
	Code        string
	Units       int
	Requirement claimgate.AuthRequirement
	// Record is the newest authorization record of the code; nil if none.
	Record *claimgate.AuthRecord
	// OK says the service may be billed as far as authorization goes;
	// Why says why or why not.
	OK  bool
	Why string
}

// ruleFor returns the payer's rule for a code at a place of service: one
// for the place wins over one for any place, and a single code over a
// range. ok is false when no rule applies.
func ruleFor(rules []claimgate.AuthRule, code, pos string) (claimgate.AuthRule, bool) {
	best, score := claimgate.AuthRule{}, -1
	for _, r := range rules {
		if !r.Matches(code, pos) {
			continue
		}
		s := 0
		if r.PlaceOfService != "" {
			s += 2
		}
		if r.CodeTo == "" || r.CodeTo == r.CodeFrom {
			s++
		}
		if s > score {
			best, score = r, s
		}
	}
	return best, score >= 0
}

// AuthNeeds returns, for each planned service of the case that the primary
// payer's table asks authorization or notification for, what is on file.
// The services are the encounter plan's items (services, orders and
// supplies); units add up per code.
func (f *Facts) AuthNeeds() []AuthNeed {
	units := map[string]int{}
	var codes []string
	for _, it := range f.Mid.Plan {
		if _, ok := units[it.Code]; !ok {
			codes = append(codes, it.Code)
		}
		n := it.Units
		if n <= 0 {
			n = 1
		}
		units[it.Code] += n
	}
	var out []AuthNeed
	dos := f.Case.ServiceDate
	for _, code := range codes {
		r, ok := ruleFor(f.Front.AuthRules, code, f.Location.PlaceOfService)
		if !ok || r.Requirement == claimgate.AuthNone {
			continue
		}
		n := AuthNeed{Code: code, Units: units[code], Requirement: r.Requirement}
		for i := range f.Front.Auths {
			if f.Front.Auths[i].Code == code {
				n.Record = &f.Front.Auths[i]
			}
		}
		a := n.Record
		switch {
		case a == nil && r.Requirement == claimgate.AuthNotification:
			n.Why = fmt.Sprintf("%s: the payer must be notified; no notification is recorded", code)
		case a == nil:
			n.Why = fmt.Sprintf("%s needs prior authorization: none on file", code)
		case r.Requirement == claimgate.AuthNotification && a.Status != claimgate.AuthDenied:
			n.OK, n.Why = true, fmt.Sprintf("%s: payer notified (%s, record %d)", code, a.Status, a.ID)
		case a.Status == claimgate.AuthNotRequired:
			n.OK, n.Why = true, fmt.Sprintf("%s: documented not required by user %d (%s)", code, a.CreatedBy, a.Reason)
		case a.Status == claimgate.AuthPending:
			n.Why = fmt.Sprintf("%s: authorization pending with the payer since %s (owner user %d)", code, a.CreatedAt.UTC().Format("2006-01-02"), a.OwnerID)
		case a.Status == claimgate.AuthDenied:
			n.Why = fmt.Sprintf("%s: authorization denied (%s)", code, a.Reason)
		case dos.Before(a.From) || (!a.To.IsZero() && dos.After(a.To)):
			n.Why = fmt.Sprintf("%s: authorization %s covers %s to %s, not the date of service %s", code, a.Number, a.From, a.To, dos)
		case a.Units > 0 && n.Units > a.Units:
			n.Why = fmt.Sprintf("%s: %d unit(s) planned exceed the %d authorized by %s", code, n.Units, a.Units, a.Number)
		default:
			n.OK, n.Why = true, fmt.Sprintf("%s: authorization %s approved %s to %s", code, a.Number, a.From, a.To)
		}
		out = append(out, n)
	}
	return out
}

func checkAuthorization(f *Facts) Result {
	if f.Mid.Visit == nil {
		return fail("no services are planned for this case: record the encounter plan so the payer's authorization rules can be checked")
	}
	if _, ok := f.Primary(); !ok {
		return fail("no primary coverage: the payer's authorization rules are unknown")
	}
	needs := f.AuthNeeds()
	var bad, good []string
	for _, n := range needs {
		if n.OK {
			good = append(good, n.Why)
		} else {
			bad = append(bad, n.Why)
		}
	}
	if len(bad) > 0 {
		return fail("%s", strings.Join(bad, "; "))
	}
	if len(needs) == 0 {
		return pass(fmt.Sprintf("none of the %d planned service(s) needs authorization under the payer's rules", len(f.Mid.Plan)))
	}
	return pass(strings.Join(good, "; "))
}

// EstimateParts is a patient responsibility estimate before it is
// communicated.
type EstimateParts struct {
	Check                                          *claimgate.EligibilityCheck
	Allowed, Copay, Deductible, Coinsurance, Total claimgate.Money
	Lines                                          []string // how each service was priced
}

// Estimate computes the patient's responsibility for the planned services
// from the benefits of the check that verifies eligibility: each service at
// the payer's expected allowed amount (its fee schedule), else the
// chargemaster price; the copay once; then what remains of the deductible;
// then coinsurance on the rest; the whole capped at the out-of-pocket
// maximum remaining. Without a verifying check it is an Invalid error.
func (f *Facts) Estimate() (EstimateParts, error) {
	el := f.Eligibility()
	if el.Result.Status != Pass {
		return EstimateParts{}, claimgate.Errorf(claimgate.Invalid, "no estimate without verified eligibility: %s", el.Result.Why)
	}
	if len(f.Mid.Plan) == 0 {
		return EstimateParts{}, claimgate.Errorf(claimgate.Invalid, "no estimate without planned services: record the encounter plan")
	}
	c := el.Check
	p := EstimateParts{Check: c}
	fees := map[string]claimgate.Money{}
	for _, fe := range f.Front.Fees {
		if fe.Modifier == "" {
			fees[fe.Code] = fe.Allowed
		}
	}
	for _, it := range f.Mid.Plan {
		n := claimgate.Money(max(it.Units, 1))
		if a, ok := fees[it.Code]; ok {
			p.Allowed += a * n
			p.Lines = append(p.Lines, fmt.Sprintf("%s × %d at the payer's allowed %s", it.Code, n, a))
		} else if ci, ok := f.Mid.Chargemaster[it.Code]; ok {
			p.Allowed += ci.Price * n
			p.Lines = append(p.Lines, fmt.Sprintf("%s × %d at the chargemaster price %s (no fee on file)", it.Code, n, ci.Price))
		} else {
			return EstimateParts{}, claimgate.Errorf(claimgate.Invalid, "no estimate: %s has neither a fee for the payer nor a chargemaster price", it.Code)
		}
	}
	rest := p.Allowed
	p.Copay = min(c.Copay, rest)
	rest -= p.Copay
	p.Deductible = min(c.DeductibleRemaining, rest)
	rest -= p.Deductible
	p.Coinsurance = claimgate.Money((int64(rest)*c.Coinsurance + 5000) / 10000)
	p.Total = p.Copay + p.Deductible + p.Coinsurance
	if c.HasOOP && p.Total > c.OOPRemaining {
		p.Total = c.OOPRemaining
	}
	return p, nil
}

func checkPatientResponsibility(f *Facts) Result {
	if len(f.Front.Estimates) == 0 {
		return fail("no patient responsibility estimate has been communicated and recorded")
	}
	e := f.Front.Estimates[0]
	why := fmt.Sprintf("estimate %s communicated (%s) by user %d on %s", e.Total, strings.ReplaceAll(e.Method, "_", " "),
		e.CommunicatedBy, e.CommunicatedAt.UTC().Format("2006-01-02 15:04"))
	if e.Deposit > 0 {
		why += fmt.Sprintf("; deposit %s collected", e.Deposit)
	}
	return pass(why)
}

// aaaAction is what the front-end does about an AAA rejection reason.
type aaaAction struct {
	text  string
	stage claimgate.Stage // whose queue gets the work
	do    string
}

// aaaActions maps AAA03 reasons of a 271 to their meaning and the work
// they call for. Demographic defects go back to registration.
var aaaActions = map[string]aaaAction{
	"15": {"required application data missing", claimgate.Registration, "complete the patient's and subscriber's data and check again"},
	"42": {"payer unable to respond now", claimgate.Eligibility, "check again later, or verify by phone or portal"},
	"43": {"invalid or missing provider identification", claimgate.Eligibility, "check the billing provider's NPI with the payer"},
	"51": {"provider not on file", claimgate.Eligibility, "the billing provider is not enrolled with the payer: check enrollment before the visit"},
	"56": {"inappropriate date", claimgate.Eligibility, "check the date of service and ask again"},
	"57": {"invalid or missing date of service", claimgate.Eligibility, "check the date of service and ask again"},
	"58": {"invalid or missing date of birth", claimgate.Registration, "confirm the birth date with the patient and correct registration"},
	"62": {"date of service not within allowable inquiry period", claimgate.Eligibility, "verify by phone or portal"},
	"63": {"date of service in the future", claimgate.Eligibility, "check again closer to the visit"},
	"64": {"invalid or missing patient ID", claimgate.Registration, "confirm the member ID on the patient's card and correct the coverage"},
	"65": {"invalid or missing patient name", claimgate.Registration, "confirm the patient's name as on the card"},
	"67": {"patient not found", claimgate.Registration, "confirm the dependent's name and birth date with the subscriber's card"},
	"71": {"patient birth date does not match the payer's", claimgate.Registration, "confirm the birth date with the patient and correct registration"},
	"72": {"invalid or missing subscriber/insured ID", claimgate.Registration, "confirm the member ID on the patient's card and correct the coverage"},
	"73": {"invalid or missing subscriber/insured name", claimgate.Registration, "confirm the subscriber's name as on the card"},
	"75": {"subscriber/insured not found", claimgate.Registration, "member not found: confirm payer, member ID, name and birth date with the patient's card and correct the coverage"},
	"76": {"duplicate subscriber/insured ID", claimgate.Registration, "the payer has two members with this ID: confirm with the patient"},
	"79": {"invalid participant identification (payer unknown)", claimgate.Registration, "the payer ID is not known to the clearinghouse: correct the payer on the coverage"},
	"80": {"no response received from the payer", claimgate.Eligibility, "check again later, or verify by phone or portal"},
}

func rejectText(code string) string {
	if a, ok := aaaActions[code]; ok {
		return a.text
	}
	return "rejected"
}

func rejectAction(code string) aaaAction {
	if a, ok := aaaActions[code]; ok {
		return a
	}
	return aaaAction{"rejected", claimgate.Eligibility, "read the payer's rejection and verify by phone or portal"}
}

// workFor returns an owned work item for a case in stage's queue, unless an
// open item of the case there already gives the same reason. It returns
// the item to open (nil when one is already open).
func (s *Service) workFor(ctx context.Context, caseID int64, stage claimgate.Stage, role claimgate.Role, reason string, priority int) (*claimgate.WorkItem, error) {
	open, err := s.Store.WorkItems(ctx, claimgate.WorkFilter{CaseID: caseID, Queue: stage.Queue(), Status: claimgate.WorkOpen})
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(open, func(w claimgate.WorkItem) bool { return w.Reason == reason }) {
		return nil, nil
	}
	owner, err := s.Assign(ctx, stage.Queue(), role)
	if err != nil {
		return nil, err
	}
	now := s.now()
	return &claimgate.WorkItem{CaseID: caseID, Stage: stage, Queue: stage.Queue(), Reason: reason, OwnerID: owner, Priority: priority,
		Due: now.Add(DefaultDue), Status: claimgate.WorkOpen, CreatedAt: now, UpdatedAt: now}, nil
}

func canFrontDesk(u *claimgate.User) bool {
	return u.Has(claimgate.FrontDesk) || u.Has(claimgate.Manager)
}

func canAuth(u *claimgate.User) bool {
	return u.Has(claimgate.AuthCoordinator) || u.Has(claimgate.FrontDesk) || u.Has(claimgate.Manager)
}

// ManualCheck is a phone or portal eligibility verification as the front
// desk records it.
type ManualCheck struct {
	Method    string // phone or portal
	Reference string // the call's or the portal's reference number
	Active    bool   // the payer said coverage is active on the date of service
	Plan      string
	Copay     claimgate.Money
	// DeductibleRemaining, Coinsurance (ten-thousandths) and OOPRemaining
	// (HasOOP) are the benefits the payer gave.
	DeductibleRemaining claimgate.Money
	Coinsurance         int64
	OOPRemaining        claimgate.Money
	HasOOP              bool
	Note                string
}

// VerifyManually records a phone or portal verification of the case's
// primary coverage for its date of service, by actor, now. Each missing or
// invalid field is named in the error's Details.
func (s *Service) VerifyManually(ctx context.Context, actor *claimgate.User, caseID int64, in ManualCheck) (claimgate.EligibilityCheck, error) {
	if !canFrontDesk(actor) {
		return claimgate.EligibilityCheck{}, claimgate.Errorf(claimgate.Forbidden, "verifying eligibility needs the front_desk or manager role")
	}
	var bad []string
	if in.Method != claimgate.EligByPhone && in.Method != claimgate.EligByPortal {
		bad = append(bad, "method: phone or portal")
	}
	in.Reference = strings.TrimSpace(in.Reference)
	if in.Reference == "" {
		bad = append(bad, "reference: the call or portal reference number is required")
	}
	if in.Coinsurance < 0 || in.Coinsurance > 10000 || in.Copay < 0 || in.DeductibleRemaining < 0 || in.OOPRemaining < 0 {
		bad = append(bad, "benefits: amounts cannot be negative, coinsurance is 0 to 100%")
	}
	if len(bad) > 0 {
		return claimgate.EligibilityCheck{}, &claimgate.Error{Kind: claimgate.Invalid, Msg: "verification not recorded: " + strings.Join(bad, "; "), Details: bad}
	}
	f, err := s.Facts(ctx, caseID)
	if err != nil {
		return claimgate.EligibilityCheck{}, err
	}
	cov, ok := f.Primary()
	if !ok {
		return claimgate.EligibilityCheck{}, claimgate.Errorf(claimgate.Invalid, "the patient has no primary coverage to verify")
	}
	c := claimgate.EligibilityCheck{CaseID: caseID, CoverageID: cov.ID, CoverageKey: cov.Key(), ServiceDate: f.Case.ServiceDate,
		Method: in.Method, Status: claimgate.EligActive, Plan: strings.TrimSpace(in.Plan), Copay: in.Copay,
		DeductibleRemaining: in.DeductibleRemaining, Coinsurance: in.Coinsurance, OOPRemaining: in.OOPRemaining, HasOOP: in.HasOOP,
		Reason: strings.TrimSpace(in.Note), Reference: in.Reference, CheckedBy: actor.ID, CheckedAt: s.now()}
	var w *claimgate.WorkItem
	if !in.Active {
		c.Status = claimgate.EligInactive
		if c.Reason == "" {
			c.Reason = "the payer said coverage is not active on the date of service"
		}
		if w, err = s.workFor(ctx, caseID, claimgate.Registration, claimgate.FrontDesk,
			fmt.Sprintf("coverage inactive on %s (%s ref %s): get current coverage from the patient or set up self-pay", f.Case.ServiceDate, in.Method, in.Reference), 1); err != nil {
			return claimgate.EligibilityCheck{}, err
		}
	}
	if err := s.Store.AddEligibilityCheck(ctx, &c, w); err != nil {
		return claimgate.EligibilityCheck{}, fmt.Errorf("record verification: %w", err)
	}
	if c.Status == claimgate.EligActive {
		if err := s.resolvedEligWork(ctx, actor, caseID); err != nil {
			return c, err
		}
	}
	return c, nil
}

// AuthInput is an authorization decision as the coordinator records it: a
// phone or portal answer, or a documented "not required".
type AuthInput struct {
	Code   string
	Status claimgate.AuthStatus
	Number string
	From   claimgate.Date
	To     claimgate.Date
	Units  int
	Source string // phone, portal, payer_rule
	Reason string
	// OwnerID carries the authorization; 0 makes the actor the owner.
	OwnerID int64
}

// RecordAuthorization records an authorization decision for a planned
// service. "Not required" needs a reason: who decided it and why is the
// record. A pending or denied authorization opens owned work for the
// authorization queue.
func (s *Service) RecordAuthorization(ctx context.Context, actor *claimgate.User, caseID int64, in AuthInput) (claimgate.AuthRecord, error) {
	if !canAuth(actor) {
		return claimgate.AuthRecord{}, claimgate.Errorf(claimgate.Forbidden, "recording an authorization needs the auth_coordinator, front_desk or manager role")
	}
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Reason = strings.TrimSpace(in.Reason)
	var bad []string
	if in.Code == "" {
		bad = append(bad, "code: the service's CPT/HCPCS code is required")
	}
	if !in.Status.Valid() {
		bad = append(bad, "status: pending, approved, denied or not_required")
	}
	if in.Status == claimgate.AuthApproved {
		if strings.TrimSpace(in.Number) == "" {
			bad = append(bad, "number: an approved authorization has the payer's number")
		}
		if in.From.IsZero() {
			bad = append(bad, "from: the first day the authorization covers")
		}
		if !in.To.IsZero() && in.To.Before(in.From) {
			bad = append(bad, "to: cannot be before from")
		}
	}
	if in.Status == claimgate.AuthNotRequired && in.Reason == "" {
		bad = append(bad, "reason: say why no authorization is required (payer rule, call reference)")
	}
	if in.Units < 0 {
		bad = append(bad, "units: cannot be negative")
	}
	if len(bad) > 0 {
		return claimgate.AuthRecord{}, &claimgate.Error{Kind: claimgate.Invalid, Msg: "authorization not recorded: " + strings.Join(bad, "; "), Details: bad}
	}
	if _, err := s.Store.Case(ctx, caseID); err != nil {
		return claimgate.AuthRecord{}, err
	}
	owner := in.OwnerID
	if owner == 0 {
		owner = actor.ID
	}
	if in.Source == "" {
		in.Source = "phone"
	}
	a := claimgate.AuthRecord{CaseID: caseID, Code: in.Code, Number: strings.TrimSpace(in.Number), Status: in.Status, From: in.From, To: in.To,
		Units: in.Units, OwnerID: owner, Source: in.Source, Reason: in.Reason, CreatedBy: actor.ID, CreatedAt: s.now()}
	w, err := s.authWork(ctx, a)
	if err != nil {
		return claimgate.AuthRecord{}, err
	}
	if err := s.Store.AddAuthorization(ctx, &a, w); err != nil {
		return claimgate.AuthRecord{}, fmt.Errorf("record authorization: %w", err)
	}
	return a, s.resolvedAuthWork(ctx, actor, a)
}

// authWork returns the work a new record calls for: pending and denied
// authorizations stay with their owner in the authorization queue.
func (s *Service) authWork(ctx context.Context, a claimgate.AuthRecord) (*claimgate.WorkItem, error) {
	var why string
	switch a.Status {
	case claimgate.AuthPending:
		why = fmt.Sprintf("authorization for %s pending with the payer: follow up before the date of service", a.Code)
	case claimgate.AuthDenied:
		why = fmt.Sprintf("authorization for %s denied: appeal, reschedule or get the patient's waiver", a.Code)
	default:
		return nil, nil
	}
	w, err := s.workFor(ctx, a.CaseID, claimgate.Authorization, claimgate.AuthCoordinator, why, 1)
	if w != nil {
		w.OwnerID = a.OwnerID
	}
	return w, err
}

// RequireAuthorizations opens, for each planned service of an open case
// that needs authorization and has none on file (in the front-end, or
// past it by exception), a work item in the authorization queue with an
// owner (the queue's default owner, else an
// authorization coordinator): "authorization isn't clearly owned" is a
// failure mode of the SOP. It returns the items opened.
func (s *Service) RequireAuthorizations(ctx context.Context, actor *claimgate.User, caseID int64) ([]claimgate.WorkItem, error) {
	f, err := s.Facts(ctx, caseID)
	if err != nil {
		return nil, err
	}
	if f.Case.Stage == claimgate.Closed {
		return nil, nil
	}
	var out []claimgate.WorkItem
	for _, n := range f.AuthNeeds() {
		if n.Record != nil || n.OK {
			continue
		}
		w, err := s.workFor(ctx, caseID, claimgate.Authorization, claimgate.AuthCoordinator,
			fmt.Sprintf("obtain prior authorization for %s (%d unit(s)) before %s", n.Code, n.Units, f.Case.ServiceDate), 1)
		if err != nil {
			return nil, err
		}
		if w == nil {
			continue
		}
		if err := s.Store.CreateWorkItem(ctx, w, actor.ID); err != nil {
			return nil, fmt.Errorf("open authorization work: %w", err)
		}
		out = append(out, *w)
	}
	return out, nil
}

// EstimateInput is how the estimate was communicated.
type EstimateInput struct {
	Method  string // in_person, phone, portal, letter
	Deposit claimgate.Money
	Note    string
}

// RecordEstimate computes the patient responsibility estimate of the case
// (Facts.Estimate) and records that actor communicated it now, how, and
// any deposit collected.
func (s *Service) RecordEstimate(ctx context.Context, actor *claimgate.User, caseID int64, in EstimateInput) (claimgate.Estimate, error) {
	if !canFrontDesk(actor) && !actor.Has(claimgate.PatientAccounts) {
		return claimgate.Estimate{}, claimgate.Errorf(claimgate.Forbidden, "recording an estimate needs the front_desk, patient_accounts or manager role")
	}
	if !slices.Contains(claimgate.EstimateMethods, in.Method) {
		return claimgate.Estimate{}, &claimgate.Error{Kind: claimgate.Invalid, Msg: "estimate not recorded: say how it was communicated",
			Details: []string{"method: one of " + strings.Join(claimgate.EstimateMethods, ", ")}}
	}
	if in.Deposit < 0 {
		return claimgate.Estimate{}, &claimgate.Error{Kind: claimgate.Invalid, Msg: "estimate not recorded: deposit cannot be negative", Details: []string{"deposit: cannot be negative"}}
	}
	f, err := s.Facts(ctx, caseID)
	if err != nil {
		return claimgate.Estimate{}, err
	}
	p, err := f.Estimate()
	if err != nil {
		return claimgate.Estimate{}, err
	}
	e := claimgate.Estimate{CaseID: caseID, CheckID: p.Check.ID, Allowed: p.Allowed, Copay: p.Copay, Deductible: p.Deductible,
		Coinsurance: p.Coinsurance, Total: p.Total, Deposit: in.Deposit, Method: in.Method, CommunicatedBy: actor.ID,
		CommunicatedAt: s.now(), Note: strings.TrimSpace(in.Note)}
	if err := s.Store.AddEstimate(ctx, &e); err != nil {
		return claimgate.Estimate{}, fmt.Errorf("record estimate: %w", err)
	}
	return e, nil
}

// ScheduleRow is one appointment of the front desk's day: the case, its
// patient, and where its front-end stands.
type ScheduleRow struct {
	Case          claimgate.Case
	Patient       claimgate.Patient
	Visit         *claimgate.Visit
	Eligibility   EligibilityFinding
	Authorization Result
	Estimate      Result
	Blocking      []ItemReport // Ready-to-Bill items that stop the line
	Passed        bool         // Ready-to-Bill passes (from data or by exception)
}

// Schedule returns the front desk's day: every case whose date of service
// is day, in order of the visit's scheduled time, with its eligibility,
// authorization and estimate status and the Ready-to-Bill items that
// block it.
func (s *Service) Schedule(ctx context.Context, day claimgate.Date) ([]ScheduleRow, error) {
	cases, err := s.Store.Cases(ctx, claimgate.CaseFilter{})
	if err != nil {
		return nil, err
	}
	var out []ScheduleRow
	for _, c := range cases {
		if c.ServiceDate != day || c.Stage == claimgate.Closed {
			continue
		}
		f, err := s.Facts(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		rep := Evaluate(ReadyToBill, f)
		row := ScheduleRow{Case: c, Patient: f.Patient, Visit: f.Mid.Visit, Eligibility: f.Eligibility(),
			Blocking: rep.Blocking(), Passed: rep.Passed()}
		for _, it := range rep.Items {
			switch it.ID {
			case "authorization":
				row.Authorization = it.Result
			case "patient_responsibility":
				row.Estimate = it.Result
			case "eligibility":
				row.Eligibility.Result = it.Result // with its exception, if any
			}
		}
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(a, b ScheduleRow) int {
		var ta, tb int64
		if a.Visit != nil {
			ta = a.Visit.ScheduledAt.Unix()
		}
		if b.Visit != nil {
			tb = b.Visit.ScheduledAt.Unix()
		}
		if ta != tb {
			if ta < tb {
				return -1
			}
			return 1
		}
		return int(a.Case.ID - b.Case.ID)
	})
	return out, nil
}

// completeResolved completes the case's open items in queue whose reason
// starts with one of prefixes: the data now shows the work done.
func (s *Service) completeResolved(ctx context.Context, actor *claimgate.User, caseID int64, queue, note string, prefixes ...string) error {
	open, err := s.Store.WorkItems(ctx, claimgate.WorkFilter{CaseID: caseID, Queue: queue, Status: claimgate.WorkOpen})
	if err != nil {
		return err
	}
	for _, w := range open {
		for _, p := range prefixes {
			if strings.HasPrefix(w.Reason, p) && w.ExceptionID == 0 {
				if err := s.Store.CompleteWorkItem(ctx, w.ID, actor.ID, note, s.now()); err != nil {
					return fmt.Errorf("complete resolved work %d: %w", w.ID, err)
				}
				break
			}
		}
	}
	return nil
}

// resolvedAuthWork completes the authorization work of a code that an
// approval or a documented "not required" settles.
func (s *Service) resolvedAuthWork(ctx context.Context, actor *claimgate.User, a claimgate.AuthRecord) error {
	if a.Status != claimgate.AuthApproved && a.Status != claimgate.AuthNotRequired {
		return nil
	}
	return s.completeResolved(ctx, actor, a.CaseID, claimgate.Authorization.Queue(), fmt.Sprintf("authorization for %s recorded: %s", a.Code, a.Status),
		"obtain prior authorization for "+a.Code+" ", "authorization for "+a.Code+" ", "authorization request for "+a.Code+" ")
}

// resolvedEligWork completes the eligibility and registration work that an
// active check settles.
func (s *Service) resolvedEligWork(ctx context.Context, actor *claimgate.User, caseID int64) error {
	note := "eligibility verified active for the date of service"
	if err := s.completeResolved(ctx, actor, caseID, claimgate.Eligibility.Queue(), note, "eligibility check failed", "eligibility rejected"); err != nil {
		return err
	}
	return s.completeResolved(ctx, actor, caseID, claimgate.Registration.Queue(), note, "eligibility rejected", "coverage inactive on")
}

// SkipRow counts, for one day and one user, the cases that user moved past
// Ready-to-Bill that day, and how many of them passed by exception or had
// eligibility verified late (after the date of service) or not at all: the
// SOP's "eligibility gets skipped on busy days", made visible.
type SkipRow struct {
	Day         claimgate.Date
	UserID      int64
	Crossed     int
	ByException int
	EligLate    int
	EligMissing int
}

// Skips returns the SkipRows of the days from..to (inclusive), by day then
// user.
func (s *Service) Skips(ctx context.Context, from, to claimgate.Date) ([]SkipRow, error) {
	cases, err := s.Store.Cases(ctx, claimgate.CaseFilter{})
	if err != nil {
		return nil, err
	}
	type key struct {
		day  claimgate.Date
		user int64
	}
	rows := map[key]*SkipRow{}
	for _, c := range cases {
		if c.Stage.Zone() == claimgate.FrontEnd {
			continue
		}
		evs, err := s.Store.Events(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		var cross *claimgate.Event
		for i := range evs {
			e := &evs[i]
			if e.Kind == claimgate.EventCaseMoved && e.From.Zone() == claimgate.FrontEnd && e.To.Zone() == claimgate.MidCycle {
				cross = e
			}
		}
		if cross == nil {
			continue
		}
		day := claimgate.DateOf(cross.At.UTC())
		if day.Before(from) || day.After(to) {
			continue
		}
		f, err := s.Facts(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		k := key{day, cross.ActorID}
		r := rows[k]
		if r == nil {
			r = &SkipRow{Day: day, UserID: cross.ActorID}
			rows[k] = r
		}
		r.Crossed++
		for _, e := range f.Exceptions {
			if e.Gate == ReadyToBill.ID && !e.CreatedAt.After(cross.At) {
				r.ByException++
				break
			}
		}
		// The check that counts is the newest active one for the date of
		// service made before the case crossed.
		var verified *claimgate.EligibilityCheck
		for i := range f.Front.Checks {
			ch := &f.Front.Checks[i]
			if ch.ServiceDate == c.ServiceDate && ch.Status == claimgate.EligActive && !ch.CheckedAt.After(cross.At) {
				verified = ch
				break
			}
		}
		switch {
		case verified == nil:
			r.EligMissing++
		case claimgate.DateOf(verified.CheckedAt.UTC()).After(c.ServiceDate):
			r.EligLate++
		}
	}
	out := make([]SkipRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b SkipRow) int {
		if a.Day != b.Day {
			if a.Day.Before(b.Day) {
				return -1
			}
			return 1
		}
		return int(a.UserID - b.UserID)
	})
	return out, nil
}

// DefaultAuthExpiryDays is how many days ahead of an authorization's last
// day its owner is warned.
const DefaultAuthExpiryDays = 7

// SweepAuthorizations opens the authorization work the data calls for, on
// every open case: in the front-end, an owned item for each planned service
// that needs an authorization none is on file for; on any case, an item for
// the owner of an approved authorization that expires within
// DefaultAuthExpiryDays while its date of service is not yet past it (or
// whose approved units the plan exceeds). It returns the items opened.
func (s *Service) SweepAuthorizations(ctx context.Context, actor *claimgate.User) ([]claimgate.WorkItem, error) {
	if !actor.Has(claimgate.AuthCoordinator) && !actor.Has(claimgate.Manager) {
		return nil, claimgate.Errorf(claimgate.Forbidden, "sweeping authorizations needs the auth_coordinator or manager role")
	}
	cases, err := s.Store.Cases(ctx, claimgate.CaseFilter{})
	if err != nil {
		return nil, err
	}
	var out []claimgate.WorkItem
	today := claimgate.DateOf(s.now())
	for _, c := range cases {
		if c.Stage == claimgate.Closed {
			continue
		}
		opened, err := s.RequireAuthorizations(ctx, actor, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, opened...)
		f, err := s.Facts(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, n := range f.AuthNeeds() {
			a := n.Record
			if a == nil || a.Status != claimgate.AuthApproved || a.To.IsZero() {
				continue
			}
			var why string
			switch {
			case a.Units > 0 && n.Units > a.Units:
				why = fmt.Sprintf("authorization %s for %s: %d unit(s) planned, %d approved: ask for more units", a.Number, a.Code, n.Units, a.Units)
			case !a.To.Before(today) && today.AddDays(DefaultAuthExpiryDays).After(a.To) && !c.ServiceDate.After(a.To) && today.Before(c.ServiceDate):
				why = fmt.Sprintf("authorization %s for %s expires %s, before or close to the visit on %s: extend it or reschedule", a.Number, a.Code, a.To, c.ServiceDate)
			default:
				continue
			}
			w, err := s.workFor(ctx, c.ID, claimgate.Authorization, claimgate.AuthCoordinator, why, 1)
			if err != nil {
				return nil, err
			}
			if w == nil {
				continue
			}
			w.OwnerID = a.OwnerID
			if err := s.Store.CreateWorkItem(ctx, w, actor.ID); err != nil {
				return nil, fmt.Errorf("open authorization work: %w", err)
			}
			out = append(out, *w)
		}
	}
	return out, nil
}

// CheckDay checks eligibility in real time for every appointment of day
// that is still in the front-end and not verified: the front desk's
// morning run. It returns the checks recorded.
func (s *Service) CheckDay(ctx context.Context, actor *claimgate.User, day claimgate.Date) ([]claimgate.EligibilityCheck, error) {
	if !canFrontDesk(actor) {
		return nil, claimgate.Errorf(claimgate.Forbidden, "checking eligibility needs the front_desk or manager role")
	}
	rows, err := s.Schedule(ctx, day)
	if err != nil {
		return nil, err
	}
	var out []claimgate.EligibilityCheck
	for _, r := range rows {
		if r.Case.Stage.Zone() != claimgate.FrontEnd || r.Eligibility.Result.Status == Pass {
			continue
		}
		c, err := s.CheckEligibility(ctx, actor, r.Case.ID)
		if err != nil {
			return out, fmt.Errorf("case %d: %w", r.Case.ID, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// AuthRow is one planned service needing authorization, as the
// authorization coordinator's queue shows it.
type AuthRow struct {
	Case    claimgate.Case
	Patient claimgate.Patient
	Need    AuthNeed
	// State is missing, pending, denied, expiring, approved or
	// not_required.
	State string
	// OwnerID carries it: the record's owner, else the owner of the open
	// authorization work item naming the code; 0 when nobody does (the
	// SOP's "authorization isn't clearly owned").
	OwnerID int64
}

// AuthWorklist returns every planned service of an open case that the
// payer's table asks authorization or notification for, unsettled ones
// first (missing, denied, pending, expiring), then by date of service.
func (s *Service) AuthWorklist(ctx context.Context) ([]AuthRow, error) {
	cases, err := s.Store.Cases(ctx, claimgate.CaseFilter{})
	if err != nil {
		return nil, err
	}
	today := claimgate.DateOf(s.now())
	var out []AuthRow
	for _, c := range cases {
		if c.Stage == claimgate.Closed {
			continue
		}
		f, err := s.Facts(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		needs := f.AuthNeeds()
		if len(needs) == 0 {
			continue
		}
		work, err := s.Store.WorkItems(ctx, claimgate.WorkFilter{CaseID: c.ID, Queue: claimgate.Authorization.Queue(), Status: claimgate.WorkOpen})
		if err != nil {
			return nil, err
		}
		for _, n := range needs {
			r := AuthRow{Case: c, Patient: f.Patient, Need: n}
			a := n.Record
			switch {
			case a == nil:
				r.State = "missing"
			case a.Status == claimgate.AuthApproved && !n.OK:
				r.State = "expired"
			case a.Status == claimgate.AuthApproved && !a.To.IsZero() && today.AddDays(DefaultAuthExpiryDays).After(a.To):
				r.State = "expiring"
			default:
				r.State = string(a.Status)
			}
			if a != nil {
				r.OwnerID = a.OwnerID
			} else {
				for _, w := range work {
					if strings.Contains(w.Reason, " "+n.Code+" ") {
						r.OwnerID = w.OwnerID
						break
					}
				}
			}
			out = append(out, r)
		}
	}
	rank := map[string]int{"missing": 0, "denied": 1, "expired": 2, "pending": 3, "expiring": 4}
	slices.SortStableFunc(out, func(a, b AuthRow) int {
		ra, ok := rank[a.State]
		if !ok {
			ra = 9
		}
		rb, ok := rank[b.State]
		if !ok {
			rb = 9
		}
		if ra != rb {
			return ra - rb
		}
		if a.Case.ServiceDate != b.Case.ServiceDate {
			if a.Case.ServiceDate.Before(b.Case.ServiceDate) {
				return -1
			}
			return 1
		}
		return int(a.Case.ID - b.Case.ID)
	})
	return out, nil
}
