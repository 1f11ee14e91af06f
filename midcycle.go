package claimgate

import (
	"context"
	"strings"
	"time"
)

// The mid-cycle (SOP: "documentation completeness, coding quality, and charge
// capture discipline — where care becomes billable reality"): the encounter
// as scheduled and as it happened, its documentation, its charges and its
// diagnoses, and the reference data they are judged by (chargemaster, payer
// fee schedules, documentation requirements, payer coverage tables).

// ServiceType classifies a service for documentation rules: which elements
// its note must hold.
type ServiceType string

// Service types.
const (
	OfficeVisit  ServiceType = "office_visit" // evaluation and management
	Procedure    ServiceType = "procedure"
	Lab          ServiceType = "lab"
	Imaging      ServiceType = "imaging" // and other tests read by a clinician (ECG)
	Injection    ServiceType = "injection"
	Drug         ServiceType = "drug"
	DME          ServiceType = "dme" // durable medical equipment
	Supply       ServiceType = "supply"
	Preventive   ServiceType = "preventive"
	Immunization ServiceType = "immunization"
)

// ServiceTypes lists every service type.
var ServiceTypes = []ServiceType{OfficeVisit, Procedure, Lab, Imaging, Injection, Drug, DME, Supply, Preventive, Immunization}

// Valid reports whether t is one of ServiceTypes.
func (t ServiceType) Valid() bool {
	for _, v := range ServiceTypes {
		if v == t {
			return true
		}
	}
	return false
}

// ChargeItem is one entry of the chargemaster: the practice's own catalog of
// services with prices. Descriptions are the practice's own words, never
// the AMA's CPT descriptors.
type ChargeItem struct {
	Code        string // CPT or HCPCS, canonical
	Description string
	Price       Money  // per unit
	RevenueCode string // UB-04 revenue code for institutional claims; "" if none
	ServiceType ServiceType
}

// Fee is one payer's expected allowed amount for a code (and modifier):
// the contract the posted allowed amount is compared with.
type Fee struct {
	PayerID  int64
	Code     string
	Modifier string // "" for the code without modifier
	Allowed  Money
}

// Element is a part of clinical documentation a service type may require.
type Element string

// Documentation elements.
const (
	ChiefComplaint Element = "chief_complaint"
	HistoryExam    Element = "history_exam"
	TotalTime      Element = "total_time"
	MDM            Element = "mdm" // medical decision making
	ProcedureNote  Element = "procedure_note"
	Order          Element = "order"
	Interpretation Element = "interpretation" // a clinician's read of a test
	Administration Element = "administration" // drug, dose, route, site
	Consent        Element = "consent"
)

// Elements lists every element.
var Elements = []Element{ChiefComplaint, HistoryExam, TotalTime, MDM, ProcedureNote, Order, Interpretation, Administration, Consent}

// Valid reports whether e is one of Elements.
func (e Element) Valid() bool {
	for _, v := range Elements {
		if v == e {
			return true
		}
	}
	return false
}

// Title is the element as a clinician names it.
func (e Element) Title() string {
	switch e {
	case ChiefComplaint:
		return "chief complaint"
	case HistoryExam:
		return "history and exam"
	case TotalTime:
		return "total time"
	case MDM:
		return "medical decision making"
	case ProcedureNote:
		return "procedure note"
	case Order:
		return "signed order"
	case Interpretation:
		return "interpretation and report"
	case Administration:
		return "administration record"
	case Consent:
		return "consent"
	}
	return string(e)
}

// DocRequirement is one line of a service type's documentation checklist:
// satisfied when the note holds any of AnyOf ("history and exam, or total
// time").
type DocRequirement struct {
	ServiceType ServiceType
	Label       string
	AnyOf       []Element
}

// Met reports whether have satisfies r.
func (r DocRequirement) Met(have []Element) bool {
	for _, want := range r.AnyOf {
		for _, h := range have {
			if h == want {
				return true
			}
		}
	}
	return false
}

// CoverageRule is one entry of a payer's coverage table, in the manner of
// Medicare's coverage determinations: the diagnoses that support a service.
// A service with rules for the payer is covered only with one of them; a
// service without rules is not checked. A diagnosis entry covers itself
// and every code below it ("E11" covers E11.9).
type CoverageRule struct {
	PayerID   int64
	Code      string   // the service (CPT/HCPCS)
	Diagnoses []string // ICD-10-CM codes or categories, canonical (no dot)
	Policy    string   // the policy it comes from, e.g. "LCD L33252 (synthetic)"
}

