package workflow

import (
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/codeset"
)

// goodMidFacts returns facts for which every Coding-Ready item passes: an
// office visit with a venous draw and an HbA1c for a diabetic patient, a
// planned tray, signed notes with their elements, valid codes and pointers,
// and a payer that covers HbA1c for diabetes only.
func goodMidFacts() *Facts {
	f := goodFacts()
	f.Case.Stage = claimgate.Coding
	dos := f.Case.ServiceDate
	at := dos.Time().Add(10 * time.Hour)
	f.Mid = MidCycle{
		Visit: &claimgate.Visit{CaseID: 7, Status: claimgate.CheckedOut},
		Plan: []claimgate.PlanItem{
			{ID: 1, Kind: claimgate.PlannedService, Code: "99213", Units: 1},
			{ID: 2, Kind: claimgate.PlannedOrder, Code: "83036", Units: 1},
			{ID: 3, Kind: claimgate.PlannedOrder, Code: "36415", Units: 1},
			{ID: 4, Kind: claimgate.PlannedSupply, Code: "A4550", Units: 1, Note: "tray"},
		},
		Notes: []claimgate.Note{
			{ID: 11, ServiceType: claimgate.OfficeVisit, Status: claimgate.NoteSigned, CreatedAt: at, SignedAt: at,
				Elements: []claimgate.Element{claimgate.ChiefComplaint, claimgate.TotalTime, claimgate.MDM}},
		},
		DocRules: []claimgate.DocRequirement{
			{ServiceType: claimgate.OfficeVisit, Label: "chief complaint", AnyOf: []claimgate.Element{claimgate.ChiefComplaint}},
			{ServiceType: claimgate.OfficeVisit, Label: "history and exam, or total time", AnyOf: []claimgate.Element{claimgate.HistoryExam, claimgate.TotalTime}},
			{ServiceType: claimgate.OfficeVisit, Label: "medical decision making", AnyOf: []claimgate.Element{claimgate.MDM}},
			{ServiceType: claimgate.Procedure, Label: "procedure note", AnyOf: []claimgate.Element{claimgate.ProcedureNote}},
			{ServiceType: claimgate.DME, Label: "signed order", AnyOf: []claimgate.Element{claimgate.Order}},
		},
		Charges: []claimgate.ChargeLine{
			{ID: 21, Line: 1, Code: "99213", Units: 1, DxPointers: []int{1, 2}, EnteredAt: at},
			{ID: 22, Line: 2, Code: "83036", Units: 1, DxPointers: []int{1}, EnteredAt: at},
			{ID: 23, Line: 3, Code: "36415", Units: 1, DxPointers: []int{1}, EnteredAt: at},
			{ID: 24, Line: 4, Code: "A4550", Units: 1, DxPointers: []int{2}, EnteredAt: at},
		},
		Diagnoses: []claimgate.Diagnosis{{Rank: 1, Code: "E119"}, {Rank: 2, Code: "I10"}},
		Chargemaster: map[string]claimgate.ChargeItem{
			"99213": {Code: "99213", ServiceType: claimgate.OfficeVisit},
			"83036": {Code: "83036", ServiceType: claimgate.Lab},
			"36415": {Code: "36415", ServiceType: claimgate.Lab},
			"A4550": {Code: "A4550", ServiceType: claimgate.Supply},
			"20610": {Code: "20610", ServiceType: claimgate.Procedure},
			"20605": {Code: "20605", ServiceType: claimgate.Procedure},
			"80053": {Code: "80053", ServiceType: claimgate.Lab},
			"80048": {Code: "80048", ServiceType: claimgate.Lab},
			"E0114": {Code: "E0114", ServiceType: claimgate.DME},
		},
		Coverage: []claimgate.CoverageRule{{PayerID: 9, Code: "83036", Diagnoses: []string{"E11", "R73"}, Policy: "synthetic NCD 190.21"}},
	}
	return f
}

func addLine(f *Facts, l claimgate.ChargeLine) {
	l.Line = len(f.Mid.Charges) + 1
	l.ID = int64(20 + l.Line)
	f.Mid.Charges = append(f.Mid.Charges, l)
}

