package testpayer

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/claimgate/claimgate/x12/claim"
	"github.com/claimgate/claimgate/x12/remit"
)

// Advance releases the payments that are due by now: an 835 for each
// payer, payee (billing NPI) and pay date, in that order. A claim is paid
// its payer's days-to-pay after it was received. Each 835 balances: BPR02
// is the sum of CLP04 less the PLB amounts, and every claim's and line's
// charge is its payment plus its adjustments.
func (p *Payer) Advance(ctx context.Context, now time.Time) ([]File, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now = now.UTC()
	type key struct {
		payer, npi string
		date       time.Time
	}
	var out []File
	// Pay date by pay date, so that a correction scheduled by one run is
	// paid in its turn whether Advance is called daily or once.
	for {
		var day time.Time
		for _, d := range p.pending {
			if !d.PayDate.After(now) && (day.IsZero() || d.PayDate.Before(day)) {
				day = d.PayDate
			}
		}
		if day.IsZero() {
			return out, nil
		}
		batches := map[key][]*Decision{}
		var keys []key
		var keep []*Decision
		for _, d := range p.pending {
			if !d.PayDate.Equal(day) {
				keep = append(keep, d)
				continue
			}
			k := key{d.PayerID, d.BillingNPI, d.PayDate}
			if batches[k] == nil {
				keys = append(keys, k)
			}
			batches[k] = append(batches[k], d)
		}
		slices.SortFunc(keys, func(a, b key) int {
			return cmp.Or(cmp.Compare(a.payer, b.payer), cmp.Compare(a.npi, b.npi))
		})
		p.pending = keep
		for _, k := range keys {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			ctl := p.nextControl()
			data, err := p.write835(batches[k], k.date, ctl)
			if err != nil {
				return out, err
			}
			pl := p.plans[k.payer]
			for _, d := range batches[k] {
				d.released = true
				if d.Underpaid && !d.Reversed && d.Status != "22" && pl.cfg.CorrectionDays > 0 {
					r, c := pl.correct(d, k.date.AddDate(0, 0, pl.cfg.CorrectionDays))
					p.pending = append(p.pending, r, c)
				}
			}
			out = append(out, File{Name: p.fileName("835", ctl, k.date), Kind: "835", Data: data})
		}
	}
}

// Pending returns how many claim decisions wait for their payment date.
func (p *Payer) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending)
}

// write835 writes one payment: claims ds of one payer to one payee, paid on
// date, with the provider-level adjustments they earn: interest (L6) on
// claims paid after the prompt-pay days, recovery (WO) of what the payee
// owes from an earlier batch, and a forwarding balance (FB) when reversals
// exceed the payments.
func (p *Payer) write835(ds []*Decision, date time.Time, ctl int) ([]byte, error) {
	cfg := p.plans[ds[0].PayerID].cfg
	npi := ds[0].BillingNPI
	r := &remit.Remittance{
		Trace: remit.Trace{Type: "1", Number: fmt.Sprintf("%s%s%06d", cfg.ID, date.Format("060102"), ctl), OriginatorID: "1" + cfg.TaxID},
		Payer: remit.Payer{Name: cfg.Name,
			Address:  remit.Address{Line1: cfg.Address.Line1, City: cfg.Address.City, State: cfg.Address.State, PostalCode: cfg.Address.Zip},
			Refs:     []remit.Ref{{Qualifier: "2U", Value: cfg.ID}},
			Contacts: []remit.Contact{{Function: "BL", Name: "EDI SUPPORT", Numbers: []remit.Communication{{Qualifier: "TE", Number: "5550100100"}}}},
		},
		ProductionDate: date,
	}
	payeeName := ds[0].BillingName
	if payeeName == "" {
		payeeName = "UNKNOWN"
	}
	r.Payee = remit.Payee{Name: payeeName, IDQualifier: "XX", ID: npi}
	var claims []remit.Claim
	var paid, interest int64
	var items []remit.ProviderAdjustmentItem
	for _, d := range ds {
		claims = append(claims, remitClaim(d))
		paid += d.Paid
		if cfg.PromptPayDays > 0 && cfg.InterestRate > 0 && d.Paid > 0 && d.Status != "22" {
			late := int64(cfg.DaysToPay - cfg.PromptPayDays)
			if late > 0 {
				// Simple interest for the days past prompt pay, to the cent.
				amt := (d.Paid*cfg.InterestRate*late + 10000*365/2) / (10000 * 365)
				if amt > 0 {
					items = append(items, remit.ProviderAdjustmentItem{Reason: "L6", Reference: d.PayerClaimID, Amount: -amt})
					interest += amt
					d.Notes = append(d.Notes, fmt.Sprintf("interest %s for %d days past prompt pay", money(amt), late))
				}
			}
		}
	}
	total := paid + interest
	pk := payeeKey{cfg.ID, npi}
	if c := p.carry[pk]; c != nil && c.amount > 0 && total > 0 {
		rec := min(c.amount, total)
		items = append(items, remit.ProviderAdjustmentItem{Reason: "WO", Reference: c.ref, Amount: rec})
		total -= rec
		c.amount -= rec
		if c.amount == 0 {
			delete(p.carry, pk)
		}
	}
	if total < 0 {
		// The reversals exceed the payments: nothing is paid now and the
		// balance is forwarded, to be recovered from later payments.
		ref := ""
		for _, d := range ds {
			if d.Status == "22" {
				ref = d.PayerClaimID
				break
			}
		}
		items = append(items, remit.ProviderAdjustmentItem{Reason: "FB", Reference: ref, Amount: total})
		c := p.carry[pk]
		if c == nil {
			c = &carry{ref: ref}
			p.carry[pk] = c
		}
		c.amount += -total
		total = 0
	}
	r.Payment = remit.Payment{HandlingCode: "I", Amount: total, CreditDebit: "C", Method: "CHK", Date: date}
	if total == 0 {
		r.Payment.HandlingCode, r.Payment.Method = "H", "NON"
	}
	r.Headers = []remit.Header{{Number: 1, Claims: claims}}
	fiscalEnd := time.Date(date.Year(), 12, 31, 0, 0, 0, 0, time.UTC)
	for len(items) > 0 {
		n := min(6, len(items))
		r.ProviderAdjustments = append(r.ProviderAdjustments, remit.ProviderAdjustment{ProviderID: npi, FiscalPeriodEnd: fiscalEnd, Items: items[:n]})
		items = items[n:]
	}
	isa, gs := p.envelope(ds[0].interchange, "HP", cfg.ID, remit.Version, ctl, date)
	r.Envelope = remit.Envelope{Interchange: isa, Group: gs, Control: "0001"}
	var buf bytes.Buffer
	if err := remit.Write(&buf, r); err != nil {
		return nil, fmt.Errorf("write 835: %w", err)
	}
	return buf.Bytes(), nil
}

