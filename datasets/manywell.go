package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// table1D is the distribution function of a 1-D density p ∝ exp(logf) on a
// uniform grid x_i = lo + i·h, i = 0…m, for sampling by inversion.
//
// Each cell mass ∫_{x_i}^{x_{i+1}} f is computed by Simpson's rule (error
// h⁵/2880 · max|f⁗| per cell), so the grid values of the CDF are exact to
// rounding. The quantile function interpolates the CDF linearly within a
// cell, so the law sampled is p averaged over each cell; its Kolmogorov
// distance to p is at most h²/8 · max|p′|, the error of linear
// interpolation of F (F″ = p′).
type table1D struct {
	lo, h float64
	cdf   []float64 // cdf[0] = 0, cdf[m] = 1
	logZ  float64   // log ∫_lo^hi exp(logf)
}

func newTable1D(logf func(float64) float64, lo, hi float64, m int) *table1D {
	h := (hi - lo) / float64(m)
	shift := math.Inf(-1)
	for i := 0; i <= 2*m; i++ {
		shift = math.Max(shift, logf(lo+0.5*h*float64(i)))
	}
	f := func(x float64) float64 { return math.Exp(logf(x) - shift) }
	t := &table1D{lo: lo, h: h, cdf: make([]float64, m+1)}
	var c float64
	fa := f(lo)
	for i := range m {
		a := lo + h*float64(i)
		fb := f(a + h)
		c += h / 6 * (fa + 4*f(a+0.5*h) + fb)
		t.cdf[i+1] = c
		fa = fb
	}
	for i := range t.cdf {
		t.cdf[i] /= c
	}
	t.cdf[m] = 1
	t.logZ = math.Log(c) + shift
	return t
}

