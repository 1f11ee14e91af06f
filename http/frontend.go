package http

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// The front-end's API: a case's eligibility checks (270/271 in real time,
// or recorded phone and portal verifications), its authorization needs and
// records (278 or recorded), its patient responsibility estimate, and the
// front desk's day. Role checks are the workflow's.

func (s *Server) frontEndRoutes() []route {
	return []route{
		{"GET", "/api/cases/{id}/frontend", loggedIn, "", s.apiFrontEnd},
		{"POST", "/api/cases/{id}/eligibility/check", loggedIn, "", s.apiCheckEligibility},
		{"POST", "/api/cases/{id}/eligibility/manual", loggedIn, "", s.apiVerifyManually},
		{"POST", "/api/cases/{id}/authorizations", loggedIn, "", s.apiRecordAuthorization},
		{"POST", "/api/cases/{id}/authorizations/request", loggedIn, "", s.apiRequestAuthorization},
		{"POST", "/api/cases/{id}/estimates", loggedIn, "", s.apiRecordEstimate},
		{"GET", "/api/frontdesk", loggedIn, "", s.apiFrontDesk},
		{"GET", "/api/frontend/skips", loggedIn, "", s.apiSkips},
		{"POST", "/api/frontdesk/check", loggedIn, "", s.apiCheckDay},
		{"GET", "/api/authorizations", loggedIn, "", s.apiAuthWorklist},
		{"POST", "/api/authorizations/sweep", loggedIn, "", s.apiAuthSweep},
		{"GET", "/api/patients/{id}/duplicates", loggedIn, "", s.apiDuplicates},
		{"POST", "/api/patients/{id}/duplicates", loggedIn, "", s.apiDecideDuplicate},

		// Web UI.
		{"GET", "/frontdesk", loggedIn, "", s.frontDeskPage},
		{"POST", "/cases/{id}/eligibility/check", loggedIn, "", s.checkEligibilityForm},
		{"POST", "/cases/{id}/eligibility/manual", loggedIn, "", s.manualEligibilityForm},
		{"POST", "/cases/{id}/authorizations", loggedIn, "", s.authorizationForm},
		{"POST", "/cases/{id}/authorizations/request", loggedIn, "", s.requestAuthorizationForm},
		{"POST", "/cases/{id}/estimates", loggedIn, "", s.estimateForm},
		{"POST", "/cases/{id}/duplicates", loggedIn, "", s.duplicateForm},
		{"POST", "/frontdesk/check", loggedIn, "", s.checkDayForm},
		{"GET", "/authorizations", loggedIn, "", s.authPage},
		{"POST", "/authorizations/sweep", loggedIn, "", s.authSweepForm},
	}
}

func init() {
	for k, v := range frontEndOps {
		apiOps[k] = v
	}
	for t, n := range map[reflect.Type]string{
		reflect.TypeFor[frontEndJSON]():        "FrontEnd",
		reflect.TypeFor[eligibilityJSON]():     "EligibilityStatus",
		reflect.TypeFor[eligCheckJSON]():       "EligibilityCheck",
		reflect.TypeFor[authNeedJSON]():        "AuthorizationNeed",
		reflect.TypeFor[authRecordJSON]():      "Authorization",
		reflect.TypeFor[estimateJSON]():        "Estimate",
		reflect.TypeFor[estimatePreviewJSON](): "EstimatePreview",
		reflect.TypeFor[manualCheckRequest]():  "ManualEligibilityRequest",
		reflect.TypeFor[authRecordRequest]():   "AuthorizationRequest",
		reflect.TypeFor[authAskRequest]():      "AuthorizationAskRequest",
		reflect.TypeFor[estimateRequest]():     "EstimateRequest",
		reflect.TypeFor[scheduleRowJSON]():     "ScheduleRow",
		reflect.TypeFor[itemResultJSON]():      "ItemResult",
		reflect.TypeFor[eligibilityReqEmpty](): "EligibilityCheckRequest",
		reflect.TypeFor[duplicateJSON]():       "DuplicateCandidate",
		reflect.TypeFor[decisionJSON]():        "DuplicateDecision",
		reflect.TypeFor[duplicatesJSON]():      "Duplicates",
		reflect.TypeFor[decideRequest]():       "DuplicateDecisionRequest",
		reflect.TypeFor[skipRowJSON]():         "GateSkipRow",
		reflect.TypeFor[authRowJSON]():         "AuthorizationRow",
	} {
		schemaNames[t] = n
	}
	requestRequired["ManualEligibilityRequest"] = []string{"method", "reference", "active"}
	requestRequired["AuthorizationRequest"] = []string{"code", "status"}
	requestRequired["AuthorizationAskRequest"] = []string{"code"}
	requestRequired["EstimateRequest"] = []string{"method"}
	requestRequired["DuplicateDecisionRequest"] = []string{"other_id", "decision", "reason"}
}

