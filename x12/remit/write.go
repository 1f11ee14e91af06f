package remit

import (
	"fmt"
	"io"
	"slices"

	"github.com/claimgate/claimgate/x12"
)

// Write writes rs as X12: an ISA interchange with a GS group around each
// run of remittances that share their envelope's interchange and group
// control numbers, and an ST..SE transaction set for each, with the
// delimiters of the first remittance's envelope (or x12.DefaultDelimiters).
// The envelope headers must be complete enough for x12.Writer's
// BeginInterchange and BeginGroup; GS01 defaults to HP, GS08 to Version and
// an empty ST02 to the set's sequence number in its group (0001, 0002...).
func Write(w io.Writer, rs ...*Remittance) error {
	if len(rs) == 0 {
		return fmt.Errorf("remit: nothing to write")
	}
	d := writeDelimiters(rs[0].Envelope.Interchange.Delims)
	xw := x12.NewWriter(w, d)
	for i := 0; i < len(rs); {
		isa := rs[i].Envelope.Interchange
		if err := xw.BeginInterchange(isa); err != nil {
			return fmt.Errorf("remit: %w", err)
		}
		for i < len(rs) && rs[i].Envelope.Interchange.ControlNumber == isa.ControlNumber {
			gs := rs[i].Envelope.Group
			if gs.FunctionalID == "" {
				gs.FunctionalID = "HP"
			}
			if gs.Version == "" {
				gs.Version = Version
			}
			if err := xw.BeginGroup(gs); err != nil {
				return fmt.Errorf("remit: %w", err)
			}
			n := 0
			seen := make(map[string]bool)
			for i < len(rs) && rs[i].Envelope.Interchange.ControlNumber == isa.ControlNumber &&
				rs[i].Envelope.Group.ControlNumber == gs.ControlNumber && !seen[rs[i].Envelope.Control] {
				n++
				if c := rs[i].Envelope.Control; c != "" {
					seen[c] = true
				}
				control := rs[i].Envelope.Control
				if control == "" {
					control = fmt.Sprintf("%04d", n)
				}
				if err := writeSet(xw, rs[i], control); err != nil {
					return err
				}
				i++
			}
			if err := xw.EndGroup(); err != nil {
				return fmt.Errorf("remit: %w", err)
			}
			if i < len(rs) && seen[rs[i].Envelope.Control] {
				break // the same control numbers again: a new interchange, as read
			}
		}
		if err := xw.EndInterchange(); err != nil {
			return fmt.Errorf("remit: %w", err)
		}
	}
	if err := xw.Flush(); err != nil {
		return fmt.Errorf("remit: %w", err)
	}
	return nil
}

// WriteSet writes r as one transaction set, ST through SE, into the open
// functional group of xw, with ST02 control. The caller opens and closes
// the interchange and group, and flushes.
func WriteSet(xw *x12.Writer, r *Remittance, control string) error {
	return writeSet(xw, r, control)
}

func writeSet(xw *x12.Writer, r *Remittance, control string) error {
	if err := xw.BeginSet("835", control, Version); err != nil {
		return fmt.Errorf("remit: %w", err)
	}
	o := &out{w: xw}
	o.remittance(r)
	if o.err != nil {
		return fmt.Errorf("remit: %w", o.err)
	}
	if err := xw.EndSet(); err != nil {
		return fmt.Errorf("remit: %w", err)
	}
	return nil
}

