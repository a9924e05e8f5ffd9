package sampler

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Default annealing settings (AIS, SMC, PT).
const (
	DefaultTemps     = 100
	DefaultMoveSteps = 5
	DefaultPower     = 4.0
	DefaultPilot     = 64
)

// AIS is annealed importance sampling (Neal 2001) along the geometric path
// π_β ∝ p₀^{1−β} γ^β with K + 1 temperatures β_k = (k/K)^Power: each
// particle starts at X₀ ~ p₀ and, for k = 1…K,
//
//	log w += (β_k − β_{k−1}) (log γ(X) − log p₀(X)),
//
// then makes MoveSteps MALA steps (random-walk Metropolis on a manifold)
// that leave π_{β_k} invariant. E[w] = Z, so Ẑ = mean(w) is unbiased and
// log Ẑ = logsumexp(log w) − log N (Report via FillWeights, with the
// delta-method standard error and ESS/N).
//
// The step size of each temperature is tuned beforehand on Pilot separate
// particles (streams N, N+1, …, discarded): the step of temperature k + 1
// is that of k times exp(2(ā_k − α*)), ā_k the pilot's mean acceptance at
// k. The main particles then use these fixed steps, so their weights are
// independent and Ẑ stays unbiased.
//
// Budget on R^d: exactly (N + Pilot)·(1 + K·MoveSteps) gradient
// evaluations (energy evaluations only, same count, on a manifold).
type AIS struct {
	// Temps is K; 0 means DefaultTemps.
	Temps int
	// MoveSteps is the number of MCMC steps per temperature; 0 means
	// DefaultMoveSteps.
	MoveSteps int
	// Step is the initial step size h; 0 means DefaultStep.
	Step float64
	// RefSigma is σ of the reference N(0, σ²I) on R^d; 0 means
	// DefaultRefSigma.
	RefSigma float64
	// Power is the exponent of the β schedule; 0 means DefaultPower.
	Power float64
	// Pilot is the number of pilot particles; 0 means DefaultPilot,
	// negative means no pilot (every temperature uses Step).
	Pilot int
	// Reverse, when positive, is the number of exact target samples
	// annealed backwards for the EUBO (see Reverse AIS below); it needs a
	// target with an exact sampler and costs Reverse·(1 + K·MoveSteps)
	// more evaluations.
	Reverse int
}

// Reverse AIS (bidirectional Monte Carlo; Grosse, Ghahramani & Adams
// 2015): exact draws x_K ~ γ/Z are moved down the same kernels,
// x_{k−1} ~ T_k(x_k, ·) for k = K…1 (each T_k, MoveSteps
// Metropolis–Hastings steps leaving π_{β_k} invariant, is reversible), and
// accumulate the forward log-weight of that path,
//
//	log w = Σ_k (β_k − β_{k−1}) (log γ(x_{k−1}) − log p₀(x_{k−1})).
//
// The reversed path has the law of AIS's extended target, so
// E[log w] = log Z + KL(target ‖ AIS) ≥ log Z: the mean is the EUBO, an
// upper bound that with the ELBO brackets log Z.

// Name returns "ais".
func (AIS) Name() string { return "ais" }

func (a AIS) withDefaults() (AIS, error) {
	if a.Temps == 0 {
		a.Temps = DefaultTemps
	}
	if a.MoveSteps == 0 {
		a.MoveSteps = DefaultMoveSteps
	}
	if a.Step == 0 {
		a.Step = DefaultStep
	}
	if a.Power == 0 {
		a.Power = DefaultPower
	}
	if a.Pilot == 0 {
		a.Pilot = DefaultPilot
	}
	if a.Temps < 1 || a.MoveSteps < 0 || !(a.Step > 0) || !(a.Power > 0) {
		return a, fmt.Errorf("%w: ais: temps %d, move steps %d, step %g, power %g", ErrBadInput, a.Temps, a.MoveSteps, a.Step, a.Power)
	}
	return a, nil
}

// population is a batch of particles with cached log γ and, on R^d,
// ∇ log γ.
type population struct {
	x, g, lg []float64
	rngs     []*rand.Rand
	acc      []float64
}

func (e *env) newPopulation(n, offset int, ks []*kernel) *population {
	d := e.d
	p := &population{x: make([]float64, n*d), g: make([]float64, n*d), lg: make([]float64, n), rngs: streams(e.seed, offset, n), acc: make([]float64, n)}
	e.parallel(n, func(w, i int) {
		p.lg[i] = ks[w].init(p.x[i*d:(i+1)*d], p.g[i*d:(i+1)*d], p.rngs[i])
	})
	return p
}

