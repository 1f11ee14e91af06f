package http

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// base is what every page's layout reads.
type base struct {
	Title string
	Nav   string // the nav entry to highlight
	User  *claimgate.User
	CSRF  string
	Flash string
	Error *uiError
}

// uiError is a refusal shown on a page: the message and every named problem.
type uiError struct {
	Title   string // what was refused, e.g. "Move to 6. Encounter refused"
	Status  int
	Msg     string
	Details []string
}

func (s *Server) base(r *http.Request, title, nav string) base {
	b := base{Title: title, Nav: nav}
	if a := authFrom(r.Context()); a != nil {
		b.User = &a.user
		b.CSRF = a.session.CSRFToken
	}
	if msg, ok := flashes[r.URL.Query().Get("done")]; ok {
		b.Flash = msg
	}
	return b
}

// flashes are the confirmations a redirect after a form may ask for; only
// these fixed texts are shown.
var flashes = map[string]string{
	"moved":      "Case moved.",
	"exception":  "Exception logged. Its owner has a work item to resolve it before it expires.",
	"resolved":   "Exception resolved.",
	"completed":  "Work item completed.",
	"reassigned": "Work item reassigned.",
	"owner":      "Queue owner set.",
	"user":       "User created.",
	"saved":      "Saved.",
}

