// Package postgres opens a claimgate.Store on PostgreSQL, with pgx through
// database/sql. Several server instances may share one database: work is
// claimed with FOR UPDATE SKIP LOCKED, and migrations take an advisory lock.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/claimgate/claimgate/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the PostgreSQL migrations, NNNN_name.sql at its top.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}

// migrateLockKey is the advisory lock migrations hold ("claimgat" in ASCII).
const migrateLockKey = 0x636c61696d676174

// Dialect is the PostgreSQL dialect.
var Dialect = sqlstore.Dialect{
	Name:        "postgres",
	ClaimLock:   " FOR UPDATE SKIP LOCKED",
	RowLock:     " FOR UPDATE",
	MigrateLock: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", int64(migrateLockKey)),
	Time:        func(t time.Time) any { return t },
	Classify:    classify,
}

func classify(err error) sqlstore.ErrClass {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return sqlstore.ErrOther
	}
	switch e.Code {
	case "23505": // unique_violation
		return sqlstore.ErrUnique
	case "23503": // foreign_key_violation
		return sqlstore.ErrForeignKey
	case "23502": // not_null_violation
		return sqlstore.ErrNotNull
	case "23514": // check_violation
		return sqlstore.ErrCheck
	case "40001", "40P01": // serialization_failure, deadlock_detected
		return sqlstore.ErrRetry
	}
	return sqlstore.ErrOther
}

// Open connects to the database named by dsn (a postgres:// URL or
// key=value string, as pgx accepts), migrates it and returns the store.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	db, err := connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := sqlstore.Migrate(ctx, db, Dialect, Migrations()); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate postgres: %w", err)
	}
	return sqlstore.New(db, Dialect), nil
}

// Migrate applies the pending migrations to the database named by dsn and
// returns the versions applied. Open migrates too; this is for running
// migrations on their own (claimgate migrate).
func Migrate(ctx context.Context, dsn string) ([]int, error) {
	db, err := connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return sqlstore.Migrate(ctx, db, Dialect, Migrations())
}

func connect(ctx context.Context, dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	return db, nil
}
