package graph

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestXYZRoundTrip: writing the RDKit conformers as XYZ and reading them
// back recovers every bond from covalent radii, the formula, the
// coordinates (6 decimals) and, for all but the cases listed, the Kekulé
// bond orders up to aromatic equivalence.
func TestXYZRoundTrip(t *testing.T) {
	recs := readSDFFile(t, "testdata/conformers.sdf")
	const tol = 0.5e-6 + 1e-12 // 6 written decimals
	for _, r := range recs {
		t.Run(r.Name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteXYZ(&buf, r))
			back, err := ReadXYZ(&buf, "x.xyz")
			require.NoError(t, err)
			require.Len(t, back, 1)
			b := back[0]
			assert.Equal(t, r.Name, b.Name)
			require.Equal(t, len(r.Atoms), len(b.Atoms))
			require.Equal(t, len(r.Bonds), len(b.Bonds), "bond count from covalent radii")
			for _, bd := range r.Bonds {
				assert.GreaterOrEqual(t, b.BondBetween(bd.Begin, bd.End), 0, "bond %d-%d", bd.Begin, bd.End)
			}
			for k := range r.Conformers[0] {
				assert.InDelta(t, r.Conformers[0][k].X, b.Conformers[0][k].X, tol)
			}
			charged := false
			for _, a := range r.Atoms {
				if a.Charge != 0 {
					charged = true
				}
			}
			if charged {
				// XYZ carries no charges: the valence heuristic cannot
				// recover them (zwitterions, cations).
				return
			}
			assert.Equal(t, r.Formula(), b.Formula())
			assert.Equal(t, r.NumAromaticAtoms(), b.NumAromaticAtoms(), "aromaticity after bond-order assignment")
			for _, a := range r.Atoms {
				if a.Isotope != 0 {
					return // XYZ carries no isotope labels
				}
			}
			assertSameMolecule(t, r, b, nil)
		})
	}
}

func TestXYZErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		msg      string
		kind     error
	}{
		{"count", "x\n", 1, "expected the number of atoms", ErrSyntax},
		{"hostile", "10000000\ncomment\nC 0 0 0\n", 1, "declares 10000000 atoms", ErrTooLarge},
		{"nocomment", "1\n", 2, "expected a comment line", ErrSyntax},
		{"short", "2\nc\nC 0 0 0\n", 4, "expected atom 2 of 2", ErrSyntax},
		{"fields", "1\nc\nC 0 0\n", 3, "expected \"Symbol x y z\"", ErrSyntax},
		{"element", "1\nc\nQq 0 0 0\n", 3, "expected an element symbol", ErrSyntax},
		{"coord", "1\nc\nC 0 nan 0\n", 3, "expected a coordinate", ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadXYZ(strings.NewReader(tc.in), "t.xyz")
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe))
			assert.True(t, errors.Is(err, tc.kind))
			assert.Equal(t, tc.line, pe.Line, err.Error())
			assert.Contains(t, pe.Msg, tc.msg)
		})
	}
}
