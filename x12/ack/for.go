package ack

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

// Options say how For numbers and dates the acknowledgment.
type Options struct {
	// ControlNumber is the ISA13 and GS06 of the acknowledgment (1 to
	// 999999999); zero means 1. The 999s are numbered 0001, 0002...
	ControlNumber int
	// Now is the date and time of the acknowledgment; zero means time.Now().
	Now time.Time
}

// ErrNothing means the input holds nothing to acknowledge: no interchange
// could be read, or it holds only acknowledgments (999s and TA1s are not
// acknowledged) and its envelope neither asks for a TA1 nor needs one.
var ErrNothing = errors.New("ack: nothing to acknowledge")

// For reads an X12 file and returns the acknowledgment we send back for it,
// in one interchange addressed from the file's receiver to its sender:
//
//   - a TA1 for each interchange that asked for one (ISA14 1) or whose
//     envelope is wrong, with TA104 A, E (accepted, with a note such as 001
//     for an IEA02 that differs from ISA13) or R (rejected: ISA fields that
//     are not valid, a missing IEA, input that cannot be read to its end);
//   - for each functional group of an interchange not rejected, a 999:
//     per transaction set IK5 A (accepted), E (accepted, with errors the
//     business rules note, such as charges that do not balance: see
//     validate.Rule.Noted) or R (rejected: the set breaks its guide's table,
//     its envelope or a rule that is not only noted), with an IK3 for each
//     segment in error and an IK4 for each element; AK9 with the counts
//     and the group's own errors. Groups of acknowledgments (GS01 FA) are
//     not acknowledged.
//
// Findings of severity Warning are not reported. It holds one transaction
// set in memory at a time. The error is ErrNothing (wrapping the read error
// when there is one) when there is nothing to send.
func For(r io.Reader, opts Options) (*Interchange, error) {
	if opts.ControlNumber <= 0 {
		opts.ControlNumber = 1
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	b := &builder{opts: opts}
	rd := x12.NewReader(r)
	var env x12.Checker
	var (
		ts    *x12.TransactionSet // the open set
		first int                 // index in env.Errors() of its first problem
	)
	finish := func() {
		if ts == nil {
			return
		}
		for _, e := range env.Errors()[first:] {
			if e.SetSegment > 0 && e.Segment >= ts.Pos {
				ts.Errors = append(ts.Errors, e)
			}
		}
		b.set(ts)
		ts = nil
	}
	var readErr error
	for {
		s, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			readErr = err
			break
		}
		header := s.ID == "ST" || s.ID == "GS" || s.ID == "GE" || s.ID == "ISA" || s.ID == "IEA"
		env.Check(s)
		if header {
			finish() // a set without SE; the Checker has reported it
		}
		switch s.ID {
		case "ISA":
			b.isas = append(b.isas, *env.Interchange())
		case "GS":
			if isa := env.Interchange(); isa != nil {
				b.groups = append(b.groups, &groupAck{isa: isa.ControlNumber, header: *env.Group()})
			}
		case "GE":
			if g := b.group(); g != nil && g.ge == "" {
				g.ge = string(s.Element(1))
			}
		case "ST":
			ts = &x12.TransactionSet{SetHeader: *env.Set()}
			if g := env.Group(); g != nil {
				ts.Group = *g
			}
			if isa := env.Interchange(); isa != nil {
				ts.Interchange = *isa
			}
			first = len(env.Errors())
			for first > 0 && env.Errors()[first-1].Segment == s.Pos {
				first-- // the ST's own problems
			}
		}
		if ts != nil {
			ts.Segments = append(ts.Segments, s.Clone())
			if s.ID == "SE" {
				finish()
			}
		}
	}
	if readErr == nil {
		env.End()
	}
	finish()
	if len(b.isas) == 0 {
		if readErr != nil {
			return nil, fmt.Errorf("%w: %w", ErrNothing, readErr)
		}
		return nil, ErrNothing
	}
	ic := b.finish(env.Errors(), readErr)
	if len(ic.TA1s) == 0 && len(ic.Groups) == 0 {
		return nil, ErrNothing
	}
	return ic, nil
}

type builder struct {
	opts   Options
	groups []*groupAck
	isas   []x12.InterchangeHeader // every interchange, in order
}

type groupAck struct {
	isa    string // ISA13 of its interchange
	header x12.GroupHeader
	ge     string // GE01 as sent; "" without GE
	sets   []SetResponse
}

// group returns the group being read, or nil.
func (b *builder) group() *groupAck {
	if len(b.groups) == 0 {
		return nil
	}
	return b.groups[len(b.groups)-1]
}

func (b *builder) set(ts *x12.TransactionSet) {
	g := b.group()
	if g == nil || g.header.Pos != ts.Group.Pos {
		// A set outside a group: acknowledged in a group of its own.
		g = &groupAck{isa: ts.Interchange.ControlNumber, header: ts.Group}
		b.groups = append(b.groups, g)
	}
	root, findings := validate.Transaction(ts)
	g.sets = append(g.sets, response(ts, root, findings))
}

// response builds the 2000 loop for one set.
func response(ts *x12.TransactionSet, root *validate.Loop, findings []validate.Finding) SetResponse {
	sr := SetResponse{ID: ts.ID, ControlNumber: ts.ControlNumber}
	if len(ts.Segments) > 0 {
		sr.Version = string(ts.Segments[0].Element(3))
	}
	claims := claimRanges(root)
	rejected, noted := false, false
	var setCodes []string
	addCode := func(c string) {
		for _, x := range setCodes {
			if x == c {
				return
			}
		}
		setCodes = append(setCodes, c)
	}
	byPos := map[int]int{} // set position of an element error's IK3 → index in sr.Errors
	for _, f := range findings {
		if f.Severity != validate.Error {
			continue
		}
		if f.Level == validate.SetLevel {
			if f.Code == "" {
				continue // "more findings not reported"
			}
			rejected = true
			addCode(f.Code)
			continue
		}
		if f.Noted {
			noted = true
		} else {
			rejected = true
		}
		loop := loopCode(f.Loop)
		if f.Level == validate.SegmentLevel {
			sr.Errors = append(sr.Errors, SegmentError{SegmentID: f.SegmentID, Position: f.SetPos, Loop: loop, Code: f.Code,
				Context: claims.context(f.SetPos)})
			continue
		}
		i, ok := byPos[f.SetPos]
		if !ok {
			sr.Errors = append(sr.Errors, SegmentError{SegmentID: f.SegmentID, Position: f.SetPos, Loop: loop, Code: validate.CodeElementErrors,
				Context: claims.context(f.SetPos)})
			i = len(sr.Errors) - 1
			byPos[f.SetPos] = i
		}
		if len(sr.Errors[i].Elements) < 99 {
			sr.Errors[i].Elements = append(sr.Errors[i].Elements, ElementError{
				Position: f.Element, Component: f.Component, Repetition: f.Repetition, DataElement: f.DataElement, Code: f.Code,
			})
		}
	}
	switch {
	case rejected:
		sr.Status = "R"
		if len(sr.Errors) > 0 {
			addCode(validate.CodeSegmentsInError)
		}
	case noted:
		sr.Status = "E"
		addCode("I5")
	default:
		sr.Status = "A"
	}
	if len(setCodes) > 5 {
		setCodes = setCodes[:5]
	}
	sr.Codes = setCodes
	return sr
}

// loopCode turns a TR3 loop ID into an IK303 loop identifier code, which is
// at most 4 characters: the numeric part, as 999s write it ("2010" for
// 2010AA, "1000" for 1000A); "" at the top of the set.
func loopCode(id string) string {
	if id == "ST" || id == "" {
		return ""
	}
	n := 0
	for n < len(id) && n < 4 && id[n] >= '0' && id[n] <= '9' {
		n++
	}
	if n == 0 {
		n = min(4, len(id))
	}
	return id[:n]
}

// claimRange is the set positions of one 837 claim (2300 and below) and
// its patient control number, CLM01.
type claimRange struct {
	from, to int
	clm01    string
}

type claimList []claimRange

// claimRanges finds the claims of an 837, for the CTX business unit the
// 999 guide requires for errors inside a claim.
func claimRanges(root *validate.Loop) claimList {
	var out claimList
	var walk func(l *validate.Loop)
	walk = func(l *validate.Loop) {
		if l.ID == "2300" && len(l.Segments) > 0 && l.Segments[0].ID == "CLM" {
			from, to := span(l)
			out = append(out, claimRange{from, to, string(l.Segments[0].Element(1))})
			return
		}
		for _, c := range l.Loops {
			walk(c)
		}
	}
	walk(root)
	return out
}

func span(l *validate.Loop) (from, to int) {
	from, to = 1<<30, 0
	for _, s := range l.Segments {
		from, to = min(from, s.SetPos), max(to, s.SetPos)
	}
	for _, c := range l.Loops {
		f, t := span(c)
		from, to = min(from, f), max(to, t)
	}
	return from, to
}

