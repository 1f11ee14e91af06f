package seed_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/internal/seed"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/testpayer"
	"github.com/claimgate/claimgate/workflow"
)

// TestSeedFrontEndAgainstTestPayer seeds the demo practice with the test
// payer as its real-time clearinghouse: some cases cross Ready-to-Bill from
// data, the planted failure modes (eligibility skipped, member unknown,
// authorization never requested) are caught and cross only by exception,
// and every planted defect leaves owned work.
func TestSeedFrontEndAgainstTestPayer(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "seed.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC)
	wf := &workflow.Service{Store: st, Now: func() time.Time { return now }}
	tp, err := testpayer.New(testpayer.DefaultConfig(), testpayer.Options{Now: wf.Now})
	if err != nil {
		t.Fatal(err)
	}
	wf.RealTime = tp.RealTime()
	p, err := seed.Seed(ctx, st, wf, seed.Options{Patients: 40, Seed: 1, AdminPassword: "test-password", Now: now, TestPayer: tp})
	if err != nil {
		t.Fatal(err)
	}
	fr := p.Front
	if fr.Checked == 0 || fr.Skipped == 0 || fr.Rejected == 0 || fr.Estimates == 0 || fr.AuthRequested == 0 || fr.AuthUnrequested == 0 {
		t.Errorf("front-end summary %+v: want checks, skips, rejections, estimates, 278s and unrequested authorizations", fr)
	}
	if fr.PassedFromData == 0 || fr.PassedByException == 0 {
		t.Errorf("front-end summary %+v: want cases past Ready-to-Bill both from data and by exception", fr)
	}
	var active, dependentActive, fromData, registrationWork int
	for _, c := range p.Cases {
		f, err := wf.Facts(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		el := f.Eligibility()
		if el.Result.Status == workflow.Pass {
			active++
			if cov, _ := f.Primary(); cov.Relationship != claimgate.Self {
				dependentActive++
			}
		}
		if c.Stage.Zone() != claimgate.FrontEnd && len(f.Exceptions) == 0 {
			fromData++
			if rep := workflow.Evaluate(workflow.ReadyToBill, f); !rep.Passed() {
				t.Errorf("case %d crossed without exceptions but Ready-to-Bill fails: %v", c.ID, rep.Blocking())
			}
		}
		ws, err := st.WorkItems(ctx, claimgate.WorkFilter{CaseID: c.ID, Queue: "registration", Status: claimgate.WorkOpen})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			if w.OwnerID != 0 && strings.HasPrefix(w.Reason, "eligibility rejected, AAA 75") {
				registrationWork++
			}
		}
	}
	if active == 0 || dependentActive == 0 {
		t.Errorf("%d case(s) verified active, %d of them dependents; want both", active, dependentActive)
	}
	if fromData != fr.PassedFromData {
		t.Errorf("%d case(s) crossed from data, summary says %d", fromData, fr.PassedFromData)
	}
	if registrationWork != fr.Rejected {
		t.Errorf("%d owned registration item(s) for AAA 75, want one per rejection (%d)", registrationWork, fr.Rejected)
	}
}
