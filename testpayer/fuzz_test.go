package testpayer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/claimgate/claimgate/internal/testshared"
)

// samples returns the public 837 samples and their names.
func samples(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for _, dir := range []string{"837P", "837I", "270", "276", "999"} {
		files, err := filepath.Glob(testshared.Path(t, "testdata", "x12", dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[dir+"/"+filepath.Base(f)] = b
		}
	}
	return out
}

// TestSamples runs the public samples through the default payers: whatever
// they hold (payers we do not play, odd structures), every answer passes
// our validator.
func TestSamples(t *testing.T) {
	for name, data := range samples(t) {
		t.Run(name, func(t *testing.T) {
			p, err := New(DefaultConfig(), Options{Now: func() time.Time { return day("2026-03-01") }})
			if err != nil {
				t.Fatal(err)
			}
			files, err := p.HandleBatch(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			paid, err := p.Advance(context.Background(), day("2026-06-01"))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range append(files, paid...) {
				checkValid(t, f.Name, f.Data)
			}
		})
	}
}

func FuzzHandleBatch(f *testing.F) {
	for _, data := range samples(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := New(testConfig(), Options{Now: func() time.Time { return day("2026-03-01") }})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		files, err := p.HandleBatch(ctx, data)
		if err != nil && len(files) > 0 {
			t.Errorf("HandleBatch returned files and error %v", err)
		}
		paid, err := p.Advance(ctx, day("2026-06-01"))
		if err != nil {
			t.Fatalf("Advance: %v", err)
		}
		for _, f := range append(files, paid...) {
			if !bytes.HasPrefix(f.Data, []byte("ISA")) {
				t.Errorf("%s does not start with ISA", f.Name)
			}
		}
		for _, fn := range []func(context.Context, []byte) ([]byte, error){p.Eligibility, p.ClaimStatus, p.Authorization} {
			_, _ = fn(ctx, data) // only a panic would be wrong
		}
	})
}
