package testpayer

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/auth"
	"github.com/claimgate/claimgate/x12/status"
)

// wrap puts segments (X12 text with * and :) into one interchange.
func wrap(t *testing.T, fid, version, st01 string, segs ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	xw := x12.NewWriter(&buf, x12.DefaultDelimiters)
	steps := []func() error{
		func() error {
			return xw.BeginInterchange(x12.InterchangeHeader{AuthQualifier: "00", SecurityQualifier: "00", SenderQualifier: "ZZ", SenderID: "CLAIMGATE",
				ReceiverQualifier: "ZZ", ReceiverID: "TESTCH", Date: "260301", Time: "0900", Version: "00501", ControlNumber: "000000701",
				AckRequested: "0", Usage: "T"})
		},
		func() error {
			return xw.BeginGroup(x12.GroupHeader{FunctionalID: fid, SenderCode: "CLAIMGATE", ReceiverCode: "TESTCH", Date: "20260301", Time: "0900",
				ControlNumber: "701", Agency: "X", Version: version})
		},
		func() error { return xw.BeginSet(st01, "0001", version) },
	}
	for _, s := range segs {
		steps = append(steps, func() error { return xw.Write(x12.ParseSegment([]byte(s), x12.DefaultDelimiters)) })
	}
	steps = append(steps, xw.EndSet, xw.EndGroup, xw.EndInterchange, xw.Flush)
	for _, f := range steps {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	checkValid(t, st01+" request", buf.Bytes())
	return buf.Bytes()
}

func file276(t *testing.T, member, last, claimID, dos string) []byte {
	return wrap(t, "HR", "005010X212", "276",
		"BHT*0010*13*Q1*20260320*1200",
		"HL*1**20*1", "NM1*PR*2*ACME HEALTH PLAN*****PI*ACME1",
		"HL*2*1*21*1", "NM1*41*2*RIVERBEND FAMILY MEDICINE*****46*CG0001",
		"HL*3*2*19*1", "NM1*1P*2*RIVERBEND FAMILY MEDICINE*****XX*"+billingNPI,
		"HL*4*3*22*0", "NM1*IL*1*"+last+"*X****MI*"+member,
		"TRN*1*"+claimID, "REF*EJ*"+claimID, "AMT*T3*150", "DTP*472*D8*"+strings.ReplaceAll(dos, "-", ""))
}

// statusOf returns STC01 and STC05 (paid) of the first 2200D of a 277.
func statusOf(t *testing.T, data []byte) (string, string) {
	t.Helper()
	r := x12.NewReader(bytes.NewReader(data))
	for {
		s, err := r.Next()
		if err != nil {
			t.Fatalf("no claim STC in the 277: %v", err)
		}
		if s.ID == "STC" {
			return s.ElementString(1), s.ElementString(5)
		}
	}
}

func TestClaimStatus(t *testing.T) {
	p := newPayer(t, testConfig(), day("2026-03-01"))
	ctx := context.Background()
	spec := claimSpec{id: "Q1", member: "M4", last: "PATEL", dx: []string{"J069"}, lines: []line{{code: "99213", dos: "2026-02-20", cents: 15000}}}
	if _, err := p.HandleBatch(ctx, file837(t, "000000601", spec)); err != nil {
		t.Fatal(err)
	}
	ask := func(claimID string) (string, string) {
		t.Helper()
		out, err := p.ClaimStatus(ctx, file276(t, "M4", "PATEL", claimID, "2026-02-20"))
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, "277", out)
		if _, err := status.Read(bytes.NewReader(out)); err != nil {
			t.Errorf("status.Read(277): %v", err)
		}
		return statusOf(t, out)
	}
	var got [][2]string
	st, paid := ask("Q1")
	got = append(got, [2]string{st, paid})
	st, paid = ask("NOSUCH")
	got = append(got, [2]string{st, paid})
	if _, err := p.Advance(ctx, day("2026-03-20")); err != nil {
		t.Fatal(err)
	}
	st, paid = ask("Q1")
	got = append(got, [2]string{st, paid})
	// 99213 allowed 92.50 less 20% coinsurance.
	want := [][2]string{{"F0:3", "74"}, {"D0:35", ""}, {"F1:1", "74"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("277 statuses (-want +got):\n%s", diff)
	}
}

func file278(t *testing.T, member, last, code, dx, dos string) []byte {
	return wrap(t, "HI", "005010X217", "278",
		"BHT*0007*13*R1*20260301*1200",
		"HL*1**20*1", "NM1*X3*2*ACME HEALTH PLAN*****PI*ACME1",
		"HL*2*1*21*1", "NM1*1P*2*RIVERBEND FAMILY MEDICINE*****XX*"+billingNPI,
		"HL*3*2*22*1", "NM1*IL*1*"+last+"*X****MI*"+member,
		"HL*4*3*EV*1", "TRN*1*EV1*9CLAIMGATE", "UM*HS*I", "HI*ABK:"+dx,
		"HL*5*4*SS*0", "TRN*1*SV1*9CLAIMGATE", "UM*HS*I", "DTP*472*D8*"+strings.ReplaceAll(dos, "-", ""), "SV1*HC:"+code)
}

// hcr returns HCR01 and whether an AAA answered instead.
func hcr(t *testing.T, data []byte) string {
	t.Helper()
	r := x12.NewReader(bytes.NewReader(data))
	for {
		s, err := r.Next()
		if err != nil {
			return ""
		}
		if s.ID == "HCR" {
			return "HCR " + s.ElementString(1)
		}
		if s.ID == "AAA" {
			return "AAA " + s.ElementString(3)
		}
	}
}

func TestAuthorization(t *testing.T) {
	cfg := func() *Config {
		c := testConfig()
		c.Payers[0].AuthRequired = append(c.Payers[0].AuthRequired, "93000")
		return c
	}
	tests := []struct {
		name          string
		member, last  string
		code, dx, dos string
		want          string
	}{
		{"certified", "M4", "PATEL", "72148", "M545", "2026-03-10", "HCR A1"},
		{"diagnosis does not support", "M4", "PATEL", "93000", "J069", "2026-03-10", "HCR A3"},
		{"not covered on the date", "M2", "CHEN", "72148", "M545", "2026-07-10", "HCR A3"},
		{"no authorization required", "M4", "PATEL", "99213", "J069", "2026-03-10", "HCR NA"},
		{"member not found", "NOPE", "DOE", "72148", "M545", "2026-03-10", "AAA 75"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPayer(t, cfg(), day("2026-03-01"))
			out, err := p.Authorization(context.Background(), file278(t, tt.member, tt.last, tt.code, tt.dx, tt.dos))
			if err != nil {
				t.Fatal(err)
			}
			checkValid(t, "278", out)
			if got := hcr(t, out); got != tt.want {
				t.Errorf("278 answer %q, want %q", got, tt.want)
			}
			// What the practice reads back with our 278 model.
			ts, err := auth.Read(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("auth.Read: %v", err)
			}
			if number, ok := ts[0].Authorization(); ok != (tt.want == "HCR A1") || ok && !strings.HasPrefix(number, "ACME1A") {
				t.Errorf("278 read back: authorization %q, %v", number, ok)
			}
		})
	}
}

