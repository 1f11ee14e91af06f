package clearinghouse

import (
	"slices"
	"strings"

	"github.com/claimgate/claimgate"
)

// Kind names a sort of X12 file by its transaction set, and the guide where
// one set ID has several (837P and 837I, 277 and 277CA). It is the kind part
// of mailbox file names.
type Kind string

// The kinds claimgate exchanges (DESIGN §4).
const (
	Claim837P     Kind = "837P"
	Claim837I     Kind = "837I"
	Eligibility   Kind = "270"
	EligResponse  Kind = "271"
	StatusRequest Kind = "276"
	StatusReply   Kind = "277"
	ClaimAck      Kind = "277CA"
	Services      Kind = "278" // request and response share the ID
	Remittance    Kind = "835"
	Ack999        Kind = "999"
	TA1           Kind = "TA1" // an interchange holding only TA1s
)

// kindInfo is how a kind is enveloped: ST01, GS01 and the guide (GS08).
type kindInfo struct {
	set, functional, version string
}

var kinds = map[Kind]kindInfo{
	Claim837P:     {"837", "HC", "005010X222A1"},
	Claim837I:     {"837", "HC", "005010X223A2"},
	Eligibility:   {"270", "HS", "005010X279A1"},
	EligResponse:  {"271", "HB", "005010X279A1"},
	StatusRequest: {"276", "HR", "005010X212"},
	StatusReply:   {"277", "HN", "005010X212"},
	ClaimAck:      {"277", "HN", "005010X214"},
	Services:      {"278", "HI", "005010X217"},
	Remittance:    {"835", "HP", "005010X221A1"},
	Ack999:        {"999", "FA", "005010X231A1"},
	TA1:           {},
}

// Kinds lists every kind, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ParseKind returns the kind named s ("837p" is 837P); Invalid if unknown.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToUpper(s))
	if _, ok := kinds[k]; !ok {
		return "", claimgate.Errorf(claimgate.Invalid, "unknown X12 kind %q", s)
	}
	return k, nil
}

// kindOf names the kind of a set with ST01 set and guide version (GS08 or
// ST03), in any of the guide's errata. A set under an unknown guide is named
// by its set ID alone.
func kindOf(set, version string) Kind {
	for k, in := range kinds {
		if in.set == set && in.version != "" && guide(version) == guide(in.version) {
			return k
		}
	}
	return Kind(set)
}

// guide returns a version without its errata suffix: 005010X223 of
// 005010X223A2 and 005010X223A3.
func guide(version string) string {
	if len(version) > 10 {
		return version[:10]
	}
	return version
}
