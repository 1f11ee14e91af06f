package workflow

import (
	"fmt"
	"strings"

	"github.com/claimgate/claimgate"
)

// The SOP's three gates. Every item of SOP.md's checklists is here. Items
// whose proof comes from capabilities not yet built answer Pending, which
// blocks like a failure: nothing passes silently.
var (
	ReadyToBill = &Gate{
		ID: "ready_to_bill", Title: "Ready-to-Bill", Leaves: claimgate.FrontEnd,
		Items: []Check{
			{"registration", "Registration complete with correct payer, plan, and identifiers.", checkRegistration},
			{"eligibility", "Eligibility verified and documented (or exception logged).", checkEligibility},
			{"authorization", "Authorization status confirmed or documented not required.", checkAuthorization},
			{"identifiers", "Provider and location identifiers correct.", checkIdentifiers},
			{"patient_responsibility", "Patient responsibility expectations communicated.", checkPatientResponsibility},
		},
	}
	CodingReady = &Gate{
		ID: "coding_ready", Title: "Coding-Ready", Leaves: claimgate.MidCycle,
		Items: []Check{
			{"documentation_signed", "Documentation signed and complete.", checkDocumentationSigned},
			{"required_elements", "Required elements present for the service type.", checkRequiredElements},
			{"charge_capture", "Charge capture complete with no missing services or supplies.", checkChargeCapture},
			{"coding_supported", "Coding supported by documentation.", checkCodingSupported},
			{"medical_necessity", "Medical necessity support present where payer rules are strict.", checkMedicalNecessity},
		},
	}
	CloseReady = &Gate{
		ID: "close_ready", Title: "Close-Ready", Leaves: claimgate.BackEnd,
		Items: []Check{
			{"claim_edits", "Claim edits resolved or approved by exception.", func(*Facts) Result {
				return pending("no scrub result is recorded for the case's claims")
			}},
			{"submission_accepted", "Submission accepted and tracked.", checkSubmissionAccepted},
			{"era_posted", "ERA/EOB posted accurately.", func(*Facts) Result {
				return pending("no balanced ERA/EOB posting is recorded")
			}},
			{"variances", "Allowed vs expected variances flagged.", func(*Facts) Result {
				return pending("allowed-vs-expected variances have not been evaluated")
			}},
			{"denials_routed", "Denials routed to reason-specific queues.", func(*Facts) Result {
				return pending("denial routing is not recorded")
			}},
			{"repeat_denials", "Repeat denial reasons logged and assigned upstream.", func(*Facts) Result {
				return pending("repeat-denial analysis is not recorded")
			}},
			{"patient_balance_path", "Patient balance resolution path defined.", func(*Facts) Result {
				return pending("no patient balance resolution (paid, statement, plan, collections) is recorded")
			}},
		},
	}
	// Gates lists the gates in chain order.
	Gates = []*Gate{ReadyToBill, CodingReady, CloseReady}
)

// GateByID returns the gate with the given ID.
func GateByID(id string) (*Gate, bool) {
	for _, g := range Gates {
		if g.ID == id {
			return g, true
		}
	}
	return nil, false
}

// GateFor returns the gate that guards a move, or nil. A forward move that
// leaves a zone is guarded by the gate of the zone it leaves; rework loops and
// reopenings are not (they go back to fix, not forward).
func GateFor(from, to claimgate.Stage, kind claimgate.MoveKind) *Gate {
	if kind != claimgate.Forward || from.Zone() == to.Zone() {
		return nil
	}
	for _, g := range Gates {
		if g.Leaves == from.Zone() {
			return g
		}
	}
	return nil
}

// NextGate returns the gate ahead of a case at s: the one it must pass to
// leave its zone. Nil for a closed case.
func NextGate(s claimgate.Stage) *Gate {
	for _, g := range Gates {
		if g.Leaves == s.Zone() {
			return g
		}
	}
	return nil
}

