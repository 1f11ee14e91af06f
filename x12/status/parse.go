package status

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
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
	h, rest := p.Header(tree, "")
	t := &Transaction{Version: h.Version, Purpose: h.Purpose, Ref: h.Ref, Created: h.Created, Type: h.Type}
	if t.Version == "" {
		t.Version = version
	}
	switch {
	case h.ID == "276":
		t.Kind = Request
	case h.ID == "277" && t.Version == VersionAck:
		t.Kind = Ack
	case h.ID == "277":
		t.Kind = Response
	}
	if st := tree.Segment("ST"); st != nil && t.Kind == "" {
		p.Fail(st, 1, 0, fmt.Sprintf("transaction set %q is not a 276 or 277", h.ID))
	}
	if tree.Spec == nil && len(tree.Segments) > 0 {
		p.Fail(tree.Segments[0], 3, 0, fmt.Sprintf("version %q: no implementation guide table; want %s or %s", t.Version, VersionStatus, VersionAck))
	}
	p.CheckStructure(tree, h.Structure, t.Kind.structure())
	t.Other = append(t.Other, p.Others(rest)...)
	for _, l := range tree.Loops {
		if l.ID == "2000A" {
			t.Sources = append(t.Sources, p.source(l, t.Kind))
		} else {
			t.OtherLoops = append(t.OtherLoops, p.Loop(l))
		}
		if p.Err != nil {
			break
		}
	}
	if p.Err != nil {
		return nil, fmt.Errorf("status: %w", p.Err)
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
	return txn.ReadAll(r, "status", []string{"276", "277"}, func(ts *x12.TransactionSet, tree *validate.Loop) (*Transaction, error) {
		t, err := Parse(tree, ts.Version)
		if err != nil {
			return nil, err
		}
		t.Envelope = EnvelopeOf(ts)
		return t, nil
	})
}

// parser reads the 276, 277 and 277CA loops.
type parser struct{ txn.Parser }

func (p *parser) source(l *validate.Loop, k Kind) Source {
	var src Source
	p.HLCheck(l, "20")
	src.LevelOther = p.LevelOther(l, nil)
	for _, c := range l.Loops {
		switch c.ID {
		case "2100A":
			p.party(&src.Party, c)
		case "2200A":
			src.Report = p.report(c)
		case "2000B":
			src.Receivers = append(src.Receivers, p.receiver(c, k))
		default:
			src.OtherLoops = append(src.OtherLoops, p.Loop(c))
		}
	}
	return src
}

func (p *parser) receiver(l *validate.Loop, k Kind) Receiver {
	var r Receiver
	p.HLCheck(l, "21")
	r.LevelOther = p.LevelOther(l, nil)
	for _, c := range l.Loops {
		switch c.ID {
		case "2100B":
			p.party(&r.Party, c)
		case "2200B":
			r.Report = p.report(c)
		case "2000C":
			r.Providers = append(r.Providers, p.provider(c, k))
		default:
			r.OtherLoops = append(r.OtherLoops, p.Loop(c))
		}
	}
	return r
}

func (p *parser) provider(l *validate.Loop, k Kind) Provider {
	var pr Provider
	p.HLCheck(l, "19")
	pr.LevelOther = p.LevelOther(l, nil)
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
			pr.OtherLoops = append(pr.OtherLoops, p.Loop(c))
		}
	}
	return pr
}

func (p *parser) party(pt *Party, l *validate.Loop) {
	p.NameLoop(l, &pt.Name, pt.parts(), &pt.Other, nil)
	pt.Other = append(pt.Other, p.kept(l.Loops)...)
}

// parts returns where the segments of pt's name loop that the shared
// types hold go.
func (pt *Party) parts() txn.Parts { return txn.Parts{Contacts: &pt.Contacts} }

// kept keeps the segments of loops, which the model does not type.
func (p *parser) kept(loops []*validate.Loop) []Segment {
	var out []Segment
	for _, c := range loops {
		out = append(out, p.Others(txn.Ordered(c))...)
	}
	return out
}

func (p *parser) member(l *validate.Loop, k Kind, level, suffix string) Member {
	var m Member
	p.HLCheck(l, level)
	m.LevelOther = p.LevelOther(l, func(s *x12.Segment) bool {
		return s.ID == "DMG" && p.Demographics(s, &m.BirthDate, &m.Sex)
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
			m.OtherLoops = append(m.OtherLoops, p.Loop(c))
		}
	}
	return m
}

// trigger reads a loop's TRN trigger; a second one, or one the model
// cannot hold, would start a loop of its own when written back.
func (p *parser) trigger(t *Trace, seen *bool, s *x12.Segment) {
	tr, ok := txn.TraceOf(s)
	if *seen || !ok {
		p.Fail(s, 0, 0, "TRN does not fit its loop (a second TRN, or composites, repeats or elements after TRN04)")
		return
	}
	*t, *seen = tr, true
}

