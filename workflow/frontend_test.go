package workflow_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/store/postgres"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/testpayer"
	"github.com/claimgate/claimgate/workflow"
)

// front is a small practice enrolled with the built-in test payer (its
// ACME1 roster), on a real SQLite store, with a clock the test moves.
type front struct {
	st                claimgate.Store
	wf                *workflow.Service
	tp                *testpayer.Payer
	now               time.Time
	desk, coord, mgr  claimgate.User
	org               claimgate.Organization
	loc               claimgate.Location
	prov              claimgate.Provider
	payer             claimgate.Payer
	dos               claimgate.Date
	realTime          clearinghouse.RealTime
	interceptResponse func([]byte) []byte
}

// testDB is a real database the front-end tests run on.
type testDB struct {
	name string
	open func(t *testing.T) claimgate.Store
}

// testDBs returns SQLite, and PostgreSQL (a fresh schema per test) when
// CLAIMGATE_TEST_POSTGRES names a server; CI must name one.
func testDBs(t *testing.T) []testDB {
	dbs := []testDB{{"sqlite", func(t *testing.T) claimgate.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "front.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}}}
	base := os.Getenv("CLAIMGATE_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CLAIMGATE_TEST_POSTGRES is not set; CI must test PostgreSQL")
		}
		return dbs
	}
	return append(dbs, testDB{"postgres", func(t *testing.T) claimgate.Store {
		ctx := context.Background()
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 8)
		rand.Read(b)
		schema := "claimgate_wf_" + hex.EncodeToString(b)
		if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
			admin.Close()
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
				t.Errorf("drop schema: %v", err)
			}
			admin.Close()
		})
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("CLAIMGATE_TEST_POSTGRES: %v", err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		st, err := postgres.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}})
}

func newFront(t *testing.T) *front {
	t.Helper()
	return newFrontOn(t, testDBs(t)[0])
}

func newFrontOn(t *testing.T, db testDB) *front {
	t.Helper()
	ctx := context.Background()
	st := db.open(t)
	f := &front{st: st, now: time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC), dos: claimgate.Date{Year: 2026, Month: 11, Day: 4}}
	clock := func() time.Time { return f.now }
	var err error
	f.tp, err = testpayer.New(testpayer.DefaultConfig(), testpayer.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	f.realTime = f.tp.RealTime()
	f.wf = &workflow.Service{Store: st, Now: clock, RealTime: exchangeFunc(func(ctx context.Context, k clearinghouse.Kind, req []byte) ([]byte, error) {
		resp, err := f.realTime.Exchange(ctx, k, req)
		if err == nil && f.interceptResponse != nil {
			resp = f.interceptResponse(resp)
		}
		return resp, err
	})}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []*claimgate.User{&f.desk, &f.coord, &f.mgr} {
		*u = claimgate.User{Active: true, PasswordHash: []byte("x")}
	}
	f.desk.Username, f.desk.Roles = "desk", []claimgate.Role{claimgate.FrontDesk}
	f.coord.Username, f.coord.Roles = "coord", []claimgate.Role{claimgate.AuthCoordinator}
	f.mgr.Username, f.mgr.Roles = "mgr", []claimgate.Role{claimgate.Manager}
	for _, u := range []*claimgate.User{&f.desk, &f.coord, &f.mgr} {
		must(st.CreateUser(ctx, u))
	}
	for q, u := range map[string]int64{"intake": f.desk.ID, "registration": f.desk.ID, "eligibility": f.desk.ID,
		"authorization": f.coord.ID, "financial_clearance": f.desk.ID, "exceptions": f.mgr.ID} {
		must(st.SetQueueOwner(ctx, q, u))
	}
	addr := claimgate.Address{Line1: "1 Main St", City: "Springfield", State: "IL", Zip: "62701"}
	f.org = claimgate.Organization{Name: "Riverbend Family Medicine", NPI: "1234567893", TaxID: "990000001", Taxonomy: "261QP2300X", Address: addr}
	must(st.CreateOrganization(ctx, &f.org))
	f.loc = claimgate.Location{OrgID: f.org.ID, Name: "Main", PlaceOfService: "11", Address: addr}
	must(st.CreateLocation(ctx, &f.loc))
	f.prov = claimgate.Provider{OrgID: f.org.ID, First: "Casey", Last: "Clinic", NPI: "1245319599", Taxonomy: "207Q00000X"}
	must(st.CreateProvider(ctx, &f.prov))
	f.payer = claimgate.Payer{Name: "Acme Health Plan", PayerID: "ACME1", PlanTypes: []string{"CI"}, TimelyFilingDays: 90, RequiresEligCheck: true}
	must(st.CreatePayer(ctx, &f.payer))
	// The payer's authorization table mirrors the test payer's, plus a
	// code it does not actually require (the 278 then says so).
	for _, r := range []claimgate.AuthRule{
		{PayerID: f.payer.ID, CodeFrom: "70551", Requirement: claimgate.AuthRequired},
		{PayerID: f.payer.ID, CodeFrom: "72148", Requirement: claimgate.AuthRequired},
		{PayerID: f.payer.ID, CodeFrom: "97110", CodeTo: "97140", Requirement: claimgate.AuthRequired},
		{PayerID: f.payer.ID, CodeFrom: "20610", Requirement: claimgate.AuthRequired},
	} {
		must(st.PutAuthRule(ctx, r, f.mgr.ID))
	}
	for _, it := range []claimgate.ChargeItem{
		{Code: "99213", Price: 14500, ServiceType: claimgate.OfficeVisit},
		{Code: "97110", Price: 6000, ServiceType: claimgate.Procedure},
		{Code: "70551", Price: 90000, ServiceType: claimgate.Imaging},
		{Code: "20610", Price: 19000, ServiceType: claimgate.Procedure},
	} {
		must(st.PutChargeItem(ctx, it, f.mgr.ID))
	}
	must(st.PutFee(ctx, claimgate.Fee{PayerID: f.payer.ID, Code: "99213", Allowed: 9250}, f.mgr.ID))
	must(st.PutFee(ctx, claimgate.Fee{PayerID: f.payer.ID, Code: "97110", Allowed: 2900}, f.mgr.ID))
	return f
}

