package auth

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
	"github.com/claimgate/claimgate/x12/validate"
)

// Parse reads a Transaction from the loop tree of one validated 278
// transaction set (its root, the ST loop). It does not fill Envelope, which
// the tree does not hold: Read does. A value that does not parse, such as
// a date that does not exist or an amount with fractions of a cent, is an
// error: a *x12.ParseError that names the segment and element.
func Parse(tree *validate.Loop) (*Transaction, error) {
	if tree == nil {
		return nil, fmt.Errorf("auth: no transaction set")
	}
	p := &parser{}
	h, rest := p.Header(tree, "278")
	t := &Transaction{Version: h.Version, Purpose: h.Purpose, Ref: h.Ref, Created: h.Created, Type: h.Type}
	if tree.Spec == nil && len(tree.Segments) > 0 {
		p.Fail(tree.Segments[0], 3, 0, fmt.Sprintf("version %q, BHT02 %q: no implementation guide table; want %s with BHT02 13 or 11", h.Version, h.Purpose, Version))
	}
	p.CheckStructure(tree, h.Structure, "0007")
	t.Other = append(t.Other, p.Others(rest)...)
	umo := false
	for _, l := range tree.Loops {
		if l.ID == "2000A" && !umo {
			p.umo(t, l)
			umo = true
			continue
		}
		t.OtherLoops = append(t.OtherLoops, p.Loop(l))
	}
	if p.Err != nil {
		return nil, fmt.Errorf("auth: %w", p.Err)
	}
	return t, nil
}

// Read reads every transaction set of r, which must be 278s, with their
// envelopes.
// The sets are read whatever the validator finds in them (findings are
// not errors here): to see the findings, use validate.Stream and call Parse
// with each tree.
func Read(r io.Reader) ([]*Transaction, error) {
	return txn.ReadAll(r, "auth", []string{"278"}, func(ts *x12.TransactionSet, tree *validate.Loop) (*Transaction, error) {
		t, err := Parse(tree)
		if err != nil {
			return nil, err
		}
		t.Envelope = EnvelopeOf(ts)
		if t.Version == "" {
			t.Version = ts.Version // GS08
		}
		return t, nil
	})
}

// parser reads the 278 loops.
type parser struct{ txn.Parser }

// only returns the first child loop with the given ID, or nil, and reports
// any second one: the 278 has one of each level.
func (p *parser) only(l *validate.Loop, id string) *validate.Loop {
	cs := l.Children(id)
	if len(cs) > 1 {
		if s := cs[1].Segment("HL"); s != nil {
			p.Fail(s, 0, 0, fmt.Sprintf("a second loop %s in loop %s: a 278 has one", id, l.ID))
		} else if len(cs[1].Segments) > 0 {
			p.Fail(cs[1].Segments[0], 0, 0, fmt.Sprintf("a second loop %s in loop %s: a 278 has one", id, l.ID))
		}
	}
	if len(cs) == 0 {
		return nil
	}
	return cs[0]
}

// rest keeps the child loops of l other than the given IDs.
func (p *parser) rest(l *validate.Loop, ids ...string) []Loop {
	var out []Loop
next:
	for _, c := range l.Loops {
		for _, id := range ids {
			if c.ID == id {
				continue next
			}
		}
		out = append(out, p.Loop(c))
	}
	return out
}

// addLevelOther keeps segs, segments of HL loop id itself, in
// t.LevelOther.
func addLevelOther(t *Transaction, id string, segs []Segment) {
	if len(segs) == 0 {
		return
	}
	if t.LevelOther == nil {
		t.LevelOther = make(map[string][]Segment)
	}
	t.LevelOther[id] = append(t.LevelOther[id], segs...)
}

