package graph

import (
	"math/bits"
	"slices"
	"sort"
)

type ringInfo struct {
	bondInRing []bool
	rings      [][]int // SSSR, atoms in cyclic order
	ringBonds  [][]int // bonds of each ring
}

// ringBonds reports for each bond whether it lies on a cycle (is not a
// bridge), by Tarjan's low-link depth-first search (iterative).
func ringBonds(m *Molecule) []bool {
	n := len(m.Atoms)
	in := make([]bool, len(m.Bonds))
	disc := make([]int, n)
	low := make([]int, n)
	for i := range disc {
		disc[i] = -1
	}
	type frame struct{ u, parentBond, next int }
	t := 0
	for s := 0; s < n; s++ {
		if disc[s] >= 0 {
			continue
		}
		stack := []frame{{s, -1, 0}}
		disc[s], low[s] = t, t
		t++
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			u := f.u
			if f.next < len(m.adj[u]) {
				nb := m.adj[u][f.next]
				f.next++
				if nb.Bond == f.parentBond {
					continue
				}
				v := nb.Atom
				if disc[v] < 0 {
					disc[v], low[v] = t, t
					t++
					stack = append(stack, frame{v, nb.Bond, 0})
				} else {
					in[nb.Bond] = true // back edge: always on a cycle
					if disc[v] < low[u] {
						low[u] = disc[v]
					}
				}
				continue
			}
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				p := stack[len(stack)-1].u
				if low[u] < low[p] {
					low[p] = low[u]
				}
				if low[u] <= disc[p] {
					in[f.parentBond] = true
				}
			}
		}
	}
	return in
}

// Perceive recomputes ring information and aromaticity flags from the
// current Kekulé bond orders. Readers call it; call it again after editing
// bonds by hand.
func (m *Molecule) Perceive() {
	m.rings = nil
	ri := m.ringInfo()
	for i := range m.Atoms {
		m.Atoms[i].Aromatic = false
	}
	for k := range m.Bonds {
		m.Bonds[k].Aromatic = false
	}
	markAromatic(m, ri)
}

func (m *Molecule) ringInfo() *ringInfo {
	if m.rings == nil {
		m.rings = computeRings(m)
	}
	return m.rings
}

// BondInRing reports whether bond k lies on a cycle.
func (m *Molecule) BondInRing(k int) bool { return m.ringInfo().bondInRing[k] }

// AtomInRing reports whether atom i lies on a cycle.
func (m *Molecule) AtomInRing(i int) bool {
	ri := m.ringInfo()
	for _, nb := range m.adj[i] {
		if ri.bondInRing[nb.Bond] {
			return true
		}
	}
	return false
}

// Rings returns the smallest set of smallest rings (SSSR, a minimum cycle
// basis of the graph), each as atom indices in cyclic order, smallest rings
// first. Its size is the cyclomatic number E − V + C (Frerejacque). The
// rings are chosen among Horton's candidate cycles (Horton, SIAM J. Comput.
// 16, 358 (1987)) by Gaussian elimination over GF(2) on bond incidence
// vectors. The slices must not be modified.
func (m *Molecule) Rings() [][]int { return m.ringInfo().rings }

// NumRings returns the number of SSSR rings.
func (m *Molecule) NumRings() int { return len(m.ringInfo().rings) }

