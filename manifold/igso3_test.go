package manifold

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
)

// igso3GL holds the 16-point Gauss–Legendre rule on [0, 1] used by the
// reference quadratures of these tests (exact for polynomials of degree 31).
var igso3GLx, igso3GLw = func() ([]float64, []float64) {
	x, w := make([]float64, 16), make([]float64, 16)
	quad.Legendre{}.FixedLocations(x, w, 0, 1)
	return x, w
}()

// igso3Quad integrates f over [a, b] by the 16-point Gauss–Legendre rule on
// n equal panels.
func igso3Quad(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	var s float64
	for i := 0; i < n; i++ {
		lo := a + float64(i)*h
		for k, x := range igso3GLx {
			s += igso3GLw[k] * f(lo+x*h)
		}
	}
	return s * h
}

// igso3AngleIntegral integrates f over [0, b] with panels concentrated where
// the IGSO(3) angle law of time t lives: 400 panels on [0, min(b, 30√t)]
// (width ≤ √t/13, where the integrand varies on the scale √t) and 200 on the
// rest.
func igso3AngleIntegral(f func(float64) float64, b, t float64) float64 {
	m := math.Min(b, 30*math.Sqrt(t))
	s := igso3Quad(f, 0, m, 400)
	if b > m {
		s += igso3Quad(f, m, b, 200)
	}
	return s
}

// igso3SeriesRef returns f(ω, t) by the character series
// Σ_{l≤L} (2l+1) e^{−l(l+1)t/2} sin((l+½)ω)/sin(ω/2), written directly
// (ω > 0) as an independent reference; at ω = 0 it uses χ_l(0) = 2l+1.
func igso3SeriesRef(w, t float64, L int) float64 {
	var f float64
	for l := 0; l <= L; l++ {
		fl := float64(l)
		var chi float64
		if w == 0 {
			chi = 2*fl + 1
		} else {
			chi = math.Sin((fl+0.5)*w) / math.Sin(w/2)
		}
		f += (2*fl + 1) * math.Exp(-fl*(fl+1)*t/2) * chi
	}
	return f
}

func igso3Identity() []float64 { return []float64{1, 0, 0, 0, 1, 0, 0, 0, 1} }

func igso3New(t *testing.T, r0 []float64, time float64) *IGSO3 {
	t.Helper()
	d, err := NewIGSO3(r0, time)
	require.NoError(t, err)
	return d
}

// igso3RandMean returns a random mean rotation.
func igso3RandMean(seed uint64) []float64 {
	r := make([]float64, 9)
	SO3{}.Rand(r, newRand(seed))
	return r
}

func TestIGSO3ClosedFormVsSeries(t *testing.T) {
	// Where both converge (t ∈ [0.25, 1]), the image sum must match the
	// character series (200 terms: the first omitted one is below e^{−5000}).
	// Tolerance: 1e-13 relative plus the float64 rounding of the series
	// itself, about 1e-16·Σ|terms| ≤ 1e-15·f(0) absolute (the series, not
	// the closed form, is the inaccurate one where f ≪ f(0); see
	// TestIGSO3Reference for 50-digit values).
	for _, tt := range []float64{0.25, 0.5, 1} {
		d := igso3New(t, igso3Identity(), tt)
		require.False(t, d.series)
		f0 := igso3SeriesRef(0, tt, 200)
		for _, w := range []float64{0, 1e-3, 0.1, 0.7, 1.5, 2.5, 3, math.Pi - 1e-6, math.Pi} {
			want := igso3SeriesRef(w, tt, 200)
			got := math.Exp(d.LogKernel(w))
			require.InDelta(t, want, got, 1e-13*want+1e-15*f0, "t=%g ω=%g: closed %.17g series %.17g", tt, w, got, want)
		}
	}
	// At ω = 0 the series has positive terms only, so it is accurate for
	// every t given enough terms (l ≤ √(90/t)·1.5): checks the closed form
	// for very peaked laws.
	for _, tt := range []float64{1e-6, 1e-4, 1e-3, 0.01, 0.1} {
		d := igso3New(t, igso3Identity(), tt)
		L := int(1.5*math.Sqrt(90/tt)) + 10
		want := igso3SeriesRef(0, tt, L)
		require.InDelta(t, 1, math.Exp(d.LogKernel(0))/want, 1e-12, "f(0, %g)", tt)
	}
}

