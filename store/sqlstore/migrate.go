package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string // the file name
	SQL     string
}

// Checksum returns the hex SHA-256 of the migration's SQL, recorded when it
// is applied so that a later edit of the file is noticed.
func (m Migration) Checksum() string {
	h := sha256.Sum256([]byte(m.SQL))
	return hex.EncodeToString(h[:])
}

// Migrations reads the files NNNN_name.sql at the top of fsys, in order of
// their numbers. A file whose name does not start with a number, or two files
// with the same number, are errors.
func Migrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []Migration
	seen := map[int]string{}
	for _, name := range names {
		num, _, ok := strings.Cut(path.Base(name), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s have the same number", prev, name)
		}
		seen[v] = name
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration: %w", err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Migrate applies the migrations of fsys that db has not recorded in
// schema_migrations, in order, each in its own transaction together with its
// record. It returns the versions it applied. Migrations only go forward.
//
// Each record keeps the migration's checksum. An applied migration whose file
// has changed since is an error naming it, and nothing after it is applied:
// the database no longer matches what the code says built it. Records made
// before checksums were kept get the current file's checksum.
func Migrate(ctx context.Context, db *sql.DB, d Dialect, fsys fs.FS) ([]int, error) {
	ms, err := Migrations(fsys)
	if err != nil {
		return nil, err
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version BIGINT PRIMARY KEY,
	name TEXT NOT NULL,
	checksum TEXT NOT NULL DEFAULT ''
)`
	if err := createMigrationsTable(ctx, db, d, create); err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range ms {
		done, err := migrateOne(ctx, db, d, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}

func migrateOne(ctx context.Context, db *sql.DB, d Dialect, m Migration) (bool, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migration %s: begin: %w", m.Name, err)
	}
	defer tx.Rollback()
	if d.MigrateLock != "" {
		if _, err := tx.ExecContext(ctx, d.MigrateLock); err != nil {
			return false, fmt.Errorf("migration %s: lock: %w", m.Name, err)
		}
	}
	sum := m.Checksum()
	var recorded string
	err = tx.QueryRowContext(ctx, `SELECT checksum FROM schema_migrations WHERE version = $1`, m.Version).Scan(&recorded)
	switch {
	case err == nil && recorded == sum:
		return false, nil
	case err == nil && recorded == "":
		if _, err := tx.ExecContext(ctx, `UPDATE schema_migrations SET checksum = $1 WHERE version = $2`, sum, m.Version); err != nil {
			return false, fmt.Errorf("migration %s: record checksum: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return false, fmt.Errorf("migration %s: commit: %w", m.Name, err)
		}
		return false, nil
	case err == nil:
		return false, fmt.Errorf("migration %s was changed after it was applied (checksum %s, applied %s): restore the file and add a new migration instead", m.Name, sum, recorded)
	case !errors.Is(err, sql.ErrNoRows):
		return false, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`, m.Version, m.Name, sum); err != nil {
		return false, fmt.Errorf("migration %s: record: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %s: commit: %w", m.Name, err)
	}
	return true, nil
}

// createMigrationsTable creates schema_migrations under the migration lock,
// so that two processes starting on a new database do not both create it. A
// table made before checksums were recorded gets its checksum column.
func createMigrationsTable(ctx context.Context, db *sql.DB, d Dialect, create string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	defer tx.Rollback()
	if d.MigrateLock != "" {
		if _, err := tx.ExecContext(ctx, d.MigrateLock); err != nil {
			return fmt.Errorf("create schema_migrations: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	q := `SELECT COUNT(*) FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = 'schema_migrations' AND column_name = 'checksum'`
	if d.Name == "sqlite" {
		q = `SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'`
	}
	var n int
	if err := tx.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return fmt.Errorf("create schema_migrations: checksum column: %w", err)
	}
	if n == 0 {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE schema_migrations ADD COLUMN checksum TEXT NOT NULL DEFAULT ''`); err != nil {
			return fmt.Errorf("create schema_migrations: add checksum column: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
}
