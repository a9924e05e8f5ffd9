package graph

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertSameMolecule checks that b is a with atom k of b being atom
// perm[k] of a (perm nil: identity): elements, charges, isotopes, hydrogen
// counts, bonds (orders compared unless both bonds are aromatic, since two
// Kekulé structures may differ), tetrahedral parities of stereocentres and
// double-bond configurations.
func assertSameMolecule(t *testing.T, a, b *Molecule, perm []int) {
	t.Helper()
	require.Equal(t, len(a.Atoms), len(b.Atoms), "atom count")
	require.Equal(t, len(a.Bonds), len(b.Bonds), "bond count")
	if perm == nil {
		perm = make([]int, len(a.Atoms))
		for i := range perm {
			perm[i] = i
		}
	}
	for k, x := range b.Atoms {
		y := a.Atoms[perm[k]]
		assert.Equal(t, y.Element, x.Element, "element of atom %d", k)
		assert.Equal(t, y.Charge, x.Charge, "charge of atom %d", k)
		assert.Equal(t, y.Isotope, x.Isotope, "isotope of atom %d", k)
		assert.Equal(t, a.TotalH(perm[k]), b.TotalH(k), "H count of atom %d", k)
		assert.Equal(t, y.Aromatic, x.Aromatic, "aromatic flag of atom %d", k)
	}
	for _, bb := range b.Bonds {
		ka := a.BondBetween(perm[bb.Begin], perm[bb.End])
		if !assert.GreaterOrEqual(t, ka, 0, "bond %d-%d missing", bb.Begin, bb.End) {
			continue
		}
		ba := a.Bonds[ka]
		if !(ba.Aromatic && bb.Aromatic) {
			assert.Equal(t, ba.Order, bb.Order, "order of bond %d-%d", bb.Begin, bb.End)
		}
	}
	sa, sb := a.StereoCenters(), b.StereoCenters()
	require.Equal(t, len(sa), len(sb), "stereocentre count")
	for _, k := range sb {
		refB, _ := b.stereoRefs(k)
		refA, _ := a.stereoRefs(perm[k])
		mapped := make([]int, len(refB))
		for i, r := range refB {
			mapped[i] = -1
			if r >= 0 {
				mapped[i] = perm[r]
			}
		}
		odd, ok := permutationParity(mapped, refA)
		require.True(t, ok, "neighbours of centre %d", k)
		want := a.Atoms[perm[k]].Chirality
		if odd {
			want = want.Invert()
		}
		assert.Equal(t, want, b.Atoms[k].Chirality, "parity of centre %d", k)
	}
	for kb, bb := range b.Bonds {
		if bb.Stereo == StereoNone {
			continue
		}
		ka := a.BondBetween(perm[bb.Begin], perm[bb.End])
		got := a.DoubleBondConfig(ka, perm[bb.StereoAtoms[0]], perm[bb.StereoAtoms[1]])
		assert.Equal(t, bb.Stereo, got, "configuration of double bond %d", kb)
	}
}

func readSmiFile(t testing.TB, path string) []SMIRecord {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := NewSMIReader(f, path)
	var out []SMIRecord
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		out = append(out, rec)
	}
	return out
}
