package clearinghouse

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/claimgate/claimgate"
)

// RealTime exchanges one request for one response while a user waits: the
// 270/271 eligibility inquiry, the 276/277 claim status inquiry and the 278
// services review. Payers and clearinghouses offer it over HTTPS (CAQH CORE
// connectivity); InProcess serves it from a function, such as the built-in
// test payer.
type RealTime interface {
	// Exchange sends req, an interchange of kind Eligibility,
	// StatusRequest or Services, and returns the response interchange (271,
	// 277 or 278, or a 999 that rejects the request). A request of another kind or one that is not sound X12 is
	// Invalid; a response that does not answer it is an error without a
	// Kind; a deadline or cancellation of ctx is ctx's error.
	Exchange(ctx context.Context, kind Kind, req []byte) ([]byte, error)
}

// answers maps each real-time request kind to its response's ST01.
var answers = map[Kind]string{Eligibility: "271", StatusRequest: "277", Services: "278"}

// DefaultRealTimeTimeout is how long an exchange may take when the caller's
// context has no sooner deadline: CAQH CORE asks for a response within 20
// seconds.
const DefaultRealTimeTimeout = 20 * time.Second

// InProcess is a RealTime served by a function in the same process: the test
// payer plugs in here. An HTTPS client for a real clearinghouse is another
// implementation of the same interface.
type InProcess struct {
	// Serve answers one request.
	Serve func(ctx context.Context, kind Kind, req []byte) ([]byte, error)
	// Timeout bounds an exchange; zero means DefaultRealTimeTimeout.
	Timeout time.Duration
}

// Exchange checks req, calls Serve with a deadline, and checks the response.
// Exchange returns when the deadline passes even if Serve does not.
func (p *InProcess) Exchange(ctx context.Context, kind Kind, req []byte) ([]byte, error) {
	want, ok := answers[kind]
	if !ok {
		return nil, claimgate.Errorf(claimgate.Invalid, "%s is not a real-time request (270, 276 or 278)", kind)
	}
	if _, err := readSets(req, kinds[kind].set, false); err != nil {
		return nil, err
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultRealTimeTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		resp []byte
		err  error
	}
	ch := make(chan result, 1) // buffered: a late Serve does not block forever
	go func() {
		resp, err := p.Serve(ctx, kind, bytes.Clone(req))
		ch <- result{resp, err}
	}()
	var r result
	select {
	case r = <-ch:
	case <-ctx.Done():
		return nil, fmt.Errorf("real-time %s: %w", kind, ctx.Err())
	}
	if r.err != nil {
		return nil, fmt.Errorf("real-time %s: %w", kind, r.err)
	}
	if _, err := readSets(r.resp, want, false); err != nil {
		// A request the payer's system refuses is answered by a 999.
		if _, err999 := readSets(r.resp, "999", false); err999 != nil {
			return nil, fmt.Errorf("real-time %s: the response is not a sound %s (or 999): %v", kind, want, claimgate.ErrorDetails(err))
		}
	}
	return r.resp, nil
}
