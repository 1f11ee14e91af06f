package workflow_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/internal/seed"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/workflow"
)

// fixture is a seeded practice on a real SQLite store with a clock the test
// moves.
type fixture struct {
	st  claimgate.Store
	wf  *workflow.Service
	p   *seed.Practice
	now time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "wf.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st, now: time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)}
	f.wf = &workflow.Service{Store: st, Now: func() time.Time { return f.now }}
	f.p, err = seed.Seed(ctx, st, f.wf, seed.Options{Patients: 5, Seed: 7, AdminPassword: "test-password", Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's payers want authorization for office visits: every
	// Ready-to-Bill item of a seeded front-end case then blocks until its
	// data or an exception says otherwise.
	for _, py := range f.p.Payers {
		r := claimgate.AuthRule{PayerID: py.ID, CodeFrom: "99202", CodeTo: "99215", Requirement: claimgate.AuthRequired}
		if err := st.PutAuthRule(ctx, r, f.p.Users["admin"].ID); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) user(name string) *claimgate.User {
	u := f.p.Users[name]
	return &u
}

// caseAt returns a seeded case at stage s.
func (f *fixture) caseAt(t *testing.T, s claimgate.Stage) claimgate.Case {
	t.Helper()
	for _, c := range f.p.Cases {
		if c.Stage == s {
			return c
		}
	}
	t.Fatalf("no seeded case at %s", s)
	return claimgate.Case{}
}

func TestMoveRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	intake := f.caseAt(t, claimgate.Intake)
	fin := f.caseAt(t, claimgate.FinancialClearance)
	tests := []struct {
		name     string
		actor    string
		c        claimgate.Case
		from, to claimgate.Stage
		reason   string
		kind     claimgate.Kind
		msgHas   string
	}{
		{"skip a stage", "frontdesk", intake, claimgate.Intake, claimgate.Eligibility, "", claimgate.Invalid, "it skips registration"},
		{"stale from", "frontdesk", intake, claimgate.Registration, claimgate.Eligibility, "", claimgate.Conflict, "is at intake, not registration"},
		{"wrong role", "coder", intake, claimgate.Intake, claimgate.Registration, "", claimgate.Forbidden, "needs the front_desk or manager role"},
		{"unknown stage", "frontdesk", intake, claimgate.Intake, "billing", "", claimgate.Invalid, `unknown stage "billing"`},
		{"gate stops the line", "frontdesk", fin, claimgate.FinancialClearance, claimgate.Encounter, "", claimgate.Conflict,
			"Ready-to-Bill gate stops the line: 3 item(s) fail with no open exception: eligibility, authorization, patient_responsibility"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.st.Events(ctx, tt.c.ID)
			_, err := f.wf.Move(ctx, f.user(tt.actor), tt.c.ID, tt.from, tt.to, tt.reason)
			if err == nil || claimgate.ErrorKind(err) != tt.kind || !strings.Contains(err.Error(), tt.msgHas) {
				t.Fatalf("Move = %v (kind %v), want %v error containing %q", err, claimgate.ErrorKind(err), tt.kind, tt.msgHas)
			}
			after, _ := f.st.Events(ctx, tt.c.ID)
			if len(after) != len(before) {
				t.Errorf("refused move wrote %d event(s)", len(after)-len(before))
			}
			c, _ := f.st.Case(ctx, tt.c.ID)
			if c.Stage != tt.c.Stage {
				t.Errorf("case moved to %s", c.Stage)
			}
		})
	}
}

func TestGateBlockNamesEveryItemThenExceptionsLetItPass(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.caseAt(t, claimgate.FinancialClearance)
	_, err := f.wf.Move(ctx, f.user("frontdesk"), c.ID, claimgate.FinancialClearance, claimgate.Encounter, "")
	details := claimgate.ErrorDetails(err)
	if len(details) != 3 {
		t.Fatalf("details = %q, want 3 blocking items", details)
	}
	for i, id := range []string{"eligibility", "authorization", "patient_responsibility"} {
		if !strings.HasPrefix(details[i], "ready_to_bill/"+id+" (fail): ") {
			t.Errorf("details[%d] = %q, want ready_to_bill/%s (fail): ...", i, details[i], id)
		}
	}
	mgr, owner := f.user("mgr"), f.user("frontdesk")
	var excs []claimgate.Exception
	for _, item := range []string{"eligibility", "authorization", "patient_responsibility"} {
		e, err := f.wf.LogException(ctx, mgr, workflow.ExceptionInput{CaseID: c.ID, Gate: "ready_to_bill", Item: item,
			Reason: "payer portal down; verify by phone tomorrow", OwnerID: owner.ID, Expires: f.now.Add(48 * time.Hour)})
		if err != nil {
			t.Fatalf("LogException(%s): %v", item, err)
		}
		excs = append(excs, e)
	}
	// Each exception puts a work item in its owner's queue.
	work, err := f.st.WorkItems(ctx, claimgate.WorkFilter{OwnerID: owner.ID, Queue: "exceptions", Status: claimgate.WorkOpen})
	if err != nil || len(work) != 3 {
		t.Fatalf("owner's exception work = %d items, %v; want 3", len(work), err)
	}
	ev, err := f.wf.Move(ctx, f.user("frontdesk"), c.ID, claimgate.FinancialClearance, claimgate.Encounter, "cleared by exception")
	if err != nil {
		t.Fatalf("Move after exceptions: %v", err)
	}
	if ev.From != claimgate.FinancialClearance || ev.To != claimgate.Encounter || ev.ActorID != owner.ID || ev.Kind != claimgate.EventCaseMoved {
		t.Errorf("event = %+v", ev)
	}
	// The new stage's work belongs to the clinician queue's owner.
	v, err := f.wf.View(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Owner == nil || v.Owner.Username != "clinician" {
		t.Errorf("owner at encounter = %v, want clinician", v.Owner)
	}
	// Resolving closes the owner's work item.
	if err := f.wf.ResolveException(ctx, owner, excs[0].ID, "verified active by phone, ref 12345"); err != nil {
		t.Fatal(err)
	}
	work, _ = f.st.WorkItems(ctx, claimgate.WorkFilter{OwnerID: owner.ID, Queue: "exceptions", Status: claimgate.WorkOpen})
	if len(work) != 2 {
		t.Errorf("open exception work after resolve = %d, want 2", len(work))
	}
}

func TestExpiredExceptionBlocksAgain(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.caseAt(t, claimgate.FinancialClearance)
	for _, item := range []string{"eligibility", "authorization", "patient_responsibility"} {
		if _, err := f.wf.LogException(ctx, f.user("mgr"), workflow.ExceptionInput{CaseID: c.ID, Gate: "ready_to_bill", Item: item,
			Reason: "r", OwnerID: f.user("frontdesk").ID, Expires: f.now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	f.now = f.now.Add(2 * time.Hour)
	_, err := f.wf.Move(ctx, f.user("frontdesk"), c.ID, claimgate.FinancialClearance, claimgate.Encounter, "")
	if claimgate.ErrorKind(err) != claimgate.Conflict || len(claimgate.ErrorDetails(err)) != 3 {
		t.Fatalf("Move with expired exceptions = %v, want the 3 items to block again", err)
	}
}

func TestLogExceptionValidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.caseAt(t, claimgate.FinancialClearance)
	owner := f.user("frontdesk").ID
	good := workflow.ExceptionInput{CaseID: c.ID, Gate: "ready_to_bill", Item: "eligibility", Reason: "r", OwnerID: owner, Expires: f.now.Add(time.Hour)}
	tests := []struct {
		name   string
		actor  string
		mutate func(*workflow.ExceptionInput)
		kind   claimgate.Kind
		msgHas string
	}{
		{"not a manager", "frontdesk", func(*workflow.ExceptionInput) {}, claimgate.Forbidden, "needs the manager role"},
		{"unknown gate", "mgr", func(in *workflow.ExceptionInput) { in.Gate = "nope" }, claimgate.Invalid, `gate: unknown gate "nope"`},
		{"unknown item", "mgr", func(in *workflow.ExceptionInput) { in.Item = "nope" }, claimgate.Invalid, `item: gate ready_to_bill has no item "nope"`},
		{"no owner", "mgr", func(in *workflow.ExceptionInput) { in.OwnerID = 0 }, claimgate.Invalid, "owner: required"},
		{"ghost owner", "mgr", func(in *workflow.ExceptionInput) { in.OwnerID = 999 }, claimgate.Invalid, "owner: user 999 does not exist"},
		{"no reason, past expiry", "mgr", func(in *workflow.ExceptionInput) { in.Reason = " "; in.Expires = f.now.Add(-time.Minute) },
			claimgate.Invalid, "reason: required; expires: must be in the future"},
		{"too long", "mgr", func(in *workflow.ExceptionInput) { in.Expires = f.now.AddDate(0, 0, 31) }, claimgate.Invalid, "at most 30 days"},
		{"passing item", "mgr", func(in *workflow.ExceptionInput) { in.Item = "registration" }, claimgate.Invalid, "no exception is needed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.mutate(&in)
			_, err := f.wf.LogException(ctx, f.user(tt.actor), in)
			if claimgate.ErrorKind(err) != tt.kind || err == nil || !strings.Contains(err.Error(), tt.msgHas) {
				t.Errorf("LogException = %v, want %v containing %q", err, tt.kind, tt.msgHas)
			}
		})
	}
	if _, err := f.wf.LogException(ctx, f.user("mgr"), good); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.LogException(ctx, f.user("mgr"), good); claimgate.ErrorKind(err) != claimgate.Conflict {
		t.Errorf("second exception on the same item = %v, want Conflict", err)
	}
}

func TestReworkNeedsReasonAndRaisesPriority(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.caseAt(t, claimgate.FinancialClearance)
	admin := f.user("admin")
	for _, item := range []string{"eligibility", "authorization", "patient_responsibility"} {
		if _, err := f.wf.LogException(ctx, admin, workflow.ExceptionInput{CaseID: c.ID, Gate: "ready_to_bill", Item: item,
			Reason: "r", OwnerID: admin.ID, Expires: f.now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	path := []claimgate.Stage{claimgate.Encounter, claimgate.Documentation, claimgate.Coding}
	from := claimgate.FinancialClearance
	for _, to := range path {
		if _, err := f.wf.Move(ctx, admin, c.ID, from, to, ""); err != nil {
			t.Fatalf("move to %s: %v", to, err)
		}
		from = to
	}
	// Coding-Ready blocks every item: nothing there is evaluable yet.
	_, err := f.wf.Move(ctx, admin, c.ID, claimgate.Coding, claimgate.ClaimBuild, "")
	if len(claimgate.ErrorDetails(err)) != 5 {
		t.Fatalf("Coding-Ready block = %v, want 5 items", err)
	}
	if _, err := f.wf.Move(ctx, admin, c.ID, claimgate.Coding, claimgate.Documentation, "x"); claimgate.ErrorKind(err) != claimgate.Invalid {
		t.Errorf("backward move out of coding = %v, want Invalid (no rework loop from coding)", err)
	}
	for _, item := range []string{"documentation_signed", "required_elements", "charge_capture", "coding_supported", "medical_necessity"} {
		if _, err := f.wf.LogException(ctx, admin, workflow.ExceptionInput{CaseID: c.ID, Gate: "coding_ready", Item: item,
			Reason: "r", OwnerID: admin.ID, Expires: f.now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range [][2]claimgate.Stage{{claimgate.Coding, claimgate.ClaimBuild}, {claimgate.ClaimBuild, claimgate.Scrub}} {
		if _, err := f.wf.Move(ctx, admin, c.ID, step[0], step[1], ""); err != nil {
			t.Fatalf("move to %s: %v", step[1], err)
		}
	}
	// A rework loop (scrub back to claim build) needs a reason and comes back urgent.
	if _, err := f.wf.Move(ctx, admin, c.ID, claimgate.Scrub, claimgate.ClaimBuild, " "); claimgate.ErrorKind(err) != claimgate.Invalid || !strings.Contains(err.Error(), "a rework move needs a reason") {
		t.Errorf("rework without reason = %v, want Invalid", err)
	}
	if _, err := f.wf.Move(ctx, admin, c.ID, claimgate.Scrub, claimgate.ClaimBuild, "missing rendering NPI on line 2"); err != nil {
		t.Fatal(err)
	}
	open, _ := f.st.WorkItems(ctx, claimgate.WorkFilter{CaseID: c.ID, Queue: claimgate.ClaimBuild.Queue(), Status: claimgate.WorkOpen})
	if len(open) != 1 || open[0].Priority != 1 || !strings.Contains(open[0].Reason, "missing rendering NPI") {
		t.Errorf("rework item = %+v, want one urgent item with the reason", open)
	}
	path = append(path, claimgate.ClaimBuild, claimgate.Scrub, claimgate.ClaimBuild)
	events, _ := f.st.Events(ctx, c.ID)
	var moves int
	for _, e := range events {
		if e.Kind == claimgate.EventCaseMoved {
			moves++
		}
	}
	if want := 4 + len(path); moves != want { // 4 seeded moves to financial_clearance
		t.Errorf("moved events = %d, want %d", moves, want)
	}
}

func TestAssignFallsBackToRoleThenManager(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// A queue without a default owner goes to the first user holding the role.
	id, err := f.wf.Assign(ctx, "denials/coding", claimgate.Coder)
	if err != nil || id != f.p.Users["coder"].ID {
		t.Errorf("Assign(no default, coder) = %d, %v; want coder", id, err)
	}
	if err := f.st.SetQueueOwner(ctx, "denials/coding", f.p.Users["denials"].ID); err != nil {
		t.Fatal(err)
	}
	if id, _ := f.wf.Assign(ctx, "denials/coding", claimgate.Coder); id != f.p.Users["denials"].ID {
		t.Errorf("Assign with default owner = %d, want denials user", id)
	}
}

func TestReassign(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.caseAt(t, claimgate.Intake)
	work, err := f.st.WorkItems(ctx, claimgate.WorkFilter{CaseID: c.ID, Status: claimgate.WorkOpen})
	if err != nil || len(work) != 1 {
		t.Fatalf("open work = %v, %v", work, err)
	}
	if err := f.wf.Reassign(ctx, f.user("coder"), work[0].ID, f.p.Users["coder"].ID, "mine"); claimgate.ErrorKind(err) != claimgate.Forbidden {
		t.Errorf("reassign by a stranger = %v, want Forbidden", err)
	}
	if err := f.wf.Reassign(ctx, f.user("mgr"), work[0].ID, 4242, "x"); claimgate.ErrorKind(err) != claimgate.Invalid {
		t.Errorf("reassign to a ghost = %v, want Invalid", err)
	}
	if err := f.wf.Reassign(ctx, f.user("mgr"), work[0].ID, f.p.Users["auth"].ID, "covering"); err != nil {
		t.Fatal(err)
	}
	w, _ := f.st.WorkItem(ctx, work[0].ID)
	if w.OwnerID != f.p.Users["auth"].ID {
		t.Errorf("owner = %d after reassign", w.OwnerID)
	}
	events, _ := f.st.Events(ctx, c.ID)
	if last := events[len(events)-1]; last.Kind != claimgate.EventWorkReassigned {
		t.Errorf("last event = %s, want %s", last.Kind, claimgate.EventWorkReassigned)
	}
}

func TestComplete(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.caseAt(t, claimgate.FinancialClearance)
	stage, err := f.st.WorkItems(ctx, claimgate.WorkFilter{CaseID: c.ID, Queue: c.Stage.Queue(), Status: claimgate.WorkOpen})
	if err != nil || len(stage) != 1 {
		t.Fatalf("stage work = %v, %v", stage, err)
	}
	if _, err := f.wf.LogException(ctx, f.user("mgr"), workflow.ExceptionInput{CaseID: c.ID, Gate: "ready_to_bill", Item: "eligibility",
		Reason: "r", OwnerID: f.user("frontdesk").ID, Expires: f.now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	excWork, _ := f.st.WorkItems(ctx, claimgate.WorkFilter{CaseID: c.ID, Queue: "exceptions"})
	side := &claimgate.WorkItem{CaseID: c.ID, Stage: c.Stage, Queue: "follow_up", Reason: "call patient", OwnerID: f.user("frontdesk").ID,
		Due: f.now.Add(time.Hour), Status: claimgate.WorkOpen, CreatedAt: f.now, UpdatedAt: f.now}
	if err := f.st.CreateWorkItem(ctx, side, f.user("mgr").ID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		actor  string
		id     int64
		kind   claimgate.Kind
		msgHas string
	}{
		{"stage work is handed on by a move", "frontdesk", stage[0].ID, claimgate.Conflict, "move the case on"},
		{"exception work closes by resolving", "frontdesk", excWork[0].ID, claimgate.Conflict, "resolve the exception instead"},
		{"a stranger may not", "coder", side.ID, claimgate.Forbidden, "owner"},
		{"unknown item", "frontdesk", 99999, claimgate.NotFound, ""},
	}
	for _, tt := range tests {
		err := f.wf.Complete(ctx, f.user(tt.actor), tt.id, "done")
		if claimgate.ErrorKind(err) != tt.kind || err == nil || !strings.Contains(err.Error(), tt.msgHas) {
			t.Errorf("%s: Complete = %v, want %v containing %q", tt.name, err, tt.kind, tt.msgHas)
		}
	}
	if err := f.wf.Complete(ctx, f.user("frontdesk"), side.ID, "called"); err != nil {
		t.Fatalf("Complete(side work) = %v", err)
	}
	if err := f.wf.Complete(ctx, f.user("frontdesk"), side.ID, "again"); claimgate.ErrorKind(err) != claimgate.Conflict {
		t.Errorf("second Complete = %v, want Conflict", err)
	}
}

func TestSetQueueOwner(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		actor string
		queue string
		owner int64
		kind  claimgate.Kind
	}{
		{"not a manager", "frontdesk", "intake", f.p.Users["frontdesk"].ID, claimgate.Forbidden},
		{"bad queue name", "mgr", "in take", f.p.Users["frontdesk"].ID, claimgate.Invalid},
		{"ghost owner", "mgr", "intake", 4242, claimgate.Invalid},
	}
	for _, tt := range tests {
		if err := f.wf.SetQueueOwner(ctx, f.user(tt.actor), tt.queue, tt.owner); claimgate.ErrorKind(err) != tt.kind || err == nil {
			t.Errorf("%s: SetQueueOwner = %v, want %v", tt.name, err, tt.kind)
		}
	}
	if err := f.wf.SetQueueOwner(ctx, f.user("mgr"), "intake", f.p.Users["auth"].ID); err != nil {
		t.Fatal(err)
	}
	if id, _ := f.wf.Assign(ctx, "intake", claimgate.FrontDesk); id != f.p.Users["auth"].ID {
		t.Errorf("Assign(intake) = %d after setting its owner, want the auth user", id)
	}
}

func TestAssignSkipsInactiveDefaultOwner(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	gone := claimgate.User{Username: "gone", Name: "Gone", PasswordHash: []byte("x"), Roles: []claimgate.Role{claimgate.Coder}, Active: false, CreatedAt: f.now}
	if err := f.st.CreateUser(ctx, &gone); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SetQueueOwner(ctx, "coding", gone.ID); err != nil {
		t.Fatal(err)
	}
	id, err := f.wf.Assign(ctx, "coding", claimgate.Coder)
	if err != nil || id != f.p.Users["coder"].ID {
		t.Errorf("Assign(coding) with an inactive default owner = %d, %v; want the active coder %d", id, err, f.p.Users["coder"].ID)
	}
}
