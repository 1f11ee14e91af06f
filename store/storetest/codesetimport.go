package storetest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/codeset"
	"github.com/claimgate/claimgate/internal/testshared"
)

// MaxICD10CMImport is how long importing the whole FY2022 ICD-10-CM order
// file (95,524 codes) may take.
const MaxICD10CMImport = 10 * time.Second

// RunCodeSets imports the official code set files through a store: the
// files kept in ../shared/codesets and the codeset package's fixtures in
// the official layouts. open must return a new, empty, migrated store for
// every call; it owns closing it.
func RunCodeSets(t *testing.T, open func(t *testing.T) codeset.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s codeset.Store)
	}{
		{"ICD10CMFull", testImportICD10CMFull},
		{"Official", testImportOfficial},
		{"Malformed", testImportMalformed},
		{"SameVersionOtherFile", testImportSameVersion},
		{"Load", testImportLoad},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// codesetFixture returns the path of a file in codeset/testdata.
func codesetFixture(t *testing.T, name string) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "codeset", "testdata", name)
}

func importFile(t *testing.T, s codeset.Store, kind codeset.Kind, path string, opt codeset.Options) (*codeset.Set, bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opt.Source = path
	set, created, err := codeset.Import(context.Background(), s, kind, f, opt)
	if err != nil {
		t.Fatalf("Import(%s, %s): %v", kind, filepath.Base(path), err)
	}
	return set, created
}

// raceEnabled reports whether the test binary has the race detector, which
// makes the pure-Go SQLite driver some 40 times slower.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

func testImportICD10CMFull(t *testing.T, s codeset.Store) {
	if raceEnabled() {
		t.Skip("the race detector makes this a minute-long import; the full file and its time limit are tested without -race")
	}
	ctx := context.Background()
	path := testshared.Path(t, "codesets", "icd10cm", "icd10cm-order-2022.txt")
	start := time.Now()
	set, created := importFile(t, s, codeset.ICD10CM, path, codeset.Options{})
	took := time.Since(start)
	t.Logf("imported icd10cm FY2022: %d codes (%d billable) in %v", set.Count, set.Billable, took.Round(time.Millisecond))
	if !created || set.Version != "FY2022" || set.Count != 95524 || set.Billable != 72748 {
		t.Errorf("Import = %v, %s %d codes (%d billable); want created, FY2022 95524 (72748)", created, set.Version, set.Count, set.Billable)
	}
	if took > MaxICD10CMImport {
		t.Errorf("importing the FY2022 order file took %v, want under %v", took, MaxICD10CMImport)
	}
	// The same file again changes nothing and says so.
	again, created := importFile(t, s, codeset.ICD10CM, path, codeset.Options{Version: "FY2022 again"})
	if created || again.ID != set.ID || again.Version != "FY2022" || again.Count != 95524 {
		t.Errorf("re-import = %v, ID %d %s %d codes; want not created, ID %d FY2022 95524", created, again.ID, again.Version, again.Count, set.ID)
	}
	sets, err := s.Sets(ctx, codeset.ICD10CM)
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 1 {
		t.Errorf("after re-import %d ICD-10-CM sets, want 1", len(sets))
	}
	loaded, err := s.LoadSet(ctx, set.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Codes) != 95524 || loaded.Codes[0].Code != "A00" || loaded.Codes[95523].Code != "U099" {
		t.Errorf("LoadSet: %d codes, first and last %v, %v", len(loaded.Codes), loaded.Codes[0], loaded.Codes[len(loaded.Codes)-1])
	}
	ix, err := codeset.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	dos := claimgate.Date{Year: 2022, Month: 3, Day: 2}
	for _, tc := range []struct {
		code, msg string
	}{
		{"E11.9", "ICD-10-CM E11.9 is valid on 2022-03-02"},
		{"E11", "ICD-10-CM E11 is a category header, not billable: code to a leaf (E11.8, E11.9, E11.00, ...)"},
		{"U07.1", "ICD-10-CM U07.1 is valid on 2022-03-02"},
		{"E11.99", "ICD-10-CM E11.99 is not a code in ICD-10-CM FY2022"},
	} {
		if got := ix.Validate(codeset.ICD10CM, tc.code, dos).Message(); got != tc.msg {
			t.Errorf("Validate(%s) = %q, want %q", tc.code, got, tc.msg)
		}
	}
}

