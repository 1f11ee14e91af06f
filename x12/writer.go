package x12

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// A Writer writes X12 segments with chosen delimiters.
//
// It drops trailing empty elements (and trailing empty components of a
// composite), as X12 requires, and refuses, with ErrDelimiterInValue, any
// value that contains one of its delimiters: X12 has no escapes. Besides
// single segments it writes envelopes (BeginInterchange, BeginGroup,
// BeginSet and their End methods), counting segments, sets and groups and
// repeating control numbers in the trailers.
//
// Output is buffered: call Flush at the end. A value that cannot be
// written is refused before anything of its segment is written; errors of
// the underlying io.Writer surface from Flush.
type Writer struct {
	// Newline, when true, writes a line feed after each segment
	// terminator, which many people find easier to read.
	Newline bool

	w   *bufio.Writer
	d   Delimiters
	err error

	isaControl string
	gsControl  string
	stControl  string
	inISA      bool
	inGS       bool
	inST       bool
	groups     int
	sets       int
	count      int // segments since ST, inclusive
}

// NewWriter returns a Writer that writes to w with delimiters d, or with
// DefaultDelimiters if d is the zero value. It panics if d is not Valid,
// which is a programming error.
func NewWriter(w io.Writer, d Delimiters) *Writer {
	if d == (Delimiters{}) {
		d = DefaultDelimiters
	}
	if err := d.Valid(); err != nil {
		panic("x12: NewWriter: " + err.Error())
	}
	return &Writer{w: bufio.NewWriter(w), d: d}
}

// Delimiters returns the delimiters the Writer writes with.
func (w *Writer) Delimiters() Delimiters { return w.d }

// Flush writes buffered output to the underlying io.Writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.w.Flush()
	return w.err
}

// WriteSegment writes one segment of simple elements. Values must not
// contain any delimiter, not even the component separator: write
// composite elements with WriteComposite.
func (w *Writer) WriteSegment(id string, elems ...string) error {
	if w.err != nil {
		return w.err
	}
	if err := w.checkID(id); err != nil {
		return err
	}
	for i, e := range elems {
		if err := w.d.CheckValue(e); err != nil {
			return fmt.Errorf("x12: %s%02d: %w", id, i+1, err)
		}
	}
	n := len(elems)
	for n > 0 && elems[n-1] == "" {
		n--
	}
	w.w.WriteString(id)
	for _, e := range elems[:n] {
		w.w.WriteByte(w.d.Element)
		w.w.WriteString(e)
	}
	return w.end()
}

// WriteComposite writes one segment whose elements are each given as their
// components: {"HC", "99213", "25"} is the composite HC:99213:25 and {"1"} a
// simple element. No component may contain a delimiter.
func (w *Writer) WriteComposite(id string, elems ...[]string) error {
	if w.err != nil {
		return w.err
	}
	if err := w.checkID(id); err != nil {
		return err
	}
	for i, e := range elems {
		for j, c := range e {
			if err := w.d.CheckValue(c); err != nil {
				return fmt.Errorf("x12: %s%02d-%d: %w", id, i+1, j+1, err)
			}
		}
	}
	n := len(elems)
	for n > 0 && trimComponents(elems[n-1]) == 0 {
		n--
	}
	w.w.WriteString(id)
	for _, e := range elems[:n] {
		w.w.WriteByte(w.d.Element)
		for j, c := range e[:trimComponents(e)] {
			if j > 0 {
				w.w.WriteByte(w.d.Component)
			}
			w.w.WriteString(c)
		}
	}
	return w.end()
}

// trimComponents returns how many components of e are left once trailing
// empty ones are dropped.
func trimComponents(e []string) int {
	n := len(e)
	for n > 0 && e[n-1] == "" {
		n--
	}
	return n
}

// Write writes a segment read by a Reader (or made by ParseSegment),
// translating its repetitions and components to the Writer's delimiters.
// For an ISA it writes the Writer's repetition and component separators
// as ISA11 and ISA16 (ISA11 is "U" when the Writer has no repetition
// separator). It does not follow envelopes: counts are the segment's own.
func (w *Writer) Write(s *Segment) error {
	if w.err != nil {
		return w.err
	}
	if err := w.checkID(s.ID); err != nil {
		return err
	}
	if s.ID == "ISA" {
		return w.writeISA(s)
	}
	sd := s.Delims
	n := s.Len()
	for n > 0 && blank(s.Element(n), sd) {
		n--
	}
	for i := 1; i <= n; i++ {
		if err := w.checkPieces(s.Element(i), sd); err != nil {
			return fmt.Errorf("x12: %s%02d: %w", s.ID, i, err)
		}
	}
	w.w.WriteString(s.ID)
	for i := 1; i <= n; i++ {
		w.w.WriteByte(w.d.Element)
		w.writeElement(s.Element(i), sd)
	}
	return w.end()
}

