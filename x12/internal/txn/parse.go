package txn

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

// Parser reads values out of segments and keeps the first error, a
// *x12.ParseError naming the segment and element, so that the code that
// walks the tree reads straight through.
type Parser struct {
	Err error // the first error, or nil
}

// Fail records an invalid value in element el, component comp (0 for
// none) of s, unless an error is recorded already.
func (p *Parser) Fail(s *x12.Segment, el, comp int, detail string) {
	if p.Err != nil {
		return
	}
	p.Err = &x12.ParseError{
		Segment: s.Pos, SetSegment: s.SetPos, SegmentID: s.ID, Element: el, Component: comp,
		Offset: s.Offset, Err: x12.ErrInvalidValue, Detail: detail,
	}
}

// FailErr records a value error from package x12 without its "x12: " prefix.
func (p *Parser) FailErr(s *x12.Segment, el, comp int, err error) {
	p.Fail(s, el, comp, strings.TrimPrefix(err.Error(), "x12: "))
}

// Val returns the first component of element i's first repetition: the
// value of a simple element.
func Val(s *x12.Segment, i int) []byte { return s.Component(i, 1) }

// Str returns the value of simple element i as a string.
func Str(s *x12.Segment, i int) string { return string(Val(s, i)) }

// Blank reports whether element i is empty or holds only separators,
// which the writers drop.
func Blank(s *x12.Segment, i int) bool {
	d := s.Delims
	for _, c := range s.Element(i) {
		if c != d.Component && (d.Repetition == 0 || c != d.Repetition) {
			return false
		}
	}
	return true
}

// Comp returns component j of element i's first repetition.
func Comp(s *x12.Segment, i, j int) string { return string(s.Component(i, j)) }

// Required returns element i and records an error if it is empty.
func (p *Parser) Required(s *x12.Segment, i int, name string) string {
	v := Str(s, i)
	if v == "" {
		p.Fail(s, i, 0, fmt.Sprintf("%s (%s%02d) is required", name, s.ID, i))
	}
	return v
}

// Amount parses required money element i.
func (p *Parser) Amount(s *x12.Segment, i int, name string) int64 {
	el := Val(s, i)
	if len(el) == 0 {
		p.Fail(s, i, 0, fmt.Sprintf("%s (%s%02d) is required", name, s.ID, i))
		return 0
	}
	v, err := x12.ParseAmount(string(el))
	if err != nil {
		p.FailErr(s, i, 0, err)
	}
	return v
}

// OptAmount parses optional money element i: nil when empty.
func (p *Parser) OptAmount(s *x12.Segment, i int) *int64 {
	if Blank(s, i) {
		return nil
	}
	v := p.Amount(s, i, "")
	return &v
}

// OptDecimal parses optional decimal element i scaled by 10^scale: nil
// when empty.
func (p *Parser) OptDecimal(s *x12.Segment, i, scale int) *int64 {
	el := Val(s, i)
	if len(el) == 0 {
		return nil
	}
	v, err := x12.ParseDecimal(string(el), scale)
	if err != nil {
		p.FailErr(s, i, 0, err)
	}
	return &v
}

// Date parses a CCYYMMDD date in element i, component j (0 for a simple
// element); the zero time when empty.
func (p *Parser) Date(s *x12.Segment, i, j int, v []byte) time.Time {
	if len(v) == 0 {
		return time.Time{}
	}
	t, err := x12.ParseDate(string(v))
	if err != nil {
		p.FailErr(s, i, j, err)
	}
	return t
}

// period parses a date of format f (D8, RD8, DT) from element i.
func (p *Parser) period(s *x12.Segment, i int, f string) (from, to time.Time) {
	v := Val(s, i)
	if len(v) == 0 {
		return
	}
	var err error
	switch f {
	case "D8":
		from, err = x12.ParseDate(string(v))
	case "RD8":
		from, to, err = x12.ParseDateRange(string(v))
	case "DT":
		if len(v) != 12 {
			p.Fail(s, i, 0, fmt.Sprintf("date and time %q: want CCYYMMDDHHMM", v))
			return
		}
		from, err = x12.ParseDate(string(v[:8]))
		if err == nil {
			var d time.Duration
			d, err = x12.ParseTime(string(v[8:]))
			from = from.Add(d)
		}
	default:
		p.Fail(s, i-1, 0, fmt.Sprintf("date format %q: want D8, RD8 or DT", f))
		return
	}
	if err != nil {
		p.FailErr(s, i, 0, err)
	}
	return
}

