package x12

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseAmount parses an X12 monetary amount (type R, as in CLP04 or SVC02)
// into cents, exactly: "123.45" is 12345, "-5" is -500 and "10.5" is 1050.
// It refuses an empty value, signs other than a leading "-", exponents,
// more than one decimal point, a decimal point with no digit after it
// ("5."), precision finer than a cent ("1.005"; but "1.000" is 100) and
// values beyond int64. ".5" is 50. Errors wrap ErrInvalidValue.
func ParseAmount(s string) (int64, error) { return ParseDecimal(s, 2) }

// FormatAmount formats cents as an X12 amount in the one canonical form
// this package writes: a "-" for negative values, no leading zeros except
// a single "0" before the decimal point of values under one, and no
// trailing zeros or decimal point: 12345 is "123.45", 10000 is "100", 1050
// is "10.5", 5 is "0.05" and -500 is "-5".
func FormatAmount(cents int64) string { return FormatDecimal(cents, 2) }

// ParseDecimal parses an X12 decimal number (type R) into an integer
// scaled by 10^scale, exactly: ParseDecimal("1.5", 3) is 1500. It follows
// the rules of ParseAmount. scale must be between 0 and 18.
func ParseDecimal(s string, scale int) (int64, error) {
	if scale < 0 || scale > 18 {
		return 0, fmt.Errorf("x12: number %q: %w: scale %d out of range", s, ErrInvalidValue, scale)
	}
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("x12: number %q: %w: %s", s, ErrInvalidValue, why)
	}
	if s == "" {
		return bad("empty")
	}
	i := 0
	neg := s[0] == '-'
	if neg {
		i = 1
	}
	var v uint64
	const limit = uint64(math.MaxInt64)
	digits, frac, point := 0, 0, -1
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if point >= 0 {
				return bad("more than one decimal point")
			}
			point = i
			continue
		}
		if c < '0' || c > '9' {
			return bad(fmt.Sprintf("unexpected %q", c))
		}
		digits++
		d := uint64(c - '0')
		if point >= 0 {
			frac++
			if frac > scale {
				if d != 0 {
					return bad(fmt.Sprintf("more than %d decimal places", scale))
				}
				continue
			}
		}
		if v > (limit-d)/10 {
			return bad("out of range")
		}
		v = v*10 + d
	}
	if digits == 0 {
		return bad("no digits")
	}
	if point == len(s)-1 {
		return bad("no digits after the decimal point")
	}
	for k := min(frac, scale); k < scale; k++ {
		if v > limit/10 {
			return bad("out of range")
		}
		v *= 10
	}
	if neg {
		return -int64(v), nil
	}
	return int64(v), nil
}

// FormatDecimal formats v, scaled by 10^scale, in the canonical form
// described at FormatAmount. scale must be between 0 and 18.
func FormatDecimal(v int64, scale int) string {
	scale = max(0, min(scale, 18))
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	p := uint64(1)
	for range scale {
		p *= 10
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString(strconv.FormatUint(u/p, 10))
	if f := u % p; f != 0 {
		fs := strconv.FormatUint(f, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", scale-len(fs)))
		b.WriteString(strings.TrimRight(fs, "0"))
	}
	return b.String()
}

// ParseN2 parses a number of type N2, whose last two digits are implied
// decimals ("12345" is 123.45), into cents. It accepts an optional leading
// "-" and digits only. Errors wrap ErrInvalidValue.
func ParseN2(s string) (int64, error) {
	n := strings.TrimPrefix(s, "-")
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return 0, fmt.Errorf("x12: N2 number %q: %w: unexpected %q", s, ErrInvalidValue, n[i])
		}
	}
	if n == "" {
		return 0, fmt.Errorf("x12: N2 number %q: %w: no digits", s, ErrInvalidValue)
	}
	return ParseDecimal(s, 0)
}

// FormatN2 formats cents as an N2 number: 12345 is "12345", -5 is "-5".
func FormatN2(cents int64) string { return strconv.FormatInt(cents, 10) }

