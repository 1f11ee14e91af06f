// Package claimbuild turns a case into the claim that bills it: an 837P
// (professional, 005010X222A1) or an 837I (institutional, 005010X223A2)
// transaction in the model of package x12/claim, with every element the
// implementation guides require of a practice's claim.
//
// Load gathers what a claim needs from the store into an Input: the
// billing organization, the rendering provider, the place of service, the
// patient, the coverage billed and its payer, the case's ordered
// diagnoses and its charge lines. Build837P and Build837I check the Input
// and build the transaction; a missing or malformed piece is an error of
// kind Invalid naming the field ("billing provider: ZIP must be 9
// digits"), never a half-built claim. Write puts transactions in an
// interchange.
//
// Whether the claim is right to send (codes valid on the date of service,
// pairs that bundle, authorizations on file) is the scrubber's question,
// not this package's: it builds what the case says.
package claimbuild

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/claimgate/claimgate"
)

// Claim frequency codes (CLM05-3).
const (
	Original    = "1"
	Replacement = "7"
	Void        = "8"
)

// Input is everything a claim is built from. Load fills it from the
// store; tests and callers with other sources fill it themselves.
type Input struct {
	CaseID int64
	// Sequence is the claim's number within its case: 1 for the case's
	// first claim, 2 for the next (a replacement, a void, a secondary
	// claim). With CaseID it makes the patient control number (CLM01).
	Sequence int
	// Frequency is CLM05-3: Original (the default when empty),
	// Replacement or Void.
	Frequency string
	// PayerClaimControlNumber is the payer's number for the claim a
	// replacement or void refers to (REF*F8); required for them.
	PayerClaimControlNumber string
	// PriorAuthorization is the payer's authorization number (REF*G1),
	// "" when none is known.
	PriorAuthorization string

	// Billing is the billing provider (2010AA): the organization, with its
	// type 2 NPI, EIN, taxonomy and address (ZIP+4).
	Billing claimgate.Organization
	// PayTo is where payments go (2010AB), when not the billing address.
	PayTo *claimgate.Address
	// Rendering is the clinician who rendered the services: the rendering
	// provider (837P 2310B) or the attending provider (837I 2310A).
	Rendering claimgate.Provider
	// Referring is the referring provider (837P 2310A, 837I 2310F), when
	// there is one.
	Referring *claimgate.Provider
	// Facility is where the services were rendered: its place of service
	// is CLM05-1 of an 837P, and its address the service facility loop
	// (837P 2310C, 837I 2310E) when it is not the billing address.
	Facility claimgate.Location

	Patient  claimgate.Patient
	Coverage claimgate.Coverage // the coverage billed
	Payer    claimgate.Payer    // its payer
	// OtherCoverages are the patient's other coverages in force on the
	// date of service, each with its payer (loops 2320, 2330A, 2330B).
	OtherCoverages []OtherCoverage

	// Diagnoses are the case's ICD-10-CM codes, canonical (no dot),
	// principal first.
	Diagnoses []string
	// Lines are the charge lines billed, in order.
	Lines []Line
}

// OtherCoverage is another coverage of the patient and its payer.
type OtherCoverage struct {
	Coverage claimgate.Coverage
	Payer    claimgate.Payer
}

// Line is one service line.
type Line struct {
	ID          int64 // our charge line ID: the line item control number (REF*6R) the 835 returns
	Code        string
	Modifiers   []string
	Units       int
	Charge      claimgate.Money // the line's total charge (price × units)
	DxPointers  []int           // 1-based positions in Input.Diagnoses (837P SV107)
	ServiceDate claimgate.Date
	// RevenueCode is the chargemaster's UB-04 revenue code (837I SV201).
	RevenueCode string
}

