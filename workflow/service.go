package workflow

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/codeset"
)

// DefaultDue is how long a stage's work item has before it is due.
const DefaultDue = 48 * time.Hour

// MaxExceptionDays bounds how long an exception may stay open: an exception
// is a logged, temporary way past a failing item, not a permanent waiver.
const MaxExceptionDays = 30

// Service carries out the workflow's rules over a Store.
type Service struct {
	Store claimgate.Store
	Now   func() time.Time
	// Codes judges codes on the date of service; nil loads the stored code
	// sets (or the built-in ones) on first use.
	Codes *codeset.Index
	// ChargeLagDays is the charge-lag threshold: charges entered more days
	// after the date of service put the case in the charge_lag queue. 0
	// means DefaultChargeLagDays.
	ChargeLagDays int
	// EligibilityWindowDays is how many days before the date of service an
	// eligibility check still verifies it; 0 means
	// DefaultEligibilityWindowDays.
	EligibilityWindowDays int
	// RealTime carries 270/271 and 278 exchanges to the payers; nil means
	// only manual (phone, portal) verification is possible.
	RealTime clearinghouse.RealTime
	// X12 is who the practice is in the X12 envelopes it sends in real
	// time; zero fields take DefaultX12Identity's.
	X12 X12Identity

	codesMu sync.Mutex
}

// New returns a Service using the wall clock.
func New(s claimgate.Store) *Service { return &Service{Store: s, Now: time.Now} }

func (s *Service) now() time.Time { return s.Now().UTC() }

// Assign returns the owner of new work in queue: the queue's default owner,
// else the first active user holding role, else the first manager, else the
// first admin. No work is ever without an owner: if nobody qualifies, the
// error says what to set up.
func (s *Service) Assign(ctx context.Context, queue string, role claimgate.Role) (int64, error) {
	id, err := s.Store.QueueOwner(ctx, queue)
	switch {
	case err == nil:
		// A default owner who has left (deactivated) must not collect work
		// nobody will see: fall back to the role.
		u, err := s.Store.User(ctx, id)
		if err != nil {
			return 0, err
		}
		if u.Active {
			return id, nil
		}
	case claimgate.ErrorKind(err) != claimgate.NotFound:
		return 0, err
	}
	for _, r := range []claimgate.Role{role, claimgate.Manager, claimgate.Admin} {
		if r == "" {
			continue
		}
		users, err := s.Store.UsersWithRole(ctx, r)
		if err != nil {
			return 0, err
		}
		if len(users) > 0 {
			return users[0].ID, nil
		}
	}
	return 0, claimgate.Errorf(claimgate.Invalid, "queue %s has no owner: set its default owner or give a user the %s role", queue, role)
}

// OpenCase starts a case at intake with its first owned work item.
func (s *Service) OpenCase(ctx context.Context, actor *claimgate.User, c claimgate.Case) (claimgate.Case, error) {
	if !actor.Has(claimgate.FrontDesk) && !actor.Has(claimgate.Manager) {
		return claimgate.Case{}, claimgate.Errorf(claimgate.Forbidden, "opening a case needs the front_desk or manager role")
	}
	var missing []string
	if c.PatientID == 0 {
		missing = append(missing, "patient_id")
	}
	if c.LocationID == 0 {
		missing = append(missing, "location_id")
	}
	if c.ProviderID == 0 {
		missing = append(missing, "provider_id")
	}
	if c.ServiceDate.IsZero() {
		missing = append(missing, "service_date")
	}
	if len(missing) > 0 {
		return claimgate.Case{}, &claimgate.Error{Kind: claimgate.Invalid, Msg: "case is missing " + strings.Join(missing, ", "), Details: missing}
	}
	c.Stage = claimgate.Intake
	now := s.now()
	c.StageSince, c.CreatedAt = now, now
	owner, err := s.Assign(ctx, claimgate.Intake.Queue(), claimgate.Intake.OwnerRole())
	if err != nil {
		return claimgate.Case{}, err
	}
	w := &claimgate.WorkItem{Stage: claimgate.Intake, Queue: claimgate.Intake.Queue(), Reason: "new case: complete intake",
		OwnerID: owner, Due: now.Add(DefaultDue), Status: claimgate.WorkOpen, CreatedAt: now, UpdatedAt: now}
	if err := s.Store.CreateCase(ctx, &c, w, actor.ID); err != nil {
		return claimgate.Case{}, fmt.Errorf("open case: %w", err)
	}
	return c, nil
}

