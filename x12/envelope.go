package x12

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// InterchangeHeader is what an ISA segment says. Reading fills every
// field, with the padding of the fixed-width fields trimmed; writing
// (Writer.BeginInterchange) pads them again.
type InterchangeHeader struct {
	AuthQualifier     string // ISA01: 00 (none) or 03
	AuthInfo          string // ISA02
	SecurityQualifier string // ISA03: 00 (none) or 01 (password)
	SecurityInfo      string // ISA04
	SenderQualifier   string // ISA05, such as ZZ
	SenderID          string // ISA06
	ReceiverQualifier string // ISA07
	ReceiverID        string // ISA08
	Date              string // ISA09, YYMMDD
	Time              string // ISA10, HHMM
	Version           string // ISA12: 00501
	ControlNumber     string // ISA13, nine digits
	AckRequested      string // ISA14: 0 or 1 (TA1 wanted)
	Usage             string // ISA15: P (production) or T (test)

	Delims Delimiters // the delimiters the ISA declares (reading only)
	Pos    int        // position of the ISA segment in the input (reading only)
	Offset int64      // byte offset of the ISA segment (reading only)
}

// GroupHeader is what a GS segment says.
type GroupHeader struct {
	FunctionalID  string // GS01, such as HC (837), HP (835), FA (999)
	SenderCode    string // GS02
	ReceiverCode  string // GS03
	Date          string // GS04, CCYYMMDD
	Time          string // GS05, HHMM[SS[D[D]]]
	ControlNumber string // GS06
	Agency        string // GS07: X
	Version       string // GS08, such as 005010X222A1

	Pos    int   // position of the GS segment in the input (reading only)
	Offset int64 // byte offset of the GS segment (reading only)
}

// SetHeader is what an ST segment says.
type SetHeader struct {
	ID            string // ST01, the transaction set identifier, such as 837
	ControlNumber string // ST02
	Version       string // ST03, or GS08 when ST03 is absent

	Pos    int   // position of the ST segment in the input
	Offset int64 // byte offset of the ST segment
}

// DefaultMaxErrors is how many problems a Checker records unless told
// otherwise.
const DefaultMaxErrors = 1000

// A Checker follows the ISA/IEA, GS/GE and ST/SE envelopes of a stream of
// segments and records every problem it sees as a *ParseError, without
// stopping at the first: trailers whose control numbers differ from their
// headers' (IEA02, GE02, SE02), wrong counts (SE01 segments, GE01
// transaction sets, IEA01 groups), envelopes never closed, segments
// outside their envelope, control numbers used twice (GS06 within an
// interchange, ST02 within a group), ISA fields that break its fixed layout
// or allowed values, GS codes, dates and times, and versions other than
// 5010.
//
// A run of segments outside any transaction set is reported once, at its
// first segment. The zero Checker is ready to use.
type Checker struct {
	// MaxErrors caps the problems recorded; once reached, one
	// ErrTooManyErrors is added and the rest dropped. Zero means
	// DefaultMaxErrors.
	MaxErrors int

	errs []*ParseError
	full bool

	isa    InterchangeHeader
	inISA  bool
	groups int // GS seen in this interchange

	gs   GroupHeader
	inGS bool
	sets int // ST seen in this group

	gsSeen map[string]int // GS06 → position, in this interchange
	stSeen map[string]int // ST02 → position, in this group

	st      SetHeader
	inST    bool
	count   int  // segments since ST, inclusive
	outside bool // in a run of segments outside any transaction set
}

// Errors returns the problems recorded so far, in the order found.
func (c *Checker) Errors() []*ParseError { return c.errs }

// Interchange returns the header of the open interchange, or nil between
// interchanges. It changes as segments are checked.
func (c *Checker) Interchange() *InterchangeHeader {
	if !c.inISA {
		return nil
	}
	return &c.isa
}

// Group returns the header of the open functional group, or nil.
func (c *Checker) Group() *GroupHeader {
	if !c.inGS {
		return nil
	}
	return &c.gs
}

// Set returns the header of the open transaction set, or nil. After an SE
// it is nil.
func (c *Checker) Set() *SetHeader {
	if !c.inST {
		return nil
	}
	return &c.st
}

// Check follows one segment.
func (c *Checker) Check(s *Segment) {
	// Inside a transaction set most segments only count; envelope
	// segment IDs all start with G, I, S or T.
	if id := s.ID; c.inST && id != "" && !envelopeFirst[id[0]] {
		c.count++
		return
	}
	c.check(s)
}

