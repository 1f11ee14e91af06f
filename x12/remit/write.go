package remit

import (
	"fmt"
	"io"
	"slices"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
)

// Write writes rs as X12: an ISA interchange with a GS group around each
// run of remittances that share their envelope's interchange and group
// control numbers, and an ST..SE transaction set for each, with the
// delimiters of the first remittance's envelope (or x12.DefaultDelimiters).
// The envelope headers must be complete enough for x12.Writer's
// BeginInterchange and BeginGroup; GS01 defaults to HP, GS08 to Version and
// an empty ST02 to the set's sequence number in its group (0001, 0002...).
func Write(w io.Writer, rs ...*Remittance) error {
	return txn.WriteRuns(w, "remit", "HP", len(rs),
		func(i int) txn.Envelope { return txn.Envelope(rs[i].Envelope) },
		func(i int) string { return Version },
		func(xw *x12.Writer, i int, control string) error { return writeSet(xw, rs[i], control) })
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
	o.seg("BPR", p.HandlingCode, x12.FormatAmount(p.Amount), p.CreditDebit, p.Method, p.Format,
		p.Sender.DFIQualifier, p.Sender.DFIID, p.Sender.AccountQualifier, p.Sender.AccountNumber,
		p.OriginatorID, p.OriginatorSupplemental,
		p.Receiver.DFIQualifier, p.Receiver.DFIID, p.Receiver.AccountQualifier, p.Receiver.AccountNumber,
		txn.Day(p.Date))
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
		o.seg("DTM", "405", txn.Day(r.ProductionDate))
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
		el := [][]string{c(a.ProviderID), c(txn.Day(a.FiscalPeriodEnd))}
		for _, it := range a.Items {
			el = append(el, c(it.Reason, it.Reference), c(x12.FormatAmount(it.Amount)))
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
		el := []string{s.ProviderID, s.FacilityCode, txn.Day(s.FiscalPeriodEnd), Quantity.String(s.ClaimCount), x12.FormatAmount(s.TotalCharge),
			"", "", "", "", "", "", "", txn.FormatOptAmount(s.MSPPayer), "", txn.FormatOptAmount(s.NonLabCharge), "",
			txn.FormatOptAmount(s.HCPCSReportedCharge), txn.FormatOptAmount(s.HCPCSPayable), "", txn.FormatOptAmount(s.ProfessionalComponent),
			txn.FormatOptAmount(s.MSPPatientLiabilityMet), txn.FormatOptAmount(s.PatientReimbursement), txn.FormatOptQuantity(s.PIPClaimCount),
			txn.FormatOptAmount(s.PIPAdjustment)}
		for _, i := range ts3Legacy {
			if v, ok := s.Legacy[i]; ok {
				el[i-1] = x12.FormatAmount(v)
			}
		}
		o.seg("TS3", el...)
	}
	if s := h.Supplemental; s != nil {
		o.seg("TS2", txn.FormatOptAmount(s.DRGAmount), txn.FormatOptAmount(s.FederalSpecific), txn.FormatOptAmount(s.HospitalSpecific),
			txn.FormatOptAmount(s.DisproportionateShare), txn.FormatOptAmount(s.Capital), txn.FormatOptAmount(s.IndirectMedicalEd),
			txn.FormatOptQuantity(s.OutlierDays), txn.FormatOptAmount(s.DayOutlier), txn.FormatOptAmount(s.CostOutlier),
			txn.FormatOptQuantity(s.AverageDRGLengthOfStay), txn.FormatOptQuantity(s.Discharges), txn.FormatOptQuantity(s.CostReportDays),
			txn.FormatOptQuantity(s.CoveredDays), txn.FormatOptQuantity(s.NoncoveredDays), txn.FormatOptAmount(s.MSPPassThrough),
			txn.FormatOptQuantity(s.AverageDRGWeight), txn.FormatOptAmount(s.CapitalFSP), txn.FormatOptAmount(s.CapitalHSP), txn.FormatOptAmount(s.CapitalDSH))
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
				el = append(el, r.Code, x12.FormatAmount(r.Amount), txn.FormatOptQuantity(r.Quantity))
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
	o.seg("CLP", c.ID, c.Status, x12.FormatAmount(c.Charge), x12.FormatAmount(c.Paid), txn.FormatOptAmount(c.PatientResponsibility),
		c.FilingIndicator, c.PayerControlNumber, c.FacilityCode, c.Frequency, "", c.DRG,
		txn.FormatOptQuantity(c.DRGWeight), txn.FormatOptQuantity(c.DischargeFraction))
	o.cas(c.Adjustments)
	o.entity("QC", c.Patient)
	o.entity("IL", c.Insured)
	o.entity("74", c.Corrected)
	o.entity("82", c.ServiceProvider)
	o.entity("TT", c.CrossoverCarrier)
	o.entity("PR", c.PriorityPayer)
	o.entity("GB", c.OtherSubscriber)
	if m := c.Inpatient; m != nil {
		o.seg("MIA", Quantity.String(m.CoveredDays), txn.FormatOptAmount(m.PPSOperatingOutlier), txn.FormatOptQuantity(m.LifetimePsychiatricDays),
			txn.FormatOptAmount(m.DRGAmount), m.RemarkCode, txn.FormatOptAmount(m.DisproportionateShare), txn.FormatOptAmount(m.MSPPassThrough),
			txn.FormatOptAmount(m.PPSCapital), txn.FormatOptAmount(m.PPSCapitalFSP), txn.FormatOptAmount(m.PPSCapitalHSP), txn.FormatOptAmount(m.PPSCapitalDSH),
			txn.FormatOptAmount(m.OldCapital), txn.FormatOptAmount(m.PPSCapitalIME), txn.FormatOptAmount(m.PPSOperatingHSP), txn.FormatOptQuantity(m.CostReportDays),
			txn.FormatOptAmount(m.PPSOperatingFSP), txn.FormatOptAmount(m.PPSCapitalOutlier), txn.FormatOptAmount(m.IndirectTeaching),
			txn.FormatOptAmount(m.NonpayableProfessional), m.RemarkCodes[0], m.RemarkCodes[1], m.RemarkCodes[2],
			m.RemarkCodes[3], txn.FormatOptAmount(m.PPSCapitalException))
	}
	if m := c.Outpatient; m != nil {
		o.seg("MOA", txn.FormatOptQuantity(m.ReimbursementRate), txn.FormatOptAmount(m.HCPCSPayable), m.RemarkCodes[0], m.RemarkCodes[1],
			m.RemarkCodes[2], m.RemarkCodes[3], m.RemarkCodes[4], txn.FormatOptAmount(m.ESRDPayment),
			txn.FormatOptAmount(m.NonpayableProfessional))
	}
	o.refs(sortedRefs(c.Refs, claimRefRank))
	if !c.StatementFrom.IsZero() {
		o.seg("DTM", "232", txn.Day(c.StatementFrom))
	}
	if !c.StatementTo.IsZero() {
		o.seg("DTM", "233", txn.Day(c.StatementTo))
	}
	if !c.CoverageExpiration.IsZero() {
		o.seg("DTM", "036", txn.Day(c.CoverageExpiration))
	}
	if !c.Received.IsZero() {
		o.seg("DTM", "050", txn.Day(c.Received))
	}
	for _, p := range c.Contacts {
		o.contact(p)
	}
	for _, a := range c.Amounts {
		o.seg("AMT", a.Qualifier, x12.FormatAmount(a.Amount))
	}
	for _, q := range c.Quantities {
		o.seg("QTY", q.Qualifier, Quantity.String(q.Quantity))
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
	o.comp("SVC", procedure(&s.Procedure), c(x12.FormatAmount(s.Charge)), c(x12.FormatAmount(s.Paid)), c(s.RevenueCode),
		c(txn.FormatOptQuantity(s.Units)), orig, c(txn.FormatOptQuantity(s.OriginalUnits)))
	if !s.Date.IsZero() {
		o.seg("DTM", "472", txn.Day(s.Date))
	}
	if !s.From.IsZero() {
		o.seg("DTM", "150", txn.Day(s.From))
	}
	if !s.To.IsZero() {
		o.seg("DTM", "151", txn.Day(s.To))
	}
	o.cas(s.Adjustments)
	refs := s.Refs
	if s.LineItemControlNumber != "" {
		refs = append(slices.Clone(refs), Ref{Qualifier: "6R", Value: s.LineItemControlNumber})
	}
	o.refs(sortedRefs(refs, serviceRefRank))
	if s.Allowed != nil {
		o.seg("AMT", "B6", x12.FormatAmount(*s.Allowed))
	}
	for _, a := range s.Amounts {
		o.seg("AMT", a.Qualifier, x12.FormatAmount(a.Amount))
	}
	for _, q := range s.Quantities {
		o.seg("QTY", q.Qualifier, Quantity.String(q.Quantity))
	}
	for _, r := range s.Remarks {
		o.seg("LQ", r.Qualifier, r.Code)
	}
}