// ParseDate parses an X12 date of type DT in the form CCYYMMDD into
// midnight UTC of that day. It refuses dates that do not exist, such as
// 20230230. Errors wrap ErrInvalidValue.
func ParseDate(s string) (time.Time, error) {
	if len(s) != 8 || !allDigits(s) {
		return time.Time{}, fmt.Errorf("x12: date %q: %w: want CCYYMMDD", s, ErrInvalidValue)
	}
	return makeDate(s, atoi(s[:4]), atoi(s[4:6]), atoi(s[6:]))
}

// ParseShortDate parses a date in the form YYMMDD (ISA09) into midnight
// UTC. Years 00 to 68 are 2000 to 2068 and 69 to 99 are 1969 to 1999, as
// in package time. Errors wrap ErrInvalidValue.
func ParseShortDate(s string) (time.Time, error) {
	if len(s) != 6 || !allDigits(s) {
		return time.Time{}, fmt.Errorf("x12: date %q: %w: want YYMMDD", s, ErrInvalidValue)
	}
	y := atoi(s[:2])
	if y < 69 {
		y += 2000
	} else {
		y += 1900
	}
	return makeDate(s, y, atoi(s[2:4]), atoi(s[4:]))
}

// ParseDateRange parses a date range of format qualifier RD8,
// CCYYMMDD-CCYYMMDD. It refuses a range that ends before it starts.
func ParseDateRange(s string) (from, to time.Time, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return from, to, fmt.Errorf("x12: date range %q: %w: want CCYYMMDD-CCYYMMDD", s, ErrInvalidValue)
	}
	if from, err = ParseDate(a); err != nil {
		return from, to, err
	}
	if to, err = ParseDate(b); err != nil {
		return from, to, err
	}
	if to.Before(from) {
		return from, to, fmt.Errorf("x12: date range %q: %w: ends before it starts", s, ErrInvalidValue)
	}
	return from, to, nil
}

func makeDate(s string, y, m, d int) (time.Time, error) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, fmt.Errorf("x12: date %q: %w: no such day", s, ErrInvalidValue)
	}
	return t, nil
}

// FormatDate formats t's calendar date as CCYYMMDD.
func FormatDate(t time.Time) string { return t.Format("20060102") }

// FormatShortDate formats t's calendar date as YYMMDD, for ISA09.
func FormatShortDate(t time.Time) string { return t.Format("060102") }

// ParseTime parses an X12 time of type TM: HHMM, HHMMSS, HHMMSSD or
// HHMMSSDD (D are tenths and hundredths of a second), into the time since
// midnight. Errors wrap ErrInvalidValue.
func ParseTime(s string) (time.Duration, error) {
	bad := func(why string) (time.Duration, error) {
		return 0, fmt.Errorf("x12: time %q: %w: %s", s, ErrInvalidValue, why)
	}
	if n := len(s); n != 4 && n != 6 && n != 7 && n != 8 || !allDigits(s) {
		return bad("want HHMM, HHMMSS, HHMMSSD or HHMMSSDD")
	}
	h, m := atoi(s[:2]), atoi(s[2:4])
	if h > 23 {
		return bad("hour out of range")
	}
	if m > 59 {
		return bad("minute out of range")
	}
	d := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if len(s) >= 6 {
		sec := atoi(s[4:6])
		if sec > 59 {
			return bad("second out of range")
		}
		d += time.Duration(sec) * time.Second
	}
	if len(s) >= 7 {
		frac := s[6:]
		ms := atoi(frac) * 100
		if len(frac) == 2 {
			ms = atoi(frac) * 10
		}
		d += time.Duration(ms) * time.Millisecond
	}
	return d, nil
}

// FormatTime formats t's clock time as HHMM, the form GS05 and most time
// elements use.
func FormatTime(t time.Time) string { return t.Format("1504") }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// atoi converts a short string of digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
