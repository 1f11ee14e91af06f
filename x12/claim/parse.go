package claim

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
	"github.com/claimgate/claimgate/x12/validate"
)

// Parse reads a Transaction from the loop tree of one validated 837
// transaction set (its root, the ST loop). It does not fill Envelope,
// which the tree does not hold: ReadFile does, and EnvelopeOf gives it.
// Values that do not parse, such as an amount with fractions of a cent or
// a date that does not exist, and a missing CLM01, CLM02 or line charge
// are errors: a *x12.ParseError that names the segment and element.
func Parse(tree *validate.Loop) (*Transaction, error) {
	if tree == nil {
		return nil, fmt.Errorf("claim: no transaction set")
	}
	p := &parser{}
	t := &Transaction{}
	segs, loops := flat(tree)
	if tree.Spec != nil {
		nodes := children(tree.Spec)
		for _, s := range segs {
			if position(nodes, &wseg{id: s.ID, raw: s}) == len(nodes) {
				p.Fail(s, 0, 0, fmt.Sprintf("%s is not a segment of the transaction header", s.ID))
			}
		}
	}
	for _, s := range segs {
		switch s.ID {
		case "ST":
			if v := str(s, 1); v != "837" {
				p.Fail(s, 1, 0, fmt.Sprintf("transaction set %q is not an 837", v))
			}
			t.Version = str(s, 3)
		case "SE":
		case "BHT":
			t.Purpose, t.Reference, t.Type = str(s, 2), str(s, 3), str(s, 6)
			t.Created = p.ElemDate(s, 4)
			if v := s.Element(5); len(v) > 0 {
				d, err := x12.ParseTime(string(v))
				if err != nil {
					p.FailErr(s, 5, 0, err)
				}
				t.Created = t.Created.Add(d)
			}
		default:
			t.Other = append(t.Other, p.other(s))
		}
	}
	p.inst = t.IsInstitutional()
	for _, l := range loops {
		switch l.ID {
		case "1000A":
			t.Submitter = p.party(l, nil)
		case "1000B":
			t.Receiver = p.party(l, nil)
		case "2000A":
			t.BillingProviders = append(t.BillingProviders, p.billing(l))
		default:
			t.OtherLoops = append(t.OtherLoops, p.loop(l))
		}
		if p.Err != nil {
			break
		}
	}
	if p.Err != nil {
		return nil, fmt.Errorf("claim: %w", p.Err)
	}
	return t, nil
}

// EnvelopeOf returns the envelope of ts as a Transaction keeps it: without
// positions and offsets, and with the delimiters Write will use (an
// interchange without a repetition separator gets one). It also sets nothing else.
func EnvelopeOf(ts *x12.TransactionSet) Envelope { return Envelope(txn.ClaimEnvelopeOf(ts)) }

// flat returns the segments and child loops of l with those of wrapper
// loops (HEADER, DETAIL), which have no trigger, put in their place.
func flat(l *validate.Loop) ([]*x12.Segment, []*validate.Loop) {
	wrapped := false
	for _, c := range l.Loops {
		if isWrapper(c) {
			wrapped = true
			break
		}
	}
	if !wrapped {
		return l.Segments, l.Loops
	}
	segs := append([]*x12.Segment(nil), l.Segments...)
	var loops []*validate.Loop
	for _, c := range l.Loops {
		if isWrapper(c) {
			s, ls := flat(c)
			segs = append(segs, s...)
			loops = append(loops, ls...)
			continue
		}
		loops = append(loops, c)
	}
	return segs, loops
}

func isWrapper(l *validate.Loop) bool {
	if l.Spec != nil {
		return l.Spec.Wrapper
	}
	return l.ID == "HEADER" || l.ID == "DETAIL" || l.ID == "FOOTER"
}