// remitClaim is the 835 claim loop of a decision.
func remitClaim(d *Decision) remit.Claim {
	pr := d.PatientResponsibility()
	c := remit.Claim{
		ID: d.ClaimID, Status: d.Status, Charge: d.Charge, Paid: d.Paid, PatientResponsibility: &pr,
		FilingIndicator: d.Filing, PayerControlNumber: d.PayerClaimID, FacilityCode: d.Facility, Frequency: d.Frequency,
		Patient: entity(d.Patient), Received: d.Received,
	}
	if d.Insured.Last != "" {
		c.Insured = entity(d.Insured)
	}
	for _, l := range d.Lines {
		s := remit.Service{
			Procedure: remit.Procedure{Qualifier: "HC", Code: l.Procedure.Code, Modifiers: l.Procedure.Modifiers},
			Charge:    l.Charge, Paid: l.Paid, Date: l.Date, LineItemControlNumber: l.ControlID,
		}
		if l.Procedure.Code == "" {
			s.Procedure = remit.Procedure{Qualifier: "NU", Code: l.RevenueCode}
		} else if l.RevenueCode != "" {
			s.RevenueCode = l.RevenueCode
		}
		if l.Procedure.Qualifier != "" && l.Procedure.Code != "" {
			s.Procedure.Qualifier = l.Procedure.Qualifier
		}
		if l.Units != claim.Units(1) && l.Units > 0 {
			u := remit.Quantity(l.Units)
			s.Units = &u
		}
		if l.Allowed != 0 {
			a := l.Allowed
			s.Allowed = &a
		}
		s.Adjustments = casSegments(l.Adjustments)
		for _, rk := range l.Remarks {
			s.Remarks = append(s.Remarks, remit.Remark{Qualifier: "HE", Code: rk})
		}
		c.Services = append(c.Services, s)
	}
	return c
}

// casSegments groups adjustments into CAS segments: one per group code, in
// the order CO, PR, OA, PI, six reasons at most each.
func casSegments(adj []Adjustment) []remit.Adjustment {
	var out []remit.Adjustment
	for _, g := range []string{"CO", "PR", "OA", "PI"} {
		var reasons []remit.Reason
		for _, a := range adj {
			if a.Group == g {
				reasons = append(reasons, remit.Reason{Code: a.Reason, Amount: a.Amount})
			}
		}
		for len(reasons) > 0 {
			n := min(6, len(reasons))
			out = append(out, remit.Adjustment{Group: g, Reasons: reasons[:n]})
			reasons = reasons[n:]
		}
	}
	return out
}

func entity(e claim.Entity) *remit.Entity {
	r := &remit.Entity{Type: e.Type, Last: e.Last, First: e.First, Middle: e.Middle, Suffix: e.Suffix, IDQualifier: e.IDQualifier, ID: e.ID}
	if r.Type == "" {
		r.Type = "1"
	}
	if r.Last == "" {
		r.Last = "UNKNOWN"
	}
	if r.IDQualifier == "" || r.ID == "" {
		r.IDQualifier, r.ID = "", ""
	}
	return r
}
