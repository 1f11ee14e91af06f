package auth

import (
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
)

// The types below are those that every HL-structured transaction shares
// (packages x12/elig, x12/status and x12/auth): they are declared once,
// in x12/internal/txn, and are the same types in the three packages.

// ErrGuide means that a model holds what its implementation guide does
// not allow in that place, such as a benefit (EB) in a 270 or a decision
// (HCR) in a 278 request: the writers refuse to write it. The parsers read
// such input all the same (the validator reports it), so that what a
// sender got wrong can be seen.
var ErrGuide = txn.ErrGuide

// Segment is a segment the model does not type, kept as X12 text with the
// default delimiters (* ^ :) and without its terminator: "III*ZZ*11".
type Segment = txn.Segment

// Loop is a loop the model does not type, kept whole: its TR3 loop ID
// (such as "2115C"), segments and loops.
type Loop = txn.Loop

// Envelope is what surrounds a transaction set: the interchange (ISA) and
// functional group (GS) headers and the set's control number (ST02).
// Positions and offsets are not kept; Delims are the interchange's
// delimiters, which the writers use again.
type Envelope = txn.Envelope

// EnvelopeOf returns the envelope of ts as a model keeps it: without
// positions and offsets, and with the delimiters a writer will use (an
// interchange without a repetition separator gets ^).
func EnvelopeOf(ts *x12.TransactionSet) Envelope { return txn.EnvelopeOf(ts) }

// Name is an NM1 segment: a person or organization and its identifier.
type Name = txn.Name

// Address is an N3 and N4 pair.
type Address = txn.Address

// Ref is a REF segment: a qualifier, an identifier and a description.
type Ref = txn.Ref

// Contact is a PER segment: a function, a name and up to three numbers.
type Contact = txn.Contact

// Communication is one number of a PER segment, such as TE 8005551212.
type Communication = txn.Communication

// Specialty is a PRV segment: the provider's role and taxonomy.
type Specialty = txn.Specialty

// Reject is an AAA segment: why a request was not processed, and what to
// do about it.
type Reject = txn.Reject

// Trace is a TRN segment: a trace number and who assigned it.
type Trace = txn.Trace

// Date is a DTP segment: a qualified date or range, with its method
// Contains.
type Date = txn.Date

// Code is a qualified code: a component pair such as ABK:J449 of an HI
// segment, or HC:99213 of a procedure.
type Code = txn.Code

// Procedure is a composite medical procedure identifier (C003): a code
// list, a code and up to four modifiers.
type Procedure = txn.Procedure
