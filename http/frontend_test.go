package http

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/testpayer"
	"github.com/claimgate/claimgate/workflow"
)

// frontFixture is the fixture with the built-in test payer as the real-time
// clearinghouse, the fixture's patient on its roster, a payer rule that
// wants authorization for 97110, and the case's encounter planned (an
// office visit and two units of 97110).
func frontFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	tp, err := testpayer.New(testpayer.DefaultConfig(), testpayer.Options{Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := tp.Enroll("ACME1", testpayer.Member{ID: "AC1234567", Last: "TESTWOOD", First: "JORDAN", BirthDate: claimgate.Date{Year: 1980, Month: 4, Day: 2},
		Plan: "ACME PPO GOLD", CoverageFrom: claimgate.Date{Year: 2026, Month: 1, Day: 1}, Deductible: 50000, DeductibleRemaining: 10000,
		Copay: 2500, Coinsurance: 20, OOPMax: 300000, OOPRemaining: 250000}); err != nil {
		t.Fatal(err)
	}
	f.wf.RealTime = tp.RealTime()
	c, err := f.store.Case(ctx, f.caseID)
	if err != nil {
		t.Fatal(err)
	}
	mgr, fd := f.users["mgr"], f.users["fd"]
	py, err := f.store.Payers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutAuthRule(ctx, claimgate.AuthRule{PayerID: py[0].ID, CodeFrom: "97110", Requirement: claimgate.AuthRequired}, mgr.ID); err != nil {
		t.Fatal(err)
	}
	for _, it := range []claimgate.ChargeItem{{Code: "99213", Price: 14500, ServiceType: claimgate.OfficeVisit}, {Code: "97110", Price: 6000, ServiceType: claimgate.Procedure}} {
		if err := f.store.PutChargeItem(ctx, it, mgr.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.wf.PlanEncounter(ctx, &fd, c.ID, workflow.PlanInput{ScheduledAt: c.ServiceDate.Time().Add(10 * time.Hour),
		Items: []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "99213"}, {Kind: claimgate.PlannedService, Code: "97110", Units: 2}}}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFrontEndAPI(t *testing.T) {
	f := frontFixture(t)
	fd, auth, clin := f.login("fd"), f.login("auth"), f.login("clin")
	base := fmt.Sprintf("/api/cases/%d", f.caseID)
	var fe frontEndJSON
	get := func() {
		t.Helper()
		res := fd.get(base + "/frontend")
		if res.status != http.StatusOK {
			t.Fatalf("GET frontend: %d %s", res.status, res.body)
		}
		fe = frontEndJSON{}
		res.decode(t, &fe)
	}
	get()
	if fe.Eligibility.Result.Status != workflow.Fail || !strings.Contains(fe.Eligibility.Result.Why, "never checked") || fe.Eligibility.WindowDays != 5 {
		t.Errorf("eligibility before a check = %+v", fe.Eligibility)
	}
	if len(fe.AuthNeeds) != 1 || fe.AuthNeeds[0].Code != "97110" || fe.AuthNeeds[0].Units != 2 || fe.AuthNeeds[0].OK {
		t.Errorf("authorization needs = %+v, want 97110 × 2 missing", fe.AuthNeeds)
	}

	// Refusals name what is wrong and change nothing.
	refusals := []struct {
		name   string
		c      *client
		path   string
		body   any
		status int
		detail string
	}{
		{"manual without reference", fd, base + "/eligibility/manual", map[string]any{"method": "fax", "active": true}, 422, "verification not recorded"},
		{"estimate before eligibility", fd, base + "/estimates", map[string]any{"method": "phone"}, 422, "no estimate without verified eligibility"},
		{"eligibility by a clinician", clin, base + "/eligibility/check", nil, 403, "front_desk"},
		{"authorization by a clinician", clin, base + "/authorizations", map[string]any{"code": "97110", "status": "approved"}, 403, "auth_coordinator"},
		{"unplanned code", auth, base + "/authorizations/request", map[string]any{"code": "70551"}, 422, "not a planned service"},
		{"unknown field", fd, base + "/estimates", map[string]any{"method": "phone", "total_cents": 0}, 400, `unknown field "total_cents"`},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, ev, _ := f.caseState(f.caseID)
			res := tt.c.do("POST", tt.path, tt.body)
			if res.status != tt.status {
				t.Fatalf("status = %d, want %d: %s", res.status, tt.status, res.body)
			}
			if p := res.problem(t); !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail = %q, want %q", p.Detail, tt.detail)
			}
			if _, ev2, _ := f.caseState(f.caseID); ev2 != ev {
				t.Errorf("refused request wrote %d event(s)", ev2-ev)
			}
		})
	}
	if res := fd.get("/api/frontdesk?date=12/01/2026"); res.status != 422 {
		t.Errorf("frontdesk with a bad date: %d", res.status)
	}

	if res := clin.do("POST", "/api/frontdesk/check?date=2026-12-01", nil); res.status != http.StatusForbidden {
		t.Errorf("day check by a clinician: %d", res.status)
	}
	var dayChecks []eligCheckJSON
	fd.do("POST", "/api/frontdesk/check?date=2026-12-01", nil).decode(t, &dayChecks)
	if len(dayChecks) != 1 || dayChecks[0].Status != claimgate.EligActive {
		t.Errorf("day check = %+v, want the one appointment verified", dayChecks)
	}
	fd.do("POST", "/api/frontdesk/check?date=2026-12-01", nil).decode(t, &dayChecks)
	if len(dayChecks) != 0 {
		t.Errorf("second day check = %+v, want nothing left to check", dayChecks)
	}
	res := fd.do("POST", base+"/eligibility/check", nil)
	var chk eligCheckJSON
	if res.status != http.StatusCreated {
		t.Fatalf("check: %d %s", res.status, res.body)
	}
	res.decode(t, &chk)
	if chk.Status != claimgate.EligActive || chk.Plan != "ACME PPO GOLD" || chk.CopayCents != 2500 || chk.DeductibleRemainingCents != 10000 ||
		chk.CoinsurancePercent != "20" || chk.OOPRemainingCents == nil || *chk.OOPRemainingCents != 250000 {
		t.Errorf("check = %+v", chk)
	}
	res = auth.do("POST", base+"/authorizations/request", map[string]any{"code": "97110"})
	var a authRecordJSON
	if res.status != http.StatusCreated {
		t.Fatalf("request authorization: %d %s", res.status, res.body)
	}
	res.decode(t, &a)
	if a.Status != claimgate.AuthApproved || a.Number == "" || a.OwnerID != f.users["auth"].ID {
		t.Errorf("authorization = %+v, want approved, owned by the coordinator", a)
	}
	res = fd.do("POST", base+"/estimates", map[string]any{"method": "phone", "deposit_cents": 2000, "note": "patient agreed"})
	var e estimateJSON
	if res.status != http.StatusCreated {
		t.Fatalf("estimate: %d %s", res.status, res.body)
	}
	res.decode(t, &e)
	// ACME's fees are not loaded here: the chargemaster prices, 145.00 +
	// 2 × 60.00 = 265.00; copay 25.00, deductible 100.00, 20% of 140.00.
	if e.AllowedCents != 26500 || e.CopayCents != 2500 || e.DeductibleCents != 10000 || e.CoinsuranceCents != 2800 || e.TotalCents != 15300 || e.DepositCents != 2000 {
		t.Errorf("estimate = %+v", e)
	}
	get()
	for _, it := range fe.ReadyToBill.Items {
		if it.Status != workflow.Pass {
			t.Errorf("ready_to_bill/%s = %s (%s), want pass from data", it.ID, it.Status, it.Why)
		}
	}
	var day []scheduleRowJSON
	res = fd.get("/api/frontdesk?date=2026-12-01")
	res.decode(t, &day)
	if len(day) != 1 || day[0].CaseID != f.caseID || !day[0].ReadyToBill || day[0].Eligibility.Status != workflow.Pass || day[0].ScheduledAt == nil {
		t.Errorf("front desk day = %+v", day)
	}
	if res := fd.do("POST", "/api/authorizations/sweep", nil); res.status != http.StatusForbidden {
		t.Errorf("sweep by the front desk: %d, want 403", res.status)
	}
	var swept []workJSON
	auth.do("POST", "/api/authorizations/sweep", nil).decode(t, &swept)
	if len(swept) != 0 {
		t.Errorf("sweep after the approval opened %+v, want nothing", swept)
	}
	var aq []authRowJSON
	auth.get("/api/authorizations").decode(t, &aq)
	if len(aq) != 1 || aq[0].Code != "97110" || aq[0].State != "approved" || aq[0].OwnerID != f.users["auth"].ID {
		t.Errorf("authorization queue = %+v, want 97110 approved, owned by the coordinator", aq)
	}
	if page := auth.get("/authorizations"); !strings.Contains(page.body, fmt.Sprintf(`data-testid="state-%d-97110">approved`, f.caseID)) {
		t.Errorf("authorizations page lacks the approved 97110:\n%s", page.body)
	}
	// The case crosses; the day's skipping report counts it as clean.
	if res := f.login("mgr").do("POST", base+"/moves", map[string]any{"from": "financial_clearance", "to": "encounter"}); res.status != http.StatusCreated && res.status != http.StatusOK {
		t.Fatalf("move: %d %s", res.status, res.body)
	}
	var skips []skipRowJSON
	fd.get("/api/frontend/skips").decode(t, &skips)
	if len(skips) != 1 || skips[0].Crossed != 1 || skips[0].ByException != 0 || skips[0].EligMissing != 0 || skips[0].UserID != f.users["mgr"].ID {
		t.Errorf("skips = %+v, want one clean crossing by mgr", skips)
	}
	if res := fd.get("/api/frontend/skips?from=2026-12-01&to=2026-11-01"); res.status != 422 {
		t.Errorf("backward range: %d", res.status)
	}
	if !f.hasAudit(f.users["fd"].ID, "read", fmt.Sprintf("case/%d/frontend", f.caseID)) || !f.hasAudit(f.users["fd"].ID, "read", "frontdesk/2026-12-01") {
		t.Error("front-end reads are not audited")
	}
}

