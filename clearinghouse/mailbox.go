package clearinghouse

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/ack"
)

// The folders of a mailbox, under the partner's Mailbox root.
const (
	OutboundDir   = "outbound"
	InboundDir    = "inbound"
	ArchiveDir    = "archive"
	QuarantineDir = "quarantine"
)

// Defaults of a Mailbox's settings.
const (
	DefaultLease       = 2 * time.Minute
	DefaultMaxAttempts = 10
	// DefaultDue is how long the owner of a quarantined file has to act.
	DefaultDue = 48 * time.Hour
)

// MakeFolders creates the four folders of a mailbox at root.
func MakeFolders(root string) error {
	if root == "" {
		return claimgate.Errorf(claimgate.Invalid, "the mailbox has no folder")
	}
	for _, d := range []string{OutboundDir, InboundDir, ArchiveDir, QuarantineDir} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o750); err != nil {
			return fmt.Errorf("mailbox: %w", err)
		}
	}
	return nil
}

// Inbound is one inbound file handed to a Handler.
type Inbound struct {
	Partner Partner
	File    InboundFile // its record: ID, name, SHA-256, kind
	Data    []byte      // its bytes, exactly those hashed
}

// A Handler imports one inbound file: the business reader of 999s, 277CAs,
// 835s and the rest. It returns an error of kind Invalid (claimgate.Error)
// for a file it refuses, which is quarantined with the error's message and
// details; any other error is taken as passing trouble, and the file is
// tried again at a later poll.
//
// The handler may be called again for a file it already handled, when the
// process dies after the handler committed and before the mailbox recorded
// the file done; so its effects must be idempotent, keyed by File.ID or
// File.SHA256 (an 835 posts nothing twice). Apart from that window, a file
// is handed to exactly one handler call that completes.
type Handler func(ctx context.Context, in *Inbound) error

// Mailbox sends files to the partners' outbound folders and polls their
// inbound folders. Set its fields before first use.
type Mailbox struct {
	Store  Store
	Owners Assigner // chooses the owner of a quarantined file's work item
	Log    *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Lease is how long a claim on an inbound file holds without renewal;
	// the poller renews it every third of that while the handler runs. A
	// claim of a process that died is taken over after it runs out. Zero
	// means DefaultLease.
	Lease time.Duration
	// MinAge skips inbound files modified less than this long ago, for
	// mirrors that write in place instead of renaming a finished file.
	MinAge time.Duration
	// MaxAttempts quarantines a file claimed this many times without
	// ending (handler errors, or a process dying while handling it). Zero
	// means DefaultMaxAttempts.
	MaxAttempts int
}

// New returns a Mailbox over s.
func New(s Store, owners Assigner, log *slog.Logger) *Mailbox {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Mailbox{Store: s, Owners: owners, Log: log}
}

func (m *Mailbox) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Mailbox) lease() time.Duration {
	if m.Lease > 0 {
		return m.Lease
	}
	return DefaultLease
}

func (m *Mailbox) log() *slog.Logger {
	if m.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return m.Log
}

// token returns a lease token unique to this claim.
func (m *Mailbox) token() string {
	b := make([]byte, 8)
	rand.Read(b)
	return strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b)
}

