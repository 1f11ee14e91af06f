package validate

import (
	"sync"

	"github.com/claimgate/claimgate/x12/spec"
)

// A machine is a transaction table prepared for walking: wrappers inlined,
// key codes and code lists in maps, element references precomputed. It is
// built once per table and shared.
type machine struct {
	t    *spec.Transaction
	root *mloop
	ids  map[string]bool // every segment ID the table uses
}

// mloop is a loop of a machine.
type mloop struct {
	id    string
	spec  *spec.Loop
	items []item
	// group[i] is the index of the first of the run of segments that share
	// item i's segment ID. The guides repeat a segment at one position with
	// different qualifiers (DTP*434, DTP*435 in 2300): X12 lets those come
	// in any order among themselves. Loops are not grouped: the guides give
	// 2010AA, 2010AB... an order, and so does pyx12.
	group []int
}

// item is a segment or a child loop in a loop's order. Wrappers are inlined:
// their children are items of the enclosing loop.
type item struct {
	seg   *mseg  // a segment, or
	loop  *mloop // a loop, whose trigger is loop.items[0].seg
	usage spec.Usage
	max   int // MaxUse or Repeat; spec.Unbounded for no limit
	name  string
	id    string // the segment ID, or the loop's trigger segment ID
}

func (it *item) trigger() *mseg {
	if it.loop != nil {
		return it.loop.items[0].seg
	}
	return it.seg
}

// mseg is a segment of a machine.
type mseg struct {
	spec    *spec.Segment
	elems   []melem
	keys    []mkey
	lastReq int // position of the last required element; 0 if none
}

// mkey is a key element (or component) whose codes identify the segment.
type mkey struct {
	elem, comp int
	codes      codes
}

// codes is a code list: a slice to scan when short, a map when long.
type codes struct {
	list []string
	set  map[string]struct{}
}

func (c *codes) has(v []byte) bool {
	if c.set != nil {
		_, ok := c.set[string(v)]
		return ok
	}
	for _, x := range c.list {
		if x == string(v) {
			return true
		}
	}
	return false
}

// melem is an element or a component of a machine's segment.
type melem struct {
	e *spec.Element
	// usage, typ, min and max copy e's, to spare a pointer per check.
	usage    spec.Usage
	typ      spec.Type
	min, max int
	ref      string // "NM108", "CLM05-3"
	codes    *codes // nil when any value goes
	comps    []melem
	// dateFormat is set on a 1251 element that follows a 1250 qualifier:
	// the position of the qualifier, whose value says how to read it.
	qualPos int
}

var machines sync.Map // *spec.Transaction → *machine

func machineFor(t *spec.Transaction) *machine {
	if m, ok := machines.Load(t); ok {
		return m.(*machine)
	}
	m := compile(t)
	actual, _ := machines.LoadOrStore(t, m)
	return actual.(*machine)
}

func compile(t *spec.Transaction) *machine {
	m := &machine{t: t, ids: make(map[string]bool)}
	m.root = m.loop(&t.Root)
	return m
}

func (m *machine) loop(l *spec.Loop) *mloop {
	ml := &mloop{id: l.ID, spec: l}
	m.inline(ml, l)
	ml.group = make([]int, len(ml.items))
	for i := range ml.items {
		ml.group[i] = i
		if i > 1 && ml.items[i].seg != nil && ml.items[i-1].seg != nil && ml.items[i].id == ml.items[i-1].id {
			ml.group[i] = ml.group[i-1]
		}
	}
	return ml
}

// inline appends the children of l to ml's items, inlining wrappers.
func (m *machine) inline(ml *mloop, l *spec.Loop) {
	for _, n := range l.Children {
		switch {
		case n.Segment != nil:
			s := m.segment(n.Segment)
			ml.items = append(ml.items, item{seg: s, usage: n.Segment.Usage, max: n.Segment.MaxUse, name: n.Segment.Name, id: n.Segment.ID})
		case n.Loop != nil && n.Loop.Wrapper:
			m.inline(ml, n.Loop)
		case n.Loop != nil:
			child := m.loop(n.Loop)
			if len(child.items) == 0 || child.items[0].seg == nil {
				continue // the compiler forbids this; never walk into it
			}
			ml.items = append(ml.items, item{loop: child, usage: n.Loop.Usage, max: n.Loop.Repeat, name: n.Loop.Name, id: child.items[0].id})
		}
	}
}

func (m *machine) segment(s *spec.Segment) *mseg {
	m.ids[s.ID] = true
	ms := &mseg{spec: s, elems: make([]melem, len(s.Elements))}
	for i := range s.Elements {
		e := &s.Elements[i]
		me := melem{e: e, usage: e.Usage, typ: e.Type, min: e.Min, max: e.Max, ref: elementRef(s.ID, e.Pos, 0), codes: codeSet(e.Codes)}
		if e.DataEle == "1251" && i > 0 && s.Elements[i-1].DataEle == "1250" {
			me.qualPos = i // 1-based position of the qualifier is i
		}
		for j := range e.Components {
			c := &e.Components[j]
			me.comps = append(me.comps, melem{e: c, usage: c.Usage, typ: c.Type, min: c.Min, max: c.Max, ref: elementRef(s.ID, e.Pos, c.Pos), codes: codeSet(c.Codes)})
			if c.Key && len(c.Codes) > 0 {
				ms.keys = append(ms.keys, mkey{elem: e.Pos, comp: c.Pos, codes: *codeSet(c.Codes)})
			}
		}
		if e.Key && !e.IsComposite() && len(e.Codes) > 0 {
			ms.keys = append(ms.keys, mkey{elem: e.Pos, codes: *codeSet(e.Codes)})
		}
		ms.elems[i] = me
		if e.Usage == spec.Required {
			ms.lastReq = e.Pos
		}
	}
	return ms
}

func codeSet(list []string) *codes {
	if len(list) == 0 {
		return nil
	}
	c := &codes{list: list}
	if len(list) > 8 {
		c.set = make(map[string]struct{}, len(list))
		for _, x := range list {
			c.set[x] = struct{}{}
		}
	}
	return c
}
