package testpayer

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/claim"
)

// ClaimAck is the front-end answer to one claim, as its 277CA carries it:
// accepted into adjudication (A2:20) or rejected, with the status code and
// the reason.
type ClaimAck struct {
	ClaimID      string // CLM01
	PayerID      string
	PayerClaimID string // REF*1K, for a claim accepted
	BillingNPI   string
	billingName  string
	billingType  string
	Patient      claim.Entity
	Charge       int64
	From, To     time.Time
	Accepted     bool
	// Status is STC01: category, status code and entity, such as "A2:20"
	// or "A3:33:IL".
	Category, Code, Entity string
	Why                    string
}

// Status returns the STC01 composite as text: "A3:33:IL".
func (a ClaimAck) Status() string {
	s := a.Category + ":" + a.Code
	if a.Entity != "" {
		s += ":" + a.Entity
	}
	return s
}

// receiveClaim runs the front-end edits on one claim and, when it passes,
// adjudicates it: an original is decided, a replacement (frequency 7)
// reverses the claim it replaces and is decided anew, and a void
// (frequency 8) reverses the claim it voids.
func (p *Payer) receiveClaim(s *submission, received time.Time) ClaimAck {
	c := s.claim
	a := ClaimAck{ClaimID: c.PatientControlNumber, PayerID: s.payerID, BillingNPI: s.billingNPI, billingName: s.billingName,
		Charge: c.TotalCharge, Patient: s.subscriber}
	a.billingType = "2"
	if s.billingPerson {
		a.billingType = "1"
	}
	if s.patient != nil {
		a.Patient = *s.patient
		a.Patient.IDQualifier, a.Patient.ID = "MI", s.memberID
	}
	a.Patient.Role = "QC"
	a.From, a.To = serviceDates(c)
	if a.From.IsZero() {
		a.From, a.To = received, received
	}
	reject := func(cat, code, entity, why string) ClaimAck {
		a.Category, a.Code, a.Entity, a.Why = cat, code, entity, why
		return a
	}
	pl := p.plans[s.payerID]
	if pl == nil {
		return reject("A3", "21", "PR", fmt.Sprintf("payer ID %q is not a payer of this clearinghouse", s.payerID))
	}
	if !slices.Contains(pl.cfg.BillingNPIs, s.billingNPI) {
		return reject("A7", "562", "85", fmt.Sprintf("billing provider NPI %s is not on file with %s", s.billingNPI, s.payerID))
	}
	m := pl.members[s.memberID]
	if m == nil {
		return reject("A3", "33", "IL", fmt.Sprintf("member ID %q is not on %s's roster", s.memberID, s.payerID))
	}
	covered := false
	for i := range c.Lines {
		if d := lineDate(c, &c.Lines[i]); !d.IsZero() && covers(m, d) {
			covered = true
		}
	}
	if !covered {
		return reject("A3", "88", "IL", fmt.Sprintf("member %s has no coverage on the dates of service", s.memberID))
	}
	var orig *Decision
	if c.Frequency == "7" || c.Frequency == "8" {
		orig = pl.byID[c.PayerClaimControlNumber]
		if orig == nil || orig.Reversed || orig.Status == "22" {
			return reject("A3", "35", "PR", fmt.Sprintf("the claim to replace or void, payer claim %q, is not on file", c.PayerClaimControlNumber))
		}
	}
	a.Accepted, a.Category, a.Code = true, "A2", "20"
	if orig != nil {
		why := fmt.Sprintf("reversed: replaced by claim %s (frequency %s)", c.PatientControlNumber, c.Frequency)
		if c.Frequency == "8" {
			why = fmt.Sprintf("reversed: voided by claim %s", c.PatientControlNumber)
		}
		r := pl.reverse(orig, received, why)
		pl.decisions = append(pl.decisions, r)
		p.pending = append(p.pending, r)
		a.PayerClaimID = orig.PayerClaimID
		a.Why = why
		if c.Frequency == "8" {
			return a
		}
	}
	d := pl.adjudicate(s, received, p.seed)
	p.pending = append(p.pending, d)
	a.PayerClaimID = d.PayerClaimID
	a.Why = "accepted for adjudication"
	return a
}

