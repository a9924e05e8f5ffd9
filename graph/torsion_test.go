package graph

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r3"
)

func TestRotatableBonds(t *testing.T) {
	tests := []struct {
		smiles string
		want   int
		why    string
	}{
		{"CC", 0, "both ends terminal (a methyl rotor moves only H)"},
		{"CCCC", 1, "central C-C only"},
		{"CC(=O)NC", 0, "amide C-N is not free; C-C(=O) and N-C are terminal"},
		{"CCC(=O)NCC", 2, "two C-C, amide excluded"},
		{"C=CC=C", 1, "the central single bond of butadiene"},
		{"CC#CC", 0, "bonds next to a triple bond are linear"},
		{"c1ccccc1-c1ccccc1", 1, "biphenyl link"},
		{"C1CCCCC1", 0, "ring bonds"},
		{"CC(C)(C)c1ccccc1", 1, "tert-butyl to ring"},
		{"OCCO", 1, "central C-C; C-OH is terminal"},
		{"CC(=O)OC", 1, "ester C(=O)-O is free"},
	}
	for _, tc := range tests {
		t.Run(tc.smiles, func(t *testing.T) {
			m, err := ParseSMILES(tc.smiles)
			require.NoError(t, err)
			assert.Len(t, m.RotatableBonds(), tc.want, tc.why)
			// Hydrogens do not change the count.
			m.AddHydrogens()
			assert.Len(t, m.RotatableBonds(), tc.want, "with explicit H")
		})
	}
}

// TestTorsionRotate: rotating a torsion changes its dihedral by exactly
// the angle, keeps every bond length, and moves only the smaller side.
func TestTorsionRotate(t *testing.T) {
	recs := GroupConformers(readSDFFile(t, "testdata/conformers.sdf"))
	const tol = 1e-9 // round-off of Rodrigues' rotation on Å-scale coordinates
	for _, m := range recs {
		t.Run(m.Name, func(t *testing.T) {
			for _, tor := range m.Torsions() {
				conf := append([]r3.Vec(nil), m.Conformers[0]...)
				before := Dihedral(conf[tor.A], conf[tor.B], conf[tor.C], conf[tor.D])
				tor.Rotate(conf, 1.0)
				after := Dihedral(conf[tor.A], conf[tor.B], conf[tor.C], conf[tor.D])
				assert.InDelta(t, 0, math.Remainder(after-before-1.0, 2*math.Pi), tol)
				for _, b := range m.Bonds {
					l0 := r3.Norm(r3.Sub(m.Conformers[0][b.Begin], m.Conformers[0][b.End]))
					l1 := r3.Norm(r3.Sub(conf[b.Begin], conf[b.End]))
					assert.InDelta(t, l0, l1, tol)
				}
				assert.LessOrEqual(t, 2*len(tor.Moving), len(m.Atoms)+1)
				tor.SetDihedral(conf, 0.25)
				assert.InDelta(t, 0.25, Dihedral(conf[tor.A], conf[tor.B], conf[tor.C], conf[tor.D]), tol)
				moving := map[int]bool{}
				for _, i := range tor.Moving {
					moving[i] = true
				}
				assert.NotEqual(t, moving[tor.B], moving[tor.C], "exactly one end moves")
				for i := range conf {
					if !moving[i] {
						assert.Equal(t, m.Conformers[0][i], conf[i], "fixed side atom %d moved", i)
					}
				}
			}
		})
	}
}

func TestNeighborSets(t *testing.T) {
	m, err := ParseSMILES("CCCCC") // pentane, heavy atoms only
	require.NoError(t, err)
	p12, p13, p14 := m.NeighborSets()
	assert.Equal(t, []Pair{{0, 1}, {1, 2}, {2, 3}, {3, 4}}, p12)
	assert.Equal(t, []Pair{{0, 2}, {1, 3}, {2, 4}}, p13)
	assert.Equal(t, []Pair{{0, 3}, {1, 4}}, p14)
	// Cyclobutane: 1-3 pairs across the ring, no 1-4 pairs.
	m, err = ParseSMILES("C1CCC1")
	require.NoError(t, err)
	p12, p13, p14 = m.NeighborSets()
	assert.Len(t, p12, 4)
	assert.Len(t, p13, 2)
	assert.Empty(t, p14)
}

func TestDihedral(t *testing.T) {
	// Eclipsed (0), trans (π) and +90° geometries built by hand.
	b, c := r3.Vec{}, r3.Vec{X: 1}
	a := r3.Vec{Y: 1}
	assert.InDelta(t, 0, Dihedral(a, b, c, r3.Vec{X: 1, Y: 1}), 1e-15)
	assert.InDelta(t, math.Pi, math.Abs(Dihedral(a, b, c, r3.Vec{X: 1, Y: -1})), 1e-15)
	// Looking from b along +x with +z up, +y points left: a sits at 9
	// o'clock, d at 12 o'clock, so the front bond turns clockwise by 90° to
	// eclipse the rear one: +90° in the IUPAC convention.
	assert.InDelta(t, math.Pi/2, Dihedral(a, b, c, r3.Vec{X: 1, Z: 1}), 1e-15)
	assert.InDelta(t, -math.Pi/2, Dihedral(a, b, c, r3.Vec{X: 1, Z: -1}), 1e-15)
}

func TestHybridization(t *testing.T) {
	m, err := ParseSMILES("CC=CC#NC(=O)Nc1ccccc1")
	require.NoError(t, err)
	want := []Hybridization{SP3, SP2, SP2, SP, SP, SP2, SP2, SP2, SP2}
	for i, w := range want {
		assert.Equal(t, w, m.Hybridization(i), "atom %d", i)
	}
}

// TestCheckStereoDetectsMismatch: the mirror image of a conformer inverts
// every tetrahedral centre, and turning a stereo double bond's torsion by
// 180° swaps E and Z; CheckStereo must notice both.
func TestCheckStereoDetectsMismatch(t *testing.T) {
	for _, m := range GroupConformers(readSDFFile(t, "testdata/conformers.sdf")) {
		switch m.Name {
		case "testosterone", "S-ibuprofen", "menthol":
			require.NoError(t, m.CheckStereo(0))
			mirror := make([]r3.Vec, len(m.Atoms))
			for i, p := range m.Conformers[0] {
				mirror[i] = r3.Vec{X: -p.X, Y: p.Y, Z: p.Z}
			}
			m.Conformers = append(m.Conformers, mirror)
			err := m.CheckStereo(len(m.Conformers) - 1)
			assert.ErrorIs(t, err, ErrStereoMismatch, m.Name)
		case "fumaric_acid":
			require.NoError(t, m.CheckStereo(0))
			k := -1
			for j, b := range m.Bonds {
				if b.Order == OrderDouble && b.Stereo != StereoNone {
					k = j
				}
			}
			require.GreaterOrEqual(t, k, 0)
			b := m.Bonds[k]
			side := m.sideOf(k, b.End)
			tor := Torsion{A: b.StereoAtoms[0], B: b.Begin, C: b.End, D: b.StereoAtoms[1], Bond: k, Moving: side, MovingEnd: b.End}
			conf := append([]r3.Vec(nil), m.Conformers[0]...)
			tor.Rotate(conf, math.Pi)
			m.Conformers = append(m.Conformers, conf)
			assert.ErrorIs(t, m.CheckStereo(len(m.Conformers)-1), ErrStereoMismatch)
		}
	}
}