// Fits reports whether s has no element after position n, so that a type
// that holds elements 1 to n loses nothing.
func Fits(s *x12.Segment, n int) bool {
	for i := s.Len(); i > n; i-- {
		if !Blank(s, i) {
			return false
		}
	}
	return true
}

// Simple reports whether elements 1 to n of s hold no repetitions or
// components (but empty ones, which the writers drop), which a type of
// plain strings would lose.
func Simple(s *x12.Segment, n int) bool { return SimpleFrom(s, 1, n) }

// SimpleFrom reports whether elements from to to of s are simple: no
// component after the first, and no repetition after the first, holds
// data.
func SimpleFrom(s *x12.Segment, from, to int) bool {
	for i := from; i <= to; i++ {
		if !repeatSimple(s, i) || !blankReps(s, i, 2) {
			return false
		}
	}
	return true
}

// repeatSimple reports whether no repetition of element i holds data in a
// component after its first.
func repeatSimple(s *x12.Segment, i int) bool {
	c := s.Delims.Component
	for r := 1; r <= s.Repetitions(i); r++ {
		rep := s.Repetition(i, r)
		if k := bytes.IndexByte(rep, c); k >= 0 && strings.Trim(string(rep[k:]), string(c)) != "" {
			return false
		}
	}
	return true
}

// blankReps reports whether repetitions from r on of element i are empty.
func blankReps(s *x12.Segment, i, from int) bool {
	for r := from; r <= s.Repetitions(i); r++ {
		if strings.Trim(string(s.Repetition(i, r)), string(s.Delims.Component)) != "" {
			return false
		}
	}
	return true
}

func (p *Parser) name(s *x12.Segment) (Name, bool) {
	if !Fits(s, 10) || !Simple(s, 10) {
		return Name{}, false
	}
	return Name{
		Entity: Str(s, 1), Type: Str(s, 2), Last: Str(s, 3), First: Str(s, 4), Middle: Str(s, 5),
		Prefix: Str(s, 6), Suffix: Str(s, 7), IDQualifier: Str(s, 8), ID: Str(s, 9), Relationship: Str(s, 10),
	}, true
}

// refOf reads a REF segment; it reports false when the segment holds
// what Ref cannot.
func refOf(s *x12.Segment) (Ref, bool) {
	if !Fits(s, 3) || !Simple(s, 3) {
		return Ref{}, false
	}
	return Ref{Qualifier: Str(s, 1), Value: Str(s, 2), Description: Str(s, 3)}, true
}

func contactOf(s *x12.Segment) (Contact, bool) {
	if !Fits(s, 8) || !Simple(s, 8) {
		return Contact{}, false
	}
	c := Contact{Function: Str(s, 1), Name: Str(s, 2)}
	for i := 3; i <= 7; i += 2 {
		q, n := Str(s, i), Str(s, i+1)
		if q == "" && n == "" {
			if !Fits(s, i) {
				return Contact{}, false // a gap would not be written back
			}
			break
		}
		c.Numbers = append(c.Numbers, Communication{Qualifier: q, Number: n})
	}
	return c, true
}

func specialtyOf(s *x12.Segment) (Specialty, bool) {
	if !Fits(s, 3) || !Simple(s, 3) {
		return Specialty{}, false
	}
	return Specialty{Code: Str(s, 1), IDQualifier: Str(s, 2), ID: Str(s, 3)}, true
}

// rejectOf reads an AAA segment; it reports false when the segment holds
// what Reject cannot.
func rejectOf(s *x12.Segment) (Reject, bool) {
	if !Fits(s, 4) || !Simple(s, 4) || !Blank(s, 2) {
		return Reject{}, false
	}
	return Reject{Valid: Str(s, 1), Reason: Str(s, 3), FollowUp: Str(s, 4)}, true
}

// TraceOf reads a TRN segment; it reports false when the segment holds
// what Trace cannot.
func TraceOf(s *x12.Segment) (Trace, bool) {
	if !Fits(s, 4) || !Simple(s, 4) {
		return Trace{}, false
	}
	return Trace{Type: Str(s, 1), Number: Str(s, 2), Originator: Str(s, 3), Supplemental: Str(s, 4)}, true
}