// envelope returns the ISA and GS headers of a file answering one that
// came in interchange in: addressed back from its receiver to its sender,
// with its usage indicator, so that the answer passes the addressing
// checks of the practice's mailbox. gsSender is GS02 (default: our ISA06).
func (p *Payer) envelope(in x12.InterchangeHeader, fid, gsSender, version string, ctl int, now time.Time) (x12.InterchangeHeader, x12.GroupHeader) {
	isa := x12.InterchangeHeader{
		AuthQualifier: "00", SecurityQualifier: "00",
		SenderQualifier: in.ReceiverQualifier, SenderID: in.ReceiverID, ReceiverQualifier: in.SenderQualifier, ReceiverID: in.SenderID,
		Date: x12.FormatShortDate(now), Time: x12.FormatTime(now), Version: "00501",
		ControlNumber: fmt.Sprintf("%09d", ctl), AckRequested: "0", Usage: in.Usage, Delims: x12.DefaultDelimiters,
	}
	if isa.SenderQualifier == "" || isa.SenderID == "" {
		isa.SenderQualifier, isa.SenderID = "ZZ", p.cfg.Clearinghouse.ID
	}
	if isa.ReceiverQualifier == "" || isa.ReceiverID == "" {
		isa.ReceiverQualifier, isa.ReceiverID = "ZZ", "UNKNOWN"
	}
	if isa.Usage != "P" {
		isa.Usage = "T"
	}
	if gsSender == "" {
		gsSender = isa.SenderID
	}
	gs := x12.GroupHeader{FunctionalID: fid, SenderCode: gsSender, ReceiverCode: isa.ReceiverID,
		Date: x12.FormatDate(now), Time: x12.FormatTime(now), ControlNumber: fmt.Sprint(ctl), Agency: "X", Version: version}
	return isa, gs
}

