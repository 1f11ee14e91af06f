// Package codeset keeps the medical code sets a claim is checked against:
// ICD-10-CM diagnoses, ICD-10-PCS procedures, HCPCS Level II, CPT (by format
// only), modifiers, place of service, revenue codes, claim adjustment reason
// codes (CARC), remittance advice remark codes (RARC), NCCI procedure-to-
// procedure (PTP) edits and medically unlikely edits (MUE).
//
// A code set arrives as a versioned Set: one official file (the CDC order
// file for a fiscal year, the CMS HCPCS annual file, an NCCI quarter), with
// the dates it governs and the SHA-256 of the bytes it came from. Parse reads
// the official layouts; a Store keeps the sets; an Index built from them
// answers "is this code billable on this date of service?" fast enough to
// check every line of every claim.
//
// BuiltIn returns a small set written for the project, effective in every
// year, so that the demo and tests work without any download. CPT content is
// the AMA's: CPT descriptions are never shipped or stored, and CPT codes are
// judged by their format.
package codeset

import (
	"context"
	"fmt"
	"time"

	"github.com/claimgate/claimgate"
)

// Kind names a code set.
type Kind string

// The kinds of code set.
const (
	ICD10CM  Kind = "icd10cm"  // ICD-10-CM diagnoses (CDC/CMS order file)
	ICD10PCS Kind = "icd10pcs" // ICD-10-PCS inpatient procedures (CMS order file)
	HCPCS    Kind = "hcpcs"    // HCPCS Level II (CMS annual file)
	CPT      Kind = "cpt"      // CPT: format only; no list is imported
	Modifier Kind = "modifier" // procedure modifiers (HCPCS file or CSV)
	POS      Kind = "pos"      // CMS place of service
	Revenue  Kind = "revenue"  // UB-04 revenue codes (institutional claims)
	CARC     Kind = "carc"     // X12 claim adjustment reason codes
	RARC     Kind = "rarc"     // X12 remittance advice remark codes
	PTP      Kind = "ncci_ptp" // NCCI procedure-to-procedure edits
	MUE      Kind = "mue"      // NCCI medically unlikely edits
)

// Kinds lists every kind in a stable order.
var Kinds = []Kind{ICD10CM, ICD10PCS, HCPCS, CPT, Modifier, POS, Revenue, CARC, RARC, PTP, MUE}

// ParseKind returns the Kind named s, or an Invalid error listing the kinds.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", claimgate.Errorf(claimgate.Invalid, "unknown code set kind %q: want one of %s", s, kindList())
}

func kindList() string {
	s := ""
	for i, k := range Kinds {
		if i > 0 {
			s += ", "
		}
		s += string(k)
	}
	return s
}

// Title returns the name a coder knows the kind by: "ICD-10-CM", "HCPCS".
func (k Kind) Title() string {
	switch k {
	case ICD10CM:
		return "ICD-10-CM"
	case ICD10PCS:
		return "ICD-10-PCS"
	case HCPCS:
		return "HCPCS"
	case CPT:
		return "CPT"
	case Modifier:
		return "Modifier"
	case POS:
		return "Place of service"
	case Revenue:
		return "Revenue code"
	case CARC:
		return "CARC"
	case RARC:
		return "RARC"
	case PTP:
		return "NCCI PTP"
	case MUE:
		return "NCCI MUE"
	}
	return string(k)
}

// IsCodeList reports whether sets of kind k hold codes (as opposed to NCCI
// edits or unit limits).
func (k Kind) IsCodeList() bool { return k != PTP && k != MUE }

// Set is one version of one code set, as imported from one file.
type Set struct {
	ID      int64
	Kind    Kind
	Version string // "FY2022", "2024", "v30.1r0-f1"
	// From and To bound the dates of service the set governs; a zero From
	// is "since always" and a zero To is open-ended. A set governs from its
	// From until the From of the next set of its kind; To only says when
	// the publisher meant it to end (see Index).
	From, To   claimgate.Date
	SHA256     string // hex SHA-256 of the file's bytes
	Source     string // the file name it came from, or "built-in"
	ImportedAt time.Time

	// Count and Billable count the entries; Parse and the Store fill them,
	// also when the contents below are not loaded.
	Count, Billable int

	Codes  []Code  // code lists
	Edits  []Edit  // PTP
	Limits []Limit // MUE
}

