package validate

import (
	"fmt"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/spec"
)

// A Walker walks the segments of one transaction set through its table, one
// segment at a time, building the loop tree and recording findings. It is
// the engine under Transaction; use it directly to validate segments as they
// are read. The segments given to it must stay valid until End (the tree
// keeps them): clone segments from a Reader, or use a SetReader.
//
// The walk follows the table in order. A segment is looked for from the
// current position forward in the innermost open loop, then in each
// enclosing loop: as a later segment of that loop, or as the trigger of one
// of its child loops (which opens the child), or as the trigger of the loop
// itself (which starts its next occurrence). Key elements (NM101, HL03,
// REF01...) tell segments with the same ID apart. When no segment matches
// with its keys, the walk looks again by segment ID alone, so that a segment
// with a wrong qualifier is still placed and its bad code reported; when
// that fails too the segment is unexpected and the walk stays where it was.
// Required segments and loops passed over are reported missing at the
// segment that was found in their place.
type Walker struct {
	m         *machine
	root      *Loop
	stack     []frame
	findings  []Finding
	miss      []missing
	last      *x12.Segment
	done      bool // SE matched
	free      [][]int
	lastAt    place   // the place of the last segment, when discarding
	freeLoops []*Loop // loops left behind, for reuse when discarding
	loopSlab  []Loop  // blocks of loops and segment slices for the tree
	segSlab   []*x12.Segment
	// MaxFindings caps the findings kept; zero means DefaultMaxFindings.
	MaxFindings int
	// Discard makes the Walker keep no tree: segments need to be valid
	// only during the call to Segment, memory stays flat however long the
	// set, and End returns a root without segments or loops. Set it before
	// the first segment.
	Discard bool
	dropped int // findings not kept; once full, element checks stop
}

// DefaultMaxFindings is how many findings a Walker keeps for one set unless
// told otherwise; the rest are counted, not kept.
const DefaultMaxFindings = 1000

// place is where a segment was.
type place struct {
	id          string
	pos, setPos int
	offset      int64
}

type frame struct {
	ml     *mloop
	node   *Loop
	pos    int   // index of the item last matched
	counts []int // occurrences of each item in this occurrence of the loop
}

type missing struct {
	it    *item
	node  *Loop
	group int
}

// NewWalker returns a Walker for one transaction set of table t.
func NewWalker(t *spec.Transaction) *Walker {
	m := machineFor(t)
	root := &Loop{ID: m.root.id, Spec: &t.Root}
	w := &Walker{m: m, root: root}
	w.stack = append(w.stack, frame{ml: m.root, node: root, pos: -1, counts: make([]int, len(m.root.items))})
	return w
}

// Segment walks one segment. The first should be ST.
func (w *Walker) Segment(s *x12.Segment) {
	w.last = s
	if w.Discard {
		// End reports missing segments at the last one: keep its place.
		w.lastAt = place{s.ID, s.Pos, s.SetPos, s.Offset}
	}
	if w.done {
		w.add(segFinding(s, w.root, Error, CodeUnexpectedSegment, "segment after SE"))
		w.keep(w.root, s)
		return
	}
	w.syntax(s)
	root := &w.stack[0]
	if root.pos < 0 {
		root.pos = 0
		if s.ID == "ST" {
			root.counts[0] = 1
			w.keep(root.node, s)
			w.elements(s, root.ml.items[0].seg, root.node)
			return
		}
		w.add(segFinding(s, w.root, Error, CodeMissingSegment, "transaction set does not start with ST"))
	}
	if w.find(s, true) || w.find(s, false) {
		return
	}
	w.unexpected(s)
}

// syntax reports what is wrong with the segment's text itself.
func (w *Walker) syntax(s *x12.Segment) {
	if n := s.Len(); n > 0 && len(s.Element(n)) == 0 {
		f := segFinding(s, w.top().node, Warning, "", "segment ends with empty elements (trailing element separators)")
		w.add(f)
	}
}

func (w *Walker) top() *frame { return &w.stack[len(w.stack)-1] }

// find looks for s from the current position outward; strict matches key
// elements too. It reports and applies the match.
func (w *Walker) find(s *x12.Segment, strict bool) bool {
	w.miss = w.miss[:0]
	for d := len(w.stack) - 1; d >= 0; d-- {
		f := &w.stack[d]
		start := 1 // item 0 is the loop's trigger: a new occurrence is found in the parent
		if f.pos >= 1 {
			start = f.ml.group[f.pos]
		}
		for i := start; i < len(f.ml.items); i++ {
			it := &f.ml.items[i]
			if sameID(it.id, s.ID) {
				if strict && keysMatch(it.trigger(), s) || !strict && (it.max == spec.Unbounded || f.counts[i] < it.max) {
					w.dropGroup(f, i)
					w.flushMissing(s, false)
					w.enter(d, i, s)
					return true
				}
			}
			if it.usage == spec.Required && f.counts[i] == 0 && !(d == 0 && it.id == "SE") {
				w.miss = append(w.miss, missing{it: it, node: f.node, group: f.ml.group[i]})
			}
		}
	}
	w.miss = w.miss[:0]
	return false
}

