package spec

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The embedded dictionaries and tables, compiled once at init.
//
//go:embed dict/*.txt
var dictFiles embed.FS

//go:embed tables/*.tr3
var tableFiles embed.FS

var builtin = mustCompileBuiltin()

func mustCompileBuiltin() *Set {
	dicts, err := fs.Sub(dictFiles, "dict")
	if err != nil {
		panic(err)
	}
	tables, err := fs.Sub(tableFiles, "tables")
	if err != nil {
		panic(err)
	}
	s, err := Compile(dicts, tables)
	if err != nil {
		// The embedded tables are part of the program: a table that does not
		// compile is a bug that the package's tests catch before it ships.
		panic("x12/spec: embedded tables: " + err.Error())
	}
	return s
}

// Lookup returns the built-in table for transaction set st01 (ST01, "835")
// of implementation guide version (ST03 or GS08, "005010X221A1"). A version
// also matches a table's aliases (005010X222A2 reads with the X222A1 table).
// When the table has a Variant (the 278), it is one of several for (st01,
// version): read the element it names and call LookupVariant. The tables are
// shared: callers must not modify them.
func Lookup(st01, version string) (*Transaction, bool) { return builtin.Lookup(st01, version) }

// LookupVariant returns the built-in table for transaction set st01 of guide
// version whose Variant element allows value: the 278 request (BHT02 13) or
// response (BHT02 11). A transaction without variants is returned whatever
// value is.
func LookupVariant(st01, version, value string) (*Transaction, bool) {
	return builtin.LookupVariant(st01, version, value)
}

// All returns the built-in transaction tables, ordered by ID then version.
func All() []*Transaction { return builtin.All() }

// Interchange returns the built-in description of the interchange envelope:
// a table whose root is the ISA loop (ISA, TA1, the GS loop with GS and GE,
// IEA). Transactions sit between GS and GE and are not part of it.
func Interchange() *Transaction { return builtin.Interchange() }

// EnvelopeSegment returns the built-in description of an envelope segment:
// ISA, IEA, GS, GE or TA1.
func EnvelopeSegment(id string) (*Segment, bool) {
	s := findSegment(&builtin.Interchange().Root, id)
	return s, s != nil
}

func findSegment(l *Loop, id string) *Segment {
	for _, n := range l.Children {
		if n.Segment != nil && n.Segment.ID == id {
			return n.Segment
		}
		if n.Loop != nil {
			if s := findSegment(n.Loop, id); s != nil {
				return s
			}
		}
	}
	return nil
}

// A Set is a compiled set of tables.
type Set struct {
	transactions []*Transaction
	interchange  *Transaction
	// byVersion holds the tables of "835 005010X221A1": one, or several
	// variants (the 278 request and response), in file name order.
	byVersion map[string][]*Transaction
}

// Lookup returns the table for transaction set st01 of guide version,
// matching the table's version or one of its aliases. When the table has a
// Variant, it is one of several for (st01, version): read the element that
// Variant names and call LookupVariant for the right one.
func (s *Set) Lookup(st01, version string) (*Transaction, bool) {
	ts := s.byVersion[st01+" "+version]
	if len(ts) == 0 {
		return nil, false
	}
	return ts[0], true
}

// LookupVariant returns the table for transaction set st01 of guide version
// whose Variant element allows value (the 278 request for BHT02 13). A
// transaction without variants is returned whatever value is.
func (s *Set) LookupVariant(st01, version, value string) (*Transaction, bool) {
	ts := s.byVersion[st01+" "+version]
	for _, t := range ts {
		if t.Variant == "" || slices.Contains(t.VariantCodes, value) {
			return t, true
		}
	}
	return nil, false
}

// All returns the set's transaction tables, ordered by ID then version.
func (s *Set) All() []*Transaction {
	return append([]*Transaction(nil), s.transactions...)
}

