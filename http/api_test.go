package http

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/google/go-cmp/cmp"
)

// concrete fills a route's path parameters so that it can be requested.
func concrete(path string, caseID int64) string {
	return strings.NewReplacer("{id}", fmt.Sprint(caseID), "{queue}", "financial_clearance", "{$}", "").Replace(path)
}

func TestAuthRequired(t *testing.T) {
	f := newFixture(t)
	c := f.anon()
	for _, rt := range f.srv.routes {
		if rt.Access == public {
			continue
		}
		path := concrete(rt.Path, f.caseID)
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			_, evBefore, _ := f.caseState(f.caseID)
			var res response
			if rt.Method == "GET" {
				res = c.get(path)
			} else if rt.api() {
				res = c.do(rt.Method, path, `{}`)
			} else {
				res = c.form(path, url.Values{"csrf_token": {"x"}})
			}
			if rt.api() {
				if res.status != http.StatusUnauthorized {
					t.Fatalf("status = %d, want 401; body %s", res.status, res.body)
				}
				p := res.problem(t)
				if p.Status != 401 || p.Type != "urn:claimgate:problem:unauthorized" || !strings.Contains(p.Detail, "log in") {
					t.Errorf("problem = %+v, want a 401 that says to log in", p)
				}
			} else {
				if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login?next=") {
					t.Fatalf("status = %d, Location %q; want 303 to /login", res.status, res.header.Get("Location"))
				}
				if strings.Contains(res.body, "Testwood") {
					t.Errorf("redirect body leaks patient data: %s", res.body)
				}
			}
			if _, evAfter, _ := f.caseState(f.caseID); evAfter != evBefore {
				t.Errorf("unauthenticated %s %s wrote %d events", rt.Method, path, evAfter-evBefore)
			}
		})
	}
}

func TestCSRFRejected(t *testing.T) {
	f := newFixture(t)
	admin := f.login("admin") // holds every role, so only CSRF can refuse
	for _, rt := range f.srv.routes {
		if rt.Access == public || rt.Method == "GET" {
			continue
		}
		path := concrete(rt.Path, f.caseID)
		for _, tok := range []string{"", "wrong-token"} {
			t.Run(fmt.Sprintf("%s %s token=%q", rt.Method, rt.Path, tok), func(t *testing.T) {
				stage, evBefore, excBefore := f.caseState(f.caseID)
				c := *admin
				c.csrf = ""
				var res response
				if rt.api() {
					req, _ := http.NewRequest(rt.Method, f.ts.URL+path, strings.NewReader(`{"from":"financial_clearance","to":"encounter","gate":"ready_to_bill","item":"eligibility","reason":"x","owner_id":1,"resolution":"x"}`))
					req.Header.Set("Content-Type", "application/json")
					if tok != "" {
						req.Header.Set("X-CSRF-Token", tok)
					}
					res = c.send(req)
					if p := res.problem(t); p.Status != 403 || !strings.Contains(p.Detail, "X-CSRF-Token") {
						t.Errorf("problem = %+v, want 403 naming X-CSRF-Token", p)
					}
				} else {
					res = c.form(path, url.Values{"csrf_token": {tok}, "from": {"financial_clearance"}, "to": {"encounter"}, "reason": {"x"}})
					if res.status != http.StatusForbidden || !strings.Contains(res.body, "this form has expired") {
						t.Errorf("status = %d, want 403 with the expired-form message; body %.300s", res.status, res.body)
					}
				}
				if st, ev, exc := f.caseState(f.caseID); st != stage || ev != evBefore || exc != excBefore {
					t.Errorf("refused request changed the case: stage %s→%s, events %d→%d, exceptions %d→%d", stage, st, evBefore, ev, excBefore, exc)
				}
			})
		}
	}
	// The session survives: the right token still works.
	if res := admin.do("POST", "/api/logout", nil); res.status != http.StatusNoContent {
		t.Errorf("logout with the right token: status %d, body %s", res.status, res.body)
	}
}

