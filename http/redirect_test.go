package http

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/cases/7", "/cases/7"},
		{"/queues/intake?status=open#top", "/queues/intake?status=open#top"},
		{"", "/"},
		{"cases/7", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example/", "/"},
		{"/\t/evil.example/", "/"}, // browsers drop the tab: //evil.example/
		{"/\n/evil.example/", "/"},
		{"/\r\n/evil.example/", "/"},
		{"/a\\b", "/"},
		{"https://evil.example/", "/"},
		{"/%2F/evil.example/", "/"}, // decodes to //evil.example/: refused to be safe
		{"/\x00", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.in); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMoveWithStaleVersion: a client that sends the version it saw gets a
// 409 once the case changed under it (here: an exception was logged).
func TestMoveWithStaleVersion(t *testing.T) {
	f := newFixture(t)
	mgr := f.login("mgr")
	c, err := f.store.Case(t.Context(), f.caseID)
	if err != nil {
		t.Fatal(err)
	}
	res := mgr.do("POST", "/api/cases/"+itoa(f.caseID)+"/exceptions", map[string]any{
		"gate": "ready_to_bill", "item": "eligibility", "reason": "portal down", "owner_id": f.users["fd"].ID,
		"expires": f.clock.Now().Add(48 * time.Hour).Format(time.RFC3339)})
	if res.status != http.StatusCreated {
		t.Fatalf("log exception = %d: %s", res.status, res.body)
	}
	res = mgr.do("POST", "/api/cases/"+itoa(f.caseID)+"/moves", map[string]any{
		"from": string(c.Stage), "version": c.Version, "to": "encounter"})
	if res.status != http.StatusConflict {
		t.Fatalf("stale move = %d: %s", res.status, res.body)
	}
	if p := res.problem(t); !strings.Contains(p.Detail, "changed since you loaded it") {
		t.Errorf("detail = %q", p.Detail)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestUnauthenticatedLearnsNothing: without a session, unknown paths and
// wrong methods get the same answer as any protected route — a 401 or the
// login page — not a 404 or 405 that maps the API.
func TestUnauthenticatedLearnsNothing(t *testing.T) {
	f := newFixture(t)
	anon := f.anon()
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/api/nope", http.StatusUnauthorized},
		{"DELETE", "/api/cases", http.StatusUnauthorized},
		{"PUT", "/api/cases/1/moves", http.StatusUnauthorized},
		{"GET", "/nope", http.StatusSeeOther},
		{"DELETE", "/cases/1", http.StatusSeeOther},
	}
	for _, tt := range tests {
		res := anon.do(tt.method, tt.path, nil)
		if res.status != tt.want {
			t.Errorf("anonymous %s %s = %d, want %d", tt.method, tt.path, res.status, tt.want)
		}
		if tt.want == http.StatusSeeOther && res.header.Get("Location") != "/login" {
			t.Errorf("anonymous %s %s redirects to %q, want /login", tt.method, tt.path, res.header.Get("Location"))
		}
	}
	mgr := f.login("mgr")
	if res := mgr.do("GET", "/api/nope", nil); res.status != http.StatusNotFound {
		t.Errorf("logged-in GET /api/nope = %d, want 404", res.status)
	}
	if res := mgr.do("DELETE", "/api/cases", nil); res.status != http.StatusMethodNotAllowed {
		t.Errorf("logged-in DELETE /api/cases = %d, want 405", res.status)
	}
	// The login page and its assets stay reachable.
	if res := anon.get("/login"); res.status != http.StatusOK {
		t.Errorf("GET /login = %d", res.status)
	}
	if res := anon.get("/static/style.css"); res.status != http.StatusOK {
		t.Errorf("GET /static/style.css = %d", res.status)
	}
}

func TestFailedLoginsAudited(t *testing.T) {
	f := newFixture(t)
	anon := f.anon()
	anon.do("POST", "/api/login", map[string]string{"username": "mgr", "password": "wrong"})
	anon.do("POST", "/api/login", map[string]string{"username": "nobody", "password": "wrong"})
	if !f.hasAudit(f.users["mgr"].ID, "login_failed", "user/"+itoa(f.users["mgr"].ID)) {
		t.Error("no login_failed audit entry for a wrong password")
	}
	if !f.hasAudit(0, "login_failed", "user/0") {
		t.Error("no login_failed audit entry for an unknown username")
	}
}

func TestMidCycleListsAreAudited(t *testing.T) {
	f := newFixture(t)
	admin := f.login("admin")
	for _, path := range []string{"/api/midcycle/charge-lag", "/api/midcycle/missing-charges"} {
		if res := admin.do("GET", path, nil); res.status != http.StatusOK {
			t.Fatalf("GET %s = %d: %s", path, res.status, res.body)
		}
	}
	for _, obj := range []string{"midcycle/charge-lag", "midcycle/missing-charges"} {
		if !f.hasAudit(f.users["admin"].ID, "read", obj) {
			t.Errorf("no read audit entry for %s", obj)
		}
	}
}
