package elig

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
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
	return txn.ReadAll(r, "elig", []string{"270"}, func(ts *x12.TransactionSet, tree *validate.Loop) (*Inquiry, error) {
		t, err := Parse270(tree)
		if err != nil {
			return nil, err
		}
		t.fromSet(ts)
		return t, nil
	})
}

// Read271 reads every transaction set of r, which must be 271s, with their
// envelopes.
// The sets are read whatever the validator finds in them (findings are
// not errors here): to see the findings, use validate.Stream and call Parse271
// with each tree.
func Read271(r io.Reader) ([]*Response, error) {
	return txn.ReadAll(r, "elig", []string{"271"}, func(ts *x12.TransactionSet, tree *validate.Loop) (*Response, error) {
		t, err := Parse271(tree)
		if err != nil {
			return nil, err
		}
		t.fromSet(ts)
		return t, nil
	})
}

// fromSet fills in what the envelope of ts says: Envelope, and Version
// (GS08) when ST03 is empty.
func (h *Header) fromSet(ts *x12.TransactionSet) {
	h.Envelope = EnvelopeOf(ts)
	if h.Version == "" {
		h.Version = ts.Version // GS08
	}
}

// parser reads the 270 and 271 loops.
type parser struct{ txn.Parser }

func parseTree(tree *validate.Loop, st01 string, h *Header, sources *[]Source, other *[]Segment, otherLoops *[]Loop) error {
	if tree == nil {
		return fmt.Errorf("elig: no transaction set")
	}
	p := &parser{}
	hd, rest := p.Header(tree, st01)
	if tree.Spec == nil && len(tree.Segments) > 0 {
		p.Fail(tree.Segments[0], 3, 0, fmt.Sprintf("version %q: no implementation guide table; want %s", hd.Version, Version))
	}
	*h = Header{Version: hd.Version, Purpose: hd.Purpose, Ref: hd.Ref, Created: hd.Created, Type: hd.Type}
	p.CheckStructure(tree, hd.Structure, "0022")
	*other = append(*other, p.Others(rest)...)
	for _, l := range tree.Loops {
		if l.ID == "2000A" {
			*sources = append(*sources, p.source(l))
		} else {
			*otherLoops = append(*otherLoops, p.Loop(l))
		}
		if p.Err != nil {
			break
		}
	}
	if p.Err != nil {
		return fmt.Errorf("elig: %w", p.Err)
	}
	return nil
}

func (p *parser) source(l *validate.Loop) Source {
	var src Source
	p.HLCheck(l, "20")
	src.LevelOther = p.LevelOther(l, func(s *x12.Segment) bool {
		return p.Part(txn.Parts{Rejects: &src.Rejects}, s)
	})
	for _, c := range l.Loops {
		switch c.ID {
		case "2100A":
			p.party(&src.Party, c, nil)
		case "2000B":
			src.Receivers = append(src.Receivers, p.receiver(c))
		default:
			src.OtherLoops = append(src.OtherLoops, p.Loop(c))
		}
	}
	return src
}

func (p *parser) receiver(l *validate.Loop) Receiver {
	var r Receiver
	p.HLCheck(l, "21")
	r.LevelOther = p.LevelOther(l, nil)
	for _, c := range l.Loops {
		switch c.ID {
		case "2100B":
			p.party(&r.Party, c, nil)
		case "2000C":
			r.Subscribers = append(r.Subscribers, p.member(c, "22", "2100C", "2110C", "2000D"))
		default:
			r.OtherLoops = append(r.OtherLoops, p.Loop(c))
		}
	}
	return r
}

// parts returns where the segments of pt's name loop that the shared
// types hold go.
func (pt *Party) parts() txn.Parts {
	return txn.Parts{Refs: &pt.Refs, Address: &pt.Address, Contacts: &pt.Contacts, Rejects: &pt.Rejects, Specialty: &pt.Specialty}
}

// party reads a name loop into pt. extra, when not nil, takes the segments
// the caller types itself and reports whether it did.
func (p *parser) party(pt *Party, l *validate.Loop, extra func(s *x12.Segment) bool) {
	p.NameLoop(l, &pt.Name, pt.parts(), &pt.Other, extra)
}

func (p *parser) member(l *validate.Loop, level, nameLoop, infoLoop, depLoop string) Member {
	var m Member
	p.HLCheck(l, level)
	m.LevelOther = p.LevelOther(l, func(s *x12.Segment) bool {
		return p.Part(txn.Parts{Traces: &m.Traces}, s)
	})
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
					m.OtherLoops = append(m.OtherLoops, p.Loop(k))
				}
			}
		case c.ID == depLoop && depLoop != "":
			m.Dependents = append(m.Dependents, p.member(c, "23", "2100D", "2110D", ""))
		default:
			m.OtherLoops = append(m.OtherLoops, p.Loop(c))
		}
	}
	return m
}

