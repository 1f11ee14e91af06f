package validate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/x12"
)

// This file holds our engine against pyx12, an independent TR3 validator,
// on the public samples: PYX12-FINDINGS.md lists what pyx12 found in each.
// A finding is compared by segment line (segments counted from the start of
// the file), kind of defect and element. Each difference is explained in
// differences below, or the test fails; an explanation that no longer
// matches anything fails too.

// finding is a finding reduced to what both validators say.
type finding struct {
	line int
	kind string // "missing-element", "bad-code", "unexpected"...
	ref  string // element reference ("NM108", "CLM05-2"), segment or loop ID, or ""
}

func (f finding) String() string { return fmt.Sprintf("line %d %s %s", f.line, f.kind, f.ref) }

// pyx12File is one sample's section of PYX12-FINDINGS.md.
type pyx12File struct {
	name     string // "835/lfh-managed-care.835"
	checked  bool
	count    int // findings pyx12 found; only the first 10 are listed
	findings []finding
	raw      []string
}

var (
	reHeader = regexp.MustCompile(`^### (\S+) — (.*)$`)
	reCount  = regexp.MustCompile(`^(\d+) finding`)
	reLine   = regexp.MustCompile(`^\s+Line:(\d+) \S+ - (.*)$`)
	reRef    = `\(([A-Z0-9]{2,3}\d\d(?:-\d+)?)\)`
	pyx12Msg = []struct {
		re   *regexp.Regexp
		kind string
	}{
		{regexp.MustCompile(`^Segment contains trailing element terminators`), "trailing"},
		{regexp.MustCompile(`^Segment contains a leading space`), "leading-space"},
		{regexp.MustCompile(`^SE id=.* does not match ST id`), "se-control"},
		{regexp.MustCompile(`^SE count of`), "se-count"},
		{regexp.MustCompile(`^IEA id=.* does not match ISA id`), "iea-control"},
		{regexp.MustCompile(`^GE id=.* does not match GS id`), "ge-control"},
		{regexp.MustCompile(`^Mandatory data element ".*" ` + reRef + ` is missing`), "missing-element"},
		{regexp.MustCompile(`^Data element ".*" ` + reRef + ` is too long`), "too-long"},
		{regexp.MustCompile(`^Data element ".*" ` + reRef + ` is too short`), "too-short"},
		{regexp.MustCompile(`^\(.*\) is not a valid code for .* ` + reRef + ` \(`), "bad-code"},
		{regexp.MustCompile(`^Data element ".*" ` + reRef + ` contains an invalid date`), "bad-date"},
		{regexp.MustCompile(`^Data element ".*" ` + reRef + ` contains an invalid time`), "bad-time"},
		{regexp.MustCompile(`^Data element ".*" ` + reRef + ` is marked as Not Used`), "not-used"},
		{regexp.MustCompile(`^Data element .* failed to match the regular expression`), "pattern"},
		{regexp.MustCompile(`^Segment ([A-Z0-9]{2,3})\W.* not found`), "unexpected"},
		{regexp.MustCompile(`^Mandatory segment ".*" \(([A-Z0-9]+)\) missing`), "missing-segment"},
		{regexp.MustCompile(`^Mandatory loop ".*" \(([A-Z0-9]+)\) missing`), "missing-loop"},
		{regexp.MustCompile(`^My HL count`), "hl-count"},
		{regexp.MustCompile(`^HL parent`), "hl-parent"},
	}
)

