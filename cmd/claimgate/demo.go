package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/claimgate/claimgate/demo"
)

func init() {
	register(command{name: "demo", summary: "seed a synthetic practice on a fresh database, run its claims through the test payer, then serve it", run: runDemo})
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo", "demo [--addr HOST:PORT] [--db FILE] [--patients N] [--no-serve]")
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (HOST:PORT; port 0 picks a free one)")
	path := fs.String("db", "claimgate-demo.db", "SQLite `file` for the demo; it and its claims mailbox (FILE.mailbox) are recreated on every run")
	patients := fs.Int("patients", 24, "number of synthetic patients, one case each")
	seedN := fs.Uint64("seed", 1, "random seed: the same seed makes the same practice")
	password := fs.String("password", "", "password for every demo user (default: a random one, printed)")
	noServe := fs.Bool("no-serve", false, "seed and report, then exit without serving")
	lag := addChargeLagFlag(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkChargeLag(*lag); err != nil {
		return err
	}
	if fs.NArg() > 0 || *patients < 1 {
		fs.Usage()
		return errUsage
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(*path + suffix); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("remove old demo database: %w", err)
		}
	}
	// The claims go through a clearinghouse mailbox folder beside the
	// database, recreated with it.
	mailbox := *path + ".mailbox"
	if err := os.RemoveAll(mailbox); err != nil {
		return fmt.Errorf("remove old demo mailbox: %w", err)
	}
	db := &dbFlags{path: *path}
	s, _, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	// The practice is seeded, and its coded cases run through the back end
	// against the built-in test payer, on a simulated clock (package demo).
	r, err := demo.Run(ctx, s, demo.Options{Patients: *patients, Seed: *seedN, AdminPassword: *password, ChargeLagDays: *lag, Mailbox: mailbox})
	if err != nil {
		return err
	}
	p := r.Practice
	fmt.Fprintf(e.stdout, "claimgate demo: %s — %d patients, %d cases, %d payers, %d users in %s (%s, mailbox %s)\n",
		p.Org.Name, len(p.Patients), len(p.Cases), len(p.Payers), len(p.Users), time.Since(start).Round(time.Millisecond), *path, mailbox)
	fmt.Fprint(e.stdout, r.Summary())
	fmt.Fprintf(e.stdout, "log in as admin (or mgr, frontdesk, coder, biller, ...) with password %s\n", p.AdminPassword)
	if *noServe {
		return nil
	}
	return serve(ctx, e, s, *addr, false, *lag, r.Workflow.RealTime)
}
