package graph

import (
	"fmt"
	"math"

	yb "github.com/yourbasic/graph"
	"gonum.org/v1/gonum/spatial/r3"
)

// Chirality is the tetrahedral parity of an atom, in the SMILES sense.
//
// The reference order of an atom's neighbours is the order of its bonds in
// Molecule.Neighbors, followed by an implicit hydrogen (or, for a centre with
// three neighbours, its lone pair). Looking from the first neighbour towards
// the centre, ChiralCCW means the remaining three go anticlockwise (SMILES
// "@"), ChiralCW clockwise (SMILES "@@").
type Chirality int8

// Tetrahedral parities.
const (
	ChiralNone Chirality = iota
	ChiralCCW            // "@"
	ChiralCW             // "@@"
)

// Invert returns the opposite parity (ChiralNone stays ChiralNone).
func (c Chirality) Invert() Chirality {
	switch c {
	case ChiralCCW:
		return ChiralCW
	case ChiralCW:
		return ChiralCCW
	}
	return c
}

// BondDir is a SMILES directional mark ("/" or "\") on a single bond, read
// from the bond's Begin atom to its End atom.
type BondDir int8

// Directional marks.
const (
	DirNone BondDir = iota
	DirUp           // "/"
	DirDown         // "\"
)

func (d BondDir) flip() BondDir {
	switch d {
	case DirUp:
		return DirDown
	case DirDown:
		return DirUp
	}
	return d
}

// BondStereo is the configuration of a double bond relative to its two
// reference atoms Bond.StereoAtoms.
type BondStereo int8

// Double-bond configurations.
const (
	StereoNone  BondStereo = iota
	StereoCis              // reference atoms on the same side (Z when they are the CIP-higher ones)
	StereoTrans            // reference atoms on opposite sides
)

// Bond orders. OrderAromatic only occurs while reading SMILES before
// kekulisation; a finished Molecule stores Kekulé orders 1, 2, 3 and marks
// aromatic bonds with Bond.Aromatic.
const (
	OrderSingle   = 1
	OrderDouble   = 2
	OrderTriple   = 3
	OrderAromatic = 4
)

// Atom is one atom of a Molecule.
type Atom struct {
	Element   int       // atomic number; 0 is the wildcard "*"
	Charge    int       // formal charge
	Isotope   int       // mass number; 0 for natural abundance
	ImplicitH int       // hydrogens not stored as atoms
	Aromatic  bool      // member of an aromatic ring (perceived)
	Chirality Chirality // tetrahedral parity, see Chirality
	MapClass  int       // SMILES atom class / atom-map number
}

// Bond is one bond of a Molecule.
type Bond struct {
	Begin, End  int
	Order       int        // 1, 2 or 3 (Kekulé form)
	Aromatic    bool       // perceived aromatic bond
	Dir         BondDir    // SMILES "/" or "\" mark as read, Begin to End
	Stereo      BondStereo // double bonds only
	StereoAtoms [2]int     // neighbour of Begin and neighbour of End for Stereo
}

// Other returns the atom of b that is not a.
func (b Bond) Other(a int) int {
	if b.Begin == a {
		return b.End
	}
	return b.Begin
}

// Neighbor is one entry of an atom's adjacency list.
type Neighbor struct {
	Atom, Bond int
}

// Property is one SDF data field.
type Property struct {
	Name, Value string
}

// Molecule is a molecular graph with optional 3D conformers.
//
// Atoms and bonds are added with AddAtom and AddBond (the building phase);
// Graph returns an immutable github.com/yourbasic/graph view for graph
// algorithms, whose edge costs are bond indices.
type Molecule struct {
	Name       string
	Atoms      []Atom
	Bonds      []Bond
	Conformers [][]r3.Vec // Conformers[k][i] is the position of atom i in Å
	Props      []Property // SDF data fields, in file order

	adj   [][]Neighbor
	graph *yb.Immutable
	rings *ringInfo
}

