package testpayer

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

const version278 = "005010X217"

// AuthValidDays is how long a certification the payer issues lasts, from
// the date of service asked for.
const AuthValidDays = 90

// Authorization answers a file of 278 requests with a file of 278
// responses, as of now (Options.Now). Each service asked about (loop
// 2000F, or the patient event when it lists none) is certified (HCR A1,
// with a certification number the payer then keeps on file for claims),
// not certified (A3) when the member is not covered on the date or the
// request's diagnoses do not support the service under the payer's
// coverage table, or answered "no action required" (NA) when the payer
// does not require authorization for the code. Unknown payers (AAA 79),
// requesters not on file (51) and members not found (75) are rejected.
// Input with no readable 278 request is an error.
func (p *Payer) Authorization(ctx context.Context, req []byte) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.authorization(ctx, req, p.now().UTC())
}

func (p *Payer) authorization(_ context.Context, req []byte, now time.Time) ([]byte, error) {
	sr := x12.NewSetReader(x12.NewReader(bytes.NewReader(req)))
	var sets []*x12.TransactionSet
	for {
		ts, err := sr.Next()
		if err != nil {
			break
		}
		if ts.ID == "278" && len(ts.Segments) > 1 && ts.Segments[1].ID == "BHT" && ts.Segments[1].ElementString(2) == "13" {
			sets = append(sets, ts)
		}
	}
	if len(sets) == 0 {
		return nil, fmt.Errorf("read 278: no 278 requests")
	}
	ctl := p.nextControl()
	var buf bytes.Buffer
	xw := x12.NewWriter(&buf, x12.DefaultDelimiters)
	w := &segWriter{xw: xw}
	in := sets[0].Interchange
	isa, gs := p.envelope(in, "HI", "", version278, ctl, now)
	w.do(func() error { return xw.BeginInterchange(isa) })
	w.do(func() error { return xw.BeginGroup(gs) })
	for i, ts := range sets {
		root, _ := validate.Transaction(ts)
		w.do(func() error { return xw.BeginSet("278", fmt.Sprintf("%04d", i+1), version278) })
		p.write278(w, root, now)
		w.do(xw.EndSet)
	}
	w.do(xw.EndGroup)
	w.do(xw.EndInterchange)
	w.do(xw.Flush)
	if w.err != nil {
		return nil, fmt.Errorf("write 278: %w", w.err)
	}
	return buf.Bytes(), nil
}

func (p *Payer) write278(w *segWriter, root *validate.Loop, now time.Time) {
	ref := "0"
	if bht := root.Segment("BHT"); bht != nil && bht.ElementString(3) != "" {
		ref = bht.ElementString(3)
	}
	w.seg("BHT", "0007", "11", ref, x12.FormatDate(now), x12.FormatTime(now))
	hl := 0
	next := func(parent int, level string, child bool) int {
		hl++
		par := ""
		if parent > 0 {
			par = fmt.Sprint(parent)
		}
		w.seg("HL", fmt.Sprint(hl), par, level, hlChild(child))
		return hl
	}
	a := root.Child("2000A")
	if a == nil {
		return
	}
	umo := nm1(a.Child("2010A"), "X3")
	pl := p.plans[umo[8]]
	b := a.Child("2000B")
	ha := next(0, "20", pl != nil && b != nil)
	if pl == nil {
		if umo[7] == "" || umo[8] == "" {
			umo[7], umo[8] = "PI", "UNKNOWN"
		}
		w.seg("NM1", umo...)
		w.seg("AAA", "N", "", "79", "C")
		return
	}
	w.seg("NM1", "X3", "2", pl.cfg.Name, "", "", "", "", "PI", pl.cfg.ID)
	if b == nil {
		return
	}
	reqr := nm1(b.Child("2010B"), "1P")
	c := b.Child("2000C")
	known := reqr[7] == "XX" && contains(pl.cfg.BillingNPIs, reqr[8])
	hb := next(ha, "21", known && c != nil)
	if reqr[7] == "" || reqr[8] == "" {
		reqr[7], reqr[8] = "XX", "0000000000"
	}
	w.seg("NM1", reqr...)
	if !known {
		w.seg("AAA", "N", "", "51", "C")
		return
	}
	if c == nil {
		return
	}
	sub := nm1(c.Child("2010C"), "IL")
	m := pl.members[sub[8]]
	d := c.Child("2000D")
	events := c.Children("2000E")
	if d != nil {
		events = d.Children("2000E")
	}
	hc := next(hb, "22", m != nil && (d != nil || len(events) > 0))
	sub[1], sub[7] = "1", "MI"
	if sub[8] == "" {
		sub[8] = "UNKNOWN"
	}
	if m != nil {
		sub[2], sub[3] = m.Last, m.First
	}
	w.seg("NM1", sub...)
	if m == nil {
		w.seg("AAA", "N", "", "75", "C")
		return
	}
	parent := hc
	if d != nil {
		parent = next(hc, "23", len(events) > 0)
		dep := nm1(d.Child("2010D"), "QC")
		w.seg("NM1", "QC", "1", dep[2], dep[3], dep[4], "", dep[6])
	}
	for _, e := range events {
		services := e.Children("2000F")
		he := next(parent, "EV", len(services) > 0)
		if s := e.Segment("TRN"); s != nil {
			w.seg("TRN", "2", s.ElementString(2), orDefault(s.ElementString(3), "9"+p.cfg.Clearinghouse.ID))
		}
		um := umOf(e, "HS")
		dx := diagnosesOf(e)
		eventDate := dateOf(e, now, "AAH", "435")
		if len(services) == 0 {
			w.seg("UM", um...)
			p.certify(w, pl, m, "", dx, eventDate, now)
			continue
		}
		w.seg("UM", um...)
		for _, f := range services {
			next(he, "SS", false)
			if s := f.Segment("TRN"); s != nil {
				w.seg("TRN", "2", s.ElementString(2), orDefault(s.ElementString(3), "9"+p.cfg.Clearinghouse.ID))
			}
			w.seg("UM", umOf(f, "HS")...)
			code := ""
			sv1 := f.Segment("SV1")
			if sv1 != nil {
				code = string(sv1.Component(1, 2))
			}
			p.certify(w, pl, m, code, dx, dateOf(f, eventDate, "472"), now)
			if sv1 != nil && code != "" {
				w.composite("SV1", []string{orDefault(string(sv1.Component(1, 1)), "HC"), code})
			}
		}
	}
}

