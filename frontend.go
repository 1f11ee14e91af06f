package claimgate

import (
	"context"
	"fmt"
	"time"
)

// The front-end (SOP: "registration accuracy, eligibility verification,
// authorization timing and ownership, and financial clearance"): what the
// payer said about a patient's coverage on the date of service (a 271 or a
// documented phone or portal check), which services a payer wants an
// authorization for, the authorizations on file, and the patient
// responsibility estimate given to the patient.

// EligStatus is what an eligibility check found.
type EligStatus string

// Eligibility statuses.
const (
	EligActive   EligStatus = "active"   // coverage active on the date of service
	EligInactive EligStatus = "inactive" // the payer knows the member, but not covered on the date
	EligRejected EligStatus = "rejected" // the payer refused the request (AAA): member not found...
	EligError    EligStatus = "error"    // no usable answer: the 271 did not parse, was for someone else...
)

// Valid reports whether s is a known status.
func (s EligStatus) Valid() bool {
	switch s {
	case EligActive, EligInactive, EligRejected, EligError:
		return true
	}
	return false
}

// Ways an eligibility check is made.
const (
	EligBy270    = "270"    // electronic, real time through the clearinghouse
	EligByPhone  = "phone"  // a call to the payer, with the call's reference number
	EligByPortal = "portal" // the payer's web portal, with its reference number
)

// EligibilityCheck is one verification of a case's primary coverage for its
// date of service, electronic (270/271) or manual (phone, portal). Checks are
// kept, never changed: the newest counts.
type EligibilityCheck struct {
	ID         int64
	CaseID     int64
	CoverageID int64
	// CoverageKey is the coverage as checked (Coverage.Key): a change to
	// the coverage since makes the check stale.
	CoverageKey string
	ServiceDate Date
	Method      string // EligBy270, EligByPhone, EligByPortal
	Status      EligStatus
	Plan        string // EB05 or what the payer's agent said
	// CoverageFrom and CoverageTo are the plan dates the payer gave; zero
	// when not said.
	CoverageFrom        Date
	CoverageTo          Date
	Deductible          Money
	DeductibleRemaining Money
	Copay               Money
	// Coinsurance is the patient's share after the deductible, in
	// ten-thousandths (2000 is 20%).
	Coinsurance  int64
	OOPRemaining Money  // out-of-pocket maximum remaining; 0 with no maximum
	HasOOP       bool   // the plan has an out-of-pocket maximum
	Network      string // "in", "out" or "" when the payer did not say
	// RejectCode is the AAA03 reason of a rejected request (75 member not
	// found...); Reason says in words what went wrong, for any status but
	// active.
	RejectCode string
	Reason     string
	// Reference is the 271's trace number, or the reference number of the
	// call or portal session.
	Reference string
	CheckedBy int64
	CheckedAt time.Time
	// Response is the 271 as received (synthetic in tests and the demo),
	// kept for audit; empty for a manual check.
	Response string
}

// Key identifies what a coverage says about who pays: a check made for
// another key was made for other coverage.
func (c Coverage) Key() string {
	return fmt.Sprintf("%d|%d|%s|%s|%s|%s|%s|%s", c.PayerID, c.Rank, c.PlanType, c.MemberID, c.GroupNumber, c.Relationship, c.EffectiveFrom, c.EffectiveTo)
}

// AuthRequirement is what a payer wants before a service.
type AuthRequirement string

// Authorization requirements.
const (
	AuthRequired     AuthRequirement = "required"     // prior authorization
	AuthNotification AuthRequirement = "notification" // notify the payer; no decision needed
	AuthNone         AuthRequirement = "none"
)

// Valid reports whether r is a known requirement.
func (r AuthRequirement) Valid() bool {
	return r == AuthRequired || r == AuthNotification || r == AuthNone
}

// AuthRule is one row of a payer's authorization table: the services (a
// code, or a range of codes CodeFrom..CodeTo compared as text, as CPT
// ranges are written) that need authorization, notification or nothing, at
// a place of service or at any ("").
type AuthRule struct {
	PayerID        int64
	CodeFrom       string
	CodeTo         string // "" for the single code CodeFrom
	PlaceOfService string
	Requirement    AuthRequirement
}

// Matches reports whether r applies to a service code at a place of
// service.
func (r AuthRule) Matches(code, pos string) bool {
	if r.PlaceOfService != "" && r.PlaceOfService != pos {
		return false
	}
	to := r.CodeTo
	if to == "" {
		to = r.CodeFrom
	}
	return len(code) == len(r.CodeFrom) && code >= r.CodeFrom && code <= to
}

// AuthStatus is where an authorization stands.
type AuthStatus string

// Authorization statuses (278 HCR01: A1 certified → approved, A3 not
// certified → denied, A4 pended → pending, NA no action required →
// not_required).
const (
	AuthPending     AuthStatus = "pending"
	AuthApproved    AuthStatus = "approved"
	AuthDenied      AuthStatus = "denied"
	AuthNotRequired AuthStatus = "not_required"
)

// Valid reports whether s is a known status.
func (s AuthStatus) Valid() bool {
	switch s {
	case AuthPending, AuthApproved, AuthDenied, AuthNotRequired:
		return true
	}
	return false
}

