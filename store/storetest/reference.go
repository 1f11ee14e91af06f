package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/claimgate/claimgate"
)

func testReference(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	for _, id := range []int64{f.org.ID, f.loc.ID, f.prov.ID, f.payer.ID, f.patient.ID, f.coverage.ID} {
		if id == 0 {
			t.Fatalf("a create left an ID zero: %+v", f)
		}
	}
	org, err := s.Organization(ctx, f.org.ID)
	must(t, err)
	diff(t, "Organization", org, f.org)
	loc, err := s.Location(ctx, f.loc.ID)
	must(t, err)
	diff(t, "Location", loc, f.loc)
	prov, err := s.Provider(ctx, f.prov.ID)
	must(t, err)
	diff(t, "Provider", prov, f.prov)
	payer, err := s.Payer(ctx, f.payer.ID)
	must(t, err)
	diff(t, "Payer", payer, f.payer)
	pat, err := s.Patient(ctx, f.patient.ID)
	must(t, err)
	diff(t, "Patient", pat, f.patient)

	// A second payer without plan types or eligibility checks; Payers lists
	// both, by name.
	p2 := claimgate.Payer{Name: "Another Payer", PayerID: "AP002"}
	must(t, s.CreatePayer(ctx, &p2))
	payers, err := s.Payers(ctx)
	must(t, err)
	diff(t, "Payers", payers, []claimgate.Payer{p2, f.payer}, cmpopts.EquateEmpty())

	// Coverages come back by rank, whatever the insert order; a date-less
	// coverage keeps its zero dates.
	sec := claimgate.Coverage{PatientID: f.patient.ID, PayerID: p2.ID, Rank: 2, PlanType: "MB", MemberID: "X1",
		Relationship: claimgate.Spouse, EffectiveFrom: claimgate.Date{Year: 2024, Month: 12, Day: 31},
		EffectiveTo: claimgate.Date{Year: 2026, Month: 12, Day: 31}}
	must(t, s.CreateCoverage(ctx, &sec))
	ter := claimgate.Coverage{PatientID: f.patient.ID, PayerID: p2.ID, Rank: 3}
	must(t, s.CreateCoverage(ctx, &ter))
	covs, err := s.Coverages(ctx, f.patient.ID)
	must(t, err)
	diff(t, "Coverages", covs, []claimgate.Coverage{f.coverage, sec, ter})
	none, err := s.Coverages(ctx, f.patient.ID+1000)
	must(t, err)
	if len(none) != 0 {
		t.Errorf("Coverages(unknown patient) = %v, want none", none)
	}
}

func testReferenceErrors(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	const missing = 999999
	tests := []struct {
		name string
		err  error
		kind claimgate.Kind
	}{
		{"Organization(unknown)", get(s.Organization(ctx, missing)), claimgate.NotFound},
		{"Location(unknown)", get(s.Location(ctx, missing)), claimgate.NotFound},
		{"Provider(unknown)", get(s.Provider(ctx, missing)), claimgate.NotFound},
		{"Payer(unknown)", get(s.Payer(ctx, missing)), claimgate.NotFound},
		{"Patient(unknown)", get(s.Patient(ctx, missing)), claimgate.NotFound},
		{"CreateLocation(unknown org)", s.CreateLocation(ctx, &claimgate.Location{OrgID: missing, Name: "x"}), claimgate.Invalid},
		{"CreateLocation(no org)", s.CreateLocation(ctx, &claimgate.Location{Name: "x"}), claimgate.Invalid},
		{"CreateProvider(unknown org)", s.CreateProvider(ctx, &claimgate.Provider{OrgID: missing}), claimgate.Invalid},
		{"CreateCoverage(unknown patient)", s.CreateCoverage(ctx, &claimgate.Coverage{PatientID: missing, PayerID: f.payer.ID, Rank: 1}), claimgate.Invalid},
		{"CreateCoverage(unknown payer)", s.CreateCoverage(ctx, &claimgate.Coverage{PatientID: f.patient.ID, PayerID: missing, Rank: 1}), claimgate.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { wantKind(t, tc.name, tc.err, tc.kind) })
	}
	// Nothing half-written by the failures.
	covs, err := s.Coverages(ctx, f.patient.ID)
	must(t, err)
	if len(covs) != 1 {
		t.Errorf("after failed creates, patient has %d coverages, want 1", len(covs))
	}
}

