package workflow

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/codeset"
)

// The Coding-Ready gate's checks (SOP mid-cycle checklist), each over the
// case's mid-cycle facts. Every failure names what and where: the note, the
// line, the code, the plan item.

// MidCycle is what the Coding-Ready checks read about a case, loaded by
// Service.Facts.
type MidCycle struct {
	Codes        *codeset.Index
	Visit        *claimgate.Visit // nil: no encounter recorded
	Plan         []claimgate.PlanItem
	Notes        []claimgate.Note
	DocRules     []claimgate.DocRequirement
	Charges      []claimgate.ChargeLine // voided ones too
	Diagnoses    []claimgate.Diagnosis
	Chargemaster map[string]claimgate.ChargeItem
	Coverage     []claimgate.CoverageRule // the primary payer's
}

var builtinIndex = sync.OnceValue(func() *codeset.Index { return codeset.NewIndex(codeset.BuiltIn()...) })

// codes returns the index that judges codes: m.Codes, or the built-in sets.
func (m *MidCycle) codes() *codeset.Index {
	if m.Codes != nil {
		return m.Codes
	}
	return builtinIndex()
}

// ActiveCharges returns the lines that count.
func (m *MidCycle) ActiveCharges() []claimgate.ChargeLine {
	var out []claimgate.ChargeLine
	for _, l := range m.Charges {
		if l.Active() {
			out = append(out, l)
		}
	}
	return out
}

// ProcKind returns the code set a procedure code belongs to: HCPCS Level II
// for a letter and four digits, CPT otherwise.
func ProcKind(code string) codeset.Kind {
	if code != "" && code[0] >= 'A' && code[0] <= 'Z' {
		return codeset.HCPCS
	}
	return codeset.CPT
}

// procName writes a code as a coder says it: "CPT 99213", "HCPCS A4550".
func procName(code string) string { return ProcKind(code).Title() + " " + code }

func dxName(code string) string { return codeset.Display(codeset.ICD10CM, code) }

func elementTitles(els []claimgate.Element) string {
	var s []string
	for _, e := range els {
		s = append(s, e.Title())
	}
	return strings.Join(s, " or ")
}

func serviceTitle(st claimgate.ServiceType) string { return strings.ReplaceAll(string(st), "_", " ") }

// noteSummary names a note: "note 12 (office visit)".
func noteSummary(n claimgate.Note) string {
	return fmt.Sprintf("note %d (%s)", n.ID, serviceTitle(n.ServiceType))
}

// lineService returns the service type of a line from the chargemaster.
func (m *MidCycle) lineService(l claimgate.ChargeLine) (claimgate.ServiceType, bool) {
	it, ok := m.Chargemaster[l.Code]
	return it.ServiceType, ok
}

func (m *MidCycle) rulesFor(st claimgate.ServiceType) []claimgate.DocRequirement {
	var out []claimgate.DocRequirement
	for _, r := range m.DocRules {
		if r.ServiceType == st {
			out = append(out, r)
		}
	}
	return out
}

// checkDocumentationSigned: every note is signed, and every documented
// service type billed on a line has a signed note of that type.
func checkDocumentationSigned(f *Facts) Result {
	m := &f.Mid
	if len(m.Notes) == 0 {
		return fail("no encounter documentation is recorded")
	}
	var bad []string
	signed := map[claimgate.ServiceType]bool{}
	for _, n := range m.Notes {
		if n.Status != claimgate.NoteSigned {
			bad = append(bad, fmt.Sprintf("%s is unsigned, %s old", noteSummary(n), ageDays(f.Now.Sub(n.CreatedAt))))
			continue
		}
		signed[n.ServiceType] = true
	}
	for _, l := range m.ActiveCharges() {
		st, ok := m.lineService(l)
		if !ok || len(m.rulesFor(st)) == 0 || signed[st] {
			continue
		}
		bad = append(bad, fmt.Sprintf("line %d: %s is a %s service with no signed %s note", l.Line, procName(l.Code), serviceTitle(st), serviceTitle(st)))
	}
	if len(bad) > 0 {
		return fail("%s", strings.Join(bad, "; "))
	}
	return pass(fmt.Sprintf("%d note(s) signed; every documented service billed has its signed note", len(m.Notes)))
}

// checkRequiredElements: each note holds its service type's required
// elements (as data: DocRequirements).
func checkRequiredElements(f *Facts) Result {
	m := &f.Mid
	if len(m.Notes) == 0 {
		return fail("no documentation to check for the service type's required elements")
	}
	var bad []string
	checked := 0
	for _, n := range m.Notes {
		rules := m.rulesFor(n.ServiceType)
		if len(rules) == 0 {
			continue
		}
		checked++
		var missing []string
		for _, r := range rules {
			if !r.Met(n.Elements) {
				missing = append(missing, r.Label)
			}
		}
		if len(missing) > 0 {
			bad = append(bad, fmt.Sprintf("%s lacks %s", noteSummary(n), strings.Join(missing, ", ")))
		}
	}
	if len(bad) > 0 {
		return fail("%s", strings.Join(bad, "; "))
	}
	if checked == 0 {
		return pass("no documentation requirements are set for these notes' service types")
	}
	return pass(fmt.Sprintf("%d note(s) hold every element their service type requires", checked))
}

