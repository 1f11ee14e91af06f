// Package seed creates a small synthetic practice: an organization, its
// locations, providers, payers, patients with coverages, users for every role,
// and open cases spread over the front-end stages. Every name, date and
// identifier is made up; none belongs to a real person.
package seed

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/testpayer"
	"github.com/claimgate/claimgate/workflow"
)

// Options shapes the practice.
type Options struct {
	Patients int    // number of patients, each with one case; default 12
	Seed     uint64 // seeds the generator: the same seed makes the same practice
	// AdminPassword is the password of the "admin" user; empty makes a random one.
	AdminPassword string
	// UserPassword is the password of the role users; empty uses AdminPassword.
	UserPassword string
	Now          time.Time
	// TestPayer, when set with a workflow whose RealTime reaches it, puts
	// the patients on its roster and runs the cases' front-end against it
	// (eligibility, authorization, estimate), with the SOP's failure modes
	// planted in turn.
	TestPayer *testpayer.Payer
}

// Practice is what Seed created.
type Practice struct {
	Org           claimgate.Organization
	Locations     []claimgate.Location
	Providers     []claimgate.Provider
	Payers        []claimgate.Payer
	Patients      []claimgate.Patient
	Users         map[string]claimgate.User // by username
	Cases         []claimgate.Case
	AdminPassword string
	UserPassword  string
	// Front counts what the front-end run against the test payer did.
	Front     FrontEndSummary
	testPayer *testpayer.Payer
}

// roleUsers are the practice's staff: one user per role, plus a manager and
// the admin, so that queues have natural owners.
var roleUsers = []struct {
	username, name string
	roles          []claimgate.Role
}{
	{"admin", "Practice Administrator", []claimgate.Role{claimgate.Admin, claimgate.Manager}},
	{"mgr", "Morgan Manager", []claimgate.Role{claimgate.Manager}},
	{"frontdesk", "Frankie Desk", []claimgate.Role{claimgate.FrontDesk}},
	{"auth", "Avery Authcoord", []claimgate.Role{claimgate.AuthCoordinator}},
	{"clinician", "Dr. Casey Clinic", []claimgate.Role{claimgate.Clinician}},
	{"coder", "Cory Coder", []claimgate.Role{claimgate.Coder}},
	{"biller", "Billie Biller", []claimgate.Role{claimgate.Biller}},
	{"poster", "Pat Poster", []claimgate.Role{claimgate.PaymentPoster}},
	{"denials", "Dana Denials", []claimgate.Role{claimgate.DenialSpecialist}},
	{"ar", "Ari Receivable", []claimgate.Role{claimgate.ARSpecialist}},
	{"accounts", "Alex Accounts", []claimgate.Role{claimgate.PatientAccounts}},
}

var (
	firstNames = []string{"Avery", "Jordan", "Riley", "Quinn", "Rowan", "Sage", "Emery", "Harper", "Finley", "Reese", "Skyler", "Dakota", "Marlowe", "Ellis", "Kendall", "Peyton"}
	lastNames  = []string{"Testwood", "Samplefield", "Mockridge", "Fakeley", "Demoson", "Placeholder", "Synthetica", "Fictor", "Madeup", "Exampleton", "Notreal", "Pretendo"}
	streets    = []string{"Maple Ave", "Oak St", "Cedar Ln", "Birch Rd", "Elm Ct", "Pine Way"}
)

// NPI returns a valid synthetic NPI: nine digits from body and the Luhn check
// digit CMS specifies (with the 80840 prefix).
func NPI(body int) string {
	s := fmt.Sprintf("%09d", body%1_000_000_000)
	for d := 0; d <= 9; d++ {
		if npi := s + fmt.Sprint(d); claimgate.ValidNPI(npi) {
			return npi
		}
	}
	panic("unreachable: every body has one check digit")
}

