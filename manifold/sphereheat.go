package manifold

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/integrate/quad"
)

// SphereHeat is the heat kernel of S^{d−1} ⊂ R^d: the law at time t of
// Brownian motion with generator ½Δ started at x0. Its density with respect
// to the Riemannian volume of S^{d−1} (total 2π^{d/2}/Γ(d/2), 4π on S²)
// depends only on θ = dist(x0, x):
//
//	p_t(θ) = Σ_{l≥0} e^{−l(l+d−2)t/2} (l+λ)/λ C_l^λ(cosθ) / Vol(S^{d−1}),  λ = (d−2)/2,
//
// the eigenfunction expansion of e^{tΔ/2} (eigenvalues −l(l+d−2) of Δ on
// spherical harmonics of degree l, Gegenbauer addition theorem; e.g.
// Atkinson & Han 2012, Spherical Harmonics and Approximations on the Unit
// Sphere, §2.1 and §4.2). On S² (λ = ½) the weight is (2l+1)/(4π) and
// C_l^{1/2} = P_l; on S¹ (λ → 0) the weight (l+λ)/λ C_l^λ(cosθ) → 2cos lθ,
// the Fourier form of the wrapped normal.
//
// For small t the series needs many terms and cancels in the tail, so
// S¹, S² and S³ use exact closed forms (wrapped normal, McKean's integral,
// image sum) and other dimensions a double-double sum; SphereHeatZonal
// documents each regime of (d, t, θ) and its accuracy. The sampler inverts the CDF of θ on a grid built in the
// constructor (see Rand) and draws the direction uniformly in T_{x0}.
type SphereHeat struct {
	s  Sphere
	x0 []float64
	t  float64
	// Inverse-CDF grid of the angle θ ∈ [0, thetaMax]: nodes th[i], CDF
	// values cdf[i] and the angle density q[i] = dF/dθ, all normalised so
	// that cdf[len−1] = 1.
	th, cdf, q []float64
}

// Accuracy constants of the zonal heat kernel.
const (
	// sphereHeatSeriesMaxSwitch is the largest t below which the small-t
	// form may replace the eigenfunction series for d ≥ 5 (about
	// √(82/t) ≈ 290 terms there); see sphereHeatSeriesMinT.
	sphereHeatSeriesMaxSwitch = 1e-3
	// sphereHeatLeadingTol is the relative error allowed of the small-t
	// form where it replaces the series (for t < sphereHeatSeriesMinT(d)).
	sphereHeatLeadingTol = 1e-9
	// sphereHeatCancel: the series is accepted where its value is at
	// least this fraction of the term bound Σ_l a_l h_l(1) = Vol·p_t(0);
	// its rounding error, measured at about 3e-16 of the bound, is then
	// ≲ 1e-10 relative.
	sphereHeatCancel = 3e-6
	// sphereHeatCancelDD is the same threshold for the double-double sum
	// (rounding ~1e-31 of Σ|terms|): relative error ≲ 1e-10 above it.
	sphereHeatCancelDD = 1e-20
	// sphereHeatTermTol: the series stops once a term bound falls below
	// this fraction of the running sum, past the largest term.
	sphereHeatTermTol = 1e-18
	// sphereHeatTermTolDD is the stopping rule of the double-double sum.
	sphereHeatTermTolDD = 1e-34
	// sphereHeatGrid is the number of intervals of the sampler's grid.
	sphereHeatGrid = 1024
)

// sphereHeatSeriesMinT returns the smallest t at which the eigenfunction
// series is summed on S^{d−1}, d ≥ 5; below it SphereHeatZonal uses the
// small-t form (sphereHeatLeading). That form's relative error for
// θ ≤ 12√t is O(t³) and grows like n⁴, n = d − 1: TestSphereHeatLeadingForm
// measures it below n⁴t³/20000 (plus the series' floor, 2e-10) for d from
// 3 to 100 and t from 1e-4 to 1e-2.
// The switch is where that bound equals sphereHeatLeadingTol,
// t = (2·10⁴ sphereHeatLeadingTol / n⁴)^{1/3}, capped at
// sphereHeatSeriesMaxSwitch (so 1e-3 for d ≤ 14, 5.4e-4 on S¹⁹, 5.9e-5 on
// S⁹⁹; the series then needs about √(82/t) ≈ 1200 terms).
func sphereHeatSeriesMinT(d int) float64 {
	n := float64(d - 1)
	return math.Min(sphereHeatSeriesMaxSwitch, math.Cbrt(2e4*sphereHeatLeadingTol/(n*n*n*n)))
}

