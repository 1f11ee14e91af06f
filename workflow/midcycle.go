package workflow

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/codeset"
)

// DefaultChargeLagDays is the charge-lag threshold when none is configured.
const DefaultChargeLagDays = 3

// Mid-cycle queues besides the stages' own.
const (
	// UnsignedNotesQueue holds one item per unsigned note, owned by its
	// author: unsigned notes age in the clinician's queue.
	UnsignedNotesQueue = "unsigned_notes"
	// ChargeLagQueue holds encounters whose charges came, or are still
	// missing, later than the charge-lag threshold.
	ChargeLagQueue = "charge_lag"
)

func (s *Service) lagDays() int {
	if s.ChargeLagDays > 0 {
		return s.ChargeLagDays
	}
	return DefaultChargeLagDays
}

// CodeIndex returns the index that judges codes: s.Codes, else the stored
// code sets (the built-in ones for kinds none is stored of), loaded once.
func (s *Service) CodeIndex(ctx context.Context) (*codeset.Index, error) {
	s.codesMu.Lock()
	defer s.codesMu.Unlock()
	if s.Codes != nil {
		return s.Codes, nil
	}
	cs, ok := s.Store.(codeset.Store)
	if !ok {
		s.Codes = codeset.NewIndex(codeset.BuiltIn()...)
		return s.Codes, nil
	}
	ix, err := codeset.Load(ctx, cs)
	if err != nil {
		return nil, err
	}
	s.Codes = ix
	return ix, nil
}

// loadMidCycle fills f.Mid.
func (s *Service) loadMidCycle(ctx context.Context, f *Facts) error {
	m := &f.Mid
	var err error
	if m.Codes, err = s.CodeIndex(ctx); err != nil {
		return err
	}
	v, plan, err := s.Store.Encounter(ctx, f.Case.ID)
	switch {
	case err == nil:
		m.Visit, m.Plan = &v, plan
	case claimgate.ErrorKind(err) != claimgate.NotFound:
		return err
	}
	if m.Notes, err = s.Store.Notes(ctx, f.Case.ID); err != nil {
		return err
	}
	if m.DocRules, err = s.Store.DocRequirements(ctx); err != nil {
		return err
	}
	if m.Charges, err = s.Store.ChargeLines(ctx, f.Case.ID); err != nil {
		return err
	}
	if m.Diagnoses, err = s.Store.Diagnoses(ctx, f.Case.ID); err != nil {
		return err
	}
	items, err := s.Store.ChargeItems(ctx)
	if err != nil {
		return err
	}
	m.Chargemaster = make(map[string]claimgate.ChargeItem, len(items))
	for _, it := range items {
		m.Chargemaster[it.Code] = it
	}
	if cov, ok := f.Primary(); ok {
		if m.Coverage, err = s.Store.CoverageRules(ctx, cov.PayerID); err != nil {
			return err
		}
	}
	return nil
}

