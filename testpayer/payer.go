package testpayer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/ack"
	"github.com/claimgate/claimgate/x12/claim"
	"github.com/claimgate/claimgate/x12/validate"
)

// File is one file the payer sends back: an acknowledgment, a 277CA, an
// 835, or the answer to a 270, 276 or 278.
type File struct {
	Name string // unique, as the mailbox names files: "TESTCH_835_000000007_20260315T000000Z.x12"
	Kind string // 999, 277CA, 835, 271, 277, 278
	Data []byte
}

// Options say how a Payer keeps time and draws its random choices.
type Options struct {
	// Now is the payer's clock: a file handed to HandleBatch is received at
	// Now, and responses carry its date. Nil means time.Now.
	Now func() time.Time
	// Seed, when not nil, replaces the configuration's seed.
	Seed *uint64
}

// A Payer is the test payer: the clearinghouse and payers of a Config,
// with their state (accumulators, authorizations, claims adjudicated and
// payments not yet released). Its methods are safe for concurrent use;
// they take turns, since every decision depends on the ones before.
type Payer struct {
	mu      sync.Mutex
	cfg     *Config
	plans   map[string]*plan
	now     func() time.Time
	seed    uint64
	control int                 // last interchange control number used
	pending []*Decision         // adjudicated, not yet in an 835
	carry   map[payeeKey]*carry // overpayments to recover, by payee
	acks    []ClaimAck
}

type payeeKey struct{ payer, npi string }

// carry is what a payee owes the payer after a payment batch whose
// reversals exceeded its payments.
type carry struct {
	amount int64
	ref    string // the payer claim control number that caused it
}

// New returns a test payer for cfg, which it keeps and must not change.
func New(cfg *Config, opt Options) (*Payer, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	p := &Payer{cfg: cfg, plans: map[string]*plan{}, now: opt.Now, seed: cfg.Seed, carry: map[payeeKey]*carry{}}
	if p.now == nil {
		p.now = time.Now
	}
	if opt.Seed != nil {
		p.seed = *opt.Seed
	}
	for i := range cfg.Payers {
		p.plans[cfg.Payers[i].ID] = newPlan(&cfg.Payers[i])
	}
	return p, nil
}

// Enroll adds m to the roster of payer payerID, or replaces the member
// with the same ID. The demo enrolls the patients it makes up.
func (p *Payer) Enroll(payerID string, m Member) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	pl := p.plans[payerID]
	if pl == nil {
		return fmt.Errorf("enroll member: no payer %s", payerID)
	}
	if m.ID == "" || m.Last == "" || m.CoverageFrom.IsZero() {
		return fmt.Errorf("enroll member: id, last name and coverage_from are required")
	}
	pl.members[m.ID] = &m
	return nil
}

// Member returns the current state of a member (accumulators included).
func (p *Payer) Member(payerID, memberID string) (Member, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pl := p.plans[payerID]; pl != nil {
		if m := pl.members[memberID]; m != nil {
			return *m, true
		}
	}
	return Member{}, false
}

// Authorize puts an authorization on file for payer payerID, as a
// certified 278 does.
func (p *Payer) Authorize(payerID string, a Authorization) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	pl := p.plans[payerID]
	if pl == nil {
		return fmt.Errorf("authorize: no payer %s", payerID)
	}
	pl.auths = append(pl.auths, a)
	return nil
}

// Decisions returns a copy of every claim decision the payers have made,
// reversals included, in the order made.
func (p *Payer) Decisions() []*Decision {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*Decision
	for _, id := range p.payerIDs() {
		for _, d := range p.plans[id].decisions {
			c := *d
			c.Notes = slices.Clone(d.Notes)
			c.Lines = slices.Clone(d.Lines)
			for i := range c.Lines {
				c.Lines[i].Adjustments = slices.Clone(c.Lines[i].Adjustments)
				c.Lines[i].Remarks = slices.Clone(c.Lines[i].Remarks)
			}
			c.reversalOf = nil
			out = append(out, &c)
		}
	}
	slices.SortStableFunc(out, func(a, b *Decision) int { return a.Received.Compare(b.Received) })
	return out
}

// Acks returns the 277CA answer given to every claim received, in order.
func (p *Payer) Acks() []ClaimAck {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.acks)
}

