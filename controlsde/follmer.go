package controlsde

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// GaussianMixture is the unnormalised target on R^d
//
//	γ(x) = Z Σ_k w_k N(x; m_k, s_k² I),   log Z = LogScale,
//
// with weights w_k summing to one. It implements Target and LogZer.
type GaussianMixture struct {
	d        int
	logW     []float64 // log w_k
	means    []float64 // K·d
	vars     []float64 // s_k²
	logScale float64
}

// NewGaussianMixture returns the mixture with the given weights (normalised
// here), means (K·d values, back to back) and isotropic variances, times
// exp(logScale). It returns an error wrapping ErrProblem for non-positive
// weights or variances or inconsistent lengths.
func NewGaussianMixture(weights, means, variances []float64, logScale float64) (*GaussianMixture, error) {
	k := len(weights)
	if k == 0 || len(variances) != k || len(means)%k != 0 || len(means) == 0 {
		return nil, fmt.Errorf("%w: mixture needs K weights, K variances and K·d means", ErrProblem)
	}
	var sw float64
	for i, w := range weights {
		if !(w > 0) || !(variances[i] > 0) {
			return nil, fmt.Errorf("%w: mixture component %d has weight %v, variance %v", ErrProblem, i, w, variances[i])
		}
		sw += w
	}
	g := &GaussianMixture{d: len(means) / k, logScale: logScale,
		means: append([]float64(nil), means...), vars: append([]float64(nil), variances...)}
	for _, w := range weights {
		g.logW = append(g.logW, math.Log(w/sw))
	}
	return g, nil
}

// Dim returns d.
func (g *GaussianMixture) Dim() int { return g.d }

// LogZ returns LogScale and true.
func (g *GaussianMixture) LogZ() (float64, bool) { return g.logScale, true }

func (g *GaussianMixture) compLogProb(k int, x []float64) float64 {
	m := g.means[k*g.d : (k+1)*g.d]
	var s float64
	for i, v := range x {
		e := v - m[i]
		s += e * e
	}
	return g.logW[k] - 0.5*s/g.vars[k] - 0.5*float64(g.d)*math.Log(2*math.Pi*g.vars[k])
}

// LogDensity returns log γ(x).
func (g *GaussianMixture) LogDensity(x []float64) float64 {
	if len(x) != g.d {
		panic("controlsde: GaussianMixture: dimension mismatch")
	}
	m, s := math.Inf(-1), 0.0
	for k := range g.logW {
		m, s = lseAdd(m, s, g.compLogProb(k, x))
	}
	return g.logScale + m + math.Log(s)
}

// GradLogDensity writes ∇ log γ(x) = Σ_k r_k(x) (m_k − x)/s_k², r_k the
// posterior responsibilities, into dst and returns log γ(x).
func (g *GaussianMixture) GradLogDensity(dst, x []float64) float64 {
	if len(x) != g.d || len(dst) != g.d {
		panic("controlsde: GaussianMixture: dimension mismatch")
	}
	m, s := math.Inf(-1), 0.0
	clear(dst)
	for k := range g.logW {
		lp := g.compLogProb(k, x)
		var scale float64
		m, s, scale = lseAddScale(m, s, lp)
		mk := g.means[k*g.d : (k+1)*g.d]
		wk := math.Exp(lp - m)
		for i := range dst {
			dst[i] = dst[i]*scale + wk*(mk[i]-x[i])/g.vars[k]
		}
	}
	for i := range dst {
		dst[i] /= s
	}
	return g.logScale + m + math.Log(s)
}

// Rand writes an exact draw from the normalised mixture into dst.
func (g *GaussianMixture) Rand(dst []float64, rng *rand.Rand) {
	u := rng.Float64()
	k := len(g.logW) - 1
	for i, lw := range g.logW {
		u -= math.Exp(lw)
		if u < 0 {
			k = i
			break
		}
	}
	sd := math.Sqrt(g.vars[k])
	for i := range dst {
		dst[i] = g.means[k*g.d+i] + sd*rng.NormFloat64()
	}
}

// lseAdd folds the term exp(v) into a running sum s·exp(m).
func lseAdd(m, s, v float64) (float64, float64) {
	m2, s2, _ := lseAddScale(m, s, v)
	return m2, s2
}

