package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/claimgate/claimgate"
)

func testWorkItems(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Denials, f.alice.ID)
	w := claimgate.WorkItem{CaseID: c.ID, Stage: claimgate.Denials, Queue: "denials/coding", Reason: "CO-16",
		OwnerID: f.alice.ID, Priority: 5, Due: t0.Add(time.Hour), CreatedAt: t0}
	must(t, s.CreateWorkItem(ctx, &w, f.carol.ID))
	if w.ID == 0 || w.Status != claimgate.WorkOpen || !w.UpdatedAt.Equal(t0) {
		t.Fatalf("CreateWorkItem set %+v", w)
	}
	got, err := s.WorkItem(ctx, w.ID)
	must(t, err)
	diff(t, "WorkItem", got, w)
	// Work not tied to a case (a quarantined file).
	loose := claimgate.WorkItem{Queue: "quarantine", Reason: "unreadable 835", OwnerID: f.carol.ID, CreatedAt: t0}
	must(t, s.CreateWorkItem(ctx, &loose, 0))
	got, err = s.WorkItem(ctx, loose.ID)
	must(t, err)
	diff(t, "WorkItem without case", got, loose)

	at1 := t0.Add(10 * time.Minute)
	must(t, s.ReassignWorkItem(ctx, w.ID, f.bob.ID, f.carol.ID, "coding denial", at1))
	got, err = s.WorkItem(ctx, w.ID)
	must(t, err)
	if got.OwnerID != f.bob.ID || !got.UpdatedAt.Equal(at1) || got.Status != claimgate.WorkOpen {
		t.Errorf("after reassign: %+v", got)
	}
	at2 := t0.Add(20 * time.Minute)
	must(t, s.CompleteWorkItem(ctx, w.ID, f.bob.ID, "recoded and resubmitted", at2))
	got, err = s.WorkItem(ctx, w.ID)
	must(t, err)
	if got.Status != claimgate.WorkDone || !got.UpdatedAt.Equal(at2) || got.OwnerID != f.bob.ID {
		t.Errorf("after complete: %+v", got)
	}
	ev := events(t, s, c.ID)
	diff(t, "events", ev, []claimgate.Event{
		{CaseID: c.ID, Kind: claimgate.EventCaseCreated, ActorID: f.alice.ID, At: t0, To: claimgate.Denials},
		{CaseID: c.ID, Kind: claimgate.EventWorkAssigned, ActorID: f.carol.ID, At: t0, To: claimgate.Denials, Reason: "CO-16"},
		{CaseID: c.ID, Kind: claimgate.EventWorkReassigned, ActorID: f.carol.ID, At: at1, Reason: "coding denial"},
		{CaseID: c.ID, Kind: claimgate.EventWorkCompleted, ActorID: f.bob.ID, At: at2, Reason: "recoded and resubmitted"},
	}, ignoreEvent)
	for _, e := range ev[1:] {
		if e.Data == "" {
			t.Errorf("%s event has no data", e.Kind)
		}
	}
	// Work without a case has its events without a case.
	must(t, s.CompleteWorkItem(ctx, loose.ID, f.carol.ID, "reloaded", at2))
	if ev := events(t, s, 0); len(ev) != 0 {
		t.Errorf("Events(0) = %+v, want none: events without a case belong to no case", ev)
	}
}

