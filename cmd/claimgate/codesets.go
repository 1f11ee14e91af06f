package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/claimgate/claimgate"
	"github.com/claimgate/claimgate/codeset"
)

func init() {
	register(command{name: "codesets", summary: "code sets: codesets import | list | check", run: runCodesets})
}

const codesetsUsage = `Usage:
  claimgate codesets import KIND FILE [--version LABEL] [--effective YYYY-MM-DD] [--db FILE | --postgres DSN]
  claimgate codesets list [--kind KIND] [--db FILE | --postgres DSN]
  claimgate codesets check KIND CODE [CODE2] [--date YYYY-MM-DD] [--db FILE | --postgres DSN]

KIND is one of ` + "icd10cm, icd10pcs, hcpcs, cpt, modifier, pos, revenue, carc, rarc, ncci_ptp, mue" + `.
import loads an official file (the CDC/CMS ICD-10 order file, the CMS HCPCS
annual file, an NCCI PTP or MUE file, place of service, CARC or RARC list)
as a versioned set; the same file imported twice changes nothing.
check judges a code on a date of service (today by default) and exits with
status 1 when it may not be billed; for ncci_ptp give two codes: status 1
means an edit applies.`

func runCodesets(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, codesetsUsage)
		return errUsage
	}
	switch args[0] {
	case "import":
		return runCodesetsImport(ctx, e, args[1:])
	case "list":
		return runCodesetsList(ctx, e, args[1:])
	case "check":
		return runCodesetsCheck(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, codesetsUsage)
		return nil
	}
	fmt.Fprintf(e.stderr, "claimgate codesets: unknown subcommand %q\n%s\n", args[0], codesetsUsage)
	return errUsage
}

// parseInterspersed parses fs from args, letting flags follow the
// positional arguments ("import icd10cm FILE --version FY2026"), and
// returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// openCodeSets opens the database as a code set store.
func openCodeSets(ctx context.Context, db *dbFlags) (codeset.Store, func() error, error) {
	s, _, err := db.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	cs, ok := s.(codeset.Store)
	if !ok {
		s.Close()
		return nil, nil, fmt.Errorf("the %T store does not keep code sets", s)
	}
	return cs, s.Close, nil
}

func dateFlag(fs *flag.FlagSet, name, usage string) *claimgate.Date {
	d := new(claimgate.Date)
	fs.Func(name, usage, func(s string) error {
		v, err := claimgate.ParseDate(s)
		if err != nil {
			return err
		}
		*d = v
		return nil
	})
	return d
}

func runCodesetsImport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "codesets import", "codesets import KIND FILE [--version LABEL] [--effective YYYY-MM-DD]")
	db := addDBFlags(fs, e, "claimgate.db")
	version := fs.String("version", "", "version `label` of the set, e.g. FY2026 (default: from the file name)")
	effective := dateFlag(fs, "effective", "first date of service the set governs, `YYYY-MM-DD` (default: from the file name or the fiscal year)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return errUsage
	}
	kind, err := codeset.ParseKind(pos[0])
	if err != nil {
		return err
	}
	file := pos[1]
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	done := func() {}
	if isTerminal(e.stderr) {
		r, done = progress(e.stderr, f, filepath.Base(file))
	}
	st, closeDB, err := openCodeSets(ctx, db)
	if err != nil {
		done()
		return err
	}
	defer closeDB()
	start := time.Now()
	set, created, err := codeset.Import(ctx, st, kind, r, codeset.Options{Source: file, Version: *version, Effective: *effective})
	done()
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(file), err)
	}
	if !created {
		fmt.Fprintf(e.stdout, "already imported: %s %s, %s, imported %s: nothing changed\n",
			set.Kind, set.Version, entries(set), set.ImportedAt.UTC().Format("2006-01-02 15:04 UTC"))
		return nil
	}
	fmt.Fprintf(e.stdout, "imported %s %s: %s in %.1fs\n", set.Kind, set.Version, entries(set), time.Since(start).Seconds())
	return nil
}

// entries counts a set's contents in words: "95524 codes (72748 billable)".
func entries(s *codeset.Set) string {
	switch s.Kind {
	case codeset.PTP:
		return fmt.Sprintf("%d edits", s.Count)
	case codeset.MUE:
		return fmt.Sprintf("%d limits", s.Count)
	case codeset.ICD10CM, codeset.ICD10PCS:
		return fmt.Sprintf("%d codes (%d billable)", s.Count, s.Billable)
	}
	return fmt.Sprintf("%d codes", s.Count)
}

