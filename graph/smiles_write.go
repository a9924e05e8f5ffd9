package graph

import (
	"strconv"
	"strings"
)

// WriteSMILES writes m as a SMILES string in Kekulé form (explicit "="
// and "#", upper-case atoms) that ParseSMILES reads back to the same graph:
// same atoms, charges, isotopes, hydrogen counts, bonds, tetrahedral
// parities and double-bond configurations. Atom order follows a depth-first
// traversal from the lowest-numbered atom of each fragment; the output is
// not canonical. Explicit hydrogen atoms are written as [H].
func WriteSMILES(m *Molecule) string {
	s, _ := writeSMILESOrder(m)
	return s
}

// writeSMILESOrder also returns the atoms in output order: atom k of the
// re-parsed SMILES is atom order[k] of m.
func writeSMILESOrder(m *Molecule) (string, []int) {
	w := smilesWriter{m: m}
	s := w.write()
	return s, w.order
}

type closure struct {
	bond    int
	partner int
	opener  bool
}

type smilesWriter struct {
	m        *Molecule
	visited  []bool
	seenBond []bool
	children [][]Neighbor
	rings    [][]closure
	parent   []int
	dirs     []BondDir // Begin→End marks chosen for output
	digit    []int     // per bond: ring digit in use
	free     []bool
	order    []int
	sb       strings.Builder
}

func (w *smilesWriter) write() string {
	m := w.m
	n := len(m.Atoms)
	w.visited = make([]bool, n)
	w.seenBond = make([]bool, len(m.Bonds))
	w.children = make([][]Neighbor, n)
	w.rings = make([][]closure, n)
	w.parent = make([]int, n)
	w.digit = make([]int, len(m.Bonds))
	w.free = make([]bool, 100)
	for i := range w.free {
		w.free[i] = true
	}
	w.free[0] = false // start numbering at 1
	w.assignDirs()
	var roots []int
	for s := 0; s < n; s++ {
		if w.visited[s] {
			continue
		}
		roots = append(roots, s)
		w.parent[s] = -1
		w.dfs(s)
	}
	for k, r := range roots {
		if k > 0 {
			w.sb.WriteByte('.')
		}
		w.emit(r)
	}
	return w.sb.String()
}

// dfs builds the spanning tree (iteratively, to survive long chains).
func (w *smilesWriter) dfs(s int) {
	m := w.m
	type frame struct{ u, parentBond, next int }
	stack := []frame{{s, -1, 0}}
	w.visited[s] = true
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		u := f.u
		if f.next >= len(m.adj[u]) {
			stack = stack[:len(stack)-1]
			continue
		}
		nb := m.adj[u][f.next]
		f.next++
		if nb.Bond == f.parentBond || w.seenBond[nb.Bond] {
			continue
		}
		w.seenBond[nb.Bond] = true
		if w.visited[nb.Atom] {
			// Ring closure: opened at the earlier atom nb.Atom, closed here.
			w.rings[nb.Atom] = append(w.rings[nb.Atom], closure{nb.Bond, u, true})
			w.rings[u] = append(w.rings[u], closure{nb.Bond, nb.Atom, false})
			continue
		}
		w.visited[nb.Atom] = true
		w.parent[nb.Atom] = u
		w.children[u] = append(w.children[u], nb)
		stack = append(stack, frame{nb.Atom, nb.Bond, 0})
	}
}

// assignDirs chooses "/" "\" marks reproducing each double bond's Stereo.
func (w *smilesWriter) assignDirs() {
	m := w.m
	w.dirs = make([]BondDir, len(m.Bonds))
	// charFrom(from,to) as the mark read from "from" to "to".
	get := func(from, to int) (int, BondDir) {
		k := m.BondBetween(from, to)
		d := w.dirs[k]
		if m.Bonds[k].Begin != from {
			d = d.flip()
		}
		return k, d
	}
	set := func(from, to int, d BondDir) {
		k := m.BondBetween(from, to)
		if m.Bonds[k].Begin != from {
			d = d.flip()
		}
		w.dirs[k] = d
	}
	for _, b := range m.Bonds {
		if b.Order != OrderDouble || b.Stereo == StereoNone {
			continue
		}
		x, y := b.StereoAtoms[0], b.StereoAtoms[1]
		if m.BondBetween(x, b.Begin) < 0 || m.BondBetween(b.End, y) < 0 {
			continue
		}
		if m.Bonds[m.BondBetween(x, b.Begin)].Order != OrderSingle || m.Bonds[m.BondBetween(b.End, y)].Order != OrderSingle {
			continue
		}
		_, cx := get(x, b.Begin)
		_, cy := get(b.End, y)
		same := b.Stereo == StereoTrans
		switch {
		case cx == DirNone && cy == DirNone:
			set(x, b.Begin, DirUp)
			if same {
				set(b.End, y, DirUp)
			} else {
				set(b.End, y, DirDown)
			}
		case cx != DirNone && cy == DirNone:
			if same {
				set(b.End, y, cx)
			} else {
				set(b.End, y, cx.flip())
			}
		case cx == DirNone && cy != DirNone:
			if same {
				set(x, b.Begin, cy)
			} else {
				set(x, b.Begin, cy.flip())
			}
		}
	}
}

