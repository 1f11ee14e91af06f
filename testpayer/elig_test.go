package testpayer

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/elig"
)

func file270(t *testing.T, payer, npi string, asOf string, members ...elig.Member) []byte {
	t.Helper()
	in := &elig.Inquiry{
		Header: elig.Header{
			Envelope: elig.Envelope{
				Interchange: x12.InterchangeHeader{AuthQualifier: "00", SecurityQualifier: "00", SenderQualifier: "ZZ", SenderID: "CLAIMGATE",
					ReceiverQualifier: "ZZ", ReceiverID: "TESTCH", Date: "260301", Time: "0900", Version: "00501", ControlNumber: "000000501",
					AckRequested: "0", Usage: "T", Delims: x12.DefaultDelimiters},
				Group: x12.GroupHeader{FunctionalID: "HS", SenderCode: "CLAIMGATE", ReceiverCode: "TESTCH", Date: "20260301", Time: "0900",
					ControlNumber: "501", Agency: "X", Version: elig.Version},
				Control: "0001",
			},
			Version: elig.Version, Purpose: "13", Ref: "E501", Created: day("2026-03-01"),
		},
	}
	for i := range members {
		members[i].Traces = []elig.Trace{{Type: "1", Number: "T" + members[i].Name.ID, Originator: "9CLAIMGATE"}}
		members[i].Dates = []elig.Date{{Qualifier: "291", Format: "D8", From: day(asOf)}}
		members[i].Inquiries = []elig.ServiceInquiry{{ServiceTypes: []string{"30"}}}
	}
	in.Sources = []elig.Source{{
		Party: elig.Party{Name: elig.Name{Entity: "PR", Type: "2", Last: "ACME HEALTH PLAN", IDQualifier: "PI", ID: payer}},
		Receivers: []elig.Receiver{{
			Party:       elig.Party{Name: elig.Name{Entity: "1P", Type: "2", Last: "RIVERBEND FAMILY MEDICINE", IDQualifier: "XX", ID: npi}},
			Subscribers: members,
		}},
	}}
	var buf bytes.Buffer
	if err := elig.Write270(&buf, in); err != nil {
		t.Fatal(err)
	}
	checkValid(t, "270", buf.Bytes())
	return buf.Bytes()
}

func subscriber(id, last, first string) elig.Member {
	return elig.Member{Party: elig.Party{Name: elig.Name{Entity: "IL", Type: "1", Last: last, First: first, IDQualifier: "MI", ID: id}}}
}

func TestEligibility(t *testing.T) {
	tests := []struct {
		name       string
		payer, npi string
		asOf       string
		member     elig.Member
		// want is the first EB01 of the subscriber, or "AAA" and the
		// reject reason where the answer is a rejection.
		want []string
	}{
		{"active", "ACME1", billingNPI, "2026-03-01", subscriber("M1", "RIVERA", "ANA"), []string{"1", "C", "C", "B", "A", "G", "G", "1"}},
		{"inactive", "ACME1", billingNPI, "2026-07-15", subscriber("M2", "CHEN", "WEI"), []string{"6"}},
		{"member not found", "ACME1", billingNPI, "2026-03-01", subscriber("NOPE", "DOE", "JANE"), []string{"AAA 2100C 75"}},
		{"provider not on file", "ACME1", otherNPI, "2026-03-01", subscriber("M1", "RIVERA", "ANA"), []string{"AAA 2100B 51"}},
		{"payer unknown", "ZZZ99", billingNPI, "2026-03-01", subscriber("M1", "RIVERA", "ANA"), []string{"AAA 2000A 79"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPayer(t, testConfig(), day("2026-03-02"))
			out, err := p.Eligibility(context.Background(), file270(t, tt.payer, tt.npi, tt.asOf, tt.member))
			if err != nil {
				t.Fatal(err)
			}
			checkValid(t, "271", out)
			rs, err := elig.Read271(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			src := rs[0].Sources[0]
			for _, a := range src.Rejects {
				got = append(got, "AAA 2000A "+a.Reason)
			}
			for _, rcv := range src.Receivers {
				for _, a := range rcv.Rejects {
					got = append(got, "AAA 2100B "+a.Reason)
				}
				for _, m := range rcv.Subscribers {
					for _, a := range m.Rejects {
						got = append(got, "AAA 2100C "+a.Reason)
					}
					for _, b := range m.Benefits {
						got = append(got, b.Info)
					}
					if len(m.Traces) != 1 || m.Traces[0].Type != "2" || m.Traces[0].Number != "T"+tt.member.Name.ID {
						t.Errorf("traces %+v, want the 270's echoed as TRN01 2", m.Traces)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("271 (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEligibilityRemaining: the 271 reports what remains of the deductible
// after a claim used part of it.
func TestEligibilityRemaining(t *testing.T) {
	p, _, _ := run(t, testConfig(), "2026-03-01", ana("P1", line{code: "99213", dos: "2026-02-20", cents: 15000}))
	out, err := p.Eligibility(context.Background(), file270(t, "ACME1", billingNPI, "2026-03-01", subscriber("M1", "RIVERA", "ANA")))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := elig.Read271(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var remaining *int64
	for _, b := range rs[0].Sources[0].Receivers[0].Subscribers[0].Benefits {
		if b.Info == "C" && b.Period == "29" {
			remaining = b.Amount
		}
	}
	// Deductible 100, of which the claim took 67.50.
	if remaining == nil || *remaining != 3250 {
		t.Errorf("deductible remaining = %v, want 3250 cents", remaining)
	}
}
