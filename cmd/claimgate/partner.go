package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/clearinghouse"
	"github.com/claimgate/claimgate/workflow"
	"github.com/claimgate/claimgate/x12/ack"
	"github.com/claimgate/claimgate/x12/remit"
)

func init() {
	register(command{name: "partner", summary: "trading partners: partner add, set, list", run: runPartner})
	register(command{name: "mailbox", summary: "clearinghouse mailboxes: mailbox poll, mailbox send", run: runMailbox})
}

const partnerUsage = `Usage:
  claimgate partner add --id ID --isa-sender [QUAL:]ID --isa-receiver [QUAL:]ID --usage T|P --mailbox DIR [flags]
  claimgate partner set --id ID [--usage T|P] [--mailbox DIR] [other partner add flags]
  claimgate partner list [--db FILE | --postgres DSN]`

func runPartner(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return partnerAdd(ctx, e, args[1:])
		case "list":
			return partnerList(ctx, e, args[1:])
		case "set":
			return partnerSet(ctx, e, args[1:])
		case "-h", "--help", "help":
			fmt.Fprintln(e.stderr, partnerUsage)
			return nil
		}
	}
	fmt.Fprintln(e.stderr, partnerUsage)
	return errUsage
}

// chStore opens the database as a clearinghouse.Store.
func chStore(ctx context.Context, db *dbFlags) (claimgate.Store, clearinghouse.Store, error) {
	s, _, err := db.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	cs, ok := s.(clearinghouse.Store)
	if !ok {
		s.Close()
		return nil, nil, fmt.Errorf("the %T store keeps no trading partners", s)
	}
	return s, cs, nil
}

// isaParty splits "QUAL:ID" (or "ID", qualifier ZZ: mutually defined).
func isaParty(v string) (qual, id string) {
	if q, id, ok := strings.Cut(v, ":"); ok {
		return q, id
	}
	return "ZZ", v
}

func splitComma(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// partnerFlags are the settings flags of partner add and partner set.
type partnerFlags struct {
	name, sender, receiver, gsSender, gsReceiver, payers, usage, mailbox, acks *string
}

func addPartnerFlags(fs *flag.FlagSet) *partnerFlags {
	return &partnerFlags{
		name:       fs.String("name", "", "partner name (default: the ID)"),
		sender:     fs.String("isa-sender", "", "our ISA05:ISA06 qualifier and ID, such as ZZ:CLAIMGATE (qualifier ZZ if omitted)"),
		receiver:   fs.String("isa-receiver", "", "their ISA07:ISA08 qualifier and ID (qualifier ZZ if omitted)"),
		gsSender:   fs.String("gs-sender", "", "our GS02 application code (default: our ISA ID)"),
		gsReceiver: fs.String("gs-receiver", "", "their GS03 application code (default: their ISA ID)"),
		payers:     fs.String("payers", "", "comma-separated payer IDs this partner takes claims for"),
		usage:      fs.String("usage", "T", "ISA15: T (test) or P (production)"),
		mailbox:    fs.String("mailbox", "", "mailbox root folder; outbound/, inbound/, archive/ and quarantine/ are made in it"),
		acks:       fs.String("ack", "", "comma-separated inbound kinds we answer with a 999, such as 835,277CA"),
	}
}

// apply sets the settings of p named by the flags in set.
func (f *partnerFlags) apply(p *clearinghouse.Partner, set map[string]bool) error {
	if set["name"] {
		p.Name = *f.name
	}
	if set["isa-sender"] {
		p.OurQualifier, p.OurID = isaParty(*f.sender)
	}
	if set["isa-receiver"] {
		p.TheirQualifier, p.TheirID = isaParty(*f.receiver)
	}
	if set["gs-sender"] {
		p.OurAppCode = *f.gsSender
	}
	if set["gs-receiver"] {
		p.TheirAppCode = *f.gsReceiver
	}
	if set["payers"] {
		p.PayerIDs = splitComma(*f.payers)
	}
	if set["usage"] {
		p.Usage = strings.ToUpper(*f.usage)
	}
	if set["mailbox"] {
		// The server may run from another folder than this command.
		abs, err := filepath.Abs(*f.mailbox)
		if err != nil {
			return err
		}
		p.Mailbox = abs
	}
	if set["ack"] {
		p.Acknowledge = nil
		for _, k := range splitComma(*f.acks) {
			kind, err := clearinghouse.ParseKind(k)
			if err != nil {
				return err
			}
			p.Acknowledge = append(p.Acknowledge, kind)
		}
	}
	return nil
}

// visited returns the names of the flags given on the command line.
func visited(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

func partnerAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "partner add", "partner add --id ID --isa-sender [QUAL:]ID --isa-receiver [QUAL:]ID --usage T|P --mailbox DIR [flags]")
	db := addDBFlags(fs, e, "claimgate.db")
	id := fs.String("id", "", "partner code used in file names and commands: letters, digits, hyphens (required)")
	pf := addPartnerFlags(fs)
	first := fs.Int64("first-control", 1, "first ISA13/GS06/ST02 to use, past those another system already sent this partner")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == "" || *pf.sender == "" || *pf.receiver == "" || *pf.mailbox == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	p := clearinghouse.Partner{ID: *id, FirstControl: *first}
	all := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { all[f.Name] = true })
	if err := pf.apply(&p, all); err != nil {
		return err
	}
	if p.Name == "" {
		p.Name = p.ID
	}
	if p.OurAppCode == "" {
		p.OurAppCode = p.OurID
	}
	if p.TheirAppCode == "" {
		p.TheirAppCode = p.TheirID
	}
	if err := p.Validate(); err != nil {
		return withDetails(err)
	}
	s, cs, err := chStore(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := clearinghouse.MakeFolders(p.Mailbox); err != nil {
		return err
	}
	if err := cs.CreatePartner(ctx, &p); err != nil {
		return fmt.Errorf("add partner %s: %w", p.ID, withDetails(err))
	}
	fmt.Fprintf(e.stdout, "added trading partner %s (%s), usage %s, mailbox %s\n", p.ID, p.Name, p.Usage, p.Mailbox)
	return nil
}

