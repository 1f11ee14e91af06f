package http

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// pathID reads a positive integer path value; anything else names nothing.
func pathID(r *http.Request, what string) (int64, error) {
	v := r.PathValue("id")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, claimgate.Errorf(claimgate.NotFound, "no %s %q: ids are positive integers", what, v)
	}
	return id, nil
}

func caseObject(id int64) string { return "case/" + strconv.FormatInt(id, 10) }

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	u, sess, err := s.login(w, r, req.Username, req.Password)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, sessionJSON{User: toUser(u), CSRFToken: sess.CSRFToken, Expires: sess.Expires})
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) error {
	if err := s.logout(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiSession(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r.Context())
	return s.writeJSON(w, r, http.StatusOK, sessionJSON{User: toUser(a.user), CSRFToken: a.session.CSRFToken, Expires: a.session.Expires.UTC()})
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(s.openapi)
	return nil
}

func (s *Server) apiStages(w http.ResponseWriter, r *http.Request) error {
	out := make([]stageJSON, 0, len(claimgate.Stages))
	for _, st := range claimgate.Stages {
		out = append(out, toStage(st))
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

// caseFilter reads the case list's query: stage, patient_id, limit.
func caseFilter(r *http.Request) (claimgate.CaseFilter, error) {
	q := r.URL.Query()
	f := claimgate.CaseFilter{Limit: 100}
	var bad []string
	if v := q.Get("stage"); v != "" {
		st, err := claimgate.ParseStage(v)
		if err != nil {
			bad = append(bad, "stage: "+claimgate.ErrorMessage(err))
		}
		f.Stage = st
	}
	if v := q.Get("patient_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			bad = append(bad, "patient_id: want a positive integer")
		}
		f.PatientID = id
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			bad = append(bad, "limit: want 1 to 500")
		}
		f.Limit = n
	}
	if len(bad) > 0 {
		return f, &claimgate.Error{Kind: claimgate.Invalid, Msg: "bad case filter: " + strings.Join(bad, "; "), Details: bad}
	}
	return f, nil
}

func (s *Server) apiCases(w http.ResponseWriter, r *http.Request) error {
	f, err := caseFilter(r)
	if err != nil {
		return err
	}
	cases, err := s.store.Cases(r.Context(), f)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, "cases"); err != nil {
		return err
	}
	out := make([]caseJSON, 0, len(cases))
	for _, c := range cases {
		out = append(out, toCase(c))
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type createCaseRequest struct {
	PatientID   int64          `json:"patient_id"`
	LocationID  int64          `json:"location_id"`
	ProviderID  int64          `json:"provider_id"`
	ServiceDate claimgate.Date `json:"service_date"`
}

func (s *Server) apiCreateCase(w http.ResponseWriter, r *http.Request) error {
	var req createCaseRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	c, err := s.wf.OpenCase(r.Context(), userFrom(r), claimgate.Case{PatientID: req.PatientID, LocationID: req.LocationID, ProviderID: req.ProviderID, ServiceDate: req.ServiceDate})
	if err != nil {
		return err
	}
	s.auditChange(r, "create", caseObject(c.ID))
	w.Header().Set("Location", "/api/cases/"+strconv.FormatInt(c.ID, 10))
	return s.writeJSON(w, r, http.StatusCreated, toCase(c))
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	v, err := s.wf.View(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, caseObject(id)); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, toCaseView(v, s.now()))
}

func (s *Server) apiGates(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	reps, err := s.wf.Reports(r.Context(), id)
	if err != nil {
		return err
	}
	// Gate reasons may quote registration data (a member ID): patient data.
	if err := s.auditRead(r, caseObject(id)+"/gates"); err != nil {
		return err
	}
	out := make([]gateJSON, 0, len(reps))
	for _, rep := range reps {
		out = append(out, toGate(rep))
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type moveRequest struct {
	From string `json:"from"`
	// Version, when sent, is the case version the client saw (caseJSON's
	// version): a case changed since is a 409, even at the same stage.
	Version int64  `json:"version,omitempty"`
	To      string `json:"to"`
	Reason  string `json:"reason"`
}

// parseMove checks a move's stages before the workflow sees it, naming
// every wrong field.
func parseMove(from, to string) (claimgate.Stage, claimgate.Stage, error) {
	var bad []string
	check := func(field, v string) claimgate.Stage {
		if v == "" {
			bad = append(bad, field+": required (the stage the case is at, as you saw it)")
			if field == "to" {
				bad[len(bad)-1] = "to: required (the stage to move the case to)"
			}
			return ""
		}
		st, err := claimgate.ParseStage(v)
		if err != nil {
			bad = append(bad, field+": "+claimgate.ErrorMessage(err))
		}
		return st
	}
	f, t := check("from", from), check("to", to)
	if len(bad) > 0 {
		return "", "", &claimgate.Error{Kind: claimgate.Invalid, Msg: "move not made: " + strings.Join(bad, "; "), Details: bad}
	}
	return f, t, nil
}

func (s *Server) apiMove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req moveRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	from, to, err := parseMove(req.From, req.To)
	if err != nil {
		return err
	}
	ev, err := s.wf.MoveFromVersion(r.Context(), userFrom(r), id, from, req.Version, to, req.Reason)
	if err != nil {
		return err
	}
	s.auditChange(r, "move", caseObject(id))
	s.log.InfoContext(r.Context(), "case moved", "case_id", id, "from", from, "to", to, "user_id", userFrom(r).ID)
	return s.writeJSON(w, r, http.StatusCreated, toEvent(ev))
}

type exceptionRequest struct {
	Gate    string    `json:"gate"`
	Item    string    `json:"item"`
	Reason  string    `json:"reason"`
	OwnerID int64     `json:"owner_id"`
	Expires time.Time `json:"expires"`
}

func (s *Server) apiLogException(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req exceptionRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	e, err := s.wf.LogException(r.Context(), userFrom(r), workflow.ExceptionInput{
		CaseID: id, Gate: req.Gate, Item: req.Item, Reason: req.Reason, OwnerID: req.OwnerID, Expires: req.Expires})
	if err != nil {
		return err
	}
	s.auditChange(r, "create", "exception/"+strconv.FormatInt(e.ID, 10))
	return s.writeJSON(w, r, http.StatusCreated, toException(e, s.now()))
}

type resolveRequest struct {
	Resolution string `json:"resolution"`
}

func (s *Server) apiResolveException(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "exception")
	if err != nil {
		return err
	}
	var req resolveRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := s.wf.ResolveException(r.Context(), userFrom(r), id, req.Resolution); err != nil {
		return err
	}
	s.auditChange(r, "resolve", "exception/"+strconv.FormatInt(id, 10))
	e, err := s.store.Exception(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, toException(e, s.now()))
}

func (s *Server) apiMyWork(w http.ResponseWriter, r *http.Request) error {
	items, err := s.store.WorkItems(r.Context(), claimgate.WorkFilter{OwnerID: userFrom(r).ID, Status: claimgate.WorkOpen})
	if err != nil {
		return err
	}
	// Work reasons are free text a user may have written about the patient.
	if err := s.auditRead(r, "work/mine"); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, toWorkList(items, s.now()))
}

