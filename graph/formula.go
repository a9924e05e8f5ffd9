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
// hydrogens are counted, isotopes are not separated (D counts as H), and a
// net charge is appended as RDKit's CalcMolFormula does: "+", "-", "+2".
func (m *Molecule) Formula() string {
	counts := map[string]int{}
	charge := 0
	for _, a := range m.Atoms {
		counts[ElementSymbol(a.Element)]++
		if a.ImplicitH > 0 {
			counts["H"] += a.ImplicitH
		}
		charge += a.Charge
	}
	var syms []string
	for s := range counts {
		syms = append(syms, s)
	}
	_, hasC := counts["C"]
	sort.Slice(syms, func(i, j int) bool {
		if hasC {
			ri, rj := hillRank(syms[i]), hillRank(syms[j])
			if ri != rj {
				return ri < rj
			}
		}
		return syms[i] < syms[j]
	})
	var sb strings.Builder
	for _, s := range syms {
		sb.WriteString(s)
		if counts[s] > 1 {
			sb.WriteString(strconv.Itoa(counts[s]))
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
