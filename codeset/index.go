package codeset

import (
	"cmp"
	"slices"
	"strings"

	"github.com/claimgate/claimgate"
)

// Index answers questions about codes on a date of service from loaded
// sets. It is read-only once built and safe for concurrent use.
//
// Which set judges a date of service: the sets of a kind are grouped by
// their From date into generations (the parts CMS splits one NCCI quarter
// into share a From and are joined). A date of service is judged by the
// newest generation that has begun on that date, so the FY2023 ICD-10-CM
// file judges claims from 2022-10-01 on, and FY2022 those before. Code sets
// arrive once a year or a quarter, late: a date after the newest loaded set
// has ended is still judged by that set, and the result says so (a billing
// office would rather code against last year's list, flagged, than be
// stopped); likewise a date before the oldest loaded set is judged by the
// oldest. Within the judging generation a code's own dates (the HCPCS added
// and termination dates, the NCCI effective and deletion dates) apply.
//
// A code missing from the judging generation but present in a later one is
// not yet effective; present only in earlier ones, it has expired after the
// last of them.
type Index struct {
	kinds [numSlots]*kindIndex
}

// numSlots is the number of kinds. slot numbers them for Index.kinds: an
// array is cheaper to index than a map is to hash, and Validate runs once
// per code on every claim.
const numSlots = 11

func slot(k Kind) int {
	switch k {
	case ICD10CM:
		return 0
	case ICD10PCS:
		return 1
	case HCPCS:
		return 2
	case CPT:
		return 3
	case Modifier:
		return 4
	case POS:
		return 5
	case Revenue:
		return 6
	case CARC:
		return 7
	case RARC:
		return 8
	case PTP:
		return 9
	case MUE:
		return 10
	}
	return -1
}

func (ix *Index) kind(k Kind) *kindIndex {
	if i := slot(k); i >= 0 {
		return ix.kinds[i]
	}
	return nil
}

type kindIndex struct {
	kind Kind
	gens []generation
	// codes maps each code to its first listing in occs; a code listed in
	// several generations chains through occ.next. The key is the code
	// packed into an integer and the value an index: a small table with no
	// key strings to follow keeps the lookup, most of Validate's cost,
	// within the caches.
	codes  map[uint64]int32 // packCode(code) to the index in occs of its first listing
	occs   []occ
	all    []*Code
	edits  map[pair][]editOcc
	limits map[string][]limitOcc
}

// generation is the sets of one kind that share a From date.
type generation struct {
	from, to day    // to is the latest To of its sets
	version  string // their versions, joined with "+"
	leaves   []string
}

// occ is a code's listing in one generation, with what Validate needs
// without following a pointer.
type occ struct {
	gen         int32
	from, to    day
	code        int32 // index in kindIndex.all
	next        int32 // index in kindIndex.occs of the next generation's listing; -1 if none
	billable    bool
	deactivated bool
}

type pair struct{ c1, c2 string }

type editOcc struct {
	gen  int32
	edit *Edit
}

type limitOcc struct {
	gen   int32
	limit *Limit
}

// NewIndex builds an index over sets. A code listed twice in one
// generation keeps its first listing.
func NewIndex(sets ...*Set) *Index {
	ix := &Index{}
	byKind := map[Kind][]*Set{}
	for _, s := range sets {
		byKind[s.Kind] = append(byKind[s.Kind], s)
	}
	for kind, ss := range byKind {
		slices.SortStableFunc(ss, func(a, b *Set) int { return cmp.Compare(fromDay(a.From), fromDay(b.From)) })
		if slot(kind) < 0 {
			continue
		}
		n := 0
		for _, s := range ss {
			n += len(s.Codes)
		}
		ki := &kindIndex{kind: kind, codes: make(map[uint64]int32, n), occs: make([]occ, 0, n), edits: map[pair][]editOcc{}, limits: map[string][]limitOcc{}}
		for _, s := range ss {
			from := fromDay(s.From)
			if n := len(ki.gens); n == 0 || ki.gens[n-1].from != from {
				ki.gens = append(ki.gens, generation{from: from, to: toDay(s.To), version: s.Version})
			} else {
				g := &ki.gens[n-1]
				g.to = max(g.to, toDay(s.To))
				g.version += "+" + s.Version
			}
			gi := int32(len(ki.gens) - 1)
			for i := range s.Codes {
				c := &s.Codes[i]
				if !ki.add(c, gi) {
					continue
				}
				if c.Billable && (kind == ICD10CM || kind == ICD10PCS) {
					ki.gens[gi].leaves = append(ki.gens[gi].leaves, c.Code)
				}
			}
			for i := range s.Edits {
				e := &s.Edits[i]
				k := pair{e.Column1, e.Column2}
				ki.edits[k] = append(ki.edits[k], editOcc{gi, e})
			}
			for i := range s.Limits {
				m := &s.Limits[i]
				o := ki.limits[m.Code]
				if n := len(o); n > 0 && o[n-1].gen == gi {
					continue
				}
				ki.limits[m.Code] = append(o, limitOcc{gi, m})
			}
		}
		for i := range ki.gens {
			slices.Sort(ki.gens[i].leaves)
		}
		ix.kinds[slot(kind)] = ki
	}
	return ix
}

