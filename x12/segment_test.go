package x12

import (
	"testing"
)

func TestSegmentAccessors(t *testing.T) {
	s := ParseSegment([]byte("EB*1**1^33:A^47*HM*GOLD 123 PLAN**"), DefaultDelimiters)
	if s.ID != "EB" || s.Len() != 7 {
		t.Fatalf("ID %q Len %d, want EB 7", s.ID, s.Len())
	}
	str := func(b []byte) string {
		if b == nil {
			return "<nil>"
		}
		return string(b)
	}
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"Element(0)", s.Element(0), "EB"},
		{"Element(1)", s.Element(1), "1"},
		{"Element(2)", s.Element(2), ""},
		{"Element(3)", s.Element(3), "1^33:A^47"},
		{"Element(5)", s.Element(5), "GOLD 123 PLAN"},
		{"Element(7)", s.Element(7), ""},
		{"Element(8)", s.Element(8), "<nil>"},
		{"Element(-1)", s.Element(-1), "<nil>"},
		{"Repetition(3, 1)", s.Repetition(3, 1), "1"},
		{"Repetition(3, 2)", s.Repetition(3, 2), "33:A"},
		{"Repetition(3, 3)", s.Repetition(3, 3), "47"},
		{"Repetition(3, 4)", s.Repetition(3, 4), "<nil>"},
		{"Repetition(1, 1)", s.Repetition(1, 1), "1"},
		{"RepetitionComponent(3, 2, 2)", s.RepetitionComponent(3, 2, 2), "A"},
		{"RepetitionComponent(3, 2, 3)", s.RepetitionComponent(3, 2, 3), "<nil>"},
		{"Component(3, 1)", s.Component(3, 1), "1"},
		{"Component(3, 2)", s.Component(3, 2), "<nil>"},
		{"Component(4, 1)", s.Component(4, 1), "HM"},
		{"Component(9, 1)", s.Component(9, 1), "<nil>"},
		{"Component(4, 0)", s.Component(4, 0), "<nil>"},
	}
	for _, tt := range tests {
		if got := str(tt.got); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.name, got, tt.want)
		}
	}
	counts := []struct {
		name      string
		got, want int
	}{
		{"Repetitions(3)", s.Repetitions(3), 3},
		{"Repetitions(1)", s.Repetitions(1), 1},
		{"Repetitions(2)", s.Repetitions(2), 0},
		{"Repetitions(9)", s.Repetitions(9), 0},
		{"Components(3)", s.Components(3), 1},
		{"Components(2)", s.Components(2), 0},
	}
	for _, c := range counts {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	sv := ParseSegment([]byte("SV1*HC:99213:25::*100"), DefaultDelimiters)
	if n := sv.Components(1); n != 5 {
		t.Errorf("Components(1) of HC:99213:25:: = %d, want 5", n)
	}
	if got := string(sv.Component(1, 3)); got != "25" {
		t.Errorf("Component(1, 3) = %q, want 25", got)
	}
	if got := sv.ElementString(2); got != "100" {
		t.Errorf("ElementString(2) = %q", got)
	}
	if got := sv.String(); got != "SV1*HC:99213:25::*100~" {
		t.Errorf("String() = %q", got)
	}
}

// TestSegmentISA checks that ISA11 and ISA16, which hold delimiters, read
// as plain one-byte elements.
func TestSegmentISA(t *testing.T) {
	s := ParseSegment([]byte(testISA(DefaultDelimiters, "000000001")[:105]), DefaultDelimiters)
	if s.Len() != 16 || string(s.Element(11)) != "^" || string(s.Component(16, 1)) != ":" || s.Repetitions(11) != 1 || s.Components(16) != 1 {
		t.Errorf("ISA11 %q ISA16 %q, reps %d comps %d", s.Element(11), s.Component(16, 1), s.Repetitions(11), s.Components(16))
	}
}

func TestSegmentClone(t *testing.T) {
	raw := []byte("CLP*A1*1*100")
	s := ParseSegment(raw, DefaultDelimiters)
	c := s.Clone()
	copy(raw, "XXXXXXXXXXXX")
	if c.ID != "CLP" || string(c.Element(3)) != "100" || string(c.Raw()) != "CLP*A1*1*100" {
		t.Errorf("clone changed with its source: %q", c.Raw())
	}
	// Slices handed out cannot grow into the next element.
	el := c.Element(1)
	_ = append(el, 'Z')
	if string(c.Element(2)) != "1" || string(c.Raw()) != "CLP*A1*1*100" {
		t.Errorf("append to an element changed the segment: %q", c.Raw())
	}
}

func TestIDCache(t *testing.T) {
	var c idCache
	// More IDs than the table holds, twice over.
	for range 2 {
		for i := range 1000 {
			id := []byte{'A' + byte(i%26), 'A' + byte(i/26%26), '0' + byte(i/676)}
			if got := c.get(id, idKey(id)); got != string(id) {
				t.Fatalf("get(%q) = %q", id, got)
			}
		}
	}
	for _, id := range []string{"NM1", "N1", "N1", "NM1", "ISA", "A", "ABCD", "N\x001", "N\x00"} {
		if got := c.get([]byte(id), idKey([]byte(id))); got != id {
			t.Errorf("get(%q) = %q", id, got)
		}
	}
}
