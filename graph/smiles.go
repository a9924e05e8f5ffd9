package graph

import (
	"fmt"
	"strings"
)

// SMILESOptions controls ParseSMILESWith.
type SMILESOptions struct {
	// Source names the input in error messages (default "smiles").
	Source string
	// Line is the line number reported in errors (default 1).
	Line int
	// Column is added to the 1-based column reported in errors, for a
	// SMILES that starts inside a longer line.
	Column int
	// ExplicitH turns every hydrogen into an atom after parsing.
	ExplicitH bool
}

// ParseSMILES reads a SMILES string (OpenSMILES subset, see the package
// documentation). Aromatic input is kekulised, implicit hydrogens are set
// by the normal-valence rule, rings and aromaticity are perceived and
// stereo marks are translated to Atom.Chirality and Bond.Stereo.
// Hydrogens stay implicit; call AddHydrogens or use ParseSMILESWith.
func ParseSMILES(s string) (*Molecule, error) {
	return ParseSMILESWith(s, SMILESOptions{})
}

// ParseSMILESWith is ParseSMILES with options.
func ParseSMILESWith(s string, opt SMILESOptions) (*Molecule, error) {
	if opt.Source == "" {
		opt.Source = "smiles"
	}
	if opt.Line == 0 {
		opt.Line = 1
	}
	p := smilesParser{s: s, opt: opt, m: &Molecule{}}
	if err := p.parse(); err != nil {
		return nil, err
	}
	m := p.m
	if err := p.finish(); err != nil {
		return nil, err
	}
	if opt.ExplicitH {
		m.AddHydrogens()
	}
	return m, nil
}

type ringOpen struct {
	atom  int
	order int
	dir   BondDir
	slot  int // index in the atom's SMILES neighbour order
	col   int
	used  bool
}

type smilesParser struct {
	s   string
	pos int
	opt SMILESOptions
	m   *Molecule

	atomCol  int
	organic  []bool  // atom written without brackets
	aromIn   []bool  // atom written lower case
	order    [][]int // neighbours in SMILES order; -1 marks the H / lone-pair slot
	hasHSlot []bool
	rings    map[int]*ringOpen
	chiral   []Chirality
	cols     []int // 0-based column of each atom
}