func computeRings(m *Molecule) *ringInfo {
	ri := &ringInfo{bondInRing: ringBonds(m)}
	n := len(m.Atoms)
	local := make([]int, n)
	for i := range local {
		local[i] = -1
	}
	// Ring systems: components of the ring-bond subgraph.
	sys := make([]int, n)
	for i := range sys {
		sys[i] = -1
	}
	for s := 0; s < n; s++ {
		if sys[s] >= 0 {
			continue
		}
		hasRing := false
		for _, nb := range m.adj[s] {
			if ri.bondInRing[nb.Bond] {
				hasRing = true
			}
		}
		if !hasRing {
			continue
		}
		var atoms []int
		var bonds []int
		stack := []int{s}
		sys[s] = s
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			atoms = append(atoms, u)
			for _, nb := range m.adj[u] {
				if !ri.bondInRing[nb.Bond] {
					continue
				}
				if u < nb.Atom {
					bonds = append(bonds, nb.Bond)
				}
				if sys[nb.Atom] < 0 {
					sys[nb.Atom] = s
					stack = append(stack, nb.Atom)
				}
			}
		}
		rings, rb := ringSystemSSSR(m, atoms, bonds, ri.bondInRing, local)
		ri.rings = append(ri.rings, rings...)
		ri.ringBonds = append(ri.ringBonds, rb...)
	}
	// Stable order: by size, then by smallest atom.
	idx := make([]int, len(ri.rings))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return len(ri.rings[idx[a]]) < len(ri.rings[idx[b]])
	})
	r2 := make([][]int, len(idx))
	b2 := make([][]int, len(idx))
	for i, j := range idx {
		r2[i], b2[i] = ri.rings[j], ri.ringBonds[j]
	}
	ri.rings, ri.ringBonds = r2, b2
	return ri
}

type cycleCand struct {
	atoms []int
	bits  []uint64
	bonds []int
}

