package http

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// The API's JSON bodies. They are separate from the domain types so that the
// wire format is deliberate (snake_case, no password hashes, [] not null) and
// documented in the OpenAPI document next to them.

type userJSON struct {
	ID        int64            `json:"id"`
	Username  string           `json:"username"`
	Name      string           `json:"name"`
	Roles     []claimgate.Role `json:"roles"`
	Active    bool             `json:"active"`
	CreatedAt time.Time        `json:"created_at"`
}

func toUser(u claimgate.User) userJSON {
	roles := u.Roles
	if roles == nil {
		roles = []claimgate.Role{}
	}
	return userJSON{ID: u.ID, Username: u.Username, Name: u.Name, Roles: roles, Active: u.Active, CreatedAt: u.CreatedAt.UTC()}
}

type sessionJSON struct {
	User      userJSON  `json:"user"`
	CSRFToken string    `json:"csrf_token"`
	Expires   time.Time `json:"expires"`
}

type stageJSON struct {
	ID        claimgate.Stage `json:"id"`
	Number    int             `json:"number"`
	Title     string          `json:"title"`
	Zone      claimgate.Zone  `json:"zone"`
	OwnerRole claimgate.Role  `json:"owner_role"`
	Queue     string          `json:"queue"`
	Gate      string          `json:"gate_ahead,omitempty"` // the gate a case here must pass to leave its zone
	Next      []nextJSON      `json:"next"`
}

type nextJSON struct {
	To   claimgate.Stage    `json:"to"`
	Kind claimgate.MoveKind `json:"kind"`
	Gate string             `json:"gate,omitempty"` // the gate that guards the move
}

func toStage(st claimgate.Stage) stageJSON {
	out := stageJSON{ID: st, Number: st.Number(), Title: st.Title(), Zone: st.Zone(), OwnerRole: st.OwnerRole(), Next: []nextJSON{}}
	if st != claimgate.Closed {
		out.Queue = st.Queue()
	}
	if g := workflow.NextGate(st); g != nil {
		out.Gate = g.ID
	}
	for _, to := range claimgate.NextStages(st) {
		k, _ := claimgate.MoveKindOf(st, to)
		n := nextJSON{To: to, Kind: k}
		if g := workflow.GateFor(st, to, k); g != nil {
			n.Gate = g.ID
		}
		out.Next = append(out.Next, n)
	}
	return out
}

type caseJSON struct {
	ID          int64           `json:"id"`
	PatientID   int64           `json:"patient_id"`
	LocationID  int64           `json:"location_id"`
	ProviderID  int64           `json:"provider_id"`
	ServiceDate claimgate.Date  `json:"service_date"`
	Stage       claimgate.Stage `json:"stage"`
	StageSince  time.Time       `json:"stage_since"`
	Version     int64           `json:"version"`
	CreatedAt   time.Time       `json:"created_at"`
}

func toCase(c claimgate.Case) caseJSON {
	return caseJSON{ID: c.ID, PatientID: c.PatientID, LocationID: c.LocationID, ProviderID: c.ProviderID,
		ServiceDate: c.ServiceDate, Stage: c.Stage, StageSince: c.StageSince.UTC(), Version: c.Version, CreatedAt: c.CreatedAt.UTC()}
}

type patientJSON struct {
	ID        int64          `json:"id"`
	MRN       string         `json:"mrn"`
	First     string         `json:"first"`
	Last      string         `json:"last"`
	BirthDate claimgate.Date `json:"birth_date"`
	Sex       claimgate.Sex  `json:"sex"`
}

type userRef struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

type itemJSON struct {
	Gate        string          `json:"gate"`
	ID          string          `json:"id"`
	Text        string          `json:"text"`
	Status      workflow.Status `json:"status"`
	Why         string          `json:"why"`
	ExceptionID int64           `json:"exception_id,omitempty"`
}

