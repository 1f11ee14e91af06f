// Package clearinghouse connects claimgate to clearinghouses and payers: the
// SFTP-style mailbox (an outbound folder we write to, an inbound folder we
// poll, an archive and a quarantine), the trading-partner settings that
// address our interchanges, the ISA/GS/ST control numbers allocated per
// partner, and the real-time transport for 270/271, 276/277 and 278.
//
// A mailbox folder is laid out as an SFTP mailbox mirror is:
//
//	<root>/outbound/    files we send; the clearinghouse picks them up
//	<root>/inbound/     files the clearinghouse leaves for us
//	<root>/archive/     inbound files processed (or duplicates), kept
//	<root>/quarantine/  inbound files refused, each with a .reason beside it
//
// Every inbound file is claimed in the database (see Store) before it is
// handled, so that it is processed exactly once across restarts and across
// server instances polling the same folder; Mailbox.PollPartner documents the
// order of commits and renames that makes that hold when a process is killed.
//
// A Mailbox's handler is the business import: Router sends each kind (999,
// 277CA, 835...) to its importer and quarantines kinds without one.
package clearinghouse

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
)

// Queue is the work queue of mailbox problems: a quarantined file opens a
// work item here for the queue's owner.
const Queue = "clearinghouse"

// Event kinds written when an inbound file reaches an end.
const (
	EventFileDone        = "mailbox.file_done"
	EventFileQuarantined = "mailbox.file_quarantined"
	EventFileDuplicate   = "mailbox.file_duplicate"
)

// Partner is a trading partner: a clearinghouse or payer we exchange X12
// with, how our interchanges to it are addressed, and its mailbox folder.
type Partner struct {
	// ID is a short code used in file names and commands: letters, digits
	// and hyphens, at most 32.
	ID   string
	Name string
	// OurQualifier and OurID are ISA05/ISA06 of what we send (and ISA07/ISA08
	// of what we receive); TheirQualifier and TheirID the other way round.
	OurQualifier, OurID     string
	TheirQualifier, TheirID string
	// OurAppCode and TheirAppCode are GS02 and GS03 of what we send.
	OurAppCode, TheirAppCode string
	// PayerIDs are the payer IDs (2010BB NM109) this partner takes claims for.
	PayerIDs []string
	// Usage is ISA15: "T" (test) or "P" (production).
	Usage string
	// Mailbox is the root folder of the partner's mailbox.
	Mailbox string
	// Acknowledge lists the inbound kinds we answer with a 999 (written to
	// outbound/), such as "835" or "277CA". Empty: we send no 999s.
	Acknowledge []Kind
	// FirstControl is the first ISA13, GS06 and ST02 to hand out (0 means
	// 1), for a partner we already exchanged files with from another
	// system, whose numbers we must not repeat. Only CreatePartner reads it.
	FirstControl int64
	CreatedAt    time.Time
}

var partnerIDPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,32}$`)

// isaIDPattern is what an ISA06/ISA08 may hold: up to 15 characters that no
// delimiter set we write uses.
var isaIDPattern = regexp.MustCompile(`^[A-Za-z0-9 .-]{1,15}$`)

// Validate returns an Invalid error listing every field of p that cannot
// address an interchange.
func (p *Partner) Validate() error {
	var bad []string
	if !partnerIDPattern.MatchString(p.ID) {
		bad = append(bad, "id: 1 to 32 letters, digits or hyphens")
	}
	for _, f := range []struct{ name, v string }{
		{"our qualifier (ISA05)", p.OurQualifier}, {"their qualifier (ISA07)", p.TheirQualifier}} {
		if len(f.v) != 2 {
			bad = append(bad, f.name+": two characters, such as ZZ or 30")
		}
	}
	for _, f := range []struct{ name, v string }{
		{"our ID (ISA06)", p.OurID}, {"their ID (ISA08)", p.TheirID}} {
		if !isaIDPattern.MatchString(f.v) || strings.TrimSpace(f.v) != f.v {
			bad = append(bad, f.name+": 1 to 15 letters, digits, spaces, dots or hyphens")
		}
	}
	for _, f := range []struct{ name, v string }{
		{"our application code (GS02)", p.OurAppCode}, {"their application code (GS03)", p.TheirAppCode}} {
		if len(f.v) < 2 || len(f.v) > 15 || !isaIDPattern.MatchString(f.v) {
			bad = append(bad, f.name+": 2 to 15 characters")
		}
	}
	if p.FirstControl < 0 || p.FirstControl > MaxControl {
		bad = append(bad, "first control number: 1 to 999999999")
	}
	if p.Usage != "T" && p.Usage != "P" {
		bad = append(bad, "usage (ISA15): T (test) or P (production)")
	}
	for _, id := range p.PayerIDs {
		if id == "" || strings.ContainsAny(id, ", ") {
			bad = append(bad, fmt.Sprintf("payer ID %q: no commas or spaces", id))
		}
	}
	for _, k := range p.Acknowledge {
		if _, ok := kinds[k]; !ok || k == Ack999 || k == TA1 {
			bad = append(bad, fmt.Sprintf("acknowledge: unknown kind %q", k))
		}
	}
	if len(bad) > 0 {
		return &claimgate.Error{Kind: claimgate.Invalid, Msg: "trading partner " + p.ID + " is not valid", Details: bad}
	}
	return nil
}

// Acknowledges reports whether we send p a 999 for inbound files of kind k.
func (p *Partner) Acknowledges(k Kind) bool { return slices.Contains(p.Acknowledge, k) }

// Control is a block of control numbers allocated to one outbound
// interchange: its ISA13, its one group's GS06, and Sets consecutive ST02s
// starting at ST02.
type Control struct {
	ISA13 int64
	GS06  int64
	ST02  int64
	Sets  int
}

// MaxControl is the largest control number: ISA13 has nine digits.
const MaxControl = 999_999_999

// ISA returns ISA13 as written: nine digits.
func (c Control) ISA() string { return fmt.Sprintf("%09d", c.ISA13) }

// GS returns GS06 as written.
func (c Control) GS() string { return fmt.Sprintf("%d", c.GS06) }

// ST returns the ST02 of set i (from 0) as written: at least four digits.
func (c Control) ST(i int) string { return fmt.Sprintf("%04d", c.ST02+int64(i)) }

// OutboundFile records one file written to a partner's outbound folder.
type OutboundFile struct {
	ID        int64
	PartnerID string
	Kind      Kind
	Name      string
	Control   Control
	Size      int64
	SHA256    string
	InboundID int64 // for a 999: the inbound file it acknowledges
	CreatedAt time.Time
}

// Status is where an inbound file stands.
type Status string

// Inbound file statuses. A file is received, then processing while one
// poller holds its lease, then done or quarantined. A copy of a file already
// seen under another name is a duplicate from the start.
const (
	Received    Status = "received"
	Processing  Status = "processing"
	Done        Status = "done"
	Quarantined Status = "quarantined"
	Duplicate   Status = "duplicate"
)

// InboundFile is the database's record of one file found in a partner's
// inbound folder: the claim that makes it processed exactly once.
type InboundFile struct {
	ID          int64
	PartnerID   string
	Name        string
	Size        int64
	SHA256      string // hex
	Kind        Kind
	Status      Status
	DuplicateOf int64 // for a duplicate: the file first seen with this content
	Attempts    int   // how many times it was claimed
	LeaseToken  string
	LeaseUntil  time.Time
	Reason      string  // why it was quarantined, or the last failed attempt's error
	WorkItemID  int64   // the work item opened when it was quarantined
	Ack         Control // the 999s we send for it; zero if none
	ReceivedAt  time.Time
	FinishedAt  time.Time
}

// Finish is the end of a claimed inbound file's processing, written in one
// transaction by Store.FinishInbound.
type Finish struct {
	ID     int64
	Token  string // the lease token of the claim; another is a Conflict
	Status Status // Done or Quarantined
	Kind   Kind
	Reason string
	At     time.Time
	// AckSets, when above zero, allocates the control numbers of the 999s
	// we send for the file (one interchange, AckSets sets: one per
	// functional group received) and records them in the file's row.
	AckSets int
	// Work is the work item opened for a quarantined file (its ID is set).
	Work *claimgate.WorkItem
}

// InboundFilter selects inbound files. Zero fields match everything.
type InboundFilter struct {
	PartnerID string
	Status    Status
	Limit     int
}

// Store keeps trading partners, control numbers and the records of mailbox
// files. *sqlstore.Store implements it on SQLite and PostgreSQL.
type Store interface {
	// CreatePartner inserts p (validated) and sets CreatedAt. A partner with
	// p's ID, or another with p's mailbox folder, is a Conflict.
	CreatePartner(ctx context.Context, p *Partner) error
	// UpdatePartner replaces the settings of partner p.ID (validated) with
	// p's, keeping its control numbers. An unknown partner is NotFound;
	// another partner's mailbox folder is a Conflict.
	UpdatePartner(ctx context.Context, p *Partner) error
	// Partner returns partner id; NotFound if there is none.
	Partner(ctx context.Context, id string) (Partner, error)
	// Partners returns every partner ordered by ID.
	Partners(ctx context.Context) ([]Partner, error)
	// NextControlNumbers allocates the ISA13, GS06 and sets ST02s of one
	// interchange to partnerID, in one transaction. Numbers only grow and
	// are never handed out twice, across restarts and processes. An unknown
	// partner is NotFound; running past MaxControl is a Conflict.
	NextControlNumbers(ctx context.Context, partnerID string, sets int) (Control, error)
	// RecordOutbound logs a file written to outbound/ and sets its ID. A
	// second record of the same partner and ISA13 is a Conflict.
	RecordOutbound(ctx context.Context, f *OutboundFile) error
	// OutboundFiles returns the files sent to partnerID ("" for all), oldest first.
	OutboundFiles(ctx context.Context, partnerID string) ([]OutboundFile, error)
	// RegisterInbound records a file seen in inbound/ by its partner, name,
	// size and SHA-256 and returns its row. A file seen before (same partner,
	// name and content) returns the existing row; new content is Received;
	// content received, processing or done under another name is a new row
	// with status Duplicate (and an event); content only ever quarantined is
	// Received again, so that a quarantined file can be retried under a new
	// name. Safe to call concurrently from many
	// processes for the same file.
	RegisterInbound(ctx context.Context, f InboundFile) (InboundFile, error)
	// ClaimInbound takes file id for processing under token until until: a
	// Received file, or a Processing one whose lease expired before now.
	// Concurrent claimers, in any process, never both succeed; the loser
	// gets a Conflict.
	ClaimInbound(ctx context.Context, id int64, token string, now, until time.Time) (InboundFile, error)
	// RenewInbound extends the lease of a claimed file. A lease no longer
	// held by token is a Conflict.
	RenewInbound(ctx context.Context, id int64, token string, until time.Time) error
	// ReleaseInbound gives a claimed file back (Received) after a failed
	// attempt, keeping reason. A lease no longer held by token is a Conflict.
	ReleaseInbound(ctx context.Context, id int64, token, reason string) error
	// FinishInbound ends a claimed file as f says, in one transaction: its
	// status, the 999s' control numbers, the work item and the event. A lease
	// no longer held by f.Token is a Conflict and nothing is written.
	FinishInbound(ctx context.Context, f Finish) (InboundFile, error)
	// InboundFile returns file id; NotFound if there is none.
	InboundFile(ctx context.Context, id int64) (InboundFile, error)
	// InboundFiles returns the matching files, oldest first.
	InboundFiles(ctx context.Context, f InboundFilter) ([]InboundFile, error)
}

// Assigner chooses the owner of new work in a queue; workflow.Service is one.
type Assigner interface {
	Assign(ctx context.Context, queue string, role claimgate.Role) (int64, error)
}