// ordered returns l's segments in the order of its TR3 table loop
// (stable: repeats keep their order), which is the order Write uses, so
// that a sender's out-of-order segments read as they will be written.
//
// A segment the table does not have in the loop at all, which the
// validator could not place, is an error: Write could not put it back
// where it was.
func (p *parser) ordered(l *validate.Loop) []*x12.Segment {
	if l.Spec == nil {
		return l.Segments
	}
	nodes := children(l.Spec)
	at := make([]int, len(l.Segments))
	sorted := true
	for i, s := range l.Segments {
		at[i] = position(nodes, &wseg{id: s.ID, raw: s})
		if at[i] == len(nodes) {
			p.Fail(s, 0, 0, fmt.Sprintf("%s is not a segment of loop %s", s.ID, l.ID))
		}
		if i > 0 && at[i] < at[i-1] {
			sorted = false
		}
	}
	if sorted {
		return l.Segments
	}
	idx := make([]int, len(l.Segments))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return at[a] - at[b] })
	out := make([]*x12.Segment, len(idx))
	for i, k := range idx {
		out[i] = l.Segments[k]
	}
	return out
}

// loop keeps a loop the model does not type.
func (p *parser) loop(l *validate.Loop) Loop {
	out := Loop{ID: l.ID}
	for _, s := range p.ordered(l) {
		out.Segments = append(out.Segments, p.other(s))
	}
	for _, c := range l.Loops {
		out.Loops = append(out.Loops, p.loop(c))
	}
	return out
}

func entity(s *x12.Segment) Entity {
	return Entity{
		Role: str(s, 1), Type: str(s, 2), Last: str(s, 3), First: str(s, 4), Middle: str(s, 5),
		Suffix: str(s, 7), IDQualifier: str(s, 8), ID: str(s, 9),
	}
}

func ref(s *x12.Segment) Ref { return Ref{Qualifier: str(s, 1), Value: str(s, 2)} }

func contact(s *x12.Segment) Contact {
	c := Contact{Function: str(s, 1), Name: str(s, 2)}
	for i := 3; i <= 7; i += 2 {
		if q, n := str(s, i), str(s, i+1); q != "" || n != "" {
			c.Numbers = append(c.Numbers, Communication{Qualifier: q, Number: n})
		}
	}
	return c
}

// party reads a name loop. extra, when not nil, takes the segments the
// caller types itself (DMG, DTP*573...) and reports whether it did.
func (p *parser) party(l *validate.Loop, extra func(s *x12.Segment) bool) Party {
	var pt Party
	// The loop is read by its ID and written by its NM101: they must agree.
	if len(l.Segments) > 0 && l.Spec != nil {
		if s := l.Segments[0]; !matches(trigger(l.Spec), &wseg{id: s.ID, raw: s}) {
			p.Fail(s, 1, 0, fmt.Sprintf("%s%s is not the first segment of loop %s", s.ID, func() string {
				if v := s.Element(1); len(v) > 0 {
					return "*" + string(v)
				}
				return ""
			}(), l.ID))
		}
	}
	for _, s := range p.ordered(l) {
		if extra != nil && extra(s) {
			continue
		}
		p.partySegment(&pt, s)
	}
	for _, c := range l.Loops {
		pt.Other = append(pt.Other, p.loop(c).Segments...)
	}
	return pt
}

func (p *parser) partySegment(pt *Party, s *x12.Segment) {
	switch s.ID {
	case "NM1":
		if pt.Role == "" {
			p.unused(s, 9, []int{6}, nil)
			pt.Entity = entity(s)
			return
		}
	case "PRV":
		if pt.Taxonomy == "" && str(s, 2) == "PXC" && s.Len() <= 3 {
			pt.SpecialtyCode, pt.Taxonomy = str(s, 1), str(s, 3)
			return
		}
	case "N3":
		if pt.Address.Line1 == "" && pt.Address.Line2 == "" {
			pt.Address.Line1, pt.Address.Line2 = str(s, 1), str(s, 2)
			return
		}
	case "N4":
		a := &pt.Address
		if a.City == "" && a.State == "" && a.PostalCode == "" && a.Country == "" && a.Subdivision == "" && s.Len() <= 7 &&
			len(s.Element(5)) == 0 && len(s.Element(6)) == 0 {
			a.City, a.State, a.PostalCode, a.Country, a.Subdivision = str(s, 1), str(s, 2), str(s, 3), str(s, 4), str(s, 7)
			return
		}
	case "REF":
		if s.Len() <= 2 {
			pt.Refs = append(pt.Refs, ref(s))
			return
		}
	case "PER":
		if s.Len() <= 8 {
			pt.Contacts = append(pt.Contacts, contact(s))
			return
		}
	}
	pt.Other = append(pt.Other, p.other(s))
}

