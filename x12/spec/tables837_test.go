package spec

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The facts below are ones a biller relies on when an 837 is rejected: if one
// of them changes, a table edit has changed what claimgate accepts.

const (
	v837P = "005010X222A1"
	v837I = "005010X223A2"
)

// lookup837 returns the built-in 837 table of version v.
func lookup837(t *testing.T, v string) *Transaction {
	t.Helper()
	tr, ok := Lookup("837", v)
	if !ok {
		t.Fatalf("Lookup(837, %s): no table", v)
	}
	return tr
}

// children837 returns the children of l, reading through wrapper loops
// (HEADER, DETAIL) as the engine does.
func children837(l *Loop) []Node {
	var out []Node
	for _, n := range l.Children {
		if n.Loop != nil && n.Loop.Wrapper {
			out = append(out, children837(n.Loop)...)
			continue
		}
		out = append(out, n)
	}
	return out
}

// loop837 follows a slash-separated path of loop IDs from the root of tr,
// such as "2000A/2000B/2000C/2300".
func loop837(t *testing.T, tr *Transaction, path string) *Loop {
	t.Helper()
	l := &tr.Root
	for _, id := range strings.Split(path, "/") {
		var next *Loop
		for _, n := range children837(l) {
			if n.Loop != nil && n.Loop.ID == id {
				next = n.Loop
				break
			}
		}
		if next == nil {
			t.Fatalf("%s: no loop %s on path %s", tr.Version, id, path)
		}
		l = next
	}
	return l
}

// segment837 returns the segment id of loop l whose first key element allows
// code, or the first segment id when code is empty.
func segment837(t *testing.T, l *Loop, id, code string) *Segment {
	t.Helper()
	for _, n := range children837(l) {
		s := n.Segment
		if s == nil || s.ID != id {
			continue
		}
		if code == "" {
			return s
		}
		if keys := s.Keys(); len(keys) > 0 && slices.Contains(keyCodes837(keys[0]), code) {
			return s
		}
	}
	t.Fatalf("loop %s: no segment %s with key %q", l.ID, id, code)
	return nil
}

// keyCodes837 returns the codes of key element e, or of its key component.
func keyCodes837(e Element) []string {
	for _, c := range e.Components {
		if c.Key {
			return c.Codes
		}
	}
	return e.Codes
}

// element837 returns the element at pos (and component comp, when not 0) of s.
func element837(t *testing.T, s *Segment, pos, comp int) Element {
	t.Helper()
	for _, e := range s.Elements {
		if e.Pos != pos {
			continue
		}
		if comp == 0 {
			return e
		}
		for _, c := range e.Components {
			if c.Pos == comp {
				return c
			}
		}
	}
	t.Fatalf("%s: no element %02d-%d", s.ID, pos, comp)
	return Element{}
}

func TestTables837Aliases(t *testing.T) {
	tests := []struct {
		version, want string
	}{
		{"005010X222A1", v837P},
		{"005010X222A2", v837P},
		{"005010X223A1", v837I},
		{"005010X223A2", v837I},
		{"005010X223A3", v837I},
	}
	for _, tt := range tests {
		if got := lookup837(t, tt.version).Version; got != tt.want {
			t.Errorf("Lookup(837, %s).Version = %s, want %s", tt.version, got, tt.want)
		}
	}
}

func TestTables837Loops(t *testing.T) {
	tests := []struct {
		version, path string
		usage         Usage
		repeat        int
	}{
		{v837P, "2000A", Required, Unbounded},
		{v837P, "2000A/2000B", Required, Unbounded},
		{v837P, "2000A/2000B/2300", Situational, 100},
		{v837P, "2000A/2000B/2000C", Situational, Unbounded},
		{v837P, "2000A/2000B/2000C/2300", Required, 100},
		{v837P, "2000A/2000B/2000C/2300/2310A", Situational, 2},
		{v837P, "2000A/2000B/2000C/2300/2320", Situational, 10},
		{v837P, "2000A/2000B/2000C/2300/2400", Required, 50},
		{v837P, "2000A/2000B/2000C/2300/2400/2430", Situational, 15},
		{v837P, "2000A/2000B/2000C/2300/2400/2440", Situational, Unbounded},
		{v837I, "2000A/2000B/2000C/2300", Required, 100},
		{v837I, "2000A/2000B/2000C/2300/2320", Situational, 10},
		{v837I, "2000A/2000B/2000C/2300/2320/2330I", Situational, 1},
		{v837I, "2000A/2000B/2000C/2300/2400", Required, 999},
		{v837I, "2000A/2000B/2000C/2300/2400/2420D", Situational, 1},
	}
	for _, tt := range tests {
		t.Run(tt.version+"/"+tt.path, func(t *testing.T) {
			l := loop837(t, lookup837(t, tt.version), tt.path)
			if l.Usage != tt.usage || l.Repeat != tt.repeat {
				t.Errorf("loop %s = %s %s, want %s %s", l.ID, l.Usage, repeat837(l.Repeat), tt.usage, repeat837(tt.repeat))
			}
		})
	}
}

