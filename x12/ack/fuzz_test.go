package ack

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/x12"
)

// FuzzAck generates the acknowledgment of arbitrary input: it must not
// panic, it must write, and what it writes must read back as the same
// acknowledgment.
func FuzzAck(f *testing.F) {
	files, _ := filepath.Glob(testshared.Path(f, "testdata", "x12", "*", "*"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(isa + gs + claim("0001") + "GE*1*1~IEA*1*000000001~"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ic, err := For(bytes.NewReader(data), Options{Now: testNow})
		if err != nil {
			return
		}
		var buf bytes.Buffer
		w := x12.NewWriter(&buf, ic.Header.Delims)
		if err := Write(w, ic); err != nil {
			t.Fatalf("Write: %v", err)
		}
		w.Flush()
		got, err := Parse(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("Parse(written): %v\n%s", err, buf.Bytes())
		}
		if !cmp.Equal(ic, got) {
			t.Fatalf("read back differs (-written +read):\n%s", cmp.Diff(ic, got))
		}
	})
}
