package elig

import (
	"slices"
	"time"
)

// EB01 eligibility or benefit information codes a biller asks about most.
const (
	ActiveCoverage   = "1"
	InactiveCoverage = "6"
	CoInsurance      = "A"
	CoPayment        = "B"
	Deductible       = "C"
	Limitations      = "F"
	OutOfPocket      = "G"
	NonCovered       = "I"
)

// EB06 time period qualifier for what is left to meet.
const PeriodRemaining = "29"

// Network says which benefits a Query wants by EB12.
type Network uint8

const (
	// AnyNetwork takes benefits whatever their EB12.
	AnyNetwork Network = iota
	// InNetwork takes benefits with EB12 Y, else W (applies to both) or
	// empty.
	InNetwork
	// OutOfNetwork takes benefits with EB12 N, else W or empty.
	OutOfNetwork
)

// A Query picks the benefit that answers a biller's question. Empty fields
// match any benefit.
type Query struct {
	// ServiceType is an EB03 code, such as 30 (health benefit plan
	// coverage) or 98 (professional physician visit, office). A benefit
	// for exactly that type wins over one for 30 or for no type at all.
	ServiceType string
	// CoverageLevel is EB02, such as IND or FAM.
	CoverageLevel string
	Network       Network
}

// score rates how well b answers q: -1 when it does not, higher is better.
func (q Query) score(b *Benefit) int {
	if q.CoverageLevel != "" && b.CoverageLevel != q.CoverageLevel {
		return -1
	}
	s := 0
	switch {
	case q.ServiceType == "":
		s += 2
	case slices.Contains(b.ServiceTypes, q.ServiceType):
		s += 2
	case slices.Contains(b.ServiceTypes, "30") || len(b.ServiceTypes) == 0:
		s++
	default:
		return -1
	}
	s *= 4
	want := map[Network]string{InNetwork: "Y", OutOfNetwork: "N"}[q.Network]
	switch {
	case q.Network == AnyNetwork || b.InPlanNetwork == want:
		s += 3
	case b.InPlanNetwork == "W":
		s += 2
	case b.InPlanNetwork == "" || b.InPlanNetwork == "U":
		s++
	default:
		return -1
	}
	return s
}

// Find returns the benefit with EB01 info that best answers q and for
// which keep (when not nil) holds, or nil. Ties go to the first sent.
func (m *Member) Find(info string, q Query, keep func(*Benefit) bool) *Benefit {
	var best *Benefit
	bestScore := -1
	for i := range m.Benefits {
		b := &m.Benefits[i]
		if b.Info != info || (keep != nil && !keep(b)) {
			continue
		}
		if s := q.score(b); s > bestScore {
			best, bestScore = b, s
		}
	}
	return best
}

// money returns EB07 of the best benefit with EB01 info, a remaining
// period (EB06 29) or not, and an amount.
func (m *Member) money(info string, q Query, remaining bool) (int64, bool) {
	b := m.Find(info, q, func(b *Benefit) bool { return b.Amount != nil && (b.Period == PeriodRemaining) == remaining })
	if b == nil {
		return 0, false
	}
	return *b.Amount, true
}

// Deductible returns the deductible (EB01 C) for q, in cents: the amount
// for a period other than remaining (EB06 23 calendar year, 22 service
// year...).
func (m *Member) Deductible(q Query) (int64, bool) { return m.money(Deductible, q, false) }

// DeductibleRemaining returns what is left of the deductible (EB01 C, EB06
// 29) for q, in cents.
func (m *Member) DeductibleRemaining(q Query) (int64, bool) { return m.money(Deductible, q, true) }

// OutOfPocket returns the out-of-pocket maximum (EB01 G) for q, in cents.
func (m *Member) OutOfPocket(q Query) (int64, bool) { return m.money(OutOfPocket, q, false) }

// OutOfPocketRemaining returns what is left of the out-of-pocket maximum
// (EB01 G, EB06 29) for q, in cents.
func (m *Member) OutOfPocketRemaining(q Query) (int64, bool) { return m.money(OutOfPocket, q, true) }

// Copay returns the co-payment (EB01 B) for q, in cents.
func (m *Member) Copay(q Query) (int64, bool) {
	b := m.Find(CoPayment, q, func(b *Benefit) bool { return b.Amount != nil })
	if b == nil {
		return 0, false
	}
	return *b.Amount, true
}

