package testpayer

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

// ClaimStatus answers a file of 276 claim status requests with a file of
// 277 responses (005010X212), as of now (Options.Now). Each claim asked
// about is found by its payer claim control number (REF*1K) or by our
// claim ID (TRN02, else REF*EJ), and answered: adjudicated and awaiting
// the payment cycle (F0:3), paid (F1:1) or denied (F2:1) with the
// amounts, reversed (F3:1), or not found (D0:35). Input with no readable
// 276 is an error.
func (p *Payer) ClaimStatus(ctx context.Context, req []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.claimStatus(ctx, req, p.now().UTC())
}

const version277 = "005010X212"

func (p *Payer) claimStatus(_ context.Context, req []byte, now time.Time) ([]byte, error) {
	sr := x12.NewSetReader(x12.NewReader(bytes.NewReader(req)))
	var sets []*x12.TransactionSet
	for {
		ts, err := sr.Next()
		if err != nil {
			break
		}
		if ts.ID == "276" {
			sets = append(sets, ts)
		}
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("read 276: no 276 transaction sets")
	}
	ctl := p.nextControl()
	var buf bytes.Buffer
	xw := x12.NewWriter(&buf, x12.DefaultDelimiters)
	w := &segWriter{xw: xw}
	in := sets[0].Interchange
	isa, gs := p.envelope(in, "HN", "", version277, ctl, now)
	w.do(func() error { return xw.BeginInterchange(isa) })
	w.do(func() error { return xw.BeginGroup(gs) })
	for i, ts := range sets {
		root, _ := validate.Transaction(ts)
		w.do(func() error { return xw.BeginSet("277", fmt.Sprintf("%04d", i+1), version277) })
		p.write277(w, root, now)
		w.do(xw.EndSet)
	}
	w.do(xw.EndGroup)
	w.do(xw.EndInterchange)
	w.do(xw.Flush)
	if w.err != nil {
		return nil, fmt.Errorf("write 277: %w", w.err)
	}
	return buf.Bytes(), nil
}

// nm1 returns the elements of a loop's NM1 as a 277 may echo them, with
// defaults for what a broken request left out.
func nm1(l *validate.Loop, role string) []string {
	els := []string{role, "2", "UNKNOWN", "", "", "", "", "", ""}
	if l == nil {
		return els
	}
	s := l.Segment("NM1")
	if s == nil {
		return els
	}
	for i := 2; i <= 9; i++ {
		if v := s.ElementString(i); v != "" {
			els[i-1] = v
		}
	}
	return els
}

func (p *Payer) write277(w *segWriter, root *validate.Loop, now time.Time) {
	ref := "0"
	if bht := root.Segment("BHT"); bht != nil && bht.ElementString(3) != "" {
		ref = bht.ElementString(3)
	}
	w.seg("BHT", "0010", "08", ref, x12.FormatDate(now), x12.FormatTime(now), "DG")
	hl := 0
	next := func(parent int, level string, child bool) int {
		hl++
		par := ""
		if parent > 0 {
			par = fmt.Sprint(parent)
		}
		if level == "23" {
			w.seg("HL", fmt.Sprint(hl), par, level)
		} else {
			w.seg("HL", fmt.Sprint(hl), par, level, hlChild(child))
		}
		return hl
	}
	for _, a := range root.Children("2000A") {
		payer := nm1(a.Child("2100A"), "PR")
		pl := p.plans[payer[8]]
		if pl != nil {
			payer = []string{"PR", "2", pl.cfg.Name, "", "", "", "", "PI", pl.cfg.ID}
		} else if payer[7] == "" || payer[8] == "" {
			payer[7], payer[8] = "PI", "UNKNOWN"
		}
		ha := next(0, "20", true)
		w.seg("NM1", payer...)
		for _, b := range a.Children("2000B") {
			recv := nm1(b.Child("2100B"), "41")
			recv[7] = "46"
			if recv[8] == "" {
				recv[8] = "UNKNOWN"
			}
			hb := next(ha, "21", len(b.Children("2000C")) > 0)
			w.seg("NM1", recv...)
			for _, c := range b.Children("2000C") {
				prov := nm1(c.Child("2100C"), "1P")
				if prov[7] == "" || prov[8] == "" {
					prov[7], prov[8] = "XX", "0000000000"
				}
				hc := next(hb, "19", len(c.Children("2000D")) > 0)
				w.seg("NM1", prov...)
				for _, d := range c.Children("2000D") {
					sub := nm1(d.Child("2100D"), "IL")
					sub[1] = "1"
					if sub[7] == "" || sub[8] == "" {
						sub[7], sub[8] = "MI", "UNKNOWN"
					}
					deps := d.Children("2000E")
					hd := next(hc, "22", len(deps) > 0)
					w.seg("NM1", sub...)
					for _, t := range d.Children("2200D") {
						p.claimStatusLoop(w, pl, t, now)
					}
					for _, e := range deps {
						next(hd, "23", false)
						dep := nm1(e.Child("2100E"), "QC")
						w.seg("NM1", "QC", "1", dep[2], dep[3], dep[4], "", dep[6])
						for _, t := range e.Children("2200E") {
							p.claimStatusLoop(w, pl, t, now)
						}
					}
				}
			}
		}
	}
}