// ringSystemSSSR finds a minimum cycle basis of one ring system. local
// is scratch of length len(m.Atoms), all -1 on entry and on return.
func ringSystemSSSR(m *Molecule, atoms, bonds []int, inRing []bool, local []int) ([][]int, [][]int) {
	nr := len(bonds) - len(atoms) + 1
	if nr <= 0 {
		return nil, nil
	}
	if nr == 1 {
		// Walk the single cycle.
		cyc := []int{atoms[0]}
		prev, cur := -1, atoms[0]
		for {
			next := -1
			for _, nb := range m.adj[cur] {
				if inRing[nb.Bond] && nb.Atom != prev {
					next = nb.Atom
					break
				}
			}
			if next == atoms[0] || next < 0 {
				break
			}
			cyc = append(cyc, next)
			prev, cur = cur, next
		}
		return [][]int{cyc}, [][]int{cycleBonds(m, cyc)}
	}
	for i, a := range atoms {
		local[a] = i
	}
	defer func() {
		for _, a := range atoms {
			local[a] = -1
		}
	}()
	bl := make(map[int]int, len(bonds))
	for i, b := range bonds {
		bl[b] = i
	}
	words := (len(bonds) + 63) / 64
	na := len(atoms)
	// Horton candidates: for each root v and ring bond (x,y), the cycle
	// P(v,x) + (x,y) + P(y,v) when both shortest paths meet only at v.
	// They are generated in rounds of increasing length bound L (8, 16,
	// ...), each round taking the candidates of length in (L/2, L] in the
	// order of a full enumeration (by root, then bond), so the greedy
	// selection below sees them in the same order as with all candidates
	// sorted by length; but a round only explores the ball of radius L/2
	// around each root, so fused systems of small rings (polyacenes,
	// ladders) cost time linear in their size instead of quadratic
	// candidate lists of long cycles.
	seen := map[string]bool{}
	dist := make([]int, na)
	par := make([]int, na)
	mark := make([]int, na)
	for i := range dist {
		dist[i] = -1
	}
	stamp := 0
	queue := make([]int, 0, na)
	px := make([]int, 0, na)
	py := make([]int, 0, na)
	var rb []int
	var basis [][]uint64
	var pivots []int
	var rings, rbonds [][]int
	for lo, hi := 0, 8; len(rings) < nr && lo < na; lo, hi = hi, 2*hi {
		var cands []cycleCand
		for r := 0; r < na; r++ {
			dist[r], par[r] = 0, -1
			queue = append(queue[:0], r)
			for h := 0; h < len(queue); h++ {
				u := queue[h]
				if 2*dist[u] >= hi {
					continue // a cycle of length ≤ hi lies within hi/2 of r
				}
				for _, nb := range m.adj[atoms[u]] {
					if !inRing[nb.Bond] {
						continue
					}
					v := local[nb.Atom]
					if dist[v] < 0 {
						dist[v] = dist[u] + 1
						par[v] = u
						queue = append(queue, v)
					}
				}
			}
			// Ring bonds between reached atoms, in the order of bonds.
			rb = rb[:0]
			for _, u := range queue {
				for _, nb := range m.adj[atoms[u]] {
					if inRing[nb.Bond] && atoms[u] < nb.Atom && dist[local[nb.Atom]] >= 0 {
						rb = append(rb, bl[nb.Bond])
					}
				}
			}
			slices.Sort(rb)
			for _, bi := range rb {
				b := bonds[bi]
				x, y := local[m.Bonds[b].Begin], local[m.Bonds[b].End]
				if par[x] == y || par[y] == x {
					continue
				}
				if l := dist[x] + dist[y] + 1; l <= lo || l > hi {
					continue
				}
				// Only cycles whose root is opposite the edge (|dx-dy| <= 1);
				// others are found from a better root.
				if d := dist[x] - dist[y]; d > 1 || d < -1 {
					continue
				}
				// Paths from x and y back to r must be disjoint except at r.
				stamp++
				px = px[:0]
				for u := x; u >= 0; u = par[u] {
					px = append(px, u)
					mark[u] = stamp
				}
				py = py[:0]
				ok := true
				for u := y; u >= 0; u = par[u] {
					if u != r && mark[u] == stamp {
						ok = false
						break
					}
					py = append(py, u)
				}
				if !ok {
					continue
				}
				cyc := make([]int, 0, len(px)+len(py)-1)
				for _, u := range px {
					cyc = append(cyc, atoms[u])
				}
				for i := len(py) - 2; i >= 0; i-- {
					cyc = append(cyc, atoms[py[i]])
				}
				cb := cycleBonds(m, cyc)
				bits := make([]uint64, words)
				for _, k := range cb {
					j := bl[k]
					bits[j/64] |= 1 << (j % 64)
				}
				key := bitsKey(bits)
				if seen[key] {
					continue
				}
				seen[key] = true
				cands = append(cands, cycleCand{atoms: cyc, bits: bits, bonds: cb})
			}
			for _, u := range queue {
				dist[u] = -1
			}
		}
		sort.SliceStable(cands, func(i, j int) bool { return len(cands[i].atoms) < len(cands[j].atoms) })
		// Greedy independent selection (GF(2) elimination, pivot per row).
		for _, c := range cands {
			v := c.bits
			for bi, row := range basis {
				p := pivots[bi]
				if v[p/64]>>(p%64)&1 == 1 {
					for w := range v {
						v[w] ^= row[w]
					}
				}
			}
			p := -1
			for w := range v {
				if v[w] != 0 {
					p = w*64 + bits.TrailingZeros64(v[w])
					break
				}
			}
			if p < 0 {
				continue
			}
			// Keep the basis reduced so that elimination with pivots works.
			for bi, row := range basis {
				if row[p/64]>>(p%64)&1 == 1 {
					for w := range row {
						row[w] ^= v[w]
					}
					basis[bi] = row
				}
			}
			basis = append(basis, v)
			pivots = append(pivots, p)
			rings = append(rings, c.atoms)
			rbonds = append(rbonds, c.bonds)
			if len(rings) == nr {
				break
			}
		}
	}
	return rings, rbonds
}

func bitsKey(b []uint64) string {
	buf := make([]byte, 0, 8*len(b))
	for _, w := range b {
		for i := 0; i < 8; i++ {
			buf = append(buf, byte(w>>(8*i)))
		}
	}
	return string(buf)
}

func cycleBonds(m *Molecule, cyc []int) []int {
	out := make([]int, len(cyc))
	for i := range cyc {
		out[i] = m.BondBetween(cyc[i], cyc[(i+1)%len(cyc)])
	}
	return out
}