// toUIError turns an error into what a page shows; internal errors are
// logged and shown as "internal error".
func (s *Server) toUIError(r *http.Request, err error) *uiError {
	p, internal := problemOf(err)
	if internal {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return &uiError{Status: p.Status, Msg: p.Detail, Details: p.Errors}
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	e := s.toUIError(r, err)
	b := s.base(r, http.StatusText(e.Status), "")
	b.Error = e
	s.render(w, r, e.Status, "error", b)
}

func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	if a, err := s.authenticate(r); err == nil {
		r = r.WithContext(withAuth(r.Context(), a))
	}
	s.errorPage(w, r, claimgate.Errorf(claimgate.NotFound, "there is no page at %s", r.URL.Path))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	target := "/work"
	if done := r.URL.Query().Get("done"); flashes[done] != "" {
		target += "?done=" + done
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// redirect answers a successful form with a redirect (POST/redirect/GET).
func redirect(w http.ResponseWriter, r *http.Request, path, done string) {
	target := path
	if done != "" {
		frag := ""
		if i := strings.IndexByte(target, '#'); i >= 0 {
			target, frag = target[:i], target[i:]
		}
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "done=" + url.QueryEscape(done) + frag
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

type loginPageData struct {
	base
	Next      string
	Username  string
	LoginCSRF string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.authenticate(r); err == nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	d := loginPageData{base: base{Title: "Log in"}, Next: safeNext(r.URL.Query().Get("next")), LoginCSRF: s.loginCSRF(w, r)}
	s.render(w, r, http.StatusOK, "login", d)
	return nil
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	d := loginPageData{base: base{Title: "Log in"}, Next: safeNext(r.PostFormValue("next")), Username: r.PostFormValue("username")}
	if !s.checkLoginCSRF(r) {
		d.LoginCSRF = s.loginCSRF(w, r)
		d.Error = &uiError{Status: http.StatusForbidden, Msg: "This login form expired. Please log in again."}
		s.render(w, r, http.StatusForbidden, "login", d)
		return nil
	}
	if _, _, err := s.login(w, r, r.PostFormValue("username"), r.PostFormValue("password")); err != nil {
		d.LoginCSRF = s.loginCSRF(w, r)
		d.Error = s.toUIError(r, err)
		s.render(w, r, d.Error.Status, "login", d)
		return nil
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) logoutForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.logout(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// directory caches users and cases for one page, to name owners, actors
// and patients.
type directory struct {
	s        *Server
	ctx      context.Context
	users    map[int64]claimgate.User
	cases    map[int64]claimgate.Case
	patients map[int64]claimgate.Patient
}

func (s *Server) directory(ctx context.Context) (*directory, error) {
	d := &directory{s: s, ctx: ctx, users: map[int64]claimgate.User{}, cases: map[int64]claimgate.Case{}, patients: map[int64]claimgate.Patient{}}
	users, err := s.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		d.users[u.ID] = u
	}
	return d, nil
}

// UserName names a user for display.
func (d *directory) UserName(id int64) string {
	if id == 0 {
		return "—"
	}
	if u, ok := d.users[id]; ok {
		if u.Name != "" {
			return u.Name
		}
		return u.Username
	}
	return fmt.Sprintf("user %d", id)
}

// active returns the active users, for owner selects.
func (d *directory) active() []claimgate.User {
	var out []claimgate.User
	for _, u := range d.users {
		if u.Active {
			out = append(out, u)
		}
	}
	sortUsers(out)
	return out
}

func sortUsers(us []claimgate.User) {
	slices.SortFunc(us, func(a, b claimgate.User) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
}

// caseAndPatient loads a case and its patient once per page.
func (d *directory) caseAndPatient(id int64) (claimgate.Case, claimgate.Patient, error) {
	c, ok := d.cases[id]
	if !ok {
		var err error
		if c, err = d.s.store.Case(d.ctx, id); err != nil {
			return c, claimgate.Patient{}, err
		}
		d.cases[id] = c
	}
	p, ok := d.patients[c.PatientID]
	if !ok {
		var err error
		if p, err = d.s.store.Patient(d.ctx, c.PatientID); err != nil {
			return c, p, err
		}
		d.patients[p.ID] = p
	}
	return c, p, nil
}

// workRow is a work item as a list shows it.
type workRow struct {
	claimgate.WorkItem
	Case      claimgate.Case
	StageWork bool // the case's work at its stage: done by moving the case
	Patient   string
	Owner     string
	Age       string
	DueIn     string
	Overdue   bool
}

func (s *Server) workRows(d *directory, items []claimgate.WorkItem) ([]workRow, error) {
	now := s.now()
	out := make([]workRow, 0, len(items))
	for _, it := range items {
		row := workRow{WorkItem: it, Owner: d.UserName(it.OwnerID), Age: humanDuration(now.Sub(it.CreatedAt))}
		if it.CaseID != 0 {
			c, p, err := d.caseAndPatient(it.CaseID)
			if err != nil {
				return nil, fmt.Errorf("work item %d: %w", it.ID, err)
			}
			row.Case, row.Patient, row.StageWork = c, patientName(p), workflow.IsStageWork(it, c)
		}
		if !it.Due.IsZero() {
			if it.Due.Before(now) {
				row.Overdue = true
				row.DueIn = humanDuration(now.Sub(it.Due)) + " overdue"
			} else {
				row.DueIn = "in " + humanDuration(it.Due.Sub(now))
			}
		}
		out = append(out, row)
	}
	return out, nil
}

func patientName(p claimgate.Patient) string {
	return strings.TrimSpace(p.Last + ", " + p.First)
}

type workPageData struct {
	base
	Items []workRow
}

func (s *Server) workPage(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	items, err := s.store.WorkItems(r.Context(), claimgate.WorkFilter{OwnerID: u.ID, Status: claimgate.WorkOpen})
	if err != nil {
		return err
	}
	d, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	rows, err := s.workRows(d, items)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, "work/mine"); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "work", workPageData{base: s.base(r, "My work", "work"), Items: rows})
	return nil
}

type queueRow struct {
	OwnerID  int64
	Queue    string
	Title    string
	Role     claimgate.Role
	Open     int
	Oldest   string
	Owner    string
	CanClaim bool
}

type queuesPageData struct {
	base
	Queues []queueRow
	Users  []claimgate.User // owner choices, for managers
	CanOwn bool             // the user may set default owners
}

func queueTitle(q string) string {
	if st := claimgate.Stage(q); st.Valid() {
		return fmt.Sprintf("%d. %s", st.Number(), st.Title())
	}
	if q == "exceptions" {
		return "Gate exceptions"
	}
	return q
}

func (s *Server) canClaim(u *claimgate.User, queue string) bool {
	return u.Has(queueRole(queue)) || u.Has(claimgate.Manager)
}

func (s *Server) queuesPage(w http.ResponseWriter, r *http.Request) error {
	qs, err := s.store.QueueSummaries(r.Context())
	if err != nil {
		return err
	}
	d, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	now, u := s.now(), userFrom(r)
	// Every stage's queue is listed, empty or not, so the page shows the
	// whole chain's load.
	seen := map[string]bool{}
	for _, q := range qs {
		seen[q.Queue] = true
	}
	for _, st := range claimgate.Stages {
		if st.OwnerRole() != "" && !seen[st.Queue()] {
			qs = append(qs, claimgate.QueueSummary{Queue: st.Queue()})
		}
	}
	rows := make([]queueRow, 0, len(qs))
	for _, q := range qs {
		row := queueRow{OwnerID: q.DefaultOwner, Queue: q.Queue, Title: queueTitle(q.Queue), Role: queueRole(q.Queue), Open: q.Open, Owner: d.UserName(q.DefaultOwner), Oldest: "—", CanClaim: q.Open > 0 && s.canClaim(u, q.Queue)}
		if q.DefaultOwner == 0 {
			row.Owner = "not set (assigned by role)"
		}
		if !q.Oldest.IsZero() {
			row.Oldest = humanDuration(now.Sub(q.Oldest))
		}
		rows = append(rows, row)
	}
	// Chain order first, then the rest by name.
	rank := func(q string) int {
		if st := claimgate.Stage(q); st.Valid() {
			return st.Number()
		}
		return 100
	}
	slices.SortFunc(rows, func(a, b queueRow) int {
		return cmp.Or(cmp.Compare(rank(a.Queue), rank(b.Queue)), strings.Compare(a.Queue, b.Queue))
	})
	s.render(w, r, http.StatusOK, "queues", queuesPageData{base: s.base(r, "Queues", "queues"), Queues: rows, Users: d.active(), CanOwn: u.Has(claimgate.Manager)})
	return nil
}

type queuePageData struct {
	base
	Queue    string
	QTitle   string
	Role     claimgate.Role
	Items    []workRow
	CanClaim bool
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request) error {
	q := r.PathValue("queue")
	items, err := s.store.WorkItems(r.Context(), claimgate.WorkFilter{Queue: q, Status: claimgate.WorkOpen, Limit: 500})
	if err != nil {
		return err
	}
	d, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	rows, err := s.workRows(d, items)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, "queue/"+q); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "queue", queuePageData{base: s.base(r, queueTitle(q), "queues"), Queue: q, QTitle: queueTitle(q),
		Role: queueRole(q), Items: rows, CanClaim: len(rows) > 0 && s.canClaim(userFrom(r), q)})
	return nil
}

func (s *Server) claimForm(w http.ResponseWriter, r *http.Request) error {
	it, err := s.claimNext(r, r.PathValue("queue"))
	if err != nil {
		return err
	}
	if it.CaseID != 0 {
		redirect(w, r, "/cases/"+strconv.FormatInt(it.CaseID, 10), "")
		return nil
	}
	redirect(w, r, "/work", "")
	return nil
}

func (s *Server) completeForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "work item")
	if err != nil {
		return err
	}
	if err := s.complete(r, id, r.PostFormValue("note")); err != nil {
		return err
	}
	redirect(w, r, safeNext(r.PostFormValue("next")), "completed")
	return nil
}