// TestAuthorizationThenClaim: a claim for a service that needs
// authorization is denied CO-197 without one and paid after a 278 was
// certified for it.
func TestAuthorizationThenClaim(t *testing.T) {
	claimFor := func(id string) claimSpec {
		return claimSpec{id: id, member: "M4", last: "PATEL", dx: []string{"M545"}, lines: []line{{code: "72148", dos: "2026-03-10", cents: 90000}}}
	}
	for _, authorize := range []bool{false, true} {
		p := newPayer(t, testConfig(), day("2026-03-01"))
		ctx := context.Background()
		if authorize {
			if _, err := p.Authorization(ctx, file278(t, "M4", "PATEL", "72148", "M545", "2026-03-10")); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := p.HandleBatch(ctx, file837(t, "000000801", claimFor("AC1"))); err != nil {
			t.Fatal(err)
		}
		paid, err := p.Advance(ctx, day("2026-04-01"))
		if err != nil {
			t.Fatal(err)
		}
		s := remits(t, paid)[0].Headers[0].Claims[0].Services[0]
		denied := slices.Equal(lineCARCs(s), []carc{{"CO", "197"}})
		if authorize == denied {
			t.Errorf("authorized %v: line adjustments %v, paid %d", authorize, lineCARCs(s), s.Paid)
		}
	}
}

// TestBatchInquiries: 270, 276 and 278 files in the mailbox get a 999 and
// their answer; a file of 999s gets nothing.
func TestBatchInquiries(t *testing.T) {
	tests := []struct {
		name string
		file func(t *testing.T) []byte
		want []string
	}{
		{"270", func(t *testing.T) []byte {
			return file270(t, "ACME1", billingNPI, "2026-03-01", subscriber("M4", "PATEL", "RAJ"))
		}, []string{"999", "271"}},
		{"276", func(t *testing.T) []byte { return file276(t, "M4", "PATEL", "Q1", "2026-02-20") }, []string{"999", "277"}},
		{"278", func(t *testing.T) []byte { return file278(t, "M4", "PATEL", "72148", "M545", "2026-03-10") }, []string{"999", "278"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPayer(t, testConfig(), day("2026-03-01"))
			files, err := p.HandleBatch(context.Background(), tt.file(t))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, kinds(files)); diff != "" {
				t.Errorf("answers (-want +got):\n%s", diff)
			}
			for _, f := range files {
				checkValid(t, f.Name, f.Data)
			}
			// Our own 999 coming back is not answered.
			again, err := p.HandleBatch(context.Background(), files[0].Data)
			if err != nil || len(again) != 0 {
				t.Errorf("HandleBatch(999) = %v, %v; want nothing", kinds(again), err)
			}
		})
	}
}
