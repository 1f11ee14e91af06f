package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// The practice's chargemaster: descriptions are the practice's own words,
// never the AMA's CPT descriptors. Prices are synthetic.
var chargemaster = []claimgate.ChargeItem{
	{Code: "99202", Description: "New patient visit, straightforward", Price: 11000, RevenueCode: "0510", ServiceType: claimgate.OfficeVisit},
	{Code: "99203", Description: "New patient visit, low complexity", Price: 16000, RevenueCode: "0510", ServiceType: claimgate.OfficeVisit},
	{Code: "99212", Description: "Return visit, straightforward", Price: 9000, RevenueCode: "0510", ServiceType: claimgate.OfficeVisit},
	{Code: "99213", Description: "Return visit, low complexity", Price: 14500, RevenueCode: "0510", ServiceType: claimgate.OfficeVisit},
	{Code: "99214", Description: "Return visit, moderate complexity", Price: 21000, RevenueCode: "0510", ServiceType: claimgate.OfficeVisit},
	{Code: "99396", Description: "Annual preventive exam, adult 40-64", Price: 25000, RevenueCode: "0510", ServiceType: claimgate.Preventive},
	{Code: "20610", Description: "Large joint injection or aspiration", Price: 19000, RevenueCode: "0510", ServiceType: claimgate.Procedure},
	{Code: "36415", Description: "Blood draw by venipuncture", Price: 2500, RevenueCode: "0300", ServiceType: claimgate.Lab},
	{Code: "80053", Description: "Metabolic panel, comprehensive", Price: 4500, RevenueCode: "0301", ServiceType: claimgate.Lab},
	{Code: "83036", Description: "Glycated hemoglobin (A1c)", Price: 3800, RevenueCode: "0301", ServiceType: claimgate.Lab},
	{Code: "85025", Description: "Blood count, complete, automated", Price: 3000, RevenueCode: "0305", ServiceType: claimgate.Lab},
	{Code: "93000", Description: "Electrocardiogram with read", Price: 6500, RevenueCode: "0730", ServiceType: claimgate.Imaging},
	{Code: "71046", Description: "Chest radiograph, two views", Price: 9500, RevenueCode: "0324", ServiceType: claimgate.Imaging},
	{Code: "96372", Description: "Injection under skin or into muscle", Price: 4000, RevenueCode: "0260", ServiceType: claimgate.Injection},
	{Code: "J1030", Description: "Methylprednisolone acetate 40 mg", Price: 1800, RevenueCode: "0636", ServiceType: claimgate.Drug},
	{Code: "90686", Description: "Influenza vaccine, quadrivalent", Price: 3500, RevenueCode: "0636", ServiceType: claimgate.Immunization},
	{Code: "90471", Description: "Vaccine administration, first", Price: 2800, RevenueCode: "0510", ServiceType: claimgate.Immunization},
	{Code: "A4550", Description: "Procedure tray", Price: 3000, RevenueCode: "0270", ServiceType: claimgate.Supply},
	{Code: "E0114", Description: "Underarm crutches, pair", Price: 7500, RevenueCode: "0270", ServiceType: claimgate.DME},
}

// docRules are the documentation checklists per service type.
var docRules = []claimgate.DocRequirement{
	{ServiceType: claimgate.OfficeVisit, Label: "chief complaint", AnyOf: []claimgate.Element{claimgate.ChiefComplaint}},
	{ServiceType: claimgate.OfficeVisit, Label: "history and exam, or total time", AnyOf: []claimgate.Element{claimgate.HistoryExam, claimgate.TotalTime}},
	{ServiceType: claimgate.OfficeVisit, Label: "medical decision making", AnyOf: []claimgate.Element{claimgate.MDM}},
	{ServiceType: claimgate.Preventive, Label: "history and exam", AnyOf: []claimgate.Element{claimgate.HistoryExam}},
	{ServiceType: claimgate.Procedure, Label: "procedure note", AnyOf: []claimgate.Element{claimgate.ProcedureNote}},
	{ServiceType: claimgate.Procedure, Label: "consent", AnyOf: []claimgate.Element{claimgate.Consent}},
	{ServiceType: claimgate.Imaging, Label: "order", AnyOf: []claimgate.Element{claimgate.Order}},
	{ServiceType: claimgate.Imaging, Label: "interpretation and report", AnyOf: []claimgate.Element{claimgate.Interpretation}},
	{ServiceType: claimgate.Injection, Label: "administration record", AnyOf: []claimgate.Element{claimgate.Administration}},
	{ServiceType: claimgate.DME, Label: "signed order", AnyOf: []claimgate.Element{claimgate.Order}},
}

