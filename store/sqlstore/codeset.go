package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/codeset"
)

var _ codeset.Store = (*Store)(nil)

// SaveSet stores set and its contents in one transaction and sets its ID,
// ImportedAt, Count and Billable. A set of the same kind with the same
// SHA-256 already stored is left as it is: set's ID, Version, dates and
// counts are filled from it and SaveSet returns false. Another set of the
// same kind and version is a Conflict.
func (s *Store) SaveSet(ctx context.Context, set *codeset.Set) (bool, error) {
	if _, err := codeset.ParseKind(string(set.Kind)); err != nil {
		return false, err
	}
	if set.Version == "" || set.SHA256 == "" {
		return false, claimgate.Errorf(claimgate.Invalid, "a code set needs a version and a SHA-256")
	}
	count, billable := len(set.Codes)+len(set.Edits)+len(set.Limits), len(set.Edits)+len(set.Limits)
	for _, c := range set.Codes {
		if c.Billable {
			billable++
		}
	}
	var stored *codeset.Set
	var id int64
	imported := now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if stored, err = s.setBySHA(ctx, tx, set.Kind, set.SHA256); err != nil || stored != nil {
			return err
		}
		const q = `INSERT INTO code_sets (kind, version, from_date, to_date, sha256, source, imported_at, entries, billable)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`
		err = tx.QueryRowContext(ctx, q, string(set.Kind), set.Version, set.From, set.To, set.SHA256, set.Source,
			s.ts(imported), count, billable).Scan(&id)
		if s.d.Classify(err) == ErrUnique {
			return claimgate.Errorf(claimgate.Conflict, "code set %s is already stored with other contents", set.Label())
		}
		if err != nil {
			return s.fail("code set", err)
		}
		return s.insertContents(ctx, tx, id, set)
	})
	if claimgate.ErrorKind(err) == claimgate.Conflict {
		// The same file saved concurrently by another process is no conflict.
		if again, err2 := s.setBySHA(ctx, s.db, set.Kind, set.SHA256); err2 == nil && again != nil {
			err, stored = nil, again
		}
	}
	if err != nil {
		return false, err
	}
	if stored != nil {
		set.ID, set.Version, set.From, set.To = stored.ID, stored.Version, stored.From, stored.To
		set.ImportedAt, set.Count, set.Billable = stored.ImportedAt, stored.Count, stored.Billable
		return false, nil
	}
	set.ID, set.ImportedAt, set.Count, set.Billable = id, imported, count, billable
	return true, nil
}

func (s *Store) insertContents(ctx context.Context, tx *sql.Tx, id int64, set *codeset.Set) error {
	err := s.insertRows(ctx, tx, "code_set_codes",
		[]string{"set_id", "seq", "code", "billable", "short_desc", "long_desc", "from_date", "to_date", "deactivated"},
		len(set.Codes), func(i int) []any {
			c := set.Codes[i]
			return []any{id, i, c.Code, c.Billable, c.Short, c.Long, c.From, c.To, c.Deactivated}
		})
	if err != nil {
		return err
	}
	err = s.insertRows(ctx, tx, "code_set_edits",
		[]string{"set_id", "seq", "column1", "column2", "from_date", "to_date", "modifier", "rationale"},
		len(set.Edits), func(i int) []any {
			e := set.Edits[i]
			mod := ""
			if e.Modifier != 0 {
				mod = string(rune(e.Modifier))
			}
			return []any{id, i, e.Column1, e.Column2, e.From, e.To, mod, e.Rationale}
		})
	if err != nil {
		return err
	}
	return s.insertRows(ctx, tx, "code_set_limits",
		[]string{"set_id", "seq", "code", "max_units", "adjudication", "rationale"},
		len(set.Limits), func(i int) []any {
			l := set.Limits[i]
			return []any{id, i, l.Code, l.MaxUnits, l.Adjudication, l.Rationale}
		})
}

