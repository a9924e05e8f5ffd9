package graph

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type refRow map[string]string

func readReference(t testing.TB) []refRow {
	f, err := os.Open("testdata/reference.tsv")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	var hdr []string
	var rows []refRow
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if hdr == nil {
			hdr = fields
			continue
		}
		r := refRow{}
		for i, h := range hdr {
			if i < len(fields) {
				r[h] = fields[i]
			}
		}
		rows = append(rows, r)
	}
	require.NoError(t, sc.Err())
	return rows
}

// knownDifferences lists justified disagreements with RDKit 2022.09.3
// (reference.tsv): molecule name -> field -> explanation.
//
// Rings: the SSSR of a graph has exactly E − V + C rings (a minimum cycle
// basis). RDKit 2022.09's Chem.GetSSSR returns the symmetrised SSSR, which
// for bridged polycycles adds a ring equivalent to one already chosen
// (DABCO: 3 instead of 2, adamantane: 4 instead of 3).
//
// Formula without carbon: Hill order then lists every element, hydrogen
// included, alphabetically (BH3O3); RDKit's CalcMolFormula always puts H
// first (H3BO3).
var knownDifferences = map[string]map[string]string{
	"quinine":      {"rings": bridgedSSSR},
	"artemisinin":  {"rings": bridgedSSSR},
	"adamantane":   {"rings": bridgedSSSR},
	"amantadine":   {"rings": bridgedSSSR},
	"memantine":    {"rings": bridgedSSSR},
	"DABCO":        {"rings": bridgedSSSR},
	"quinuclidine": {"rings": bridgedSSSR},
	"boric_acid":   {"formula": hillNoCarbon},
	"cisplatin":    {"formula": hillNoCarbon},
}

const (
	bridgedSSSR  = "RDKit counts the symmetrised SSSR of a bridged system; the SSSR has E-V+C rings"
	hillNoCarbon = "Hill order without carbon is alphabetical including H; RDKit puts H first"
)

// TestReferenceRDKit compares formula, weight, heavy atoms, SSSR size,
// aromatic atoms, specified stereocentres and rotatable bonds of every
// molecule in testdata/molecules.smi with RDKit (scripts/graph_reference.py).
func TestReferenceRDKit(t *testing.T) {
	rows := readReference(t)
	require.GreaterOrEqual(t, len(rows), 150)
	// Molecular weight tolerance: both sides use the same IUPAC weights at
	// 3 decimals; the reference is printed with 3 decimals.
	const weightTol = 2e-3
	disagree := 0
	for _, r := range rows {
		t.Run(r["name"], func(t *testing.T) {
			m, err := ParseSMILES(r["smiles"])
			require.NoError(t, err)
			got := map[string]string{
				"formula":         m.Formula(),
				"heavy_atoms":     strconv.Itoa(m.NumHeavyAtoms()),
				"rings":           strconv.Itoa(m.NumRings()),
				"aromatic_atoms":  strconv.Itoa(m.NumAromaticAtoms()),
				"stereocenters":   strconv.Itoa(len(m.StereoCenters())),
				"rotatable_bonds": strconv.Itoa(len(m.RotatableBonds())),
			}
			for k, v := range got {
				if why, ok := knownDifferences[r["name"]][k]; ok {
					t.Logf("known difference in %s: geosoc %s, RDKit %s: %s", k, v, r[k], why)
					assert.NotEqual(t, r[k], v, "known difference no longer differs: remove it")
					continue
				}
				if !assert.Equal(t, r[k], v, "%s of %s", k, r["smiles"]) {
					disagree++
				}
			}
			w, err := strconv.ParseFloat(r["mol_weight"], 64)
			require.NoError(t, err)
			assert.InDelta(t, w, m.MolWeight(), weightTol, "mol_weight")
		})
	}
	t.Logf("%d molecules, %d unexpected disagreements", len(rows), disagree)
}