// piElectrons returns the number of π electrons atom i donates to an
// aromatic ring, or -1 if it cannot be part of one. The model follows
// RDKit's default: an atom with a double bond in a ring gives 1; an atom
// whose only double bond is exocyclic to a more electronegative atom (C=O,
// C=N, C=S) gives 0; a neutral N, P with three connections, an O, S, Se
// with two, and a carbanion give their lone pair (2); a carbocation and a
// three-connected boron give 0.
func piElectrons(m *Molecule, i int, inRing []bool) int {
	a := m.Atoms[i]
	switch a.Element {
	case 5, 6, 7, 8, 15, 16, 33, 34, 52:
	default:
		return -1
	}
	deg := len(m.adj[i]) + a.ImplicitH
	nDouble, ringDouble := 0, false
	exoPartner := -1
	for _, nb := range m.adj[i] {
		b := m.Bonds[nb.Bond]
		switch b.Order {
		case OrderTriple:
			return -1
		case OrderDouble:
			nDouble++
			if inRing[nb.Bond] {
				ringDouble = true
			} else {
				exoPartner = nb.Atom
			}
		}
	}
	if nDouble > 1 {
		return -1
	}
	if deg > 3 {
		return -1
	}
	if ringDouble {
		return 1
	}
	if nDouble == 1 {
		switch m.Atoms[exoPartner].Element {
		case 7, 8, 16:
			if a.Element == 6 || a.Element == 7 && a.Charge == 1 {
				return 0
			}
		}
		return -1
	}
	switch a.Element {
	case 6:
		switch {
		case a.Charge == -1 && deg == 3:
			return 2
		case a.Charge == 1 && deg == 3:
			return 0
		}
		return -1
	case 7, 15, 33:
		switch {
		case a.Charge == 0 && deg == 3:
			return 2
		case a.Charge == -1 && deg == 2:
			return 2
		}
		return -1
	case 8, 16, 34, 52:
		if a.Charge == 0 && deg == 2 {
			return 2
		}
		return -1
	case 5:
		if a.Charge == 0 && deg == 3 {
			return 0
		}
	}
	return -1
}

