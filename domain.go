package claimgate

import "time"

// Organization is the practice, clinic or hospital that bills.
type Organization struct {
	ID       int64
	Name     string
	NPI      string // type 2 (organization) NPI of the billing provider
	TaxID    string // EIN
	Taxonomy string
	Address  Address
}

// Address is a postal address.
type Address struct {
	Line1, Line2, City, State, Zip string
}

// Location is a place where care is delivered.
type Location struct {
	ID             int64
	OrgID          int64
	Name           string
	NPI            string // service facility NPI, when it has its own
	PlaceOfService string // CMS two-digit place of service code
	Address        Address
}

// Provider is a rendering, referring or attending clinician.
type Provider struct {
	ID       int64
	OrgID    int64
	First    string
	Last     string
	NPI      string // type 1 (individual) NPI
	Taxonomy string // NUCC health care provider taxonomy code
}

// Payer is an insurer or plan that pays claims.
type Payer struct {
	ID                int64
	Name              string
	PayerID           string   // the payer ID used in X12 (NM109 of 2010BB)
	PlanTypes         []string // claim filing indicator codes it offers, e.g. CI, MB, MC, HM
	TimelyFilingDays  int      // days from date of service to file a claim
	AppealWindowDays  int      // days from denial to appeal
	RequiresEligCheck bool     // eligibility must be verified electronically for every visit
}

// Sex is administrative sex as X12 DMG03 codes it.
type Sex string

// Administrative sex codes.
const (
	Female  Sex = "F"
	Male    Sex = "M"
	Unknown Sex = "U"
)

// Patient is a person receiving care. All patients in tests and the demo
// are synthetic.
type Patient struct {
	ID        int64
	MRN       string
	First     string
	Last      string
	BirthDate Date
	Sex       Sex
	Address   Address
	Phone     string
}

// Relationship is the patient's relationship to the subscriber (X12 SBR02/PAT01).
type Relationship string

// Relationship codes.
const (
	Self   Relationship = "18"
	Spouse Relationship = "01"
	Child  Relationship = "19"
	Other  Relationship = "G8"
)

// Coverage is a patient's insurance with one payer, in an order of benefits.
type Coverage struct {
	ID                  int64
	PatientID           int64
	PayerID             int64
	Rank                int // 1 primary, 2 secondary, 3 tertiary
	PlanType            string
	MemberID            string
	GroupNumber         string
	SubscriberFirst     string
	SubscriberLast      string
	SubscriberBirthDate Date
	Relationship        Relationship
	EffectiveFrom       Date
	EffectiveTo         Date // zero: open-ended
}

// ActiveOn reports whether the coverage is in effect on d.
func (c Coverage) ActiveOn(d Date) bool {
	if !c.EffectiveFrom.IsZero() && d.Before(c.EffectiveFrom) {
		return false
	}
	return c.EffectiveTo.IsZero() || !d.After(c.EffectiveTo)
}

// User is a person who works in claimgate.
type User struct {
	ID           int64
	Username     string
	Name         string
	PasswordHash []byte
	Roles        []Role
	Active       bool
	CreatedAt    time.Time
}

// Has reports whether u holds role r. Admins hold every role for access checks.
func (u *User) Has(r Role) bool {
	for _, have := range u.Roles {
		if have == r || have == Admin {
			return true
		}
	}
	return false
}

// Case is one encounter carried from intake to final payment.
type Case struct {
	ID          int64
	PatientID   int64
	LocationID  int64
	ProviderID  int64 // rendering provider
	ServiceDate Date
	Stage       Stage
	StageSince  time.Time
	Version     int64 // incremented on every change; a stale version is a Conflict
	CreatedAt   time.Time
}

// ClaimStatus is where a claim stands with the clearinghouse and payer.
type ClaimStatus string

// Claim statuses (DESIGN §1).
const (
	ClaimBuilt         ClaimStatus = "built"
	ClaimScrubbed      ClaimStatus = "scrubbed"
	ClaimSubmitted     ClaimStatus = "submitted"
	ClaimAcceptedCH    ClaimStatus = "accepted_clearinghouse"
	ClaimRejectedCH    ClaimStatus = "rejected_clearinghouse"
	ClaimAcceptedPayer ClaimStatus = "accepted_payer"
	ClaimRejectedPayer ClaimStatus = "rejected_payer"
	ClaimPaid          ClaimStatus = "paid"
	ClaimPartiallyPaid ClaimStatus = "partially_paid"
	ClaimDenied        ClaimStatus = "denied"
	ClaimReversed      ClaimStatus = "reversed"
)

// Claim is one bill sent to one payer for a case.
type Claim struct {
	ID           int64
	CaseID       int64
	CoverageID   int64
	Frequency    string // CLM05-3: 1 original, 7 replacement, 8 void
	PayerClaimID string // the payer's claim control number, once known
	Status       ClaimStatus
	TotalCharge  Money
	CreatedAt    time.Time
}

// WorkStatus is whether a work item is still to be done.
type WorkStatus string

// Work item statuses.
const (
	WorkOpen WorkStatus = "open"
	WorkDone WorkStatus = "done"
)

// WorkItem is one owned piece of work. No work item is ever without an owner.
type WorkItem struct {
	ID          int64
	CaseID      int64 // 0 for work not tied to a case (a quarantined file)
	Stage       Stage
	Queue       string
	Reason      string
	OwnerID     int64
	Priority    int // higher is more urgent
	Due         time.Time
	Status      WorkStatus
	ClaimedBy   int64 // the worker that claimed it from the queue, 0 if none
	ExceptionID int64 // set when the item tracks an open gate exception
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// QueueSummary counts the open work of one queue.
type QueueSummary struct {
	Queue        string
	DefaultOwner int64
	Open         int
	Oldest       time.Time // creation time of the oldest open item; zero if none
}

// Exception lets a case pass one failing gate item for a while. It is logged,
// owned, approved and expires.
type Exception struct {
	ID         int64
	CaseID     int64
	Gate       string
	Item       string
	Reason     string
	OwnerID    int64
	ApproverID int64
	Expires    time.Time
	CreatedAt  time.Time
	ResolvedAt time.Time // zero while open
	Resolution string
}

// OpenAt reports whether the exception is in force at t: not resolved and
// not expired.
func (e Exception) OpenAt(t time.Time) bool {
	return e.ResolvedAt.IsZero() && t.Before(e.Expires)
}

// Event is an immutable record of a change, written in the same transaction
// as the change.
type Event struct {
	ID      int64
	CaseID  int64 // 0 for events not tied to a case
	Kind    string
	ActorID int64
	At      time.Time
	From    Stage
	To      Stage
	Reason  string
	Data    string // JSON with kind-specific details
}

// Event kinds.
const (
	EventCaseCreated       = "case.created"
	EventClaimCreated      = "claim.created"
	EventCaseMoved         = "case.moved"
	EventExceptionLogged   = "exception.logged"
	EventExceptionResolved = "exception.resolved"
	EventWorkAssigned      = "work.assigned"
	EventWorkReassigned    = "work.reassigned"
	EventWorkCompleted     = "work.completed"
	EventWorkClaimed       = "work.claimed"
)

// Session is a logged-in browser or API session.
type Session struct {
	TokenHash []byte // SHA-256 of the cookie token; the token itself is never stored
	UserID    int64
	CSRFToken string
	CreatedAt time.Time
	Expires   time.Time
}

// AuditEntry records one read of patient data or one change.
type AuditEntry struct {
	ID         int64
	At         time.Time
	UserID     int64
	Action     string // "read", "create", "update", "move", "login"...
	Object     string // "case/12", "patient/4"
	RemoteAddr string
}