func TestLogin(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, username, password string
		status                   int
	}{
		{"ok", "mgr", testPassword, 200},
		{"wrong password", "mgr", "nope", 401},
		{"unknown user", "nobody", testPassword, 401},
		{"inactive user", "gone", testPassword, 401},
		{"empty", "", "", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.anon()
			res := c.do("POST", "/api/login", loginRequest{tt.username, tt.password})
			if res.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", res.status, tt.status, res.body)
			}
			if tt.status != 200 {
				// Every refusal reads the same: nothing says which part was wrong.
				if p := res.problem(t); p.Detail != "invalid username or password" {
					t.Errorf("detail = %q", p.Detail)
				}
				if sc := res.header.Get("Set-Cookie"); strings.Contains(sc, sessionCookie) {
					t.Errorf("refused login set a session cookie: %s", sc)
				}
				return
			}
			var s sessionJSON
			res.decode(t, &s)
			if s.User.Username != "mgr" || len(s.CSRFToken) < 20 || !s.Expires.Equal(f.clock.Now().Add(DefaultIdleTimeout)) {
				t.Errorf("session = %+v", s)
			}
			if strings.Contains(res.body, "hash") {
				t.Errorf("login response mentions a hash: %s", res.body)
			}
			var cookie *http.Cookie
			for _, ck := range (&http.Response{Header: res.header}).Cookies() {
				if ck.Name == sessionCookie {
					cookie = ck
				}
			}
			if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure || cookie.Path != "/" {
				t.Fatalf("session cookie = %+v, want HttpOnly, SameSite=Lax, not Secure (SecureCookies off)", cookie)
			}
			// The store knows the token only by its SHA-256.
			raw, err := base64.RawURLEncoding.DecodeString(cookie.Value)
			if err != nil || len(raw) != 32 {
				t.Fatalf("cookie value %q is not 32 base64url bytes", cookie.Value)
			}
			sum := sha256.Sum256(raw)
			sess, err := f.store.Session(context.Background(), sum[:], f.clock.Now())
			if err != nil || sess.UserID != f.users["mgr"].ID || sess.CSRFToken != s.CSRFToken {
				t.Errorf("Session(sha256(token)) = %+v, %v", sess, err)
			}
			if _, err := f.store.Session(context.Background(), raw, f.clock.Now()); claimgate.ErrorKind(err) != claimgate.NotFound {
				t.Errorf("Session(raw token) = %v, want NotFound: the raw token must not be stored", err)
			}
			if !f.hasAudit(f.users["mgr"].ID, "login", fmt.Sprintf("user/%d", f.users["mgr"].ID)) {
				t.Errorf("no login audit entry")
			}
			// GET /api/session returns the same token; logout ends the session.
			c.csrf = s.CSRFToken
			var again sessionJSON
			c.get("/api/session").decode(t, &again)
			if again.CSRFToken != s.CSRFToken {
				t.Errorf("GET /api/session csrf = %q, want %q", again.CSRFToken, s.CSRFToken)
			}
			if res := c.do("POST", "/api/logout", nil); res.status != 204 {
				t.Fatalf("logout status %d", res.status)
			}
			if _, err := f.store.Session(context.Background(), sum[:], f.clock.Now()); claimgate.ErrorKind(err) != claimgate.NotFound {
				t.Errorf("session after logout: %v, want NotFound", err)
			}
			if res := c.get("/api/session"); res.status != 401 {
				t.Errorf("GET /api/session after logout: %d, want 401", res.status)
			}
		})
	}
}