func testWorkItemErrors(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, first := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	const missing = 999999
	done := claimgate.WorkItem{CaseID: c.ID, Queue: "coding", OwnerID: f.bob.ID}
	must(t, s.CreateWorkItem(ctx, &done, f.bob.ID))
	must(t, s.CompleteWorkItem(ctx, done.ID, f.bob.ID, "", t0))
	before := snap(t, s, c.ID)
	tests := []struct {
		name string
		err  error
		kind claimgate.Kind
	}{
		{"CreateWorkItem(no owner)", s.CreateWorkItem(ctx, &claimgate.WorkItem{CaseID: c.ID, Queue: "coding"}, f.bob.ID), claimgate.Invalid},
		{"CreateWorkItem(unknown owner)", s.CreateWorkItem(ctx, &claimgate.WorkItem{CaseID: c.ID, Queue: "coding", OwnerID: missing}, f.bob.ID), claimgate.Invalid},
		{"CreateWorkItem(unknown case)", s.CreateWorkItem(ctx, &claimgate.WorkItem{CaseID: missing, Queue: "coding", OwnerID: f.bob.ID}, f.bob.ID), claimgate.Invalid},
		{"CreateWorkItem(unknown actor)", s.CreateWorkItem(ctx, &claimgate.WorkItem{CaseID: c.ID, Queue: "coding", OwnerID: f.bob.ID}, missing), claimgate.Invalid},
		{"CreateWorkItem(no queue)", s.CreateWorkItem(ctx, &claimgate.WorkItem{CaseID: c.ID, OwnerID: f.bob.ID}, f.bob.ID), claimgate.Invalid},
		{"WorkItem(unknown)", get(s.WorkItem(ctx, missing)), claimgate.NotFound},
		{"ReassignWorkItem(unknown item)", s.ReassignWorkItem(ctx, missing, f.alice.ID, f.carol.ID, "", t0), claimgate.NotFound},
		{"ReassignWorkItem(unknown owner)", s.ReassignWorkItem(ctx, first.ID, missing, f.carol.ID, "", t0), claimgate.Invalid},
		{"ReassignWorkItem(no owner)", s.ReassignWorkItem(ctx, first.ID, 0, f.carol.ID, "", t0), claimgate.Invalid},
		{"ReassignWorkItem(done item)", s.ReassignWorkItem(ctx, done.ID, f.alice.ID, f.carol.ID, "", t0), claimgate.Conflict},
		{"CompleteWorkItem(unknown item)", s.CompleteWorkItem(ctx, missing, f.bob.ID, "", t0), claimgate.NotFound},
		{"CompleteWorkItem(done item)", s.CompleteWorkItem(ctx, done.ID, f.bob.ID, "", t0), claimgate.Conflict},
		{"CompleteWorkItem(unknown actor)", s.CompleteWorkItem(ctx, first.ID, missing, "", t0), claimgate.Invalid},
	}
	for _, tc := range tests {
		wantKind(t, tc.name, tc.err, tc.kind)
	}
	diff(t, "state after failed changes", snap(t, s, c.ID), before)
}

func testWorkItemOrder(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	mk := func(reason string, prio int, due time.Time, created time.Time) claimgate.WorkItem {
		w := claimgate.WorkItem{Queue: "ar_followup", Reason: reason, OwnerID: f.alice.ID, Priority: prio, Due: due, CreatedAt: created}
		must(t, s.CreateWorkItem(ctx, &w, 0))
		return w
	}
	// Inserted out of order; the names say where they must come out.
	w5 := mk("5: low priority, due soon", 0, t0.Add(time.Hour), t0)
	w7 := mk("7: low priority, no due", 0, time.Time{}, t0)
	w2 := mk("2: high priority, due later", 9, t0.Add(48*time.Hour), t0)
	w1 := mk("1: high priority, due sooner", 9, t0.Add(24*time.Hour), t0.Add(time.Hour))
	w4 := mk("4: mid priority, same due, younger", 5, t0.Add(time.Hour), t0.Add(time.Minute))
	w3 := mk("3: mid priority, same due, older", 5, t0.Add(time.Hour), t0)
	w6 := mk("6: low priority, due later", 0, t0.Add(2*time.Hour), t0)
	w8 := mk("8: negative priority", -1, t0, t0)
	got := items(t, s, claimgate.WorkFilter{Queue: "ar_followup"})
	want := []claimgate.WorkItem{w1, w2, w3, w4, w5, w6, w7, w8}
	diff(t, "WorkItems order", got, want)
	got = items(t, s, claimgate.WorkFilter{Queue: "ar_followup", Limit: 3})
	diff(t, "WorkItems with limit", got, want[:3])
}

