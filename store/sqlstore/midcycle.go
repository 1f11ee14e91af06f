package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/claimgate/claimgate"
)

var _ claimgate.MidCycleStore = (*Store)(nil)

// midData is the JSON of a mid-cycle event: what changed, by key.
type midData map[string]any

func (d midData) String() string {
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // plain values only: cannot fail
	}
	return string(b)
}

// change runs fn and writes e in one transaction.
func (s *Store) change(ctx context.Context, e claimgate.Event, fn func(tx *sql.Tx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return s.insertEvent(ctx, tx, &e)
	})
}

// PutChargeItem adds or replaces the chargemaster entry for it.Code.
func (s *Store) PutChargeItem(ctx context.Context, it claimgate.ChargeItem, actor int64) error {
	if it.Code == "" || !it.ServiceType.Valid() {
		return claimgate.Errorf(claimgate.Invalid, "a chargemaster entry needs a code and a known service type")
	}
	e := claimgate.Event{Kind: claimgate.EventChargemasterChanged, ActorID: actor,
		Data: midData{"code": it.Code, "price": int64(it.Price)}.String()}
	return s.change(ctx, e, func(tx *sql.Tx) error {
		const q = `INSERT INTO chargemaster (code, description, price, revenue_code, service_type)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET description = excluded.description, price = excluded.price,
	revenue_code = excluded.revenue_code, service_type = excluded.service_type`
		_, err := tx.ExecContext(ctx, q, it.Code, it.Description, int64(it.Price), it.RevenueCode, string(it.ServiceType))
		return s.fail("chargemaster entry", err)
	})
}

const chargeItemCols = `code, description, price, revenue_code, service_type`

func scanChargeItem(sc interface{ Scan(...any) error }) (claimgate.ChargeItem, error) {
	var it claimgate.ChargeItem
	err := sc.Scan(&it.Code, &it.Description, &it.Price, &it.RevenueCode, &it.ServiceType)
	return it, err
}

