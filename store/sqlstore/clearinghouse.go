package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
)

var _ clearinghouse.Store = (*Store)(nil)

// CreatePartner inserts p, which must be valid, with its counters set to
// hand out p.FirstControl first, and sets its CreatedAt when zero. A
// partner with p's ID, or another with p's mailbox folder, is a Conflict.
func (s *Store) CreatePartner(ctx context.Context, p *clearinghouse.Partner) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now()
	}
	p.CreatedAt = norm(p.CreatedAt)
	last := max(p.FirstControl-1, 0)
	const q = `INSERT INTO trading_partners (id, name, our_qualifier, our_id, their_qualifier, their_id,
	our_app_code, their_app_code, payer_ids, usage_indicator, mailbox, acknowledge, last_isa, last_gs, last_st, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $13, $14)`
	_, err := s.db.ExecContext(ctx, q, p.ID, p.Name, p.OurQualifier, p.OurID, p.TheirQualifier, p.TheirID,
		p.OurAppCode, p.TheirAppCode, list(p.PayerIDs), p.Usage, p.Mailbox, list(p.Acknowledge), last, s.ts(p.CreatedAt))
	if s.d.Classify(err) == ErrUnique {
		var other string
		if s.db.QueryRowContext(ctx, `SELECT id FROM trading_partners WHERE mailbox = $1 AND id <> $2`, p.Mailbox, p.ID).Scan(&other) == nil {
			return claimgate.Errorf(claimgate.Conflict, "the mailbox folder is already trading partner %s's", other)
		}
		return claimgate.Errorf(claimgate.Conflict, "trading partner %s already exists", p.ID)
	}
	return s.fail("trading partner", err)
}

