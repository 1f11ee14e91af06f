// This file is kept identical in x12/elig, x12/status and x12/auth but for
// its package clause (TestCommonFilesAgree checks): the three packages share
// the name, reference, date and envelope types of the HL-structured
// transactions and the reading and writing machinery.

package status

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/spec"
	"github.com/claimgate/claimgate/x12/validate"
)

// ErrGuide means that a model holds what its implementation guide does
// not allow in that place, such as a benefit (EB) in a 270 or a decision
// (HCR) in a 278 request: the writers refuse to write it. The parsers read
// such input all the same (the validator reports it), so that what a
// sender got wrong can be seen.
var ErrGuide = errors.New("not allowed by the implementation guide")

// Segment is a segment the model does not type, kept as X12 text with the
// default delimiters (* ^ :) and without its terminator: "III*ZZ*11".
type Segment string

// Loop is a loop the model does not type, kept whole.
type Loop struct {
	ID       string    // the TR3 loop ID, such as "2115C"
	Segments []Segment `json:",omitempty"`
	Loops    []Loop    `json:",omitempty"`
}

// Envelope is what surrounds a transaction set: the interchange (ISA) and
// functional group (GS) headers and the set's control number (ST02).
// Positions and offsets are not kept; Delims are the interchange's
// delimiters, which the writers use again.
type Envelope struct {
	Interchange x12.InterchangeHeader
	Group       x12.GroupHeader
	Control     string // ST02
}

// EnvelopeOf returns the envelope of ts as a model keeps it: without
// positions and offsets, and with the delimiters a writer will use (an
// interchange without a repetition separator gets ^).
func EnvelopeOf(ts *x12.TransactionSet) Envelope {
	isa, gs := ts.Interchange, ts.Group
	isa.Pos, isa.Offset = 0, 0
	isa.Delims = writeDelimiters(isa.Delims)
	gs.Pos, gs.Offset = 0, 0
	return Envelope{Interchange: isa, Group: gs, Control: ts.ControlNumber}
}

// writeDelimiters returns d, or the default delimiters when d is not
// usable, with a repetition separator that none of the others is.
func writeDelimiters(d x12.Delimiters) x12.Delimiters {
	if d.Valid() != nil {
		return x12.DefaultDelimiters
	}
	if d.Repetition == 0 {
		for _, c := range []byte("^~|!`") {
			if !d.IsDelimiter(c) {
				d.Repetition = c
				break
			}
		}
	}
	return d
}

// Name is an NM1 segment: a person or organization and its identifier.
type Name struct {
	Entity       string `json:",omitempty"` // NM101: PR payer, 1P provider, IL insured, QC patient...
	Type         string `json:",omitempty"` // NM102: 1 person, 2 organization
	Last         string `json:",omitempty"` // NM103, or the organization's name
	First        string `json:",omitempty"` // NM104
	Middle       string `json:",omitempty"` // NM105
	Prefix       string `json:",omitempty"` // NM106
	Suffix       string `json:",omitempty"` // NM107
	IDQualifier  string `json:",omitempty"` // NM108: PI payer ID, XX NPI, MI member ID, 46 ETIN...
	ID           string `json:",omitempty"` // NM109
	Relationship string `json:",omitempty"` // NM110: entity relationship code
}

// Address is an N3 and N4 pair.
type Address struct {
	Line1       string `json:",omitempty"` // N301
	Line2       string `json:",omitempty"` // N302
	City        string `json:",omitempty"` // N401
	State       string `json:",omitempty"` // N402
	PostalCode  string `json:",omitempty"` // N403
	Country     string `json:",omitempty"` // N404
	Subdivision string `json:",omitempty"` // N407
}

// Ref is a REF segment: a qualifier, an identifier and a description.
type Ref struct {
	Qualifier   string // REF01
	Value       string `json:",omitempty"` // REF02
	Description string `json:",omitempty"` // REF03
}

// Contact is a PER segment: a function, a name and up to three numbers.
type Contact struct {
	Function string          // PER01: IC information contact
	Name     string          `json:",omitempty"` // PER02
	Numbers  []Communication `json:",omitempty"` // PER03-08
}

// Communication is one number of a PER segment, such as TE 8005551212.
type Communication struct {
	Qualifier string // EM, FX, TE, UR...
	Number    string
}

