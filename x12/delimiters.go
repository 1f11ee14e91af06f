package x12

import (
	"fmt"
	"strconv"
	"strings"
)

// Delimiters are the four separator characters of an interchange, declared
// by its ISA segment.
type Delimiters struct {
	Element    byte // separates elements; ISA byte 4
	Repetition byte // separates repetitions of an element; ISA11; 0 if none
	Component  byte // separates components of a composite element; ISA16
	Segment    byte // ends a segment; the byte after ISA16
}

// DefaultDelimiters are the delimiters most senders use: * ^ : ~.
var DefaultDelimiters = Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}

// IsDelimiter reports whether c is one of d's delimiters.
func (d Delimiters) IsDelimiter(c byte) bool {
	return c == d.Element || c == d.Segment || c == d.Component || (d.Repetition != 0 && c == d.Repetition)
}

// CheckValue returns an error wrapping ErrDelimiterInValue if s contains
// any of d's delimiters, which X12 cannot escape.
func (d Delimiters) CheckValue(s string) error {
	for i := 0; i < len(s); i++ {
		if d.IsDelimiter(s[i]) {
			return fmt.Errorf("value %q: %w %q at byte %d", s, ErrDelimiterInValue, s[i], i)
		}
	}
	return nil
}

// Valid returns an error unless d can delimit X12: the element separator,
// component separator and segment terminator are set, all four are
// distinct, and none is a letter, digit or space; only the terminator may
// be a line break.
func (d Delimiters) Valid() error {
	name := [4]string{"element separator", "repetition separator", "component separator", "segment terminator"}
	c := [4]byte{d.Element, d.Repetition, d.Component, d.Segment}
	for i, x := range c {
		if x == 0 {
			if i == 1 {
				continue
			}
			return fmt.Errorf("%s is not set", name[i])
		}
		if isAlnum(x) {
			return fmt.Errorf("%s %q is a letter or digit", name[i], x)
		}
		if i != 3 && (x == '\r' || x == '\n') {
			return fmt.Errorf("%s is a line break", name[i])
		}
		if x == ' ' {
			return fmt.Errorf("%s is a space", name[i])
		}
		for j := 0; j < i; j++ {
			if c[j] == x {
				return fmt.Errorf("%s and %s are both %q", name[j], name[i], x)
			}
		}
	}
	return nil
}

// String returns the four delimiters as Go-quoted characters, for messages.
func (d Delimiters) String() string {
	q := func(c byte) string {
		if c == 0 {
			return "none"
		}
		return strconv.QuoteRune(rune(c))
	}
	return strings.Join([]string{q(d.Element), q(d.Repetition), q(d.Component), q(d.Segment)}, " ")
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
