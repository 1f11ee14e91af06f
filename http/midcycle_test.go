package http

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/internal/seed"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/workflow"
)

// newSeededFixture serves the demo practice: cases at every mid-cycle stage
// with the demo's planted defects. Users are the seed's (clinician, coder,
// frontdesk, mgr, ...), all with testPassword.
func newSeededFixture(t *testing.T, patients int) (*fixture, *seed.Practice) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "claimgate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, store: st, clock: &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}, logs: &syncBuffer{}, users: map[string]claimgate.User{}}
	f.wf = &workflow.Service{Store: st, Now: f.clock.Now}
	p, err := seed.Seed(ctx, st, f.wf, seed.Options{Patients: patients, Seed: 5, AdminPassword: testPassword, Now: f.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	f.users = p.Users
	if f.srv, err = NewServer(Config{Store: st, Workflow: f.wf, Logger: slog.New(slog.NewTextHandler(f.logs, nil)), Now: f.clock.Now}); err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewServer(f.srv)
	t.Cleanup(f.ts.Close)
	return f, p
}

func caseAt(t *testing.T, p *seed.Practice, s claimgate.Stage) claimgate.Case {
	t.Helper()
	for _, c := range p.Cases {
		if c.Stage == s {
			return c
		}
	}
	t.Fatalf("no seeded case at %s", s)
	return claimgate.Case{}
}

func TestAPIMidCycle(t *testing.T) {
	f, p := newSeededFixture(t, 10)
	enc := caseAt(t, p, claimgate.Encounter)
	coder, clin, fd := f.login("coder"), f.login("clinician"), f.login("frontdesk")

	var m midCycleJSON
	res := coder.get(fmt.Sprintf("/api/cases/%d/midcycle", enc.ID))
	if res.status != 200 {
		t.Fatalf("GET midcycle: %d %s", res.status, res.body)
	}
	res.decode(t, &m)
	if m.Visit == nil || m.Visit.Status != claimgate.CheckedIn || len(m.Plan) != 3 || m.CodingReady.ID != "coding_ready" || m.CodingReady.Passed || m.ChargeLagThreshold != 3 {
		t.Errorf("midcycle = %+v", m)
	}
	if !f.hasAudit(f.users["coder"].ID, "read", fmt.Sprintf("case/%d/midcycle", enc.ID)) {
		t.Error("the mid-cycle read is not audited")
	}

	// Front desk may not enter a charge; the coder may, priced from the chargemaster.
	if res := fd.do("POST", fmt.Sprintf("/api/cases/%d/charges", enc.ID), chargeRequest{Code: "99213", Units: 1, DxPointers: []int{1}}); res.status != 403 {
		t.Errorf("front desk charge = %d, want 403", res.status)
	}
	res = coder.do("POST", fmt.Sprintf("/api/cases/%d/charges", enc.ID), chargeRequest{Code: "99213", Units: 1, DxPointers: []int{1, 3}})
	if res.status != 201 {
		t.Fatalf("POST charge: %d %s", res.status, res.body)
	}
	var line chargeLineJSON
	res.decode(t, &line)
	if line.Line != 1 || line.AmountCents != 14500 || line.Amount != "145.00" || line.LagDays < 1 {
		t.Errorf("charge line = %+v", line)
	}
	res = coder.do("POST", fmt.Sprintf("/api/cases/%d/charges", enc.ID), chargeRequest{Code: "99999", Units: 0})
	if res.status != 422 || !strings.Contains(res.body, "units: want 1 or more") || !strings.Contains(res.body, "99999 is not in the chargemaster") {
		t.Errorf("bad charge = %d %s", res.status, res.body)
	}
	if res := coder.do("PUT", fmt.Sprintf("/api/cases/%d/diagnoses", enc.ID), diagnosesRequest{Codes: []string{"E11", "I10"}}); res.status != 200 || !strings.Contains(res.body, `"valid":false`) {
		t.Errorf("PUT diagnoses = %d %s", res.status, res.body)
	}
	res = coder.get(fmt.Sprintf("/api/cases/%d/gates", enc.ID))
	for _, want := range []string{
		"line 1: CPT 99213 points to diagnosis 3, which does not exist",
		"diagnosis 1: ICD-10-CM E11 is a category header, not billable",
		"missing charge for ordered CPT 83036",
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("gates do not say %q:\n%s", want, res.body)
		}
	}

	// A note: written and signed by its clinician, not by the coder.
	res = clin.do("POST", fmt.Sprintf("/api/cases/%d/notes", enc.ID), noteRequest{ServiceType: claimgate.OfficeVisit,
		Elements: []claimgate.Element{claimgate.ChiefComplaint, claimgate.HistoryExam, claimgate.MDM}, Text: "Follow-up."})
	if res.status != 201 {
		t.Fatalf("POST note: %d %s", res.status, res.body)
	}
	var n noteJSON
	res.decode(t, &n)
	if res := coder.do("POST", fmt.Sprintf("/api/notes/%d/sign", n.ID), nil); res.status != 403 {
		t.Errorf("coder signs = %d, want 403", res.status)
	}
	if res := clin.do("POST", fmt.Sprintf("/api/notes/%d/sign", n.ID), nil); res.status != 200 || !strings.Contains(res.body, `"status":"signed"`) {
		t.Errorf("sign = %d %s", res.status, res.body)
	}
	if res := clin.do("PUT", fmt.Sprintf("/api/notes/%d", n.ID), noteRequest{ServiceType: claimgate.OfficeVisit, Elements: []claimgate.Element{}}); res.status != 409 {
		t.Errorf("edit a signed note = %d, want 409", res.status)
	}

	// Void the line; then the no-show close is refused at documentation but works at encounter.
	if res := coder.do("POST", fmt.Sprintf("/api/cases/%d/charges/%d/void", enc.ID, line.ID), voidRequest{Reason: "wrong case"}); res.status != 200 || !strings.Contains(res.body, `"voided":true`) {
		t.Errorf("void = %d %s", res.status, res.body)
	}
	res = fd.do("POST", fmt.Sprintf("/api/cases/%d/encounter/cancel", enc.ID), cancelRequest{Status: claimgate.NoShow, Reason: "left before being seen"})
	if res.status != 201 || !strings.Contains(res.body, `"to":"closed"`) || !strings.Contains(res.body, `"move":"cancelled"`) {
		t.Errorf("cancel = %d %s", res.status, res.body)
	}

	// The lists.
	for _, path := range []string{"/api/midcycle/coding", "/api/midcycle/unsigned-notes", "/api/midcycle/charge-lag", "/api/midcycle/missing-charges", "/api/chargemaster",
		fmt.Sprintf("/api/payers/%d/fees", p.Payers[0].ID), fmt.Sprintf("/api/payers/%d/coverage", p.Payers[0].ID)} {
		if res := coder.get(path); res.status != 200 || !strings.HasPrefix(res.body, "[{") {
			t.Errorf("GET %s = %d %.200s", path, res.status, res.body)
		}
	}
	var rows []codingRowJSON
	coder.get("/api/midcycle/coding").decode(t, &rows)
	if len(rows) != 3 {
		t.Errorf("coding queue = %d rows, want the 3 seeded at coding", len(rows))
	}
	if res := coder.do("POST", "/api/chargemaster", chargeItemJSON{Code: "99215", Description: "Return visit, high complexity", PriceCents: 30000, ServiceType: claimgate.OfficeVisit}); res.status != 403 {
		t.Errorf("coder edits the chargemaster = %d, want 403", res.status)
	}
	mgr := f.login("mgr")
	payer := p.Payers[0].ID
	if res := mgr.do("POST", fmt.Sprintf("/api/payers/%d/fees", payer), feeJSON{Code: "99213", Modifier: "25", AllowedCents: 9100}); res.status != 200 {
		t.Errorf("POST fee = %d %s", res.status, res.body)
	}
	if res := coder.get(fmt.Sprintf("/api/payers/%d/fees", payer)); !strings.Contains(res.body, `{"code":"99213","modifier":"25","allowed_cents":9100}`) {
		t.Errorf("fees after POST = %.300s", res.body)
	}
	res = mgr.do("POST", fmt.Sprintf("/api/payers/%d/coverage", payer), coverageJSON{Code: "85025", Diagnoses: []string{"d64.9", "R50"}, Policy: "CBC (synthetic)"})
	if res.status != 200 || !strings.Contains(res.body, `"diagnoses":["D64.9","R50"]`) {
		t.Errorf("POST coverage = %d %s", res.status, res.body)
	}
	if res := mgr.do("POST", fmt.Sprintf("/api/payers/%d/coverage", payer), coverageJSON{Code: "85025", Diagnoses: []string{"x"}}); res.status != 422 {
		t.Errorf("bad coverage = %d", res.status)
	}
	res = mgr.do("PUT", "/api/doc-requirements", docRulesRequest{ServiceType: claimgate.Lab, Requirements: []docReqJSON{{Label: "signed order", AnyOf: []claimgate.Element{claimgate.Order}}}})
	if res.status != 200 || !strings.Contains(res.body, `{"service_type":"lab","label":"signed order","any_of":["order"]}`) {
		t.Errorf("PUT doc-requirements = %d %.300s", res.status, res.body)
	}
	if res := coder.do("PUT", "/api/doc-requirements", docRulesRequest{ServiceType: claimgate.Lab}); res.status != 403 {
		t.Errorf("coder sets doc requirements = %d, want 403", res.status)
	}
	if res := mgr.do("POST", "/api/chargemaster", chargeItemJSON{Code: "99215", Description: "Return visit, high complexity", PriceCents: 30000, ServiceType: claimgate.OfficeVisit}); res.status != 200 {
		t.Errorf("manager edits the chargemaster = %d %s", res.status, res.body)
	}
}

