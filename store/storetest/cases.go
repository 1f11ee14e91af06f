package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/claimgate/claimgate"
)

func testCreateCase(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, w := f.newCase(t, s, claimgate.Registration, f.alice.ID)
	if c.ID == 0 || w.ID == 0 {
		t.Fatalf("CreateCase left IDs zero: case %d, item %d", c.ID, w.ID)
	}
	got, err := s.Case(ctx, c.ID)
	must(t, err)
	want := c
	want.StageSince = t0
	want.Version = 1
	diff(t, "Case", got, want)

	wi, err := s.WorkItem(ctx, w.ID)
	must(t, err)
	wantW := claimgate.WorkItem{ID: w.ID, CaseID: c.ID, Stage: claimgate.Registration, Queue: "registration",
		Reason: "new case", OwnerID: f.alice.ID, Priority: 1, Due: t0.Add(24 * time.Hour), Status: claimgate.WorkOpen,
		CreatedAt: t0, UpdatedAt: t0}
	diff(t, "first work item", wi, wantW)
	diff(t, "first work item as set by CreateCase", w, wantW)

	ev := events(t, s, c.ID)
	diff(t, "events", ev, []claimgate.Event{{CaseID: c.ID, Kind: claimgate.EventCaseCreated, ActorID: f.alice.ID,
		At: t0, To: claimgate.Registration}}, ignoreEvent)

	// Without a first item (a case created closed, say) only the case and
	// its event are written; CreatedAt defaults to now.
	before := time.Now().Add(-time.Second)
	c2 := claimgate.Case{PatientID: f.patient.ID, Stage: claimgate.Intake}
	must(t, s.CreateCase(ctx, &c2, nil, 0))
	if c2.CreatedAt.Before(before) || !c2.StageSince.Equal(c2.CreatedAt) {
		t.Errorf("CreateCase defaults: CreatedAt %v, StageSince %v", c2.CreatedAt, c2.StageSince)
	}
	if n := len(items(t, s, claimgate.WorkFilter{CaseID: c2.ID})); n != 0 {
		t.Errorf("case created without a first item has %d items", n)
	}
	if ev := events(t, s, c2.ID); len(ev) != 1 || ev[0].Kind != claimgate.EventCaseCreated || ev[0].ActorID != 0 {
		t.Errorf("events of case created by the system = %+v, want one case.created without actor", ev)
	}
	got2, err := s.Case(ctx, c2.ID)
	must(t, err)
	diff(t, "case without location and provider", got2, c2)
}

func testCreateCaseErrors(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	const missing = 999999
	good := claimgate.Case{PatientID: f.patient.ID, LocationID: f.loc.ID, ProviderID: f.prov.ID, Stage: claimgate.Intake}
	item := func(owner int64) *claimgate.WorkItem {
		return &claimgate.WorkItem{Queue: "intake", OwnerID: owner}
	}
	tests := []struct {
		name  string
		c     claimgate.Case
		first *claimgate.WorkItem
		kind  claimgate.Kind
	}{
		{"unknown patient", claimgate.Case{PatientID: missing, Stage: claimgate.Intake}, item(f.alice.ID), claimgate.Invalid},
		{"no patient", claimgate.Case{Stage: claimgate.Intake}, item(f.alice.ID), claimgate.Invalid},
		{"unknown location", claimgate.Case{PatientID: f.patient.ID, LocationID: missing, Stage: claimgate.Intake}, item(f.alice.ID), claimgate.Invalid},
		{"unknown provider", claimgate.Case{PatientID: f.patient.ID, ProviderID: missing, Stage: claimgate.Intake}, item(f.alice.ID), claimgate.Invalid},
		{"unknown stage", claimgate.Case{PatientID: f.patient.ID, Stage: "limbo"}, item(f.alice.ID), claimgate.Invalid},
		{"first item with unknown owner", good, item(missing), claimgate.Invalid},
		{"first item without owner", good, item(0), claimgate.Invalid},
	}
	for _, tc := range tests {
		c := tc.c
		wantKind(t, "CreateCase("+tc.name+")", s.CreateCase(ctx, &c, tc.first, f.alice.ID), tc.kind)
	}
	wantKind(t, "Case(unknown)", get(s.Case(ctx, missing)), claimgate.NotFound)
	cases, err := s.Cases(ctx, claimgate.CaseFilter{})
	must(t, err)
	if len(cases) != 0 {
		t.Errorf("failed CreateCase calls left %d cases: %+v", len(cases), cases)
	}
	if w := items(t, s, claimgate.WorkFilter{}); len(w) != 0 {
		t.Errorf("failed CreateCase calls left %d work items", len(w))
	}
}

