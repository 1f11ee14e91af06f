package testpayer

import (
	"strings"
	"testing"
)

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	var ids []string
	for _, p := range c.Payers {
		ids = append(ids, p.ID)
		if len(p.Members) == 0 || len(p.FeeSchedule) == 0 {
			t.Errorf("payer %s: no members or no fees", p.ID)
		}
	}
	// The demo practice's payers (internal/seed).
	if got := strings.Join(ids, ","); got != "ACME1,MCRB1,MCD01" {
		t.Errorf("payers %s, want ACME1,MCRB1,MCD01", got)
	}
}

func TestLoadConfig(t *testing.T) {
	base := `{"clearinghouse": {"id": "CH", "name": "CH"}, "payers": [{"id": "P1", "name": "PLAN", "tax_id": "990000101",
		"address": {"line1": "1 A ST", "city": "X", "state": "IL", "zip": "62701"}, "billing_npis": ["1234567893"],
		"timely_filing_days": 90, "days_to_pay": 14,
		"members": [{"id": "M1", "last": "A", "birth_date": "1980-01-01", "plan": "PPO", "coverage_from": "2026-01-01",
			"deductible": "100", "deductible_remaining": "100", "copay": "25", "coinsurance_pct": 20, "oop_max": "1000", "oop_remaining": "1000"}],
		"fee_schedule": [{"code": "99213", "allowed": "92.50"}]}]}`
	tests := []struct {
		name, from, to string
		wantErr        string // "" for none
	}{
		{"valid", "", "", ""},
		{"bad NPI", `"1234567893"`, `"1234567890"`, "check digit"},
		{"fraction of a cent", `"92.50"`, `"92.505"`, "at most two decimals"},
		{"unknown field", `"plan": "PPO"`, `"plan": "PPO", "planet": "MARS"`, "unknown field"},
		{"bad tax id", `"990000101"`, `"99-0000101"`, "tax_id"},
		{"coinsurance over 100", `"coinsurance_pct": 20`, `"coinsurance_pct": 120`, "coinsurance"},
		{"authorization for nobody", `"fee_schedule"`, `"authorizations": [{"member": "NOPE", "code": "72148", "number": "A1", "from": "2026-01-01", "to": "2026-12-31"}], "fee_schedule"`, "authorization"},
		{"no timely filing", `"timely_filing_days": 90`, `"timely_filing_days": 0`, "timely_filing_days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			if tt.from != "" {
				in = strings.Replace(base, tt.from, tt.to, 1)
				if in == base {
					t.Fatal("the test did not change the file")
				}
			}
			c, err := LoadConfig(strings.NewReader(in))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("LoadConfig: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("LoadConfig error %v, want one mentioning %q", err, tt.wantErr)
			case tt.wantErr == "" && c.Payers[0].FeeSchedule[0].Allowed != 9250:
				t.Errorf("allowed %d cents, want 9250", c.Payers[0].FeeSchedule[0].Allowed)
			}
		})
	}
}
