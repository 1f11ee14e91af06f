package http

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/workflow"
	"golang.org/x/crypto/bcrypt"
)

const testPassword = "correct horse battery"

// clock is the tests' settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a minimal synthetic practice on a real SQLite store, served by
// a Server behind an httptest.Server.
type fixture struct {
	t      *testing.T
	store  claimgate.Store
	wf     *workflow.Service
	srv    *Server
	ts     *httptest.Server
	clock  *clock
	logs   *syncBuffer
	users  map[string]claimgate.User
	caseID int64 // a case at financial_clearance, its Ready-to-Bill items eligibility, authorization, patient_responsibility failing
	// followID is fd's follow_up work item on the case, beside the stage's own.
	followID int64
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// testUsers are the fixture's staff. "gone" is inactive.
var testUsers = []struct {
	username, name string
	roles          []claimgate.Role
	active         bool
}{
	{"admin", "Ada Admin", []claimgate.Role{claimgate.Admin}, true},
	{"mgr", "Morgan Manager", []claimgate.Role{claimgate.Manager}, true},
	{"fd", "Frankie Desk", []claimgate.Role{claimgate.FrontDesk}, true},
	{"auth", "Avery Authcoord", []claimgate.Role{claimgate.AuthCoordinator}, true},
	{"clin", "Casey Clinician", []claimgate.Role{claimgate.Clinician}, true},
	{"gone", "Gale Gone", []claimgate.Role{claimgate.Manager}, false},
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "claimgate.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, store: st, clock: &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}, logs: &syncBuffer{}, users: map[string]claimgate.User{}}
	f.wf = &workflow.Service{Store: st, Now: f.clock.Now}
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	for _, tu := range testUsers {
		u := claimgate.User{Username: tu.username, Name: tu.name, PasswordHash: hash, Roles: tu.roles, Active: tu.active, CreatedAt: f.clock.Now()}
		if err := st.CreateUser(ctx, &u); err != nil {
			t.Fatalf("CreateUser(%s): %v", tu.username, err)
		}
		f.users[tu.username] = u
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	addr := claimgate.Address{Line1: "1 Test Way", City: "Springfield", State: "IL", Zip: "62701"}
	org := claimgate.Organization{Name: "Synthetic Family Medicine", NPI: "1234567893", TaxID: "990000001", Taxonomy: "261QP2300X", Address: addr}
	must("CreateOrganization", st.CreateOrganization(ctx, &org))
	loc := claimgate.Location{OrgID: org.ID, Name: "Main Clinic", PlaceOfService: "11", Address: addr}
	must("CreateLocation", st.CreateLocation(ctx, &loc))
	prov := claimgate.Provider{OrgID: org.ID, First: "Casey", Last: "Clinic", NPI: "1245319599", Taxonomy: "207Q00000X"}
	must("CreateProvider", st.CreateProvider(ctx, &prov))
	payer := claimgate.Payer{Name: "Acme Health Plan (test)", PayerID: "ACME1", PlanTypes: []string{"CI"}, TimelyFilingDays: 90, AppealWindowDays: 60}
	must("CreatePayer", st.CreatePayer(ctx, &payer))
	pt := claimgate.Patient{MRN: "MRN000123", First: "Jordan", Last: "Testwood", BirthDate: claimgate.Date{Year: 1980, Month: 4, Day: 2},
		Sex: claimgate.Female, Address: claimgate.Address{Line1: "12 Maple Ave", City: "Springfield", State: "IL", Zip: "62704"}}
	must("CreatePatient", st.CreatePatient(ctx, &pt))
	cov := claimgate.Coverage{PatientID: pt.ID, PayerID: payer.ID, Rank: 1, PlanType: "CI", MemberID: "AC1234567", Relationship: claimgate.Self,
		EffectiveFrom: claimgate.Date{Year: 2026, Month: 1, Day: 1}}
	must("CreateCoverage", st.CreateCoverage(ctx, &cov))
	fd, mgr := f.users["fd"], f.users["mgr"]
	c, err := f.wf.OpenCase(ctx, &fd, claimgate.Case{PatientID: pt.ID, LocationID: loc.ID, ProviderID: prov.ID, ServiceDate: claimgate.Date{Year: 2026, Month: 12, Day: 1}})
	must("OpenCase", err)
	for _, st := range claimgate.Stages[:4] {
		f.clock.Add(10 * time.Minute)
		_, err := f.wf.Move(ctx, &mgr, c.ID, st, claimgate.Stages[st.Number()], "fixture")
		must("Move", err)
	}
	f.caseID = c.ID
	f.clock.Add(95 * time.Minute)
	// Work beside the stage's own: done by completing it, not by a move.
	follow := claimgate.WorkItem{CaseID: c.ID, Stage: claimgate.FinancialClearance, Queue: "follow_up", Reason: "call the patient about the estimate",
		OwnerID: fd.ID, Due: f.clock.Now().Add(24 * time.Hour), Status: claimgate.WorkOpen, CreatedAt: f.clock.Now(), UpdatedAt: f.clock.Now()}
	must("CreateWorkItem", st.CreateWorkItem(ctx, &follow, mgr.ID))
	f.followID = follow.ID

	f.srv, err = NewServer(Config{Store: st, Workflow: f.wf, Logger: slog.New(slog.NewTextHandler(f.logs, nil)), Now: f.clock.Now})
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	f.ts = httptest.NewServer(f.srv)
	t.Cleanup(f.ts.Close)
	return f
}

// client is one browser-like user agent with its own cookie jar.
type client struct {
	f    *fixture
	hc   *http.Client
	csrf string
}

func (f *fixture) anon() *client {
	f.t.Helper()
	jar, _ := cookiejar.New(nil)
	return &client{f: f, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login logs username in through the API and keeps its CSRF token.
func (f *fixture) login(username string) *client {
	f.t.Helper()
	c := f.anon()
	res := c.do("POST", "/api/login", map[string]string{"username": username, "password": testPassword})
	if res.status != http.StatusOK {
		f.t.Fatalf("login %s: status %d: %s", username, res.status, res.body)
	}
	var s sessionJSON
	res.decode(f.t, &s)
	c.csrf = s.CSRFToken
	return c
}

type response struct {
	status int
	header http.Header
	body   string
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %T from %q: %v", v, r.body, err)
	}
}

func (r response) problem(t *testing.T) Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (status %d, body %s)", ct, r.status, r.body)
	}
	var p Problem
	r.decode(t, &p)
	return p
}

// do sends a JSON API request (body: nil, a string sent as is, or a value
// to encode) with the client's CSRF token.
func (c *client) do(method, path string, body any) response {
	c.f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.f.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.f.ts.URL+path, rd)
	if err != nil {
		c.f.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) response {
	c.f.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.f.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// get fetches a page or API resource.
func (c *client) get(path string) response {
	c.f.t.Helper()
	req, err := http.NewRequest("GET", c.f.ts.URL+path, nil)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return c.send(req)
}

// form posts an HTML form; csrf_token is added from the session unless the
// form sets it.
func (c *client) form(path string, v url.Values) response {
	c.f.t.Helper()
	if _, ok := v["csrf_token"]; !ok && c.csrf != "" {
		v.Set("csrf_token", c.csrf)
	}
	req, err := http.NewRequest("POST", c.f.ts.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		c.f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(req)
}

// caseState returns the case and how many events it has, to prove a refused
// request wrote nothing.
func (f *fixture) caseState(id int64) (claimgate.Stage, int, int) {
	f.t.Helper()
	ctx := context.Background()
	c, err := f.store.Case(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	evs, err := f.store.Events(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	exc, err := f.store.Exceptions(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c.Stage, len(evs), len(exc)
}

// audits returns the audit log, newest first.
func (f *fixture) audits() []claimgate.AuditEntry {
	f.t.Helper()
	es, err := f.store.AuditLog(context.Background(), 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

func (f *fixture) hasAudit(userID int64, action, object string) bool {
	for _, e := range f.audits() {
		if e.UserID == userID && e.Action == action && e.Object == object {
			return true
		}
	}
	return false
}