// UpdatePartner replaces the settings of partner p.ID with p's, which must
// be valid; its control numbers and CreatedAt stay. An unknown partner is
// NotFound; another partner's mailbox folder is a Conflict.
func (s *Store) UpdatePartner(ctx context.Context, p *clearinghouse.Partner) error {
	if err := p.Validate(); err != nil {
		return err
	}
	const q = `UPDATE trading_partners SET name = $2, our_qualifier = $3, our_id = $4, their_qualifier = $5,
	their_id = $6, our_app_code = $7, their_app_code = $8, payer_ids = $9, usage_indicator = $10, mailbox = $11,
	acknowledge = $12 WHERE id = $1 RETURNING created_at`
	err := s.db.QueryRowContext(ctx, q, p.ID, p.Name, p.OurQualifier, p.OurID, p.TheirQualifier, p.TheirID,
		p.OurAppCode, p.TheirAppCode, list(p.PayerIDs), p.Usage, p.Mailbox, list(p.Acknowledge)).Scan(timeCol{&p.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return claimgate.Errorf(claimgate.NotFound, "trading partner %s not found", p.ID)
	}
	if s.d.Classify(err) == ErrUnique {
		return claimgate.Errorf(claimgate.Conflict, "the mailbox folder is already another trading partner's")
	}
	return s.fail("trading partner", err)
}

const partnerCols = `id, name, our_qualifier, our_id, their_qualifier, their_id, our_app_code, their_app_code,
	payer_ids, usage_indicator, mailbox, acknowledge, created_at`

func scanPartner(sc interface{ Scan(...any) error }) (clearinghouse.Partner, error) {
	var p clearinghouse.Partner
	var payers, acks string
	err := sc.Scan(&p.ID, &p.Name, &p.OurQualifier, &p.OurID, &p.TheirQualifier, &p.TheirID, &p.OurAppCode,
		&p.TheirAppCode, &payers, &p.Usage, &p.Mailbox, &acks, timeCol{&p.CreatedAt})
	p.PayerIDs = splitList[string](payers)
	p.Acknowledge = splitList[clearinghouse.Kind](acks)
	return p, err
}

// Partner returns partner id; NotFound if there is none.
func (s *Store) Partner(ctx context.Context, id string) (clearinghouse.Partner, error) {
	p, err := scanPartner(s.db.QueryRowContext(ctx, `SELECT `+partnerCols+` FROM trading_partners WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, claimgate.Errorf(claimgate.NotFound, "trading partner %s not found", id)
	}
	return p, s.fail("trading partner", err)
}

// Partners returns every partner ordered by ID.
func (s *Store) Partners(ctx context.Context) ([]clearinghouse.Partner, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+partnerCols+` FROM trading_partners ORDER BY id`)
	if err != nil {
		return nil, s.fail("trading partners", err)
	}
	return collect(rows, "trading partners", scanPartner)
}

// NextControlNumbers allocates one interchange's control numbers to
// partnerID. The counters live in the partner's row and are bumped by one
// UPDATE: PostgreSQL's row lock, or SQLite's single writer, makes concurrent
// allocators wait for each other, and a committed number is never handed
// out again. sets below 1 is Invalid.
func (s *Store) NextControlNumbers(ctx context.Context, partnerID string, sets int) (clearinghouse.Control, error) {
	var c clearinghouse.Control
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.allocControl(ctx, tx, partnerID, sets)
		return err
	})
	return c, err
}

func (s *Store) allocControl(ctx context.Context, tx *sql.Tx, partnerID string, sets int) (clearinghouse.Control, error) {
	if sets < 1 {
		return clearinghouse.Control{}, claimgate.Errorf(claimgate.Invalid, "an interchange holds at least one transaction set")
	}
	const q = `UPDATE trading_partners SET last_isa = last_isa + 1, last_gs = last_gs + 1, last_st = last_st + $2
WHERE id = $1 AND last_isa < $3 AND last_gs < $3 AND last_st <= $3 - $2
RETURNING last_isa, last_gs, last_st`
	var isa, gs, st int64
	err := tx.QueryRowContext(ctx, q, partnerID, int64(sets), int64(clearinghouse.MaxControl)).Scan(&isa, &gs, &st)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM trading_partners WHERE id = $1`, partnerID).Scan(&n); err != nil {
			return clearinghouse.Control{}, s.fail("control numbers", err)
		}
		if n == 0 {
			return clearinghouse.Control{}, claimgate.Errorf(claimgate.NotFound, "trading partner %s not found", partnerID)
		}
		return clearinghouse.Control{}, claimgate.Errorf(claimgate.Conflict,
			"control numbers for trading partner %s are used up (ISA13 has nine digits)", partnerID)
	}
	if err != nil {
		return clearinghouse.Control{}, s.fail("control numbers", err)
	}
	return clearinghouse.Control{ISA13: isa, GS06: gs, ST02: st - int64(sets) + 1, Sets: sets}, nil
}

// RecordOutbound logs f and sets its ID and CreatedAt when zero. The same
// partner and ISA13 twice is a Conflict.
func (s *Store) RecordOutbound(ctx context.Context, f *clearinghouse.OutboundFile) error {
	if f.CreatedAt.IsZero() {
		f.CreatedAt = now()
	}
	f.CreatedAt = norm(f.CreatedAt)
	const q = `INSERT INTO outbound_files (partner_id, kind, name, isa13, gs06, st02, sets, size, sha256, inbound_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`
	err := s.db.QueryRowContext(ctx, q, f.PartnerID, string(f.Kind), f.Name, f.Control.ISA13, f.Control.GS06,
		f.Control.ST02, f.Control.Sets, f.Size, f.SHA256, ref(f.InboundID), s.ts(f.CreatedAt)).Scan(&f.ID)
	if s.d.Classify(err) == ErrUnique {
		return claimgate.Errorf(claimgate.Conflict, "an interchange %s to %s is already recorded", f.Control.ISA(), f.PartnerID)
	}
	return s.fail("outbound file", err)
}

// OutboundFiles returns the files sent to partnerID ("" for every
// partner), oldest first.
func (s *Store) OutboundFiles(ctx context.Context, partnerID string) ([]clearinghouse.OutboundFile, error) {
	var w where
	if partnerID != "" {
		w.add("partner_id = ?", partnerID)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, partner_id, kind, name, isa13, gs06, st02, sets, size, sha256,
	inbound_id, created_at FROM outbound_files`+w.String()+` ORDER BY id`, w.args...)
	if err != nil {
		return nil, s.fail("outbound files", err)
	}
	return collect(rows, "outbound files", func(sc interface{ Scan(...any) error }) (clearinghouse.OutboundFile, error) {
		var f clearinghouse.OutboundFile
		err := sc.Scan(&f.ID, &f.PartnerID, &f.Kind, &f.Name, &f.Control.ISA13, &f.Control.GS06, &f.Control.ST02,
			&f.Control.Sets, &f.Size, &f.SHA256, idCol{&f.InboundID}, timeCol{&f.CreatedAt})
		return f, err
	})
}

const inboundCols = `id, partner_id, name, size, sha256, kind, status, duplicate_of, attempts, lease_token,
	lease_until, reason, work_item_id, ack_isa13, ack_gs06, ack_st02, ack_sets, received_at, finished_at`

func scanInbound(sc interface{ Scan(...any) error }) (clearinghouse.InboundFile, error) {
	var f clearinghouse.InboundFile
	err := sc.Scan(&f.ID, &f.PartnerID, &f.Name, &f.Size, &f.SHA256, &f.Kind, &f.Status, idCol{&f.DuplicateOf},
		&f.Attempts, &f.LeaseToken, timeCol{&f.LeaseUntil}, &f.Reason, idCol{&f.WorkItemID},
		idCol{&f.Ack.ISA13}, idCol{&f.Ack.GS06}, idCol{&f.Ack.ST02}, &f.Ack.Sets, timeCol{&f.ReceivedAt}, timeCol{&f.FinishedAt})
	return f, err
}

// inboundEvent is the data of a mailbox event.
type inboundEvent struct {
	File        int64  `json:"inbound_file"`
	Partner     string `json:"partner"`
	Name        string `json:"name"`
	Kind        string `json:"kind,omitempty"`
	DuplicateOf int64  `json:"duplicate_of,omitempty"`
	WorkItem    int64  `json:"work_item,omitempty"`
	Ack         int64  `json:"ack_isa13,omitempty"`
}

func (d inboundEvent) String() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // only plain fields: cannot fail
	}
	return string(b)
}

// RegisterInbound records f (its PartnerID, Name, Size, SHA256 and Kind) as
// seen in inbound/ and returns its row: the existing one for the same
// partner, name and content; else a new Received row; else, for content
// being processed or processed under another name, a new Duplicate row with
// a mailbox.file_duplicate event. Content quarantined under another name is
// new: copying a quarantined file into inbound/ under a new name retries it. The unique keys, not checks in Go, settle
// two processes registering one file at once: the loser's INSERT does
// nothing and it reads the winner's row.
func (s *Store) RegisterInbound(ctx context.Context, f clearinghouse.InboundFile) (clearinghouse.InboundFile, error) {
	if f.PartnerID == "" || f.Name == "" || f.SHA256 == "" {
		return f, claimgate.Errorf(claimgate.Invalid, "an inbound file needs a partner, a name and a SHA-256")
	}
	at := now()
	var out clearinghouse.InboundFile
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		const ins = `INSERT INTO inbound_files (partner_id, name, size, sha256, kind, status, duplicate_of, received_at, finished_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING ` + inboundCols
		var err error
		out, err = scanInbound(tx.QueryRowContext(ctx, ins, f.PartnerID, f.Name, f.Size, f.SHA256, string(f.Kind),
			string(clearinghouse.Received), nil, s.ts(at), nil))
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return s.fail("inbound file", err)
		}
		const same = `SELECT ` + inboundCols + ` FROM inbound_files WHERE partner_id = $1 AND name = $2 AND sha256 = $3`
		out, err = scanInbound(tx.QueryRowContext(ctx, same, f.PartnerID, f.Name, f.SHA256))
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return s.fail("inbound file", err)
		}
		// The content is being processed, or was, under another name.
		var first int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM inbound_files
WHERE partner_id = $1 AND sha256 = $2 AND status IN ('received', 'processing', 'done')`, f.PartnerID, f.SHA256).Scan(&first)
		if err != nil {
			return s.fail("inbound file", err)
		}
		out, err = scanInbound(tx.QueryRowContext(ctx, ins, f.PartnerID, f.Name, f.Size, f.SHA256, string(f.Kind),
			string(clearinghouse.Duplicate), first, s.ts(at), s.ts(at)))
		if errors.Is(err, sql.ErrNoRows) {
			// Registered by another process since the second SELECT.
			out, err = scanInbound(tx.QueryRowContext(ctx, same, f.PartnerID, f.Name, f.SHA256))
			return s.fail("inbound file", err)
		}
		if err != nil {
			return s.fail("inbound file", err)
		}
		e := claimgate.Event{Kind: clearinghouse.EventFileDuplicate, At: at, Reason: "same content as inbound file " + strconv.FormatInt(first, 10),
			Data: inboundEvent{File: out.ID, Partner: out.PartnerID, Name: out.Name, Kind: string(out.Kind), DuplicateOf: first}.String()}
		return s.insertEvent(ctx, tx, &e)
	})
	return out, err
}