// parsePyx12 reads PYX12-FINDINGS.md.
func parsePyx12(t *testing.T) []*pyx12File {
	t.Helper()
	b, err := os.ReadFile(testshared.Path(t, "testdata", "x12", "PYX12-FINDINGS.md"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*pyx12File
	var cur *pyx12File
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if m := reHeader.FindStringSubmatch(line); m != nil {
			cur = &pyx12File{name: m[1]}
			files = append(files, cur)
			switch status := m[2]; {
			case status == "OK":
				cur.checked = true
			case reCount.MatchString(status):
				cur.checked = true
				cur.count, _ = strconv.Atoi(reCount.FindStringSubmatch(status)[1])
			case strings.HasPrefix(status, "not checked"):
			default:
				t.Fatalf("PYX12-FINDINGS.md: cannot read status %q of %s", status, cur.name)
			}
			continue
		}
		m := reLine.FindStringSubmatch(line)
		if m == nil || cur == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		f := finding{line: n, kind: "unknown: " + m[2]}
		for _, p := range pyx12Msg {
			if sm := p.re.FindStringSubmatch(m[2]); sm != nil {
				f.kind = p.kind
				if len(sm) > 1 {
					f.ref = normRef(sm[1])
				}
				break
			}
		}
		cur.findings = append(cur.findings, f)
		cur.raw = append(cur.raw, m[2])
	}
	if len(files) < 40 {
		t.Fatalf("PYX12-FINDINGS.md: read %d files, want at least 40", len(files))
	}
	return files
}

// normRef turns pyx12's "CLM05-02" into our "CLM05-2".
func normRef(r string) string {
	if i := strings.IndexByte(r, '-'); i >= 0 {
		n, err := strconv.Atoi(r[i+1:])
		if err == nil {
			return r[:i+1] + strconv.Itoa(n)
		}
	}
	return r
}

// reported is one of our findings with the segment at which it was found:
// pyx12 puts SE problems on the ST line but finds them at the SE.
type reported struct {
	finding
	at int
}

// ours validates a sample and reduces what we find to findings.
func ours(t *testing.T, name string) []reported {
	t.Helper()
	data, err := os.ReadFile(testshared.Path(t, "testdata", "x12", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	ids := segmentIDs(t, data)
	// header returns the position of the closest earlier header segment.
	header := func(pos int, id string) int {
		for p := pos; p >= 1; p-- {
			if p < len(ids) && ids[p] == id {
				return p
			}
		}
		return pos
	}
	var out []reported
	env, err := Stream(bytes.NewReader(data), func(r *SetResult) error {
		for _, f := range r.Findings {
			out = append(out, reported{reduce(f, r.Set.Pos), f.Pos})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: Stream: %v", name, err)
	}
	for _, e := range env {
		if e.SetSegment != 0 {
			continue // in a set's findings already
		}
		f := finding{line: e.Segment, kind: "envelope", ref: elementRef(e.SegmentID, e.Element, e.Component)}
		switch {
		case errors.Is(e.Err, x12.ErrControlNumberMismatch) && e.SegmentID == "IEA":
			f = finding{line: header(e.Segment, "ISA"), kind: "iea-control"}
		case errors.Is(e.Err, x12.ErrControlNumberMismatch) && e.SegmentID == "GE":
			f = finding{line: header(e.Segment, "GS"), kind: "ge-control"}
		case errors.Is(e.Err, x12.ErrInvalidValue) && e.SegmentID == "GS" && e.Element == 5:
			f.kind = "bad-time"
		case errors.Is(e.Err, x12.ErrInvalidValue) && e.SegmentID == "GS" && e.Element == 4:
			f.kind = "bad-date"
		case errors.Is(e.Err, x12.ErrVersion):
			f.kind = "version"
		}
		out = append(out, reported{f, e.Segment})
	}
	return out
}

// segmentIDs returns the ID of each segment by file position.
func segmentIDs(t *testing.T, data []byte) []string {
	r := x12.NewReader(bytes.NewReader(data))
	ids := []string{""}
	for {
		s, err := r.Next()
		if err == io.EOF {
			return ids
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		ids = append(ids, s.ID)
	}
}

// reduce maps one of our findings to pyx12's terms. Set findings go on the
// ST line, where pyx12 puts them.
func reduce(f Finding, stPos int) finding {
	r := finding{line: f.Pos, ref: f.Ref}
	switch {
	case f.Severity == Warning:
		r.kind, r.ref = "trailing", ""
	case f.Rule == "837-billing-zip":
		r.kind, r.ref = "pattern", ""
	case f.Rule == "hl-sequence":
		r.kind, r.ref = "hl-count", ""
	case f.Rule == "hl-parent":
		r.kind, r.ref = "hl-parent", ""
	case f.Rule != "":
		r.kind = "rule:" + f.Rule
	case f.Level == SetLevel && f.Code == "":
		r.kind, r.ref = "too-many", ""
	case f.Level == SetLevel:
		r.line, r.ref = stPos, ""
		r.kind = map[string]string{CodeControlMismatch: "se-control", CodeCountMismatch: "se-count", CodeSetNotSupported: "unsupported"}[f.Code]
		if r.kind == "" {
			r.kind = "set:" + f.Code
		}
	case f.Level == SegmentLevel:
		r.ref = f.SegmentID
		switch f.Code {
		case CodeMissingSegment:
			r.kind = "missing-segment"
			if rest, ok := strings.CutPrefix(f.Msg, "required loop "); ok {
				r.kind, r.ref = "missing-loop", strings.Fields(rest)[0]
			}
		case CodeUnrecognizedSegment, CodeUnexpectedSegment, CodeNotInSet, CodeOutOfSequence:
			r.kind = "unexpected"
		default:
			r.kind = "segment:" + f.Code
		}
	default:
		r.kind = map[string]string{
			CodeElementMissing: "missing-element", CodeTooShort: "too-short", CodeTooLong: "too-long",
			CodeBadCode: "bad-code", CodeBadDate: "bad-date", CodeBadTime: "bad-time", CodeElementNotUsed: "not-used",
		}[f.Code]
		if r.kind == "" {
			r.kind = "element:" + f.Code
		}
	}
	return r
}

// A difference is a finding only one of the validators reports, and why
// ours is right.
type difference struct {
	file string // path.Match pattern of the sample, below testdata/x12
	line int    // 0 for any line
	kind string
	ref  string // "*" for any
	ours bool   // true: only we report it; false: only pyx12 does
	why  string
}

func (d difference) match(file string, f finding, ours bool) bool {
	ok, _ := path.Match(d.file, file)
	return ok && d.ours == ours && (d.line == 0 || d.line == f.line) && d.kind == f.kind && (d.ref == "*" || d.ref == f.ref)
}

var differences = []difference{
	// Checks pyx12 does not make.
	{"*/*", 0, "rule:837-claim-balance", "CLM02", true,
		"TR3 2300 CLM02: the total claim charge must equal the sum of the service line charges (SV102, SV203); pyx12 does not add them up"},
	{"*/*", 0, "rule:837-patient-level", "*", true,
		"TR3 2000B SBR02: 18 when the subscriber is the patient, else a 2000C patient level follows; pyx12 does not relate SBR02 to the hierarchy"},
	{"*/*", 0, "rule:hl-child-code", "HL04", true,
		"HL04 is 1 only when subordinate HL levels follow; these 2000B levels say 1 and have none; pyx12 does not check HL04"},
	{"837P/*", 0, "pattern", "", true,
		"TR3 837P 2010AA N403 requires the full nine-digit ZIP code, as 837I does; pyx12's 837P map has the pattern only for 837I"},
	{"invalid/*", 0, "pattern", "", true,
		"TR3 837P 2010AA N403 requires the full nine-digit ZIP code; pyx12's 837P map has the pattern only for 837I"},
	{"*/*", 0, "missing-element", "ST03", true,
		"every 5010 TR3 marks ST03 (implementation convention reference) Required; pyx12's maps do not enforce it"},
	{"*/*", 1, "envelope", "ISA11", true,
		"in version 00501 ISA11 is the repetition separator, so the 4010 value U is not a delimiter (x12.Checker); pyx12 does not check ISA11"},

	// Segments whose composites use a separator other than ISA16 ("HC>55669"
	// where ISA16 is ":"). pyx12 cannot match them by their qualifier and
	// reports them, and every segment of their loop, as not found; we place
	// them by segment ID and report the garbled component.
	{"835/lfh-cob-contractural-adjustment.835", 0, "unexpected", "*", false,
		"SVC at line 21 opens loop 2110 for us: its SVC01 uses > instead of ISA16 :, which we report as SVC01-1 too long, bad code and SVC01-2 missing; the 2110 segments after it are then in place"},
	{"835/lfh-cob-contractural-adjustment.835", 21, "too-long", "SVC01-1", true, "see the SVC at line 21"},
	{"835/lfh-cob-contractural-adjustment.835", 21, "bad-code", "SVC01-1", true, "see the SVC at line 21"},
	{"835/lfh-cob-contractural-adjustment.835", 21, "missing-element", "SVC01-2", true, "see the SVC at line 21"},
	{"835/lfh-secondary-payment.835", 0, "unexpected", "*", false,
		"the SVCs at lines 29 and 34 open loop 2110 for us: SVC01 uses > instead of ISA16 :, which we report as SVC01-1 too long, bad code and SVC01-2 missing"},
	{"835/lfh-secondary-payment.835", 0, "too-long", "SVC01-1", true, "see the SVCs at lines 29 and 34"},
	{"835/lfh-secondary-payment.835", 0, "bad-code", "SVC01-1", true, "see the SVCs at lines 29 and 34"},
	{"835/lfh-secondary-payment.835", 0, "missing-element", "SVC01-2", true, "see the SVCs at lines 29 and 34"},
	{"837P/lfh-demo.*", 0, "unexpected", "HI", false,
		"the HI with > inside HI01 is for us the claim's diagnosis segment, with its HI01 components reported"},
	{"837P/lfh-demo.*", 0, "unexpected", "SV1", false,
		"the SV1 with > inside SV101 is for us the line's professional service, with its SV101 components reported"},
	{"837P/lfh-demo.*", 0, "missing-segment", "HI", false,
		"pyx12 reports the HI it could not match as missing; for us it is present, with a garbled HI01"},
	{"837P/lfh-demo.*", 0, "missing-segment", "SV1", false,
		"pyx12 reports the SV1 it could not match as missing; for us it is present, with a garbled SV101"},
	{"837P/lfh-demo.*", 0, "too-long", "HI01-1", true, "HI01 joined by > instead of ISA16 :"},
	{"837P/lfh-demo.*", 0, "bad-code", "HI01-1", true, "HI01 joined by > instead of ISA16 :"},
	{"837P/lfh-demo.*", 0, "missing-element", "HI01-2", true, "HI01 joined by > instead of ISA16 :"},
	{"837P/lfh-demo.*", 0, "too-long", "SV101-1", true, "SV101 joined by > instead of ISA16 :"},
	{"837P/lfh-demo.*", 0, "bad-code", "SV101-1", true, "SV101 joined by > instead of ISA16 :"},
	{"837P/lfh-demo.*", 0, "missing-element", "SV101-2", true, "SV101 joined by > instead of ISA16 :"},
	{"837P/lfh-demo.example9.837", 29, "element:6", "SV107-1", true,
		`SV107-1 is "1.00": a diagnosis pointer is type N0, a whole number`},
	{"837P/lfh-demo.example9.837", 29, "too-long", "SV107-1", true,
		`SV107-1 is "1.00": three digits, where a pointer has at most 2`},
	{"837I/lfh-*", 0, "unexpected", "HI", false,
		"the HI with > inside HI01 is for us the principal diagnosis (and the next HIs the next diagnosis segments), with bad components"},
	{"837I/lfh-out-of-network-repriced-claim.837i", 28, "missing-segment", "HI", false,
		"for us the HI at line 27 is the principal diagnosis, with a garbled HI01"},
	{"837I/lfh-ppo-repriced-claim.837i", 36, "missing-segment", "HI", false,
		"for us the HI at line 33 is the principal diagnosis, with a garbled HI01"},
	{"837I/lfh-*", 0, "too-long", "HI01-1", true, "HI01 joined by > instead of ISA16"},
	{"837I/lfh-*", 0, "bad-code", "HI01-1", true, "HI01 joined by > instead of ISA16"},
	{"837I/lfh-*", 0, "missing-element", "HI01-2", true, "HI01 joined by > instead of ISA16"},

	// Code lists outside the guide, which our tables do not carry.
	{"837P/lfh-demo.*", 0, "bad-code", "CLM05-1", false,
		"CLM05-1 place of service codes are an external code list (CMS, code source 237) our tables do not carry; we report the value's length"},
	{"837P/ims-x12_complex.txt", 36, "bad-code", "N402", false,
		"N402 state codes are an external code list (code source 22) our tables do not carry"},

	// Files pyx12 reads with maps we do not have.
	{"270/ims-x270.txt", 3, "unsupported", "", true,
		"the file is version 004010X092A1; claimgate reads only 5010, pyx12 has 4010 maps"},
	{"270/ims-x270.txt", 0, "version", "*", true, "ISA12 00401 and GS08 004010X092A1 are not 5010"},

	{"999/pyx12-834_ls_le_ls_5010.999.txt", 3, "unsupported", "", true,
		"the 999 names 005010X231, the guide before its errata; x12/spec has the 005010X231A1 table only"},

	// Whitespace between segments.
	{"837I/ims-x223-test.txt", 0, "leading-space", "", false,
		"x12.Reader skips spaces and line breaks between segments, as formatting; the data is the same"},

	// Structure.
	{"invalid/ims-x12_loop_errors3_missing_loops.txt", 12, "missing-loop", "2010AA", false,
		"pyx12 reports the missing 2010AA twice (lines 9 and 12); we report it once, at line 9"},
	{"invalid/ims-x12_bad_valid_code.txt", 0, "unexpected", "*", false,
		"NM1*117 at line 9 is for us the billing provider name 2010AA with NM101 117 not allowed (want 85), so its N3, N4, REF and PER are in place"},
	{"invalid/ims-x12_bad_valid_code.txt", 0, "missing-loop", "2010AA", false,
		"NM1*117 at line 9 is for us 2010AA, with a bad NM101"},
	{"invalid/ims-x12_bad_valid_code.txt", 9, "bad-code", "NM101", true, "NM1*117 at line 9 is for us 2010AA, with a bad NM101"},
	{"277CA/*", 19, "missing-segment", "STC", false,
		"x12/spec/tables/277ca.tr3 marks 2200C STC situational (005010X214: sent when the billing provider level has a status to report); pyx12's map marks it required"},
}

func TestPyx12Findings(t *testing.T) {
	used := make([]bool, len(differences))
	explained := func(file string, f finding, ours bool) bool {
		for i, d := range differences {
			if d.match(file, f, ours) {
				used[i] = true
				return true
			}
		}
		return false
	}
	checked := 0
	for _, pf := range parsePyx12(t) {
		if !pf.checked {
			continue
		}
		checked++
		t.Run(pf.name, func(t *testing.T) {
			got := ours(t, pf.name)
			// pyx12 lists at most 10 findings; beyond the last line listed
			// we cannot know what it found.
			cutoff := 1 << 30
			if pf.count > len(pf.findings) {
				cutoff = 0
				for _, f := range pf.findings {
					if !strings.Contains(f.kind, "-control") && !strings.Contains(f.kind, "-count") {
						cutoff = max(cutoff, f.line)
					}
				}
			}
			have := map[finding]int{}
			for _, f := range got {
				have[f.finding]++
			}
			want := map[finding]int{}
			for i, f := range pf.findings {
				want[f]++
				if strings.HasPrefix(f.kind, "unknown") {
					t.Errorf("cannot classify pyx12 finding %q", pf.raw[i])
				}
				if have[f] > 0 {
					have[f]--
					continue
				}
				if !explained(pf.name, f, false) {
					t.Errorf("pyx12 reports %v (%q); we do not", f, pf.raw[i])
				}
			}
			for _, r := range got {
				f := r.finding
				if want[f] > 0 {
					want[f]--
					continue
				}
				if r.at >= cutoff {
					continue
				}
				if !explained(pf.name, f, true) {
					t.Errorf("we report %v; pyx12 does not", f)
				}
			}
		})
	}
	if checked < 30 {
		t.Errorf("compared %d files, want at least 30", checked)
	}
	if t.Failed() {
		return
	}
	var stale []string
	for i, u := range used {
		if !u {
			stale = append(stale, fmt.Sprintf("%+v", differences[i]))
		}
	}
	sort.Strings(stale)
	for _, s := range stale {
		t.Errorf("difference no longer seen: %s", s)
	}
}
