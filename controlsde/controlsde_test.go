package controlsde

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"

	"github.com/geosoc/geosoc/manifold"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x853c49e6748fea9b)) }

// simpson integrates f on [a, b] with n (even) intervals.
func simpson(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	s := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(a+float64(i)*h)
	}
	return s * h / 3
}

func TestScheduleIntegrals(t *testing.T) {
	// Reference: composite Simpson quadrature of σ(s)² with 4000 intervals,
	// truncation error h⁴ max|f''''|/180 < 1e-11 for these smooth σ² on
	// [0, 0.9]; quadTol leaves a margin.
	const quadTol = 1e-9
	for _, tc := range []struct {
		name string
		s    Schedule
	}{
		{"constant", Constant{S: 1.7}},
		{"linear-beta", LinearBeta{Min: 0.1, Max: 20}},
		{"geometric", Geometric{Min: 0.01, Max: 3}},
		{"cosine", Cosine{Offset: 0.008}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, tt := range []float64{0.1, 0.5, 0.9} {
				want := simpson(func(s float64) float64 { x := tc.s.Sigma(s); return x * x }, 0, tt, 4000)
				assert.InDelta(t, want, tc.s.Integral(tt), quadTol*(1+math.Abs(want)), "t = %v", tt)
			}
			assert.Equal(t, 0.0, tc.s.Integral(0))
		})
	}
	// Adjoint Sampling: ν(1) = σ_max² − σ_min².
	assert.InDelta(t, 9-1e-4, Geometric{Min: 0.01, Max: 3}.Integral(1), 1e-12)
	assert.True(t, math.IsInf(Cosine{Offset: 0.008}.Integral(1), 1))
}

func TestGridsAndBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    []float64
	}{
		{"uniform", UniformGrid(10, 0, 2)},
		{"geometric", GeometricGrid(10, 0, 2, 0.8)},
		{"cosine", CosineGrid(10, 0, 2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Len(t, tc.g, 11)
			assert.Equal(t, 0.0, tc.g[0])
			assert.Equal(t, 2.0, tc.g[10])
			require.NoError(t, checkGrid(tc.g))
		})
	}
	g := GeometricGrid(10, 0, 2, 0.8)
	for k := 1; k < 10; k++ {
		assert.InDelta(t, 0.8, (g[k+1]-g[k])/(g[k]-g[k-1]), 1e-12)
	}
	assert.ErrorIs(t, checkGrid([]float64{0}), ErrGrid)
	assert.ErrorIs(t, checkGrid([]float64{0, 1, 1}), ErrGrid)
	assert.ErrorIs(t, checkGrid([]float64{0, math.NaN()}), ErrGrid)
	_, err := Simulate(Problem{Reference: Reference{Space: manifold.NewEuclidean(1)}}, &Settings{Grid: []float64{1, 0}}, nil)
	assert.ErrorIs(t, err, ErrGrid)
	// Other bad data: a start off the manifold, a start of the wrong
	// length, an OU drift on a sphere, an odd antithetic batch.
	s2 := manifold.NewSphere(3)
	_, err = Simulate(Problem{Reference: Reference{Space: s2, Start: []float64{1, 1, 0}}}, nil, nil)
	assert.ErrorIs(t, err, manifold.ErrNotOnManifold)
	_, err = Simulate(Problem{Reference: Reference{Space: s2, Start: []float64{1, 0}}}, nil, nil)
	assert.ErrorIs(t, err, ErrProblem)
	_, err = Simulate(Problem{Reference: Reference{Space: s2, OUVariance: 1}}, nil, nil)
	assert.ErrorIs(t, err, ErrProblem)
	_, err = Simulate(Problem{Reference: Reference{Space: s2}}, &Settings{Particles: 3, Antithetic: true}, nil)
	assert.ErrorIs(t, err, ErrProblem)
	_, err = Simulate(Problem{Reference: Reference{Space: s2}}, nil, Heun{})
	assert.ErrorIs(t, err, ErrUnsupported)
	_, err = Simulate(Problem{Reference: Reference{Space: s2}}, nil, LieEM{})
	assert.ErrorIs(t, err, ErrUnsupported)
	// A target needs a known reference marginal.
	_, err = Simulate(Problem{Reference: Reference{Space: manifold.NewEuclidean(1), Init: manifold.NewEuclidean(1)}, Target: tiltTarget{mu: []float64{1}, kappa: 1}}, nil, nil)
	assert.ErrorIs(t, err, ErrNoMarginal)
}

// tiltTarget is γ(x) = exp(κ μ·x) on a sphere (an unnormalised vMF).
type tiltTarget struct {
	mu    []float64
	kappa float64
}

func (v tiltTarget) LogDensity(x []float64) float64 {
	var s float64
	for i := range x {
		s += v.mu[i] * x[i]
	}
	return v.kappa * s
}