type exchangeFunc func(ctx context.Context, k clearinghouse.Kind, req []byte) ([]byte, error)

func (e exchangeFunc) Exchange(ctx context.Context, k clearinghouse.Kind, req []byte) ([]byte, error) {
	return e(ctx, k, req)
}

// patient registers a patient as the roster member (id, last, first,
// birth) and opens a case on f.dos with the planned codes, at
// financial_clearance.
func (f *front) patient(t *testing.T, member, last, first string, birth claimgate.Date, plan ...claimgate.PlanItem) claimgate.Case {
	t.Helper()
	ctx := context.Background()
	p := claimgate.Patient{MRN: "M" + member, First: first, Last: last, BirthDate: birth, Sex: claimgate.Female,
		Address: claimgate.Address{Line1: "2 Elm St", City: "Springfield", State: "IL", Zip: "62702"}}
	if err := f.st.CreatePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	cov := claimgate.Coverage{PatientID: p.ID, PayerID: f.payer.ID, Rank: 1, PlanType: "CI", MemberID: member, Relationship: claimgate.Self,
		EffectiveFrom: claimgate.Date{Year: 2026, Month: 1, Day: 1}}
	if err := f.st.CreateCoverage(ctx, &cov); err != nil {
		t.Fatal(err)
	}
	c, err := f.wf.OpenCase(ctx, &f.desk, claimgate.Case{PatientID: p.ID, LocationID: f.loc.ID, ProviderID: f.prov.ID, ServiceDate: f.dos})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) == 0 {
		plan = []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "99213"}}
	}
	if _, _, err := f.wf.PlanEncounter(ctx, &f.desk, c.ID, workflow.PlanInput{ScheduledAt: f.dos.Time().Add(9 * time.Hour), Items: plan}); err != nil {
		t.Fatal(err)
	}
	for s := claimgate.Intake; s != claimgate.FinancialClearance; {
		next := claimgate.Stages[s.Number()]
		if _, err := f.wf.Move(ctx, &f.mgr, c.ID, s, next, ""); err != nil {
			t.Fatal(err)
		}
		s = next
	}
	return c
}

var anaBirth = claimgate.Date{Year: 1980, Month: 3, Day: 14}

