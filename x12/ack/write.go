package ack

import (
	"fmt"
	"strconv"

	"github.com/claimgate/claimgate/x12"
)

// Write writes ic with w: the ISA, the TA1s, each group of 999s, and the
// trailers with counts and control numbers derived from the headers. The
// delimiters are w's, not ic.Header.Delims. Call w.Flush after.
func Write(w *x12.Writer, ic *Interchange) error {
	if err := w.BeginInterchange(ic.Header); err != nil {
		return err
	}
	for _, t := range ic.TA1s {
		if err := w.WriteSegment("TA1", t.ControlNumber, t.Date, t.Time, t.Status, t.Note); err != nil {
			return err
		}
	}
	for i := range ic.Groups {
		g := &ic.Groups[i]
		if err := w.BeginGroup(g.Header); err != nil {
			return err
		}
		for j := range g.Acks {
			if err := write999(w, &g.Acks[j]); err != nil {
				return err
			}
		}
		if err := w.EndGroup(); err != nil {
			return err
		}
	}
	return w.EndInterchange()
}

func write999(w *x12.Writer, a *Ack999) error {
	if err := w.BeginSet("999", a.ControlNumber, a.Version); err != nil {
		return err
	}
	segs := [][]any{{"AK1", a.FunctionalID, a.GroupControl, a.GroupVersion}}
	for _, s := range a.Sets {
		segs = append(segs, []any{"AK2", s.ID, s.ControlNumber, s.Version})
		for _, e := range s.Errors {
			segs = append(segs, []any{"IK3", e.SegmentID, num(e.Position), e.Loop, e.Code})
			segs = append(segs, contexts(e.Context)...)
			for _, el := range e.Elements {
				segs = append(segs, []any{"IK4", []string{num(el.Position), num(el.Component), num(el.Repetition)}, el.DataElement, el.Code, el.Bad})
				segs = append(segs, contexts(el.Context)...)
			}
		}
		segs = append(segs, append([]any{"IK5", s.Status}, strs(s.Codes)...))
	}
	segs = append(segs, append([]any{"AK9", a.Status, strconv.Itoa(a.Included), strconv.Itoa(a.Received), strconv.Itoa(a.Accepted)}, strs(a.GroupErrors)...))
	for _, s := range segs {
		if err := writeSeg(w, s); err != nil {
			return err
		}
	}
	return w.EndSet()
}

func contexts(cs []Context) [][]any {
	var out [][]any
	for _, c := range cs {
		out = append(out, []any{"CTX", []string{c.Name, c.Value}, c.SegmentID, num(c.Position), c.Loop,
			[]string{num(c.Element), num(c.Component), num(c.Repetition)}, []string{c.DataElement}})
	}
	return out
}

// writeSeg writes a segment whose elements are strings (simple) or string
// slices (composites).
func writeSeg(w *x12.Writer, s []any) error {
	id := s[0].(string)
	elems := make([][]string, len(s)-1)
	for i, e := range s[1:] {
		switch v := e.(type) {
		case string:
			elems[i] = []string{v}
		case []string:
			elems[i] = v
		default:
			panic(fmt.Sprintf("ack: element of type %T", e))
		}
	}
	return w.WriteComposite(id, elems...)
}

func strs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// num formats a position; 0 is absent.
func num(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
