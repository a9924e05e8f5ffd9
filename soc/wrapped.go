package soc

import (
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/manifold"
)

// lrds on the torus T^n runs its chain on the universal cover R^n. With q̃
// the Gaussian mixture on R^n and wrap: R^n → [−π, π)^n, the terminal law
// of wrap(Y₁) is the wrapped mixture
//
//	q(x) = Σ_{m ∈ Zⁿ} q̃(x + 2πm)   (density on [−π, π)^n),
//
// and the extension γ̃(y) = γ(wrap y) q̃(y)/q(wrap y) of the target to R^n
// has the same normaliser Z (the images of a point share γ(x) in the
// proportions q̃(y)/q(x)). So the Euclidean chain's path weight against
// the path measure tilted to γ̃ is exact, and its terminal term is
// γ̃(Y)/q̃(Y) = γ(x)/q(x), x = wrap(Y): nothing but the wrapped densities
// is needed. The image sums are truncated to the images within 12
// standard deviations of each component (the rest is below 1e-31 of the
// sum).

// wrappedLaw is the wrapped mixture q on T^n of a Gaussian mixture law on
// R^n; it implements mixtureLaw on the torus (draws are wrapped).
type wrappedLaw struct {
	c *mixtureChain
}

// wrappedNormalLog returns log Σ_m N(x + 2πm; μ, s²) over the images
// within 12 s of μ.
func wrappedNormalLog(x, mu, s2 float64) float64 {
	s := math.Sqrt(s2)
	lo := math.Floor((mu - 12*s - x) / (2 * math.Pi))
	hi := math.Ceil((mu + 12*s - x) / (2 * math.Pi))
	m, sum := math.Inf(-1), 0.0
	for k := lo; k <= hi; k++ {
		e := x + 2*math.Pi*k - mu
		l := -0.5 * e * e / s2
		if l > m {
			sum = sum*math.Exp(m-l) + 1
			m = l
		} else {
			sum += math.Exp(l - m)
		}
	}
	return m + math.Log(sum) - 0.5*math.Log(2*math.Pi*s2)
}

// LogDensity returns log q(wrap x).
func (w wrappedLaw) LogDensity(x []float64) float64 {
	c := w.c
	if c.product {
		var l float64
		for i, xi := range x {
			xi = manifold.TorusWrap(xi)
			m, s := math.Inf(-1), 0.0
			for j := range c.k {
				lw, mu, s2 := c.comp(i, j)
				v := lw + wrappedNormalLog(xi, mu, s2)
				m, s, _ = lseScale(m, s, v)
			}
			l += m + math.Log(s)
		}
		return l
	}
	m, s := math.Inf(-1), 0.0
	for j := range c.k {
		lw, _, _ := c.comp(0, j)
		v := lw
		for i, xi := range x {
			_, mu, s2 := c.comp(i, j)
			v += wrappedNormalLog(manifold.TorusWrap(xi), mu, s2)
		}
		m, s, _ = lseScale(m, s, v)
	}
	return m + math.Log(s)
}

// GradLogDensity is not needed by lrds; it panics.
func (w wrappedLaw) GradLogDensity(dst, x []float64) float64 {
	panic("soc: wrappedLaw: no gradient")
}

// Rand writes a draw of q: a draw of q̃, wrapped.
func (w wrappedLaw) Rand(dst []float64, rng *rand.Rand) {
	w.c.cover.Rand(dst, rng)
	for i, v := range dst {
		dst[i] = manifold.TorusWrap(v)
	}
}

// project writes wrap(y).
func (w wrappedLaw) project(dst, y []float64) {
	for i, v := range y {
		dst[i] = manifold.TorusWrap(v)
	}
}

// fitCoords wraps y in place: q̃ is refitted to the wrapped points.
func (w wrappedLaw) fitCoords(y []float64) { w.project(y, y) }