// lseAddScale is lseAdd that also returns the factor by which terms
// accumulated so far were rescaled.
func lseAddScale(m, s, v float64) (nm, ns, scale float64) {
	if v <= m {
		return m, s + math.Exp(v-m), 1
	}
	scale = math.Exp(m - v) // 0 when m = −Inf
	return v, s*scale + 1, scale
}

// Follmer is the exact optimal control (the Föllmer drift) for a Gaussian
// mixture target under a Brownian reference on R^d from X₀ = 0 with noise
// schedule Sigma on [0, T] (soc.md). With V = ν(T), τ = ν(T) − ν(t),
//
//	h(t, x) = ∫ N(y; x, τI) γ(y) / N(y; 0, VI) dy,   u*(t, x) = σ(t) ∇ log h(t, x).
//
// For a component N(m, s²I), per coordinate, with P = 1/s² − 1/V + 1/τ and
// B = m/s² + x/τ, the integral is
//
//	log I = ½ log(V/(s² τ P)) + B²/(2P) − m²/(2s²) − x²/(2τ),
//	∂_x log I = B/(Pτ) − x/τ,
//
// (Gaussian integral of exp(−½Py² + By)), and h = Z Σ_k w_k Π_i I_{k,i}, so
// ∇ log h is the responsibility-weighted mean of the component gradients.
// Under u* every continuous path has weight Z. At t = T it uses the limit
// h(T, x) = γ(x)/N(x; 0, VI).
type Follmer struct {
	gm    *GaussianMixture
	sigma Schedule
	t1    float64
	grad  []float64 // scratch of a forked copy; nil on the shared value
}

// NewFollmer returns the Föllmer drift for target γ under the reference
// σ(t) dW on [0, T] from 0. It is the optimal control only for that
// reference and a grid from 0 to T: with another start, grid or drift it is
// still a valid control (the path weights stay correct) but no longer gives
// zero-variance weights.
func NewFollmer(target *GaussianMixture, sigma Schedule, T float64) *Follmer {
	if sigma == nil {
		sigma = Constant{S: 1}
	}
	return &Follmer{gm: target, sigma: sigma, t1: T}
}

// Fork returns a copy with its own scratch space.
func (f *Follmer) Fork() Control {
	c := *f
	c.grad = make([]float64, f.gm.d)
	return &c
}

// LogH returns log h(t, x) (it includes log Z).
func (f *Follmer) LogH(t float64, x []float64) float64 {
	grad := make([]float64, len(x))
	return f.point(grad, t, x)
}

// point writes ∇ log h(t, x) into dst and returns log h(t, x).
func (f *Follmer) point(dst []float64, t float64, x []float64) float64 {
	g := f.gm
	d := g.d
	V := f.sigma.Integral(f.t1) - f.sigma.Integral(0)
	tau := f.sigma.Integral(f.t1) - f.sigma.Integral(t)
	m, s := math.Inf(-1), 0.0
	clear(dst)
	for k := range g.logW {
		s2 := g.vars[k]
		mk := g.means[k*d : (k+1)*d]
		if tau <= 0 {
			// t = T: h = γ/N(·; 0, VI), the limit τ → 0 of the formula.
			lk := g.logW[k] + 0.5*float64(d)*math.Log(V/s2)
			for i, xi := range x {
				e := xi - mk[i]
				lk += -e*e/(2*s2) + xi*xi/(2*V)
			}
			var scale float64
			m, s, scale = lseAddScale(m, s, lk)
			wk := math.Exp(lk - m)
			for i, xi := range x {
				dst[i] = dst[i]*scale + wk*((mk[i]-xi)/s2+xi/V)
			}
			continue
		}
		P := 1/s2 - 1/V + 1/tau
		lk := g.logW[k] + 0.5*float64(d)*math.Log(V/(s2*tau*P))
		for i, xi := range x {
			B := mk[i]/s2 + xi/tau
			lk += B*B/(2*P) - mk[i]*mk[i]/(2*s2) - xi*xi/(2*tau)
		}
		var scale float64
		m, s, scale = lseAddScale(m, s, lk)
		wk := math.Exp(lk - m)
		for i, xi := range x {
			B := mk[i]/s2 + xi/tau
			dst[i] = dst[i]*scale + wk*(B/(P*tau)-xi/tau)
		}
	}
	for i := range dst {
		dst[i] /= s
	}
	return g.logScale + m + math.Log(s)
}

