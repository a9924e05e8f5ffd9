package sampler

import (
	"math"
	"sync/atomic"

	"github.com/geosoc/geosoc/controlsde"
)

// Target is an unnormalised density γ: log γ and its (Riemannian)
// gradient. It is controlsde.Target; every datasets target satisfies it.
type Target = controlsde.Target

// Output is what a sampling run produces: N samples of Dim values back to
// back and their log importance weights (nil for methods whose samples are
// unweighted, such as MCMC chains).
type Output struct {
	Samples    []float64
	N, Dim     int
	LogWeights []float64
}

// Report is the summary of a run that every method fills in; its JSON keys
// are stable so that scripts can rely on them. Fields that a method cannot
// estimate are NaN in Go and null in JSON (see MarshalJSON).
type Report struct {
	Target string `json:"target"`
	Method string `json:"method"`
	N      int    `json:"n"`
	Seed   uint64 `json:"seed"`
	// LogZ is the reverse estimate log Ẑ = logsumexp(log w) − log N and
	// LogZStdErr its delta-method standard error.
	LogZ       float64 `json:"log_z"`
	LogZStdErr float64 `json:"log_z_std_err"`
	// ELBO = mean(log w) ≤ log Z; EUBO = mean of the forward log-weights
	// of exact target samples ≥ log Z, where those exist.
	ELBO float64 `json:"elbo"`
	EUBO float64 `json:"eubo"`
	// ExactLogZ is the target's exact log Z where known.
	ExactLogZ float64 `json:"exact_log_z"`
	// ESSFraction = (Σw)²/(N Σw²) ∈ [1/N, 1].
	ESSFraction float64 `json:"ess_fraction"`
	// EnergyEvals and GradEvals count evaluations of log γ and of its
	// gradient (a combined call counts once in each), training included.
	EnergyEvals int64 `json:"energy_evals"`
	GradEvals   int64 `json:"grad_evals"`
	// TrainSeconds and SampleSeconds are wall-clock times.
	TrainSeconds  float64 `json:"train_seconds"`
	SampleSeconds float64 `json:"sample_seconds"`
	// Mixture diagnostics (NaN for targets without known modes): the
	// share of modes covered and the total-variation error of the mode
	// weights.
	ModeCoverage    float64 `json:"mode_coverage"`
	ModeWeightError float64 `json:"mode_weight_error"`
	// Distances to exact target samples, where those exist.
	EnergyDistance float64 `json:"energy_distance"`
	Sinkhorn       float64 `json:"sinkhorn"`
	// AcceptRate is the Metropolis acceptance rate of an MCMC kernel
	// (after burn-in), SwapRate the swap acceptance rate of parallel
	// tempering; NaN where they do not apply.
	AcceptRate float64 `json:"accept_rate"`
	SwapRate   float64 `json:"swap_rate"`
	// Warnings lists problems a user must see, such as degenerate weights.
	Warnings []string `json:"warnings,omitempty"`
}

// NewReport returns a Report with every estimate set to NaN.
func NewReport(target, method string, n int, seed uint64) Report {
	nan := math.NaN()
	return Report{
		Target: target, Method: method, N: n, Seed: seed,
		LogZ: nan, LogZStdErr: nan, ELBO: nan, EUBO: nan, ExactLogZ: nan,
		ESSFraction: nan, ModeCoverage: nan, ModeWeightError: nan,
		EnergyDistance: nan, Sinkhorn: nan, AcceptRate: nan, SwapRate: nan,
	}
}

// Counting wraps a Target and counts its evaluations. It is safe for
// concurrent use.
type Counting struct {
	T            Target
	energy, grad atomic.Int64
}

// NewCounting wraps t.
func NewCounting(t Target) *Counting { return &Counting{T: t} }

// LogDensity counts one energy evaluation.
func (c *Counting) LogDensity(x []float64) float64 {
	c.energy.Add(1)
	return c.T.LogDensity(x)
}

// GradLogDensity counts one energy and one gradient evaluation.
func (c *Counting) GradLogDensity(dst, x []float64) float64 {
	c.energy.Add(1)
	c.grad.Add(1)
	return c.T.GradLogDensity(dst, x)
}

// LogZ forwards to the wrapped target when it knows log Z.
func (c *Counting) LogZ() (float64, bool) {
	if z, ok := c.T.(controlsde.LogZer); ok {
		return z.LogZ()
	}
	return math.NaN(), false
}

// Counts returns the energy and gradient evaluations so far.
func (c *Counting) Counts() (energy, grad int64) { return c.energy.Load(), c.grad.Load() }
