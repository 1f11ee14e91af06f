package codeset

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/internal/testshared"
)

func date(y int, m time.Month, d int) claimgate.Date {
	return claimgate.Date{Year: y, Month: m, Day: d}
}

// parseFile parses the file at path as kind, named as the file.
func parseFile(t testing.TB, kind Kind, path string, opt Options) *Set {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if opt.Source == "" {
		opt.Source = filepath.Base(path)
	}
	s, err := Parse(kind, f, opt)
	if err != nil {
		t.Fatalf("Parse(%s, %s): %v", kind, path, err)
	}
	return s
}

// summary is what an import test compares: the set's label, dates and
// counts, and a few entries.
type summary struct {
	Kind            Kind
	Version         string
	From, To        string
	Count, Billable int
}

func summarize(s *Set) summary {
	return summary{s.Kind, s.Version, s.From.String(), s.To.String(), s.Count, s.Billable}
}

func findCode(s *Set, code string) (Code, bool) {
	for _, c := range s.Codes {
		if c.Code == code {
			return c, true
		}
	}
	return Code{}, false
}

// TestParseShared imports the official files kept in ../shared/codesets.
func TestParseShared(t *testing.T) {
	tests := []struct {
		kind  Kind
		path  []string
		want  summary
		codes []Code
	}{
		{
			kind: ICD10CM, path: []string{"icd10cm", "icd10cm-order-2022.txt"},
			want: summary{ICD10CM, "FY2022", "2021-10-01", "2022-09-30", 95524, 72748},
			codes: []Code{
				{Code: "A00", Short: "Cholera", Long: "Cholera"},
				{Code: "E119", Billable: true, Short: "Type 2 diabetes mellitus without complications", Long: "Type 2 diabetes mellitus without complications"},
				{Code: "S93401A", Billable: true, Short: "Sprain of unspecified ligament of right ankle, init encntr", Long: "Sprain of unspecified ligament of right ankle, initial encounter"},
			},
		},
		{
			kind: CARC, path: []string{"x12", "carc.csv"},
			want: summary{CARC, "carc", "", "", 407, 407},
			codes: []Code{
				{Code: "1", Billable: true, Short: "Deductible Amount"},
				{Code: "15", Billable: true, Deactivated: true, Short: "The authorization number is missing, invalid, or does not apply to the billed services or provider."},
			},
		},
		{
			kind: POS, path: []string{"cms", "place_of_service.csv"},
			want: summary{POS, "place_of_service", "", "", 52, 52},
			codes: []Code{
				{Code: "11", Billable: true, Short: "Office"},
				{Code: "66", Billable: true, Short: "Programs of All-Inclusive Care for the Elderly (PACE) Center"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(string(tc.kind), func(t *testing.T) {
			s := parseFile(t, tc.kind, testshared.Path(t, append([]string{"codesets"}, tc.path...)...), Options{})
			if d := cmp.Diff(tc.want, summarize(s)); d != "" {
				t.Errorf("set (-want +got):\n%s", d)
			}
			if len(s.SHA256) != 64 || s.Source != tc.path[len(tc.path)-1] {
				t.Errorf("SHA256 %q, Source %q", s.SHA256, s.Source)
			}
			for _, want := range tc.codes {
				got, ok := findCode(s, want.Code)
				if !ok {
					t.Errorf("code %s missing", want.Code)
					continue
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("code %s (-want +got):\n%s", want.Code, d)
				}
			}
		})
	}
}

// TestParseSharedDeactivatedCARC counts the CARC statuses SOURCES.md gives.
func TestParseSharedDeactivatedCARC(t *testing.T) {
	s := parseFile(t, CARC, testshared.Path(t, "codesets", "x12", "carc.csv"), Options{})
	n := 0
	for _, c := range s.Codes {
		if c.Deactivated {
			n++
		}
	}
	if n != 110 {
		t.Errorf("%d deactivated CARCs, want 110", n)
	}
}

// TestParseFixtures imports the project's fixtures in the official layouts.
func TestParseFixtures(t *testing.T) {
	t.Run("hcpcs", func(t *testing.T) {
		s := parseFile(t, HCPCS, "testdata/HCPC2024_ANWEB_claimgate.txt", Options{})
		if d := cmp.Diff(summary{HCPCS, "2024", "2024-01-01", "2024-12-31", 6, 6}, summarize(s)); d != "" {
			t.Fatalf("set (-want +got):\n%s", d)
		}
		wantCodes := []Code{
			{Code: "G0202", Billable: true, Short: "Scr mammo bi incl cad",
				Long: "Screening mammography, bilateral (2-view study of each breast), including computer-aided detection (CAD) when performed",
				From: date(2002, 1, 1), To: date(2017, 12, 31)},
			{Code: "G0560", Billable: true, Short: "Safety planning 20 min",
				Long: "Safety planning interventions, each 20 minutes personally performed by the billing practitioner",
				From: date(2024, 1, 1)},
		}
		for _, want := range wantCodes {
			got, _ := findCode(s, want.Code)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("code %s (-want +got):\n%s", want.Code, d)
			}
		}
	})
	t.Run("modifier from hcpcs", func(t *testing.T) {
		s := parseFile(t, Modifier, "testdata/HCPC2024_ANWEB_claimgate.txt", Options{})
		if d := cmp.Diff(summary{Modifier, "2024", "2024-01-01", "2024-12-31", 2, 2}, summarize(s)); d != "" {
			t.Fatalf("set (-want +got):\n%s", d)
		}
		mod, _ := findCode(s, "25")
		if want := "Significant, separately identifiable evaluation and management service by the same physician or other qualified health care professional on the same day of a procedure"; mod.Long != want {
			t.Errorf("modifier 25 long description %q, want %q", mod.Long, want)
		}
	})
	t.Run("modifier csv", func(t *testing.T) {
		s := parseFile(t, Modifier, "builtin/modifier.csv", Options{Version: "ours"})
		if d := cmp.Diff(summary{Modifier, "ours", "", "", 31, 31}, summarize(s)); d != "" {
			t.Fatalf("set (-want +got):\n%s", d)
		}
	})
	t.Run("ncci_ptp", func(t *testing.T) {
		s := parseFile(t, PTP, "testdata/ccipra-v301r0-f1-claimgate.txt", Options{Effective: date(2024, 1, 1)})
		if d := cmp.Diff(summary{PTP, "ccipra-v301r0-f1-claimgate", "2024-01-01", "", 8, 8}, summarize(s)); d != "" {
			t.Errorf("set (-want +got):\n%s", d)
		}
		want := []Edit{
			{Column1: "36415", Column2: "36416", From: date(2005, 1, 1), To: date(2015, 12, 31), Modifier: '1', Rationale: "Standards of medical / surgical practice"},
			{Column1: "36415", Column2: "36416", From: date(2016, 1, 1), Modifier: '0', Rationale: "Standards of medical / surgical practice"},
		}
		if d := cmp.Diff(want, s.Edits[2:4]); d != "" {
			t.Errorf("edits (-want +got):\n%s", d)
		}
	})
	t.Run("mue", func(t *testing.T) {
		s := parseFile(t, MUE, "testdata/MCR_MUE_PractitionerServices_Eff_01-01-2024_claimgate.csv", Options{})
		if d := cmp.Diff(summary{MUE, "MCR_MUE_PractitionerServices_Eff_01-01-2024_claimgate", "2024-01-01", "", 7, 7}, summarize(s)); d != "" {
			t.Errorf("set (-want +got):\n%s", d)
		}
		want := []Limit{
			{Code: "J1100", MaxUnits: 40, Adjudication: 3, Rationale: "Clinical: Data"},
			{Code: "A0428", MaxUnits: 1, Adjudication: 1, Rationale: "Nature of Service/Procedure"},
		}
		if d := cmp.Diff(want, s.Limits[5:]); d != "" {
			t.Errorf("limits (-want +got):\n%s", d)
		}
	})
	t.Run("rarc", func(t *testing.T) {
		s := parseFile(t, RARC, "testdata/rarc.csv", Options{Effective: date(2024, 3, 1)})
		if d := cmp.Diff(summary{RARC, "rarc", "2024-03-01", "", 8, 8}, summarize(s)); d != "" {
			t.Errorf("set (-want +got):\n%s", d)
		}
		if c, _ := findCode(s, "N33"); !c.Deactivated {
			t.Errorf("N33 = %+v, want deactivated", c)
		}
	})
}

// TestParseSameBytes shows that the hash is of the bytes: the same file
// gives the same SHA-256, one changed byte another.
func TestParseSameBytes(t *testing.T) {
	b, err := os.ReadFile("testdata/rarc.csv")
	if err != nil {
		t.Fatal(err)
	}
	parse := func(b []byte) string {
		s, err := Parse(RARC, strings.NewReader(string(b)), Options{Source: "rarc.csv"})
		if err != nil {
			t.Fatal(err)
		}
		return s.SHA256
	}
	a1, a2 := parse(b), parse(b)
	b2 := strings.Replace(string(b), "Consult plan", "Consult the plan", 1)
	if a1 != a2 || a1 == parse([]byte(b2)) {
		t.Errorf("hashes %s, %s, changed %s", a1, a2, parse([]byte(b2)))
	}
}

// icdLine builds an order-file line.
func icdLine(order int, code string, flag byte, short, long string) string {
	return fmt.Sprintf("%05d %-7s %c %-60s %s", order, code, flag, short, long)
}

// TestParseMalformed refuses files of the wrong shape with the line and
// the reason.
func TestParseMalformed(t *testing.T) {
	good := icdLine(1, "A00", '0', "Cholera", "Cholera") + "\r\n" +
		icdLine(2, "A000", '1', "Cholera due to Vibrio cholerae 01, biovar cholerae", "Cholera due to Vibrio cholerae 01, biovar cholerae") + "\r\n"
	hcpcs, err := os.ReadFile("testdata/HCPC2024_ANWEB_claimgate.txt")
	if err != nil {
		t.Fatal(err)
	}
	hl := strings.Split(string(hcpcs), "\r\n")
	hcpcsWith := func(i int, col int, s string) string {
		l := append([]string(nil), hl...)
		l[i] = l[i][:col-1] + s + l[i][min(col-1+len(s), len(l[i])):]
		return strings.Join(l, "\r\n")
	}
	ptp, err := os.ReadFile("testdata/ccipra-v301r0-f1-claimgate.txt")
	if err != nil {
		t.Fatal(err)
	}
	ptpWith := func(old, new string) string { return strings.Replace(string(ptp), old, new, 1) }
	mue, err := os.ReadFile("testdata/MCR_MUE_PractitionerServices_Eff_01-01-2024_claimgate.csv")
	if err != nil {
		t.Fatal(err)
	}
	mueWith := func(old, new string) string { return strings.Replace(string(mue), old, new, 1) }
	tests := []struct {
		name string
		kind Kind
		in   string
		want string
	}{
		{"icd billable flag", ICD10CM, good + icdLine(3, "A001", 'X', "Cholera due to Vibrio cholerae 01, biovar eltor", "Cholera due to Vibrio cholerae 01, biovar eltor") + "\r\n",
			`line 3: billable flag "X": want 0 or 1`},
		{"icd short line", ICD10CM, good + "00003 A001    1 Cholera\r\n",
			"line 3: 23 characters, want at least 78 (" + orderLayout + ")"},
		{"icd order number", ICD10CM, "0000A" + good[5:],
			`line 1: order number "0000A": want 5 digits (` + orderLayout + ")"},
		{"icd separator", ICD10CM, good + func() string { l := icdLine(3, "A001", '1', "x", "x"); return l[:15] + "-" + l[16:] }() + "\r\n",
			`line 3: column 16 is "-", want a space (` + orderLayout + ")"},
		{"icd code", ICD10CM, good + icdLine(3, "1A00", '1', "x", "x") + "\r\n",
			`line 3: code "1A00": not an ICD-10-CM code: ` + formatRule[ICD10CM]},
		{"icd repeated", ICD10CM, good + icdLine(3, "A000", '1', "x", "x") + "\r\n",
			"line 3: code A000 repeated (first on line 2)"},
		{"icd csv", ICD10CM, "order_number,code,billable,short_description,long_description\n1,A00,0,Cholera,Cholera\n",
			"line 1: 61 characters, want at least 78 (" + orderLayout + ")"},
		{"icd empty", ICD10CM, "", "line 1: no codes: not an order file (" + orderLayout + ")"},
		{"hcpcs record id", HCPCS, hcpcsWith(0, 11, "5"),
			`line 1: record identification code "5": want 3, 4, 7 or 8 (` + hcpcsLayout + ")"},
		{"hcpcs code", HCPCS, hcpcsWith(0, 1, "W0428"),
			`line 1: code "W0428": not a HCPCS Level II code: want a letter A-V and 4 digits`},
		{"hcpcs date", HCPCS, hcpcsWith(1, 269, "19841301"),
			`line 2: code added date "19841301" (columns 269-276): want YYYYMMDD or blank`},
		{"hcpcs continuation", HCPCS, hcpcsWith(3, 1, "G0203"),
			"line 4: continuation of G0203 without its first record"},
		{"hcpcs sequence", HCPCS, hcpcsWith(0, 6, "0001A"),
			`line 1: sequence number "0001A": want 5 digits (` + hcpcsLayout + ")"},
		{"hcpcs long line", HCPCS, hcpcsWith(0, 320, "XXXX"),
			"line 1: 323 characters, want at most 320 (" + hcpcsLayout + ")"},
		{"hcpcs order file", HCPCS, good,
			`line 1: sequence number " A00 ": want 5 digits (` + hcpcsLayout + ")"},
		{"ptp modifier", PTP, ptpWith("\t20130101\t*\t1\t", "\t20130101\t*\t2\t"),
			`line 7: modifier indicator "2": want 0, 1 or 9`},
		{"ptp date", PTP, ptpWith("\t20000101\t", "\t2000-01-01\t"),
			`line 8: effective date "2000-01-01": want YYYYMMDD`},
		{"ptp deletion", PTP, ptpWith("\t20151231\t", "\t-\t"),
			`line 9: deletion date "-": want YYYYMMDD or *`},
		{"ptp code", PTP, ptpWith("80053\t80048", "80053\t8004"),
			`line 11: code "8004": not a HCPCS or CPT code`},
		{"ptp fields", PTP, ptpWith("\tMutually exclusive procedures", "\tMutually exclusive\tprocedures"),
			"line 7: 8 tab-separated fields, want 7 (" + ptpLayout + ")"},
		{"ptp repeated", PTP, string(ptp) + "80053\t80048\t*\t19960101\t*\t0\tagain\r\n",
			"line 15: edit 80053/80048 effective 1996-01-01 repeated (first on line 11)"},
		{"ptp no header", PTP, strings.Repeat("x\r\n", 25),
			`line 20: no "Column 1<TAB>Column 2" header row in the first 20 lines: not an NCCI PTP tab-delimited file`},
		{"ptp mue file", PTP, string(mue),
			`line 10: no "Column 1<TAB>Column 2" header row: not an NCCI PTP tab-delimited file`},
		{"mue units", MUE, mueWith("97110,6,", "97110,six,"),
			`line 8: MUE value "six": want a whole number of units`},
		{"mue indicator", MUE, mueWith("J1100,40,3 Date", "J1100,40,4 Date"),
			`line 9: adjudication indicator "4 Date of Service Edit: Clinical": want 1, 2 or 3, e.g. "3 Date of Service Edit: Clinical"`},
		{"mue code", MUE, mueWith("A0428,", "A04,"),
			`line 10: code "A04": not a HCPCS or CPT code`},
		{"mue quote", MUE, mueWith("J1100,40", `J1100,"40`) + "\r\n",
			`line 11: extraneous or missing " in quoted-field`},
		{"mue ptp file", MUE, string(ptp), `line 1: no "HCPCS/CPT Code,... MUE Values" header row: not a CMS MUE file`},
		{"carc header", CARC, "code,description\n1,Deductible\n",
			`line 1: header "code,description": want "code,status,requires_rarc,refer_835_policy_ref,abridged,description"`},
		{"carc status", CARC, "code,status,requires_rarc,refer_835_policy_ref,abridged,description\n1,current,N,N,N,Deductible\n2,retired,N,N,N,Coinsurance\n",
			`line 3: status "retired": want current or deactivated`},
		{"carc flag", CARC, "code,status,requires_rarc,refer_835_policy_ref,abridged,description\n1,current,yes,N,N,Deductible\n",
			`line 2: requires_rarc "yes": want Y or N`},
		{"carc fields", CARC, "code,status,requires_rarc,refer_835_policy_ref,abridged,description\n1,current,N,N,N\n",
			"line 2: wrong number of fields"},
		{"pos code", POS, "code,name\n11,Office\n1,Pharmacy\n",
			`line 3: code "1": not a Place of service code: want 2 digits`},
		{"pos repeated", POS, "code,name\n11,Office\n12,Home\n11,Office again\n",
			"line 4: code 11 repeated (first on line 2)"},
		{"pos empty name", POS, "code,name\n11,\n", "line 2: code 11 has no description"},
		{"rarc status", RARC, "code,status,description\nN130,active,Consult plan\n",
			`line 2: status "active": want current or deactivated`},
		{"rarc code", RARC, "code,status,description\n130,current,Consult plan\n",
			`line 2: code "130": not an RARC code: want a letter, then 1 to 4 letters or digits`},
		{"revenue code", Revenue, "code,description\n450,Emergency room\n",
			`line 2: code "450": not a Revenue code code: want 4 digits`},
		{"hcpcs no procedures", HCPCS, strings.Join(hl[9:], "\r\n"),
			"line 1: no procedure records (record identification 3): not a HCPCS annual file"},
		{"modifier no records", Modifier, hl[0] + "\r\n",
			"line 1: no modifier records (record identification 7): not a HCPCS annual file with modifiers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			source := map[Kind]string{ICD10CM: "icd10cm-order-2026.txt", HCPCS: "HCPC2026_ANWEB.txt", Modifier: "HCPC2026_ANWEB.txt",
				PTP: "ccipra-v321r0-f1.txt", MUE: "MUE_Eff_01-01-2026.csv"}[tc.kind]
			if source == "" {
				source = string(tc.kind) + ".csv"
			}
			s, err := Parse(tc.kind, strings.NewReader(tc.in), Options{Source: source, Effective: date(2026, 1, 1)})
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse = %v, %v; want a *ParseError", s, err)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse error\n got %s\nwant %s", err, tc.want)
			}
			if claimgate.ErrorKind(err) != claimgate.Invalid || claimgate.ErrorMessage(err) != tc.want {
				t.Errorf("ErrorKind = %v, ErrorMessage = %q; want invalid and the same message", claimgate.ErrorKind(err), claimgate.ErrorMessage(err))
			}
		})
	}
}