// NewSphereHeat returns the heat kernel on S^{d−1}, d = len(x0), started at
// the unit vector x0 after time t > 0. It returns an error wrapping
// ErrParameter for t ≤ 0, infinite or NaN, or d < 2, and ErrNotOnManifold
// if ||x0| − 1| > OnManifoldTol. x0 is copied and renormalised.
func NewSphereHeat(x0 []float64, t float64) (*SphereHeat, error) {
	d := len(x0)
	if d < 2 {
		return nil, fmt.Errorf("manifold: NewSphereHeat: len(x0) = %d < 2: %w", d, ErrParameter)
	}
	if !(t > 0) || math.IsInf(t, 1) {
		return nil, fmt.Errorf("manifold: NewSphereHeat: t = %g: %w", t, ErrParameter)
	}
	s := NewSphere(d)
	if r := s.Residual(x0); !(r <= OnManifoldTol) {
		return nil, fmt.Errorf("manifold: NewSphereHeat: ||x0| − 1| = %g: %w", r, ErrNotOnManifold)
	}
	h := &SphereHeat{s: s, x0: make([]float64, d), t: t}
	s.Project(h.x0, x0)
	h.buildGrid()
	return h, nil
}

// Space returns the sphere.
func (h *SphereHeat) Space() Manifold { return h.s }

// Time returns t.
func (h *SphereHeat) Time() float64 { return h.t }

// LogProb returns log p_t(dist(x0, x)) (see SphereHeatZonal).
func (h *SphereHeat) LogProb(x []float64) float64 {
	checkLen("SphereHeat.LogProb", h.s.d, x)
	lp, _ := SphereHeatZonal(h.s.d, h.t, h.s.Dist(h.x0, x))
	return lp
}

// Score writes ∇_x log p_t = ∂_θ log p_t(θ) · (−log_x(x0)/θ), θ = dist(x0, x):
// the derivative along the unit tangent pointing away from x0. It is 0 at
// θ = 0 (where ∂_θ log p_t = 0 and the direction is undefined) and at
// θ = π, where ∂_θ log p_t = 0 by symmetry of the kernel about the
// antipode.
func (h *SphereHeat) Score(dst, x []float64) {
	checkLen("SphereHeat.Score", h.s.d, dst, x)
	theta := h.s.Dist(h.x0, x)
	h.s.Log(dst, x, h.x0)
	n := norm(dst)
	if n == 0 || theta >= math.Pi {
		for i := range dst {
			dst[i] = 0
		}
		return
	}
	_, dl := SphereHeatZonal(h.s.d, h.t, theta)
	f := -dl / n
	for i := range dst {
		dst[i] *= f
	}
}

// Rand writes a draw of X_t into dst: θ by inversion of the tabulated CDF,
// x = cosθ x0 + sinθ ξ with ξ uniform on the unit sphere of T_{x0} (a
// Gaussian vector projected onto T_{x0} and normalised; dst is the scratch
// buffer, so Rand allocates nothing).
//
// Accuracy: the CDF of θ is tabulated at 1025 equispaced nodes on
// [0, θmax], θmax = min(π, √t (√(d−1) + 12)) (the law beyond θmax has mass
// below 1e-30), by 3-point Gauss–Legendre on each interval, renormalised,
// and interpolated by the cubic Hermite spline with the density as slope;
// TestSphereHeatGrid measures the interpolation error at the interval
// midpoints, which bounds the Kolmogorov distance of the sampled θ from the
// law of SphereHeatZonal: below 5e-10 for every case tested (S¹ to S¹⁹,
// t from 1e-4 to 3; 1.3e-9 measured once on S⁹⁹ at t = 1e-4). The law itself has the accuracy of SphereHeatZonal
// (for d ≥ 5 and t < sphereHeatSeriesMinT(d) that of the small-t form,
// relative error below 1e-9), and the same density is tabulated, so Rand
// and LogProb describe the same law.
func (h *SphereHeat) Rand(dst []float64, rng *rand.Rand) {
	h.RandFrom(dst, h.x0, rng)
}