func TestTables837Segments(t *testing.T) {
	tests := []struct {
		version, path, seg, key string
		usage                   Usage
		maxUse                  int
	}{
		{v837P, "2000A/2000B/2000C/2300", "CLM", "", Required, 1},
		{v837P, "2000A/2000B/2000C/2300", "HI", "ABK", Required, 1},
		{v837P, "2000A/2000B/2000C/2300", "HI", "BG", Situational, 2},
		{v837P, "2000A/2000B/2000C/2300", "REF", "G1", Situational, 1},
		{v837P, "2000A/2000B/2000C/2300", "DTP", "431", Situational, 1},
		{v837P, "2000A/2000B/2000C/2300/2320", "OI", "", Required, 1},
		{v837P, "2000A/2000B/2000C/2300/2320", "CAS", "", Situational, 5},
		{v837P, "2000A/2000B/2000C/2300/2400", "SV1", "", Required, 1},
		{v837P, "2000A/2000B/2000C/2300/2400", "DTP", "472", Required, 1},
		{v837P, "2000A/2000B/2000C/2300/2400/2440", "FRM", "", Required, 99},
		{v837I, "2000A/2000B/2000C/2300", "CLM", "", Required, 1},
		{v837I, "2000A/2000B/2000C/2300", "DTP", "434", Required, 1},
		{v837I, "2000A/2000B/2000C/2300", "CL1", "", Required, 1},
		{v837I, "2000A/2000B/2000C/2300", "HI", "ABK", Required, 1},
		{v837I, "2000A/2000B/2000C/2300", "HI", "ABF", Situational, 2},
		{v837I, "2000A/2000B/2000C/2300", "HI", "BE", Situational, 2},
		{v837I, "2000A/2000B/2000C/2300/2400", "SV2", "", Required, 1},
		{v837I, "2000A/2000B/2000C/2300/2400", "DTP", "472", Situational, 1},
	}
	for _, tt := range tests {
		t.Run(tt.version+"/"+tt.path+"/"+tt.seg+tt.key, func(t *testing.T) {
			s := segment837(t, loop837(t, lookup837(t, tt.version), tt.path), tt.seg, tt.key)
			if s.Usage != tt.usage || s.MaxUse != tt.maxUse {
				t.Errorf("%s %q = %s %s, want %s %s", s.ID, s.Name, s.Usage, repeat837(s.MaxUse), tt.usage, repeat837(tt.maxUse))
			}
		})
	}
}

