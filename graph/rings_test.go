package graph

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRingsAndAromaticity(t *testing.T) {
	tests := []struct {
		smiles string
		sizes  []int  // SSSR ring sizes, sorted
		arom   []bool // aromatic flag per ring, same order
	}{
		{"c1ccc2ccccc2c1", []int{6, 6}, []bool{true, true}},
		{"c1ccc2c(c1)CCC2", []int{5, 6}, []bool{false, true}},                                   // indane
		{"c1ccc2cccc2cc1", []int{5, 7}, []bool{true, true}},                                     // azulene: 10 π electrons over the pair
		{"C1=CC=CC=CC=C1", []int{8}, []bool{false}},                                             // cyclooctatetraene, 8 π
		{"O=C1C=CC(=O)C=C1", []int{6}, []bool{false}},                                           // p-benzoquinone
		{"O=c1cccc[nH]1", []int{6}, []bool{true}},                                               // 2-pyridone, as RDKit
		{"C1CC2CCC1C2", []int{5, 5}, []bool{false, false}},                                      // norbornane: E-V+C = 2
		{"C12C3C4C1C5C2C3C45", []int{4, 4, 4, 4, 4}, []bool{false, false, false, false, false}}, // cubane: 5 of its 6 faces
		{"c1ccoc1", []int{5}, []bool{true}},
		{"[cH-]1cccc1", []int{5}, []bool{true}},
		{"C1=CC=CC1", []int{5}, []bool{false}}, // cyclopentadiene: sp3 CH2
	}
	for _, tc := range tests {
		t.Run(tc.smiles, func(t *testing.T) {
			m, err := ParseSMILES(tc.smiles)
			require.NoError(t, err)
			var sizes []int
			for _, r := range m.Rings() {
				sizes = append(sizes, len(r))
				// Consecutive ring atoms are bonded.
				for i := range r {
					assert.GreaterOrEqual(t, m.BondBetween(r[i], r[(i+1)%len(r)]), 0)
				}
			}
			assert.Equal(t, tc.sizes, sizes)
			assert.Equal(t, tc.arom, m.AromaticRings())
		})
	}
}

// TestAromaticManyRings: many disconnected rings are perceived in time
// linear in their number (markAromatic pairs only rings sharing a bond;
// it used to compare every pair, O(rings²): 20000 cyclopropanes took 5.6 s).
// Reference: each benzene has 6 aromatic atoms, cyclopropane none.
func TestAromaticManyRings(t *testing.T) {
	const n = 20000
	smi := strings.Repeat("C1CC1.c1ccccc1.", n-1) + "C1CC1.c1ccccc1"
	m, err := ParseSMILES(smi)
	require.NoError(t, err)
	require.Equal(t, 2*n, m.NumRings())
	arom := 0
	for _, a := range m.Atoms {
		if a.Aromatic {
			arom++
		}
	}
	assert.Equal(t, 6*n, arom)
	// Fused pairs are still found: azulene is aromatic only as a pair.
	az, err := ParseSMILES(strings.Repeat("c1ccc2cccc2cc1.", 100) + "C")
	require.NoError(t, err)
	for i, ar := range az.AromaticRings() {
		assert.True(t, ar, "ring %d", i)
	}
}

// TestSSSRLadder: a ladder of n rungs (n−1 fused 4-rings, like a long
// polyacene) has an SSSR of n−1 four-membered rings. Candidate cycles are
// generated in rounds of increasing length, so this is fast; with all
// Horton candidates a 400-rung ladder took 7.7 s (O(n⁴)).
func TestSSSRLadder(t *testing.T) {
	const n = 1000
	m := &Molecule{}
	for i := 0; i < 2*n; i++ {
		m.AddAtom(Atom{Element: 6})
	}
	for i := 0; i < n; i++ {
		m.AddBond(2*i, 2*i+1, OrderSingle)
		if i+1 < n {
			m.AddBond(2*i, 2*i+2, OrderSingle)
			m.AddBond(2*i+1, 2*i+3, OrderSingle)
		}
	}
	m.Perceive()
	require.Equal(t, n-1, m.NumRings())
	for _, r := range m.Rings() {
		require.Len(t, r, 4)
	}
	// A macrocycle fused to small rings still needs its long cycle:
	// a 41-ring sharing two bonds with a 5-ring.
	big := "C1CCCC2CC(CC2)" + strings.Repeat("C", 34) + "1"
	mm, err := ParseSMILES(big)
	require.NoError(t, err)
	var sizes []int
	for _, r := range mm.Rings() {
		sizes = append(sizes, len(r))
	}
	assert.Equal(t, []int{5, 41}, sizes)
}
