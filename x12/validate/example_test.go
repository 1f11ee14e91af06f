package validate_test

import (
	"fmt"
	"strings"

	"github.com/claimgate/claimgate/x12/validate"
)

func ExampleStream() {
	const remit = `ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *240101*1200*^*00501*000000001*0*T*:~
GS*HP*PAYER*PROVIDER*20240101*1200*1*X*005010X221A1~
ST*835*0001*005010X221A1~
BPR*I*34*C*CHK************20050318~
TRN*1*0063158ABC*1566339911~
N1*PR*PAYER~
N3*1 MAIN ST~
N4*CITY*FL*11114~
N1*PE*PROVIDER*XX*1234567893~
LX*1~
CLP*A1*1*541*34**12*50650619501~
NM1*QC*1*DOE*JOHN****MI*987654321~
SVC*HC:55669*541*34**1~
CAS*OA*23*500*1*45*7~
SE*13*0001~
GE*1*1~
IEA*1*000000001~
`
	_, err := validate.Stream(strings.NewReader(remit), func(r *validate.SetResult) error {
		for _, f := range r.Findings {
			fmt.Println(f)
		}
		fmt.Println(r.Root.Child("2000").Child("2100").Segment("CLP").ElementString(1))
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// segment 9 (PER) in loop 1000A: required segment PER "Payer Technical Contact Information" is missing before N1
	// A1
}