// certify decides one service (code, or the whole event when code is
// empty) for member m on day and writes its HCR and certification dates;
// a certification is put on file.
func (p *Payer) certify(w *segWriter, pl *plan, m *Member, code string, dx []string, day, now time.Time) {
	switch {
	case !covers(m, day):
		w.seg("HCR", "A3")
		return
	case code != "" && !pl.authNeed[code]:
		w.seg("HCR", "NA")
		return
	}
	if rule, ok := pl.coverage[code]; ok && code != "" && !supports(rule, dx) {
		w.seg("HCR", "A3")
		return
	}
	pl.seq++
	number := fmt.Sprintf("%sA%s%04d", pl.cfg.ID, now.Format("060102"), pl.seq)
	to := day.AddDate(0, 0, AuthValidDays)
	if code != "" {
		pl.auths = append(pl.auths, Authorization{Member: m.ID, Code: code, Number: number, From: claimgate.DateOf(day), To: claimgate.DateOf(to)})
	}
	w.seg("HCR", "A1", number)
	w.seg("DTP", "102", "D8", x12.FormatDate(now))
	w.seg("DTP", "007", "RD8", x12.FormatDate(day)+"-"+x12.FormatDate(to))
}

// umOf echoes the UM segment of l: request category, certification type,
// service type and facility, with cat and "I" (initial) as defaults.
func umOf(l *validate.Loop, cat string) []string {
	um := []string{cat, "I"}
	if s := l.Segment("UM"); s != nil {
		if v := s.ElementString(1); v != "" {
			um[0] = v
		}
		if v := s.ElementString(2); v != "" {
			um[1] = v
		}
	}
	if um[0] == "AR" && l.ID == "2000F" {
		um[0] = "HS"
	}
	return um
}

func diagnosesOf(l *validate.Loop) []string {
	var out []string
	if s := l.Segment("HI"); s != nil {
		for i := 1; i <= s.Len(); i++ {
			if c := s.Component(i, 2); len(c) > 0 {
				out = append(out, string(c))
			}
		}
	}
	return out
}

// dateOf returns the first date of l's DTP with one of the qualifiers, or
// def.
func dateOf(l *validate.Loop, def time.Time, quals ...string) time.Time {
	for _, q := range quals {
		if s := l.Segment("DTP", q); s != nil {
			v := s.ElementString(3)
			if len(v) > 8 {
				v = v[:8]
			}
			if t, err := x12.ParseDate(v); err == nil {
				return t
			}
		}
	}
	return def
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
