package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/claimgate/claimgate/codeset"
	"github.com/claimgate/claimgate/store/sqlite"
)

// BenchmarkSaveSet saves an NCCI-sized batch of 100,000 edits per op.
func BenchmarkSaveSet(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	edits := make([]codeset.Edit, 100000)
	for i := range edits {
		edits[i] = codeset.Edit{Column1: fmt.Sprintf("%05d", i), Column2: "99213", Modifier: '1', Rationale: "CPT Manual or CMS manual coding instructions"}
	}
	for i := 0; b.Loop(); i++ {
		set := &codeset.Set{Kind: codeset.PTP, Version: fmt.Sprint(i), SHA256: fmt.Sprint(i), Edits: edits}
		if _, err := s.SaveSet(ctx, set); err != nil {
			b.Fatal(err)
		}
	}
}
