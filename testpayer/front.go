package testpayer

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/claim"
	"github.com/claimgate/claimgate/x12/status"
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
	var lines int64
	for _, l := range c.Lines {
		lines += l.Charge
	}
	if lines != c.TotalCharge || len(c.Lines) == 0 {
		return reject("A7", "400", "", fmt.Sprintf("claim charge %s is not the sum of its lines' charges %s", money(c.TotalCharge), money(lines)))
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

// write277CA writes the 277CA for one 837 (package x12/status): the
// clearinghouse as the information source, the 837's submitter as
// receiver, then each billing provider and, under it, each claim with its
// status.
func (p *Payer) write277CA(t *claim.Transaction, acks []ClaimAck, now time.Time, ctl int) ([]byte, error) {
	env := t.Envelope.Interchange
	isa, gs := p.envelope(env, "HN", "", status.VersionAck, ctl, now)
	ref := orDefault(clean(t.Reference), orDefault(env.ControlNumber, "0"))
	totals := func(acks []ClaimAck) (acc, rej int64, accAmt, rejAmt int64) {
		for _, a := range acks {
			if a.Accepted {
				acc++
				accAmt += a.Charge
			} else {
				rej++
				rejAmt += a.Charge
			}
		}
		return
	}
	report := func(tr status.Trace, qa, qr string, acks []ClaimAck) *status.Report {
		r := &status.Report{Trace: tr}
		acc, rej, accAmt, rejAmt := totals(acks)
		if acc > 0 {
			r.Quantities = append(r.Quantities, status.Quantity{Qualifier: qa, Value: acc * 10000})
		}
		if rej > 0 {
			r.Quantities = append(r.Quantities, status.Quantity{Qualifier: qr, Value: rej * 10000})
		}
		if acc > 0 {
			r.Amounts = append(r.Amounts, status.Amount{Qualifier: "YU", Cents: accAmt})
		}
		if rej > 0 {
			r.Amounts = append(r.Amounts, status.Amount{Qualifier: "YY", Cents: rejAmt})
		}
		return r
	}
	sub := cleanEntity(t.Submitter.Entity)
	subType := orDefault(sub.Type, "2")
	rcv := status.Receiver{Party: status.Party{Name: status.Name{Entity: "41", Type: subType, Last: orDefault(sub.Last, "UNKNOWN SUBMITTER"),
		First: first(subType, sub.First), IDQualifier: "46", ID: orDefault(sub.ID, orDefault(env.SenderID, "UNKNOWN"))}}}
	var total int64
	for _, a := range acks {
		total += a.Charge
	}
	rcv.Report = report(status.Trace{Type: "2", Number: ref}, "90", "AA", acks)
	rcv.Report.Statuses = []status.Status{{Codes: []status.StatusCode{{Category: "A1", Code: "19", Entity: "AY"}}, Effective: midnight(now), Action: "WQ", Charge: &total}}
	for i := 0; i < len(acks); {
		// A run of claims from one billing provider.
		j := i
		for j < len(acks) && acks[j].BillingNPI == acks[i].BillingNPI {
			j++
		}
		b := acks[i]
		pr := status.Provider{
			Names: []status.Party{{Name: status.Name{Entity: "85", Type: b.billingType, Last: orDefault(b.billingName, "UNKNOWN"),
				IDQualifier: "XX", ID: orDefault(b.BillingNPI, "0000000000")}}},
			Report: report(status.Trace{Type: "1", Number: fmt.Sprintf("%s-%d", ref, len(rcv.Providers)+1)}, "QA", "QC", acks[i:j]),
		}
		for _, a := range acks[i:j] {
			pt := a.Patient
			idq := pt.IDQualifier
			if idq != "II" {
				idq = "MI"
			}
			charge := a.Charge
			c := status.Claim{
				Trace: status.Trace{Type: "2", Number: orDefault(a.ClaimID, "0")},
				Statuses: []status.Status{{Codes: []status.StatusCode{{Category: a.Category, Code: a.Code, Entity: a.Entity}},
					Effective: midnight(now), Action: action(a.Accepted), Charge: &charge}},
			}
			if a.PayerClaimID != "" {
				c.Refs = []status.Ref{{Qualifier: "1K", Value: a.PayerClaimID}}
			}
			if a.From.Equal(a.To) {
				c.Dates = []status.Date{{Qualifier: "472", Format: "D8", From: a.From}}
			} else {
				c.Dates = []status.Date{{Qualifier: "472", Format: "RD8", From: a.From, To: a.To}}
			}
			pr.Members = append(pr.Members, status.Member{
				Party: status.Party{Name: status.Name{Entity: "QC", Type: "1", Last: orDefault(pt.Last, "UNKNOWN"), First: pt.First, Middle: pt.Middle,
					Suffix: pt.Suffix, IDQualifier: idq, ID: orDefault(pt.ID, "UNKNOWN")}},
				Claims: []status.Claim{c},
			})
		}
		rcv.Providers = append(rcv.Providers, pr)
		i = j
	}
	tx := &status.Transaction{
		Envelope: status.Envelope{Interchange: isa, Group: gs, Control: "0001"},
		Kind:     status.Ack, Version: status.VersionAck, Purpose: "08", Ref: ref, Created: now, Type: "TH",
		Sources: []status.Source{{
			Party: status.Party{Name: status.Name{Entity: "AY", Type: "2", Last: p.cfg.Clearinghouse.Name, IDQualifier: "46", ID: p.cfg.Clearinghouse.ID}},
			Report: &status.Report{Trace: status.Trace{Type: "1", Number: ref},
				Dates: []status.Date{{Qualifier: "050", Format: "D8", From: midnight(now)}, {Qualifier: "009", Format: "D8", From: midnight(now)}}},
			Receivers: []status.Receiver{rcv},
		}},
	}
	var buf bytes.Buffer
	if err := status.Write(&buf, tx); err != nil {
		return nil, fmt.Errorf("write 277CA: %w", err)
	}
	return buf.Bytes(), nil
}

// midnight is t's date at midnight UTC.
func midnight(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// first returns a person's first name, and nothing for an organization.
func first(typ, name string) string {
	if typ == "1" {
		return name
	}
	return ""
}

// action is STC03 of a 277CA claim status: WQ accepted, U rejected.
func action(accepted bool) string {
	if accepted {
		return "WQ"
	}
	return "U"
}