func TestSessionExpiresAndSecureCookie(t *testing.T) {
	f := newFixture(t)
	c := f.login("mgr")
	f.clock.Add(SessionLifetime + time.Minute)
	if res := c.get("/api/session"); res.status != 401 {
		t.Errorf("expired session: status %d, want 401", res.status)
	}
	srv, err := NewServer(Config{Store: f.store, Workflow: f.wf, Now: f.clock.Now, SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(srv, "POST", "/api/login", `{"username":"mgr","password":"`+testPassword+`"}`)
	if sc := rec.Header().Get("Set-Cookie"); !strings.Contains(sc, "; Secure") || !strings.Contains(sc, "HttpOnly") {
		t.Errorf("Set-Cookie = %q, want Secure and HttpOnly", sc)
	}
	if hsts := rec.Header().Get("Strict-Transport-Security"); hsts == "" {
		t.Errorf("no Strict-Transport-Security with SecureCookies")
	}
}

func TestRoleRefused(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		user, method, path string
		body               any
		wantDetail         string
	}{
		{"fd", "POST", "/api/cases/%d/exceptions", exceptionRequest{Gate: "ready_to_bill", Item: "eligibility", Reason: "x", OwnerID: 1, Expires: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}, "needs the manager role"},
		{"mgr", "POST", "/api/users", createUserRequest{Username: "eve", Name: "Eve", Password: "longenough", Roles: []string{"admin"}}, "needs the admin role"},
		{"clin", "POST", "/api/cases/%d/moves", moveRequest{From: "financial_clearance", To: "encounter"}, "needs the front_desk or manager role"},
		{"clin", "POST", "/api/cases", createCaseRequest{PatientID: 1, LocationID: 1, ProviderID: 1, ServiceDate: claimgate.Date{Year: 2026, Month: 12, Day: 2}}, "front_desk or manager"},
		{"clin", "POST", "/api/queues/financial_clearance/claim", nil, "front_desk or manager role"},
	}
	for _, tt := range tests {
		path := tt.path
		if strings.Contains(path, "%d") {
			path = fmt.Sprintf(path, f.caseID)
		}
		t.Run(tt.user+" "+path, func(t *testing.T) {
			c := f.login(tt.user)
			stage, ev, exc := f.caseState(f.caseID)
			res := c.do(tt.method, path, tt.body)
			if p := res.problem(t); p.Status != 403 || !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("problem = %+v, want 403 containing %q", p, tt.wantDetail)
			}
			if st, ev2, exc2 := f.caseState(f.caseID); st != stage || ev2 != ev || exc2 != exc {
				t.Errorf("refused request changed the case")
			}
		})
	}
	// The UI refuses too, and records the refusal.
	c := f.login("mgr")
	if res := c.get("/admin/users"); res.status != 403 || !strings.Contains(res.body, "needs the admin role") {
		t.Errorf("GET /admin/users as manager: %d", res.status)
	}
	if !f.hasAudit(f.users["mgr"].ID, "refused", "GET /admin/users") {
		t.Errorf("no audit entry for the refused page")
	}
}

