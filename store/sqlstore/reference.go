package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/claimgate/claimgate"
)

// CreateOrganization inserts o and sets its ID.
func (s *Store) CreateOrganization(ctx context.Context, o *claimgate.Organization) error {
	const q = `INSERT INTO organizations (name, npi, tax_id, taxonomy,
	addr_line1, addr_line2, addr_city, addr_state, addr_zip)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`
	a := o.Address
	err := s.db.QueryRowContext(ctx, q, o.Name, o.NPI, o.TaxID, o.Taxonomy,
		a.Line1, a.Line2, a.City, a.State, a.Zip).Scan(&o.ID)
	return s.fail("organization", err)
}

// Organization returns the organization id.
func (s *Store) Organization(ctx context.Context, id int64) (claimgate.Organization, error) {
	const q = `SELECT id, name, npi, tax_id, taxonomy,
	addr_line1, addr_line2, addr_city, addr_state, addr_zip
FROM organizations WHERE id = $1`
	var o claimgate.Organization
	a := &o.Address
	err := s.db.QueryRowContext(ctx, q, id).Scan(&o.ID, &o.Name, &o.NPI, &o.TaxID, &o.Taxonomy,
		&a.Line1, &a.Line2, &a.City, &a.State, &a.Zip)
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound("organization", id)
	}
	return o, s.fail("organization", err)
}

// CreateLocation inserts l and sets its ID; its organization must exist.
func (s *Store) CreateLocation(ctx context.Context, l *claimgate.Location) error {
	const q = `INSERT INTO locations (org_id, name, npi, place_of_service,
	addr_line1, addr_line2, addr_city, addr_state, addr_zip)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`
	a := l.Address
	err := s.db.QueryRowContext(ctx, q, ref(l.OrgID), l.Name, l.NPI, l.PlaceOfService,
		a.Line1, a.Line2, a.City, a.State, a.Zip).Scan(&l.ID)
	return s.fail("location", err)
}

// Location returns the location id.
func (s *Store) Location(ctx context.Context, id int64) (claimgate.Location, error) {
	const q = `SELECT id, org_id, name, npi, place_of_service,
	addr_line1, addr_line2, addr_city, addr_state, addr_zip
FROM locations WHERE id = $1`
	var l claimgate.Location
	a := &l.Address
	err := s.db.QueryRowContext(ctx, q, id).Scan(&l.ID, &l.OrgID, &l.Name, &l.NPI, &l.PlaceOfService,
		&a.Line1, &a.Line2, &a.City, &a.State, &a.Zip)
	if errors.Is(err, sql.ErrNoRows) {
		return l, notFound("location", id)
	}
	return l, s.fail("location", err)
}

// CreateProvider inserts p and sets its ID; its organization must exist.
func (s *Store) CreateProvider(ctx context.Context, p *claimgate.Provider) error {
	const q = `INSERT INTO providers (org_id, first_name, last_name, npi, taxonomy)
VALUES ($1, $2, $3, $4, $5) RETURNING id`
	err := s.db.QueryRowContext(ctx, q, ref(p.OrgID), p.First, p.Last, p.NPI, p.Taxonomy).Scan(&p.ID)
	return s.fail("provider", err)
}

// Provider returns the provider id.
func (s *Store) Provider(ctx context.Context, id int64) (claimgate.Provider, error) {
	const q = `SELECT id, org_id, first_name, last_name, npi, taxonomy FROM providers WHERE id = $1`
	var p claimgate.Provider
	err := s.db.QueryRowContext(ctx, q, id).Scan(&p.ID, &p.OrgID, &p.First, &p.Last, &p.NPI, &p.Taxonomy)
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("provider", id)
	}
	return p, s.fail("provider", err)
}

