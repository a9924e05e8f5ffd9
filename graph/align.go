package graph

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/spatial/r3"
)

// Superposition is the optimal rigid motion x ↦ R(x − Cp) + Cq taking a
// point set P onto Q in the least-squares sense.
type Superposition struct {
	R      [3][3]float64 // proper rotation, det R = +1
	Cp, Cq r3.Vec        // centroids of P and Q
	RMSD   float64       // sqrt(Σ|R(pᵢ−Cp) + Cq − qᵢ|² / n)
}

// Apply returns the image of x under the superposition.
func (s Superposition) Apply(x r3.Vec) r3.Vec {
	d := r3.Sub(x, s.Cp)
	return r3.Vec{
		X: s.R[0][0]*d.X + s.R[0][1]*d.Y + s.R[0][2]*d.Z + s.Cq.X,
		Y: s.R[1][0]*d.X + s.R[1][1]*d.Y + s.R[1][2]*d.Z + s.Cq.Y,
		Z: s.R[2][0]*d.X + s.R[2][1]*d.Y + s.R[2][2]*d.Z + s.Cq.Z,
	}
}

// Kabsch returns the rotation and translation minimising the RMSD between
// p (moved) and q (fixed), which must have the same length n > 0.
//
// Algorithm (Kabsch, Acta Cryst. A32, 922 (1976); A34, 827 (1978)): centre
// both sets, form the covariance H = Σ (pᵢ−Cp)(qᵢ−Cq)ᵀ, take its SVD
// H = U Σ Vᵀ (gonum mat.SVD), d = sign det(V Uᵀ), and R = V diag(1, 1, d) Uᵀ;
// the d term excludes reflections, so mirror images do not superpose.
//
// Kabsch panics if a coordinate is NaN or ±Inf, or so large that the
// covariance overflows (a programmer error: the readers reject such
// coordinates); BestRMSD returns ErrNonFinite instead.
func Kabsch(p, q []r3.Vec) Superposition {
	s, err := kabsch(p, q)
	if err != nil {
		panic("graph: Kabsch: non-finite coordinates")
	}
	return s
}

// ErrNonFinite is returned when coordinates are NaN or infinite, or so
// large that the superposition overflows.
var ErrNonFinite = errors.New("graph: non-finite coordinates")

func finite(v r3.Vec) bool {
	return !math.IsNaN(v.X+v.Y+v.Z) && !math.IsInf(v.X, 0) && !math.IsInf(v.Y, 0) && !math.IsInf(v.Z, 0)
}

func kabsch(p, q []r3.Vec) (Superposition, error) {
	if len(p) != len(q) || len(p) == 0 {
		panic("graph: Kabsch needs two non-empty point sets of equal length")
	}
	for i := range p {
		if !finite(p[i]) || !finite(q[i]) {
			return Superposition{}, ErrNonFinite
		}
	}
	n := float64(len(p))
	var cp, cq r3.Vec
	for i := range p {
		cp = r3.Add(cp, p[i])
		cq = r3.Add(cq, q[i])
	}
	cp, cq = r3.Scale(1/n, cp), r3.Scale(1/n, cq)
	var h [9]float64
	for i := range p {
		a, b := r3.Sub(p[i], cp), r3.Sub(q[i], cq)
		av := [3]float64{a.X, a.Y, a.Z}
		bv := [3]float64{b.X, b.Y, b.Z}
		for r := 0; r < 3; r++ {
			for c := 0; c < 3; c++ {
				h[3*r+c] += av[r] * bv[c]
			}
		}
	}
	for _, x := range h {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Superposition{}, ErrNonFinite
		}
	}
	var svd mat.SVD
	if !svd.Factorize(mat.NewDense(3, 3, h[:]), mat.SVDFull) {
		return Superposition{}, ErrNonFinite
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	var vut mat.Dense
	vut.Mul(&v, u.T())
	d := 1.0
	if mat.Det(&vut) < 0 {
		d = -1
	}
	s := Superposition{Cp: cp, Cq: cq}
	for r := 0; r < 3; r++ {
		for c := 0; c < 3; c++ {
			s.R[r][c] = v.At(r, 0)*u.At(c, 0) + v.At(r, 1)*u.At(c, 1) + d*v.At(r, 2)*u.At(c, 2)
		}
	}
	sum := 0.0
	for i := range p {
		sum += r3.Norm2(r3.Sub(s.Apply(p[i]), q[i]))
	}
	s.RMSD = math.Sqrt(sum / n)
	if math.IsNaN(s.RMSD) || math.IsInf(s.RMSD, 0) {
		return Superposition{}, ErrNonFinite
	}
	return s, nil
}