// lift writes into y a draw of Y given wrap(Y) = x under q̃ (the lift of
// the extension γ̃): for the product family each coordinate picks an
// image x_i + 2πm with probability ∝ Σ_k w_ik N(x_i + 2πm; μ_ik, s_ik²);
// for the isotropic and diagonal families a component k is drawn with
// probability ∝ w_k Π_i Σ_m N(x_i + 2πm; μ_ki, s_ki²), then the images per
// coordinate ∝ N(x_i + 2πm; μ_ki, s_ki²) (s_ki = s_k for isotropic). tmp holds K values.
func (w wrappedLaw) lift(y, x, tmp []float64, rng *rand.Rand) {
	c := w.c
	image := func(xi float64, logWeight func(yi float64) float64, lo, hi float64) float64 {
		return pickImage(xi, lo, hi, logWeight, rng)
	}
	span := func(xi float64, comps func(j int) (float64, float64)) (float64, float64) {
		lo, hi := math.Inf(1), math.Inf(-1)
		for j := range c.k {
			mu, s2 := comps(j)
			s := math.Sqrt(s2)
			lo = math.Min(lo, math.Floor((mu-12*s-xi)/(2*math.Pi)))
			hi = math.Max(hi, math.Ceil((mu+12*s-xi)/(2*math.Pi)))
		}
		return lo, hi
	}
	if c.product {
		for i, xi := range x {
			xi = manifold.TorusWrap(xi)
			comps := func(j int) (float64, float64) { _, mu, s2 := c.comp(i, j); return mu, s2 }
			lo, hi := span(xi, comps)
			y[i] = image(xi, func(yi float64) float64 {
				m, s := math.Inf(-1), 0.0
				for j := range c.k {
					lw, mu, s2 := c.comp(i, j)
					e := yi - mu
					m, s, _ = lseScale(m, s, lw-0.5*e*e/s2-0.5*math.Log(s2))
				}
				return m + math.Log(s)
			}, lo, hi)
		}
		return
	}
	for j := range c.k {
		lw, _, _ := c.comp(0, j)
		tmp[j] = lw
		for i, xi := range x {
			_, mu, s2 := c.comp(i, j)
			tmp[j] += wrappedNormalLog(manifold.TorusWrap(xi), mu, s2)
		}
	}
	j := pickLog(tmp[:c.k], rng)
	for i, xi := range x {
		xi = manifold.TorusWrap(xi)
		_, mu, s2 := c.comp(i, j)
		lo, hi := span(xi, func(int) (float64, float64) { return mu, s2 })
		y[i] = image(xi, func(yi float64) float64 { e := yi - mu; return -0.5 * e * e / s2 }, lo, hi)
	}
}

// pickLog returns an index j drawn with probability ∝ e^{l_j}, normalised
// by the largest l_j; l is overwritten with e^{l_j − max l}.
func pickLog(l []float64, rng *rand.Rand) int {
	mx := math.Inf(-1)
	for _, v := range l {
		mx = math.Max(mx, v)
	}
	var tot float64
	for j, v := range l {
		l[j] = math.Exp(v - mx)
		tot += l[j]
	}
	return pickIndex(l, rng.Float64()*tot)
}

// pickImage returns the image x + 2πk, k ∈ [lo, hi], drawn with
// probability ∝ e^{logWeight(x + 2πk)}, normalised by the largest log
// weight so that images far in standard deviations (whose weights would
// all underflow) still go to the nearest one.
func pickImage(x, lo, hi float64, logWeight func(y float64) float64, rng *rand.Rand) float64 {
	mx, best := math.Inf(-1), lo
	for k := lo; k <= hi; k++ {
		if l := logWeight(x + 2*math.Pi*k); l > mx {
			mx, best = l, k
		}
	}
	var tot float64
	for k := lo; k <= hi; k++ {
		tot += math.Exp(logWeight(x+2*math.Pi*k) - mx)
	}
	u := rng.Float64() * tot
	for k := lo; k <= hi; k++ {
		if u -= math.Exp(logWeight(x+2*math.Pi*k) - mx); u < 0 {
			return x + 2*math.Pi*k
		}
	}
	return x + 2*math.Pi*best // rounding left u ≥ 0
}

// lseScale folds exp(v) into a running sum s·exp(m) and returns the factor
// by which the terms so far were rescaled.
func lseScale(m, s, v float64) (nm, ns, scale float64) {
	if v <= m {
		return m, s + math.Exp(v-m), 1
	}
	scale = math.Exp(m - v)
	return v, s*scale + 1, scale
}
