package graph

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"
)

// maxMolLine bounds one line of an SDF or XYZ file (bytes).
const maxMolLine = 1 << 20

// SDFReader reads MDL SD files (and single MOL files): V2000 and V3000
// connection tables, M  CHG / M  ISO properties, and "> <name>" data
// fields. Each record becomes one Molecule with one conformer; stereo is
// assigned from 3D coordinates. A malformed record returns an error and
// the reader resumes at the next record.
type SDFReader struct {
	sc     *bufio.Scanner
	source string
	line   int
	done   bool

	maxLines, maxBytes int // MaxRecordLines, MaxRecordBytes (lowered in tests)
}

// Limits on one SDF record (the lines before "$$$$"), which the reader
// buffers whole: the header and counts lines, MaxAtoms atom lines and
// MaxBonds bond lines, plus a margin for property and data lines
// (V3000 BEGIN/END lines, M  CHG, "> <name>" fields). Bytes allow 80 per
// atom line (V2000 atom lines are 69) and 40 per bond line (V2000: 21)
// plus 16 MiB of properties. A longer record is rejected with an
// ErrTooLarge ParseError naming the line where the limit was passed, and
// the reader resumes after its "$$$$".
const (
	MaxRecordLines = 4 + MaxAtoms + MaxBonds + 100_000
	MaxRecordBytes = 80*MaxAtoms + 40*MaxBonds + 16<<20
)

// NewSDFReader returns a reader of r; source names it in errors.
func NewSDFReader(r io.Reader, source string) *SDFReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxMolLine)
	return &SDFReader{sc: sc, source: source, maxLines: MaxRecordLines, maxBytes: MaxRecordBytes}
}

// ReadSDF reads every record of an SD file; it stops at the first error.
func ReadSDF(r io.Reader, source string) ([]*Molecule, error) {
	sr := NewSDFReader(r, source)
	var out []*Molecule
	for {
		m, err := sr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
}

// Next returns the next record, or io.EOF after the last one.
func (r *SDFReader) Next() (*Molecule, error) {
	if r.done {
		return nil, io.EOF
	}
	// Collect the record's lines up to "$$$$" (or end of input).
	var lines []string
	start := r.line + 1
	size := 0
	for {
		if !r.sc.Scan() {
			r.done = true
			if err := r.sc.Err(); err != nil {
				if errors.Is(err, bufio.ErrTooLong) {
					return nil, &ParseError{Source: r.source, Line: r.line + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxMolLine), Err: ErrTooLarge}
				}
				return nil, err
			}
			break
		}
		r.line++
		t := strings.TrimRight(r.sc.Text(), "\r")
		if strings.HasPrefix(t, "$$$$") {
			break
		}
		size += len(t) + 1
		if len(lines) >= r.maxLines || size > r.maxBytes {
			pe := &ParseError{Source: r.source, Line: r.line, Msg: fmt.Sprintf("record longer than %d lines or %d bytes", r.maxLines, r.maxBytes), Err: ErrTooLarge}
			r.skipRecord()
			return nil, pe
		}
		lines = append(lines, t)
	}
	if r.done {
		empty := true
		for _, l := range lines {
			if strings.TrimSpace(l) != "" {
				empty = false
				break
			}
		}
		if empty {
			return nil, io.EOF
		}
	}
	p := molParser{lines: lines, first: start, source: r.source}
	return p.parse()
}

// skipRecord discards lines up to and including the next "$$$$".
func (r *SDFReader) skipRecord() {
	for r.sc.Scan() {
		r.line++
		if strings.HasPrefix(r.sc.Text(), "$$$$") {
			return
		}
	}
	r.done = true
}

type molParser struct {
	lines  []string
	first  int // line number of lines[0]
	source string
	i      int
	m      *Molecule
	arom   bool
	// Per bond: +1 wedge (narrow end at Begin), −1 hash, 2 "either"
	// (unknown configuration), 0 none.
	bstereo []int8
}

