package testpayer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/x12/ack"
)

// PickedDir is the folder, beside the mailbox's own four, where the payer
// moves the files it took from outbound/, as a clearinghouse removes what
// it picks up from an SFTP mailbox.
const PickedDir = "payer-picked"

// Serve answers one real-time request, as clearinghouse.InProcess wants:
// a 270 with a 271, a 276 with a 277, a 278 with a 278. A request the
// payer cannot read is answered with the 999 that rejects it.
func (p *Payer) Serve(ctx context.Context, kind clearinghouse.Kind, req []byte) ([]byte, error) {
	var answer func(context.Context, []byte) ([]byte, error)
	switch kind {
	case clearinghouse.Eligibility:
		answer = p.Eligibility
	case clearinghouse.StatusRequest:
		answer = p.ClaimStatus
	case clearinghouse.Services:
		answer = p.Authorization
	default:
		return nil, claimgate.Errorf(claimgate.Invalid, "the test payer answers 270, 276 and 278 in real time, not %s", kind)
	}
	resp, err := answer(ctx, req)
	if err == nil {
		return resp, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ic, aerr := ack.For(bytes.NewReader(req), ack.Options{ControlNumber: p.nextControl(), Now: p.now().UTC()})
	if aerr != nil {
		return nil, fmt.Errorf("answer %s: %w", kind, err)
	}
	fitLoopIDs(ic)
	var buf bytes.Buffer
	xw := x12Writer(&buf, ic)
	if werr := ack.Write(xw, ic); werr != nil {
		return nil, werr
	}
	if ferr := xw.Flush(); ferr != nil {
		return nil, ferr
	}
	return buf.Bytes(), nil
}

// RealTime returns the payer as the real-time transport of the
// clearinghouse package.
func (p *Payer) RealTime() *clearinghouse.InProcess {
	return &clearinghouse.InProcess{Serve: p.Serve}
}

// Mailbox runs a Payer against a practice's mailbox folder (the layout of
// package clearinghouse): it takes the files the practice writes to
// outbound/, answers into inbound/, where the practice polls, and releases
// due payments there too.
//
// The payer's state lives in memory, but it is a function of what it was
// given: Mailbox keeps a journal (JournalFile in PickedDir) of every file it
// answered and every payment release, with the payer's clock at the time,
// and the first Poll of a new Mailbox replays it through the fresh Payer
// (discarding the answers, already written), so that a restarted payer
// remembers its members' accumulators, its authorizations and the claims
// it owes payment for.
type Mailbox struct {
	Payer *Payer
	Root  string
	Log   *slog.Logger // nil: slog.Default()

	replayed bool
	last     time.Time // the latest time in the journal
}

// JournalFile is the name of the mailbox journal in PickedDir.
const JournalFile = "journal.log"

// PollResult counts what one Poll did.
type PollResult struct {
	Read    int // files taken from outbound/
	Refused int // of those, files the payer could not read at all
	Written int // files written to inbound/
}

// Poll takes every finished file in outbound/ in name order, moves it to
// PickedDir and answers it; then it writes the payments due by the
// payer's clock. Each answer appears in inbound/ whole or not at all.
func (m *Mailbox) Poll(ctx context.Context) (PollResult, error) {
	var res PollResult
	log := m.log()
	out := filepath.Join(m.Root, clearinghouse.OutboundDir)
	picked := filepath.Join(m.Root, PickedDir)
	for _, dir := range []string{out, picked, filepath.Join(m.Root, clearinghouse.InboundDir)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return res, fmt.Errorf("payer mailbox: %w", err)
		}
	}
	if !m.replayed {
		if err := m.replay(ctx); err != nil {
			return res, err
		}
		m.replayed = true
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return res, fmt.Errorf("payer mailbox: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && !unfinished(n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		// Taking the file first makes it ours: a second payer polling
		// the same folder finds it gone.
		dst := filepath.Join(picked, name)
		if err := os.Rename(filepath.Join(out, name), dst); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			return res, fmt.Errorf("payer mailbox: take %s: %w", name, err)
		}
		data, err := os.ReadFile(dst)
		if err != nil {
			return res, fmt.Errorf("payer mailbox: %w", err)
		}
		res.Read++
		at := m.clock()
		files, err := m.Payer.handleAt(ctx, data, at)
		if err != nil {
			res.Refused++
			log.Warn("test payer refused a file", "file", name, "err", err)
			if werr := os.WriteFile(dst+".reason", []byte(err.Error()+"\n"), 0o644); werr != nil {
				return res, fmt.Errorf("payer mailbox: %w", werr)
			}
			continue
		}
		n, err := m.write(files)
		res.Written += n
		if err != nil {
			return res, err
		}
		if err := m.journal("file", at, name); err != nil {
			return res, err
		}
		log.Info("test payer answered a file", "file", name, "answers", len(files))
	}
	at := m.clock()
	files, err := m.Payer.Advance(ctx, at)
	if err != nil {
		return res, fmt.Errorf("payer mailbox: release payments: %w", err)
	}
	n, err := m.write(files)
	res.Written += n
	if err != nil {
		return res, err
	}
	if len(files) > 0 {
		if err := m.journal("advance", at, ""); err != nil {
			return res, err
		}
		log.Info("test payer released payments", "files", len(files))
	}
	return res, nil
}

