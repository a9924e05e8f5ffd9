package graph

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/spatial/r3"
)

// SymmetryClasses returns a graph-invariant class for every atom: two atoms
// get the same class when iterative refinement cannot tell them apart
// (Morgan, J. Chem. Doc. 5, 107 (1965); Weininger et al., JCICS 29, 97
// (1989)). The initial invariant is (element, isotope, charge, degree, total
// H, in-ring); each round appends the sorted (neighbour class, bond order)
// list (aromatic bonds as one type, not their Kekulé
// orders), until the number of classes stops growing. Classes are 0..k-1.
func (m *Molecule) SymmetryClasses() []int {
	n := len(m.Atoms)
	type key struct {
		inv  [6]int
		nbrs string
	}
	cls := make([]int, n)
	inv := make([][6]int, n)
	for i, a := range m.Atoms {
		r := 0
		if m.AtomInRing(i) {
			r = 1
		}
		inv[i] = [6]int{a.Element, a.Isotope, a.Charge, len(m.adj[i]), m.TotalH(i), r}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(x, y int) bool {
		a, b := inv[order[x]], inv[order[y]]
		return slices.Compare(a[:], b[:]) < 0
	})
	k := 0
	for x, i := range order {
		if x > 0 && inv[i] != inv[order[x-1]] {
			k++
		}
		cls[i] = k
	}
	numClasses := k + 1
	if n == 0 {
		return cls
	}
	buf := make([]int, 0, 16)
	sig := make([][]int, n)
	for iter := 0; iter < n; iter++ {
		for i := range m.Atoms {
			buf = buf[:0]
			for _, nb := range m.adj[i] {
				t := m.Bonds[nb.Bond].Order
				if m.Bonds[nb.Bond].Aromatic {
					t = OrderAromatic // Kekulé orders would break ring symmetry
				}
				buf = append(buf, cls[nb.Atom]*8+t)
			}
			sort.Ints(buf)
			sig[i] = append(append(sig[i][:0], cls[i]), buf...)
		}
		sort.Slice(order, func(x, y int) bool {
			return slices.Compare(sig[order[x]], sig[order[y]]) < 0
		})
		next := make([]int, n)
		k := 0
		for x, i := range order {
			if x > 0 && slices.Compare(sig[i], sig[order[x-1]]) != 0 {
				k++
			}
			next[i] = k
		}
		cls = next
		if k+1 == numClasses {
			break
		}
		numClasses = k + 1
	}
	return cls
}

// stereoRefs returns the reference neighbour list of atom i as used by
// Chirality: its neighbours in adjacency order, then -1 for the implicit
// hydrogen or lone pair when it has three neighbours. ok is false when i
// cannot be a tetrahedral centre.
func (m *Molecule) stereoRefs(i int) (ref []int, ok bool) {
	a := m.Atoms[i]
	for _, nb := range m.adj[i] {
		ref = append(ref, nb.Atom)
	}
	switch {
	case len(ref) == 4 && a.ImplicitH == 0:
		return ref, true
	case len(ref) == 3 && a.ImplicitH <= 1:
		if a.ImplicitH == 0 {
			// Lone-pair centres: sulfoxides, sulfonium, phosphines.
			switch a.Element {
			case 15, 16, 34:
			default:
				return nil, false
			}
		}
		return append(ref, -1), true
	}
	return nil, false
}

// isStereoCandidate reports whether atom i has four (or three plus a lone
// pair) pairwise different substituents by symmetry class.
func (m *Molecule) isStereoCandidate(i int, cls []int) bool {
	ref, ok := m.stereoRefs(i)
	if !ok {
		return false
	}
	seen := map[int]bool{}
	for _, r := range ref {
		c := -1 // implicit H / lone pair
		if r >= 0 {
			c = cls[r]
		}
		if seen[c] {
			return false
		}
		seen[c] = true
	}
	return true
}

// StereoCenters returns the atoms with a specified tetrahedral parity that
// are true stereocentres (four substituents of different symmetry class).
func (m *Molecule) StereoCenters() []int {
	var out []int
	var cls []int
	for i, a := range m.Atoms {
		if a.Chirality == ChiralNone {
			continue
		}
		if cls == nil {
			cls = m.SymmetryClasses()
		}
		if m.isStereoCandidate(i, cls) {
			out = append(out, i)
		}
	}
	return out
}

