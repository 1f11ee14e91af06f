package x12

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
)

// A Segment is one X12 segment: an ID followed by elements.
//
// Elements are numbered from 1, as X12 counts them (CLM01 is Element(1)).
// X12 does not distinguish an empty element from an absent one: both read
// as an empty slice. A Segment returned by Reader.Next, and every slice it
// hands out, is only valid until the next call to Next; use Clone to keep it.
type Segment struct {
	// ID is the segment identifier, such as "CLM". It stays valid after
	// the next call to Next.
	ID string
	// Pos is the segment's position in the input, counting from 1.
	Pos int
	// SetPos is the segment's position in its transaction set, counting ST
	// as 1 (the "segment position" a 999 reports), or 0 for a segment that
	// is not between ST and SE.
	SetPos int
	// Offset is the byte offset of the segment's first byte in the input.
	Offset int64
	// Delims are the delimiters of the segment's interchange.
	Delims Delimiters

	raw  []byte  // the segment without its terminator
	seps []int32 // indexes of element separators in raw, then len(raw)
	key  uint32  // idKey(ID)
}

// ParseSegment splits raw, one segment without its terminator, with d's
// delimiters. The Segment refers to raw; it is meant for tests and for
// callers that hold segments as text. Pos, SetPos and Offset are zero.
func ParseSegment(raw []byte, d Delimiters) *Segment {
	s := &Segment{Delims: d}
	s.split(raw, nil)
	return s
}

// split sets raw, seps, ID and key. cache, when not nil, interns the ID.
func (s *Segment) split(raw []byte, cache *idCache) {
	seps := s.seps[:0]
	e := s.Delims.Element
	pat := uint64(e) * ones
	i := 0
	for ; i+8 <= len(raw); i += 8 {
		for m := match(binary.LittleEndian.Uint64(raw[i:]) ^ pat); m != 0; m &= m - 1 {
			seps = append(seps, int32(i+bits.TrailingZeros64(m)>>3))
		}
	}
	for ; i < len(raw); i++ {
		if raw[i] == e {
			seps = append(seps, int32(i))
		}
	}
	s.seps = seps
	s.finish(raw, cache)
}

// finish sets raw, ID and key, once seps holds the element separators of
// raw.
func (s *Segment) finish(raw []byte, cache *idCache) {
	s.raw = raw
	s.seps = append(s.seps, int32(len(raw)))
	id := raw[:s.seps[0]]
	s.key = idKey(id)
	if cache != nil {
		s.ID = cache.get(id, s.key)
	} else {
		s.ID = string(id)
	}
}

const ones = 0x0101010101010101

// match returns a word with 0x80 in each byte of w that is zero, exactly
// (no false positives): the bytes of w^pattern that equal a delimiter.
func match(w uint64) uint64 {
	const lo7 = 0x7F7F7F7F7F7F7F7F
	return ^((w&lo7 + lo7) | w | lo7)
}

// Raw returns the segment's bytes without its terminator, as read.
func (s *Segment) Raw() []byte { return s.raw[:len(s.raw):len(s.raw)] }

// Len returns the number of elements after the ID, counting trailing empty
// elements that were sent ("HI*BK:1739**" has 3).
func (s *Segment) Len() int { return len(s.seps) - 1 }

// Element returns element i (1-based), or nil if the segment has fewer
// elements. Element(0) is the ID.
func (s *Segment) Element(i int) []byte {
	if i < 0 || i >= len(s.seps) {
		return nil
	}
	start := 0
	if i > 0 {
		start = int(s.seps[i-1]) + 1
	}
	end := int(s.seps[i])
	return s.raw[start:end:end]
}

// ElementString returns element i as a newly allocated string, or "" if
// absent.
func (s *Segment) ElementString(i int) string { return string(s.Element(i)) }

// Repetitions returns how many repetitions element i has: 0 if it is empty
// or absent, else one more than the number of repetition separators.
func (s *Segment) Repetitions(i int) int {
	el := s.Element(i)
	if len(el) == 0 {
		return 0
	}
	if s.Delims.Repetition == 0 || s.ID == "ISA" {
		return 1
	}
	return bytes.Count(el, []byte{s.Delims.Repetition}) + 1
}

