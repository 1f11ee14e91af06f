package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/claimgate/claimgate"
)

// eventData is the JSON of Event.Data. Only the fields that apply to a kind
// are set.
type eventData struct {
	Kind      claimgate.MoveKind `json:"move,omitempty"`
	WorkItem  int64              `json:"work_item,omitempty"`
	Completed []int64            `json:"completed,omitempty"`
	Exception int64              `json:"exception,omitempty"`
	Gate      string             `json:"gate,omitempty"`
	Item      string             `json:"item,omitempty"`
	Owner     int64              `json:"owner,omitempty"`
	From      int64              `json:"from_owner,omitempty"`
	Queue     string             `json:"queue,omitempty"`
	Claim     int64              `json:"claim,omitempty"`
}

func (d eventData) String() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // only plain fields: cannot fail
	}
	return string(b)
}

// insertEvent writes e in tx and sets its ID.
func (s *Store) insertEvent(ctx context.Context, tx *sql.Tx, e *claimgate.Event) error {
	if e.At.IsZero() {
		e.At = now()
	}
	e.At = norm(e.At)
	const q = `INSERT INTO events (case_id, kind, actor_id, at, from_stage, to_stage, reason, data)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`
	err := tx.QueryRowContext(ctx, q, ref(e.CaseID), e.Kind, ref(e.ActorID), s.ts(e.At),
		string(e.From), string(e.To), e.Reason, e.Data).Scan(&e.ID)
	return s.fail("event", err)
}

// CreateCase inserts c at its Stage, with first (if not nil) as its first
// work item and a case.created event. It sets c.ID, c.Version (1),
// c.CreatedAt and c.StageSince when zero, and first's ID, CaseID, Stage and
// Status. An unknown patient, location or provider is Invalid.
func (s *Store) CreateCase(ctx context.Context, c *claimgate.Case, first *claimgate.WorkItem, actor int64) error {
	if !c.Stage.Valid() {
		return claimgate.Errorf(claimgate.Invalid, "unknown stage %q", c.Stage)
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now()
	}
	c.CreatedAt = norm(c.CreatedAt)
	if c.StageSince.IsZero() {
		c.StageSince = c.CreatedAt
	}
	c.StageSince = norm(c.StageSince)
	c.Version = 1
	return s.inTx(ctx, func(tx *sql.Tx) error {
		const q = `INSERT INTO cases (patient_id, location_id, provider_id, service_date, stage,
	stage_since, version, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`
		err := tx.QueryRowContext(ctx, q, ref(c.PatientID), ref(c.LocationID), ref(c.ProviderID),
			c.ServiceDate, string(c.Stage), s.ts(c.StageSince), c.Version, s.ts(c.CreatedAt)).Scan(&c.ID)
		if err != nil {
			return s.fail("case", err)
		}
		if err := s.at(FaultCreateCase); err != nil {
			return err
		}
		var d eventData
		if first != nil {
			first.CaseID = c.ID
			if first.Stage == "" {
				first.Stage = c.Stage
			}
			if first.CreatedAt.IsZero() {
				first.CreatedAt = c.CreatedAt
			}
			if err := s.insertWorkItem(ctx, tx, first); err != nil {
				return err
			}
			d = eventData{WorkItem: first.ID, Owner: first.OwnerID, Queue: first.Queue}
		}
		e := claimgate.Event{CaseID: c.ID, Kind: claimgate.EventCaseCreated, ActorID: actor,
			At: c.CreatedAt, To: c.Stage, Data: d.String()}
		return s.insertEvent(ctx, tx, &e)
	})
}

const caseCols = `id, patient_id, location_id, provider_id, service_date, stage, stage_since, version, created_at`

func scanCase(sc interface{ Scan(...any) error }) (claimgate.Case, error) {
	var c claimgate.Case
	err := sc.Scan(&c.ID, &c.PatientID, idCol{&c.LocationID}, idCol{&c.ProviderID}, &c.ServiceDate,
		&c.Stage, timeCol{&c.StageSince}, &c.Version, timeCol{&c.CreatedAt})
	return c, err
}

