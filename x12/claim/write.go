package claim

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
	"github.com/claimgate/claimgate/x12/spec"
)

// Write writes ts as X12: an ISA interchange with a GS group around each
// run of transactions that share their envelope's interchange and group
// control numbers, and an ST..SE transaction set for each, with the
// delimiters of the first transaction's envelope (or
// x12.DefaultDelimiters). Segments go in TR3 order, HL segments are
// numbered afresh (HL01, HL02 and HL04 follow the hierarchy written) and
// the trailers count what was written. The envelope headers must be
// complete enough for x12.Writer's BeginInterchange and BeginGroup; GS01
// defaults to HC, GS08 to the transaction's Version and an empty ST02 to
// the set's sequence number in its group (0001, 0002...).
func Write(w io.Writer, ts ...*Transaction) error {
	return txn.WriteRuns(w, "claim", "HC", len(ts),
		func(i int) txn.Envelope { return txn.Envelope(ts[i].Envelope) },
		func(i int) string { return ts[i].Version },
		func(xw *x12.Writer, i int, control string) error { return WriteSet(xw, ts[i], control) })
}

// WriteSet writes t as one transaction set, ST through SE, into the open
// functional group of xw, with ST02 control. The caller opens and closes
// the interchange and group, and flushes.
func WriteSet(xw *x12.Writer, t *Transaction, control string) error {
	tr, ok := spec.Lookup("837", t.Version)
	if !ok {
		return fmt.Errorf("claim: version %q is not an 837P or 837I this package writes", t.Version)
	}
	b := &builder{inst: t.IsInstitutional()}
	root := b.transaction(t)
	if b.err != nil {
		return fmt.Errorf("claim: %w", b.err)
	}
	if err := xw.BeginSet("837", control, t.Version); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	if err := emit(xw, &tr.Root, root); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	if err := xw.EndSet(); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	return nil
}

// wseg is a segment to write: typed elements (each a list of
// components) or a kept segment.
type wseg struct {
	id  string
	el  [][]string
	raw *x12.Segment
}

// value returns component j of element i, for matching the TR3 table.
func (s *wseg) value(i, j int) string {
	if s.raw != nil {
		return string(s.raw.Component(i, j))
	}
	if i < 1 || i > len(s.el) || j < 1 || j > len(s.el[i-1]) {
		return ""
	}
	return s.el[i-1][j-1]
}

// wloop is a loop to write: its segments and child loops in any order.
// emit puts them in the order of the TR3 table.
type wloop struct {
	segs []wseg
	kids []*wloop
}

func (l *wloop) add(id string, el ...[]string) { l.segs = append(l.segs, wseg{id: id, el: el}) }

// s adds a segment of simple elements.
func (l *wloop) s(id string, el ...string) {
	ce := make([][]string, len(el))
	for i, e := range el {
		ce[i] = []string{e}
	}
	l.add(id, ce...)
}

func (l *wloop) kid() *wloop {
	k := &wloop{}
	l.kids = append(l.kids, k)
	return k
}

func (l *wloop) others(os []Segment) {
	for _, o := range os {
		s := x12.ParseSegment([]byte(o), x12.DefaultDelimiters)
		l.segs = append(l.segs, wseg{id: s.ID, raw: s})
	}
}

func (l *wloop) otherLoops(ls []Loop) {
	for _, o := range ls {
		k := l.kid()
		k.others(o.Segments)
		k.otherLoops(o.Loops)
	}
}

// flatCache holds the children of each table loop with wrappers inlined.
var flatCache sync.Map // *spec.Loop → []spec.Node

func children(l *spec.Loop) []spec.Node {
	if v, ok := flatCache.Load(l); ok {
		return v.([]spec.Node)
	}
	var flatten func([]spec.Node) []spec.Node
	flatten = func(nodes []spec.Node) []spec.Node {
		var out []spec.Node
		for _, n := range nodes {
			if n.Loop != nil && n.Loop.Wrapper {
				out = append(out, flatten(n.Loop.Children)...)
				continue
			}
			out = append(out, n)
		}
		return out
	}
	nodes := flatten(l.Children)
	flatCache.Store(l, nodes)
	return nodes
}

func trigger(l *spec.Loop) *spec.Segment {
	for _, n := range children(l) {
		if n.Segment != nil {
			return n.Segment
		}
		return trigger(n.Loop)
	}
	return nil
}

