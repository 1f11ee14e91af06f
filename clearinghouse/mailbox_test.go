package clearinghouse_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/store/sqlstore"
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/ack"
	"github.com/claimgate/claimgate/x12/validate"
)

func TestSend(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			s, _ := be.open(t)
			root := t.TempDir()
			p, _ := setup(t, s, root)
			testSend(t, s, p, root)
		})
	}
}

func testSend(t *testing.T, s *sqlstore.Store, p clearinghouse.Partner, root string) {
	ctx := context.Background()
	m := mailbox(s)
	payload := bundle(t, x12.InterchangeHeader{SenderQualifier: "ZZ", SenderID: "BUILDER", ReceiverQualifier: "ZZ",
		ReceiverID: "ANYONE", ControlNumber: "5", Usage: "P"}, "BUILDER", "ANYONE",
		sample(t, "837P", "lfh-demo.example1.837"), sample(t, "837P", "lfh-demo.example2.837"), sample(t, "837P", "lfh-demo.example6.837"))
	srcSets := readSets(t, payload)
	if len(srcSets) < 2 {
		t.Fatalf("sample has %d sets, want several", len(srcSets))
	}

	// Payloads that cannot be sent write nothing and use no numbers.
	bad := []struct {
		name    string
		kind    clearinghouse.Kind
		payload []byte
		msg     string // in the message, when set
	}{
		{"not X12", clearinghouse.Claim837P, []byte("dear payer, please pay"), "not readable X12"},
		{"empty", clearinghouse.Claim837P, nil, "not readable X12"},
		{"another set", clearinghouse.Eligibility, payload, "cannot be sent"},
		{"broken envelope", clearinghouse.Claim837P, bytes.Replace(payload, []byte("SE*"), []byte("SE*9"), 1), "cannot be sent"},
		{"TA1", clearinghouse.TA1, payload, "cannot send"},
		{"unknown kind", "837X", payload, "cannot send"},
		{"institutional as professional", clearinghouse.Claim837P, sample(t, "837I", "lfh-institutional-claim.837i"), "is a 837I"},
	}
	for _, tc := range bad {
		_, err := m.Send(ctx, p.ID, tc.kind, tc.payload)
		if claimgate.ErrorKind(err) != claimgate.Invalid || !strings.Contains(claimgate.ErrorMessage(err), tc.msg) {
			t.Errorf("Send(%s) = %v, want Invalid saying %q", tc.name, err, tc.msg)
		}
	}
	if _, err := m.Send(ctx, "NOPE", clearinghouse.Claim837P, payload); claimgate.ErrorKind(err) != claimgate.NotFound {
		t.Errorf("Send(unknown partner) = %v, want NotFound", err)
	}
	if got := names(t, root, clearinghouse.OutboundDir); len(got) != 0 {
		t.Fatalf("outbound after refused sends = %v, want nothing", got)
	}

	// The second send's payload numbers two sets alike: no matter, the
	// sets are numbered afresh.
	sameST := regexp.MustCompile(`(ST\*837\*|SE\*[0-9]+\*)0002`).ReplaceAll(payload, []byte("${1}0001"))
	if bytes.Equal(sameST, payload) {
		t.Fatal("could not make a payload with a repeated ST02")
	}
	for i, payload := range [][]byte{payload, sameST} {
		f, err := m.Send(ctx, p.ID, clearinghouse.Claim837P, payload)
		if err != nil {
			t.Fatalf("Send #%d: %v %v", i+1, err, claimgate.ErrorDetails(err))
		}
		isa := fmt.Sprintf("%09d", i+1)
		wantName := "TESTCH_837P_" + isa + "_20260314T092653Z.x12"
		if f.Name != wantName {
			t.Errorf("Send #%d name = %s, want %s", i+1, f.Name, wantName)
		}
		data, err := os.ReadFile(filepath.Join(root, clearinghouse.OutboundDir, f.Name))
		must(t, err)
		sum := sha256.Sum256(data)
		if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(data)) || f.ID == 0 {
			t.Errorf("Send #%d record = %+v, want the file's size and hash", i+1, f)
		}
		problems, err := x12.CheckEnvelopes(bytes.NewReader(data))
		if err != nil || len(problems) != 0 {
			t.Errorf("Send #%d wrote envelope problems %v, %v", i+1, problems, err)
		}
		sets := readSets(t, data)
		if len(sets) != len(srcSets) {
			t.Fatalf("Send #%d wrote %d sets, want %d", i+1, len(sets), len(srcSets))
		}
		h, g := sets[0].Interchange, sets[0].Group
		got := []string{h.SenderQualifier, h.SenderID, h.ReceiverQualifier, h.ReceiverID, h.ControlNumber, h.Usage,
			g.FunctionalID, g.SenderCode, g.ReceiverCode, g.ControlNumber, g.Version}
		want := []string{"ZZ", "CLAIMGATE", "ZZ", "TESTCH", isa, "T", "HC", "CLAIMGATE", "TESTCH", fmt.Sprint(i + 1), srcSets[0].Group.Version}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Send #%d envelope (-want +got):\n%s", i+1, d)
		}
		for j, ts := range sets {
			wantST := fmt.Sprintf("%04d", i*len(srcSets)+j+1)
			if ts.ControlNumber != wantST {
				t.Errorf("Send #%d set %d ST02 = %s, want %s", i+1, j, ts.ControlNumber, wantST)
			}
			if d := cmp.Diff(body(srcSets[j]), body(ts)); d != "" {
				t.Errorf("Send #%d set %d body changed (-sample +sent):\n%s", i+1, j, d)
			}
		}
	}
	recs, err := s.OutboundFiles(ctx, p.ID)
	must(t, err)
	if len(recs) != 2 || recs[0].Control.ISA13 != 1 || recs[1].Control.ISA13 != 2 || recs[1].Control.ST02 != int64(len(srcSets)+1) {
		t.Errorf("OutboundFiles = %+v, want ISA13 1 and 2", recs)
	}
	es, err := os.ReadDir(filepath.Join(root, clearinghouse.OutboundDir))
	must(t, err)
	if len(es) != 2 {
		t.Errorf("outbound holds %d entries, want the 2 files and no temporary ones", len(es))
	}
}