func testWorkItemFilters(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c1, a := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	c2, b := f.newCase(t, s, claimgate.Intake, f.alice.ID)
	cc := claimgate.WorkItem{CaseID: c1.ID, Queue: "manager", OwnerID: f.carol.ID, CreatedAt: t0}
	must(t, s.CreateWorkItem(ctx, &cc, 0))
	d := claimgate.WorkItem{CaseID: c2.ID, Queue: "intake", OwnerID: f.alice.ID, CreatedAt: t0}
	must(t, s.CreateWorkItem(ctx, &d, 0))
	must(t, s.CompleteWorkItem(ctx, d.ID, f.alice.ID, "", t0))
	d.Status = claimgate.WorkDone
	tests := []struct {
		name string
		f    claimgate.WorkFilter
		want []int64
	}{
		{"all", claimgate.WorkFilter{}, []int64{a.ID, b.ID, cc.ID, d.ID}},
		{"owner", claimgate.WorkFilter{OwnerID: f.alice.ID}, []int64{b.ID, d.ID}},
		{"queue", claimgate.WorkFilter{Queue: "intake"}, []int64{b.ID, d.ID}},
		{"case", claimgate.WorkFilter{CaseID: c1.ID}, []int64{a.ID, cc.ID}},
		{"open", claimgate.WorkFilter{Status: claimgate.WorkOpen}, []int64{a.ID, b.ID, cc.ID}},
		{"done", claimgate.WorkFilter{Status: claimgate.WorkDone}, []int64{d.ID}},
		{"owner and status", claimgate.WorkFilter{OwnerID: f.alice.ID, Status: claimgate.WorkOpen}, []int64{b.ID}},
		{"case and queue", claimgate.WorkFilter{CaseID: c2.ID, Queue: "intake", Status: claimgate.WorkDone}, []int64{d.ID}},
		{"nothing", claimgate.WorkFilter{Queue: "nope"}, nil},
	}
	sorted := cmpopts.SortSlices(func(x, y int64) bool { return x < y })
	for _, tc := range tests {
		diff(t, "WorkItems("+tc.name+")", ids(items(t, s, tc.f)), tc.want, sorted, cmpopts.EquateEmpty())
	}
}

func testQueues(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	wantKind(t, "QueueOwner(unset)", get(s.QueueOwner(ctx, "coding")), claimgate.NotFound)
	must(t, s.SetQueueOwner(ctx, "coding", f.alice.ID))
	must(t, s.SetQueueOwner(ctx, "coding", f.bob.ID)) // replaces
	must(t, s.SetQueueOwner(ctx, "manager", f.carol.ID))
	wantKind(t, "SetQueueOwner(unknown user)", s.SetQueueOwner(ctx, "billing", 999999), claimgate.Invalid)
	owner, err := s.QueueOwner(ctx, "coding")
	must(t, err)
	if owner != f.bob.ID {
		t.Errorf("QueueOwner(coding) = %d, want %d", owner, f.bob.ID)
	}
	mk := func(queue string, created time.Time) claimgate.WorkItem {
		w := claimgate.WorkItem{Queue: queue, OwnerID: f.alice.ID, CreatedAt: created}
		must(t, s.CreateWorkItem(ctx, &w, 0))
		return w
	}
	mk("coding", t0.Add(time.Hour))
	mk("coding", t0.Add(time.Minute))
	done := mk("coding", t0) // the oldest, but done: not counted
	must(t, s.CompleteWorkItem(ctx, done.ID, f.alice.ID, "", t0))
	mk("intake", t0.Add(2*time.Hour))
	old := mk("posting", t0) // only done work and no owner: not listed
	must(t, s.CompleteWorkItem(ctx, old.ID, f.alice.ID, "", t0))
	got, err := s.QueueSummaries(ctx)
	must(t, err)
	diff(t, "QueueSummaries", got, []claimgate.QueueSummary{
		{Queue: "coding", DefaultOwner: f.bob.ID, Open: 2, Oldest: t0.Add(time.Minute)},
		{Queue: "intake", Open: 1, Oldest: t0.Add(2 * time.Hour)},
		{Queue: "manager", DefaultOwner: f.carol.ID},
	})
}

