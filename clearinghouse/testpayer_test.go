package clearinghouse_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/testpayer"
	"github.com/claimgate/claimgate/x12/ack"
)

// TestWithTestPayer sends a claim file through the mailbox to the built-in
// test payer and polls its answers: the 999 and the 277CA come back
// addressed to us, pass the mailbox's checks, and the 999 acknowledges the
// group we sent, by our GS06. Then a real-time 270 goes through InProcess.
func TestWithTestPayer(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t, filepath.Join(t.TempDir(), "claimgate.db"))
	root := t.TempDir()
	p, _ := setup(t, s, root)
	m := mailbox(s)
	for range 6 { // so that our GS06 differs from the sample's
		_, err := s.NextControlNumbers(ctx, p.ID, 1)
		must(t, err)
	}
	sent, err := m.Send(ctx, p.ID, clearinghouse.Claim837P, sample(t, "837P", "lfh-demo.example1.837"))
	must(t, err)

	payer, err := testpayer.New(testpayer.DefaultConfig(), testpayer.Options{Now: func() time.Time { return t0 }})
	must(t, err)
	pm := &testpayer.Mailbox{Payer: payer, Root: root, Log: slog.New(slog.DiscardHandler)}
	if _, err := pm.Poll(ctx); err != nil {
		t.Fatal(err)
	}

	var got []clearinghouse.Kind
	var acked []string
	router := clearinghouse.Router{
		clearinghouse.Ack999: func(_ context.Context, in *clearinghouse.Inbound) error {
			got = append(got, in.File.Kind)
			ic, err := ack.Parse(bytes.NewReader(in.Data))
			if err != nil {
				return err
			}
			for _, g := range ic.Groups {
				for _, a := range g.Acks {
					acked = append(acked, a.GroupControl)
				}
			}
			return nil
		},
		clearinghouse.ClaimAck: func(_ context.Context, in *clearinghouse.Inbound) error {
			got = append(got, in.File.Kind)
			return nil
		},
	}
	res, err := m.Poll(ctx, router.Handle)
	must(t, err)
	if res.Done != 2 || res.Quarantined != 0 {
		t.Errorf("Poll = %+v, want the 999 and the 277CA done", res)
	}
	if len(got) != 2 || !strings.Contains(string(got[0])+string(got[1]), "999") || !strings.Contains(string(got[0])+string(got[1]), "277CA") {
		t.Errorf("handled kinds %v, want 999 and 277CA", got)
	}
	if len(acked) != 1 || acked[0] != sent.Control.GS() || sent.Control.GS() != "7" {
		t.Errorf("the 999 acknowledges groups %v, want our GS06 %s", acked, sent.Control.GS())
	}

	rt := payer.RealTime()
	var _ clearinghouse.RealTime = rt
	resp, err := rt.Exchange(ctx, clearinghouse.Eligibility, sample(t, "270", "lfh-subscriber-health-benefit-check.270"))
	must(t, err)
	if !bytes.Contains(resp, []byte("ST*271*")) && !bytes.Contains(resp, []byte("ST*999*")) {
		t.Errorf("real-time answer %.80q..., want a 271 or a 999", resp)
	}
}
