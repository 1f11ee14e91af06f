package testpayer

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/ack"
	"github.com/claimgate/claimgate/x12/remit"
	"github.com/claimgate/claimgate/x12/status"
)

func ana(id string, lines ...line) claimSpec {
	return claimSpec{id: id, member: "M1", last: "RIVERA", first: "ANA", dx: []string{"J069"}, lines: lines}
}

// TestPatientResponsibility follows M1 (copay 25, deductible 100,
// coinsurance 20%) through two claims: the first meets the deductible, the
// second pays with coinsurance.
func TestPatientResponsibility(t *testing.T) {
	p, _, paid := run(t, testConfig(), "2026-03-01",
		ana("P1", line{code: "99213", dos: "2026-02-20", cents: 15000}),
		ana("P2", line{code: "99213", dos: "2026-02-21", cents: 15000}, line{code: "80053", dos: "2026-02-21", cents: 4000}))
	got := map[string][][]remit.Adjustment{}
	for _, r := range remits(t, paid) {
		for _, c := range r.Headers[0].Claims {
			for _, s := range c.Services {
				got[c.ID] = append(got[c.ID], s.Adjustments)
			}
		}
	}
	want := map[string][][]remit.Adjustment{
		// 99213 allowed 92.50: copay 25, then 67.50 of the deductible.
		"P1": {{{Group: "CO", Reasons: []remit.Reason{{Code: "45", Amount: 5750}}}, {Group: "PR", Reasons: []remit.Reason{{Code: "3", Amount: 2500}, {Code: "1", Amount: 6750}}}}},
		// 99213: copay 25, the deductible's last 32.50, 20% of 35 = 7.
		// 80053 allowed 11: 20% = 2.20.
		"P2": {
			{{Group: "CO", Reasons: []remit.Reason{{Code: "45", Amount: 5750}}}, {Group: "PR", Reasons: []remit.Reason{{Code: "3", Amount: 2500}, {Code: "1", Amount: 3250}, {Code: "2", Amount: 700}}}},
			{{Group: "CO", Reasons: []remit.Reason{{Code: "45", Amount: 2900}}}, {Group: "PR", Reasons: []remit.Reason{{Code: "2", Amount: 220}}}},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("adjustments (-want +got):\n%s", diff)
	}
	m, _ := p.Member("ACME1", "M1")
	if m.DeductibleRemaining != 0 || m.OOPRemaining != 300000-2500-6750-2500-3250-700-220 {
		t.Errorf("M1 after two claims: deductible remaining %d, OOP remaining %d", m.DeductibleRemaining, m.OOPRemaining)
	}
}

// TestBalance checks the arithmetic of every 835 itself, beside the
// validator's rules: BPR02 = ΣCLP04 − ΣPLB, CLP03 − CLP04 = Σ CAS, and
// SVC02 − SVC03 = Σ CAS for each line.
func TestBalance(t *testing.T) {
	cfg := testConfig()
	cfg.Payers[0].UnderpaymentRate = 50
	cfg.Payers[0].PromptPayDays, cfg.Payers[0].InterestRate = 7, 1200
	var specs []claimSpec
	for i, code := range []string{"99213", "93000", "72148", "80053", "36415", "99499"} {
		specs = append(specs, ana("X"+code, line{code: code, dos: "2026-02-2" + string(rune('0'+i)), cents: 12345}, line{code: "36415", dos: "2026-02-2" + string(rune('0'+i)), cents: 999}))
	}
	_, _, paid := run(t, cfg, "2026-03-01", specs...)
	rs := remits(t, paid)
	if len(rs) == 0 {
		t.Fatal("no 835")
	}
	for _, r := range rs {
		var clp, plb int64
		for _, h := range r.Headers {
			for _, c := range h.Claims {
				clp += c.Paid
				adj := remit.AdjustmentTotal(c.Adjustments, "")
				for _, s := range c.Services {
					la := remit.AdjustmentTotal(s.Adjustments, "")
					if s.Charge-s.Paid != la {
						t.Errorf("claim %s line %s: charge %d − paid %d ≠ adjustments %d", c.ID, s.Procedure.Code, s.Charge, s.Paid, la)
					}
					adj += la
				}
				if c.Charge-c.Paid != adj {
					t.Errorf("claim %s: charge %d − paid %d ≠ adjustments %d", c.ID, c.Charge, c.Paid, adj)
				}
			}
		}
		for _, pa := range r.ProviderAdjustments {
			for _, it := range pa.Items {
				plb += it.Amount
			}
		}
		if r.Payment.Amount != clp-plb {
			t.Errorf("BPR02 %d ≠ ΣCLP04 %d − ΣPLB %d", r.Payment.Amount, clp, plb)
		}
		if plb == 0 {
			t.Errorf("no interest: want PLB L6 with days-to-pay 14 past prompt pay 7")
		}
	}
}

func TestUnderpayment(t *testing.T) {
	for _, rate := range []int{0, 100} {
		cfg := testConfig()
		cfg.Payers[0].UnderpaymentRate = rate
		_, _, paid := run(t, cfg, "2026-03-01", claimSpec{id: "U", member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{{code: "99213", dos: "2026-02-20", cents: 15000}}})
		s := remits(t, paid)[0].Headers[0].Claims[0].Services[0]
		want := int64(9250) // the fee schedule
		if rate == 100 {
			want = 9250 - 925
		}
		if s.Allowed == nil || *s.Allowed != want {
			t.Errorf("underpayment rate %d: allowed %v, want %d", rate, s.Allowed, want)
		}
	}
}

// TestReversal sends a claim, then its replacement, then a void of the
// replacement, each in a later payment cycle: the replacement's 835 holds a
// reversal (CLP02 22) and the new claim; the void's 835 pays nothing and
// forwards the balance (PLB FB), which the next payment recovers (PLB WO).
func TestReversal(t *testing.T) {
	p := newPayer(t, testConfig(), day("2026-03-01"))
	ctx := context.Background()
	now := day("2026-03-01")
	p.now = func() time.Time { return now }
	send := func(ctl string, s claimSpec) {
		t.Helper()
		if _, err := p.HandleBatch(ctx, file837(t, ctl, s)); err != nil {
			t.Fatal(err)
		}
	}
	pay := func() *remit.Remittance {
		t.Helper()
		now = now.AddDate(0, 0, 20)
		files, err := p.Advance(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			checkValid(t, f.Name, f.Data)
		}
		rs := remits(t, files)
		if len(rs) != 1 {
			t.Fatalf("%d 835s, want 1", len(rs))
		}
		return rs[0]
	}
	m4 := func(id string, cents int64) claimSpec {
		return claimSpec{id: id, member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{{code: "99213", dos: "2026-02-20", cents: cents}}}
	}
	send("000000201", m4("R1", 15000))
	r1 := pay()
	orig := r1.Headers[0].Claims[0]

	repl := m4("R1A", 8000)
	repl.freq, repl.f8 = "7", orig.PayerControlNumber
	now = now.AddDate(0, 0, 1)
	send("000000202", repl)
	r2 := pay()
	var got []string
	for _, c := range r2.Headers[0].Claims {
		got = append(got, c.ID+"/"+c.Status+"/"+x12.FormatAmount(c.Paid))
	}
	// 99213 allowed 92.50, coinsurance 20%: 74 paid; the replacement at
	// 80 charged: 80 allowed, 64 paid.
	if diff := cmp.Diff([]string{"R1/22/-74", "R1A/1/64"}, got); diff != "" {
		t.Errorf("replacement 835 claims (-want +got):\n%s", diff)
	}
	// R1A pays 10 less than R1 did: nothing is paid and 10 is forwarded.
	checkPayment(t, "replacement", r2, 0, "FB/-10")

	void := m4("R1B", 8000)
	void.freq, void.f8 = "8", r2.Headers[0].Claims[1].PayerControlNumber
	now = now.AddDate(0, 0, 1)
	send("000000203", void)
	r3 := pay()
	checkPayment(t, "void", r3, 0, "FB/-64")

	now = now.AddDate(0, 0, 1)
	send("000000204", m4("R2", 15000))
	r4 := pay()
	// R2 pays 74, all of it kept to recover the 10 + 64 forwarded.
	checkPayment(t, "recovery", r4, 0, "WO/74")
	now = now.AddDate(0, 0, 1)
	r3c := m4("R3", 10000)
	r3c.lines[0].dos = "2026-04-20" // inside the filing limit
	send("000000205", r3c)
	// 99213 charged 100: allowed 92.50, paid 74, nothing left to recover.
	checkPayment(t, "after recovery", pay(), 7400)
}

func checkPayment(t *testing.T, name string, r *remit.Remittance, bpr int64, plb ...string) {
	t.Helper()
	if r.Payment.Amount != bpr {
		t.Errorf("%s: BPR02 = %d, want %d", name, r.Payment.Amount, bpr)
	}
	var got []string
	for _, pa := range r.ProviderAdjustments {
		for _, it := range pa.Items {
			got = append(got, it.Reason+"/"+x12.FormatAmount(it.Amount))
		}
	}
	if !cmp.Equal(got, plb, cmpopts.EquateEmpty()) {
		t.Errorf("%s: PLB %v, want %v", name, got, plb)
	}
}

func plbReasons(r *remit.Remittance) []string {
	var out []string
	for _, pa := range r.ProviderAdjustments {
		for _, it := range pa.Items {
			out = append(out, it.Reason)
		}
	}
	return out
}

// TestDeterministic runs the same files through two payers with the same
// seed: every output byte matches.
func TestDeterministic(t *testing.T) {
	cfg := testConfig()
	cfg.Payers[0].UnderpaymentRate = 50
	var specs []claimSpec
	for i := range 8 {
		specs = append(specs, ana("S"+string(rune('A'+i)), line{code: "99213", dos: "2026-02-1" + string(rune('0'+i)), cents: 15000}, line{code: "80053", dos: "2026-02-1" + string(rune('0'+i)), cents: 4000}))
	}
	output := func(seed uint64) []File {
		c := *cfg
		c.Seed = seed
		_, first, paid := run(t, &c, "2026-03-01", specs...)
		return append(first, paid...)
	}
	a, b := output(3), output(3)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same input and seed, different output (-first +second):\n%s", diff)
	}
	var underpaid int
	for _, f := range a {
		// 99213 allowed 92.50 less 10%, or 80053 allowed 11 less 10%.
		underpaid += bytes.Count(f.Data, []byte("AMT*B6*83.25~")) + bytes.Count(f.Data, []byte("AMT*B6*9.9~"))
	}
	if underpaid == 0 || underpaid == len(specs) {
		t.Errorf("%d of %d claims underpaid at a 50%% rate with seed 3; want some, not all", underpaid, len(specs))
	}
}