// eligibilityReqEmpty documents that a real-time check takes no body.
type eligibilityReqEmpty struct{}

var frontEndOps = map[string]apiOp{
	"GET /api/cases/{id}/frontend": {Summary: "A case's front-end: eligibility checks and whether the date of service is verified, authorization needs and records, the estimate and the Ready-to-Bill checklist (audited read)",
		Tag: "front-end", Status: 200, Resp: frontEndJSON{}, Errors: []int{401, 404}},
	"POST /api/cases/{id}/eligibility/check": {Summary: "Ask the primary payer in real time (270/271) whether the patient is covered on the date of service, and record the answer; a rejection or an unusable answer opens owned work (front_desk)",
		Tag: "front-end", Status: 201, Resp: eligCheckJSON{}, Errors: []int{401, 403, 404, 422}},
	"POST /api/cases/{id}/eligibility/manual": {Summary: "Record a phone or portal verification with its reference number (front_desk)",
		Tag: "front-end", Body: manualCheckRequest{}, Status: 201, Resp: eligCheckJSON{}, Errors: []int{400, 401, 403, 404, 415, 422}},
	"POST /api/cases/{id}/authorizations": {Summary: "Record an authorization decision for a planned service: approved (number, dates, units), pending, denied, or documented not required with the reason (auth_coordinator)",
		Tag: "front-end", Body: authRecordRequest{}, Status: 201, Resp: authRecordJSON{}, Errors: []int{400, 401, 403, 404, 415, 422}},
	"POST /api/cases/{id}/authorizations/request": {Summary: "Ask the primary payer in real time (278) to authorize a planned service, and record its decision; a rejection opens owned work (auth_coordinator)",
		Tag: "front-end", Body: authAskRequest{}, Status: 201, Resp: authRecordJSON{}, Errors: []int{400, 401, 403, 404, 415, 422}},
	"POST /api/cases/{id}/estimates": {Summary: "Compute the patient responsibility estimate from the verified benefits and the payer's fee schedule, and record that it was communicated, how, and any deposit (front_desk)",
		Tag: "front-end", Body: estimateRequest{}, Status: 201, Resp: estimateJSON{}, Errors: []int{400, 401, 403, 404, 415, 422}},
	"GET /api/patients/{id}/duplicates": {Summary: "The patient's possible duplicates (same name and birth date, or same member ID at the same payer) and the merge/keep decisions logged (audited read)",
		Tag: "front-end", Status: 200, Resp: duplicatesJSON{}, Errors: []int{401, 404}},
	"POST /api/patients/{id}/duplicates": {Summary: "Log the merge or keep decision about a possible duplicate, with the reason (front_desk)",
		Tag: "front-end", Body: decideRequest{}, Status: 201, Resp: decisionJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"GET /api/frontend/skips": {Summary: "Gate skipping, per day and per user: cases moved past Ready-to-Bill, how many by exception, how many with eligibility verified late or not at all",
		Tag: "front-end", Query: []param{{Name: "from", Desc: "first day, YYYY-MM-DD; default 13 days before to", Type: "string"}, {Name: "to", Desc: "last day, YYYY-MM-DD; default today (UTC)", Type: "string"}},
		Status: 200, Resp: []skipRowJSON{}, Errors: []int{401, 422}},
	"POST /api/frontdesk/check": {Summary: "Check eligibility in real time for every appointment of the day still in the front-end and not verified (front_desk)",
		Tag: "front-end", Query: []param{{Name: "date", Desc: "the day, YYYY-MM-DD; default today (UTC)", Type: "string"}},
		Status: 200, Resp: []eligCheckJSON{}, Errors: []int{401, 403, 422}},
	"GET /api/authorizations": {Summary: "The authorization coordinator's queue: every planned service of an open case the payer's rules ask authorization for, with its state (missing, denied, expired, pending, expiring, approved, not_required) and its owner (audited read)",
		Tag: "front-end", Status: 200, Resp: []authRowJSON{}, Errors: []int{401}},
	"POST /api/authorizations/sweep": {Summary: "Open the authorization work the data calls for: an owned item for each service needing an authorization none is on file for, and a warning to the owner of an approval that lapses within 7 days or is short of units (auth_coordinator or manager)",
		Tag: "front-end", Status: 200, Resp: []workJSON{}, Errors: []int{401, 403}},
	"GET /api/frontdesk": {Summary: "The front desk's day: every appointment of a date with its eligibility, authorization and estimate status and the Ready-to-Bill items that block it (audited read)",
		Tag: "front-end", Query: []param{{Name: "date", Desc: "the day, YYYY-MM-DD; default today (UTC)", Type: "string"}},
		Status: 200, Resp: []scheduleRowJSON{}, Errors: []int{401, 422}},
}

type eligCheckJSON struct {
	ID                       int64                `json:"id"`
	Method                   string               `json:"method"`
	Status                   claimgate.EligStatus `json:"status"`
	ServiceDate              claimgate.Date       `json:"service_date"`
	Plan                     string               `json:"plan,omitempty"`
	CoverageFrom             *claimgate.Date      `json:"coverage_from,omitempty"`
	CoverageTo               *claimgate.Date      `json:"coverage_to,omitempty"`
	DeductibleCents          int64                `json:"deductible_cents"`
	DeductibleRemainingCents int64                `json:"deductible_remaining_cents"`
	CopayCents               int64                `json:"copay_cents"`
	CoinsurancePercent       string               `json:"coinsurance_percent"`
	OOPRemainingCents        *int64               `json:"oop_remaining_cents"`
	Network                  string               `json:"network,omitempty"`
	RejectCode               string               `json:"reject_code,omitempty"`
	Reason                   string               `json:"reason,omitempty"`
	Reference                string               `json:"reference"`
	CheckedBy                int64                `json:"checked_by"`
	CheckedAt                time.Time            `json:"checked_at"`
}

func percent(tenThousandths int64) string {
	s := strconv.FormatFloat(float64(tenThousandths)/100, 'f', 2, 64)
	return strings.TrimSuffix(strings.TrimSuffix(s, "0"), ".0")
}

func optDate(d claimgate.Date) *claimgate.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func toEligCheck(c claimgate.EligibilityCheck) eligCheckJSON {
	out := eligCheckJSON{ID: c.ID, Method: c.Method, Status: c.Status, ServiceDate: c.ServiceDate, Plan: c.Plan,
		CoverageFrom: optDate(c.CoverageFrom), CoverageTo: optDate(c.CoverageTo), DeductibleCents: int64(c.Deductible),
		DeductibleRemainingCents: int64(c.DeductibleRemaining), CopayCents: int64(c.Copay), CoinsurancePercent: percent(c.Coinsurance),
		Network: c.Network, RejectCode: c.RejectCode, Reason: c.Reason, Reference: c.Reference, CheckedBy: c.CheckedBy, CheckedAt: c.CheckedAt.UTC()}
	if c.HasOOP {
		v := int64(c.OOPRemaining)
		out.OOPRemainingCents = &v
	}
	return out
}

type itemResultJSON struct {
	Status workflow.Status `json:"status"`
	Why    string          `json:"why"`
}

type eligibilityJSON struct {
	Result     itemResultJSON  `json:"result"`
	Late       bool            `json:"late"`
	WindowDays int             `json:"window_days"`
	Checks     []eligCheckJSON `json:"checks"`
}

type authNeedJSON struct {
	Code        string                    `json:"code"`
	Units       int                       `json:"units"`
	Requirement claimgate.AuthRequirement `json:"requirement"`
	OK          bool                      `json:"ok"`
	Why         string                    `json:"why"`
}

type authRecordJSON struct {
	ID        int64                `json:"id"`
	Code      string               `json:"code"`
	Number    string               `json:"number,omitempty"`
	Status    claimgate.AuthStatus `json:"status"`
	From      *claimgate.Date      `json:"from,omitempty"`
	To        *claimgate.Date      `json:"to,omitempty"`
	Units     int                  `json:"units"`
	OwnerID   int64                `json:"owner_id"`
	Source    string               `json:"source"`
	Reason    string               `json:"reason,omitempty"`
	CreatedBy int64                `json:"created_by"`
	CreatedAt time.Time            `json:"created_at"`
}

func toAuthRecord(a claimgate.AuthRecord) authRecordJSON {
	return authRecordJSON{ID: a.ID, Code: a.Code, Number: a.Number, Status: a.Status, From: optDate(a.From), To: optDate(a.To), Units: a.Units,
		OwnerID: a.OwnerID, Source: a.Source, Reason: a.Reason, CreatedBy: a.CreatedBy, CreatedAt: a.CreatedAt.UTC()}
}

type estimateJSON struct {
	ID               int64     `json:"id"`
	AllowedCents     int64     `json:"allowed_cents"`
	CopayCents       int64     `json:"copay_cents"`
	DeductibleCents  int64     `json:"deductible_cents"`
	CoinsuranceCents int64     `json:"coinsurance_cents"`
	TotalCents       int64     `json:"total_cents"`
	Total            string    `json:"total"`
	DepositCents     int64     `json:"deposit_cents"`
	Method           string    `json:"method"`
	CommunicatedBy   int64     `json:"communicated_by"`
	CommunicatedAt   time.Time `json:"communicated_at"`
	Note             string    `json:"note,omitempty"`
}

func toEstimate(e claimgate.Estimate) estimateJSON {
	return estimateJSON{ID: e.ID, AllowedCents: int64(e.Allowed), CopayCents: int64(e.Copay), DeductibleCents: int64(e.Deductible),
		CoinsuranceCents: int64(e.Coinsurance), TotalCents: int64(e.Total), Total: e.Total.String(), DepositCents: int64(e.Deposit),
		Method: e.Method, CommunicatedBy: e.CommunicatedBy, CommunicatedAt: e.CommunicatedAt.UTC(), Note: e.Note}
}

type estimatePreviewJSON struct {
	AllowedCents     int64    `json:"allowed_cents"`
	CopayCents       int64    `json:"copay_cents"`
	DeductibleCents  int64    `json:"deductible_cents"`
	CoinsuranceCents int64    `json:"coinsurance_cents"`
	TotalCents       int64    `json:"total_cents"`
	Lines            []string `json:"lines"`
}

type frontEndJSON struct {
	CaseID         int64                `json:"case_id"`
	Stage          claimgate.Stage      `json:"stage"`
	ServiceDate    claimgate.Date       `json:"service_date"`
	Eligibility    eligibilityJSON      `json:"eligibility"`
	AuthNeeds      []authNeedJSON       `json:"authorization_needs"`
	Authorizations []authRecordJSON     `json:"authorizations"`
	Preview        *estimatePreviewJSON `json:"estimate_preview"`
	PreviewError   string               `json:"estimate_preview_error,omitempty"`
	Estimates      []estimateJSON       `json:"estimates"`
	ReadyToBill    gateJSON             `json:"ready_to_bill"`
}

// frontView is a case's front-end as the API and the case page show it.
type frontView struct {
	Facts     *workflow.Facts
	Elig      workflow.EligibilityFinding
	Needs     []workflow.AuthNeed
	Preview   *workflow.EstimateParts
	PrevError string
	Report    workflow.Report
}

func (s *Server) frontView(r *http.Request, caseID int64) (*frontView, error) {
	f, err := s.wf.Facts(r.Context(), caseID)
	if err != nil {
		return nil, err
	}
	v := &frontView{Facts: f, Elig: f.Eligibility(), Needs: f.AuthNeeds(), Report: workflow.Evaluate(workflow.ReadyToBill, f)}
	if p, err := f.Estimate(); err == nil {
		v.Preview = &p
	} else {
		v.PrevError = claimgate.ErrorMessage(err)
	}
	return v, nil
}

func (v *frontView) json() frontEndJSON {
	f := v.Facts
	out := frontEndJSON{CaseID: f.Case.ID, Stage: f.Case.Stage, ServiceDate: f.Case.ServiceDate,
		Eligibility: eligibilityJSON{Result: itemResultJSON{v.Elig.Result.Status, v.Elig.Result.Why}, Late: v.Elig.Late,
			WindowDays: f.Front.WindowDays, Checks: []eligCheckJSON{}},
		AuthNeeds: []authNeedJSON{}, Authorizations: []authRecordJSON{}, Estimates: []estimateJSON{}, PreviewError: v.PrevError,
		ReadyToBill: toGate(v.Report)}
	for _, c := range f.Front.Checks {
		out.Eligibility.Checks = append(out.Eligibility.Checks, toEligCheck(c))
	}
	for _, n := range v.Needs {
		out.AuthNeeds = append(out.AuthNeeds, authNeedJSON{Code: n.Code, Units: n.Units, Requirement: n.Requirement, OK: n.OK, Why: n.Why})
	}
	for _, a := range f.Front.Auths {
		out.Authorizations = append(out.Authorizations, toAuthRecord(a))
	}
	for _, e := range f.Front.Estimates {
		out.Estimates = append(out.Estimates, toEstimate(e))
	}
	if p := v.Preview; p != nil {
		out.Preview = &estimatePreviewJSON{AllowedCents: int64(p.Allowed), CopayCents: int64(p.Copay), DeductibleCents: int64(p.Deductible),
			CoinsuranceCents: int64(p.Coinsurance), TotalCents: int64(p.Total), Lines: p.Lines}
	}
	return out
}

func (s *Server) apiFrontEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	v, err := s.frontView(r, id)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, caseObject(id)+"/frontend"); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, v.json())
}

