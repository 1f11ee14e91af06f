package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/ack"
	"github.com/claimgate/claimgate/x12/auth"
	"github.com/claimgate/claimgate/x12/claim"
	"github.com/claimgate/claimgate/x12/elig"
	"github.com/claimgate/claimgate/x12/remit"
	"github.com/claimgate/claimgate/x12/status"
	"github.com/claimgate/claimgate/x12/validate"
)

func init() {
	register(command{name: "x12", summary: "X12 files: x12 validate, fmt, ack, json", run: runX12})
}

const x12Usage = `Usage: claimgate x12 COMMAND [flags] FILE...

Commands:
  validate FILE...  check files against their implementation guides; exit 1 if any has an error
  fmt FILE          print one segment per line, indented by loop, with the loop ID
  ack FILE          print the 999 (and TA1 when the envelope needs one) we send back for FILE
  json FILE         print each transaction set's typed model as JSON (--tree: its loop tree too)

Run 'claimgate x12 COMMAND --help' for a command's flags.`

func runX12(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, x12Usage)
		return errUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, x12Usage)
		return nil
	case "validate":
		return x12Validate(ctx, e, args[1:])
	case "fmt":
		return x12Fmt(e, args[1:])
	case "ack":
		return x12Ack(e, args[1:])
	case "json":
		return x12JSON(e, args[1:])
	}
	fmt.Fprintf(e.stderr, "claimgate x12: unknown command %q\n\n%s\n", args[0], x12Usage)
	return errUsage
}

// oneFile parses flags and the single FILE argument of a subcommand.
func oneFile(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return "", errUsage
	}
	return fs.Arg(0), nil
}

func x12Validate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "x12 validate", "x12 validate [--warnings] FILE...\n\n"+
		"Checks each file's envelopes and transaction sets against their implementation guide tables\n"+
		"and situational rules. Prints one line per error:\n"+
		"  file:segment N (ID) loop L element E: message\n"+
		"where N counts segments from the start of the file (ISA is 1). Exits 0 when every file\n"+
		"is valid, 1 otherwise.\n")
	warnings := fs.Bool("warnings", false, "also print warnings (such as trailing element separators), which do not make a file invalid")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	bad := 0
	for _, name := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := validateFile(out, name, *warnings)
		if err != nil {
			fmt.Fprintf(out, "%s: %v\n", name, err)
			n++
		}
		if n > 0 {
			bad++
		}
	}
	if bad > 0 {
		out.Flush()
		fmt.Fprintf(e.stderr, "%d of %d files invalid\n", bad, fs.NArg())
		return exitError{code: 1}
	}
	return nil
}

// validateFile prints the problems of one file, in the order of their
// segments, and returns how many errors it has. err is a problem that
// stopped the reading.
func validateFile(w io.Writer, name string, warnings bool) (errs int, err error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	type line struct {
		pos  int
		text string
	}
	var lines []line
	env, err := validate.Stream(f, func(r *validate.SetResult) error {
		for _, fd := range r.Findings {
			if fd.Severity == validate.Warning && !warnings {
				continue
			}
			if fd.Severity == validate.Error {
				errs++
			}
			lines = append(lines, line{fd.Pos, findingLine(name, fd)})
		}
		return nil
	})
	for _, pe := range env {
		if pe.SetSegment != 0 {
			continue // reported with its set
		}
		errs++
		text := fmt.Sprintf("%s:segment %d (%s)", name, pe.Segment, pe.SegmentID)
		if pe.Element > 0 {
			text += fmt.Sprintf(" element %s%02d", pe.SegmentID, pe.Element)
		}
		msg := pe.Detail
		if msg == "" {
			msg = pe.Err.Error()
		}
		lines = append(lines, line{pe.Segment, text + ": " + msg})
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].pos < lines[j].pos })
	for _, l := range lines {
		fmt.Fprintln(w, l.text)
	}
	return errs, err
}

// findingLine formats a finding as "file:segment N (ID) loop L element E:
// message".
func findingLine(name string, f validate.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:segment %d (%s)", name, f.Pos, f.SegmentID)
	if f.Loop != "" {
		b.WriteString(" loop " + f.Loop)
	}
	if f.Ref != "" {
		b.WriteString(" element " + f.Ref)
	}
	b.WriteString(": ")
	if f.Severity == validate.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(f.Msg)
	return b.String()
}

