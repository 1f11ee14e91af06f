package workflow

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/auth"
	"github.com/claimgate/claimgate/x12/elig"
)

// X12Identity is who the practice is in the envelopes of its real-time
// requests (ISA06/GS02) and whom it sends them to (ISA08/GS03).
type X12Identity struct {
	SenderID   string
	ReceiverID string
	Usage      string // ISA15: T test, P production
}

// DefaultX12Identity is the identity of the demo and the tests: the
// practice as CLAIMGATE, the built-in test clearinghouse as TESTCH.
var DefaultX12Identity = X12Identity{SenderID: "CLAIMGATE", ReceiverID: "TESTCH", Usage: "T"}

func (s *Service) x12ID() X12Identity {
	id := s.X12
	if id.SenderID == "" {
		id.SenderID = DefaultX12Identity.SenderID
	}
	if id.ReceiverID == "" {
		id.ReceiverID = DefaultX12Identity.ReceiverID
	}
	if id.Usage == "" {
		id.Usage = DefaultX12Identity.Usage
	}
	return id
}

// envelope returns the ISA and GS of one real-time request.
func (s *Service) envelope(fid, version string, now time.Time) (x12.InterchangeHeader, x12.GroupHeader) {
	id := s.x12ID()
	ctl := now.UnixNano() / 1000 % 1_000_000_000
	isa := x12.InterchangeHeader{AuthQualifier: "00", SecurityQualifier: "00", SenderQualifier: "ZZ", SenderID: id.SenderID,
		ReceiverQualifier: "ZZ", ReceiverID: id.ReceiverID, Date: now.Format("060102"), Time: now.Format("1504"), Version: "00501",
		ControlNumber: fmt.Sprintf("%09d", ctl), AckRequested: "0", Usage: id.Usage, Delims: x12.DefaultDelimiters}
	gs := x12.GroupHeader{FunctionalID: fid, SenderCode: id.SenderID, ReceiverCode: id.ReceiverID, Date: now.Format("20060102"),
		Time: now.Format("1504"), ControlNumber: fmt.Sprint(ctl%100_000_000 + 1), Agency: "X", Version: version}
	return isa, gs
}

// x12Text returns s without the characters X12 uses as delimiters, upper
// case, as names travel in X12.
func x12Text(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if strings.ContainsRune("*^:~|>!\r\n", r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s)))
}

// Inquiry270 builds the 270 that asks the primary payer about the case's
// patient on the date of service (service type 30, health benefit plan
// coverage), and returns it with the trace number that identifies the
// answer.
func (s *Service) Inquiry270(f *Facts, now time.Time) (*elig.Inquiry, string, error) {
	cov, ok := f.Primary()
	if !ok {
		return nil, "", claimgate.Errorf(claimgate.Invalid, "the patient has no primary coverage to ask about")
	}
	payer := f.Payers[cov.PayerID]
	if payer.PayerID == "" {
		return nil, "", claimgate.Errorf(claimgate.Invalid, "the primary payer has no payer ID: it cannot be asked electronically")
	}
	trace := fmt.Sprintf("CG%dT%d", f.Case.ID, now.Unix())
	isa, gs := s.envelope("HS", elig.Version, now)
	pt := f.Patient
	asked := elig.Member{
		Traces:    []elig.Trace{{Type: "1", Number: trace, Originator: "9" + s.x12ID().SenderID}},
		BirthDate: pt.BirthDate.Time(), Sex: string(pt.Sex),
		Dates:     []elig.Date{{Qualifier: "291", Format: "D8", From: f.Case.ServiceDate.Time()}},
		Inquiries: []elig.ServiceInquiry{{ServiceTypes: []string{"30"}}},
	}
	sub := asked
	if cov.Relationship == claimgate.Self || cov.Relationship == "" {
		sub.Name = elig.Name{Entity: "IL", Type: "1", Last: x12Text(pt.Last), First: x12Text(pt.First), IDQualifier: "MI", ID: x12Text(cov.MemberID)}
	} else {
		asked.Name = elig.Name{Entity: "03", Type: "1", Last: x12Text(pt.Last), First: x12Text(pt.First)}
		asked.Insured = &elig.Insured{Subscriber: "N", Relationship: string(cov.Relationship)}
		sub = elig.Member{Party: elig.Party{Name: elig.Name{Entity: "IL", Type: "1", Last: x12Text(cov.SubscriberLast), First: x12Text(cov.SubscriberFirst),
			IDQualifier: "MI", ID: x12Text(cov.MemberID)}}, Traces: asked.Traces, Dependents: []elig.Member{asked}}
		if !cov.SubscriberBirthDate.IsZero() {
			sub.BirthDate = cov.SubscriberBirthDate.Time()
		}
	}
	in := &elig.Inquiry{
		Header: elig.Header{Envelope: elig.Envelope{Interchange: isa, Group: gs, Control: "0001"},
			Version: elig.Version, Purpose: "13", Ref: trace, Created: now, Type: "RT"},
		Sources: []elig.Source{{
			Party: elig.Party{Name: elig.Name{Entity: "PR", Type: "2", Last: x12Text(payer.Name), IDQualifier: "PI", ID: payer.PayerID}},
			Receivers: []elig.Receiver{{
				Party:       elig.Party{Name: elig.Name{Entity: "1P", Type: "2", Last: x12Text(f.Org.Name), IDQualifier: "XX", ID: f.Org.NPI}},
				Subscribers: []elig.Member{sub},
			}},
		}},
	}
	return in, trace, nil
}