func TestProblemDetails(t *testing.T) {
	f := newFixture(t)
	mgr := f.login("mgr")
	cases := fmt.Sprintf("/api/cases/%d", f.caseID)
	future := f.clock.Now().Add(72 * time.Hour).Format(time.RFC3339)
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		status      int
		detail      string
		errors      []string
	}{
		{"malformed JSON", "POST", cases + "/moves", "application/json", `{"from": "financial_clearance",`, 400, "malformed JSON", nil},
		{"syntax error", "POST", cases + "/moves", "application/json", `{"from" "x"}`, 400, "malformed JSON at byte", nil},
		{"empty body", "POST", cases + "/moves", "application/json", ``, 400, "the body is empty", nil},
		{"unknown field", "POST", cases + "/moves", "application/json", `{"from":"financial_clearance","to":"encounter","force":true}`, 400, `unknown field "force"`, nil},
		{"wrong type", "POST", cases + "/moves", "application/json", `{"from":1,"to":"encounter"}`, 400, "field from: want a string, got number", nil},
		{"two objects", "POST", cases + "/moves", "application/json", `{"from":"financial_clearance","to":"encounter"}{}`, 400, "single JSON object", nil},
		{"not an object", "POST", cases + "/moves", "application/json", `[1,2]`, 400, "must be a JSON object", nil},
		{"form body", "POST", cases + "/moves", "application/x-www-form-urlencoded", `from=financial_clearance&to=encounter`, 415, "Content-Type: application/json", nil},
		{"unknown stage", "POST", cases + "/moves", "application/json", `{"from":"financial_clearance","to":"billing"}`, 422, `unknown stage "billing"`, []string{`to: unknown stage "billing": want one of ` + strings.Join(stageNames(), ", ")}},
		{"missing stages", "POST", cases + "/moves", "application/json", `{}`, 422, "move not made", []string{"from: required (the stage the case is at, as you saw it)", "to: required (the stage to move the case to)"}},
		{"skips a stage", "POST", cases + "/moves", "application/json", `{"from":"financial_clearance","to":"documentation"}`, 422, "it skips encounter", []string{"encounter"}},
		{"stale move", "POST", cases + "/moves", "application/json", `{"from":"eligibility","to":"authorization"}`, 409, "reload and try again", nil},
		{"gate stops the line", "POST", cases + "/moves", "application/json", `{"from":"financial_clearance","to":"encounter"}`, 409, "Ready-to-Bill gate stops the line: 3 item(s)", []string{
			"ready_to_bill/eligibility (fail): eligibility never checked for the date of service 2026-12-01",
			"ready_to_bill/authorization (fail): no services are planned for this case: record the encounter plan so the payer's authorization rules can be checked",
			"ready_to_bill/patient_responsibility (fail): no patient responsibility estimate has been communicated and recorded",
		}},
		{"unknown case", "GET", "/api/cases/999999", "", "", 404, "", nil},
		{"bad case id", "GET", "/api/cases/abc", "", "", 404, `no case "abc"`, nil},
		{"missing owner", "POST", cases + "/exceptions", "application/json", `{"gate":"ready_to_bill","item":"eligibility","reason":"payer portal down","expires":"` + future + `"}`, 422, "exception not logged", []string{"owner: required (a real user who will resolve it)"}},
		{"every bad exception field", "POST", cases + "/exceptions", "application/json", `{"gate":"ready_to_bill","item":"nope","owner_id":999,"expires":"2020-01-01T00:00:00Z"}`, 422, "exception not logged", []string{
			`item: gate ready_to_bill has no item "nope"`, "reason: required", "owner: user 999 does not exist", "expires: must be in the future"}},
		{"inactive owner", "POST", cases + "/exceptions", "application/json", fmt.Sprintf(`{"gate":"ready_to_bill","item":"eligibility","reason":"r","owner_id":%d,"expires":"%s"}`, f.users["gone"].ID, future), 422, "user gone is not active", nil},
		{"passing item", "POST", cases + "/exceptions", "application/json", fmt.Sprintf(`{"gate":"ready_to_bill","item":"identifiers","reason":"r","owner_id":%d,"expires":"%s"}`, f.users["fd"].ID, future), 422, "no exception is needed", nil},
		{"bad expires", "POST", cases + "/exceptions", "application/json", `{"gate":"ready_to_bill","item":"eligibility","expires":"tomorrow"}`, 400, "malformed JSON", nil},
		{"bad date", "POST", "/api/cases", "application/json", `{"patient_id":1,"location_id":1,"provider_id":1,"service_date":"12/01/2026"}`, 422, `invalid date "12/01/2026"`, nil},
		{"missing case fields", "POST", "/api/cases", "application/json", `{"patient_id":1}`, 422, "case is missing", []string{"location_id", "provider_id", "service_date"}},
		{"bad filter", "GET", "/api/cases?stage=nowhere&limit=0", "", "", 422, "bad case filter", nil},
		{"bad queue status", "GET", "/api/queues/intake/items?status=later", "", "", 422, "status: want open, done or all", nil},
		{"empty queue", "POST", "/api/queues/coding/claim", "", "", 404, "queue coding has no open, unclaimed work", nil},
		{"unknown API route", "GET", "/api/nothing", "", "", 404, "no API route GET /api/nothing", nil},
		{"wrong method", "DELETE", cases, "", "", 405, "is not allowed: use GET", nil},
		{"reassign without owner", "POST", "/api/work/1/reassign", "application/json", `{"reason":"x"}`, 422, "owner_id: required", []string{"owner_id: required"}},
		{"resolve without resolution", "POST", "/api/exceptions/999/resolve", "application/json", `{"resolution":""}`, 404, "", nil},
		{"bad new user", "POST", "/api/users", "application/json", `{"username":"A","name":"","password":"short","roles":["chief"]}`, 403, "needs the admin role", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stage, ev, exc := f.caseState(f.caseID)
			req, _ := http.NewRequest(tt.method, f.ts.URL+tt.path, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			req.Header.Set("X-CSRF-Token", mgr.csrf)
			res := mgr.send(req)
			if res.status != tt.status {
				t.Fatalf("status = %d, want %d; body %s", res.status, tt.status, res.body)
			}
			p := res.problem(t)
			if p.Status != tt.status || p.Title != http.StatusText(tt.status) || !strings.HasPrefix(p.Type, "urn:claimgate:problem:") {
				t.Errorf("problem = %+v: status, title or type wrong", p)
			}
			if !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to contain %q", p.Detail, tt.detail)
			}
			if tt.errors != nil {
				if diff := cmp.Diff(tt.errors, p.Errors); diff != "" {
					t.Errorf("errors (-want +got):\n%s", diff)
				}
			}
			if st, ev2, exc2 := f.caseState(f.caseID); st != stage || ev2 != ev || exc2 != exc {
				t.Errorf("refused request wrote: stage %s→%s, events %d→%d, exceptions %d→%d", stage, st, ev, ev2, exc, exc2)
			}
		})
	}
}