func (cl claimList) context(pos int) []Context {
	for _, c := range cl {
		if pos >= c.from && pos <= c.to && c.clm01 != "" {
			return []Context{{Name: "CLM01", Value: c.clm01}}
		}
	}
	return nil
}

// finish assembles the acknowledgment interchange.
func (b *builder) finish(envErrs []*x12.ParseError, readErr error) *Interchange {
	now := b.opts.Now
	ctl := fmt.Sprintf("%09d", b.opts.ControlNumber%1000000000)
	src := &b.isas[0]
	ic := &Interchange{Header: x12.InterchangeHeader{
		AuthQualifier: "00", SecurityQualifier: "00",
		SenderQualifier: src.ReceiverQualifier, SenderID: src.ReceiverID,
		ReceiverQualifier: src.SenderQualifier, ReceiverID: src.SenderID,
		Date: x12.FormatShortDate(now), Time: x12.FormatTime(now), Version: "00501",
		ControlNumber: ctl, AckRequested: "0", Usage: usage(src.Usage),
		Delims: replyDelimiters(src.Delims),
	}}
	rejected := map[string]bool{}
	for i, isa := range b.isas {
		next := 1 << 62
		if i+1 < len(b.isas) {
			next = b.isas[i+1].Pos
		}
		t := ta1(isa, envErrs, next, i+1 == len(b.isas) && readErr != nil)
		if t.Status == "R" {
			rejected[isa.ControlNumber] = true
		}
		if t.Status != "A" || isa.AckRequested == "1" {
			ic.TA1s = append(ic.TA1s, t)
		}
	}
	var acks []Ack999
	var first *groupAck
	for _, g := range b.groups {
		if rejected[g.isa] || g.header.FunctionalID == "FA" {
			continue
		}
		if first == nil {
			first = g
		}
		acks = append(acks, b.ack999(g, envErrs, len(acks)+1))
	}
	if len(acks) > 0 {
		gs := first.header
		ic.Groups = []Group{{
			Header: x12.GroupHeader{FunctionalID: "FA", SenderCode: gs.ReceiverCode, ReceiverCode: gs.SenderCode,
				Date: x12.FormatDate(now), Time: x12.FormatTime(now), ControlNumber: fmt.Sprint(b.opts.ControlNumber % 1000000000),
				Agency: "X", Version: Version},
			Acks: acks,
		}}
	}
	sanitize(ic)
	return ic
}

// replyDelimiters are the delimiters of the acknowledgment: the sender's
// own, with a repetition separator if they had none (a 4010-style ISA11),
// or the defaults if theirs cannot be used.
func replyDelimiters(d x12.Delimiters) x12.Delimiters {
	if d.Repetition == 0 {
		for _, c := range []byte("^!|") {
			if c != d.Element && c != d.Component && c != d.Segment {
				d.Repetition = c
				break
			}
		}
	}
	if d.Valid() != nil {
		return x12.DefaultDelimiters
	}
	return d
}

// sanitize removes delimiters from the values copied from the input (a
// control number with a component separator in it), which X12 cannot
// escape, and drops business unit contexts that would need them.
func sanitize(ic *Interchange) {
	d := ic.Header.Delims
	clean := func(s *string) {
		if d.CheckValue(*s) == nil {
			return
		}
		b := []byte(*s)
		n := 0
		for _, c := range b {
			if !d.IsDelimiter(c) {
				b[n] = c
				n++
			}
		}
		*s = string(b[:n])
	}
	for i := range ic.TA1s {
		t := &ic.TA1s[i]
		clean(&t.ControlNumber)
		clean(&t.Date)
		clean(&t.Time)
	}
	h := &ic.Header
	fit := func(s *string, width int, def string) {
		clean(s)
		if len(*s) > width {
			*s = (*s)[:width]
		}
		*s = strings.TrimSpace(*s)
		if *s == "" {
			*s = def
		}
	}
	fit(&h.SenderQualifier, 2, "ZZ")
	fit(&h.ReceiverQualifier, 2, "ZZ")
	fit(&h.SenderID, 15, "UNKNOWN")
	fit(&h.ReceiverID, 15, "UNKNOWN")
	for gi := range ic.Groups {
		g := &ic.Groups[gi]
		fit(&g.Header.SenderCode, 15, h.SenderID)
		fit(&g.Header.ReceiverCode, 15, h.ReceiverID)
		for ai := range g.Acks {
			a := &g.Acks[ai]
			clean(&a.FunctionalID)
			clean(&a.GroupControl)
			clean(&a.GroupVersion)
			for si := range a.Sets {
				s := &a.Sets[si]
				clean(&s.ID)
				clean(&s.ControlNumber)
				clean(&s.Version)
				for ei := range s.Errors {
					e := &s.Errors[ei]
					clean(&e.SegmentID)
					kept := e.Context[:0]
					for _, c := range e.Context {
						if d.CheckValue(c.Value) == nil {
							kept = append(kept, c)
						}
					}
					e.Context = kept
					if len(e.Context) == 0 {
						e.Context = nil
					}
				}
			}
		}
	}
}