func (s *Server) reassignForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "work item")
	if err != nil {
		return err
	}
	owner, _ := strconv.ParseInt(r.PostFormValue("owner_id"), 10, 64)
	if err := s.reassign(r, id, owner, r.PostFormValue("reason")); err != nil {
		return err
	}
	redirect(w, r, safeNext(r.PostFormValue("next")), "reassigned")
	return nil
}

type caseRow struct {
	claimgate.Case
	Patient string
	MRN     string
	InStage string
}

type casesPageData struct {
	base
	Stages []claimgate.Stage
	Filter claimgate.Stage
	Cases  []caseRow
}

func (s *Server) casesPage(w http.ResponseWriter, r *http.Request) error {
	f, err := caseFilter(r)
	if err != nil {
		return err
	}
	cases, err := s.store.Cases(r.Context(), f)
	if err != nil {
		return err
	}
	d, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	now := s.now()
	rows := make([]caseRow, 0, len(cases))
	for _, c := range cases {
		d.cases[c.ID] = c
		_, p, err := d.caseAndPatient(c.ID)
		if err != nil {
			return err
		}
		rows = append(rows, caseRow{Case: c, Patient: patientName(p), MRN: p.MRN, InStage: humanDuration(now.Sub(c.StageSince))})
	}
	if err := s.auditRead(r, "cases"); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cases", casesPageData{base: s.base(r, "Cases", "cases"), Stages: claimgate.Stages, Filter: f.Stage, Cases: rows})
	return nil
}

