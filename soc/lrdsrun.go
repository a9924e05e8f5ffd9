package soc

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"github.com/geosoc/geosoc/controlsde"
)

// lrdsRun holds the buffers of batches of paths of the lrds chain
//
//	X₀ = 0,  Z_{k+1} ~ p_k(· | X_k),  X_{k+1} = Z_{k+1} + Δt_k u_θ(t_k, X_k),
//
// where p_k is the exact transition of the base process (mixtureChain).
// Its path weight against the target path measure
// P*(dx) = P_q(dx) γ(x_K)/(Z q(x_K)), under which X_K ~ γ/Z because
// P_q has terminal law exactly q, is
//
//	log w = Σ_k [log p_k(X_{k+1} | X_k) − log p_k(Z_{k+1} | X_k)] + log γ(X_K) − log q(X_K),
//
// so E[w] = Z for any control: at u_θ = 0 it is importance sampling
// with q, and the control only has to correct what q gets wrong.
type lrdsRun struct {
	c      *mixtureChain
	B      int
	record bool
	x      []float64 // record: (K+1)·B·d states; else 2·B·d (current, next)
	u, t   []float64 // B·d control, B times
	scores []float64 // record: K·B·d values ∇_z log p_k(z | X_k) at z = Z_{k+1}
	lw     []float64 // B log-weights
	pcgs   []rand.PCG
}

// pcgRef is a rand.Source reading the PCG it points to.
type pcgRef struct{ p *rand.PCG }

func (r *pcgRef) Uint64() uint64 { return r.p.Uint64() }

func newLRDSRun(c *mixtureChain, B int, record bool) *lrdsRun {
	K, d := len(c.grid)-1, c.d
	r := &lrdsRun{c: c, B: B, record: record, u: make([]float64, B*d), t: make([]float64, B), lw: make([]float64, B)}
	if record {
		r.x = make([]float64, (K+1)*B*d)
		r.scores = make([]float64, K*B*d)
	} else {
		r.x = make([]float64, 2*B*d)
	}
	return r
}

// frame returns the states at step k.
func (r *lrdsRun) frame(k int) []float64 {
	n := r.B * r.c.d
	if !r.record {
		k %= 2
	}
	return r.x[k*n : (k+1)*n]
}

// run simulates the batch with control net (nil: u = 0) from the seed,
// with per-particle PCG streams (seed, i), so the result does not depend
// on workers, and adds the terminal term with target. It returns the
// terminal states of the chain on R^d (off R^d, points of the cover; see
// cover.go).
func (r *lrdsRun) run(net *Net, target controlsde.Target, seed uint64, workers int) ([]float64, error) {
	c, B, d := r.c, r.B, r.c.d
	K := len(c.grid) - 1
	clear(r.frame(0))
	clear(r.lw)
	// Particle i draws from its own stream PCG(seed, i) across all steps;
	// each worker reads it through one pcgRef, so nothing is allocated per
	// particle or step.
	if len(r.pcgs) != B {
		r.pcgs = make([]rand.PCG, B)
	}
	for i := range r.pcgs {
		r.pcgs[i].Seed(seed, uint64(i))
	}
	for k := range K {
		x, nx := r.frame(k), r.frame(k+1)
		dt := c.grid[k+1] - c.grid[k]
		if net != nil {
			for i := range r.t {
				r.t[i] = c.grid[k]
			}
			net.Forward(r.u, r.t, x)
		} else {
			clear(r.u)
		}
		var sc []float64
		if r.record {
			sc = r.scores[k*B*d : (k+1)*B*d]
		}
		parallelFor(B, workers, func(lo, hi int) {
			s := c.scratch()
			var g []float64
			ref := &pcgRef{}
			rng := rand.New(ref)
			for i := lo; i < hi; i++ {
				ref.p = &r.pcgs[i]
				xi, zi := x[i*d:(i+1)*d], nx[i*d:(i+1)*d]
				c.transition(s, k, xi)
				c.draw(zi, s, rng)
				if sc != nil {
					g = sc[i*d : (i+1)*d]
				}
				l := -c.logp(s, zi, g)
				for j := range zi {
					zi[j] += dt * r.u[i*d+j]
				}
				l += c.logp(s, zi, nil)
				r.lw[i] += l
			}
		})
	}
	xK := r.frame(K)
	var bad atomic.Bool
	parallelFor(B, workers, func(lo, hi int) {
		var w []float64
		if c.cov != nil {
			w = make([]float64, c.md)
		}
		for i := lo; i < hi; i++ {
			xi := xK[i*d : (i+1)*d]
			if c.cov != nil {
				// γ̃(y)/q̃(y) = γ(x)/q(x), x = π(y) (see cover.go).
				c.cov.project(w, xi)
				xi = w
			}
			l := target.LogDensity(xi) - c.law.LogDensity(xi)
			if math.IsNaN(l) {
				l = math.Inf(-1)
			}
			r.lw[i] += l
			if math.IsInf(r.lw[i], 1) || math.IsNaN(r.lw[i]) {
				bad.Store(true)
			}
		}
	})
	if bad.Load() {
		return nil, fmt.Errorf("%w: lrds chain produced a non-finite path weight", ErrDiverged)
	}
	return xK, nil
}

// lrdsLoss adds the gradient of the log-variance loss of the lrds chain to
// the network gradients and returns the loss L(θ) = Var_paths(log w) over
// a batch simulated with the current control, detached (Richter & Berner;
// Nüsken & Richter 2021): the paths X stay fixed and θ enters log w only
// through −log p_k(X_{k+1} − Δt_k u_θ(t_k, X_k) | X_k), so
//
//	∂L/∂u_k^{(i)} = (2/B)(log w_i − mean) Δt_k ∇_z log p_k(z | X_k^{(i)}),  z = Z_{k+1}^{(i)},
//
// one forward and backward pass of the network over the K·B states.
func (tr *trainer) lrdsLoss() (float64, error) {
	if tr.lrun == nil {
		c, err := newMixtureChain(tr.mix, tr.space, tr.sch, tr.grid)
		if err != nil {
			return 0, err
		}
		tr.lrun = newLRDSRun(c, tr.s.Batch, true)
	}
	r := tr.lrun
	B, d, K := r.B, r.c.d, len(tr.grid)-1
	if _, err := r.run(tr.net, tr.count, tr.rng.Uint64(), tr.s.Workers); err != nil {
		return 0, fmt.Errorf("%w at step %d", err, tr.step)
	}
	mean, loss := meanVar(r.lw)
	R := K * B
	tr.t, tr.u, tr.du = grow(tr.t, R), grow(tr.u, R*d), grow(tr.du, R*d)
	for k := range K {
		dt := tr.grid[k+1] - tr.grid[k]
		for i := range B {
			tr.t[k*B+i] = tr.grid[k]
			g := 2 * (r.lw[i] - mean) / float64(B) * dt
			off := (k*B + i) * d
			for j := off; j < off+d; j++ {
				tr.du[j] = g * r.scores[j]
			}
		}
	}
	x := r.x[:R*d]
	tr.net.Forward(tr.u, tr.t, x)
	tr.net.Backward(tr.du, x, nil)
	return loss, nil
}

// meanVar returns the mean and the population variance (1/n) of y, the
// log-variance loss of a batch.
func meanVar(y []float64) (mean, variance float64) {
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	for _, v := range y {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(y))
}