func (p *parser) report(l *validate.Loop) *Report {
	r := &Report{}
	seen := false
	pts := txn.Parts{Refs: &r.Refs, Dates: &r.Dates}
	for _, s := range txn.Ordered(l) {
		switch s.ID {
		case "TRN":
			p.trigger(&r.Trace, &seen, s)
			continue
		case "STC":
			if st, ok := p.status(s); ok {
				r.Statuses = append(r.Statuses, st)
				continue
			}
		case "QTY":
			if txn.Fits(s, 2) && txn.Simple(s, 2) {
				v := p.OptDecimal(s, 2, 4)
				if v == nil {
					p.Fail(s, 2, 0, "quantity (QTY02) is required")
					v = new(int64)
				}
				r.Quantities = append(r.Quantities, Quantity{Qualifier: txn.Str(s, 1), Value: *v})
				continue
			}
		case "AMT":
			if txn.Fits(s, 2) && txn.Simple(s, 2) {
				r.Amounts = append(r.Amounts, Amount{Qualifier: txn.Str(s, 1), Cents: p.Amount(s, 2, "amount")})
				continue
			}
		default:
			if p.Part(pts, s) {
				continue
			}
		}
		r.Other = append(r.Other, p.Other(s))
	}
	r.Other = append(r.Other, p.kept(l.Loops)...)
	return r
}

func (p *parser) claim(l *validate.Loop, lineLoop string) Claim {
	var c Claim
	seen := false
	pts := txn.Parts{Refs: &c.Refs, Dates: &c.Dates}
	for _, s := range txn.Ordered(l) {
		switch s.ID {
		case "TRN":
			p.trigger(&c.Trace, &seen, s)
			continue
		case "STC":
			if st, ok := p.status(s); ok {
				c.Statuses = append(c.Statuses, st)
				continue
			}
		case "AMT":
			if c.Charge == nil && txn.Str(s, 1) == "T3" && txn.Fits(s, 2) && txn.Simple(s, 2) {
				v := p.Amount(s, 2, "total claim charge")
				c.Charge = &v
				continue
			}
		default:
			if p.Part(pts, s) {
				continue
			}
		}
		c.Other = append(c.Other, p.Other(s))
	}
	for _, k := range l.Loops {
		if k.ID == lineLoop {
			c.Lines = append(c.Lines, p.line(k))
		} else {
			c.OtherLoops = append(c.OtherLoops, p.Loop(k))
		}
	}
	return c
}

func (p *parser) line(l *validate.Loop) Line {
	var ln Line
	seen := false
	pts := txn.Parts{Refs: &ln.Refs, Dates: &ln.Dates}
	for _, s := range txn.Ordered(l) {
		switch s.ID {
		case "SVC":
			if seen || !txn.Fits(s, 7) || !txn.SimpleFrom(s, 2, 7) || s.Repetitions(1) > 1 || s.Components(1) > 7 ||
				!txn.Blank(s, 5) || !txn.Blank(s, 6) {
				p.Fail(s, 0, 0, "SVC does not fit the service line (a second SVC, or SVC05, SVC06, composites or repeats)")
				continue
			}
			seen = true
			if pr := txn.ProcedureOf(s, 1); pr != nil {
				ln.Procedure = *pr
			}
			ln.Charge = p.Amount(s, 2, "line item charge amount")
			ln.Paid = p.OptAmount(s, 3)
			ln.RevenueCode = txn.Str(s, 4)
			ln.Units = p.OptDecimal(s, 7, 4)
			continue
		case "STC":
			if st, ok := p.status(s); ok {
				ln.Statuses = append(ln.Statuses, st)
				continue
			}
		default:
			if p.Part(pts, s) {
				continue
			}
		}
		ln.Other = append(ln.Other, p.Other(s))
	}
	return ln
}

// status reads an STC segment; it reports false when the segment holds
// what Status cannot.
func (p *parser) status(s *x12.Segment) (Status, bool) {
	if !txn.Fits(s, 12) || !txn.SimpleFrom(s, 2, 9) || !txn.SimpleFrom(s, 12, 12) {
		return Status{}, false
	}
	var st Status
	for _, i := range []int{1, 10, 11} {
		if s.Repetitions(i) > 1 || s.Components(i) > 4 {
			return Status{}, false
		}
		if txn.Blank(s, i) {
			if i == 1 || (i == 10 && !txn.Blank(s, 11)) {
				return Status{}, false
			}
			continue
		}
		st.Codes = append(st.Codes, StatusCode{Category: txn.Comp(s, i, 1), Code: txn.Comp(s, i, 2), Entity: txn.Comp(s, i, 3), CodeList: txn.Comp(s, i, 4)})
	}
	st.Effective = p.Date(s, 2, 0, txn.Val(s, 2))
	st.Action = txn.Str(s, 3)
	st.Charge = p.OptAmount(s, 4)
	st.Paid = p.OptAmount(s, 5)
	st.Adjudicated = p.Date(s, 6, 0, txn.Val(s, 6))
	st.PaymentMethod = txn.Str(s, 7)
	st.Issued = p.Date(s, 8, 0, txn.Val(s, 8))
	st.CheckNumber = txn.Str(s, 9)
	st.Message = txn.Str(s, 12)
	return st, true
}
