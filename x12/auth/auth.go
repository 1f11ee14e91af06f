// Package auth reads and writes the HIPAA health care services review, the
// 278 of ASC X12 005010X217: a provider's request for prior authorization
// or referral (BHT02 13) and the utilization management organization's
// response (BHT02 11).
//
// A 278 is one path down its hierarchy: the UMO (HL 20), the requester
// (HL 21), the subscriber (HL 22), maybe a dependent (HL 23), the patient
// event (HL EV) under the patient, and its services (HL SS). Parse turns
// the loop tree of a validated transaction set (package x12/validate) into
// a Transaction; Write writes it back in TR3 order, numbering the HL
// segments.
//
// Money is int64 cents and quantities ten-thousandths, never floats; dates
// are time.Time at midnight UTC. Segments the model does not type (CR1,
// CR2, CR5, CR6, TOO and anything unexpected) are kept as X12 text in
// Other, so that reading and writing loses nothing.
package auth

import (
	"fmt"
	"slices"
	"time"
)

// Version is the implementation guide of the 278 (ST03, GS08).
const Version = "005010X217"

// BHT02 transaction set purpose codes: what tells a request from a
// response.
const (
	PurposeRequest  = "13"
	PurposeResponse = "11"
)

// HCR01 action codes of a review decision.
const (
	CertifiedInTotal = "A1"
	CertifiedPartial = "A2"
	NotCertified     = "A3"
	Pended           = "A4"
	Modified         = "A6"
	Cancelled        = "C"
	ContactPayer     = "CT"
	NoActionRequired = "NA"
)

// A Transaction is one 278 transaction set, request or response.
type Transaction struct {
	Envelope Envelope
	Version  string    // ST03 (or GS08)
	Purpose  string    // BHT02: PurposeRequest (13) or PurposeResponse (11)
	Ref      string    `json:",omitempty"` // BHT03: the submitter's transaction identifier, echoed by the response
	Created  time.Time // BHT04 and BHT05
	Type     string    `json:",omitempty"` // BHT06: RU (request), response type codes

	// Rejects are the AAA segments of loop 2000A (response): the request
	// as a whole could not be processed.
	Rejects   []Reject `json:",omitempty"`
	UMO       Party    // loop 2010A: the utilization management organization (NM1*X3)
	Requester Party    // loop 2010B: the provider asking (NM1*1P or FA)
	// Subscriber is loops 2000C and 2010C; Dependent, loops 2000D and
	// 2010D when the patient is not the subscriber.
	Subscriber Member
	Dependent  *Member `json:",omitempty"`
	// Event is loop 2000E, under the dependent when there is one, else
	// under the subscriber. A response that rejects the request at a
	// higher level may have none.
	Event *Event `json:",omitempty"`

	// LevelOther holds segments of the HL loops 2000A and 2000B that the
	// model does not type, by loop ID.
	LevelOther map[string][]Segment `json:",omitempty"`
	Other      []Segment            `json:",omitempty"`
	OtherLoops []Loop               `json:",omitempty"`
}

// IsResponse reports whether t is a response (BHT02 11).
func (t *Transaction) IsResponse() bool { return t.Purpose == PurposeResponse }

// Party is a name loop: an NM1 with what may follow it.
type Party struct {
	Name      Name
	Refs      []Ref      `json:",omitempty"`
	Address   Address    `json:",omitzero"`
	Contacts  []Contact  `json:",omitempty"`
	Rejects   []Reject   `json:",omitempty"` // AAA (response)
	Specialty *Specialty `json:",omitempty"` // PRV
	Dates     []Date     `json:",omitempty"` // DTP*598 other UMO denial date (request 2010EC)
	Other     []Segment  `json:",omitempty"`
}

// Member is the subscriber or the dependent: its name loop with
// demographics and relationship.
type Member struct {
	Party
	BirthDate  time.Time `json:",omitzero"`  // DMG02 (DMG01 D8)
	Sex        string    `json:",omitempty"` // DMG03
	Insured    *Insured  `json:",omitempty"` // INS
	LevelOther []Segment `json:",omitempty"` // of loop 2000C/2000D itself
	OtherLoops []Loop    `json:",omitempty"`
}

// Insured is an INS segment of a 278 member.
type Insured struct {
	Subscriber    string // INS01: Y subscriber, N dependent
	Relationship  string // INS02: 18 self, 01 spouse, 19 child...
	BirthSequence string `json:",omitempty"` // INS17
}

