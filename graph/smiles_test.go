package graph

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata (read by scripts/graph_reference.py --check)")

// TestSMILESRoundTrip: every test molecule, written and read back, is the
// same graph with the same stereo (atom order follows the writer).
func TestSMILESRoundTrip(t *testing.T) {
	recs := readSmiFile(t, "testdata/molecules.smi")
	var written strings.Builder
	for _, rec := range recs {
		t.Run(rec.Name, func(t *testing.T) {
			m, err := ParseSMILES(rec.SMILES)
			require.NoError(t, err)
			s, order := writeSMILESOrder(m)
			m2, err := ParseSMILES(s)
			require.NoError(t, err, s)
			assertSameMolecule(t, m, m2, order)
			written.WriteString(s + " " + rec.Name + "\n")
			// With explicit hydrogens as well.
			mh := m.Clone()
			mh.AddHydrogens()
			sh, orderH := writeSMILESOrder(mh)
			m3, err := ParseSMILES(sh)
			require.NoError(t, err, sh)
			assertSameMolecule(t, mh, m3, orderH)
			assert.Equal(t, m.Formula(), m3.Formula())
		})
	}
	golden(t, "testdata/geosoc_written.smi", written.String())
}

// golden compares content with a committed file, or rewrites it with -update.
func golden(t *testing.T, path, content string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./graph -update to create %s", path)
	assert.Equal(t, string(want), content, "%s is stale: run go test ./graph -update, then scripts/graph_reference.py --check", path)
}

func TestParseSMILESDetails(t *testing.T) {
	tests := []struct {
		smiles  string
		formula string
		charge  int
	}{
		{"[13CH4]", "CH4", 0},
		{"[2H]C([2H])([2H])[2H]", "CH4", 0},
		{"C%10CCCCC%10", "C6H12", 0},
		{"[Fe+3]", "Fe+3", 3},
		{"[O--]", "O-2", -2},
		{"[NH4+].[Cl-]", "ClH4N", 0},
		{"[CH3:1][OH:2]", "CH4O", 0},
		{"C1CC[C@@H]2CCCC[C@H]2C1", "C10H18", 0},
		{"c1cc[se]c1", "C4H4Se", 0},
		{"[H][H]", "H2", 0},
		{"[CH2]", "CH2", 0},
		{"*C", "CH3*", 0},
		{"N1C=CC=C1", "C4H5N", 0},
		{"OS(=O)(=O)O", "H2O4S", 0},
		{"CP(C)(C)=O", "C3H9OP", 0},
		{"C[N+](C)(C)[O-]", "C3H9NO", 0},
	}
	for _, tc := range tests {
		t.Run(tc.smiles, func(t *testing.T) {
			m, err := ParseSMILES(tc.smiles)
			require.NoError(t, err)
			assert.Equal(t, tc.formula, m.Formula())
			q := 0
			for _, a := range m.Atoms {
				q += a.Charge
			}
			assert.Equal(t, tc.charge, q)
		})
	}
}

