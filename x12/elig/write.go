package elig

import (
	"io"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
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
	return txn.WriteAll(w, "elig", ts, (*Inquiry).set)
}

// Write271 writes responses as X12, as Write270 writes inquiries (GS01 HB).
func Write271(w io.Writer, ts ...*Response) error {
	return txn.WriteAll(w, "elig", ts, (*Response).set)
}

// WriteSet writes t as one 270 transaction set, ST through SE, into the
// open functional group of xw, with ST02 control. The caller opens and
// closes the interchange and group, and flushes.
func (t *Inquiry) WriteSet(xw *x12.Writer, control string) error {
	return txn.WriteOne(xw, "elig", control, t.set)
}

// WriteSet writes t as one 271 transaction set into the open functional
// group of xw, as Inquiry.WriteSet does.
func (t *Response) WriteSet(xw *x12.Writer, control string) error {
	return txn.WriteOne(xw, "elig", control, t.set)
}

func (t *Inquiry) set() (txn.Set, error) {
	return build("270", "HS", &t.Header, t.Sources, t.Other, t.OtherLoops)
}

func (t *Response) set() (txn.Set, error) {
	return build("271", "HB", &t.Header, t.Sources, t.Other, t.OtherLoops)
}

// builder turns the model into loops to write.
type builder struct {
	txn.Builder
	id string // 270 or 271
}

func build(id, gs01 string, h *Header, sources []Source, other []Segment, otherLoops []Loop) (txn.Set, error) {
	version := h.Version
	if version == "" {
		version = Version
	}
	b := &builder{Builder: txn.Builder{Pkg: "elig"}, id: id}
	root := txn.NewRoot(txn.SetHeader{Structure: "0022", Purpose: h.Purpose, Ref: h.Ref, Created: h.Created, Type: h.Type}, other)
	for i := range sources {
		b.source(root, &sources[i])
	}
	root.OtherLoops(otherLoops)
	if b.Err != nil {
		return txn.Set{}, b.Err
	}
	table, _ := spec.Lookup(id, version)
	return txn.Set{Envelope: h.Envelope, ID: id, Version: version, GS01: gs01, Root: root, Table: table}, nil
}

func (b *builder) source(root *txn.WriteLoop, src *Source) {
	l := root.Kid("2000A")
	n := b.HL.Add(l, 0, "20", txn.ChildCode(len(src.Receivers) > 0))
	if b.id == "270" && len(src.Rejects) > 0 {
		b.Fail("information source %q: a 270 carries no AAA", src.Name.Last)
	}
	l.Rejects(src.Rejects)
	l.Others(src.LevelOther)
	b.party(l.Kid("2100A"), &src.Party)
	for i := range src.Receivers {
		r := &src.Receivers[i]
		rl := l.Kid("2000B")
		rn := b.HL.Add(rl, n, "21", txn.ChildCode(len(r.Subscribers) > 0))
		rl.Others(r.LevelOther)
		b.party(rl.Kid("2100B"), &r.Party)
		for j := range r.Subscribers {
			b.member(rl, rn, &r.Subscribers[j], true)
		}
		rl.OtherLoops(r.OtherLoops)
	}
	l.OtherLoops(src.OtherLoops)
}

// party writes a name loop's segments in TR3 order: NM1, REF, N3, N4, PER,
// AAA, PRV (the 271's 2100B/C/D put AAA before PRV too).
func (b *builder) party(l *txn.WriteLoop, pt *Party) {
	b.partyWith(l, pt, nil)
}

func (b *builder) partyWith(l *txn.WriteLoop, pt *Party, after func()) {
	if b.id == "270" && len(pt.Rejects) > 0 {
		b.Fail("loop %s: a 270 carries no AAA", l.ID)
	}
	l.NameLoop(pt.Name, pt.parts(), pt.Other, after)
}

