package graph

import "strings"

// elementData holds per-element constants.
//
// Atomic weights are the IUPAC conventional / abridged standard atomic
// weights (CIAAW, Pure Appl. Chem. 88, 265 (2016)) at the precision used by
// RDKit and the Blue Obelisk Data Repository, so that molecular weights agree
// with RDKit's Descriptors.MolWt to 1e-3 Da. Covalent radii are the
// single-bond radii of Cordero et al., Dalton Trans. 2008, 2832 (sp3 carbon
// 0.76 Å); elements not listed there default to 1.5 Å.
type elementData struct {
	symbol string
	weight float64
	radius float64
	// valences are the normal valences used for implicit hydrogens
	// (OpenSMILES "organic subset" rule); nil means no implicit hydrogens.
	valences []int
}

var elements = [...]elementData{
	0:  {"*", 0, 0.5, nil},
	1:  {"H", 1.008, 0.31, []int{1}},
	2:  {"He", 4.003, 0.28, nil},
	3:  {"Li", 6.941, 1.28, nil},
	4:  {"Be", 9.012, 0.96, nil},
	5:  {"B", 10.812, 0.84, []int{3}},
	6:  {"C", 12.011, 0.76, []int{4}},
	7:  {"N", 14.007, 0.71, []int{3, 5}},
	8:  {"O", 15.999, 0.66, []int{2}},
	9:  {"F", 18.998, 0.57, []int{1}},
	10: {"Ne", 20.180, 0.58, nil},
	11: {"Na", 22.990, 1.66, nil},
	12: {"Mg", 24.305, 1.41, nil},
	13: {"Al", 26.982, 1.21, nil},
	14: {"Si", 28.086, 1.11, []int{4}},
	15: {"P", 30.974, 1.07, []int{3, 5}},
	16: {"S", 32.067, 1.05, []int{2, 4, 6}},
	17: {"Cl", 35.453, 1.02, []int{1}},
	18: {"Ar", 39.948, 1.06, nil},
	19: {"K", 39.098, 2.03, nil},
	20: {"Ca", 40.078, 1.76, nil},
	21: {"Sc", 44.956, 1.70, nil},
	22: {"Ti", 47.867, 1.60, nil},
	23: {"V", 50.942, 1.53, nil},
	24: {"Cr", 51.996, 1.39, nil},
	25: {"Mn", 54.938, 1.39, nil},
	26: {"Fe", 55.845, 1.32, nil},
	27: {"Co", 58.933, 1.26, nil},
	28: {"Ni", 58.693, 1.24, nil},
	29: {"Cu", 63.546, 1.32, nil},
	30: {"Zn", 65.39, 1.22, nil},
	31: {"Ga", 69.723, 1.22, nil},
	32: {"Ge", 72.61, 1.20, nil},
	33: {"As", 74.922, 1.19, []int{3, 5}},
	34: {"Se", 78.96, 1.20, []int{2, 4, 6}},
	35: {"Br", 79.904, 1.20, []int{1}},
	36: {"Kr", 83.80, 1.16, nil},
	37: {"Rb", 85.468, 2.20, nil},
	38: {"Sr", 87.62, 1.95, nil},
	39: {"Y", 88.906, 1.90, nil},
	40: {"Zr", 91.224, 1.75, nil},
	41: {"Nb", 92.906, 1.64, nil},
	42: {"Mo", 95.94, 1.54, nil},
	43: {"Tc", 98.0, 1.47, nil},
	44: {"Ru", 101.07, 1.46, nil},
	45: {"Rh", 102.906, 1.42, nil},
	46: {"Pd", 106.42, 1.39, nil},
	47: {"Ag", 107.868, 1.45, nil},
	48: {"Cd", 112.412, 1.44, nil},
	49: {"In", 114.818, 1.42, nil},
	50: {"Sn", 118.711, 1.39, nil},
	51: {"Sb", 121.760, 1.39, nil},
	52: {"Te", 127.60, 1.38, []int{2, 4, 6}},
	53: {"I", 126.904, 1.39, []int{1}},
	54: {"Xe", 131.29, 1.40, nil},
	55: {"Cs", 132.905, 2.44, nil},
	56: {"Ba", 137.328, 2.15, nil},
	57: {"La", 138.906, 2.07, nil},
	58: {"Ce", 140.116, 2.04, nil},
	59: {"Pr", 140.908, 2.03, nil},
	60: {"Nd", 144.24, 2.01, nil},
	61: {"Pm", 145.0, 1.99, nil},
	62: {"Sm", 150.36, 1.98, nil},
	63: {"Eu", 151.964, 1.98, nil},
	64: {"Gd", 157.25, 1.96, nil},
	65: {"Tb", 158.925, 1.94, nil},
	66: {"Dy", 162.50, 1.92, nil},
	67: {"Ho", 164.930, 1.92, nil},
	68: {"Er", 167.26, 1.89, nil},
	69: {"Tm", 168.934, 1.90, nil},
	70: {"Yb", 173.04, 1.87, nil},
	71: {"Lu", 174.967, 1.87, nil},
	72: {"Hf", 178.49, 1.75, nil},
	73: {"Ta", 180.948, 1.70, nil},
	74: {"W", 183.84, 1.62, nil},
	75: {"Re", 186.207, 1.51, nil},
	76: {"Os", 190.23, 1.44, nil},
	77: {"Ir", 192.217, 1.41, nil},
	78: {"Pt", 195.078, 1.36, nil},
	79: {"Au", 196.967, 1.36, nil},
	80: {"Hg", 200.59, 1.32, nil},
	81: {"Tl", 204.383, 1.45, nil},
	82: {"Pb", 207.2, 1.46, nil},
	83: {"Bi", 208.980, 1.48, nil},
	84: {"Po", 209.0, 1.40, nil},
	85: {"At", 210.0, 1.50, nil},
	86: {"Rn", 222.0, 1.50, nil},
}