func (f *front) item(t *testing.T, caseID int64, id string) workflow.ItemReport {
	t.Helper()
	facts, err := f.wf.Facts(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	rep := workflow.Evaluate(workflow.ReadyToBill, facts)
	for _, it := range rep.Items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("no item %s", id)
	return workflow.ItemReport{}
}

// openWork returns "queue owner: reason" of the case's open work outside
// its stage's own item.
func (f *front) openWork(t *testing.T, caseID int64, queue string) []string {
	t.Helper()
	ws, err := f.st.WorkItems(context.Background(), claimgate.WorkFilter{CaseID: caseID, Queue: queue, Status: claimgate.WorkOpen})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, w := range ws {
		if strings.HasPrefix(w.Reason, "case arrived from") {
			continue
		}
		u, _ := f.st.User(context.Background(), w.OwnerID)
		out = append(out, u.Username+": "+w.Reason)
	}
	return out
}

func TestCheckEligibilityThroughTestPayer(t *testing.T) {
	tests := []struct {
		name                string
		member, last, first string
		birth               claimgate.Date
		payerID             string // replaces the payer's ID; "" keeps ACME1
		want                claimgate.EligStatus
		code                string
		item                workflow.Status
		whyHas              string
		queue               string
		work                string // substring of the one work item opened, "" for none
	}{
		{"active with benefits", "AC1000001", "RIVERA", "ANA", anaBirth, "", claimgate.EligActive, "", workflow.Pass, "active on 2026-11-04", "registration", ""},
		{"coverage terminated", "AC1000002", "CHEN", "WEI", claimgate.Date{Year: 1975, Month: 11, Day: 2}, "", claimgate.EligInactive, "", workflow.Fail,
			"inactive on 2026-11-04", "registration", "desk: coverage inactive on 2026-11-04 (coverage terminated 2026-06-30)"},
		{"member not found", "AC9999999", "DOE", "JANE", anaBirth, "", claimgate.EligRejected, "75", workflow.Fail,
			"AAA 75: subscriber/insured not found", "registration", "desk: eligibility rejected, AAA 75 subscriber/insured not found: member not found"},
		{"unknown payer", "AC1000001", "RIVERA", "ANA", anaBirth, "ZZZ99", claimgate.EligRejected, "79", workflow.Fail,
			"AAA 79", "registration", "payer ID is not known"},
	}
	for _, db := range testDBs(t) {
		for _, tt := range tests {
			t.Run(db.name+"/"+tt.name, func(t *testing.T) {
				f := newFrontOn(t, db)
				ctx := context.Background()
				if tt.payerID != "" {
					// An unknown payer ID: the clearinghouse's payer list does not have it.
					py := claimgate.Payer{Name: "Nowhere Health", PayerID: tt.payerID, PlanTypes: []string{"CI"}}
					if err := f.st.CreatePayer(ctx, &py); err != nil {
						t.Fatal(err)
					}
					f.payer = py
				}
				c := f.patient(t, tt.member, tt.last, tt.first, tt.birth)
				chk, err := f.wf.CheckEligibility(ctx, &f.desk, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if chk.Status != tt.want || chk.RejectCode != tt.code {
					t.Errorf("check = %s %q (%s), want %s %q", chk.Status, chk.RejectCode, chk.Reason, tt.want, tt.code)
				}
				it := f.item(t, c.ID, "eligibility")
				if it.Result.Status != tt.item || !strings.Contains(it.Result.Why, tt.whyHas) {
					t.Errorf("eligibility item = %s %q, want %s containing %q", it.Result.Status, it.Result.Why, tt.item, tt.whyHas)
				}
				work := f.openWork(t, c.ID, tt.queue)
				switch {
				case tt.work == "" && len(work) != 0:
					t.Errorf("work = %q, want none", work)
				case tt.work != "" && (len(work) != 1 || !strings.Contains(work[0], tt.work)):
					t.Errorf("work = %q, want one item containing %q", work, tt.work)
				}
				if tt.want == claimgate.EligRejected {
					// Registration is corrected, the payer finds the member: the work is done.
					if err := f.tp.Enroll(map[string]string{"": "ACME1"}[tt.payerID], testpayer.Member{ID: tt.member, Last: tt.last, First: tt.first, BirthDate: tt.birth,
						Plan: "ACME PPO", CoverageFrom: claimgate.Date{Year: 2026, Month: 1, Day: 1}}); err == nil {
						if chk, err := f.wf.CheckEligibility(ctx, &f.desk, c.ID); err != nil || chk.Status != claimgate.EligActive {
							t.Fatalf("check after enrollment = %v, %v; want active", chk.Status, err)
						}
						if w := f.openWork(t, c.ID, tt.queue); len(w) != 0 {
							t.Errorf("work after an active check = %q, want completed", w)
						}
						return
					}
				}
				// Asking again opens no second item for the same reason.
				if _, err := f.wf.CheckEligibility(ctx, &f.desk, c.ID); err != nil {
					t.Fatal(err)
				}
				if again := f.openWork(t, c.ID, tt.queue); len(again) != len(work) {
					t.Errorf("work after a second check = %q, want %q", again, work)
				}
			})
		}
	}
}

func TestEligibilityBenefitsStored(t *testing.T) {
	f := newFront(t)
	c := f.patient(t, "AC1000001", "RIVERA", "ANA", anaBirth)
	chk, err := f.wf.CheckEligibility(context.Background(), &f.desk, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{chk.Plan, chk.CoverageFrom.String(), chk.Deductible, chk.DeductibleRemaining, chk.Copay, chk.Coinsurance, chk.OOPRemaining, chk.HasOOP, chk.Network}
	want := []any{"ACME PPO GOLD", "2026-01-01", claimgate.Money(50000), claimgate.Money(50000), claimgate.Money(2500), int64(2000), claimgate.Money(300000), true, "in"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("benefits (-want +got):\n%s", d)
	}
	if !strings.Contains(chk.Response, "271") || chk.Reference == "" {
		t.Errorf("check keeps reference %q and response %.40q; want the trace and the 271", chk.Reference, chk.Response)
	}
}

func TestBadEligibilityAnswersNeverVerify(t *testing.T) {
	tests := []struct {
		name    string
		mangle  func(resp []byte) []byte
		whyHas  string
		failing bool // the exchange itself fails
	}{
		{"271 that does not parse", func([]byte) []byte { return []byte("ISA*garbage~") }, "not a readable 271", false},
		{"271 for another patient", func(resp []byte) []byte {
			return bytes.ReplaceAll(resp, []byte("AC1000001"), []byte("AC1000003"))
		}, "is about another member", false},
		{"271 for another inquiry", func(resp []byte) []byte {
			return bytes.Replace(resp, []byte("TRN*2*CG"), []byte("TRN*2*XX"), 1)
		}, "does not echo the inquiry's trace number", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFront(t)
			f.interceptResponse = tt.mangle
			c := f.patient(t, "AC1000001", "RIVERA", "ANA", anaBirth)
			chk, err := f.wf.CheckEligibility(context.Background(), &f.desk, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if chk.Status != claimgate.EligError || !strings.Contains(chk.Reason, tt.whyHas) {
				t.Errorf("check = %s %q, want error containing %q", chk.Status, chk.Reason, tt.whyHas)
			}
			if it := f.item(t, c.ID, "eligibility"); it.Result.Status != workflow.Fail {
				t.Errorf("eligibility item = %s (%s), want fail", it.Result.Status, it.Result.Why)
			}
			if w := f.openWork(t, c.ID, "eligibility"); len(w) != 1 || !strings.Contains(w[0], "eligibility check failed") {
				t.Errorf("eligibility work = %q, want one item for the failed check", w)
			}
		})
	}
}

func TestEligibilityWindowAndCoverageChange(t *testing.T) {
	ctx := context.Background()
	f := newFront(t)
	f.dos = claimgate.Date{Year: 2026, Month: 11, Day: 20} // 18 days ahead
	c := f.patient(t, "AC1000001", "RIVERA", "ANA", anaBirth)
	if _, err := f.wf.CheckEligibility(ctx, &f.desk, c.ID); err != nil {
		t.Fatal(err)
	}
	if it := f.item(t, c.ID, "eligibility"); it.Result.Status != workflow.Fail || !strings.Contains(it.Result.Why, "stale") {
		t.Errorf("checked 18 days ahead: %s %q, want stale", it.Result.Status, it.Result.Why)
	}
	f.wf.EligibilityWindowDays = 30
	if it := f.item(t, c.ID, "eligibility"); it.Result.Status != workflow.Pass {
		t.Errorf("with a 30-day window: %s %q, want pass", it.Result.Status, it.Result.Why)
	}
}

func TestManualVerification(t *testing.T) {
	ctx := context.Background()
	f := newFront(t)
	c := f.patient(t, "AC1000001", "RIVERA", "ANA", anaBirth)
	_, err := f.wf.VerifyManually(ctx, &f.desk, c.ID, workflow.ManualCheck{Method: "fax"})
	if d := claimgate.ErrorDetails(err); claimgate.ErrorKind(err) != claimgate.Invalid || len(d) != 2 {
		t.Errorf("VerifyManually(fax, no reference) = %v %q, want Invalid naming method and reference", err, d)
	}
	if _, err := f.wf.VerifyManually(ctx, &f.coord, c.ID, workflow.ManualCheck{Method: "phone", Reference: "R1", Active: true}); claimgate.ErrorKind(err) != claimgate.Forbidden {
		t.Errorf("VerifyManually by the auth coordinator = %v, want Forbidden", err)
	}
	chk, err := f.wf.VerifyManually(ctx, &f.desk, c.ID, workflow.ManualCheck{Method: "phone", Reference: "CALL-778", Active: true, Copay: 2500})
	if err != nil {
		t.Fatal(err)
	}
	if chk.CheckedBy != f.desk.ID || !chk.CheckedAt.Equal(f.now) || chk.Reference != "CALL-778" {
		t.Errorf("manual check = %+v, want who, when and the reference", chk)
	}
	// ACME requires electronic verification: a phone check does not meet it.
	it := f.item(t, c.ID, "eligibility")
	if it.Result.Status != workflow.Fail || !strings.Contains(it.Result.Why, "requires electronic verification") {
		t.Errorf("phone check for ACME: %s %q, want fail", it.Result.Status, it.Result.Why)
	}
	py := f.payer
	py.ID, py.PayerID, py.RequiresEligCheck = 0, "PHONE1", false
	if err := f.st.CreatePayer(ctx, &py); err != nil {
		t.Fatal(err)
	}
	f.payer = py
	c2 := f.patient(t, "PH1", "PHONE", "ONLY", anaBirth)
	if _, err := f.wf.VerifyManually(ctx, &f.desk, c2.ID, workflow.ManualCheck{Method: "portal", Reference: "P-1", Active: true}); err != nil {
		t.Fatal(err)
	}
	if it := f.item(t, c2.ID, "eligibility"); it.Result.Status != workflow.Pass || !strings.Contains(it.Result.Why, "portal, reference P-1") {
		t.Errorf("portal check: %s %q, want pass citing the reference", it.Result.Status, it.Result.Why)
	}
}

func TestAuthorizationOutcomes(t *testing.T) {
	visit := claimgate.PlanItem{Kind: claimgate.PlannedService, Code: "99213"}
	tests := []struct {
		name   string
		plan   []claimgate.PlanItem
		act    func(t *testing.T, f *front, c claimgate.Case) error
		item   workflow.Status
		whyHas string
		work   string // substring of the one open authorization item; "" for none
	}{
		{"no authorization needed", []claimgate.PlanItem{visit}, nil, workflow.Pass, "none of the 1 planned service(s) needs authorization", ""},
		{"missing authorization is owned", []claimgate.PlanItem{visit, {Kind: claimgate.PlannedService, Code: "97110", Units: 2}},
			func(t *testing.T, f *front, c claimgate.Case) error {
				_, err := f.wf.RequireAuthorizations(context.Background(), &f.desk, c.ID)
				return err
			}, workflow.Fail, "97110 needs prior authorization: none on file", "coord: obtain prior authorization for 97110 (2 unit(s))"},
		{"approved by 278", []claimgate.PlanItem{visit, {Kind: claimgate.PlannedService, Code: "97110"}},
			func(t *testing.T, f *front, c claimgate.Case) error {
				a, err := f.wf.RequestAuthorization(context.Background(), &f.coord, c.ID, "97110")
				if err == nil && (a.Status != claimgate.AuthApproved || a.Number == "" || a.To != f.dos.AddDays(testpayer.AuthValidDays)) {
					t.Errorf("278 record = %+v, want approved with number through DOS+%d", a, testpayer.AuthValidDays)
				}
				return err
			}, workflow.Pass, "97110: authorization ACME1A", ""},
		{"denied by 278", []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "70551"}},
			func(t *testing.T, f *front, c claimgate.Case) error {
				_, err := f.wf.RequestAuthorization(context.Background(), &f.coord, c.ID, "70551")
				return err
			}, workflow.Fail, "70551: authorization denied", "coord: authorization for 70551 denied"},
		{"not required, says the 278", []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "20610"}},
			func(t *testing.T, f *front, c claimgate.Case) error {
				_, err := f.wf.RequestAuthorization(context.Background(), &f.coord, c.ID, "20610")
				return err
			}, workflow.Pass, "20610: documented not required", ""},
		{"documented not required", []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "20610"}},
			func(t *testing.T, f *front, c claimgate.Case) error {
				_, err := f.wf.RecordAuthorization(context.Background(), &f.coord, c.ID, workflow.AuthInput{Code: "20610", Status: claimgate.AuthNotRequired,
					Source: "phone", Reason: "payer rep said no auth for POS 11, call ref 5521"})
				return err
			}, workflow.Pass, "call ref 5521", ""},
		{"expired", []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "97110"}},
			func(t *testing.T, f *front, c claimgate.Case) error {
				_, err := f.wf.RecordAuthorization(context.Background(), &f.coord, c.ID, workflow.AuthInput{Code: "97110", Status: claimgate.AuthApproved,
					Number: "OLD1", From: claimgate.Date{Year: 2026, Month: 8, Day: 1}, To: claimgate.Date{Year: 2026, Month: 10, Day: 31}, Source: "portal"})
				return err
			}, workflow.Fail, "covers 2026-08-01 to 2026-10-31, not the date of service 2026-11-04", ""},
		{"units exhausted", []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "97110", Units: 4}},
			func(t *testing.T, f *front, c claimgate.Case) error {
				_, err := f.wf.RecordAuthorization(context.Background(), &f.coord, c.ID, workflow.AuthInput{Code: "97110", Status: claimgate.AuthApproved,
					Number: "PT12", From: claimgate.Date{Year: 2026, Month: 11, Day: 1}, To: claimgate.Date{Year: 2026, Month: 12, Day: 31}, Units: 3, Source: "portal"})
				return err
			}, workflow.Fail, "4 unit(s) planned exceed the 3 authorized by PT12", ""},
	}
	for _, db := range testDBs(t) {
		for _, tt := range tests {
			t.Run(db.name+"/"+tt.name, func(t *testing.T) {
				f := newFrontOn(t, db)
				c := f.patient(t, "AC1000001", "RIVERA", "ANA", anaBirth, tt.plan...)
				if tt.act != nil {
					if err := tt.act(t, f, c); err != nil {
						t.Fatal(err)
					}
				}
				it := f.item(t, c.ID, "authorization")
				if it.Result.Status != tt.item || !strings.Contains(it.Result.Why, tt.whyHas) {
					t.Errorf("authorization item = %s %q, want %s containing %q", it.Result.Status, it.Result.Why, tt.item, tt.whyHas)
				}
				work := f.openWork(t, c.ID, "authorization")
				switch {
				case tt.work == "" && len(work) != 0:
					t.Errorf("work = %q, want none", work)
				case tt.work != "" && (len(work) != 1 || !strings.Contains(work[0], tt.work)):
					t.Errorf("work = %q, want one item containing %q", work, tt.work)
				}
			})
		}
	}
}

