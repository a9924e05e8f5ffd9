package datasets

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat/distuv"
)

// Tolerances of the log Z checks.
const (
	// publishedLogZTol: the log Z values of reference/targets.md are
	// rounded to 5 (Many-Well-32) and 6 (MW-5) decimals.
	publishedManyWellTol = 5e-6
	publishedMW5Tol      = 5e-7
	// quadLogZTol bounds the difference between LogZ() (Simpson on the
	// sampling grid, h = 1e-4) and an independent Gauss–Legendre
	// quadrature of the same integral; both are accurate to ~1e-13.
	quadLogZTol = 1e-10
	// gmm40QuadTol bounds |log ∫∫ γ| for GMM-40 by 2-D Gauss–Legendre
	// quadrature (800² nodes on [−60, 60]², spacing ≤ 0.24 s near the
	// centre; the mass outside is below e^{−40}); measured 1e-15.
	gmm40QuadTol = 1e-12
	// funnelQuadTol bounds |log ∫∫ γ| for the 2-D funnel by nested
	// Gauss–Legendre quadrature; measured 4e-16.
	funnelQuadTol = 1e-12
	// densityTol is the relative agreement of LogDensity with the same
	// normalised density written independently with gonum distributions.
	densityTol = 1e-12
)

// legendre integrates f on [a, b] with n Gauss–Legendre nodes.
func legendre(f func(float64) float64, a, b float64, n int) float64 {
	return quad.Fixed(f, a, b, n, nil, 0)
}

func TestManyWellLogZQuadrature(t *testing.T) {
	// ∫ e^{0.5d + 6d² − d⁴} dd on [−6, 6], written out independently of
	// the package; e^{−9.4} keeps the integrand near 1 at its peak.
	const shift = 9.4
	i1 := legendre(func(d float64) float64 {
		return math.Exp(0.5*d + 6*d*d - d*d*d*d - shift)
	}, -6, 6, 400)
	logI := math.Log(i1) + shift
	// targets.md: the 1-D integral is 11784.50927 and
	// log Z = 16 (ln 11784.50927 + ½ ln 2π) = 164.69568.
	assert.InDelta(t, math.Log(11784.50927), logI, 1e-9)
	ref := 16 * (logI + 0.5*math.Log(2*math.Pi))
	assert.InDelta(t, 164.69568, ref, publishedManyWellTol)
	lz, ok := NewManyWell32().LogZ()
	require.True(t, ok)
	assert.InDelta(t, ref, lz, quadLogZTol)
	assert.InDelta(t, 164.69568, lz, publishedManyWellTol)
}

func TestMW5LogZQuadrature(t *testing.T) {
	// ∫ e^{−(x² − 4)²} dx on [−5, 5].
	i1 := legendre(func(x float64) float64 {
		r := x*x - 4
		return math.Exp(-r * r)
	}, -5, 5, 400)
	// targets.md: 5 ln 0.89743812 = −0.541056.
	assert.InDelta(t, 0.89743812, i1, 5e-9)
	ref := 5 * math.Log(i1)
	assert.InDelta(t, -0.541056, ref, publishedMW5Tol)
	lz, ok := NewMW5().LogZ()
	require.True(t, ok)
	assert.InDelta(t, ref, lz, quadLogZTol)
}

func TestGMM40LogZQuadrature(t *testing.T) {
	g := NewGMM40()
	x := make([]float64, 2)
	z := legendre(func(x0 float64) float64 {
		return legendre(func(x1 float64) float64 {
			x[0], x[1] = x0, x1
			return math.Exp(g.LogDensity(x))
		}, -60, 60, 800)
	}, -60, 60, 800)
	t.Logf("log Z quad %.3e", math.Log(z))
	assert.InDelta(t, 0, math.Log(z), gmm40QuadTol)
}

func TestFunnelLogZQuadrature(t *testing.T) {
	// The 2-D funnel: ∫∫ γ(x₀, x₁) dx₁ dx₀ over x₀ ∈ [−30, 30] (10 sd) and
	// x₁ ∈ ±12 e^{x₀/2} (12 conditional sd).
	f := NewFunnel(2)
	x := make([]float64, 2)
	z := legendre(func(x0 float64) float64 {
		s := 12 * math.Exp(0.5*x0)
		return legendre(func(x1 float64) float64 {
			x[0], x[1] = x0, x1
			return math.Exp(f.LogDensity(x))
		}, -s, s, 100)
	}, -30, 30, 400)
	t.Logf("log Z quad %.3e", math.Log(z))
	assert.InDelta(t, 0, math.Log(z), funnelQuadTol)
}

// TestFunnelNormalised checks the funnel's density against the product of
// its normalised conditionals written with gonum's distuv, so that log Z = 0
// holds analytically in every dimension.
func TestFunnelNormalised(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 0))
	f := NewFunnel(10)
	x := make([]float64, 10)
	for range 50 {
		f.Sample(x, rng)
		want := distuv.Normal{Mu: 0, Sigma: 3}.LogProb(x[0])
		cond := distuv.Normal{Mu: 0, Sigma: math.Exp(0.5 * x[0])}
		for _, xi := range x[1:] {
			want += cond.LogProb(xi)
		}
		assert.InDelta(t, want, f.LogDensity(x), densityTol*math.Abs(want))
	}
}

// TestMixtureNormalised checks TwoModes and ManyModes against
// Σ_k w_k N(x; μ_k, σ²I) written independently with distuv per coordinate,
// with Σ w_k = 1: the mixture is then normalised, log Z = 0.
func TestMixtureNormalised(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 0))
	for _, c := range []struct {
		g        *GaussianMixture
		weights  []float64 // from targets.md
		variance float64
	}{
		{NewTwoModes(), []float64{2.0 / 3, 1.0 / 3}, 0.05},
		{NewManyModesDefault(), nil, 0.5},
		{NewGMM40(), nil, 1.7246563},
	} {
		t.Run(c.g.Name(), func(t *testing.T) {
			means, w := c.g.Modes()
			var sum float64
			for k, wk := range w {
				sum += wk
				if c.weights != nil {
					assert.InDelta(t, c.weights[k], wk, 1e-15)
				}
			}
			assert.InDelta(t, 1, sum, 1e-14)
			assert.InDelta(t, c.variance, c.g.Variance(), 5e-8)
			lz, ok := c.g.LogZ()
			assert.True(t, ok)
			assert.Equal(t, 0.0, lz)
			x := make([]float64, c.g.Dim())
			for range 50 {
				c.g.Sample(x, rng)
				for j := range x {
					x[j] += rng.NormFloat64()
				}
				var p float64
				for k, mu := range means {
					lp := math.Log(w[k])
					for j := range x {
						lp += distuv.Normal{Mu: mu[j], Sigma: math.Sqrt(c.g.Variance())}.LogProb(x[j])
					}
					p += math.Exp(lp)
				}
				want := math.Log(p)
				assert.InDelta(t, want, c.g.LogDensity(x), 1e-10*math.Max(1, math.Abs(want)))
			}
		})
	}
}
