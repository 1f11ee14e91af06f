package spec

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// structureProblems returns what is wrong with the shape of a compiled
// table: things the compiler guarantees for any table it accepts.
func structureProblems(tr *Transaction) []string {
	var probs []string
	first, last := "ST", "SE"
	if tr.ID == "ISA" {
		first, last = "ISA", "IEA"
	}
	ch := tr.Root.Children
	if len(ch) == 0 || ch[0].Segment == nil || ch[0].Segment.ID != first {
		probs = append(probs, fmt.Sprintf("root does not start with %s", first))
	}
	if len(ch) == 0 || ch[len(ch)-1].Segment == nil || ch[len(ch)-1].Segment.ID != last {
		probs = append(probs, fmt.Sprintf("root does not end with %s", last))
	}
	var walk func(path string, l *Loop)
	walk = func(path string, l *Loop) {
		if len(l.Children) == 0 {
			probs = append(probs, path+": empty")
		} else if !l.Wrapper && l.Children[0].Segment == nil {
			probs = append(probs, path+": first child is not a segment")
		}
		for _, n := range l.Children {
			switch {
			case (n.Segment == nil) == (n.Loop == nil):
				probs = append(probs, path+": node with both or neither of segment and loop")
			case n.Loop != nil:
				walk(path+"/"+n.Loop.ID, n.Loop)
			default:
				s := n.Segment
				for i, e := range s.Elements {
					if e.Pos != i+1 {
						probs = append(probs, fmt.Sprintf("%s %s: element %d has Pos %d", path, s.ID, i+1, e.Pos))
					}
					for j, c := range e.Components {
						if c.Pos != j+1 {
							probs = append(probs, fmt.Sprintf("%s %s%02d: component %d has Pos %d", path, s.ID, e.Pos, j+1, c.Pos))
						}
					}
				}
			}
		}
	}
	walk(tr.Root.ID, &tr.Root)
	return probs
}

// keyCodes returns the codes of s's key elements (and key components) by
// position: "01", "01-1".
func keyCodes(s *Segment) map[string][]string {
	keys := make(map[string][]string)
	for _, e := range s.Elements {
		if !e.Key {
			continue
		}
		if !e.IsComposite() {
			keys[fmt.Sprintf("%02d", e.Pos)] = e.Codes
			continue
		}
		for _, c := range e.Components {
			if c.Key {
				keys[fmt.Sprintf("%02d-%d", e.Pos, c.Pos)] = c.Codes
			}
		}
	}
	return keys
}

// distinct reports whether two segments with the same ID can be told apart:
// some key position of both has no code in common.
func distinct(a, b *Segment) bool {
	ka, kb := keyCodes(a), keyCodes(b)
	for pos, ca := range ka {
		cb, ok := kb[pos]
		if !ok {
			continue
		}
		shared := false
		for _, code := range ca {
			shared = shared || slices.Contains(cb, code)
		}
		if !shared {
			return true
		}
	}
	return false
}