// PotentialStereoCenters returns every atom that could carry a tetrahedral
// parity, specified or not.
func (m *Molecule) PotentialStereoCenters() []int {
	cls := m.SymmetryClasses()
	var out []int
	for i := range m.Atoms {
		if m.isStereoCandidate(i, cls) {
			out = append(out, i)
		}
	}
	return out
}

// StereoDoubleBonds returns the double bonds that could be E/Z: not in a
// ring of fewer than 8 atoms, not cumulated (allenes, azides), each end
// carrying one or two substituents of different symmetry class.
func (m *Molecule) StereoDoubleBonds() []int {
	cls := m.SymmetryClasses()
	var out []int
	for k, b := range m.Bonds {
		if b.Order != OrderDouble || b.Aromatic {
			continue
		}
		if m.BondInRing(k) && m.smallestRingWith(k) < 8 {
			continue
		}
		if m.cumulated(b.Begin, k) || m.cumulated(b.End, k) {
			continue // allene / azide / ketene centres are linear
		}
		if m.endDistinct(b.Begin, b.End, cls) && m.endDistinct(b.End, b.Begin, cls) {
			out = append(out, k)
		}
	}
	return out
}

// cumulated reports whether atom a has a double or triple bond other than k.
func (m *Molecule) cumulated(a, k int) bool {
	for _, nb := range m.adj[a] {
		if nb.Bond != k && m.Bonds[nb.Bond].Order >= OrderDouble {
			return true
		}
	}
	return false
}

func (m *Molecule) endDistinct(a, other int, cls []int) bool {
	var subs []int
	for _, nb := range m.adj[a] {
		if nb.Atom != other {
			subs = append(subs, cls[nb.Atom])
		}
	}
	h := m.Atoms[a].ImplicitH
	switch {
	case len(subs) == 1 && h <= 1:
		return true
	case len(subs) == 2 && h == 0:
		return subs[0] != subs[1]
	}
	return false
}

func (m *Molecule) smallestRingWith(k int) int {
	best := math.MaxInt
	ri := m.ringInfo()
	for r, bonds := range ri.ringBonds {
		if slices.Contains(bonds, k) && len(ri.rings[r]) < best {
			best = len(ri.rings[r])
		}
	}
	return best
}

// SignedVolume returns the orientation determinant
// (p1−p0)·((p2−p0)×(p3−p0)) of the reference neighbours p0..p3 of atom i
// (see Chirality) in conformer conf: six times the signed volume of their
// tetrahedron. An implicit hydrogen or lone pair is placed at
// c − Σ unit(pk − c), c the centre. The value is negative for ChiralCCW
// ("@") and positive for ChiralCW ("@@"): with p0 on the +z axis above the
// centre and p1, p2, p3 anticlockwise (seen from p0) on a circle of unit
// radius at depth −h, it equals −(3√3/2)(1 + h) < 0.
// ok is false when i cannot be a tetrahedral centre.
func (m *Molecule) SignedVolume(conf []r3.Vec, i int) (v float64, ok bool) {
	ref, ok := m.stereoRefs(i)
	if !ok {
		return 0, false
	}
	c := conf[i]
	var p [4]r3.Vec
	var sum r3.Vec
	for k, r := range ref {
		if r >= 0 {
			p[k] = conf[r]
			d := r3.Sub(conf[r], c)
			if n := r3.Norm(d); n > 0 {
				sum = r3.Add(sum, r3.Scale(1/n, d))
			}
		}
	}
	for k, r := range ref {
		if r < 0 {
			p[k] = r3.Sub(c, sum)
		}
	}
	a, b, d := r3.Sub(p[1], p[0]), r3.Sub(p[2], p[0]), r3.Sub(p[3], p[0])
	return r3.Dot(a, r3.Cross(b, d)), true
}

// Dihedral returns the torsion angle a-b-c-d in radians, in (−π, π]
// (IUPAC sign convention: positive is clockwise looking from b to c).
// Formula: φ = atan2(|b2| b1·(b2×b3), (b1×b2)·(b2×b3)) with b1 = b−a,
// b2 = c−b, b3 = d−c (Blondel & Karplus, J. Comput. Chem. 17, 1132 (1996)).
func Dihedral(a, b, c, d r3.Vec) float64 {
	b1, b2, b3 := r3.Sub(b, a), r3.Sub(c, b), r3.Sub(d, c)
	n1, n2 := r3.Cross(b1, b2), r3.Cross(b2, b3)
	y := r3.Norm(b2) * r3.Dot(b1, n2)
	x := r3.Dot(n1, n2)
	return math.Atan2(y, x)
}