func TestAuthorizationRejectedByPayerOpensWork(t *testing.T) {
	f := newFront(t)
	c := f.patient(t, "AC9999999", "DOE", "JANE", anaBirth, claimgate.PlanItem{Kind: claimgate.PlannedService, Code: "97110"})
	_, err := f.wf.RequestAuthorization(context.Background(), &f.coord, c.ID, "97110")
	if claimgate.ErrorKind(err) != claimgate.Invalid || !strings.Contains(err.Error(), "AAA 75") {
		t.Errorf("RequestAuthorization for an unknown member = %v, want Invalid naming AAA 75", err)
	}
	if w := f.openWork(t, c.ID, "authorization"); len(w) != 1 || !strings.HasPrefix(w[0], "coord: authorization request for 97110 failed") {
		t.Errorf("work = %q, want the coordinator's item", w)
	}
	if _, err := f.wf.RequestAuthorization(context.Background(), &f.coord, c.ID, "99999"); claimgate.ErrorKind(err) != claimgate.Invalid {
		t.Errorf("RequestAuthorization for an unplanned code = %v, want Invalid", err)
	}
}

func TestReadyToBillFromDataAndStopTheLine(t *testing.T) {
	for _, db := range testDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFrontOn(t, db)
			plan := []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "99213"}, {Kind: claimgate.PlannedService, Code: "97110", Units: 2}}
			c := f.patient(t, "AC1000001", "RIVERA", "ANA", anaBirth, plan...)
			move := func() error {
				_, err := f.wf.Move(ctx, &f.mgr, c.ID, claimgate.FinancialClearance, claimgate.Encounter, "")
				return err
			}
			if _, err := f.wf.CheckEligibility(ctx, &f.desk, c.ID); err != nil {
				t.Fatal(err)
			}
			// The service that needs authorization stops the line: the case cannot
			// reach the mid-cycle (and so never the back-end) without it.
			err := move()
			if claimgate.ErrorKind(err) != claimgate.Conflict || !strings.Contains(strings.Join(claimgate.ErrorDetails(err), "\n"), "97110 needs prior authorization") {
				t.Fatalf("Move without authorization = %v %q, want Conflict naming 97110", err, claimgate.ErrorDetails(err))
			}
			if w := f.openWork(t, c.ID, "authorization"); len(w) != 1 || !strings.HasPrefix(w[0], "coord: ") {
				t.Errorf("authorization work after the eligibility check = %q, want one item owned by the coordinator", w)
			}
			if _, err := f.wf.RecordEstimate(ctx, &f.desk, c.ID, workflow.EstimateInput{Method: "shout"}); claimgate.ErrorKind(err) != claimgate.Invalid {
				t.Errorf("RecordEstimate(shout) = %v, want Invalid", err)
			}
			e, err := f.wf.RecordEstimate(ctx, &f.desk, c.ID, workflow.EstimateInput{Method: "in_person", Deposit: 2500})
			if err != nil {
				t.Fatal(err)
			}
			// Allowed 92.50 + 2 × 29.00 = 150.50; copay 25; deductible 125.50 of
			// 500 remaining; nothing left for coinsurance.
			got := []claimgate.Money{e.Allowed, e.Copay, e.Deductible, e.Coinsurance, e.Total, e.Deposit}
			if d := cmp.Diff([]claimgate.Money{15050, 2500, 12550, 0, 15050, 2500}, got); d != "" {
				t.Errorf("estimate (-want +got):\n%s", d)
			}
			if _, err := f.wf.RequestAuthorization(ctx, &f.coord, c.ID, "97110"); err != nil {
				t.Fatal(err)
			}
			if w := f.openWork(t, c.ID, "authorization"); len(w) != 0 {
				t.Errorf("authorization work after the approval = %q, want it completed", w)
			}
			if err := move(); err != nil {
				t.Fatalf("Move with every item passing from data: %v %q", err, claimgate.ErrorDetails(err))
			}
			// A second case crosses by exception, eligibility never checked.
			c2 := f.patient(t, "AC1000003", "OKAFOR", "JAMES", claimgate.Date{Year: 1962, Month: 7, Day: 21})
			for _, item := range []string{"eligibility", "patient_responsibility"} {
				if _, err := f.wf.LogException(ctx, &f.mgr, workflow.ExceptionInput{CaseID: c2.ID, Gate: "ready_to_bill", Item: item, Reason: "busy day",
					OwnerID: f.desk.ID, Expires: f.now.Add(24 * time.Hour)}); err != nil {
					t.Fatalf("LogException(%s): %v", item, err)
				}
			}
			if _, err := f.wf.Move(ctx, &f.mgr, c2.ID, claimgate.FinancialClearance, claimgate.Encounter, ""); err != nil {
				t.Fatalf("Move by exception: %v", err)
			}
			day := claimgate.DateOf(f.now)
			skips, err := f.wf.Skips(ctx, day, day)
			if err != nil {
				t.Fatal(err)
			}
			want := []workflow.SkipRow{{Day: day, UserID: f.mgr.ID, Crossed: 2, ByException: 1, EligMissing: 1}}
			if d := cmp.Diff(want, skips); d != "" {
				t.Errorf("Skips (-want +got):\n%s", d)
			}
			facts, err := f.wf.Facts(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range workflow.Evaluate(workflow.ReadyToBill, facts).Items {
				if it.Result.Status != workflow.Pass {
					t.Errorf("%s = %s (%s), want pass from data", it.ID, it.Result.Status, it.Result.Why)
				}
			}
		})
	}
}

