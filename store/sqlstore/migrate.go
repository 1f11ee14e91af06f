package sqlstore

import (
	"context"
	"database/sql"
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
func Migrate(ctx context.Context, db *sql.DB, d Dialect, fsys fs.FS) ([]int, error) {
	ms, err := Migrations(fsys)
	if err != nil {
		return nil, err
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version BIGINT PRIMARY KEY,
	name TEXT NOT NULL
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
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.Version).Scan(&n); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
		return false, fmt.Errorf("migration %s: record: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %s: commit: %w", m.Name, err)
	}
	return true, nil
}

// createMigrationsTable creates schema_migrations under the migration lock,
// so that two processes starting on a new database do not both create it.
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
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
}
