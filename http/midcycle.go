package http

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/codeset"
	"github.com/claimgate/claimgate/workflow"
)

// The mid-cycle's API: the encounter and its plan, documentation, charges
// and diagnoses of a case; the chargemaster and payers' tables; and the
// lists the SOP watches (unsigned notes, charge lag, missing charges) and
// the coder's queue. Role checks are the workflow's.

func (s *Server) midCycleRoutes() []route {
	return []route{
		{"GET", "/api/cases/{id}/midcycle", loggedIn, "", s.apiMidCycle},
		{"POST", "/api/cases/{id}/encounter", loggedIn, "", s.apiPlanEncounter},
		{"POST", "/api/cases/{id}/encounter/checkin", loggedIn, "", s.apiCheckIn},
		{"POST", "/api/cases/{id}/encounter/checkout", loggedIn, "", s.apiCheckOut},
		{"POST", "/api/cases/{id}/encounter/cancel", loggedIn, "", s.apiCancelEncounter},
		{"POST", "/api/cases/{id}/orders", loggedIn, "", s.apiAddOrder},
		{"POST", "/api/cases/{id}/notes", loggedIn, "", s.apiWriteNote},
		{"PUT", "/api/notes/{id}", loggedIn, "", s.apiUpdateNote},
		{"POST", "/api/notes/{id}/sign", loggedIn, "", s.apiSignNote},
		{"POST", "/api/cases/{id}/charges", loggedIn, "", s.apiAddCharge},
		{"POST", "/api/cases/{id}/charges/{line}/void", loggedIn, "", s.apiVoidCharge},
		{"PUT", "/api/cases/{id}/diagnoses", loggedIn, "", s.apiSetDiagnoses},
		{"GET", "/api/chargemaster", loggedIn, "", s.apiChargemaster},
		{"POST", "/api/chargemaster", loggedIn, claimgate.Manager, s.apiPutChargeItem},
		{"GET", "/api/payers/{id}/fees", loggedIn, "", s.apiFees},
		{"GET", "/api/payers/{id}/coverage", loggedIn, "", s.apiCoverage},
		{"POST", "/api/payers/{id}/fees", loggedIn, claimgate.Manager, s.apiPutFee},
		{"POST", "/api/payers/{id}/coverage", loggedIn, claimgate.Manager, s.apiPutCoverage},
		{"GET", "/api/doc-requirements", loggedIn, "", s.apiDocRequirements},
		{"PUT", "/api/doc-requirements", loggedIn, claimgate.Manager, s.apiSetDocRequirements},
		{"GET", "/api/midcycle/coding", loggedIn, "", s.apiCodingQueue},
		{"GET", "/api/midcycle/unsigned-notes", loggedIn, "", s.apiUnsignedNotes},
		{"GET", "/api/midcycle/charge-lag", loggedIn, "", s.apiChargeLag},
		{"GET", "/api/midcycle/missing-charges", loggedIn, "", s.apiMissingCharges},

		// Web UI.
		{"GET", "/coding", loggedIn, "", s.codingPage},
		{"GET", "/midcycle", loggedIn, "", s.midCyclePage},
		{"POST", "/cases/{id}/encounter/{step}", loggedIn, "", s.encounterForm},
		{"POST", "/cases/{id}/plan", loggedIn, "", s.planForm},
		{"POST", "/cases/{id}/notes", loggedIn, "", s.noteForm},
		{"POST", "/cases/{id}/notes/{note}/sign", loggedIn, "", s.signForm},
		{"POST", "/cases/{id}/charges", loggedIn, "", s.chargeForm},
		{"POST", "/cases/{id}/charges/{line}/void", loggedIn, "", s.voidForm},
		{"POST", "/cases/{id}/diagnoses", loggedIn, "", s.diagnosesForm},
	}
}

