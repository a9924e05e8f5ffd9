// Package fileio writes result files atomically: into a temporary file in
// the destination's folder, then renamed over the destination, so a failed
// or interrupted write never leaves a half-written file behind.
package fileio

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

// WriteAtomic creates path by calling write on a buffered temporary file in
// the same folder and renaming it to path once write and the flush
// succeed. On any error the temporary file is removed and path is left
// untouched.
func WriteAtomic(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// WriteCSV writes an n×d row-major matrix as CSV with the given header
// (which may be nil), numbers in the shortest form that reads back exactly.
func WriteCSV(w io.Writer, header []string, data []float64, d int) error {
	if d <= 0 || len(data)%d != 0 {
		return fmt.Errorf("fileio: %d values do not form rows of %d", len(data), d)
	}
	if header != nil {
		if len(header) != d {
			return fmt.Errorf("fileio: header has %d names for %d columns", len(header), d)
		}
		if _, err := io.WriteString(w, strings.Join(header, ",")+"\n"); err != nil {
			return err
		}
	}
	buf := make([]byte, 0, 32*d)
	for i := 0; i < len(data); i += d {
		buf = buf[:0]
		for j := 0; j < d; j++ {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendFloat(buf, data[i+j], 'g', -1, 64)
		}
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// WriteNPY writes an n×d row-major matrix of float64 in the NumPy .npy
// format version 1.0: the magic "\x93NUMPY", version bytes 1 0, a
// little-endian uint16 header length, an ASCII dict
// {'descr': '<f8', 'fortran_order': False, 'shape': (n, d), } padded with
// spaces and a newline so that the data starts at a multiple of 64 bytes,
// then the values little-endian. Format specification:
// numpy.lib.format (NEP 1).
func WriteNPY(w io.Writer, data []float64, d int) error {
	if d <= 0 || len(data)%d != 0 {
		return fmt.Errorf("fileio: %d values do not form rows of %d", len(data), d)
	}
	if _, err := w.Write(NPYHeader("<f8", len(data)/d, d)); err != nil {
		return err
	}
	buf := make([]byte, 8*1024)
	for i := 0; i < len(data); {
		k := 0
		for ; k < len(buf) && i < len(data); k, i = k+8, i+1 {
			binary.LittleEndian.PutUint64(buf[k:], math.Float64bits(data[i]))
		}
		if _, err := w.Write(buf[:k]); err != nil {
			return err
		}
	}
	return nil
}

// NPYHeader returns the .npy version 1.0 header of a C-ordered rows×cols
// matrix with the given dtype descr (such as "<f8" or "<f4"): the magic,
// the version, the little-endian header length and the dict padded with
// spaces and a newline so that the data starts at a multiple of 64 bytes.
func NPYHeader(descr string, rows, cols int) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr, rows, cols)
	const preamble = 10 // magic (6) + version (2) + header length (2)
	pad := (64 - (preamble+len(dict)+1)%64) % 64
	header := dict + strings.Repeat(" ", pad) + "\n"
	out := append([]byte{0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0}, header...)
	binary.LittleEndian.PutUint16(out[8:], uint16(len(header)))
	return out
}

// WriteMatrixFile writes an n×d matrix to path atomically, as .npy if the
// name ends in ".npy" and as CSV (with the header) otherwise.
func WriteMatrixFile(path string, header []string, data []float64, d int) error {
	if strings.HasSuffix(strings.ToLower(path), ".npy") {
		return WriteAtomic(path, func(w io.Writer) error { return WriteNPY(w, data, d) })
	}
	return WriteAtomic(path, func(w io.Writer) error { return WriteCSV(w, header, data, d) })
}