// RandFrom writes a draw of the heat kernel started at x instead of x0
// (same d and t) into dst: the exact Brownian transition x → X_t that
// SDE integrators need, without building a new grid for each start. x must
// be a unit vector of length d (not checked beyond its length); dst must
// not alias x. It allocates nothing.
func (h *SphereHeat) RandFrom(dst, x []float64, rng *rand.Rand) {
	checkLen("SphereHeat.RandFrom", h.s.d, dst, x)
	theta := h.invCDF(rng.Float64())
	sphereRandOrthogonal(dst, x, rng)
	ct, st := math.Cos(theta), math.Sin(theta)
	for i := range dst {
		dst[i] = ct*x[i] + st*dst[i]
	}
	h.s.Project(dst, dst)
}

// sphereHeatAngleLogDensity returns the log density of θ = dist(x0, X_t)
// on [0, π]: log(Vol(S^{d−2}) p_t(θ) sin^{d−2}θ), with Vol(S⁰) = 2.
func sphereHeatAngleLogDensity(d int, t, theta float64) float64 {
	lp, _ := SphereHeatZonal(d, t, theta)
	if d == 2 {
		return lp + math.Ln2
	}
	return lp + logSphereVolume(d-1) + float64(d-2)*math.Log(math.Sin(theta))
}

// sphereHeatThetaMax returns the upper end of the angle grid: π, or
// √t (√(d−1) + 12) when smaller (θ/√t is then close to a χ_{d−1} variable,
// whose tail beyond √(d−1) + 12 is below 1e-30).
func sphereHeatThetaMax(d int, t float64) float64 {
	return math.Min(math.Pi, math.Sqrt(t)*(math.Sqrt(float64(d-1))+12))
}

func (h *SphereHeat) buildGrid() {
	d, t := h.s.d, h.t
	n := sphereHeatGrid
	tmax := sphereHeatThetaMax(d, t)
	h.th = make([]float64, n+1)
	h.cdf = make([]float64, n+1)
	h.q = make([]float64, n+1)
	// Where SphereHeatZonal would sum the series (d ≥ 5, t ≥ t_s(d)) the
	// grid uses the double-precision sum wherever its rounding error in
	// the angle density, ≲ 1e-15 Σ_l a_l |h_l(cosθ)| · Vol(S^{d−2})
	// sin^{d−2}θ / Vol(S^{d−1}), is below 1e-11 (CDF error ≲ 3e-11), or
	// the sum keeps 1e-3 of Σ_l a_l |h_l| (relative error ≲ 1e-12); else
	// the small-t form where it puts the angle density below 1e-14
	// (negligible mass, so its error there does not matter); and
	// SphereHeatZonal elsewhere. So the slower double-double path is
	// rarely taken. Tabulating the cancelling sum everywhere was wrong for
	// d ≳ 45, where the bulk of the law lies far below p_t(0) (p_t at
	// θ² ≈ nt is about e^{−n/2} p_t(0)): it gave E⟨x0, X_t⟩ = 0.85
	// instead of 0.995 on S⁹⁹ at t = 1e-4.
	useSum := d >= 5 && t >= sphereHeatSeriesMinT(d)
	lratio := logSphereVolume(d-1) - logSphereVolume(d)
	dens := func(th float64) float64 {
		if d > 2 && (th <= 0 || th >= math.Pi) {
			return 0
		}
		if useSum {
			sum, _, _, abs := sphereHeatSeriesSum(d, t, th)
			jac := math.Exp(lratio + float64(d-2)*math.Log(math.Sin(th)))
			if sum >= 1e-3*abs || 1e-15*abs*jac <= 1e-11 {
				return math.Max(0, sum*jac)
			}
			// Far tail: the small-t form, right at least in order of
			// magnitude, shows whether the density is negligible.
			lp, _ := sphereHeatLeading(d, t, th)
			if q := math.Exp(lp+logSphereVolume(d)) * jac; q < 1e-14 {
				return q
			}
		}
		return math.Exp(sphereHeatAngleLogDensity(d, t, th))
	}
	const ng = 3
	var gx, gw [ng]float64
	quad.Legendre{}.FixedLocations(gx[:], gw[:], 0, 1)
	step := tmax / float64(n)
	for i := 0; i <= n; i++ {
		h.th[i] = float64(i) * step
		h.q[i] = dens(h.th[i])
	}
	h.th[n] = tmax
	for i := 0; i < n; i++ {
		a, b := h.th[i], h.th[i+1]
		var s float64
		for k := range gx {
			s += gw[k] * dens(a+(b-a)*gx[k])
		}
		h.cdf[i+1] = h.cdf[i] + s*(b-a)
	}
	tot := h.cdf[n]
	for i := range h.cdf {
		h.cdf[i] /= tot
		h.q[i] /= tot
	}
	h.cdf[n] = 1
}