func init() {
	for k, v := range midCycleOps {
		apiOps[k] = v
	}
	for t, n := range map[reflect.Type]string{
		reflect.TypeFor[midCycleJSON]():     "MidCycle",
		reflect.TypeFor[visitJSON]():        "Visit",
		reflect.TypeFor[planItemJSON]():     "PlanItem",
		reflect.TypeFor[noteJSON]():         "Note",
		reflect.TypeFor[chargeLineJSON]():   "ChargeLine",
		reflect.TypeFor[diagnosisJSON]():    "Diagnosis",
		reflect.TypeFor[planRequest]():      "PlanRequest",
		reflect.TypeFor[planItemRequest]():  "PlanItemRequest",
		reflect.TypeFor[cancelRequest]():    "CancelRequest",
		reflect.TypeFor[noteRequest]():      "NoteRequest",
		reflect.TypeFor[chargeRequest]():    "ChargeRequest",
		reflect.TypeFor[voidRequest]():      "VoidRequest",
		reflect.TypeFor[diagnosesRequest](): "DiagnosesRequest",
		reflect.TypeFor[chargeItemJSON]():   "ChargeItem",
		reflect.TypeFor[feeJSON]():          "Fee",
		reflect.TypeFor[coverageJSON]():     "CoverageRule",
		reflect.TypeFor[lagRowJSON]():       "ChargeLagRow",
		reflect.TypeFor[missingJSON]():      "MissingCharge",
		reflect.TypeFor[codingRowJSON]():    "CodingQueueRow",
		reflect.TypeFor[docReqJSON]():       "DocRequirement",
		reflect.TypeFor[docRulesRequest]():  "DocRequirementsRequest",
	} {
		schemaNames[t] = n
	}
	requestRequired["PlanRequest"] = []string{"items"}
	requestRequired["PlanItemRequest"] = []string{"kind", "code"}
	requestRequired["CancelRequest"] = []string{"status", "reason"}
	requestRequired["NoteRequest"] = []string{"service_type", "elements"}
	requestRequired["ChargeRequest"] = []string{"code", "units", "dx_pointers"}
	requestRequired["VoidRequest"] = []string{"reason"}
	requestRequired["DiagnosesRequest"] = []string{"codes"}
	requestRequired["ChargeItem"] = []string{"code", "description", "price_cents", "service_type"}
	requestRequired["DocRequirementsRequest"] = []string{"service_type", "requirements"}
}

