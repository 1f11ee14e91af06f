package claimgate

import "strings"

// Role is a job a user holds. A user may hold several; a solo practice gives
// one user all of them.
type Role string

// The roles of DESIGN §1 and §3.
const (
	FrontDesk        Role = "front_desk"
	AuthCoordinator  Role = "auth_coordinator"
	Clinician        Role = "clinician"
	Coder            Role = "coder"
	Biller           Role = "biller"
	PaymentPoster    Role = "payment_poster"
	DenialSpecialist Role = "denial_specialist"
	ARSpecialist     Role = "ar_specialist"
	PatientAccounts  Role = "patient_accounts"
	Manager          Role = "manager"
	Admin            Role = "admin"
)

// Roles lists every role.
var Roles = []Role{FrontDesk, AuthCoordinator, Clinician, Coder, Biller, PaymentPoster,
	DenialSpecialist, ARSpecialist, PatientAccounts, Manager, Admin}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", Errorf(Invalid, "unknown role %q: want one of %s", s, strings.Join(names, ", "))
}