// hermiteInc evaluates the cubic Hermite interpolant of the CDF on grid
// interval i at fraction s ∈ [0, 1] as the increment F(θ) − F(θ_i) (so
// that rounding is relative to the increment, not to F), and its
// derivative with respect to s:
//
//	F − F_i = h01(s) ΔF + h10(s) w q_i + h11(s) w q_{i+1},
//	h01 = 3s² − 2s³, h10 = s³ − 2s² + s, h11 = s³ − s².
func (h *SphereHeat) hermiteInc(i int, s float64) (f, df float64) {
	w := h.th[i+1] - h.th[i]
	df1 := h.cdf[i+1] - h.cdf[i]
	m0, m1 := h.q[i]*w, h.q[i+1]*w
	s2, s3 := s*s, s*s*s
	f = (3*s2-2*s3)*df1 + (s3-2*s2+s)*m0 + (s3-s2)*m1
	df = (6*s-6*s2)*df1 + (3*s2-4*s+1)*m0 + (3*s2-2*s)*m1
	return f, df
}

// hermiteCDF returns the interpolated CDF at fraction s of interval i.
func (h *SphereHeat) hermiteCDF(i int, s float64) float64 {
	f, _ := h.hermiteInc(i, s)
	return h.cdf[i] + f
}

// invCDF returns θ with F(θ) = u for the interpolated CDF: the interval by
// binary search, then Newton's method on the Hermite cubic, safeguarded by
// bisection, to |Δs| < 1e-13 (|Δθ| < 1e-13 θmax/1024).
func (h *SphereHeat) invCDF(u float64) float64 {
	n := len(h.cdf) - 1
	i := sort.SearchFloat64s(h.cdf, u) - 1 // cdf[i] < u ≤ cdf[i+1]
	if i < 0 {
		i = 0
	}
	if i >= n {
		i = n - 1
	}
	r := u - h.cdf[i]
	lo, hi := 0.0, 1.0
	s := 0.5
	if df := h.cdf[i+1] - h.cdf[i]; df > 0 {
		s = math.Max(0, math.Min(1, r/df))
	}
	for it := 0; it < 60; it++ {
		f, d := h.hermiteInc(i, s)
		g := f - r
		if g > 0 {
			hi = s
		} else {
			lo = s
		}
		next := s - g/d
		if !(next >= lo && next <= hi) {
			next = 0.5 * (lo + hi)
		}
		done := math.Abs(next-s) < 1e-13
		s = next
		if done {
			break
		}
	}
	return h.th[i] + s*(h.th[i+1]-h.th[i])
}