func testCases(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	other := claimgate.Patient{MRN: "MRN0002", First: "Other"}
	must(t, s.CreatePatient(ctx, &other))
	c1, _ := f.newCase(t, s, claimgate.Intake, f.alice.ID)
	c2, _ := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	c3, _ := f.newCase(t, s, claimgate.Intake, f.alice.ID)
	c4 := claimgate.Case{PatientID: other.ID, Stage: claimgate.Intake, CreatedAt: t0}
	must(t, s.CreateCase(ctx, &c4, nil, f.alice.ID))
	c1.StageSince, c2.StageSince, c3.StageSince = t0, t0, t0
	tests := []struct {
		name string
		f    claimgate.CaseFilter
		want []claimgate.Case
	}{
		{"all", claimgate.CaseFilter{}, []claimgate.Case{c1, c2, c3, c4}},
		{"stage", claimgate.CaseFilter{Stage: claimgate.Intake}, []claimgate.Case{c1, c3, c4}},
		{"patient", claimgate.CaseFilter{PatientID: f.patient.ID}, []claimgate.Case{c1, c2, c3}},
		{"stage and patient", claimgate.CaseFilter{Stage: claimgate.Intake, PatientID: other.ID}, []claimgate.Case{c4}},
		{"limit", claimgate.CaseFilter{Stage: claimgate.Intake, Limit: 2}, []claimgate.Case{c1, c3}},
		{"none", claimgate.CaseFilter{Stage: claimgate.Closed}, nil},
	}
	for _, tc := range tests {
		got, err := s.Cases(ctx, tc.f)
		must(t, err)
		diff(t, "Cases("+tc.name+")", got, tc.want, cmpopts.EquateEmpty())
	}
}