// Send writes payload, one or more transaction sets of kind in any X12
// interchange (as the writers of x12/claim and the other codecs produce),
// to the outbound folder of partnerID, enveloped afresh: one ISA and one GS
// addressed with the partner's settings, and control numbers from
// Store.NextControlNumbers. The file, named
// <partner>_<kind>_<ISA13>_<UTC time>.x12, appears at once or not at all
// (written to a temporary name in the same folder, synced, then renamed).
// A payload that is not X12, has envelope errors or holds sets of another
// kind (an 837I sent as 837P) is Invalid, and so is a partner without a
// mailbox.
//
// The numbers are allocated before the file is written and the file is
// recorded after: a crash in between leaves a gap in the numbers or a file
// without its record, never a number used twice.
func (m *Mailbox) Send(ctx context.Context, partnerID string, kind Kind, payload []byte) (OutboundFile, error) {
	p, err := m.Store.Partner(ctx, partnerID)
	if err != nil {
		return OutboundFile{}, err
	}
	info, ok := kinds[kind]
	if !ok || kind == TA1 {
		return OutboundFile{}, claimgate.Errorf(claimgate.Invalid, "cannot send files of kind %q", kind)
	}
	if p.Mailbox == "" {
		return OutboundFile{}, claimgate.Errorf(claimgate.Invalid, "trading partner %s has no mailbox", p.ID)
	}
	sets, err := readSets(payload, info.set, true)
	if err != nil {
		return OutboundFile{}, err
	}
	version := sets[0].Group.Version
	if version == "" {
		version = info.version
	}
	if k := kindOf(info.set, version); k != kind && kinds[k].set != "" {
		return OutboundFile{}, claimgate.Errorf(claimgate.Invalid, "the payload is a %s (%s), not a %s", k, version, kind)
	}
	c, err := m.Store.NextControlNumbers(ctx, p.ID, len(sets))
	if err != nil {
		return OutboundFile{}, err
	}
	now := m.now().UTC()
	var buf bytes.Buffer
	d := sets[0].Interchange.Delims
	if d.Valid() != nil || d.Repetition == 0 {
		d = x12.DefaultDelimiters
	}
	xw := x12.NewWriter(&buf, d)
	err = envelope(xw, &p, c, now, info.functional, version, func(i int) error {
		ts := sets[i]
		if err := xw.BeginSet(ts.ID, c.ST(i), ts.Segments[0].ElementString(3)); err != nil {
			return err
		}
		body := ts.Segments[1:]
		if n := len(body); n > 0 && body[n-1].ID == "SE" {
			body = body[:n-1]
		}
		for _, seg := range body {
			if err := xw.Write(seg); err != nil {
				return err
			}
		}
		return xw.EndSet()
	}, len(sets))
	if err != nil {
		return OutboundFile{}, claimgate.Errorf(claimgate.Invalid, "cannot envelope the %s for %s: %v", kind, p.ID, err)
	}
	f := OutboundFile{PartnerID: p.ID, Kind: kind, Control: c, CreatedAt: now,
		Name: fmt.Sprintf("%s_%s_%s_%s.x12", p.ID, kind, c.ISA(), now.Format("20060102T150405Z"))}
	if err := m.put(ctx, &p, &f, buf.Bytes()); err != nil {
		return OutboundFile{}, err
	}
	m.log().Info("mailbox: sent", "partner_id", p.ID, "kind", string(kind), "file", f.Name, "isa13", f.Control.ISA(), "sets", len(sets))
	return f, nil
}

// envelope writes an interchange of one functional group around n sets
// written by set.
func envelope(xw *x12.Writer, p *Partner, c Control, now time.Time, functional, version string, set func(i int) error, n int) error {
	err := xw.BeginInterchange(x12.InterchangeHeader{
		SenderQualifier: p.OurQualifier, SenderID: p.OurID, ReceiverQualifier: p.TheirQualifier, ReceiverID: p.TheirID,
		Date: x12.FormatShortDate(now), Time: x12.FormatTime(now), ControlNumber: c.ISA(), AckRequested: "0", Usage: p.Usage})
	if err != nil {
		return err
	}
	err = xw.BeginGroup(x12.GroupHeader{FunctionalID: functional, SenderCode: p.OurAppCode, ReceiverCode: p.TheirAppCode,
		Date: x12.FormatDate(now), Time: x12.FormatTime(now), ControlNumber: c.GS(), Version: version})
	if err != nil {
		return err
	}
	for i := range n {
		if err := set(i); err != nil {
			return err
		}
	}
	if err := xw.EndGroup(); err != nil {
		return err
	}
	if err := xw.EndInterchange(); err != nil {
		return err
	}
	return xw.Flush()
}