// SphereHeatZonal returns log p_t(θ) and ∂_θ log p_t(θ) for the heat kernel
// of S^{d−1} ⊂ R^d (generator ½Δ) at geodesic distance θ ∈ [0, π] from the
// start, density with respect to the Riemannian volume (see SphereHeat).
// It returns NaNs for t ≤ 0 or NaN θ and panics for d < 2. θ outside
// [0, π] is clamped.
//
// Evaluation and accuracy (relative errors of p_t; ∂_θ log p_t has the
// same relative accuracy plus an absolute 1e-9; measured in
// sphereheat_test.go against each other, exact forms and quadrature):
//
//   - S¹ (d = 2), t ≤ 2: the wrapped normal (2πt)^{−1/2} Σ_k e^{−(θ+2πk)²/2t},
//     positive terms, exact to rounding at every θ.
//   - S² (d = 3), t ≤ 0.5: McKean's exact integral (sphereHeatS2), 24-point
//     Gauss–Legendre: relative error below 1e-10 at every θ ∈ [0, π].
//   - S³ (d = 4), t ≤ 0.5: the exact image sum (sphereHeatS3): relative
//     error below 1e-10 at every θ.
//   - otherwise, t ≥ t_s(d) = sphereHeatSeriesMinT(d) (1e-3 for d ≤ 14,
//     smaller above): the eigenfunction series, Gegenbauer
//     polynomials by their three-term recurrence
//     (n+1)C_{n+1}^λ = 2(n+λ)z C_n^λ − (n+2λ−1)C_{n−1}^λ and the
//     θ-derivative from dC_l^λ/dz = 2λ C_{l−1}^{λ+1}, summed until the term
//     bound e^{−l(l+d−2)t/2} (l+λ)/λ C_l^λ(1) falls below 1e-18 of the sum
//     (about √(82/t) terms). Where the sum cancels below 3e-6 of its term
//     bound it is redone in double-double arithmetic (sphereHeatSeriesDD),
//     accepted down to 1e-20 of the bound: relative error ≲ 1e-10 wherever
//     p_t(θ) ≥ 1e-20 p_t(0) (measured ≤ 7e-11).
//   - otherwise (t < t_s(d) for d ≥ 5, or the far tail p_t(θ) < 1e-20 p_t(0)
//     for t ≥ t_s(d), whose probability is below 1e-15 for d ≤ 10): the
//     small-t (Minakshisundaram–Pleijel) expansion to second order
//     (sphereHeatLeading), n = d − 1,
//     p_t(θ) ≈ (2πt)^{−n/2} e^{−θ²/2t} (θ/sinθ)^{(n−1)/2} e^{tφ₁(θ) + t²φ₂(θ)}.
//     TestSphereHeatLeadingForm measures its relative error for θ ≤ 12√t
//     below n⁴t³/(2·10⁴) (plus the series' own floor, 2e-10) for d from
//     3 to 100 and t from 1e-4 to 1e-2; t_s(d) is where that bound is
//     1e-9, so the form is used only where its error is below 1e-9 (and
//     the densities integrate to 1 within 1e-9; measured below 6.4e-10
//     for d from 5 to 40 and t from 1e-5 to 1e-3). It is exact on S¹ and
//     S³. Limitation: for d ≳ 45 much of the law lies in the "far tail"
//     (p_t at θ² ≈ nt is about e^{−n/2} p_t(0)), where for t ≥ t_s(d) the
//     small-t form is used with its error n⁴t³/(2·10⁴): the measured
//     normalisation error on S⁹⁹ is 2.8e-9 at t = 1e-4 but 3.3e-7 at
//     t = 5e-4 and 2.5e-6 at t = 1e-3, and E⟨x0, X_t⟩ by quadrature is
//     off by 4e-5 at t = 0.01.
//     Near the antipode its θ-dependent factors diverge (geodesic
//     focusing; the true kernel is finite); they are evaluated at
//     min(θ, π − √t), so there p_t is only right in order of magnitude.
//
// Everything is computed in log space, so the far tail does not underflow.
func SphereHeatZonal(d int, t, theta float64) (logp, dlogp float64) {
	if d < 2 {
		panic("manifold: SphereHeatZonal: d < 2")
	}
	if !(t > 0) || math.IsNaN(theta) {
		return math.NaN(), math.NaN()
	}
	theta = math.Max(0, math.Min(math.Pi, theta))
	if d == 2 && t <= 2 {
		return sphereHeatWrapped(t, theta)
	}
	if d == 3 && t <= sphereHeatExactMaxT {
		return sphereHeatS2(t, theta)
	}
	if d == 4 && t <= sphereHeatExactMaxT {
		return sphereHeatS3(t, theta)
	}
	if d == 2 || t >= sphereHeatSeriesMinT(d) {
		if lp, dl, ok := sphereHeatSeries(d, t, theta); ok {
			return lp, dl
		}
		if lp, dl, ok := sphereHeatSeriesDD(d, t, theta); ok {
			return lp, dl
		}
	}
	return sphereHeatLeading(d, t, theta)
}

// sphereHeatWrapped returns log p and ∂_θ log p of the wrapped normal on
// S¹: p = (2πt)^{−1/2} Σ_k e^{−(θ+2πk)²/2t}, with e^{−θ²/2t} factored out
// so that the remaining sum is ≥ 1 for θ ∈ [0, π].
func sphereHeatWrapped(t, theta float64) (logp, dlogp float64) {
	s, ds := 1.0, -theta/t
	for k := 1; ; k++ {
		fk := float64(k)
		added := false
		for _, sg := range [2]float64{1, -1} {
			a := theta + sg*2*math.Pi*fk
			e := math.Exp(-(a*a - theta*theta) / (2 * t))
			s += e
			ds += -a / t * e
			if e > 1e-18 {
				added = true
			}
		}
		if !added {
			break
		}
	}
	logp = -0.5*math.Log(2*math.Pi*t) - theta*theta/(2*t) + math.Log(s)
	return logp, ds / s
}

