// Package remit reads and writes the 835 Health Care Claim Payment/Advice
// (ASC X12 005010X221A1): what a payer paid, adjusted and denied, claim by
// claim and line by line, and the check or EFT that carries the money.
//
// Parse turns the loop tree of a validated transaction set (package
// x12/validate) into a Remittance; Write turns Remittances back into an
// interchange. Money is int64 cents and never a float; other decimal
// numbers (units, days, rates) are Quantity. Dates are time.Time at
// midnight UTC, the zero time when absent.
package remit

import (
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
)

// Version is the implementation guide version of the 835 this package
// reads and writes (GS08 and ST03).
const Version = "005010X221A1"

// A Remittance is one 835 transaction set: one payment (or non-payment
// advice) from one payer to one payee.
type Remittance struct {
	Envelope Envelope
	Payment  Payment // BPR
	Trace    Trace   // TRN
	// Currency is CUR02 when the payment is not in US dollars (CUR01 is PR).
	Currency       string    `json:",omitempty"`
	ReceiverID     string    `json:",omitempty"` // REF*EV
	VersionID      string    `json:",omitempty"` // REF*F2
	ProductionDate time.Time `json:",omitzero"`  // DTM*405
	Payer          Payer     // loop 1000A
	Payee          Payee     // loop 1000B
	// Headers are the 2000 loops (LX), each a group of claims.
	Headers []Header `json:",omitempty"`
	// ProviderAdjustments are the PLB segments.
	ProviderAdjustments []ProviderAdjustment `json:",omitempty"`
}

// Envelope is what surrounds a transaction set: the interchange (ISA)
// and functional group (GS) headers and the set's control number (ST02).
// Positions and offsets are not kept; Delims are the interchange's
// delimiters, which Write uses again.
type Envelope struct {
	Interchange x12.InterchangeHeader
	Group       x12.GroupHeader
	Control     string // ST02
}

// Payment is the BPR segment: how much, how and when the payer pays.
type Payment struct {
	HandlingCode string // BPR01: C payment and advice, H advice only, I remittance information only, P prenotification, U, X
	Amount       int64  // BPR02, cents
	CreditDebit  string // BPR03: C or D
	Method       string // BPR04: ACH, BOP, CHK, FWT, NON
	Format       string `json:",omitempty"` // BPR05: CCP or CTX
	// Sender is the payer's bank account (BPR06-09).
	Sender BankAccount `json:",omitzero"`
	// OriginatorID is BPR10, the payer's originating company identifier.
	OriginatorID string `json:",omitempty"`
	// OriginatorSupplemental is BPR11.
	OriginatorSupplemental string `json:",omitempty"`
	// Receiver is the payee's bank account (BPR12-15).
	Receiver BankAccount `json:",omitzero"`
	// Date is BPR16, the check issue or EFT effective date.
	Date time.Time `json:",omitzero"`
}

// BankAccount is a depository financial institution and an account in it.
type BankAccount struct {
	DFIQualifier     string `json:",omitempty"` // 01 ABA routing number, 04 Canadian bank branch
	DFIID            string `json:",omitempty"`
	AccountQualifier string `json:",omitempty"` // DA demand deposit, SG savings
	AccountNumber    string `json:",omitempty"`
}

// Trace is the TRN segment that reassociates the remittance with its
// money: the check or EFT trace number.
type Trace struct {
	Type         string // TRN01: 1, current transaction trace numbers
	Number       string // TRN02: check or EFT trace number
	OriginatorID string // TRN03: payer identifier, 1 followed by the payer's TIN
	// Supplemental is TRN04, the originating company's supplemental code.
	Supplemental string `json:",omitempty"`
}

// Payer is loop 1000A.
type Payer struct {
	Name        string  // N102
	IDQualifier string  `json:",omitempty"` // N103: XV (CMS plan ID)
	ID          string  `json:",omitempty"` // N104
	Address     Address `json:",omitzero"`
	// Refs are the additional payer identifications (REF*2U, EO, HI, NF).
	Refs []Ref `json:",omitempty"`
	// Contacts are the PER segments: CX business, BL technical, IC web site.
	Contacts []Contact `json:",omitempty"`
}

// Payee is loop 1000B.
type Payee struct {
	Name        string  // N102
	IDQualifier string  // N103: FI tax ID, XV, XX NPI
	ID          string  // N104
	Address     Address `json:",omitzero"`
	// Refs are the payee's additional identifications (REF*0B, D3, PQ, TJ).
	Refs []Ref `json:",omitempty"`
	// Delivery is the RDM segment, when the remittance goes by another route.
	Delivery *Delivery `json:",omitempty"`
}

