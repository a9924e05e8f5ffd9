package manifold

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// The wrapped normal (heat kernel of the circle) per coordinate. With
// x ∈ [−π, π) the displacement from the mean and t > 0 the time of a
// Brownian motion with generator ½Δ (variance t per coordinate before
// wrapping), the density with respect to Lebesgue measure on [−π, π) is
// (Mardia & Jupp 2000, Directional Statistics, §3.5.7; DLMF §20.2 and
// Jacobi's imaginary transformation DLMF 20.7.32):
//
//	p_t(x) = Σ_{k∈Z} exp(−(x + 2πk)²/2t) / √(2πt)                (images)
//	       = (1/2π) (1 + 2 Σ_{m≥1} q^{m²} cos(mx)),  q = e^{−t/2}  (Fourier)
//
// Images form. Relative to the k = 0 term the image k ≠ 0 has weight
// e_k = exp(−2πk(x + πk)/t) ≤ 1 for x ∈ [−π, π], so
//
//	log p_t(x) = −x²/2t − ½ log(2πt) + log(1 + Σ_{0<|k|≤K} e_k)
//	∂_x log p  = −(x + 2π Σ k e_k / (1 + Σ e_k)) / t
//
// with no overflow or cancellation for any t. The first omitted image has
// weight at most exp(−2π²K(K+1)/t) (at x = ∓π), and the rest decay faster,
// so choosing the smallest K ≥ 1 with 2π²K(K+1)/t ≥ wrappedImagesExponent = 40
// bounds the relative truncation error of p by 2e^{−40}/(1−e^{−40}) < 1e-17.
//
// Fourier form. p ≥ θ₄(q)/2π > 0.44/2π for t > wrappedSwitchT, and
// 2 Σ_{m>M} q^{m²} ≤ 2.0001 q^{(M+1)²}, so choosing the smallest M ≥ 0 with
// (M+1)² t/2 ≥ wrappedFourierExponent = 42 bounds the relative truncation error
// by 2.0001 e^{−42}/0.44 < 3e-18 (and that of the score, whose series
// −2 Σ m q^{m²} sin(mx) has tail ≤ 2(M+1)q^{(M+1)²}, by 2e-17). For
// t ≥ 84 the series is empty and p = 1/2π to within e^{−t/2}.
//
// Period. Like TorusWrap, the kernel uses the float64 period 2·math.Pi
// (below 2π by 2.4e-16), so it is exactly periodic on the torus as the
// package represents it. Against the kernel with the exact period the
// difference in the score is about 1.2e-16·|∂² log p|, which exceeds
// rounding only next to the seam x ≈ ±π at small t (5e-13 at x = 3.14159,
// t = 0.05; TestWrappedNormalHighPrecision compares with 50-digit values).
//
// Switch. Images are used for t ≤ wrappedSwitchT = 2.5 (K ≤ 2; one
// exponential per point, the other images by products, see sums) and the
// Fourier form above (M ≤ 5; one sincos per point, the coefficients q^{m²}
// precomputed); at the switch both are accurate to rounding and
// TestWrappedNormalFormsAgree checks that they agree to 1e-13 for t in
// [1, 8].
const (
	wrappedSwitchT         = 2.5
	wrappedImagesExponent  = 40
	wrappedFourierExponent = 42
	// wrappedMaxFourier is the size of the coefficient table: M ≤ 5 for
	// t > wrappedSwitchT, M ≤ 12 for the forced Fourier form at t ≥ 0.5 used in
	// tests.
	wrappedMaxFourier = 16
	// wrappedLog2Pi is log(2π).
	wrappedLog2Pi = 1.8378770664093454835606594728112352797227949472755668
)

// wrappedKernel is the 1-D wrapped normal at time t with its truncation chosen
// once: a value type (no pointers), so evaluating it allocates nothing.
type wrappedKernel struct {
	t, invT float64
	fourier bool
	k       int                        // images: |k| ≤ K
	cImg    float64                    // images: C = e^{−4π²/t} = e_{+1}·e_{−1}
	logNorm float64                    // images: −½ log(2πt); Fourier: −log 2π
	m       int                        // Fourier: number of terms M
	c       [wrappedMaxFourier]float64 // Fourier: c[m−1] = q^{m²}
}

// newWrappedKernel chooses the form and truncation for time t > 0 (finite).
func newWrappedKernel(t float64) wrappedKernel {
	if t <= wrappedSwitchT {
		return newWrappedImages(t)
	}
	return newWrappedFourier(t)
}

