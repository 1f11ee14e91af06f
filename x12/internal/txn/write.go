package txn

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/spec"
	"github.com/claimgate/claimgate/x12/validate"
)

// Elem is one element to write: its repetitions, each a list of
// components. A simple element is one repetition of one component.
type Elem [][]string

// V is a simple element.
func V(s string) Elem { return Elem{{s}} }

// Composite is a composite element of the given components.
func Composite(parts ...string) Elem { return Elem{parts} }

// Amt is an amount in cents.
func Amt(c int64) Elem { return V(x12.FormatAmount(c)) }

// Dec is decimal x scaled by 10^scale.
func Dec(x int64, scale int) Elem { return V(x12.FormatDecimal(x, scale)) }

// OptAmt is an optional amount in cents: empty when nil.
func OptAmt(c *int64) Elem { return OptDec(c, 2) }

// OptDec is optional decimal x scaled by 10^s: empty when nil.
func OptDec(x *int64, s int) Elem {
	if x == nil {
		return V("")
	}
	return Dec(*x, s)
}

// Reps makes a repeated element of simple values.
func Reps(vals []string) Elem {
	e := make(Elem, len(vals))
	for i, x := range vals {
		e[i] = []string{x}
	}
	return e
}

// Day formats t as CCYYMMDD; empty when t is zero.
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return x12.FormatDate(t)
}

// formatPeriod formats a date of format f.
func formatPeriod(f string, from, to time.Time) string {
	switch f {
	case "RD8":
		return x12.FormatDate(from) + "-" + x12.FormatDate(to)
	case "DT":
		return x12.FormatDate(from) + from.Format("1504")
	}
	return Day(from)
}

// FormatClock formats the time of day of t as HHMM, HHMMSS or HHMMSSDD,
// the shortest that holds it.
func FormatClock(t time.Time) string {
	switch {
	case t.Nanosecond() != 0:
		return t.Format("150405") + fmt.Sprintf("%02d", t.Nanosecond()/10_000_000)
	case t.Second() != 0:
		return t.Format("150405")
	}
	return t.Format("1504")
}

// wseg is a segment to write: typed elements or a kept segment.
type wseg struct {
	id  string
	el  []Elem
	raw Segment
}

// WriteLoop is a loop to write: its segments and child loops in TR3 order,
// except kept segments, which emit places by the table.
type WriteLoop struct {
	ID    string // the TR3 loop ID, such as "2100C"
	items []witem
}

type witem struct {
	seg  *wseg
	loop *WriteLoop
}

// NewRoot starts the root loop (ST) of a set to write with its BHT
// segment, of h's Structure, Purpose, Ref, Created and Type, and the
// root's kept segments other.
func NewRoot(h SetHeader, other []Segment) *WriteLoop {
	root := &WriteLoop{ID: "ST"}
	created := ""
	if !h.Created.IsZero() {
		created = FormatClock(h.Created)
	}
	root.S("BHT", h.Structure, h.Purpose, h.Ref, Day(h.Created), created, h.Type)
	root.Others(other)
	return root
}

// Seg adds a segment.
func (l *WriteLoop) Seg(id string, el ...Elem) {
	l.items = append(l.items, witem{seg: &wseg{id: id, el: el}})
}

// S adds a segment of simple elements.
func (l *WriteLoop) S(id string, el ...string) {
	e := make([]Elem, len(el))
	for i, x := range el {
		e[i] = V(x)
	}
	l.Seg(id, e...)
}

// Others adds kept segments.
func (l *WriteLoop) Others(segs []Segment) {
	for _, s := range segs {
		l.items = append(l.items, witem{seg: &wseg{raw: s}})
	}
}

// Kid adds a child loop and returns it.
func (l *WriteLoop) Kid(id string) *WriteLoop {
	k := &WriteLoop{ID: id}
	l.items = append(l.items, witem{loop: k})
	return k
}

// OtherLoops adds kept loops.
func (l *WriteLoop) OtherLoops(ls []Loop) {
	for _, o := range ls {
		k := l.Kid(o.ID)
		k.Others(o.Segments)
		k.OtherLoops(o.Loops)
	}
}

func (l *WriteLoop) name(n Name) {
	l.S("NM1", n.Entity, n.Type, n.Last, n.First, n.Middle, n.Prefix, n.Suffix, n.IDQualifier, n.ID, n.Relationship)
}

// Refs adds REF segments.
func (l *WriteLoop) Refs(rs []Ref) {
	for _, r := range rs {
		l.S("REF", r.Qualifier, r.Value, r.Description)
	}
}