func (p *Payer) payerIDs() []string {
	ids := make([]string, 0, len(p.cfg.Payers))
	for _, c := range p.cfg.Payers {
		ids = append(ids, c.ID)
	}
	return ids
}

// nextControl returns the next interchange control number.
func (p *Payer) nextControl() int {
	p.control++
	if p.control > 999999999 {
		p.control = 1
	}
	return p.control
}

// HandleBatch reads a file of 837s as received now (Options.Now) and
// answers it: a 999 for the file (or a TA1 when its interchange is
// rejected), then a 277CA for each 837 transaction set the 999 accepted.
// Claims the 277CA accepts are adjudicated at once; their 835s wait until
// the payer's days-to-pay have passed (see Advance). A batch of 270s, 276s
// or 278s gets its 999 and its 271, 277 or 278; a file of acknowledgments
// (the practice's 999s for our files) gets nothing. A file with no
// readable interchange is an error and gets no answer.
func (p *Payer) HandleBatch(ctx context.Context, file []byte) ([]File, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.handle(ctx, file, p.now().UTC())
}

// handleAt is HandleBatch with the file received at received.
func (p *Payer) handleAt(ctx context.Context, file []byte, received time.Time) ([]File, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.handle(ctx, file, received.UTC())
}

func (p *Payer) handle(ctx context.Context, file []byte, received time.Time) ([]File, error) {
	if onlyAcks(file) {
		return nil, nil // the practice's 999s and TA1s for what we sent: nothing to answer
	}
	ctl := p.nextControl()
	ic, err := ack.For(bytes.NewReader(file), ack.Options{ControlNumber: ctl, Now: received})
	if err != nil {
		p.control-- // nothing was sent under it
		return nil, fmt.Errorf("acknowledge file: %w", err)
	}
	fitLoopIDs(ic)
	var buf bytes.Buffer
	xw := x12Writer(&buf, ic)
	if err := ack.Write(xw, ic); err != nil {
		return nil, fmt.Errorf("write 999: %w", err)
	}
	if err := xw.Flush(); err != nil {
		return nil, err
	}
	kind := "999"
	if len(ic.Groups) == 0 {
		kind = "TA1"
	}
	out := []File{{Name: p.fileName(kind, ctl, received), Kind: kind, Data: buf.Bytes()}}

	accepted := map[string]bool{}
	for _, g := range ic.Groups {
		for _, a := range g.Acks {
			for _, s := range a.Sets {
				if s.Status == "A" || s.Status == "E" {
					accepted[a.GroupControl+"/"+s.ControlNumber] = true
				}
			}
		}
	}
	sr := x12.NewSetReader(x12.NewReader(bytes.NewReader(file)))
	realtime := map[string]bool{}
	for {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		ts, err := sr.Next()
		if err != nil {
			break // io.EOF, or a problem the 999 already reported
		}
		if !accepted[ts.Group.ControlNumber+"/"+ts.ControlNumber] {
			continue
		}
		tree, _ := validate.Transaction(ts)
		switch ts.ID {
		case "837":
			t, err := claim.Parse(tree)
			if err != nil {
				continue // values the 999 let through but the model refuses; nothing to acknowledge by claim
			}
			t.Envelope = claim.EnvelopeOf(ts)
			f, err := p.receive837(t, received)
			if err != nil {
				return out, err
			}
			out = append(out, f)
		case "270", "276", "278":
			realtime[ts.ID] = true
		}
	}
	// Batch inquiries get the same answers as real-time ones.
	for _, k := range []struct {
		id, kind string
		answer   func(context.Context, []byte, time.Time) ([]byte, error)
	}{{"270", "271", p.eligibility}, {"276", "277", p.claimStatus}, {"278", "278", p.authorization}} {
		if !realtime[k.id] {
			continue
		}
		data, err := k.answer(ctx, file, received)
		if err != nil {
			continue // nothing the 999 accepted was a request we can answer
		}
		out = append(out, File{Name: p.fileName(k.kind, p.control, received), Kind: k.kind, Data: data})
	}
	return out, nil
}

