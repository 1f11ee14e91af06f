package auth

import (
	"fmt"
	"io"
	"slices"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
	"github.com/claimgate/claimgate/x12/spec"
)

// Write writes ts as X12: an ISA interchange for each run of transactions
// that share their interchange control number, a GS group (GS01 HI) for
// each run that shares a group control number, and an ST..SE set for each,
// with the delimiters of the first transaction's envelope (or
// x12.DefaultDelimiters). Segments go in TR3 order, HL segments are
// numbered afresh and the trailers count what was written. An empty ST02
// becomes the set's sequence number in its group.
func Write(w io.Writer, ts ...*Transaction) error {
	return txn.WriteAll(w, "auth", ts, (*Transaction).set)
}

// WriteSet writes t as one transaction set, ST through SE, into the open
// functional group of xw, with ST02 control. The caller opens and closes
// the interchange and group, and flushes.
func (t *Transaction) WriteSet(xw *x12.Writer, control string) error {
	return txn.WriteOne(xw, "auth", control, t.set)
}

type builder struct {
	txn.Builder
	response bool
}

func (t *Transaction) set() (txn.Set, error) {
	if t.Purpose != PurposeRequest && t.Purpose != PurposeResponse {
		return txn.Set{}, fmt.Errorf("auth: purpose (BHT02) %q: want 13 (request) or 11 (response)", t.Purpose)
	}
	version := t.Version
	if version == "" {
		version = Version
	}
	b := &builder{Builder: txn.Builder{Pkg: "auth"}, response: t.IsResponse()}
	root := txn.NewRoot(txn.SetHeader{Structure: "0007", Purpose: t.Purpose, Ref: t.Ref, Created: t.Created, Type: t.Type}, t.Other)
	b.transaction(root, t)
	root.OtherLoops(t.OtherLoops)
	if b.Err != nil {
		return txn.Set{}, b.Err
	}
	table, _ := spec.LookupVariant("278", version, t.Purpose)
	return txn.Set{Envelope: t.Envelope, ID: "278", Version: version, GS01: "HI", Root: root, Table: table}, nil
}

func (b *builder) transaction(root *txn.WriteLoop, t *Transaction) {
	if !b.response && len(t.Rejects) > 0 {
		b.Fail("a request carries no AAA")
	}
	a := root.Kid("2000A")
	an := b.HL.Add(a, 0, "20", "1")
	a.Rejects(t.Rejects)
	a.Others(t.LevelOther["2000A"])
	b.party(a.Kid("2010A"), &t.UMO)
	bl := a.Kid("2000B")
	bn := b.HL.Add(bl, an, "21", "1")
	bl.Others(t.LevelOther["2000B"])
	b.party(bl.Kid("2010B"), &t.Requester)
	for id := range t.LevelOther {
		if id != "2000A" && id != "2000B" {
			b.Fail("LevelOther for loop %q: want 2000A or 2000B", id)
		}
	}
	cl := bl.Kid("2000C")
	cn := b.HL.Add(cl, bn, "22", txn.ChildCode(t.Event != nil || t.Dependent != nil))
	b.member(cl, "2010C", &t.Subscriber)
	patient, pn := cl, cn
	if t.Dependent != nil {
		dl := cl.Kid("2000D")
		// HL04 of the dependent is 1: the event is required under it.
		pn = b.HL.Add(dl, cn, "23", "1")
		b.member(dl, "2010D", t.Dependent)
		patient = dl
		defer dl.OtherLoops(t.Dependent.OtherLoops)
	}
	if t.Event != nil {
		b.event(patient, pn, t.Event)
	}
	cl.OtherLoops(t.Subscriber.OtherLoops)
}

// party writes a name loop in TR3 order: NM1, REF, N3, N4, PER, AAA, PRV
// (the response's 2010B puts AAA before PRV too), DTP.
func (b *builder) party(l *txn.WriteLoop, pt *Party) {
	b.partyWith(l, pt, nil)
}

func (b *builder) partyWith(l *txn.WriteLoop, pt *Party, after func()) {
	if !b.response && len(pt.Rejects) > 0 {
		b.Fail("loop %s: a request carries no AAA", l.ID)
	}
	l.NameLoop(pt.Name, pt.parts(), pt.Other, after)
}

func (b *builder) member(hl *txn.WriteLoop, nameLoop string, m *Member) {
	hl.Others(m.LevelOther)
	nl := hl.Kid(nameLoop)
	b.partyWith(nl, &m.Party, func() {
		nl.Demographics(m.BirthDate, m.Sex)
		if in := m.Insured; in != nil {
			nl.S("INS", in.Subscriber, in.Relationship, "", "", "", "", "", "", "", "", "", "", "", "", "", "", in.BirthSequence)
		}
	})
}

// common writes what the event and service levels share, in TR3 order.
func (b *builder) common(l *txn.WriteLoop, traces []Trace, rejects []Reject, um Review, dec *Decision, refs []Ref, dates []Date) {
	if !b.response && (len(rejects) > 0 || dec != nil) {
		b.Fail("loop %s: a request carries no AAA or HCR", l.ID)
	}
	if b.response && dec == nil && l.ID == "2000F" {
		b.Fail("loop 2000F: a response service needs its decision (HCR)")
	}
	l.Traces(traces)
	l.Rejects(rejects)
	causes := make([]string, 5)
	copy(causes, um.RelatedCauses)
	if len(um.RelatedCauses) > 3 {
		b.Fail("UM05: %d related causes, want at most 3", len(um.RelatedCauses))
	}
	causes[3], causes[4] = um.AccidentState, um.AccidentCountry
	l.Seg("UM", txn.V(um.Category), txn.V(um.CertificationType), txn.V(um.ServiceType), txn.Composite(um.FacilityType, um.FacilityQualifier),
		txn.Composite(causes...), txn.V(um.LevelOfService), txn.V(""), txn.V(um.Prognosis))
	if dec != nil {
		l.S("HCR", dec.Action, dec.Number, dec.Reason, dec.SecondOpinion)
	}
	// REF*BB before REF*NT, DTPs in the TR3's qualifier order: emit puts
	// them so by their key codes.
	l.Refs(refs)
	l.Dates(dates)
}

