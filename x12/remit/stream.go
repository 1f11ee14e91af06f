package remit

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/internal/txn"
	"github.com/claimgate/claimgate/x12/validate"
)

// A Decoder reads 835s claim by claim, without holding a transaction set
// or its loop tree in memory: a remittance of any size is read in memory
// that grows only with its largest claim. It reads the same model as ReadFile (Parse
// over validate.Transaction's tree), value for value, but it does not
// validate: the envelopes are followed with an x12.Checker (EnvelopeErrors
// reports what it finds, as SetReader.Errors does, without stopping the
// reading), and the loops are followed by the 835's own structure.
//
// Next returns the claims (2100 loops) one at a time. While a claim is
// current, Payment holds its transaction set's header (envelope, BPR, TRN,
// payer, payee) and Header its 2000 loop (LX, TS3, TS2). After the last
// claim of a set Next returns nil, nil once: ProviderAdjustments then holds
// the set's PLB segments. At the end of the input it returns nil, io.EOF.
//
// To go fast, the Decoder reuses memory from claim to claim: a *Claim
// returned by Next, and every string, slice and pointer in it, is valid
// only until the next call to Next. Keep a claim with Claim.Clone. The
// values that Payment, Header and ProviderAdjustments return are valid
// until the next call to Next after the end of their set (Header: until the
// next LX).
//
// Errors are those of ReadFile: *x12.ParseError naming the segment and
// element for a value that does not parse (wrapped with a "remit: "
// prefix), and the Reader's errors. The Decoder is stricter than ReadFile
// about where segments are: a segment out of its place in the 835's
// structure that ReadFile's validator would put somewhere anyway (a second
// N1*PR, a BPR after the payer's N1, a segment after PLB) is an error
// naming the segment. After an error Next returns the same error again.
type Decoder struct {
	r   *x12.Reader
	env x12.Checker
	p   parser
	err error

	pending    *x12.Segment // a segment read and checked, not yet placed
	claimReady bool         // d.claim is complete and not yet returned
	setEnded   bool         // the end of a set is to be returned
	endShown   bool         // the end of a set was returned: reset on the next call
	eof        bool

	inSet  bool
	setPos int // position of the current set's ST
	state  int
	st     *x12.Segment   // the set's ST (a copy), for errors at the set
	loop   []*x12.Segment // segments of the open header loop (ST, 1000A, 1000B)

	rem    Remittance
	hdr    Header
	hdrSeq int // LX segments seen: tells the 2000 loops apart
	plb    []ProviderAdjustment
	claim  Claim
	inClm  bool
	sv     *Service // the open service line, or nil

	// Per-claim memory, reset when a claim starts.
	text    []byte  // the claim's strings
	textSeg string  // the copy of the segment last taken, in text
	rawBase uintptr // the address of that segment in the Reader
	dateKey uint64  // the last date read, its 8 bytes, and its value
	dateVal time.Time
	dateSet bool
	i64     []int64
	qty     []Quantity
	ents    []Entity
	mia     Inpatient
	moa     Outpatient
	adjs    []Adjustment
	reasons []Reason
	refs    []Ref
	contact []Contact
	comms   []Communication
	amts    []Amount
	qtys    []QuantityInfo
	svcs    []Service
	procs   []Procedure
	mods    []string
	remarks []Remark
}

// States of a Decoder inside a transaction set: the loop it is in.
const (
	inHeader  = iota // after ST: BPR, TRN, CUR, REF, DTM
	inPayer          // 1000A
	inPayee          // 1000B
	in2000           // LX, TS3, TS2
	in2100           // a claim
	in2110           // a service line
	inSummary        // after the first PLB
)

var loopIDs = [...]string{inHeader: "ST", inPayer: "1000A", inPayee: "1000B", in2000: "2000", in2100: "2100", in2110: "2110", inSummary: "ST"}

// NewDecoder returns a Decoder that reads from r, which it buffers itself.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: x12.NewReader(r)}
}

// Payment returns the current transaction set's remittance without its
// 2000 loops and PLBs: envelope, payment (BPR), trace, payer and payee,
// read once the decoder is past them (at the set's first claim, or its
// end). It is nil outside a transaction set: before the first, and from
// the call to Next after the end of one until the next ST.
func (d *Decoder) Payment() *Remittance {
	if !d.inSet && !d.endShown && !d.setEnded && !d.claimReady {
		return nil
	}
	return &d.rem
}

// Header returns the 2000 loop of the current claim (LX, TS3, TS2), with
// no claims.
func (d *Decoder) Header() *Header { return &d.hdr }

// ProviderAdjustments returns the PLB segments of the current transaction
// set read so far: all of them once Next has returned the end of the set.
func (d *Decoder) ProviderAdjustments() []ProviderAdjustment { return d.plb }

// EnvelopeErrors returns the envelope problems found so far, as
// SetReader.Errors does; after io.EOF it includes envelopes left open.
func (d *Decoder) EnvelopeErrors() []*x12.ParseError { return d.env.Errors() }

