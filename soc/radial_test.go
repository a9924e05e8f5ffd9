package soc

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
)

// quadLogRadial returns log m_n(z) by composite 16-point Gauss–Legendre
// quadrature of ρ^n e^{−(ρ−z)²/2}, scaled by its value at the mode, over
// [0, ρ* + 40] in 4000 panels (the integrand's narrowest feature, width
// 1/|z| near 0 for z = −40, spans ten panels).
func quadLogRadial(n int, z float64) float64 {
	mode := radialMode(n, z)
	lf := func(r float64) float64 { return radialLog(n, z, r) }
	lm := lf(mode)
	f := func(r float64) float64 {
		if r <= 0 {
			return 0
		}
		return math.Exp(lf(r) - lm)
	}
	b := mode + 40
	const panels = 4000
	var s float64
	for i := range panels {
		lo, hi := b*float64(i)/panels, b*float64(i+1)/panels
		s += quad.Fixed(f, lo, hi, 16, quad.Legendre{}, 0)
	}
	return lm + math.Log(s)
}

func TestLogRadial(t *testing.T) {
	// Tolerance on |log m_n − log m̂_n| against the quadrature above, whose
	// own error is at the 1e-14 level (1e-15 from 60-digit mpmath values of
	// the parabolic-cylinder form at n = 52–60, z = −38, −40, in review);
	// the Miller and series branches are exact to rounding, the forward
	// branch of g_n loses at most e^{2x√n} ≤ e⁶ ulps to cancellation. The
	// z values straddle every branch boundary: x√n = 3, x = 8 and 30, and
	// the overflow of e^{x²/2} at x ≈ 37.7 (n ≥ 52 fell back to it once).
	const tol = 1e-11
	zs := []float64{-60, -40, -38, -35, -30.5, -29.5, -12, -8.01, -7.99, -4.1, -3.9, -2, -1.5, -1.0001, -0.9999, -0.3, 0, 0.3, 1, 5, 20, 60}
	for _, n := range []int{0, 1, 2, 3, 4, 6, 9, 20, 52, 60} {
		for _, z := range zs {
			got, want := logRadial(n, z), quadLogRadial(n, z)
			require.Falsef(t, math.IsNaN(got) || math.IsInf(got, 0), "n=%d z=%v: %v", n, z, got)
			assert.InDeltaf(t, want, got, tol, "n=%d z=%v", n, z)
		}
	}
	// Closed forms: m₀(0) = √(π/2), m₂(0) = √(π/2), m₁(0) = 1, m₃(0) = 2.
	assert.InDelta(t, math.Log(math.Sqrt(math.Pi/2)), logRadial(0, 0), 1e-15)
	assert.InDelta(t, 0, logRadial(1, 0), 1e-15)
	assert.InDelta(t, math.Log(math.Sqrt(math.Pi/2)), logRadial(2, 0), 1e-15)
	assert.InDelta(t, math.Log(2), logRadial(3, 0), 1e-15)
}

func TestRandRadial(t *testing.T) {
	// E[ρ] = m_{n+1}(z)/m_n(z) and E[ρ²] = m_{n+2}(z)/m_n(z) exactly; the
	// sample means of 40 000 draws must be within 4 standard errors (both
	// rejection branches: z < −4 uses the Gamma envelope).
	const n, sigmas = 40000, 4.0
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		n int
		z float64
	}{{2, 1.5}, {2, 0}, {3, -1}, {3, -3.9}, {3, -4.1}, {2, -12}, {0, -0.5}, {1, 6}, {49, -4.01}, {20, -30}} {
		m1 := math.Exp(logRadial(c.n+1, c.z) - logRadial(c.n, c.z))
		m2 := math.Exp(logRadial(c.n+2, c.z) - logRadial(c.n, c.z))
		var s, s2 float64
		for range n {
			r := randRadial(c.n, c.z, rng)
			require.Greater(t, r, 0.0)
			s += r
			s2 += r * r
		}
		se := math.Sqrt((m2 - m1*m1) / n)
		assert.InDeltaf(t, m1, s/n, sigmas*se, "E ρ, n=%d z=%v", c.n, c.z)
		v := m2 - m1*m1
		// Var of ρ² is bounded by E ρ⁴; use the exact fourth moment.
		m4 := math.Exp(logRadial(c.n+4, c.z) - logRadial(c.n, c.z))
		assert.InDeltaf(t, m2, s2/n, sigmas*math.Sqrt((m4-m2*m2)/n), "E ρ², n=%d z=%v (var %v)", c.n, c.z, v)
	}
}
