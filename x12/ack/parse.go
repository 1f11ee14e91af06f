package ack

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/claimgate/claimgate/x12"
)

// ErrNotAck means the input holds something other than TA1s and 999s.
var ErrNotAck = errors.New("ack: not an acknowledgment")

// Parse reads the first interchange of r: its TA1s and the 999s of its
// functional groups. Envelope problems (such as an IEA02 that differs from
// ISA13) do not stop it; use x12.CheckEnvelopes for those. Errors are
// *x12.ParseError values from the Reader, or *x12.ParseError wrapping
// ErrNotAck or x12.ErrInvalidValue for a segment that has no place in an
// acknowledgment.
func Parse(r io.Reader) (*Interchange, error) {
	rd := x12.NewReader(r)
	var env x12.Checker
	p := &parser{}
	for {
		s, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		env.Check(s)
		if p.ic == nil && s.ID != "ISA" {
			return nil, p.errorf(s, 0, ErrNotAck, "input does not start with ISA")
		}
		done, err := p.segment(s, &env)
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	if p.ic == nil {
		return nil, &x12.ParseError{Err: x12.ErrNoISA}
	}
	return p.ic, nil
}

type parser struct {
	ic  *Interchange
	g   *Group
	a   *Ack999
	set *SetResponse
	ik3 *SegmentError
	ik4 *ElementError
}

// segment adds one segment; done is true after the IEA.
func (p *parser) segment(s *x12.Segment, env *x12.Checker) (done bool, err error) {
	el := func(i int) string { return string(s.Element(i)) }
	switch s.ID {
	case "ISA":
		if p.ic != nil {
			return true, nil // a second interchange: Parse reads the first
		}
		p.ic = &Interchange{Header: *env.Interchange()}
		p.ic.Header.Pos, p.ic.Header.Offset = 0, 0
	case "IEA":
		return true, nil
	case "TA1":
		p.ic.TA1s = append(p.ic.TA1s, TA1{ControlNumber: el(1), Date: el(2), Time: el(3), Status: el(4), Note: el(5)})
	case "GS":
		p.ic.Groups = append(p.ic.Groups, Group{Header: *env.Group()})
		p.g = &p.ic.Groups[len(p.ic.Groups)-1]
		p.g.Header.Pos, p.g.Header.Offset = 0, 0
	case "GE":
		p.g = nil
	case "ST":
		if p.g == nil {
			return false, p.errorf(s, 0, ErrNotAck, "ST outside a functional group")
		}
		if el(1) != "999" {
			return false, p.errorf(s, 1, ErrNotAck, fmt.Sprintf("transaction set %q is not a 999", el(1)))
		}
		p.g.Acks = append(p.g.Acks, Ack999{ControlNumber: el(2), Version: el(3)})
		p.a = &p.g.Acks[len(p.g.Acks)-1]
		p.set, p.ik3, p.ik4 = nil, nil, nil
	case "SE":
		p.a, p.set, p.ik3, p.ik4 = nil, nil, nil, nil
	default:
		if p.a == nil {
			return false, p.errorf(s, 0, ErrNotAck, "segment outside a 999")
		}
		return false, p.ack999(s)
	}
	return false, nil
}

func (p *parser) ack999(s *x12.Segment) error {
	el := func(i int) string { return string(s.Element(i)) }
	var err error
	num := func(b []byte, i int) int {
		if len(b) == 0 || err != nil {
			return 0
		}
		n, e := strconv.Atoi(string(b))
		if e != nil || n < 0 {
			err = p.errorf(s, i, x12.ErrInvalidValue, fmt.Sprintf("%q is not a number", b))
		}
		return n
	}
	switch s.ID {
	case "AK1":
		p.a.FunctionalID, p.a.GroupControl, p.a.GroupVersion = el(1), el(2), el(3)
	case "AK2":
		p.a.Sets = append(p.a.Sets, SetResponse{ID: el(1), ControlNumber: el(2), Version: el(3)})
		p.set = &p.a.Sets[len(p.a.Sets)-1]
		p.ik3, p.ik4 = nil, nil
	case "IK3":
		if p.set == nil {
			return p.errorf(s, 0, ErrNotAck, "IK3 before AK2")
		}
		p.set.Errors = append(p.set.Errors, SegmentError{SegmentID: el(1), Position: num(s.Element(2), 2), Loop: el(3), Code: el(4)})
		p.ik3 = &p.set.Errors[len(p.set.Errors)-1]
		p.ik4 = nil
	case "IK4":
		if p.ik3 == nil {
			return p.errorf(s, 0, ErrNotAck, "IK4 before IK3")
		}
		p.ik3.Elements = append(p.ik3.Elements, ElementError{
			Position: num(s.Component(1, 1), 1), Component: num(s.Component(1, 2), 1), Repetition: num(s.Component(1, 3), 1),
			DataElement: el(2), Code: el(3), Bad: el(4),
		})
		p.ik4 = &p.ik3.Elements[len(p.ik3.Elements)-1]
	case "CTX":
		c := Context{
			Name: string(s.Component(1, 1)), Value: string(s.Component(1, 2)),
			SegmentID: el(2), Position: num(s.Element(3), 3), Loop: el(4),
			Element: num(s.Component(5, 1), 5), Component: num(s.Component(5, 2), 5), Repetition: num(s.Component(5, 3), 5),
			DataElement: string(s.Component(6, 1)),
		}
		switch {
		case p.ik4 != nil:
			p.ik4.Context = append(p.ik4.Context, c)
		case p.ik3 != nil:
			p.ik3.Context = append(p.ik3.Context, c)
		default:
			return p.errorf(s, 0, ErrNotAck, "CTX before IK3")
		}
	case "IK5":
		if p.set == nil {
			return p.errorf(s, 0, ErrNotAck, "IK5 before AK2")
		}
		p.set.Status = el(1)
		p.set.Codes = codes(s, 2, 6)
		p.set, p.ik3, p.ik4 = nil, nil, nil
	case "AK9":
		p.a.Status = el(1)
		p.a.Included, p.a.Received, p.a.Accepted = num(s.Element(2), 2), num(s.Element(3), 3), num(s.Element(4), 4)
		p.a.GroupErrors = codes(s, 5, 9)
	default:
		return p.errorf(s, 0, ErrNotAck, fmt.Sprintf("segment %s has no place in a 999", s.ID))
	}
	return err
}

// codes returns the non-empty elements from..to of s.
func codes(s *x12.Segment, from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		if v := s.Element(i); len(v) > 0 {
			out = append(out, string(v))
		}
	}
	return out
}

func (p *parser) errorf(s *x12.Segment, elem int, err error, detail string) error {
	return &x12.ParseError{Segment: s.Pos, SetSegment: s.SetPos, SegmentID: s.ID, Element: elem, Offset: s.Offset, Err: err, Detail: detail}
}