func x12Fmt(e *env, args []string) error {
	fs := newFlagSet(e, "x12 fmt", "x12 fmt FILE\n\n"+
		"Prints FILE one segment per line: the ID of the segment's loop, then the segment,\n"+
		"indented two spaces per loop level.\n")
	name, err := oneFile(fs, args)
	if err != nil {
		return err
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	// Segments outside transaction sets (ISA, GS, GE, IEA) print at depth
	// 0 without a loop; the SetReader hands out only sets, so read twice:
	// the Reader for every segment, the sets for their loops.
	type placed struct {
		loop  string
		depth int
	}
	where := map[int]placed{}
	var walk func(l *validate.Loop, depth int)
	walk = func(l *validate.Loop, depth int) {
		for _, s := range l.Segments {
			where[s.Pos] = placed{l.ID, depth}
		}
		for _, c := range l.Loops {
			walk(c, depth+1)
		}
	}
	if _, err := validate.Stream(f, func(r *validate.SetResult) error {
		walk(r.Root, 1)
		return nil
	}); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	rd := x12.NewReader(f)
	for {
		s, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		p := where[s.Pos]
		fmt.Fprintf(out, "%-7s %s%s\n", p.loop, strings.Repeat("  ", p.depth), s)
	}
}

func x12Ack(e *env, args []string) error {
	fs := newFlagSet(e, "x12 ack", "x12 ack [--control N] FILE\n\n"+
		"Prints the acknowledgment for FILE: a 999 per functional group, and a TA1 for an\n"+
		"interchange that asks for one (ISA14 1) or whose envelope is wrong.\n")
	control := fs.Int("control", 1, "interchange and group control number of the acknowledgment")
	name, err := oneFile(fs, args)
	if err != nil {
		return err
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	ic, err := ack.For(f, ack.Options{ControlNumber: *control})
	if err != nil {
		return err
	}
	w := x12.NewWriter(e.stdout, ic.Header.Delims)
	w.Newline = ic.Header.Delims.Segment != '\n'
	if err := ack.Write(w, ic); err != nil {
		return err
	}
	return w.Flush()
}

// jsonSet is a transaction set in x12 json's output.
type jsonSet struct {
	ID       string `json:"id"`
	Control  string `json:"control"`
	Version  string `json:"version"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	// Model is the set's typed model (claim, remittance, eligibility,
	// status, authorization or acknowledgment); ModelError says why a set
	// has none.
	Model      any       `json:"model,omitempty"`
	ModelError string    `json:"model_error,omitempty"`
	Root       *jsonLoop `json:"root,omitempty"`
}

// jsonLoop is a loop: its ID, its segments as arrays of elements (the ID
// first), and its child loops.
type jsonLoop struct {
	ID       string      `json:"id"`
	Name     string      `json:"name,omitempty"`
	Segments [][]string  `json:"segments"`
	Loops    []*jsonLoop `json:"loops,omitempty"`
}

func toJSON(l *validate.Loop) *jsonLoop {
	j := &jsonLoop{ID: l.ID, Segments: [][]string{}}
	if l.Spec != nil {
		j.Name = l.Spec.Name
	}
	for _, s := range l.Segments {
		els := make([]string, s.Len()+1)
		for i := range els {
			els[i] = s.ElementString(i)
		}
		j.Segments = append(j.Segments, els)
	}
	for _, c := range l.Loops {
		j.Loops = append(j.Loops, toJSON(c))
	}
	return j
}

func x12JSON(e *env, args []string) error {
	fs := newFlagSet(e, "x12 json", "x12 json [--tree] FILE\n\n"+
		"Prints a JSON array with one object per transaction set: its ID, control number,\n"+
		"version, counts of errors and warnings, and its typed model (837 claims, 835\n"+
		"remittance, 270/271 eligibility, 276/277/277CA status, 278 authorization, 999\n"+
		"acknowledgment). --tree adds the loop tree (loops with IDs, segments as arrays\n"+
		"of elements, composites as sent).\n")
	tree := fs.Bool("tree", false, "include each set's loop tree")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	name := fs.Arg(0)
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	sets := []jsonSet{}
	var acks []ack.Ack999
	if _, err := validate.Stream(bytes.NewReader(data), func(r *validate.SetResult) error {
		js := jsonSet{ID: r.Set.ID, Control: r.Set.ControlNumber, Version: r.Set.Version}
		if *tree {
			js.Root = toJSON(r.Root)
		}
		for _, fd := range r.Findings {
			if fd.Severity == validate.Warning {
				js.Warnings++
			} else {
				js.Errors++
			}
		}
		if r.Set.ID == "999" {
			if acks == nil {
				acks = ackSets(data)
			}
			for _, a := range acks {
				if a.ControlNumber == r.Set.ControlNumber {
					js.Model = a
				}
			}
		} else {
			js.Model, err = typedModel(r.Set, r.Root)
			if err != nil {
				js.ModelError = err.Error()
			}
		}
		if js.Model == nil && js.ModelError == "" {
			js.ModelError = "no typed model for transaction set " + r.Set.ID
		}
		sets = append(sets, js)
		return nil
	}); err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(sets)
}

// typedModel parses one validated set into its typed model.
func typedModel(ts *x12.TransactionSet, root *validate.Loop) (any, error) {
	switch ts.ID {
	case "837":
		t, err := claim.Parse(root)
		if err != nil {
			return nil, err
		}
		t.Envelope = claim.EnvelopeOf(ts)
		return t, nil
	case "835":
		rm, err := remit.Parse(root)
		if err != nil {
			return nil, err
		}
		rm.Envelope = remit.EnvelopeOf(ts)
		return rm, nil
	case "270":
		return elig.Parse270(root)
	case "271":
		return elig.Parse271(root)
	case "276", "277":
		return status.Parse(root, ts.Version)
	case "278":
		return auth.Parse(root)
	}
	return nil, nil
}

// ackSets returns every 999 in the file, or nil when it cannot be read as
// acknowledgments.
func ackSets(data []byte) []ack.Ack999 {
	ic, err := ack.Parse(bytes.NewReader(data))
	if err != nil {
		return []ack.Ack999{}
	}
	out := []ack.Ack999{}
	for _, g := range ic.Groups {
		out = append(out, g.Acks...)
	}
	return out
}
