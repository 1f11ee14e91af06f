// Package elig reads and writes the HIPAA eligibility, coverage or benefit
// inquiry (270) and its response (271), ASC X12 005010X279A1.
//
// Both transactions share one hierarchy: information sources (payers, HL
// 20), information receivers (providers, HL 21), subscribers (HL 22) and
// dependents (HL 23). An Inquiry asks, per subscriber or dependent, about
// service types (EQ); a Response answers with benefits (EB) or rejections
// (AAA). Parse270 and Parse271 turn the loop tree of a validated
// transaction set (package x12/validate) into the model; Write270 and
// Write271 write it back in TR3 order, numbering the HL segments.
//
// Money is int64 cents and rates are ten-thousandths (basis points of a
// fraction: 0.2 is 2000), never floats; dates are time.Time at midnight
// UTC. Segments the model does not type are kept as X12 text in Other, so
// that reading and writing loses nothing.
package elig

import "time"

// Version is the implementation guide of the 270 and 271 (ST03, GS08).
const Version = "005010X279A1"

// Header is what the ST and BHT segments of a 270 or 271 say.
type Header struct {
	Envelope Envelope
	Version  string    // ST03 (or GS08)
	Purpose  string    // BHT02: 13 request, 11 response, 01 cancellation, 36 authority to deduct (271)
	Ref      string    `json:",omitempty"` // BHT03: the submitter's reference, echoed by the 271
	Created  time.Time // BHT04 and BHT05
	Type     string    `json:",omitempty"` // BHT06: RT real time (270)
}

// An Inquiry is one 270 transaction set.
type Inquiry struct {
	Header
	Sources    []Source  // loops 2000A
	Other      []Segment `json:",omitempty"`
	OtherLoops []Loop    `json:",omitempty"`
}

// A Response is one 271 transaction set.
type Response struct {
	Header
	Sources    []Source  // loops 2000A
	Other      []Segment `json:",omitempty"`
	OtherLoops []Loop    `json:",omitempty"`
}

// Source is an information source (loop 2000A with 2100A): the payer
// asked or answering, and the receivers under it.
type Source struct {
	// Rejects are the AAA segments of loop 2000A (271): the request as a
	// whole could not be processed (AAA03 04 authorized quantity exceeded,
	// 41 authorization/access restrictions, 42 unable to respond now, 79
	// invalid participant ID, 80 no response from the payer, T4 payer name
	// or ID missing).
	Rejects   []Reject `json:",omitempty"`
	Party              // loop 2100A
	Receivers []Receiver
	// LevelOther are segments of loop 2000A itself that the model does
	// not type.
	LevelOther []Segment `json:",omitempty"`
	OtherLoops []Loop    `json:",omitempty"`
}

// Receiver is an information receiver (loop 2000B with 2100B): the
// provider asking, and the subscribers asked about.
type Receiver struct {
	Party       // loop 2100B
	Subscribers []Member
	LevelOther  []Segment `json:",omitempty"` // of loop 2000B itself
	OtherLoops  []Loop    `json:",omitempty"`
}

// Party is a name loop (2100A, 2100B, 2100C, 2100D, 2120C, 2120D): an NM1
// with what may follow it.
type Party struct {
	Name      Name
	Refs      []Ref      `json:",omitempty"`
	Address   Address    `json:",omitzero"`
	Contacts  []Contact  `json:",omitempty"`
	Rejects   []Reject   `json:",omitempty"` // AAA in the name loop (271)
	Specialty *Specialty `json:",omitempty"` // PRV
	Other     []Segment  `json:",omitempty"`
}

// Member is a subscriber (loop 2000C with 2100C) or a dependent (2000D
// with 2100D): who the inquiry is about, what is asked (270) and what is
// answered (271).
type Member struct {
	Traces []Trace `json:",omitempty"` // TRN of loop 2000C/2000D
	Party
	BirthDate time.Time `json:",omitzero"`  // DMG02 (DMG01 D8)
	Sex       string    `json:",omitempty"` // DMG03: F, M, U
	Insured   *Insured  `json:",omitempty"` // INS
	Diagnoses []Code    `json:",omitempty"` // HI (270)
	Dates     []Date    `json:",omitempty"` // DTP: 291 plan (service date asked), 307 eligibility, 346 plan begin, 356 eligibility begin...
	// Inquiries are the EQ loops (2110C/2110D) of a 270.
	Inquiries []ServiceInquiry `json:",omitempty"`
	// Benefits are the EB loops (2110C/2110D) of a 271.
	Benefits []Benefit `json:",omitempty"`
	// Dependents are the 2000D loops under a subscriber; a dependent has
	// none.
	Dependents []Member  `json:",omitempty"`
	LevelOther []Segment `json:",omitempty"` // of loop 2000C/2000D itself
	OtherLoops []Loop    `json:",omitempty"`
}

