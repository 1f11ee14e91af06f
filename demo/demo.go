// Package demo runs the synthetic practice of `claimgate demo` through the
// revenue cycle as far as the product goes: package seed creates the practice
// and runs its front-end and mid-cycle against the built-in test payer, and
// Run takes the coded cases on through the back end — Coding-Ready, the
// 837P claim (package claimbuild), submission to the test payer (through a
// clearinghouse mailbox folder, Options.Mailbox, or handed over directly),
// its 999 and 277CA read back, and after the payers' days-to-pay its 835s
// read back and matched to the claims — on a simulated clock. Summary prints what happened
// as labelled lines a person can read and a script can grep; the same
// options give the same summary.
//
// Not built yet, and said so in the summary: the claim scrubber (claims pass
// scrub unscrubbed) and payment posting (cases whose 835 arrived wait at
// posting).
package demo

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/claimbuild"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/internal/seed"
	"github.com/claimgate/claimgate/testpayer"
	"github.com/claimgate/claimgate/workflow"
	"github.com/claimgate/claimgate/x12/ack"
	"github.com/claimgate/claimgate/x12/claim"
	"github.com/claimgate/claimgate/x12/remit"
	"github.com/claimgate/claimgate/x12/status"
)

// Options shape a demo run.
type Options struct {
	Patients      int    // synthetic patients, one case each; default 24
	Seed          uint64 // the same seed makes the same practice and the same run
	AdminPassword string // empty makes a random one
	ChargeLagDays int    // 0 means workflow.DefaultChargeLagDays
	// Now is when the simulation starts (the seed's "today"); zero means
	// time.Now. The simulated clock advances from it.
	Now time.Time
	// Mailbox, when set, is a folder (created if need be, empty) for the
	// clearinghouse mailbox the claims go through: the practice sends to
	// its outbound/ and polls its inbound/, the test payer's side answers
	// in between. Empty hands the files to the payer directly.
	Mailbox string
}

// Identity of the practice in its claim files, and of the test payer's
// clearinghouse (testpayer.DefaultConfig answers as TESTCH).
const (
	senderID   = "CLAIMGATE"
	receiverID = "TESTCH"
	partnerID  = "TESTCH" // the trading partner of the mailbox
)

// ClaimResult is what became of one claim the demo built.
type ClaimResult struct {
	Claim   claimgate.Claim // as stored, with its final status
	PCN     string          // CLM01
	Ack     string          // the 277CA's status (A2:20, A3:33:IL...), or "999 R" when the set was rejected
	Why     string          // the payer's reason for a rejection
	Matched bool            // an 835 claim answered it
	Paid    claimgate.Money // CLP04
	Patient claimgate.Money // CLP05
	Denials []string        // group-CARC of the denial adjustments, such as CO-197
}

// Result is a finished run: the practice, the services it ran on (the
// caller serves them) and what the back end did.
type Result struct {
	Practice *seed.Practice
	Workflow *workflow.Service
	Payer    *testpayer.Payer

	Start, End time.Time // the simulated clock
	Mailbox    string    // the mailbox folder, "" when files went to the payer directly
	Stages     map[claimgate.Stage]int
	// CodingExceptions counts the exceptions the demo's manager logged,
	// by Coding-Ready item, so that coded cases with the seed's planted
	// defects go on to the payer; CasesByException counts the cases.
	CodingExceptions map[string]int
	CasesByException int
	NotBuilt         []string // "case N: error" for cases whose claim did not build
	Claims           []*ClaimResult
	SetsRejected     int // transaction sets the 999 rejected
}