// sphereHeatSeries sums the eigenfunction series; ok is false where
// cancellation would cost more than the stated accuracy.
func sphereHeatSeries(d int, t, theta float64) (logp, dlogp float64, ok bool) {
	sum, dsum, bound, _ := sphereHeatSeriesSum(d, t, theta)
	if !(sum >= sphereHeatCancel*bound) {
		return 0, 0, false
	}
	logp = math.Log(sum) - logSphereVolume(d)
	dlogp = -math.Sin(theta) * dsum / sum
	return logp, dlogp, true
}

// sphereHeatSeriesSum returns Vol(S^{d−1}) p_t(θ) = Σ_l a_l h_l(cosθ), the
// sum Σ_l a_l h_l'(cosθ) (so that ∂_θ p = −sinθ · dsum / Vol) and the
// term bound Σ_l a_l h_l(1), and abs = Σ_l a_l |h_l(cosθ)|; the absolute
// error of sum is a few ε_mach times abs ≤ bound.
func sphereHeatSeriesSum(d int, t, theta float64) (sum, dsum, bound, abs float64) {
	z := math.Cos(theta)
	lam := float64(d-2) / 2
	// l = 0 term: value 1, derivative 0.
	sum, dsum, bound, abs = 1.0, 0.0, 1.0, 1.0
	// Gegenbauer C^λ (or Chebyshev T for λ = 0) and C^{λ+1} at z, and
	// C^λ(1) for the bound.
	cPrev, c := 1.0, 2*lam*z // C_0^λ, C_1^λ
	if lam == 0 {
		c = z // T_1
	}
	gPrev, g := 0.0, 1.0 // C_{−1}^{λ+1} = 0, C_0^{λ+1}
	c1 := 2 * lam        // C_1^λ(1)
	prevTerm := math.Inf(1)
	for l := 1; l < 1000000; l++ {
		fl := float64(l)
		a := math.Exp(-fl * (fl + float64(d-2)) * t / 2)
		var hl, hb float64 // (l+λ)/λ C_l^λ(z) and its value at z = 1
		if lam == 0 {
			hl, hb = 2*c, 2
		} else {
			hl, hb = (fl+lam)/lam*c, (fl+lam)/lam*c1
		}
		sum += a * hl
		abs += a * math.Abs(hl)
		dsum += a * 2 * (fl + lam) * g // Σ a_l d/dz h_l(z)
		term := a * hb
		bound += term
		if term < sphereHeatTermTol*bound && term <= prevTerm {
			break
		}
		prevTerm = term
		// Advance the recurrences to degree l+1.
		if lam == 0 {
			c, cPrev = 2*z*c-cPrev, c
		} else {
			c, cPrev = (2*(fl+lam)*z*c-(fl+2*lam-1)*cPrev)/(fl+1), c
			c1 *= (fl + 2*lam) / (fl + 1)
		}
		// C^{λ+1}: (m+1)G_{m+1} = 2(m+λ+1) z G_m − (m+2λ+1) G_{m−1}, m = l−1.
		m := fl - 1
		g, gPrev = (2*(m+lam+1)*z*g-(m+2*lam+1)*gPrev)/(m+1), g
	}
	return sum, dsum, bound, abs
}