func need(u *claimgate.User, what string, roles ...claimgate.Role) error {
	for _, r := range roles {
		if u.Has(r) {
			return nil
		}
	}
	if u.Has(claimgate.Manager) {
		return nil
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return claimgate.Errorf(claimgate.Forbidden, "%s needs the %s or manager role", what, strings.Join(names, ", "))
}

// midCycleCase returns the case, which must be in the mid-cycle: charges,
// notes and codes are captured there and nowhere later.
func (s *Service) midCycleCase(ctx context.Context, caseID int64, what string) (claimgate.Case, error) {
	c, err := s.Store.Case(ctx, caseID)
	if err != nil {
		return c, err
	}
	if c.Stage.Zone() != claimgate.MidCycle {
		return c, claimgate.Errorf(claimgate.Conflict, "case %d is at %s: %s happens in the mid-cycle (encounter, documentation, coding)", c.ID, c.Stage, what)
	}
	return c, nil
}

// normProc returns a procedure code in canonical form, or an Invalid error.
func normProc(field, code string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if _, ok := codeset.Normalize(ProcKind(c), c); !ok {
		return "", claimgate.Errorf(claimgate.Invalid, "%s: %q is not a CPT (5 digits, or 4 digits and F, T, U or M) or HCPCS (a letter A-V and 4 digits) code", field, code)
	}
	return c, nil
}

// PlanInput is what the front desk records from the schedule.
type PlanInput struct {
	ScheduledAt time.Time
	Items       []claimgate.PlanItem
}

// PlanEncounter records a case's encounter from the schedule: when, and the
// services, orders and supplies planned (front desk).
func (s *Service) PlanEncounter(ctx context.Context, actor *claimgate.User, caseID int64, in PlanInput) (claimgate.Visit, []claimgate.PlanItem, error) {
	if err := need(actor, "recording the encounter plan", claimgate.FrontDesk, claimgate.Clinician); err != nil {
		return claimgate.Visit{}, nil, err
	}
	var bad []string
	for i := range in.Items {
		it := &in.Items[i]
		c, err := normProc(fmt.Sprintf("items[%d].code", i), it.Code)
		if err != nil {
			bad = append(bad, claimgate.ErrorMessage(err))
		}
		it.Code = c
		if it.Units < 0 {
			bad = append(bad, fmt.Sprintf("items[%d].units: want 1 or more", i))
		}
	}
	if len(bad) > 0 {
		return claimgate.Visit{}, nil, &claimgate.Error{Kind: claimgate.Invalid, Msg: "plan not recorded: " + strings.Join(bad, "; "), Details: bad}
	}
	v := claimgate.Visit{CaseID: caseID, Status: claimgate.Scheduled, ScheduledAt: in.ScheduledAt, UpdatedAt: s.now()}
	if err := s.Store.PlanEncounter(ctx, &v, in.Items, actor.ID); err != nil {
		return claimgate.Visit{}, nil, fmt.Errorf("plan encounter: %w", err)
	}
	return v, in.Items, nil
}

// AddOrder adds an order or supply written during the visit to the plan, so
// that charge capture accounts for it (clinician).
func (s *Service) AddOrder(ctx context.Context, actor *claimgate.User, caseID int64, it claimgate.PlanItem) (claimgate.PlanItem, error) {
	if err := need(actor, "adding an order", claimgate.Clinician); err != nil {
		return it, err
	}
	if _, err := s.midCycleCase(ctx, caseID, "ordering"); err != nil {
		return it, err
	}
	c, err := normProc("code", it.Code)
	if err != nil {
		return it, err
	}
	it.Code, it.CaseID = c, caseID
	if it.Kind == "" {
		it.Kind = claimgate.PlannedOrder
	}
	return it, s.Store.AddPlanItem(ctx, &it, actor.ID)
}

// CheckIn records the patient's arrival (front desk).
func (s *Service) CheckIn(ctx context.Context, actor *claimgate.User, caseID int64) error {
	return s.visitStep(ctx, actor, caseID, claimgate.CheckedIn)
}

// CheckOut records the end of the visit (front desk).
func (s *Service) CheckOut(ctx context.Context, actor *claimgate.User, caseID int64) error {
	return s.visitStep(ctx, actor, caseID, claimgate.CheckedOut)
}

func (s *Service) visitStep(ctx context.Context, actor *claimgate.User, caseID int64, to claimgate.VisitStatus) error {
	if err := need(actor, "checking a patient in or out", claimgate.FrontDesk); err != nil {
		return err
	}
	v, _, err := s.Store.Encounter(ctx, caseID)
	if err != nil {
		return err
	}
	now := s.now()
	switch {
	case to == claimgate.CheckedIn && v.Status == claimgate.Scheduled:
		v.CheckIn = now
	case to == claimgate.CheckedOut && v.Status == claimgate.CheckedIn:
		v.CheckOut = now
	default:
		return claimgate.Errorf(claimgate.Conflict, "the encounter is %s: it cannot become %s", v.Status, to)
	}
	v.Status, v.UpdatedAt = to, now
	return s.Store.UpdateEncounter(ctx, v, actor.ID, strings.ReplaceAll(string(to), "_", " "))
}

// CheckCancel is the rule of the cancelled move (encounter → closed): the
// encounter records a no-show or cancellation with its reason, no service
// was rendered (no charge line counts) and no claim exists. With nothing
// billed there is nothing for Close-Ready to check.
func CheckCancel(f *Facts) Result {
	m := &f.Mid
	var bad []string
	switch {
	case m.Visit == nil:
		bad = append(bad, "no encounter is recorded")
	case m.Visit.Status != claimgate.NoShow && m.Visit.Status != claimgate.Cancelled:
		bad = append(bad, fmt.Sprintf("the encounter is %s, not a no-show or cancellation", m.Visit.Status))
	case strings.TrimSpace(m.Visit.CancelReason) == "":
		bad = append(bad, "no reason is recorded")
	}
	if n := len(m.ActiveCharges()); n > 0 {
		bad = append(bad, fmt.Sprintf("%d charge line(s) say a service was rendered: void them first", n))
	}
	if len(f.Claims) > 0 {
		bad = append(bad, fmt.Sprintf("%d claim(s) exist", len(f.Claims)))
	}
	if len(bad) > 0 {
		return fail("%s", strings.Join(bad, "; "))
	}
	return pass(fmt.Sprintf("%s recorded (%s); no service rendered, no claim", strings.ReplaceAll(string(m.Visit.Status), "_", "-"), m.Visit.CancelReason))
}

// CloseUnrendered records a no-show or cancellation and closes the case
// without a claim, in one transaction (front desk). The case must be at the
// encounter stage; the rule is CheckCancel.
func (s *Service) CloseUnrendered(ctx context.Context, actor *claimgate.User, caseID int64, status claimgate.VisitStatus, reason string) (claimgate.Event, error) {
	if err := need(actor, "recording a no-show or cancellation", claimgate.FrontDesk); err != nil {
		return claimgate.Event{}, err
	}
	if status != claimgate.NoShow && status != claimgate.Cancelled {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Invalid, "status: want no_show or cancelled, not %q", status)
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Invalid, "reason: say why the visit did not happen")
	}
	f, err := s.Facts(ctx, caseID)
	if err != nil {
		return claimgate.Event{}, err
	}
	if f.Case.Stage != claimgate.Encounter {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Conflict, "case %d is at %s: a no-show or cancellation closes a case at encounter", caseID, f.Case.Stage)
	}
	if f.Mid.Visit == nil {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Conflict, "case %d has no encounter plan to record a %s on", caseID, status)
	}
	if f.Mid.Visit.Status == claimgate.CheckedOut {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Conflict, "the patient was checked out: the visit happened")
	}
	v := *f.Mid.Visit
	v.Status, v.CancelReason = status, reason
	f.Mid.Visit = &v
	if r := CheckCancel(f); r.Status != Pass {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Conflict, "case %d cannot close as %s: %s", caseID, status, r.Why)
	}
	m := claimgate.CaseMove{CaseID: caseID, From: claimgate.Encounter, To: claimgate.Closed, Kind: claimgate.Cancel,
		Actor: actor.ID, Reason: strings.ReplaceAll(string(status), "_", "-") + ": " + reason, At: s.now()}
	ev, err := s.Store.CloseUnrendered(ctx, v, m)
	if err != nil {
		return claimgate.Event{}, fmt.Errorf("close case %d unrendered: %w", caseID, err)
	}
	return ev, nil
}

