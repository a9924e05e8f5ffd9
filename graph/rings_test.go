package graph

import (
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
