package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/claimgate/claimgate"
)

type queueOwnerRequest struct {
	OwnerID int64 `json:"owner_id"`
}

func (s *Server) setQueueOwner(r *http.Request, queue string, owner int64) error {
	if owner == 0 {
		return &claimgate.Error{Kind: claimgate.Invalid, Msg: "owner_id: required", Details: []string{"owner_id: required"}}
	}
	if err := s.wf.SetQueueOwner(r.Context(), userFrom(r), queue, owner); err != nil {
		return err
	}
	s.auditChange(r, "set_owner", "queue/"+queue)
	return nil
}

func (s *Server) apiSetQueueOwner(w http.ResponseWriter, r *http.Request) error {
	var req queueOwnerRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	q := r.PathValue("queue")
	if err := s.setQueueOwner(r, q, req.OwnerID); err != nil {
		return err
	}
	qs, err := s.store.QueueSummaries(r.Context())
	if err != nil {
		return err
	}
	for _, sum := range qs {
		if sum.Queue == q {
			return s.writeJSON(w, r, http.StatusOK, toQueue(sum, s.now()))
		}
	}
	return s.writeJSON(w, r, http.StatusOK, queueJSON{Queue: q, DefaultOwnerID: req.OwnerID})
}

func (s *Server) queueOwnerForm(w http.ResponseWriter, r *http.Request) error {
	owner, _ := strconv.ParseInt(r.PostFormValue("owner_id"), 10, 64)
	if err := s.setQueueOwner(r, r.PathValue("queue"), owner); err != nil {
		return err
	}
	redirect(w, r, "/queues", "owner")
	return nil
}

type auditJSON struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	UserID     int64     `json:"user_id"`
	Action     string    `json:"action"`
	Object     string    `json:"object"`
	RemoteAddr string    `json:"remote_addr"`
}

// auditLimit reads the limit query: 1 to 1000, default 200.
func auditLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 200, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, &claimgate.Error{Kind: claimgate.Invalid, Msg: "limit: want 1 to 1000", Details: []string{"limit: want 1 to 1000"}}
	}
	return n, nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	n, err := auditLimit(r)
	if err != nil {
		return err
	}
	entries, err := s.store.AuditLog(r.Context(), n)
	if err != nil {
		return err
	}
	out := make([]auditJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, auditJSON{ID: e.ID, At: e.At.UTC(), UserID: e.UserID, Action: e.Action, Object: e.Object, RemoteAddr: e.RemoteAddr})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type auditRow struct {
	claimgate.AuditEntry
	User string
}

type auditPageData struct {
	base
	Entries []auditRow
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	n, err := auditLimit(r)
	if err != nil {
		return err
	}
	entries, err := s.store.AuditLog(r.Context(), n)
	if err != nil {
		return err
	}
	d, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{AuditEntry: e, User: d.UserName(e.UserID)}
	}
	s.render(w, r, http.StatusOK, "audit", auditPageData{base: s.base(r, "Audit log", "audit"), Entries: rows})
	return nil
}