// sphereHeatLeading returns the small-t form of SphereHeatZonal:
//
//	log p ≈ −(n/2) log 2πt − θ²/2t + ((n−1)/2) log(θ/sinθ) + tφ₁(θ) + t²φ₂(θ),
//	φ₁ = (n−1)²/8 − (n−1)(n−3)/8 · (1 − θ cotθ)/θ²,
//	φ₂ = (n−1)(n−3)/16 · F(θ)/θ²,
//	F  = (n−3) cotθ/θ − (n−4)/θ² − 1/sin²θ + (n−2)/3,   n = d − 1,
//
// the Minakshisundaram–Pleijel expansion of the heat kernel of ½Δ on S^n
// to second order in log form ((1 − θcotθ)/θ² = 1/3 + θ²/45 + …,
// F/θ² = −n/45 − (2n+4)θ²/945 − …). Derivation: substituting
// log p = −(n/2) log 2πt − θ²/2t + φ₀ + tφ₁ + t²φ₂ into the radial heat
// equation ∂_t p = ½(p″ + (n−1) cotθ p′) and matching powers of t gives
// the transport equations (θφ₁)′ = ½(φ₀″ + φ₀′² + (n−1)cotθ φ₀′) and
// (θ²φ₂)′ = θ · ½(φ₁″ + 2φ₀′φ₁′ + (n−1)cotθ φ₁′), regular at θ = 0,
// solved in closed form above (checked symbolically; cf. Berger,
// Gauduchon & Mazet 1971, Le spectre d'une variété riemannienne, ch. III E,
// for the recursion). Both corrections vanish on S¹ and S³, where the form
// is exact. Check of the diagonal: e^{tφ₁(0) + t²φ₂(0)} = 1 + a₁(t/2) +
// a₂(t/2)² + O(t³) with the heat invariants of e^{tΔ} on S^n,
// a₁ = R/6 = n(n−1)/6 and a₂ = (5R² − 2|Ric|² + 2|Riem|²)/360 =
// n(n−1)(5n² − 7n + 6)/360 (Gilkey 1975, J. Differential Geom. 10; R =
// n(n−1), |Ric|² = n(n−1)², |Riem|² = 2n(n−1)): φ₁(0) = n(n−1)/12 = a₁/2
// and φ₂(0) = a₂/4 − φ₁(0)²/2 = −n(n−1)(n−3)/720
// (TestSphereHeatLeadingDiagonal). All θ-dependent factors are evaluated
// at min(θ, π − √t) (see SphereHeatZonal).
func sphereHeatLeading(d int, t, theta float64) (logp, dlogp float64) {
	n := float64(d - 1)
	k := float64(d-2) / 2
	k2 := float64((d-2)*(d-4)) / 8
	logp = -n/2*math.Log(2*math.Pi*t) - theta*theta/(2*t) + float64((d-2)*(d-2))*t/8
	dlogp = -theta / t
	if d == 2 {
		return logp, dlogp
	}
	th := math.Min(theta, math.Pi-math.Sqrt(t))
	if th < 0 {
		th = 0
	}
	// r1 = d/dθ log(θ/sinθ) = 1/θ − cotθ = θ r2; r2 = (1 − θcotθ)/θ² and
	// its derivative dr2 = −2/θ³ + 1/(θ sin²θ) + cotθ/θ². Second order:
	// g = F/θ², F = (n−3)cotθ/θ − (n−4)/θ² − 1/sin²θ + (n−2)/3, and
	// dg = g′ = F′/θ² − 2F/θ³, F′ = 2(n−4)/θ³ − (n−3)cotθ/θ² −
	// (n−3)/(θ sin²θ) + 2cosθ/sin³θ. All by their series near 0 (the 1/θ²
	// terms cancel).
	var r2, dr2, g, dg float64
	t2 := th * th
	if th < 0.1 {
		r2 = 1.0/3 + t2*(1.0/45+t2*(2.0/945+t2/4725))
		dr2 = th * (2.0/45 + t2*(8.0/945+t2*6.0/4725))
		g = -n/45 - t2*((2*n+4)/945+t2*((n+4)/4725+t2*(2*n+12)/93555))
		dg = -th * ((4*n+8)/945 + t2*((4*n+16)/4725+t2*(4*n+24)/31185))
	} else {
		sn, cs := math.Sincos(th)
		cot := cs / sn
		r2 = (1 - th*cot) / t2
		dr2 = -2/(t2*th) + 1/(th*sn*sn) + cot/t2
		f := (n-3)*cot/th - (n-4)/t2 - 1/(sn*sn) + (n-2)/3
		df := 2*(n-4)/(t2*th) - (n-3)*cot/t2 - (n-3)/(th*sn*sn) + 2*cs/(sn*sn*sn)
		g = f / t2
		dg = df/t2 - 2*f/(t2*th)
	}
	r1 := th * r2
	logp += -k*math.Log(sinc(th)) - t*k2*r2 + t*t*k2/2*g
	if th == theta {
		dlogp += k*r1 - t*k2*dr2 + t*t*k2/2*dg
	}
	return logp, dlogp
}
