package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/store/storetest"
)

func open(t *testing.T) claimgate.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "claimgate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, open)
}

// TestClaimRaceTwoStores has two stores, each with its own connection, as
// two processes would, claim from one queue in one file. The write lock
// taken at BEGIN (and the busy timeout) keep their claims apart.
func TestClaimRaceTwoStores(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	var stores []claimgate.Store
	for range 2 {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	storetest.ClaimRace(t, stores...)
}

// TestMigrate shows that Migrate applies each migration once and that a
// migrated file opens without applying anything.
func TestMigrate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	got, err := sqlite.Migrate(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0] != 1 {
		t.Errorf("first Migrate applied %v, want from 1 on", got)
	}
	got, err = sqlite.Migrate(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("second Migrate applied %v, want none", got)
	}
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode string
	if err := s.DB().QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	for _, p := range []struct {
		pragma string
		want   int
	}{{"foreign_keys", 1}, {"synchronous", 1}, {"busy_timeout", 10000}} {
		var v int
		if err := s.DB().QueryRowContext(ctx, `PRAGMA `+p.pragma).Scan(&v); err != nil || v != p.want {
			t.Errorf("PRAGMA %s = %d, %v; want %d", p.pragma, v, err, p.want)
		}
	}
}

// TestOpenPathNeedsEscaping opens a file under a directory whose name has
// the characters a file: URI gives meaning to: the database must be created
// at that path, not at a truncated one.
func TestOpenPathNeedsEscaping(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "a?b#c d%20e")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "claim gate.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Open(%q) did not create the file: %v", path, err)
	}
	if _, err := sqlite.Migrate(ctx, path); err != nil {
		t.Errorf("Migrate(%q): %v", path, err)
	}
}
