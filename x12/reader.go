package x12

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
)

// DefaultMaxSegmentSize is the longest segment, in bytes without its
// terminator, that a Reader accepts unless told otherwise. Real segments are
// well under 1 KiB; the cap keeps a file without terminators from taking all
// memory.
const DefaultMaxSegmentSize = 1 << 20

// readBufSize is the Reader's initial buffer. Most segments are read in
// place from it; only a segment that does not fit makes it grow.
const readBufSize = 64 << 10

// maxISALen bounds the search for the ISA's 16 elements. A fixed-width ISA
// is 106 bytes; senders that do not pad fields produce shorter ones.
const maxISALen = 512

// A Reader reads segments from X12 input.
//
// It takes the delimiters from each interchange's ISA segment: the element
// separator is the byte after "ISA", the repetition separator is ISA11, the
// component separator is ISA16 and the segment terminator is the byte that
// follows ISA16 (bytes 4, 83, 105 and 106 of a fixed-width ISA). Every ISA
// sets them again, so a file may hold interchanges with different
// delimiters. An ISA11 that is a letter, digit or space (such as the "U" of
// version 4010) means there is no repetition separator.
//
// Between segments the Reader skips carriage returns, line feeds, spaces,
// tabs, NUL and Ctrl-Z (an old end-of-file mark) bytes that are not
// delimiters, and empty segments; so line breaks after terminators are
// fine, and so is a line feed as the terminator (carriage returns before
// it are dropped). A leading UTF-8 byte order mark is skipped too.
//
// The Reader does not check envelopes; see Checker.
type Reader struct {
	// MaxSegmentSize is the longest segment accepted, in bytes without its
	// terminator; longer ones fail with ErrSegmentTooLong. Zero means
	// DefaultMaxSegmentSize. Set it before the first call to Next.
	MaxSegmentSize int

	rd   io.Reader
	buf  []byte // buffered input is buf[r:w]
	r, w int
	base int64 // input offset of buf[0]
	rerr error // error from rd, kept until buffered input is used up

	delims  Delimiters
	haveISA bool
	skip    [256]bool // bytes skipped between segments
	pos     int
	setPos  int
	inSet   bool
	seg     Segment
	ids     idCache
	err     error // sticky error returned by Next
}

// NewReader returns a Reader that reads from rd. It buffers rd itself.
func NewReader(rd io.Reader) *Reader {
	r := &Reader{rd: rd, buf: make([]byte, readBufSize)}
	r.setSkip()
	return r
}

// Reset makes r read from rd as if it were new, keeping its buffer and
// MaxSegmentSize.
func (r *Reader) Reset(rd io.Reader) {
	seps := r.seg.seps[:0]
	*r = Reader{MaxSegmentSize: r.MaxSegmentSize, rd: rd, buf: r.buf[:cap(r.buf)], ids: r.ids}
	r.seg.seps = seps
	r.setSkip()
}

// Delimiters returns the delimiters of the current interchange, or the zero
// value before the first ISA.
func (r *Reader) Delimiters() Delimiters { return r.delims }

// Offset returns the input offset just after the last segment read.
func (r *Reader) Offset() int64 { return r.base + int64(r.r) }

// Next returns the next segment, or io.EOF at the end of the input.
//
// The Segment and the slices it hands out are valid only until the next
// call to Next. Problems with the input are returned as *ParseError; errors
// from the underlying io.Reader are returned as they are. After an error,
// Next returns the same error again.
func (r *Reader) Next() (*Segment, error) {
	if r.err != nil {
		return nil, r.err
	}
	s, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return s, nil
}

func (r *Reader) next() (*Segment, error) {
	for {
		// Most segments follow a terminator and at most one line feed;
		// anything else takes the slow path.
		if r.r < r.w && r.skip[r.buf[r.r]] {
			r.r++
		}
		if r.r >= r.w || r.skip[r.buf[r.r]] || r.base == 0 && r.r == 0 {
			if err := r.skipSpace(); err != nil {
				return nil, err
			}
		}
		var end int // index of the segment's terminator
		isa := r.buf[r.r] == 'I' && r.looksLikeISA()
		switch {
		case isa:
			var err error
			if end, err = r.readISA(); err != nil {
				return nil, err
			}
		case !r.haveISA:
			b := r.buf[r.r:min(r.w, r.r+8)]
			return nil, r.errorAt(r.pos+1, "", ErrNoISA, fmt.Sprintf("input starts with %q, not an ISA segment", b))
		default:
			// Fast path: the whole segment is in the buffer.
			end, _, r.seg.seps = scanSegment(r.buf[r.r:r.w], 0, r.delims.Element, r.delims.Segment, r.seg.seps[:0])
			if end >= 0 && end <= r.maxSegment() {
				end += r.r
				break
			}
			var err error
			if end, err = r.scan(); err != nil {
				return nil, err
			}
		}
		start := r.r // reading more input may have moved the segment
		data := r.buf[start:end]
		r.r = end + 1
		if r.delims.Segment == '\n' {
			for len(data) > 0 && data[len(data)-1] == '\r' {
				data = data[:len(data)-1]
			}
		}
		if len(data) == 0 {
			continue // an empty segment, such as a blank line
		}
		r.pos++
		s := &r.seg
		s.Delims = r.delims
		s.Pos = r.pos
		s.Offset = r.base + int64(start)
		if isa {
			s.split(data, &r.ids)
		} else {
			s.finish(data, &r.ids)
		}
		r.position(s, s.key)
		return s, nil
	}
}