// Facts loads what the gate checks read about a case.
func (s *Service) Facts(ctx context.Context, caseID int64) (*Facts, error) {
	c, err := s.Store.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	f := &Facts{Now: s.now(), Case: c, Payers: map[int64]claimgate.Payer{}}
	if f.Patient, err = s.Store.Patient(ctx, c.PatientID); err != nil {
		return nil, fmt.Errorf("case %d patient: %w", c.ID, err)
	}
	if f.Coverages, err = s.Store.Coverages(ctx, c.PatientID); err != nil {
		return nil, err
	}
	for _, cov := range f.Coverages {
		if _, ok := f.Payers[cov.PayerID]; ok {
			continue
		}
		p, err := s.Store.Payer(ctx, cov.PayerID)
		if err != nil {
			return nil, fmt.Errorf("coverage %d payer: %w", cov.ID, err)
		}
		f.Payers[p.ID] = p
	}
	if f.Provider, err = s.Store.Provider(ctx, c.ProviderID); err != nil {
		return nil, fmt.Errorf("case %d provider: %w", c.ID, err)
	}
	if f.Location, err = s.Store.Location(ctx, c.LocationID); err != nil {
		return nil, fmt.Errorf("case %d location: %w", c.ID, err)
	}
	if f.Org, err = s.Store.Organization(ctx, f.Location.OrgID); err != nil {
		return nil, fmt.Errorf("location %d organization: %w", f.Location.ID, err)
	}
	if f.Claims, err = s.Store.Claims(ctx, c.ID); err != nil {
		return nil, err
	}
	if f.Exceptions, err = s.Store.Exceptions(ctx, c.ID); err != nil {
		return nil, err
	}
	if err := s.loadMidCycle(ctx, f); err != nil {
		return nil, fmt.Errorf("case %d mid-cycle: %w", c.ID, err)
	}
	if err := s.loadFrontEnd(ctx, f); err != nil {
		return nil, fmt.Errorf("case %d front-end: %w", c.ID, err)
	}
	return f, nil
}

// Reports evaluates every gate for a case.
func (s *Service) Reports(ctx context.Context, caseID int64) ([]Report, error) {
	f, err := s.Facts(ctx, caseID)
	if err != nil {
		return nil, err
	}
	out := make([]Report, len(Gates))
	for i, g := range Gates {
		out[i] = Evaluate(g, f)
	}
	return out, nil
}

// canWork reports whether u may act on a case at stage st.
func canWork(u *claimgate.User, st claimgate.Stage) bool {
	return u.Has(claimgate.Manager) || (st.OwnerRole() != "" && u.Has(st.OwnerRole()))
}

// Move moves a case from the stage the caller saw to another. It refuses a
// move that skips a stage, a stale move (the case is no longer at from), a
// move by a user without the stage's role, and a forward move out of a zone
// while an item of the zone's gate fails with no open exception: the error's
// Details name every blocking item. The accepted move, its event and the
// hand-over of work are written in one transaction.
func (s *Service) Move(ctx context.Context, actor *claimgate.User, caseID int64, from, to claimgate.Stage, reason string) (claimgate.Event, error) {
	return s.MoveFromVersion(ctx, actor, caseID, from, 0, to, reason)
}

