package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/claimgate/claimgate/codeset"
	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/store/storetest"
)

func TestCodeSets(t *testing.T) {
	storetest.RunCodeSets(t, func(t *testing.T) codeset.Store {
		t.Helper()
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "claimgate.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		})
		return s
	})
}

// BenchmarkImportICD10CM imports the whole FY2022 ICD-10-CM order file
// (95,524 codes) into a new SQLite database per op: parse, hash and save
// in one transaction.
func BenchmarkImportICD10CM(b *testing.B) {
	ctx := context.Background()
	path := testshared.Path(b, "codesets", "icd10cm", "icd10cm-order-2022.txt")
	for b.Loop() {
		b.StopTimer()
		s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		set, created, err := codeset.Import(ctx, s, codeset.ICD10CM, f, codeset.Options{Source: path})
		b.StopTimer()
		if err != nil || !created || set.Count != 95524 {
			b.Fatalf("Import = %v, %v, %v", set, created, err)
		}
		f.Close()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(95524, "codes/op")
}
