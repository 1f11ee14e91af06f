package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	claimhttp "github.com/claimgate/claimgate/http"
	"github.com/claimgate/claimgate/internal/seed"
	"github.com/claimgate/claimgate/workflow"
)

func init() {
	register(command{name: "serve", summary: "serve the HTTP API and web UI", run: runServe})
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "serve [--addr HOST:PORT] [--db FILE | --postgres DSN]")
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address` (HOST:PORT; port 0 picks a free one)")
	secure := fs.Bool("secure-cookies", false, "mark session cookies Secure (set when served over HTTPS)")
	db := addDBFlags(fs, e, "claimgate.db")
	lag := addChargeLagFlag(fs, e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if err := checkChargeLag(*lag); err != nil {
		return err
	}
	s, where, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := ensureAdmin(ctx, e, s); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database: %s\n", where)
	return serve(ctx, e, s, *addr, *secure, *lag, nil)
}

// ensureAdmin creates an admin with a random password on an empty database,
// so a first `serve` can be logged into, and prints the password once.
func ensureAdmin(ctx context.Context, e *env, s claimgate.Store) error {
	users, err := s.Users(ctx)
	if err != nil || len(users) > 0 {
		return err
	}
	p := seed.RandomPassword()
	hash, err := claimhttp.HashPassword(p)
	if err != nil {
		return err
	}
	u := claimgate.User{Username: "admin", Name: "Administrator", PasswordHash: hash,
		Roles: []claimgate.Role{claimgate.Admin, claimgate.Manager}, Active: true, CreatedAt: time.Now().UTC()}
	if err := s.CreateUser(ctx, &u); err != nil {
		return fmt.Errorf("create first admin: %w", err)
	}
	fmt.Fprintf(e.stdout, "created user admin with password %s (shown once; add others with 'claimgate user add')\n", p)
	return nil
}

// serve runs the HTTP server until ctx is done, then shuts it down gracefully.
func serve(ctx context.Context, e *env, s claimgate.Store, addr string, secure bool, chargeLagDays int, rt clearinghouse.RealTime) error {
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	wf := workflow.New(s)
	wf.ChargeLagDays = chargeLagDays
	wf.RealTime = rt // nil: eligibility and authorization are verified by phone or portal
	h, err := claimhttp.NewServer(claimhttp.Config{Store: s, Workflow: wf, Logger: logger, Now: time.Now, SecureCookies: secure})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "serving on http://%s (Ctrl-C to stop)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