// PatientControlNumber returns the patient control number (CLM01) of a
// case's claim number seq: "CG" and the case ID, a dash and seq, such as
// "CG42-1". The 835 returns it in CLP01 and the 277CA in REF*EJ, so it
// names the claim back; it is unique because (case, sequence) is.
func PatientControlNumber(caseID int64, seq int) string {
	return fmt.Sprintf("CG%d-%d", caseID, seq)
}

// ParsePatientControlNumber returns the case ID and claim sequence of a
// patient control number PatientControlNumber made, such as an 835's
// CLP01; ok is false for any other string.
func ParsePatientControlNumber(pcn string) (caseID int64, seq int, ok bool) {
	rest, found := strings.CutPrefix(pcn, "CG")
	if !found {
		return 0, 0, false
	}
	c, s, found := strings.Cut(rest, "-")
	if !found {
		return 0, 0, false
	}
	caseID, err1 := strconv.ParseInt(c, 10, 64)
	n, err2 := strconv.Atoi(s)
	if err1 != nil || err2 != nil || caseID <= 0 || n <= 0 || PatientControlNumber(caseID, n) != pcn {
		return 0, 0, false
	}
	return caseID, n, true
}

// PatientControlNumber returns in's CLM01.
func (in *Input) PatientControlNumber() string { return PatientControlNumber(in.CaseID, in.Sequence) }

// Total returns the claim's total charge: the sum of its line charges.
func (in *Input) Total() claimgate.Money {
	var t claimgate.Money
	for _, l := range in.Lines {
		t += l.Charge
	}
	return t
}

// ServiceDates returns the first and last line dates of service.
func (in *Input) ServiceDates() (from, to claimgate.Date) {
	for _, l := range in.Lines {
		if l.ServiceDate.IsZero() {
			continue
		}
		if from.IsZero() || l.ServiceDate.Before(from) {
			from = l.ServiceDate
		}
		if to.IsZero() || l.ServiceDate.After(to) {
			to = l.ServiceDate
		}
	}
	return from, to
}

// Store is what Load reads; a claimgate.Store is one. Its methods return
// NotFound for what does not exist.
type Store interface {
	Case(ctx context.Context, id int64) (claimgate.Case, error)
	Claims(ctx context.Context, caseID int64) ([]claimgate.Claim, error)
	Location(ctx context.Context, id int64) (claimgate.Location, error)
	Organization(ctx context.Context, id int64) (claimgate.Organization, error)
	Provider(ctx context.Context, id int64) (claimgate.Provider, error)
	Patient(ctx context.Context, id int64) (claimgate.Patient, error)
	Coverages(ctx context.Context, patientID int64) ([]claimgate.Coverage, error)
	Payer(ctx context.Context, id int64) (claimgate.Payer, error)
	Diagnoses(ctx context.Context, caseID int64) ([]claimgate.Diagnosis, error)
	ChargeLines(ctx context.Context, caseID int64) ([]claimgate.ChargeLine, error)
	ChargeItem(ctx context.Context, code string) (claimgate.ChargeItem, error)
	Authorizations(ctx context.Context, caseID int64) ([]claimgate.AuthRecord, error)
}