func TestEstimateCappedAtOutOfPocket(t *testing.T) {
	ctx := context.Background()
	f := newFront(t)
	f.tp.Enroll("ACME1", testpayer.Member{ID: "AC2000001", Last: "CAP", First: "OOP", BirthDate: anaBirth, Plan: "ACME PPO",
		CoverageFrom: claimgate.Date{Year: 2026, Month: 1, Day: 1}, Deductible: 100000, DeductibleRemaining: 0, Coinsurance: 50,
		OOPMax: 300000, OOPRemaining: 1000})
	c := f.patient(t, "AC2000001", "CAP", "OOP", anaBirth, claimgate.PlanItem{Kind: claimgate.PlannedService, Code: "70551"})
	if _, err := f.wf.CheckEligibility(ctx, &f.desk, c.ID); err != nil {
		t.Fatal(err)
	}
	e, err := f.wf.RecordEstimate(ctx, &f.desk, c.ID, workflow.EstimateInput{Method: "phone"})
	if err != nil {
		t.Fatal(err)
	}
	// 70551 has no fee on file: the chargemaster's 900.00; half is 450.00,
	// capped at the 10.00 out-of-pocket remaining.
	if e.Allowed != 90000 || e.Coinsurance != 45000 || e.Total != 1000 {
		t.Errorf("estimate = allowed %s coinsurance %s total %s, want 900.00, 450.00, 10.00", e.Allowed, e.Coinsurance, e.Total)
	}
	if it := f.item(t, c.ID, "patient_responsibility"); it.Result.Status != workflow.Pass || !strings.Contains(it.Result.Why, "phone") {
		t.Errorf("patient_responsibility = %s %q, want pass", it.Result.Status, it.Result.Why)
	}
}