// readSets reads the transaction sets of payload, which must all have ST01
// id and sound envelopes. With renumber, control numbers used twice are no
// fault: the caller numbers the sets afresh.
func readSets(payload []byte, id string, renumber bool) ([]*x12.TransactionSet, error) {
	sr := x12.NewSetReader(x12.NewReader(bytes.NewReader(payload)))
	var sets []*x12.TransactionSet
	var bad []string
	for {
		ts, err := sr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &claimgate.Error{Kind: claimgate.Invalid, Msg: "the payload is not readable X12", Details: []string{err.Error()}}
		}
		if ts.ID != id {
			bad = append(bad, fmt.Sprintf("segment %d (ST): transaction set %s, want %s", ts.Pos, ts.ID, id))
		}
		if len(sets) > 0 && ts.Group.Version != sets[0].Group.Version {
			bad = append(bad, fmt.Sprintf("segment %d (ST): guide %s differs from the first set's %s", ts.Pos, ts.Group.Version, sets[0].Group.Version))
		}
		sets = append(sets, ts)
	}
	for _, e := range sr.Errors() {
		if renumber && errors.Is(e, x12.ErrDuplicateControlNumber) {
			continue
		}
		bad = append(bad, e.Error())
	}
	if len(sets) == 0 {
		bad = append(bad, "no transaction set")
	}
	if len(bad) > 0 {
		return nil, &claimgate.Error{Kind: claimgate.Invalid, Msg: "the payload cannot be sent", Details: bad}
	}
	return sets, nil
}

// put writes data as f.Name in p's outbound folder and records it.
func (m *Mailbox) put(ctx context.Context, p *Partner, f *OutboundFile, data []byte) error {
	if err := MakeFolders(p.Mailbox); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(p.Mailbox, OutboundDir), f.Name, data); err != nil {
		return fmt.Errorf("mailbox %s: %w", p.ID, err)
	}
	sum := sha256.Sum256(data)
	f.Size, f.SHA256 = int64(len(data)), hex.EncodeToString(sum[:])
	return m.Store.RecordOutbound(ctx, f)
}

// writeAtomic writes data to dir/name so that the name appears with all of
// the data or not at all: a temporary file in the same folder (a dot file,
// which pollers skip), synced to disk, renamed, and the folder synced so
// that the rename survives a power cut.
func writeAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o640); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// PollResult counts what a poll did with the files it found.
type PollResult struct {
	Done        int // handled and archived
	Quarantined int // refused, moved to quarantine/
	Duplicates  int // copies of files already seen, archived unhandled
	Retried     int // handler failed for now; left for a later poll
	Skipped     int // claimed by another poller, or too young
}

func (r *PollResult) add(o PollResult) {
	r.Done += o.Done
	r.Quarantined += o.Quarantined
	r.Duplicates += o.Duplicates
	r.Retried += o.Retried
	r.Skipped += o.Skipped
}

// Poll polls the inbound folder of every partner that has a mailbox (see
// PollPartner). A failing partner does not stop the others; the errors are
// joined.
func (m *Mailbox) Poll(ctx context.Context, h Handler) (PollResult, error) {
	ps, err := m.Store.Partners(ctx)
	if err != nil {
		return PollResult{}, err
	}
	var res PollResult
	var errs []error
	for _, p := range ps {
		if p.Mailbox == "" {
			continue
		}
		r, err := m.PollPartner(ctx, p, h)
		res.add(r)
		if err != nil {
			if ctx.Err() != nil {
				return res, err
			}
			errs = append(errs, fmt.Errorf("partner %s: %w", p.ID, err))
		}
	}
	return res, errors.Join(errs...)
}