// Case returns the case id.
func (s *Store) Case(ctx context.Context, id int64) (claimgate.Case, error) {
	c, err := scanCase(s.db.QueryRowContext(ctx, `SELECT `+caseCols+` FROM cases WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("case", id)
	}
	return c, s.fail("case", err)
}

// Cases returns the cases matching f, ordered by ID.
func (s *Store) Cases(ctx context.Context, f claimgate.CaseFilter) ([]claimgate.Case, error) {
	var w where
	if f.Stage != "" {
		w.add("stage = ?", string(f.Stage))
	}
	if f.PatientID != 0 {
		w.add("patient_id = ?", f.PatientID)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseCols+` FROM cases`+w.String()+` ORDER BY id`+limit(f.Limit), w.args...)
	if err != nil {
		return nil, s.fail("cases", err)
	}
	return collect(rows, "cases", scanCase)
}

// MoveCase applies m in one transaction: the case's stage (and version and
// StageSince), the completion of its open items in m.From's queue (items
// tracking an exception stay open: the exception outlives the move), the
// opening of m.Next, and the case.moved event, which it returns. A case not
// at m.From is a Conflict and nothing is written.
func (s *Store) MoveCase(ctx context.Context, m claimgate.CaseMove) (claimgate.Event, error) {
	if !m.From.Valid() || !m.To.Valid() {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Invalid, "unknown stage in move from %q to %q", m.From, m.To)
	}
	if m.At.IsZero() {
		m.At = now()
	}
	m.At = norm(m.At)
	var e claimgate.Event
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		move := `UPDATE cases SET stage = $1, stage_since = $2, version = version + 1
WHERE id = $3 AND stage = $4`
		args := []any{string(m.To), s.ts(m.At), m.CaseID, string(m.From)}
		if m.Version != 0 {
			move += ` AND version = $5`
			args = append(args, m.Version)
		}
		res, err := tx.ExecContext(ctx, move, args...)
		if err != nil {
			return s.fail("case", err)
		}
		if n, err := affected(res); err != nil {
			return err
		} else if n == 0 {
			return s.staleCase(ctx, tx, m.CaseID, m.From, m.Version)
		}
		if err := s.at(FaultMoveStage); err != nil {
			return err
		}
		const done = `UPDATE work_items SET status = 'done', updated_at = $1
WHERE case_id = $2 AND queue = $3 AND status = 'open' AND exception_id IS NULL RETURNING id`
		rows, err := tx.QueryContext(ctx, done, s.ts(m.At), m.CaseID, m.From.Queue())
		if err != nil {
			return s.fail("work item", err)
		}
		ids, err := collect(rows, "work items", func(sc interface{ Scan(...any) error }) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		})
		if err != nil {
			return err
		}
		d := eventData{Kind: m.Kind, Completed: ids}
		if m.Next.Queue != "" {
			next := m.Next
			next.CaseID = m.CaseID
			if next.Stage == "" {
				next.Stage = m.To
			}
			if next.CreatedAt.IsZero() {
				next.CreatedAt = m.At
			}
			if err := s.insertWorkItem(ctx, tx, &next); err != nil {
				return err
			}
			d.WorkItem, d.Owner, d.Queue = next.ID, next.OwnerID, next.Queue
		}
		if err := s.at(FaultMoveWork); err != nil {
			return err
		}
		e = claimgate.Event{CaseID: m.CaseID, Kind: claimgate.EventCaseMoved, ActorID: m.Actor, At: m.At,
			From: m.From, To: m.To, Reason: m.Reason, Data: d.String()}
		if err := s.insertEvent(ctx, tx, &e); err != nil {
			return err
		}
		return s.at(FaultMoveEvent)
	})
	if err != nil {
		return claimgate.Event{}, err
	}
	return e, nil
}

// staleCase explains why a case was not at stage: it does not exist
// (NotFound) or it has moved on (Conflict).
func (s *Store) staleCase(ctx context.Context, tx *sql.Tx, id int64, stage claimgate.Stage, version int64) error {
	var cur claimgate.Stage
	var curVersion int64
	err := tx.QueryRowContext(ctx, `SELECT stage, version FROM cases WHERE id = $1`, id).Scan(&cur, &curVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("case", id)
	}
	if err != nil {
		return s.fail("case", err)
	}
	if cur == stage {
		return claimgate.Errorf(claimgate.Conflict, "case %d changed meanwhile (version %d, not %d): reload and try again", id, curVersion, version)
	}
	return claimgate.Errorf(claimgate.Conflict, "case %d is at %s, not %s: it was moved meanwhile", id, cur, stage)
}

// touchCase bumps a case's version inside tx: a change that a gate reads
// (an exception logged or resolved) makes a move evaluated before it stale.
func (s *Store) touchCase(ctx context.Context, tx *sql.Tx, id int64) error {
	if id == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET version = version + 1 WHERE id = $1`, id); err != nil {
		return s.fail("case", err)
	}
	return nil
}

// CreateClaim inserts c and its claim.created event, and sets its ID (and
// CreatedAt when zero).
func (s *Store) CreateClaim(ctx context.Context, c *claimgate.Claim) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now()
	}
	c.CreatedAt = norm(c.CreatedAt)
	if c.Status == "" {
		c.Status = claimgate.ClaimBuilt
	}
	if c.Frequency == "" {
		c.Frequency = "1"
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		const q = `INSERT INTO claims (case_id, coverage_id, frequency, payer_claim_id, status, total_charge, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`
		err := tx.QueryRowContext(ctx, q, ref(c.CaseID), ref(c.CoverageID), c.Frequency, c.PayerClaimID,
			string(c.Status), int64(c.TotalCharge), s.ts(c.CreatedAt)).Scan(&c.ID)
		if err != nil {
			return s.fail("claim", err)
		}
		e := claimgate.Event{CaseID: c.CaseID, Kind: claimgate.EventClaimCreated, At: c.CreatedAt,
			Data: eventData{Claim: c.ID}.String()}
		return s.insertEvent(ctx, tx, &e)
	})
}

