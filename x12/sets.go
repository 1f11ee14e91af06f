package x12

import "io"

// A TransactionSet is one ST..SE with the headers of the envelopes around
// it. Its segments belong to it: they stay valid after SetReader.Next.
type TransactionSet struct {
	SetHeader                     // ST01, ST02, version (ST03 or GS08)
	Group       GroupHeader       // the GS around the set (zero if none)
	Interchange InterchangeHeader // the ISA around the set (zero if none)
	// Segments are the set's segments from ST to SE inclusive (without SE
	// when it is missing).
	Segments []*Segment
	// Errors are the envelope problems found at the set's segments, such
	// as a wrong SE01; they are also in SetReader.Errors.
	Errors []*ParseError
}

// A SetReader reads a file one transaction set at a time, checking
// envelopes as it goes. Segments outside any transaction set are checked
// and skipped. It holds one transaction set in memory; to stream a file
// whose single transaction set is too big for that, use Reader and Checker.
type SetReader struct {
	r       *Reader
	env     Checker
	pending *Segment // a segment already checked that ended a set without SE
	done    bool
	arena   arena
}

// NewSetReader returns a SetReader that reads segments from r.
func NewSetReader(r *Reader) *SetReader { return &SetReader{r: r} }

// Errors returns the envelope problems found so far in the whole input,
// including those outside any transaction set. After Next returns io.EOF
// it includes envelopes left open at the end.
func (sr *SetReader) Errors() []*ParseError { return sr.env.Errors() }

// Next returns the next transaction set, or io.EOF after the last. Errors
// other than io.EOF come from the Reader and end the reading.
func (sr *SetReader) Next() (*TransactionSet, error) {
	var ts *TransactionSet
	for {
		s := sr.pending
		sr.pending = nil
		if s == nil {
			if sr.done {
				return nil, io.EOF
			}
			var err error
			s, err = sr.r.Next()
			if err == io.EOF {
				sr.done = true
				sr.env.End()
				if ts != nil {
					return sr.finish(ts), nil
				}
				return nil, io.EOF
			}
			if err != nil {
				return nil, err
			}
			sr.env.Check(s)
			if cur := sr.env.Set(); ts != nil && s.ID != "SE" && (cur == nil || cur.Pos != ts.Pos) {
				// The set ended without SE: this segment belongs to what
				// follows.
				sr.pending = s
				return sr.finish(ts), nil
			}
		}
		if s.ID == "ST" {
			ts = &TransactionSet{SetHeader: *sr.env.Set()}
			if g := sr.env.Group(); g != nil {
				ts.Group = *g
			}
			if i := sr.env.Interchange(); i != nil {
				ts.Interchange = *i
			}
			ts.Segments = make([]*Segment, 0, 64)
		}
		if ts == nil {
			continue
		}
		ts.Segments = append(ts.Segments, sr.arena.clone(s))
		if s.ID == "SE" {
			return sr.finish(ts), nil
		}
	}
}

// finish attaches to ts the problems found at its segments.
func (sr *SetReader) finish(ts *TransactionSet) *TransactionSet {
	first := ts.Segments[0].Pos
	last := ts.Segments[len(ts.Segments)-1].Pos
	errs := sr.env.Errors()
	for i := len(errs) - 1; i >= 0; i-- {
		e := errs[i]
		if e.Segment < first {
			break
		}
		if e.Segment <= last {
			ts.Errors = append(ts.Errors, e)
		}
	}
	for i, j := 0, len(ts.Errors)-1; i < j; i, j = i+1, j-1 {
		ts.Errors[i], ts.Errors[j] = ts.Errors[j], ts.Errors[i]
	}
	return ts
}

// arena copies segments into shared blocks, so that keeping a transaction
// set costs a few allocations per block rather than three per segment.
type arena struct {
	bytes []byte
	seps  []int32
	segs  []Segment
}

func (a *arena) clone(s *Segment) *Segment {
	if len(a.segs) == cap(a.segs) {
		a.segs = make([]Segment, 0, 256)
	}
	a.segs = append(a.segs, *s)
	c := &a.segs[len(a.segs)-1]
	c.raw = a.copyBytes(s.raw)
	c.seps = a.copySeps(s.seps)
	return c
}

func (a *arena) copyBytes(b []byte) []byte {
	if len(b) > cap(a.bytes)-len(a.bytes) {
		if len(b) > 4<<10 {
			return append([]byte(nil), b...)
		}
		a.bytes = make([]byte, 0, 32<<10)
	}
	n := len(a.bytes)
	a.bytes = append(a.bytes, b...)
	return a.bytes[n:len(a.bytes):len(a.bytes)]
}

func (a *arena) copySeps(p []int32) []int32 {
	if len(p) > cap(a.seps)-len(a.seps) {
		if len(p) > 1<<10 {
			return append([]int32(nil), p...)
		}
		a.seps = make([]int32, 0, 8<<10)
	}
	n := len(a.seps)
	a.seps = append(a.seps, p...)
	return a.seps[n:len(a.seps):len(a.seps)]
}
