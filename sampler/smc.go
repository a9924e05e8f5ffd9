package sampler

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/controlsde"
)

// Default SMC settings.
const (
	// DefaultCESS is the conditional ESS fraction kept per tempering step.
	DefaultCESS = 0.9
	// DefaultResampleESS triggers resampling when ESS/N falls below it.
	DefaultResampleESS = 0.5
	// DefaultMaxTemps caps the number of adaptive temperatures.
	DefaultMaxTemps = 1000
)

// SMC is a sequential Monte Carlo sampler (Del Moral, Doucet & Jasra 2006)
// on the geometric path π_β ∝ p₀^{1−β} γ^β with adaptive tempering (Jasra
// et al. 2011; Zhou, Johansen & Aston 2016): from normalised weights W_i
// and u_i = log γ(X_i) − log p₀(X_i), the next β' = β + δ is the largest
// with conditional ESS
//
//	CESS(δ) = (Σ_i W_i e^{δu_i})² / Σ_i W_i e^{2δu_i}
//
// equal to the fraction CESS (bisection, 50 halvings; β' = 1 when that is
// reached first). The incremental weights update W and the standard SMC
// estimate
//
//	log Ẑ = Σ_stages log Σ_i W_i e^{δu_i}
//
// (unbiased for Z; Del Moral 2004). When ESS/N < ResampleESS the particles
// are resampled systematically (one uniform from stream N of the seed) and
// W reset to 1/N; then every particle makes MoveSteps MALA steps
// (random-walk Metropolis on manifolds) at β', the step adapted between
// stages from the mean acceptance as in AIS (h ← h·exp(2(ā − α*))).
//
// The Output's log-weights are log Ẑ + log N + log W_i, so normalised they
// are the final weights and their log-mean-exp is log Ẑ; Report.LogZ is
// the SMC estimate, LogZStdErr and ELBO are NaN (the particles are not
// independent).
//
// Budget on R^d: N·(1 + S·MoveSteps) gradient evaluations, S the number of
// stages chosen (at most MaxTemps; β = 1 is forced at the last).
type SMC struct {
	// MoveSteps per stage; 0 means DefaultMoveSteps.
	MoveSteps int
	// CESS is the conditional ESS fraction per stage in (0, 1); 0 means
	// DefaultCESS.
	CESS float64
	// ResampleESS is the resampling threshold; 0 means DefaultResampleESS.
	ResampleESS float64
	// MaxTemps caps the number of stages; 0 means DefaultMaxTemps.
	MaxTemps int
	// Step is the initial step size h; 0 means DefaultStep.
	Step float64
	// RefSigma is σ of the reference N(0, σ²I) on R^d; 0 means
	// DefaultRefSigma.
	RefSigma float64
}

// Name returns "smc".
func (SMC) Name() string { return "smc" }

func (s SMC) run(e *env) (result, error) {
	if s.MoveSteps == 0 {
		s.MoveSteps = DefaultMoveSteps
	}
	if s.CESS == 0 {
		s.CESS = DefaultCESS
	}
	if s.ResampleESS == 0 {
		s.ResampleESS = DefaultResampleESS
	}
	if s.MaxTemps == 0 {
		s.MaxTemps = DefaultMaxTemps
	}
	if s.Step == 0 {
		s.Step = DefaultStep
	}
	if s.MoveSteps < 0 || !(s.CESS > 0 && s.CESS < 1) || !(s.ResampleESS >= 0 && s.ResampleESS <= 1) || s.MaxTemps < 1 || !(s.Step > 0) {
		return result{}, fmt.Errorf("%w: smc: move steps %d, cess %g, resample %g, max temps %d, step %g", ErrBadInput, s.MoveSteps, s.CESS, s.ResampleESS, s.MaxTemps, s.Step)
	}
	ks := e.kernels(s.RefSigma)
	n, d := e.n, e.d
	p := e.newPopulation(n, 0, ks)
	rs := streams(e.seed, n, 1)[0]
	logW := make([]float64, n) // normalised log weights
	for i := range logW {
		logW[i] = -math.Log(float64(n))
	}
	u := make([]float64, n)
	inc := make([]float64, n)
	idx := make([]int, n)
	w := make([]float64, n)
	x2, g2, lg2 := make([]float64, n*d), make([]float64, n*d), make([]float64, n)
	astar := e.targetAccept()
	h := s.Step
	var logZ, accSum float64
	var accN int
	beta := 0.0
	// lcess returns log CESS(δ) = 2 log Σ W e^{δu} − log Σ W e^{2δu}.
	lcess := func(delta float64) float64 {
		for i := range inc {
			inc[i] = logW[i] + delta*u[i]
		}
		a := controlsde.LogSumExp(inc)
		for i := range inc {
			inc[i] = logW[i] + 2*delta*u[i]
		}
		return 2*a - controlsde.LogSumExp(inc)
	}
	target := math.Log(s.CESS)
	for stage := 1; beta < 1; stage++ {
		e.parallel(n, func(wk, i int) { u[i] = p.lg[i] - ks[wk].logRef(p.x[i*d:(i+1)*d]) })
		delta := 1 - beta
		if stage < s.MaxTemps && lcess(delta) < target {
			lo, hi := 0.0, delta
			for range 50 {
				mid := (lo + hi) / 2
				if lcess(mid) >= target {
					lo = mid
				} else {
					hi = mid
				}
			}
			delta = math.Max(lo, 1e-12)
		}
		if beta+delta >= 1 || stage >= s.MaxTemps {
			delta = 1 - beta
			beta = 1
		} else {
			beta += delta
		}
		for i := range inc {
			inc[i] = logW[i] + delta*u[i]
		}
		lz := controlsde.LogSumExp(inc)
		logZ += lz
		var sw, sw2 float64
		for i := range logW {
			logW[i] = inc[i] - lz
			wi := math.Exp(logW[i])
			sw += wi
			sw2 += wi * wi
		}
		if sw*sw/(sw2*float64(n)) < s.ResampleESS {
			for i := range w {
				w[i] = math.Exp(logW[i])
			}
			systematic(idx, w, rs.Float64())
			for i, k := range idx {
				copy(x2[i*d:(i+1)*d], p.x[k*d:(k+1)*d])
				copy(g2[i*d:(i+1)*d], p.g[k*d:(k+1)*d])
				lg2[i] = p.lg[k]
				logW[i] = -math.Log(float64(n))
			}
			p.x, x2 = x2, p.x
			p.g, g2 = g2, p.g
			p.lg, lg2 = lg2, p.lg
		}
		a := e.moveAll(p, ks, beta, h, s.MoveSteps)
		if !math.IsNaN(a) {
			accSum += a
			accN++
		}
		h = adaptStep(h, a, astar)
	}
	logw := make([]float64, n)
	for i := range logw {
		logw[i] = logZ + math.Log(float64(n)) + logW[i]
	}
	acc := math.NaN()
	if accN > 0 {
		acc = accSum / float64(accN)
	}
	return result{out: Output{Samples: p.x, N: n, Dim: d, LogWeights: logw}, logZ: logZ, logZSE: math.NaN(), accept: acc, noELBO: true}, nil
}
