package validate

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/spec"
)

// Table returns the implementation guide table for ts: by ST01 and ST03,
// else GS08; for a guide with variants (the 278 request and response), by
// the value of the element that tells them apart (BHT02).
func Table(ts *x12.TransactionSet) (*spec.Transaction, bool) {
	for _, v := range []string{ts.Version, ts.Group.Version} {
		t, ok := spec.Lookup(ts.ID, v)
		if !ok {
			continue
		}
		if t.Variant == "" {
			return t, true
		}
		return spec.LookupVariant(ts.ID, v, variantValue(ts, t.Variant))
	}
	return nil, false
}

// variantValue returns the value of element ref ("BHT02") in the first
// segment of ts with its ID.
func variantValue(ts *x12.TransactionSet, ref string) string {
	if len(ref) < 4 {
		return ""
	}
	id, pos := ref[:len(ref)-2], int(ref[len(ref)-2]-'0')*10+int(ref[len(ref)-1]-'0')
	for _, s := range ts.Segments {
		if s.ID == id {
			return string(s.Element(pos))
		}
	}
	return ""
}

// Transaction validates one transaction set against its table and the
// situational rules, and returns its loop tree and findings, ordered by
// segment. The envelope problems the SetReader found at the set's segments
// (ts.Errors: SE01, SE02...) are findings of level SetLevel. A set without a
// table gets a tree of only the root, with every segment in it, a SetLevel
// finding with code CodeSetNotSupported, and the syntax warnings.
func Transaction(ts *x12.TransactionSet) (*Loop, []Finding) {
	t, ok := Table(ts)
	var root *Loop
	var findings []Finding
	if !ok {
		root, findings = unsupported(ts)
	} else {
		w := NewWalker(t)
		for _, s := range ts.Segments {
			w.Segment(s)
		}
		root, findings = w.End()
		findings = append(findings, RunRules(t, root)...)
	}
	findings = append(findings, envelopeFindings(ts, root)...)
	slices.SortStableFunc(findings, func(a, b Finding) int { return a.SetPos - b.SetPos })
	return root, findings
}

// unsupported reads a set for which there is no table: the segments go in
// the root and only their syntax is checked.
func unsupported(ts *x12.TransactionSet) (*Loop, []Finding) {
	root := &Loop{ID: "ST", Segments: ts.Segments}
	w := &Walker{root: root}
	w.stack = []frame{{node: root}}
	for _, s := range ts.Segments {
		w.syntax(s)
	}
	if len(ts.Segments) > 0 {
		st := ts.Segments[0]
		f := segFinding(st, root, Error, CodeSetNotSupported,
			fmt.Sprintf("no implementation guide table for transaction set %s version %q", ts.ID, ts.Version))
		f.Level = SetLevel
		w.findings = append([]Finding{f}, w.findings...)
	}
	return root, w.findings
}

// envelopeFindings turns the envelope problems at a set's segments into
// SetLevel findings with their IK5 codes.
func envelopeFindings(ts *x12.TransactionSet, root *Loop) []Finding {
	var out []Finding
	for _, e := range ts.Errors {
		code := CodeSegmentsInError
		switch {
		case errors.Is(e.Err, x12.ErrMissingTrailer):
			code = CodeTrailerMissing
		case errors.Is(e.Err, x12.ErrControlNumberMismatch):
			code = CodeControlMismatch
		case errors.Is(e.Err, x12.ErrCountMismatch):
			code = CodeCountMismatch
		case e.SegmentID == "SE" && e.Element == 1:
			code = CodeCountMismatch
		case e.SegmentID == "ST" && e.Element == 1:
			code = CodeBadSetID
		case e.SegmentID == "ST" && e.Element == 2:
			code = CodeBadControlNumber
		case e.SegmentID == "ST" && e.Element == 3:
			code = CodeBadImplementation
		}
		msg := e.Detail
		if msg == "" && e.Err != nil {
			msg = e.Err.Error()
		}
		out = append(out, Finding{
			Severity: Error, Level: SetLevel, Code: code,
			SetPos: e.SetSegment, Pos: e.Segment, Offset: e.Offset, SegmentID: e.SegmentID,
			Loop: root.ID, Path: root.ID, Element: e.Element, Component: e.Component,
			Ref: elementRef(e.SegmentID, e.Element, e.Component), Msg: msg,
		})
	}
	return out
}

// SetResult is what Stream found in one transaction set.
type SetResult struct {
	Set      *x12.TransactionSet
	Root     *Loop
	Findings []Finding
}