// PollPartner handles the files in p's inbound folder, in name order. Each
// file is hashed and registered (Store.RegisterInbound), claimed under a
// lease (Store.ClaimInbound), checked (readable X12, sound envelopes,
// addressed from p to us with p's usage indicator) and handed to h; then it
// ends done and is moved to archive/, or quarantined. Files whose name starts
// with a dot or ends in .tmp, .part or .filepart are uploads in progress and
// are left alone.
//
// Why a kill at any moment loses no file and handles none twice: the database
// row, not the file's folder, says where a file stands, and the row changes
// before the file moves.
//   - Until FinishInbound commits, the row is Received or Processing and the
//     file is still in inbound/. A poller that dies leaves its lease to run
//     out; then the next poll claims the file again and hands it to a
//     handler. (This is the one window in which a handler can run twice for
//     a file, which is why handlers are idempotent.)
//   - FinishInbound commits Done (or Quarantined, with its work item and
//     reason) before the file is moved. Found in inbound/ with such a row,
//     a file is not handled again: the poll only finishes the move (and
//     writes the 999, under the control numbers already recorded in the row,
//     under the same name, so a repeat replaces rather than adds).
//   - The move is one rename within the mailbox, atomic on POSIX file
//     systems; the folders are synced after it.
//   - Two pollers register the same row (unique keys) and only one claim
//     succeeds: the other skips the file, and does not finish its move while
//     the holder's lease runs.
//
// Moving first and committing second would instead lose a file killed
// between the two: archived, yet never recorded as done.
func (m *Mailbox) PollPartner(ctx context.Context, p Partner, h Handler) (PollResult, error) {
	var res PollResult
	if err := MakeFolders(p.Mailbox); err != nil {
		return res, err
	}
	dir := filepath.Join(p.Mailbox, InboundDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return res, fmt.Errorf("mailbox: %w", err)
	}
	m.removeStale(&p)
	var errs []error
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if !e.Type().IsRegular() || inProgress(e.Name()) {
			continue
		}
		if m.MinAge > 0 {
			info, err := e.Info()
			if err != nil || m.now().Sub(info.ModTime()) < m.MinAge {
				res.Skipped++
				continue
			}
		}
		r, err := m.pollFile(ctx, &p, e.Name(), h)
		res.add(r)
		if err != nil {
			// One unreadable file does not hold up the others; it is tried
			// again at the next poll.
			errs = append(errs, fmt.Errorf("inbound file %s: %w", e.Name(), err))
			if len(errs) >= 3 {
				break // more likely the database or the disk than the files
			}
		}
	}
	return res, errors.Join(errs...)
}

// staleAge is the age past which a temporary file of ours is debris of a
// process that died while writing it.
const staleAge = time.Hour

// removeStale removes the temporary files (".name.tmp-*") that writers
// killed mid-write left in p's outbound, archive and quarantine folders.
func (m *Mailbox) removeStale(p *Partner) {
	for _, d := range []string{OutboundDir, ArchiveDir, QuarantineDir} {
		matches, _ := filepath.Glob(filepath.Join(p.Mailbox, d, ".*.tmp-*"))
		for _, f := range matches {
			if info, err := os.Lstat(f); err == nil && info.Mode().IsRegular() && time.Since(info.ModTime()) > staleAge {
				if err := os.Remove(f); err == nil {
					m.log().Info("mailbox: removed a stale temporary file", "partner_id", p.ID, "file", filepath.Base(f))
				}
			}
		}
	}
}

