package http

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// casePageFront is the front-end section of the case page: eligibility
// with the Check eligibility button and the manual verification form, the
// authorization needs and records with their forms, and the estimate.
type casePageFront struct {
	*frontView
	Checks    []checkRow
	Auths     []authRow
	Estimates []estimateRow
	Open      bool // the case is in the front-end: forms are offered
	CanDesk   bool
	CanAuth   bool
	RealTime  bool // a real-time clearinghouse is configured
	Methods   []string
}

type checkRow struct {
	claimgate.EligibilityCheck
	By          string
	Coinsurance string
}

type authRow struct {
	claimgate.AuthRecord
	Owner, By string
}

type estimateRow struct {
	claimgate.Estimate
	By string
}

func (s *Server) frontSection(r *http.Request, caseID int64, d *directory) (*casePageFront, error) {
	v, err := s.frontView(r, caseID)
	if err != nil {
		return nil, err
	}
	u := userFrom(r)
	fs := &casePageFront{frontView: v, Open: v.Facts.Case.Stage.Zone() == claimgate.FrontEnd,
		CanDesk: u.Has(claimgate.FrontDesk) || u.Has(claimgate.Manager), CanAuth: u.Has(claimgate.AuthCoordinator) || u.Has(claimgate.FrontDesk) || u.Has(claimgate.Manager),
		RealTime: s.wf.RealTime != nil, Methods: claimgate.EstimateMethods}
	for _, c := range v.Facts.Front.Checks {
		fs.Checks = append(fs.Checks, checkRow{EligibilityCheck: c, By: d.UserName(c.CheckedBy), Coinsurance: percent(c.Coinsurance)})
	}
	for i := len(v.Facts.Front.Auths) - 1; i >= 0; i-- { // newest first
		a := v.Facts.Front.Auths[i]
		fs.Auths = append(fs.Auths, authRow{AuthRecord: a, Owner: d.UserName(a.OwnerID), By: d.UserName(a.CreatedBy)})
	}
	for _, e := range v.Facts.Front.Estimates {
		fs.Estimates = append(fs.Estimates, estimateRow{Estimate: e, By: d.UserName(e.CommunicatedBy)})
	}
	return fs, nil
}

// frontForm runs a front-end form's change; a refusal re-renders the case
// page with what was refused.
func (s *Server) frontForm(w http.ResponseWriter, r *http.Request, title string, change func(id int64) error) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	if err := change(id); err != nil {
		if k := claimgate.ErrorKind(err); k == claimgate.Internal {
			return err
		}
		return s.refuse(w, r, title, "", err)
	}
	// The front desk's day asks to come back to it.
	if next := r.PostFormValue("next"); strings.HasPrefix(next, "/frontdesk?date=") && !strings.ContainsAny(next, "\r\n#") {
		redirect(w, r, next, "saved")
		return nil
	}
	redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"#frontend", "saved")
	return nil
}

// formMoney reads a dollar amount field ("25", "25.50"); empty is 0.
func formMoney(r *http.Request, name string) (claimgate.Money, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	m, err := claimgate.ParseMoney(v)
	if err != nil {
		return 0, &claimgate.Error{Kind: claimgate.Invalid, Msg: "not saved: " + name + " is not an amount", Details: []string{name + ": want dollars, e.g. 25.00"}}
	}
	return m, nil
}

func formDate(r *http.Request, name string) (claimgate.Date, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return claimgate.Date{}, nil
	}
	d, err := claimgate.ParseDate(v)
	if err != nil {
		return d, &claimgate.Error{Kind: claimgate.Invalid, Msg: "not saved: " + name + " is not a date", Details: []string{name + ": want YYYY-MM-DD"}}
	}
	return d, nil
}

func (s *Server) checkEligibilityForm(w http.ResponseWriter, r *http.Request) error {
	return s.frontForm(w, r, "Eligibility not checked", func(id int64) error {
		_, err := s.wf.CheckEligibility(r.Context(), userFrom(r), id)
		if err == nil {
			s.auditChange(r, "create", caseObject(id)+"/eligibility")
		}
		return err
	})
}