func (p *parser) billing(l *validate.Loop) BillingProvider {
	var b BillingProvider
	for _, s := range p.ordered(l) {
		switch {
		case s.ID == "HL":
		case s.ID == "PRV" && str(s, 2) == "PXC" && s.Len() <= 3 && b.Taxonomy == "":
			b.SpecialtyCode, b.Taxonomy = str(s, 1), str(s, 3)
		case s.ID == "CUR" && str(s, 1) == "85" && s.Len() <= 2:
			b.Currency = str(s, 2)
		default:
			b.Other = append(b.Other, p.other(s))
		}
	}
	for _, c := range l.Loops {
		switch c.ID {
		case "2010AA":
			code, tax := b.SpecialtyCode, b.Taxonomy
			b.Party = p.party(c, func(s *x12.Segment) bool {
				if s.ID == "REF" && b.TaxID == "" && s.Len() <= 2 {
					if q := str(s, 1); q == "EI" || q == "SY" {
						b.TaxIDQualifier, b.TaxID = q, str(s, 2)
						return true
					}
				}
				return false
			})
			if b.Party.Taxonomy != "" {
				// a PRV inside 2010AA is out of place: keep it there
				b.Party.Other = append(b.Party.Other, Segment("PRV*"+b.Party.SpecialtyCode+"*PXC*"+b.Party.Taxonomy))
			}
			b.SpecialtyCode, b.Taxonomy = code, tax
		case "2010AB":
			pt := p.party(c, nil)
			b.PayTo = &pt
		case "2010AC":
			pt := p.party(c, nil)
			b.PayToPlan = &pt
		case "2000B":
			b.Subscribers = append(b.Subscribers, p.subscriber(c))
		default:
			b.OtherLoops = append(b.OtherLoops, p.loop(c))
		}
		if p.Err != nil {
			break
		}
	}
	return b
}

func (p *parser) patientInfo(s *x12.Segment) *PatientInfo {
	p.unused(s, 9, []int{2, 3, 4}, nil)
	in := &PatientInfo{Relationship: str(s, 1), WeightUnit: str(s, 7), Weight: p.ElemOptQuantity(s, 8), Pregnant: str(s, 9)}
	if f := str(s, 5); f != "" || len(s.Element(6)) > 0 {
		if f != "D8" {
			p.Fail(s, 5, 0, fmt.Sprintf("date format %q: want D8", f))
		}
		in.DeathDate = p.ElemDate(s, 6)
	}
	return in
}

// demographics returns a func for party that takes the DMG segment.
func (p *parser) demographics(birth *time.Time, sex *string) func(*x12.Segment) bool {
	return func(s *x12.Segment) bool {
		if s.ID != "DMG" || s.Len() > 3 || !birth.IsZero() {
			return false
		}
		if f := str(s, 1); f != "D8" && f != "" {
			return false
		}
		*birth = p.ElemDate(s, 2)
		*sex = str(s, 3)
		return true
	}
}

func (p *parser) subscriber(l *validate.Loop) Subscriber {
	var sb Subscriber
	for _, s := range p.ordered(l) {
		switch {
		case s.ID == "HL":
		case s.ID == "SBR":
			p.unused(s, 9, []int{6, 7, 8}, nil)
			sb.PayerResponsibility, sb.Relationship, sb.GroupNumber, sb.GroupName, sb.InsuranceType, sb.FilingIndicator =
				str(s, 1), str(s, 2), str(s, 3), str(s, 4), str(s, 5), str(s, 9)
		case s.ID == "PAT" && sb.Info == nil:
			sb.Info = p.patientInfo(s)
		default:
			sb.Other = append(sb.Other, p.other(s))
		}
	}
	for _, c := range l.Loops {
		switch c.ID {
		case "2010BA":
			sb.Name = p.party(c, p.demographics(&sb.BirthDate, &sb.Sex))
		case "2010BB":
			sb.Payer = p.party(c, nil)
		case "2300":
			sb.Claims = append(sb.Claims, p.claim(c))
		case "2000C":
			sb.Patients = append(sb.Patients, p.patient(c))
		default:
			sb.OtherLoops = append(sb.OtherLoops, p.loop(c))
		}
		if p.Err != nil {
			break
		}
	}
	return sb
}

