package spec

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The facts below are ones a biller relies on when reading an eligibility
// response, a claim status response or a claim acknowledgment, or when
// sending the requests: if one of them changes, a table edit has changed what
// claimgate accepts or how it reads a payer's answer.

const (
	vElig   = "005010X279A1" // 270/271
	vStatus = "005010X212"   // 276/277
	vAck    = "005010X214"   // 277CA
	vAuth   = "005010X217"   // 278
)

// eligLookup returns the built-in table for st01 and version.
func eligLookup(t *testing.T, st01, version string) *Transaction {
	t.Helper()
	tr, ok := Lookup(st01, version)
	if !ok {
		t.Fatalf("Lookup(%s, %s): no table", st01, version)
	}
	return tr
}

// eligChildren returns the children of l, reading through wrapper loops.
func eligChildren(l *Loop) []Node {
	var out []Node
	for _, n := range l.Children {
		if n.Loop != nil && n.Loop.Wrapper {
			out = append(out, eligChildren(n.Loop)...)
			continue
		}
		out = append(out, n)
	}
	return out
}

// eligLoop follows a slash-separated path of loop IDs from the root of tr;
// "" is the root.
func eligLoop(t *testing.T, tr *Transaction, path string) *Loop {
	t.Helper()
	l := &tr.Root
	if path == "" {
		return l
	}
	for _, id := range strings.Split(path, "/") {
		var next *Loop
		for _, n := range eligChildren(l) {
			if n.Loop != nil && n.Loop.ID == id {
				next = n.Loop
				break
			}
		}
		if next == nil {
			t.Fatalf("%s %s: no loop %s on path %s", tr.ID, tr.Version, id, path)
		}
		l = next
	}
	return l
}

// eligKeyCodes returns the codes of the first key element (or key component)
// of s.
func eligKeyCodes(s *Segment) []string {
	for _, e := range s.Elements {
		if e.Key {
			return e.Codes
		}
		for _, c := range e.Components {
			if c.Key {
				return c.Codes
			}
		}
	}
	return nil
}

// eligSegment returns the segment id of loop l whose key allows code, or the
// first segment id when code is empty.
func eligSegment(t *testing.T, l *Loop, id, code string) *Segment {
	t.Helper()
	for _, n := range eligChildren(l) {
		s := n.Segment
		if s == nil || s.ID != id {
			continue
		}
		if code == "" || slices.Contains(eligKeyCodes(s), code) {
			return s
		}
	}
	t.Fatalf("loop %s: no segment %s with key %q", l.ID, id, code)
	return nil
}

// eligElement returns the element (or component) ref of s: "EB01", "STC01-1".
func eligElement(t *testing.T, s *Segment, ref string) Element {
	t.Helper()
	base, comp, hasComp := strings.Cut(ref, "-")
	if !strings.HasPrefix(base, s.ID) {
		t.Fatalf("element %s is not in segment %s", ref, s.ID)
	}
	pos, err := strconv.Atoi(strings.TrimPrefix(base, s.ID))
	if err != nil || pos < 1 || pos > len(s.Elements) {
		t.Fatalf("segment %s has no element %s", s.ID, ref)
	}
	e := s.Elements[pos-1]
	if !hasComp {
		return e
	}
	c, err := strconv.Atoi(comp)
	if err != nil || c < 1 || c > len(e.Components) {
		t.Fatalf("element %s%02d has no component %s", s.ID, pos, comp)
	}
	return e.Components[c-1]
}

