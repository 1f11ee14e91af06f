package http

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
)

// loginForm logs in through the HTML form, as a browser does.
func (f *fixture) loginForm(username string) *client {
	f.t.Helper()
	c := f.anon()
	page := c.get("/login?next=/cases")
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page.body)
	if page.status != 200 || m == nil {
		f.t.Fatalf("GET /login: %d, no csrf_token field", page.status)
	}
	res := c.form("/login", url.Values{"csrf_token": {m[1]}, "username": {username}, "password": {testPassword}, "next": {"/cases"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/cases" {
		f.t.Fatalf("POST /login: %d to %q: %.300s", res.status, res.header.Get("Location"), res.body)
	}
	// Pages carry the session's CSRF token in their forms.
	work := c.get("/work")
	m = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(work.body)
	if m == nil {
		f.t.Fatalf("no csrf_token on /work")
	}
	c.csrf = m[1]
	return c
}

func TestLoginFormRefusals(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name     string
		withTok  bool
		password string
		next     string
		status   int
		location string
		body     string
	}{
		{"no login token", false, testPassword, "/work", 403, "", "This login form expired"},
		{"wrong password", true, "nope", "/work", 401, "", "invalid username or password"},
		{"ok", true, testPassword, "/queues", 303, "/queues", ""},
		{"open redirect refused", true, testPassword, "//evil.example/", 303, "/", ""},
		{"scheme redirect refused", true, testPassword, "https://evil.example/", 303, "/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.anon()
			page := c.get("/login")
			tok := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page.body)[1]
			if !tt.withTok {
				tok = "forged"
			}
			res := c.form("/login", url.Values{"csrf_token": {tok}, "username": {"mgr"}, "password": {tt.password}, "next": {tt.next}})
			if res.status != tt.status || res.header.Get("Location") != tt.location || !strings.Contains(res.body, tt.body) {
				t.Errorf("status %d Location %q; want %d %q with %q; body %.300s", res.status, res.header.Get("Location"), tt.status, tt.location, tt.body, res.body)
			}
		})
	}
}

func TestPagesRender(t *testing.T) {
	f := newFixture(t)
	admin := f.loginForm("admin")
	tests := []struct {
		path string
		want []string
	}{
		{"/work", []string{"<h1>My work</h1>", "Ada Admin", `action="/logout"`}},
		{"/queues", []string{"5. Financial Clearance", "not set (assigned by role)", "1h 35m", "Claim next"}},
		{"/queues/financial_clearance", []string{"Testwood, Jordan", fmt.Sprintf(`href="/cases/%d"`, f.caseID), "case arrived from authorization"}},
		{"/cases", []string{"Testwood, Jordan", "MRN000123", "2026-12-01", "5. Financial Clearance"}},
		{"/cases?stage=intake", []string{"0 cases", "No cases match."}},
		{fmt.Sprintf("/cases/%d", f.caseID), []string{"Case #", "Financial Clearance", "Frankie Desk"}},
		{"/admin/users", []string{"Add a user", "Morgan Manager", "auth coordinator"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := admin.get(tt.path)
			if res.status != 200 || res.header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("status %d, %s", res.status, res.header.Get("Content-Type"))
			}
			for _, w := range tt.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("CSP = %q", csp)
			}
		})
	}
	if res := admin.get("/nowhere"); res.status != 404 || !strings.Contains(res.body, "there is no page at /nowhere") {
		t.Errorf("/nowhere: %d", res.status)
	}
	if res := admin.get("/static/style.css"); res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/css") {
		t.Errorf("/static/style.css: %d %s", res.status, res.header.Get("Content-Type"))
	}
	if res := admin.get("/cases/abc"); res.status != 404 {
		t.Errorf("/cases/abc: %d", res.status)
	}
}