// Repetition returns repetition r (1-based) of element i, or nil. For an
// element without repetition separators, Repetition(i, 1) is Element(i).
func (s *Segment) Repetition(i, r int) []byte {
	el := s.Element(i)
	if s.Delims.Repetition == 0 || s.ID == "ISA" {
		if r == 1 {
			return el
		}
		return nil
	}
	return nth(el, s.Delims.Repetition, r)
}

// Components returns how many components element i has (in its first
// repetition): 0 if it is empty or absent, else one more than the number of
// component separators.
func (s *Segment) Components(i int) int {
	el := s.Repetition(i, 1)
	if len(el) == 0 {
		return 0
	}
	if s.ID == "ISA" {
		return 1
	}
	return bytes.Count(el, []byte{s.Delims.Component}) + 1
}

// Component returns component j (1-based) of element i's first repetition,
// or nil. For a simple element, Component(i, 1) is Element(i).
func (s *Segment) Component(i, j int) []byte {
	return s.RepetitionComponent(i, 1, j)
}

// RepetitionComponent returns component j of repetition r of element i
// (all 1-based), or nil.
func (s *Segment) RepetitionComponent(i, r, j int) []byte {
	rep := s.Repetition(i, r)
	if s.ID == "ISA" {
		if j == 1 {
			return rep
		}
		return nil
	}
	return nth(rep, s.Delims.Component, j)
}

// nth returns the n-th (1-based) piece of b split at sep, or nil.
func nth(b []byte, sep byte, n int) []byte {
	if n < 1 || b == nil {
		return nil
	}
	for ; n > 1; n-- {
		i := bytes.IndexByte(b, sep)
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
	if i := bytes.IndexByte(b, sep); i >= 0 {
		return b[:i:i]
	}
	return b[:len(b):len(b)]
}

// Clone returns a deep copy of s that does not share memory with the
// Reader, for callers who keep segments past the next call to Next.
func (s *Segment) Clone() *Segment {
	c := *s
	c.raw = append([]byte(nil), s.raw...)
	c.seps = append([]int32(nil), s.seps...)
	return &c
}

// String returns the segment as X12 text with its own delimiters and
// terminator, for messages and debugging.
func (s *Segment) String() string {
	var b strings.Builder
	b.Grow(len(s.raw) + 1)
	b.Write(s.raw)
	if s.Delims.Segment != 0 {
		b.WriteByte(s.Delims.Segment)
	}
	return b.String()
}

// idCache interns segment IDs so that reading a segment does not allocate
// a string for its ID. It is an open-addressing table of the 2- and
// 3-byte IDs seen; once full, further new IDs are allocated each time.
type idCache [256]struct {
	key uint32 // 0 marks an empty slot
	id  string
}

// idKey packs a 2- or 3-byte ID into a number, or returns 0.
func idKey(b []byte) uint32 {
	switch len(b) {
	case 2:
		return 2<<24 | uint32(b[0])<<16 | uint32(b[1])<<8
	case 3:
		return 3<<24 | uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
	}
	return 0
}

// idKeyString is idKey for a string.
func idKeyString(id string) uint32 {
	switch len(id) {
	case 2:
		return 2<<24 | uint32(id[0])<<16 | uint32(id[1])<<8
	case 3:
		return 3<<24 | uint32(id[0])<<16 | uint32(id[1])<<8 | uint32(id[2])
	}
	return 0
}

// Keys of the envelope segment IDs.
const (
	keyISA = 3<<24 | 'I'<<16 | 'S'<<8 | 'A'
	keyIEA = 3<<24 | 'I'<<16 | 'E'<<8 | 'A'
	keyGS  = 2<<24 | 'G'<<16 | 'S'<<8
	keyGE  = 2<<24 | 'G'<<16 | 'E'<<8
	keyST  = 2<<24 | 'S'<<16 | 'T'<<8
	keySE  = 2<<24 | 'S'<<16 | 'E'<<8
	keyTA1 = 3<<24 | 'T'<<16 | 'A'<<8 | '1'
)

// get returns b, whose idKey is k, as an interned string.
func (c *idCache) get(b []byte, k uint32) string {
	if k == 0 {
		return string(b)
	}
	h := (k * 0x9E3779B1) >> 24
	if e := &c[h]; e.key == k {
		return e.id
	}
	for probe := range uint32(16) {
		e := &c[(h+probe)&255]
		switch e.key {
		case k:
			return e.id
		case 0:
			e.key, e.id = k, string(b)
			return e.id
		}
	}
	return string(b)
}