// CreatePayer inserts p and sets its ID.
func (s *Store) CreatePayer(ctx context.Context, p *claimgate.Payer) error {
	const q = `INSERT INTO payers (name, payer_id, plan_types, timely_filing_days,
	appeal_window_days, requires_elig_check)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	err := s.db.QueryRowContext(ctx, q, p.Name, p.PayerID, list(p.PlanTypes), p.TimelyFilingDays,
		p.AppealWindowDays, p.RequiresEligCheck).Scan(&p.ID)
	return s.fail("payer", err)
}

const payerCols = `id, name, payer_id, plan_types, timely_filing_days, appeal_window_days, requires_elig_check`

func scanPayer(sc interface{ Scan(...any) error }) (claimgate.Payer, error) {
	var p claimgate.Payer
	var plans string
	err := sc.Scan(&p.ID, &p.Name, &p.PayerID, &plans, &p.TimelyFilingDays, &p.AppealWindowDays, &p.RequiresEligCheck)
	p.PlanTypes = splitList[string](plans)
	return p, err
}

// Payer returns the payer id.
func (s *Store) Payer(ctx context.Context, id int64) (claimgate.Payer, error) {
	p, err := scanPayer(s.db.QueryRowContext(ctx, `SELECT `+payerCols+` FROM payers WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("payer", id)
	}
	return p, s.fail("payer", err)
}

// Payers returns every payer, ordered by name and ID.
func (s *Store) Payers(ctx context.Context) ([]claimgate.Payer, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+payerCols+` FROM payers ORDER BY name, id`)
	if err != nil {
		return nil, s.fail("payers", err)
	}
	return collect(rows, "payers", scanPayer)
}

// CreatePatient inserts p and sets its ID.
func (s *Store) CreatePatient(ctx context.Context, p *claimgate.Patient) error {
	const q = `INSERT INTO patients (mrn, first_name, last_name, birth_date, sex,
	addr_line1, addr_line2, addr_city, addr_state, addr_zip, phone)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`
	a := p.Address
	err := s.db.QueryRowContext(ctx, q, p.MRN, p.First, p.Last, p.BirthDate, string(p.Sex),
		a.Line1, a.Line2, a.City, a.State, a.Zip, p.Phone).Scan(&p.ID)
	return s.fail("patient", err)
}

// Patient returns the patient id.
func (s *Store) Patient(ctx context.Context, id int64) (claimgate.Patient, error) {
	const q = `SELECT id, mrn, first_name, last_name, birth_date, sex,
	addr_line1, addr_line2, addr_city, addr_state, addr_zip, phone
FROM patients WHERE id = $1`
	var p claimgate.Patient
	a := &p.Address
	err := s.db.QueryRowContext(ctx, q, id).Scan(&p.ID, &p.MRN, &p.First, &p.Last, &p.BirthDate, &p.Sex,
		&a.Line1, &a.Line2, &a.City, &a.State, &a.Zip, &p.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("patient", id)
	}
	return p, s.fail("patient", err)
}

// CreateCoverage inserts c and sets its ID; its patient and payer must exist.
func (s *Store) CreateCoverage(ctx context.Context, c *claimgate.Coverage) error {
	const q = `INSERT INTO coverages (patient_id, payer_id, rank, plan_type, member_id,
	group_number, subscriber_first, subscriber_last, subscriber_birth_date,
	relationship, effective_from, effective_to)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`
	err := s.db.QueryRowContext(ctx, q, ref(c.PatientID), ref(c.PayerID), c.Rank, c.PlanType, c.MemberID,
		c.GroupNumber, c.SubscriberFirst, c.SubscriberLast, c.SubscriberBirthDate,
		string(c.Relationship), c.EffectiveFrom, c.EffectiveTo).Scan(&c.ID)
	return s.fail("coverage", err)
}

// Coverages returns a patient's coverages ordered by rank (and ID). A patient
// without coverages, or an unknown one, has none.
func (s *Store) Coverages(ctx context.Context, patientID int64) ([]claimgate.Coverage, error) {
	const q = `SELECT id, patient_id, payer_id, rank, plan_type, member_id,
	group_number, subscriber_first, subscriber_last, subscriber_birth_date,
	relationship, effective_from, effective_to
FROM coverages WHERE patient_id = $1 ORDER BY rank, id`
	rows, err := s.db.QueryContext(ctx, q, patientID)
	if err != nil {
		return nil, s.fail("coverages", err)
	}
	return collect(rows, "coverages", func(sc interface{ Scan(...any) error }) (claimgate.Coverage, error) {
		var c claimgate.Coverage
		err := sc.Scan(&c.ID, &c.PatientID, &c.PayerID, &c.Rank, &c.PlanType, &c.MemberID,
			&c.GroupNumber, &c.SubscriberFirst, &c.SubscriberLast, &c.SubscriberBirthDate,
			&c.Relationship, &c.EffectiveFrom, &c.EffectiveTo)
		return c, err
	})
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, what string, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
