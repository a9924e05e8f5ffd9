package controlsde

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"

	"github.com/geosoc/geosoc/manifold"
)

// slopeTol is the allowed deviation of a measured weak order from the
// expected one (the issue's ±0.2).
const slopeTol = 0.2

// logLogSlope returns the least-squares slope of log|err| against log h.
func logLogSlope(h, err []float64) float64 {
	lx, ly := make([]float64, len(h)), make([]float64, len(h))
	for i := range h {
		lx[i], ly[i] = math.Log(h[i]), math.Log(math.Abs(err[i]))
	}
	_, b := stat.LinearRegression(lx, ly, nil, false)
	return b
}

func TestWeakOrderOU(t *testing.T) {
	// OU dX = −θX dt + σ dW, θ = 2, σ = 2 (OUVariance σ²/(2θ) = 1),
	// x₀ = 2, T = 1: E X_T = x₀e^{−θT}, E X_T² = x₀²e^{−2θT} + 1 − e^{−2θT}.
	// f = E X_T with antithetic pairs: the chains are linear in the noise,
	// so the batch mean is the chain's exact mean (no Monte Carlo error)
	// and its error is the drift discretisation: Euler (1 − θh)ⁿ − e^{−θT},
	// order 1; Heun (1 − θh + θ²h²/2)ⁿ − e^{−θT}, order 2.
	// The noise part of Euler is checked through E X_T²: the chain X' =
	// (1 − θh)X + σ√h ξ has E X_n² = x₀²α^{2n} + σ²h(1 − α^{2n})/(1 − α²),
	// α = 1 − θh, which the simulation (N = 10⁵) must match within 4 SE;
	// Exact must match the continuous value within 4 SE at every h.
	const theta, sigma, x0, T = 2.0, 2.0, 2.0, 1.0
	ref := Reference{Space: manifold.NewEuclidean(1), Sigma: Constant{S: sigma}, OUVariance: 1, Start: []float64{x0}}
	mean := x0 * math.Exp(-theta*T)
	second := x0*x0*math.Exp(-2*theta*T) + 1 - math.Exp(-2*theta*T)
	steps := []int{4, 8, 16, 32}
	hs := make([]float64, len(steps))
	for i, n := range steps {
		hs[i] = T / float64(n)
	}
	id := func(x []float64) float64 { return x[0] }
	sq := func(x []float64) float64 { return x[0] * x[0] }
	// With antithetic pairs the noise cancels in the mean exactly, so the
	// sample mean equals the chain's mean x₀αⁿ to rounding: α = 1 − θh for
	// Euler and 1 − θh + θ²h²/2 for Heun (X̃ = X − θhX + σΔW, X' = X −
	// ½θh(X + X̃) + σΔW).
	for _, tc := range []struct {
		name  string
		m     Method
		order float64
		alpha func(h float64) float64
	}{
		{"euler-mean", EulerMaruyama{}, 1, func(h float64) float64 { return 1 - theta*h }},
		{"heun-mean", Heun{}, 2, func(h float64) float64 { return 1 - theta*h + theta*theta*h*h/2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Steps 8…64: at h = 1/4 (θh = 0.5) Heun is not yet asymptotic.
			fine := []float64{T / 8, T / 16, T / 32, T / 64}
			errs := make([]float64, len(fine))
			for i, h := range fine {
				r, err := Simulate(Problem{Reference: ref}, &Settings{Grid: UniformGrid(int(math.Round(T/h)), 0, T), Particles: 1000, Seed: 21, Antithetic: true}, tc.m)
				require.NoError(t, err)
				m, _ := meanOf(r, id)
				errs[i] = m - mean
				chain := x0 * math.Pow(tc.alpha(h), math.Round(T/h))
				assert.InDelta(t, chain, m, 1e-12, "%s: exact chain mean at h = %v", tc.name, h)
			}
			slope := logLogSlope(fine, errs)
			t.Logf("%s: errors %.3g, slope %.3f", tc.name, errs, slope)
			assert.InDelta(t, tc.order, slope, slopeTol)
		})
	}
	t.Run("second-moment", func(t *testing.T) {
		for i, n := range steps {
			s := &Settings{Grid: UniformGrid(n, 0, T), Particles: 100000, Seed: 22}
			r, err := Simulate(Problem{Reference: ref}, s, EulerMaruyama{})
			require.NoError(t, err)
			m, se := meanOf(r, sq)
			h := hs[i]
			a := 1 - theta*h
			a2n := math.Pow(a, 2*float64(n))
			chain := x0*x0*a2n + sigma*sigma*h*(1-a2n)/(1-a*a)
			assert.InDelta(t, chain, m, 4*se, "Euler, h = %v", h)
			r, err = Simulate(Problem{Reference: ref}, s, Exact{})
			require.NoError(t, err)
			m, se = meanOf(r, sq)
			assert.InDelta(t, second, m, 4*se, "Exact, h = %v", h)
		}
	})
}

