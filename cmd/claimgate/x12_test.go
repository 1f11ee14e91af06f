package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/internal/testshared"
)

// runArgs runs claimgate with args and returns the exit status and
// what it printed.
func runArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	code = run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// small837 is a clean professional claim; positions: ISA 1, GS 2, ST 3,
// BHT 4, NM1 5, PER 6, NM1 7, HL 8, NM1 9, N3 10, N4 11, REF 12, HL 13,
// SBR 14, NM1 15, NM1 16, CLM 17, HI 18, LX 19, SV1 20, DTP 21, SE 22.
const small837 = `ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~
GS*HC*SENDER*RECEIVER*20240101*1200*1*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019*00*244579*20061015*1023*CH~
NM1*41*2*PREMIER BILLING SERVICE*****46*TGJ23~
PER*IC*JERRY*TE*3055552222~
NM1*40*2*KEY INSURANCE COMPANY*****46*66783JJT~
HL*1**20*1~
NM1*85*2*BEN KILDARE SERVICE*****XX*1912301953~
N3*234 SEAWAY ST~
N4*MIAMI*FL*331110000~
REF*EI*587654321~
HL*2*1*22*0~
SBR*P*18*******CI~
NM1*IL*1*SMITH*JANE****MI*JS00111223333~
NM1*PR*2*KEY INSURANCE COMPANY*****PI*999996666~
CLM*26463774*40***11:B:1*Y*A*Y*I~
HI*ABK:J029~
LX*1~
SV1*HC:99213*40*UN*1***1~
DTP*472*D8*20061003~
SE*20*0001~
GE*1*1~
IEA*1*000000001~
`

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestX12Validate(t *testing.T) {
	good := writeTemp(t, "good.837", small837)
	bad := writeTemp(t, "bad.837", strings.NewReplacer("NM1*85*2*BEN KILDARE SERVICE*****XX", "NM1*85*2*BEN KILDARE SERVICE*****XY",
		"N3*234 SEAWAY ST~", "N3*234 SEAWAY ST**~", "IEA*1*000000001", "IEA*1*000000009").Replace(small837))
	tests := []struct {
		name      string
		args      []string
		code      int
		out, errs string
	}{
		{name: "valid", args: []string{good}, code: 0},
		{name: "invalid", args: []string{good, bad}, code: 1,
			out: bad + ":segment 9 (NM1) loop 2010AA element NM108: code \"XY\" not allowed; want XX\n" +
				bad + ":segment 24 (IEA) element IEA02: control number \"000000009\" does not match ISA13 \"000000001\"\n",
			errs: "1 of 2 files invalid\n"},
		{name: "warnings", args: []string{"--warnings", bad}, code: 1,
			out: bad + ":segment 9 (NM1) loop 2010AA element NM108: code \"XY\" not allowed; want XX\n" +
				bad + ":segment 10 (N3) loop 2010AA: warning: segment ends with empty elements (trailing element separators)\n" +
				bad + ":segment 24 (IEA) element IEA02: control number \"000000009\" does not match ISA13 \"000000001\"\n",
			errs: "1 of 1 files invalid\n"},
		{name: "missing file", args: []string{filepath.Join(t.TempDir(), "none.837")}, code: 1, errs: "1 of 1 files invalid\n"},
		{name: "no file", args: nil, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runArgs(t, append([]string{"x12", "validate"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errs)
			}
			if tt.name == "missing file" {
				if !strings.Contains(out, "no such file") {
					t.Errorf("stdout = %q, want the open error", out)
				}
			} else if out != tt.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tt.out)
			}
			if tt.code != 2 && errs != tt.errs {
				t.Errorf("stderr = %q, want %q", errs, tt.errs)
			}
		})
	}
}

func TestX12ValidateSamples(t *testing.T) {
	dir := testshared.Path(t, "testdata", "x12")
	good := filepath.Join(dir, "837P", "lfh-demo.example1.837")
	if code, out, _ := runArgs(t, "x12", "validate", good); code != 0 || out != "" {
		t.Errorf("validate %s: exit %d, output %q; want 0 and nothing", good, code, out)
	}
	bad := filepath.Join(dir, "invalid", "ims-x12_segments_out_of_order.txt")
	code, out, _ := runArgs(t, "x12", "validate", bad)
	lines := strings.Split(out, "\n")
	want := []string{
		bad + `:segment 1 (ISA) element ISA11: ISA11 repetition separator "U" is not a usable delimiter`,
		bad + `:segment 11 (N4) loop 2010AA: required segment N4 "Billing Provider City, State, ZIP Code" is missing before REF`,
		bad + `:segment 12 (N4) loop 2010AA: segment N4 is out of order: it belongs earlier in loop 2010AA`,
	}
	if code != 1 || len(lines) < 3 {
		t.Fatalf("validate %s: exit %d, output:\n%s", bad, code, out)
	}
	if diff := cmp.Diff(want, lines[:3]); diff != "" {
		t.Errorf("validate %s: first lines (-want +got):\n%s", bad, diff)
	}
}

func TestX12Fmt(t *testing.T) {
	p := writeTemp(t, "a.837", small837)
	code, out, errs := runArgs(t, "x12", "fmt", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := map[int]string{
		0:  "        ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~",
		2:  "ST        ST*837*0001*005010X222A1~",
		4:  "1000A       NM1*41*2*PREMIER BILLING SERVICE*****46*TGJ23~",
		8:  "2010AA        NM1*85*2*BEN KILDARE SERVICE*****XX*1912301953~",
		16: "2300            CLM*26463774*40***11:B:1*Y*A*Y*I~",
		19: "2400              SV1*HC:99213*40*UN*1***1~",
		21: "ST        SE*20*0001~",
		23: "        IEA*1*000000001~",
	}
	if len(lines) != 24 {
		t.Fatalf("%d lines, want 24:\n%s", len(lines), out)
	}
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], w)
		}
	}
}