func TestInternalErrorIsOpaque(t *testing.T) {
	f := newFixture(t)
	mgr := f.login("mgr")
	f.store.Close() // every store call now fails with a driver error, which has no Kind
	res := mgr.get("/api/cases")
	p := res.problem(t)
	want := Problem{Type: "urn:claimgate:problem:internal", Title: "Internal Server Error", Status: 500, Detail: "internal error"}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("problem (-want +got):\n%s", diff)
	}
	if strings.Contains(res.body, "sql") || strings.Contains(res.body, "closed") {
		t.Errorf("500 leaks the cause: %s", res.body)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "request failed") || !strings.Contains(logs, "closed") {
		t.Errorf("log lacks the real error:\n%s", logs)
	}
	page := mgr.get("/cases")
	if page.status != 500 || !strings.Contains(page.body, "internal error") || strings.Contains(page.body, "closed") {
		t.Errorf("page: status %d, body %.400s", page.status, page.body)
	}
}

// TestStopTheLine is the SOP's demo through the API: a move the
// Ready-to-Bill gate refuses, exceptions for each blocking item, the move.
func TestStopTheLine(t *testing.T) {
	f := newFixture(t)
	mgr, fd := f.login("mgr"), f.login("fd")
	path := fmt.Sprintf("/api/cases/%d", f.caseID)
	move := moveRequest{From: "financial_clearance", To: "encounter", Reason: "ready for the visit"}

	res := fd.do("POST", path+"/moves", move)
	p := res.problem(t)
	if p.Status != 409 || len(p.Errors) != 3 {
		t.Fatalf("first move: %+v, want 409 naming 3 blocking items", p)
	}
	var view caseViewJSON
	fd.get(path).decode(t, &view)
	var blocking []string
	for _, it := range view.Blocking {
		blocking = append(blocking, it.ID)
	}
	if diff := cmp.Diff([]string{"eligibility", "authorization", "patient_responsibility"}, blocking); diff != "" {
		t.Fatalf("blocking (-want +got):\n%s", diff)
	}
	if view.Stage.ID != claimgate.FinancialClearance || view.Owner == nil || view.Owner.Username != "fd" || view.TimeInStage != "1h 35m" {
		t.Errorf("view stage %s owner %+v in stage %q", view.Stage.ID, view.Owner, view.TimeInStage)
	}

	exp := f.clock.Now().Add(7 * 24 * time.Hour)
	var excIDs []int64
	for _, item := range blocking {
		res := mgr.do("POST", path+"/exceptions", exceptionRequest{Gate: "ready_to_bill", Item: item, Reason: "verify by phone after the visit", OwnerID: f.users["fd"].ID, Expires: exp})
		if res.status != 201 {
			t.Fatalf("exception %s: %d %s", item, res.status, res.body)
		}
		var e exceptionJSON
		res.decode(t, &e)
		if !e.Open || e.ApproverID != f.users["mgr"].ID || e.OwnerID != f.users["fd"].ID {
			t.Errorf("exception = %+v", e)
		}
		excIDs = append(excIDs, e.ID)
		if !f.hasAudit(f.users["mgr"].ID, "create", fmt.Sprintf("exception/%d", e.ID)) {
			t.Errorf("no audit entry for exception %d", e.ID)
		}
	}
	// A second exception for the same item is a conflict.
	if p := mgr.do("POST", path+"/exceptions", exceptionRequest{Gate: "ready_to_bill", Item: "eligibility", Reason: "again", OwnerID: f.users["fd"].ID, Expires: exp}).problem(t); p.Status != 409 {
		t.Errorf("duplicate exception: %+v", p)
	}
	// The owner has work items for them.
	var mine []workJSON
	fd.get("/api/work/mine").decode(t, &mine)
	var excWork int
	for _, w := range mine {
		if w.ExceptionID != 0 {
			excWork++
		}
	}
	if excWork != 3 {
		t.Errorf("fd has %d exception work items, want 3: %+v", excWork, mine)
	}

	res = fd.do("POST", path+"/moves", move)
	if res.status != 201 {
		t.Fatalf("move after exceptions: %d %s", res.status, res.body)
	}
	var ev eventJSON
	res.decode(t, &ev)
	if ev.Kind != claimgate.EventCaseMoved || ev.From != claimgate.FinancialClearance || ev.To != claimgate.Encounter || ev.ActorID != f.users["fd"].ID {
		t.Errorf("event = %+v", ev)
	}
	if !f.hasAudit(f.users["fd"].ID, "move", fmt.Sprintf("case/%d", f.caseID)) {
		t.Errorf("no move audit entry")
	}
	// Moving again from the old stage is stale.
	if p := fd.do("POST", path+"/moves", move).problem(t); p.Status != 409 || !strings.Contains(p.Detail, "is at encounter, not financial_clearance") {
		t.Errorf("stale move: %+v", p)
	}
	// Resolve one exception: the owner may.
	res = fd.do("POST", fmt.Sprintf("/api/exceptions/%d/resolve", excIDs[0]), resolveRequest{Resolution: "eligibility verified by phone"})
	var e exceptionJSON
	res.decode(t, &e)
	if res.status != 200 || e.Open || e.Resolution != "eligibility verified by phone" {
		t.Errorf("resolve: %d %+v", res.status, e)
	}
	if p := fd.do("POST", fmt.Sprintf("/api/exceptions/%d/resolve", excIDs[0]), resolveRequest{Resolution: "again"}).problem(t); p.Status != 409 {
		t.Errorf("resolve twice: %+v, want 409", p)
	}
}

