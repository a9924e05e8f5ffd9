package controlsde

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// writeAtomic writes the file at path through fill: it writes a temporary
// file in the same directory, syncs it and renames it over path, so a
// reader never sees a partial file. On error the temporary file is removed.
func writeAtomic(path string, fill func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = fill(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// WriteCSV writes data, rows of dim values, as CSV to path (atomically):
// an optional header line (len(header) must be dim) and one line per row,
// each value in the shortest form that reads back exactly
// (strconv 'g', −1). It panics if len(data) is not a multiple of dim.
func WriteCSV(path string, data []float64, dim int, header []string) error {
	if dim < 1 || len(data)%dim != 0 {
		panic("controlsde: WriteCSV: data length not a multiple of dim")
	}
	if header != nil && len(header) != dim {
		panic("controlsde: WriteCSV: header length differs from dim")
	}
	return writeAtomic(path, func(w io.Writer) error {
		var buf []byte
		if header != nil {
			if _, err := io.WriteString(w, strings.Join(header, ",")+"\n"); err != nil {
				return err
			}
		}
		for s := 0; s < len(data); s += dim {
			buf = buf[:0]
			for c := 0; c < dim; c++ {
				if c > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendFloat(buf, data[s+c], 'g', -1, 64)
			}
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
}

// npyHeader returns the header of a NumPy .npy file, format version 1.0,
// for a C-ordered little-endian float64 array of the given shape: the magic
// "\x93NUMPY", version bytes 1 0, the header length (uint16 little endian)
// and the header dictionary padded with spaces and ended by '\n' so that
// the data start at a multiple of 64 bytes (the NumPy format
// specification, numpy.lib.format).
func npyHeader(shape []int) []byte {
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = strconv.Itoa(s)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", tuple)
	const pre = 10 // magic (6) + version (2) + length (2)
	total := pre + len(dict) + 1
	pad := (64 - total%64) % 64
	h := make([]byte, 0, total+pad)
	h = append(h, "\x93NUMPY\x01\x00"...)
	h = binary.LittleEndian.AppendUint16(h, uint16(len(dict)+pad+1))
	h = append(h, dict...)
	for range pad {
		h = append(h, ' ')
	}
	return append(h, '\n')
}

// WriteNPY writes data as a NumPy .npy file (version 1.0, dtype '<f8',
// C order) of the given shape to path, atomically. It panics if the product
// of shape differs from len(data) or shape is empty.
func WriteNPY(path string, data []float64, shape ...int) error {
	n := 1
	for _, s := range shape {
		if s < 0 {
			panic("controlsde: WriteNPY: negative dimension")
		}
		n *= s
	}
	if len(shape) == 0 || n != len(data) {
		panic("controlsde: WriteNPY: shape does not match data length")
	}
	return writeAtomic(path, func(w io.Writer) error {
		if _, err := w.Write(npyHeader(shape)); err != nil {
			return err
		}
		var b [8]byte
		for _, v := range data {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
			if _, err := w.Write(b[:]); err != nil {
				return err
			}
		}
		return nil
	})
}
