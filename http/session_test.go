package http

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
)

// tokenHash returns the SHA-256 of the session token in c's cookie jar.
func (c *client) tokenHash(t *testing.T) []byte {
	t.Helper()
	u, _ := url.Parse(c.f.ts.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(raw)
			return sum[:]
		}
	}
	t.Fatal("no session cookie")
	return nil
}

// TestSessionIdleTimeout: a session ends after DefaultIdleTimeout without a
// request; requests keep it going, but never past SessionLifetime.
func TestSessionIdleTimeout(t *testing.T) {
	f := newFixture(t)
	c := f.login("mgr")
	f.clock.Add(DefaultIdleTimeout + time.Minute)
	if res := c.get("/api/session"); res.status != 401 {
		t.Errorf("after %v idle: status %d, want 401", DefaultIdleTimeout+time.Minute, res.status)
	}

	c = f.login("mgr")
	start := f.clock.Now()
	for f.clock.Now().Before(start.Add(SessionLifetime)) {
		if res := c.get("/api/session"); res.status != 200 {
			t.Fatalf("active session %v after login: status %d, want 200", f.clock.Now().Sub(start), res.status)
		}
		f.clock.Add(DefaultIdleTimeout - 5*time.Minute)
	}
	if res := c.get("/api/session"); res.status != 401 {
		t.Errorf("active session %v after login: status %d, want 401 (SessionLifetime)", f.clock.Now().Sub(start), res.status)
	}
}

// TestSessionTouchIsCheap: a request within a minute of the last extension
// writes nothing; a later one moves the expiry to an idle timeout from now.
func TestSessionTouchIsCheap(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.login("mgr")
	th := c.tokenHash(t)
	login := f.clock.Now()
	f.clock.Add(30 * time.Second)
	c.get("/api/session")
	sess, err := f.store.Session(ctx, th, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !sess.Expires.Equal(login.Add(DefaultIdleTimeout)) {
		t.Errorf("after 30s: expires %v, want unchanged %v", sess.Expires, login.Add(DefaultIdleTimeout))
	}
	f.clock.Add(2 * time.Minute)
	c.get("/api/session")
	if sess, err = f.store.Session(ctx, th, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if want := f.clock.Now().Add(DefaultIdleTimeout); !sess.Expires.Equal(want) {
		t.Errorf("after 2.5m: expires %v, want %v", sess.Expires, want)
	}
}

// TestIdleTimeoutConfig: Config.IdleTimeout replaces the default.
func TestIdleTimeoutConfig(t *testing.T) {
	f := newFixture(t)
	srv, err := NewServer(Config{Store: f.store, Workflow: f.wf, Now: f.clock.Now, IdleTimeout: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if srv.idle != 5*time.Minute {
		t.Errorf("idle = %v, want 5m", srv.idle)
	}
}

// TestLoginEndsPresentedSession: logging in with a session cookie already
// set deletes that session (no fixation), and a login purges expired
// sessions.
func TestLoginEndsPresentedSession(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	stale := f.login("fd")
	staleHash := stale.tokenHash(t)

	c := f.login("mgr")
	old := c.tokenHash(t)
	if res := c.do("POST", "/api/login", map[string]string{"username": "mgr", "password": testPassword}); res.status != 200 {
		t.Fatalf("second login: status %d: %s", res.status, res.body)
	}
	if _, err := f.store.Session(ctx, old, f.clock.Now()); claimgate.ErrorKind(err) != claimgate.NotFound {
		t.Errorf("session presented at login: %v, want NotFound (deleted)", err)
	}
	if res := c.get("/api/session"); res.status != 200 {
		t.Errorf("new session: status %d, want 200", res.status)
	}

	f.clock.Add(SessionLifetime)
	f.login("admin")
	if err := f.store.DeleteSession(ctx, staleHash); claimgate.ErrorKind(err) != claimgate.NotFound {
		t.Errorf("DeleteSession(expired session) after a login = %v, want NotFound (purged)", err)
	}
}
