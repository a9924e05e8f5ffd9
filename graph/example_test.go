package graph_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/geosoc/geosoc/graph"
	"gonum.org/v1/gonum/spatial/r3"
)

func ExampleParseSMILES() {
	m, err := graph.ParseSMILES("CC(=O)Oc1ccccc1C(=O)O")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Formula(), fmt.Sprintf("%.3f", m.MolWeight()))
	fmt.Println("heavy atoms:", m.NumHeavyAtoms(), "rings:", m.NumRings(), "aromatic:", m.NumAromaticAtoms())
	fmt.Println("rotatable bonds:", len(m.RotatableBonds()))
	m.AddHydrogens()
	fmt.Println("atoms with H:", m.NumAtoms())
	// Output:
	// C9H8O4 180.159
	// heavy atoms: 13 rings: 1 aromatic: 6
	// rotatable bonds: 3
	// atoms with H: 21
}

func ExampleParseSMILES_error() {
	_, err := graph.ParseSMILES("CC(C")
	fmt.Println(err)
	// Output:
	// graph: smiles:1:3: unclosed branch '('
}

func ExampleWriteSMILES() {
	m, _ := graph.ParseSMILES("c1ccccc1[C@@H](F)Cl")
	fmt.Println(graph.WriteSMILES(m))
	// Output:
	// C1=CC=CC=C1[C@@H](F)Cl
}

func ExampleSummarizeAll() {
	in := "CC(C)Cc1ccc(cc1)[C@@H](C)C(=O)O ibuprofen\nC1CC broken\n"
	enc := json.NewEncoder(os.Stdout)
	failed, err := graph.SummarizeAll(strings.NewReader(in), graph.FormatSMILES, "in.smi", func(s graph.Summary) error {
		return enc.Encode(s)
	})
	fmt.Println(failed, err)
	// Output:
	// {"name":"ibuprofen","smiles":"CC(C)Cc1ccc(cc1)[C@@H](C)C(=O)O","formula":"C13H18O2","mol_weight":206.285,"heavy_atoms":15,"rings":1,"aromatic_atoms":6,"stereocenters":1,"rotatable_bonds":4}
	// {"name":"broken","error":"graph: in.smi:2:2: unclosed ring bond 1"}
	// 1 <nil>
}

func ExampleMolecule_Torsions() {
	m, _ := graph.ParseSMILES("CCCC")
	m.AddHydrogens()
	for _, t := range m.Torsions() {
		fmt.Println(t.A, t.B, t.C, t.D, "moving atoms:", len(t.Moving))
	}
	// Output:
	// 0 1 2 3 moving atoms: 7
}

func ExampleKabschRMSD() {
	square := []r3.Vec{{X: 1}, {Y: 1}, {X: -1}, {Y: -1}}
	// The same square turned by 90° and shifted superposes exactly.
	turned := []r3.Vec{{Y: 1, Z: 5}, {X: -1, Z: 5}, {Y: -1, Z: 5}, {X: 1, Z: 5}}
	fmt.Printf("%.6f\n", graph.KabschRMSD(turned, square))
	// Output:
	// 0.000000
}

func ExampleReadSDF() {
	const sdf = `water
  example

  3  2  0  0  0  0  0  0  0  0999 V2000
    0.0000    0.0000    0.1173 O   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000    0.7572   -0.4692 H   0  0  0  0  0  0  0  0  0  0  0  0
    0.0000   -0.7572   -0.4692 H   0  0  0  0  0  0  0  0  0  0  0  0
  1  2  1  0
  1  3  1  0
M  END
> <energy>
-76.4

$$$$
`
	mols, err := graph.ReadSDF(strings.NewReader(sdf), "water.sdf")
	if err != nil {
		fmt.Println(err)
		return
	}
	m := mols[0]
	e, _ := m.Prop("energy")
	fmt.Println(m.Name, m.Formula(), len(m.Conformers), e)
	fmt.Println(graph.WriteSMILES(m.WithoutHydrogens()))
	// Output:
	// water H2O 1 -76.4
	// O
}