// checkPieces makes sure that no piece of el, split with the segment's own
// delimiters, holds one of the Writer's delimiters.
func (w *Writer) checkPieces(el []byte, sd Delimiters) error {
	for i, c := range el {
		if c == sd.Component {
			continue
		}
		if sd.Repetition != 0 && c == sd.Repetition {
			if w.d.Repetition == 0 {
				return fmt.Errorf("value %q: %w: it repeats and the Writer has no repetition separator", el, ErrDelimiterInValue)
			}
			continue
		}
		if w.d.IsDelimiter(c) {
			return fmt.Errorf("value %q: %w %q at byte %d", el, ErrDelimiterInValue, c, i)
		}
	}
	return nil
}

// writeElement writes el with the Writer's delimiters, dropping trailing
// empty components of each repetition.
func (w *Writer) writeElement(el []byte, sd Delimiters) {
	for r := 0; ; r++ {
		rep := el
		rest := []byte(nil)
		if sd.Repetition != 0 {
			if k := indexByte(el, sd.Repetition); k >= 0 {
				rep, rest = el[:k], el[k+1:]
			}
		}
		if r > 0 {
			w.w.WriteByte(w.d.Repetition)
		}
		end := len(rep)
		for end > 0 && rep[end-1] == sd.Component {
			end--
		}
		for _, c := range rep[:end] {
			if c == sd.Component {
				c = w.d.Component
			}
			w.w.WriteByte(c)
		}
		if rest == nil {
			return
		}
		el = rest
	}
}

