package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
)

// testMoveVersion: a move evaluated against a case version is refused once
// the case changed, even when it is back at the same stage, and an
// exception logged or resolved changes the version (gates read exceptions).
func testMoveVersion(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Intake, f.alice.ID)
	move := func(from, to claimgate.Stage, version int64) error {
		_, err := s.MoveCase(ctx, claimgate.CaseMove{CaseID: c.ID, From: from, Version: version, To: to,
			Kind: claimgate.Forward, Actor: f.alice.ID, At: t0,
			Next: claimgate.WorkItem{Queue: to.Queue(), Reason: "r", OwnerID: f.alice.ID, Status: claimgate.WorkOpen}})
		return err
	}
	v0 := c.Version
	must(t, move(claimgate.Intake, claimgate.Registration, v0))
	got, err := s.Case(ctx, c.ID)
	must(t, err)
	if got.Version == v0 {
		t.Fatalf("version unchanged by a move: %d", got.Version)
	}
	// Back at intake by another route would be a rework; here the stale
	// version alone must refuse the move.
	before := len(events(t, s, c.ID))
	wantKind(t, "move from a stale version", move(claimgate.Registration, claimgate.Eligibility, v0), claimgate.Conflict)
	if n := len(events(t, s, c.ID)); n != before {
		t.Errorf("a refused move wrote %d event(s)", n-before)
	}
	cur, _ := s.Case(ctx, c.ID)
	e := &claimgate.Exception{CaseID: c.ID, Gate: "ready_to_bill", Item: "eligibility", Reason: "portal down",
		OwnerID: f.alice.ID, ApproverID: f.carol.ID, Expires: t0.Add(time.Hour), CreatedAt: t0}
	w := &claimgate.WorkItem{Queue: "exceptions", Reason: "resolve", OwnerID: f.alice.ID, Status: claimgate.WorkOpen}
	must(t, s.CreateException(ctx, e, w, f.carol.ID))
	wantKind(t, "move evaluated before an exception was logged", move(claimgate.Registration, claimgate.Eligibility, cur.Version), claimgate.Conflict)
	cur, _ = s.Case(ctx, c.ID)
	must(t, s.ResolveException(ctx, e.ID, f.alice.ID, "verified", t0))
	wantKind(t, "move evaluated before an exception was resolved", move(claimgate.Registration, claimgate.Eligibility, cur.Version), claimgate.Conflict)
	cur, _ = s.Case(ctx, c.ID)
	must(t, move(claimgate.Registration, claimgate.Eligibility, cur.Version))
}

// testReassignCarriesException: an exception's work item given to another
// user (reassigned or claimed) takes the exception with it, and a
// reassigned item is no longer claimed.
func testReassignCarriesException(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.FinancialClearance, f.alice.ID)
	e := &claimgate.Exception{CaseID: c.ID, Gate: "ready_to_bill", Item: "authorization", Reason: "retro auth requested",
		OwnerID: f.alice.ID, ApproverID: f.carol.ID, Expires: t0.Add(time.Hour), CreatedAt: t0}
	w := &claimgate.WorkItem{Queue: "exceptions", Reason: "resolve", OwnerID: f.alice.ID, Status: claimgate.WorkOpen}
	must(t, s.CreateException(ctx, e, w, f.carol.ID))
	must(t, s.ReassignWorkItem(ctx, w.ID, f.bob.ID, f.carol.ID, "covering", t0))
	got, err := s.Exception(ctx, e.ID)
	must(t, err)
	if got.OwnerID != f.bob.ID {
		t.Errorf("exception owner after reassigning its item = %d, want bob %d", got.OwnerID, f.bob.ID)
	}
	claimed, err := s.ClaimWorkItem(ctx, "exceptions", f.carol.ID, t0)
	must(t, err)
	if claimed.ID != w.ID {
		t.Fatalf("claimed item %d, want %d", claimed.ID, w.ID)
	}
	if got, _ := s.Exception(ctx, e.ID); got.OwnerID != f.carol.ID {
		t.Errorf("exception owner after claiming its item = %d, want carol %d", got.OwnerID, f.carol.ID)
	}
	must(t, s.ReassignWorkItem(ctx, w.ID, f.alice.ID, f.carol.ID, "back to front desk", t0))
	item, err := s.WorkItem(ctx, w.ID)
	must(t, err)
	if item.ClaimedBy != 0 || item.OwnerID != f.alice.ID {
		t.Errorf("after reassign: owner %d claimed by %d, want owner alice and no claim", item.OwnerID, item.ClaimedBy)
	}
}
