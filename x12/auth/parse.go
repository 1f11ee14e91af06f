package auth

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
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
	h, rest := p.header(tree, "278")
	t := &Transaction{Version: h.version, Purpose: h.purpose, Ref: h.ref, Created: h.created, Type: h.kd}
	if tree.Spec == nil && len(tree.Segments) > 0 {
		p.fail(tree.Segments[0], 3, 0, fmt.Sprintf("version %q, BHT02 %q: no implementation guide table; want %s with BHT02 13 or 11", h.version, h.purpose, Version))
	}
	if h.structure != "" && h.structure != "0007" {
		p.fail(tree.Segment("BHT"), 1, 0, fmt.Sprintf("hierarchical structure %q: want 0007", h.structure))
	}
	for _, s := range rest {
		t.Other = append(t.Other, p.other(s))
	}
	umo := false
	for _, l := range tree.Loops {
		if l.ID == "2000A" && !umo {
			p.umo(t, l)
			umo = true
			continue
		}
		t.OtherLoops = append(t.OtherLoops, p.loop(l))
	}
	if p.err != nil {
		return nil, fmt.Errorf("auth: %w", p.err)
	}
	return t, nil
}

// Read reads every transaction set of r, which must be 278s, with their
// envelopes.
// The sets are read whatever the validator finds in them (findings are
// not errors here): to see the findings, use validate.Stream and call Parse
// with each tree.
func Read(r io.Reader) ([]*Transaction, error) {
	var out []*Transaction
	err := readSets(r, "auth", func(ts *x12.TransactionSet, tree *validate.Loop) error {
		if ts.ID != "278" {
			return fmt.Errorf("auth: segment %d: transaction set %s is not a 278", ts.Pos, ts.ID)
		}
		t, err := Parse(tree)
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

// only returns the first child loop with the given ID, or nil, and reports
// any second one: the 278 has one of each level.
func (p *parser) only(l *validate.Loop, id string) *validate.Loop {
	cs := l.Children(id)
	if len(cs) > 1 {
		if s := cs[1].Segment("HL"); s != nil {
			p.fail(s, 0, 0, fmt.Sprintf("a second loop %s in loop %s: a 278 has one", id, l.ID))
		} else if len(cs[1].Segments) > 0 {
			p.fail(cs[1].Segments[0], 0, 0, fmt.Sprintf("a second loop %s in loop %s: a 278 has one", id, l.ID))
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
		out = append(out, p.loop(c))
	}
	return out
}

func (p *parser) hlCheck(l *validate.Loop, level string) {
	if s := l.Segment("HL"); s != nil && str(s, 3) != level {
		p.fail(s, 3, 0, fmt.Sprintf("hierarchical level %q: want %s in loop %s", str(s, 3), level, l.ID))
	}
}

func (p *parser) addLevelOther(t *Transaction, id string, s *x12.Segment) {
	if t.LevelOther == nil {
		t.LevelOther = make(map[string][]Segment)
	}
	t.LevelOther[id] = append(t.LevelOther[id], p.other(s))
}

func (p *parser) umo(t *Transaction, l *validate.Loop) {
	p.hlCheck(l, "20")
	for _, s := range ordered(l) {
		switch s.ID {
		case "HL":
			continue
		case "AAA":
			if r, ok := reject(s); ok {
				t.Rejects = append(t.Rejects, r)
				continue
			}
		}
		p.addLevelOther(t, l.ID, s)
	}
	if c := p.only(l, "2010A"); c != nil {
		p.party(&t.UMO, c, nil)
	}
	b := p.only(l, "2000B")
	t.OtherLoops = append(t.OtherLoops, p.rest(l, "2010A", "2000B")...)
	if b == nil {
		return
	}
	p.hlCheck(b, "21")
	for _, s := range ordered(b) {
		if s.ID != "HL" {
			p.addLevelOther(t, b.ID, s)
		}
	}
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
			p.fail(e.Segments[0], 0, 0, "patient event under the subscriber of a 278 that has a dependent")
		}
	} else if e := p.only(c, "2000E"); e != nil {
		t.Event = p.event(e, t.IsResponse())
	}
	t.Subscriber.OtherLoops = p.rest(c, "2010C", "2000D", "2000E")
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
	for _, c := range l.Loops {
		p.fail(c.Segments[0], 0, 0, fmt.Sprintf("loop %s inside name loop %s", c.ID, l.ID))
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
	case "DTP":
		d, ok := p.dtp(s)
		if ok {
			pt.Dates = append(pt.Dates, d)
		}
		return ok
	}
	return false
}

func (p *parser) member(m *Member, l *validate.Loop, level, nameLoop string) {
	p.hlCheck(l, level)
	for _, s := range ordered(l) {
		if s.ID != "HL" {
			m.LevelOther = append(m.LevelOther, p.other(s))
		}
	}
	c := p.only(l, nameLoop)
	if c == nil {
		return
	}
	p.party(&m.Party, c, func(s *x12.Segment) bool {
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
			if m.Insured != nil || !fits(s, 17) || !simple(s, 17) {
				return false
			}
			for i := 3; i <= 16; i++ {
				if !blank(s, i) {
					return false
				}
			}
			m.Insured = &Insured{Subscriber: str(s, 1), Relationship: str(s, 2), BirthSequence: str(s, 17)}
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
	case "TRN":
		t, ok := trace(s)
		if ok {
			*traces = append(*traces, t)
		}
		return ok
	case "AAA":
		r, ok := reject(s)
		if ok {
			*rejects = append(*rejects, r)
		}
		return ok
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
		if *dec != nil || !fits(s, 4) || !simple(s, 4) {
			return false
		}
		*dec = &Decision{Action: str(s, 1), Number: str(s, 2), Reason: str(s, 3), SecondOpinion: str(s, 4)}
		return true
	case "REF":
		r, ok := ref(s)
		if ok {
			*refs = append(*refs, r)
		}
		return ok
	case "DTP":
		d, ok := p.dtp(s)
		if ok {
			*dates = append(*dates, d)
		}
		return ok
	case "HI":
		if len(*diags) > 0 {
			return false
		}
		d, ok := p.diagnoses(s)
		*diags = d
		return ok
	case "HSD":
		if *del != nil || !fits(s, 8) || !simple(s, 8) {
			return false
		}
		*del = &Delivery{QuantityQualifier: str(s, 1), Quantity: p.optDecimal(s, 2, 4), UnitBasis: str(s, 3),
			SampleSize: p.optDecimal(s, 4, 4), Period: str(s, 5), PeriodCount: p.optDecimal(s, 6, 4),
			Frequency: str(s, 7), Pattern: str(s, 8)}
		return true
	case "PWK":
		if !fits(s, 7) || !simple(s, 7) || !blank(s, 3) || !blank(s, 4) {
			return false
		}
		*att = append(*att, Attachment{ReportType: str(s, 1), Transmission: str(s, 2), IDQualifier: str(s, 5),
			ControlNumber: str(s, 6), Description: str(s, 7)})
		return true
	case "MSG":
		if *msg != "" || !fits(s, 1) || !simple(s, 1) || blank(s, 1) {
			return false
		}
		*msg = str(s, 1)
		return true
	}
	return false
}

func review(s *x12.Segment) (Review, bool) {
	if !fits(s, 8) || !simple(s, 3) || s.Repetitions(4) > 1 || s.Components(4) > 2 || s.Repetitions(5) > 1 ||
		s.Components(5) > 5 || !simpleFrom(s, 6, 8) || !blank(s, 7) {
		return Review{}, false
	}
	r := Review{Category: str(s, 1), CertificationType: str(s, 2), ServiceType: str(s, 3),
		FacilityType: comp(s, 4, 1), FacilityQualifier: comp(s, 4, 2),
		AccidentState: comp(s, 5, 4), AccidentCountry: comp(s, 5, 5), LevelOfService: str(s, 6), Prognosis: str(s, 8)}
	n := 0
	for j := 1; j <= 3; j++ {
		if len(s.Component(5, j)) > 0 {
			n = j
		}
	}
	for j := 1; j <= n; j++ {
		r.RelatedCauses = append(r.RelatedCauses, comp(s, 5, j))
	}
	return r, true
}

// diagnoses reads an HI segment of 278 diagnoses (qualifier, code, D8,
// date); it reports false when the segment holds what Diagnosis cannot.
func (p *parser) diagnoses(s *x12.Segment) ([]Diagnosis, bool) {
	if !fits(s, 12) {
		return nil, false
	}
	var out []Diagnosis
	for i := 1; i <= s.Len(); i++ {
		if blank(s, i) {
			if i < s.Len() {
				return nil, false
			}
			continue
		}
		if s.Repetitions(i) > 1 || s.Components(i) > 4 {
			return nil, false
		}
		f, v := comp(s, i, 3), s.Component(i, 4)
		if (f == "D8") != (len(v) > 0) {
			return nil, false
		}
		out = append(out, Diagnosis{Qualifier: comp(s, i, 1), Code: comp(s, i, 2), Date: p.date(s, i, 4, v)})
	}
	return out, len(out) > 0
}

func (p *parser) event(l *validate.Loop, response bool) *Event {
	e := &Event{}
	p.hlCheck(l, "EV")
	umSeen := false
	for _, s := range ordered(l) {
		if s.ID == "HL" {
			continue
		}
		if p.common(s, &e.Traces, &e.Rejects, &e.Review, &umSeen, &e.Decision, &e.Refs, &e.Dates, &e.Diagnoses,
			&e.Delivery, &e.Attachments, &e.Message) {
			continue
		}
		switch s.ID {
		case "CRC":
			if fits(s, 7) && simple(s, 7) {
				c := Certification{Category: str(s, 1), Indicator: str(s, 2)}
				n := 0
				for i := 3; i <= 7; i++ {
					if !blank(s, i) {
						n = i
					}
				}
				for i := 3; i <= n; i++ {
					c.Conditions = append(c.Conditions, str(s, i))
				}
				e.Certifications = append(e.Certifications, c)
				continue
			}
		case "CL1":
			if e.Admission == nil && fits(s, 4) && simple(s, 4) {
				e.Admission = &Admission{Type: str(s, 1), Source: str(s, 2), PatientStatus: str(s, 3), NursingHomeStatus: str(s, 4)}
				continue
			}
		}
		e.Other = append(e.Other, p.other(s))
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
			e.OtherLoops = append(e.OtherLoops, p.loop(c))
		}
	}
	return e
}

func (p *parser) service(l *validate.Loop, response bool) Service {
	var sv Service
	p.hlCheck(l, "SS")
	umSeen := false
	for _, s := range ordered(l) {
		if s.ID == "HL" {
			continue
		}
		if p.common(s, &sv.Traces, &sv.Rejects, &sv.Review, &umSeen, &sv.Decision, &sv.Refs, &sv.Dates, &sv.Diagnoses,
			&sv.Delivery, &sv.Attachments, &sv.Message) {
			continue
		}
		switch s.ID {
		case "SV1":
			if sv.Professional == nil && fits(s, 7) && s.Repetitions(1) <= 1 && s.Components(1) <= 7 && simpleFrom(s, 2, 6) &&
				blank(s, 5) && blank(s, 6) && s.Repetitions(7) <= 1 {
				pr := &Professional{Charge: p.optAmount(s, 2), UnitBasis: str(s, 3), Units: p.optDecimal(s, 4, 4),
					DiagnosisPointers: pointers(s, 7)}
				if c := procedure(s, 1); c != nil {
					pr.Procedure = *c
				}
				sv.Professional = pr
				continue
			}
		case "SV2":
			if sv.Institutional == nil && fits(s, 6) && simple(s, 1) && s.Repetitions(2) <= 1 && s.Components(2) <= 7 && simpleFrom(s, 3, 6) {
				sv.Institutional = &Institutional{RevenueCode: str(s, 1), Procedure: procedure(s, 2), Charge: p.optAmount(s, 3),
					UnitBasis: str(s, 4), Units: p.optDecimal(s, 5, 4), Rate: p.optAmount(s, 6)}
				continue
			}
		case "SV3":
			if sv.Dental == nil && fits(s, 6) && s.Repetitions(1) <= 1 && s.Components(1) <= 7 && simpleFrom(s, 2, 3) &&
				s.Repetitions(4) <= 1 && simpleFrom(s, 5, 6) {
				d := &Dental{Charge: p.optAmount(s, 2), FacilityType: str(s, 3), Cavity: pointers(s, 4), Prosthesis: str(s, 5),
					Units: p.optDecimal(s, 6, 4)}
				if c := procedure(s, 1); c != nil {
					d.Procedure = *c
				}
				sv.Dental = d
				continue
			}
		}
		sv.Other = append(sv.Other, p.other(s))
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
			sv.OtherLoops = append(sv.OtherLoops, p.loop(c))
		}
	}
	return sv
}

// pointers returns the components of element i.
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
