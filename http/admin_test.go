package http

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestSetQueueOwner(t *testing.T) {
	f := newFixture(t)
	fdID := f.users["fd"].ID
	tests := []struct {
		name   string
		user   string
		body   any
		status int
		detail string
	}{
		{"front desk may not", "fd", map[string]any{"owner_id": fdID}, http.StatusForbidden, ""},
		{"owner required", "mgr", map[string]any{}, http.StatusUnprocessableEntity, "owner_id: required"},
		{"ghost owner", "mgr", map[string]any{"owner_id": 4242}, http.StatusUnprocessableEntity, "owner: user 4242 does not exist"},
		{"inactive owner", "mgr", map[string]any{"owner_id": f.users["gone"].ID}, http.StatusUnprocessableEntity, "is not active"},
		{"unknown field", "mgr", `{"owner":1}`, http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.login(tt.user).do("POST", "/api/queues/intake/owner", tt.body)
			if res.status != tt.status {
				t.Fatalf("status = %d (%s), want %d", res.status, res.body, tt.status)
			}
			if p := res.problem(t); !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to contain %q", p.Detail, tt.detail)
			}
			if _, err := f.store.QueueOwner(t.Context(), "intake"); err == nil {
				t.Errorf("a refused request set the owner")
			}
		})
	}
	mgr := f.login("mgr")
	res := mgr.do("POST", "/api/queues/intake/owner", map[string]any{"owner_id": fdID})
	var q queueJSON
	res.decode(t, &q)
	if res.status != http.StatusOK || q.Queue != "intake" || q.DefaultOwnerID != fdID {
		t.Fatalf("set owner = %d %+v", res.status, q)
	}
	if !f.hasAudit(f.users["mgr"].ID, "set_owner", "queue/intake") {
		t.Error("no audit entry for the change")
	}
	// The form on the queues page does the same.
	authID := f.users["auth"].ID
	if res := mgr.form("/queues/authorization/owner", url.Values{"owner_id": {strconv.FormatInt(authID, 10)}}); res.status != http.StatusSeeOther {
		t.Fatalf("owner form = %d: %s", res.status, res.body)
	}
	if id, err := f.store.QueueOwner(t.Context(), "authorization"); err != nil || id != authID {
		t.Errorf("authorization owner = %d, %v; want %d", id, err, authID)
	}
	page := mgr.get("/queues")
	if !strings.Contains(page.body, `action="/queues/intake/owner"`) {
		t.Error("queues page has no owner form for a manager")
	}
	if page := f.login("fd").get("/queues"); strings.Contains(page.body, `/owner"`) {
		t.Error("queues page offers the owner form to the front desk")
	}
}

func TestAuditLog(t *testing.T) {
	f := newFixture(t)
	admin := f.login("admin")
	admin.get("/cases/" + strconv.FormatInt(f.caseID, 10))
	var entries []auditJSON
	res := admin.do("GET", "/api/audit?limit=5", nil)
	res.decode(t, &entries)
	if res.status != http.StatusOK || len(entries) == 0 || len(entries) > 5 {
		t.Fatalf("GET /api/audit = %d, %d entries", res.status, len(entries))
	}
	if e := entries[0]; e.UserID != f.users["admin"].ID || e.Action != "read" || e.RemoteAddr == "" {
		t.Errorf("newest entry = %+v, want the admin's read of the case", e)
	}
	if res := admin.do("GET", "/api/audit?limit=0", nil); res.status != http.StatusUnprocessableEntity {
		t.Errorf("limit=0: %d", res.status)
	}
	if res := f.login("mgr").do("GET", "/api/audit", nil); res.status != http.StatusForbidden {
		t.Errorf("manager reading the audit log: %d, want 403", res.status)
	}
	page := admin.get("/admin/audit")
	if page.status != http.StatusOK || !strings.Contains(page.body, "case/"+strconv.FormatInt(f.caseID, 10)) {
		t.Errorf("audit page = %d, missing the case read", page.status)
	}
}