func (v tiltTarget) GradLogDensity(dst, x []float64) float64 {
	var s float64
	for i := range x {
		s += v.mu[i] * x[i]
	}
	for i := range dst {
		dst[i] = v.kappa * (v.mu[i] - s*x[i])
	}
	return v.kappa * s
}

func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	s2 := manifold.NewSphere(3)
	tilt := tiltTarget{mu: []float64{0, 0, 1}, kappa: 2}
	gm, err := NewGaussianMixture([]float64{0.3, 0.7}, []float64{-2, 1, 2, -1}, []float64{0.3, 0.5}, 0.4)
	require.NoError(t, err)
	cases := []struct {
		name   string
		p      Problem
		method Method
	}{
		{"sphere-geodesic-em", Problem{
			Reference: Reference{Space: s2},
			Control:   ControlFunc{Dim: 3, F: func(dst []float64, t float64, x []float64) { tilt.GradLogDensity(dst, x) }},
			Target:    tilt}, EulerMaruyama{}},
		{"r2-heun-follmer", Problem{
			Reference: Reference{Space: manifold.NewEuclidean(2)},
			Control:   NewFollmer(gm, nil, 1), Target: gm}, Heun{}},
		{"so3-lie", Problem{Reference: Reference{Space: manifold.NewSO3(), Start: identity3}}, LieEM{}},
		{"t3-em", Problem{Reference: Reference{Space: manifold.NewTorus(3)}}, EulerMaruyama{}},
		{"s2-exact", Problem{Reference: Reference{Space: s2, Start: []float64{0, 0, 1}}}, Exact{}},
		{"r2-exact-vp", Problem{
			Reference: Reference{Space: manifold.NewEuclidean(2), Sigma: LinearBeta{Min: 0.1, Max: 10}, OUVariance: 1, StartVariance: 1},
			Control:   NewFollmer(gm, nil, 1), Target: gm}, Exact{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := func(procs, block int) *Result {
				old := runtime.GOMAXPROCS(procs)
				defer runtime.GOMAXPROCS(old)
				r, err := Simulate(tc.p, &Settings{Grid: UniformGrid(20, 0, 1), Particles: 1001, Seed: 7, Block: block, RecordEvery: 5}, tc.method)
				require.NoError(t, err)
				return r
			}
			a, b, c := run(1, 0), run(2, 0), run(2, 33)
			for _, o := range []*Result{b, c} {
				// Bit-for-bit equality: compare as exact float64 values.
				require.Equal(t, a.X, o.X)
				require.Equal(t, a.LogWeight, o.LogWeight)
				require.Equal(t, a.Trajectory, o.Trajectory)
			}
			// A different seed gives different paths.
			r2, err := Simulate(tc.p, &Settings{Grid: UniformGrid(20, 0, 1), Particles: 1001, Seed: 8}, tc.method)
			require.NoError(t, err)
			assert.NotEqual(t, a.X, r2.X)
		})
	}
}

// shiftedGaussian returns the target N(V a, V I) times Z = e^{logZ} on R^d,
// whose Föllmer drift under σ dW from 0 on [0, 1] (V = σ²) is the constant
// σ a: the exponentially tilted reference.
func shiftedGaussian(t *testing.T, a []float64, sigma, logZ float64) *GaussianMixture {
	V := sigma * sigma
	m := make([]float64, len(a))
	for i := range a {
		m[i] = V * a[i]
	}
	gm, err := NewGaussianMixture([]float64{1}, m, []float64{V}, logZ)
	require.NoError(t, err)
	return gm
}

func TestOracleExactForTiltedReference(t *testing.T) {
	// For γ = Z N(V a, V I) the optimal control is the constant σ a and the
	// optimal discrete kernel N(x + Δν a, Δν I) is exactly the controlled
	// Euler / exponential step, so every path weight equals Z to rounding
	// at any step size (telescoping: Σ½σ²|a|²Δt + σa·ΣΔW + g(X_T) = −log Z).
	const zeroVarTol = 1e-9
	a := []float64{0.8, -1.1, 0.3}
	for _, m := range []Method{EulerMaruyama{}, Exact{}} {
		for _, sigma := range []float64{1, 2.5} {
			gm := shiftedGaussian(t, a, sigma, 1.3)
			f := NewFollmer(gm, Constant{S: sigma}, 1)
			u := make([]float64, 3)
			f.Control(u, 0.37, []float64{1, 2, 3})
			for i := range u {
				require.InDelta(t, sigma*a[i], u[i], 1e-12, "Föllmer drift of a tilted reference is σa")
			}
			p := Problem{Reference: Reference{Space: manifold.NewEuclidean(3), Sigma: Constant{S: sigma}}, Control: f, Target: gm}
			r, err := Simulate(p, &Settings{Grid: GeometricGrid(10, 0, 1, 0.7), Particles: 500, Seed: 3}, m)
			require.NoError(t, err)
			for i, lw := range r.LogWeight {
				require.InDelta(t, 1.3, lw, zeroVarTol, "particle %d", i)
			}
			assert.InDelta(t, 1.3, r.Estimates.LogZ, zeroVarTol)
			assert.InDelta(t, 1.0, r.Estimates.ESS, zeroVarTol)
		}
	}
}