// expCosChi returns E cos(√h R), R² ~ χ²_k (see expChi).
func expCosChi(h float64, k int) float64 {
	sq := math.Sqrt(h)
	return expChi(k, func(r float64) float64 { return math.Cos(sq * r) })
}

// expChi returns E f(R), R² ~ χ²_k, for bounded smooth f by the midpoint
// rule on [0, 12+3√k] with 20000 cells (the integrand is smooth and the
// tail beyond the range is below 1e-25).
func expChi(k int, f func(r float64) float64) float64 {
	lg, _ := math.Lgamma(float64(k) / 2)
	hi := 12 + 3*math.Sqrt(float64(k))
	const n = 20000
	dr := hi / n
	var s float64
	for i := 0; i < n; i++ {
		r := (float64(i) + 0.5) * dr
		logd := float64(k-1)*math.Log(r) - r*r/2 - (float64(k)/2-1)*math.Ln2 - lg
		s += f(r) * math.Exp(logd)
	}
	return s * dr
}

func TestWeakOrderSphere(t *testing.T) {
	// Brownian motion on S^20 ⊂ R^21 from x₀ to T = 0.1: E⟨x₀, X_T⟩ =
	// e^{−20T/2} = e^{−1}. On a high-dimensional sphere the discretisation
	// error of ⟨x₀, X_T⟩ stays as large as on S² (relative ≈ 1/(3n)) while
	// its variance falls like 1/d, which is what lets Monte Carlo resolve
	// the error: with N = 3·10⁴ the SE is 1e-3 against errors 9e-3 … 7e-2.
	// Geodesic EM: E⟨x₀, X_n⟩ = c(h)ⁿ exactly, c(h) = E cos(√h R),
	// R² ~ χ²_20 (quadrature), which the simulation must match within 4 SE.
	const d, T, N = 21, 0.1, 30000
	sp := manifold.NewSphere(d)
	x0 := make([]float64, d)
	x0[0] = 1
	want := math.Exp(-float64(d-1) * T / 2)
	steps := []int{2, 4, 8, 16}
	hs := make([]float64, len(steps))
	for i, n := range steps {
		hs[i] = T / float64(n)
	}
	for _, m := range []Method{EulerMaruyama{}, ProjectedEM{}} {
		errs := make([]float64, len(steps))
		for i, n := range steps {
			r, err := Simulate(Problem{Reference: Reference{Space: sp, Start: x0}},
				&Settings{Grid: UniformGrid(n, 0, T), Particles: N, Seed: 31}, m)
			require.NoError(t, err)
			mean, se := meanOf(r, func(x []float64) float64 { return x[0] })
			errs[i] = mean - want
			assert.Greater(t, math.Abs(errs[i]), 5*se)
			if _, ok := m.(EulerMaruyama); ok {
				chain := math.Pow(expCosChi(hs[i], d-1), float64(n))
				assert.InDelta(t, chain, mean, 4*se, "discrete-chain expectation, n = %d", n)
			}
		}
		slope := logLogSlope(hs, errs)
		t.Logf("%T: errors %.3g, slope %.3f", m, errs, slope)
		assert.InDelta(t, 1, slope, slopeTol, "%T", m)
	}
}
