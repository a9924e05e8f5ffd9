package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/geosoc/geosoc/manifold"
)

// ManifoldTarget is a Target on a compact manifold M (reference/targets.md,
// "Targets on manifolds"): points are AmbientDim values, LogDensity is
// with respect to the Riemannian volume of M, GradLogDensity writes the
// Riemannian gradient (a tangent vector at x) and Space returns M.
// Samplers must keep points on M (manifold moves), so these targets are
// listed by ManifoldNames and not by Names, whose targets live on R^d.
type ManifoldTarget interface {
	Target
	Sampler
	// Space returns the manifold the target lives on.
	Space() manifold.Manifold
}

// mixtureTarget is a normalised manifold.Mixture as a Target: log Z = 0.
type mixtureTarget struct {
	name string
	mix  *manifold.Mixture
	d    int
}

func (m *mixtureTarget) Name() string             { return m.name }
func (m *mixtureTarget) Dim() int                 { return m.d }
func (m *mixtureTarget) Space() manifold.Manifold { return m.mix.Space() }
func (m *mixtureTarget) LogZ() (float64, bool)    { return 0, true }
func (m *mixtureTarget) Sample(dst []float64, rng *rand.Rand) {
	checkLen(dst, m.d)
	m.mix.Rand(dst, rng)
}

// LogDensity returns log Σ_k w_k p_k(x) (manifold.Mixture.LogProb).
func (m *mixtureTarget) LogDensity(x []float64) float64 {
	checkLen(x, m.d)
	return m.mix.LogProb(x)
}

// GradLogDensity writes the Riemannian score Σ_k π_k(x) ∇log p_k(x)
// (manifold.Mixture.LogProbScore) and returns log γ(x).
func (m *mixtureTarget) GradLogDensity(dst, x []float64) float64 {
	checkLen(x, m.d)
	checkLen(dst, m.d)
	return m.mix.LogProbScore(dst, x)
}

// VMFS2Means, VMFS2Kappas and VMFS2Weights are the components of "vmf-s2":
// four von Mises–Fisher laws on S² with unequal concentrations and weights.
var (
	VMFS2Means = [][]float64{
		{1, 0, 0},
		{0, 1, 0},
		{0, 0, 1},
		{-1 / math.Sqrt(3), -1 / math.Sqrt(3), -1 / math.Sqrt(3)},
	}
	VMFS2Kappas  = []float64{10, 20, 40, 5}
	VMFS2Weights = []float64{0.4, 0.3, 0.2, 0.1}
)

// NewVMFS2 returns "vmf-s2": γ(x) = Σ_k w_k vMF(x; μ_k, κ_k) on S² ⊂ R³
// with the parameters VMFS2Means, VMFS2Kappas, VMFS2Weights; each
// component has density κ/(4π sinh κ) exp(κ μᵀx) with respect to the area
// of S² (reference/targets.md), so log Z = 0. Exact samples: a component
// by its weight, then Wood's (1994) vMF sampler (manifold.VonMisesFisher).
func NewVMFS2() ManifoldTarget {
	comps := make([]manifold.Distribution, len(VMFS2Means))
	for k, mu := range VMFS2Means {
		v, err := manifold.NewVonMisesFisher(mu, VMFS2Kappas[k])
		if err != nil {
			panic(err)
		}
		comps[k] = v
	}
	mix, err := manifold.NewMixture(VMFS2Weights, comps)
	if err != nil {
		panic(err)
	}
	return vmfS2{&mixtureTarget{name: "vmf-s2", mix: mix, d: 3}}
}

// vmfS2 is vmf-s2: the mixture target with its modes.
type vmfS2 struct{ *mixtureTarget }

// Modes returns copies of VMFS2Means and VMFS2Weights (Mixture).
func (vmfS2) Modes() (means [][]float64, weights []float64) {
	for _, m := range VMFS2Means {
		means = append(means, append([]float64(nil), m...))
	}
	return means, append([]float64(nil), VMFS2Weights...)
}

// ModeScales returns 1/√κ_k, the small-angle standard deviation of each
// tangent coordinate of vMF(μ_k, κ_k) (for large κ the law is close to
// N(0, I/κ) in the tangent plane at μ_k; Mardia & Jupp 2000, §9.3.2).
func (vmfS2) ModeScales() []float64 {
	s := make([]float64, len(VMFS2Kappas))
	for k, kp := range VMFS2Kappas {
		s[k] = 1 / math.Sqrt(kp)
	}
	return s
}

