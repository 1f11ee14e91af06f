// This file is kept identical in x12/elig, x12/status and x12/auth but for
// its package clause (TestCommonFilesAgree checks).

package elig

import (
	"bytes"
	"encoding/json"
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
	"github.com/claimgate/claimgate/x12/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func rawSample(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testshared.Path(t, "testdata", "x12", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkGolden compares v as indented JSON with testdata/name.golden, which
// -update rewrites, and returns the golden bytes.
func checkGolden(t *testing.T, name string, v any) []byte {
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

// setSegments returns the segments of every transaction set in data, ST to
// SE, each as its elements with the default delimiters and without
// trailing empty elements and components, the numeric elements listed in
// numeric (element*100+component for a composite) in canonical form.
func setSegments(t *testing.T, data []byte, numeric map[string][]int) []string {
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

// compareSegments reports the first segments where got differs from want.
// SE is not compared: it is counted afresh (some samples' counts and
// control numbers are wrong), and the written file is checked to have no
// envelope problem instead.
func compareSegments(t *testing.T, name string, want, got []string) {
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

// noFindings validates every transaction set in data with our own engine
// and reports its errors and envelope problems.
func noFindings(t *testing.T, name string, data []byte) {
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

// findings returns the error findings of every set in data by position in
// its set, code and message.
func findings(t *testing.T, data []byte) []string {
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

// testEnvelope is a made-up envelope for synthetic transactions.
func testEnvelope(gs01, version string) Envelope {
	return Envelope{
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

// fuzzWriter returns a Writer inside an open interchange and group, for
// fuzz targets that write one set with WriteSet.
func fuzzWriter(t *testing.T, buf *bytes.Buffer, gs01, version string) *x12.Writer {
	t.Helper()
	env := testEnvelope(gs01, version)
	xw := x12.NewWriter(buf, x12.DefaultDelimiters)
	if err := xw.BeginInterchange(env.Interchange); err != nil {
		t.Fatal(err)
	}
	if err := xw.BeginGroup(env.Group); err != nil {
		t.Fatal(err)
	}
	return xw
}

func endFuzzWriter(t *testing.T, xw *x12.Writer) {
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

func TestCommonFilesAgree(t *testing.T) {
	for _, file := range []string{"common.go", "helpers_test.go"} {
		var first []byte
		for _, pkg := range []string{"elig", "status", "auth"} {
			b, err := os.ReadFile(filepath.Join("..", pkg, file))
			if err != nil {
				t.Fatal(err)
			}
			b = bytes.Replace(b, []byte("package "+pkg+"\n"), []byte("package PKG\n"), 1)
			if first == nil {
				first = b
				continue
			}
			if diff := cmp.Diff(string(first), string(b)); diff != "" {
				t.Errorf("%s: x12/%s's differs from x12/elig's (-elig +%s):\n%s", file, pkg, pkg, diff)
			}
		}
	}
}