func testMoveCase(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, first := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	// A second open item in the old queue (completed by the move), one in
	// another queue and one tracking an exception (both left open).
	extra := claimgate.WorkItem{CaseID: c.ID, Stage: claimgate.Coding, Queue: "coding", OwnerID: f.bob.ID, Reason: "query physician"}
	must(t, s.CreateWorkItem(ctx, &extra, f.bob.ID))
	elsewhere := claimgate.WorkItem{CaseID: c.ID, Stage: claimgate.Coding, Queue: "manager", OwnerID: f.carol.ID}
	must(t, s.CreateWorkItem(ctx, &elsewhere, f.bob.ID))
	ex := claimgate.Exception{CaseID: c.ID, Gate: "coding", Item: "documentation signed", OwnerID: f.bob.ID,
		ApproverID: f.carol.ID, Expires: t0.Add(72 * time.Hour), CreatedAt: t0}
	exItem := claimgate.WorkItem{Stage: claimgate.Coding, Queue: "coding", Reason: "get signature"}
	must(t, s.CreateException(ctx, &ex, &exItem, f.carol.ID))
	// Another case's item in the same queue is not touched either.
	c2, c2first := f.newCase(t, s, claimgate.Coding, f.bob.ID)

	at := t0.Add(2 * time.Hour)
	m := claimgate.CaseMove{CaseID: c.ID, From: claimgate.Coding, To: claimgate.ClaimBuild, Kind: claimgate.Forward,
		Actor: f.bob.ID, Reason: "coded", At: at,
		Next: claimgate.WorkItem{Queue: "claim_build", Reason: "build claim", OwnerID: f.alice.ID, Priority: 3, Due: at.Add(time.Hour)}}
	e, err := s.MoveCase(ctx, m)
	must(t, err)
	wantE := claimgate.Event{CaseID: c.ID, Kind: claimgate.EventCaseMoved, ActorID: f.bob.ID, At: at,
		From: claimgate.Coding, To: claimgate.ClaimBuild, Reason: "coded"}
	diff(t, "MoveCase event", e, wantE, ignoreEvent)
	if e.ID == 0 {
		t.Errorf("MoveCase returned an event without ID")
	}
	ev := events(t, s, c.ID)
	if len(ev) == 0 {
		t.Fatal("no events")
	}
	diff(t, "last event", ev[len(ev)-1], e)

	got, err := s.Case(ctx, c.ID)
	must(t, err)
	// Version 3: created at 1, the exception logged above made it 2 (gates
	// read exceptions), the move 3.
	if got.Stage != claimgate.ClaimBuild || got.Version != 3 || !got.StageSince.Equal(at) {
		t.Errorf("after move: stage %s version %d since %v, want claim_build 3 %v", got.Stage, got.Version, got.StageSince, at)
	}

	status := func(id int64) claimgate.WorkStatus {
		w, err := s.WorkItem(ctx, id)
		must(t, err)
		return w.Status
	}
	for _, tc := range []struct {
		name string
		id   int64
		want claimgate.WorkStatus
	}{
		{"first item", first.ID, claimgate.WorkDone},
		{"second item in old queue", extra.ID, claimgate.WorkDone},
		{"item in another queue", elsewhere.ID, claimgate.WorkOpen},
		{"exception item", exItem.ID, claimgate.WorkOpen},
		{"other case's item", c2first.ID, claimgate.WorkOpen},
	} {
		if got := status(tc.id); got != tc.want {
			t.Errorf("%s: status %s, want %s", tc.name, got, tc.want)
		}
	}
	done, err := s.WorkItem(ctx, first.ID)
	must(t, err)
	if !done.UpdatedAt.Equal(at) {
		t.Errorf("completed item UpdatedAt = %v, want %v", done.UpdatedAt, at)
	}
	next := items(t, s, claimgate.WorkFilter{CaseID: c.ID, Queue: "claim_build"})
	if len(next) != 1 {
		t.Fatalf("items in claim_build: %+v, want 1", next)
	}
	wantNext := claimgate.WorkItem{ID: next[0].ID, CaseID: c.ID, Stage: claimgate.ClaimBuild, Queue: "claim_build",
		Reason: "build claim", OwnerID: f.alice.ID, Priority: 3, Due: at.Add(time.Hour), Status: claimgate.WorkOpen,
		CreatedAt: at, UpdatedAt: at}
	diff(t, "next item", next[0], wantNext)
	if c2got, _ := s.Case(ctx, c2.ID); c2got.Stage != claimgate.Coding {
		t.Errorf("other case moved to %s", c2got.Stage)
	}

	// A move with no Next (to closed) opens nothing.
	for _, step := range []claimgate.CaseMove{
		{From: claimgate.ClaimBuild, To: claimgate.Scrub, Next: claimgate.WorkItem{Queue: "scrub", OwnerID: f.alice.ID}},
		{From: claimgate.Scrub, To: claimgate.Submission, Next: claimgate.WorkItem{Queue: "submission", OwnerID: f.alice.ID}},
		{From: claimgate.Submission, To: claimgate.Adjudication, Next: claimgate.WorkItem{Queue: "adjudication", OwnerID: f.alice.ID}},
		{From: claimgate.Adjudication, To: claimgate.Posting, Next: claimgate.WorkItem{Queue: "posting", OwnerID: f.alice.ID}},
		{From: claimgate.Posting, To: claimgate.Closed},
	} {
		step.CaseID, step.Actor, step.Kind, step.At = c.ID, f.alice.ID, claimgate.Forward, at
		_, err := s.MoveCase(ctx, step)
		must(t, err)
	}
	got, err = s.Case(ctx, c.ID)
	must(t, err)
	if got.Stage != claimgate.Closed || got.Version != 8 {
		t.Errorf("after closing: stage %s version %d, want closed 8", got.Stage, got.Version)
	}
	open := items(t, s, claimgate.WorkFilter{CaseID: c.ID, Status: claimgate.WorkOpen})
	diff(t, "open items of the closed case", ids(open), []int64{elsewhere.ID, exItem.ID}, cmpopts.SortSlices(func(a, b int64) bool { return a < b }))
	var moves []claimgate.Stage
	for _, e := range events(t, s, c.ID) {
		if e.Kind == claimgate.EventCaseMoved {
			moves = append(moves, e.To)
		}
	}
	diff(t, "moves", moves, []claimgate.Stage{claimgate.ClaimBuild, claimgate.Scrub, claimgate.Submission,
		claimgate.Adjudication, claimgate.Posting, claimgate.Closed})
}