var envelopeFirst = [256]bool{'G': true, 'I': true, 'S': true, 'T': true}

func (c *Checker) check(s *Segment) {
	switch idKeyString(s.ID) {
	case keyISA:
		c.closeSet(s)
		c.closeGroup(s)
		if c.inISA {
			c.missing(c.isa.Pos, c.isa.Offset, "ISA", "interchange "+c.isa.ControlNumber+" has no IEA", s)
		}
		c.openInterchange(s)
	case keyIEA:
		c.closeSet(s)
		c.closeGroup(s)
		if !c.inISA {
			c.add(s, 0, ErrOutsideEnvelope, "IEA without an open interchange (ISA)")
			return
		}
		c.inISA = false
		c.checkCount(s, 1, c.groups, "functional group count", "groups")
		c.checkControl(s, 2, c.isa.ControlNumber, "ISA13")
	case keyGS:
		c.closeSet(s)
		c.closeGroup(s)
		c.openGroup(s)
	case keyGE:
		c.closeSet(s)
		if !c.inGS {
			c.add(s, 0, ErrOutsideEnvelope, "GE without an open functional group (GS)")
			return
		}
		c.inGS = false
		c.checkCount(s, 1, c.sets, "transaction set count", "transaction sets")
		c.checkControl(s, 2, c.gs.ControlNumber, "GS06")
	case keyST:
		c.closeSet(s)
		c.openSet(s)
	case keySE:
		if !c.inST {
			c.add(s, 0, ErrOutsideEnvelope, "SE without an open transaction set (ST)")
			return
		}
		c.count++
		c.inST = false
		c.checkCount(s, 1, c.count, "segment count", "segments")
		c.checkControl(s, 2, c.st.ControlNumber, "ST02")
	case keyTA1:
		c.closeSet(s)
		if !c.inISA || c.inGS {
			c.add(s, 0, ErrOutsideEnvelope, "TA1 outside an interchange or inside a functional group")
		}
	default:
		if c.inST {
			c.count++
			return
		}
		if !c.outside {
			c.outside = true
			c.add(s, 0, ErrOutsideEnvelope, "segment outside a transaction set (ST..SE)")
		}
		return
	}
	c.outside = false
}

// End reports envelopes still open at the end of the input.
func (c *Checker) End() {
	c.closeSet(nil)
	c.closeGroup(nil)
	if c.inISA {
		c.inISA = false
		c.missing(c.isa.Pos, c.isa.Offset, "ISA", "interchange "+c.isa.ControlNumber+" has no IEA", nil)
	}
}

func (c *Checker) closeSet(next *Segment) {
	if c.inST {
		c.inST = false
		c.missing(c.st.Pos, c.st.Offset, "ST", "transaction set "+c.st.ControlNumber+" has no SE", next)
	}
}

func (c *Checker) closeGroup(next *Segment) {
	if c.inGS {
		c.inGS = false
		c.missing(c.gs.Pos, c.gs.Offset, "GS", "functional group "+c.gs.ControlNumber+" has no GE", next)
	}
}

// missing records an unclosed envelope at its header segment.
func (c *Checker) missing(pos int, off int64, id, what string, next *Segment) {
	if next != nil {
		what += fmt.Sprintf(" before segment %d (%s)", next.Pos, next.ID)
	} else {
		what += " before the end of the input"
	}
	c.record(&ParseError{Segment: pos, SetSegment: boolInt(id == "ST"), SegmentID: id, Offset: off, Err: ErrMissingTrailer, Detail: what})
}