// coverage is each payer's coverage table, after the manner of Medicare's
// coverage determinations; the policies named are synthetic.
var coverage = []claimgate.CoverageRule{
	{Code: "83036", Diagnoses: []string{"E11", "R73", "O24"}, Policy: "A1c policy (synthetic)"},
	{Code: "93000", Diagnoses: []string{"I10", "I25", "I48", "R07", "R00"}, Policy: "ECG policy (synthetic)"},
	{Code: "71046", Diagnoses: []string{"J18", "J20", "J44", "R05", "R07", "R50", "U07"}, Policy: "chest imaging policy (synthetic)"},
}

// feeShare is each payer's expected allowed amount as a share (percent)
// of the chargemaster price, by payer index.
var feeShare = []int64{62, 45, 38}

// visit is one kind of encounter the demo generates.
type visit struct {
	plan  []claimgate.PlanItem
	notes []workflow.NoteInput
	lines []workflow.ChargeInput
	dx    []string
}

var visits = []visit{
	{ // diabetes follow-up with A1c and a draw
		plan: []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "99213"}, {Kind: claimgate.PlannedOrder, Code: "83036"}, {Kind: claimgate.PlannedOrder, Code: "36415"}},
		notes: []workflow.NoteInput{{ServiceType: claimgate.OfficeVisit, Elements: []claimgate.Element{claimgate.ChiefComplaint, claimgate.HistoryExam, claimgate.MDM, claimgate.Order},
			Text: "Follow-up of type 2 diabetes. Home readings stable. Exam unremarkable. A1c ordered; continue metformin."}},
		lines: []workflow.ChargeInput{{Code: "99213", Units: 1, DxPointers: []int{1, 2}}, {Code: "83036", Units: 1, DxPointers: []int{1}}, {Code: "36415", Units: 1, DxPointers: []int{1}}},
		dx:    []string{"E11.9", "I10"},
	},
	{ // knee injection with a tray
		plan: []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "20610"}, {Kind: claimgate.PlannedSupply, Code: "A4550", Note: "procedure tray"}},
		notes: []workflow.NoteInput{{ServiceType: claimgate.Procedure, Elements: []claimgate.Element{claimgate.ProcedureNote, claimgate.Consent},
			Text: "Right knee injection under sterile technique after consent. Tolerated well."}},
		lines: []workflow.ChargeInput{{Code: "20610", Modifiers: []string{"RT"}, Units: 1, DxPointers: []int{1}}, {Code: "A4550", Units: 1, DxPointers: []int{1}}},
		dx:    []string{"M17.11"},
	},
	{ // chest pain visit with an ECG
		plan: []claimgate.PlanItem{{Kind: claimgate.PlannedService, Code: "99214"}, {Kind: claimgate.PlannedOrder, Code: "93000"}},
		notes: []workflow.NoteInput{
			{ServiceType: claimgate.OfficeVisit, Elements: []claimgate.Element{claimgate.ChiefComplaint, claimgate.TotalTime, claimgate.MDM},
				Text: "Intermittent chest discomfort for a week. 35 minutes total. Low risk; ECG today."},
			{ServiceType: claimgate.Imaging, Elements: []claimgate.Element{claimgate.Order, claimgate.Interpretation},
				Text: "ECG: sinus rhythm, no acute changes."},
		},
		lines: []workflow.ChargeInput{{Code: "99214", Units: 1, DxPointers: []int{1, 2}}, {Code: "93000", Units: 1, DxPointers: []int{1}}},
		dx:    []string{"R07.89", "I10"},
	},
}

// midTargets spreads the cases: the first five over the front-end, the next
// five through the mid-cycle (most at coding, where the gate is), over and
// over.
var midTargets = []claimgate.Stage{
	claimgate.Intake, claimgate.Registration, claimgate.Eligibility, claimgate.Authorization, claimgate.FinancialClearance,
	claimgate.Encounter, claimgate.Documentation, claimgate.Coding, claimgate.Coding, claimgate.Coding,
}