func (p *parser) umo(t *Transaction, l *validate.Loop) {
	p.HLCheck(l, "20")
	addLevelOther(t, l.ID, p.LevelOther(l, func(s *x12.Segment) bool {
		return p.Part(txn.Parts{Rejects: &t.Rejects}, s)
	}))
	if c := p.only(l, "2010A"); c != nil {
		p.party(&t.UMO, c, nil)
	}
	b := p.only(l, "2000B")
	t.OtherLoops = append(t.OtherLoops, p.rest(l, "2010A", "2000B")...)
	if b == nil {
		return
	}
	p.HLCheck(b, "21")
	addLevelOther(t, b.ID, p.LevelOther(b, nil))
	if c := p.only(b, "2010B"); c != nil {
		p.party(&t.Requester, c, nil)
	}
	t.OtherLoops = append(t.OtherLoops, p.rest(b, "2010B", "2000C")...)
	c := p.only(b, "2000C")
	if c == nil {
		return
	}
	p.member(&t.Subscriber, c, "22", "2010C")
	if d := p.only(c, "2000D"); d != nil {
		t.Dependent = &Member{}
		p.member(t.Dependent, d, "23", "2010D")
		if e := p.only(d, "2000E"); e != nil {
			t.Event = p.event(e, t.IsResponse())
		}
		t.Dependent.OtherLoops = p.rest(d, "2010D", "2000E")
		if e := c.Child("2000E"); e != nil {
			p.Fail(e.Segments[0], 0, 0, "patient event under the subscriber of a 278 that has a dependent")
		}
	} else if e := p.only(c, "2000E"); e != nil {
		t.Event = p.event(e, t.IsResponse())
	}
	t.Subscriber.OtherLoops = p.rest(c, "2010C", "2000D", "2000E")
}

// parts returns where the segments of pt's name loop that the shared
// types hold go.
func (pt *Party) parts() txn.Parts {
	return txn.Parts{Refs: &pt.Refs, Address: &pt.Address, Contacts: &pt.Contacts, Rejects: &pt.Rejects,
		Specialty: &pt.Specialty, Dates: &pt.Dates}
}

// party reads a name loop into pt. extra, when not nil, takes the segments
// the caller types itself and reports whether it did.
func (p *parser) party(pt *Party, l *validate.Loop, extra func(s *x12.Segment) bool) {
	p.NameLoop(l, &pt.Name, pt.parts(), &pt.Other, extra)
	for _, c := range l.Loops {
		p.Fail(c.Segments[0], 0, 0, fmt.Sprintf("loop %s inside name loop %s", c.ID, l.ID))
	}
}

func (p *parser) member(m *Member, l *validate.Loop, level, nameLoop string) {
	p.HLCheck(l, level)
	m.LevelOther = append(m.LevelOther, p.LevelOther(l, nil)...)
	c := p.only(l, nameLoop)
	if c == nil {
		return
	}
	p.party(&m.Party, c, func(s *x12.Segment) bool {
		switch s.ID {
		case "DMG":
			return p.Demographics(s, &m.BirthDate, &m.Sex)
		case "INS":
			if m.Insured != nil || !txn.Fits(s, 17) || !txn.Simple(s, 17) {
				return false
			}
			for i := 3; i <= 16; i++ {
				if !txn.Blank(s, i) {
					return false
				}
			}
			m.Insured = &Insured{Subscriber: txn.Str(s, 1), Relationship: txn.Str(s, 2), BirthSequence: txn.Str(s, 17)}
			return true
		}
		return false
	})
}

// common reads the segments the event and service levels share and
// reports whether it took s.
func (p *parser) common(s *x12.Segment, traces *[]Trace, rejects *[]Reject, um *Review, umSeen *bool,
	dec **Decision, refs *[]Ref, dates *[]Date, diags *[]Diagnosis, del **Delivery, att *[]Attachment, msg *string) bool {
	switch s.ID {
	case "UM":
		if *umSeen {
			return false
		}
		r, ok := review(s)
		if ok {
			*um, *umSeen = r, true
		}
		return ok
	case "HCR":
		if *dec != nil || !txn.Fits(s, 4) || !txn.Simple(s, 4) {
			return false
		}
		*dec = &Decision{Action: txn.Str(s, 1), Number: txn.Str(s, 2), Reason: txn.Str(s, 3), SecondOpinion: txn.Str(s, 4)}
		return true
	case "HI":
		if len(*diags) > 0 {
			return false
		}
		d, ok := p.diagnoses(s)
		*diags = d
		return ok
	case "HSD":
		if *del != nil || !txn.Fits(s, 8) || !txn.Simple(s, 8) {
			return false
		}
		*del = &Delivery{QuantityQualifier: txn.Str(s, 1), Quantity: p.OptDecimal(s, 2, 4), UnitBasis: txn.Str(s, 3),
			SampleSize: p.OptDecimal(s, 4, 4), Period: txn.Str(s, 5), PeriodCount: p.OptDecimal(s, 6, 4),
			Frequency: txn.Str(s, 7), Pattern: txn.Str(s, 8)}
		return true
	case "PWK":
		if !txn.Fits(s, 7) || !txn.Simple(s, 7) || !txn.Blank(s, 3) || !txn.Blank(s, 4) {
			return false
		}
		*att = append(*att, Attachment{ReportType: txn.Str(s, 1), Transmission: txn.Str(s, 2), IDQualifier: txn.Str(s, 5),
			ControlNumber: txn.Str(s, 6), Description: txn.Str(s, 7)})
		return true
	case "MSG":
		if *msg != "" || !txn.Fits(s, 1) || !txn.Simple(s, 1) || txn.Blank(s, 1) {
			return false
		}
		*msg = txn.Str(s, 1)
		return true
	}
	return p.Part(txn.Parts{Traces: traces, Rejects: rejects, Refs: refs, Dates: dates}, s)
}

