package remit

import (
	"fmt"
	"io"
	"slices"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
	"github.com/claimgate/claimgate/x12/validate"
)

// Parse reads a Remittance from the loop tree of one validated 835
// transaction set (its root, the ST loop). It does not fill Envelope,
// which the tree does not hold: ReadFile does. Values that do not parse,
// such as an amount with fractions of a cent or a date that does not
// exist, and missing required identifiers and amounts are errors: a
// *x12.ParseError that names the segment and element.
func Parse(tree *validate.Loop) (*Remittance, error) {
	if tree == nil {
		return nil, fmt.Errorf("remit: no transaction set")
	}
	p := &parser{}
	r := &Remittance{}
	for _, s := range tree.Segments {
		p.check(s)
		switch s.ID {
		case "ST":
			if v := p.str(s, 1); v != "835" {
				p.Fail(s, 1, 0, fmt.Sprintf("transaction set %q is not an 835", v))
			}
		case "BPR":
			r.Payment = p.payment(s)
		case "TRN":
			r.Trace = Trace{Type: p.str(s, 1), Number: p.str(s, 2), OriginatorID: p.str(s, 3), Supplemental: p.str(s, 4)}
		case "CUR":
			r.Currency = p.str(s, 2)
		case "REF":
			switch p.str(s, 1) {
			case "EV":
				r.ReceiverID = p.str(s, 2)
			case "F2":
				r.VersionID = p.str(s, 2)
			default:
				p.unexpected(s, tree)
			}
		case "DTM":
			if p.str(s, 1) != "405" {
				p.unexpected(s, tree)
			}
			r.ProductionDate = p.ElemDate(s, 2)
		case "PLB":
			r.ProviderAdjustments = append(r.ProviderAdjustments, p.plb(s))
		case "SE":
		default:
			p.unexpected(s, tree)
		}
	}
	if tree.Segment("BPR") == nil && len(tree.Segments) > 0 {
		p.Fail(tree.Segments[0], 0, 0, "BPR (financial information) is missing")
	}
	n := 0
	for _, l := range tree.Loops {
		if l.ID == "2000" {
			n++
		}
	}
	r.Headers = make([]Header, 0, n)
	for _, l := range tree.Loops {
		switch l.ID {
		case "1000A":
			r.Payer = p.payer(l)
		case "1000B":
			r.Payee = p.payee(l)
		case "2000":
			r.Headers = append(r.Headers, p.header(l))
		default:
			p.unexpectedLoop(l)
		}
		if p.Err != nil {
			break
		}
	}
	if p.Err != nil {
		return nil, fmt.Errorf("remit: %w", p.Err)
	}
	return r, nil
}

func (p *parser) payment(s *x12.Segment) Payment {
	return Payment{
		HandlingCode: p.required(s, 1, "transaction handling code"),
		Amount:       p.ElemAmount(s, 2, "total actual provider payment amount"),
		CreditDebit:  p.str(s, 3),
		Method:       p.str(s, 4),
		Format:       p.str(s, 5),
		Sender: BankAccount{
			DFIQualifier: p.str(s, 6), DFIID: p.str(s, 7),
			AccountQualifier: p.str(s, 8), AccountNumber: p.str(s, 9),
		},
		OriginatorID:           p.str(s, 10),
		OriginatorSupplemental: p.str(s, 11),
		Receiver: BankAccount{
			DFIQualifier: p.str(s, 12), DFIID: p.str(s, 13),
			AccountQualifier: p.str(s, 14), AccountNumber: p.str(s, 15),
		},
		Date: p.ElemDate(s, 16),
	}
}

func (p *parser) plb(s *x12.Segment) ProviderAdjustment {
	a := ProviderAdjustment{ProviderID: p.str(s, 1), FiscalPeriodEnd: p.ElemDate(s, 2)}
	for i := 3; i+1 <= s.Len() && i <= 13; i += 2 {
		if len(s.Element(i)) == 0 && len(s.Element(i+1)) == 0 {
			continue
		}
		a.Items = append(a.Items, ProviderAdjustmentItem{
			Reason:    p.comp(s, i, 1),
			Reference: p.comp(s, i, 2),
			Amount:    p.ElemAmount(s, i+1, "provider adjustment amount"),
		})
	}
	return a
}