// add lists c in generation g, unless g lists it already or c is not a
// code Validate could ask for.
func (ki *kindIndex) add(c *Code, g int32) bool {
	key, packed := packCode(c.Code)
	if !packed {
		return false
	}
	o := occ{gen: g, from: fromDay(c.From), to: toDay(c.To), code: int32(len(ki.all)), next: -1,
		billable: c.Billable, deactivated: c.Deactivated}
	at, ok := ki.codes[key]
	if ok {
		// Find the last listing; generations are added in order.
		for ki.occs[at].next >= 0 {
			at = ki.occs[at].next
		}
		if ki.occs[at].gen == g {
			return false
		}
	}
	ki.all = append(ki.all, c)
	ki.occs = append(ki.occs, o)
	if ok {
		ki.occs[at].next = int32(len(ki.occs) - 1)
	} else {
		ki.codes[key] = int32(len(ki.occs) - 1)
	}
	return true
}

// judge returns the generation that judges day d: the newest that has
// begun, or the oldest when none has. A zero date of service is judged by
// the newest.
func (ki *kindIndex) judge(d day, zero bool) int {
	n := len(ki.gens)
	if zero {
		return n - 1
	}
	for i := n - 1; i > 0; i-- {
		if ki.gens[i].from <= d {
			return i
		}
	}
	return 0
}

// Validate judges code, of kind, on the date of service dos. It allocates
// nothing when code is already canonical; the message is built only when
// asked for (Result.Message).
func (ix *Index) Validate(kind Kind, code string, dos claimgate.Date) Result {
	r := Result{Status: BadFormat, Kind: kind, Input: code, Code: code, Date: dos}
	// A code typed otherwise than canonically ("e11.9") is put right in
	// buf and looked up from there without a copy; r.Code then takes the
	// index's own string, so that a hit allocates nothing.
	var buf [16]byte
	var key []byte
	if !canonical(kind, code) {
		key = appendCanonical(buf[:0], kind, code)
		r.Code = ""
	}
	fix := func() {
		if key != nil && r.Code == "" {
			r.Code = string(key)
		}
	}
	if key != nil && !wellFormed(kind, string(key)) || key == nil && !wellFormed(kind, code) || !kind.IsCodeList() {
		fix()
		return r
	}
	if kind == CPT {
		r.Status = Valid
		fix()
		return r
	}
	ki := ix.kind(kind)
	if ki == nil || len(ki.gens) == 0 {
		r.Status = Unknown
		fix()
		return r
	}
	r.ki = ki
	d := dayOf(dos)
	g := ki.judge(d, dos.IsZero())
	r.gen, r.at = int32(g), int32(g)
	r.Version = ki.gens[g].version
	var packed uint64
	if key != nil {
		packed, _ = packCode(key)
	} else {
		packed, _ = packCode(code)
	}
	at, ok := ki.codes[packed]
	if !ok {
		r.Status = Unknown
		fix()
		return r
	}
	if key != nil {
		r.Code = ki.all[ki.occs[at].code].Code
	}
	for {
		o := &ki.occs[at]
		switch {
		case o.gen > int32(g):
			// Only in a later generation: not yet effective.
			r.Status, r.Effective, r.at = NotYetEffective, dateOf(ki.gens[o.gen].from), o.gen
			return r
		case o.gen == int32(g):
			r.code = ki.all[o.code]
			switch {
			case o.deactivated:
				r.Status = Expired
			case !dos.IsZero() && d < o.from:
				r.Status, r.Effective = NotYetEffective, dateOf(o.from)
			case !dos.IsZero() && d > o.to:
				r.Status, r.Ended = Expired, dateOf(o.to)
			case !o.billable:
				r.Status = NotBillable
			default:
				r.Status = Valid
			}
			return r
		}
		if o.next < 0 {
			break
		}
		at = o.next
	}
	// Only in earlier generations: expired after the last of them.
	last := ki.occs[at].gen
	end := min(ki.gens[last+1].from-1, ki.gens[last].to)
	r.Status, r.Ended, r.at = Expired, dateOf(end), last
	return r
}