// Errors returns how many findings of severity Error the set has.
func (r *SetResult) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// Stream reads X12 input one transaction set at a time, validates each and
// calls fn with the result; a non-nil error from fn stops the reading and is
// returned. It holds one set in memory at a time. envelope holds every
// envelope problem of the input (ISA, GS, ST and their trailers), including
// those already in a set's findings. err is a problem that stopped reading:
// a *x12.ParseError from the Reader (such as a malformed ISA), an I/O error
// or fn's error.
func Stream(r io.Reader, fn func(*SetResult) error) (envelope []*x12.ParseError, err error) {
	sr := x12.NewSetReader(x12.NewReader(r))
	for {
		ts, err := sr.Next()
		if err == io.EOF {
			return sr.Errors(), nil
		}
		if err != nil {
			return sr.Errors(), err
		}
		root, findings := Transaction(ts)
		if err := fn(&SetResult{Set: ts, Root: root, Findings: findings}); err != nil {
			return sr.Errors(), err
		}
	}
}

// Segments validates X12 input segment by segment without keeping the
// transaction sets in memory, for sets too large to hold: memory stays flat
// however long the input. It checks envelopes, loop structure and elements,
// as Transaction does, but not the situational rules, which read the loop
// tree; and it picks a guide with variants (the 278) by version alone. fn
// gets each set's header and findings after its SE (or when the set ends
// without one); its error stops the reading. envelope and err are as for
// Stream.
func Segments(r io.Reader, fn func(h x12.SetHeader, findings []Finding) error) (envelope []*x12.ParseError, err error) {
	rd := x12.NewReader(r)
	var env x12.Checker
	var (
		w     *Walker // nil when there is no table
		sw    *Walker // syntax checks only, when there is no table
		h     x12.SetHeader
		first int // index in env.Errors() of the first problem of the set
		inSet bool
	)
	finish := func() error {
		if !inSet {
			return nil
		}
		inSet = false
		var findings []Finding
		root := &Loop{ID: "ST"}
		if w != nil {
			root, findings = w.End()
		} else {
			findings = sw.findings
		}
		ts := &x12.TransactionSet{SetHeader: h}
		for _, e := range env.Errors()[first:] {
			if e.SetSegment > 0 && e.Segment >= h.Pos {
				ts.Errors = append(ts.Errors, e)
			}
		}
		findings = append(findings, envelopeFindings(ts, root)...)
		slices.SortStableFunc(findings, func(a, b Finding) int { return a.SetPos - b.SetPos })
		return fn(h, findings)
	}
	for {
		s, err := rd.Next()
		if err == io.EOF {
			env.End()
			if err := finish(); err != nil {
				return env.Errors(), err
			}
			return env.Errors(), nil
		}
		if err != nil {
			return env.Errors(), err
		}
		if inSet && (s.ID == "ST" || s.ID == "GS" || s.ID == "GE" || s.ID == "ISA" || s.ID == "IEA") {
			env.Check(s) // reports the missing SE
			if err := finish(); err != nil {
				return env.Errors(), err
			}
		} else {
			env.Check(s)
		}
		if s.ID == "ST" {
			inSet, first, w, sw = true, len(env.Errors()), nil, nil
			h = *env.Set()
			g := env.Group()
			ts := &x12.TransactionSet{SetHeader: h}
			if g != nil {
				ts.Group = *g
			}
			if t, ok := Table(ts); ok {
				w = NewWalker(t)
				w.Discard = true
			} else {
				root := &Loop{ID: "ST"}
				sw = &Walker{root: root, stack: []frame{{node: root}}}
				f := segFinding(s, root, Error, CodeSetNotSupported,
					fmt.Sprintf("no implementation guide table for transaction set %s version %q", h.ID, h.Version))
				f.Level = SetLevel
				sw.findings = []Finding{f}
			}
			// first excludes problems of earlier segments, but not those
			// the ST itself has.
			first = max(0, first-countAt(env.Errors(), s.Pos))
		}
		if !inSet {
			continue
		}
		if w != nil {
			w.Segment(s)
		} else {
			sw.syntax(s)
		}
		if s.ID == "SE" {
			if err := finish(); err != nil {
				return env.Errors(), err
			}
		}
	}
}

// countAt counts the trailing problems of errs at segment pos.
func countAt(errs []*x12.ParseError, pos int) int {
	n := 0
	for i := len(errs) - 1; i >= 0 && errs[i].Segment == pos; i-- {
		n++
	}
	return n
}
