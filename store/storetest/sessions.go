package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
)

// testSessionExpiry slides a session's expiry forward with TouchSession and
// purges expired sessions with DeleteExpiredSessions.
func testSessionExpiry(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	f := seed(t, s)
	a := claimgate.Session{TokenHash: bytes.Repeat([]byte{0xa1}, 32), UserID: f.alice.ID, CSRFToken: "a", CreatedAt: t0, Expires: t0.Add(time.Hour)}
	b := claimgate.Session{TokenHash: bytes.Repeat([]byte{0xb2}, 32), UserID: f.alice.ID, CSRFToken: "b", CreatedAt: t0, Expires: t0.Add(2 * time.Hour)}
	must(t, s.CreateSession(ctx, a))
	must(t, s.CreateSession(ctx, b))

	must(t, s.TouchSession(ctx, a.TokenHash, t0.Add(3*time.Hour)))
	got, err := s.Session(ctx, a.TokenHash, t0.Add(150*time.Minute))
	must(t, err)
	a.Expires = t0.Add(3 * time.Hour)
	diff(t, "Session after TouchSession", got, a)
	wantKind(t, "TouchSession(unknown)", s.TouchSession(ctx, []byte("nope"), t0.Add(time.Hour)), claimgate.NotFound)

	n, err := s.DeleteExpiredSessions(ctx, t0.Add(time.Hour))
	must(t, err)
	if n != 0 {
		t.Errorf("DeleteExpiredSessions(before any expiry) = %d, want 0", n)
	}
	// b expires at exactly 2h: Session no longer returns it, so it goes.
	n, err = s.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour))
	must(t, err)
	if n != 1 {
		t.Errorf("DeleteExpiredSessions(b expired) = %d, want 1", n)
	}
	wantKind(t, "DeleteSession(purged b)", s.DeleteSession(ctx, b.TokenHash), claimgate.NotFound)
	if _, err := s.Session(ctx, a.TokenHash, t0.Add(2*time.Hour)); err != nil {
		t.Errorf("Session(a) after the purge: %v", err)
	}
	n, err = s.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour))
	must(t, err)
	if n != 0 {
		t.Errorf("DeleteExpiredSessions again = %d, want 0", n)
	}
}