// checkChargeCapture: every planned service, order and supply has a charge
// for its units.
func checkChargeCapture(f *Facts) Result {
	m := &f.Mid
	if m.Visit == nil {
		return fail("no encounter plan (scheduled services, orders, supplies) is recorded to compare charges with")
	}
	if m.Visit.Status == claimgate.NoShow || m.Visit.Status == claimgate.Cancelled {
		return fail("the encounter is recorded as %s: no service was rendered (close the case instead)", strings.ReplaceAll(string(m.Visit.Status), "_", "-"))
	}
	charged := map[string]int{}
	active := m.ActiveCharges()
	for _, l := range active {
		charged[l.Code] += l.Units
	}
	if len(active) == 0 {
		return fail("no charges are captured (%d planned item(s))", len(m.Plan))
	}
	planned := map[string]int{}
	var bad []string
	for _, it := range m.Plan {
		planned[it.Code] += it.Units
		what := fmt.Sprintf("%s %s", planWord(it.Kind), procName(it.Code))
		if it.Note != "" {
			what += " (" + it.Note + ")"
		}
		switch have := charged[it.Code] - (planned[it.Code] - it.Units); {
		case have <= 0:
			bad = append(bad, "missing charge for "+what)
		case have < it.Units:
			bad = append(bad, fmt.Sprintf("%s: %d unit(s) planned, %d charged", what, it.Units, have))
		}
	}
	if len(bad) > 0 {
		return fail("%s", strings.Join(bad, "; "))
	}
	return pass(fmt.Sprintf("%d planned item(s), each charged; %d line(s) captured", len(m.Plan), len(active)))
}

func planWord(k claimgate.PlanKind) string {
	switch k {
	case claimgate.PlannedOrder:
		return "ordered"
	case claimgate.PlannedSupply:
		return "planned supply"
	}
	return "scheduled service"
}

// ptpModifiers are the NCCI PTP-associated modifiers that may bypass an
// edit whose modifier indicator is 1.
var ptpModifiers = []string{"59", "XE", "XP", "XS", "XU", "25", "91", "LT", "RT", "24", "57", "58", "78", "79", "27", "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LC", "LD", "RC", "LM", "RI"}

