package graph

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r3"
)

// TestWithoutHydrogens: removing the explicit hydrogens of each RDKit
// conformer gives the graph of its SMILES (same heavy-atom order), with
// the parities and configurations read from 3D carried over.
func TestWithoutHydrogens(t *testing.T) {
	for _, r := range readSDFFile(t, "testdata/conformers.sdf") {
		t.Run(r.Name, func(t *testing.T) {
			smi, _ := r.Prop("SMILES")
			want, err := ParseSMILES(smi)
			require.NoError(t, err)
			h := r.WithoutHydrogens()
			if r.Name == "chloroform-d" {
				// [2H] is an isotope label, kept as an atom.
				assert.Equal(t, len(want.Atoms), len(h.Atoms))
				return
			}
			assertSameMolecule(t, want, h, nil)
			assert.NoError(t, h.CheckStereo(0))
			assert.Equal(t, want.Formula(), h.Formula())
		})
	}
}

func TestConvertFormats(t *testing.T) {
	assert.Equal(t, FormatSDF, FormatFromPath("a/b.SDF"))
	assert.Equal(t, FormatSMILES, FormatFromPath("x.smi"))
	assert.Equal(t, FormatXYZ, FormatFromPath("x.xyz"))
	assert.Equal(t, FormatUnknown, FormatFromPath("x.pdb"))
	_, err := ParseFormat("pdb")
	assert.Error(t, err)

	// SMILES with stereo cannot go to SDF or XYZ without coordinates.
	m, err := ParseSMILES("C[C@H](N)C(=O)O")
	require.NoError(t, err)
	var buf bytes.Buffer
	assert.ErrorIs(t, WriteMolecule(&buf, m, FormatSDF), ErrNoCoordinates)
	assert.ErrorIs(t, WriteMolecule(&buf, m, FormatXYZ), ErrNoCoordinates)
	// Without stereo a 0D MOL block is fine.
	m, err = ParseSMILES("CCO")
	require.NoError(t, err)
	require.NoError(t, WriteMolecule(&buf, m, FormatSDF))

	// SDF -> SMILES -> molecule equals the SDF's SMILES field.
	f, err := os.Open("testdata/conformers.sdf")
	require.NoError(t, err)
	defer f.Close()
	rd, err := NewReader(f, FormatSDF, "conformers.sdf")
	require.NoError(t, err)
	for {
		r, err := rd.Next()
		if err != nil {
			break
		}
		var out bytes.Buffer
		require.NoError(t, WriteMolecule(&out, r, FormatSMILES))
		line := strings.TrimSpace(out.String())
		s, name, _ := strings.Cut(line, " ")
		assert.Equal(t, r.Name, name)
		got, err := ParseSMILES(s)
		require.NoError(t, err)
		smi, _ := r.Prop("SMILES")
		want, _ := ParseSMILES(smi)
		assert.Equal(t, want.Formula(), got.Formula(), r.Name)
		assert.Equal(t, len(want.StereoCenters()), len(got.StereoCenters()), r.Name)
	}
}

// TestSummaryJSON: one JSON object per molecule with the keys of
// "geosoc mol --json"; a bad line gives name and error, and the batch goes
// on.
func TestSummaryJSON(t *testing.T) {
	in := "CC(=O)Oc1ccccc1C(=O)O aspirin\n# comment\n\nC1CC bad ring\nC[C@H](N)C(=O)O L-alanine\n"
	var lines []string
	failed, err := SummarizeAll(strings.NewReader(in), FormatSMILES, "in.smi", func(s Summary) error {
		b, err := json.Marshal(s)
		lines = append(lines, string(b))
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 1, failed)
	require.Len(t, lines, 3)
	assert.Equal(t, `{"name":"aspirin","smiles":"CC(=O)Oc1ccccc1C(=O)O","formula":"C9H8O4","mol_weight":180.159,"heavy_atoms":13,"rings":1,"aromatic_atoms":6,"stereocenters":0,"rotatable_bonds":3}`, lines[0])
	var bad map[string]string
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &bad))
	assert.Equal(t, "bad ring", bad["name"])
	assert.Contains(t, bad["error"], "in.smi:4:2: unclosed ring bond 1")
	assert.Len(t, bad, 2)
	assert.Contains(t, lines[2], `"stereocenters":1`)

	// SDF input: names from titles; a broken record is reported and skipped.
	sdf := waterMol + strings.Replace(waterMol, "  1  2  1  0", "  1  2  7  0", 1)
	var sums []Summary
	failed, err = SummarizeAll(strings.NewReader(sdf), FormatSDF, "w.sdf", func(s Summary) error {
		sums = append(sums, s)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, failed)
	require.Len(t, sums, 2)
	assert.Equal(t, "water", sums[0].Name)
	assert.Equal(t, "H2O", sums[0].Formula)
	assert.Equal(t, "O", sums[0].SMILES)
	assert.Equal(t, "record 2", sums[1].Name)
	assert.Contains(t, sums[1].Error, "w.sdf:22:7: expected bond type")
}

// TestAddHydrogensWithConformer: hydrogens added to a 3D heavy-atom
// structure sit 1 Å from their parent and keep every stereocentre and
// double-bond configuration.
func TestAddHydrogensWithConformer(t *testing.T) {
	for _, r := range readSDFFile(t, "testdata/conformers.sdf") {
		t.Run(r.Name, func(t *testing.T) {
			h := r.WithoutHydrogens()
			n := len(h.Atoms)
			h.AddHydrogens()
			require.Len(t, h.Conformers[0], len(h.Atoms))
			for i := n; i < len(h.Atoms); i++ {
				p := h.Neighbors(i)[0].Atom
				assert.InDelta(t, 1.0, r3.Norm(r3.Sub(h.Conformers[0][i], h.Conformers[0][p])), 1e-12)
			}
			assert.NoError(t, h.CheckStereo(0))
		})
	}
}
