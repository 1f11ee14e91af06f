package testpayer

import (
	"fmt"
	"testing"
)

func TestSmoke(t *testing.T) {
	_, first, paid := run(t, testConfig(), "2026-03-01",
		claimSpec{id: "C1", member: "M1", last: "RIVERA", first: "ANA", dx: []string{"I10"}, lines: []line{{code: "99213", dos: "2026-02-20", cents: 15000}, {code: "93000", dos: "2026-02-20", cents: 5000}}})
	for _, f := range append(first, paid...) {
		fmt.Printf("== %s\n%s\n", f.Name, f.Data)
	}
}