func matches(sp *spec.Segment, s *wseg) bool {
	if sp == nil || sp.ID != s.id {
		return false
	}
	for _, k := range sp.Keys() {
		if k.IsComposite() {
			for _, c := range k.Components {
				if c.Key && len(c.Codes) > 0 && !slices.Contains(c.Codes, s.value(k.Pos, c.Pos)) {
					return false
				}
			}
			continue
		}
		if len(k.Codes) > 0 && !slices.Contains(k.Codes, s.value(k.Pos, 1)) {
			return false
		}
	}
	return true
}

// position returns the index in nodes of the table segment s is: the
// first whose ID and key codes match, else, for a key code the table does
// not know, the first with its ID, else len(nodes).
func position(nodes []spec.Node, s *wseg) int {
	byID := len(nodes)
	for i, n := range nodes {
		if n.Segment == nil || n.Segment.ID != s.id {
			continue
		}
		if matches(n.Segment, s) {
			return i
		}
		byID = min(byID, i)
	}
	return byID
}

// emit writes l's segments and then its child loops, each in the order of
// table loop sp; what the table does not place goes last, in the order
// given.
func emit(xw *x12.Writer, sp *spec.Loop, l *wloop) error {
	var nodes []spec.Node
	if sp != nil {
		nodes = children(sp)
	}
	segAt := func(s *wseg) int { return position(nodes, s) }
	type placed struct {
		at  int
		seg *wseg
	}
	segs := make([]placed, len(l.segs))
	for i := range l.segs {
		segs[i] = placed{segAt(&l.segs[i]), &l.segs[i]}
	}
	slices.SortStableFunc(segs, func(a, b placed) int { return a.at - b.at })
	for _, p := range segs {
		var err error
		if p.seg.raw != nil {
			err = xw.Write(p.seg.raw)
		} else {
			err = xw.WriteComposite(p.seg.id, p.seg.el...)
		}
		if err != nil {
			return err
		}
	}
	type kid struct {
		at   int
		spec *spec.Loop
		loop *wloop
	}
	kids := make([]kid, 0, len(l.kids))
	for _, k := range l.kids {
		at, ks := len(nodes), (*spec.Loop)(nil)
		if len(k.segs) > 0 {
			for i, n := range nodes {
				if n.Loop != nil && matches(trigger(n.Loop), &k.segs[0]) {
					at, ks = i, n.Loop
					break
				}
			}
		}
		kids = append(kids, kid{at, ks, k})
	}
	slices.SortStableFunc(kids, func(a, b kid) int { return a.at - b.at })
	for _, k := range kids {
		if err := emit(xw, k.spec, k.loop); err != nil {
			return err
		}
	}
	return nil
}

// builder turns the model into loops to write, numbering HL segments.
type builder struct {
	inst bool
	hl   int
	err  error
}

func (b *builder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf(format, args...)
	}
}

func (b *builder) transaction(t *Transaction) *wloop {
	root := &wloop{}
	created := ""
	if !t.Created.IsZero() {
		created = txn.FormatClock(t.Created)
	}
	root.s("BHT", "0019", t.Purpose, t.Reference, txn.Day(t.Created), created, t.Type)
	root.others(t.Other)
	if !t.Submitter.IsZero() {
		b.party(root.kid(), &t.Submitter)
	}
	if !t.Receiver.IsZero() {
		b.party(root.kid(), &t.Receiver)
	}
	for i := range t.BillingProviders {
		b.billing(root, &t.BillingProviders[i])
	}
	root.otherLoops(t.OtherLoops)
	return root
}

func (b *builder) hlSegment(l *wloop, parent int, level string, children bool) int {
	b.hl++
	n := b.hl
	p := ""
	if parent > 0 {
		p = strconv.Itoa(parent)
	}
	child := "0"
	if children {
		child = "1"
	}
	l.s("HL", strconv.Itoa(n), p, level, child)
	return n
}

func (b *builder) billing(root *wloop, bp *BillingProvider) {
	l := root.kid()
	id := b.hlSegment(l, 0, "20", len(bp.Subscribers) > 0)
	if bp.Taxonomy != "" {
		l.s("PRV", bp.SpecialtyCode, "PXC", bp.Taxonomy)
	}
	if bp.Currency != "" {
		l.s("CUR", "85", bp.Currency)
	}
	l.others(bp.Other)
	name := bp.Party
	name.SpecialtyCode, name.Taxonomy = "", ""
	if !name.IsZero() || bp.TaxID != "" || bp.TaxIDQualifier != "" {
		nl := l.kid()
		b.party(nl, &name)
		if bp.TaxID != "" || bp.TaxIDQualifier != "" {
			nl.s("REF", bp.TaxIDQualifier, bp.TaxID)
		}
	}
	if bp.PayTo != nil {
		b.party(l.kid(), bp.PayTo)
	}
	if bp.PayToPlan != nil {
		b.party(l.kid(), bp.PayToPlan)
	}
	for i := range bp.Subscribers {
		b.subscriber(l, id, &bp.Subscribers[i])
	}
	l.otherLoops(bp.OtherLoops)
}