// moveAll makes steps MCMC steps at β with step h for every particle and
// returns the mean acceptance probability.
func (e *env) moveAll(p *population, ks []*kernel, beta, h float64, steps int) float64 {
	d := e.d
	n := len(p.lg)
	if steps == 0 || n == 0 {
		return math.NaN()
	}
	e.parallel(n, func(w, i int) {
		k := ks[w]
		var s float64
		for range steps {
			s += k.move(p.x[i*d:(i+1)*d], p.g[i*d:(i+1)*d], &p.lg[i], beta, h, p.rngs[i])
		}
		p.acc[i] = s
	})
	var s float64
	for _, a := range p.acc {
		s += a
	}
	return s / float64(n*steps)
}

// adaptStep returns h·exp(2(ā − α*)), clamped to a factor of 4 per call.
func adaptStep(h, acc, target float64) float64 {
	if math.IsNaN(acc) {
		return h
	}
	return h * math.Exp(math.Max(-math.Log(4), math.Min(math.Log(4), 2*(acc-target))))
}

// anneal runs AIS on p through betas; with hs[k] = 0 the step of
// temperature k is adapted from the previous one and stored in hs. It
// adds the log incremental weights to logw (nil: not recorded) and returns
// the mean acceptance over all moves.
func (e *env) anneal(p *population, ks []*kernel, betas, hs, logw []float64, steps int, h0 float64) float64 {
	d := e.d
	n := len(p.lg)
	astar := e.targetAccept()
	h := h0
	var accSum float64
	var accN int
	for k := 1; k < len(betas); k++ {
		db := betas[k] - betas[k-1]
		if logw != nil {
			e.parallel(n, func(w, i int) {
				logw[i] += db * (p.lg[i] - ks[w].logRef(p.x[i*d:(i+1)*d]))
			})
		}
		if hs[k] > 0 {
			h = hs[k]
		} else {
			hs[k] = h
		}
		a := e.moveAll(p, ks, betas[k], h, steps)
		if !math.IsNaN(a) {
			accSum += a
			accN++
		}
		h = adaptStep(h, a, astar)
	}
	if accN == 0 {
		return math.NaN()
	}
	return accSum / float64(accN)
}

func (a AIS) run(e *env) (result, error) {
	a, err := a.withDefaults()
	if err != nil {
		return result{}, err
	}
	ks := e.kernels(a.RefSigma)
	betas := betaSchedule(a.Temps, a.Power)
	hs := make([]float64, len(betas))
	if a.Pilot > 0 {
		pilot := e.newPopulation(a.Pilot, e.n, ks)
		e.anneal(pilot, ks, betas, hs, nil, a.MoveSteps, a.Step)
	} else {
		for k := range hs {
			hs[k] = a.Step
		}
	}
	p := e.newPopulation(e.n, 0, ks)
	logw := make([]float64, e.n)
	acc := e.anneal(p, ks, betas, hs, logw, a.MoveSteps, a.Step)
	res := result{out: Output{Samples: p.x, N: e.n, Dim: e.d, LogWeights: logw}, logZ: math.NaN(), logZSE: math.NaN(), accept: acc}
	if a.Reverse > 0 {
		ex, ok := e.t.T.(exact)
		if !ok {
			return res, fmt.Errorf("%w: ais: reverse annealing needs a target with exact samples", ErrBadInput)
		}
		res.hasEUBO = true
		for _, v := range e.reverseAIS(ex, ks, betas, hs, a.Reverse, e.n+max(a.Pilot, 0), a.MoveSteps) {
			res.eubo += v / float64(a.Reverse)
		}
	}
	return res, nil
}

// reverseAIS returns the reverse-AIS log-weights of n exact samples
// (streams offset, offset+1, …); their mean is the EUBO (see AIS), and
// E[1/w] = 1/Z.
func (e *env) reverseAIS(ex exact, ks []*kernel, betas, hs []float64, n, offset, steps int) []float64 {
	d := e.d
	p := e.exactPopulation(ex, n, offset)
	lw := make([]float64, n)
	for k := len(betas) - 1; k >= 1; k-- {
		e.moveAll(p, ks, betas[k], hs[k], steps)
		db := betas[k] - betas[k-1]
		e.parallel(n, func(w, i int) {
			lw[i] += db * (p.lg[i] - ks[w].logRef(p.x[i*d:(i+1)*d]))
		})
	}
	return lw
}

// exactPopulation returns n exact target samples, sample i drawn from
// stream offset+i, which then drives its moves; log γ and, on R^d,
// ∇ log γ are evaluated (and counted) once per sample.
func (e *env) exactPopulation(ex exact, n, offset int) *population {
	d := e.d
	p := &population{x: make([]float64, n*d), g: make([]float64, n*d), lg: make([]float64, n), rngs: streams(e.seed, offset, n), acc: make([]float64, n)}
	e.parallel(n, func(w, i int) {
		x := p.x[i*d : (i+1)*d]
		ex.Sample(x, p.rngs[i])
		if e.flat {
			p.lg[i] = e.t.GradLogDensity(p.g[i*d:(i+1)*d], x)
		} else {
			p.lg[i] = e.t.LogDensity(x)
		}
	})
	return p
}