func (b *builder) diagnoses(l *txn.WriteLoop, ds []Diagnosis) {
	if len(ds) == 0 {
		return
	}
	if len(ds) > 12 {
		b.Fail("HI: %d diagnoses, want at most 12", len(ds))
	}
	el := make([]txn.Elem, len(ds))
	for i, d := range ds {
		f := ""
		if !d.Date.IsZero() {
			f = "D8"
		}
		el[i] = txn.Composite(d.Qualifier, d.Code, f, txn.Day(d.Date))
	}
	l.Seg("HI", el...)
}

func delivery(l *txn.WriteLoop, d *Delivery) {
	if d == nil {
		return
	}
	l.Seg("HSD", txn.V(d.QuantityQualifier), txn.OptDec(d.Quantity, 4), txn.V(d.UnitBasis), txn.OptDec(d.SampleSize, 4), txn.V(d.Period),
		txn.OptDec(d.PeriodCount, 4), txn.V(d.Frequency), txn.V(d.Pattern))
}

func attachments(l *txn.WriteLoop, as []Attachment, msg string) {
	for _, a := range as {
		l.S("PWK", a.ReportType, a.Transmission, "", "", a.IDQualifier, a.ControlNumber, a.Description)
	}
	if msg != "" {
		l.S("MSG", msg)
	}
}

func (b *builder) event(parent *txn.WriteLoop, parentHL int, e *Event) {
	l := parent.Kid("2000E")
	n := b.HL.Add(l, parentHL, "EV", txn.ChildCode(len(e.Services) > 0))
	b.common(l, e.Traces, e.Rejects, e.Review, e.Decision, e.Refs, e.Dates)
	b.diagnoses(l, e.Diagnoses)
	delivery(l, e.Delivery)
	for _, c := range e.Certifications {
		if len(c.Conditions) > 5 {
			b.Fail("CRC*%s: %d conditions, want at most 5", c.Category, len(c.Conditions))
		}
		l.S("CRC", slices.Concat([]string{c.Category, c.Indicator}, c.Conditions)...)
	}
	if a := e.Admission; a != nil {
		l.S("CL1", a.Type, a.Source, a.PatientStatus, a.NursingHomeStatus)
	}
	attachments(l, e.Attachments, e.Message)
	l.Others(e.Other)
	transport, other := "2010EB", "2010EC"
	if b.response {
		transport, other = "2010EC", "2010EB"
		if len(e.OtherUMOs) > 0 {
			b.Fail("other UMOs (2010EC) are a request's")
		}
	} else if len(e.InfoContacts) > 0 {
		b.Fail("additional information contacts (2010EB) are a response's")
	}
	for i := range e.Providers {
		b.party(l.Kid("2010EA"), &e.Providers[i])
	}
	if b.response {
		for i := range e.InfoContacts {
			b.party(l.Kid(other), &e.InfoContacts[i])
		}
	}
	for i := range e.Transport {
		b.party(l.Kid(transport), &e.Transport[i])
	}
	for i := range e.OtherUMOs {
		b.party(l.Kid(other), &e.OtherUMOs[i])
	}
	for i := range e.Services {
		b.service(l, n, &e.Services[i])
	}
	l.OtherLoops(e.OtherLoops)
}

func (b *builder) service(parent *txn.WriteLoop, parentHL int, s *Service) {
	l := parent.Kid("2000F")
	b.HL.Add(l, parentHL, "SS", "0")
	b.common(l, s.Traces, s.Rejects, s.Review, s.Decision, s.Refs, s.Dates)
	if len(s.Diagnoses) > 0 && !b.response {
		b.Fail("loop 2000F: a request's service has no diagnoses (HI)")
	}
	b.diagnoses(l, s.Diagnoses)
	if p := s.Professional; p != nil {
		l.Seg("SV1", txn.ProcElem(&p.Procedure), txn.OptAmt(p.Charge), txn.V(p.UnitBasis), txn.OptDec(p.Units, 4), txn.V(""), txn.V(""), txn.Composite(p.DiagnosisPointers...))
	}
	if in := s.Institutional; in != nil {
		l.Seg("SV2", txn.V(in.RevenueCode), txn.ProcElem(in.Procedure), txn.OptAmt(in.Charge), txn.V(in.UnitBasis), txn.OptDec(in.Units, 4), txn.OptAmt(in.Rate))
	}
	if d := s.Dental; d != nil {
		l.Seg("SV3", txn.ProcElem(&d.Procedure), txn.OptAmt(d.Charge), txn.V(d.FacilityType), txn.Composite(d.Cavity...), txn.V(d.Prosthesis), txn.OptDec(d.Units, 4))
	}
	delivery(l, s.Delivery)
	attachments(l, s.Attachments, s.Message)
	l.Others(s.Other)
	prov := "2010F"
	if b.response {
		prov = "2010FA"
	} else if len(s.InfoContacts) > 0 {
		b.Fail("additional information contacts (2010FB) are a response's")
	}
	for i := range s.Providers {
		b.party(l.Kid(prov), &s.Providers[i])
	}
	for i := range s.InfoContacts {
		b.party(l.Kid("2010FB"), &s.InfoContacts[i])
	}
	l.OtherLoops(s.OtherLoops)
}
