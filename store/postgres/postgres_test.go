package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/store/postgres"
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