func (s *Server) apiCheckEligibility(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	c, err := s.wf.CheckEligibility(r.Context(), userFrom(r), id)
	if err != nil {
		return err
	}
	s.auditChange(r, "create", caseObject(id)+"/eligibility")
	return s.writeJSON(w, r, http.StatusCreated, toEligCheck(c))
}

type manualCheckRequest struct {
	Method                   string `json:"method"`
	Reference                string `json:"reference"`
	Active                   bool   `json:"active"`
	Plan                     string `json:"plan"`
	CopayCents               int64  `json:"copay_cents"`
	DeductibleRemainingCents int64  `json:"deductible_remaining_cents"`
	CoinsurancePercent       int64  `json:"coinsurance_percent"`
	OOPRemainingCents        *int64 `json:"oop_remaining_cents"`
	Note                     string `json:"note"`
}

func (req manualCheckRequest) input() workflow.ManualCheck {
	in := workflow.ManualCheck{Method: req.Method, Reference: req.Reference, Active: req.Active, Plan: req.Plan,
		Copay: claimgate.Money(req.CopayCents), DeductibleRemaining: claimgate.Money(req.DeductibleRemainingCents),
		Coinsurance: req.CoinsurancePercent * 100, Note: req.Note}
	if req.OOPRemainingCents != nil {
		in.OOPRemaining, in.HasOOP = claimgate.Money(*req.OOPRemainingCents), true
	}
	return in
}

