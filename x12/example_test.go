package x12_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/claimgate/claimgate/x12"
)

const example835 = `ISA*00*          *00*          *ZZ*PAYER          *ZZ*CLINIC         *230115*1230*^*00501*000000001*0*T*:~
GS*HP*PAYER*CLINIC*20230115*1230*1*X*005010X221A1~
ST*835*0001~
BPR*I*150*C*CHK************20230115~
CLP*CLAIM1*1*200*150**12*PAYERREF1~
SVC*HC:99213:25*200*150~
SE*5*0001~
GE*1*1~
IEA*1*000000001~
`

func ExampleReader() {
	r := x12.NewReader(strings.NewReader(example835))
	var env x12.Checker
	for {
		seg, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		env.Check(seg)
		switch seg.ID {
		case "CLP":
			paid, err := x12.ParseAmount(string(seg.Element(4)))
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("claim %s paid %d cents\n", seg.Element(1), paid)
		case "SVC":
			fmt.Printf("procedure %s modifier %s (segment %d of set %s)\n",
				seg.Component(1, 2), seg.Component(1, 3), seg.SetPos, env.Set().ControlNumber)
		}
	}
	env.End()
	for _, e := range env.Errors() {
		fmt.Println(e) // such as: segment 7 (SE): element 1: segment count 6 does not match 5 segments counted
	}
	// Output:
	// claim CLAIM1 paid 15000 cents
	// procedure 99213 modifier 25 (segment 4 of set 0001)
}

func ExampleSetReader() {
	sr := x12.NewSetReader(x12.NewReader(strings.NewReader(example835)))
	for {
		ts, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ts.ID, ts.ControlNumber, ts.Version, ts.Group.FunctionalID, len(ts.Segments), "segments")
	}
	// Output:
	// 835 0001 005010X221A1 HP 5 segments
}

func ExampleWriter() {
	w := x12.NewWriter(os.Stdout, x12.DefaultDelimiters)
	w.Newline = true
	w.BeginInterchange(x12.InterchangeHeader{
		SenderQualifier: "ZZ", SenderID: "CLINIC", ReceiverQualifier: "ZZ", ReceiverID: "PAYER",
		Date: "230115", Time: "1230", ControlNumber: "7", Usage: "T",
	})
	w.BeginGroup(x12.GroupHeader{FunctionalID: "HC", SenderCode: "CLINIC", ReceiverCode: "PAYER",
		Date: "20230115", Time: "1230", ControlNumber: "7", Version: "005010X222A1"})
	w.BeginSet("837", "0001", "005010X222A1")
	w.WriteComposite("SV1", []string{"HC", "99213"}, []string{x12.FormatAmount(12550)}, []string{"UN"}, []string{"1"})
	w.EndSet()
	w.EndGroup()
	w.EndInterchange()
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// ISA*00*          *00*          *ZZ*CLINIC         *ZZ*PAYER          *230115*1230*^*00501*000000007*0*T*:~
	// GS*HC*CLINIC*PAYER*20230115*1230*7*X*005010X222A1~
	// ST*837*0001*005010X222A1~
	// SV1*HC:99213*125.5*UN*1~
	// SE*3*0001~
	// GE*1*7~
	// IEA*1*000000007~
}

func ExampleParseAmount() {
	for _, s := range []string{"123.45", "-5", "10.5", "1.005"} {
		cents, err := x12.ParseAmount(s)
		fmt.Println(cents, err)
	}
	fmt.Println(x12.FormatAmount(10000), x12.FormatAmount(5))
	// Output:
	// 12345 <nil>
	// -500 <nil>
	// 1050 <nil>
	// 0 x12: number "1.005": invalid value: more than 2 decimal places
	// 100 0.05
}