// snapshot is everything a failed change must leave as it was.
type snapshot struct {
	Case   claimgate.Case
	Events []claimgate.Event
	Items  []claimgate.WorkItem
}

func snap(t *testing.T, s claimgate.Store, caseID int64) snapshot {
	t.Helper()
	c, err := s.Case(context.Background(), caseID)
	must(t, err)
	return snapshot{c, events(t, s, caseID), items(t, s, claimgate.WorkFilter{})}
}

func testMoveCaseErrors(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	next := claimgate.WorkItem{Queue: "claim_build", OwnerID: f.alice.ID}
	tests := []struct {
		name string
		m    claimgate.CaseMove
		kind claimgate.Kind
	}{
		{"stale from", claimgate.CaseMove{CaseID: c.ID, From: claimgate.Documentation, To: claimgate.Coding, Next: next}, claimgate.Conflict},
		{"unknown case", claimgate.CaseMove{CaseID: 999999, From: claimgate.Coding, To: claimgate.ClaimBuild, Next: next}, claimgate.NotFound},
		{"unknown stage", claimgate.CaseMove{CaseID: c.ID, From: claimgate.Coding, To: "limbo", Next: next}, claimgate.Invalid},
		{"next with unknown owner", claimgate.CaseMove{CaseID: c.ID, From: claimgate.Coding, To: claimgate.ClaimBuild,
			Next: claimgate.WorkItem{Queue: "claim_build", OwnerID: 999999}}, claimgate.Invalid},
		{"next without owner", claimgate.CaseMove{CaseID: c.ID, From: claimgate.Coding, To: claimgate.ClaimBuild,
			Next: claimgate.WorkItem{Queue: "claim_build"}}, claimgate.Invalid},
		{"unknown actor", claimgate.CaseMove{CaseID: c.ID, From: claimgate.Coding, To: claimgate.ClaimBuild, Actor: 999999, Next: next}, claimgate.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := snap(t, s, c.ID)
			tc.m.Kind, tc.m.At = claimgate.Forward, t0.Add(time.Hour)
			_, err := s.MoveCase(ctx, tc.m)
			wantKind(t, "MoveCase", err, tc.kind)
			diff(t, "state after failed move", snap(t, s, c.ID), before)
		})
	}
	// Two movers who both saw coding: one wins, the other is stale.
	m := claimgate.CaseMove{CaseID: c.ID, From: claimgate.Coding, To: claimgate.ClaimBuild, Kind: claimgate.Forward, Actor: f.bob.ID, Next: next}
	_, err := s.MoveCase(ctx, m)
	must(t, err)
	before := snap(t, s, c.ID)
	_, err = s.MoveCase(ctx, m)
	wantKind(t, "second MoveCase from the same stage", err, claimgate.Conflict)
	diff(t, "state after stale move", snap(t, s, c.ID), before)
}

