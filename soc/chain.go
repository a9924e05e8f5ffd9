package soc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/manifold"
)

// mixtureChain is the Föllmer process of a Gaussian-mixture reference law
// q (Mixture, isotropic, diagonal or product) sampled exactly on a time grid: the
// lrds base process. Under the Brownian reference σ(t) dW from X₀ = 0 on
// [0, 1], with ν(t) = ∫₀ᵗ σ², V = ν(1), the h-transform with
// h(1, y) = q(y)/N(y; 0, VI) has terminal law exactly q, and given X₁ its
// path is the reference's Brownian bridge. For one Gaussian component
// N(m, s²) (per coordinate) the process is Gaussian:
//
//   - X₁ given X_t = x is N(μ₁, v₁) with 1/v₁ = 1/s² + ν_t/(Vτ) and
//     μ₁ = v₁(m/s² + x/τ), τ = V − ν_t (a Gaussian prior times the bridge
//     likelihood N(x; (ν_t/V)X₁, ν_t τ/V));
//   - X_{t'} given X_t = x and X₁ is the bridge value
//     N(x + (Δ/τ)(X₁ − x), Δτ'/τ), Δ = ν_{t'} − ν_t, τ' = V − ν_{t'};
//
// so X_{t'} | X_t = x ~ N(x + (Δ/τ)(μ₁ − x), Δτ'/τ + (Δ/τ)² v₁). For the
// mixture, the transition is the mixture of these component transitions
// with the responsibilities r_c(t, x) ∝ w_c I_c(t, x) of
// controlsde.FollmerProduct (isotropic and diagonal: one component for all
// coordinates, N(m_c, s_c²) or N(m_ci, s_ci²) per coordinate; product: one
// per coordinate). The chain's states at the grid times have
// the law of the continuous process, so its terminal law is exactly q with
// no discretisation error.
type mixtureChain struct {
	d, k    int
	product bool
	diag    bool       // isotropic layout with a variance per coordinate
	logW    []float64  // isotropic: K; product: d·K (i·K + c)
	means   []float64  // isotropic: K·d (c·d + i); product: d·K
	vars    []float64  // isotropic: K; diagonal: K·d (c·d + i); product: d·K
	law     mixtureLaw // terminal law: q on R^d, or π_* q on the space (cov)
	cover   mixtureLaw // q on R^d
	cov     coverLaw   // nil on R^d; else the map onto the space (cover.go)
	md      int        // ambient dimension of the space (d on R^d)
	V       float64
	grid    []float64
	nu      []float64 // ν(t_k) − ν(0)
	steps   []chainStep
}

// chainStep holds the constants of the transition of one step, for each
// coordinate i and component c at i·K + c (they do not depend on x):
//
//	log(w_c I_c(t, x)) = c0 + c1 x + c2 x²   (per coordinate; see transition),
//	mean A x + B, variance v, 1/v, and −½ log(2πv).
type chainStep struct {
	c0, c1, c2, a, b, v, sd, iv, lv []float64
}

// newMixtureParts returns the mixture part of the chain of q for space
// (no grid): the component parameters on the chain's R^d (chainGeometry),
// the law on R^d (cover) and the terminal law on the space (law: the same
// on R^d, its pushforward otherwise; see cover.go).
func newMixtureParts(q *Mixture, space manifold.Manifold) (*mixtureChain, error) {
	kind, d, err := chainGeometry(space)
	if err != nil {
		return nil, err
	}
	for _, vs := range [][]float64{q.Weights, q.Means, q.Variances} {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: reference mixture with a non-finite parameter %v", ErrModel, v)
			}
		}
	}
	law, err := q.law(d)
	if err != nil {
		return nil, err
	}
	switch {
	case kind.radial() && q.Kind != Isotropic:
		return nil, fmt.Errorf("%w: lrds on spheres and SO(3) needs the isotropic mixture family, have %q", ErrSettings, q.Kind)
	case kind == productCover && q.Kind != Isotropic && q.Kind != Diagonal:
		return nil, fmt.Errorf("%w: lrds on products needs the isotropic or diagonal mixture family, have %q", ErrSettings, q.Kind)
	case kind == productCover && q.Kind == Diagonal:
		// The sphere and SO(3) blocks must be isotropic.
		for _, tr := range coverTies(space) {
			for j := range len(q.Weights) {
				for c := tr[0] + 1; c < tr[1]; c++ {
					if j*d+c >= len(q.Variances) || q.Variances[j*d+c] != q.Variances[j*d+tr[0]] {
						return nil, fmt.Errorf("%w: diagonal mixture component %d has unequal variances in the sphere or SO(3) block [%d, %d)", ErrModel, j, tr[0], tr[1])
					}
				}
			}
		}
	}
	c := &mixtureChain{d: d, md: d, product: q.Kind == Product, diag: q.Kind == Diagonal, law: law, cover: law,
		means: q.Means, vars: q.Variances}
	c.k = len(q.Weights)
	if c.product {
		c.k /= d
		for i := range d {
			var s float64
			for j := range c.k {
				s += q.Weights[i*c.k+j]
			}
			for j := range c.k {
				c.logW = append(c.logW, math.Log(q.Weights[i*c.k+j]/s))
			}
		}
	} else {
		var s float64
		for _, w := range q.Weights {
			s += w
		}
		for _, w := range q.Weights {
			c.logW = append(c.logW, math.Log(w/s))
		}
	}
	switch kind {
	case torusCover:
		c.cov = wrappedLaw{c}
	case sphereCover:
		c.cov = newProjLaw(c, false)
	case so3Cover:
		c.cov = newProjLaw(c, true)
		c.md = 9
	case productCover:
		c.cov = newProdLaw(c, space.(manifold.Product))
		c.md = space.AmbientDim()
	}
	if c.cov != nil {
		c.law = c.cov
	}
	return c, nil
}

