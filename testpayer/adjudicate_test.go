package testpayer

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/x12/remit"
)

// variant is one way of sending a claim: the payer's configuration, the
// claims it already adjudicated, and the claim itself.
type variant struct {
	mutate func(*Config)
	prior  []claimSpec
	recv   string
	spec   claimSpec
}

// outcome sends v to a fresh payer and returns the 835 claim for v.spec.
func outcome(t *testing.T, v variant) remit.Claim {
	t.Helper()
	cfg := testConfig()
	if v.mutate != nil {
		v.mutate(cfg)
	}
	recv := v.recv
	if recv == "" {
		recv = "2026-03-01"
	}
	p := newPayer(t, cfg, day(recv))
	ctx := context.Background()
	var files []File
	for i, s := range append(append([]claimSpec(nil), v.prior...), v.spec) {
		fs, err := p.HandleBatch(ctx, file837(t, "00000010"+string(rune('0'+i)), s))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	paid, err := p.Advance(ctx, day(recv).AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, paid...)
	for _, f := range files {
		checkValid(t, f.Name, f.Data)
	}
	var found []remit.Claim
	for _, r := range remits(t, files) {
		for _, h := range r.Headers {
			for _, c := range h.Claims {
				if c.ID == v.spec.id {
					found = append(found, c)
				}
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("835s hold %d claims %s, want 1", len(found), v.spec.id)
	}
	return found[0]
}

type carc struct{ group, reason string }

func lineCARCs(s remit.Service) []carc {
	var out []carc
	for _, a := range s.Adjustments {
		for _, r := range a.Reasons {
			out = append(out, carc{a.Group, r.Code})
		}
	}
	return out
}

func remarks(s remit.Service) []string {
	var out []string
	for _, r := range s.Remarks {
		out = append(out, r.Code)
	}
	return out
}

func TestDenials(t *testing.T) {
	m4 := func(id string, dx []string, lines ...line) claimSpec {
		return claimSpec{id: id, member: "M4", last: "PATEL", first: "RAJ", dx: dx, lines: lines}
	}
	visit := line{code: "99213", dos: "2026-02-20", cents: 15000}
	noAuth := func(c *Config) { c.Payers[0].Authorizations = nil }
	tests := []struct {
		name          string
		clean, caused variant
		line          int // 1-based line of the claim the cause hits
		want          carc
		remarks       []string
	}{{
		name:   "authorization",
		clean:  variant{spec: claimSpec{id: "A1", member: "M1", last: "RIVERA", first: "ANA", dx: []string{"M545"}, lines: []line{{code: "72148", dos: "2026-02-20", cents: 90000}}}, mutate: func(c *Config) { c.Payers[0].Members[0].DeductibleRemaining = 0 }},
		caused: variant{spec: claimSpec{id: "A1", member: "M1", last: "RIVERA", first: "ANA", dx: []string{"M545"}, lines: []line{{code: "72148", dos: "2026-02-20", cents: 90000}}}, mutate: noAuth},
		line:   1, want: carc{"CO", "197"},
	}, {
		name:   "medical necessity",
		clean:  variant{spec: m4("N1", []string{"I10"}, line{code: "93000", dos: "2026-02-20", cents: 5000})},
		caused: variant{spec: m4("N1", []string{"J069"}, line{code: "93000", dos: "2026-02-20", cents: 5000})},
		line:   1, want: carc{"CO", "50"}, remarks: []string{"N115"},
	}, {
		name:   "missing rendering provider",
		clean:  variant{spec: m4("R1", []string{"J069"}, visit)},
		caused: variant{spec: func() claimSpec { s := m4("R1", []string{"J069"}, visit); s.noRender = true; return s }()},
		line:   1, want: carc{"CO", "16"}, remarks: []string{"N290"},
	}, {
		name:   "bundled, no modifier allowed",
		clean:  variant{spec: m4("B1", []string{"I10"}, line{code: "93000", dos: "2026-02-20", cents: 5000}, line{code: "93010", dos: "2026-02-21", cents: 2000})},
		caused: variant{spec: m4("B1", []string{"I10"}, line{code: "93000", dos: "2026-02-20", cents: 5000}, line{code: "93010", dos: "2026-02-20", cents: 2000})},
		line:   2, want: carc{"CO", "97"}, remarks: []string{"M15"},
	}, {
		name:   "bundled, modifier would unbundle",
		clean:  variant{spec: m4("B2", []string{"I10"}, line{code: "80053", dos: "2026-02-20", cents: 4000}, line{code: "36415", mods: []string{"59"}, dos: "2026-02-20", cents: 1000})},
		caused: variant{spec: m4("B2", []string{"I10"}, line{code: "80053", dos: "2026-02-20", cents: 4000}, line{code: "36415", dos: "2026-02-20", cents: 1000})},
		line:   2, want: carc{"CO", "236"},
	}, {
		name:   "timely filing",
		clean:  variant{spec: m4("T1", []string{"J069"}, line{code: "99213", dos: "2025-12-05", cents: 15000}), recv: "2026-03-01"},
		caused: variant{spec: m4("T1", []string{"J069"}, line{code: "99213", dos: "2025-11-25", cents: 15000}), recv: "2026-03-01"},
		line:   1, want: carc{"CO", "29"},
	}, {
		name:   "duplicate",
		clean:  variant{prior: []claimSpec{m4("D0", []string{"J069"}, line{code: "99213", dos: "2026-02-19", cents: 15000})}, spec: m4("D1", []string{"J069"}, visit)},
		caused: variant{prior: []claimSpec{m4("D0", []string{"J069"}, visit)}, spec: m4("D1", []string{"J069"}, visit)},
		line:   1, want: carc{"OA", "18"},
	}, {
		name: "coverage terminated",
		clean: variant{recv: "2026-07-15", spec: claimSpec{id: "E1", member: "M2", last: "CHEN", first: "WEI", dx: []string{"J069"},
			lines: []line{{code: "99213", dos: "2026-06-30", cents: 15000}, {code: "36415", dos: "2026-06-30", cents: 1000}}}},
		caused: variant{recv: "2026-07-15", spec: claimSpec{id: "E1", member: "M2", last: "CHEN", first: "WEI", dx: []string{"J069"},
			lines: []line{{code: "99213", dos: "2026-06-30", cents: 15000}, {code: "36415", dos: "2026-07-01", cents: 1000}}}},
		line: 2, want: carc{"CO", "27"},
	}, {
		name:   "other payer primary",
		clean:  variant{spec: claimSpec{id: "O1", member: "M3", last: "OKAFOR", first: "JAMES", dx: []string{"J069"}, lines: []line{visit}}, mutate: func(c *Config) { c.Payers[0].Members[3].OtherPayerPrimary = false }},
		caused: variant{spec: claimSpec{id: "O1", member: "M3", last: "OKAFOR", first: "JAMES", dx: []string{"J069"}, lines: []line{visit}}},
		line:   1, want: carc{"CO", "22"},
	}, {
		name:   "units missing",
		clean:  variant{spec: m4("U1", []string{"J069"}, line{code: "36415", dos: "2026-02-20", cents: 1000, units: 2})},
		caused: variant{spec: m4("U1", []string{"J069"}, line{code: "36415", dos: "2026-02-20", cents: 1000, units: -1})},
		line:   1, want: carc{"CO", "16"}, remarks: []string{"M53"},
	}, {
		name:   "not on the fee schedule",
		clean:  variant{spec: m4("F1", []string{"J069"}, line{code: "99213", dos: "2026-02-20", cents: 15000})},
		caused: variant{spec: m4("F1", []string{"J069"}, line{code: "99499", dos: "2026-02-20", cents: 15000})},
		line:   1, want: carc{"CO", "204"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean := outcome(t, tt.clean)
			s := clean.Services[tt.line-1]
			if s.Paid <= 0 {
				t.Errorf("without the cause: line %d paid %d, want a payment; adjustments %v", tt.line, s.Paid, lineCARCs(s))
			}
			for _, c := range lineCARCs(s) {
				if c == tt.want {
					t.Errorf("without the cause: line %d has %s-%s", tt.line, c.group, c.reason)
				}
			}
			caused := outcome(t, tt.caused)
			s = caused.Services[tt.line-1]
			if s.Paid != 0 {
				t.Errorf("with the cause: line %d paid %d, want 0", tt.line, s.Paid)
			}
			want := []remit.Adjustment{{Group: tt.want.group, Reasons: []remit.Reason{{Code: tt.want.reason, Amount: s.Charge}}}}
			if diff := cmp.Diff(want, s.Adjustments); diff != "" {
				t.Errorf("with the cause: line %d adjustments (-want +got):\n%s", tt.line, diff)
			}
			if diff := cmp.Diff(tt.remarks, remarks(s)); diff != "" {
				t.Errorf("with the cause: line %d remarks (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	p, _, _ := run(t, testConfig(), "2026-03-01", ana("X1", line{code: "99213", dos: "2026-02-20", cents: 15000}))
	ds := p.Decisions()
	if len(ds) != 1 {
		t.Fatalf("%d decisions", len(ds))
	}
	want := []string{
		"claim X1 (ACME12603010001): status 1, charged $150.00, paid $0.00, patient responsibility $92.50",
		"  line 1 99213: charged $150.00, allowed $92.50, paid $0.00",
		"    CO-45 $57.50: charge exceeds the fee schedule: 99213 allowed $92.50 x 1 units",
		"    PR-3 $25.00: copay $25.00 per visit",
		"    PR-1 $67.50: deductible: $100.00 of $100.00 remained",
	}
	if diff := cmp.Diff(want, ds[0].Explain()); diff != "" {
		t.Errorf("Explain (-want +got):\n%s", diff)
	}
}

// TestSecondary: the claim CO-22 denied as primary, billed again as
// secondary with the primary's payment, is paid less what the primary
// paid (OA-23), as processed-as-secondary (CLP02 2).
func TestSecondary(t *testing.T) {
	spec := claimSpec{id: "S1", member: "M3", last: "OKAFOR", first: "JAMES", sbr: "S", dx: []string{"J069"},
		lines: []line{{code: "99213", dos: "2026-02-20", cents: 15000}, {code: "80053", dos: "2026-02-20", cents: 5000}}, primaryPaid: 6000}
	c := outcome(t, variant{spec: spec})
	if c.Status != "2" {
		t.Errorf("CLP02 = %s, want 2", c.Status)
	}
	var got []string
	for _, s := range c.Services {
		for _, a := range s.Adjustments {
			for _, r := range a.Reasons {
				got = append(got, fmt.Sprintf("%s %s-%s %d", s.Procedure.Code, a.Group, r.Code, r.Amount))
			}
		}
		got = append(got, fmt.Sprintf("%s paid %d", s.Procedure.Code, s.Paid))
	}
	// The primary's 60 is shared by charge: 45 to 99213, 15 to 80053.
	// M3 has no cost sharing: 99213 allowed 92.50 less 45, 80053
	// allowed 11 less 11 (of 15).
	want := []string{
		"99213 CO-45 5750", "99213 OA-23 4500", "99213 paid 4750",
		"80053 CO-45 3900", "80053 OA-23 1100", "80053 paid 0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secondary claim (-want +got):\n%s", diff)
	}
}
