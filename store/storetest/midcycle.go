package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/claimgate/claimgate"
)

// MidCycle runs the suite of claimgate.MidCycleStore: reference data
// (chargemaster, fee schedules, documentation requirements, coverage
// tables) and per case the encounter, notes, charge lines and diagnoses.
// open is as for Run.
func MidCycle(t *testing.T, open func(t *testing.T) claimgate.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s claimgate.Store)
	}{
		{"Chargemaster", testChargemaster},
		{"FeesAndCoverage", testFeesAndCoverage},
		{"DocRequirements", testDocRequirements},
		{"Encounter", testEncounter},
		{"CloseUnrendered", testCloseUnrendered},
		{"Notes", testNotes},
		{"ChargeLines", testChargeLines},
		{"Diagnoses", testDiagnoses},
		{"ChargeLineRace", testChargeLineRace},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// eventKinds returns the kinds of a case's events (0: events of no case are
// not listed by Events, so reference changes are checked by count).
func eventKinds(t *testing.T, s claimgate.Store, caseID int64) []string {
	t.Helper()
	var out []string
	for _, e := range events(t, s, caseID) {
		out = append(out, e.Kind)
	}
	return out
}

func testChargemaster(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	items := []claimgate.ChargeItem{
		{Code: "99213", Description: "Office visit, established, low complexity", Price: 14500, ServiceType: claimgate.OfficeVisit},
		{Code: "36415", Description: "Venous blood draw", Price: 2500, RevenueCode: "0300", ServiceType: claimgate.Lab},
		{Code: "A4550", Description: "Procedure tray", Price: 3000, RevenueCode: "0270", ServiceType: claimgate.Supply},
	}
	for _, it := range items {
		must(t, s.PutChargeItem(ctx, it, f.carol.ID))
	}
	// Replacing an entry changes its price.
	items[0].Price = 15000
	must(t, s.PutChargeItem(ctx, items[0], f.carol.ID))
	got, err := s.ChargeItems(ctx)
	must(t, err)
	diff(t, "ChargeItems", got, []claimgate.ChargeItem{items[1], items[0], items[2]})
	one, err := s.ChargeItem(ctx, "99213")
	must(t, err)
	diff(t, "ChargeItem(99213)", one, items[0])
	_, err = s.ChargeItem(ctx, "99999")
	wantKind(t, "ChargeItem(unknown)", err, claimgate.NotFound)
	wantKind(t, "PutChargeItem(bad service type)", s.PutChargeItem(ctx, claimgate.ChargeItem{Code: "1", ServiceType: "x"}, f.carol.ID), claimgate.Invalid)
	wantKind(t, "PutChargeItem(negative price)", s.PutChargeItem(ctx, claimgate.ChargeItem{Code: "2", Price: -1, ServiceType: claimgate.Lab}, f.carol.ID), claimgate.Invalid)
}

func testFeesAndCoverage(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	fees := []claimgate.Fee{
		{PayerID: f.payer.ID, Code: "99213", Allowed: 9200},
		{PayerID: f.payer.ID, Code: "20610", Modifier: "RT", Allowed: 6100},
		{PayerID: f.payer.ID, Code: "20610", Allowed: 6000},
	}
	for _, fee := range fees {
		must(t, s.PutFee(ctx, fee, f.carol.ID))
	}
	fees[0].Allowed = 9300
	must(t, s.PutFee(ctx, fees[0], f.carol.ID))
	got, err := s.Fees(ctx, f.payer.ID)
	must(t, err)
	diff(t, "Fees", got, []claimgate.Fee{fees[2], fees[1], fees[0]})
	wantKind(t, "PutFee(unknown payer)", s.PutFee(ctx, claimgate.Fee{PayerID: 999, Code: "99213"}, f.carol.ID), claimgate.Invalid)

	rule := claimgate.CoverageRule{PayerID: f.payer.ID, Code: "83036", Diagnoses: []string{"E11", "R7303"}, Policy: "synthetic NCD 190.21"}
	must(t, s.PutCoverageRule(ctx, rule, f.carol.ID))
	rule.Diagnoses = append(rule.Diagnoses, "E1165")
	must(t, s.PutCoverageRule(ctx, rule, f.carol.ID))
	rules, err := s.CoverageRules(ctx, f.payer.ID)
	must(t, err)
	diff(t, "CoverageRules", rules, []claimgate.CoverageRule{rule})
	if !rule.Covers("E119") || rule.Covers("I10") {
		t.Errorf("Covers: E119 should be covered by E11, I10 not")
	}
	wantKind(t, "PutCoverageRule(no diagnoses)", s.PutCoverageRule(ctx, claimgate.CoverageRule{PayerID: f.payer.ID, Code: "1"}, f.carol.ID), claimgate.Invalid)
	wantKind(t, "PutCoverageRule(unknown payer)", s.PutCoverageRule(ctx, claimgate.CoverageRule{PayerID: 999, Code: "1", Diagnoses: []string{"I10"}}, f.carol.ID), claimgate.Invalid)
	none, err := s.CoverageRules(ctx, 999)
	must(t, err)
	if len(none) != 0 {
		t.Errorf("CoverageRules(unknown payer) = %v, want none", none)
	}
}

func testDocRequirements(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	ov := []claimgate.DocRequirement{
		{ServiceType: claimgate.OfficeVisit, Label: "chief complaint", AnyOf: []claimgate.Element{claimgate.ChiefComplaint}},
		{ServiceType: claimgate.OfficeVisit, Label: "history and exam, or total time", AnyOf: []claimgate.Element{claimgate.HistoryExam, claimgate.TotalTime}},
	}
	dme := []claimgate.DocRequirement{{ServiceType: claimgate.DME, Label: "signed order", AnyOf: []claimgate.Element{claimgate.Order}}}
	must(t, s.SetDocRequirements(ctx, claimgate.OfficeVisit, ov, f.carol.ID))
	must(t, s.SetDocRequirements(ctx, claimgate.DME, dme, f.carol.ID))
	// Setting again replaces the service type's list.
	ov = append(ov, claimgate.DocRequirement{ServiceType: claimgate.OfficeVisit, Label: "medical decision making", AnyOf: []claimgate.Element{claimgate.MDM}})
	must(t, s.SetDocRequirements(ctx, claimgate.OfficeVisit, ov, f.carol.ID))
	got, err := s.DocRequirements(ctx)
	must(t, err)
	diff(t, "DocRequirements", got, append(dme, ov...))
	if !ov[1].Met([]claimgate.Element{claimgate.TotalTime}) || ov[2].Met([]claimgate.Element{claimgate.ChiefComplaint}) {
		t.Error("DocRequirement.Met is wrong")
	}
	bad := []claimgate.DocRequirement{{ServiceType: claimgate.DME, Label: "x", AnyOf: []claimgate.Element{"vibes"}}}
	wantKind(t, "SetDocRequirements(unknown element)", s.SetDocRequirements(ctx, claimgate.DME, bad, f.carol.ID), claimgate.Invalid)
	wantKind(t, "SetDocRequirements(other type)", s.SetDocRequirements(ctx, claimgate.Lab, dme, f.carol.ID), claimgate.Invalid)
	got, _ = s.DocRequirements(ctx)
	if len(got) != 4 {
		t.Errorf("refused changes changed the requirements: %d", len(got))
	}
}

func testEncounter(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Encounter, f.bob.ID)
	_, _, err := s.Encounter(ctx, c.ID)
	wantKind(t, "Encounter(none)", err, claimgate.NotFound)
	v := claimgate.Visit{CaseID: c.ID, ScheduledAt: t0, UpdatedAt: t0}
	plan := []claimgate.PlanItem{
		{Kind: claimgate.PlannedService, Code: "99213", Units: 1},
		{Kind: claimgate.PlannedOrder, Code: "36415"},
		{Kind: claimgate.PlannedSupply, Code: "A4550", Units: 2, Note: "tray"},
	}
	must(t, s.PlanEncounter(ctx, &v, plan, f.alice.ID))
	if v.Status != claimgate.Scheduled || plan[0].ID == 0 || plan[1].Units != 1 || plan[2].CaseID != c.ID {
		t.Errorf("PlanEncounter set %+v, %+v", v, plan)
	}
	wantKind(t, "PlanEncounter(again)", s.PlanEncounter(ctx, &claimgate.Visit{CaseID: c.ID}, nil, f.alice.ID), claimgate.Conflict)
	wantKind(t, "PlanEncounter(unknown case)", s.PlanEncounter(ctx, &claimgate.Visit{CaseID: 9999}, nil, f.alice.ID), claimgate.Invalid)
	c2, _ := f.newCase(t, s, claimgate.Encounter, f.bob.ID)
	wantKind(t, "PlanEncounter(bad kind)", s.PlanEncounter(ctx, &claimgate.Visit{CaseID: c2.ID}, []claimgate.PlanItem{{Kind: "x"}}, f.alice.ID), claimgate.Invalid)
	if _, _, err := s.Encounter(ctx, c2.ID); claimgate.ErrorKind(err) != claimgate.NotFound {
		t.Errorf("a refused plan stored an encounter: %v", err)
	}

	v.Status, v.CheckIn, v.UpdatedAt = claimgate.CheckedIn, t0.Add(time.Hour), t0.Add(time.Hour)
	must(t, s.UpdateEncounter(ctx, v, f.alice.ID, "patient arrived"))
	extra := claimgate.PlanItem{CaseID: c.ID, Kind: claimgate.PlannedOrder, Code: "85025"}
	must(t, s.AddPlanItem(ctx, &extra, f.bob.ID))
	got, gotPlan, err := s.Encounter(ctx, c.ID)
	must(t, err)
	v.ScheduledAt, v.CheckIn, v.UpdatedAt = v.ScheduledAt.UTC().Truncate(time.Microsecond), v.CheckIn.UTC().Truncate(time.Microsecond), v.UpdatedAt.UTC().Truncate(time.Microsecond)
	diff(t, "Encounter", got, v)
	diff(t, "plan", gotPlan, append(plan, extra))

	wantKind(t, "UpdateEncounter(no encounter)", s.UpdateEncounter(ctx, claimgate.Visit{CaseID: 9999, Status: claimgate.CheckedIn}, f.alice.ID, ""), claimgate.NotFound)
	wantKind(t, "UpdateEncounter(bad status)", s.UpdateEncounter(ctx, claimgate.Visit{CaseID: c.ID, Status: "gone"}, f.alice.ID, ""), claimgate.Invalid)
	wantKind(t, "AddPlanItem(no encounter)", s.AddPlanItem(ctx, &claimgate.PlanItem{CaseID: c2.ID, Kind: claimgate.PlannedOrder, Code: "1"}, f.bob.ID), claimgate.NotFound)

	diff(t, "events", eventKinds(t, s, c.ID), []string{claimgate.EventCaseCreated, claimgate.EventEncounterPlanned,
		claimgate.EventEncounterUpdated, claimgate.EventPlanItemAdded})
}