// CheckEligibility asks the case's primary payer, in real time, whether
// the patient is covered on the date of service, and records what the 271
// says: active with the plan's benefits, inactive, or rejected (AAA) with
// its reason mapped to owned work (member not found sends a work item to
// the front desk's registration queue). An answer that cannot be used (no
// answer, a 271 that does not parse, one about someone else) is recorded
// as an error with a work item, never as verified. The check is returned
// with a nil error whenever it was recorded.
func (s *Service) CheckEligibility(ctx context.Context, actor *claimgate.User, caseID int64) (claimgate.EligibilityCheck, error) {
	if !canFrontDesk(actor) {
		return claimgate.EligibilityCheck{}, claimgate.Errorf(claimgate.Forbidden, "checking eligibility needs the front_desk or manager role")
	}
	if s.RealTime == nil {
		return claimgate.EligibilityCheck{}, claimgate.Errorf(claimgate.Invalid, "no real-time clearinghouse is configured: verify by phone or portal")
	}
	f, err := s.Facts(ctx, caseID)
	if err != nil {
		return claimgate.EligibilityCheck{}, err
	}
	now := s.now()
	in, trace, err := s.Inquiry270(f, now)
	if err != nil {
		return claimgate.EligibilityCheck{}, err
	}
	cov, _ := f.Primary()
	var req bytes.Buffer
	if err := elig.Write270(&req, in); err != nil {
		return claimgate.EligibilityCheck{}, fmt.Errorf("write 270 for case %d: %w", caseID, err)
	}
	c := claimgate.EligibilityCheck{CaseID: caseID, CoverageID: cov.ID, CoverageKey: cov.Key(), ServiceDate: f.Case.ServiceDate,
		Method: claimgate.EligBy270, Reference: trace, CheckedBy: actor.ID, CheckedAt: now}
	resp, xerr := s.RealTime.Exchange(ctx, clearinghouse.Eligibility, req.Bytes())
	c.Response = string(resp)
	if xerr != nil {
		c.Status, c.Reason = claimgate.EligError, "no answer from the clearinghouse: "+claimgate.ErrorMessage(xerr)
	} else {
		read271(&c, resp, f, trace)
	}
	return s.recordCheck(ctx, actor, f, c)
}

