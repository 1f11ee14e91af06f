package testpayer

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/x12/auth"
)

// AuthValidDays is how long a certification the payer issues lasts, from
// the date of service asked for.
const AuthValidDays = 90

// Authorization answers a file of 278 requests with a file of 278
// responses, as of now (Options.Now). Each service asked about (loop
// 2000F, or the patient event when it lists none) is certified (HCR A1,
// with a certification number the payer then keeps on file for claims),
// not certified (A3) when the member is not covered on the date or the
// request's diagnoses do not support the service under the payer's
// coverage table, or answered "no action required" (NA) when the payer
// does not require authorization for the code. Unknown payers (AAA 79),
// requesters not on file (51) and members not found (75) are rejected.
// Input with no readable 278 request is an error.
func (p *Payer) Authorization(ctx context.Context, req []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.authorization(ctx, req, p.now().UTC())
}

func (p *Payer) authorization(_ context.Context, req []byte, now time.Time) ([]byte, error) {
	ts, err := auth.Read(bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("read 278: %w", err)
	}
	ctl := 0
	var out []*auth.Transaction
	for _, t := range ts {
		if t.IsResponse() {
			continue
		}
		r, err := t.Reply(now)
		if err != nil {
			return nil, err
		}
		if ctl == 0 {
			ctl = p.nextControl()
		}
		isa, gs := p.envelope(t.Envelope.Interchange, "HI", "", t.Version, ctl, now)
		r.Envelope = auth.Envelope{Interchange: isa, Group: gs, Control: fmt.Sprintf("%04d", len(out)+1)}
		p.review(t, r, now)
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read 278: no 278 requests")
	}
	var buf bytes.Buffer
	if err := auth.Write(&buf, out...); err != nil {
		return nil, fmt.Errorf("write 278: %w", err)
	}
	return buf.Bytes(), nil
}

// review decides request t into its reply r.
func (p *Payer) review(t, r *auth.Transaction, now time.Time) {
	reject := func(rejects *[]auth.Reject, reason string) {
		*rejects = []auth.Reject{{Valid: "N", Reason: reason, FollowUp: "C"}}
		r.Event = nil
	}
	pl := p.plans[t.UMO.Name.ID]
	if pl == nil {
		reject(&r.Rejects, "79")
		return
	}
	r.UMO.Name = auth.Name{Entity: "X3", Type: "2", Last: pl.cfg.Name, IDQualifier: "PI", ID: pl.cfg.ID}
	if t.Requester.Name.IDQualifier != "XX" || !contains(pl.cfg.BillingNPIs, t.Requester.Name.ID) {
		reject(&r.Requester.Rejects, "51")
		return
	}
	m := pl.members[t.Subscriber.Name.ID]
	if m == nil {
		reject(&r.Subscriber.Rejects, "75")
		return
	}
	e := r.Event
	if e == nil || t.Event == nil {
		return
	}
	var dx []string
	for _, d := range t.Event.Diagnoses {
		dx = append(dx, d.Code)
	}
	eventDate := dateIn(t.Event.Dates, now, "AAH", "435")
	if len(e.Services) == 0 {
		e.Decision, e.Dates = p.certify(pl, m, "", dx, eventDate, now, e.Dates)
		return
	}
	for i := range e.Services {
		s := &e.Services[i]
		code := ""
		switch {
		case s.Professional != nil:
			code = s.Professional.Procedure.Code
		case s.Institutional != nil && s.Institutional.Procedure != nil:
			code = s.Institutional.Procedure.Code
		}
		s.Decision, s.Dates = p.certify(pl, m, code, dx, dateIn(s.Dates, eventDate, "472"), now, s.Dates)
	}
}

// certify decides one service (code, or the whole event when code is
// empty) for member m on day; a certification is put on file. It returns
// the decision and dates with the certification's added.
func (p *Payer) certify(pl *plan, m *Member, code string, dx []string, day, now time.Time, dates []auth.Date) (*auth.Decision, []auth.Date) {
	switch {
	case !covers(m, day):
		return &auth.Decision{Action: "A3"}, dates
	case code != "" && !pl.authNeed[code]:
		return &auth.Decision{Action: "NA"}, dates
	}
	if rule, ok := pl.coverage[code]; ok && code != "" && !supports(rule, dx) {
		return &auth.Decision{Action: "A3"}, dates
	}
	pl.seq++
	number := fmt.Sprintf("%sA%s%04d", pl.cfg.ID, now.Format("060102"), pl.seq)
	to := day.AddDate(0, 0, AuthValidDays)
	if code != "" {
		pl.auths = append(pl.auths, Authorization{Member: m.ID, Code: code, Number: number, From: claimgate.DateOf(day), To: claimgate.DateOf(to)})
	}
	dates = append(dates,
		auth.Date{Qualifier: "102", Format: "D8", From: midnight(now)},
		auth.Date{Qualifier: "007", Format: "RD8", From: day, To: to})
	return &auth.Decision{Action: "A1", Number: number}, dates
}

// dateIn returns the first date among dates with one of the qualifiers,
// or def.
func dateIn(dates []auth.Date, def time.Time, quals ...string) time.Time {
	for _, q := range quals {
		for _, d := range dates {
			if d.Qualifier == q && !d.From.IsZero() {
				return midnight(d.From)
			}
		}
	}
	return def
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