func readSets(t *testing.T, data []byte) []*x12.TransactionSet {
	t.Helper()
	sr := x12.NewSetReader(x12.NewReader(bytes.NewReader(data)))
	var out []*x12.TransactionSet
	for {
		ts, err := sr.Next()
		if err == io.EOF {
			return out
		}
		must(t, err)
		out = append(out, ts)
	}
}

// body returns the segments of ts between ST and SE as text with ts's own
// delimiters.
func body(ts *x12.TransactionSet) []string {
	var out []string
	for _, s := range ts.Segments[1 : len(ts.Segments)-1] {
		out = append(out, string(s.Raw()))
	}
	return out
}

// recorder is a Handler that counts its calls per file name and fails
// as told.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int
	fail  map[string][]error // errors to return, one per call, then nil
	delay time.Duration
}

func (r *recorder) handle(ctx context.Context, in *clearinghouse.Inbound) error {
	r.mu.Lock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	r.calls[in.File.Name]++
	var err error
	if errs := r.fail[in.File.Name]; len(errs) > 0 {
		err, r.fail[in.File.Name] = errs[0], errs[1:]
	}
	r.mu.Unlock()
	if r.delay > 0 {
		time.Sleep(r.delay)
	}
	return err
}

func TestPoll(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) { testPoll(t, be.open) })
	}
}

