package manifold

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// wrappedTimes spans the range the kernel must handle, with points on both
// sides of the switch wrappedSwitchT = 2.5.
var wrappedTimes = []float64{1e-6, 1e-4, 1e-2, 0.3, 1, 2.4, 2.5, 2.6, 5, 30, 100, 1e3}

// wrappedReference returns log p_t(x) and its derivative by the direct images
// sum over |k| ≤ 200 (tail below e^{−(400π−π)²/2000} = e^{−780} relative
// for t ≤ 1000) in log-sum-exp form: an independent, unoptimised reference.
// It also returns h = ∂²_x log p = −1/t + Var(y)/t² (y = x + 2πk weighted by
// its image), the sensitivity of the score to the rounding of x.
func wrappedReference(x, t float64) (logp, score, h float64) {
	const K = 200
	m := math.Inf(-1)
	for k := -K; k <= K; k++ {
		y := x + 2*math.Pi*float64(k)
		m = math.Max(m, -y*y/(2*t))
	}
	var s, ds, d2 float64
	for k := -K; k <= K; k++ {
		y := x + 2*math.Pi*float64(k)
		e := math.Exp(-y*y/(2*t) - m)
		s += e
		ds += -y / t * e
		d2 += y * y * e
	}
	score = ds / s
	h = -1/t + (d2/s-score*score*t*t)/(t*t)
	return m + math.Log(s) - 0.5*math.Log(2*math.Pi*t), score, h
}

// wrappedGrid returns n equally spaced angles in [−π, π) plus the seam points
// −π and the largest float64 below π.
func wrappedGrid(n int) []float64 {
	g := make([]float64, 0, n+1)
	for j := 0; j < n; j++ {
		g = append(g, -math.Pi+2*math.Pi*float64(j)/float64(n))
	}
	return append(g, math.Nextafter(math.Pi, 0))
}

func TestWrappedNormalReference(t *testing.T) {
	// The optimised kernel (truncation chosen from t) against the 401-image
	// reference. Scores are compared relative to their scale π/t (near the
	// seam the score is a difference of two terms of size π/t), plus the
	// conditioning term 8e-16·π·|∂²log p|: one rounding of x (or of the
	// reference's exponents y²/2t) moves the score by up to that much, which
	// at t = 1e-6 next to the seam is 1e-9 of the scale π/t.
	const tol = 1e-13
	for _, tt := range wrappedTimes {
		t.Run(fmt.Sprint(tt), func(t *testing.T) {
			for _, x := range wrappedGrid(200) {
				lp, sc := WrappedNormalLogPDFScore(x, tt)
				rl, rs, h := wrappedReference(x, tt)
				require.InDelta(t, rl, lp, tol*(1+math.Abs(rl)), "log p at x=%g", x)
				require.InDelta(t, rs, sc, tol*(1+math.Abs(rs)+math.Pi/tt)+8e-16*math.Pi*math.Abs(h), "score at x=%g", x)
				require.Equal(t, lp, WrappedNormalLogPDF(x, tt))
				require.Equal(t, sc, WrappedNormalScore(x, tt))
				// Periodicity: x + 2π names the same angle.
				require.InDelta(t, lp, WrappedNormalLogPDF(x+2*math.Pi, tt), tol*(1+math.Abs(lp)))
			}
		})
	}
}

func TestWrappedNormalFormsAgree(t *testing.T) {
	// Around the switch both forms must be accurate: images and Fourier,
	// each with its own truncation rule, agree to 1e-13 on t ∈ [1, 8]
	// (40 log-spaced times), in log p and in the score.
	const tol = 1e-13
	for j := 0; j < 40; j++ {
		tt := math.Pow(8, float64(j)/39)
		img, fou := newWrappedImages(tt), newWrappedFourier(tt)
		for _, x := range wrappedGrid(64) {
			l1, s1 := img.eval(x)
			l2, s2 := fou.eval(x)
			require.InDelta(t, l1, l2, tol, "log p at t=%g x=%g", tt, x)
			require.InDelta(t, s1, s2, tol*(1+math.Abs(s1)), "score at t=%g x=%g", tt, x)
		}
	}
}