func testClaims(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.ClaimBuild, f.alice.ID)
	claims := []claimgate.Claim{
		{CaseID: c.ID, CoverageID: f.coverage.ID, Frequency: "1", Status: claimgate.ClaimBuilt, TotalCharge: 12345, CreatedAt: t0},
		{CaseID: c.ID, CoverageID: f.coverage.ID, Frequency: "7", PayerClaimID: "PCN-1", Status: claimgate.ClaimSubmitted,
			TotalCharge: claimgate.Money(1<<53 + 1), CreatedAt: t0.Add(time.Minute)}, // beyond float64's exact integers
		{CaseID: c.ID, Frequency: "8", Status: claimgate.ClaimReversed, TotalCharge: -5, CreatedAt: t0.Add(2 * time.Minute)},
	}
	for i := range claims {
		must(t, s.CreateClaim(ctx, &claims[i]))
		if claims[i].ID == 0 {
			t.Errorf("CreateClaim left ID zero")
		}
	}
	got, err := s.Claims(ctx, c.ID)
	must(t, err)
	diff(t, "Claims", got, claims)
	events, err := s.Events(ctx, c.ID)
	must(t, err)
	var created []string
	for _, e := range events {
		if e.Kind == claimgate.EventClaimCreated {
			created = append(created, e.Data)
		}
	}
	var want []string
	for _, cl := range claims {
		want = append(want, fmt.Sprintf(`{"claim":%d}`, cl.ID))
	}
	diff(t, "claim.created events' data", created, want)
	wantKind(t, "CreateClaim(unknown case)", s.CreateClaim(ctx, &claimgate.Claim{CaseID: 999999, TotalCharge: 1}), claimgate.Invalid)
	wantKind(t, "CreateClaim(unknown coverage)", s.CreateClaim(ctx, &claimgate.Claim{CaseID: c.ID, CoverageID: 999999, TotalCharge: 1}), claimgate.Invalid)
	none, err := s.Claims(ctx, 999999)
	must(t, err)
	if len(none) != 0 {
		t.Errorf("Claims(unknown case) = %v", none)
	}
	must(t, s.SetClaimStatus(ctx, claims[0].ID, claimgate.ClaimAcceptedPayer, "ACME1260301001"))
	must(t, s.SetClaimStatus(ctx, claims[0].ID, claimgate.ClaimPaid, ""))
	claims[0].Status, claims[0].PayerClaimID = claimgate.ClaimPaid, "ACME1260301001"
	got, err = s.Claims(ctx, c.ID)
	must(t, err)
	diff(t, "Claims after SetClaimStatus", got, claims)
	wantKind(t, "SetClaimStatus(unknown claim)", s.SetClaimStatus(ctx, 999999, claimgate.ClaimPaid, ""), claimgate.NotFound)
}

func testExceptions(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Eligibility, f.alice.ID)
	e := claimgate.Exception{CaseID: c.ID, Gate: "eligibility", Item: "coverage verified", Reason: "payer portal down",
		OwnerID: f.alice.ID, ApproverID: f.carol.ID, Expires: t0.Add(48 * time.Hour), CreatedAt: t0}
	w := claimgate.WorkItem{Stage: claimgate.Eligibility, Queue: "eligibility", Reason: "verify coverage", Priority: 2}
	must(t, s.CreateException(ctx, &e, &w, f.carol.ID))
	if e.ID == 0 || w.ID == 0 || w.ExceptionID != e.ID || w.CaseID != c.ID || w.OwnerID != f.alice.ID {
		t.Fatalf("CreateException: exception %+v, item %+v", e, w)
	}
	got, err := s.Exception(ctx, e.ID)
	must(t, err)
	diff(t, "Exception", got, e)
	if !got.OpenAt(t0) {
		t.Errorf("new exception is not open")
	}
	wi, err := s.WorkItem(ctx, w.ID)
	must(t, err)
	diff(t, "exception's work item", wi, w)

	e2 := claimgate.Exception{CaseID: c.ID, Gate: "eligibility", Item: "copay collected", OwnerID: f.bob.ID, Expires: t0.Add(time.Hour), CreatedAt: t0}
	w2 := claimgate.WorkItem{Queue: "eligibility"}
	must(t, s.CreateException(ctx, &e2, &w2, f.alice.ID))
	list, err := s.Exceptions(ctx, c.ID)
	must(t, err)
	diff(t, "Exceptions", list, []claimgate.Exception{e, e2})

	at := t0.Add(3 * time.Hour)
	must(t, s.ResolveException(ctx, e.ID, f.alice.ID, "verified by phone", at))
	got, err = s.Exception(ctx, e.ID)
	must(t, err)
	if !got.ResolvedAt.Equal(at) || got.Resolution != "verified by phone" || got.OpenAt(at) {
		t.Errorf("resolved exception = %+v", got)
	}
	wi, err = s.WorkItem(ctx, w.ID)
	must(t, err)
	if wi.Status != claimgate.WorkDone || !wi.UpdatedAt.Equal(at) {
		t.Errorf("exception's item after resolve: %s at %v, want done at %v", wi.Status, wi.UpdatedAt, at)
	}
	if wi, _ := s.WorkItem(ctx, w2.ID); wi.Status != claimgate.WorkOpen {
		t.Errorf("other exception's item is %s, want open", wi.Status)
	}
	before := snap(t, s, c.ID)
	wantKind(t, "second ResolveException", s.ResolveException(ctx, e.ID, f.alice.ID, "again", at.Add(time.Hour)), claimgate.Conflict)
	diff(t, "state after second resolve", snap(t, s, c.ID), before)
	again, err := s.Exception(ctx, e.ID)
	must(t, err)
	diff(t, "exception after second resolve", again, got)

	var kinds []string
	for _, ev := range events(t, s, c.ID) {
		kinds = append(kinds, ev.Kind)
	}
	diff(t, "event kinds", kinds, []string{claimgate.EventCaseCreated, claimgate.EventExceptionLogged,
		claimgate.EventExceptionLogged, claimgate.EventExceptionResolved})
	ev := events(t, s, c.ID)
	diff(t, "exception.logged event", ev[1], claimgate.Event{CaseID: c.ID, Kind: claimgate.EventExceptionLogged,
		ActorID: f.carol.ID, At: t0, Reason: "payer portal down"}, ignoreEvent)
	diff(t, "exception.resolved event", ev[3], claimgate.Event{CaseID: c.ID, Kind: claimgate.EventExceptionResolved,
		ActorID: f.alice.ID, At: at, Reason: "verified by phone"}, ignoreEvent)
}