func usage(u string) string {
	if u == "P" {
		return "P"
	}
	return "T"
}

// ta1 decides the TA1 of interchange isa from the envelope problems found
// between its ISA and the next interchange's.
func ta1(isa x12.InterchangeHeader, envErrs []*x12.ParseError, next int, truncated bool) TA1 {
	t := TA1{ControlNumber: isa.ControlNumber, Date: isa.Date, Time: isa.Time, Status: "A", Note: "000"}
	set := func(status, note string) {
		// R wins over E; the first note of the worst status stays.
		if t.Status == "R" || t.Status == status {
			return
		}
		t.Status, t.Note = status, note
	}
	for _, e := range envErrs {
		if e.Segment < isa.Pos || e.Segment >= next {
			continue
		}
		switch e.SegmentID {
		case "ISA":
			if e.Err == x12.ErrMissingTrailer {
				set("R", "023")
				continue
			}
			if e.Element == 11 {
				// A 4010-style ISA11 (U) is common; the Reader copes.
				set("E", "022")
			} else if note, ok := isaNotes[e.Element]; ok {
				set("R", note)
			} else {
				set("R", "022")
			}
		case "IEA":
			switch {
			case errors.Is(e.Err, x12.ErrControlNumberMismatch):
				set("E", "001")
			case errors.Is(e.Err, x12.ErrCountMismatch), e.Element == 1:
				set("E", "021")
			default:
				set("R", "022")
			}
		}
	}
	if truncated {
		set("R", "023")
	}
	return t
}

// isaNotes maps an ISA element with a bad value to its TA105 note.
var isaNotes = map[int]string{
	1: "010", 2: "011", 3: "012", 4: "013", 5: "005", 6: "006", 7: "007", 8: "008",
	9: "014", 10: "015", 12: "017", 13: "018", 14: "019", 15: "020", 16: "027",
}

// ack999 builds the 999 for one functional group.
func (b *builder) ack999(g *groupAck, envErrs []*x12.ParseError, n int) Ack999 {
	a := Ack999{
		ControlNumber: fmt.Sprintf("%04d", n), Version: Version,
		FunctionalID: g.header.FunctionalID, GroupControl: g.header.ControlNumber, GroupVersion: g.header.Version,
		Sets: g.sets, Received: len(g.sets), Included: len(g.sets),
	}
	if n, err := strconv.Atoi(g.ge); err == nil && n >= 0 {
		a.Included = n // what the GE says the group holds
	}
	for _, s := range g.sets {
		if s.Status == "A" || s.Status == "E" {
			a.Accepted++
		}
	}
	addErr := func(c string) {
		for _, x := range a.GroupErrors {
			if x == c {
				return
			}
		}
		if len(a.GroupErrors) < 5 {
			a.GroupErrors = append(a.GroupErrors, c)
		}
	}
	groupRejected := false
	for _, e := range envErrs {
		switch {
		case e.SegmentID == "GS" && e.Segment == g.header.Pos:
			switch {
			case errors.Is(e.Err, x12.ErrMissingTrailer):
				addErr("3")
			case errors.Is(e.Err, x12.ErrVersion):
				addErr("2")
				groupRejected = true
			case e.Element == 6:
				addErr("6")
			}
		case e.SegmentID == "GE" && e.Segment > g.header.Pos && (e.Element == 1 || e.Element == 2) && b.geOf(g, e.Segment):
			if e.Element == 2 {
				addErr("4")
			} else {
				addErr("5")
			}
		}
	}
	switch {
	case groupRejected || a.Accepted == 0:
		a.Status = "R"
	case a.Accepted < a.Received:
		a.Status = "P"
	case len(a.GroupErrors) > 0:
		a.Status = "E"
	default:
		a.Status = "A"
		for _, s := range g.sets {
			if s.Status == "E" {
				a.Status = "E"
			}
		}
	}
	return a
}

// geOf reports whether the GE at pos closes group g: it is the first group
// header after g that is later than pos.
func (b *builder) geOf(g *groupAck, pos int) bool {
	for _, o := range b.groups {
		if o.header.Pos > g.header.Pos && o.header.Pos < pos {
			return false
		}
	}
	return true
}