func (s *Server) apiVerifyManually(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req manualCheckRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	c, err := s.wf.VerifyManually(r.Context(), userFrom(r), id, req.input())
	if err != nil {
		return err
	}
	s.auditChange(r, "create", caseObject(id)+"/eligibility")
	return s.writeJSON(w, r, http.StatusCreated, toEligCheck(c))
}

type authRecordRequest struct {
	Code    string               `json:"code"`
	Status  claimgate.AuthStatus `json:"status"`
	Number  string               `json:"number"`
	From    claimgate.Date       `json:"from"`
	To      claimgate.Date       `json:"to"`
	Units   int                  `json:"units"`
	Source  string               `json:"source"`
	Reason  string               `json:"reason"`
	OwnerID int64                `json:"owner_id"`
}

func (s *Server) apiRecordAuthorization(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req authRecordRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	a, err := s.wf.RecordAuthorization(r.Context(), userFrom(r), id, workflow.AuthInput{Code: req.Code, Status: req.Status, Number: req.Number,
		From: req.From, To: req.To, Units: req.Units, Source: req.Source, Reason: req.Reason, OwnerID: req.OwnerID})
	if err != nil {
		return err
	}
	s.auditChange(r, "create", caseObject(id)+"/authorization")
	return s.writeJSON(w, r, http.StatusCreated, toAuthRecord(a))
}