// TestSMILESChirality checks parity bookkeeping on equivalent spellings of
// L-alanine: all must give the same centre (compared through a round trip
// into a common atom order).
func TestSMILESChirality(t *testing.T) {
	// All are L-alanine (checked with RDKit canonical SMILES).
	same := []string{"N[C@@H](C)C(=O)O", "N[C@H](C(=O)O)C", "[H][C@](N)(C)C(=O)O", "C[C@H](N)C(=O)O", "OC(=O)[C@@H](N)C", "[C@@H](C)(N)C(=O)O", "C1.N[C@@H]1C(=O)O", "N1.[C@H]1(C)C(=O)O"}
	opposite := []string{"N[C@H](C)C(=O)O", "C[C@@H](N)C(=O)O", "[H][C@@](N)(C)C(=O)O", "N1.[C@@H]1(C)C(=O)O"}
	canon := func(s string) string {
		m, err := ParseSMILES(s)
		require.NoError(t, err)
		m.AddHydrogens()
		// Centre is the carbon bonded to N: report the parity viewed from N,
		// with neighbours ordered N, H, CH3, COOH.
		var c int
		for i, a := range m.Atoms {
			if a.Chirality != ChiralNone {
				c = i
			}
		}
		var n, h, me, co int
		for _, nb := range m.Neighbors(c) {
			a := m.Atoms[nb.Atom]
			switch {
			case a.Element == 7:
				n = nb.Atom
			case a.Element == 1:
				h = nb.Atom
			case m.TotalH(nb.Atom) == 3:
				me = nb.Atom
			default:
				co = nb.Atom
			}
		}
		ref, _ := m.stereoRefs(c)
		odd, ok := permutationParity([]int{n, h, me, co}, ref)
		require.True(t, ok)
		ch := m.Atoms[c].Chirality
		if odd {
			ch = ch.Invert()
		}
		if ch == ChiralCCW {
			return "@"
		}
		return "@@"
	}
	want := canon(same[0])
	for _, s := range same {
		assert.Equal(t, want, canon(s), s)
	}
	for _, s := range opposite {
		assert.NotEqual(t, want, canon(s), s)
	}
}

func TestSMILESDoubleBondStereo(t *testing.T) {
	tests := []struct {
		smiles string
		want   BondStereo // of the two F atoms
	}{
		{"F/C=C/F", StereoTrans},
		{"F\\C=C\\F", StereoTrans},
		{"F/C=C\\F", StereoCis},
		{"C(/F)=C/F", StereoCis},
		{"C(\\F)=C/F", StereoTrans},
		{"F/C=C/1.F1", StereoTrans},
		{"F/C=C1.F/1", StereoCis},
		{"F1.F/C=C\\1", StereoCis},
	}
	for _, tc := range tests {
		t.Run(tc.smiles, func(t *testing.T) {
			m, err := ParseSMILES(tc.smiles)
			require.NoError(t, err)
			var fs []int
			for i, a := range m.Atoms {
				if a.Element == 9 {
					fs = append(fs, i)
				}
			}
			k := -1
			for j, b := range m.Bonds {
				if b.Order == OrderDouble {
					k = j
				}
			}
			assert.Equal(t, tc.want, m.DoubleBondConfig(k, fs[0], fs[1]))
		})
	}
}

// TestSMILESErrors: malformed input gives a ParseError with line, column
// and what was expected; nothing panics.
func TestSMILESErrors(t *testing.T) {
	tests := []struct {
		smiles string
		col    int
		msg    string
		kind   error
	}{
		{"", 1, "empty SMILES", ErrSyntax},
		{"C(C", 2, "unclosed branch", ErrSyntax},
		{"CC)", 3, "unmatched ')'", ErrSyntax},
		{"C1CC", 2, "unclosed ring bond 1", ErrSyntax},
		{"C[Xx]", 3, "unknown element", ErrSyntax},
		{"C[CH4", 6, "expected ']'", ErrSyntax},
		{"C=", 3, "expected an atom after bond symbol", ErrSyntax},
		{"C%1C", 2, "expected two digits or '(' after '%'", ErrSyntax},
		{"C==C", 3, "expected an atom or ring bond after bond symbol", ErrSyntax},
		{"C11", 3, "closes on its own atom", ErrSyntax},
		{"C1CC=1", 0, "", nil},
		{"C=1CC#1", 7, "conflicting bond orders", ErrSyntax},
		{"C12CC12", 7, "duplicates an existing bond", ErrSyntax},
		{"()", 1, "expected an atom before '('", ErrSyntax},
		{"C(C)(C)()", 9, "empty branch", ErrSyntax},
		{"C.", 3, "expected an atom after '.'", ErrSyntax},
		{"C.C.", 5, "expected an atom after '.'", ErrSyntax},
		{".C", 1, "expected an atom before '.'", ErrSyntax},
		{"C$C", 2, "quadruple bonds", ErrSyntax},
		{"[C@SP1]", 3, "unsupported chirality", ErrSyntax},
		{"[C+16]", 5, "charge magnitude", ErrSyntax},
		{"C?", 2, "expected an atom, bond, ring bond or branch", ErrSyntax},
		{"c1cccc1", 1, "cannot kekulise", ErrChemistry},
		{"c1ccccc1c", 9, "not in a ring", ErrChemistry},
		{"Cc1cc[nH]cc1", 2, "cannot kekulise", ErrChemistry},
		{"[1234C]", 5, "isotope has more than 3 digits", ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.smiles, func(t *testing.T) {
			_, err := ParseSMILES(tc.smiles)
			if tc.kind == nil && tc.msg == "" {
				// valid input (trailing '.' is tolerated, C1CC=1 is cyclopropene)
				if tc.smiles == "C." {
					// A dangling '.' leaves no atom after it: accepted.
					return
				}
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "want *ParseError, got %T", err)
			assert.True(t, errors.Is(err, tc.kind), "kind: %v", err)
			assert.Contains(t, pe.Msg, tc.msg)
			assert.Equal(t, 1, pe.Line)
			if tc.col > 0 {
				assert.Equal(t, tc.col, pe.Column, err.Error())
			}
			assert.Contains(t, err.Error(), "smiles:1")
		})
	}
}

