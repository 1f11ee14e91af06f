package remit

import (
	"fmt"
	"strings"
	"time"
	"unsafe"

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
	seg  *x12.Segment // the segment text holds
	text string
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

// layout says which elements of a segment the model holds: up to max,
// less those the 5010 guide does not use.
var layout = map[string]struct {
	max     int
	notUsed []int
}{
	"BPR": {16, nil}, "TRN": {4, nil}, "CUR": {2, nil}, "REF": {2, nil}, "DTM": {2, nil},
	"N1": {4, nil}, "N3": {2, nil}, "N4": {7, []int{5, 6}}, "PER": {8, nil}, "RDM": {3, nil},
	"LX": {1, nil}, "TS3": {24, nil}, "TS2": {19, nil}, "CLP": {13, []int{10}}, "CAS": {19, nil},
	"NM1": {9, []int{6}}, "MIA": {24, nil}, "MOA": {9, nil}, "AMT": {2, nil}, "QTY": {2, nil},
	"SVC": {7, nil}, "LQ": {2, nil}, "PLB": {14, nil},
}

// check records an error if s has a value in an element the model does
// not hold, which would otherwise be lost without a word.
func (p *parser) check(s *x12.Segment) {
	l, ok := layout[s.ID]
	if !ok {
		return
	}
	for i := l.max + 1; i <= s.Len(); i++ {
		if len(s.Element(i)) > 0 {
			p.fail(s, i, 0, fmt.Sprintf("%s%02d is not used in 5010 and cannot be kept", s.ID, i))
			return
		}
	}
	for _, i := range l.notUsed {
		if len(s.Element(i)) > 0 {
			p.fail(s, i, 0, fmt.Sprintf("%s%02d is not used in 5010 and cannot be kept", s.ID, i))
			return
		}
	}
}

// view returns b as a string without copying, for the number and date
// parsers, which do not keep it (their errors quote a copy). Segment bytes
// are never changed once read.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// str returns element i: a code value from the intern table, or a piece of
// one string made for the whole segment, so that reading a segment's
// values costs one allocation rather than one each.
func (p *parser) str(s *x12.Segment, i int) string { return p.piece(s, s.Element(i)) }

// comp returns component j of element i, like str.
func (p *parser) comp(s *x12.Segment, i, j int) string { return p.piece(s, s.Component(i, j)) }

func (p *parser) piece(s *x12.Segment, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) <= 5 {
		if v, ok := internTable[view(b)]; ok {
			return v
		}
	}
	raw := s.Raw()
	if p.seg != s {
		p.seg, p.text = s, string(raw)
	}
	off := int(uintptr(unsafe.Pointer(&b[0])) - uintptr(unsafe.Pointer(&raw[0])))
	return p.text[off : off+len(b)]
}

// required returns element i and records an error if it is empty.
func (p *parser) required(s *x12.Segment, i int, name string) string {
	v := p.str(s, i)
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
	v, err := x12.ParseAmount(view(el))
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
	v, err := x12.ParseAmount(view(el))
	if err != nil {
		p.failErr(s, i, 0, err)
		return nil
	}
	return &v
}

func (p *parser) quantityBytes(s *x12.Segment, i, j int, el []byte) Quantity {
	v, err := x12.ParseDecimal(view(el), QuantityScale)
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
	t, err := x12.ParseDate(view(el))
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
		1 2 3 4 5 11 12 13 14 15 16 17 19 20 21 22 23 24 25 26 27 31 35 42 45 50 59 94 96 97 
		A1 A2 B6 CO OA PI PR CR HC HE QC IL 74 82 TT GB MI MR HN FI XX XV PE N1 N3 N4
		6R 1B 0B 1A 1C 1D 1G 1H 1J D3 G2 G1 F8 EA 9A 9C BB CE 1L 1W 28 6P IG SY LU
		150 151 472 232 233 036 050 405 AU D8 DY F5 I NL T T2 ZK ZL ZM ZN ZO KH CA
		MA MB MC CI BL HM 09 10 AM AD ER HP IV N4 NU WK RX 
		N14 N130 M15 M80 MA01 MA02 MA130 N381 CV CP WO L6 FB`) {
		m[s] = s
	}
	return m
}()

// out writes segments and keeps the first error.
type out struct {
	w   *x12.Writer
	err error
}

func (o *out) seg(id string, el ...string) {
	if o.err == nil {
		o.err = o.w.WriteSegment(id, el...)
	}
}

func (o *out) comp(id string, el ...[]string) {
	if o.err == nil {
		o.err = o.w.WriteComposite(id, el...)
	}
}

// c makes a composite element or a simple one (one component).
func c(v ...string) []string { return v }

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

func num(n int) string { return fmt.Sprint(n) }
