package manifold

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
)

// sphereHeatQuadTol is the tolerance of the quadrature checks
// (normalisation, exact moment): the brief's 1e-8.
const sphereHeatQuadTol = 1e-8

// sphereHeatAngleIntegral returns ∫_0^π f(θ) q_t(θ) dθ, q_t the angle
// density Vol(S^{d−2}) p_t(θ) sin^{d−2}θ (zonal reduction of the volume:
// dVol = Vol(S^{d−2}) sin^{d−2}θ dθ dσ). Composite Gauss–Legendre with
// 64 panels of 20 nodes on [0, θmax] plus 64 panels on [θmax, π]
// (θmax = √t(√(d−1)+12)), which resolves the peak of width √t for every t
// tested.
func sphereHeatAngleIntegral(d int, t float64, f func(float64) float64) float64 {
	q := func(th float64) float64 {
		return f(th) * math.Exp(sphereHeatAngleLogDensity(d, t, th))
	}
	tm := sphereHeatThetaMax(d, t)
	var s float64
	for _, iv := range [][2]float64{{0, tm}, {tm, math.Pi}} {
		const panels = 64
		w := (iv[1] - iv[0]) / panels
		if w <= 0 {
			continue
		}
		for p := 0; p < panels; p++ {
			s += quad.Fixed(q, iv[0]+float64(p)*w, iv[0]+float64(p+1)*w, 20, quad.Legendre{}, 0)
		}
	}
	return s
}

var sphereHeatTimes = []float64{1e-3, 0.01, 0.1, 1, 10}

// TestSphereHeatNormalisation integrates every density to 1 within
// sphereHeatQuadTol. For d ≥ 5 the times 1e-4, 5e-4 and 9.99e-4 lie in the
// small-t regime (below sphereHeatSeriesMinT(d)); with the first-order
// form alone the integrals were off by n(n−1)(n−3)t²/720: 1.7e-8 on S⁴,
// 3.9e-7 on S⁸ and 7.6e-6 on S¹⁹ at t = 9.99e-4.
func TestSphereHeatNormalisation(t *testing.T) {
	for _, d := range []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 20} {
		times := sphereHeatTimes
		switch {
		case d <= 4:
			// Exact small-time forms: also t = 1e-5.
			times = append([]float64{1e-5}, times...)
		case d <= 10:
			times = append([]float64{1e-4, 5e-4, 9.99e-4}, times...)
		default:
			times = []float64{1e-4, 5e-4, 9.99e-4, 0.01}
		}
		for _, tt := range times {
			t.Run(fmt.Sprintf("S%d/t=%g", d-1, tt), func(t *testing.T) {
				got := sphereHeatAngleIntegral(d, tt, func(float64) float64 { return 1 })
				require.InDelta(t, 1, got, sphereHeatQuadTol)
			})
		}
	}
}

// TestSphereHeatMomentQuadrature checks E⟨x0, X_t⟩ = e^{−(d−1)t/2}: cosθ is
// the degree-1 zonal harmonic, eigenvalue −(d−1) of Δ. A kernel with the
// S² eigenvalues l(l+1) on S³ (d = 4) would give e^{−t} instead of
// e^{−3t/2}, off by 0.05 at t = 0.1.
func TestSphereHeatMomentQuadrature(t *testing.T) {
	for _, d := range []int{2, 3, 4, 5, 8} {
		for _, tt := range sphereHeatTimes {
			t.Run(fmt.Sprintf("S%d/t=%g", d-1, tt), func(t *testing.T) {
				got := sphereHeatAngleIntegral(d, tt, math.Cos)
				require.InDelta(t, math.Exp(-float64(d-1)*tt/2), got, sphereHeatQuadTol)
			})
		}
	}
}

// TestSphereHeatLegendreReduction checks that on S² the Gegenbauer series
// is Σ (2l+1)/(4π) e^{−l(l+1)t/2} P_l(cosθ), with P_l from its own
// recurrence (n+1)P_{n+1} = (2n+1)zP_n − nP_{n−1}.
func TestSphereHeatLegendreReduction(t *testing.T) {
	for _, tt := range []float64{0.05, 0.3, 2} {
		for _, th := range []float64{0, 0.3, 1, 2, 3, math.Pi} {
			z := math.Cos(th)
			p0, p1 := 1.0, z
			sum := 1.0
			for l := 1; l < 400; l++ {
				fl := float64(l)
				sum += (2*fl + 1) * math.Exp(-fl*(fl+1)*tt/2) * p1
				p0, p1 = p1, ((2*fl+1)*z*p1-fl*p0)/(fl+1)
			}
			want := sum / (4 * math.Pi)
			lp, _, ok := sphereHeatSeries(3, tt, th)
			if !ok {
				continue
			}
			require.InDelta(t, want, math.Exp(lp), 1e-13, "t=%g θ=%g", tt, th)
		}
	}
}

