package remit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate/x12"
)

// decodeAll reads data with a Decoder and puts the remittances back
// together as ReadFile returns them, cloning each claim. maxClaims > 0
// stops after that many claims.
func decodeAll(data io.Reader, maxClaims int) ([]*Remittance, error) {
	d := NewDecoder(data)
	var out []*Remittance
	var cur *Remittance
	seq, n := -1, 0
	for {
		c, err := d.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if c == nil { // the end of a set
			if cur == nil {
				cur = d.finished()
				out = append(out, cur)
			}
			cur.ProviderAdjustments = d.ProviderAdjustments()
			cur, seq = nil, -1
			continue
		}
		if cur == nil {
			cur = d.finished()
			out = append(out, cur)
		}
		if d.hdrSeq != seq {
			seq = d.hdrSeq
			cur.Headers = append(cur.Headers, *d.Header())
		}
		h := &cur.Headers[len(cur.Headers)-1]
		h.Claims = append(h.Claims, *c.Clone())
		if n++; maxClaims > 0 && n >= maxClaims {
			return out, nil
		}
	}
}

// finished returns a copy of the current set's header.
func (d *Decoder) finished() *Remittance {
	r := *d.Payment()
	r.Headers = []Header{}
	return &r
}

// withoutEmptyHeaders drops the 2000 loops without claims, which a
// Decoder does not show.
func withoutEmptyHeaders(rs []*Remittance) []*Remittance {
	for _, r := range rs {
		hs := []Header{}
		for _, h := range r.Headers {
			if len(h.Claims) > 0 {
				hs = append(hs, h)
			}
		}
		r.Headers = hs
	}
	return rs
}