// Event is the patient event (loop 2000E): what is to be reviewed as a
// whole, such as an admission or a course of treatment, and its services.
type Event struct {
	Traces   []Trace   `json:",omitempty"` // TRN: the requester's (TRN01 1) and, in a response, echoed ones (2)
	Rejects  []Reject  `json:",omitempty"` // AAA (response)
	Review   Review    // UM
	Decision *Decision `json:",omitempty"` // HCR (response)
	// Refs are REF*BB (previous review authorization number) and REF*NT
	// (administrative reference number).
	Refs []Ref `json:",omitempty"`
	// Dates are DTP: 439 accident, 484 last menstrual period, ABC
	// estimated birth, 431 onset, AAH event, 435 admission, 096
	// discharge; in a response 102 certification issue, 036 expiration
	// and 007 certification effective.
	Dates          []Date          `json:",omitempty"`
	Diagnoses      []Diagnosis     `json:",omitempty"` // HI
	Delivery       *Delivery       `json:",omitempty"` // HSD
	Certifications []Certification `json:",omitempty"` // CRC
	Admission      *Admission      `json:",omitempty"` // CL1
	Attachments    []Attachment    `json:",omitempty"` // PWK
	Message        string          `json:",omitempty"` // MSG01
	// Providers are loops 2010EA: the facility, attending, referring,
	// servicing providers of the event.
	Providers []Party `json:",omitempty"`
	// Transport are the transport locations (request 2010EB, response
	// 2010EC).
	Transport []Party `json:",omitempty"`
	// OtherUMOs are other UMOs that reviewed the event (request 2010EC):
	// REF*ZZ their denial reason, DTP*598 their denial date.
	OtherUMOs []Party `json:",omitempty"`
	// InfoContacts are whom to send additional patient information to
	// (response 2010EB).
	InfoContacts []Party   `json:",omitempty"`
	Services     []Service `json:",omitempty"` // loops 2000F
	Other        []Segment `json:",omitempty"` // CR1, CR2, CR5, CR6...
	OtherLoops   []Loop    `json:",omitempty"`
}

// Review is a UM segment: what kind of review is asked for.
type Review struct {
	Category          string   // UM01: AR admission review, HS health services review, SC specialty care review
	CertificationType string   // UM02: I initial, 1 appeal (immediate), 2 appeal (urgent), 3 cancel, 4 extension, R renewal, S revised
	ServiceType       string   `json:",omitempty"` // UM03
	FacilityType      string   `json:",omitempty"` // UM04-1: place of service or bill type
	FacilityQualifier string   `json:",omitempty"` // UM04-2: A place of service, B bill type
	RelatedCauses     []string `json:",omitempty"` // UM05-1..3: AA auto accident, EM employment, OA other accident, AP another party
	AccidentState     string   `json:",omitempty"` // UM05-4
	AccidentCountry   string   `json:",omitempty"` // UM05-5
	LevelOfService    string   `json:",omitempty"` // UM06: E elective, U urgent, 03 emergency
	Prognosis         string   `json:",omitempty"` // UM08
}

// Decision is an HCR segment: the outcome of a review.
type Decision struct {
	// Action is HCR01: CertifiedInTotal (A1), CertifiedPartial (A2),
	// NotCertified (A3), Pended (A4), Modified (A6), Cancelled (C),
	// ContactPayer (CT), NoActionRequired (NA).
	Action string
	// Number is HCR02, the certification (authorization) number the
	// provider quotes on the claim (REF*G1).
	Number        string `json:",omitempty"`
	Reason        string `json:",omitempty"` // HCR03: review decision reason code
	SecondOpinion string `json:",omitempty"` // HCR04: Y, N
}

// Certified reports whether the decision authorizes the services, in
// total or in part (A1, A2, A6).
func (d *Decision) Certified() bool {
	return d != nil && (d.Action == CertifiedInTotal || d.Action == CertifiedPartial || d.Action == Modified)
}

// Diagnosis is one HI composite: a qualified code with an optional date.
type Diagnosis struct {
	Qualifier string    // HIxx-1: ABK ICD-10-CM principal, ABF ICD-10-CM, ABJ admitting, APR patient reason...
	Code      string    // HIxx-2
	Date      time.Time `json:",omitzero"` // HIxx-4 (HIxx-3 D8)
}