// IsZero reports whether p holds nothing, as a loop that was not sent.
func (p *Party) IsZero() bool {
	return p.Entity == (Entity{}) && p.SpecialtyCode == "" && p.Taxonomy == "" && p.Address == (Address{}) &&
		len(p.Refs) == 0 && len(p.Contacts) == 0 && len(p.Other) == 0
}

// party writes a name loop's NM1, PRV, N3, N4, REF, PER and kept segments.
func (b *builder) party(l *wloop, p *Party) {
	e := p.Entity
	l.s("NM1", e.Role, e.Type, e.Last, e.First, e.Middle, "", e.Suffix, e.IDQualifier, e.ID)
	if p.Taxonomy != "" {
		l.s("PRV", p.SpecialtyCode, "PXC", p.Taxonomy)
	}
	a := p.Address
	if a.Line1 != "" || a.Line2 != "" {
		l.s("N3", a.Line1, a.Line2)
	}
	if a.City != "" || a.State != "" || a.PostalCode != "" || a.Country != "" || a.Subdivision != "" {
		l.s("N4", a.City, a.State, a.PostalCode, a.Country, "", "", a.Subdivision)
	}
	for _, r := range p.Refs {
		l.s("REF", r.Qualifier, r.Value)
	}
	for _, c := range p.Contacts {
		el := []string{c.Function, c.Name}
		for _, n := range c.Numbers {
			el = append(el, n.Qualifier, n.Number)
		}
		l.s("PER", el...)
	}
	l.others(p.Other)
}

func demographics(l *wloop, birth time.Time, sex string) {
	if !birth.IsZero() || sex != "" {
		f := ""
		if !birth.IsZero() {
			f = "D8"
		}
		l.s("DMG", f, txn.Day(birth), sex)
	}
}

func patientInfo(l *wloop, in *PatientInfo) {
	f := ""
	if !in.DeathDate.IsZero() {
		f = "D8"
	}
	l.s("PAT", in.Relationship, "", "", "", f, txn.Day(in.DeathDate), in.WeightUnit, txn.FormatOptQuantity(in.Weight), in.Pregnant)
}

func (b *builder) subscriber(parent *wloop, parentID int, sb *Subscriber) {
	l := parent.kid()
	id := b.hlSegment(l, parentID, "22", len(sb.Patients) > 0)
	l.s("SBR", sb.PayerResponsibility, sb.Relationship, sb.GroupNumber, sb.GroupName, sb.InsuranceType, "", "", "", sb.FilingIndicator)
	if sb.Info != nil {
		patientInfo(l, sb.Info)
	}
	l.others(sb.Other)
	if !sb.Name.IsZero() || !sb.BirthDate.IsZero() || sb.Sex != "" {
		nl := l.kid()
		b.party(nl, &sb.Name)
		demographics(nl, sb.BirthDate, sb.Sex)
	}
	if !sb.Payer.IsZero() {
		b.party(l.kid(), &sb.Payer)
	}
	for i := range sb.Claims {
		b.claim(l.kid(), &sb.Claims[i])
	}
	for i := range sb.Patients {
		b.patient(l, id, &sb.Patients[i])
	}
	l.otherLoops(sb.OtherLoops)
}

func (b *builder) patient(parent *wloop, parentID int, pt *Patient) {
	l := parent.kid()
	b.hlSegment(l, parentID, "23", false)
	patientInfo(l, &pt.Info)
	l.others(pt.Other)
	if !pt.Name.IsZero() || !pt.BirthDate.IsZero() || pt.Sex != "" {
		nl := l.kid()
		b.party(nl, &pt.Name)
		demographics(nl, pt.BirthDate, pt.Sex)
	}
	for i := range pt.Claims {
		b.claim(l.kid(), &pt.Claims[i])
	}
	l.otherLoops(pt.OtherLoops)
}

func dates(l *wloop, ds []DatePeriod) {
	for _, d := range ds {
		f := d.Format
		if f == "" {
			f = "D8"
			if !d.To.IsZero() {
				f = "RD8"
			}
		}
		l.s("DTP", d.Qualifier, f, formatPeriod(f, d.From, d.To))
	}
}