// TestSphereHeatExactForms compares the eigenfunction series (double, and
// double-double in the tail) with the exact forms used for small t: the
// wrapped normal on S¹, McKean's integral on S² and the image sum on S³
// (SphereHeatZonal), for log p and ∂_θ log p, at 401 angles in [0, π],
// wherever the series is accepted (down to p_t(θ) = 1e-20 p_t(0)). The
// S³ image sum is also checked against a direct sum over k = −3..3 away
// from the antipode.
func TestSphereHeatExactForms(t *testing.T) {
	const tol, dtol = 1e-10, 1e-9 // documented relative accuracies
	for _, tt := range []float64{1e-3, 0.01, 0.1, 0.3, 0.5} {
		for i := 0; i <= 400; i++ {
			th := math.Pi * float64(i) / 400
			for _, d := range []int{2, 3, 4} {
				lp, dl, ok := sphereHeatSeries(d, tt, th)
				if !ok {
					lp, dl, ok = sphereHeatSeriesDD(d, tt, th)
				}
				if !ok {
					continue
				}
				var lx, dx float64
				switch d {
				case 2:
					lx, dx = sphereHeatWrapped(tt, th)
				case 3:
					lx, dx = sphereHeatS2(tt, th)
				case 4:
					lx, dx = sphereHeatS3(tt, th)
				}
				require.InDelta(t, 0, math.Expm1(lx-lp), tol, "S%d t=%g θ=%g", d-1, tt, th)
				require.InDelta(t, dl, dx, dtol*(1+math.Abs(dl)), "∂θ S%d t=%g θ=%g", d-1, tt, th)
			}
			if th < math.Pi-1e-3 {
				var s float64
				for k := -3; k <= 3; k++ {
					a := th + 2*math.Pi*float64(k)
					s += a * math.Exp(-(a*a-th*th)/(2*tt))
				}
				lx := 0.0
				if th > 0 {
					lx = math.Log(s / math.Sin(th))
				}
				lx += tt/2 - 1.5*math.Log(2*math.Pi*tt) - th*th/(2*tt)
				lp, _ := sphereHeatS3(tt, th)
				require.InDelta(t, 0, math.Expm1(lx-lp), tol, "S³ images t=%g θ=%g", tt, th)
			}
		}
	}
}

// TestSphereHeatLeadingForm measures the relative error of the small-t
// form (to second order) against the converged series on 401 angles
// θ ≤ min(12√t, π/2) where the series is accepted, and checks the bound
// n⁴t³/(2·10⁴) + 2e-10 (the last term: the series' own floor) stated in
// SphereHeatZonal, on which sphereHeatSeriesMinT rests; ∂θ log p is
// checked to 10 times that, scaled by √t. With the first-order form alone
// the errors were about n(n−1)(n−3)t²/720 (1.7e-8 on S⁴, 8.9e-7 on S¹⁰
// at t = 1e-3); without any correction t(n−1)(n−3)/24.
func TestSphereHeatLeadingForm(t *testing.T) {
	cases := []struct {
		d int
		t float64
	}{
		{3, 1e-3}, {3, 0.01}, {5, 1e-4}, {5, 1e-3}, {5, 0.01}, {6, 1e-3},
		{9, 5e-4}, {11, 1e-3}, {11, 0.01}, {20, 1e-4}, {20, 1e-3},
		{40, sphereHeatSeriesMinT(40)}, {100, sphereHeatSeriesMinT(100)},
		{4, 1e-3}, {4, 0.1}, // exact on S³ away from the antipode
	}
	for _, c := range cases {
		n := float64(c.d - 1)
		bound := n*n*n*n*c.t*c.t*c.t/2e4 + 2e-10
		if c.d == 4 {
			bound = 1e-10
		}
		var maxe, maxd float64
		for i := 0; i <= 400; i++ {
			th := math.Min(12*math.Sqrt(c.t), math.Pi/2) * float64(i) / 400
			lp, dl, ok := sphereHeatSeries(c.d, c.t, th)
			if !ok {
				lp, dl, ok = sphereHeatSeriesDD(c.d, c.t, th)
			}
			if !ok {
				continue
			}
			lv, dv := sphereHeatLeading(c.d, c.t, th)
			maxe = math.Max(maxe, math.Abs(math.Expm1(lv-lp)))
			maxd = math.Max(maxd, math.Abs(dv-dl)*math.Sqrt(c.t))
		}
		t.Logf("S%d t=%.3g: max relative error of the small-t form %.3g (bound %.3g), of ∂θ log p (×√t) %.3g", c.d-1, c.t, maxe, bound, maxd)
		require.Less(t, maxe, bound, "S%d t=%g", c.d-1, c.t)
		require.Less(t, maxd, 10*bound, "∂θ S%d t=%g", c.d-1, c.t)
	}
}

