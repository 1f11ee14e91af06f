// Package sqlstore implements claimgate.Store once over database/sql, with
// hand-written SQL that runs on both SQLite (modernc.org/sqlite) and
// PostgreSQL (pgx). The few differences between the two live in a Dialect;
// store/sqlite and store/postgres open the database, run their migrations and
// hand the *sql.DB to New.
//
// Both drivers accept $1-style placeholders, so every query is written once.
// Times are stored in UTC at microsecond precision (the precision PostgreSQL
// keeps); the values passed to the create methods are normalised the same way,
// so that what is read back equals what was written.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/claimgate/claimgate"
)

// ErrClass is what a Dialect recognises in a driver error.
type ErrClass int

// Driver error classes.
const (
	ErrOther      ErrClass = iota // anything else: an internal error
	ErrUnique                     // a unique or primary key violation
	ErrForeignKey                 // a foreign key violation
	ErrNotNull                    // a NOT NULL violation (a required reference left zero)
	ErrCheck                      // a CHECK constraint violation
	ErrRetry                      // a serialization failure or deadlock: the caller may retry
)

// Dialect holds what differs between the SQL databases.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// ClaimLock is appended to the SELECT that picks the work item to claim,
	// e.g. " FOR UPDATE SKIP LOCKED". SQLite needs none: it has one writer.
	ClaimLock string
	// RowLock is appended to a SELECT of one row that a transaction must
	// hold until it commits, e.g. " FOR UPDATE": the check-then-insert of
	// CreateException locks its case so. SQLite needs none: it has one
	// writer.
	RowLock string
	// MigrateLock, if set, is run first in every migration transaction so
	// that two processes starting at once do not migrate twice.
	MigrateLock string
	// Time converts a UTC time, already truncated to the microsecond, into
	// the value bound to a timestamp column.
	Time func(time.Time) any
	// Classify says what a driver error means.
	Classify func(error) ErrClass
	// Placeholder, if set, writes parameter n (from 1) in generated bulk
	// statements instead of $n. The SQLite driver looks every $n or ?n up
	// by name as it binds, which is quadratic in a statement with thousands
	// of parameters; SQLite's anonymous ? is not.
	Placeholder func(n int) string
}

// TextTime is a Dialect.Time for databases that keep timestamps as text: a
// fixed-width UTC format that sorts in time order and keeps microseconds.
func TextTime(t time.Time) any { return t.Format(textTimeLayout) }

const textTimeLayout = "2006-01-02T15:04:05.000000Z"

// Store implements claimgate.Store over database/sql.
type Store struct {
	db    *sql.DB
	d     Dialect
	fault atomic.Pointer[func(point string) error]
}

var _ claimgate.Store = (*Store)(nil)

// New returns a Store over db, which must already be migrated.
func New(db *sql.DB, d Dialect) *Store {
	return &Store{db: db, d: d}
}

// DB returns the underlying database handle.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.d }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// SetFault installs f, which is called at named points inside transactions
// (see the Fault* constants); a non-nil error from it aborts the transaction
// as a driver error would. It exists so that tests can show that a failure
// between the statements of a change rolls back all of it. Pass nil to remove
// it. Never set in production.
func (s *Store) SetFault(f func(point string) error) {
	if f == nil {
		s.fault.Store(nil)
		return
	}
	s.fault.Store(&f)
}

// Fault points: the three MoveCase reaches, in order, and one in CreateCase.
const (
	FaultMoveStage  = "move:stage-updated" // the case's stage is updated
	FaultMoveWork   = "move:work-updated"  // old items completed, next opened
	FaultMoveEvent  = "move:event-written" // the event is written, before commit
	FaultCreateCase = "create-case:case-written"
)

func (s *Store) at(point string) error {
	if f := s.fault.Load(); f != nil {
		if err := (*f)(point); err != nil {
			return fmt.Errorf("fault at %s: %w", point, err)
		}
	}
	return nil
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a transaction, committed if fn returns nil. On SQLite the
// store has one connection: fn must use tx, never s.db.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fail("database", fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.fail("database", fmt.Errorf("commit: %w", err))
	}
	return nil
}

// fail turns err, from an operation on what (a noun: "user", "work item"),
// into an error with a Kind and a message safe to show: the driver's own text
// (which may quote values) stays in the chain for the log, never in Msg.
func (s *Store) fail(what string, err error) error {
	if err == nil {
		return nil
	}
	var ce *claimgate.Error
	if errors.As(err, &ce) {
		return err
	}
	var k *claimgate.Error
	switch {
	case errors.Is(err, sql.ErrNoRows):
		k = claimgate.Errorf(claimgate.NotFound, "%s not found", what)
	default:
		switch s.d.Classify(err) {
		case ErrUnique:
			k = claimgate.Errorf(claimgate.Conflict, "%s already exists", what)
		case ErrForeignKey:
			k = claimgate.Errorf(claimgate.Invalid, "%s refers to a record that does not exist", what)
		case ErrNotNull:
			k = claimgate.Errorf(claimgate.Invalid, "%s lacks a required reference", what)
		case ErrCheck:
			k = claimgate.Errorf(claimgate.Invalid, "%s has an invalid value", what)
		case ErrRetry:
			k = claimgate.Errorf(claimgate.Conflict, "%s is busy with a concurrent change; try again", what)
		default:
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return fmt.Errorf("%s: %w: %w", what, k, err)
}

// notFound returns a NotFound error naming what and id.
func notFound(what string, id int64) error {
	return claimgate.Errorf(claimgate.NotFound, "%s %d not found", what, id)
}

// ts returns the value to bind for t: NULL for the zero time.
func (s *Store) ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.d.Time(norm(t))
}

// norm returns t in UTC, truncated to the microsecond.
func norm(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// now returns the current time as the store keeps it.
func now() time.Time { return norm(time.Now()) }

// timeCol scans a timestamp column of either dialect; NULL is the zero time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case time.Time:
		*c.t = v.UTC()
	case string:
		return c.parse(v)
	case []byte:
		return c.parse(string(v))
	default:
		return fmt.Errorf("timestamp: cannot scan %T", src)
	}
	return nil
}

func (c timeCol) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	*c.t = t.UTC()
	return nil
}

// idCol scans a nullable reference; NULL is 0.
type idCol struct{ p *int64 }

func (c idCol) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*c.p = n.Int64
	return nil
}

// ref returns the value to bind for a reference: NULL for 0, so that a
// required reference left zero is a NOT NULL violation, and an optional one
// is simply absent.
func ref(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// list joins codes for a text column; splitList undoes it. Codes never
// contain commas.
func list[T ~string](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = string(x)
	}
	return strings.Join(s, ",")
}

func splitList[T ~string](s string) []T {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]T, len(parts))
	for i, p := range parts {
		out[i] = T(p)
	}
	return out
}

// placeholder returns parameter n as the dialect writes it in bulk statements.
func (s *Store) placeholder(n int) string {
	if s.d.Placeholder != nil {
		return s.d.Placeholder(n)
	}
	return "$" + strconv.Itoa(n)
}

// limit returns a LIMIT clause for n, or "" when n is not positive.
func limit(n int) string {
	if n <= 0 {
		return ""
	}
	return " LIMIT " + strconv.Itoa(n)
}

// where builds a WHERE clause with $n placeholders.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(w.args))))
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// affected returns the number of rows res changed.
func affected(res sql.Result) (int64, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("rows affected: %w", err)
	}
	return n, nil
}