// Insured is an INS segment of a 270/271 member: whether the member is the
// subscriber and how the dependent is related.
type Insured struct {
	Subscriber        string // INS01: Y the subscriber, N a dependent
	Relationship      string // INS02: 18 self, 01 spouse, 19 child, 34 other adult...
	MaintenanceType   string `json:",omitempty"` // INS03: 001 change (271)
	MaintenanceReason string `json:",omitempty"` // INS04: 25 change in identifying data elements (271)
	BirthSequence     string `json:",omitempty"` // INS17
}

// ServiceInquiry is an eligibility or benefit inquiry (EQ loop 2110C/2110D of
// a 270): the service types or procedure asked about.
type ServiceInquiry struct {
	ServiceTypes      []string   `json:",omitempty"` // EQ01 (repeats): 30 health benefit plan coverage, 1 medical care, 33 chiropractic...
	Procedure         *Procedure `json:",omitempty"` // EQ02
	CoverageLevel     string     `json:",omitempty"` // EQ03: IND, FAM, ESP...
	DiagnosisPointers []string   `json:",omitempty"` // EQ05 (C004)
	// Amounts are AMT segments: R (spend down), PB (billed amount).
	Amounts []Amount  `json:",omitempty"`
	Refs    []Ref     `json:",omitempty"` // REF*9F referral, REF*G1 prior authorization
	Dates   []Date    `json:",omitempty"` // DTP*291
	Other   []Segment `json:",omitempty"`
}

// Amount is an AMT segment: a qualified amount in cents.
type Amount struct {
	Qualifier string // AMT01
	Cents     int64  // AMT02
}

// Benefit is an eligibility or benefit information loop (EB, 2110C/2110D
// of a 271).
type Benefit struct {
	// Info is EB01: 1 active coverage, 6 inactive, A co-insurance, B
	// co-payment, C deductible, F limitations, G out of pocket (stop
	// loss), I non-covered, L primary care provider, R other or additional
	// payer, V cannot process, X health care facility...
	Info            string
	CoverageLevel   string   `json:",omitempty"` // EB02: IND individual, FAM family, EMP employee only, ESP, CHD...
	ServiceTypes    []string `json:",omitempty"` // EB03 (repeats)
	InsuranceType   string   `json:",omitempty"` // EB04: HM HMO, PR PPO, MA Medicare A, MC Medicaid...
	PlanDescription string   `json:",omitempty"` // EB05
	// Period is EB06, the time the amount or quantity covers: 7 day, 21
	// years, 22 service year, 23 calendar year, 24 year to date, 25
	// contract, 26 episode, 27 visit, 29 remaining, 32 lifetime...
	Period string `json:",omitempty"`
	Amount *int64 `json:",omitempty"` // EB07, cents
	// Rate is EB08, the percent as a fraction in ten-thousandths: 0.2
	// (20%) is 2000.
	Rate              *int64     `json:",omitempty"`
	QuantityQualifier string     `json:",omitempty"` // EB09: VS visits, DY days, HS hours...
	Quantity          *int64     `json:",omitempty"` // EB10, in ten-thousandths (1.5 is 15000)
	Authorization     string     `json:",omitempty"` // EB11: Y, N, U
	InPlanNetwork     string     `json:",omitempty"` // EB12: Y in network, N out, W not applicable (both), U unknown
	Procedure         *Procedure `json:",omitempty"` // EB13
	DiagnosisPointers []string   `json:",omitempty"` // EB14 (C004)
	Refs              []Ref      `json:",omitempty"` // REF
	Dates             []Date     `json:",omitempty"` // DTP: 291 plan, 292 benefit, 346/347 plan begin/end, 356/357 eligibility begin/end...
	Rejects           []Reject   `json:",omitempty"` // AAA of loop 2110C/2110D
	Messages          []string   `json:",omitempty"` // MSG01
	// Related are the benefit related entities between LS and LE (loops
	// 2120C/2120D): a primary care provider, another payer...
	Related    []Party   `json:",omitempty"`
	Other      []Segment `json:",omitempty"`
	OtherLoops []Loop    `json:",omitempty"` // 2115C/2115D (III) and the like
}