// write277CA writes the 277CA for one 837: the clearinghouse as the
// information source, the 837's submitter as receiver, then each billing
// provider and, under it, each claim with its status.
func (p *Payer) write277CA(t *claim.Transaction, acks []ClaimAck, now time.Time, ctl int) ([]byte, error) {
	const version = "005010X214"
	var buf bytes.Buffer
	xw := x12.NewWriter(&buf, x12.DefaultDelimiters)
	env := t.Envelope.Interchange
	isa, gs := p.envelope(env, "HN", "", version, ctl, now)
	ref := t.Reference
	if ref == "" {
		ref = env.ControlNumber
	}
	if ref == "" {
		ref = "0"
	}
	var acceptedN, rejectedN int
	var acceptedAmt, rejectedAmt int64
	for _, a := range acks {
		if a.Accepted {
			acceptedN++
			acceptedAmt += a.Charge
		} else {
			rejectedN++
			rejectedAmt += a.Charge
		}
	}
	sub := t.Submitter
	subType, subName, subID := sub.Type, sub.Last, sub.ID
	if subType == "" {
		subType = "2"
	}
	if subName == "" {
		subName = "UNKNOWN SUBMITTER"
	}
	if subID == "" {
		subID = env.SenderID
	}
	date := x12.FormatDate(now)
	w := &segWriter{xw: xw}
	w.do(func() error { return xw.BeginInterchange(isa) })
	w.do(func() error { return xw.BeginGroup(gs) })
	w.do(func() error { return xw.BeginSet("277", "0001", version) })
	w.seg("BHT", "0085", "08", ref, date, x12.FormatTime(now), "TH")
	w.seg("HL", "1", "", "20", "1")
	w.seg("NM1", "AY", "2", p.cfg.Clearinghouse.Name, "", "", "", "", "46", p.cfg.Clearinghouse.ID)
	w.seg("TRN", "1", ref)
	w.seg("DTP", "050", "D8", date)
	w.seg("DTP", "009", "D8", date)
	w.seg("HL", "2", "1", "21", hlChild(len(acks) > 0))
	w.seg("NM1", "41", subType, subName, first(subType, sub.First), "", "", "", "46", subID)
	w.seg("TRN", "2", ref)
	w.composite("STC", []string{"A1", "19", "AY"}, []string{date}, []string{"WQ"}, []string{x12.FormatAmount(acceptedAmt + rejectedAmt)})
	if acceptedN > 0 {
		w.seg("QTY", "90", fmt.Sprint(acceptedN))
	}
	if rejectedN > 0 {
		w.seg("QTY", "AA", fmt.Sprint(rejectedN))
	}
	if acceptedN > 0 {
		w.seg("AMT", "YU", x12.FormatAmount(acceptedAmt))
	}
	if rejectedN > 0 {
		w.seg("AMT", "YY", x12.FormatAmount(rejectedAmt))
	}
	hl := 2
	for i := 0; i < len(acks); {
		// A run of claims from one billing provider.
		j := i
		for j < len(acks) && acks[j].BillingNPI == acks[i].BillingNPI {
			j++
		}
		hl++
		parent := hl
		b := acks[i]
		w.seg("HL", fmt.Sprint(hl), "2", "19", "1")
		name := b.billingName
		if name == "" {
			name = "UNKNOWN"
		}
		npi := b.BillingNPI
		if npi == "" {
			npi = "0000000000"
		}
		w.seg("NM1", "85", b.billingType, name, "", "", "", "", "XX", npi)
		var qa, qc int
		var ya, yc int64
		for _, a := range acks[i:j] {
			if a.Accepted {
				qa++
				ya += a.Charge
			} else {
				qc++
				yc += a.Charge
			}
		}
		w.seg("TRN", "1", fmt.Sprintf("%s-%d", ref, parent))
		if qa > 0 {
			w.seg("QTY", "QA", fmt.Sprint(qa))
		}
		if qc > 0 {
			w.seg("QTY", "QC", fmt.Sprint(qc))
		}
		if qa > 0 {
			w.seg("AMT", "YU", x12.FormatAmount(ya))
		}
		if qc > 0 {
			w.seg("AMT", "YY", x12.FormatAmount(yc))
		}
		for _, a := range acks[i:j] {
			hl++
			w.seg("HL", fmt.Sprint(hl), fmt.Sprint(parent), "PT")
			pt := a.Patient
			last := pt.Last
			if last == "" {
				last = "UNKNOWN"
			}
			idq, id := pt.IDQualifier, pt.ID
			if idq != "II" {
				idq = "MI"
			}
			if id == "" {
				id = "UNKNOWN"
			}
			w.seg("NM1", "QC", "1", last, pt.First, pt.Middle, "", pt.Suffix, idq, id)
			w.seg("TRN", "2", a.ClaimID)
			w.composite("STC", stc(a.Category, a.Code, a.Entity), []string{date}, []string{action(a.Accepted)}, []string{x12.FormatAmount(a.Charge)})
			if a.PayerClaimID != "" {
				w.seg("REF", "1K", a.PayerClaimID)
			}
			if a.From.Equal(a.To) {
				w.seg("DTP", "472", "D8", x12.FormatDate(a.From))
			} else {
				w.seg("DTP", "472", "RD8", x12.FormatDate(a.From)+"-"+x12.FormatDate(a.To))
			}
		}
		i = j
	}
	w.do(xw.EndSet)
	w.do(xw.EndGroup)
	w.do(xw.EndInterchange)
	w.do(xw.Flush)
	if w.err != nil {
		return nil, fmt.Errorf("write 277CA: %w", w.err)
	}
	return buf.Bytes(), nil
}

func stc(cat, code, entity string) []string {
	if entity == "" {
		return []string{cat, code}
	}
	return []string{cat, code, entity}
}

func hlChild(has bool) string {
	if has {
		return "1"
	}
	return "0"
}

// first returns a person's first name, and nothing for an organization.
func first(typ, name string) string {
	if typ == "1" {
		return name
	}
	return ""
}

// segWriter writes segments and keeps the first error.
type segWriter struct {
	xw  *x12.Writer
	err error
}

func (w *segWriter) do(f func() error) {
	if w.err == nil {
		w.err = f()
	}
}

// seg writes a segment, with what could be a delimiter dropped from its
// values (text copied from a file with other delimiters).
func (w *segWriter) seg(id string, els ...string) {
	for i := range els {
		els[i] = clean(els[i])
	}
	w.do(func() error { return w.xw.WriteSegment(id, els...) })
}

func (w *segWriter) composite(id string, els ...[]string) {
	for _, e := range els {
		for i := range e {
			e[i] = clean(e[i])
		}
	}
	w.do(func() error { return w.xw.WriteComposite(id, els...) })
}

// action is STC03 of a 277CA claim status: WQ accepted, U rejected.
func action(accepted bool) string {
	if accepted {
		return "WQ"
	}
	return "U"
}