// volumeTolerance is the smallest |signed volume| (Å³) taken as a definite
// handedness; flatter centres are reported as undetermined.
const volumeTolerance = 0.05

// AssignStereoFromConformer sets Atom.Chirality of every potential
// stereocentre and Bond.Stereo of every stereogenic double bond from
// conformer conf (signed volumes and dihedral angles). Previous stereo
// marks are replaced.
func (m *Molecule) AssignStereoFromConformer(conf int) {
	pos := m.Conformers[conf]
	for i := range m.Atoms {
		m.Atoms[i].Chirality = ChiralNone
	}
	for _, i := range m.PotentialStereoCenters() {
		v, _ := m.SignedVolume(pos, i)
		switch {
		case v < -volumeTolerance:
			m.Atoms[i].Chirality = ChiralCCW
		case v > volumeTolerance:
			m.Atoms[i].Chirality = ChiralCW
		}
	}
	for k := range m.Bonds {
		m.Bonds[k].Stereo = StereoNone
	}
	for _, k := range m.StereoDoubleBonds() {
		b := &m.Bonds[k]
		x, y := firstOther(m, b.Begin, b.End), firstOther(m, b.End, b.Begin)
		phi := Dihedral(pos[x], pos[b.Begin], pos[b.End], pos[y])
		b.StereoAtoms = [2]int{x, y}
		if math.Abs(phi) < math.Pi/2 {
			b.Stereo = StereoCis
		} else {
			b.Stereo = StereoTrans
		}
	}
}

func firstOther(m *Molecule, a, other int) int {
	for _, nb := range m.adj[a] {
		if nb.Atom != other {
			return nb.Atom
		}
	}
	return -1
}

// ErrStereoMismatch is wrapped by CheckStereo errors.
var ErrStereoMismatch = errors.New("conformer stereo does not match the graph")

// CheckStereo verifies that conformer conf realises every specified
// tetrahedral centre and double-bond configuration of the graph. It
// returns nil or an error wrapping ErrStereoMismatch naming the first
// offending atom or bond (1-based).
func (m *Molecule) CheckStereo(conf int) error {
	pos := m.Conformers[conf]
	for _, i := range m.StereoCenters() {
		v, _ := m.SignedVolume(pos, i)
		want := m.Atoms[i].Chirality
		got := ChiralNone
		switch {
		case v < -volumeTolerance:
			got = ChiralCCW
		case v > volumeTolerance:
			got = ChiralCW
		}
		if got != want {
			return fmt.Errorf("graph: atom %d (%s): signed volume %.3f Å³: %w", i+1, ElementSymbol(m.Atoms[i].Element), v, ErrStereoMismatch)
		}
	}
	for k, b := range m.Bonds {
		if b.Order != OrderDouble || b.Stereo == StereoNone {
			continue
		}
		x, y := b.StereoAtoms[0], b.StereoAtoms[1]
		phi := Dihedral(pos[x], pos[b.Begin], pos[b.End], pos[y])
		got := StereoTrans
		if math.Abs(phi) < math.Pi/2 {
			got = StereoCis
		}
		if got != b.Stereo {
			return fmt.Errorf("graph: bond %d (%d=%d): dihedral %.1f°: %w", k+1, b.Begin+1, b.End+1, phi*180/math.Pi, ErrStereoMismatch)
		}
	}
	return nil
}

// DoubleBondConfig returns the configuration of the stereo double bond k
// seen through substituents p (on one end) and q (on the other): StereoCis
// when p and q are on the same side. It returns StereoNone when k has no
// configuration or p, q are not substituents of opposite ends.
func (m *Molecule) DoubleBondConfig(k, p, q int) BondStereo {
	b := m.Bonds[k]
	if b.Stereo == StereoNone {
		return StereoNone
	}
	onB := func(x int) bool { return x != b.End && m.BondBetween(x, b.Begin) >= 0 }
	onE := func(x int) bool { return x != b.Begin && m.BondBetween(x, b.End) >= 0 }
	if !onB(p) {
		p, q = q, p
	}
	if !onB(p) || !onE(q) {
		return StereoNone
	}
	s := b.Stereo
	flip := (p != b.StereoAtoms[0]) != (q != b.StereoAtoms[1])
	if flip {
		if s == StereoCis {
			s = StereoTrans
		} else {
			s = StereoCis
		}
	}
	return s
}
