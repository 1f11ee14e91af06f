package sqlite_test

import (
	"context"
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
