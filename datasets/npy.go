package datasets

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"strconv"
)

// ErrNPY is wrapped by every error reporting a malformed or unsupported
// .npy input.
var ErrNPY = errors.New("datasets: invalid or unsupported .npy data")

// Limits that protect ReadNPY from hostile input. They are checked before
// anything is allocated from a size read from the input.
const (
	// MaxNPYHeader is the largest header accepted, in bytes; NumPy itself
	// refuses headers over 10000 bytes by default (numpy.lib.format,
	// max_header_size).
	MaxNPYHeader = 10000
	// MaxNPYElements is the largest number of elements accepted (2 GiB of
	// float64).
	MaxNPYElements = 1 << 28
	// maxNPYDims is the largest number of dimensions accepted (NumPy's
	// own limit, NPY_MAXDIMS, is 64).
	maxNPYDims = 64
	// npyChunk is the number of elements read at a time: memory grows only
	// as data actually arrives, whatever the header claims.
	npyChunk = 1 << 15
)

// Array is a dense array read from a .npy file: its shape and its values in
// row-major (C) order, converted to float64.
type Array struct {
	Shape []int
	Data  []float64
}

// Rows returns Shape[0] and the number of values per row (the product of
// the other dimensions), for a 1-D or higher array; a 1-D array has one
// value per row. It panics for a 0-D array.
func (a *Array) Rows() (n, cols int) {
	if len(a.Shape) == 0 {
		panic("datasets: Rows of a 0-D array")
	}
	cols = 1
	for _, s := range a.Shape[1:] {
		cols *= s
	}
	return a.Shape[0], cols
}

// ReadNPY reads one array in the NumPy .npy format (versions 1.0, 2.0 and
// 3.0; specification: numpy.lib.format, NEP 1) from r, accepting only
// little-endian float32 ('<f4') or float64 ('<f8') data in C order
// (fortran_order False). The header dict is parsed by hand: it must hold
// exactly the keys 'descr', 'fortran_order' and 'shape'. Bytes after the
// data are an error. Errors wrap ErrNPY (or come from r) and name the
// header byte offset where the header is at fault.
func ReadNPY(r io.Reader) (*Array, error) {
	return readNPY(bufio.NewReader(r), "npy input", -1)
}

// ReadNPYFile reads the .npy file at path as ReadNPY does, and checks the
// shape in the header against the file size before allocating.
func ReadNPYFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	return readNPY(bufio.NewReader(f), path, st.Size())
}

func npyErrorf(name, format string, args ...any) error {
	return fmt.Errorf("datasets: %s: %s: %w", name, fmt.Sprintf(format, args...), ErrNPY)
}