func (p *molParser) errf(idx, col int, format string, args ...any) error {
	return &ParseError{Source: p.source, Line: p.first + idx, Column: col, Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
}

func (p *molParser) tooLarge(idx, col int, format string, args ...any) error {
	return &ParseError{Source: p.source, Line: p.first + idx, Column: col, Msg: fmt.Sprintf(format, args...), Err: ErrTooLarge}
}

// col returns the trimmed text of 1-based columns [a, b] of s.
func col(s string, a, b int) string {
	if a-1 >= len(s) {
		return ""
	}
	if b > len(s) {
		b = len(s)
	}
	return strings.TrimSpace(s[a-1 : b])
}

func (p *molParser) intCol(idx int, a, b int, what string) (int, error) {
	t := col(p.lines[idx], a, b)
	if t == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(t)
	if err != nil {
		return 0, p.errf(idx, a, "expected an integer %s in columns %d-%d, found %q", what, a, b, t)
	}
	return v, nil
}

func (p *molParser) parse() (*Molecule, error) {
	if len(p.lines) < 4 {
		return nil, p.errf(len(p.lines), 0, "expected a 3-line header and a counts line, found %d lines", len(p.lines))
	}
	p.m = &Molecule{Name: strings.TrimSpace(p.lines[0])}
	counts := p.lines[3]
	var err error
	switch {
	case strings.Contains(counts, "V3000"):
		p.i = 4
		err = p.parseV3000()
	default:
		p.i = 3
		err = p.parseV2000()
	}
	if err != nil {
		return nil, err
	}
	if err := p.parseData(); err != nil {
		return nil, err
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.m, nil
}

func (p *molParser) parseV2000() error {
	c := p.lines[3]
	na, err := p.intCol(3, 1, 3, "atom count")
	if err != nil {
		return err
	}
	nb, err := p.intCol(3, 4, 6, "bond count")
	if err != nil {
		return err
	}
	if na < 0 || nb < 0 {
		return p.errf(3, 1, "expected non-negative atom and bond counts")
	}
	if v := col(c, 34, 39); v != "" && v != "V2000" {
		return p.errf(3, 34, "expected version V2000 or V3000 in columns 34-39, found %q", v)
	}
	if na > MaxAtoms || nb > MaxBonds {
		return p.tooLarge(3, 1, "counts line declares %d atoms and %d bonds (limits %d, %d)", na, nb, MaxAtoms, MaxBonds)
	}
	if 4+na+nb > len(p.lines) {
		return p.errf(len(p.lines), 0, "counts line declares %d atoms and %d bonds but the record has only %d lines", na, nb, len(p.lines))
	}
	m := p.m
	m.Atoms = make([]Atom, 0, na)
	conf := make([]r3.Vec, 0, na)
	for k := 0; k < na; k++ {
		idx := 4 + k
		l := p.lines[idx]
		var xyz [3]float64
		for d := 0; d < 3; d++ {
			t := col(l, 1+10*d, 10+10*d)
			v, err := strconv.ParseFloat(t, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return p.errf(idx, 1+10*d, "expected a coordinate in columns %d-%d of atom %d, found %q", 1+10*d, 10+10*d, k+1, t)
			}
			xyz[d] = v
		}
		sym := col(l, 32, 34)
		a, ok := atomFromSymbol(sym)
		if !ok {
			return p.errf(idx, 32, "expected an element symbol in columns 32-34 of atom %d, found %q", k+1, sym)
		}
		dm, err := p.intCol(idx, 35, 36, "mass difference")
		if err != nil {
			return err
		}
		if dm != 0 && a.Element > 0 {
			a.Isotope = int(math.Round(AtomicWeight(a.Element))) + dm
		}
		cc, err := p.intCol(idx, 37, 39, "charge code")
		if err != nil {
			return err
		}
		switch cc {
		case 0, 4:
		case 1, 2, 3:
			a.Charge = 4 - cc
		case 5, 6, 7:
			a.Charge = 4 - cc
		default:
			return p.errf(idx, 37, "expected a charge code 0-7 in columns 37-39 of atom %d, found %d", k+1, cc)
		}
		if mp, err := p.intCol(idx, 61, 63, "atom-atom mapping"); err == nil {
			a.MapClass = mp
		}
		m.AddAtom(a)
		conf = append(conf, r3.Vec{X: xyz[0], Y: xyz[1], Z: xyz[2]})
	}
	m.Conformers = [][]r3.Vec{conf}
	for k := 0; k < nb; k++ {
		idx := 4 + na + k
		a1, err := p.intCol(idx, 1, 3, "first atom")
		if err != nil {
			return err
		}
		a2, err := p.intCol(idx, 4, 6, "second atom")
		if err != nil {
			return err
		}
		t, err := p.intCol(idx, 7, 9, "bond type")
		if err != nil {
			return err
		}
		st, err := p.intCol(idx, 10, 12, "bond stereo")
		if err != nil {
			return err
		}
		if err := p.addBond(idx, a1, a2, t); err != nil {
			return err
		}
		switch st {
		case 1:
			p.bstereo = append(p.bstereo, 1)
		case 6:
			p.bstereo = append(p.bstereo, -1)
		case 3, 4:
			p.bstereo = append(p.bstereo, 2)
		default:
			p.bstereo = append(p.bstereo, 0)
		}
	}
	p.i = 4 + na + nb
	// Properties block.
	chgSeen := false
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		switch {
		case strings.HasPrefix(l, "M  END"):
			p.i++
			return nil
		case strings.HasPrefix(l, "M  CHG"), strings.HasPrefix(l, "M  ISO"):
			isChg := strings.HasPrefix(l, "M  CHG")
			if isChg && !chgSeen {
				// M  CHG supersedes the atom-block charges.
				for j := range m.Atoms {
					m.Atoms[j].Charge = 0
				}
				chgSeen = true
			}
			f := strings.Fields(l[6:])
			if len(f) == 0 {
				return p.errf(p.i, 7, "expected an entry count")
			}
			n, err := strconv.Atoi(f[0])
			if err != nil || n < 0 || n > 8 || len(f) != 1+2*n {
				return p.errf(p.i, 7, "expected an entry count 1-8 followed by that many atom/value pairs")
			}
			for e := 0; e < n; e++ {
				ai, err1 := strconv.Atoi(f[1+2*e])
				v, err2 := strconv.Atoi(f[2+2*e])
				if err1 != nil || err2 != nil || ai < 1 || ai > len(m.Atoms) {
					return p.errf(p.i, 7, "expected an atom number 1-%d and an integer value in entry %d", len(m.Atoms), e+1)
				}
				if isChg {
					if v < -15 || v > 15 {
						return p.errf(p.i, 7, "charge %d out of range -15..15", v)
					}
					m.Atoms[ai-1].Charge = v
				} else {
					if v < 0 || v > 999 {
						return p.errf(p.i, 7, "isotope %d out of range 0..999", v)
					}
					m.Atoms[ai-1].Isotope = v
				}
			}
		case strings.HasPrefix(l, "A  "), strings.HasPrefix(l, "V  "), strings.HasPrefix(l, "G  "):
			p.i++ // the next line belongs to this entry
		case strings.HasPrefix(l, "> "), strings.HasPrefix(l, ">\t"), l == ">":
			return p.errf(p.i, 1, "expected \"M  END\" before the data items, found %q", truncate(l))
		}
	}
	return p.errf(len(p.lines), 0, "expected \"M  END\", found end of record")
}

func atomFromSymbol(sym string) (Atom, bool) {
	switch sym {
	case "D":
		return Atom{Element: 1, Isotope: 2}, true
	case "T":
		return Atom{Element: 1, Isotope: 3}, true
	case "*", "A", "Q", "R", "R#", "L":
		return Atom{Element: 0}, true
	}
	z, ok := ElementNumber(sym)
	return Atom{Element: z}, ok && sym != ""
}

func (p *molParser) addBond(idx, a1, a2, t int) error {
	m := p.m
	n := len(m.Atoms)
	if a1 < 1 || a1 > n || a2 < 1 || a2 > n {
		return p.errf(idx, 1, "expected bond atom numbers in 1..%d, found %d and %d", n, a1, a2)
	}
	if a1 == a2 {
		return p.errf(idx, 1, "bond from atom %d to itself", a1)
	}
	if m.BondBetween(a1-1, a2-1) >= 0 {
		return p.errf(idx, 1, "duplicate bond %d-%d", a1, a2)
	}
	switch t {
	case 1, 2, 3:
	case 4:
		t = OrderAromatic
		p.arom = true
		m.Atoms[a1-1].Aromatic = true
		m.Atoms[a2-1].Aromatic = true
	default:
		return p.errf(idx, 7, "expected bond type 1, 2, 3 or 4, found %d", t)
	}
	m.AddBond(a1-1, a2-1, t)
	return nil
}

// v30 returns the V3000 line at p.i with continuations joined, without
// the "M  V30 " prefix, and advances p.i past it.
func (p *molParser) v30() (string, int, error) {
	start := p.i
	var sb strings.Builder
	for {
		if p.i >= len(p.lines) {
			return "", start, p.errf(len(p.lines), 0, "expected \"M  V30\" line, found end of record")
		}
		l := p.lines[p.i]
		if !strings.HasPrefix(l, "M  V30 ") {
			return "", start, p.errf(p.i, 1, "expected a line starting with \"M  V30 \", found %q", truncate(l))
		}
		p.i++
		body := l[7:]
		if strings.HasSuffix(body, "-") {
			sb.WriteString(body[:len(body)-1])
			if sb.Len() > maxMolLine {
				return "", start, p.tooLarge(start, 1, "V3000 continuation longer than %d bytes", maxMolLine)
			}
			continue
		}
		sb.WriteString(body)
		return strings.TrimSpace(sb.String()), start, nil
	}
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func (p *molParser) expectV30(want string) error {
	l, at, err := p.v30()
	if err != nil {
		return err
	}
	if !strings.EqualFold(l, want) {
		return p.errf(at, 8, "expected %q, found %q", want, truncate(l))
	}
	return nil
}

func (p *molParser) parseV3000() error {
	if err := p.expectV30("BEGIN CTAB"); err != nil {
		return err
	}
	l, at, err := p.v30()
	if err != nil {
		return err
	}
	f := strings.Fields(l)
	if len(f) < 3 || f[0] != "COUNTS" {
		return p.errf(at, 8, "expected \"COUNTS na nb ...\", found %q", truncate(l))
	}
	na, err1 := strconv.Atoi(f[1])
	nb, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil || na < 0 || nb < 0 {
		return p.errf(at, 8, "expected non-negative integer atom and bond counts, found %q %q", f[1], f[2])
	}
	if na > MaxAtoms || nb > MaxBonds {
		return p.tooLarge(at, 8, "COUNTS declares %d atoms and %d bonds (limits %d, %d)", na, nb, MaxAtoms, MaxBonds)
	}
	if na+nb > len(p.lines) {
		return p.errf(len(p.lines), 0, "COUNTS declares %d atoms and %d bonds but the record has only %d lines", na, nb, len(p.lines))
	}
	m := p.m
	if err := p.expectV30("BEGIN ATOM"); err != nil {
		return err
	}
	ids := make(map[int]int, na)
	conf := make([]r3.Vec, 0, na)
	for k := 0; k < na; k++ {
		l, at, err := p.v30()
		if err != nil {
			return err
		}
		f := strings.Fields(l)
		if len(f) < 6 {
			return p.errf(at, 8, "expected \"index type x y z aamap\" for atom %d, found %q", k+1, truncate(l))
		}
		id, err := strconv.Atoi(f[0])
		if err != nil {
			return p.errf(at, 8, "expected an integer atom index, found %q", f[0])
		}
		if _, dup := ids[id]; dup {
			return p.errf(at, 8, "duplicate atom index %d", id)
		}
		a, ok := atomFromSymbol(f[1])
		if !ok {
			return p.errf(at, 8, "expected an element symbol for atom %d, found %q", id, f[1])
		}
		var xyz [3]float64
		for d := 0; d < 3; d++ {
			v, err := strconv.ParseFloat(f[2+d], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return p.errf(at, 8, "expected a coordinate for atom %d, found %q", id, f[2+d])
			}
			xyz[d] = v
		}
		if mp, err := strconv.Atoi(f[5]); err == nil {
			a.MapClass = mp
		}
		for _, kv := range f[6:] {
			key, val, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			n, err := strconv.Atoi(val)
			switch strings.ToUpper(key) {
			case "CHG":
				if err != nil || n < -15 || n > 15 {
					return p.errf(at, 8, "expected CHG=-15..15 for atom %d, found %q", id, kv)
				}
				a.Charge = n
			case "MASS":
				if err != nil || n < 0 || n > 999 {
					return p.errf(at, 8, "expected MASS=0..999 for atom %d, found %q", id, kv)
				}
				a.Isotope = n
			}
		}
		ids[id] = m.AddAtom(a)
		conf = append(conf, r3.Vec{X: xyz[0], Y: xyz[1], Z: xyz[2]})
	}
	m.Conformers = [][]r3.Vec{conf}
	if err := p.expectV30("END ATOM"); err != nil {
		return err
	}
	if nb > 0 {
		if err := p.expectV30("BEGIN BOND"); err != nil {
			return err
		}
		for k := 0; k < nb; k++ {
			l, at, err := p.v30()
			if err != nil {
				return err
			}
			f := strings.Fields(l)
			if len(f) < 4 {
				return p.errf(at, 8, "expected \"index type atom1 atom2\" for bond %d, found %q", k+1, truncate(l))
			}
			t, e1 := strconv.Atoi(f[1])
			i1, e2 := strconv.Atoi(f[2])
			i2, e3 := strconv.Atoi(f[3])
			if e1 != nil || e2 != nil || e3 != nil {
				return p.errf(at, 8, "expected integer bond type and atom indices for bond %d, found %q", k+1, truncate(l))
			}
			a1, ok1 := ids[i1]
			a2, ok2 := ids[i2]
			if !ok1 || !ok2 {
				return p.errf(at, 8, "bond %d refers to an undeclared atom index", k+1)
			}
			if err := p.addBond(at, a1+1, a2+1, t); err != nil {
				return err
			}
			var st int8
			for _, kv := range f[4:] {
				switch strings.ToUpper(kv) {
				case "CFG=1":
					st = 1
				case "CFG=3":
					st = -1
				case "CFG=2":
					st = 2
				}
			}
			p.bstereo = append(p.bstereo, st)
		}
		if err := p.expectV30("END BOND"); err != nil {
			return err
		}
	}
	// Skip other blocks until END CTAB.
	for {
		l, _, err := p.v30()
		if err != nil {
			return err
		}
		if strings.EqualFold(l, "END CTAB") {
			break
		}
	}
	for ; p.i < len(p.lines); p.i++ {
		if strings.HasPrefix(p.lines[p.i], "M  END") {
			p.i++
			return nil
		}
	}
	return p.errf(len(p.lines), 0, "expected \"M  END\", found end of record")
}

// parseData reads "> <name>" data items after M  END.
func (p *molParser) parseData() error {
	for p.i < len(p.lines) {
		l := p.lines[p.i]
		if !strings.HasPrefix(l, ">") {
			p.i++
			continue
		}
		name := ""
		if a := strings.Index(l, "<"); a >= 0 {
			b := strings.Index(l[a+1:], ">")
			if b < 0 {
				return p.errf(p.i, a+1, "expected '>' closing the data field name")
			}
			name = l[a+1 : a+1+b]
		}
		p.i++
		var vals []string
		for p.i < len(p.lines) && strings.TrimSpace(p.lines[p.i]) != "" {
			vals = append(vals, p.lines[p.i])
			p.i++
		}
		p.m.Props = append(p.m.Props, Property{Name: name, Value: strings.Join(vals, "\n")})
	}
	return nil
}

// finish kekulises aromatic bond types, sets implicit hydrogens by the
// valence rule, perceives rings and aromaticity, and stereo from 3D.
func (p *molParser) finish() error {
	m := p.m
	needPi := make([]bool, len(m.Atoms))
	for i := range m.Atoms {
		a := &m.Atoms[i]
		v := m.Valence(i)
		vals := chargedValences(a.Element, a.Charge)
		if a.Element == 0 || a.Element == 1 {
			vals = nil
		}
		for _, val := range vals {
			if val >= v {
				if a.Aromatic && val-v >= 1 {
					needPi[i] = true
					a.ImplicitH = val - v - 1
				} else {
					a.ImplicitH = val - v
				}
				break
			}
		}
	}
	if p.arom {
		if err := kekulize(m, needPi); err != nil {
			if pe, ok := err.(*ParseError); ok {
				pe.Source, pe.Line = p.source, p.first
			}
			return err
		}
	}
	m.Perceive()
	switch {
	case is3D(m.Conformers[0]):
		m.AssignStereoFromConformer(0)
	case len(m.Atoms) > 1 && !allZero(m.Conformers[0]):
		p.stereoFrom2D()
	}
	return nil
}

// wedgeParity returns the parity that a wedge (s = +1) or hash (s = −1)
// from centre c towards neighbour w would express in the 2D layout flat.
func wedgeParity(m *Molecule, flat []r3.Vec, c, w int, s float64) Chirality {
	pseudo := make([]r3.Vec, len(flat))
	copy(pseudo, flat)
	for _, nb := range m.adj[c] {
		d := r3.Sub(flat[nb.Atom], flat[c])
		d.Z = 0
		if n := r3.Norm(d); n > 0 {
			d = r3.Scale(1/n, d)
		}
		if nb.Atom == w {
			d.Z = s
		}
		pseudo[nb.Atom] = r3.Add(flat[c], d)
	}
	v, _ := m.SignedVolume(pseudo, c)
	switch {
	case v < -volumeTolerance:
		return ChiralCCW
	case v > volumeTolerance:
		return ChiralCW
	}
	return ChiralNone
}

// wedges chooses, for a 2D layout, one wedge or hash bond per stereocentre
// (narrow end at the centre) that expresses its parity: per bond, the
// centre and the mark (+1 wedge, −1 hash), or centre −1 for none.
// Bonds to hydrogens and terminal atoms are preferred, then non-ring bonds,
// then bonds to other stereocentres; a bond is never used by two centres.
func wedges(m *Molecule, flat []r3.Vec) (centre []int, mark []int8) {
	centre = make([]int, len(m.Bonds))
	mark = make([]int8, len(m.Bonds))
	for k := range centre {
		centre[k] = -1
	}
	sc := m.StereoCenters()
	isSC := map[int]bool{}
	for _, c := range sc {
		isSC[c] = true
	}
	for _, c := range sc {
		type cand struct{ k, score int }
		var cands []cand
		for _, nb := range m.adj[c] {
			k := nb.Bond
			if centre[k] >= 0 || m.Bonds[k].Order != OrderSingle {
				continue
			}
			score := m.Degree(nb.Atom) * 2
			if m.BondInRing(k) {
				score += 100
			}
			if isSC[nb.Atom] {
				score += 1000 // allowed: only the narrow end carries meaning
			}
			cands = append(cands, cand{k, score})
		}
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].score < cands[j].score })
		want := m.Atoms[c].Chirality
		for _, cd := range cands {
			w := m.Bonds[cd.k].Other(c)
			if wedgeParity(m, flat, c, w, 1) == want {
				centre[cd.k], mark[cd.k] = c, 1
				break
			}
			if wedgeParity(m, flat, c, w, -1) == want {
				centre[cd.k], mark[cd.k] = c, -1
				break
			}
		}
	}
	return centre, mark
}

