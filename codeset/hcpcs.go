package codeset

import (
	"bytes"
	"io"

	"github.com/claimgate/claimgate"
)

// The CMS HCPCS annual file (HCPC20YY_ANWEB*.txt, "record layout" in the
// same zip): fixed width, 320 columns. The fields read here:
//
//	columns   1-5    HCPCS code; for a modifier, columns 4-5
//	columns   6-10   sequence number
//	column    11     record identification: 3 procedure, 4 its continuation,
//	                 7 modifier, 8 its continuation
//	columns  12-91   long description (continued on 4 and 8 records)
//	columns  92-119  short description
//	columns 269-276  code added date, YYYYMMDD
//	columns 277-284  action effective date, YYYYMMDD
//	columns 285-292  termination date (the last day the code may be used)
//	column  293      action code
const (
	hcpcsWidth  = 320
	hcpcsLayout = "HCPCS annual file layout: 320 columns, code 1-5, sequence 6-10, record identification 11, long description 12-91, short description 92-119, dates 269-292"
)

// parseHCPCS reads a HCPCS annual file into its procedure codes and its
// modifiers. Either set may be empty but not both.
func parseHCPCS(r io.Reader) (codes, mods *Set, err error) {
	codes, mods = &Set{Kind: HCPCS}, &Set{Kind: Modifier}
	seen := map[string]int{}
	var cur *Code // the entry a continuation record extends
	var curRID byte
	l := newLines(r)
	buf := make([]byte, 0, hcpcsWidth)
	spaces := bytes.Repeat([]byte{' '}, hcpcsWidth)
	for l.next() {
		b := trimRight(l.text)
		if len(b) == 0 {
			continue
		}
		if len(b) > hcpcsWidth {
			return nil, nil, lineErr(l.n, "%d characters, want at most %d (%s)", len(b), hcpcsWidth, hcpcsLayout)
		}
		if len(b) < 11 {
			return nil, nil, lineErr(l.n, "%d characters, want %d (%s)", len(b), hcpcsWidth, hcpcsLayout)
		}
		b = append(append(buf[:0], b...), spaces[len(b):]...)
		if !allDigits(string(b[5:10])) {
			return nil, nil, lineErr(l.n, "sequence number %q: want 5 digits (%s)", b[5:10], hcpcsLayout)
		}
		rid := b[10]
		var code string
		switch rid {
		case '3', '4':
			code = string(b[0:5])
			if !isHCPCS(code) {
				return nil, nil, lineErr(l.n, "code %q: not a HCPCS Level II code: %s", string(trimSpace(b[0:5])), formatRule[HCPCS])
			}
		case '7', '8':
			code = string(b[3:5])
			if string(b[0:3]) != "   " || !wellFormed(Modifier, code) {
				return nil, nil, lineErr(l.n, "modifier %q: want 2 letters or digits in columns 4-5", string(trimRight(b[0:5])))
			}
		default:
			return nil, nil, lineErr(l.n, "record identification code %q: want 3, 4, 7 or 8 (%s)", b[10:11], hcpcsLayout)
		}
		long := text(b[11:91])
		if rid == '4' || rid == '8' {
			if cur == nil || cur.Code != code || curRID != rid-1 {
				return nil, nil, lineErr(l.n, "continuation of %s without its first record", code)
			}
			if long != "" {
				cur.Long += " " + long
			}
			continue
		}
		if first, dup := seen[string(rid)+code]; dup {
			return nil, nil, lineErr(l.n, "code %s repeated (first on line %d)", code, first)
		}
		seen[string(rid)+code] = l.n
		c := Code{Code: code, Billable: true, Long: long, Short: text(b[91:119])}
		if c.Short == "" && c.Long == "" {
			return nil, nil, lineErr(l.n, "code %s has no description", code)
		}
		var ok bool
		for _, f := range []struct {
			name string
			col  int
			d    *claimgate.Date
		}{{"code added date", 269, &c.From}, {"action effective date", 277, nil}, {"termination date", 285, &c.To}} {
			v := string(trimSpace(b[f.col-1 : f.col+7]))
			if v == "" {
				continue
			}
			var d claimgate.Date
			if d, ok = yyyymmdd(v); !ok {
				return nil, nil, lineErr(l.n, "%s %q (columns %d-%d): want YYYYMMDD or blank", f.name, v, f.col, f.col+7)
			}
			if f.d != nil {
				*f.d = d
			}
		}
		if !c.To.IsZero() && c.To.Before(c.From) {
			return nil, nil, lineErr(l.n, "code %s terminates on %s, before it was added on %s", code, c.To, c.From)
		}
		set := codes
		if rid == '7' {
			set = mods
		}
		set.Codes = append(set.Codes, c)
		cur, curRID = &set.Codes[len(set.Codes)-1], rid
	}
	if err := l.err(); err != nil {
		return nil, nil, err
	}
	if len(codes.Codes) == 0 && len(mods.Codes) == 0 {
		return nil, nil, lineErr(max(l.n, 1), "no codes: not a HCPCS annual file (%s)", hcpcsLayout)
	}
	if len(codes.Codes) == 0 {
		codes = nil
	}
	if len(mods.Codes) == 0 {
		mods = nil
	}
	return codes, mods, nil
}
