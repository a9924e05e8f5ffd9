package sampler

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/controlsde"
)

// Default parallel-tempering settings.
const (
	DefaultPTTemps = 16
	DefaultPTSteps = 1000
)

// PT is parallel tempering (replica exchange; Swendsen & Wang 1986, Geyer
// 1991) on the geometric path π_β ∝ p₀^{1−β} γ^β with the ladder
// β_l = (l/(L−1))^Power, l = 0…L−1 (β₀ = 0 is the reference itself).
// Settings.N independent replica sets run in parallel, each with its own
// random stream. Every round each level makes one MALA step (random-walk
// Metropolis on a manifold) with its own step size, adapted during the
// first Burn rounds as in MALA and then fixed; then neighbours (l, l+1)
// with l even on even rounds and l odd on odd rounds propose to swap
// states, accepted with probability
//
//	min(1, exp((β_{l+1} − β_l)(u(x_l) − u(x_{l+1})))),  u = log γ − log p₀.
//
// The samples are the final β = 1 states (unweighted). Report.LogZ is the
// stepping-stone estimate (Xie et al. 2011) over the ladder,
//
//	log Ẑ = Σ_{l<L−1} log mean_{t>Burn, r} exp((β_{l+1} − β_l) u(x_l^{(r,t)})),
//
// which is exact in the limit because Z_{β_{l+1}}/Z_{β_l} =
// E_{π_{β_l}}[e^{(β_{l+1}−β_l)u}] and Z₀ = 1; LogZStdErr is the standard
// deviation of the per-replica estimates over √N. Report.SwapRate is the
// mean swap acceptance after burn-in, AcceptRate that of the β = 1 moves.
//
// Budget on R^d: exactly N·L·(Steps + 1) gradient evaluations.
type PT struct {
	// Temps is the ladder length L ≥ 2; 0 means DefaultPTTemps.
	Temps int
	// Steps is the number of rounds; 0 means DefaultPTSteps.
	Steps int
	// Burn is the number of adaptation rounds; 0 means Steps/2.
	Burn int
	// Step is the initial step size; 0 means DefaultStep.
	Step float64
	// RefSigma is σ of the reference N(0, σ²I) on R^d; 0 means
	// DefaultRefSigma.
	RefSigma float64
	// Power is the ladder exponent; 0 means DefaultPower.
	Power float64
}

// Name returns "pt".
func (PT) Name() string { return "pt" }

func (pt PT) run(e *env) (result, error) {
	if pt.Temps == 0 {
		pt.Temps = DefaultPTTemps
	}
	if pt.Steps == 0 {
		pt.Steps = DefaultPTSteps
	}
	if pt.Burn == 0 {
		pt.Burn = pt.Steps / 2
	}
	if pt.Step == 0 {
		pt.Step = DefaultStep
	}
	if pt.Power == 0 {
		pt.Power = DefaultPower
	}
	if pt.Temps < 2 || pt.Steps < 1 || pt.Burn < 0 || pt.Burn >= pt.Steps || !(pt.Step > 0) || !(pt.Power > 0) {
		return result{}, fmt.Errorf("%w: pt: temps %d, steps %d, burn %d, step %g, power %g", ErrBadInput, pt.Temps, pt.Steps, pt.Burn, pt.Step, pt.Power)
	}
	L, n, d := pt.Temps, e.n, e.d
	ks := e.kernels(pt.RefSigma)
	betas := betaSchedule(L-1, pt.Power)
	rngs := streams(e.seed, 0, n)
	x := make([]float64, n*L*d)
	g := make([]float64, n*L*d)
	lg := make([]float64, n*L)
	logh := make([]float64, n*L)
	// ss[r·(L−1)+l] = logsumexp over rounds of δ_l u(x_l) for replica r.
	ss := make([]float64, n*(L-1))
	acc := make([]float64, n)
	swaps := make([]float64, n)
	swapTries := make([]float64, n)
	astar := e.targetAccept()
	kept := pt.Steps - pt.Burn
	e.parallel(n, func(w, r int) {
		k, rng := ks[w], rngs[r]
		row := func(l int) (xs, gs []float64) {
			o := (r*L + l) * d
			return x[o : o+d], g[o : o+d]
		}
		for l := range L {
			xs, gs := row(l)
			lg[r*L+l] = k.init(xs, gs, rng)
			logh[r*L+l] = math.Log(pt.Step)
		}
		lss := ss[r*(L-1) : (r+1)*(L-1)]
		for l := range lss {
			lss[l] = math.Inf(-1)
		}
		for t := range pt.Steps {
			for l := range L {
				xs, gs := row(l)
				a := k.move(xs, gs, &lg[r*L+l], betas[l], math.Exp(logh[r*L+l]), rng)
				if t < pt.Burn {
					logh[r*L+l] += (a - astar) / math.Pow(float64(t+1), 0.6)
				} else if l == L-1 {
					acc[r] += a
				}
			}
			for l := t % 2; l+1 < L; l += 2 {
				xa, ga := row(l)
				xb, gb := row(l + 1)
				ua := lg[r*L+l] - k.logRef(xa)
				ub := lg[r*L+l+1] - k.logRef(xb)
				a := acceptProb((betas[l+1] - betas[l]) * (ua - ub))
				if t >= pt.Burn {
					swaps[r] += a
					swapTries[r]++
				}
				if rng.Float64() < a {
					for j := range xa {
						xa[j], xb[j] = xb[j], xa[j]
						ga[j], gb[j] = gb[j], ga[j]
					}
					lg[r*L+l], lg[r*L+l+1] = lg[r*L+l+1], lg[r*L+l]
				}
			}
			if t >= pt.Burn {
				for l := range L - 1 {
					xs, _ := row(l)
					v := (betas[l+1] - betas[l]) * (lg[r*L+l] - k.logRef(xs))
					m := math.Max(lss[l], v)
					if !math.IsInf(m, -1) {
						lss[l] = m + math.Log(math.Exp(lss[l]-m)+math.Exp(v-m))
					}
				}
			}
		}
	})
	// Pooled stepping-stone estimate and per-replica spread.
	var logZ float64
	col := make([]float64, n)
	for l := range L - 1 {
		for r := range n {
			col[r] = ss[r*(L-1)+l]
		}
		logZ += controlsde.LogSumExp(col) - math.Log(float64(n*kept))
	}
	se := math.NaN()
	if n > 1 {
		var m, m2 float64
		for r := range n {
			var z float64
			for l := range L - 1 {
				z += ss[r*(L-1)+l] - math.Log(float64(kept))
			}
			m += z
			m2 += z * z
		}
		m /= float64(n)
		se = math.Sqrt(math.Max(0, m2/float64(n)-m*m) / float64(n-1))
	}
	out := make([]float64, n*d)
	for r := range n {
		copy(out[r*d:(r+1)*d], x[(r*L+L-1)*d:(r*L+L)*d])
	}
	var sa, sw, st float64
	for r := range n {
		sa += acc[r]
		sw += swaps[r]
		st += swapTries[r]
	}
	return result{out: Output{Samples: out, N: n, Dim: d}, logZ: logZ, logZSE: se, accept: sa / float64(n*kept), swap: sw / st, hasSwap: true}, nil
}