// KabschRMSD returns the RMSD of p and q after optimal superposition.
func KabschRMSD(p, q []r3.Vec) float64 { return Kabsch(p, q).RMSD }

// MaxAutomorphisms bounds the symmetry permutations tried by BestRMSD.
const MaxAutomorphisms = 100000

// Limits on the automorphism search, whatever the limit asked for: the
// permutations kept hold at most MaxAutomorphismInts ints in all (32 MB;
// at most MaxAutomorphismInts/n permutations of n atoms), and the
// backtracking examines at most MaxAutomorphismSteps candidate images.
// Past either, the search stops and reports an incomplete list.
const (
	MaxAutomorphismInts  = 4_000_000
	MaxAutomorphismSteps = 20_000_000
)

// ErrTooSymmetric is returned when a molecule has more than
// MaxAutomorphisms automorphisms on the aligned atoms, or when their search
// passes MaxAutomorphismInts or MaxAutomorphismSteps.
var ErrTooSymmetric = errors.New("graph: too many automorphisms")

// Automorphisms returns the permutations π of atoms (a subset of atom
// indices, e.g. HeavyAtoms) that preserve the induced subgraph: element,
// charge, isotope, symmetry class and bond type (aromatic or Kekulé order)
// of every pair. π[k] is the atom that takes the place of atoms[k]; the
// identity comes first. It stops after limit permutations, after
// MaxAutomorphismInts/len(atoms) permutations, or after
// MaxAutomorphismSteps candidate checks, and reports whether the list is
// complete. Search: backtracking over atoms in
// breadth-first order, candidates restricted to the same symmetry class
// and checked against already mapped neighbours (VF2-style).
func (m *Molecule) Automorphisms(atoms []int, limit int) (perms [][]int, complete bool) {
	return m.automorphisms(atoms, limit, MaxAutomorphismSteps, false)
}

// conjugatedTerminal marks terminal O and S atoms (no other heavy
// neighbour) of a centre that holds at least two of them, one doubly
// bonded: the oxygens of carboxylic acids, carboxylates, nitro groups,
// sulfonic acids, which heavy-atom RMSD treats as interchangeable (RDKit
// GetBestRMS symmetrizeConjugatedTerminalGroups).
func (m *Molecule) conjugatedTerminal() []bool {
	out := make([]bool, len(m.Atoms))
	for c := range m.Atoms {
		for _, el := range []int{8, 16} {
			var term []int
			double := false
			for _, nb := range m.adj[c] {
				a := nb.Atom
				if m.Atoms[a].Element == el && m.HeavyDegree(a) == 1 {
					term = append(term, a)
					if m.Bonds[nb.Bond].Order == OrderDouble {
						double = true
					}
				}
			}
			if len(term) >= 2 && double {
				for _, a := range term {
					out[a] = true
				}
			}
		}
	}
	return out
}