// Specialty is a PRV segment: the provider's role and taxonomy.
type Specialty struct {
	Code        string // PRV01: PE performing, RF referring, AT attending...
	IDQualifier string `json:",omitempty"` // PRV02: PXC taxonomy
	ID          string `json:",omitempty"` // PRV03
}

// Reject is an AAA segment: why a request was not processed, and what to
// do about it.
type Reject struct {
	Valid    string // AAA01: Y the request was valid, N it was not
	Reason   string // AAA03: 15 required application data missing, 42 unable to respond now, 72 invalid member ID...
	FollowUp string // AAA04: C correct and resubmit, N resubmission not allowed, R resubmission allowed, Y do not resubmit...
}

// Trace is a TRN segment: a trace number and who assigned it.
type Trace struct {
	Type         string // TRN01: 1 current transaction, 2 referenced transaction
	Number       string // TRN02
	Originator   string `json:",omitempty"` // TRN03: the assigner's identifier (1 and a tax ID or 9 and a DUNS)
	Supplemental string `json:",omitempty"` // TRN04
}

// Date is a DTP segment: a qualified date or range. Format is DTP02 (D8 a
// date, RD8 a range, DT a date and time); To is zero unless it is a range.
type Date struct {
	Qualifier string    // DTP01: 291 plan, 346 plan begin, 472 service...
	Format    string    // DTP02: D8, RD8, DT
	From      time.Time // midnight UTC, or the time given (DT)
	To        time.Time `json:",omitzero"`
}

// Contains reports whether day t falls within d: the one day of a D8 or DT
// date, or the days of an RD8 range, both ends included.
func (d Date) Contains(t time.Time) bool {
	day := func(x time.Time) time.Time { return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC) }
	t = day(t)
	to := d.To
	if to.IsZero() {
		to = d.From
	}
	return !t.Before(day(d.From)) && !t.After(day(to))
}

// Code is a qualified code: a component pair such as ABK:J449 of an HI
// segment, or HC:99213 of a procedure.
type Code struct {
	Qualifier string // the code list: ABK ICD-10-CM principal, ABF ICD-10-CM, HC HCPCS...
	Code      string
}

// Procedure is a composite medical procedure identifier (C003): a code
// list, a code and up to four modifiers.
type Procedure struct {
	Qualifier   string   // C003-01: HC HCPCS/CPT, AD ADA, N4 NDC, NU revenue code...
	Code        string   // C003-02
	Modifiers   []string `json:",omitempty"` // C003-03..06
	Description string   `json:",omitempty"` // C003-07
}

// parser reads values out of segments and keeps the first error, a
// *x12.ParseError naming the segment and element, so that the code that
// walks the tree reads straight through.
type parser struct {
	err error
}

func (p *parser) fail(s *x12.Segment, el, comp int, detail string) {
	if p.err != nil {
		return
	}
	p.err = &x12.ParseError{
		Segment: s.Pos, SetSegment: s.SetPos, SegmentID: s.ID, Element: el, Component: comp,
		Offset: s.Offset, Err: x12.ErrInvalidValue, Detail: detail,
	}
}

// failErr records a value error from package x12 without its "x12: " prefix.
func (p *parser) failErr(s *x12.Segment, el, comp int, err error) {
	p.fail(s, el, comp, strings.TrimPrefix(err.Error(), "x12: "))
}

// val returns the first component of element i's first repetition: the
// value of a simple element.
func val(s *x12.Segment, i int) []byte { return s.Component(i, 1) }

func str(s *x12.Segment, i int) string { return string(val(s, i)) }

// blank reports whether element i is empty or holds only separators,
// which the writers drop.
func blank(s *x12.Segment, i int) bool {
	d := s.Delims
	for _, c := range s.Element(i) {
		if c != d.Component && (d.Repetition == 0 || c != d.Repetition) {
			return false
		}
	}
	return true
}

func comp(s *x12.Segment, i, j int) string { return string(s.Component(i, j)) }

// required returns element i and records an error if it is empty.
func (p *parser) required(s *x12.Segment, i int, name string) string {
	v := str(s, i)
	if v == "" {
		p.fail(s, i, 0, fmt.Sprintf("%s (%s%02d) is required", name, s.ID, i))
	}
	return v
}

