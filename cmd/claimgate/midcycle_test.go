package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestChargeLagFlag(t *testing.T) {
	tests := []struct {
		name   string
		env    string
		args   []string
		code   int
		errHas string
	}{
		{"zero days", "", []string{"--charge-lag-days", "0"}, 1, "must be a whole number of days, 1 or more"},
		{"bad environment", "three", nil, 1, "$CLAIMGATE_CHARGE_LAG_DAYS"},
		{"from the environment", "5", nil, 0, ""},
		{"flag over environment", "x", []string{"--charge-lag-days", "2"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, errb := testEnv("")
			e.getenv = func(k string) string {
				if k == "CLAIMGATE_CHARGE_LAG_DAYS" {
					return tt.env
				}
				return ""
			}
			args := append([]string{"demo", "--no-serve", "--patients", "1", "--db", filepath.Join(t.TempDir(), "d.db")}, tt.args...)
			if code := run(context.Background(), e, args); code != tt.code || !strings.Contains(errb.String(), tt.errHas) {
				t.Errorf("run(%q) = %d, stderr %q; want %d containing %q", args, code, errb, tt.code, tt.errHas)
			}
		})
	}
}
