// Package http serves claimgate's JSON API and its server-rendered web UI.
//
// Every route is declared once in the route table (routes.go) with the access
// it needs: public, any logged-in user, or a role. The table registers the
// routes on a stdlib ServeMux, and the OpenAPI test compares it with the
// OpenAPI document so neither can drift from the other.
//
// Authentication is a server-side session: a random 32-byte token in an
// HttpOnly cookie, of which the store keeps only the SHA-256. Each session
// has a CSRF token: form POSTs carry it in a hidden field, API writes in the
// X-CSRF-Token header (POST /api/login and GET /api/session return it). A
// session ends after Config.IdleTimeout without a request, and at most
// SessionLifetime after its login; a login deletes the session its browser
// presented and purges expired ones.
//
// Failed logins are throttled per username and per remote host: after 10 in
// 15 minutes, further attempts get 429 with Retry-After until the window
// ends, without a password check. The counts are kept in memory, per
// process: each server process counts on its own and a restart resets them.
package http

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/workflow"
	"golang.org/x/crypto/bcrypt"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/*
var staticFS embed.FS

// Config is what a Server needs. Store and Workflow are required; a nil
// Logger discards, a nil Now is time.Now.
type Config struct {
	Store    claimgate.Store
	Workflow *workflow.Service
	Logger   *slog.Logger
	Now      func() time.Time
	// SecureCookies marks the session cookie Secure: set it whenever the
	// server is reached over HTTPS (directly or behind a proxy).
	SecureCookies bool
	// IdleTimeout ends a session that has made no request for that long;
	// zero is DefaultIdleTimeout. Each request moves it forward, up to
	// SessionLifetime after the login.
	IdleTimeout time.Duration
}

// Server is claimgate's HTTP handler: the JSON API under /api and the web UI.
type Server struct {
	store    claimgate.Store
	wf       *workflow.Service
	log      *slog.Logger
	now      func() time.Time
	secure   bool
	mux      *http.ServeMux
	handler  http.Handler
	pages    map[string]*template.Template
	routes   []route
	dummy    []byte // a bcrypt hash compared against when the username is unknown
	openapi  []byte
	sessionT time.Duration
	idle     time.Duration
	limiter  *loginLimiter
}

// SessionLifetime is how long a login lasts at most, however active.
const SessionLifetime = 12 * time.Hour

// DefaultIdleTimeout is how long a session lasts without a request, unless
// Config.IdleTimeout says otherwise.
const DefaultIdleTimeout = 30 * time.Minute

// NewServer parses the templates, builds the route table and returns the
// server. It fails if a template does not parse or a dependency is missing.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("http: Config.Store is nil")
	}
	if cfg.Workflow == nil {
		return nil, errors.New("http: Config.Workflow is nil")
	}
	s := &Server{
		store:    cfg.Store,
		wf:       cfg.Workflow,
		log:      cfg.Logger,
		now:      cfg.Now,
		secure:   cfg.SecureCookies,
		mux:      http.NewServeMux(),
		sessionT: SessionLifetime,
		idle:     cfg.IdleTimeout,
		limiter:  newLoginLimiter(),
	}
	if s.idle <= 0 {
		s.idle = DefaultIdleTimeout
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	if s.dummy, err = bcrypt.GenerateFromPassword([]byte(rand.Text()), bcrypt.DefaultCost); err != nil {
		return nil, fmt.Errorf("http: dummy hash: %w", err)
	}
	s.routes = s.routeTable()
	for _, rt := range s.routes {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("/api/", s.apiNotFound)
	s.mux.HandleFunc("/", s.notFoundPage)
	if s.openapi, err = s.openAPIJSON(); err != nil {
		return nil, fmt.Errorf("http: openapi: %w", err)
	}
	// CrossOriginProtection refuses cross-site unsafe requests from browsers
	// (Sec-Fetch-Site, Origin), in front of the per-session CSRF tokens.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := claimgate.Errorf(claimgate.Forbidden, "cross-origin request refused")
		if isAPI(r) {
			s.problem(w, r, err)
			return
		}
		http.Error(w, err.Msg, http.StatusForbidden)
	}))
	s.handler = cop.Handler(s.mux)
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	if s.secure {
		// Secure cookies mean the server is reached over HTTPS only.
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	if _, pattern := s.mux.Handler(r); pattern == "/" || pattern == "/api/" || pattern == "" {
		// No route matched (a 404 or a 405 is coming): a caller who is not
		// logged in learns nothing about which paths exist, only that it
		// must log in.
		if _, err := s.authenticate(r); err != nil {
			switch {
			case claimgate.ErrorKind(err) != claimgate.Unauthorized && isAPI(r):
				s.problem(w, r, err)
			case claimgate.ErrorKind(err) != claimgate.Unauthorized:
				s.errorPage(w, r, err)
			case isAPI(r):
				s.problem(w, r, err)
			default:
				http.Redirect(w, r, "/login", http.StatusSeeOther)
			}
			return
		}
	}
	s.handler.ServeHTTP(w, r)
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// remoteHost returns the client address without its port.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ctxKey keys the request's session in its context.
type ctxKey struct{}

// reqAuth is who is making the request.
type reqAuth struct {
	user    claimgate.User
	session claimgate.Session
	token   []byte // SHA-256 of the session token
}

func authFrom(ctx context.Context) *reqAuth {
	a, _ := ctx.Value(ctxKey{}).(*reqAuth)
	return a
}

// userFrom returns the logged-in user; handlers behind an authenticated
// route always have one.
func userFrom(r *http.Request) *claimgate.User {
	if a := authFrom(r.Context()); a != nil {
		return &a.user
	}
	return nil
}

// audit appends an audit entry for the request's user.
func (s *Server) audit(r *http.Request, userID int64, action, object string) error {
	e := claimgate.AuditEntry{At: s.now().UTC(), UserID: userID, Action: action, Object: object, RemoteAddr: remoteHost(r)}
	if err := s.store.AppendAudit(r.Context(), e); err != nil {
		return fmt.Errorf("audit %s %s: %w", action, object, err)
	}
	return nil
}

// auditRead records a read of patient data. A read that cannot be audited
// is refused: the caller returns the error and no data leaves.
func (s *Server) auditRead(r *http.Request, object string) error {
	return s.audit(r, userFrom(r).ID, "read", object)
}

// auditChange records a change that already happened. The change's event,
// written with it, names the actor too; a failed audit write is logged, not
// reported as a failed change.
func (s *Server) auditChange(r *http.Request, action, object string) {
	u := userFrom(r)
	if err := s.audit(r, u.ID, action, object); err != nil {
		s.log.ErrorContext(r.Context(), "audit write failed", "user_id", u.ID, "action", action, "object", object, "err", err)
	}
}

// render executes a page into a buffer, then writes it, so that a template
// error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	t, ok := s.pages[page]
	if !ok {
		s.log.ErrorContext(r.Context(), "no such page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// apiNotFound answers API requests no route matches: 405 with Allow when
// the path exists under another method, else 404.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/api/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.problem(w, r, &requestError{http.StatusMethodNotAllowed, fmt.Sprintf("%s %s is not allowed: use %s", r.Method, r.URL.Path, strings.Join(allow, " or "))})
		return
	}
	s.problem(w, r, claimgate.Errorf(claimgate.NotFound, "no API route %s %s", r.Method, r.URL.Path))
}
