package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate/store/postgres"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/store/sqlstore"
)

func versions(t *testing.T, ms []sqlstore.Migration) []int {
	t.Helper()
	var v []int
	for _, m := range ms {
		v = append(v, m.Version)
	}
	return v
}

// TestMigrationNumbers checks that both dialects have the same migrations.
func TestMigrationNumbers(t *testing.T) {
	lite, err := sqlstore.Migrations(sqlite.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqlstore.Migrations(postgres.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 {
		t.Fatal("no migrations")
	}
	if d := cmp.Diff(versions(t, lite), versions(t, pg)); d != "" {
		t.Errorf("migration numbers differ (-sqlite +postgres):\n%s", d)
	}
	for i := range lite {
		if i < len(pg) && lite[i].Name != pg[i].Name {
			t.Errorf("migration %d is %s in sqlite, %s in postgres", lite[i].Version, lite[i].Name, pg[i].Name)
		}
	}
}

func TestMigrationsNames(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []int
		ok    bool
	}{
		{"ordered by number", fstest.MapFS{"0010_b.sql": {}, "0002_a.sql": {}, "0001_init.sql": {}}, []int{1, 2, 10}, true},
		{"no number", fstest.MapFS{"init.sql": {}}, nil, false},
		{"zero", fstest.MapFS{"0000_init.sql": {}}, nil, false},
		{"duplicate number", fstest.MapFS{"0001_a.sql": {}, "1_b.sql": {}}, nil, false},
		{"other files ignored", fstest.MapFS{"0001_a.sql": {}, "README": {}}, []int{1}, true},
	}
	for _, tc := range tests {
		ms, err := sqlstore.Migrations(tc.files)
		if (err == nil) != tc.ok {
			t.Errorf("%s: Migrations err = %v, want ok %v", tc.name, err, tc.ok)
			continue
		}
		if d := cmp.Diff(tc.want, versions(t, ms)); tc.ok && d != "" {
			t.Errorf("%s: versions (-want +got):\n%s", tc.name, d)
		}
	}
}

// TestMigrateAtomic runs a migration whose third statement fails: the
// first two must be rolled back with it, it must not be recorded, and the
// migrations before it stay applied. Fixing it and migrating again applies it.
func TestMigrateAtomic(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(t.TempDir(), "m.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	fsys := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)},
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (x INTEGER NOT NULL); INSERT INTO a VALUES (1); INSERT INTO b VALUES (NULL);`)},
	}
	applied, err := sqlstore.Migrate(ctx, db, sqlite.Dialect, fsys)
	if err == nil {
		t.Fatal("Migrate with a broken migration succeeded")
	}
	if d := cmp.Diff([]int{1}, applied); d != "" {
		t.Errorf("applied (-want +got):\n%s", d)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("table b of the failed migration exists (%d, %v)", n, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM a`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rows inserted by the failed migration: %d, %v", n, err)
	}
	fsys["0002_b.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (1);`)}
	applied, err = sqlstore.Migrate(ctx, db, sqlite.Dialect, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{2}, applied); d != "" {
		t.Errorf("applied after the fix (-want +got):\n%s", d)
	}
	var got []int
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v int
		rows.Scan(&v)
		got = append(got, v)
	}
	rows.Close()
	if d := cmp.Diff([]int{1, 2}, got); d != "" {
		t.Errorf("schema_migrations (-want +got):\n%s", d)
	}
}

// TestMigrateChecksums starts from a schema_migrations table made before
// checksums were kept: Migrate adds the column and records the files as they
// are. Editing an applied migration afterwards makes Migrate refuse, naming
// it, and apply nothing after it.
func TestMigrateChecksums(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(t.TempDir(), "m.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)`,
		`CREATE TABLE a (x INTEGER)`,
		`INSERT INTO schema_migrations (version, name) VALUES (1, '0001_a.sql')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	fsys := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)},
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (x INTEGER);`)},
	}
	applied, err := sqlstore.Migrate(ctx, db, sqlite.Dialect, fsys)
	if err != nil {
		t.Fatalf("Migrate on an old schema_migrations: %v", err)
	}
	if d := cmp.Diff([]int{2}, applied); d != "" {
		t.Errorf("applied (-want +got):\n%s", d)
	}
	if applied, err = sqlstore.Migrate(ctx, db, sqlite.Dialect, fsys); err != nil || len(applied) != 0 {
		t.Errorf("Migrate again = %v, %v; want nothing applied", applied, err)
	}
	fsys["0001_a.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE a (x INTEGER, y INTEGER);`)}
	fsys["0003_c.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE c (x INTEGER);`)}
	applied, err = sqlstore.Migrate(ctx, db, sqlite.Dialect, fsys)
	if err == nil || !strings.Contains(err.Error(), "0001_a.sql") {
		t.Errorf("Migrate with an edited 0001_a.sql: err = %v, want one naming it", err)
	}
	if len(applied) != 0 {
		t.Errorf("Migrate with an edited migration applied %v", applied)
	}
}