// get drops the value of a read, keeping its error.
func get[T any](_ T, err error) error { return err }

func testUsers(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	if f.alice.CreatedAt.IsZero() {
		t.Errorf("CreateUser left CreatedAt zero")
	}
	got, err := s.User(ctx, f.alice.ID)
	must(t, err)
	diff(t, "User", got, f.alice)
	got, err = s.UserByUsername(ctx, "bob")
	must(t, err)
	diff(t, "UserByUsername", got, f.bob)

	// An inactive coder and a user with no roles at all.
	dave := claimgate.User{Username: "dave", Roles: []claimgate.Role{claimgate.Coder}, Active: false, CreatedAt: t0}
	must(t, s.CreateUser(ctx, &dave))
	if !dave.CreatedAt.Equal(t0.Truncate(time.Microsecond)) {
		t.Errorf("CreateUser changed a given CreatedAt: %v, want %v", dave.CreatedAt, t0)
	}
	erin := claimgate.User{Username: "erin", Active: true}
	must(t, s.CreateUser(ctx, &erin))
	all, err := s.Users(ctx)
	must(t, err)
	diff(t, "Users", all, []claimgate.User{f.alice, f.bob, f.carol, dave, erin}, cmpopts.EquateEmpty())

	tests := []struct {
		role claimgate.Role
		want []claimgate.User
	}{
		{claimgate.Coder, []claimgate.User{f.bob}}, // not dave: inactive
		{claimgate.FrontDesk, []claimgate.User{f.alice}},
		{claimgate.Biller, []claimgate.User{f.alice}},
		{claimgate.Manager, []claimgate.User{f.carol}},
		{claimgate.Clinician, nil},
	}
	for _, tc := range tests {
		got, err := s.UsersWithRole(ctx, tc.role)
		must(t, err)
		diff(t, "UsersWithRole("+string(tc.role)+")", got, tc.want, cmpopts.EquateEmpty())
	}
}

func testUserErrors(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	tests := []struct {
		name string
		err  error
		kind claimgate.Kind
	}{
		{"CreateUser(duplicate username)", s.CreateUser(ctx, &claimgate.User{Username: f.alice.Username, Active: true}), claimgate.Conflict},
		{"CreateUser(unknown role)", s.CreateUser(ctx, &claimgate.User{Username: "zed", Roles: []claimgate.Role{"janitor"}}), claimgate.Invalid},
		{"User(unknown)", get(s.User(ctx, 999999)), claimgate.NotFound},
		{"UserByUsername(unknown)", get(s.UserByUsername(ctx, "nobody")), claimgate.NotFound},
	}
	for _, tc := range tests {
		wantKind(t, tc.name, tc.err, tc.kind)
	}
	all, err := s.Users(ctx)
	must(t, err)
	if len(all) != 3 {
		t.Errorf("after failed creates there are %d users, want 3", len(all))
	}
}

func testSessions(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	tok := bytes.Repeat([]byte{0xab}, 32)
	sess := claimgate.Session{TokenHash: tok, UserID: f.alice.ID, CSRFToken: "csrf", CreatedAt: t0, Expires: t0.Add(time.Hour)}
	must(t, s.CreateSession(ctx, sess))
	wantKind(t, "CreateSession(duplicate token)", s.CreateSession(ctx, sess), claimgate.Conflict)
	wantKind(t, "CreateSession(unknown user)", s.CreateSession(ctx,
		claimgate.Session{TokenHash: []byte("other"), UserID: 999999, Expires: t0.Add(time.Hour)}), claimgate.Invalid)

	tests := []struct {
		name string
		now  time.Time
		ok   bool
	}{
		{"at creation", t0, true},
		{"a microsecond before expiry", t0.Add(time.Hour - time.Microsecond), true},
		{"at expiry", t0.Add(time.Hour), false},
		{"a day later", t0.Add(24 * time.Hour), false},
	}
	for _, tc := range tests {
		got, err := s.Session(ctx, tok, tc.now)
		if !tc.ok {
			wantKind(t, "Session "+tc.name, err, claimgate.NotFound)
			continue
		}
		if err != nil {
			t.Errorf("Session %s: %v", tc.name, err)
			continue
		}
		diff(t, "Session "+tc.name, got, sess)
	}
	wantKind(t, "Session(unknown token)", get(s.Session(ctx, []byte("nope"), t0)), claimgate.NotFound)
	must(t, s.DeleteSession(ctx, tok))
	wantKind(t, "Session after delete", get(s.Session(ctx, tok, t0)), claimgate.NotFound)
	wantKind(t, "DeleteSession twice", s.DeleteSession(ctx, tok), claimgate.NotFound)
}