func TestIGSO3SeriesTerms(t *testing.T) {
	// For t > 1 the series is cut at L = min{l : l(l+1)t/2 ≥ 45}; compare
	// with 60 terms. Also continuity across the switch at t = 1.
	for _, tt := range []float64{1 + 1e-9, 1.5, 2, 5, 50, 1e3} {
		d := igso3New(t, igso3Identity(), tt)
		require.True(t, d.series)
		require.LessOrEqual(t, d.nl, igso3MaxL)
		for _, w := range []float64{0, 1e-7, 0.3, 1, 2, 3, math.Pi} {
			want := igso3SeriesRef(w, tt, 60)
			if w == 1e-7 {
				want = igso3SeriesRef(0, tt, 60) // rounding of the ratio form
			}
			got := math.Exp(d.LogKernel(w))
			require.InDelta(t, 1, got/want, 1e-14, "t=%g ω=%g", tt, w)
		}
	}
	lo := igso3New(t, igso3Identity(), 1)
	hi := igso3New(t, igso3Identity(), math.Nextafter(1, 2))
	for _, w := range []float64{0, 1, math.Pi} {
		require.InDelta(t, lo.LogKernel(w), hi.LogKernel(w), 1e-13, "continuity at t=1, ω=%g", w)
		_, g0 := lo.logKernel(w, true)
		_, g1 := hi.logKernel(w, true)
		require.InDelta(t, g0, g1, 1e-12, "derivative continuity at t=1, ω=%g", w)
	}
}

func TestIGSO3DerivativeVsFD(t *testing.T) {
	// (∂_ω log f)/ω against a Richardson-extrapolated central difference of
	// LogKernel in ω (step 1e-4, error O(h⁴) ≈ 1e-13 times the 5th
	// derivative), on both branches, at small, medium and near-π angles.
	for _, tt := range []float64{0.02, 0.3, 1, 1.2, 5} {
		d := igso3New(t, igso3Identity(), tt)
		for _, w := range []float64{1e-3, 0.05, 0.4, 1.3, 2.6, math.Pi - 1e-3} {
			h := 1e-4 * math.Min(1, math.Sqrt(tt))
			f := d.LogKernel
			d1 := (f(w+h) - f(w-h)) / (2 * h)
			d2 := (f(w+2*h) - f(w-2*h)) / (4 * h)
			want := (4*d1 - d2) / 3
			_, g := d.logKernel(w, true)
			require.InDelta(t, want, g*w, 1e-7*(1+math.Abs(want)), "t=%g ω=%g", tt, w)
		}
		// Limits at ω = 0: finite (∂_ω log f)/ω, continuous.
		_, g0 := d.logKernel(0, true)
		_, g1 := d.logKernel(1e-9, true)
		require.False(t, math.IsNaN(g0) || math.IsInf(g0, 0))
		require.InDelta(t, g0, g1, 1e-9*math.Abs(g0))
	}
	// Series expansions of q and ψ agree with the closed forms at their
	// switch points.
	// The closed form of q loses ~3 digits at ω = 0.1 (1/ω² = 100 vs q ≈ 1/12).
	w := math.Nextafter(0.1, 0) // last argument of the q series
	require.InDelta(t, 1, igso3Q(w)/((1/w-0.5/math.Tan(w/2))/w), 1e-12)
	y := math.Nextafter(1, 0) // last argument of the ψ series
	require.InDelta(t, 1, igso3Psi(y, math.Exp(-y))/((0.5*y*(1+math.Exp(-y))+math.Expm1(-y))/(y*y*y)), 1e-14)
}

func TestIGSO3Normalisation(t *testing.T) {
	// ∫₀^π f(ω,t)(1 − cos ω)/π dω = 1 by composite Gauss–Legendre, to 1e-8
	// (the quadrature itself is accurate to ~1e-14).
	for _, tt := range []float64{1e-4, 1e-3, 0.01, 0.1, 1, 5, 50} {
		d := igso3New(t, igso3Identity(), tt)
		got := igso3AngleIntegral(d.AngleProb, math.Pi, tt)
		require.InDelta(t, 1, got, 1e-8, "t=%g", tt)
		require.InDelta(t, 1, d.mass, 1e-10, "sampler grid mass t=%g", tt)
	}
}