// Next returns the next claim; nil, nil at the end of each transaction
// set; nil, io.EOF at the end of the input.
func (d *Decoder) Next() (*Claim, error) {
	if d.err != nil {
		return nil, d.err
	}
	if d.endShown {
		d.endShown = false
		d.rem, d.hdr, d.plb = Remittance{}, Header{}, nil
	}
	for {
		if d.claimReady {
			d.claimReady = false
			return &d.claim, nil
		}
		if d.setEnded {
			d.setEnded, d.endShown = false, true
			return nil, nil
		}
		if d.eof {
			return nil, io.EOF
		}
		s := d.pending
		d.pending = nil
		if s == nil {
			var err error
			s, err = d.r.Next()
			if err == io.EOF {
				d.env.End()
				d.eof = true
				if d.inSet {
					d.endSet()
				}
				if d.p.Err != nil {
					return nil, d.fail()
				}
				continue
			}
			if err != nil {
				d.err = fmt.Errorf("remit: %w", err)
				return nil, d.err
			}
			d.env.Check(s)
			// Only an envelope segment (ISA, IEA, GS, GE, ST, TA1) ends a
			// set without SE.
			if d.inSet && s.ID != "" && envelopeFirst[s.ID[0]] && s.ID != "SE" {
				if cur := d.env.Set(); cur == nil || cur.Pos != d.setPos {
					// The set ended without SE: s belongs to what follows.
					d.pending = s
					d.endSet()
					if d.p.Err != nil {
						return nil, d.fail()
					}
					continue
				}
			}
		}
		if !d.inSet {
			if s.ID == "ST" {
				if err := d.startSet(s); err != nil {
					d.err = err
					return nil, err
				}
			}
			continue // segments outside sets are the Checker's
		}
		d.p.seg = nil // the Reader reuses its Segment
		d.segment(s)
		if d.p.Err != nil {
			return nil, d.fail()
		}
	}
}

func (d *Decoder) fail() error {
	d.err = fmt.Errorf("remit: %w", d.p.Err)
	return d.err
}

func (d *Decoder) startSet(s *x12.Segment) error {
	set := d.env.Set()
	if set == nil || set.ID != "835" {
		id := string(s.Element(1))
		return fmt.Errorf("remit: segment %d: transaction set %s is not an 835", s.Pos, id)
	}
	d.inSet, d.setPos, d.state = true, set.Pos, inHeader
	d.rem, d.hdr, d.plb = Remittance{}, Header{}, nil
	var env Envelope
	env.Control = set.ControlNumber
	if i := d.env.Interchange(); i != nil {
		env.Interchange = *i
	}
	if g := d.env.Group(); g != nil {
		env.Group = *g
	}
	env.Interchange.Pos, env.Interchange.Offset = 0, 0
	env.Interchange.Delims = txn.ClaimDelimiters(env.Interchange.Delims)
	env.Group.Pos, env.Group.Offset = 0, 0
	d.rem.Envelope = env
	d.st = s.Clone()
	d.loop = append(d.loop[:0], d.st)
	return nil
}

// endSet finishes the set: the open claim and header loop, then the end.
func (d *Decoder) endSet() {
	if d.inClm {
		d.endClaim()
		d.claimReady = true
	}
	d.leave(inSummary)
	d.inSet = false
	d.setEnded = true
}

// leave closes the header loop the decoder is in, if it is going on to a
// later one (to), reading the loop's segments into the model.
func (d *Decoder) leave(to int) {
	if d.state == to && to != inPayer && to != inPayee {
		return
	}
	switch d.state {
	case inHeader:
		r, err := Parse(&validate.Loop{ID: "ST", Segments: d.loop})
		if err != nil {
			if d.p.Err == nil {
				d.p.Err = unwrapRemit(err)
			}
			return
		}
		env := d.rem.Envelope
		d.rem = *r
		d.rem.Envelope, d.rem.Headers, d.rem.ProviderAdjustments = env, nil, nil
	case inPayer:
		d.rem.Payer = d.p.payer(&validate.Loop{ID: "1000A", Segments: d.loop})
	case inPayee:
		d.rem.Payee = d.p.payee(&validate.Loop{ID: "1000B", Segments: d.loop})
	}
	d.loop = d.loop[:0]
	d.state = to
}

// unwrapRemit returns the *x12.ParseError inside an error of Parse.
func unwrapRemit(err error) error {
	if u, ok := err.(interface{ Unwrap() error }); ok {
		return u.Unwrap()
	}
	return err
}

// unexpected records an error for a segment that has no place where it is.
func (d *Decoder) unexpected(s *x12.Segment) {
	q := ""
	if v := s.Element(1); len(v) > 0 && len(v) <= 3 {
		q = "*" + string(v)
	}
	if d.state == inSummary {
		d.p.Fail(s, 0, 0, fmt.Sprintf("%s%s does not belong after PLB", s.ID, q))
		return
	}
	d.p.Fail(s, 0, 0, fmt.Sprintf("%s%s does not belong in loop %s", s.ID, q, loopIDs[d.state]))
}

// envelopeFirst are the first letters of envelope segment IDs.
var envelopeFirst = [256]bool{'G': true, 'I': true, 'S': true, 'T': true}

// key packs a segment ID into a number for a fast switch.
func key(id string) uint32 {
	switch len(id) {
	case 2:
		return uint32(id[0])<<8 | uint32(id[1])
	case 3:
		return uint32(id[0])<<16 | uint32(id[1])<<8 | uint32(id[2])
	}
	return 0
}

