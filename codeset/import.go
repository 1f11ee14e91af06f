package codeset

import (
	"context"
	"fmt"
	"io"
)

// Import parses one official file of kind from r and saves its set in st,
// in one transaction. It returns the set and whether it was stored now;
// false means the same file (same kind and SHA-256) was already imported,
// and the set returned is the stored one's identity (ID, version, dates,
// counts), without contents. A file of the wrong shape is a *ParseError
// and stores nothing.
func Import(ctx context.Context, st Store, kind Kind, r io.Reader, opt Options) (*Set, bool, error) {
	s, err := Parse(kind, r, opt)
	if err != nil {
		return nil, false, err
	}
	created, err := st.SaveSet(ctx, s)
	if err != nil {
		return nil, false, fmt.Errorf("save %s: %w", s.Label(), err)
	}
	if !created {
		s.Codes, s.Edits, s.Limits = nil, nil, nil
	}
	return s, created, nil
}