// MoveFromVersion is Move for a caller that saw the case at a version (a
// form, an API client): a case changed since then, even if back at the same
// stage, is a Conflict. Version 0 means the version read now. Either way the
// move is written only if the case has not changed since its gate was
// evaluated.
func (s *Service) MoveFromVersion(ctx context.Context, actor *claimgate.User, caseID int64, from claimgate.Stage, version int64, to claimgate.Stage, reason string) (claimgate.Event, error) {
	kind, err := claimgate.MoveKindOf(from, to)
	if err != nil {
		return claimgate.Event{}, err
	}
	c, err := s.Store.Case(ctx, caseID)
	if err != nil {
		return claimgate.Event{}, err
	}
	if c.Stage != from {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Conflict, "case %d is at %s, not %s: it was moved meanwhile; reload and try again", c.ID, c.Stage, from)
	}
	if version != 0 && c.Version != version {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Conflict, "case %d changed since you loaded it (version %d, not %d): reload and try again", c.ID, c.Version, version)
	}
	if !canWork(actor, from) {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Forbidden, "moving a case out of %s needs the %s or manager role", from, from.OwnerRole())
	}
	if kind == claimgate.Cancel {
		// A no-show or cancellation is recorded with its reason, and the
		// case closes in the same transaction (CloseUnrendered).
		return claimgate.Event{}, claimgate.Errorf(claimgate.Invalid, "a case leaves %s for %s only when its no-show or cancellation is recorded", from, to)
	}
	reason = strings.TrimSpace(reason)
	if kind != claimgate.Forward && reason == "" {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Invalid, "a %s move needs a reason", kind)
	}
	if g := GateFor(from, to, kind); g != nil {
		f, err := s.Facts(ctx, caseID)
		if err != nil {
			return claimgate.Event{}, err
		}
		rep := Evaluate(g, f)
		if blocking := rep.Blocking(); len(blocking) > 0 {
			e := &claimgate.Error{Kind: claimgate.Conflict}
			var ids []string
			for _, b := range blocking {
				ids = append(ids, b.ID)
				e.Details = append(e.Details, b.String())
			}
			e.Msg = fmt.Sprintf("%s gate stops the line: %d item(s) fail with no open exception: %s", g.Title, len(blocking), strings.Join(ids, ", "))
			return claimgate.Event{}, e
		}
	}
	now := s.now()
	m := claimgate.CaseMove{CaseID: caseID, From: from, Version: c.Version, To: to, Kind: kind, Actor: actor.ID, Reason: reason, At: now}
	if to != claimgate.Closed {
		owner, err := s.Assign(ctx, to.Queue(), to.OwnerRole())
		if err != nil {
			return claimgate.Event{}, err
		}
		why := fmt.Sprintf("case arrived from %s", from)
		if reason != "" {
			why += ": " + reason
		}
		m.Next = claimgate.WorkItem{CaseID: caseID, Stage: to, Queue: to.Queue(), Reason: why, OwnerID: owner,
			Due: now.Add(DefaultDue), Status: claimgate.WorkOpen, CreatedAt: now, UpdatedAt: now}
		if kind == claimgate.Rework || kind == claimgate.Reopen {
			m.Next.Priority = 1
		}
	}
	ev, err := s.Store.MoveCase(ctx, m)
	if err != nil {
		return claimgate.Event{}, fmt.Errorf("move case %d: %w", caseID, err)
	}
	return ev, nil
}

// ExceptionInput is what a user gives to log an exception.
type ExceptionInput struct {
	CaseID  int64
	Gate    string
	Item    string
	Reason  string
	OwnerID int64
	Expires time.Time
}

