package postgres_test

import (
	"testing"

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