func testPoll(t *testing.T, open func(t *testing.T) (a, b *sqlstore.Store)) {
	type file struct {
		name string
		data func(p clearinghouse.Partner, good []byte) []byte
	}
	goodFile := func(name string) file {
		return file{name, func(_ clearinghouse.Partner, good []byte) []byte { return good }}
	}
	tests := []struct {
		name  string
		files []file
		fail  map[string][]error
		polls []clearinghouse.PollResult // what each poll reports
		calls map[string]int
		// Where the files end: archive, quarantine (with a .reason each)
		// and inbound.
		archive, quarantine, inbound []string
		reasons                      map[string][]string // substrings of each .reason
		acks                         int                 // 999 files written to outbound
	}{{
		name:    "good file",
		files:   []file{goodFile("era.835")},
		polls:   []clearinghouse.PollResult{{Done: 1}, {}},
		calls:   map[string]int{"era.835": 1},
		archive: []string{"era.835"},
		acks:    1,
	}, {
		name:       "not X12",
		files:      []file{{"junk.x12", func(clearinghouse.Partner, []byte) []byte { return []byte("Dear clearinghouse,\nhello.") }}},
		polls:      []clearinghouse.PollResult{{Quarantined: 1}, {}},
		quarantine: []string{"junk.x12"},
		reasons:    map[string][]string{"junk.x12": {"file: junk.x12", "partner: TESTCH", "ISA"}},
	}, {
		name:       "empty file",
		files:      []file{{"empty.835", func(clearinghouse.Partner, []byte) []byte { return nil }}},
		polls:      []clearinghouse.PollResult{{Quarantined: 1}},
		quarantine: []string{"empty.835"},
		reasons:    map[string][]string{"empty.835": {"input is empty"}},
	}, {
		name: "trailer control number differs",
		files: []file{{"iea.835", func(_ clearinghouse.Partner, good []byte) []byte {
			return bytes.Replace(good, []byte("IEA*1*000000101"), []byte("IEA*1*000000999"), 1)
		}}},
		polls:      []clearinghouse.PollResult{{Quarantined: 1}},
		quarantine: []string{"iea.835"},
		reasons:    map[string][]string{"iea.835": {"(IEA): element 2", "kind: 835"}},
		acks:       1, // the 835 is still acknowledged: TA1 note 001
	}, {
		name: "from another sender in test mode",
		files: []file{{"stray.835", func(p clearinghouse.Partner, good []byte) []byte {
			p.TheirID, p.Usage = "SOMEONEELSE", "P"
			return fromPartner(t, p, 101, sample(t, "835", "lfh-managed-care.835"))
		}}},
		polls:      []clearinghouse.PollResult{{Quarantined: 1}},
		quarantine: []string{"stray.835"},
		reasons: map[string][]string{"stray.835": {`segment 1 (ISA): element 6: sender ID "SOMEONEELSE" is not "TESTCH"`,
			"element 15: usage indicator"}},
		acks: 1,
	}, {
		name:       "handler refuses",
		files:      []file{goodFile("refused.835")},
		fail:       map[string][]error{"refused.835": {&claimgate.Error{Kind: claimgate.Invalid, Msg: "payer TP999 is unknown", Details: []string{"segment 6 (N1): element 4"}}}},
		polls:      []clearinghouse.PollResult{{Quarantined: 1}, {}},
		calls:      map[string]int{"refused.835": 1},
		quarantine: []string{"refused.835"},
		reasons:    map[string][]string{"refused.835": {"payer TP999 is unknown", "segment 6 (N1): element 4"}},
		acks:       1,
	}, {
		name:    "handler fails for a while",
		files:   []file{goodFile("later.835")},
		fail:    map[string][]error{"later.835": {errors.New("database busy"), errors.New("database busy")}},
		polls:   []clearinghouse.PollResult{{Retried: 1}, {Retried: 1}, {Done: 1}, {}},
		calls:   map[string]int{"later.835": 3},
		archive: []string{"later.835"},
		acks:    1,
	}, {
		name:       "handler fails for good",
		files:      []file{goodFile("poison.835")},
		fail:       map[string][]error{"poison.835": {errors.New("boom"), errors.New("boom"), errors.New("boom"), errors.New("boom")}},
		polls:      []clearinghouse.PollResult{{Retried: 1}, {Retried: 1}, {Retried: 1}, {Quarantined: 1}, {}},
		calls:      map[string]int{"poison.835": 3},
		reasons:    map[string][]string{"poison.835": {"claimed 3 times without ending; last error: boom"}},
		quarantine: []string{"poison.835"},
		acks:       1,
	}, {
		name: "duplicate under another name",
		files: []file{goodFile("a.835"), goodFile("b.835"), {"c.835", func(p clearinghouse.Partner, _ []byte) []byte {
			return fromPartner(t, p, 102, sample(t, "835", "lfh-managed-care.835"))
		}}},
		polls:   []clearinghouse.PollResult{{Done: 2, Duplicates: 1}, {}},
		calls:   map[string]int{"a.835": 1, "c.835": 1},
		archive: []string{"a.835", "b.835", "c.835"},
		acks:    2,
	}, {
		name:    "uploads in progress",
		files:   []file{goodFile(".hidden.835"), goodFile("era.835.part"), goodFile("era.835.tmp"), goodFile("era.835.filepart")},
		polls:   []clearinghouse.PollResult{{}},
		inbound: []string{"era.835.filepart", "era.835.part", "era.835.tmp"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, _ := open(t)
			root := t.TempDir()
			p, biller := setup(t, s, root)
			m := mailbox(s)
			m.MaxAttempts = 3
			good := fromPartner(t, p, 101, sample(t, "835", "lfh-managed-care.835"))
			for _, f := range tc.files {
				drop(t, root, f.name, f.data(p, good))
			}
			rec := &recorder{fail: tc.fail}
			for i, want := range tc.polls {
				got, err := m.Poll(ctx, rec.handle)
				must(t, err)
				if got != want {
					t.Errorf("poll %d = %+v, want %+v", i+1, got, want)
				}
			}
			if d := cmp.Diff(tc.calls, rec.calls); d != "" && (len(tc.calls) > 0 || len(rec.calls) > 0) {
				t.Errorf("handler calls (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.archive, names(t, root, clearinghouse.ArchiveDir)); d != "" {
				t.Errorf("archive (-want +got):\n%s", d)
			}
			var wantQ []string
			for _, n := range tc.quarantine {
				wantQ = append(wantQ, n, n+".reason")
			}
			if d := cmp.Diff(wantQ, names(t, root, clearinghouse.QuarantineDir)); d != "" {
				t.Errorf("quarantine (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.inbound, names(t, root, clearinghouse.InboundDir)); d != "" {
				t.Errorf("inbound (-want +got):\n%s", d)
			}
			for name, subs := range tc.reasons {
				b, err := os.ReadFile(filepath.Join(root, clearinghouse.QuarantineDir, name+".reason"))
				must(t, err)
				for _, sub := range subs {
					if !strings.Contains(string(b), sub) {
						t.Errorf("%s.reason lacks %q:\n%s", name, sub, b)
					}
				}
			}
			// Each quarantined file has its work item, for the biller, and an event.
			work, err := s.WorkItems(ctx, claimgate.WorkFilter{Queue: clearinghouse.Queue})
			must(t, err)
			if len(work) != len(tc.quarantine) {
				t.Errorf("%d work items in %s, want %d", len(work), clearinghouse.Queue, len(tc.quarantine))
			}
			for _, w := range work {
				if w.OwnerID != biller.ID || w.Status != claimgate.WorkOpen || !strings.Contains(w.Reason, "quarantined") {
					t.Errorf("work item %+v, want an open item for the biller", w)
				}
			}
			if n := countEvents(t, s, clearinghouse.EventFileQuarantined); n != len(tc.quarantine) {
				t.Errorf("%d quarantine events, want %d", n, len(tc.quarantine))
			}
			checkAcks(t, s, p, root, tc.acks)
		})
	}
}

// checkAcks checks that outbound holds n acknowledgments, each recorded,
// addressed to p and numbered from p's counters.
func checkAcks(t *testing.T, s *sqlstore.Store, p clearinghouse.Partner, root string, n int) {
	t.Helper()
	files := names(t, root, clearinghouse.OutboundDir)
	if len(files) != n {
		t.Fatalf("outbound = %v, want %d acknowledgments", files, n)
	}
	recs, err := s.OutboundFiles(context.Background(), p.ID)
	must(t, err)
	if len(recs) != n {
		t.Errorf("%d outbound records, want %d", len(recs), n)
	}
	for _, r := range recs {
		data, err := os.ReadFile(filepath.Join(root, clearinghouse.OutboundDir, r.Name))
		must(t, err)
		ic, err := ack.Parse(bytes.NewReader(data))
		must(t, err)
		h := ic.Header
		if h.SenderID != p.OurID || h.ReceiverID != p.TheirID || h.ControlNumber != r.Control.ISA() || h.Usage != p.Usage || r.InboundID == 0 {
			t.Errorf("acknowledgment %s: ISA %+v, record %+v", r.Name, h, r)
		}
		for _, g := range ic.Groups {
			if g.Header.ControlNumber != r.Control.GS() || g.Header.SenderCode != p.OurAppCode {
				t.Errorf("acknowledgment %s: GS %+v, want GS06 %s", r.Name, g.Header, r.Control.GS())
			}
			for i, a := range g.Acks {
				if a.ControlNumber != r.Control.ST(i) {
					t.Errorf("acknowledgment %s: 999 %d ST02 %s, want %s", r.Name, i, a.ControlNumber, r.Control.ST(i))
				}
			}
		}
		// The 999s follow their guide.
		env, err := validate.Stream(bytes.NewReader(data), func(sr *validate.SetResult) error {
			for _, f := range sr.Findings {
				if f.Severity == validate.Error {
					t.Errorf("acknowledgment %s: %v", r.Name, f)
				}
			}
			return nil
		})
		if err != nil || len(env) > 0 {
			t.Errorf("acknowledgment %s: envelope problems %v %v", r.Name, env, err)
		}
	}
}

// TestPollAfterCrash sets up the states a killed poller leaves behind, and
// checks what the next poll makes of each.
func TestPollAfterCrash(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) { testPollAfterCrash(t, be.open) })
	}
}

