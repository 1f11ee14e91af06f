package codeset

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"sync"
)

// The built-in sets, written for the project: a sample of common codes for
// the demo and for tests, not a substitute for the official files.
//
//   - icd10cm.txt: about 130 common ICD-10-CM codes with their headers, in
//     the order-file layout; code titles are the CDC's (public domain),
//     taken from the FY2022 release.
//   - hcpcs.txt: common HCPCS Level II codes in the CMS annual-file layout,
//     descriptions after CMS's (public domain).
//   - modifier.csv, pos.csv, revenue.csv, carc.csv, rarc.csv: the codes the
//     product uses, with short descriptions of our own.
//   - ncci_ptp.txt, mue.csv: NCCI-style edits and unit limits between demo
//     codes, in the CMS layouts; illustrative, not the CMS tables.
//   - cpt.txt: the CPT codes the demo fee schedule prices, codes only.
//
//go:embed builtin
var builtinFS embed.FS

// builtinFiles maps each kind to its file.
var builtinFiles = []struct {
	kind Kind
	file string
}{
	{ICD10CM, "icd10cm.txt"},
	{HCPCS, "hcpcs.txt"},
	{CPT, "cpt.txt"},
	{Modifier, "modifier.csv"},
	{POS, "pos.csv"},
	{Revenue, "revenue.csv"},
	{CARC, "carc.csv"},
	{RARC, "rarc.csv"},
	{PTP, "ncci_ptp.txt"},
	{MUE, "mue.csv"},
}

// BuiltInVersion labels every built-in set.
const BuiltInVersion = "built-in"

var builtin = sync.OnceValue(func() []*Set {
	var out []*Set
	for _, f := range builtinFiles {
		b, err := builtinFS.ReadFile("builtin/" + f.file)
		if err != nil {
			panic(fmt.Sprintf("codeset: built-in %s: %v", f.file, err))
		}
		var s *Set
		if f.kind == CPT {
			s = parseCPTList(b)
		} else {
			// No dates: open-ended, so the demo works in any year.
			if s, err = parseSet(f.kind, bytes.NewReader(b), true); err != nil {
				panic(fmt.Sprintf("codeset: built-in %s: %v", f.file, err))
			}
			s.SHA256 = sha256Hex(b)
		}
		s.Version, s.Source = BuiltInVersion, "built-in/"+f.file
		out = append(out, s)
	}
	return out
})

// parseCPTList reads cpt.txt: one code a line, # comments.
func parseCPTList(b []byte) *Set {
	s := &Set{Kind: CPT}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := string(trimSpace(sc.Bytes()))
		if line == "" || line[0] == '#' {
			continue
		}
		if !isCPT(line) {
			panic("codeset: built-in cpt.txt: bad code " + line)
		}
		s.Codes = append(s.Codes, Code{Code: line, Billable: true})
	}
	s.SHA256 = sha256Hex(b)
	s.count()
	return s
}

// BuiltIn returns the built-in sets, one per kind except ICD-10-PCS, each
// effective open-ended. The caller may read but must not change them.
func BuiltIn() []*Set { return builtin() }