// Run seeds a practice in st (a fresh database) and runs its coded cases
// through the back end.
func Run(ctx context.Context, st claimgate.Store, opt Options) (*Result, error) {
	if opt.Patients <= 0 {
		opt.Patients = 24
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now().UTC()
	}
	clock := opt.Now.UTC()
	now := func() time.Time { return clock }
	wf := workflow.New(st)
	wf.Now = now
	wf.ChargeLagDays = opt.ChargeLagDays
	cfg := testpayer.DefaultConfig()
	tp, err := testpayer.New(cfg, testpayer.Options{Now: now})
	if err != nil {
		return nil, err
	}
	// The test payer answers the front-end's 270s and 278s in real time.
	wf.RealTime = tp.RealTime()
	p, err := seed.Seed(ctx, st, wf, seed.Options{Patients: opt.Patients, Seed: opt.Seed, AdminPassword: opt.AdminPassword, Now: clock, TestPayer: tp})
	if err != nil {
		return nil, fmt.Errorf("seed demo practice: %w", err)
	}
	r := &Result{Practice: p, Workflow: wf, Payer: tp, Start: clock, Stages: map[claimgate.Stage]int{}, CodingExceptions: map[string]int{}}
	b := &backEnd{r: r, st: st, wf: wf, tp: tp, users: roleUsers(p)}
	if opt.Mailbox != "" {
		if err := b.openMailbox(ctx, opt.Mailbox, cfg); err != nil {
			return nil, err
		}
	}

	// Day 1: the coded cases become claims, sent in one batch.
	clock = clock.AddDate(0, 0, 1)
	if err := b.buildClaims(ctx); err != nil {
		return nil, err
	}
	if err := b.submit(ctx, clock); err != nil {
		return nil, err
	}
	// After the slowest payer's days-to-pay, every accepted claim has its 835.
	days := 0
	for _, pc := range cfg.Payers {
		days = max(days, pc.DaysToPay)
	}
	clock = clock.AddDate(0, 0, days+1)
	if err := b.remit(ctx, clock); err != nil {
		return nil, err
	}
	r.End = clock
	cases, err := st.Cases(ctx, claimgate.CaseFilter{})
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		r.Stages[c.Stage]++
	}
	return r, nil
}

type backEnd struct {
	r     *Result
	st    claimgate.Store
	wf    *workflow.Service
	tp    *testpayer.Payer
	users map[claimgate.Role]claimgate.User
	ts    []*claim.Transaction
	byPCN map[string]*ClaimResult
	mb    *clearinghouse.Mailbox // the practice's side, nil when direct
	pm    *testpayer.Mailbox     // the payer's side
}

// openMailbox makes the mailbox folder and its trading partner: the test
// payer's clearinghouse, for every payer it plays.
func (b *backEnd) openMailbox(ctx context.Context, root string, cfg *testpayer.Config) error {
	cs, ok := b.st.(clearinghouse.Store)
	if !ok {
		return fmt.Errorf("demo mailbox: %T keeps no clearinghouse partners", b.st)
	}
	if err := clearinghouse.MakeFolders(root); err != nil {
		return fmt.Errorf("demo mailbox: %w", err)
	}
	p := clearinghouse.Partner{ID: partnerID, Name: "Claimgate Test Clearinghouse", OurQualifier: "ZZ", OurID: senderID,
		TheirQualifier: "ZZ", TheirID: receiverID, OurAppCode: senderID, TheirAppCode: receiverID, Usage: "T", Mailbox: root,
		CreatedAt: b.wf.Now()}
	for _, pc := range cfg.Payers {
		p.PayerIDs = append(p.PayerIDs, pc.ID)
	}
	if err := cs.CreatePartner(ctx, &p); err != nil {
		return fmt.Errorf("demo mailbox partner: %w", err)
	}
	b.mb = clearinghouse.New(cs, b.wf, slog.New(slog.DiscardHandler))
	b.mb.Now = b.wf.Now
	b.pm = &testpayer.Mailbox{Payer: b.tp, Root: root, Log: slog.New(slog.DiscardHandler)}
	b.r.Mailbox = root
	return nil
}

// roleUsers picks, for each role, the first user (by username) who has it,
// the admin last; the manager stands in for a role nobody has.
func roleUsers(p *seed.Practice) map[claimgate.Role]claimgate.User {
	names := make([]string, 0, len(p.Users))
	for n := range p.Users {
		names = append(names, n)
	}
	sort.Strings(names)
	out := map[claimgate.Role]claimgate.User{}
	for _, n := range names {
		if n == "admin" {
			continue
		}
		for _, role := range p.Users[n].Roles {
			if _, ok := out[role]; !ok {
				out[role] = p.Users[n]
			}
		}
	}
	return out
}

// actor is who works a case out of stage s.
func (b *backEnd) actor(s claimgate.Stage) *claimgate.User {
	if u, ok := b.users[s.OwnerRole()]; ok {
		return &u
	}
	u := b.users[claimgate.Manager]
	return &u
}

func (b *backEnd) move(ctx context.Context, caseID int64, from, to claimgate.Stage, reason string) error {
	if _, err := b.wf.Move(ctx, b.actor(from), caseID, from, to, reason); err != nil {
		return fmt.Errorf("case %d %s → %s: %w", caseID, from, to, err)
	}
	return nil
}