// newMixtureChain returns the chain of q for space on the grid (see
// newMixtureParts and cover.go).
func newMixtureChain(q *Mixture, space manifold.Manifold, sch controlsde.Schedule, grid []float64) (*mixtureChain, error) {
	c, err := newMixtureParts(q, space)
	if err != nil {
		return nil, err
	}
	c.grid = grid
	n0 := sch.Integral(grid[0])
	c.V = sch.Integral(1) - n0
	if grid[0] != 0 || grid[len(grid)-1] != 1 || !(c.V > 0) {
		return nil, fmt.Errorf("%w: lrds needs a grid on [0, 1] and a positive reference variance", ErrSettings)
	}
	for _, t := range grid {
		c.nu = append(c.nu, sch.Integral(t)-n0)
	}
	for k := range len(grid) - 1 {
		c.steps = append(c.steps, c.step(k))
	}
	return c, nil
}

// step returns the constants of step k (t_k → t_{k+1}). With τ = V − ν_k,
// Δ = ν_{k+1} − ν_k, τ' = V − ν_{k+1}, f = Δ/τ, and for a component
// N(m, s²): a = 1/s² − 1/V, D = 1 + τa (log I of
// controlsde.FollmerProduct, expanded in x),
//
//	c0 = log w + ½ log(V/s²) − ½ log D + m²τ/(2s⁴D) − m²/(2s²),
//	c1 = m/(s²D),  c2 = −a/(2D),
//
// and v₁ = 1/(1/s² + ν_k/(Vτ)), μ₁ = v₁(m/s² + x/τ), so the component
// transition N(x + f(μ₁ − x), Δτ'/τ + f²v₁) has mean A x + B with
// A = 1 − f + f v₁/τ, B = f v₁ m/s².
func (c *mixtureChain) step(k int) chainStep {
	n := c.d * c.k
	st := chainStep{c0: make([]float64, n), c1: make([]float64, n), c2: make([]float64, n), a: make([]float64, n),
		b: make([]float64, n), v: make([]float64, n), sd: make([]float64, n), iv: make([]float64, n), lv: make([]float64, n)}
	V, nt := c.V, c.nu[k]
	tau := V - nt
	dl := c.nu[k+1] - nt
	tau1 := V - c.nu[k+1]
	f := dl / tau
	for i := range c.d {
		for j := range c.k {
			p := i*c.k + j
			lw, m, s2 := c.comp(i, j)
			if !c.product && i > 0 {
				lw = 0 // the isotropic weight counts once per component
			}
			a := 1/s2 - 1/V
			D := 1 + tau*a
			st.c0[p] = lw + 0.5*math.Log(V/s2) - 0.5*math.Log(D) + m*m*tau/(2*s2*s2*D) - m*m/(2*s2)
			st.c1[p] = m / (s2 * D)
			st.c2[p] = -a / (2 * D)
			v1 := 1 / (1/s2 + nt/(V*tau))
			st.a[p] = 1 - f + f*v1/tau
			st.b[p] = f * v1 * m / s2
			st.v[p] = dl*tau1/tau + f*f*v1
			st.sd[p] = math.Sqrt(st.v[p])
			st.iv[p] = 1 / st.v[p]
			st.lv[p] = -0.5*math.Log(st.v[p]) - 0.9189385332046727
		}
	}
	return st
}

// comp returns log w, m and s² of component c of coordinate i.
func (c *mixtureChain) comp(i, j int) (lw, m, s2 float64) {
	if c.product {
		return c.logW[i*c.k+j], c.means[i*c.k+j], c.vars[i*c.k+j]
	}
	if c.diag {
		return c.logW[j], c.means[j*c.d+i], c.vars[j*c.d+i]
	}
	return c.logW[j], c.means[j*c.d+i], c.vars[j]
}