func TestCodingReadyChecks(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *Facts)
		item   string
		want   Status
		whyHas string
	}{
		// Documentation signed and complete.
		{"signed", func(*Facts) {}, "documentation_signed", Pass, "1 note(s) signed"},
		{"no notes", func(f *Facts) { f.Mid.Notes = nil }, "documentation_signed", Fail, "no encounter documentation"},
		{"unsigned note ages", func(f *Facts) {
			f.Mid.Notes[0].Status = claimgate.NoteDraft
			f.Mid.Notes[0].CreatedAt = f.Now.Add(-73 * time.Hour)
		}, "documentation_signed", Fail, "note 11 (office visit) is unsigned, 3 days old"},
		{"procedure billed without its note", func(f *Facts) {
			addLine(f, claimgate.ChargeLine{Code: "20610", Units: 1, DxPointers: []int{1}})
		}, "documentation_signed", Fail, "line 5: CPT 20610 is a procedure service with no signed procedure note"},
		{"lab needs no note of its own", func(f *Facts) { f.Mid.DocRules = f.Mid.DocRules[:3] }, "documentation_signed", Pass, "signed"},

		// Required elements for the service type.
		{"elements present", func(*Facts) {}, "required_elements", Pass, "1 note(s) hold every element"},
		{"no documentation", func(f *Facts) { f.Mid.Notes = nil }, "required_elements", Fail, "no documentation"},
		{"history/exam or time missing, and MDM", func(f *Facts) {
			f.Mid.Notes[0].Elements = []claimgate.Element{claimgate.ChiefComplaint}
		}, "required_elements", Fail, "note 11 (office visit) lacks history and exam, or total time, medical decision making"},
		{"history and exam serves instead of time", func(f *Facts) {
			f.Mid.Notes[0].Elements = []claimgate.Element{claimgate.ChiefComplaint, claimgate.HistoryExam, claimgate.MDM}
		}, "required_elements", Pass, "every element"},
		{"DME without an order", func(f *Facts) {
			f.Mid.Notes = append(f.Mid.Notes, claimgate.Note{ID: 12, ServiceType: claimgate.DME, Status: claimgate.NoteSigned})
		}, "required_elements", Fail, "note 12 (dme) lacks signed order"},
		{"no rules for the type", func(f *Facts) { f.Mid.DocRules = nil }, "required_elements", Pass, "no documentation requirements are set"},

		// Charge capture complete.
		{"every planned item charged", func(*Facts) {}, "charge_capture", Pass, "4 planned item(s), each charged"},
		{"no plan", func(f *Facts) { f.Mid.Visit = nil }, "charge_capture", Fail, "no encounter plan"},
		{"no-show", func(f *Facts) { f.Mid.Visit.Status = claimgate.NoShow }, "charge_capture", Fail, "recorded as no-show"},
		{"no charges", func(f *Facts) { f.Mid.Charges = nil }, "charge_capture", Fail, "no charges are captured (4 planned item(s))"},
		{"missing supply", func(f *Facts) { f.Mid.Charges = f.Mid.Charges[:3] }, "charge_capture", Fail, "missing charge for planned supply HCPCS A4550 (tray)"},
		{"voided line does not count", func(f *Facts) { f.Mid.Charges[2].VoidedAt = f.Now }, "charge_capture", Fail, "missing charge for ordered CPT 36415"},
		{"units short", func(f *Facts) { f.Mid.Plan[3].Units = 3 }, "charge_capture", Fail, "planned supply HCPCS A4550 (tray): 3 unit(s) planned, 1 charged"},
		{"same code planned twice", func(f *Facts) {
			f.Mid.Plan = append(f.Mid.Plan, claimgate.PlanItem{ID: 5, Kind: claimgate.PlannedSupply, Code: "A4550", Units: 1})
		}, "charge_capture", Fail, "missing charge for planned supply HCPCS A4550"},

		// Coding supported.
		{"valid coding", func(*Facts) {}, "coding_supported", Pass, "4 line(s) and 2 diagnosis code(s) valid"},
		{"no lines", func(f *Facts) { f.Mid.Charges = nil }, "coding_supported", Fail, "no coded lines"},
		{"no diagnoses", func(f *Facts) { f.Mid.Diagnoses = nil }, "coding_supported", Fail, "no diagnoses are coded for the 4 line(s)"},
		{"pointer to nothing", func(f *Facts) { f.Mid.Charges[0].DxPointers = []int{3} }, "coding_supported", Fail,
			"line 1: CPT 99213 points to diagnosis 3, which does not exist"},
		{"no pointer", func(f *Facts) { f.Mid.Charges[1].DxPointers = nil }, "coding_supported", Fail, "line 2: CPT 83036 has no diagnosis pointer"},
		{"five pointers", func(f *Facts) { f.Mid.Charges[0].DxPointers = []int{1, 2, 1, 2, 1} }, "coding_supported", Fail, "has 5 diagnosis pointers"},
		{"header diagnosis", func(f *Facts) { f.Mid.Diagnoses[0].Code = "E11" }, "coding_supported", Fail,
			"diagnosis 1: ICD-10-CM E11 is a category header, not billable"},
		{"line points to the header", func(f *Facts) { f.Mid.Diagnoses[0].Code = "E11" }, "coding_supported", Fail,
			"line 2: CPT 83036 points to diagnosis 1 (E11), which is not valid and billable"},
		{"unknown diagnosis", func(f *Facts) { f.Mid.Diagnoses[1].Code = "Z9999" }, "coding_supported", Fail, "diagnosis 2: ICD-10-CM Z99.99 is not a code in ICD-10-CM"},
		{"bad procedure format", func(f *Facts) { f.Mid.Charges[0].Code = "9921" }, "coding_supported", Fail, `line 1: CPT "9921" is not well formed`},
		{"expired HCPCS", func(f *Facts) {
			f.Mid.Chargemaster["G0202"] = claimgate.ChargeItem{Code: "G0202", ServiceType: claimgate.Imaging}
			addLine(f, claimgate.ChargeLine{Code: "G0202", Units: 1, DxPointers: []int{1}})
		}, "coding_supported", Fail, "line 5: HCPCS G0202 expired after 2017-12-31"},
		{"CPT not in the chargemaster", func(f *Facts) { delete(f.Mid.Chargemaster, "36415") }, "coding_supported", Fail, "line 3: CPT 36415 is not in the chargemaster"},
		{"unknown modifier", func(f *Facts) { f.Mid.Charges[0].Modifiers = []string{"ZZ"} }, "coding_supported", Fail, "line 1: CPT 99213: Modifier ZZ is not a code"},
		{"NCCI pair, no modifier allowed", func(f *Facts) {
			addLine(f, claimgate.ChargeLine{Code: "80053", Units: 1, DxPointers: []int{1}})
			addLine(f, claimgate.ChargeLine{Code: "80048", Units: 1, DxPointers: []int{1}, Modifiers: []string{"59"}})
		}, "coding_supported", Fail, "lines 5 and 6: NCCI PTP edit 80053/80048 — column 2 code 80048 is bundled into 80053 and no modifier bypasses it"},
		{"NCCI pair without the modifier", func(f *Facts) {
			addLine(f, claimgate.ChargeLine{Code: "20605", Units: 1, DxPointers: []int{1}})
			addLine(f, claimgate.ChargeLine{Code: "20610", Units: 1, DxPointers: []int{1}})
		}, "coding_supported", Fail, "lines 5 and 6: NCCI PTP edit 20610/20605 — column 2 code 20605 is bundled into 20610 and line 5 has no NCCI-associated modifier"},
		{"NCCI pair with a distinct-procedure modifier", func(f *Facts) {
			addLine(f, claimgate.ChargeLine{Code: "20605", Units: 1, DxPointers: []int{1}, Modifiers: []string{"XS"}})
			addLine(f, claimgate.ChargeLine{Code: "20610", Units: 1, DxPointers: []int{1}})
		}, "coding_supported", Pass, "no NCCI PTP or MUE edit applies"},
		{"MUE over two lines", func(f *Facts) {
			addLine(f, claimgate.ChargeLine{Code: "36415", Units: 2, DxPointers: []int{1}})
		}, "coding_supported", Fail, "CPT 36415: 3 units exceed the MUE of 2 per date of service"},

		// Medical necessity where the payer's rules are strict.
		{"covered diagnosis", func(*Facts) {}, "medical_necessity", Pass, "1 line(s) under Acme Health's coverage rules point to covered diagnoses"},
		{"diagnosis does not support the service", func(f *Facts) { f.Mid.Charges[1].DxPointers = []int{2} }, "medical_necessity", Fail,
			"line 2: CPT 83036 is covered by Acme Health (synthetic NCD 190.21) only for E11, R73; the line points to I10"},
		{"no rules: nothing strict", func(f *Facts) { f.Mid.Coverage = nil }, "medical_necessity", Pass, "no coverage rules for these services"},
		{"no lines", func(f *Facts) { f.Mid.Charges = nil }, "medical_necessity", Fail, "no charge lines"},
		{"no coverage", func(f *Facts) { f.Coverages = nil }, "medical_necessity", Fail, "no primary coverage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodMidFacts()
			tt.mutate(f)
			got := item(t, Evaluate(CodingReady, f), tt.item)
			if got.Result.Status != tt.want || !strings.Contains(got.Result.Why, tt.whyHas) {
				t.Errorf("%s = %s %q, want %s containing %q", tt.item, got.Result.Status, got.Result.Why, tt.want, tt.whyHas)
			}
		})
	}
}

