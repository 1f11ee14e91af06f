// Package spec describes the structure of X12 5010 transactions as the HIPAA
// implementation guides (TR3s) define it: loops, segments, elements, usage,
// repeats, element types and lengths, and the code values of key elements.
//
// The tables are data. One engine (package x12/validate) walks them; nothing
// here knows how to read a file.
package spec

// Usage says whether a loop, segment or element must, may or must not be sent.
type Usage uint8

const (
	Required    Usage = iota + 1 // R: must be present
	Situational                  // S: present when the guide's situation applies
	NotUsed                      // N: must not be present
)

// String returns the TR3 letter for u.
func (u Usage) String() string {
	switch u {
	case Required:
		return "R"
	case Situational:
		return "S"
	case NotUsed:
		return "N"
	}
	return "?"
}

// Type is an X12 simple data element type.
type Type uint8

const (
	AN Type = iota + 1 // string
	ID                 // identifier from a code list
	N0                 // integer, no implied decimals
	N2                 // numeric, two implied decimals
	R                  // decimal number
	DT                 // date CCYYMMDD (or YYMMDD in ISA)
	TM                 // time HHMM[SS[d..]]
	B                  // binary
	N1                 // numeric, one implied decimal (rare)
)

// String returns the X12 name of t.
func (t Type) String() string {
	switch t {
	case AN:
		return "AN"
	case ID:
		return "ID"
	case N0:
		return "N0"
	case N1:
		return "N1"
	case N2:
		return "N2"
	case R:
		return "R"
	case DT:
		return "DT"
	case TM:
		return "TM"
	case B:
		return "B"
	}
	return "?"
}

// Unbounded is the MaxUse or Repeat value for ">1".
const Unbounded = 0

// Element describes one element of a segment, or one component of a
// composite element.
type Element struct {
	Pos     int    // 1-based position: CLM05 has Pos 5; a component's Pos is within its composite
	Name    string // the guide's name, e.g. "Claim Frequency Type Code"
	DataEle string // X12 data element number, e.g. "1325"; empty for composites
	Usage   Usage
	Type    Type // zero for a composite
	Min     int  // minimum length; 0 for a composite
	Max     int  // maximum length; 0 for a composite
	// Codes lists the values allowed for an ID element in this position. Empty
	// means the guide points to an external code list (or none): any value of
	// the right length is accepted here.
	Codes []string
	// Key marks an element whose Codes identify this segment among others with
	// the same ID in the same loop (NM101 in NM1*85 vs NM1*87, HL03, REF01,
	// DTP01...). The first segment of a loop uses its key elements to pick the
	// loop. A composite is a key when one of its components is (CTX01 in the
	// 999, keyed by CTX01-1).
	Key bool
	// Components describes a composite element (SV101, CLM05, HI01...). A
	// composite has no Type, Min or Max of its own.
	Components []Element
	// Repeat is the maximum number of repetitions of this element (using the
	// repetition separator); 0 or 1 means it does not repeat.
	Repeat int
}

// IsComposite reports whether e is a composite element.
func (e Element) IsComposite() bool { return len(e.Components) > 0 }

// Segment describes one segment in its place in a loop.
type Segment struct {
	ID     string // "NM1", "CLM"...
	Name   string // the guide's name in this position, e.g. "Billing Provider Name"
	Usage  Usage
	MaxUse int // maximum occurrences in this position; Unbounded for ">1"
	// Elements lists every position of the segment in order (Elements[i].Pos
	// is i+1), with usage N for those the guide does not use.
	Elements []Element
}

// Keys returns the key elements of s: the elements whose codes identify it.
func (s *Segment) Keys() []Element {
	var keys []Element
	for _, e := range s.Elements {
		if e.Key {
			keys = append(keys, e)
		}
	}
	return keys
}

// Loop describes a loop: an ordered list of segments and child loops. The
// first child of a loop is always a segment: the loop's trigger.
type Loop struct {
	ID     string // the guide's loop ID: "2010AA", "2300"; "HEADER"/"DETAIL"/"FOOTER" for tables
	Name   string
	Usage  Usage
	Repeat int // maximum occurrences; Unbounded for ">1"
	// Wrapper marks a table (HEADER, DETAIL, FOOTER) or other grouping that has
	// no trigger segment of its own: its children are read as if they were
	// children of its parent, in order.
	Wrapper  bool
	Children []Node
}

// Node is a child of a loop: exactly one of Segment and Loop is set.
type Node struct {
	Segment *Segment
	Loop    *Loop
}

// Transaction describes one transaction set of one implementation guide.
type Transaction struct {
	ID      string // ST01: "837", "835"...
	Version string // ST03/GS08: "005010X222A1"
	// Aliases are later errata version codes read with this table, such as
	// 005010X222A2 for 005010X222A1.
	Aliases []string
	Name    string
	// Variant names the element that tells this table apart from others with
	// the same ID and version ("BHT02": the 278 request has 13, the response
	// 11); empty when there are none. VariantCodes are its codes in this
	// table.
	Variant      string
	VariantCodes []string
	// Root is the ST loop: ST first, SE last, with the transaction's loops in
	// between.
	Root Loop
}

// Seg makes a segment node.
func Seg(s Segment) Node { return Node{Segment: &s} }

// Sub makes a loop node.
func Sub(l Loop) Node { return Node{Loop: &l} }
