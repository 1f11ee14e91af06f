package clearinghouse

import (
	"context"

	"github.com/claimgate/claimgate"
)

// Router is a Handler that hands each inbound file to the handler of its
// kind. A file of a kind without one is refused (Invalid), so that it goes
// to quarantine and to a person, instead of being archived unread.
type Router map[Kind]Handler

// Handle calls the handler of in's kind.
func (r Router) Handle(ctx context.Context, in *Inbound) error {
	h, ok := r[in.File.Kind]
	if !ok || h == nil {
		kind := string(in.File.Kind)
		if kind == "" {
			kind = "unknown"
		}
		return claimgate.Errorf(claimgate.Invalid, "claimgate does not import %s files from the mailbox", kind)
	}
	return h(ctx, in)
}