var midCycleOps = map[string]apiOp{
	"GET /api/cases/{id}/midcycle": {Summary: "A case's mid-cycle: encounter and plan, notes, charge lines with their lag, diagnoses, and the Coding-Ready checklist (audited read)",
		Tag: "mid-cycle", Status: 200, Resp: midCycleJSON{}, Errors: []int{401, 404}},
	"POST /api/cases/{id}/encounter": {Summary: "Record the encounter from the schedule: when, and the services, orders and supplies planned (front_desk)",
		Tag: "mid-cycle", Body: planRequest{}, Status: 201, Resp: midCycleJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"POST /api/cases/{id}/encounter/checkin":  {Summary: "Check the patient in (front_desk)", Tag: "mid-cycle", Status: 200, Resp: midCycleJSON{}, Errors: []int{401, 403, 404, 409}},
	"POST /api/cases/{id}/encounter/checkout": {Summary: "Check the patient out (front_desk)", Tag: "mid-cycle", Status: 200, Resp: midCycleJSON{}, Errors: []int{401, 403, 404, 409}},
	"POST /api/cases/{id}/encounter/cancel": {Summary: "Record a no-show or cancellation and close the case without a claim (front_desk; the case must be at encounter, with no charge and no claim)",
		Tag: "mid-cycle", Body: cancelRequest{}, Status: 201, Resp: eventJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"POST /api/cases/{id}/orders": {Summary: "Add an order or supply written during the visit to the plan, so charge capture accounts for it (clinician)",
		Tag: "mid-cycle", Body: planItemRequest{}, Status: 201, Resp: planItemJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"POST /api/cases/{id}/notes": {Summary: "Write a draft note (clinician); it waits in the author's unsigned_notes queue until signed",
		Tag: "mid-cycle", Body: noteRequest{}, Status: 201, Resp: noteJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"PUT /api/notes/{id}": {Summary: "Change a draft note (its author)", Tag: "mid-cycle", Body: noteRequest{}, Status: 200, Resp: noteJSON{},
		Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"POST /api/notes/{id}/sign": {Summary: "Sign a draft note (its author); a signed note does not change", Tag: "mid-cycle", Status: 200, Resp: noteJSON{},
		Errors: []int{401, 403, 404, 409}},
	"POST /api/cases/{id}/charges": {Summary: "Capture a charge line (coder or clinician): the amount comes from the chargemaster, the charge lag is recorded; a late line puts the case in the charge_lag queue",
		Tag: "mid-cycle", Body: chargeRequest{}, Status: 201, Resp: chargeLineJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"POST /api/cases/{id}/charges/{line}/void": {Summary: "Void a charge line, by its id, with a reason (coder or clinician)", Tag: "mid-cycle",
		Body: voidRequest{}, Status: 200, Resp: midCycleJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"PUT /api/cases/{id}/diagnoses": {Summary: "Replace the case's ordered ICD-10-CM codes (coder or clinician); validity on the date of service is the Coding-Ready gate's to judge",
		Tag: "mid-cycle", Body: diagnosesRequest{}, Status: 200, Resp: []diagnosisJSON{}, Errors: []int{400, 401, 403, 404, 409, 415, 422}},
	"GET /api/chargemaster": {Summary: "The chargemaster: the practice's services with its own descriptions, prices, revenue and service types",
		Tag: "reference", Status: 200, Resp: []chargeItemJSON{}, Errors: []int{401}},
	"POST /api/chargemaster": {Summary: "Add or replace a chargemaster entry (manager)", Tag: "reference", Body: chargeItemJSON{}, Status: 200, Resp: chargeItemJSON{},
		Errors: []int{400, 401, 403, 415, 422}},
	"GET /api/payers/{id}/fees":     {Summary: "A payer's fee schedule: expected allowed amounts by code and modifier", Tag: "reference", Status: 200, Resp: []feeJSON{}, Errors: []int{401}},
	"GET /api/payers/{id}/coverage": {Summary: "A payer's coverage table: the diagnoses that support each service where its rules are strict", Tag: "reference", Status: 200, Resp: []coverageJSON{}, Errors: []int{401}},
	"POST /api/payers/{id}/fees": {Summary: "Add or replace an expected allowed amount in the payer's fee schedule (manager)", Tag: "reference",
		Body: feeJSON{}, Status: 200, Resp: feeJSON{}, Errors: []int{400, 401, 403, 415, 422}},
	"POST /api/payers/{id}/coverage": {Summary: "Add or replace the payer's coverage rule for a service: the diagnoses (codes or categories) that support it (manager)", Tag: "reference",
		Body: coverageJSON{}, Status: 200, Resp: coverageJSON{}, Errors: []int{400, 401, 403, 415, 422}},
	"GET /api/doc-requirements": {Summary: "The documentation checklist of every service type: each line is met by any of its elements", Tag: "reference",
		Status: 200, Resp: []docReqJSON{}, Errors: []int{401}},
	"PUT /api/doc-requirements": {Summary: "Replace one service type's documentation checklist (manager)", Tag: "reference",
		Body: docRulesRequest{}, Status: 200, Resp: []docReqJSON{}, Errors: []int{400, 401, 403, 415, 422}},
	"GET /api/midcycle/coding": {Summary: "The coder's queue: cases at coding with their documentation beside their codes and the Coding-Ready checklist (audited read)",
		Tag: "mid-cycle", Status: 200, Resp: []codingRowJSON{}, Errors: []int{401}},
	"GET /api/midcycle/unsigned-notes":  {Summary: "Every unsigned note with its age (the clinicians' queue)", Tag: "mid-cycle", Status: 200, Resp: []noteJSON{}, Errors: []int{401}},
	"GET /api/midcycle/charge-lag":      {Summary: "Mid-cycle encounters with their charge lag, late ones first", Tag: "mid-cycle", Status: 200, Resp: []lagRowJSON{}, Errors: []int{401}},
	"GET /api/midcycle/missing-charges": {Summary: "Planned services, orders and supplies of rendered encounters with no charge", Tag: "mid-cycle", Status: 200, Resp: []missingJSON{}, Errors: []int{401}},
}

type visitJSON struct {
	Status       claimgate.VisitStatus `json:"status"`
	ScheduledAt  *time.Time            `json:"scheduled_at,omitempty"`
	CheckIn      *time.Time            `json:"check_in,omitempty"`
	CheckOut     *time.Time            `json:"check_out,omitempty"`
	CancelReason string                `json:"cancel_reason,omitempty"`
}

type planItemJSON struct {
	ID      int64              `json:"id"`
	Kind    claimgate.PlanKind `json:"kind"`
	Code    string             `json:"code"`
	Units   int                `json:"units"`
	Note    string             `json:"note,omitempty"`
	Charged bool               `json:"charged"`
}

type noteJSON struct {
	ID          int64                 `json:"id"`
	CaseID      int64                 `json:"case_id"`
	ServiceType claimgate.ServiceType `json:"service_type"`
	AuthorID    int64                 `json:"author_id"`
	Elements    []claimgate.Element   `json:"elements"`
	Text        string                `json:"text"`
	Status      claimgate.NoteStatus  `json:"status"`
	SignerID    int64                 `json:"signer_id,omitempty"`
	SignedAt    *time.Time            `json:"signed_at,omitempty"`
	CreatedAt   time.Time             `json:"created_at"`
	AgeSeconds  int64                 `json:"age_seconds"`
}

func toNote(n claimgate.Note, now time.Time) noteJSON {
	els := n.Elements
	if els == nil {
		els = []claimgate.Element{}
	}
	return noteJSON{ID: n.ID, CaseID: n.CaseID, ServiceType: n.ServiceType, AuthorID: n.AuthorID, Elements: els, Text: n.Text,
		Status: n.Status, SignerID: n.SignerID, SignedAt: optTime(n.SignedAt), CreatedAt: n.CreatedAt.UTC(),
		AgeSeconds: int64(now.Sub(n.CreatedAt) / time.Second)}
}

type chargeLineJSON struct {
	ID          int64          `json:"id"`
	Line        int            `json:"line"`
	Code        string         `json:"code"`
	Modifiers   []string       `json:"modifiers"`
	Units       int            `json:"units"`
	DxPointers  []int          `json:"dx_pointers"`
	AmountCents int64          `json:"amount_cents"`
	Amount      string         `json:"amount"`
	ServiceDate claimgate.Date `json:"service_date"`
	EnteredBy   int64          `json:"entered_by"`
	EnteredAt   time.Time      `json:"entered_at"`
	LagDays     int            `json:"lag_days"`
	Late        bool           `json:"late"`
	Voided      bool           `json:"voided"`
	VoidReason  string         `json:"void_reason,omitempty"`
}

func toChargeLine(l claimgate.ChargeLine, threshold int) chargeLineJSON {
	mods, ptrs := l.Modifiers, l.DxPointers
	if mods == nil {
		mods = []string{}
	}
	if ptrs == nil {
		ptrs = []int{}
	}
	return chargeLineJSON{ID: l.ID, Line: l.Line, Code: l.Code, Modifiers: mods, Units: l.Units, DxPointers: ptrs,
		AmountCents: int64(l.Amount), Amount: l.Amount.String(), ServiceDate: l.ServiceDate, EnteredBy: l.EnteredBy,
		EnteredAt: l.EnteredAt.UTC(), LagDays: l.LagDays, Late: l.LagDays > threshold, Voided: !l.Active(), VoidReason: l.VoidReason}
}

type diagnosisJSON struct {
	Rank        int    `json:"rank"`
	Code        string `json:"code"`
	Description string `json:"description,omitempty"`
	Valid       bool   `json:"valid"`
	Message     string `json:"message"`
}

type midCycleJSON struct {
	CaseID             int64            `json:"case_id"`
	Stage              claimgate.Stage  `json:"stage"`
	Visit              *visitJSON       `json:"visit"`
	Plan               []planItemJSON   `json:"plan"`
	Notes              []noteJSON       `json:"notes"`
	Charges            []chargeLineJSON `json:"charges"`
	Diagnoses          []diagnosisJSON  `json:"diagnoses"`
	CodingReady        gateJSON         `json:"coding_ready"`
	ChargeLagThreshold int              `json:"charge_lag_threshold_days"`
}

// midView is a case's mid-cycle as the API and the case page show it.
type midView struct {
	Facts     *workflow.Facts
	Report    workflow.Report
	Plan      []planItemJSON
	Charges   []chargeLineJSON
	Diagnoses []diagnosisJSON
	Threshold int
}

func (s *Server) midView(ctx context.Context, caseID int64) (*midView, error) {
	f, err := s.wf.Facts(ctx, caseID)
	if err != nil {
		return nil, err
	}
	m := &f.Mid
	v := &midView{Facts: f, Report: workflow.Evaluate(workflow.CodingReady, f), Threshold: s.wf.ChargeLagThreshold(),
		Plan: []planItemJSON{}, Charges: []chargeLineJSON{}, Diagnoses: []diagnosisJSON{}}
	charged := map[string]int{}
	for _, l := range m.Charges {
		v.Charges = append(v.Charges, toChargeLine(l, v.Threshold))
		if l.Active() {
			charged[l.Code] += l.Units
		}
	}
	for _, it := range m.Plan {
		ok := charged[it.Code] >= it.Units
		if ok {
			charged[it.Code] -= it.Units
		}
		v.Plan = append(v.Plan, planItemJSON{ID: it.ID, Kind: it.Kind, Code: it.Code, Units: it.Units, Note: it.Note, Charged: ok})
	}
	for _, d := range m.Diagnoses {
		r := m.Codes.Validate(codeset.ICD10CM, d.Code, f.Case.ServiceDate)
		v.Diagnoses = append(v.Diagnoses, diagnosisJSON{Rank: d.Rank, Code: codeset.Display(codeset.ICD10CM, d.Code),
			Description: r.Description(), Valid: r.OK(), Message: r.Message()})
	}
	return v, nil
}

func (v *midView) json(now time.Time) midCycleJSON {
	f := v.Facts
	out := midCycleJSON{CaseID: f.Case.ID, Stage: f.Case.Stage, Plan: v.Plan, Notes: []noteJSON{}, Charges: v.Charges,
		Diagnoses: v.Diagnoses, CodingReady: toGate(v.Report), ChargeLagThreshold: v.Threshold}
	if vis := f.Mid.Visit; vis != nil {
		out.Visit = &visitJSON{Status: vis.Status, ScheduledAt: optTime(vis.ScheduledAt), CheckIn: optTime(vis.CheckIn),
			CheckOut: optTime(vis.CheckOut), CancelReason: vis.CancelReason}
	}
	for _, n := range f.Mid.Notes {
		out.Notes = append(out.Notes, toNote(n, now))
	}
	return out
}

// writeMid answers with the case's mid-cycle after a change.
func (s *Server) writeMid(w http.ResponseWriter, r *http.Request, status int, caseID int64) error {
	v, err := s.midView(r.Context(), caseID)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, status, v.json(s.now()))
}

func (s *Server) apiMidCycle(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	v, err := s.midView(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.auditRead(r, caseObject(id)+"/midcycle"); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, v.json(s.now()))
}

type planItemRequest struct {
	Kind  claimgate.PlanKind `json:"kind"`
	Code  string             `json:"code"`
	Units int                `json:"units"`
	Note  string             `json:"note"`
}

type planRequest struct {
	ScheduledAt time.Time         `json:"scheduled_at"`
	Items       []planItemRequest `json:"items"`
}

func (s *Server) apiPlanEncounter(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req planRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	in := workflow.PlanInput{ScheduledAt: req.ScheduledAt}
	for _, it := range req.Items {
		in.Items = append(in.Items, claimgate.PlanItem{Kind: it.Kind, Code: it.Code, Units: it.Units, Note: it.Note})
	}
	if _, _, err := s.wf.PlanEncounter(r.Context(), userFrom(r), id, in); err != nil {
		return err
	}
	s.auditChange(r, "create", caseObject(id)+"/encounter")
	return s.writeMid(w, r, http.StatusCreated, id)
}

func (s *Server) apiCheckIn(w http.ResponseWriter, r *http.Request) error {
	return s.apiVisitStep(w, r, s.wf.CheckIn)
}

func (s *Server) apiCheckOut(w http.ResponseWriter, r *http.Request) error {
	return s.apiVisitStep(w, r, s.wf.CheckOut)
}

func (s *Server) apiVisitStep(w http.ResponseWriter, r *http.Request, step func(context.Context, *claimgate.User, int64) error) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	if err := step(r.Context(), userFrom(r), id); err != nil {
		return err
	}
	s.auditChange(r, "update", caseObject(id)+"/encounter")
	return s.writeMid(w, r, http.StatusOK, id)
}

type cancelRequest struct {
	Status claimgate.VisitStatus `json:"status"`
	Reason string                `json:"reason"`
}

func (s *Server) apiCancelEncounter(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req cancelRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	ev, err := s.wf.CloseUnrendered(r.Context(), userFrom(r), id, req.Status, req.Reason)
	if err != nil {
		return err
	}
	s.auditChange(r, "move", caseObject(id))
	return s.writeJSON(w, r, http.StatusCreated, toEvent(ev))
}

func (s *Server) apiAddOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req planItemRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	it, err := s.wf.AddOrder(r.Context(), userFrom(r), id, claimgate.PlanItem{Kind: req.Kind, Code: req.Code, Units: req.Units, Note: req.Note})
	if err != nil {
		return err
	}
	s.auditChange(r, "create", caseObject(id)+"/orders")
	return s.writeJSON(w, r, http.StatusCreated, planItemJSON{ID: it.ID, Kind: it.Kind, Code: it.Code, Units: it.Units, Note: it.Note})
}

type noteRequest struct {
	ServiceType claimgate.ServiceType `json:"service_type"`
	Elements    []claimgate.Element   `json:"elements"`
	Text        string                `json:"text"`
}

func (s *Server) apiWriteNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req noteRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	n, err := s.wf.WriteNote(r.Context(), userFrom(r), id, workflow.NoteInput{ServiceType: req.ServiceType, Elements: req.Elements, Text: req.Text})
	if err != nil {
		return err
	}
	s.auditChange(r, "create", "note/"+strconv.FormatInt(n.ID, 10))
	return s.writeJSON(w, r, http.StatusCreated, toNote(n, s.now()))
}

func (s *Server) apiUpdateNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "note")
	if err != nil {
		return err
	}
	var req noteRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	n, err := s.wf.UpdateNote(r.Context(), userFrom(r), id, workflow.NoteInput{ServiceType: req.ServiceType, Elements: req.Elements, Text: req.Text})
	if err != nil {
		return err
	}
	s.auditChange(r, "update", "note/"+strconv.FormatInt(id, 10))
	return s.writeJSON(w, r, http.StatusOK, toNote(n, s.now()))
}

func (s *Server) apiSignNote(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "note")
	if err != nil {
		return err
	}
	n, err := s.wf.SignNote(r.Context(), userFrom(r), id)
	if err != nil {
		return err
	}
	s.auditChange(r, "sign", "note/"+strconv.FormatInt(id, 10))
	return s.writeJSON(w, r, http.StatusOK, toNote(n, s.now()))
}

