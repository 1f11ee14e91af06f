package validate

import (
	"strconv"
	"strings"
)

// Severity says whether a finding makes a transaction set wrong.
type Severity uint8

const (
	// Error is a defect: the set breaks its implementation guide. A 999
	// reports it.
	Error Severity = iota + 1
	// Warning is a lapse that receivers tolerate, such as trailing element
	// separators; a 999 does not report it.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Level says which part of a 999 a finding belongs to.
type Level uint8

const (
	// SegmentLevel findings are about a whole segment (a 999 IK3 with an
	// IK304 code): unexpected, missing, repeated too often.
	SegmentLevel Level = iota + 1
	// ElementLevel findings are about one element or component (an IK3 with
	// code 8 and an IK4 with an IK403 code).
	ElementLevel
	// SetLevel findings are about the transaction set's envelope (an IK5
	// code): control numbers and counts of ST/SE.
	SetLevel
)

// IK304 segment syntax error codes (999, element 620).
const (
	CodeUnrecognizedSegment = "1"  // segment ID not known at all
	CodeUnexpectedSegment   = "2"  // known here, but not in this place
	CodeMissingSegment      = "3"  // required segment (or loop trigger) missing
	CodeLoopOverMax         = "4"  // loop occurs over maximum times
	CodeSegmentOverMax      = "5"  // segment exceeds maximum use
	CodeNotInSet            = "6"  // segment not in the transaction set
	CodeOutOfSequence       = "7"  // segment not in proper sequence
	CodeElementErrors       = "8"  // segment has data element errors
	CodeSegmentNotUsed      = "I4" // implementation "not used" segment present
	CodeSituationalMissing  = "I6" // implementation dependent segment missing
	CodeSituationalNotUsed  = "I9" // implementation dependent "not used" segment present
)

// IK403 element syntax error codes (999, element 621).
const (
	CodeElementMissing     = "1"   // required element missing
	CodeConditionalMissing = "2"   // conditional required element missing
	CodeTooManyElements    = "3"   // too many data elements
	CodeTooShort           = "4"   // data element too short
	CodeTooLong            = "5"   // data element too long
	CodeBadCharacter       = "6"   // invalid character in data element
	CodeBadCode            = "7"   // invalid code value
	CodeBadDate            = "8"   // invalid date
	CodeBadTime            = "9"   // invalid time
	CodeExclusion          = "10"  // exclusion condition violated
	CodeTooManyRepeats     = "12"  // too many repetitions
	CodeTooManyComponents  = "13"  // too many components
	CodeCodeNotUsed        = "I6"  // code value not used in implementation
	CodeElementNotUsed     = "I10" // implementation "not used" element present
	CodePattern            = "I12" // implementation pattern match failure
)

// IK5 transaction set syntax error codes (999, element 718).
const (
	CodeSetNotSupported   = "1" // transaction set not supported
	CodeTrailerMissing    = "2" // SE missing
	CodeControlMismatch   = "3" // ST02 and SE02 differ
	CodeCountMismatch     = "4" // SE01 wrong
	CodeSegmentsInError   = "5" // one or more segments in error
	CodeBadSetID          = "6" // missing or invalid ST01
	CodeBadControlNumber  = "7" // missing or invalid ST02
	CodeBadImplementation = "I6"
)

// A Finding is one problem in a transaction set. Findings are results, not
// Go errors: a set with findings was still read.
type Finding struct {
	Severity Severity
	Level    Level
	// Code is the 999 code: IK304 for a segment finding, IK403 for an
	// element finding, IK502 for a set finding.
	Code string

	SetPos    int    // segment position in the set, ST = 1 (IK302); 0 if none
	Pos       int    // segment position in the file, ISA = 1; 0 if unknown
	Offset    int64  // byte offset of the segment in the file
	SegmentID string // the segment at fault (for a missing segment: the one missing)
	Loop      string // ID of the innermost loop: "2010BA"; "ST" at the top
	Path      string // loop IDs from the top: "ST/2000A/2000B/2010BA"

	Element     int    // element position, 1-based; 0 for a segment finding
	Component   int    // component position, 1-based; 0 for a whole element
	Repetition  int    // repetition, 1-based; 0 when the element does not repeat
	DataElement string // X12 data element number (IK404... IK402); "" if unknown
	Ref         string // element reference for people: "NM108", "CLM05-3"

	Rule string // the situational rule that found it; "" for the table's checks
	// Noted is set when a 999 should report the finding but accept the
	// set (IK5 E): see Rule.Noted.
	Noted bool
	Msg   string // what is wrong, for a person; never holds names, IDs or dates
}

// String returns the finding as one line a person can act on, such as
// `segment 23 (NM1) in loop 2010BA: element NM108: code "XX" not allowed; want MI or II`.
// The segment number counts from the start of the file (ISA is 1), or from
// ST when the file position is unknown.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString("segment ")
	pos := f.Pos
	if pos == 0 {
		pos = f.SetPos
	}
	b.WriteString(strconv.Itoa(pos))
	if f.SegmentID != "" {
		b.WriteString(" (")
		b.WriteString(f.SegmentID)
		b.WriteString(")")
	}
	if f.Loop != "" {
		b.WriteString(" in loop ")
		b.WriteString(f.Loop)
	}
	if f.Ref != "" {
		b.WriteString(": element ")
		b.WriteString(f.Ref)
	}
	b.WriteString(": ")
	if f.Severity == Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(f.Msg)
	return b.String()
}

// elementRef returns the reference of an element or component: "NM108",
// "CLM05-3".
func elementRef(seg string, elem, comp int) string {
	if elem <= 0 {
		return ""
	}
	s := seg
	if elem < 10 {
		s += "0"
	}
	s += strconv.Itoa(elem)
	if comp > 0 {
		s += "-" + strconv.Itoa(comp)
	}
	return s
}

// want formats allowed codes for a message: "MI or II", "A, B or C", and at
// most eight of a long list.
func want(codes []string) string {
	const max = 8
	if len(codes) == 0 {
		return ""
	}
	if len(codes) > max {
		return "one of " + strconv.Itoa(len(codes)) + " codes such as " + strings.Join(codes[:max], ", ")
	}
	if len(codes) == 1 {
		return codes[0]
	}
	return strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1]
}
