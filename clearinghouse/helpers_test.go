package clearinghouse_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/internal/testshared"
	"github.com/claimgate/claimgate/store/postgres"
	"github.com/claimgate/claimgate/store/sqlite"
	"github.com/claimgate/claimgate/store/sqlstore"
	"github.com/claimgate/claimgate/workflow"
	"github.com/claimgate/claimgate/x12"
)

// t0 is the fixed clock of the mailbox tests.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// openSQLite opens (creating) the SQLite store at path, closed at cleanup.
func openSQLite(t *testing.T, path string) *sqlstore.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	must(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// postgresDSN returns CLAIMGATE_TEST_POSTGRES, skipping the test when it
// is unset, except in CI, which must never silently skip PostgreSQL.
func postgresDSN(t *testing.T) string {
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

// freshSchema creates an empty schema, dropped at cleanup, and returns a
// DSN whose connections use it (as store/postgres's tests do).
func freshSchema(t *testing.T) string {
	t.Helper()
	base := postgresDSN(t)
	admin, err := sql.Open("pgx", base)
	must(t, err)
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
	if strings.HasPrefix(base, "postgres://") || strings.HasPrefix(base, "postgresql://") {
		u, err := url.Parse(base)
		must(t, err)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return base + " search_path=" + schema
}

func openPostgres(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	must(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// backends are the databases every mailbox test runs on: each returns two
// stores over one database, as two server processes would have.
var backends = []struct {
	name string
	open func(t *testing.T) (a, b *sqlstore.Store)
}{
	{"sqlite", func(t *testing.T) (*sqlstore.Store, *sqlstore.Store) {
		path := filepath.Join(t.TempDir(), "claimgate.db")
		return openSQLite(t, path), openSQLite(t, path)
	}},
	{"postgres", func(t *testing.T) (*sqlstore.Store, *sqlstore.Store) {
		d := freshSchema(t)
		return openPostgres(t, d), openPostgres(t, d)
	}},
}

// setup gives s a biller (the owner of quarantined files) and a partner
// whose mailbox is at root, and returns the partner and the biller.
func setup(t *testing.T, s *sqlstore.Store, root string) (clearinghouse.Partner, claimgate.User) {
	t.Helper()
	ctx := context.Background()
	u := claimgate.User{Username: "biller", Name: "Bea Biller", Roles: []claimgate.Role{claimgate.Biller}, Active: true}
	must(t, s.CreateUser(ctx, &u))
	p := clearinghouse.Partner{ID: "TESTCH", Name: "Test clearinghouse", OurQualifier: "ZZ", OurID: "CLAIMGATE",
		TheirQualifier: "ZZ", TheirID: "TESTCH", OurAppCode: "CLAIMGATE", TheirAppCode: "TESTCH",
		PayerIDs: []string{"TP001"}, Usage: "T", Mailbox: root,
		Acknowledge: []clearinghouse.Kind{clearinghouse.Remittance}}
	must(t, s.CreatePartner(ctx, &p))
	must(t, clearinghouse.MakeFolders(root))
	return p, u
}

// mailbox returns a Mailbox over s with a fixed clock.
func mailbox(s *sqlstore.Store) *clearinghouse.Mailbox {
	m := clearinghouse.New(s, workflow.New(s), nil)
	m.Now = func() time.Time { return t0 }
	return m
}

// sample reads a public X12 sample in place.
func sample(t testing.TB, elem ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testshared.Path(t, append([]string{"testdata", "x12"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fromPartner re-envelopes the transaction sets of src as p sends them to
// us, with ISA13 and GS06 control.
func fromPartner(t *testing.T, p clearinghouse.Partner, control int, src ...[]byte) []byte {
	t.Helper()
	return bundle(t, x12.InterchangeHeader{SenderQualifier: p.TheirQualifier, SenderID: p.TheirID,
		ReceiverQualifier: p.OurQualifier, ReceiverID: p.OurID, ControlNumber: fmt.Sprint(control), Usage: p.Usage},
		p.TheirAppCode, p.OurAppCode, src...)
}

// bundle writes the transaction sets of every src in one interchange with
// header h (dated 2026-03-14) and one functional group from sender to
// receiver, numbered as h; the sets are numbered 0001, 0002...
func bundle(t *testing.T, h x12.InterchangeHeader, sender, receiver string, srcs ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := x12.NewWriter(&buf, x12.DefaultDelimiters)
	w.Newline = true
	h.Date, h.Time = "260314", "0926"
	must(t, w.BeginInterchange(h))
	first, n := true, 0
	for _, src := range srcs {
		sr := x12.NewSetReader(x12.NewReader(bytes.NewReader(src)))
		for {
			ts, err := sr.Next()
			if err == io.EOF {
				break
			}
			must(t, err)
			if first {
				first = false
				must(t, w.BeginGroup(x12.GroupHeader{FunctionalID: ts.Group.FunctionalID, SenderCode: sender,
					ReceiverCode: receiver, Date: "20260314", Time: "0926", ControlNumber: h.ControlNumber, Version: ts.Group.Version}))
			}
			n++
			must(t, w.BeginSet(ts.ID, fmt.Sprintf("%04d", n), ts.Segments[0].ElementString(3)))
			for _, seg := range ts.Segments[1 : len(ts.Segments)-1] {
				must(t, w.Write(seg))
			}
			must(t, w.EndSet())
		}
	}
	must(t, w.EndGroup())
	must(t, w.EndInterchange())
	must(t, w.Flush())
	return buf.Bytes()
}

// drop writes an inbound file as the clearinghouse's mirror would.
func drop(t *testing.T, root, name string, data []byte) {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(root, clearinghouse.InboundDir, name), data, 0o600))
}

// names lists the files of a mailbox folder, sorted, without dot files.
func names(t *testing.T, root, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(root, dir))
	must(t, err)
	var out []string
	for _, e := range es {
		if !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out
}

// countEvents counts the events of kind.
func countEvents(t *testing.T, s *sqlstore.Store, kind string) int {
	t.Helper()
	var n int
	must(t, s.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM events WHERE kind = $1`, kind).Scan(&n))
	return n
}

// osReadDir lists the public samples in testdata/x12/dir, sorted.
func osReadDir(t *testing.T, dir string) ([]string, error) {
	t.Helper()
	es, err := os.ReadDir(testshared.Path(t, "testdata", "x12", dir))
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out, err
}
