package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/store/sqlite"
)

const crashEnv = "CLAIMGATE_CRASH_DB"

// TestCrash kills a process that is moving cases, with SIGKILL at a random
// moment, several times over, and then checks that the database opens
// cleanly and that every case is where its events say: the stage is the To
// of its last case.moved event (or its initial stage), its version counts
// its moves, and it has exactly one open item in its stage's queue (none
// when closed). A move half-written by the crash would break one of these.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	u := claimgate.User{Username: "mover", Active: true}
	must(t, s.CreateUser(ctx, &u))
	p := claimgate.Patient{MRN: "C1"}
	must(t, s.CreatePatient(ctx, &p))
	const nCases = 12
	initial := map[int64]claimgate.Stage{}
	for i := range nCases {
		st := claimgate.Stages[i%len(claimgate.Stages)]
		c := claimgate.Case{PatientID: p.ID, Stage: st}
		var first *claimgate.WorkItem
		if st != claimgate.Closed {
			first = &claimgate.WorkItem{Queue: st.Queue(), OwnerID: u.ID}
		}
		must(t, s.CreateCase(ctx, &c, first, u.ID))
		initial[c.ID] = st
	}
	must(t, s.Close())

	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	for round := range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+path, fmt.Sprintf("CLAIMGATE_CRASH_SEED=%d", seed+int64(round)))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		for sc.Scan() && sc.Text() != "moving" {
		}
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill: %v", err)
		}
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child did not die by SIGKILL: %v", round, err)
		}
	}

	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open after crashes: %v", err)
	}
	defer s.Close()
	var check string
	if err := s.DB().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	rows, err := s.DB().QueryContext(ctx, `PRAGMA foreign_key_check`)
	must(t, err)
	if rows.Next() {
		t.Errorf("foreign_key_check found violations")
	}
	rows.Close()

	moves := 0
	for id, st := range initial {
		c, err := s.Case(ctx, id)
		must(t, err)
		evs, err := s.Events(ctx, id)
		must(t, err)
		want, n := st, 0
		for _, e := range evs {
			if e.Kind == claimgate.EventCaseMoved {
				if e.From != want {
					t.Errorf("case %d: move event from %s, but the case was at %s", id, e.From, want)
				}
				want = e.To
				n++
			}
		}
		moves += n
		if c.Stage != want {
			t.Errorf("case %d is at %s; its events say %s", id, c.Stage, want)
		}
		if c.Version != int64(1+n) {
			t.Errorf("case %d has version %d after %d moves", id, c.Version, n)
		}
		open, err := s.WorkItems(ctx, claimgate.WorkFilter{CaseID: id, Status: claimgate.WorkOpen})
		must(t, err)
		wantOpen := 1
		if c.Stage == claimgate.Closed {
			wantOpen = 0
		}
		if len(open) != wantOpen || (wantOpen == 1 && open[0].Queue != c.Stage.Queue()) {
			t.Errorf("case %d at %s has open items %+v, want %d in its queue", id, c.Stage, open, wantOpen)
		}
	}
	t.Logf("%d moves survived 5 crashes", moves)
	if moves == 0 {
		t.Fatal("no move was committed before the crashes: the test proved nothing")
	}
}

// TestCrashHelper is the child process of TestCrash: it moves random cases
// along the chain until it is killed.
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("child process of TestCrash")
	}
	var seed int64
	fmt.Sscan(os.Getenv("CLAIMGATE_CRASH_SEED"), &seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := s.Cases(ctx, claimgate.CaseFilter{})
	if err != nil || len(cases) == 0 {
		t.Fatalf("cases: %v, %v", cases, err)
	}
	users, err := s.Users(ctx)
	if err != nil || len(users) == 0 {
		t.Fatalf("users: %v", err)
	}
	fmt.Println("moving")
	deadline := time.Now().Add(30 * time.Second) // never outlive a dead parent for long
	for time.Now().Before(deadline) {
		c, err := s.Case(ctx, cases[rng.IntN(len(cases))].ID)
		if err != nil {
			t.Fatal(err)
		}
		next := claimgate.NextStages(c.Stage)
		to := next[rng.IntN(len(next))]
		kind, err := claimgate.MoveKindOf(c.Stage, to)
		if err != nil {
			t.Fatal(err)
		}
		m := claimgate.CaseMove{CaseID: c.ID, From: c.Stage, To: to, Kind: kind, Actor: users[0].ID, Reason: "crash test"}
		if to != claimgate.Closed {
			m.Next = claimgate.WorkItem{Queue: to.Queue(), OwnerID: users[0].ID, Reason: "crash test"}
		}
		if _, err := s.MoveCase(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("not killed within 30s")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
