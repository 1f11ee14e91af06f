package txn

import (
	"fmt"
	"io"

	"github.com/claimgate/claimgate/x12"
	"github.com/claimgate/claimgate/x12/validate"
)

// WriteRuns writes n transaction sets as x12/claim and x12/remit write
// them: an ISA interchange with a GS group around each run of sets whose
// envelopes (env) share their interchange and group control numbers, and
// an ST..SE transaction set for each (write), with the delimiters of the
// first envelope (see ClaimDelimiters). GS01 defaults to gs01, GS08 to
// version(i) and an empty ST02 to the set's sequence number in its group
// (0001, 0002...); a control number seen again in a group starts a new
// interchange, as read. Errors of the writer are prefixed with pkg.
func WriteRuns(w io.Writer, pkg, gs01 string, n int, env func(i int) Envelope, version func(i int) string, write func(xw *x12.Writer, i int, control string) error) error {
	if n == 0 {
		return fmt.Errorf("%s: nothing to write", pkg)
	}
	d := ClaimDelimiters(env(0).Interchange.Delims)
	xw := x12.NewWriter(w, d)
	for i := 0; i < n; {
		isa := env(i).Interchange
		if err := xw.BeginInterchange(isa); err != nil {
			return fmt.Errorf("%s: %w", pkg, err)
		}
		for i < n && env(i).Interchange.ControlNumber == isa.ControlNumber {
			gs := env(i).Group
			if gs.FunctionalID == "" {
				gs.FunctionalID = gs01
			}
			if gs.Version == "" {
				gs.Version = version(i)
			}
			if err := xw.BeginGroup(gs); err != nil {
				return fmt.Errorf("%s: %w", pkg, err)
			}
			seq := 0
			seen := make(map[string]bool)
			for i < n && env(i).Interchange.ControlNumber == isa.ControlNumber &&
				env(i).Group.ControlNumber == gs.ControlNumber && !seen[env(i).Control] {
				seq++
				if c := env(i).Control; c != "" {
					seen[c] = true
				}
				control := env(i).Control
				if control == "" {
					control = fmt.Sprintf("%04d", seq)
				}
				if err := write(xw, i, control); err != nil {
					return err
				}
				i++
			}
			if err := xw.EndGroup(); err != nil {
				return fmt.Errorf("%s: %w", pkg, err)
			}
			if i < n && seen[env(i).Control] {
				break // the same control numbers again: a new interchange, as read
			}
		}
		if err := xw.EndInterchange(); err != nil {
			return fmt.Errorf("%s: %w", pkg, err)
		}
	}
	if err := xw.Flush(); err != nil {
		return fmt.Errorf("%s: %w", pkg, err)
	}
	return nil
}

// ClaimDelimiters returns the delimiters x12/claim and x12/remit write
// with: d when it is usable, else the defaults. An interchange read
// without a repetition separator (ISA11 "U", as in 4010) gets "^", which
// 5010 requires, unless "^" is one of its delimiters (then "|" or "!").
func ClaimDelimiters(d x12.Delimiters) x12.Delimiters { return usableDelimiters(d, "^|!") }

// ReadSets reads every transaction set in r as x12/claim and x12/remit
// read them: it validates each (validate.Transaction) to get its loop
// tree and returns what parse makes of it. A set other than id is an
// error; errors of reading, and that one, begin with pkg. With an error,
// it returns no sets.
func ReadSets[T any](r io.Reader, pkg, id string, parse func(ts *x12.TransactionSet, tree *validate.Loop) (T, error)) ([]T, error) {
	sr := x12.NewSetReader(x12.NewReader(r))
	var out []T
	for {
		ts, err := sr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pkg, err)
		}
		if ts.ID != id {
			return nil, fmt.Errorf("%s: segment %d: transaction set %s is not an %s", pkg, ts.Pos, ts.ID, id)
		}
		tree, _ := validate.Transaction(ts)
		t, err := parse(ts, tree)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
}
