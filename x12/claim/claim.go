// Package claim reads and writes the 837 health care claim in its two
// HIPAA forms: professional (ASC X12 005010X222A1, the CMS-1500's
// electronic twin) and institutional (005010X223A2, the UB-04's).
//
// A Transaction is one 837 transaction set with its hierarchy: billing
// providers (HL 20), their subscribers (HL 22) and patients (HL 23), and
// the claims under each. Parse turns the loop tree of a validated
// transaction set (package x12/validate) into a Transaction; Write turns
// Transactions back into an interchange in TR3 order, numbering the HL
// segments itself. Money is int64 cents, never a float; other decimals
// are Quantity; dates are time.Time at midnight UTC, zero when absent.
//
// The model types what a billing system reads and writes. Segments and
// loops it does not type are kept, in Other and OtherLoops, as X12 text
// with the default delimiters, so that reading and writing loses nothing.
package claim

import (
	"strings"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
)

// The implementation guides this package reads and writes (GS08, ST03).
// Errata versions (005010X222A2, 005010X223A3) read as well and are
// written back as read.
const (
	Professional  = "005010X222A1"
	Institutional = "005010X223A2"
)

// A Transaction is one 837 transaction set.
type Transaction struct {
	Envelope Envelope
	// Version is ST03 (or GS08): Professional, Institutional or an
	// errata version of one of them.
	Version   string
	Purpose   string    // BHT02: 00 original, 18 reissue
	Reference string    // BHT03: the originator's batch identifier
	Created   time.Time // BHT04 and BHT05
	Type      string    // BHT06: CH chargeable, RP reporting (encounters)
	Submitter Party     // loop 1000A (NM1*41, PER)
	Receiver  Party     // loop 1000B (NM1*40)
	// BillingProviders are the 2000A loops.
	BillingProviders []BillingProvider
	Other            []Segment `json:",omitempty"`
	OtherLoops       []Loop    `json:",omitempty"`
}

// IsInstitutional reports whether t is an 837I.
func (t *Transaction) IsInstitutional() bool { return strings.HasPrefix(t.Version, "005010X223") }

// Envelope is what surrounds a transaction set: the interchange (ISA) and
// functional group (GS) headers and the set's control number (ST02).
// Positions and offsets are not kept; Delims are the interchange's
// delimiters, which Write uses again.
type Envelope struct {
	Interchange x12.InterchangeHeader
	Group       x12.GroupHeader
	Control     string // ST02
}

// Segment is a segment the model does not type, kept as X12 text with the
// default delimiters (* ^ :) and without its terminator: "PAT*01".
type Segment string

// Loop is a loop the model does not type, kept whole.
type Loop struct {
	ID       string    // the TR3 loop ID, for people; Write places loops by their first segment
	Segments []Segment `json:",omitempty"`
	Loops    []Loop    `json:",omitempty"`
}

// Entity is an NM1 segment: a person or organization and its identifier.
type Entity struct {
	Role        string `json:",omitempty"` // NM101: 85 billing provider, IL subscriber, PR payer, 82 rendering...
	Type        string `json:",omitempty"` // NM102: 1 person, 2 organization
	Last        string `json:",omitempty"` // NM103, or the organization's name
	First       string `json:",omitempty"` // NM104
	Middle      string `json:",omitempty"` // NM105
	Suffix      string `json:",omitempty"` // NM107
	IDQualifier string `json:",omitempty"` // NM108: XX NPI, MI member ID, PI payer ID, 46 ETIN...
	ID          string `json:",omitempty"` // NM109
}