// Delivery is an HSD segment: how much, how often and over what period.
type Delivery struct {
	QuantityQualifier string `json:",omitempty"` // HSD01: VS visits, DY days, HS hours, FL units, MN months
	Quantity          *int64 `json:",omitempty"` // HSD02, ten-thousandths
	UnitBasis         string `json:",omitempty"` // HSD03: DA days, MO months, VS visits, WK weeks, YR years
	SampleSize        *int64 `json:",omitempty"` // HSD04, ten-thousandths
	Period            string `json:",omitempty"` // HSD05: time period qualifier
	PeriodCount       *int64 `json:",omitempty"` // HSD06, ten-thousandths
	Frequency         string `json:",omitempty"` // HSD07: ship/delivery or calendar pattern
	Pattern           string `json:",omitempty"` // HSD08: delivery pattern time
}

// Certification is a CRC segment: a condition indicator and its codes.
type Certification struct {
	Category   string   // CRC01: 07 ambulance, 08 chiropractic, 09 DME, 11 oxygen, 75 functional limitations, 76 activities permitted, 77 mental status
	Indicator  string   // CRC02: Y, N
	Conditions []string // CRC03..07
}

// Admission is a CL1 segment (institutional claim codes).
type Admission struct {
	Type              string `json:",omitempty"` // CL101
	Source            string `json:",omitempty"` // CL102
	PatientStatus     string `json:",omitempty"` // CL103
	NursingHomeStatus string `json:",omitempty"` // CL104
}

// Attachment is a PWK segment: supporting documentation and how it is sent.
type Attachment struct {
	ReportType    string // PWK01: 03 report justifying treatment, OB operative note...
	Transmission  string // PWK02: BM by mail, EL electronically, EM e-mail, FT file transfer, FX fax, VO voice
	IDQualifier   string `json:",omitempty"` // PWK05: AC attachment control number
	ControlNumber string `json:",omitempty"` // PWK06
	Description   string `json:",omitempty"` // PWK07
}

// Service is a service level loop (2000F): one service asked for or
// decided on.
type Service struct {
	Traces   []Trace   `json:",omitempty"`
	Rejects  []Reject  `json:",omitempty"` // AAA (response)
	Review   Review    // UM
	Decision *Decision `json:",omitempty"` // HCR (response)
	// Refs are REF*BB (previous authorization number) and REF*NT.
	Refs []Ref `json:",omitempty"`
	// Dates are DTP*472 (service date) and, in a response, 102, 036, 007.
	Dates         []Date         `json:",omitempty"`
	Diagnoses     []Diagnosis    `json:",omitempty"` // HI (response)
	Professional  *Professional  `json:",omitempty"` // SV1
	Institutional *Institutional `json:",omitempty"` // SV2
	Dental        *Dental        `json:",omitempty"` // SV3
	Delivery      *Delivery      `json:",omitempty"` // HSD
	Attachments   []Attachment   `json:",omitempty"` // PWK
	Message       string         `json:",omitempty"` // MSG01
	// Providers are loops 2010F (request) or 2010FA (response).
	Providers []Party `json:",omitempty"`
	// InfoContacts are loop 2010FB (response): whom to send additional
	// service information to.
	InfoContacts []Party   `json:",omitempty"`
	Other        []Segment `json:",omitempty"` // TOO...
	OtherLoops   []Loop    `json:",omitempty"`
}

// Professional is an SV1 segment: a professional service.
type Professional struct {
	Procedure         Procedure // SV101: HC, IV or N4 and the code, modifiers, description
	Charge            *int64    `json:",omitempty"` // SV102
	UnitBasis         string    `json:",omitempty"` // SV103: UN units, MJ minutes, F2 international unit
	Units             *int64    `json:",omitempty"` // SV104, ten-thousandths
	DiagnosisPointers []string  `json:",omitempty"` // SV107
}

// Institutional is an SV2 segment: an institutional service line.
type Institutional struct {
	RevenueCode string     `json:",omitempty"` // SV201
	Procedure   *Procedure `json:",omitempty"` // SV202
	Charge      *int64     `json:",omitempty"` // SV203
	UnitBasis   string     `json:",omitempty"` // SV204: DA days, UN units
	Units       *int64     `json:",omitempty"` // SV205, ten-thousandths
	Rate        *int64     `json:",omitempty"` // SV206, cents
}

