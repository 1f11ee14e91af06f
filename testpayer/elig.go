package testpayer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/claimgate/claimgate/x12/elig"
)

// Eligibility answers a file of 270 inquiries with a file of 271
// responses, as of now (Options.Now): for each member asked about, active
// coverage with the plan's benefits (deductible, copay, coinsurance,
// out-of-pocket maximum, each with what remains), inactive coverage, or an
// AAA rejection (payer unknown 79, provider not on file 51, member not
// found 75, dependent not found 67). Input that is not a readable 270 is an
// error.
func (p *Payer) Eligibility(ctx context.Context, req []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.eligibility(ctx, req, p.now().UTC())
}

func (p *Payer) eligibility(_ context.Context, req []byte, now time.Time) ([]byte, error) {
	inqs, err := elig.Read270(bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("read 270: %w", err)
	}
	if len(inqs) == 0 {
		return nil, fmt.Errorf("read 270: no transaction sets")
	}
	ctl := p.nextControl()
	var out []*elig.Response
	for i, in := range inqs {
		r := p.respond271(in, now)
		isa, gs := p.envelope(in.Envelope.Interchange, "HB", "", elig.Version, ctl, now)
		r.Envelope = elig.Envelope{Interchange: isa, Group: gs, Control: fmt.Sprintf("%04d", i+1)}
		out = append(out, r)
	}
	var buf bytes.Buffer
	if err := elig.Write271(&buf, out...); err != nil {
		return nil, fmt.Errorf("write 271: %w", err)
	}
	return buf.Bytes(), nil
}

func (p *Payer) respond271(in *elig.Inquiry, now time.Time) *elig.Response {
	r := &elig.Response{Header: elig.Header{Version: elig.Version, Purpose: "11", Ref: clean(in.Ref), Created: now}}
	for _, src := range in.Sources {
		pl := p.plans[src.Name.ID]
		s := elig.Source{Party: elig.Party{Name: cleanName(src.Name)}}
		if pl == nil {
			s.Rejects = []elig.Reject{{Valid: "N", Reason: "79", FollowUp: "C"}}
			if s.Name.Last == "" {
				s.Name.Last = "UNKNOWN"
			}
			r.Sources = append(r.Sources, s)
			continue
		}
		s.Name = elig.Name{Entity: "PR", Type: "2", Last: pl.cfg.Name, IDQualifier: "PI", ID: pl.cfg.ID}
		for _, rcv := range src.Receivers {
			rr := elig.Receiver{Party: elig.Party{Name: cleanName(rcv.Name)}}
			if rcv.Name.IDQualifier != "XX" || !contains(pl.cfg.BillingNPIs, rcv.Name.ID) {
				rr.Rejects = []elig.Reject{{Valid: "N", Reason: "51", FollowUp: "C"}}
				s.Receivers = append(s.Receivers, rr)
				continue
			}
			for _, sub := range rcv.Subscribers {
				rr.Subscribers = append(rr.Subscribers, p.answerMember(pl, sub, now))
			}
			s.Receivers = append(s.Receivers, rr)
		}
		r.Sources = append(r.Sources, s)
	}
	return r
}

// answerMember answers for one subscriber of a 270, and for its
// dependents.
func (p *Payer) answerMember(pl *plan, q elig.Member, now time.Time) elig.Member {
	a := elig.Member{Party: elig.Party{Name: cleanName(q.Name)}}
	for _, tr := range q.Traces {
		// The inquirer's trace (TRN01 1) comes back as a referenced
		// transaction (TRN01 2).
		a.Traces = append(a.Traces, elig.Trace{Type: "2", Number: clean(tr.Number), Originator: clean(tr.Originator), Supplemental: clean(tr.Supplemental)})
	}
	asOf := now
	for _, d := range q.Dates {
		if d.Qualifier == "291" && !d.From.IsZero() {
			asOf = d.From
		}
	}
	m := pl.members[q.Name.ID]
	if len(q.Dependents) > 0 {
		// The subscriber is only the way to the dependents asked about.
		if m == nil {
			a.Rejects = []elig.Reject{{Valid: "N", Reason: "75", FollowUp: "C"}}
			return a
		}
		a.Name = memberName(m, "IL")
		for _, dep := range q.Dependents {
			da := elig.Member{Party: elig.Party{Name: cleanName(dep.Name)}}
			dm := p.findDependent(pl, dep)
			if dm == nil {
				da.Rejects = []elig.Reject{{Valid: "N", Reason: "67", FollowUp: "C"}}
			} else {
				da.Name = memberName(dm, "03")
				da.Name.IDQualifier, da.Name.ID = "", ""
				da.BirthDate, da.Sex = dm.BirthDate.Time(), dm.Sex
				da.Benefits, da.Dates = benefits(pl, dm, asOf)
			}
			a.Dependents = append(a.Dependents, da)
		}
		return a
	}
	if m == nil {
		if a.Name.Last == "" && a.Name.ID == "" {
			a.Name.Last = "UNKNOWN"
		}
		a.Rejects = []elig.Reject{{Valid: "N", Reason: "75", FollowUp: "C"}}
		return a
	}
	a.Name = memberName(m, "IL")
	a.BirthDate, a.Sex = m.BirthDate.Time(), m.Sex
	a.Benefits, a.Dates = benefits(pl, m, asOf)
	return a
}