func (o *out) remittance(r *Remittance) {
	p := r.Payment
	if p.HandlingCode == "" {
		o.fail("BPR01 (transaction handling code) is empty")
	}
	o.seg("BPR", p.HandlingCode, amt(p.Amount), p.CreditDebit, p.Method, p.Format,
		p.Sender.DFIQualifier, p.Sender.DFIID, p.Sender.AccountQualifier, p.Sender.AccountNumber,
		p.OriginatorID, p.OriginatorSupplemental,
		p.Receiver.DFIQualifier, p.Receiver.DFIID, p.Receiver.AccountQualifier, p.Receiver.AccountNumber,
		date(p.Date))
	t := r.Trace
	o.seg("TRN", t.Type, t.Number, t.OriginatorID, t.Supplemental)
	if r.Currency != "" {
		o.seg("CUR", "PR", r.Currency)
	}
	if r.ReceiverID != "" {
		o.seg("REF", "EV", r.ReceiverID)
	}
	if r.VersionID != "" {
		o.seg("REF", "F2", r.VersionID)
	}
	if !r.ProductionDate.IsZero() {
		o.seg("DTM", "405", date(r.ProductionDate))
	}

	o.seg("N1", "PR", r.Payer.Name, r.Payer.IDQualifier, r.Payer.ID)
	o.address(r.Payer.Address)
	o.refs(r.Payer.Refs)
	contacts := slices.Clone(r.Payer.Contacts)
	slices.SortStableFunc(contacts, func(a, b Contact) int { return perRank(a.Function) - perRank(b.Function) })
	for _, c := range contacts {
		o.contact(c)
	}

	o.seg("N1", "PE", r.Payee.Name, r.Payee.IDQualifier, r.Payee.ID)
	o.address(r.Payee.Address)
	o.refs(r.Payee.Refs)
	if d := r.Payee.Delivery; d != nil {
		o.seg("RDM", d.Method, d.Name, d.Communication)
	}

	for i := range r.Headers {
		o.header(&r.Headers[i])
	}
	for _, a := range r.ProviderAdjustments {
		el := [][]string{c(a.ProviderID), c(date(a.FiscalPeriodEnd))}
		for _, it := range a.Items {
			el = append(el, c(it.Reason, it.Reference), c(amt(it.Amount)))
		}
		if len(a.Items) > 6 {
			o.fail("PLB has %d adjustments; at most 6 fit in one segment", len(a.Items))
		}
		o.comp("PLB", el...)
	}
}

func (o *out) fail(format string, args ...any) {
	if o.err == nil {
		o.err = fmt.Errorf(format, args...)
	}
}

// perRank orders the payer's PER segments as the TR3 does: CX, BL, IC.
func perRank(f string) int {
	switch f {
	case "CX":
		return 0
	case "BL":
		return 1
	}
	return 2
}

func (o *out) address(a Address) {
	if a.Line1 != "" || a.Line2 != "" {
		o.seg("N3", a.Line1, a.Line2)
	}
	if a.City != "" || a.State != "" || a.PostalCode != "" || a.Country != "" || a.Subdivision != "" {
		o.seg("N4", a.City, a.State, a.PostalCode, a.Country, "", "", a.Subdivision)
	}
}

func (o *out) refs(rs []Ref) {
	for _, r := range rs {
		o.seg("REF", r.Qualifier, r.Value)
	}
}

func (o *out) contact(c Contact) {
	el := []string{c.Function, c.Name}
	for _, n := range c.Numbers {
		el = append(el, n.Qualifier, n.Number)
	}
	o.seg("PER", el...)
}

func (o *out) header(h *Header) {
	o.seg("LX", num(h.Number))
	if s := h.Summary; s != nil {
		el := []string{s.ProviderID, s.FacilityCode, date(s.FiscalPeriodEnd), qty(s.ClaimCount), amt(s.TotalCharge),
			"", "", "", "", "", "", "", optAmt(s.MSPPayer), "", optAmt(s.NonLabCharge), "",
			optAmt(s.HCPCSReportedCharge), optAmt(s.HCPCSPayable), "", optAmt(s.ProfessionalComponent),
			optAmt(s.MSPPatientLiabilityMet), optAmt(s.PatientReimbursement), optQty(s.PIPClaimCount),
			optAmt(s.PIPAdjustment)}
		for _, i := range ts3Legacy {
			if v, ok := s.Legacy[i]; ok {
				el[i-1] = amt(v)
			}
		}
		o.seg("TS3", el...)
	}
	if s := h.Supplemental; s != nil {
		o.seg("TS2", optAmt(s.DRGAmount), optAmt(s.FederalSpecific), optAmt(s.HospitalSpecific),
			optAmt(s.DisproportionateShare), optAmt(s.Capital), optAmt(s.IndirectMedicalEd),
			optQty(s.OutlierDays), optAmt(s.DayOutlier), optAmt(s.CostOutlier),
			optQty(s.AverageDRGLengthOfStay), optQty(s.Discharges), optQty(s.CostReportDays),
			optQty(s.CoveredDays), optQty(s.NoncoveredDays), optAmt(s.MSPPassThrough),
			optQty(s.AverageDRGWeight), optAmt(s.CapitalFSP), optAmt(s.CapitalHSP), optAmt(s.CapitalDSH))
	}
	for i := range h.Claims {
		o.claim(&h.Claims[i])
	}
}