func checkRegistration(f *Facts) Result {
	var missing []string
	p := f.Patient
	need := func(ok bool, what string) {
		if !ok {
			missing = append(missing, what)
		}
	}
	need(strings.TrimSpace(p.First) != "", "patient first name")
	need(strings.TrimSpace(p.Last) != "", "patient last name")
	need(!p.BirthDate.IsZero(), "patient birth date")
	need(p.Sex == claimgate.Female || p.Sex == claimgate.Male || p.Sex == claimgate.Unknown, "patient sex (F, M or U)")
	need(p.Address.Line1 != "" && p.Address.City != "" && len(p.Address.State) == 2 && validZip(p.Address.Zip), "patient address (street, city, 2-letter state, ZIP)")
	cov, ok := f.Primary()
	if !ok {
		missing = append(missing, "primary coverage")
		return fail("missing %s", strings.Join(missing, ", "))
	}
	payer, ok := f.Payers[cov.PayerID]
	need(ok && payer.PayerID != "", "payer ID of the primary payer")
	need(cov.PlanType != "", "plan type of the primary coverage")
	need(strings.TrimSpace(cov.MemberID) != "", "member ID")
	need(cov.Relationship != "", "patient's relationship to the subscriber")
	if cov.Relationship != "" && cov.Relationship != claimgate.Self {
		need(cov.SubscriberFirst != "" && cov.SubscriberLast != "" && !cov.SubscriberBirthDate.IsZero(), "subscriber name and birth date")
	}
	if len(missing) > 0 {
		return fail("missing %s", strings.Join(missing, ", "))
	}
	if !cov.ActiveOn(f.Case.ServiceDate) {
		return fail("primary coverage is not in effect on the date of service %s", f.Case.ServiceDate)
	}
	if bad := registrationProblems(f, cov, payer); len(bad) > 0 {
		return fail("%s", strings.Join(bad, "; "))
	}
	return pass(fmt.Sprintf("patient demographics complete; primary %s plan %s, member ID on file", payer.Name, cov.PlanType))
}

func validZip(z string) bool {
	if len(z) != 5 && len(z) != 9 {
		return false
	}
	for _, c := range z {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func checkIdentifiers(f *Facts) Result {
	var bad []string
	if !claimgate.ValidNPI(f.Provider.NPI) {
		bad = append(bad, fmt.Sprintf("rendering provider NPI %q fails the NPI check digit", f.Provider.NPI))
	}
	if len(f.Provider.Taxonomy) != 10 {
		bad = append(bad, "rendering provider taxonomy code missing or not 10 characters")
	}
	if !claimgate.ValidNPI(f.Org.NPI) {
		bad = append(bad, fmt.Sprintf("billing provider NPI %q fails the NPI check digit", f.Org.NPI))
	}
	if len(f.Org.TaxID) != 9 {
		bad = append(bad, "billing provider tax ID (EIN, 9 digits) missing")
	}
	if f.Location.NPI != "" && !claimgate.ValidNPI(f.Location.NPI) {
		bad = append(bad, fmt.Sprintf("service location NPI %q fails the NPI check digit", f.Location.NPI))
	}
	if len(f.Location.PlaceOfService) != 2 {
		bad = append(bad, "service location place-of-service code missing")
	}
	if len(bad) > 0 {
		return fail("%s", strings.Join(bad, "; "))
	}
	return pass("rendering and billing NPIs pass the check digit; taxonomy and place of service present")
}

func checkSubmissionAccepted(f *Facts) Result {
	if len(f.Claims) == 0 {
		return fail("no claim has been submitted for this case")
	}
	var open []string
	for _, c := range f.Claims {
		switch c.Status {
		case claimgate.ClaimBuilt, claimgate.ClaimScrubbed, claimgate.ClaimSubmitted, claimgate.ClaimRejectedCH, claimgate.ClaimRejectedPayer:
			open = append(open, fmt.Sprintf("claim %d is %s", c.ID, c.Status))
		}
	}
	if len(open) > 0 {
		return fail("%s", strings.Join(open, "; "))
	}
	return pass(fmt.Sprintf("%d claim(s) accepted and tracked", len(f.Claims)))
}
