package claim

import (
	"fmt"
	"strings"
	"time"

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
	inst bool // reading an 837I
}

// str returns element i, interning short code values.
func str(s *x12.Segment, i int) string { return intern(s.Element(i)) }

// comp returns component j of element i.
func comp(s *x12.Segment, i, j int) string { return intern(s.Component(i, j)) }

// required returns element i and records an error if it is empty.
func (p *parser) required(s *x12.Segment, i int, name string) string {
	return p.Need(s, i, name, str(s, i))
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
			p.Fail(s, 0, 0, fmt.Sprintf("segment holds %q, a default delimiter, as data: it cannot be kept", c))
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
			p.Fail(s, i, j, fmt.Sprintf("date and time %q: want CCYYMMDDHHMM", v))
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
		p.Fail(s, i, j, fmt.Sprintf("date format %q: want D8, RD8, DT or TM", f))
		return
	}
	if err != nil {
		p.FailErr(s, i, j, err)
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