// Covers reports whether diagnosis dx (canonical) supports the service.
func (r CoverageRule) Covers(dx string) bool {
	for _, d := range r.Diagnoses {
		if strings.HasPrefix(dx, d) {
			return true
		}
	}
	return false
}

// VisitStatus is where the visit itself stands.
type VisitStatus string

// Visit statuses.
const (
	Scheduled  VisitStatus = "scheduled"
	CheckedIn  VisitStatus = "checked_in"
	CheckedOut VisitStatus = "checked_out"
	NoShow     VisitStatus = "no_show"
	Cancelled  VisitStatus = "cancelled"
)

// Rendered reports whether a service may have been rendered: the patient
// came.
func (s VisitStatus) Rendered() bool { return s == CheckedIn || s == CheckedOut }

// Visit is the encounter of a case as scheduled and as it happened: when
// it was scheduled, check-in and check-out, and, for a visit that did not
// happen, why.
type Visit struct {
	CaseID       int64
	Status       VisitStatus
	ScheduledAt  time.Time
	CheckIn      time.Time
	CheckOut     time.Time
	CancelReason string // for no_show or cancelled
	UpdatedAt    time.Time
}

// PlanKind is what a planned item of an encounter is.
type PlanKind string

// Plan kinds.
const (
	PlannedService PlanKind = "service" // scheduled: the visit, a procedure
	PlannedOrder   PlanKind = "order"   // ordered: a lab, an image, a drug
	PlannedSupply  PlanKind = "supply"  // a supply or equipment to dispense
)

// PlanItem is one service, order or supply planned for an encounter: what
// charge capture must account for.
type PlanItem struct {
	ID     int64
	CaseID int64
	Kind   PlanKind
	Code   string
	Units  int
	Note   string
}

// NoteStatus is whether a note is signed.
type NoteStatus string

// Note statuses.
const (
	NoteDraft  NoteStatus = "draft"
	NoteSigned NoteStatus = "signed"
)

