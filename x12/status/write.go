package status

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
	"github.com/claimgate/claimgate/x12/spec"
)

// Write writes ts as X12: an ISA interchange for each run of transactions
// that share their interchange control number, a GS group (GS01 HR for a
// 276, HN for a 277 or 277CA) for each run that shares a group control
// number, and an ST..SE set for each, with the delimiters of the first
// transaction's envelope (or x12.DefaultDelimiters). Segments go in TR3
// order, HL segments are numbered afresh and the trailers count what was
// written. An empty ST02 becomes the set's sequence number in its group.
func Write(w io.Writer, ts ...*Transaction) error {
	return txn.WriteAll(w, "status", ts, (*Transaction).set)
}

// WriteSet writes t as one transaction set, ST through SE, into the open
// functional group of xw, with ST02 control. The caller opens and closes
// the interchange and group, and flushes.
func (t *Transaction) WriteSet(xw *x12.Writer, control string) error {
	return txn.WriteOne(xw, "status", control, t.set)
}

// builder turns the model into loops to write.
type builder struct {
	txn.Builder
	kind Kind
}

func (t *Transaction) set() (txn.Set, error) {
	b := &builder{Builder: txn.Builder{Pkg: "status"}, kind: t.Kind}
	id, gs01, version := "277", "HN", VersionStatus
	switch t.Kind {
	case Request:
		id, gs01 = "276", "HR"
	case Response:
	case Ack:
		version = VersionAck
	default:
		return txn.Set{}, fmt.Errorf("status: kind %q: want 276, 277 or 277CA", t.Kind)
	}
	if t.Version != "" {
		version = t.Version
	}
	root := txn.NewRoot(txn.SetHeader{Structure: t.Kind.structure(), Purpose: t.Purpose, Ref: t.Ref, Created: t.Created, Type: t.Type}, t.Other)
	for i := range t.Sources {
		b.source(root, &t.Sources[i])
	}
	root.OtherLoops(t.OtherLoops)
	if b.Err != nil {
		return txn.Set{}, b.Err
	}
	table, _ := spec.Lookup(id, version)
	return txn.Set{Envelope: t.Envelope, ID: id, Version: version, GS01: gs01, Root: root, Table: table}, nil
}

func (b *builder) party(l *txn.WriteLoop, pt *Party) {
	l.NameLoop(pt.Name, pt.parts(), pt.Other, nil)
}

func (b *builder) source(root *txn.WriteLoop, src *Source) {
	l := root.Kid("2000A")
	n := b.HL.Add(l, 0, "20", txn.ChildCode(len(src.Receivers) > 0))
	l.Others(src.LevelOther)
	b.party(l.Kid("2100A"), &src.Party)
	if src.Report != nil {
		if b.kind != Ack {
			b.Fail("information source %s: only a 277CA has a 2200A loop", src.Name.Last)
		}
		b.report(l.Kid("2200A"), src.Report)
	}
	for i := range src.Receivers {
		r := &src.Receivers[i]
		rl := l.Kid("2000B")
		rn := b.HL.Add(rl, n, "21", txn.ChildCode(len(r.Providers) > 0))
		rl.Others(r.LevelOther)
		b.party(rl.Kid("2100B"), &r.Party)
		if r.Report != nil {
			if b.kind == Request {
				b.Fail("information receiver %s: a 276 has no 2200B loop", r.Name.Last)
			}
			b.report(rl.Kid("2200B"), r.Report)
		}
		for j := range r.Providers {
			b.provider(rl, rn, &r.Providers[j])
		}
		rl.OtherLoops(r.OtherLoops)
	}
	l.OtherLoops(src.OtherLoops)
}

func (b *builder) provider(parent *txn.WriteLoop, parentHL int, pr *Provider) {
	l := parent.Kid("2000C")
	n := b.HL.Add(l, parentHL, "19", txn.ChildCode(len(pr.Members) > 0))
	l.Others(pr.LevelOther)
	for i := range pr.Names {
		b.party(l.Kid("2100C"), &pr.Names[i])
	}
	if pr.Report != nil {
		if b.kind == Request {
			b.Fail("provider: a 276 has no 2200C loop")
		}
		b.report(l.Kid("2200C"), pr.Report)
	}
	for i := range pr.Members {
		b.member(l, n, &pr.Members[i], true)
	}
	l.OtherLoops(pr.OtherLoops)
}