func (b *builder) member(parent *txn.WriteLoop, parentHL int, m *Member, subscriber bool) {
	level, hlLoop, nameLoop, infoLoop := "22", "2000C", "2100C", "2110C"
	if !subscriber {
		level, hlLoop, nameLoop, infoLoop = "23", "2000D", "2100D", "2110D"
		if len(m.Dependents) > 0 {
			b.Fail("dependent %s: a dependent has no dependents", m.Name.Last)
		}
	}
	l := parent.Kid(hlLoop)
	n := b.HL.Add(l, parentHL, level, txn.ChildCode(len(m.Dependents) > 0))
	l.Traces(m.Traces)
	l.Others(m.LevelOther)
	nl := l.Kid(nameLoop)
	b.partyWith(nl, &m.Party, func() {
		nl.Demographics(m.BirthDate, m.Sex)
		if in := m.Insured; in != nil {
			nl.S("INS", in.Subscriber, in.Relationship, in.MaintenanceType, in.MaintenanceReason,
				"", "", "", "", "", "", "", "", "", "", "", "", in.BirthSequence)
		}
		if len(m.Diagnoses) > 0 {
			el := make([]txn.Elem, len(m.Diagnoses))
			for i, d := range m.Diagnoses {
				el[i] = txn.Composite(d.Qualifier, d.Code)
			}
			nl.Seg("HI", el...)
		}
		nl.Dates(m.Dates)
	})
	switch {
	case b.id == "270" && len(m.Benefits) > 0:
		b.Fail("member %s: a 270 carries no benefits (EB)", m.Name.Last)
	case b.id == "271" && len(m.Inquiries) > 0:
		b.Fail("member %s: a 271 carries no inquiries (EQ)", m.Name.Last)
	}
	for i := range m.Inquiries {
		b.inquiry(nl.Kid(infoLoop), &m.Inquiries[i])
	}
	for i := range m.Benefits {
		b.benefit(nl.Kid(infoLoop), &m.Benefits[i], subscriber)
	}
	for i := range m.Dependents {
		b.member(l, n, &m.Dependents[i], false)
	}
	for _, o := range m.OtherLoops {
		// Kept loops under the name loop (such as a 2110 the model could
		// not type) go back there; others stay in the HL loop.
		if o.ID == infoLoop {
			nl.OtherLoops([]Loop{o})
		} else {
			l.OtherLoops([]Loop{o})
		}
	}
}

func (b *builder) inquiry(l *txn.WriteLoop, q *ServiceInquiry) {
	l.Seg("EQ", txn.Reps(q.ServiceTypes), txn.ProcElem(q.Procedure), txn.V(q.CoverageLevel), txn.V(""), txn.Composite(q.DiagnosisPointers...))
	for _, a := range q.Amounts {
		l.Seg("AMT", txn.V(a.Qualifier), txn.Amt(a.Cents))
	}
	l.Refs(q.Refs)
	l.Dates(q.Dates)
	l.Others(q.Other)
}

func (b *builder) benefit(l *txn.WriteLoop, e *Benefit, subscriber bool) {
	if e.Info == "" {
		b.Fail("benefit: EB01 is required")
	}
	l.Seg("EB", txn.V(e.Info), txn.V(e.CoverageLevel), txn.Reps(e.ServiceTypes), txn.V(e.InsuranceType), txn.V(e.PlanDescription),
		txn.V(e.Period), txn.OptAmt(e.Amount), txn.OptDec(e.Rate, 4), txn.V(e.QuantityQualifier), txn.OptDec(e.Quantity, 4),
		txn.V(e.Authorization), txn.V(e.InPlanNetwork), txn.ProcElem(e.Procedure), txn.Composite(e.DiagnosisPointers...))
	l.Refs(e.Refs)
	l.Dates(e.Dates)
	l.Rejects(e.Rejects)
	for _, m := range e.Messages {
		l.S("MSG", m)
	}
	l.Others(e.Other)
	l.OtherLoops(e.OtherLoops)
	if len(e.Related) > 0 {
		rel := "2120C"
		if !subscriber {
			rel = "2120D"
		}
		l.S("LS", "2120")
		for i := range e.Related {
			b.party(l.Kid(rel), &e.Related[i])
		}
		l.S("LE", "2120")
	}
}