func TestIGSO3LogProbIntegratesToOne(t *testing.T) {
	// A class function h(angle) integrates over SO(3) as
	// ∫ h dV = 8π² ∫₀^π h(ω)(1 − cos ω)/π dω (Weyl integration formula with
	// Vol = 8π²). LogProb is evaluated on actual matrices R₀·Exp(ω n) with a
	// random axis per node, so the angle extraction and the 8π² are tested.
	g := SO3{}
	rng := newRand(20)
	n, r := make([]float64, 3), make([]float64, 9)
	for _, tt := range []float64{1e-3, 0.01, 0.1, 1, 5, 50} {
		r0 := igso3RandMean(21)
		d := igso3New(t, r0, tt)
		h := func(w float64) float64 {
			so3RandAxis(n, rng)
			for i := range n {
				n[i] *= w
			}
			g.ExpBody(r, r0, n)
			return 8 * math.Pi * math.Pi * math.Exp(d.LogProb(r)) * (1 - math.Cos(w)) / math.Pi
		}
		require.InDelta(t, 1, igso3AngleIntegral(h, math.Pi, tt), 1e-8, "t=%g", tt)
	}
	// Independent Monte Carlo check without the reduction:
	// E_Haar[8π² p(U)] = ∫ p dV = 1 (t = 1: Var = Σ(2l+1)²e^{−l(l+1)} − 1 ≈ 1.3).
	for _, tt := range []float64{1, 5} {
		d := igso3New(t, igso3RandMean(22), tt)
		s := make([]float64, 20000)
		for i := range s {
			g.Rand(r, rng)
			s[i] = 8 * math.Pi * math.Pi * math.Exp(d.LogProb(r))
		}
		requireMean(t, s, 1, "E_Haar[8π² p]")
	}
}

func TestIGSO3Extremes(t *testing.T) {
	// Very peaked (t = 1e-4): finite log density and score at the cut
	// locus, value at R₀ from the Gaussian limit f(0) ≈ √π ε^{−3/2} e^{ε/4}
	// (images contribute e^{−π²/ε} = 0). Nearly uniform (t = 50): p = 1/(8π²)
	// up to 3e^{−50}·3.
	g := SO3{}
	r0 := igso3RandMean(30)
	r, s := make([]float64, 9), make([]float64, 9)
	d := igso3New(t, r0, 1e-4)
	eps := 0.5e-4
	require.InDelta(t, math.Log(math.Sqrt(math.Pi))-1.5*math.Log(eps)+eps/4-math.Log(8*math.Pi*math.Pi), d.LogProb(r0), 1e-12)
	g.ExpBody(r, r0, []float64{0, 0, math.Pi})
	lp := d.LogProb(r)
	require.False(t, math.IsInf(lp, 0) || math.IsNaN(lp))
	require.InDelta(t, -math.Pi*math.Pi/(4*eps), lp, 20, "log p at π ≈ −π²/(4ε)")
	d.Score(s, r)
	for _, v := range s {
		require.False(t, math.IsInf(v, 0) || math.IsNaN(v))
	}
	u := igso3New(t, r0, 50)
	for _, w := range []float64{0, 1, math.Pi} {
		g.ExpBody(r, r0, []float64{w, 0, 0})
		require.InDelta(t, -math.Log(8*math.Pi*math.Pi), u.LogProb(r), 1e-20+10*math.Exp(-50))
	}
	// At the cut locus the score vanishes (∂_ω f(π) = 0 for the smooth class
	// function f), whichever sign the logarithm picks.
	for _, tt := range []float64{0.05, 0.5, 3} {
		dd := igso3New(t, r0, tt)
		g.ExpBody(r, r0, []float64{0, math.Pi, 0})
		dd.Score(s, r)
		require.Less(t, Norm(g, r, s), 1e-12, "score at π, t=%g", tt)
	}
	// Smallest supported t.
	tiny := igso3New(t, r0, igso3MinT)
	tiny.Rand(r, newRand(1))
	require.Less(t, g.Dist(r, r0), 1e-4)
}