const (
	kAMT = 'A'<<16 | 'M'<<8 | 'T'
	kBPR = 'B'<<16 | 'P'<<8 | 'R'
	kCAS = 'C'<<16 | 'A'<<8 | 'S'
	kCLP = 'C'<<16 | 'L'<<8 | 'P'
	kCUR = 'C'<<16 | 'U'<<8 | 'R'
	kDTM = 'D'<<16 | 'T'<<8 | 'M'
	kLQ  = 'L'<<8 | 'Q'
	kLX  = 'L'<<8 | 'X'
	kMIA = 'M'<<16 | 'I'<<8 | 'A'
	kMOA = 'M'<<16 | 'O'<<8 | 'A'
	kN1  = 'N'<<8 | '1'
	kN3  = 'N'<<8 | '3'
	kN4  = 'N'<<8 | '4'
	kNM1 = 'N'<<16 | 'M'<<8 | '1'
	kPER = 'P'<<16 | 'E'<<8 | 'R'
	kPLB = 'P'<<16 | 'L'<<8 | 'B'
	kQTY = 'Q'<<16 | 'T'<<8 | 'Y'
	kRDM = 'R'<<16 | 'D'<<8 | 'M'
	kREF = 'R'<<16 | 'E'<<8 | 'F'
	kSE  = 'S'<<8 | 'E'
	kSVC = 'S'<<16 | 'V'<<8 | 'C'
	kTRN = 'T'<<16 | 'R'<<8 | 'N'
	kTS2 = 'T'<<16 | 'S'<<8 | '2'
	kTS3 = 'T'<<16 | 'S'<<8 | '3'
)

// segment places one segment of the set and reads it into the model.
func (d *Decoder) segment(s *x12.Segment) {
	k := key(s.ID)
	if d.state == in2100 || d.state == in2110 {
		// Most segments: one of a claim's or a service line's.
		switch k {
		case kCLP, kLX, kPLB, kSE, kN1:
		default:
			if k != kDTM {
				d.take(s) // a DTM has no strings
			}
			if d.state == in2100 && d.claimSegment(k, s) || d.state == in2110 && d.serviceSegment(k, s) {
				return
			}
			d.unexpected(s)
			return
		}
	}
	// Segments that start a loop, or end the set, wherever they come.
	switch k {
	case kCLP:
		if d.state >= in2000 && d.state <= in2110 {
			if d.inClm {
				d.endClaim()
				d.claimReady = true
				d.pending = s
				return
			}
			d.startClaim(s)
			return
		}
	case kLX:
		if d.state != inSummary {
			if d.inClm {
				d.endClaim()
				d.claimReady = true
				d.pending = s
				return
			}
			d.leave(in2000)
			d.check(s, 1)
			d.hdr = Header{Number: d.p.ElemNumber(s, 1)}
			d.hdrSeq++
			return
		}
	case kPLB:
		if d.inClm {
			d.endClaim()
			d.claimReady = true
			d.pending = s
			return
		}
		d.leave(inSummary)
		d.p.check(s)
		d.plb = append(d.plb, d.p.plb(s))
		return
	case kSE:
		if d.inClm {
			d.endClaim()
			d.claimReady = true
			d.pending = s
			return
		}
		d.endSet()
		return
	case kN1:
		q := string(s.Element(1))
		if q == "PR" && d.state == inHeader {
			d.leave(inPayer)
			d.loop = append(d.loop, s.Clone())
			return
		}
		if q == "PE" && (d.state == inHeader || d.state == inPayer) {
			d.leave(inPayee)
			d.loop = append(d.loop, s.Clone())
			return
		}
	}
	switch d.state {
	case inHeader:
		switch k {
		case kBPR, kTRN, kCUR, kREF, kDTM:
			d.loop = append(d.loop, s.Clone())
			return
		}
	case inPayer:
		switch k {
		case kN3, kN4, kREF, kPER:
			d.loop = append(d.loop, s.Clone())
			return
		}
	case inPayee:
		switch k {
		case kN3, kN4, kREF, kRDM:
			d.loop = append(d.loop, s.Clone())
			return
		}
	case in2000:
		switch k {
		case kTS3, kTS2:
			h := d.p.header(&validate.Loop{ID: "2000", Segments: []*x12.Segment{s}})
			if k == kTS3 {
				d.hdr.Summary = h.Summary
			} else {
				d.hdr.Supplemental = h.Supplemental
			}
			return
		}
	case in2100:
		d.take(s)
		if d.claimSegment(k, s) {
			return
		}
	case in2110:
		d.take(s)
		if d.serviceSegment(k, s) {
			return
		}
	}
	d.unexpected(s)
}

// check records an error if s has a value past element max, which the
// 5010 guide does not use, as parser.check does (without its map).
func (d *Decoder) check(s *x12.Segment, max int) {
	if s.Len() > max {
		d.p.check(s)
	}
}

// checkUnused is check for a segment with element nu (not used in 5010)
// before max.
func (d *Decoder) checkUnused(s *x12.Segment, max, nu int) {
	if s.Len() > max || len(s.Element(nu)) > 0 {
		d.p.check(s)
	}
}