func testExceptionErrors(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Eligibility, f.alice.ID)
	const missing = 999999
	ok := claimgate.Exception{CaseID: c.ID, Gate: "eligibility", Item: "x", OwnerID: f.alice.ID, Expires: t0.Add(time.Hour)}
	with := func(mod func(e *claimgate.Exception)) *claimgate.Exception {
		e := ok
		mod(&e)
		return &e
	}
	tests := []struct {
		name string
		e    *claimgate.Exception
		w    *claimgate.WorkItem
		kind claimgate.Kind
	}{
		{"unknown case", with(func(e *claimgate.Exception) { e.CaseID = missing }), &claimgate.WorkItem{Queue: "q"}, claimgate.Invalid},
		{"unknown owner", with(func(e *claimgate.Exception) { e.OwnerID = missing }), &claimgate.WorkItem{Queue: "q"}, claimgate.Invalid},
		{"unknown approver", with(func(e *claimgate.Exception) { e.ApproverID = missing }), &claimgate.WorkItem{Queue: "q"}, claimgate.Invalid},
		{"item with unknown owner", with(func(e *claimgate.Exception) {}), &claimgate.WorkItem{Queue: "q", OwnerID: missing}, claimgate.Invalid},
		{"no work item", with(func(e *claimgate.Exception) {}), nil, claimgate.Invalid},
	}
	for _, tc := range tests {
		wantKind(t, "CreateException("+tc.name+")", s.CreateException(ctx, tc.e, tc.w, f.alice.ID), tc.kind)
	}
	list, err := s.Exceptions(ctx, c.ID)
	must(t, err)
	if len(list) != 0 {
		t.Errorf("failed CreateException calls left %d exceptions", len(list))
	}
	if w := items(t, s, claimgate.WorkFilter{Queue: "q"}); len(w) != 0 {
		t.Errorf("failed CreateException calls left %d work items", len(w))
	}
	if ev := events(t, s, c.ID); len(ev) != 1 {
		t.Errorf("failed CreateException calls left events: %+v", ev)
	}
	wantKind(t, "Exception(unknown)", get(s.Exception(ctx, missing)), claimgate.NotFound)
	wantKind(t, "ResolveException(unknown)", s.ResolveException(ctx, missing, f.alice.ID, "", t0), claimgate.NotFound)
}