type chargeRequest struct {
	Code       string   `json:"code"`
	Modifiers  []string `json:"modifiers"`
	Units      int      `json:"units"`
	DxPointers []int    `json:"dx_pointers"`
}

func (s *Server) apiAddCharge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req chargeRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	l, err := s.wf.AddCharge(r.Context(), userFrom(r), id, workflow.ChargeInput{Code: req.Code, Modifiers: req.Modifiers, Units: req.Units, DxPointers: req.DxPointers})
	if err != nil {
		return err
	}
	s.auditChange(r, "create", caseObject(id)+"/charges/"+strconv.FormatInt(l.ID, 10))
	return s.writeJSON(w, r, http.StatusCreated, toChargeLine(l, s.wf.ChargeLagThreshold()))
}

type voidRequest struct {
	Reason string `json:"reason"`
}

// lineID reads the {line} path value: a charge line's id.
func lineID(r *http.Request) (int64, error) {
	v := r.PathValue("line")
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, claimgate.Errorf(claimgate.NotFound, "no charge line %q: ids are positive integers", v)
	}
	return id, nil
}

func (s *Server) apiVoidCharge(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	line, err := lineID(r)
	if err != nil {
		return err
	}
	var req voidRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := s.wf.VoidCharge(r.Context(), userFrom(r), id, line, req.Reason); err != nil {
		return err
	}
	s.auditChange(r, "void", caseObject(id)+"/charges/"+strconv.FormatInt(line, 10))
	return s.writeMid(w, r, http.StatusOK, id)
}