func toItem(it workflow.ItemReport) itemJSON {
	out := itemJSON{Gate: it.Gate, ID: it.ID, Text: it.Text, Status: it.Result.Status, Why: it.Result.Why}
	if it.Exception != nil {
		out.ExceptionID = it.Exception.ID
	}
	return out
}

type gateJSON struct {
	ID     string         `json:"id"`
	Title  string         `json:"title"`
	Leaves claimgate.Zone `json:"leaves"`
	Passed bool           `json:"passed"`
	Items  []itemJSON     `json:"items"`
}

func toGate(rep workflow.Report) gateJSON {
	out := gateJSON{ID: rep.Gate.ID, Title: rep.Gate.Title, Leaves: rep.Gate.Leaves, Passed: rep.Passed(), Items: []itemJSON{}}
	for _, it := range rep.Items {
		out.Items = append(out.Items, toItem(it))
	}
	return out
}

type exceptionJSON struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	Gate       string     `json:"gate"`
	Item       string     `json:"item"`
	Reason     string     `json:"reason"`
	OwnerID    int64      `json:"owner_id"`
	ApproverID int64      `json:"approver_id"`
	Expires    time.Time  `json:"expires"`
	CreatedAt  time.Time  `json:"created_at"`
	Open       bool       `json:"open"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
	Resolution string     `json:"resolution,omitempty"`
}

func toException(e claimgate.Exception, now time.Time) exceptionJSON {
	return exceptionJSON{ID: e.ID, CaseID: e.CaseID, Gate: e.Gate, Item: e.Item, Reason: e.Reason, OwnerID: e.OwnerID,
		ApproverID: e.ApproverID, Expires: e.Expires.UTC(), CreatedAt: e.CreatedAt.UTC(), Open: e.OpenAt(now),
		ResolvedAt: optTime(e.ResolvedAt), Resolution: e.Resolution}
}

type workJSON struct {
	ID          int64                `json:"id"`
	CaseID      int64                `json:"case_id,omitempty"`
	Stage       claimgate.Stage      `json:"stage,omitempty"`
	Queue       string               `json:"queue"`
	Reason      string               `json:"reason"`
	OwnerID     int64                `json:"owner_id"`
	Priority    int                  `json:"priority"`
	Due         *time.Time           `json:"due,omitempty"`
	Status      claimgate.WorkStatus `json:"status"`
	ClaimedBy   int64                `json:"claimed_by,omitempty"`
	ExceptionID int64                `json:"exception_id,omitempty"`
	CreatedAt   time.Time            `json:"created_at"`
	UpdatedAt   time.Time            `json:"updated_at"`
	AgeSeconds  int64                `json:"age_seconds"`
}

func toWork(w claimgate.WorkItem, now time.Time) workJSON {
	return workJSON{ID: w.ID, CaseID: w.CaseID, Stage: w.Stage, Queue: w.Queue, Reason: w.Reason, OwnerID: w.OwnerID,
		Priority: w.Priority, Due: optTime(w.Due), Status: w.Status, ClaimedBy: w.ClaimedBy, ExceptionID: w.ExceptionID,
		CreatedAt: w.CreatedAt.UTC(), UpdatedAt: w.UpdatedAt.UTC(), AgeSeconds: int64(now.Sub(w.CreatedAt) / time.Second)}
}

func toWorkList(items []claimgate.WorkItem, now time.Time) []workJSON {
	out := make([]workJSON, 0, len(items))
	for _, w := range items {
		out = append(out, toWork(w, now))
	}
	return out
}

type eventJSON struct {
	ID      int64           `json:"id"`
	CaseID  int64           `json:"case_id,omitempty"`
	Kind    string          `json:"kind"`
	ActorID int64           `json:"actor_id"`
	At      time.Time       `json:"at"`
	From    claimgate.Stage `json:"from,omitempty"`
	To      claimgate.Stage `json:"to,omitempty"`
	Reason  string          `json:"reason,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func toEvent(e claimgate.Event) eventJSON {
	out := eventJSON{ID: e.ID, CaseID: e.CaseID, Kind: e.Kind, ActorID: e.ActorID, At: e.At.UTC(), From: e.From, To: e.To, Reason: e.Reason}
	if e.Data != "" && json.Valid([]byte(e.Data)) {
		out.Data = json.RawMessage(e.Data)
	}
	return out
}

