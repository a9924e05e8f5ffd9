package controlsde

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// bridgeDomain separates the random streams of ForwardLogWeights from
// those of Simulate (the first 64 fractional bits of √3).
const bridgeDomain = 0xbb67ae8584caa73b

// Estimates summarises the log-weights log w_i of N paths (targets.md):
//
//	log Ẑ = logsumexp(log w) − log N,
//	ELBO  = mean(log w) ≤ log Z,
//	ESS/N = (Σw)² / (N Σw²).
//
// ELBO is mean(log w) as in soc.md; targets.md writes it
// −mean(Σ½|u|²Δt + g), which drops the zero-mean term Σu·ΔW: both have the
// same expectation, the latter a smaller variance (RunningCost and
// TerminalCost in Result give it directly). LogZStdErr is the delta-method
// standard error of log Ẑ, sd(w)/(√N mean(w)), computed stably from the
// log-weights.
type Estimates struct {
	LogZ       float64
	LogZStdErr float64
	ELBO       float64
	ESS        float64 // ESS/N ∈ [1/N, 1]
	N          int
}

// LogSumExp returns log Σ exp(v_i), stably (−Inf for an empty slice).
func LogSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		if x > m {
			m = x
		}
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

// Estimate returns the estimators of logw (which it does not modify).
func Estimate(logw []float64) Estimates {
	n := len(logw)
	if n == 0 {
		return Estimates{}
	}
	fn := float64(n)
	lse := LogSumExp(logw)
	var mean, lse2 float64
	m := math.Inf(-1)
	for _, x := range logw {
		mean += x
		if 2*x > m {
			m = 2 * x
		}
	}
	mean /= fn
	if !math.IsInf(m, 0) {
		var s float64
		for _, x := range logw {
			s += math.Exp(2*x - m)
		}
		lse2 = m + math.Log(s)
	} else {
		lse2 = m
	}
	ess := math.Exp(2*lse-lse2) / fn
	// Var(w)/mean(w)² = N Σw²/(Σw)² − 1 = 1/ESS − 1 (population form).
	rel := 1/ess - 1
	if rel < 0 {
		rel = 0
	}
	return Estimates{
		LogZ:       lse - math.Log(fn),
		LogZStdErr: math.Sqrt(rel / fn),
		ELBO:       mean,
		ESS:        ess,
		N:          n,
	}
}