// markAromatic flags aromatic atoms and bonds: every SSSR ring, and every
// union of two SSSR rings sharing a bond, whose atoms can all donate π
// electrons and whose π-electron count is 4n+2 (Hückel's rule) is aromatic.
func markAromatic(m *Molecule, ri *ringInfo) {
	e := make([]int, len(m.Atoms))
	for i := range m.Atoms {
		e[i] = piElectrons(m, i, ri.bondInRing)
	}
	huckel := func(atoms []int) bool {
		sum := 0
		for _, a := range atoms {
			if e[a] < 0 {
				return false
			}
			sum += e[a]
		}
		return sum%4 == 2
	}
	mark := func(atoms []int, bonds []int) {
		for _, a := range atoms {
			m.Atoms[a].Aromatic = true
		}
		for _, b := range bonds {
			m.Bonds[b].Aromatic = true
		}
	}
	for r, ring := range ri.rings {
		if huckel(ring) {
			mark(ring, ri.ringBonds[r])
		}
	}
	// Fused pairs: only rings that share a bond can form a fused pair, so
	// pairs are enumerated through a bond → rings index built once, over
	// the rings whose atoms can all donate π electrons (any other union
	// fails Hückel's test anyway). Atoms that donate have at most three
	// neighbours, so few eligible rings meet at any bond; stamps make the
	// shared-bond count and the union linear in the ring sizes.
	bondRings := make(map[int][]int)
	for r, ring := range ri.rings {
		ok := true
		for _, a := range ring {
			if e[a] < 0 {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		for _, b := range ri.ringBonds[r] {
			bondRings[b] = append(bondRings[b], r)
		}
	}
	bondStamp := make([]int, len(m.Bonds))
	atomStamp := make([]int, len(m.Atoms))
	stamp := 0
	type pair struct{ r1, r2 int }
	done := make(map[pair]bool)
	// Deterministic order: walk the rings, and for each of its bonds the
	// later rings on that bond.
	for r1 := range ri.rings {
		for _, b := range ri.ringBonds[r1] {
			for _, r2 := range bondRings[b] {
				if r2 <= r1 || done[pair{r1, r2}] {
					continue
				}
				done[pair{r1, r2}] = true
				stamp++
				for _, b1 := range ri.ringBonds[r1] {
					bondStamp[b1] = stamp
				}
				shared := 0
				for _, b2 := range ri.ringBonds[r2] {
					if bondStamp[b2] == stamp {
						shared++
					}
				}
				if shared != 1 {
					continue
				}
				union := slices.Clone(ri.rings[r1])
				for _, a := range union {
					atomStamp[a] = stamp
				}
				for _, a := range ri.rings[r2] {
					if atomStamp[a] != stamp {
						union = append(union, a)
					}
				}
				if huckel(union) {
					mark(union, append(slices.Clone(ri.ringBonds[r1]), ri.ringBonds[r2]...))
				}
			}
		}
	}
}

// Hybridization is an atom's orbital hybridisation.
type Hybridization int8

// Hybridisation states.
const (
	HybridOther Hybridization = iota // hydrogen, metals, isolated atoms
	SP
	SP2
	SP3
)

func (h Hybridization) String() string {
	return [...]string{"other", "sp", "sp2", "sp3"}[h]
}

// Hybridization returns the hybridisation of atom i: aromatic atoms are
// sp2; an atom with a triple bond or two double bonds is sp; one double
// bond gives sp2; a three-connected N, or a two-connected O or S, next to a
// double bond or an aromatic atom is sp2 (conjugated lone pair, as in
// amides, anilines and furans); a three-connected carbocation or boron is
// sp2; other main-group atoms with four electron domains are sp3.
func (m *Molecule) Hybridization(i int) Hybridization {
	a := m.Atoms[i]
	if a.Element == 1 || a.Element == 0 || len(m.adj[i])+a.ImplicitH == 0 {
		return HybridOther
	}
	if a.Aromatic {
		return SP2
	}
	nd, nt := 0, 0
	for _, nb := range m.adj[i] {
		switch m.Bonds[nb.Bond].Order {
		case OrderDouble:
			nd++
		case OrderTriple:
			nt++
		}
	}
	switch {
	case nt > 0 || nd >= 2:
		return SP
	case nd == 1:
		return SP2
	}
	deg := len(m.adj[i]) + a.ImplicitH
	switch a.Element {
	case 7, 8, 16:
		if (a.Element == 7 && deg == 3 && a.Charge == 0) || (a.Element != 7 && deg == 2 && a.Charge == 0) {
			for _, nb := range m.adj[i] {
				if m.Atoms[nb.Atom].Aromatic {
					return SP2
				}
				for _, nb2 := range m.adj[nb.Atom] {
					if m.Bonds[nb2.Bond].Order == OrderDouble {
						return SP2
					}
				}
			}
		}
		return SP3
	case 5:
		if deg == 3 {
			return SP2
		}
		return SP3
	case 6:
		if deg == 3 && a.Charge == 1 {
			return SP2 // carbocation
		}
		return SP3
	case 14, 15, 33, 34, 52, 9, 17, 35, 53:
		return SP3
	}
	return HybridOther
}

// AromaticRings reports for each ring of Rings whether it is aromatic (all
// its bonds are flagged aromatic).
func (m *Molecule) AromaticRings() []bool {
	ri := m.ringInfo()
	out := make([]bool, len(ri.rings))
	for r, bonds := range ri.ringBonds {
		out[r] = true
		for _, k := range bonds {
			if !m.Bonds[k].Aromatic {
				out[r] = false
				break
			}
		}
	}
	return out
}