// isTerminal reports whether w is a terminal, where a progress line helps;
// anywhere else (a log, a pipe) it would be noise.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progress returns a reader over f that shows how much of it has been read
// on w, twice a second, and a func that ends the display.
func progress(w io.Writer, f *os.File, name string) (io.Reader, func()) {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return f, func() {}
	}
	cr := &countingReader{r: f}
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				fmt.Fprintf(w, "\r%s\r", strings.Repeat(" ", len(name)+30))
				return
			case <-t.C:
				n := cr.n.Load()
				if n >= fi.Size() {
					fmt.Fprintf(w, "\rsaving %s ...", name)
				} else {
					fmt.Fprintf(w, "\rreading %s: %d%%", name, n*100/fi.Size())
				}
			}
		}
	}()
	return cr, func() {
		close(stop)
		<-finished
	}
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func runCodesetsList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "codesets list", "codesets list [--kind KIND]")
	db := addDBFlags(fs, e, "claimgate.db")
	kindName := fs.String("kind", "", "list only sets of this `kind`")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return errUsage
	}
	var kind codeset.Kind
	if *kindName != "" {
		if kind, err = codeset.ParseKind(*kindName); err != nil {
			return err
		}
	}
	st, closeDB, err := openCodeSets(ctx, db)
	if err != nil {
		return err
	}
	defer closeDB()
	sets, err := st.Sets(ctx, kind)
	if err != nil {
		return err
	}
	stored := map[codeset.Kind]bool{}
	for _, s := range sets {
		stored[s.Kind] = true
	}
	for _, s := range codeset.BuiltIn() {
		if !stored[s.Kind] && (kind == "" || kind == s.Kind) {
			sets = append(sets, s)
		}
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tVERSION\tFROM\tTO\tENTRIES\tSOURCE\tIMPORTED")
	for _, s := range sets {
		imported := "-"
		if !s.ImportedAt.IsZero() {
			imported = s.ImportedAt.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Kind, s.Version, orDash(s.From.String()), orDash(s.To.String()),
			entries(s), s.Source, imported)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runCodesetsCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "codesets check", "codesets check KIND CODE [CODE2] [--date YYYY-MM-DD]")
	db := addDBFlags(fs, e, "claimgate.db")
	dos := dateFlag(fs, "date", "date of service, `YYYY-MM-DD` (default: today)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		fs.Usage()
		return errUsage
	}
	kind, err := codeset.ParseKind(pos[0])
	if err != nil {
		return err
	}
	if (kind == codeset.PTP) != (len(pos) == 3) || len(pos) > 3 {
		fs.Usage()
		return errUsage
	}
	if dos.IsZero() {
		*dos = claimgate.DateOf(time.Now())
	}
	st, closeDB, err := openCodeSets(ctx, db)
	if err != nil {
		return err
	}
	defer closeDB()
	ix, err := codeset.Load(ctx, st)
	if err != nil {
		return err
	}
	switch kind {
	case codeset.PTP:
		edit, ok := ix.PTPEdit(pos[1], pos[2], *dos)
		if !ok {
			fmt.Fprintf(e.stdout, "no NCCI PTP edit between %s and %s on %s\n", pos[1], pos[2], dos)
			return nil
		}
		bypass := "no modifier bypasses it"
		if edit.ModifierAllowed() {
			bypass = "an NCCI PTP-associated modifier on " + edit.Column2 + " may bypass it where clinically appropriate"
		}
		fmt.Fprintf(e.stdout, "NCCI PTP edit on %s: %s is denied with %s (modifier indicator %c: %s); %s\n",
			dos, edit.Column2, edit.Column1, edit.Modifier, bypass, edit.Rationale)
		return exitError{1}
	case codeset.MUE:
		l, ok := ix.MUE(pos[1], *dos)
		code, _ := codeset.Normalize(codeset.MUE, pos[1])
		if !ok {
			fmt.Fprintf(e.stdout, "no MUE for %s on %s\n", code, dos)
			return nil
		}
		fmt.Fprintf(e.stdout, "MUE for %s on %s: at most %d units (adjudication indicator %d)\n", code, dos, l.MaxUnits, l.Adjudication)
		return nil
	}
	r := ix.Validate(kind, pos[1], *dos)
	fmt.Fprintln(e.stdout, r.Message())
	if d := r.Description(); d != "" && r.Status != codeset.BadFormat {
		fmt.Fprintf(e.stdout, "  %s\n", d)
	}
	if !r.OK() {
		return exitError{1}
	}
	return nil
}