// Seed creates the practice through the Store and the workflow, so every
// case and its work carry their events like any other.
func Seed(ctx context.Context, st claimgate.Store, wf *workflow.Service, opt Options) (*Practice, error) {
	if opt.Patients == 0 {
		opt.Patients = 12
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now().UTC()
	}
	rng := mrand.New(mrand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	p := &Practice{Users: map[string]claimgate.User{}, AdminPassword: opt.AdminPassword, UserPassword: opt.UserPassword, testPayer: opt.TestPayer}
	if p.AdminPassword == "" {
		p.AdminPassword = RandomPassword()
	}
	if p.UserPassword == "" {
		p.UserPassword = p.AdminPassword
	}
	for _, ru := range roleUsers {
		pw := p.UserPassword
		if ru.username == "admin" {
			pw = p.AdminPassword
		}
		// MinCost keeps seeding fast; real users added with `claimgate user add` get the default cost.
		hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			return nil, err
		}
		u := claimgate.User{Username: ru.username, Name: ru.name, PasswordHash: hash, Roles: ru.roles, Active: true, CreatedAt: opt.Now}
		if err := st.CreateUser(ctx, &u); err != nil {
			return nil, fmt.Errorf("seed user %s: %w", ru.username, err)
		}
		p.Users[ru.username] = u
	}
	// Every queue starts with a default owner: the staff member holding the
	// stage's role; gate exceptions go to the manager.
	for _, s := range claimgate.Stages {
		if s.OwnerRole() == "" {
			continue
		}
		if err := st.SetQueueOwner(ctx, s.Queue(), p.userWithRole(s.OwnerRole()).ID); err != nil {
			return nil, fmt.Errorf("seed queue %s: %w", s.Queue(), err)
		}
	}
	if err := st.SetQueueOwner(ctx, "exceptions", p.Users["mgr"].ID); err != nil {
		return nil, fmt.Errorf("seed queue exceptions: %w", err)
	}
	p.Org = claimgate.Organization{Name: "Riverbend Family Medicine (synthetic)", NPI: NPI(123456789), TaxID: "990000001",
		Taxonomy: "261QP2300X", Address: claimgate.Address{Line1: "100 Riverbend Plaza", City: "Springfield", State: "IL", Zip: "627011234"}}
	if err := st.CreateOrganization(ctx, &p.Org); err != nil {
		return nil, fmt.Errorf("seed organization: %w", err)
	}
	for i, l := range []claimgate.Location{
		{Name: "Main Clinic", PlaceOfService: "11", Address: p.Org.Address},
		{Name: "Northside Outpatient", PlaceOfService: "22", NPI: NPI(223344556), Address: claimgate.Address{Line1: "9 North Rd", City: "Springfield", State: "IL", Zip: "627024501"}},
	} {
		l.OrgID = p.Org.ID
		if err := st.CreateLocation(ctx, &l); err != nil {
			return nil, fmt.Errorf("seed location %d: %w", i, err)
		}
		p.Locations = append(p.Locations, l)
	}
	for i, pr := range []claimgate.Provider{
		{First: "Casey", Last: "Clinic", NPI: NPI(124531959), Taxonomy: "207Q00000X"},
		{First: "Robin", Last: "Internist", NPI: NPI(131313131), Taxonomy: "207R00000X"},
	} {
		pr.OrgID = p.Org.ID
		if err := st.CreateProvider(ctx, &pr); err != nil {
			return nil, fmt.Errorf("seed provider %d: %w", i, err)
		}
		p.Providers = append(p.Providers, pr)
	}
	for i, py := range []claimgate.Payer{
		{Name: "Acme Health Plan (test payer)", PayerID: "ACME1", PlanTypes: []string{"CI", "HM"}, TimelyFilingDays: 90, AppealWindowDays: 60, RequiresEligCheck: true},
		{Name: "Medicare Part B (test payer)", PayerID: "MCRB1", PlanTypes: []string{"MB"}, TimelyFilingDays: 365, AppealWindowDays: 120, RequiresEligCheck: true},
		{Name: "State Medicaid (test payer)", PayerID: "MCD01", PlanTypes: []string{"MC"}, TimelyFilingDays: 180, AppealWindowDays: 90},
	} {
		if err := st.CreatePayer(ctx, &py); err != nil {
			return nil, fmt.Errorf("seed payer %d: %w", i, err)
		}
		p.Payers = append(p.Payers, py)
	}
	if err := seedReference(ctx, st, p); err != nil {
		return nil, err
	}
	if err := seedAuthRules(ctx, st, p); err != nil {
		return nil, err
	}
	admin := p.Users["admin"]
	sentTo := map[claimgate.Stage]int{} // cases sent to each mid-cycle stage so far
	for i := 0; i < opt.Patients; i++ {
		pt := claimgate.Patient{
			MRN:       fmt.Sprintf("MRN%06d", 1000+i),
			First:     firstNames[rng.IntN(len(firstNames))],
			Last:      lastNames[rng.IntN(len(lastNames))],
			BirthDate: claimgate.DateOf(opt.Now.AddDate(-18-rng.IntN(70), -rng.IntN(12), -rng.IntN(28))),
			Sex:       []claimgate.Sex{claimgate.Female, claimgate.Male}[rng.IntN(2)],
			Address:   claimgate.Address{Line1: fmt.Sprintf("%d %s", 10+rng.IntN(900), streets[rng.IntN(len(streets))]), City: "Springfield", State: "IL", Zip: "62704"},
			Phone:     fmt.Sprintf("555-01%02d", rng.IntN(100)),
		}
		if err := st.CreatePatient(ctx, &pt); err != nil {
			return nil, fmt.Errorf("seed patient %d: %w", i, err)
		}
		p.Patients = append(p.Patients, pt)
		payer := p.Payers[rng.IntN(len(p.Payers))]
		cov := claimgate.Coverage{PatientID: pt.ID, PayerID: payer.ID, Rank: 1, PlanType: payer.PlanTypes[0],
			MemberID: fmt.Sprintf("%s%07d", payer.PayerID[:2], rng.IntN(10_000_000)), GroupNumber: "GRP" + fmt.Sprint(100+rng.IntN(900)),
			Relationship: claimgate.Self, EffectiveFrom: claimgate.Date{Year: opt.Now.Year(), Month: 1, Day: 1}}
		if i%5 == 4 { // a dependent: subscriber is a parent
			cov.Relationship = claimgate.Child
			cov.SubscriberFirst, cov.SubscriberLast = firstNames[rng.IntN(len(firstNames))], pt.Last
			cov.SubscriberBirthDate = claimgate.DateOf(opt.Now.AddDate(-45, 0, 0))
		}
		if err := st.CreateCoverage(ctx, &cov); err != nil {
			return nil, fmt.Errorf("seed coverage %d: %w", i, err)
		}
		if p.testPayer != nil && i%numFrontModes != frontMemberUnknown {
			if err := enroll(p.testPayer, p, pt, cov, i); err != nil {
				return nil, fmt.Errorf("seed enrollment %d: %w", i, err)
			}
		}
		// Spread the cases over the front-end and the mid-cycle so every
		// queue has work. Cases past the front-end were seen already.
		target := midTargets[i%len(midTargets)]
		dos := claimgate.DateOf(opt.Now.AddDate(0, 0, rng.IntN(14)))
		if target.Zone() == claimgate.MidCycle {
			back := 1 + claimgate.DateOf(opt.Now).DaysUntil(dos)%5
			if target == claimgate.Coding {
				back += 7 // coded cases were seen a week or more ago
			}
			dos = claimgate.DateOf(opt.Now).AddDays(-back)
		}
		// A case seen already was opened when the visit was booked.
		cw := wf
		if target.Zone() == claimgate.MidCycle {
			cw = at(wf, dos.Time().Add(-96*time.Hour))
		}
		c, err := cw.OpenCase(ctx, &admin, claimgate.Case{PatientID: pt.ID, LocationID: p.Locations[i%len(p.Locations)].ID,
			ProviderID: p.Providers[i%len(p.Providers)].ID, ServiceDate: dos})
		if err != nil {
			return nil, fmt.Errorf("seed case %d: %w", i, err)
		}
		frontTarget := target
		if target.Zone() != claimgate.FrontEnd {
			frontTarget = claimgate.FinancialClearance
		}
		for s := claimgate.Intake; s != frontTarget; {
			next := claimgate.Stages[s.Number()]
			if _, err := cw.Move(ctx, &admin, c.ID, s, next, "seeded"); err != nil {
				return nil, fmt.Errorf("seed case %d move to %s: %w", c.ID, next, err)
			}
			s = next
		}
		if err := seedEncounter(ctx, wf, p, c, target, sentTo[target], i); err != nil {
			return nil, fmt.Errorf("seed case %d encounter: %w", c.ID, err)
		}
		sentTo[target]++
		if c, err = st.Case(ctx, c.ID); err != nil {
			return nil, err
		}
		p.Cases = append(p.Cases, c)
	}
	if p.testPayer != nil {
		// Services needing authorization that nobody asked for wait, owned,
		// in the authorization queue; approvals about to lapse warn their owner.
		if _, err := wf.SweepAuthorizations(ctx, &admin); err != nil {
			return nil, fmt.Errorf("seed authorization sweep: %w", err)
		}
	}
	if err := p.Front.tally(ctx, wf, p.Cases); err != nil {
		return nil, fmt.Errorf("seed front-end summary: %w", err)
	}
	// Encounters with no charge past the threshold go to the charge_lag queue.
	if _, err := wf.SweepChargeLag(ctx, &admin); err != nil {
		return nil, fmt.Errorf("seed charge lag: %w", err)
	}
	return p, nil
}

func (p *Practice) userWithRole(r claimgate.Role) claimgate.User {
	for _, ru := range roleUsers {
		for _, have := range ru.roles {
			if have == r && ru.username != "admin" {
				return p.Users[ru.username]
			}
		}
	}
	return p.Users["admin"]
}

// RandomPassword returns a random 16-character password.
func RandomPassword() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