// TestSphereHeatLeadingDiagonal checks the small-t form at θ = 0 against
// the heat invariants of e^{tΔ} on S^n (Gilkey 1975): log p + (n/2) log 2πt
// = tφ₁(0) + t²φ₂(0) must match log(1 + a₁(t/2) + a₂(t/2)²) to second
// order, a₁ = n(n−1)/6, a₂ = n(n−1)(5n² − 7n + 6)/360, i.e.
// φ₁(0) = a₁/2 and φ₂(0) = a₂/4 − a₁²/8. The form is a polynomial in t at
// θ = 0, so both coefficients are recovered exactly from t = 1 and t = 2.
func TestSphereHeatLeadingDiagonal(t *testing.T) {
	for _, d := range []int{2, 3, 4, 5, 6, 9, 20, 100} {
		n := float64(d - 1)
		a1 := n * (n - 1) / 6
		a2 := n * (n - 1) * (5*n*n - 7*n + 6) / 360
		c := func(tt float64) float64 {
			lp, dl := sphereHeatLeading(d, tt, 0)
			require.Zero(t, dl)
			return lp + n/2*math.Log(2*math.Pi*tt)
		}
		c1, c2 := c(1), c(2)
		phi2 := (c2 - 2*c1) / 2
		phi1 := c1 - phi2
		require.InDelta(t, a1/2, phi1, 1e-12*(1+a1), "S%d φ₁(0)", d-1)
		require.InDelta(t, a2/4-a1*a1/8, phi2, 1e-12*(1+a2), "S%d φ₂(0)", d-1)
	}
}

// TestSphereHeatWrongEigenvalues shows the power of the moment check: the
// Gegenbauer series on S³ with the S² eigenvalues l(l+1) in place of
// l(l+2) (a known bug) gives E⟨x0, X_t⟩ = e^{−t} instead of e^{−3t/2}.
func TestSphereHeatWrongEigenvalues(t *testing.T) {
	const d, tt = 4, 0.1
	wrong := func(th float64) float64 { // Vol·p with eigenvalues l(l+1), λ = 1
		z := math.Cos(th)
		sum := 1.0
		cPrev, c := 1.0, 2*z // C_0^1, C_1^1 (Chebyshev U)
		for l := 1; l < 200; l++ {
			fl := float64(l)
			sum += math.Exp(-fl*(fl+1)*tt/2) * (fl + 1) * c
			c, cPrev = 2*z*c-cPrev, c
		}
		return sum * math.Exp(-logSphereVolume(d))
	}
	var m float64
	const panels = 64
	for p := 0; p < panels; p++ {
		a, b := math.Pi*float64(p)/panels, math.Pi*float64(p+1)/panels
		m += quad.Fixed(func(th float64) float64 {
			return math.Cos(th) * wrong(th) * math.Exp(logSphereVolume(d-1)) * math.Sin(th) * math.Sin(th)
		}, a, b, 20, quad.Legendre{}, 0)
	}
	require.InDelta(t, math.Exp(-tt), m, 1e-10, "wrong kernel's moment is e^{−t}")
	right := sphereHeatAngleIntegral(d, tt, math.Cos)
	require.Greater(t, math.Abs(m-right), 0.04, "the moment check separates the two")
}