func TestCodingReadyPassesOnGoodData(t *testing.T) {
	rep := Evaluate(CodingReady, goodMidFacts())
	if !rep.Passed() {
		t.Fatalf("Coding-Ready blocked good data: %v", rep.Blocking())
	}
}

// TestCodingReadyUsesTheStoredCodes shows that the gate judges by the index
// it is given: a diagnosis valid in the built-in set is unknown to an
// index that lacks it.
func TestCodingReadyUsesTheStoredCodes(t *testing.T) {
	f := goodMidFacts()
	f.Mid.Codes = codeset.NewIndex(&codeset.Set{Kind: codeset.ICD10CM, Version: "tiny", Codes: []codeset.Code{{Code: "E119", Billable: true}}})
	got := item(t, Evaluate(CodingReady, f), "coding_supported")
	if got.Result.Status != Fail || !strings.Contains(got.Result.Why, "diagnosis 2: ICD-10-CM I10 is not a code in ICD-10-CM tiny") {
		t.Errorf("coding_supported = %s %q", got.Result.Status, got.Result.Why)
	}
}

// TestCodingReadyCodeDates judges codes by the sets in force on the date of
// service: a code only in a later fiscal year is not yet effective, one
// dropped after an earlier year has expired, and an MUE whose adjudication
// indicator is 1 counts units per line.
func TestCodingReadyCodeDates(t *testing.T) {
	d := func(y, m, dd int) claimgate.Date { return claimgate.Date{Year: y, Month: time.Month(m), Day: dd} }
	fy26 := &codeset.Set{Kind: codeset.ICD10CM, Version: "FY2026", From: d(2025, 10, 1), To: d(2026, 9, 30),
		Codes: []codeset.Code{{Code: "E119", Billable: true}, {Code: "I10", Billable: true}, {Code: "Z9981", Billable: true}}}
	fy27 := &codeset.Set{Kind: codeset.ICD10CM, Version: "FY2027", From: d(2026, 10, 1), To: d(2027, 9, 30),
		Codes: []codeset.Code{{Code: "E119", Billable: true}, {Code: "I10", Billable: true}, {Code: "E11A", Billable: true}}}
	mue := &codeset.Set{Kind: codeset.MUE, Version: "test", Limits: []codeset.Limit{{Code: "A4550", MaxUnits: 1, Adjudication: 1}}}
	ix := codeset.NewIndex(append(codeset.BuiltIn(), fy26, fy27, mue)...)
	tests := []struct {
		name   string
		dos    claimgate.Date
		dx     string
		whyHas string
	}{
		{"not yet effective", d(2026, 9, 30), "E11A", "ICD-10-CM E11.A is not yet effective on 2026-09-30: it takes effect on 2026-10-01"},
		{"expired", d(2026, 11, 2), "Z9981", "ICD-10-CM Z99.81 expired after 2026-09-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodMidFacts()
			f.Mid.Codes = ix
			f.Case.ServiceDate = tt.dos
			f.Mid.Diagnoses[1].Code = tt.dx
			got := item(t, Evaluate(CodingReady, f), "coding_supported")
			if got.Result.Status != Fail || !strings.Contains(got.Result.Why, "diagnosis 2: "+tt.whyHas) {
				t.Errorf("coding_supported = %s %q, want it to say %q", got.Result.Status, got.Result.Why, tt.whyHas)
			}
		})
	}
	f := goodMidFacts()
	f.Mid.Codes = ix
	f.Mid.Charges[3].Units = 2
	f.Mid.Plan[3].Units = 2
	if got := item(t, Evaluate(CodingReady, f), "coding_supported"); !strings.Contains(got.Result.Why, "line 4: HCPCS A4550: 2 units exceed the MUE of 1 per line") {
		t.Errorf("per-line MUE: coding_supported = %s %q", got.Result.Status, got.Result.Why)
	}
}

