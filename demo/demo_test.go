package demo_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/demo"
	"github.com/claimgate/claimgate/store/sqlite"
)

var start = time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)

func run(t *testing.T, opt demo.Options) (*demo.Result, claimgate.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if opt.AdminPassword == "" {
		opt.AdminPassword = "test-password"
	}
	if opt.Now.IsZero() {
		opt.Now = start
	}
	r, err := demo.Run(ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r, st
}

// TestSummaryDeterministic runs the demo twice on two fresh databases: the
// same seed prints the same summary, line for line.
func TestSummaryDeterministic(t *testing.T) {
	a, _ := run(t, demo.Options{Patients: 24, Seed: 1})
	b, _ := run(t, demo.Options{Patients: 24, Seed: 1})
	if a.Summary() != b.Summary() {
		t.Errorf("summaries differ:\n%s\n---\n%s", a.Summary(), b.Summary())
	}
	t.Logf("summary:\n%s", a.Summary())
	for _, label := range []string{"cases: 24\n", "claims submitted: ", "first-pass acceptance: ", "claims paid: ", "claims denied: ", "billed: $", "paid: $",
		"scrub: not built yet", "posting: not built yet"} {
		if !strings.Contains(a.Summary(), label) {
			t.Errorf("summary lacks %q", label)
		}
	}
}

// TestEveryClaimAnswered: every submitted claim is matched to an 835 claim
// or was rejected by the 999 or 277CA; its stored status says which, and
// its case stands where that sends it. Dollars balance: nothing is paid
// above its charge.
func TestEveryClaimAnswered(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		r, st := run(t, demo.Options{Patients: 36, Seed: seed})
		checkAnswered(t, seed, r, st)
	}
}

// TestThroughMailbox runs the claims through the clearinghouse mailbox
// folders instead of handing them to the payer: every claim is answered
// the same way, the summary differs only in how the batch went, and every
// inbound file was handled (archived, none quarantined).
func TestThroughMailbox(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		direct, _ := run(t, demo.Options{Patients: 36, Seed: seed})
		root := filepath.Join(t.TempDir(), "mailbox")
		r, st := run(t, demo.Options{Patients: 36, Seed: seed, Mailbox: root})
		checkAnswered(t, seed, r, st)
		const via = "submission: one 837P batch through the clearinghouse mailbox"
		want := strings.Replace(direct.Summary(), "submission: one 837P batch handed to the test payer directly, not through the mailbox", via, 1)
		if got := r.Summary(); got != want {
			t.Errorf("seed %d: summary through the mailbox:\n%s\nwant (as direct):\n%s", seed, got, want)
		}
		archived, _ := filepath.Glob(filepath.Join(root, "archive", "*"))
		quarantined, _ := filepath.Glob(filepath.Join(root, "quarantine", "*"))
		inbound, _ := filepath.Glob(filepath.Join(root, "inbound", "*.x12"))
		if len(archived) < 3 || len(quarantined) != 0 || len(inbound) != 0 {
			t.Errorf("seed %d: mailbox archive %d, quarantine %d, inbound left %d; want 999, 277CA and 835s archived", seed, len(archived), len(quarantined), len(inbound))
		}
	}
}

func checkAnswered(t *testing.T, seed uint64, r *demo.Result, st claimgate.Store) {
	t.Helper()
	ctx := context.Background()
	{
		if len(r.Claims) == 0 {
			t.Fatalf("seed %d: no claims submitted", seed)
		}
		var billed, paid claimgate.Money
		matched, rejected := 0, 0
		for _, cr := range r.Claims {
			billed += cr.Claim.TotalCharge
			paid += cr.Paid
			stored, err := st.Claims(ctx, cr.Claim.CaseID)
			if err != nil || len(stored) != 1 {
				t.Fatalf("case %d claims = %v, %v", cr.Claim.CaseID, stored, err)
			}
			c, err := st.Case(ctx, cr.Claim.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			s := stored[0].Status
			switch {
			case cr.Matched:
				matched++
				if s != claimgate.ClaimPaid && s != claimgate.ClaimPartiallyPaid && s != claimgate.ClaimDenied {
					t.Errorf("claim %s matched to an 835 has status %s", cr.PCN, s)
				}
				if stored[0].PayerClaimID == "" {
					t.Errorf("claim %s: no payer claim number stored", cr.PCN)
				}
				if c.Stage != claimgate.Posting {
					t.Errorf("claim %s paid: case at %s, want posting", cr.PCN, c.Stage)
				}
				if cr.Paid < 0 || cr.Paid+cr.Patient > cr.Claim.TotalCharge {
					t.Errorf("claim %s: paid %s + patient %s over charge %s", cr.PCN, cr.Paid, cr.Patient, cr.Claim.TotalCharge)
				}
				if s == claimgate.ClaimDenied && cr.Paid != 0 {
					t.Errorf("claim %s denied but paid %s", cr.PCN, cr.Paid)
				}
			case s == claimgate.ClaimRejectedPayer || s == claimgate.ClaimRejectedCH:
				rejected++
				if c.Stage != claimgate.ClaimBuild && c.Stage != claimgate.Registration {
					t.Errorf("claim %s rejected (%s): case at %s, want claim_build or registration", cr.PCN, cr.Ack, c.Stage)
				}
			default:
				t.Errorf("claim %s (%s) neither matched to an 835 nor rejected", cr.PCN, s)
			}
			if s != cr.Claim.Status {
				t.Errorf("claim %s stored %s, result says %s", cr.PCN, s, cr.Claim.Status)
			}
		}
		if matched+rejected != len(r.Claims) {
			t.Errorf("seed %d: %d matched + %d rejected of %d", seed, matched, rejected, len(r.Claims))
		}
		if matched == 0 || paid <= 0 || paid > billed {
			t.Errorf("seed %d: %d matched, paid %s of billed %s", seed, matched, paid, billed)
		}
		if !strings.Contains(r.Summary(), "billed: $"+billed.String()+"\n") || !strings.Contains(r.Summary(), "paid: $"+paid.String()+"\n") {
			t.Errorf("seed %d: summary does not carry billed %s and paid %s:\n%s", seed, billed, paid, r.Summary())
		}
	}
}
