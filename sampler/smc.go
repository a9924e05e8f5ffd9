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
// stages chosen (at most MaxTemps; β = 1 is forced at the last), plus
// Reverse·(1 + (S−1)·MoveSteps) for the EUBO (energy evaluations only,
// same counts, on a manifold).
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
	// Reverse, when positive, is the number of exact target samples run
	// backwards through the forward run's ladder for the EUBO (see Reverse
	// SMC below); it needs a target with an exact sampler and costs
	// Reverse·(1 + (S−1)·MoveSteps) more evaluations.
	Reverse int
}

// Reverse SMC (bidirectional Monte Carlo: Grosse, Ghahramani & Adams
// 2015, "Sandwiching the marginal likelihood using bidirectional Monte
// Carlo"; Grosse, Ancha & Roy 2016, "Measuring the reliability of MCMC
// inference with bidirectional Monte Carlo"). Let 0 = β₀ < β₁ < … < β_S = 1
// be the ladder the forward run chose, h_s the step of its moves at β_s,
// δ_s = β_s − β_{s−1}, γ_s = p₀^{1−β_s} γ^{β_s} and Z_s its normaliser
// (Z₀ = 1, Z_S = Z). The reverse run is an ordinary SMC sampler for the
// reversed sequence γ_S, γ_{S−1}, …, γ₀: Reverse exact draws X_i ~ γ/Z
// (W_i = 1/N_r) are, for s = S, …, 1,
//
//	reweighted  W_i ← W_i e^{−δ_s u_i} / Σ_j W_j e^{−δ_s u_j},
//	            u_i = log γ(X_i) − log p₀(X_i),  so e^{−δ_s u} = γ_{s−1}/γ_s;
//	resampled   systematically when ESS/N_r < ResampleESS (s > 1);
//	moved       MoveSteps MALA / random-walk Metropolis steps at β_{s−1}
//	            with the forward step h_{s−1} (s > 1; π_{β_{s−1}}-invariant),
//
// and the product of the normalising sums,
//
//	R̂ = Π_{s=S…1} Σ_i W_i e^{−δ_s u_i},
//
// is the SMC estimate of Z₀/Z_S = 1/Z: unbiased, E[R̂] = 1/Z, for exact
// initial draws, fixed π-invariant kernels and a resampling scheme whose
// expected number of copies of particle i is N_r W_i (multinomial,
// systematic), applied at every stage or when the ESS drops (Del Moral
// 2004, "Feynman–Kac formulae", Thm 7.4.2; Del Moral, Doucet & Jasra 2006,
// "Sequential Monte Carlo samplers", §3.3; Whiteley, Lee & Heine 2016,
// "On the role of interaction in sequential Monte Carlo algorithms", for
// ESS-triggered resampling). The ladder and the steps are chosen adaptively by the forward run, but
// the reverse run conditions on them: given the forward run they are
// fixed, and the reverse particles use their own PCG streams (N + 3, …,
// N + 2 + Reverse, and N + 3 + Reverse for the resampling uniforms; the
// forward run uses 0, …, N and RunBaseline's exact samples N + 1, N + 2),
// so E[R̂ | forward run] = 1/Z and hence E[R̂] = 1/Z. By Jensen's
// inequality
//
//	EUBO := −log R̂,  E[EUBO] ≥ −log E[R̂] = log Z,
//
// an upper bound that with the forward log Ẑ (E[log Ẑ] ≤ log Z) brackets
// log Z; the gap shrinks as the ladder gets finer (CESS → 1). No move is
// made at β = 1 (the draws are exact) nor at β = 0 (R̂ is complete).

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
	var ex exact
	if s.Reverse > 0 {
		var ok bool
		if ex, ok = e.t.T.(exact); !ok {
			return result{}, fmt.Errorf("%w: smc: the reverse run needs a target with exact samples", ErrBadInput)
		}
	}
	ks := e.kernels(s.RefSigma)
	n, d := e.n, e.d
	st := newSMCState(e.newPopulation(n, 0, ks), d)
	p := st.p
	rs := streams(e.seed, n, 1)[0]
	u := make([]float64, n)
	logW, inc := st.logW, st.inc
	astar := e.targetAccept()
	h := s.Step
	var logZ, accSum float64
	var accN int
	beta := 0.0
	// betas and hs record the ladder and the step of each stage's moves
	// for the reverse run (hs[0] unused).
	betas, hs := []float64{0}, []float64{0}
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
		lz, ess := st.reweight(u, delta)
		logZ += lz
		if ess < s.ResampleESS {
			st.resample(rs.Float64())
		}
		betas, hs = append(betas, beta), append(hs, h)
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
	res := result{out: Output{Samples: p.x, N: n, Dim: d, LogWeights: logw}, logZ: logZ, logZSE: math.NaN(), accept: acc, noELBO: true}
	if s.Reverse > 0 {
		res.eubo = -e.reverseSMC(ex, ks, betas, hs, s.Reverse, n+3, s.MoveSteps, s.ResampleESS)
		res.hasEUBO = true
	}
	return res, nil
}