// stcFor returns STC01 of the 277CA status of claim id.
func stcFor(t *testing.T, files []File, id string) string {
	t.Helper()
	for _, f := range files {
		if f.Kind != "277CA" {
			continue
		}
		r := x12.NewReader(bytes.NewReader(f.Data))
		found := false
		for {
			s, err := r.Next()
			if err != nil {
				break
			}
			if s.ID == "TRN" && s.ElementString(1) == "2" && s.ElementString(2) == id {
				found = true
			}
			if found && s.ID == "STC" {
				return s.ElementString(1)
			}
		}
	}
	return ""
}

func Test277CA(t *testing.T) {
	visit := line{code: "99213", dos: "2026-02-20", cents: 15000}
	tests := []struct {
		name string
		spec claimSpec
		want string
	}{
		{"accepted", claimSpec{id: "K1", member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{visit}}, "A2:20"},
		{"unknown member", claimSpec{id: "K2", member: "NOPE", last: "PATEL", dx: []string{"J069"}, lines: []line{visit}}, "A3:33:IL"},
		{"inactive coverage", claimSpec{id: "K3", member: "M3", last: "OKAFOR", dx: []string{"J069"}, lines: []line{{code: "99213", dos: "2025-12-20", cents: 15000}}}, "A3:88:IL"},
		{"billing NPI not on file", claimSpec{id: "K4", npi: otherNPI, member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{visit}}, "A7:562:85"},
		{"unknown payer", claimSpec{id: "K5", payer: "ZZZ99", member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{visit}}, "A3:21:PR"},
		{"out of balance", claimSpec{id: "K7", member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{visit}, total: 16000}, "A7:400"},
		{"replacement of nothing", claimSpec{id: "K6", freq: "7", f8: "ACME19999", member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{visit}}, "A3:35:PR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, first, paid := run(t, testConfig(), "2026-03-01", tt.spec)
			if got := stcFor(t, first, tt.spec.id); got != tt.want {
				t.Errorf("277CA STC01 = %q, want %q", got, tt.want)
			}
			// What the practice reads back with our 277CA model.
			for _, f := range first {
				if f.Kind != "277CA" {
					continue
				}
				ts, err := status.Read(bytes.NewReader(f.Data))
				if err != nil {
					t.Fatalf("status.Read(277CA): %v", err)
				}
				c := ts[0].Sources[0].Receivers[0].Providers[0].Members[0].Claims[0]
				if rejected, _ := c.Rejected(); rejected != (tt.want != "A2:20") {
					t.Errorf("277CA read back: rejected %v for status %s", rejected, tt.want)
				}
			}
			n := len(remits(t, paid))
			if accepted := tt.want == "A2:20"; accepted != (n == 1) {
				t.Errorf("%d 835s for a claim whose 277CA says %s", n, tt.want)
			}
			if acks := p.Acks(); len(acks) != 1 || acks[0].Why == "" {
				t.Errorf("Acks() = %+v, want one with a reason", acks)
			}
		})
	}
}

