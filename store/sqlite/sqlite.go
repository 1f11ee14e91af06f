// Package sqlite opens a claimgate.Store on a SQLite file, with the pure-Go
// modernc.org/sqlite driver. It is the default store: one file, no server.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/claimgate/claimgate/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the SQLite migrations, NNNN_name.sql at its top.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}

// Dialect is the SQLite dialect: timestamps as fixed-width UTC text, no row
// locks (there is one writer).
var Dialect = sqlstore.Dialect{
	Name:     "sqlite",
	Time:     sqlstore.TextTime,
	Classify: classify,
	// Anonymous parameters in bulk inserts: see sqlstore.Dialect.
	Placeholder: func(int) string { return "?" },
}

func classify(err error) sqlstore.ErrClass {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return sqlstore.ErrOther
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return sqlstore.ErrUnique
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return sqlstore.ErrForeignKey
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return sqlstore.ErrNotNull
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return sqlstore.ErrCheck
	}
	if e.Code()&0xff == sqlite3.SQLITE_BUSY {
		// Another process held the file past the busy timeout.
		return sqlstore.ErrRetry
	}
	return sqlstore.ErrOther
}

// DSN returns the driver's data source name for the file at path: the busy
// timeout first (so that nothing after it fails on a locked file), then WAL,
// foreign keys and synchronous=NORMAL, on every connection; and write
// transactions that take the write lock when they begin (BEGIN IMMEDIATE),
// so that two processes sharing the file wait for each other instead of
// failing to upgrade a read lock.
//
// The path is percent-encoded segment by segment, as SQLite's file: URIs
// want: a '?' or '#' in a directory name would otherwise end the path, and a
// '%' would be decoded.
func DSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	segs := strings.Split(filepath.ToSlash(path), "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return "file:" + strings.Join(segs, "/") + "?" + q.Encode()
}

// Open opens (creating if need be) the SQLite database at path, migrates it
// and returns the store. The store uses a single connection: SQLite has one
// writer, and this keeps every transaction strictly serial in the process.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := check(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := sqlstore.Migrate(ctx, db, Dialect, Migrations()); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate sqlite: %w", err)
	}
	return sqlstore.New(db, Dialect), nil
}

// Migrate applies the pending migrations to the database at path and
// returns the versions applied.
func Migrate(ctx context.Context, path string) ([]int, error) {
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := check(ctx, db); err != nil {
		return nil, err
	}
	return sqlstore.Migrate(ctx, db, Dialect, Migrations())
}

// check confirms the pragmas took: a typo in the DSN or a read-only
// directory would otherwise show up much later.
func check(ctx context.Context, db *sql.DB) error {
	var mode string
	var fk int
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	if err := db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		return fmt.Errorf("open sqlite: %w", err)
	}
	if mode != "wal" || fk != 1 {
		return fmt.Errorf("open sqlite: journal_mode=%s foreign_keys=%d, want wal and 1", mode, fk)
	}
	return nil
}
