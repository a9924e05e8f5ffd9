package controlsde

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// ProductMixture is the unnormalised target on R^d whose coordinates are
// independent one-dimensional Gaussian mixtures with K components each,
//
//	γ(x) = Z Π_i Σ_k w_ik N(x_i; m_ik, s_ik²),   log Z = LogScale,
//
// with Σ_k w_ik = 1 for every coordinate i. It is a Gaussian mixture with
// K^d components of diagonal covariance (a mean-field mixture) whose
// density, score and Föllmer drift (FollmerProduct) cost O(dK). It
// implements Target and LogZer.
type ProductMixture struct {
	d, k     int
	logW     []float64 // log w_ik at i·K + k
	means    []float64 // m_ik at i·K + k
	vars     []float64 // s_ik² at i·K + k
	logScale float64
}

// NewProductMixture returns the product of d one-dimensional mixtures with
// k components each: weights, means and variances hold d·k values, the k
// values of coordinate i at i·k … i·k+k−1. The weights of each coordinate
// are normalised here. It returns an error wrapping ErrProblem for
// non-positive or non-finite weights or variances, non-finite means, or
// inconsistent lengths.
func NewProductMixture(d, k int, weights, means, variances []float64, logScale float64) (*ProductMixture, error) {
	if d < 1 || k < 1 || len(weights) != d*k || len(means) != d*k || len(variances) != d*k {
		return nil, fmt.Errorf("%w: product mixture needs d·K = %d·%d weights, means and variances, have %d, %d, %d",
			ErrProblem, d, k, len(weights), len(means), len(variances))
	}
	p := &ProductMixture{d: d, k: k, logScale: logScale, logW: make([]float64, d*k),
		means: append([]float64(nil), means...), vars: append([]float64(nil), variances...)}
	for i := range d {
		var sw float64
		for j := i * k; j < (i+1)*k; j++ {
			w, v := weights[j], variances[j]
			if !(w > 0) || math.IsInf(w, 0) || !(v > 0) || math.IsInf(v, 0) || math.IsNaN(means[j]) || math.IsInf(means[j], 0) {
				return nil, fmt.Errorf("%w: product mixture coordinate %d component %d has weight %v, mean %v, variance %v",
					ErrProblem, i, j-i*k, w, means[j], v)
			}
			sw += w
		}
		for j := i * k; j < (i+1)*k; j++ {
			p.logW[j] = math.Log(weights[j] / sw)
		}
	}
	return p, nil
}

// Dim returns d.
func (p *ProductMixture) Dim() int { return p.d }

// Components returns K, the number of components per coordinate.
func (p *ProductMixture) Components() int { return p.k }

// LogZ returns LogScale and true.
func (p *ProductMixture) LogZ() (float64, bool) { return p.logScale, true }

// coord returns log q_i(x) and ∂ log q_i(x) for coordinate i.
func (p *ProductMixture) coord(i int, x float64) (l, g float64) {
	m, s, num := math.Inf(-1), 0.0, 0.0
	for j := i * p.k; j < (i+1)*p.k; j++ {
		v := p.vars[j]
		e := x - p.means[j]
		lk := p.logW[j] - 0.5*e*e/v - 0.5*math.Log(2*math.Pi*v)
		var scale float64
		m, s, scale = lseAddScale(m, s, lk)
		num = num*scale + math.Exp(lk-m)*(-e/v)
	}
	return m + math.Log(s), num / s
}

// LogDensity returns log γ(x).
func (p *ProductMixture) LogDensity(x []float64) float64 {
	if len(x) != p.d {
		panic("controlsde: ProductMixture: dimension mismatch")
	}
	l := p.logScale
	for i, v := range x {
		li, _ := p.coord(i, v)
		l += li
	}
	return l
}

// GradLogDensity writes ∇ log γ(x) into dst and returns log γ(x).
func (p *ProductMixture) GradLogDensity(dst, x []float64) float64 {
	if len(x) != p.d || len(dst) != p.d {
		panic("controlsde: ProductMixture: dimension mismatch")
	}
	l := p.logScale
	for i, v := range x {
		li, gi := p.coord(i, v)
		l += li
		dst[i] = gi
	}
	return l
}