// startClaim resets the per-claim memory and reads the CLP.
func (d *Decoder) startClaim(s *x12.Segment) {
	d.state, d.inClm, d.sv = in2100, true, nil
	d.text, d.textSeg = d.text[:0], ""
	d.i64, d.qty, d.ents = d.i64[:0], d.qty[:0], d.ents[:0]
	d.adjs, d.reasons, d.refs = d.adjs[:0], d.reasons[:0], d.refs[:0]
	d.contact, d.comms, d.amts, d.qtys = d.contact[:0], d.comms[:0], d.amts[:0], d.qtys[:0]
	d.svcs, d.procs, d.mods, d.remarks = d.svcs[:0], d.procs[:0], d.mods[:0], d.remarks[:0]
	d.claim = Claim{}
	c := &d.claim
	d.take(s)
	d.checkUnused(s, 13, 10)
	c.ID = d.required(s, 1, "patient control number")
	c.Status = d.required(s, 2, "claim status code")
	c.Charge = d.amount(s, 3, "total claim charge amount")
	c.Paid = d.amount(s, 4, "claim payment amount")
	c.PatientResponsibility = d.optAmount(s, 5)
	c.FilingIndicator = d.str(s, 6)
	c.PayerControlNumber = d.str(s, 7)
	c.FacilityCode = d.str(s, 8)
	c.Frequency = d.str(s, 9)
	c.DRG = d.str(s, 11)
	c.DRGWeight = d.optQuantity(s, 12)
	c.DischargeFraction = d.optQuantity(s, 13)
}

// endClaim finishes the open claim, if any: the REF order Parse gives.
func (d *Decoder) endClaim() {
	if !d.inClm {
		return
	}
	d.endService()
	if d.sv == nil {
		sortRefs(d.claim.Refs, claimRefRank)
	}
	d.inClm, d.sv = false, nil
	d.state = in2000
}

func (d *Decoder) endService() {
	if d.sv != nil {
		sortRefs(d.sv.Refs, serviceRefRank)
	}
}

// sortRefs puts rs in TR3 order in place, as sortedRefs does in a copy.
func sortRefs(rs []Ref, rank func(string) int) {
	for i := 1; i < len(rs); i++ {
		if rank(rs[i].Qualifier) < rank(rs[i-1].Qualifier) {
			slices.SortStableFunc(rs, func(a, b Ref) int { return rank(a.Qualifier) - rank(b.Qualifier) })
			return
		}
	}
}

func (d *Decoder) claimSegment(k uint32, s *x12.Segment) bool {
	c := &d.claim
	switch k {
	case kCAS:
		c.Adjustments = push(&d.adjs, c.Adjustments, d.cas(s))
	case kNM1:
		d.checkUnused(s, 9, 6)
		var dst **Entity
		switch string(s.Element(1)) {
		case "QC":
			dst = &c.Patient
		case "IL":
			dst = &c.Insured
		case "74":
			dst = &c.Corrected
		case "82":
			dst = &c.ServiceProvider
		case "TT":
			dst = &c.CrossoverCarrier
		case "PR":
			dst = &c.PriorityPayer
		case "GB":
			dst = &c.OtherSubscriber
		default:
			d.unexpected(s)
			return true
		}
		d.ents = append(d.ents, Entity{
			Type: d.str(s, 2), Last: d.str(s, 3), First: d.str(s, 4), Middle: d.str(s, 5),
			Suffix: d.str(s, 7), IDQualifier: d.str(s, 8), ID: d.str(s, 9),
		})
		*dst = &d.ents[len(d.ents)-1]
	case kMIA:
		d.check(s, 24)
		d.mia = Inpatient{
			CoveredDays:             d.quantity(s, 1),
			PPSOperatingOutlier:     d.optAmount(s, 2),
			LifetimePsychiatricDays: d.optQuantity(s, 3),
			DRGAmount:               d.optAmount(s, 4),
			RemarkCode:              d.str(s, 5),
			DisproportionateShare:   d.optAmount(s, 6),
			MSPPassThrough:          d.optAmount(s, 7),
			PPSCapital:              d.optAmount(s, 8),
			PPSCapitalFSP:           d.optAmount(s, 9),
			PPSCapitalHSP:           d.optAmount(s, 10),
			PPSCapitalDSH:           d.optAmount(s, 11),
			OldCapital:              d.optAmount(s, 12),
			PPSCapitalIME:           d.optAmount(s, 13),
			PPSOperatingHSP:         d.optAmount(s, 14),
			CostReportDays:          d.optQuantity(s, 15),
			PPSOperatingFSP:         d.optAmount(s, 16),
			PPSCapitalOutlier:       d.optAmount(s, 17),
			IndirectTeaching:        d.optAmount(s, 18),
			NonpayableProfessional:  d.optAmount(s, 19),
			RemarkCodes:             [4]string{d.str(s, 20), d.str(s, 21), d.str(s, 22), d.str(s, 23)},
			PPSCapitalException:     d.optAmount(s, 24),
		}
		c.Inpatient = &d.mia
	case kMOA:
		d.check(s, 9)
		d.moa = Outpatient{
			ReimbursementRate:      d.optQuantity(s, 1),
			HCPCSPayable:           d.optAmount(s, 2),
			RemarkCodes:            [5]string{d.str(s, 3), d.str(s, 4), d.str(s, 5), d.str(s, 6), d.str(s, 7)},
			ESRDPayment:            d.optAmount(s, 8),
			NonpayableProfessional: d.optAmount(s, 9),
		}
		c.Outpatient = &d.moa
	case kREF:
		d.check(s, 2)
		c.Refs = push(&d.refs, c.Refs, Ref{Qualifier: d.str(s, 1), Value: d.str(s, 2)})
	case kDTM:
		d.check(s, 2)
		switch string(s.Element(1)) {
		case "232":
			c.StatementFrom = d.date(s, 2)
		case "233":
			c.StatementTo = d.date(s, 2)
		case "036":
			c.CoverageExpiration = d.date(s, 2)
		case "050":
			c.Received = d.date(s, 2)
		default:
			d.unexpected(s)
		}
	case kPER:
		d.check(s, 8)
		ct := Contact{Function: d.str(s, 1), Name: d.str(s, 2)}
		for i := 3; i <= 7; i += 2 {
			if len(s.Element(i)) > 0 || len(s.Element(i+1)) > 0 {
				ct.Numbers = push(&d.comms, ct.Numbers, Communication{Qualifier: d.str(s, i), Number: d.str(s, i+1)})
			}
		}
		c.Contacts = push(&d.contact, c.Contacts, ct)
	case kAMT:
		d.check(s, 2)
		c.Amounts = push(&d.amts, c.Amounts, Amount{Qualifier: d.str(s, 1), Amount: d.amount(s, 2, "amount")})
	case kQTY:
		d.check(s, 2)
		c.Quantities = push(&d.qtys, c.Quantities, QuantityInfo{Qualifier: d.str(s, 1), Quantity: d.quantity(s, 2)})
	case kSVC:
		d.startService(s)
	default:
		return false
	}
	return true
}

