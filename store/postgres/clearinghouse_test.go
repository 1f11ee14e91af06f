package postgres_test

import (
	"context"
	"testing"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/store/postgres"
	"github.com/claimgate/claimgate/store/storetest"
)

func TestClearinghouse(t *testing.T) {
	storetest.Clearinghouse(t, open)
}

// TestControlNumberRaceTwoPools stands for two server instances: two
// stores, each with its own pool, allocate for one partner in one schema.
func TestControlNumberRaceTwoPools(t *testing.T) {
	d := freshSchema(t)
	storetest.ControlNumberRace(t, openDSN(t, d), openDSN(t, d))
}

// TestInboundClaimRaceTwoPools has two instances' pollers claim one
// folder's files.
func TestInboundClaimRaceTwoPools(t *testing.T) {
	d := freshSchema(t)
	storetest.InboundClaimRace(t, openDSN(t, d), openDSN(t, d))
}

func TestControlNumbersAcrossRestart(t *testing.T) {
	d := freshSchema(t)
	storetest.ControlNumbersAcrossRestart(t, func() claimgate.Store {
		s, err := postgres.Open(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
