// Package storetest is the behavioural suite every claimgate.Store must pass.
// store/sqlite and store/postgres run it against real databases.
package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/claimgate/claimgate"
)

// Faulter is a Store that can fail on purpose inside its transactions (see
// sqlstore.Store.SetFault). The atomicity tests need it, and fail without
// it: f is called with "move:stage-updated", "move:work-updated" and
// "move:event-written" inside MoveCase, and "create-case:case-written"
// inside CreateCase, and the change must roll back when f returns an error.
type Faulter interface {
	SetFault(f func(point string) error)
}

// Run runs the suite. open must return a new, empty, migrated store for
// every call; it owns closing it (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) claimgate.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s claimgate.Store)
	}{
		{"Reference", testReference},
		{"ReferenceErrors", testReferenceErrors},
		{"Users", testUsers},
		{"UserErrors", testUserErrors},
		{"Sessions", testSessions},
		{"SessionExpiry", testSessionExpiry},
		{"Audit", testAudit},
		{"TimeRoundTrip", testTimeRoundTrip},
		{"CreateCase", testCreateCase},
		{"CreateCaseErrors", testCreateCaseErrors},
		{"Cases", testCases},
		{"MoveCase", testMoveCase},
		{"MoveCaseErrors", testMoveCaseErrors},
		{"MoveVersion", testMoveVersion},
		{"ReassignCarriesException", testReassignCarriesException},
		{"ConcurrentMoves", testConcurrentMoves},
		{"Claims", testClaims},
		{"Exceptions", testExceptions},
		{"ExceptionErrors", testExceptionErrors},
		{"ConcurrentExceptions", testConcurrentExceptions},
		{"WorkItems", testWorkItems},
		{"WorkItemErrors", testWorkItemErrors},
		{"WorkItemOrder", testWorkItemOrder},
		{"WorkItemFilters", testWorkItemFilters},
		{"Queues", testQueues},
		{"ClaimWorkItem", testClaimWorkItem},
		{"ClaimRace", func(t *testing.T, s claimgate.Store) { ClaimRace(t, s) }},
		{"MoveAtomic", testMoveAtomic},
		{"CreateCaseAtomic", testCreateCaseAtomic},
		{"CodeSets", testCodeSets},
		{"CodeSetsLoad", testCodeSetsLoad},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// t0 is a fixed instant with a fractional second, off UTC, so that
// round trips prove zone and precision handling.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.FixedZone("EST", -5*3600))

// fixture is a small practice: one organization, location, provider, payer,
// patient with coverage, and three users.
type fixture struct {
	org      claimgate.Organization
	loc      claimgate.Location
	prov     claimgate.Provider
	payer    claimgate.Payer
	patient  claimgate.Patient
	coverage claimgate.Coverage
	alice    claimgate.User // front desk, biller
	bob      claimgate.User // coder
	carol    claimgate.User // manager
}

func seed(t *testing.T, s claimgate.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{}
	f.org = claimgate.Organization{Name: "Synthetic Family Practice", NPI: "1234567893", TaxID: "123456789",
		Taxonomy: "207Q00000X", Address: claimgate.Address{Line1: "1 Main St", City: "Springfield", State: "IL", Zip: "62701"}}
	must(t, s.CreateOrganization(ctx, &f.org))
	f.loc = claimgate.Location{OrgID: f.org.ID, Name: "Main clinic", PlaceOfService: "11",
		Address: claimgate.Address{Line1: "1 Main St", Line2: "Suite 2", City: "Springfield", State: "IL", Zip: "62701"}}
	must(t, s.CreateLocation(ctx, &f.loc))
	f.prov = claimgate.Provider{OrgID: f.org.ID, First: "Ada", Last: "Test", NPI: "1245319599", Taxonomy: "207Q00000X"}
	must(t, s.CreateProvider(ctx, &f.prov))
	f.payer = claimgate.Payer{Name: "Test Payer", PayerID: "TP001", PlanTypes: []string{"CI", "HM"},
		TimelyFilingDays: 90, AppealWindowDays: 180, RequiresEligCheck: true}
	must(t, s.CreatePayer(ctx, &f.payer))
	f.patient = claimgate.Patient{MRN: "MRN0001", First: "Pat", Last: "Synthetic",
		BirthDate: claimgate.Date{Year: 1980, Month: 2, Day: 29}, Sex: claimgate.Female, Phone: "555-0100",
		Address: claimgate.Address{Line1: "2 Elm St", City: "Springfield", State: "IL", Zip: "62702"}}
	must(t, s.CreatePatient(ctx, &f.patient))
	f.coverage = claimgate.Coverage{PatientID: f.patient.ID, PayerID: f.payer.ID, Rank: 1, PlanType: "CI",
		MemberID: "M123", GroupNumber: "G9", SubscriberFirst: "Pat", SubscriberLast: "Synthetic",
		SubscriberBirthDate: f.patient.BirthDate, Relationship: claimgate.Self,
		EffectiveFrom: claimgate.Date{Year: 2025, Month: 1, Day: 1}}
	must(t, s.CreateCoverage(ctx, &f.coverage))
	f.alice = claimgate.User{Username: "alice", Name: "Alice", PasswordHash: []byte("hash-a"),
		Roles: []claimgate.Role{claimgate.FrontDesk, claimgate.Biller}, Active: true}
	must(t, s.CreateUser(ctx, &f.alice))
	f.bob = claimgate.User{Username: "bob", Name: "Bob", PasswordHash: []byte("hash-b"),
		Roles: []claimgate.Role{claimgate.Coder}, Active: true}
	must(t, s.CreateUser(ctx, &f.bob))
	f.carol = claimgate.User{Username: "carol", Name: "Carol", PasswordHash: []byte("hash-c"),
		Roles: []claimgate.Role{claimgate.Manager}, Active: true}
	must(t, s.CreateUser(ctx, &f.carol))
	return f
}

// newCase creates a case at stage with a first item in the stage's queue
// owned by owner.
func (f *fixture) newCase(t *testing.T, s claimgate.Store, stage claimgate.Stage, owner int64) (claimgate.Case, claimgate.WorkItem) {
	t.Helper()
	c := claimgate.Case{PatientID: f.patient.ID, LocationID: f.loc.ID, ProviderID: f.prov.ID,
		ServiceDate: claimgate.Date{Year: 2026, Month: 3, Day: 2}, Stage: stage, CreatedAt: t0}
	w := claimgate.WorkItem{Queue: stage.Queue(), Reason: "new case", OwnerID: owner, Priority: 1, Due: t0.Add(24 * time.Hour)}
	must(t, s.CreateCase(context.Background(), &c, &w, owner))
	return c, w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantKind fails unless err has kind k and a message that is not a raw
// driver error.
func wantKind(t *testing.T, what string, err error, k claimgate.Kind) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: err = nil, want %v", what, k)
		return
	}
	if got := claimgate.ErrorKind(err); got != k {
		t.Errorf("%s: kind = %v (%v), want %v", what, got, err, k)
	}
	var ce *claimgate.Error
	if k != claimgate.Internal && (!errors.As(err, &ce) || ce.Msg == "") {
		t.Errorf("%s: %v has no user message", what, err)
	}
	if m := claimgate.ErrorMessage(err); containsAny(m, "SQL", "sql", "constraint", "INSERT", "UPDATE", "SELECT", "Synthetic", "MRN0001") {
		t.Errorf("%s: message %q leaks SQL or patient data", what, m)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// ignoreEvent compares events without their ID and JSON data.
var ignoreEvent = cmpopts.IgnoreFields(claimgate.Event{}, "ID", "Data")

func diff(t *testing.T, what string, got, want any, opts ...cmp.Option) {
	t.Helper()
	if d := cmp.Diff(want, got, opts...); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

func events(t *testing.T, s claimgate.Store, caseID int64) []claimgate.Event {
	t.Helper()
	ev, err := s.Events(context.Background(), caseID)
	must(t, err)
	return ev
}

func items(t *testing.T, s claimgate.Store, f claimgate.WorkFilter) []claimgate.WorkItem {
	t.Helper()
	w, err := s.WorkItems(context.Background(), f)
	must(t, err)
	return w
}

func ids(ws []claimgate.WorkItem) []int64 {
	var out []int64
	for _, w := range ws {
		out = append(out, w.ID)
	}
	return out
}
