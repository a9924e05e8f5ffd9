package sampler

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/controlsde"
)

// Default Föllmer settings.
const (
	DefaultFollmerSteps = 100
	DefaultFollmerK     = 64
)

// Follmer is the training-free Monte Carlo Föllmer sampler: it runs
// controlsde.MCFollmer (the Föllmer drift estimated with K antithetic
// Gaussian draws per point; see its documentation for the formula and its
// bias) through controlsde.Simulate with the Brownian reference
// dX = σ dW from X₀ = 0 on [0, 1] (σ constant; p_ref,1 = N(0, σ²I)),
// Euler–Maruyama on a uniform grid of Steps steps. The path log-weights
// are exact for the simulated chain, so log Ẑ, ELBO and ESS/N come from
// them (FillWeights). R^d only.
//
// Budget: N·Steps·K' gradient evaluations for the drift plus N energy
// evaluations for the terminal cost, K' = K rounded up to an even number
// (the antithetic draws of controlsde.NewMCFollmer).
type Follmer struct {
	// Steps is the number of Euler–Maruyama steps; 0 means
	// DefaultFollmerSteps.
	Steps int
	// K is the number of Monte Carlo draws per drift evaluation; 0 means
	// DefaultFollmerK.
	K int
	// Sigma is the reference σ; 0 means DefaultRefSigma.
	Sigma float64
}

// Name returns "follmer".
func (Follmer) Name() string { return "follmer" }

func (f Follmer) run(e *env) (result, error) {
	if f.Steps == 0 {
		f.Steps = DefaultFollmerSteps
	}
	if f.K == 0 {
		f.K = DefaultFollmerK
	}
	if f.Sigma == 0 {
		f.Sigma = DefaultRefSigma
	}
	if f.Steps < 1 || f.K < 1 || !(f.Sigma > 0) {
		return result{}, fmt.Errorf("%w: follmer: steps %d, K %d, sigma %g", ErrBadInput, f.Steps, f.K, f.Sigma)
	}
	if !e.flat {
		return result{}, fmt.Errorf("%w: follmer needs a target on R^d", ErrBadInput)
	}
	sig := controlsde.Constant{S: f.Sigma}
	// The Monte Carlo draws come from stream N of the seed (the particles
	// use streams 0…N−1 of controlsde, derived the same way).
	ctl := controlsde.NewMCFollmer(e.t, e.d, sig, 1, f.K, streams(e.seed^0x466f6c6c6d6572, e.n, 1)[0])
	p := controlsde.Problem{
		Reference: controlsde.Reference{Space: e.space, Sigma: sig},
		Control:   ctl,
		Target:    e.t,
	}
	res, err := controlsde.Simulate(p, &controlsde.Settings{
		Grid:      controlsde.UniformGrid(f.Steps, 0, 1),
		Particles: e.n,
		Seed:      e.seed,
		Workers:   e.workers,
	}, controlsde.EulerMaruyama{})
	if err != nil {
		return result{}, fmt.Errorf("sampler: follmer: %w", err)
	}
	return result{out: Output{Samples: res.X, N: res.N, Dim: res.Dim, LogWeights: res.LogWeight}, logZ: math.NaN(), logZSE: math.NaN(), accept: math.NaN()}, nil
}
