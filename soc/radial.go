package soc

import (
	"math"
	"math/rand/v2"
)

// The radial integrals of a Gaussian along a ray. For a unit vector u of
// R^D and one isotropic component N(m, s²I), |ru − m|² = (r − t)² + |m|² − t²
// with t = u·m, so
//
//	∫₀^∞ r^{D−1} N(ru; m, s²I) dr = (2πs²)^{−D/2} e^{−(|m|²−t²)/(2s²)} s^D m_{D−1}(t/s),
//
//	m_n(z) = ∫₀^∞ ρ^n e^{−(ρ−z)²/2} dρ.
//
// Integrating by parts (Abramowitz & Stegun 1964, §7.4 and 19.14 for the
// underlying parabolic-cylinder recurrences),
//
//	m₀(z) = √(2π) Φ(z),  m₁(z) = z m₀(z) + e^{−z²/2},  m_n = z m_{n−1} + (n−1) m_{n−2},
//
// whose terms are all positive for z ≥ 0. For z = −x < 0 the factor
// e^{−z²/2} is taken out, m_n(z) = e^{−z²/2} g_n(x), with
//
//	g_n(x) = ∫₀^∞ ρ^n e^{−xρ−ρ²/2} dρ,  g₀ = R(x) = √(π/2) erfcx(x/√2) (Mills' ratio),
//	g₁ = 1 − x g₀,  g_n = (n−1) g_{n−2} − x g_{n−1}.
//
// All recurrences run on the ratios m_k/m_{k−1} (g_k/g_{k−1}) and sum their
// logs, so nothing overflows. For z ≥ 0 the ratios z + (k−1)/r_{k−1} are
// positive sums. For z = −x < 0 the g recurrence cancels, losing a factor
// of about e^{2x√n} (g_n is its minimal solution: the other one grows like
// (−x)^n while n < x², and faster by e^{2x√n} beyond), so it is used only
// for x√n ≤ 3 (at most e⁶ ≈ 400 ulps) and x ≤ 30; otherwise the asymptotic series
//
//	g_n(x) = Σ_j (−1)^j (n+2j)!/(2^j j!) x^{−(n+2j+1)},
//
// summed while its terms decrease, when x > 8 and its terms fall below
// 1e−17 of the sum before they stop decreasing (the error is below the
// first omitted term), and else Miller's backward recurrence from
// N = n + ⌈x² + (√n + 25/x)²⌉ + 40, where the unwanted solution has fallen
// by more than e^{−50}, normalised by g₀ (Gautschi 1967, SIAM Rev. 9:24;
// g₀ from the series when x > 30, where e^{x²/2} erfc(x/√2) under- and
// overflows). TestLogRadial checks every branch against quadrature to
// 1e-11 (measured: 2.3e-13 for n ≤ 9) for n up to 60.

// logRadial returns log m_n(z) for n ≥ 0.
func logRadial(n int, z float64) float64 {
	if n < 0 {
		panic("soc: logRadial: negative order")
	}
	if z >= 0 {
		m0 := math.Sqrt(math.Pi/2) * math.Erfc(-z/math.Sqrt2)
		l := math.Log(m0)
		if n == 0 {
			return l
		}
		r := z + math.Exp(-z*z/2)/m0 // m₁/m₀
		l += math.Log(r)
		for k := 2; k <= n; k++ {
			r = z + float64(k-1)/r
			l += math.Log(r)
		}
		return l
	}
	x := -z
	return -z*z/2 + logMillsG(n, x)
}

// logMillsG returns log g_n(x) for x > 0 (see logRadial).
func logMillsG(n int, x float64) float64 {
	if x*math.Sqrt(float64(n)) <= 3 && x <= 30 {
		g0 := millsRatio(x)
		l := math.Log(g0)
		if n == 0 {
			return l
		}
		r := 1/g0 - x // g₁/g₀
		l += math.Log(r)
		for k := 2; k <= n; k++ {
			r = float64(k-1)/r - x
			l += math.Log(r)
		}
		return l
	}
	if x > 8 {
		if v, ok := millsSeries(n, x); ok {
			return v
		}
	}
	var lg0 float64
	if x > 30 {
		v, ok := millsSeries(0, x)
		if !ok {
			panic("soc: logMillsG: series of g₀ did not converge")
		}
		lg0 = v
	} else {
		lg0 = math.Log(millsRatio(x))
	}
	// Miller: y_{N+1} = 0, y_N = 1, y_{k−2} = (y_k + x y_{k−1})/(k−1).
	sn := math.Sqrt(float64(n)) + 25/x
	N := n + int(math.Ceil(x*x+sn*sn)) + 40
	hi, lo := 0.0, 1.0 // y_k, y_{k−1} with k = N+1
	var yn float64
	for k := N + 1; k >= 2; k-- {
		next := (hi + x*lo) / float64(k-1) // y_{k−2}
		hi, lo = lo, next
		if k-2 == n {
			yn = next
		}
		// The values fall by up to x^{x²}/(x²)! from k = N down to k ≈ x
		// and grow again below; rescaling y_n with the rest keeps y_n/y₀.
		switch {
		case lo > 1e250:
			hi, lo, yn = hi*1e-250, lo*1e-250, yn*1e-250
		case lo < 1e-250:
			hi, lo, yn = hi*1e250, lo*1e250, yn*1e250
		}
	}
	// lo = y₀: g_n = g₀ y_n/y₀.
	return math.Log(yn) - math.Log(lo) + lg0
}