// checkCodingSupported: every line's code and modifiers are valid on the
// date of service, every line points to valid, billable diagnoses, and no
// NCCI PTP or MUE edit is violated.
func checkCodingSupported(f *Facts) Result {
	m := &f.Mid
	active := m.ActiveCharges()
	if len(active) == 0 {
		return fail("no coded lines with diagnosis pointers are recorded")
	}
	if len(m.Diagnoses) == 0 {
		return fail("no diagnoses are coded for the %d line(s)", len(active))
	}
	dos := f.Case.ServiceDate
	var bad []string
	dxOK := make([]bool, len(m.Diagnoses))
	for i, d := range m.Diagnoses {
		r := m.codes().Validate(codeset.ICD10CM, d.Code, dos)
		dxOK[i] = r.OK()
		if !r.OK() {
			bad = append(bad, fmt.Sprintf("diagnosis %d: %s", d.Rank, r.Message()))
		}
	}
	for _, l := range active {
		name := fmt.Sprintf("line %d: %s", l.Line, procName(l.Code))
		kind := ProcKind(l.Code)
		if r := m.codes().Validate(kind, l.Code, dos); !r.OK() {
			bad = append(bad, fmt.Sprintf("line %d: %s", l.Line, r.Message()))
		} else if _, ok := m.Chargemaster[l.Code]; !ok && kind == codeset.CPT {
			bad = append(bad, name+" is not in the chargemaster (CPT codes are checked against the practice's own tables)")
		}
		for _, mod := range l.Modifiers {
			if r := m.codes().Validate(codeset.Modifier, mod, dos); !r.OK() {
				bad = append(bad, fmt.Sprintf("%s: %s", name, r.Message()))
			}
		}
		if len(l.DxPointers) == 0 {
			bad = append(bad, name+" has no diagnosis pointer")
		}
		if len(l.DxPointers) > 4 {
			bad = append(bad, fmt.Sprintf("%s has %d diagnosis pointers; a claim line takes at most 4", name, len(l.DxPointers)))
		}
		for _, p := range l.DxPointers {
			switch {
			case p < 1 || p > len(m.Diagnoses):
				bad = append(bad, fmt.Sprintf("%s points to diagnosis %d, which does not exist", name, p))
			case !dxOK[p-1]:
				bad = append(bad, fmt.Sprintf("%s points to diagnosis %d (%s), which is not valid and billable on %s", name, p, dxName(m.Diagnoses[p-1].Code), dos))
			}
		}
	}
	// NCCI procedure-to-procedure edits between the lines of the date of service.
	for i := range active {
		for j := i + 1; j < len(active); j++ {
			a, b := active[i], active[j]
			e, ok := m.codes().PTPEdit(a.Code, b.Code, dos)
			if !ok {
				continue
			}
			col2 := b
			if e.Column2 == a.Code {
				col2 = a
			}
			if e.ModifierAllowed() && slices.ContainsFunc(col2.Modifiers, func(mod string) bool { return slices.Contains(ptpModifiers, mod) }) {
				continue
			}
			why := "no modifier bypasses it"
			if e.ModifierAllowed() {
				why = "line " + fmt.Sprint(col2.Line) + " has no NCCI-associated modifier (59, XE, XP, XS, XU...)"
			}
			bad = append(bad, fmt.Sprintf("lines %d and %d: NCCI PTP edit %s/%s — column 2 code %s is bundled into %s and %s", a.Line, b.Line, e.Column1, e.Column2, e.Column2, e.Column1, why))
		}
	}
	// Medically unlikely edits: units of a code per line (adjudication
	// indicator 1) or on the date of service (2 and 3).
	units := map[string]int{}
	var codes []string
	for _, l := range active {
		if _, seen := units[l.Code]; !seen {
			codes = append(codes, l.Code)
		}
		units[l.Code] += l.Units
		if lim, ok := m.codes().MUE(l.Code, dos); ok && lim.Adjudication == 1 && l.Units > lim.MaxUnits {
			bad = append(bad, fmt.Sprintf("line %d: %s: %d units exceed the MUE of %d per line (%s)", l.Line, procName(l.Code), l.Units, lim.MaxUnits, lim.Rationale))
		}
	}
	sort.Strings(codes)
	for _, c := range codes {
		if lim, ok := m.codes().MUE(c, dos); ok && lim.Adjudication != 1 && units[c] > lim.MaxUnits {
			bad = append(bad, fmt.Sprintf("%s: %d units exceed the MUE of %d per date of service (%s)", procName(c), units[c], lim.MaxUnits, lim.Rationale))
		}
	}
	if len(bad) > 0 {
		return fail("%s", strings.Join(bad, "; "))
	}
	return pass(fmt.Sprintf("%d line(s) and %d diagnosis code(s) valid on %s; pointers resolve; no NCCI PTP or MUE edit applies", len(active), len(m.Diagnoses), dos))
}

// checkMedicalNecessity: where the primary payer's coverage table has a
// rule for a line's service, the line points to a covered diagnosis.
func checkMedicalNecessity(f *Facts) Result {
	m := &f.Mid
	cov, ok := f.Primary()
	if !ok {
		return fail("no primary coverage: no payer rules to judge medical necessity by")
	}
	payer := f.Payers[cov.PayerID]
	active := m.ActiveCharges()
	if len(active) == 0 {
		return fail("no charge lines to judge against %s's coverage rules", payer.Name)
	}
	rules := map[string]claimgate.CoverageRule{}
	for _, r := range m.Coverage {
		rules[r.Code] = r
	}
	var bad []string
	strict := 0
	for _, l := range active {
		r, ok := rules[l.Code]
		if !ok {
			continue
		}
		strict++
		var pointed []string
		covered := false
		for _, p := range l.DxPointers {
			if p < 1 || p > len(m.Diagnoses) {
				continue
			}
			dx := m.Diagnoses[p-1].Code
			pointed = append(pointed, dxName(dx))
			if r.Covers(dx) {
				covered = true
			}
		}
		if covered {
			continue
		}
		var want []string
		for _, d := range r.Diagnoses {
			want = append(want, dxName(d))
		}
		points := "no diagnosis"
		if len(pointed) > 0 {
			points = strings.Join(pointed, ", ")
		}
		policy := ""
		if r.Policy != "" {
			policy = " (" + r.Policy + ")"
		}
		bad = append(bad, fmt.Sprintf("line %d: %s is covered by %s%s only for %s; the line points to %s", l.Line, procName(l.Code), payer.Name, policy, strings.Join(want, ", "), points))
	}
	if len(bad) > 0 {
		return fail("%s", strings.Join(bad, "; "))
	}
	if strict == 0 {
		return pass(fmt.Sprintf("%s has no coverage rules for these services", payer.Name))
	}
	return pass(fmt.Sprintf("%d line(s) under %s's coverage rules point to covered diagnoses", strict, payer.Name))
}

// ageDays formats an age in days: "3 days", "under a day".
func ageDays(d time.Duration) string {
	days := int(d.Hours() / 24)
	switch {
	case days < 1:
		return "under a day"
	case days == 1:
		return "1 day"
	}
	return fmt.Sprintf("%d days", days)
}