func TestSphereHeatSmallTime(t *testing.T) {
	// t = 1e-5: the kernel is the Gaussian (2πt)^{−(d−1)/2} e^{−θ²/2t} in
	// normal coordinates up to the factors (θ/sinθ)^{(d−2)/2} ≈ 1 +
	// (d−2)θ²/12 and e^{(d−2)²t/8} ≈ 1 + (d−2)²t/8: relative tolerance
	// 1e-6 + (d−2)θ²/10 + (d−2)²t/4 (1.4e-4 at θ = 6√t on S⁵).
	const tt = 1e-5
	for _, d := range []int{2, 3, 4, 6} {
		for _, r := range []float64{0, 0.5, 1, 3, 6} {
			th := r * math.Sqrt(tt)
			lp, _ := SphereHeatZonal(d, tt, th)
			lg := -float64(d-1)/2*math.Log(2*math.Pi*tt) - th*th/(2*tt)
			tol := 1e-6 + float64(d-2)*th*th/10 + float64((d-2)*(d-2))*tt/4
			require.InDelta(t, 0, math.Expm1(lp-lg), tol, "S%d θ=%g", d-1, th)
		}
	}
}

func TestSphereHeatLargeTime(t *testing.T) {
	// t = 50: the first non-constant mode has weight d·e^{−(d−1)·25}
	// (< 1e-12 for d ≥ 3), so p_t = 1/Vol to 1e-12. On S¹ it is
	// 2e^{−25}cosθ = 2.8e-11 cosθ, so there the test is against
	// (1 + 2e^{−25}cosθ)/2π.
	for _, d := range []int{2, 3, 4, 5} {
		lv := logSphereVolume(d)
		for _, th := range []float64{0, 1, 2, math.Pi} {
			lp, dl := SphereHeatZonal(d, 50, th)
			want, dwant := 0.0, 0.0
			if d == 2 {
				want, dwant = math.Log1p(2*math.Exp(-25)*math.Cos(th)), -2*math.Exp(-25)*math.Sin(th)
			}
			require.InDelta(t, 0, math.Expm1(lp+lv-want), 1e-12, "S%d θ=%g", d-1, th)
			require.InDelta(t, dwant, dl, 1e-12)
		}
	}
}

// TestSphereHeatScoreSpecialPoints checks the score against finite
// differences near x0, near the antipode and in the far tail, in the
// exact small-time regimes of S² and S³ and the series regime of S⁴.
func TestSphereHeatScoreSpecialPoints(t *testing.T) {
	for _, d := range []int{3, 4, 5} {
		for _, tt := range []float64{1e-3, 0.05, 0.4} {
			x0 := make([]float64, d)
			x0[0] = 1
			h, err := NewSphereHeat(x0, tt)
			require.NoError(t, err)
			var pts [][]float64
			for _, th := range []float64{1e-7, 1e-3, math.Sqrt(tt), 1, 2, math.Pi - 1e-2, math.Pi - 1e-4} {
				x := make([]float64, d)
				x[0], x[1] = math.Cos(th), math.Sin(th)
				pts = append(pts, x)
			}
			if tt == 1e-3 {
				// Near the antipode at t = 1e-3 log p has third derivative
				// ~(π/t)³, too large for the harness's step 1e-5; the zonal
				// derivative is checked below with a finer, 4th-order
				// difference instead.
				pts = pts[:5]
			}
			if d == 5 && tt < 0.4 {
				// S⁴ near the antipode for t < 0.4: p_t < 1e-20 p_t(0),
				// the leading form with its documented cap.
				pts = pts[:5]
			}
			checkScoreFD(t, h, pts, 90, scoreTol)
			if d == 5 && tt < 0.4 {
				continue
			}
			for _, th := range []float64{math.Pi - 1e-2, math.Pi - 1e-4} {
				const e = 1e-6
				f := func(x float64) float64 { l, _ := SphereHeatZonal(d, tt, x); return l }
				fd4 := (8*(f(th+e)-f(th-e)) - (f(th+2*e) - f(th-2*e))) / (12 * e)
				_, dl := SphereHeatZonal(d, tt, th)
				require.InDelta(t, fd4, dl, 1e-6*(1+math.Abs(dl)), "S%d t=%g θ=%g", d-1, tt, th)
			}
		}
	}
}

