package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/claimgate/claimgate"
)

// insertWorkItem writes w in tx and sets its ID, and its Status (open),
// CreatedAt and UpdatedAt when zero.
func (s *Store) insertWorkItem(ctx context.Context, tx *sql.Tx, w *claimgate.WorkItem) error {
	if w.Queue == "" {
		return claimgate.Errorf(claimgate.Invalid, "work item needs a queue")
	}
	if w.OwnerID == 0 {
		return claimgate.Errorf(claimgate.Invalid, "work item needs an owner")
	}
	if w.Status == "" {
		w.Status = claimgate.WorkOpen
	}
	if w.CreatedAt.IsZero() {
		w.CreatedAt = now()
	}
	w.CreatedAt = norm(w.CreatedAt)
	if w.UpdatedAt.IsZero() {
		w.UpdatedAt = w.CreatedAt
	}
	w.UpdatedAt = norm(w.UpdatedAt)
	w.Due = norm(w.Due)
	const q = `INSERT INTO work_items (case_id, stage, queue, reason, owner_id, priority, due_at,
	status, claimed_by, exception_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`
	err := tx.QueryRowContext(ctx, q, ref(w.CaseID), string(w.Stage), w.Queue, w.Reason, ref(w.OwnerID),
		w.Priority, s.ts(w.Due), string(w.Status), ref(w.ClaimedBy), ref(w.ExceptionID),
		s.ts(w.CreatedAt), s.ts(w.UpdatedAt)).Scan(&w.ID)
	return s.fail("work item", err)
}

// CreateWorkItem inserts w with a work.assigned event. Its owner (and its
// case, if any) must exist, or it is Invalid.
func (s *Store) CreateWorkItem(ctx context.Context, w *claimgate.WorkItem, actor int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertWorkItem(ctx, tx, w); err != nil {
			return err
		}
		e := claimgate.Event{CaseID: w.CaseID, Kind: claimgate.EventWorkAssigned, ActorID: actor,
			At: w.CreatedAt, To: w.Stage, Reason: w.Reason,
			Data: eventData{WorkItem: w.ID, Owner: w.OwnerID, Queue: w.Queue}.String()}
		return s.insertEvent(ctx, tx, &e)
	})
}

const workCols = `id, case_id, stage, queue, reason, owner_id, priority, due_at, status,
	claimed_by, exception_id, created_at, updated_at`

// workOrder is the order of urgency: priority, then due (none last), then age.
const workOrder = ` ORDER BY priority DESC, due_at ASC NULLS LAST, created_at, id`

func scanWorkItem(sc interface{ Scan(...any) error }) (claimgate.WorkItem, error) {
	var w claimgate.WorkItem
	err := sc.Scan(&w.ID, idCol{&w.CaseID}, &w.Stage, &w.Queue, &w.Reason, &w.OwnerID, &w.Priority,
		timeCol{&w.Due}, &w.Status, idCol{&w.ClaimedBy}, idCol{&w.ExceptionID},
		timeCol{&w.CreatedAt}, timeCol{&w.UpdatedAt})
	return w, err
}

// WorkItem returns the work item id.
func (s *Store) WorkItem(ctx context.Context, id int64) (claimgate.WorkItem, error) {
	return s.workItem(ctx, s.db, id)
}