func (l *WriteLoop) address(a Address) {
	if a.Line1 != "" || a.Line2 != "" {
		l.S("N3", a.Line1, a.Line2)
	}
	if a.City != "" || a.State != "" || a.PostalCode != "" || a.Country != "" || a.Subdivision != "" {
		l.S("N4", a.City, a.State, a.PostalCode, a.Country, "", "", a.Subdivision)
	}
}

func (l *WriteLoop) contacts(cs []Contact) {
	for _, c := range cs {
		el := []string{c.Function, c.Name}
		for _, n := range c.Numbers {
			el = append(el, n.Qualifier, n.Number)
		}
		l.S("PER", el...)
	}
}

func (l *WriteLoop) specialty(s *Specialty) {
	if s != nil {
		l.S("PRV", s.Code, s.IDQualifier, s.ID)
	}
}

// Rejects adds AAA segments.
func (l *WriteLoop) Rejects(rs []Reject) {
	for _, r := range rs {
		l.S("AAA", r.Valid, "", r.Reason, r.FollowUp)
	}
}

// Traces adds TRN segments.
func (l *WriteLoop) Traces(ts []Trace) {
	for _, t := range ts {
		l.S("TRN", t.Type, t.Number, t.Originator, t.Supplemental)
	}
}

// Dates adds DTP segments.
func (l *WriteLoop) Dates(ds []Date) {
	for _, d := range ds {
		l.S("DTP", d.Qualifier, d.Format, formatPeriod(d.Format, d.From, d.To))
	}
}

// NameLoop adds the segments of a name loop in TR3 order: NM1 of n, then
// what pts points to (but traces, which no name loop has): REF, N3, N4,
// PER, AAA, PRV, DTP; then what after (when not nil) adds, and last the
// kept segments other.
func (l *WriteLoop) NameLoop(n Name, pts Parts, other []Segment, after func()) {
	l.name(n)
	if pts.Refs != nil {
		l.Refs(*pts.Refs)
	}
	if pts.Address != nil {
		l.address(*pts.Address)
	}
	if pts.Contacts != nil {
		l.contacts(*pts.Contacts)
	}
	if pts.Rejects != nil {
		l.Rejects(*pts.Rejects)
	}
	if pts.Specialty != nil {
		l.specialty(*pts.Specialty)
	}
	if pts.Dates != nil {
		l.Dates(*pts.Dates)
	}
	if after != nil {
		after()
	}
	l.Others(other)
}

// Demographics adds a DMG segment of a birth date and a sex, unless both
// are empty.
func (l *WriteLoop) Demographics(birth time.Time, sex string) {
	if !birth.IsZero() || sex != "" {
		f := ""
		if !birth.IsZero() {
			f = "D8"
		}
		l.S("DMG", f, Day(birth), sex)
	}
}

// ProcElem is a C003 procedure; empty when p is nil.
func ProcElem(p *Procedure) Elem {
	if p == nil {
		return V("")
	}
	c := []string{p.Qualifier, p.Code, "", "", "", "", p.Description}
	copy(c[2:6], p.Modifiers)
	return Elem{c}
}

// Builder keeps the first error of turning a model into loops to write,
// and numbers the HL segments.
type Builder struct {
	Pkg string // the package that builds, which errors begin with
	HL  HL
	Err error
}

// Fail records that the model holds what the implementation guide does
// not allow (ErrGuide), unless an error is recorded already.
func (b *Builder) Fail(format string, args ...any) {
	if b.Err == nil {
		b.Err = fmt.Errorf(b.Pkg+": "+format+": %w", append(args, ErrGuide)...)
	}
}

// WriteAll writes the sets build makes of ts, as writeSets does; the
// first error of build stops it.
func WriteAll[T any](w io.Writer, pkg string, ts []T, build func(T) (Set, error)) error {
	sets := make([]Set, len(ts))
	for i, t := range ts {
		s, err := build(t)
		if err != nil {
			return err
		}
		sets[i] = s
	}
	return writeSets(w, pkg, sets)
}

// WriteOne writes the set build makes as one transaction set, ST through
// SE, into the open functional group of xw, with ST02 control.
func WriteOne(xw *x12.Writer, pkg, control string, build func() (Set, error)) error {
	s, err := build()
	if err != nil {
		return err
	}
	if err := s.write(xw, control); err != nil {
		return fmt.Errorf("%s: %w", pkg, err)
	}
	return nil
}

// HL numbers HL segments as they are written.
type HL struct{ n int }

// Add writes the HL segment of l: its number, its parent's (0 for none),
// its level code and, when child is not empty, HL04. It returns l's number.
func (h *HL) Add(l *WriteLoop, parent int, level, child string) int {
	h.n++
	p := ""
	if parent > 0 {
		p = fmt.Sprint(parent)
	}
	l.S("HL", fmt.Sprint(h.n), p, level, child)
	return h.n
}