func (p *parser) patient(l *validate.Loop) Patient {
	var pt Patient
	seen := false
	for _, s := range p.ordered(l) {
		switch {
		case s.ID == "HL":
		case s.ID == "PAT" && !seen:
			pt.Info = *p.patientInfo(s)
			seen = true
		default:
			pt.Other = append(pt.Other, p.other(s))
		}
	}
	for _, c := range l.Loops {
		switch c.ID {
		case "2010CA":
			pt.Name = p.party(c, p.demographics(&pt.BirthDate, &pt.Sex))
		case "2300":
			pt.Claims = append(pt.Claims, p.claim(c))
		default:
			pt.OtherLoops = append(pt.OtherLoops, p.loop(c))
		}
		if p.Err != nil {
			break
		}
	}
	return pt
}

func (p *parser) dtp(s *x12.Segment) DatePeriod {
	d := DatePeriod{Qualifier: str(s, 1), Format: str(s, 2)}
	d.From, d.To = p.datePeriod(s, 3, 0, d.Format, s.Element(3))
	return d
}

func (p *parser) cas(s *x12.Segment) Adjustment {
	p.unused(s, 19, nil, nil)
	a := Adjustment{Group: str(s, 1)}
	for i := 2; i <= 17 && i <= s.Len(); i += 3 {
		if len(s.Element(i)) == 0 && len(s.Element(i+1)) == 0 && len(s.Element(i+2)) == 0 {
			continue
		}
		a.Reasons = append(a.Reasons, Reason{
			Code:     p.required(s, i, "adjustment reason code"),
			Amount:   p.ElemAmount(s, i+1, "adjustment amount"),
			Quantity: p.ElemOptQuantity(s, i+2),
		})
	}
	return a
}

func (p *parser) healthCodes(s *x12.Segment) CodeList {
	var l CodeList
	for i := 1; i <= s.Len(); i++ {
		if len(s.Element(i)) == 0 {
			continue
		}
		h := HealthCode{
			Qualifier: comp(s, i, 1), Code: comp(s, i, 2), DateFormat: comp(s, i, 3),
			Version: comp(s, i, 7), CodeTo: comp(s, i, 8), PresentOnAdmission: comp(s, i, 9),
		}
		if v := s.Component(i, 4); len(v) > 0 {
			h.From, h.To = p.datePeriod(s, i, 4, h.DateFormat, v)
		}
		if v := s.Component(i, 5); len(v) > 0 {
			a, err := x12.ParseAmount(string(v))
			if err != nil {
				p.FailErr(s, i, 5, err)
			}
			h.Amount = &a
		}
		if v := s.Component(i, 6); len(v) > 0 {
			q := p.QuantityBytes(s, i, 6, v)
			h.Quantity = &q
		}
		l = append(l, h)
	}
	return l
}

func (p *parser) claim(l *validate.Loop) Claim {
	var c Claim
	for _, s := range p.ordered(l) {
		switch s.ID {
		case "CLM":
			p.unused(s, 20, []int{3, 4, 13, 14, 15, 16, 17, 18, 19}, map[int]int{5: 3, 11: 5})
			c.PatientControlNumber = p.required(s, 1, "claim submitter's identifier")
			c.TotalCharge = p.ElemAmount(s, 2, "total claim charge amount")
			c.FacilityCode, c.FacilityQualifier, c.Frequency = comp(s, 5, 1), comp(s, 5, 2), comp(s, 5, 3)
			c.ProviderSignature, c.Assignment, c.BenefitsAssignment = str(s, 6), str(s, 7), str(s, 8)
			c.ReleaseOfInformation, c.PatientSignatureSource = str(s, 9), str(s, 10)
			for j := 1; j <= 3; j++ {
				if v := comp(s, 11, j); v != "" || j < s.Components(11) && j < 3 {
					c.RelatedCauses = append(c.RelatedCauses, v)
				}
			}
			c.AccidentState, c.AccidentCountry = comp(s, 11, 4), comp(s, 11, 5)
			c.SpecialProgram, c.DelayReason = str(s, 12), str(s, 20)
			continue
		case "DTP":
			c.Dates = append(c.Dates, p.dtp(s))
			continue
		case "CL1":
			if s.Len() <= 3 && c.Institutional == nil {
				c.Institutional = &InstitutionalCode{AdmissionType: str(s, 1), AdmissionSource: str(s, 2), PatientStatus: str(s, 3)}
				continue
			}
		case "AMT":
			if s.Len() == 2 {
				c.Amounts = append(c.Amounts, Amount{Qualifier: str(s, 1), Amount: p.ElemAmount(s, 2, "amount")})
				continue
			}
		case "REF":
			if s.Len() <= 2 {
				switch q := str(s, 1); {
				case q == "G1" && c.PriorAuthorization == "":
					c.PriorAuthorization = str(s, 2)
				case q == "F8" && c.PayerClaimControlNumber == "":
					c.PayerClaimControlNumber = str(s, 2)
				default:
					c.Refs = append(c.Refs, ref(s))
				}
				continue
			}
		case "NTE":
			if s.Len() <= 2 {
				c.Notes = append(c.Notes, Note{Code: str(s, 1), Text: str(s, 2)})
				continue
			}
		case "HI":
			c.HealthCodes = append(c.HealthCodes, p.healthCodes(s))
			continue
		}
		c.Other = append(c.Other, p.other(s))
	}
	for _, k := range l.Loops {
		switch {
		case len(k.ID) == 5 && k.ID[:4] == "2310":
			c.Providers = append(c.Providers, p.party(k, nil))
		case k.ID == "2320":
			c.OtherSubscribers = append(c.OtherSubscribers, p.otherSubscriber(k))
		case k.ID == "2400":
			c.Lines = append(c.Lines, p.line(k))
		default:
			c.OtherLoops = append(c.OtherLoops, p.loop(k))
		}
		if p.Err != nil {
			break
		}
	}
	return c
}

