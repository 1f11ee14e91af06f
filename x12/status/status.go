// Package status reads and writes the HIPAA claim status transactions: the
// claim status request (276) and response (277) of ASC X12 005010X212, and
// the claim acknowledgment (277CA) of 005010X214 that a payer or
// clearinghouse returns for each 837 it takes in.
//
// The three share one hierarchy: information sources (payers, HL 20),
// information receivers (HL 21), service providers (HL 19), subscribers
// (HL 22, or the patient, HL PT, of a 277CA) and dependents (HL 23), with
// the claims under each member. A Transaction holds any of them; Kind says
// which. Parse turns the loop tree of a validated transaction set (package
// x12/validate) into a Transaction; Write writes Transactions back in TR3
// order, numbering the HL segments.
//
// Money is int64 cents, quantities ten-thousandths, never floats; dates are
// time.Time at midnight UTC. Segments the model does not type are kept as
// X12 text in Other, so that reading and writing loses nothing.
package status

import (
	"fmt"
	"slices"
	"time"
)

// The implementation guides this package reads and writes (ST03, GS08).
const (
	VersionStatus = "005010X212" // 276 and 277
	VersionAck    = "005010X214" // 277CA
)

// Kind says which of the three transactions a Transaction is.
type Kind string

// The kinds of Transaction.
const (
	Request  Kind = "276"   // claim status request
	Response Kind = "277"   // claim status response
	Ack      Kind = "277CA" // claim acknowledgment
)

// A Transaction is one 276, 277 or 277CA transaction set.
type Transaction struct {
	Envelope Envelope
	Kind     Kind
	Version  string    // ST03 (or GS08)
	Purpose  string    // BHT02: 13 request (276), 08 status (277, 277CA)
	Ref      string    `json:",omitempty"` // BHT03: the originator's reference
	Created  time.Time // BHT04 and BHT05
	Type     string    `json:",omitempty"` // BHT06: DG response (277), TH receipt acknowledgment (277CA)
	Sources  []Source  // loops 2000A
	Other    []Segment `json:",omitempty"`
	// OtherLoops are loops of the root the model does not type.
	OtherLoops []Loop `json:",omitempty"`
}

// Source is an information source (loop 2000A with 2100A): the payer.
type Source struct {
	Party
	// Report is loop 2200A of a 277CA: its trace number and the receipt
	// (DTP*050) and process (DTP*009) dates.
	Report     *Report `json:",omitempty"`
	Receivers  []Receiver
	LevelOther []Segment `json:",omitempty"` // of loop 2000A itself
	OtherLoops []Loop    `json:",omitempty"`
}

// Receiver is an information receiver (loop 2000B with 2100B): the
// submitter of the 276 or 837.
type Receiver struct {
	Party
	// Report is loop 2200B (277, 277CA): the status of the receiver's
	// request or batch and, in a 277CA, its totals (QTY*90 accepted and
	// QTY*AA rejected claims, AMT*YU accepted and AMT*YY rejected charges).
	Report     *Report `json:",omitempty"`
	Providers  []Provider
	LevelOther []Segment `json:",omitempty"`
	OtherLoops []Loop    `json:",omitempty"`
}

// Provider is a service provider (loop 2000C with its 2100C names).
type Provider struct {
	Names []Party // loops 2100C
	// Report is loop 2200C (277, 277CA): the provider's status and, in a
	// 277CA, its totals (QTY*QA accepted and QTY*QC rejected claims,
	// AMT*YU and AMT*YY charges).
	Report     *Report `json:",omitempty"`
	Members    []Member
	LevelOther []Segment `json:",omitempty"`
	OtherLoops []Loop    `json:",omitempty"`
}

// Party is a name loop: an NM1 with a PER (the 277's 2100A).
type Party struct {
	Name     Name
	Contacts []Contact `json:",omitempty"`
	Other    []Segment `json:",omitempty"`
}

// Member is a subscriber (loop 2000D with 2100D, HL 22), the patient of a
// 277CA (HL PT) or a dependent (2000E with 2100E, HL 23), and the claims
// asked or answered about.
type Member struct {
	BirthDate time.Time `json:",omitzero"`  // DMG02 of a 276
	Sex       string    `json:",omitempty"` // DMG03 of a 276
	Party
	Claims []Claim // loops 2200D/2200E
	// Dependents are the 2000E loops under a subscriber.
	Dependents []Member  `json:",omitempty"`
	LevelOther []Segment `json:",omitempty"`
	OtherLoops []Loop    `json:",omitempty"`
}