// testConcurrentExceptions has several managers log an exception for one
// case, gate and item at once: exactly one is logged, the others get a
// Conflict. A resolved or expired exception does not count.
func testConcurrentExceptions(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Eligibility, f.alice.ID)
	old := claimgate.Exception{CaseID: c.ID, Gate: "eligibility", Item: "coverage verified", Reason: "expired",
		OwnerID: f.alice.ID, Expires: t0.Add(-time.Hour), CreatedAt: t0.Add(-2 * time.Hour)}
	must(t, s.CreateException(ctx, &old, &claimgate.WorkItem{Queue: "exceptions"}, f.carol.ID))
	const n = 8
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			e := claimgate.Exception{CaseID: c.ID, Gate: "eligibility", Item: "coverage verified", Reason: "payer portal down",
				OwnerID: f.alice.ID, ApproverID: f.carol.ID, Expires: t0.Add(48 * time.Hour), CreatedAt: t0}
			errs <- s.CreateException(ctx, &e, &claimgate.WorkItem{Queue: "exceptions"}, f.carol.ID)
		}()
	}
	close(start)
	wins := 0
	for range n {
		err := <-errs
		switch {
		case err == nil:
			wins++
		case claimgate.ErrorKind(err) != claimgate.Conflict:
			t.Errorf("CreateException: %v (kind %v), want success or Conflict", err, claimgate.ErrorKind(err))
		}
	}
	if wins != 1 {
		t.Errorf("%d of %d concurrent CreateException calls succeeded, want 1", wins, n)
	}
	list, err := s.Exceptions(ctx, c.ID)
	must(t, err)
	if len(list) != 2 {
		t.Errorf("Exceptions = %d, want the expired one and one new", len(list))
	}
	other := claimgate.Exception{CaseID: c.ID, Gate: "eligibility", Item: "benefits", Reason: "other item",
		OwnerID: f.alice.ID, Expires: t0.Add(time.Hour), CreatedAt: t0}
	must(t, s.CreateException(ctx, &other, &claimgate.WorkItem{Queue: "exceptions"}, f.carol.ID))
}

// testConcurrentMoves has several workers move one case from the stage they
// all saw at once: exactly one wins, the others get a Conflict, and exactly
// one move (event, next item) is written.
func testConcurrentMoves(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	const n = 8
	errs := make(chan error, n)
	start := make(chan struct{})
	for range n {
		go func() {
			<-start
			_, err := s.MoveCase(ctx, claimgate.CaseMove{CaseID: c.ID, From: claimgate.Coding, To: claimgate.ClaimBuild,
				Kind: claimgate.Forward, Actor: f.bob.ID, Next: claimgate.WorkItem{Queue: "claim_build", OwnerID: f.alice.ID}})
			errs <- err
		}()
	}
	close(start)
	wins := 0
	for range n {
		err := <-errs
		switch claimgate.ErrorKind(err) {
		case claimgate.Conflict:
		case claimgate.Internal:
			if err != nil {
				t.Errorf("MoveCase: %v", err)
				continue
			}
			wins++
		default:
			t.Errorf("MoveCase: %v (kind %v), want success or Conflict", err, claimgate.ErrorKind(err))
		}
	}
	if wins != 1 {
		t.Errorf("%d of %d concurrent moves succeeded, want 1", wins, n)
	}
	got, err := s.Case(ctx, c.ID)
	must(t, err)
	if got.Stage != claimgate.ClaimBuild || got.Version != 2 {
		t.Errorf("after concurrent moves: stage %s version %d, want claim_build 2", got.Stage, got.Version)
	}
	moved := 0
	for _, e := range events(t, s, c.ID) {
		if e.Kind == claimgate.EventCaseMoved {
			moved++
		}
	}
	if moved != 1 {
		t.Errorf("%d case.moved events, want 1", moved)
	}
	if open := items(t, s, claimgate.WorkFilter{CaseID: c.ID, Status: claimgate.WorkOpen}); len(open) != 1 || open[0].Queue != "claim_build" {
		t.Errorf("open items after concurrent moves: %+v, want one in claim_build", open)
	}
}
