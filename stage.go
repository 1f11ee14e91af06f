package claimgate

import "strings"

// Stage is where a case sits in the chain of handoffs (DESIGN §1). A case is
// always at exactly one stage.
type Stage string

// The 17 stages, in chain order.
const (
	Intake             Stage = "intake"
	Registration       Stage = "registration"
	Eligibility        Stage = "eligibility"
	Authorization      Stage = "authorization"
	FinancialClearance Stage = "financial_clearance"
	Encounter          Stage = "encounter"
	Documentation      Stage = "documentation"
	Coding             Stage = "coding"
	ClaimBuild         Stage = "claim_build"
	Scrub              Stage = "scrub"
	Submission         Stage = "submission"
	Adjudication       Stage = "adjudication"
	Posting            Stage = "posting"
	Denials            Stage = "denials"
	ARFollowUp         Stage = "ar_followup"
	PatientBalance     Stage = "patient_balance"
	Closed             Stage = "closed"
)

// Stages lists every stage in chain order.
var Stages = []Stage{
	Intake, Registration, Eligibility, Authorization, FinancialClearance,
	Encounter, Documentation, Coding,
	ClaimBuild, Scrub, Submission, Adjudication, Posting, Denials, ARFollowUp, PatientBalance,
	Closed,
}

// Zone is one of the SOP's three zones.
type Zone string

const (
	FrontEnd Zone = "front-end"
	MidCycle Zone = "mid-cycle"
	BackEnd  Zone = "back-end"
	Done     Zone = "closed"
)

type stageInfo struct {
	n     int
	zone  Zone
	role  Role
	title string
}

var stageTable = map[Stage]stageInfo{
	Intake:             {1, FrontEnd, FrontDesk, "Intake"},
	Registration:       {2, FrontEnd, FrontDesk, "Registration"},
	Eligibility:        {3, FrontEnd, FrontDesk, "Eligibility"},
	Authorization:      {4, FrontEnd, AuthCoordinator, "Authorization / Medical Necessity"},
	FinancialClearance: {5, FrontEnd, FrontDesk, "Financial Clearance"},
	Encounter:          {6, MidCycle, Clinician, "Encounter"},
	Documentation:      {7, MidCycle, Clinician, "Documentation"},
	Coding:             {8, MidCycle, Coder, "Coding / Charge Capture"},
	ClaimBuild:         {9, BackEnd, Biller, "Claim Build"},
	Scrub:              {10, BackEnd, Biller, "Claim Edits / Scrub"},
	Submission:         {11, BackEnd, Biller, "Submission"},
	Adjudication:       {12, BackEnd, Biller, "Adjudication / ERA"},
	Posting:            {13, BackEnd, PaymentPoster, "Posting / Reconciliation"},
	Denials:            {14, BackEnd, DenialSpecialist, "Denials / Appeals"},
	ARFollowUp:         {15, BackEnd, ARSpecialist, "A/R Follow-Up"},
	PatientBalance:     {16, BackEnd, PatientAccounts, "Patient Balance"},
	Closed:             {17, Done, "", "Final Payment / Close"},
}

// ParseStage returns the stage named s, or an Invalid error listing the stages.
func ParseStage(s string) (Stage, error) {
	st := Stage(s)
	if _, ok := stageTable[st]; ok {
		return st, nil
	}
	names := make([]string, len(Stages))
	for i, v := range Stages {
		names[i] = string(v)
	}
	return "", Errorf(Invalid, "unknown stage %q: want one of %s", s, strings.Join(names, ", "))
}

// Valid reports whether s is one of the 17 stages.
func (s Stage) Valid() bool { _, ok := stageTable[s]; return ok }

// Number returns the stage's 1-based position in the chain.
func (s Stage) Number() int { return stageTable[s].n }

// Zone returns the zone the stage belongs to.
func (s Stage) Zone() Zone { return stageTable[s].zone }

// OwnerRole returns the role that typically owns work at this stage.
func (s Stage) OwnerRole() Role { return stageTable[s].role }

// Title returns the stage's name as the SOP writes it.
func (s Stage) Title() string { return stageTable[s].title }

// Queue returns the name of the stage's work queue.
func (s Stage) Queue() string { return string(s) }

// MoveKind says why a move between two stages is allowed.
type MoveKind string

const (
	Forward MoveKind = "forward" // the next stage in the chain, or an adjudication outcome route
	Rework  MoveKind = "rework"  // back upstream to fix a defect (rejection, denial)
	Reopen  MoveKind = "reopen"  // a closed case reopened by a recoupment or reversal
	// Cancel closes a case whose encounter did not happen (a no-show or a
	// cancellation): no service was rendered and no claim exists, so there
	// is nothing for the mid-cycle or Close-Ready gates to check. The
	// workflow allows it only when the encounter records why.
	Cancel MoveKind = "cancelled"
)

// moves lists every allowed move. Anything else is refused: a move that skips
// a stage is not in this table.
var moves = map[[2]Stage]MoveKind{}

func allow(kind MoveKind, from Stage, to ...Stage) {
	for _, t := range to {
		moves[[2]Stage{from, t}] = kind
	}
}

func init() {
	for i := 0; i+1 < len(Stages); i++ {
		allow(Forward, Stages[i], Stages[i+1])
	}
	// After posting, the outcome decides where the money is followed up: a
	// denial, an unpaid or underpaid balance, a patient balance, or paid in full.
	allow(Forward, Posting, ARFollowUp, PatientBalance, Closed)
	allow(Forward, Denials, PatientBalance, Closed)
	allow(Forward, ARFollowUp, Closed)
	// Rework loops (DESIGN §1).
	allow(Rework, Scrub, ClaimBuild, Coding, Registration)
	allow(Rework, Adjudication, ClaimBuild, Registration)
	allow(Rework, Denials, ClaimBuild, Coding, Documentation, Authorization, Eligibility, Registration)
	allow(Rework, ARFollowUp, Denials, ClaimBuild, Registration)
	allow(Rework, PatientBalance, Registration, ARFollowUp)
	allow(Reopen, Closed, Posting)
	// A no-show or cancellation closes the case without a claim.
	allow(Cancel, Encounter, Closed)
}

// MoveKindOf returns the kind of the move from one stage to another, or an
// Invalid error that says why the move is not allowed.
func MoveKindOf(from, to Stage) (MoveKind, error) {
	if !from.Valid() {
		return "", Errorf(Invalid, "unknown stage %q", from)
	}
	if !to.Valid() {
		return "", Errorf(Invalid, "unknown stage %q", to)
	}
	if from == to {
		return "", Errorf(Invalid, "case is already at %s", to)
	}
	if k, ok := moves[[2]Stage{from, to}]; ok {
		return k, nil
	}
	if to.Number() > from.Number() {
		var skipped []string
		for _, s := range Stages[from.Number() : to.Number()-1] {
			skipped = append(skipped, string(s))
		}
		return "", &Error{Kind: Invalid, Msg: "cannot move from " + string(from) + " to " + string(to) + ": it skips " + strings.Join(skipped, ", "), Details: skipped}
	}
	return "", Errorf(Invalid, "cannot move from %s back to %s: no rework loop goes there", from, to)
}

// NextStages returns the stages a case at s may move to, in chain order.
func NextStages(s Stage) []Stage {
	var out []Stage
	for _, t := range Stages {
		if _, ok := moves[[2]Stage{s, t}]; ok {
			out = append(out, t)
		}
	}
	return out
}