func (b *builder) member(parent *txn.WriteLoop, parentHL int, m *Member, subscriber bool) {
	suffix, level, child := "D", "22", txn.ChildCode(len(m.Dependents) > 0)
	switch {
	case !subscriber:
		suffix, level, child = "E", "23", ""
	case b.kind == Ack:
		level, child = "PT", ""
	}
	if (!subscriber || b.kind == Ack) && len(m.Dependents) > 0 {
		b.Fail("member %s: only a 276 or 277 subscriber has dependents", m.Name.Last)
	}
	l := parent.Kid("2000" + suffix)
	n := b.HL.Add(l, parentHL, level, child)
	if (!m.BirthDate.IsZero() || m.Sex != "") && b.kind != Request {
		b.Fail("member %s: only a 276 has demographics (DMG)", m.Name.Last)
	}
	l.Demographics(m.BirthDate, m.Sex)
	l.Others(m.LevelOther)
	b.party(l.Kid("2100"+suffix), &m.Party)
	line := "2220" + suffix
	if b.kind == Request {
		line = "2210" + suffix
	}
	for i := range m.Claims {
		b.claim(l.Kid("2200"+suffix), &m.Claims[i], line)
	}
	for i := range m.Dependents {
		b.member(l, n, &m.Dependents[i], false)
	}
	l.OtherLoops(m.OtherLoops)
}

func (b *builder) report(l *txn.WriteLoop, r *Report) {
	l.Traces([]Trace{r.Trace})
	l.Dates(r.Dates)
	b.statuses(l, r.Statuses)
	l.Refs(r.Refs)
	for _, q := range r.Quantities {
		l.Seg("QTY", txn.V(q.Qualifier), txn.Dec(q.Value, 4))
	}
	for _, a := range r.Amounts {
		l.Seg("AMT", txn.V(a.Qualifier), txn.Amt(a.Cents))
	}
	l.Others(r.Other)
}

func (b *builder) statuses(l *txn.WriteLoop, ss []Status) {
	if len(ss) > 0 && b.kind == Request {
		b.Fail("a 276 carries no status (STC)")
	}
	for _, s := range ss {
		if len(s.Codes) == 0 || len(s.Codes) > 3 {
			b.Fail("STC with %d status codes: want 1 to 3", len(s.Codes))
			continue
		}
		codes := make([]txn.Elem, 3)
		for i := range codes {
			codes[i] = txn.V("")
			if i < len(s.Codes) {
				c := s.Codes[i]
				codes[i] = txn.Composite(c.Category, c.Code, c.Entity, c.CodeList)
			}
		}
		l.Seg("STC", codes[0], txn.V(txn.Day(s.Effective)), txn.V(s.Action), txn.OptAmt(s.Charge), txn.OptAmt(s.Paid),
			txn.V(txn.Day(s.Adjudicated)), txn.V(s.PaymentMethod), txn.V(txn.Day(s.Issued)), txn.V(s.CheckNumber), codes[1], codes[2], txn.V(s.Message))
	}
}

func (b *builder) claim(l *txn.WriteLoop, c *Claim, lineLoop string) {
	l.Traces([]Trace{c.Trace})
	b.statuses(l, c.Statuses)
	l.Refs(c.Refs)
	if c.Charge != nil {
		l.Seg("AMT", txn.V("T3"), txn.Amt(*c.Charge))
	}
	l.Dates(c.Dates)
	l.Others(c.Other)
	for i := range c.Lines {
		ln := &c.Lines[i]
		k := l.Kid(lineLoop)
		k.Seg("SVC", txn.ProcElem(&ln.Procedure), txn.Amt(ln.Charge), txn.OptAmt(ln.Paid), txn.V(ln.RevenueCode), txn.V(""), txn.V(""), txn.OptDec(ln.Units, 4))
		b.statuses(k, ln.Statuses)
		k.Refs(ln.Refs)
		k.Dates(ln.Dates)
		k.Others(ln.Other)
	}
	l.OtherLoops(c.OtherLoops)
}
