package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/claimgate/claimgate/internal/testshared"
)

func TestCodesets(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	bad := filepath.Join(t.TempDir(), "icd10cm-order-2026.txt")
	line := "00001 A00     0 Cholera                                                      Cholera\r\n"
	if err := os.WriteFile(bad, []byte(line+strings.Replace(line, "00001 A00     0", "00002 A000    X", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	pos := testshared.Path(t, "codesets", "cms", "place_of_service.csv")
	rarc := filepath.Join("..", "..", "codeset", "testdata", "rarc.csv")
	ptp := filepath.Join("..", "..", "codeset", "testdata", "ccipra-v301r0-f1-claimgate.txt")
	tests := []struct {
		args []string
		code int
		out  string // a regexp the whole of stdout must match
		err  string // a substring of stderr
	}{
		{[]string{"import", "pos", pos}, 0, `^imported pos place_of_service: 52 codes in \d+\.\ds\n$`, ""},
		{[]string{"import", "pos", pos, "--version", "again"}, 0, `^already imported: pos place_of_service, 52 codes, imported \d{4}-\d\d-\d\d \d\d:\d\d UTC: nothing changed\n$`, ""},
		{[]string{"import", "rarc", rarc, "--effective", "2024-03-01"}, 0, `^imported rarc rarc: 8 codes in `, ""},
		{[]string{"import", "ncci_ptp", ptp, "--effective", "2024-01-01"}, 0, `^imported ncci_ptp ccipra-v301r0-f1-claimgate: 8 edits in `, ""},
		{[]string{"import", "icd10cm", bad}, 1, `^$`, `claimgate codesets: icd10cm-order-2026.txt: line 2: billable flag "X": want 0 or 1`},
		{[]string{"import", "carc", rarc}, 1, `^$`, `line 1: header "code,status,description": want "code,status,requires_rarc,refer_835_policy_ref,abridged,description"`},
		{[]string{"import", "cpt", rarc}, 1, `^$`, "CPT is checked by format"},
		{[]string{"import", "icd9", rarc}, 1, `^$`, `unknown code set kind "icd9"`},
		{[]string{"import", "pos"}, 2, `^$`, "Usage: claimgate codesets import KIND FILE"},
		{[]string{"import", "mue", rarc}, 1, `^$`, "MUE: the file's rows carry no dates"},
		{[]string{"list"}, 0, `(?s)^KIND +VERSION .*\npos +place_of_service +- +- +52 codes +place_of_service.csv +\d{4}-.*\nicd10cm +built-in +- +- +135 codes \(76 billable\) +built-in/icd10cm.txt +-\n`, ""},
		{[]string{"list", "--kind", "rarc"}, 0, `^KIND +VERSION +FROM +TO +ENTRIES +SOURCE +IMPORTED\nrarc +rarc +2024-03-01 +- +8 codes +rarc.csv +\d{4}-\d\d-\d\d \d\d:\d\d\n$`, ""},
		{[]string{"check", "icd10cm", "E11", "--date", "2026-03-02"}, 1,
			`^ICD-10-CM E11 is a category header, not billable: code to a leaf \(E11\.8, E11\.9, E11\.21, \.\.\.\)\n  Type 2 diabetes mellitus\n$`, ""},
		{[]string{"check", "icd10cm", "e11.65", "--date", "2026-03-02"}, 0, `^ICD-10-CM E11\.65 is valid on 2026-03-02\n  Type 2 diabetes mellitus with hyperglycemia\n$`, ""},
		{[]string{"check", "icd10cm", "E1.1"}, 1, `^ICD-10-CM "E1\.1" is not well formed: `, ""},
		{[]string{"check", "pos", "27", "--date", "2026-03-02"}, 0, `^Place of service 27 is valid on 2026-03-02\n  Outreach Site/Street\n$`, ""},
		{[]string{"check", "rarc", "N33", "--date", "2026-03-02"}, 1, `^RARC N33 is deactivated: not valid on 2026-03-02\n`, ""},
		{[]string{"check", "ncci_ptp", "36416", "36415", "--date", "2015-06-01"}, 1,
			`^NCCI PTP edit on 2015-06-01: 36416 is denied with 36415 \(modifier indicator 1: an NCCI PTP-associated modifier on 36416 may bypass it where clinically appropriate\); Standards of medical / surgical practice\n$`, ""},
		{[]string{"check", "ncci_ptp", "99213", "36415", "--date", "2024-06-01"}, 0, `^no NCCI PTP edit between 99213 and 36415 on 2024-06-01\n$`, ""},
		{[]string{"check", "mue", "j1100", "--date", "2024-06-01"}, 0, `^MUE for J1100 on 2024-06-01: at most 40 units \(adjudication indicator 3\)\n$`, ""},
		{[]string{"check", "ncci_ptp", "99213"}, 2, `^$`, "Usage: claimgate codesets check"},
		{[]string{"bogus"}, 2, `^$`, `unknown subcommand "bogus"`},
		{nil, 2, `^$`, "claimgate codesets import KIND FILE"},
	}
	for _, tc := range tests {
		args := append([]string{"codesets"}, tc.args...)
		if len(tc.args) > 0 && tc.args[0] != "bogus" {
			args = append(args, "--db", db)
		}
		e, out, errb := testEnv("")
		code := run(context.Background(), e, args)
		if code != tc.code {
			t.Errorf("run(%q) = %d, want %d; stdout %q, stderr %q", tc.args, code, tc.code, out, errb)
		}
		if !regexp.MustCompile(tc.out).MatchString(out.String()) {
			t.Errorf("run(%q) stdout %q, want to match %q", tc.args, out, tc.out)
		}
		if !strings.Contains(errb.String(), tc.err) {
			t.Errorf("run(%q) stderr %q, want %q", tc.args, errb, tc.err)
		}
	}
}