// Delivery is the RDM segment: how the remittance is delivered.
type Delivery struct {
	Method        string // RDM01: BM, EM, FT, OL
	Name          string `json:",omitempty"` // RDM02
	Communication string `json:",omitempty"` // RDM03
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
	Function string          // PER01: CX, BL, IC
	Name     string          `json:",omitempty"` // PER02
	Numbers  []Communication `json:",omitempty"` // PER03-08
}

// Communication is one number of a PER segment, such as TE 8005551212.
type Communication struct {
	Qualifier string // EM, EX, FX, TE, UR
	Number    string
}

// Header is a 2000 loop: an LX with its optional provider summary and the
// claims that follow.
type Header struct {
	Number  int              // LX01
	Summary *ProviderSummary `json:",omitempty"` // TS3
	// Supplemental is TS2, Medicare Part A totals.
	Supplemental *ProviderSupplemental `json:",omitempty"`
	Claims       []Claim               `json:",omitempty"`
}

// ProviderSummary is the TS3 segment (Medicare Part A): totals for one
// provider and facility type over a fiscal period.
type ProviderSummary struct {
	ProviderID      string    // TS301
	FacilityCode    string    // TS302
	FiscalPeriodEnd time.Time // TS303
	ClaimCount      Quantity  // TS304
	TotalCharge     int64     // TS305
	// The remaining totals are situational: nil when absent.
	MSPPayer               *int64    `json:",omitempty"` // TS313
	NonLabCharge           *int64    `json:",omitempty"` // TS315
	HCPCSReportedCharge    *int64    `json:",omitempty"` // TS317
	HCPCSPayable           *int64    `json:",omitempty"` // TS318
	ProfessionalComponent  *int64    `json:",omitempty"` // TS320
	MSPPatientLiabilityMet *int64    `json:",omitempty"` // TS321
	PatientReimbursement   *int64    `json:",omitempty"` // TS322
	PIPClaimCount          *Quantity `json:",omitempty"` // TS323
	PIPAdjustment          *int64    `json:",omitempty"` // TS324
	// Legacy holds amounts in the positions the 5010 guide does not use
	// (TS306-TS312, TS314, TS316, TS319: 4010 totals some payers still
	// send), by position, so that nothing read is lost.
	Legacy map[int]int64 `json:",omitempty"`
}

// ProviderSupplemental is the TS2 segment: Medicare Part A DRG totals.
type ProviderSupplemental struct {
	DRGAmount              *int64    `json:",omitempty"` // TS201
	FederalSpecific        *int64    `json:",omitempty"` // TS202
	HospitalSpecific       *int64    `json:",omitempty"` // TS203
	DisproportionateShare  *int64    `json:",omitempty"` // TS204
	Capital                *int64    `json:",omitempty"` // TS205
	IndirectMedicalEd      *int64    `json:",omitempty"` // TS206
	OutlierDays            *Quantity `json:",omitempty"` // TS207
	DayOutlier             *int64    `json:",omitempty"` // TS208
	CostOutlier            *int64    `json:",omitempty"` // TS209
	AverageDRGLengthOfStay *Quantity `json:",omitempty"` // TS210
	Discharges             *Quantity `json:",omitempty"` // TS211
	CostReportDays         *Quantity `json:",omitempty"` // TS212
	CoveredDays            *Quantity `json:",omitempty"` // TS213
	NoncoveredDays         *Quantity `json:",omitempty"` // TS214
	MSPPassThrough         *int64    `json:",omitempty"` // TS215
	AverageDRGWeight       *Quantity `json:",omitempty"` // TS216
	CapitalFSP             *int64    `json:",omitempty"` // TS217
	CapitalHSP             *int64    `json:",omitempty"` // TS218
	CapitalDSH             *int64    `json:",omitempty"` // TS219
}