// The defects the demo plants in the cases it codes, in turn, so that the
// Coding-Ready gate has something to catch.
const (
	defectNone         = iota
	defectUnsignedLate // the note is left unsigned and the charges come late
	defectMissingSupply
	defectNonBillable // a category header for a diagnosis
	defectNecessity   // a diagnosis the payer does not cover the service for
	defectPointer     // a line points to a diagnosis that does not exist
	numDefects
)

// seedReference loads the chargemaster, the payers' fee schedules and
// coverage tables, and the documentation checklists.
func seedReference(ctx context.Context, st claimgate.Store, p *Practice) error {
	actor := p.Users["admin"].ID
	for _, it := range chargemaster {
		if err := st.PutChargeItem(ctx, it, actor); err != nil {
			return fmt.Errorf("seed chargemaster %s: %w", it.Code, err)
		}
	}
	for i, py := range p.Payers {
		share := feeShare[i%len(feeShare)]
		for _, it := range chargemaster {
			if err := st.PutFee(ctx, claimgate.Fee{PayerID: py.ID, Code: it.Code, Allowed: it.Price * claimgate.Money(share) / 100}, actor); err != nil {
				return fmt.Errorf("seed fee %s: %w", it.Code, err)
			}
		}
		for _, r := range coverage {
			r.PayerID = py.ID
			if err := st.PutCoverageRule(ctx, r, actor); err != nil {
				return fmt.Errorf("seed coverage %s: %w", r.Code, err)
			}
		}
	}
	byType := map[claimgate.ServiceType][]claimgate.DocRequirement{}
	for _, r := range docRules {
		byType[r.ServiceType] = append(byType[r.ServiceType], r)
	}
	for _, t := range claimgate.ServiceTypes {
		if rs := byType[t]; rs != nil {
			if err := st.SetDocRequirements(ctx, t, rs, actor); err != nil {
				return fmt.Errorf("seed documentation rules %s: %w", t, err)
			}
		}
	}
	return nil
}

// at returns a copy of wf whose clock reads t: the demo's history happened
// at its own times (a note written on the day, a charge entered late).
func at(wf *workflow.Service, t time.Time) *workflow.Service {
	return &workflow.Service{Store: wf.Store, Now: func() time.Time { return t }, Codes: wf.Codes, ChargeLagDays: wf.ChargeLagDays,
		EligibilityWindowDays: wf.EligibilityWindowDays, RealTime: wf.RealTime, X12: wf.X12}
}

// crossReadyToBill logs a manager's exception for every Ready-to-Bill item
// the demo has no data for, so the case may enter the mid-cycle. Items that
// pass need none.
func crossReadyToBill(ctx context.Context, wf *workflow.Service, p *Practice, c claimgate.Case) error {
	f, err := wf.Facts(ctx, c.ID)
	if err != nil {
		return err
	}
	mgr := p.Users["mgr"]
	for _, it := range workflow.Evaluate(workflow.ReadyToBill, f).Blocking() {
		_, err := wf.LogException(ctx, &mgr, workflow.ExceptionInput{CaseID: c.ID, Gate: workflow.ReadyToBill.ID, Item: it.ID,
			Reason: "demo: front-end check not recorded in the synthetic practice", OwnerID: p.userWithRole(claimgate.FrontDesk).ID,
			Expires: wf.Now().AddDate(0, 0, workflow.MaxExceptionDays)})
		if err != nil {
			return fmt.Errorf("exception %s: %w", it.ID, err)
		}
	}
	return nil
}