// Party is a name loop: an NM1 with what may follow it (PRV, N3, N4, REF,
// PER). It serves for the submitter, receiver, subscriber, payer and every
// provider loop (2310x, 2330x, 2420x); Role (NM101) says which.
type Party struct {
	Entity
	// SpecialtyCode (PRV01: BI billing, PE performing, AT attending, RF
	// referring...) and Taxonomy (PRV03, qualifier PXC) are the PRV
	// segment. A billing provider's PRV belongs to loop 2000A and is kept
	// here all the same.
	SpecialtyCode string    `json:",omitempty"`
	Taxonomy      string    `json:",omitempty"`
	Address       Address   `json:",omitzero"`
	Refs          []Ref     `json:",omitempty"`
	Contacts      []Contact `json:",omitempty"`
	Other         []Segment `json:",omitempty"`
}

// Address is an N3 and N4 pair (the type of x12/internal/txn).
type Address = txn.Address

// Ref is a REF segment: a qualifier and an identifier.
type Ref struct {
	Qualifier string // REF01
	Value     string // REF02
}

// Contact is a PER segment: a function, a name and up to three numbers.
type Contact struct {
	Function string          // PER01: IC information contact
	Name     string          `json:",omitempty"` // PER02
	Numbers  []Communication `json:",omitempty"` // PER03-08
}

// Communication is one number of a PER segment, such as TE 8005551212.
type Communication struct {
	Qualifier string // EM, EX, FX, TE
	Number    string
}

// BillingProvider is a 2000A loop with its 2010AA name loop, pay-to
// loops and subscribers.
type BillingProvider struct {
	// Party is loop 2010AA (NM1*85: name and NPI, address, REF, PER) and
	// the specialty (PRV*BI) of loop 2000A.
	Party
	// TaxIDQualifier and TaxID are REF*EI (employer ID) or REF*SY (SSN).
	TaxIDQualifier string `json:",omitempty"`
	TaxID          string `json:",omitempty"`
	Currency       string `json:",omitempty"` // CUR02
	// PayTo is loop 2010AB (NM1*87), the pay-to address.
	PayTo *Party `json:",omitempty"`
	// PayToPlan is loop 2010AC (NM1*PE).
	PayToPlan   *Party       `json:",omitempty"`
	Subscribers []Subscriber `json:",omitempty"` // 2000B loops
	Other       []Segment    `json:",omitempty"` // of loop 2000A
	OtherLoops  []Loop       `json:",omitempty"`
}

// Subscriber is a 2000B loop: the insured, the payer and the claims
// for the insured as patient, or the patients (2000C) who are someone else.
type Subscriber struct {
	PayerResponsibility string `json:",omitempty"` // SBR01: P primary, S secondary, T tertiary, A-H, U
	Relationship        string `json:",omitempty"` // SBR02: 18 self, empty when the patient is someone else
	GroupNumber         string `json:",omitempty"` // SBR03
	GroupName           string `json:",omitempty"` // SBR04
	InsuranceType       string `json:",omitempty"` // SBR05 (837P): 12-16, 41-43, 47 (Medicare secondary)
	FilingIndicator     string `json:",omitempty"` // SBR09: 11-17, AM, BL, CH, CI, DS, FI, HM, MA, MB, MC, OF, TV, VA, WC, ZZ
	// Info is the PAT segment of 2000B, sent when the subscriber is the
	// patient and died, or for weight or pregnancy.
	Info *PatientInfo `json:",omitempty"`
	// Name is loop 2010BA (NM1*IL): the member ID is ID with qualifier MI.
	Name      Party
	BirthDate time.Time `json:",omitzero"`  // DMG02
	Sex       string    `json:",omitempty"` // DMG03: F, M, U
	// Payer is loop 2010BB (NM1*PR): the payer ID is ID with qualifier PI.
	Payer      Party
	Claims     []Claim   `json:",omitempty"` // 2300 loops, for the subscriber as patient
	Patients   []Patient `json:",omitempty"` // 2000C loops
	Other      []Segment `json:",omitempty"` // of loop 2000B
	OtherLoops []Loop    `json:",omitempty"`
}