// chainStage is one stage on the case page's picture of the chain.
type chainStage struct {
	Stage claimgate.Stage
	State string // "done", "current" or "ahead"
}

// chainZone groups the chain by zone, with the gate that closes the zone.
type chainZone struct {
	Zone   claimgate.Zone
	Stages []chainStage
	Gate   *workflow.Report
}

type gateView struct {
	workflow.Report
	Ahead bool // the gate the case must pass next
}

type exceptionRow struct {
	claimgate.Exception
	Owner    string
	Approver string
	Open     bool
	Expired  bool
}

type eventRow struct {
	claimgate.Event
	Actor string
	What  string
}

type casePageData struct {
	base
	V          workflow.CaseView
	Patient    string
	Provider   claimgate.Provider
	Location   claimgate.Location
	Chain      []chainZone
	InStage    string
	GateAhead  *workflow.Report
	Gates      []gateView
	Exceptions []exceptionRow
	Work       []workRow
	Events     []eventRow
	Users      []claimgate.User
	Manager    bool
	ExpDefault string
	ExpMax     string
	Today      string
	Reason     string // the move reason typed before a refusal
	Mid        *casePageMid
	Front      *casePageFront
}

// casePage shows where a case sits; a refused form re-renders it with the
// refusal (status from the error) and every item it names.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderCase(w, r, http.StatusOK, nil, "")
}

// renderCase renders the case page; after a refused move, moveReason keeps
// what the user typed.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, refusal *uiError, moveReason string) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	v, err := s.wf.View(r.Context(), id)
	if err != nil {
		return err
	}
	d, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	prov, err := s.store.Provider(r.Context(), v.Case.ProviderID)
	if err != nil {
		return err
	}
	loc, err := s.store.Location(r.Context(), v.Case.LocationID)
	if err != nil {
		return err
	}
	now := s.now()
	u := userFrom(r)
	data := casePageData{
		base:     s.base(r, fmt.Sprintf("Case #%d", id), "cases"),
		V:        v,
		Patient:  patientName(v.Patient),
		Provider: prov,
		Location: loc,
		InStage:  humanDuration(v.InStage),
		Users:    d.active(),
		Manager:  u.Has(claimgate.Manager),
		Today:    now.UTC().Format(time.DateOnly),
		// An exception lasts through the chosen day (UTC); the last day
		// allowed keeps it within workflow.MaxExceptionDays.
		ExpDefault: now.UTC().AddDate(0, 0, 7).Format(time.DateOnly),
		ExpMax:     now.UTC().AddDate(0, 0, workflow.MaxExceptionDays-1).Format(time.DateOnly),
	}
	data.Error, data.Reason = refusal, moveReason
	if refusal != nil {
		data.Flash = ""
	}
	ahead := workflow.NextGate(v.Case.Stage)
	for i := range v.Gates {
		g := gateView{Report: v.Gates[i], Ahead: v.Gates[i].Gate == ahead}
		if g.Ahead {
			data.GateAhead = &v.Gates[i]
		}
		data.Gates = append(data.Gates, g)
	}
	for _, z := range []claimgate.Zone{claimgate.FrontEnd, claimgate.MidCycle, claimgate.BackEnd, claimgate.Done} {
		cz := chainZone{Zone: z}
		for _, st := range claimgate.Stages {
			if st.Zone() != z {
				continue
			}
			state := "ahead"
			switch {
			case st == v.Case.Stage:
				state = "current"
			case st.Number() < v.Case.Stage.Number():
				state = "done"
			}
			cz.Stages = append(cz.Stages, chainStage{Stage: st, State: state})
		}
		for i := range v.Gates {
			if v.Gates[i].Gate.Leaves == z {
				cz.Gate = &v.Gates[i]
			}
		}
		data.Chain = append(data.Chain, cz)
	}
	for _, e := range v.Exceptions {
		data.Exceptions = append(data.Exceptions, exceptionRow{Exception: e, Owner: d.UserName(e.OwnerID), Approver: d.UserName(e.ApproverID),
			Open: e.OpenAt(now), Expired: e.ResolvedAt.IsZero() && !now.Before(e.Expires)})
	}
	d.cases[v.Case.ID], d.patients[v.Patient.ID] = v.Case, v.Patient
	if data.Mid, err = s.midSection(r, id, d); err != nil {
		return err
	}
	if data.Front, err = s.frontSection(r, id, d); err != nil {
		return err
	}
	if data.Work, err = s.workRows(d, v.Work); err != nil {
		return err
	}
	for i := len(v.Events) - 1; i >= 0; i-- { // newest first
		e := v.Events[i]
		data.Events = append(data.Events, eventRow{Event: e, Actor: d.UserName(e.ActorID), What: eventTitle(e, d)})
	}
	if err := s.auditRead(r, caseObject(id)); err != nil {
		return err
	}
	s.render(w, r, status, "case", data)
	return nil
}

