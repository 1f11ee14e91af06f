package elig

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/spec"
)

// Write270 writes inquiries as X12: an ISA interchange for each run of
// inquiries that share their interchange control number, a GS group (GS01
// HS) for each run that shares a group control number, and an ST..SE set
// for each, with the delimiters of the first inquiry's envelope (or
// x12.DefaultDelimiters). Segments go in TR3 order, HL segments are
// numbered afresh and the trailers count what was written. An empty ST02
// becomes the set's sequence number in its group (0001, 0002...).
func Write270(w io.Writer, ts ...*Inquiry) error {
	sets := make([]set, len(ts))
	for i, t := range ts {
		s, err := t.set()
		if err != nil {
			return err
		}
		sets[i] = s
	}
	return writeSets(w, "elig", sets)
}

// Write271 writes responses as X12, as Write270 writes inquiries (GS01 HB).
func Write271(w io.Writer, ts ...*Response) error {
	sets := make([]set, len(ts))
	for i, t := range ts {
		s, err := t.set()
		if err != nil {
			return err
		}
		sets[i] = s
	}
	return writeSets(w, "elig", sets)
}

// WriteSet writes t as one 270 transaction set, ST through SE, into the
// open functional group of xw, with ST02 control. The caller opens and
// closes the interchange and group, and flushes.
func (t *Inquiry) WriteSet(xw *x12.Writer, control string) error {
	s, err := t.set()
	if err != nil {
		return err
	}
	if err := s.write(xw, control); err != nil {
		return fmt.Errorf("elig: %w", err)
	}
	return nil
}

// WriteSet writes t as one 271 transaction set into the open functional
// group of xw, as Inquiry.WriteSet does.
func (t *Response) WriteSet(xw *x12.Writer, control string) error {
	s, err := t.set()
	if err != nil {
		return err
	}
	if err := s.write(xw, control); err != nil {
		return fmt.Errorf("elig: %w", err)
	}
	return nil
}

func (t *Inquiry) set() (set, error) {
	return build("270", "HS", &t.Header, t.Sources, t.Other, t.OtherLoops)
}

func (t *Response) set() (set, error) {
	return build("271", "HB", &t.Header, t.Sources, t.Other, t.OtherLoops)
}

// builder turns the model into loops to write.
type builder struct {
	id  string // 270 or 271
	hl  hl
	err error
}

func (b *builder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf("elig: "+format+": %w", append(args, ErrGuide)...)
	}
}

func build(id, gs01 string, h *Header, sources []Source, other []Segment, otherLoops []Loop) (set, error) {
	version := h.Version
	if version == "" {
		version = Version
	}
	b := &builder{id: id}
	root := &wloop{id: "ST"}
	created := ""
	if !h.Created.IsZero() {
		created = formatClock(h.Created)
	}
	root.s("BHT", "0022", h.Purpose, h.Ref, day(h.Created), created, h.Type)
	root.others(other)
	for i := range sources {
		b.source(root, &sources[i])
	}
	root.otherLoops(otherLoops)
	if b.err != nil {
		return set{}, b.err
	}
	table, _ := spec.Lookup(id, version)
	return set{env: h.Envelope, id: id, version: version, gs01: gs01, root: root, table: table}, nil
}

func (b *builder) source(root *wloop, src *Source) {
	l := root.kid("2000A")
	n := b.hl.add(l, 0, "20", childCode(len(src.Receivers) > 0))
	if b.id == "270" && len(src.Rejects) > 0 {
		b.fail("information source %q: a 270 carries no AAA", src.Name.Last)
	}
	l.rejects(src.Rejects)
	l.others(src.LevelOther)
	b.party(l.kid("2100A"), &src.Party)
	for i := range src.Receivers {
		r := &src.Receivers[i]
		rl := l.kid("2000B")
		rn := b.hl.add(rl, n, "21", childCode(len(r.Subscribers) > 0))
		rl.others(r.LevelOther)
		b.party(rl.kid("2100B"), &r.Party)
		for j := range r.Subscribers {
			b.member(rl, rn, &r.Subscribers[j], true)
		}
		rl.otherLoops(r.OtherLoops)
	}
	l.otherLoops(src.OtherLoops)
}

// party writes a name loop's segments in TR3 order: NM1, REF, N3, N4, PER,
// AAA, PRV (the 271's 2100B/C/D put AAA before PRV too).
func (b *builder) party(l *wloop, pt *Party) {
	b.partyWith(l, pt, nil)
}