// amount parses required money element i.
func (p *parser) amount(s *x12.Segment, i int, name string) int64 {
	el := val(s, i)
	if len(el) == 0 {
		p.fail(s, i, 0, fmt.Sprintf("%s (%s%02d) is required", name, s.ID, i))
		return 0
	}
	v, err := x12.ParseAmount(string(el))
	if err != nil {
		p.failErr(s, i, 0, err)
	}
	return v
}

// optAmount parses optional money element i: nil when empty.
func (p *parser) optAmount(s *x12.Segment, i int) *int64 {
	if blank(s, i) {
		return nil
	}
	v := p.amount(s, i, "")
	return &v
}

// optDecimal parses optional decimal element i scaled by 10^scale: nil
// when empty.
func (p *parser) optDecimal(s *x12.Segment, i, scale int) *int64 {
	el := val(s, i)
	if len(el) == 0 {
		return nil
	}
	v, err := x12.ParseDecimal(string(el), scale)
	if err != nil {
		p.failErr(s, i, 0, err)
	}
	return &v
}

// date parses a CCYYMMDD date in element i, component j (0 for a simple
// element); the zero time when empty.
func (p *parser) date(s *x12.Segment, i, j int, v []byte) time.Time {
	if len(v) == 0 {
		return time.Time{}
	}
	t, err := x12.ParseDate(string(v))
	if err != nil {
		p.failErr(s, i, j, err)
	}
	return t
}

// period parses a date of format f (D8, RD8, DT) from element i.
func (p *parser) period(s *x12.Segment, i int, f string) (from, to time.Time) {
	v := val(s, i)
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
			p.fail(s, i, 0, fmt.Sprintf("date and time %q: want CCYYMMDDHHMM", v))
			return
		}
		from, err = x12.ParseDate(string(v[:8]))
		if err == nil {
			var d time.Duration
			d, err = x12.ParseTime(string(v[8:]))
			from = from.Add(d)
		}
	default:
		p.fail(s, i-1, 0, fmt.Sprintf("date format %q: want D8, RD8 or DT", f))
		return
	}
	if err != nil {
		p.failErr(s, i, 0, err)
	}
	return
}

// fits reports whether s has no element after position n, so that a type
// that holds elements 1 to n loses nothing.
func fits(s *x12.Segment, n int) bool {
	for i := s.Len(); i > n; i-- {
		if !blank(s, i) {
			return false
		}
	}
	return true
}

// simple reports whether elements 1 to n of s hold no repetitions or
// components (but empty ones, which the writers drop), which a type of
// plain strings would lose.
func simple(s *x12.Segment, n int) bool { return simpleFrom(s, 1, n) }

