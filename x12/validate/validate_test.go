package validate

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/x12"
)

// interchange wraps the body of one transaction set (the segments between
// ST and SE) in ISA, GS, ST ... SE, GE, IEA with correct counts. Positions:
// ISA 1, GS 2, ST 3, the body from 4.
func interchange(st01, version string, body []string) string {
	var b strings.Builder
	b.WriteString("ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\n")
	fmt.Fprintf(&b, "GS*%s*SENDER*RECEIVER*20240101*1200*1*X*%s~\n", map[string]string{"837": "HC", "835": "HP", "999": "FA"}[st01], version)
	fmt.Fprintf(&b, "ST*%s*0001*%s~\n", st01, version)
	for _, s := range body {
		b.WriteString(s + "~\n")
	}
	fmt.Fprintf(&b, "SE*%d*0001~\nGE*1*1~\nIEA*1*000000001~\n", len(body)+2)
	return b.String()
}

// readSet reads the one transaction set of text.
func readSet(t *testing.T, text string) *x12.TransactionSet {
	t.Helper()
	sr := x12.NewSetReader(x12.NewReader(strings.NewReader(text)))
	ts, err := sr.Next()
	if err != nil {
		t.Fatalf("read set: %v", err)
	}
	return ts
}

// base837P is a clean professional claim. Positions: BHT 4, NM1*41 5, PER 6,
// NM1*40 7, HL 8, NM1*85 9, N3 10, N4 11, REF 12, HL 13, SBR 14, NM1*IL 15,
// NM1*PR 16, CLM 17, HI 18, LX 19, SV1 20, DTP 21, LX 22, SV1 23, DTP 24,
// SE 25.
var base837P = []string{
	"BHT*0019*00*244579*20061015*1023*CH",
	"NM1*41*2*PREMIER BILLING SERVICE*****46*TGJ23",
	"PER*IC*JERRY*TE*3055552222",
	"NM1*40*2*KEY INSURANCE COMPANY*****46*66783JJT",
	"HL*1**20*1",
	"NM1*85*2*BEN KILDARE SERVICE*****XX*1912301953",
	"N3*234 SEAWAY ST",
	"N4*MIAMI*FL*331110000",
	"REF*EI*587654321",
	"HL*2*1*22*0",
	"SBR*P*18*******CI",
	"NM1*IL*1*SMITH*JANE****MI*JS00111223333",
	"NM1*PR*2*KEY INSURANCE COMPANY*****PI*999996666",
	"CLM*26463774*55***11:B:1*Y*A*Y*I",
	"HI*ABK:J029*ABF:R509",
	"LX*1",
	"SV1*HC:99213*40*UN*1***1:2",
	"DTP*472*D8*20061003",
	"LX*2",
	"SV1*HC:87070*15*UN*1***1",
	"DTP*472*D8*20061003",
}

// edit returns a copy of base with the segments at body positions
// (ST = 3, so base[0] is position 4) replaced, inserted or removed: a key
// "12" replaces position 12, "12+" inserts after it, and an empty value
// removes it.
func edit(base []string, changes map[string]string) []string {
	var out []string
	for i, s := range base {
		pos := fmt.Sprint(i + 4)
		if v, ok := changes[pos]; ok {
			if v != "" {
				out = append(out, strings.Split(v, "~")...)
			}
		} else {
			out = append(out, s)
		}
		if v, ok := changes[pos+"+"]; ok {
			out = append(out, strings.Split(v, "~")...)
		}
	}
	return out
}

// short is a finding reduced to what a test compares.
type short struct {
	Pos  int
	ID   string
	Loop string
	Ref  string
	Code string
	Msg  string
}

func shorten(fs []Finding, keep func(Finding) bool) []short {
	var out []short
	for _, f := range fs {
		if keep != nil && !keep(f) {
			continue
		}
		out = append(out, short{f.Pos, f.SegmentID, f.Loop, f.Ref, f.Code, f.Msg})
	}
	return out
}