// Label returns "icd10cm FY2022", for messages.
func (s *Set) Label() string { return string(s.Kind) + " " + s.Version }

// count fills Count and Billable from the contents.
func (s *Set) count() {
	s.Count, s.Billable = len(s.Codes)+len(s.Edits)+len(s.Limits), 0
	for _, c := range s.Codes {
		if c.Billable {
			s.Billable++
		}
	}
	s.Billable += len(s.Edits) + len(s.Limits)
}

// Code is one code of a code list.
type Code struct {
	Code string // canonical: upper case, ICD-10-CM without its dot
	// Billable is false for an ICD-10 header (a category or subcategory
	// that has codes below it); true for every other code.
	Billable bool
	Short    string
	Long     string
	// From and To are the code's own dates where the file gives them
	// (HCPCS added and termination dates); zero means the set's.
	From, To claimgate.Date
	// Deactivated marks a CARC or RARC the list keeps for reference but
	// that may no longer be used.
	Deactivated bool
}

// Edit is one NCCI procedure-to-procedure edit: when both codes are billed
// for one patient on one date of service, Column2 is denied unless the
// modifier indicator allows a modifier and one is used.
type Edit struct {
	Column1, Column2 string
	From             claimgate.Date // effective date
	To               claimgate.Date // deletion date: the last day in effect; zero if none
	// Modifier is '0' (no modifier bypasses the edit), '1' (an NCCI
	// PTP-associated modifier may, where clinically appropriate) or '9'
	// (the edit is deleted and the indicator does not apply).
	Modifier  byte
	Rationale string
}

// ModifierAllowed reports whether a modifier may bypass the edit.
func (e Edit) ModifierAllowed() bool { return e.Modifier == '1' }

// Limit is one medically unlikely edit: the most units of a code a provider
// would report for one patient on one date of service.
type Limit struct {
	Code     string
	MaxUnits int
	// Adjudication is the MUE adjudication indicator: 1 line edit (units
	// per claim line), 2 date-of-service edit based on policy (absolute), 3
	// date-of-service edit based on clinical information.
	Adjudication int
	Rationale    string
}

// Store keeps code sets. store/sqlstore implements it.
type Store interface {
	// SaveSet stores s and its contents in one transaction and sets s.ID
	// and s.ImportedAt. If a set of the same kind with the same SHA-256 is
	// already stored it changes nothing, fills s's ID, Version, dates and
	// counts from the stored set, and returns false. Another set of the
	// same kind and version is a Conflict.
	SaveSet(ctx context.Context, s *Set) (created bool, err error)
	// Sets returns the stored sets of kind, or of every kind when kind is
	// "", without their contents, ordered by kind, From and ID.
	Sets(ctx context.Context, kind Kind) ([]*Set, error)
	// LoadSet returns set id with its contents; NotFound if there is none.
	LoadSet(ctx context.Context, id int64) (*Set, error)
}

// Load builds an Index from the sets in st: for each kind, every stored set,
// or the built-in set when none of that kind is stored. Importing an
// official file therefore replaces the demo set of its kind.
func Load(ctx context.Context, st Store) (*Index, error) {
	metas, err := st.Sets(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("code sets: %w", err)
	}
	stored := map[Kind]bool{}
	var sets []*Set
	for _, m := range metas {
		s, err := st.LoadSet(ctx, m.ID)
		if err != nil {
			return nil, fmt.Errorf("code set %s: %w", m.Label(), err)
		}
		stored[s.Kind] = true
		sets = append(sets, s)
	}
	for _, s := range BuiltIn() {
		if !stored[s.Kind] {
			sets = append(sets, s)
		}
	}
	return NewIndex(sets...), nil
}
