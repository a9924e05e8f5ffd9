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
	return refineClasses(m, cls, numClasses)
}

// refineClasses refines the partition cls (classes 0..k-1) to the
// coarsest one in which atoms of a class have, for every class S and bond
// type t, the same number of neighbours in S over t-bonds: the fixed point
// of the round-by-round refinement above (1-dimensional Weisfeiler–Leman).
// It uses splitters as in Hopcroft's algorithm (Cardon & Crochemore,
// Theor. Comput. Sci. 19, 85 (1982)): when a class is split, every part
// but the largest is queued, so the work is O(bonds · log atoms) instead of
// O(atoms · rounds), which is quadratic for chains. The classes are then
// renumbered 0..k-1 in order of first atom.
func refineClasses(m *Molecule, cls []int, k int) []int {
	n := len(m.Atoms)
	members := make([][]int, k)
	pos := make([]int, n)
	for i, c := range cls {
		pos[i] = len(members[c])
		members[c] = append(members[c], i)
	}
	btype := func(b int) int {
		if m.Bonds[b].Aromatic {
			return OrderAromatic // Kekulé orders would break ring symmetry
		}
		return m.Bonds[b].Order
	}
	const nt = 8
	cnt := make([]int, nt*n)
	touchedMark := make([]bool, n)
	inWork := make([]bool, k)
	work := make([]int, k)
	for c := range work {
		work[c] = c
		inWork[c] = true
	}
	var touched, snapshot []int
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		inWork[s] = false
		snapshot = append(snapshot[:0], members[s]...)
		touched = touched[:0]
		for _, u := range snapshot {
			for _, nb := range m.adj[u] {
				v := nb.Atom
				if !touchedMark[v] {
					touchedMark[v] = true
					touched = append(touched, v)
				}
				cnt[nt*v+btype(nb.Bond)]++
			}
		}
		// Touched atoms by class, classes in increasing order.
		byClass := map[int][]int{}
		var classes []int
		for _, v := range touched {
			c := cls[v]
			if _, ok := byClass[c]; !ok {
				classes = append(classes, c)
			}
			byClass[c] = append(byClass[c], v)
		}
		slices.Sort(classes)
		for _, c := range classes {
			tv := byClass[c]
			groups := map[[nt]int][]int{}
			for _, v := range tv {
				var key [nt]int
				copy(key[:], cnt[nt*v:nt*v+nt])
				groups[key] = append(groups[key], v)
			}
			if len(groups) == 1 && len(tv) == len(members[c]) {
				continue // every atom of c sees s alike
			}
			// Parts: the untouched atoms (zero counts), then the touched
			// groups in key order. The touched atoms are swap-removed from
			// members[c] (pos holds each atom's index there), so a split
			// costs the touched atoms, not the size of c.
			var parts [][]int
			l := members[c]
			for _, v := range tv {
				i, last := pos[v], l[len(l)-1]
				l[i], pos[last] = last, i
				l = l[:len(l)-1]
			}
			members[c] = l
			hasRest := len(l) > 0
			if hasRest {
				parts = append(parts, l)
			}
			keys := make([][nt]int, 0, len(groups))
			for key := range groups {
				keys = append(keys, key)
			}
			slices.SortFunc(keys, func(a, b [nt]int) int { return slices.Compare(a[:], b[:]) })
			for _, key := range keys {
				parts = append(parts, groups[key])
			}
			largest := 0
			for j, p := range parts {
				if len(p) > len(parts[largest]) {
					largest = j
				}
			}
			for j, p := range parts {
				id := c
				if j != largest {
					id = len(members)
					members = append(members, nil)
					inWork = append(inWork, false)
				}
				members[id] = p
				if !(hasRest && j == 0 && id == c) { // the kept rest is in place
					for x, v := range p {
						cls[v], pos[v] = id, x
					}
				}
				if j != largest || inWork[c] && id == c {
					if !inWork[id] {
						inWork[id] = true
						work = append(work, id)
					}
				}
			}
		}
		for _, v := range touched {
			touchedMark[v] = false
			clear(cnt[nt*v : nt*v+nt])
		}
	}
	// Renumber by first atom.
	ren := make([]int, len(members))
	for i := range ren {
		ren[i] = -1
	}
	next := 0
	for i, c := range cls {
		if ren[c] < 0 {
			ren[c] = next
			next++
		}
		cls[i] = ren[c]
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

// chiralityFromVolume sets the chirality of atom i from the signed volume
// v of its neighbours (SignedVolume): ChiralCCW below −volumeTolerance,
// ChiralCW above volumeTolerance, unchanged in between.
func (m *Molecule) chiralityFromVolume(i int, v float64) {
	switch {
	case v < -volumeTolerance:
		m.Atoms[i].Chirality = ChiralCCW
	case v > volumeTolerance:
		m.Atoms[i].Chirality = ChiralCW
	}
}

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
		m.chiralityFromVolume(i, v)
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
