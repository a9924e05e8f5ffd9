package controlsde

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/integrate/quad"

	"github.com/geosoc/geosoc/manifold"
)

func newTestProduct(t *testing.T) *ProductMixture {
	t.Helper()
	// Coordinate 0: an unequal two-well mixture; 1: one narrow and one wide
	// component; 2: two overlapping components.
	p, err := NewProductMixture(3, 2,
		[]float64{0.8, 0.2, 0.5, 1.5, 1, 1},
		[]float64{1.7, -1.6, 0, 0.5, -0.3, 0.4},
		[]float64{0.1, 0.12, 0.05, 4, 0.5, 0.7}, 0.25)
	require.NoError(t, err)
	return p
}

func TestProductMixtureMatchesGaussianMixture(t *testing.T) {
	// In one dimension a ProductMixture is a GaussianMixture: density,
	// score, h and the Föllmer drift must agree to rounding (tol).
	const tol = 1e-12
	w, m, v := []float64{0.3, 0.7}, []float64{-2, 1.5}, []float64{0.3, 2.5}
	gm, err := NewGaussianMixture(w, m, v, -0.7)
	require.NoError(t, err)
	pm, err := NewProductMixture(1, 2, w, m, v, -0.7)
	require.NoError(t, err)
	sch := Geometric{Min: 0.2, Max: 1.5}
	f, fp := NewFollmer(gm, sch, 1), NewFollmerProduct(pm, sch, 1)
	for _, x := range []float64{-3, -0.4, 0, 0.9, 4} {
		xs := []float64{x}
		assert.InDelta(t, gm.LogDensity(xs), pm.LogDensity(xs), tol)
		g1, g2 := []float64{0}, []float64{0}
		l1, l2 := gm.GradLogDensity(g1, xs), pm.GradLogDensity(g2, xs)
		assert.InDelta(t, l1, l2, tol)
		assert.InDelta(t, g1[0], g2[0], tol*(1+math.Abs(g1[0])))
		for _, tt := range []float64{0, 0.3, 0.9, 0.999999, 1} {
			if tt < 1 {
				// Follmer's form cancels terms of size 1/τ: near τ = 0
				// (t = 0.999999, τ ≈ 2e-6) it keeps about 1e-9 absolute.
				assert.InDelta(t, f.LogH(tt, xs), fp.LogH(tt, xs), 1e-8, "t %v x %v", tt, x)
			}
			u1, u2 := []float64{0}, []float64{0}
			f.Control(u1, tt, xs)
			fp.Control(u2, tt, xs)
			assert.InDelta(t, u1[0], u2[0], 1e-8*(1+math.Abs(u1[0])), "t %v x %v", tt, x)
		}
	}
}