func TestFollmerClosedForm(t *testing.T) {
	gm, err := NewGaussianMixture([]float64{0.3, 0.7}, []float64{-2, 1, 2, -1}, []float64{0.3, 2.5}, 0.4)
	require.NoError(t, err)
	sch := Geometric{Min: 0.2, Max: 1.5}
	f := NewFollmer(gm, sch, 1)
	// h(0, 0) = E_ref[γ(X_1)/p_ref,1(X_1)] = Z: exact identity.
	assert.InDelta(t, 0.4, f.LogH(0, []float64{0, 0}), 1e-12)
	// u = σ ∇ log h against central differences of LogH (step 1e-5: error
	// O(1e-10) for this smooth log h); fdTol leaves a margin.
	const fdTol = 1e-6
	rng := newRand(1)
	for range 10 {
		tt := 0.95 * rng.Float64()
		x := []float64{3 * rng.NormFloat64(), 3 * rng.NormFloat64()}
		u := make([]float64, 2)
		f.Control(u, tt, x)
		grad := fd.Gradient(nil, func(y []float64) float64 { return f.LogH(tt, y) }, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		for i := range u {
			assert.InDelta(t, sch.Sigma(tt)*grad[i], u[i], fdTol*(1+math.Abs(u[i])))
		}
	}
	// At t = T the limit ∇ log(γ/N(0, VI)).
	u := make([]float64, 2)
	x := []float64{0.3, -0.2}
	f.Control(u, 1, x)
	g := make([]float64, 2)
	lg := gm.GradLogDensity(g, x)
	assert.InDelta(t, gm.LogDensity(x), lg, 1e-14)
	V := sch.Integral(1)
	for i := range u {
		assert.InDelta(t, sch.Sigma(1)*(g[i]+x[i]/V), u[i], 1e-12)
	}
	// The mixture gradient against finite differences of LogDensity.
	grad := fd.Gradient(nil, gm.LogDensity, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
	assert.InDeltaSlice(t, grad, g, fdTol)
}

func logWeightVar(lw []float64) float64 {
	var m, v float64
	for _, l := range lw {
		m += l
	}
	m /= float64(len(lw))
	for _, l := range lw {
		v += (l - m) * (l - m)
	}
	return v / float64(len(lw))
}

func TestOracleMixtureContinuousLimit(t *testing.T) {
	// With the exact Föllmer drift of a two-component mixture (unequal
	// variances, so no step is exact) the Euler chain's log-weights have
	// variance O(Δt): measured 0.030 at 100 steps and 0.0031 at 1000
	// (N = 4000). We check the rate (ratio 10 ± 10^{±0.2}; with N = 1000 the
	// relative SE of each variance is about 10 %) and that log Ẑ equals
	// log Z within 4 standard errors at 1000 steps.
	gm, err := NewGaussianMixture([]float64{0.3, 0.7}, []float64{-2, 1, 2, -1}, []float64{0.3, 0.5}, 1.5)
	require.NoError(t, err)
	p := Problem{Reference: Reference{Space: manifold.NewEuclidean(2)}, Control: NewFollmer(gm, nil, 1), Target: gm}
	var vars [2]float64
	var last Estimates
	for j, steps := range []int{100, 1000} {
		r, err := Simulate(p, &Settings{Grid: UniformGrid(steps, 0, 1), Particles: 1000, Seed: 11}, EulerMaruyama{})
		require.NoError(t, err)
		vars[j] = logWeightVar(r.LogWeight)
		last = r.Estimates
	}
	ratio := vars[0] / vars[1]
	assert.Greater(t, ratio, math.Pow(10, 0.8))
	assert.Less(t, ratio, math.Pow(10, 1.2))
	assert.Less(t, vars[1], 0.01)
	assert.InDelta(t, 1.5, last.LogZ, 4*last.LogZStdErr)
	assert.Greater(t, last.ESS, 0.99)
	assert.LessOrEqual(t, last.ELBO, 1.5+4*last.LogZStdErr)
}

// scaledControl multiplies another control by c (a deliberately poor
// control for the unbiasedness test).
type scaledControl struct {
	c Control
	k float64
}

func (s scaledControl) Control(dst []float64, t float64, x []float64) {
	s.c.Control(dst, t, x)
	for i := range dst {
		dst[i] *= s.k
	}
}

func TestPoorControlUnbiased(t *testing.T) {
	// Importance sampling makes E[Ẑ] = Z exactly for the discrete Euler
	// chain (the weight is the exact density ratio of the chain), whatever
	// the control. Over R = 300 seeds the mean of Ẑ/Z must be within 4
	// standard errors of 1 (the standard error estimated from the R runs).
	gm, err := NewGaussianMixture([]float64{0.3, 0.7}, []float64{-2, 1, 2, -1}, []float64{0.3, 0.5}, 1.5)
	require.NoError(t, err)
	f := NewFollmer(gm, nil, 1)
	for _, tc := range []struct {
		name string
		c    Control
	}{{"zero", nil}, {"half-oracle", scaledControl{f, 0.5}}, {"double-oracle", scaledControl{f, 1.6}}} {
		t.Run(tc.name, func(t *testing.T) {
			p := Problem{Reference: Reference{Space: manifold.NewEuclidean(2)}, Control: tc.c, Target: gm}
			const R = 300
			zs := make([]float64, R)
			var mean float64
			for r := range zs {
				res, err := Simulate(p, &Settings{Grid: UniformGrid(10, 0, 1), Particles: 100, Seed: uint64(1000 + r)}, EulerMaruyama{})
				require.NoError(t, err)
				zs[r] = math.Exp(res.Estimates.LogZ - 1.5)
				mean += zs[r] / R
			}
			var v float64
			for _, z := range zs {
				v += (z - mean) * (z - mean) / (R - 1)
			}
			se := math.Sqrt(v / R)
			assert.InDelta(t, 1, mean, 4*se, "mean Ẑ/Z = %v ± %v", mean, se)
		})
	}
}

func TestOUExactTransition(t *testing.T) {
	// VP process with linear β from X₀ = x₀: X_t ~ N(a x₀, (1 − a²) I),
	// a = exp(−ν(t)/2) (Reference.Marginal). The Exact method must give
	// this law for any number of steps: sample mean within 4 SE, sample
	// variance within 4 SE (SE of a variance ≈ v√(2/N)). With antithetic
	// pairs the sample mean is a x₀ to rounding (the chain is linear).
	x0 := []float64{2, -1}
	sch := LinearBeta{Min: 0.1, Max: 4}
	ref := Reference{Space: manifold.NewEuclidean(2), Sigma: sch, OUVariance: 1, Start: x0}
	a := math.Exp(-sch.Integral(1) / 2)
	v := 1 - a*a
	const N = 20000
	for _, steps := range []int{1, 7, 50} {
		r, err := Simulate(Problem{Reference: ref}, &Settings{Grid: UniformGrid(steps, 0, 1), Particles: N, Seed: 5}, Exact{})
		require.NoError(t, err)
		for c := range 2 {
			var m, s2 float64
			for i := 0; i < N; i++ {
				m += r.X[2*i+c] / N
			}
			for i := 0; i < N; i++ {
				e := r.X[2*i+c] - m
				s2 += e * e / (N - 1)
			}
			assert.InDelta(t, a*x0[c], m, 4*math.Sqrt(v/N), "steps %d mean", steps)
			assert.InDelta(t, v, s2, 4*v*math.Sqrt(2.0/N), "steps %d variance", steps)
		}
		r, err = Simulate(Problem{Reference: ref}, &Settings{Grid: UniformGrid(steps, 0, 1), Particles: 1000, Seed: 5, Antithetic: true}, Exact{})
		require.NoError(t, err)
		for c := range 2 {
			var m float64
			for i := 0; i < 1000; i++ {
				m += r.X[2*i+c] / 1000
			}
			assert.InDelta(t, a*x0[c], m, 1e-12)
		}
	}
	lp, err := ref.Marginal(0, 1)
	require.NoError(t, err)
	// Log density of N(a x₀, v I) at x = 0.
	want := -0.5*(a*a*5)/v - math.Log(2*math.Pi*v)
	assert.InDelta(t, want, lp.LogProb([]float64{0, 0}), 1e-12)
}

func TestBrownianSphereMoments(t *testing.T) {
	// E⟨x₀, X_t⟩ = e^{−(d−1)t/2} on S^{d−1} (manifolds.md). For geodesic
	// Euler–Maruyama E⟨x₀, X_n⟩ = c(Δt)ⁿ exactly, c(h) = E cos(√h R),
	// R² ~ χ²_{d−1}, and log c(h) = −(d−1)h/2 − h²[(d−1)²/8 − (d²−1)/24] +
	// O(h³), so the relative weak error is T Δt [(d−1)²/8 − (d²−1)/24]:
	// 1.1e-3 (d = 3) and 6.4e-3 (d = 5) at T = 0.8, 100 steps, i.e. below
	// 2e-3 in absolute terms; the projected scheme is of the same order.
	// With N = 3000 the Monte Carlo SE is below 1.3e-2: tol = 4·SE + 2e-3.
	for _, d := range []int{3, 5} {
		for _, m := range []Method{EulerMaruyama{}, ProjectedEM{}} {
			sp := manifold.NewSphere(d)
			x0 := make([]float64, d)
			x0[0] = 1
			const N, T = 3000, 0.8
			r, err := Simulate(Problem{Reference: Reference{Space: sp, Start: x0}},
				&Settings{Grid: UniformGrid(100, 0, T), Particles: N, Seed: 9}, m)
			require.NoError(t, err)
			var mean, m2 float64
			for i := 0; i < N; i++ {
				mean += r.X[i*d] / N
				m2 += r.X[i*d] * r.X[i*d] / N
			}
			se := math.Sqrt((m2 - mean*mean) / N)
			want := math.Exp(-float64(d-1) * T / 2)
			assert.InDelta(t, want, mean, 4*se+2e-3, "d = %d, %T", d, m)
			for i := 0; i < N; i++ {
				require.Less(t, sp.Residual(r.X[i*d:(i+1)*d]), 1e-12)
			}
		}
	}
}

// leakySphere is S² whose Exp forgets to renormalise: x + v leaves the
// sphere at O(Δt) per step.
type leakySphere struct{ manifold.Sphere }

func (l leakySphere) Exp(dst, x, v []float64) {
	for i := range dst {
		dst[i] = x[i] + v[i]
	}
}

func TestDivergenceReported(t *testing.T) {
	t.Run("not-finite", func(t *testing.T) {
		// Particles 5 and 9 get a NaN control from t ≥ 0.5, i.e. from step 5
		// of 10; the error names the lowest.
		c := ControlFunc{Dim: 2, F: func(dst []float64, tt float64, x []float64) {
			dst[0], dst[1] = 0, 0
			if tt >= 0.5 && (x[0] == 5 || x[0] == 9) {
				dst[0] = math.NaN()
			}
		}}
		// Start each particle at x = (i, 0) through a deterministic Init.
		init := &indexInit{}
		p := Problem{Reference: Reference{Space: manifold.NewEuclidean(2), Sigma: Constant{S: 0}, Init: init}, Control: c}
		for _, procs := range []int{1, 2} {
			old := runtime.GOMAXPROCS(procs)
			init.next.Store(0)
			_, err := Simulate(p, &Settings{Grid: UniformGrid(10, 0, 1), Particles: 20, Workers: 1, Block: 4}, EulerMaruyama{})
			runtime.GOMAXPROCS(old)
			var de *DivergenceError
			require.True(t, errors.As(err, &de), "error %v", err)
			assert.Equal(t, 5, de.Particle)
			assert.Equal(t, 5, de.Step)
			assert.Equal(t, "not finite", de.Reason)
			assert.Equal(t, 2, de.Count)
			assert.InDelta(t, 0.6, de.Time, 1e-15)
		}
	})
	t.Run("check-every", func(t *testing.T) {
		// With CheckEvery = 4 the NaN born at step 5 is detected after
		// step 7 (checks after steps 3, 7 and the last, 9).
		c := ControlFunc{Dim: 2, F: func(dst []float64, tt float64, x []float64) {
			dst[0], dst[1] = 0, 0
			if tt >= 0.5 {
				dst[0] = math.NaN()
			}
		}}
		_, err := Simulate(Problem{Reference: Reference{Space: manifold.NewEuclidean(2)}, Control: c},
			&Settings{Grid: UniformGrid(10, 0, 1), Particles: 3, CheckEvery: 4}, EulerMaruyama{})
		var de *DivergenceError
		require.True(t, errors.As(err, &de))
		assert.Equal(t, 7, de.Step)
		assert.Equal(t, 0, de.Particle)
	})
	t.Run("nan-target", func(t *testing.T) {
		// A target whose log density is NaN at x₁ > 0 makes those weights
		// NaN: reported at the last step; −Inf (γ = 0) is a valid weight.
		tgt := nanTarget{}
		r, err := Simulate(Problem{Reference: Reference{Space: manifold.NewEuclidean(1)}, Target: tgt},
			&Settings{Grid: UniformGrid(4, 0, 1), Particles: 50, Seed: 1}, nil)
		var de *DivergenceError
		require.True(t, errors.As(err, &de))
		assert.Equal(t, "weight not finite", de.Reason)
		assert.Equal(t, 3, de.Step)
		assert.Greater(t, r.X[de.Particle], 0.0)
		assert.Zero(t, r.Estimates)
	})
	t.Run("off-manifold", func(t *testing.T) {
		x0 := []float64{1, 0, 0}
		_, err := Simulate(Problem{Reference: Reference{Space: leakySphere{manifold.NewSphere(3)}, Start: x0}},
			&Settings{Grid: UniformGrid(10, 0, 1), Particles: 8}, EulerMaruyama{})
		var de *DivergenceError
		require.True(t, errors.As(err, &de))
		assert.Equal(t, "off manifold", de.Reason)
		assert.Equal(t, 0, de.Step)
		assert.Equal(t, 0, de.Particle)
		assert.Greater(t, de.Residual, DefaultResidualTol)
	})
}

// indexInit places particle i (in the order of draws within one worker)
// at (i, 0); deterministic only with one worker.
type indexInit struct{ next atomicInt }

func (ii *indexInit) Rand(dst []float64, rng *rand.Rand) {
	dst[0], dst[1] = float64(ii.next.Add(1)-1), 0
}

func TestRecording(t *testing.T) {
	x0 := []float64{0, 0, 1}
	r, err := Simulate(Problem{Reference: Reference{Space: manifold.NewSphere(3), Start: x0}},
		&Settings{Grid: UniformGrid(10, 0, 1), Particles: 6, RecordEvery: 3, Seed: 1}, nil)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 0.3, 0.6, 0.9, 1}, roundAll(r.TrajectoryTimes))
	require.Len(t, r.Trajectory, 5*6*3)
	for i := 0; i < 6; i++ {
		assert.Equal(t, x0, r.Trajectory[i*3:(i+1)*3])
	}
	assert.Equal(t, r.X, r.Trajectory[4*18:])
}

