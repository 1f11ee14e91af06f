package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoSummaryTwice runs `claimgate demo --no-serve --seed 1` twice on
// the same database file: it is recreated, and the summary (every line but
// the timed header and the random password) is the same both times.
func TestDemoSummaryTwice(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	var summaries []string
	for range 2 {
		e, out, errb := testEnv("")
		if code := run(context.Background(), e, []string{"demo", "--no-serve", "--seed", "1", "--db", db}); code != 0 {
			t.Fatalf("demo = %d, stderr %q", code, errb)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) < 3 || !strings.HasPrefix(lines[len(lines)-1], "log in as admin") {
			t.Fatalf("demo output:\n%s", out)
		}
		summaries = append(summaries, strings.Join(lines[1:len(lines)-1], "\n"))
	}
	if summaries[0] != summaries[1] {
		t.Errorf("summaries differ:\n%s\n---\n%s", summaries[0], summaries[1])
	}
	for _, label := range []string{"cases: 24", "claims submitted: ", "first-pass acceptance: ", "claims paid: ", "billed: $", "paid: $",
		"submission: one 837P batch through the clearinghouse mailbox"} {
		if !strings.Contains(summaries[0], label) {
			t.Errorf("summary lacks %q:\n%s", label, summaries[0])
		}
	}
}