func testPollAfterCrash(t *testing.T, open func(t *testing.T) (a, b *sqlstore.Store)) {
	long := 10 * time.Minute
	tests := []struct {
		name string
		// leave brings the file's row to where the dead poller left it.
		leave   func(t *testing.T, s *sqlstore.Store, f clearinghouse.InboundFile, token string) error
		claimed time.Time // when the dead poller claimed it (its lease runs a minute)
		want    clearinghouse.PollResult
		calls   int
		folder  string // where the file ends
		acks    int
		work    int
	}{{
		name:    "killed while handling, lease run out",
		leave:   func(*testing.T, *sqlstore.Store, clearinghouse.InboundFile, string) error { return nil },
		claimed: t0.Add(-long),
		want:    clearinghouse.PollResult{Done: 1},
		calls:   1,
		folder:  clearinghouse.ArchiveDir,
		acks:    1,
	}, {
		name:    "killed while handling, lease still running",
		leave:   func(*testing.T, *sqlstore.Store, clearinghouse.InboundFile, string) error { return nil },
		claimed: t0,
		want:    clearinghouse.PollResult{Skipped: 1},
		folder:  clearinghouse.InboundDir,
	}, {
		name: "killed after done, before the move",
		leave: func(t *testing.T, s *sqlstore.Store, f clearinghouse.InboundFile, token string) error {
			_, err := s.FinishInbound(context.Background(), clearinghouse.Finish{ID: f.ID, Token: token, Status: clearinghouse.Done,
				Kind: clearinghouse.Remittance, At: t0.Add(-long), AckSets: 1})
			return err
		},
		claimed: t0.Add(-long),
		want:    clearinghouse.PollResult{}, // not handled again; only moved
		folder:  clearinghouse.ArchiveDir,
		acks:    1,
	}, {
		name: "killed after done, holder's lease still running",
		leave: func(t *testing.T, s *sqlstore.Store, f clearinghouse.InboundFile, token string) error {
			_, err := s.FinishInbound(context.Background(), clearinghouse.Finish{ID: f.ID, Token: token, Status: clearinghouse.Done, At: t0})
			return err
		},
		claimed: t0,
		want:    clearinghouse.PollResult{Skipped: 1},
		folder:  clearinghouse.InboundDir,
	}, {
		name: "killed after quarantine, before the move",
		leave: func(t *testing.T, s *sqlstore.Store, f clearinghouse.InboundFile, token string) error {
			users, err := s.UsersWithRole(context.Background(), claimgate.Biller)
			must(t, err)
			_, err = s.FinishInbound(context.Background(), clearinghouse.Finish{ID: f.ID, Token: token, Status: clearinghouse.Quarantined,
				Reason: "segment 9 (CLP): element 2: bad status", At: t0.Add(-long),
				Work: &claimgate.WorkItem{Queue: clearinghouse.Queue, OwnerID: users[0].ID, Reason: "quarantined"}})
			return err
		},
		claimed: t0.Add(-long),
		want:    clearinghouse.PollResult{},
		folder:  clearinghouse.QuarantineDir,
		work:    1, // the one opened before the crash, no second
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, _ := open(t)
			root := t.TempDir()
			p, _ := setup(t, s, root)
			data := fromPartner(t, p, 101, sample(t, "835", "lfh-managed-care.835"))
			drop(t, root, "era.835", data)
			sum := sha256.Sum256(data)
			f, err := s.RegisterInbound(ctx, clearinghouse.InboundFile{PartnerID: p.ID, Name: "era.835", Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
			must(t, err)
			f, err = s.ClaimInbound(ctx, f.ID, "dead-poller", tc.claimed, tc.claimed.Add(time.Minute))
			must(t, err)
			must(t, tc.leave(t, s, f, "dead-poller"))

			rec := &recorder{}
			got, err := mailbox(s).Poll(ctx, rec.handle)
			must(t, err)
			if got != tc.want {
				t.Errorf("Poll = %+v, want %+v", got, tc.want)
			}
			if rec.calls["era.835"] != tc.calls {
				t.Errorf("handler called %d times, want %d", rec.calls["era.835"], tc.calls)
			}
			if _, err := os.Stat(filepath.Join(root, tc.folder, "era.835")); err != nil {
				t.Errorf("era.835 is not in %s: %v", tc.folder, err)
			}
			if tc.folder == clearinghouse.QuarantineDir {
				b, err := os.ReadFile(filepath.Join(root, tc.folder, "era.835.reason"))
				if err != nil || !strings.Contains(string(b), "segment 9 (CLP): element 2") {
					t.Errorf("era.835.reason = %q, %v; want the recorded reason", b, err)
				}
			}
			work, err := s.WorkItems(ctx, claimgate.WorkFilter{Queue: clearinghouse.Queue})
			must(t, err)
			if len(work) != tc.work {
				t.Errorf("%d work items, want %d", len(work), tc.work)
			}
			checkAcks(t, s, p, root, tc.acks)
			// Another poll changes nothing.
			before := names(t, root, tc.folder)
			if _, err := mailbox(s).Poll(ctx, rec.handle); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(before, names(t, root, tc.folder)); d != "" {
				t.Errorf("second poll moved files (-before +after):\n%s", d)
			}
		})
	}
}

// TestTwoPollers has two server instances (two stores over one database)
// poll one folder at the same time: no file may be handled twice.
func TestTwoPollers(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			a, b := be.open(t)
			root := t.TempDir()
			p, _ := setup(t, a, root)
			const n = 30
			src := sample(t, "835", "lfh-managed-care.835")
			for i := range n {
				drop(t, root, fmt.Sprintf("era%02d.835", i), fromPartner(t, p, 200+i, src))
			}
			rec := &recorder{delay: 5 * time.Millisecond}
			var wg sync.WaitGroup
			var mu sync.Mutex
			var total clearinghouse.PollResult
			for _, s := range []*sqlstore.Store{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					m := clearinghouse.New(s, nil, nil)
					for range 20 {
						r, err := m.Poll(ctx, rec.handle)
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						total.Done += r.Done
						mu.Unlock()
						if len(names(t, root, clearinghouse.InboundDir)) == 0 {
							return
						}
					}
				}()
			}
			wg.Wait()
			if len(rec.calls) != n {
				t.Errorf("%d files handled, want %d", len(rec.calls), n)
			}
			for name, c := range rec.calls {
				if c != 1 {
					t.Errorf("%s handled %d times", name, c)
				}
			}
			if total.Done != n {
				t.Errorf("polls report %d done, want %d", total.Done, n)
			}
			if got := names(t, root, clearinghouse.ArchiveDir); len(got) != n {
				t.Errorf("archive holds %d files, want %d", len(got), n)
			}
			if got := countEvents(t, a, clearinghouse.EventFileDone); got != n {
				t.Errorf("%d done events, want %d", got, n)
			}
			checkAcks(t, a, p, root, n)
		})
	}
}