func (p *parser) address(l *validate.Loop) Address {
	var a Address
	if s := l.Segment("N3"); s != nil {
		a.Line1, a.Line2 = p.str(s, 1), p.str(s, 2)
	}
	if s := l.Segment("N4"); s != nil {
		a.City, a.State, a.PostalCode, a.Country, a.Subdivision = p.str(s, 1), p.str(s, 2), p.str(s, 3), p.str(s, 4), p.str(s, 7)
	}
	return a
}

func (p *parser) contact(s *x12.Segment) Contact {
	c := Contact{Function: p.str(s, 1), Name: p.str(s, 2)}
	for i := 3; i <= 7; i += 2 {
		if q, n := p.str(s, i), p.str(s, i+1); q != "" || n != "" {
			c.Numbers = append(c.Numbers, Communication{Qualifier: q, Number: n})
		}
	}
	return c
}

func (p *parser) ref(s *x12.Segment) Ref { return Ref{Qualifier: p.str(s, 1), Value: p.str(s, 2)} }

func (p *parser) payer(l *validate.Loop) Payer {
	var py Payer
	for _, s := range l.Segments {
		p.check(s)
		switch s.ID {
		case "N1":
			py.Name, py.IDQualifier, py.ID = p.str(s, 2), p.str(s, 3), p.str(s, 4)
		case "REF":
			py.Refs = append(py.Refs, p.ref(s))
		case "PER":
			py.Contacts = append(py.Contacts, p.contact(s))
		case "N3", "N4":
		default:
			p.unexpected(s, l)
		}
	}
	py.Address = p.address(l)
	slices.SortStableFunc(py.Contacts, func(a, b Contact) int { return perRank(a.Function) - perRank(b.Function) })
	return py
}

func (p *parser) payee(l *validate.Loop) Payee {
	var pe Payee
	for _, s := range l.Segments {
		p.check(s)
		switch s.ID {
		case "N1":
			pe.Name, pe.IDQualifier, pe.ID = p.str(s, 2), p.str(s, 3), p.str(s, 4)
		case "REF":
			pe.Refs = append(pe.Refs, p.ref(s))
		case "RDM":
			pe.Delivery = &Delivery{Method: p.str(s, 1), Name: p.str(s, 2), Communication: p.str(s, 3)}
		case "N3", "N4":
		default:
			p.unexpected(s, l)
		}
	}
	pe.Address = p.address(l)
	return pe
}

