package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/claimgate/claimgate"
)

var _ claimgate.FrontEndStore = (*Store)(nil)

// AddEligibilityCheck stores c, its event and the work item it calls for.
func (s *Store) AddEligibilityCheck(ctx context.Context, c *claimgate.EligibilityCheck, w *claimgate.WorkItem) error {
	switch {
	case !c.Status.Valid():
		return claimgate.Errorf(claimgate.Invalid, "unknown eligibility status %q", c.Status)
	case c.Method != claimgate.EligBy270 && c.Method != claimgate.EligByPhone && c.Method != claimgate.EligByPortal:
		return claimgate.Errorf(claimgate.Invalid, "an eligibility check is made by 270, phone or portal, not %q", c.Method)
	case c.ServiceDate.IsZero():
		return claimgate.Errorf(claimgate.Invalid, "an eligibility check needs the date of service it is for")
	}
	if c.CheckedAt.IsZero() {
		c.CheckedAt = now()
	}
	c.CheckedAt = norm(c.CheckedAt)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		const q = `INSERT INTO eligibility_checks (case_id, coverage_id, coverage_key, service_date, method, status, plan,
	coverage_from, coverage_to, deductible, deductible_remaining, copay, coinsurance, oop_remaining, has_oop, network,
	reject_code, reason, reference, checked_by, checked_at, response)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id`
		err := tx.QueryRowContext(ctx, q, ref(c.CaseID), ref(c.CoverageID), c.CoverageKey, c.ServiceDate, c.Method, string(c.Status), c.Plan,
			c.CoverageFrom, c.CoverageTo, int64(c.Deductible), int64(c.DeductibleRemaining), int64(c.Copay), c.Coinsurance,
			int64(c.OOPRemaining), c.HasOOP, c.Network, c.RejectCode, c.Reason, c.Reference, ref(c.CheckedBy), s.ts(c.CheckedAt), c.Response).Scan(&c.ID)
		if err != nil {
			return s.fail("eligibility check", err)
		}
		d := midData{"check": c.ID, "method": c.Method, "status": string(c.Status), "service_date": c.ServiceDate.String()}
		if c.RejectCode != "" {
			d["reject_code"] = c.RejectCode
		}
		if w != nil {
			w.CaseID = c.CaseID
			if err := s.insertWorkItem(ctx, tx, w); err != nil {
				return err
			}
			d["work_item"], d["owner"], d["queue"] = w.ID, w.OwnerID, w.Queue
		}
		ev := claimgate.Event{CaseID: c.CaseID, Kind: claimgate.EventEligibilityChecked, ActorID: c.CheckedBy, At: c.CheckedAt,
			Reason: c.Reason, Data: d.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// EligibilityChecks returns a case's checks, newest first.
func (s *Store) EligibilityChecks(ctx context.Context, caseID int64) ([]claimgate.EligibilityCheck, error) {
	const q = `SELECT id, case_id, coverage_id, coverage_key, service_date, method, status, plan, coverage_from, coverage_to,
	deductible, deductible_remaining, copay, coinsurance, oop_remaining, has_oop, network, reject_code, reason, reference,
	checked_by, checked_at, response
FROM eligibility_checks WHERE case_id = $1 ORDER BY checked_at DESC, id DESC`
	rows, err := s.db.QueryContext(ctx, q, caseID)
	if err != nil {
		return nil, s.fail("eligibility checks", err)
	}
	return collect(rows, "eligibility checks", func(sc interface{ Scan(...any) error }) (claimgate.EligibilityCheck, error) {
		var c claimgate.EligibilityCheck
		err := sc.Scan(&c.ID, &c.CaseID, idCol{&c.CoverageID}, &c.CoverageKey, &c.ServiceDate, &c.Method, &c.Status, &c.Plan,
			&c.CoverageFrom, &c.CoverageTo, &c.Deductible, &c.DeductibleRemaining, &c.Copay, &c.Coinsurance, &c.OOPRemaining,
			&c.HasOOP, &c.Network, &c.RejectCode, &c.Reason, &c.Reference, &c.CheckedBy, timeCol{&c.CheckedAt}, &c.Response)
		return c, err
	})
}

// PutAuthRule adds or replaces a payer's authorization rule.
func (s *Store) PutAuthRule(ctx context.Context, r claimgate.AuthRule, actor int64) error {
	r.CodeFrom, r.CodeTo = strings.TrimSpace(r.CodeFrom), strings.TrimSpace(r.CodeTo)
	switch {
	case r.CodeFrom == "":
		return claimgate.Errorf(claimgate.Invalid, "an authorization rule needs a code")
	case r.CodeTo != "" && (len(r.CodeTo) != len(r.CodeFrom) || r.CodeTo < r.CodeFrom):
		return claimgate.Errorf(claimgate.Invalid, "code range %s-%s: the end must be a code of the same length, not before the start", r.CodeFrom, r.CodeTo)
	case !r.Requirement.Valid():
		return claimgate.Errorf(claimgate.Invalid, "unknown authorization requirement %q: want required, notification or none", r.Requirement)
	}
	e := claimgate.Event{Kind: claimgate.EventAuthRuleChanged, ActorID: actor,
		Data: midData{"payer": r.PayerID, "code_from": r.CodeFrom, "code_to": r.CodeTo, "pos": r.PlaceOfService, "requirement": string(r.Requirement)}.String()}
	return s.change(ctx, e, func(tx *sql.Tx) error {
		const q = `INSERT INTO auth_rules (payer_id, code_from, code_to, place_of_service, requirement) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (payer_id, code_from, code_to, place_of_service) DO UPDATE SET requirement = excluded.requirement`
		_, err := tx.ExecContext(ctx, q, ref(r.PayerID), r.CodeFrom, r.CodeTo, r.PlaceOfService, string(r.Requirement))
		return s.fail("authorization rule", err)
	})
}

// AuthRules returns a payer's rules ordered by code.
func (s *Store) AuthRules(ctx context.Context, payerID int64) ([]claimgate.AuthRule, error) {
	const q = `SELECT payer_id, code_from, code_to, place_of_service, requirement FROM auth_rules
WHERE payer_id = $1 ORDER BY code_from, code_to, place_of_service`
	rows, err := s.db.QueryContext(ctx, q, payerID)
	if err != nil {
		return nil, s.fail("authorization rules", err)
	}
	return collect(rows, "authorization rules", func(sc interface{ Scan(...any) error }) (claimgate.AuthRule, error) {
		var r claimgate.AuthRule
		return r, sc.Scan(&r.PayerID, &r.CodeFrom, &r.CodeTo, &r.PlaceOfService, &r.Requirement)
	})
}

// AddAuthorization stores a, its event and the work item it calls for.
func (s *Store) AddAuthorization(ctx context.Context, a *claimgate.AuthRecord, w *claimgate.WorkItem) error {
	switch {
	case !a.Status.Valid():
		return claimgate.Errorf(claimgate.Invalid, "unknown authorization status %q", a.Status)
	case strings.TrimSpace(a.Code) == "":
		return claimgate.Errorf(claimgate.Invalid, "an authorization is for a service code")
	case a.OwnerID == 0:
		return claimgate.Errorf(claimgate.Invalid, "an authorization needs an owner")
	case a.Units < 0:
		return claimgate.Errorf(claimgate.Invalid, "authorized units cannot be negative")
	case a.Status == claimgate.AuthApproved && (a.Number == "" || a.From.IsZero()):
		return claimgate.Errorf(claimgate.Invalid, "an approved authorization needs its number and the first day it covers")
	case !a.To.IsZero() && a.To.Before(a.From):
		return claimgate.Errorf(claimgate.Invalid, "an authorization cannot end before it starts")
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now()
	}
	a.CreatedAt = norm(a.CreatedAt)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		const q = `INSERT INTO authorizations (case_id, code, number, status, valid_from, valid_to, units, owner_id, source, reason,
	created_by, created_at, response)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`
		err := tx.QueryRowContext(ctx, q, ref(a.CaseID), a.Code, a.Number, string(a.Status), a.From, a.To, a.Units, ref(a.OwnerID),
			a.Source, a.Reason, ref(a.CreatedBy), s.ts(a.CreatedAt), a.Response).Scan(&a.ID)
		if err != nil {
			return s.fail("authorization", err)
		}
		d := midData{"authorization": a.ID, "code": a.Code, "status": string(a.Status), "owner": a.OwnerID, "source": a.Source}
		if w != nil {
			w.CaseID = a.CaseID
			if err := s.insertWorkItem(ctx, tx, w); err != nil {
				return err
			}
			d["work_item"], d["queue"] = w.ID, w.Queue
		}
		ev := claimgate.Event{CaseID: a.CaseID, Kind: claimgate.EventAuthRecorded, ActorID: a.CreatedBy, At: a.CreatedAt,
			Reason: a.Reason, Data: d.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// Authorizations returns a case's authorization records, oldest first.
func (s *Store) Authorizations(ctx context.Context, caseID int64) ([]claimgate.AuthRecord, error) {
	const q = `SELECT id, case_id, code, number, status, valid_from, valid_to, units, owner_id, source, reason, created_by, created_at, response
FROM authorizations WHERE case_id = $1 ORDER BY id`
	rows, err := s.db.QueryContext(ctx, q, caseID)
	if err != nil {
		return nil, s.fail("authorizations", err)
	}
	return collect(rows, "authorizations", func(sc interface{ Scan(...any) error }) (claimgate.AuthRecord, error) {
		var a claimgate.AuthRecord
		err := sc.Scan(&a.ID, &a.CaseID, &a.Code, &a.Number, &a.Status, &a.From, &a.To, &a.Units, &a.OwnerID, &a.Source, &a.Reason,
			&a.CreatedBy, timeCol{&a.CreatedAt}, &a.Response)
		return a, err
	})
}

// AddEstimate stores e and its event.
func (s *Store) AddEstimate(ctx context.Context, e *claimgate.Estimate) error {
	switch {
	case !slices.Contains(claimgate.EstimateMethods, e.Method):
		return claimgate.Errorf(claimgate.Invalid, "say how the estimate was communicated: %s", strings.Join(claimgate.EstimateMethods, ", "))
	case e.CommunicatedBy == 0:
		return claimgate.Errorf(claimgate.Invalid, "say who communicated the estimate")
	case e.Total < 0 || e.Deposit < 0 || e.Allowed < 0:
		return claimgate.Errorf(claimgate.Invalid, "estimate amounts cannot be negative")
	}
	if e.CommunicatedAt.IsZero() {
		e.CommunicatedAt = now()
	}
	e.CommunicatedAt = norm(e.CommunicatedAt)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		const q = `INSERT INTO estimates (case_id, check_id, allowed, copay, deductible, coinsurance, total, deposit, method,
	communicated_by, communicated_at, note)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`
		err := tx.QueryRowContext(ctx, q, ref(e.CaseID), ref(e.CheckID), int64(e.Allowed), int64(e.Copay), int64(e.Deductible),
			int64(e.Coinsurance), int64(e.Total), int64(e.Deposit), e.Method, ref(e.CommunicatedBy), s.ts(e.CommunicatedAt), e.Note).Scan(&e.ID)
		if err != nil {
			return s.fail("estimate", err)
		}
		ev := claimgate.Event{CaseID: e.CaseID, Kind: claimgate.EventEstimateRecorded, ActorID: e.CommunicatedBy, At: e.CommunicatedAt,
			Data: midData{"estimate": e.ID, "total": int64(e.Total), "deposit": int64(e.Deposit), "method": e.Method}.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// Estimates returns a case's estimates, newest first.
func (s *Store) Estimates(ctx context.Context, caseID int64) ([]claimgate.Estimate, error) {
	const q = `SELECT id, case_id, check_id, allowed, copay, deductible, coinsurance, total, deposit, method, communicated_by, communicated_at, note
FROM estimates WHERE case_id = $1 ORDER BY communicated_at DESC, id DESC`
	rows, err := s.db.QueryContext(ctx, q, caseID)
	if err != nil {
		return nil, s.fail("estimates", err)
	}
	return collect(rows, "estimates", func(sc interface{ Scan(...any) error }) (claimgate.Estimate, error) {
		var e claimgate.Estimate
		err := sc.Scan(&e.ID, &e.CaseID, idCol{&e.CheckID}, &e.Allowed, &e.Copay, &e.Deductible, &e.Coinsurance, &e.Total, &e.Deposit,
			&e.Method, &e.CommunicatedBy, timeCol{&e.CommunicatedAt}, &e.Note)
		return e, err
	})
}

// DuplicateCandidates returns the patients who may be the same person as
// patientID.
func (s *Store) DuplicateCandidates(ctx context.Context, patientID int64) ([]claimgate.DuplicateCandidate, error) {
	const q = `SELECT o.id, o.mrn, o.first_name, o.last_name, o.birth_date, o.sex,
	o.addr_line1, o.addr_line2, o.addr_city, o.addr_state, o.addr_zip, o.phone,
	(lower(o.first_name) = lower(p.first_name) AND lower(o.last_name) = lower(p.last_name) AND o.birth_date = p.birth_date) AS same_name,
	EXISTS (SELECT 1 FROM coverages oc JOIN coverages pc ON pc.patient_id = p.id
		WHERE oc.patient_id = o.id AND oc.member_id <> '' AND oc.member_id = pc.member_id AND oc.payer_id = pc.payer_id) AS same_member
FROM patients o, patients p
WHERE p.id = $1 AND o.id <> p.id AND (
	(lower(o.first_name) = lower(p.first_name) AND lower(o.last_name) = lower(p.last_name) AND o.birth_date = p.birth_date)
	OR EXISTS (SELECT 1 FROM coverages oc JOIN coverages pc ON pc.patient_id = p.id
		WHERE oc.patient_id = o.id AND oc.member_id <> '' AND oc.member_id = pc.member_id AND oc.payer_id = pc.payer_id))
ORDER BY o.id`
	rows, err := s.db.QueryContext(ctx, q, patientID)
	if err != nil {
		return nil, s.fail("duplicate candidates", err)
	}
	return collect(rows, "duplicate candidates", func(sc interface{ Scan(...any) error }) (claimgate.DuplicateCandidate, error) {
		var c claimgate.DuplicateCandidate
		var sameName, sameMember bool
		p, a := &c.Patient, &c.Patient.Address
		err := sc.Scan(&p.ID, &p.MRN, &p.First, &p.Last, &p.BirthDate, &p.Sex, &a.Line1, &a.Line2, &a.City, &a.State, &a.Zip, &p.Phone,
			&sameName, &sameMember)
		var why []string
		if sameName {
			why = append(why, "same name and birth date")
		}
		if sameMember {
			why = append(why, "same member ID at the same payer")
		}
		c.Why = strings.Join(why, "; ")
		return c, err
	})
}

// DecideDuplicate logs a merge or keep decision about a pair of patients.
func (s *Store) DecideDuplicate(ctx context.Context, d *claimgate.DuplicateDecision) error {
	switch {
	case d.Decision != claimgate.DuplicateMerge && d.Decision != claimgate.DuplicateKeep:
		return claimgate.Errorf(claimgate.Invalid, "a duplicate decision is merge or keep, not %q", d.Decision)
	case d.PatientID == d.OtherID:
		return claimgate.Errorf(claimgate.Invalid, "a patient is not a duplicate of itself")
	case strings.TrimSpace(d.Reason) == "":
		return claimgate.Errorf(claimgate.Invalid, "a duplicate decision needs a reason")
	}
	if d.PatientID > d.OtherID {
		d.PatientID, d.OtherID = d.OtherID, d.PatientID
	}
	if d.DecidedAt.IsZero() {
		d.DecidedAt = now()
	}
	d.DecidedAt = norm(d.DecidedAt)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		const q = `INSERT INTO duplicate_decisions (patient_id, other_id, decision, reason, decided_by, decided_at)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
		err := tx.QueryRowContext(ctx, q, ref(d.PatientID), ref(d.OtherID), d.Decision, d.Reason, ref(d.DecidedBy), s.ts(d.DecidedAt)).Scan(&d.ID)
		if err != nil {
			return s.fail("duplicate decision", err)
		}
		ev := claimgate.Event{Kind: claimgate.EventDuplicateDecided, ActorID: d.DecidedBy, At: d.DecidedAt, Reason: d.Reason,
			Data: midData{"decision": d.ID, "patient": d.PatientID, "other": d.OtherID, "outcome": d.Decision}.String()}
		return s.insertEvent(ctx, tx, &ev)
	})
}

// DuplicateDecisions returns the decisions naming the patient, oldest first.
func (s *Store) DuplicateDecisions(ctx context.Context, patientID int64) ([]claimgate.DuplicateDecision, error) {
	const q = `SELECT id, patient_id, other_id, decision, reason, decided_by, decided_at FROM duplicate_decisions
WHERE patient_id = $1 OR other_id = $1 ORDER BY id`
	rows, err := s.db.QueryContext(ctx, q, patientID)
	if err != nil {
		return nil, s.fail("duplicate decisions", err)
	}
	return collect(rows, "duplicate decisions", func(sc interface{ Scan(...any) error }) (claimgate.DuplicateDecision, error) {
		var d claimgate.DuplicateDecision
		return d, sc.Scan(&d.ID, &d.PatientID, &d.OtherID, &d.Decision, &d.Reason, &d.DecidedBy, timeCol{&d.DecidedAt})
	})
}