type diagnosesRequest struct {
	Codes []string `json:"codes"`
}

func (s *Server) apiSetDiagnoses(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var req diagnosesRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if _, err := s.wf.SetDiagnoses(r.Context(), userFrom(r), id, req.Codes); err != nil {
		return err
	}
	s.auditChange(r, "update", caseObject(id)+"/diagnoses")
	v, err := s.midView(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, v.Diagnoses)
}

type chargeItemJSON struct {
	Code        string                `json:"code"`
	Description string                `json:"description"`
	PriceCents  int64                 `json:"price_cents"`
	RevenueCode string                `json:"revenue_code,omitempty"`
	ServiceType claimgate.ServiceType `json:"service_type"`
}

func (s *Server) apiChargemaster(w http.ResponseWriter, r *http.Request) error {
	items, err := s.store.ChargeItems(r.Context())
	if err != nil {
		return err
	}
	out := make([]chargeItemJSON, 0, len(items))
	for _, it := range items {
		out = append(out, chargeItemJSON{Code: it.Code, Description: it.Description, PriceCents: int64(it.Price), RevenueCode: it.RevenueCode, ServiceType: it.ServiceType})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiPutChargeItem(w http.ResponseWriter, r *http.Request) error {
	var req chargeItemJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	var bad []string
	code, err := normCode(req.Code)
	if err != nil {
		bad = append(bad, claimgate.ErrorMessage(err))
	}
	if req.Description == "" {
		bad = append(bad, "description: required (the practice's own words)")
	}
	if req.PriceCents < 0 {
		bad = append(bad, "price_cents: not negative")
	}
	if !req.ServiceType.Valid() {
		bad = append(bad, "service_type: unknown")
	}
	if req.RevenueCode != "" {
		if _, ok := codeset.Normalize(codeset.Revenue, req.RevenueCode); !ok {
			bad = append(bad, "revenue_code: want 4 digits")
		}
	}
	if len(bad) > 0 {
		return invalid("chargemaster entry not saved", bad)
	}
	it := claimgate.ChargeItem{Code: code, Description: req.Description, Price: claimgate.Money(req.PriceCents), RevenueCode: req.RevenueCode, ServiceType: req.ServiceType}
	if err := s.store.PutChargeItem(r.Context(), it, userFrom(r).ID); err != nil {
		return err
	}
	s.auditChange(r, "update", "chargemaster/"+code)
	req.Code = code
	return s.writeJSON(w, r, http.StatusOK, req)
}

func invalid(what string, bad []string) error {
	msg := what + ": " + bad[0]
	for _, b := range bad[1:] {
		msg += "; " + b
	}
	return &claimgate.Error{Kind: claimgate.Invalid, Msg: msg, Details: bad}
}

// normCode returns a CPT or HCPCS code in canonical form.
func normCode(code string) (string, error) {
	for _, k := range []codeset.Kind{codeset.CPT, codeset.HCPCS} {
		if c, ok := codeset.Normalize(k, code); ok {
			return c, nil
		}
	}
	return "", claimgate.Errorf(claimgate.Invalid, "code: %q is not a CPT or HCPCS code", code)
}

type feeJSON struct {
	Code         string `json:"code"`
	Modifier     string `json:"modifier,omitempty"`
	AllowedCents int64  `json:"allowed_cents"`
}

func (s *Server) apiFees(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "payer")
	if err != nil {
		return err
	}
	fees, err := s.store.Fees(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]feeJSON, 0, len(fees))
	for _, f := range fees {
		out = append(out, feeJSON{Code: f.Code, Modifier: f.Modifier, AllowedCents: int64(f.Allowed)})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type coverageJSON struct {
	Code      string   `json:"code"`
	Diagnoses []string `json:"diagnoses"`
	Policy    string   `json:"policy,omitempty"`
}

func (s *Server) apiCoverage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "payer")
	if err != nil {
		return err
	}
	rules, err := s.store.CoverageRules(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]coverageJSON, 0, len(rules))
	for _, c := range rules {
		dx := make([]string, 0, len(c.Diagnoses))
		for _, d := range c.Diagnoses {
			dx = append(dx, codeset.Display(codeset.ICD10CM, d))
		}
		out = append(out, coverageJSON{Code: c.Code, Diagnoses: dx, Policy: c.Policy})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type codingRowJSON struct {
	CaseID      int64            `json:"case_id"`
	ServiceDate claimgate.Date   `json:"service_date"`
	Notes       []noteJSON       `json:"notes"`
	Charges     []chargeLineJSON `json:"charges"`
	Diagnoses   []diagnosisJSON  `json:"diagnoses"`
	CodingReady gateJSON         `json:"coding_ready"`
}

func (s *Server) apiCodingQueue(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.codingRows(r.Context())
	if err != nil {
		return err
	}
	if err := s.auditRead(r, "midcycle/coding"); err != nil {
		return err
	}
	now := s.now()
	out := make([]codingRowJSON, 0, len(rows))
	for _, v := range rows {
		j := v.json(now)
		out = append(out, codingRowJSON{CaseID: j.CaseID, ServiceDate: v.Facts.Case.ServiceDate, Notes: j.Notes, Charges: j.Charges,
			Diagnoses: j.Diagnoses, CodingReady: j.CodingReady})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

// codingRows is the coder's queue: every case at coding, as a midView.
func (s *Server) codingRows(ctx context.Context) ([]*midView, error) {
	cases, err := s.store.Cases(ctx, claimgate.CaseFilter{Stage: claimgate.Coding, Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []*midView
	for _, c := range cases {
		v, err := s.midView(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) apiUnsignedNotes(w http.ResponseWriter, r *http.Request) error {
	notes, err := s.store.UnsignedNotes(r.Context())
	if err != nil {
		return err
	}
	if err := s.auditRead(r, "midcycle/unsigned-notes"); err != nil {
		return err
	}
	now := s.now()
	out := make([]noteJSON, 0, len(notes))
	for _, n := range notes {
		out = append(out, toNote(n, now))
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type lagRowJSON struct {
	CaseID      int64           `json:"case_id"`
	Stage       claimgate.Stage `json:"stage"`
	ServiceDate claimgate.Date  `json:"service_date"`
	DaysSince   int             `json:"days_since_service"`
	Lines       int             `json:"lines"`
	MaxLagDays  int             `json:"max_lag_days"`
	NoCharges   bool            `json:"no_charges"`
	Late        bool            `json:"late"`
	OpenWork    bool            `json:"in_charge_lag_queue"`
}

func (s *Server) apiChargeLag(w http.ResponseWriter, r *http.Request) error {
	rows, _, err := s.wf.ChargeLag(r.Context())
	if err != nil {
		return err
	}
	if err := s.auditRead(r, "midcycle/charge-lag"); err != nil {
		return err
	}
	out := make([]lagRowJSON, 0, len(rows))
	for _, x := range rows {
		out = append(out, lagRowJSON{CaseID: x.Case.ID, Stage: x.Case.Stage, ServiceDate: x.Case.ServiceDate, DaysSince: x.DaysSince,
			Lines: x.Lines, MaxLagDays: x.MaxLag, NoCharges: x.NoCharges, Late: x.Late, OpenWork: x.OpenLagJob})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type missingJSON struct {
	CaseID      int64              `json:"case_id"`
	Stage       claimgate.Stage    `json:"stage"`
	ServiceDate claimgate.Date     `json:"service_date"`
	Kind        claimgate.PlanKind `json:"kind"`
	Code        string             `json:"code"`
	Units       int                `json:"units"`
	Note        string             `json:"note,omitempty"`
}

func (s *Server) apiMissingCharges(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.wf.MissingCharges(r.Context())
	if err != nil {
		return err
	}
	if err := s.auditRead(r, "midcycle/missing-charges"); err != nil {
		return err
	}
	out := make([]missingJSON, 0, len(rows))
	for _, x := range rows {
		out = append(out, missingJSON{CaseID: x.Case.ID, Stage: x.Case.Stage, ServiceDate: x.Case.ServiceDate, Kind: x.Item.Kind,
			Code: x.Item.Code, Units: x.Item.Units, Note: x.Item.Note})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiPutFee(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "payer")
	if err != nil {
		return err
	}
	var req feeJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	var bad []string
	code, err := normCode(req.Code)
	if err != nil {
		bad = append(bad, claimgate.ErrorMessage(err))
	}
	if req.Modifier != "" {
		if m, ok := codeset.Normalize(codeset.Modifier, req.Modifier); ok {
			req.Modifier = m
		} else {
			bad = append(bad, "modifier: want 2 letters or digits")
		}
	}
	if req.AllowedCents < 0 {
		bad = append(bad, "allowed_cents: not negative")
	}
	if len(bad) > 0 {
		return invalid("fee not saved", bad)
	}
	if _, err := s.store.Payer(r.Context(), id); err != nil {
		return err
	}
	if err := s.store.PutFee(r.Context(), claimgate.Fee{PayerID: id, Code: code, Modifier: req.Modifier, Allowed: claimgate.Money(req.AllowedCents)}, userFrom(r).ID); err != nil {
		return err
	}
	s.auditChange(r, "update", "payer/"+strconv.FormatInt(id, 10)+"/fees/"+code)
	req.Code = code
	return s.writeJSON(w, r, http.StatusOK, req)
}

func (s *Server) apiPutCoverage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "payer")
	if err != nil {
		return err
	}
	var req coverageJSON
	if err := decode(r, &req); err != nil {
		return err
	}
	var bad []string
	code, err := normCode(req.Code)
	if err != nil {
		bad = append(bad, claimgate.ErrorMessage(err))
	}
	var dx []string
	for i, d := range req.Diagnoses {
		c, ok := codeset.Normalize(codeset.ICD10CM, d)
		if !ok {
			bad = append(bad, "diagnoses["+strconv.Itoa(i)+"]: not an ICD-10-CM code or category")
			continue
		}
		dx = append(dx, c)
	}
	if len(req.Diagnoses) == 0 {
		bad = append(bad, "diagnoses: at least one")
	}
	if len(bad) > 0 {
		return invalid("coverage rule not saved", bad)
	}
	if _, err := s.store.Payer(r.Context(), id); err != nil {
		return err
	}
	if err := s.store.PutCoverageRule(r.Context(), claimgate.CoverageRule{PayerID: id, Code: code, Diagnoses: dx, Policy: req.Policy}, userFrom(r).ID); err != nil {
		return err
	}
	s.auditChange(r, "update", "payer/"+strconv.FormatInt(id, 10)+"/coverage/"+code)
	out := coverageJSON{Code: code, Policy: req.Policy}
	for _, d := range dx {
		out.Diagnoses = append(out.Diagnoses, codeset.Display(codeset.ICD10CM, d))
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

type docReqJSON struct {
	ServiceType claimgate.ServiceType `json:"service_type,omitempty"`
	Label       string                `json:"label"`
	AnyOf       []claimgate.Element   `json:"any_of"`
}

type docRulesRequest struct {
	ServiceType  claimgate.ServiceType `json:"service_type"`
	Requirements []docReqJSON          `json:"requirements"`
}

func (s *Server) docRequirements(r *http.Request) ([]docReqJSON, error) {
	reqs, err := s.store.DocRequirements(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]docReqJSON, 0, len(reqs))
	for _, q := range reqs {
		out = append(out, docReqJSON{ServiceType: q.ServiceType, Label: q.Label, AnyOf: q.AnyOf})
	}
	return out, nil
}

func (s *Server) apiDocRequirements(w http.ResponseWriter, r *http.Request) error {
	out, err := s.docRequirements(r)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) apiSetDocRequirements(w http.ResponseWriter, r *http.Request) error {
	var req docRulesRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	var bad []string
	if !req.ServiceType.Valid() {
		bad = append(bad, "service_type: unknown")
	}
	var reqs []claimgate.DocRequirement
	for i, q := range req.Requirements {
		if q.Label == "" || len(q.AnyOf) == 0 {
			bad = append(bad, "requirements["+strconv.Itoa(i)+"]: a label and at least one element")
		}
		for _, e := range q.AnyOf {
			if !e.Valid() {
				bad = append(bad, "requirements["+strconv.Itoa(i)+"]: unknown element "+strconv.Quote(string(e)))
			}
		}
		reqs = append(reqs, claimgate.DocRequirement{ServiceType: req.ServiceType, Label: q.Label, AnyOf: q.AnyOf})
	}
	if len(bad) > 0 {
		return invalid("documentation requirements not saved", bad)
	}
	if err := s.store.SetDocRequirements(r.Context(), req.ServiceType, reqs, userFrom(r).ID); err != nil {
		return err
	}
	s.auditChange(r, "update", "doc-requirements/"+string(req.ServiceType))
	out, err := s.docRequirements(r)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}