func (o *out) cas(adj []Adjustment) {
	for _, a := range adj {
		// A CAS holds six reasons; more continue in another CAS of the same group.
		for start := 0; start == 0 || start < len(a.Reasons); start += 6 {
			el := []string{a.Group}
			for _, r := range a.Reasons[start:min(start+6, len(a.Reasons))] {
				if r.Code == "" {
					o.fail("CAS %s: a reason without a code", a.Group)
				}
				el = append(el, r.Code, amt(r.Amount), optQty(r.Quantity))
			}
			o.seg("CAS", el...)
		}
	}
}

func (o *out) entity(code string, e *Entity) {
	if e == nil {
		return
	}
	o.seg("NM1", code, e.Type, e.Last, e.First, e.Middle, "", e.Suffix, e.IDQualifier, e.ID)
}

// claimRefRank orders a 2100 REF: other claim related identification
// first, then rendering provider identification.
func claimRefRank(q string) int {
	switch q {
	case "0B", "1A", "1B", "1C", "1D", "1G", "1H", "1J", "D3", "G2", "LU":
		return 1
	}
	return 0
}

// serviceRefRank orders a 2110 REF as the TR3 does: service identification,
// line item control number (6R), rendering provider, health care policy.
func serviceRefRank(q string) int {
	switch q {
	case "6R":
		return 1
	case "0B", "1A", "1B", "1C", "1D", "1G", "1H", "1J", "D3", "G2", "HPI", "SY", "TJ":
		return 2
	case "0K":
		return 3
	}
	return 0
}

func sortedRefs(rs []Ref, rank func(string) int) []Ref {
	sorted := true
	for i := 1; i < len(rs); i++ {
		if rank(rs[i].Qualifier) < rank(rs[i-1].Qualifier) {
			sorted = false
			break
		}
	}
	if sorted {
		return rs
	}
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b Ref) int { return rank(a.Qualifier) - rank(b.Qualifier) })
	return rs
}

func (o *out) claim(c *Claim) {
	if c.ID == "" || c.Status == "" {
		o.fail("claim %q: CLP01 (patient control number) and CLP02 (status) are required", c.ID)
	}
	o.seg("CLP", c.ID, c.Status, amt(c.Charge), amt(c.Paid), optAmt(c.PatientResponsibility),
		c.FilingIndicator, c.PayerControlNumber, c.FacilityCode, c.Frequency, "", c.DRG,
		optQty(c.DRGWeight), optQty(c.DischargeFraction))
	o.cas(c.Adjustments)
	o.entity("QC", c.Patient)
	o.entity("IL", c.Insured)
	o.entity("74", c.Corrected)
	o.entity("82", c.ServiceProvider)
	o.entity("TT", c.CrossoverCarrier)
	o.entity("PR", c.PriorityPayer)
	o.entity("GB", c.OtherSubscriber)
	if m := c.Inpatient; m != nil {
		o.seg("MIA", qty(m.CoveredDays), optAmt(m.PPSOperatingOutlier), optQty(m.LifetimePsychiatricDays),
			optAmt(m.DRGAmount), m.RemarkCode, optAmt(m.DisproportionateShare), optAmt(m.MSPPassThrough),
			optAmt(m.PPSCapital), optAmt(m.PPSCapitalFSP), optAmt(m.PPSCapitalHSP), optAmt(m.PPSCapitalDSH),
			optAmt(m.OldCapital), optAmt(m.PPSCapitalIME), optAmt(m.PPSOperatingHSP), optQty(m.CostReportDays),
			optAmt(m.PPSOperatingFSP), optAmt(m.PPSCapitalOutlier), optAmt(m.IndirectTeaching),
			optAmt(m.NonpayableProfessional), m.RemarkCodes[0], m.RemarkCodes[1], m.RemarkCodes[2],
			m.RemarkCodes[3], optAmt(m.PPSCapitalException))
	}
	if m := c.Outpatient; m != nil {
		o.seg("MOA", optQty(m.ReimbursementRate), optAmt(m.HCPCSPayable), m.RemarkCodes[0], m.RemarkCodes[1],
			m.RemarkCodes[2], m.RemarkCodes[3], m.RemarkCodes[4], optAmt(m.ESRDPayment),
			optAmt(m.NonpayableProfessional))
	}
	o.refs(sortedRefs(c.Refs, claimRefRank))
	if !c.StatementFrom.IsZero() {
		o.seg("DTM", "232", date(c.StatementFrom))
	}
	if !c.StatementTo.IsZero() {
		o.seg("DTM", "233", date(c.StatementTo))
	}
	if !c.CoverageExpiration.IsZero() {
		o.seg("DTM", "036", date(c.CoverageExpiration))
	}
	if !c.Received.IsZero() {
		o.seg("DTM", "050", date(c.Received))
	}
	for _, p := range c.Contacts {
		o.contact(p)
	}
	for _, a := range c.Amounts {
		o.seg("AMT", a.Qualifier, amt(a.Amount))
	}
	for _, q := range c.Quantities {
		o.seg("QTY", q.Qualifier, qty(q.Quantity))
	}
	for i := range c.Services {
		o.service(&c.Services[i])
	}
}

