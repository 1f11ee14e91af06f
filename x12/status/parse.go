package status

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

// Parse reads a Transaction from the loop tree of one validated 276, 277
// or 277CA transaction set (its root, the ST loop); the version (ST03 or,
// when it is empty, version) tells a 277 from a 277CA. It does not fill
// Envelope, which the tree does not hold: Read does. A value that does not
// parse, such as a date that does not exist or an amount with fractions of
// a cent, is an error: a *x12.ParseError that names the segment and
// element.
func Parse(tree *validate.Loop, version string) (*Transaction, error) {
	if tree == nil {
		return nil, fmt.Errorf("status: no transaction set")
	}
	p := &parser{}
	h, rest := p.header(tree, "")
	t := &Transaction{Version: h.version, Purpose: h.purpose, Ref: h.ref, Created: h.created, Type: h.kd}
	if t.Version == "" {
		t.Version = version
	}
	switch {
	case h.id == "276":
		t.Kind = Request
	case h.id == "277" && t.Version == VersionAck:
		t.Kind = Ack
	case h.id == "277":
		t.Kind = Response
	}
	if st := tree.Segment("ST"); st != nil && t.Kind == "" {
		p.fail(st, 1, 0, fmt.Sprintf("transaction set %q is not a 276 or 277", h.id))
	}
	if tree.Spec == nil && len(tree.Segments) > 0 {
		p.fail(tree.Segments[0], 3, 0, fmt.Sprintf("version %q: no implementation guide table; want %s or %s", t.Version, VersionStatus, VersionAck))
	}
	if want := t.Kind.structure(); h.structure != "" && h.structure != want {
		p.fail(tree.Segment("BHT"), 1, 0, fmt.Sprintf("hierarchical structure %q: want %s", h.structure, want))
	}
	for _, s := range rest {
		t.Other = append(t.Other, p.other(s))
	}
	for _, l := range tree.Loops {
		if l.ID == "2000A" {
			t.Sources = append(t.Sources, p.source(l, t.Kind))
		} else {
			t.OtherLoops = append(t.OtherLoops, p.loop(l))
		}
		if p.err != nil {
			break
		}
	}
	if p.err != nil {
		return nil, fmt.Errorf("status: %w", p.err)
	}
	return t, nil
}

// structure is BHT01 of the kind.
func (k Kind) structure() string {
	if k == Ack {
		return "0085"
	}
	return "0010"
}

// Read reads every transaction set of r, which must be 276s or 277s, with
// their envelopes.
// The sets are read whatever the validator finds in them (findings are
// not errors here): to see the findings, use validate.Stream and call Parse
// with each tree.
func Read(r io.Reader) ([]*Transaction, error) {
	var out []*Transaction
	err := readSets(r, "status", func(ts *x12.TransactionSet, tree *validate.Loop) error {
		if ts.ID != "276" && ts.ID != "277" {
			return fmt.Errorf("status: segment %d: transaction set %s is not a 276 or 277", ts.Pos, ts.ID)
		}
		t, err := Parse(tree, ts.Version)
		if err != nil {
			return err
		}
		t.Envelope = EnvelopeOf(ts)
		out = append(out, t)
		return nil
	})
	return out, err
}

// hlCheck reports an HL segment whose level code is not level.
func (p *parser) hlCheck(l *validate.Loop, level string) {
	if s := l.Segment("HL"); s != nil && str(s, 3) != level {
		p.fail(s, 3, 0, fmt.Sprintf("hierarchical level %q: want %s in loop %s", str(s, 3), level, l.ID))
	}
}

// levelOther keeps the segments of an HL loop other than HL.
func (p *parser) levelOther(l *validate.Loop, keep func(s *x12.Segment) bool) []Segment {
	var out []Segment
	for _, s := range ordered(l) {
		if s.ID == "HL" || (keep != nil && keep(s)) {
			continue
		}
		out = append(out, p.other(s))
	}
	return out
}

func (p *parser) source(l *validate.Loop, k Kind) Source {
	var src Source
	p.hlCheck(l, "20")
	src.LevelOther = p.levelOther(l, nil)
	for _, c := range l.Loops {
		switch c.ID {
		case "2100A":
			p.party(&src.Party, c)
		case "2200A":
			src.Report = p.report(c)
		case "2000B":
			src.Receivers = append(src.Receivers, p.receiver(c, k))
		default:
			src.OtherLoops = append(src.OtherLoops, p.loop(c))
		}
	}
	return src
}