// clock is the payer's clock, never earlier than the journal's last entry
// (a restarted payer's clock may start behind a fast one's).
func (m *Mailbox) clock() time.Time {
	t := m.Payer.Now()
	if t.Before(m.last) {
		t = m.last
	}
	m.last = t
	return t
}

func (m *Mailbox) journal(what string, at time.Time, name string) error {
	f, err := os.OpenFile(filepath.Join(m.Root, PickedDir, JournalFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("payer mailbox: journal: %w", err)
	}
	_, err = fmt.Fprintf(f, "%s\t%s\t%s\n", what, at.UTC().Format(time.RFC3339Nano), name)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("payer mailbox: journal: %w", err)
	}
	return nil
}

// replay runs the journal through the payer, discarding the answers.
func (m *Mailbox) replay(ctx context.Context) error {
	data, err := os.ReadFile(filepath.Join(m.Root, PickedDir, JournalFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("payer mailbox: journal: %w", err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			return fmt.Errorf("payer mailbox: journal line %d: malformed", i+1)
		}
		at, err := time.Parse(time.RFC3339Nano, parts[1])
		if err != nil {
			return fmt.Errorf("payer mailbox: journal line %d: %w", i+1, err)
		}
		switch parts[0] {
		case "file":
			file, err := os.ReadFile(filepath.Join(m.Root, PickedDir, parts[2]))
			if errors.Is(err, os.ErrNotExist) {
				// Someone cleared the folder: the payer forgets that file.
				m.log().Warn("test payer journal names a file no longer there", "file", parts[2])
				continue
			}
			if err != nil {
				return fmt.Errorf("payer mailbox: journal line %d: %w", i+1, err)
			}
			if _, err := m.Payer.handleAt(ctx, file, at); err != nil {
				return fmt.Errorf("payer mailbox: journal line %d: replay %s: %w", i+1, parts[2], err)
			}
		case "advance":
			if _, err := m.Payer.Advance(ctx, at); err != nil {
				return fmt.Errorf("payer mailbox: journal line %d: %w", i+1, err)
			}
		default:
			return fmt.Errorf("payer mailbox: journal line %d: unknown entry %q", i+1, parts[0])
		}
		if at.After(m.last) {
			m.last = at
		}
	}
	return nil
}

// Run polls every interval until ctx is done.
func (m *Mailbox) Run(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := m.Poll(ctx); err != nil && ctx.Err() == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (m *Mailbox) write(files []File) (int, error) {
	in := filepath.Join(m.Root, clearinghouse.InboundDir)
	for i, f := range files {
		if err := writeAtomic(in, f.Name, f.Data); err != nil {
			return i, fmt.Errorf("payer mailbox: write %s: %w", f.Name, err)
		}
	}
	return len(files), nil
}

// writeAtomic writes data to dir/name through a temporary dot-file the
// practice's poller skips, then renames it into place.
func writeAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
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
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}

// unfinished reports whether a name is an upload in progress, which the
// practice's mailbox writes under a dot-name or a temporary suffix.
func unfinished(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".part") ||
		strings.HasSuffix(name, ".filepart") || strings.HasSuffix(name, ".reason")
}

func (m *Mailbox) log() *slog.Logger {
	if m.Log == nil {
		return slog.Default()
	}
	return m.Log
}