func review(s *x12.Segment) (Review, bool) {
	if !txn.Fits(s, 8) || !txn.Simple(s, 3) || s.Repetitions(4) > 1 || s.Components(4) > 2 || s.Repetitions(5) > 1 ||
		s.Components(5) > 5 || !txn.SimpleFrom(s, 6, 8) || !txn.Blank(s, 7) {
		return Review{}, false
	}
	r := Review{Category: txn.Str(s, 1), CertificationType: txn.Str(s, 2), ServiceType: txn.Str(s, 3),
		FacilityType: txn.Comp(s, 4, 1), FacilityQualifier: txn.Comp(s, 4, 2),
		AccidentState: txn.Comp(s, 5, 4), AccidentCountry: txn.Comp(s, 5, 5), LevelOfService: txn.Str(s, 6), Prognosis: txn.Str(s, 8)}
	n := 0
	for j := 1; j <= 3; j++ {
		if len(s.Component(5, j)) > 0 {
			n = j
		}
	}
	for j := 1; j <= n; j++ {
		r.RelatedCauses = append(r.RelatedCauses, txn.Comp(s, 5, j))
	}
	return r, true
}

// diagnoses reads an HI segment of 278 diagnoses (qualifier, code, D8,
// date); it reports false when the segment holds what Diagnosis cannot.
func (p *parser) diagnoses(s *x12.Segment) ([]Diagnosis, bool) {
	if !txn.Fits(s, 12) {
		return nil, false
	}
	var out []Diagnosis
	for i := 1; i <= s.Len(); i++ {
		if txn.Blank(s, i) {
			if i < s.Len() {
				return nil, false
			}
			continue
		}
		if s.Repetitions(i) > 1 || s.Components(i) > 4 {
			return nil, false
		}
		f, v := txn.Comp(s, i, 3), s.Component(i, 4)
		if (f == "D8") != (len(v) > 0) {
			return nil, false
		}
		out = append(out, Diagnosis{Qualifier: txn.Comp(s, i, 1), Code: txn.Comp(s, i, 2), Date: p.Date(s, i, 4, v)})
	}
	return out, len(out) > 0
}