// readNPY reads from r; size is the total input size in bytes or −1 if
// unknown.
func readNPY(r io.Reader, name string, size int64) (*Array, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, npyErrorf(name, "reading magic: %v", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, npyErrorf(name, "missing magic string \\x93NUMPY")
	}
	var hlen int
	var lenBytes int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, npyErrorf(name, "reading header length: %v", err)
		}
		hlen, lenBytes = int(binary.LittleEndian.Uint16(b[:])), 2
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, npyErrorf(name, "reading header length: %v", err)
		}
		v := binary.LittleEndian.Uint32(b[:])
		if v > MaxNPYHeader {
			return nil, npyErrorf(name, "header length %d exceeds the limit %d", v, MaxNPYHeader)
		}
		hlen, lenBytes = int(v), 4
	default:
		return nil, npyErrorf(name, "unsupported format version %d.%d", pre[6], pre[7])
	}
	if pre[7] != 0 {
		return nil, npyErrorf(name, "unsupported format version %d.%d", pre[6], pre[7])
	}
	if hlen > MaxNPYHeader {
		return nil, npyErrorf(name, "header length %d exceeds the limit %d", hlen, MaxNPYHeader)
	}
	start := int64(8 + lenBytes + hlen) // offset of the data
	if size >= 0 && start > size {
		return nil, npyErrorf(name, "header length %d runs past the end of the %d-byte file", hlen, size)
	}
	header := make([]byte, hlen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, npyErrorf(name, "reading %d-byte header: %v", hlen, err)
	}
	h, err := parseNPYHeader(header, int(start)-hlen)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", name, err)
	}
	n := 1
	for _, s := range h.shape {
		hi, lo := bits.Mul(uint(n), uint(s))
		if hi != 0 || lo > MaxNPYElements {
			return nil, npyErrorf(name, "shape %v has more than %d elements", h.shape, MaxNPYElements)
		}
		n = int(lo)
	}
	if size >= 0 {
		if want := int64(n) * int64(h.itemSize); size-start != want {
			return nil, npyErrorf(name, "file holds %d data bytes, shape %v of %s needs %d", size-start, h.shape, h.descr, want)
		}
	}
	data := make([]float64, 0, min(n, npyChunk))
	buf := make([]byte, min(n, npyChunk)*h.itemSize)
	for len(data) < n {
		k := min(n-len(data), npyChunk)
		b := buf[:k*h.itemSize]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, npyErrorf(name, "data ends after %d of %d values: %v", len(data), n, err)
		}
		if h.itemSize == 4 {
			for i := 0; i < len(b); i += 4 {
				data = append(data, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))))
			}
		} else {
			for i := 0; i < len(b); i += 8 {
				data = append(data, math.Float64frombits(binary.LittleEndian.Uint64(b[i:])))
			}
		}
	}
	var one [1]byte
	if m, _ := io.ReadFull(r, one[:]); m != 0 {
		return nil, npyErrorf(name, "unexpected bytes after the %d values of shape %v", n, h.shape)
	}
	return &Array{Shape: h.shape, Data: data}, nil
}

// npyHeader is the parsed header dict.
type npyHeader struct {
	descr    string
	itemSize int
	shape    []int
}

// npyParser is a hand-written parser of the Python literal dict of a .npy
// header: {'descr': '<f8', 'fortran_order': False, 'shape': (n, d), },
// padded with spaces and ended by '\n'. off is the offset of the header in
// the input, used in error messages.
type npyParser struct {
	b   []byte
	pos int
	off int
}

func (p *npyParser) errorf(format string, args ...any) error {
	return fmt.Errorf("header byte %d: %s: %w", p.off+p.pos, fmt.Sprintf(format, args...), ErrNPY)
}

func (p *npyParser) space() {
	for p.pos < len(p.b) && (p.b[p.pos] == ' ' || p.b[p.pos] == '\t') {
		p.pos++
	}
}

func (p *npyParser) peek() byte {
	if p.pos < len(p.b) {
		return p.b[p.pos]
	}
	return 0
}

func (p *npyParser) expect(c byte) error {
	p.space()
	if p.peek() != c {
		return p.errorf("want %q, found %s", c, p.found())
	}
	p.pos++
	return nil
}

func (p *npyParser) found() string {
	if p.pos >= len(p.b) {
		return "end of header"
	}
	return strconv.QuoteRune(rune(p.b[p.pos]))
}

// str parses a quoted string without escapes.
func (p *npyParser) str() (string, error) {
	p.space()
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.errorf("want a quoted string, found %s", p.found())
	}
	p.pos++
	start := p.pos
	for p.pos < len(p.b) && p.b[p.pos] != q {
		if c := p.b[p.pos]; c == '\\' || c < ' ' || c > '~' {
			return "", p.errorf("unsupported character %s in string", p.found())
		}
		p.pos++
	}
	if p.pos >= len(p.b) {
		return "", p.errorf("unterminated string")
	}
	s := string(p.b[start:p.pos])
	p.pos++
	return s, nil
}