func TestIGSO3ScoreFD(t *testing.T) {
	g := SO3{}
	rng := newRand(40)
	for _, tt := range []float64{1e-3, 0.05, 0.5, 1, 2, 20} {
		r0 := igso3RandMean(41)
		d := igso3New(t, r0, tt)
		var pts [][]float64
		for i := 0; i < 8; i++ {
			p := make([]float64, 9)
			d.Rand(p, rng)
			pts = append(pts, p)
		}
		// Small angles, and (for t where the FD step 1e-5 resolves the
		// curvature of log f near the cut locus, ~(π/ε)²) angles near π.
		angles := []float64{1e-6, 1e-3}
		if tt >= 0.05 {
			angles = append(angles, math.Pi/2, math.Pi-1e-3, math.Pi-1e-6)
		}
		n := make([]float64, 3)
		for _, w := range angles {
			p := make([]float64, 9)
			so3RandAxis(n, rng)
			for i := range n {
				n[i] *= w
			}
			g.ExpBody(p, r0, n)
			pts = append(pts, p)
		}
		checkScoreFD(t, d, pts, 42, scoreTol)
	}
}

// igso3IncCDF returns the exact angle CDF ω ↦ ∫₀^ω AngleProb by 16-point
// Gauss–Legendre, integrating incrementally between successive (sorted)
// arguments, the order in which ksStatistic calls it; panels are at most
// √t/10 wide, so the quadrature is exact to rounding.
func igso3IncCDF(d *IGSO3) func(float64) float64 {
	var last, acc float64
	maxw := math.Sqrt(d.t) / 10
	return func(w float64) float64 {
		if w < last {
			last, acc = 0, 0
		}
		n := int((w-last)/maxw) + 1
		acc += igso3Quad(d.AngleProb, last, w, n)
		last = w
		return acc
	}
}

func TestIGSO3SamplerKS(t *testing.T) {
	// Angle vs the exact CDF (quadrature of the density, independent of the
	// sampler's grid); axis z-component in the frame of R₀ vs uniform on
	// [−1, 1]. n = 20000: shifts of KS distance ≥ 0.028 are rejected with
	// probability ≥ 0.999 (see requireKS).
	g := SO3{}
	for i, tt := range []float64{1e-3, 0.3, 3} {
		rng := newRand(50 + uint64(i))
		r0 := igso3RandMean(51)
		d := igso3New(t, r0, tt)
		n := 20000
		ang, z := make([]float64, n), make([]float64, n)
		r, w := make([]float64, 9), make([]float64, 3)
		for k := range ang {
			d.Rand(r, rng)
			ang[k] = g.LogBody(w, r0, r)
			z[k] = w[2] / ang[k]
		}
		requireKS(t, ang, igso3IncCDF(d), "IGSO3 angle")
		requireKS(t, z, func(v float64) float64 { return (v + 1) / 2 }, "IGSO3 axis z")
	}
}

func TestIGSO3QuantileAccuracy(t *testing.T) {
	// The inverse CDF of the sampler: F(Q(u)) = u to 1e-10, F by
	// independent quadrature.
	for _, tt := range []float64{1e-4, 0.05, 1, 50} {
		d := igso3New(t, igso3Identity(), tt)
		cdf := igso3IncCDF(d)
		var worst float64
		for k := 0; k < 500; k++ {
			u := (float64(k) + 0.5) / 500
			w := d.angleQuantile(u)
			worst = math.Max(worst, math.Abs(cdf(w)-u))
		}
		require.Less(t, worst, 1e-10, "t=%g", tt)
	}
}

func TestIGSO3Moments(t *testing.T) {
	// Exact moments of Brownian motion with generator ½Δ (eigenvalue
	// −l(l+1)/2 on characters): E χ_l(R₀ᵀR_t) = (2l+1) e^{−l(l+1)t/2}, i.e.
	// E tr(R₀ᵀR) = 3e^{−t} and E[1 + 2cos ω + 2cos 2ω] = 5e^{−3t}.
	g := SO3{}
	for i, tt := range []float64{0.1, 1} {
		rng := newRand(60 + uint64(i))
		r0 := igso3RandMean(61)
		d := igso3New(t, r0, tt)
		n := 20000
		c1, c2 := make([]float64, n), make([]float64, n)
		r := make([]float64, 9)
		for k := 0; k < n; k++ {
			d.Rand(r, rng)
			m := so3MulTN(so3Arr(r0), so3Arr(r))
			c1[k] = m[0] + m[4] + m[8]
			w := g.Dist(r0, r)
			c2[k] = 1 + 2*math.Cos(w) + 2*math.Cos(2*w)
		}
		requireMean(t, c1, 3*math.Exp(-tt), "E tr(R₀ᵀR)")
		requireMean(t, c2, 5*math.Exp(-3*tt), "E χ₂")
	}
}