// recordCheck stores an electronic check with the work its answer calls
// for; an active one settles the case's eligibility work and opens owned
// work for the authorizations the plan still needs.
func (s *Service) recordCheck(ctx context.Context, actor *claimgate.User, f *Facts, c claimgate.EligibilityCheck) (claimgate.EligibilityCheck, error) {
	caseID := f.Case.ID
	var w *claimgate.WorkItem
	var err error
	switch c.Status {
	case claimgate.EligRejected:
		a := rejectAction(c.RejectCode)
		c.Reason = a.do
		role := claimgate.FrontDesk
		w, err = s.workFor(ctx, caseID, a.stage, role, fmt.Sprintf("eligibility rejected, AAA %s %s: %s", c.RejectCode, a.text, a.do), 1)
	case claimgate.EligInactive:
		w, err = s.workFor(ctx, caseID, claimgate.Registration, claimgate.FrontDesk,
			fmt.Sprintf("coverage inactive on %s (%s): get current coverage from the patient or set up self-pay", f.Case.ServiceDate, c.Reason), 1)
	case claimgate.EligError:
		w, err = s.workFor(ctx, caseID, claimgate.Eligibility, claimgate.FrontDesk,
			"eligibility check failed: "+c.Reason+"; check again or verify by phone or portal", 1)
	}
	if err != nil {
		return claimgate.EligibilityCheck{}, err
	}
	if err := s.Store.AddEligibilityCheck(ctx, &c, w); err != nil {
		return claimgate.EligibilityCheck{}, fmt.Errorf("record eligibility check: %w", err)
	}
	if c.Status == claimgate.EligActive {
		if err := s.resolvedEligWork(ctx, actor, caseID); err != nil {
			return c, err
		}
		if _, err := s.RequireAuthorizations(ctx, actor, caseID); err != nil {
			return c, err
		}
	}
	return c, nil
}

// read271 fills c from the 271 resp answering the inquiry with trace: the
// status, and for active coverage the plan, dates and benefits.
func read271(c *claimgate.EligibilityCheck, resp []byte, f *Facts, trace string) {
	c.Status = claimgate.EligError
	rs, err := elig.Read271(bytes.NewReader(resp))
	if err != nil {
		c.Reason = "the answer is not a readable 271 (" + claimgate.ErrorMessage(err) + ")"
		if isAck999(resp) {
			c.Reason = "the clearinghouse refused the 270 (999)"
		}
		return
	}
	if len(rs) != 1 {
		c.Reason = "the 271 does not answer one inquiry"
		return
	}
	readResponse(c, rs[0], f, trace)
}

