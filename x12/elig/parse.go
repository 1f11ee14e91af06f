package elig

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

// Parse270 reads an Inquiry from the loop tree of one validated 270
// transaction set (its root, the ST loop). It does not fill Envelope,
// which the tree does not hold: Read270 does. A value that does not parse,
// such as a date that does not exist or an amount with fractions of a cent,
// is an error: a *x12.ParseError that names the segment and element.
func Parse270(tree *validate.Loop) (*Inquiry, error) {
	var t Inquiry
	if err := parseTree(tree, "270", &t.Header, &t.Sources, &t.Other, &t.OtherLoops); err != nil {
		return nil, err
	}
	return &t, nil
}

// Parse271 reads a Response from the loop tree of one validated 271
// transaction set, as Parse270 reads an Inquiry.
func Parse271(tree *validate.Loop) (*Response, error) {
	var t Response
	if err := parseTree(tree, "271", &t.Header, &t.Sources, &t.Other, &t.OtherLoops); err != nil {
		return nil, err
	}
	return &t, nil
}

// Read270 reads every transaction set of r, which must be 270s, with their
// envelopes.
// The sets are read whatever the validator finds in them (findings are
// not errors here): to see the findings, use validate.Stream and call Parse270
// with each tree.
func Read270(r io.Reader) ([]*Inquiry, error) {
	var out []*Inquiry
	err := readSets(r, "elig", func(ts *x12.TransactionSet, tree *validate.Loop) error {
		if ts.ID != "270" {
			return fmt.Errorf("elig: segment %d: transaction set %s is not a 270", ts.Pos, ts.ID)
		}
		t, err := Parse270(tree)
		if err != nil {
			return err
		}
		t.Envelope = EnvelopeOf(ts)
		if t.Version == "" {
			t.Version = ts.Version // GS08
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

// Read271 reads every transaction set of r, which must be 271s, with their
// envelopes.
// The sets are read whatever the validator finds in them (findings are
// not errors here): to see the findings, use validate.Stream and call Parse271
// with each tree.
func Read271(r io.Reader) ([]*Response, error) {
	var out []*Response
	err := readSets(r, "elig", func(ts *x12.TransactionSet, tree *validate.Loop) error {
		if ts.ID != "271" {
			return fmt.Errorf("elig: segment %d: transaction set %s is not a 271", ts.Pos, ts.ID)
		}
		t, err := Parse271(tree)
		if err != nil {
			return err
		}
		t.Envelope = EnvelopeOf(ts)
		if t.Version == "" {
			t.Version = ts.Version // GS08
		}
		out = append(out, t)
		return nil
	})
	return out, err
}

func parseTree(tree *validate.Loop, st01 string, h *Header, sources *[]Source, other *[]Segment, otherLoops *[]Loop) error {
	if tree == nil {
		return fmt.Errorf("elig: no transaction set")
	}
	p := &parser{}
	hd, rest := p.header(tree, st01)
	if tree.Spec == nil && len(tree.Segments) > 0 {
		p.fail(tree.Segments[0], 3, 0, fmt.Sprintf("version %q: no implementation guide table; want %s", hd.version, Version))
	}
	*h = Header{Version: hd.version, Purpose: hd.purpose, Ref: hd.ref, Created: hd.created, Type: hd.kd}
	if hd.structure != "" && hd.structure != "0022" {
		p.fail(tree.Segment("BHT"), 1, 0, fmt.Sprintf("hierarchical structure %q: want 0022", hd.structure))
	}
	for _, s := range rest {
		*other = append(*other, p.other(s))
	}
	for _, l := range tree.Loops {
		if l.ID == "2000A" {
			*sources = append(*sources, p.source(l))
		} else {
			*otherLoops = append(*otherLoops, p.loop(l))
		}
		if p.err != nil {
			break
		}
	}
	if p.err != nil {
		return fmt.Errorf("elig: %w", p.err)
	}
	return nil
}

// hlCheck reads an HL segment's level code and reports a wrong one.
func (p *parser) hlCheck(l *validate.Loop, level string) {
	s := l.Segment("HL")
	if s == nil {
		return
	}
	if got := str(s, 3); got != level {
		p.fail(s, 3, 0, fmt.Sprintf("hierarchical level %q: want %s in loop %s", got, level, l.ID))
	}
}

func (p *parser) source(l *validate.Loop) Source {
	var src Source
	p.hlCheck(l, "20")
	for _, s := range ordered(l) {
		switch s.ID {
		case "HL":
		case "AAA":
			if r, ok := reject(s); ok {
				src.Rejects = append(src.Rejects, r)
				continue
			}
			fallthrough
		default:
			src.LevelOther = append(src.LevelOther, p.other(s))
		}
	}
	for _, c := range l.Loops {
		switch c.ID {
		case "2100A":
			p.party(&src.Party, c, nil)
		case "2000B":
			src.Receivers = append(src.Receivers, p.receiver(c))
		default:
			src.OtherLoops = append(src.OtherLoops, p.loop(c))
		}
	}
	return src
}

func (p *parser) receiver(l *validate.Loop) Receiver {
	var r Receiver
	p.hlCheck(l, "21")
	for _, s := range ordered(l) {
		if s.ID != "HL" {
			r.LevelOther = append(r.LevelOther, p.other(s))
		}
	}
	for _, c := range l.Loops {
		switch c.ID {
		case "2100B":
			p.party(&r.Party, c, nil)
		case "2000C":
			r.Subscribers = append(r.Subscribers, p.member(c, "22", "2100C", "2110C", "2000D"))
		default:
			r.OtherLoops = append(r.OtherLoops, p.loop(c))
		}
	}
	return r
}

// party reads a name loop into pt. extra, when not nil, takes the segments
// the caller types itself and reports whether it did.
func (p *parser) party(pt *Party, l *validate.Loop, extra func(s *x12.Segment) bool) {
	nm1 := 0
	for _, s := range ordered(l) {
		if s.ID == "NM1" {
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
		}
		if extra != nil && extra(s) {
			continue
		}
		if !p.partySegment(pt, s) {
			pt.Other = append(pt.Other, p.other(s))
		}
	}
}

func (p *parser) partySegment(pt *Party, s *x12.Segment) bool {
	switch s.ID {
	case "REF":
		r, ok := ref(s)
		if ok {
			pt.Refs = append(pt.Refs, r)
		}
		return ok
	case "N3", "N4":
		return address(&pt.Address, s)
	case "PER":
		c, ok := contact(s)
		if ok {
			pt.Contacts = append(pt.Contacts, c)
		}
		return ok
	case "AAA":
		r, ok := reject(s)
		if ok {
			pt.Rejects = append(pt.Rejects, r)
		}
		return ok
	case "PRV":
		if pt.Specialty != nil {
			return false
		}
		sp, ok := specialty(s)
		if ok {
			pt.Specialty = &sp
		}
		return ok
	}
	return false
}

func (p *parser) member(l *validate.Loop, level, nameLoop, infoLoop, depLoop string) Member {
	var m Member
	p.hlCheck(l, level)
	for _, s := range ordered(l) {
		switch s.ID {
		case "HL":
		case "TRN":
			if t, ok := trace(s); ok {
				m.Traces = append(m.Traces, t)
				continue
			}
			m.LevelOther = append(m.LevelOther, p.other(s))
		default:
			m.LevelOther = append(m.LevelOther, p.other(s))
		}
	}
	for _, c := range l.Loops {
		switch {
		case c.ID == nameLoop:
			p.party(&m.Party, c, func(s *x12.Segment) bool { return p.memberSegment(&m, s) })
			for _, k := range c.Loops {
				switch k.ID {
				case infoLoop:
					if k.Segment("EQ") != nil {
						m.Inquiries = append(m.Inquiries, p.inquiry(k))
					} else {
						m.Benefits = append(m.Benefits, p.benefit(k))
					}
				default:
					m.OtherLoops = append(m.OtherLoops, p.loop(k))
				}
			}
		case c.ID == depLoop && depLoop != "":
			m.Dependents = append(m.Dependents, p.member(c, "23", "2100D", "2110D", ""))
		default:
			m.OtherLoops = append(m.OtherLoops, p.loop(c))
		}
	}
	return m
}

func (p *parser) memberSegment(m *Member, s *x12.Segment) bool {
	switch s.ID {
	case "DMG":
		if !m.BirthDate.IsZero() || m.Sex != "" || !fits(s, 3) || !simple(s, 3) {
			return false
		}
		f, dob := str(s, 1), val(s, 2)
		if (f == "D8") != (len(dob) > 0) || (f == "" && blank(s, 3)) {
			return false
		}
		m.BirthDate = p.date(s, 2, 0, dob)
		m.Sex = str(s, 3)
		return true
	case "INS":
		if m.Insured != nil || !simple(s, 17) || !fits(s, 17) {
			return false
		}
		for i := 5; i <= 16; i++ {
			if !blank(s, i) {
				return false
			}
		}
		m.Insured = &Insured{Subscriber: str(s, 1), Relationship: str(s, 2), MaintenanceType: str(s, 3),
			MaintenanceReason: str(s, 4), BirthSequence: str(s, 17)}
		return true
	case "HI":
		if len(m.Diagnoses) > 0 || !fits(s, 12) {
			return false
		}
		var codes []Code
		for i := 1; i <= s.Len(); i++ {
			if blank(s, i) {
				if i < s.Len() {
					return false
				}
				continue
			}
			if s.Components(i) > 2 || s.Repetitions(i) > 1 {
				return false
			}
			codes = append(codes, Code{Qualifier: comp(s, i, 1), Code: comp(s, i, 2)})
		}
		m.Diagnoses = codes
		return len(codes) > 0
	case "DTP":
		d, ok := p.dtp(s)
		if ok {
			m.Dates = append(m.Dates, d)
		}
		return ok
	}
	return false
}

func (p *parser) inquiry(l *validate.Loop) ServiceInquiry {
	var q ServiceInquiry
	for _, s := range ordered(l) {
		switch s.ID {
		case "EQ":
			if len(q.ServiceTypes) == 0 && q.Procedure == nil && fits(s, 5) && blank(s, 4) && s.Components(1) <= 1 && s.Repetitions(2) <= 1 &&
				s.Components(2) <= 7 && s.Repetitions(3) <= 1 && s.Components(3) <= 1 && s.Repetitions(5) <= 1 {
				q.ServiceTypes = repeated(s, 1)
				q.Procedure = procedure(s, 2)
				q.CoverageLevel = str(s, 3)
				q.DiagnosisPointers = pointers(s, 5)
				continue
			}
			p.fail(s, 0, 0, "EQ segment does not fit the 270 inquiry (a second EQ in its loop, or composites or repeats where the guide has none)")
		case "AMT":
			if fits(s, 2) && simple(s, 2) {
				q.Amounts = append(q.Amounts, Amount{Qualifier: str(s, 1), Cents: p.amount(s, 2, "amount")})
				continue
			}
		case "REF":
			if r, ok := ref(s); ok {
				q.Refs = append(q.Refs, r)
				continue
			}
		case "DTP":
			if d, ok := p.dtp(s); ok {
				q.Dates = append(q.Dates, d)
				continue
			}
		}
		q.Other = append(q.Other, p.other(s))
	}
	return q
}

// pointers returns the components of element i (a C004 of diagnosis code
// pointers).
func pointers(s *x12.Segment, i int) []string {
	var out []string
	n := s.Components(i)
	for n > 0 && len(s.Component(i, n)) == 0 {
		n-- // trailing empty components are not written back
	}
	for j := 1; j <= n; j++ {
		out = append(out, comp(s, i, j))
	}
	return out
}

func (p *parser) benefit(l *validate.Loop) Benefit {
	var b Benefit
	var related *Party
	var lsle []*x12.Segment
	for _, s := range ordered(l) {
		switch s.ID {
		case "EB":
			if b.Info == "" && fits(s, 14) && simple(s, 2) && simpleFrom(s, 4, 12) && s.Components(3) <= 1 &&
				s.Repetitions(13) <= 1 && s.Components(13) <= 7 && s.Repetitions(14) <= 1 {
				b.Info = p.required(s, 1, "eligibility or benefit information code")
				b.CoverageLevel = str(s, 2)
				b.ServiceTypes = repeated(s, 3)
				b.InsuranceType, b.PlanDescription, b.Period = str(s, 4), str(s, 5), str(s, 6)
				b.Amount = p.optAmount(s, 7)
				b.Rate = p.optDecimal(s, 8, 4)
				b.QuantityQualifier = str(s, 9)
				b.Quantity = p.optDecimal(s, 10, 4)
				b.Authorization, b.InPlanNetwork = str(s, 11), str(s, 12)
				b.Procedure = procedure(s, 13)
				b.DiagnosisPointers = pointers(s, 14)
				continue
			}
			// A second EB, or one the model cannot hold, would start a
			// loop of its own when written back.
			p.fail(s, 0, 0, "EB segment does not fit the 271 benefit (a second EB in its loop, or composites or repeats where the guide has none)")
		case "REF":
			if r, ok := ref(s); ok {
				b.Refs = append(b.Refs, r)
				continue
			}
		case "DTP":
			if d, ok := p.dtp(s); ok {
				b.Dates = append(b.Dates, d)
				continue
			}
		case "AAA":
			if r, ok := reject(s); ok {
				b.Rejects = append(b.Rejects, r)
				continue
			}
		case "MSG":
			if fits(s, 1) && simple(s, 1) && !blank(s, 1) {
				b.Messages = append(b.Messages, str(s, 1))
				continue
			}
		case "LS", "LE":
			if want := relatedLoopCode(l.ID); str(s, 1) != want || !fits(s, 1) || !simple(s, 1) {
				p.fail(s, 1, 0, fmt.Sprintf("loop identifier %q: want %s", str(s, 1), want))
			}
			lsle = append(lsle, s)
			continue // written again around Related
		}
		b.Other = append(b.Other, p.other(s))
	}
	for _, c := range l.Loops {
		switch c.ID {
		case "2120C", "2120D":
			b.Related = append(b.Related, Party{})
			related = &b.Related[len(b.Related)-1]
			p.party(related, c, nil)
		default:
			b.OtherLoops = append(b.OtherLoops, p.loop(c))
		}
	}
	if len(b.Related) == 0 {
		// An LS or LE with nothing between: keep them.
		for _, s := range lsle {
			b.Other = append(b.Other, p.other(s))
		}
	}
	return b
}

// relatedLoopCode is LS01 and LE01 around the 2120 loops: the loop ID of
// loop 2120.
func relatedLoopCode(string) string { return "2120" }
