// Package ack reads, writes and generates X12 acknowledgments: the 999
// Implementation Acknowledgment (005010X231A1), which says for each
// transaction set of a functional group whether it was accepted and which
// segments and elements are wrong, and the TA1 Interchange Acknowledgment,
// which answers for an interchange envelope (ISA/IEA).
//
// For generates the acknowledgment claimgate sends back for a file it
// received; Parse and Write convert between the model and X12.
package ack

import (
	"github.com/claimgate/claimgate/x12"
)

// Version is the implementation guide of the 999s this package writes.
const Version = "005010X231A1"

// Interchange is an interchange of acknowledgments: the ISA, its TA1s and
// its functional groups of 999s. Trailers (SE, GE, IEA) are not kept:
// Write derives their counts and control numbers from the headers.
type Interchange struct {
	Header x12.InterchangeHeader
	TA1s   []TA1
	Groups []Group
}

// Group is a functional group (GS, normally GS01 FA) of 999s.
type Group struct {
	Header x12.GroupHeader
	Acks   []Ack999
}

// TA1 is an interchange acknowledgment.
type TA1 struct {
	ControlNumber string // TA101: ISA13 of the interchange acknowledged
	Date          string // TA102: its ISA09, YYMMDD
	Time          string // TA103: its ISA10, HHMM
	Status        string // TA104: A accepted, E accepted with errors, R rejected
	Note          string // TA105: note code, 000 for no error (see Notes)
}

// Ack999 is one 999 transaction set: the response to one functional group.
type Ack999 struct {
	ControlNumber string // ST02
	Version       string // ST03: 005010X231A1

	FunctionalID string // AK101: GS01 of the group acknowledged (HC, HP...)
	GroupControl string // AK102: its GS06
	GroupVersion string // AK103: its GS08

	Sets []SetResponse

	Status      string   // AK901: A, E, P (partially accepted), R...
	Included    int      // AK902: transaction sets the GE says the group holds
	Received    int      // AK903: transaction sets received
	Accepted    int      // AK904: transaction sets accepted (A or E)
	GroupErrors []string // AK905 to AK909: functional group error codes
}

// SetResponse is the 2000 loop of a 999: the response to one transaction set.
type SetResponse struct {
	ID            string // AK201: ST01 of the set, such as 837
	ControlNumber string // AK202: its ST02
	Version       string // AK203: its ST03, when it has one

	Errors []SegmentError // the 2100 loops: IK3 with CTX and IK4s

	Status string   // IK501: A, E, M, R, W, X
	Codes  []string // IK502 to IK506: set error codes
}

// SegmentError is an IK3 with its contexts and element errors.
type SegmentError struct {
	SegmentID string    // IK301
	Position  int       // IK302: position in the set, ST = 1
	Loop      string    // IK303: loop ID, when in a loop
	Code      string    // IK304: segment syntax error code
	Context   []Context // CTX: business unit and segment contexts
	Elements  []ElementError
}

// ElementError is an IK4 with its contexts.
type ElementError struct {
	Position    int       // IK401-1: element position
	Component   int       // IK401-2: component position, 0 for none
	Repetition  int       // IK401-3: repetition, 0 for none
	DataElement string    // IK402: data element reference number
	Code        string    // IK403: element syntax error code
	Bad         string    // IK404: copy of the bad value (claimgate never sends it)
	Context     []Context // CTX
}

// Context is a CTX segment: a business unit identifier (Name "CLM01" and
// the claim's patient control number as Value) or a segment context (Name
// "SITUATIONAL TRIGGER" and the segment that makes the erroneous one
// required).
type Context struct {
	Name        string // CTX01-1
	Value       string // CTX01-2
	SegmentID   string // CTX02
	Position    int    // CTX03
	Loop        string // CTX04
	Element     int    // CTX05-1
	Component   int    // CTX05-2
	Repetition  int    // CTX05-3
	DataElement string // CTX06-1
}

// Notes are the TA105 interchange note codes.
var Notes = map[string]string{
	"000": "No error",
	"001": "The Interchange Control Number in the Header and Trailer Do Not Match",
	"002": "This Standard as Noted in the Control Standards Identifier is Not Supported",
	"003": "This Version of the Controls is Not Supported",
	"004": "The Segment Terminator is Invalid",
	"005": "Invalid Interchange ID Qualifier for Sender",
	"006": "Invalid Interchange Sender ID",
	"007": "Invalid Interchange ID Qualifier for Receiver",
	"008": "Invalid Interchange Receiver ID",
	"009": "Unknown Interchange Receiver ID",
	"010": "Invalid Authorization Information Qualifier Value",
	"011": "Invalid Authorization Information Value",
	"012": "Invalid Security Information Qualifier Value",
	"013": "Invalid Security Information Value",
	"014": "Invalid Interchange Date Value",
	"015": "Invalid Interchange Time Value",
	"016": "Invalid Interchange Standards Identifier Value",
	"017": "Invalid Interchange Version ID Value",
	"018": "Invalid Interchange Control Number Value",
	"019": "Invalid Acknowledgment Requested Value",
	"020": "Invalid Test Indicator Value",
	"021": "Invalid Number of Included Groups Value",
	"022": "Invalid Control Structure",
	"023": "Improper (Premature) End-of-File (Transmission)",
	"024": "Invalid Interchange Content (e.g., Invalid GS Segment)",
	"025": "Duplicate Interchange Control Number",
	"026": "Invalid Data Element Separator",
	"027": "Invalid Component Element Separator",
}