func TestCasePage(t *testing.T) {
	f := newFixture(t)
	fd := f.loginForm("fd")
	page := fd.get(fmt.Sprintf("/cases/%d", f.caseID))
	if page.status != 200 {
		t.Fatalf("status %d", page.status)
	}
	for _, want := range []string{
		`data-testid="case-stage">5. Financial Clearance<`,
		`data-testid="case-owner">Frankie Desk<`,
		`data-testid="case-in-stage">1h 35m<`,
		`<li class="stage current" aria-current="step" title="5. Financial Clearance">`,
		`id="block-ready_to_bill-eligibility"`,
		`id="block-ready_to_bill-authorization"`,
		`id="block-ready_to_bill-patient_responsibility"`,
		"eligibility never checked for the date of service",
		`id="gate-ready_to_bill"`, `id="gate-coding_ready"`, `id="gate-close_ready"`,
		`name="to" value="encounter"`,
		"Only a manager can approve an exception",
		"Case opened",
		"Moved Authorization / Medical Necessity → Financial Clearance",
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	// fd may hand on the items fd owns, and no other.
	if n := strings.Count(page.body, `<button class="btn btn-small" type="submit">Reassign</button>`); n != 2 {
		t.Errorf("front desk sees %d reassign forms, want 2 (the stage's item and the follow-up)", n)
	}
	if strings.Contains(page.body, `action="/cases/`+fmt.Sprint(f.caseID)+`/exceptions"`) {
		t.Errorf("a front-desk user sees exception forms")
	}
	// The stages before the current one are done, those after ahead.
	if n := strings.Count(page.body, `class="stage done"`); n != 4 {
		t.Errorf("%d stages done, want 4", n)
	}
	if n := strings.Count(page.body, `class="stage ahead"`); n != 12 {
		t.Errorf("%d stages ahead, want 12", n)
	}
	// A non-manager's exception form is refused.
	res := fd.form(fmt.Sprintf("/cases/%d/exceptions", f.caseID), url.Values{"gate": {"ready_to_bill"}, "item": {"eligibility"}, "reason": {"x"}, "owner_id": {"1"}, "expires": {"2026-12-01"}})
	if res.status != 403 || !strings.Contains(res.body, "needs the manager role") {
		t.Errorf("exception by front desk: %d", res.status)
	}
}

// TestStopTheLineInTheUI walks the SOP's demo through the forms: the move
// is refused with every blocking item named, a manager logs an exception
// for each, the move goes through and shows in the timeline.
func TestStopTheLineInTheUI(t *testing.T) {
	f := newFixture(t)
	mgr := f.loginForm("mgr")
	casePath := fmt.Sprintf("/cases/%d", f.caseID)

	res := mgr.form(casePath+"/move", url.Values{"from": {"financial_clearance"}, "to": {"encounter"}, "reason": {"patient checked in"}})
	if res.status != http.StatusConflict {
		t.Fatalf("refused move: status %d, want 409", res.status)
	}
	errBox := regexp.MustCompile(`(?s)<div class="errorbox" role="alert" id="error">(.*?)</div>`).FindStringSubmatch(res.body)
	if errBox == nil {
		t.Fatalf("no error box on the refused move's page")
	}
	for _, item := range []string{"ready_to_bill/eligibility (fail)", "ready_to_bill/authorization (fail)", "ready_to_bill/patient_responsibility (fail)"} {
		if !strings.Contains(errBox[1], item) {
			t.Errorf("error box lacks %q:\n%s", item, errBox[1])
		}
	}
	if !strings.Contains(res.body, `value="patient checked in"`) {
		t.Errorf("the typed reason was lost")
	}
	if !strings.Contains(res.body, `data-testid="case-stage">5. Financial Clearance<`) {
		t.Errorf("refused page does not show the case still at financial clearance")
	}

	// A bad exception form re-renders the case with every wrong field.
	res = mgr.form(casePath+"/exceptions", url.Values{"gate": {"ready_to_bill"}, "item": {"eligibility"}, "reason": {""}, "owner_id": {""}, "expires": {"2020-01-01"}})
	if res.status != 422 || !strings.Contains(res.body, "reason: required") || !strings.Contains(res.body, "owner: required") || !strings.Contains(res.body, "expires: must be in the future") {
		t.Errorf("bad exception: status %d", res.status)
	}

	expires := f.clock.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	for _, item := range []string{"eligibility", "authorization", "patient_responsibility"} {
		res := mgr.form(casePath+"/exceptions", url.Values{"gate": {"ready_to_bill"}, "item": {item}, "reason": {"verify after the visit"},
			"owner_id": {fmt.Sprint(f.users["fd"].ID)}, "expires": {expires}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != casePath+"?done=exception#gates" {
			t.Fatalf("exception %s: %d to %q: %.500s", item, res.status, res.header.Get("Location"), res.body)
		}
	}
	page := mgr.get(casePath + "?done=exception")
	if !strings.Contains(page.body, "Exception logged.") || strings.Count(page.body, `<span class="badge st-excepted">Excepted</span>`) != 3 {
		t.Errorf("case page after exceptions lacks the flash or 3 excepted items")
	}
	if !strings.Contains(page.body, "Nothing blocks it") {
		t.Errorf("case page still shows blocking items")
	}

	res = mgr.form(casePath+"/move", url.Values{"from": {"financial_clearance"}, "to": {"encounter"}, "reason": {"patient checked in"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != casePath+"?done=moved#timeline" {
		t.Fatalf("move: %d to %q: %.500s", res.status, res.header.Get("Location"), res.body)
	}
	page = mgr.get(casePath + "?done=moved")
	timeline := page.body[strings.Index(page.body, `id="timeline"`):]
	first := regexp.MustCompile(`(?s)<li class="event ev-case\.moved">(.*?)</li>`).FindStringSubmatch(timeline)
	if first == nil || !strings.Contains(first[1], "Moved Financial Clearance → Encounter") || !strings.Contains(first[1], "by Morgan Manager") || !strings.Contains(first[1], "patient checked in") {
		t.Errorf("newest move in the timeline = %q", first)
	}
	if !strings.Contains(page.body, `data-testid="case-stage">6. Encounter<`) || !strings.Contains(page.body, "Case moved.") {
		t.Errorf("case page does not show the case at encounter")
	}
	if !f.hasAudit(f.users["mgr"].ID, "move", fmt.Sprintf("case/%d", f.caseID)) {
		t.Errorf("move not audited")
	}

	// Resolve an exception from the case page.
	exc, _ := f.store.Exceptions(t.Context(), f.caseID)
	res = mgr.form(fmt.Sprintf("/exceptions/%d/resolve", exc[0].ID), url.Values{"resolution": {""}})
	if res.status != 422 || !strings.Contains(res.body, "resolution: say what was done") {
		t.Errorf("empty resolution: %d", res.status)
	}
	res = mgr.form(fmt.Sprintf("/exceptions/%d/resolve", exc[0].ID), url.Values{"resolution": {"verified by phone"}})
	if res.status != http.StatusSeeOther {
		t.Errorf("resolve: %d %.300s", res.status, res.body)
	}

	// Logout ends the session.
	if res := mgr.form("/logout", url.Values{}); res.status != http.StatusSeeOther || res.header.Get("Location") != "/login" {
		t.Errorf("logout: %d", res.status)
	}
	if res := mgr.get("/work"); res.status != http.StatusSeeOther {
		t.Errorf("after logout /work: %d", res.status)
	}
}

func TestWorkForms(t *testing.T) {
	f := newFixture(t)
	fd := f.loginForm("fd")
	page := fd.get("/work")
	for _, want := range []string{
		fmt.Sprintf(`action="/work/%d/complete"`, f.followID),        // follow-up work is completed here
		fmt.Sprintf(`href="/cases/%d#move">Work case</a>`, f.caseID), // stage work is done by moving the case
		"Testwood, Jordan", "call the patient about the estimate", "2 open items",
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("My work lacks %q", want)
		}
	}
	items, err := f.store.WorkItems(t.Context(), claimgate.WorkFilter{OwnerID: f.users["fd"].ID, Queue: "financial_clearance"})
	if err != nil || len(items) != 1 {
		t.Fatalf("fd's financial_clearance items: %v, %v", items, err)
	}
	res := fd.form(fmt.Sprintf("/work/%d/reassign", items[0].ID), url.Values{"owner_id": {fmt.Sprint(f.users["mgr"].ID)}, "next": {"/work"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/work?done=reassigned" {
		t.Fatalf("reassign: %d %q", res.status, res.header.Get("Location"))
	}
	if page := fd.get("/work?done=reassigned"); !strings.Contains(page.body, "1 open item,") || !strings.Contains(page.body, "Work item reassigned.") {
		t.Errorf("fd's list after reassignment: %.2000s", page.body)
	}
	res = fd.form(fmt.Sprintf("/work/%d/complete", f.followID), url.Values{"next": {"https://evil.example/"}})
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/?done=completed" {
		t.Errorf("complete: %d %q", res.status, res.header.Get("Location"))
	}
	if page := fd.get("/work"); !strings.Contains(page.body, "No open work is assigned to you.") {
		t.Errorf("fd still has work")
	}
}

func TestRenderErrorIsCleanInternalError(t *testing.T) {
	f := newFixture(t)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/cases/1", nil)
	// The case page's template cannot execute on data of another shape:
	// nothing of the half-rendered page may reach the client.
	f.srv.render(rec, req, http.StatusOK, "case", struct{ Title string }{"x"})
	if rec.Code != 500 || strings.TrimSpace(rec.Body.String()) != "internal error" {
		t.Errorf("render error: %d %q", rec.Code, rec.Body.String())
	}
	if !strings.Contains(f.logs.String(), "render page") {
		t.Errorf("render error not logged:\n%s", f.logs.String())
	}
}

func TestPagesEscapeData(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	p := claimgate.Patient{MRN: `MRN"><b>`, First: "Eve", Last: "<script>alert(1)</script>", BirthDate: claimgate.Date{Year: 1990, Month: 1, Day: 1}, Sex: claimgate.Unknown}
	if err := f.store.CreatePatient(ctx, &p); err != nil {
		t.Fatal(err)
	}
	c, _ := f.store.Case(ctx, f.caseID)
	fd := f.users["fd"]
	nc, err := f.wf.OpenCase(ctx, &fd, claimgate.Case{PatientID: p.ID, LocationID: c.LocationID, ProviderID: c.ProviderID, ServiceDate: c.ServiceDate})
	if err != nil {
		t.Fatal(err)
	}
	mgr := f.loginForm("mgr")
	for _, path := range []string{"/cases", fmt.Sprintf("/cases/%d", nc.ID), "/queues/intake"} {
		body := mgr.get(path).body
		if strings.Contains(body, "<script>alert") || strings.Contains(body, `"><b>`) {
			t.Errorf("%s does not escape patient data", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s lacks the escaped name", path)
		}
	}
}