// inProgress reports whether name is a file still being uploaded (or one
// of our own temporary files).
func inProgress(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	for _, ext := range []string{".tmp", ".part", ".filepart", ".partial"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

func (m *Mailbox) pollFile(ctx context.Context, p *Partner, name string, h Handler) (PollResult, error) {
	var res PollResult
	path := filepath.Join(p.Mailbox, InboundDir, name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil // moved by another poller since the listing
	}
	if err != nil {
		return res, err
	}
	sum := sha256.Sum256(data)
	f, err := m.Store.RegisterInbound(ctx, InboundFile{PartnerID: p.ID, Name: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return res, err
	}
	log := m.log().With("partner_id", p.ID, "inbound_file", f.ID)
	switch f.Status {
	case Duplicate:
		// Copies are archived unhandled, under their own name.
		moved, err := m.move(p, f, name, ArchiveDir)
		if moved {
			log.Info("mailbox: duplicate archived", "duplicate_of", f.DuplicateOf)
			res.Duplicates++
		}
		return res, err
	case Done, Quarantined:
		if f.LeaseUntil.After(m.now()) {
			res.Skipped++ // its holder is still finishing
			return res, nil
		}
		log.Info("mailbox: finishing the move of a file already " + string(f.Status))
		return res, m.finish(p, f, data)
	}
	c, err := m.Store.ClaimInbound(ctx, f.ID, m.token(), m.now(), m.now().Add(m.lease()))
	if claimgate.ErrorKind(err) == claimgate.Conflict {
		res.Skipped++ // another poller holds it
		return res, nil
	}
	if err != nil {
		return res, err
	}
	limit := m.MaxAttempts
	if limit <= 0 {
		limit = DefaultMaxAttempts
	}
	in := inspect(data, p)
	c.Kind = in.kind
	if c.Attempts > limit {
		msg := fmt.Sprintf("claimed %d times without ending", c.Attempts-1)
		if c.Reason != "" {
			msg += "; last error: " + c.Reason
		}
		in.problems = append(in.problems, msg)
	}
	if len(in.problems) == 0 {
		err := m.handle(ctx, h, &Inbound{Partner: *p, File: c, Data: data})
		switch {
		case err == nil:
			done, err := m.Store.FinishInbound(ctx, Finish{ID: c.ID, Token: c.LeaseToken, Status: Done, Kind: in.kind,
				At: m.now(), AckSets: in.ackSets(p)})
			if claimgate.ErrorKind(err) == claimgate.Conflict {
				log.Warn("mailbox: lease lost while handling; another poller has the file", "err", err)
				res.Skipped++
				return res, nil
			}
			if err != nil {
				return res, err
			}
			log.Info("mailbox: done", "kind", string(in.kind))
			res.Done++
			return res, m.finish(p, done, data)
		case claimgate.ErrorKind(err) == claimgate.Invalid:
			in.problems = append(in.problems, claimgate.ErrorMessage(err))
			in.problems = append(in.problems, claimgate.ErrorDetails(err)...)
		default:
			err2 := m.Store.ReleaseInbound(context.WithoutCancel(ctx), c.ID, c.LeaseToken, err.Error())
			if claimgate.ErrorKind(err2) == claimgate.Conflict {
				log.Warn("mailbox: lease lost while handling; another poller has the file", "err", err)
				res.Skipped++
				return res, ctx.Err()
			}
			if err2 != nil {
				return res, err2
			}
			log.Warn("mailbox: handler failed; the file will be tried again", "attempt", c.Attempts, "err", err)
			res.Retried++
			return res, ctx.Err()
		}
	}
	q, err := m.quarantine(ctx, p, c, in)
	if claimgate.ErrorKind(err) == claimgate.Conflict {
		log.Warn("mailbox: lease lost while checking; another poller has the file", "err", err)
		res.Skipped++
		return res, nil
	}
	if err != nil {
		return res, err
	}
	log.Warn("mailbox: quarantined", "kind", string(in.kind), "work_item_id", q.WorkItemID)
	res.Quarantined++
	return res, m.finish(p, q, data)
}

// handle runs h, renewing the claim's lease meanwhile. A lease lost (the
// process stalled past it and another took the file) cancels the handler.
func (m *Mailbox) handle(ctx context.Context, h Handler, in *Inbound) error {
	hctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(m.lease() / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-hctx.Done():
				return
			case <-t.C:
				err := m.Store.RenewInbound(hctx, in.File.ID, in.File.LeaseToken, m.now().Add(m.lease()))
				if claimgate.ErrorKind(err) == claimgate.Conflict {
					cancel(err)
					return
				}
				if err != nil {
					m.log().Warn("mailbox: lease renewal failed", "inbound_file", in.File.ID, "err", err)
				}
			}
		}
	}()
	err := h(hctx, in)
	close(stop)
	<-done
	if cause := context.Cause(hctx); err != nil && cause != nil && ctx.Err() == nil {
		return fmt.Errorf("%w: %w", err, cause)
	}
	return err
}

// quarantine ends claimed file c as quarantined, with a work item for the
// owner of the clearinghouse queue.
func (m *Mailbox) quarantine(ctx context.Context, p *Partner, c InboundFile, in inspection) (InboundFile, error) {
	if m.Owners == nil {
		err := claimgate.Errorf(claimgate.Invalid, "the mailbox has no way to choose the owner of quarantined files")
		m.Store.ReleaseInbound(context.WithoutCancel(ctx), c.ID, c.LeaseToken, err.Msg)
		return InboundFile{}, err
	}
	owner, err := m.Owners.Assign(ctx, Queue, claimgate.Biller)
	if err != nil {
		m.Store.ReleaseInbound(context.WithoutCancel(ctx), c.ID, c.LeaseToken, "no owner for the quarantine: "+claimgate.ErrorMessage(err))
		return InboundFile{}, err
	}
	now := m.now()
	w := &claimgate.WorkItem{Queue: Queue, OwnerID: owner, Priority: 1, Due: now.Add(DefaultDue), CreatedAt: now,
		Reason: fmt.Sprintf("inbound file %s from %s quarantined: %s", c.Name, p.ID, clip(in.problems[0], 200))}
	return m.Store.FinishInbound(ctx, Finish{ID: c.ID, Token: c.LeaseToken, Status: Quarantined, Kind: in.kind,
		Reason: strings.Join(in.problems, "\n"), At: now, AckSets: in.ackSets(p), Work: w})
}

// clip cuts s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// finish completes what a Done or Quarantined row says of a file still in
// inbound/: the 999s, the reason file, the move. Each step can be repeated.
func (m *Mailbox) finish(p *Partner, f InboundFile, data []byte) error {
	if f.Ack.ISA13 != 0 {
		if err := m.writeAck(p, f, data); err != nil {
			return err
		}
	}
	if f.Status == Quarantined {
		_, err := m.move(p, f, f.Name, QuarantineDir)
		return err
	}
	_, err := m.move(p, f, f.Name, ArchiveDir)
	return err
}

// move renames inbound/name into folder to, under the same name, or
// name.<row ID> if another file has it. For quarantine/ it first writes the
// reason file beside it, so that a quarantined file never lacks one. moved
// is false if the file was gone (moved by another poller).
func (m *Mailbox) move(p *Partner, f InboundFile, name, to string) (moved bool, err error) {
	src := filepath.Join(p.Mailbox, InboundDir, name)
	dir := filepath.Join(p.Mailbox, to)
	target := name
	if _, err := os.Lstat(filepath.Join(dir, target)); err == nil {
		target = name + "." + strconv.FormatInt(f.ID, 10)
	}
	if to == QuarantineDir {
		if err := writeAtomic(dir, target+".reason", []byte(reasonText(p, f))); err != nil {
			return false, err
		}
	}
	if err := os.Rename(src, filepath.Join(dir, target)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	if err := syncDir(dir); err != nil {
		return true, err
	}
	return true, syncDir(filepath.Dir(src))
}

// reasonText is the .reason file of a quarantined file: what it is, and what
// is wrong with it where.
func reasonText(p *Partner, f InboundFile) string {
	var b strings.Builder
	fmt.Fprintf(&b, "file: %s\npartner: %s\nsize: %d\nsha256: %s\nkind: %s\ninbound file: %d\nwork item: %d\nquarantined: %s\n\n",
		f.Name, p.ID, f.Size, f.SHA256, f.Kind, f.ID, f.WorkItemID, f.FinishedAt.UTC().Format(time.RFC3339))
	b.WriteString(f.Reason)
	b.WriteString("\n\nTo process the file again once the cause is fixed, copy it into inbound/ under a new name.\n")
	return b.String()
}

// writeAck writes the 999s (and TA1s) for inbound file f to outbound/,
// under the control numbers its row holds and a name made of them and its
// finish time: written again after a crash, it replaces itself.
func (m *Mailbox) writeAck(p *Partner, f InboundFile, data []byte) error {
	ic, err := ack.For(bytes.NewReader(data), ack.Options{ControlNumber: int(f.Ack.ISA13), Now: f.FinishedAt.UTC()})
	if err != nil {
		m.log().Warn("mailbox: nothing to acknowledge", "partner_id", p.ID, "inbound_file", f.ID, "err", err)
		return nil
	}
	h := &ic.Header
	h.SenderQualifier, h.SenderID, h.ReceiverQualifier, h.ReceiverID = p.OurQualifier, p.OurID, p.TheirQualifier, p.TheirID
	h.ControlNumber, h.Usage = f.Ack.ISA(), p.Usage
	for gi := range ic.Groups {
		g := &ic.Groups[gi]
		g.Header.ControlNumber, g.Header.SenderCode, g.Header.ReceiverCode = f.Ack.GS(), p.OurAppCode, p.TheirAppCode
		for i := range g.Acks {
			if i < f.Ack.Sets {
				g.Acks[i].ControlNumber = f.Ack.ST(i)
			}
			fitLoops(&g.Acks[i])
		}
	}
	var buf bytes.Buffer
	xw := x12.NewWriter(&buf, h.Delims)
	if err := ack.Write(xw, ic); err != nil {
		return fmt.Errorf("999 for inbound file %d: %w", f.ID, err)
	}
	if err := xw.Flush(); err != nil {
		return err
	}
	kind := Ack999
	if len(ic.Groups) == 0 {
		kind = TA1
	}
	out := OutboundFile{PartnerID: p.ID, Kind: kind, Control: f.Ack, InboundID: f.ID, CreatedAt: f.FinishedAt,
		Name: fmt.Sprintf("%s_%s_%s_%s.x12", p.ID, kind, f.Ack.ISA(), f.FinishedAt.UTC().Format("20060102T150405Z"))}
	err = m.put(context.Background(), p, &out, buf.Bytes())
	if claimgate.ErrorKind(err) == claimgate.Conflict {
		return nil // recorded before a crash; the file is now written again
	}
	return err
}

// fitLoops cuts the loop IDs in a's IK3 and CTX segments to the four
// characters their element (447) allows: x12/ack names a loop such as
// 2010BA whole, which the 999 guide refuses.
func fitLoops(a *ack.Ack999) {
	fit := func(s *string) {
		if len(*s) > 4 {
			*s = (*s)[:4]
		}
	}
	for si := range a.Sets {
		for ei := range a.Sets[si].Errors {
			e := &a.Sets[si].Errors[ei]
			fit(&e.Loop)
			for ci := range e.Context {
				fit(&e.Context[ci].Loop)
			}
			for ki := range e.Elements {
				for ci := range e.Elements[ki].Context {
					fit(&e.Elements[ki].Context[ci].Loop)
				}
			}
		}
	}
}

// inspection is what the mailbox checks of an inbound file before its handler.
type inspection struct {
	kind     Kind
	groups   int
	problems []string // empty: the file may be handled
}

// ackSets is how many 999s we may send for the file: none unless p wants
// them for its kind.
func (in inspection) ackSets(p *Partner) int {
	if in.kind == "" || !p.Acknowledges(in.kind) {
		return 0
	}
	return max(in.groups, 1)
}

// maxProblems caps the problems listed for one file.
const maxProblems = 50

// inspect reads data as X12: its kind (from the first ST and its guide, or
// TA1), and every problem that keeps it from being handled, each with its
// segment and element: unreadable input, broken envelopes, and interchanges
// not addressed from p to us or with another usage indicator than p's.
func inspect(data []byte, p *Partner) inspection {
	var in inspection
	r := x12.NewReader(bytes.NewReader(data))
	var chk x12.Checker
	gs08 := ""
	sawTA1 := false
	for {
		seg, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			in.problems = append(in.problems, err.Error())
			break
		}
		chk.Check(seg)
		switch seg.ID {
		case "ISA":
			if h := chk.Interchange(); h != nil {
				in.problems = append(in.problems, addressing(seg.Pos, h, p)...)
			}
		case "GS":
			in.groups++
			gs08 = seg.ElementString(8)
		case "ST":
			if in.kind == "" {
				v := seg.ElementString(3)
				if v == "" {
					v = gs08
				}
				in.kind = kindOf(seg.ElementString(1), v)
			}
		case "TA1":
			sawTA1 = true
		}
	}
	chk.End()
	for _, e := range chk.Errors() {
		in.problems = append(in.problems, e.Error())
	}
	if in.kind == "" && sawTA1 {
		in.kind = TA1
	}
	if in.kind == "" && len(in.problems) == 0 {
		in.problems = append(in.problems, "no transaction set and no TA1")
	}
	if len(in.problems) > maxProblems {
		n := len(in.problems) - maxProblems
		in.problems = append(slices.Clip(in.problems[:maxProblems]), fmt.Sprintf("and %d more problems", n))
	}
	return in
}

// addressing lists what is wrong with an ISA at position pos for a file
// from p to us.
func addressing(pos int, h *x12.InterchangeHeader, p *Partner) []string {
	var bad []string
	check := func(elem int, what, got, want string) {
		if got != want {
			bad = append(bad, fmt.Sprintf("segment %d (ISA): element %d: %s %q is not %q, trading partner %s's setting", pos, elem, what, got, want, p.ID))
		}
	}
	check(5, "sender qualifier", h.SenderQualifier, p.TheirQualifier)
	check(6, "sender ID", h.SenderID, p.TheirID)
	check(7, "receiver qualifier", h.ReceiverQualifier, p.OurQualifier)
	check(8, "receiver ID", h.ReceiverID, p.OurID)
	check(15, "usage indicator", h.Usage, p.Usage)
	return bad
}