// newWrappedImages returns the images form with K the smallest K ≥ 1 such that
// 2π²K(K+1)/t ≥ wrappedImagesExponent.
func newWrappedImages(t float64) wrappedKernel {
	k := 1
	for 2*math.Pi*math.Pi*float64(k*(k+1)) < wrappedImagesExponent*t {
		k++
	}
	return wrappedKernel{t: t, invT: 1 / t, k: k, cImg: math.Exp(-4 * math.Pi * math.Pi / t),
		logNorm: -0.5 * (wrappedLog2Pi + math.Log(t))}
}

// newWrappedFourier returns the Fourier form with M the smallest M ≥ 0 such
// that (M+1)² t/2 ≥ wrappedFourierExponent (capped at wrappedMaxFourier, reached
// only for t < 2·42/17² ≈ 0.29, where the images form is used). The
// coefficients q^{m²} are built by the recurrence q^{(m+1)²} = q^{m²}·q^{2m+1}
// (relative rounding error below m² ulps).
func newWrappedFourier(t float64) wrappedKernel {
	w := wrappedKernel{t: t, invT: 1 / t, fourier: true, logNorm: -wrappedLog2Pi}
	m := int(math.Ceil(math.Sqrt(2*wrappedFourierExponent/t))) - 1
	m = max(0, min(m, wrappedMaxFourier))
	w.m = m
	q := math.Exp(-t / 2)
	q2 := q * q
	r, c := q, q // r = q^{2m−1}, c = q^{m²} at m = 1
	for i := 0; i < m; i++ {
		w.c[i] = c
		r *= q2
		c *= r
	}
	return w
}

// sums returns the two series of the kernel at x ∈ [−π, π] (the
// displacement from the mean, already wrapped):
//
//	images:  r = Σ_{0<|k|≤K} e_k,        g = Σ_{0<k≤K} k (e_k − e_{−k})
//	Fourier: r = 2 Σ_{m≤M} q^{m²} cos(mx), g = −2 Σ_{m≤M} m q^{m²} sin(mx)
//
// so that log p = logNorm − [x²/2t] + log(1+r) (log(1+r) rather than
// log1p(r): 1 + r lies in [1, 2.1] (images) or [0.44, 1.6] (Fourier), so
// rounding 1 + r costs at most 5e-16 absolute, within the rounding of the
// other terms, and math.Log is the faster) and the score is
// −(x + 2πg/(1+r))/t (images) or g/(1+r) (Fourier). In the Fourier form
// cos(mx), sin(mx) come from the Chebyshev recurrence
// f_{m+1} = 2cos(x) f_m − f_{m−1} (error growth linear in m ≤ 16).
func (w *wrappedKernel) sums(x float64) (r, g float64) {
	if w.fourier {
		s1, c1 := math.Sincos(x)
		tc := 2 * c1
		cPrev, cCur := 1.0, c1
		sPrev, sCur := 0.0, s1
		var sum, dsum float64
		for i := 0; i < w.m; i++ {
			sum += w.c[i] * cCur
			dsum += float64(i+1) * w.c[i] * sCur
			cPrev, cCur = cCur, tc*cCur-cPrev
			sPrev, sCur = sCur, tc*sCur-sPrev
		}
		return 2 * sum, -2 * dsum
	}
	// One exponential per point. The image on the near side of the seam
	// (−1 for x ≥ 0, +1 for x < 0) has weight L = exp(−2π(π − |x|)/t),
	// π − |x| being exact near the seam (Sterbenz); the far one is
	// C/L since e_{+1}·e_{−1} = C. Higher images follow from
	// e_{±(k+1)} = e_{±k}·e_{±1}·C^k (exponents add). Every factor is ≤ 1,
	// so products underflow to 0 but never overflow; where the far image
	// is not negligible (weight > e^{−40}) its exponent and that of C are
	// above −80, so its relative error is below 10³ ulps, an absolute
	// error below 1e-30 in r.
	near := math.Exp(-2 * math.Pi * (math.Pi - math.Abs(x)) * w.invT)
	var far float64
	if near > 0 {
		far = w.cImg / near
	}
	l1, s1 := near, far
	r, g = near+far, near-far
	ck := w.cImg
	for k := 2; k <= w.k; k++ {
		near *= l1 * ck
		far *= s1 * ck
		ck *= w.cImg
		r += near + far
		g += float64(k) * (near - far)
	}
	switch {
	case x == 0:
		g = 0 // exact by symmetry (near − C/near rounds to ±1 ulp)
	case x > 0:
		g = -g // the near images are the negative ones: g = Σ k(e_{+k} − e_{−k})
	}
	return r, g
}