// wellFormed returns what is wrong with a compiled table: its structure, and
// the rules a reader needs to place each segment: where two segments with
// the same ID can appear in the same place (in one loop, or as the triggers
// of sibling loops, or a sibling loop's trigger and a segment of the parent),
// both have keys and no key code is shared.
func wellFormed(tr *Transaction) []string {
	probs := structureProblems(tr)
	if tr.ID != "ISA" && len(tr.Root.Children) > 0 && tr.Root.Children[0].Segment != nil {
		st := tr.Root.Children[0].Segment
		if len(st.Elements) < 3 || !slices.Equal(st.Elements[0].Codes, []string{tr.ID}) {
			probs = append(probs, fmt.Sprintf("ST01 codes are not [%s]", tr.ID))
		} else if c := st.Elements[2].Codes; len(c) > 0 && !slices.Contains(c, tr.Version) {
			probs = append(probs, fmt.Sprintf("ST03 codes %v lack version %s", c, tr.Version))
		}
	}
	var walk func(path string, l *Loop)
	walk = func(path string, l *Loop) {
		loopIDs := make(map[string]bool)
		type placed struct {
			where string
			seg   *Segment
		}
		var here []placed // segments that can appear at this level
		for _, n := range ourChildren(l) {
			if n.Segment != nil {
				here = append(here, placed{path + " " + n.Segment.ID, n.Segment})
				for _, e := range n.Segment.Elements {
					if e.Key && e.Usage != Required {
						probs = append(probs, fmt.Sprintf("%s %s%02d: key is %s, want R", path, n.Segment.ID, e.Pos, e.Usage))
					}
				}
				continue
			}
			sub := n.Loop
			subPath := path + "/" + sub.ID
			if loopIDs[sub.ID] {
				probs = append(probs, subPath+": loop ID used twice in its parent")
			}
			loopIDs[sub.ID] = true
			trig := sub.Children[0].Segment
			if trig != nil {
				if trig.Usage != Required {
					probs = append(probs, fmt.Sprintf("%s %s: trigger segment is %s, want R", subPath, trig.ID, trig.Usage))
				}
				here = append(here, placed{subPath + " " + trig.ID + " (trigger)", trig})
			}
			walk(subPath, sub)
		}
		for i := range here {
			for j := i + 1; j < len(here); j++ {
				a, b := here[i], here[j]
				if a.seg.ID != b.seg.ID {
					continue
				}
				if !distinct(a.seg, b.seg) {
					probs = append(probs, fmt.Sprintf("%s and %s: same segment ID, and no key position with disjoint codes", a.where, b.where))
				}
			}
		}
	}
	walk(tr.Root.ID, &tr.Root)
	return probs
}

func TestWellFormed(t *testing.T) {
	all := append(All(), Interchange())
	for _, tr := range all {
		name := strings.TrimSpace(tr.ID + " " + tr.Version)
		t.Run(name, func(t *testing.T) {
			for _, p := range wellFormed(tr) {
				t.Errorf("%s: %s", name, p)
			}
		})
	}
}

// TestWellFormedCatches checks that wellFormed finds what it looks for.
func TestWellFormedCatches(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string
	}{
		{"ok", "loop 2010AA R 1\nsegment NM1 R 1\nNM101 R key codes=85\nend\nloop 2010AB S 1\nsegment NM1 R 1\nNM101 R key codes=87\nend", nil},
		{"same segment without key", "segment NM1 R 1\nsegment NM1 S 1", []string{"ST NM1 and ST NM1: same segment ID, and no key position with disjoint codes"}},
		{"shared key code", "segment NM1 R 1\nNM101 R key codes=85,87\nsegment NM1 S 1\nNM101 R key codes=87", []string{"ST NM1 and ST NM1: same segment ID, and no key position with disjoint codes"}},
		{"second key tells apart", "segment NM1 R 1\nNM101 R key codes=85,87\nNM102 R key codes=AA\nsegment NM1 S 1\nNM101 R key codes=87\nNM102 R key codes=BB", nil},
		{"keys at different positions", "segment NM1 R 1\nNM101 R key codes=85\nsegment NM1 S 1\nNM102 R key codes=BB", []string{"ST NM1 and ST NM1: same segment ID, and no key position with disjoint codes"}},
		{"sibling triggers", "loop 2010AA R 1\nsegment NM1 R 1\nNM101 R key codes=85\nend\nloop 2010AB S 1\nsegment NM1 R 1\nNM101 R key codes=85\nend",
			[]string{"ST/2010AA NM1 (trigger) and ST/2010AB NM1 (trigger): same segment ID, and no key position with disjoint codes"}},
		{"trigger not required", "loop 2000 S 1\nsegment NM1 S 1\nend", []string{"ST/2000 NM1: trigger segment is S, want R"}},
		{"key not required", "segment NM1 S 1\nNM101 S key codes=85", []string{"ST NM101: key is S, want R"}},
		{"loop ID twice", "loop 2000 S 1\nsegment NM1 R 1\nNM101 R key codes=85\nend\nloop 2000 S 1\nsegment SV1 R 1\nend", []string{"ST/2000: loop ID used twice in its parent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "transaction 837 A \"T\"\nsegment ST R 1\nST01 R codes=837\n" + tt.body + "\nsegment SE R 1\n"
			set, err := compileText(testDict, text)
			if err != nil {
				t.Fatal(err)
			}
			tr, _ := set.Lookup("837", "A")
			got := wellFormed(tr)
			if !slices.Equal(got, tt.want) {
				t.Errorf("wellFormed = %q, want %q", got, tt.want)
			}
		})
	}
}