func (c *Checker) openInterchange(s *Segment) {
	c.inISA = true
	c.groups = 0
	clear(c.gsSeen)
	el := func(i int) string { return strings.TrimRight(string(s.Element(i)), " ") }
	c.isa = InterchangeHeader{
		AuthQualifier: el(1), AuthInfo: el(2), SecurityQualifier: el(3), SecurityInfo: el(4),
		SenderQualifier: el(5), SenderID: el(6), ReceiverQualifier: el(7), ReceiverID: el(8),
		Date: el(9), Time: el(10), Version: el(12), ControlNumber: el(13), AckRequested: el(14), Usage: el(15),
		Delims: s.Delims, Pos: s.Pos, Offset: s.Offset,
	}
	widths := [17]int{0, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1}
	if n := s.Len(); n != 16 {
		c.add(s, 0, ErrBadISA, fmt.Sprintf("ISA has %d elements, want 16", n))
	}
	for i := 1; i <= 16 && i <= s.Len(); i++ {
		if n := len(s.Element(i)); n != widths[i] {
			c.add(s, i, ErrBadISA, fmt.Sprintf("ISA%02d is %d characters, want %d", i, n, widths[i]))
		}
	}
	c.oneOf(s, 1, "authorization information qualifier", "00", "03")
	c.oneOf(s, 3, "security information qualifier", "00", "01")
	ids := []string{"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"}
	c.oneOf(s, 5, "interchange ID qualifier", ids...)
	c.oneOf(s, 7, "interchange ID qualifier", ids...)
	if c.isa.SenderID == "" {
		c.add(s, 6, ErrInvalidValue, "ISA06 interchange sender ID is blank")
	}
	if c.isa.ReceiverID == "" {
		c.add(s, 8, ErrInvalidValue, "ISA08 interchange receiver ID is blank")
	}
	if _, err := ParseShortDate(string(s.Element(9))); err != nil {
		c.add(s, 9, ErrInvalidValue, fmt.Sprintf("ISA09 date %q is not a valid YYMMDD date", s.Element(9)))
	}
	if t := s.Element(10); len(t) != 4 || !validTime(string(t)) {
		c.add(s, 10, ErrInvalidValue, fmt.Sprintf("ISA10 time %q is not a valid HHMM time", t))
	}
	if v := string(s.Element(12)); v != "00501" {
		c.add(s, 12, ErrVersion, fmt.Sprintf("ISA12 version %q is not 00501", v))
	} else if s.Delims.Repetition == 0 {
		c.add(s, 11, ErrInvalidValue, fmt.Sprintf("ISA11 repetition separator %q is not a usable delimiter", s.Element(11)))
	}
	if v := s.Element(13); len(v) != 9 || !allDigits(string(v)) {
		c.add(s, 13, ErrInvalidValue, fmt.Sprintf("ISA13 control number %q is not nine digits", v))
	}
	c.oneOf(s, 14, "acknowledgment requested code", "0", "1")
	c.oneOf(s, 15, "usage indicator", "P", "T")
}

func (c *Checker) openGroup(s *Segment) {
	if !c.inISA {
		c.add(s, 0, ErrOutsideEnvelope, "GS outside an interchange (ISA..IEA)")
	} else {
		c.groups++
	}
	c.inGS = true
	c.sets = 0
	clear(c.stSeen)
	el := func(i int) string { return string(s.Element(i)) }
	c.gs = GroupHeader{
		FunctionalID: el(1), SenderCode: el(2), ReceiverCode: el(3), Date: el(4), Time: el(5),
		ControlNumber: el(6), Agency: el(7), Version: el(8), Pos: s.Pos, Offset: s.Offset,
	}
	if n := len(c.gs.FunctionalID); n != 2 {
		c.add(s, 1, ErrInvalidValue, fmt.Sprintf("GS01 functional identifier code %q is not 2 characters", c.gs.FunctionalID))
	}
	for i, v := range []string{c.gs.SenderCode, c.gs.ReceiverCode} {
		if n := len(v); n < 2 || n > 15 {
			c.add(s, 2+i, ErrInvalidValue, fmt.Sprintf("GS%02d application code %q is not 2 to 15 characters", 2+i, v))
		}
	}
	if _, err := ParseDate(c.gs.Date); err != nil {
		c.add(s, 4, ErrInvalidValue, fmt.Sprintf("GS04 date %q is not a valid CCYYMMDD date", c.gs.Date))
	}
	if !validTime(c.gs.Time) {
		c.add(s, 5, ErrInvalidValue, fmt.Sprintf("GS05 time %q is not a valid HHMM, HHMMSS, HHMMSSD or HHMMSSDD time", c.gs.Time))
	}
	if v := c.gs.ControlNumber; v == "" || len(v) > 9 || !allDigits(v) {
		c.add(s, 6, ErrInvalidValue, fmt.Sprintf("GS06 control number %q is not 1 to 9 digits", v))
	}
	if c.inISA {
		c.unique(&c.gsSeen, s, 6, c.gs.ControlNumber, "GS06", "interchange")
	}
	if c.gs.Agency != "X" {
		c.add(s, 7, ErrInvalidValue, fmt.Sprintf("GS07 responsible agency code %q is not X", c.gs.Agency))
	}
	if !strings.HasPrefix(c.gs.Version, "005010") {
		c.add(s, 8, ErrVersion, fmt.Sprintf("GS08 version %q is not a 005010 version", c.gs.Version))
	}
}

