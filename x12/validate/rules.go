package validate

import (
	"fmt"
	"strconv"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/spec"
)

// A Rule is a situational requirement of an implementation guide that a
// table cannot say: it reads the loop tree of a set and reports findings.
// Rules are plain functions over the tree, named so that a finding says which
// one spoke.
type Rule struct {
	Name string   // short and stable: "hl-parent", "835-claim-balance"
	Sets []string // the ST01 values it applies to; empty for every set
	// Noted marks a rule whose findings a 999 reports without rejecting
	// the set (IK5 E): business edits such as balancing, which the
	// receiver may still accept. Other rules' findings reject it.
	Noted bool
	// Check reports the rule's findings about the set whose root is root.
	Check func(root *Loop, r *Report)
}

// Rules returns the built-in situational rules, in the order they run.
func Rules() []Rule {
	return []Rule{
		{Name: "x12-syntax", Check: syntaxRelations},
		{Name: "hl-sequence", Check: hlSequence},
		{Name: "hl-parent", Check: hlParent},
		{Name: "hl-child-code", Check: hlChildCode},
		{Name: "837-patient-level", Sets: []string{"837"}, Check: patientLevel},
		{Name: "837-frequency-code", Sets: []string{"837"}, Check: frequencyCode},
		{Name: "837-replaced-claim-reference", Sets: []string{"837"}, Check: replacedClaimRef},
		{Name: "837-billing-zip", Sets: []string{"837"}, Check: billingZip, Noted: true},
		{Name: "837-diagnosis-pointer", Sets: []string{"837"}, Check: diagnosisPointer},
		{Name: "837-claim-balance", Sets: []string{"837"}, Check: claimBalance837, Noted: true},
		{Name: "835-payment-balance", Sets: []string{"835"}, Check: paymentBalance, Noted: true},
		{Name: "835-claim-balance", Sets: []string{"835"}, Check: claimBalance835, Noted: true},
		{Name: "835-line-balance", Sets: []string{"835"}, Check: lineBalance, Noted: true},
	}
}

var builtinRules = Rules()

// RunRules runs the built-in rules that apply to table t over the tree root.
func RunRules(t *spec.Transaction, root *Loop) []Finding {
	r := &Report{version: t.Version}
	for _, rule := range builtinRules {
		if !applies(rule, t.ID) {
			continue
		}
		r.rule, r.noted, r.n = rule.Name, rule.Noted, 0
		rule.Check(root, r)
	}
	return r.findings
}

// hls returns the HL segments of the set, in order, found once per set.
func (r *Report) hls(root *Loop) []hl {
	if r.hlDone {
		return r.hlList
	}
	r.hlDone = true
	walk(root, func(l *Loop) {
		if len(l.Segments) > 0 && l.Segments[0].ID == "HL" && l.Spec != nil {
			r.hlList = append(r.hlList, hl{loop: l, seg: l.Segments[0]})
		}
	})
	return r.hlList
}

func applies(r Rule, id string) bool {
	if len(r.Sets) == 0 {
		return true
	}
	for _, s := range r.Sets {
		if s == id {
			return true
		}
	}
	return false
}

// A Report collects the findings of the rules, up to DefaultMaxFindings
// for each rule.
type Report struct {
	hlList   []hl
	hlDone   bool
	rule     string
	noted    bool
	n        int    // findings of this rule
	version  string // the table's version: 005010X222A1...
	findings []Finding
}

// Version returns the implementation guide version of the set being checked.
func (r *Report) Version() string { return r.version }

// Segment reports a problem with a whole segment s in loop l, with its IK304
// code.
func (r *Report) Segment(l *Loop, s *x12.Segment, code, msg string) {
	if r.n++; r.n > DefaultMaxFindings {
		return
	}
	f := segFinding(s, l, Error, code, msg)
	f.Rule, f.Noted = r.rule, r.noted
	r.findings = append(r.findings, f)
}

