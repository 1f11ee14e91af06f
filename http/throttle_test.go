package http

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// loginFrom posts an API login from host straight to f's server.
func (f *fixture) loginFrom(host, username, password string) *httptest.ResponseRecorder {
	f.t.Helper()
	body, _ := json.Marshal(loginRequest{username, password})
	req := httptest.NewRequest("POST", "/api/login", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = host + ":40000"
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

func wantThrottled(t *testing.T, what string, rec *httptest.ResponseRecorder, retryAfter string) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("%s: status %d, want 429; body %s", what, rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Retry-After"); got != retryAfter {
		t.Errorf("%s: Retry-After = %q, want %q", what, got, retryAfter)
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || !strings.Contains(p.Detail, "too many failed logins") {
		t.Errorf("%s: problem %+v (%v), want a detail saying too many failed logins", what, p, err)
	}
	if strings.Contains(rec.Header().Get("Set-Cookie"), sessionCookie) {
		t.Errorf("%s: a throttled login set a session cookie", what)
	}
}

// TestLoginThrottledPerUsername: ten failures for one username, from as
// many hosts, refuse even the right password until the window ends.
func TestLoginThrottledPerUsername(t *testing.T) {
	f := newFixture(t)
	for i := range loginMaxFailures {
		if rec := f.loginFrom(fmt.Sprintf("192.0.2.%d", i+1), "mgr", "wrong"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, rec.Code)
		}
	}
	audited := len(f.audits())
	wantThrottled(t, "right password after 10 failures", f.loginFrom("198.51.100.1", "mgr", testPassword), "900")
	f.clock.Add(5 * time.Minute)
	wantThrottled(t, "5 minutes later", f.loginFrom("198.51.100.1", "mgr", "wrong"), "600")
	if n := len(f.audits()); n != audited {
		t.Errorf("throttled attempts wrote %d audit entries: they must stop before the password check", n-audited)
	}
	if rec := f.loginFrom("198.51.100.1", "fd", testPassword); rec.Code != http.StatusOK {
		t.Errorf("another username: status %d, want 200", rec.Code)
	}
	f.clock.Add(10 * time.Minute)
	if rec := f.loginFrom("198.51.100.1", "mgr", testPassword); rec.Code != http.StatusOK {
		t.Errorf("after the window: status %d, want 200; body %s", rec.Code, rec.Body)
	}
}

// TestLoginThrottledPerHost: ten failures from one host, for as many
// usernames, refuse that host but not another.
func TestLoginThrottledPerHost(t *testing.T) {
	f := newFixture(t)
	for i := range loginMaxFailures {
		if rec := f.loginFrom("192.0.2.7", fmt.Sprintf("nobody%d", i), "wrong"); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, rec.Code)
		}
	}
	wantThrottled(t, "same host", f.loginFrom("192.0.2.7", "mgr", testPassword), "900")
	if rec := f.loginFrom("192.0.2.8", "mgr", testPassword); rec.Code != http.StatusOK {
		t.Errorf("other host: status %d, want 200", rec.Code)
	}
}

// TestLoginSuccessClearsFailures: a successful login forgets the
// username's failures.
func TestLoginSuccessClearsFailures(t *testing.T) {
	f := newFixture(t)
	fail := func(n, from int) {
		t.Helper()
		for i := range n {
			if rec := f.loginFrom(fmt.Sprintf("192.0.2.%d", from+i), "mgr", "wrong"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("failure: status %d, want 401", rec.Code)
			}
		}
	}
	fail(loginMaxFailures-1, 1)
	if rec := f.loginFrom("198.51.100.1", "mgr", testPassword); rec.Code != http.StatusOK {
		t.Fatalf("login after 9 failures: status %d, want 200", rec.Code)
	}
	fail(loginMaxFailures-1, 100)
	if rec := f.loginFrom("198.51.100.1", "mgr", testPassword); rec.Code != http.StatusOK {
		t.Errorf("login after 9 more failures: status %d, want 200 (the success cleared the first 9)", rec.Code)
	}
}

// TestLoginLimiterForgetsEndedWindows: the limiter's memory stays bounded.
func TestLoginLimiterForgetsEndedWindows(t *testing.T) {
	l := newLoginLimiter()
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i := range loginMaxKeys {
		l.fail(t0, userKey(fmt.Sprint(i)))
	}
	l.fail(t0.Add(loginWindow), userKey("late"))
	if len(l.fails) != 1 {
		t.Errorf("limiter keeps %d keys after every window ended, want 1", len(l.fails))
	}
}
