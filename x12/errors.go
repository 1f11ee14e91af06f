package x12

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors carried in ParseError.Err. Compare with errors.Is.
var (
	// ErrNoISA means the input, or what follows an interchange, does not
	// start with an ISA segment.
	ErrNoISA = errors.New("no ISA segment at start of interchange")
	// ErrBadISA means the ISA segment is malformed: too short, its
	// delimiters cannot be found or are unusable, or a field breaks the
	// ISA's fixed layout.
	ErrBadISA = errors.New("malformed ISA segment")
	// ErrSegmentTooLong means a segment exceeds Reader.MaxSegmentSize.
	ErrSegmentTooLong = errors.New("segment too long")
	// ErrUnexpectedEOF means the input ends inside a segment.
	ErrUnexpectedEOF = errors.New("unexpected end of input")
	// ErrControlNumberMismatch means a trailer's control number differs
	// from its header's (SE02/ST02, GE02/GS06, IEA02/ISA13).
	ErrControlNumberMismatch = errors.New("control number mismatch")
	// ErrDuplicateControlNumber means a control number is used twice where
	// it must be unique: GS06 within an interchange, ST02 within a group.
	ErrDuplicateControlNumber = errors.New("duplicate control number")
	// ErrCountMismatch means a trailer's count is wrong (SE01, GE01, IEA01).
	ErrCountMismatch = errors.New("count mismatch")
	// ErrMissingTrailer means an envelope is not closed: no SE, GE or IEA.
	ErrMissingTrailer = errors.New("missing trailer")
	// ErrOutsideEnvelope means a segment appears where its envelope is not
	// open: data outside ST..SE, ST outside GS..GE, GS outside ISA..IEA, or
	// a trailer without its header.
	ErrOutsideEnvelope = errors.New("segment outside its envelope")
	// ErrInvalidValue means an envelope element has a value that the
	// standard does not allow (bad date, time, qualifier, width).
	ErrInvalidValue = errors.New("invalid value")
	// ErrVersion means the interchange or group is not X12 5010
	// (ISA12 other than 00501, GS08 not 005010…, ST03 not GS08).
	ErrVersion = errors.New("unsupported version")
	// ErrTooManyErrors is the last error a Checker records once it has
	// reached its limit; later problems are not recorded.
	ErrTooManyErrors = errors.New("too many errors")
	// ErrDelimiterInValue means a value to be written contains one of the
	// writer's delimiters. X12 has no escape mechanism.
	ErrDelimiterInValue = errors.New("value contains a delimiter")
	// ErrEnvelopeOrder means a Writer's envelope calls are out of order,
	// such as EndSet without BeginSet.
	ErrEnvelopeOrder = errors.New("envelope out of order")
)

// A ParseError reports a problem at a position in X12 input. Err is one of
// the sentinel errors above; Detail, when set, says what exactly is wrong.
type ParseError struct {
	Segment    int    // position of the segment in the input, 1-based; 0 if none
	SetSegment int    // position within its transaction set (ST = 1); 0 outside
	SegmentID  string // segment ID, such as "SE"; empty if unknown
	Element    int    // element position, 1-based; 0 for the whole segment
	Component  int    // component position, 1-based; 0 for the whole element
	Offset     int64  // byte offset of the segment (or of the problem) in the input
	Err        error  // sentinel error
	Detail     string // specifics for a person; empty means Err's text
}

// Error returns the problem and its position, such as
// "segment 16 (SE): element 1: segment count 15 does not match 14 segments counted".
func (e *ParseError) Error() string {
	var b strings.Builder
	if e.Segment > 0 {
		b.WriteString("segment ")
		b.WriteString(strconv.Itoa(e.Segment))
		if e.SegmentID != "" {
			b.WriteString(" (")
			b.WriteString(e.SegmentID)
			b.WriteString(")")
		}
	} else {
		b.WriteString("byte ")
		b.WriteString(strconv.FormatInt(e.Offset, 10))
	}
	if e.Element > 0 {
		b.WriteString(": element ")
		b.WriteString(strconv.Itoa(e.Element))
		if e.Component > 0 {
			b.WriteString(" component ")
			b.WriteString(strconv.Itoa(e.Component))
		}
	}
	b.WriteString(": ")
	switch {
	case e.Detail != "":
		b.WriteString(e.Detail)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString("error")
	}
	return b.String()
}

// Unwrap returns the sentinel error, so errors.Is(err, ErrCountMismatch) works.
func (e *ParseError) Unwrap() error { return e.Err }