func TestUIMidCycle(t *testing.T) {
	f, p := newSeededFixture(t, 10)
	coding := caseAt(t, p, claimgate.Coding)
	coder := f.login("coder")
	page := coder.get(fmt.Sprintf("/cases/%d", coding.ID))
	for _, want := range []string{`id="midcycle"`, `id="charges"`, `id="diagnoses"`, "charge lag threshold 3 days", "Coding-Ready"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	// A charge entered through the form; a refused one names why on the page.
	res := coder.form(fmt.Sprintf("/cases/%d/charges", coding.ID), url.Values{"code": {"85025"}, "units": {"1"}, "pointers": {"1"}})
	if res.status != http.StatusSeeOther || !strings.Contains(res.header.Get("Location"), "done=saved") {
		t.Fatalf("charge form = %d %s", res.status, res.header.Get("Location"))
	}
	res = coder.form(fmt.Sprintf("/cases/%d/charges", coding.ID), url.Values{"code": {"85025"}, "units": {"x"}, "pointers": {"1"}})
	if res.status != 422 || !strings.Contains(res.body, "Charge not captured") || !strings.Contains(res.body, "units: want a whole number") {
		t.Errorf("refused charge form = %d", res.status)
	}
	// The clinician adds an order during the visit; charge capture must account for it.
	clin := f.login("clinician")
	res = clin.form(fmt.Sprintf("/cases/%d/plan", coding.ID), url.Values{"kind": {"order"}, "code": {"85025"}, "units": {"2"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("plan form = %d %s", res.status, res.body)
	}
	if page := coder.get(fmt.Sprintf("/cases/%d", coding.ID)); !strings.Contains(page.body, "ordered CPT 85025: 2 unit(s) planned, 1 charged") {
		t.Errorf("the added order is not checked by charge capture")
	}
	if res := coder.form(fmt.Sprintf("/cases/%d/plan", coding.ID), url.Values{"kind": {"order"}, "code": {"85025"}}); res.status != 403 {
		t.Errorf("coder adds an order = %d, want 403", res.status)
	}
	for _, path := range []string{"/coding", "/midcycle"} {
		res := coder.get(path)
		if res.status != 200 {
			t.Errorf("GET %s = %d", path, res.status)
		}
		if path == "/coding" && strings.Count(res.body, `class="card coding-row"`) != 3 {
			t.Errorf("coding page shows %d cases, want 3", strings.Count(res.body, `class="card coding-row"`))
		}
		if path == "/midcycle" && (!strings.Contains(res.body, "Unsigned notes") || !strings.Contains(res.body, "Missing charges")) {
			t.Errorf("mid-cycle page lacks its lists")
		}
	}
}