// dtp reads a DTP segment; a date that does not parse is an error.
func (p *Parser) dtp(s *x12.Segment) (Date, bool) {
	if !Fits(s, 3) || !Simple(s, 3) {
		return Date{}, false
	}
	d := Date{Qualifier: Str(s, 1), Format: Str(s, 2)}
	d.From, d.To = p.period(s, 3, d.Format)
	return d, true
}

// readAddress reads an N3 or N4 segment into a; it reports false when the
// segment holds what Address cannot or a is already set.
func readAddress(a *Address, s *x12.Segment) bool {
	switch s.ID {
	case "N3":
		if a.Line1 != "" || a.Line2 != "" || !Fits(s, 2) || !Simple(s, 2) {
			return false
		}
		a.Line1, a.Line2 = Str(s, 1), Str(s, 2)
	case "N4":
		if a.City != "" || a.State != "" || a.PostalCode != "" || a.Country != "" || a.Subdivision != "" ||
			!Fits(s, 7) || !Simple(s, 7) || !Blank(s, 5) || !Blank(s, 6) {
			return false
		}
		a.City, a.State, a.PostalCode, a.Country, a.Subdivision = Str(s, 1), Str(s, 2), Str(s, 3), Str(s, 4), Str(s, 7)
	default:
		return false
	}
	return true
}

// ProcedureOf reads composite element i as a C003 procedure; nil when empty.
func ProcedureOf(s *x12.Segment, i int) *Procedure {
	if Blank(s, i) {
		return nil
	}
	pr := &Procedure{Qualifier: Comp(s, i, 1), Code: Comp(s, i, 2), Description: Comp(s, i, 7)}
	n := 0
	for j := 3; j <= 6; j++ {
		if len(s.Component(i, j)) > 0 {
			n = j - 2
		}
	}
	for j := 3; j < 3+n; j++ {
		pr.Modifiers = append(pr.Modifiers, Comp(s, i, j))
	}
	return pr
}

// Repeated returns the repetitions of element i.
func Repeated(s *x12.Segment, i int) []string {
	n := s.Repetitions(i)
	for n > 0 && len(s.RepetitionComponent(i, n, 1)) == 0 {
		n-- // trailing empty repetitions are not written back
	}
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for r := range n {
		out[r] = string(s.RepetitionComponent(i, r+1, 1))
	}
	return out
}

// Other keeps a segment the model does not type as X12 text with the
// default delimiters.
func (p *Parser) Other(s *x12.Segment) Segment {
	if !validID(s.ID) {
		p.Fail(s, 0, 0, fmt.Sprintf("segment ID %q is not 2 or 3 upper-case letters and digits", s.ID))
		return ""
	}
	d := s.Delims
	raw := s.Raw()
	b := make([]byte, len(raw))
	for i, c := range raw {
		switch {
		case c == d.Element:
			c = '*'
		case c == d.Component:
			c = ':'
		case d.Repetition != 0 && c == d.Repetition:
			c = '^'
		case c == '*' || c == ':' || c == '^' || c == '~':
			p.Fail(s, 0, 0, fmt.Sprintf("segment holds %q, a default delimiter, as data: it cannot be kept", c))
			return ""
		}
		b[i] = c
	}
	return Segment(normalize(string(b)))
}

// normalize drops from a segment in default delimiters what the typed
// paths drop too: trailing empty components of each repetition, trailing
// empty repetitions and trailing empty elements, so that a kept segment
// reads back as it was kept.
func normalize(seg string) string {
	els := strings.Split(seg, "*")
	for i, e := range els[1:] {
		reps := strings.Split(e, "^")
		for r, x := range reps {
			reps[r] = strings.TrimRight(x, ":")
		}
		for len(reps) > 1 && reps[len(reps)-1] == "" {
			reps = reps[:len(reps)-1]
		}
		els[i+1] = strings.Join(reps, "^")
	}
	for len(els) > 1 && els[len(els)-1] == "" {
		els = els[:len(els)-1]
	}
	return strings.Join(els, "*")
}

