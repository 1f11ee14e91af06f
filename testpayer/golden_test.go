package testpayer

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden keeps every file the payer writes for a small, varied batch:
// a paid visit, each denial kind, a 277CA rejection and a replacement, with
// a line break after each segment for people. A change to any answer shows
// in review; -update rewrites the file.
func TestGolden(t *testing.T) {
	cfg := testConfig()
	cfg.Payers[0].UnderpaymentRate, cfg.Payers[0].CorrectionDays = 100, 10
	cfg.Payers[0].PromptPayDays, cfg.Payers[0].InterestRate = 10, 1200
	p := newPayer(t, cfg, day("2026-03-01"))
	ctx := context.Background()
	m4 := func(id string, lines ...line) claimSpec {
		return claimSpec{id: id, member: "M4", last: "PATEL", first: "RAJ", dx: []string{"I10", "M545"}, lines: lines}
	}
	var out bytes.Buffer
	emit := func(files []File) {
		for _, f := range files {
			checkValid(t, f.Name, f.Data)
			out.WriteString("== " + f.Name + "\n")
			out.Write(bytes.ReplaceAll(f.Data, []byte("~"), []byte("~\n")))
		}
	}
	send := func(ctl string, specs ...claimSpec) {
		files, err := p.HandleBatch(ctx, file837(t, ctl, specs...))
		if err != nil {
			t.Fatal(err)
		}
		emit(files)
	}
	send("000000011",
		ana("G1", line{code: "99213", dos: "2026-02-20", cents: 15000}, line{code: "80053", dos: "2026-02-20", cents: 4000}, line{code: "36415", dos: "2026-02-20", cents: 1000}),
		m4("G2", line{code: "93000", dos: "2026-02-21", cents: 5000}, line{code: "93010", dos: "2026-02-21", cents: 2000}, line{code: "72148", dos: "2026-02-21", cents: 90000, ptrs: []int{2}}),
		m4("G3", line{code: "99213", dos: "2025-10-01", cents: 15000}),
		claimSpec{id: "G4", member: "M3", last: "OKAFOR", first: "JAMES", dx: []string{"J069"}, lines: []line{{code: "99213", dos: "2026-02-22", cents: 15000}}},
		claimSpec{id: "G5", member: "NOPE", last: "DOE", dx: []string{"J069"}, lines: []line{{code: "99213", dos: "2026-02-22", cents: 15000}}},
		m4("G6", line{code: "99213", dos: "2026-02-23", cents: 15000}, line{code: "99499", dos: "2026-02-23", cents: 8000}),
	)
	p.now = func() time.Time { return day("2026-03-05") }
	send("000000012", m4("G6", line{code: "99213", dos: "2026-02-23", cents: 15000}, line{code: "99499", dos: "2026-02-23", cents: 8000}))
	paid, err := p.Advance(ctx, day("2026-03-19"))
	if err != nil {
		t.Fatal(err)
	}
	emit(paid)
	var g6 string
	for _, d := range p.Decisions() {
		if d.ClaimID == "G6" && d.Status == "1" {
			g6 = d.PayerClaimID
		}
	}
	repl := m4("G6A", line{code: "99213", dos: "2026-02-23", cents: 12000})
	repl.freq, repl.f8 = "7", g6
	p.now = func() time.Time { return day("2026-03-20") }
	send("000000013", repl)
	paid, err = p.Advance(ctx, day("2026-04-30"))
	if err != nil {
		t.Fatal(err)
	}
	emit(paid)

	path := filepath.Join("testdata", "batch.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("output differs from %s; run with -update and review the diff", path)
	}
}