// NoteInput is a clinician's note.
type NoteInput struct {
	ServiceType claimgate.ServiceType
	Elements    []claimgate.Element
	Text        string
}

func (in NoteInput) check() error {
	var bad []string
	if !in.ServiceType.Valid() {
		bad = append(bad, fmt.Sprintf("service_type: unknown %q", in.ServiceType))
	}
	for _, e := range in.Elements {
		if !e.Valid() {
			bad = append(bad, fmt.Sprintf("elements: unknown %q", e))
		}
	}
	if len(bad) > 0 {
		return &claimgate.Error{Kind: claimgate.Invalid, Msg: "note not saved: " + strings.Join(bad, "; "), Details: bad}
	}
	return nil
}

// WriteNote stores a draft note by the actor (clinician). It opens an item
// in the author's unsigned-notes queue, which ages until the note is signed.
func (s *Service) WriteNote(ctx context.Context, actor *claimgate.User, caseID int64, in NoteInput) (claimgate.Note, error) {
	if err := need(actor, "writing a note", claimgate.Clinician); err != nil {
		return claimgate.Note{}, err
	}
	if err := in.check(); err != nil {
		return claimgate.Note{}, err
	}
	c, err := s.midCycleCase(ctx, caseID, "documentation")
	if err != nil {
		return claimgate.Note{}, err
	}
	now := s.now()
	n := &claimgate.Note{CaseID: caseID, ServiceType: in.ServiceType, AuthorID: actor.ID, Elements: in.Elements,
		Text: strings.TrimSpace(in.Text), CreatedAt: now, UpdatedAt: now}
	w := &claimgate.WorkItem{Stage: c.Stage, Queue: UnsignedNotesQueue, OwnerID: actor.ID, Due: now.Add(DefaultDue),
		Reason: fmt.Sprintf("sign your %s note for the %s visit", serviceTitle(in.ServiceType), c.ServiceDate),
		Status: claimgate.WorkOpen, CreatedAt: now, UpdatedAt: now}
	if err := s.Store.CreateNote(ctx, n, w, actor.ID); err != nil {
		return claimgate.Note{}, fmt.Errorf("write note: %w", err)
	}
	return *n, nil
}