func allZero(conf []r3.Vec) bool {
	for _, v := range conf {
		if v != (r3.Vec{}) {
			return false
		}
	}
	return true
}

// stereoFrom2D reads a 2D depiction: double bonds from the drawing unless
// marked "either"; a tetrahedral centre from the wedge (up) and hash (down)
// bonds whose narrow end it is. The centre's neighbours are put on the unit
// circle around it in their drawn directions (so only their angular order
// counts, not the bond lengths of the drawing), the wedged ones lifted to
// z = +1 (hash: −1), and the signed volume of this pseudo-3D layout gives
// the parity, as a chemist reads the drawing.
func (p *molParser) stereoFrom2D() {
	m := p.m
	flat := m.Conformers[0]
	m.AssignStereoFromConformer(0) // double bonds; flat centres stay ChiralNone
	for k, st := range p.bstereo {
		if st == 2 && m.Bonds[k].Order == OrderDouble {
			m.Bonds[k].Stereo = StereoNone
		}
	}
	cand := map[int]bool{}
	for _, i := range m.PotentialStereoCenters() {
		cand[i] = true
	}
	done := map[int]bool{}
	for k, st := range p.bstereo {
		c := m.Bonds[k].Begin
		if (st != 1 && st != -1) || m.Bonds[k].Order != OrderSingle || !cand[c] || done[c] {
			continue
		}
		done[c] = true
		pseudo := make([]r3.Vec, len(flat))
		copy(pseudo, flat)
		for _, nb := range m.adj[c] {
			d := r3.Sub(flat[nb.Atom], flat[c])
			d.Z = 0
			if n := r3.Norm(d); n > 0 {
				d = r3.Scale(1/n, d)
			}
			if s := p.bstereo[nb.Bond]; (s == 1 || s == -1) && m.Bonds[nb.Bond].Begin == c {
				d.Z = float64(s)
			}
			pseudo[nb.Atom] = r3.Add(flat[c], d)
		}
		v, _ := m.SignedVolume(pseudo, c)
		m.chiralityFromVolume(c, v)
	}
}

