package validate

import (
	"fmt"
	"strings"

	"github.com/claimgate/claimgate/x12"
)

// A syntaxNote is one of the X12 standard's relational conditions on a
// segment's elements, as its dictionary writes them: P0809 (NM108 and
// NM109 both or neither), R0203 (at least one of REF02 and REF03).
type syntaxNote struct {
	kind  byte // 'P' paired, 'R' at least one required
	elems []int
}

// syntaxNotes are the conditions of the segments the HIPAA guides use
// most, where a lone qualifier or value is a common mistake. The guides'
// usage notes cover the rest.
var syntaxNotes = map[string][]syntaxNote{
	"NM1": {{'P', []int{8, 9}}},
	"PER": {{'P', []int{3, 4}}, {'P', []int{5, 6}}, {'P', []int{7, 8}}},
	"N1":  {{'R', []int{2, 3}}, {'P', []int{3, 4}}},
	"REF": {{'R', []int{2, 3}}},
	"DMG": {{'P', []int{1, 2}}},
	"PAT": {{'P', []int{5, 6}}, {'P', []int{7, 8}}},
	"DTM": {{'R', []int{2, 3, 5}}, {'P', []int{5, 6}}},
	"SV1": {{'P', []int{3, 4}}},
	"SV2": {{'P', []int{4, 5}}},
}

// syntaxRelations: the X12 relational conditions of syntaxNotes.
func syntaxRelations(root *Loop, r *Report) {
	walk(root, func(l *Loop) {
		for _, s := range l.Segments {
			for _, n := range syntaxNotes[s.ID] {
				checkNote(l, s, n, r)
			}
		}
	})
}

func checkNote(l *Loop, s *x12.Segment, n syntaxNote, r *Report) {
	present := 0
	for _, e := range n.elems {
		if len(s.Element(e)) > 0 {
			present++
		}
	}
	if n.kind == 'P' && (present == 0 || present == len(n.elems)) || n.kind == 'R' && present > 0 {
		return // the usual case: nothing to say, nothing to allocate
	}
	refs := make([]string, len(n.elems))
	for i, e := range n.elems {
		refs[i] = elementRef(s.ID, e, 0)
	}
	switch {
	case n.kind == 'P' && present > 0 && present < len(n.elems):
		for i, e := range n.elems {
			if len(s.Element(e)) == 0 {
				r.Element(l, s, e, 0, CodeConditionalMissing,
					fmt.Sprintf("%s and %s go together: one is sent, so %s is required", refs[0], strings.Join(refs[1:], ", "), refs[i]))
			}
		}
	case n.kind == 'R' && present == 0:
		r.Element(l, s, n.elems[0], 0, CodeConditionalMissing,
			fmt.Sprintf("at least one of %s is required", strings.Join(refs, ", ")))
	}
}
