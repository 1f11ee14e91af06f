package x12

import (
	"errors"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string // "" for success
	}{
		{"123.45", 12345, ""},
		{"-5", -500, ""},
		{"10.5", 1050, ""},
		{"0", 0, ""},
		{"-0", 0, ""},
		{".5", 50, ""},
		{"-.05", -5, ""},
		{"007.10", 710, ""},
		{"1.000", 100, ""},
		{"92233720368547758.07", 9223372036854775807, ""},
		{"-92233720368547758.07", -9223372036854775807, ""},
		{"1.005", 0, `x12: number "1.005": invalid value: more than 2 decimal places`},
		{"", 0, `x12: number "": invalid value: empty`},
		{"1e3", 0, `x12: number "1e3": invalid value: unexpected 'e'`},
		{"12.3.4", 0, `x12: number "12.3.4": invalid value: more than one decimal point`},
		{"92233720368547758.08", 0, `x12: number "92233720368547758.08": invalid value: out of range`},
		{"99999999999999999999", 0, `x12: number "99999999999999999999": invalid value: out of range`},
		{"+5", 0, `x12: number "+5": invalid value: unexpected '+'`},
		{"5.", 0, `x12: number "5.": invalid value: no digits after the decimal point`},
		{".", 0, `x12: number ".": invalid value: no digits`},
		{"-", 0, `x12: number "-": invalid value: no digits`},
		{" 5", 0, `x12: number " 5": invalid value: unexpected ' '`},
		{"1,000", 0, `x12: number "1,000": invalid value: unexpected ','`},
		{"--5", 0, `x12: number "--5": invalid value: unexpected '-'`},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in)
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("ParseAmount(%q) = %d, %v; want error %s", tt.in, got, err, tt.err)
		case tt.err != "" && !errors.Is(err, ErrInvalidValue):
			t.Errorf("ParseAmount(%q) error %v is not ErrInvalidValue", tt.in, err)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{12345, "123.45"}, {10000, "100"}, {1050, "10.5"}, {5, "0.05"}, {50, "0.5"}, {-500, "-5"},
		{-5, "-0.05"}, {0, "0"}, {100, "1"}, {101, "1.01"},
		{9223372036854775807, "92233720368547758.07"}, {-9223372036854775808, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := FormatAmount(tt.in); got != tt.want {
			t.Errorf("FormatAmount(%d) = %q, want %q", tt.in, got, tt.want)
		}
		if tt.in == -9223372036854775808 {
			continue // beyond what ParseAmount accepts
		}
		if back, err := ParseAmount(FormatAmount(tt.in)); err != nil || back != tt.in {
			t.Errorf("ParseAmount(FormatAmount(%d)) = %d, %v", tt.in, back, err)
		}
	}
}

func TestDecimalScales(t *testing.T) {
	if v, err := ParseDecimal("1.5", 3); err != nil || v != 1500 {
		t.Errorf(`ParseDecimal("1.5", 3) = %d, %v; want 1500`, v, err)
	}
	if v, err := ParseDecimal("12", 0); err != nil || v != 12 {
		t.Errorf(`ParseDecimal("12", 0) = %d, %v; want 12`, v, err)
	}
	if _, err := ParseDecimal("1.5", 0); err == nil {
		t.Errorf(`ParseDecimal("1.5", 0) succeeded, want an error`)
	}
	if got := FormatDecimal(1500, 3); got != "1.5" {
		t.Errorf("FormatDecimal(1500, 3) = %q, want 1.5", got)
	}
	if got := FormatDecimal(7, 0); got != "7" {
		t.Errorf("FormatDecimal(7, 0) = %q, want 7", got)
	}
}

