// Package validate walks a transaction set through its implementation
// guide's table (package x12/spec): it builds the tree of loops and reports
// every structural, element and situational problem with its segment
// position, loop and element.
//
// One engine (Walker) reads every table: it follows the segments through
// the table's loops in order, telling segments with the same ID apart by
// their key elements, and checks each element against its usage, type,
// length and codes. Situational requirements the tables cannot say (HL
// structure, the 837 patient level, 835 balancing...) are Rules: small
// functions over the loop tree. Each problem is a Finding with the codes a
// 999 reports it with (package x12/ack builds the 999).
//
// Transaction validates one set read by an x12.SetReader; Stream does it
// for a whole file, one set at a time; Segments validates without keeping
// sets in memory, for remittances too large to hold.
package validate

import (
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/spec"
)

// Loop is one occurrence of a loop in a transaction set: the root (the ST
// loop, ID "ST") or a TR3 loop such as "2300". Typed models read their data
// from this tree.
type Loop struct {
	ID       string     // the TR3 loop ID: "2010BA"; "ST" for the root
	Spec     *spec.Loop // the table entry it matched
	Parent   *Loop      // nil for the root
	Segments []*x12.Segment
	Loops    []*Loop // child loop occurrences, in the order they appear
}

// Segment returns the first of the loop's own segments with the given ID
// whose first element is one of quals (any first element when quals is
// empty), or nil.
func (l *Loop) Segment(id string, quals ...string) *x12.Segment {
	for _, s := range l.Segments {
		if s.ID == id && matchQual(s, quals) {
			return s
		}
	}
	return nil
}

// AllSegments returns every own segment with the given ID and qualifier.
func (l *Loop) AllSegments(id string, quals ...string) []*x12.Segment {
	var out []*x12.Segment
	for _, s := range l.Segments {
		if s.ID == id && matchQual(s, quals) {
			out = append(out, s)
		}
	}
	return out
}

// Child returns the first child loop with the given ID, or nil.
func (l *Loop) Child(id string) *Loop {
	for _, c := range l.Loops {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// Children returns every child loop with the given ID.
func (l *Loop) Children(id string) []*Loop {
	var out []*Loop
	for _, c := range l.Loops {
		if c.ID == id {
			out = append(out, c)
		}
	}
	return out
}

func matchQual(s *x12.Segment, quals []string) bool {
	if len(quals) == 0 {
		return true
	}
	q := string(s.Element(1))
	for _, want := range quals {
		if q == want {
			return true
		}
	}
	return false
}

// Path returns the loop IDs from the root to l, separated by slashes:
// "ST/2000A/2000B/2010BA".
func (l *Loop) Path() string {
	if l.Parent == nil {
		return l.ID
	}
	return l.Parent.Path() + "/" + l.ID
}