// dropGroup forgets the misses of frame f in the group of item i: segments
// of one group may still come, in any order.
func (w *Walker) dropGroup(f *frame, i int) {
	g := f.ml.group[i]
	n := 0
	for _, m := range w.miss {
		if m.node == f.node && m.group == g {
			continue
		}
		w.miss[n] = m
		n++
	}
	w.miss = w.miss[:n]
}

// enter applies a match of s at item i of frame d.
func (w *Walker) enter(d, i int, s *x12.Segment) {
	for len(w.stack) > d+1 {
		w.pop()
	}
	f := &w.stack[d]
	f.pos = i
	f.counts[i]++
	it := &f.ml.items[i]
	if it.seg != nil {
		if s.ID == "SE" && d == 0 {
			w.done = true
		}
		w.keep(f.node, s)
		if it.max != spec.Unbounded && f.counts[i] > it.max {
			w.add(segFinding(s, f.node, Error, CodeSegmentOverMax,
				fmt.Sprintf("%s %q occurs %d times, at most %d", s.ID, it.name, f.counts[i], it.max)))
		}
		if it.usage == spec.NotUsed {
			w.add(segFinding(s, f.node, Error, CodeSegmentNotUsed, fmt.Sprintf("%s %q is not used in this guide", s.ID, it.name)))
			return
		}
		w.elements(s, it.seg, f.node)
		return
	}
	var node *Loop
	if w.Discard && len(w.freeLoops) > 0 {
		// Nothing refers to a loop the walk has left: reuse it.
		node = w.freeLoops[len(w.freeLoops)-1]
		w.freeLoops = w.freeLoops[:len(w.freeLoops)-1]
		*node = Loop{ID: it.loop.id, Spec: it.loop.spec, Parent: f.node}
	} else {
		node = w.newLoop()
		*node = Loop{ID: it.loop.id, Spec: it.loop.spec, Parent: f.node}
		node.Segments = w.segmentSlice()
	}
	if !w.Discard {
		f.node.Loops = append(f.node.Loops, node)
	}
	w.keep(node, s)
	counts := w.counts(len(it.loop.items))
	counts[0] = 1
	w.stack = append(w.stack, frame{ml: it.loop, node: node, pos: 0, counts: counts})
	if it.max != spec.Unbounded && f.counts[i] > it.max {
		w.add(segFinding(s, node, Error, CodeLoopOverMax,
			fmt.Sprintf("loop %s %q occurs %d times, at most %d", it.loop.id, it.name, f.counts[i], it.max)))
	}
	if it.usage == spec.NotUsed {
		w.add(segFinding(s, node, Error, CodeSegmentNotUsed, fmt.Sprintf("loop %s %q is not used in this guide", it.loop.id, it.name)))
		return
	}
	w.elements(s, it.loop.items[0].seg, node)
}

// newLoop returns a zero Loop from a block: a large set has hundreds of
// thousands of loops, and one allocation each is what made the tree slow.
func (w *Walker) newLoop() *Loop {
	if len(w.loopSlab) == 0 {
		w.loopSlab = make([]Loop, 256)
	}
	l := &w.loopSlab[0]
	w.loopSlab = w.loopSlab[1:]
	return l
}

// segmentSlice returns an empty slice with room for a loop's first
// segments, cut from a block.
func (w *Walker) segmentSlice() []*x12.Segment {
	const room = 6
	if len(w.segSlab) < room {
		w.segSlab = make([]*x12.Segment, 256*room)
	}
	s := w.segSlab[:0:room]
	w.segSlab = w.segSlab[room:]
	return s
}

// keep adds s to the tree, unless the Walker discards it.
func (w *Walker) keep(l *Loop, s *x12.Segment) {
	if !w.Discard {
		l.Segments = append(l.Segments, s)
	}
}

func (w *Walker) pop() {
	f := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	clear(f.counts)
	w.free = append(w.free, f.counts)
	if w.Discard {
		w.freeLoops = append(w.freeLoops, f.node)
	}
}

func (w *Walker) counts(n int) []int {
	for i := len(w.free) - 1; i >= 0 && i >= len(w.free)-4; i-- {
		if c := w.free[i]; cap(c) >= n {
			w.free[i] = w.free[len(w.free)-1]
			w.free = w.free[:len(w.free)-1]
			return c[:n]
		}
	}
	return make([]int, n)
}

