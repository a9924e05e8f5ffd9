package graph

import (
	"math"

	yb "github.com/yourbasic/graph"
	"gonum.org/v1/gonum/spatial/r3"
)

// isAmideCN reports whether bond k joins a carbonyl carbon (C=O) to a
// nitrogen: the amide, urea and carbamate C–N bonds, whose partial double
// bond character makes them non-rotatable.
func (m *Molecule) isAmideCN(k int) bool {
	b := m.Bonds[k]
	c, n := b.Begin, b.End
	if m.Atoms[c].Element != 6 {
		c, n = n, c
	}
	if m.Atoms[c].Element != 6 || m.Atoms[n].Element != 7 {
		return false
	}
	for _, nb := range m.adj[c] {
		if m.Atoms[nb.Atom].Element == 8 && m.Bonds[nb.Bond].Order == OrderDouble {
			return true
		}
	}
	return false
}

func (m *Molecule) hasTriple(i int) bool {
	for _, nb := range m.adj[i] {
		if m.Bonds[nb.Bond].Order == OrderTriple {
			return true
		}
	}
	return false
}

// IsRotatable reports whether bond k is a free torsion:
//   - a single bond, not aromatic, not in a ring;
//   - not terminal: both atoms have another heavy-atom neighbour, so that
//     cutting the bond leaves at least two atoms on each side, hydrogens
//     counted (a methyl or hydroxyl rotor moves only hydrogens);
//   - not an amide C(=O)–N bond;
//   - neither atom carries a triple bond (the torsion of a linear unit is
//     undefined).
//
// As a SMARTS on the hydrogen-suppressed graph this is
// [!D1&!$(*#*)]-&!@[!D1&!$(*#*)] minus C(=O)-&!@[#7;!D1;!$(*#*)].
func (m *Molecule) IsRotatable(k int) bool {
	b := m.Bonds[k]
	if b.Order != OrderSingle || b.Aromatic || m.BondInRing(k) {
		return false
	}
	if m.HeavyDegree(b.Begin) < 2 || m.HeavyDegree(b.End) < 2 {
		return false
	}
	if m.isAmideCN(k) || m.hasTriple(b.Begin) || m.hasTriple(b.End) {
		return false
	}
	return true
}

// RotatableBonds returns the indices of the rotatable bonds (IsRotatable).
func (m *Molecule) RotatableBonds() []int {
	var out []int
	for k := range m.Bonds {
		if m.IsRotatable(k) {
			out = append(out, k)
		}
	}
	return out
}

// Torsion is one rotatable torsion A-B-C-D about bond B–C. Moving lists the
// atoms on the smaller side of the bond (hydrogens counted; the C side on
// ties), which a change of the torsion angle rotates about the B→C axis.
// MovingEnd is B or C, whichever lies on the moving side.
type Torsion struct {
	A, B, C, D int
	Bond       int
	Moving     []int
	MovingEnd  int
}

// Torsions returns one torsion per rotatable bond. A and D are the
// lowest-index heavy neighbours of B and C.
func (m *Molecule) Torsions() []Torsion {
	var out []Torsion
	for _, k := range m.RotatableBonds() {
		b := m.Bonds[k]
		t := Torsion{A: heavyNeighborExcept(m, b.Begin, b.End), B: b.Begin, C: b.End,
			D: heavyNeighborExcept(m, b.End, b.Begin), Bond: k}
		sideC := m.sideOf(k, b.End)
		if 2*len(sideC) <= len(m.Atoms) {
			t.Moving, t.MovingEnd = sideC, b.End
		} else {
			t.Moving, t.MovingEnd = m.sideOf(k, b.Begin), b.Begin
		}
		out = append(out, t)
	}
	return out
}

func heavyNeighborExcept(m *Molecule, a, other int) int {
	best := -1
	for _, nb := range m.adj[a] {
		if nb.Atom == other {
			continue
		}
		if m.Atoms[nb.Atom].Element != 1 && (best < 0 || nb.Atom < best) {
			best = nb.Atom
		}
	}
	if best < 0 {
		return firstOther(m, a, other)
	}
	return best
}

// sideOf returns the atoms reachable from start without crossing bond k,
// using a yourbasic/graph Mutable with that bond deleted.
func (m *Molecule) sideOf(k, start int) []int {
	g := m.Mutable()
	g.DeleteBoth(m.Bonds[k].Begin, m.Bonds[k].End)
	var side []int
	seen := make([]bool, len(m.Atoms))
	seen[start] = true
	side = append(side, start)
	yb.BFS(g, start, func(_, w int, _ int64) {
		if !seen[w] {
			seen[w] = true
			side = append(side, w)
		}
	})
	return side
}

// SetDihedral rotates the moving side of t in conf so that the dihedral
// A-B-C-D becomes phi (radians).
func (t Torsion) SetDihedral(conf []r3.Vec, phi float64) {
	cur := Dihedral(conf[t.A], conf[t.B], conf[t.C], conf[t.D])
	t.Rotate(conf, phi-cur)
}

// Rotate rotates the moving side of t about the B→C axis by delta radians,
// which adds delta to the dihedral A-B-C-D. Rodrigues' formula:
// v' = v cosθ + (k×v) sinθ + k (k·v)(1 − cosθ), k the unit axis.
func (t Torsion) Rotate(conf []r3.Vec, delta float64) {
	if t.MovingEnd == t.B {
		// Moving the B side by −delta about B→C also adds delta.
		delta = -delta
	}
	origin := conf[t.B]
	k := r3.Unit(r3.Sub(conf[t.C], conf[t.B]))
	c, s := math.Cos(delta), math.Sin(delta)
	for _, i := range t.Moving {
		v := r3.Sub(conf[i], origin)
		v = r3.Add(r3.Add(r3.Scale(c, v), r3.Scale(s, r3.Cross(k, v))), r3.Scale(r3.Dot(k, v)*(1-c), k))
		conf[i] = r3.Add(origin, v)
	}
}

// Pair is an unordered atom pair with I < J.
type Pair struct{ I, J int }

// NeighborSets returns the atom pairs at topological distance 1, 2 and 3
// (1-2 bonded, 1-3 angle, 1-4 torsion pairs), each sorted and listed once;
// a pair is put in the set of its shortest path length only. Distances come
// from a breadth-first search (yourbasic/graph BFS) from every atom.
func (m *Molecule) NeighborSets() (p12, p13, p14 []Pair) {
	g := m.Graph()
	n := len(m.Atoms)
	dist := make([]int, n)
	for i := 0; i < n; i++ {
		for j := range dist {
			dist[j] = -1
		}
		dist[i] = 0
		yb.BFS(g, i, func(v, w int, _ int64) {
			if dist[w] < 0 {
				dist[w] = dist[v] + 1
			}
		})
		for j := i + 1; j < n; j++ {
			switch dist[j] {
			case 1:
				p12 = append(p12, Pair{i, j})
			case 2:
				p13 = append(p13, Pair{i, j})
			case 3:
				p14 = append(p14, Pair{i, j})
			}
		}
	}
	return p12, p13, p14
}