func testAudit(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	entries := []claimgate.AuditEntry{
		{At: t0, UserID: f.alice.ID, Action: "read", Object: "patient/1", RemoteAddr: "192.0.2.1"},
		{At: t0.Add(2 * time.Second), UserID: f.bob.ID, Action: "move", Object: "case/1", RemoteAddr: "192.0.2.2"},
		{At: t0.Add(time.Second), Action: "login", Object: "user/nobody", RemoteAddr: "192.0.2.3"}, // no user: a failed login
	}
	for _, e := range entries {
		must(t, s.AppendAudit(ctx, e))
	}
	wantKind(t, "AppendAudit(unknown user)", s.AppendAudit(ctx, claimgate.AuditEntry{At: t0, UserID: 999999, Action: "read"}), claimgate.Invalid)
	opt := cmpopts.IgnoreFields(claimgate.AuditEntry{}, "ID")
	tests := []struct {
		limit int
		want  []claimgate.AuditEntry
	}{
		{0, []claimgate.AuditEntry{entries[1], entries[2], entries[0]}},
		{2, []claimgate.AuditEntry{entries[1], entries[2]}},
		{1, []claimgate.AuditEntry{entries[1]}},
	}
	for _, tc := range tests {
		got, err := s.AuditLog(ctx, tc.limit)
		must(t, err)
		diff(t, "AuditLog", got, tc.want, opt)
		for _, e := range got {
			if e.ID == 0 {
				t.Errorf("AuditLog entry without ID: %+v", e)
			}
		}
	}
}

// testTimeRoundTrip shows that timestamps come back exactly, to the
// microsecond, whatever zone they were written in, and that dates come back
// as dates.
func testTimeRoundTrip(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	times := []time.Time{
		time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), // nanoseconds are dropped
		time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("X", 13*3600+45*60)),
		time.Date(2038, 1, 19, 3, 14, 8, 1000, time.FixedZone("Y", -9*3600)),
		time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
		time.Now(),
	}
	for _, tm := range times {
		want := tm.Truncate(time.Microsecond)
		w := claimgate.WorkItem{Queue: "time", OwnerID: f.alice.ID, Due: tm, CreatedAt: tm}
		must(t, s.CreateWorkItem(ctx, &w, f.alice.ID))
		got, err := s.WorkItem(ctx, w.ID)
		must(t, err)
		if !got.Due.Equal(want) || !got.CreatedAt.Equal(want) {
			t.Errorf("WorkItem with time %v: Due %v, CreatedAt %v, want %v", tm, got.Due, got.CreatedAt, want)
		}
		if got.Due.Location() != time.UTC {
			t.Errorf("WorkItem Due is in %v, want UTC", got.Due.Location())
		}
		if !w.Due.Equal(want) {
			t.Errorf("CreateWorkItem left Due %v in the value passed, want it normalised to %v", w.Due, want)
		}
	}
	// A work item without a due time reads back with a zero Due.
	w := claimgate.WorkItem{Queue: "time", OwnerID: f.alice.ID}
	must(t, s.CreateWorkItem(ctx, &w, f.alice.ID))
	got, err := s.WorkItem(ctx, w.ID)
	must(t, err)
	if !got.Due.IsZero() {
		t.Errorf("WorkItem without due: Due = %v, want zero", got.Due)
	}

	dates := []claimgate.Date{{}, {Year: 2000, Month: 2, Day: 29}, {Year: 1900, Month: 1, Day: 1}, {Year: 2099, Month: 12, Day: 31}}
	for _, d := range dates {
		p := claimgate.Patient{MRN: "D", BirthDate: d}
		must(t, s.CreatePatient(ctx, &p))
		got, err := s.Patient(ctx, p.ID)
		must(t, err)
		if got.BirthDate != d {
			t.Errorf("Patient BirthDate = %v, want %v", got.BirthDate, d)
		}
	}
}