// ClaimInbound takes file id for token: a Received file, or a Processing
// one whose lease ran out before now (its holder died). On PostgreSQL the
// row is read with FOR UPDATE SKIP LOCKED, so a concurrent claimer does not
// wait and gets a Conflict; on SQLite the single writer serialises them and
// the second sees the file Processing.
func (s *Store) ClaimInbound(ctx context.Context, id int64, token string, at, until time.Time) (clearinghouse.InboundFile, error) {
	if token == "" {
		return clearinghouse.InboundFile{}, claimgate.Errorf(claimgate.Invalid, "a claim needs a token")
	}
	var f clearinghouse.InboundFile
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		pick := `SELECT ` + inboundCols + ` FROM inbound_files
WHERE id = $1 AND (status = 'received' OR (status = 'processing' AND lease_until < $2))` + s.d.ClaimLock
		var err error
		f, err = scanInbound(tx.QueryRowContext(ctx, pick, id, s.ts(at)))
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := s.inboundFile(ctx, tx, id); err != nil {
				return err
			}
			return claimgate.Errorf(claimgate.Conflict, "inbound file %d is not available to claim", id)
		}
		if err != nil {
			return s.fail("inbound file", err)
		}
		const q = `UPDATE inbound_files SET status = 'processing', lease_token = $1, lease_until = $2, attempts = attempts + 1
WHERE id = $3`
		if _, err := tx.ExecContext(ctx, q, token, s.ts(until), id); err != nil {
			return s.fail("inbound file", err)
		}
		f.Status, f.LeaseToken, f.LeaseUntil, f.Attempts = clearinghouse.Processing, token, norm(until), f.Attempts+1
		return nil
	})
	if err != nil {
		return clearinghouse.InboundFile{}, err
	}
	return f, nil
}