func (p *parser) memberSegment(m *Member, s *x12.Segment) bool {
	switch s.ID {
	case "DMG":
		return p.Demographics(s, &m.BirthDate, &m.Sex)
	case "INS":
		if m.Insured != nil || !txn.Simple(s, 17) || !txn.Fits(s, 17) {
			return false
		}
		for i := 5; i <= 16; i++ {
			if !txn.Blank(s, i) {
				return false
			}
		}
		m.Insured = &Insured{Subscriber: txn.Str(s, 1), Relationship: txn.Str(s, 2), MaintenanceType: txn.Str(s, 3),
			MaintenanceReason: txn.Str(s, 4), BirthSequence: txn.Str(s, 17)}
		return true
	case "HI":
		if len(m.Diagnoses) > 0 || !txn.Fits(s, 12) {
			return false
		}
		var codes []Code
		for i := 1; i <= s.Len(); i++ {
			if txn.Blank(s, i) {
				if i < s.Len() {
					return false
				}
				continue
			}
			if s.Components(i) > 2 || s.Repetitions(i) > 1 {
				return false
			}
			codes = append(codes, Code{Qualifier: txn.Comp(s, i, 1), Code: txn.Comp(s, i, 2)})
		}
		m.Diagnoses = codes
		return len(codes) > 0
	}
	return p.Part(txn.Parts{Dates: &m.Dates}, s)
}

func (p *parser) inquiry(l *validate.Loop) ServiceInquiry {
	var q ServiceInquiry
	pts := txn.Parts{Refs: &q.Refs, Dates: &q.Dates}
	for _, s := range txn.Ordered(l) {
		switch s.ID {
		case "EQ":
			if len(q.ServiceTypes) == 0 && q.Procedure == nil && txn.Fits(s, 5) && txn.Blank(s, 4) && s.Components(1) <= 1 && s.Repetitions(2) <= 1 &&
				s.Components(2) <= 7 && s.Repetitions(3) <= 1 && s.Components(3) <= 1 && s.Repetitions(5) <= 1 {
				q.ServiceTypes = txn.Repeated(s, 1)
				q.Procedure = txn.ProcedureOf(s, 2)
				q.CoverageLevel = txn.Str(s, 3)
				q.DiagnosisPointers = txn.Pointers(s, 5)
				continue
			}
			p.Fail(s, 0, 0, "EQ segment does not fit the 270 inquiry (a second EQ in its loop, or composites or repeats where the guide has none)")
		case "AMT":
			if txn.Fits(s, 2) && txn.Simple(s, 2) {
				q.Amounts = append(q.Amounts, Amount{Qualifier: txn.Str(s, 1), Cents: p.Amount(s, 2, "amount")})
				continue
			}
		default:
			if p.Part(pts, s) {
				continue
			}
		}
		q.Other = append(q.Other, p.Other(s))
	}
	return q
}

func (p *parser) benefit(l *validate.Loop) Benefit {
	var b Benefit
	var related *Party
	var lsle []*x12.Segment
	pts := txn.Parts{Refs: &b.Refs, Dates: &b.Dates, Rejects: &b.Rejects}
	for _, s := range txn.Ordered(l) {
		switch s.ID {
		case "EB":
			if b.Info == "" && txn.Fits(s, 14) && txn.Simple(s, 2) && txn.SimpleFrom(s, 4, 12) && s.Components(3) <= 1 &&
				s.Repetitions(13) <= 1 && s.Components(13) <= 7 && s.Repetitions(14) <= 1 {
				b.Info = p.Required(s, 1, "eligibility or benefit information code")
				b.CoverageLevel = txn.Str(s, 2)
				b.ServiceTypes = txn.Repeated(s, 3)
				b.InsuranceType, b.PlanDescription, b.Period = txn.Str(s, 4), txn.Str(s, 5), txn.Str(s, 6)
				b.Amount = p.OptAmount(s, 7)
				b.Rate = p.OptDecimal(s, 8, 4)
				b.QuantityQualifier = txn.Str(s, 9)
				b.Quantity = p.OptDecimal(s, 10, 4)
				b.Authorization, b.InPlanNetwork = txn.Str(s, 11), txn.Str(s, 12)
				b.Procedure = txn.ProcedureOf(s, 13)
				b.DiagnosisPointers = txn.Pointers(s, 14)
				continue
			}
			// A second EB, or one the model cannot hold, would start a
			// loop of its own when written back.
			p.Fail(s, 0, 0, "EB segment does not fit the 271 benefit (a second EB in its loop, or composites or repeats where the guide has none)")
		case "MSG":
			if txn.Fits(s, 1) && txn.Simple(s, 1) && !txn.Blank(s, 1) {
				b.Messages = append(b.Messages, txn.Str(s, 1))
				continue
			}
		case "LS", "LE":
			if want := relatedLoopCode(l.ID); txn.Str(s, 1) != want || !txn.Fits(s, 1) || !txn.Simple(s, 1) {
				p.Fail(s, 1, 0, fmt.Sprintf("loop identifier %q: want %s", txn.Str(s, 1), want))
			}
			lsle = append(lsle, s)
			continue // written again around Related
		default:
			if p.Part(pts, s) {
				continue
			}
		}
		b.Other = append(b.Other, p.Other(s))
	}
	for _, c := range l.Loops {
		switch c.ID {
		case "2120C", "2120D":
			b.Related = append(b.Related, Party{})
			related = &b.Related[len(b.Related)-1]
			p.party(related, c, nil)
		default:
			b.OtherLoops = append(b.OtherLoops, p.Loop(c))
		}
	}
	if len(b.Related) == 0 {
		// An LS or LE with nothing between: keep them.
		b.Other = append(b.Other, p.Others(lsle)...)
	}
	return b
}

// relatedLoopCode is LS01 and LE01 around the 2120 loops: the loop ID of
// loop 2120.
func relatedLoopCode(string) string { return "2120" }