func (s *Server) manualEligibilityForm(w http.ResponseWriter, r *http.Request) error {
	return s.frontForm(w, r, "Verification not recorded", func(id int64) error {
		copay, err := formMoney(r, "copay")
		if err != nil {
			return err
		}
		ded, err := formMoney(r, "deductible_remaining")
		if err != nil {
			return err
		}
		in := workflow.ManualCheck{Method: r.PostFormValue("method"), Reference: r.PostFormValue("reference"),
			Active: r.PostFormValue("active") == "yes", Plan: r.PostFormValue("plan"), Copay: copay, DeductibleRemaining: ded,
			Note: r.PostFormValue("note")}
		if v := strings.TrimSpace(r.PostFormValue("coinsurance")); v != "" {
			pct, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return &claimgate.Error{Kind: claimgate.Invalid, Msg: "not saved: coinsurance is not a whole percent", Details: []string{"coinsurance: 0 to 100"}}
			}
			in.Coinsurance = pct * 100
		}
		if strings.TrimSpace(r.PostFormValue("oop_remaining")) != "" {
			if in.OOPRemaining, err = formMoney(r, "oop_remaining"); err != nil {
				return err
			}
			in.HasOOP = true
		}
		_, err = s.wf.VerifyManually(r.Context(), userFrom(r), id, in)
		if err == nil {
			s.auditChange(r, "create", caseObject(id)+"/eligibility")
		}
		return err
	})
}

func (s *Server) authorizationForm(w http.ResponseWriter, r *http.Request) error {
	return s.frontForm(w, r, "Authorization not recorded", func(id int64) error {
		from, err := formDate(r, "from")
		if err != nil {
			return err
		}
		to, err := formDate(r, "to")
		if err != nil {
			return err
		}
		units := 0
		if v := strings.TrimSpace(r.PostFormValue("units")); v != "" {
			if units, err = strconv.Atoi(v); err != nil {
				return &claimgate.Error{Kind: claimgate.Invalid, Msg: "not saved: units is not a number", Details: []string{"units: a whole number"}}
			}
		}
		_, err = s.wf.RecordAuthorization(r.Context(), userFrom(r), id, workflow.AuthInput{Code: r.PostFormValue("code"),
			Status: claimgate.AuthStatus(r.PostFormValue("status")), Number: r.PostFormValue("number"), From: from, To: to, Units: units,
			Source: r.PostFormValue("source"), Reason: r.PostFormValue("reason")})
		if err == nil {
			s.auditChange(r, "create", caseObject(id)+"/authorization")
		}
		return err
	})
}

func (s *Server) requestAuthorizationForm(w http.ResponseWriter, r *http.Request) error {
	return s.frontForm(w, r, "Authorization not requested", func(id int64) error {
		_, err := s.wf.RequestAuthorization(r.Context(), userFrom(r), id, r.PostFormValue("code"))
		if err == nil {
			s.auditChange(r, "create", caseObject(id)+"/authorization")
		}
		return err
	})
}

func (s *Server) estimateForm(w http.ResponseWriter, r *http.Request) error {
	return s.frontForm(w, r, "Estimate not recorded", func(id int64) error {
		dep, err := formMoney(r, "deposit")
		if err != nil {
			return err
		}
		_, err = s.wf.RecordEstimate(r.Context(), userFrom(r), id, workflow.EstimateInput{Method: r.PostFormValue("method"), Deposit: dep, Note: r.PostFormValue("note")})
		if err == nil {
			s.auditChange(r, "create", caseObject(id)+"/estimate")
		}
		return err
	})
}

type frontDeskPageData struct {
	base
	Day      string
	Prev     string
	Next     string
	Rows     []frontDeskRow
	Passing  int
	RealTime bool
	Skips    []skipRow
}

type skipRow struct {
	workflow.SkipRow
	User string
}

type frontDeskRow struct {
	workflow.ScheduleRow
	Name string
	Time string
}

