package auth

import (
	"fmt"
	"io"
	"slices"

	"github.com/claimgate/claimgate/x12"
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
	sets := make([]set, len(ts))
	for i, t := range ts {
		s, err := t.set()
		if err != nil {
			return err
		}
		sets[i] = s
	}
	return writeSets(w, "auth", sets)
}

// WriteSet writes t as one transaction set, ST through SE, into the open
// functional group of xw, with ST02 control. The caller opens and closes
// the interchange and group, and flushes.
func (t *Transaction) WriteSet(xw *x12.Writer, control string) error {
	s, err := t.set()
	if err != nil {
		return err
	}
	if err := s.write(xw, control); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return nil
}

type builder struct {
	response bool
	hl       hl
	err      error
}

func (b *builder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf("auth: "+format+": %w", append(args, ErrGuide)...)
	}
}

func (t *Transaction) set() (set, error) {
	if t.Purpose != PurposeRequest && t.Purpose != PurposeResponse {
		return set{}, fmt.Errorf("auth: purpose (BHT02) %q: want 13 (request) or 11 (response)", t.Purpose)
	}
	version := t.Version
	if version == "" {
		version = Version
	}
	b := &builder{response: t.IsResponse()}
	root := &wloop{id: "ST"}
	created := ""
	if !t.Created.IsZero() {
		created = formatClock(t.Created)
	}
	root.s("BHT", "0007", t.Purpose, t.Ref, day(t.Created), created, t.Type)
	root.others(t.Other)
	b.transaction(root, t)
	root.otherLoops(t.OtherLoops)
	if b.err != nil {
		return set{}, b.err
	}
	table, _ := spec.LookupVariant("278", version, t.Purpose)
	return set{env: t.Envelope, id: "278", version: version, gs01: "HI", root: root, table: table}, nil
}

func (b *builder) transaction(root *wloop, t *Transaction) {
	if !b.response && len(t.Rejects) > 0 {
		b.fail("a request carries no AAA")
	}
	a := root.kid("2000A")
	an := b.hl.add(a, 0, "20", "1")
	a.rejects(t.Rejects)
	a.others(t.LevelOther["2000A"])
	b.party(a.kid("2010A"), &t.UMO)
	bl := a.kid("2000B")
	bn := b.hl.add(bl, an, "21", "1")
	bl.others(t.LevelOther["2000B"])
	b.party(bl.kid("2010B"), &t.Requester)
	for id := range t.LevelOther {
		if id != "2000A" && id != "2000B" {
			b.fail("LevelOther for loop %q: want 2000A or 2000B", id)
		}
	}
	cl := bl.kid("2000C")
	cn := b.hl.add(cl, bn, "22", childCode(t.Event != nil || t.Dependent != nil))
	b.member(cl, "2010C", &t.Subscriber)
	patient, pn := cl, cn
	if t.Dependent != nil {
		dl := cl.kid("2000D")
		// HL04 of the dependent is 1: the event is required under it.
		pn = b.hl.add(dl, cn, "23", "1")
		b.member(dl, "2010D", t.Dependent)
		patient = dl
		defer dl.otherLoops(t.Dependent.OtherLoops)
	}
	if t.Event != nil {
		b.event(patient, pn, t.Event)
	}
	cl.otherLoops(t.Subscriber.OtherLoops)
}

// party writes a name loop in TR3 order: NM1, REF, N3, N4, PER, AAA, PRV
// (the response's 2010B puts AAA before PRV too), DTP.
func (b *builder) party(l *wloop, pt *Party) {
	b.partyWith(l, pt, nil)
}

func (b *builder) partyWith(l *wloop, pt *Party, after func()) {
	if !b.response && len(pt.Rejects) > 0 {
		b.fail("loop %s: a request carries no AAA", l.id)
	}
	l.name(pt.Name)
	l.refs(pt.Refs)
	l.address(pt.Address)
	l.contacts(pt.Contacts)
	l.rejects(pt.Rejects)
	l.specialty(pt.Specialty)
	l.dates(pt.Dates)
	if after != nil {
		after()
	}
	l.others(pt.Other)
}

func (b *builder) member(hl *wloop, nameLoop string, m *Member) {
	hl.others(m.LevelOther)
	nl := hl.kid(nameLoop)
	b.partyWith(nl, &m.Party, func() {
		if !m.BirthDate.IsZero() || m.Sex != "" {
			f := ""
			if !m.BirthDate.IsZero() {
				f = "D8"
			}
			nl.s("DMG", f, day(m.BirthDate), m.Sex)
		}
		if in := m.Insured; in != nil {
			nl.s("INS", in.Subscriber, in.Relationship, "", "", "", "", "", "", "", "", "", "", "", "", "", "", in.BirthSequence)
		}
	})
}

// common writes what the event and service levels share, in TR3 order.
func (b *builder) common(l *wloop, traces []Trace, rejects []Reject, um Review, dec *Decision, refs []Ref, dates []Date) {
	if !b.response && (len(rejects) > 0 || dec != nil) {
		b.fail("loop %s: a request carries no AAA or HCR", l.id)
	}
	if b.response && dec == nil && l.id == "2000F" {
		b.fail("loop 2000F: a response service needs its decision (HCR)")
	}
	l.traces(traces)
	l.rejects(rejects)
	causes := make([]string, 5)
	copy(causes, um.RelatedCauses)
	if len(um.RelatedCauses) > 3 {
		b.fail("UM05: %d related causes, want at most 3", len(um.RelatedCauses))
	}
	causes[3], causes[4] = um.AccidentState, um.AccidentCountry
	l.seg("UM", v(um.Category), v(um.CertificationType), v(um.ServiceType), cm(um.FacilityType, um.FacilityQualifier),
		cm(causes...), v(um.LevelOfService), v(""), v(um.Prognosis))
	if dec != nil {
		l.s("HCR", dec.Action, dec.Number, dec.Reason, dec.SecondOpinion)
	}
	// REF*BB before REF*NT, DTPs in the TR3's qualifier order: emit puts
	// them so by their key codes.
	l.refs(refs)
	l.dates(dates)
}