func TestWrappedNormalLimits(t *testing.T) {
	// t = 1e3: uniform to within e^{−500}; the Fourier series is empty.
	require.InDelta(t, -math.Log(2*math.Pi), WrappedNormalLogPDF(2, 1e3), 1e-15)
	require.Zero(t, WrappedNormalScore(2, 1e3))
	// t = 1e-6: the Gaussian density to rounding away from the seam.
	for _, x := range []float64{0, 1e-4, -2e-3, 0.5} {
		want := -x*x/2e-6 - 0.5*math.Log(2*math.Pi*1e-6)
		require.InDelta(t, want, WrappedNormalLogPDF(x, 1e-6), 1e-15*(1+math.Abs(want)))
		require.InDelta(t, -x/1e-6, WrappedNormalScore(x, 1e-6), 1e-12*(1+math.Abs(x)/1e-6))
	}
	// Symmetric score: zero at 0 and at the antipode, odd in x.
	for _, tt := range wrappedTimes {
		require.Zero(t, WrappedNormalScore(0, tt))
		require.InDelta(t, 0, WrappedNormalScore(-math.Pi, tt), 1e-13*math.Pi/tt, "t=%g", tt)
		require.InDelta(t, -WrappedNormalScore(1, tt), WrappedNormalScore(-1, tt), 1e-15*(1+1/tt))
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		require.True(t, math.IsNaN(WrappedNormalLogPDF(0, bad)), "t=%g", bad)
		require.True(t, math.IsNaN(WrappedNormalScore(0, bad)), "t=%g", bad)
	}
	require.True(t, math.IsNaN(WrappedNormalLogPDF(math.Inf(1), 1)))
}

// wrappedTrapezoid integrates f over [−π, π) with the n-node periodic trapezoid
// rule. The rule integrates e^{imx} exactly for |m| < n, so for the wrapped
// normal (Fourier coefficients q^{m²}) the error is 2Σ_{j≥1} q^{(jn)²} ≈
// 2e^{−n²t/2}: spectral accuracy (Trefethen & Weideman 2014, SIAM Rev. 56,
// Thm 3.1).
func wrappedTrapezoid(n int, f func(x float64) float64) float64 {
	h := 2 * math.Pi / float64(n)
	var s float64
	for j := 0; j < n; j++ {
		s += f(-math.Pi + h*float64(j))
	}
	return s * h
}

func TestWrappedNormalNormalises(t *testing.T) {
	// ∫ p = 1 and ∫ cos(x − x0) p = e^{−t/2} (the exact first Fourier
	// coefficient) by the periodic trapezoid rule with n = 16384 nodes:
	// aliasing error 2e^{−n²t/2} < 1e-300 for t ≥ 1e-4.
	const tol = 1e-12
	x0 := 0.3
	for _, tt := range []float64{1e-4, 0.01, 0.5, 2, 10, 100} {
		t.Run(fmt.Sprint(tt), func(t *testing.T) {
			w, err := NewWrappedNormal([]float64{x0}, tt)
			require.NoError(t, err)
			x := make([]float64, 1)
			p := func(v float64) float64 { x[0] = v; return math.Exp(w.LogProb(x)) }
			require.InDelta(t, 1, wrappedTrapezoid(16384, p), tol)
			m1 := wrappedTrapezoid(16384, func(v float64) float64 { return math.Cos(v-x0) * p(v) })
			require.InDelta(t, math.Exp(-tt/2), m1, tol)
		})
	}
	t.Run("T2 diag", func(t *testing.T) {
		// Tensor trapezoid, 512 nodes per axis: aliasing e^{−512²·0.01/2}.
		w, err := NewWrappedNormalDiag([]float64{-3, 2}, []float64{0.01, 3})
		require.NoError(t, err)
		x := make([]float64, 2)
		total := wrappedTrapezoid(512, func(a float64) float64 {
			return wrappedTrapezoid(512, func(b float64) float64 {
				x[0], x[1] = a, b
				return math.Exp(w.LogProb(x))
			})
		})
		require.InDelta(t, 1, total, tol)
	})
}

func TestWrappedNormalScoreFD(t *testing.T) {
	// Scores against central differences of LogProb along geodesics, at
	// points drawn from the law (and uniform points where the kernel is
	// smooth on the scale of the FD step 1e-5: t ≥ 0.05).
	rng := newRand(21)
	cases := []struct {
		x0, t   []float64
		uniform bool
	}{
		{[]float64{0.1, -3, 3}, []float64{1e-3, 1e-3, 1e-3}, false},
		{[]float64{0.1, -3, 3}, []float64{0.5, 2.5, 30}, true},
		{[]float64{-math.Pi, 1}, []float64{0.05, 2.6}, true},
	}
	for i, c := range cases {
		w, err := NewWrappedNormalDiag(c.x0, c.t)
		require.NoError(t, err)
		var pts [][]float64
		for j := 0; j < 30; j++ {
			x := make([]float64, len(c.x0))
			if c.uniform && j%2 == 1 {
				w.Space().Rand(x, rng)
			} else {
				w.Rand(x, rng)
			}
			pts = append(pts, x)
		}
		checkScoreFD(t, w, pts, uint64(50+i), scoreTol)
	}
}