// LogException lets a case pass one blocking gate item until it expires. The
// actor approves it and must be a manager; the owner must be an active user
// and gets a work item until the exception is resolved. Each invalid field is
// named in the error's Details.
func (s *Service) LogException(ctx context.Context, actor *claimgate.User, in ExceptionInput) (claimgate.Exception, error) {
	if !actor.Has(claimgate.Manager) {
		return claimgate.Exception{}, claimgate.Errorf(claimgate.Forbidden, "approving a gate exception needs the manager role")
	}
	now := s.now()
	var bad []string
	g, ok := GateByID(in.Gate)
	var check Check
	if !ok {
		bad = append(bad, fmt.Sprintf("gate: unknown gate %q", in.Gate))
	} else if check, ok = g.Item(in.Item); !ok {
		bad = append(bad, fmt.Sprintf("item: gate %s has no item %q", in.Gate, in.Item))
	}
	if strings.TrimSpace(in.Reason) == "" {
		bad = append(bad, "reason: required")
	}
	var owner claimgate.User
	if in.OwnerID == 0 {
		bad = append(bad, "owner: required (a real user who will resolve it)")
	} else if u, err := s.Store.User(ctx, in.OwnerID); err != nil {
		if claimgate.ErrorKind(err) != claimgate.NotFound {
			return claimgate.Exception{}, err
		}
		bad = append(bad, fmt.Sprintf("owner: user %d does not exist", in.OwnerID))
	} else if !u.Active {
		bad = append(bad, fmt.Sprintf("owner: user %s is not active", u.Username))
	} else {
		owner = u
	}
	switch {
	case in.Expires.IsZero():
		bad = append(bad, "expires: required")
	case !in.Expires.After(now):
		bad = append(bad, "expires: must be in the future")
	case in.Expires.After(now.AddDate(0, 0, MaxExceptionDays)):
		bad = append(bad, fmt.Sprintf("expires: at most %d days ahead", MaxExceptionDays))
	}
	if len(bad) > 0 {
		return claimgate.Exception{}, &claimgate.Error{Kind: claimgate.Invalid, Msg: "exception not logged: " + strings.Join(bad, "; "), Details: bad}
	}
	f, err := s.Facts(ctx, in.CaseID)
	if err != nil {
		return claimgate.Exception{}, err
	}
	for _, e := range f.Exceptions {
		if e.Gate == in.Gate && e.Item == in.Item && e.OpenAt(now) {
			return claimgate.Exception{}, claimgate.Errorf(claimgate.Conflict, "exception #%d already covers %s/%s until %s", e.ID, e.Gate, e.Item, e.Expires.Format("2006-01-02"))
		}
	}
	if r := check.Eval(f); r.Status == Pass {
		return claimgate.Exception{}, claimgate.Errorf(claimgate.Invalid, "%s/%s passes (%s): no exception is needed", in.Gate, in.Item, r.Why)
	}
	e := &claimgate.Exception{CaseID: in.CaseID, Gate: in.Gate, Item: in.Item, Reason: strings.TrimSpace(in.Reason),
		OwnerID: owner.ID, ApproverID: actor.ID, Expires: in.Expires.UTC(), CreatedAt: now}
	w := &claimgate.WorkItem{CaseID: in.CaseID, Stage: f.Case.Stage, Queue: "exceptions",
		Reason:  fmt.Sprintf("resolve exception on %s/%s before it expires: %s", in.Gate, in.Item, e.Reason),
		OwnerID: owner.ID, Priority: 1, Due: e.Expires, Status: claimgate.WorkOpen, CreatedAt: now, UpdatedAt: now}
	if err := s.Store.CreateException(ctx, e, w, actor.ID); err != nil {
		return claimgate.Exception{}, fmt.Errorf("log exception: %w", err)
	}
	return *e, nil
}

// ResolveException closes an exception with what was done; its owner, its
// approver or a manager may.
func (s *Service) ResolveException(ctx context.Context, actor *claimgate.User, id int64, resolution string) error {
	e, err := s.Store.Exception(ctx, id)
	if err != nil {
		return err
	}
	if actor.ID != e.OwnerID && actor.ID != e.ApproverID && !actor.Has(claimgate.Manager) {
		return claimgate.Errorf(claimgate.Forbidden, "only the exception's owner, approver or a manager may resolve it")
	}
	if strings.TrimSpace(resolution) == "" {
		return claimgate.Errorf(claimgate.Invalid, "resolution: say what was done")
	}
	return s.Store.ResolveException(ctx, id, actor.ID, strings.TrimSpace(resolution), s.now())
}

// Reassign gives an open work item to another active user.
func (s *Service) Reassign(ctx context.Context, actor *claimgate.User, workID, owner int64, reason string) error {
	w, err := s.Store.WorkItem(ctx, workID)
	if err != nil {
		return err
	}
	if actor.ID != w.OwnerID && !actor.Has(claimgate.Manager) {
		return claimgate.Errorf(claimgate.Forbidden, "only the item's owner or a manager may reassign it")
	}
	u, err := s.Store.User(ctx, owner)
	if err != nil {
		if claimgate.ErrorKind(err) == claimgate.NotFound {
			return claimgate.Errorf(claimgate.Invalid, "owner: user %d does not exist", owner)
		}
		return err
	}
	if !u.Active {
		return claimgate.Errorf(claimgate.Invalid, "owner: user %s is not active", u.Username)
	}
	return s.Store.ReassignWorkItem(ctx, workID, owner, actor.ID, strings.TrimSpace(reason), s.now())
}

// CaseView is everything a person needs to say where a case sits: its stage,
// owner, time in stage, what blocks it, and its history.
type CaseView struct {
	Case       claimgate.Case
	Patient    claimgate.Patient
	Owner      *claimgate.User // owner of the case's open work at its stage
	InStage    time.Duration
	NextStages []NextMove
	Gates      []Report
	Blocking   []ItemReport // of the gate ahead
	Exceptions []claimgate.Exception
	Work       []claimgate.WorkItem
	Events     []claimgate.Event
}

// NextMove is one move a case may make, with the gate that guards it.
type NextMove struct {
	To   claimgate.Stage
	Kind claimgate.MoveKind
	Gate *Gate
}