// held runs update, whose last two parameters are id and token, on a file
// that must be Processing under token; if it changes nothing the lease was
// lost: a Conflict.
func (s *Store) held(ctx context.Context, q queryer, id int64, token, update string, args ...any) error {
	res, err := q.ExecContext(ctx, update, append(args, id, token)...)
	if err != nil {
		return s.fail("inbound file", err)
	}
	n, err := affected(res)
	if err != nil {
		return err
	}
	if n == 0 {
		return claimgate.Errorf(claimgate.Conflict, "inbound file %d is no longer held by this claim", id)
	}
	return nil
}

// RenewInbound extends the lease of file id held by token to until.
func (s *Store) RenewInbound(ctx context.Context, id int64, token string, until time.Time) error {
	return s.held(ctx, s.db, id, token,
		`UPDATE inbound_files SET lease_until = $1 WHERE id = $2 AND lease_token = $3 AND status = 'processing'`, s.ts(until))
}

// ReleaseInbound makes file id, held by token, Received again with reason.
func (s *Store) ReleaseInbound(ctx context.Context, id int64, token, reason string) error {
	return s.held(ctx, s.db, id, token, `UPDATE inbound_files SET status = 'received', lease_token = '', lease_until = NULL,
	reason = $1 WHERE id = $2 AND lease_token = $3 AND status = 'processing'`, reason)
}