// ForwardLogWeights returns the log-weights of target samples under the
// time-reversed reference (the forward or EUBO estimates of targets.md):
// each sample X_K = X_T (a row of samples) is joined to the start by the
// bridge of the reference chain on the grid, drawn backwards exactly, and
// the control is evaluated along it.
//
// The reference chain is the exact one on R^n (Brownian motion or OU/VP,
// no Drift field, X₀ ~ N(m₀, v₀I) with m₀ = Start or 0, v₀ = StartVariance):
// X_{k+1} = a_k X_k + √c_k ξ_k (Exact's transition; a_k = 1, c_k = Δν for
// Brownian motion, which is also the EulerMaruyama chain). With the prior
// moments X_k ~ N(μ_k, V_k I), μ_{k+1} = a_k μ_k, V_{k+1} = a_k² V_k + c_k,
// the backward conditionals are Gaussian:
//
//	X_k | X_{k+1} ~ N( (μ_k/V_k + a_k X_{k+1}/c_k)/P, I/P ),  P = 1/V_k + a_k²/c_k
//
// (X₀ = m₀ when v₀ = 0). With the reference noise ξ_k = (X_{k+1} − a_k X_k)/√c_k
// and u_k = u(t_k, X_k), the density ratio of the controlled chain
// (Exact's step X' = aX + √c(u√Δt + ξ)) to the reference chain gives
//
//	log w_f = −( Σ_k [√Δt_k u_k·ξ_k − ½|u_k|²Δt_k] + g(X_K) ),
//
// the log-weight formula of Simulate with the controlled-noise increment
// ξ_k − u_k√Δt_k. EUBO = mean(log w_f) ≥ log Z for exact target samples,
// and EUBO − log Z is the discrete chain's KL divergence. Particle i of the
// bridges draws from the stream (Settings.Seed, i).
func ForwardLogWeights(p Problem, settings *Settings, samples []float64) ([]float64, error) {
	s := settings.withDefaults()
	ref := &p.Reference
	if ref.Space == nil || !isEuclidean(ref.Space) || ref.Drift != nil || (ref.Start == nil && ref.Init != nil) {
		return nil, fmt.Errorf("%w: ForwardLogWeights needs a Brownian or OU reference on Euclidean space from a point or a Gaussian start", ErrUnsupported)
	}
	if p.Target == nil {
		return nil, fmt.Errorf("%w: ForwardLogWeights needs a target", ErrProblem)
	}
	if err := checkGrid(s.Grid); err != nil {
		return nil, err
	}
	d := ref.Space.AmbientDim()
	if len(samples)%d != 0 {
		panic("controlsde: ForwardLogWeights: samples length not a multiple of the dimension")
	}
	n := len(samples) / d
	g := s.Grid
	K := len(g) - 1
	refT, err := ref.Marginal(g[0], g[K])
	if err != nil {
		return nil, err
	}
	a, c := make([]float64, K), make([]float64, K)
	mu, V := make([]float64, K+1), make([]float64, K+1)
	mu[0], V[0] = 1, ref.StartVariance // mu_k is the factor of m₀
	for k := 0; k < K; k++ {
		a[k], c[k] = ref.ouCoeffs(g[k], g[k+1])
		if !(c[k] > 0) || math.IsInf(c[k], 1) {
			return nil, fmt.Errorf("%w: ForwardLogWeights needs a positive finite noise variance on every step (step %d has %g)", ErrUnsupported, k, c[k])
		}
		mu[k+1] = a[k] * mu[k]
		V[k+1] = a[k]*a[k]*V[k] + c[k]
	}
	m0 := make([]float64, d)
	if ref.Start != nil {
		copy(m0, ref.Start)
	}
	blk := s.Block
	path := make([]float64, (K+1)*blk*d)
	u := make([]float64, blk*d)
	logw := make([]float64, n)
	ctrl := fork(p.Control)
	for lo := 0; lo < n; lo += blk {
		hi := min(lo+blk, n)
		nb := hi - lo
		frame := func(k int) []float64 { return path[k*blk*d : k*blk*d+nb*d] }
		copy(frame(K), samples[lo*d:hi*d])
		for j := 0; j < nb; j++ {
			// A stream of its own: domain-separated from particle
			// lo+j's stream in Simulate with the same seed, so forward and
			// reverse estimates from one Settings are independent.
			pcg := particleStream(s.Seed^bridgeDomain, lo+j)
			rng := rand.New(&pcg)
			for k := K - 1; k >= 0; k-- {
				next, cur := frame(k + 1)[j*d:(j+1)*d], frame(k)[j*d:(j+1)*d]
				if V[k] == 0 {
					copy(cur, m0)
					continue
				}
				P := 1/V[k] + a[k]*a[k]/c[k]
				sd := 1 / math.Sqrt(P)
				for i := range cur {
					cur[i] = (mu[k]*m0[i]/V[k]+a[k]*next[i]/c[k])/P + sd*rng.NormFloat64()
				}
			}
		}
		for j := 0; j < nb; j++ {
			xT := frame(K)[j*d : (j+1)*d]
			logw[lo+j] = -(refT.LogProb(xT) - p.Target.LogDensity(xT))
		}
		if ctrl == nil {
			continue
		}
		for k := 0; k < K; k++ {
			dt := g[k+1] - g[k]
			sqdt, isc := math.Sqrt(dt), 1/math.Sqrt(c[k])
			cur, next := frame(k), frame(k+1)
			ub := u[:nb*d]
			ctrl.Control(ub, g[k], cur)
			for j := 0; j < nb; j++ {
				var uu, uxi float64
				for i := j * d; i < (j+1)*d; i++ {
					uu += ub[i] * ub[i]
					uxi += ub[i] * (next[i] - a[k]*cur[i]) * isc
				}
				logw[lo+j] -= sqdt*uxi - 0.5*uu*dt
			}
		}
	}
	return logw, nil
}
