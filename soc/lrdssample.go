package soc

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/sampler"
)

// lrdsChain returns the model's mixture chain.
func (m *Model) lrdsChain() (*mixtureChain, error) {
	if m.Mixture == nil {
		return nil, fmt.Errorf("%w: lrds model without its reference mixture", ErrModel)
	}
	sch, err := m.Ref.Sigma.Schedule()
	if err != nil {
		return nil, err
	}
	_, grid, err := m.Ref.reference(m.space())
	if err != nil {
		return nil, err
	}
	return newMixtureChain(m.Mixture, m.space(), sch, grid)
}

// sampleLRDS is Sample for lrds models: n paths of the controlled mixture
// chain (lrdsRun) with their exact path weights, and, for targets with
// exact samples, the EUBO from n exact samples joined to 0 by the
// reference bridge, which is the law of the base path given X₁.
func sampleLRDS(m *Model, target Target, count *sampler.Counting, n int, seed uint64, rep sampler.Report) (sampler.Output, sampler.Report, error) {
	c, err := m.lrdsChain()
	if err != nil {
		return sampler.Output{}, rep, err
	}
	workers := runtime.GOMAXPROCS(0)
	net, err := m.control(count, workers)
	if err != nil {
		return sampler.Output{}, rep, err
	}
	start := time.Now()
	r := newLRDSRun(c, n, false)
	xK, err := r.run(net, count, seed, workers)
	rep.SampleSeconds = time.Since(start).Seconds()
	if err != nil {
		return sampler.Output{}, rep, err
	}
	if smp, ok := target.(exactSampler); ok {
		var s float64
		for _, v := range lrdsForward(c, net, count, smp, n, seed, workers) {
			s += v
		}
		rep.EUBO = s / float64(n)
	}
	finishReport(&rep, m, count, controlsde.Estimate(r.lw))
	out := xK
	if c.cov != nil {
		out = make([]float64, n*c.md)
		for i := range n {
			c.cov.project(out[i*c.md:(i+1)*c.md], xK[i*c.d:(i+1)*c.d])
		}
	} else {
		out = append([]float64(nil), xK...)
	}
	return sampler.Output{Samples: out, N: n, Dim: m.Dim, LogWeights: r.lw}, rep, nil
}

// lrdsForward returns the forward log-weights of n exact target samples
// y: each is joined to X₀ = 0 by the reference bridge (the law of the base
// path given X₁ = y), and
//
//	log w = Σ_k [log p_k(X_{k+1} | X_k) − log p_k(X_{k+1} − Δt_k u_k | X_k)] + log γ(y) − log q(y)
//
// is the log density ratio of the target path measure and the chain's on
// that path, so its mean under the target path law is the EUBO ≥ log Z
// (equality only for the optimal control), and E[1/w] = 1/Z. The n target
// evaluations go through target (counted in the report as diagnostics).
// Streams derive from seed and are disjoint from those of Sample's paths.
func lrdsForward(c *mixtureChain, net *Net, target controlsde.Target, smp exactSampler, n int, seed uint64, workers int) []float64 {
	d, K := c.d, len(c.grid)-1
	xs := make([]float64, n*c.md)
	rng := rand.New(rand.NewPCG(seed^0x5851f42d4c957f2d, 0xe0b0))
	for i := range n {
		smp.Sample(xs[i*c.md:(i+1)*c.md], rng)
	}
	// Off R^d the bridge ends at a lift y of the sample to the chain's
	// R^d, drawn from q̃ given its image (coverLaw.lift); the terminal term
	// uses the sample itself.
	y := xs
	if c.cov != nil {
		y = make([]float64, n*d)
		tmp := make([]float64, 2*c.k)
		for i := range n {
			c.cov.lift(y[i*d:(i+1)*d], xs[i*c.md:(i+1)*c.md], tmp, rng)
		}
	}
	x, nx := make([]float64, n*d), make([]float64, n*d)
	u, t := make([]float64, n*d), make([]float64, n)
	lw := make([]float64, n)
	tau := func(k int) float64 { return c.V - c.nu[k] }
	pcgs := make([]rand.PCG, n)
	for i := range pcgs {
		pcgs[i].Seed(seed^0x9e3779b97f4a7c15, uint64(i))
	}
	for k := range K {
		for i := range t {
			t[i] = c.grid[k]
		}
		net.Forward(u, t, x)
		dt := c.grid[k+1] - c.grid[k]
		dl := c.nu[k+1] - c.nu[k]
		parallelFor(n, workers, func(lo, hi int) {
			s := c.scratch()
			z := make([]float64, d)
			ref := &pcgRef{}
			rng := rand.New(ref)
			for i := lo; i < hi; i++ {
				ref.p = &pcgs[i]
				xi, ni, yi := x[i*d:(i+1)*d], nx[i*d:(i+1)*d], y[i*d:(i+1)*d]
				if k == K-1 {
					copy(ni, yi)
				} else {
					sd := math.Sqrt(dl * tau(k+1) / tau(k))
					for j := range ni {
						ni[j] = xi[j] + dl/tau(k)*(yi[j]-xi[j]) + sd*rng.NormFloat64()
					}
				}
				c.transition(s, k, xi)
				for j := range z {
					z[j] = ni[j] - dt*u[i*d+j]
				}
				lw[i] += c.logp(s, ni, nil) - c.logp(s, z, nil)
			}
		})
		x, nx = nx, x
	}
	for i := range n {
		xi := xs[i*c.md : (i+1)*c.md]
		lw[i] += target.LogDensity(xi) - c.law.LogDensity(xi)
	}
	return lw
}
