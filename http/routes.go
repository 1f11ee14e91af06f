package http

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/claimgate/claimgate"
)

// access is who may call a route.
type access int

const (
	public   access = iota + 1 // anyone, logged in or not
	loggedIn                   // any active, logged-in user; Role narrows it
)

// route is one entry of the route table: the only place routes are
// registered, and what the OpenAPI test compares with the document.
type route struct {
	Method string
	Path   string // a ServeMux pattern path, e.g. /api/cases/{id}
	Access access
	// Role, when set, is the role the user must hold (admins hold every
	// role). Moves leave the role check to the workflow, which knows the
	// stage's owner role.
	Role   claimgate.Role
	Handle func(w http.ResponseWriter, r *http.Request) error
}

func (rt route) api() bool { return strings.HasPrefix(rt.Path, "/api/") }

// routeTable lists every route the server answers (besides /static/).
func (s *Server) routeTable() []route {
	return append([]route{
		// API: session.
		{"POST", "/api/login", public, "", s.apiLogin},
		{"POST", "/api/logout", loggedIn, "", s.apiLogout},
		{"GET", "/api/session", loggedIn, "", s.apiSession},
		{"GET", "/api/openapi.json", public, "", s.apiOpenAPI},
		// API: the chain.
		{"GET", "/api/stages", loggedIn, "", s.apiStages},
		// API: cases.
		{"GET", "/api/cases", loggedIn, "", s.apiCases},
		{"POST", "/api/cases", loggedIn, "", s.apiCreateCase},
		{"GET", "/api/cases/{id}", loggedIn, "", s.apiCase},
		{"GET", "/api/cases/{id}/gates", loggedIn, "", s.apiGates},
		{"POST", "/api/cases/{id}/moves", loggedIn, "", s.apiMove},
		{"POST", "/api/cases/{id}/exceptions", loggedIn, claimgate.Manager, s.apiLogException},
		{"POST", "/api/exceptions/{id}/resolve", loggedIn, "", s.apiResolveException},
		// API: work and queues.
		{"GET", "/api/work/mine", loggedIn, "", s.apiMyWork},
		{"POST", "/api/work/{id}/reassign", loggedIn, "", s.apiReassign},
		{"POST", "/api/work/{id}/complete", loggedIn, "", s.apiComplete},
		{"GET", "/api/queues", loggedIn, "", s.apiQueues},
		{"GET", "/api/queues/{queue}/items", loggedIn, "", s.apiQueueItems},
		{"POST", "/api/queues/{queue}/claim", loggedIn, "", s.apiClaim},
		{"POST", "/api/queues/{queue}/owner", loggedIn, claimgate.Manager, s.apiSetQueueOwner},
		// API: users.
		{"GET", "/api/users", loggedIn, "", s.apiUsers},
		{"POST", "/api/users", loggedIn, claimgate.Admin, s.apiCreateUser},
		{"GET", "/api/audit", loggedIn, claimgate.Admin, s.apiAudit},

		// Web UI.
		{"GET", "/healthz", public, "", s.healthz},
		{"GET", "/login", public, "", s.loginPage},
		{"POST", "/login", public, "", s.loginForm},
		{"POST", "/logout", loggedIn, "", s.logoutForm},
		{"GET", "/{$}", loggedIn, "", s.home},
		{"GET", "/work", loggedIn, "", s.workPage},
		{"POST", "/work/{id}/complete", loggedIn, "", s.completeForm},
		{"POST", "/work/{id}/reassign", loggedIn, "", s.reassignForm},
		{"GET", "/queues", loggedIn, "", s.queuesPage},
		{"GET", "/queues/{queue}", loggedIn, "", s.queuePage},
		{"POST", "/queues/{queue}/claim", loggedIn, "", s.claimForm},
		{"POST", "/queues/{queue}/owner", loggedIn, claimgate.Manager, s.queueOwnerForm},
		{"GET", "/admin/audit", loggedIn, claimgate.Admin, s.auditPage},
		{"GET", "/cases", loggedIn, "", s.casesPage},
		{"GET", "/cases/{id}", loggedIn, "", s.casePage},
		{"POST", "/cases/{id}/move", loggedIn, "", s.moveForm},
		{"POST", "/cases/{id}/exceptions", loggedIn, claimgate.Manager, s.exceptionForm},
		{"POST", "/exceptions/{id}/resolve", loggedIn, "", s.resolveForm},
		{"GET", "/admin/users", loggedIn, claimgate.Admin, s.usersPage},
		{"POST", "/admin/users", loggedIn, claimgate.Admin, s.createUserForm},
	}, append(s.midCycleRoutes(), s.frontEndRoutes()...)...)
}

// maxBody bounds request bodies; claimgate's requests are small.
const maxBody = 1 << 20

// wrap applies a route's access rules, then runs it and reports its error:
// problem details for the API, an error page for the UI.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		fail := func(err error) {
			if rt.api() {
				s.problem(w, r, err)
			} else {
				s.errorPage(w, r, err)
			}
		}
		if rt.Access != public {
			a, err := s.authenticate(r)
			if err != nil {
				if claimgate.ErrorKind(err) != claimgate.Unauthorized {
					fail(err)
					return
				}
				if rt.api() {
					s.problem(w, r, err)
					return
				}
				next := "/"
				if r.Method == http.MethodGet {
					next = r.URL.RequestURI()
				}
				http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
				return
			}
			r = r.WithContext(withAuth(r.Context(), a))
			if rt.Role != "" && !a.user.Has(rt.Role) {
				if err := s.audit(r, a.user.ID, "refused", rt.Method+" "+r.URL.Path); err != nil {
					s.log.ErrorContext(r.Context(), "audit write failed", "user_id", a.user.ID, "err", err)
				}
				fail(claimgate.Errorf(claimgate.Forbidden, "this needs the %s role", rt.Role))
				return
			}
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				if err := s.checkCSRF(r, rt.api(), a); err != nil {
					fail(err)
					return
				}
			}
		}
		if err := rt.Handle(w, r); err != nil {
			fail(err)
		}
	})
}

// checkCSRF compares the request's CSRF token with the session's: the
// X-CSRF-Token header for the API, the csrf_token form field for forms.
func (s *Server) checkCSRF(r *http.Request, api bool, a *reqAuth) error {
	var got string
	if api {
		got = r.Header.Get("X-CSRF-Token")
	} else {
		got = r.PostFormValue("csrf_token")
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(a.session.CSRFToken)) != 1 {
		if api {
			return claimgate.Errorf(claimgate.Forbidden, "missing or wrong X-CSRF-Token header: send the csrf_token from POST /api/login or GET /api/session")
		}
		return claimgate.Errorf(claimgate.Forbidden, "this form has expired or did not come from claimgate: reload the page and try again")
	}
	return nil
}