func (p *parser) header(l *validate.Loop) Header {
	var h Header
	for _, s := range l.Segments {
		p.check(s)
		switch s.ID {
		case "LX":
			h.Number = p.ElemNumber(s, 1)
		case "TS3":
			h.Summary = &ProviderSummary{
				ProviderID:             p.str(s, 1),
				FacilityCode:           p.str(s, 2),
				FiscalPeriodEnd:        p.ElemDate(s, 3),
				ClaimCount:             p.ElemQuantity(s, 4),
				TotalCharge:            p.ElemAmount(s, 5, "total claim charge amount"),
				MSPPayer:               p.ElemOptAmount(s, 13),
				NonLabCharge:           p.ElemOptAmount(s, 15),
				HCPCSReportedCharge:    p.ElemOptAmount(s, 17),
				HCPCSPayable:           p.ElemOptAmount(s, 18),
				ProfessionalComponent:  p.ElemOptAmount(s, 20),
				MSPPatientLiabilityMet: p.ElemOptAmount(s, 21),
				PatientReimbursement:   p.ElemOptAmount(s, 22),
				PIPClaimCount:          p.ElemOptQuantity(s, 23),
				PIPAdjustment:          p.ElemOptAmount(s, 24),
			}
			for _, i := range ts3Legacy {
				if v := p.ElemOptAmount(s, i); v != nil {
					if h.Summary.Legacy == nil {
						h.Summary.Legacy = make(map[int]int64)
					}
					h.Summary.Legacy[i] = *v
				}
			}
		case "TS2":
			h.Supplemental = &ProviderSupplemental{
				DRGAmount:              p.ElemOptAmount(s, 1),
				FederalSpecific:        p.ElemOptAmount(s, 2),
				HospitalSpecific:       p.ElemOptAmount(s, 3),
				DisproportionateShare:  p.ElemOptAmount(s, 4),
				Capital:                p.ElemOptAmount(s, 5),
				IndirectMedicalEd:      p.ElemOptAmount(s, 6),
				OutlierDays:            p.ElemOptQuantity(s, 7),
				DayOutlier:             p.ElemOptAmount(s, 8),
				CostOutlier:            p.ElemOptAmount(s, 9),
				AverageDRGLengthOfStay: p.ElemOptQuantity(s, 10),
				Discharges:             p.ElemOptQuantity(s, 11),
				CostReportDays:         p.ElemOptQuantity(s, 12),
				CoveredDays:            p.ElemOptQuantity(s, 13),
				NoncoveredDays:         p.ElemOptQuantity(s, 14),
				MSPPassThrough:         p.ElemOptAmount(s, 15),
				AverageDRGWeight:       p.ElemOptQuantity(s, 16),
				CapitalFSP:             p.ElemOptAmount(s, 17),
				CapitalHSP:             p.ElemOptAmount(s, 18),
				CapitalDSH:             p.ElemOptAmount(s, 19),
			}
		default:
			p.unexpected(s, l)
		}
	}
	h.Claims = make([]Claim, 0, len(l.Loops))
	for _, c := range l.Loops {
		if c.ID != "2100" {
			p.unexpectedLoop(c)
			continue
		}
		h.Claims = append(h.Claims, p.claim(c))
		if p.Err != nil {
			break
		}
	}
	if len(h.Claims) == 0 {
		h.Claims = nil
	}
	return h
}

// ts3Legacy are the TS3 positions 5010 does not use.
var ts3Legacy = []int{6, 7, 8, 9, 10, 11, 12, 14, 16, 19}

