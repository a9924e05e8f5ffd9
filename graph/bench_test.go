package graph

import "testing"

// BenchmarkSMILES times, per molecule of testdata/molecules.smi (259 drugs,
// natural products, ions), what RDKit's MolFromSmiles + AddHs does:
// parsing, implicit hydrogens, kekulisation, ring perception (SSSR),
// aromaticity, stereo; then explicit-H expansion and the ring count.
// bench/graph/rdkit_smiles.py times RDKit on the same file.
func BenchmarkSMILES(b *testing.B) {
	recs := readSmiFile(b, "testdata/molecules.smi")
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, r := range recs {
			m, err := ParseSMILES(r.SMILES)
			if err != nil {
				b.Fatal(err)
			}
			m.AddHydrogens()
			n += m.NumRings()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs))/1000, "µs/mol")
	_ = n
}

// BenchmarkSummarize: parse + the full "geosoc mol" summary per molecule
// (adds symmetry classes for stereocentres and rotatable bonds).
func BenchmarkSummarize(b *testing.B) {
	recs := readSmiFile(b, "testdata/molecules.smi")
	b.ResetTimer()
	for b.Loop() {
		for _, r := range recs {
			m, err := ParseSMILES(r.SMILES)
			if err != nil {
				b.Fatal(err)
			}
			_ = Summarize(m, r.SMILES)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs))/1000, "µs/mol")
}

// BenchmarkBestRMSD: symmetry-aware heavy-atom RMSD of two ibuprofen
// conformers.
func BenchmarkBestRMSD(b *testing.B) {
	var m *Molecule
	for _, x := range GroupConformers(readSDFFile(b, "testdata/conformers.sdf")) {
		if x.Name == "S-ibuprofen" {
			m = x
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.BestRMSD(m.Conformers[1], m.Conformers[0], false); err != nil {
			b.Fatal(err)
		}
	}
}
