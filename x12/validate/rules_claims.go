package validate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/claimgate/claimgate/x12"
)

// guide returns "P", "I" or "D" for the 837 professional, institutional and
// dental guides (005010X222, X223, X224), or "".
func guide(version string) string {
	switch {
	case strings.HasPrefix(version, "005010X222"):
		return "P"
	case strings.HasPrefix(version, "005010X223"):
		return "I"
	case strings.HasPrefix(version, "005010X224"):
		return "D"
	}
	return ""
}

// patientLevel: in an 837 the patient is either the subscriber (SBR02 is 18:
// the claim sits in 2000B and there is no 2000C) or a dependent (SBR02 is
// empty: a 2000C patient level with its PAT follows, and the claim sits
// there). PAT in 2000B is only for a subscriber who is the patient.
func patientLevel(root *Loop, r *Report) {
	walk(root, func(l *Loop) {
		if l.ID != "2000B" {
			return
		}
		sbr := l.Segment("SBR")
		if sbr == nil {
			return
		}
		self := string(sbr.Element(2)) == "18"
		patients := l.Children("2000C")
		switch {
		case self && len(patients) > 0:
			p := patients[0]
			r.Segment(p, p.Segments[0], CodeSituationalNotUsed,
				"patient level 2000C present, but SBR02 18 says the subscriber is the patient")
		case !self && len(patients) == 0:
			r.Segment(l, sbr, CodeSituationalMissing,
				"SBR02 is not 18 (the subscriber is not the patient), so a patient level 2000C must follow")
		}
		if pat := l.Segment("PAT"); pat != nil && !self {
			r.Segment(l, pat, CodeSituationalNotUsed, "PAT in the subscriber level is only sent when SBR02 is 18 (the subscriber is the patient)")
		}
		if !self && len(patients) > 0 {
			for _, c := range l.Children("2300") {
				r.Segment(c, c.Segments[0], CodeSituationalNotUsed,
					"claim under the subscriber level, but the patient is a dependent (2000C); send it in 2000C")
			}
		}
	})
}

// frequencyCodes are the claim frequency type codes (CLM05-3, code source
// 235) each 837 guide uses: professional and dental 1 original, 7
// replacement, 8 void (and 6 corrected for professional); institutional the
// third digit of the NUBC type of bill.
var frequencyCodes = map[string][]string{
	"P": {"1", "6", "7", "8"},
	"I": {"0", "1", "2", "3", "4", "5", "7", "8", "9"},
	"D": {"1", "7", "8"},
}

func claims(root *Loop, fn func(l *Loop, clm *x12.Segment)) {
	walk(root, func(l *Loop) {
		if l.ID == "2300" && len(l.Segments) > 0 && l.Segments[0].ID == "CLM" {
			fn(l, l.Segments[0])
		}
	})
}

// frequencyCode: CLM05-3 is a frequency code the guide knows.
func frequencyCode(root *Loop, r *Report) {
	codes := frequencyCodes[guide(r.Version())]
	if codes == nil {
		return
	}
	claims(root, func(l *Loop, clm *x12.Segment) {
		v := string(clm.Component(5, 3))
		if v == "" {
			return // the table reports a missing CLM05-3
		}
		for _, c := range codes {
			if v == c {
				return
			}
		}
		r.Element(l, clm, 5, 3, CodeCodeNotUsed, fmt.Sprintf("claim frequency code %q not used in this guide; want %s", clip([]byte(v)), want(codes)))
	})
}

// replacedClaimRef: a replacement (7) or void (8) claim names the claim it
// replaces with the payer claim control number, REF*F8 in 2300.
func replacedClaimRef(root *Loop, r *Report) {
	claims(root, func(l *Loop, clm *x12.Segment) {
		v := string(clm.Component(5, 3))
		if (v == "7" || v == "8") && l.Segment("REF", "F8") == nil {
			r.Segment(l, clm, CodeSituationalMissing,
				fmt.Sprintf("frequency code %s replaces or voids a claim, so REF*F8 (payer claim control number) is required", v))
		}
	})
}

// billingZip: a US billing provider address (2010AA N4) has the full
// nine-digit ZIP code.
func billingZip(root *Loop, r *Report) {
	walk(root, func(l *Loop) {
		if l.ID != "2010AA" {
			return
		}
		n4 := l.Segment("N4")
		if n4 == nil {
			return
		}
		if c := string(n4.Element(4)); c != "" && c != "US" {
			return
		}
		zip := n4.Element(3)
		if len(zip) == 0 {
			return
		}
		if len(zip) != 9 || digits(zip) != 9 {
			r.Element(l, n4, 3, 0, CodePattern, "billing provider ZIP code must be all nine digits (ZIP+4)")
		}
	})
}

// diagnosisPointer: each diagnosis code pointer of a professional service
// line (SV107-1 to -4) points to a diagnosis code of the claim's HI*ABK/BK
// (1 for HI01, up to 12).
func diagnosisPointer(root *Loop, r *Report) {
	if guide(r.Version()) != "P" {
		return
	}
	claims(root, func(l *Loop, clm *x12.Segment) {
		n := 0
		if hi := l.Segment("HI"); hi != nil {
			for i := 1; i <= hi.Len() && i <= 12; i++ {
				if len(hi.Element(i)) > 0 {
					n = i
				}
			}
		}
		for _, line := range l.Children("2400") {
			sv1 := line.Segment("SV1")
			if sv1 == nil {
				continue
			}
			for j := 1; j <= 4; j++ {
				p := string(sv1.Component(7, j))
				if p == "" {
					continue
				}
				k, err := strconv.Atoi(p)
				switch {
				case err != nil || digits([]byte(p)) != len(p):
					// not a number: the table reports it
				case k < 1 || k > 12:
					r.Element(line, sv1, 7, j, CodeBadCode, fmt.Sprintf("diagnosis pointer %q is not a number from 1 to 12", clip([]byte(p))))
				case k > n:
					r.Element(line, sv1, 7, j, CodeBadCode, fmt.Sprintf("diagnosis pointer %d points past the claim's %d diagnosis codes", k, n))
				}
			}
		}
	})
}

// lineCharge names the charge of a service line per 837 guide: SV102,
// SV203, SV302.
var lineCharge = map[string]struct {
	seg  string
	elem int
}{"P": {"SV1", 2}, "I": {"SV2", 3}, "D": {"SV3", 2}}

// claimBalance837: the total claim charge CLM02 equals the sum of the line
// charges.
func claimBalance837(root *Loop, r *Report) {
	lc, ok := lineCharge[guide(r.Version())]
	if !ok {
		return
	}
	claims(root, func(l *Loop, clm *x12.Segment) {
		total, err := x12.ParseAmount(string(clm.Element(2)))
		if err != nil {
			return
		}
		var sum int64
		lines := 0
		for _, line := range l.Children("2400") {
			s := line.Segment(lc.seg)
			if s == nil {
				continue
			}
			v, err := x12.ParseAmount(string(s.Element(lc.elem)))
			if err != nil {
				return // reported as a bad number
			}
			sum += v
			lines++
		}
		if lines > 0 && sum != total {
			r.Element(l, clm, 2, 0, CodePattern, fmt.Sprintf("total charge %s does not equal the sum of the line charges %s",
				x12.FormatAmount(total), x12.FormatAmount(sum)))
		}
	})
}