func refs(l *wloop, rs []Ref) {
	for _, r := range rs {
		l.s("REF", r.Qualifier, r.Value)
	}
}

func amounts(l *wloop, as []Amount) {
	for _, a := range as {
		l.s("AMT", a.Qualifier, x12.FormatAmount(a.Amount))
	}
}

func notes(l *wloop, ns []Note) {
	for _, n := range ns {
		l.s("NTE", n.Code, n.Text)
	}
}

func (b *builder) cas(l *wloop, adj []Adjustment) {
	for _, a := range adj {
		for start := 0; start == 0 || start < len(a.Reasons); start += 6 {
			el := []string{a.Group}
			for _, r := range a.Reasons[start:min(start+6, len(a.Reasons))] {
				if r.Code == "" {
					b.fail("CAS %s: a reason without a code", a.Group)
				}
				el = append(el, r.Code, x12.FormatAmount(r.Amount), txn.FormatOptQuantity(r.Quantity))
			}
			l.s("CAS", el...)
		}
	}
}

func procedure(p *Procedure) []string {
	el := make([]string, 0, 7)
	el = append(el, p.Qualifier, p.Code)
	for i := range 4 {
		m := ""
		if i < len(p.Modifiers) {
			m = p.Modifiers[i]
		}
		el = append(el, m)
	}
	return append(el, p.Description)
}

func (b *builder) claim(l *wloop, c *Claim) {
	if c.PatientControlNumber == "" {
		b.fail("a claim without CLM01 (patient control number)")
	}
	if len(c.RelatedCauses) > 3 {
		b.fail("claim %s: %d related causes; CLM11 holds 3", c.PatientControlNumber, len(c.RelatedCauses))
	}
	causes := make([]string, 5)
	copy(causes, c.RelatedCauses)
	causes[3], causes[4] = c.AccidentState, c.AccidentCountry
	l.add("CLM", []string{c.PatientControlNumber}, []string{x12.FormatAmount(c.TotalCharge)}, nil, nil,
		[]string{c.FacilityCode, c.FacilityQualifier, c.Frequency},
		[]string{c.ProviderSignature}, []string{c.Assignment}, []string{c.BenefitsAssignment},
		[]string{c.ReleaseOfInformation}, []string{c.PatientSignatureSource}, causes,
		[]string{c.SpecialProgram}, nil, nil, nil, nil, nil, nil, nil, []string{c.DelayReason})
	dates(l, c.Dates)
	if in := c.Institutional; in != nil {
		l.s("CL1", in.AdmissionType, in.AdmissionSource, in.PatientStatus)
	}
	amounts(l, c.Amounts)
	if c.PriorAuthorization != "" {
		l.s("REF", "G1", c.PriorAuthorization)
	}
	if c.PayerClaimControlNumber != "" {
		l.s("REF", "F8", c.PayerClaimControlNumber)
	}
	refs(l, c.Refs)
	notes(l, c.Notes)
	for _, hl := range c.HealthCodes {
		if len(hl) > 12 {
			b.fail("claim %s: an HI segment holds 12 codes, not %d", c.PatientControlNumber, len(hl))
		}
		el := make([][]string, 0, len(hl))
		for _, h := range hl {
			el = append(el, []string{h.Qualifier, h.Code, h.DateFormat, formatPeriod(h.DateFormat, h.From, h.To),
				txn.FormatOptAmount(h.Amount), txn.FormatOptQuantity(h.Quantity), h.Version, h.CodeTo, h.PresentOnAdmission})
		}
		l.add("HI", el...)
	}
	l.others(c.Other)
	for i := range c.Providers {
		b.party(l.kid(), &c.Providers[i])
	}
	for i := range c.OtherSubscribers {
		b.otherSubscriber(l.kid(), &c.OtherSubscribers[i])
	}
	for i := range c.Lines {
		b.line(l.kid(), &c.Lines[i])
	}
	l.otherLoops(c.OtherLoops)
}