func testClaimWorkItem(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	wantKind(t, "ClaimWorkItem(empty queue)", get(s.ClaimWorkItem(ctx, "scrub", f.bob.ID, t0)), claimgate.NotFound)
	c, _ := f.newCase(t, s, claimgate.Intake, f.alice.ID)
	mk := func(prio int, due time.Time) claimgate.WorkItem {
		w := claimgate.WorkItem{CaseID: c.ID, Queue: "scrub", OwnerID: f.carol.ID, Priority: prio, Due: due, CreatedAt: t0}
		must(t, s.CreateWorkItem(ctx, &w, 0))
		return w
	}
	low := mk(1, t0)
	high := mk(5, t0.Add(time.Hour))
	closed := mk(9, t0)
	must(t, s.CompleteWorkItem(ctx, closed.ID, f.carol.ID, "", t0))
	wantKind(t, "ClaimWorkItem(unknown worker)", get(s.ClaimWorkItem(ctx, "scrub", 999999, t0)), claimgate.Invalid)

	at := t0.Add(time.Minute)
	var got []claimgate.WorkItem
	for range 2 {
		w, err := s.ClaimWorkItem(ctx, "scrub", f.bob.ID, at)
		must(t, err)
		got = append(got, w)
	}
	wantKind(t, "ClaimWorkItem(all claimed)", get(s.ClaimWorkItem(ctx, "scrub", f.alice.ID, at)), claimgate.NotFound)
	diff(t, "claimed in order", ids(got), []int64{high.ID, low.ID})
	want := high
	want.ClaimedBy, want.OwnerID, want.UpdatedAt = f.bob.ID, f.bob.ID, at
	diff(t, "claimed item as returned", got[0], want)
	stored, err := s.WorkItem(ctx, high.ID)
	must(t, err)
	diff(t, "claimed item as stored", stored, want)
	var claims []claimgate.Event
	for _, e := range events(t, s, c.ID) {
		if e.Kind == claimgate.EventWorkClaimed {
			claims = append(claims, e)
		}
	}
	diff(t, "work.claimed events", claims, []claimgate.Event{
		{CaseID: c.ID, Kind: claimgate.EventWorkClaimed, ActorID: f.bob.ID, At: at},
		{CaseID: c.ID, Kind: claimgate.EventWorkClaimed, ActorID: f.bob.ID, At: at},
	}, ignoreEvent)
}

// ClaimRace fills one queue and has 8 workers per store claim from it at
// once until it is empty; every item must be claimed exactly once, with one
// work.claimed event each. Pass two stores over one database (two connection
// pools, two "server instances") to test claims across processes.
func ClaimRace(t *testing.T, stores ...claimgate.Store) {
	t.Helper()
	ctx := context.Background()
	s := stores[0]
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Posting, f.alice.ID)
	const n = 60
	want := map[int64]bool{}
	for i := range n {
		w := claimgate.WorkItem{CaseID: c.ID, Queue: "race", OwnerID: f.carol.ID, Priority: i % 3, CreatedAt: t0}
		must(t, s.CreateWorkItem(ctx, &w, 0))
		want[w.ID] = true
	}
	const perStore = 8
	var (
		mu     sync.Mutex
		got    = map[int64][]int{} // item → workers that got it
		errs   []error
		wg     sync.WaitGroup
		worker = []int64{f.alice.ID, f.bob.ID, f.carol.ID}
	)
	for si, st := range stores {
		for g := range perStore {
			wg.Add(1)
			go func(id int) {
				defer wg.Done()
				for {
					w, err := st.ClaimWorkItem(ctx, "race", worker[id%len(worker)], t0)
					if claimgate.ErrorKind(err) == claimgate.NotFound {
						return
					}
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						if claimgate.ErrorKind(err) == claimgate.Conflict {
							continue // a retryable clash; the item was not handed out
						}
						return
					}
					mu.Lock()
					got[w.ID] = append(got[w.ID], id)
					mu.Unlock()
				}
			}(si*perStore + g)
		}
	}
	wg.Wait()
	for _, err := range errs {
		if claimgate.ErrorKind(err) != claimgate.Conflict {
			t.Errorf("ClaimWorkItem: %v", err)
		}
	}
	if len(errs) > 0 {
		t.Logf("%d retryable conflicts", len(errs))
	}
	for id, by := range got {
		if !want[id] {
			t.Errorf("claimed item %d that was not in the queue", id)
		}
		if len(by) != 1 {
			t.Errorf("item %d claimed %d times, by workers %v", id, len(by), by)
		}
	}
	if len(got) != n {
		t.Errorf("%d of %d items claimed", len(got), n)
	}
	left := items(t, s, claimgate.WorkFilter{Queue: "race"})
	for _, w := range left {
		if w.ClaimedBy == 0 {
			t.Errorf("item %d left unclaimed", w.ID)
		}
	}
	var claimed int
	for _, e := range events(t, s, c.ID) {
		if e.Kind == claimgate.EventWorkClaimed {
			claimed++
		}
	}
	if claimed != n {
		t.Errorf("%d work.claimed events, want %d", claimed, n)
	}
}

