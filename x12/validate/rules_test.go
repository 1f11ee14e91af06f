package validate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// base835 is a clean, balanced remittance. Positions: BPR 4, TRN 5, N1*PR 6,
// N3 7, N4 8, PER 9, N1*PE 10, LX 11, CLP 12, NM1 13, SVC 14, DTM 15, CAS 16,
// SE 17.
var base835 = []string{
	"BPR*I*34*C*CHK************20050318",
	"TRN*1*0063158ABC*1566339911",
	"N1*PR*PAYER",
	"N3*1 MAIN ST",
	"N4*CITY*FL*11114",
	"PER*BL*EDI*TE*8005551212",
	"N1*PE*PROVIDER*XX*1234567893",
	"LX*1",
	"CLP*A1*1*541*34**12*50650619501",
	"NM1*QC*1*BURCK*RAYMOND****MI*987654321",
	"SVC*HC:55669*541*34**1",
	"DTM*472*20050202",
	"CAS*OA*23*500*1*45*7",
}

func TestRules(t *testing.T) {
	tests := []struct {
		rule    string
		st01    string
		changes map[string]string
		want    []short
	}{
		{"x12-syntax", "837", nil, nil},
		{"x12-syntax", "837", map[string]string{"16": "NM1*PR*2*KEY INSURANCE COMPANY*****PI"},
			[]short{{16, "NM1", "2010BB", "NM109", "2", "NM108 and NM109 go together: one is sent, so NM109 is required"}}},
		{"x12-syntax", "837", map[string]string{"6": "PER*IC*JERRY*TE"},
			[]short{{6, "PER", "1000A", "PER04", "2", "PER03 and PER04 go together: one is sent, so PER04 is required"}}},
		{"x12-syntax", "837", map[string]string{"12": "REF*EI"},
			[]short{{12, "REF", "2010AA", "REF02", "2", "at least one of REF02, REF03 is required"}}},
		{"hl-sequence", "837", nil, nil},
		{"hl-sequence", "837", map[string]string{"13": "HL*3*1*22*0"},
			[]short{{13, "HL", "2000B", "HL01", "7", `hierarchical ID "3" out of sequence; want 2`}}},
		{"hl-parent", "837", nil, nil},
		{"hl-parent", "837", map[string]string{"13": "HL*2*5*22*0"},
			[]short{{13, "HL", "2000B", "HL02", "7", `parent ID "5" is not an earlier HL01`}}},
		{"hl-parent", "837", map[string]string{"13": "HL*2*2*22*0"},
			[]short{{13, "HL", "2000B", "HL02", "7", `parent ID "2" is not an earlier HL01`}}},
		{"hl-parent", "837", map[string]string{"13": "HL*2**22*0"},
			[]short{{13, "HL", "2000B", "HL02", "2", `parent ID missing; this level sits under HL "1"`}}},
		{"hl-parent", "837", map[string]string{"8": "HL*1*1*20*1"},
			[]short{{8, "HL", "2000A", "HL02", "7", `parent ID "1" is not an earlier HL01`}}},
		{"hl-child-code", "837", nil, nil},
		{"hl-child-code", "837", map[string]string{"8": "HL*1**20*0"},
			[]short{{8, "HL", "2000A", "HL04", "7", "child code 0 but levels follow under this one; want 1"}}},
		{"hl-child-code", "837", map[string]string{"13": "HL*2*1*22*1"},
			[]short{{13, "HL", "2000B", "HL04", "7", "child code 1 but no level follows under this one; want 0"}}},
		{"837-patient-level", "837", nil, nil},
		{"837-patient-level", "837", map[string]string{"14": "SBR*P********CI"},
			[]short{{14, "SBR", "2000B", "", "I6", "SBR02 is not 18 (the subscriber is not the patient), so a patient level 2000C must follow"}}},
		{"837-patient-level", "837", map[string]string{"24+": "HL*3*2*23*0~PAT*19~NM1*QC*1*SMITH*TED"},
			[]short{{25, "HL", "2000C", "", "I9", "patient level 2000C present, but SBR02 18 says the subscriber is the patient"}}},
		{"837-patient-level", "837", map[string]string{"14": "SBR*P********CI", "24+": "HL*3*2*23*0~PAT*19~NM1*QC*1*SMITH*TED"},
			[]short{{17, "CLM", "2300", "", "I9", "claim under the subscriber level, but the patient is a dependent (2000C); send it in 2000C"}}},
		{"837-patient-level", "837", map[string]string{"14": "SBR*P********CI", "14+": "PAT*****D8*20240101"},
			[]short{
				{14, "SBR", "2000B", "", "I6", "SBR02 is not 18 (the subscriber is not the patient), so a patient level 2000C must follow"},
				{15, "PAT", "2000B", "", "I9", "PAT in the subscriber level is only sent when SBR02 is 18 (the subscriber is the patient)"},
			}},
		{"837-frequency-code", "837", nil, nil},
		{"837-frequency-code", "837", map[string]string{"17": "CLM*26463774*55***11:B:2*Y*A*Y*I"},
			[]short{{17, "CLM", "2300", "CLM05-3", "I6", `claim frequency code "2" not used in this guide; want 1, 6, 7 or 8`}}},
		{"837-replaced-claim-reference", "837", map[string]string{"17": "CLM*26463774*55***11:B:7*Y*A*Y*I"},
			[]short{{17, "CLM", "2300", "", "I6", "frequency code 7 replaces or voids a claim, so REF*F8 (payer claim control number) is required"}}},
		{"837-replaced-claim-reference", "837", map[string]string{"17": "CLM*26463774*55***11:B:8*Y*A*Y*I", "17+": "REF*F8*PAYER123"}, nil},
		{"837-billing-zip", "837", nil, nil},
		{"837-billing-zip", "837", map[string]string{"11": "N4*MIAMI*FL*33111"},
			[]short{{11, "N4", "2010AA", "N403", "I12", "billing provider ZIP code must be all nine digits (ZIP+4)"}}},
		{"837-billing-zip", "837", map[string]string{"11": "N4*TORONTO*ON*M5V2T6*CA"}, nil},
		{"837-diagnosis-pointer", "837", nil, nil},
		{"837-diagnosis-pointer", "837", map[string]string{"20": "SV1*HC:99213*40*UN*1***1:3"},
			[]short{{20, "SV1", "2400", "SV107-2", "7", "diagnosis pointer 3 points past the claim's 2 diagnosis codes"}}},
		{"837-diagnosis-pointer", "837", map[string]string{"23": "SV1*HC:87070*15*UN*1***13"},
			[]short{{23, "SV1", "2400", "SV107-1", "7", `diagnosis pointer "13" is not a number from 1 to 12`}}},
		{"837-claim-balance", "837", nil, nil},
		{"837-claim-balance", "837", map[string]string{"17": "CLM*26463774*56.5***11:B:1*Y*A*Y*I"},
			[]short{{17, "CLM", "2300", "CLM02", "I12", "total charge 56.5 does not equal the sum of the line charges 55"}}},
		{"835-payment-balance", "835", nil, nil},
		{"835-payment-balance", "835", map[string]string{"4": "BPR*I*35*C*CHK************20050318"},
			[]short{{4, "BPR", "ST", "BPR02", "I12", "total payment 35 does not equal claim payments 34 less provider adjustments 0"}}},
		{"835-payment-balance", "835", map[string]string{"4": "BPR*I*35*C*CHK************20050318", "16+": "PLB*1234567893*20051231*WO:ABC*-1"}, nil},
		{"835-claim-balance", "835", nil, nil},
		{"835-claim-balance", "835", map[string]string{"12+": "CAS*CO*45*1"},
			[]short{{12, "CLP", "2100", "CLP03", "I12", "charge 541 less payment 34 is 507, but the claim and line adjustments total 508"}}},
		{"835-line-balance", "835", nil, nil},
		{"835-line-balance", "835", map[string]string{"14": "SVC*HC:55669*541*30**1"},
			[]short{{14, "SVC", "2110", "SVC02", "I12", "line charge 541 less payment 30 is 511, but the line adjustments total 507"}}},
	}
	for _, tt := range tests {
		name := tt.rule
		for k, v := range tt.changes {
			name += " " + k + "=" + strings.SplitN(v, "*", 2)[0]
		}
		t.Run(name, func(t *testing.T) {
			base, version := base837P, "005010X222A1"
			if tt.st01 == "835" {
				base, version = base835, "005010X221A1"
			}
			_, findings := Transaction(readSet(t, interchange(tt.st01, version, edit(base, tt.changes))))
			got := shorten(findings, func(f Finding) bool { return f.Rule == tt.rule })
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings of %s (-want +got):\n%s", tt.rule, diff)
			}
		})
	}
}

func TestBase835IsClean(t *testing.T) {
	_, got := Transaction(readSet(t, interchange("835", "005010X221A1", base835)))
	if len(got) > 0 {
		t.Errorf("clean remittance: findings %v", shorten(got, nil))
	}
}

func TestRulesNamed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if r.Name == "" || r.Check == nil || seen[r.Name] {
			t.Errorf("rule %q: empty, without Check, or twice", r.Name)
		}
		seen[r.Name] = true
	}
}
