package codeset

import (
	"testing"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/internal/testshared"
)

// testIndex holds two ICD-10-CM fiscal years, a HCPCS year from the
// fixture, and the built-in sets for the other kinds.
func testIndex(t testing.TB) *Index {
	t.Helper()
	fy22From, fy22To := FiscalYear(2022)
	fy23From, fy23To := FiscalYear(2023)
	common := []Code{
		{Code: "E11", Short: "Type 2 diabetes mellitus"},
		{Code: "E116", Short: "Type 2 diabetes mellitus with other specified complications"},
		{Code: "E1165", Billable: true, Short: "Type 2 diabetes mellitus with hyperglycemia"},
		{Code: "E1121", Billable: true, Short: "Type 2 diabetes mellitus with diabetic nephropathy"},
		{Code: "E118", Billable: true, Short: "Type 2 diabetes mellitus with unspecified complications"},
		{Code: "E119", Billable: true, Short: "Type 2 diabetes mellitus without complications"},
		{Code: "S93401A", Billable: true, Short: "Sprain of unsp ligament of right ankle, init encntr"},
	}
	fy22 := &Set{Kind: ICD10CM, Version: "FY2022", From: fy22From, To: fy22To,
		Codes: append(append([]Code(nil), common...), Code{Code: "U099", Billable: true, Short: "Post COVID-19 condition, unspecified"})}
	fy23 := &Set{Kind: ICD10CM, Version: "FY2023", From: fy23From, To: fy23To,
		Codes: append(append([]Code(nil), common...), Code{Code: "D7584", Billable: true, Short: "Other platelet-activating anti-PF4 disorders"})}
	hcpcs := parseFile(t, HCPCS, "testdata/HCPC2024_ANWEB_claimgate.txt", Options{})
	sets := []*Set{fy22, fy23}
	sets = append(sets, hcpcs)
	for _, s := range BuiltIn() {
		if s.Kind != ICD10CM && s.Kind != HCPCS {
			sets = append(sets, s)
		}
	}
	return NewIndex(sets...)
}