func (p *parser) receiver(l *validate.Loop, k Kind) Receiver {
	var r Receiver
	p.hlCheck(l, "21")
	r.LevelOther = p.levelOther(l, nil)
	for _, c := range l.Loops {
		switch c.ID {
		case "2100B":
			p.party(&r.Party, c)
		case "2200B":
			r.Report = p.report(c)
		case "2000C":
			r.Providers = append(r.Providers, p.provider(c, k))
		default:
			r.OtherLoops = append(r.OtherLoops, p.loop(c))
		}
	}
	return r
}

func (p *parser) provider(l *validate.Loop, k Kind) Provider {
	var pr Provider
	p.hlCheck(l, "19")
	pr.LevelOther = p.levelOther(l, nil)
	for _, c := range l.Loops {
		switch c.ID {
		case "2100C":
			pr.Names = append(pr.Names, Party{})
			p.party(&pr.Names[len(pr.Names)-1], c)
		case "2200C":
			pr.Report = p.report(c)
		case "2000D":
			level := "22"
			if k == Ack {
				level = "PT"
			}
			pr.Members = append(pr.Members, p.member(c, k, level, "D"))
		default:
			pr.OtherLoops = append(pr.OtherLoops, p.loop(c))
		}
	}
	return pr
}

func (p *parser) party(pt *Party, l *validate.Loop) {
	nm1 := 0
	for _, s := range ordered(l) {
		switch s.ID {
		case "NM1":
			// The loop's trigger: kept in Other, it would start a loop of
			// its own when written back.
			if nm1++; nm1 > 1 {
				p.fail(s, 0, 0, fmt.Sprintf("a second NM1 in loop %s", l.ID))
				return
			}
			n, ok := p.name(s)
			if !ok {
				p.fail(s, 0, 0, "NM1 has elements after NM110, or composites or repeats")
				return
			}
			pt.Name = n
			continue
		case "PER":
			if c, ok := contact(s); ok {
				pt.Contacts = append(pt.Contacts, c)
				continue
			}
		}
		pt.Other = append(pt.Other, p.other(s))
	}
	for _, c := range l.Loops {
		for _, s := range ordered(c) {
			pt.Other = append(pt.Other, p.other(s))
		}
	}
}

func (p *parser) member(l *validate.Loop, k Kind, level, suffix string) Member {
	var m Member
	p.hlCheck(l, level)
	m.LevelOther = p.levelOther(l, func(s *x12.Segment) bool {
		if s.ID != "DMG" || !m.BirthDate.IsZero() || m.Sex != "" || !fits(s, 3) || !simple(s, 3) {
			return false
		}
		f, dob := str(s, 1), val(s, 2)
		if (f == "D8") != (len(dob) > 0) || (f == "" && blank(s, 3)) {
			return false
		}
		m.BirthDate = p.date(s, 2, 0, dob)
		m.Sex = str(s, 3)
		return true
	})
	line := "2220" + suffix
	if k == Request {
		line = "2210" + suffix
	}
	for _, c := range l.Loops {
		switch c.ID {
		case "2100" + suffix:
			p.party(&m.Party, c)
		case "2200" + suffix:
			m.Claims = append(m.Claims, p.claim(c, line))
		case "2000E":
			if suffix == "D" && k != Ack {
				m.Dependents = append(m.Dependents, p.member(c, k, "23", "E"))
				continue
			}
			fallthrough
		default:
			m.OtherLoops = append(m.OtherLoops, p.loop(c))
		}
	}
	return m
}

// trigger reads a loop's TRN trigger; a second one, or one the model
// cannot hold, would start a loop of its own when written back.
func (p *parser) trigger(t *Trace, seen *bool, s *x12.Segment) {
	tr, ok := trace(s)
	if *seen || !ok {
		p.fail(s, 0, 0, "TRN does not fit its loop (a second TRN, or composites, repeats or elements after TRN04)")
		return
	}
	*t, *seen = tr, true
}