func TestIGSO3BadInput(t *testing.T) {
	for _, tt := range []float64{0, -1, math.NaN(), math.Inf(1), 1e-13} {
		_, err := NewIGSO3(igso3Identity(), tt)
		require.ErrorIs(t, err, ErrParameter, "t=%g", tt)
	}
	for _, r0 := range [][]float64{
		{1, 0, 0, 0, 1, 0, 0, 0, -1}, // reflection
		{2, 0, 0, 0, 2, 0, 0, 0, 2},  // not orthogonal
		{1, 0, 0, 0, 1, 0, 0, 0},     // wrong length
		{math.NaN(), 0, 0, 0, 1, 0, 0, 0, 1},
	} {
		_, err := NewIGSO3(r0, 1)
		require.ErrorIs(t, err, ErrNotOnManifold)
	}
	d := igso3New(t, igso3Identity(), 1)
	require.PanicsWithValue(t, "manifold: IGSO3.LogProb: dimension mismatch", func() { d.LogProb(make([]float64, 3)) })
	require.Panics(t, func() { d.Score(make([]float64, 9), make([]float64, 3)) })
	require.Panics(t, func() { d.Rand(make([]float64, 3), newRand(1)) })
	// Accessors.
	m := make([]float64, 9)
	d.Mean(m)
	require.Equal(t, igso3Identity(), m)
	require.Equal(t, 1.0, d.Time())
	require.Equal(t, SO3{}, d.Space())
	var _ Distribution = d
}

func TestIGSO3NoAllocs(t *testing.T) {
	rng := newRand(70)
	for _, tt := range []float64{0.1, 3} {
		d := igso3New(t, igso3RandMean(71), tt)
		x, s := make([]float64, 9), make([]float64, 9)
		d.Rand(x, rng)
		for name, f := range map[string]func(){
			"Rand":    func() { d.Rand(x, rng) },
			"LogProb": func() { d.LogProb(x) },
			"Score":   func() { d.Score(s, x) },
		} {
			require.Zero(t, testing.AllocsPerRun(100, f), "%s t=%g", name, tt)
		}
	}
}