// millsRatio returns R(x) = e^{x²/2} ∫ₓ^∞ e^{−s²/2} ds = √(π/2) e^{x²/2} erfc(x/√2)
// for 0 ≤ x ≤ 30 (no overflow there: e^{450} and erfc(21.2) ≈ 1e−197).
func millsRatio(x float64) float64 {
	return math.Sqrt(math.Pi/2) * math.Exp(x*x/2) * math.Erfc(x/math.Sqrt2)
}

// millsSeries sums the asymptotic series of g_n(x) (see logRadial) and
// returns its log; ok is false when the terms stop decreasing before they
// fall below 1e−17 of the sum.
func millsSeries(n int, x float64) (float64, bool) {
	// term_j = (−1)^j (n+2j)!/(2^j j!) x^{−(n+2j+1)}, relative to term_0 = n!/x^{n+1}:
	// term_{j+1}/term_j = −(n+2j+1)(n+2j+2)/(2(j+1)x²).
	sum, term := 1.0, 1.0
	x2 := x * x
	for j := 0; ; j++ {
		r := float64(n+2*j+1) * float64(n+2*j+2) / (2 * float64(j+1) * x2)
		if r >= 1 {
			return 0, false
		}
		term *= -r
		sum += term
		if math.Abs(term) < 1e-17*math.Abs(sum) {
			break
		}
	}
	lg, _ := math.Lgamma(float64(n + 1))
	return lg - float64(n+1)*math.Log(x) + math.Log(sum), true
}

// randRadial returns a draw of ρ > 0 with density ∝ f(ρ) = ρ^n e^{−(ρ−z)²/2}
// (n ≥ 0), exactly, by rejection from whichever of two envelopes accepts
// more often (both acceptance rates are closed-form through logRadial):
//
//   - N(ρ*, 1), ρ* the mode on [0, ∞): the log density is 1-strongly
//     concave, so log f(ρ) ≤ log f(ρ*) − (ρ − ρ*)²/2 (at an interior mode
//     the derivative vanishes; at ρ* = 0 it is negative); acceptance
//     m_n(z)/(f(ρ*)√(2π));
//   - for z = −x < 0, Gamma(n+1, rate x): f(ρ) = e^{−z²/2} ρ^n e^{−xρ} e^{−ρ²/2}
//     is accepted with probability e^{−ρ²/2}; acceptance g_n(x) x^{n+1}/n!,
//     near 1 when x ≫ n.
//
// z must be finite.
func randRadial(n int, z float64, rng *rand.Rand) float64 {
	if math.IsNaN(z) || math.IsInf(z, 0) {
		panic("soc: randRadial: non-finite location")
	}
	mode := radialMode(n, z)
	lm := radialLog(n, z, mode)
	if z < 0 {
		lmn := logRadial(n, z)
		lg, _ := math.Lgamma(float64(n + 1))
		gauss := lmn - lm - 0.5*math.Log(2*math.Pi)
		gamma := lmn + z*z/2 + float64(n+1)*math.Log(-z) - lg
		if gamma > gauss {
			x := -z
			for {
				var e float64
				for range n + 1 {
					e += rng.ExpFloat64()
				}
				rho := e / x
				if rng.Float64() < math.Exp(-rho*rho/2) {
					return rho
				}
			}
		}
	}
	for {
		rho := mode + rng.NormFloat64()
		if rho <= 0 {
			continue
		}
		d := rho - mode
		if math.Log(rng.Float64()) < radialLog(n, z, rho)-lm+d*d/2 {
			return rho
		}
	}
}

// radialMode returns the mode on [0, ∞) of ρ^n e^{−(ρ−z)²/2}: the root
// (z + √(z² + 4n))/2 of n/ρ = ρ − z for n > 0, max(z, 0) for n = 0.
func radialMode(n int, z float64) float64 {
	if n == 0 {
		return math.Max(z, 0)
	}
	return (z + math.Sqrt(z*z+4*float64(n))) / 2
}

// radialLog returns n log ρ − (ρ − z)²/2 for ρ > 0.
func radialLog(n int, z, r float64) float64 {
	l := -(r - z) * (r - z) / 2
	if n > 0 {
		l += float64(n) * math.Log(r)
	}
	return l
}
