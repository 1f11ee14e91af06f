package claimgate

import (
	"strings"
	"testing"
)

func TestValidNPI(t *testing.T) {
	tests := []struct {
		npi  string
		want bool
	}{
		{"1234567893", true},  // CMS's worked example
		{"1245319599", true},  // check digit 9
		{"1234567890", false}, // wrong check digit
		{"123456789", false},  // too short
		{"12345678931", false},
		{"12345678a3", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidNPI(tt.npi); got != tt.want {
			t.Errorf("ValidNPI(%q) = %v, want %v", tt.npi, got, tt.want)
		}
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in      string
		want    Money
		wantErr bool
	}{
		{"0", 0, false},
		{"123", 12300, false},
		{"123.4", 12340, false},
		{"123.45", 12345, false},
		{"-5.05", -505, false},
		{".5", 50, false},
		{"1.005", 0, true}, // more precision than cents is an error, never rounding
		{"", 0, true},
		{"-", 0, true},
		{"1.", 100, false},
		{"abc", 0, true},
		{"1e3", 0, true},
		{"1.-5", 0, true},
		{"99999999999999999999", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, err=%v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil {
			back, err := ParseMoney(got.String())
			if err != nil || back != got {
				t.Errorf("ParseMoney(%q.String()=%q) = %d, %v", tt.in, got.String(), back, err)
			}
		}
	}
}

func TestMoneyString(t *testing.T) {
	for _, tt := range []struct {
		m    Money
		want string
	}{{0, "0.00"}, {5, "0.05"}, {-505, "-5.05"}, {123456, "1234.56"}} {
		if got := tt.m.String(); got != tt.want {
			t.Errorf("Money(%d).String() = %q, want %q", tt.m, got, tt.want)
		}
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.AddDays(1).String(); got != "2026-03-01" {
		t.Errorf("AddDays(1) = %s, want 2026-03-01", got)
	}
	if got := d.DaysUntil(d.AddDays(30)); got != 30 {
		t.Errorf("DaysUntil = %d, want 30", got)
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("ParseDate(2026-02-30) succeeded, want error")
	}
	var z Date
	if err := z.Scan("2026-01-05"); err != nil || z.String() != "2026-01-05" {
		t.Errorf("Scan = %v, %v", z, err)
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Errorf("zero Date Value = %v, want nil", v)
	}
}

func TestMoveKindOf(t *testing.T) {
	tests := []struct {
		from, to Stage
		want     MoveKind
		errHas   string
	}{
		{Intake, Registration, Forward, ""},
		{FinancialClearance, Encounter, Forward, ""},
		{Posting, Closed, Forward, ""},
		{Adjudication, ClaimBuild, Rework, ""},
		{Adjudication, Registration, Rework, ""},
		{Denials, Authorization, Rework, ""},
		{Denials, Documentation, Rework, ""},
		{Closed, Posting, Reopen, ""},
		{Intake, Eligibility, "", "skips registration"},
		{Registration, Coding, "", "skips eligibility, authorization, financial_clearance, encounter, documentation"},
		{Coding, Intake, "", "no rework loop"},
		{Intake, Intake, "", "already at"},
		{Intake, "nowhere", "", `unknown stage "nowhere"`},
		{Closed, Intake, "", "no rework loop"},
	}
	for _, tt := range tests {
		got, err := MoveKindOf(tt.from, tt.to)
		if tt.errHas == "" {
			if err != nil || got != tt.want {
				t.Errorf("MoveKindOf(%s, %s) = %q, %v; want %q", tt.from, tt.to, got, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("MoveKindOf(%s, %s) error = %v, want it to contain %q", tt.from, tt.to, err, tt.errHas)
		}
		if ErrorKind(err) != Invalid {
			t.Errorf("MoveKindOf(%s, %s) kind = %v, want invalid", tt.from, tt.to, ErrorKind(err))
		}
	}
}

func TestEveryStageReachableAndExitable(t *testing.T) {
	if len(Stages) != 17 {
		t.Fatalf("len(Stages) = %d, want 17", len(Stages))
	}
	for i, s := range Stages {
		if s.Number() != i+1 {
			t.Errorf("%s.Number() = %d, want %d", s, s.Number(), i+1)
		}
		if s != Closed && len(NextStages(s)) == 0 {
			t.Errorf("stage %s has no way out", s)
		}
		if s != Closed && s.OwnerRole() == "" {
			t.Errorf("stage %s has no owner role", s)
		}
	}
}

func TestParseStage(t *testing.T) {
	if s, err := ParseStage("ar_followup"); err != nil || s != ARFollowUp {
		t.Errorf("ParseStage(ar_followup) = %q, %v", s, err)
	}
	if _, err := ParseStage("billing"); err == nil || !strings.Contains(err.Error(), "want one of intake, registration") {
		t.Errorf("ParseStage(billing) error = %v", err)
	}
}