// partnerSet changes the settings given on the command line and keeps the
// others, and the control numbers (going live: --usage P).
func partnerSet(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "partner set", "partner set --id ID [--usage T|P] [--mailbox DIR] [other partner add flags]")
	db := addDBFlags(fs, e, "claimgate.db")
	id := fs.String("id", "", "the partner to change (required)")
	pf := addPartnerFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	set := visited(fs)
	delete(set, "id")
	delete(set, "db")
	delete(set, "postgres")
	if *id == "" || len(set) == 0 || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	s, cs, err := chStore(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	p, err := cs.Partner(ctx, *id)
	if err != nil {
		return err
	}
	if err := pf.apply(&p, set); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return withDetails(err)
	}
	if err := clearinghouse.MakeFolders(p.Mailbox); err != nil {
		return err
	}
	if err := cs.UpdatePartner(ctx, &p); err != nil {
		return fmt.Errorf("change partner %s: %w", p.ID, withDetails(err))
	}
	fmt.Fprintf(e.stdout, "changed trading partner %s (%s), usage %s, mailbox %s\n", p.ID, p.Name, p.Usage, p.Mailbox)
	return nil
}

// withDetails appends an error's details to its message, for the terminal.
func withDetails(err error) error {
	d := claimgate.ErrorDetails(err)
	if len(d) == 0 {
		return err
	}
	return fmt.Errorf("%w:\n  %s", err, strings.Join(d, "\n  "))
}