// flushMissing reports the required segments and loops passed over on the
// way to s, or after s when the set ends there.
func (w *Walker) flushMissing(s *x12.Segment, atEnd bool) {
	if len(w.miss) == 0 {
		return
	}
	where := "before " + s.ID
	if atEnd {
		where = "after " + s.ID + ", where the set ends"
	}
	for _, m := range w.miss {
		var msg string
		if m.it.loop != nil {
			msg = fmt.Sprintf("required loop %s %q is missing %s", m.it.loop.id, m.it.name, where)
		} else {
			msg = fmt.Sprintf("required segment %s %q is missing %s", m.it.id, m.it.name, where)
		}
		f := segFinding(s, m.node, Error, CodeMissingSegment, msg)
		f.SegmentID = m.it.id
		w.add(f)
	}
	w.miss = w.miss[:0]
}

// unexpected reports a segment that fits nowhere ahead, and keeps it in the
// innermost open loop.
func (w *Walker) unexpected(s *x12.Segment) {
	node := w.top().node
	w.keep(node, s)
	code, msg := CodeUnexpectedSegment, ""
	what := s.ID
	if v := s.Component(1, 1); len(v) > 0 && len(v) <= 3 && isAlnum(v) {
		what += "*" + string(v)
	}
	switch {
	case !validSegmentID(s.ID):
		code, msg = CodeUnrecognizedSegment, fmt.Sprintf("%q is not a segment ID", s.ID)
	case !w.m.ids[s.ID]:
		code, msg = CodeNotInSet, fmt.Sprintf("segment %s is not part of transaction set %s", s.ID, w.m.t.ID)
	default:
		if loop, ok := w.earlier(s); ok {
			code, msg = CodeOutOfSequence, fmt.Sprintf("segment %s is out of order: it belongs earlier in loop %s", what, loop)
			break
		}
		msg = fmt.Sprintf("segment %s is not expected here", what)
	}
	w.add(segFinding(s, node, Error, code, msg))
}

// earlier reports whether s matches, with its keys, a segment before the
// current position of an open loop, and which loop.
func (w *Walker) earlier(s *x12.Segment) (loop string, ok bool) {
	for d := len(w.stack) - 1; d >= 0; d-- {
		f := &w.stack[d]
		if f.pos < 1 {
			continue
		}
		for i := 1; i < f.ml.group[f.pos]; i++ {
			it := &f.ml.items[i]
			if it.seg != nil && it.id == s.ID && keysMatch(it.seg, s) {
				return f.node.ID, true
			}
		}
	}
	return "", false
}

// End finishes the walk: it reports what is still missing when the set
// ends without SE, and returns the loop tree and the findings, in the order
// found.
func (w *Walker) End() (*Loop, []Finding) {
	if w.Discard && w.last != nil {
		// The segment itself is gone: only its place is known.
		w.last = &x12.Segment{ID: w.lastAt.id, Pos: w.lastAt.pos, SetPos: w.lastAt.setPos, Offset: w.lastAt.offset}
	}
	if !w.done && w.last != nil {
		w.miss = w.miss[:0]
		for d := len(w.stack) - 1; d >= 0; d-- {
			f := &w.stack[d]
			for i := max(f.pos+1, 1); i < len(f.ml.items); i++ {
				it := &f.ml.items[i]
				if it.usage == spec.Required && f.counts[i] == 0 && !(d == 0 && it.id == "SE") {
					w.miss = append(w.miss, missing{it: it, node: f.node})
				}
			}
		}
		w.flushMissing(w.last, true)
		w.done = true
	}
	if w.dropped > 0 && w.last != nil {
		f := segFinding(w.last, w.root, Error, "", "more findings not reported: the set has too many")
		f.Level = SetLevel
		w.findings = append(w.findings, f)
		w.dropped = 0
	}
	return w.root, w.findings
}

func (w *Walker) add(f Finding) {
	if w.full() {
		w.dropped++
		return
	}
	w.findings = append(w.findings, f)
}

// full reports whether the Walker keeps no more findings.
func (w *Walker) full() bool {
	max := w.MaxFindings
	if max <= 0 {
		max = DefaultMaxFindings
	}
	return len(w.findings) >= max
}

// keysMatch reports whether s's key elements have one of the codes of ms.
func keysMatch(ms *mseg, s *x12.Segment) bool {
	for _, k := range ms.keys {
		var v []byte
		if k.comp > 0 {
			v = s.Component(k.elem, k.comp)
		} else {
			v = s.Element(k.elem)
		}
		if !k.codes.has(v) {
			return false
		}
	}
	return true
}

func segFinding(s *x12.Segment, node *Loop, sev Severity, code, msg string) Finding {
	return Finding{
		Severity: sev, Level: SegmentLevel, Code: code,
		SetPos: s.SetPos, Pos: s.Pos, Offset: s.Offset, SegmentID: s.ID,
		Loop: node.ID, Path: node.Path(), Msg: msg,
	}
}

// sameID compares segment IDs, first by their first byte: most
// comparisons differ there, and the table's IDs are never the Reader's
// interned strings, so == alone would compare bytes each time.
func sameID(a, b string) bool {
	return len(a) == len(b) && len(a) > 0 && a[0] == b[0] && a == b
}

func validSegmentID(id string) bool {
	if len(id) < 2 || len(id) > 3 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isAlnum(b []byte) bool {
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
