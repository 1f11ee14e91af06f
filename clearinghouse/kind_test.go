package clearinghouse

import (
	"testing"

	"github.com/claimgate/claimgate"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		set, version string
		want         Kind
	}{
		{"837", "005010X222A1", Claim837P},
		{"837", "005010X222", Claim837P},
		{"837", "005010X223A2", Claim837I},
		{"837", "005010X223A3", Claim837I}, // a later errata of the same guide
		{"277", "005010X214", ClaimAck},
		{"277", "005010X212", StatusReply},
		{"835", "005010X221A1", Remittance},
		{"999", "005010X231A1", Ack999},
		{"270", "005010X279A1", Eligibility},
		{"271", "005010X279A1", EligResponse},
		{"278", "005010X217", Services},
		{"837", "004010X098A1", "837"}, // an unknown guide: the set ID alone
		{"834", "005010X220A1", "834"},
	}
	for _, tc := range tests {
		if got := kindOf(tc.set, tc.version); got != tc.want {
			t.Errorf("kindOf(%s, %s) = %s, want %s", tc.set, tc.version, got, tc.want)
		}
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range Kinds() {
		if got, err := ParseKind(string(k)); err != nil || got != k {
			t.Errorf("ParseKind(%s) = %s, %v", k, got, err)
		}
	}
	if got, err := ParseKind("277ca"); err != nil || got != ClaimAck {
		t.Errorf("ParseKind(277ca) = %s, %v; want 277CA", got, err)
	}
	if _, err := ParseKind("837X"); claimgate.ErrorKind(err) != claimgate.Invalid {
		t.Errorf("ParseKind(837X) = %v, want Invalid", err)
	}
}
