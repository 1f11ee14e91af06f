package http

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/claimgate/claimgate"
	"golang.org/x/crypto/bcrypt"
)

// Cookie names.
const (
	sessionCookie = "claimgate_session"
	loginCookie   = "claimgate_login" // the login form's CSRF token, before any session exists
)

// HashPassword returns the bcrypt hash of a password, for storing in
// User.PasswordHash. An empty password or one longer than bcrypt's 72 bytes
// is Invalid.
func HashPassword(password string) ([]byte, error) {
	if password == "" {
		return nil, claimgate.Errorf(claimgate.Invalid, "password: required")
	}
	if len(password) > 72 {
		return nil, claimgate.Errorf(claimgate.Invalid, "password: at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

func withAuth(ctx context.Context, a *reqAuth) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

func hashToken(raw []byte) []byte {
	h := sha256.Sum256(raw)
	return h[:]
}

// authenticate finds the request's session and its active user. No
// session, an unknown or expired one, or an inactive user is Unauthorized.
func (s *Server) authenticate(r *http.Request) (*reqAuth, error) {
	unauth := claimgate.Errorf(claimgate.Unauthorized, "log in first: this needs a session")
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, unauth
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(raw) != 32 {
		return nil, unauth
	}
	th := hashToken(raw)
	now := s.now().UTC()
	sess, err := s.store.Session(r.Context(), th, now)
	if err != nil {
		if claimgate.ErrorKind(err) == claimgate.NotFound {
			return nil, unauth
		}
		return nil, fmt.Errorf("load session: %w", err)
	}
	u, err := s.store.User(r.Context(), sess.UserID)
	if err != nil {
		if claimgate.ErrorKind(err) == claimgate.NotFound {
			return nil, unauth
		}
		return nil, fmt.Errorf("load session user %d: %w", sess.UserID, err)
	}
	if !u.Active {
		return nil, unauth
	}
	// The idle timeout slides forward with each request. Writing only when
	// it moves more than a minute keeps a busy session from writing on
	// every request.
	if exp := s.sessionExpiry(sess.CreatedAt, now); exp.Sub(sess.Expires) > time.Minute {
		if err := s.store.TouchSession(r.Context(), th, exp); err != nil {
			if claimgate.ErrorKind(err) == claimgate.NotFound {
				return nil, unauth // logged out meanwhile
			}
			return nil, fmt.Errorf("extend session: %w", err)
		}
		sess.Expires = exp
	}
	return &reqAuth{user: u, session: sess, token: th}, nil
}

// sessionExpiry is when a session created at created ends if now is its
// last request: an idle timeout from now, but never past SessionLifetime.
func (s *Server) sessionExpiry(created, now time.Time) time.Time {
	exp := now.Add(s.idle)
	if limit := created.Add(s.sessionT); exp.After(limit) {
		return limit
	}
	return exp
}

// endPresentedSession deletes the session whose cookie came with a login
// request, if any, so that a login never keeps (fixates) a token that
// existed before it; and purges expired sessions while it is at it.
func (s *Server) endPresentedSession(r *http.Request, now time.Time) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if raw, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil && len(raw) == 32 {
			if err := s.store.DeleteSession(r.Context(), hashToken(raw)); err != nil && claimgate.ErrorKind(err) != claimgate.NotFound {
				s.log.ErrorContext(r.Context(), "delete presented session", "err", err)
			}
		}
	}
	if _, err := s.store.DeleteExpiredSessions(r.Context(), now); err != nil {
		s.log.ErrorContext(r.Context(), "purge expired sessions", "err", err)
	}
}

// login checks a username and password and opens a session: it sets the
// session cookie and returns the session. Bad credentials, an unknown or an
// inactive user all give the same Unauthorized error, after the same bcrypt
// work. Too many failures for the username or from the remote host (see
// loginLimiter) refuse the attempt with 429 and Retry-After before any
// bcrypt work.
func (s *Server) login(w http.ResponseWriter, r *http.Request, username, password string) (claimgate.User, claimgate.Session, error) {
	bad := claimgate.Errorf(claimgate.Unauthorized, "invalid username or password")
	username = strings.TrimSpace(username)
	keys := []string{userKey(username), hostKey(remoteHost(r))}
	if wait, ok := s.limiter.blocked(s.now(), keys...); ok {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.log.InfoContext(r.Context(), "login throttled", "remote_addr", remoteHost(r))
		return claimgate.User{}, claimgate.Session{}, &requestError{http.StatusTooManyRequests,
			fmt.Sprintf("too many failed logins: try again in %d minutes", (secs+59)/60)}
	}
	u, err := s.store.UserByUsername(r.Context(), username)
	if err != nil && claimgate.ErrorKind(err) != claimgate.NotFound {
		return claimgate.User{}, claimgate.Session{}, fmt.Errorf("login: %w", err)
	}
	hash := s.dummy
	if err == nil && len(u.PasswordHash) > 0 {
		hash = u.PasswordHash
	}
	match := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	if err != nil || !match || !u.Active {
		s.limiter.fail(s.now(), keys...)
		s.log.InfoContext(r.Context(), "login refused", "user_id", u.ID, "remote_addr", remoteHost(r))
		// Failed logins are audited with the user they named (0 when the
		// username is unknown), so repeated guessing shows in the audit log.
		if err := s.audit(r, u.ID, "login_failed", "user/"+strconv.FormatInt(u.ID, 10)); err != nil {
			s.log.ErrorContext(r.Context(), "audit write failed", "user_id", u.ID, "err", err)
		}
		return claimgate.User{}, claimgate.Session{}, bad
	}
	s.limiter.clear(keys[0])
	raw := make([]byte, 32)
	rand.Read(raw)
	now := s.now().UTC()
	s.endPresentedSession(r, now)
	sess := claimgate.Session{TokenHash: hashToken(raw), UserID: u.ID, CSRFToken: rand.Text(), CreatedAt: now, Expires: s.sessionExpiry(now, now)}
	if err := s.store.CreateSession(r.Context(), sess); err != nil {
		return claimgate.User{}, claimgate.Session{}, fmt.Errorf("create session: %w", err)
	}
	// The cookie lasts as long as a login can; the server ends an idle
	// session before that.
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: base64.RawURLEncoding.EncodeToString(raw), Path: "/",
		Expires: now.Add(s.sessionT), HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
	if err := s.audit(r, u.ID, "login", "user/"+strconv.FormatInt(u.ID, 10)); err != nil {
		s.log.ErrorContext(r.Context(), "audit write failed", "user_id", u.ID, "err", err)
	}
	s.log.InfoContext(r.Context(), "login", "user_id", u.ID, "remote_addr", remoteHost(r))
	return u, sess, nil
}

// logout ends the request's session and clears its cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r.Context())
	if err := s.store.DeleteSession(r.Context(), a.token); err != nil && claimgate.ErrorKind(err) != claimgate.NotFound {
		return fmt.Errorf("logout: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	s.auditChange(r, "logout", "user/"+strconv.FormatInt(a.user.ID, 10))
	return nil
}

// loginCSRF returns the login form's token, setting its cookie when the
// browser has none. It protects the login form from login CSRF before any
// session (and so any session CSRF token) exists.
func (s *Server) loginCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCookie); err == nil && len(c.Value) >= 16 {
		return c.Value
	}
	tok := rand.Text()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/login", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
	return tok
}

func (s *Server) checkLoginCSRF(r *http.Request) bool {
	c, err := r.Cookie(loginCookie)
	got := r.PostFormValue("csrf_token")
	return err == nil && got != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(got)) == 1
}

// safeNext returns next if it is a path on this server, else "/". Browsers
// drop tabs and newlines from URLs and read a backslash as a slash, so any
// control character or backslash is refused outright, not only a leading
// "//": "/\t/evil.example" would otherwise leave the site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsRune(next, '\\') || strings.ContainsFunc(next, unicode.IsControl) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}