// Note is one piece of clinical documentation for a case. A signed note
// does not change.
type Note struct {
	ID          int64
	CaseID      int64
	ServiceType ServiceType
	AuthorID    int64
	Elements    []Element // the elements it documents
	Text        string
	Status      NoteStatus
	SignerID    int64
	SignedAt    time.Time
	WorkItemID  int64 // the author's "unsigned note" work item, while one is open
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ChargeLine is one captured charge of a case.
type ChargeLine struct {
	ID        int64
	CaseID    int64
	Line      int // 1-based, in entry order within the case
	Code      string
	Modifiers []string
	Units     int
	// DxPointers point into the case's ordered diagnoses, 1-based, as
	// the claim's SV107 does.
	DxPointers  []int
	Amount      Money // chargemaster price × units
	ServiceDate Date
	EnteredBy   int64
	EnteredAt   time.Time
	LagDays     int       // entry date − date of service, recorded at entry
	VoidedAt    time.Time // zero while the line counts
	VoidReason  string
}

// Active reports whether the line counts (not voided).
func (l ChargeLine) Active() bool { return l.VoidedAt.IsZero() }

// LagDays returns the charge lag of an entry at entered for a date of
// service: whole days from the date of service to the entry date (UTC).
func LagDays(dos Date, entered time.Time) int { return dos.DaysUntil(DateOf(entered.UTC())) }

// Diagnosis is one of a case's ordered ICD-10-CM codes.
type Diagnosis struct {
	CaseID int64
	Rank   int    // 1 is the primary
	Code   string // canonical, no dot
}

// Mid-cycle event kinds.
const (
	EventChargemasterChanged = "chargemaster.changed"
	EventFeeChanged          = "fee.changed"
	EventDocRulesChanged     = "doc_requirements.changed"
	EventCoverageChanged     = "coverage_rule.changed"
	EventEncounterPlanned    = "encounter.planned"
	EventEncounterUpdated    = "encounter.updated"
	EventPlanItemAdded       = "encounter.plan_item_added"
	EventNoteWritten         = "note.written"
	EventNoteSigned          = "note.signed"
	EventChargeAdded         = "charge.added"
	EventChargeVoided        = "charge.voided"
	EventDiagnosesSet        = "diagnoses.set"
)

// MidCycleStore keeps the encounter, its documentation, charges and
// diagnoses, and the reference data of the mid-cycle. Every change writes
// its event in the same transaction. Codes are stored as given: callers
// pass canonical codes.
type MidCycleStore interface {
	// PutChargeItem adds or replaces the chargemaster entry for it.Code.
	PutChargeItem(ctx context.Context, it ChargeItem, actor int64) error
	// ChargeItem returns the entry for code; NotFound if none.
	ChargeItem(ctx context.Context, code string) (ChargeItem, error)
	// ChargeItems returns the chargemaster ordered by code.
	ChargeItems(ctx context.Context) ([]ChargeItem, error)
	// PutFee adds or replaces a payer's expected allowed amount; an unknown
	// payer is Invalid.
	PutFee(ctx context.Context, f Fee, actor int64) error
	// Fees returns a payer's fee schedule ordered by code and modifier.
	Fees(ctx context.Context, payerID int64) ([]Fee, error)
	// SetDocRequirements replaces the documentation checklist of st.
	SetDocRequirements(ctx context.Context, st ServiceType, reqs []DocRequirement, actor int64) error
	// DocRequirements returns every service type's checklist, in order.
	DocRequirements(ctx context.Context) ([]DocRequirement, error)
	// PutCoverageRule adds or replaces the payer's rule for r.Code; an
	// unknown payer is Invalid.
	PutCoverageRule(ctx context.Context, r CoverageRule, actor int64) error
	// CoverageRules returns a payer's rules ordered by code.
	CoverageRules(ctx context.Context, payerID int64) ([]CoverageRule, error)

	// PlanEncounter records the encounter of a case with its planned items
	// (IDs set here). A case that already has one is a Conflict; an
	// unknown case is Invalid.
	PlanEncounter(ctx context.Context, e *Visit, plan []PlanItem, actor int64) error
	// Encounter returns a case's visit and plan; NotFound if none.
	Encounter(ctx context.Context, caseID int64) (Visit, []PlanItem, error)
	// UpdateEncounter stores e's status, times and reason, with an event
	// whose reason is why; NotFound if the case has no encounter.
	UpdateEncounter(ctx context.Context, e Visit, actor int64, why string) error
	// AddPlanItem adds an item (an order written during the visit) to a
	// case's plan; NotFound if the case has no encounter.
	AddPlanItem(ctx context.Context, it *PlanItem, actor int64) error
	// CloseUnrendered closes a case whose encounter did not happen (no-show
	// or cancellation): it stores e, moves the case from m.From to closed
	// with m's kind and reason, completes the case's open stage work, and
	// writes both events, in one transaction. A case not at m.From is a
	// Conflict, and nothing is written.
	CloseUnrendered(ctx context.Context, e Visit, m CaseMove) (Event, error)

	// CreateNote stores a draft note and, when w is not nil, opens w (the
	// author's unsigned-note work item) in the same transaction.
	CreateNote(ctx context.Context, n *Note, w *WorkItem, actor int64) error
	// UpdateNote changes a draft note's service type, elements and text; a
	// signed note is a Conflict.
	UpdateNote(ctx context.Context, n Note, actor int64) error
	// SignNote signs a draft note and completes its work item; signing a
	// signed note is a Conflict.
	SignNote(ctx context.Context, id, signer int64, at time.Time) error
	// Note returns note id; NotFound if none.
	Note(ctx context.Context, id int64) (Note, error)
	// Notes returns a case's notes, oldest first.
	Notes(ctx context.Context, caseID int64) ([]Note, error)
	// UnsignedNotes returns every draft note, oldest first.
	UnsignedNotes(ctx context.Context) ([]Note, error)

	// AddChargeLine stores l as the case's next line (l.Line and l.ID are
	// set here).
	AddChargeLine(ctx context.Context, l *ChargeLine, actor int64) error
	// VoidChargeLine voids a line with a reason; a voided line is a Conflict.
	VoidChargeLine(ctx context.Context, id, actor int64, reason string, at time.Time) error
	// ChargeLines returns a case's lines, voided ones too, by line number.
	ChargeLines(ctx context.Context, caseID int64) ([]ChargeLine, error)
	// SetDiagnoses replaces a case's ordered diagnoses (codes[0] ranks 1).
	// A repeated code is Invalid.
	SetDiagnoses(ctx context.Context, caseID int64, codes []string, actor int64, at time.Time) error
	// Diagnoses returns a case's diagnoses by rank.
	Diagnoses(ctx context.Context, caseID int64) ([]Diagnosis, error)
}