func (s *Server) apiQueues(w http.ResponseWriter, r *http.Request) error {
	qs, err := s.store.QueueSummaries(r.Context())
	if err != nil {
		return err
	}
	now := s.now()
	out := make([]queueJSON, 0, len(qs))
	for _, q := range qs {
		out = append(out, toQueue(q, now))
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

// workStatus reads the status query of a work list: open (the default),
// done or all.
func workStatus(r *http.Request) (claimgate.WorkStatus, error) {
	switch v := r.URL.Query().Get("status"); v {
	case "", "open":
		return claimgate.WorkOpen, nil
	case "done":
		return claimgate.WorkDone, nil
	case "all":
		return "", nil
	default:
		return "", claimgate.Errorf(claimgate.Invalid, "status: want open, done or all, not %q", v)
	}
}

func (s *Server) apiQueueItems(w http.ResponseWriter, r *http.Request) error {
	st, err := workStatus(r)
	if err != nil {
		return err
	}
	items, err := s.store.WorkItems(r.Context(), claimgate.WorkFilter{Queue: r.PathValue("queue"), Status: st, Limit: 500})
	if err != nil {
		return err
	}
	if err := s.auditRead(r, "queue/"+r.PathValue("queue")); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, toWorkList(items, s.now()))
}

// queueRole is the role that works a queue: a stage's queue belongs to the
// stage's owner role; other queues (exceptions, future reason queues) to
// managers unless named below.
func queueRole(queue string) claimgate.Role {
	if st := claimgate.Stage(queue); st.Valid() && st.OwnerRole() != "" {
		return st.OwnerRole()
	}
	if strings.HasPrefix(queue, "denials") {
		return claimgate.DenialSpecialist
	}
	switch queue {
	case workflow.UnsignedNotesQueue:
		return claimgate.Clinician
	case workflow.ChargeLagQueue:
		return claimgate.Coder
	}
	return claimgate.Manager
}

// claimNext takes the queue's most urgent open item for the user.
func (s *Server) claimNext(r *http.Request, queue string) (claimgate.WorkItem, error) {
	u := userFrom(r)
	if role := queueRole(queue); !u.Has(role) && !u.Has(claimgate.Manager) {
		return claimgate.WorkItem{}, claimgate.Errorf(claimgate.Forbidden, "working the %s queue needs the %s or manager role", queue, role)
	}
	it, err := s.store.ClaimWorkItem(r.Context(), queue, u.ID, s.now().UTC())
	if err != nil {
		if claimgate.ErrorKind(err) == claimgate.NotFound {
			return claimgate.WorkItem{}, claimgate.Errorf(claimgate.NotFound, "queue %s has no open, unclaimed work", queue)
		}
		return claimgate.WorkItem{}, err
	}
	s.auditChange(r, "claim", "work/"+strconv.FormatInt(it.ID, 10))
	return it, nil
}

func (s *Server) apiClaim(w http.ResponseWriter, r *http.Request) error {
	it, err := s.claimNext(r, r.PathValue("queue"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, toWork(it, s.now()))
}

type reassignRequest struct {
	OwnerID int64  `json:"owner_id"`
	Reason  string `json:"reason"`
}

func (s *Server) reassign(r *http.Request, id, owner int64, reason string) error {
	if owner == 0 {
		return &claimgate.Error{Kind: claimgate.Invalid, Msg: "owner_id: required (no work item is ever without an owner)", Details: []string{"owner_id: required"}}
	}
	if err := s.wf.Reassign(r.Context(), userFrom(r), id, owner, reason); err != nil {
		return err
	}
	s.auditChange(r, "reassign", "work/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) apiReassign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "work item")
	if err != nil {
		return err
	}
	var req reassignRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := s.reassign(r, id, req.OwnerID, req.Reason); err != nil {
		return err
	}
	it, err := s.store.WorkItem(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, toWork(it, s.now()))
}

type completeRequest struct {
	Note string `json:"note"`
}

// complete marks a work item done through the workflow, which owns the
// rules (who may, and that a case's stage work is handed on by a move).
func (s *Server) complete(r *http.Request, id int64, note string) error {
	if err := s.wf.Complete(r.Context(), userFrom(r), id, note); err != nil {
		return err
	}
	s.auditChange(r, "complete", "work/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) apiComplete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "work item")
	if err != nil {
		return err
	}
	var req completeRequest
	if r.ContentLength != 0 {
		if err := decode(r, &req); err != nil {
			return err
		}
	}
	if err := s.complete(r, id, req.Note); err != nil {
		return err
	}
	it, err := s.store.WorkItem(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, toWork(it, s.now()))
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	out := make([]userJSON, 0, len(users))
	for _, u := range users {
		out = append(out, toUser(u))
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type createUserRequest struct {
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Password string   `json:"password"`
	Roles    []string `json:"roles"`
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// createUser validates and stores a new active user, naming every wrong
// field.
func (s *Server) createUser(r *http.Request, req createUserRequest) (claimgate.User, error) {
	var bad []string
	u := claimgate.User{Username: strings.TrimSpace(req.Username), Name: strings.TrimSpace(req.Name), Active: true, CreatedAt: s.now().UTC()}
	if !usernameRE.MatchString(u.Username) {
		bad = append(bad, "username: 2 to 32 lower-case letters, digits, '.', '_' or '-'")
	}
	if u.Name == "" {
		bad = append(bad, "name: required")
	}
	if len(req.Roles) == 0 {
		bad = append(bad, "roles: at least one role")
	}
	for _, v := range req.Roles {
		role, err := claimgate.ParseRole(v)
		if err != nil {
			bad = append(bad, "roles: "+claimgate.ErrorMessage(err))
			continue
		}
		u.Roles = append(u.Roles, role)
	}
	if len(req.Password) < 8 {
		bad = append(bad, "password: at least 8 characters")
	}
	if len(bad) > 0 {
		return claimgate.User{}, &claimgate.Error{Kind: claimgate.Invalid, Msg: "user not created: " + strings.Join(bad, "; "), Details: bad}
	}
	h, err := HashPassword(req.Password)
	if err != nil {
		return claimgate.User{}, err
	}
	u.PasswordHash = h
	if err := s.store.CreateUser(r.Context(), &u); err != nil {
		return claimgate.User{}, err
	}
	s.auditChange(r, "create", "user/"+strconv.FormatInt(u.ID, 10))
	return u, nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var req createUserRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	u, err := s.createUser(r, req)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusCreated, toUser(u))
}
