package manifold

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// NewHeatKernel returns the heat kernel of m from x0 at time t > 0: the law
// of Brownian motion with generator ½Δ started at x0, i.e. N(x0, tI) on
// R^n (EuclideanHeat), SphereHeat on spheres, IGSO3 on SO(3),
// WrappedNormal on tori, and the ProductDist of the factors' kernels on a
// product (the factors' Brownian motions are independent). It returns an
// error wrapping ErrParameter for t ≤ 0 or a non-finite t, ErrNotOnManifold
// for x0 off m, and an error for a manifold type it does not know. It
// panics if m is nil or a zero value (see NewProduct).
func NewHeatKernel(m Manifold, x0 []float64, t float64) (Distribution, error) {
	checkUsable("NewHeatKernel", m)
	if !(t > 0) || math.IsInf(t, 1) {
		return nil, fmt.Errorf("manifold: NewHeatKernel: t = %g: %w", t, ErrParameter)
	}
	if len(x0) != m.AmbientDim() {
		return nil, fmt.Errorf("manifold: NewHeatKernel: x0 has %d values, want %d: %w", len(x0), m.AmbientDim(), ErrNotOnManifold)
	}
	switch mm := m.(type) {
	case Euclidean:
		return NewEuclideanHeat(x0, t)
	case Sphere:
		return NewSphereHeat(x0, t)
	case SO3:
		return NewIGSO3(x0, t)
	case Torus:
		return NewWrappedNormal(x0, t)
	case Product:
		ds := make([]Distribution, len(mm.Factors()))
		for i, f := range mm.Factors() {
			d, err := NewHeatKernel(f, x0[mm.Offset(i):mm.Offset(i+1)], t)
			if err != nil {
				return nil, err
			}
			ds[i] = d
		}
		return NewProductDist(ds...)
	}
	return nil, fmt.Errorf("manifold: NewHeatKernel: no heat kernel known for %T", m)
}

// EuclideanHeat is the heat kernel of ½Δ on R^n: the Gaussian N(x0, tI),
//
//	log p(x) = −|x − x0|²/(2t) − (n/2) log(2πt),   ∇ log p = −(x − x0)/t,
//
// with density with respect to Lebesgue measure (the Riemannian volume).
type EuclideanHeat struct {
	m       Euclidean
	x0      []float64
	t, sd   float64
	logNorm float64
}

// NewEuclideanHeat returns N(x0, tI) on R^len(x0); t must be finite and
// positive and x0 finite.
func NewEuclideanHeat(x0 []float64, t float64) (*EuclideanHeat, error) {
	if !(t > 0) || math.IsInf(t, 1) {
		return nil, fmt.Errorf("manifold: NewEuclideanHeat: t = %g: %w", t, ErrParameter)
	}
	if len(x0) == 0 {
		return nil, fmt.Errorf("manifold: NewEuclideanHeat: empty x0: %w", ErrParameter)
	}
	m := NewEuclidean(len(x0))
	if m.Residual(x0) != 0 {
		return nil, fmt.Errorf("manifold: NewEuclideanHeat: x0 not finite: %w", ErrNotOnManifold)
	}
	return &EuclideanHeat{
		m: m, x0: append([]float64(nil), x0...), t: t, sd: math.Sqrt(t),
		logNorm: -float64(len(x0)) / 2 * math.Log(2*math.Pi*t),
	}, nil
}

// Space returns R^n.
func (g *EuclideanHeat) Space() Manifold { return g.m }

// LogProb returns −|x − x0|²/(2t) − (n/2) log(2πt).
func (g *EuclideanHeat) LogProb(x []float64) float64 {
	checkLen("EuclideanHeat.LogProb", len(g.x0), x)
	var s float64
	for i, v := range x {
		d := v - g.x0[i]
		s += d * d
	}
	return g.logNorm - s/(2*g.t)
}

// Score writes −(x − x0)/t into dst.
func (g *EuclideanHeat) Score(dst, x []float64) {
	checkLen("EuclideanHeat.Score", len(g.x0), dst, x)
	for i := range dst {
		dst[i] = -(x[i] - g.x0[i]) / g.t
	}
}

// Rand writes x0 + √t·z, z standard normal, into dst.
func (g *EuclideanHeat) Rand(dst []float64, rng *rand.Rand) {
	checkLen("EuclideanHeat.Rand", len(g.x0), dst)
	for i := range dst {
		dst[i] = g.x0[i] + g.sd*rng.NormFloat64()
	}
}
