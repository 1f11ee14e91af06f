package codeset

import (
	"encoding/csv"
	"io"
	"strings"
)

// csvHeaders are the columns of the CSV lists, in order.
var csvHeaders = map[Kind][]string{
	// CMS place of service, as typed from the published list.
	POS: {"code", "name"},
	// The X12 CARC list with its flags, as in shared/codesets/x12/carc.csv.
	CARC: {"code", "status", "requires_rarc", "refer_835_policy_ref", "abridged", "description"},
	// The X12 RARC list, in the same manner.
	RARC: {"code", "status", "description"},
	// Revenue codes and modifiers, where a practice keeps its own list.
	Revenue:  {"code", "description"},
	Modifier: {"code", "description"},
}

// parseCSV reads one of the CSV lists of csvHeaders.
func parseCSV(kind Kind, r io.Reader) (*Set, error) {
	want := csvHeaders[kind]
	s := &Set{Kind: kind}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, lineErr(1, "empty file: want a header row %q", strings.Join(want, ","))
	}
	if err != nil {
		return nil, csvErr(err)
	}
	got := make([]string, len(rec))
	for i, h := range rec {
		got[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		return nil, lineErr(1, "header %q: want %q", strings.Join(got, ","), strings.Join(want, ","))
	}
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		c := Code{Code: strings.TrimSpace(rec[0]), Billable: true}
		if !wellFormed(kind, c.Code) {
			return nil, lineErr(line, "code %q: not %s: %s", c.Code, article(kind), formatRule[kind])
		}
		for i, name := range want[1:] {
			v := strings.TrimSpace(rec[i+1])
			switch name {
			case "name", "description":
				c.Short = v
			case "status":
				switch v {
				case "current":
				case "deactivated":
					c.Deactivated = true
				default:
					return nil, lineErr(line, "status %q: want current or deactivated", v)
				}
			default: // the CARC Y/N flags
				if v != "Y" && v != "N" {
					return nil, lineErr(line, "%s %q: want Y or N", name, v)
				}
			}
		}
		if c.Short == "" {
			return nil, lineErr(line, "code %s has no description", c.Code)
		}
		if first, dup := seen[c.Code]; dup {
			return nil, lineErr(line, "code %s repeated (first on line %d)", c.Code, first)
		}
		seen[c.Code] = line
		s.Codes = append(s.Codes, c)
	}
	if len(s.Codes) == 0 {
		return nil, lineErr(1, "no codes after the header row")
	}
	return s, nil
}