func (p *Payer) findDependent(pl *plan, q elig.Member) *Member {
	for _, id := range sortedKeys(pl.members) {
		m := pl.members[id]
		if strings.EqualFold(m.Last, q.Name.Last) && strings.EqualFold(m.First, q.Name.First) && m.BirthDate.Time().Equal(q.BirthDate) {
			return m
		}
	}
	return nil
}

func memberName(m *Member, entity string) elig.Name {
	return elig.Name{Entity: entity, Type: "1", Last: clean(m.Last), First: clean(m.First), IDQualifier: "MI", ID: clean(m.ID)}
}

// benefits are the EB loops for member m on day asOf, and the plan dates.
func benefits(pl *plan, m *Member, asOf time.Time) ([]elig.Benefit, []elig.Date) {
	dates := []elig.Date{{Qualifier: "346", Format: "D8", From: m.CoverageFrom.Time()}}
	if !m.CoverageTo.IsZero() {
		dates = append(dates, elig.Date{Qualifier: "347", Format: "D8", From: m.CoverageTo.Time()})
	}
	plan := clean(m.Plan)
	if !covers(m, asOf) {
		return []elig.Benefit{{Info: "6", CoverageLevel: "IND", ServiceTypes: []string{"30"}, PlanDescription: plan}}, dates
	}
	amt := func(v Money) *int64 { c := int64(v); return &c }
	bs := []elig.Benefit{{Info: "1", CoverageLevel: "IND", ServiceTypes: []string{"30"}, PlanDescription: plan}}
	if m.Deductible > 0 {
		bs = append(bs,
			elig.Benefit{Info: "C", CoverageLevel: "IND", ServiceTypes: []string{"30"}, Period: "23", Amount: amt(m.Deductible), InPlanNetwork: "Y"},
			elig.Benefit{Info: "C", CoverageLevel: "IND", ServiceTypes: []string{"30"}, Period: "29", Amount: amt(m.DeductibleRemaining), InPlanNetwork: "Y"})
	}
	if m.Copay > 0 {
		bs = append(bs, elig.Benefit{Info: "B", CoverageLevel: "IND", ServiceTypes: []string{"98"}, Period: "27", Amount: amt(m.Copay), InPlanNetwork: "Y"})
	}
	rate := m.Coinsurance * 100 // percent to ten-thousandths
	bs = append(bs, elig.Benefit{Info: "A", CoverageLevel: "IND", ServiceTypes: []string{"30"}, Rate: &rate, InPlanNetwork: "Y"})
	if m.OOPMax > 0 {
		bs = append(bs,
			elig.Benefit{Info: "G", CoverageLevel: "IND", ServiceTypes: []string{"30"}, Period: "23", Amount: amt(m.OOPMax), InPlanNetwork: "Y"},
			elig.Benefit{Info: "G", CoverageLevel: "IND", ServiceTypes: []string{"30"}, Period: "29", Amount: amt(m.OOPRemaining), InPlanNetwork: "Y"})
	}
	for _, code := range pl.cfg.AuthRequired {
		bs = append(bs, elig.Benefit{Info: "1", CoverageLevel: "IND", ServiceTypes: []string{"1"}, Authorization: "Y",
			Procedure: &elig.Procedure{Qualifier: "HC", Code: code}, Messages: []string{"PRIOR AUTHORIZATION REQUIRED"}})
	}
	if m.OtherPayerPrimary {
		other := clean(m.OtherPayerName)
		if other == "" {
			other = "OTHER PAYER"
		}
		bs = append(bs, elig.Benefit{Info: "R", ServiceTypes: []string{"30"}, Messages: []string{"OTHER PAYER PRIMARY: " + other}})
	}
	return bs, dates
}

// clean drops the characters X12 uses as delimiters from text copied from
// one file into another, which may use different ones.
func clean(s string) string {
	if !strings.ContainsAny(s, "*^:~|>!\r\n") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("*^:~|>!\r\n", r) {
			return -1
		}
		return r
	}, s)
}

func cleanName(n elig.Name) elig.Name {
	for _, s := range []*string{&n.Entity, &n.Type, &n.Last, &n.First, &n.Middle, &n.Prefix, &n.Suffix, &n.IDQualifier, &n.ID, &n.Relationship} {
		*s = clean(*s)
	}
	return n
}
