package controlsde

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Estimates summarises the log-weights log w_i of N paths (targets.md):
//
//	log Ẑ = logsumexp(log w) − log N,
//	ELBO  = mean(log w) ≤ log Z,
//	ESS/N = (Σw)² / (N Σw²).
//
// LogZStdErr is the delta-method standard error of log Ẑ,
// sd(w)/(√N mean(w)), computed stably from the log-weights.
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
// each sample X_T (a row of samples) is joined to the start x₀ by the
// reference bridge on the grid, drawn backwards exactly,
//
//	X_k | X_{k+1} ~ N( x₀ + ν_k/ν_{k+1} (X_{k+1} − x₀), ν_k (ν_{k+1} − ν_k)/ν_{k+1} · I )
//
// with ν_k = ν(t_k) − ν(t_0), and the control is evaluated along it. With
// ΔW_k = (X_{k+1} − X_k)/σ̄_k the reference increments and u_k = u(t_k, X_k),
//
//	log w_f = −( Σ_k [u_k·ΔW_k − ½|u_k|²Δt_k] + g(X_T) ),
//
// which is the log-weight formula of Simulate with the controlled-noise
// increment ΔW_k − u_kΔt_k. EUBO = mean(log w_f) ≥ log Z for exact target
// samples. It needs a Brownian reference on Euclidean space from a fixed
// Start (nil means 0), no OU drift and no Drift field; the bridge is exact
// for the chain simulated by EulerMaruyama or Exact, so with exact target
// samples EUBO − log Z is the discrete chain's KL divergence.
func ForwardLogWeights(p Problem, settings *Settings, samples []float64) ([]float64, error) {
	s := settings.withDefaults()
	ref := &p.Reference
	if ref.Space == nil || !isEuclidean(ref.Space) || ref.OUVariance > 0 || ref.Drift != nil || ref.StartVariance > 0 || (ref.Start == nil && ref.Init != nil) {
		return nil, fmt.Errorf("%w: ForwardLogWeights needs a Brownian reference on Euclidean space from a point", ErrUnsupported)
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
	sch := ref.sigma()
	nu := make([]float64, K+1)
	for k := range nu {
		nu[k] = sch.Integral(g[k]) - sch.Integral(g[0])
	}
	x0 := make([]float64, d)
	if ref.Start != nil {
		copy(x0, ref.Start)
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
			pcg := particleStream(s.Seed, lo+j)
			rng := rand.New(&pcg)
			for k := K - 1; k >= 0; k-- {
				next, cur := frame(k + 1)[j*d:(j+1)*d], frame(k)[j*d:(j+1)*d]
				if k == 0 {
					copy(cur, x0)
					break
				}
				f := nu[k] / nu[k+1]
				sd := math.Sqrt(nu[k] * (nu[k+1] - nu[k]) / nu[k+1])
				for c := range cur {
					cur[c] = x0[c] + f*(next[c]-x0[c]) + sd*rng.NormFloat64()
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
			sbar := math.Sqrt((nu[k+1] - nu[k]) / dt)
			cur, next := frame(k), frame(k+1)
			ub := u[:nb*d]
			ctrl.Control(ub, g[k], cur)
			for j := 0; j < nb; j++ {
				var uu, udw float64
				for c := j * d; c < (j+1)*d; c++ {
					uu += ub[c] * ub[c]
					udw += ub[c] * (next[c] - cur[c]) / sbar
				}
				logw[lo+j] -= udw - 0.5*uu*dt
			}
		}
	}
	return logw, nil
}