// TestPollOverTime covers what happens across polls: a new file under the
// name of one archived before, a file still being written in place, a
// temporary file left by a writer that died, and a Router without a
// handler for a kind.
func TestPollOverTime(t *testing.T) {
	ctx := context.Background()
	s := openSQLite(t, filepath.Join(t.TempDir(), "claimgate.db"))
	root := t.TempDir()
	p, _ := setup(t, s, root)
	now := t0
	m := mailbox(s)
	m.Now = func() time.Time { return now }
	m.MinAge = 10 * time.Second
	src := sample(t, "835", "lfh-managed-care.835")
	var got []string
	refuse := true
	router := clearinghouse.Router{clearinghouse.Remittance: func(_ context.Context, in *clearinghouse.Inbound) error {
		got = append(got, fmt.Sprintf("%s#%d", in.File.Name, in.File.ID))
		if refuse && strings.HasPrefix(in.File.Name, "refuse") {
			return claimgate.Errorf(claimgate.Invalid, "unknown payer")
		}
		return nil
	}}
	stale := filepath.Join(root, clearinghouse.OutboundDir, ".x.tmp-123")
	must(t, os.WriteFile(stale, nil, 0o600))
	must(t, os.Chtimes(stale, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour)))
	fresh := filepath.Join(root, clearinghouse.OutboundDir, ".y.tmp-456")
	must(t, os.WriteFile(fresh, nil, 0o600))

	// The partner's 999 for an 835 we sent it (to have one addressed to us).
	ours := bundle(t, x12.InterchangeHeader{SenderQualifier: p.OurQualifier, SenderID: p.OurID, ReceiverQualifier: p.TheirQualifier,
		ReceiverID: p.TheirID, ControlNumber: "3", Usage: p.Usage}, p.OurAppCode, p.TheirAppCode, src)
	steps := []struct {
		name  string
		drop  map[string][]byte
		ahead time.Duration // how far the mailbox clock is ahead of the files' modification times
		want  clearinghouse.PollResult
		calls []string
	}{
		{"young file", map[string][]byte{"era.835": fromPartner(t, p, 1, src)}, 0, clearinghouse.PollResult{Skipped: 1}, nil},
		{"settled", nil, time.Minute, clearinghouse.PollResult{Done: 1}, []string{"era.835#1"}},
		{"same name, new content", map[string][]byte{"era.835": fromPartner(t, p, 2, src)}, time.Minute,
			clearinghouse.PollResult{Done: 1}, []string{"era.835#1", "era.835#2"}},
		{"a kind nobody imports", map[string][]byte{"ack.999": ack999(t, ours)}, time.Minute,
			clearinghouse.PollResult{Quarantined: 1}, []string{"era.835#1", "era.835#2"}},
		{"refused", map[string][]byte{"refuse.835": fromPartner(t, p, 4, src)}, time.Minute,
			clearinghouse.PollResult{Quarantined: 1}, []string{"era.835#1", "era.835#2", "refuse.835#4"}},
		// Once the cause is fixed, the quarantined file is retried under a new name.
		{"retried", map[string][]byte{"retry.835": fromPartner(t, p, 4, src)}, time.Minute,
			clearinghouse.PollResult{Done: 1}, []string{"era.835#1", "era.835#2", "refuse.835#4", "retry.835#5"}},
	}
	for _, st := range steps {
		for name, data := range st.drop {
			drop(t, root, name, data)
		}
		now = time.Now().Add(st.ahead)
		refuse = st.name != "retried"
		res, err := m.Poll(ctx, router.Handle)
		must(t, err)
		if res != st.want {
			t.Errorf("%s: Poll = %+v, want %+v", st.name, res, st.want)
		}
		if d := cmp.Diff(st.calls, got); d != "" {
			t.Errorf("%s: handled (-want +got):\n%s", st.name, d)
		}
	}
	if d := cmp.Diff([]string{"era.835", "era.835.2", "retry.835"}, names(t, root, clearinghouse.ArchiveDir)); d != "" {
		t.Errorf("archive (-want +got):\n%s", d)
	}
	b, err := os.ReadFile(filepath.Join(root, clearinghouse.QuarantineDir, "ack.999.reason"))
	if err != nil || !strings.Contains(string(b), "claimgate does not import 999 files") {
		t.Errorf("ack.999.reason = %q, %v", b, err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file removed: %v", err)
	}
}

