package controlsde

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/manifold"
)

// sphereAngleCDF tabulates the CDF of θ = dist(x₀, X_t) for Brownian motion
// on S^{d−1}: density Vol(S^{d−2}) p_t(θ) sin^{d−2}θ on [0, π] with p_t from
// manifold.SphereHeatZonal, integrated by the trapezoid rule on 20000
// cells (error O(1e-8) against the 1e-2 resolution of the KS tests). It
// returns the CDF by linear interpolation and the total mass.
func sphereAngleCDF(d int, t float64) (func(float64) float64, float64) {
	const n = 20000
	lg, _ := math.Lgamma(float64(d-1) / 2)
	logVol := math.Ln2 + float64(d-1)/2*math.Log(math.Pi) - lg
	dens := func(th float64) float64 {
		if th <= 0 || th >= math.Pi {
			return 0
		}
		lp, _ := manifold.SphereHeatZonal(d, t, th)
		return math.Exp(logVol + lp + float64(d-2)*math.Log(math.Sin(th)))
	}
	return tabulatedCDF(dens, n)
}

// tabulatedCDF integrates the density dens on [0, π] by the trapezoid rule
// on n cells and returns the CDF by linear interpolation (0 below 0, 1
// above π) and the total mass.
func tabulatedCDF(dens func(float64) float64, n int) (func(float64) float64, float64) {
	h := math.Pi / float64(n)
	cum := make([]float64, n+1)
	prev := dens(0)
	for i := 1; i <= n; i++ {
		cur := dens(float64(i) * h)
		cum[i] = cum[i-1] + 0.5*h*(prev+cur)
		prev = cur
	}
	mass := cum[n]
	return func(th float64) float64 {
		if th <= 0 {
			return 0
		}
		f := th / h
		i := int(f)
		if i >= n {
			return 1
		}
		return (cum[i] + (f-float64(i))*(cum[i+1]-cum[i])) / mass
	}, mass
}

func TestBrownianSphereHeatKernel(t *testing.T) {
	// Brownian motion on S² and S⁴ from x₀ to T = 0.7: the angle
	// θ = dist(x₀, X_T) must follow the heat kernel's angle law (KS at
	// level ksAlpha, N = 4000: critical value 0.031). Exact (heat-kernel
	// steps) with 3 steps; geodesic and projected Euler–Maruyama with 100
	// steps, whose O(Δt) bias in the angle CDF (about 0.005 here, from the
	// moment error of TestBrownianSphereMoments) is well below the KS
	// resolution.
	const N, T = 4000, 0.7
	for _, d := range []int{3, 5} {
		sp := manifold.NewSphere(d)
		x0 := make([]float64, d)
		x0[d-1] = 1
		cdf, mass := sphereAngleCDF(d, T)
		require.InDelta(t, 1, mass, 1e-6, "heat kernel normalisation on S^%d", d-1)
		for _, tc := range []struct {
			m     Method
			steps int
		}{{Exact{}, 3}, {EulerMaruyama{}, 100}, {ProjectedEM{}, 100}} {
			r, err := Simulate(Problem{Reference: Reference{Space: sp, Start: x0}},
				&Settings{Grid: UniformGrid(tc.steps, 0, T), Particles: N, Seed: 51}, tc.m)
			require.NoError(t, err)
			th := make([]float64, N)
			for i := range th {
				th[i] = sp.Dist(x0, r.X[i*d:(i+1)*d])
			}
			dks, crit := ksStat(th, cdf)
			assert.Less(t, dks, crit, "S^%d %T", d-1, tc.m)
			t.Logf("S^%d %T: KS %.4f (critical %.4f)", d-1, tc.m, dks, crit)
		}
	}
}

// logTiltZ returns log ∫_{S²} exp(κ μ·x) dx = log(4π sinh κ / κ).
func logTiltZ(kappa float64) float64 {
	return math.Log(4*math.Pi) + kappa + math.Log(-math.Expm1(-2*kappa)/2) - math.Log(kappa)
}

func TestSphereWeightsExact(t *testing.T) {
	// Brownian reference on S² from x₀, target γ(x) = exp(κ μ·x) with
	// Z = 4π sinh κ/κ. With exact heat-kernel steps and no control the
	// weight γ/p_ref,T is plain importance sampling against the exact
	// marginal (manifold.SphereHeat), so log Ẑ is within 4 SE of log Z.
	sp := manifold.NewSphere(3)
	x0 := []float64{0, 0, 1}
	tgt := tiltTarget{mu: []float64{1, 0, 0}, kappa: 1.5}
	p := Problem{Reference: Reference{Space: sp, Start: x0}, Target: tgt}
	r, err := Simulate(p, &Settings{Grid: UniformGrid(4, 0, 1.2), Particles: 20000, Seed: 61}, Exact{})
	require.NoError(t, err)
	assert.InDelta(t, logTiltZ(1.5), r.Estimates.LogZ, 4*r.Estimates.LogZStdErr)
	// From the uniform law (Start nil) the marginal is uniform at all times.
	p.Reference.Start = nil
	r, err = Simulate(p, &Settings{Grid: UniformGrid(4, 0, 1.2), Particles: 20000, Seed: 62}, Exact{})
	require.NoError(t, err)
	assert.InDelta(t, logTiltZ(1.5), r.Estimates.LogZ, 4*r.Estimates.LogZStdErr)
}
