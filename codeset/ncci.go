package codeset

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/claimgate/claimgate"
)

// The CMS NCCI PTP edit file, tab-delimited text (ccipra-v301r0-f1.txt for
// practitioners, ccioph-... for outpatient hospitals): a copyright notice,
// a header row "Column 1<TAB>Column 2<TAB>*=in existence prior to
// 1996<TAB>Effective Date<TAB>Deletion Date<TAB>Modifier<TAB>PTP Edit
// Rationale", rows continuing the header's legends in their later columns
// ("*=no data", "0=not allowed", "1=allowed", "9=not applicable"), then one
// edit a row: column 1 code, column 2 code, "*" or blank, effective date
// YYYYMMDD, deletion date YYYYMMDD or "*", modifier indicator, rationale.
// CMS splits the table into several files; import each with the same
// effective date and the index joins them.
const ptpLayout = "NCCI PTP tab-delimited layout: column 1, column 2, *=prior to 1996, effective date, deletion date, modifier indicator, rationale"

// preamble bounds the lines searched for a header row.
const preamble = 20

func parsePTP(r io.Reader) (*Set, error) {
	s := &Set{Kind: PTP}
	l := newLines(r)
	header := false
	type key struct {
		c1, c2 string
		from   claimgate.Date
	}
	seen := map[key]int{}
	for l.next() {
		if len(trimSpace(l.text)) == 0 {
			continue
		}
		f := bytes.Split(l.text, []byte{'\t'})
		if !header {
			if len(f) >= 2 && squash(f[0]) == "column1" && squash(f[1]) == "column2" {
				header = true
				continue
			}
			if l.n >= preamble {
				return nil, lineErr(l.n, "no \"Column 1<TAB>Column 2\" header row in the first %d lines: not an NCCI PTP tab-delimited file", preamble)
			}
			continue
		}
		if len(trimSpace(f[0])) == 0 {
			continue // the header's legends, continued below it
		}
		if len(f) < 6 || len(f) > 7 {
			return nil, lineErr(l.n, "%d tab-separated fields, want 7 (%s)", len(f), ptpLayout)
		}
		e := Edit{Column1: string(trimSpace(f[0])), Column2: string(trimSpace(f[1]))}
		for _, c := range []string{e.Column1, e.Column2} {
			if !wellFormed(PTP, c) {
				return nil, lineErr(l.n, "code %q: not a HCPCS or CPT code", c)
			}
		}
		if p := string(trimSpace(f[2])); p != "" && p != "*" {
			return nil, lineErr(l.n, "prior-to-1996 mark %q: want * or blank", p)
		}
		var ok bool
		eff := string(trimSpace(f[3]))
		if e.From, ok = yyyymmdd(eff); !ok {
			return nil, lineErr(l.n, "effective date %q: want YYYYMMDD", eff)
		}
		if del := string(trimSpace(f[4])); del != "" && del != "*" {
			if e.To, ok = yyyymmdd(del); !ok {
				return nil, lineErr(l.n, "deletion date %q: want YYYYMMDD or *", del)
			}
		}
		mod := string(trimSpace(f[5]))
		if mod != "0" && mod != "1" && mod != "9" {
			return nil, lineErr(l.n, "modifier indicator %q: want 0, 1 or 9", mod)
		}
		e.Modifier = mod[0]
		if len(f) == 7 {
			e.Rationale = text(f[6])
		}
		k := key{e.Column1, e.Column2, e.From}
		if first, dup := seen[k]; dup {
			return nil, lineErr(l.n, "edit %s/%s effective %s repeated (first on line %d)", e.Column1, e.Column2, e.From, first)
		}
		seen[k] = l.n
		s.Edits = append(s.Edits, e)
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if !header {
		return nil, lineErr(max(l.n, 1), "no \"Column 1<TAB>Column 2\" header row: not an NCCI PTP tab-delimited file")
	}
	if len(s.Edits) == 0 {
		return nil, lineErr(max(l.n, 1), "no edits after the header row")
	}
	return s, nil
}

// squash returns b in lower case without spaces: "Column 1" is "column1".
func squash(b []byte) string {
	return strings.ToLower(strings.ReplaceAll(string(b), " ", ""))
}

// The CMS MUE table, CSV (MCR_MUE_PractitionerServices_Eff_01-01-2026.csv):
// a quoted copyright notice, a header row "HCPCS/CPT Code,Practitioner
// Services MUE Values,MUE Adjudication Indicator,MUE Rationale" (Outpatient
// Hospital and DME Supplier tables name their column likewise), then one
// code a row: code, units, the indicator as "1 Line Edit", "2 Date of
// Service Edit: Policy" or "3 Date of Service Edit: Clinical", rationale.
func parseMUE(r io.Reader) (*Set, error) {
	s := &Set{Kind: MUE}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header := false
	seen := map[string]int{}
	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		rows++
		line, _ := cr.FieldPos(0)
		if !header {
			if len(rec) >= 3 && strings.Contains(strings.ToLower(rec[0]), "hcpcs") &&
				strings.Contains(strings.ToLower(rec[1]), "mue value") {
				header = true
				continue
			}
			if rows >= preamble {
				return nil, lineErr(line, "no \"HCPCS/CPT Code,... MUE Values\" header row in the first %d rows: not a CMS MUE file", preamble)
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) < 3 || len(rec) > 4 {
			return nil, lineErr(line, "%d fields, want 4: code, MUE value, adjudication indicator, rationale", len(rec))
		}
		m := Limit{Code: strings.TrimSpace(rec[0])}
		if !wellFormed(MUE, m.Code) {
			return nil, lineErr(line, "code %q: not a HCPCS or CPT code", m.Code)
		}
		units := strings.TrimSpace(rec[1])
		n, err := strconv.Atoi(units)
		if err != nil || n < 0 || !allDigits(units) {
			return nil, lineErr(line, "MUE value %q: want a whole number of units", units)
		}
		m.MaxUnits = n
		mai := strings.TrimSpace(rec[2])
		if mai == "" || mai[0] < '1' || mai[0] > '3' || (len(mai) > 1 && mai[1] != ' ') {
			return nil, lineErr(line, "adjudication indicator %q: want 1, 2 or 3, e.g. \"3 Date of Service Edit: Clinical\"", mai)
		}
		m.Adjudication = int(mai[0] - '0')
		if len(rec) == 4 {
			m.Rationale = text([]byte(rec[3]))
		}
		if first, dup := seen[m.Code]; dup {
			return nil, lineErr(line, "code %s repeated (first on line %d)", m.Code, first)
		}
		seen[m.Code] = line
		s.Limits = append(s.Limits, m)
	}
	if !header {
		return nil, lineErr(1, "no \"HCPCS/CPT Code,... MUE Values\" header row: not a CMS MUE file")
	}
	if len(s.Limits) == 0 {
		return nil, lineErr(1, "no limits after the header row")
	}
	return s, nil
}

// csvErr turns an encoding/csv error into a ParseError.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return lineErr(pe.Line, "%v", pe.Err)
	}
	return fmt.Errorf("read: %w", err)
}
