package testpayer

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/claimgate/claimgate/x12/status"
)

// ClaimStatus answers a file of 276 claim status requests with a file of
// 277 responses (005010X212), as of now (Options.Now). Each claim asked
// about is found by its payer claim control number (REF*1K) or by our
// claim ID (REF*EJ, else TRN02), and answered: adjudicated and awaiting
// the payment cycle (F0:3), paid (F1:1) or denied (F2:1) with the
// amounts, reversed (F3:1), or not found (D0:35). Input with no readable
// 276 is an error.
func (p *Payer) ClaimStatus(ctx context.Context, req []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.claimStatus(ctx, req, p.now().UTC())
}

func (p *Payer) claimStatus(_ context.Context, req []byte, now time.Time) ([]byte, error) {
	ts, err := status.Read(bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("read 276: %w", err)
	}
	ctl := 0
	var out []*status.Transaction
	for _, t := range ts {
		if t.Kind != status.Request {
			continue
		}
		r, err := t.Reply(now)
		if err != nil {
			return nil, err
		}
		if ctl == 0 {
			ctl = p.nextControl()
		}
		isa, gs := p.envelope(t.Envelope.Interchange, "HN", "", status.VersionStatus, ctl, now)
		r.Envelope = status.Envelope{Interchange: isa, Group: gs, Control: fmt.Sprintf("%04d", len(out)+1)}
		for si := range r.Sources {
			src := &r.Sources[si]
			pl := p.plans[src.Name.ID]
			if pl != nil {
				src.Name = status.Name{Entity: "PR", Type: "2", Last: pl.cfg.Name, IDQualifier: "PI", ID: pl.cfg.ID}
			}
			for ri := range src.Receivers {
				for pi := range src.Receivers[ri].Providers {
					for mi := range src.Receivers[ri].Providers[pi].Members {
						p.answerStatus(pl, &src.Receivers[ri].Providers[pi].Members[mi], now)
					}
				}
			}
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read 276: no 276 transaction sets")
	}
	var buf bytes.Buffer
	if err := status.Write(&buf, out...); err != nil {
		return nil, fmt.Errorf("write 277: %w", err)
	}
	return buf.Bytes(), nil
}

// answerStatus fills in the status of every claim asked about for member m
// (and its dependents).
func (p *Payer) answerStatus(pl *plan, m *status.Member, now time.Time) {
	for ci := range m.Claims {
		c := &m.Claims[ci]
		claimID := c.PatientAccount()
		if claimID == "" {
			claimID = c.Trace.Number
		}
		d := pl.find(c.PayerClaimNumber(), claimID)
		if d == nil {
			notFound := status.Status{Codes: []status.StatusCode{{Category: "D0", Code: "35"}}, Effective: midnight(now)}
			c.Statuses = []status.Status{notFound}
			for li := range c.Lines {
				zero := int64(0)
				c.Lines[li].Paid = &zero
				c.Lines[li].Statuses = []status.Status{notFound}
			}
			continue
		}
		cat, code := "F0", "3"
		switch {
		case d.Reversed:
			cat, code = "F3", "1"
		case d.released && d.Status == "4":
			cat, code = "F2", "1"
		case d.released:
			cat, code = "F1", "1"
		}
		charge, paid := d.Charge, d.Paid
		st := status.Status{Codes: []status.StatusCode{{Category: cat, Code: code}}, Effective: midnight(now),
			Charge: &charge, Paid: &paid, Adjudicated: midnight(d.Received)}
		if d.released {
			st.Issued = d.PayDate
		}
		c.Statuses = []status.Status{st}
		if c.PayerClaimNumber() == "" {
			c.Refs = append([]status.Ref{{Qualifier: "1K", Value: d.PayerClaimID}}, c.Refs...)
		}
		if c.PatientAccount() == "" {
			c.Refs = append(c.Refs, status.Ref{Qualifier: "EJ", Value: d.ClaimID})
		}
		if len(c.Dates) == 0 {
			var first, last time.Time
			for _, l := range d.Lines {
				if first.IsZero() || l.Date.Before(first) {
					first = l.Date
				}
				if l.Date.After(last) {
					last = l.Date
				}
			}
			if !first.IsZero() {
				if first.Equal(last) {
					c.Dates = []status.Date{{Qualifier: "472", Format: "D8", From: first}}
				} else {
					c.Dates = []status.Date{{Qualifier: "472", Format: "RD8", From: first, To: last}}
				}
			}
		}
		for li := range c.Lines {
			l := &c.Lines[li]
			var linePaid int64
			for _, dl := range d.Lines {
				if dl.Procedure.Code == l.Procedure.Code && dl.Charge == l.Charge {
					linePaid = dl.Paid
					break
				}
			}
			l.Paid = &linePaid
			l.Statuses = []status.Status{{Codes: []status.StatusCode{{Category: cat, Code: code}}, Effective: midnight(now)}}
		}
	}
	for i := range m.Dependents {
		p.answerStatus(pl, &m.Dependents[i], now)
	}
}

// find returns the latest decision (not a reversal) on the claim with the
// payer claim control number payerID, else with our claim ID claimID.
func (pl *plan) find(payerID, claimID string) *Decision {
	if pl == nil {
		return nil
	}
	if d := pl.byID[payerID]; d != nil && payerID != "" {
		return d
	}
	for i := len(pl.decisions) - 1; i >= 0; i-- {
		if d := pl.decisions[i]; d.Status != "22" && d.ClaimID == claimID && claimID != "" {
			return d
		}
	}
	return nil
}
