package codeset

import (
	"testing"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/internal/testshared"
)

func loadFY2022(b *testing.B) *Set {
	b.Helper()
	return parseFile(b, ICD10CM, testshared.Path(b, "codesets", "icd10cm", "icd10cm-order-2022.txt"), Options{})
}

// benchCodes returns the set's codes as a claim would carry them: in the
// file's order, and with the dot coders write.
func benchCodes(s *Set) (plain, dotted []string) {
	for _, c := range s.Codes {
		plain = append(plain, c.Code)
		dotted = append(dotted, Display(ICD10CM, c.Code))
	}
	return plain, dotted
}

var sink Status

// BenchmarkValidate validates every code of the FY2022 ICD-10-CM file,
// round and round, against an index of the whole file, and reports each
// lookup's cost as a ratio to the baseline: a bare map[string]struct{}
// lookup of the same codes in the same run.
func BenchmarkValidate(b *testing.B) {
	s := loadFY2022(b)
	ix := NewIndex(s)
	plain, dotted := benchCodes(s)
	dos := claimgate.Date{Year: 2022, Month: 3, Day: 2}
	set := make(map[string]struct{}, len(plain))
	for _, c := range plain {
		set[c] = struct{}{}
	}
	var base float64 // ns per baseline lookup, from the sub-benchmark below
	b.Run("map-baseline", func(b *testing.B) {
		n := 0
		for i := 0; b.Loop(); i++ {
			if _, ok := set[plain[i%len(plain)]]; ok {
				n++
			}
		}
		if n == 0 {
			b.Fatal("no hits")
		}
		base = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(1, "x-baseline")
	})
	for _, tc := range []struct {
		name  string
		codes []string
	}{{"plain", plain}, {"dotted", dotted}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				sink = ix.Validate(ICD10CM, tc.codes[i%len(tc.codes)], dos).Status
			}
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/base, "x-baseline")
			b.ReportMetric(ns*1e6/1e9, "s/1M")
		})
	}
}

// BenchmarkPTPEdit looks up one NCCI pair (found) and one pair without an
// edit, in both orders.
func BenchmarkPTPEdit(b *testing.B) {
	ix := NewIndex(BuiltIn()...)
	dos := claimgate.Date{Year: 2024, Month: 3, Day: 1}
	for b.Loop() {
		ix.PTPEdit("80048", "80053", dos)
		ix.PTPEdit("99213", "36415", dos)
	}
}