func (d *Decoder) startService(s *x12.Segment) {
	c := &d.claim
	if d.sv == nil {
		sortRefs(c.Refs, claimRefRank)
	} else {
		d.endService()
	}
	c.Services = push(&d.svcs, c.Services, Service{})
	d.sv = &c.Services[len(c.Services)-1]
	d.state = in2110
	sv := d.sv
	d.check(s, 7)
	if len(s.Element(1)) == 0 {
		d.p.Fail(s, 1, 0, "composite medical procedure identifier (SVC01) is required")
	}
	d.procedure(s, 1, &sv.Procedure)
	sv.Charge = d.amount(s, 2, "line item charge amount")
	sv.Paid = d.amount(s, 3, "line item provider payment amount")
	sv.RevenueCode = d.str(s, 4)
	sv.Units = d.optQuantity(s, 5)
	if len(s.Element(6)) > 0 {
		d.procs = append(d.procs, Procedure{})
		sv.OriginalProcedure = &d.procs[len(d.procs)-1]
		d.procedure(s, 6, sv.OriginalProcedure)
	}
	sv.OriginalUnits = d.optQuantity(s, 7)
}

func (d *Decoder) serviceSegment(k uint32, s *x12.Segment) bool {
	sv := d.sv
	switch k {
	case kSVC:
		d.startService(s)
	case kDTM:
		d.check(s, 2)
		switch string(s.Element(1)) {
		case "472":
			sv.Date = d.date(s, 2)
		case "150":
			sv.From = d.date(s, 2)
		case "151":
			sv.To = d.date(s, 2)
		default:
			d.unexpected(s)
		}
	case kCAS:
		sv.Adjustments = push(&d.adjs, sv.Adjustments, d.cas(s))
	case kREF:
		d.check(s, 2)
		if string(s.Element(1)) == "6R" {
			sv.LineItemControlNumber = d.str(s, 2)
		} else {
			sv.Refs = push(&d.refs, sv.Refs, Ref{Qualifier: d.str(s, 1), Value: d.str(s, 2)})
		}
	case kAMT:
		d.check(s, 2)
		a := d.amount(s, 2, "amount")
		if string(s.Element(1)) == "B6" && sv.Allowed == nil {
			d.i64 = append(d.i64, a)
			sv.Allowed = &d.i64[len(d.i64)-1]
		} else {
			sv.Amounts = push(&d.amts, sv.Amounts, Amount{Qualifier: d.str(s, 1), Amount: a})
		}
	case kQTY:
		d.check(s, 2)
		sv.Quantities = push(&d.qtys, sv.Quantities, QuantityInfo{Qualifier: d.str(s, 1), Quantity: d.quantity(s, 2)})
	case kLQ:
		d.check(s, 2)
		sv.Remarks = push(&d.remarks, sv.Remarks, Remark{Qualifier: d.str(s, 1), Code: d.str(s, 2)})
	default:
		return false
	}
	return true
}

// push appends v to dst, which is empty or the tail of *slab, in the
// slab, and returns dst with v. Each owner (a claim, then each of its
// service lines) appends to a slab only while it is the last to: so a
// slab holds its owners' elements one after another, without copying
// them to a slice of their own. When the slab grows the owners before
// keep the old array.
func push[T any](slab *[]T, dst []T, v T) []T {
	start := len(*slab) - len(dst)
	*slab = append(*slab, v)
	return (*slab)[start:len(*slab):len(*slab)]
}