// logPDF returns log p_t(x) for x ∈ [−π, π].
func (w *wrappedKernel) logPDF(x float64) float64 {
	r, _ := w.sums(x)
	if w.fourier {
		return w.logNorm + math.Log(1+r)
	}
	return w.logNorm - 0.5*x*x*w.invT + math.Log(1+r)
}

// score returns ∂_x log p_t(x) for x ∈ [−π, π].
func (w *wrappedKernel) score(x float64) float64 {
	r, g := w.sums(x)
	if w.fourier {
		return g / (1 + r)
	}
	return -(x + 2*math.Pi*g/(1+r)) * w.invT
}

// eval returns log p_t(x) and ∂_x log p_t(x) for x ∈ [−π, π].
func (w *wrappedKernel) eval(x float64) (logp, score float64) {
	r, g := w.sums(x)
	if w.fourier {
		return w.logNorm + math.Log(1+r), g / (1 + r)
	}
	return w.logNorm - 0.5*x*x*w.invT + math.Log(1+r), -(x + 2*math.Pi*g/(1+r)) * w.invT
}

// WrappedNormalLogPDF returns log p_t(x), the log density of the wrapped
// normal with mean 0 and time (unwrapped variance) t at the angle x, with
// respect to Lebesgue measure on [−π, π) (total mass 1). x is any real
// angle (it is wrapped exactly); p_t(x − μ) is the density centred at μ.
// The images or Fourier form is chosen from t as documented above, with
// relative truncation error below 1e-17. It returns NaN if t is not a
// finite positive number or x is not finite.
//
// This is the per-angle heat kernel of T^n, for SDE integrators and torsion
// samplers; WrappedNormal is the n-dimensional law.
func WrappedNormalLogPDF(x, t float64) float64 {
	if !(t > 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	w := newWrappedKernel(t)
	return w.logPDF(TorusWrap(x))
}

// WrappedNormalScore returns ∂_x log p_t(x), the score of the wrapped
// normal with mean 0 and time t (see WrappedNormalLogPDF), a smooth
// 2π-periodic function of x, zero at x = 0 and x = π.
func WrappedNormalScore(x, t float64) float64 {
	if !(t > 0) || math.IsInf(t, 1) {
		return math.NaN()
	}
	w := newWrappedKernel(t)
	return w.score(TorusWrap(x))
}

// WrappedNormalLogPDFScore returns log p_t(x) and ∂_x log p_t(x) together
// (they share every exponential).
func WrappedNormalLogPDFScore(x, t float64) (logp, score float64) {
	if !(t > 0) || math.IsInf(t, 1) {
		return math.NaN(), math.NaN()
	}
	w := newWrappedKernel(t)
	return w.eval(TorusWrap(x))
}

// WrappedNormal is the law at time t of Brownian motion on the torus T^n
// (generator ½Δ) started at x0: the heat kernel of T^n, a product of 1-D
// wrapped normals,
//
//	p(x) = Π_i p_{t_i}(wrap(x_i − x0_i)),   score_i = ∂ log p_{t_i}(wrap(x_i − x0_i)),
//
// with p_t as in WrappedNormalLogPDF. The density is with respect to the
// Riemannian volume of T^n, Lebesgue measure on [−π, π)^n of total mass
// (2π)^n. Rand is exact: x0_i + √t_i·N(0,1), wrapped. Each coordinate may
// have its own time t_i (NewWrappedNormalDiag); the truncations are
// chosen in the constructor, so LogProb, Score and Rand allocate nothing.
// A WrappedNormal is immutable and safe for concurrent use.
type WrappedNormal struct {
	space Torus
	mean  []float64
	t     []float64
	sd    []float64
	kern  []wrappedKernel
}

// NewWrappedNormal returns the heat kernel of T^n, n = len(x0), at time t
// (the same in every coordinate) started at x0. It returns an error
// wrapping ErrParameter if t is not a finite positive number or x0 is
// empty, and one wrapping ErrNotOnManifold if x0 has Torus residual above
// OnManifoldTol (such as a coordinate outside [−π, π) by more than 1e-9, or
// not finite); coordinates within tolerance are wrapped.
func NewWrappedNormal(x0 []float64, t float64) (*WrappedNormal, error) {
	ts := make([]float64, len(x0))
	for i := range ts {
		ts[i] = t
	}
	if len(x0) == 0 {
		return nil, fmt.Errorf("manifold: NewWrappedNormal: empty mean: %w", ErrParameter)
	}
	if !(t > 0) || math.IsInf(t, 1) {
		return nil, fmt.Errorf("manifold: NewWrappedNormal: t = %g: %w", t, ErrParameter)
	}
	return newWrappedNormal("NewWrappedNormal", x0, ts)
}

// NewWrappedNormalDiag returns the product of 1-D wrapped normals with
// per-coordinate times t[i] (Brownian motion with diffusion diag(t) at unit
// time) started at x0. Errors as NewWrappedNormal, and ErrParameter if
// len(t) ≠ len(x0).
func NewWrappedNormalDiag(x0, t []float64) (*WrappedNormal, error) {
	if len(x0) == 0 || len(t) != len(x0) {
		return nil, fmt.Errorf("manifold: NewWrappedNormalDiag: len(x0) = %d, len(t) = %d: %w", len(x0), len(t), ErrParameter)
	}
	for i, ti := range t {
		if !(ti > 0) || math.IsInf(ti, 1) {
			return nil, fmt.Errorf("manifold: NewWrappedNormalDiag: t[%d] = %g: %w", i, ti, ErrParameter)
		}
	}
	return newWrappedNormal("NewWrappedNormalDiag", x0, append([]float64(nil), t...))
}

func newWrappedNormal(name string, x0, t []float64) (*WrappedNormal, error) {
	n := len(x0)
	sp := NewTorus(n)
	if r := sp.Residual(x0); !(r <= OnManifoldTol) {
		return nil, fmt.Errorf("manifold: %s: x0 off the torus by %g: %w", name, r, ErrNotOnManifold)
	}
	w := &WrappedNormal{
		space: sp,
		mean:  make([]float64, n),
		t:     t,
		sd:    make([]float64, n),
		kern:  make([]wrappedKernel, n),
	}
	for i := range x0 {
		w.mean[i] = TorusWrap(x0[i])
		w.sd[i] = math.Sqrt(t[i])
		w.kern[i] = newWrappedKernel(t[i])
	}
	return w, nil
}

// Space returns the torus T^n.
func (w *WrappedNormal) Space() Manifold { return w.space }

// Mean returns a copy of the starting point x0 (wrapped into [−π, π)).
func (w *WrappedNormal) Mean() []float64 { return append([]float64(nil), w.mean...) }

// Times returns a copy of the per-coordinate times t_i.
func (w *WrappedNormal) Times() []float64 { return append([]float64(nil), w.t...) }

// LogProb returns Σ_i log p_{t_i}(wrap(x_i − x0_i)).
func (w *WrappedNormal) LogProb(x []float64) float64 {
	checkLen("WrappedNormal.LogProb", len(w.mean), x)
	var s float64
	for i := range x {
		s += w.kern[i].logPDF(TorusWrap(x[i] - w.mean[i]))
	}
	return s
}

// Score writes ∂_i log p_{t_i}(wrap(x_i − x0_i)) into dst (the flat
// metric makes the Riemannian gradient the coordinate gradient). dst may
// alias x.
func (w *WrappedNormal) Score(dst, x []float64) {
	checkLen("WrappedNormal.Score", len(w.mean), dst, x)
	for i := range x {
		dst[i] = w.kern[i].score(TorusWrap(x[i] - w.mean[i]))
	}
}

// LogProbScore returns LogProb(x) and writes Score(x) into dst in one pass
// (the kernel sums are shared). dst may alias x.
func (w *WrappedNormal) LogProbScore(dst, x []float64) float64 {
	checkLen("WrappedNormal.LogProbScore", len(w.mean), dst, x)
	var s float64
	for i := range x {
		l, g := w.kern[i].eval(TorusWrap(x[i] - w.mean[i]))
		s += l
		dst[i] = g
	}
	return s
}

// Rand writes wrap(x0_i + √t_i·Z_i), Z_i standard normal, into dst: an
// exact draw.
func (w *WrappedNormal) Rand(dst []float64, rng *rand.Rand) {
	checkLen("WrappedNormal.Rand", len(w.mean), dst)
	for i := range dst {
		dst[i] = TorusWrap(w.mean[i] + w.sd[i]*rng.NormFloat64())
	}
}