func TestValidate(t *testing.T) {
	ix := testIndex(t)
	d := func(s string) claimgate.Date {
		v, err := claimgate.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	icdFormat := "want a letter, a digit, a letter or digit, then up to 4 letters or digits (a dot may follow the third character)"
	tests := []struct {
		kind   Kind
		code   string
		dos    string
		status Status
		msg    string
	}{
		// valid
		{ICD10CM, "E11.9", "2022-03-02", Valid, "ICD-10-CM E11.9 is valid on 2022-03-02"},
		{ICD10CM, "e119", "2022-03-02", Valid, "ICD-10-CM E11.9 is valid on 2022-03-02"},
		{ICD10CM, " E11.65 ", "2023-09-30", Valid, "ICD-10-CM E11.65 is valid on 2023-09-30"},
		{ICD10CM, "S93.401A", "2022-10-01", Valid, "ICD-10-CM S93.401A is valid on 2022-10-01"},
		{ICD10CM, "E11.9", "", Valid, "ICD-10-CM E11.9 is valid"},
		// a date after the newest year is judged by the newest, and says so
		{ICD10CM, "E11.9", "2026-03-02", Valid, "ICD-10-CM E11.9 is valid on 2026-03-02 (judged by FY2023, the newest ICD-10-CM set loaded, which ended 2023-09-30)"},
		// a date before the oldest year is judged by the oldest, and says so
		{ICD10CM, "E11.9", "2021-05-01", Valid, "ICD-10-CM E11.9 is valid on 2021-05-01 (judged by FY2022, the oldest ICD-10-CM set loaded, which starts 2021-10-01)"},
		// header codes
		{ICD10CM, "E11", "2022-03-02", NotBillable, "ICD-10-CM E11 is a category header, not billable: code to a leaf (E11.8, E11.9, E11.21, ...)"},
		{ICD10CM, "E11.6", "2022-03-02", NotBillable, "ICD-10-CM E11.6 is a subcategory header, not billable: code to a leaf (E11.65)"},
		// not yet effective: added in FY2023
		{ICD10CM, "D75.84", "2022-09-30", NotYetEffective, "ICD-10-CM D75.84 is not yet effective on 2022-09-30: it takes effect on 2022-10-01 (FY2023)"},
		{ICD10CM, "D75.84", "2022-10-01", Valid, "ICD-10-CM D75.84 is valid on 2022-10-01"},
		// expired: absent from FY2023
		{ICD10CM, "U09.9", "2022-09-30", Valid, "ICD-10-CM U09.9 is valid on 2022-09-30"},
		{ICD10CM, "U09.9", "2022-10-01", Expired, "ICD-10-CM U09.9 expired after 2022-09-30: not valid on 2022-10-01; it was last in FY2022"},
		// unknown
		{ICD10CM, "E11.99", "2022-03-02", Unknown, "ICD-10-CM E11.99 is not a code in ICD-10-CM FY2022"},
		// wrong format
		{ICD10CM, "E1.19", "2022-03-02", BadFormat, `ICD-10-CM "E1.19" is not well formed: ` + icdFormat},
		{ICD10CM, "119", "2022-03-02", BadFormat, `ICD-10-CM "119" is not well formed: ` + icdFormat},
		{ICD10CM, "E11.9.", "2022-03-02", BadFormat, `ICD-10-CM "E11.9." is not well formed: ` + icdFormat},
		{ICD10CM, "S93.401AA", "2022-03-02", BadFormat, `ICD-10-CM "S93.401AA" is not well formed: ` + icdFormat},
		{ICD10CM, "", "2022-03-02", BadFormat, `ICD-10-CM "" is not well formed: ` + icdFormat},
		// HCPCS: the file's own added and termination dates
		{HCPCS, "G0439", "2024-05-01", Valid, "HCPCS G0439 is valid on 2024-05-01"},
		{HCPCS, "g0202", "2024-02-01", Expired, "HCPCS G0202 expired after 2017-12-31: not valid on 2024-02-01"},
		{HCPCS, "G0560", "2023-12-15", NotYetEffective, "HCPCS G0560 is not yet effective on 2023-12-15: it takes effect on 2024-01-01 (judged by 2024, the oldest HCPCS set loaded, which starts 2024-01-01)"},
		{HCPCS, "G9999", "2024-05-01", Unknown, "HCPCS G9999 is not a code in HCPCS 2024"},
		{HCPCS, "Z1234", "2024-05-01", BadFormat, `HCPCS "Z1234" is not well formed: want a letter A-V and 4 digits`},
		{HCPCS, "G043", "2024-05-01", BadFormat, `HCPCS "G043" is not well formed: want a letter A-V and 4 digits`},
		// CPT: by format only
		{CPT, "99213", "2024-05-01", Valid, "CPT 99213 is a well-formed CPT code (CPT is checked by format only: its code list is the AMA's)"},
		{CPT, "0591T", "2024-05-01", Valid, "CPT 0591T is a well-formed CPT code (CPT is checked by format only: its code list is the AMA's)"},
		{CPT, "1234F", "2024-05-01", Valid, "CPT 1234F is a well-formed CPT code (CPT is checked by format only: its code list is the AMA's)"},
		{CPT, "9921", "2024-05-01", BadFormat, `CPT "9921" is not well formed: want 5 digits, or 4 digits and F, T, U or M`},
		{CPT, "G0439", "2024-05-01", BadFormat, `CPT "G0439" is not well formed: want 5 digits, or 4 digits and F, T, U or M`},
		// modifiers, place of service, revenue codes (built-in, open-ended)
		{Modifier, "25", "2031-01-01", Valid, "Modifier 25 is valid on 2031-01-01"},
		{Modifier, "xs", "1999-01-01", Valid, "Modifier XS is valid on 1999-01-01"},
		{Modifier, "ZZ", "2024-01-01", Unknown, "Modifier ZZ is not a code in Modifier built-in"},
		{Modifier, "2", "2024-01-01", BadFormat, `Modifier "2" is not well formed: want 2 letters or digits`},
		{POS, "11", "2024-01-01", Valid, "Place of service 11 is valid on 2024-01-01"},
		{POS, "1", "2024-01-01", BadFormat, `Place of service "1" is not well formed: want 2 digits`},
		{POS, "98", "2024-01-01", Unknown, "Place of service 98 is not a code in Place of service built-in"},
		{Revenue, "0450", "2024-01-01", Valid, "Revenue code 0450 is valid on 2024-01-01"},
		{Revenue, "450", "2024-01-01", BadFormat, `Revenue code "450" is not well formed: want 4 digits`},
		// CARC and RARC
		{CARC, "45", "2024-01-01", Valid, "CARC 45 is valid on 2024-01-01"},
		{CARC, "15", "2024-01-01", Expired, "CARC 15 is deactivated: not valid on 2024-01-01"},
		{RARC, "N130", "2024-01-01", Valid, "RARC N130 is valid on 2024-01-01"},
		{RARC, "130", "2024-01-01", BadFormat, `RARC "130" is not well formed: want a letter, then 1 to 4 letters or digits`},
		// no set loaded
		{ICD10PCS, "0DTJ4ZZ", "2024-01-01", Unknown, "ICD-10-PCS 0DTJ4ZZ cannot be checked: no ICD-10-PCS code set is loaded"},
		// not a code list
		{PTP, "99213", "2024-01-01", BadFormat, "NCCI PTP is not a code list: check codes against it with its own lookup"},
	}
	for _, tc := range tests {
		var dos claimgate.Date
		if tc.dos != "" {
			dos = d(tc.dos)
		}
		r := ix.Validate(tc.kind, tc.code, dos)
		if r.Status != tc.status || r.Message() != tc.msg {
			t.Errorf("Validate(%s, %q, %s) = %v %q\n                               want %v %q", tc.kind, tc.code, tc.dos, r.Status, r.Message(), tc.status, tc.msg)
		}
		if r.OK() != (tc.status == Valid) {
			t.Errorf("Validate(%s, %q, %s).OK() = %v", tc.kind, tc.code, tc.dos, r.OK())
		}
	}
}

// TestValidateGap: with FY2022 and FY2024 loaded, a date in FY2023 is
// judged by FY2022, and the message says no loaded set covers it.
func TestValidateGap(t *testing.T) {
	f22, t22 := FiscalYear(2022)
	f24, t24 := FiscalYear(2024)
	ix := NewIndex(
		&Set{Kind: ICD10CM, Version: "FY2022", From: f22, To: t22, Codes: []Code{{Code: "I10", Billable: true}}},
		&Set{Kind: ICD10CM, Version: "FY2024", From: f24, To: t24, Codes: []Code{{Code: "I10", Billable: true}}},
	)
	r := ix.Validate(ICD10CM, "I10", date(2023, 1, 5))
	want := "ICD-10-CM I10 is valid on 2023-01-05 (judged by FY2022, which ended 2022-09-30: no ICD-10-CM set loaded covers this date)"
	if r.Status != Valid || r.Message() != want {
		t.Errorf("Validate = %v %q, want valid %q", r.Status, r.Message(), want)
	}
	if r.Version != "FY2022" || r.Description() != "" {
		t.Errorf("Version %q, Description %q", r.Version, r.Description())
	}
}

// TestValidateParts: sets that share a From (the parts of one NCCI
// quarter, or two lists) judge together.
func TestValidateParts(t *testing.T) {
	from := date(2024, 1, 1)
	ix := NewIndex(
		&Set{Kind: RARC, Version: "a", From: from, Codes: []Code{{Code: "N1", Billable: true, Short: "one"}}},
		&Set{Kind: RARC, Version: "b", From: from, Codes: []Code{{Code: "N2", Billable: true, Short: "two"}, {Code: "N1", Billable: true, Short: "dup"}}},
	)
	for _, c := range []string{"N1", "N2"} {
		if r := ix.Validate(RARC, c, date(2024, 6, 1)); r.Status != Valid || r.Version != "a+b" {
			t.Errorf("Validate(%s) = %v in %q, want valid in a+b", c, r.Status, r.Version)
		}
	}
	if c, _ := ix.Lookup(RARC, "N1", date(2024, 6, 1)); c.Short != "one" {
		t.Errorf("Lookup(N1).Short = %q, want the first listing's", c.Short)
	}
}

func TestPTPEdit(t *testing.T) {
	s := parseFile(t, PTP, "testdata/ccipra-v301r0-f1-claimgate.txt", Options{Effective: date(2024, 1, 1)})
	ix := NewIndex(s)
	tests := []struct {
		a, b       string
		dos        claimgate.Date
		ok         bool
		col1, col2 string
		modifier   byte
	}{
		{"80053", "80048", date(2024, 3, 1), true, "80053", "80048", '0'},
		{"80048", "80053", date(2024, 3, 1), true, "80053", "80048", '0'}, // either order
		{"36415", "36416", date(2015, 6, 1), true, "36415", "36416", '1'}, // the older window
		{"36415", "36416", date(2015, 12, 31), true, "36415", "36416", '1'},
		{"36415", "36416", date(2016, 1, 1), true, "36415", "36416", '0'}, // re-added without modifier
		{"93000", "93010", date(1995, 12, 31), false, "", "", 0},          // before it took effect
		{"99213", "99211", date(2020, 1, 1), false, "", "", 0},            // indicator 9: never in force
		{"99213", "99214", date(2024, 3, 1), false, "", "", 0},            // no edit
	}
	for _, tc := range tests {
		e, ok := ix.PTPEdit(tc.a, tc.b, tc.dos)
		if ok != tc.ok || e.Column1 != tc.col1 || e.Column2 != tc.col2 || e.Modifier != tc.modifier {
			t.Errorf("PTPEdit(%s, %s, %s) = %s/%s %q, %v; want %s/%s %q, %v", tc.a, tc.b, tc.dos, e.Column1, e.Column2, e.Modifier, ok, tc.col1, tc.col2, tc.modifier, tc.ok)
		}
		if ok && e.ModifierAllowed() != (tc.modifier == '1') {
			t.Errorf("PTPEdit(%s, %s).ModifierAllowed() = %v", tc.a, tc.b, e.ModifierAllowed())
		}
	}
}

func TestMUE(t *testing.T) {
	q1 := parseFile(t, MUE, "testdata/MCR_MUE_PractitionerServices_Eff_01-01-2024_claimgate.csv", Options{})
	q2 := &Set{Kind: MUE, Version: "2024-Q2", From: date(2024, 4, 1), Limits: []Limit{{Code: "J1100", MaxUnits: 30, Adjudication: 3}}}
	ix := NewIndex(q1, q2)
	tests := []struct {
		code  string
		dos   claimgate.Date
		units int
		adj   int
		ok    bool
	}{
		{"J1100", date(2024, 3, 31), 40, 3, true},
		{"J1100", date(2024, 4, 1), 30, 3, true}, // the next quarter's table
		{"j1100", date(2023, 6, 1), 40, 3, true}, // before the oldest table: judged by it
		{"80053", date(2024, 2, 1), 1, 2, true},
		{"80053", date(2024, 5, 1), 0, 0, false}, // not in the Q2 table
		{"A0428", date(2024, 2, 1), 1, 1, true},
		{"99499", date(2024, 2, 1), 0, 0, false},
	}
	for _, tc := range tests {
		m, ok := ix.MUE(tc.code, tc.dos)
		if ok != tc.ok || m.MaxUnits != tc.units || m.Adjudication != tc.adj {
			t.Errorf("MUE(%s, %s) = %d units (MAI %d), %v; want %d (MAI %d), %v", tc.code, tc.dos, m.MaxUnits, m.Adjudication, ok, tc.units, tc.adj, tc.ok)
		}
	}
}

func TestDayOf(t *testing.T) {
	for _, d := range []claimgate.Date{date(1970, 1, 1), date(1969, 12, 31), date(2000, 2, 29), date(2024, 3, 1), date(1600, 3, 1), date(2100, 12, 31)} {
		want := int32(d.Time().Unix() / 86400)
		if got := dayOf(d); int32(got) != want {
			t.Errorf("dayOf(%s) = %d, want %d", d, got, want)
		}
		if back := dateOf(dayOf(d)); back != d {
			t.Errorf("dateOf(dayOf(%s)) = %s", d, back)
		}
	}
}

// TestPackCode: every code of the FY2022 ICD-10-CM file and of the
// built-in sets packs, and no two pack alike.
func TestPackCode(t *testing.T) {
	seen := map[uint64]string{}
	check := func(c string) {
		k, ok := packCode(c)
		if !ok {
			t.Errorf("packCode(%q) failed", c)
			return
		}
		if prev, dup := seen[k]; dup && prev != c {
			t.Errorf("packCode(%q) = packCode(%q) = %d", c, prev, k)
		}
		seen[k] = c
	}
	for _, c := range parseFile(t, ICD10CM, testshared.Path(t, "codesets", "icd10cm", "icd10cm-order-2022.txt"), Options{}).Codes {
		check(c.Code)
	}
	for _, s := range BuiltIn() {
		for _, c := range s.Codes {
			check(c.Code)
		}
	}
	for _, c := range []string{"A", "0", "1", "Z", "00", "01", "A0", "ZZZZZZZZ", "00000000"} {
		check(c)
	}
	for _, c := range []string{"", "a", "E11.9", "ZZZZZZZZZ", "E 11"} {
		if _, ok := packCode(c); ok {
			t.Errorf("packCode(%q) succeeded", c)
		}
	}
}