func TestDecoderSamples(t *testing.T) {
	for _, name := range samples {
		t.Run(name, func(t *testing.T) {
			data := sample(t, name)
			want, err := readAll(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeAll(bytes.NewReader(data), 0)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if diff := diff(withoutEmptyHeaders(want), got); diff != "" {
				t.Errorf("Decoder and ReadFile differ (-ReadFile +Decoder):\n%s", diff)
			}
		})
	}
	for name, d := range defects {
		if _, err := decodeAll(bytes.NewReader(rawSample(t, name)), 0); err == nil || err.Error() != d.err {
			t.Errorf("%s: decode error = %v, want %s", name, err, d.err)
		}
	}
}

// TestDecoderBig compares the Decoder with ReadFile on the synthetic 835
// of the benchmarks (4 MB here): every claim, and the first thousand of a
// read that stops there.
func TestDecoderBig(t *testing.T) {
	data := big835(t, 4<<20)
	want, err := readAll(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeAll(bytes.NewReader(data), 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := diff(withoutEmptyHeaders(want), got); diff != "" {
		t.Fatalf("Decoder and ReadFile differ (-ReadFile +Decoder):\n%s", diff)
	}
	first, err := decodeAll(bytes.NewReader(data), 1000)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(first[0].Headers); n != 1000 {
		t.Fatalf("read %d claims, want 1000", n)
	}
	if diff := diff(want[0].Headers[:1000], first[0].Headers); diff != "" {
		t.Fatalf("first 1000 claims differ (-ReadFile +Decoder):\n%s", diff)
	}
}

// TestDecoderReuse checks that a claim is valid until the next call and a
// clone after it.
func TestDecoderReuse(t *testing.T) {
	d := NewDecoder(bytes.NewReader(sample(t, "lfh-secondary-payment.835")))
	c, err := d.Next()
	if err != nil || c == nil {
		t.Fatalf("Next = %v, %v", c, err)
	}
	keep := c.Clone()
	if diff := diff(c, keep); diff != "" {
		t.Fatalf("clone differs:\n%s", diff)
	}
	for {
		c, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if c != nil && c.ID == keep.ID {
			t.Fatalf("claim %s read twice", c.ID)
		}
	}
	want, _ := readAll(sample(t, "lfh-secondary-payment.835"))
	if diff := diff(&want[0].Headers[0].Claims[0], keep); diff != "" {
		t.Errorf("kept clone changed (-want +got):\n%s", diff)
	}
}

func TestDecoderErrors(t *testing.T) {
	const head = "ISA*00*          *00*          *ZZ*TESTPAYER      *ZZ*CLAIMGATE      *260101*0930*^*00501*000000042*0*T*:~" +
		"GS*HP*TESTPAYER*CLAIMGATE*20260101*0930*42*X*005010X221A1~" +
		"ST*835*0042*005010X221A1~"
	const payer = "TRN*1*EFT1*1999999999~N1*PR*TEST PLAN~N3*1 WAY~N4*TOWN*NY*10001~N1*PE*CLINIC*XX*1234567893~"
	const tail = "SE*9*0042~GE*1*42~IEA*1*000000042~"
	tests := []struct {
		name, body string
		want       string
	}{
		// The errors of ReadFile, the same.
		{"amount with three decimals", "BPR*I*1.005*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~",
			"remit: segment 4 (BPR): element 2: number \"1.005\": invalid value: more than 2 decimal places"},
		{"bad claim amount", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10.001*5**12~NM1*QC*1*DOE*JANE~",
			"remit: segment 11 (CLP): element 3: number \"10.001\": invalid value: more than 2 decimal places"},
		{"bad date", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~DTM*232*20250230~",
			"remit: segment 13 (DTM): element 2: date \"20250230\": invalid value: no such day"},
		{"missing CLP01", "BPR*I*5*C*NON~" + payer + "LX*1~CLP**1*10*5**12~NM1*QC*1*DOE*JANE~",
			"remit: segment 11 (CLP): element 1: patient control number (CLP01) is required"},
		{"missing paid amount", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10***12~NM1*QC*1*DOE*JANE~",
			"remit: segment 11 (CLP): element 4: claim payment amount (CLP04) is required"},
		{"bad service quantity", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~SVC*HC:99213*10*5**1.00001~",
			"remit: segment 13 (SVC): element 5: number \"1.00001\": invalid value: more than 4 decimal places"},
		{"bad CAS amount", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~CAS*CO*45*5**253*X~NM1*QC*1*DOE*JANE~",
			"remit: segment 12 (CAS): element 6: number \"X\": invalid value: unexpected 'X'"},
		{"element not used in 5010", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12****X~NM1*QC*1*DOE*JANE~",
			"remit: segment 11 (CLP): element 10: CLP10 is not used in 5010 and cannot be kept"},
		{"unknown segment in a claim", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~ZZZ*1~",
			"remit: segment 13 (ZZZ): ZZZ*1 does not belong in loop 2100"},
		{"claim name the 835 does not have", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~NM1*QC*1*DOE*JANE~NM1*DK*1*ROE~",
			"remit: segment 13 (NM1): NM1*DK does not belong in loop 2100"},
		{"bad PLB date", "BPR*I*5*C*NON~" + payer + "PLB*123*2026013*L6*5~",
			"remit: segment 10 (PLB): element 2: date \"2026013\": invalid value: want CCYYMMDD"},
		{"missing BPR", "TRN*1*EFT1*1999999999~N1*PR*TEST PLAN~LX*1~CLP*A1*1*10*5**12~",
			"remit: segment 3 (ST): BPR (financial information) is missing"},
		{"claim before LX", "BPR*I*5*C*NON~" + payer + "CLP*A1*1*10*5**12~",
			"remit: segment 10 (CLP): CLP*A1 does not belong in loop 1000B"},
		{"service line outside a claim", "BPR*I*5*C*NON~" + payer + "LX*1~SVC*HC:99213*10*5~",
			"remit: segment 11 (SVC): SVC does not belong in loop 2000"},
		{"service segment in a claim", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~LQ*HE*M15~",
			"remit: segment 12 (LQ): LQ*HE does not belong in loop 2100"},
		{"claim segment in a service line", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~SVC*HC:99213*10*5~MIA*1~",
			"remit: segment 13 (MIA): MIA*1 does not belong in loop 2110"},
		{"claim date in a service line", "BPR*I*5*C*NON~" + payer + "LX*1~CLP*A1*1*10*5**12~SVC*HC:99213*10*5~DTM*232*20250101~",
			"remit: segment 13 (DTM): DTM*232 does not belong in loop 2110"},
		// Where the Decoder is stricter than ReadFile.
		{"second payer", "BPR*I*5*C*NON~" + payer + "N1*PR*OTHER PLAN~LX*1~",
			"remit: segment 10 (N1): N1*PR does not belong in loop 1000B"},
		{"header segment after the payer", "BPR*I*5*C*NON~TRN*1*EFT1*1999999999~N1*PR*TEST PLAN~CUR*PR*CAD~",
			"remit: segment 7 (CUR): CUR*PR does not belong in loop 1000A"},
		{"claim after PLB", "BPR*I*5*C*NON~" + payer + "PLB*123*20260131*L6*5~LX*1~",
			"remit: segment 11 (LX): LX*1 does not belong after PLB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeAll(strings.NewReader(head+tt.body+tail), 0)
			if err == nil {
				t.Fatalf("decode = nil error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("decode error = %q, want %q", err, tt.want)
			}
			var pe *x12.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, x12.ErrInvalidValue) {
				t.Errorf("decode error %v is not an *x12.ParseError wrapping ErrInvalidValue", err)
			}
		})
	}
	// A set that is not an 835, and an input that is not X12, fail as
	// they do in ReadFile.
	for _, in := range []string{
		strings.Replace(head, "ST*835", "ST*837", 1) + "BPR*I*5*C*NON~" + tail,
		"hello",
		head + "BPR*I*5*C*NON~CLP*A1",
	} {
		_, want := readAll([]byte(in))
		_, got := decodeAll(strings.NewReader(in), 0)
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%.30q: decode error %v, ReadFile's %v", in, got, want)
		}
	}
}

// TestDecoderMemoryFlat streams 4 MB and 32 MB 835s, never in memory,
// through a Decoder: what it allocates must not grow with the input.
func TestDecoderMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 36 MB")
	}
	alloc := func(size int) (uint64, int) {
		g := newGen835(t, size)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d := NewDecoder(g)
		n := 0
		for {
			c, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if c != nil {
				n++
			}
		}
		runtime.ReadMemStats(&after)
		if len(d.EnvelopeErrors()) != 0 || n < size/1000 {
			t.Fatalf("read %d claims with problems %v", n, d.EnvelopeErrors())
		}
		return after.TotalAlloc - before.TotalAlloc, n
	}
	small, ns := alloc(4 << 20)
	big, nb := alloc(32 << 20)
	t.Logf("%d claims: %d bytes allocated; %d claims: %d bytes", ns, small, nb, big)
	if small > 256<<10 || big > 256<<10 {
		t.Errorf("decoding allocated %d bytes for 4 MB and %d for 32 MB; want under 256 KiB each", small, big)
	}
}

