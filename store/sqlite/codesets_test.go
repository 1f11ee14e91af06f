package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/claimgate/claimgate/codeset"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/store/storetest"
)

func TestCodeSets(t *testing.T) {
	storetest.RunCodeSets(t, func(t *testing.T) codeset.Store {
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
	})
}