// Control writes u*(t, x_i) = σ(t) ∇ log h(t, x_i) for each point.
func (f *Follmer) Control(dst []float64, t float64, x []float64) {
	d := f.gm.d
	if len(dst) != len(x) || len(x)%d != 0 {
		panic("controlsde: Follmer: batch length mismatch")
	}
	if f.grad == nil {
		f = f.Fork().(*Follmer)
	}
	sg := f.sigma.Sigma(t)
	for s := 0; s < len(x); s += d {
		f.point(dst[s:s+d], t, x[s:s+d])
		for i := s; i < s+d; i++ {
			dst[i] *= sg
		}
	}
}

// MCFollmer is the Monte Carlo estimate of the Föllmer drift for any
// target on R^d (soc.md), the training-free baseline: with V = ν(T),
// τ = ν(T) − ν(t), f = γ / N(·; 0, VI) and K fixed standard normal draws
// z_k (drawn once at construction in antithetic pairs ±z, common to every
// call),
//
//	u(t, x) = σ(t) ∇ log (1/K) Σ_k f(x + √τ z_k)
//	        = σ(t) Σ_k softmax_k(log f(y_k)) (∇ log γ(y_k) + y_k/V),  y_k = x + √τ z_k,
//
// the gradient taken through f. It costs K calls of GradLogDensity per
// point and is biased for finite K (consistent as K → ∞);
// path weights stay exact for the chain simulated, whatever the bias.
type MCFollmer struct {
	target  Target
	d, k    int
	z       []float64
	sigma   Schedule
	t1      float64
	y, g, a []float64
}

// NewMCFollmer returns the estimator with K draws (K is rounded up to even)
// for a target on R^d.
func NewMCFollmer(target Target, d int, sigma Schedule, T float64, K int, rng *rand.Rand) *MCFollmer {
	if K < 1 || d < 1 {
		panic("controlsde: NewMCFollmer: need K ≥ 1 and d ≥ 1")
	}
	if sigma == nil {
		sigma = Constant{S: 1}
	}
	K += K % 2
	z := make([]float64, K*d)
	for i := 0; i < K/2*d; i++ {
		z[i] = rng.NormFloat64()
		z[K/2*d+i] = -z[i]
	}
	return &MCFollmer{target: target, d: d, k: K, z: z, sigma: sigma, t1: T}
}

// Fork returns a copy with its own scratch space.
func (f *MCFollmer) Fork() Control {
	c := *f
	c.y, c.g, c.a = make([]float64, f.d), make([]float64, f.d), make([]float64, f.d)
	return &c
}

// Control writes the estimate of u*(t, x_i) for each point.
func (f *MCFollmer) Control(dst []float64, t float64, x []float64) {
	d := f.d
	if len(dst) != len(x) || len(x)%d != 0 {
		panic("controlsde: MCFollmer: batch length mismatch")
	}
	if f.y == nil {
		f = f.Fork().(*MCFollmer)
	}
	V := f.sigma.Integral(f.t1) - f.sigma.Integral(0)
	sqtau := math.Sqrt(f.sigma.Integral(f.t1) - f.sigma.Integral(t))
	sg := f.sigma.Sigma(t)
	for s := 0; s < len(x); s += d {
		xp := x[s : s+d]
		m, sum := math.Inf(-1), 0.0
		clear(f.a)
		for k := 0; k < f.k; k++ {
			zk := f.z[k*d : (k+1)*d]
			var y2 float64
			for i := range f.y {
				f.y[i] = xp[i] + sqtau*zk[i]
				y2 += f.y[i] * f.y[i]
			}
			lf := f.target.GradLogDensity(f.g, f.y) + 0.5*y2/V
			var scale float64
			m, sum, scale = lseAddScale(m, sum, lf)
			wk := math.Exp(lf - m)
			for i := range f.a {
				f.a[i] = f.a[i]*scale + wk*(f.g[i]+f.y[i]/V)
			}
		}
		for i := range f.a {
			dst[s+i] = sg * f.a[i] / sum
		}
	}
}