// readResponse fills c from one 271 transaction set answering the inquiry
// with trace.
func readResponse(c *claimgate.EligibilityCheck, r *elig.Response, f *Facts, trace string) {
	c.Status = claimgate.EligError
	if len(r.Sources) != 1 {
		c.Reason = "the 271 does not answer one inquiry"
		return
	}
	src := r.Sources[0]
	if len(src.Rejects) > 0 {
		c.Status, c.RejectCode = claimgate.EligRejected, src.Rejects[0].Reason
		return
	}
	if len(src.Receivers) != 1 {
		c.Reason = "the 271 does not answer for the billing provider"
		return
	}
	rcv := src.Receivers[0]
	if len(rcv.Rejects) > 0 {
		c.Status, c.RejectCode = claimgate.EligRejected, rcv.Rejects[0].Reason
		return
	}
	if len(rcv.Subscribers) != 1 {
		c.Reason = "the 271 does not answer for one subscriber"
		return
	}
	m := &rcv.Subscribers[0]
	if len(m.Rejects) > 0 {
		c.Status, c.RejectCode = claimgate.EligRejected, m.Rejects[0].Reason
		return
	}
	cov, _ := f.Primary()
	if !strings.EqualFold(m.Name.ID, x12Text(cov.MemberID)) {
		c.Reason = "the 271 is about another member than the one asked about"
		return
	}
	traces := m.Traces
	if len(m.Dependents) > 0 {
		m = &m.Dependents[0]
		traces = append(traces, m.Traces...)
		if len(m.Rejects) > 0 {
			c.Status, c.RejectCode = claimgate.EligRejected, m.Rejects[0].Reason
			return
		}
	}
	traced := false
	for _, t := range traces {
		traced = traced || t.Number == trace
	}
	if !traced {
		c.Reason = "the 271 does not echo the inquiry's trace number: it answers another inquiry"
		return
	}
	if !m.BirthDate.IsZero() && !m.BirthDate.Equal(f.Patient.BirthDate.Time()) {
		c.Reason = "the 271 is about a patient with another birth date"
		return
	}
	for _, b := range m.Benefits {
		if b.PlanDescription != "" {
			c.Plan = b.PlanDescription
			break
		}
	}
	for _, d := range m.Dates {
		switch d.Qualifier {
		case "346", "356":
			c.CoverageFrom = claimgate.DateOf(d.From)
			if d.Format == "RD8" {
				c.CoverageTo = claimgate.DateOf(d.To)
			}
		case "347", "357":
			c.CoverageTo = claimgate.DateOf(d.From)
		}
	}
	dos := f.Case.ServiceDate
	if !m.ActiveOn(dos.Time()) {
		c.Status = claimgate.EligInactive
		c.Reason = "no active coverage on the date of service"
		if !c.CoverageTo.IsZero() && dos.After(c.CoverageTo) {
			c.Reason = fmt.Sprintf("coverage terminated %s", c.CoverageTo)
		} else if !c.CoverageFrom.IsZero() && dos.Before(c.CoverageFrom) {
			c.Reason = fmt.Sprintf("coverage begins %s", c.CoverageFrom)
		}
		return
	}
	c.Status = claimgate.EligActive
	q := elig.Query{ServiceType: "30", CoverageLevel: "IND", Network: elig.InNetwork}
	if v, ok := m.Deductible(q); ok {
		c.Deductible = claimgate.Money(v)
	}
	if v, ok := m.DeductibleRemaining(q); ok {
		c.DeductibleRemaining = claimgate.Money(v)
	}
	if v, ok := m.Copay(elig.Query{ServiceType: "98", CoverageLevel: "IND", Network: elig.InNetwork}); ok {
		c.Copay = claimgate.Money(v)
	}
	if v, ok := m.Coinsurance(q); ok {
		c.Coinsurance = v
	}
	if v, ok := m.OutOfPocketRemaining(q); ok {
		c.OOPRemaining, c.HasOOP = claimgate.Money(v), true
	}
	for _, b := range m.Benefits {
		switch b.InPlanNetwork {
		case "Y":
			c.Network = "in"
		case "N":
			if c.Network == "" {
				c.Network = "out"
			}
		}
	}
}

