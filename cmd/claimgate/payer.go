package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/testpayer"
)

func init() {
	register(command{name: "payer", summary: "run the built-in test payer against a mailbox folder", run: runPayer})
}

func runPayer(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "payer", "payer --mailbox DIR [--config FILE] [--seed N] [--once] [--every DURATION] [--day-every DURATION]\n"+
		"       claimgate payer --print-config\n\n"+
		"Reads the 837s (and 270/276/278 batches) the practice writes to DIR/outbound, answers\n"+
		"with 999s and 277CAs in DIR/inbound, and writes each payer's 835s there after its\n"+
		"days-to-pay. Files taken are moved to DIR/"+testpayer.PickedDir+". The payers' state\n"+
		"(accumulators, authorizations, claims paid) lives in memory for the run.")
	config := fs.String("config", "", "payer configuration `file` (JSON); default: the built-in synthetic payers")
	mailbox := fs.String("mailbox", "", "mailbox `folder` (outbound/, inbound/, archive/, quarantine/)")
	seed := fs.Uint64("seed", 0, "random seed; 0 keeps the configuration's")
	once := fs.Bool("once", false, "poll once and exit, releasing only the payments already due")
	every := fs.Duration("every", 5*time.Second, "how often to poll the mailbox")
	dayEvery := fs.Duration("day-every", 24*time.Hour, "how long a payer day lasts: 10s makes a 14-day days-to-pay pass in 140s")
	printConfig := fs.Bool("print-config", false, "print the built-in configuration and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *printConfig {
		_, err := e.stdout.Write(testpayer.DefaultConfigJSON())
		return err
	}
	if fs.NArg() > 0 || *mailbox == "" || *every <= 0 || *dayEvery <= 0 {
		fs.Usage()
		return errUsage
	}
	cfg := testpayer.DefaultConfig()
	if *config != "" {
		f, err := os.Open(*config)
		if err != nil {
			return err
		}
		cfg, err = testpayer.LoadConfig(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *config, err)
		}
	}
	start := time.Now()
	scale := float64(24*time.Hour) / float64(*dayEvery)
	opt := testpayer.Options{Now: func() time.Time {
		return start.Add(time.Duration(float64(time.Since(start)) * scale))
	}}
	if *seed != 0 {
		opt.Seed = seed
	}
	p, err := testpayer.New(cfg, opt)
	if err != nil {
		return err
	}
	if err := clearinghouse.MakeFolders(*mailbox); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	m := &testpayer.Mailbox{Payer: p, Root: *mailbox, Log: log}
	if *once {
		res, err := m.Poll(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "read %d files (%d refused), wrote %d answers\n", res.Read, res.Refused, res.Written)
		return nil
	}
	log.Info("test payer running", "mailbox", *mailbox, "payers", len(cfg.Payers), "every", *every, "day_every", *dayEvery)
	return m.Run(ctx, *every)
}