func testCloseUnrendered(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, w := f.newCase(t, s, claimgate.Encounter, f.bob.ID)
	v := claimgate.Visit{CaseID: c.ID, ScheduledAt: t0}
	must(t, s.PlanEncounter(ctx, &v, nil, f.alice.ID))
	v.Status, v.CancelReason = claimgate.NoShow, "did not arrive; two reminder calls"
	m := claimgate.CaseMove{CaseID: c.ID, From: claimgate.Documentation, To: claimgate.Closed, Kind: claimgate.Cancel,
		Actor: f.alice.ID, Reason: "no-show", At: t0.Add(2 * time.Hour)}
	_, err := s.CloseUnrendered(ctx, v, m)
	wantKind(t, "CloseUnrendered(stale from)", err, claimgate.Conflict)
	if got, _, _ := s.Encounter(ctx, c.ID); got.Status != claimgate.Scheduled {
		t.Errorf("refused close changed the encounter to %s", got.Status)
	}
	m.From = claimgate.Encounter
	ev, err := s.CloseUnrendered(ctx, v, m)
	must(t, err)
	if ev.From != claimgate.Encounter || ev.To != claimgate.Closed || ev.Reason != "no-show" {
		t.Errorf("event = %+v", ev)
	}
	got, err := s.Case(ctx, c.ID)
	must(t, err)
	if got.Stage != claimgate.Closed {
		t.Errorf("stage = %s, want closed", got.Stage)
	}
	if it, _ := s.WorkItem(ctx, w.ID); it.Status != claimgate.WorkDone {
		t.Errorf("stage work = %s, want done", it.Status)
	}
	gv, _, _ := s.Encounter(ctx, c.ID)
	if gv.Status != claimgate.NoShow || gv.CancelReason != v.CancelReason {
		t.Errorf("encounter = %+v", gv)
	}
	kinds := eventKinds(t, s, c.ID)
	diff(t, "events", kinds[len(kinds)-2:], []string{claimgate.EventEncounterUpdated, claimgate.EventCaseMoved})
	v.Status = claimgate.CheckedIn
	_, err = s.CloseUnrendered(ctx, v, m)
	wantKind(t, "CloseUnrendered(checked in)", err, claimgate.Invalid)
}