func TestDuplicatePatientDecision(t *testing.T) {
	ctx := context.Background()
	f := newFront(t)
	c := f.patient(t, "AC1000001", "RIVERA", "ANA", anaBirth)
	twin := claimgate.Patient{MRN: "MTWIN", First: "Ana", Last: "Rivera", BirthDate: anaBirth, Sex: claimgate.Female}
	if err := f.st.CreatePatient(ctx, &twin); err != nil {
		t.Fatal(err)
	}
	it := f.item(t, c.ID, "registration")
	if it.Result.Status != workflow.Fail || !strings.Contains(it.Result.Why, fmt.Sprintf("possible duplicate patient #%d (same name and birth date)", twin.ID)) {
		t.Errorf("registration with a twin record = %s %q, want the duplicate named", it.Result.Status, it.Result.Why)
	}
	if _, err := f.wf.DecideDuplicate(ctx, &f.desk, c.PatientID, twin.ID, "later", ""); claimgate.ErrorKind(err) != claimgate.Invalid || len(claimgate.ErrorDetails(err)) != 2 {
		t.Errorf("DecideDuplicate(later, no reason) = %v %q, want Invalid naming decision and reason", err, claimgate.ErrorDetails(err))
	}
	if _, err := f.wf.DecideDuplicate(ctx, &f.coord, c.PatientID, twin.ID, "keep", "r"); claimgate.ErrorKind(err) != claimgate.Forbidden {
		t.Errorf("DecideDuplicate by the auth coordinator = %v, want Forbidden", err)
	}
	if _, err := f.wf.DecideDuplicate(ctx, &f.desk, c.PatientID, c.PatientID+999, "keep", "r"); claimgate.ErrorKind(err) != claimgate.Invalid {
		t.Errorf("DecideDuplicate of a stranger = %v, want Invalid", err)
	}
	d, err := f.wf.DecideDuplicate(ctx, &f.desk, c.PatientID, twin.ID, claimgate.DuplicateMerge, "same person: card and address match; MTWIN registered twice at the kiosk")
	if err != nil {
		t.Fatal(err)
	}
	if d.DecidedBy != f.desk.ID || !d.DecidedAt.Equal(f.now) {
		t.Errorf("decision = %+v, want who and when", d)
	}
	if it := f.item(t, c.ID, "registration"); it.Result.Status != workflow.Pass {
		t.Errorf("registration after the decision = %s %q, want pass", it.Result.Status, it.Result.Why)
	}
}