func (b *builder) diagnoses(l *wloop, ds []Diagnosis) {
	if len(ds) == 0 {
		return
	}
	if len(ds) > 12 {
		b.fail("HI: %d diagnoses, want at most 12", len(ds))
	}
	el := make([]elem, len(ds))
	for i, d := range ds {
		f := ""
		if !d.Date.IsZero() {
			f = "D8"
		}
		el[i] = cm(d.Qualifier, d.Code, f, day(d.Date))
	}
	l.seg("HI", el...)
}

func (l *wloop) delivery(d *Delivery) {
	if d == nil {
		return
	}
	l.seg("HSD", v(d.QuantityQualifier), optDec(d.Quantity, 4), v(d.UnitBasis), optDec(d.SampleSize, 4), v(d.Period),
		optDec(d.PeriodCount, 4), v(d.Frequency), v(d.Pattern))
}

func (l *wloop) attachments(as []Attachment, msg string) {
	for _, a := range as {
		l.s("PWK", a.ReportType, a.Transmission, "", "", a.IDQualifier, a.ControlNumber, a.Description)
	}
	if msg != "" {
		l.s("MSG", msg)
	}
}

func (b *builder) event(parent *wloop, parentHL int, e *Event) {
	l := parent.kid("2000E")
	n := b.hl.add(l, parentHL, "EV", childCode(len(e.Services) > 0))
	b.common(l, e.Traces, e.Rejects, e.Review, e.Decision, e.Refs, e.Dates)
	b.diagnoses(l, e.Diagnoses)
	l.delivery(e.Delivery)
	for _, c := range e.Certifications {
		if len(c.Conditions) > 5 {
			b.fail("CRC*%s: %d conditions, want at most 5", c.Category, len(c.Conditions))
		}
		l.s("CRC", slices.Concat([]string{c.Category, c.Indicator}, c.Conditions)...)
	}
	if a := e.Admission; a != nil {
		l.s("CL1", a.Type, a.Source, a.PatientStatus, a.NursingHomeStatus)
	}
	l.attachments(e.Attachments, e.Message)
	l.others(e.Other)
	transport, other := "2010EB", "2010EC"
	if b.response {
		transport, other = "2010EC", "2010EB"
		if len(e.OtherUMOs) > 0 {
			b.fail("other UMOs (2010EC) are a request's")
		}
	} else if len(e.InfoContacts) > 0 {
		b.fail("additional information contacts (2010EB) are a response's")
	}
	for i := range e.Providers {
		b.party(l.kid("2010EA"), &e.Providers[i])
	}
	if b.response {
		for i := range e.InfoContacts {
			b.party(l.kid(other), &e.InfoContacts[i])
		}
	}
	for i := range e.Transport {
		b.party(l.kid(transport), &e.Transport[i])
	}
	for i := range e.OtherUMOs {
		b.party(l.kid(other), &e.OtherUMOs[i])
	}
	for i := range e.Services {
		b.service(l, n, &e.Services[i])
	}
	l.otherLoops(e.OtherLoops)
}

func (b *builder) service(parent *wloop, parentHL int, s *Service) {
	l := parent.kid("2000F")
	b.hl.add(l, parentHL, "SS", "0")
	b.common(l, s.Traces, s.Rejects, s.Review, s.Decision, s.Refs, s.Dates)
	if len(s.Diagnoses) > 0 && !b.response {
		b.fail("loop 2000F: a request's service has no diagnoses (HI)")
	}
	b.diagnoses(l, s.Diagnoses)
	if p := s.Professional; p != nil {
		l.seg("SV1", procElem(&p.Procedure), optAmt(p.Charge), v(p.UnitBasis), optDec(p.Units, 4), v(""), v(""), cm(p.DiagnosisPointers...))
	}
	if in := s.Institutional; in != nil {
		l.seg("SV2", v(in.RevenueCode), procElem(in.Procedure), optAmt(in.Charge), v(in.UnitBasis), optDec(in.Units, 4), optAmt(in.Rate))
	}
	if d := s.Dental; d != nil {
		l.seg("SV3", procElem(&d.Procedure), optAmt(d.Charge), v(d.FacilityType), cm(d.Cavity...), v(d.Prosthesis), optDec(d.Units, 4))
	}
	l.delivery(s.Delivery)
	l.attachments(s.Attachments, s.Message)
	l.others(s.Other)
	prov := "2010F"
	if b.response {
		prov = "2010FA"
	} else if len(s.InfoContacts) > 0 {
		b.fail("additional information contacts (2010FB) are a response's")
	}
	for i := range s.Providers {
		b.party(l.kid(prov), &s.Providers[i])
	}
	for i := range s.InfoContacts {
		b.party(l.kid("2010FB"), &s.InfoContacts[i])
	}
	l.otherLoops(s.OtherLoops)
}