func TestTables837Elements(t *testing.T) {
	tests := []struct {
		version, path, seg, key string
		pos, comp               int
		usage                   Usage
		key2                    bool     // the element is a key
		codes                   []string // nil: any value
	}{
		{v837P, "2000A", "HL", "20", 3, 0, Required, true, []string{"20"}},
		{v837P, "2000A/2000B", "HL", "22", 3, 0, Required, true, []string{"22"}},
		{v837P, "2000A/2000B/2000C", "HL", "23", 3, 0, Required, true, []string{"23"}},
		{v837P, "2000A/2010AA", "NM1", "85", 1, 0, Required, true, []string{"85"}},
		{v837P, "2000A/2000B/2010BA", "NM1", "IL", 1, 0, Required, true, []string{"IL"}},
		{v837P, "2000A/2000B/2010BB", "NM1", "PR", 1, 0, Required, true, []string{"PR"}},
		{v837P, "2000A/2000B", "SBR", "", 1, 0, Required, false, []string{"A", "B", "C", "D", "E", "F", "G", "H", "P", "S", "T", "U"}},
		{v837P, "2000A/2000B/2000C/2300", "CLM", "", 5, 2, Required, false, []string{"B"}},
		{v837P, "2000A/2000B/2000C/2300", "CLM", "", 5, 3, Required, false, nil},
		{v837P, "2000A/2000B/2000C/2300", "HI", "ABK", 1, 1, Required, true, []string{"ABK", "BK"}},
		{v837P, "2000A/2000B/2000C/2300", "HI", "ABK", 12, 1, Required, false, []string{"ABF", "BF"}},
		{v837P, "2000A/2000B/2000C/2300", "HI", "ABK", 12, 0, Situational, false, nil},
		{v837P, "2000A/2000B/2000C/2300/2400", "SV1", "", 1, 1, Required, false, []string{"ER", "HC", "IV", "WK"}},
		{v837P, "2000A/2000B/2000C/2300/2400", "SV1", "", 3, 0, Required, false, []string{"MJ", "UN"}},
		{v837I, "2000A/2000B/2000C/2300", "CLM", "", 5, 2, Required, false, []string{"A"}},
		{v837I, "2000A/2000B/2000C/2300", "HI", "ABK", 1, 9, Situational, false, []string{"N", "U", "W", "Y"}},
		{v837I, "2000A/2000B/2000C/2300", "HI", "ABJ", 1, 1, Required, true, []string{"ABJ", "BJ"}},
		{v837I, "2000A/2000B/2000C/2300", "HI", "APR", 1, 1, Required, true, []string{"APR", "PR"}},
		{v837I, "2000A/2000B/2000C/2300", "HI", "ABN", 1, 1, Required, true, []string{"ABN", "BN"}},
		{v837I, "2000A/2000B/2000C/2300/2310A", "NM1", "71", 1, 0, Required, true, []string{"71"}},
		{v837I, "2000A/2000B/2000C/2300/2400", "SV2", "", 2, 1, Required, false, []string{"ER", "HC", "HP", "IV", "WK"}},
	}
	for _, tt := range tests {
		name := tt.version + "/" + tt.path + "/" + tt.seg + tt.key
		t.Run(name, func(t *testing.T) {
			s := segment837(t, loop837(t, lookup837(t, tt.version), tt.path), tt.seg, tt.key)
			e := element837(t, s, tt.pos, tt.comp)
			if e.Usage != tt.usage || e.Key != tt.key2 {
				t.Errorf("%s%02d-%d = %s key %t, want %s key %t", s.ID, tt.pos, tt.comp, e.Usage, e.Key, tt.usage, tt.key2)
			}
			if diff := cmp.Diff(tt.codes, e.Codes); diff != "" {
				t.Errorf("%s%02d-%d codes (-want +got):\n%s", s.ID, tt.pos, tt.comp, diff)
			}
		})
	}
}

// TestTables837HIPositions checks that the diagnosis HI segments carry twelve
// code positions, each a C022 composite.
func TestTables837HIPositions(t *testing.T) {
	tests := []struct{ version, key string }{
		{v837P, "ABK"},
		{v837I, "ABF"},
	}
	for _, tt := range tests {
		s := segment837(t, loop837(t, lookup837(t, tt.version), "2000A/2000B/2000C/2300"), "HI", tt.key)
		var n int
		for _, e := range s.Elements {
			if e.IsComposite() && e.Usage != NotUsed {
				n++
			}
		}
		if n != 12 {
			t.Errorf("%s HI[%s]: %d composite positions used, want 12", tt.version, tt.key, n)
		}
	}
}

// TestTables837ClaimCopies checks that the two copies of loop 2300 (under the
// subscriber and under the patient) differ only in their usage.
func TestTables837ClaimCopies(t *testing.T) {
	for _, v := range []string{v837P, v837I} {
		tr := lookup837(t, v)
		sub := *loop837(t, tr, "2000A/2000B/2300")
		pat := *loop837(t, tr, "2000A/2000B/2000C/2300")
		sub.Usage, pat.Usage = 0, 0
		if diff := cmp.Diff(sub, pat); diff != "" {
			t.Errorf("%s: 2300 under 2000B and under 2000C differ (-2000B +2000C):\n%s", v, diff)
		}
	}
}

// repeat837 writes a repeat or max use as the guide does.
func repeat837(n int) string {
	if n == Unbounded {
		return ">1"
	}
	return strconv.Itoa(n)
}
