package remit

import (
	"slices"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/spec"
	"github.com/claimgate/claimgate/x12/validate"
)

// buildTree places the segments of ts in a loop tree by the TR3 table,
// the way validate.Transaction does, without checking anything. It stands
// in for the validation engine in tests until that lands.
func buildTree(ts *x12.TransactionSet) *validate.Loop {
	tr, ok := spec.Lookup(ts.ID, ts.Version)
	if !ok {
		return nil
	}
	type frame struct {
		spec *spec.Loop
		loop *validate.Loop
		next int // index into the flattened children of spec
		kids []spec.Node
	}
	root := &validate.Loop{ID: "ST", Spec: &tr.Root}
	stack := []*frame{{spec: &tr.Root, loop: root, kids: flatten(tr.Root.Children)}}
	for _, s := range ts.Segments {
		placed := false
		for depth := len(stack) - 1; depth >= 0 && !placed; depth-- {
			f := stack[depth]
			for i := f.next; i < len(f.kids); i++ {
				n := f.kids[i]
				if n.Segment != nil && treeMatches(n.Segment, s) {
					stack = stack[:depth+1]
					f.loop.Segments = append(f.loop.Segments, s)
					f.next = i
					placed = true
					break
				}
				if n.Loop != nil && treeMatches(firstSegment(n.Loop), s) {
					stack = stack[:depth+1]
					l := &validate.Loop{ID: n.Loop.ID, Spec: n.Loop, Parent: f.loop, Segments: []*x12.Segment{s}}
					f.loop.Loops = append(f.loop.Loops, l)
					f.next = i
					stack = append(stack, &frame{spec: n.Loop, loop: l, kids: flatten(n.Loop.Children), next: 1})
					placed = true
					break
				}
			}
		}
		if !placed {
			top := stack[len(stack)-1]
			top.loop.Segments = append(top.loop.Segments, s)
		}
	}
	return root
}

// flatten inlines wrapper loops (HEADER, DETAIL), which have no trigger.
func flatten(nodes []spec.Node) []spec.Node {
	var out []spec.Node
	for _, n := range nodes {
		if n.Loop != nil && n.Loop.Wrapper {
			out = append(out, flatten(n.Loop.Children)...)
			continue
		}
		out = append(out, n)
	}
	return out
}

func firstSegment(l *spec.Loop) *spec.Segment {
	for _, n := range flatten(l.Children) {
		if n.Segment != nil {
			return n.Segment
		}
		return firstSegment(n.Loop)
	}
	return nil
}

func treeMatches(sp *spec.Segment, s *x12.Segment) bool {
	if sp == nil || sp.ID != s.ID {
		return false
	}
	for _, k := range sp.Keys() {
		if k.IsComposite() {
			for _, c := range k.Components {
				if c.Key && len(c.Codes) > 0 && !slices.Contains(c.Codes, string(s.Component(k.Pos, c.Pos))) {
					return false
				}
			}
			continue
		}
		if len(k.Codes) > 0 && !slices.Contains(k.Codes, string(s.Element(k.Pos))) {
			return false
		}
	}
	return true
}
