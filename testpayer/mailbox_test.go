package testpayer

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/x12"
)

func listKinds(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range entries {
		parts := strings.Split(e.Name(), "_")
		if len(parts) != 4 || parts[0] != "TESTCH" {
			t.Errorf("answer named %q, want TESTCH_<kind>_<ISA13>_<time>.x12", e.Name())
			continue
		}
		kinds = append(kinds, parts[1])
	}
	slices.Sort(kinds)
	return kinds
}

func TestMailbox(t *testing.T) {
	root := t.TempDir()
	if err := clearinghouse.MakeFolders(root); err != nil {
		t.Fatal(err)
	}
	now := day("2026-03-01")
	p, err := New(testConfig(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	m := &Mailbox{Payer: p, Root: root, Log: slog.New(slog.DiscardHandler)}
	out := filepath.Join(root, clearinghouse.OutboundDir)
	claimFile := file837(t, "000000901", claimSpec{id: "MB1", member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{{code: "99213", dos: "2026-02-20", cents: 15000}}})
	for name, data := range map[string][]byte{
		"cg_837P_000000901_20260301T000000Z.x12": claimFile,
		".cg_837P_000000902.x12.tmp":             claimFile, // still being written
		"cg_837P_000000903_20260301T000000Z.x12": []byte("not x12"),
	} {
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := m.Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := (PollResult{Read: 2, Refused: 1, Written: 2}); res != want {
		t.Errorf("first poll %+v, want %+v", res, want)
	}
	in := filepath.Join(root, clearinghouse.InboundDir)
	if diff := cmp.Diff([]string{"277CA", "999"}, listKinds(t, in)); diff != "" {
		t.Errorf("inbound after the first poll (-want +got):\n%s", diff)
	}
	left, _ := os.ReadDir(out)
	if len(left) != 1 || !strings.HasPrefix(left[0].Name(), ".") {
		t.Errorf("outbound keeps %v, want only the file being written", left)
	}
	if _, err := os.Stat(filepath.Join(root, PickedDir, "cg_837P_000000903_20260301T000000Z.x12.reason")); err != nil {
		t.Errorf("refused file has no reason: %v", err)
	}

	// A restarted payer (new state, same mailbox) replays its journal:
	// it still owes the claim's payment and goes on numbering.
	now = now.AddDate(0, 0, 14)
	p2, err := New(testConfig(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	m = &Mailbox{Payer: p2, Root: root, Log: slog.New(slog.DiscardHandler)}
	if res, err = m.Poll(context.Background()); err != nil || res.Written != 1 {
		t.Fatalf("restarted payer's poll after days-to-pay: %+v, %v", res, err)
	}
	if matches, _ := filepath.Glob(filepath.Join(in, "TESTCH_835_000000003_*.x12")); len(matches) != 1 {
		t.Errorf("835 files with ISA13 3: %v, want one", matches)
	}
	if diff := cmp.Diff([]string{"277CA", "835", "999"}, listKinds(t, in)); diff != "" {
		t.Errorf("inbound after payment (-want +got):\n%s", diff)
	}
	// Every answer is addressed back from the 837's receiver to its sender.
	entries, _ := os.ReadDir(in)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(in, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, e.Name(), data)
		seg, err := x12.NewReader(bytes.NewReader(data)).Next()
		if err != nil {
			t.Fatal(err)
		}
		if from, to := strings.TrimSpace(seg.ElementString(6)), strings.TrimSpace(seg.ElementString(8)); from != "TESTCH" || to != "CLAIMGATE" {
			t.Errorf("%s: from %s to %s, want TESTCH to CLAIMGATE", e.Name(), from, to)
		}
	}
}

func TestRealTime(t *testing.T) {
	p := newPayer(t, testConfig(), day("2026-03-02"))
	rt := p.RealTime()
	resp, err := rt.Exchange(context.Background(), clearinghouse.Eligibility, file270(t, "ACME1", billingNPI, "2026-03-01", subscriber("M4", "PATEL", "RAJ")))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(resp, []byte("ST*271*")) {
		t.Errorf("real-time 270 answered with %q", resp)
	}
	if _, err := p.Serve(context.Background(), clearinghouse.Claim837P, nil); err == nil {
		t.Error("Serve(837P) = nil error")
	}
}
