package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// casePageMid is the mid-cycle section of the case page: the encounter and
// its plan, the notes, the charges with their lag, the diagnoses and the
// Coding-Ready checklist, with the forms of the roles that work them.
type casePageMid struct {
	*midView
	Notes        []noteRow
	Chargemaster []claimgate.ChargeItem
	ServiceTypes []claimgate.ServiceType
	Elements     []claimgate.Element
	DxCodes      string // the diagnoses as the form shows them
	Open         bool   // the case is in the mid-cycle: forms are offered
	CanFront     bool
	CanClinician bool
	CanCode      bool
	UserID       int64
}

type noteRow struct {
	claimgate.Note
	Author string
	Age    string
}

// midSection builds the case page's mid-cycle section.
func (s *Server) midSection(r *http.Request, caseID int64, d *directory) (*casePageMid, error) {
	v, err := s.midView(r.Context(), caseID)
	if err != nil {
		return nil, err
	}
	u := userFrom(r)
	m := &casePageMid{midView: v, ServiceTypes: claimgate.ServiceTypes, Elements: claimgate.Elements,
		Open:     v.Facts.Case.Stage.Zone() == claimgate.MidCycle,
		CanFront: u.Has(claimgate.FrontDesk) || u.Has(claimgate.Manager), CanClinician: u.Has(claimgate.Clinician) || u.Has(claimgate.Manager),
		CanCode: u.Has(claimgate.Coder) || u.Has(claimgate.Clinician) || u.Has(claimgate.Manager), UserID: u.ID}
	now := s.now()
	for _, n := range v.Facts.Mid.Notes {
		m.Notes = append(m.Notes, noteRow{Note: n, Author: d.UserName(n.AuthorID), Age: humanDuration(now.Sub(n.CreatedAt))})
	}
	var codes []string
	for _, dx := range v.Diagnoses {
		codes = append(codes, dx.Code)
	}
	m.DxCodes = strings.Join(codes, ", ")
	if m.Chargemaster, err = s.store.ChargeItems(r.Context()); err != nil {
		return nil, err
	}
	return m, nil
}

// midForm runs a mid-cycle form's change; a refusal re-renders the case
// page with what was refused.
func (s *Server) midForm(w http.ResponseWriter, r *http.Request, title string, change func(id int64) error) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	if err := change(id); err != nil {
		if k := claimgate.ErrorKind(err); k == claimgate.Internal || k == claimgate.NotFound && !strings.Contains(claimgate.ErrorMessage(err), "charge line") {
			return err
		}
		return s.refuse(w, r, title, "", err)
	}
	redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"#midcycle", "saved")
	return nil
}

func (s *Server) encounterForm(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r)
	return s.midForm(w, r, "Encounter not updated", func(id int64) error {
		switch r.PathValue("step") {
		case "checkin":
			return s.wf.CheckIn(r.Context(), u, id)
		case "checkout":
			return s.wf.CheckOut(r.Context(), u, id)
		case "cancel":
			_, err := s.wf.CloseUnrendered(r.Context(), u, id, claimgate.VisitStatus(r.PostFormValue("status")), r.PostFormValue("reason"))
			if err == nil {
				s.auditChange(r, "move", caseObject(id))
			}
			return err
		}
		return claimgate.Errorf(claimgate.NotFound, "no encounter step %q", r.PathValue("step"))
	})
}

// planForm adds one item to the encounter's plan: the first one records
// the encounter from the schedule (front desk); later ones are orders
// written during the visit (clinician).
func (s *Server) planForm(w http.ResponseWriter, r *http.Request) error {
	return s.midForm(w, r, "Plan not changed", func(id int64) error {
		units := 1
		if v := strings.TrimSpace(r.PostFormValue("units")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return invalid("plan not changed", []string{"units: want a whole number"})
			}
			units = n
		}
		it := claimgate.PlanItem{Kind: claimgate.PlanKind(r.PostFormValue("kind")), Code: r.PostFormValue("code"), Units: units, Note: strings.TrimSpace(r.PostFormValue("note"))}
		_, _, err := s.store.Encounter(r.Context(), id)
		switch {
		case claimgate.ErrorKind(err) == claimgate.NotFound:
			_, _, err = s.wf.PlanEncounter(r.Context(), userFrom(r), id, workflow.PlanInput{Items: []claimgate.PlanItem{it}})
		case err == nil:
			_, err = s.wf.AddOrder(r.Context(), userFrom(r), id, it)
		}
		if err == nil {
			s.auditChange(r, "update", caseObject(id)+"/encounter")
		}
		return err
	})
}