// Claim is a 2100 loop: the payer's decision on one claim.
type Claim struct {
	ID                    string       // CLP01: our patient control number (CLM01)
	Status                string       // CLP02: 1 primary, 2 secondary, 3 tertiary, 4 denied, 19-23, 25
	Charge                int64        // CLP03
	Paid                  int64        // CLP04
	PatientResponsibility *int64       `json:",omitempty"` // CLP05
	FilingIndicator       string       // CLP06: 12, 13, MA, MB, MC...
	PayerControlNumber    string       `json:",omitempty"` // CLP07
	FacilityCode          string       `json:",omitempty"` // CLP08: place of service or type of bill facility
	Frequency             string       `json:",omitempty"` // CLP09
	DRG                   string       `json:",omitempty"` // CLP11
	DRGWeight             *Quantity    `json:",omitempty"` // CLP12
	DischargeFraction     *Quantity    `json:",omitempty"` // CLP13, a percentage
	Adjustments           []Adjustment `json:",omitempty"` // CAS

	Patient          *Entity `json:",omitempty"` // NM1*QC
	Insured          *Entity `json:",omitempty"` // NM1*IL
	Corrected        *Entity `json:",omitempty"` // NM1*74, corrected patient or insured
	ServiceProvider  *Entity `json:",omitempty"` // NM1*82
	CrossoverCarrier *Entity `json:",omitempty"` // NM1*TT
	PriorityPayer    *Entity `json:",omitempty"` // NM1*PR, corrected priority payer
	OtherSubscriber  *Entity `json:",omitempty"` // NM1*GB

	Inpatient  *Inpatient  `json:",omitempty"` // MIA
	Outpatient *Outpatient `json:",omitempty"` // MOA
	// Refs are the claim's REF segments: other claim identifiers (1L, 1W,
	// 28, 6P, 9A, 9C, BB, CE, EA, F8, G1, G3, IG, SY) and rendering
	// provider identifiers (0B, 1A...).
	Refs               []Ref     `json:",omitempty"`
	StatementFrom      time.Time `json:",omitzero"`  // DTM*232
	StatementTo        time.Time `json:",omitzero"`  // DTM*233
	CoverageExpiration time.Time `json:",omitzero"`  // DTM*036
	Received           time.Time `json:",omitzero"`  // DTM*050
	Contacts           []Contact `json:",omitempty"` // PER*CX
	// Amounts are the AMT segments: AU coverage amount, D8 discount, DY
	// per day limit, F5 patient paid, I interest, NL negative ledger,
	// T tax, T2 total claim before taxes, ZK-ZN federal categories.
	Amounts []Amount `json:",omitempty"`
	// Quantities are the QTY segments: CA covered, CD co-insured, LA
	// life-time reserve actual, NE non-covered, OU outlier, PS, VS visits, ZK-ZN.
	Quantities []QuantityInfo `json:",omitempty"`
	Services   []Service      `json:",omitempty"` // 2110 loops
}

// Adjustment is a CAS segment: a group code and up to six reasons.
type Adjustment struct {
	Group   string   // CAS01: CO, OA, PI, PR
	Reasons []Reason // CAS02-19, one triple each
}

// Reason is one claim adjustment reason with its amount and, when the
// payer sends it, its quantity.
type Reason struct {
	Code     string    // CARC
	Amount   int64     // cents
	Quantity *Quantity `json:",omitempty"`
}

// Entity is an NM1 segment naming a person or organization.
type Entity struct {
	Type        string // NM102: 1 person, 2 organization
	Last        string `json:",omitempty"` // NM103, or the organization's name
	First       string `json:",omitempty"` // NM104
	Middle      string `json:",omitempty"` // NM105
	Suffix      string `json:",omitempty"` // NM107
	IDQualifier string `json:",omitempty"` // NM108
	ID          string `json:",omitempty"` // NM109
}

// Inpatient is the MIA segment (inpatient adjudication).
type Inpatient struct {
	CoveredDays             Quantity  // MIA01
	PPSOperatingOutlier     *int64    `json:",omitempty"` // MIA02
	LifetimePsychiatricDays *Quantity `json:",omitempty"` // MIA03
	DRGAmount               *int64    `json:",omitempty"` // MIA04
	RemarkCode              string    `json:",omitempty"` // MIA05
	DisproportionateShare   *int64    `json:",omitempty"` // MIA06
	MSPPassThrough          *int64    `json:",omitempty"` // MIA07
	PPSCapital              *int64    `json:",omitempty"` // MIA08
	PPSCapitalFSP           *int64    `json:",omitempty"` // MIA09
	PPSCapitalHSP           *int64    `json:",omitempty"` // MIA10
	PPSCapitalDSH           *int64    `json:",omitempty"` // MIA11
	OldCapital              *int64    `json:",omitempty"` // MIA12
	PPSCapitalIME           *int64    `json:",omitempty"` // MIA13
	PPSOperatingHSP         *int64    `json:",omitempty"` // MIA14
	CostReportDays          *Quantity `json:",omitempty"` // MIA15
	PPSOperatingFSP         *int64    `json:",omitempty"` // MIA16
	PPSCapitalOutlier       *int64    `json:",omitempty"` // MIA17
	IndirectTeaching        *int64    `json:",omitempty"` // MIA18
	NonpayableProfessional  *int64    `json:",omitempty"` // MIA19
	RemarkCodes             [4]string `json:",omitzero"`  // MIA20-23
	PPSCapitalException     *int64    `json:",omitempty"` // MIA24
}