// claimStatusLoop answers one 2200D/2200E loop of a 276.
func (p *Payer) claimStatusLoop(w *segWriter, pl *plan, t *validate.Loop, now time.Time) {
	date := x12.FormatDate(now)
	trace := "0"
	if s := t.Segment("TRN"); s != nil && s.ElementString(2) != "" {
		trace = s.ElementString(2)
	}
	var payerID, claimID string
	if s := t.Segment("REF", "1K"); s != nil {
		payerID = s.ElementString(2)
	}
	if s := t.Segment("REF", "EJ"); s != nil {
		claimID = s.ElementString(2)
	}
	if claimID == "" {
		claimID = trace
	}
	d := pl.find(payerID, claimID)
	w.seg("TRN", "2", trace)
	if d == nil {
		w.composite("STC", []string{"D0", "35"}, []string{date})
		if claimID != "" {
			w.seg("REF", "EJ", claimID)
		}
		return
	}
	status, code := "F0", "3"
	switch {
	case d.Reversed:
		status, code = "F3", "1"
	case d.released && d.Status == "4":
		status, code = "F2", "1"
	case d.released:
		status, code = "F1", "1"
	}
	adjudicated := x12.FormatDate(d.Received)
	if d.released {
		w.composite("STC", []string{status, code}, []string{date}, nil, []string{x12.FormatAmount(d.Charge)},
			[]string{x12.FormatAmount(d.Paid)}, []string{adjudicated}, nil, []string{x12.FormatDate(d.PayDate)})
	} else {
		w.composite("STC", []string{status, code}, []string{date}, nil, []string{x12.FormatAmount(d.Charge)},
			[]string{x12.FormatAmount(d.Paid)}, []string{adjudicated})
	}
	w.seg("REF", "1K", d.PayerClaimID)
	w.seg("REF", "EJ", d.ClaimID)
	var first, last time.Time
	for _, l := range d.Lines {
		if first.IsZero() {
			first, last = l.Date, l.Date
		}
		if l.Date.Before(first) {
			first = l.Date
		}
		if l.Date.After(last) {
			last = l.Date
		}
	}
	if !first.IsZero() {
		if first.Equal(last) {
			w.seg("DTP", "472", "D8", x12.FormatDate(first))
		} else {
			w.seg("DTP", "472", "RD8", x12.FormatDate(first)+"-"+x12.FormatDate(last))
		}
	}
}

// find returns the latest decision (not a reversal) on the claim with the
// payer claim control number payerID, else with our claim ID claimID.
func (pl *plan) find(payerID, claimID string) *Decision {
	if pl == nil {
		return nil
	}
	if d := pl.byID[payerID]; d != nil && payerID != "" {
		return d
	}
	for i := len(pl.decisions) - 1; i >= 0; i-- {
		if d := pl.decisions[i]; d.Status != "22" && d.ClaimID == claimID && claimID != "" {
			return d
		}
	}
	return nil
}