func (p *parser) otherSubscriber(l *validate.Loop) OtherSubscriber {
	var o OtherSubscriber
	oi := false
	for _, s := range p.ordered(l) {
		switch {
		case s.ID == "SBR":
			p.unused(s, 9, []int{6, 7, 8}, nil)
			o.PayerResponsibility, o.Relationship, o.GroupNumber, o.GroupName, o.InsuranceType, o.FilingIndicator =
				str(s, 1), str(s, 2), str(s, 3), str(s, 4), str(s, 5), str(s, 9)
		case s.ID == "CAS":
			o.Adjustments = append(o.Adjustments, p.cas(s))
		case s.ID == "AMT" && s.Len() == 2 && str(s, 1) == "D" && o.PayerPaid == nil:
			o.PayerPaid = p.ElemOptAmount(s, 2)
		case s.ID == "AMT" && s.Len() == 2 && str(s, 1) == "A8" && o.NonCovered == nil:
			o.NonCovered = p.ElemOptAmount(s, 2)
		case s.ID == "AMT" && s.Len() == 2 && str(s, 1) == "EAF" && o.RemainingLiability == nil:
			o.RemainingLiability = p.ElemOptAmount(s, 2)
		case s.ID == "OI" && !oi:
			p.unused(s, 6, []int{1, 2, 5}, nil)
			o.BenefitsAssignment, o.PatientSignatureSource, o.ReleaseOfInformation = str(s, 3), str(s, 4), str(s, 6)
			oi = true
		default:
			o.Other = append(o.Other, p.other(s))
		}
	}
	for _, k := range l.Loops {
		switch k.ID {
		case "2330A":
			o.Subscriber = p.party(k, nil)
		case "2330B":
			o.Payer = p.party(k, func(s *x12.Segment) bool {
				if s.ID == "DTP" && str(s, 1) == "573" && str(s, 2) == "D8" && s.Len() == 3 && o.PaidDate.IsZero() {
					o.PaidDate = p.ElemDate(s, 3)
					return true
				}
				return false
			})
		default:
			if len(k.ID) == 5 && k.ID[:4] == "2330" {
				o.Providers = append(o.Providers, p.party(k, nil))
			} else {
				o.OtherLoops = append(o.OtherLoops, p.loop(k))
			}
		}
	}
	return o
}

func (p *parser) procedure(s *x12.Segment, i int) Procedure {
	pr := Procedure{Qualifier: comp(s, i, 1), Code: comp(s, i, 2), Description: comp(s, i, 7)}
	n := 0
	for j := 3; j <= 6; j++ {
		if len(s.Component(i, j)) > 0 {
			n = j - 2
		}
	}
	if n > 0 {
		pr.Modifiers = make([]string, n)
		for j := range n {
			pr.Modifiers[j] = comp(s, i, j+3)
		}
	}
	return pr
}