func TestSphereHeatScore(t *testing.T) {
	for i, c := range []struct {
		d int
		t float64
	}{{2, 0.1}, {2, 3}, {3, 0.01}, {3, 0.3}, {3, 2}, {4, 0.05}, {5, 1}, {10, 0.2}} {
		t.Run(fmt.Sprintf("S%d/t=%g", c.d-1, c.t), func(t *testing.T) {
			x0 := make([]float64, c.d)
			rng := newRand(uint64(40 + i))
			NewSphere(c.d).Rand(x0, rng)
			h, err := NewSphereHeat(x0, c.t)
			require.NoError(t, err)
			var pts [][]float64
			for k := 0; k < 10; k++ {
				x := make([]float64, c.d)
				h.Rand(x, rng)
				pts = append(pts, x)
			}
			checkScoreFD(t, h, pts, uint64(50+i), scoreTol)
			// Score vanishes at x0 and at the antipode.
			s := make([]float64, c.d)
			h.Score(s, x0)
			requireClose(t, make([]float64, c.d), s, 1e-12, "score at x0")
			neg := make([]float64, c.d)
			for j := range neg {
				neg[j] = -x0[j]
			}
			h.Score(s, neg)
			requireClose(t, make([]float64, c.d), s, 1e-12, "score at −x0")
		})
	}
}

func TestSphereHeatSampler(t *testing.T) {
	const n = 20000
	for i, c := range []struct {
		d int
		t float64
	}{{2, 0.5}, {2, 5}, {3, 1e-3}, {3, 0.1}, {3, 1}, {4, 0.3}, {5, 0.01}, {10, 0.5},
		{6, 5e-4}, {20, 1e-4}} { // the last two: small-t form (LogProb and Rand)
		t.Run(fmt.Sprintf("S%d/t=%g", c.d-1, c.t), func(t *testing.T) {
			s := NewSphere(c.d)
			x0 := make([]float64, c.d)
			rng := newRand(uint64(60 + i))
			s.Rand(x0, rng)
			h, err := NewSphereHeat(x0, c.t)
			require.NoError(t, err)
			x := make([]float64, c.d)
			cosv, ths, comp := make([]float64, n), make([]float64, n), make([]float64, n)
			// A fixed unit vector e ⊥ x0, for direction uniformity.
			e := make([]float64, c.d)
			s.Rand(e, rng)
			s.ProjectTangent(e, x0, e)
			en := norm(e)
			for j := range e {
				e[j] /= en
			}
			for k := 0; k < n; k++ {
				h.Rand(x, rng)
				require.Less(t, s.Residual(x), exactTol)
				cosv[k] = dot(x0, x)
				ths[k] = s.Dist(x0, x)
				// Component along e of the normalised orthogonal part: for
				// d ≥ 3 its law is that of a coordinate of a uniform point
				// of S^{d−2}, mean 0, variance 1/(d−1).
				var o2 float64
				for j := range x {
					o := x[j] - cosv[k]*x0[j]
					o2 += o * o
				}
				comp[k] = (dot(x, e)) / math.Sqrt(o2)
			}
			// Exact moment E⟨x0, X_t⟩ = e^{−(d−1)t/2}.
			requireMean(t, cosv, math.Exp(-float64(c.d-1)*c.t/2), "E⟨x0,X⟩")
			requireMean(t, comp, 0, "direction component")
			for k := range comp {
				comp[k] = comp[k]*comp[k] - 1/float64(c.d-1)
			}
			requireMean(t, comp, 0, "direction component variance")
			// KS of θ against the CDF by quadrature (cdf called in
			// increasing order by ksStatistic; each call integrates from
			// the previous point by 3-point Gauss–Legendre, error
			// O(h⁶) on the gaps h between sorted samples).
			prev, acc := 0.0, 0.0
			cdf := func(th float64) float64 {
				if th < prev {
					prev, acc = 0, 0
				}
				if th > prev {
					acc += quad.Fixed(func(u float64) float64 {
						return math.Exp(sphereHeatAngleLogDensity(c.d, c.t, u))
					}, prev, th, 3, quad.Legendre{}, 0)
					prev = th
				}
				return acc
			}
			requireKS(t, ths, cdf, "θ")
		})
	}
}

