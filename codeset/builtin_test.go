package codeset

import (
	"testing"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/internal/testshared"
)

func TestBuiltIn(t *testing.T) {
	sets := BuiltIn()
	got := map[Kind]int{}
	for _, s := range sets {
		if s.Version != BuiltInVersion || !s.From.IsZero() || !s.To.IsZero() {
			t.Errorf("built-in %s: version %q, %s..%s, want %q open-ended", s.Kind, s.Version, s.From, s.To, BuiltInVersion)
		}
		if len(s.SHA256) != 64 {
			t.Errorf("built-in %s: SHA-256 %q", s.Kind, s.SHA256)
		}
		got[s.Kind] = s.Count
	}
	for _, k := range Kinds {
		if k == ICD10PCS {
			continue
		}
		if got[k] == 0 {
			t.Errorf("built-in has no %s set", k)
		}
	}
	ix := NewIndex(sets...)
	dos := claimgate.Date{Year: 2031, Month: 7, Day: 4}
	for _, tc := range []struct {
		kind Kind
		code string
	}{
		{ICD10CM, "E11.9"}, {ICD10CM, "S93.401A"}, {HCPCS, "G0439"}, {Modifier, "25"}, {Modifier, "XS"},
		{POS, "11"}, {Revenue, "0450"}, {CARC, "45"}, {RARC, "N130"}, {CPT, "99213"},
	} {
		if r := ix.Validate(tc.kind, tc.code, dos); r.Status != Valid {
			t.Errorf("Validate(%s, %s) = %v: %s", tc.kind, tc.code, r.Status, r.Message())
		}
	}
	if _, ok := ix.PTPEdit("80048", "80053", dos); !ok {
		t.Errorf("PTPEdit(80048, 80053) not found")
	}
	if m, ok := ix.MUE("J1100", dos); !ok || m.MaxUnits != 40 {
		t.Errorf("MUE(J1100) = %+v, %v", m, ok)
	}
}

// TestBuiltInAgainstOfficial holds the built-in lists to the official files
// in ../shared/codesets: every built-in place of service, CARC and
// ICD-10-CM code is in them, with the same status and billable flag.
func TestBuiltInAgainstOfficial(t *testing.T) {
	official := map[Kind]*Set{
		POS:     parseFile(t, POS, testshared.Path(t, "codesets", "cms", "place_of_service.csv"), Options{}),
		CARC:    parseFile(t, CARC, testshared.Path(t, "codesets", "x12", "carc.csv"), Options{}),
		ICD10CM: parseFile(t, ICD10CM, testshared.Path(t, "codesets", "icd10cm", "icd10cm-order-2022.txt"), Options{}),
	}
	for _, s := range BuiltIn() {
		o := official[s.Kind]
		if o == nil {
			continue
		}
		for _, c := range s.Codes {
			oc, ok := findCode(o, c.Code)
			switch {
			case !ok:
				t.Errorf("built-in %s %s is not in %s", s.Kind, c.Code, o.Source)
			case oc.Billable != c.Billable || oc.Deactivated != c.Deactivated:
				t.Errorf("built-in %s %s: billable %v, deactivated %v; %s says %v, %v", s.Kind, c.Code, c.Billable, c.Deactivated, o.Source, oc.Billable, oc.Deactivated)
			}
		}
		if s.Kind == POS && s.Count != o.Count {
			t.Errorf("built-in place of service has %d codes, the CMS list %d", s.Count, o.Count)
		}
	}
}