func (d *Decoder) cas(s *x12.Segment) Adjustment {
	d.check(s, 19)
	a := Adjustment{Group: d.str(s, 1)}
	if d.reasons == nil {
		d.reasons = make([]Reason, 0, 64) // Reasons is never nil, as in Parse
	}
	start := len(d.reasons)
	n := s.Len()
	for i := 2; i <= 17 && i <= n; i += 3 {
		code, amt, qty := s.Element(i), s.Element(i+1), s.Element(i+2)
		if len(code) == 0 && len(amt) == 0 && len(qty) == 0 {
			continue
		}
		var r Reason
		if len(code) == 0 {
			d.required(s, i, "adjustment reason code")
		} else {
			r.Code = d.piece(code)
		}
		if v, ok := fastDecimal(amt, 2); ok {
			r.Amount = v
		} else {
			r.Amount = d.p.ElemAmount(s, i+1, "adjustment amount")
		}
		if len(qty) > 0 {
			r.Quantity = d.optQuantity(s, i+2)
		}
		d.reasons = append(d.reasons, r)
	}
	a.Reasons = d.reasons[start:len(d.reasons):len(d.reasons)]
	return a
}

// procedure reads composite element i into pr, which it overwrites.
func (d *Decoder) procedure(s *x12.Segment, i int, pr *Procedure) {
	// The components of the element's first repetition, as Component
	// finds them, in one pass.
	var c [7][]byte
	el := s.Element(i)
	sep, rep := s.Delims.Component, s.Delims.Repetition
	if rep == 0 {
		rep = sep
	}
	j, from, k := 0, 0, 0
	for ; k < len(el); k++ {
		if b := el[k]; b == sep || b == rep {
			if b != sep {
				break // the end of the first repetition
			}
			c[j] = el[from:k]
			if j++; j == len(c) {
				break
			}
			from = k + 1
		}
	}
	if j < len(c) {
		c[j] = el[from:k]
	}
	*pr = Procedure{Qualifier: d.piece(c[0]), Code: d.piece(c[1]), Description: d.piece(c[6])}
	n := 0
	for j := 2; j <= 5; j++ {
		if len(c[j]) > 0 {
			n = j - 1
		}
	}
	if n > 0 {
		start := len(d.mods)
		for j := range n {
			d.mods = append(d.mods, d.piece(c[j+2]))
		}
		pr.Modifiers = d.mods[start:len(d.mods):len(d.mods)]
	}
}

// take copies segment s to the claim's text, which is reused for the
// next claim, so that the strings of the segment (piece, str) are pieces
// of that copy. Every segment of a claim is taken before it is read.
func (d *Decoder) take(s *x12.Segment) {
	raw := s.Raw()
	if len(raw) > cap(d.text)-len(d.text) {
		// Strings already made keep the old array.
		d.text = make([]byte, 0, max(2*cap(d.text), 4096, len(raw)))
	}
	n := len(d.text)
	d.text = append(d.text, raw...)
	d.textSeg = unsafe.String(unsafe.SliceData(d.text[n:]), len(raw))
	d.rawBase = uintptr(unsafe.Pointer(unsafe.SliceData(raw)))
}

// piece returns b, a piece of the segment last taken, as a string.
func (d *Decoder) piece(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	off := uintptr(unsafe.Pointer(unsafe.SliceData(b))) - d.rawBase
	return d.textSeg[off : off+uintptr(len(b))]
}

func (d *Decoder) str(s *x12.Segment, i int) string { return d.piece(s.Element(i)) }

func (d *Decoder) required(s *x12.Segment, i int, name string) string {
	v := d.str(s, i)
	if v == "" {
		d.p.Fail(s, i, 0, fmt.Sprintf("%s (%s%02d) is required", name, s.ID, i))
	}
	return v
}

func (d *Decoder) amount(s *x12.Segment, i int, name string) int64 {
	el := s.Element(i)
	if v, ok := fastDecimal(el, 2); ok {
		return v
	}
	return d.p.ElemAmount(s, i, name)
}

func (d *Decoder) optAmount(s *x12.Segment, i int) *int64 {
	el := s.Element(i)
	if len(el) == 0 {
		return nil
	}
	v, ok := fastDecimal(el, 2)
	if !ok {
		return d.p.ElemOptAmount(s, i)
	}
	d.i64 = append(d.i64, v)
	return &d.i64[len(d.i64)-1]
}

func (d *Decoder) quantity(s *x12.Segment, i int) Quantity {
	el := s.Element(i)
	if len(el) == 0 {
		return 0
	}
	if v, ok := fastDecimal(el, QuantityScale); ok {
		return Quantity(v)
	}
	return d.p.ElemQuantity(s, i)
}

func (d *Decoder) optQuantity(s *x12.Segment, i int) *Quantity {
	el := s.Element(i)
	if len(el) == 0 {
		return nil
	}
	q, ok := fastDecimal(el, QuantityScale)
	if !ok {
		return d.p.ElemOptQuantity(s, i)
	}
	d.qty = append(d.qty, Quantity(q))
	return &d.qty[len(d.qty)-1]
}

func (d *Decoder) date(s *x12.Segment, i int) time.Time {
	el := s.Element(i)
	if len(el) == 0 {
		return time.Time{}
	}
	if len(el) == 8 {
		// Dates repeat (a claim's from and to, its lines' dates): keep
		// the last one.
		k := binary.LittleEndian.Uint64(el)
		if k == d.dateKey && d.dateSet {
			return d.dateVal
		}
		if t, ok := fastDate(el); ok {
			d.dateKey, d.dateVal, d.dateSet = k, t, true
			return t
		}
	}
	return d.p.ElemDate(s, i)
}

