package graph

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SMIRecord is one line of a SMILES file: "SMILES [name]".
type SMIRecord struct {
	Line   int    // 1-based line number
	Column int    // 1-based column where the SMILES starts
	SMILES string // the SMILES text
	Name   string // the rest of the line, trimmed; may be empty
}

// SMIReader reads SMILES files line by line: blank lines and lines starting
// with '#' are skipped; the first whitespace-separated field is the SMILES,
// the rest of the line the name.
type SMIReader struct {
	sc     *bufio.Scanner
	source string
	line   int
}

// maxSMILESLine bounds a line of a SMILES file (bytes).
const maxSMILESLine = 16 << 20

// NewSMIReader returns a reader of r; source names it in errors.
func NewSMIReader(r io.Reader, source string) *SMIReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxSMILESLine)
	return &SMIReader{sc: sc, source: source}
}

// Next returns the next record, or io.EOF.
func (r *SMIReader) Next() (SMIRecord, error) {
	for r.sc.Scan() {
		r.line++
		text := r.sc.Text()
		t := strings.TrimLeft(text, " \t")
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		col := len(text) - len(t) + 1
		end := strings.IndexAny(t, " \t")
		rec := SMIRecord{Line: r.line, Column: col, SMILES: t}
		if end >= 0 {
			rec.SMILES = t[:end]
			rec.Name = strings.TrimSpace(t[end:])
		}
		return rec, nil
	}
	if err := r.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return SMIRecord{}, &ParseError{Source: r.source, Line: r.line + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxSMILESLine), Err: ErrTooLarge}
		}
		return SMIRecord{}, err
	}
	return SMIRecord{}, io.EOF
}

// Parse parses the record's SMILES; errors name the file, line and column.
// The molecule's Name is the record's name.
func (r *SMIReader) Parse(rec SMIRecord) (*Molecule, error) {
	m, err := ParseSMILESWith(rec.SMILES, SMILESOptions{Source: r.source, Line: rec.Line, Column: rec.Column - 1})
	if err != nil {
		return nil, err
	}
	m.Name = rec.Name
	return m, nil
}

// SummarizeSMI reads a SMILES file and calls emit with one Summary per
// record, in order; a record that fails to parse gives a Summary with only
// Name and Error set and the batch goes on. It returns the number of
// failed records and the first I/O error.
func SummarizeSMI(r io.Reader, source string, emit func(Summary) error) (failed int, err error) {
	sr := NewSMIReader(r, source)
	for {
		rec, err := sr.Next()
		if err == io.EOF {
			return failed, nil
		}
		if err != nil {
			return failed, err
		}
		m, perr := sr.Parse(rec)
		var s Summary
		if perr != nil {
			failed++
			name := rec.Name
			if name == "" {
				name = rec.SMILES
			}
			s = Summary{Name: name, Error: perr.Error()}
		} else {
			s = Summarize(m, rec.SMILES)
		}
		if err := emit(s); err != nil {
			return failed, err
		}
	}
}