func TestParseN2(t *testing.T) {
	for in, want := range map[string]int64{"12345": 12345, "-5": -5, "0": 0} {
		if got, err := ParseN2(in); err != nil || got != want {
			t.Errorf("ParseN2(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-", "1.5", "1e2", "+1"} {
		if _, err := ParseN2(in); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("ParseN2(%q) error = %v, want ErrInvalidValue", in, err)
		}
	}
	if got := FormatN2(-12345); got != "-12345" {
		t.Errorf("FormatN2(-12345) = %q", got)
	}
}

func TestDates(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		parse func(string) (time.Time, error)
		in    string
		want  time.Time
		err   string
	}{
		{ParseDate, "20230115", day(2023, 1, 15), ""},
		{ParseDate, "20240229", day(2024, 2, 29), ""},
		{ParseDate, "20230229", time.Time{}, `x12: date "20230229": invalid value: no such day`},
		{ParseDate, "20231301", time.Time{}, `x12: date "20231301": invalid value: no such day`},
		{ParseDate, "00000101", time.Time{}, `x12: date "00000101": invalid value: no such day`},
		{ParseDate, "230115", time.Time{}, `x12: date "230115": invalid value: want CCYYMMDD`},
		{ParseDate, "2023-01-", time.Time{}, `x12: date "2023-01-": invalid value: want CCYYMMDD`},
		{ParseShortDate, "230115", day(2023, 1, 15), ""},
		{ParseShortDate, "991231", day(1999, 12, 31), ""},
		{ParseShortDate, "680101", day(2068, 1, 1), ""},
		{ParseShortDate, "690101", day(1969, 1, 1), ""},
		{ParseShortDate, "230132", time.Time{}, `x12: date "230132": invalid value: no such day`},
		{ParseShortDate, "20230115", time.Time{}, `x12: date "20230115": invalid value: want YYMMDD`},
	}
	for _, tt := range tests {
		got, err := tt.parse(tt.in)
		if tt.err == "" && (err != nil || !got.Equal(tt.want)) || tt.err != "" && (err == nil || err.Error() != tt.err) {
			t.Errorf("parse(%q) = %v, %v; want %v, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
	if got := FormatDate(day(2023, 1, 5)); got != "20230105" {
		t.Errorf("FormatDate = %q", got)
	}
	if got := FormatShortDate(day(2023, 1, 5)); got != "230105" {
		t.Errorf("FormatShortDate = %q", got)
	}
	from, to, err := ParseDateRange("20230101-20230131")
	if err != nil || !from.Equal(day(2023, 1, 1)) || !to.Equal(day(2023, 1, 31)) {
		t.Errorf("ParseDateRange = %v, %v, %v", from, to, err)
	}
	for _, in := range []string{"20230131-20230101", "20230101", "20230101-2023013"} {
		if _, _, err := ParseDateRange(in); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("ParseDateRange(%q) error = %v, want ErrInvalidValue", in, err)
		}
	}
}

func TestTimes(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"1230", 12*time.Hour + 30*time.Minute, ""},
		{"0000", 0, ""},
		{"235959", 23*time.Hour + 59*time.Minute + 59*time.Second, ""},
		{"1230155", 12*time.Hour + 30*time.Minute + 15*time.Second + 500*time.Millisecond, ""},
		{"12301525", 12*time.Hour + 30*time.Minute + 15*time.Second + 250*time.Millisecond, ""},
		{"2400", 0, `x12: time "2400": invalid value: hour out of range`},
		{"1260", 0, `x12: time "1260": invalid value: minute out of range`},
		{"102497", 0, `x12: time "102497": invalid value: second out of range`},
		{"123", 0, `x12: time "123": invalid value: want HHMM, HHMMSS, HHMMSSD or HHMMSSDD`},
		{"12:30", 0, `x12: time "12:30": invalid value: want HHMM, HHMMSS, HHMMSSD or HHMMSSDD`},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if tt.err == "" && (err != nil || got != tt.want) || tt.err != "" && (err == nil || err.Error() != tt.err) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
	if got := FormatTime(time.Date(2023, 1, 1, 9, 5, 0, 0, time.UTC)); got != "0905" {
		t.Errorf("FormatTime = %q, want 0905", got)
	}
}