// Test999 sends a structurally broken 837 and a file that is not X12.
func Test999(t *testing.T) {
	good := file837(t, "000000301", ana("G1", line{code: "99213", dos: "2026-02-20", cents: 15000}))
	// Drop the billing provider's name segment: a required loop trigger.
	broken := []byte(strings.Replace(string(good), "NM1*85*2*RIVERBEND FAMILY MEDICINE*****XX*1234567893~", "", 1))
	if bytes.Equal(broken, good) {
		t.Fatal("the test file did not break")
	}
	// The SE count is now wrong too; fix it so only the structure is bad.
	p := newPayer(t, testConfig(), day("2026-03-01"))
	files, err := p.HandleBatch(context.Background(), broken)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Kind != "999" {
		t.Fatalf("answers to a broken 837: %v, want one 999", kinds(files))
	}
	checkValid(t, files[0].Name, files[0].Data)
	ic, err := ack.Parse(bytes.NewReader(files[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if st := ic.Groups[0].Acks[0].Sets[0].Status; st != "R" {
		t.Errorf("IK501 = %s, want R", st)
	}
	if p.Pending() != 0 {
		t.Errorf("a rejected 837 left %d claims to pay", p.Pending())
	}
	if _, err := p.HandleBatch(context.Background(), []byte("hello")); err == nil {
		t.Error("HandleBatch(not X12) = nil error")
	}
}

func kinds(fs []File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Kind)
	}
	return out
}

// TestCorrection: with correction_days set, the payer reverses a claim it
// underpaid and pays it again at the fee schedule; paying daily or once at
// the end writes the same files.
func TestCorrection(t *testing.T) {
	cfg := testConfig()
	cfg.Payers[0].UnderpaymentRate, cfg.Payers[0].CorrectionDays = 100, 10
	spec := claimSpec{id: "C1", member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{{code: "99213", dos: "2026-02-20", cents: 15000}}}
	pay := func(daily bool) []File {
		p := newPayer(t, cfg, day("2026-03-01"))
		ctx := context.Background()
		if _, err := p.HandleBatch(ctx, file837(t, "000000951", spec)); err != nil {
			t.Fatal(err)
		}
		var files []File
		for d := day("2026-03-02"); !d.After(day("2026-04-30")); d = d.AddDate(0, 0, 1) {
			if !daily && d.Before(day("2026-04-30")) {
				continue
			}
			fs, err := p.Advance(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, fs...)
		}
		return files
	}
	daily, once := pay(true), pay(false)
	if diff := cmp.Diff(daily, once); diff != "" {
		t.Errorf("paying daily and once differ (-daily +once):\n%s", diff)
	}
	var got []string
	for _, f := range daily {
		checkValid(t, f.Name, f.Data)
	}
	for _, r := range remits(t, daily) {
		var claims []string
		for _, c := range r.Headers[0].Claims {
			claims = append(claims, c.Status+"/"+x12.FormatAmount(c.Paid))
		}
		got = append(got, x12.FormatDate(r.Payment.Date)+" "+strings.Join(claims, " ")+" = "+x12.FormatAmount(r.Payment.Amount))
	}
	// Allowed 92.50 less 10%, coinsurance 18.50 on the full allowed: 64.75
	// paid; ten days later reversed and paid 74.
	want := []string{"20260315 1/64.75 = 64.75", "20260325 22/-64.75 1/74 = 9.25"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("835s (-want +got):\n%s", diff)
	}
}