// blank reports whether el writes as nothing: it is empty or holds only
// component separators.
func blank(el []byte, sd Delimiters) bool {
	for _, c := range el {
		if c != sd.Component {
			return false
		}
	}
	return true
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func (w *Writer) writeISA(s *Segment) error {
	if s.Len() != 16 {
		return fmt.Errorf("x12: ISA has %d elements, want 16", s.Len())
	}
	el := make([]string, 16)
	for i := range el {
		el[i] = string(s.Element(i + 1))
		if i+1 != 11 && i+1 != 16 {
			if err := w.d.CheckValue(el[i]); err != nil {
				return fmt.Errorf("x12: ISA%02d: %w", i+1, err)
			}
		}
	}
	el[10] = "U" // no repetition separator, as in version 4010
	if w.d.Repetition != 0 {
		el[10] = string([]byte{w.d.Repetition})
	}
	el[15] = string([]byte{w.d.Component})
	w.w.WriteString("ISA")
	for _, e := range el {
		w.w.WriteByte(w.d.Element)
		w.w.WriteString(e)
	}
	return w.end()
}

func (w *Writer) checkID(id string) error {
	if len(id) < 2 || len(id) > 3 {
		return fmt.Errorf("x12: segment ID %q is not 2 or 3 characters", id)
	}
	for i := 0; i < len(id); i++ {
		if !isAlnum(id[i]) {
			return fmt.Errorf("x12: segment ID %q is not letters and digits", id)
		}
	}
	return nil
}

// end writes the terminator and counts the segment.
func (w *Writer) end() error {
	w.w.WriteByte(w.d.Segment)
	if w.Newline {
		w.w.WriteByte('\n')
	}
	if w.inST {
		w.count++
	}
	return nil
}

// BeginInterchange writes an ISA segment from h, padding its fixed-width
// fields. Empty AuthQualifier and SecurityQualifier default to "00",
// AckRequested to "0" and Version to "00501". ControlNumber must be 1 to 9
// digits and is zero-padded; SenderQualifier, SenderID, ReceiverQualifier,
// ReceiverID, Date (YYMMDD), Time (HHMM) and Usage (P or T) are required.
// h.Delims, Pos and Offset are ignored: the Writer's delimiters are used.
func (w *Writer) BeginInterchange(h InterchangeHeader) error {
	if w.err != nil {
		return w.err
	}
	if w.inISA {
		return fmt.Errorf("x12: BeginInterchange: %w: interchange %s is open", ErrEnvelopeOrder, w.isaControl)
	}
	def := func(s, d string) string {
		if s == "" {
			return d
		}
		return s
	}
	ctl := h.ControlNumber
	if ctl == "" || len(ctl) > 9 || !allDigits(ctl) {
		return fmt.Errorf("x12: ISA13 control number %q: %w: want 1 to 9 digits", ctl, ErrInvalidValue)
	}
	ctl = strings.Repeat("0", 9-len(ctl)) + ctl
	fields := []struct {
		name  string
		v     string
		width int
	}{
		{"ISA01", def(h.AuthQualifier, "00"), 2},
		{"ISA02", h.AuthInfo, 10},
		{"ISA03", def(h.SecurityQualifier, "00"), 2},
		{"ISA04", h.SecurityInfo, 10},
		{"ISA05", h.SenderQualifier, 2},
		{"ISA06", h.SenderID, 15},
		{"ISA07", h.ReceiverQualifier, 2},
		{"ISA08", h.ReceiverID, 15},
		{"ISA09", h.Date, 6},
		{"ISA10", h.Time, 4},
		{"ISA11", "U", 1},
		{"ISA12", def(h.Version, "00501"), 5},
		{"ISA13", ctl, 9},
		{"ISA14", def(h.AckRequested, "0"), 1},
		{"ISA15", h.Usage, 1},
		{"ISA16", string([]byte{w.d.Component}), 1},
	}
	if w.d.Repetition != 0 {
		fields[10].v = string([]byte{w.d.Repetition})
	}
	if _, err := ParseShortDate(h.Date); err != nil {
		return fmt.Errorf("x12: ISA09: %w", err)
	}
	if len(h.Time) != 4 || !validTime(h.Time) {
		return fmt.Errorf("x12: ISA10 time %q: %w: want HHMM", h.Time, ErrInvalidValue)
	}
	if h.Usage != "P" && h.Usage != "T" {
		return fmt.Errorf("x12: ISA15 usage indicator %q: %w: want P or T", h.Usage, ErrInvalidValue)
	}
	el := make([]string, len(fields))
	for i, f := range fields {
		if i != 10 && i != 15 {
			if err := w.d.CheckValue(f.v); err != nil {
				return fmt.Errorf("x12: %s: %w", f.name, err)
			}
		}
		if f.v == "" && (i == 4 || i == 5 || i == 6 || i == 7) {
			return fmt.Errorf("x12: %s: %w: required", f.name, ErrInvalidValue)
		}
		if len(f.v) > f.width {
			return fmt.Errorf("x12: %s %q: %w: longer than %d", f.name, f.v, ErrInvalidValue, f.width)
		}
		el[i] = f.v + strings.Repeat(" ", f.width-len(f.v))
	}
	w.w.WriteString("ISA")
	for _, e := range el {
		w.w.WriteByte(w.d.Element)
		w.w.WriteString(e)
	}
	w.end()
	w.inISA, w.isaControl, w.groups = true, ctl, 0
	return nil
}

// BeginGroup writes a GS segment from h. An empty Agency defaults to "X";
// FunctionalID, SenderCode, ReceiverCode, Date, Time, ControlNumber (1 to 9
// digits) and Version are required.
func (w *Writer) BeginGroup(h GroupHeader) error {
	if w.err != nil {
		return w.err
	}
	if !w.inISA || w.inGS {
		return fmt.Errorf("x12: BeginGroup: %w: want an open interchange and no open group", ErrEnvelopeOrder)
	}
	if c := h.ControlNumber; c == "" || len(c) > 9 || !allDigits(c) {
		return fmt.Errorf("x12: GS06 control number %q: %w: want 1 to 9 digits", c, ErrInvalidValue)
	}
	if h.Agency == "" {
		h.Agency = "X"
	}
	vals := []string{h.FunctionalID, h.SenderCode, h.ReceiverCode, h.Date, h.Time, h.ControlNumber, h.Agency, h.Version}
	for i, v := range vals {
		if v == "" {
			return fmt.Errorf("x12: GS%02d: %w: required", i+1, ErrInvalidValue)
		}
	}
	if err := w.WriteSegment("GS", vals...); err != nil {
		return err
	}
	w.inGS, w.gsControl, w.sets = true, h.ControlNumber, 0
	w.groups++
	return nil
}

// BeginSet writes an ST segment: ST01 id (such as "837"), ST02 control
// (4 to 9 characters) and, unless empty, ST03 version.
func (w *Writer) BeginSet(id, control, version string) error {
	if w.err != nil {
		return w.err
	}
	if !w.inGS || w.inST {
		return fmt.Errorf("x12: BeginSet: %w: want an open group and no open transaction set", ErrEnvelopeOrder)
	}
	if n := len(control); n < 4 || n > 9 {
		return fmt.Errorf("x12: ST02 control number %q: %w: want 4 to 9 characters", control, ErrInvalidValue)
	}
	if err := w.WriteSegment("ST", id, control, version); err != nil {
		return err
	}
	w.inST, w.stControl, w.count = true, control, 1
	w.sets++
	return nil
}

// EndSet writes the SE segment closing the open transaction set, with the
// number of segments written since its ST, both included.
func (w *Writer) EndSet() error {
	if w.err != nil {
		return w.err
	}
	if !w.inST {
		return fmt.Errorf("x12: EndSet: %w: no open transaction set", ErrEnvelopeOrder)
	}
	if err := w.WriteSegment("SE", strconv.Itoa(w.count+1), w.stControl); err != nil {
		return err
	}
	w.inST = false
	return nil
}

// EndGroup writes the GE segment closing the open functional group.
func (w *Writer) EndGroup() error {
	if w.err != nil {
		return w.err
	}
	if !w.inGS || w.inST {
		return fmt.Errorf("x12: EndGroup: %w: want an open group and no open transaction set", ErrEnvelopeOrder)
	}
	if err := w.WriteSegment("GE", strconv.Itoa(w.sets), w.gsControl); err != nil {
		return err
	}
	w.inGS = false
	return nil
}

// EndInterchange writes the IEA segment closing the open interchange.
func (w *Writer) EndInterchange() error {
	if w.err != nil {
		return w.err
	}
	if !w.inISA || w.inGS {
		return fmt.Errorf("x12: EndInterchange: %w: want an open interchange and no open group", ErrEnvelopeOrder)
	}
	if err := w.WriteSegment("IEA", strconv.Itoa(w.groups), w.isaControl); err != nil {
		return err
	}
	w.inISA = false
	return nil
}
