package graph

import (
	"bufio"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"
)

// BondTolerance is added to the sum of covalent radii when perceiving
// bonds from coordinates: atoms i, j are bonded when
// 0.4 Å < |ri − rj| < Ri + Rj + BondTolerance (the rule of Open Babel's
// ConnectTheDots, Meng & Lewis, J. Comput. Chem. 12, 891 (1991)).
const BondTolerance = 0.45

// MinAtomDistance is the smallest distance in Å allowed between two atoms
// of an XYZ frame: the reader rejects a frame with two atoms closer than
// this (0.4 Å, the lower bound of Open Babel's bonding rule; the shortest
// real bond, H–H, is 0.74 Å), naming the line of the second atom.
// Because of it, a grid cell of PerceiveBonds holds a bounded number of
// atoms and bond perception stays linear.
const MinAtomDistance = 0.4

// XYZReader reads XYZ files: frames of "natoms", a comment line (the
// molecule's name) and natoms lines "Symbol x y z". Bonds are perceived
// from covalent radii and bond orders assigned by valence (PerceiveBonds).
type XYZReader struct {
	sc     *bufio.Scanner
	source string
	line   int
	resync bool // after an error: skip to the next line that is a count
}

// NewXYZReader returns a reader of r; source names it in errors.
func NewXYZReader(r io.Reader, source string) *XYZReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxMolLine)
	return &XYZReader{sc: sc, source: source}
}

func (r *XYZReader) scan() (string, bool, error) {
	if !r.sc.Scan() {
		if err := r.sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return "", false, &ParseError{Source: r.source, Line: r.line + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxMolLine), Err: ErrTooLarge}
			}
			return "", false, err
		}
		return "", false, nil
	}
	r.line++
	return strings.TrimRight(r.sc.Text(), "\r"), true, nil
}

func (r *XYZReader) errf(line, col int, format string, args ...any) error {
	return &ParseError{Source: r.source, Line: line, Column: col, Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
}

// Next returns the next frame as a Molecule with one conformer, or io.EOF.
// After an error, the next call resumes at the next line holding only a
// non-negative integer (the count line of a frame), so one bad frame
// gives one error.
func (r *XYZReader) Next() (*Molecule, error) {
	m, err := r.next()
	if err != nil && err != io.EOF {
		r.resync = true
	}
	return m, err
}

func (r *XYZReader) next() (*Molecule, error) {
	var head string
	for {
		l, ok, err := r.scan()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, io.EOF
		}
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if r.resync {
			if n, err := strconv.Atoi(t); err != nil || n < 0 {
				continue
			}
			r.resync = false
		}
		head = l
		break
	}
	headLine := r.line
	t := strings.TrimSpace(head)
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 {
		return nil, r.errf(headLine, 1, "expected the number of atoms, found %q", truncate(t))
	}
	if n > MaxAtoms {
		return nil, &ParseError{Source: r.source, Line: headLine, Column: 1, Msg: fmt.Sprintf("frame declares %d atoms (limit %d)", n, MaxAtoms), Err: ErrTooLarge}
	}
	title, ok, err := r.scan()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, r.errf(r.line+1, 0, "expected a comment line, found end of input")
	}
	m := &Molecule{Name: strings.TrimSpace(title)}
	var conf []r3.Vec
	for k := 0; k < n; k++ {
		l, ok, err := r.scan()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, r.errf(r.line+1, 0, "expected atom %d of %d, found end of input", k+1, n)
		}
		f := strings.Fields(l)
		if len(f) < 4 {
			return nil, r.errf(r.line, 1, "expected \"Symbol x y z\" for atom %d, found %q", k+1, truncate(l))
		}
		sym := f[0]
		z, ok := elementNumberFold(sym)
		if !ok {
			if v, err := strconv.Atoi(sym); err == nil && v >= 1 && v <= MaxElement {
				z, ok = v, true
			}
		}
		if !ok || z == 0 {
			return nil, r.errf(r.line, strings.Index(l, sym)+1, "expected an element symbol or atomic number for atom %d, found %q", k+1, truncate(sym))
		}
		var xyz [3]float64
		for d := 0; d < 3; d++ {
			v, err := strconv.ParseFloat(f[1+d], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, r.errf(r.line, strings.Index(l, f[1+d])+1, "expected a coordinate for atom %d, found %q", k+1, truncate(f[1+d]))
			}
			xyz[d] = v
		}
		m.AddAtom(Atom{Element: z})
		conf = append(conf, r3.Vec{X: xyz[0], Y: xyz[1], Z: xyz[2]})
	}
	if j, i := tooClose(conf); j >= 0 {
		return nil, r.errf(headLine+2+j, 0, "atom %d is closer than %.1f Å to atom %d", j+1, MinAtomDistance, i+1)
	}
	m.Conformers = [][]r3.Vec{conf}
	PerceiveBonds(m, conf)
	m.Perceive()
	m.AssignStereoFromConformer(0)
	return m, nil
}