func roundAll(v []float64) []float64 {
	o := make([]float64, len(v))
	for i, x := range v {
		o[i] = math.Round(x*1e9) / 1e9
	}
	return o
}

func TestForwardLogWeights(t *testing.T) {
	// Sandwich ELBO ≤ log Z ≤ EUBO for exact target samples. With the
	// oracle control (200 steps) both bounds are within 0.03 of log Z; with
	// the zero control EUBO − log Z = KL(π ‖ p_ref,1) > 0.1 for this
	// mixture.
	gm, err := NewGaussianMixture([]float64{0.3, 0.7}, []float64{-2, 1, 2, -1}, []float64{0.3, 0.5}, 1.5)
	require.NoError(t, err)
	rng := newRand(4)
	const N = 2000
	samples := make([]float64, 2*N)
	for i := 0; i < N; i++ {
		gm.Rand(samples[2*i:2*i+2], rng)
	}
	s := &Settings{Grid: UniformGrid(200, 0, 1), Particles: N, Seed: 2}
	p := Problem{Reference: Reference{Space: manifold.NewEuclidean(2)}, Control: NewFollmer(gm, nil, 1), Target: gm}
	lwf, err := ForwardLogWeights(p, s, samples)
	require.NoError(t, err)
	eubo := Estimate(lwf).ELBO
	r, err := Simulate(p, s, nil)
	require.NoError(t, err)
	elbo := r.Estimates.ELBO
	assert.LessOrEqual(t, elbo, 1.5)
	assert.GreaterOrEqual(t, eubo, 1.5)
	assert.InDelta(t, 1.5, elbo, 0.03)
	assert.InDelta(t, 1.5, eubo, 0.03)

	p.Control = nil
	lwf0, err := ForwardLogWeights(p, s, samples)
	require.NoError(t, err)
	assert.Greater(t, Estimate(lwf0).ELBO, 1.6)

	_, err = ForwardLogWeights(Problem{Reference: Reference{Space: manifold.NewSphere(3)}, Target: gm}, s, samples)
	assert.ErrorIs(t, err, ErrUnsupported)
}