// chainScratch holds one particle's transition: normalised log
// responsibilities lr (isotropic: K; product: d·K), the component
// transition means mu (d·K, at i·K + c) and the step's constants.
type chainScratch struct {
	lr, pr, mu []float64 // log responsibilities, responsibilities, means
	tmp        []float64 // K values
	st         *chainStep
}

func (c *mixtureChain) scratch() *chainScratch {
	n := c.d * c.k
	return &chainScratch{lr: make([]float64, n), pr: make([]float64, n), mu: make([]float64, n), tmp: make([]float64, c.k)}
}

// transition fills s with the transition of step k (t_k → t_{k+1}) from
// x: responsibilities r_c(t_k, x) ∝ w_c I_c(t_k, x) and component means
// (constants from step).
func (c *mixtureChain) transition(s *chainScratch, k int, x []float64) {
	st := &c.steps[k]
	s.st = st
	if !c.product {
		clear(s.lr[:c.k])
	}
	for i, xi := range x {
		for j := range c.k {
			p := i*c.k + j
			l := st.c0[p] + xi*(st.c1[p]+xi*st.c2[p])
			if c.product {
				s.lr[p] = l
			} else {
				s.lr[j] += l
			}
			s.mu[p] = st.a[p]*xi + st.b[p]
		}
	}
	if c.product {
		for i := range c.d {
			normLog(s.lr[i*c.k:(i+1)*c.k], s.pr[i*c.k:(i+1)*c.k])
		}
		return
	}
	normLog(s.lr[:c.k], s.pr[:c.k])
}

// normLog turns log weights l into normalised log weights and writes the
// normalised weights into p.
func normLog(l, p []float64) {
	m := math.Inf(-1)
	for _, v := range l {
		m = math.Max(m, v)
	}
	var s float64
	for i, v := range l {
		p[i] = math.Exp(v - m)
		s += p[i]
	}
	z := m + math.Log(s)
	for i := range l {
		l[i] -= z
		p[i] /= s
	}
}

// draw writes a draw from the transition s into dst.
func (c *mixtureChain) draw(dst []float64, s *chainScratch, rng *rand.Rand) {
	j := 0
	if !c.product {
		j = pickIndex(s.pr[:c.k], rng.Float64())
	}
	for i := range dst {
		if c.product {
			j = pickIndex(s.pr[i*c.k:(i+1)*c.k], rng.Float64())
		}
		dst[i] = s.mu[i*c.k+j] + s.st.sd[i*c.k+j]*rng.NormFloat64()
	}
}

// pickIndex returns the index j with Σ_{i<j} p_i ≤ u < Σ_{i≤j} p_i (the
// last one when rounding leaves u above the total).
func pickIndex(p []float64, u float64) int {
	for j, v := range p {
		if u -= v; u < 0 {
			return j
		}
	}
	return len(p) - 1
}

// logp returns the log density of the transition s at z and, when grad is
// not nil, writes ∇_z of it into grad.
func (c *mixtureChain) logp(s *chainScratch, z, grad []float64) float64 {
	st := s.st
	lt := s.tmp
	if c.product {
		var l float64
		for i, zi := range z {
			m := math.Inf(-1)
			for j := range c.k {
				p := i*c.k + j
				e := zi - s.mu[p]
				lt[j] = s.lr[p] - 0.5*e*e*st.iv[p] + st.lv[p]
				m = math.Max(m, lt[j])
			}
			var sum, num float64
			for j := range c.k {
				p := i*c.k + j
				w := math.Exp(lt[j] - m)
				sum += w
				num += w * (s.mu[p] - zi) * st.iv[p]
			}
			l += m + math.Log(sum)
			if grad != nil {
				grad[i] = num / sum
			}
		}
		return l
	}
	m := math.Inf(-1)
	for j := range c.k {
		lj := s.lr[j]
		for i, zi := range z {
			p := i*c.k + j
			e := zi - s.mu[p]
			lj += -0.5*e*e*st.iv[p] + st.lv[p]
		}
		lt[j] = lj
		m = math.Max(m, lj)
	}
	var sum float64
	for j := range c.k {
		lt[j] = math.Exp(lt[j] - m)
		sum += lt[j]
	}
	if grad != nil {
		clear(grad)
		for j, w := range lt {
			for i, zi := range z {
				p := i*c.k + j
				grad[i] += w * (s.mu[p] - zi) * st.iv[p]
			}
		}
		for i := range grad {
			grad[i] /= sum
		}
	}
	return m + math.Log(sum)
}