// position sets s.SetPos, whose ID key is k, and follows ST..SE.
func (r *Reader) position(s *Segment, k uint32) {
	switch {
	case k == keyST:
		r.inSet, r.setPos = true, 1
	case r.inSet && k != keyISA && k != keyIEA && k != keyGS && k != keyGE:
		r.setPos++
	default:
		r.inSet, r.setPos = false, 0
	}
	s.SetPos = r.setPos
	if k == keySE {
		r.inSet = false
	}
}

// skipSpace drops skippable bytes before a segment. It returns io.EOF when
// the input ends first.
func (r *Reader) skipSpace() error {
	for {
		for r.r < r.w && r.skip[r.buf[r.r]] {
			r.r++
		}
		if r.r == 0 && r.base == 0 && r.w >= 3 && r.buf[0] == 0xEF && r.buf[1] == 0xBB && r.buf[2] == 0xBF {
			r.r = 3 // UTF-8 byte order mark
			continue
		}
		if r.r < r.w {
			return nil
		}
		if !r.fill() {
			if r.rerr == io.EOF {
				if !r.haveISA {
					return r.errorAt(0, "", ErrNoISA, "input is empty")
				}
				return io.EOF
			}
			return r.rerr
		}
	}
}

// looksLikeISA reports whether the buffered input starts with "ISA" and a
// byte that is not a letter or digit.
func (r *Reader) looksLikeISA() bool {
	for r.w-r.r < 4 && r.fill() {
	}
	b := r.buf[r.r:r.w]
	return len(b) >= 4 && b[1] == 'S' && b[2] == 'A' && !isAlnum(b[3])
}

// readISA finds the delimiters of the ISA at r.r, makes them current and
// returns the index of the ISA's terminator.
func (r *Reader) readISA() (int, error) {
	pos := r.pos + 1
	sep := r.buf[r.r+3]
	if sep == ' ' || sep == '\r' || sep == '\n' {
		return 0, r.errorAt(pos, "ISA", ErrBadISA, fmt.Sprintf("element separator %q is whitespace", sep))
	}
	n, seps := 4, 1 // bytes scanned, separators seen
	for {
		for ; n < min(r.w-r.r, maxISALen) && seps < 16; n++ {
			if r.buf[r.r+n] == sep {
				seps++
			}
		}
		if seps == 16 && r.w-r.r >= n+2 {
			break
		}
		if n >= maxISALen {
			return 0, r.errorAt(pos, "ISA", ErrBadISA, fmt.Sprintf("fewer than 16 elements in the first %d bytes", maxISALen))
		}
		if !r.fill() {
			if r.rerr == io.EOF {
				return 0, r.errorAt(pos, "ISA", ErrUnexpectedEOF, "input ends inside the ISA segment")
			}
			return 0, r.rerr
		}
	}
	d := Delimiters{Element: sep, Component: r.buf[r.r+n], Segment: r.buf[r.r+n+1]}
	if err := d.Valid(); err != nil {
		return 0, r.errorAt(pos, "ISA", ErrBadISA, err.Error())
	}
	if c, ok := isa11(r.buf[r.r:r.r+n], sep); ok && !isAlnum(c) && c != ' ' && c != '\r' && c != '\n' && !d.IsDelimiter(c) {
		d.Repetition = c
	}
	r.delims = d
	r.haveISA = true
	r.setSkip()
	return r.r + n + 1, nil
}

// isa11 returns ISA11 of isa if it is one byte long.
func isa11(isa []byte, sep byte) (byte, bool) {
	seps := 0
	for i, c := range isa {
		if c != sep {
			continue
		}
		seps++
		if seps == 11 {
			if i+2 < len(isa) && isa[i+2] == sep {
				return isa[i+1], true
			}
			return 0, false
		}
	}
	return 0, false
}

