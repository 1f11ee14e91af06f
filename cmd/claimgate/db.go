package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/store/postgres"
	"github.com/claimgate/claimgate/store/sqlite"
)

// dbFlags are the flags of every command that opens the database.
type dbFlags struct {
	path     string
	postgres string
}

func addDBFlags(fs *flag.FlagSet, e *env, defaultPath string) *dbFlags {
	d := &dbFlags{}
	fs.StringVar(&d.path, "db", defaultPath, "SQLite database `file` (created if missing)")
	fs.StringVar(&d.postgres, "postgres", e.getenv("CLAIMGATE_POSTGRES"), "PostgreSQL `DSN`, e.g. postgres://user@host/db (default from $CLAIMGATE_POSTGRES); used instead of --db when set")
	return d
}

// open opens and migrates the configured database.
func (d *dbFlags) open(ctx context.Context) (claimgate.Store, string, error) {
	if d.postgres != "" {
		s, err := postgres.Open(ctx, d.postgres)
		if err != nil {
			return nil, "", fmt.Errorf("open postgres: %w", err)
		}
		return s, "postgres", nil
	}
	s, err := sqlite.Open(ctx, d.path)
	if err != nil {
		return nil, "", fmt.Errorf("open %s: %w", d.path, err)
	}
	return s, "sqlite " + d.path, nil
}