// unused records an error if s has elements the model cannot hold: more
// than max, any of those listed in notUsed (elements the 5010 guides do
// not use), or composite i with more than comps[i] components.
func (p *parser) unused(s *x12.Segment, max int, notUsed []int, comps map[int]int) {
	for i := max + 1; i <= s.Len(); i++ {
		if len(s.Element(i)) > 0 {
			notUsed = append(notUsed, i)
		}
	}
	for _, i := range notUsed {
		if len(s.Element(i)) > 0 {
			p.Fail(s, i, 0, fmt.Sprintf("%s%02d is not used in 5010 and cannot be kept", s.ID, i))
			return
		}
	}
	for i, n := range comps {
		if s.Components(i) > n {
			p.Fail(s, i, n+1, fmt.Sprintf("%s%02d has more than %d components", s.ID, i, n))
			return
		}
	}
}

// fits reports whether the typed model holds every element of s: it has
// at most max elements and those listed in unused are empty, and
// composite i has at most comps[i] components.
func fits(s *x12.Segment, max int, unused []int, comps map[int]int) bool {
	if s.Len() > max {
		return false
	}
	for _, i := range unused {
		if len(s.Element(i)) > 0 {
			return false
		}
	}
	for i, n := range comps {
		if s.Components(i) > n {
			return false
		}
	}
	return true
}

func (p *parser) line(l *validate.Loop) Line {
	var ln Line
	service := false
	for _, s := range p.ordered(l) {
		switch s.ID {
		case "LX":
			ln.Number = p.ElemNumber(s, 1)
			continue
		case "SV1":
			if !service {
				if p.inst {
					p.Fail(s, 0, 0, "SV1 (professional service) in an 837I")
				}
				p.unused(s, 15, []int{6, 8, 10, 13, 14}, map[int]int{1: 7, 7: 4})
				if len(s.Element(1)) == 0 {
					p.Fail(s, 1, 0, "composite medical procedure identifier (SV101) is required")
				}
				ln.Procedure = p.procedure(s, 1)
				ln.Charge = p.ElemAmount(s, 2, "line item charge amount")
				ln.UnitBasis = str(s, 3)
				ln.Units = p.ElemQuantity(s, 4)
				ln.PlaceOfService = str(s, 5)
				for j := 1; j <= s.Components(7); j++ {
					v := s.Component(7, j)
					n := 0
					for k, ch := range v {
						if ch < '0' || ch > '9' || k > 1 {
							p.Fail(s, 7, j, fmt.Sprintf("diagnosis code pointer %q: want 1 to 12", v))
							break
						}
						n = n*10 + int(ch-'0')
					}
					if len(v) == 0 || n < 1 {
						p.Fail(s, 7, j, fmt.Sprintf("diagnosis code pointer %q: want 1 to 12", v))
					}
					ln.DiagnosisPointers = append(ln.DiagnosisPointers, n)
				}
				ln.Emergency, ln.EPSDT, ln.FamilyPlanning, ln.CopayExempt = str(s, 9), str(s, 11), str(s, 12), str(s, 15)
				service = true
				continue
			}
		case "SV2":
			if !service {
				if !p.inst {
					p.Fail(s, 0, 0, "SV2 (institutional service) in an 837P")
				}
				p.unused(s, 7, nil, map[int]int{2: 7})
				ln.RevenueCode = str(s, 1)
				if len(s.Element(2)) > 0 {
					ln.Procedure = p.procedure(s, 2)
				}
				ln.Charge = p.ElemAmount(s, 3, "line item charge amount")
				ln.UnitBasis = str(s, 4)
				ln.Units = p.ElemQuantity(s, 5)
				ln.UnitRate = p.ElemOptAmount(s, 6)
				ln.NonCovered = p.ElemOptAmount(s, 7)
				service = true
				continue
			}
		case "DTP":
			ln.Dates = append(ln.Dates, p.dtp(s))
			continue
		case "REF":
			if s.Len() <= 2 {
				if str(s, 1) == "6R" && ln.LineItemControlNumber == "" {
					ln.LineItemControlNumber = str(s, 2)
				} else {
					ln.Refs = append(ln.Refs, ref(s))
				}
				continue
			}
		case "AMT":
			if s.Len() == 2 {
				ln.Amounts = append(ln.Amounts, Amount{Qualifier: str(s, 1), Amount: p.ElemAmount(s, 2, "amount")})
				continue
			}
		case "NTE":
			if s.Len() <= 2 {
				ln.Notes = append(ln.Notes, Note{Code: str(s, 1), Text: str(s, 2)})
				continue
			}
		}
		ln.Other = append(ln.Other, p.other(s))
	}
	if !service && len(l.Segments) > 0 {
		want := "SV1 (professional service)"
		if p.inst {
			want = "SV2 (institutional service line)"
		}
		p.Fail(l.Segments[0], 0, 0, want+" is missing")
	}
	for _, k := range l.Loops {
		switch {
		case k.ID == "2410" && ln.Drug == nil && p.drugFits(k):
			ln.Drug = p.drug(k)
		case len(k.ID) == 5 && k.ID[:4] == "2420":
			ln.Providers = append(ln.Providers, p.party(k, nil))
		case k.ID == "2430":
			ln.Adjudications = append(ln.Adjudications, p.adjudication(k))
		default:
			ln.OtherLoops = append(ln.OtherLoops, p.loop(k))
		}
	}
	return ln
}

