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
// For x > 1 that recurrence cancels: g_n is its minimal solution (the
// other one grows like (−x)^n while n < x², and faster by e^{2x√n} beyond),
// so g_n is computed by Miller's backward recurrence from
// N = n + ⌈x² + (√n + 25/x)²⌉ + 40, where the unwanted solution has
// fallen by more than e^{−50}, normalised by g₀ (Gautschi 1967, SIAM Rev.
// 9:24), and
// for x > 30 by the asymptotic series
//
//	g_n(x) = Σ_j (−1)^j (n+2j)!/(2^j j!) x^{−(n+2j+1)},
//
// summed while its terms decrease (the error is below the first omitted
// term). TestLogRadial checks all three against quadrature to 1e-12.

// logRadial returns log m_n(z) for n ≥ 0.
func logRadial(n int, z float64) float64 {
	if n < 0 {
		panic("soc: logRadial: negative order")
	}
	if z >= 0 {
		// Forward recurrence, rescaled to stay finite.
		a := math.Sqrt(math.Pi/2) * math.Erfc(-z/math.Sqrt2) // m₀
		if n == 0 {
			return math.Log(a)
		}
		b := z*a + math.Exp(-z*z/2) // m₁
		var lsc float64
		for k := 2; k <= n; k++ {
			a, b = b, z*b+float64(k-1)*a
			if b > 1e250 {
				a, b = a*1e-250, b*1e-250
				lsc += 250 * math.Ln10
			}
		}
		return math.Log(b) + lsc
	}
	x := -z
	return -z*z/2 + logMillsG(n, x)
}

// logMillsG returns log g_n(x) for x > 0 (see logRadial).
func logMillsG(n int, x float64) float64 {
	if x > 30 {
		if v, ok := millsSeries(n, x); ok {
			return v
		}
	}
	g0 := millsRatio(x)
	if x <= 1 {
		if n == 0 {
			return math.Log(g0)
		}
		a, b := g0, 1-x*g0
		for k := 2; k <= n; k++ {
			a, b = b, float64(k-1)*a-x*b
		}
		return math.Log(b)
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
	return math.Log(yn) - math.Log(lo) + math.Log(g0)
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

// randRadial returns a draw of ρ > 0 with density ∝ ρ^n e^{−(ρ−z)²/2}
// (n ≥ 0), exactly, by rejection:
//
//   - for z ≥ −4 from N(ρ*, 1), ρ* the mode on [0, ∞): the log density is
//     1-strongly concave, so log f(ρ) ≤ log f(ρ*) − (ρ − ρ*)²/2 (at an
//     interior mode the derivative vanishes; at ρ* = 0 it is negative);
//   - for z = −x < −4 from Gamma(n+1, rate x): f(ρ) = e^{−z²/2} ρ^n e^{−xρ} e^{−ρ²/2},
//     accepted with probability e^{−ρ²/2} (acceptance → 1 as x grows).
func randRadial(n int, z float64, rng *rand.Rand) float64 {
	if z < -4 {
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
	mode := radialMode(n, z)
	lf := func(r float64) float64 { return radialLog(n, z, r) }
	lm := lf(mode)
	for {
		rho := mode + rng.NormFloat64()
		if rho <= 0 {
			continue
		}
		d := rho - mode
		if math.Log(rng.Float64()) < lf(rho)-lm+d*d/2 {
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
