package codeset

import (
	"testing"

	"github.com/claimgate/claimgate"
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
