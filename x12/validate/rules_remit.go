package validate

import (
	"fmt"

	"github.com/claimgate/claimgate/x12"
)

// amounts adds the amounts at positions els of s; ok is false when one of
// them is not an amount (the table reports that).
func amounts(s *x12.Segment, els ...int) (sum int64, ok bool) {
	for _, i := range els {
		v := s.Element(i)
		if len(v) == 0 {
			continue
		}
		a, err := x12.ParseAmount(string(v))
		if err != nil {
			return 0, false
		}
		sum += a
	}
	return sum, true
}

// casTotal adds the adjustment amounts (CAS03, 06, 09, 12, 15, 18) of the
// CAS segments of l.
func casTotal(l *Loop) (int64, bool) {
	var sum int64
	for _, cas := range l.Segments {
		if cas.ID != "CAS" {
			continue
		}
		a, ok := amounts(cas, 3, 6, 9, 12, 15, 18)
		if !ok {
			return 0, false
		}
		sum += a
	}
	return sum, true
}

// paymentBalance: the total payment BPR02 equals the sum of the claim
// payments (CLP04) less the provider adjustments (PLB04, 06, ... 14).
func paymentBalance(root *Loop, r *Report) {
	bpr := root.Segment("BPR")
	if bpr == nil {
		return
	}
	total, ok := amounts(bpr, 2)
	if !ok || len(bpr.Element(2)) == 0 {
		return
	}
	var paid int64
	ok = true
	walk(root, func(l *Loop) {
		if l.ID == "2100" && len(l.Segments) > 0 && l.Segments[0].ID == "CLP" {
			a, good := amounts(l.Segments[0], 4)
			paid += a
			ok = ok && good
		}
	})
	var plb int64
	for _, s := range root.AllSegments("PLB") {
		a, good := amounts(s, 4, 6, 8, 10, 12, 14)
		plb += a
		ok = ok && good
	}
	if ok && paid-plb != total {
		r.Element(root, bpr, 2, 0, CodePattern, fmt.Sprintf("total payment %s does not equal claim payments %s less provider adjustments %s",
			x12.FormatAmount(total), x12.FormatAmount(paid), x12.FormatAmount(plb)))
	}
}

// claimBalance835: the claim charge less the payment (CLP03 − CLP04) equals
// the claim's adjustments plus those of its service lines.
func claimBalance835(root *Loop, r *Report) {
	walk(root, func(l *Loop) {
		if l.ID != "2100" || len(l.Segments) == 0 || l.Segments[0].ID != "CLP" {
			return
		}
		clp := l.Segments[0]
		charge, ok1 := amounts(clp, 3)
		paid, ok2 := amounts(clp, 4)
		adj, ok3 := casTotal(l)
		if !ok1 || !ok2 || !ok3 {
			return
		}
		for _, line := range l.Children("2110") {
			a, ok := casTotal(line)
			if !ok {
				return
			}
			adj += a
		}
		if charge-paid != adj {
			r.Element(l, clp, 3, 0, CodePattern, fmt.Sprintf("charge %s less payment %s is %s, but the claim and line adjustments total %s",
				x12.FormatAmount(charge), x12.FormatAmount(paid), x12.FormatAmount(charge-paid), x12.FormatAmount(adj)))
		}
	})
}

// lineBalance: a service line's charge less its payment (SVC02 − SVC03)
// equals its adjustments.
func lineBalance(root *Loop, r *Report) {
	walk(root, func(l *Loop) {
		if l.ID != "2110" || len(l.Segments) == 0 || l.Segments[0].ID != "SVC" {
			return
		}
		svc := l.Segments[0]
		charge, ok1 := amounts(svc, 2)
		paid, ok2 := amounts(svc, 3)
		adj, ok3 := casTotal(l)
		if !ok1 || !ok2 || !ok3 {
			return
		}
		if charge-paid != adj {
			r.Element(l, svc, 2, 0, CodePattern, fmt.Sprintf("line charge %s less payment %s is %s, but the line adjustments total %s",
				x12.FormatAmount(charge), x12.FormatAmount(paid), x12.FormatAmount(charge-paid), x12.FormatAmount(adj)))
		}
	})
}