// simpleFrom reports whether elements from to to of s are simple: no
// component after the first, and no repetition after the first, holds
// data.
func simpleFrom(s *x12.Segment, from, to int) bool {
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

func (p *parser) name(s *x12.Segment) (Name, bool) {
	if !fits(s, 10) || !simple(s, 10) {
		return Name{}, false
	}
	return Name{
		Entity: str(s, 1), Type: str(s, 2), Last: str(s, 3), First: str(s, 4), Middle: str(s, 5),
		Prefix: str(s, 6), Suffix: str(s, 7), IDQualifier: str(s, 8), ID: str(s, 9), Relationship: str(s, 10),
	}, true
}

func ref(s *x12.Segment) (Ref, bool) {
	if !fits(s, 3) || !simple(s, 3) {
		return Ref{}, false
	}
	return Ref{Qualifier: str(s, 1), Value: str(s, 2), Description: str(s, 3)}, true
}

func contact(s *x12.Segment) (Contact, bool) {
	if !fits(s, 8) || !simple(s, 8) {
		return Contact{}, false
	}
	c := Contact{Function: str(s, 1), Name: str(s, 2)}
	for i := 3; i <= 7; i += 2 {
		q, n := str(s, i), str(s, i+1)
		if q == "" && n == "" {
			if !fits(s, i) {
				return Contact{}, false // a gap would not be written back
			}
			break
		}
		c.Numbers = append(c.Numbers, Communication{Qualifier: q, Number: n})
	}
	return c, true
}

func specialty(s *x12.Segment) (Specialty, bool) {
	if !fits(s, 3) || !simple(s, 3) {
		return Specialty{}, false
	}
	return Specialty{Code: str(s, 1), IDQualifier: str(s, 2), ID: str(s, 3)}, true
}

func reject(s *x12.Segment) (Reject, bool) {
	if !fits(s, 4) || !simple(s, 4) || !blank(s, 2) {
		return Reject{}, false
	}
	return Reject{Valid: str(s, 1), Reason: str(s, 3), FollowUp: str(s, 4)}, true
}

func trace(s *x12.Segment) (Trace, bool) {
	if !fits(s, 4) || !simple(s, 4) {
		return Trace{}, false
	}
	return Trace{Type: str(s, 1), Number: str(s, 2), Originator: str(s, 3), Supplemental: str(s, 4)}, true
}

// dtp reads a DTP segment; a date that does not parse is an error.
func (p *parser) dtp(s *x12.Segment) (Date, bool) {
	if !fits(s, 3) || !simple(s, 3) {
		return Date{}, false
	}
	d := Date{Qualifier: str(s, 1), Format: str(s, 2)}
	d.From, d.To = p.period(s, 3, d.Format)
	return d, true
}

// address reads an N3 or N4 segment into a; it reports false when the
// segment holds what Address cannot or a is already set.
func address(a *Address, s *x12.Segment) bool {
	switch s.ID {
	case "N3":
		if a.Line1 != "" || a.Line2 != "" || !fits(s, 2) || !simple(s, 2) {
			return false
		}
		a.Line1, a.Line2 = str(s, 1), str(s, 2)
	case "N4":
		if a.City != "" || a.State != "" || a.PostalCode != "" || a.Country != "" || a.Subdivision != "" ||
			!fits(s, 7) || !simple(s, 7) || !blank(s, 5) || !blank(s, 6) {
			return false
		}
		a.City, a.State, a.PostalCode, a.Country, a.Subdivision = str(s, 1), str(s, 2), str(s, 3), str(s, 4), str(s, 7)
	default:
		return false
	}
	return true
}

// procedure reads composite element i as a C003 procedure; nil when empty.
func procedure(s *x12.Segment, i int) *Procedure {
	if blank(s, i) {
		return nil
	}
	pr := &Procedure{Qualifier: comp(s, i, 1), Code: comp(s, i, 2), Description: comp(s, i, 7)}
	n := 0
	for j := 3; j <= 6; j++ {
		if len(s.Component(i, j)) > 0 {
			n = j - 2
		}
	}
	for j := 3; j < 3+n; j++ {
		pr.Modifiers = append(pr.Modifiers, comp(s, i, j))
	}
	return pr
}

// repeated returns the repetitions of element i.
func repeated(s *x12.Segment, i int) []string {
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

// other keeps a segment the model does not type as X12 text with the
// default delimiters.
func (p *parser) other(s *x12.Segment) Segment {
	if !validID(s.ID) {
		p.fail(s, 0, 0, fmt.Sprintf("segment ID %q is not 2 or 3 upper-case letters and digits", s.ID))
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
			p.fail(s, 0, 0, fmt.Sprintf("segment holds %q, a default delimiter, as data: it cannot be kept", c))
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

// loop keeps a loop the model does not type.
func (p *parser) loop(l *validate.Loop) Loop {
	out := Loop{ID: l.ID}
	for _, s := range ordered(l) {
		out.Segments = append(out.Segments, p.other(s))
	}
	for _, c := range l.Loops {
		out.Loops = append(out.Loops, p.loop(c))
	}
	return out
}

// header reads the ST and BHT segments of a root loop.
type header struct {
	id, version                 string
	structure, purpose, ref, kd string
	created                     time.Time
}

func (p *parser) header(root *validate.Loop, st01 string) (h header, rest []*x12.Segment) {
	for _, s := range ordered(root) {
		switch s.ID {
		case "ST":
			h.id, h.version = str(s, 1), str(s, 3)
			if st01 != "" && h.id != st01 {
				p.fail(s, 1, 0, fmt.Sprintf("transaction set %q is not a %s", h.id, st01))
			}
		case "SE":
		case "BHT":
			if h.structure != "" {
				rest = append(rest, s)
				continue
			}
			h.structure, h.purpose, h.ref, h.kd = str(s, 1), str(s, 2), str(s, 3), str(s, 6)
			h.created = p.date(s, 4, 0, val(s, 4))
			if v := val(s, 5); len(v) > 0 {
				d, err := x12.ParseTime(string(v))
				if err != nil {
					p.failErr(s, 5, 0, err)
				}
				h.created = h.created.Add(d)
			}
			if !fits(s, 6) {
				p.fail(s, 7, 0, "BHT has elements after BHT06")
			}
		default:
			rest = append(rest, s)
		}
	}
	return h, rest
}

// readSets reads every transaction set of r, validates it (for its loop
// tree) and hands it to fn.
func readSets(r io.Reader, pkg string, fn func(ts *x12.TransactionSet, tree *validate.Loop) error) error {
	sr := x12.NewSetReader(x12.NewReader(r))
	for {
		ts, err := sr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", pkg, err)
		}
		tree, _ := validate.Transaction(ts)
		if err := fn(ts, tree); err != nil {
			return err
		}
	}
}

// elem is one element to write: its repetitions, each a list of
// components. A simple element is one repetition of one component.
type elem [][]string

func v(s string) elem             { return elem{{s}} }
func cm(parts ...string) elem     { return elem{parts} }
func amt(c int64) elem            { return v(x12.FormatAmount(c)) }
func dec(x int64, scale int) elem { return v(x12.FormatDecimal(x, scale)) }
func optAmt(c *int64) elem        { return optDec(c, 2) }
func optDec(x *int64, s int) elem {
	if x == nil {
		return v("")
	}
	return dec(*x, s)
}

// reps makes a repeated element of simple values.
func reps(vals []string) elem {
	e := make(elem, len(vals))
	for i, x := range vals {
		e[i] = []string{x}
	}
	return e
}

func day(t time.Time) string {
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
	return day(from)
}

// formatClock formats the time of day of t as HHMM, HHMMSS or HHMMSSDD,
// the shortest that holds it.
func formatClock(t time.Time) string {
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
	el  []elem
	raw Segment
}

// wloop is a loop to write: its segments and child loops in TR3 order,
// except kept segments, which emit places by the table.
type wloop struct {
	id    string
	items []witem
}

type witem struct {
	seg  *wseg
	loop *wloop
}

func (l *wloop) seg(id string, el ...elem) {
	l.items = append(l.items, witem{seg: &wseg{id: id, el: el}})
}

// s adds a segment of simple elements.
func (l *wloop) s(id string, el ...string) {
	e := make([]elem, len(el))
	for i, x := range el {
		e[i] = v(x)
	}
	l.seg(id, e...)
}

func (l *wloop) others(segs []Segment) {
	for _, s := range segs {
		l.items = append(l.items, witem{seg: &wseg{raw: s}})
	}
}

func (l *wloop) kid(id string) *wloop {
	k := &wloop{id: id}
	l.items = append(l.items, witem{loop: k})
	return k
}

func (l *wloop) otherLoops(ls []Loop) {
	for _, o := range ls {
		k := l.kid(o.ID)
		k.others(o.Segments)
		k.otherLoops(o.Loops)
	}
}

func (l *wloop) name(n Name) {
	l.s("NM1", n.Entity, n.Type, n.Last, n.First, n.Middle, n.Prefix, n.Suffix, n.IDQualifier, n.ID, n.Relationship)
}

func (l *wloop) refs(rs []Ref) {
	for _, r := range rs {
		l.s("REF", r.Qualifier, r.Value, r.Description)
	}
}

func (l *wloop) address(a Address) {
	if a.Line1 != "" || a.Line2 != "" {
		l.s("N3", a.Line1, a.Line2)
	}
	if a.City != "" || a.State != "" || a.PostalCode != "" || a.Country != "" || a.Subdivision != "" {
		l.s("N4", a.City, a.State, a.PostalCode, a.Country, "", "", a.Subdivision)
	}
}

func (l *wloop) contacts(cs []Contact) {
	for _, c := range cs {
		el := []string{c.Function, c.Name}
		for _, n := range c.Numbers {
			el = append(el, n.Qualifier, n.Number)
		}
		l.s("PER", el...)
	}
}

func (l *wloop) specialty(s *Specialty) {
	if s != nil {
		l.s("PRV", s.Code, s.IDQualifier, s.ID)
	}
}

func (l *wloop) rejects(rs []Reject) {
	for _, r := range rs {
		l.s("AAA", r.Valid, "", r.Reason, r.FollowUp)
	}
}

func (l *wloop) traces(ts []Trace) {
	for _, t := range ts {
		l.s("TRN", t.Type, t.Number, t.Originator, t.Supplemental)
	}
}

func (l *wloop) dates(ds []Date) {
	for _, d := range ds {
		l.s("DTP", d.Qualifier, d.Format, formatPeriod(d.Format, d.From, d.To))
	}
}

func procElem(p *Procedure) elem {
	if p == nil {
		return v("")
	}
	c := []string{p.Qualifier, p.Code, "", "", "", "", p.Description}
	copy(c[2:6], p.Modifiers)
	return elem{c}
}

// hl numbers HL segments as they are written.
type hl struct{ n int }

// add writes the HL segment of l: its number, its parent's (0 for none),
// its level code and, when child is not empty, HL04. It returns l's number.
func (h *hl) add(l *wloop, parent int, level, child string) int {
	h.n++
	p := ""
	if parent > 0 {
		p = fmt.Sprint(parent)
	}
	l.s("HL", fmt.Sprint(h.n), p, level, child)
	return h.n
}

// childCode is HL04: 1 when the level has children, else 0.
func childCode(has bool) string {
	if has {
		return "1"
	}
	return "0"
}

// set is one transaction set to write.
type set struct {
	env     Envelope
	id      string // ST01
	version string // ST03
	gs01    string // GS01 when the envelope's is empty
	root    *wloop
	table   *spec.Transaction // for placing kept segments; nil when there is none
}

// writeSets writes sets as X12: an interchange for each run of sets that
// share their interchange control number, a group for each run that
// shares a group control number within it, with the delimiters of the
// first set's envelope.
func writeSets(w io.Writer, pkg string, sets []set) error {
	if len(sets) == 0 {
		return fmt.Errorf("%s: nothing to write", pkg)
	}
	xw := x12.NewWriter(w, writeDelimiters(sets[0].env.Interchange.Delims))
	for i := 0; i < len(sets); {
		isa := sets[i].env.Interchange
		if err := xw.BeginInterchange(isa); err != nil {
			return fmt.Errorf("%s: %w", pkg, err)
		}
		for i < len(sets) && sets[i].env.Interchange.ControlNumber == isa.ControlNumber {
			gs := sets[i].env.Group
			if gs.FunctionalID == "" {
				gs.FunctionalID = sets[i].gs01
			}
			if gs.Version == "" {
				gs.Version = sets[i].version
			}
			if err := xw.BeginGroup(gs); err != nil {
				return fmt.Errorf("%s: %w", pkg, err)
			}
			seen := make(map[string]bool)
			for n := 1; i < len(sets) && sets[i].env.Interchange.ControlNumber == isa.ControlNumber &&
				sets[i].env.Group.ControlNumber == gs.ControlNumber && !seen[sets[i].env.Control]; n++ {
				control := sets[i].env.Control
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
			if i < len(sets) && sets[i].env.Interchange.ControlNumber == isa.ControlNumber {
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
func (s *set) write(xw *x12.Writer, control string) error {
	if err := xw.BeginSet(s.id, control, s.version); err != nil {
		return err
	}
	var sp *spec.Loop
	if s.table != nil {
		sp = &s.table.Root
	}
	if err := emit(xw, sp, s.root); err != nil {
		return err
	}
	return xw.EndSet()
}

// emit writes l's segments and child loops. They are in TR3 order as
// built, but for kept segments, which go where table loop sp places their
// ID (with no table: after the typed segments, as built).
func emit(xw *x12.Writer, sp *spec.Loop, l *wloop) error {
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
				if n.Loop != nil && n.Loop.ID == it.loop.id {
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
					if n.Loop != nil && n.Loop.ID == it.loop.id {
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

// ordered returns l's segments in the order emit writes them: stably
// sorted by their places in l's table loop, so that segments the model
// keeps read back in the order they are written.
func ordered(l *validate.Loop) []*x12.Segment {
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

func blankElem(e elem) bool {
	for _, r := range e {
		for _, c := range r {
			if c != "" {
				return false
			}
		}
	}
	return true
}
