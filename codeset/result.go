package codeset

import (
	"fmt"
	"strings"

	"github.com/claimgate/claimgate"
)

// Status is the verdict on a code.
type Status uint8

// The statuses, best first.
const (
	Valid           Status = iota // billable on the date of service
	NotBillable                   // an ICD-10 header: a more specific code is needed
	NotYetEffective               // the code exists, but from a later date
	Expired                       // the code existed, but no longer on this date
	Unknown                       // well formed, but not in the set
	BadFormat                     // not even shaped like a code of the kind
)

var statusNames = [...]string{"valid", "not_billable", "not_yet_effective", "expired", "unknown", "bad_format"}

// String returns the status's snake_case name.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", s)
}

// Result is what Index.Validate found.
type Result struct {
	Status  Status
	Kind    Kind
	Code    string // canonical form of Input
	Input   string
	Date    claimgate.Date // the date of service asked about
	Version string         // the set that judged it ("FY2022")
	// Effective is when a NotYetEffective code takes effect; Ended the
	// last day an Expired code was valid (zero for a deactivated one).
	Effective, Ended claimgate.Date

	ki   *kindIndex
	gen  int32 // the judging generation
	at   int32 // the generation a code missing from gen was found in
	code *Code
}

// OK reports whether the code may be billed on the date.
func (r Result) OK() bool { return r.Status == Valid }

// Description returns the code's short description from the judging set,
// if it has one.
func (r Result) Description() string {
	if r.code == nil {
		return ""
	}
	return r.code.Short
}

// Message says what was found in words a coder can act on, e.g.
// "ICD-10-CM E11 is a category header, not billable: code to a leaf
// (E11.8, E11.9, E11.00, ...)".
func (r Result) Message() string {
	name := r.Kind.Title() + " " + Display(r.Kind, r.Code)
	on := ""
	if !r.Date.IsZero() {
		on = " on " + r.Date.String()
	}
	var m string
	switch r.Status {
	case BadFormat:
		if !r.Kind.IsCodeList() {
			return fmt.Sprintf("%s is not a code list: check codes against it with its own lookup", r.Kind.Title())
		}
		return fmt.Sprintf("%s %q is not well formed: %s", r.Kind.Title(), r.Input, formatRule[r.Kind])
	case Valid:
		if r.Kind == CPT {
			return name + " is a well-formed CPT code (CPT is checked by format only: its code list is the AMA's)"
		}
		m = name + " is valid" + on
	case NotBillable:
		m = fmt.Sprintf("%s is %s, not billable: code to %s", name, r.header(), r.hint())
	case NotYetEffective:
		m = fmt.Sprintf("%s is not yet effective%s: it takes effect on %s", name, on, r.Effective)
		if r.ki != nil && r.at != r.gen {
			m += " (" + r.ki.gens[r.at].version + ")"
		}
	case Expired:
		switch {
		case r.code != nil && r.code.Deactivated:
			m = fmt.Sprintf("%s is deactivated: not valid%s", name, on)
		default:
			m = fmt.Sprintf("%s expired after %s: not valid%s", name, r.Ended, on)
			if r.ki != nil && r.at != r.gen {
				m += "; it was last in " + r.ki.gens[r.at].version
			}
		}
	case Unknown:
		if r.ki == nil {
			return fmt.Sprintf("%s cannot be checked: no %s code set is loaded", name, r.Kind.Title())
		}
		m = fmt.Sprintf("%s is not a code in %s %s", name, r.Kind.Title(), r.Version)
	}
	return m + r.note()
}

// header names what kind of header r.Code is.
func (r Result) header() string {
	if r.Kind == ICD10CM {
		if len(r.Code) == 3 {
			return "a category header"
		}
		return "a subcategory header"
	}
	return "a header"
}

// hint lists leaves below a header: "a leaf (E11.8, E11.9, E11.00, ...)".
func (r Result) hint() string {
	if r.ki == nil {
		return "a more specific code"
	}
	leaves, more := r.ki.leaves(r.gen, r.Code, 3)
	if len(leaves) == 0 {
		return "a more specific code"
	}
	shown := make([]string, len(leaves))
	for i, c := range leaves {
		shown[i] = Display(r.Kind, c)
	}
	if more {
		shown = append(shown, "...")
	}
	return "a leaf (" + strings.Join(shown, ", ") + ")"
}

// note says when the judging set did not cover the date of service.
func (r Result) note() string {
	if r.ki == nil || r.Date.IsZero() {
		return ""
	}
	g := r.ki.gens[r.gen]
	d := dayOf(r.Date)
	switch {
	case d > g.to && int(r.gen) == len(r.ki.gens)-1:
		return fmt.Sprintf(" (judged by %s, the newest %s set loaded, which ended %s)", g.version, r.Kind.Title(), dateOf(g.to))
	case d > g.to:
		return fmt.Sprintf(" (judged by %s, which ended %s: no %s set loaded covers this date)", g.version, dateOf(g.to), r.Kind.Title())
	case d < g.from:
		return fmt.Sprintf(" (judged by %s, the oldest %s set loaded, which starts %s)", g.version, r.Kind.Title(), dateOf(g.from))
	}
	return ""
}
