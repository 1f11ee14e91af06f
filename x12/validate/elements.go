package validate

import (
	"bytes"
	"fmt"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/spec"
)

// elements checks the elements of s against ms: usage, repetitions,
// components, type, length and code values.
func (w *Walker) elements(s *x12.Segment, ms *mseg, node *Loop) {
	if w.full() {
		w.dropped++ // not checked: nothing more would be kept
		return
	}
	n := s.Len()
	raw := s.Raw()
	hasRep := s.Delims.Repetition != 0 && bytes.IndexByte(raw, s.Delims.Repetition) >= 0
	hasComp := bytes.IndexByte(raw, s.Delims.Component) >= 0
	// Past the segment's last element only required ones need a look.
	for i := range min(len(ms.elems), max(n, ms.lastReq)) {
		me := &ms.elems[i]
		pos := i + 1
		raw := s.Element(pos)
		if len(raw) == 0 {
			if me.usage == spec.Required {
				w.elem(s, node, me, pos, 0, 0, CodeElementMissing, fmt.Sprintf("required %s is missing", quoteName(me.e.Name)))
			}
			continue
		}
		if me.usage == spec.NotUsed {
			w.elem(s, node, me, pos, 0, 0, CodeElementNotUsed, fmt.Sprintf("%s is not used in this position, but has a value", quoteName(me.e.Name)))
			continue
		}
		reps, maxReps := 1, me.e.Repeat
		if maxReps < 1 {
			maxReps = 1
		}
		if hasRep && bytes.IndexByte(raw, s.Delims.Repetition) >= 0 {
			reps = s.Repetitions(pos)
		}
		if reps > maxReps {
			w.elem(s, node, me, pos, 0, 0, CodeTooManyRepeats, fmt.Sprintf("repeats %d times, at most %d", reps, maxReps))
			reps = maxReps
		}
		for r := 1; r <= reps; r++ {
			v := raw
			if reps > 1 || maxReps > 1 {
				v = s.Repetition(pos, r)
			}
			rep := 0
			if maxReps > 1 {
				rep = r
			}
			if me.comps != nil {
				w.composite(s, node, me, pos, rep, v)
				continue
			}
			if hasComp && bytes.IndexByte(v, s.Delims.Component) >= 0 {
				w.elem(s, node, me, pos, 0, rep, CodeTooManyComponents, "has components, but is a simple element")
				continue
			}
			w.value(s, node, me, pos, 0, rep, v)
		}
	}
	if n > len(ms.elems) {
		for pos := len(ms.elems) + 1; pos <= n; pos++ {
			if len(s.Element(pos)) > 0 {
				f := w.elemFinding(s, node, nil, pos, 0, 0, CodeTooManyElements,
					fmt.Sprintf("segment has %d elements, at most %d", n, len(ms.elems)))
				w.add(f)
				break
			}
		}
	}
}

// composite checks one repetition v of composite element pos.
func (w *Walker) composite(s *x12.Segment, node *Loop, me *melem, pos, rep int, v []byte) {
	if len(v) == 0 {
		if me.usage == spec.Required {
			w.elem(s, node, me, pos, 0, rep, CodeElementMissing, fmt.Sprintf("required %s is missing", quoteName(me.e.Name)))
		}
		return
	}
	cs := s.Delims.Component
	n := bytes.Count(v, []byte{cs}) + 1
	rest := v
	for j := 1; j <= n; j++ {
		var c []byte
		if k := bytes.IndexByte(rest, cs); k >= 0 {
			c, rest = rest[:k], rest[k+1:]
		} else {
			c, rest = rest, nil
		}
		if j > len(me.comps) {
			if len(c) > 0 {
				w.elem(s, node, me, pos, 0, rep, CodeTooManyComponents, fmt.Sprintf("has %d components, at most %d", n, len(me.comps)))
				return
			}
			continue
		}
		mc := &me.comps[j-1]
		switch {
		case len(c) == 0:
			if mc.usage == spec.Required {
				w.elem(s, node, mc, pos, j, rep, CodeElementMissing, fmt.Sprintf("required %s is missing", quoteName(mc.e.Name)))
			}
		case mc.usage == spec.NotUsed:
			w.elem(s, node, mc, pos, j, rep, CodeElementNotUsed, fmt.Sprintf("%s is not used in this position, but has a value", quoteName(mc.e.Name)))
		default:
			w.value(s, node, mc, pos, j, rep, c)
		}
	}
	for j := n + 1; j <= len(me.comps); j++ {
		if mc := &me.comps[j-1]; mc.usage == spec.Required {
			w.elem(s, node, mc, pos, j, rep, CodeElementMissing, fmt.Sprintf("required %s is missing", quoteName(mc.e.Name)))
		}
	}
}

