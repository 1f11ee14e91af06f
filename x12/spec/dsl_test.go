package spec

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// testDict is a small dictionary for the compiler's tests.
const testDict = `# test dictionary
element 143 ID 3 3 "Transaction Set Identifier Code"
element 329 AN 4 9 "Transaction Set Control Number"
element 1705 AN 1 35 "Implementation Convention Reference"
element 96 N0 1 10 "Number of Included Segments"
element 98 ID 2 3 "Entity Identifier Code"
element 1035 AN 1 60 "Name Last or Organization Name"
element 380 R 1 15 "Quantity"
element 235 ID 2 2 "Product/Service ID Qualifier"
element 234 AN 1 48 "Product/Service ID"
composite C003 "Composite Medical Procedure Identifier" 235 234
segment ST "Transaction Set Header" 143 329 1705
segment SE "Transaction Set Trailer" 96 329
segment NM1 "Individual or Organizational Name" 98 1035
segment SV1 "Professional Service" C003 380
`

// testTable is a table that compiles with testDict.
const testTable = `transaction 837 005010X222A1 "Test Claim"
alias 005010X222A2
segment ST R 1
  ST01 R codes=837
  ST02 R
loop 2010AA R 1 "Billing Provider Name"
  segment NM1 R 1 "Billing Provider Name"
    NM101 R key codes=85
    NM102 S max=35 "Billing Provider Last or Organizational Name"
  segment NM1 S >1 "Pay-to Name"
    NM101 R key codes=87
end
wrapper DETAIL S >1
  loop 2400 S 50 "Service Line"
    segment SV1 R 1
      SV101 R
      SV101-1 R codes=HC,"ER"
      SV102 S
  end
end
segment SE R 1
  SE01 R
  SE02 R
`

func compileText(dict, table string) (*Set, error) {
	return Compile(fstest.MapFS{"d.txt": {Data: []byte(dict)}}, fstest.MapFS{"t.tr3": {Data: []byte(table)}})
}

func TestCompile(t *testing.T) {
	set, err := compileText(testDict, testTable)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	want := &Transaction{
		ID: "837", Version: "005010X222A1", Aliases: []string{"005010X222A2"}, Name: "Test Claim",
		Root: Loop{ID: "ST", Name: "Test Claim", Usage: Required, Repeat: Unbounded, Children: []Node{
			Seg(Segment{ID: "ST", Name: "Transaction Set Header", Usage: Required, MaxUse: 1, Elements: []Element{
				{Pos: 1, Name: "Transaction Set Identifier Code", DataEle: "143", Usage: Required, Type: ID, Min: 3, Max: 3, Codes: []string{"837"}},
				{Pos: 2, Name: "Transaction Set Control Number", DataEle: "329", Usage: Required, Type: AN, Min: 4, Max: 9},
				{Pos: 3, Name: "Implementation Convention Reference", DataEle: "1705", Usage: NotUsed, Type: AN, Min: 1, Max: 35},
			}}),
			Sub(Loop{ID: "2010AA", Name: "Billing Provider Name", Usage: Required, Repeat: 1, Children: []Node{
				Seg(Segment{ID: "NM1", Name: "Billing Provider Name", Usage: Required, MaxUse: 1, Elements: []Element{
					{Pos: 1, Name: "Entity Identifier Code", DataEle: "98", Usage: Required, Type: ID, Min: 2, Max: 3, Codes: []string{"85"}, Key: true},
					{Pos: 2, Name: "Billing Provider Last or Organizational Name", DataEle: "1035", Usage: Situational, Type: AN, Min: 1, Max: 35},
				}}),
				Seg(Segment{ID: "NM1", Name: "Pay-to Name", Usage: Situational, MaxUse: Unbounded, Elements: []Element{
					{Pos: 1, Name: "Entity Identifier Code", DataEle: "98", Usage: Required, Type: ID, Min: 2, Max: 3, Codes: []string{"87"}, Key: true},
					{Pos: 2, Name: "Name Last or Organization Name", DataEle: "1035", Usage: NotUsed, Type: AN, Min: 1, Max: 60},
				}}),
			}}),
			Sub(Loop{ID: "DETAIL", Usage: Situational, Repeat: Unbounded, Wrapper: true, Children: []Node{
				Sub(Loop{ID: "2400", Name: "Service Line", Usage: Situational, Repeat: 50, Children: []Node{
					Seg(Segment{ID: "SV1", Name: "Professional Service", Usage: Required, MaxUse: 1, Elements: []Element{
						{Pos: 1, Name: "Composite Medical Procedure Identifier", Usage: Required, Components: []Element{
							{Pos: 1, Name: "Product/Service ID Qualifier", DataEle: "235", Usage: Required, Type: ID, Min: 2, Max: 2, Codes: []string{"HC", "ER"}},
							{Pos: 2, Name: "Product/Service ID", DataEle: "234", Usage: NotUsed, Type: AN, Min: 1, Max: 48},
						}},
						{Pos: 2, Name: "Quantity", DataEle: "380", Usage: Situational, Type: R, Min: 1, Max: 15},
					}}),
				}}),
			}}),
			Seg(Segment{ID: "SE", Name: "Transaction Set Trailer", Usage: Required, MaxUse: 1, Elements: []Element{
				{Pos: 1, Name: "Number of Included Segments", DataEle: "96", Usage: Required, Type: N0, Min: 1, Max: 10},
				{Pos: 2, Name: "Transaction Set Control Number", DataEle: "329", Usage: Required, Type: AN, Min: 4, Max: 9},
			}}),
		}},
	}
	for _, version := range []string{"005010X222A1", "005010X222A2"} {
		got, ok := set.Lookup("837", version)
		if !ok {
			t.Fatalf("Lookup(837, %s) found nothing", version)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Lookup(837, %s) mismatch (-want +got):\n%s", version, diff)
		}
	}
	if _, ok := set.Lookup("837", "005010X223A2"); ok {
		t.Errorf("Lookup(837, 005010X223A2) found a table")
	}
	if _, ok := set.Lookup("835", "005010X222A1"); ok {
		t.Errorf("Lookup(835, 005010X222A1) found a table")
	}
	if got := len(set.All()); got != 1 {
		t.Errorf("len(All()) = %d, want 1", got)
	}
}