// testImportOfficial imports each official kind twice: once stored, once
// recognised.
func testImportOfficial(t *testing.T, s codeset.Store) {
	jan24 := claimgate.Date{Year: 2024, Month: 1, Day: 1}
	tests := []struct {
		kind            codeset.Kind
		path            string
		opt             codeset.Options
		version         string
		count, billable int
	}{
		{codeset.CARC, testshared.Path(t, "codesets", "x12", "carc.csv"), codeset.Options{}, "carc", 407, 407},
		{codeset.POS, testshared.Path(t, "codesets", "cms", "place_of_service.csv"), codeset.Options{}, "place_of_service", 52, 52},
		{codeset.HCPCS, codesetFixture(t, "HCPC2024_ANWEB_claimgate.txt"), codeset.Options{}, "2024", 6, 6},
		{codeset.Modifier, codesetFixture(t, "HCPC2024_ANWEB_claimgate.txt"), codeset.Options{}, "2024", 2, 2},
		{codeset.PTP, codesetFixture(t, "ccipra-v301r0-f1-claimgate.txt"), codeset.Options{Effective: jan24}, "ccipra-v301r0-f1-claimgate", 8, 8},
		{codeset.MUE, codesetFixture(t, "MCR_MUE_PractitionerServices_Eff_01-01-2024_claimgate.csv"), codeset.Options{}, "MCR_MUE_PractitionerServices_Eff_01-01-2024_claimgate", 7, 7},
		{codeset.RARC, codesetFixture(t, "rarc.csv"), codeset.Options{}, "rarc", 8, 8},
	}
	for _, tc := range tests {
		set, created := importFile(t, s, tc.kind, tc.path, tc.opt)
		if !created || set.ID == 0 || set.Version != tc.version || set.Count != tc.count || set.Billable != tc.billable {
			t.Errorf("Import(%s) = %v, ID %d, %q %d/%d; want created, %q %d/%d", tc.kind, created, set.ID, set.Version, set.Count, set.Billable, tc.version, tc.count, tc.billable)
		}
		again, created := importFile(t, s, tc.kind, tc.path, tc.opt)
		if created || again.ID != set.ID || again.Version != tc.version {
			t.Errorf("re-Import(%s) = %v, ID %d %q; want not created, ID %d", tc.kind, created, again.ID, again.Version, set.ID)
		}
		loaded, err := s.LoadSet(context.Background(), set.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(loaded.Codes) + len(loaded.Edits) + len(loaded.Limits); n != tc.count {
			t.Errorf("LoadSet(%s) has %d entries, want %d", tc.kind, n, tc.count)
		}
	}
	sets, err := s.Sets(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != len(tests) {
		t.Errorf("%d sets stored, want %d", len(sets), len(tests))
	}
}

// testImportMalformed: a file of the wrong shape is refused with its line
// and reason, and nothing of it is stored.
func testImportMalformed(t *testing.T, s codeset.Store) {
	ctx := context.Background()
	good := "00001 A00     0 Cholera                                                      Cholera\r\n"
	tests := []struct {
		kind codeset.Kind
		name string
		in   string
		want string
	}{
		{codeset.ICD10CM, "icd10cm-order-2026.txt", good + strings.Replace(good, "00001 A00     0", "00002 A000    X", 1),
			`line 2: billable flag "X": want 0 or 1`},
		{codeset.CARC, "carc.csv", "code,status,requires_rarc,refer_835_policy_ref,abridged,description\n1,current,N,N,N,Deductible\n2,current,N,N,N\n",
			"line 3: wrong number of fields"},
		{codeset.PTP, "ccipra.txt", "Column 1\tColumn 2\t*\tEffective Date\tDeletion Date\tModifier\tPTP Edit Rationale\r\n80053\t80048\t*\t19960101\t*\t5\tx\r\n",
			`line 2: modifier indicator "5": want 0, 1 or 9`},
	}
	for _, tc := range tests {
		_, _, err := codeset.Import(ctx, s, tc.kind, strings.NewReader(tc.in), codeset.Options{Source: tc.name, Effective: claimgate.Date{Year: 2026, Month: 1, Day: 1}})
		var pe *codeset.ParseError
		if !errors.As(err, &pe) || err.Error() != tc.want {
			t.Errorf("Import(%s) = %v, want *ParseError %q", tc.kind, err, tc.want)
		}
	}
	sets, err := s.Sets(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 0 {
		t.Errorf("malformed files stored %d sets", len(sets))
	}
}

// testImportSameVersion: another file under a version already stored is a
// Conflict, not a silent replacement.
func testImportSameVersion(t *testing.T, s codeset.Store) {
	ctx := context.Background()
	opt := codeset.Options{Source: "rarc.csv", Version: "2026-01"}
	if _, _, err := codeset.Import(ctx, s, codeset.RARC, strings.NewReader("code,status,description\nN130,current,Consult plan benefit documents\n"), opt); err != nil {
		t.Fatal(err)
	}
	_, _, err := codeset.Import(ctx, s, codeset.RARC, strings.NewReader("code,status,description\nN130,current,Consult the plan's benefit documents\n"), opt)
	if claimgate.ErrorKind(err) != claimgate.Conflict {
		t.Errorf("Import(same version, other file) = %v, want a Conflict", err)
	}
}

// testImportLoad: an imported set replaces the built-in one of its kind in
// the index; kinds not imported keep the built-in set.
func testImportLoad(t *testing.T, s codeset.Store) {
	ctx := context.Background()
	importFile(t, s, codeset.HCPCS, codesetFixture(t, "HCPC2024_ANWEB_claimgate.txt"), codeset.Options{})
	importFile(t, s, codeset.POS, testshared.Path(t, "codesets", "cms", "place_of_service.csv"), codeset.Options{})
	ix, err := codeset.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	dos := claimgate.Date{Year: 2024, Month: 5, Day: 1}
	for _, tc := range []struct {
		kind codeset.Kind
		code string
		msg  string
	}{
		{codeset.HCPCS, "G0560", "HCPCS G0560 is valid on 2024-05-01"},
		{codeset.HCPCS, "A4550", "HCPCS A4550 is not a code in HCPCS 2024"}, // built-in only
		{codeset.POS, "27", "Place of service 27 is valid on 2024-05-01"},
		{codeset.Modifier, "XS", "Modifier XS is valid on 2024-05-01"}, // still the built-in list
		{codeset.ICD10CM, "E11.9", "ICD-10-CM E11.9 is valid on 2024-05-01"},
	} {
		if got := ix.Validate(tc.kind, tc.code, dos).Message(); got != tc.msg {
			t.Errorf("Validate(%s, %s) = %q, want %q", tc.kind, tc.code, got, tc.msg)
		}
	}
}