// wrappedCDF returns P(wrap(√t Z) < x) for x ∈ [−π, π): for t ≤ 2.5 by the
// images series Σ_k Φ((x+2πk)/√t) − Φ((−π+2πk)/√t), |k| ≤ 40; for larger t
// by the integrated Fourier series (x+π)/2π + (1/π)Σ_{m≤40} q^{m²} sin(mx)/m.
func wrappedCDF(x, t float64) float64 {
	if t <= 2.5 {
		phi := func(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
		st := math.Sqrt(t)
		var s float64
		for k := -40; k <= 40; k++ {
			s += phi((x+2*math.Pi*float64(k))/st) - phi((-math.Pi+2*math.Pi*float64(k))/st)
		}
		return s
	}
	s := (x + math.Pi) / (2 * math.Pi)
	for m := 1; m <= 40; m++ {
		fm := float64(m)
		s += math.Exp(-fm*fm*t/2) * math.Sin(fm*x) / (fm * math.Pi)
	}
	return s
}

func TestWrappedNormalCDFForms(t *testing.T) {
	// The two CDF series used by the KS tests agree where both converge.
	for _, tt := range []float64{1, 2, 2.5} {
		for _, x := range wrappedGrid(50) {
			images := wrappedCDF(x, tt)
			s := (x + math.Pi) / (2 * math.Pi)
			for m := 1; m <= 60; m++ {
				f := float64(m)
				s += math.Exp(-f*f*tt/2) * math.Sin(f*x) / (f * math.Pi)
			}
			require.InDelta(t, images, s, 1e-13, "t=%g x=%g", tt, x)
		}
	}
}

func TestWrappedNormalRand(t *testing.T) {
	// Rand vs the exact CDF (KS, n = 20000, α = 1e-3: detects a KS
	// distance ≥ 0.028 with probability ≥ 0.999) and the exact moments
	// E cos(X − x0) = e^{−t/2}, E sin(X − x0) = 0 per coordinate.
	const n = 20000
	rng := newRand(33)
	x0 := []float64{2.9, -1}
	for _, tt := range []float64{1e-4, 0.5, 2, 10} {
		t.Run(fmt.Sprint(tt), func(t *testing.T) {
			w, err := NewWrappedNormalDiag(x0, []float64{tt, 2 * tt})
			require.NoError(t, err)
			d0, c0, s0, c1 := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			x := make([]float64, 2)
			for i := 0; i < n; i++ {
				w.Rand(x, rng)
				require.Zero(t, w.Space().Residual(x))
				d0[i] = TorusWrap(x[0] - x0[0])
				c0[i], s0[i] = math.Cos(x[0]-x0[0]), math.Sin(x[0]-x0[0])
				c1[i] = math.Cos(x[1] - x0[1])
			}
			requireKS(t, d0, func(v float64) float64 { return wrappedCDF(v, tt) }, "wrapped normal displacement")
			requireMean(t, c0, math.Exp(-tt/2), "E cos(X0 − x0)")
			requireMean(t, s0, 0, "E sin(X0 − x0)")
			requireMean(t, c1, math.Exp(-tt), "E cos(X1 − x0), t1 = 2t")
		})
	}
}

func TestWrappedNormalBadInput(t *testing.T) {
	for _, tt := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		_, err := NewWrappedNormal([]float64{0}, tt)
		require.ErrorIs(t, err, ErrParameter, "t=%g", tt)
		_, err = NewWrappedNormalDiag([]float64{0, 0}, []float64{1, tt})
		require.ErrorIs(t, err, ErrParameter, "t=%g", tt)
	}
	_, err := NewWrappedNormal(nil, 1)
	require.ErrorIs(t, err, ErrParameter)
	_, err = NewWrappedNormalDiag([]float64{0}, []float64{1, 1})
	require.ErrorIs(t, err, ErrParameter)
	for _, x0 := range []float64{4, -3.2, math.NaN(), math.Inf(-1)} {
		_, err = NewWrappedNormal([]float64{0, x0}, 1)
		require.ErrorIs(t, err, ErrNotOnManifold, "x0=%g", x0)
	}
	// Within tolerance of the seam: accepted and wrapped.
	w, err := NewWrappedNormal([]float64{math.Pi + 1e-12}, 1)
	require.NoError(t, err)
	require.InDelta(t, -math.Pi, w.Mean()[0], 1e-11)
	require.Equal(t, []float64{1}, w.Times())
	require.PanicsWithValue(t, "manifold: WrappedNormal.Score: dimension mismatch", func() {
		w.Score(make([]float64, 2), make([]float64, 1))
	})
}

