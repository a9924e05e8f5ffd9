package graph

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"
)

// Format is a molecule file format.
type Format int

// File formats.
const (
	FormatUnknown Format = iota
	FormatSMILES         // .smi, .smiles: "SMILES name" per line
	FormatSDF            // .sdf, .mol, .sd
	FormatXYZ            // .xyz
)

func (f Format) String() string {
	return [...]string{"unknown", "smiles", "sdf", "xyz"}[f]
}

// FormatFromPath guesses the format from a file name's extension.
func FormatFromPath(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".smi", ".smiles", ".ism", ".can":
		return FormatSMILES
	case ".sdf", ".mol", ".sd", ".mdl":
		return FormatSDF
	case ".xyz":
		return FormatXYZ
	}
	return FormatUnknown
}

// ParseFormat reads a format name: "smi"/"smiles", "sdf"/"mol", "xyz".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "smi", "smiles":
		return FormatSMILES, nil
	case "sdf", "mol", "sd":
		return FormatSDF, nil
	case "xyz":
		return FormatXYZ, nil
	}
	return FormatUnknown, fmt.Errorf("graph: unknown format %q (want smiles, sdf or xyz)", s)
}

// ErrNoCoordinates is returned when writing a format that needs 3D
// coordinates (XYZ; SDF when stereo must be kept) for a molecule without
// conformers.
var ErrNoCoordinates = errors.New("graph: molecule has no coordinates")

// Reader yields molecules one by one from any supported format.
type Reader interface {
	// Next returns the next molecule, a located *ParseError for a bad
	// record (the next call goes on with the following record), or io.EOF.
	Next() (*Molecule, error)
}

type smiMolReader struct{ r *SMIReader }

func (s smiMolReader) Next() (*Molecule, error) {
	rec, err := s.r.Next()
	if err != nil {
		return nil, err
	}
	m, err := s.r.Parse(rec)
	if err != nil {
		return nil, err
	}
	m.SetProp("SMILES", rec.SMILES)
	return m, nil
}

// NewReader returns a molecule reader of r in format f; source names the
// input in errors. SMILES records keep their text in the "SMILES" property.
func NewReader(r io.Reader, f Format, source string) (Reader, error) {
	switch f {
	case FormatSMILES:
		return smiMolReader{NewSMIReader(r, source)}, nil
	case FormatSDF:
		return NewSDFReader(r, source), nil
	case FormatXYZ:
		return NewXYZReader(r, source), nil
	}
	return nil, fmt.Errorf("graph: cannot read format %v", f)
}

// WriteMolecule writes m to w in format f:
//   - SMILES: one line "SMILES name", hydrogens made implicit;
//   - SDF: one record per conformer (see WriteSDF); a molecule without
//     coordinates is written with zero coordinates only if it has no
//     stereo, which MOL files keep in coordinates, else ErrNoCoordinates;
//   - XYZ: one frame per conformer, ErrNoCoordinates without conformers.
func WriteMolecule(w io.Writer, m *Molecule, f Format) error {
	switch f {
	case FormatSMILES:
		name := strings.ReplaceAll(m.Name, "\n", " ")
		_, err := fmt.Fprintf(w, "%s %s\n", WriteSMILES(m.WithoutHydrogens()), name)
		return err
	case FormatSDF:
		if len(m.Conformers) == 0 && hasStereo(m) {
			return fmt.Errorf("%w: %q has stereo that a MOL block without coordinates would lose", ErrNoCoordinates, m.Name)
		}
		return WriteSDF(w, m)
	case FormatXYZ:
		if len(m.Conformers) == 0 {
			return fmt.Errorf("%w: %q", ErrNoCoordinates, m.Name)
		}
		return WriteXYZ(w, m)
	}
	return fmt.Errorf("graph: cannot write format %v", f)
}

func hasStereo(m *Molecule) bool {
	if len(m.StereoCenters()) > 0 {
		return true
	}
	for _, b := range m.Bonds {
		if b.Stereo != StereoNone {
			return true
		}
	}
	return false
}