func TestTablesEligLookup(t *testing.T) {
	tests := []struct {
		st01, version, name string
	}{
		{"270", vElig, "Eligibility Benefit Inquiry"},
		{"271", vElig, "Eligibility Benefit Response"},
		{"276", vStatus, "Claim Status Request"},
		{"277", vStatus, "Claim Status Response"},
		{"277", vAck, "Claim Acknowledgment"},
	}
	for _, tt := range tests {
		t.Run(tt.st01+" "+tt.version, func(t *testing.T) {
			tr := eligLookup(t, tt.st01, tt.version)
			if !strings.Contains(tr.Name, tt.name) {
				t.Errorf("Lookup(%s, %s).Name = %q, want it to contain %q", tt.st01, tt.version, tr.Name, tt.name)
			}
			st := eligSegment(t, &tr.Root, "ST", "")
			if got := eligElement(t, st, "ST03").Codes; !slices.Contains(got, tt.version) {
				t.Errorf("%s %s ST03 codes = %v, want %s among them", tt.st01, tt.version, got, tt.version)
			}
		})
	}
	// 277 and 277CA share ST01: the version alone picks the table.
	if a, b := eligLookup(t, "277", vStatus), eligLookup(t, "277", vAck); a == b {
		t.Error("Lookup(277, X212) and Lookup(277, X214) return the same table")
	}
}

// TestTablesEligHierarchy checks the HL levels: the HL03 code that opens
// each loop and the loop's place in the hierarchy.
func TestTablesEligHierarchy(t *testing.T) {
	tests := []struct {
		st01, version, path, hl03 string
	}{
		{"270", vElig, "2000A", "20"},
		{"270", vElig, "2000A/2000B", "21"},
		{"270", vElig, "2000A/2000B/2000C", "22"},
		{"270", vElig, "2000A/2000B/2000C/2000D", "23"},
		{"271", vElig, "2000A", "20"},
		{"271", vElig, "2000A/2000B", "21"},
		{"271", vElig, "2000A/2000B/2000C", "22"},
		{"271", vElig, "2000A/2000B/2000C/2000D", "23"},
		{"276", vStatus, "2000A", "20"},
		{"276", vStatus, "2000A/2000B", "21"},
		{"276", vStatus, "2000A/2000B/2000C", "19"},
		{"276", vStatus, "2000A/2000B/2000C/2000D", "22"},
		{"276", vStatus, "2000A/2000B/2000C/2000D/2000E", "23"},
		{"277", vStatus, "2000A", "20"},
		{"277", vStatus, "2000A/2000B", "21"},
		{"277", vStatus, "2000A/2000B/2000C", "19"},
		{"277", vStatus, "2000A/2000B/2000C/2000D", "22"},
		{"277", vStatus, "2000A/2000B/2000C/2000D/2000E", "23"},
		{"277", vAck, "2000A", "20"},
		{"277", vAck, "2000A/2000B", "21"},
		{"277", vAck, "2000A/2000B/2000C", "19"},
		{"277", vAck, "2000A/2000B/2000C/2000D", "PT"},
	}
	for _, tt := range tests {
		t.Run(tt.st01+" "+tt.version+" "+tt.path, func(t *testing.T) {
			l := eligLoop(t, eligLookup(t, tt.st01, tt.version), tt.path)
			hl := l.Children[0].Segment
			if hl == nil || hl.ID != "HL" {
				t.Fatalf("%s: trigger is not HL", tt.path)
			}
			hl03 := eligElement(t, hl, "HL03")
			if !hl03.Key || !slices.Equal(hl03.Codes, []string{tt.hl03}) {
				t.Errorf("%s HL03 = key %t codes %v, want key codes [%s]", tt.path, hl03.Key, hl03.Codes, tt.hl03)
			}
		})
	}
}