func TestIGSO3Reference(t *testing.T) {
	// Reference values of log f(ω, t) and (∂_ω log f)/ω computed with
	// mpmath 1.3.0 at 60 digits: for t ≤ 1 the full image sum
	// Σ_{|k|≤12} (−1)^k (ω − 2πk) e^{−(ω−2πk)²/(4ε)} (Poisson summation of
	// the character series; agrees with the series to 25 digits at t = 0.25
	// and 1), for t > 1 the character series summed to convergence; the
	// derivative by mpmath.diff, at ω = 0 its limit (log f)''(0).
	// Tolerances: 1e-14·(1 + |log f|) (the ω²/(4ε) term alone carries
	// rounding ~1e-16·|log f|; measured ≤ 2.1e-16) and 1e-12·(1 + |g|)
	// (measured ≤ 1e-13, at t = 0.01 near π) plus 1e-15/t: near π the
	// terms ±1/(2ε) = ±1/t cancel, leaving an absolute rounding error
	// ~ε_mach/t (5.5e-12 at t = 1e-4, ω = π, where g = 0).
	ref := []struct{ t, w, lf, g float64 }{
		{1e-4, 0, 15.427608771728892155, -9999.9166666666666667},
		{1e-4, 1e-6, 15.427608766728933822, -9999.9166666666666653},
		{1e-4, 0.01, 14.92761293839903105, -9999.9166665277774471},
		{1e-4, 0.5, -1234.5619527736932085, -9999.9163173646459401},
		{1e-4, 2.5, -31234.296884989241113, -9999.9064546834509057},
		{1e-4, math.Pi - 1e-3, -49300.732205669434338, -9999.8986938852943137},
		{1e-4, math.Pi, -49331.449666789214802, 0.0},
		{0.01, 0, 8.5210909927467551033, -99.916666666666666667},
		{0.01, 1e-6, 8.5210909926967967699, -99.916666666666665278},
		{0.01, 0.01, 8.5160951594168939977, -99.916666527777447089},
		{0.01, 0.5, -3.9684705526753455427, -99.916317364645940105},
		{0.01, 2.5, -303.70340276822324975, -99.906454683450905714},
		{0.01, math.Pi - 1e-3, -483.76598886707687069, -30.339810901640467278},
		{0.01, math.Pi, -483.81439917587177566, 0.0},
		{0.25, 0, 3.7227772554444539794, -3.9166666666666666667},
		{0.25, 1e-6, 3.7227772554424956461, -3.9166666666666652778},
		{0.25, 0.01, 3.7225814221145928738, -3.9166665277774470891},
		{0.25, 0.5, 3.2332157100223533335, -3.916317364645940105},
		{0.25, 2.5, -8.5017163552366839519, -3.9064532125189477307},
		{0.25, math.Pi - 1e-3, -14.871628580925083183, -0.04653776690369459352},
		{0.25, math.Pi, -14.871701660884863084, 0.0},
		{1, 0, 1.7370859196462939225, -0.91666409819417289152},
		{1, 1e-6, 1.7370859196458355905, -0.91666409819417149305},
		{1, 0.01, 1.7370400864448804037, -0.91666395834642814232},
		{1, 0.5, 1.6225248828249282871, -0.91631145280307077118},
		{1, 2.5, -1.0858985955781359913, -0.84765634716327396574},
		{1, math.Pi - 1e-3, -2.0529830411337828973, -0.0022669552842608582117},
		{1, math.Pi, -2.0529866009306611055, -4.6120194830372242665e-71},
		{1.5, 0, 1.1914856332408143015, -0.58280772024248788519},
		{1.5, 1e-6, 1.1914856332405228976, -0.5828077202424856533},
		{1.5, 0.01, 1.1914564928603819917, -0.58280749704819822156},
		{1.5, 0.5, 1.1186709443692430518, -0.58221549271872567842},
		{1.5, 2.5, -0.5184235230553970597, -0.44149653079133660517},
		{1.5, math.Pi - 1e-3, -0.9537488780112462587, -0.00083948724098569182551},
		{1.5, math.Pi, -0.95375019625582284825, 0.0},
		{3, 0, 0.37236985658825341372, -0.21010354966958022946},
		{3, 1e-6, 0.37236985658814836194, -0.21010354966956558107},
		{3, 0.01, 0.37235935144739114186, -0.21010208481699220575},
		{3, 0.5, 0.34633915884836165445, -0.20636066987769711213},
		{3, 2.5, -0.094288537158212369529, -0.077866020978441729427},
		{3, math.Pi - 1e-3, -0.1610425083928110095, -0.00011035238055465731806},
		{3, math.Pi, -0.16104268167877757781, 0.0},
		{50, 0, 1.7358748631675260047e-21, -1.1572499087783506698e-21},
		{50, 1e-6, 1.7358748631669473798e-21, -1.1572499087781577948e-21},
		{50, 0.01, 1.7358170011542729419e-21, -1.1572306213763082934e-21},
		{50, 0.5, 1.5942072940822804416e-21, -1.1096303216314511192e-21},
		{50, 2.5, -3.4849842162087174604e-22, -2.7703273366827503576e-22},
		{50, math.Pi - 1e-3, -5.7862437576426916447e-22, -3.6848131660137578757e-25},
		{50, math.Pi, -5.7862495438917533491e-22, 0.0},
	}
	for _, r := range ref {
		d := igso3New(t, igso3Identity(), r.t)
		lf, g := d.logKernel(r.w, true)
		require.InDelta(t, r.lf, lf, 1e-14*(1+math.Abs(r.lf)), "log f, t=%g ω=%g", r.t, r.w)
		require.InDelta(t, r.g, g, 1e-12*(1+math.Abs(r.g))+1e-15/r.t, "(∂ log f)/ω, t=%g ω=%g", r.t, r.w)
		require.Equal(t, lf, d.LogKernel(r.w), "LogKernel")
	}
}