// IGSO3MixSeed, IGSO3MixK and IGSO3MixTime define "igso3-mix": K = 16
// centres R_k drawn uniformly on SO(3) by manifold.SO3.Rand with
// rand.New(rand.NewPCG(IGSO3MixSeed, 0)), equal weights and a common
// diffusion time t (the K = 16 benchmark of reference/targets.md).
const (
	IGSO3MixSeed uint64 = 20240917
	IGSO3MixK           = 16
	IGSO3MixTime        = 0.1
)

// NewIGSO3Mix returns "igso3-mix": γ(R) = (1/K) Σ_k IGSO(3)(R; R_k, t) on
// SO(3), the isotropic Gaussians of manifold.IGSO3 (the heat kernel of ½Δ
// at time t, density with respect to the Riemannian volume 8π² of SO(3)),
// K = IGSO3MixK, t = IGSO3MixTime and the seeded centres above; normalised,
// so log Z = 0. Exact samples: a component, then manifold.IGSO3.Rand.
func NewIGSO3Mix() ManifoldTarget {
	rng := rand.New(rand.NewPCG(IGSO3MixSeed, 0))
	so3 := manifold.NewSO3()
	comps := make([]manifold.Distribution, IGSO3MixK)
	w := make([]float64, IGSO3MixK)
	r0 := make([]float64, 9)
	for k := range comps {
		so3.Rand(r0, rng)
		c, err := manifold.NewIGSO3(r0, IGSO3MixTime)
		if err != nil {
			panic(err)
		}
		comps[k] = c
		w[k] = 1
	}
	mix, err := manifold.NewMixture(w, comps)
	if err != nil {
		panic(err)
	}
	return &mixtureTarget{name: "igso3-mix", mix: mix, d: 9}
}

// VonMisesT4Kappas and VonMisesT4Mus are the concentrations and locations
// of "vonmises-t4".
var (
	VonMisesT4Kappas = [4]float64{0.5, 2, 5, 10}
	VonMisesT4Mus    = [4]float64{-math.Pi / 2, 0, math.Pi / 3, 2.5}
)

// VonMisesProduct is the product of von Mises laws on the torus T^n (angles
// in [−π, π)), unnormalised:
//
//	γ(x) = exp(Σ_i κ_i cos(x_i − μ_i)),
//	∇log γ(x)_i = −κ_i sin(x_i − μ_i),
//	log Z = Σ_i log(2π I₀(κ_i))
//
// (Mardia & Jupp 2000, Directional Statistics, §3.5.4). Exact samples: the
// von Mises law is the vMF law on S¹ (manifold.VonMisesFisher in R², μ =
// (cos μ_i, sin μ_i)), whose angle atan2(y, x) is drawn.
type VonMisesProduct struct {
	name       string
	kappa, mu  []float64
	logZ       float64
	components []*manifold.VonMisesFisher
}

// NewVonMisesT4 returns "vonmises-t4", the VonMisesProduct on T⁴ with
// VonMisesT4Kappas and VonMisesT4Mus.
func NewVonMisesT4() *VonMisesProduct {
	v, err := NewVonMisesProduct("vonmises-t4", VonMisesT4Kappas[:], VonMisesT4Mus[:])
	if err != nil {
		panic(err)
	}
	return v
}

// NewVonMisesProduct returns the product with the given concentrations
// κ_i ≥ 0 and locations μ_i; it returns an error for mismatched lengths or
// a negative or non-finite κ.
func NewVonMisesProduct(name string, kappa, mu []float64) (*VonMisesProduct, error) {
	if len(kappa) != len(mu) || len(kappa) == 0 {
		return nil, fmt.Errorf("datasets: von Mises %q: %d concentrations for %d locations", name, len(kappa), len(mu))
	}
	v := &VonMisesProduct{name: name, kappa: append([]float64(nil), kappa...), mu: make([]float64, len(mu))}
	for i, k := range kappa {
		if !(k >= 0) || math.IsInf(k, 1) || math.IsNaN(mu[i]) || math.IsInf(mu[i], 0) {
			return nil, fmt.Errorf("datasets: von Mises %q: component %d has κ = %v, μ = %v", name, i, k, mu[i])
		}
		v.mu[i] = manifold.TorusWrap(mu[i])
		v.logZ += math.Log(2*math.Pi) + LogI0(k)
		c, err := manifold.NewVonMisesFisher([]float64{math.Cos(mu[i]), math.Sin(mu[i])}, k)
		if err != nil {
			return nil, err
		}
		v.components = append(v.components, c)
	}
	return v, nil
}

// Name returns the target's name.
func (v *VonMisesProduct) Name() string { return v.name }

// Dim returns n.
func (v *VonMisesProduct) Dim() int { return len(v.kappa) }