// PatientInfo is a PAT segment.
type PatientInfo struct {
	Relationship string    `json:",omitempty"` // PAT01: 01 spouse, 19 child, 20 employee, 21 unknown, 39, 40, 53, G8
	DeathDate    time.Time `json:",omitzero"`  // PAT06 (format PAT05 D8)
	WeightUnit   string    `json:",omitempty"` // PAT07: 01 pounds
	Weight       *Quantity `json:",omitempty"` // PAT08
	Pregnant     string    `json:",omitempty"` // PAT09: Y
}

// Patient is a 2000C loop: a patient who is not the subscriber.
type Patient struct {
	Info       PatientInfo // PAT
	Name       Party       // loop 2010CA (NM1*QC)
	BirthDate  time.Time   `json:",omitzero"`  // DMG02
	Sex        string      `json:",omitempty"` // DMG03
	Claims     []Claim     `json:",omitempty"`
	Other      []Segment   `json:",omitempty"`
	OtherLoops []Loop      `json:",omitempty"`
}

// Claim is a 2300 loop.
type Claim struct {
	PatientControlNumber string // CLM01: our claim ID, which the 835 returns in CLP01
	TotalCharge          int64  // CLM02, cents
	// FacilityCode is CLM05-1: the place of service (837P, such as 11
	// office) or the facility type, the first two digits of the type of
	// bill (837I).
	FacilityCode string
	// FacilityQualifier is CLM05-2: B place of service (837P), A type of
	// bill (837I).
	FacilityQualifier string
	// Frequency is CLM05-3: 1 original, 7 replacement, 8 void.
	Frequency              string
	ProviderSignature      string   `json:",omitempty"` // CLM06 (837P): Y or N
	Assignment             string   `json:",omitempty"` // CLM07: A assigned, B lab only, C not assigned
	BenefitsAssignment     string   `json:",omitempty"` // CLM08: Y, N, W
	ReleaseOfInformation   string   `json:",omitempty"` // CLM09: I or Y
	PatientSignatureSource string   `json:",omitempty"` // CLM10 (837P): P
	RelatedCauses          []string `json:",omitempty"` // CLM11-1..3: AA auto accident, EM employment, OA other accident
	AccidentState          string   `json:",omitempty"` // CLM11-4
	AccidentCountry        string   `json:",omitempty"` // CLM11-5
	SpecialProgram         string   `json:",omitempty"` // CLM12
	DelayReason            string   `json:",omitempty"` // CLM20
	// Dates are the DTP segments: 431 onset, 439 accident, 454 initial
	// treatment, 304 last seen, 435 admission, 096 discharge, 434
	// statement (837I), 050 repricer received...
	Dates []DatePeriod `json:",omitempty"`
	// Institutional is the CL1 segment (837I).
	Institutional *InstitutionalCode `json:",omitempty"`
	// Amounts are the AMT segments: F5 patient amount paid (837P), F3
	// patient estimated amount due (837I).
	Amounts []Amount `json:",omitempty"`
	// PriorAuthorization is REF*G1.
	PriorAuthorization string `json:",omitempty"`
	// PayerClaimControlNumber is REF*F8: the payer's number for the claim
	// that a replacement (frequency 7) or void (8) refers to.
	PayerClaimControlNumber string `json:",omitempty"`
	// Refs are the other REF segments (D9, EA, 9F, X4, 9A...).
	Refs  []Ref  `json:",omitempty"`
	Notes []Note `json:",omitempty"` // NTE
	// HealthCodes are the HI segments, one list each: diagnoses (ABK
	// principal, ABF other; ABJ admitting, APR reason for visit, ABN
	// external cause in the 837I; BK, BF... for ICD-9), procedures (BBR
	// principal, BBQ other), occurrence (BH), spans (BI), values (BE),
	// conditions (BG), DRG (DR) and treatment codes (TC).
	HealthCodes []CodeList `json:",omitempty"`
	// Providers are the 2310 loops: referring (DN, P3), rendering (82),
	// service facility (77), supervising (DQ), attending (71), operating
	// (72), other operating (ZZ), ambulance pick-up (PW) and drop-off (45).
	Providers []Party `json:",omitempty"`
	// OtherSubscribers are the 2320 loops of a claim to a secondary or
	// later payer.
	OtherSubscribers []OtherSubscriber `json:",omitempty"`
	Lines            []Line            `json:",omitempty"` // 2400 loops
	Other            []Segment         `json:",omitempty"` // PWK, CN1, K3, CR1, CR2, CRC, HCP...
	OtherLoops       []Loop            `json:",omitempty"`
}

