package testpayer

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/claim"
)

// Adjustment is one CAS reason on a line: a group (CO, PR, OA), a CARC, an
// amount, and why the payer made it, for people and tests.
type Adjustment struct {
	Group  string
	Reason string // CARC
	Amount int64  // cents
	Why    string
}

// LineDecision is the payer's decision on one service line.
type LineDecision struct {
	Number      int // LX01 of the 837 line
	Procedure   claim.Procedure
	RevenueCode string
	Units       claim.Quantity
	Date        time.Time
	ControlID   string // REF*6R of the 837 line, returned in the 835
	Charge      int64
	// Allowed is what the payer allows (fee schedule times units, at most
	// the charge), zero for a denied line.
	Allowed     int64
	Paid        int64
	Adjustments []Adjustment
	Remarks     []string // RARCs
}

// Denied reports whether the line was denied outright.
func (l *LineDecision) Denied() bool { return l.Allowed == 0 && l.Paid == 0 }

// PatientResponsibility is the line's PR total.
func (l *LineDecision) PatientResponsibility() int64 {
	var s int64
	for _, a := range l.Adjustments {
		if a.Group == "PR" {
			s += a.Amount
		}
	}
	return s
}

// Decision is the payer's adjudication of one claim: the 835 CLP loop to
// be, with the reason for every adjustment.
type Decision struct {
	PayerID      string
	ClaimID      string // CLM01, returned in CLP01
	PayerClaimID string // CLP07, the payer's claim control number
	Status       string // CLP02: 1 primary, 2 secondary, 4 denied, 22 reversal
	Frequency    string // CLM05-3
	Filing       string // CLP06
	Facility     string // CLP08
	BillingNPI   string
	BillingName  string
	MemberID     string
	Patient      claim.Entity // NM1*QC as the 835 sends it
	Insured      claim.Entity // NM1*IL when the patient is not the subscriber
	Received     time.Time
	PayDate      time.Time
	Charge       int64
	Paid         int64
	Lines        []LineDecision
	Notes        []string // claim-level explanations
	Underpaid    bool     // one line paid below the fee schedule on purpose
	underpaidAt  int      // the index of that line
	underpaidBy  int64    // and by how much
	Reversed     bool     // a later reversal took this decision back
	signature    string   // what makes a duplicate
	deductible   int64    // PR-1 taken from the member's deductible
	outOfPocket  int64    // patient responsibility counted to the OOP maximum
	reversalOf   *Decision
	interchange  x12.InterchangeHeader // of the 837: the 835 goes back the way it came
	sequence     int
	released     bool
}

// PatientResponsibility is the claim's PR total (CLP05).
func (d *Decision) PatientResponsibility() int64 {
	var s int64
	for i := range d.Lines {
		s += d.Lines[i].PatientResponsibility()
	}
	return s
}