func (p *parser) report(l *validate.Loop) *Report {
	r := &Report{}
	seen := false
	for _, s := range ordered(l) {
		switch s.ID {
		case "TRN":
			p.trigger(&r.Trace, &seen, s)
			continue
		case "STC":
			if st, ok := p.status(s); ok {
				r.Statuses = append(r.Statuses, st)
				continue
			}
		case "DTP":
			if d, ok := p.dtp(s); ok {
				r.Dates = append(r.Dates, d)
				continue
			}
		case "REF":
			if rf, ok := ref(s); ok {
				r.Refs = append(r.Refs, rf)
				continue
			}
		case "QTY":
			if fits(s, 2) && simple(s, 2) {
				v := p.optDecimal(s, 2, 4)
				if v == nil {
					p.fail(s, 2, 0, "quantity (QTY02) is required")
					v = new(int64)
				}
				r.Quantities = append(r.Quantities, Quantity{Qualifier: str(s, 1), Value: *v})
				continue
			}
		case "AMT":
			if fits(s, 2) && simple(s, 2) {
				r.Amounts = append(r.Amounts, Amount{Qualifier: str(s, 1), Cents: p.amount(s, 2, "amount")})
				continue
			}
		}
		r.Other = append(r.Other, p.other(s))
	}
	for _, c := range l.Loops {
		for _, s := range ordered(c) {
			r.Other = append(r.Other, p.other(s))
		}
	}
	return r
}

func (p *parser) claim(l *validate.Loop, lineLoop string) Claim {
	var c Claim
	seen := false
	for _, s := range ordered(l) {
		switch s.ID {
		case "TRN":
			p.trigger(&c.Trace, &seen, s)
			continue
		case "STC":
			if st, ok := p.status(s); ok {
				c.Statuses = append(c.Statuses, st)
				continue
			}
		case "REF":
			if r, ok := ref(s); ok {
				c.Refs = append(c.Refs, r)
				continue
			}
		case "AMT":
			if c.Charge == nil && str(s, 1) == "T3" && fits(s, 2) && simple(s, 2) {
				v := p.amount(s, 2, "total claim charge")
				c.Charge = &v
				continue
			}
		case "DTP":
			if d, ok := p.dtp(s); ok {
				c.Dates = append(c.Dates, d)
				continue
			}
		}
		c.Other = append(c.Other, p.other(s))
	}
	for _, k := range l.Loops {
		if k.ID == lineLoop {
			c.Lines = append(c.Lines, p.line(k))
		} else {
			c.OtherLoops = append(c.OtherLoops, p.loop(k))
		}
	}
	return c
}

func (p *parser) line(l *validate.Loop) Line {
	var ln Line
	seen := false
	for _, s := range ordered(l) {
		switch s.ID {
		case "SVC":
			if seen || !fits(s, 7) || !simpleFrom(s, 2, 7) || s.Repetitions(1) > 1 || s.Components(1) > 7 ||
				!blank(s, 5) || !blank(s, 6) {
				p.fail(s, 0, 0, "SVC does not fit the service line (a second SVC, or SVC05, SVC06, composites or repeats)")
				continue
			}
			seen = true
			if pr := procedure(s, 1); pr != nil {
				ln.Procedure = *pr
			}
			ln.Charge = p.amount(s, 2, "line item charge amount")
			ln.Paid = p.optAmount(s, 3)
			ln.RevenueCode = str(s, 4)
			ln.Units = p.optDecimal(s, 7, 4)
			continue
		case "STC":
			if st, ok := p.status(s); ok {
				ln.Statuses = append(ln.Statuses, st)
				continue
			}
		case "REF":
			if r, ok := ref(s); ok {
				ln.Refs = append(ln.Refs, r)
				continue
			}
		case "DTP":
			if d, ok := p.dtp(s); ok {
				ln.Dates = append(ln.Dates, d)
				continue
			}
		}
		ln.Other = append(ln.Other, p.other(s))
	}
	return ln
}

// status reads an STC segment; it reports false when the segment holds
// what Status cannot.
func (p *parser) status(s *x12.Segment) (Status, bool) {
	if !fits(s, 12) || !simpleFrom(s, 2, 9) || !simpleFrom(s, 12, 12) {
		return Status{}, false
	}
	var st Status
	for _, i := range []int{1, 10, 11} {
		if s.Repetitions(i) > 1 || s.Components(i) > 4 {
			return Status{}, false
		}
		if blank(s, i) {
			if i == 1 || (i == 10 && !blank(s, 11)) {
				return Status{}, false
			}
			continue
		}
		st.Codes = append(st.Codes, StatusCode{Category: comp(s, i, 1), Code: comp(s, i, 2), Entity: comp(s, i, 3), CodeList: comp(s, i, 4)})
	}
	st.Effective = p.date(s, 2, 0, val(s, 2))
	st.Action = str(s, 3)
	st.Charge = p.optAmount(s, 4)
	st.Paid = p.optAmount(s, 5)
	st.Adjudicated = p.date(s, 6, 0, val(s, 6))
	st.PaymentMethod = str(s, 7)
	st.Issued = p.date(s, 8, 0, val(s, 8))
	st.CheckNumber = str(s, 9)
	st.Message = str(s, 12)
	return st, true
}