// TypeOfBill returns the 837I type of bill: facility type and frequency,
// such as "131" (hospital outpatient, original).
func (c *Claim) TypeOfBill() string { return c.FacilityCode + c.Frequency }

// Date returns the claim's first date with the DTP01 qualifier.
func (c *Claim) Date(qualifier string) (DatePeriod, bool) { return findDate(c.Dates, qualifier) }

// Onset returns the onset of current illness (DTP*431).
func (c *Claim) Onset() (DatePeriod, bool) { return c.Date("431") }

// Admission returns the admission date and hour (DTP*435).
func (c *Claim) Admission() (DatePeriod, bool) { return c.Date("435") }

// Discharge returns the discharge hour (DTP*096).
func (c *Claim) Discharge() (DatePeriod, bool) { return c.Date("096") }

// Statement returns the 837I statement period (DTP*434).
func (c *Claim) Statement() (DatePeriod, bool) { return c.Date("434") }

// Diagnoses returns the claim's diagnosis codes in order, principal first
// as sent.
func (c *Claim) Diagnoses() []HealthCode {
	var out []HealthCode
	for _, l := range c.HealthCodes {
		for _, h := range l {
			switch h.Qualifier {
			case "ABK", "BK", "ABF", "BF", "ABJ", "BJ", "APR", "PR", "ABN", "BN":
				out = append(out, h)
			}
		}
	}
	return out
}

// PrincipalProcedure returns the 837I principal procedure (BBR, BR, CAH).
func (c *Claim) PrincipalProcedure() (HealthCode, bool) {
	for _, l := range c.HealthCodes {
		for _, h := range l {
			switch h.Qualifier {
			case "BBR", "BR", "CAH":
				return h, true
			}
		}
	}
	return HealthCode{}, false
}

func findDate(ds []DatePeriod, q string) (DatePeriod, bool) {
	for _, d := range ds {
		if d.Qualifier == q {
			return d, true
		}
	}
	return DatePeriod{}, false
}

// DatePeriod is a DTP segment: a date, a range, a date and time or a time.
type DatePeriod struct {
	Qualifier string // DTP01
	// Format is DTP02: D8 a date, RD8 a range, DT a date and time
	// (CCYYMMDDHHMM), TM a time of day (HHMM, held in From on
	// January 1 of year 1).
	Format string
	From   time.Time
	To     time.Time `json:",omitzero"` // the end of an RD8 range
}

// InstitutionalCode is the CL1 segment of an 837I.
type InstitutionalCode struct {
	AdmissionType   string `json:",omitempty"` // CL101
	AdmissionSource string `json:",omitempty"` // CL102
	PatientStatus   string `json:",omitempty"` // CL103
}

// Amount is an AMT segment.
type Amount struct {
	Qualifier string // AMT01
	Amount    int64  // AMT02, cents
}

// Note is an NTE segment.
type Note struct {
	Code string // NTE01: ADD, CER, DCP, DGN, TPO...
	Text string // NTE02
}

// CodeList is one HI segment: up to twelve codes.
type CodeList []HealthCode