func (b *builder) otherSubscriber(l *wloop, o *OtherSubscriber) {
	l.s("SBR", o.PayerResponsibility, o.Relationship, o.GroupNumber, o.GroupName, o.InsuranceType, "", "", "", o.FilingIndicator)
	b.cas(l, o.Adjustments)
	if o.PayerPaid != nil {
		l.s("AMT", "D", x12.FormatAmount(*o.PayerPaid))
	}
	if o.NonCovered != nil {
		l.s("AMT", "A8", x12.FormatAmount(*o.NonCovered))
	}
	if o.RemainingLiability != nil {
		l.s("AMT", "EAF", x12.FormatAmount(*o.RemainingLiability))
	}
	l.s("OI", "", "", o.BenefitsAssignment, o.PatientSignatureSource, "", o.ReleaseOfInformation)
	l.others(o.Other)
	if !o.Subscriber.IsZero() {
		b.party(l.kid(), &o.Subscriber)
	}
	if !o.Payer.IsZero() || !o.PaidDate.IsZero() {
		pl := l.kid()
		b.party(pl, &o.Payer)
		if !o.PaidDate.IsZero() {
			pl.s("DTP", "573", "D8", txn.Day(o.PaidDate))
		}
	}
	for i := range o.Providers {
		b.party(l.kid(), &o.Providers[i])
	}
	l.otherLoops(o.OtherLoops)
}

func (b *builder) line(l *wloop, ln *Line) {
	l.s("LX", strconv.Itoa(ln.Number))
	if b.inst && ln.RevenueCode == "" {
		b.fail("line %d: SV201 (revenue code) is empty", ln.Number)
	}
	if !b.inst && ln.Procedure.Qualifier == "" && ln.Procedure.Code == "" {
		b.fail("line %d: SV101 (procedure) is empty", ln.Number)
	}
	if b.inst {
		var proc []string
		if ln.Procedure.Qualifier != "" || ln.Procedure.Code != "" {
			proc = procedure(&ln.Procedure)
		}
		l.add("SV2", []string{ln.RevenueCode}, proc, []string{x12.FormatAmount(ln.Charge)}, []string{ln.UnitBasis},
			[]string{Quantity.String(ln.Units)}, []string{txn.FormatOptAmount(ln.UnitRate)}, []string{txn.FormatOptAmount(ln.NonCovered)})
	} else {
		if len(ln.DiagnosisPointers) > 4 {
			b.fail("line %d: %d diagnosis pointers; SV107 holds 4", ln.Number, len(ln.DiagnosisPointers))
		}
		ptrs := make([]string, len(ln.DiagnosisPointers))
		for i, p := range ln.DiagnosisPointers {
			ptrs[i] = strconv.Itoa(p)
		}
		l.add("SV1", procedure(&ln.Procedure), []string{x12.FormatAmount(ln.Charge)}, []string{ln.UnitBasis},
			[]string{Quantity.String(ln.Units)}, []string{ln.PlaceOfService}, nil, ptrs, nil, []string{ln.Emergency}, nil,
			[]string{ln.EPSDT}, []string{ln.FamilyPlanning}, nil, nil, []string{ln.CopayExempt})
	}
	dates(l, ln.Dates)
	if ln.LineItemControlNumber != "" {
		l.s("REF", "6R", ln.LineItemControlNumber)
	}
	refs(l, ln.Refs)
	amounts(l, ln.Amounts)
	notes(l, ln.Notes)
	l.others(ln.Other)
	if d := ln.Drug; d != nil {
		k := l.kid()
		k.s("LIN", "", d.Qualifier, d.Code)
		k.s("CTP", "", "", "", Quantity.String(d.Quantity), d.Unit)
		if d.Ref != nil {
			k.s("REF", d.Ref.Qualifier, d.Ref.Value)
		}
	}
	for i := range ln.Providers {
		b.party(l.kid(), &ln.Providers[i])
	}
	for i := range ln.Adjudications {
		a := &ln.Adjudications[i]
		if a.PayerID == "" {
			b.fail("line %d: SVD01 (other payer ID) is empty", ln.Number)
		}
		k := l.kid()
		var proc []string
		if a.Procedure.Qualifier != "" || a.Procedure.Code != "" {
			proc = procedure(&a.Procedure)
		}
		k.add("SVD", []string{a.PayerID}, []string{x12.FormatAmount(a.Paid)}, proc, []string{a.RevenueCode}, []string{Quantity.String(a.Units)}, []string{a.BundledLine})
		b.cas(k, a.Adjustments)
		if !a.PaidDate.IsZero() {
			k.s("DTP", "573", "D8", txn.Day(a.PaidDate))
		}
		if a.RemainingLiability != nil {
			k.s("AMT", "EAF", x12.FormatAmount(*a.RemainingLiability))
		}
		k.others(a.Other)
	}
	l.otherLoops(ln.OtherLoops)
}