func TestBaseIsClean(t *testing.T) {
	_, got := Transaction(readSet(t, interchange("837", "005010X222A1", base837P)))
	if len(got) > 0 {
		t.Errorf("clean claim: findings %v", shorten(got, nil))
	}
}

func TestTransaction837P(t *testing.T) {
	table := func(f Finding) bool { return f.Rule == "" }
	tests := []struct {
		name    string
		changes map[string]string
		want    []short
	}{
		{"unexpected segment", map[string]string{"9+": "CLP*1*1*1*1**12*1"},
			[]short{{10, "CLP", "2010AA", "", "6", "segment CLP is not part of transaction set 837"}}},
		{"unrecognized segment ID", map[string]string{"9+": "cl*1"},
			[]short{{10, "cl", "2010AA", "", "1", `"cl" is not a segment ID`}}},
		{"segment not expected here", map[string]string{"9+": "SBR*P*18*******CI"},
			[]short{{10, "SBR", "2010AA", "", "2", "segment SBR*P is not expected here"}}},
		{"out of order", map[string]string{"10": "N4*MIAMI*FL*331110000", "11": "N3*234 SEAWAY ST"},
			[]short{
				{10, "N3", "2010AA", "", "3", `required segment N3 "Billing Provider Address" is missing before N4`},
				{11, "N3", "2010AA", "", "7", "segment N3 is out of order: it belongs earlier in loop 2010AA"},
			}},
		{"missing required segment", map[string]string{"10": ""},
			[]short{{10, "N3", "2010AA", "", "3", `required segment N3 "Billing Provider Address" is missing before N4`}}},
		{"missing required loop", map[string]string{"7": ""},
			[]short{{7, "NM1", "ST", "", "3", `required loop 1000B "Receiver Name" is missing before HL`}}},
		{"segment over max use", map[string]string{"6+": "PER*IC*JERRY*TE*3055552222~PER*IC*JERRY*TE*3055552222"},
			[]short{{8, "PER", "1000A", "", "5", `PER "Submitter EDI Contact Information" occurs 3 times, at most 2`}}},
		{"loop over max", map[string]string{"9": "NM1*85*2*BEN KILDARE SERVICE*****XX*1912301953~N3*1 A ST~N4*MIAMI*FL*331110000~REF*EI*587654321~NM1*85*2*X*****XX*1912301953"},
			[]short{{13, "NM1", "2010AA", "", "4", `loop 2010AA "Billing Provider Name" occurs 2 times, at most 1`}}},
		{"required element missing", map[string]string{"5": "NM1*41**PREMIER BILLING SERVICE*****46*TGJ23"},
			[]short{{5, "NM1", "1000A", "NM102", "1", `required "Entity Type Qualifier" is missing`}}},
		{"bad code", map[string]string{"9": "NM1*85*2*BEN KILDARE SERVICE*****XY*1912301953"},
			[]short{{9, "NM1", "2010AA", "NM108", "7", `code "XY" not allowed; want XX`}}},
		{"not used element", map[string]string{"10": "N3*234 SEAWAY ST*APT 1*X"},
			[]short{{10, "N3", "2010AA", "N303", "3", "segment has 3 elements, at most 2"}}},
		{"too long", map[string]string{"16": "NM1*PR*2*KEY INSURANCE COMPANY*****PI*" + strings.Repeat("9", 81)},
			[]short{{16, "NM1", "2010BB", "NM109", "5", "too long: 81 characters, at most 80"}}},
		{"too short", map[string]string{"4": "BHT*0019*00*244579*200610*1023*CH"},
			[]short{{4, "BHT", "ST", "BHT04", "4", "too short: 6 characters, at least 8"}}},
		{"bad date", map[string]string{"4": "BHT*0019*00*244579*20060230*1023*CH"},
			[]short{{4, "BHT", "ST", "BHT04", "8", "not a valid date (CCYYMMDD)"}}},
		{"bad time", map[string]string{"4": "BHT*0019*00*244579*20061015*2561*CH"},
			[]short{{4, "BHT", "ST", "BHT05", "9", "not a valid time (HHMM, HHMMSS, HHMMSSD or HHMMSSDD)"}}},
		{"bad number", map[string]string{"20": "SV1*HC:99213*4O*UN*1***1:2"},
			[]short{{20, "SV1", "2400", "SV102", "6", "not a decimal number (type R)"}}},
		{"qualified date", map[string]string{"21": "DTP*472*D8*2006100"},
			[]short{{21, "DTP", "2400", "DTP03", "8", "not a valid D8 date (CCYYMMDD)"}}},
		{"date range backwards", map[string]string{"21": "DTP*472*RD8*20061005-20061003"},
			[]short{{21, "DTP", "2400", "DTP03", "8", "RD8 date range ends before it starts"}}},
		{"composite component missing", map[string]string{"17": "CLM*26463774*55***11::1*Y*A*Y*I"},
			[]short{{17, "CLM", "2300", "CLM05-2", "1", `required "Facility Code Qualifier" is missing`}}},
		{"too many components", map[string]string{"17": "CLM*26463774*55***11:B:1:9*Y*A*Y*I"},
			[]short{{17, "CLM", "2300", "CLM05", "13", "has 4 components, at most 3"}}},
		{"too many repetitions", map[string]string{"15": "NM1*IL*1*SMITH^JONES*JANE****MI*JS00111223333"},
			[]short{{15, "NM1", "2010BA", "NM103", "12", "repeats 2 times, at most 1"}}},
		{"trailing separators", map[string]string{"10": "N3*234 SEAWAY ST**"},
			[]short{{10, "N3", "2010AA", "", "", "segment ends with empty elements (trailing element separators)"}}},
		{"qualifier wrong, placed by ID", map[string]string{"9": "NM1*117*2*BEN KILDARE SERVICE*****XX*1912301953"},
			[]short{{9, "NM1", "2010AA", "NM101", "7", `code "117" not allowed; want 85`}}},
		{"same-position segments in any order", map[string]string{"17+": "DTP*454*D8*20061001~DTP*431*D8*20061001"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := readSet(t, interchange("837", "005010X222A1", edit(base837P, tt.changes)))
			_, findings := Transaction(ts)
			got := shorten(findings, table)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTree(t *testing.T) {
	root, _ := Transaction(readSet(t, interchange("837", "005010X222A1", base837P)))
	var got []string
	var dump func(l *Loop, depth int)
	dump = func(l *Loop, depth int) {
		var ids []string
		for _, s := range l.Segments {
			ids = append(ids, s.ID)
		}
		got = append(got, fmt.Sprintf("%s%s %s", strings.Repeat(" ", depth), l.ID, strings.Join(ids, ",")))
		for _, c := range l.Loops {
			dump(c, depth+1)
		}
	}
	dump(root, 0)
	want := []string{
		"ST ST,BHT,SE",
		" 1000A NM1,PER",
		" 1000B NM1",
		" 2000A HL",
		"  2010AA NM1,N3,N4,REF",
		"  2000B HL,SBR",
		"   2010BA NM1",
		"   2010BB NM1",
		"   2300 CLM,HI",
		"    2400 LX,SV1,DTP",
		"    2400 LX,SV1,DTP",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	clm := root.Child("2000A").Child("2000B").Child("2300")
	if p := clm.Path(); p != "ST/2000A/2000B/2300" {
		t.Errorf("Path = %q", p)
	}
	if n := len(clm.Children("2400")); n != 2 {
		t.Errorf("2400 loops = %d, want 2", n)
	}
}

func TestFindingString(t *testing.T) {
	f := Finding{Pos: 23, SegmentID: "NM1", Loop: "2010BA", Ref: "NM108", Msg: `code "XX" not allowed; want MI or II`}
	if got, want := f.String(), `segment 23 (NM1) in loop 2010BA: element NM108: code "XX" not allowed; want MI or II`; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	w := Finding{Severity: Warning, SetPos: 4, SegmentID: "N3", Msg: "trailing"}
	if got, want := w.String(), "segment 4 (N3): warning: trailing"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func TestUnsupportedSet(t *testing.T) {
	ts := readSet(t, interchange("837", "005010X999", base837P[:2]))
	root, got := Transaction(ts)
	want := []short{{3, "ST", "ST", "", "1", `no implementation guide table for transaction set 837 version "005010X999"`}}
	if diff := cmp.Diff(want, shorten(got, nil)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(root.Segments) != 4 {
		t.Errorf("root holds %d segments, want 4", len(root.Segments))
	}
}

func TestEnvelopeFindings(t *testing.T) {
	text := strings.Replace(interchange("837", "005010X222A1", base837P), "SE*23*0001", "SE*22*0002", 1)
	_, got := Transaction(readSet(t, text))
	want := []short{
		{25, "SE", "ST", "SE01", "4", "segment count 22 does not match 23 segments counted"},
		{25, "SE", "ST", "SE02", "3", `control number "0002" does not match ST02 "0001"`},
	}
	if diff := cmp.Diff(want, shorten(got, nil)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestInvalidSamples holds the deliberately broken public samples to the
// segment and kind of their defect.
func TestInvalidSamples(t *testing.T) {
	tests := []struct {
		file string
		want short // the first finding of the table (not of a rule) at Pos
	}{
		{"ims-x12_bad_valid_code.txt", short{9, "NM1", "2010AA", "NM101", "7", `code "117" not allowed; want 85`}},
		{"ims-x12_loop_errors3_missing_loops.txt", short{9, "NM1", "2000A", "", "3", `required loop 2010AA "Billing Provider Name" is missing before NM1`}},
		{"ims-x12_missing_elements.txt", short{7, "NM1", "1000B", "NM102", "1", `required "Entity Type Qualifier" is missing`}},
		{"ims-x12_segments_out_of_order.txt", short{11, "N4", "2010AA", "", "3", `required segment N4 "Billing Provider City, State, ZIP Code" is missing before REF`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(testshared.Path(t, "testdata", "x12", "invalid", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var first *Finding
			_, err = Stream(bytes.NewReader(b), func(r *SetResult) error {
				for i, f := range r.Findings {
					if f.Rule == "" && f.Level != SetLevel && f.SegmentID != "ST" && first == nil {
						first = &r.Findings[i]
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if first == nil {
				t.Fatal("no finding")
			}
			got := shorten([]Finding{*first}, nil)[0]
			if got != tt.want {
				t.Errorf("first finding = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSamples reads every public sample without a crash and keeps every
// segment of each set in its tree, once.
func TestSamples(t *testing.T) {
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			_, err := Stream(bytes.NewReader(s.data), func(r *SetResult) error {
				if n := countSegments(r.Root); n != len(r.Set.Segments) {
					t.Errorf("set %s: tree holds %d segments, set has %d", r.Set.ControlNumber, n, len(r.Set.Segments))
				}
				return nil
			})
			if err != nil {
				t.Errorf("Stream: %v", err)
			}
		})
	}
}

func countSegments(l *Loop) int {
	n := len(l.Segments)
	for _, c := range l.Loops {
		n += countSegments(c)
	}
	return n
}

type sample struct {
	name string
	data []byte
}

// samples returns every public X12 sample, except the Markdown notes.
func samples(tb testing.TB) []sample {
	tb.Helper()
	root := testshared.Path(tb, "testdata", "x12")
	var out []sample
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, sample{filepath.ToSlash(rel), b})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) < 40 {
		tb.Fatalf("found %d samples, want at least 40", len(out))
	}
	return out
}

// TestSegmentsMatchesStream: validating segment by segment finds what
// Transaction finds, less the situational rules, on every sample.
func TestSegmentsMatchesStream(t *testing.T) {
	for _, s := range samples(t) {
		t.Run(s.name, func(t *testing.T) {
			var want, got []Finding
			envWant, errWant := Stream(bytes.NewReader(s.data), func(r *SetResult) error {
				for _, f := range r.Findings {
					if f.Rule == "" {
						want = append(want, f)
					}
				}
				return nil
			})
			envGot, errGot := Segments(bytes.NewReader(s.data), func(h x12.SetHeader, fs []Finding) error {
				got = append(got, fs...)
				return nil
			})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Segments differs from Stream (-stream +segments):\n%s", diff)
			}
			if fmt.Sprint(envWant, errWant) != fmt.Sprint(envGot, errGot) {
				t.Errorf("envelope: Stream %v %v, Segments %v %v", envWant, errWant, envGot, errGot)
			}
		})
	}
}

func TestValidDate(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"20240229", true}, {"20230229", false}, {"19000229", false}, {"20000229", true},
		{"20241231", true}, {"20241301", false}, {"20240100", false}, {"20240431", false},
		{"18991231", false}, {"2024010", false}, {"2024O101", false},
		{"240229", true}, {"230229", false}, {"991231", true}, {"", false},
	}
	for _, tt := range tests {
		if got := validDate([]byte(tt.v)); got != tt.want {
			t.Errorf("validDate(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestValidNumber(t *testing.T) {
	tests := []struct {
		v       string
		decimal bool
		want    bool
	}{
		{"12", false, true}, {"-12", false, true}, {"1.5", false, false}, {"+1", false, false}, {"", false, false}, {"-", false, false},
		{"1.5", true, true}, {"-.5", true, true}, {"1.", true, true}, {"1.2.3", true, false}, {"1e3", true, false}, {".", true, false},
	}
	for _, tt := range tests {
		if got := isNumber([]byte(tt.v), tt.decimal); got != tt.want {
			t.Errorf("isNumber(%q, %v) = %v, want %v", tt.v, tt.decimal, got, tt.want)
		}
	}
}

// TestNoSE: a set cut off before SE reports the trailer missing and what
// its open loops still required.
func TestNoSE(t *testing.T) {
	text := interchange("837", "005010X222A1", base837P[:9]) // through 2010AA's REF
	text = text[:strings.Index(text, "SE*")] + "GE*1*1~IEA*1*000000001~"
	_, got := Transaction(readSet(t, text))
	want := []short{
		{3, "ST", "ST", "", "2", "transaction set 0001 has no SE before segment 13 (GE)"},
		{12, "HL", "2000A", "", "3", `required loop 2000B "Subscriber Hierarchical Level" is missing after REF, where the set ends`},
	}
	if diff := cmp.Diff(want, shorten(got, func(f Finding) bool { return f.Rule == "" })); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestTransaction835(t *testing.T) {
	table := func(f Finding) bool { return f.Rule == "" }
	tests := []struct {
		name    string
		changes map[string]string
		want    []short
	}{
		{"clean", nil, nil},
		{"missing PER*BL", map[string]string{"9": ""},
			[]short{{9, "PER", "1000A", "", "3", `required segment PER "Payer Technical Contact Information" is missing before N1`}}},
		{"second service line", map[string]string{"16+": "SVC*HC:55670*0*0**1~DTM*472*20050202"}, nil},
		{"trigger out of its loop", map[string]string{"11+": "SVC*HC:55670*0*0**1"},
			[]short{{12, "SVC", "2000", "", "2", "segment SVC*HC is not expected here"}}},
		{"wrong qualifier placed by ID", map[string]string{"15": "DTM*999*20050202"},
			[]short{{15, "DTM", "2110", "DTM01", "7", "code \"999\" not allowed; want 150, 151 or 472"}}},
		{"claim loop closes back to the header", map[string]string{"16+": "PLB*1234567893*20051231*WO:ABC*0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, findings := Transaction(readSet(t, interchange("835", "005010X221A1", edit(base835, tt.changes))))
			if diff := cmp.Diff(tt.want, shorten(findings, table)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