var errInjected = errors.New("injected fault")

// faulter returns s's fault hook, failing the test if it has none: the
// atomicity tests are not optional.
func faulter(t *testing.T, s claimgate.Store) Faulter {
	t.Helper()
	fs, ok := s.(Faulter)
	if !ok {
		t.Fatalf("%T cannot inject faults (no SetFault method): atomicity is untested", s)
	}
	t.Cleanup(func() { fs.SetFault(nil) })
	return fs
}

// testMoveAtomic fails MoveCase at each point between its statements and
// checks that nothing of the move is left: stage, events and work items are
// as before, and the same move then succeeds.
func testMoveAtomic(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	fs := faulter(t, s)
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	m := claimgate.CaseMove{CaseID: c.ID, From: claimgate.Coding, To: claimgate.ClaimBuild, Kind: claimgate.Forward,
		Actor: f.bob.ID, Reason: "coded", At: t0.Add(time.Hour),
		Next: claimgate.WorkItem{Queue: "claim_build", OwnerID: f.alice.ID}}
	var reached []string
	for _, point := range []string{"move:stage-updated", "move:work-updated", "move:event-written"} {
		t.Run(point, func(t *testing.T) {
			before := snap(t, s, c.ID)
			hit := false
			fs.SetFault(func(p string) error {
				if p == point {
					hit = true
					return fmt.Errorf("%s: %w", p, errInjected)
				}
				return nil
			})
			_, err := s.MoveCase(ctx, m)
			fs.SetFault(nil)
			if !hit {
				t.Fatalf("MoveCase never reached %s", point)
			}
			reached = append(reached, point)
			if !errors.Is(err, errInjected) {
				t.Fatalf("MoveCase with a fault at %s: err = %v, want the injected fault", point, err)
			}
			diff(t, "state after rolled-back move", snap(t, s, c.ID), before)
		})
	}
	if len(reached) != 3 {
		t.Fatalf("fault points reached: %v", reached)
	}
	_, err := s.MoveCase(ctx, m)
	must(t, err)
	got, err := s.Case(ctx, c.ID)
	must(t, err)
	if got.Stage != claimgate.ClaimBuild || got.Version != 2 {
		t.Errorf("after the faults and a clean move: stage %s version %d, want claim_build 2", got.Stage, got.Version)
	}
}

// testCreateCaseAtomic fails CreateCase after the case row is written.
func testCreateCaseAtomic(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	fs := faulter(t, s)
	f := seed(t, s)
	fs.SetFault(func(p string) error {
		if p == "create-case:case-written" {
			return errInjected
		}
		return nil
	})
	c := claimgate.Case{PatientID: f.patient.ID, Stage: claimgate.Intake}
	err := s.CreateCase(ctx, &c, &claimgate.WorkItem{Queue: "intake", OwnerID: f.alice.ID}, f.alice.ID)
	fs.SetFault(nil)
	if !errors.Is(err, errInjected) {
		t.Fatalf("CreateCase with a fault: err = %v, want the injected fault", err)
	}
	cases, err := s.Cases(ctx, claimgate.CaseFilter{})
	must(t, err)
	if len(cases) != 0 {
		t.Errorf("rolled-back CreateCase left cases %+v", cases)
	}
	if w := items(t, s, claimgate.WorkFilter{}); len(w) != 0 {
		t.Errorf("rolled-back CreateCase left work items %+v", w)
	}
}