func TestForwardLogWeightsOracles(t *testing.T) {
	// Under the optimal discrete chains of the two zero-variance oracles
	// (tilted Brownian reference with the constant Föllmer drift; tilted VP
	// reference with the exact-step mean shift) the forward weights of
	// exact target samples through the exact reference bridge are log Z
	// to rounding as well: this checks the bridge and the forward
	// accounting, for Brownian and OU references.
	const zeroVarTol = 1e-9
	rng := newRand(12)
	t.Run("brownian", func(t *testing.T) {
		a := []float64{0.8, -1.1, 0.3}
		gm := shiftedGaussian(t, a, 1.5, 1.3)
		p := Problem{Reference: Reference{Space: manifold.NewEuclidean(3), Sigma: Constant{S: 1.5}}, Control: NewFollmer(gm, Constant{S: 1.5}, 1), Target: gm}
		samples := make([]float64, 3*200)
		for i := 0; i < 200; i++ {
			gm.Rand(samples[3*i:3*i+3], rng)
		}
		lw, err := ForwardLogWeights(p, &Settings{Grid: GeometricGrid(10, 0, 1, 0.8), Seed: 3}, samples)
		require.NoError(t, err)
		for i, l := range lw {
			require.InDelta(t, 1.3, l, zeroVarTol, "sample %d", i)
		}
	})
	t.Run("vp", func(t *testing.T) {
		p, grid, gm, logZ := tiltedVPOracle(t)
		samples := make([]float64, 2*200)
		for i := 0; i < 200; i++ {
			gm.Rand(samples[2*i:2*i+2], rng)
		}
		lw, err := ForwardLogWeights(p, &Settings{Grid: grid, Seed: 3}, samples)
		require.NoError(t, err)
		for i, l := range lw {
			require.InDelta(t, logZ, l, zeroVarTol, "sample %d", i)
		}
		// Without the control the forward estimate is E_π[log γ − log p_ref]
		// = log Z + KL(π ‖ p_ref,T) > log Z.
		p.Control = nil
		lw0, err := ForwardLogWeights(p, &Settings{Grid: grid, Seed: 3}, samples)
		require.NoError(t, err)
		assert.Greater(t, Estimate(lw0).ELBO, logZ)
	})
	t.Run("bridge-law", func(t *testing.T) {
		// The telescoping above holds for any path, so it does not test the
		// bridge's law. This does: with γ = p_ref,T (Z = 1) the target
		// samples and their bridges are reference paths, and then
		// 1/w_f = dP_u/dP_ref along them, whose mean is 1 for any control
		// (here u = 0.6x − 0.3, which depends on every bridge state). A
		// wrong bridge mean or variance moves the mean away from 1; we
		// require it within 4 SE (N = 20000), for the VP reference with
		// a Gaussian start and for Brownian motion.
		for _, ref := range []Reference{
			{Space: manifold.NewEuclidean(2), Sigma: LinearBeta{Min: 0.1, Max: 4}, OUVariance: 1, Start: []float64{1, -0.5}, StartVariance: 0.3},
			{Space: manifold.NewEuclidean(2), Sigma: Constant{S: 1.2}, Start: []float64{0.5, 0}},
		} {
			grid := UniformGrid(6, 0, 1)
			lp, err := ref.Marginal(0, 1)
			require.NoError(t, err)
			g := lp.(isoGaussian)
			gm, err := NewGaussianMixture([]float64{1}, g.mean, []float64{g.v}, 0)
			require.NoError(t, err)
			const N = 20000
			samples := make([]float64, 2*N)
			for i := 0; i < N; i++ {
				gm.Rand(samples[2*i:2*i+2], rng)
			}
			ctrl := ControlFunc{Dim: 2, F: func(dst []float64, tt float64, x []float64) {
				dst[0], dst[1] = 0.6*x[0]-0.3, 0.6*x[1]-0.3
			}}
			lw, err := ForwardLogWeights(Problem{Reference: ref, Control: ctrl, Target: gm}, &Settings{Grid: grid, Seed: 5}, samples)
			require.NoError(t, err)
			var m, m2 float64
			for _, l := range lw {
				v := math.Exp(-l)
				m += v / N
				m2 += v * v / N
			}
			se := math.Sqrt((m2 - m*m) / N)
			assert.InDelta(t, 1, m, 4*se, "E[dP_u/dP_ref] = %v ± %v", m, se)
		}
	})
}