// ChargeItem returns the chargemaster entry for code.
func (s *Store) ChargeItem(ctx context.Context, code string) (claimgate.ChargeItem, error) {
	it, err := scanChargeItem(s.db.QueryRowContext(ctx, `SELECT `+chargeItemCols+` FROM chargemaster WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return it, claimgate.Errorf(claimgate.NotFound, "code %s is not in the chargemaster", code)
	}
	return it, s.fail("chargemaster entry", err)
}

// ChargeItems returns the chargemaster ordered by code.
func (s *Store) ChargeItems(ctx context.Context) ([]claimgate.ChargeItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+chargeItemCols+` FROM chargemaster ORDER BY code`)
	if err != nil {
		return nil, s.fail("chargemaster", err)
	}
	return collect(rows, "chargemaster", scanChargeItem)
}

// PutFee adds or replaces a payer's expected allowed amount.
func (s *Store) PutFee(ctx context.Context, f claimgate.Fee, actor int64) error {
	if f.Code == "" {
		return claimgate.Errorf(claimgate.Invalid, "a fee needs a code")
	}
	e := claimgate.Event{Kind: claimgate.EventFeeChanged, ActorID: actor,
		Data: midData{"payer": f.PayerID, "code": f.Code, "modifier": f.Modifier, "allowed": int64(f.Allowed)}.String()}
	return s.change(ctx, e, func(tx *sql.Tx) error {
		const q = `INSERT INTO fee_schedule (payer_id, code, modifier, allowed) VALUES ($1, $2, $3, $4)
ON CONFLICT (payer_id, code, modifier) DO UPDATE SET allowed = excluded.allowed`
		_, err := tx.ExecContext(ctx, q, ref(f.PayerID), f.Code, f.Modifier, int64(f.Allowed))
		return s.fail("fee", err)
	})
}

// Fees returns a payer's fee schedule ordered by code and modifier.
func (s *Store) Fees(ctx context.Context, payerID int64) ([]claimgate.Fee, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT payer_id, code, modifier, allowed FROM fee_schedule
WHERE payer_id = $1 ORDER BY code, modifier`, payerID)
	if err != nil {
		return nil, s.fail("fee schedule", err)
	}
	return collect(rows, "fee schedule", func(sc interface{ Scan(...any) error }) (claimgate.Fee, error) {
		var f claimgate.Fee
		return f, sc.Scan(&f.PayerID, &f.Code, &f.Modifier, &f.Allowed)
	})
}

// SetDocRequirements replaces the documentation checklist of st.
func (s *Store) SetDocRequirements(ctx context.Context, st claimgate.ServiceType, reqs []claimgate.DocRequirement, actor int64) error {
	if !st.Valid() {
		return claimgate.Errorf(claimgate.Invalid, "unknown service type %q", st)
	}
	for _, r := range reqs {
		if r.ServiceType != st || len(r.AnyOf) == 0 || r.Label == "" {
			return claimgate.Errorf(claimgate.Invalid, "each requirement of %s needs that service type, a label and at least one element", st)
		}
		for _, el := range r.AnyOf {
			if !el.Valid() {
				return claimgate.Errorf(claimgate.Invalid, "unknown documentation element %q", el)
			}
		}
	}
	e := claimgate.Event{Kind: claimgate.EventDocRulesChanged, ActorID: actor,
		Data: midData{"service_type": string(st), "requirements": len(reqs)}.String()}
	return s.change(ctx, e, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM doc_requirements WHERE service_type = $1`, string(st)); err != nil {
			return s.fail("documentation requirements", err)
		}
		for i, r := range reqs {
			const q = `INSERT INTO doc_requirements (service_type, seq, label, any_of) VALUES ($1, $2, $3, $4)`
			if _, err := tx.ExecContext(ctx, q, string(st), i, r.Label, list(r.AnyOf)); err != nil {
				return s.fail("documentation requirement", err)
			}
		}
		return nil
	})
}

// DocRequirements returns every service type's checklist, by service type
// and order.
func (s *Store) DocRequirements(ctx context.Context) ([]claimgate.DocRequirement, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT service_type, label, any_of FROM doc_requirements ORDER BY service_type, seq`)
	if err != nil {
		return nil, s.fail("documentation requirements", err)
	}
	return collect(rows, "documentation requirements", func(sc interface{ Scan(...any) error }) (claimgate.DocRequirement, error) {
		var r claimgate.DocRequirement
		var anyOf string
		err := sc.Scan(&r.ServiceType, &r.Label, &anyOf)
		r.AnyOf = splitList[claimgate.Element](anyOf)
		return r, err
	})
}

// PutCoverageRule adds or replaces the payer's rule for r.Code.
func (s *Store) PutCoverageRule(ctx context.Context, r claimgate.CoverageRule, actor int64) error {
	if r.Code == "" || len(r.Diagnoses) == 0 {
		return claimgate.Errorf(claimgate.Invalid, "a coverage rule needs a service code and at least one diagnosis")
	}
	e := claimgate.Event{Kind: claimgate.EventCoverageChanged, ActorID: actor,
		Data: midData{"payer": r.PayerID, "code": r.Code, "diagnoses": len(r.Diagnoses)}.String()}
	return s.change(ctx, e, func(tx *sql.Tx) error {
		const q = `INSERT INTO coverage_rules (payer_id, code, diagnoses, policy) VALUES ($1, $2, $3, $4)
ON CONFLICT (payer_id, code) DO UPDATE SET diagnoses = excluded.diagnoses, policy = excluded.policy`
		_, err := tx.ExecContext(ctx, q, ref(r.PayerID), r.Code, list(r.Diagnoses), r.Policy)
		return s.fail("coverage rule", err)
	})
}

// CoverageRules returns a payer's rules ordered by code.
func (s *Store) CoverageRules(ctx context.Context, payerID int64) ([]claimgate.CoverageRule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT payer_id, code, diagnoses, policy FROM coverage_rules
WHERE payer_id = $1 ORDER BY code`, payerID)
	if err != nil {
		return nil, s.fail("coverage rules", err)
	}
	return collect(rows, "coverage rules", func(sc interface{ Scan(...any) error }) (claimgate.CoverageRule, error) {
		var r claimgate.CoverageRule
		var dx string
		err := sc.Scan(&r.PayerID, &r.Code, &dx, &r.Policy)
		r.Diagnoses = splitList[string](dx)
		return r, err
	})
}

func validEncounter(e claimgate.Visit) error {
	switch e.Status {
	case claimgate.Scheduled, claimgate.CheckedIn, claimgate.CheckedOut, claimgate.NoShow, claimgate.Cancelled:
		return nil
	}
	return claimgate.Errorf(claimgate.Invalid, "unknown encounter status %q", e.Status)
}

// PlanEncounter records the encounter of a case with its plan.
func (s *Store) PlanEncounter(ctx context.Context, e *claimgate.Visit, plan []claimgate.PlanItem, actor int64) error {
	if e.Status == "" {
		e.Status = claimgate.Scheduled
	}
	if err := validEncounter(*e); err != nil {
		return err
	}
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = now()
	}
	e.UpdatedAt, e.ScheduledAt, e.CheckIn, e.CheckOut = norm(e.UpdatedAt), norm(e.ScheduledAt), norm(e.CheckIn), norm(e.CheckOut)
	ev := claimgate.Event{CaseID: e.CaseID, Kind: claimgate.EventEncounterPlanned, ActorID: actor, At: e.UpdatedAt,
		Data: midData{"status": string(e.Status), "planned": len(plan)}.String()}
	return s.change(ctx, ev, func(tx *sql.Tx) error {
		const q = `INSERT INTO encounters (case_id, status, scheduled_at, check_in, check_out, cancel_reason, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`
		_, err := tx.ExecContext(ctx, q, ref(e.CaseID), string(e.Status), s.ts(e.ScheduledAt), s.ts(e.CheckIn),
			s.ts(e.CheckOut), e.CancelReason, s.ts(e.UpdatedAt))
		if s.d.Classify(err) == ErrUnique {
			return claimgate.Errorf(claimgate.Conflict, "case %d already has an encounter", e.CaseID)
		}
		if err != nil {
			return s.fail("encounter", err)
		}
		for i := range plan {
			plan[i].CaseID = e.CaseID
			if err := s.insertPlanItem(ctx, tx, &plan[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) insertPlanItem(ctx context.Context, tx *sql.Tx, it *claimgate.PlanItem) error {
	switch it.Kind {
	case claimgate.PlannedService, claimgate.PlannedOrder, claimgate.PlannedSupply:
	default:
		return claimgate.Errorf(claimgate.Invalid, "unknown plan item kind %q", it.Kind)
	}
	if it.Units == 0 {
		it.Units = 1
	}
	const q = `INSERT INTO plan_items (case_id, kind, code, units, note) VALUES ($1, $2, $3, $4, $5) RETURNING id`
	err := tx.QueryRowContext(ctx, q, ref(it.CaseID), string(it.Kind), it.Code, it.Units, it.Note).Scan(&it.ID)
	if s.d.Classify(err) == ErrForeignKey {
		return claimgate.Errorf(claimgate.NotFound, "case %d has no encounter", it.CaseID)
	}
	return s.fail("plan item", err)
}

// Visit returns a case's encounter and plan.
func (s *Store) Encounter(ctx context.Context, caseID int64) (claimgate.Visit, []claimgate.PlanItem, error) {
	var e claimgate.Visit
	const q = `SELECT case_id, status, scheduled_at, check_in, check_out, cancel_reason, updated_at FROM encounters WHERE case_id = $1`
	err := s.db.QueryRowContext(ctx, q, caseID).Scan(&e.CaseID, &e.Status, timeCol{&e.ScheduledAt}, timeCol{&e.CheckIn},
		timeCol{&e.CheckOut}, &e.CancelReason, timeCol{&e.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return e, nil, claimgate.Errorf(claimgate.NotFound, "case %d has no encounter", caseID)
	}
	if err != nil {
		return e, nil, s.fail("encounter", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, case_id, kind, code, units, note FROM plan_items WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return e, nil, s.fail("plan items", err)
	}
	plan, err := collect(rows, "plan items", func(sc interface{ Scan(...any) error }) (claimgate.PlanItem, error) {
		var it claimgate.PlanItem
		return it, sc.Scan(&it.ID, &it.CaseID, &it.Kind, &it.Code, &it.Units, &it.Note)
	})
	return e, plan, err
}

func (s *Store) updateEncounter(ctx context.Context, tx *sql.Tx, e *claimgate.Visit) error {
	if err := validEncounter(*e); err != nil {
		return err
	}
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = now()
	}
	e.UpdatedAt = norm(e.UpdatedAt)
	const q = `UPDATE encounters SET status = $1, scheduled_at = $2, check_in = $3, check_out = $4, cancel_reason = $5,
	updated_at = $6 WHERE case_id = $7`
	res, err := tx.ExecContext(ctx, q, string(e.Status), s.ts(e.ScheduledAt), s.ts(e.CheckIn), s.ts(e.CheckOut),
		e.CancelReason, s.ts(e.UpdatedAt), e.CaseID)
	if err != nil {
		return s.fail("encounter", err)
	}
	if n, err := affected(res); err != nil {
		return err
	} else if n == 0 {
		return claimgate.Errorf(claimgate.NotFound, "case %d has no encounter", e.CaseID)
	}
	return nil
}

// UpdateEncounter stores e's status, times and reason with an event.
func (s *Store) UpdateEncounter(ctx context.Context, e claimgate.Visit, actor int64, why string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.updateEncounter(ctx, tx, &e); err != nil {
			return err
		}
		ev := claimgate.Event{CaseID: e.CaseID, Kind: claimgate.EventEncounterUpdated, ActorID: actor, At: e.UpdatedAt,
			Reason: why, Data: midData{"status": string(e.Status)}.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// AddPlanItem adds an item to a case's plan.
func (s *Store) AddPlanItem(ctx context.Context, it *claimgate.PlanItem, actor int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertPlanItem(ctx, tx, it); err != nil {
			return err
		}
		ev := claimgate.Event{CaseID: it.CaseID, Kind: claimgate.EventPlanItemAdded, ActorID: actor,
			Data: midData{"plan_item": it.ID, "kind": string(it.Kind), "code": it.Code}.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// CloseUnrendered stores the encounter that did not happen and closes the
// case, in one transaction.
func (s *Store) CloseUnrendered(ctx context.Context, e claimgate.Visit, m claimgate.CaseMove) (claimgate.Event, error) {
	if e.Status != claimgate.NoShow && e.Status != claimgate.Cancelled {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Invalid, "only a no-show or cancelled encounter closes a case unrendered")
	}
	if m.To != claimgate.Closed || m.CaseID != e.CaseID {
		return claimgate.Event{}, claimgate.Errorf(claimgate.Invalid, "an unrendered encounter closes its own case")
	}
	if m.At.IsZero() {
		m.At = now()
	}
	m.At = norm(m.At)
	e.UpdatedAt = m.At
	var out claimgate.Event
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.updateEncounter(ctx, tx, &e); err != nil {
			return err
		}
		ev := claimgate.Event{CaseID: e.CaseID, Kind: claimgate.EventEncounterUpdated, ActorID: m.Actor, At: m.At,
			Reason: e.CancelReason, Data: midData{"status": string(e.Status)}.String()}
		if err := s.insertEvent(ctx, tx, &ev); err != nil {
			return err
		}
		const move = `UPDATE cases SET stage = $1, stage_since = $2, version = version + 1 WHERE id = $3 AND stage = $4`
		res, err := tx.ExecContext(ctx, move, string(m.To), s.ts(m.At), m.CaseID, string(m.From))
		if err != nil {
			return s.fail("case", err)
		}
		if n, err := affected(res); err != nil {
			return err
		} else if n == 0 {
			return s.staleCase(ctx, tx, m.CaseID, m.From, 0)
		}
		// A closed case has no stage work left; exception items stay.
		const done = `UPDATE work_items SET status = 'done', updated_at = $1
WHERE case_id = $2 AND status = 'open' AND exception_id IS NULL RETURNING id`
		rows, err := tx.QueryContext(ctx, done, s.ts(m.At), m.CaseID)
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
		out = claimgate.Event{CaseID: m.CaseID, Kind: claimgate.EventCaseMoved, ActorID: m.Actor, At: m.At,
			From: m.From, To: m.To, Reason: m.Reason, Data: eventData{Kind: m.Kind, Completed: ids}.String()}
		return s.insertEvent(ctx, tx, &out)
	})
	if err != nil {
		return claimgate.Event{}, err
	}
	return out, nil
}

func validNote(n *claimgate.Note) error {
	if !n.ServiceType.Valid() {
		return claimgate.Errorf(claimgate.Invalid, "unknown service type %q", n.ServiceType)
	}
	for _, el := range n.Elements {
		if !el.Valid() {
			return claimgate.Errorf(claimgate.Invalid, "unknown documentation element %q", el)
		}
	}
	return nil
}

// CreateNote stores a draft note and opens its work item.
func (s *Store) CreateNote(ctx context.Context, n *claimgate.Note, w *claimgate.WorkItem, actor int64) error {
	if err := validNote(n); err != nil {
		return err
	}
	n.Status, n.SignerID, n.SignedAt = claimgate.NoteDraft, 0, time.Time{}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = now()
	}
	n.CreatedAt = norm(n.CreatedAt)
	if n.UpdatedAt.IsZero() {
		n.UpdatedAt = n.CreatedAt
	}
	n.UpdatedAt = norm(n.UpdatedAt)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		d := midData{"service_type": string(n.ServiceType)}
		if w != nil {
			w.CaseID = n.CaseID
			if err := s.insertWorkItem(ctx, tx, w); err != nil {
				return err
			}
			n.WorkItemID = w.ID
			d["work_item"], d["owner"], d["queue"] = w.ID, w.OwnerID, w.Queue
		}
		const q = `INSERT INTO notes (case_id, service_type, author_id, elements, body, status, work_item_id, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`
		err := tx.QueryRowContext(ctx, q, ref(n.CaseID), string(n.ServiceType), ref(n.AuthorID), list(n.Elements), n.Text,
			string(n.Status), ref(n.WorkItemID), s.ts(n.CreatedAt), s.ts(n.UpdatedAt)).Scan(&n.ID)
		if err != nil {
			return s.fail("note", err)
		}
		d["note"] = n.ID
		ev := claimgate.Event{CaseID: n.CaseID, Kind: claimgate.EventNoteWritten, ActorID: actor, At: n.CreatedAt, Data: d.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// UpdateNote changes a draft note.
func (s *Store) UpdateNote(ctx context.Context, n claimgate.Note, actor int64) error {
	if err := validNote(&n); err != nil {
		return err
	}
	if n.UpdatedAt.IsZero() {
		n.UpdatedAt = now()
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		const q = `UPDATE notes SET service_type = $1, elements = $2, body = $3, updated_at = $4 WHERE id = $5 AND status = 'draft'`
		res, err := tx.ExecContext(ctx, q, string(n.ServiceType), list(n.Elements), n.Text, s.ts(n.UpdatedAt), n.ID)
		if err != nil {
			return s.fail("note", err)
		}
		if k, err := affected(res); err != nil {
			return err
		} else if k == 0 {
			return s.notDraft(ctx, tx, n.ID)
		}
		var caseID int64
		if err := tx.QueryRowContext(ctx, `SELECT case_id FROM notes WHERE id = $1`, n.ID).Scan(&caseID); err != nil {
			return s.fail("note", err)
		}
		ev := claimgate.Event{CaseID: caseID, Kind: claimgate.EventNoteWritten, ActorID: actor, At: n.UpdatedAt,
			Data: midData{"note": n.ID, "service_type": string(n.ServiceType)}.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// notDraft says why note id could not be changed: it is signed or missing.
func (s *Store) notDraft(ctx context.Context, tx *sql.Tx, id int64) error {
	var st string
	err := tx.QueryRowContext(ctx, `SELECT status FROM notes WHERE id = $1`, id).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("note", id)
	}
	if err != nil {
		return s.fail("note", err)
	}
	return claimgate.Errorf(claimgate.Conflict, "note %d is already signed: a signed note does not change", id)
}

// SignNote signs a draft note and completes its work item.
func (s *Store) SignNote(ctx context.Context, id, signer int64, at time.Time) error {
	if at.IsZero() {
		at = now()
	}
	at = norm(at)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		const q = `UPDATE notes SET status = 'signed', signer_id = $1, signed_at = $2, updated_at = $2
WHERE id = $3 AND status = 'draft' RETURNING case_id, work_item_id`
		var caseID, workID int64
		err := tx.QueryRowContext(ctx, q, ref(signer), s.ts(at), id).Scan(&caseID, idCol{&workID})
		if errors.Is(err, sql.ErrNoRows) {
			return s.notDraft(ctx, tx, id)
		}
		if err != nil {
			return s.fail("note", err)
		}
		d := midData{"note": id}
		if workID != 0 {
			const done = `UPDATE work_items SET status = 'done', updated_at = $1 WHERE id = $2 AND status = 'open'`
			if _, err := tx.ExecContext(ctx, done, s.ts(at), workID); err != nil {
				return s.fail("work item", err)
			}
			d["work_item"] = workID
		}
		ev := claimgate.Event{CaseID: caseID, Kind: claimgate.EventNoteSigned, ActorID: signer, At: at, Data: d.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

const noteCols = `id, case_id, service_type, author_id, elements, body, status, signer_id, signed_at, work_item_id, created_at, updated_at`

func scanNote(sc interface{ Scan(...any) error }) (claimgate.Note, error) {
	var n claimgate.Note
	var els string
	err := sc.Scan(&n.ID, &n.CaseID, &n.ServiceType, &n.AuthorID, &els, &n.Text, &n.Status, idCol{&n.SignerID},
		timeCol{&n.SignedAt}, idCol{&n.WorkItemID}, timeCol{&n.CreatedAt}, timeCol{&n.UpdatedAt})
	n.Elements = splitList[claimgate.Element](els)
	return n, err
}

// Note returns note id.
func (s *Store) Note(ctx context.Context, id int64) (claimgate.Note, error) {
	n, err := scanNote(s.db.QueryRowContext(ctx, `SELECT `+noteCols+` FROM notes WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, notFound("note", id)
	}
	return n, s.fail("note", err)
}

// Notes returns a case's notes, oldest first.
func (s *Store) Notes(ctx context.Context, caseID int64) ([]claimgate.Note, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+noteCols+` FROM notes WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, s.fail("notes", err)
	}
	return collect(rows, "notes", scanNote)
}

// UnsignedNotes returns every draft note, oldest first.
func (s *Store) UnsignedNotes(ctx context.Context) ([]claimgate.Note, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+noteCols+` FROM notes WHERE status = 'draft' ORDER BY created_at, id`)
	if err != nil {
		return nil, s.fail("notes", err)
	}
	return collect(rows, "notes", scanNote)
}

func ints(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func splitInts(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("diagnosis pointers %q: %w", s, err)
		}
		out[i] = n
	}
	return out, nil
}

// AddChargeLine stores l as the case's next line.
func (s *Store) AddChargeLine(ctx context.Context, l *claimgate.ChargeLine, actor int64) error {
	if l.Code == "" || l.Units <= 0 {
		return claimgate.Errorf(claimgate.Invalid, "a charge line needs a code and at least one unit")
	}
	if l.EnteredAt.IsZero() {
		l.EnteredAt = now()
	}
	l.EnteredAt = norm(l.EnteredAt)
	l.LagDays = claimgate.LagDays(l.ServiceDate, l.EnteredAt)
	l.VoidedAt, l.VoidReason = time.Time{}, ""
	return s.inTx(ctx, func(tx *sql.Tx) error {
		// The case's row lock numbers concurrent entries one after the
		// other (SQLite's single writer does the same).
		lock := ""
		if s.d.Name == "postgres" {
			lock = " FOR UPDATE"
		}
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM cases WHERE id = $1`+lock, l.CaseID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return claimgate.Errorf(claimgate.Invalid, "charge line refers to case %d, which does not exist", l.CaseID)
		}
		if err != nil {
			return s.fail("charge line", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(line), 0) + 1 FROM charge_lines WHERE case_id = $1`, l.CaseID).Scan(&l.Line); err != nil {
			return s.fail("charge line", err)
		}
		const q = `INSERT INTO charge_lines (case_id, line, code, modifiers, units, dx_pointers, amount, service_date,
	entered_by, entered_at, lag_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`
		err = tx.QueryRowContext(ctx, q, ref(l.CaseID), l.Line, l.Code, list(l.Modifiers), l.Units, ints(l.DxPointers),
			int64(l.Amount), l.ServiceDate, ref(l.EnteredBy), s.ts(l.EnteredAt), l.LagDays).Scan(&l.ID)
		if err != nil {
			return s.fail("charge line", err)
		}
		ev := claimgate.Event{CaseID: l.CaseID, Kind: claimgate.EventChargeAdded, ActorID: actor, At: l.EnteredAt,
			Data: midData{"charge_line": l.ID, "line": l.Line, "code": l.Code, "units": l.Units, "lag_days": l.LagDays}.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// VoidChargeLine voids a line with a reason.
func (s *Store) VoidChargeLine(ctx context.Context, id, actor int64, reason string, at time.Time) error {
	if at.IsZero() {
		at = now()
	}
	at = norm(at)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var caseID int64
		var line int
		err := tx.QueryRowContext(ctx, `UPDATE charge_lines SET voided_at = $1, void_reason = $2
WHERE id = $3 AND voided_at IS NULL RETURNING case_id, line`, s.ts(at), reason, id).Scan(&caseID, &line)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM charge_lines WHERE id = $1`, id).Scan(&n); err != nil {
				return s.fail("charge line", err)
			}
			if n == 0 {
				return notFound("charge line", id)
			}
			return claimgate.Errorf(claimgate.Conflict, "charge line %d is already voided", id)
		}
		if err != nil {
			return s.fail("charge line", err)
		}
		ev := claimgate.Event{CaseID: caseID, Kind: claimgate.EventChargeVoided, ActorID: actor, At: at, Reason: reason,
			Data: midData{"charge_line": id, "line": line}.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// ChargeLines returns a case's lines by line number.
func (s *Store) ChargeLines(ctx context.Context, caseID int64) ([]claimgate.ChargeLine, error) {
	const q = `SELECT id, case_id, line, code, modifiers, units, dx_pointers, amount, service_date, entered_by, entered_at,
	lag_days, voided_at, void_reason FROM charge_lines WHERE case_id = $1 ORDER BY line`
	rows, err := s.db.QueryContext(ctx, q, caseID)
	if err != nil {
		return nil, s.fail("charge lines", err)
	}
	return collect(rows, "charge lines", func(sc interface{ Scan(...any) error }) (claimgate.ChargeLine, error) {
		var l claimgate.ChargeLine
		var mods, ptrs string
		err := sc.Scan(&l.ID, &l.CaseID, &l.Line, &l.Code, &mods, &l.Units, &ptrs, &l.Amount, &l.ServiceDate,
			&l.EnteredBy, timeCol{&l.EnteredAt}, &l.LagDays, timeCol{&l.VoidedAt}, &l.VoidReason)
		if err != nil {
			return l, err
		}
		l.Modifiers = splitList[string](mods)
		l.DxPointers, err = splitInts(ptrs)
		return l, err
	})
}

// SetDiagnoses replaces a case's ordered diagnoses.
func (s *Store) SetDiagnoses(ctx context.Context, caseID int64, codes []string, actor int64, at time.Time) error {
	seen := map[string]bool{}
	for _, c := range codes {
		if c == "" {
			return claimgate.Errorf(claimgate.Invalid, "a diagnosis code is empty")
		}
		if seen[c] {
			return claimgate.Errorf(claimgate.Invalid, "diagnosis %s is listed twice", c)
		}
		seen[c] = true
	}
	if at.IsZero() {
		at = now()
	}
	ev := claimgate.Event{CaseID: caseID, Kind: claimgate.EventDiagnosesSet, ActorID: actor, At: at,
		Data: midData{"diagnoses": codes}.String()}
	return s.change(ctx, ev, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM diagnoses WHERE case_id = $1`, caseID); err != nil {
			return s.fail("diagnoses", err)
		}
		for i, c := range codes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO diagnoses (case_id, rank, code) VALUES ($1, $2, $3)`, ref(caseID), i+1, c); err != nil {
				return s.fail("diagnosis", err)
			}
		}
		return nil
	})
}

// Diagnoses returns a case's diagnoses by rank.
func (s *Store) Diagnoses(ctx context.Context, caseID int64) ([]claimgate.Diagnosis, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT case_id, rank, code FROM diagnoses WHERE case_id = $1 ORDER BY rank`, caseID)
	if err != nil {
		return nil, s.fail("diagnoses", err)
	}
	return collect(rows, "diagnoses", func(sc interface{ Scan(...any) error }) (claimgate.Diagnosis, error) {
		var d claimgate.Diagnosis
		return d, sc.Scan(&d.CaseID, &d.Rank, &d.Code)
	})
}