// drugFits reports whether loop 2410 is LIN, CTP and an optional REF the
// model can hold.
func (p *parser) drugFits(l *validate.Loop) bool {
	if len(l.Loops) > 0 || len(l.Segments) < 2 || len(l.Segments) > 3 {
		return false
	}
	lin, ctp := l.Segments[0], l.Segments[1]
	if lin.ID != "LIN" || !fits(lin, 3, []int{1}, nil) || ctp.ID != "CTP" || !fits(ctp, 5, []int{1, 2, 3}, map[int]int{5: 1}) {
		return false
	}
	return len(l.Segments) == 2 || l.Segments[2].ID == "REF" && l.Segments[2].Len() <= 2
}

func (p *parser) drug(l *validate.Loop) *Drug {
	lin, ctp := l.Segments[0], l.Segments[1]
	d := &Drug{Qualifier: str(lin, 2), Code: str(lin, 3), Quantity: p.ElemQuantity(ctp, 4), Unit: comp(ctp, 5, 1)}
	if len(l.Segments) == 3 {
		r := ref(l.Segments[2])
		d.Ref = &r
	}
	return d
}

func (p *parser) adjudication(l *validate.Loop) LineAdjudication {
	var a LineAdjudication
	for _, s := range p.ordered(l) {
		switch {
		case s.ID == "SVD" && a.PayerID == "":
			p.unused(s, 6, nil, map[int]int{3: 7})
			a.PayerID = p.required(s, 1, "other payer primary identifier")
			a.Paid = p.ElemAmount(s, 2, "service line paid amount")
			if len(s.Element(3)) > 0 {
				a.Procedure = p.procedure(s, 3)
			}
			a.RevenueCode = str(s, 4)
			a.Units = p.ElemQuantity(s, 5)
			a.BundledLine = str(s, 6)
		case s.ID == "CAS":
			a.Adjustments = append(a.Adjustments, p.cas(s))
		case s.ID == "DTP" && str(s, 1) == "573" && str(s, 2) == "D8" && s.Len() == 3 && a.PaidDate.IsZero():
			a.PaidDate = p.ElemDate(s, 3)
		case s.ID == "AMT" && str(s, 1) == "EAF" && s.Len() == 2 && a.RemainingLiability == nil:
			a.RemainingLiability = p.ElemOptAmount(s, 2)
		default:
			a.Other = append(a.Other, p.other(s))
		}
	}
	return a
}

// ReadFile reads every transaction set in r, validates each
// (validate.Transaction) to get its loop tree, and parses it. Validation
// findings do not stop it: a claim that breaks a TR3 rule still reads, if
// its values parse; validate.Stream reports the findings. A transaction
// set other than an 837 is an error.
func ReadFile(r io.Reader) ([]*Transaction, error) {
	return txn.ReadSets(r, "claim", "837", func(ts *x12.TransactionSet, tree *validate.Loop) (*Transaction, error) {
		t, err := Parse(tree)
		if err != nil {
			return nil, err
		}
		t.Envelope = EnvelopeOf(ts)
		if t.Version == "" {
			t.Version = ts.Version
		}
		return t, nil
	})
}