func TestMCFollmer(t *testing.T) {
	gm, err := NewGaussianMixture([]float64{0.3, 0.7}, []float64{-2, 1, 2, -1}, []float64{0.3, 0.5}, 1.5)
	require.NoError(t, err)
	exact := NewFollmer(gm, nil, 1)
	// The estimator's error at fixed points shrinks as K grows (Monte Carlo
	// rate K^{-1/2}): errors at K = 16 → 4096 must fall by more than 4×.
	pts := []float64{0, 0, 1, 1, -1.5, 0.5, 2, -1}
	tt := 0.3
	want := make([]float64, len(pts))
	exact.Control(want, tt, pts)
	errAt := func(K int) float64 {
		mc := NewMCFollmer(gm, 2, nil, 1, K, newRand(uint64(K)))
		got := make([]float64, len(pts))
		mc.Control(got, tt, pts)
		var e float64
		for i := range got {
			e += (got[i] - want[i]) * (got[i] - want[i])
		}
		return math.Sqrt(e)
	}
	e16, e4096 := errAt(16), errAt(4096)
	assert.Less(t, e4096, e16/4, "errors %v, %v", e16, e4096)
	assert.Less(t, e4096, 0.1)

	// As a sampler: weights stay unbiased (log Ẑ within 4 SE) and the ESS
	// is far above the zero control's.
	s := &Settings{Grid: UniformGrid(25, 0, 1), Particles: 1000, Seed: 3}
	p := Problem{Reference: Reference{Space: manifold.NewEuclidean(2)}, Control: NewMCFollmer(gm, 2, nil, 1, 32, newRand(1)), Target: gm}
	r, err := Simulate(p, s, nil)
	require.NoError(t, err)
	p.Control = nil
	r0, err := Simulate(p, s, nil)
	require.NoError(t, err)
	assert.InDelta(t, 1.5, r.Estimates.LogZ, 4*r.Estimates.LogZStdErr+0.01)
	assert.Greater(t, r.Estimates.ESS, 0.5)
	assert.Greater(t, r.Estimates.ESS, 2*r0.Estimates.ESS)
	t.Logf("MC Föllmer K=32: ESS/N %.3f, log Ẑ − log Z %.4f ± %.4f; zero control ESS/N %.3f",
		r.Estimates.ESS, r.Estimates.LogZ-1.5, r.Estimates.LogZStdErr, r0.Estimates.ESS)
}