// HealthCode is one composite of an HI segment.
type HealthCode struct {
	Qualifier string // C022-1: ABK, ABF, BK, BF, BBR, BH, BI, BE, BG...
	Code      string // C022-2
	// DateFormat (C022-3: D8 or RD8) and From, To (C022-4) date an
	// occurrence, span or procedure.
	DateFormat string    `json:",omitempty"`
	From       time.Time `json:",omitzero"`
	To         time.Time `json:",omitzero"`
	Amount     *int64    `json:",omitempty"` // C022-5: a value code's amount
	Quantity   *Quantity `json:",omitempty"` // C022-6
	Version    string    `json:",omitempty"` // C022-7
	CodeTo     string    `json:",omitempty"` // C022-8: the end of a code range
	// PresentOnAdmission is C022-9 (837I): Y, N, U, W.
	PresentOnAdmission string `json:",omitempty"`
}

// OtherSubscriber is a 2320 loop: another payer's coverage and, for a
// secondary claim, what it paid and adjusted.
type OtherSubscriber struct {
	PayerResponsibility string `json:",omitempty"` // SBR01
	Relationship        string `json:",omitempty"` // SBR02
	GroupNumber         string `json:",omitempty"` // SBR03
	GroupName           string `json:",omitempty"` // SBR04
	InsuranceType       string `json:",omitempty"` // SBR05
	FilingIndicator     string `json:",omitempty"` // SBR09
	// Adjustments are the claim-level CAS segments of the other payer.
	Adjustments []Adjustment `json:",omitempty"`
	// PayerPaid is AMT*D, what the other payer paid on the claim.
	PayerPaid *int64 `json:",omitempty"`
	// NonCovered is AMT*A8.
	NonCovered *int64 `json:",omitempty"`
	// RemainingLiability is AMT*EAF, the patient's remaining liability.
	RemainingLiability     *int64 `json:",omitempty"`
	BenefitsAssignment     string `json:",omitempty"` // OI03
	PatientSignatureSource string `json:",omitempty"` // OI04
	ReleaseOfInformation   string `json:",omitempty"` // OI06
	// Subscriber is loop 2330A (NM1*IL).
	Subscriber Party
	// Payer is loop 2330B (NM1*PR); its Refs hold the other payer's claim
	// control number (F8) and prior authorization (G1).
	Payer Party
	// PaidDate is DTP*573 of loop 2330B, the other payer's check or
	// remittance date.
	PaidDate time.Time `json:",omitzero"`
	// Providers are the 2330C-2330I loops: the other payer's identifiers
	// for this claim's providers.
	Providers  []Party   `json:",omitempty"`
	Other      []Segment `json:",omitempty"` // MIA, MOA
	OtherLoops []Loop    `json:",omitempty"`
}

// Adjustment is a CAS segment: a group code and up to six reasons.
type Adjustment struct {
	Group   string   // CAS01: CO, OA, PI, PR
	Reasons []Reason // CAS02-19
}

// Reason is one adjustment reason with its amount and optional quantity.
type Reason struct {
	Code     string
	Amount   int64
	Quantity *Quantity `json:",omitempty"`
}

// Procedure is a composite procedure identifier (SV101, SV202, SVD03).
type Procedure struct {
	Qualifier   string   // HC (HCPCS/CPT), ER, HP, IV, WK, N4...
	Code        string   //
	Modifiers   []string `json:",omitempty"` // up to four
	Description string   `json:",omitempty"` // component 7
}