// eventDetails is the part of an event's Data the timeline reads; unknown
// or missing fields leave the plain title.
type eventDetails struct {
	Exception int64  `json:"exception"`
	Gate      string `json:"gate"`
	Item      string `json:"item"`
	Owner     int64  `json:"owner"`
	FromOwner int64  `json:"from_owner"`
	Queue     string `json:"queue"`
}

// eventTitle says what an event was, in a few words.
func eventTitle(e claimgate.Event, d *directory) string {
	var x eventDetails
	if e.Data != "" {
		json.Unmarshal([]byte(e.Data), &x) // best effort: the title falls back to the kind
	}
	switch e.Kind {
	case claimgate.EventCaseCreated:
		return "Case opened"
	case claimgate.EventCaseMoved:
		return "Moved " + e.From.Title() + " → " + e.To.Title()
	case claimgate.EventExceptionLogged:
		if x.Gate != "" {
			t := fmt.Sprintf("Exception #%d logged on %s/%s", x.Exception, x.Gate, x.Item)
			if x.Owner != 0 {
				t += ", owner " + d.UserName(x.Owner)
			}
			return t
		}
		return "Exception logged"
	case claimgate.EventExceptionResolved:
		if x.Exception != 0 {
			return fmt.Sprintf("Exception #%d resolved", x.Exception)
		}
		return "Exception resolved"
	case claimgate.EventWorkAssigned:
		return "Work assigned"
	case claimgate.EventWorkReassigned:
		if x.Owner != 0 {
			return "Work reassigned to " + d.UserName(x.Owner)
		}
		return "Work reassigned"
	case claimgate.EventWorkCompleted:
		return "Work completed"
	case claimgate.EventWorkClaimed:
		if x.Queue != "" {
			return "Work claimed from the " + x.Queue + " queue"
		}
		return "Work claimed"
	}
	if t := midEventTitle(e); t != "" {
		return t
	}
	if t := frontEventTitle(e); t != "" {
		return t
	}
	return e.Kind
}

// refuse re-renders the case page with a refused form's error; errors that
// are not refusals (internal ones) take the error page.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, title, moveReason string, err error) error {
	e := s.toUIError(r, err)
	e.Title = title
	return s.renderCase(w, r, e.Status, e, moveReason)
}