func TestFastValues(t *testing.T) {
	nums := []string{"0", "-0", "1", "12", "123.45", "-5", "10.5", ".5", "-.5", "5.", "1.005", "1.000", "1.00001", "1.0000",
		"", "-", ".", "1..2", "1.2.3", "+1", "1e3", " 1", "999999999999999999", "9999999999999999.99", "99999999999999.9999",
		"0000000000000000001", "9223372036854775807", "12345678901234.5678", "0.0001", "-0.01"}
	for _, s := range nums {
		for _, scale := range []int{2, QuantityScale} {
			want, werr := x12.ParseDecimal(s, scale)
			got, ok := fastDecimal([]byte(s), scale)
			if ok && (werr != nil || got != want) {
				t.Errorf("fastDecimal(%q, %d) = %d; ParseDecimal = %d, %v", s, scale, got, want, werr)
			}
		}
	}
	// And random strings of digits, points and signs.
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := make([]byte, rnd.IntN(21))
		for i := range b {
			b[i] = "0123456789.-9x"[rnd.IntN(14)]
		}
		for _, scale := range []int{2, QuantityScale} {
			want, werr := x12.ParseDecimal(string(b), scale)
			got, ok := fastDecimal(b, scale)
			if ok && (werr != nil || got != want) {
				t.Fatalf("fastDecimal(%q, %d) = %d; ParseDecimal = %d, %v", b, scale, got, want, werr)
			}
			if !ok && werr == nil && len(b) <= 12 && !bytes.HasSuffix(b, []byte("0")) {
				t.Errorf("fastDecimal(%q, %d) refuses what ParseDecimal reads (%d)", b, scale, want)
			}
		}
	}
	for day := time.Date(1899, 12, 1, 0, 0, 0, 0, time.UTC); day.Year() < 2101; day = day.AddDate(0, 0, 1) {
		s := x12.FormatDate(day)
		got, ok := fastDate([]byte(s))
		want, err := x12.ParseDate(s)
		if !ok || err != nil || got != want {
			t.Fatalf("fastDate(%s) = %v, %v; ParseDate = %v, %v", s, got, ok, want, err)
		}
	}
	for _, s := range []string{"00010101", "00000101", "20230229", "20240229", "21000229", "20000229", "20231301", "20230100", "2023011", "2023O101", "99991231"} {
		got, ok := fastDate([]byte(s))
		want, err := x12.ParseDate(s)
		if ok != (err == nil) || ok && got != want {
			t.Errorf("fastDate(%s) = %v, %v; ParseDate = %v, %v", s, got, ok, want, err)
		}
	}
}

