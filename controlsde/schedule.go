package controlsde

import (
	"fmt"
	"math"
)

// Schedule is a noise schedule σ(t) ≥ 0 of the SDE dX = … dt + σ(t) dW,
// together with its integral ν(t) = ∫₀ᵗ σ(s)² ds. The integrators use ν to
// make every reference transition exact: a step from t to t' carries the
// noise variance ν(t') − ν(t), not σ(t)²(t' − t).
type Schedule interface {
	// Sigma returns σ(t).
	Sigma(t float64) float64
	// Integral returns ν(t) = ∫₀ᵗ σ(s)² ds.
	Integral(t float64) float64
}

// Constant is the schedule σ(t) = S, ν(t) = S² t.
type Constant struct{ S float64 }

// Sigma returns S.
func (c Constant) Sigma(t float64) float64 { return c.S }

// Integral returns S² t.
func (c Constant) Integral(t float64) float64 { return c.S * c.S * t }

// LinearBeta is the variance-preserving schedule of Song et al. (2021),
// β(t) = Min + t (Max − Min) on [0, 1], with σ(t) = √β(t) and
// ν(t) = Min t + ½ (Max − Min) t². With Reference.OUVariance = 1 it gives the
// VP process dX = −½ β(t) X dt + √β(t) dW.
type LinearBeta struct{ Min, Max float64 }

// Sigma returns √β(t).
func (l LinearBeta) Sigma(t float64) float64 { return math.Sqrt(l.Min + t*(l.Max-l.Min)) }

// Integral returns Min t + ½ (Max − Min) t².
func (l LinearBeta) Integral(t float64) float64 { return l.Min*t + 0.5*(l.Max-l.Min)*t*t }

// Geometric is the schedule of Adjoint Sampling (Havens et al. 2025),
//
//	σ(t) = σ_min (σ_max/σ_min)^{1−t} √(2 ln(σ_max/σ_min)),
//
// whose integral is ν(t) = σ_min² (r² − r^{2(1−t)}), r = σ_max/σ_min, so
// that ν(1) = σ_max² − σ_min². It requires 0 < Min < Max.
type Geometric struct{ Min, Max float64 }

// Sigma returns σ_min r^{1−t} √(2 ln r).
func (g Geometric) Sigma(t float64) float64 {
	r := g.Max / g.Min
	return g.Min * math.Pow(r, 1-t) * math.Sqrt(2*math.Log(r))
}

// Integral returns σ_min² (r² − r^{2(1−t)}).
func (g Geometric) Integral(t float64) float64 {
	r := g.Max / g.Min
	return g.Min * g.Min * (r*r - math.Pow(r, 2*(1-t)))
}

// Cosine is the cosine schedule of Nichol & Dhariwal (2021) used by DDS
// (Vargas et al. 2023): ᾱ(t) = cos²(φ(t)) / cos²(φ(0)),
// φ(t) = (π/2)(t + s)/(1 + s), s = Offset, and
//
//	σ(t)² = β(t) = −d/dt log ᾱ(t) = π/(1+s) · tan φ(t),
//	ν(t) = −log ᾱ(t) = 2 log cos φ(0) − 2 log cos φ(t).
//
// With Reference.OUVariance = 1 the process is VP with signal level
// √ᾱ(t). σ(t) and ν(t) diverge at t = 1 (ᾱ(1) = 0): the Exact integrator
// handles a last step ending at 1 (its transition is then the stationary
// law), Euler-type schemes do not, so end their grids before 1.
type Cosine struct{ Offset float64 }

func (c Cosine) phi(t float64) float64 { return math.Pi / 2 * (t + c.Offset) / (1 + c.Offset) }

// Sigma returns √(π/(1+s) · tan φ(t)).
func (c Cosine) Sigma(t float64) float64 {
	return math.Sqrt(math.Pi / (1 + c.Offset) * math.Tan(c.phi(t)))
}

// Integral returns 2 log cos φ(0) − 2 log cos φ(t) (+Inf at t = 1).
func (c Cosine) Integral(t float64) float64 {
	ct := math.Cos(c.phi(t))
	if t >= 1 || ct <= 0 {
		return math.Inf(1)
	}
	return 2*math.Log(math.Cos(c.phi(0))) - 2*math.Log(ct)
}

// UniformGrid returns the n+1 times t0 + k (t1 − t0)/n, k = 0…n. It panics
// if n < 1 or t1 ≤ t0.
func UniformGrid(n int, t0, t1 float64) []float64 {
	checkGridArgs("UniformGrid", n, t0, t1)
	g := make([]float64, n+1)
	for k := range g {
		g[k] = t0 + float64(k)*(t1-t0)/float64(n)
	}
	g[n] = t1
	return g
}

// GeometricGrid returns n+1 times from t0 to t1 whose steps grow
// geometrically, Δt_{k+1} = ratio · Δt_k (ratio < 1 refines towards t1,
// ratio > 1 towards t0): t_k = t0 + (t1 − t0)(ratioᵏ − 1)/(ratioⁿ − 1). It
// panics if n < 1, t1 ≤ t0 or ratio ≤ 0.
func GeometricGrid(n int, t0, t1, ratio float64) []float64 {
	checkGridArgs("GeometricGrid", n, t0, t1)
	if !(ratio > 0) {
		panic("controlsde: GeometricGrid: ratio must be positive")
	}
	if ratio == 1 {
		return UniformGrid(n, t0, t1)
	}
	g := make([]float64, n+1)
	den := math.Pow(ratio, float64(n)) - 1
	for k := range g {
		g[k] = t0 + (t1-t0)*(math.Pow(ratio, float64(k))-1)/den
	}
	g[0], g[n] = t0, t1
	return g
}

// CosineGrid returns n+1 times t_k = t0 + (t1 − t0)(1 − cos(πk/n))/2, fine
// near both ends, where diffusion schedules vary fastest. It panics if
// n < 1 or t1 ≤ t0.
func CosineGrid(n int, t0, t1 float64) []float64 {
	checkGridArgs("CosineGrid", n, t0, t1)
	g := make([]float64, n+1)
	for k := range g {
		g[k] = t0 + (t1-t0)*(1-math.Cos(math.Pi*float64(k)/float64(n)))/2
	}
	g[0], g[n] = t0, t1
	return g
}

func checkGridArgs(name string, n int, t0, t1 float64) {
	if n < 1 {
		panic("controlsde: " + name + ": need at least one step")
	}
	if !(t1 > t0) {
		panic("controlsde: " + name + ": need t1 > t0")
	}
}

// checkGrid validates a user-given grid: at least two finite, strictly
// increasing times.
func checkGrid(g []float64) error {
	if len(g) < 2 {
		return fmt.Errorf("%w: %d times, need at least 2", ErrGrid, len(g))
	}
	for k, t := range g {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return fmt.Errorf("%w: time %d is %v", ErrGrid, k, t)
		}
		if k > 0 && !(t > g[k-1]) {
			return fmt.Errorf("%w: times %d and %d not increasing (%v, %v)", ErrGrid, k-1, k, g[k-1], t)
		}
	}
	return nil
}