func testNotes(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Documentation, f.bob.ID)
	w := &claimgate.WorkItem{Stage: claimgate.Documentation, Queue: "unsigned_notes", Reason: "sign your note", OwnerID: f.bob.ID, Due: t0.Add(24 * time.Hour)}
	n := &claimgate.Note{CaseID: c.ID, ServiceType: claimgate.OfficeVisit, AuthorID: f.bob.ID,
		Elements: []claimgate.Element{claimgate.ChiefComplaint}, Text: "Cough for three days.", CreatedAt: t0}
	must(t, s.CreateNote(ctx, n, w, f.bob.ID))
	if n.ID == 0 || n.Status != claimgate.NoteDraft || n.WorkItemID != w.ID || w.CaseID != c.ID {
		t.Errorf("CreateNote set %+v, work %+v", n, w)
	}
	n.Elements = append(n.Elements, claimgate.HistoryExam, claimgate.MDM)
	n.Text += " Lungs clear."
	n.UpdatedAt = t0.Add(time.Minute)
	must(t, s.UpdateNote(ctx, *n, f.bob.ID))
	drafts, err := s.UnsignedNotes(ctx)
	must(t, err)
	if len(drafts) != 1 || drafts[0].ID != n.ID {
		t.Errorf("UnsignedNotes = %+v", drafts)
	}
	must(t, s.SignNote(ctx, n.ID, f.bob.ID, t0.Add(time.Hour)))
	got, err := s.Note(ctx, n.ID)
	must(t, err)
	want := *n
	want.Status, want.SignerID = claimgate.NoteSigned, f.bob.ID
	want.SignedAt = t0.Add(time.Hour).UTC().Truncate(time.Microsecond)
	want.CreatedAt, want.UpdatedAt = t0.UTC().Truncate(time.Microsecond), want.SignedAt
	diff(t, "signed note", got, want)
	if it, _ := s.WorkItem(ctx, w.ID); it.Status != claimgate.WorkDone {
		t.Errorf("note work = %s after signing, want done", it.Status)
	}
	wantKind(t, "SignNote(again)", s.SignNote(ctx, n.ID, f.bob.ID, t0), claimgate.Conflict)
	wantKind(t, "UpdateNote(signed)", s.UpdateNote(ctx, *n, f.bob.ID), claimgate.Conflict)
	wantKind(t, "SignNote(unknown)", s.SignNote(ctx, 9999, f.bob.ID, t0), claimgate.NotFound)
	_, err = s.Note(ctx, 9999)
	wantKind(t, "Note(unknown)", err, claimgate.NotFound)
	wantKind(t, "CreateNote(bad element)", s.CreateNote(ctx, &claimgate.Note{CaseID: c.ID, ServiceType: claimgate.Lab, AuthorID: f.bob.ID,
		Elements: []claimgate.Element{"vibes"}}, nil, f.bob.ID), claimgate.Invalid)
	// A note that fails to store opens no work.
	before := items(t, s, claimgate.WorkFilter{Queue: "unsigned_notes"})
	wantKind(t, "CreateNote(unknown author)", s.CreateNote(ctx, &claimgate.Note{CaseID: c.ID, ServiceType: claimgate.Lab, AuthorID: 9999},
		&claimgate.WorkItem{Queue: "unsigned_notes", OwnerID: f.bob.ID}, f.bob.ID), claimgate.Invalid)
	if after := items(t, s, claimgate.WorkFilter{Queue: "unsigned_notes"}); len(after) != len(before) {
		t.Errorf("a refused note opened work: %d items, want %d", len(after), len(before))
	}
	notes, err := s.Notes(ctx, c.ID)
	must(t, err)
	diff(t, "Notes", notes, []claimgate.Note{want})
	if drafts, _ := s.UnsignedNotes(ctx); len(drafts) != 0 {
		t.Errorf("UnsignedNotes after signing = %d", len(drafts))
	}
	diff(t, "events", eventKinds(t, s, c.ID), []string{claimgate.EventCaseCreated, claimgate.EventNoteWritten,
		claimgate.EventNoteWritten, claimgate.EventNoteSigned})
}