// SetClaimStatus sets a claim's status and, when payerClaimID is not empty,
// the payer's claim control number.
func (s *Store) SetClaimStatus(ctx context.Context, id int64, status claimgate.ClaimStatus, payerClaimID string) error {
	q, args := `UPDATE claims SET status = $1 WHERE id = $2`, []any{string(status), id}
	if payerClaimID != "" {
		q, args = `UPDATE claims SET status = $1, payer_claim_id = $2 WHERE id = $3`, []any{string(status), payerClaimID, id}
	}
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return s.fail("claim", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.fail("claim", err)
	} else if n == 0 {
		return claimgate.Errorf(claimgate.NotFound, "claim %d not found", id)
	}
	return nil
}

// Claims returns a case's claims, oldest first.
func (s *Store) Claims(ctx context.Context, caseID int64) ([]claimgate.Claim, error) {
	const q = `SELECT id, case_id, coverage_id, frequency, payer_claim_id, status, total_charge, created_at
FROM claims WHERE case_id = $1 ORDER BY id`
	rows, err := s.db.QueryContext(ctx, q, caseID)
	if err != nil {
		return nil, s.fail("claims", err)
	}
	return collect(rows, "claims", func(sc interface{ Scan(...any) error }) (claimgate.Claim, error) {
		var c claimgate.Claim
		err := sc.Scan(&c.ID, &c.CaseID, idCol{&c.CoverageID}, &c.Frequency, &c.PayerClaimID, &c.Status,
			&c.TotalCharge, timeCol{&c.CreatedAt})
		return c, err
	})
}

// CreateException logs e, opens w for it and writes the exception.logged
// event. It sets e.ID (and CreatedAt when zero) and w's ID, ExceptionID,
// CaseID, and OwnerID (e's owner) when zero. An unknown case, owner or
// approver is Invalid. An exception of the case for the same gate and item
// that is open and unexpired at e.CreatedAt is a Conflict: the check runs in
// the transaction, with the case row locked, so two callers cannot both pass
// it.
func (s *Store) CreateException(ctx context.Context, e *claimgate.Exception, w *claimgate.WorkItem, actor int64) error {
	if w == nil {
		return claimgate.Errorf(claimgate.Invalid, "an exception needs a work item for its owner")
	}
	if e.Gate == "" || e.Item == "" {
		return claimgate.Errorf(claimgate.Invalid, "an exception needs a gate and an item")
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now()
	}
	e.CreatedAt = norm(e.CreatedAt)
	e.Expires = norm(e.Expires)
	e.ResolvedAt = norm(e.ResolvedAt)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM cases WHERE id = $1`+s.d.RowLock, e.CaseID).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) { // an unknown case fails the insert below
			return s.fail("case", err)
		}
		const open = `SELECT id, expires_at FROM exceptions
WHERE case_id = $1 AND gate = $2 AND item = $3 AND resolved_at IS NULL AND expires_at > $4
ORDER BY id LIMIT 1`
		var until time.Time
		err = tx.QueryRowContext(ctx, open, e.CaseID, e.Gate, e.Item, s.ts(e.CreatedAt)).Scan(&id, timeCol{&until})
		if err == nil {
			return claimgate.Errorf(claimgate.Conflict, "exception #%d already covers %s/%s until %s", id, e.Gate, e.Item, until.Format("2006-01-02"))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return s.fail("exception", err)
		}
		const q = `INSERT INTO exceptions (case_id, gate, item, reason, owner_id, approver_id,
	expires_at, created_at, resolved_at, resolution)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`
		err = tx.QueryRowContext(ctx, q, ref(e.CaseID), e.Gate, e.Item, e.Reason, ref(e.OwnerID),
			ref(e.ApproverID), s.ts(e.Expires), s.ts(e.CreatedAt), s.ts(e.ResolvedAt), e.Resolution).Scan(&e.ID)
		if err != nil {
			return s.fail("exception", err)
		}
		w.ExceptionID = e.ID
		if w.CaseID == 0 {
			w.CaseID = e.CaseID
		}
		if w.OwnerID == 0 {
			w.OwnerID = e.OwnerID
		}
		if w.CreatedAt.IsZero() {
			w.CreatedAt = e.CreatedAt
		}
		if err := s.insertWorkItem(ctx, tx, w); err != nil {
			return err
		}
		if err := s.touchCase(ctx, tx, e.CaseID); err != nil {
			return err
		}
		ev := claimgate.Event{CaseID: e.CaseID, Kind: claimgate.EventExceptionLogged, ActorID: actor,
			At: e.CreatedAt, Reason: e.Reason,
			Data: eventData{Exception: e.ID, Gate: e.Gate, Item: e.Item, WorkItem: w.ID, Owner: w.OwnerID}.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

const exceptionCols = `id, case_id, gate, item, reason, owner_id, approver_id, expires_at, created_at, resolved_at, resolution`

func scanException(sc interface{ Scan(...any) error }) (claimgate.Exception, error) {
	var e claimgate.Exception
	err := sc.Scan(&e.ID, &e.CaseID, &e.Gate, &e.Item, &e.Reason, &e.OwnerID, idCol{&e.ApproverID},
		timeCol{&e.Expires}, timeCol{&e.CreatedAt}, timeCol{&e.ResolvedAt}, &e.Resolution)
	return e, err
}

// Exception returns the exception id.
func (s *Store) Exception(ctx context.Context, id int64) (claimgate.Exception, error) {
	e, err := scanException(s.db.QueryRowContext(ctx, `SELECT `+exceptionCols+` FROM exceptions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, notFound("exception", id)
	}
	return e, s.fail("exception", err)
}