// ChildCode is HL04: 1 when the level has children, else 0.
func ChildCode(has bool) string {
	if has {
		return "1"
	}
	return "0"
}

// Set is one transaction set to write.
type Set struct {
	Envelope Envelope
	ID       string // ST01
	Version  string // ST03
	GS01     string // GS01 when the envelope's is empty
	Root     *WriteLoop
	Table    *spec.Transaction // for placing kept segments; nil when there is none
}

// writeSets writes sets as X12: an interchange for each run of sets that
// share their interchange control number, a group for each run that
// shares a group control number within it, with the delimiters of the
// first set's envelope.
func writeSets(w io.Writer, pkg string, sets []Set) error {
	if len(sets) == 0 {
		return fmt.Errorf("%s: nothing to write", pkg)
	}
	xw := x12.NewWriter(w, writeDelimiters(sets[0].Envelope.Interchange.Delims))
	for i := 0; i < len(sets); {
		isa := sets[i].Envelope.Interchange
		if err := xw.BeginInterchange(isa); err != nil {
			return fmt.Errorf("%s: %w", pkg, err)
		}
		for i < len(sets) && sets[i].Envelope.Interchange.ControlNumber == isa.ControlNumber {
			gs := sets[i].Envelope.Group
			if gs.FunctionalID == "" {
				gs.FunctionalID = sets[i].GS01
			}
			if gs.Version == "" {
				gs.Version = sets[i].Version
			}
			if err := xw.BeginGroup(gs); err != nil {
				return fmt.Errorf("%s: %w", pkg, err)
			}
			seen := make(map[string]bool)
			for n := 1; i < len(sets) && sets[i].Envelope.Interchange.ControlNumber == isa.ControlNumber &&
				sets[i].Envelope.Group.ControlNumber == gs.ControlNumber && !seen[sets[i].Envelope.Control]; n++ {
				control := sets[i].Envelope.Control
				if control == "" {
					control = fmt.Sprintf("%04d", n)
				}
				seen[control] = true
				if err := sets[i].write(xw, control); err != nil {
					return fmt.Errorf("%s: %w", pkg, err)
				}
				i++
			}
			if err := xw.EndGroup(); err != nil {
				return fmt.Errorf("%s: %w", pkg, err)
			}
			if i < len(sets) && sets[i].Envelope.Interchange.ControlNumber == isa.ControlNumber {
				break // the same set control number again: a new interchange
			}
		}
		if err := xw.EndInterchange(); err != nil {
			return fmt.Errorf("%s: %w", pkg, err)
		}
	}
	if err := xw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", pkg, err)
	}
	return nil
}

// write writes s as one transaction set, ST through SE, into xw's open
// group.
func (s *Set) write(xw *x12.Writer, control string) error {
	if err := xw.BeginSet(s.ID, control, s.Version); err != nil {
		return err
	}
	var sp *spec.Loop
	if s.Table != nil {
		sp = &s.Table.Root
	}
	if err := emit(xw, sp, s.Root); err != nil {
		return err
	}
	return xw.EndSet()
}

// emit writes l's segments and child loops. They are in TR3 order as
// built, but for kept segments, which go where table loop sp places their
// ID (with no table: after the typed segments, as built).
func emit(xw *x12.Writer, sp *spec.Loop, l *WriteLoop) error {
	items := l.items
	if sp != nil {
		rank := make([]int, len(items))
		for i, it := range items {
			if it.seg != nil {
				rank[i] = segmentRank(sp, it.seg.ID(), it.seg.value)
				continue
			}
			rank[i] = len(sp.Children)
			for k, n := range sp.Children {
				if n.Loop != nil && n.Loop.ID == it.loop.ID {
					rank[i] = k
					break
				}
			}
		}
		idx := make([]int, len(items))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return rank[a] - rank[b] })
		sorted := make([]witem, len(items))
		for i, k := range idx {
			sorted[i] = items[k]
		}
		items = sorted
	}
	d := xw.Delimiters()
	for _, it := range items {
		if it.loop != nil {
			var ks *spec.Loop
			if sp != nil {
				for _, n := range sp.Children {
					if n.Loop != nil && n.Loop.ID == it.loop.ID {
						ks = n.Loop
						break
					}
				}
			}
			if err := emit(xw, ks, it.loop); err != nil {
				return err
			}
			continue
		}
		if it.seg.raw != "" {
			if err := xw.Write(x12.ParseSegment([]byte(it.seg.raw), x12.DefaultDelimiters)); err != nil {
				return err
			}
			continue
		}
		raw, err := render(d, it.seg)
		if err != nil {
			return err
		}
		if err := xw.Write(x12.ParseSegment(raw, d)); err != nil {
			return err
		}
	}
	return nil
}