func (c *Checker) openSet(s *Segment) {
	if !c.inGS {
		c.add(s, 0, ErrOutsideEnvelope, "ST outside a functional group (GS..GE)")
	} else {
		c.sets++
	}
	c.inST = true
	c.count = 1
	c.st = SetHeader{
		ID: string(s.Element(1)), ControlNumber: string(s.Element(2)), Version: string(s.Element(3)),
		Pos: s.Pos, Offset: s.Offset,
	}
	if c.inGS {
		c.unique(&c.stSeen, s, 2, c.st.ControlNumber, "ST02", "functional group")
	}
	if n := len(c.st.ID); n != 3 || !allDigits(c.st.ID) {
		c.add(s, 1, ErrInvalidValue, fmt.Sprintf("ST01 transaction set identifier %q is not 3 digits", c.st.ID))
	}
	if n := len(c.st.ControlNumber); n < 4 || n > 9 {
		c.add(s, 2, ErrInvalidValue, fmt.Sprintf("ST02 control number %q is not 4 to 9 characters", c.st.ControlNumber))
	}
	if c.st.Version == "" {
		if c.inGS {
			c.st.Version = c.gs.Version
		}
	} else if c.inGS && c.st.Version != c.gs.Version {
		c.add(s, 3, ErrVersion, fmt.Sprintf("ST03 version %q does not match GS08 %q", c.st.Version, c.gs.Version))
	}
}

// maxSeen bounds the control numbers remembered per interchange or group,
// so that a huge group cannot take unbounded memory; past it, duplicates
// go unreported.
const maxSeen = 100000

// unique records control number v of element i and reports it if it was
// already used in the enclosing envelope.
func (c *Checker) unique(seen *map[string]int, s *Segment, i int, v, name, within string) {
	if *seen == nil {
		*seen = make(map[string]int)
	}
	if at, ok := (*seen)[v]; ok {
		c.add(s, i, ErrDuplicateControlNumber, fmt.Sprintf("%s control number %q is already used at segment %d of this %s", name, v, at, within))
		return
	}
	if len(*seen) < maxSeen {
		(*seen)[v] = s.Pos
	}
}

// checkCount compares trailer element i, a count, with the number counted.
func (c *Checker) checkCount(s *Segment, i, counted int, what, unit string) {
	v := string(s.Element(i))
	n, err := strconv.Atoi(v)
	if err != nil || !allDigits(v) {
		c.add(s, i, ErrInvalidValue, fmt.Sprintf("%s %q is not a number", what, v))
		return
	}
	if n != counted {
		c.add(s, i, ErrCountMismatch, fmt.Sprintf("%s %d does not match %d %s counted", what, n, counted, unit))
	}
}

// checkControl compares trailer element i with its header's control number.
func (c *Checker) checkControl(s *Segment, i int, want, header string) {
	if got := string(s.Element(i)); got != want {
		c.add(s, i, ErrControlNumberMismatch, fmt.Sprintf("control number %q does not match %s %q", got, header, want))
	}
}

func (c *Checker) oneOf(s *Segment, i int, what string, allowed ...string) {
	v := string(s.Element(i))
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.add(s, i, ErrInvalidValue, fmt.Sprintf("%s%02d %s %q is not one of %s", s.ID, i, what, v, strings.Join(allowed, ", ")))
}

func (c *Checker) add(s *Segment, element int, err error, detail string) {
	c.record(&ParseError{Segment: s.Pos, SetSegment: s.SetPos, SegmentID: s.ID, Element: element, Offset: s.Offset, Err: err, Detail: detail})
}

func (c *Checker) record(e *ParseError) {
	if c.full {
		return
	}
	max := c.MaxErrors
	if max <= 0 {
		max = DefaultMaxErrors
	}
	if len(c.errs) >= max {
		c.full = true
		e = &ParseError{Segment: e.Segment, SegmentID: e.SegmentID, Offset: e.Offset, Err: ErrTooManyErrors,
			Detail: fmt.Sprintf("more than %d problems; the rest are not reported", max)}
	}
	c.errs = append(c.errs, e)
}

func validTime(s string) bool {
	_, err := ParseTime(s)
	return err == nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CheckEnvelopes reads all of rd and returns the envelope problems found.
// err is a problem that stopped reading (a *ParseError from the Reader or
// an I/O error), or nil.
func CheckEnvelopes(rd io.Reader) (problems []*ParseError, err error) {
	r := NewReader(rd)
	var c Checker
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c.Errors(), err
		}
		c.Check(s)
	}
	c.End()
	return c.Errors(), nil
}