func (p *parser) cas(s *x12.Segment) Adjustment {
	a := Adjustment{Group: p.str(s, 1)}
	n := 0
	for i := 2; i <= 17 && i <= s.Len(); i += 3 {
		if len(s.Element(i)) > 0 || len(s.Element(i+1)) > 0 || len(s.Element(i+2)) > 0 {
			n++
		}
	}
	a.Reasons = make([]Reason, 0, n)
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

func (p *parser) entity(s *x12.Segment) *Entity {
	return &Entity{
		Type: p.str(s, 2), Last: p.str(s, 3), First: p.str(s, 4), Middle: p.str(s, 5),
		Suffix: p.str(s, 7), IDQualifier: p.str(s, 8), ID: p.str(s, 9),
	}
}

func (p *parser) claim(l *validate.Loop) Claim {
	var c Claim
	for _, s := range l.Segments {
		p.check(s)
		switch s.ID {
		case "CLP":
			c.ID = p.required(s, 1, "patient control number")
			c.Status = p.required(s, 2, "claim status code")
			c.Charge = p.ElemAmount(s, 3, "total claim charge amount")
			c.Paid = p.ElemAmount(s, 4, "claim payment amount")
			c.PatientResponsibility = p.ElemOptAmount(s, 5)
			c.FilingIndicator = p.str(s, 6)
			c.PayerControlNumber = p.str(s, 7)
			c.FacilityCode = p.str(s, 8)
			c.Frequency = p.str(s, 9)
			c.DRG = p.str(s, 11)
			c.DRGWeight = p.ElemOptQuantity(s, 12)
			c.DischargeFraction = p.ElemOptQuantity(s, 13)
		case "CAS":
			c.Adjustments = append(c.Adjustments, p.cas(s))
		case "NM1":
			e := p.entity(s)
			switch p.str(s, 1) {
			case "QC":
				c.Patient = e
			case "IL":
				c.Insured = e
			case "74":
				c.Corrected = e
			case "82":
				c.ServiceProvider = e
			case "TT":
				c.CrossoverCarrier = e
			case "PR":
				c.PriorityPayer = e
			case "GB":
				c.OtherSubscriber = e
			default:
				p.unexpected(s, l)
			}
		case "MIA":
			c.Inpatient = &Inpatient{
				CoveredDays:             p.ElemQuantity(s, 1),
				PPSOperatingOutlier:     p.ElemOptAmount(s, 2),
				LifetimePsychiatricDays: p.ElemOptQuantity(s, 3),
				DRGAmount:               p.ElemOptAmount(s, 4),
				RemarkCode:              p.str(s, 5),
				DisproportionateShare:   p.ElemOptAmount(s, 6),
				MSPPassThrough:          p.ElemOptAmount(s, 7),
				PPSCapital:              p.ElemOptAmount(s, 8),
				PPSCapitalFSP:           p.ElemOptAmount(s, 9),
				PPSCapitalHSP:           p.ElemOptAmount(s, 10),
				PPSCapitalDSH:           p.ElemOptAmount(s, 11),
				OldCapital:              p.ElemOptAmount(s, 12),
				PPSCapitalIME:           p.ElemOptAmount(s, 13),
				PPSOperatingHSP:         p.ElemOptAmount(s, 14),
				CostReportDays:          p.ElemOptQuantity(s, 15),
				PPSOperatingFSP:         p.ElemOptAmount(s, 16),
				PPSCapitalOutlier:       p.ElemOptAmount(s, 17),
				IndirectTeaching:        p.ElemOptAmount(s, 18),
				NonpayableProfessional:  p.ElemOptAmount(s, 19),
				RemarkCodes:             [4]string{p.str(s, 20), p.str(s, 21), p.str(s, 22), p.str(s, 23)},
				PPSCapitalException:     p.ElemOptAmount(s, 24),
			}
		case "MOA":
			c.Outpatient = &Outpatient{
				ReimbursementRate:      p.ElemOptQuantity(s, 1),
				HCPCSPayable:           p.ElemOptAmount(s, 2),
				RemarkCodes:            [5]string{p.str(s, 3), p.str(s, 4), p.str(s, 5), p.str(s, 6), p.str(s, 7)},
				ESRDPayment:            p.ElemOptAmount(s, 8),
				NonpayableProfessional: p.ElemOptAmount(s, 9),
			}
		case "REF":
			c.Refs = append(c.Refs, p.ref(s))
		case "DTM":
			switch p.str(s, 1) {
			case "232":
				c.StatementFrom = p.ElemDate(s, 2)
			case "233":
				c.StatementTo = p.ElemDate(s, 2)
			case "036":
				c.CoverageExpiration = p.ElemDate(s, 2)
			case "050":
				c.Received = p.ElemDate(s, 2)
			default:
				p.unexpected(s, l)
			}
		case "PER":
			c.Contacts = append(c.Contacts, p.contact(s))
		case "AMT":
			c.Amounts = append(c.Amounts, Amount{Qualifier: p.str(s, 1), Amount: p.ElemAmount(s, 2, "amount")})
		case "QTY":
			c.Quantities = append(c.Quantities, QuantityInfo{Qualifier: p.str(s, 1), Quantity: p.ElemQuantity(s, 2)})
		default:
			p.unexpected(s, l)
		}
	}
	// Write puts REFs in TR3 order; read them so, and the model is the same
	// whichever order a payer sent them in.
	c.Refs = sortedRefs(c.Refs, claimRefRank)
	if len(l.Loops) > 0 {
		c.Services = make([]Service, 0, len(l.Loops))
		for _, s := range l.Loops {
			if s.ID != "2110" {
				p.unexpectedLoop(s)
				continue
			}
			c.Services = append(c.Services, p.service(s))
			if p.Err != nil {
				break
			}
		}
		if len(c.Services) == 0 {
			c.Services = nil
		}
	}
	return c
}

func (p *parser) procedure(s *x12.Segment, i int) Procedure {
	pr := Procedure{Qualifier: p.comp(s, i, 1), Code: p.comp(s, i, 2), Description: p.comp(s, i, 7)}
	n := 0
	for j := 3; j <= 6; j++ {
		if len(s.Component(i, j)) > 0 {
			n = j - 2
		}
	}
	if n > 0 {
		pr.Modifiers = make([]string, n)
		for j := range n {
			pr.Modifiers[j] = p.comp(s, i, j+3)
		}
	}
	return pr
}

func (p *parser) service(l *validate.Loop) Service {
	var sv Service
	for _, s := range l.Segments {
		p.check(s)
		switch s.ID {
		case "SVC":
			if len(s.Element(1)) == 0 {
				p.Fail(s, 1, 0, "composite medical procedure identifier (SVC01) is required")
			}
			sv.Procedure = p.procedure(s, 1)
			sv.Charge = p.ElemAmount(s, 2, "line item charge amount")
			sv.Paid = p.ElemAmount(s, 3, "line item provider payment amount")
			sv.RevenueCode = p.str(s, 4)
			sv.Units = p.ElemOptQuantity(s, 5)
			if len(s.Element(6)) > 0 {
				o := p.procedure(s, 6)
				sv.OriginalProcedure = &o
			}
			sv.OriginalUnits = p.ElemOptQuantity(s, 7)
		case "DTM":
			switch p.str(s, 1) {
			case "472":
				sv.Date = p.ElemDate(s, 2)
			case "150":
				sv.From = p.ElemDate(s, 2)
			case "151":
				sv.To = p.ElemDate(s, 2)
			default:
				p.unexpected(s, l)
			}
		case "CAS":
			sv.Adjustments = append(sv.Adjustments, p.cas(s))
		case "REF":
			if p.str(s, 1) == "6R" {
				sv.LineItemControlNumber = p.str(s, 2)
			} else {
				sv.Refs = append(sv.Refs, p.ref(s))
			}
		case "AMT":
			a := p.ElemAmount(s, 2, "amount")
			if p.str(s, 1) == "B6" && sv.Allowed == nil {
				sv.Allowed = &a
			} else {
				sv.Amounts = append(sv.Amounts, Amount{Qualifier: p.str(s, 1), Amount: a})
			}
		case "QTY":
			sv.Quantities = append(sv.Quantities, QuantityInfo{Qualifier: p.str(s, 1), Quantity: p.ElemQuantity(s, 2)})
		case "LQ":
			sv.Remarks = append(sv.Remarks, Remark{Qualifier: p.str(s, 1), Code: p.str(s, 2)})
		default:
			p.unexpected(s, l)
		}
	}
	sv.Refs = sortedRefs(sv.Refs, serviceRefRank)
	return sv
}

// EnvelopeOf returns the envelope of ts as a Remittance keeps it: without
// positions and offsets, and with the delimiters Write will use (an
// interchange without a repetition separator gets one).
func EnvelopeOf(ts *x12.TransactionSet) Envelope { return Envelope(txn.ClaimEnvelopeOf(ts)) }

// ReadFile reads every transaction set in r, validates each
// (validate.Transaction) to get its loop tree, and parses it. Validation
// findings do not stop it: a remittance that breaks a TR3 rule still
// reads, if its values parse; validate.Stream reports the findings. A
// transaction set other than an 835 is an error.
func ReadFile(r io.Reader) ([]*Remittance, error) {
	return txn.ReadSets(r, "remit", "835", func(ts *x12.TransactionSet, tree *validate.Loop) (*Remittance, error) {
		rm, err := Parse(tree)
		if err != nil {
			return nil, err
		}
		rm.Envelope = EnvelopeOf(ts)
		return rm, nil
	})
}

// unexpected records an error for a segment the model has no place for
// in loop l: one the validator could not place, or a qualifier the TR3
// does not have there. Dropping it would lose what the payer said.
func (p *parser) unexpected(s *x12.Segment, l *validate.Loop) {
	q := ""
	if v := s.Element(1); len(v) > 0 && len(v) <= 3 {
		q = "*" + string(v)
	}
	p.Fail(s, 0, 0, fmt.Sprintf("%s%s does not belong in loop %s", s.ID, q, l.ID))
}

// unexpectedLoop records an error for a loop the model has no place for.
func (p *parser) unexpectedLoop(l *validate.Loop) {
	if len(l.Segments) > 0 {
		parent := "ST"
		if l.Parent != nil {
			parent = l.Parent.ID
		}
		p.Fail(l.Segments[0], 0, 0, fmt.Sprintf("loop %s does not belong in loop %s", l.ID, parent))
	}
}