func TestFrontEndForms(t *testing.T) {
	f := frontFixture(t)
	fd := f.login("fd")
	casePath := fmt.Sprintf("/cases/%d", f.caseID)
	page := fd.get(casePath)
	for _, want := range []string{`id="frontend"`, `data-testid="check-eligibility"`, `data-testid="manual-elig-form"`, `data-testid="request-auth-97110"`, "Never checked."} {
		if !strings.Contains(page.body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	res := fd.form(casePath+"/eligibility/manual", map[string][]string{"method": {"phone"}, "reference": {""}})
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "reference: the call or portal reference number is required") {
		t.Errorf("manual form without reference: %d, body lacks the named field", res.status)
	}
	res = fd.form(casePath+"/eligibility/check", map[string][]string{"next": {"/frontdesk?date=2026-12-01"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/frontdesk?date=2026-12-01&done=saved" {
		t.Errorf("check from the front desk: %d to %q", res.status, res.header.Get("Location"))
	}
	day := fd.get("/frontdesk?date=2026-12-01")
	if !strings.Contains(day.body, fmt.Sprintf(`id="appt-%d"`, f.caseID)) || !strings.Contains(day.body, "active on 2026-12-01") || !strings.Contains(day.body, "1 appointment, 0 ready to bill") {
		t.Errorf("front desk page after the check lacks the appointment's status:\n%s", day.body)
	}
}

func TestDuplicatesAPI(t *testing.T) {
	f := frontFixture(t)
	ctx := context.Background()
	c, err := f.store.Case(ctx, f.caseID)
	if err != nil {
		t.Fatal(err)
	}
	twin := claimgate.Patient{MRN: "MRN000999", First: "JORDAN", Last: "testwood", BirthDate: claimgate.Date{Year: 1980, Month: 4, Day: 2}, Sex: claimgate.Female}
	if err := f.store.CreatePatient(ctx, &twin); err != nil {
		t.Fatal(err)
	}
	fd := f.login("fd")
	if page := fd.get(fmt.Sprintf("/cases/%d", f.caseID)); !strings.Contains(page.body, fmt.Sprintf(`data-testid="dup-%d"`, twin.ID)) {
		t.Error("case page does not offer the duplicate decision")
	}
	path := fmt.Sprintf("/api/patients/%d/duplicates", c.PatientID)
	var d duplicatesJSON
	fd.get(path).decode(t, &d)
	if len(d.Candidates) != 1 || d.Candidates[0].PatientID != twin.ID || d.Candidates[0].Decided || d.Candidates[0].Why != "same name and birth date" {
		t.Errorf("duplicates = %+v", d)
	}
	if res := fd.do("POST", path, map[string]any{"other_id": twin.ID, "decision": "perhaps", "reason": ""}); res.status != 422 || len(res.problem(t).Errors) != 2 {
		t.Errorf("bad decision: %d %s", res.status, res.body)
	}
	res := fd.do("POST", path, map[string]any{"other_id": twin.ID, "decision": "keep", "reason": "different SSN and address on the cards"})
	if res.status != http.StatusCreated {
		t.Fatalf("decide: %d %s", res.status, res.body)
	}
	d = duplicatesJSON{}
	fd.get(path).decode(t, &d)
	if len(d.Candidates) != 1 || !d.Candidates[0].Decided || len(d.Decisions) != 1 || d.Decisions[0].Decision != "keep" || d.Decisions[0].DecidedBy != f.users["fd"].ID {
		t.Errorf("after the decision: %+v", d)
	}
	if res := fd.do("POST", path, map[string]any{"other_id": twin.ID, "decision": "merge", "reason": "changed my mind"}); res.status != http.StatusConflict {
		t.Errorf("second decision on the pair: %d, want 409", res.status)
	}
	if res := fd.get("/api/patients/999999/duplicates"); res.status != http.StatusNotFound {
		t.Errorf("unknown patient: %d", res.status)
	}
}
