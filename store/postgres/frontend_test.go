package postgres_test

import (
	"testing"

	"github.com/claimgate/claimgate/store/storetest"
)

func TestFrontEnd(t *testing.T) {
	storetest.FrontEnd(t, open)
}