// Exceptions returns a case's exceptions, oldest first.
func (s *Store) Exceptions(ctx context.Context, caseID int64) ([]claimgate.Exception, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+exceptionCols+` FROM exceptions WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, s.fail("exceptions", err)
	}
	return collect(rows, "exceptions", scanException)
}

// ResolveException marks the exception resolved at at, completes its open
// work items and writes the exception.resolved event. Resolving a resolved
// exception is a Conflict.
func (s *Store) ResolveException(ctx context.Context, id, actor int64, resolution string, at time.Time) error {
	if at.IsZero() {
		at = now()
	}
	at = norm(at)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		const q = `UPDATE exceptions SET resolved_at = $1, resolution = $2
WHERE id = $3 AND resolved_at IS NULL RETURNING case_id`
		var caseID int64
		err := tx.QueryRowContext(ctx, q, s.ts(at), resolution, id).Scan(&caseID)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM exceptions WHERE id = $1`, id).Scan(&n); err != nil {
				return s.fail("exception", err)
			}
			if n == 0 {
				return notFound("exception", id)
			}
			return claimgate.Errorf(claimgate.Conflict, "exception %d is already resolved", id)
		}
		if err != nil {
			return s.fail("exception", err)
		}
		const done = `UPDATE work_items SET status = 'done', updated_at = $1
WHERE exception_id = $2 AND status = 'open' RETURNING id`
		rows, err := tx.QueryContext(ctx, done, s.ts(at), id)
		if err != nil {
			return s.fail("work item", err)
		}
		ids, err := collect(rows, "work items", func(sc interface{ Scan(...any) error }) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		})
		if err != nil {
			return err
		}
		if err := s.touchCase(ctx, tx, caseID); err != nil {
			return err
		}
		e := claimgate.Event{CaseID: caseID, Kind: claimgate.EventExceptionResolved, ActorID: actor, At: at,
			Reason: resolution, Data: eventData{Exception: id, Completed: ids}.String()}
		return s.insertEvent(ctx, tx, &e)
	})
}

// Events returns a case's events in the order they were written.
func (s *Store) Events(ctx context.Context, caseID int64) ([]claimgate.Event, error) {
	const q = `SELECT id, case_id, kind, actor_id, at, from_stage, to_stage, reason, data
FROM events WHERE case_id = $1 ORDER BY id`
	rows, err := s.db.QueryContext(ctx, q, caseID)
	if err != nil {
		return nil, s.fail("events", err)
	}
	return collect(rows, "events", func(sc interface{ Scan(...any) error }) (claimgate.Event, error) {
		var e claimgate.Event
		err := sc.Scan(&e.ID, idCol{&e.CaseID}, &e.Kind, idCol{&e.ActorID}, timeCol{&e.At},
			&e.From, &e.To, &e.Reason, &e.Data)
		return e, err
	})
}