// Space returns the torus T^n.
func (v *VonMisesProduct) Space() manifold.Manifold { return manifold.NewTorus(len(v.kappa)) }

// LogZ returns Σ_i log(2π I₀(κ_i)), true.
func (v *VonMisesProduct) LogZ() (float64, bool) { return v.logZ, true }

// LogDensity returns Σ_i κ_i cos(x_i − μ_i).
func (v *VonMisesProduct) LogDensity(x []float64) float64 {
	checkLen(x, len(v.kappa))
	var s float64
	for i, k := range v.kappa {
		s += k * math.Cos(x[i]-v.mu[i])
	}
	return s
}

// GradLogDensity writes −κ_i sin(x_i − μ_i) and returns log γ(x).
func (v *VonMisesProduct) GradLogDensity(dst, x []float64) float64 {
	checkLen(x, len(v.kappa))
	checkLen(dst, len(v.kappa))
	var s float64
	for i, k := range v.kappa {
		sn, cs := math.Sincos(x[i] - v.mu[i])
		dst[i] = -k * sn
		s += k * cs
	}
	return s
}

// Sample writes an exact draw (angles in [−π, π)).
func (v *VonMisesProduct) Sample(dst []float64, rng *rand.Rand) {
	checkLen(dst, len(v.kappa))
	var p [2]float64
	for i, c := range v.components {
		c.Rand(p[:], rng)
		dst[i] = manifold.TorusWrap(math.Atan2(p[1], p[0]))
	}
}

// LogI0 returns log I₀(x) for x ≥ 0, I₀ the modified Bessel function of
// the first kind of order 0 (Abramowitz & Stegun 9.6.12 and 9.7.1):
//
//	I₀(x) = Σ_k (x²/4)^k / (k!)²                          for x ≤ 30,
//	I₀(x) ≈ e^x/√(2πx) · Σ_{k≤6} ((2k−1)!!)² / (k! (8x)^k)     for x > 30,
//
// the series summed until a term is below 1e-17 of the sum (relative error
// below 1e-15) and the asymptotic series truncated after the 1/x⁶ term
// (the first omitted term, 1.73/x⁷, is below 1e-10 at x = 30).
func LogI0(x float64) float64 {
	x = math.Abs(x)
	if x <= 30 {
		q := x * x / 4
		s, t := 1.0, 1.0
		for k := 1; k < 500; k++ {
			t *= q / float64(k*k)
			s += t
			if t < 1e-17*s {
				break
			}
		}
		return math.Log(s)
	}
	y := 1 / (8 * x)
	c := 1 + y*(1+y*(9.0/2+y*(225.0/6+y*(11025.0/24+y*(893025.0/120+y*108056025.0/720)))))
	return x - 0.5*math.Log(2*math.Pi*x) + math.Log(c)
}

type manifoldEntry struct {
	name, manifold, desc string
	make                 func() ManifoldTarget
}

// manifoldRegistry lists the manifold targets of reference/targets.md.
var manifoldRegistry = []manifoldEntry{
	{"vmf-s2", "S^2", "4 von Mises–Fisher laws on S², κ = 10, 20, 40, 5, weights 0.4, 0.3, 0.2, 0.1", NewVMFS2},
	{"igso3-mix", "SO(3)", "16 equal-weight IGSO(3) laws on SO(3), t = 0.1, seeded centres", NewIGSO3Mix},
	{"vonmises-t4", "T^4", "product of von Mises on T⁴, κ = 0.5, 2, 5, 10", func() ManifoldTarget { return NewVonMisesT4() }},
}

// ManifoldNames returns the registered manifold target names; Lookup
// accepts them too.
func ManifoldNames() []string {
	names := make([]string, len(manifoldRegistry))
	for i, e := range manifoldRegistry {
		names[i] = e.name
	}
	return names
}

// ManifoldTable returns one Info per manifold target, in the order of
// ManifoldNames.
func ManifoldTable() []Info {
	infos := make([]Info, len(manifoldRegistry))
	for i, e := range manifoldRegistry {
		t := e.make()
		lz, _ := t.LogZ()
		infos[i] = Info{Name: e.name, Dim: t.Dim(), Manifold: e.manifold, LogZ: lz, Exact: true, Description: e.desc}
	}
	return infos
}

// lookupManifold returns the manifold target of that name.
func lookupManifold(name string) (Target, bool) {
	for _, e := range manifoldRegistry {
		if e.name == name {
			return e.make(), true
		}
	}
	return nil, false
}

// allNames lists every name Lookup accepts, for error messages.
func allNames() string {
	return strings.Join(append(Names(), ManifoldNames()...), ", ")
}
