// Package txn holds what the HL-structured transactions of packages
// x12/elig (270/271), x12/status (276/277/277CA) and x12/auth (278) share:
// the name, reference, date and envelope types of their models (which
// those packages declare again as aliases), the reading of segments into
// them, and the writing of loops back in TR3 order.
//
// A package reads a validated loop tree with a Parser, which keeps the
// first error (ReadAll reads a stream of sets), and writes a model by
// building its WriteLoops into a Set, which WriteAll and WriteOne write.
package txn

import (
	"errors"
	"time"

	"github.com/claimgate/claimgate/x12"
)

// ErrGuide means that a model holds what its implementation guide does
// not allow in that place, such as a benefit (EB) in a 270 or a decision
// (HCR) in a 278 request: the writers refuse to write it. The parsers read
// such input all the same (the validator reports it), so that what a
// sender got wrong can be seen.
var ErrGuide = errors.New("not allowed by the implementation guide")

// Segment is a segment the model does not type, kept as X12 text with the
// default delimiters (* ^ :) and without its terminator: "III*ZZ*11".
type Segment string

// Loop is a loop the model does not type, kept whole.
type Loop struct {
	ID       string    // the TR3 loop ID, such as "2115C"
	Segments []Segment `json:",omitempty"`
	Loops    []Loop    `json:",omitempty"`
}

// Envelope is what surrounds a transaction set: the interchange (ISA) and
// functional group (GS) headers and the set's control number (ST02).
// Positions and offsets are not kept; Delims are the interchange's
// delimiters, which the writers use again.
type Envelope struct {
	Interchange x12.InterchangeHeader
	Group       x12.GroupHeader
	Control     string // ST02
}

// EnvelopeOf returns the envelope of ts as a model keeps it: without
// positions and offsets, and with the delimiters a writer will use (an
// interchange without a repetition separator gets ^).
func EnvelopeOf(ts *x12.TransactionSet) Envelope { return envelopeOf(ts, writeDelimiters) }

// ClaimEnvelopeOf is EnvelopeOf with the delimiters of ClaimDelimiters, as
// x12/claim and x12/remit keep an envelope.
func ClaimEnvelopeOf(ts *x12.TransactionSet) Envelope { return envelopeOf(ts, ClaimDelimiters) }

func envelopeOf(ts *x12.TransactionSet, delims func(x12.Delimiters) x12.Delimiters) Envelope {
	isa, gs := ts.Interchange, ts.Group
	isa.Pos, isa.Offset = 0, 0
	isa.Delims = delims(isa.Delims)
	gs.Pos, gs.Offset = 0, 0
	return Envelope{Interchange: isa, Group: gs, Control: ts.ControlNumber}
}

// writeDelimiters returns d, or the default delimiters when d is not
// usable, with a repetition separator that none of the others is.
func writeDelimiters(d x12.Delimiters) x12.Delimiters { return usableDelimiters(d, "^~|!`") }

// usableDelimiters returns d, or the default delimiters when d is not
// usable; when d has no repetition separator, it gets the first of reps
// that none of the others is.
func usableDelimiters(d x12.Delimiters, reps string) x12.Delimiters {
	if d.Valid() != nil {
		return x12.DefaultDelimiters
	}
	if d.Repetition == 0 {
		for _, c := range []byte(reps) {
			if !d.IsDelimiter(c) {
				d.Repetition = c
				break
			}
		}
	}
	return d
}

// Name is an NM1 segment: a person or organization and its identifier.
type Name struct {
	Entity       string `json:",omitempty"` // NM101: PR payer, 1P provider, IL insured, QC patient...
	Type         string `json:",omitempty"` // NM102: 1 person, 2 organization
	Last         string `json:",omitempty"` // NM103, or the organization's name
	First        string `json:",omitempty"` // NM104
	Middle       string `json:",omitempty"` // NM105
	Prefix       string `json:",omitempty"` // NM106
	Suffix       string `json:",omitempty"` // NM107
	IDQualifier  string `json:",omitempty"` // NM108: PI payer ID, XX NPI, MI member ID, 46 ETIN...
	ID           string `json:",omitempty"` // NM109
	Relationship string `json:",omitempty"` // NM110: entity relationship code
}