// fastDecimal parses the common X12 decimal (digits, a leading "-", one
// decimal point, at most scale decimals, 18 digits) as x12.ParseDecimal
// does; ok is false for anything else, which ParseDecimal then parses or
// refuses with its error.
func fastDecimal(b []byte, scale int) (v int64, ok bool) {
	n := len(b)
	if n == 0 || n > 18 {
		return 0, false
	}
	i := 0
	if b[0] == '-' {
		i = 1
	}
	// The whole part two digits at a time: the products of a pair do not
	// wait for v.
	start := i
	for ; i+1 < n; i += 2 {
		c0, c1 := b[i]-'0', b[i+1]-'0'
		if c0 > 9 || c1 > 9 {
			break
		}
		v = v*100 + int64(c0)*10 + int64(c1)
	}
	if i < n {
		if c := b[i] - '0'; c <= 9 {
			v = v*10 + int64(c)
			i++
		}
	}
	whole, frac := i-start, 0
	if i < n {
		if b[i] != '.' {
			return 0, false
		}
		i++
		from := i
		for ; i < n; i++ {
			c := b[i] - '0'
			if c > 9 {
				return 0, false
			}
			v = v*10 + int64(c)
		}
		if frac = i - from; frac == 0 || frac > scale {
			return 0, false
		}
	}
	// At most 17 digits, and the result under 10^18.
	if whole+frac == 0 || whole+scale > 18 {
		return 0, false
	}
	v *= pow10[scale-frac]
	if b[0] == '-' {
		v = -v
	}
	return v, true
}

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// fastDate parses a valid CCYYMMDD date as x12.ParseDate does (midnight
// UTC); ok is false for anything else, which ParseDate then refuses.
func fastDate(b []byte) (time.Time, bool) {
	if len(b) != 8 {
		return time.Time{}, false
	}
	// Eight digits at once: subtract '0' from each byte, check that each
	// is 0 to 9, and combine them pairwise.
	v := binary.LittleEndian.Uint64(b) - 0x3030303030303030
	if (v|(v+0x7676767676767676))&0x8080808080808080 != 0 {
		return time.Time{}, false
	}
	v = v*10 + v>>8 // pairs of digits in bytes 0, 2, 4, 6
	v = ((v&0x000000FF000000FF)*(100+(1000000<<32)) + (v>>16&0x000000FF000000FF)*(1+(10000<<32))) >> 32
	n := int(v)
	y, m, dd := n/10000, n/100%100, n%100
	if y < 1 || m < 1 || m > 12 || dd < 1 || dd > daysIn(m, y) {
		return time.Time{}, false
	}
	return time.Unix(daysFromCivil(y, m, dd)*86400, 0).UTC(), true
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400 // y >= 0 here
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}

