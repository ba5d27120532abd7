// Package apperr defines the kinds of failure the domain reports and the
// user-safe messages that travel with them. The HTTP layer maps a kind to a
// status code in exactly one place; nothing below it chooses statuses.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// The kinds, from "the client sent something wrong" to "we are down".
const (
	Internal     Kind = iota // a bug or an unexpected failure; its text is never shown
	BadRequest               // the request itself is malformed (bad parameter, bad JSON)
	Invalid                  // well-formed, but breaks a domain rule
	NotFound                 // the thing named does not exist
	Conflict                 // the change clashes with the current state
	Unauthorized             // no credentials, or credentials that do not verify
	Forbidden                // credentials verify but do not allow this
	Precondition             // a conditional request's precondition failed
	TooLarge                 // the request body or a requested amount is too large
	Unavailable              // a dependency (the database) is unavailable
	// PreconditionRequired: the server requires a conditional request
	// (If-Match) and none was sent.
	PreconditionRequired
)

var kindNames = [...]string{"internal", "bad_request", "invalid", "not_found", "conflict",
	"unauthorized", "forbidden", "precondition_failed", "too_large", "unavailable", "precondition_required"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// FieldError names one offending input field or parameter.
type FieldError struct {
	Field   string
	Message string
}

// Error is an error with a kind and a message that is safe to show to a client.
// Err, when set, is the underlying cause, kept for logs and errors.Is/As.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind with a user-safe message.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind that keeps err as its cause.
// The message is shown to clients; err is not.
func Wrap(err error, kind Kind, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// Field returns an error of the given kind that names one field.
func Field(kind Kind, field, message string) *Error {
	return &Error{Kind: kind, Message: field + ": " + message, Fields: []FieldError{{field, message}}}
}

// Invalidf returns an Invalid error naming one field.
func Invalidf(field, format string, args ...any) *Error {
	return Field(Invalid, field, fmt.Sprintf(format, args...))
}

// BadParam returns a BadRequest error naming one query parameter.
func BadParam(param, format string, args ...any) *Error {
	return Field(BadRequest, param, fmt.Sprintf(format, args...))
}

// NotFoundf returns a NotFound error.
func NotFoundf(format string, args ...any) *Error { return New(NotFound, format, args...) }

// Fields collects field errors; Err returns nil when none were added, so a
// validator can report every broken rule at once.
type Fields struct {
	Kind Kind
	list []FieldError
}

// Add records a field error.
func (f *Fields) Add(field, format string, args ...any) {
	f.list = append(f.list, FieldError{field, fmt.Sprintf(format, args...)})
}

// Err returns the collected errors as one *Error, or nil.
func (f *Fields) Err() error {
	if len(f.list) == 0 {
		return nil
	}
	kind := f.Kind
	if kind == Internal {
		kind = Invalid
	}
	msg := f.list[0].Field + ": " + f.list[0].Message
	if len(f.list) > 1 {
		msg = fmt.Sprintf("%s (and %d more)", msg, len(f.list)-1)
	}
	return &Error{Kind: kind, Message: msg, Fields: f.list}
}

// KindOf reports the kind of err: the kind of the first *Error in its chain,
// or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err has the given kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }
