package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/claimgate/claimgate"
)

// CreateUser inserts u and sets its ID (and CreatedAt when zero). A taken
// username is a Conflict; an unknown role is Invalid.
func (s *Store) CreateUser(ctx context.Context, u *claimgate.User) error {
	for _, r := range u.Roles {
		if _, err := claimgate.ParseRole(string(r)); err != nil {
			return err
		}
	}
	if u.Username == "" {
		return claimgate.Errorf(claimgate.Invalid, "username is required")
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	u.CreatedAt = norm(u.CreatedAt)
	const q = `INSERT INTO users (username, name, password_hash, roles, active, created_at)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	err := s.db.QueryRowContext(ctx, q, u.Username, u.Name, u.PasswordHash, list(u.Roles), u.Active,
		s.ts(u.CreatedAt)).Scan(&u.ID)
	if s.d.Classify(err) == ErrUnique {
		return s.fail("user", claimgate.Errorf(claimgate.Conflict, "username is taken"))
	}
	return s.fail("user", err)
}

const userCols = `id, username, name, password_hash, roles, active, created_at`

func scanUser(sc interface{ Scan(...any) error }) (claimgate.User, error) {
	var u claimgate.User
	var roles string
	err := sc.Scan(&u.ID, &u.Username, &u.Name, &u.PasswordHash, &roles, &u.Active, timeCol{&u.CreatedAt})
	u.Roles = splitList[claimgate.Role](roles)
	return u, err
}

// User returns the user id.
func (s *Store) User(ctx context.Context, id int64) (claimgate.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("user", id)
	}
	return u, s.fail("user", err)
}

// UserByUsername returns the user called username.
func (s *Store) UserByUsername(ctx context.Context, username string) (claimgate.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = $1`, username))
	return u, s.fail("user", err)
}

// Users returns every user, ordered by ID.
func (s *Store) Users(ctx context.Context) ([]claimgate.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY id`)
	if err != nil {
		return nil, s.fail("users", err)
	}
	return collect(rows, "users", scanUser)
}

// UsersWithRole returns the active users holding r, ordered by ID. Admins are
// listed only if they hold r itself.
func (s *Store) UsersWithRole(ctx context.Context, r claimgate.Role) ([]claimgate.User, error) {
	const q = `SELECT ` + userCols + ` FROM users
WHERE active AND ',' || roles || ',' LIKE '%,' || $1 || ',%' ORDER BY id`
	rows, err := s.db.QueryContext(ctx, q, string(r))
	if err != nil {
		return nil, s.fail("users", err)
	}
	return collect(rows, "users", scanUser)
}

// CreateSession stores sess; its user must exist. CreatedAt defaults to now.
func (s *Store) CreateSession(ctx context.Context, sess claimgate.Session) error {
	if len(sess.TokenHash) == 0 {
		return claimgate.Errorf(claimgate.Invalid, "session token is required")
	}
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = now()
	}
	const q = `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5)`
	_, err := s.db.ExecContext(ctx, q, sess.TokenHash, ref(sess.UserID), sess.CSRFToken,
		s.ts(sess.CreatedAt), s.ts(sess.Expires))
	return s.fail("session", err)
}

// Session returns the session whose token hashes to tokenHash, if it has not
// expired at now.
func (s *Store) Session(ctx context.Context, tokenHash []byte, now time.Time) (claimgate.Session, error) {
	const q = `SELECT token_hash, user_id, csrf_token, created_at, expires_at
FROM sessions WHERE token_hash = $1 AND expires_at > $2`
	var x claimgate.Session
	err := s.db.QueryRowContext(ctx, q, tokenHash, s.ts(now)).Scan(&x.TokenHash, &x.UserID, &x.CSRFToken,
		timeCol{&x.CreatedAt}, timeCol{&x.Expires})
	return x, s.fail("session", err)
}

// DeleteSession removes the session; an unknown one is NotFound.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	if err != nil {
		return s.fail("session", err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return s.fail("session", errors.Join(err, sql.ErrNoRows))
	}
	return nil
}

// TouchSession sets the session's expiry; an unknown one is NotFound.
func (s *Store) TouchSession(ctx context.Context, tokenHash []byte, expires time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE sessions SET expires_at = $1 WHERE token_hash = $2`, s.ts(expires), tokenHash)
	if err != nil {
		return s.fail("session", err)
	}
	if n, err := affected(res); err != nil || n == 0 {
		return s.fail("session", errors.Join(err, sql.ErrNoRows))
	}
	return nil
}

// DeleteExpiredSessions deletes the sessions expired at now (the ones
// Session no longer returns) and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, s.ts(now))
	if err != nil {
		return 0, s.fail("sessions", err)
	}
	n, err := affected(res)
	return int(n), s.fail("sessions", err)
}

// AppendAudit records e. At defaults to now; a zero UserID is no user (a
// failed login).
func (s *Store) AppendAudit(ctx context.Context, e claimgate.AuditEntry) error {
	if e.At.IsZero() {
		e.At = now()
	}
	const q = `INSERT INTO audit_log (at, user_id, action, object, remote_addr) VALUES ($1, $2, $3, $4, $5)`
	_, err := s.db.ExecContext(ctx, q, s.ts(e.At), ref(e.UserID), e.Action, e.Object, e.RemoteAddr)
	return s.fail("audit entry", err)
}

// AuditLog returns up to limit entries (all if limit <= 0), newest first.
func (s *Store) AuditLog(ctx context.Context, n int) ([]claimgate.AuditEntry, error) {
	q := `SELECT id, at, user_id, action, object, remote_addr FROM audit_log ORDER BY at DESC, id DESC` + limit(n)
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, s.fail("audit log", err)
	}
	return collect(rows, "audit log", func(sc interface{ Scan(...any) error }) (claimgate.AuditEntry, error) {
		var e claimgate.AuditEntry
		err := sc.Scan(&e.ID, timeCol{&e.At}, idCol{&e.UserID}, &e.Action, &e.Object, &e.RemoteAddr)
		return e, err
	})
}
