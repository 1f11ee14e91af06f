package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claimgate/claimgate/internal/testshared"
)

// runCmd runs claimgate with args and stdin and returns the exit status and
// what it printed.
func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// TestPartnerAndMailbox adds a trading partner, sends a claim to its
// mailbox and polls what it left for us: two public 835 samples, whose
// envelopes name the partner as sender (30:000000005) and us as receiver
// (30:12345), one of which the 835 reader refuses (BPR16 20002316 is no
// date), and a file that is not X12.
func TestPartnerAndMailbox(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "claimgate.db")
	mb := filepath.Join(dir, "mailbox")
	add := []string{"partner", "add", "--db", db, "--id", "LFH", "--isa-sender", "30:12345", "--isa-receiver", "30:000000005",
		"--gs-sender", "54321", "--gs-receiver", "000000005", "--payers", "TP001", "--usage", "T", "--ack", "835", "--mailbox", mb,
		"--first-control", "41"}
	steps := []struct {
		name     string
		stdin    string
		args     []string
		code     int
		out, err string // substrings; out's words, in order, in one line
	}{
		{"partner without args", "", []string{"partner"}, 2, "", "Usage:"},
		{"add without a mailbox", "", []string{"partner", "add", "--db", db, "--id", "X", "--isa-sender", "A", "--isa-receiver", "B"}, 2, "", "Usage:"},
		{"add invalid", "", []string{"partner", "add", "--db", db, "--id", "A_B", "--isa-sender", "ZZZ:ME", "--isa-receiver", "THEM",
			"--usage", "Q", "--mailbox", mb}, 1, "", "usage (ISA15): T (test) or P (production)"},
		{"add unknown ack kind", "", append(append([]string{}, add...), "--ack", "555"), 1, "", `unknown X12 kind "555"`},
		{"add", "", add, 0, "added trading partner LFH", ""},
		{"add again", "", add, 1, "", "already exists"},
		{"list", "", []string{"partner", "list", "--db", db}, 0, "LFH LFH T 30:12345 30:000000005 54321>000000005 TP001 835 " + mb, ""},
		{"biller", "password123\n", []string{"user", "add", "--db", db, "--username", "bea", "--roles", "biller", "--password-stdin"}, 0, "added user bea", ""},
		{"send", "", []string{"mailbox", "send", "--db", db, "--partner", "LFH", "--kind", "837P",
			testshared.Path(t, "testdata", "x12", "837P", "lfh-demo.example1.837")}, 0, "sent LFH_837P_000000041_", ""},
		{"send the wrong kind", "", []string{"mailbox", "send", "--db", db, "--partner", "LFH", "--kind", "270",
			testshared.Path(t, "testdata", "x12", "837P", "lfh-demo.example1.837")}, 1, "", "transaction set 837, want 270"},
		{"poll", "", []string{"mailbox", "poll", "--once", "--db", db}, 0, "done 1, quarantined 2, duplicates 0", ""},
		{"poll again", "", []string{"mailbox", "poll", "--once", "--db", db}, 0, "done 0, quarantined 0, duplicates 0", ""},
		// Going live.
		{"set nothing", "", []string{"partner", "set", "--db", db, "--id", "LFH"}, 2, "", "Usage:"},
		{"set unknown", "", []string{"partner", "set", "--db", db, "--id", "NOPE", "--usage", "P"}, 1, "", "not found"},
		{"set invalid", "", []string{"partner", "set", "--db", db, "--id", "LFH", "--usage", "Q"}, 1, "", "usage (ISA15)"},
		{"set", "", []string{"partner", "set", "--db", db, "--id", "LFH", "--usage", "p"}, 0, "changed trading partner LFH (LFH), usage P", ""},
		{"list live", "", []string{"partner", "list", "--db", db}, 0, "LFH LFH P 30:12345 30:000000005 54321>000000005 TP001 835 " + mb, ""},
		{"send live", "", []string{"mailbox", "send", "--db", db, "--partner", "LFH", "--kind", "837P",
			testshared.Path(t, "testdata", "x12", "837P", "lfh-demo.example1.837")}, 0, "sent LFH_837P_000000044_", ""},
	}
	for _, st := range steps {
		if st.name == "poll" {
			for name, sample := range map[string]string{"era.835": "lfh-cob-contractural-adjustment.835", "bad-date.835": "lfh-managed-care.835"} {
				era, err := os.ReadFile(testshared.Path(t, "testdata", "x12", "835", sample))
				mustDo(t, err)
				mustDo(t, os.WriteFile(filepath.Join(mb, "inbound", name), era, 0o600))
			}
			mustDo(t, os.WriteFile(filepath.Join(mb, "inbound", "note.txt"), []byte("call me"), 0o600))
		}
		code, out, errs := runCmd(t, st.stdin, st.args...)
		words := strings.Join(strings.Fields(out), " ")
		if code != st.code || !strings.Contains(words, st.out) || !strings.Contains(errs, st.err) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, %q and %q", st.name, code, out, errs, st.code, st.out, st.err)
		}
	}
	for _, f := range []struct {
		glob string
		n    int
	}{{"archive/era.835", 1}, {"quarantine/note.txt", 1}, {"quarantine/note.txt.reason", 1}, {"quarantine/bad-date.835", 1},
		{"outbound/LFH_837P_000000041_*", 1}, {"outbound/LFH_999_00000004[23]_*", 2}, {"outbound/LFH_837P_000000044_*", 1}} {
		matches, _ := filepath.Glob(filepath.Join(mb, f.glob))
		if len(matches) != f.n {
			t.Errorf("mailbox has %v for %s, want %d", matches, f.glob, f.n)
		}
	}
	if live, _ := filepath.Glob(filepath.Join(mb, "outbound", "LFH_837P_000000044_*")); len(live) == 1 {
		data, err := os.ReadFile(live[0])
		if err != nil || !strings.Contains(string(data), "*000000044*0*P*") {
			t.Errorf("the file sent after going live is not marked production (ISA15 P): %.120q, %v", data, err)
		}
	}
	reason, err := os.ReadFile(filepath.Join(mb, "quarantine", "bad-date.835.reason"))
	if err != nil || !strings.Contains(string(reason), `segment 4 (BPR): element 16: date "20002316"`) {
		t.Errorf("bad-date.835.reason = %q, %v; want the BPR16 date named", reason, err)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