// Reasons returns the distinct group-CARC pairs of the decision, such as
// "CO-45" and "PR-1", in the order they first appear.
func (d *Decision) Reasons() []string {
	var out []string
	for _, l := range d.Lines {
		for _, a := range l.Adjustments {
			if k := a.Group + "-" + a.Reason; !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// plan is one payer's state: its configuration and what it has done.
type plan struct {
	cfg       *PayerConfig
	members   map[string]*Member
	fees      map[string]int64 // code or code+"-"+modifier
	coverage  map[string]CoverageRule
	authNeed  map[string]bool
	auths     []Authorization
	decisions []*Decision // in the order adjudicated
	byID      map[string]*Decision
	bySig     map[string][]*Decision // originals by content, for duplicates
	seq       int
}

func newPlan(cfg *PayerConfig) *plan {
	p := &plan{cfg: cfg, members: map[string]*Member{}, fees: map[string]int64{}, coverage: map[string]CoverageRule{},
		authNeed: map[string]bool{}, byID: map[string]*Decision{}, bySig: map[string][]*Decision{}}
	for _, m := range cfg.Members {
		m := m
		p.members[m.ID] = &m
	}
	for _, f := range cfg.FeeSchedule {
		k := f.Code
		if f.Modifier != "" {
			k += "-" + f.Modifier
		}
		p.fees[k] = int64(f.Allowed)
	}
	for _, c := range cfg.Coverage {
		p.coverage[c.Code] = c
	}
	for _, c := range cfg.AuthRequired {
		p.authNeed[c] = true
	}
	p.auths = slices.Clone(cfg.Authorizations)
	return p
}

// submission is one claim as the payer received it, with what it needs
// from the loops around it.
type submission struct {
	payerID        string
	billingNPI     string
	billingName    string
	billingPerson  bool
	memberID       string
	responsibility string // SBR01
	filing         string // SBR09
	subscriber     claim.Entity
	patient        *claim.Entity // nil when the subscriber is the patient
	birthDate      time.Time
	professional   bool
	claim          *claim.Claim
	interchange    x12.InterchangeHeader // of the 837
}

// lineDate is the line's date of service: its DTP*472, else the claim's
// statement or admission date.
func lineDate(c *claim.Claim, l *claim.Line) time.Time {
	if d, ok := l.Date("472"); ok {
		return d.From
	}
	for _, q := range []string{"472", "434", "435"} {
		if d, ok := c.Date(q); ok {
			return d.From
		}
	}
	return time.Time{}
}

// serviceDates returns the first and last date of service of c.
func serviceDates(c *claim.Claim) (first, last time.Time) {
	for i := range c.Lines {
		d := lineDate(c, &c.Lines[i])
		if d.IsZero() {
			continue
		}
		if first.IsZero() || d.Before(first) {
			first = d
		}
		if d.After(last) {
			last = d
		}
	}
	return first, last
}

func covers(m *Member, d time.Time) bool {
	if d.Before(m.CoverageFrom.Time()) {
		return false
	}
	return m.CoverageTo.IsZero() || !d.After(m.CoverageTo.Time())
}

// code returns the code a line is priced and checked by: its procedure
// code, else "REV" and its revenue code.
func lineCode(l *claim.Line) string {
	if l.Procedure.Code != "" {
		return l.Procedure.Code
	}
	return "REV" + l.RevenueCode
}

var distinctModifiers = []string{"59", "XE", "XP", "XS", "XU"}

// rng returns the random source for one decision: the same seed and key
// always give the same draws, whatever else the payer has seen.
func rng(seed uint64, key ...string) *rand.Rand {
	h := fnv.New64a()
	for _, k := range key {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// signature identifies a claim's content for duplicate detection: the
// member, the billing provider and every line's date, code, modifiers,
// units and charge.
func signature(s *submission) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s", s.memberID, s.billingNPI)
	var lines []string
	for i := range s.claim.Lines {
		l := &s.claim.Lines[i]
		lines = append(lines, fmt.Sprintf("%s|%s|%s|%s|%d", lineDate(s.claim, l).Format("20060102"), lineCode(l),
			strings.Join(l.Procedure.Modifiers, ":"), l.Units, l.Charge))
	}
	slices.Sort(lines)
	b.WriteString("|" + strings.Join(lines, ";"))
	return b.String()
}

// adjudicate decides one claim that passed the front-end edits, against
// the payer's state p, as received on received. It updates p: the
// member's deductible and out-of-pocket accumulators and the claims the
// payer has adjudicated. The result depends on nothing else: the same
// claims in the same order with the same seed decide the same way.
func (p *plan) adjudicate(s *submission, received time.Time, seed uint64) *Decision {
	c := s.claim
	p.seq++
	d := &Decision{
		PayerID: p.cfg.ID, ClaimID: clean(c.PatientControlNumber), Status: "1", Frequency: clean(c.Frequency),
		PayerClaimID: fmt.Sprintf("%s%s%04d", p.cfg.ID, received.Format("060102"), p.seq),
		Filing:       s.filing, Facility: clean(c.FacilityCode), BillingNPI: s.billingNPI, BillingName: s.billingName,
		MemberID: s.memberID, Received: received, PayDate: p.payDate(received),
		Charge: c.TotalCharge, signature: signature(s), sequence: p.seq, interchange: s.interchange,
	}
	if m := p.members[s.memberID]; m != nil {
		d.Filing = filingIndicator(s.filing, m.Plan)
	}
	if s.responsibility != "" && s.responsibility != "P" {
		d.Status = "2"
	}
	if s.patient != nil {
		d.Patient, d.Insured = *s.patient, s.subscriber
		d.Patient.Role, d.Insured.Role = "QC", "IL"
		d.Patient.IDQualifier, d.Patient.ID = "MI", s.memberID
	} else {
		d.Patient = s.subscriber
		d.Patient.Role = "QC"
	}
	m := p.members[s.memberID]
	diags := c.Diagnoses()
	for i := range c.Lines {
		l := &c.Lines[i]
		d.Lines = append(d.Lines, LineDecision{Number: l.Number, Procedure: cleanProcedure(l.Procedure), RevenueCode: clean(l.RevenueCode), Units: l.Units,
			Date: lineDate(c, l), ControlID: clean(l.LineItemControlNumber), Charge: l.Charge})
	}

	// Claim-level denials: every line gets the same adjustment.
	denyAll := func(group, reason, why string, remarks ...string) {
		d.Notes = append(d.Notes, why)
		for i := range d.Lines {
			ld := &d.Lines[i]
			ld.Adjustments = append(ld.Adjustments, Adjustment{Group: group, Reason: reason, Amount: ld.Charge, Why: why})
			ld.Remarks = append(ld.Remarks, remarks...)
		}
	}
	first, _ := serviceDates(c)
	var claimDenied bool
	if c.Frequency != "7" {
		for _, prev := range p.bySig[d.signature] {
			if !prev.Reversed {
				denyAll("OA", "18", fmt.Sprintf("duplicate of claim %s (%s) adjudicated %s", prev.ClaimID, prev.PayerClaimID, prev.Received.Format("2006-01-02")))
				claimDenied = true
				break
			}
		}
	}
	if days := int(received.Sub(first).Hours() / 24); !claimDenied && !first.IsZero() && days > p.cfg.TimelyFilingDays {
		denyAll("CO", "29", fmt.Sprintf("received %d days after the first date of service; the filing limit is %d days", days, p.cfg.TimelyFilingDays))
		claimDenied = true
	}
	// A claim billed to this payer as secondary carries the primary's
	// adjudication (loop 2320): what it paid is taken off this payer's
	// payment, line by line.
	secondary := d.Status == "2" && len(c.OtherSubscribers) > 0
	if !claimDenied && m.OtherPayerPrimary && !secondary {
		other := m.OtherPayerName
		if other == "" {
			other = "another payer"
		}
		denyAll("CO", "22", fmt.Sprintf("member has other coverage primary (%s); the claim was billed to this payer as primary with no prior payer's adjudication", other))
		claimDenied = true
	}
	if !claimDenied && !s.billingPerson && !hasRendering(c) {
		denyAll("CO", "16", "billing provider is an organization and the claim names no rendering (or attending) provider", "N290")
		claimDenied = true
	}
	if claimDenied {
		d.Status = "4"
		p.record(d)
		return d
	}

	// Line by line.
	copayDue := int64(m.Copay)
	for i := range d.Lines {
		ld, l := &d.Lines[i], &c.Lines[i]
		code := lineCode(l)
		deny := func(group, reason, why string, remarks ...string) {
			ld.Adjustments = append(ld.Adjustments, Adjustment{Group: group, Reason: reason, Amount: ld.Charge, Why: why})
			ld.Remarks = append(ld.Remarks, remarks...)
		}
		switch {
		case ld.Date.Before(m.CoverageFrom.Time()):
			deny("CO", "26", fmt.Sprintf("date of service %s is before coverage began %s", ld.Date.Format("2006-01-02"), m.CoverageFrom))
			continue
		case !m.CoverageTo.IsZero() && ld.Date.After(m.CoverageTo.Time()):
			deny("CO", "27", fmt.Sprintf("date of service %s is after coverage ended %s", ld.Date.Format("2006-01-02"), m.CoverageTo))
			continue
		case l.Units <= 0:
			deny("CO", "16", "line has no units of service", "M53")
			continue
		}
		if p.authNeed[code] {
			if a := p.authorization(s.memberID, code, ld.Date); a == nil {
				deny("CO", "197", fmt.Sprintf("%s requires prior authorization and none is on file for the member on %s", code, ld.Date.Format("2006-01-02")))
				continue
			}
		}
		if rule, ok := p.coverage[code]; ok {
			if dx := lineDiagnoses(l, diags); !supports(rule, dx) {
				remark := rule.Remark
				if remark == "" {
					remark = "N115"
				}
				deny("CO", "50", fmt.Sprintf("diagnoses %s do not support %s under the payer's coverage policy", strings.Join(dx, ","), code), remark)
				continue
			}
		}
		if b, with := bundledWith(p.cfg.Bundles, c, i); b != nil {
			if b.ModifierAllowed {
				deny("CO", "236", fmt.Sprintf("%s is not paid with %s (line %d) on the same day without a distinct-service modifier", code, b.Column1, with))
			} else {
				deny("CO", "97", fmt.Sprintf("%s is included in the payment for %s (line %d)", code, b.Column1, with), "M15")
			}
			continue
		}
		fee, ok := p.fee(l)
		if !ok {
			deny("CO", "204", fmt.Sprintf("%s is not on the payer's fee schedule: not a covered service under the plan", code))
			continue
		}
		allowed := mulUnits(fee, l.Units)
		why45 := fmt.Sprintf("charge exceeds the fee schedule: %s allowed %s x %s units", code, money(fee), l.Units)
		if allowed > ld.Charge {
			allowed = ld.Charge
		}
		ld.Allowed = allowed
		if ld.Charge > allowed {
			ld.Adjustments = append(ld.Adjustments, Adjustment{Group: "CO", Reason: "45", Amount: ld.Charge - allowed, Why: why45})
		}
		// Patient responsibility: copay, then deductible, then coinsurance,
		// capped by the out-of-pocket maximum (when the plan has one).
		rest := allowed
		pr := func(reason string, amt int64, why string) {
			if m.OOPMax > 0 {
				amt = min(amt, int64(m.OOPRemaining))
			}
			if amt <= 0 {
				return
			}
			ld.Adjustments = append(ld.Adjustments, Adjustment{Group: "PR", Reason: reason, Amount: amt, Why: why})
			rest -= amt
			if m.OOPMax > 0 {
				m.OOPRemaining -= Money(amt)
				d.outOfPocket += amt
			}
		}
		if copayDue > 0 {
			amt := min(copayDue, rest)
			copayDue = 0
			pr("3", amt, fmt.Sprintf("copay %s per visit", money(int64(m.Copay))))
		}
		if m.DeductibleRemaining > 0 && rest > 0 {
			before := rest
			pr("1", min(int64(m.DeductibleRemaining), rest), fmt.Sprintf("deductible: %s of %s remained", money(int64(m.DeductibleRemaining)), money(int64(m.Deductible))))
			m.DeductibleRemaining -= Money(before - rest)
			d.deductible += before - rest
		}
		if m.Coinsurance > 0 && rest > 0 {
			pr("2", percent(rest, m.Coinsurance), fmt.Sprintf("coinsurance %d%% of %s", m.Coinsurance, money(rest)))
		}
		ld.Paid = rest
		if secondary {
			if prior := priorPaid(c, i); prior > 0 && ld.Paid > 0 {
				cut := min(prior, ld.Paid)
				ld.Paid -= cut
				ld.Adjustments = append(ld.Adjustments, Adjustment{Group: "OA", Reason: "23", Amount: cut,
					Why: fmt.Sprintf("the primary payer paid %s on this line", money(prior))})
			}
		}
	}
	// An occasional underpayment against the payer's own fee schedule.
	r := rng(seed, p.cfg.ID, d.ClaimID, d.signature)
	if p.cfg.UnderpaymentRate > 0 && r.IntN(100) < p.cfg.UnderpaymentRate {
		pct := int64(p.cfg.UnderpaymentPercent)
		if pct == 0 {
			pct = 10
		}
		for i := range d.Lines {
			ld := &d.Lines[i]
			cut := min(percent(ld.Allowed, pct), ld.Paid)
			if ld.Paid == 0 || cut == 0 {
				continue
			}
			ld.Allowed -= cut
			ld.Paid -= cut
			addAdjustment(ld, Adjustment{Group: "CO", Reason: "45", Amount: cut,
				Why: fmt.Sprintf("underpaid: allowed %d%% below the payer's own fee schedule", pct)})
			d.Underpaid, d.underpaidAt, d.underpaidBy = true, i, cut
			d.Notes = append(d.Notes, fmt.Sprintf("line %d paid %s below the fee schedule", ld.Number, money(cut)))
			break
		}
	}
	var paid, pr int64
	for i := range d.Lines {
		paid += d.Lines[i].Paid
		pr += d.Lines[i].PatientResponsibility()
	}
	d.Paid = paid
	if paid == 0 && pr == 0 {
		d.Status = "4"
	}
	p.record(d)
	return d
}

func (p *plan) record(d *Decision) {
	p.decisions = append(p.decisions, d)
	p.byID[d.PayerClaimID] = d
	if d.Status != "22" {
		p.bySig[d.signature] = append(p.bySig[d.signature], d)
	}
}

// reverse takes back decision orig: a CLP02 22 decision with every amount
// negated, and the member's accumulators restored.
func (p *plan) reverse(orig *Decision, received time.Time, why string) *Decision {
	orig.Reversed = true
	if m := p.members[orig.MemberID]; m != nil {
		m.DeductibleRemaining += Money(orig.deductible)
		if m.OOPMax > 0 {
			m.OOPRemaining += Money(orig.outOfPocket)
		}
	}
	r := *orig
	r.Status, r.Charge, r.Paid = "22", -orig.Charge, -orig.Paid
	r.Received, r.PayDate = received, p.payDate(received)
	r.Notes = []string{why}
	r.Reversed, r.released, r.reversalOf = false, false, orig
	r.Lines = nil
	for _, l := range orig.Lines {
		l.Charge, l.Paid, l.Allowed = -l.Charge, -l.Paid, -l.Allowed
		adj := make([]Adjustment, len(l.Adjustments))
		for i, a := range l.Adjustments {
			a.Amount = -a.Amount
			adj[i] = a
		}
		l.Adjustments = adj
		l.Remarks = slices.Clone(l.Remarks)
		r.Lines = append(r.Lines, l)
	}
	return &r
}

// addAdjustment adds a to the line, merged into an adjustment with the same
// group and reason if there is one.
func addAdjustment(l *LineDecision, a Adjustment) {
	for i := range l.Adjustments {
		if e := &l.Adjustments[i]; e.Group == a.Group && e.Reason == a.Reason {
			e.Amount += a.Amount
			e.Why += "; " + a.Why
			return
		}
	}
	l.Adjustments = append(l.Adjustments, a)
}

func (p *plan) authorization(member, code string, day time.Time) *Authorization {
	for i := range p.auths {
		a := &p.auths[i]
		if a.Member == member && a.Code == code && !day.Before(a.From.Time()) && !day.After(a.To.Time()) {
			return a
		}
	}
	return nil
}

// fee returns the allowed amount per unit of a line: for the code with the
// line's first matching modifier, else for the code alone.
func (p *plan) fee(l *claim.Line) (int64, bool) {
	code := lineCode(l)
	for _, mod := range l.Procedure.Modifiers {
		if f, ok := p.fees[code+"-"+mod]; ok {
			return f, true
		}
	}
	if f, ok := p.fees[code]; ok {
		return f, true
	}
	if l.Procedure.Code != "" && l.RevenueCode != "" {
		f, ok := p.fees["REV"+l.RevenueCode]
		return f, ok
	}
	return 0, false
}

// hasRendering reports whether the claim names who performed the service:
// a rendering provider (837P 2310B/2420A) or an attending or operating
// provider (837I).
func hasRendering(c *claim.Claim) bool {
	named := func(ps []claim.Party) bool {
		return slices.ContainsFunc(ps, func(p claim.Party) bool {
			return (p.Role == "82" || p.Role == "71" || p.Role == "72") && p.ID != ""
		})
	}
	if named(c.Providers) {
		return true
	}
	for _, l := range c.Lines {
		if named(l.Providers) {
			return true
		}
	}
	return false
}

// lineDiagnoses returns the diagnoses a line points to (SV107), or all the
// claim's when it points to none (837I).
func lineDiagnoses(l *claim.Line, diags []claim.HealthCode) []string {
	var out []string
	for _, p := range l.DiagnosisPointers {
		if p >= 1 && p <= len(diags) {
			out = append(out, diags[p-1].Code)
		}
	}
	if len(l.DiagnosisPointers) == 0 {
		for _, d := range diags {
			out = append(out, d.Code)
		}
	}
	return out
}

func supports(rule CoverageRule, dx []string) bool {
	for _, d := range dx {
		for _, want := range rule.Diagnoses {
			if prefix, ok := strings.CutSuffix(want, "*"); ok && strings.HasPrefix(d, prefix) || d == want {
				return true
			}
		}
	}
	return false
}

// bundledWith returns the bundle that makes line i of c a column-2 code of
// another line's column-1 code on the same day, and that line's number.
// A distinct-service modifier on line i lets a modifier-allowed pair
// through.
func bundledWith(bundles []Bundle, c *claim.Claim, i int) (*Bundle, int) {
	l := &c.Lines[i]
	day := lineDate(c, l)
	for bi := range bundles {
		b := &bundles[bi]
		if b.Column2 != lineCode(l) {
			continue
		}
		if b.ModifierAllowed && slices.ContainsFunc(l.Procedure.Modifiers, func(m string) bool { return slices.Contains(distinctModifiers, m) }) {
			continue
		}
		for j := range c.Lines {
			o := &c.Lines[j]
			if j != i && lineCode(o) == b.Column1 && lineDate(c, o).Equal(day) {
				return b, o.Number
			}
		}
	}
	return nil, 0
}

// mulUnits multiplies a per-unit amount by units (ten-thousandths),
// rounding half up to the cent.
func mulUnits(cents int64, units claim.Quantity) int64 {
	return (cents*int64(units) + 5000) / 10000
}

// percent returns pct percent of cents, rounded half up.
func percent(cents, pct int64) int64 {
	return (cents*pct + 50) / 100
}

func money(cents int64) string {
	return fmt.Sprintf("$%d.%02d", cents/100, cents%100)
}

// filingIndicator returns the 835 claim filing indicator (CLP06) for the
// 837's (SBR09): the 835 has no code for commercial insurance (CI, BL), so
// those are told by the plan's type, as payers do.
func filingIndicator(sbr09, planName string) string {
	switch sbr09 {
	case "12", "13", "14", "15", "16", "17", "AM", "CH", "DS", "HM", "LM", "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ":
		return sbr09
	}
	p := strings.ToUpper(planName)
	for _, t := range []struct{ word, code string }{{"HMO", "HM"}, {"PPO", "12"}, {"POS", "13"}, {"EPO", "14"}} {
		if strings.Contains(p, t.word) {
			return t.code
		}
	}
	return "15"
}

// Explain returns the decision as lines a person can read: the claim's
// outcome, then every line with its adjustments and their reasons.
func (d *Decision) Explain() []string {
	out := []string{fmt.Sprintf("claim %s (%s): status %s, charged %s, paid %s, patient responsibility %s",
		d.ClaimID, d.PayerClaimID, d.Status, signedMoney(d.Charge), signedMoney(d.Paid), signedMoney(d.PatientResponsibility()))}
	out = append(out, d.Notes...)
	for _, l := range d.Lines {
		code := l.Procedure.Code
		if code == "" {
			code = "rev " + l.RevenueCode
		}
		out = append(out, fmt.Sprintf("  line %d %s: charged %s, allowed %s, paid %s", l.Number, code, signedMoney(l.Charge), signedMoney(l.Allowed), signedMoney(l.Paid)))
		for _, a := range l.Adjustments {
			out = append(out, fmt.Sprintf("    %s-%s %s: %s", a.Group, a.Reason, signedMoney(a.Amount), a.Why))
		}
		for _, r := range l.Remarks {
			out = append(out, "    remark "+r)
		}
	}
	return out
}

func signedMoney(cents int64) string {
	if cents < 0 {
		return "-" + money(-cents)
	}
	return money(cents)
}

// payDate is the day a claim received at received is paid: days-to-pay
// days later, at midnight, so that the claims of one day are paid together.
func (p *plan) payDate(received time.Time) time.Time {
	y, m, d := received.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, p.cfg.DaysToPay)
}

// priorPaid returns what the primary payer paid on line i of c: its 2430
// line adjudications if the claim has them, else its claim-level payments
// (2320 AMT*D) shared out by the lines' charges, the last line taking the
// rounding.
func priorPaid(c *claim.Claim, i int) int64 {
	var lines bool
	for _, l := range c.Lines {
		lines = lines || len(l.Adjudications) > 0
	}
	if lines {
		var sum int64
		for _, a := range c.Lines[i].Adjudications {
			sum += a.Paid
		}
		return sum
	}
	var total int64
	for _, o := range c.OtherSubscribers {
		if o.PayerPaid != nil {
			total += *o.PayerPaid
		}
	}
	if total <= 0 || c.TotalCharge <= 0 {
		return 0
	}
	var before int64
	for j := range i {
		before += total * c.Lines[j].Charge / c.TotalCharge
	}
	if i == len(c.Lines)-1 {
		return total - before
	}
	return total * c.Lines[i].Charge / c.TotalCharge
}

// correct reverses decision d, which underpaid a line, and decides it again
// with that line paid at the fee schedule: the payer finding its own error.
// Both are paid on day.
func (p *plan) correct(d *Decision, day time.Time) (reversal, corrected *Decision) {
	reversal = p.reverse(d, day, "reversed: the payer found it underpaid the claim")
	reversal.PayDate = day
	p.decisions = append(p.decisions, reversal)
	c := *d
	c.Lines = slices.Clone(d.Lines)
	for i := range c.Lines {
		c.Lines[i].Adjustments = slices.Clone(c.Lines[i].Adjustments)
		c.Lines[i].Remarks = slices.Clone(c.Lines[i].Remarks)
	}
	l := &c.Lines[d.underpaidAt]
	l.Allowed += d.underpaidBy
	l.Paid += d.underpaidBy
	for i, a := range l.Adjustments {
		if a.Group != "CO" || a.Reason != "45" {
			continue
		}
		a.Amount -= d.underpaidBy
		if before, _, ok := strings.Cut(a.Why, "; underpaid"); ok {
			a.Why = before
		}
		l.Adjustments[i] = a
		if a.Amount == 0 {
			l.Adjustments = slices.Delete(l.Adjustments, i, i+1)
		}
		break
	}
	c.Paid += d.underpaidBy
	c.Underpaid, c.underpaidBy, c.Reversed, c.released, c.reversalOf = false, 0, false, false, nil
	p.seq++
	c.PayerClaimID = fmt.Sprintf("%s%s%04d", p.cfg.ID, day.Format("060102"), p.seq)
	c.sequence = p.seq
	c.PayDate = day
	c.Notes = []string{fmt.Sprintf("corrected: line %d paid at the fee schedule, replacing payer claim %s", l.Number, d.PayerClaimID)}
	// The reversal gave the member back the cost sharing; the correction
	// takes the same again.
	if m := p.members[c.MemberID]; m != nil {
		m.DeductibleRemaining -= Money(c.deductible)
		if m.OOPMax > 0 {
			m.OOPRemaining -= Money(c.outOfPocket)
		}
	}
	p.record(&c)
	return reversal, &c
}

func cleanProcedure(p claim.Procedure) claim.Procedure {
	p.Qualifier, p.Code, p.Description = clean(p.Qualifier), clean(p.Code), clean(p.Description)
	p.Modifiers = slices.Clone(p.Modifiers)
	for i := range p.Modifiers {
		p.Modifiers[i] = clean(p.Modifiers[i])
	}
	return p
}