func TestCheckCancel(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(f *Facts)
		want   Status
		whyHas string
	}{
		{"no-show with reason", func(*Facts) {}, Pass, "no service rendered, no claim"},
		{"no encounter", func(f *Facts) { f.Mid.Visit = nil }, Fail, "no encounter is recorded"},
		{"checked in", func(f *Facts) { f.Mid.Visit.Status = claimgate.CheckedIn }, Fail, "is checked_in, not a no-show"},
		{"no reason", func(f *Facts) { f.Mid.Visit.CancelReason = " " }, Fail, "no reason is recorded"},
		{"charges exist", func(f *Facts) { f.Mid.Charges = []claimgate.ChargeLine{{Code: "99213", Units: 1}} }, Fail, "1 charge line(s) say a service was rendered"},
		{"voided charges do not count", func(f *Facts) {
			f.Mid.Charges = []claimgate.ChargeLine{{Code: "99213", Units: 1, VoidedAt: testNow}}
		}, Pass, "no-show"},
		{"a claim exists", func(f *Facts) { f.Claims = []claimgate.Claim{{ID: 1}} }, Fail, "1 claim(s) exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := goodFacts()
			f.Mid.Visit = &claimgate.Visit{Status: claimgate.NoShow, CancelReason: "did not arrive"}
			tt.mutate(f)
			if got := CheckCancel(f); got.Status != tt.want || !strings.Contains(got.Why, tt.whyHas) {
				t.Errorf("CheckCancel = %s %q, want %s containing %q", got.Status, got.Why, tt.want, tt.whyHas)
			}
		})
	}
}