func TestX12Ack(t *testing.T) {
	p := writeTemp(t, "a.837", strings.Replace(small837, "NM1*41*2*", "NM1*41**", 1))
	code, out, errs := runArgs(t, "x12", "ack", "--control", "42", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, body, ok := strings.Cut(out, "ST*999")
	if !ok {
		t.Fatalf("no 999 in:\n%s", out)
	}
	want := "*0001*005010X231A1~\nAK1*HC*1*005010X222A1~\nAK2*837*0001*005010X222A1~\nIK3*NM1*3*1000*8~\nIK4*2*1065*1~\nIK5*R*5~\nAK9*R*1*1*0~\nSE*8*0001~\nGE*1*42~\nIEA*1*000000042~\n"
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("999 (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(out, "ISA*00*          *00*          *ZZ*RECEIVER       *ZZ*SUBMITTER      *") {
		t.Errorf("ISA not addressed back to the sender:\n%s", out)
	}
}

func TestX12JSON(t *testing.T) {
	p := writeTemp(t, "a.837", small837)
	code, out, errs := runArgs(t, "x12", "json", "--tree", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sets []jsonSet
	if err := json.Unmarshal([]byte(out), &sets); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(sets) != 1 || sets[0].ID != "837" || sets[0].Control != "0001" || sets[0].Errors != 0 {
		t.Fatalf("sets = %+v", sets)
	}
	var ids []string
	var walk func(l *jsonLoop)
	walk = func(l *jsonLoop) {
		ids = append(ids, l.ID)
		for _, c := range l.Loops {
			walk(c)
		}
	}
	walk(sets[0].Root)
	if diff := cmp.Diff([]string{"ST", "1000A", "1000B", "2000A", "2010AA", "2000B", "2010BA", "2010BB", "2300", "2400"}, ids); diff != "" {
		t.Errorf("loops (-want +got):\n%s", diff)
	}
	if got := sets[0].Root.Loops[0].Segments[0]; !cmp.Equal(got, []string{"NM1", "41", "2", "PREMIER BILLING SERVICE", "", "", "", "", "46", "TGJ23"}) {
		t.Errorf("1000A NM1 = %q", got)
	}
}

func TestX12Help(t *testing.T) {
	for _, sub := range []string{"validate", "fmt", "ack", "json"} {
		code, _, errs := runArgs(t, "x12", sub, "--help")
		if code != 0 || !strings.Contains(errs, "Usage: claimgate x12 "+sub) {
			t.Errorf("x12 %s --help: exit %d, stderr %q", sub, code, errs)
		}
	}
	if code, out, _ := runArgs(t, "x12", "--help"); code != 0 || !strings.Contains(out, "validate FILE...") {
		t.Errorf("x12 --help: exit %d, stdout %q", code, out)
	}
	if code, _, errs := runArgs(t, "x12", "frobnicate"); code != 2 || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Errorf("x12 frobnicate: exit %d, stderr %q", code, errs)
	}
	if code, _, _ := runArgs(t, "x12", "fmt"); code != 2 {
		t.Errorf("x12 fmt without a file: exit %d, want 2", code)
	}
}

// TestX12JSONTypedModels reads one public sample of each transaction and
// checks that its typed model comes out, with a value a biller would look
// for.
func TestX12JSONTypedModels(t *testing.T) {
	tests := []struct {
		file string
		id   string
		// path into the model, then the value expected there
		path []any
		want any
	}{
		{"835/lfh-secondary-payment.835", "835", []any{"Headers", 0, "Claims", 0, "ID"}, "L0004828311"},
		{"837P/lfh-demo.example1.837", "837", []any{"Envelope", "Interchange", "Version"}, "00501"},
		{"837I/lfh-institutional-claim.837i", "837", []any{"Version"}, nil},
		{"270/lfh-subscriber-health-benefit-check.270", "270", nil, nil},
		{"271/lfh-subscriber-health-benefit-check.271", "271", nil, nil},
		{"276/lfh-claim-level-status.276", "276", nil, nil},
		{"277/lfh-claim-level-status.277", "277", nil, nil},
		{"277CA/ims-x12_277CA_rejected.txt", "277", nil, nil},
		{"999/ims-x12_999_rejected.txt", "999", []any{"Sets", 0, "Status"}, "R"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			code, out, errs := runArgs(t, "x12", "json", testshared.Path(t, "testdata", "x12", tt.file))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var sets []map[string]any
			if err := json.Unmarshal([]byte(out), &sets); err != nil {
				t.Fatal(err)
			}
			if len(sets) == 0 {
				t.Fatal("no sets")
			}
			s := sets[0]
			if s["id"] != tt.id || s["model"] == nil || s["model_error"] != nil || s["root"] != nil {
				t.Fatalf("set = id %v, model_error %v, has model %v, has root %v", s["id"], s["model_error"], s["model"] != nil, s["root"] != nil)
			}
			var v any = s["model"]
			for _, step := range tt.path {
				switch k := step.(type) {
				case string:
					m, ok := v.(map[string]any)
					if !ok {
						t.Fatalf("at %q: %T is not an object", k, v)
					}
					v = m[k]
				case int:
					a, ok := v.([]any)
					if !ok || len(a) <= k {
						t.Fatalf("at [%d]: not an array with that index: %v", k, v)
					}
					v = a[k]
				}
				if v == nil {
					t.Fatalf("model has nothing at %v", tt.path)
				}
			}
			if tt.want != nil && v != tt.want {
				t.Errorf("model at %v = %v, want %v", tt.path, v, tt.want)
			}
		})
	}
}
