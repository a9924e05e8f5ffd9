package graph

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/num/quat"
	"gonum.org/v1/gonum/spatial/r3"
)

func randomRotation(rnd *rand.Rand) r3.Rotation {
	q := quat.Number{Real: rnd.NormFloat64(), Imag: rnd.NormFloat64(), Jmag: rnd.NormFloat64(), Kmag: rnd.NormFloat64()}
	q = quat.Scale(1/quat.Abs(q), q)
	return r3.Rotation(q)
}

// TestKabschExact: a rotated, translated copy scaled by s about its
// centroid has RMSD |s−1|·sqrt(Σ|xᵢ|²/n) (the optimal rotation undoes the
// rotation; scaling is orthogonal to rotations); for the regular
// tetrahedron with unit circumradius that is exactly |s−1|.
func TestKabschExact(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 0))
	tet := []r3.Vec{{X: 1, Y: 1, Z: 1}, {X: 1, Y: -1, Z: -1}, {X: -1, Y: 1, Z: -1}, {X: -1, Y: -1, Z: 1}}
	for i := range tet {
		tet[i] = r3.Scale(1/math.Sqrt(3), tet[i])
	}
	const tol = 1e-12 // floating-point round-off of a 3x3 SVD
	for trial := 0; trial < 20; trial++ {
		rot := randomRotation(rnd)
		shift := r3.Vec{X: rnd.NormFloat64(), Y: rnd.NormFloat64(), Z: rnd.NormFloat64()}
		s := 0.5 + rnd.Float64()
		p := make([]r3.Vec, len(tet))
		for i, x := range tet {
			p[i] = r3.Add(rot.Rotate(r3.Scale(s, x)), shift)
		}
		sp := Kabsch(p, tet)
		assert.InDelta(t, math.Abs(s-1), sp.RMSD, tol)
		// R is a proper rotation.
		var det float64
		r := sp.R
		det = r[0][0]*(r[1][1]*r[2][2]-r[1][2]*r[2][1]) - r[0][1]*(r[1][0]*r[2][2]-r[1][2]*r[2][0]) + r[0][2]*(r[1][0]*r[2][1]-r[1][1]*r[2][0])
		assert.InDelta(t, 1, det, tol)
		if s == 1 {
			continue
		}
	}
	// A mirror image of a chiral set does not superpose: the reflection is
	// excluded, so the RMSD stays positive.
	chiral := []r3.Vec{{}, {X: 1}, {Y: 2}, {Z: 3}}
	mirror := make([]r3.Vec, len(chiral))
	for i, x := range chiral {
		mirror[i] = r3.Vec{X: -x.X, Y: x.Y, Z: x.Z}
	}
	assert.Greater(t, KabschRMSD(mirror, chiral), 0.1)
}

func readRMSDReference(t *testing.T) map[string][2]float64 {
	f, err := os.Open("testdata/rmsd_reference.tsv")
	require.NoError(t, err)
	defer f.Close()
	out := map[string][2]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, "name") {
			continue
		}
		f := strings.Split(l, "\t")
		b, _ := strconv.ParseFloat(f[1], 64)
		p, _ := strconv.ParseFloat(f[2], 64)
		out[f[0]] = [2]float64{b, p}
	}
	return out
}

// TestBestRMSDvsRDKit compares heavy-atom RMSD between two RDKit conformers
// with rdMolAlign.GetBestRMS (symmetry-aware) and AlignMol with the
// identity map (testdata/rmsd_reference.tsv). RDKit used full-precision
// coordinates, geosoc reads them rounded to 4 decimals (error ≤ 5e-5 Å per
// coordinate, so ≤ √3·5e-5 ≈ 8.7e-5 Å per atom): tolerance 1e-4 Å.
func TestBestRMSDvsRDKit(t *testing.T) {
	const tol = 1e-4
	ref := readRMSDReference(t)
	require.NotEmpty(t, ref)
	mols := GroupConformers(readSDFFile(t, "testdata/conformers.sdf"))
	seen := 0
	for _, m := range mols {
		want, ok := ref[m.Name]
		if !ok {
			continue
		}
		seen++
		t.Run(m.Name, func(t *testing.T) {
			require.Len(t, m.Conformers, 2)
			best, err := m.BestRMSD(m.Conformers[1], m.Conformers[0], false)
			require.NoError(t, err)
			assert.InDelta(t, want[0], best, tol, "best RMSD")
			heavy := m.HeavyAtoms()
			p, q := make([]r3.Vec, len(heavy)), make([]r3.Vec, len(heavy))
			for k, a := range heavy {
				p[k], q[k] = m.Conformers[1][a], m.Conformers[0][a]
			}
			assert.InDelta(t, want[1], KabschRMSD(p, q), tol, "plain RMSD")
		})
	}
	assert.Equal(t, len(ref), seen)
}

