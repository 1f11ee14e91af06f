package claimgate

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in integer cents. Money never passes through a float.
type Money int64

// String formats m as dollars with two decimals, e.g. "-12.05".
func (m Money) String() string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// ParseMoney parses "123", "123.4" or "-123.45" into cents. More than two
// decimals is an error, not a rounding.
func ParseMoney(s string) (Money, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") || len(frac) > 2 || strings.ContainsAny(whole+frac, "+- ") {
		return 0, Errorf(Invalid, "invalid amount %q: want dollars with at most two decimals", orig)
	}
	var w, f int64
	var err error
	if whole != "" {
		if w, err = strconv.ParseInt(whole, 10, 64); err != nil || w > (1<<63-1)/100-1 {
			return 0, Errorf(Invalid, "invalid amount %q", orig)
		}
	}
	if frac != "" {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, Errorf(Invalid, "invalid amount %q", orig)
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	c := w*100 + f
	if neg {
		c = -c
	}
	return Money(c), nil
}
