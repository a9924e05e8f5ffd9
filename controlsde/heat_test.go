package controlsde

import (
	"math"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/manifold"
)

// ksAlpha is the level of every Kolmogorov–Smirnov test here; the critical
// value is √(−ln(α/2)/2)/√n (asymptotic Kolmogorov distribution). With
// fixed seeds a test either always passes or always fails; α = 1e-3 keeps
// a correct implementation from failing by bad luck of the chosen seed.
const ksAlpha = 1e-3

// ksStat returns the Kolmogorov–Smirnov statistic of the samples (sorted in
// place) against cdf, and the critical value at level ksAlpha.
func ksStat(samples []float64, cdf func(float64) float64) (d, crit float64) {
	sort.Float64s(samples)
	n := float64(len(samples))
	for i, x := range samples {
		f := cdf(x)
		d = math.Max(d, math.Max(f-float64(i)/n, float64(i+1)/n-f))
	}
	return d, math.Sqrt(-math.Log(ksAlpha/2)/2) / math.Sqrt(n)
}

// wrappedNormalCDF returns P(X ≤ x) for the wrapped normal of time t on
// [−π, π): Σ_k [Φ((x + 2πk)/√t) − Φ((−π + 2πk)/√t)], |k| ≤ 10 (terms beyond
// are below 1e-30 for t ≤ 4).
func wrappedNormalCDF(x, t float64) float64 {
	phi := func(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
	sd := math.Sqrt(t)
	var s float64
	for k := -10; k <= 10; k++ {
		o := 2 * math.Pi * float64(k)
		s += phi((x+o)/sd) - phi((-math.Pi+o)/sd)
	}
	return s
}

func TestBrownianTorus(t *testing.T) {
	// Brownian motion on T^4 from x₀ to t = 1.5: each angle is wrapped
	// normal; E cos(X_i − x₀_i) = e^{−t/2} (manifolds.md). EulerMaruyama
	// (wrap(x + √Δν ξ)) is exact on the flat torus, so is Exact; both must
	// pass a KS test of every coordinate against the wrapped-normal CDF and
	// the moment within 4 SE. ProjectedEM too (its projection is the wrap).
	const n, T, N = 4, 1.5, 4000
	tor := manifold.NewTorus(n)
	x0 := []float64{0.5, -3, 3.1, 0}
	for _, m := range []Method{EulerMaruyama{}, ProjectedEM{}, Exact{}} {
		r, err := Simulate(Problem{Reference: Reference{Space: tor, Start: x0}},
			&Settings{Grid: UniformGrid(7, 0, T), Particles: N, Seed: 41}, m)
		require.NoError(t, err)
		for c := 0; c < n; c++ {
			col := make([]float64, N)
			for i := range col {
				col[i] = manifold.TorusWrap(r.X[i*n+c] - x0[c])
			}
			mean, se := meanOf(&Result{X: col, N: N, Dim: 1}, func(x []float64) float64 { return math.Cos(x[0]) })
			assert.InDelta(t, math.Exp(-T/2), mean, 4*se, "%T coordinate %d", m, c)
			d, crit := ksStat(col, func(x float64) float64 { return wrappedNormalCDF(x, T) })
			assert.Less(t, d, crit, "%T coordinate %d", m, c)
		}
	}
	// The reference marginal is the wrapped normal heat kernel.
	lp, err := (&Reference{Space: tor, Start: x0}).Marginal(0, T)
	require.NoError(t, err)
	wn, err := manifold.NewWrappedNormal(x0, T)
	require.NoError(t, err)
	assert.Equal(t, wn.LogProb([]float64{0, 0, 0, 0}), lp.LogProb([]float64{0, 0, 0, 0}))
	// A control is refused by the exact heat-kernel stepper.
	_, err = Simulate(Problem{Reference: Reference{Space: tor, Start: x0}, Control: ControlFunc{Dim: n, F: func(dst []float64, t float64, x []float64) { clear(dst) }}}, nil, Exact{})
	assert.ErrorIs(t, err, ErrUnsupported)
}

func TestTorusControlledWeights(t *testing.T) {
	// On T^2 with Brownian reference from x₀ and target γ = Z·WN(μ, s),
	// the zero control gives plain importance sampling: E[Ẑ] = Z exactly
	// (EM is exact on the flat torus); a smooth control pulling towards μ
	// keeps log Ẑ within 4 SE of log Z and raises the ESS.
	tor := manifold.NewTorus(2)
	x0 := []float64{0, 0}
	mu := []float64{2, -2.5}
	wn, err := manifold.NewWrappedNormal(mu, 0.3)
	require.NoError(t, err)
	target := wnTarget{wn: wn, logZ: 0.7}
	pull := ControlFunc{Dim: 2, F: func(dst []float64, tt float64, x []float64) {
		tor.Log(dst, x, mu)
	}}
	s := &Settings{Grid: UniformGrid(50, 0, 1), Particles: 4000, Seed: 5}
	r0, err := Simulate(Problem{Reference: Reference{Space: tor, Start: x0}, Target: target}, s, nil)
	require.NoError(t, err)
	r1, err := Simulate(Problem{Reference: Reference{Space: tor, Start: x0}, Control: pull, Target: target}, s, nil)
	require.NoError(t, err)
	for _, r := range []*Result{r0, r1} {
		assert.InDelta(t, 0.7, r.Estimates.LogZ, 4*r.Estimates.LogZStdErr)
	}
	assert.Greater(t, r1.Estimates.ESS, r0.Estimates.ESS)
}

// wnTarget is Z times a wrapped normal, a Target with known LogZ.
type wnTarget struct {
	wn   *manifold.WrappedNormal
	logZ float64
}

func (w wnTarget) LogDensity(x []float64) float64 { return w.logZ + w.wn.LogProb(x) }
func (w wnTarget) GradLogDensity(dst, x []float64) float64 {
	return w.logZ + w.wn.LogProbScore(dst, x)
}