func TestDefaultVersion(t *testing.T) {
	tests := []struct {
		kind     Kind
		opt      Options
		version  string
		from, to claimgate.Date
		err      string
	}{
		{ICD10CM, Options{Source: "/tmp/icd10cm-order-2026.txt"}, "FY2026", date(2025, 10, 1), date(2026, 9, 30), ""},
		{ICD10CM, Options{Source: "icd10cm-order-April-1-2026.txt"}, "FY2026-April", date(2026, 4, 1), date(2026, 9, 30), ""},
		{ICD10CM, Options{Source: "codes.txt", Version: "FY2025"}, "FY2025", date(2024, 10, 1), date(2025, 9, 30), ""},
		{ICD10CM, Options{Source: "codes.txt"}, "", claimgate.Date{}, claimgate.Date{}, `ICD-10-CM: no fiscal year in the file name "codes.txt": give the version, e.g. FY2026`},
		{ICD10PCS, Options{Source: "icd10pcs_order_2024.txt"}, "FY2024", date(2023, 10, 1), date(2024, 9, 30), ""},
		{HCPCS, Options{Source: "HCPC2025_JAN_ANWEB_v3.txt"}, "2025", date(2025, 1, 1), date(2025, 12, 31), ""},
		{HCPCS, Options{Source: "HCPC2025_APR_ANWEB.txt", Version: "2025-Q2", Effective: date(2025, 4, 1)}, "2025-Q2", date(2025, 4, 1), date(2025, 12, 31), ""},
		{MUE, Options{Source: "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026.csv"}, "MCR_MUE_OutpatientHospitalServices_Eff_04-01-2026", date(2026, 4, 1), claimgate.Date{}, ""},
		{MUE, Options{Source: "mue.csv"}, "", claimgate.Date{}, claimgate.Date{}, "MUE: the file's rows carry no dates: give the date the table takes effect (the first day of its quarter)"},
		{PTP, Options{Source: "ccipra-v321r0-f2.txt", Effective: date(2026, 1, 1)}, "ccipra-v321r0-f2", date(2026, 1, 1), claimgate.Date{}, ""},
		{PTP, Options{Source: "ccipra-v321r0-f2.txt"}, "", claimgate.Date{}, claimgate.Date{}, "NCCI PTP: give the date the file takes effect (the first day of its quarter): each quarter's file replaces the last"},
		{CARC, Options{Source: "carc.csv"}, "carc", claimgate.Date{}, claimgate.Date{}, ""},
		{ICD10CM, Options{Source: "icd10cm-order-2026.txt", Effective: date(2026, 11, 1)}, "", claimgate.Date{}, claimgate.Date{}, "ICD-10-CM FY2026: effective date 2026-11-01 is after the set's end 2026-09-30"},
	}
	for _, tc := range tests {
		v, from, to, err := DefaultVersion(tc.kind, tc.opt)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("DefaultVersion(%s, %+v) error = %v, want %s", tc.kind, tc.opt, err, tc.err)
			}
			continue
		}
		if err != nil || v != tc.version || from != tc.from || to != tc.to {
			t.Errorf("DefaultVersion(%s, %+v) = %q, %s, %s, %v; want %q, %s, %s", tc.kind, tc.opt, v, from, to, err, tc.version, tc.from, tc.to)
		}
	}
}