func (s *Server) noteForm(w http.ResponseWriter, r *http.Request) error {
	return s.midForm(w, r, "Note not saved", func(id int64) error {
		if err := r.ParseForm(); err != nil {
			return claimgate.Errorf(claimgate.Invalid, "unreadable form")
		}
		var els []claimgate.Element
		for _, e := range r.PostForm["elements"] {
			els = append(els, claimgate.Element(e))
		}
		n, err := s.wf.WriteNote(r.Context(), userFrom(r), id, workflow.NoteInput{ServiceType: claimgate.ServiceType(r.PostFormValue("service_type")),
			Elements: els, Text: r.PostFormValue("text")})
		if err == nil {
			s.auditChange(r, "create", "note/"+strconv.FormatInt(n.ID, 10))
		}
		return err
	})
}

func (s *Server) signForm(w http.ResponseWriter, r *http.Request) error {
	return s.midForm(w, r, "Note not signed", func(int64) error {
		nid, err := strconv.ParseInt(r.PathValue("note"), 10, 64)
		if err != nil {
			return claimgate.Errorf(claimgate.NotFound, "no note %q", r.PathValue("note"))
		}
		if _, err := s.wf.SignNote(r.Context(), userFrom(r), nid); err != nil {
			return err
		}
		s.auditChange(r, "sign", "note/"+strconv.FormatInt(nid, 10))
		return nil
	})
}

// splitList reads "a, b c" as [a b c].
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}

func (s *Server) chargeForm(w http.ResponseWriter, r *http.Request) error {
	return s.midForm(w, r, "Charge not captured", func(id int64) error {
		var bad []string
		units, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("units")))
		if err != nil {
			bad = append(bad, "units: want a whole number")
		}
		var ptrs []int
		for _, p := range splitList(r.PostFormValue("pointers")) {
			n, err := strconv.Atoi(p)
			if err != nil {
				bad = append(bad, "diagnosis pointers: want numbers like 1, 2")
				break
			}
			ptrs = append(ptrs, n)
		}
		if len(bad) > 0 {
			return invalid("charge not captured", bad)
		}
		l, err := s.wf.AddCharge(r.Context(), userFrom(r), id, workflow.ChargeInput{Code: r.PostFormValue("code"),
			Modifiers: splitList(r.PostFormValue("modifiers")), Units: units, DxPointers: ptrs})
		if err == nil {
			s.auditChange(r, "create", caseObject(id)+"/charges/"+strconv.FormatInt(l.ID, 10))
		}
		return err
	})
}

func (s *Server) voidForm(w http.ResponseWriter, r *http.Request) error {
	return s.midForm(w, r, "Charge not voided", func(id int64) error {
		line, err := lineID(r)
		if err != nil {
			return err
		}
		if err := s.wf.VoidCharge(r.Context(), userFrom(r), id, line, r.PostFormValue("reason")); err != nil {
			return err
		}
		s.auditChange(r, "void", caseObject(id)+"/charges/"+strconv.FormatInt(line, 10))
		return nil
	})
}

func (s *Server) diagnosesForm(w http.ResponseWriter, r *http.Request) error {
	return s.midForm(w, r, "Diagnoses not saved", func(id int64) error {
		_, err := s.wf.SetDiagnoses(r.Context(), userFrom(r), id, splitList(r.PostFormValue("codes")))
		if err == nil {
			s.auditChange(r, "update", caseObject(id)+"/diagnoses")
		}
		return err
	})
}

type codingPageData struct {
	base
	Rows []codingRow
}

type codingRow struct {
	*midView
	Patient string
	Notes   []noteRow
}