// reverseSMC returns log R̂ of the reverse SMC run (see SMC) of n exact
// samples (streams offset, …, offset+n−1; the resampling uniforms from
// stream offset+n) down the ladder betas with the steps hs.
func (e *env) reverseSMC(ex exact, ks []*kernel, betas, hs []float64, n, offset, steps int, resampleESS float64) float64 {
	d := e.d
	st := newSMCState(e.exactPopulation(ex, n, offset), d)
	p := st.p
	rs := streams(e.seed, offset+n, 1)[0]
	u := make([]float64, n)
	var logR float64
	for s := len(betas) - 1; s >= 1; s-- {
		e.parallel(n, func(wk, i int) { u[i] = p.lg[i] - ks[wk].logRef(p.x[i*d:(i+1)*d]) })
		lr, ess := st.reweight(u, -(betas[s] - betas[s-1]))
		logR += lr
		if s == 1 {
			break
		}
		if ess < resampleESS {
			st.resample(rs.Float64())
		}
		e.moveAll(p, ks, betas[s-1], hs[s-1], steps)
	}
	return logR
}

// smcState is an SMC population with its normalised log-weights and the
// buffers of reweighting and systematic resampling.
type smcState struct {
	p           *population
	d           int
	logW, inc   []float64
	w           []float64
	idx         []int
	x2, g2, lg2 []float64
}

// newSMCState returns p with uniform weights W_i = 1/n.
func newSMCState(p *population, d int) *smcState {
	n := len(p.lg)
	st := &smcState{p: p, d: d, logW: make([]float64, n), inc: make([]float64, n), w: make([]float64, n), idx: make([]int, n),
		x2: make([]float64, n*d), g2: make([]float64, n*d), lg2: make([]float64, n)}
	for i := range st.logW {
		st.logW[i] = -math.Log(float64(n))
	}
	return st
}

// reweight sets W_i ← W_i e^{c u_i} / Σ_j W_j e^{c u_j} and returns
// log Σ_j W_j e^{c u_j} (before normalising) and the ESS fraction
// (Σ W)² / (n Σ W²) of the new weights.
func (st *smcState) reweight(u []float64, c float64) (lz, ess float64) {
	logW, inc := st.logW, st.inc
	for i := range inc {
		inc[i] = logW[i] + c*u[i]
	}
	lz = controlsde.LogSumExp(inc)
	var sw, sw2 float64
	for i := range logW {
		logW[i] = inc[i] - lz
		wi := math.Exp(logW[i])
		sw += wi
		sw2 += wi * wi
	}
	return lz, sw * sw / (sw2 * float64(len(logW)))
}

// resample resamples the population systematically with the uniform v
// and resets W_i = 1/n.
func (st *smcState) resample(v float64) {
	p, d, n := st.p, st.d, len(st.logW)
	for i := range st.w {
		st.w[i] = math.Exp(st.logW[i])
	}
	systematic(st.idx, st.w, v)
	for i, k := range st.idx {
		copy(st.x2[i*d:(i+1)*d], p.x[k*d:(k+1)*d])
		copy(st.g2[i*d:(i+1)*d], p.g[k*d:(k+1)*d])
		st.lg2[i] = p.lg[k]
		st.logW[i] = -math.Log(float64(n))
	}
	p.x, st.x2 = st.x2, p.x
	p.g, st.g2 = st.g2, p.g
	p.lg, st.lg2 = st.lg2, p.lg
}
