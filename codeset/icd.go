package codeset

import (
	"io"
)

// The CDC/CMS order file (icd10cm-order-YYYY.txt, icd10pcs_order_YYYY.txt):
// fixed width, one code per line, CRLF.
//
//	columns  1-5   order number, zero-padded
//	column   6     space
//	columns  7-13  code, without a dot, left-justified
//	column   14    space
//	column   15    1 if the code is valid for billing, 0 for a header
//	column   16    space
//	columns 17-76  short title, padded with spaces
//	column   77    space
//	columns 78-    long title
const orderLayout = "order-file layout: order number 1-5, code 7-13, billable flag 15, short title 17-76, long title 78+"

// parseOrder reads an order file of kind (ICD10CM or ICD10PCS).
func parseOrder(kind Kind, r io.Reader) (*Set, error) {
	s := &Set{Kind: kind}
	seen := map[string]int{}
	l := newLines(r)
	for l.next() {
		b := l.text
		if len(trimSpace(b)) == 0 {
			continue
		}
		if len(b) < 78 {
			return nil, lineErr(l.n, "%d characters, want at least 78 (%s)", len(b), orderLayout)
		}
		if !allDigits(string(b[0:5])) {
			return nil, lineErr(l.n, "order number %q: want 5 digits (%s)", b[0:5], orderLayout)
		}
		for _, col := range [...]int{6, 14, 16, 77} {
			if b[col-1] != ' ' {
				return nil, lineErr(l.n, "column %d is %q, want a space (%s)", col, b[col-1:col], orderLayout)
			}
		}
		raw := b[6:13]
		code := string(trimSpace(raw))
		if raw[0] == ' ' || !wellFormed(kind, code) {
			return nil, lineErr(l.n, "code %q: not %s: %s", string(trimRight(raw)), article(kind), formatRule[kind])
		}
		var billable bool
		switch b[14] {
		case '0':
		case '1':
			billable = true
		default:
			return nil, lineErr(l.n, "billable flag %q: want 0 or 1", b[14:15])
		}
		short, long := text(b[16:76]), text(b[77:])
		if short == "" || long == "" {
			return nil, lineErr(l.n, "code %s has no title", code)
		}
		if first, dup := seen[code]; dup {
			return nil, lineErr(l.n, "code %s repeated (first on line %d)", code, first)
		}
		seen[code] = l.n
		s.Codes = append(s.Codes, Code{Code: code, Billable: billable, Short: short, Long: long})
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if len(s.Codes) == 0 {
		return nil, lineErr(max(l.n, 1), "no codes: not an order file (%s)", orderLayout)
	}
	return s, nil
}

// article returns "an ICD-10-CM code", "a HCPCS code".
func article(k Kind) string {
	switch k {
	case ICD10CM, ICD10PCS, RARC, MUE:
		return "an " + k.Title() + " code"
	}
	return "a " + k.Title() + " code"
}