func TestParseCPT(t *testing.T) {
	_, err := Parse(CPT, strings.NewReader("99213\n"), Options{Source: "cpt.txt"})
	if claimgate.ErrorKind(err) != claimgate.Invalid {
		t.Errorf("Parse(cpt) = %v, want Invalid: CPT is not imported", err)
	}
}

// TestParsePCS reads the ICD-10-PCS order file, which shares the ICD-10-CM
// layout: headers of 3 to 6 characters, codes of 7.
func TestParsePCS(t *testing.T) {
	in := icdLine(1, "001", '0', "Central Nervous System and Cranial Nerves, Bypass", "Central Nervous System and Cranial Nerves, Bypass") + "\r\n" +
		icdLine(2, "0016070", '1', "Bypass Cereb Vent to Nasophar w Auto Sub, Open Approach", "Bypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, Open Approach") + "\r\n" +
		icdLine(3, "0DTJ4ZZ", '1', "Resection of Appendix, Perc Endo Approach", "Resection of Appendix, Percutaneous Endoscopic Approach") + "\r\n"
	s, err := Parse(ICD10PCS, strings.NewReader(in), Options{Source: "icd10pcs_order_2024.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(summary{ICD10PCS, "FY2024", "2023-10-01", "2024-09-30", 3, 2}, summarize(s)); d != "" {
		t.Errorf("set (-want +got):\n%s", d)
	}
	ix := NewIndex(s)
	dos := date(2024, 2, 1)
	for _, tc := range []struct {
		code   string
		status Status
		msg    string
	}{
		{"0dtj4zz", Valid, "ICD-10-PCS 0DTJ4ZZ is valid on 2024-02-01"},
		{"001", NotBillable, "ICD-10-PCS 001 is a header, not billable: code to a leaf (0016070)"},
		{"0DTJ4ZO", BadFormat, `ICD-10-PCS "0DTJ4ZO" is not well formed: want 7 letters or digits (no I or O)`},
	} {
		if r := ix.Validate(ICD10PCS, tc.code, dos); r.Status != tc.status || r.Message() != tc.msg {
			t.Errorf("Validate(%s) = %v %q, want %v %q", tc.code, r.Status, r.Message(), tc.status, tc.msg)
		}
	}
	bad := strings.Replace(in, "0DTJ4ZZ", "0DTJ4IZ", 1)
	if _, err := Parse(ICD10PCS, strings.NewReader(bad), Options{Source: "icd10pcs_order_2024.txt"}); err == nil ||
		err.Error() != `line 3: code "0DTJ4IZ": not an ICD-10-PCS code: want 7 letters or digits (no I or O)` {
		t.Errorf("Parse(PCS with I) = %v", err)
	}
}