func partnerList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "partner list", "partner list")
	db := addDBFlags(fs, e, "claimgate.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	s, cs, err := chStore(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	ps, err := cs.Partners(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tUSAGE\tISA SENDER\tISA RECEIVER\tGS\tPAYERS\t999 FOR\tMAILBOX")
	for _, p := range ps {
		kinds := make([]string, len(p.Acknowledge))
		for i, k := range p.Acknowledge {
			kinds[i] = string(k)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s:%s\t%s:%s\t%s>%s\t%s\t%s\t%s\n", p.ID, p.Name, p.Usage,
			p.OurQualifier, p.OurID, p.TheirQualifier, p.TheirID, p.OurAppCode, p.TheirAppCode,
			dash(strings.Join(p.PayerIDs, ",")), dash(strings.Join(kinds, ",")), p.Mailbox)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

const mailboxUsage = `Usage:
  claimgate mailbox poll [--once] [--interval D] [--settle D] [--db FILE | --postgres DSN]
  claimgate mailbox send --partner ID --kind KIND FILE [--db FILE | --postgres DSN]`

func runMailbox(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "poll":
			return mailboxPoll(ctx, e, args[1:])
		case "send":
			return mailboxSend(ctx, e, args[1:])
		case "-h", "--help", "help":
			fmt.Fprintln(e.stderr, mailboxUsage)
			return nil
		}
	}
	fmt.Fprintln(e.stderr, mailboxUsage)
	return errUsage
}

// checkers are the inbound handlers of the command line until the business
// importers are wired: each reads its file with the project's codec, so a
// file that does not parse goes to quarantine. Kinds without one are
// quarantined too (clearinghouse.Router).
var checkers = clearinghouse.Router{
	clearinghouse.Remittance: func(_ context.Context, in *clearinghouse.Inbound) error {
		_, err := remit.ReadFile(bytes.NewReader(in.Data))
		return refused(err)
	},
	clearinghouse.Ack999: func(_ context.Context, in *clearinghouse.Inbound) error {
		_, err := ack.Parse(bytes.NewReader(in.Data))
		return refused(err)
	},
	clearinghouse.TA1: func(_ context.Context, in *clearinghouse.Inbound) error {
		_, err := ack.Parse(bytes.NewReader(in.Data))
		return refused(err)
	},
}

// refused makes a reader's error an Invalid one, which quarantines the file.
func refused(err error) error {
	if err == nil {
		return nil
	}
	return &claimgate.Error{Kind: claimgate.Invalid, Msg: "the file cannot be read", Details: []string{err.Error()}}
}

func mailboxPoll(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "mailbox poll", "mailbox poll [--once] [--interval D] [--settle D]")
	db := addDBFlags(fs, e, "claimgate.db")
	once := fs.Bool("once", false, "poll every partner's inbound folder once and exit")
	interval := fs.Duration("interval", time.Minute, "time between polls without --once")
	settle := fs.Duration("settle", 0, "leave inbound files modified less than this long ago (for mirrors that write in place)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *interval <= 0 {
		fs.Usage()
		return errUsage
	}
	s, cs, err := chStore(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	m := clearinghouse.New(cs, workflow.New(s), log)
	m.MinAge = *settle
	for {
		res, err := m.Poll(ctx, checkers.Handle)
		if err != nil && !errors.Is(err, context.Canceled) {
			if *once {
				return err
			}
			log.Error("mailbox poll", "err", err)
		}
		if *once {
			fmt.Fprintf(e.stdout, "done %d, quarantined %d, duplicates %d, retry later %d, skipped %d\n",
				res.Done, res.Quarantined, res.Duplicates, res.Retried, res.Skipped)
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*interval):
		}
	}
}

func mailboxSend(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "mailbox send", "mailbox send --partner ID --kind KIND FILE")
	db := addDBFlags(fs, e, "claimgate.db")
	partner := fs.String("partner", "", "trading partner ID (required)")
	kindName := fs.String("kind", "", "what the file holds: 837P, 837I, 270, 276, 278... (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *partner == "" || *kindName == "" || fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	kind, err := clearinghouse.ParseKind(*kindName)
	if err != nil {
		return err
	}
	payload, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	s, cs, err := chStore(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	m := clearinghouse.New(cs, workflow.New(s), nil)
	f, err := m.Send(ctx, *partner, kind, payload)
	if err != nil {
		return withDetails(err)
	}
	fmt.Fprintf(e.stdout, "sent %s: ISA13 %s, %d transaction sets\n", f.Name, f.Control.ISA(), f.Control.Sets)
	return nil
}
