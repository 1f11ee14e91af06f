package workflow

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/x12/elig"
)

// SendEligibilityBatch sends, through the partner's mailbox, one 270 file
// asking about every appointment of day still in the front-end and not
// verified: the batch alternative to checking each in real time. The 271s
// come back in the partner's inbound folder, for Import271. It returns the
// file written and how many cases it asks about; a day with nothing to ask
// sends nothing.
func (s *Service) SendEligibilityBatch(ctx context.Context, actor *claimgate.User, day claimgate.Date, mb *clearinghouse.Mailbox, partnerID string) (clearinghouse.OutboundFile, int, error) {
	if !canFrontDesk(actor) {
		return clearinghouse.OutboundFile{}, 0, claimgate.Errorf(claimgate.Forbidden, "checking eligibility needs the front_desk or manager role")
	}
	rows, err := s.Schedule(ctx, day)
	if err != nil {
		return clearinghouse.OutboundFile{}, 0, err
	}
	now := s.now()
	var inqs []*elig.Inquiry
	for _, r := range rows {
		if r.Case.Stage.Zone() != claimgate.FrontEnd || r.Eligibility.Result.Status == Pass {
			continue
		}
		f, err := s.Facts(ctx, r.Case.ID)
		if err != nil {
			return clearinghouse.OutboundFile{}, 0, err
		}
		in, _, err := s.Inquiry270(f, now)
		if err != nil {
			continue // no primary payer to ask: registration's item says so
		}
		if len(inqs) > 0 {
			in.Envelope = inqs[0].Envelope
		}
		in.Envelope.Control = fmt.Sprintf("%04d", len(inqs)+1)
		in.Type = "" // batch, not real time
		inqs = append(inqs, in)
	}
	if len(inqs) == 0 {
		return clearinghouse.OutboundFile{}, 0, nil
	}
	var buf bytes.Buffer
	if err := elig.Write270(&buf, inqs...); err != nil {
		return clearinghouse.OutboundFile{}, 0, fmt.Errorf("write 270 batch: %w", err)
	}
	out, err := mb.Send(ctx, partnerID, clearinghouse.Eligibility, buf.Bytes())
	if err != nil {
		return clearinghouse.OutboundFile{}, 0, fmt.Errorf("send 270 batch: %w", err)
	}
	return out, len(inqs), nil
}

// traceCase reads the case out of the trace numbers Inquiry270 assigns.
var traceCase = regexp.MustCompile(`^CG(\d+)T\d+$`)

// Import271 returns the mailbox handler of 271 files: each response is
// matched to its case by the trace number the 270 carried and recorded as
// CheckEligibility records a real-time answer, as actor. A response whose
// trace names no case of ours is skipped; a file that is not a readable
// 271 is refused (quarantined). Handling a file again records nothing
// twice: a check with the same trace is kept.
func (s *Service) Import271(actor *claimgate.User) clearinghouse.Handler {
	return func(ctx context.Context, in *clearinghouse.Inbound) error {
		rs, err := elig.Read271(bytes.NewReader(in.Data))
		if err != nil {
			return &claimgate.Error{Kind: claimgate.Invalid, Msg: "not a readable 271", Details: []string{claimgate.ErrorMessage(err)}}
		}
		for _, r := range rs {
			trace, caseID := responseTrace(r)
			if caseID == 0 {
				continue
			}
			f, err := s.Facts(ctx, caseID)
			if claimgate.ErrorKind(err) == claimgate.NotFound {
				continue
			}
			if err != nil {
				return err
			}
			seen := false
			for _, c := range f.Front.Checks {
				seen = seen || c.Reference == trace
			}
			cov, ok := f.Primary()
			if seen || !ok {
				continue
			}
			c := claimgate.EligibilityCheck{CaseID: caseID, CoverageID: cov.ID, CoverageKey: cov.Key(), ServiceDate: f.Case.ServiceDate,
				Method: claimgate.EligBy270, Reference: trace, CheckedBy: actor.ID, CheckedAt: s.now(), Response: string(in.Data)}
			readResponse(&c, r, f, trace)
			if _, err := s.recordCheck(ctx, actor, f, c); err != nil {
				return fmt.Errorf("record 271 for case %d: %w", caseID, err)
			}
		}
		return nil
	}
}

// responseTrace returns the trace echoed in a 271 (TRN01 2, at the
// subscriber or the dependent) that one of our 270s assigned, and its case;
// a response rejected before the subscriber (an unknown payer) is known by
// its BHT03, which echoes the same trace.
func responseTrace(r *elig.Response) (string, int64) {
	if sm := traceCase.FindStringSubmatch(r.Ref); sm != nil {
		if id, err := strconv.ParseInt(sm[1], 10, 64); err == nil {
			return r.Ref, id
		}
	}
	for _, src := range r.Sources {
		for _, rcv := range src.Receivers {
			for _, m := range rcv.Subscribers {
				traces := m.Traces
				for _, d := range m.Dependents {
					traces = append(traces, d.Traces...)
				}
				for _, t := range traces {
					if sm := traceCase.FindStringSubmatch(t.Number); sm != nil {
						id, err := strconv.ParseInt(sm[1], 10, 64)
						if err == nil {
							return t.Number, id
						}
					}
				}
			}
		}
	}
	return "", 0
}