// buildClaims takes every case at coding to claim_build and builds its
// primary claim. A case Coding-Ready stops (the seed plants a defect in
// most coded cases) passes by an exception the demo's manager logs for each
// blocking item, owned by the coder and counted in the summary, as the seed
// does for the front-end: the payer's answer to the defect is what the demo
// shows. A built claim is stored (built), and its case goes on through scrub
// to submission; a claim that does not build leaves its case at
// claim_build.
func (b *backEnd) buildClaims(ctx context.Context) error {
	cases, err := b.st.Cases(ctx, claimgate.CaseFilter{Stage: claimgate.Coding})
	if err != nil {
		return err
	}
	slices.SortFunc(cases, func(x, y claimgate.Case) int { return int(x.ID - y.ID) })
	b.byPCN = map[string]*ClaimResult{}
	mgr := b.users[claimgate.Manager]
	for _, c := range cases {
		f, err := b.wf.Facts(ctx, c.ID)
		if err != nil {
			return err
		}
		if blocking := workflow.Evaluate(workflow.CodingReady, f).Blocking(); len(blocking) > 0 {
			b.r.CasesByException++
			for _, it := range blocking {
				b.r.CodingExceptions[it.ID]++
				_, err := b.wf.LogException(ctx, &mgr, workflow.ExceptionInput{CaseID: c.ID, Gate: workflow.CodingReady.ID, Item: it.ID,
					Reason:  "demo: billed as coded, to show what the payer does with the defect",
					OwnerID: b.actor(claimgate.Coding).ID, Expires: b.wf.Now().AddDate(0, 0, workflow.MaxExceptionDays)})
				if err != nil {
					return fmt.Errorf("case %d: exception %s: %w", c.ID, it.ID, err)
				}
			}
		}
		if err := b.move(ctx, c.ID, claimgate.Coding, claimgate.ClaimBuild, ""); err != nil {
			return err
		}
		in, err := claimbuild.Load(ctx, b.st, c.ID, 1)
		var tr *claim.Transaction
		if err == nil {
			tr, err = claimbuild.Build837P(in, claimbuild.Options{Created: b.wf.Now(),
				Submitter: claimbuild.Submitter{ID: senderID, Contact: "Billing Office", Phone: "5550001000"},
				Receiver:  claimbuild.Receiver{ID: receiverID, Name: "Claimgate Test Clearinghouse"}})
		}
		if err != nil {
			// The case waits at claim_build with the biller's work item.
			b.r.NotBuilt = append(b.r.NotBuilt, fmt.Sprintf("case %d: %v", c.ID, err))
			continue
		}
		cl := claimgate.Claim{CaseID: c.ID, CoverageID: in.Coverage.ID, Frequency: claimbuild.Original, Status: claimgate.ClaimBuilt,
			TotalCharge: in.Total(), CreatedAt: b.wf.Now()}
		if err := b.st.CreateClaim(ctx, &cl); err != nil {
			return fmt.Errorf("case %d: store claim: %w", c.ID, err)
		}
		// There is no scrubber yet: the claim passes scrub unscrubbed.
		if err := b.move(ctx, c.ID, claimgate.ClaimBuild, claimgate.Scrub, ""); err != nil {
			return err
		}
		if err := b.move(ctx, c.ID, claimgate.Scrub, claimgate.Submission, ""); err != nil {
			return err
		}
		cr := &ClaimResult{Claim: cl, PCN: in.PatientControlNumber()}
		b.r.Claims = append(b.r.Claims, cr)
		b.byPCN[cr.PCN] = cr
		b.ts = append(b.ts, tr)
	}
	return nil
}

func (b *backEnd) setStatus(ctx context.Context, cr *ClaimResult, s claimgate.ClaimStatus, payerClaimID string) error {
	if err := b.st.SetClaimStatus(ctx, cr.Claim.ID, s, payerClaimID); err != nil {
		return fmt.Errorf("claim %s: %w", cr.PCN, err)
	}
	cr.Claim.Status = s
	if payerClaimID != "" {
		cr.Claim.PayerClaimID = payerClaimID
	}
	return nil
}

