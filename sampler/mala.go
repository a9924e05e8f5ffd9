package sampler

import (
	"fmt"
	"math"
)

// Default MALA settings.
const (
	DefaultMALASteps = 1000
	DefaultStep      = 0.01
)

// MALA runs N independent Metropolis-adjusted Langevin chains (Roberts &
// Tweedie 1996; random-walk Metropolis with geodesic proposals on compact
// manifolds, see the package documentation) started from the reference
// N(0, RefSigma² I) (uniform on a manifold). During the first Burn steps
// each chain adapts its own step size by Robbins–Monro on log h,
//
//	log h ← log h + (α_t − α*)/(t + 1)^0.6,
//
// α_t the step's acceptance probability and α* = 0.574 (0.234 for
// random-walk Metropolis); the step is then fixed. The samples are the
// chains' final states (unweighted: Output.LogWeights is nil and log Ẑ is
// NaN); Report.AcceptRate is the mean acceptance probability after burn-in.
//
// Budget on R^d: exactly N·(Steps + 1) gradient (and energy) evaluations,
// one at the start and one per step; on a manifold N·(Steps + 1) energy
// evaluations and no gradients.
type MALA struct {
	// Steps is the total number of steps per chain, burn-in included;
	// 0 means DefaultMALASteps.
	Steps int
	// Burn is the number of adaptation steps; 0 means Steps/2.
	Burn int
	// Step is the initial step size h; 0 means DefaultStep.
	Step float64
	// RefSigma is the standard deviation of the initial law on R^d; 0
	// means DefaultRefSigma.
	RefSigma float64
}

// Name returns "mala".
func (MALA) Name() string { return "mala" }

func (m MALA) run(e *env) (result, error) {
	steps, burn, h0 := m.Steps, m.Burn, m.Step
	if steps == 0 {
		steps = DefaultMALASteps
	}
	if burn == 0 {
		burn = steps / 2
	}
	if h0 == 0 {
		h0 = DefaultStep
	}
	if steps < 1 || burn < 0 || burn >= steps || !(h0 > 0) {
		return result{}, fmt.Errorf("%w: mala: steps %d, burn %d, step %g", ErrBadInput, steps, burn, h0)
	}
	ks := e.kernels(m.RefSigma)
	rngs := streams(e.seed, 0, e.n)
	d := e.d
	x := make([]float64, e.n*d)
	g := make([]float64, e.n*d)
	acc := make([]float64, e.n)
	astar := e.targetAccept()
	e.parallel(e.n, func(w, i int) {
		k, rng := ks[w], rngs[i]
		xi, gi := x[i*d:(i+1)*d], g[i*d:(i+1)*d]
		lg := k.init(xi, gi, rng)
		logh := math.Log(h0)
		var sum float64
		for t := range steps {
			a := k.move(xi, gi, &lg, 1, math.Exp(logh), rng)
			if t < burn {
				logh += (a - astar) / math.Pow(float64(t+1), 0.6)
			} else {
				sum += a
			}
		}
		acc[i] = sum / float64(steps-burn)
	})
	var s float64
	for _, a := range acc {
		s += a
	}
	return result{out: Output{Samples: x, N: e.n, Dim: d}, logZ: math.NaN(), logZSE: math.NaN(), accept: s / float64(e.n)}, nil
}