func TestAutomorphisms(t *testing.T) {
	tests := []struct {
		smiles string
		heavy  int // automorphisms of the heavy-atom graph
	}{
		{"c1ccccc1", 12},
		{"Cc1ccccc1", 2},
		{"OC(=O)c1ccccc1", 2}, // Kekulé O= and -OH differ: only the ring flip
		{"[O-]C(=O)c1ccccc1", 2},
		{"CC(C)(C)C", 24},
		{"C1CC2CCC1C2", 4}, // norbornane: point group C2v, order 4
		{"CCO", 1},
	}
	for _, tc := range tests {
		t.Run(tc.smiles, func(t *testing.T) {
			m, err := ParseSMILES(tc.smiles)
			require.NoError(t, err)
			perms, complete := m.Automorphisms(m.HeavyAtoms(), 1000)
			require.True(t, complete)
			assert.Len(t, perms, tc.heavy)
			for k, a := range m.HeavyAtoms() {
				assert.Equal(t, a, perms[0][k], "identity first")
			}
		})
	}
}

// TestBestRMSDSymmetry: swapping the coordinates of symmetric atoms (the
// two ortho/meta pairs of DDT's rings, or two methyls) leaves the best RMSD
// at zero while the plain RMSD grows.
func TestBestRMSDSymmetry(t *testing.T) {
	m, err := ParseSMILES("CC(C)(C)c1ccccc1")
	require.NoError(t, err)
	rnd := rand.New(rand.NewPCG(7, 0))
	conf := make([]r3.Vec, len(m.Atoms))
	for i := range conf {
		conf[i] = r3.Vec{X: 3 * rnd.NormFloat64(), Y: 3 * rnd.NormFloat64(), Z: 3 * rnd.NormFloat64()}
	}
	sw := append([]r3.Vec(nil), conf...)
	sw[0], sw[2] = sw[2], sw[0] // two methyls of the tert-butyl group
	best, err := m.BestRMSD(sw, conf, false)
	require.NoError(t, err)
	assert.InDelta(t, 0, best, 1e-9)
	assert.Greater(t, KabschRMSD(sw, conf), 0.1)
}

// TestKabschNonFinite: NaN, infinite or overflowing coordinates give
// ErrNonFinite from BestRMSD and a graph-prefixed panic from Kabsch (gonum's
// SVD used to fail with an unexplained panic).
func TestKabschNonFinite(t *testing.T) {
	m, err := ParseSMILES("CCO")
	require.NoError(t, err)
	good := []r3.Vec{{X: 0}, {X: 1.5}, {X: 2.1, Y: 1.2}}
	for _, tc := range []struct {
		name string
		bad  r3.Vec
	}{
		{"nan", r3.Vec{X: math.NaN()}},
		{"inf", r3.Vec{Y: math.Inf(-1)}},
		{"overflow", r3.Vec{X: 1e300, Y: -1e300, Z: 1e300}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := slices.Clone(good)
			bad[1] = tc.bad
			_, err := m.BestRMSD(bad, good, false)
			assert.ErrorIs(t, err, ErrNonFinite)
			_, err = m.BestRMSD(good, bad, false)
			assert.ErrorIs(t, err, ErrNonFinite)
			assert.PanicsWithValue(t, "graph: Kabsch: non-finite coordinates", func() { Kabsch(bad, good) })
		})
	}
}

// TestAutomorphismLimits: a chain of 20 quaternary carbons each carrying
// two methyls has 2^21 automorphisms (each methyl pair swaps, and the
// chain reverses); the search keeps at most MaxAutomorphismInts ints (it
// used to keep limit permutations whatever n, 800 MB for n = 1000) and
// stops after its step budget.
func TestAutomorphismLimits(t *testing.T) {
	m, err := ParseSMILES("C" + strings.Repeat("C(C)(C)", 20) + "C")
	require.NoError(t, err)
	atoms := m.HeavyAtoms()
	n := len(atoms)
	require.Equal(t, 62, n)
	t.Run("memory", func(t *testing.T) {
		perms, complete := m.Automorphisms(atoms, MaxAutomorphisms)
		assert.False(t, complete)
		assert.Equal(t, MaxAutomorphismInts/n, len(perms))
		checkAutomorphisms(t, m, perms[:100])
	})
	t.Run("steps", func(t *testing.T) {
		perms, complete := m.automorphisms(atoms, MaxAutomorphisms, 5000, false)
		assert.False(t, complete)
		assert.Less(t, len(perms), 5000)
		checkAutomorphisms(t, m, perms)
	})
	t.Run("small-complete", func(t *testing.T) {
		// Neopentane heavy atoms: 4! permutations of the methyls.
		neo, err := ParseSMILES("CC(C)(C)C")
		require.NoError(t, err)
		perms, complete := neo.Automorphisms(neo.HeavyAtoms(), MaxAutomorphisms)
		assert.True(t, complete)
		assert.Len(t, perms, 24)
	})
}

// checkAutomorphisms asserts each permutation maps bonds onto bonds.
func checkAutomorphisms(t *testing.T, m *Molecule, perms [][]int) {
	t.Helper()
	for _, p := range perms {
		img := make(map[int]int, len(p))
		for k, a := range m.HeavyAtoms() {
			img[a] = p[k]
		}
		for _, b := range m.Bonds {
			x, okx := img[b.Begin]
			y, oky := img[b.End]
			if okx && oky {
				require.GreaterOrEqual(t, m.BondBetween(x, y), 0)
			}
		}
	}
}
