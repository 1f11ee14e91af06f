package claimbuild

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/claim"
)

// Envelope says how Write addresses an interchange of claims.
type Envelope struct {
	// SenderQualifier and SenderID are ISA05 and ISA06 (and GS02);
	// ReceiverQualifier and ReceiverID are ISA07 and ISA08 (and GS03).
	// The qualifiers default to ZZ (mutually defined).
	SenderQualifier, SenderID     string
	ReceiverQualifier, ReceiverID string
	// ControlNumber is the interchange control number (ISA13), 1 to
	// 999999999, unique per trading partner; the functional groups are
	// numbered from it (GS06), one per guide.
	ControlNumber int
	// Production marks the interchange P (ISA15); the default is T, test.
	Production bool
	// AckRequested asks for a TA1 (ISA14 1).
	AckRequested bool
	// Time is the interchange's date and time (ISA09, ISA10, GS04, GS05);
	// zero means now.
	Time time.Time
}

// Stamp sets the envelope of each transaction of ts as Write writes it:
// one interchange, a functional group for each guide (837P first, then
// 837I, since a group holds one version) and transaction set control
// numbers 0001, 0002... in each group. It returns ts in the order
// written.
func Stamp(ts []*claim.Transaction, env Envelope) ([]*claim.Transaction, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("claimbuild: no claims to write")
	}
	if env.ControlNumber < 1 || env.ControlNumber > 999_999_999 {
		return nil, fmt.Errorf("claimbuild: interchange control number %d: want 1 to 999999999", env.ControlNumber)
	}
	if env.SenderID == "" || env.ReceiverID == "" {
		return nil, fmt.Errorf("claimbuild: interchange sender and receiver IDs are required")
	}
	now := env.Time
	if now.IsZero() {
		now = time.Now().UTC()
	}
	usage, ack := "T", "0"
	if env.Production {
		usage = "P"
	}
	if env.AckRequested {
		ack = "1"
	}
	isa := x12.InterchangeHeader{
		AuthQualifier: "00", AuthInfo: "", SecurityQualifier: "00", SecurityInfo: "",
		SenderQualifier: cmp.Or(env.SenderQualifier, "ZZ"), SenderID: env.SenderID,
		ReceiverQualifier: cmp.Or(env.ReceiverQualifier, "ZZ"), ReceiverID: env.ReceiverID,
		Date: now.Format("060102"), Time: now.Format("1504"), Version: "00501",
		ControlNumber: fmt.Sprintf("%09d", env.ControlNumber), AckRequested: ack, Usage: usage,
		Delims: x12.DefaultDelimiters,
	}
	out := slices.Clone(ts)
	slices.SortStableFunc(out, func(a, b *claim.Transaction) int {
		return cmp.Compare(b2i(a.IsInstitutional()), b2i(b.IsInstitutional()))
	})
	group, n := env.ControlNumber, 0
	for i, t := range out {
		if t == nil {
			return nil, fmt.Errorf("claimbuild: claim %d is nil", i+1)
		}
		if i > 0 && t.Version != out[i-1].Version {
			group, n = group+1, 0
		}
		n++
		t.Envelope = claim.Envelope{
			Interchange: isa,
			Group: x12.GroupHeader{
				FunctionalID: "HC", SenderCode: env.SenderID, ReceiverCode: env.ReceiverID,
				Date: now.Format("20060102"), Time: now.Format("1504"), ControlNumber: strconv.Itoa(group),
				Agency: "X", Version: t.Version,
			},
			Control: fmt.Sprintf("%04d", n),
		}
	}
	return out, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Write writes ts as one X12 interchange addressed by env, through
// x12/claim's writer: segments in TR3 order, HL numbering and trailer
// counts done there. It sets each transaction's Envelope as Stamp does.
func Write(w io.Writer, ts []*claim.Transaction, env Envelope) error {
	stamped, err := Stamp(ts, env)
	if err != nil {
		return err
	}
	if err := claim.Write(w, stamped...); err != nil {
		return fmt.Errorf("claimbuild: write claims: %w", err)
	}
	return nil
}
