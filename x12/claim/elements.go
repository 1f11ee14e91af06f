package claim

import (
	"fmt"
	"strings"
	"time"

	"github.com/claimgate/claimgate/x12"
)

// Quantity is a decimal number that is not money (units, days, rates,
// weights) in ten-thousandths: 1.5 units is 15000. It reads and writes
// JSON as a plain decimal number, exactly.
type Quantity int64

// QuantityScale is the number of decimal places a Quantity holds.
const QuantityScale = 4

// Units returns n whole units as a Quantity.
func Units(n int64) Quantity { return Quantity(n * 10000) }

// String formats q in X12's canonical form: 1.5, 2, -0.25.
func (q Quantity) String() string { return x12.FormatDecimal(int64(q), QuantityScale) }

// MarshalJSON writes q as a JSON number.
func (q Quantity) MarshalJSON() ([]byte, error) { return []byte(q.String()), nil }

// UnmarshalJSON reads a JSON number into q exactly.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	v, err := x12.ParseDecimal(string(b), QuantityScale)
	if err != nil {
		return err
	}
	*q = Quantity(v)
	return nil
}

// parser reads values out of segments and keeps the first error, a
// *x12.ParseError naming the segment and element, so that the code that
// walks the tree reads straight through.
type parser struct {
	err  error
	inst bool // reading an 837I
}

func (p *parser) fail(s *x12.Segment, el, comp int, detail string) {
	if p.err != nil {
		return
	}
	p.err = &x12.ParseError{
		Segment:    s.Pos,
		SetSegment: s.SetPos,
		SegmentID:  s.ID,
		Element:    el,
		Component:  comp,
		Offset:     s.Offset,
		Err:        x12.ErrInvalidValue,
		Detail:     detail,
	}
}

// failErr records a value error from package x12 without its "x12: " prefix.
func (p *parser) failErr(s *x12.Segment, el, comp int, err error) {
	p.fail(s, el, comp, strings.TrimPrefix(err.Error(), "x12: "))
}

// str returns element i, interning short code values.
func str(s *x12.Segment, i int) string { return intern(s.Element(i)) }

// comp returns component j of element i.
func comp(s *x12.Segment, i, j int) string { return intern(s.Component(i, j)) }

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
	el := s.Element(i)
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
	el := s.Element(i)
	if len(el) == 0 {
		return nil
	}
	v, err := x12.ParseAmount(string(el))
	if err != nil {
		p.failErr(s, i, 0, err)
		return nil
	}
	return &v
}

func (p *parser) quantityBytes(s *x12.Segment, i, j int, el []byte) Quantity {
	v, err := x12.ParseDecimal(string(el), QuantityScale)
	if err != nil {
		p.failErr(s, i, j, err)
	}
	return Quantity(v)
}

// quantity parses decimal element i, zero when empty.
func (p *parser) quantity(s *x12.Segment, i int) Quantity {
	el := s.Element(i)
	if len(el) == 0 {
		return 0
	}
	return p.quantityBytes(s, i, 0, el)
}

// optQuantity parses optional decimal element i: nil when empty.
func (p *parser) optQuantity(s *x12.Segment, i int) *Quantity {
	el := s.Element(i)
	if len(el) == 0 {
		return nil
	}
	q := p.quantityBytes(s, i, 0, el)
	return &q
}

// int parses whole number element i, zero when empty.
func (p *parser) number(s *x12.Segment, i int) int {
	el := s.Element(i)
	n := 0
	for k, c := range el {
		if c < '0' || c > '9' || k > 9 {
			p.fail(s, i, 0, fmt.Sprintf("number %q: want digits", el))
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// date parses date element i (CCYYMMDD), the zero time when empty.
func (p *parser) date(s *x12.Segment, i int) time.Time {
	el := s.Element(i)
	if len(el) == 0 {
		return time.Time{}
	}
	t, err := x12.ParseDate(string(el))
	if err != nil {
		p.failErr(s, i, 0, err)
	}
	return t
}

// internTable holds the short code values that recur in every claim, so
// that reading them does not allocate.
var internTable = func() map[string]string {
	m := make(map[string]string)
	for _, s := range strings.Fields(`
		1 2 3 4 5 6 7 8 11 12 13 14 15 16 17 18 19 20 21 22 23 31 41 40 46 85 87 IL PR QC 82 77 DN DQ DK 71 72 ZZ
		A B C I N P S T U W Y F M D8 RD8 DT TM 472 431 434 435 096 439 454 304 573 050 HC UN MJ DA
		ABK ABF BK BF ABJ APR ABN BBR BBQ BH BI BE BG XX MI PI EI SY G1 F8 6R D9 EA G2 PE BI AT PXC
		TE IC EM FX EX CO OA PR PI MA MB MC CI BL ZZ 01 D EAF A8 ADD`) {
		m[s] = s
	}
	return m
}()

func intern(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) <= 5 {
		if s, ok := internTable[string(b)]; ok {
			return s
		}
	}
	return string(b)
}

func amt(v int64) string { return x12.FormatAmount(v) }

func optAmt(v *int64) string {
	if v == nil {
		return ""
	}
	return x12.FormatAmount(*v)
}

func qty(q Quantity) string { return q.String() }

func optQty(q *Quantity) string {
	if q == nil {
		return ""
	}
	return q.String()
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return x12.FormatDate(t)
}

// other keeps a segment the model does not type as X12 text with the
// default delimiters.
func (p *parser) other(s *x12.Segment) Segment {
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
	return Segment(canonical(string(b)))
}

// canonical returns segment text as x12.Writer writes it: without
// trailing empty components in each repetition or trailing empty elements.
func canonical(text string) string {
	el := strings.Split(text, "*")
	for i, e := range el {
		reps := strings.Split(e, "^")
		for j, r := range reps {
			reps[j] = strings.TrimRight(r, ":")
		}
		el[i] = strings.Join(reps, "^")
	}
	n := len(el)
	for n > 1 && el[n-1] == "" {
		n--
	}
	return strings.Join(el[:n], "*")
}

// datePeriod parses a date of format f (D8, RD8, DT, TM) from element i,
// component j (0 for a simple element).
func (p *parser) datePeriod(s *x12.Segment, i, j int, f string, v []byte) (from, to time.Time) {
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
			p.fail(s, i, j, fmt.Sprintf("date and time %q: want CCYYMMDDHHMM", v))
			return
		}
		from, err = x12.ParseDate(string(v[:8]))
		if err == nil {
			var d time.Duration
			d, err = x12.ParseTime(string(v[8:]))
			from = from.Add(d)
		}
	case "TM":
		var d time.Duration
		d, err = x12.ParseTime(string(v))
		from = time.Time{}.Add(d)
	default:
		p.fail(s, i, j, fmt.Sprintf("date format %q: want D8, RD8, DT or TM", f))
		return
	}
	if err != nil {
		p.failErr(s, i, j, err)
	}
	return
}

// formatPeriod formats a date of format f.
func formatPeriod(f string, from, to time.Time) string {
	if from.IsZero() && f != "TM" {
		return ""
	}
	switch f {
	case "RD8":
		return x12.FormatDate(from) + "-" + x12.FormatDate(to)
	case "DT":
		return x12.FormatDate(from) + from.Format("1504")
	case "TM":
		return from.Format("1504")
	}
	return x12.FormatDate(from)
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