// Interchange returns the set's envelope table, or an empty table if no
// file declares one.
func (s *Set) Interchange() *Transaction {
	if s.interchange == nil {
		return &Transaction{}
	}
	return s.interchange
}

// A TableError reports a problem in a dictionary or table file.
type TableError struct {
	File string // the file's name in its file system: "835.tr3", "base.txt"
	Line int    // 1-based; 0 when the problem is with the file as a whole
	Msg  string
}

// Error returns "file:line: message", or "file: message" without a line.
func (e *TableError) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Compile reads every *.txt dictionary at the root of dicts and every *.tr3
// table at the root of tables (formats in tables/README.md) and compiles the
// tables. Each file stops at its first error; the errors of all files are
// joined, each a *TableError naming the file and line.
func Compile(dicts, tables fs.FS) (*Set, error) {
	d, err := loadDicts(dicts)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(tables, "*.tr3")
	if err != nil {
		return nil, err
	}
	set := &Set{byVersion: make(map[string][]*Transaction)}
	var interchangeFile string
	files := make(map[*Transaction]string) // table → file that defines it
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(tables, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t, interchange, err := compileTable(d, name, string(data))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if interchange {
			if interchangeFile != "" {
				errs = append(errs, &TableError{File: name, Msg: "second interchange table (first in " + interchangeFile + ")"})
				continue
			}
			interchangeFile = name
			set.interchange = t
			continue
		}
		dup := false
		for _, v := range append([]string{t.Version}, t.Aliases...) {
			key := t.ID + " " + v
			for _, other := range set.byVersion[key] {
				if conflict, why := variantConflict(t, other); conflict {
					errs = append(errs, &TableError{File: name, Msg: fmt.Sprintf("transaction %s version %s already defined in %s%s", t.ID, v, files[other], why)})
					dup = true
				}
			}
		}
		if dup {
			continue
		}
		files[t] = name
		for _, v := range append([]string{t.Version}, t.Aliases...) {
			key := t.ID + " " + v
			set.byVersion[key] = append(set.byVersion[key], t)
		}
		set.transactions = append(set.transactions, t)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(set.transactions, func(i, j int) bool {
		a, b := set.transactions[i], set.transactions[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Version < b.Version
	})
	return set, nil
}

// variantConflict reports whether t and other, defined for the same
// transaction and version, cannot both be, and why: they can when they are
// variants told apart by the same element with no code in common.
func variantConflict(t, other *Transaction) (bool, string) {
	switch {
	case t.Variant == "" && other.Variant == "":
		return true, ""
	case t.Variant != other.Variant:
		return true, fmt.Sprintf(" (variants must name the same element: %q and %q)", t.Variant, other.Variant)
	}
	for _, code := range t.VariantCodes {
		if slices.Contains(other.VariantCodes, code) {
			return true, fmt.Sprintf(" (both variants allow %s %s)", t.Variant, code)
		}
	}
	return false, ""
}

// Dictionaries.

type dictElement struct {
	num      string
	typ      Type
	min, max int
	name     string
	at       string // file:line
}

type dictComposite struct {
	id    string
	name  string
	comps []string // element numbers
	at    string
	file  string
	line  int
}

type dictSegment struct {
	id    string
	name  string
	elems []string // element numbers or composite IDs
	at    string
	line  int
	file  string
}

type dictionary struct {
	elements   map[string]*dictElement
	composites map[string]*dictComposite
	segments   map[string]*dictSegment
}

var typeNames = map[string]Type{
	"AN": AN, "ID": ID, "N0": N0, "N1": N1, "N2": N2, "R": R, "DT": DT, "TM": TM, "B": B,
}

func loadDicts(fsys fs.FS) (*dictionary, error) {
	d := &dictionary{
		elements:   make(map[string]*dictElement),
		composites: make(map[string]*dictComposite),
		segments:   make(map[string]*dictSegment),
	}
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := d.parse(name, string(data)); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Resolve references once every file is read: a segment may use a
	// composite defined in another file.
	segIDs := make([]string, 0, len(d.segments))
	for id := range d.segments {
		segIDs = append(segIDs, id)
	}
	sort.Strings(segIDs)
	compIDs := make([]string, 0, len(d.composites))
	for id := range d.composites {
		compIDs = append(compIDs, id)
	}
	sort.Strings(compIDs)
	for _, id := range compIDs {
		c := d.composites[id]
		for _, num := range c.comps {
			if d.elements[num] == nil {
				errs = append(errs, &TableError{File: c.file, Line: c.line, Msg: fmt.Sprintf("composite %s: element %s not in dictionary", c.id, num)})
				break
			}
		}
	}
	for _, id := range segIDs {
		s := d.segments[id]
		for _, ref := range s.elems {
			if d.elements[ref] == nil && d.composites[ref] == nil {
				errs = append(errs, &TableError{File: s.file, Line: s.line, Msg: fmt.Sprintf("segment %s: element or composite %s not in dictionary", s.id, ref)})
				break
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return d, nil
}

func (d *dictionary) parse(file, text string) error {
	for i, raw := range strings.Split(text, "\n") {
		line := i + 1
		fail := func(format string, args ...any) error {
			return &TableError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
		}
		toks, err := tokenize(raw)
		if err != nil {
			return fail("%v", err)
		}
		if len(toks) == 0 {
			continue
		}
		at := fmt.Sprintf("%s:%d", file, line)
		switch toks[0].text {
		case "element":
			if len(toks) != 6 || !toks[5].quoted {
				return fail(`want: element NUMBER TYPE MIN MAX "Name"`)
			}
			num := toks[1].text
			if !isWord(num) {
				return fail("bad element number %q", num)
			}
			typ, ok := typeNames[toks[2].text]
			if !ok {
				return fail("element %s: unknown type %q", num, toks[2].text)
			}
			min, err1 := strconv.Atoi(toks[3].text)
			max, err2 := strconv.Atoi(toks[4].text)
			if err1 != nil || err2 != nil || min < 1 || max < min || max > 999999 {
				return fail("element %s: bad lengths %s %s", num, toks[3].text, toks[4].text)
			}
			e := &dictElement{num: num, typ: typ, min: min, max: max, name: toks[5].text, at: at}
			if old := d.elements[num]; old != nil {
				if old.typ != e.typ || old.min != e.min || old.max != e.max || old.name != e.name {
					return fail("element %s redefined differently (first at %s)", num, old.at)
				}
				continue
			}
			d.elements[num] = e
		case "composite":
			if len(toks) < 4 || !toks[2].quoted {
				return fail(`want: composite ID "Name" ELEMENT...`)
			}
			c := &dictComposite{id: toks[1].text, name: toks[2].text, at: at, file: file, line: line}
			if !isWord(c.id) {
				return fail("bad composite ID %q", c.id)
			}
			for _, t := range toks[3:] {
				if t.quoted || !isWord(t.text) {
					return fail("composite %s: bad element %q", c.id, t.text)
				}
				c.comps = append(c.comps, t.text)
			}
			if old := d.composites[c.id]; old != nil {
				if old.name != c.name || !equalStrings(old.comps, c.comps) {
					return fail("composite %s redefined differently (first at %s)", c.id, old.at)
				}
				continue
			}
			d.composites[c.id] = c
		case "segment":
			if len(toks) < 4 || !toks[2].quoted {
				return fail(`want: segment ID "Name" ELEMENT...`)
			}
			s := &dictSegment{id: toks[1].text, name: toks[2].text, at: at, file: file, line: line}
			if !isSegmentID(s.id) {
				return fail("bad segment ID %q", s.id)
			}
			for _, t := range toks[3:] {
				if t.quoted || !isWord(t.text) {
					return fail("segment %s: bad element %q", s.id, t.text)
				}
				s.elems = append(s.elems, t.text)
			}
			if len(s.elems) > 99 {
				return fail("segment %s: %d elements, at most 99", s.id, len(s.elems))
			}
			if old := d.segments[s.id]; old != nil {
				if old.name != s.name || !equalStrings(old.elems, s.elems) {
					return fail("segment %s redefined differently (first at %s)", s.id, old.at)
				}
				continue
			}
			d.segments[s.id] = s
		default:
			return fail("unknown directive %q (want element, composite or segment)", toks[0].text)
		}
	}
	return nil
}

// Tables.

type tableCompiler struct {
	d     *dictionary
	file  string
	line  int
	t     *Transaction
	kind  string  // "transaction" or "interchange"
	stack []*open // open loops; stack[0] is the root
	seg   *openSegment
}

type open struct {
	loop *Loop
	line int
}

type openSegment struct {
	seg   *Segment
	dict  *dictSegment
	elems map[int]*Element // listed elements by position
	last  int              // last listed position
	comp  int              // last listed component of position last
}

func (c *tableCompiler) fail(format string, args ...any) error {
	return &TableError{File: c.file, Line: c.line, Msg: fmt.Sprintf(format, args...)}
}

func compileTable(d *dictionary, file, text string) (*Transaction, bool, error) {
	c := &tableCompiler{d: d, file: file}
	for i, raw := range strings.Split(text, "\n") {
		c.line = i + 1
		toks, err := tokenize(raw)
		if err != nil {
			return nil, false, c.fail("%v", err)
		}
		if len(toks) == 0 {
			continue
		}
		if err := c.directive(toks); err != nil {
			return nil, false, err
		}
	}
	// Problems found at the end of the file belong to no line.
	c.line = 0
	if c.t == nil {
		return nil, false, &TableError{File: file, Msg: "no transaction line"}
	}
	if err := c.closeSegment(); err != nil {
		return nil, false, err
	}
	if len(c.stack) > 1 {
		top := c.stack[len(c.stack)-1]
		return nil, false, c.fail("loop %s (line %d) has no end", top.loop.ID, top.line)
	}
	first, last := "ST", "SE"
	if c.kind == "interchange" {
		first, last = "ISA", "IEA"
	}
	ch := c.t.Root.Children
	if len(ch) == 0 || ch[0].Segment == nil || ch[0].Segment.ID != first {
		return nil, false, c.fail("%s does not start with segment %s", c.kind, first)
	}
	if n := ch[len(ch)-1]; n.Segment == nil || n.Segment.ID != last {
		return nil, false, c.fail("%s does not end with segment %s", c.kind, last)
	}
	if c.t.Variant != "" {
		codes, err := variantCodes(c.t)
		if err != nil {
			return nil, false, c.fail("%v", err)
		}
		c.t.VariantCodes = codes
	}
	return c.t, c.kind == "interchange", nil
}

// variantCodes returns the codes of t's Variant element, which must be in a
// segment of the root loop before its first loop.
func variantCodes(t *Transaction) ([]string, error) {
	segID, pos, _ := splitElementRef(t.Variant)
	for _, n := range t.Root.Children {
		if n.Loop != nil {
			break
		}
		if n.Segment.ID != segID {
			continue
		}
		if pos < 1 || pos > len(n.Segment.Elements) || len(n.Segment.Elements[pos-1].Codes) == 0 {
			return nil, fmt.Errorf("variant %s has no codes in segment %s", t.Variant, segID)
		}
		return n.Segment.Elements[pos-1].Codes, nil
	}
	return nil, fmt.Errorf("variant %s: no segment %s before the first loop", t.Variant, segID)
}

func (c *tableCompiler) directive(toks []token) error {
	word := toks[0].text
	if toks[0].quoted {
		return c.fail("line starts with a quoted string")
	}
	if c.t == nil && word != "transaction" && word != "interchange" {
		return c.fail("%s before the transaction line", word)
	}
	switch word {
	case "transaction":
		if c.t != nil {
			return c.fail("second transaction line")
		}
		if len(toks) != 4 || !toks[3].quoted || toks[1].quoted || toks[2].quoted {
			return c.fail(`want: transaction ID VERSION "Name"`)
		}
		if !isDigits(toks[1].text) || len(toks[1].text) != 3 {
			return c.fail("bad transaction set ID %q (want 3 digits)", toks[1].text)
		}
		if !isWord(toks[2].text) {
			return c.fail("bad version %q", toks[2].text)
		}
		c.kind = "transaction"
		c.t = &Transaction{ID: toks[1].text, Version: toks[2].text, Name: toks[3].text}
		c.t.Root = Loop{ID: "ST", Name: c.t.Name, Usage: Required, Repeat: Unbounded}
		c.stack = []*open{{loop: &c.t.Root, line: c.line}}
		return nil
	case "interchange":
		if c.t != nil {
			return c.fail("second transaction line")
		}
		if len(toks) != 3 || !toks[2].quoted || toks[1].quoted || !isWord(toks[1].text) {
			return c.fail(`want: interchange VERSION "Name"`)
		}
		c.kind = "interchange"
		c.t = &Transaction{ID: "ISA", Version: toks[1].text, Name: toks[2].text}
		c.t.Root = Loop{ID: "ISA", Name: c.t.Name, Usage: Required, Repeat: Unbounded}
		c.stack = []*open{{loop: &c.t.Root, line: c.line}}
		return nil
	case "alias":
		if c.kind != "transaction" {
			return c.fail("alias in an interchange table")
		}
		if len(toks) != 2 || toks[1].quoted || !isWord(toks[1].text) {
			return c.fail("want: alias VERSION")
		}
		v := toks[1].text
		if v == c.t.Version || contains(c.t.Aliases, v) {
			return c.fail("alias %s repeats a version", v)
		}
		c.t.Aliases = append(c.t.Aliases, v)
		return nil
	case "variant":
		if c.kind != "transaction" {
			return c.fail("variant in an interchange table")
		}
		if len(toks) != 2 || toks[1].quoted || !isElementRef(toks[1].text) || strings.Contains(toks[1].text, "-") {
			return c.fail("want: variant ELEMENT (BHT02)")
		}
		if c.t.Variant != "" {
			return c.fail("second variant line")
		}
		if len(c.t.Root.Children) > 0 {
			return c.fail("variant after the first segment")
		}
		c.t.Variant = toks[1].text
		return nil
	case "segment":
		if err := c.closeSegment(); err != nil {
			return err
		}
		return c.openSegment(toks)
	case "loop", "wrapper":
		if err := c.closeSegment(); err != nil {
			return err
		}
		return c.openLoop(toks)
	case "end":
		if err := c.closeSegment(); err != nil {
			return err
		}
		if len(toks) != 1 {
			return c.fail("end takes no arguments")
		}
		if len(c.stack) == 1 {
			return c.fail("end without loop")
		}
		top := c.stack[len(c.stack)-1]
		if len(top.loop.Children) == 0 {
			if top.loop.Wrapper {
				return c.fail("wrapper %s is empty", top.loop.ID)
			}
			return c.fail("loop %s has no trigger segment", top.loop.ID)
		}
		c.stack = c.stack[:len(c.stack)-1]
		return nil
	}
	if isElementRef(word) {
		return c.element(toks)
	}
	return c.fail("unknown directive %q", word)
}

func (c *tableCompiler) parent() *Loop { return c.stack[len(c.stack)-1].loop }

func (c *tableCompiler) openSegment(toks []token) error {
	if len(toks) < 4 || len(toks) > 5 || toks[1].quoted || toks[2].quoted || toks[3].quoted || (len(toks) == 5 && !toks[4].quoted) {
		return c.fail(`want: segment ID USAGE MAXUSE ["Name"]`)
	}
	id := toks[1].text
	ds := c.d.segments[id]
	if ds == nil {
		return c.fail("segment %s not in dictionary", id)
	}
	usage, err := parseUsage(toks[2].text)
	if err != nil {
		return c.fail("segment %s: %v", id, err)
	}
	maxUse, err := parseRepeat(toks[3].text)
	if err != nil {
		return c.fail("segment %s: bad max use: %v", id, err)
	}
	name := ds.name
	if len(toks) == 5 {
		name = toks[4].text
	}
	s := &Segment{ID: id, Name: name, Usage: usage, MaxUse: maxUse}
	c.seg = &openSegment{seg: s, dict: ds, elems: make(map[int]*Element)}
	p := c.parent()
	p.Children = append(p.Children, Node{Segment: s})
	return nil
}

func (c *tableCompiler) openLoop(toks []token) error {
	kind := toks[0].text
	if len(toks) < 4 || len(toks) > 5 || toks[1].quoted || toks[2].quoted || toks[3].quoted || (len(toks) == 5 && !toks[4].quoted) {
		return c.fail(`want: %s ID USAGE REPEAT ["Name"]`, kind)
	}
	id := toks[1].text
	if !isWord(id) {
		return c.fail("bad %s ID %q", kind, id)
	}
	usage, err := parseUsage(toks[2].text)
	if err != nil {
		return c.fail("%s %s: %v", kind, id, err)
	}
	repeat, err := parseRepeat(toks[3].text)
	if err != nil {
		return c.fail("%s %s: bad repeat: %v", kind, id, err)
	}
	p := c.parent()
	if !p.Wrapper && len(p.Children) == 0 {
		return c.fail("%s %s opens before loop %s has its trigger segment", kind, id, p.ID)
	}
	l := &Loop{ID: id, Usage: usage, Repeat: repeat, Wrapper: kind == "wrapper"}
	if len(toks) == 5 {
		l.Name = toks[4].text
	}
	p.Children = append(p.Children, Node{Loop: l})
	c.stack = append(c.stack, &open{loop: l, line: c.line})
	return nil
}

// element compiles an element line: "NM101 R key codes=41" or "CLM05-1 R".
func (c *tableCompiler) element(toks []token) error {
	ref := toks[0].text
	if c.seg == nil {
		return c.fail("element %s outside a segment", ref)
	}
	segID, pos, comp := splitElementRef(ref)
	if comp < 0 {
		return c.fail("%s: component 0 (components count from 1)", ref)
	}
	os := c.seg
	if segID != os.seg.ID {
		return c.fail("element %s in segment %s", ref, os.seg.ID)
	}
	if pos < 1 {
		return c.fail("%s: position 0 (positions count from 1)", ref)
	}
	if pos > len(os.dict.elems) {
		return c.fail("%s: position %d beyond segment %s's %d elements", ref, pos, segID, len(os.dict.elems))
	}
	if len(toks) < 2 || toks[1].quoted {
		return c.fail("%s: missing usage", ref)
	}
	usage, err := parseUsage(toks[1].text)
	if err != nil {
		return c.fail("%s: %v", ref, err)
	}
	dref := os.dict.elems[pos-1]
	var el *Element
	if comp == 0 {
		if pos == os.last {
			return c.fail("%s listed twice", ref)
		}
		if pos < os.last {
			return c.fail("%s after %s%02d: list elements in order", ref, segID, os.last)
		}
		el = c.d.baseElement(pos, dref)
		el.Usage = usage
		os.elems[pos] = el
		os.last, os.comp = pos, 0
	} else {
		dc := c.d.composites[dref]
		if dc == nil {
			return c.fail("%s: component of simple element %s%02d", ref, segID, pos)
		}
		if comp > len(dc.comps) {
			return c.fail("%s: component %d beyond composite %s's %d components", ref, comp, dc.id, len(dc.comps))
		}
		parent := os.elems[pos]
		if parent == nil || pos != os.last {
			if parent != nil || pos < os.last {
				return c.fail("%s after %s%02d: list elements in order", ref, segID, os.last)
			}
			return c.fail("%s before its composite %s%02d", ref, segID, pos)
		}
		if comp <= os.comp {
			if comp == os.comp {
				return c.fail("%s listed twice", ref)
			}
			return c.fail("%s after %s%02d-%d: list components in order", ref, segID, pos, os.comp)
		}
		el = &parent.Components[comp-1]
		el.Usage = usage
		os.comp = comp
		if err := c.options(ref, el, toks[2:]); err != nil {
			return err
		}
		// A composite whose component is a key is a key of its segment
		// (CTX01-1 tells the 999's CTX segments apart).
		parent.Key = parent.Key || el.Key
		return nil
	}
	return c.options(ref, el, toks[2:])
}

func (c *tableCompiler) options(ref string, el *Element, toks []token) error {
	composite := el.IsComposite()
	var codesSet bool
	for i, t := range toks {
		if t.quoted {
			if i != len(toks)-1 {
				return c.fail("%s: the name must come last", ref)
			}
			el.Name = t.text
			continue
		}
		key, val, hasVal := strings.Cut(t.text, "=")
		if composite && key != "repeat" {
			return c.fail("%s: option %s on a composite", ref, key)
		}
		switch {
		case key == "key" && !hasVal:
			el.Key = true
		case key == "codes" && hasVal:
			if codesSet {
				return c.fail("%s: codes given twice", ref)
			}
			codesSet = true
			seen := make(map[string]bool)
			for _, code := range strings.Split(val, ",") {
				if code == "" {
					return c.fail("%s: empty code in %q", ref, val)
				}
				if seen[code] {
					return c.fail("%s: code %s listed twice", ref, code)
				}
				seen[code] = true
				el.Codes = append(el.Codes, code)
			}
		case key == "repeat" && hasVal:
			n, err := strconv.Atoi(val)
			if err != nil || n < 2 {
				return c.fail("%s: bad repeat %q (want a number of at least 2)", ref, val)
			}
			el.Repeat = n
		case (key == "min" || key == "max") && hasVal:
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return c.fail("%s: bad %s %q", ref, key, val)
			}
			if key == "min" {
				if n < el.Min {
					return c.fail("%s: min=%d widens the dictionary's min %d", ref, n, el.Min)
				}
				el.Min = n
			} else {
				if n > el.Max {
					return c.fail("%s: max=%d widens the dictionary's max %d", ref, n, el.Max)
				}
				el.Max = n
			}
		case key == "type" && hasVal:
			typ, ok := typeNames[val]
			if !ok {
				return c.fail("%s: unknown type %q", ref, val)
			}
			el.Type = typ
		default:
			return c.fail("%s: unknown option %q", ref, t.text)
		}
	}
	if el.Min > el.Max && !composite {
		return c.fail("%s: min %d above max %d", ref, el.Min, el.Max)
	}
	if len(el.Codes) > 0 {
		if el.Type != ID && el.Type != AN {
			return c.fail("%s: codes on a %s element (codes need type ID or AN)", ref, el.Type)
		}
		for _, code := range el.Codes {
			if n := len(code); n < el.Min || n > el.Max {
				return c.fail("%s: code %s is not %d to %d long", ref, code, el.Min, el.Max)
			}
		}
	}
	if el.Key && len(el.Codes) == 0 {
		return c.fail("%s: key without codes", ref)
	}
	return nil
}

// baseElement returns the dictionary's description of the element or
// composite ref at pos, Not Used until the table says otherwise.
func (d *dictionary) baseElement(pos int, ref string) *Element {
	if dc := d.composites[ref]; dc != nil {
		el := &Element{Pos: pos, Name: dc.name, Usage: NotUsed}
		for i, num := range dc.comps {
			de := d.elements[num]
			el.Components = append(el.Components, Element{
				Pos: i + 1, Name: de.name, DataEle: de.num, Usage: NotUsed,
				Type: de.typ, Min: de.min, Max: de.max,
			})
		}
		return el
	}
	de := d.elements[ref]
	return &Element{Pos: pos, Name: de.name, DataEle: de.num, Usage: NotUsed, Type: de.typ, Min: de.min, Max: de.max}
}

// closeSegment fills in the elements of the open segment: every position of
// the dictionary's segment, Not Used where the table does not list it.
func (c *tableCompiler) closeSegment() error {
	os := c.seg
	if os == nil {
		return nil
	}
	c.seg = nil
	for i, ref := range os.dict.elems {
		pos := i + 1
		el := os.elems[pos]
		if el == nil {
			el = c.d.baseElement(pos, ref)
		}
		os.seg.Elements = append(os.seg.Elements, *el)
	}
	return nil
}

func parseUsage(s string) (Usage, error) {
	switch s {
	case "R":
		return Required, nil
	case "S":
		return Situational, nil
	case "N":
		return NotUsed, nil
	}
	return 0, fmt.Errorf("bad usage %q (want R, S or N)", s)
}

func parseRepeat(s string) (int, error) {
	if s == ">1" {
		return Unbounded, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || !isDigits(s) {
		return 0, fmt.Errorf("%q (want a number or >1)", s)
	}
	return n, nil
}

// Lexing.

type token struct {
	text   string
	quoted bool
}

// tokenize splits a line into words and "quoted strings"; # outside quotes
// starts a comment.
func tokenize(line string) ([]token, error) {
	var toks []token
	line = strings.TrimSuffix(line, "\r")
	for i := 0; i < len(line); {
		switch ch := line[i]; {
		case ch == ' ' || ch == '\t':
			i++
		case ch == '#':
			return toks, nil
		case ch == '"':
			j := strings.IndexByte(line[i+1:], '"')
			if j < 0 {
				return nil, errors.New("unterminated quoted string")
			}
			toks = append(toks, token{text: line[i+1 : i+1+j], quoted: true})
			i += j + 2
			if i < len(line) && line[i] != ' ' && line[i] != '\t' {
				return nil, errors.New("no space after quoted string")
			}
		default:
			// A word runs to the next space or #; a quoted run inside it
			// (codes="PATIENT NAME NM109",CLM01) may hold spaces and #.
			var b strings.Builder
			j := i
			for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != '#' {
				if line[j] == '"' {
					k := strings.IndexByte(line[j+1:], '"')
					if k < 0 {
						return nil, errors.New("unterminated quoted string")
					}
					b.WriteString(line[j+1 : j+1+k])
					j += k + 2
					continue
				}
				b.WriteByte(line[j])
				j++
			}
			toks = append(toks, token{text: b.String()})
			i = j
		}
	}
	return toks, nil
}

// isElementRef reports whether s looks like NM101, N302, CLM05-1.
func isElementRef(s string) bool {
	base, comp, hasComp := strings.Cut(s, "-")
	if hasComp && (!isDigits(comp) || len(comp) > 2) {
		return false
	}
	if len(base) < 4 || len(base) > 5 {
		return false
	}
	return isSegmentID(base[:len(base)-2]) && isDigits(base[len(base)-2:])
}

// splitElementRef splits a reference accepted by isElementRef; comp is 0
// for a simple element and -1 for the invalid component 0.
func splitElementRef(s string) (seg string, pos, comp int) {
	base, c, _ := strings.Cut(s, "-")
	seg = base[:len(base)-2]
	pos, _ = strconv.Atoi(base[len(base)-2:])
	if c != "" {
		comp, _ = strconv.Atoi(c)
		if comp == 0 {
			comp = -1
		}
	}
	return seg, pos, comp
}

func isSegmentID(s string) bool {
	if len(s) < 2 || len(s) > 3 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isWord reports whether s is a plain identifier: letters, digits, _ . -
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '.' || ch == '-') {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