type queueJSON struct {
	Queue            string     `json:"queue"`
	DefaultOwnerID   int64      `json:"default_owner_id,omitempty"`
	Open             int        `json:"open"`
	Oldest           *time.Time `json:"oldest,omitempty"`
	OldestAgeSeconds int64      `json:"oldest_age_seconds"`
}

func toQueue(q claimgate.QueueSummary, now time.Time) queueJSON {
	out := queueJSON{Queue: q.Queue, DefaultOwnerID: q.DefaultOwner, Open: q.Open, Oldest: optTime(q.Oldest)}
	if !q.Oldest.IsZero() {
		out.OldestAgeSeconds = int64(now.Sub(q.Oldest) / time.Second)
	}
	return out
}

// caseViewJSON answers "where does this case sit": its stage in the chain,
// owner, time in stage, what blocks it, and its history.
type caseViewJSON struct {
	Case               caseJSON        `json:"case"`
	Patient            patientJSON     `json:"patient"`
	Stage              stageJSON       `json:"stage"`
	Owner              *userRef        `json:"owner"`
	TimeInStageSeconds int64           `json:"time_in_stage_seconds"`
	TimeInStage        string          `json:"time_in_stage"`
	Blocking           []itemJSON      `json:"blocking"`
	Gates              []gateJSON      `json:"gates"`
	Exceptions         []exceptionJSON `json:"exceptions"`
	WorkItems          []workJSON      `json:"work_items"`
	Events             []eventJSON     `json:"events"`
	NextStages         []nextJSON      `json:"next_stages"`
}

func toCaseView(v workflow.CaseView, now time.Time) caseViewJSON {
	p := v.Patient
	out := caseViewJSON{
		Case:               toCase(v.Case),
		Patient:            patientJSON{ID: p.ID, MRN: p.MRN, First: p.First, Last: p.Last, BirthDate: p.BirthDate, Sex: p.Sex},
		Stage:              toStage(v.Case.Stage),
		TimeInStageSeconds: int64(v.InStage / time.Second),
		TimeInStage:        humanDuration(v.InStage),
		Blocking:           []itemJSON{},
		Gates:              []gateJSON{},
		Exceptions:         []exceptionJSON{},
		WorkItems:          toWorkList(v.Work, now),
		Events:             []eventJSON{},
		NextStages:         []nextJSON{},
	}
	if v.Owner != nil {
		out.Owner = &userRef{ID: v.Owner.ID, Username: v.Owner.Username, Name: v.Owner.Name}
	}
	for _, it := range v.Blocking {
		out.Blocking = append(out.Blocking, toItem(it))
	}
	for _, g := range v.Gates {
		out.Gates = append(out.Gates, toGate(g))
	}
	for _, e := range v.Exceptions {
		out.Exceptions = append(out.Exceptions, toException(e, now))
	}
	for _, e := range v.Events {
		out.Events = append(out.Events, toEvent(e))
	}
	for _, n := range v.NextStages {
		nj := nextJSON{To: n.To, Kind: n.Kind}
		if n.Gate != nil {
			nj.Gate = n.Gate.ID
		}
		out.NextStages = append(out.NextStages, nj)
	}
	return out
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// humanDuration formats d the way a person reads an age: "40m", "3h 5m",
// "2d 4h".
func humanDuration(d time.Duration) string {
	if d < time.Minute {
		return "under a minute"
	}
	d = d.Truncate(time.Minute)
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case days > 0:
		return fmt.Sprintf("%dd", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%dh", hours)
	}
	return fmt.Sprintf("%dm", mins)
}