// submit writes the claims as one 837P interchange and hands it to the test
// payer: through the clearinghouse mailbox folders when Options.Mailbox is
// set (the practice's side sends to outbound/ and polls inbound/, the
// payer's side answers between), directly (HandleBatch) otherwise. The 999
// and the 277CAs decide each claim: accepted into adjudication, or rejected
// and its case sent back — to registration when the payer does not know the
// member or the coverage, to claim_build otherwise.
func (b *backEnd) submit(ctx context.Context, now time.Time) error {
	if len(b.ts) == 0 {
		return nil
	}
	var buf bytes.Buffer
	if err := claimbuild.Write(&buf, b.ts, claimbuild.Envelope{SenderID: senderID, ReceiverID: receiverID, ControlNumber: 1, Time: now}); err != nil {
		return fmt.Errorf("write 837 batch: %w", err)
	}
	for _, cr := range b.r.Claims {
		if err := b.setStatus(ctx, cr, claimgate.ClaimSubmitted, ""); err != nil {
			return err
		}
	}
	if b.mb != nil {
		if _, err := b.mb.Send(ctx, partnerID, clearinghouse.Claim837P, buf.Bytes()); err != nil {
			return fmt.Errorf("send 837 batch: %w", err)
		}
		if err := b.exchange(ctx); err != nil {
			return err
		}
	} else {
		answers, err := b.tp.HandleBatch(ctx, buf.Bytes())
		if err != nil {
			return fmt.Errorf("test payer: %w", err)
		}
		for _, f := range answers {
			if err := b.read(ctx, f.Kind, f.Name, f.Data); err != nil {
				return err
			}
		}
	}
	for _, a := range b.tp.Acks() {
		if cr, ok := b.byPCN[a.ClaimID]; ok && !a.Accepted {
			cr.Why = a.Why
		}
	}
	for _, cr := range b.r.Claims {
		id := cr.Claim.CaseID
		if err := b.move(ctx, id, claimgate.Submission, claimgate.Adjudication, ""); err != nil {
			return err
		}
		switch cr.Claim.Status {
		case claimgate.ClaimAcceptedPayer:
			continue
		case claimgate.ClaimSubmitted: // no 277CA: the 999 rejected its set
			cr.Ack = "999 R"
			if err := b.setStatus(ctx, cr, claimgate.ClaimRejectedCH, ""); err != nil {
				return err
			}
		}
		to := claimgate.ClaimBuild
		if strings.HasSuffix(cr.Ack, ":IL") || strings.HasSuffix(cr.Ack, ":QC") {
			to = claimgate.Registration // the payer does not know the member or the coverage
		}
		if err := b.move(ctx, id, claimgate.Adjudication, to, "claim "+cr.PCN+" rejected: "+cr.Ack+" "+cr.Why); err != nil {
			return err
		}
	}
	return nil
}

// exchange lets the payer's side of the mailbox answer what is in
// outbound/ (and release the payments due by its clock), then polls
// inbound/ and reads every file; a file the demo cannot read is an error,
// not left in quarantine.
func (b *backEnd) exchange(ctx context.Context) error {
	if _, err := b.pm.Poll(ctx); err != nil {
		return fmt.Errorf("test payer mailbox: %w", err)
	}
	handler := func(ctx context.Context, in *clearinghouse.Inbound) error {
		return b.read(ctx, string(in.File.Kind), in.File.Name, in.Data)
	}
	res, err := b.mb.Poll(ctx, clearinghouse.Router{clearinghouse.Ack999: handler, clearinghouse.ClaimAck: handler, clearinghouse.Remittance: handler}.Handle)
	if err != nil {
		return fmt.Errorf("poll mailbox: %w", err)
	}
	if res.Quarantined > 0 || res.Retried > 0 {
		return fmt.Errorf("poll mailbox: %+v: files not handled (see %s)", res, b.r.Mailbox)
	}
	return nil
}