func (s *Store) workItem(ctx context.Context, q queryer, id int64) (claimgate.WorkItem, error) {
	w, err := scanWorkItem(q.QueryRowContext(ctx, `SELECT `+workCols+` FROM work_items WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return w, notFound("work item", id)
	}
	return w, s.fail("work item", err)
}

// WorkItems returns the items matching f, most urgent first: priority
// (highest first), then due time (soonest first, none last), then age.
func (s *Store) WorkItems(ctx context.Context, f claimgate.WorkFilter) ([]claimgate.WorkItem, error) {
	var w where
	if f.OwnerID != 0 {
		w.add("owner_id = ?", f.OwnerID)
	}
	if f.Queue != "" {
		w.add("queue = ?", f.Queue)
	}
	if f.CaseID != 0 {
		w.add("case_id = ?", f.CaseID)
	}
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+workCols+` FROM work_items`+w.String()+workOrder+limit(f.Limit), w.args...)
	if err != nil {
		return nil, s.fail("work items", err)
	}
	return collect(rows, "work items", scanWorkItem)
}

// openItem reads item id in tx for a change, which needs it open: an
// unknown item is NotFound, a done one a Conflict.
func (s *Store) openItem(ctx context.Context, tx *sql.Tx, id int64) (claimgate.WorkItem, error) {
	w, err := s.workItem(ctx, tx, id)
	if err != nil {
		return w, err
	}
	if w.Status != claimgate.WorkOpen {
		return w, claimgate.Errorf(claimgate.Conflict, "work item %d is already done", id)
	}
	return w, nil
}

// ReassignWorkItem gives open item id to owner, with a work.reassigned
// event. An unknown item is NotFound, a done one a Conflict, an unknown owner
// Invalid.
func (s *Store) ReassignWorkItem(ctx context.Context, id, owner, actor int64, reason string, at time.Time) error {
	if owner == 0 {
		return claimgate.Errorf(claimgate.Invalid, "work item needs an owner")
	}
	if at.IsZero() {
		at = now()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		w, err := s.openItem(ctx, tx, id)
		if err != nil {
			return err
		}
		// A reassigned item is no longer anyone's claim, and an exception's
		// item carries the exception with it: its new owner resolves it.
		const q = `UPDATE work_items SET owner_id = $1, claimed_by = NULL, updated_at = $2 WHERE id = $3 AND status = 'open'`
		if err := s.changeItem(ctx, tx, id, q, owner, s.ts(at), id); err != nil {
			return err
		}
		if err := s.moveException(ctx, tx, w.ExceptionID, owner); err != nil {
			return err
		}
		e := claimgate.Event{CaseID: w.CaseID, Kind: claimgate.EventWorkReassigned, ActorID: actor, At: at,
			Reason: reason, Data: eventData{WorkItem: id, Owner: owner, From: w.OwnerID, Queue: w.Queue}.String()}
		return s.insertEvent(ctx, tx, &e)
	})
}

// CompleteWorkItem marks open item id done, with a work.completed event
// whose reason is note. An unknown item is NotFound, a done one a Conflict.
func (s *Store) CompleteWorkItem(ctx context.Context, id, actor int64, note string, at time.Time) error {
	if at.IsZero() {
		at = now()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		w, err := s.openItem(ctx, tx, id)
		if err != nil {
			return err
		}
		const q = `UPDATE work_items SET status = 'done', updated_at = $1 WHERE id = $2 AND status = 'open'`
		if err := s.changeItem(ctx, tx, id, q, s.ts(at), id); err != nil {
			return err
		}
		e := claimgate.Event{CaseID: w.CaseID, Kind: claimgate.EventWorkCompleted, ActorID: actor, At: at,
			Reason: note, Data: eventData{WorkItem: id, Owner: w.OwnerID, Queue: w.Queue}.String()}
		return s.insertEvent(ctx, tx, &e)
	})
}

// changeItem runs update q, which must change item id only while it is open;
// if it changes nothing, the item was completed meanwhile: a Conflict.
func (s *Store) changeItem(ctx context.Context, tx *sql.Tx, id int64, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return s.fail("work item", err)
	}
	n, err := affected(res)
	if err != nil {
		return err
	}
	if n == 0 {
		return claimgate.Errorf(claimgate.Conflict, "work item %d is already done", id)
	}
	return nil
}

// ClaimWorkItem takes the most urgent open, unclaimed item of queue for
// worker, who becomes its owner and its ClaimedBy, with a work.claimed event.
// On PostgreSQL the item is picked with FOR UPDATE SKIP LOCKED, so
// concurrent claimers, in any process, each get a different item; on SQLite
// the single writer serialises them. An empty queue is NotFound, an unknown
// worker Invalid.
func (s *Store) ClaimWorkItem(ctx context.Context, queue string, worker int64, at time.Time) (claimgate.WorkItem, error) {
	if worker == 0 {
		return claimgate.WorkItem{}, claimgate.Errorf(claimgate.Invalid, "a claim needs a worker")
	}
	if at.IsZero() {
		at = now()
	}
	at = norm(at)
	var w claimgate.WorkItem
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		pick := `SELECT ` + workCols + ` FROM work_items
WHERE queue = $1 AND status = 'open' AND claimed_by IS NULL` + workOrder + ` LIMIT 1` + s.d.ClaimLock
		var err error
		w, err = scanWorkItem(tx.QueryRowContext(ctx, pick, queue))
		if errors.Is(err, sql.ErrNoRows) {
			return claimgate.Errorf(claimgate.NotFound, "queue %q has no unclaimed work", queue)
		}
		if err != nil {
			return s.fail("work item", err)
		}
		const q = `UPDATE work_items SET claimed_by = $1, owner_id = $1, updated_at = $2
WHERE id = $3 AND status = 'open' AND claimed_by IS NULL`
		res, err := tx.ExecContext(ctx, q, worker, s.ts(at), w.ID)
		if err != nil {
			return s.fail("work claim", err)
		}
		if n, err := affected(res); err != nil {
			return err
		} else if n != 1 {
			// Cannot happen with the row lock held; refuse rather than hand it out twice.
			return claimgate.Errorf(claimgate.Conflict, "work item %d was claimed meanwhile; try again", w.ID)
		}
		if err := s.moveException(ctx, tx, w.ExceptionID, worker); err != nil {
			return err
		}
		e := claimgate.Event{CaseID: w.CaseID, Kind: claimgate.EventWorkClaimed, ActorID: worker, At: at,
			Data: eventData{WorkItem: w.ID, Owner: worker, From: w.OwnerID, Queue: w.Queue}.String()}
		w.ClaimedBy, w.OwnerID, w.UpdatedAt = worker, worker, at
		return s.insertEvent(ctx, tx, &e)
	})
	if err != nil {
		return claimgate.WorkItem{}, err
	}
	return w, nil
}

// moveException gives exception id (0: none) to owner inside tx, so that
// the exception and the work item that tracks it never name different owners.
func (s *Store) moveException(ctx context.Context, tx *sql.Tx, id, owner int64) error {
	if id == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE exceptions SET owner_id = $1 WHERE id = $2`, owner, id); err != nil {
		return s.fail("exception", err)
	}
	return nil
}

// SetQueueOwner makes user the default owner of queue, replacing any other.
// An unknown user is Invalid.
func (s *Store) SetQueueOwner(ctx context.Context, queue string, user int64) error {
	if queue == "" {
		return claimgate.Errorf(claimgate.Invalid, "queue name is required")
	}
	const q = `INSERT INTO queue_owners (queue, user_id) VALUES ($1, $2)
ON CONFLICT (queue) DO UPDATE SET user_id = excluded.user_id`
	_, err := s.db.ExecContext(ctx, q, queue, ref(user))
	return s.fail("queue owner", err)
}

// QueueOwner returns the default owner of queue; NotFound if none is set.
func (s *Store) QueueOwner(ctx context.Context, queue string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT user_id FROM queue_owners WHERE queue = $1`, queue).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, claimgate.Errorf(claimgate.NotFound, "queue %q has no default owner", queue)
	}
	return id, s.fail("queue owner", err)
}

// QueueSummaries returns every queue that has a default owner or open work,
// ordered by name, with its count of open items and the oldest one's age.
func (s *Store) QueueSummaries(ctx context.Context) ([]claimgate.QueueSummary, error) {
	const q = `SELECT q.queue, o.user_id, COALESCE(w.n, 0), w.oldest
FROM (SELECT queue FROM queue_owners UNION SELECT queue FROM work_items WHERE status = 'open') q
LEFT JOIN queue_owners o ON o.queue = q.queue
LEFT JOIN (SELECT queue, COUNT(*) AS n, MIN(created_at) AS oldest
	FROM work_items WHERE status = 'open' GROUP BY queue) w ON w.queue = q.queue
ORDER BY q.queue`
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, s.fail("queues", err)
	}
	return collect(rows, "queues", func(sc interface{ Scan(...any) error }) (claimgate.QueueSummary, error) {
		var x claimgate.QueueSummary
		err := sc.Scan(&x.Queue, idCol{&x.DefaultOwner}, &x.Open, timeCol{&x.Oldest})
		return x, err
	})
}