// Rand writes an exact draw from the normalised mixture into dst: each
// coordinate picks its component and draws from it independently.
func (p *ProductMixture) Rand(dst []float64, rng *rand.Rand) {
	if len(dst) != p.d {
		panic("controlsde: ProductMixture: dimension mismatch")
	}
	for i := range dst {
		u := rng.Float64()
		j := (i+1)*p.k - 1
		for c := i * p.k; c < (i+1)*p.k; c++ {
			if u -= math.Exp(p.logW[c]); u < 0 {
				j = c
				break
			}
		}
		dst[i] = p.means[j] + math.Sqrt(p.vars[j])*rng.NormFloat64()
	}
}

// FollmerProduct is the Föllmer drift (the exact optimal control) for a
// ProductMixture target under a Brownian reference on R^d from X₀ = 0 with
// noise schedule Sigma on [0, T]. Because both the target and the
// reference factorise over coordinates, so does
//
//	h(t, x) = ∫ N(y; x, τI) γ(y) / N(y; 0, VI) dy = Z Π_i Σ_k w_ik I_ik,
//
// with V = ν(T), τ = ν(T) − ν(t) (ν = ∫σ², as in Follmer). For a
// component N(m, s²) of coordinate i, with a = 1/s² − 1/V and
// D = 1 + τa > 0 (τ ≤ V), completing the square in the Gaussian integral
// of Follmer's doc comment and cancelling the 1/τ terms gives the form
// that stays finite down to τ = 0:
//
//	log I = ½ log(V/s²) − ½ log D + (m²τ/s⁴ + 2mx/s² − a x²)/(2D) − m²/(2s²),
//	∂_x log I = ((m − x)/s² + x/V) / D.
//
// At τ = 0 these are log N(x; m, s²) − log N(x; 0, V) and its derivative,
// the limit h(T, x) = γ(x)/N(x; 0, VI). The control is
// u*(t, x)_i = σ(t) Σ_k r_ik ∂_x log I_ik with responsibilities
// r_ik ∝ w_ik I_ik. It costs O(dK) per point and needs no scratch space.
type FollmerProduct struct {
	pm    *ProductMixture
	sigma Schedule
	t1    float64
}

// NewFollmerProduct returns the Föllmer drift for target γ under the
// reference σ(t) dW on [0, T] from 0. As for NewFollmer, with another
// start, grid or drift it stays a valid control but is no longer optimal.
func NewFollmerProduct(target *ProductMixture, sigma Schedule, T float64) *FollmerProduct {
	if sigma == nil {
		sigma = Constant{S: 1}
	}
	return &FollmerProduct{pm: target, sigma: sigma, t1: T}
}

// coord returns log Σ_k w_ik I_ik and its x-derivative for coordinate i.
func (f *FollmerProduct) coord(i int, x, V, tau float64) (l, g float64) {
	p := f.pm
	m, s, num := math.Inf(-1), 0.0, 0.0
	for j := i * p.k; j < (i+1)*p.k; j++ {
		s2, mu := p.vars[j], p.means[j]
		a := 1/s2 - 1/V
		D := 1 + tau*a
		lk := p.logW[j] + 0.5*math.Log(V/s2) - 0.5*math.Log(D) +
			(mu*mu*tau/(s2*s2)+2*mu*x/s2-a*x*x)/(2*D) - mu*mu/(2*s2)
		gk := ((mu-x)/s2 + x/V) / D
		var scale float64
		m, s, scale = lseAddScale(m, s, lk)
		num = num*scale + math.Exp(lk-m)*gk
	}
	return m + math.Log(s), num / s
}

func (f *FollmerProduct) times(t float64) (V, tau float64) {
	V = f.sigma.Integral(f.t1) - f.sigma.Integral(0)
	tau = max(f.sigma.Integral(f.t1)-f.sigma.Integral(t), 0)
	return V, tau
}

// LogH returns log h(t, x) (it includes log Z).
func (f *FollmerProduct) LogH(t float64, x []float64) float64 {
	if len(x) != f.pm.d {
		panic("controlsde: FollmerProduct: dimension mismatch")
	}
	V, tau := f.times(t)
	l := f.pm.logScale
	for i, v := range x {
		li, _ := f.coord(i, v, V, tau)
		l += li
	}
	return l
}

// Control writes u*(t, x_i) = σ(t) ∇ log h(t, x_i) for each point.
func (f *FollmerProduct) Control(dst []float64, t float64, x []float64) {
	d := f.pm.d
	if len(dst) != len(x) || len(x)%d != 0 {
		panic("controlsde: FollmerProduct: batch length mismatch")
	}
	V, tau := f.times(t)
	sg := f.sigma.Sigma(t)
	for c, v := range x {
		_, g := f.coord(c%d, v, V, tau)
		dst[c] = sg * g
	}
}