func TestReadsAreAudited(t *testing.T) {
	f := newFixture(t)
	mgr := f.login("mgr")
	id := f.users["mgr"].ID
	tests := []struct{ path, object string }{
		{fmt.Sprintf("/api/cases/%d", f.caseID), fmt.Sprintf("case/%d", f.caseID)},
		{fmt.Sprintf("/api/cases/%d/gates", f.caseID), fmt.Sprintf("case/%d/gates", f.caseID)},
		{"/api/cases", "cases"},
		{"/api/work/mine", "work/mine"},
		{"/api/queues/intake/items", "queue/intake"},
		{fmt.Sprintf("/cases/%d", f.caseID), fmt.Sprintf("case/%d", f.caseID)},
		{"/cases", "cases"},
		{"/work", "work/mine"},
		{"/queues/financial_clearance", "queue/financial_clearance"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			before := len(f.audits())
			if res := mgr.get(tt.path); res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			got := f.audits()
			if len(got) != before+1 {
				t.Fatalf("%d new audit entries, want 1", len(got)-before)
			}
			e := got[0]
			if e.UserID != id || e.Action != "read" || e.Object != tt.object || e.RemoteAddr != "127.0.0.1" || !e.At.Equal(f.clock.Now()) {
				t.Errorf("audit entry = %+v, want read %s by %d from 127.0.0.1 at %v", e, tt.object, id, f.clock.Now())
			}
		})
	}
}