// TestCompileErrors feeds the compiler broken dictionaries and tables and
// checks the exact error.
func TestCompileErrors(t *testing.T) {
	// table wraps body (the lines after ST) in a transaction that is
	// otherwise valid.
	table := func(body string) string {
		return "transaction 837 005010X222A1 \"T\"\nsegment ST R 1\n  ST01 R\n" + body + "\nsegment SE R 1\n  SE01 R\n"
	}
	tests := []struct {
		name  string
		dict  string // appended to testDict
		table string
		want  string
	}{
		// Dictionaries.
		{"dict unknown directive", "elem 1 AN 1 1 \"x\"", testTable, `d.txt:16: unknown directive "elem" (want element, composite or segment)`},
		{"dict element fields", "element 1 AN 1 1", testTable, `d.txt:16: want: element NUMBER TYPE MIN MAX "Name"`},
		{"dict element type", `element 1 XX 1 1 "x"`, testTable, `d.txt:16: element 1: unknown type "XX"`},
		{"dict element lengths", `element 1 AN 3 2 "x"`, testTable, `d.txt:16: element 1: bad lengths 3 2`},
		{"dict element zero min", `element 1 AN 0 2 "x"`, testTable, `d.txt:16: element 1: bad lengths 0 2`},
		{"dict element redefined", `element 98 ID 2 2 "Entity Identifier Code"`, testTable, `d.txt:16: element 98 redefined differently (first at d.txt:6)`},
		{"dict element same twice", `element 98 ID 2 3 "Entity Identifier Code"`, testTable, ``},
		{"dict composite redefined", `composite C003 "Composite Medical Procedure Identifier" 235`, testTable, `d.txt:16: composite C003 redefined differently (first at d.txt:11)`},
		{"dict segment redefined", `segment NM1 "Name" 98 1035`, testTable, `d.txt:16: segment NM1 redefined differently (first at d.txt:14)`},
		{"dict segment unknown element", `segment N3 "Party Location" 166 166`, testTable, `d.txt:16: segment N3: element or composite 166 not in dictionary`},
		{"dict composite unknown element", `composite C023 "Health Care Service Location Information" 1331 1332`, testTable, `d.txt:16: composite C023: element 1331 not in dictionary`},
		{"dict bad segment ID", `segment nm1 "Name" 98`, testTable, `d.txt:16: bad segment ID "nm1"`},
		{"dict unterminated quote", `element 1 AN 1 1 "x`, testTable, `d.txt:16: unterminated quoted string`},

		// Tables: headers.
		{"no transaction", "", "segment ST R 1\n", `t.tr3:1: segment before the transaction line`},
		{"empty table", "", "# nothing\n", `t.tr3: no transaction line`},
		{"second transaction", "", "transaction 837 A \"T\"\ntransaction 835 B \"U\"\n", `t.tr3:2: second transaction line`},
		{"bad transaction ID", "", "transaction 8370 A \"T\"\n", `t.tr3:1: bad transaction set ID "8370" (want 3 digits)`},
		{"transaction name unquoted", "", "transaction 837 A T\n", `t.tr3:1: want: transaction ID VERSION "Name"`},
		{"alias repeats version", "", "transaction 837 A \"T\"\nalias A\n", `t.tr3:2: alias A repeats a version`},
		{"unknown directive", "", table("segmnt NM1 R 1"), `t.tr3:4: unknown directive "segmnt"`},

		// Tables: structure.
		{"unknown segment", "", table("segment N3 R 1"), `t.tr3:4: segment N3 not in dictionary`},
		{"bad usage", "", table("segment NM1 X 1"), `t.tr3:4: segment NM1: bad usage "X" (want R, S or N)`},
		{"bad max use", "", table("segment NM1 R 0"), `t.tr3:4: segment NM1: bad max use: "0" (want a number or >1)`},
		{"bad repeat", "", table("loop 2000 R many\nsegment NM1 R 1\nend"), `t.tr3:4: loop 2000: bad repeat: "many" (want a number or >1)`},
		{"loop without trigger", "", table("loop 2000 R 1\nend"), `t.tr3:5: loop 2000 has no trigger segment`},
		{"loop first child loop", "", table("loop 2000 R 1\nloop 2010 R 1\nsegment NM1 R 1\nend\nend"), `t.tr3:5: loop 2010 opens before loop 2000 has its trigger segment`},
		{"empty wrapper", "", table("wrapper DETAIL R 1\nend"), `t.tr3:5: wrapper DETAIL is empty`},
		{"end without loop", "", table("end"), `t.tr3:4: end without loop`},
		{"end with argument", "", table("loop 2000 R 1\nsegment NM1 R 1\nend 2000"), `t.tr3:6: end takes no arguments`},
		{"loop without end", "", table("loop 2000 R 1\nsegment NM1 R 1"), `t.tr3: loop 2000 (line 4) has no end`},
		{"no ST first", "", "transaction 837 A \"T\"\nsegment NM1 R 1\nsegment SE R 1\n", `t.tr3: transaction does not start with segment ST`},
		{"no SE last", "", "transaction 837 A \"T\"\nsegment ST R 1\nsegment NM1 R 1\n", `t.tr3: transaction does not end with segment SE`},
		{"interchange without ISA", "", "interchange 00501 \"I\"\nsegment ST R 1\n", `t.tr3: interchange does not start with segment ISA`},

		// Tables: elements.
		{"element outside segment", "", "transaction 837 A \"T\"\nNM101 R\n", `t.tr3:2: element NM101 outside a segment`},
		{"element of another segment", "", table("segment NM1 R 1\n  SE01 R"), `t.tr3:5: element SE01 in segment NM1`},
		{"position beyond segment", "", table("segment NM1 R 1\n  NM103 R"), `t.tr3:5: NM103: position 3 beyond segment NM1's 2 elements`},
		{"position zero", "", table("segment NM1 R 1\n  NM100 R"), `t.tr3:5: NM100: position 0 (positions count from 1)`},
		{"missing usage", "", table("segment NM1 R 1\n  NM101"), `t.tr3:5: NM101: missing usage`},
		{"element bad usage", "", table("segment NM1 R 1\n  NM101 Q"), `t.tr3:5: NM101: bad usage "Q" (want R, S or N)`},
		{"element twice", "", table("segment NM1 R 1\n  NM101 R\n  NM101 S"), `t.tr3:6: NM101 listed twice`},
		{"elements out of order", "", table("segment NM1 R 1\n  NM102 R\n  NM101 S"), `t.tr3:6: NM101 after NM102: list elements in order`},
		{"component of simple element", "", table("segment NM1 R 1\n  NM101 R\n  NM101-1 R"), `t.tr3:6: NM101-1: component of simple element NM101`},
		{"component beyond composite", "", table("segment SV1 R 1\n  SV101 R\n  SV101-3 R"), `t.tr3:6: SV101-3: component 3 beyond composite C003's 2 components`},
		{"component zero", "", table("segment SV1 R 1\n  SV101 R\n  SV101-0 R"), `t.tr3:6: SV101-0: component 0 (components count from 1)`},
		{"component before composite", "", table("segment SV1 R 1\n  SV101-1 R"), `t.tr3:5: SV101-1 before its composite SV101`},
		{"component after next element", "", table("segment SV1 R 1\n  SV101 R\n  SV102 R\n  SV101-1 R"), `t.tr3:7: SV101-1 after SV102: list elements in order`},
		{"component twice", "", table("segment SV1 R 1\n  SV101 R\n  SV101-1 R\n  SV101-1 R"), `t.tr3:7: SV101-1 listed twice`},
		{"components out of order", "", table("segment SV1 R 1\n  SV101 R\n  SV101-2 R\n  SV101-1 R"), `t.tr3:7: SV101-1 after SV101-2: list components in order`},

		// Tables: element options.
		{"unknown option", "", table("segment NM1 R 1\n  NM101 R kee"), `t.tr3:5: NM101: unknown option "kee"`},
		{"codes on a numeric element", "", table("segment SV1 R 1\n  SV102 R codes=1,2"), `t.tr3:5: SV102: codes on a R element (codes need type ID or AN)`},
		{"codes on a composite", "", table("segment SV1 R 1\n  SV101 R codes=HC"), `t.tr3:5: SV101: option codes on a composite`},
		{"key without codes", "", table("segment NM1 R 1\n  NM101 R key"), `t.tr3:5: NM101: key without codes`},
		{"empty code", "", table("segment NM1 R 1\n  NM101 R codes=85,,87"), `t.tr3:5: NM101: empty code in "85,,87"`},
		{"code twice", "", table("segment NM1 R 1\n  NM101 R codes=85,85"), `t.tr3:5: NM101: code 85 listed twice`},
		{"code too long", "", table("segment NM1 R 1\n  NM101 R codes=8555"), `t.tr3:5: NM101: code 8555 is not 2 to 3 long`},
		{"codes twice", "", table("segment NM1 R 1\n  NM101 R codes=85 codes=87"), `t.tr3:5: NM101: codes given twice`},
		{"max widens", "", table("segment NM1 R 1\n  NM102 R max=61"), `t.tr3:5: NM102: max=61 widens the dictionary's max 60`},
		{"min above max", "", table("segment NM1 R 1\n  NM102 R min=10 max=5"), `t.tr3:5: NM102: min 10 above max 5`},
		{"bad type", "", table("segment NM1 R 1\n  NM102 R type=XX"), `t.tr3:5: NM102: unknown type "XX"`},
		{"bad element repeat", "", table("segment NM1 R 1\n  NM102 R repeat=1"), `t.tr3:5: NM102: bad repeat "1" (want a number of at least 2)`},
		{"name not last", "", table("segment NM1 R 1\n  NM102 R \"Name\" key"), `t.tr3:5: NM102: the name must come last`},
		{"quote inside word", "", table("segment NM1 R 1\n  NM101 R codes=\"85"), `t.tr3:5: unterminated quoted string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileText(testDict+tt.dict, tt.table)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Compile error = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCompileDuplicates checks the errors that span files.
func TestCompileDuplicates(t *testing.T) {
	dicts := fstest.MapFS{
		"a.txt": {Data: []byte(testDict)},
		"b.txt": {Data: []byte(`element 98 ID 2 3 "Entity Identifier Code"` + "\n")},
	}
	interchange := "interchange 00501 \"I\"\nsegment ISA R 1\nsegment IEA R 1\n"
	dicts["c.txt"] = &fstest.MapFile{Data: []byte("element I01 ID 2 2 \"x\"\nsegment ISA \"ISA\" I01\nsegment IEA \"IEA\" I01\n")}
	tests := []struct {
		name   string
		tables fstest.MapFS
		want   string
	}{
		{"same version twice", fstest.MapFS{"a.tr3": {Data: []byte(testTable)}, "b.tr3": {Data: []byte(testTable)}},
			"b.tr3: transaction 837 version 005010X222A1 already defined in a.tr3\nb.tr3: transaction 837 version 005010X222A2 already defined in a.tr3"},
		{"two interchanges", fstest.MapFS{"a.tr3": {Data: []byte(interchange)}, "b.tr3": {Data: []byte(interchange)}},
			"b.tr3: second interchange table (first in a.tr3)"},
		{"errors of two files", fstest.MapFS{"a.tr3": {Data: []byte("x")}, "b.tr3": {Data: []byte("y")}},
			"a.tr3:1: x before the transaction line\nb.tr3:1: y before the transaction line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(dicts, tt.tables)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Compile error = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestBuiltin checks the embedded tables: they compile (the package would
// not have initialized otherwise), and the registry finds them.
func TestBuiltin(t *testing.T) {
	for _, tr := range All() {
		for _, v := range append([]string{tr.Version}, tr.Aliases...) {
			if tr.Variant == "" {
				if got, ok := Lookup(tr.ID, v); !ok || got != tr {
					t.Errorf("Lookup(%s, %s) = %v, %t; want the %s table", tr.ID, v, got, ok, tr.Version)
				}
				continue
			}
			for _, code := range tr.VariantCodes {
				if got, ok := LookupVariant(tr.ID, v, code); !ok || got != tr {
					t.Errorf("LookupVariant(%s, %s, %s) = %v, %t; want the %q table", tr.ID, v, code, got, ok, tr.Name)
				}
			}
		}
	}
	for _, want := range []struct{ id, version string }{
		{"835", "005010X221A1"},
		{"999", "005010X231A1"},
	} {
		if _, ok := Lookup(want.id, want.version); !ok {
			t.Errorf("Lookup(%s, %s) found nothing", want.id, want.version)
		}
	}
	for _, id := range []string{"ISA", "GS", "GE", "TA1", "IEA"} {
		s, ok := EnvelopeSegment(id)
		if !ok || s.ID != id {
			t.Errorf("EnvelopeSegment(%s) = %v, %t", id, s, ok)
		}
	}
	if _, ok := EnvelopeSegment("ST"); ok {
		t.Errorf("EnvelopeSegment(ST) found a segment")
	}
	if isa, _ := EnvelopeSegment("ISA"); len(isa.Elements) != 16 {
		t.Errorf("ISA has %d elements, want 16", len(isa.Elements))
	}
}

func FuzzCompile(f *testing.F) {
	// Seeds stay small: the fuzzer minimizes each new input for up to a
	// minute, which makes large seeds (the real dictionaries and tables)
	// crawl. The package's init already compiles those.
	f.Add(testDict, testTable)
	f.Add(testDict, "interchange 00501 \"I\"\nsegment ISA R 1\nloop GS S >1\nsegment GS R 1\nend\nsegment IEA R 1\n")
	f.Add(testDict, "transaction 999 A \"T\"\nsegment ST R 1\nwrapper W S 1\nloop 2000 S >1\nsegment SV1 R 1\nSV101 R repeat=10\nSV101-1 R key codes=\"A B\",C\nend\nend\nsegment SE R 1\n")
	f.Add(testDict, "transaction 837 A \"T\"\nsegment ST R 1\nloop 2000 R 1\nend\n")
	f.Add(testDict, variantTable("NM101", "13"))
	f.Fuzz(func(t *testing.T, dict, table string) {
		set, err := Compile(fstest.MapFS{"d.txt": {Data: []byte(dict)}}, fstest.MapFS{"t.tr3": {Data: []byte(table)}})
		if err != nil {
			return
		}
		all := set.All()
		if ic := set.Interchange(); len(ic.Root.Children) > 0 {
			all = append(all, ic)
		}
		for _, tr := range all {
			for _, p := range structureProblems(tr) {
				t.Errorf("compiled a malformed table: %s", p)
			}
			wellFormed(tr) // must not panic
		}
	})
}

// variantTable is a 278-like table told apart from its sibling by NM101.
func variantTable(variant, codes string) string {
	v := ""
	if variant != "" {
		v = "variant " + variant + "\n"
	}
	return "transaction 278 005010X217 \"T " + codes + "\"\n" + v +
		"segment ST R 1\n  ST01 R codes=278\nsegment NM1 R 1\n  NM101 R codes=" + codes +
		"\nloop 2000 R 1\n  segment SV1 R 1\nend\nsegment SE R 1\n"
}

func TestCompileVariants(t *testing.T) {
	dicts := fstest.MapFS{"d.txt": {Data: []byte(testDict)}}
	set, err := Compile(dicts, fstest.MapFS{
		"a.tr3": {Data: []byte(variantTable("NM101", "13"))},
		"b.tr3": {Data: []byte(variantTable("NM101", "11,12"))},
	})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	for _, tt := range []struct {
		value, want string
	}{
		{"13", "T 13"},
		{"11", "T 11,12"},
		{"12", "T 11,12"},
		{"99", ""},
	} {
		got, ok := set.LookupVariant("278", "005010X217", tt.value)
		if name := ""; ok != (tt.want != "") || ok && got.Name != tt.want {
			if ok {
				name = got.Name
			}
			t.Errorf("LookupVariant(278, 005010X217, %s) = %q, %t; want %q", tt.value, name, ok, tt.want)
		}
	}
	if got, ok := set.Lookup("278", "005010X217"); !ok || got.Variant != "NM101" {
		t.Errorf("Lookup(278, 005010X217) = %v, %t; want a table with Variant NM101", got, ok)
	}
	if got := len(set.All()); got != 2 {
		t.Errorf("len(All()) = %d, want 2", got)
	}
	// A transaction without variants is found whatever the value.
	set, err = compileText(testDict, testTable)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := set.LookupVariant("837", "005010X222A1", "anything"); !ok {
		t.Errorf("LookupVariant(837, 005010X222A1, anything) found nothing")
	}

	errTests := []struct {
		name string
		a, b string
		want string
	}{
		{"overlapping codes", variantTable("NM101", "13,11"), variantTable("NM101", "11"),
			"b.tr3: transaction 278 version 005010X217 already defined in a.tr3 (both variants allow NM101 11)"},
		{"one without variant", variantTable("NM101", "13"), variantTable("", "11"),
			`b.tr3: transaction 278 version 005010X217 already defined in a.tr3 (variants must name the same element: "" and "NM101")`},
		{"variant without codes", variantTable("NM102", "13"), variantTable("NM102", "11"),
			"a.tr3: variant NM102 has no codes in segment NM1\nb.tr3: variant NM102 has no codes in segment NM1"},
		{"variant segment in a loop", variantTable("SV101", "13"), variantTable("SV101", "11"),
			"a.tr3: variant SV101: no segment SV1 before the first loop\nb.tr3: variant SV101: no segment SV1 before the first loop"},
		{"variant after a segment", strings.Replace(variantTable("", "13"), "segment NM1", "variant NM101\nsegment NM1", 1), variantTable("NM101", "11"),
			"a.tr3:4: variant after the first segment"},
		{"variant of a component", strings.Replace(variantTable("", "13"), "segment ST", "variant NM101-1\nsegment ST", 1), variantTable("NM101", "11"),
			"a.tr3:2: want: variant ELEMENT (BHT02)"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(dicts, fstest.MapFS{"a.tr3": {Data: []byte(tt.a)}, "b.tr3": {Data: []byte(tt.b)}})
			if err == nil || err.Error() != tt.want {
				t.Errorf("Compile error = %v, want %q", err, tt.want)
			}
		})
	}
}