// FuzzDecoder: the Decoder never panics, and when it and ReadFile both
// read an input they read the same remittances.
func FuzzDecoder(f *testing.F) {
	for _, name := range samples {
		f.Add(rawSample(f, name))
	}
	f.Add(big835(f, 4<<10))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeAll(bytes.NewReader(data), 0)
		want, werr := readAll(data)
		if err != nil || werr != nil {
			return
		}
		if diff := diff(withoutEmptyHeaders(want), got); diff != "" {
			t.Fatalf("Decoder and ReadFile differ (-ReadFile +Decoder):\n%s", diff)
		}
	})
}

func ExampleDecoder() {
	const in = "ISA*00*          *00*          *ZZ*TESTPAYER      *ZZ*CLAIMGATE      *260101*0930*^*00501*000000042*0*T*:~" +
		"GS*HP*TESTPAYER*CLAIMGATE*20260101*0930*42*X*005010X221A1~ST*835*0042*005010X221A1~" +
		"BPR*I*15*C*NON~TRN*1*EFT1*1999999999~N1*PR*TEST PLAN~N1*PE*CLINIC*XX*1234567893~" +
		"LX*1~CLP*A1*1*10*5**12~CAS*PR*1*5~CLP*A2*1*20*10**12~CAS*CO*45*10~SE*11*0042~GE*1*42~IEA*1*000000042~"
	d := NewDecoder(strings.NewReader(in))
	for {
		c, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		if c == nil {
			fmt.Println("end of set, PLBs:", len(d.ProviderAdjustments()))
			continue
		}
		fmt.Printf("%s from %s: paid %s, adjusted %s\n", c.ID, d.Payment().Payer.Name,
			x12.FormatAmount(c.Paid), x12.FormatAmount(AdjustmentTotal(c.Adjustments, "")))
	}
	// Output:
	// A1 from TEST PLAN: paid 5, adjusted 5
	// A2 from TEST PLAN: paid 10, adjusted 10
	// end of set, PLBs: 0
}

// TestDecoderHandBuilt decodes two sets, each with every field of the
// model set (full), written by Write.
func TestDecoderHandBuilt(t *testing.T) {
	a, b := full(), full()
	b.Envelope.Control = "0043"
	b.Headers[0].Claims[0].ID = "CG-0002"
	out := write(t, []*Remittance{a, b})
	want, err := readAll(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeAll(bytes.NewReader(out), 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := diff(withoutEmptyHeaders(want), got); diff != "" {
		t.Errorf("Decoder and ReadFile differ (-ReadFile +Decoder):\n%s", diff)
	}
	if len(got) != 2 || len(got[1].ProviderAdjustments) != 1 || got[1].Headers[0].Claims[0].ID != "CG-0002" {
		t.Errorf("decoded %d sets", len(got))
	}
}