func (p *smilesParser) errf(col int, format string, args ...any) error {
	return &ParseError{Source: p.opt.Source, Line: p.opt.Line, Column: col + 1 + p.opt.Column,
		Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
}

func (p *smilesParser) chemf(format string, args ...any) error {
	return &ParseError{Source: p.opt.Source, Line: p.opt.Line,
		Msg: fmt.Sprintf(format, args...), Err: ErrChemistry}
}

func describe(s string, pos int) string {
	if pos >= len(s) {
		return "end of input"
	}
	return fmt.Sprintf("%q", s[pos])
}

func (p *smilesParser) parse() error {
	s := p.s
	if strings.TrimSpace(s) == "" {
		return p.errf(0, "empty SMILES")
	}
	prev := -1
	var stack []int
	var stackCol []int
	bondOrder, bondDir, bondCol := 0, DirNone, -1
	haveBond := false
	for p.pos < len(s) {
		c := s[p.pos]
		col := p.pos
		switch {
		case c == '(':
			if prev < 0 {
				return p.errf(col, "expected an atom before '('")
			}
			if haveBond {
				return p.errf(col, "expected an atom after bond symbol, found '('")
			}
			stack = append(stack, prev)
			stackCol = append(stackCol, col)
			p.pos++
		case c == ')':
			if len(stack) == 0 {
				return p.errf(col, "unmatched ')'")
			}
			if haveBond {
				return p.errf(col, "expected an atom after bond symbol, found ')'")
			}
			if p.pos > 0 && s[p.pos-1] == '(' {
				return p.errf(col, "empty branch '()'")
			}
			prev = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			stackCol = stackCol[:len(stackCol)-1]
			p.pos++
		case c == '.':
			if haveBond {
				return p.errf(col, "expected an atom after bond symbol, found '.'")
			}
			if len(stack) > 0 {
				return p.errf(col, "'.' inside a branch")
			}
			if prev < 0 {
				return p.errf(col, "expected an atom before '.'")
			}
			prev = -1
			p.pos++
		case c == '-' || c == '=' || c == '#' || c == '$' || c == ':' || c == '/' || c == '\\':
			if haveBond {
				return p.errf(col, "expected an atom or ring bond after bond symbol, found %q", c)
			}
			if prev < 0 {
				return p.errf(col, "expected an atom before bond symbol %q", c)
			}
			haveBond, bondCol = true, col
			bondDir = DirNone
			switch c {
			case '-':
				bondOrder = OrderSingle
			case '=':
				bondOrder = OrderDouble
			case '#':
				bondOrder = OrderTriple
			case '$':
				return p.errf(col, "quadruple bonds '$' are not supported")
			case ':':
				bondOrder = OrderAromatic
			case '/':
				bondOrder, bondDir = OrderSingle, DirUp
			case '\\':
				bondOrder, bondDir = OrderSingle, DirDown
			}
			p.pos++
		case c >= '0' && c <= '9' || c == '%':
			if prev < 0 {
				return p.errf(col, "expected an atom before ring bond")
			}
			num := int(c - '0')
			switch {
			case c == '%' && p.pos+1 < len(s) && s[p.pos+1] == '(':
				// OpenSMILES extension %(nnn) for more than 99 open rings.
				end := p.pos + 2
				num = 0
				for end < len(s) && isDigit(s[end]) && end-p.pos-2 < 5 {
					num = num*10 + int(s[end]-'0')
					end++
				}
				if end == p.pos+2 || end >= len(s) || s[end] != ')' {
					return p.errf(col, "expected 1-5 digits and ')' after '%%('")
				}
				p.pos = end + 1
			case c == '%':
				if p.pos+2 >= len(s) || !isDigit(s[p.pos+1]) || !isDigit(s[p.pos+2]) {
					return p.errf(col, "expected two digits or '(' after '%%'")
				}
				num = int(s[p.pos+1]-'0')*10 + int(s[p.pos+2]-'0')
				p.pos += 3
			default:
				p.pos++
			}
			if err := p.ringBond(prev, num, bondOrder, bondDir, haveBond, col); err != nil {
				return err
			}
			haveBond, bondOrder, bondDir = false, 0, DirNone
		default:
			a, err := p.atom()
			if err != nil {
				return err
			}
			if prev >= 0 {
				if p.m.BondBetween(prev, a) >= 0 {
					return p.errf(col, "duplicate bond")
				}
				o := bondOrder
				if !haveBond {
					o = OrderSingle
					if p.aromIn[prev] && p.aromIn[a] {
						o = OrderAromatic
					}
				}
				k := p.m.AddBond(prev, a, o)
				p.m.Bonds[k].Dir = bondDir
				p.order[a] = append(p.order[a], prev)
				p.order[prev] = append(p.order[prev], a)
			} else if haveBond {
				return p.errf(bondCol, "bond symbol without a preceding atom")
			}
			// The H / lone-pair slot of a bracket atom follows the previous atom.
			if p.hasHSlot[a] {
				p.order[a] = append(p.order[a], -1)
			}
			haveBond, bondOrder, bondDir = false, 0, DirNone
			prev = a
		}
	}
	if haveBond {
		return p.errf(len(s), "expected an atom after bond symbol, found end of input")
	}
	if s[len(s)-1] == '.' {
		return p.errf(len(s), "expected an atom after '.', found end of input")
	}
	if len(stack) > 0 {
		return p.errf(stackCol[len(stackCol)-1], "unclosed branch '('")
	}
	first := -1
	for num, r := range p.rings {
		if r.used && (first < 0 || r.col < p.rings[first].col) {
			first = num
		}
	}
	if first >= 0 {
		return p.errf(p.rings[first].col, "unclosed ring bond %d", first)
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *smilesParser) ringBond(atom, num, order int, dir BondDir, haveBond bool, col int) error {
	if p.rings == nil {
		p.rings = map[int]*ringOpen{}
	}
	r := p.rings[num]
	if r == nil {
		r = &ringOpen{}
		p.rings[num] = r
	}
	if !r.used {
		*r = ringOpen{atom: atom, order: order, dir: dir, slot: len(p.order[atom]), col: col, used: true}
		if !haveBond {
			r.order = 0
		}
		p.order[atom] = append(p.order[atom], -2) // placeholder for the partner
		return nil
	}
	a := r.atom
	r.used = false
	if a == atom {
		return p.errf(col, "ring bond %d closes on its own atom", num)
	}
	if p.m.BondBetween(a, atom) >= 0 {
		return p.errf(col, "ring bond %d duplicates an existing bond", num)
	}
	o1, o2 := r.order, 0
	if haveBond {
		o2 = order
	}
	if o1 != 0 && o2 != 0 && o1 != o2 {
		return p.errf(col, "ring bond %d has conflicting bond orders", num)
	}
	o := o1
	if o == 0 {
		o = o2
	}
	if o == 0 {
		o = OrderSingle
		if p.aromIn[a] && p.aromIn[atom] {
			o = OrderAromatic
		}
	}
	k := p.m.AddBond(a, atom, o)
	// Begin is the opening atom; a mark written at the closing atom reads
	// from the closing atom to the opening one.
	switch {
	case r.dir != DirNone:
		p.m.Bonds[k].Dir = r.dir
	case dir != DirNone:
		p.m.Bonds[k].Dir = dir.flip()
	}
	p.order[a][r.slot] = atom
	p.order[atom] = append(p.order[atom], a)
	return nil
}

// organic subset symbols, two-letter first.
var organicSymbols = []string{"Cl", "Br", "B", "C", "N", "O", "P", "S", "F", "I"}

func (p *smilesParser) newAtom(a Atom, organic, arom, hslot bool, chir Chirality) int {
	i := p.m.AddAtom(a)
	p.organic = append(p.organic, organic)
	p.aromIn = append(p.aromIn, arom)
	p.order = append(p.order, nil)
	p.hasHSlot = append(p.hasHSlot, hslot)
	p.chiral = append(p.chiral, chir)
	p.cols = append(p.cols, p.atomCol)
	return i
}

func (p *smilesParser) atom() (int, error) {
	s := p.s
	c := s[p.pos]
	col := p.pos
	p.atomCol = col
	if len(p.m.Atoms) >= MaxAtoms {
		return 0, &ParseError{Source: p.opt.Source, Line: p.opt.Line, Column: col + 1, Msg: "more than MaxAtoms atoms", Err: ErrTooLarge}
	}
	if c == '[' {
		return p.bracketAtom()
	}
	if c == '*' {
		p.pos++
		return p.newAtom(Atom{Element: 0}, true, false, false, ChiralNone), nil
	}
	for _, sym := range organicSymbols {
		if strings.HasPrefix(s[p.pos:], sym) {
			z, _ := ElementNumber(sym)
			p.pos += len(sym)
			return p.newAtom(Atom{Element: z}, true, false, false, ChiralNone), nil
		}
	}
	switch c {
	case 'b', 'c', 'n', 'o', 's', 'p':
		z, _ := ElementNumber(strings.ToUpper(string(c)))
		p.pos++
		return p.newAtom(Atom{Element: z}, true, true, false, ChiralNone), nil
	}
	return 0, p.errf(col, "expected an atom, bond, ring bond or branch, found %s", describe(s, col))
}

func (p *smilesParser) bracketAtom() (int, error) {
	s := p.s
	start := p.pos
	p.pos++ // '['
	var a Atom
	// isotope
	n, nd := 0, 0
	for p.pos < len(s) && isDigit(s[p.pos]) {
		n = n*10 + int(s[p.pos]-'0')
		nd++
		p.pos++
		if nd > 3 {
			return 0, p.errf(p.pos-1, "isotope has more than 3 digits")
		}
	}
	a.Isotope = n
	// element
	if p.pos >= len(s) {
		return 0, p.errf(p.pos, "expected an element symbol, found end of input")
	}
	arom := false
	switch {
	case s[p.pos] == '*':
		a.Element = 0
		p.pos++
	case s[p.pos] >= 'A' && s[p.pos] <= 'Z':
		sym := s[p.pos : p.pos+1]
		if p.pos+1 < len(s) && s[p.pos+1] >= 'a' && s[p.pos+1] <= 'z' {
			if z, ok := ElementNumber(s[p.pos : p.pos+2]); ok {
				a.Element = z
				p.pos += 2
				break
			}
		}
		z, ok := ElementNumber(sym)
		if !ok {
			return 0, p.errf(p.pos, "unknown element symbol starting with %q", s[p.pos])
		}
		a.Element = z
		p.pos++
	case s[p.pos] >= 'a' && s[p.pos] <= 'z':
		arom = true
		for _, sym := range []string{"se", "as", "te", "b", "c", "n", "o", "p", "s"} {
			if strings.HasPrefix(s[p.pos:], sym) {
				a.Element, _ = elementNumberFold(sym)
				p.pos += len(sym)
				break
			}
		}
		if a.Element == 0 {
			return 0, p.errf(p.pos, "expected an aromatic element symbol (b c n o p s se as te), found %q", s[p.pos])
		}
	default:
		return 0, p.errf(p.pos, "expected an element symbol, found %s", describe(s, p.pos))
	}
	// chirality
	chir := ChiralNone
	if p.pos < len(s) && s[p.pos] == '@' {
		ccol := p.pos
		p.pos++
		chir = ChiralCCW
		if p.pos < len(s) && s[p.pos] == '@' {
			chir = ChiralCW
			p.pos++
		} else if strings.HasPrefix(s[p.pos:], "TH1") {
			p.pos += 3
		} else if strings.HasPrefix(s[p.pos:], "TH2") {
			chir = ChiralCW
			p.pos += 3
		} else if p.pos+1 < len(s) && s[p.pos] >= 'A' && s[p.pos] <= 'Z' && s[p.pos+1] >= 'A' && s[p.pos+1] <= 'Z' {
			return 0, p.errf(ccol, "unsupported chirality class %q (only @, @@, @TH1, @TH2)", s[ccol:p.pos+2])
		}
	}
	// hydrogens
	if p.pos < len(s) && s[p.pos] == 'H' {
		p.pos++
		a.ImplicitH = 1
		if p.pos < len(s) && isDigit(s[p.pos]) {
			a.ImplicitH = int(s[p.pos] - '0')
			p.pos++
		}
	}
	// charge
	if p.pos < len(s) && (s[p.pos] == '+' || s[p.pos] == '-') {
		sign := 1
		if s[p.pos] == '-' {
			sign = -1
		}
		ch := s[p.pos]
		p.pos++
		q := 1
		if p.pos < len(s) && isDigit(s[p.pos]) {
			q = int(s[p.pos] - '0')
			p.pos++
			if p.pos < len(s) && isDigit(s[p.pos]) {
				q = q*10 + int(s[p.pos]-'0')
				p.pos++
			}
			if q > 15 {
				return 0, p.errf(p.pos-1, "charge magnitude %d is larger than 15", q)
			}
		} else if p.pos < len(s) && s[p.pos] == ch {
			q = 2
			p.pos++
			if p.pos < len(s) && s[p.pos] == ch {
				q = 3
				p.pos++
			}
		}
		a.Charge = sign * q
	}
	// atom class
	if p.pos < len(s) && s[p.pos] == ':' {
		p.pos++
		if p.pos >= len(s) || !isDigit(s[p.pos]) {
			return 0, p.errf(p.pos, "expected digits after ':' in atom class, found %s", describe(s, p.pos))
		}
		n, nd := 0, 0
		for p.pos < len(s) && isDigit(s[p.pos]) {
			if nd >= 6 {
				return 0, p.errf(p.pos, "atom class has more than 6 digits")
			}
			n = n*10 + int(s[p.pos]-'0')
			nd++
			p.pos++
		}
		a.MapClass = n
	}
	if p.pos >= len(s) || s[p.pos] != ']' {
		return 0, p.errf(p.pos, "expected ']' to close the bracket atom opened at column %d, found %s", start+1+p.opt.Column, describe(s, p.pos))
	}
	p.pos++
	a.Aromatic = arom
	hslot := chir != ChiralNone && a.ImplicitH > 0
	return p.newAtom(a, false, arom, hslot, chir), nil
}

// finish computes implicit hydrogens, kekulises, perceives rings and
// aromaticity and sets stereo.
func (p *smilesParser) finish() error {
	m := p.m
	for i := range m.Atoms {
		m.Atoms[i].Aromatic = p.aromIn[i]
	}
	// Implicit hydrogens for organic-subset atoms.
	needPi := make([]bool, len(m.Atoms))
	for i := range m.Atoms {
		a := &m.Atoms[i]
		v := m.Valence(i) // aromatic bonds count 1
		if p.organic[i] {
			vals := elements[a.Element].valences
			if a.Element == 0 {
				vals = nil
			}
			target := -1
			for _, val := range vals {
				if val >= v {
					target = val
					break
				}
			}
			if target < 0 {
				a.ImplicitH = 0
				continue
			}
			if p.aromIn[i] && target-v >= 1 {
				needPi[i] = true
				a.ImplicitH = target - v - 1
			} else {
				a.ImplicitH = target - v
			}
		} else if p.aromIn[i] {
			vals := chargedValences(a.Element, a.Charge)
			for _, val := range vals {
				if val >= v {
					needPi[i] = val-v >= 1
					break
				}
			}
		}
	}
	if err := kekulize(m, needPi); err != nil {
		if pe, ok := err.(*ParseError); ok {
			pe.Source, pe.Line = p.opt.Source, p.opt.Line
			if pe.atom >= 0 && pe.atom < len(p.cols) {
				pe.Column = p.cols[pe.atom] + 1 + p.opt.Column
			}
		}
		return err
	}
	// Tetrahedral parity: from SMILES order to reference order.
	for i := range m.Atoms {
		c := p.chiral[i]
		if c == ChiralNone {
			continue
		}
		sord := p.order[i]
		if !p.hasHSlot[i] && len(sord) == 3 {
			// Lone pair: sits where an implicit H would, right after the
			// preceding atom (first if there is none).
			pos := 0
			if len(m.adj[i]) > 0 && i > 0 && p.precededBy(i) {
				pos = 1
			}
			sord = append(sord[:pos:pos], append([]int{-1}, sord[pos:]...)...)
		}
		if len(sord) != 4 {
			continue // not a tetrahedral centre (e.g. allene notation): ignore
		}
		ref := make([]int, 0, 4)
		for _, nb := range m.adj[i] {
			ref = append(ref, nb.Atom)
		}
		if len(ref) == 3 {
			ref = append(ref, -1)
		}
		if len(ref) != 4 {
			continue
		}
		par, ok := permutationParity(sord, ref)
		if !ok {
			continue
		}
		if par {
			c = c.Invert()
		}
		m.Atoms[i].Chirality = c
	}
	perceiveSMILESDoubleBondStereo(m)
	m.Perceive()
	return nil
}

// precededBy reports whether atom i has a preceding atom in SMILES order
// (it is not the first atom of its component): its first recorded
// neighbour then has a smaller index.
func (p *smilesParser) precededBy(i int) bool {
	o := p.order[i]
	return len(o) > 0 && o[0] >= 0 && o[0] < i
}

// permutationParity returns true if b is an odd permutation of a.
func permutationParity(a, b []int) (odd bool, ok bool) {
	if len(a) != len(b) {
		return false, false
	}
	perm := make([]int, len(a))
	for i, x := range a {
		j := -1
		for k, y := range b {
			if x == y {
				j = k
				break
			}
		}
		if j < 0 {
			return false, false
		}
		perm[i] = j
	}
	seen := make([]bool, len(perm))
	for i := range perm {
		if seen[i] {
			continue
		}
		l := 0
		for j := i; !seen[j]; j = perm[j] {
			seen[j] = true
			l++
		}
		if l%2 == 0 {
			odd = !odd
		}
	}
	return odd, true
}

// chargedValences returns the normal valences of element z with formal
// charge q by the isoelectronic rule: N+ behaves as C, C- as N, O+ as N,
// S+ as P, B- as C, O- as F.
func chargedValences(z, q int) []int {
	if q == 0 {
		return elements[z].valences
	}
	iso := z - q
	// Stay within one period of the p block.
	period := func(x int) int {
		switch {
		case x <= 2:
			return 1
		case x <= 10:
			return 2
		case x <= 18:
			return 3
		case x <= 36:
			return 4
		case x <= 54:
			return 5
		}
		return 6
	}
	if iso < 1 || iso > MaxElement || period(iso) != period(z) {
		return nil
	}
	return elements[iso].valences
}

// perceiveSMILESDoubleBondStereo turns "/" and "\" marks into Bond.Stereo.
func perceiveSMILESDoubleBondStereo(m *Molecule) {
	charFrom := func(from, to int) BondDir {
		k := m.BondBetween(from, to)
		if k < 0 {
			return DirNone
		}
		b := m.Bonds[k]
		if b.Begin == from {
			return b.Dir
		}
		return b.Dir.flip()
	}
	for k := range m.Bonds {
		b := &m.Bonds[k]
		if b.Order != OrderDouble {
			continue
		}
		x, y := -1, -1
		var cx, cy BondDir
		for _, nb := range m.adj[b.Begin] {
			if nb.Atom == b.End {
				continue
			}
			if d := charFrom(nb.Atom, b.Begin); d != DirNone {
				x, cx = nb.Atom, d
				break
			}
		}
		for _, nb := range m.adj[b.End] {
			if nb.Atom == b.Begin {
				continue
			}
			if d := charFrom(b.End, nb.Atom); d != DirNone {
				y, cy = nb.Atom, d
				break
			}
		}
		if x < 0 || y < 0 {
			continue
		}
		b.StereoAtoms = [2]int{x, y}
		if cx == cy {
			b.Stereo = StereoTrans
		} else {
			b.Stereo = StereoCis
		}
	}
}