// TestSphereHeatGrid measures the sampler's CDF interpolation error: at the
// midpoint of every grid interval the Hermite interpolant is compared with
// the CDF integrated by 20-point Gauss–Legendre from the left node. Its
// maximum bounds the Kolmogorov distance of the sampled θ from the law,
// up to the normalisation error of the tabulated CDF (checked ≤ 1e-8 by
// TestSphereHeatNormalisation).
func TestSphereHeatGrid(t *testing.T) {
	const bound = 5e-10
	for _, c := range []struct {
		d int
		t float64
	}{{2, 0.1}, {3, 1e-4}, {3, 1e-3}, {3, 0.1}, {3, 3}, {5, 0.01}, {10, 1e-3}, {10, 1}, {20, 1e-4}} {
		h, err := NewSphereHeat(append([]float64{1}, make([]float64, c.d-1)...), c.t)
		require.NoError(t, err)
		tot := sphereHeatAngleIntegral(c.d, c.t, func(float64) float64 { return 1 })
		var maxe float64
		for i := 0; i+1 < len(h.th); i++ {
			mid := 0.5 * (h.th[i] + h.th[i+1])
			want := h.cdf[i] + quad.Fixed(func(u float64) float64 {
				return math.Exp(sphereHeatAngleLogDensity(c.d, c.t, u))
			}, h.th[i], mid, 20, quad.Legendre{}, 0)/tot
			got := h.hermiteCDF(i, 0.5)
			maxe = math.Max(maxe, math.Abs(got-want))
		}
		t.Logf("S%d t=%g: max CDF interpolation error %.3g", c.d-1, c.t, maxe)
		require.Less(t, maxe, bound)
		// invCDF inverts the interpolant.
		for _, u := range []float64{0, 1e-12, 0.1, 0.5, 0.9, 1 - 1e-12} {
			th := h.invCDF(u)
			i := 0
			for i+2 < len(h.th) && h.th[i+1] < th {
				i++
			}
			f := h.hermiteCDF(i, (th-h.th[i])/(h.th[i+1]-h.th[i]))
			require.InDelta(t, u, f, 1e-13, "invCDF(%g)", u)
		}
	}
}

func TestSphereHeatErrors(t *testing.T) {
	_, err := NewSphereHeat([]float64{1, 0, 0}, 0)
	require.ErrorIs(t, err, ErrParameter)
	_, err = NewSphereHeat([]float64{1, 0, 0}, -1)
	require.ErrorIs(t, err, ErrParameter)
	_, err = NewSphereHeat([]float64{1, 0, 0}, math.NaN())
	require.ErrorIs(t, err, ErrParameter)
	_, err = NewSphereHeat([]float64{1, 0, 0}, math.Inf(1))
	require.ErrorIs(t, err, ErrParameter)
	_, err = NewSphereHeat([]float64{1}, 1)
	require.ErrorIs(t, err, ErrParameter)
	_, err = NewSphereHeat([]float64{1, 0.1, 0}, 1)
	require.ErrorIs(t, err, ErrNotOnManifold)
	_, err = NewSphereHeat([]float64{math.NaN(), 0, 0}, 1)
	require.ErrorIs(t, err, ErrNotOnManifold)
	h, err := NewSphereHeat([]float64{1, 0, 0}, 1)
	require.NoError(t, err)
	require.Panics(t, func() { h.LogProb(make([]float64, 2)) })
	require.Panics(t, func() { h.Score(make([]float64, 3), make([]float64, 4)) })
	require.Panics(t, func() { h.Rand(make([]float64, 2), newRand(1)) })
	require.Panics(t, func() { SphereHeatZonal(1, 1, 0) })
	lp, dl := SphereHeatZonal(3, 0, 1)
	require.True(t, math.IsNaN(lp) && math.IsNaN(dl))
	lp, _ = SphereHeatZonal(3, 1, math.NaN())
	require.True(t, math.IsNaN(lp))
}

func TestSphereHeatAllocs(t *testing.T) {
	for _, d := range []int{3, 6} {
		x0 := make([]float64, d)
		x0[0] = 1
		h, err := NewSphereHeat(x0, 0.1)
		require.NoError(t, err)
		x, dst := make([]float64, d), make([]float64, d)
		x[0], x[1] = 0.6, 0.8
		rng := newRand(3)
		require.Zero(t, testing.AllocsPerRun(100, func() { h.LogProb(x) }))
		require.Zero(t, testing.AllocsPerRun(100, func() { h.Score(dst, x) }))
		require.Zero(t, testing.AllocsPerRun(100, func() { h.Rand(dst, rng) }))
		require.Zero(t, testing.AllocsPerRun(100, func() { h.RandFrom(dst, x, rng) }))
	}
}