type authAskRequest struct {
	Code string `json:"code"`
}

func (s *Server) apiRequestAuthorization(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req authAskRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	a, err := s.wf.RequestAuthorization(r.Context(), userFrom(r), id, req.Code)
	if err != nil {
		return err
	}
	s.auditChange(r, "create", caseObject(id)+"/authorization")
	return s.writeJSON(w, r, http.StatusCreated, toAuthRecord(a))
}

type estimateRequest struct {
	Method       string `json:"method"`
	DepositCents int64  `json:"deposit_cents"`
	Note         string `json:"note"`
}

func (s *Server) apiRecordEstimate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req estimateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	e, err := s.wf.RecordEstimate(r.Context(), userFrom(r), id, workflow.EstimateInput{Method: req.Method, Deposit: claimgate.Money(req.DepositCents), Note: req.Note})
	if err != nil {
		return err
	}
	s.auditChange(r, "create", caseObject(id)+"/estimate")
	return s.writeJSON(w, r, http.StatusCreated, toEstimate(e))
}

type scheduleRowJSON struct {
	CaseID        int64           `json:"case_id"`
	Stage         claimgate.Stage `json:"stage"`
	PatientID     int64           `json:"patient_id"`
	Patient       string          `json:"patient"`
	ScheduledAt   *time.Time      `json:"scheduled_at"`
	Eligibility   itemResultJSON  `json:"eligibility"`
	Authorization itemResultJSON  `json:"authorization"`
	Estimate      itemResultJSON  `json:"estimate"`
	ReadyToBill   bool            `json:"ready_to_bill"`
	Blocking      []string        `json:"blocking"`
}