// NumAtoms returns the number of atoms stored (explicit hydrogens included).
func (m *Molecule) NumAtoms() int { return len(m.Atoms) }

// AddAtom appends an atom and returns its index.
func (m *Molecule) AddAtom(a Atom) int {
	m.Atoms = append(m.Atoms, a)
	m.adj = append(m.adj, nil)
	m.invalidate()
	return len(m.Atoms) - 1
}

// AddBond appends a bond between atoms a and b of the given order and
// returns its index. It panics if an index is out of range, a == b, or the
// bond already exists (programmer errors; readers check their input first).
func (m *Molecule) AddBond(a, b, order int) int {
	if a < 0 || b < 0 || a >= len(m.Atoms) || b >= len(m.Atoms) {
		panic("graph: bond atom index out of range")
	}
	if a == b {
		panic("graph: bond from an atom to itself")
	}
	if m.BondBetween(a, b) >= 0 {
		panic("graph: duplicate bond")
	}
	m.Bonds = append(m.Bonds, Bond{Begin: a, End: b, Order: order})
	k := len(m.Bonds) - 1
	m.adj[a] = append(m.adj[a], Neighbor{b, k})
	m.adj[b] = append(m.adj[b], Neighbor{a, k})
	m.invalidate()
	return k
}

func (m *Molecule) invalidate() {
	m.graph = nil
	m.rings = nil
}

// Neighbors returns the adjacency list of atom i in bond-insertion order.
// The slice must not be modified.
func (m *Molecule) Neighbors(i int) []Neighbor { return m.adj[i] }

// Degree returns the number of explicit neighbours of atom i.
func (m *Molecule) Degree(i int) int { return len(m.adj[i]) }

// HeavyDegree returns the number of non-hydrogen neighbours of atom i.
func (m *Molecule) HeavyDegree(i int) int {
	n := 0
	for _, nb := range m.adj[i] {
		if m.Atoms[nb.Atom].Element != 1 {
			n++
		}
	}
	return n
}

// TotalH returns the number of hydrogens on atom i, implicit and explicit.
func (m *Molecule) TotalH(i int) int {
	n := m.Atoms[i].ImplicitH
	for _, nb := range m.adj[i] {
		if m.Atoms[nb.Atom].Element == 1 {
			n++
		}
	}
	return n
}

// BondBetween returns the index of the bond joining a and b, or -1.
func (m *Molecule) BondBetween(a, b int) int {
	if a < 0 || a >= len(m.adj) {
		return -1
	}
	for _, nb := range m.adj[a] {
		if nb.Atom == b {
			return nb.Bond
		}
	}
	return -1
}

// Valence returns the sum of bond orders of atom i plus its implicit
// hydrogens.
func (m *Molecule) Valence(i int) int {
	v := m.Atoms[i].ImplicitH
	for _, nb := range m.adj[i] {
		o := m.Bonds[nb.Bond].Order
		if o == OrderAromatic {
			o = 1
		}
		v += o
	}
	return v
}

// Graph returns the molecular graph as an immutable yourbasic/graph with
// one vertex per atom and both directed edges per bond; the cost of an edge
// is the bond index. The view is cached until the molecule changes.
func (m *Molecule) Graph() *yb.Immutable {
	if m.graph == nil {
		m.graph = yb.Sort(m.Mutable())
	}
	return m.graph
}

// Mutable returns a fresh yourbasic/graph Mutable copy of the molecular
// graph (edge cost = bond index) that the caller may modify.
func (m *Molecule) Mutable() *yb.Mutable {
	g := yb.New(len(m.Atoms))
	for k, b := range m.Bonds {
		g.AddBothCost(b.Begin, b.End, int64(k))
	}
	return g
}

// Fragments returns the connected components (atom index lists).
func (m *Molecule) Fragments() [][]int {
	return yb.Components(m.Graph())
}