// Dental is an SV3 segment: a dental service.
type Dental struct {
	Procedure    Procedure // SV301: AD and the code
	Charge       *int64    `json:",omitempty"` // SV302
	FacilityType string    `json:",omitempty"` // SV303: place of service
	Cavity       []string  `json:",omitempty"` // SV304: oral cavity designation codes
	Prosthesis   string    `json:",omitempty"` // SV305: I initial, R replacement
	Units        *int64    `json:",omitempty"` // SV306, ten-thousandths
}

// Authorization returns the authorization number a biller quotes on the
// claim (REF*G1): the HCR02 of the event's decision, else that of the
// first certified service; ok is false when nothing was certified.
func (t *Transaction) Authorization() (number string, ok bool) {
	if t.Event == nil {
		return "", false
	}
	if d := t.Event.Decision; d.Certified() && d.Number != "" {
		return d.Number, true
	}
	for _, s := range t.Event.Services {
		if d := s.Decision; d.Certified() && d.Number != "" {
			return d.Number, true
		}
	}
	return "", false
}

// CertifiedPeriod returns the certification effective dates (DTP*007) of
// the event, else the issue (102) to expiration (036) dates; ok is false
// when the response gives none.
func (e *Event) CertifiedPeriod() (from, to time.Time, ok bool) {
	var issue, expire time.Time
	for _, d := range e.Dates {
		switch d.Qualifier {
		case "007":
			to := d.To
			if to.IsZero() {
				to = d.From
			}
			return d.From, to, true
		case "102":
			issue = d.From
		case "036":
			expire = d.From
		}
	}
	return issue, expire, !issue.IsZero() || !expire.IsZero()
}

// Reply returns the skeleton of the response to t, a 278 request: the
// same UMO, requester, subscriber and dependent (names, birth dates, sexes
// and relationships), the patient event and its services with their
// reviews, dates, diagnoses, service lines and providers, each trace
// number the requester assigned echoed as a referenced one (TRN01 2),
// BHT03 echoed and BHT02 11. The caller adds the decisions (HCR, which
// every service of a response needs), certification dates and the
// envelope. The reply shares the request's service lines, delivery and
// admission: copy them before changing them.
func (t *Transaction) Reply(created time.Time) (*Transaction, error) {
	if t.Purpose != PurposeRequest {
		return nil, fmt.Errorf("auth: reply to BHT02 %q: want a request (13)", t.Purpose)
	}
	r := &Transaction{
		Version: t.Version, Purpose: PurposeResponse, Ref: t.Ref, Created: created,
		UMO: Party{Name: t.UMO.Name}, Requester: Party{Name: t.Requester.Name, Specialty: t.Requester.Specialty},
		Subscriber: replyMember(&t.Subscriber),
	}
	if t.Dependent != nil {
		d := replyMember(t.Dependent)
		r.Dependent = &d
	}
	if e := t.Event; e != nil {
		re := &Event{Traces: echo(e.Traces), Review: e.Review, Refs: slices.Clone(e.Refs), Dates: slices.Clone(e.Dates),
			Diagnoses: slices.Clone(e.Diagnoses), Delivery: e.Delivery, Admission: e.Admission}
		for _, p := range e.Providers {
			re.Providers = append(re.Providers, Party{Name: p.Name, Specialty: p.Specialty})
		}
		for _, s := range e.Services {
			rs := Service{Traces: echo(s.Traces), Review: s.Review, Refs: slices.Clone(s.Refs), Dates: slices.Clone(s.Dates),
				Professional: s.Professional, Institutional: s.Institutional, Dental: s.Dental, Delivery: s.Delivery}
			for _, p := range s.Providers {
				rs.Providers = append(rs.Providers, Party{Name: p.Name, Specialty: p.Specialty})
			}
			re.Services = append(re.Services, rs)
		}
		r.Event = re
	}
	return r, nil
}

func replyMember(m *Member) Member {
	return Member{Party: Party{Name: m.Name}, BirthDate: m.BirthDate, Sex: m.Sex, Insured: m.Insured}
}

// echo returns the requester's traces (TRN01 1) as referenced ones (2).
func echo(ts []Trace) []Trace {
	var out []Trace
	for _, t := range ts {
		if t.Type == "1" {
			t.Type = "2"
			out = append(out, t)
		}
	}
	return out
}
