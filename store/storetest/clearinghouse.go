package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
)

// Clearinghouse runs the suite of clearinghouse.Store: trading partners,
// control numbers, and the claims on inbound files. open is as for Run.
func Clearinghouse(t *testing.T, open func(t *testing.T) claimgate.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s claimgate.Store)
	}{
		{"Partners", testPartners},
		{"PartnerErrors", testPartnerErrors},
		{"ControlNumbers", testControlNumbers},
		{"Outbound", testOutbound},
		{"RegisterInbound", testRegisterInbound},
		{"ClaimInbound", testClaimInbound},
		{"FinishInbound", testFinishInbound},
		{"ControlNumberRace", func(t *testing.T, s claimgate.Store) { ControlNumberRace(t, s, s) }},
		{"InboundClaimRace", func(t *testing.T, s claimgate.Store) { InboundClaimRace(t, s, s) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func chStore(t *testing.T, s claimgate.Store) clearinghouse.Store {
	t.Helper()
	cs, ok := s.(clearinghouse.Store)
	if !ok {
		t.Fatalf("%T does not keep trading partners (clearinghouse.Store)", s)
	}
	return cs
}

// partner returns a valid test partner with id.
func partner(id string) clearinghouse.Partner {
	return clearinghouse.Partner{ID: id, Name: "Test clearinghouse " + id,
		OurQualifier: "ZZ", OurID: "CLAIMGATE", TheirQualifier: "ZZ", TheirID: "CH" + id,
		OurAppCode: "CLAIMGATE", TheirAppCode: "CH" + id, PayerIDs: []string{"TP001", "TP002"},
		Usage: "T", Mailbox: "/srv/mailbox/" + id, Acknowledge: []clearinghouse.Kind{clearinghouse.Remittance, clearinghouse.ClaimAck},
		CreatedAt: t0}
}

// addPartner creates a partner with id in s.
func addPartner(t *testing.T, s claimgate.Store, id string) clearinghouse.Partner {
	t.Helper()
	p := partner(id)
	must(t, chStore(t, s).CreatePartner(context.Background(), &p))
	return p
}

func testPartners(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	cs := chStore(t, s)
	b := addPartner(t, s, "B-2")
	a := partner("A1")
	a.PayerIDs, a.Acknowledge, a.Mailbox, a.Usage, a.CreatedAt = nil, nil, "", "P", time.Time{}
	must(t, cs.CreatePartner(ctx, &a))
	if a.CreatedAt.IsZero() {
		t.Error("CreatePartner did not set CreatedAt")
	}
	got, err := cs.Partner(ctx, "B-2")
	must(t, err)
	b.CreatedAt = b.CreatedAt.UTC().Truncate(time.Microsecond)
	diff(t, "Partner(B-2)", got, b)
	all, err := cs.Partners(ctx)
	must(t, err)
	diff(t, "Partners", all, []clearinghouse.Partner{a, b}, cmpopts.EquateEmpty())

	// Going live: production, another mailbox; the numbers go on.
	_, err = cs.NextControlNumbers(ctx, "B-2", 1)
	must(t, err)
	live := b
	live.Usage, live.Mailbox, live.PayerIDs, live.CreatedAt = "P", "/srv/mailbox/live", []string{"TP003"}, time.Time{}
	must(t, cs.UpdatePartner(ctx, &live))
	if !live.CreatedAt.Equal(b.CreatedAt) {
		t.Errorf("UpdatePartner set CreatedAt %v, want the stored %v", live.CreatedAt, b.CreatedAt)
	}
	got, err = cs.Partner(ctx, "B-2")
	must(t, err)
	diff(t, "Partner(B-2) after UpdatePartner", got, live)
	c, err := cs.NextControlNumbers(ctx, "B-2", 1)
	must(t, err)
	if c.ISA13 != 2 {
		t.Errorf("NextControlNumbers after UpdatePartner = %+v, want ISA13 2", c)
	}
	unknown := partner("NOPE")
	wantKind(t, "UpdatePartner(unknown)", cs.UpdatePartner(ctx, &unknown), claimgate.NotFound)
	invalid := live
	invalid.Usage = "X"
	wantKind(t, "UpdatePartner(invalid)", cs.UpdatePartner(ctx, &invalid), claimgate.Invalid)
	taken := a
	taken.Mailbox = live.Mailbox
	wantKind(t, "UpdatePartner(another's mailbox)", cs.UpdatePartner(ctx, &taken), claimgate.Conflict)
}

func testPartnerErrors(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	cs := chStore(t, s)
	addPartner(t, s, "P1")
	dup := partner("P1")
	wantKind(t, "CreatePartner(duplicate)", cs.CreatePartner(ctx, &dup), claimgate.Conflict)
	sameBox := partner("P3")
	sameBox.Mailbox = dup.Mailbox
	err := cs.CreatePartner(ctx, &sameBox)
	wantKind(t, "CreatePartner(another's mailbox)", err, claimgate.Conflict)
	if !strings.Contains(claimgate.ErrorMessage(err), "P1") {
		t.Errorf("CreatePartner(another's mailbox) = %v, want it to name P1", err)
	}
	noBox := partner("P4")
	noBox.Mailbox = ""
	must(t, cs.CreatePartner(ctx, &noBox))
	noBox2 := partner("P5")
	noBox2.Mailbox = ""
	must(t, cs.CreatePartner(ctx, &noBox2)) // real-time only partners share no folder
	_, err = cs.Partner(ctx, "nope")
	wantKind(t, "Partner(unknown)", err, claimgate.NotFound)
	bad := []struct {
		name   string
		change func(p *clearinghouse.Partner)
	}{
		{"empty ID", func(p *clearinghouse.Partner) { p.ID = "" }},
		{"underscore in ID", func(p *clearinghouse.Partner) { p.ID = "A_B" }},
		{"long qualifier", func(p *clearinghouse.Partner) { p.OurQualifier = "ZZZ" }},
		{"ISA06 too long", func(p *clearinghouse.Partner) { p.OurID = "1234567890123456" }},
		{"ISA08 with a delimiter", func(p *clearinghouse.Partner) { p.TheirID = "A*B" }},
		{"short GS03", func(p *clearinghouse.Partner) { p.TheirAppCode = "X" }},
		{"usage", func(p *clearinghouse.Partner) { p.Usage = "I" }},
		{"payer ID with comma", func(p *clearinghouse.Partner) { p.PayerIDs = []string{"A,B"} }},
		{"acknowledge 999", func(p *clearinghouse.Partner) { p.Acknowledge = []clearinghouse.Kind{clearinghouse.Ack999} }},
	}
	for _, tc := range bad {
		p := partner("P2")
		tc.change(&p)
		wantKind(t, "CreatePartner("+tc.name+")", cs.CreatePartner(ctx, &p), claimgate.Invalid)
	}
	all, err := cs.Partners(ctx)
	must(t, err)
	if len(all) != 3 {
		t.Errorf("Partners after refused creates = %d partners, want 3", len(all))
	}
}

func testControlNumbers(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	cs := chStore(t, s)
	addPartner(t, s, "A")
	addPartner(t, s, "B")
	steps := []struct {
		partner string
		sets    int
		want    clearinghouse.Control
	}{
		{"A", 1, clearinghouse.Control{ISA13: 1, GS06: 1, ST02: 1, Sets: 1}},
		{"A", 3, clearinghouse.Control{ISA13: 2, GS06: 2, ST02: 2, Sets: 3}},
		{"B", 2, clearinghouse.Control{ISA13: 1, GS06: 1, ST02: 1, Sets: 2}}, // each partner counts alone
		{"A", 1, clearinghouse.Control{ISA13: 3, GS06: 3, ST02: 5, Sets: 1}},
	}
	for _, st := range steps {
		got, err := cs.NextControlNumbers(ctx, st.partner, st.sets)
		must(t, err)
		diff(t, fmt.Sprintf("NextControlNumbers(%s, %d)", st.partner, st.sets), got, st.want)
	}
	// A partner taken over from another system starts where it left off,
	// and runs out at nine digits.
	late := partner("LATE")
	late.FirstControl = clearinghouse.MaxControl - 1
	must(t, cs.CreatePartner(ctx, &late))
	got, err := cs.NextControlNumbers(ctx, "LATE", 2)
	must(t, err)
	diff(t, "NextControlNumbers(LATE)", got, clearinghouse.Control{ISA13: clearinghouse.MaxControl - 1,
		GS06: clearinghouse.MaxControl - 1, ST02: clearinghouse.MaxControl - 1, Sets: 2})
	_, err = cs.NextControlNumbers(ctx, "LATE", 1)
	wantKind(t, "NextControlNumbers(past nine digits)", err, claimgate.Conflict)
	bad := partner("BAD")
	bad.FirstControl = clearinghouse.MaxControl + 1
	wantKind(t, "CreatePartner(first control past nine digits)", cs.CreatePartner(ctx, &bad), claimgate.Invalid)

	c := clearinghouse.Control{ISA13: 7, GS06: 7, ST02: 12, Sets: 2}
	if c.ISA() != "000000007" || c.GS() != "7" || c.ST(0) != "0012" || c.ST(1) != "0013" {
		t.Errorf("Control %+v writes ISA %s GS %s ST %s %s", c, c.ISA(), c.GS(), c.ST(0), c.ST(1))
	}
	_, err = cs.NextControlNumbers(ctx, "nope", 1)
	wantKind(t, "NextControlNumbers(unknown)", err, claimgate.NotFound)
	_, err = cs.NextControlNumbers(ctx, "A", 0)
	wantKind(t, "NextControlNumbers(0 sets)", err, claimgate.Invalid)
	// ST02 has nine digits: a block that would pass it is refused whole,
	// and the counters stay where they were.
	_, err = cs.NextControlNumbers(ctx, "B", clearinghouse.MaxControl)
	wantKind(t, "NextControlNumbers(past the last ST02)", err, claimgate.Conflict)
	got, err = cs.NextControlNumbers(ctx, "B", 1)
	must(t, err)
	diff(t, "NextControlNumbers(B) after a refused block", got, clearinghouse.Control{ISA13: 2, GS06: 2, ST02: 3, Sets: 1})
}

func testOutbound(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	cs := chStore(t, s)
	addPartner(t, s, "A")
	addPartner(t, s, "B")
	c, err := cs.NextControlNumbers(ctx, "A", 2)
	must(t, err)
	a := clearinghouse.OutboundFile{PartnerID: "A", Kind: clearinghouse.Claim837P, Name: "A_837P_000000001_x.x12",
		Control: c, Size: 100, SHA256: "ab", CreatedAt: t0}
	must(t, cs.RecordOutbound(ctx, &a))
	b := clearinghouse.OutboundFile{PartnerID: "B", Kind: clearinghouse.Ack999, Name: "B_999",
		Control: clearinghouse.Control{ISA13: 1, GS06: 1, ST02: 1, Sets: 1}, Size: 10, SHA256: "cd", InboundID: 0}
	must(t, cs.RecordOutbound(ctx, &b))
	if a.ID == 0 || b.ID == 0 || b.CreatedAt.IsZero() {
		t.Errorf("RecordOutbound left ID or CreatedAt unset: %+v %+v", a, b)
	}
	again := a
	again.ID = 0
	wantKind(t, "RecordOutbound(same ISA13)", cs.RecordOutbound(ctx, &again), claimgate.Conflict)
	got, err := cs.OutboundFiles(ctx, "A")
	must(t, err)
	a.CreatedAt = a.CreatedAt.UTC().Truncate(time.Microsecond)
	diff(t, "OutboundFiles(A)", got, []clearinghouse.OutboundFile{a})
	all, err := cs.OutboundFiles(ctx, "")
	must(t, err)
	if len(all) != 2 {
		t.Errorf("OutboundFiles() = %d files, want 2", len(all))
	}
}

func testRegisterInbound(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	cs := chStore(t, s)
	addPartner(t, s, "A")
	addPartner(t, s, "B")
	steps := []struct {
		partner, name, sha string
		want               clearinghouse.Status
		sameAs             int // index of the step whose row is returned again; -1 for a new row
		dupOf              int // index of the step whose row it duplicates; -1 for none
	}{
		{"A", "era1.835", "s1", clearinghouse.Received, -1, -1},
		{"A", "era1.835", "s1", clearinghouse.Received, 0, -1}, // seen again: the same row
		{"A", "era2.835", "s2", clearinghouse.Received, -1, -1},
		{"A", "copy.835", "s1", clearinghouse.Duplicate, -1, 0},  // s1 under another name
		{"A", "copy.835", "s1", clearinghouse.Duplicate, 3, 0},   // and again
		{"A", "era1.835", "s3", clearinghouse.Received, -1, -1},  // a new file under an old name
		{"B", "era1.835", "s1", clearinghouse.Received, -1, -1},  // another partner's mailbox
		{"A", "again.835", "s1", clearinghouse.Duplicate, -1, 0}, // a second copy
	}
	var rows []clearinghouse.InboundFile
	for i, st := range steps {
		f, err := cs.RegisterInbound(ctx, clearinghouse.InboundFile{PartnerID: st.partner, Name: st.name, Size: 42, SHA256: st.sha})
		must(t, err)
		rows = append(rows, f)
		what := fmt.Sprintf("step %d: RegisterInbound(%s, %s, %s)", i, st.partner, st.name, st.sha)
		if f.Status != st.want || f.PartnerID != st.partner || f.Name != st.name || f.SHA256 != st.sha || f.Size != 42 || f.ReceivedAt.IsZero() {
			t.Errorf("%s = %+v, want status %s", what, f, st.want)
		}
		if st.sameAs >= 0 && f.ID != rows[st.sameAs].ID {
			t.Errorf("%s = row %d, want row %d again", what, f.ID, rows[st.sameAs].ID)
		}
		if st.sameAs < 0 {
			for _, r := range rows[:i] {
				if r.ID == f.ID {
					t.Errorf("%s = existing row %d, want a new one", what, f.ID)
				}
			}
		}
		wantDup := int64(0)
		if st.dupOf >= 0 {
			wantDup = rows[st.dupOf].ID
		}
		if f.DuplicateOf != wantDup {
			t.Errorf("%s: DuplicateOf = %d, want %d", what, f.DuplicateOf, wantDup)
		}
	}
	if got := countEvents(t, s, clearinghouse.EventFileDuplicate); got != 2 && got >= 0 {
		t.Errorf("%d %s events, want 2", got, clearinghouse.EventFileDuplicate)
	}
	_, err := cs.RegisterInbound(ctx, clearinghouse.InboundFile{PartnerID: "A", Name: "x"})
	wantKind(t, "RegisterInbound(no SHA-256)", err, claimgate.Invalid)
	_, err = cs.RegisterInbound(ctx, clearinghouse.InboundFile{PartnerID: "nope", Name: "x", SHA256: "s9"})
	wantKind(t, "RegisterInbound(unknown partner)", err, claimgate.Invalid)
	dups, err := cs.InboundFiles(ctx, clearinghouse.InboundFilter{PartnerID: "A", Status: clearinghouse.Duplicate})
	must(t, err)
	if len(dups) != 2 {
		t.Errorf("InboundFiles(A, duplicate) = %d files, want 2", len(dups))
	}
	one, err := cs.InboundFiles(ctx, clearinghouse.InboundFilter{Limit: 1})
	must(t, err)
	if len(one) != 1 || one[0].ID != rows[0].ID {
		t.Errorf("InboundFiles(limit 1) = %+v, want the first file", one)
	}
}

func testClaimInbound(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	cs := chStore(t, s)
	addPartner(t, s, "A")
	f, err := cs.RegisterInbound(ctx, clearinghouse.InboundFile{PartnerID: "A", Name: "f.835", Size: 1, SHA256: "s1"})
	must(t, err)
	now := t0
	c, err := cs.ClaimInbound(ctx, f.ID, "tok1", now, now.Add(time.Minute))
	must(t, err)
	if c.Status != clearinghouse.Processing || c.LeaseToken != "tok1" || c.Attempts != 1 || !c.LeaseUntil.Equal(now.Add(time.Minute)) {
		t.Errorf("ClaimInbound = %+v, want processing under tok1, attempt 1", c)
	}
	_, err = cs.ClaimInbound(ctx, f.ID, "tok2", now.Add(30*time.Second), now.Add(2*time.Minute))
	wantKind(t, "ClaimInbound(held)", err, claimgate.Conflict)
	must(t, cs.RenewInbound(ctx, f.ID, "tok1", now.Add(3*time.Minute)))
	wantKind(t, "RenewInbound(wrong token)", cs.RenewInbound(ctx, f.ID, "tok2", now.Add(time.Hour)), claimgate.Conflict)
	_, err = cs.ClaimInbound(ctx, f.ID, "tok2", now.Add(2*time.Minute), now.Add(4*time.Minute))
	wantKind(t, "ClaimInbound(renewed lease)", err, claimgate.Conflict)
	// The holder dies: once its lease has run out, another claims the file.
	c, err = cs.ClaimInbound(ctx, f.ID, "tok2", now.Add(3*time.Minute+time.Second), now.Add(5*time.Minute))
	must(t, err)
	if c.LeaseToken != "tok2" || c.Attempts != 2 {
		t.Errorf("ClaimInbound(expired lease) = %+v, want tok2, attempt 2", c)
	}
	wantKind(t, "RenewInbound(old holder)", cs.RenewInbound(ctx, f.ID, "tok1", now.Add(time.Hour)), claimgate.Conflict)
	wantKind(t, "ReleaseInbound(old holder)", cs.ReleaseInbound(ctx, f.ID, "tok1", "x"), claimgate.Conflict)
	must(t, cs.ReleaseInbound(ctx, f.ID, "tok2", "database down"))
	got, err := cs.InboundFile(ctx, f.ID)
	must(t, err)
	if got.Status != clearinghouse.Received || got.LeaseToken != "" || !got.LeaseUntil.IsZero() || got.Reason != "database down" || got.Attempts != 2 {
		t.Errorf("after ReleaseInbound: %+v, want received, no lease, the reason kept", got)
	}
	c, err = cs.ClaimInbound(ctx, f.ID, "tok3", now, now.Add(time.Minute))
	must(t, err)
	if c.Attempts != 3 {
		t.Errorf("ClaimInbound(released) attempts = %d, want 3", c.Attempts)
	}
	_, err = cs.ClaimInbound(ctx, 999999, "tok", now, now.Add(time.Minute))
	wantKind(t, "ClaimInbound(unknown)", err, claimgate.NotFound)
	_, err = cs.ClaimInbound(ctx, f.ID, "", now, now.Add(time.Minute))
	wantKind(t, "ClaimInbound(no token)", err, claimgate.Invalid)
	_, err = cs.InboundFile(ctx, 999999)
	wantKind(t, "InboundFile(unknown)", err, claimgate.NotFound)
}

func testFinishInbound(t *testing.T, s claimgate.Store) {
	ctx := context.Background()
	cs := chStore(t, s)
	fx := seed(t, s)
	addPartner(t, s, "A")
	claim := func(name, sha string) clearinghouse.InboundFile {
		t.Helper()
		f, err := cs.RegisterInbound(ctx, clearinghouse.InboundFile{PartnerID: "A", Name: name, Size: 1, SHA256: sha})
		must(t, err)
		c, err := cs.ClaimInbound(ctx, f.ID, "tok-"+name, t0, t0.Add(time.Minute))
		must(t, err)
		return c
	}
	// Done, with two 999s to send: their numbers come from the partner's counters.
	_, err := cs.NextControlNumbers(ctx, "A", 1)
	must(t, err)
	a := claim("a.835", "s1")
	_, err = cs.FinishInbound(ctx, clearinghouse.Finish{ID: a.ID, Token: "wrong", Status: clearinghouse.Done})
	wantKind(t, "FinishInbound(wrong token)", err, claimgate.Conflict)
	done, err := cs.FinishInbound(ctx, clearinghouse.Finish{ID: a.ID, Token: a.LeaseToken, Status: clearinghouse.Done,
		Kind: clearinghouse.Remittance, At: t0, AckSets: 2})
	must(t, err)
	want := a
	want.Status, want.Kind, want.FinishedAt = clearinghouse.Done, clearinghouse.Remittance, t0.UTC().Truncate(time.Microsecond)
	want.Ack = clearinghouse.Control{ISA13: 2, GS06: 2, ST02: 2, Sets: 2}
	diff(t, "FinishInbound(done)", done, want)
	stored, err := cs.InboundFile(ctx, a.ID)
	must(t, err)
	diff(t, "InboundFile after done", stored, want)
	_, err = cs.FinishInbound(ctx, clearinghouse.Finish{ID: a.ID, Token: a.LeaseToken, Status: clearinghouse.Done})
	wantKind(t, "FinishInbound(twice)", err, claimgate.Conflict)
	_, err = cs.ClaimInbound(ctx, a.ID, "tok", t0.Add(time.Hour), t0.Add(2*time.Hour))
	wantKind(t, "ClaimInbound(done)", err, claimgate.Conflict)

	// Quarantined, with a work item for its owner and an event.
	b := claim("b.835", "s2")
	w := &claimgate.WorkItem{Queue: clearinghouse.Queue, OwnerID: fx.carol.ID, Reason: "bad file", Priority: 1, Due: t0.Add(48 * time.Hour)}
	q, err := cs.FinishInbound(ctx, clearinghouse.Finish{ID: b.ID, Token: b.LeaseToken, Status: clearinghouse.Quarantined,
		Reason: "segment 3 (SE): element 1: wrong count\nmore", Work: w})
	must(t, err)
	if q.Status != clearinghouse.Quarantined || q.WorkItemID == 0 || q.WorkItemID != w.ID || q.Ack.ISA13 != 0 ||
		q.Reason != "segment 3 (SE): element 1: wrong count\nmore" {
		t.Errorf("FinishInbound(quarantined) = %+v", q)
	}
	// Its content under a new name is a retry, not a duplicate; and a copy
	// of that is a duplicate of the retry.
	retry, err := cs.RegisterInbound(ctx, clearinghouse.InboundFile{PartnerID: "A", Name: "b-retry.835", Size: 1, SHA256: "s2"})
	must(t, err)
	if retry.Status != clearinghouse.Received || retry.DuplicateOf != 0 {
		t.Errorf("RegisterInbound(quarantined content, new name) = %+v, want received", retry)
	}
	copyOf, err := cs.RegisterInbound(ctx, clearinghouse.InboundFile{PartnerID: "A", Name: "b-copy.835", Size: 1, SHA256: "s2"})
	must(t, err)
	if copyOf.Status != clearinghouse.Duplicate || copyOf.DuplicateOf != retry.ID {
		t.Errorf("RegisterInbound(copy of the retry) = %+v, want a duplicate of %d", copyOf, retry.ID)
	}
	open := items(t, s, claimgate.WorkFilter{Queue: clearinghouse.Queue, Status: claimgate.WorkOpen})
	if len(open) != 1 || open[0].OwnerID != fx.carol.ID || open[0].CaseID != 0 {
		t.Errorf("clearinghouse queue = %+v, want carol's item for the file", open)
	}
	if n := countEvents(t, s, clearinghouse.EventFileQuarantined); n != 1 && n >= 0 {
		t.Errorf("%d quarantine events, want 1", n)
	}
	if n := countEvents(t, s, clearinghouse.EventFileDone); n != 1 && n >= 0 {
		t.Errorf("%d done events, want 1", n)
	}

	// A work item that cannot be written rolls back the whole finish.
	c := claim("c.835", "s3")
	_, err = cs.FinishInbound(ctx, clearinghouse.Finish{ID: c.ID, Token: c.LeaseToken, Status: clearinghouse.Quarantined,
		Reason: "bad", AckSets: 1, Work: &claimgate.WorkItem{Queue: clearinghouse.Queue, OwnerID: 999999}})
	wantKind(t, "FinishInbound(unknown owner)", err, claimgate.Invalid)
	still, err := cs.InboundFile(ctx, c.ID)
	must(t, err)
	if still.Status != clearinghouse.Processing || still.Ack.ISA13 != 0 {
		t.Errorf("after a failed finish: %+v, want still processing, no 999 numbers", still)
	}
	next, err := cs.NextControlNumbers(ctx, "A", 1)
	must(t, err)
	if next.ISA13 != 3 {
		t.Errorf("NextControlNumbers after a rolled-back finish = %+v, want ISA13 3 (the rolled-back one was never handed out)", next)
	}
	_, err = cs.FinishInbound(ctx, clearinghouse.Finish{ID: c.ID, Token: c.LeaseToken, Status: clearinghouse.Received})
	wantKind(t, "FinishInbound(to received)", err, claimgate.Invalid)
}

// countEvents counts the events of kind through the store's database, or
// returns -1 if it has none to reach (events not tied to a case have no
// reader in claimgate.Store).
func countEvents(t *testing.T, s claimgate.Store, kind string) int {
	t.Helper()
	d, ok := s.(interface{ DB() *sql.DB })
	if !ok {
		return -1
	}
	var n int
	if err := d.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM events WHERE kind = $1`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// ControlNumberRace has many goroutines over stores (two stores stand for
// two processes) allocate control numbers for one partner at once. Every
// ISA13, GS06 and ST02 must be handed out once, and none skipped.
func ControlNumberRace(t *testing.T, stores ...claimgate.Store) {
	t.Helper()
	ctx := context.Background()
	addPartner(t, stores[0], "RACE")
	const perStore, each = 6, 15
	var (
		mu   sync.Mutex
		got  []clearinghouse.Control
		errs []error
		wg   sync.WaitGroup
	)
	for _, st := range stores {
		cs := chStore(t, st)
		for g := range perStore {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					c, err := cs.NextControlNumbers(ctx, "RACE", 1+(g+i)%3)
					mu.Lock()
					if err != nil {
						errs = append(errs, err)
					} else {
						got = append(got, c)
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("NextControlNumbers: %v", err)
	}
	isa, gs, st := map[int64]int{}, map[int64]int{}, map[int64]int{}
	sets := 0
	for _, c := range got {
		isa[c.ISA13]++
		gs[c.GS06]++
		for i := range c.Sets {
			st[c.ST02+int64(i)]++
		}
		sets += c.Sets
	}
	for _, m := range []struct {
		name string
		seen map[int64]int
		n    int
	}{{"ISA13", isa, len(got)}, {"GS06", gs, len(got)}, {"ST02", st, sets}} {
		for v := int64(1); v <= int64(m.n); v++ {
			if m.seen[v] != 1 {
				t.Errorf("%s %d handed out %d times, want once", m.name, v, m.seen[v])
			}
		}
		if len(m.seen) != m.n {
			t.Errorf("%d distinct %s values, want 1 to %d", len(m.seen), m.name, m.n)
		}
	}
}

// InboundClaimRace registers files and has goroutines over stores (two
// stores stand for two server instances) register and claim them all at
// once, as two pollers of one folder do. Every file must be claimed by
// exactly one of them.
func InboundClaimRace(t *testing.T, stores ...claimgate.Store) {
	t.Helper()
	ctx := context.Background()
	addPartner(t, stores[0], "RACE")
	const files, perStore = 40, 4
	var (
		mu   sync.Mutex
		won  = map[int64][]string{}
		errs []error
		wg   sync.WaitGroup
	)
	for si, st := range stores {
		cs := chStore(t, st)
		for g := range perStore {
			wg.Add(1)
			go func() {
				defer wg.Done()
				token := fmt.Sprintf("poller-%d-%d", si, g)
				for i := range files {
					f, err := cs.RegisterInbound(ctx, clearinghouse.InboundFile{PartnerID: "RACE",
						Name: fmt.Sprintf("f%02d.835", i), Size: 1, SHA256: fmt.Sprintf("sha%02d", i)})
					if err == nil {
						_, err = cs.ClaimInbound(ctx, f.ID, token, t0, t0.Add(time.Hour))
						if err == nil {
							mu.Lock()
							won[f.ID] = append(won[f.ID], token)
							mu.Unlock()
							continue
						}
					}
					if claimgate.ErrorKind(err) != claimgate.Conflict {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			}()
		}
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("register or claim: %v", err)
	}
	if len(won) != files {
		t.Errorf("%d files claimed, want %d", len(won), files)
	}
	for id, by := range won {
		if len(by) != 1 {
			t.Errorf("inbound file %d claimed by %v, want one poller", id, by)
		}
	}
	all, err := chStore(t, stores[0]).InboundFiles(ctx, clearinghouse.InboundFilter{PartnerID: "RACE"})
	must(t, err)
	if len(all) != files {
		t.Errorf("%d inbound rows, want %d (one per file, however many pollers saw it)", len(all), files)
	}
}

// ControlNumbersAcrossRestart allocates control numbers in the stores that
// reopen returns one after another, over one database that starts empty
// (each store is closed before the next opens, as a server restarting): the
// numbers go on from where the last store left them.
func ControlNumbersAcrossRestart(t *testing.T, reopen func() claimgate.Store) {
	t.Helper()
	ctx := context.Background()
	var last int64
	for i := range 3 {
		s := reopen()
		if i == 0 {
			addPartner(t, s, "R")
		}
		for range 2 {
			c, err := chStore(t, s).NextControlNumbers(ctx, "R", 1)
			must(t, err)
			if c.ISA13 != last+1 {
				t.Errorf("store %d: ISA13 %d after %d, want %d", i, c.ISA13, last, last+1)
			}
			last = c.ISA13
		}
		must(t, s.Close())
	}
}
