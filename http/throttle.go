package http

import (
	"sync"
	"time"
)

// Login throttling limits: after loginMaxFailures failed logins for one
// username, or from one remote host, within loginWindow of the first, further
// attempts are refused until the window ends, without running bcrypt.
const (
	loginMaxFailures = 10
	loginWindow      = 15 * time.Minute
	// loginMaxKeys bounds the limiter's memory: past it, ended windows are
	// dropped on the next failure.
	loginMaxKeys = 10000
)

// loginLimiter counts failed logins per username and per remote host, in a
// fixed window that starts at the first failure. It lives in memory, in one
// process: several server processes each count on their own, and a restart
// forgets every count. It slows guessing down and keeps bcrypt from being
// used to exhaust the CPU; it is not an account lockout.
type loginLimiter struct {
	mu    sync.Mutex
	fails map[string]*failWindow // "user:" + username or "host:" + address
}

type failWindow struct {
	start time.Time
	n     int
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{fails: map[string]*failWindow{}}
}

func userKey(username string) string { return "user:" + username }
func hostKey(host string) string     { return "host:" + host }

// blocked reports whether any key has used up its failures at now, and how
// long until the last of them may try again.
func (l *loginLimiter) blocked(now time.Time, keys ...string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		f, ok := l.fails[k]
		if !ok || f.n < loginMaxFailures {
			continue
		}
		if d := f.start.Add(loginWindow).Sub(now); d > wait {
			wait = d
		}
	}
	return wait, wait > 0
}

// fail counts a failed login against each key.
func (l *loginLimiter) fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.fails) >= loginMaxKeys {
		for k, f := range l.fails {
			if !now.Before(f.start.Add(loginWindow)) {
				delete(l.fails, k)
			}
		}
	}
	for _, k := range keys {
		f, ok := l.fails[k]
		if !ok || !now.Before(f.start.Add(loginWindow)) {
			f = &failWindow{start: now}
			l.fails[k] = f
		}
		f.n++
	}
}

// clear forgets the failures counted against key.
func (l *loginLimiter) clear(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}