// read takes one file the payer answered: a 999, a 277CA or an 835.
func (b *backEnd) read(ctx context.Context, kind, name string, data []byte) error {
	switch kind {
	case "999":
		ic, err := ack.Parse(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("read 999 %s: %w", name, err)
		}
		for _, g := range ic.Groups {
			for _, a := range g.Acks {
				for _, s := range a.Sets {
					if s.Status != "A" && s.Status != "E" {
						b.r.SetsRejected++
					}
				}
			}
		}
	case "277CA":
		ts, err := status.Read(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("read 277CA %s: %w", name, err)
		}
		for _, t := range ts {
			for _, c := range claims277(t) {
				cr, ok := b.byPCN[c.Trace.Number]
				if !ok {
					return fmt.Errorf("277CA %s answers claim %q, which the demo did not send", name, c.Trace.Number)
				}
				rejected, codes := c.Rejected()
				cr.Ack = statusString(c)
				if rejected {
					cr.Ack = codeString(codes)
					if err := b.setStatus(ctx, cr, claimgate.ClaimRejectedPayer, ""); err != nil {
						return err
					}
					continue
				}
				if err := b.setStatus(ctx, cr, claimgate.ClaimAcceptedPayer, c.PayerClaimNumber()); err != nil {
					return err
				}
			}
		}
	case "835":
		rs, err := remit.ReadFile(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("read 835 %s: %w", name, err)
		}
		for _, r := range rs {
			for _, h := range r.Headers {
				for _, c := range h.Claims {
					if err := b.match(ctx, c); err != nil {
						return fmt.Errorf("835 %s: %w", name, err)
					}
				}
			}
		}
	}
	return nil
}

// claims277 lists the claims of a 277CA, at every level of its hierarchy.
func claims277(t *status.Transaction) []status.Claim {
	var out []status.Claim
	var member func(m status.Member)
	member = func(m status.Member) {
		out = append(out, m.Claims...)
		for _, d := range m.Dependents {
			member(d)
		}
	}
	for _, s := range t.Sources {
		for _, r := range s.Receivers {
			for _, p := range r.Providers {
				for _, m := range p.Members {
					member(m)
				}
			}
		}
	}
	return out
}

func statusString(c status.Claim) string {
	for _, s := range c.Statuses {
		return codeString(s.Codes)
	}
	return ""
}

func codeString(codes []status.StatusCode) string {
	if len(codes) == 0 {
		return ""
	}
	c := codes[0]
	parts := []string{c.Category, c.Code}
	if c.Entity != "" {
		parts = append(parts, c.Entity)
	}
	return strings.Join(parts, ":")
}