func TestSweepAuthorizations(t *testing.T) {
	ctx := context.Background()
	f := newFront(t)
	f.dos = claimgate.Date{Year: 2026, Month: 11, Day: 6}
	missing := f.patient(t, "AC1000001", "RIVERA", "ANA", anaBirth, claimgate.PlanItem{Kind: claimgate.PlannedService, Code: "70551"})
	expiring := f.patient(t, "AC1000003", "OKAFOR", "JAMES", claimgate.Date{Year: 1962, Month: 7, Day: 21}, claimgate.PlanItem{Kind: claimgate.PlannedService, Code: "97110", Units: 3})
	if _, err := f.wf.RecordAuthorization(ctx, &f.coord, expiring.ID, workflow.AuthInput{Code: "97110", Status: claimgate.AuthApproved, Number: "PT9",
		From: claimgate.Date{Year: 2026, Month: 10, Day: 1}, To: claimgate.Date{Year: 2026, Month: 11, Day: 7}, Source: "portal"}); err != nil {
		t.Fatal(err)
	}
	// Before the sweep nobody carries the missing authorization.
	rows, err := f.wf.AuthWorklist(ctx)
	if err != nil || len(rows) != 2 || rows[0].State != "missing" || rows[0].OwnerID != 0 {
		t.Fatalf("AuthWorklist before the sweep = %+v, %v; want the missing one first, without an owner", rows, err)
	}
	got, err := f.wf.SweepAuthorizations(ctx, &f.mgr)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, w := range got {
		reasons = append(reasons, fmt.Sprintf("case %d owner %d: %s", w.CaseID, w.OwnerID, w.Reason))
	}
	want := []string{
		fmt.Sprintf("case %d owner %d: obtain prior authorization for 70551 (1 unit(s)) before 2026-11-06", missing.ID, f.coord.ID),
		fmt.Sprintf("case %d owner %d: authorization PT9 for 97110 expires 2026-11-07, before or close to the visit on 2026-11-06: extend it or reschedule", expiring.ID, f.coord.ID),
	}
	if d := cmp.Diff(want, reasons); d != "" {
		t.Errorf("swept work (-want +got):\n%s", d)
	}
	rows, err = f.wf.AuthWorklist(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, r := range rows {
		states = append(states, fmt.Sprintf("case %d %s %s owner %d", r.Case.ID, r.Need.Code, r.State, r.OwnerID))
	}
	wantStates := []string{fmt.Sprintf("case %d 70551 missing owner %d", missing.ID, f.coord.ID), fmt.Sprintf("case %d 97110 expiring owner %d", expiring.ID, f.coord.ID)}
	if d := cmp.Diff(wantStates, states); d != "" {
		t.Errorf("AuthWorklist (-want +got):\n%s", d)
	}
	// A second sweep opens nothing new.
	if again, err := f.wf.SweepAuthorizations(ctx, &f.mgr); err != nil || len(again) != 0 {
		t.Errorf("second sweep = %d item(s), %v; want none", len(again), err)
	}
}

func TestEligibilityBatchThroughMailbox(t *testing.T) {
	ctx := context.Background()
	f := newFront(t)
	active := f.patient(t, "AC1000001", "RIVERA", "ANA", anaBirth)
	unknown := f.patient(t, "AC9999999", "DOE", "JANE", claimgate.Date{Year: 1990, Month: 1, Day: 1})
	cs, ok := f.st.(clearinghouse.Store)
	if !ok {
		t.Fatalf("%T is not a clearinghouse.Store", f.st)
	}
	root := t.TempDir()
	p := clearinghouse.Partner{ID: "TESTCH", Name: "Test clearinghouse", OurQualifier: "ZZ", OurID: "CLAIMGATE", TheirQualifier: "ZZ", TheirID: "TESTCH",
		OurAppCode: "CLAIMGATE", TheirAppCode: "TESTCH", PayerIDs: []string{"ACME1"}, Usage: "T", Mailbox: root}
	if err := cs.CreatePartner(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if err := clearinghouse.MakeFolders(root); err != nil {
		t.Fatal(err)
	}
	mb := clearinghouse.New(cs, f.wf, nil)
	mb.Now = func() time.Time { return f.now }
	if _, _, err := f.wf.SendEligibilityBatch(ctx, &f.coord, f.dos, mb, p.ID); claimgate.ErrorKind(err) != claimgate.Forbidden {
		t.Errorf("batch by the auth coordinator = %v, want Forbidden", err)
	}
	out, n, err := f.wf.SendEligibilityBatch(ctx, &f.desk, f.dos, mb, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || out.Kind != clearinghouse.Eligibility {
		t.Fatalf("batch = %+v with %d case(s), want one 270 file asking about 2", out, n)
	}
	pm := &testpayer.Mailbox{Payer: f.tp, Root: root, Log: slog.New(slog.DiscardHandler)}
	if _, err := pm.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	var kinds []clearinghouse.Kind
	res, err := mb.Poll(ctx, clearinghouse.Router{
		clearinghouse.EligResponse: func(ctx context.Context, in *clearinghouse.Inbound) error {
			kinds = append(kinds, in.File.Kind)
			return f.wf.Import271(&f.desk)(ctx, in)
		},
		clearinghouse.Ack999: func(_ context.Context, in *clearinghouse.Inbound) error {
			kinds = append(kinds, in.File.Kind)
			return nil
		},
	}.Handle)
	if err != nil {
		t.Fatal(err)
	}
	if res.Quarantined != 0 || !slices.Contains(kinds, clearinghouse.EligResponse) {
		t.Errorf("Poll = %+v handling %v, want the 271 file done and nothing quarantined", res, kinds)
	}
	if it := f.item(t, active.ID, "eligibility"); it.Result.Status != workflow.Pass {
		t.Errorf("active member after the batch: %s %q, want pass", it.Result.Status, it.Result.Why)
	}
	if it := f.item(t, unknown.ID, "eligibility"); it.Result.Status != workflow.Fail || !strings.Contains(it.Result.Why, "AAA 75") {
		t.Errorf("unknown member after the batch: %s %q, want AAA 75", it.Result.Status, it.Result.Why)
	}
	if w := f.openWork(t, unknown.ID, "registration"); len(w) != 1 || !strings.HasPrefix(w[0], "desk: eligibility rejected, AAA 75") {
		t.Errorf("registration work = %q, want the front desk's item", w)
	}
	// Handling the same file again records nothing twice (the mailbox may
	// hand a file over again after a crash).
	checks, _ := f.st.EligibilityChecks(ctx, active.ID)
	var data []byte
	for _, e := range mustReadInbound(t, root) {
		data = e
	}
	if err := f.wf.Import271(&f.desk)(ctx, &clearinghouse.Inbound{Partner: p, Data: data}); err != nil {
		t.Fatal(err)
	}
	if again, _ := f.st.EligibilityChecks(ctx, active.ID); len(again) != len(checks) {
		t.Errorf("re-import recorded %d check(s), want %d", len(again), len(checks))
	}
	// The next batch asks only about the case still not verified.
	if _, n, err := f.wf.SendEligibilityBatch(ctx, &f.desk, f.dos, mb, p.ID); err != nil || n != 1 {
		t.Errorf("second batch asks about %d case(s), %v; want only the rejected one again", n, err)
	}
}

// mustReadInbound returns the 271 files found under the mailbox root.
func mustReadInbound(t *testing.T, root string) [][]byte {
	t.Helper()
	var out [][]byte
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(path, "271") {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte("ST*271*")) {
			out = append(out, b)
		}
		return err
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("no 271 file under %s (%v)", root, err)
	}
	return out
}
