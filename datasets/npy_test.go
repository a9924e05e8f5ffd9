package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodeNPY builds a .npy byte stream of the given version from a header
// dict (padded with spaces and '\n' to a multiple of 64 bytes) and payload.
func encodeNPY(major byte, dict string, payload []byte) []byte {
	lenBytes := 2
	if major >= 2 {
		lenBytes = 4
	}
	pre := 8 + lenBytes
	pad := (64 - (pre+len(dict)+1)%64) % 64
	header := dict + strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(major)
	b.WriteByte(0)
	if lenBytes == 2 {
		binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(header)))
	}
	b.WriteString(header)
	b.Write(payload)
	return b.Bytes()
}

func f8(vs ...float64) []byte {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return b
}

func f4(vs ...float32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func TestReadNPYValid(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    []byte
		shape []int
		data  []float64
	}{
		{"f8 2×3", encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f8(1, 2, 3, 4, 5, -6.5)),
			[]int{2, 3}, []float64{1, 2, 3, 4, 5, -6.5}},
		{"f4 2×2", encodeNPY(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", f4(0.1, 2, -3, 1e30)),
			[]int{2, 2}, []float64{float64(float32(0.1)), 2, -3, float64(float32(1e30))}},
		{"1-D", encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", f8(1, 2, 3)),
			[]int{3}, []float64{1, 2, 3}},
		{"0-D", encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f8(7)),
			[]int{}, []float64{7}},
		{"empty", encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", nil),
			[]int{0, 3}, []float64{}},
		{"version 2, keys reordered, double quotes, no trailing comma", encodeNPY(2, `{"shape": (1, 2), "fortran_order": False, "descr": "<f8"}`, f8(1, 2)),
			[]int{1, 2}, []float64{1, 2}},
		{"version 3", encodeNPY(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", f4(5)),
			[]int{1}, []float64{5}},
		{"NaN and Inf", encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8(math.Inf(-1), 0)),
			[]int{2}, []float64{math.Inf(-1), 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := ReadNPY(bytes.NewReader(c.in))
			require.NoError(t, err)
			assert.Equal(t, c.shape, a.Shape)
			assert.Equal(t, c.data, a.Data)
		})
	}
}

func TestReadNPYInvalid(t *testing.T) {
	good := "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
	hdr := func(dict string) []byte { return encodeNPY(1, dict, f8(1, 2)) }
	hugeV2 := []byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f{")
	for _, c := range []struct {
		name string
		in   []byte
		msg  string // part of the expected error message
	}{
		{"empty input", nil, "reading magic"},
		{"bad magic", append([]byte("\x93NUMPX\x01\x00"), hdr(good)[8:]...), "magic"},
		{"version 4", append([]byte("\x93NUMPY\x04\x00"), hdr(good)[8:]...), "version 4.0"},
		{"minor version", append([]byte("\x93NUMPY\x01\x01"), hdr(good)[8:]...), "version 1.1"},
		{"hostile header length", hugeV2, "exceeds the limit"},
		{"big endian", hdr("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }"), "unsupported descr \">f8\""},
		{"integers", hdr("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }"), "unsupported descr"},
		{"fortran order", hdr("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }"), "fortran_order True"},
		{"bad bool", hdr("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }"), "True or False"},
		{"missing key", hdr("{'descr': '<f8', 'shape': (2,), }"), "lacks"},
		{"duplicate key", hdr("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"), "duplicate key 'descr'"},
		{"unknown key", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}"), "unexpected key \"x\""},
		{"int not tuple", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (2), }"), "(n,)"},
		{"negative dim", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }"), "non-negative integer"},
		{"huge dim", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000000000000,), }"), "too large"},
		{"overflowing shape", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (999999999999999999, 999999999999999999), }"), "more than"},
		{"too many elements", hdr("{'descr': '<f8', 'fortran_order': False, 'shape': (268435457,), }"), "more than 268435456"},
		{"unterminated string", hdr("{'descr': '<f8"), "unterminated"},
		{"no newline", []byte("\x93NUMPY\x01\x00\x03\x00{} "), "newline"},
		{"junk after dict", hdr(good + " x"), "after the header dict"},
		{"truncated header", []byte("\x93NUMPY\x01\x00\x40\x00{'descr'"), "reading 64-byte header"},
		{"truncated data", encodeNPY(1, good, f8(1)), "data ends after 0 of 2 values"},
		{"trailing data", encodeNPY(1, good, f8(1, 2, 3)), "unexpected bytes after"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadNPY(bytes.NewReader(c.in))
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrNPY), "error %v should wrap ErrNPY", err)
			assert.Contains(t, err.Error(), c.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "datasets: npy input: "), err.Error())
		})
	}
}

// TestReadNPYErrorPosition checks that a header error names the byte offset
// in the input.
func TestReadNPYErrorPosition(t *testing.T) {
	in := encodeNPY(1, "{'descr': '<f8', 'fortran_order': Nope, 'shape': (2,), }", f8(1, 2))
	_, err := ReadNPY(bytes.NewReader(in))
	require.Error(t, err)
	want := bytes.Index(in, []byte("Nope"))
	assert.Contains(t, err.Error(), "header byte "+itoa(want)+":")
}

// TestReadNPYHostileShapeAllocation checks that a header claiming a large
// array over a short body allocates in proportion to the data, not to the
// shape: (100000000, 2) float64 would be 1.6 GB.
func TestReadNPYHostileShapeAllocation(t *testing.T) {
	in := encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000, 2), }", f8(1, 2, 3))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadNPY(bytes.NewReader(in))
	runtime.ReadMemStats(&after)
	require.Error(t, err)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20))
}

func TestReadNPYFile(t *testing.T) {
	dir := t.TempDir()
	good := encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f8(1, 2, 3, 4))
	p := filepath.Join(dir, "good.npy")
	require.NoError(t, os.WriteFile(p, good, 0o600))
	a, err := ReadNPYFile(p)
	require.NoError(t, err)
	n, cols := a.Rows()
	assert.Equal(t, 2, n)
	assert.Equal(t, 2, cols)

	// A shape that does not match the file size is rejected from the
	// file size, before reading the data.
	bad := encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 2), }", f8(1, 2, 3, 4))
	p = filepath.Join(dir, "bad.npy")
	require.NoError(t, os.WriteFile(p, bad, 0o600))
	_, err = ReadNPYFile(p)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrNPY))
	assert.Contains(t, err.Error(), p)
	assert.Contains(t, err.Error(), "file holds 32 data bytes")

	_, err = ReadNPYFile(filepath.Join(dir, "absent.npy"))
	require.Error(t, err)
	assert.True(t, errors.Is(err, os.ErrNotExist))
}

// FuzzReadNPY checks that ReadNPY never panics, that every error wraps
// ErrNPY, and that an accepted array has as many values as its shape says.
// Seed corpus: testdata/fuzz/FuzzReadNPY plus the cases below.
func FuzzReadNPY(f *testing.F) {
	f.Add(encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", f8(1, 2, 3, 4, 5, 6)))
	f.Add(encodeNPY(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f4(1, 2, 3)))
	f.Add(encodeNPY(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f8(1)))
	f.Add(encodeNPY(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000000, 8), }", f8(1)))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := ReadNPY(bytes.NewReader(in))
		if err != nil {
			if !errors.Is(err, ErrNPY) {
				t.Fatalf("error %v does not wrap ErrNPY", err)
			}
			return
		}
		n := 1
		for _, s := range a.Shape {
			n *= s
		}
		if n != len(a.Data) {
			t.Fatalf("shape %v but %d values", a.Shape, len(a.Data))
		}
	})
}