func TestWorkAndQueues(t *testing.T) {
	f := newFixture(t)
	mgr, fd, auth := f.login("mgr"), f.login("fd"), f.login("auth")

	var qs []queueJSON
	mgr.get("/api/queues").decode(t, &qs)
	var fc *queueJSON
	for i := range qs {
		if qs[i].Queue == "financial_clearance" {
			fc = &qs[i]
		}
	}
	if fc == nil || fc.Open != 1 || fc.OldestAgeSeconds != 95*60 {
		t.Fatalf("financial_clearance summary = %+v in %+v", fc, qs)
	}
	var items []workJSON
	mgr.get("/api/queues/financial_clearance/items").decode(t, &items)
	if len(items) != 1 || items[0].OwnerID != f.users["fd"].ID || items[0].CaseID != f.caseID {
		t.Fatalf("queue items = %+v", items)
	}
	item := items[0].ID

	// Reassign: only the owner or a manager; the new owner must be active.
	if p := auth.do("POST", fmt.Sprintf("/api/work/%d/reassign", item), reassignRequest{OwnerID: f.users["auth"].ID}).problem(t); p.Status != 403 {
		t.Errorf("reassign by a stranger: %+v", p)
	}
	if p := fd.do("POST", fmt.Sprintf("/api/work/%d/reassign", item), reassignRequest{OwnerID: f.users["gone"].ID}).problem(t); p.Status != 422 {
		t.Errorf("reassign to an inactive user: %+v", p)
	}
	res := fd.do("POST", fmt.Sprintf("/api/work/%d/reassign", item), reassignRequest{OwnerID: f.users["mgr"].ID, Reason: "out today"})
	var w workJSON
	res.decode(t, &w)
	if res.status != 200 || w.OwnerID != f.users["mgr"].ID {
		t.Fatalf("reassign: %d %s", res.status, res.body)
	}
	var mine []workJSON
	mgr.get("/api/work/mine").decode(t, &mine)
	if len(mine) != 1 || mine[0].ID != item {
		t.Errorf("mgr's work = %+v", mine)
	}

	// The stage's own item is handed on by a move, never completed: the
	// case would be left without an owner.
	if p := mgr.do("POST", fmt.Sprintf("/api/work/%d/complete", item), nil).problem(t); p.Status != 409 || !strings.Contains(p.Detail, "move the case on") {
		t.Errorf("complete the stage's item: %+v", p)
	}
	// Other work: its owner or a manager may complete it; a stranger may
	// not; twice is a conflict.
	follow := fmt.Sprintf("/api/work/%d/complete", f.followID)
	if p := auth.do("POST", follow, nil).problem(t); p.Status != 403 {
		t.Errorf("complete by a stranger: %+v", p)
	}
	res = fd.do("POST", follow, completeRequest{Note: "estimate explained"})
	res.decode(t, &w)
	if res.status != 200 || w.Status != claimgate.WorkDone {
		t.Fatalf("complete: %d %s", res.status, res.body)
	}
	if p := mgr.do("POST", follow, completeRequest{Note: "again"}).problem(t); p.Status != 409 {
		t.Errorf("complete twice: %+v", p)
	}
	if !f.hasAudit(f.users["fd"].ID, "complete", fmt.Sprintf("work/%d", f.followID)) || !f.hasAudit(f.users["fd"].ID, "reassign", fmt.Sprintf("work/%d", item)) {
		t.Errorf("work changes not audited")
	}

	// Claim next from a queue: a new case lands in intake.
	var c caseJSON
	res = fd.do("POST", "/api/cases", createCaseRequest{PatientID: 1, LocationID: 1, ProviderID: 1, ServiceDate: claimgate.Date{Year: 2026, Month: 12, Day: 3}})
	res.decode(t, &c)
	if res.status != 201 || c.Stage != claimgate.Intake || res.header.Get("Location") != fmt.Sprintf("/api/cases/%d", c.ID) {
		t.Fatalf("create case: %d %s", res.status, res.body)
	}
	res = fd.do("POST", "/api/queues/intake/claim", nil)
	res.decode(t, &w)
	if res.status != 200 || w.CaseID != c.ID || w.ClaimedBy != f.users["fd"].ID {
		t.Fatalf("claim: %d %s", res.status, res.body)
	}
	if p := fd.do("POST", "/api/queues/intake/claim", nil).problem(t); p.Status != 404 {
		t.Errorf("claim from an empty queue: %+v", p)
	}
	// The case list filters by stage.
	var list []caseJSON
	fd.get("/api/cases?stage=intake").decode(t, &list)
	if len(list) != 1 || list[0].ID != c.ID {
		t.Errorf("cases at intake = %+v", list)
	}
}

