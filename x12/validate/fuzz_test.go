package validate

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzValidate feeds arbitrary input to Stream: it must not panic or hang,
// every segment of a set must land in its tree once, and findings must
// point into the set.
func FuzzValidate(f *testing.F) {
	for _, s := range samples(f) {
		if len(s.data) < 64<<10 {
			f.Add(s.data)
		}
	}
	f.Add([]byte(interchange("837", "005010X222A1", base837P)))
	f.Add([]byte(interchange("835", "005010X221A1", base835)))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Stream(bytes.NewReader(data), func(r *SetResult) error {
			if n := countSegments(r.Root); n != len(r.Set.Segments) {
				t.Fatalf("tree holds %d segments, set has %d", n, len(r.Set.Segments))
			}
			for _, fd := range r.Findings {
				if fd.SetPos < 0 || fd.SetPos > len(r.Set.Segments) {
					t.Fatalf("finding at set position %d of %d: %v", fd.SetPos, len(r.Set.Segments), fd)
				}
				if s := fd.String(); !strings.HasPrefix(s, "segment ") || fd.Msg == "" {
					t.Fatalf("finding without a message: %q", s)
				}
			}
			return nil
		})
	})
}
