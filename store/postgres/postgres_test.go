package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/store/postgres"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/store/sqlstore"
	"github.com/claimgate/claimgate/store/storetest"
)

// dsn returns the test server's DSN from CLAIMGATE_TEST_POSTGRES. Without
// it the test is skipped, except in CI, which must never silently skip
// PostgreSQL.
func dsn(t *testing.T) string {
	t.Helper()
	d := os.Getenv("CLAIMGATE_TEST_POSTGRES")
	if d == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CLAIMGATE_TEST_POSTGRES is not set; CI must test PostgreSQL")
		}
		t.Skip("CLAIMGATE_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	return d
}

// withSearchPath returns dsn with its search_path set to schema, in either
// of the forms pgx accepts.
func withSearchPath(t *testing.T, dsn, schema string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("CLAIMGATE_TEST_POSTGRES: %v", err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

// freshSchema creates an empty schema, dropped when the test ends, and
// returns a DSN whose connections use it.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := dsn(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "claimgate_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
		admin.Close()
	})
	return withSearchPath(t, base, schema)
}

func openDSN(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func open(t *testing.T) claimgate.Store {
	return openDSN(t, freshSchema(t))
}

func TestStore(t *testing.T) {
	storetest.Run(t, open)
}

// TestClaimRaceTwoPools stands for two server instances: two stores, each
// with its own connection pool, claim from one queue in one schema.
func TestClaimRaceTwoPools(t *testing.T) {
	d := freshSchema(t)
	a := openDSN(t, d)
	b := openDSN(t, d)
	storetest.ClaimRace(t, a, b)
}

// TestMigrate shows that Migrate applies each migration once, and that Open
// on a migrated schema applies nothing.
func TestMigrate(t *testing.T) {
	ctx := context.Background()
	d := freshSchema(t)
	ms, err := sqlstore.Migrations(postgres.Migrations())
	if err != nil {
		t.Fatal(err)
	}
	got, err := postgres.Migrate(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ms) {
		t.Errorf("first Migrate applied %v, want all %d migrations", got, len(ms))
	}
	got, err = postgres.Migrate(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("second Migrate applied %v, want none", got)
	}
	s := openDSN(t, d)
	var n int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
	}
}

// TestSchemasMatch checks that the two dialects' migrations make the same
// tables with the same columns.
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	pg := openDSN(t, freshSchema(t))
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "schema.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	columns := func(db *sql.DB, q string) map[string][]string {
		t.Helper()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		m := map[string][]string{}
		for rows.Next() {
			var table, col string
			if err := rows.Scan(&table, &col); err != nil {
				t.Fatal(err)
			}
			m[table] = append(m[table], col)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return m
	}
	want := columns(lite.DB(), `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
WHERE m.type = 'table' ORDER BY m.name, p.cid`)
	got := columns(pg.DB(), `SELECT table_name, column_name FROM information_schema.columns
WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if len(want) < 10 {
		t.Fatalf("sqlite schema has only %d tables", len(want))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("schemas differ (-sqlite +postgres):\n%s", d)
	}
}

// TestMigrateAtomic runs a migration whose third statement fails on
// PostgreSQL: nothing of it stays and it is not recorded.
func TestMigrateAtomic(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("pgx", freshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fsys := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)},
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (x INTEGER NOT NULL); INSERT INTO a VALUES (1); INSERT INTO b VALUES (NULL);`)},
	}
	applied, err := sqlstore.Migrate(ctx, db, postgres.Dialect, fsys)
	if err == nil {
		t.Fatal("Migrate with a broken migration succeeded")
	}
	if d := cmp.Diff([]int{1}, applied); d != "" {
		t.Errorf("applied (-want +got):\n%s", d)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables
WHERE table_schema = current_schema() AND table_name = 'b'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("table b of the failed migration exists (%d, %v)", n, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM a`).Scan(&n); err != nil || n != 0 {
		t.Errorf("rows inserted by the failed migration: %d, %v", n, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != 1 {
		t.Errorf("schema_migrations has %d rows (%v), want 1", n, err)
	}
}

// TestMigrateChecksums starts from a schema_migrations table made before
// checksums were kept: Migrate adds the column and records the files as they
// are. Editing an applied migration afterwards makes Migrate refuse, naming
// it, and apply nothing after it.
func TestMigrateChecksums(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("pgx", freshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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
	applied, err := sqlstore.Migrate(ctx, db, postgres.Dialect, fsys)
	if err != nil {
		t.Fatalf("Migrate on an old schema_migrations: %v", err)
	}
	if d := cmp.Diff([]int{2}, applied); d != "" {
		t.Errorf("applied (-want +got):\n%s", d)
	}
	if applied, err = sqlstore.Migrate(ctx, db, postgres.Dialect, fsys); err != nil || len(applied) != 0 {
		t.Errorf("Migrate again = %v, %v; want nothing applied", applied, err)
	}
	fsys["0001_a.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE a (x INTEGER, y INTEGER);`)}
	fsys["0003_c.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE c (x INTEGER);`)}
	applied, err = sqlstore.Migrate(ctx, db, postgres.Dialect, fsys)
	if err == nil || !strings.Contains(err.Error(), "0001_a.sql") {
		t.Errorf("Migrate with an edited 0001_a.sql: err = %v, want one naming it", err)
	}
	if len(applied) != 0 {
		t.Errorf("Migrate with an edited migration applied %v", applied)
	}
}