func (w *smilesWriter) bondSymbol(k, from int) string {
	b := w.m.Bonds[k]
	switch b.Order {
	case OrderDouble:
		return "="
	case OrderTriple:
		return "#"
	}
	d := w.dirs[k]
	if b.Begin != from {
		d = d.flip()
	}
	switch d {
	case DirUp:
		return "/"
	case DirDown:
		return "\\"
	}
	return ""
}

func (w *smilesWriter) emit(u int) {
	m := w.m
	// SMILES neighbour order: parent, H slot, ring closures, children.
	var sord []int
	if p := w.parent[u]; p >= 0 {
		sord = append(sord, p)
	}
	ref, isCentre := m.stereoRefs(u)
	chir := m.Atoms[u].Chirality
	if chir != ChiralNone && isCentre && len(ref) == 4 && ref[3] == -1 {
		sord = append(sord, -1) // implicit H or lone pair follows the parent
	}
	for _, c := range w.rings[u] {
		sord = append(sord, c.partner)
	}
	for _, c := range w.children[u] {
		sord = append(sord, c.Atom)
	}
	written := ChiralNone
	if chir != ChiralNone && isCentre {
		if odd, ok := permutationParity(sord, ref); ok {
			written = chir
			if odd {
				written = chir.Invert()
			}
		}
	}
	w.order = append(w.order, u)
	w.atomText(u, written)
	for _, c := range w.rings[u] {
		if c.opener {
			d := 1
			for d < len(w.free) && !w.free[d] {
				d++
			}
			if d == len(w.free) {
				w.free = append(w.free, true) // beyond 99: written %(nnn)
			}
			w.free[d] = false
			w.digit[c.bond] = d
			w.sb.WriteString(w.bondSymbol(c.bond, u))
			writeDigit(&w.sb, d)
		} else {
			d := w.digit[c.bond]
			writeDigit(&w.sb, d)
			w.free[d] = true
		}
	}
	ch := w.children[u]
	for i, c := range ch {
		last := i == len(ch)-1
		if !last {
			w.sb.WriteByte('(')
		}
		w.sb.WriteString(w.bondSymbol(c.Bond, u))
		w.emit(c.Atom)
		if !last {
			w.sb.WriteByte(')')
		}
	}
}

func writeDigit(sb *strings.Builder, d int) {
	switch {
	case d < 10:
		sb.WriteByte(byte('0' + d))
	case d < 100:
		sb.WriteByte('%')
		sb.WriteString(strconv.Itoa(d))
	default:
		sb.WriteString("%(")
		sb.WriteString(strconv.Itoa(d))
		sb.WriteByte(')')
	}
}

// defaultH is the implicit hydrogen count an organic-subset atom with bond
// order sum v gets when written without brackets, or -1 if it cannot be.
func defaultH(z, v int) int {
	switch z {
	case 5, 6, 7, 8, 9, 15, 16, 17, 35, 53:
	default:
		return -1
	}
	for _, val := range elements[z].valences {
		if val >= v {
			return val - v
		}
	}
	return 0
}

func (w *smilesWriter) atomText(u int, chir Chirality) {
	m := w.m
	a := m.Atoms[u]
	v := 0
	for _, nb := range m.adj[u] {
		v += m.Bonds[nb.Bond].Order
	}
	if chir == ChiralNone && a.Charge == 0 && a.Isotope == 0 && a.MapClass == 0 && defaultH(a.Element, v) == a.ImplicitH {
		w.sb.WriteString(ElementSymbol(a.Element))
		return
	}
	if a.Element == 0 && chir == ChiralNone && a.Charge == 0 && a.Isotope == 0 && a.MapClass == 0 && a.ImplicitH == 0 {
		w.sb.WriteByte('*')
		return
	}
	sb := &w.sb
	sb.WriteByte('[')
	if a.Isotope > 0 {
		sb.WriteString(strconv.Itoa(a.Isotope))
	}
	sb.WriteString(ElementSymbol(a.Element))
	switch chir {
	case ChiralCCW:
		sb.WriteString("@")
	case ChiralCW:
		sb.WriteString("@@")
	}
	if a.ImplicitH > 0 {
		sb.WriteByte('H')
		if a.ImplicitH > 1 {
			sb.WriteString(strconv.Itoa(a.ImplicitH))
		}
	}
	switch {
	case a.Charge > 0:
		sb.WriteByte('+')
		if a.Charge > 1 {
			sb.WriteString(strconv.Itoa(a.Charge))
		}
	case a.Charge < 0:
		sb.WriteByte('-')
		if a.Charge < -1 {
			sb.WriteString(strconv.Itoa(-a.Charge))
		}
	}
	if a.MapClass > 0 {
		sb.WriteByte(':')
		sb.WriteString(strconv.Itoa(a.MapClass))
	}
	sb.WriteByte(']')
}
