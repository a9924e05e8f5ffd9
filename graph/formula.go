package graph

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Formula returns the molecular formula in Hill order: C first, then H,
// then the other elements alphabetically; without carbon every element,
// H included, is alphabetical (Hill, JACS 22, 478 (1900)). Implicit
// hydrogens are counted, and a net charge is appended as RDKit's
// CalcMolFormula does: "+", "-", "+2".
//
// Isotopes are not separated ([2H] counts as H, [13C] as C), as in RDKit's
// CalcMolFormula default, whereas MolWeight uses isotope masses (as RDKit's
// MolWt does): CD3OH gives "CH4O" but 35.060 g/mol. IsotopeFormula keeps
// the isotopes apart.
func (m *Molecule) Formula() string { return m.formula(false) }

// IsotopeFormula is Formula with isotope-labelled atoms counted apart,
// written "[2H]", "[13C]" right after the unlabelled atoms of the same
// element, by increasing mass number: [2H]C([2H])([2H])O gives
// "CH[2H]3O", consistent with MolWeight. This follows RDKit's
// CalcMolFormula(mol, separateIsotopes=True, abbreviateHIsotopes=False),
// whose documentation gives "CH2[2H][3H]O" for [2H]C([3H])O.
func (m *Molecule) IsotopeFormula() string { return m.formula(true) }

func (m *Molecule) formula(isotopes bool) string {
	type key struct {
		sym string
		iso int
	}
	counts := map[key]int{}
	charge := 0
	for _, a := range m.Atoms {
		k := key{sym: ElementSymbol(a.Element)}
		if isotopes {
			k.iso = a.Isotope
		}
		counts[k]++
		if a.ImplicitH > 0 {
			counts[key{sym: "H"}] += a.ImplicitH
		}
		charge += a.Charge
	}
	var keys []key
	for k := range counts {
		keys = append(keys, k)
	}
	hasC := false
	for k := range counts {
		if k.sym == "C" {
			hasC = true
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if hasC {
			ri, rj := hillRank(a.sym), hillRank(b.sym)
			if ri != rj {
				return ri < rj
			}
		}
		if a.sym != b.sym {
			return a.sym < b.sym
		}
		return a.iso < b.iso
	})
	var sb strings.Builder
	for _, k := range keys {
		if k.iso > 0 {
			sb.WriteString("[" + strconv.Itoa(k.iso) + k.sym + "]")
		} else {
			sb.WriteString(k.sym)
		}
		if counts[k] > 1 {
			sb.WriteString(strconv.Itoa(counts[k]))
		}
	}
	switch {
	case charge == 1:
		sb.WriteString("+")
	case charge == -1:
		sb.WriteString("-")
	case charge > 1:
		sb.WriteString("+" + strconv.Itoa(charge))
	case charge < -1:
		sb.WriteString("-" + strconv.Itoa(-charge))
	}
	return sb.String()
}

func hillRank(s string) int {
	switch s {
	case "C":
		return 0
	case "H":
		return 1
	}
	return 2
}

// MolWeight returns the average molecular weight in g/mol:
// Σ standard atomic weights over all atoms, implicit hydrogens included;
// an atom with an isotope label uses that isotope's atomic mass instead.
func (m *Molecule) MolWeight() float64 {
	w := 0.0
	for _, a := range m.Atoms {
		if a.Isotope > 0 {
			w += isotopeMass(a.Element, a.Isotope)
		} else {
			w += AtomicWeight(a.Element)
		}
		w += float64(a.ImplicitH) * AtomicWeight(1)
	}
	return w
}

// NumHeavyAtoms returns the number of atoms other than hydrogen.
func (m *Molecule) NumHeavyAtoms() int {
	n := 0
	for _, a := range m.Atoms {
		if a.Element != 1 {
			n++
		}
	}
	return n
}

// NumAromaticAtoms returns the number of atoms flagged aromatic.
func (m *Molecule) NumAromaticAtoms() int {
	n := 0
	for _, a := range m.Atoms {
		if a.Aromatic {
			n++
		}
	}
	return n
}

// Summary is the per-molecule report of "geosoc mol". When Error is set the
// JSON form holds only name and error.
type Summary struct {
	Name           string  `json:"name"`
	SMILES         string  `json:"smiles"`
	Formula        string  `json:"formula"`
	MolWeight      float64 `json:"mol_weight"`
	HeavyAtoms     int     `json:"heavy_atoms"`
	Rings          int     `json:"rings"`
	AromaticAtoms  int     `json:"aromatic_atoms"`
	StereoCenters  int     `json:"stereocenters"`
	RotatableBonds int     `json:"rotatable_bonds"`
	Error          string  `json:"error,omitempty"`
}

// MarshalJSON writes {"name","error"} for a failed molecule and the full
// record otherwise; mol_weight is rounded to 3 decimals.
func (s Summary) MarshalJSON() ([]byte, error) {
	if s.Error != "" {
		return json.Marshal(struct {
			Name  string `json:"name"`
			Error string `json:"error"`
		}{s.Name, s.Error})
	}
	type plain Summary
	p := plain(s)
	p.MolWeight = float64(int64(p.MolWeight*1000+0.5)) / 1000
	return json.Marshal(p)
}

// Summarize computes the Summary of m. smiles is the text to report (the
// input SMILES, or "" to write one with WriteSMILES).
func Summarize(m *Molecule, smiles string) Summary {
	if smiles == "" {
		smiles = WriteSMILES(m)
	}
	return Summary{
		Name:           m.Name,
		SMILES:         smiles,
		Formula:        m.Formula(),
		MolWeight:      m.MolWeight(),
		HeavyAtoms:     m.NumHeavyAtoms(),
		Rings:          m.NumRings(),
		AromaticAtoms:  m.NumAromaticAtoms(),
		StereoCenters:  len(m.StereoCenters()),
		RotatableBonds: len(m.RotatableBonds()),
	}
}