func TestUsersAndStages(t *testing.T) {
	f := newFixture(t)
	admin, fd := f.login("admin"), f.login("fd")
	var users []userJSON
	res := fd.get("/api/users")
	res.decode(t, &users)
	if len(users) != len(testUsers) || strings.Contains(strings.ToLower(res.body), "hash") {
		t.Errorf("users: %s", res.body)
	}
	p := admin.do("POST", "/api/users", createUserRequest{Username: "A", Password: "short", Roles: []string{"chief"}}).problem(t)
	want := []string{"username: 2 to 32 lower-case letters, digits, '.', '_' or '-'", "name: required",
		`roles: unknown role "chief": want one of front_desk, auth_coordinator, clinician, coder, biller, payment_poster, denial_specialist, ar_specialist, patient_accounts, manager, admin`,
		"password: at least 8 characters"}
	if diff := cmp.Diff(want, p.Errors); p.Status != 422 || diff != "" {
		t.Errorf("bad user: status %d, errors (-want +got):\n%s", p.Status, diff)
	}
	res = admin.do("POST", "/api/users", createUserRequest{Username: "cory", Name: "Cory Coder", Password: "long enough", Roles: []string{"coder"}})
	var u userJSON
	res.decode(t, &u)
	if res.status != 201 || u.Username != "cory" || !u.Active {
		t.Fatalf("create user: %d %s", res.status, res.body)
	}
	if p := admin.do("POST", "/api/users", createUserRequest{Username: "cory", Name: "Again", Password: "long enough", Roles: []string{"coder"}}).problem(t); p.Status != 409 {
		t.Errorf("duplicate user: %+v", p)
	}
	// The new user can log in.
	c := f.anon()
	if res := c.do("POST", "/api/login", loginRequest{"cory", "long enough"}); res.status != 200 {
		t.Errorf("login as new user: %d", res.status)
	}

	var stages []stageJSON
	fd.get("/api/stages").decode(t, &stages)
	if len(stages) != 17 {
		t.Fatalf("%d stages", len(stages))
	}
	fc := stages[4]
	if fc.ID != claimgate.FinancialClearance || fc.Zone != claimgate.FrontEnd || fc.OwnerRole != claimgate.FrontDesk || fc.Gate != "ready_to_bill" ||
		len(fc.Next) != 1 || fc.Next[0] != (nextJSON{To: claimgate.Encounter, Kind: claimgate.Forward, Gate: "ready_to_bill"}) {
		t.Errorf("stage 5 = %+v", fc)
	}
	if st := stages[16]; st.ID != claimgate.Closed || st.Queue != "" || len(st.Next) != 1 || st.Next[0].Kind != claimgate.Reopen {
		t.Errorf("stage 17 = %+v", st)
	}
}

func TestHashPassword(t *testing.T) {
	for _, pw := range []string{"", strings.Repeat("x", 73)} {
		if _, err := HashPassword(pw); claimgate.ErrorKind(err) != claimgate.Invalid {
			t.Errorf("HashPassword(%d bytes) = %v, want Invalid", len(pw), err)
		}
	}
	h, err := HashPassword("s3cret-enough")
	if err != nil || string(h) == "s3cret-enough" || len(h) < 59 {
		t.Fatalf("HashPassword = %q, %v", h, err)
	}
}

// newRecorder serves one request to h without a network.
func newRecorder(h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