func TestWrappedNormalAllocs(t *testing.T) {
	w, err := NewWrappedNormalDiag([]float64{0, 1, 2, 3}, []float64{0.1, 1, 3, 10})
	require.NoError(t, err)
	var d Distribution = w
	rng := newRand(1)
	x, s := make([]float64, 4), make([]float64, 4)
	d.Rand(x, rng)
	for name, f := range map[string]func(){
		"LogProb":      func() { _ = d.LogProb(x) },
		"Score":        func() { d.Score(s, x) },
		"Rand":         func() { d.Rand(s, rng) },
		"LogProbScore": func() { _ = w.LogProbScore(s, x) },
		"scalar":       func() { _, _ = WrappedNormalLogPDFScore(1, 3) },
	} {
		require.Zero(t, testing.AllocsPerRun(100, f), name)
	}
	l := w.LogProbScore(s, x)
	s2 := make([]float64, 4)
	w.Score(s2, x)
	require.Equal(t, w.LogProb(x), l)
	require.Equal(t, s2, s)
}

func ExampleWrappedNormal() {
	// Brownian motion on T² from (3, 0) after time t = 0.5.
	w, err := NewWrappedNormal([]float64{3, 0}, 0.5)
	if err != nil {
		panic(err)
	}
	x := []float64{-3, 0.2} // across the seam from the start in angle 0
	s := make([]float64, 2)
	w.Score(s, x)
	fmt.Printf("log p = %.6f\nscore = [%.6f %.6f]\n", w.LogProb(x), s[0], s[1])
	// Output:
	// log p = -1.264924
	// score = [-0.566371 -0.400000]
}

func ExampleWrappedNormalScore() {
	// The per-angle score used for torsion angles: ∂x log p_t(x).
	for _, t := range []float64{0.1, 1, 10} {
		fmt.Printf("t=%-4g score(1) = %.6f  score(π−0.1) = %.6f\n", t,
			WrappedNormalScore(1, t), WrappedNormalScore(math.Pi-0.1, t))
	}
	// Output:
	// t=0.1  score(1) = -10.000000  score(π−0.1) = -30.298810
	// t=1    score(1) = -0.999991  score(π−0.1) = -0.855723
	// t=10   score(1) = -0.011258  score(π−0.1) = -0.001364
}

func TestWrappedNormalHighPrecision(t *testing.T) {
	// Reference values from a 50-digit images sum (mpmath 1.3, mp.dps = 50,
	// |k| ≤ √(200t)/2π + 5, exact π): {x, t, log p_t(x), ∂ log p, ∂² log p}.
	// Tolerances: 1e-15 relative in log p; in the score 1e-14 relative plus
	// 1e-15·|∂² log p|, the effect of the float64 period 2·math.Pi (off by
	// 2.4e-16) and of rounding x, which matters only next to the seam
	// (x = 3.14159, t = 0.05: ∂² log p ≈ 3.9e3).
	cases := [][5]float64{
		{0.0, 1e-06, 5.9888167457774643329, 0, -1.0e+6},
		{0.001, 1e-06, 5.4888167457774642895, -1000.0000000000000661, -1.0e+6},
		{3.0, 0.0001, -44996.313768347214425, -29999.999999999998562, -10000.0},
		{-3.14, 0.01, -491.28327828711887142, 145.10481155290634808, 77494.4},
		{1.0, 0.3, -1.9836187977083714553, -3.333333333333333456, -3.33333},
		{-2.0, 1.0, -2.9181716849634893823, 1.9951835973592506414, -0.969761},
		{3.1, 2.4, -2.7185722595761452126, -0.053867322524015947688, 1.29174},
		{3.1, 2.5, -2.656838157011641815, -0.048983753523396811058, 1.17483},
		{3.1, 2.6, -2.6006180149660989241, -0.044677177134639900201, 1.07171},
		{-0.7, 5.0, -1.7195789877629423369, 0.094120555125343361627, -0.120469},
		{2.0, 30.0, -1.8378773210099438328, -5.5631252742211464891e-7, 2.546e-7},
		{1.0, 100.0, -1.8378770664093454836, -3.2459740680285571155e-22, -2.08422e-22},
		{0.5, 1000.0, -1.8378770664093454836, -7.3962970098644866248e-53, -7.83037e-53},
		{3.14159, 0.05, -97.423969212932287676, -0.010422880708335887192, 3927.84},
		{-1.5, 0.001, -1122.4650608937135808, 1499.9999999999999688, -1000.0},
		{-3.0, 0.7, -6.9218673421910406363, 2.3190985277967623983, 12.3562},
		{2.9, 8.0, -1.8740922292691918503, -0.0090869989636746693688, 0.0367957},
	}
	for _, c := range cases {
		x, tt, wantL, wantS, h := c[0], c[1], c[2], c[3], c[4]
		l, s := WrappedNormalLogPDFScore(x, tt)
		require.InDelta(t, wantL, l, 1e-15*(1+math.Abs(wantL)), "log p at x=%g t=%g", x, tt)
		require.InDelta(t, wantS, s, 1e-14*(1+math.Abs(wantS))+1e-15*math.Abs(h), "score at x=%g t=%g", x, tt)
	}
}