func TestEstimate(t *testing.T) {
	// Equal weights: ESS/N = 1, log Ẑ = ELBO = the common value.
	e := Estimate([]float64{2, 2, 2, 2})
	assert.InDelta(t, 2, e.LogZ, 1e-15)
	assert.InDelta(t, 1, e.ESS, 1e-15)
	assert.InDelta(t, 0, e.LogZStdErr, 1e-7)
	// Weights (1, 3): Ẑ = 2, ESS/N = 16/(2·10) = 0.8, ELBO = log(3)/2.
	e = Estimate([]float64{0, math.Log(3)})
	assert.InDelta(t, math.Log(2), e.LogZ, 1e-15)
	assert.InDelta(t, 0.8, e.ESS, 1e-15)
	assert.InDelta(t, math.Log(3)/2, e.ELBO, 1e-15)
	// Large values do not overflow.
	e = Estimate([]float64{1000, 1000})
	assert.InDelta(t, 1000, e.LogZ, 1e-12)
}

type atomicInt = atomic.Int64

// tiltedVPOracle returns the problem of TestOracleExactForTiltedVP (see
// there): the VP reference from x₀ on an 8-step grid, the target
// γ = Z·N(m_T + v_T b, v_T I) and its optimal discrete control for the
// Exact scheme, with the grid, the target and log Z.
func tiltedVPOracle(t *testing.T) (Problem, []float64, *GaussianMixture, float64) {
	t.Helper()
	sch := LinearBeta{Min: 0.1, Max: 4}
	x0 := []float64{1, -0.5}
	b := []float64{0.7, 1.2}
	const n, logZ = 8, -0.4
	nuT := sch.Integral(1)
	aT := math.Exp(-nuT / 2)
	vT := 1 - aT*aT
	mean := []float64{aT*x0[0] + vT*b[0], aT*x0[1] + vT*b[1]}
	gm, err := NewGaussianMixture([]float64{1}, mean, []float64{vT}, logZ)
	require.NoError(t, err)
	grid := UniformGrid(n, 0, 1)
	ctrl := ControlFunc{Dim: 2, F: func(dst []float64, tt float64, x []float64) {
		k := int(math.Round(tt * n))
		dnu := sch.Integral(grid[k+1]) - sch.Integral(grid[k])
		c := -math.Expm1(-dnu)
		A := math.Exp(-(nuT - sch.Integral(grid[k+1])) / 2)
		f := math.Sqrt(c/(grid[k+1]-grid[k])) * A
		dst[0], dst[1] = f*b[0], f*b[1]
	}}
	p := Problem{Reference: Reference{Space: manifold.NewEuclidean(2), Sigma: sch, OUVariance: 1, Start: x0}, Control: ctrl, Target: gm}
	return p, grid, gm, logZ
}

