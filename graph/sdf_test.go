package graph

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readSDFFile(t testing.TB, path string) []*Molecule {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	ms, err := ReadSDF(f, path)
	require.NoError(t, err)
	return ms
}

// coordTol: SDF coordinates carry 4 decimals, so a written and re-read
// coordinate differs by at most half a unit in the last place.
const coordTol = 0.5e-4 + 1e-12

// TestSDFMatchesSMILES: each RDKit-embedded record (testdata/conformers.sdf,
// scripts/graph_reference.py) has the graph of its SMILES data field with
// hydrogens added (RDKit and geosoc both append hydrogens in atom order),
// and its 3D coordinates realise the SMILES stereo: an independent check
// of the @/@@ and / \ conventions and of the signed-volume rule.
func TestSDFMatchesSMILES(t *testing.T) {
	recs := readSDFFile(t, "testdata/conformers.sdf")
	require.Len(t, recs, 45)
	for i, r := range recs {
		t.Run(fmt.Sprintf("%d_%s", i+1, r.Name), func(t *testing.T) {
			smi, ok := r.Prop("SMILES")
			require.True(t, ok)
			m, err := ParseSMILES(smi)
			require.NoError(t, err)
			m.AddHydrogens()
			require.Equal(t, len(m.Atoms), len(r.Atoms))
			for k := range m.Atoms {
				require.Equal(t, m.Atoms[k].Element, r.Atoms[k].Element, "atom %d", k)
				assert.Equal(t, m.Atoms[k].Charge, r.Atoms[k].Charge, "atom %d", k)
				assert.Equal(t, m.Atoms[k].Aromatic, r.Atoms[k].Aromatic, "aromatic %d", k)
			}
			assert.Equal(t, m.Formula(), r.Formula())
			assert.Equal(t, len(m.StereoCenters()), len(r.StereoCenters()), "stereocentres from 3D")
			m.Conformers = r.Conformers
			assert.NoError(t, m.CheckStereo(0))
			// The 3D-derived parities agree with the SMILES ones.
			assertSameMolecule(t, m, r, nil)
		})
	}
}

// TestSDFRoundTrip: read → write → read gives the same graph, coordinates
// (to 4 decimals) and data fields, for every record.
func TestSDFRoundTrip(t *testing.T) {
	recs := readSDFFile(t, "testdata/conformers.sdf")
	var buf bytes.Buffer
	for _, r := range recs {
		require.NoError(t, WriteSDF(&buf, r))
	}
	golden(t, "testdata/geosoc_written.sdf", buf.String())
	back, err := ReadSDF(bytes.NewReader(buf.Bytes()), "roundtrip")
	require.NoError(t, err)
	require.Len(t, back, len(recs))
	for i := range recs {
		a, b := recs[i], back[i]
		assert.Equal(t, a.Name, b.Name)
		assert.Equal(t, a.Props, b.Props)
		assertSameMolecule(t, a, b, nil)
		for k := range a.Conformers[0] {
			p, q := a.Conformers[0][k], b.Conformers[0][k]
			assert.InDelta(t, p.X, q.X, coordTol)
			assert.InDelta(t, p.Y, q.Y, coordTol)
			assert.InDelta(t, p.Z, q.Z, coordTol)
		}
	}
}

// TestSDFV3000: the V3000 records written by RDKit give the same molecules
// as the first V2000 record of each name; geosoc's V3000 writer (used above
// 999 atoms) round-trips.
func TestSDFV3000(t *testing.T) {
	v2 := GroupConformers(readSDFFile(t, "testdata/conformers.sdf"))
	v3 := readSDFFile(t, "testdata/conformers_v3000.sdf")
	require.Len(t, v3, len(v2))
	for i := range v2 {
		assert.Equal(t, v2[i].Name, v3[i].Name)
		assertSameMolecule(t, v2[i], v3[i], nil)
		for k := range v3[i].Conformers[0] {
			assert.InDelta(t, v2[i].Conformers[0][k].X, v3[i].Conformers[0][k].X, 1e-4)
		}
	}
	// A 1200-atom chain with charges and isotopes forces V3000 output.
	big, err := ParseSMILES("[13CH3]" + strings.Repeat("C", 398) + "[NH3+]")
	require.NoError(t, err)
	big.AddHydrogens()
	require.Greater(t, len(big.Atoms), 999)
	var buf bytes.Buffer
	require.NoError(t, WriteSDF(&buf, big))
	assert.Contains(t, buf.String(), "V3000")
	back, err := ReadSDF(&buf, "big")
	require.NoError(t, err)
	require.Len(t, back, 1)
	assertSameMolecule(t, big, back[0], nil)
}

