// Command npyhead writes the first rows of a float32 .npy file to a new
// float32 .npy file. It made the test copies in datasets/testdata:
//
//	go run ./datasets/internal/npyhead -n 200 \
//	    ../shared/data/particles/test_split_DW4.npy datasets/testdata/test_split_DW4_head200.npy
//	go run ./datasets/internal/npyhead -n 200 \
//	    ../shared/data/particles/test_split_LJ13-1000.npy datasets/testdata/test_split_LJ13-1000_head200.npy
//
// Values are read as float64 (exact for float32 input) and written back as
// float32, so the copied rows are bit-identical to the source.
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"

	"github.com/geosoc/geosoc/datasets"

	"github.com/geosoc/geosoc/internal/fileio"
)

func main() {
	n := flag.Int("n", 200, "number of rows to copy")
	flag.Parse()
	if flag.NArg() != 2 {
		log.Fatal("usage: npyhead [-n rows] in.npy out.npy")
	}
	a, err := datasets.ReadNPYFile(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	if len(a.Shape) != 2 {
		log.Fatalf("npyhead: %s: want a 2-D array, shape %v", flag.Arg(0), a.Shape)
	}
	rows, cols := a.Rows()
	rows = min(rows, *n)
	out, err := os.Create(flag.Arg(1))
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(out)
	if err := writeF4(w, a.Data[:rows*cols], rows, cols); err != nil {
		log.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
}

// writeF4 writes a rows×cols float32 .npy (version 1.0, header padded to a
// multiple of 64 bytes). It fails if a value is not exactly a float32.
func writeF4(w io.Writer, data []float64, rows, cols int) error {
	if _, err := w.Write(fileio.NPYHeader("<f4", rows, cols)); err != nil {
		return err
	}
	var b [4]byte
	for i, v := range data {
		f := float32(v)
		if float64(f) != v {
			return fmt.Errorf("npyhead: value %d (%v) is not a float32", i, v)
		}
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(f))
		if _, err := w.Write(b[:]); err != nil {
			return err
		}
	}
	return nil
}