// Load gathers the Input of a case's claim to its coverage of rank
// coverageRank (1 primary, 2 secondary...): the case's location and its
// organization as billing provider, its provider as rendering provider,
// the patient, the coverage and its payer, the patient's other coverages
// in force on the date of service, the diagnoses in rank order, the
// active charge lines with their chargemaster revenue codes, and the
// newest approved authorization number for a service billed on its dates.
// Sequence is one more than the case's claims so far; Frequency is
// Original. A case without a coverage of that rank is NotFound.
//
// Load does not judge what it finds: Build837P and Build837I do.
func Load(ctx context.Context, st Store, caseID int64, coverageRank int) (*Input, error) {
	c, err := st.Case(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("load claim of case %d: %w", caseID, err)
	}
	in := &Input{CaseID: c.ID, Frequency: Original}
	claims, err := st.Claims(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("load claims of case %d: %w", c.ID, err)
	}
	in.Sequence = len(claims) + 1
	if in.Facility, err = st.Location(ctx, c.LocationID); err != nil {
		return nil, fmt.Errorf("load location of case %d: %w", c.ID, err)
	}
	if in.Billing, err = st.Organization(ctx, in.Facility.OrgID); err != nil {
		return nil, fmt.Errorf("load organization of case %d: %w", c.ID, err)
	}
	if in.Rendering, err = st.Provider(ctx, c.ProviderID); err != nil {
		return nil, fmt.Errorf("load provider of case %d: %w", c.ID, err)
	}
	if in.Patient, err = st.Patient(ctx, c.PatientID); err != nil {
		return nil, fmt.Errorf("load patient of case %d: %w", c.ID, err)
	}
	covs, err := st.Coverages(ctx, c.PatientID)
	if err != nil {
		return nil, fmt.Errorf("load coverages of case %d: %w", c.ID, err)
	}
	found := false
	for _, cov := range covs {
		if cov.Rank == coverageRank && !found {
			in.Coverage, found = cov, true
			continue
		}
		if !cov.ActiveOn(c.ServiceDate) {
			continue
		}
		py, err := st.Payer(ctx, cov.PayerID)
		if err != nil {
			return nil, fmt.Errorf("load payer of coverage %d: %w", cov.ID, err)
		}
		in.OtherCoverages = append(in.OtherCoverages, OtherCoverage{Coverage: cov, Payer: py})
	}
	if !found {
		return nil, claimgate.Errorf(claimgate.NotFound, "case %d has no coverage of rank %d", c.ID, coverageRank)
	}
	if in.Payer, err = st.Payer(ctx, in.Coverage.PayerID); err != nil {
		return nil, fmt.Errorf("load payer of case %d: %w", c.ID, err)
	}
	dx, err := st.Diagnoses(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("load diagnoses of case %d: %w", c.ID, err)
	}
	slices.SortStableFunc(dx, func(a, b claimgate.Diagnosis) int { return a.Rank - b.Rank })
	for _, d := range dx {
		in.Diagnoses = append(in.Diagnoses, d.Code)
	}
	lines, err := st.ChargeLines(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("load charge lines of case %d: %w", c.ID, err)
	}
	revenue := map[string]string{}
	for _, l := range lines {
		if !l.Active() {
			continue
		}
		rev, ok := revenue[l.Code]
		if !ok {
			it, err := st.ChargeItem(ctx, l.Code)
			switch {
			case err == nil:
				rev = it.RevenueCode
			case claimgate.ErrorKind(err) != claimgate.NotFound:
				return nil, fmt.Errorf("load chargemaster entry %s: %w", l.Code, err)
			}
			revenue[l.Code] = rev
		}
		dos := l.ServiceDate
		if dos.IsZero() {
			dos = c.ServiceDate
		}
		in.Lines = append(in.Lines, Line{ID: l.ID, Code: l.Code, Modifiers: slices.Clone(l.Modifiers), Units: l.Units,
			Charge: l.Amount, DxPointers: slices.Clone(l.DxPointers), ServiceDate: dos, RevenueCode: rev})
	}
	auths, err := st.Authorizations(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("load authorizations of case %d: %w", c.ID, err)
	}
	in.PriorAuthorization = priorAuthorization(auths, in.Lines)
	return in, nil
}

// priorAuthorization returns the number of the newest approved
// authorization that covers a line on its date, or "". Records are oldest
// first, and the newest record for a code counts.
func priorAuthorization(auths []claimgate.AuthRecord, lines []Line) string {
	newest := map[string]claimgate.AuthRecord{}
	for _, a := range auths {
		newest[a.Code] = a
	}
	num := ""
	for _, l := range lines {
		a, ok := newest[l.Code]
		if ok && a.Number != "" && a.Covers(l.ServiceDate, l.Units) {
			num = a.Number
			break
		}
	}
	return num
}