// segmentRank is where table loop sp places a segment with the given ID
// and element values (value(i, j) is component j of element i): the index
// of the first position whose key codes (REF01, DTP01...) it has, else the
// first with its ID, else, for an ID the loop does not have, that of the
// loop's first child loop (after its own segments).
func segmentRank(sp *spec.Loop, id string, value func(i, j int) string) int {
	byID, firstLoop := -1, len(sp.Children)
	for k, n := range sp.Children {
		if n.Loop != nil && firstLoop == len(sp.Children) {
			firstLoop = k
		}
		if n.Segment == nil || n.Segment.ID != id {
			continue
		}
		if keysMatch(n.Segment, value) {
			return k
		}
		if byID < 0 {
			byID = k
		}
	}
	if byID >= 0 {
		return byID
	}
	return firstLoop
}

func keysMatch(sp *spec.Segment, value func(i, j int) string) bool {
	for _, k := range sp.Keys() {
		if k.IsComposite() {
			for _, c := range k.Components {
				if c.Key && len(c.Codes) > 0 && !slices.Contains(c.Codes, value(k.Pos, c.Pos)) {
					return false
				}
			}
			continue
		}
		if len(k.Codes) > 0 && !slices.Contains(k.Codes, value(k.Pos, 1)) {
			return false
		}
	}
	return true
}

// segValue returns the component getter of a read segment.
func segValue(s *x12.Segment) func(i, j int) string {
	return func(i, j int) string { return string(s.Component(i, j)) }
}

// value returns component j of element i of a segment to write.
func (s *wseg) value(i, j int) string {
	if s.raw != "" {
		return string(x12.ParseSegment([]byte(s.raw), x12.DefaultDelimiters).Component(i, j))
	}
	if i < 1 || i > len(s.el) || len(s.el[i-1]) == 0 || j < 1 || j > len(s.el[i-1][0]) {
		return ""
	}
	return s.el[i-1][0][j-1]
}

// Ordered returns l's segments in the order emit writes them: stably
// sorted by their places in l's table loop, so that segments the model
// keeps read back in the order they are written.
func Ordered(l *validate.Loop) []*x12.Segment {
	if l.Spec == nil || len(l.Segments) < 2 {
		return l.Segments
	}
	rank := make([]int, len(l.Segments))
	sorted := true
	for i, s := range l.Segments {
		rank[i] = segmentRank(l.Spec, s.ID, segValue(s))
		if i > 0 && rank[i] < rank[i-1] {
			sorted = false
		}
	}
	if sorted {
		return l.Segments
	}
	idx := make([]int, len(rank))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return rank[a] - rank[b] })
	out := make([]*x12.Segment, len(idx))
	for i, k := range idx {
		out[i] = l.Segments[k]
	}
	return out
}

// ID returns the segment's ID.
func (s *wseg) ID() string {
	if s.raw != "" {
		id, _, _ := strings.Cut(string(s.raw), "*")
		return id
	}
	return s.id
}

// render makes the X12 text of s with delimiters d, without trailing empty
// elements, repetitions or components.
func render(d x12.Delimiters, s *wseg) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(s.id)
	els := s.el
	for len(els) > 0 && blankElem(els[len(els)-1]) {
		els = els[:len(els)-1]
	}
	for i, e := range els {
		b.WriteByte(d.Element)
		reps := e
		for len(reps) > 0 && blankElem(reps[len(reps)-1:]) {
			reps = reps[:len(reps)-1]
		}
		if len(reps) > 1 && d.Repetition == 0 {
			return nil, fmt.Errorf("%s%02d: %d repetitions and no repetition separator", s.id, i+1, len(reps))
		}
		for r, cs := range reps {
			if r > 0 {
				b.WriteByte(d.Repetition)
			}
			n := len(cs)
			for n > 0 && cs[n-1] == "" {
				n--
			}
			for j, c := range cs[:n] {
				if err := d.CheckValue(c); err != nil {
					return nil, fmt.Errorf("%s%02d-%d: %w", s.id, i+1, j+1, err)
				}
				if j > 0 {
					b.WriteByte(d.Component)
				}
				b.WriteString(c)
			}
		}
	}
	return b.Bytes(), nil
}

func blankElem(e Elem) bool {
	for _, r := range e {
		for _, c := range r {
			if c != "" {
				return false
			}
		}
	}
	return true
}
