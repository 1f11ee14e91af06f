package clearinghouse_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/store/sqlstore"
	"github.com/claimgate/claimgate/workflow"
)

// The child poller of TestRestart reads its database and mailbox from these.
const (
	restartSQLite   = "CLAIMGATE_RESTART_SQLITE"
	restartPostgres = "CLAIMGATE_RESTART_POSTGRES"
	restartRoot     = "CLAIMGATE_RESTART_ROOT"
)

// TestRestart kills a polling connector with SIGKILL at random moments,
// several times, restarts it until the inbound folder is empty, and then
// checks that no file was lost or handled twice: every good file is archived
// and recorded done once, with one done event and one 999, and the handler's
// effect (an idempotent insert keyed by the file) exists once per file; every
// bad one is quarantined with its reason and exactly one work item. The
// handler may have been called again only for a file it was handling when a
// kill came, so the extra calls are at most the number of kills.
func TestRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	for _, be := range []struct {
		name string
		open func(t *testing.T) (*sqlstore.Store, string)
	}{
		{"sqlite", func(t *testing.T) (*sqlstore.Store, string) {
			path := filepath.Join(t.TempDir(), "restart.db")
			return openSQLite(t, path), restartSQLite + "=" + path
		}},
		{"postgres", func(t *testing.T) (*sqlstore.Store, string) {
			d := freshSchema(t)
			return openPostgres(t, d), restartPostgres + "=" + d
		}},
	} {
		t.Run(be.name, func(t *testing.T) {
			s, dbEnv := be.open(t)
			testRestart(t, s, dbEnv)
		})
	}
}

func testRestart(t *testing.T, s *sqlstore.Store, dbEnv string) {
	ctx := context.Background()
	root := t.TempDir()
	p, _ := setup(t, s, root)
	for _, q := range []string{
		`CREATE TABLE restart_effects (inbound_id BIGINT PRIMARY KEY, name TEXT NOT NULL)`,
		`CREATE TABLE restart_calls (inbound_id BIGINT NOT NULL)`,
	} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// n files, of which every eighth is not X12 and goes to quarantine.
	const n, bad = 40, 5
	src := sample(t, "835", "lfh-managed-care.835")
	for i := range n {
		data := fromPartner(t, p, 500+i, src)
		if i%8 == 7 {
			data = []byte(fmt.Sprintf("not X12 %d", i))
		}
		drop(t, root, fmt.Sprintf("era%02d.835", i), data)
	}

	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	child := func() (*exec.Cmd, *bufio.Scanner) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRestartChild$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), dbEnv, restartRoot+"="+root)
		out, err := cmd.StdoutPipe()
		must(t, err)
		cmd.Stderr = os.Stderr
		must(t, cmd.Start())
		sc := bufio.NewScanner(out)
		for sc.Scan() && sc.Text() != "polling" {
		}
		return cmd, sc
	}
	kills := 0
	for round := range 6 {
		cmd, _ := child()
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill: %v", err)
		}
		err := cmd.Wait()
		ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			kills++
			continue
		}
		if err != nil {
			t.Fatalf("round %d: child failed: %v", round, err)
		}
		break // it finished before the kill
	}
	t.Logf("%d kills", kills)
	cmd, sc := child()
	done := make(chan error, 1)
	go func() {
		for sc.Scan() {
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("last child: %v", err)
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("last child did not finish")
	}

	if got := names(t, root, clearinghouse.InboundDir); len(got) != 0 {
		t.Errorf("inbound still holds %v", got)
	}
	if got := names(t, root, clearinghouse.ArchiveDir); len(got) != n-bad {
		t.Errorf("archive holds %d files, want %d: %v", len(got), n-bad, got)
	}
	if got := names(t, root, clearinghouse.QuarantineDir); len(got) != 2*bad {
		t.Errorf("quarantine holds %v, want %d files and their reasons", got, bad)
	}
	files, err := s.InboundFiles(ctx, clearinghouse.InboundFilter{PartnerID: p.ID})
	must(t, err)
	if len(files) != n {
		t.Errorf("%d inbound rows, want %d", len(files), n)
	}
	for _, f := range files {
		want := clearinghouse.Done
		if f.Size < 20 {
			want = clearinghouse.Quarantined
		}
		if f.Status != want {
			t.Errorf("inbound file %s is %s, want %s", f.Name, f.Status, want)
		}
	}
	if got := countEvents(t, s, clearinghouse.EventFileDone); got != n-bad {
		t.Errorf("%d done events, want %d", got, n-bad)
	}
	// One work item per quarantined file, though a kill may have come
	// between the quarantine and the move.
	if got := countEvents(t, s, clearinghouse.EventFileQuarantined); got != bad {
		t.Errorf("%d quarantine events, want %d", got, bad)
	}
	work, err := s.WorkItems(ctx, claimgate.WorkFilter{Queue: clearinghouse.Queue})
	must(t, err)
	if len(work) != bad {
		t.Errorf("%d work items, want %d", len(work), bad)
	}
	var effects, calls, distinct int
	must(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM restart_effects`).Scan(&effects))
	must(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT inbound_id) FROM restart_calls`).Scan(&calls, &distinct))
	if good := n - bad; effects != good || distinct != good {
		t.Errorf("handler effects for %d files, calls for %d, want %d", effects, distinct, good)
	}
	if calls-(n-bad) > kills {
		t.Errorf("handler called %d times for %d files with %d kills: more repeats than kills", calls, n-bad, kills)
	}
	t.Logf("%d handler calls for %d files", calls, n-bad)
	checkAcks(t, s, p, root, n-bad)
}

// TestRestartChild is the poller TestRestart kills; it runs only when
// started by it.
func TestRestartChild(t *testing.T) {
	root := os.Getenv(restartRoot)
	if root == "" {
		t.Skip("started by TestRestart only")
	}
	ctx := context.Background()
	var s *sqlstore.Store
	if path := os.Getenv(restartSQLite); path != "" {
		s = openSQLite(t, path)
	} else {
		s = openPostgres(t, os.Getenv(restartPostgres))
	}
	m := clearinghouse.New(s, workflow.New(s), nil)
	m.Lease = 600 * time.Millisecond // a dead poller's files come back soon
	m.MaxAttempts = 1000
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	handle := func(ctx context.Context, in *clearinghouse.Inbound) error {
		if err := exec1(ctx, s.DB(), `INSERT INTO restart_calls (inbound_id) VALUES ($1)`, in.File.ID); err != nil {
			return err
		}
		time.Sleep(time.Duration(5+rng.IntN(30)) * time.Millisecond)
		return exec1(ctx, s.DB(), `INSERT INTO restart_effects (inbound_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			in.File.ID, in.File.Name)
	}
	fmt.Println("polling")
	for {
		if _, err := m.Poll(ctx, handle); err != nil {
			t.Fatal(err)
		}
		es, err := os.ReadDir(filepath.Join(root, clearinghouse.InboundDir))
		must(t, err)
		left := 0
		for _, e := range es {
			if !strings.HasPrefix(e.Name(), ".") {
				left++
			}
		}
		if left == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func exec1(ctx context.Context, db *sql.DB, q string, args ...any) error {
	_, err := db.ExecContext(ctx, q, args...)
	return err
}