// FinishInbound ends file f.ID, held by f.Token, in one transaction: its
// status, kind, reason and finish time; the 999s' control numbers when
// f.AckSets is above zero; the work item (with its work.assigned event) when f.Work is set;
// and the mailbox event. The lease token stays in the row, so that the
// holder's lease keeps others from finishing the file's move meanwhile.
func (s *Store) FinishInbound(ctx context.Context, f clearinghouse.Finish) (clearinghouse.InboundFile, error) {
	if f.Status != clearinghouse.Done && f.Status != clearinghouse.Quarantined {
		return clearinghouse.InboundFile{}, claimgate.Errorf(claimgate.Invalid, "an inbound file ends done or quarantined, not %q", f.Status)
	}
	if f.At.IsZero() {
		f.At = now()
	}
	f.At = norm(f.At)
	var out clearinghouse.InboundFile
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := s.held(ctx, tx, f.ID, f.Token, `UPDATE inbound_files SET status = $1, kind = $2, reason = $3, finished_at = $4
WHERE id = $5 AND lease_token = $6 AND status = 'processing'`, string(f.Status), string(f.Kind), f.Reason, s.ts(f.At))
		if err != nil {
			return err
		}
		if out, err = s.inboundFile(ctx, tx, f.ID); err != nil {
			return err
		}
		if f.AckSets > 0 {
			c, err := s.allocControl(ctx, tx, out.PartnerID, f.AckSets)
			if err != nil {
				return err
			}
			const q = `UPDATE inbound_files SET ack_isa13 = $1, ack_gs06 = $2, ack_st02 = $3, ack_sets = $4 WHERE id = $5`
			if _, err := tx.ExecContext(ctx, q, c.ISA13, c.GS06, c.ST02, c.Sets, f.ID); err != nil {
				return s.fail("inbound file", err)
			}
			out.Ack = c
		}
		if f.Work != nil {
			if f.Work.CreatedAt.IsZero() {
				f.Work.CreatedAt = f.At
			}
			if err := s.insertWorkItem(ctx, tx, f.Work); err != nil {
				return err
			}
			e := claimgate.Event{Kind: claimgate.EventWorkAssigned, At: f.Work.CreatedAt, To: f.Work.Stage, Reason: f.Work.Reason,
				Data: eventData{WorkItem: f.Work.ID, Owner: f.Work.OwnerID, Queue: f.Work.Queue}.String()}
			if err := s.insertEvent(ctx, tx, &e); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE inbound_files SET work_item_id = $1 WHERE id = $2`, f.Work.ID, f.ID); err != nil {
				return s.fail("inbound file", err)
			}
			out.WorkItemID = f.Work.ID
		}
		kind := clearinghouse.EventFileDone
		if f.Status == clearinghouse.Quarantined {
			kind = clearinghouse.EventFileQuarantined
		}
		e := claimgate.Event{Kind: kind, At: f.At, Reason: firstLine(f.Reason),
			Data: inboundEvent{File: out.ID, Partner: out.PartnerID, Name: out.Name, Kind: string(out.Kind),
				WorkItem: out.WorkItemID, Ack: out.Ack.ISA13}.String()}
		return s.insertEvent(ctx, tx, &e)
	})
	if err != nil {
		return clearinghouse.InboundFile{}, err
	}
	return out, nil
}

// InboundFile returns inbound file id; NotFound if there is none.
func (s *Store) InboundFile(ctx context.Context, id int64) (clearinghouse.InboundFile, error) {
	return s.inboundFile(ctx, s.db, id)
}

func (s *Store) inboundFile(ctx context.Context, q queryer, id int64) (clearinghouse.InboundFile, error) {
	f, err := scanInbound(q.QueryRowContext(ctx, `SELECT `+inboundCols+` FROM inbound_files WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound("inbound file", id)
	}
	return f, s.fail("inbound file", err)
}

// InboundFiles returns the files matching f, oldest first.
func (s *Store) InboundFiles(ctx context.Context, f clearinghouse.InboundFilter) ([]clearinghouse.InboundFile, error) {
	var w where
	if f.PartnerID != "" {
		w.add("partner_id = ?", f.PartnerID)
	}
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+inboundCols+` FROM inbound_files`+w.String()+` ORDER BY id`+limit(f.Limit), w.args...)
	if err != nil {
		return nil, s.fail("inbound files", err)
	}
	return collect(rows, "inbound files", scanInbound)
}

// firstLine returns s up to its first line break.
func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
