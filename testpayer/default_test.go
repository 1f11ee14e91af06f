package testpayer

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestDefaultMix bills every member of the built-in payers for a visit and
// a few services over a year: every answer is valid X12, and the 835s
// carry the mix the demo shows (contractual, patient responsibility,
// denials, interest).
func TestDefaultMix(t *testing.T) {
	cfg := DefaultConfig()
	p, err := New(cfg, Options{Now: func() time.Time { return day("2026-12-01") }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var specs []claimSpec
	for _, pc := range cfg.Payers {
		for i, m := range pc.Members {
			s := claimSpec{id: "D" + m.ID, payer: pc.ID, member: m.ID, last: m.Last, first: m.First, dx: []string{"I10", "M545"},
				lines: []line{{code: "99214", dos: "2026-11-20", cents: 20000}, {code: "93000", dos: "2026-11-20", cents: 6000},
					{code: "93010", dos: "2026-11-20", cents: 3000}, {code: "72148", dos: "2026-11-20", cents: 120000, ptrs: []int{2}},
					{code: "97110", dos: "2026-11-20", cents: 5000, ptrs: []int{2}}}}
			if i%2 == 1 {
				s.lines = append(s.lines, line{code: "36415", dos: "2026-11-20", cents: 1500})
			}
			specs = append(specs, s)
		}
	}
	first, err := p.HandleBatch(ctx, file837(t, "000000999", specs...))
	if err != nil {
		t.Fatal(err)
	}
	paid, err := p.Advance(ctx, day("2027-01-15"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range append(first, paid...) {
		checkValid(t, f.Name, f.Data)
	}
	for _, r := range remits(t, paid) {
		for _, c := range r.Headers[0].Claims {
			for _, s := range c.Services {
				for _, k := range lineCARCs(s) {
					seen[k.group+"-"+k.reason] = true
				}
			}
		}
		for _, pa := range r.ProviderAdjustments {
			for _, it := range pa.Items {
				seen["PLB-"+it.Reason] = true
			}
		}
	}
	for _, want := range []string{"CO-45", "PR-1", "PR-2", "PR-3", "CO-97", "CO-197", "CO-22", "PLB-L6"} {
		if !seen[want] {
			t.Errorf("no %s in the 835s of the default payers; saw %v", want, sortedKeys(seen))
		}
	}
	var rejected []string
	for _, a := range p.Acks() {
		if !a.Accepted {
			rejected = append(rejected, a.ClaimID+" "+a.Status())
		}
	}
	slices.Sort(rejected)
	// AC1000002's coverage ended in June, MC0000002's in 2025: rejected
	// at the front end.
	if !slices.Equal(rejected, []string{"DAC1000002 A3:88:IL", "DMC0000002 A3:88:IL"}) {
		t.Errorf("277CA rejections %v", rejected)
	}
}