// TestLease has a slow handler hold a file while a second poller, on
// another store, polls the same folder. With the first poller's renewals the
// file stays its own. When the first poller's lease runs out for all that
// (its clock lags, as a stalled process's would), the second takes the file
// over, and the first's handler is canceled and its result discarded.
func TestLease(t *testing.T) {
	tests := []struct {
		name string
		lag  time.Duration // how far the first poller's clock is behind
		// want from the first and second pollers, over all polls
		first, second clearinghouse.PollResult
		calls         int
	}{
		{"renewed", 0, clearinghouse.PollResult{Done: 1}, clearinghouse.PollResult{}, 1},
		{"lost", time.Hour, clearinghouse.PollResult{Skipped: 1}, clearinghouse.PollResult{Done: 1}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "claimgate.db")
			a, b := openSQLite(t, path), openSQLite(t, path)
			root := t.TempDir()
			p, _ := setup(t, a, root)
			drop(t, root, "slow.835", fromPartner(t, p, 1, sample(t, "835", "lfh-managed-care.835")))

			var mu sync.Mutex
			calls := 0
			started := make(chan struct{}, 2)
			slow := func(ctx context.Context, in *clearinghouse.Inbound) error {
				mu.Lock()
				calls++
				mu.Unlock()
				started <- struct{}{}
				select {
				case <-time.After(900 * time.Millisecond):
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			first := clearinghouse.New(a, nil, nil)
			first.Lease = 300 * time.Millisecond
			first.Now = func() time.Time { return time.Now().Add(-tc.lag) }
			done := make(chan clearinghouse.PollResult)
			go func() {
				r, err := first.Poll(ctx, slow)
				if err != nil {
					t.Error(err)
				}
				done <- r
			}()
			<-started
			second := clearinghouse.New(b, nil, nil)
			second.Lease = 300 * time.Millisecond
			var got clearinghouse.PollResult
			for range 8 {
				time.Sleep(150 * time.Millisecond)
				r, err := second.Poll(ctx, func(ctx context.Context, in *clearinghouse.Inbound) error {
					mu.Lock()
					calls++
					mu.Unlock()
					return nil
				})
				must(t, err)
				got.Done += r.Done
				got.Quarantined += r.Quarantined
				got.Retried += r.Retried
			}
			if got != tc.second {
				t.Errorf("second poller: %+v, want %+v", got, tc.second)
			}
			if r := <-done; r != tc.first {
				t.Errorf("first poller: %+v, want %+v", r, tc.first)
			}
			if got := names(t, root, clearinghouse.ArchiveDir); len(got) != 1 || calls != tc.calls {
				t.Errorf("archive %v after %d calls, want the file after %d", got, calls, tc.calls)
			}
			if n := countEvents(t, a, clearinghouse.EventFileDone); n != 1 {
				t.Errorf("%d done events, want 1", n)
			}
		})
	}
}
