package main

import (
	"flag"
	"fmt"
	"strconv"

	"github.com/claimgate/claimgate/workflow"
)

// addChargeLagFlag adds --charge-lag-days, whose default comes from
// $CLAIMGATE_CHARGE_LAG_DAYS, else workflow.DefaultChargeLagDays.
func addChargeLagFlag(fs *flag.FlagSet, e *env) *int {
	def := workflow.DefaultChargeLagDays
	if v := e.getenv("CLAIMGATE_CHARGE_LAG_DAYS"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			def = n
		} else {
			def = -1 // refused after parsing, naming the variable
		}
	}
	return fs.Int("charge-lag-days", def, "charge-lag `threshold` in days: encounters whose charges come later go to the charge_lag queue (default from $CLAIMGATE_CHARGE_LAG_DAYS)")
}

// checkChargeLag refuses a threshold below one day.
func checkChargeLag(days int) error {
	if days < 1 {
		return fmt.Errorf("charge-lag-days (or $CLAIMGATE_CHARGE_LAG_DAYS) must be a whole number of days, 1 or more")
	}
	return nil
}
