package graph

import (
	"errors"
	"fmt"
)

// ErrSyntax is wrapped by every ParseError; test with errors.Is.
var ErrSyntax = errors.New("syntax error")

// ErrTooLarge is returned when an input declares more atoms or bonds than
// MaxAtoms / MaxBonds; it is detected before any memory is allocated for them.
var ErrTooLarge = errors.New("molecule too large")

// ErrChemistry is wrapped by errors about valid syntax describing impossible
// chemistry (an aromatic system that cannot be kekulised, a bad valence).
var ErrChemistry = errors.New("chemistry error")

// Limits on declared sizes accepted by the readers.
const (
	MaxAtoms = 1_000_000
	MaxBonds = 2_000_000
)

// ParseError reports malformed input: where it is (Source, 1-based Line and
// Column; Column 0 means the whole line) and what was expected.
type ParseError struct {
	Source string // "smiles", a file name, or a record title
	Line   int
	Column int
	Msg    string
	Err    error // ErrSyntax, ErrTooLarge or ErrChemistry

	atom int // offending atom for chemistry errors, set by kekulize
}

func (e *ParseError) Error() string {
	src := e.Source
	if src == "" {
		src = "input"
	}
	if e.Column > 0 {
		return fmt.Sprintf("graph: %s:%d:%d: %s", src, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("graph: %s:%d: %s", src, e.Line, e.Msg)
}

func (e *ParseError) Unwrap() error {
	if e.Err == nil {
		return ErrSyntax
	}
	return e.Err
}
