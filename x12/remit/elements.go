package remit

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
)

// Quantity is a decimal number that is not money (units, days, rates,
// weights) in ten-thousandths: 1.5 units is 15000. It reads and writes
// JSON as a plain decimal number, exactly. It is the same type in
// packages x12/claim and x12/remit.
type Quantity = txn.Quantity

// QuantityScale is the number of decimal places a Quantity holds.
const QuantityScale = txn.QuantityScale

// Units returns n whole units as a Quantity.
func Units(n int64) Quantity { return txn.Units(n) }

// parser reads values out of segments and keeps the first error, a
// *x12.ParseError naming the segment and element, so that the code that
// walks the tree reads straight through.
type parser struct {
	txn.Parser
	seg  *x12.Segment // the segment text holds
	text string
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
			p.Fail(s, i, 0, fmt.Sprintf("%s%02d is not used in 5010 and cannot be kept", s.ID, i))
			return
		}
	}
	for _, i := range l.notUsed {
		if len(s.Element(i)) > 0 {
			p.Fail(s, i, 0, fmt.Sprintf("%s%02d is not used in 5010 and cannot be kept", s.ID, i))
			return
		}
	}
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
		if v, ok := internTable[txn.View(b)]; ok {
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
	return p.Need(s, i, name, p.str(s, i))
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

func num(n int) string { return fmt.Sprint(n) }
