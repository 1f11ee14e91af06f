package sqlite_test

import (
	"testing"

	"github.com/claimgate/claimgate/store/storetest"
)

func TestMidCycle(t *testing.T) {
	storetest.MidCycle(t, open)
}