// onlyAcks reports whether file holds acknowledgments only (999s, TA1s).
func onlyAcks(file []byte) bool {
	r := x12.NewReader(bytes.NewReader(file))
	acks := false
	for {
		s, err := r.Next()
		if err != nil {
			return acks
		}
		switch s.ID {
		case "TA1":
			acks = true
		case "ST":
			if s.ElementString(1) != "999" {
				return false
			}
			acks = true
		}
	}
}

// receive837 runs the front-end edits and adjudication over the claims of
// one 837 and returns its 277CA.
func (p *Payer) receive837(t *claim.Transaction, received time.Time) (File, error) {
	var acks []ClaimAck
	professional := t.Version != claim.Institutional && t.Version != "005010X223A3"
	for bi := range t.BillingProviders {
		bp := &t.BillingProviders[bi]
		for si := range bp.Subscribers {
			sub := &bp.Subscribers[si]
			base := submission{
				payerID: sub.Payer.ID, billingNPI: clean(bp.ID), billingName: clean(bp.Last), billingPerson: bp.Type == "1",
				memberID: clean(sub.Name.ID), responsibility: sub.PayerResponsibility, filing: sub.FilingIndicator,
				subscriber: cleanEntity(sub.Name.Entity), birthDate: sub.BirthDate, professional: professional,
				interchange: t.Envelope.Interchange,
			}
			for ci := range sub.Claims {
				s := base
				s.claim = &sub.Claims[ci]
				acks = append(acks, p.receiveClaim(&s, received))
			}
			for pi := range sub.Patients {
				pt := &sub.Patients[pi]
				for ci := range pt.Claims {
					s := base
					e := cleanEntity(pt.Name.Entity)
					s.patient = &e
					s.birthDate = pt.BirthDate
					s.claim = &pt.Claims[ci]
					acks = append(acks, p.receiveClaim(&s, received))
				}
			}
		}
	}
	p.acks = append(p.acks, acks...)
	ctl := p.nextControl()
	data, err := p.write277CA(t, acks, received, ctl)
	if err != nil {
		return File{}, err
	}
	return File{Name: p.fileName("277CA", ctl, received), Kind: "277CA", Data: data}, nil
}

// fileName names an answer as the practice's mailbox names files:
// <clearinghouse>_<kind>_<ISA13>_<time>.x12.
func (p *Payer) fileName(kind string, ctl int, now time.Time) string {
	return fmt.Sprintf("%s_%s_%09d_%s.x12", p.cfg.Clearinghouse.ID, kind, ctl, now.UTC().Format("20060102T150405Z"))
}

// fitLoopIDs shortens the loop IDs of ic's IK3 and CTX segments to the
// four characters their element (447) allows: x12/ack reports a loop such
// as 2010BA whole, which our own validator then refuses in the 999.
func fitLoopIDs(ic *ack.Interchange) {
	fit := func(s *string) {
		if len(*s) > 4 {
			*s = (*s)[:4]
		}
	}
	for gi := range ic.Groups {
		for ai := range ic.Groups[gi].Acks {
			for si := range ic.Groups[gi].Acks[ai].Sets {
				for ei := range ic.Groups[gi].Acks[ai].Sets[si].Errors {
					e := &ic.Groups[gi].Acks[ai].Sets[si].Errors[ei]
					fit(&e.Loop)
					for ci := range e.Context {
						fit(&e.Context[ci].Loop)
					}
					for ki := range e.Elements {
						for ci := range e.Elements[ki].Context {
							fit(&e.Elements[ki].Context[ci].Loop)
						}
					}
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	return slices.Contains(list, s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func cleanEntity(e claim.Entity) claim.Entity {
	for _, s := range []*string{&e.Role, &e.Type, &e.Last, &e.First, &e.Middle, &e.Suffix, &e.IDQualifier, &e.ID} {
		*s = clean(*s)
	}
	return e
}

// x12Writer returns a writer for acknowledgment ic, in the delimiters of
// the file it answers when they are usable.
func x12Writer(w io.Writer, ic *ack.Interchange) *x12.Writer {
	d := ic.Header.Delims
	if d.Valid() != nil {
		d = x12.DefaultDelimiters
	}
	return x12.NewWriter(w, d)
}

// Now returns the payer's clock reading.
func (p *Payer) Now() time.Time { return p.now().UTC() }
