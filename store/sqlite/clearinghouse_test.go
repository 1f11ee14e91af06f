package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/store/storetest"
)

func TestClearinghouse(t *testing.T) {
	storetest.Clearinghouse(t, open)
}

// twoStores opens one file twice, each store with its own connection, as
// two processes would.
func twoStores(t *testing.T) []claimgate.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shared.db")
	var stores []claimgate.Store
	for range 2 {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	return stores
}

func TestControlNumberRaceTwoStores(t *testing.T) {
	storetest.ControlNumberRace(t, twoStores(t)...)
}

func TestInboundClaimRaceTwoStores(t *testing.T) {
	storetest.InboundClaimRace(t, twoStores(t)...)
}

func TestControlNumbersAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "restart.db")
	storetest.ControlNumbersAcrossRestart(t, func() claimgate.Store {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