// TestSMILESManyRings: more than 99 simultaneously open ring bonds are
// written with the OpenSMILES %(nnn) extension and read back.
func TestSMILESManyRings(t *testing.T) {
	// A hub bonded to a 150-atom cycle: the DFS along the cycle leaves one
	// open closure per spoke.
	m := &Molecule{}
	hub := m.AddAtom(Atom{Element: 6})
	const n = 150
	for i := 0; i < n; i++ {
		m.AddAtom(Atom{Element: 6})
	}
	for i := 1; i <= n; i++ {
		m.AddBond(i, i%n+1, OrderSingle)
	}
	for i := 1; i <= 120; i++ {
		m.AddBond(hub, i, OrderSingle)
	}
	m.Perceive()
	s, order := writeSMILESOrder(m)
	assert.Contains(t, s, "%(")
	m2, err := ParseSMILES(s)
	require.NoError(t, err)
	assertSameMolecule(t, m, m2, order)
	_, err = ParseSMILES("C%(12")
	assert.ErrorContains(t, err, "expected 1-5 digits")
}

// TestIsotopeFormula: isotope-labelled atoms are written apart, after the
// unlabelled atoms of their element (RDKit CalcMolFormula with
// separateIsotopes=True, abbreviateHIsotopes=False; its docstring gives
// "CH2[2H][3H]O" for [2H]C([3H])O), while Formula merges them as RDKit's
// default does. The weight uses isotope masses in both cases.
func TestIsotopeFormula(t *testing.T) {
	tests := []struct{ smiles, iso, plain string }{
		{"[2H]C([2H])([2H])O", "CH[2H]3O", "CH4O"},
		{"[2H]C([3H])O", "CH2[2H][3H]O", "CH4O"},
		{"[13CH3]C", "C[13C]H6", "C2H6"},
		{"[2H]C(Cl)(Cl)Cl", "C[2H]Cl3", "CHCl3"},
		{"[2H]O[2H]", "[2H]2O", "H2O"},
		{"CCO", "C2H6O", "C2H6O"},
		{"[18OH-]", "H[18O]-", "HO-"},
	}
	for _, tc := range tests {
		t.Run(tc.smiles, func(t *testing.T) {
			m, err := ParseSMILES(tc.smiles)
			require.NoError(t, err)
			assert.Equal(t, tc.iso, m.IsotopeFormula())
			assert.Equal(t, tc.plain, m.Formula())
		})
	}
}