func TestProductMixtureExact(t *testing.T) {
	p := newTestProduct(t)
	sch := Geometric{Min: 0.2, Max: 1.5}
	f := NewFollmerProduct(p, sch, 1)
	V := sch.Integral(1)
	// h(0, 0) = E_ref[γ(X₁)/p_ref,1(X₁)] = Z exactly.
	assert.InDelta(t, 0.25, f.LogH(0, make([]float64, 3)), 1e-12)

	// log h(t, x) against adaptive Gauss–Legendre quadrature of
	// ∫ N(y; x, τ) γ(y)/N(y; 0, V) dy per coordinate on [−40, 40], 20
	// standard deviations of the widest component (quadTol: the quadrature's own error is below
	// 1e-11 here).
	const quadTol = 1e-9
	for _, tt := range []float64{0, 0.4, 0.8, 0.95} {
		tau := V - sch.Integral(tt)
		x := []float64{0.7, -1.1, 0.2}
		want := 0.25
		for i, xi := range x {
			fn := func(y float64) float64 {
				var q float64
				for j := i * 2; j < i*2+2; j++ {
					q += math.Exp(p.logW[j]) * math.Exp(-0.5*(y-p.means[j])*(y-p.means[j])/p.vars[j]) / math.Sqrt(2*math.Pi*p.vars[j])
				}
				ker := math.Exp(-0.5*(y-xi)*(y-xi)/tau) / math.Sqrt(2*math.Pi*tau)
				ref := math.Exp(-0.5*y*y/V) / math.Sqrt(2*math.Pi*V)
				return ker * q / ref
			}
			var s float64
			for a := -40.0; a < 40; a += 0.5 {
				s += quad.Fixed(fn, a, a+0.5, 64, nil, 0)
			}
			want += math.Log(s)
		}
		assert.InDelta(t, want, f.LogH(tt, x), quadTol, "t %v", tt)
	}

	// u = σ ∇ log h against central differences of LogH (step 1e-5).
	const fdTol = 1e-6
	rng := newRand(3)
	for range 10 {
		tt := 0.99 * rng.Float64()
		x := []float64{2 * rng.NormFloat64(), 2 * rng.NormFloat64(), 2 * rng.NormFloat64()}
		u := make([]float64, 3)
		f.Control(u, tt, x)
		grad := fd.Gradient(nil, func(y []float64) float64 { return f.LogH(tt, y) }, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		for i := range u {
			assert.InDelta(t, sch.Sigma(tt)*grad[i], u[i], fdTol*(1+math.Abs(u[i])))
		}
		g := make([]float64, 3)
		p.GradLogDensity(g, x)
		grad = fd.Gradient(nil, p.LogDensity, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		assert.InDeltaSlice(t, grad, g, fdTol)
	}

	// Density normalisation: ∫ γ = Z by quadrature per coordinate.
	var logInt float64
	for i := range 3 {
		var s float64
		for a := -40.0; a < 40; a += 0.5 {
			s += quad.Fixed(func(y float64) float64 { l, _ := p.coord(i, y); return math.Exp(l) }, a, a+0.5, 64, nil, 0)
		}
		logInt += math.Log(s)
	}
	assert.InDelta(t, 0, logInt, 1e-10)

	// Rand: per-coordinate mean and variance within 4 standard errors of
	// the exact mixture moments (n = 20000).
	const n = 20000
	x := make([]float64, 3)
	var sum, sum2 [3]float64
	for range n {
		p.Rand(x, rng)
		for i, v := range x {
			sum[i] += v
			sum2[i] += v * v
		}
	}
	for i := range 3 {
		var m1, m2 float64
		for j := i * 2; j < i*2+2; j++ {
			w := math.Exp(p.logW[j])
			m1 += w * p.means[j]
			m2 += w * (p.vars[j] + p.means[j]*p.means[j])
		}
		va := m2 - m1*m1
		assert.InDelta(t, m1, sum[i]/n, 4*math.Sqrt(va/n), "coordinate %d mean", i)
		assert.InDelta(t, va, sum2[i]/n-math.Pow(sum[i]/n, 2), 4*va*math.Sqrt(3.0/n), "coordinate %d variance", i)
	}
}

func TestFollmerProductWeights(t *testing.T) {
	// Under its own Föllmer drift the Euler chain's log-weights concentrate
	// at log Z (variance O(Δt)); log Ẑ within 4 SE and ESS/N > 0.9 at 400
	// steps (measured: ESS/N 0.98).
	p := newTestProduct(t)
	prob := Problem{Reference: Reference{Space: manifold.NewEuclidean(3)}, Control: NewFollmerProduct(p, nil, 1), Target: p}
	r, err := Simulate(prob, &Settings{Grid: UniformGrid(400, 0, 1), Particles: 2000, Seed: 5}, EulerMaruyama{})
	require.NoError(t, err)
	assert.InDelta(t, 0.25, r.Estimates.LogZ, 4*r.Estimates.LogZStdErr)
	assert.Greater(t, r.Estimates.ESS, 0.9)
}

func TestProductMixtureErrors(t *testing.T) {
	for _, c := range []struct {
		name    string
		d, k    int
		w, m, v []float64
	}{
		{"lengths", 2, 1, []float64{1}, []float64{0, 0}, []float64{1, 1}},
		{"zero weight", 1, 2, []float64{0, 1}, []float64{0, 0}, []float64{1, 1}},
		{"negative variance", 1, 1, []float64{1}, []float64{0}, []float64{-1}},
		{"nan mean", 1, 1, []float64{1}, []float64{math.NaN()}, []float64{1}},
		{"zero d", 0, 1, nil, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewProductMixture(c.d, c.k, c.w, c.m, c.v, 0)
			require.ErrorIs(t, err, ErrProblem)
		})
	}
}