func (s *Server) moveForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	from, to, err := parseMove(r.PostFormValue("from"), r.PostFormValue("to"))
	if err == nil {
		version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
		_, err = s.wf.MoveFromVersion(r.Context(), userFrom(r), id, from, version, to, r.PostFormValue("reason"))
	}
	if err != nil {
		if claimgate.ErrorKind(err) == claimgate.NotFound || claimgate.ErrorKind(err) == claimgate.Internal {
			return err
		}
		s.log.InfoContext(r.Context(), "move refused", "case_id", id, "from", from, "to", to, "user_id", userFrom(r).ID, "kind", claimgate.ErrorKind(err).String())
		title := "Move refused"
		if to.Valid() {
			title = fmt.Sprintf("Move to %d. %s refused", to.Number(), to.Title())
		}
		return s.refuse(w, r, title, r.PostFormValue("reason"), err)
	}
	s.auditChange(r, "move", caseObject(id))
	s.log.InfoContext(r.Context(), "case moved", "case_id", id, "from", from, "to", to, "user_id", userFrom(r).ID)
	redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"#timeline", "moved")
	return nil
}

func (s *Server) exceptionForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	in := workflow.ExceptionInput{CaseID: id, Gate: r.PostFormValue("gate"), Item: r.PostFormValue("item"), Reason: r.PostFormValue("reason")}
	in.OwnerID, _ = strconv.ParseInt(r.PostFormValue("owner_id"), 10, 64)
	var bad []string
	if v := r.PostFormValue("expires"); v != "" {
		dt, err := claimgate.ParseDate(v)
		if err != nil {
			bad = append(bad, "expires: "+claimgate.ErrorMessage(err))
		} else {
			in.Expires = dt.AddDays(1).Time() // through the end of the chosen day, UTC
		}
	}
	var e claimgate.Exception
	if len(bad) > 0 {
		err = &claimgate.Error{Kind: claimgate.Invalid, Msg: "exception not logged: " + strings.Join(bad, "; "), Details: bad}
	} else {
		e, err = s.wf.LogException(r.Context(), userFrom(r), in)
	}
	if err != nil {
		if claimgate.ErrorKind(err) == claimgate.NotFound || claimgate.ErrorKind(err) == claimgate.Internal {
			return err
		}
		return s.refuse(w, r, "Exception not logged", "", err)
	}
	s.auditChange(r, "create", "exception/"+strconv.FormatInt(e.ID, 10))
	redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"#gates", "exception")
	return nil
}

func (s *Server) resolveForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "exception")
	if err != nil {
		return err
	}
	e, err := s.store.Exception(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.wf.ResolveException(r.Context(), userFrom(r), id, r.PostFormValue("resolution")); err != nil {
		if k := claimgate.ErrorKind(err); k == claimgate.NotFound || k == claimgate.Internal {
			return err
		}
		// Re-render the exception's case with the refusal.
		r.SetPathValue("id", strconv.FormatInt(e.CaseID, 10))
		return s.refuse(w, r, fmt.Sprintf("Exception #%d not resolved", id), "", err)
	}
	s.auditChange(r, "resolve", "exception/"+strconv.FormatInt(id, 10))
	redirect(w, r, "/cases/"+strconv.FormatInt(e.CaseID, 10)+"#exceptions", "resolved")
	return nil
}

type usersPageData struct {
	base
	Users []claimgate.User
	Roles []claimgate.Role
	Form  createUserRequest
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, nil, createUserRequest{})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, refusal *uiError, form createUserRequest) error {
	users, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	b := s.base(r, "Users", "users")
	b.Error = refusal
	s.render(w, r, status, "users", usersPageData{base: b, Users: users, Roles: claimgate.Roles, Form: form})
	return nil
}

func (s *Server) createUserForm(w http.ResponseWriter, r *http.Request) error {
	req := createUserRequest{Username: r.PostFormValue("username"), Name: r.PostFormValue("name"), Password: r.PostFormValue("password"), Roles: r.PostForm["roles"]}
	if _, err := s.createUser(r, req); err != nil {
		if claimgate.ErrorKind(err) == claimgate.Internal {
			return err
		}
		req.Password = ""
		e := s.toUIError(r, err)
		e.Title = "User not created"
		return s.renderUsers(w, r, e.Status, e, req)
	}
	redirect(w, r, "/admin/users", "user")
	return nil
}