// packCode packs a code of up to 8 digits and upper-case letters into an
// integer, 6 bits a character, none of them zero, so that codes of
// different lengths never collide. Every well-formed code of every kind
// packs.
func packCode[T string | []byte](c T) (uint64, bool) {
	if len(c) == 0 || len(c) > 8 {
		return 0, false
	}
	var k uint64
	for i := 0; i < len(c); i++ {
		b := c[i]
		switch {
		case '0' <= b && b <= '9':
			k = k<<6 | uint64(b-'0'+1)
		case 'A' <= b && b <= 'Z':
			k = k<<6 | uint64(b-'A'+11)
		default:
			return 0, false
		}
	}
	return k, true
}

// Has reports whether the index holds any set of kind.
func (ix *Index) Has(kind Kind) bool {
	ki := ix.kind(kind)
	return ki != nil && len(ki.gens) > 0
}

// PTPEdit returns the NCCI procedure-to-procedure edit in force on dos
// between the two codes, in either order: the edit's Column1 and Column2
// say which code pays and which is denied. An edit whose modifier
// indicator is 9 is never in force.
func (ix *Index) PTPEdit(code1, code2 string, dos claimgate.Date) (Edit, bool) {
	ki := ix.kinds[slot(PTP)]
	if ki == nil || len(ki.gens) == 0 {
		return Edit{}, false
	}
	a, _ := Normalize(PTP, code1)
	b, _ := Normalize(PTP, code2)
	d := dayOf(dos)
	g := int32(ki.judge(d, dos.IsZero()))
	for _, k := range [2]pair{{a, b}, {b, a}} {
		for _, o := range ki.edits[k] {
			e := o.edit
			if o.gen != g || e.Modifier == '9' {
				continue
			}
			if dos.IsZero() || (fromDay(e.From) <= d && d <= toDay(e.To)) {
				return *e, true
			}
		}
	}
	return Edit{}, false
}

// MUE returns the medically unlikely edit for code on dos, if the table
// that judges dos has one.
func (ix *Index) MUE(code string, dos claimgate.Date) (Limit, bool) {
	ki := ix.kinds[slot(MUE)]
	if ki == nil || len(ki.gens) == 0 {
		return Limit{}, false
	}
	c, _ := Normalize(MUE, code)
	g := int32(ki.judge(dayOf(dos), dos.IsZero()))
	for _, o := range ki.limits[c] {
		if o.gen == g {
			return *o.limit, true
		}
	}
	return Limit{}, false
}

// Lookup returns the code as the set that judges dos lists it.
func (ix *Index) Lookup(kind Kind, code string, dos claimgate.Date) (Code, bool) {
	r := ix.Validate(kind, code, dos)
	if r.code == nil {
		return Code{}, false
	}
	return *r.code, true
}

// leaves returns up to n billable codes below the header c in generation
// g, the shortest (most general) first.
func (ki *kindIndex) leaves(g int32, c string, n int) (out []string, more bool) {
	l := ki.gens[g].leaves
	var below []string
	for i, _ := slices.BinarySearch(l, c); i < len(l) && strings.HasPrefix(l[i], c); i++ {
		below = append(below, l[i])
	}
	slices.SortStableFunc(below, func(a, b string) int { return cmp.Compare(len(a), len(b)) })
	if len(below) > n {
		return below[:n], true
	}
	return below, false
}