// UpdateNote changes a draft note; only its author may.
func (s *Service) UpdateNote(ctx context.Context, actor *claimgate.User, id int64, in NoteInput) (claimgate.Note, error) {
	n, err := s.Store.Note(ctx, id)
	if err != nil {
		return n, err
	}
	if n.AuthorID != actor.ID {
		return n, claimgate.Errorf(claimgate.Forbidden, "only the note's author may change it")
	}
	if err := in.check(); err != nil {
		return n, err
	}
	n.ServiceType, n.Elements, n.Text, n.UpdatedAt = in.ServiceType, in.Elements, strings.TrimSpace(in.Text), s.now()
	if err := s.Store.UpdateNote(ctx, n, actor.ID); err != nil {
		return n, err
	}
	return s.Store.Note(ctx, id)
}

// SignNote signs a draft note; its author, a clinician, signs it.
func (s *Service) SignNote(ctx context.Context, actor *claimgate.User, id int64) (claimgate.Note, error) {
	if err := need(actor, "signing a note", claimgate.Clinician); err != nil {
		return claimgate.Note{}, err
	}
	n, err := s.Store.Note(ctx, id)
	if err != nil {
		return n, err
	}
	if n.AuthorID != actor.ID {
		return n, claimgate.Errorf(claimgate.Forbidden, "only the note's author signs it")
	}
	if err := s.Store.SignNote(ctx, id, actor.ID, s.now()); err != nil {
		return n, err
	}
	return s.Store.Note(ctx, id)
}

// ChargeInput is one charge line as entered.
type ChargeInput struct {
	Code       string
	Modifiers  []string
	Units      int
	DxPointers []int
}

// AddCharge captures a charge line (coder or clinician). The amount is the
// chargemaster price times the units; the charge lag is recorded. A line
// entered later than the threshold puts the case in the charge_lag queue.
func (s *Service) AddCharge(ctx context.Context, actor *claimgate.User, caseID int64, in ChargeInput) (claimgate.ChargeLine, error) {
	if err := need(actor, "entering charges", claimgate.Coder, claimgate.Clinician); err != nil {
		return claimgate.ChargeLine{}, err
	}
	var bad []string
	code, err := normProc("code", in.Code)
	if err != nil {
		bad = append(bad, claimgate.ErrorMessage(err))
	}
	if in.Units < 1 {
		bad = append(bad, "units: want 1 or more")
	}
	var mods []string
	for _, m := range in.Modifiers {
		m = strings.ToUpper(strings.TrimSpace(m))
		if m == "" {
			continue
		}
		if _, ok := codeset.Normalize(codeset.Modifier, m); !ok {
			bad = append(bad, fmt.Sprintf("modifiers: %q is not 2 letters or digits", m))
		}
		mods = append(mods, m)
	}
	if len(mods) > 4 {
		bad = append(bad, "modifiers: at most 4")
	}
	var item claimgate.ChargeItem
	if code != "" {
		if item, err = s.Store.ChargeItem(ctx, code); err != nil {
			if claimgate.ErrorKind(err) != claimgate.NotFound {
				return claimgate.ChargeLine{}, err
			}
			bad = append(bad, fmt.Sprintf("code: %s is not in the chargemaster: add it there first", code))
		}
	}
	if len(bad) > 0 {
		return claimgate.ChargeLine{}, &claimgate.Error{Kind: claimgate.Invalid, Msg: "charge not captured: " + strings.Join(bad, "; "), Details: bad}
	}
	c, err := s.midCycleCase(ctx, caseID, "charge capture")
	if err != nil {
		return claimgate.ChargeLine{}, err
	}
	now := s.now()
	l := claimgate.ChargeLine{CaseID: caseID, Code: code, Modifiers: mods, Units: in.Units, DxPointers: in.DxPointers,
		Amount: item.Price * claimgate.Money(in.Units), ServiceDate: c.ServiceDate, EnteredBy: actor.ID, EnteredAt: now}
	if err := s.Store.AddChargeLine(ctx, &l, actor.ID); err != nil {
		return claimgate.ChargeLine{}, fmt.Errorf("add charge: %w", err)
	}
	if l.LagDays > s.lagDays() {
		if err := s.flagLag(ctx, c, actor.ID, fmt.Sprintf("line %d (%s) entered %d days after the date of service (threshold %d)", l.Line, l.Code, l.LagDays, s.lagDays())); err != nil {
			return l, err
		}
	}
	return l, nil
}

