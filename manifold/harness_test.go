package manifold

// Shared test harness: the identities of ../shared/reference/manifolds.md
// that every manifold must satisfy, a finite-difference check of scores, and
// goodness-of-fit helpers with stated power.

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
)

const (
	// exactTol bounds errors of maps that are exact in exact arithmetic,
	// on points and tangent vectors of size O(1): a few hundred ulps.
	exactTol = 1e-10
	// tinyStep is the length of the "tiny" tangent vectors. Ambient
	// rounding of size ε_mach ≈ 1e-16 becomes a relative error ε/|v|, so
	// tinyTol = 1e-6 leaves a margin of 10× over the 1e-7 floor.
	tinyStep = 1e-9
	tinyTol  = 1e-6
	// scoreTol bounds |⟨score, v⟩ − d/dε log p(exp_x(εv))| relative to
	// 1 + |value|; central differences with step 1e-5 have truncation
	// error O(1e-10) and rounding O(1e-11) for smooth log densities of
	// size O(1..100).
	scoreTol = 1e-6
	// ksAlpha is the level of every Kolmogorov–Smirnov test; the critical
	// value is √(−ln(α/2)/2)/√n (asymptotic Kolmogorov distribution).
	ksAlpha = 1e-3
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// geometryCase describes how to exercise one manifold.
type geometryCase struct {
	name string
	m    Manifold
	// inj is a radius below the injectivity radius: random tangent vectors
	// are scaled to lengths in (0, inj).
	inj float64
	// point draws a point; nil means m.Rand.
	point func(dst []float64, rng *rand.Rand)
}

func (c geometryCase) draw(dst []float64, rng *rand.Rand) {
	if c.point != nil {
		c.point(dst, rng)
		return
	}
	c.m.Rand(dst, rng)
}

// randTangentLen writes a tangent vector at x with Riemannian length r.
func randTangentLen(m Manifold, dst, x []float64, r float64, rng *rand.Rand) {
	for {
		RandTangent(m, dst, x, rng)
		n := Norm(m, x, dst)
		if n > 1e-8 {
			for i := range dst {
				dst[i] *= r / n
			}
			return
		}
	}
}

// checkGeometry tests the identities every manifold must satisfy on n
// random configurations:
//
//	exp_x(v) ∈ M, log_x(y) ∈ T_xM, exp_x(log_x(y)) = y,
//	log_x(exp_x(v)) = v for |v| below the injectivity radius,
//	dist(x, y) = |log_x(y)|, symmetric, triangle inequality,
//	parallel transport preserves inner products,
//
// plus tiny tangent vectors (|v| = 1e-9) where series replace closed forms.
func checkGeometry(t *testing.T, c geometryCase, n int, seed uint64) {
	t.Helper()
	m := c.m
	d := m.AmbientDim()
	rng := newRand(seed)
	x, y, z := make([]float64, d), make([]float64, d), make([]float64, d)
	v, w, l, e, pt, u, tu := make([]float64, d), make([]float64, d), make([]float64, d),
		make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	for it := 0; it < n; it++ {
		c.draw(x, rng)
		c.draw(y, rng)
		c.draw(z, rng)
		require.Less(t, m.Residual(x), exactTol, "Rand point off manifold")

		// exp/log round trip from a tangent vector.
		r := c.inj * (0.01 + 0.98*rng.Float64())
		randTangentLen(m, v, x, r, rng)
		m.ProjectTangent(pt, x, v)
		requireClose(t, v, pt, exactTol, "ProjectTangent of a tangent vector")
		m.Exp(e, x, v)
		require.Less(t, m.Residual(e), exactTol, "exp_x(v) off manifold")
		require.InDelta(t, r, m.Dist(x, e), exactTol, "dist(x, exp_x(v)) = |v|")
		m.Log(l, x, e)
		requireClose(t, v, l, exactTol, "log_x(exp_x(v)) = v")

		// log/exp round trip from a point.
		m.Log(l, x, y)
		m.ProjectTangent(pt, x, l)
		requireClose(t, l, pt, exactTol, "log_x(y) ∈ T_xM")
		m.Exp(e, x, l)
		require.Less(t, m.Dist(e, y), exactTol, "exp_x(log_x(y)) = y")
		dxy := m.Dist(x, y)
		require.InDelta(t, dxy, Norm(m, x, l), exactTol, "dist = |log|")
		require.InDelta(t, dxy, m.Dist(y, x), exactTol, "dist symmetric")
		require.LessOrEqual(t, dxy, m.Dist(x, z)+m.Dist(z, y)+exactTol, "triangle inequality")

		// Parallel transport along the geodesic x → exp_x(v).
		RandTangent(m, u, x, rng)
		RandTangent(m, w, x, rng)
		m.Exp(e, x, v)
		m.Transport(tu, x, e, u)
		m.Transport(pt, x, e, w)
		m.ProjectTangent(l, e, tu)
		requireClose(t, tu, l, exactTol, "transport lands in T_yM")
		require.InDelta(t, m.Inner(x, u, w), m.Inner(e, tu, pt), exactTol*(1+Norm(m, x, u)*Norm(m, x, w)), "transport preserves ⟨u,w⟩")

		// Tiny tangent vectors.
		randTangentLen(m, v, x, tinyStep, rng)
		m.Exp(e, x, v)
		require.InDelta(t, tinyStep, m.Dist(x, e), tinyTol*tinyStep, "dist(x, exp_x(tiny v))")
		m.Log(l, x, e)
		for i := range v {
			require.InDelta(t, v[i], l[i], tinyTol*tinyStep, "log_x(exp_x(tiny v)) = v")
		}
	}
}

func requireClose(t *testing.T, want, got []float64, tol float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		if !(math.Abs(want[i]-got[i]) <= tol*(1+math.Abs(want[i]))) {
			t.Fatalf("%s: component %d: want %.17g, got %.17g (tol %g)\nwant %v\ngot  %v", msg, i, want[i], got[i], tol, want, got)
		}
	}
}

