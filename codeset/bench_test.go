package codeset

import (
	"testing"
	"time"

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

// BenchmarkValidate validates every code of the FY2022 ICD-10-CM order file
// against an index of the whole file, and reports the cost of one
// validation as a ratio to a baseline measured in the same iteration: a bare
// map[string]struct{} lookup of the same codes. Each iteration makes one
// pass of each over all 95,524 codes, one after the other, and the fastest
// pass of each is kept, so that other work on a shared machine skews the
// ratio as little as possible; each pass is run twice and the second timed,
// so that it finds its own data in the caches. Reported per code: ns/op (Validate, plain
// codes), dotted-ns (Validate, codes written with their dot), baseline-ns,
// and the ratios x-baseline and dotted-x-baseline; s/1M is the time of one
// million plain validations.
func BenchmarkValidate(b *testing.B) {
	s := loadFY2022(b)
	ix := NewIndex(s)
	plain, dotted := benchCodes(s)
	dos := claimgate.Date{Year: 2022, Month: 3, Day: 2}
	set := make(map[string]struct{}, len(plain))
	for _, c := range plain {
		set[c] = struct{}{}
	}
	n := float64(len(plain))
	best := func(prev *time.Duration, d time.Duration) {
		if *prev == 0 || d < *prev {
			*prev = d
		}
	}
	var base, validate, validateDotted time.Duration
	hits := 0
	mapPass := func() {
		for _, c := range plain {
			if _, ok := set[c]; ok {
				hits++
			}
		}
	}
	validatePass := func(codes []string) func() {
		return func() {
			for _, c := range codes {
				sink = ix.Validate(ICD10CM, c, dos).Status
			}
		}
	}
	// timed runs pass twice and times the second, so that each is measured
	// with its own data in the caches, not with what the previous left.
	timed := func(pass func()) time.Duration {
		pass()
		start := time.Now()
		pass()
		return time.Since(start)
	}
	b.ReportAllocs()
	for b.Loop() {
		best(&base, timed(mapPass))
		best(&validate, timed(validatePass(plain)))
		best(&validateDotted, timed(validatePass(dotted)))
	}
	if hits == 0 {
		b.Fatal("baseline found nothing")
	}
	perCode := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / n }
	b.ReportMetric(perCode(validate), "ns/op")
	b.ReportMetric(perCode(validateDotted), "dotted-ns")
	b.ReportMetric(perCode(base), "baseline-ns")
	b.ReportMetric(perCode(validate)/perCode(base), "x-baseline")
	b.ReportMetric(perCode(validateDotted)/perCode(base), "dotted-x-baseline")
	b.ReportMetric(perCode(validate)*1e6/1e9, "s/1M")
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