// flagLag opens the case's charge_lag item unless one is open.
func (s *Service) flagLag(ctx context.Context, c claimgate.Case, actor int64, why string) error {
	open, err := s.Store.WorkItems(ctx, claimgate.WorkFilter{CaseID: c.ID, Queue: ChargeLagQueue, Status: claimgate.WorkOpen})
	if err != nil || len(open) > 0 {
		return err
	}
	owner, err := s.Assign(ctx, ChargeLagQueue, claimgate.Coder)
	if err != nil {
		return err
	}
	now := s.now()
	w := &claimgate.WorkItem{CaseID: c.ID, Stage: c.Stage, Queue: ChargeLagQueue, Reason: "charge lag: " + why,
		OwnerID: owner, Due: now.Add(24 * time.Hour), Status: claimgate.WorkOpen, CreatedAt: now, UpdatedAt: now}
	return s.Store.CreateWorkItem(ctx, w, actor)
}

// VoidCharge voids a charge line with a reason (coder or clinician).
func (s *Service) VoidCharge(ctx context.Context, actor *claimgate.User, caseID, lineID int64, reason string) error {
	if err := need(actor, "voiding charges", claimgate.Coder, claimgate.Clinician); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return claimgate.Errorf(claimgate.Invalid, "reason: say why the line is voided")
	}
	if _, err := s.midCycleCase(ctx, caseID, "charge capture"); err != nil {
		return err
	}
	lines, err := s.Store.ChargeLines(ctx, caseID)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if l.ID == lineID {
			return s.Store.VoidChargeLine(ctx, lineID, actor.ID, strings.TrimSpace(reason), s.now())
		}
	}
	return claimgate.Errorf(claimgate.NotFound, "case %d has no charge line %d", caseID, lineID)
}

// SetDiagnoses replaces the case's ordered ICD-10-CM codes (coder or
// clinician). A code must be well formed; whether it is valid and billable
// on the date of service is the Coding-Ready gate's to say.
func (s *Service) SetDiagnoses(ctx context.Context, actor *claimgate.User, caseID int64, codes []string) ([]claimgate.Diagnosis, error) {
	if err := need(actor, "coding diagnoses", claimgate.Coder, claimgate.Clinician); err != nil {
		return nil, err
	}
	var bad, canon []string
	for i, c := range codes {
		n, ok := codeset.Normalize(codeset.ICD10CM, c)
		if !ok {
			bad = append(bad, fmt.Sprintf("diagnoses[%d]: %q is not an ICD-10-CM code", i, c))
			continue
		}
		if len(canon) == 12 {
			bad = append(bad, "diagnoses: at most 12 on a claim")
			break
		}
		canon = append(canon, n)
	}
	if len(bad) > 0 {
		return nil, &claimgate.Error{Kind: claimgate.Invalid, Msg: "diagnoses not saved: " + strings.Join(bad, "; "), Details: bad}
	}
	if _, err := s.midCycleCase(ctx, caseID, "coding"); err != nil {
		return nil, err
	}
	if err := s.Store.SetDiagnoses(ctx, caseID, canon, actor.ID, s.now()); err != nil {
		return nil, err
	}
	return s.Store.Diagnoses(ctx, caseID)
}

// LagRow is one encounter on the charge-lag list.
type LagRow struct {
	Case       claimgate.Case
	DaysSince  int // days from the date of service to today
	Lines      int // active charge lines
	MaxLag     int // the largest lag of its lines
	NoCharges  bool
	Late       bool // past the threshold
	OpenLagJob bool // a charge_lag work item is open
}