func TestGroupConformers(t *testing.T) {
	g := GroupConformers(readSDFFile(t, "testdata/conformers.sdf"))
	require.Len(t, g, 38)
	n := map[string]int{}
	for _, m := range g {
		n[m.Name] = len(m.Conformers)
	}
	assert.Equal(t, 2, n["S-ibuprofen"])
	assert.Equal(t, 2, n["menthol"])
	assert.Equal(t, 1, n["aspirin"])
}

const waterMol = `water
  test

  3  2  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.1173 O   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.7572   -0.4692 H   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000   -0.7572   -0.4692 H   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  1  3  1  0
M  END
> <energy>
-76.4

$$$$
`

func TestSDFErrors(t *testing.T) {
	lines := strings.Split(waterMol, "\n")
	edit := func(i int, s string) string {
		l := append([]string(nil), lines...)
		l[i] = s
		return strings.Join(l, "\n")
	}
	tests := []struct {
		name, in string
		line     int
		msg      string
		kind     error
	}{
		{"short", "a\nb\n", 3, "expected a 3-line header", ErrSyntax},
		{"counts", edit(3, "  x  2  0  0  0  0  0  0  0  0999 V2000"), 4, "expected an integer atom count", ErrSyntax},
		{"version", edit(3, "  3  2  0  0  0  0  0  0  0  0999 V9000"), 4, "expected version", ErrSyntax},
		// V2000 counts have 3 digits; a fused 10^7 fails the version check.
		{"fused", edit(3, "10000000  0  0  0  0  0  0  0  0999 V2000"), 4, "expected version", ErrSyntax},
		// 999 atoms declared, 13 lines present: rejected before allocating.
		{"truncated", edit(3, "999999  0  0  0  0  0  0  0  0999 V2000"), 14, "has only", ErrSyntax},
		{"coord", edit(4, "    0.0000    abc       0.1173 O   0  0  0  0  0  0  0  0  0  0  0  0"), 5, "expected a coordinate", ErrSyntax},
		{"element", edit(5, "    0.0000    0.7572   -0.4692 Xq  0  0  0  0  0  0  0  0  0  0  0  0"), 6, "expected an element symbol", ErrSyntax},
		{"charge", edit(4, "    0.0000    0.0000    0.1173 O   0  9  0  0  0  0  0  0  0  0  0  0"), 5, "charge code", ErrSyntax},
		{"bondatom", edit(7, "  1  9  1  0"), 8, "expected bond atom numbers", ErrSyntax},
		{"bondtype", edit(7, "  1  2  9  0"), 8, "expected bond type", ErrSyntax},
		{"selfbond", edit(7, "  1  1  1  0"), 8, "to itself", ErrSyntax},
		{"dupbond", edit(8, "  2  1  1  0"), 9, "duplicate bond", ErrSyntax},
		{"chg", edit(9, "M  CHG  2   1  -1\nM  END"), 10, "entry count", ErrSyntax},
		// V2000 without M  END, like V3000: at the data items, or at the
		// end of the record (truncated after the bond block).
		{"noend-data", edit(9, "M  CHG  1   1   0"), 11, "expected \"M  END\"", ErrSyntax},
		{"noend-eof", strings.Join(lines[:9], "\n") + "\n", 10, "expected \"M  END\"", ErrSyntax},
		{"noend-dollars", strings.Join(lines[:9], "\n") + "\n$$$$\n", 10, "expected \"M  END\"", ErrSyntax},
		{"v3000counts", "t\n\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 10000000 0 0 0 0\n", 6, "COUNTS declares", ErrTooLarge},
		{"v3000short", "t\n\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 900000 0 0 0 0\n", 7, "has only", ErrSyntax},
		{"v3000atom", "t\n\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 1 0 0 0 0\nM  V30 BEGIN ATOM\nM  V30 1 C x 0 0 0\n", 8, "expected a coordinate", ErrSyntax},
		{"v3000end", "t\n\n\n  0  0  0     0  0            999 V3000\nM  V30 BEGIN CTAB\nM  V30 COUNTS 1 0 0 0 0\nM  V30 BEGIN ATOM\nM  V30 1 C 0 0 0 0\nM  V30 END ATOM\nM  V30 END CTAB\n", 11, "expected \"M  END\"", ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadSDF(strings.NewReader(tc.in), "test.sdf")
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%T %v", err, err)
			assert.True(t, errors.Is(err, tc.kind), "%v", err)
			assert.Equal(t, tc.line, pe.Line, err.Error())
			assert.Contains(t, pe.Msg, tc.msg)
			assert.Contains(t, err.Error(), "test.sdf:")
		})
	}
}