// Clone returns a deep copy of c that shares no memory with it: a claim
// from Decoder.Next kept past the next call.
func (c *Claim) Clone() *Claim {
	if c == nil {
		return nil
	}
	var t texts
	n := *c
	n.ID, n.Status, n.FilingIndicator = t.s(c.ID), t.s(c.Status), t.s(c.FilingIndicator)
	n.PayerControlNumber, n.FacilityCode, n.Frequency, n.DRG = t.s(c.PayerControlNumber), t.s(c.FacilityCode), t.s(c.Frequency), t.s(c.DRG)
	n.PatientResponsibility = clonePtr(c.PatientResponsibility)
	n.DRGWeight, n.DischargeFraction = clonePtr(c.DRGWeight), clonePtr(c.DischargeFraction)
	n.Adjustments = t.adjustments(c.Adjustments)
	n.Patient, n.Insured, n.Corrected = t.entity(c.Patient), t.entity(c.Insured), t.entity(c.Corrected)
	n.ServiceProvider, n.CrossoverCarrier = t.entity(c.ServiceProvider), t.entity(c.CrossoverCarrier)
	n.PriorityPayer, n.OtherSubscriber = t.entity(c.PriorityPayer), t.entity(c.OtherSubscriber)
	if m := c.Inpatient; m != nil {
		v := *m
		v.PPSOperatingOutlier, v.LifetimePsychiatricDays, v.DRGAmount = clonePtr(m.PPSOperatingOutlier), clonePtr(m.LifetimePsychiatricDays), clonePtr(m.DRGAmount)
		v.RemarkCode = t.s(m.RemarkCode)
		v.DisproportionateShare, v.MSPPassThrough, v.PPSCapital = clonePtr(m.DisproportionateShare), clonePtr(m.MSPPassThrough), clonePtr(m.PPSCapital)
		v.PPSCapitalFSP, v.PPSCapitalHSP, v.PPSCapitalDSH = clonePtr(m.PPSCapitalFSP), clonePtr(m.PPSCapitalHSP), clonePtr(m.PPSCapitalDSH)
		v.OldCapital, v.PPSCapitalIME, v.PPSOperatingHSP = clonePtr(m.OldCapital), clonePtr(m.PPSCapitalIME), clonePtr(m.PPSOperatingHSP)
		v.CostReportDays, v.PPSOperatingFSP, v.PPSCapitalOutlier = clonePtr(m.CostReportDays), clonePtr(m.PPSOperatingFSP), clonePtr(m.PPSCapitalOutlier)
		v.IndirectTeaching, v.NonpayableProfessional = clonePtr(m.IndirectTeaching), clonePtr(m.NonpayableProfessional)
		for i := range v.RemarkCodes {
			v.RemarkCodes[i] = t.s(m.RemarkCodes[i])
		}
		v.PPSCapitalException = clonePtr(m.PPSCapitalException)
		n.Inpatient = &v
	}
	if m := c.Outpatient; m != nil {
		v := *m
		v.ReimbursementRate, v.HCPCSPayable = clonePtr(m.ReimbursementRate), clonePtr(m.HCPCSPayable)
		for i := range v.RemarkCodes {
			v.RemarkCodes[i] = t.s(m.RemarkCodes[i])
		}
		v.ESRDPayment, v.NonpayableProfessional = clonePtr(m.ESRDPayment), clonePtr(m.NonpayableProfessional)
		n.Outpatient = &v
	}
	n.Refs = t.refs(c.Refs)
	if c.Contacts != nil {
		n.Contacts = make([]Contact, len(c.Contacts))
		for i, ct := range c.Contacts {
			ct.Function, ct.Name = t.s(ct.Function), t.s(ct.Name)
			if ct.Numbers != nil {
				nums := make([]Communication, len(ct.Numbers))
				for j, x := range ct.Numbers {
					nums[j] = Communication{Qualifier: t.s(x.Qualifier), Number: t.s(x.Number)}
				}
				ct.Numbers = nums
			}
			n.Contacts[i] = ct
		}
	}
	n.Amounts = t.amounts(c.Amounts)
	n.Quantities = t.quantities(c.Quantities)
	if c.Services != nil {
		n.Services = make([]Service, len(c.Services))
		for i := range c.Services {
			s := c.Services[i]
			s.Procedure = t.procedure(s.Procedure)
			s.RevenueCode = t.s(s.RevenueCode)
			s.Units, s.OriginalUnits, s.Allowed = clonePtr(s.Units), clonePtr(s.OriginalUnits), clonePtr(s.Allowed)
			if s.OriginalProcedure != nil {
				p := t.procedure(*s.OriginalProcedure)
				s.OriginalProcedure = &p
			}
			s.Adjustments = t.adjustments(s.Adjustments)
			s.LineItemControlNumber = t.s(s.LineItemControlNumber)
			s.Refs = t.refs(s.Refs)
			s.Amounts = t.amounts(s.Amounts)
			s.Quantities = t.quantities(s.Quantities)
			if s.Remarks != nil {
				rs := make([]Remark, len(s.Remarks))
				for j, r := range s.Remarks {
					rs[j] = Remark{Qualifier: t.s(r.Qualifier), Code: t.s(r.Code)}
				}
				s.Remarks = rs
			}
			n.Services[i] = s
		}
	}
	return &n
}

// texts copies strings for Clone.
type texts struct{}

func (texts) s(v string) string { return strings.Clone(v) }

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func (t texts) entity(e *Entity) *Entity {
	if e == nil {
		return nil
	}
	return &Entity{Type: t.s(e.Type), Last: t.s(e.Last), First: t.s(e.First), Middle: t.s(e.Middle),
		Suffix: t.s(e.Suffix), IDQualifier: t.s(e.IDQualifier), ID: t.s(e.ID)}
}

func (t texts) adjustments(as []Adjustment) []Adjustment {
	if as == nil {
		return nil
	}
	out := make([]Adjustment, len(as))
	for i, a := range as {
		out[i].Group = t.s(a.Group)
		if a.Reasons != nil {
			rs := make([]Reason, len(a.Reasons))
			for j, r := range a.Reasons {
				rs[j] = Reason{Code: t.s(r.Code), Amount: r.Amount, Quantity: clonePtr(r.Quantity)}
			}
			out[i].Reasons = rs
		}
	}
	return out
}

func (t texts) refs(rs []Ref) []Ref {
	if rs == nil {
		return nil
	}
	out := make([]Ref, len(rs))
	for i, r := range rs {
		out[i] = Ref{Qualifier: t.s(r.Qualifier), Value: t.s(r.Value)}
	}
	return out
}

func (t texts) amounts(as []Amount) []Amount {
	if as == nil {
		return nil
	}
	out := make([]Amount, len(as))
	for i, a := range as {
		out[i] = Amount{Qualifier: t.s(a.Qualifier), Amount: a.Amount}
	}
	return out
}

func (t texts) quantities(qs []QuantityInfo) []QuantityInfo {
	if qs == nil {
		return nil
	}
	out := make([]QuantityInfo, len(qs))
	for i, q := range qs {
		out[i] = QuantityInfo{Qualifier: t.s(q.Qualifier), Quantity: q.Quantity}
	}
	return out
}

func (t texts) procedure(p Procedure) Procedure {
	p.Qualifier, p.Code, p.Description = t.s(p.Qualifier), t.s(p.Code), t.s(p.Description)
	if p.Modifiers != nil {
		ms := make([]string, len(p.Modifiers))
		for i, m := range p.Modifiers {
			ms[i] = t.s(m)
		}
		p.Modifiers = ms
	}
	return p
}
