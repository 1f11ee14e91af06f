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