// Report is a status loop above the claims (2200A, 2200B, 2200C): a trace
// number with statuses, references, totals and dates.
type Report struct {
	Trace      Trace      // TRN
	Dates      []Date     `json:",omitempty"` // DTP*050 received, DTP*009 processed (277CA 2200A)
	Statuses   []Status   `json:",omitempty"` // STC
	Refs       []Ref      `json:",omitempty"` // REF (277CA 2200C: provider secondary IDs)
	Quantities []Quantity `json:",omitempty"` // QTY
	Amounts    []Amount   `json:",omitempty"` // AMT
	Other      []Segment  `json:",omitempty"`
}

// Quantity is a QTY segment: a qualified quantity in ten-thousandths
// (1 claim is 10000).
type Quantity struct {
	Qualifier string // QTY01: 90 accepted, AA rejected (2200B); QA, QC (2200C)
	Value     int64  // QTY02
}

// Amount is an AMT segment: a qualified amount in cents.
type Amount struct {
	Qualifier string // AMT01: T3 total submitted charges (276), YU accepted, YY rejected (277CA)
	Cents     int64  // AMT02
}

// Claim is a claim status tracking loop (2200D/2200E).
type Claim struct {
	Trace    Trace    // TRN: the claim's trace number (TRN02, the patient control number of a 277CA)
	Statuses []Status `json:",omitempty"` // STC (277, 277CA)
	// Refs are REF segments: 1K payer claim control number, EJ patient
	// account number, BLT bill type, D9 clearinghouse trace, XZ
	// prescription number, 6P group number, LU location...
	Refs []Ref `json:",omitempty"`
	// Charge is AMT*T3, the total claim charge of a 276.
	Charge *int64    `json:",omitempty"`
	Dates  []Date    `json:",omitempty"` // DTP*472 service dates
	Lines  []Line    `json:",omitempty"` // loops 2210 (276) and 2220 (277, 277CA)
	Other  []Segment `json:",omitempty"`
	// OtherLoops are loops under the claim the model does not type.
	OtherLoops []Loop `json:",omitempty"`
}

// Line is a service line loop: 2210D/2210E of a 276, 2220D/2220E of a 277
// or 277CA.
type Line struct {
	Procedure   Procedure // SVC01
	Charge      int64     // SVC02
	Paid        *int64    `json:",omitempty"` // SVC03 (277)
	RevenueCode string    `json:",omitempty"` // SVC04
	Units       *int64    `json:",omitempty"` // SVC07, in ten-thousandths
	Statuses    []Status  `json:",omitempty"` // STC (277, 277CA)
	Refs        []Ref     `json:",omitempty"` // REF*FJ line item control number
	Dates       []Date    `json:",omitempty"` // DTP*472
	Other       []Segment `json:",omitempty"`
}

// Status is an STC segment: up to three status codes and what goes with
// them.
type Status struct {
	// Codes are STC01, STC10 and STC11; the first is required.
	Codes         []StatusCode
	Effective     time.Time `json:",omitzero"`  // STC02
	Action        string    `json:",omitempty"` // STC03: WQ accepted, U rejected (277CA)
	Charge        *int64    `json:",omitempty"` // STC04
	Paid          *int64    `json:",omitempty"` // STC05
	Adjudicated   time.Time `json:",omitzero"`  // STC06
	PaymentMethod string    `json:",omitempty"` // STC07: ACH, BOP, CHK, FWT, NON
	Issued        time.Time `json:",omitzero"`  // STC08: check issue or EFT date
	CheckNumber   string    `json:",omitempty"` // STC09
	Message       string    `json:",omitempty"` // STC12
}

// StatusCode is a health care claim status composite (C043).
type StatusCode struct {
	// Category is C043-01: A0-A8 acknowledgments (A1 received, A2
	// accepted into adjudication, A3 returned as unprocessable, A4 not
	// found, A6 rejected for missing information, A7 rejected for invalid
	// information, A8 rejected for relational field in error), P0-P5
	// pending, F0-F4 finalized, R0-R16 requests for information, E0-E4
	// errors, D0 data search unsuccessful.
	Category string
	Code     string // C043-02: claim status code (external code list 508)
	Entity   string `json:",omitempty"` // C043-03: 85 billing provider, PR payer, QC patient...
	CodeList string `json:",omitempty"` // C043-04: RX for NCPDP reject codes
}

// Rejected reports whether the category is a 277CA rejection (A3, A4, A6,
// A7, A8) or an error (E0-E4).
func (c StatusCode) Rejected() bool {
	return slices.Contains([]string{"A3", "A4", "A6", "A7", "A8", "E0", "E1", "E2", "E3", "E4"}, c.Category)
}

// Accepted reports whether the category acknowledges the claim as received
// or accepted (A0, A1, A2, A5).
func (c StatusCode) Accepted() bool {
	return slices.Contains([]string{"A0", "A1", "A2", "A5"}, c.Category)
}

// Pending reports whether the category is a pended claim (P0-P5).
func (c StatusCode) Pending() bool { return len(c.Category) == 2 && c.Category[0] == 'P' }