// RequestAuthorization asks the primary payer, in real time (278), to
// authorize a planned service, and records its decision: certified
// (approved, with the number and dates), not certified (denied), pended
// (pending) or no action required (not required). The actor owns the
// record. A rejection (AAA) or an answer that cannot be used records
// nothing: it opens a work item in the authorization queue and is
// returned as an Invalid error.
func (s *Service) RequestAuthorization(ctx context.Context, actor *claimgate.User, caseID int64, code string) (claimgate.AuthRecord, error) {
	if !canAuth(actor) {
		return claimgate.AuthRecord{}, claimgate.Errorf(claimgate.Forbidden, "requesting an authorization needs the auth_coordinator, front_desk or manager role")
	}
	if s.RealTime == nil {
		return claimgate.AuthRecord{}, claimgate.Errorf(claimgate.Invalid, "no real-time clearinghouse is configured: request by phone or portal and record the answer")
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	f, err := s.Facts(ctx, caseID)
	if err != nil {
		return claimgate.AuthRecord{}, err
	}
	units := 0
	for _, it := range f.Mid.Plan {
		if it.Code == code {
			units += max(it.Units, 1)
		}
	}
	if units == 0 {
		return claimgate.AuthRecord{}, claimgate.Errorf(claimgate.Invalid, "%s is not a planned service of case %d", code, caseID)
	}
	cov, ok := f.Primary()
	if !ok || f.Payers[cov.PayerID].PayerID == "" {
		return claimgate.AuthRecord{}, claimgate.Errorf(claimgate.Invalid, "the patient has no primary payer with a payer ID to ask")
	}
	payer := f.Payers[cov.PayerID]
	now := s.now()
	isa, gs := s.envelope("HI", auth.Version, now)
	trace := fmt.Sprintf("CG%dA%d", caseID, now.Unix())
	u := int64(units) * 10000
	var dx []auth.Diagnosis
	for i, d := range f.Mid.Diagnoses {
		q := "ABF"
		if i == 0 {
			q = "ABK"
		}
		dx = append(dx, auth.Diagnosis{Qualifier: q, Code: d.Code})
	}
	req := &auth.Transaction{
		Envelope: auth.Envelope{Interchange: isa, Group: gs, Control: "0001"},
		Version:  auth.Version, Purpose: auth.PurposeRequest, Ref: trace, Created: now, Type: "RU",
		UMO:        auth.Party{Name: auth.Name{Entity: "X3", Type: "2", Last: x12Text(payer.Name), IDQualifier: "PI", ID: payer.PayerID}},
		Requester:  auth.Party{Name: auth.Name{Entity: "1P", Type: "2", Last: x12Text(f.Org.Name), IDQualifier: "XX", ID: f.Org.NPI}},
		Subscriber: auth.Member{Party: auth.Party{Name: auth.Name{Entity: "IL", Type: "1", Last: x12Text(f.Patient.Last), First: x12Text(f.Patient.First), IDQualifier: "MI", ID: x12Text(cov.MemberID)}}},
		Event: &auth.Event{
			Traces:    []auth.Trace{{Type: "1", Number: trace, Originator: "9" + s.x12ID().SenderID}},
			Review:    auth.Review{Category: "HS", CertificationType: "I", FacilityType: f.Location.PlaceOfService, FacilityQualifier: "B"},
			Diagnoses: dx,
			Services: []auth.Service{{
				Traces:       []auth.Trace{{Type: "1", Number: trace + "S1", Originator: "9" + s.x12ID().SenderID}},
				Review:       auth.Review{Category: "HS", CertificationType: "I"},
				Dates:        []auth.Date{{Qualifier: "472", Format: "D8", From: f.Case.ServiceDate.Time()}},
				Professional: &auth.Professional{Procedure: auth.Procedure{Qualifier: "HC", Code: code}, UnitBasis: "UN", Units: &u},
			}},
		},
	}
	if len(dx) == 0 {
		req.Event.Diagnoses = nil
	}
	if f.Location.PlaceOfService == "" {
		req.Event.Review.FacilityType, req.Event.Review.FacilityQualifier = "", ""
	}
	var buf bytes.Buffer
	if err := auth.Write(&buf, req); err != nil {
		return claimgate.AuthRecord{}, fmt.Errorf("write 278 for case %d: %w", caseID, err)
	}
	resp, xerr := s.RealTime.Exchange(ctx, clearinghouse.Services, buf.Bytes())
	a := claimgate.AuthRecord{CaseID: caseID, Code: code, OwnerID: actor.ID, Source: "278", CreatedBy: actor.ID, CreatedAt: now, Response: string(resp)}
	problem := ""
	if xerr != nil {
		problem = "no answer from the clearinghouse: " + claimgate.ErrorMessage(xerr)
	} else {
		problem = read278(&a, resp, trace, units)
	}
	if problem != "" {
		w, err := s.workFor(ctx, caseID, claimgate.Authorization, claimgate.AuthCoordinator,
			fmt.Sprintf("authorization request for %s failed: %s; request by phone or portal", code, problem), 1)
		if err != nil {
			return claimgate.AuthRecord{}, err
		}
		if w != nil {
			if canAuth(actor) && actor.Has(claimgate.AuthCoordinator) {
				w.OwnerID = actor.ID
			}
			if err := s.Store.CreateWorkItem(ctx, w, actor.ID); err != nil {
				return claimgate.AuthRecord{}, err
			}
		}
		return claimgate.AuthRecord{}, claimgate.Errorf(claimgate.Invalid, "authorization request for %s failed: %s", code, problem)
	}
	w, err := s.authWork(ctx, a)
	if err != nil {
		return claimgate.AuthRecord{}, err
	}
	if err := s.Store.AddAuthorization(ctx, &a, w); err != nil {
		return claimgate.AuthRecord{}, fmt.Errorf("record authorization: %w", err)
	}
	return a, s.resolvedAuthWork(ctx, actor, a)
}

// read278 fills a from the 278 response resp to the request with trace;
// it returns what makes the answer unusable, or "".
func read278(a *claimgate.AuthRecord, resp []byte, trace string, units int) string {
	ts, err := auth.Read(bytes.NewReader(resp))
	if err != nil || len(ts) != 1 || !ts[0].IsResponse() {
		return "the answer is not a readable 278 response"
	}
	t := ts[0]
	for _, rj := range [][]auth.Reject{t.Rejects, t.UMO.Rejects, t.Requester.Rejects, t.Subscriber.Rejects} {
		if len(rj) > 0 {
			return fmt.Sprintf("the payer rejected the request (AAA %s: %s)", rj[0].Reason, rejectText(rj[0].Reason))
		}
	}
	e := t.Event
	if e == nil {
		return "the 278 has no patient event"
	}
	traced := false
	for _, tr := range e.Traces {
		traced = traced || tr.Number == trace
	}
	if !traced {
		return "the 278 does not echo the request's trace number: it answers another request"
	}
	d, dates := e.Decision, e.Dates
	if len(e.Services) > 0 {
		d, dates = e.Services[0].Decision, e.Services[0].Dates
	}
	if d == nil {
		return "the 278 has no decision (HCR)"
	}
	a.Reason = "HCR " + d.Action
	if d.Reason != "" {
		a.Reason += " reason " + d.Reason
	}
	switch {
	case d.Certified():
		a.Status, a.Number = claimgate.AuthApproved, d.Number
		for _, dt := range dates {
			if dt.Qualifier == "007" {
				a.From, a.To = claimgate.DateOf(dt.From), claimgate.DateOf(dt.To)
			}
		}
		if a.From.IsZero() {
			if from, to, ok := e.CertifiedPeriod(); ok {
				a.From, a.To = claimgate.DateOf(from), claimgate.DateOf(to)
			}
		}
		if a.Number == "" || a.From.IsZero() {
			return "the payer certified the service without a number or dates"
		}
		if len(e.Services) > 0 && e.Services[0].Professional != nil && e.Services[0].Professional.Units != nil {
			a.Units = int(*e.Services[0].Professional.Units / 10000)
		}
		if d.Action == auth.CertifiedPartial || d.Action == auth.Modified {
			a.Reason += fmt.Sprintf(" (certified partially or modified; %d unit(s) asked)", units)
		}
	case d.Action == auth.NotCertified:
		a.Status = claimgate.AuthDenied
		a.Reason = "not certified by the payer (" + a.Reason + ")"
	case d.Action == auth.Pended:
		a.Status = claimgate.AuthPending
		a.Reason = "pended for review by the payer (" + a.Reason + ")"
	case d.Action == auth.NoActionRequired:
		a.Status = claimgate.AuthNotRequired
		a.Reason = "the payer answered no action required (HCR NA)"
	default:
		return fmt.Sprintf("the payer answered HCR %s: contact the payer", d.Action)
	}
	return ""
}

// isAck999 reports whether data is an interchange holding a 999: the
// answer of a clearinghouse that refused the request.
func isAck999(data []byte) bool {
	r := x12.NewReader(bytes.NewReader(data))
	for {
		seg, err := r.Next()
		if err != nil {
			return false
		}
		if seg.ID == "ST" {
			return seg.ElementString(1) == "999"
		}
	}
}