// value checks a simple value v: characters, type, length, code.
func (w *Walker) value(s *x12.Segment, node *Loop, me *melem, pos, comp, rep int, v []byte) {
	e := me.e
	n := len(v)
	typeOK := true
	switch me.typ {
	case spec.N0, spec.N1, spec.N2:
		typeOK = isNumber(v, false)
		n = digits(v)
		if !typeOK {
			w.elem(s, node, me, pos, comp, rep, CodeBadCharacter, fmt.Sprintf("not a whole number (type %s)", e.Type))
		}
	case spec.R:
		typeOK = isNumber(v, true)
		n = digits(v)
		if !typeOK {
			w.elem(s, node, me, pos, comp, rep, CodeBadCharacter, "not a decimal number (type R)")
		}
	case spec.DT:
		if !validDate(v) {
			typeOK = false
			w.elem(s, node, me, pos, comp, rep, CodeBadDate, "not a valid date (CCYYMMDD)")
		}
	case spec.TM:
		if _, err := x12.ParseTime(string(v)); err != nil {
			typeOK = false
			w.elem(s, node, me, pos, comp, rep, CodeBadTime, "not a valid time (HHMM, HHMMSS, HHMMSSD or HHMMSSDD)")
		}
	default:
		for _, c := range v {
			if c < 0x20 || c == 0x7f {
				typeOK = false
				w.elem(s, node, me, pos, comp, rep, CodeBadCharacter, fmt.Sprintf("contains the control character %#02x", c))
				break
			}
		}
	}
	if typeOK || (me.typ != spec.DT && me.typ != spec.TM) {
		switch {
		case n < me.min:
			w.elem(s, node, me, pos, comp, rep, CodeTooShort, fmt.Sprintf("too short: %s, at least %d", chars(n), me.min))
		case me.max > 0 && n > me.max:
			w.elem(s, node, me, pos, comp, rep, CodeTooLong, fmt.Sprintf("too long: %s, at most %d", chars(n), me.max))
		}
	}
	if me.codes != nil {
		if !me.codes.has(v) {
			w.elem(s, node, me, pos, comp, rep, CodeBadCode, fmt.Sprintf("code %q not allowed; want %s", clip(v), want(e.Codes)))
		}
	}
	if me.qualPos > 0 && comp == 0 {
		if msg := checkPeriod(s.Element(me.qualPos), v); msg != "" {
			w.elem(s, node, me, pos, comp, rep, CodeBadDate, msg)
		}
	}
}

// checkPeriod checks a date-time period (element 1251) against its format
// qualifier (element 1250): D8, RD8, DT, D6, TM. It returns what is wrong,
// or "".
func checkPeriod(qual, v []byte) string {
	switch string(qual) {
	case "D8":
		if len(v) != 8 || !validDate(v) {
			return "not a valid D8 date (CCYYMMDD)"
		}
	case "RD8":
		from, to, ok := bytes.Cut(v, []byte{'-'})
		if !ok || len(from) != 8 || len(to) != 8 || !validDate(from) || !validDate(to) {
			return "not a valid RD8 date range (CCYYMMDD-CCYYMMDD)"
		}
		if string(from) > string(to) {
			return "RD8 date range ends before it starts"
		}
	case "DT":
		if len(v) != 12 || !validDate(v[:8]) {
			return "not a valid DT date and time (CCYYMMDDHHMM)"
		}
		if _, err := x12.ParseTime(string(v[8:])); err != nil {
			return "not a valid DT date and time (CCYYMMDDHHMM)"
		}
	case "D6":
		if len(v) != 6 || !validDate(v) {
			return "not a valid D6 date (YYMMDD)"
		}
	}
	return ""
}

// validDate reports whether v is a date that exists, CCYYMMDD (from 1900
// on: earlier dates are keying errors in health care) or YYMMDD.
func validDate(v []byte) bool {
	switch len(v) {
	case 8:
		return digitsOnly(v) && (v[0] > '1' || v[1] == '9') && dayExists(atoi(v[:4]), atoi(v[4:6]), atoi(v[6:8]))
	case 6:
		if !digitsOnly(v) {
			return false
		}
		y := atoi(v[:2]) + 2000
		if y >= 2069 {
			y -= 100 // as x12.ParseShortDate and package time
		}
		return dayExists(y, atoi(v[2:4]), atoi(v[4:6]))
	}
	return false
}

func dayExists(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

func digitsOnly(v []byte) bool {
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func atoi(v []byte) int {
	n := 0
	for _, c := range v {
		n = n*10 + int(c-'0')
	}
	return n
}

// isNumber reports whether v is an X12 number: an optional minus sign and
// digits, with one decimal point if decimal is set.
func isNumber(v []byte, decimal bool) bool {
	if len(v) > 0 && v[0] == '-' {
		v = v[1:]
	}
	dot, digit := false, false
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c == '.' && decimal && !dot:
			dot = true
		default:
			return false
		}
	}
	return digit
}

// digits counts the digits of a number: X12 lengths leave out the sign and
// the decimal point.
func digits(v []byte) int {
	n := 0
	for _, c := range v {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	if n == 0 {
		return len(v)
	}
	return n
}

func (w *Walker) elem(s *x12.Segment, node *Loop, me *melem, pos, comp, rep int, code, msg string) {
	w.add(w.elemFinding(s, node, me, pos, comp, rep, code, msg))
}

func (w *Walker) elemFinding(s *x12.Segment, node *Loop, me *melem, pos, comp, rep int, code, msg string) Finding {
	f := segFinding(s, node, Error, code, msg)
	f.Level = ElementLevel
	f.Element, f.Component, f.Repetition = pos, comp, rep
	if me != nil {
		f.Ref = me.ref
		f.DataElement = me.e.DataEle
	} else {
		f.Ref = elementRef(s.ID, pos, comp)
	}
	return f
}

func quoteName(name string) string {
	if name == "" {
		return "element"
	}
	return fmt.Sprintf("%q", name)
}

func chars(n int) string {
	if n == 1 {
		return "1 character"
	}
	return fmt.Sprintf("%d characters", n)
}

// clip shortens a value for a message.
func clip(v []byte) string {
	if len(v) > 20 {
		return string(v[:20]) + "…"
	}
	return string(v)
}