// Finalized reports whether the category is a finalized claim (F0-F4).
func (c StatusCode) Finalized() bool { return len(c.Category) == 2 && c.Category[0] == 'F' }

// Rejected reports whether any status of the claim rejects it, and
// returns those statuses' codes: the reasons a biller has to fix.
func (c *Claim) Rejected() (bool, []StatusCode) {
	var out []StatusCode
	for _, s := range c.Statuses {
		for _, sc := range s.Codes {
			if sc.Rejected() {
				out = append(out, s.Codes...)
				break
			}
		}
	}
	return len(out) > 0, out
}

// Ref returns the value of the claim's first REF with the qualifier, or "".
func (c *Claim) Ref(qualifier string) string {
	for _, r := range c.Refs {
		if r.Qualifier == qualifier {
			return r.Value
		}
	}
	return ""
}

// PayerClaimNumber returns REF*1K, the payer's claim control number.
func (c *Claim) PayerClaimNumber() string { return c.Ref("1K") }

// PatientAccount returns REF*EJ, the patient account number.
func (c *Claim) PatientAccount() string { return c.Ref("EJ") }

// Quantity returns the QTY02 of the report's first QTY with the qualifier.
func (r *Report) Quantity(qualifier string) (int64, bool) {
	for _, q := range r.Quantities {
		if q.Qualifier == qualifier {
			return q.Value, true
		}
	}
	return 0, false
}

// Amount returns the AMT02 of the report's first AMT with the qualifier.
func (r *Report) Amount(qualifier string) (int64, bool) {
	for _, a := range r.Amounts {
		if a.Qualifier == qualifier {
			return a.Cents, true
		}
	}
	return 0, false
}

// Totals are the accepted and rejected counts (whole claims) and charges
// (cents) a 277CA reports for a batch or a provider.
type Totals struct {
	Accepted, Rejected             int64
	AcceptedCharge, RejectedCharge int64
}

// Totals reads the totals of a 2200B (QTY*90, QTY*AA) or 2200C (QTY*QA,
// QTY*QC) loop and its AMT*YU and AMT*YY; what is absent is zero.
func (r *Report) Totals() Totals {
	var t Totals
	for _, q := range r.Quantities {
		switch q.Qualifier {
		case "90", "QA":
			t.Accepted = q.Value / 10000
		case "AA", "QC":
			t.Rejected = q.Value / 10000
		}
	}
	t.AcceptedCharge, _ = r.Amount("YU")
	t.RejectedCharge, _ = r.Amount("YY")
	return t
}

// Reply returns the skeleton of the 277 that answers t, a 276: the same
// hierarchy with names, each claim's trace number echoed as a referenced
// one (TRN01 2) with its references, service dates and lines, BHT03
// echoed, BHT02 08 and BHT06 DG. The caller adds the statuses (STC, which
// every claim and line of a 277 needs), the lines' paid amounts (SVC03)
// and the envelope.
func (t *Transaction) Reply(created time.Time) (*Transaction, error) {
	if t.Kind != Request {
		return nil, fmt.Errorf("status: reply to a %s: want a 276", t.Kind)
	}
	r := &Transaction{Kind: Response, Version: t.Version, Purpose: "08", Ref: t.Ref, Created: created, Type: "DG"}
	for _, src := range t.Sources {
		s := Source{Party: Party{Name: src.Name}}
		for _, rcv := range src.Receivers {
			rc := Receiver{Party: Party{Name: rcv.Name}}
			for _, pr := range rcv.Providers {
				p := Provider{}
				for _, n := range pr.Names {
					p.Names = append(p.Names, Party{Name: n.Name})
				}
				for i := range pr.Members {
					p.Members = append(p.Members, replyMember(&pr.Members[i]))
				}
				rc.Providers = append(rc.Providers, p)
			}
			s.Receivers = append(s.Receivers, rc)
		}
		r.Sources = append(r.Sources, s)
	}
	return r, nil
}

func replyMember(m *Member) Member {
	out := Member{Party: Party{Name: m.Name}}
	for _, c := range m.Claims {
		rc := Claim{Trace: c.Trace, Refs: slices.Clone(c.Refs), Dates: slices.Clone(c.Dates)}
		rc.Trace.Type = "2"
		for _, ln := range c.Lines {
			rc.Lines = append(rc.Lines, Line{Procedure: ln.Procedure, Charge: ln.Charge, RevenueCode: ln.RevenueCode,
				Units: ln.Units, Refs: slices.Clone(ln.Refs), Dates: slices.Clone(ln.Dates)})
		}
		out.Claims = append(out.Claims, rc)
	}
	for i := range m.Dependents {
		out.Dependents = append(out.Dependents, replyMember(&m.Dependents[i]))
	}
	return out
}