// Address is an N3 and N4 pair.
type Address struct {
	Line1       string `json:",omitempty"` // N301
	Line2       string `json:",omitempty"` // N302
	City        string `json:",omitempty"` // N401
	State       string `json:",omitempty"` // N402
	PostalCode  string `json:",omitempty"` // N403
	Country     string `json:",omitempty"` // N404
	Subdivision string `json:",omitempty"` // N407
}

// Ref is a REF segment: a qualifier, an identifier and a description.
type Ref struct {
	Qualifier   string // REF01
	Value       string `json:",omitempty"` // REF02
	Description string `json:",omitempty"` // REF03
}

// Contact is a PER segment: a function, a name and up to three numbers.
type Contact struct {
	Function string          // PER01: IC information contact
	Name     string          `json:",omitempty"` // PER02
	Numbers  []Communication `json:",omitempty"` // PER03-08
}

// Communication is one number of a PER segment, such as TE 8005551212.
type Communication struct {
	Qualifier string // EM, FX, TE, UR...
	Number    string
}

// Specialty is a PRV segment: the provider's role and taxonomy.
type Specialty struct {
	Code        string // PRV01: PE performing, RF referring, AT attending...
	IDQualifier string `json:",omitempty"` // PRV02: PXC taxonomy
	ID          string `json:",omitempty"` // PRV03
}

// Reject is an AAA segment: why a request was not processed, and what to
// do about it.
type Reject struct {
	Valid    string // AAA01: Y the request was valid, N it was not
	Reason   string // AAA03: 15 required application data missing, 42 unable to respond now, 72 invalid member ID...
	FollowUp string // AAA04: C correct and resubmit, N resubmission not allowed, R resubmission allowed, Y do not resubmit...
}

// Trace is a TRN segment: a trace number and who assigned it.
type Trace struct {
	Type         string // TRN01: 1 current transaction, 2 referenced transaction
	Number       string // TRN02
	Originator   string `json:",omitempty"` // TRN03: the assigner's identifier (1 and a tax ID or 9 and a DUNS)
	Supplemental string `json:",omitempty"` // TRN04
}

// Date is a DTP segment: a qualified date or range. Format is DTP02 (D8 a
// date, RD8 a range, DT a date and time); To is zero unless it is a range.
type Date struct {
	Qualifier string    // DTP01: 291 plan, 346 plan begin, 472 service...
	Format    string    // DTP02: D8, RD8, DT
	From      time.Time // midnight UTC, or the time given (DT)
	To        time.Time `json:",omitzero"`
}

// Contains reports whether day t falls within d: the one day of a D8 or DT
// date, or the days of an RD8 range, both ends included.
func (d Date) Contains(t time.Time) bool {
	day := func(x time.Time) time.Time { return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC) }
	t = day(t)
	to := d.To
	if to.IsZero() {
		to = d.From
	}
	return !t.Before(day(d.From)) && !t.After(day(to))
}

// Code is a qualified code: a component pair such as ABK:J449 of an HI
// segment, or HC:99213 of a procedure.
type Code struct {
	Qualifier string // the code list: ABK ICD-10-CM principal, ABF ICD-10-CM, HC HCPCS...
	Code      string
}

// Procedure is a composite medical procedure identifier (C003): a code
// list, a code and up to four modifiers.
type Procedure struct {
	Qualifier   string   // C003-01: HC HCPCS/CPT, AD ADA, N4 NDC, NU revenue code...
	Code        string   // C003-02
	Modifiers   []string `json:",omitempty"` // C003-03..06
	Description string   `json:",omitempty"` // C003-07
}
