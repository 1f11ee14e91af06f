package claimgate

import (
	"context"
	"time"
)

// Store keeps everything claimgate knows. Two implementations exist, SQLite
// and PostgreSQL, and one behavioural suite (store/storetest) holds both to
// the same contract.
//
// Unless a method says otherwise: a missing row is NotFound; a duplicate of a
// unique key (username, queue) is Conflict; a reference to a row that does not
// exist is Invalid. Methods that create set the ID (and CreatedAt when zero)
// of the value passed in. Every method that changes workflow state writes its
// Event in the same transaction as the change: both happen or neither.
type Store interface {
	ReferenceStore
	UserStore
	CaseStore
	WorkStore
	MidCycleStore
	FrontEndStore
	Close() error
}

// ReferenceStore keeps the practice's reference data.
type ReferenceStore interface {
	CreateOrganization(ctx context.Context, o *Organization) error
	Organization(ctx context.Context, id int64) (Organization, error)
	CreateLocation(ctx context.Context, l *Location) error
	Location(ctx context.Context, id int64) (Location, error)
	CreateProvider(ctx context.Context, p *Provider) error
	Provider(ctx context.Context, id int64) (Provider, error)
	CreatePayer(ctx context.Context, p *Payer) error
	Payer(ctx context.Context, id int64) (Payer, error)
	Payers(ctx context.Context) ([]Payer, error)
	CreatePatient(ctx context.Context, p *Patient) error
	Patient(ctx context.Context, id int64) (Patient, error)
	CreateCoverage(ctx context.Context, c *Coverage) error
	// Coverages returns a patient's coverages ordered by rank.
	Coverages(ctx context.Context, patientID int64) ([]Coverage, error)
}

// UserStore keeps users, their sessions and the audit log.
type UserStore interface {
	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id int64) (User, error)
	UserByUsername(ctx context.Context, username string) (User, error)
	Users(ctx context.Context) ([]User, error)
	// UsersWithRole returns the active users holding r, ordered by ID.
	UsersWithRole(ctx context.Context, r Role) ([]User, error)
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session whose token hashes to tokenHash; an expired
	// session is NotFound.
	Session(ctx context.Context, tokenHash []byte, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, tokenHash []byte) error
	// TouchSession sets the expiry of the session whose token hashes to
	// tokenHash (an idle timeout sliding forward); an unknown session is
	// NotFound.
	TouchSession(ctx context.Context, tokenHash []byte, expires time.Time) error
	// DeleteExpiredSessions deletes the sessions expired at now and returns
	// how many it deleted.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
	AppendAudit(ctx context.Context, e AuditEntry) error
	// AuditLog returns the newest entries first.
	AuditLog(ctx context.Context, limit int) ([]AuditEntry, error)
}

// CaseFilter selects cases. Zero fields match everything.
type CaseFilter struct {
	Stage     Stage
	PatientID int64
	Limit     int
}

// CaseMove is one accepted move of a case, with the work it hands over.
type CaseMove struct {
	CaseID int64
	From   Stage // the stage the caller saw; a case no longer there is a Conflict
	// Version, when not zero, is the case version the caller evaluated the
	// move against (its gates); a case changed since is a Conflict.
	Version int64
	To      Stage
	Kind    MoveKind
	Actor   int64
	Reason  string
	At      time.Time
	// Next is the work item opened in the new stage's queue (its owner
	// already chosen). Open items of the case in the old stage's queue are
	// completed. A zero Next.Queue opens nothing (a closed case).
	Next WorkItem
}

// CaseStore keeps cases, claims, exceptions and events.
type CaseStore interface {
	// CreateCase inserts c at its Stage with its first work item and its
	// creation event.
	CreateCase(ctx context.Context, c *Case, first *WorkItem, actor int64) error
	Case(ctx context.Context, id int64) (Case, error)
	Cases(ctx context.Context, f CaseFilter) ([]Case, error)
	// MoveCase applies m: the case's stage, its work items and the move's
	// event, in one transaction. It returns the event written. A case not at
	// m.From is a Conflict (a stale move), and nothing is written.
	MoveCase(ctx context.Context, m CaseMove) (Event, error)
	CreateClaim(ctx context.Context, c *Claim) error
	Claims(ctx context.Context, caseID int64) ([]Claim, error)
	// SetClaimStatus records where a claim stands and, when payerClaimID is
	// not empty, the payer's claim control number. An unknown claim is
	// NotFound.
	SetClaimStatus(ctx context.Context, id int64, status ClaimStatus, payerClaimID string) error
	// CreateException logs e, opens w (the owner's work item for it, whose
	// ExceptionID is set here) and writes the event.
	CreateException(ctx context.Context, e *Exception, w *WorkItem, actor int64) error
	Exception(ctx context.Context, id int64) (Exception, error)
	Exceptions(ctx context.Context, caseID int64) ([]Exception, error)
	// ResolveException marks it resolved, completes its work item and writes
	// the event. Resolving a resolved exception is a Conflict.
	ResolveException(ctx context.Context, id, actor int64, resolution string, at time.Time) error
	// Events returns a case's events, oldest first.
	Events(ctx context.Context, caseID int64) ([]Event, error)
}

// WorkFilter selects work items. Zero fields match everything.
type WorkFilter struct {
	OwnerID int64
	Queue   string
	CaseID  int64
	Status  WorkStatus
	Limit   int
}

// WorkStore keeps work items and queues.
type WorkStore interface {
	// CreateWorkItem inserts w (its OwnerID must name a user) and its
	// work.assigned event.
	CreateWorkItem(ctx context.Context, w *WorkItem, actor int64) error
	WorkItem(ctx context.Context, id int64) (WorkItem, error)
	// WorkItems returns matching items, most urgent first (priority, then due, then age).
	WorkItems(ctx context.Context, f WorkFilter) ([]WorkItem, error)
	// ReassignWorkItem gives an open item to another owner, with an event.
	// The item is no longer claimed, and an exception it tracks moves to the
	// new owner with it.
	ReassignWorkItem(ctx context.Context, id, owner, actor int64, reason string, at time.Time) error
	// CompleteWorkItem marks an open item done, with an event.
	CompleteWorkItem(ctx context.Context, id, actor int64, note string, at time.Time) error
	// ClaimWorkItem takes the most urgent open, unclaimed item of a queue for
	// worker, with an event. Two workers, even in two server processes, never
	// get the same item. An empty queue is NotFound. The worker becomes the
	// item's owner, and the owner of the exception it tracks, if any.
	ClaimWorkItem(ctx context.Context, queue string, worker int64, at time.Time) (WorkItem, error)
	// SetQueueOwner makes user the default owner of queue's unassigned work.
	SetQueueOwner(ctx context.Context, queue string, user int64) error
	// QueueOwner returns the default owner of queue; NotFound if none is set.
	QueueOwner(ctx context.Context, queue string) (int64, error)
	// QueueSummaries returns every queue that has a default owner or open work.
	QueueSummaries(ctx context.Context) ([]QueueSummary, error)
}
