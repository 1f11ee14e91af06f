package main

import (
	"context"
	"fmt"
)

func init() {
	register(command{name: "migrate", summary: "create or upgrade the database schema", run: runMigrate})
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "migrate", "migrate [--db FILE | --postgres DSN]")
	db := addDBFlags(fs, e, "claimgate.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	// Opening a store runs every pending migration, each in its own transaction.
	s, where, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(e.stdout, "%s: schema up to date\n", where)
	return nil
}