// quantile returns the linear interpolant of F⁻¹ at u ∈ [0, 1).
func (t *table1D) quantile(u float64) float64 {
	// Largest i in [0, m−1] with cdf[i] ≤ u; then cdf[i+1] > u ≥ cdf[i].
	lo, hi := 0, len(t.cdf)-2
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.cdf[mid] <= u {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	c0, c1 := t.cdf[lo], t.cdf[lo+1]
	if c1 <= c0 { // only for u ≥ 1, outside the documented range
		return t.lo + t.h*float64(lo+1)
	}
	return t.lo + t.h*(float64(lo)+(u-c0)/(c1-c0))
}

// Grid of the inversion tables: step 1e-4 on [−3.5, 3.5]. Outside this
// interval the double-well density below is < e^{−84} times its maximum and
// the MW-5 coordinate density < e^{−68} times its maximum, so the truncated
// mass is below 1e−29.
const (
	wellGridLo    = -3.5
	wellGridHi    = 3.5
	wellGridCells = 70000
)

// doubleWellLogF is the unnormalised log density of the d coordinate of a
// Many-Well block, 0.5d + 6d² − d⁴.
func doubleWellLogF(d float64) float64 {
	d2 := d * d
	return 0.5*d + 6*d2 - d2*d2
}

// quarticWellLogF is the unnormalised log density of an MW-5 coordinate,
// −(x² − 4)².
func quarticWellLogF(x float64) float64 {
	r := x*x - 4
	return -r * r
}

var (
	doubleWellTable = sync.OnceValue(func() *table1D {
		return newTable1D(doubleWellLogF, wellGridLo, wellGridHi, wellGridCells)
	})
	quarticWellTable = sync.OnceValue(func() *table1D {
		return newTable1D(quarticWellLogF, wellGridLo, wellGridHi, wellGridCells)
	})
)

// ManyWell is the Many-Well target of Midgley et al. (FAB, ICLR 2023) as
// defined in reference/targets.md: B independent 2-D double-well blocks
// (d, v) = (x_{2k}, x_{2k+1}), k = 0…B−1, with energy
//
//	E(x) = Σ_k [ −0.5 d_k − 6 d_k² + d_k⁴ + ½ v_k² ],
//	∂E/∂d = −0.5 − 12 d + 4 d³,  ∂E/∂v = v.
//
// It has 2^B modes at d ≈ −1.71 and d ≈ +1.75. Since it factorises,
//
//	log Z = B (log ∫ e^{0.5d + 6d² − d⁴} dd + ½ log 2π),
//
// with the 1-D integral 11784.50927 (so log Z = 164.69568 for B = 16)
// computed by Simpson's rule on the sampling grid. Exact samples draw each
// d by inversion of its tabulated CDF (step h = 1e−4 on [−3.5, 3.5];
// Kolmogorov distance of the sampled d law to the exact one below 1e−8) and
// v ~ N(0, 1).
type ManyWell struct {
	blocks int
	tab    *table1D
}

// NewManyWell returns the Many-Well target with the given number of blocks
// (dimension 2·blocks). It panics if blocks < 1.
func NewManyWell(blocks int) ManyWell {
	if blocks < 1 {
		panic(fmt.Sprintf("datasets: many-well with %d blocks", blocks))
	}
	return ManyWell{blocks: blocks, tab: doubleWellTable()}
}

// NewManyWell32 returns Many-Well-32 (16 blocks), named "manywell32".
func NewManyWell32() ManyWell { return NewManyWell(16) }

// Name returns "manywell<dim>".
func (w ManyWell) Name() string { return fmt.Sprintf("manywell%d", 2*w.blocks) }

// Dim returns 2·blocks.
func (w ManyWell) Dim() int { return 2 * w.blocks }

// LogZ returns B (log ∫ e^{0.5d + 6d² − d⁴} dd + ½ log 2π), true.
func (w ManyWell) LogZ() (float64, bool) {
	return float64(w.blocks) * (w.tab.logZ + halfLog2Pi), true
}

// LogDensity returns −E(x).
func (w ManyWell) LogDensity(x []float64) float64 {
	checkLen(x, 2*w.blocks)
	var s float64
	for k := 0; k < len(x); k += 2 {
		d, v := x[k], x[k+1]
		s += doubleWellLogF(d) - 0.5*v*v
	}
	return s
}

// GradLogDensity writes −∇E(x) into dst and returns −E(x).
func (w ManyWell) GradLogDensity(dst, x []float64) float64 {
	checkLen(x, 2*w.blocks)
	checkLen(dst, 2*w.blocks)
	var s float64
	for k := 0; k < len(x); k += 2 {
		d, v := x[k], x[k+1]
		d2 := d * d
		s += 0.5*d + 6*d2 - d2*d2 - 0.5*v*v
		dst[k] = 0.5 + 12*d - 4*d2*d
		dst[k+1] = -v
	}
	return s
}

// Sample writes an exact draw (up to the stated grid accuracy of d).
func (w ManyWell) Sample(dst []float64, rng *rand.Rand) {
	checkLen(dst, 2*w.blocks)
	for k := 0; k < len(dst); k += 2 {
		dst[k] = w.tab.quantile(rng.Float64())
		dst[k+1] = rng.NormFloat64()
	}
}

// QuarticWell is the many-well target MW-d of reference/targets.md (MW-5 for
// d = 5, as in the Adjoint Sampling / ASBS benchmarks):
//
//	E(x) = Σ_i (x_i² − 4)²,  ∂E/∂x_i = 4 x_i (x_i² − 4),
//
// with 2^d equal modes at x_i = ±2. It factorises:
// log Z = d log ∫ e^{−(x²−4)²} dx = d log 0.89743812… (log Z = −0.541056 for
// d = 5), the 1-D integral by Simpson's rule on the sampling grid. Exact
// samples draw each coordinate by inversion of its tabulated CDF (step
// h = 1e−4 on [−3.5, 3.5]; Kolmogorov distance below 1e−8).
type QuarticWell struct {
	d   int
	tab *table1D
}

// NewQuarticWell returns MW-d. It panics if d < 1.
func NewQuarticWell(d int) QuarticWell {
	if d < 1 {
		panic(fmt.Sprintf("datasets: quartic many-well dimension %d", d))
	}
	return QuarticWell{d: d, tab: quarticWellTable()}
}

// NewMW5 returns MW-5, named "mw5".
func NewMW5() QuarticWell { return NewQuarticWell(5) }

// Name returns "mw<d>".
func (w QuarticWell) Name() string { return fmt.Sprintf("mw%d", w.d) }

// Dim returns d.
func (w QuarticWell) Dim() int { return w.d }

// LogZ returns d log ∫ e^{−(x²−4)²} dx, true.
func (w QuarticWell) LogZ() (float64, bool) { return float64(w.d) * w.tab.logZ, true }

// LogDensity returns −E(x).
func (w QuarticWell) LogDensity(x []float64) float64 {
	checkLen(x, w.d)
	var s float64
	for _, xi := range x {
		s += quarticWellLogF(xi)
	}
	return s
}

// GradLogDensity writes −∇E(x) into dst and returns −E(x).
func (w QuarticWell) GradLogDensity(dst, x []float64) float64 {
	checkLen(x, w.d)
	checkLen(dst, w.d)
	var s float64
	for i, xi := range x {
		r := xi*xi - 4
		s -= r * r
		dst[i] = -4 * xi * r
	}
	return s
}

// Sample writes an exact draw (up to the stated grid accuracy).
func (w QuarticWell) Sample(dst []float64, rng *rand.Rand) {
	checkLen(dst, w.d)
	for i := range dst {
		dst[i] = w.tab.quantile(rng.Float64())
	}
}
