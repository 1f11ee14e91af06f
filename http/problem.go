package http

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/claimgate/claimgate"
)

// kindStatus is the one table from an error's Kind to its HTTP status.
var kindStatus = map[claimgate.Kind]int{
	claimgate.Invalid:      http.StatusUnprocessableEntity,
	claimgate.NotFound:     http.StatusNotFound,
	claimgate.Conflict:     http.StatusConflict,
	claimgate.Forbidden:    http.StatusForbidden,
	claimgate.Unauthorized: http.StatusUnauthorized,
	claimgate.Internal:     http.StatusInternalServerError,
}

// requestError is a request the server could not read at all (malformed
// JSON, a wrong content type, a body too large): 400-class statuses that no
// domain Kind describes.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &requestError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// Problem is an RFC 9457 problem details object. Errors lists the
// individual problems (every blocking gate item, every invalid field).
type Problem struct {
	Type   string   `json:"type"`
	Title  string   `json:"title"`
	Status int      `json:"status"`
	Detail string   `json:"detail"`
	Errors []string `json:"errors,omitempty"`
}

// problemType is the problem type URI of a status (a URN: claimgate ships
// no pages at a problem URL).
func problemType(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "urn:claimgate:problem:bad_request"
	case http.StatusUnsupportedMediaType:
		return "urn:claimgate:problem:unsupported_media_type"
	case http.StatusRequestEntityTooLarge:
		return "urn:claimgate:problem:too_large"
	case http.StatusMethodNotAllowed:
		return "urn:claimgate:problem:method_not_allowed"
	case http.StatusTooManyRequests:
		return "urn:claimgate:problem:too_many_requests"
	}
	for k, st := range kindStatus {
		if st == status {
			return "urn:claimgate:problem:" + k.String()
		}
	}
	return "about:blank"
}

// problemOf turns an error into problem details. An error without a Kind is
// Internal: its detail is "internal error" and ok is false so the caller
// logs the real error.
func problemOf(err error) (p Problem, internal bool) {
	var re *requestError
	if errors.As(err, &re) {
		return Problem{Type: problemType(re.status), Title: http.StatusText(re.status), Status: re.status, Detail: re.msg}, false
	}
	kind := claimgate.ErrorKind(err)
	status := kindStatus[kind]
	p = Problem{Type: problemType(status), Title: http.StatusText(status), Status: status, Detail: claimgate.ErrorMessage(err)}
	if kind == claimgate.Internal {
		p.Detail = "internal error"
		return p, true
	}
	p.Errors = claimgate.ErrorDetails(err)
	return p, false
}

// problem writes err as application/problem+json.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, err error) {
	p, internal := problemOf(err)
	if internal {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Cookie realm="claimgate", cookie-name="`+sessionCookie+`"`)
	}
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	w.Write(b)
	w.Write([]byte("\n"))
}

// writeJSON writes v with status.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %T: %w", v, err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
	return nil
}

// decode reads exactly one JSON object into v, refusing other content
// types, unknown fields and trailing data, with a message that says where
// the body is wrong.
func decode(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &requestError{http.StatusUnsupportedMediaType, "the body must be JSON: send Content-Type: application/json"}
	}
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := d.Token(); err != io.EOF {
		return badRequest("the body must hold a single JSON object, with nothing after it")
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	var ce *claimgate.Error
	switch {
	case errors.Is(err, io.EOF):
		return badRequest("the body is empty: want a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed JSON: the body ends too early")
	case errors.As(err, &syn):
		return badRequest("malformed JSON at byte %d: %s", syn.Offset, syn.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("the body must be a JSON object, not %s", typ.Value)
		}
		return badRequest("field %s: want %s, got %s", typ.Field, jsonTypeName(typ.Type.Kind().String()), typ.Value)
	case errors.As(err, &tooBig):
		return &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit)}
	case errors.As(err, &ce):
		// A field's own UnmarshalText (a date) said what is wrong.
		return ce
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return badRequest("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return badRequest("malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonTypeName(goKind string) string {
	switch goKind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return goKind
}