// SummarizeAll reads molecules from r (any format) and calls emit with one
// Summary per record, in order. A record that fails gives a Summary with
// only Name (the record's name, or "line N" / "record N") and Error set,
// and the batch goes on. SMILES input reports the input SMILES; other
// formats report WriteSMILES of the heavy-atom graph. It returns the
// number of failed records and the first I/O or emit error.
func SummarizeAll(r io.Reader, f Format, source string, emit func(Summary) error) (failed int, err error) {
	if f == FormatSMILES {
		return SummarizeSMI(r, source, emit)
	}
	rd, err := NewReader(r, f, source)
	if err != nil {
		return 0, err
	}
	for rec := 1; ; rec++ {
		m, err := rd.Next()
		if err == io.EOF {
			return failed, nil
		}
		var s Summary
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				return failed, err
			}
			failed++
			s = Summary{Name: fmt.Sprintf("record %d", rec), Error: err.Error()}
		} else {
			s = Summarize(m, WriteSMILES(m.WithoutHydrogens()))
		}
		if err := emit(s); err != nil {
			return failed, err
		}
	}
}

// WithoutHydrogens returns a copy of m in which every plain hydrogen atom
// (no isotope, no charge, one bond, to a non-hydrogen) becomes an implicit
// hydrogen of its neighbour. Tetrahedral parities, double-bond
// configurations and conformer coordinates of the remaining atoms are kept.
func (m *Molecule) WithoutHydrogens() *Molecule {
	drop := make([]bool, len(m.Atoms))
	any := false
	for i, a := range m.Atoms {
		if a.Element == 1 && a.Isotope == 0 && a.Charge == 0 && len(m.adj[i]) == 1 && m.Atoms[m.adj[i][0].Atom].Element != 1 && a.ImplicitH == 0 {
			drop[i] = true
			any = true
		}
	}
	if !any {
		return m.Clone()
	}
	// Atoms that would end with two or more removed H and a parity are
	// not stereocentres; dropping is safe. An atom may hold at most one
	// implicit H in the parity convention, so keep extra H explicit on
	// chiral atoms.
	for i, a := range m.Atoms {
		if a.Chirality == ChiralNone {
			continue
		}
		n := a.ImplicitH
		for _, nb := range m.adj[i] {
			if drop[nb.Atom] {
				n++
				if n > 1 {
					drop[nb.Atom] = false
				}
			}
		}
	}
	idx := make([]int, len(m.Atoms))
	out := &Molecule{Name: m.Name, Props: append([]Property(nil), m.Props...)}
	for i, a := range m.Atoms {
		if drop[i] {
			idx[i] = -1
			continue
		}
		idx[i] = out.AddAtom(a)
	}
	for i := range m.Atoms {
		if drop[i] {
			out.Atoms[idx[m.adj[i][0].Atom]].ImplicitH++
		}
	}
	for _, b := range m.Bonds {
		if idx[b.Begin] < 0 || idx[b.End] < 0 {
			continue
		}
		k := out.AddBond(idx[b.Begin], idx[b.End], b.Order)
		out.Bonds[k].Aromatic = b.Aromatic
	}
	// Parities: old reference order mapped, the removed H goes to the
	// implicit-H slot at the end.
	for i, a := range m.Atoms {
		if drop[i] || a.Chirality == ChiralNone {
			continue
		}
		oldRef, ok := m.stereoRefs(i)
		if !ok {
			continue
		}
		mapped := make([]int, len(oldRef))
		for k, r := range oldRef {
			if r < 0 || drop[r] {
				mapped[k] = -1
			} else {
				mapped[k] = idx[r]
			}
		}
		newRef, ok := out.stereoRefs(idx[i])
		if !ok {
			continue
		}
		odd, ok := permutationParity(mapped, newRef)
		if !ok {
			continue
		}
		c := a.Chirality
		if odd {
			c = c.Invert()
		}
		out.Atoms[idx[i]].Chirality = c
	}
	// Double bonds: replace a removed reference H by the other substituent.
	for _, b := range m.Bonds {
		if b.Stereo == StereoNone || idx[b.Begin] < 0 || idx[b.End] < 0 {
			continue
		}
		k := out.BondBetween(idx[b.Begin], idx[b.End])
		pick := func(end, other int) int {
			for _, nb := range m.adj[end] {
				if nb.Atom != other && !drop[nb.Atom] {
					return nb.Atom
				}
			}
			return -1
		}
		x, y := pick(b.Begin, b.End), pick(b.End, b.Begin)
		if x < 0 || y < 0 {
			continue
		}
		out.Bonds[k].Stereo = m.DoubleBondConfig(m.BondBetween(b.Begin, b.End), x, y)
		out.Bonds[k].StereoAtoms = [2]int{idx[x], idx[y]}
	}
	for _, conf := range m.Conformers {
		c := make([]r3.Vec, 0, len(out.Atoms))
		for i, p := range conf {
			if !drop[i] {
				c = append(c, p)
			}
		}
		out.Conformers = append(out.Conformers, c)
	}
	out.Perceive()
	return out
}