// remit advances the payer's clock, reads the 835s it releases and matches
// each claim payment (CLP01) to the claim it answers: paid, partially paid
// or denied, and its case on to posting, which is not built yet.
func (b *backEnd) remit(ctx context.Context, now time.Time) error {
	if b.mb != nil {
		// The payer's side releases what is due by its clock when polled.
		if err := b.exchange(ctx); err != nil {
			return err
		}
	} else {
		files, err := b.tp.Advance(ctx, now)
		if err != nil {
			return fmt.Errorf("test payer advance: %w", err)
		}
		for _, f := range files {
			if err := b.read(ctx, f.Kind, f.Name, f.Data); err != nil {
				return err
			}
		}
	}
	for _, cr := range b.r.Claims {
		if cr.Matched {
			if err := b.move(ctx, cr.Claim.CaseID, claimgate.Adjudication, claimgate.Posting, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

func (b *backEnd) match(ctx context.Context, c remit.Claim) error {
	caseID, seq, ok := claimbuild.ParsePatientControlNumber(c.ID)
	cr := b.byPCN[c.ID]
	if !ok || cr == nil || cr.Claim.CaseID != caseID || seq != 1 {
		return fmt.Errorf("CLP01 %q matches no claim the demo sent", c.ID)
	}
	if cr.Matched {
		return fmt.Errorf("CLP01 %q answered twice", c.ID)
	}
	if cr.Claim.Status != claimgate.ClaimAcceptedPayer {
		return fmt.Errorf("CLP01 %q: claim is %s, not accepted by the payer", c.ID, cr.Claim.Status)
	}
	cr.Matched = true
	cr.Paid = claimgate.Money(c.Paid)
	if c.PatientResponsibility != nil {
		cr.Patient = claimgate.Money(*c.PatientResponsibility)
	}
	seen := map[string]bool{}
	adjs := slices.Clone(c.Adjustments)
	for _, s := range c.Services {
		adjs = append(adjs, s.Adjustments...)
	}
	for _, a := range adjs {
		for _, rs := range a.Reasons {
			if !isDenial(a.Group, rs.Code) {
				continue
			}
			k := a.Group + "-" + rs.Code
			if !seen[k] {
				seen[k] = true
				cr.Denials = append(cr.Denials, k)
			}
		}
	}
	sort.Strings(cr.Denials)
	st := claimgate.ClaimPaid
	switch {
	case c.Status == "4" || (c.Paid == 0 && cr.Patient == 0):
		st = claimgate.ClaimDenied
	case len(cr.Denials) > 0:
		st = claimgate.ClaimPartiallyPaid
	}
	return b.setStatus(ctx, cr, st, c.PayerControlNumber)
}

// isDenial says whether an adjustment denies (part of) a claim rather than
// applying the contract (CO-45), the patient's share (PR) or another payer's
// payment (OA-23).
func isDenial(group, carc string) bool {
	switch {
	case group == "PR":
		return false
	case carc == "45" || (group == "OA" && carc == "23"):
		return false
	}
	return true
}

// Summary is the run as labelled lines, the same for the same options:
// counts and dollars, no timings, paths or passwords.
func (r *Result) Summary() string {
	var w strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&w, format+"\n", a...) }
	line("cases: %d", len(r.Practice.Cases))
	for _, s := range claimgate.Stages {
		if n := r.Stages[s]; n > 0 {
			line("stage %s: %d", s, n)
		}
	}
	fr := r.Practice.Front
	line("eligibility checks: %d (%d rejected), %d skipped", fr.Checked, fr.Rejected, fr.Skipped)
	line("authorizations requested: %d, left unrequested with an owner: %d", fr.AuthRequested, fr.AuthUnrequested)
	line("ready-to-bill: %d passed from data, %d by exception", fr.PassedFromData, fr.PassedByException)
	line("coding-ready passed by exception: %d case(s)", r.CasesByException)
	for _, id := range sortedKeys(r.CodingExceptions) {
		line("coding-ready exception %s: %d", id, r.CodingExceptions[id])
	}
	line("claims built: %d", len(r.Claims))
	line("claims not built: %d", len(r.NotBuilt))
	notBuilt := map[string]int{}
	for _, nb := range r.NotBuilt {
		_, why, _ := strings.Cut(nb, ": ")
		notBuilt[why]++
	}
	for _, why := range sortedKeys(notBuilt) {
		line("not built (%s): %d", why, notBuilt[why])
	}
	line("scrub: not built yet (claims pass to submission unscrubbed)")
	if r.Mailbox != "" {
		line("submission: one 837P batch through the clearinghouse mailbox")
	} else {
		line("submission: one 837P batch handed to the test payer directly, not through the mailbox")
	}
	var accepted, rejected, paid, partial, denied, awaiting int
	var billed, paidAmt, patient claimgate.Money
	rejects, denials := map[string]int{}, map[string]int{}
	for _, cr := range r.Claims {
		billed += cr.Claim.TotalCharge
		switch cr.Claim.Status {
		case claimgate.ClaimRejectedCH, claimgate.ClaimRejectedPayer:
			rejected++
			rejects[cr.Ack]++
			continue
		}
		accepted++
		if !cr.Matched {
			awaiting++
			continue
		}
		paidAmt += cr.Paid
		patient += cr.Patient
		switch cr.Claim.Status {
		case claimgate.ClaimPaid:
			paid++
		case claimgate.ClaimPartiallyPaid:
			partial++
		case claimgate.ClaimDenied:
			denied++
		}
		for _, d := range cr.Denials {
			denials[d]++
		}
	}
	line("claims submitted: %d", len(r.Claims))
	line("999 sets rejected: %d", r.SetsRejected)
	line("claims accepted: %d", accepted)
	line("claims rejected: %d", rejected)
	for _, k := range sortedKeys(rejects) {
		line("rejected %s: %d", k, rejects[k])
	}
	pct := 0.0
	if len(r.Claims) > 0 {
		pct = 100 * float64(accepted) / float64(len(r.Claims))
	}
	line("first-pass acceptance: %.1f%%", pct)
	line("simulated days: %d", int(r.End.Sub(r.Start).Hours()/24))
	line("claims paid: %d", paid)
	line("claims partially paid: %d", partial)
	line("claims denied: %d", denied)
	for _, k := range sortedKeys(denials) {
		line("denied %s: %d", k, denials[k])
	}
	line("claims awaiting 835: %d", awaiting)
	line("billed: $%s", billed)
	line("paid: $%s", paidAmt)
	line("patient responsibility: $%s", patient)
	line("posting: not built yet (%d case(s) wait at posting)", r.Stages[claimgate.Posting])
	return w.String()
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