// Coinsurance returns the co-insurance (EB01 A) for q as a fraction in
// ten-thousandths: 2000 is 20% that the patient pays.
func (m *Member) Coinsurance(q Query) (int64, bool) {
	b := m.Find(CoInsurance, q, func(b *Benefit) bool { return b.Rate != nil })
	if b == nil {
		return 0, false
	}
	return *b.Rate, true
}

// Rejected returns the AAA rejections that concern the member: those of
// its name loop and of its benefits.
func (m *Member) Rejected() []Reject {
	out := slices.Clone(m.Rejects)
	for _, b := range m.Benefits {
		out = append(out, b.Rejects...)
	}
	return out
}

// coverage date qualifiers: which DTP01 codes open and close a coverage.
var (
	beginDates = []string{"346", "356", "348"} // plan begin, eligibility begin, benefit begin
	endDates   = []string{"347", "357", "349"} // plan end, eligibility end, benefit end
	spanDates  = []string{"291", "292", "307"} // plan, benefit, eligibility (D8 or RD8)
)

// covers reports whether the dates ds allow day t: every begin date is on
// or before it, every end date on or after it, and every span holds it.
// Dates that say nothing about coverage are ignored.
func covers(ds []Date, t time.Time) bool {
	for _, d := range ds {
		switch {
		case slices.Contains(beginDates, d.Qualifier):
			if d.Format == "RD8" {
				if !d.Contains(t) {
					return false
				}
			} else if t.Before(d.From) {
				return false
			}
		case slices.Contains(endDates, d.Qualifier):
			end := d.From
			if d.Format == "RD8" {
				end = d.To
			}
			if t.After(end) {
				return false
			}
		case slices.Contains(spanDates, d.Qualifier) && d.Format == "RD8":
			if !d.Contains(t) {
				return false
			}
		}
	}
	return true
}

// ActiveOn reports whether the member has active coverage on day t: a
// benefit with EB01 1 to 5 (active coverage of some kind) whose dates and
// the member's hold t, and no EB01 6 to 8 (inactive) that does.
// A member whose loop was rejected (AAA) is not active.
func (m *Member) ActiveOn(t time.Time) bool {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if len(m.Rejects) > 0 {
		return false
	}
	active := false
	for i := range m.Benefits {
		b := &m.Benefits[i]
		if !covers(m.Dates, t) || !covers(b.Dates, t) {
			continue
		}
		switch b.Info {
		case "1", "2", "3", "4", "5":
			active = true
		case "6", "7", "8":
			return false
		}
	}
	return active
}

// Network returns the network a benefit applies to by EB12: InNetwork for
// Y, OutOfNetwork for N and AnyNetwork for W (both), U (unknown) or none.
func (b *Benefit) Network() Network {
	switch b.InPlanNetwork {
	case "Y":
		return InNetwork
	case "N":
		return OutOfNetwork
	}
	return AnyNetwork
}

// Reply returns the skeleton of the 271 that answers q: the same sources,
// receivers, subscribers and dependents with their names (a member's
// birth date and sex too), each trace number the inquirer assigned (TRN01
// 1) echoed as a referenced one (TRN01 2), BHT03 echoed and BHT02 11. The
// caller adds benefits (EB) or rejections (AAA) and the envelope.
func (q *Inquiry) Reply(created time.Time) *Response {
	r := &Response{Header: Header{Version: q.Version, Purpose: "11", Ref: q.Ref, Created: created}}
	for _, src := range q.Sources {
		s := Source{Party: Party{Name: src.Name}}
		for _, rcv := range src.Receivers {
			rc := Receiver{Party: Party{Name: rcv.Name, Refs: slices.Clone(rcv.Refs), Specialty: rcv.Specialty}}
			for i := range rcv.Subscribers {
				rc.Subscribers = append(rc.Subscribers, replyMember(&rcv.Subscribers[i]))
			}
			s.Receivers = append(s.Receivers, rc)
		}
		r.Sources = append(r.Sources, s)
	}
	return r
}

func replyMember(m *Member) Member {
	out := Member{Party: Party{Name: m.Name}, BirthDate: m.BirthDate, Sex: m.Sex}
	for _, t := range m.Traces {
		if t.Type == "1" {
			t.Type = "2"
			out.Traces = append(out.Traces, t)
		}
	}
	for i := range m.Dependents {
		out.Dependents = append(out.Dependents, replyMember(&m.Dependents[i]))
	}
	return out
}
