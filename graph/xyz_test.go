package graph

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/spatial/r3"
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

// TestXYZCoincidentAtoms: atoms closer than MinAtomDistance are rejected
// with the line of the second atom (they used to be left unbonded, and
// 40000 coincident atoms took 27 s, O(n²) in one grid cell).
func TestXYZCoincidentAtoms(t *testing.T) {
	t.Run("pair", func(t *testing.T) {
		in := "3\nw\nO 0 0 0\nH 0.96 0 0\nH 0.96 0.1 0\n"
		_, err := ReadXYZ(strings.NewReader(in), "w.xyz")
		var pe *ParseError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, 5, pe.Line)
		assert.Contains(t, pe.Msg, "atom 3")
	})
	t.Run("many", func(t *testing.T) {
		const n = 40000
		var b strings.Builder
		fmt.Fprintf(&b, "%d\nc\n", n)
		for i := 0; i < n; i++ {
			b.WriteString("C 0.0 0.0 0.0\n")
		}
		_, err := ReadXYZ(strings.NewReader(b.String()), "c.xyz")
		var pe *ParseError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, 4, pe.Line)
	})
	t.Run("dense-but-valid", func(t *testing.T) {
		// A 12³ cubic lattice of H at 0.5 Å spacing (all pairs at least
		// MinAtomDistance apart): the grid finds exactly the pairs of the
		// brute-force O(n²) rule.
		const k = 12
		var conf []r3.Vec
		m := &Molecule{}
		for x := 0; x < k; x++ {
			for y := 0; y < k; y++ {
				for z := 0; z < k; z++ {
					m.AddAtom(Atom{Element: 1})
					conf = append(conf, r3.Vec{X: 0.5 * float64(x), Y: 0.5 * float64(y), Z: 0.5 * float64(z)})
				}
			}
		}
		PerceiveBonds(m, conf)
		want := 0
		lim := 2*CovalentRadius(1) + BondTolerance
		for i := range conf {
			for j := i + 1; j < len(conf); j++ {
				if d := r3.Norm(r3.Sub(conf[i], conf[j])); d >= MinAtomDistance && d < lim {
					want++
				}
			}
		}
		assert.Equal(t, want, len(m.Bonds))
	})
}

// bruteOrders is the original O(n · bonds) bond-order loop of
// PerceiveBonds, kept as the reference for the heap version.
func bruteOrders(m *Molecule) {
	free := freeValences(m)
	for {
		best, bestN := -1, 1<<62
		for i := range m.Atoms {
			if free[i] == 0 {
				continue
			}
			c := 0
			for _, nb := range m.adj[i] {
				if free[nb.Atom] > 0 && m.Bonds[nb.Bond].Order < OrderTriple {
					c++
				}
			}
			if c > 0 && c < bestN {
				best, bestN = i, c
			}
		}
		if best < 0 {
			break
		}
		for _, nb := range m.adj[best] {
			if free[nb.Atom] > 0 && m.Bonds[nb.Bond].Order < OrderTriple {
				m.Bonds[nb.Bond].Order++
				free[best]--
				free[nb.Atom]--
				break
			}
		}
	}
	for i := range m.Atoms {
		m.Atoms[i].ImplicitH = free[i]
	}
}

func carbonChain(n int) ([]r3.Vec, *Molecule) {
	m := &Molecule{}
	conf := make([]r3.Vec, n)
	for i := range conf {
		m.AddAtom(Atom{Element: 6})
		conf[i] = r3.Vec{X: 1.5 * float64(i), Y: 0.3 * float64(i%2)}
	}
	return conf, m
}

// TestPerceiveBondOrders: the heap-driven bond-order assignment gives the
// same orders and implicit hydrogens as the original quadratic loop on
// the RDKit conformers and on H-free carbon chains, and a 20000-carbon
// chain (31 s with the quadratic loop) is handled.
func TestPerceiveBondOrders(t *testing.T) {
	check := func(t *testing.T, m *Molecule, conf []r3.Vec) {
		got := &Molecule{}
		ref := &Molecule{}
		for _, a := range m.Atoms {
			got.AddAtom(Atom{Element: a.Element})
			ref.AddAtom(Atom{Element: a.Element})
		}
		PerceiveBonds(got, conf)
		for _, b := range got.Bonds {
			ref.AddBond(b.Begin, b.End, OrderSingle)
		}
		bruteOrders(ref)
		for k := range got.Bonds {
			assert.Equal(t, ref.Bonds[k].Order, got.Bonds[k].Order, "bond %d", k)
		}
		for i := range got.Atoms {
			assert.Equal(t, ref.Atoms[i].ImplicitH, got.Atoms[i].ImplicitH, "atom %d", i)
		}
	}
	for _, r := range readSDFFile(t, "testdata/conformers.sdf") {
		t.Run(r.Name, func(t *testing.T) { check(t, r, r.Conformers[0]) })
	}
	for _, n := range []int{2, 3, 4, 5, 6, 7, 200} {
		t.Run(fmt.Sprintf("chain%d", n), func(t *testing.T) {
			conf, m := carbonChain(n)
			check(t, m, conf)
		})
	}
	t.Run("chain20000", func(t *testing.T) {
		conf, m := carbonChain(20000)
		PerceiveBonds(m, conf)
		require.Len(t, m.Bonds, 19999)
		// Reference: the pattern of the 200-chain (checked against the
		// quadratic loop above) repeats; compare the first 100 bonds.
		c2, m2 := carbonChain(200)
		PerceiveBonds(m2, c2)
		for k := 0; k < 100; k++ {
			assert.Equal(t, m2.Bonds[k].Order, m.Bonds[k].Order, "bond %d", k)
		}
	})
}

// TestXYZResync: after a bad frame the reader skips to the next count
// line, so each bad frame gives one error (it used to give one per
// following line), and the good frames around it are read.
func TestXYZResync(t *testing.T) {
	in := "1\nfirst\nHe 0 0 0\n" +
		"x\nbad header\nC 0 0 0\nC 1.5 0 0\n" + // bad count line
		"2\nbad atom\nC 0 0 0\nQq 1.5 0 0\nC 3 0 0\n" + // bad element, one stray line
		"1\nlast\nNe 0 0 0\n"
	r := NewXYZReader(strings.NewReader(in), "r.xyz")
	var names []string
	var lines []int
	for {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			lines = append(lines, pe.Line)
			continue
		}
		require.NoError(t, err)
		names = append(names, m.Name)
	}
	assert.Equal(t, []string{"first", "last"}, names)
	assert.Equal(t, []int{4, 11}, lines)
}