func (p *parser) event(l *validate.Loop, response bool) *Event {
	e := &Event{}
	p.HLCheck(l, "EV")
	umSeen := false
	for _, s := range txn.Ordered(l) {
		if s.ID == "HL" {
			continue
		}
		if p.common(s, &e.Traces, &e.Rejects, &e.Review, &umSeen, &e.Decision, &e.Refs, &e.Dates, &e.Diagnoses,
			&e.Delivery, &e.Attachments, &e.Message) {
			continue
		}
		switch s.ID {
		case "CRC":
			if txn.Fits(s, 7) && txn.Simple(s, 7) {
				c := Certification{Category: txn.Str(s, 1), Indicator: txn.Str(s, 2)}
				n := 0
				for i := 3; i <= 7; i++ {
					if !txn.Blank(s, i) {
						n = i
					}
				}
				for i := 3; i <= n; i++ {
					c.Conditions = append(c.Conditions, txn.Str(s, i))
				}
				e.Certifications = append(e.Certifications, c)
				continue
			}
		case "CL1":
			if e.Admission == nil && txn.Fits(s, 4) && txn.Simple(s, 4) {
				e.Admission = &Admission{Type: txn.Str(s, 1), Source: txn.Str(s, 2), PatientStatus: txn.Str(s, 3), NursingHomeStatus: txn.Str(s, 4)}
				continue
			}
		}
		e.Other = append(e.Other, p.Other(s))
	}
	transport, other := "2010EB", "2010EC"
	if response {
		transport, other = "2010EC", "2010EB"
	}
	for _, c := range l.Loops {
		var pt Party
		switch c.ID {
		case "2010EA":
			p.party(&pt, c, nil)
			e.Providers = append(e.Providers, pt)
		case transport:
			p.party(&pt, c, nil)
			e.Transport = append(e.Transport, pt)
		case other:
			p.party(&pt, c, nil)
			if response {
				e.InfoContacts = append(e.InfoContacts, pt)
			} else {
				e.OtherUMOs = append(e.OtherUMOs, pt)
			}
		case "2000F":
			e.Services = append(e.Services, p.service(c, response))
		default:
			e.OtherLoops = append(e.OtherLoops, p.Loop(c))
		}
	}
	return e
}

func (p *parser) service(l *validate.Loop, response bool) Service {
	var sv Service
	p.HLCheck(l, "SS")
	umSeen := false
	for _, s := range txn.Ordered(l) {
		if s.ID == "HL" {
			continue
		}
		if p.common(s, &sv.Traces, &sv.Rejects, &sv.Review, &umSeen, &sv.Decision, &sv.Refs, &sv.Dates, &sv.Diagnoses,
			&sv.Delivery, &sv.Attachments, &sv.Message) {
			continue
		}
		switch s.ID {
		case "SV1":
			if sv.Professional == nil && txn.Fits(s, 7) && s.Repetitions(1) <= 1 && s.Components(1) <= 7 && txn.SimpleFrom(s, 2, 6) &&
				txn.Blank(s, 5) && txn.Blank(s, 6) && s.Repetitions(7) <= 1 {
				pr := &Professional{Charge: p.OptAmount(s, 2), UnitBasis: txn.Str(s, 3), Units: p.OptDecimal(s, 4, 4),
					DiagnosisPointers: txn.Pointers(s, 7)}
				if c := txn.ProcedureOf(s, 1); c != nil {
					pr.Procedure = *c
				}
				sv.Professional = pr
				continue
			}
		case "SV2":
			if sv.Institutional == nil && txn.Fits(s, 6) && txn.Simple(s, 1) && s.Repetitions(2) <= 1 && s.Components(2) <= 7 && txn.SimpleFrom(s, 3, 6) {
				sv.Institutional = &Institutional{RevenueCode: txn.Str(s, 1), Procedure: txn.ProcedureOf(s, 2), Charge: p.OptAmount(s, 3),
					UnitBasis: txn.Str(s, 4), Units: p.OptDecimal(s, 5, 4), Rate: p.OptAmount(s, 6)}
				continue
			}
		case "SV3":
			if sv.Dental == nil && txn.Fits(s, 6) && s.Repetitions(1) <= 1 && s.Components(1) <= 7 && txn.SimpleFrom(s, 2, 3) &&
				s.Repetitions(4) <= 1 && txn.SimpleFrom(s, 5, 6) {
				d := &Dental{Charge: p.OptAmount(s, 2), FacilityType: txn.Str(s, 3), Cavity: txn.Pointers(s, 4), Prosthesis: txn.Str(s, 5),
					Units: p.OptDecimal(s, 6, 4)}
				if c := txn.ProcedureOf(s, 1); c != nil {
					d.Procedure = *c
				}
				sv.Dental = d
				continue
			}
		}
		sv.Other = append(sv.Other, p.Other(s))
	}
	prov := "2010F"
	if response {
		prov = "2010FA"
	}
	for _, c := range l.Loops {
		var pt Party
		switch {
		case c.ID == prov:
			p.party(&pt, c, nil)
			sv.Providers = append(sv.Providers, pt)
		case c.ID == "2010FB" && response:
			p.party(&pt, c, nil)
			sv.InfoContacts = append(sv.InfoContacts, pt)
		default:
			sv.OtherLoops = append(sv.OtherLoops, p.Loop(c))
		}
	}
	return sv
}