func validID(id string) bool {
	if len(id) < 2 || len(id) > 3 {
		return false
	}
	for _, c := range []byte(id) {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Loop keeps a loop the model does not type.
func (p *Parser) Loop(l *validate.Loop) Loop {
	out := Loop{ID: l.ID}
	for _, s := range Ordered(l) {
		out.Segments = append(out.Segments, p.Other(s))
	}
	for _, c := range l.Loops {
		out.Loops = append(out.Loops, p.Loop(c))
	}
	return out
}

// SetHeader is what the ST and BHT segments of a set say.
type SetHeader struct {
	ID        string    // ST01
	Version   string    // ST03
	Structure string    // BHT01: hierarchical structure code
	Purpose   string    // BHT02
	Ref       string    // BHT03
	Created   time.Time // BHT04 and BHT05
	Type      string    // BHT06
}

// Header reads the ST and BHT segments of root, a set's root loop, and
// returns the root's other segments; an ST01 other than st01 (unless
// empty) is an error.
func (p *Parser) Header(root *validate.Loop, st01 string) (h SetHeader, rest []*x12.Segment) {
	for _, s := range Ordered(root) {
		switch s.ID {
		case "ST":
			h.ID, h.Version = Str(s, 1), Str(s, 3)
			if st01 != "" && h.ID != st01 {
				p.Fail(s, 1, 0, fmt.Sprintf("transaction set %q is not a %s", h.ID, st01))
			}
		case "SE":
		case "BHT":
			if h.Structure != "" {
				rest = append(rest, s)
				continue
			}
			h.Structure, h.Purpose, h.Ref, h.Type = Str(s, 1), Str(s, 2), Str(s, 3), Str(s, 6)
			h.Created = p.Date(s, 4, 0, Val(s, 4))
			if v := Val(s, 5); len(v) > 0 {
				d, err := x12.ParseTime(string(v))
				if err != nil {
					p.FailErr(s, 5, 0, err)
				}
				h.Created = h.Created.Add(d)
			}
			if !Fits(s, 6) {
				p.Fail(s, 7, 0, "BHT has elements after BHT06")
			}
		default:
			rest = append(rest, s)
		}
	}
	return h, rest
}

// CheckStructure reports root's BHT01 got when it is not want (an empty
// one is the validator's to report).
func (p *Parser) CheckStructure(root *validate.Loop, got, want string) {
	if got != "" && got != want {
		p.Fail(root.Segment("BHT"), 1, 0, fmt.Sprintf("hierarchical structure %q: want %s", got, want))
	}
}

// Others keeps segs, segments the model does not type.
func (p *Parser) Others(segs []*x12.Segment) []Segment {
	var out []Segment
	for _, s := range segs {
		out = append(out, p.Other(s))
	}
	return out
}

// HLCheck reports the HL segment of l when its level code (HL03) is not
// level.
func (p *Parser) HLCheck(l *validate.Loop, level string) {
	if s := l.Segment("HL"); s != nil && Str(s, 3) != level {
		p.Fail(s, 3, 0, fmt.Sprintf("hierarchical level %q: want %s in loop %s", Str(s, 3), level, l.ID))
	}
}

// LevelOther keeps the segments of HL loop l itself but for HL and those
// keep (when not nil) takes, reporting whether it did.
func (p *Parser) LevelOther(l *validate.Loop, keep func(s *x12.Segment) bool) []Segment {
	var out []Segment
	for _, s := range Ordered(l) {
		if s.ID == "HL" || (keep != nil && keep(s)) {
			continue
		}
		out = append(out, p.Other(s))
	}
	return out
}

// Parts says where the typed segments that many loops share go: a nil
// field is a kind of segment the loop does not type, which stays with its
// other segments.
type Parts struct {
	Traces    *[]Trace    // TRN
	Refs      *[]Ref      // REF
	Address   *Address    // N3 and N4
	Contacts  *[]Contact  // PER
	Rejects   *[]Reject   // AAA
	Specialty **Specialty // PRV, once
	Dates     *[]Date     // DTP
}

// Part reads s into pts and reports whether it did: false for a segment
// pts does not type, or one that holds what its type cannot.
func (p *Parser) Part(pts Parts, s *x12.Segment) bool {
	switch {
	case s.ID == "TRN" && pts.Traces != nil:
		t, ok := TraceOf(s)
		if ok {
			*pts.Traces = append(*pts.Traces, t)
		}
		return ok
	case s.ID == "REF" && pts.Refs != nil:
		r, ok := refOf(s)
		if ok {
			*pts.Refs = append(*pts.Refs, r)
		}
		return ok
	case (s.ID == "N3" || s.ID == "N4") && pts.Address != nil:
		return readAddress(pts.Address, s)
	case s.ID == "PER" && pts.Contacts != nil:
		c, ok := contactOf(s)
		if ok {
			*pts.Contacts = append(*pts.Contacts, c)
		}
		return ok
	case s.ID == "AAA" && pts.Rejects != nil:
		r, ok := rejectOf(s)
		if ok {
			*pts.Rejects = append(*pts.Rejects, r)
		}
		return ok
	case s.ID == "PRV" && pts.Specialty != nil:
		if *pts.Specialty != nil {
			return false
		}
		sp, ok := specialtyOf(s)
		if ok {
			*pts.Specialty = &sp
		}
		return ok
	case s.ID == "DTP" && pts.Dates != nil:
		d, ok := p.dtp(s)
		if ok {
			*pts.Dates = append(*pts.Dates, d)
		}
		return ok
	}
	return false
}

// NameLoop reads the segments of name loop l: its NM1 into *name, those
// that extra (when not nil) takes, reporting whether it did, or that pts
// types, and the rest into *other. A second NM1, or one that Name cannot
// hold, is an error. It does not read l's child loops.
func (p *Parser) NameLoop(l *validate.Loop, name *Name, pts Parts, other *[]Segment, extra func(s *x12.Segment) bool) {
	nm1 := 0
	for _, s := range Ordered(l) {
		if s.ID == "NM1" {
			// The loop's trigger: kept in Other, it would start a loop of
			// its own when written back.
			if nm1++; nm1 > 1 {
				p.Fail(s, 0, 0, fmt.Sprintf("a second NM1 in loop %s", l.ID))
				return
			}
			n, ok := p.name(s)
			if !ok {
				p.Fail(s, 0, 0, "NM1 has elements after NM110, or composites or repeats")
				return
			}
			*name = n
			continue
		}
		if (extra != nil && extra(s)) || p.Part(pts, s) {
			continue
		}
		*other = append(*other, p.Other(s))
	}
}

// Demographics reads DMG segment s (DMG01 D8, the birth date, the sex)
// into *birth and *sex and reports whether it did: false when either is
// set already or s holds what they cannot.
func (p *Parser) Demographics(s *x12.Segment, birth *time.Time, sex *string) bool {
	if !birth.IsZero() || *sex != "" || !Fits(s, 3) || !Simple(s, 3) {
		return false
	}
	f, dob := Str(s, 1), Val(s, 2)
	if (f == "D8") != (len(dob) > 0) || (f == "" && Blank(s, 3)) {
		return false
	}
	*birth = p.Date(s, 2, 0, dob)
	*sex = Str(s, 3)
	return true
}

// Pointers returns the components of element i, such as a C004 of
// diagnosis code pointers.
func Pointers(s *x12.Segment, i int) []string {
	var out []string
	n := s.Components(i)
	for n > 0 && len(s.Component(i, n)) == 0 {
		n-- // trailing empty components are not written back
	}
	for j := 1; j <= n; j++ {
		out = append(out, Comp(s, i, j))
	}
	return out
}

// ReadAll reads every transaction set of r, validates it (for its loop
// tree) and returns what parse makes of each. A set whose ID is not one of
// ids is an error; errors of reading, and that one, begin with pkg. With
// an error, it returns the sets read before it.
func ReadAll[T any](r io.Reader, pkg string, ids []string, parse func(ts *x12.TransactionSet, tree *validate.Loop) (T, error)) ([]T, error) {
	var out []T
	sr := x12.NewSetReader(x12.NewReader(r))
	for {
		ts, err := sr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("%s: %w", pkg, err)
		}
		tree, _ := validate.Transaction(ts)
		if !slices.Contains(ids, ts.ID) {
			return out, fmt.Errorf("%s: segment %d: transaction set %s is not a %s", pkg, ts.Pos, ts.ID, strings.Join(ids, " or "))
		}
		t, err := parse(ts, tree)
		if err != nil {
			return out, err
		}
		out = append(out, t)
	}
}