// TestSphereHeatRandFrom checks transitions from other starts: the exact
// moment E⟨x, X⟩ = e^{−(d−1)t/2} and E⟨x0, X⟩ = e^{−(d−1)t/2}⟨x0, x⟩
// (the degree-1 harmonic ⟨x0, ·⟩ decays at the same rate).
func TestSphereHeatRandFrom(t *testing.T) {
	const n = 20000
	s := NewSphere(4)
	rng := newRand(77)
	x0, x, y := make([]float64, 4), make([]float64, 4), make([]float64, 4)
	s.Rand(x0, rng)
	s.Rand(x, rng)
	h, err := NewSphereHeat(x0, 0.2)
	require.NoError(t, err)
	a, b := make([]float64, n), make([]float64, n)
	for k := 0; k < n; k++ {
		h.RandFrom(y, x, rng)
		a[k], b[k] = dot(x, y), dot(x0, y)
	}
	decay := math.Exp(-3 * 0.2 / 2)
	requireMean(t, a, decay, "E⟨x, X⟩")
	requireMean(t, b, decay*dot(x0, x), "E⟨x0, X⟩")
	require.Panics(t, func() { h.RandFrom(y, make([]float64, 3), rng) })
}

// TestSphereHeatRegimeContinuity evaluates SphereHeatZonal just below and
// above each switch of method in t (S¹: 2; S², S³: 0.5; d ≥ 5: 1e-3), where
// the two sides use different formulas; they must agree to the stated
// accuracies (1e-10 for exact forms and series; the small-t form on the
// other side of 1e-3 is within the bounds of TestSphereHeatLeadingForm).
func TestSphereHeatRegimeContinuity(t *testing.T) {
	cases := []struct {
		d       int
		t, tol  float64
		maxTail float64 // θ range as a multiple of √t (π if larger)
	}{
		{2, 2, 1e-10, 100}, {3, sphereHeatExactMaxT, 1e-10, 100}, {4, sphereHeatExactMaxT, 1e-10, 100},
		{5, sphereHeatSeriesMinT(5), 1e-9, 12}, {8, sphereHeatSeriesMinT(8), 1e-9, 12}, {20, sphereHeatSeriesMinT(20), 1e-9, 12},
	}
	for _, c := range cases {
		lo, hi := c.t*(1-1e-12), c.t*(1+1e-12)
		tm := math.Min(math.Pi, c.maxTail*math.Sqrt(c.t))
		for i := 0; i <= 200; i++ {
			th := tm * float64(i) / 200
			a, da := SphereHeatZonal(c.d, lo, th)
			b, db := SphereHeatZonal(c.d, hi, th)
			require.InDelta(t, 0, math.Expm1(a-b), c.tol, "S%d t=%g θ=%g", c.d-1, c.t, th)
			require.InDelta(t, da, db, 10*c.tol*(1+math.Abs(da))/math.Sqrt(c.t), "∂θ S%d t=%g θ=%g", c.d-1, c.t, th)
		}
	}
}

// TestSphereHeatSamplerHighDim checks the sampler on S⁹⁹ against the
// exact moment E⟨x0, X_t⟩ = e^{−(d−1)t/2} (within 4 standard errors,
// about 2e-5 and 1.5e-4 here). There the bulk of the law lies where the
// eigenfunction series cancels below 1e-12 of its terms; the grid used to
// tabulate the cancelling double sum there, and its mean was 0.847 instead
// of 0.995 at t = 1e-4 and 0.825 instead of 0.952 at t = 1e-3.
func TestSphereHeatSamplerHighDim(t *testing.T) {
	const n = 20000
	for i, c := range []struct {
		d int
		t float64
	}{{100, 1e-4}, {100, 1e-3}} {
		t.Run(fmt.Sprintf("S%d/t=%g", c.d-1, c.t), func(t *testing.T) {
			x0 := make([]float64, c.d)
			x0[0] = 1
			h, err := NewSphereHeat(x0, c.t)
			require.NoError(t, err)
			rng := newRand(uint64(110 + i))
			x := make([]float64, c.d)
			cosv := make([]float64, n)
			for k := range cosv {
				h.Rand(x, rng)
				cosv[k] = x[0]
			}
			requireMean(t, cosv, math.Exp(-float64(c.d-1)*c.t/2), "E⟨x0,X⟩")
		})
	}
}