func testChargeLines(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	entered := time.Date(2026, 3, 7, 23, 30, 0, 0, time.UTC) // 5 days after the 2026-03-02 date of service
	l1 := &claimgate.ChargeLine{CaseID: c.ID, Code: "99213", Modifiers: []string{"25"}, Units: 1, DxPointers: []int{1, 2},
		Amount: 14500, ServiceDate: c.ServiceDate, EnteredBy: f.bob.ID, EnteredAt: entered}
	l2 := &claimgate.ChargeLine{CaseID: c.ID, Code: "J1100", Units: 4, DxPointers: []int{1}, Amount: 800,
		ServiceDate: c.ServiceDate, EnteredBy: f.bob.ID, EnteredAt: c.ServiceDate.Time()}
	must(t, s.AddChargeLine(ctx, l1, f.bob.ID))
	must(t, s.AddChargeLine(ctx, l2, f.bob.ID))
	if l1.Line != 1 || l2.Line != 2 || l1.LagDays != 5 || l2.LagDays != 0 {
		t.Errorf("lines %d, %d, lags %d, %d; want 1, 2 and 5, 0", l1.Line, l2.Line, l1.LagDays, l2.LagDays)
	}
	must(t, s.VoidChargeLine(ctx, l2.ID, f.bob.ID, "entered twice", t0))
	wantKind(t, "VoidChargeLine(again)", s.VoidChargeLine(ctx, l2.ID, f.bob.ID, "x", t0), claimgate.Conflict)
	wantKind(t, "VoidChargeLine(unknown)", s.VoidChargeLine(ctx, 9999, f.bob.ID, "x", t0), claimgate.NotFound)
	l3 := &claimgate.ChargeLine{CaseID: c.ID, Code: "J1100", Units: 2, DxPointers: []int{1}, Amount: 400,
		ServiceDate: c.ServiceDate, EnteredBy: f.bob.ID, EnteredAt: entered}
	must(t, s.AddChargeLine(ctx, l3, f.bob.ID))
	if l3.Line != 3 {
		t.Errorf("line after a voided one = %d, want 3 (numbers are not reused)", l3.Line)
	}
	got, err := s.ChargeLines(ctx, c.ID)
	must(t, err)
	w2 := *l2
	w2.VoidedAt, w2.VoidReason = t0.UTC().Truncate(time.Microsecond), "entered twice"
	diff(t, "ChargeLines", got, []claimgate.ChargeLine{*l1, w2, *l3}, cmpopts.EquateEmpty())
	if got[0].Active() == false || got[1].Active() {
		t.Error("Active is wrong")
	}
	wantKind(t, "AddChargeLine(no units)", s.AddChargeLine(ctx, &claimgate.ChargeLine{CaseID: c.ID, Code: "99213", EnteredBy: f.bob.ID}, f.bob.ID), claimgate.Invalid)
	wantKind(t, "AddChargeLine(unknown case)", s.AddChargeLine(ctx, &claimgate.ChargeLine{CaseID: 9999, Code: "99213", Units: 1, EnteredBy: f.bob.ID}, f.bob.ID), claimgate.Invalid)
	kinds := eventKinds(t, s, c.ID)
	diff(t, "events", kinds, []string{claimgate.EventCaseCreated, claimgate.EventChargeAdded, claimgate.EventChargeAdded,
		claimgate.EventChargeVoided, claimgate.EventChargeAdded})
}