// scan returns the index of the terminator of the segment at r.r, reading
// more input as needed, and leaves the indexes (from r.r) of the element
// separators before it in r.seg.seps. It looks at eight bytes at a time,
// and at each byte only once however the input arrives.
func (r *Reader) scan() (int, error) {
	max := r.maxSegment()
	e, t := r.delims.Element, r.delims.Segment
	seps := r.seg.seps[:0]
	i := 0 // bytes scanned; reading more input keeps the segment at r.r
	for {
		var end int
		end, i, seps = scanSegment(r.buf[r.r:r.w], i, e, t, seps)
		if end >= 0 {
			r.seg.seps = seps
			if end > max {
				return 0, r.tooLong(max)
			}
			return r.r + end, nil
		}
		r.seg.seps = seps
		if i > max {
			return 0, r.tooLong(max)
		}
		if !r.fill() {
			if r.rerr == nil {
				return 0, r.tooLong(max) // buffer at its limit
			}
			if r.rerr != io.EOF {
				return 0, r.rerr
			}
			e := r.errorAt(r.pos+1, r.peekID(), ErrUnexpectedEOF, "input ends inside a segment (no segment terminator)")
			e.Offset = r.base + int64(r.r)
			return 0, e
		}
	}
}

func (r *Reader) tooLong(max int) error {
	e := r.errorAt(r.pos+1, r.peekID(), ErrSegmentTooLong, fmt.Sprintf("segment is longer than %d bytes", max))
	e.Offset = r.base + int64(r.r)
	return e
}

// scanSegment looks for the terminator t in b from index i on, appending
// the indexes of element separators e before it to seps. It returns the
// terminator's index, or -1 and the length of b if there is none.
func scanSegment(b []byte, i int, e, t byte, seps []int32) (end, next int, out []int32) {
	pe, pt := uint64(e)*ones, uint64(t)*ones
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		me := match(w ^ pe)
		if mt := match(w ^ pt); mt != 0 {
			me &= mt&-mt - 1 // separators before the terminator
			for ; me != 0; me &= me - 1 {
				seps = append(seps, int32(i+bits.TrailingZeros64(me)>>3))
			}
			return i + bits.TrailingZeros64(mt)>>3, i, seps
		}
		for ; me != 0; me &= me - 1 {
			seps = append(seps, int32(i+bits.TrailingZeros64(me)>>3))
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == t {
			return i, i, seps
		} else if c == e {
			seps = append(seps, int32(i))
		}
	}
	return -1, i, seps
}

// peekID returns the ID of the segment at r.r if it looks like one.
func (r *Reader) peekID() string {
	b := r.buf[r.r:r.w]
	if i := bytes.IndexByte(b, r.delims.Element); i >= 2 && i <= 3 {
		return string(b[:i])
	}
	return ""
}

// fill reads more input into buf, moving buffered bytes to the front and
// growing buf when it is full. It reports whether it added any bytes.
func (r *Reader) fill() bool {
	if r.rerr != nil {
		return false
	}
	if r.r > 0 {
		r.base += int64(r.r)
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	if r.w == len(r.buf) {
		max := r.maxSegment()
		if len(r.buf) > max+maxISALen {
			return false // findTerminator reports the segment as too long
		}
		nb := make([]byte, min(2*len(r.buf), max+maxISALen+1))
		copy(nb, r.buf[:r.w])
		r.buf = nb
	}
	for range 100 {
		n, err := r.rd.Read(r.buf[r.w:])
		if n < 0 || n > len(r.buf)-r.w {
			r.rerr = fmt.Errorf("x12: reader returned invalid count %d", n)
			return false
		}
		r.w += n
		if err != nil {
			r.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.rerr = io.ErrNoProgress
	return false
}

func (r *Reader) maxSegment() int {
	if r.MaxSegmentSize > 0 {
		return r.MaxSegmentSize
	}
	return DefaultMaxSegmentSize
}

// setSkip fills the table of bytes skipped between segments.
func (r *Reader) setSkip() {
	r.skip = [256]bool{}
	for _, c := range []byte{'\r', '\n', ' ', '\t', 0x00, 0x1A} {
		r.skip[c] = !r.delims.IsDelimiter(c)
	}
}

func (r *Reader) errorAt(seg int, id string, err error, detail string) *ParseError {
	e := &ParseError{Segment: seg, SegmentID: id, Offset: r.base + int64(r.r), Err: err, Detail: detail}
	if r.inSet && id != "ISA" {
		e.SetSegment = r.setPos + 1
	}
	return e
}
