package graph

import "fmt"

// kekuleBudget bounds the backtracking search of kekulize per aromatic
// system, so that adversarial input cannot run for ever.
const kekuleBudget = 200000

// kekulize replaces aromatic bond orders (OrderAromatic) by a Kekulé
// structure: a perfect matching of the atoms that need a π bond (needPi)
// over aromatic ring bonds. Matched bonds become double, the rest single.
// Atoms written aromatic must lie in a ring.
func kekulize(m *Molecule, needPi []bool) error {
	inRing := ringBonds(m)
	for i, a := range m.Atoms {
		if !a.Aromatic {
			continue
		}
		ok := false
		for _, nb := range m.adj[i] {
			if inRing[nb.Bond] {
				ok = true
				break
			}
		}
		if !ok {
			return &ParseError{Err: ErrChemistry, atom: i,
				Msg: fmt.Sprintf("aromatic atom %d (%s) is not in a ring", i+1, ElementSymbol(a.Element))}
		}
	}
	n := len(m.Atoms)
	cand := make([][]Neighbor, n)
	for k, b := range m.Bonds {
		if b.Order != OrderAromatic || !inRing[k] || !needPi[b.Begin] || !needPi[b.End] {
			continue
		}
		cand[b.Begin] = append(cand[b.Begin], Neighbor{b.End, k})
		cand[b.End] = append(cand[b.End], Neighbor{b.Begin, k})
	}
	mate := make([]int, n)
	for i := range mate {
		mate[i] = -1
	}
	comp := make([]int, n)
	for i := range comp {
		comp[i] = -1
	}
	// Solve each connected system separately.
	for s := 0; s < n; s++ {
		if !needPi[s] || comp[s] >= 0 {
			continue
		}
		var atoms []int
		stack := []int{s}
		comp[s] = s
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			atoms = append(atoms, u)
			for _, nb := range cand[u] {
				if comp[nb.Atom] < 0 {
					comp[nb.Atom] = s
					stack = append(stack, nb.Atom)
				}
			}
		}
		budget := kekuleBudget
		if len(atoms)%2 == 1 || !matchAll(atoms, cand, mate, &budget) {
			return &ParseError{Err: ErrChemistry, atom: s,
				Msg: fmt.Sprintf("cannot kekulise the aromatic system containing atom %d (%s): no alternating single/double bonds; check [nH] and charges",
					s+1, ElementSymbol(m.Atoms[s].Element))}
		}
	}
	for k := range m.Bonds {
		b := &m.Bonds[k]
		if b.Order != OrderAromatic {
			continue
		}
		if mate[b.Begin] == b.End {
			b.Order = OrderDouble
		} else {
			b.Order = OrderSingle
		}
	}
	return nil
}

// matchAll finds a perfect matching of atoms by backtracking, always
// branching on the unmatched atom with the fewest free partners.
func matchAll(atoms []int, cand [][]Neighbor, mate []int, budget *int) bool {
	*budget--
	if *budget < 0 {
		return false
	}
	best, bestN := -1, 1<<30
	for _, u := range atoms {
		if mate[u] >= 0 {
			continue
		}
		c := 0
		for _, nb := range cand[u] {
			if mate[nb.Atom] < 0 {
				c++
			}
		}
		if c < bestN {
			best, bestN = u, c
			if c <= 1 {
				break
			}
		}
	}
	if best < 0 {
		return true
	}
	if bestN == 0 {
		return false
	}
	for _, nb := range cand[best] {
		if mate[nb.Atom] >= 0 {
			continue
		}
		mate[best], mate[nb.Atom] = nb.Atom, best
		if matchAll(atoms, cand, mate, budget) {
			return true
		}
		mate[best], mate[nb.Atom] = -1, -1
		if *budget < 0 {
			return false
		}
	}
	return false
}