func (b *builder) partyWith(l *wloop, pt *Party, after func()) {
	if b.id == "270" && len(pt.Rejects) > 0 {
		b.fail("loop %s: a 270 carries no AAA", l.id)
	}
	l.name(pt.Name)
	l.refs(pt.Refs)
	l.address(pt.Address)
	l.contacts(pt.Contacts)
	l.rejects(pt.Rejects)
	l.specialty(pt.Specialty)
	if after != nil {
		after()
	}
	l.others(pt.Other)
}

func (b *builder) member(parent *wloop, parentHL int, m *Member, subscriber bool) {
	level, hlLoop, nameLoop, infoLoop := "22", "2000C", "2100C", "2110C"
	if !subscriber {
		level, hlLoop, nameLoop, infoLoop = "23", "2000D", "2100D", "2110D"
		if len(m.Dependents) > 0 {
			b.fail("dependent %s: a dependent has no dependents", m.Name.Last)
		}
	}
	l := parent.kid(hlLoop)
	n := b.hl.add(l, parentHL, level, childCode(len(m.Dependents) > 0))
	l.traces(m.Traces)
	l.others(m.LevelOther)
	nl := l.kid(nameLoop)
	b.partyWith(nl, &m.Party, func() {
		if !m.BirthDate.IsZero() || m.Sex != "" {
			f := ""
			if !m.BirthDate.IsZero() {
				f = "D8"
			}
			nl.s("DMG", f, day(m.BirthDate), m.Sex)
		}
		if in := m.Insured; in != nil {
			nl.s("INS", in.Subscriber, in.Relationship, in.MaintenanceType, in.MaintenanceReason,
				"", "", "", "", "", "", "", "", "", "", "", "", in.BirthSequence)
		}
		if len(m.Diagnoses) > 0 {
			el := make([]elem, len(m.Diagnoses))
			for i, d := range m.Diagnoses {
				el[i] = cm(d.Qualifier, d.Code)
			}
			nl.seg("HI", el...)
		}
		nl.dates(m.Dates)
	})
	switch {
	case b.id == "270" && len(m.Benefits) > 0:
		b.fail("member %s: a 270 carries no benefits (EB)", m.Name.Last)
	case b.id == "271" && len(m.Inquiries) > 0:
		b.fail("member %s: a 271 carries no inquiries (EQ)", m.Name.Last)
	}
	for i := range m.Inquiries {
		b.inquiry(nl.kid(infoLoop), &m.Inquiries[i])
	}
	for i := range m.Benefits {
		b.benefit(nl.kid(infoLoop), &m.Benefits[i], subscriber)
	}
	for i := range m.Dependents {
		b.member(l, n, &m.Dependents[i], false)
	}
	for _, o := range m.OtherLoops {
		// Kept loops under the name loop (such as a 2110 the model could
		// not type) go back there; others stay in the HL loop.
		if o.ID == infoLoop {
			nl.otherLoops([]Loop{o})
		} else {
			l.otherLoops([]Loop{o})
		}
	}
}

func (b *builder) inquiry(l *wloop, q *ServiceInquiry) {
	l.seg("EQ", reps(q.ServiceTypes), procElem(q.Procedure), v(q.CoverageLevel), v(""), cm(q.DiagnosisPointers...))
	for _, a := range q.Amounts {
		l.seg("AMT", v(a.Qualifier), amt(a.Cents))
	}
	l.refs(q.Refs)
	l.dates(q.Dates)
	l.others(q.Other)
}

func (b *builder) benefit(l *wloop, e *Benefit, subscriber bool) {
	if e.Info == "" {
		b.fail("benefit: EB01 is required")
	}
	l.seg("EB", v(e.Info), v(e.CoverageLevel), reps(e.ServiceTypes), v(e.InsuranceType), v(e.PlanDescription),
		v(e.Period), optAmt(e.Amount), optDec(e.Rate, 4), v(e.QuantityQualifier), optDec(e.Quantity, 4),
		v(e.Authorization), v(e.InPlanNetwork), procElem(e.Procedure), cm(e.DiagnosisPointers...))
	l.refs(e.Refs)
	l.dates(e.Dates)
	l.rejects(e.Rejects)
	for _, m := range e.Messages {
		l.s("MSG", m)
	}
	l.others(e.Other)
	l.otherLoops(e.OtherLoops)
	if len(e.Related) > 0 {
		rel := "2120C"
		if !subscriber {
			rel = "2120D"
		}
		l.s("LS", "2120")
		for i := range e.Related {
			b.party(l.kid(rel), &e.Related[i])
		}
		l.s("LE", "2120")
	}
}