// TestSDFReaderResumes: a bad record does not stop the next one.
func TestSDFReaderResumes(t *testing.T) {
	bad := strings.Replace(waterMol, "  1  2  1  0", "  1  2  7  0", 1)
	r := NewSDFReader(strings.NewReader(waterMol+bad+waterMol), "three.sdf")
	m, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, "H2O", m.Formula())
	v, _ := m.Prop("energy")
	assert.Equal(t, "-76.4", v)
	_, err = r.Next()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "three.sdf:22:7:")
	m, err = r.Next()
	require.NoError(t, err)
	assert.Equal(t, "water", m.Name)
	_, err = r.Next()
	assert.Equal(t, "EOF", fmt.Sprint(err))
}

func TestSDFChargesIsotopes(t *testing.T) {
	m, err := ParseSMILES("[13CH3][NH3+].[O-]C(=O)[2H]")
	require.NoError(t, err)
	m.AddHydrogens()
	var buf bytes.Buffer
	require.NoError(t, WriteSDF(&buf, m))
	s := buf.String()
	assert.Contains(t, s, "M  CHG  2")
	assert.Contains(t, s, "M  ISO  2")
	back, err := ReadSDF(&buf, "x")
	require.NoError(t, err)
	assertSameMolecule(t, m, back[0], nil)
	assert.InDelta(t, m.MolWeight(), back[0].MolWeight(), 1e-9)
	assert.False(t, math.IsNaN(back[0].MolWeight()))
}

// TestSDF2DWedges: RDKit 2D depictions with wedge/hash bonds
// (testdata/stereo_2d.sdf, every test molecule with stereo) give the
// parities and double-bond configurations of their SMILES.
func TestSDF2DWedges(t *testing.T) {
	recs := readSDFFile(t, "testdata/stereo_2d.sdf")
	require.Len(t, recs, 89)
	for _, r := range recs {
		t.Run(r.Name, func(t *testing.T) {
			smi, _ := r.Prop("SMILES")
			want, err := ParseSMILES(smi)
			require.NoError(t, err)
			assertSameMolecule(t, want, r, nil)
		})
	}
}

// TestSDF2DRoundTrip: writing a 2D depiction chooses wedges that read back
// to the same parities (geosoc's own wedges, not RDKit's); RDKit reads them
// too (scripts/graph_reference.py --check testdata/geosoc_written_2d.sdf).
func TestSDF2DRoundTrip(t *testing.T) {
	recs := readSDFFile(t, "testdata/stereo_2d.sdf")
	var buf bytes.Buffer
	for _, r := range recs {
		require.NoError(t, WriteSDF(&buf, r))
	}
	golden(t, "testdata/geosoc_written_2d.sdf", buf.String())
	back, err := ReadSDF(&buf, "2d")
	require.NoError(t, err)
	require.Len(t, back, len(recs))
	for i := range recs {
		t.Run(recs[i].Name, func(t *testing.T) {
			assertSameMolecule(t, recs[i], back[i], nil)
		})
	}
}

// TestSDFRecordLimit: a record longer than the reader's line or byte limit
// is rejected with ErrTooLarge at the line where the limit was passed (it
// used to be buffered whole), and reading resumes at the next record.
func TestSDFRecordLimit(t *testing.T) {
	water := "water\n  test\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n$$$$\n"
	big := "big\n\n\n" + strings.Repeat("junk\n", 50) + "$$$$\n"
	for _, tc := range []struct {
		name               string
		maxLines, maxBytes int
		line               int
	}{
		{"lines", 20, 1 << 20, 21},
		{"bytes", 1000, 200, 42}, // 4+1+1 bytes, then 5 per line: line 42 reaches 201
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewSDFReader(strings.NewReader(big+water), "big.sdf")
			r.maxLines, r.maxBytes = tc.maxLines, tc.maxBytes
			_, err := r.Next()
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, ErrTooLarge)
			assert.Equal(t, tc.line, pe.Line)
			m, err := r.Next()
			require.NoError(t, err)
			assert.Equal(t, "water", m.Name)
			_, err = r.Next()
			assert.Equal(t, io.EOF, err)
		})
	}
	assert.Greater(t, MaxRecordLines, MaxAtoms+MaxBonds)
}