// AuthRecord is one authorization record of a case's service. Records
// are kept, never changed: the newest for a code counts.
type AuthRecord struct {
	ID     int64
	CaseID int64
	Code   string // the service (CPT/HCPCS)
	Number string // the payer's certification number; "" unless approved
	Status AuthStatus
	From   Date // approved date range; zero when not approved
	To     Date
	Units  int // approved units; 0 means not limited
	// OwnerID is who carries the authorization for the case: the
	// coordinator who asked or decided. Never 0.
	OwnerID   int64
	Source    string // "278", "phone", "portal", "payer_rule"
	Reason    string // why: the payer's answer, or who decided not required and why
	CreatedBy int64
	CreatedAt time.Time
	Response  string // the 278 response, for audit
}

// Covers reports whether an approved authorization covers units of the
// service on day d.
func (a AuthRecord) Covers(d Date, units int) bool {
	if a.Status != AuthApproved || d.Before(a.From) || (!a.To.IsZero() && d.After(a.To)) {
		return false
	}
	return a.Units == 0 || units <= a.Units
}

// Estimate is the patient responsibility estimate of a case and how it was
// communicated to the patient.
type Estimate struct {
	ID      int64
	CaseID  int64
	CheckID int64 // the eligibility check whose benefits it used; 0 for none
	Allowed Money // expected allowed amount of the planned services
	// Copay, Deductible and Coinsurance are the parts of Total; Total is
	// capped at the out-of-pocket maximum remaining.
	Copay       Money
	Deductible  Money
	Coinsurance Money
	Total       Money
	Deposit     Money  // collected at the time; 0 for none
	Method      string // how it was communicated: in_person, phone, portal, letter
	// CommunicatedBy and CommunicatedAt say who told the patient, and when.
	CommunicatedBy int64
	CommunicatedAt time.Time
	Note           string
}

// Ways an estimate is communicated.
var EstimateMethods = []string{"in_person", "phone", "portal", "letter"}

// Front-end event kinds.
const (
	EventEligibilityChecked = "eligibility.checked"
	EventAuthRuleChanged    = "auth_rule.changed"
	EventAuthRecorded       = "authorization.recorded"
	EventEstimateRecorded   = "estimate.communicated"
)

// FrontEndStore keeps the eligibility checks, payer authorization tables,
// authorizations and estimates of the front-end. Every change writes its
// event in the same transaction; a work item passed along is opened in it
// too.
type FrontEndStore interface {
	// AddEligibilityCheck stores c with its eligibility.checked event by
	// c.CheckedBy and, when w is not nil, opens w (the follow-up work the
	// answer calls for). An unknown case or coverage is Invalid.
	AddEligibilityCheck(ctx context.Context, c *EligibilityCheck, w *WorkItem) error
	// EligibilityChecks returns a case's checks, newest first.
	EligibilityChecks(ctx context.Context, caseID int64) ([]EligibilityCheck, error)
	// PutAuthRule adds or replaces a payer's rule for the same codes and
	// place of service; an unknown payer is Invalid.
	PutAuthRule(ctx context.Context, r AuthRule, actor int64) error
	// AuthRules returns a payer's rules ordered by code.
	AuthRules(ctx context.Context, payerID int64) ([]AuthRule, error)
	// AddAuthorization stores a with its event and, when w is not nil,
	// opens w. An unknown case or owner is Invalid.
	AddAuthorization(ctx context.Context, a *AuthRecord, w *WorkItem) error
	// Authorizations returns a case's authorization records, oldest first.
	Authorizations(ctx context.Context, caseID int64) ([]AuthRecord, error)
	// AddEstimate stores e with its event, by e.CommunicatedBy.
	AddEstimate(ctx context.Context, e *Estimate) error
	// Estimates returns a case's estimates, newest first.
	Estimates(ctx context.Context, caseID int64) ([]Estimate, error)
	DuplicateStore
}

// Duplicate-patient decisions.
const (
	DuplicateMerge = "merge" // the same person: the records are to be merged
	DuplicateKeep  = "keep"  // different people: both records stay
)

// DuplicateCandidate is another patient who may be the same person: the
// same name and birth date, or a coverage with the same member ID at the
// same payer.
type DuplicateCandidate struct {
	Patient Patient
	Why     string // "same name and birth date", "same member ID at the same payer"
}

// DuplicateDecision is the logged decision about a pair of patient records:
// merge or keep, why, who and when.
type DuplicateDecision struct {
	ID        int64
	PatientID int64
	OtherID   int64
	Decision  string // DuplicateMerge or DuplicateKeep
	Reason    string
	DecidedBy int64
	DecidedAt time.Time
}

// EventDuplicateDecided is the event of a duplicate-patient decision.
const EventDuplicateDecided = "patient.duplicate_decided"

// DuplicateStore finds possible duplicate patients and keeps the decisions
// about them.
type DuplicateStore interface {
	// DuplicateCandidates returns the other patients with the same first
	// and last name (any case) and birth date, or with a coverage whose
	// member ID and payer match one of the patient's, ordered by ID.
	DuplicateCandidates(ctx context.Context, patientID int64) ([]DuplicateCandidate, error)
	// DecideDuplicate logs d with its event (on no case). A decision on a
	// pair already decided is a Conflict; an unknown patient is Invalid.
	DecideDuplicate(ctx context.Context, d *DuplicateDecision) error
	// DuplicateDecisions returns the decisions naming the patient, oldest
	// first.
	DuplicateDecisions(ctx context.Context, patientID int64) ([]DuplicateDecision, error)
}