// Line is a 2400 loop: one service line, professional (SV1) or
// institutional (SV2) by the transaction's version.
type Line struct {
	Number int // LX01
	// RevenueCode is SV201 (837I).
	RevenueCode string `json:",omitempty"`
	// Procedure is SV101 (837P) or SV202 (837I, optional there).
	Procedure Procedure `json:",omitzero"`
	Charge    int64     // SV102 or SV203
	UnitBasis string    // SV103 or SV204: UN units, MJ minutes, DA days
	Units     Quantity  // SV104 or SV205
	// PlaceOfService is SV105 (837P), when it differs from the claim's.
	PlaceOfService string `json:",omitempty"`
	// DiagnosisPointers are SV107 (837P): 1-based positions in the
	// claim's diagnosis list, up to four.
	DiagnosisPointers []int  `json:",omitempty"`
	Emergency         string `json:",omitempty"` // SV109 (837P): Y
	EPSDT             string `json:",omitempty"` // SV111 (837P): Y
	FamilyPlanning    string `json:",omitempty"` // SV112 (837P): Y
	CopayExempt       string `json:",omitempty"` // SV115 (837P): 0
	UnitRate          *int64 `json:",omitempty"` // SV206 (837I)
	NonCovered        *int64 `json:",omitempty"` // SV207 (837I)
	// Dates are the line's DTP segments: 472 service date and others.
	Dates []DatePeriod `json:",omitempty"`
	// LineItemControlNumber is REF*6R, which the 835 returns.
	LineItemControlNumber string `json:",omitempty"`
	// Refs are the other REF segments (G1, 9F, X4...).
	Refs    []Ref    `json:",omitempty"`
	Amounts []Amount `json:",omitempty"` // AMT
	Notes   []Note   `json:",omitempty"` // NTE
	// Drug is loop 2410.
	Drug *Drug `json:",omitempty"`
	// Providers are the 2420 loops.
	Providers []Party `json:",omitempty"`
	// Adjudications are the 2430 loops: what other payers did with the line.
	Adjudications []LineAdjudication `json:",omitempty"`
	Other         []Segment          `json:",omitempty"` // SV5, PWK, CR1, CR3, CRC, QTY, MEA, CN1, K3, PS1, HCP...
	OtherLoops    []Loop             `json:",omitempty"`
}

// Date returns the line's first date with the DTP01 qualifier.
func (l *Line) Date(qualifier string) (DatePeriod, bool) { return findDate(l.Dates, qualifier) }

// Drug is loop 2410: the national drug code and quantity of a line.
type Drug struct {
	Qualifier string   // LIN02: N4 (NDC 5-4-2), EN, EO, HI, ON, UK, UP
	Code      string   // LIN03
	Quantity  Quantity // CTP04
	Unit      string   // CTP05-1: F2, GR, ME, ML, UN
	Ref       *Ref     `json:",omitempty"` // REF*VY or REF*XZ
}

// LineAdjudication is a 2430 loop.
type LineAdjudication struct {
	PayerID     string    // SVD01: the other payer's ID (2330B NM109)
	Paid        int64     // SVD02
	Procedure   Procedure `json:",omitzero"`  // SVD03
	RevenueCode string    `json:",omitempty"` // SVD04 (837I)
	Units       Quantity  // SVD05
	BundledLine string    `json:",omitempty"` // SVD06
	// Adjustments are the line's CAS segments.
	Adjustments []Adjustment `json:",omitempty"`
	PaidDate    time.Time    // DTP*573
	// RemainingLiability is AMT*EAF.
	RemainingLiability *int64    `json:",omitempty"`
	Other              []Segment `json:",omitempty"`
}

// ClaimRef is a claim with the loops above it: who bills, who is insured
// and, when it is someone else, who the patient is.
type ClaimRef struct {
	Claim           *Claim
	BillingProvider *BillingProvider
	Subscriber      *Subscriber
	Patient         *Patient // nil when the subscriber is the patient
}

// Claims returns every claim of t in file order, each with its hierarchy.
// The pointers point into t.
func (t *Transaction) Claims() []ClaimRef {
	var out []ClaimRef
	for i := range t.BillingProviders {
		bp := &t.BillingProviders[i]
		for j := range bp.Subscribers {
			sb := &bp.Subscribers[j]
			for k := range sb.Claims {
				out = append(out, ClaimRef{Claim: &sb.Claims[k], BillingProvider: bp, Subscriber: sb})
			}
			for k := range sb.Patients {
				pt := &sb.Patients[k]
				for m := range pt.Claims {
					out = append(out, ClaimRef{Claim: &pt.Claims[m], BillingProvider: bp, Subscriber: sb, Patient: pt})
				}
			}
		}
	}
	return out
}
