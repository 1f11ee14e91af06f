package txn

import (
	"fmt"
	"time"
	"unsafe"

	"github.com/claimgate/claimgate/x12"
)

// The helpers below read and write whole elements (s.Element, not the
// first component of the first repetition), as packages x12/claim and
// x12/remit hold them.

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

// View returns b as a string without copying, for the number and date
// parsers, which do not keep it (their errors quote a copy). Segment bytes
// are never changed once read.
func View(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Need returns v, the value of element i, and records an error if it is
// empty.
func (p *Parser) Need(s *x12.Segment, i int, name, v string) string {
	if v == "" {
		p.Fail(s, i, 0, fmt.Sprintf("%s (%s%02d) is required", name, s.ID, i))
	}
	return v
}

// ElemAmount parses required money element i.
func (p *Parser) ElemAmount(s *x12.Segment, i int, name string) int64 {
	el := s.Element(i)
	if len(el) == 0 {
		p.Fail(s, i, 0, fmt.Sprintf("%s (%s%02d) is required", name, s.ID, i))
		return 0
	}
	v, err := x12.ParseAmount(View(el))
	if err != nil {
		p.FailErr(s, i, 0, err)
	}
	return v
}

// ElemOptAmount parses optional money element i: nil when empty.
func (p *Parser) ElemOptAmount(s *x12.Segment, i int) *int64 {
	el := s.Element(i)
	if len(el) == 0 {
		return nil
	}
	v, err := x12.ParseAmount(View(el))
	if err != nil {
		p.FailErr(s, i, 0, err)
		return nil
	}
	return &v
}

// QuantityBytes parses el, element i, component j (0 for none), as a
// Quantity.
func (p *Parser) QuantityBytes(s *x12.Segment, i, j int, el []byte) Quantity {
	v, err := x12.ParseDecimal(View(el), QuantityScale)
	if err != nil {
		p.FailErr(s, i, j, err)
	}
	return Quantity(v)
}

// ElemQuantity parses decimal element i, zero when empty.
func (p *Parser) ElemQuantity(s *x12.Segment, i int) Quantity {
	el := s.Element(i)
	if len(el) == 0 {
		return 0
	}
	return p.QuantityBytes(s, i, 0, el)
}

// ElemOptQuantity parses optional decimal element i: nil when empty.
func (p *Parser) ElemOptQuantity(s *x12.Segment, i int) *Quantity {
	el := s.Element(i)
	if len(el) == 0 {
		return nil
	}
	q := p.QuantityBytes(s, i, 0, el)
	return &q
}

// ElemNumber parses whole number element i, zero when empty.
func (p *Parser) ElemNumber(s *x12.Segment, i int) int {
	el := s.Element(i)
	n := 0
	for k, c := range el {
		if c < '0' || c > '9' || k > 9 {
			p.Fail(s, i, 0, fmt.Sprintf("number %q: want digits", el))
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// ElemDate parses date element i (CCYYMMDD), the zero time when empty.
func (p *Parser) ElemDate(s *x12.Segment, i int) time.Time {
	el := s.Element(i)
	if len(el) == 0 {
		return time.Time{}
	}
	t, err := x12.ParseDate(View(el))
	if err != nil {
		p.FailErr(s, i, 0, err)
	}
	return t
}

// FormatOptAmount formats optional amount v: empty when nil.
func FormatOptAmount(v *int64) string {
	if v == nil {
		return ""
	}
	return x12.FormatAmount(*v)
}

// FormatOptQuantity formats optional quantity q: empty when nil.
func FormatOptQuantity(q *Quantity) string {
	if q == nil {
		return ""
	}
	return q.String()
}
