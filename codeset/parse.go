package codeset

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/claimgate/claimgate"
)

// ParseError is a file of the wrong shape: the line it was found on and why.
type ParseError struct {
	Line int // 1-based
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Unwrap returns an Invalid *claimgate.Error with the same message, so that
// claimgate.ErrorKind reports Invalid and claimgate.ErrorMessage shows the
// line and reason.
func (e *ParseError) Unwrap() error {
	return &claimgate.Error{Kind: claimgate.Invalid, Msg: e.Error()}
}

func lineErr(line int, format string, args ...any) *ParseError {
	return &ParseError{Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Options says what Parse cannot learn from the file's bytes.
type Options struct {
	// Source is the file name, recorded with the set. When Version or
	// Effective is empty, DefaultVersion derives them from it.
	Source string
	// Version labels the set ("FY2026"); see DefaultVersion.
	Version string
	// Effective is the first date of service the set governs; see
	// DefaultVersion.
	Effective claimgate.Date
}

// maxLine bounds a line; every official layout is far shorter.
const maxLine = 64 << 10

// Parse reads one official file of kind from r and returns its set. It
// streams the file once, hashing its bytes, and refuses a file of the wrong
// shape with a *ParseError naming the line and the reason.
//
// The layouts: ICD-10-CM and ICD-10-PCS, the CDC/CMS order file (fixed
// width); HCPCS, the procedure records of the CMS annual file (fixed width,
// 320 columns); modifiers, its modifier records or, for a file named
// *.csv, a list "code,description"; NCCI PTP, the CMS tab-delimited text
// file; MUE, the CMS CSV file; place of service "code,name"; CARC, the X12
// list as CSV "code,status,requires_rarc,refer_835_policy_ref,abridged,
// description"; RARC and revenue codes as CSV "code,status,description"
// and "code,description". CPT has no list to import.
func Parse(kind Kind, r io.Reader, opt Options) (*Set, error) {
	version, from, to, err := DefaultVersion(kind, opt)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	tee := io.TeeReader(r, h)
	s, err := parseSet(kind, tee, isCSVName(opt.Source))
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	s.Version, s.From, s.To = version, from, to
	s.SHA256 = hex.EncodeToString(h.Sum(nil))
	s.Source = filepath.Base(opt.Source)
	return s, nil
}

// parseSet reads the file's contents into a set without label or dates.
// csvName says the file's name ends in .csv (modifiers come in a CSV list
// or a HCPCS annual file).
func parseSet(kind Kind, r io.Reader, csvName bool) (*Set, error) {
	var s *Set
	var err error
	switch kind {
	case ICD10CM, ICD10PCS:
		s, err = parseOrder(kind, r)
	case HCPCS:
		s, _, err = parseHCPCS(r)
		if err == nil && s == nil {
			return nil, lineErr(1, "no procedure records (record identification 3): not a HCPCS annual file")
		}
	case Modifier:
		if csvName {
			s, err = parseCSV(Modifier, r)
			break
		}
		_, s, err = parseHCPCS(r)
		if err == nil && s == nil {
			return nil, lineErr(1, "no modifier records (record identification 7): not a HCPCS annual file with modifiers")
		}
	case PTP:
		s, err = parsePTP(r)
	case MUE:
		s, err = parseMUE(r)
	case POS, CARC, RARC, Revenue:
		s, err = parseCSV(kind, r)
	case CPT:
		return nil, claimgate.Errorf(claimgate.Invalid, "CPT is checked by format: its code list and descriptions are the AMA's and are not imported")
	default:
		return nil, claimgate.Errorf(claimgate.Invalid, "unknown code set kind %q: want one of %s", kind, kindList())
	}
	if err != nil {
		return nil, err
	}
	s.count()
	return s, nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func isCSVName(name string) bool { return strings.EqualFold(filepath.Ext(name), ".csv") }

var (
	yearInName = regexp.MustCompile(`(19|20)[0-9][0-9]`)
	// CMS MUE file names carry their quarter: ..._Eff_01-01-2026.csv
	effInName = regexp.MustCompile(`(?i)eff[_ -]?([01][0-9])[-_]([0-3][0-9])[-_]((?:19|20)[0-9][0-9])`)
)

// DefaultVersion returns the label and dates of a set of kind read from
// opt.Source, where opt does not give them:
//
//   - ICD-10-CM and ICD-10-PCS: the fiscal year in the file name
//     (icd10cm-order-2022.txt is FY2022, 2021-10-01 to 2022-09-30); a name
//     with "april" is that fiscal year's April 1 update ("FY2026-April",
//     from 2026-04-01). Effective moves the start.
//   - HCPCS: the calendar year in the name (HCPC2024_ANWEB.txt is "2024",
//     2024-01-01 to 2024-12-31); Effective, for a quarterly file, moves the
//     start.
//   - MUE: the quarter in a CMS name (..._Eff_01-01-2026.csv); otherwise
//     Effective is required, since the file's rows carry no dates.
//   - NCCI PTP: Effective is required: each quarter's file restates the
//     whole table, so the index must know which quarter replaces which.
//   - everything else: the file's base name, effective from Effective or,
//     without one, since always.
func DefaultVersion(kind Kind, opt Options) (version string, from, to claimgate.Date, err error) {
	base := filepath.Base(opt.Source)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	version, from = opt.Version, opt.Effective
	year := 0
	if y := yearInName.FindString(stem); y != "" {
		year, _ = strconv.Atoi(y)
	}
	switch kind {
	case ICD10CM, ICD10PCS:
		if year == 0 && version != "" {
			if y := yearInName.FindString(version); y != "" {
				year, _ = strconv.Atoi(y)
			}
		}
		if year == 0 {
			return "", from, to, claimgate.Errorf(claimgate.Invalid, "%s: no fiscal year in the file name %q: give the version, e.g. FY2026", kind.Title(), base)
		}
		fyFrom, fyTo := FiscalYear(year)
		label := fmt.Sprintf("FY%d", year)
		if strings.Contains(strings.ToLower(stem), "april") {
			fyFrom = claimgate.Date{Year: year, Month: time.April, Day: 1}
			label += "-April"
		}
		if version == "" {
			version = label
		}
		if from.IsZero() {
			from = fyFrom
		}
		to = fyTo
	case HCPCS, Modifier:
		if year != 0 {
			if version == "" {
				version = strconv.Itoa(year)
			}
			if from.IsZero() {
				from = claimgate.Date{Year: year, Month: time.January, Day: 1}
			}
			to = claimgate.Date{Year: year, Month: time.December, Day: 31}
		}
	case PTP:
		if from.IsZero() {
			return "", from, to, claimgate.Errorf(claimgate.Invalid, "NCCI PTP: give the date the file takes effect (the first day of its quarter): each quarter's file replaces the last")
		}
	case MUE:
		if m := effInName.FindStringSubmatch(stem); m != nil && from.IsZero() {
			d, perr := claimgate.ParseDate(m[3] + "-" + m[1] + "-" + m[2])
			if perr == nil {
				from = d
			}
		}
		if from.IsZero() {
			return "", from, to, claimgate.Errorf(claimgate.Invalid, "MUE: the file's rows carry no dates: give the date the table takes effect (the first day of its quarter)")
		}
	}
	if version == "" {
		version = stem
	}
	if version == "" {
		return "", from, to, claimgate.Errorf(claimgate.Invalid, "%s: give the version label of the set", kind.Title())
	}
	if !to.IsZero() && to.Before(from) {
		return "", from, to, claimgate.Errorf(claimgate.Invalid, "%s %s: effective date %s is after the set's end %s", kind.Title(), version, from, to)
	}
	return version, from, to, nil
}

// lines reads r line by line, without the line ending (LF or CRLF),
// counting lines and refusing a line longer than maxLine.
type lines struct {
	sc   *bufio.Scanner
	n    int
	text []byte
}

func newLines(r io.Reader) *lines {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4<<10), maxLine)
	return &lines{sc: sc}
}

func (l *lines) next() bool {
	if !l.sc.Scan() {
		return false
	}
	l.n++
	b := l.sc.Bytes()
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	l.text = b
	return true
}

func (l *lines) err() error {
	err := l.sc.Err()
	if errors.Is(err, bufio.ErrTooLong) {
		return lineErr(l.n+1, "longer than %d bytes: not a code set file", maxLine)
	}
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}

// text returns b as a string: as is if it is UTF-8, else decoded as
// Latin-1, the encoding CMS's files use when they leave ASCII (the ® of the
// AMA notice). Surrounding spaces are removed.
func text(b []byte) string {
	b = trimSpace(b)
	if utf8.Valid(b) {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func trimRight(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// yyyymmdd parses a CMS date, "20240101".
func yyyymmdd(s string) (claimgate.Date, bool) {
	if len(s) != 8 || !allDigits(s) {
		return claimgate.Date{}, false
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return claimgate.Date{}, false
	}
	return claimgate.DateOf(t), true
}