// codingPage is the coder's queue: each case at coding with its notes
// beside its codes and what the Coding-Ready gate says.
func (s *Server) codingPage(w http.ResponseWriter, r *http.Request) error {
	views, err := s.codingRows(r.Context())
	if err != nil {
		return err
	}
	d, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	data := codingPageData{base: s.base(r, "Coding queue", "coding")}
	now := s.now()
	for _, v := range views {
		_, p, err := d.caseAndPatient(v.Facts.Case.ID)
		if err != nil {
			return err
		}
		row := codingRow{midView: v, Patient: patientName(p)}
		for _, n := range v.Facts.Mid.Notes {
			row.Notes = append(row.Notes, noteRow{Note: n, Author: d.UserName(n.AuthorID), Age: humanDuration(now.Sub(n.CreatedAt))})
		}
		data.Rows = append(data.Rows, row)
	}
	if err := s.auditRead(r, "midcycle/coding"); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "coding", data)
	return nil
}

type midCyclePageData struct {
	base
	Threshold int
	Unsigned  []unsignedRow
	Lag       []lagRow
	Missing   []missingRow
}

type unsignedRow struct {
	noteRow
	Patient string
}

type lagRow struct {
	workflow.LagRow
	Patient string
}

type missingRow struct {
	workflow.MissingRow
	Patient string
}

// midCyclePage lists what the SOP's charge-capture guardrail watches:
// unsigned notes with their age, charge lag and missing charges.
func (s *Server) midCyclePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.directory(ctx)
	if err != nil {
		return err
	}
	data := midCyclePageData{base: s.base(r, "Mid-cycle", "midcycle")}
	now := s.now()
	notes, err := s.store.UnsignedNotes(ctx)
	if err != nil {
		return err
	}
	for _, n := range notes {
		_, p, err := d.caseAndPatient(n.CaseID)
		if err != nil {
			return err
		}
		data.Unsigned = append(data.Unsigned, unsignedRow{noteRow: noteRow{Note: n, Author: d.UserName(n.AuthorID), Age: humanDuration(now.Sub(n.CreatedAt))}, Patient: patientName(p)})
	}
	lag, threshold, err := s.wf.ChargeLag(ctx)
	if err != nil {
		return err
	}
	data.Threshold = threshold
	for _, x := range lag {
		_, p, err := d.caseAndPatient(x.Case.ID)
		if err != nil {
			return err
		}
		data.Lag = append(data.Lag, lagRow{LagRow: x, Patient: patientName(p)})
	}
	missing, err := s.wf.MissingCharges(ctx)
	if err != nil {
		return err
	}
	for _, x := range missing {
		_, p, err := d.caseAndPatient(x.Case.ID)
		if err != nil {
			return err
		}
		data.Missing = append(data.Missing, missingRow{MissingRow: x, Patient: patientName(p)})
	}
	if err := s.auditRead(r, "midcycle"); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "midcycle", data)
	return nil
}

// midEventTitle says what a mid-cycle event was, or "" for another kind.
func midEventTitle(e claimgate.Event) string {
	var x struct {
		Code   string `json:"code"`
		Line   int    `json:"line"`
		Lag    int    `json:"lag_days"`
		Status string `json:"status"`
		Note   int64  `json:"note"`
		Type   string `json:"service_type"`
	}
	if e.Data != "" {
		json.Unmarshal([]byte(e.Data), &x) // best effort: the title falls back to the kind
	}
	switch e.Kind {
	case claimgate.EventEncounterPlanned:
		return "Encounter planned from the schedule"
	case claimgate.EventEncounterUpdated:
		return "Encounter " + strings.ReplaceAll(x.Status, "_", " ")
	case claimgate.EventPlanItemAdded:
		return "Order added: " + x.Code
	case claimgate.EventNoteWritten:
		return fmt.Sprintf("Note #%d written (%s)", x.Note, strings.ReplaceAll(x.Type, "_", " "))
	case claimgate.EventNoteSigned:
		return fmt.Sprintf("Note #%d signed", x.Note)
	case claimgate.EventChargeAdded:
		return fmt.Sprintf("Charge line %d: %s (lag %d d)", x.Line, x.Code, x.Lag)
	case claimgate.EventChargeVoided:
		return fmt.Sprintf("Charge line %d voided", x.Line)
	case claimgate.EventDiagnosesSet:
		return "Diagnoses coded"
	}
	return ""
}