func (m *Molecule) automorphisms(atoms []int, limit, steps int, relax bool) (perms [][]int, complete bool) {
	n := len(atoms)
	if n > 0 && limit > MaxAutomorphismInts/n {
		limit = max(1, MaxAutomorphismInts/n)
	}
	var term []bool
	if relax {
		term = m.conjugatedTerminal()
	}
	pos := make(map[int]int, n)
	for k, a := range atoms {
		pos[a] = k
	}
	cls := m.SymmetryClasses()
	btype := func(k int) int {
		b := m.Bonds[k]
		if relax && (term[b.Begin] || term[b.End]) {
			return 5 // conjugated terminal bond
		}
		if b.Aromatic {
			return OrderAromatic
		}
		return m.Bonds[k].Order
	}
	// Local adjacency with bond types.
	type edge struct{ to, t int }
	adj := make([][]edge, n)
	for k, a := range atoms {
		for _, nb := range m.adj[a] {
			if j, ok := pos[nb.Atom]; ok {
				adj[k] = append(adj[k], edge{j, btype(nb.Bond)})
			}
		}
	}
	// BFS order over the subset so that each atom after the first of its
	// component has a mapped neighbour.
	order := make([]int, 0, n)
	seen := make([]bool, n)
	for s := 0; s < n; s++ {
		if seen[s] {
			continue
		}
		seen[s] = true
		order = append(order, s)
		for h := len(order) - 1; h < len(order); h++ {
			for _, e := range adj[order[h]] {
				if !seen[e.to] {
					seen[e.to] = true
					order = append(order, e.to)
				}
			}
		}
	}
	label := func(k int) [4]int {
		a := m.Atoms[atoms[k]]
		if relax && term[atoms[k]] {
			return [4]int{-1, a.Element, 0, a.Isotope}
		}
		return [4]int{cls[atoms[k]], a.Element, a.Charge, a.Isotope}
	}
	mp := make([]int, n)  // local k -> local image
	inv := make([]int, n) // local image -> local k
	for i := range mp {
		mp[i], inv[i] = -1, -1
	}
	edgeType := func(a, b int) int {
		for _, e := range adj[a] {
			if e.to == b {
				return e.t
			}
		}
		return 0
	}
	complete = true
	var rec func(depth int) bool
	rec = func(depth int) bool {
		if depth == n {
			p := make([]int, n)
			for k := range p {
				p[k] = atoms[mp[k]]
			}
			perms = append(perms, p)
			if len(perms) >= limit {
				complete = false
				return false
			}
			return true
		}
		u := order[depth]
		lu := label(u)
		// Candidates: identity first, then the rest of the class.
		for c := 0; c < n; c++ {
			if steps--; steps < 0 {
				complete = false
				return false
			}
			v := (u + c) % n
			if inv[v] >= 0 || label(v) != lu || len(adj[v]) != len(adj[u]) {
				continue
			}
			ok := true
			for _, e := range adj[u] {
				if w := mp[e.to]; w >= 0 && edgeType(v, w) != e.t {
					ok = false
					break
				}
			}
			if ok {
				for _, e := range adj[v] {
					if w := inv[e.to]; w >= 0 && edgeType(u, w) != e.t {
						ok = false
						break
					}
				}
			}
			if !ok {
				continue
			}
			mp[u], inv[v] = v, u
			if !rec(depth + 1) {
				return false
			}
			mp[u], inv[v] = -1, -1
		}
		return true
	}
	if n > 0 {
		rec(0)
	}
	return perms, complete
}

// BestRMSD returns the smallest RMSD between conformers probe and ref of m
// after optimal rigid superposition, minimised over the molecular graph's
// automorphisms (symmetric atoms may swap): min over π of
// Kabsch(probe∘π, ref). Only heavy atoms are used unless withH is true;
// this is the GEOM / RDKit GetBestRMS definition. It returns
// ErrNonFinite for NaN or infinite coordinates and ErrTooSymmetric when the
// automorphisms cannot all be enumerated.
func (m *Molecule) BestRMSD(probe, ref []r3.Vec, withH bool) (float64, error) {
	if len(probe) != len(m.Atoms) || len(ref) != len(m.Atoms) {
		panic("graph: BestRMSD conformer length mismatch")
	}
	atoms := m.HeavyAtoms()
	if withH {
		atoms = make([]int, len(m.Atoms))
		for i := range atoms {
			atoms[i] = i
		}
	}
	if len(atoms) == 0 {
		return 0, nil
	}
	perms, complete := m.automorphisms(atoms, MaxAutomorphisms, MaxAutomorphismSteps, !withH)
	if !complete {
		return math.NaN(), ErrTooSymmetric
	}
	q := make([]r3.Vec, len(atoms))
	for k, a := range atoms {
		q[k] = ref[a]
	}
	p := make([]r3.Vec, len(atoms))
	best := math.Inf(1)
	for _, perm := range perms {
		for k, a := range perm {
			p[k] = probe[a]
		}
		sp, err := kabsch(p, q)
		if err != nil {
			return math.NaN(), err
		}
		if sp.RMSD < best {
			best = sp.RMSD
		}
	}
	return best, nil
}