// seedEncounter records the case's plan, moves it to target, and captures
// what happened, with the case's defect planted. k counts the cases sent to
// target so far: it picks the visit and, at coding, the defect; i is the
// case's number, which picks its front-end failure mode.
func seedEncounter(ctx context.Context, wf *workflow.Service, p *Practice, c claimgate.Case, target claimgate.Stage, k, i int) error {
	v := visits[k%len(visits)]
	defect := k % numDefects
	if target != claimgate.Coding {
		defect = defectNone
	}
	if defect == defectNecessity {
		v = visits[0] // the A1c visit
	}
	front, clin, coder, admin := p.userWithRole(claimgate.FrontDesk), p.userWithRole(claimgate.Clinician), p.userWithRole(claimgate.Coder), p.Users["admin"]
	dos := c.ServiceDate.Time()
	plan := append([]claimgate.PlanItem(nil), v.plan...)
	if defect == defectMissingSupply && !hasKind(plan, claimgate.PlannedSupply) {
		plan = append(plan, claimgate.PlanItem{Kind: claimgate.PlannedSupply, Code: "A4550", Note: "procedure tray"})
	}
	if _, _, err := at(wf, dos.Add(-72*time.Hour)).PlanEncounter(ctx, &front, c.ID, workflow.PlanInput{ScheduledAt: dos.Add(9 * time.Hour), Items: plan}); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if err := seedFrontEnd(ctx, wf, p, c, i, wf.Now().UTC()); err != nil {
		return fmt.Errorf("front-end: %w", err)
	}
	if target.Number() < claimgate.Encounter.Number() {
		return nil
	}
	if err := crossReadyToBill(ctx, at(wf, dos.Add(-24*time.Hour)), p, c); err != nil {
		return err
	}
	if _, err := at(wf, dos.Add(8*time.Hour)).Move(ctx, &admin, c.ID, claimgate.FinancialClearance, claimgate.Encounter, "patient arrived"); err != nil {
		return err
	}
	if err := at(wf, dos.Add(9*time.Hour)).CheckIn(ctx, &front, c.ID); err != nil {
		return err
	}
	if target == claimgate.Encounter {
		if k%2 == 1 {
			_, err := at(wf, dos.Add(10*time.Hour)).CloseUnrendered(ctx, &front, c.ID, claimgate.NoShow, "left before being seen; rescheduled")
			return err
		}
		return nil
	}
	if err := at(wf, dos.Add(10*time.Hour)).CheckOut(ctx, &front, c.ID); err != nil {
		return err
	}
	if _, err := at(wf, dos.Add(10*time.Hour+30*time.Minute)).Move(ctx, &admin, c.ID, claimgate.Encounter, claimgate.Documentation, "visit done"); err != nil {
		return err
	}
	written := dos.Add(11 * time.Hour)
	for i, in := range v.notes {
		n, err := at(wf, written).WriteNote(ctx, &clin, c.ID, in)
		if err != nil {
			return fmt.Errorf("note: %w", err)
		}
		// A note at documentation is still a draft, aging in the
		// clinician's queue; the unsigned-note defect leaves one so.
		if target == claimgate.Documentation || (defect == defectUnsignedLate && i == 0) {
			continue
		}
		if _, err := at(wf, written.Add(3*time.Hour)).SignNote(ctx, &clin, n.ID); err != nil {
			return fmt.Errorf("sign: %w", err)
		}
	}
	if target == claimgate.Documentation {
		return nil
	}
	if _, err := at(wf, dos.Add(14*time.Hour+30*time.Minute)).Move(ctx, &admin, c.ID, claimgate.Documentation, claimgate.Coding, "documented"); err != nil {
		return err
	}
	dx := append([]string(nil), v.dx...)
	lines := append([]workflow.ChargeInput(nil), v.lines...)
	switch defect {
	case defectMissingSupply:
		var kept []workflow.ChargeInput
		for _, l := range lines {
			if l.Code != "A4550" {
				kept = append(kept, l)
			}
		}
		lines = kept
	case defectNonBillable:
		dx[0] = dx[0][:3] // the category: a header, not billable
	case defectNecessity:
		lines[1].DxPointers = []int{2} // the A1c for hypertension: not covered
	case defectPointer:
		lines[0].DxPointers = append(lines[0].DxPointers, len(dx)+1)
	}
	entered := dos.Add(15 * time.Hour)
	if defect == defectUnsignedLate {
		entered = dos.Add(6*24*time.Hour + 2*time.Hour)
	}
	if _, err := at(wf, entered).SetDiagnoses(ctx, &coder, c.ID, dx); err != nil {
		return fmt.Errorf("diagnoses: %w", err)
	}
	for _, l := range lines {
		if _, err := at(wf, entered).AddCharge(ctx, &coder, c.ID, l); err != nil {
			return fmt.Errorf("charge %s: %w", l.Code, err)
		}
	}
	return nil
}

func hasKind(plan []claimgate.PlanItem, k claimgate.PlanKind) bool {
	for _, it := range plan {
		if it.Kind == k {
			return true
		}
	}
	return false
}