// tooClose returns the first atom j (in input order) lying closer than
// MinAtomDistance to an earlier atom i, or -1, -1. A grid of cells of side
// MinAtomDistance holds at most a few mutually distant atoms per cell, so
// the search is linear in the number of atoms.
func tooClose(conf []r3.Vec) (j, i int) {
	type key [3]int64
	grid := make(map[key][]int, len(conf))
	kf := func(p r3.Vec) key {
		return key{int64(math.Floor(p.X / MinAtomDistance)), int64(math.Floor(p.Y / MinAtomDistance)), int64(math.Floor(p.Z / MinAtomDistance))}
	}
	for j, p := range conf {
		k := kf(p)
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				for dz := int64(-1); dz <= 1; dz++ {
					for _, i := range grid[key{k[0] + dx, k[1] + dy, k[2] + dz}] {
						if r3.Norm(r3.Sub(conf[i], p)) < MinAtomDistance {
							return j, i
						}
					}
				}
			}
		}
		grid[k] = append(grid[k], j)
	}
	return -1, -1
}

// ReadXYZ reads every frame of an XYZ file.
func ReadXYZ(r io.Reader, source string) ([]*Molecule, error) {
	xr := NewXYZReader(r, source)
	var out []*Molecule
	for {
		m, err := xr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
}

// PerceiveBonds adds single bonds between atoms closer than the sum of
// their covalent radii plus BondTolerance (a cell grid keeps this linear in
// the number of atoms), then raises bond orders where both atoms lack
// valence (neutral normal valences): repeatedly, the atom with the fewest
// unsaturated neighbours gets a double (then triple) bond to its first such
// neighbour. Atoms left unsaturated keep their missing valence as implicit
// hydrogens. The order assignment is a heuristic: charged species and
// unusual valences may come out wrong. Pairs of atoms closer than
// MinAtomDistance are not bonded; the work is linear in the number of atoms
// only when no two atoms are that close (XYZReader rejects such frames).
func PerceiveBonds(m *Molecule, conf []r3.Vec) {
	n := len(m.Atoms)
	if n == 0 {
		return
	}
	maxR := 0.0
	for _, a := range m.Atoms {
		maxR = math.Max(maxR, CovalentRadius(a.Element))
	}
	cell := 2*maxR + BondTolerance
	type key [3]int64
	grid := map[key][]int{}
	kf := func(p r3.Vec) key {
		return key{int64(math.Floor(p.X / cell)), int64(math.Floor(p.Y / cell)), int64(math.Floor(p.Z / cell))}
	}
	for i, p := range conf {
		k := kf(p)
		grid[k] = append(grid[k], i)
	}
	for i, p := range conf {
		k := kf(p)
		for dx := int64(-1); dx <= 1; dx++ {
			for dy := int64(-1); dy <= 1; dy++ {
				for dz := int64(-1); dz <= 1; dz++ {
					for _, j := range grid[key{k[0] + dx, k[1] + dy, k[2] + dz}] {
						if j <= i {
							continue
						}
						d := r3.Norm(r3.Sub(conf[j], p))
						lim := CovalentRadius(m.Atoms[i].Element) + CovalentRadius(m.Atoms[j].Element) + BondTolerance
						if d >= MinAtomDistance && d < lim && m.BondBetween(i, j) < 0 {
							m.AddBond(i, j, OrderSingle)
						}
					}
				}
			}
		}
	}
	free := freeValences(m)
	// Multiple bonds only between unsaturated atoms with room. c[i] counts
	// the neighbours j of i with free[j] > 0 over bonds below triple; the
	// next atom raised is the one with the smallest c[i] > 0 (lowest index
	// on ties), taken from a heap with lazy deletion and c kept up to date
	// incrementally, so the loop is O(n log n) rather than O(n · bonds).
	c := make([]int, n)
	h := &pairHeap{}
	for i := range m.Atoms {
		if free[i] == 0 {
			continue
		}
		for _, nb := range m.adj[i] {
			if free[nb.Atom] > 0 && m.Bonds[nb.Bond].Order < OrderTriple {
				c[i]++
			}
		}
		if c[i] > 0 {
			heap.Push(h, [2]int{c[i], i})
		}
	}
	dec := func(y int) {
		c[y]--
		if c[y] > 0 && free[y] > 0 {
			heap.Push(h, [2]int{c[y], y})
		}
	}
	saturated := func(x, skip int) {
		for _, nb := range m.adj[x] {
			if nb.Bond != skip && free[nb.Atom] > 0 && m.Bonds[nb.Bond].Order < OrderTriple {
				dec(nb.Atom)
			}
		}
	}
	for h.Len() > 0 {
		e := heap.Pop(h).([2]int)
		best := e[1]
		if free[best] == 0 || c[best] != e[0] {
			continue // stale entry
		}
		for _, nb := range m.adj[best] {
			j, k := nb.Atom, nb.Bond
			if free[j] == 0 || m.Bonds[k].Order >= OrderTriple {
				continue
			}
			m.Bonds[k].Order++
			free[best]--
			free[j]--
			if m.Bonds[k].Order == OrderTriple {
				dec(best)
				dec(j)
			} else {
				if free[j] == 0 {
					dec(best)
				}
				if free[best] == 0 {
					dec(j)
				}
			}
			if free[best] == 0 {
				saturated(best, k)
			}
			if free[j] == 0 {
				saturated(j, k)
			}
			if c[best] > 0 && free[best] > 0 {
				heap.Push(h, [2]int{c[best], best})
			}
			break
		}
	}
	for i := range m.Atoms {
		m.Atoms[i].ImplicitH = free[i]
	}
	m.invalidate()
}

// WriteXYZ writes every conformer of m as an XYZ frame (comment line =
// m.Name), coordinates with 6 decimals. Implicit hydrogens are not
// written; call AddHydrogens first for a complete structure.
func WriteXYZ(w io.Writer, m *Molecule) error {
	if len(m.Conformers) == 0 {
		return errors.New("graph: WriteXYZ: molecule has no coordinates")
	}
	bw := bufio.NewWriter(w)
	name := strings.ReplaceAll(m.Name, "\n", " ")
	for _, conf := range m.Conformers {
		fmt.Fprintf(bw, "%d\n%s\n", len(m.Atoms), name)
		for i, a := range m.Atoms {
			p := conf[i]
			fmt.Fprintf(bw, "%-2s %12.6f %12.6f %12.6f\n", sdfSymbol(a), p.X, p.Y, p.Z)
		}
	}
	return bw.Flush()
}

// pairHeap is a min-heap of (key, atom) pairs ordered lexicographically.
type pairHeap [][2]int

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(i, j int) bool {
	return h[i][0] < h[j][0] || h[i][0] == h[j][0] && h[i][1] < h[j][1]
}
func (h pairHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.([2]int)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// freeValences returns the missing valence of each atom of m: the smallest
// allowed valence of its element not below its degree, minus the degree
// (0 for hydrogen and for elements without listed valences).
func freeValences(m *Molecule) []int {
	free := make([]int, len(m.Atoms))
	for i, a := range m.Atoms {
		vals := elements[a.Element].valences
		if a.Element == 1 || vals == nil {
			continue
		}
		d := len(m.adj[i])
		for _, v := range vals {
			if v >= d {
				free[i] = v - d
				break
			}
		}
	}
	return free
}
