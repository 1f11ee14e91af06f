// Package claimgate holds the domain of the claimgate revenue-cycle server:
// cases moving through the chain of stages, gates and their exceptions, owned
// work items, events, and the Store that keeps them. It imports no adapter.
package claimgate

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the edge that reports it (HTTP status, exit code).
type Kind uint8

const (
	Internal     Kind = iota // anything unexpected; never shown to a user
	Invalid                  // the request or input is wrong
	NotFound                 // the thing named does not exist
	Conflict                 // the request clashes with the current state (stale move, duplicate)
	Forbidden                // the caller may not do this
	Unauthorized             // the caller is not logged in
)

var kindNames = [...]string{"internal", "invalid", "not_found", "conflict", "forbidden", "unauthorized"}

// String returns the kind's snake_case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Error is a domain error whose Msg is safe to show a user. Details lists the
// individual problems (every failing gate item, every invalid field) when
// there are several. Msg never carries PHI or raw causes.
type Error struct {
	Kind    Kind
	Msg     string
	Details []string
}

func (e *Error) Error() string { return e.Msg }

// Errorf returns an *Error of kind k.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the Kind of the first *Error in err's chain, or Internal.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// ErrorMessage returns the user-safe message of err: the Msg of its *Error,
// or "internal error".
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg
	}
	return "internal error"
}

// ErrorDetails returns the Details of the first *Error in err's chain.
func ErrorDetails(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}
