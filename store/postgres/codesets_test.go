package postgres_test

import (
	"testing"

	"github.com/claimgate/claimgate/codeset"
	"github.com/claimgate/claimgate/store/storetest"
)

func TestCodeSets(t *testing.T) {
	storetest.RunCodeSets(t, func(t *testing.T) codeset.Store {
		return openDSN(t, freshSchema(t))
	})
}