// ChargeLag lists mid-cycle encounters with their charge lag, the late ones
// (a line entered after the threshold, or no charge yet past it) first.
func (s *Service) ChargeLag(ctx context.Context) ([]LagRow, int, error) {
	today := claimgate.DateOf(s.now())
	var out []LagRow
	for _, st := range []claimgate.Stage{claimgate.Encounter, claimgate.Documentation, claimgate.Coding} {
		cases, err := s.Store.Cases(ctx, claimgate.CaseFilter{Stage: st})
		if err != nil {
			return nil, 0, err
		}
		for _, c := range cases {
			lines, err := s.Store.ChargeLines(ctx, c.ID)
			if err != nil {
				return nil, 0, err
			}
			r := LagRow{Case: c, DaysSince: c.ServiceDate.DaysUntil(today)}
			if r.DaysSince < 0 {
				continue // not yet seen
			}
			for _, l := range lines {
				if l.Active() {
					r.Lines++
					r.MaxLag = max(r.MaxLag, l.LagDays)
				}
			}
			r.NoCharges = r.Lines == 0
			r.Late = r.MaxLag > s.lagDays() || (r.NoCharges && r.DaysSince > s.lagDays())
			open, err := s.Store.WorkItems(ctx, claimgate.WorkFilter{CaseID: c.ID, Queue: ChargeLagQueue, Status: claimgate.WorkOpen})
			if err != nil {
				return nil, 0, err
			}
			r.OpenLagJob = len(open) > 0
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Late != out[j].Late {
			return out[i].Late
		}
		return out[i].DaysSince > out[j].DaysSince
	})
	return out, s.lagDays(), nil
}

// SweepChargeLag opens a charge_lag item for every mid-cycle encounter with
// no charge past the threshold, and returns how many it opened.
func (s *Service) SweepChargeLag(ctx context.Context, actor *claimgate.User) (int, error) {
	rows, _, err := s.ChargeLag(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rows {
		if !r.Late || r.OpenLagJob || !r.NoCharges {
			continue
		}
		if err := s.flagLag(ctx, r.Case, actor.ID, fmt.Sprintf("no charge captured %d days after the date of service (threshold %d)", r.DaysSince, s.lagDays())); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// MissingRow is one planned item of a mid-cycle case with no charge.
type MissingRow struct {
	Case claimgate.Case
	Item claimgate.PlanItem
}

// MissingCharges lists the planned services, orders and supplies of
// mid-cycle encounters that were rendered and have no charge.
func (s *Service) MissingCharges(ctx context.Context) ([]MissingRow, error) {
	var out []MissingRow
	for _, st := range []claimgate.Stage{claimgate.Encounter, claimgate.Documentation, claimgate.Coding} {
		cases, err := s.Store.Cases(ctx, claimgate.CaseFilter{Stage: st})
		if err != nil {
			return nil, err
		}
		for _, c := range cases {
			v, plan, err := s.Store.Encounter(ctx, c.ID)
			if claimgate.ErrorKind(err) == claimgate.NotFound {
				continue
			}
			if err != nil {
				return nil, err
			}
			if !v.Status.Rendered() {
				continue
			}
			lines, err := s.Store.ChargeLines(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			charged := map[string]int{}
			for _, l := range lines {
				if l.Active() {
					charged[l.Code] += l.Units
				}
			}
			for _, it := range plan {
				if charged[it.Code] >= it.Units {
					charged[it.Code] -= it.Units
					continue
				}
				out = append(out, MissingRow{Case: c, Item: it})
				charged[it.Code] = 0
			}
		}
	}
	return out, nil
}

// CodingRow is one case in the coder's queue: its documentation beside its
// codes, and the Coding-Ready report.
type CodingRow struct {
	Facts  *Facts
	Report Report
}

// CodingQueue returns the cases at the coding stage with what the coder
// needs on one screen.
func (s *Service) CodingQueue(ctx context.Context) ([]CodingRow, error) {
	cases, err := s.Store.Cases(ctx, claimgate.CaseFilter{Stage: claimgate.Coding})
	if err != nil {
		return nil, err
	}
	var out []CodingRow
	for _, c := range cases {
		f, err := s.Facts(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, CodingRow{Facts: f, Report: Evaluate(CodingReady, f)})
	}
	return out, nil
}

// ChargeLagThreshold returns the charge-lag threshold in days.
func (s *Service) ChargeLagThreshold() int { return s.lagDays() }
