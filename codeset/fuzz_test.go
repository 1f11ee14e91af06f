package codeset

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/internal/testshared"
)

// seed adds the first n lines of each file as a seed.
func seed(f *testing.F, n int, paths ...string) {
	f.Helper()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		lines := bytes.SplitAfter(b, []byte("\n"))
		if len(lines) > n {
			lines = lines[:n]
		}
		f.Add(bytes.Join(lines, nil))
	}
}

// fuzzParse checks what every parser must do on any input: not panic,
// refuse with a *ParseError or succeed, and on success give sets whose
// every entry is well formed, the same on a second parse.
func fuzzParse(t *testing.T, kind Kind, source string, b []byte) {
	opt := Options{Source: source, Effective: date(2024, 1, 1)}
	s, err := Parse(kind, bytes.NewReader(b), opt)
	if err != nil {
		if _, ok := err.(*ParseError); !ok {
			t.Fatalf("Parse error %T %v, want a *ParseError", err, err)
		}
		return
	}
	{
		if s.Count != len(s.Codes)+len(s.Edits)+len(s.Limits) || s.Count == 0 {
			t.Errorf("%s: Count %d for %d codes, %d edits, %d limits", s.Kind, s.Count, len(s.Codes), len(s.Edits), len(s.Limits))
		}
		for _, c := range s.Codes {
			if !wellFormed(s.Kind, c.Code) {
				t.Errorf("%s: code %q is not well formed", s.Kind, c.Code)
			}
		}
		for _, e := range s.Edits {
			if !wellFormed(PTP, e.Column1) || !wellFormed(PTP, e.Column2) || e.From.IsZero() {
				t.Errorf("edit %+v", e)
			}
		}
		for _, m := range s.Limits {
			if !wellFormed(MUE, m.Code) || m.MaxUnits < 0 || m.Adjudication < 1 || m.Adjudication > 3 {
				t.Errorf("limit %+v", m)
			}
		}
	}
	again, err := Parse(kind, bytes.NewReader(b), opt)
	if err != nil {
		t.Fatalf("second Parse: %v", err)
	}
	if d := cmp.Diff(s, again); d != "" {
		t.Errorf("second Parse differs:\n%s", d)
	}
	NewIndex(s) // must not panic either
}

func FuzzParseOrder(f *testing.F) {
	seed(f, 40, testshared.Path(f, "codesets", "icd10cm", "icd10cm-order-2022.txt"), "builtin/icd10cm.txt")
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, ICD10CM, "icd10cm-order-2026.txt", b) })
}

func FuzzParseHCPCS(f *testing.F) {
	seed(f, 40, "testdata/HCPC2024_ANWEB_claimgate.txt", "builtin/hcpcs.txt")
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, HCPCS, "HCPC2026_ANWEB.txt", b) })
}

func FuzzParsePTP(f *testing.F) {
	seed(f, 40, "testdata/ccipra-v301r0-f1-claimgate.txt", "builtin/ncci_ptp.txt")
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, PTP, "ccipra-v321r0-f1.txt", b) })
}

func FuzzParseMUE(f *testing.F) {
	seed(f, 40, "testdata/MCR_MUE_PractitionerServices_Eff_01-01-2024_claimgate.csv", "builtin/mue.csv")
	f.Fuzz(func(t *testing.T, b []byte) { fuzzParse(t, MUE, "mue.csv", b) })
}

// FuzzParseList covers the CSV lists; the first byte picks the kind.
func FuzzParseList(f *testing.F) {
	kinds := []Kind{POS, CARC, RARC, Revenue, Modifier}
	for i, p := range []string{
		testshared.Path(f, "codesets", "cms", "place_of_service.csv"),
		testshared.Path(f, "codesets", "x12", "carc.csv"),
		"testdata/rarc.csv", "builtin/revenue.csv", "builtin/modifier.csv",
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 4000 {
			b = b[:4000]
		}
		f.Add(append([]byte{byte(i)}, b...))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		k := kinds[int(b[0])%len(kinds)]
		fuzzParse(t, k, string(k)+".csv", b[1:])
	})
}