// MaxElement is the largest atomic number known to the package.
const MaxElement = len(elements) - 1

var symbolToZ = func() map[string]int {
	m := make(map[string]int, len(elements))
	for z, e := range elements {
		m[e.symbol] = z
	}
	return m
}()

// ElementSymbol returns the chemical symbol of atomic number z, or "?" if z
// is out of range. Atomic number 0 is the SMILES wildcard "*".
func ElementSymbol(z int) string {
	if z < 0 || z > MaxElement {
		return "?"
	}
	return elements[z].symbol
}

// ElementNumber returns the atomic number for a symbol such as "Cl"
// (case-sensitive, as written in SMILES brackets and MOL files) and whether it
// is known.
func ElementNumber(sym string) (int, bool) {
	z, ok := symbolToZ[sym]
	return z, ok
}

// elementNumberFold is ElementNumber accepting any letter case ("CL", "cl").
func elementNumberFold(sym string) (int, bool) {
	if sym == "" {
		return 0, false
	}
	s := strings.ToUpper(sym[:1]) + strings.ToLower(sym[1:])
	return ElementNumber(s)
}

// AtomicWeight returns the conventional standard atomic weight of element z
// in g/mol (0 for unknown elements).
func AtomicWeight(z int) float64 {
	if z < 0 || z > MaxElement {
		return 0
	}
	return elements[z].weight
}

// CovalentRadius returns the single-bond covalent radius of element z in Å
// (Cordero et al. 2008).
func CovalentRadius(z int) float64 {
	if z < 0 || z > MaxElement {
		return 1.5
	}
	return elements[z].radius
}

// isotopeMasses are atomic masses (u) of isotopes that appear in drug
// chemistry, from the AME2016 atomic mass evaluation (Wang et al., Chinese
// Phys. C 41, 030003 (2017)). Other isotopes fall back to the mass number.
var isotopeMasses = map[[2]int]float64{
	{1, 1}: 1.007825, {1, 2}: 2.014102, {1, 3}: 3.016049,
	{6, 11}: 11.011433, {6, 12}: 12.0, {6, 13}: 13.003355, {6, 14}: 14.003242,
	{7, 14}: 14.003074, {7, 15}: 15.000109,
	{8, 16}: 15.994915, {8, 17}: 16.999132, {8, 18}: 17.999160,
	{9, 18}: 18.000938, {9, 19}: 18.998403,
	{15, 31}: 30.973762, {15, 32}: 31.973908,
	{16, 32}: 31.972071, {16, 34}: 33.967867, {16, 35}: 34.969032,
	{17, 35}: 34.968853, {17, 37}: 36.965903,
	{35, 79}: 78.918338, {35, 81}: 80.916290,
	{53, 123}: 122.905590, {53, 125}: 124.904630, {53, 127}: 126.904473, {53, 131}: 130.906125,
}

// isotopeMass returns the mass of isotope a of element z.
func isotopeMass(z, a int) float64 {
	if m, ok := isotopeMasses[[2]int{z, a}]; ok {
		return m
	}
	return float64(a)
}
