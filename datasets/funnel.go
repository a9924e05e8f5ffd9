package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Funnel is Neal's funnel in d dimensions (reference/targets.md):
//
//	x₀ ~ N(0, 3²),  x₁…x_{d−1} | x₀ ~ N(0, e^{x₀} I),
//
// normalised, so log Z = 0:
//
//	log γ(x) = −x₀²/18 − ½ log(18π) − Σ_{i≥1} [ x_i² e^{−x₀}/2 + x₀/2 + ½ log 2π ],
//	∂₀ log γ = −x₀/9 + ½ e^{−x₀} Σ_{i≥1} x_i² − (d−1)/2,
//	∂_i log γ = −x_i e^{−x₀}  (i ≥ 1).
//
// Source: R. M. Neal, Slice sampling, Ann. Statist. 31 (2003), §8.
type Funnel struct {
	d int
}

// NewFunnel returns the funnel in d ≥ 2 dimensions; "funnel10" is d = 10.
// It panics if d < 2.
func NewFunnel(d int) Funnel {
	if d < 2 {
		panic(fmt.Sprintf("datasets: funnel dimension %d, want at least 2", d))
	}
	return Funnel{d: d}
}

// Name returns "funnel<d>".
func (f Funnel) Name() string { return fmt.Sprintf("funnel%d", f.d) }

// Dim returns d.
func (f Funnel) Dim() int { return f.d }

// LogZ returns 0, true.
func (f Funnel) LogZ() (float64, bool) { return 0, true }

const (
	funnelVar0    = 9.0
	halfLog2Pi    = 0.91893853320467274178           // ½ log 2π
	funnelLogNrm0 = -halfLog2Pi - 1.0986122886681098 // −½ log 2π − log 3
)

// LogDensity returns the normalised log density.
func (f Funnel) LogDensity(x []float64) float64 {
	checkLen(x, f.d)
	x0 := x[0]
	var ss float64
	for _, xi := range x[1:] {
		ss += xi * xi
	}
	n := float64(f.d - 1)
	return -0.5*x0*x0/funnelVar0 + funnelLogNrm0 - 0.5*ss*math.Exp(-x0) - n*(0.5*x0+halfLog2Pi)
}

// GradLogDensity writes ∇ log γ(x) into dst and returns log γ(x).
func (f Funnel) GradLogDensity(dst, x []float64) float64 {
	checkLen(x, f.d)
	checkLen(dst, f.d)
	x0 := x[0]
	e := math.Exp(-x0)
	var ss float64
	for i := 1; i < f.d; i++ {
		xi := x[i]
		ss += xi * xi
		dst[i] = -xi * e
	}
	n := float64(f.d - 1)
	dst[0] = -x0/funnelVar0 + 0.5*ss*e - 0.5*n
	return -0.5*x0*x0/funnelVar0 + funnelLogNrm0 - 0.5*ss*e - n*(0.5*x0+halfLog2Pi)
}

// Sample writes an exact draw: x₀ = 3ξ₀, x_i = e^{x₀/2} ξ_i.
func (f Funnel) Sample(dst []float64, rng *rand.Rand) {
	checkLen(dst, f.d)
	x0 := 3 * rng.NormFloat64()
	dst[0] = x0
	s := math.Exp(0.5 * x0)
	for i := 1; i < f.d; i++ {
		dst[i] = s * rng.NormFloat64()
	}
}