// scheduleDay reads the date query parameter; default today (UTC).
func (s *Server) scheduleDay(r *http.Request) (claimgate.Date, error) {
	q := r.URL.Query().Get("date")
	if q == "" {
		return claimgate.DateOf(s.now().UTC()), nil
	}
	d, err := claimgate.ParseDate(q)
	if err != nil {
		return d, &claimgate.Error{Kind: claimgate.Invalid, Msg: "bad date", Details: []string{"date: want YYYY-MM-DD"}}
	}
	return d, nil
}

func (s *Server) apiFrontDesk(w http.ResponseWriter, r *http.Request) error {
	day, err := s.scheduleDay(r)
	if err != nil {
		return err
	}
	rows, err := s.wf.Schedule(r.Context(), day)
	if err != nil {
		return err
	}
	out := []scheduleRowJSON{}
	for _, x := range rows {
		row := scheduleRowJSON{CaseID: x.Case.ID, Stage: x.Case.Stage, PatientID: x.Patient.ID, Patient: patientName(x.Patient),
			Eligibility:   itemResultJSON{x.Eligibility.Result.Status, x.Eligibility.Result.Why},
			Authorization: itemResultJSON{x.Authorization.Status, x.Authorization.Why},
			Estimate:      itemResultJSON{x.Estimate.Status, x.Estimate.Why}, ReadyToBill: x.Passed, Blocking: []string{}}
		if x.Visit != nil {
			row.ScheduledAt = optTime(x.Visit.ScheduledAt)
		}
		for _, b := range x.Blocking {
			row.Blocking = append(row.Blocking, b.String())
		}
		out = append(out, row)
	}
	if err := s.auditRead(r, "frontdesk/"+day.String()); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type duplicateJSON struct {
	PatientID int64  `json:"patient_id"`
	MRN       string `json:"mrn"`
	Name      string `json:"name"`
	Why       string `json:"why"`
	Decided   bool   `json:"decided"`
}

type decisionJSON struct {
	ID        int64     `json:"id"`
	PatientID int64     `json:"patient_id"`
	OtherID   int64     `json:"other_id"`
	Decision  string    `json:"decision"`
	Reason    string    `json:"reason"`
	DecidedBy int64     `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

func toDecision(d claimgate.DuplicateDecision) decisionJSON {
	return decisionJSON{ID: d.ID, PatientID: d.PatientID, OtherID: d.OtherID, Decision: d.Decision, Reason: d.Reason, DecidedBy: d.DecidedBy, DecidedAt: d.DecidedAt.UTC()}
}

type duplicatesJSON struct {
	PatientID  int64           `json:"patient_id"`
	Candidates []duplicateJSON `json:"candidates"`
	Decisions  []decisionJSON  `json:"decisions"`
}

func (s *Server) apiDuplicates(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "patient")
	if err != nil {
		return err
	}
	if _, err := s.store.Patient(r.Context(), id); err != nil {
		return err
	}
	cands, err := s.store.DuplicateCandidates(r.Context(), id)
	if err != nil {
		return err
	}
	decs, err := s.store.DuplicateDecisions(r.Context(), id)
	if err != nil {
		return err
	}
	fe := workflow.FrontEnd{Duplicates: cands, DupDecisions: decs}
	open := map[int64]bool{}
	for _, c := range fe.UndecidedDuplicates() {
		open[c.Patient.ID] = true
	}
	out := duplicatesJSON{PatientID: id, Candidates: []duplicateJSON{}, Decisions: []decisionJSON{}}
	for _, c := range cands {
		out.Candidates = append(out.Candidates, duplicateJSON{PatientID: c.Patient.ID, MRN: c.Patient.MRN, Name: patientName(c.Patient), Why: c.Why, Decided: !open[c.Patient.ID]})
	}
	for _, d := range decs {
		out.Decisions = append(out.Decisions, toDecision(d))
	}
	if err := s.auditRead(r, "patient/"+strconv.FormatInt(id, 10)+"/duplicates"); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type decideRequest struct {
	OtherID  int64  `json:"other_id"`
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func (s *Server) apiDecideDuplicate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "patient")
	if err != nil {
		return err
	}
	var req decideRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if _, err := s.store.Patient(r.Context(), id); err != nil {
		return err
	}
	d, err := s.wf.DecideDuplicate(r.Context(), userFrom(r), id, req.OtherID, req.Decision, req.Reason)
	if err != nil {
		return err
	}
	s.auditChange(r, "create", "patient/"+strconv.FormatInt(id, 10)+"/duplicates")
	return s.writeJSON(w, r, http.StatusCreated, toDecision(d))
}

type skipRowJSON struct {
	Day         claimgate.Date `json:"day"`
	UserID      int64          `json:"user_id"`
	Crossed     int            `json:"crossed"`
	ByException int            `json:"by_exception"`
	EligLate    int            `json:"eligibility_late"`
	EligMissing int            `json:"eligibility_missing"`
}

// skipRange reads from and to; default the 14 days to today (UTC).
func (s *Server) skipRange(r *http.Request) (claimgate.Date, claimgate.Date, error) {
	q := r.URL.Query()
	to, from := claimgate.DateOf(s.now().UTC()), claimgate.Date{}
	var bad []string
	if v := q.Get("to"); v != "" {
		d, err := claimgate.ParseDate(v)
		if err != nil {
			bad = append(bad, "to: want YYYY-MM-DD")
		}
		to = d
	}
	from = to.AddDays(-13)
	if v := q.Get("from"); v != "" {
		d, err := claimgate.ParseDate(v)
		if err != nil {
			bad = append(bad, "from: want YYYY-MM-DD")
		}
		from = d
	}
	if len(bad) == 0 && to.Before(from) {
		bad = append(bad, "from: must not be after to")
	}
	if len(bad) > 0 {
		return from, to, &claimgate.Error{Kind: claimgate.Invalid, Msg: "bad date range", Details: bad}
	}
	return from, to, nil
}

func (s *Server) apiSkips(w http.ResponseWriter, r *http.Request) error {
	from, to, err := s.skipRange(r)
	if err != nil {
		return err
	}
	rows, err := s.wf.Skips(r.Context(), from, to)
	if err != nil {
		return err
	}
	out := []skipRowJSON{}
	for _, x := range rows {
		out = append(out, skipRowJSON{Day: x.Day, UserID: x.UserID, Crossed: x.Crossed, ByException: x.ByException, EligLate: x.EligLate, EligMissing: x.EligMissing})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiCheckDay(w http.ResponseWriter, r *http.Request) error {
	day, err := s.scheduleDay(r)
	if err != nil {
		return err
	}
	checks, err := s.wf.CheckDay(r.Context(), userFrom(r), day)
	out := []eligCheckJSON{}
	for _, c := range checks {
		s.auditChange(r, "create", caseObject(c.CaseID)+"/eligibility")
		out = append(out, toEligCheck(c))
	}
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type authRowJSON struct {
	CaseID      int64           `json:"case_id"`
	Stage       claimgate.Stage `json:"stage"`
	ServiceDate claimgate.Date  `json:"service_date"`
	Patient     string          `json:"patient"`
	Code        string          `json:"code"`
	Units       int             `json:"units"`
	State       string          `json:"state"`
	Why         string          `json:"why"`
	OwnerID     int64           `json:"owner_id"`
}

func (s *Server) apiAuthWorklist(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.wf.AuthWorklist(r.Context())
	if err != nil {
		return err
	}
	out := []authRowJSON{}
	for _, x := range rows {
		out = append(out, authRowJSON{CaseID: x.Case.ID, Stage: x.Case.Stage, ServiceDate: x.Case.ServiceDate, Patient: patientName(x.Patient),
			Code: x.Need.Code, Units: x.Need.Units, State: x.State, Why: x.Need.Why, OwnerID: x.OwnerID})
	}
	if err := s.auditRead(r, "authorizations"); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiAuthSweep(w http.ResponseWriter, r *http.Request) error {
	items, err := s.wf.SweepAuthorizations(r.Context(), userFrom(r))
	if err != nil {
		return err
	}
	s.auditChange(r, "create", "authorizations/sweep")
	return s.writeJSON(w, r, http.StatusOK, toWorkList(items, s.now()))
}
