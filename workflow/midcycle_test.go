package workflow_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/internal/seed"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/workflow"
)

// newMidFixture seeds a practice big enough to reach the mid-cycle: cases
// at encounter, documentation and coding with the demo's planted defects.
func newMidFixture(t *testing.T, patients int) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "wf.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{st: st, now: time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)}
	f.wf = &workflow.Service{Store: st, Now: func() time.Time { return f.now }}
	f.p, err = seed.Seed(ctx, st, f.wf, seed.Options{Patients: patients, Seed: 3, AdminPassword: "test-password", Now: f.now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSeededDefectsAreCaught runs the demo's mid-cycle: each planted defect
// stops the line at Coding-Ready, a clean case passes, a no-show closed
// without a claim, and the late charge is in the charge_lag queue.
func TestSeededDefectsAreCaught(t *testing.T) {
	f := newMidFixture(t, 20)
	ctx := context.Background()
	caught := map[string]string{}
	clean := 0
	var closed []claimgate.Case
	for _, c := range f.p.Cases {
		if c.Stage == claimgate.Closed {
			closed = append(closed, c)
		}
		if c.Stage != claimgate.Coding {
			continue
		}
		fa, err := f.wf.Facts(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		rep := workflow.Evaluate(workflow.CodingReady, fa)
		if rep.Passed() {
			clean++
			if _, err := f.wf.Move(ctx, f.user("coder"), c.ID, claimgate.Coding, claimgate.ClaimBuild, ""); err != nil {
				t.Errorf("clean case %d: Move to claim_build = %v", c.ID, err)
			}
			continue
		}
		for _, it := range rep.Blocking() {
			caught[it.ID] += it.Result.Why + " | "
		}
		if _, err := f.wf.Move(ctx, f.user("coder"), c.ID, claimgate.Coding, claimgate.ClaimBuild, ""); claimgate.ErrorKind(err) != claimgate.Conflict {
			t.Errorf("case %d with defects: Move = %v, want the gate to stop the line", c.ID, err)
		}
	}
	if clean != 1 {
		t.Errorf("%d clean coded case(s), want 1", clean)
	}
	for item, want := range map[string]string{
		"documentation_signed": "is unsigned",
		"charge_capture":       "missing charge for planned supply HCPCS A4550",
		"coding_supported":     "is a category header, not billable",
		"medical_necessity":    "the line points to I10",
	} {
		if !strings.Contains(caught[item], want) {
			t.Errorf("planted defect not caught by %s: got %q, want %q", item, caught[item], want)
		}
	}
	if !strings.Contains(caught["coding_supported"], "points to diagnosis 3, which does not exist") {
		t.Errorf("dangling pointer not caught: %q", caught["coding_supported"])
	}
	if len(closed) != 1 {
		t.Fatalf("%d closed case(s), want the one no-show", len(closed))
	}
	ev, _ := f.st.Events(ctx, closed[0].ID)
	last := ev[len(ev)-1]
	if last.From != claimgate.Encounter || last.To != claimgate.Closed || !strings.Contains(last.Reason, "no-show") || !strings.Contains(last.Data, `"move":"cancelled"`) {
		t.Errorf("no-show close event = %+v", last)
	}
	lag, err := f.st.WorkItems(ctx, claimgate.WorkFilter{Queue: workflow.ChargeLagQueue, Status: claimgate.WorkOpen})
	if err != nil || len(lag) == 0 {
		t.Fatalf("charge_lag queue = %v, %v; want the late charge", lag, err)
	}
	if !strings.Contains(lag[0].Reason, "entered 6 days after the date of service (threshold 3)") {
		t.Errorf("charge_lag item = %q", lag[0].Reason)
	}
	notes, _ := f.st.WorkItems(ctx, claimgate.WorkFilter{Queue: workflow.UnsignedNotesQueue, Status: claimgate.WorkOpen, OwnerID: f.p.Users["clinician"].ID})
	if len(notes) < 2 {
		t.Errorf("clinician's unsigned-note queue = %d items, want the drafts", len(notes))
	}
}

func (f *fixture) midCase(t *testing.T, s claimgate.Stage) claimgate.Case {
	t.Helper()
	for _, c := range f.p.Cases {
		if c.Stage == s {
			return c
		}
	}
	t.Fatalf("no seeded case at %s", s)
	return claimgate.Case{}
}

// TestMidCycleThroughTheGate carries a checked-in encounter to claim build:
// documentation, coding and charges entered through the service, with the
// gate naming what is missing until nothing is.
func TestMidCycleThroughTheGate(t *testing.T) {
	f := newMidFixture(t, 10)
	ctx := context.Background()
	c := f.midCase(t, claimgate.Encounter) // the diabetic visit: 99213, 83036, 36415 planned
	fd, clin, coder := f.user("frontdesk"), f.user("clinician"), f.user("coder")
	if err := f.wf.CheckOut(ctx, fd, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.wf.CheckOut(ctx, fd, c.ID); claimgate.ErrorKind(err) != claimgate.Conflict {
		t.Errorf("second check-out = %v, want Conflict", err)
	}
	for _, to := range []claimgate.Stage{claimgate.Documentation, claimgate.Coding} {
		if _, err := f.wf.Move(ctx, f.user("admin"), c.ID, c.Stage, to, ""); err != nil {
			t.Fatal(err)
		}
		c.Stage = to
	}
	n, err := f.wf.WriteNote(ctx, clin, c.ID, workflow.NoteInput{ServiceType: claimgate.OfficeVisit,
		Elements: []claimgate.Element{claimgate.ChiefComplaint, claimgate.MDM}, Text: "Diabetes follow-up."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.SetDiagnoses(ctx, coder, c.ID, []string{"e11.9", "I10"}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []workflow.ChargeInput{{Code: "99213", Units: 1, DxPointers: []int{1, 2}}, {Code: "83036", Units: 1, DxPointers: []int{1}}} {
		if _, err := f.wf.AddCharge(ctx, coder, c.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	_, err = f.wf.Move(ctx, coder, c.ID, claimgate.Coding, claimgate.ClaimBuild, "")
	details := strings.Join(claimgate.ErrorDetails(err), "\n")
	for _, want := range []string{
		"documentation_signed (fail): note " + itoa(n.ID) + " (office visit) is unsigned",
		"required_elements (fail): note " + itoa(n.ID) + " (office visit) lacks history and exam, or total time",
		"charge_capture (fail): missing charge for ordered CPT 36415",
	} {
		if !strings.Contains(details, want) {
			t.Errorf("gate block = %s\nwant %q", details, want)
		}
	}
	if n, err = f.wf.UpdateNote(ctx, clin, n.ID, workflow.NoteInput{ServiceType: claimgate.OfficeVisit,
		Elements: []claimgate.Element{claimgate.ChiefComplaint, claimgate.TotalTime, claimgate.MDM, claimgate.Order}, Text: "Diabetes follow-up; 25 minutes."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.SignNote(ctx, clin, n.ID); err != nil {
		t.Fatal(err)
	}
	l, err := f.wf.AddCharge(ctx, coder, c.ID, workflow.ChargeInput{Code: "36415", Units: 1, DxPointers: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	if l.Amount != 2500 || l.Line != 3 || l.LagDays != claimgate.LagDays(c.ServiceDate, f.now) {
		t.Errorf("line = %+v: want the chargemaster price, line 3 and the lag", l)
	}
	if _, err := f.wf.Move(ctx, coder, c.ID, claimgate.Coding, claimgate.ClaimBuild, ""); err != nil {
		t.Fatalf("Move after the fixes = %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestMidCycleRefusals(t *testing.T) {
	f := newMidFixture(t, 10)
	ctx := context.Background()
	enc, doc, front := f.midCase(t, claimgate.Encounter), f.midCase(t, claimgate.Documentation), f.midCase(t, claimgate.Intake)
	notes, _ := f.st.Notes(ctx, doc.ID)
	if len(notes) == 0 {
		t.Fatal("seeded documentation case has no note")
	}
	other := claimgate.User{Username: "drother", Name: "Dr Other", Roles: []claimgate.Role{claimgate.Clinician}, Active: true}
	if err := f.st.CreateUser(ctx, &other); err != nil {
		t.Fatal(err)
	}
	good := workflow.ChargeInput{Code: "99213", Units: 1, DxPointers: []int{1}}
	note := workflow.NoteInput{ServiceType: claimgate.OfficeVisit, Elements: []claimgate.Element{claimgate.ChiefComplaint}}
	tests := []struct {
		name   string
		do     func() error
		kind   claimgate.Kind
		msgHas string
	}{
		{"front desk may not enter charges", func() error { _, err := f.wf.AddCharge(ctx, f.user("frontdesk"), enc.ID, good); return err },
			claimgate.Forbidden, "entering charges needs the coder, clinician or manager role"},
		{"coder may not write notes", func() error { _, err := f.wf.WriteNote(ctx, f.user("coder"), enc.ID, note); return err },
			claimgate.Forbidden, "writing a note needs the clinician"},
		{"another clinician may not sign", func() error { _, err := f.wf.SignNote(ctx, &other, notes[0].ID); return err },
			claimgate.Forbidden, "only the note's author signs it"},
		{"another clinician may not edit", func() error { _, err := f.wf.UpdateNote(ctx, &other, notes[0].ID, note); return err },
			claimgate.Forbidden, "only the note's author may change it"},
		{"coder may not check in", func() error { return f.wf.CheckIn(ctx, f.user("coder"), enc.ID) },
			claimgate.Forbidden, "needs the front_desk or manager role"},
		{"biller may not code diagnoses", func() error { _, err := f.wf.SetDiagnoses(ctx, f.user("biller"), enc.ID, []string{"I10"}); return err },
			claimgate.Forbidden, "coding diagnoses needs"},
		{"clinician may not record a no-show", func() error {
			_, err := f.wf.CloseUnrendered(ctx, f.user("clinician"), enc.ID, claimgate.NoShow, "x")
			return err
		}, claimgate.Forbidden, "needs the front_desk or manager role"},
		{"code not in the chargemaster", func() error {
			_, err := f.wf.AddCharge(ctx, f.user("coder"), enc.ID, workflow.ChargeInput{Code: "99215", Units: 1})
			return err
		}, claimgate.Invalid, "99215 is not in the chargemaster"},
		{"bad code and no units", func() error {
			_, err := f.wf.AddCharge(ctx, f.user("coder"), enc.ID, workflow.ChargeInput{Code: "9921", Modifiers: []string{"XYZ"}})
			return err
		}, claimgate.Invalid, `code: "9921" is not a CPT`},
		{"charges only in the mid-cycle", func() error { _, err := f.wf.AddCharge(ctx, f.user("coder"), front.ID, good); return err },
			claimgate.Conflict, "charge capture happens in the mid-cycle"},
		{"diagnosis of the wrong shape", func() error {
			_, err := f.wf.SetDiagnoses(ctx, f.user("coder"), enc.ID, []string{"I10", "99213"})
			return err
		},
			claimgate.Invalid, `diagnoses[1]: "99213" is not an ICD-10-CM code`},
		{"unknown service type", func() error {
			_, err := f.wf.WriteNote(ctx, f.user("clinician"), enc.ID, workflow.NoteInput{ServiceType: "spa"})
			return err
		}, claimgate.Invalid, `service_type: unknown "spa"`},
		{"the cancelled move is not a plain move", func() error {
			_, err := f.wf.Move(ctx, f.user("admin"), enc.ID, claimgate.Encounter, claimgate.Closed, "no-show")
			return err
		}, claimgate.Invalid, "only when its no-show or cancellation is recorded"},
		{"no-show needs a reason", func() error {
			_, err := f.wf.CloseUnrendered(ctx, f.user("frontdesk"), enc.ID, claimgate.NoShow, " ")
			return err
		}, claimgate.Invalid, "reason: say why"},
		{"no-show closes only at encounter", func() error {
			_, err := f.wf.CloseUnrendered(ctx, f.user("frontdesk"), doc.ID, claimgate.Cancelled, "patient called")
			return err
		}, claimgate.Conflict, "closes a case at encounter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if claimgate.ErrorKind(err) != tt.kind || err == nil || !strings.Contains(err.Error(), tt.msgHas) {
				t.Errorf("err = %v (kind %v), want %v containing %q", err, claimgate.ErrorKind(err), tt.kind, tt.msgHas)
			}
		})
	}
	// A rendered service refuses the no-show close; voiding it allows it.
	l, err := f.wf.AddCharge(ctx, f.user("coder"), enc.ID, good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.wf.CloseUnrendered(ctx, f.user("frontdesk"), enc.ID, claimgate.NoShow, "left"); claimgate.ErrorKind(err) != claimgate.Conflict ||
		!strings.Contains(err.Error(), "1 charge line(s) say a service was rendered") {
		t.Errorf("no-show with a charge = %v, want Conflict", err)
	}
	if err := f.wf.VoidCharge(ctx, f.user("coder"), enc.ID, l.ID, "entered on the wrong case"); err != nil {
		t.Fatal(err)
	}
	ev, err := f.wf.CloseUnrendered(ctx, f.user("frontdesk"), enc.ID, claimgate.Cancelled, "patient called: feeling better")
	if err != nil || ev.To != claimgate.Closed {
		t.Fatalf("CloseUnrendered = %+v, %v", ev, err)
	}
	work, _ := f.st.WorkItems(ctx, claimgate.WorkFilter{CaseID: enc.ID, Status: claimgate.WorkOpen})
	for _, w := range work {
		if w.ExceptionID == 0 {
			t.Errorf("closed case keeps open work %+v", w)
		}
	}
}

func TestChargeLag(t *testing.T) {
	f := newMidFixture(t, 10)
	ctx := context.Background()
	c := f.midCase(t, claimgate.Encounter)
	coder := f.user("coder")
	f.wf.ChargeLagDays = 2
	f.now = c.ServiceDate.Time().Add(2*24*time.Hour + 20*time.Hour) // 2 days: at the threshold, not late
	if _, err := f.wf.AddCharge(ctx, coder, c.ID, workflow.ChargeInput{Code: "99213", Units: 1, DxPointers: []int{1}}); err != nil {
		t.Fatal(err)
	}
	open := func() []claimgate.WorkItem {
		w, err := f.st.WorkItems(ctx, claimgate.WorkFilter{CaseID: c.ID, Queue: workflow.ChargeLagQueue, Status: claimgate.WorkOpen})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	if w := open(); len(w) != 0 {
		t.Fatalf("charge at the threshold opened %v", w)
	}
	f.now = f.now.Add(24 * time.Hour)
	for range 2 {
		if _, err := f.wf.AddCharge(ctx, coder, c.ID, workflow.ChargeInput{Code: "36415", Units: 1, DxPointers: []int{1}}); err != nil {
			t.Fatal(err)
		}
	}
	w := open()
	if len(w) != 1 || w[0].OwnerID != f.p.Users["coder"].ID || !strings.Contains(w[0].Reason, "line 2 (36415) entered 3 days after the date of service (threshold 2)") {
		t.Errorf("charge_lag items = %+v, want one, the coder's, for line 2", w)
	}
	rows, threshold, err := f.wf.ChargeLag(ctx)
	if err != nil || threshold != 2 {
		t.Fatal(err, threshold)
	}
	var found bool
	for _, r := range rows {
		if r.Case.ID == c.ID {
			found = true
			if !r.Late || r.MaxLag != 3 || r.Lines != 3 || !r.OpenLagJob {
				t.Errorf("lag row = %+v", r)
			}
		}
	}
	if !found {
		t.Errorf("case %d not on the charge-lag list", c.ID)
	}
	missing, err := f.wf.MissingCharges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, m := range missing {
		if m.Case.ID == c.ID {
			codes = append(codes, m.Item.Code)
		}
	}
	if strings.Join(codes, ",") != "83036" { // planned 99213, 83036, 36415; 83036 not charged
		t.Errorf("missing charges of case %d = %v, want [83036]", c.ID, codes)
	}
}