func TestOracleExactForTiltedVP(t *testing.T) {
	// VP reference dX = −½β X dt + √β dW (linear β, OUVariance 1) from a
	// fixed x₀, exact exponential steps X' = aX + √c(u√Δt + ξ). For the
	// target γ = Z·N(m_T + v_T b, v_T I), i.e. the reference marginal
	// N(m_T, v_T I) tilted by exp(b·x), the optimal discrete kernel is
	// N(a x + c A_{k+1} b, c I) with A(t) = exp(−(ν(T) − ν(t))/2), a mean
	// shift of the reference kernel: u_k = √(c_k/Δt) A(t_{k+1}) b. With it
	// every path weight is Z to rounding, which checks the discrete
	// transition-density ratio of the Exact scheme (soc.md) at a coarse
	// grid (8 steps).
	const zeroVarTol = 1e-9
	p, grid, _, logZ := tiltedVPOracle(t)
	r, err := Simulate(p, &Settings{Grid: grid, Particles: 300, Seed: 9}, Exact{})
	require.NoError(t, err)
	for i, lw := range r.LogWeight {
		require.InDelta(t, logZ, lw, zeroVarTol, "particle %d", i)
	}
	// The same control with Euler steps is not the optimal Euler kernel:
	// the weights are no longer constant.
	r, err = Simulate(p, &Settings{Grid: grid, Particles: 300, Seed: 9}, EulerMaruyama{})
	require.NoError(t, err)
	assert.Greater(t, logWeightVar(r.LogWeight), 1e-6)
}

// nanTarget has log γ(x) = NaN for x₁ > 0 and −Inf otherwise.
type nanTarget struct{}

func (nanTarget) LogDensity(x []float64) float64 {
	if x[0] > 0 {
		return math.NaN()
	}
	return math.Inf(-1)
}

func (n nanTarget) GradLogDensity(dst, x []float64) float64 {
	dst[0] = 0
	return n.LogDensity(x)
}

func TestInfiniteNoiseRejected(t *testing.T) {
	// The cosine schedule's ∫σ² diverges at t = 1: a Brownian reference
	// on a grid ending there has infinite noise and must be refused rather
	// than produce NaN.
	p := Problem{Reference: Reference{Space: manifold.NewEuclidean(1), Sigma: Cosine{Offset: 0.008}}}
	_, err := Simulate(p, &Settings{Grid: UniformGrid(10, 0, 1), Particles: 4}, nil)
	require.ErrorIs(t, err, ErrProblem)
	_, err = Simulate(p, &Settings{Grid: UniformGrid(10, 0, 0.9), Particles: 4}, nil)
	require.NoError(t, err)
}