// Clone returns a deep copy of m.
func (m *Molecule) Clone() *Molecule {
	c := &Molecule{Name: m.Name}
	c.Atoms = append([]Atom(nil), m.Atoms...)
	c.Bonds = append([]Bond(nil), m.Bonds...)
	c.Props = append([]Property(nil), m.Props...)
	c.adj = make([][]Neighbor, len(m.adj))
	for i, a := range m.adj {
		c.adj[i] = append([]Neighbor(nil), a...)
	}
	for _, conf := range m.Conformers {
		c.Conformers = append(c.Conformers, append([]r3.Vec(nil), conf...))
	}
	return c
}

// AddHydrogens turns every implicit hydrogen into an explicit hydrogen atom
// (appended after the existing atoms, bonded last on its parent so that
// tetrahedral parities are unchanged). On molecules with conformers the new
// hydrogens are placed 1.0 Å from their parent, pointing away from its other
// neighbours; this is a starting geometry, not a relaxed one.
func (m *Molecule) AddHydrogens() {
	n := len(m.Atoms)
	// Terminal hydrogens change no ring: keep the ring information.
	ri := m.rings
	for i := 0; i < n; i++ {
		h := m.Atoms[i].ImplicitH
		if h <= 0 {
			continue
		}
		m.Atoms[i].ImplicitH = 0
		first := len(m.Atoms)
		for k := 0; k < h; k++ {
			j := m.AddAtom(Atom{Element: 1})
			m.AddBond(i, j, OrderSingle)
		}
		for c, conf := range m.Conformers {
			conf = append(conf, make([]r3.Vec, h)...)
			placeHydrogens(m, conf, i, first, h)
			m.Conformers[c] = conf
		}
	}
	if ri != nil {
		for len(ri.bondInRing) < len(m.Bonds) {
			ri.bondInRing = append(ri.bondInRing, false)
		}
		m.rings = ri
	}
}

// placeHydrogens puts h hydrogens (atoms first..first+h-1) around atom i.
func placeHydrogens(m *Molecule, conf []r3.Vec, i, first, h int) {
	c := conf[i]
	var base r3.Vec
	for _, nb := range m.adj[i] {
		if nb.Atom >= first {
			continue
		}
		d := r3.Sub(conf[nb.Atom], c)
		if n := r3.Norm(d); n > 0 {
			base = r3.Sub(base, r3.Scale(1/n, d))
		}
	}
	if r3.Norm(base) < 1e-6 {
		base = r3.Vec{X: 1}
	}
	base = r3.Unit(base)
	p := r3.Cross(base, r3.Vec{Z: 1})
	if r3.Norm(p) < 1e-3 {
		p = r3.Cross(base, r3.Vec{X: 1})
	}
	p = r3.Unit(p)
	q := r3.Cross(base, p)
	theta := 0.0
	if h > 1 {
		theta = 70.5 * math.Pi / 180 // half the tetrahedral angle's supplement
	}
	for k := 0; k < h; k++ {
		phi := 2 * math.Pi * float64(k) / float64(h)
		dir := r3.Add(r3.Scale(math.Cos(theta), base),
			r3.Scale(math.Sin(theta), r3.Add(r3.Scale(math.Cos(phi), p), r3.Scale(math.Sin(phi), q))))
		conf[first+k] = r3.Add(c, dir)
	}
}

// HeavyAtoms returns the indices of atoms that are not hydrogen.
func (m *Molecule) HeavyAtoms() []int {
	var idx []int
	for i, a := range m.Atoms {
		if a.Element != 1 {
			idx = append(idx, i)
		}
	}
	return idx
}

// String returns a short description such as "aspirin: 21 atoms, 21 bonds".
func (m *Molecule) String() string {
	return fmt.Sprintf("%s: %d atoms, %d bonds", m.Name, len(m.Atoms), len(m.Bonds))
}