// frontDeskPage is the front desk's day: the schedule with eligibility and
// authorization status on every appointment, a Check eligibility button,
// and the failing items of each case.
func (s *Server) frontDeskPage(w http.ResponseWriter, r *http.Request) error {
	day, err := s.scheduleDay(r)
	if err != nil {
		return err
	}
	rows, err := s.wf.Schedule(r.Context(), day)
	if err != nil {
		return err
	}
	data := frontDeskPageData{base: s.base(r, "Front desk", "frontdesk"), Day: day.String(), Prev: day.AddDays(-1).String(),
		Next: day.AddDays(1).String(), RealTime: s.wf.RealTime != nil}
	for _, x := range rows {
		row := frontDeskRow{ScheduleRow: x, Name: patientName(x.Patient)}
		if x.Visit != nil && !x.Visit.ScheduledAt.IsZero() {
			row.Time = x.Visit.ScheduledAt.UTC().Format("15:04")
		}
		if x.Passed {
			data.Passing++
		}
		data.Rows = append(data.Rows, row)
	}
	skips, err := s.wf.Skips(r.Context(), day.AddDays(-13), day)
	if err != nil {
		return err
	}
	d, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	for i := len(skips) - 1; i >= 0; i-- { // newest day first
		data.Skips = append(data.Skips, skipRow{SkipRow: skips[i], User: d.UserName(skips[i].UserID)})
	}
	if err := s.auditRead(r, "frontdesk/"+day.String()); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "frontdesk", data)
	return nil
}

// frontEventTitle names a front-end event for the timeline; "" for other
// kinds.
func frontEventTitle(e claimgate.Event) string {
	var x struct {
		Method     string `json:"method"`
		Status     string `json:"status"`
		RejectCode string `json:"reject_code"`
		Code       string `json:"code"`
		Total      int64  `json:"total"`
	}
	json.Unmarshal([]byte(e.Data), &x) // best effort: the title still names the kind
	switch e.Kind {
	case claimgate.EventEligibilityChecked:
		t := "Eligibility checked (" + x.Method + "): " + x.Status
		if x.RejectCode != "" {
			t += ", AAA " + x.RejectCode
		}
		return t
	case claimgate.EventAuthRecorded:
		return "Authorization for " + x.Code + ": " + strings.ReplaceAll(x.Status, "_", " ")
	case claimgate.EventEstimateRecorded:
		return "Patient responsibility estimate " + claimgate.Money(x.Total).String() + " communicated (" + strings.ReplaceAll(x.Method, "_", " ") + ")"
	}
	return ""
}

func (s *Server) duplicateForm(w http.ResponseWriter, r *http.Request) error {
	return s.frontForm(w, r, "Decision not logged", func(id int64) error {
		c, err := s.store.Case(r.Context(), id)
		if err != nil {
			return err
		}
		other, err := strconv.ParseInt(r.PostFormValue("other_id"), 10, 64)
		if err != nil {
			return &claimgate.Error{Kind: claimgate.Invalid, Msg: "decision not logged: which patient?", Details: []string{"other_id: a patient number"}}
		}
		_, err = s.wf.DecideDuplicate(r.Context(), userFrom(r), c.PatientID, other, r.PostFormValue("decision"), r.PostFormValue("reason"))
		if err == nil {
			s.auditChange(r, "create", "patient/"+strconv.FormatInt(c.PatientID, 10)+"/duplicates")
		}
		return err
	})
}

func (s *Server) checkDayForm(w http.ResponseWriter, r *http.Request) error {
	day, err := s.scheduleDay(r)
	if err != nil {
		return err
	}
	checks, err := s.wf.CheckDay(r.Context(), userFrom(r), day)
	for _, c := range checks {
		s.auditChange(r, "create", caseObject(c.CaseID)+"/eligibility")
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/frontdesk?date="+day.String(), "saved")
	return nil
}

type authPageData struct {
	base
	Rows     []authPageRow
	RealTime bool
	Unowned  int
}

type authPageRow struct {
	workflow.AuthRow
	Name  string
	Owner string
}

// authPage is the authorization coordinator's queue: missing, denied,
// expired, pending and expiring authorizations first, each with its owner.
func (s *Server) authPage(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.wf.AuthWorklist(r.Context())
	if err != nil {
		return err
	}
	d, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	data := authPageData{base: s.base(r, "Authorizations", "authorizations"), RealTime: s.wf.RealTime != nil}
	for _, x := range rows {
		row := authPageRow{AuthRow: x, Name: patientName(x.Patient), Owner: d.UserName(x.OwnerID)}
		if x.OwnerID == 0 {
			data.Unowned++
		}
		data.Rows = append(data.Rows, row)
	}
	if err := s.auditRead(r, "authorizations"); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "authorizations", data)
	return nil
}

func (s *Server) authSweepForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.wf.SweepAuthorizations(r.Context(), userFrom(r)); err != nil {
		return err
	}
	s.auditChange(r, "create", "authorizations/sweep")
	redirect(w, r, "/authorizations", "saved")
	return nil
}