// View assembles a CaseView.
func (s *Service) View(ctx context.Context, caseID int64) (CaseView, error) {
	f, err := s.Facts(ctx, caseID)
	if err != nil {
		return CaseView{}, err
	}
	v := CaseView{Case: f.Case, Patient: f.Patient, InStage: f.Now.Sub(f.Case.StageSince), Exceptions: f.Exceptions}
	for _, g := range Gates {
		rep := Evaluate(g, f)
		v.Gates = append(v.Gates, rep)
		if g == NextGate(f.Case.Stage) {
			v.Blocking = rep.Blocking()
		}
	}
	for _, to := range claimgate.NextStages(f.Case.Stage) {
		k, _ := claimgate.MoveKindOf(f.Case.Stage, to)
		v.NextStages = append(v.NextStages, NextMove{To: to, Kind: k, Gate: GateFor(f.Case.Stage, to, k)})
	}
	if v.Work, err = s.Store.WorkItems(ctx, claimgate.WorkFilter{CaseID: caseID}); err != nil {
		return CaseView{}, err
	}
	for _, w := range v.Work {
		if w.Status == claimgate.WorkOpen && w.Queue == f.Case.Stage.Queue() {
			u, err := s.Store.User(ctx, w.OwnerID)
			if err != nil {
				return CaseView{}, err
			}
			v.Owner = &u
			break
		}
	}
	if v.Events, err = s.Store.Events(ctx, caseID); err != nil {
		return CaseView{}, err
	}
	return v, nil
}

// IsStageWork reports whether w is the open item through which a case at its
// current stage has an owner. Such an item is handed on by moving the case,
// never completed on its own.
func IsStageWork(w claimgate.WorkItem, c claimgate.Case) bool {
	return w.ExceptionID == 0 && w.Queue == c.Stage.Queue() && w.Stage == c.Stage
}

// Complete marks a work item done. Its owner, the worker who claimed it or a
// manager may. An exception's item closes by resolving the exception, and a
// case's current-stage item by moving the case on: completing either would
// leave work without an owner.
func (s *Service) Complete(ctx context.Context, actor *claimgate.User, id int64, note string) error {
	it, err := s.Store.WorkItem(ctx, id)
	if err != nil {
		return err
	}
	if actor.ID != it.OwnerID && actor.ID != it.ClaimedBy && !actor.Has(claimgate.Manager) {
		return claimgate.Errorf(claimgate.Forbidden, "only the item's owner, the worker who claimed it or a manager may complete it")
	}
	if it.ExceptionID != 0 {
		return claimgate.Errorf(claimgate.Conflict, "work item %d tracks exception #%d: resolve the exception instead", id, it.ExceptionID)
	}
	if it.Status != claimgate.WorkOpen {
		return claimgate.Errorf(claimgate.Conflict, "work item %d is already %s", id, it.Status)
	}
	if it.CaseID != 0 {
		c, err := s.Store.Case(ctx, it.CaseID)
		if err != nil {
			return err
		}
		if IsStageWork(it, c) {
			return claimgate.Errorf(claimgate.Conflict, "work item %d is case %d's work at %s: move the case on to hand it over", id, c.ID, c.Stage)
		}
	}
	return s.Store.CompleteWorkItem(ctx, id, actor.ID, strings.TrimSpace(note), s.now())
}

// SetQueueOwner makes an active user the default owner of a queue's
// unassigned work. Only managers may: it decides who carries a whole queue.
func (s *Service) SetQueueOwner(ctx context.Context, actor *claimgate.User, queue string, owner int64) error {
	if !actor.Has(claimgate.Manager) {
		return claimgate.Errorf(claimgate.Forbidden, "setting a queue's default owner needs the manager role")
	}
	queue = strings.TrimSpace(queue)
	if queue == "" || len(queue) > 64 || strings.ContainsAny(queue, " \t\n?#") {
		return claimgate.Errorf(claimgate.Invalid, "queue: %q is not a queue name", queue)
	}
	u, err := s.Store.User(ctx, owner)
	if err != nil {
		if claimgate.ErrorKind(err) == claimgate.NotFound {
			return claimgate.Errorf(claimgate.Invalid, "owner: user %d does not exist", owner)
		}
		return err
	}
	if !u.Active {
		return claimgate.Errorf(claimgate.Invalid, "owner: user %s is not active", u.Username)
	}
	return s.Store.SetQueueOwner(ctx, queue, owner)
}