func procedure(p *Procedure) []string {
	el := make([]string, 0, 7)
	el = append(el, p.Qualifier, p.Code)
	for i := range 4 {
		m := ""
		if i < len(p.Modifiers) {
			m = p.Modifiers[i]
		}
		el = append(el, m)
	}
	return append(el, p.Description)
}

func (o *out) service(s *Service) {
	if s.Procedure.Qualifier == "" && s.Procedure.Code == "" {
		o.fail("SVC01 (procedure) is empty")
	}
	if len(s.Procedure.Modifiers) > 4 {
		o.fail("SVC01 has %d modifiers; at most 4 fit", len(s.Procedure.Modifiers))
	}
	var orig []string
	if s.OriginalProcedure != nil {
		orig = procedure(s.OriginalProcedure)
	}
	o.comp("SVC", procedure(&s.Procedure), c(amt(s.Charge)), c(amt(s.Paid)), c(s.RevenueCode),
		c(optQty(s.Units)), orig, c(optQty(s.OriginalUnits)))
	if !s.Date.IsZero() {
		o.seg("DTM", "472", date(s.Date))
	}
	if !s.From.IsZero() {
		o.seg("DTM", "150", date(s.From))
	}
	if !s.To.IsZero() {
		o.seg("DTM", "151", date(s.To))
	}
	o.cas(s.Adjustments)
	refs := s.Refs
	if s.LineItemControlNumber != "" {
		refs = append(slices.Clone(refs), Ref{Qualifier: "6R", Value: s.LineItemControlNumber})
	}
	o.refs(sortedRefs(refs, serviceRefRank))
	if s.Allowed != nil {
		o.seg("AMT", "B6", amt(*s.Allowed))
	}
	for _, a := range s.Amounts {
		o.seg("AMT", a.Qualifier, amt(a.Amount))
	}
	for _, q := range s.Quantities {
		o.seg("QTY", q.Qualifier, qty(q.Quantity))
	}
	for _, r := range s.Remarks {
		o.seg("LQ", r.Qualifier, r.Code)
	}
}

// writeDelimiters returns the delimiters to write with: d when it is
// usable, else the defaults. An interchange read without a repetition
// separator (ISA11 "U", as in 4010) gets "^", which 5010 requires,
// unless "^" is one of its delimiters.
func writeDelimiters(d x12.Delimiters) x12.Delimiters {
	if d.Valid() != nil {
		return x12.DefaultDelimiters
	}
	if d.Repetition == 0 {
		for _, c := range []byte("^|!") {
			if !d.IsDelimiter(c) {
				d.Repetition = c
				break
			}
		}
	}
	return d
}