// word parses an identifier such as True or False.
func (p *npyParser) word() string {
	p.space()
	start := p.pos
	for p.pos < len(p.b) && (p.b[p.pos] >= 'A' && p.b[p.pos] <= 'Z' || p.b[p.pos] >= 'a' && p.b[p.pos] <= 'z') {
		p.pos++
	}
	return string(p.b[start:p.pos])
}

// shape parses a tuple of non-negative integers: (), (n,), (n, d), ….
func (p *npyParser) shape() ([]int, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	shape := []int{}
	for {
		p.space()
		if p.peek() == ')' {
			p.pos++
			return shape, nil
		}
		start := p.pos
		for p.pos < len(p.b) && p.b[p.pos] >= '0' && p.b[p.pos] <= '9' {
			p.pos++
		}
		if p.pos == start {
			return nil, p.errorf("want a non-negative integer in shape, found %s", p.found())
		}
		if p.pos-start > 18 {
			p.pos = start
			return nil, p.errorf("shape dimension too large")
		}
		v, _ := strconv.Atoi(string(p.b[start:p.pos]))
		if len(shape) == maxNPYDims {
			return nil, p.errorf("more than %d dimensions", maxNPYDims)
		}
		shape = append(shape, v)
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
		default:
			return nil, p.errorf("want ',' or ')' in shape, found %s", p.found())
		}
		if len(shape) == 1 && p.b[p.pos-1] != ',' {
			// (n) is an int in Python, not a tuple.
			return nil, p.errorf("a 1-D shape must be written (n,)")
		}
	}
}

func parseNPYHeader(b []byte, off int) (npyHeader, error) {
	p := &npyParser{b: b, off: off}
	var h npyHeader
	if len(b) == 0 || b[len(b)-1] != '\n' {
		p.pos = len(b)
		return h, p.errorf("header does not end with a newline")
	}
	p.b = b[:len(b)-1]
	if err := p.expect('{'); err != nil {
		return h, err
	}
	var seenDescr, seenOrder, seenShape bool
	for {
		p.space()
		if p.peek() == '}' {
			p.pos++
			break
		}
		keyPos := p.pos
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if err := p.expect(':'); err != nil {
			return h, err
		}
		p.space()
		valPos := p.pos
		switch key {
		case "descr":
			if seenDescr {
				p.pos = keyPos
				return h, p.errorf("duplicate key 'descr'")
			}
			seenDescr = true
			d, err := p.str()
			if err != nil {
				return h, err
			}
			switch d {
			case "<f4":
				h.itemSize = 4
			case "<f8":
				h.itemSize = 8
			default:
				p.pos = valPos
				return h, p.errorf("unsupported descr %q: only '<f4' and '<f8' are read", d)
			}
			h.descr = d
		case "fortran_order":
			if seenOrder {
				p.pos = keyPos
				return h, p.errorf("duplicate key 'fortran_order'")
			}
			seenOrder = true
			switch w := p.word(); w {
			case "False":
			case "True":
				p.pos = valPos
				return h, p.errorf("fortran_order True is not supported")
			default:
				p.pos = valPos
				return h, p.errorf("want True or False for fortran_order, found %q", w)
			}
		case "shape":
			if seenShape {
				p.pos = keyPos
				return h, p.errorf("duplicate key 'shape'")
			}
			seenShape = true
			s, err := p.shape()
			if err != nil {
				return h, err
			}
			h.shape = s
		default:
			p.pos = keyPos
			return h, p.errorf("unexpected key %q", key)
		}
		p.space()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return h, p.errorf("want ',' or '}' after a value, found %s", p.found())
		}
	}
	p.space()
	if p.pos != len(p.b) {
		return h, p.errorf("unexpected %s after the header dict", p.found())
	}
	if !seenDescr || !seenOrder || !seenShape {
		p.pos = 0
		return h, p.errorf("header dict lacks one of 'descr', 'fortran_order', 'shape'")
	}
	return h, nil
}
