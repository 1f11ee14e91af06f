package elig_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/claimgate/claimgate/x12/elig"
)

// A made-up 271: active coverage, an in-network deductible with what is
// left of it, and an office visit copay.
const example271 = `ISA*00*          *00*          *ZZ*TESTPAYER      *ZZ*CLAIMGATE      *261127*0930*^*00501*000000001*0*T*:~
GS*HB*TESTPAYER*CLAIMGATE*20261127*0930*1*X*005010X279A1~
ST*271*0001*005010X279A1~
BHT*0022*11*REQ1*20261127*0930~
HL*1**20*1~
NM1*PR*2*ACME HEALTH PLAN*****PI*99999~
HL*2*1*21*1~
NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893~
HL*3*2*22*0~
TRN*2*TRACE1*9877281234~
NM1*IL*1*DOE*JOHN****MI*W000000001~
DMG*D8*19700101*M~
DTP*346*D8*20260101~
EB*1*IND*30**GOLD PPO~
EB*C*IND*30***23*1500*****Y~
EB*C*IND*30***29*450.5*****Y~
EB*B*IND*98***27*25*****Y~
SE*15*0001~
GE*1*1~
IEA*1*000000001~`

func ExampleRead271() {
	rs, err := elig.Read271(strings.NewReader(example271))
	if err != nil {
		fmt.Println(err)
		return
	}
	m := &rs[0].Sources[0].Receivers[0].Subscribers[0]
	in := elig.Query{ServiceType: "30", CoverageLevel: "IND", Network: elig.InNetwork}
	ded, _ := m.Deductible(in)
	left, _ := m.DeductibleRemaining(in)
	copay, _ := m.Copay(elig.Query{ServiceType: "98", Network: elig.InNetwork})
	fmt.Println("active:", m.ActiveOn(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)))
	fmt.Printf("deductible %d cents, %d left; office copay %d cents\n", ded, left, copay)
	// Output:
	// active: true
	// deductible 150000 cents, 45050 left; office copay 2500 cents
}
