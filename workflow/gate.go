// Package workflow moves cases through the chain: it evaluates the SOP's
// gates, refuses moves that skip a stage or leave a zone with a failing gate
// item, logs exceptions, and assigns every piece of work to an owner.
package workflow

import (
	"fmt"
	"time"

	"github.com/claimgate/claimgate"
)

// Status is the answer of one gate check.
type Status string

const (
	Pass     Status = "pass"
	Fail     Status = "fail"
	Pending  Status = "pending"  // not yet evaluable: the data that proves it is not captured; blocks like a failure
	Excepted Status = "excepted" // failing or pending, but an open exception lets the case pass
)

// Result is what a check says about a case.
type Result struct {
	Status Status
	Why    string
}

func pass(why string) Result                 { return Result{Pass, why} }
func fail(format string, a ...any) Result    { return Result{Fail, fmt.Sprintf(format, a...)} }
func pending(format string, a ...any) Result { return Result{Pending, fmt.Sprintf(format, a...)} }

// Check is one item of a gate's checklist: code over the case's data.
type Check struct {
	ID   string // stable, e.g. "eligibility"
	Text string // the SOP's wording
	Eval func(f *Facts) Result
}

// Gate is a named checklist a case must pass to leave a zone.
type Gate struct {
	ID     string // "ready_to_bill"
	Title  string // "Ready-to-Bill"
	Leaves claimgate.Zone
	Items  []Check
}

// Item returns the check with the given ID.
func (g *Gate) Item(id string) (Check, bool) {
	for _, c := range g.Items {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Facts is the case's data that gate checks read.
type Facts struct {
	Now        time.Time
	Case       claimgate.Case
	Patient    claimgate.Patient
	Coverages  []claimgate.Coverage
	Payers     map[int64]claimgate.Payer
	Provider   claimgate.Provider
	Location   claimgate.Location
	Org        claimgate.Organization
	Claims     []claimgate.Claim
	Exceptions []claimgate.Exception
	// Mid is the encounter, documentation, charges and coding the
	// Coding-Ready gate reads.
	Mid MidCycle
	// Front is the eligibility checks, authorizations and estimates the
	// Ready-to-Bill gate reads.
	Front FrontEnd
}

// Primary returns the rank-1 coverage, if any: the one in effect on the
// date of service when there is one (an ended coverage may stay on file
// beside its successor), else the first.
func (f *Facts) Primary() (claimgate.Coverage, bool) {
	first := -1
	for i, c := range f.Coverages {
		if c.Rank != 1 {
			continue
		}
		if c.ActiveOn(f.Case.ServiceDate) {
			return c, true
		}
		if first < 0 {
			first = i
		}
	}
	if first >= 0 {
		return f.Coverages[first], true
	}
	return claimgate.Coverage{}, false
}

// ItemReport is one evaluated item, with the exception that covers it.
type ItemReport struct {
	Gate      string
	ID        string
	Text      string
	Result    Result
	Exception *claimgate.Exception
}

// Blocks reports whether the item stops the line.
func (r ItemReport) Blocks() bool { return r.Result.Status == Fail || r.Result.Status == Pending }

// String reads "gate/item: why".
func (r ItemReport) String() string {
	return fmt.Sprintf("%s/%s (%s): %s", r.Gate, r.ID, r.Result.Status, r.Result.Why)
}

// Report is a gate evaluated for one case.
type Report struct {
	Gate  *Gate
	Items []ItemReport
}

// Passed reports whether no item blocks.
func (r Report) Passed() bool { return len(r.Blocking()) == 0 }

// Blocking returns the items that stop the line.
func (r Report) Blocking() []ItemReport {
	var out []ItemReport
	for _, it := range r.Items {
		if it.Blocks() {
			out = append(out, it)
		}
	}
	return out
}

// Evaluate runs every check of g over f. An item that fails or is pending
// but has an exception open at f.Now is Excepted; an expired exception does
// not count.
func Evaluate(g *Gate, f *Facts) Report {
	rep := Report{Gate: g}
	for _, c := range g.Items {
		ir := ItemReport{Gate: g.ID, ID: c.ID, Text: c.Text, Result: c.Eval(f)}
		if ir.Blocks() {
			for i := range f.Exceptions {
				e := f.Exceptions[i]
				if e.Gate == g.ID && e.Item == c.ID && e.OpenAt(f.Now) {
					ir.Exception = &e
					ir.Result = Result{Excepted, fmt.Sprintf("%s — passed by exception #%d until %s: %s", ir.Result.Why, e.ID, e.Expires.UTC().Format("2006-01-02 15:04"), e.Reason)}
					break
				}
			}
		}
		rep.Items = append(rep.Items, ir)
	}
	return rep
}
