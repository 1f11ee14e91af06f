package workflow_test

import (
	"context"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
)

// TestConcurrentLogException has several managers log the same exception
// at once, on each database: exactly one is logged, the others are a
// Conflict, however their checks in Go interleave.
func TestConcurrentLogException(t *testing.T) {
	for _, db := range testDBs(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFrontOn(t, db)
			c := f.patient(t, "AC1000003", "OKAFOR", "JAMES", claimgate.Date{Year: 1962, Month: 7, Day: 21})
			const n = 8
			errs := make(chan error, n)
			start := make(chan struct{})
			for range n {
				go func() {
					<-start
					_, err := f.wf.LogException(ctx, &f.mgr, workflow.ExceptionInput{CaseID: c.ID, Gate: "ready_to_bill", Item: "eligibility",
						Reason: "busy day", OwnerID: f.desk.ID, Expires: f.now.Add(24 * time.Hour)})
					errs <- err
				}()
			}
			close(start)
			wins := 0
			for range n {
				switch err := <-errs; {
				case err == nil:
					wins++
				case claimgate.ErrorKind(err) != claimgate.Conflict:
					t.Errorf("LogException: %v (kind %v), want success or Conflict", err, claimgate.ErrorKind(err))
				}
			}
			if wins != 1 {
				t.Errorf("%d of %d concurrent LogException calls succeeded, want 1", wins, n)
			}
			list, err := f.st.Exceptions(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 {
				t.Errorf("Exceptions = %d, want 1", len(list))
			}
		})
	}
}