func testDiagnoses(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	must(t, s.SetDiagnoses(ctx, c.ID, []string{"E119", "I10"}, f.bob.ID, t0))
	must(t, s.SetDiagnoses(ctx, c.ID, []string{"I10", "E119", "E785"}, f.bob.ID, t0))
	got, err := s.Diagnoses(ctx, c.ID)
	must(t, err)
	diff(t, "Diagnoses", got, []claimgate.Diagnosis{{CaseID: c.ID, Rank: 1, Code: "I10"}, {CaseID: c.ID, Rank: 2, Code: "E119"}, {CaseID: c.ID, Rank: 3, Code: "E785"}})
	wantKind(t, "SetDiagnoses(repeat)", s.SetDiagnoses(ctx, c.ID, []string{"I10", "I10"}, f.bob.ID, t0), claimgate.Invalid)
	wantKind(t, "SetDiagnoses(unknown case)", s.SetDiagnoses(ctx, 9999, []string{"I10"}, f.bob.ID, t0), claimgate.Invalid)
	if got, _ := s.Diagnoses(ctx, c.ID); len(got) != 3 {
		t.Errorf("refused change left %d diagnoses", len(got))
	}
	must(t, s.SetDiagnoses(ctx, c.ID, nil, f.bob.ID, t0))
	if got, _ := s.Diagnoses(ctx, c.ID); len(got) != 0 {
		t.Errorf("cleared diagnoses = %v", got)
	}
}

// testChargeLineRace has several workers enter lines on one case at once:
// each gets its own line number, and none fails.
func testChargeLineRace(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	c, _ := f.newCase(t, s, claimgate.Coding, f.bob.ID)
	const n = 8
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := &claimgate.ChargeLine{CaseID: c.ID, Code: "36415", Units: 1, DxPointers: []int{1}, ServiceDate: c.ServiceDate, EnteredBy: f.bob.ID, EnteredAt: t0}
			errs <- s.AddChargeLine(ctx, l, f.bob.ID)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent AddChargeLine: %v", err)
		}
	}
	lines, err := s.ChargeLines(ctx, c.ID)
	must(t, err)
	for i, l := range lines {
		if l.Line != i+1 {
			t.Errorf("lines = %d at position %d, want 1..%d in order", l.Line, i, n)
		}
	}
	if len(lines) != n {
		t.Errorf("%d lines stored, want %d", len(lines), n)
	}
}
