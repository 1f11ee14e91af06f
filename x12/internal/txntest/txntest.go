// Package txntest holds the test helpers of the packages of the
// HL-structured transactions (x12/elig, x12/status, x12/auth): reading the
// shared samples, golden files (which -update rewrites), segment by segment
// comparison, validation findings, a made-up envelope and the fuzz
// round trip. Only tests import it.
package txntest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
	"github.com/claimgate/claimgate/x12/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// RawSample returns sample name of transaction dir (such as "271") from
// the shared folder's testdata/x12.
func RawSample(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testshared.Path(t, "testdata", "x12", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CheckGolden compares v as indented JSON with testdata/name.golden, which
// -update rewrites, and returns the golden bytes.
func CheckGolden(t *testing.T, name string, v any) []byte {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s: model differs from golden (-want +got):\n%s", name, diff)
	}
	return want
}

// SetSegments returns the segments of every transaction set in data, ST to
// SE, each as its elements with the default delimiters and without
// trailing empty elements and components, the numeric elements listed in
// numeric (element*100+component for a composite) in canonical form.
func SetSegments(t *testing.T, data []byte, numeric map[string][]int) []string {
	t.Helper()
	sr := x12.NewSetReader(x12.NewReader(bytes.NewReader(data)))
	var out []string
	for {
		ts, err := sr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ts.Segments {
			out = append(out, canonical(s, numeric))
		}
	}
}

func canonical(s *x12.Segment, numeric map[string][]int) string {
	isNum := map[int]bool{}
	for _, i := range numeric[s.ID] {
		isNum[i] = true
	}
	el := []string{s.ID}
	for i := 1; i <= s.Len(); i++ {
		var reps []string
		for r := 1; r <= max(1, s.Repetitions(i)); r++ {
			var comps []string
			n := 0
			if c := s.Repetition(i, r); len(c) > 0 {
				n = strings.Count(string(c), string(s.Delims.Component)) + 1
			}
			for j := 1; j <= n; j++ {
				v := string(s.RepetitionComponent(i, r, j))
				if (isNum[i] || isNum[i*100+j]) && v != "" {
					if d, err := x12.ParseDecimal(v, 6); err == nil {
						v = x12.FormatDecimal(d, 6)
					}
				}
				comps = append(comps, v)
			}
			for len(comps) > 0 && comps[len(comps)-1] == "" {
				comps = comps[:len(comps)-1]
			}
			reps = append(reps, strings.Join(comps, ":"))
		}
		for len(reps) > 0 && reps[len(reps)-1] == "" {
			reps = reps[:len(reps)-1]
		}
		el = append(el, strings.Join(reps, "^"))
	}
	for len(el) > 1 && el[len(el)-1] == "" {
		el = el[:len(el)-1]
	}
	return strings.Join(el, "*")
}

// CompareSegments reports the first segments where got differs from want.
// SE is not compared: it is counted afresh (some samples' counts and
// control numbers are wrong), and the written file is checked to have no
// envelope problem instead.
func CompareSegments(t *testing.T, name string, want, got []string) {
	t.Helper()
	strip := func(ss []string) []string {
		var out []string
		for _, s := range ss {
			if !strings.HasPrefix(s, "SE*") {
				out = append(out, s)
			}
		}
		return out
	}
	if diff := cmp.Diff(strip(want), strip(got)); diff != "" {
		t.Errorf("%s: written segments differ from the sample's (-sample +written):\n%s", name, diff)
	}
}

// NoFindings validates every transaction set in data with our own engine
// and reports its errors and envelope problems.
func NoFindings(t *testing.T, name string, data []byte) {
	t.Helper()
	env, err := validate.Stream(bytes.NewReader(data), func(r *validate.SetResult) error {
		for _, f := range r.Findings {
			if f.Severity == validate.Error {
				t.Errorf("%s: set %s: %v", name, r.Set.ControlNumber, f)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: validate: %v", name, err)
	}
	for _, e := range env {
		t.Errorf("%s: envelope: %v", name, e)
	}
}

// Findings returns the error findings of every set in data by position in
// its set, code and message.
func Findings(t *testing.T, data []byte) []string {
	t.Helper()
	var out []string
	_, err := validate.Stream(bytes.NewReader(data), func(r *validate.SetResult) error {
		for _, f := range r.Findings {
			if f.Severity == validate.Error {
				out = append(out, fmt.Sprintf("%d %s %s", f.SetPos, f.Code, f.Msg))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Envelope is a made-up envelope for synthetic transactions.
func Envelope(gs01, version string) txn.Envelope {
	return txn.Envelope{
		Interchange: x12.InterchangeHeader{
			AuthQualifier: "00", SecurityQualifier: "00",
			SenderQualifier: "ZZ", SenderID: "CLAIMGATE", ReceiverQualifier: "ZZ", ReceiverID: "TESTPAYER",
			Date: "261127", Time: "0930", Version: "00501", ControlNumber: "000000101", AckRequested: "0",
			Usage: "T", Delims: x12.DefaultDelimiters,
		},
		Group: x12.GroupHeader{
			FunctionalID: gs01, SenderCode: "CLAIMGATE", ReceiverCode: "TESTPAYER", Date: "20261127",
			Time: "0930", ControlNumber: "101", Agency: "X", Version: version,
		},
		Control: "0001",
	}
}

// FuzzWriter returns a Writer inside an open interchange and group, for
// fuzz targets that write one set with WriteSet.
func FuzzWriter(t *testing.T, buf *bytes.Buffer, gs01, version string) *x12.Writer {
	t.Helper()
	env := Envelope(gs01, version)
	xw := x12.NewWriter(buf, x12.DefaultDelimiters)
	if err := xw.BeginInterchange(env.Interchange); err != nil {
		t.Fatal(err)
	}
	if err := xw.BeginGroup(env.Group); err != nil {
		t.Fatal(err)
	}
	return xw
}

// EndFuzzWriter closes the group and interchange FuzzWriter opened, and
// flushes.
func EndFuzzWriter(t *testing.T, xw *x12.Writer) {
	t.Helper()
	if err := xw.EndGroup(); err != nil {
		t.Fatal(err)
	}
	if err := xw.EndInterchange(); err != nil {
		t.Fatal(err)
	}
	if err := xw.Flush(); err != nil {
		t.Fatal(err)
	}
}

// RoundTrip is the body of a fuzz target: it reads data with read, and
// what reads without an error it writes again, set by set with writeSet
// into one group (GS01 gs01, GS08 version), reads that back, and fails
// unless it has as many sets and, but for their envelopes (which env
// points to), the same. Write errors of a delimiter in a value, or of
// what the guide does not allow, end it quietly.
func RoundTrip[T any](t *testing.T, data []byte, gs01, version string, read func(io.Reader) ([]T, error),
	writeSet func(t T, xw *x12.Writer, control string) error, env func(T) *txn.Envelope) {
	t.Helper()
	ts, err := read(bytes.NewReader(data))
	if err != nil {
		return
	}
	var out bytes.Buffer
	xw := FuzzWriter(t, &out, gs01, version)
	for i, tr := range ts {
		if err := writeSet(tr, xw, "0001"); err != nil {
			if errors.Is(err, x12.ErrDelimiterInValue) || errors.Is(err, txn.ErrGuide) {
				return // delimiters other than the default ones, or what the guide does not allow
			}
			t.Fatalf("WriteSet %d: %v", i, err)
		}
	}
	EndFuzzWriter(t, xw)
	again, err := read(&out)
	if err != nil {
		t.Fatalf("re-read: %v\n%s", err, out.String())
	}
	if len(again) != len(ts) {
		t.Fatalf("re-read %d sets, want %d", len(again), len(ts))
	}
	for i := range ts {
		*env(ts[i]), *env(again[i]) = txn.Envelope{}, txn.Envelope{}
		if diff := cmp.Diff(ts[i], again[i]); diff != "" {
			t.Fatalf("set %d: parse(write(parse)) differs (-first +second):\n%s", i, diff)
		}
	}
}
