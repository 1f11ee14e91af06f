package status

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
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
	sets := make([]set, len(ts))
	for i, t := range ts {
		s, err := t.set()
		if err != nil {
			return err
		}
		sets[i] = s
	}
	return writeSets(w, "status", sets)
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
		return fmt.Errorf("status: %w", err)
	}
	return nil
}

// builder turns the model into loops to write.
type builder struct {
	kind Kind
	hl   hl
	err  error
}

func (b *builder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf("status: "+format+": %w", append(args, ErrGuide)...)
	}
}

func (t *Transaction) set() (set, error) {
	b := &builder{kind: t.Kind}
	id, gs01, version := "277", "HN", VersionStatus
	switch t.Kind {
	case Request:
		id, gs01 = "276", "HR"
	case Response:
	case Ack:
		version = VersionAck
	default:
		return set{}, fmt.Errorf("status: kind %q: want 276, 277 or 277CA", t.Kind)
	}
	if t.Version != "" {
		version = t.Version
	}
	root := &wloop{id: "ST"}
	created := ""
	if !t.Created.IsZero() {
		created = formatClock(t.Created)
	}
	root.s("BHT", t.Kind.structure(), t.Purpose, t.Ref, day(t.Created), created, t.Type)
	root.others(t.Other)
	for i := range t.Sources {
		b.source(root, &t.Sources[i])
	}
	root.otherLoops(t.OtherLoops)
	if b.err != nil {
		return set{}, b.err
	}
	table, _ := spec.Lookup(id, version)
	return set{env: t.Envelope, id: id, version: version, gs01: gs01, root: root, table: table}, nil
}

func (b *builder) party(l *wloop, pt *Party) {
	l.name(pt.Name)
	l.contacts(pt.Contacts)
	l.others(pt.Other)
}

func (b *builder) source(root *wloop, src *Source) {
	l := root.kid("2000A")
	n := b.hl.add(l, 0, "20", childCode(len(src.Receivers) > 0))
	l.others(src.LevelOther)
	b.party(l.kid("2100A"), &src.Party)
	if src.Report != nil {
		if b.kind != Ack {
			b.fail("information source %s: only a 277CA has a 2200A loop", src.Name.Last)
		}
		b.report(l.kid("2200A"), src.Report)
	}
	for i := range src.Receivers {
		r := &src.Receivers[i]
		rl := l.kid("2000B")
		rn := b.hl.add(rl, n, "21", childCode(len(r.Providers) > 0))
		rl.others(r.LevelOther)
		b.party(rl.kid("2100B"), &r.Party)
		if r.Report != nil {
			if b.kind == Request {
				b.fail("information receiver %s: a 276 has no 2200B loop", r.Name.Last)
			}
			b.report(rl.kid("2200B"), r.Report)
		}
		for j := range r.Providers {
			b.provider(rl, rn, &r.Providers[j])
		}
		rl.otherLoops(r.OtherLoops)
	}
	l.otherLoops(src.OtherLoops)
}

func (b *builder) provider(parent *wloop, parentHL int, pr *Provider) {
	l := parent.kid("2000C")
	n := b.hl.add(l, parentHL, "19", childCode(len(pr.Members) > 0))
	l.others(pr.LevelOther)
	for i := range pr.Names {
		b.party(l.kid("2100C"), &pr.Names[i])
	}
	if pr.Report != nil {
		if b.kind == Request {
			b.fail("provider: a 276 has no 2200C loop")
		}
		b.report(l.kid("2200C"), pr.Report)
	}
	for i := range pr.Members {
		b.member(l, n, &pr.Members[i], true)
	}
	l.otherLoops(pr.OtherLoops)
}

func (b *builder) member(parent *wloop, parentHL int, m *Member, subscriber bool) {
	suffix, level, child := "D", "22", childCode(len(m.Dependents) > 0)
	switch {
	case !subscriber:
		suffix, level, child = "E", "23", ""
	case b.kind == Ack:
		level, child = "PT", ""
	}
	if (!subscriber || b.kind == Ack) && len(m.Dependents) > 0 {
		b.fail("member %s: only a 276 or 277 subscriber has dependents", m.Name.Last)
	}
	l := parent.kid("2000" + suffix)
	n := b.hl.add(l, parentHL, level, child)
	if !m.BirthDate.IsZero() || m.Sex != "" {
		if b.kind != Request {
			b.fail("member %s: only a 276 has demographics (DMG)", m.Name.Last)
		}
		f := ""
		if !m.BirthDate.IsZero() {
			f = "D8"
		}
		l.s("DMG", f, day(m.BirthDate), m.Sex)
	}
	l.others(m.LevelOther)
	b.party(l.kid("2100"+suffix), &m.Party)
	line := "2220" + suffix
	if b.kind == Request {
		line = "2210" + suffix
	}
	for i := range m.Claims {
		b.claim(l.kid("2200"+suffix), &m.Claims[i], line)
	}
	for i := range m.Dependents {
		b.member(l, n, &m.Dependents[i], false)
	}
	l.otherLoops(m.OtherLoops)
}

func (b *builder) report(l *wloop, r *Report) {
	l.traces([]Trace{r.Trace})
	l.dates(r.Dates)
	b.statuses(l, r.Statuses)
	l.refs(r.Refs)
	for _, q := range r.Quantities {
		l.seg("QTY", v(q.Qualifier), dec(q.Value, 4))
	}
	for _, a := range r.Amounts {
		l.seg("AMT", v(a.Qualifier), amt(a.Cents))
	}
	l.others(r.Other)
}

func (b *builder) statuses(l *wloop, ss []Status) {
	if len(ss) > 0 && b.kind == Request {
		b.fail("a 276 carries no status (STC)")
	}
	for _, s := range ss {
		if len(s.Codes) == 0 || len(s.Codes) > 3 {
			b.fail("STC with %d status codes: want 1 to 3", len(s.Codes))
			continue
		}
		codes := make([]elem, 3)
		for i := range codes {
			codes[i] = v("")
			if i < len(s.Codes) {
				c := s.Codes[i]
				codes[i] = cm(c.Category, c.Code, c.Entity, c.CodeList)
			}
		}
		l.seg("STC", codes[0], v(day(s.Effective)), v(s.Action), optAmt(s.Charge), optAmt(s.Paid),
			v(day(s.Adjudicated)), v(s.PaymentMethod), v(day(s.Issued)), v(s.CheckNumber), codes[1], codes[2], v(s.Message))
	}
}

func (b *builder) claim(l *wloop, c *Claim, lineLoop string) {
	l.traces([]Trace{c.Trace})
	b.statuses(l, c.Statuses)
	l.refs(c.Refs)
	if c.Charge != nil {
		l.seg("AMT", v("T3"), amt(*c.Charge))
	}
	l.dates(c.Dates)
	l.others(c.Other)
	for i := range c.Lines {
		ln := &c.Lines[i]
		k := l.kid(lineLoop)
		k.seg("SVC", procElem(&ln.Procedure), amt(ln.Charge), optAmt(ln.Paid), v(ln.RevenueCode), v(""), v(""), optDec(ln.Units, 4))
		b.statuses(k, ln.Statuses)
		k.refs(ln.Refs)
		k.dates(ln.Dates)
		k.others(ln.Other)
	}
	l.otherLoops(c.OtherLoops)
}