// TestTablesEligFacts checks single facts: a segment's usage or max use, an
// element's usage, repeat or codes. Codes are checked as a subset ("these
// codes at least"), or exactly when exact is set.
func TestTablesEligFacts(t *testing.T) {
	type fact struct {
		st01, version string
		path          string // loop path from the root
		seg, key      string // segment ID and a code of its key ("" for none)
		maxUse        int    // when not 0: the segment's max use (-1 for >1)
		segUsage      Usage  // when not 0: the segment's usage
		elem          string // when not "": an element or component
		usage         Usage  // when not 0: the element's usage
		codes         []string
		exact         bool
		repeat        int // when not 0: the element's repeat
	}
	R, S, N := Required, Situational, NotUsed
	ebCodes := []string{"1", "2", "3", "4", "5", "6", "7", "8", "A", "B", "C", "CB", "D", "E", "F", "G", "I", "L", "MC", "R", "U", "V", "X", "Y"}
	tests := []fact{
		// 270: what we send.
		{st01: "270", version: vElig, seg: "BHT", elem: "BHT02", codes: []string{"01", "13"}, exact: true},
		{st01: "270", version: vElig, path: "2000A/2000B/2000C/2100C", seg: "NM1", key: "IL", elem: "NM108", usage: S, codes: []string{"II", "MI"}, exact: true},
		{st01: "270", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EQ", elem: "EQ01", usage: S, codes: []string{"1", "30", "33", "35", "47", "48", "50", "86", "88", "98", "AL", "MH", "UC"}, repeat: 99},
		{st01: "270", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EQ", elem: "EQ02-1", usage: R, codes: []string{"AD", "CJ", "HC", "ID", "IV", "N4", "ZZ"}, exact: true},
		{st01: "270", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "AMT", key: "R", segUsage: S, maxUse: 1},
		{st01: "270", version: vElig, path: "2000A/2000B/2000C/2100C", seg: "DMG", elem: "DMG03", codes: []string{"F", "M", "U"}, exact: true},
		{st01: "270", version: vElig, path: "2000A/2000B/2000C/2000D/2100D", seg: "INS", elem: "INS02", usage: R, codes: []string{"01", "19", "34"}, exact: true},

		// 271: what the payer answers.
		{st01: "271", version: vElig, seg: "BHT", elem: "BHT02", codes: []string{"06", "11"}, exact: true},
		{st01: "271", version: vElig, path: "2000A", seg: "AAA", maxUse: 9, elem: "AAA03", codes: []string{"04", "41", "42", "79"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2100A", seg: "AAA", elem: "AAA03", codes: []string{"04", "41", "42", "79", "80", "T4"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2000B/2100B", seg: "AAA", elem: "AAA03", codes: []string{"15", "41", "43", "44", "45", "46", "47", "48", "50", "51", "79", "97", "T4"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C", seg: "AAA", segUsage: S, maxUse: 9, elem: "AAA03", usage: R, codes: []string{"15", "35", "42", "43", "45", "47", "48", "49", "51", "52", "56", "57", "58", "60", "61", "62", "63", "71", "72", "73", "74", "75", "76", "78"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C", seg: "AAA", elem: "AAA04", usage: R, codes: []string{"C", "N", "R", "S", "W", "X", "Y"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2000D/2100D", seg: "AAA", maxUse: 9, elem: "AAA03", codes: []string{"64", "65", "66", "67", "68", "77"}},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "AAA", maxUse: 9, elem: "AAA03", codes: []string{"15", "33", "52", "57", "62", "63", "AA", "AE", "AG", "CI", "MA"}},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EB", segUsage: R, maxUse: 1, elem: "EB01", usage: R, codes: ebCodes},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2000D/2100D/2110D", seg: "EB", elem: "EB01", usage: R, codes: ebCodes},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EB", elem: "EB02", codes: []string{"CHD", "DEP", "ECH", "EMP", "ESP", "FAM", "IND", "SPC", "SPO"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EB", elem: "EB03", usage: S, codes: []string{"1", "30", "33", "35", "47", "48", "50", "86", "88", "98", "AL", "MH", "UC"}, repeat: 99},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EB", elem: "EB04", codes: []string{"12", "13", "14", "15", "16", "41", "42", "43", "47", "C1", "HM", "MA", "MB", "MC", "PR", "PS", "QM"}},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EB", elem: "EB06", codes: []string{"7", "22", "23", "24", "27", "29", "32", "33"}},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EB", elem: "EB07", usage: S},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EB", elem: "EB08", usage: S},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EB", elem: "EB11", codes: []string{"N", "U", "Y"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "EB", elem: "EB12", codes: []string{"N", "U", "W", "Y"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "MSG", maxUse: 10, elem: "MSG01", usage: R},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "LS", elem: "LS01", codes: []string{"2120"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "LE", elem: "LE01", codes: []string{"2120"}, exact: true},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C/2120C", seg: "NM1", key: "P3", elem: "NM101", codes: []string{"1P", "P3", "PR", "PRP", "SEP", "TTP", "X3"}},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C", seg: "DTP", key: "346", maxUse: 9},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C/2110C", seg: "DTP", key: "291", maxUse: 20},
		{st01: "271", version: vElig, path: "2000A/2000B/2000C/2100C", seg: "MPI", maxUse: 9},

		// 276: what we send.
		{st01: "276", version: vStatus, seg: "BHT", elem: "BHT02", codes: []string{"13"}, exact: true},
		{st01: "276", version: vStatus, path: "2000A/2000B/2000C/2000D/2200D", seg: "TRN", segUsage: R, elem: "TRN01", codes: []string{"1"}, exact: true},
		{st01: "276", version: vStatus, path: "2000A/2000B/2000C/2000D/2200D", seg: "AMT", key: "T3", segUsage: S},
		{st01: "276", version: vStatus, path: "2000A/2000B/2000C/2000D/2200D/2210D", seg: "SVC", elem: "SVC01-1", codes: []string{"AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK"}, exact: true},

		// 277 (X212): the payer's status answer.
		{st01: "277", version: vStatus, seg: "BHT", elem: "BHT06", usage: R, codes: []string{"DG"}, exact: true},
		{st01: "277", version: vStatus, path: "2000A/2000B/2000C/2000D/2200D", seg: "STC", segUsage: R, maxUse: -1, elem: "STC01-1", usage: R},
		{st01: "277", version: vStatus, path: "2000A/2000B/2000C/2000D/2200D", seg: "STC", elem: "STC01-2", usage: R},
		{st01: "277", version: vStatus, path: "2000A/2000B/2000C/2000D/2200D", seg: "REF", key: "1K", segUsage: S, maxUse: 1},
		{st01: "277", version: vStatus, path: "2000A/2000B/2000C/2000D/2200D/2220D", seg: "STC", segUsage: R},
		{st01: "277", version: vStatus, path: "2000A/2000B/2200B", seg: "STC", segUsage: R},

		// 277CA (X214): the claim acknowledgment.
		{st01: "277", version: vAck, seg: "BHT", elem: "BHT01", codes: []string{"0085"}, exact: true},
		{st01: "277", version: vAck, seg: "BHT", elem: "BHT06", codes: []string{"TH"}, exact: true},
		{st01: "277", version: vAck, path: "2000A/2200A", seg: "DTP", key: "050", segUsage: R},
		{st01: "277", version: vAck, path: "2000A/2200A", seg: "DTP", key: "009", segUsage: R},
		{st01: "277", version: vAck, path: "2000A/2000B/2200B", seg: "QTY", key: "90", segUsage: S},
		{st01: "277", version: vAck, path: "2000A/2000B/2200B", seg: "QTY", key: "AA", segUsage: S},
		{st01: "277", version: vAck, path: "2000A/2000B/2000C/2000D/2200D", seg: "TRN", segUsage: R, elem: "TRN01", codes: []string{"2"}, exact: true},
		{st01: "277", version: vAck, path: "2000A/2000B/2000C/2000D/2200D", seg: "TRN", elem: "TRN02", usage: R},
		{st01: "277", version: vAck, path: "2000A/2000B/2000C/2000D/2200D", seg: "STC", segUsage: R, maxUse: -1, elem: "STC03", usage: R, codes: []string{"U", "WQ"}, exact: true},
		{st01: "277", version: vAck, path: "2000A/2000B/2000C/2000D/2200D", seg: "STC", elem: "STC04", usage: R},
		{st01: "277", version: vAck, path: "2000A/2000B/2000C/2000D/2200D", seg: "STC", elem: "STC12", usage: S},
		{st01: "277", version: vAck, path: "2000A/2000B/2000C/2000D/2200D", seg: "STC", elem: "STC01-3", codes: []string{"40", "41", "85", "IL", "PR", "QC"}},
		{st01: "277", version: vAck, path: "2000A/2000B/2000C/2000D/2200D", seg: "REF", key: "1K", segUsage: S},
		{st01: "277", version: vAck, path: "2000A/2000B/2000C/2000D/2200D/2220D", seg: "STC", segUsage: R, elem: "STC03", codes: []string{"U"}, exact: true},
		{st01: "277", version: vAck, path: "2000A/2000B/2000C/2000D", seg: "HL", elem: "HL04", usage: N},
	}
	for _, tt := range tests {
		name := tt.st01 + " " + tt.version + " " + tt.path + " " + tt.seg
		if tt.key != "" {
			name += "[" + tt.key + "]"
		}
		name += " " + tt.elem
		t.Run(name, func(t *testing.T) {
			tr := eligLookup(t, tt.st01, tt.version)
			s := eligSegment(t, eligLoop(t, tr, tt.path), tt.seg, tt.key)
			if tt.segUsage != 0 && s.Usage != tt.segUsage {
				t.Errorf("%s usage = %s, want %s", tt.seg, s.Usage, tt.segUsage)
			}
			if tt.maxUse != 0 {
				want := tt.maxUse
				if want == -1 {
					want = Unbounded
				}
				if s.MaxUse != want {
					t.Errorf("%s max use = %d, want %d (0 is >1)", tt.seg, s.MaxUse, want)
				}
			}
			if tt.elem == "" {
				return
			}
			e := eligElement(t, s, tt.elem)
			if tt.usage != 0 && e.Usage != tt.usage {
				t.Errorf("%s usage = %s, want %s", tt.elem, e.Usage, tt.usage)
			}
			if tt.repeat != 0 && e.Repeat != tt.repeat {
				t.Errorf("%s repeat = %d, want %d", tt.elem, e.Repeat, tt.repeat)
			}
			if tt.codes != nil {
				if tt.exact && !slices.Equal(e.Codes, tt.codes) {
					t.Errorf("%s codes = %v, want %v", tt.elem, e.Codes, tt.codes)
				}
				for _, c := range tt.codes {
					if !slices.Contains(e.Codes, c) {
						t.Errorf("%s codes %v lack %s", tt.elem, e.Codes, c)
					}
				}
			}
		})
	}
}

// TestTablesEligServiceTypes checks that every place that takes a Service Type
// Code (EQ01, EB03) takes the same list: a code the 271 can answer with is one
// the 270 can ask for.
func TestTablesEligServiceTypes(t *testing.T) {
	places := []struct {
		st01, path, seg, elem string
	}{
		{"270", "2000A/2000B/2000C/2100C/2110C", "EQ", "EQ01"},
		{"270", "2000A/2000B/2000C/2000D/2100D/2110D", "EQ", "EQ01"},
		{"271", "2000A/2000B/2000C/2100C/2110C", "EB", "EB03"},
		{"271", "2000A/2000B/2000C/2000D/2100D/2110D", "EB", "EB03"},
	}
	var first []string
	for _, p := range places {
		e := eligElement(t, eligSegment(t, eligLoop(t, eligLookup(t, p.st01, vElig), p.path), p.seg, ""), p.elem)
		if len(e.Codes) < 150 {
			t.Errorf("%s %s %s: %d service type codes, want the guide's full list", p.st01, p.path, p.elem, len(e.Codes))
		}
		for _, gone := range []string{"29", "31"} {
			if slices.Contains(e.Codes, gone) {
				t.Errorf("%s %s %s: has %s, which X279A1 does not list", p.st01, p.path, p.elem, gone)
			}
		}
		if first == nil {
			first = e.Codes
			continue
		}
		if !slices.Equal(e.Codes, first) {
			t.Errorf("%s %s %s: service type codes differ from %s's", p.st01, p.path, p.elem, places[0].elem)
		}
	}
}

// The 278 request and response share ST01 278 and version 005010X217 and
// differ by BHT02 (13 request, 11 response): two variant tables.
var variants278 = []struct {
	name, bht02 string
}{
	{"request", "13"},
	{"response", "11"},
}

func TestTables278Variants(t *testing.T) {
	req, _ := LookupVariant("278", vAuth, "13")
	resp, _ := LookupVariant("278", vAuth, "11")
	if req == nil || resp == nil || req == resp {
		t.Fatalf("LookupVariant(278, %s, 13/11) = %p, %p; want two different tables", vAuth, req, resp)
	}
	if _, ok := LookupVariant("278", vAuth, "01"); ok {
		t.Error("LookupVariant(278, X217, 01) found a table; BHT02 01 is neither request nor response")
	}
	for _, p := range variants278 {
		t.Run(p.name, func(t *testing.T) {
			tr, ok := LookupVariant("278", vAuth, p.bht02)
			if !ok {
				t.Fatalf("LookupVariant(278, %s, %s): no table", vAuth, p.bht02)
			}
			if tr.Variant != "BHT02" {
				t.Errorf("Variant = %q, want BHT02", tr.Variant)
			}
			bht := eligSegment(t, &tr.Root, "BHT", "")
			if got := eligElement(t, bht, "BHT02").Codes; !slices.Equal(got, []string{p.bht02}) {
				t.Errorf("BHT02 codes = %v, want [%s]", got, p.bht02)
			}
			if got := eligElement(t, bht, "BHT01").Codes; !slices.Equal(got, []string{"0007"}) {
				t.Errorf("BHT01 codes = %v, want [0007]", got)
			}
			hl := map[string]string{
				"2000A": "20", "2000A/2000B": "21", "2000A/2000B/2000C": "22",
				"2000A/2000B/2000C/2000D": "23", "2000A/2000B/2000C/2000E": "EV",
				"2000A/2000B/2000C/2000D/2000E": "EV", "2000A/2000B/2000C/2000E/2000F": "SS",
			}
			for path, code := range hl {
				l := eligLoop(t, tr, path)
				if got := eligElement(t, l.Children[0].Segment, "HL03").Codes; !slices.Equal(got, []string{code}) {
					t.Errorf("%s HL03 codes = %v, want [%s]", path, got, code)
				}
			}
			event := eligLoop(t, tr, "2000A/2000B/2000C/2000E")
			um := eligSegment(t, event, "UM", "")
			if um.Usage != Required {
				t.Errorf("2000E UM usage = %s, want R", um.Usage)
			}
			if got := eligElement(t, um, "UM01").Codes; !slices.Equal(got, []string{"AR", "HS", "SC"}) {
				t.Errorf("2000E UM01 codes = %v, want [AR HS SC]", got)
			}
			if got := eligElement(t, um, "UM02").Codes; !slices.Contains(got, "I") || !slices.Contains(got, "3") {
				t.Errorf("2000E UM02 codes = %v, want I (initial) and 3 (cancel) among them", got)
			}
			service := eligLoop(t, tr, "2000A/2000B/2000C/2000E/2000F")
			hasHCR := slices.ContainsFunc(eligChildren(service), func(n Node) bool { return n.Segment != nil && n.Segment.ID == "HCR" })
			if p.bht02 == "13" && hasHCR {
				t.Error("request 2000F has an HCR segment; only the response carries the review outcome")
			}
			if p.bht02 == "11" {
				hcr := eligSegment(t, service, "HCR", "")
				if hcr.Usage != Required {
					t.Errorf("response 2000F HCR usage = %s, want R", hcr.Usage)
				}
				if got := eligElement(t, hcr, "HCR01").Codes; !slices.Contains(got, "A1") || !slices.Contains(got, "A3") || !slices.Contains(got, "A4") {
					t.Errorf("response HCR01 codes = %v, want A1 (certified), A3 (not certified), A4 (pended) among them", got)
				}
				if aaa := eligSegment(t, eligLoop(t, tr, "2000A/2000B/2000C/2010C"), "AAA", ""); aaa.MaxUse != 9 {
					t.Errorf("response 2010C AAA max use = %d, want 9", aaa.MaxUse)
				}
			}
		})
	}
}
