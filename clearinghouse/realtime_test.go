package clearinghouse_test

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/ack"
)

func TestInProcess(t *testing.T) {
	req270 := sample(t, "270", "lfh-subscriber-health-benefit-check.270")
	resp271 := sample(t, "271", "lfh-subscriber-health-benefit-check.271")
	req276 := sample(t, "276", firstSample(t, "276"))
	resp277 := sample(t, "277", firstSample(t, "277"))
	resp999 := ack999(t, req270)
	block := func(ctx context.Context, _ clearinghouse.Kind, _ []byte) ([]byte, error) {
		time.Sleep(time.Second) // ignores ctx, as a stuck payer would
		return resp271, nil
	}
	tests := []struct {
		name    string
		kind    clearinghouse.Kind
		req     []byte
		serve   func(ctx context.Context, kind clearinghouse.Kind, req []byte) ([]byte, error)
		ctx     func() (context.Context, context.CancelFunc)
		want    []byte
		wantErr func(err error) bool
	}{
		{name: "eligibility", kind: clearinghouse.Eligibility, req: req270, want: resp271,
			serve: func(_ context.Context, k clearinghouse.Kind, req []byte) ([]byte, error) {
				if k != clearinghouse.Eligibility || !bytes.Equal(req, req270) {
					return nil, errors.New("wrong request")
				}
				return resp271, nil
			}},
		{name: "claim status", kind: clearinghouse.StatusRequest, req: req276, want: resp277,
			serve: func(context.Context, clearinghouse.Kind, []byte) ([]byte, error) { return resp277, nil }},
		{name: "request rejected with a 999", kind: clearinghouse.Eligibility, req: req270, want: resp999,
			serve: func(context.Context, clearinghouse.Kind, []byte) ([]byte, error) { return resp999, nil }},
		{name: "not a real-time kind", kind: clearinghouse.Claim837P, req: req270, wantErr: isKind(claimgate.Invalid)},
		{name: "request of another kind", kind: clearinghouse.StatusRequest, req: req270, wantErr: isKind(claimgate.Invalid)},
		{name: "request not X12", kind: clearinghouse.Eligibility, req: []byte("is Pat covered?"), wantErr: isKind(claimgate.Invalid)},
		{name: "payer fails", kind: clearinghouse.Eligibility, req: req270,
			serve: func(context.Context, clearinghouse.Kind, []byte) ([]byte, error) {
				return nil, errors.New("connection reset")
			},
			wantErr: func(err error) bool { return err != nil && claimgate.ErrorKind(err) == claimgate.Internal }},
		{name: "answer to another question", kind: clearinghouse.Eligibility, req: req270,
			serve:   func(context.Context, clearinghouse.Kind, []byte) ([]byte, error) { return resp277, nil },
			wantErr: func(err error) bool { return err != nil && claimgate.ErrorKind(err) == claimgate.Internal }},
		{name: "payer too slow", kind: clearinghouse.Eligibility, req: req270, serve: block,
			wantErr: func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{name: "caller gives up", kind: clearinghouse.Eligibility, req: req270, serve: block,
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(20*time.Millisecond, cancel)
				return ctx, cancel
			},
			wantErr: func(err error) bool { return errors.Is(err, context.Canceled) }},
		{name: "payer sees the deadline", kind: clearinghouse.Eligibility, req: req270, want: resp271,
			serve: func(ctx context.Context, _ clearinghouse.Kind, _ []byte) ([]byte, error) {
				if d, ok := ctx.Deadline(); !ok || time.Until(d) > 100*time.Millisecond {
					return nil, errors.New("no deadline")
				}
				return resp271, nil
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var called atomic.Bool
			rt := &clearinghouse.InProcess{Timeout: 100 * time.Millisecond,
				Serve: func(ctx context.Context, k clearinghouse.Kind, req []byte) ([]byte, error) {
					called.Store(true)
					if tc.serve == nil {
						return nil, errors.New("Serve called")
					}
					return tc.serve(ctx, k, req)
				}}
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			start := time.Now()
			var r clearinghouse.RealTime = rt
			got, err := r.Exchange(ctx, tc.kind, tc.req)
			if tc.wantErr != nil {
				if !tc.wantErr(err) {
					t.Errorf("Exchange = %v", err)
				}
			} else if err != nil {
				t.Errorf("Exchange: %v", err)
			} else if !bytes.Equal(got, tc.want) {
				t.Errorf("Exchange returned %.40q..., want %.40q...", got, tc.want)
			}
			if time.Since(start) > 500*time.Millisecond {
				t.Errorf("Exchange took %v, past its 100ms timeout", time.Since(start))
			}
			if tc.serve == nil && called.Load() {
				t.Error("Serve called for a request refused before sending")
			}
		})
	}
}

// ack999 returns the 999 that answers req.
func ack999(t *testing.T, req []byte) []byte {
	t.Helper()
	ic, err := ack.For(bytes.NewReader(req), ack.Options{ControlNumber: 7, Now: t0})
	must(t, err)
	var buf bytes.Buffer
	w := x12.NewWriter(&buf, ic.Header.Delims)
	must(t, ack.Write(w, ic))
	must(t, w.Flush())
	return buf.Bytes()
}

func isKind(k claimgate.Kind) func(error) bool {
	return func(err error) bool { return err != nil && claimgate.ErrorKind(err) == k }
}

// firstSample names the first public sample in testdata/x12/dir.
func firstSample(t *testing.T, dir string) string {
	t.Helper()
	es, err := osReadDir(t, dir)
	if err != nil || len(es) == 0 {
		t.Fatalf("no samples in %s: %v", dir, err)
	}
	return es[0]
}