func is3D(conf []r3.Vec) bool {
	for _, v := range conf {
		if math.Abs(v.Z) > 1e-4 {
			return true
		}
	}
	return false
}

// Prop returns the value of data field name and whether it exists.
func (m *Molecule) Prop(name string) (string, bool) {
	for _, p := range m.Props {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// SetProp sets data field name, replacing an existing value.
func (m *Molecule) SetProp(name, value string) {
	for i := range m.Props {
		if m.Props[i].Name == name {
			m.Props[i].Value = value
			return
		}
	}
	m.Props = append(m.Props, Property{name, value})
}

// WriteSDF writes m as SD records, one per conformer (one record with zero
// coordinates when m has none). Connection tables are V2000, or V3000 when
// m does not fit V2000's fixed columns (more than 999 atoms or bonds,
// coordinates beyond ±10⁴ Å, atom maps above 999). Bonds are written in Kekulé form,
// charges and isotopes as M  CHG / M  ISO (V2000) or CHG= / MASS= (V3000),
// then m.Props as data fields. Stereo is carried by 3D coordinates, or
// for a 2D layout by one wedge or hash bond per stereocentre (double bonds
// by the drawing).
func WriteSDF(w io.Writer, m *Molecule) error {
	bw := bufio.NewWriter(w)
	confs := m.Conformers
	if len(confs) == 0 {
		confs = [][]r3.Vec{make([]r3.Vec, len(m.Atoms))}
	}
	for _, conf := range confs {
		if len(conf) != len(m.Atoms) {
			return fmt.Errorf("graph: WriteSDF: conformer has %d positions for %d atoms", len(conf), len(m.Atoms))
		}
		writeMolBlock(bw, m, conf)
		for _, p := range m.Props {
			fmt.Fprintf(bw, "> <%s>\n%s\n\n", p.Name, p.Value)
		}
		bw.WriteString("$$$$\n")
	}
	return bw.Flush()
}

// WriteMolBlock writes the connection table of m with coordinates conf
// (nil for zeros), ending with "M  END", without data fields or "$$$$".
func WriteMolBlock(w io.Writer, m *Molecule, conf []r3.Vec) error {
	bw := bufio.NewWriter(w)
	if conf == nil {
		conf = make([]r3.Vec, len(m.Atoms))
	}
	writeMolBlock(bw, m, conf)
	return bw.Flush()
}

func sdfSymbol(a Atom) string {
	if a.Element == 0 {
		return "*"
	}
	return ElementSymbol(a.Element)
}

func writeMolBlock(bw *bufio.Writer, m *Molecule, conf []r3.Vec) {
	name := strings.ReplaceAll(m.Name, "\n", " ")
	dim := "2D"
	if is3D(conf) {
		dim = "3D"
	}
	fmt.Fprintf(bw, "%s\n  geosoc          %s\n\n", name, dim)
	if needsV3000(m, conf) {
		writeV3000(bw, m, conf)
		return
	}
	fmt.Fprintf(bw, "%3d%3d  0  0  0  0  0  0  0  0999 V2000\n", len(m.Atoms), len(m.Bonds))
	var chg, iso [][2]int
	for i, a := range m.Atoms {
		code := 0
		if a.Charge >= -3 && a.Charge <= 3 && a.Charge != 0 {
			code = 4 - a.Charge
		}
		if a.Charge != 0 {
			chg = append(chg, [2]int{i + 1, a.Charge})
		}
		if a.Isotope != 0 {
			iso = append(iso, [2]int{i + 1, a.Isotope})
		}
		p := conf[i]
		fmt.Fprintf(bw, "%10.4f%10.4f%10.4f %-3s 0%3d  0  0  0  0  0  0  0%3d  0  0\n", p.X, p.Y, p.Z, sdfSymbol(a), code, a.MapClass)
	}
	wc, wm := wedgeMarks(m, conf)
	for k, b := range m.Bonds {
		a1, a2, st := b.Begin, b.End, 0
		if wc[k] >= 0 {
			a1, a2 = wc[k], b.Other(wc[k])
			st = 1
			if wm[k] < 0 {
				st = 6
			}
		}
		fmt.Fprintf(bw, "%3d%3d%3d%3d\n", a1+1, a2+1, b.Order, st)
	}
	writeProps := func(tag string, list [][2]int) {
		for s := 0; s < len(list); s += 8 {
			e := min(s+8, len(list))
			fmt.Fprintf(bw, "M  %s%3d", tag, e-s)
			for _, x := range list[s:e] {
				fmt.Fprintf(bw, " %3d %3d", x[0], x[1])
			}
			bw.WriteByte('\n')
		}
	}
	writeProps("CHG", chg)
	writeProps("ISO", iso)
	bw.WriteString("M  END\n")
}

// needsV3000 reports whether m does not fit V2000's fixed columns: more
// than 999 atoms or bonds, a coordinate wider than 10 characters in %10.4f
// (outside (−9999.99995, 99999.99995)), or an atom map above 999.
func needsV3000(m *Molecule, conf []r3.Vec) bool {
	if len(m.Atoms) > 999 || len(m.Bonds) > 999 {
		return true
	}
	fits := func(x float64) bool { return x > -9999.99995 && x < 99999.99995 }
	for i, p := range conf {
		if !fits(p.X) || !fits(p.Y) || !fits(p.Z) || m.Atoms[i].MapClass > 999 {
			return true
		}
	}
	return false
}

// wedgeMarks returns the wedge bonds to write: none for 3D or all-zero
// coordinates (3D carries stereo itself; zeros cannot).
func wedgeMarks(m *Molecule, conf []r3.Vec) ([]int, []int8) {
	if is3D(conf) || allZero(conf) {
		c := make([]int, len(m.Bonds))
		for k := range c {
			c[k] = -1
		}
		return c, make([]int8, len(m.Bonds))
	}
	return wedges(m, conf)
}

func writeV3000(bw *bufio.Writer, m *Molecule, conf []r3.Vec) {
	bw.WriteString("  0  0  0     0  0            999 V3000\n")
	bw.WriteString("M  V30 BEGIN CTAB\n")
	fmt.Fprintf(bw, "M  V30 COUNTS %d %d 0 0 0\n", len(m.Atoms), len(m.Bonds))
	bw.WriteString("M  V30 BEGIN ATOM\n")
	for i, a := range m.Atoms {
		p := conf[i]
		fmt.Fprintf(bw, "M  V30 %d %s %.4f %.4f %.4f %d", i+1, sdfSymbol(a), p.X, p.Y, p.Z, a.MapClass)
		if a.Charge != 0 {
			fmt.Fprintf(bw, " CHG=%d", a.Charge)
		}
		if a.Isotope != 0 {
			fmt.Fprintf(bw, " MASS=%d", a.Isotope)
		}
		bw.WriteByte('\n')
	}
	bw.WriteString("M  V30 END ATOM\n")
	if len(m.Bonds) > 0 {
		bw.WriteString("M  V30 BEGIN BOND\n")
		wc, wm := wedgeMarks(m, conf)
		for k, b := range m.Bonds {
			a1, a2, cfg := b.Begin, b.End, ""
			if wc[k] >= 0 {
				a1, a2 = wc[k], b.Other(wc[k])
				cfg = " CFG=1"
				if wm[k] < 0 {
					cfg = " CFG=3"
				}
			}
			fmt.Fprintf(bw, "M  V30 %d %d %d %d%s\n", k+1, b.Order, a1+1, a2+1, cfg)
		}
		bw.WriteString("M  V30 END BOND\n")
	}
	bw.WriteString("M  V30 END CTAB\nM  END\n")
}

// GroupConformers merges consecutive records with the same name and the
// same graph (elements, charges and bonds in the same order) into one
// Molecule with several conformers, as SD files store conformer ensembles.
func GroupConformers(mols []*Molecule) []*Molecule {
	var out []*Molecule
	for _, m := range mols {
		if n := len(out); n > 0 && out[n-1].Name == m.Name && sameGraph(out[n-1], m) {
			out[n-1].Conformers = append(out[n-1].Conformers, m.Conformers...)
			continue
		}
		out = append(out, m)
	}
	return out
}

func sameGraph(a, b *Molecule) bool {
	if len(a.Atoms) != len(b.Atoms) || len(a.Bonds) != len(b.Bonds) {
		return false
	}
	for i := range a.Atoms {
		x, y := a.Atoms[i], b.Atoms[i]
		if x.Element != y.Element || x.Charge != y.Charge || x.Isotope != y.Isotope || x.ImplicitH != y.ImplicitH {
			return false
		}
	}
	for k := range a.Bonds {
		x, y := a.Bonds[k], b.Bonds[k]
		if x.Begin != y.Begin || x.End != y.End || x.Order != y.Order {
			return false
		}
	}
	return true
}
