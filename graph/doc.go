// Package graph is geosoc's chemistry layer: molecules as graphs, read from
// SMILES, SDF/MOL and XYZ, with the topology that conformer generation
// needs (rings, aromaticity, stereo, rotatable torsions) and the alignment
// metrics used to judge conformers (Kabsch and symmetry-aware RMSD).
//
// # Molecules
//
// A Molecule holds Atoms (element, formal charge, isotope, implicit H
// count, aromatic flag, tetrahedral Chirality, atom-map class), Bonds
// (Kekulé order 1/2/3, aromatic flag, "/" "\" marks, double-bond Stereo)
// and optional conformers as gonum r3.Vec positions. Atoms and bonds are
// appended while building (AddAtom, AddBond, AddHydrogens); algorithms see
// the graph through github.com/yourbasic/graph: Mutable returns a fresh
// editable copy (edge cost = bond index) and Graph an immutable, cached
// view, used for fragments, breadth-first distances and cutting bonds.
//
// Chirality follows SMILES: looking from the first neighbour (in
// Neighbors order, an implicit H or lone pair last), ChiralCCW ("@") means
// the other three turn anticlockwise. SignedVolume links it to 3D: the
// triple product of the last three neighbours about the centre is negative
// for ChiralCCW.
//
// # Reading and writing
//
// ParseSMILES reads the OpenSMILES subset of real inputs: organic-subset
// and bracket atoms (isotope, chirality @/@@/@TH1/@TH2, H count, charge,
// class), bonds - = # : / \, ring closures 0–9, %nn and %(nnn), branches
// and '.'. Organic-subset atoms get implicit hydrogens by the normal-valence rule
// (B 3; C 4; N 3,5; O 2; P 3,5; S 2,4,6; halogens 1); charged bracket
// aromatic atoms use the isoelectronic valence (N+ as C). Aromatic input is
// kekulised (a perfect matching of the atoms that need a π bond, found by
// most-constrained-first backtracking), then rings and aromaticity are
// perceived afresh. WriteSMILES writes a Kekulé SMILES that reads back to
// the same graph and stereo (not canonical).
//
// SDFReader reads V2000 and V3000 records, M  CHG / M  ISO, "> <name>"
// data fields; WriteSDF writes V2000 (V3000 above 999 atoms). XYZReader
// reads frames and perceives bonds from covalent radii (PerceiveBonds),
// WriteXYZ writes them. Stereo of SDF and XYZ input comes from the 3D
// coordinates. SMIReader reads "SMILES name" files with line numbers;
// NewReader and WriteMolecule do any format, for "geosoc convert", and
// SummarizeAll produces the per-molecule Summary of "geosoc mol".
//
// # Errors
//
// Readers never panic on input. Malformed text returns a *ParseError
// naming the source, 1-based line and column and what was expected,
// wrapping ErrSyntax, ErrChemistry (valid syntax, impossible chemistry,
// such as an aromatic ring that cannot be kekulised) or ErrTooLarge (a
// declared size beyond MaxAtoms / MaxBonds, or more atoms than lines,
// rejected before allocating; an SDF record longer than MaxRecordLines or
// MaxRecordBytes). A bad SDF record does not stop the reader; after a bad
// XYZ frame the reader resumes at the next count line. XYZ frames with two
// atoms closer than MinAtomDistance are rejected. BestRMSD returns
// ErrNonFinite for NaN or infinite coordinates and ErrTooSymmetric when
// the automorphism search passes its limits.
// Programmer errors (a bond to a missing atom) panic with a "graph:"
// prefix.
//
// # Topology
//
// Rings returns the smallest set of smallest rings (E − V + C rings,
// Horton candidates with GF(2) elimination). Aromaticity follows Hückel's
// 4n+2 rule on single SSSR rings and on pairs of fused rings, with π
// electron counts as in RDKit's default model. Formula is in Hill order
// with hydrogens, isotopes merged as in RDKit's default; IsotopeFormula
// writes them apart ("CH[2H]3O"); MolWeight uses IUPAC atomic weights and
// isotope masses. SymmetryClasses
// gives graph-invariant atom classes (Morgan-style refinement), from which
// StereoCenters and StereoDoubleBonds decide which marks are real.
// AssignStereoFromConformer and CheckStereo relate the graph's stereo to a
// conformer.
//
// A bond is rotatable (IsRotatable) when it is single, not in a ring, not
// terminal (at least two atoms each side, hydrogens counted, so methyl and
// hydroxyl rotors are excluded), not an amide C(=O)–N and not next to a
// triple bond. Torsions gives one A-B-C-D quadruple per rotatable bond
// with the smaller side to move; Torsion.Rotate turns it about B→C.
// NeighborSets gives the 1-2, 1-3 and 1-4 pairs.
//
// # Alignment
//
// Kabsch returns the optimal proper rotation between two point sets (SVD
// of the covariance, gonum mat); BestRMSD minimises the heavy-atom RMSD
// over the graph's automorphisms, treating carboxylate-like terminal
// oxygens as interchangeable, as RDKit's GetBestRMS and the GEOM benchmark
// do.
//
// # Validation
//
// testdata/molecules.smi holds 259 molecules (drugs, natural products,
// ions, zwitterions, stereo, macrocycles, fused aromatics). Their formula,
// weight, heavy atoms, ring count, aromatic atoms, stereocentres and
// rotatable bonds are compared with RDKit in TestReferenceRDKit against
// testdata/reference.tsv, written by scripts/graph_reference.py, which also
// embeds the 3D conformers of testdata/conformers.sdf and checks with RDKit
// the files geosoc writes.
package graph