// Outpatient is the MOA segment (outpatient adjudication).
type Outpatient struct {
	ReimbursementRate      *Quantity `json:",omitempty"` // MOA01
	HCPCSPayable           *int64    `json:",omitempty"` // MOA02
	RemarkCodes            [5]string `json:",omitzero"`  // MOA03-07
	ESRDPayment            *int64    `json:",omitempty"` // MOA08
	NonpayableProfessional *int64    `json:",omitempty"` // MOA09
}

// Amount is an AMT segment.
type Amount struct {
	Qualifier string // AMT01
	Amount    int64  // AMT02, cents
}

// QuantityInfo is a QTY segment.
type QuantityInfo struct {
	Qualifier string   // QTY01
	Quantity  Quantity // QTY02
}

// Procedure is a composite medical procedure identifier (SVC01, SVC06).
type Procedure struct {
	Qualifier   string   // HC (HCPCS/CPT), AD, ER, HP, IV, N4, NU, WK...
	Code        string   // the procedure, revenue or drug code
	Modifiers   []string `json:",omitempty"` // up to four
	Description string   `json:",omitempty"` // component 7
}

// Service is a 2110 loop: the payer's decision on one service line.
type Service struct {
	Procedure   Procedure // SVC01
	Charge      int64     // SVC02
	Paid        int64     // SVC03
	RevenueCode string    `json:",omitempty"` // SVC04 (NUBC revenue code)
	Units       *Quantity `json:",omitempty"` // SVC05, units paid
	// OriginalProcedure is SVC06, the procedure billed when the payer
	// adjudicated a different one (SVC01).
	OriginalProcedure *Procedure `json:",omitempty"`
	OriginalUnits     *Quantity  `json:",omitempty"` // SVC07

	Date        time.Time    `json:",omitzero"`  // DTM*472
	From        time.Time    `json:",omitzero"`  // DTM*150
	To          time.Time    `json:",omitzero"`  // DTM*151
	Adjustments []Adjustment `json:",omitempty"` // CAS
	// LineItemControlNumber is REF*6R, our line's ID (REF*6R in the 837).
	LineItemControlNumber string `json:",omitempty"`
	// Refs are the other REF segments: service identification (1S, APC,
	// BB, E9, G1, G3, LU, RB), rendering provider (0B, 1A, ... HPI, SY,
	// TJ) and health care policy (0K).
	Refs []Ref `json:",omitempty"`
	// Allowed is AMT*B6, the allowed amount.
	Allowed *int64 `json:",omitempty"`
	// Amounts are the other AMT segments (KH, T, T2, ZK-ZO).
	Amounts    []Amount       `json:",omitempty"`
	Quantities []QuantityInfo `json:",omitempty"`
	Remarks    []Remark       `json:",omitempty"` // LQ
}

// Remark is an LQ segment: a remittance advice remark code (HE) or an
// NCPDP reject reason code (RX).
type Remark struct {
	Qualifier string // LQ01
	Code      string // LQ02
}

// ProviderAdjustment is a PLB segment: adjustments to the payment that
// belong to no claim, such as interest, overpayment recovery or a
// withholding.
type ProviderAdjustment struct {
	ProviderID      string                   // PLB01
	FiscalPeriodEnd time.Time                // PLB02
	Items           []ProviderAdjustmentItem // up to six
}

// ProviderAdjustmentItem is one adjustment of a PLB: a reason code, the
// reference it applies to, and an amount (positive reduces the payment).
type ProviderAdjustmentItem struct {
	Reason    string // PLB03-1: 50, 51, 72, 90, AH, AM, AP, B2, B3, BD, BN, C5, CR, CS, CT, CV, CW, DM, E3, FB, FC, GO, HM, IP, IR, IS, J1, L3, L6, LE, LS, OA, OB, PI, PL, RA, RE, SL, TL, WO, WU
	Reference string `json:",omitempty"` // PLB03-2
	Amount    int64  // PLB04
}

// AdjustmentTotal returns the sum of the adjustments in group ("CO", "PR"...),
// or of all of them when group is empty.
func AdjustmentTotal(adj []Adjustment, group string) int64 {
	var n int64
	for _, a := range adj {
		if group != "" && a.Group != group {
			continue
		}
		for _, r := range a.Reasons {
			n += r.Amount
		}
	}
	return n
}