// checkScoreFD checks that Score is the Riemannian gradient of LogProb: for
// random unit tangent directions v at each point x,
//
//	⟨score(x), v⟩_x = d/dε log p(exp_x(εv)) at ε = 0,
//
// the right-hand side by a central finite difference (gonum diff/fd).
func checkScoreFD(t *testing.T, dist Distribution, points [][]float64, seed uint64, tol float64) {
	t.Helper()
	m := dist.Space()
	d := m.AmbientDim()
	rng := newRand(seed)
	s, v, e, pt := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
	for _, x := range points {
		dist.Score(s, x)
		m.ProjectTangent(pt, x, s)
		requireClose(t, s, pt, 1e-9, "score is tangent")
		for k := 0; k < 3; k++ {
			randTangentLen(m, v, x, 1, rng)
			f := func(eps float64) float64 {
				ve := make([]float64, d)
				for i := range ve {
					ve[i] = eps * v[i]
				}
				m.Exp(e, x, ve)
				return dist.LogProb(e)
			}
			want := fd.Derivative(f, 0, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			got := m.Inner(x, s, v)
			require.InDelta(t, want, got, tol*(1+math.Abs(want)), "score·v vs finite difference at %v", x)
		}
	}
}

// ksStatistic returns the Kolmogorov–Smirnov statistic sup|F_n − F| of the
// samples (sorted in place) against the CDF.
func ksStatistic(samples []float64, cdf func(float64) float64) float64 {
	sort.Float64s(samples)
	n := float64(len(samples))
	var dmax float64
	for i, s := range samples {
		f := cdf(s)
		dmax = math.Max(dmax, math.Max(f-float64(i)/n, float64(i+1)/n-f))
	}
	return dmax
}

// requireKS fails if the samples reject the CDF at level ksAlpha.
//
// Power: by the Dvoretzky–Kiefer–Wolfowitz inequality the empirical CDF is
// within √(ln(2/β)/2n) of the true law with probability 1−β, so a sampler
// whose law is at KS distance Δ ≥ 2·1.95/√n from the claimed one is
// rejected with probability ≥ 0.999 (n = 20000: Δ ≥ 0.028).
func requireKS(t *testing.T, samples []float64, cdf func(float64) float64, msg string) {
	t.Helper()
	crit := math.Sqrt(-math.Log(ksAlpha/2)/2) / math.Sqrt(float64(len(samples)))
	ks := ksStatistic(samples, cdf)
	require.Less(t, ks, crit, "%s: KS statistic %.4g over critical %.4g (n=%d)", msg, ks, crit, len(samples))
}

// requireMean fails unless the sample mean is within k standard errors of
// want (k = 4: a false alarm has probability 6e-5 for a normal mean).
func requireMean(t *testing.T, samples []float64, want float64, msg string) {
	t.Helper()
	n := float64(len(samples))
	var mean, m2 float64
	for _, s := range samples {
		mean += s
	}
	mean /= n
	for _, s := range samples {
		m2 += (s - mean) * (s - mean)
	}
	se := math.Sqrt(m2 / (n - 1) / n)
	require.InDelta(t, want, mean, 4*se+1e-12, "%s: mean %.6g, want %.6g (se %.2g)", msg, mean, want, se)
}