// Element reports a problem with element elem (component comp, 0 for the
// whole element) of segment s in loop l, with its IK403 code.
func (r *Report) Element(l *Loop, s *x12.Segment, elem, comp int, code, msg string) {
	if r.n++; r.n > DefaultMaxFindings {
		return
	}
	f := segFinding(s, l, Error, code, msg)
	f.Level = ElementLevel
	f.Element, f.Component = elem, comp
	f.Ref = elementRef(s.ID, elem, comp)
	f.DataElement = dataElement(l, s, elem, comp)
	f.Rule, f.Noted = r.rule, r.noted
	r.findings = append(r.findings, f)
}

// dataElement finds the X12 element number of a position from the table
// entry of the segment's loop.
func dataElement(l *Loop, s *x12.Segment, elem, comp int) string {
	if l.Spec == nil {
		return ""
	}
	for _, n := range l.Spec.Children {
		if n.Segment == nil || n.Segment.ID != s.ID || elem > len(n.Segment.Elements) {
			continue
		}
		e := n.Segment.Elements[elem-1]
		if comp > 0 && comp <= len(e.Components) {
			return e.Components[comp-1].DataEle
		}
		return e.DataEle
	}
	return ""
}

// walk calls fn for l and every loop below it, depth first, in order.
func walk(l *Loop, fn func(*Loop)) {
	fn(l)
	for _, c := range l.Loops {
		walk(c, fn)
	}
}

// hl is one HL segment with its loop.
type hl struct {
	loop *Loop
	seg  *x12.Segment
}

// hlSequence: HL01 counts 1, 2, 3... in the order of the HL segments.
func hlSequence(root *Loop, r *Report) {
	for i, h := range r.hls(root) {
		if got, want := string(h.seg.Element(1)), strconv.Itoa(i+1); got != want {
			r.Element(h.loop, h.seg, 1, 0, CodeBadCode, fmt.Sprintf("hierarchical ID %q out of sequence; want %s", got, want))
		}
	}
}

// hlParent: HL02 names the HL01 of the level the loop sits in, which comes
// earlier; the top level has no parent.
func hlParent(root *Loop, r *Report) {
	seen := map[string]bool{}
	for _, h := range r.hls(root) {
		parent := string(h.seg.Element(2))
		var enclosing *x12.Segment
		for p := h.loop.Parent; p != nil; p = p.Parent {
			if len(p.Segments) > 0 && p.Segments[0].ID == "HL" && p.Spec != nil {
				enclosing = p.Segments[0]
				break
			}
		}
		switch {
		case parent == "" && enclosing != nil:
			r.Element(h.loop, h.seg, 2, 0, CodeConditionalMissing,
				fmt.Sprintf("parent ID missing; this level sits under HL %q", enclosing.Element(1)))
		case parent == "":
		case !seen[parent]:
			r.Element(h.loop, h.seg, 2, 0, CodeBadCode, fmt.Sprintf("parent ID %q is not an earlier HL01", parent))
		case enclosing == nil:
			r.Element(h.loop, h.seg, 2, 0, CodeBadCode, fmt.Sprintf("parent ID %q given on a top level", parent))
		case string(enclosing.Element(1)) != parent:
			r.Element(h.loop, h.seg, 2, 0, CodeBadCode,
				fmt.Sprintf("parent ID %q, but this level sits under HL %q", parent, enclosing.Element(1)))
		}
		seen[string(h.seg.Element(1))] = true
	}
}

// hlChildCode: HL04 is 1 when HL segments with this level as parent follow,
// 0 when none do.
func hlChildCode(root *Loop, r *Report) {
	all := r.hls(root)
	parents := map[string]bool{}
	for _, h := range all {
		parents[string(h.seg.Element(2))] = true
	}
	for _, h := range all {
		code := string(h.seg.Element(4))
		has := parents[string(h.seg.Element(1))]
		switch {
		case code == "1" && !has:
			r.Element(h.loop, h.seg, 4, 0, CodeBadCode, "child code 1 but no level follows under this one; want 0")
		case code == "0" && has:
			r.Element(h.loop, h.seg, 4, 0, CodeBadCode, "child code 0 but levels follow under this one; want 1")
		}
	}
}
