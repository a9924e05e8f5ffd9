package fileio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteNPYLayout(t *testing.T) {
	data := []float64{1, 2.5, -3, math.Pi, 0, 1e-300}
	var b bytes.Buffer
	require.NoError(t, WriteNPY(&b, data, 2))
	out := b.Bytes()
	require.Equal(t, []byte("\x93NUMPY\x01\x00"), out[:8])
	hl := int(binary.LittleEndian.Uint16(out[8:10]))
	require.Equal(t, 0, (10+hl)%64, "data aligned to 64 bytes")
	header := string(out[10 : 10+hl])
	require.Contains(t, header, "'descr': '<f8'")
	require.Contains(t, header, "'shape': (3, 2)")
	require.Equal(t, byte('\n'), header[len(header)-1])
	body := out[10+hl:]
	require.Len(t, body, 8*len(data))
	for i, v := range data {
		require.Equal(t, v, math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:])))
	}
}

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, []string{"x", "y"}, []float64{0.1, -2, 1e-17, 3}, 2))
	require.Equal(t, "x,y\n0.1,-2\n1e-17,3\n", b.String())
	require.Error(t, WriteCSV(&b, nil, []float64{1, 2, 3}, 2))
	require.Error(t, WriteCSV(&b, []string{"a"}, []float64{1, 2}, 2))
}

func TestWriteAtomicLeavesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	boom := errors.New("boom")
	err := WriteAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	require.ErrorIs(t, err, boom)
	got, _ := os.ReadFile(path)
	require.Equal(t, "old", string(got), "destination untouched")
	entries, _ := os.ReadDir(dir)
	require.Len(t, entries, 1, "temporary file removed")

	require.NoError(t, WriteMatrixFile(path, []string{"a"}, []float64{1, 2}, 1))
	got, _ = os.ReadFile(path)
	require.Equal(t, "a\n1\n2\n", string(got))
}