// insertRows inserts n rows into table, many to a statement: an official
// code set has tens of thousands of codes, an NCCI quarter a million edits.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, n int, row func(i int) []any) error {
	const maxParams = 4000 // well under SQLite's 32766 and PostgreSQL's 65535
	per := maxParams / len(cols)
	var b strings.Builder
	for start := 0; start < n; start += per {
		end := min(start+per, n)
		b.Reset()
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(s.placeholder(len(args) + j + 1))
			}
			b.WriteByte(')')
			args = append(args, row(i)...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return s.fail("code set", err)
		}
	}
	return nil
}

const setCols = `id, kind, version, from_date, to_date, sha256, source, imported_at, entries, billable`

func scanSet(sc interface{ Scan(...any) error }) (*codeset.Set, error) {
	var x codeset.Set
	err := sc.Scan(&x.ID, &x.Kind, &x.Version, &x.From, &x.To, &x.SHA256, &x.Source, timeCol{&x.ImportedAt},
		&x.Count, &x.Billable)
	return &x, err
}

// setBySHA returns the stored set of kind with the given SHA-256, or nil.
func (s *Store) setBySHA(ctx context.Context, q queryer, kind codeset.Kind, sha string) (*codeset.Set, error) {
	x, err := scanSet(q.QueryRowContext(ctx, `SELECT `+setCols+` FROM code_sets WHERE kind = $1 AND sha256 = $2`, string(kind), sha))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail("code set", err)
	}
	return x, nil
}

// Sets returns the stored sets of kind (of every kind when kind is ""),
// without their contents, ordered by kind, From (none first) and ID.
func (s *Store) Sets(ctx context.Context, kind codeset.Kind) ([]*codeset.Set, error) {
	var w where
	if kind != "" {
		w.add("kind = ?", string(kind))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+setCols+` FROM code_sets`+w.String()+
		` ORDER BY kind, from_date ASC NULLS FIRST, id`, w.args...)
	if err != nil {
		return nil, s.fail("code sets", err)
	}
	return collect(rows, "code sets", scanSet)
}

// LoadSet returns set id with its contents, in the order they were saved;
// NotFound if there is none.
func (s *Store) LoadSet(ctx context.Context, id int64) (*codeset.Set, error) {
	set, err := scanSet(s.db.QueryRowContext(ctx, `SELECT `+setCols+` FROM code_sets WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, claimgate.Errorf(claimgate.NotFound, "code set %d not found", id)
	}
	if err != nil {
		return nil, s.fail("code set", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT code, billable, short_desc, long_desc, from_date, to_date, deactivated
FROM code_set_codes WHERE set_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, s.fail("code set", err)
	}
	if set.Codes, err = collect(rows, "codes", func(sc interface{ Scan(...any) error }) (codeset.Code, error) {
		var c codeset.Code
		err := sc.Scan(&c.Code, &c.Billable, &c.Short, &c.Long, &c.From, &c.To, &c.Deactivated)
		return c, err
	}); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT column1, column2, from_date, to_date, modifier, rationale
FROM code_set_edits WHERE set_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, s.fail("code set", err)
	}
	if set.Edits, err = collect(rows, "edits", func(sc interface{ Scan(...any) error }) (codeset.Edit, error) {
		var e codeset.Edit
		var mod string
		err := sc.Scan(&e.Column1, &e.Column2, &e.From, &e.To, &mod, &e.Rationale)
		if mod != "" {
			e.Modifier = mod[0]
		}
		return e, err
	}); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT code, max_units, adjudication, rationale
FROM code_set_limits WHERE set_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, s.fail("code set", err)
	}
	if set.Limits, err = collect(rows, "limits", func(sc interface{ Scan(...any) error }) (codeset.Limit, error) {
		var l codeset.Limit
		err := sc.Scan(&l.Code, &l.MaxUnits, &l.Adjudication, &l.Rationale)
		return l, err
	}); err != nil {
		return nil, err
	}
	return set, nil
}
