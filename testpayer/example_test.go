package testpayer_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/claimgate/claimgate/testpayer"
)

// A synthetic 837P from the demo practice to ACME1 for member AC1000001 of
// the built-in payers: one office visit.
const claim837 = "" +
	"ISA*00*          *00*          *ZZ*CLAIMGATE      *ZZ*TESTCH         *260301*0900*^*00501*000000001*0*T*:~" +
	"GS*HC*CLAIMGATE*TESTCH*20260301*0900*1*X*005010X222A1~" +
	"ST*837*0001*005010X222A1~" +
	"BHT*0019*00*B000000001*20260301*0000*CH~" +
	"NM1*41*2*RIVERBEND FAMILY MEDICINE*****46*CG0001~" +
	"PER*IC*BILLING*TE*5550001000~" +
	"NM1*40*2*TEST CLEARINGHOUSE*****46*TESTCH~" +
	"HL*1**20*1~" +
	"NM1*85*2*RIVERBEND FAMILY MEDICINE*****XX*1234567893~" +
	"N3*100 RIVERBEND PLAZA~" +
	"N4*SPRINGFIELD*IL*627010001~" +
	"REF*EI*990000001~" +
	"HL*2*1*22*0~" +
	"SBR*P*18*******CI~" +
	"NM1*IL*1*RIVERA*ANA****MI*AC1000001~" +
	"N3*1 MAIN ST~" +
	"N4*SPRINGFIELD*IL*62704~" +
	"DMG*D8*19800314*F~" +
	"NM1*PR*2*ACME HEALTH PLAN*****PI*ACME1~" +
	"CLM*CLAIM1*150***11:B:1*Y*A*Y*Y~" +
	"HI*ABK:J069~" +
	"NM1*82*1*CLINIC*CASEY****XX*1245319599~" +
	"LX*1~" +
	"SV1*HC:99213*150*UN*1***1~" +
	"DTP*472*D8*20260220~" +
	"SE*24*0001~" +
	"GE*1*1~" +
	"IEA*1*000000001~"

// The payer as functions over bytes: a file of 837s in, a 999 and a 277CA
// back at once, the 835 after the payer's days-to-pay, and every decision
// with its reasons.
func Example() {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	p, err := testpayer.New(testpayer.DefaultConfig(), testpayer.Options{Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	answers, err := p.HandleBatch(ctx, []byte(claim837))
	if err != nil {
		panic(err)
	}
	for _, f := range answers {
		fmt.Println(f.Name)
	}
	for _, a := range p.Acks() {
		fmt.Println(a.ClaimID, a.Status(), a.Why)
	}
	paid, err := p.Advance(ctx, now.AddDate(0, 0, 14))
	if err != nil {
		panic(err)
	}
	for _, f := range paid {
		fmt.Println(f.Name)
	}
	for _, d := range p.Decisions() {
		fmt.Println(strings.Join(d.Explain(), "\n"))
	}
	// Output:
	// TESTCH_999_000000001_20260301T090000Z.x12
	// TESTCH_277CA_000000002_20260301T090000Z.x12
	// CLAIM1 A2:20 accepted for adjudication
	// TESTCH_835_000000003_20260315T000000Z.x12
	// claim CLAIM1 (ACME12603010001): status 1, charged $150.00, paid $0.00, patient responsibility $92.50
	//   line 1 99213: charged $150.00, allowed $92.50, paid $0.00
	//     CO-45 $57.50: charge exceeds the fee schedule: 99213 allowed $92.50 x 1 units
	//     PR-3 $25.00: copay $25.00 per visit
	//     PR-1 $67.50: deductible: $500.00 of $500.00 remained
}
