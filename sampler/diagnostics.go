package sampler

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/controlsde"
)

// ESSWarnThreshold is the ESS/N below which FillWeights adds a warning to
// a Report: with ESS/N < 0.01 fewer than one sample in a hundred carries the
// weight, the typical sign of a sampler that found only part of the target
// (mode collapse) or of a proposal much narrower than the target.
const ESSWarnThreshold = 0.01

// FillWeights fills the weight-based estimates of r from the log importance
// weights logw with controlsde.Estimate (targets.md):
//
//	log Ẑ = logsumexp(log w) − log N,  ELBO = mean(log w),
//	ESS/N = (Σw)²/(N Σw²),
//
// and the delta-method standard error of log Ẑ. If ESS/N is below
// ESSWarnThreshold it appends the warning
// "weights degenerate: ESS/N = …, possible mode collapse". An empty logw
// leaves r unchanged.
func FillWeights(r *Report, logw []float64) {
	if len(logw) == 0 {
		return
	}
	e := controlsde.Estimate(logw)
	r.LogZ, r.LogZStdErr, r.ELBO, r.ESSFraction = e.LogZ, e.LogZStdErr, e.ELBO, e.ESS
	warnESS(r)
}

func warnESS(r *Report) {
	if r.ESSFraction < ESSWarnThreshold || math.IsNaN(r.ESSFraction) {
		r.Warnings = append(r.Warnings, fmt.Sprintf("weights degenerate: ESS/N = %.3g, possible mode collapse", r.ESSFraction))
	}
}

// normWeights returns the normalised importance weights exp(log w_i)/Σ exp(log w_j),
// or uniform weights 1/N when logw is nil.
func normWeights(logw []float64, n int) []float64 {
	w := make([]float64, n)
	if logw == nil {
		for i := range w {
			w[i] = 1 / float64(n)
		}
		return w
	}
	if len(logw) != n {
		panic("sampler: log-weights length mismatch")
	}
	lse := controlsde.LogSumExp(logw)
	for i, l := range logw {
		w[i] = math.Exp(l - lse)
	}
	return w
}

// ModeCoverageMinShare is the share of the (weighted) samples a mode must
// hold to count as covered (targets.md, GMM-40: 1 %).
const ModeCoverageMinShare = 0.01

// ModeCoverageRadius is the radius, in component standard deviations, of
// the ball around a mode's mean in which samples count for that mode
// (targets.md, GMM-40: 3 s).
const ModeCoverageRadius = 3.0

// ModeStats returns the mode coverage and the mode-weight error of the
// samples (N rows of dim values) with optional log importance weights
// (nil: unweighted) against a mixture with the given component means and
// normalised weights and common component standard deviation sd.
//
// Each sample is assigned to its nearest mean (Euclidean distance in the
// ambient coordinates). Mode k is covered if the samples assigned to it
// and lying within ModeCoverageRadius·sd of μ_k hold at least
// ModeCoverageMinShare of the total (weighted) mass — the GMM-40 definition
// of targets.md; coverage is the share of covered modes. In dimension d the
// 3σ ball holds P(χ²_d ≤ 9) of a Gaussian mode's mass (0.99 for d = 2, 0.89
// for d = 5, 0.66 for d = 8), enough for a 1 % threshold.
//
// The mode-weight error is the total variation ½ Σ_k |ŵ_k − w_k| between
// the estimated mode weights ŵ_k (the normalised importance weight of the
// samples nearest to μ_k, without radius) and the true weights w_k.
func ModeStats(samples []float64, dim int, logw []float64, means [][]float64, weights []float64, sd float64) (coverage, weightErr float64) {
	sds := make([]float64, len(means))
	for k := range sds {
		sds[k] = sd
	}
	return ModeStatsScales(samples, dim, logw, means, weights, sds)
}

// ModeStatsScales is ModeStats with a standard deviation per mode (the
// coverage ball of mode k has radius ModeCoverageRadius·sds[k]), for
// mixtures with unequal component widths such as vmf-s2.
func ModeStatsScales(samples []float64, dim int, logw []float64, means [][]float64, weights, sds []float64) (coverage, weightErr float64) {
	if dim <= 0 || len(samples)%dim != 0 || len(samples) == 0 {
		panic("sampler: ModeStats: samples length not a positive multiple of dim")
	}
	if len(means) != len(weights) || len(means) == 0 || len(sds) != len(means) {
		panic("sampler: ModeStats: means, weights and scales lengths differ")
	}
	n := len(samples) / dim
	w := normWeights(logw, n)
	K := len(means)
	near := make([]float64, K)
	in := make([]float64, K)
	for i := range n {
		x := samples[i*dim : (i+1)*dim]
		best, bd := 0, math.Inf(1)
		for k, mu := range means {
			if len(mu) != dim {
				panic("sampler: ModeStats: mean dimension mismatch")
			}
			var s float64
			for j, v := range mu {
				r := x[j] - v
				s += r * r
			}
			if s < bd {
				best, bd = k, s
			}
		}
		near[best] += w[i]
		if r := ModeCoverageRadius * sds[best]; bd <= r*r {
			in[best] += w[i]
		}
	}
	var covered int
	for k := range K {
		if in[k] >= ModeCoverageMinShare {
			covered++
		}
		weightErr += math.Abs(near[k] - weights[k])
	}
	return float64(covered) / float64(K), weightErr / 2
}

// DistanceCap is the largest number of samples per side used by
// EnergyDistance in a Report (FillDistances); SinkhornCap that of Sinkhorn.
// Both cost O(n·m) per evaluation (Sinkhorn per iteration), so the caps
// bound the time of a report: the first samples are used.
const (
	DistanceCap = 2000
	SinkhornCap = 256
)

// EnergyDistance returns the unbiased U-statistic estimate of the squared
// energy distance (Székely & Rizzo 2013, "Energy statistics", eq. 2.1)
//
//	D² = 2 E|X − Y| − E|X − X'| − E|Y − Y'|
//
// between the laws of the rows of x (n rows) and y (m rows) of dim values:
// 2/(nm) Σ_ij |x_i − y_j| − 1/(n(n−1)) Σ_{i≠i'} |x_i − x_i'| −
// 1/(m(m−1)) Σ_{j≠j'} |y_j − y_j'|, in O((n + m)²) time. It is zero in
// expectation when the laws are equal (and may then be slightly negative).
// It panics unless n, m ≥ 2.
func EnergyDistance(x, y []float64, dim int) float64 {
	n, m := len(x)/dim, len(y)/dim
	if n < 2 || m < 2 || len(x)%dim != 0 || len(y)%dim != 0 {
		panic("sampler: EnergyDistance: need at least 2 rows of dim values on each side")
	}
	dist := func(a, b []float64) float64 {
		var s float64
		for j := range a {
			r := a[j] - b[j]
			s += r * r
		}
		return math.Sqrt(s)
	}
	var xy, xx, yy float64
	for i := range n {
		xi := x[i*dim : (i+1)*dim]
		for j := range m {
			xy += dist(xi, y[j*dim:(j+1)*dim])
		}
		for j := i + 1; j < n; j++ {
			xx += dist(xi, x[j*dim:(j+1)*dim])
		}
	}
	for i := range m {
		yi := y[i*dim : (i+1)*dim]
		for j := i + 1; j < m; j++ {
			yy += dist(yi, y[j*dim:(j+1)*dim])
		}
	}
	fn, fm := float64(n), float64(m)
	return 2*xy/(fn*fm) - 2*xx/(fn*(fn-1)) - 2*yy/(fm*(fm-1))
}

// Default Sinkhorn settings used by FillDistances.
const (
	// SinkhornRelEps is the entropic regularisation ε relative to the mean
	// cost: ε = SinkhornRelEps · mean_ij |x_i − y_j|².
	SinkhornRelEps = 0.05
	// SinkhornIters is the largest number of Sinkhorn iterations.
	SinkhornIters = 1000
	// SinkhornTol stops the iterations once the row marginal of the plan
	// is within this L1 distance of the uniform marginal.
	SinkhornTol = 1e-4
)

// ErrNoConvergence is returned by Sinkhorn when the marginal error is still
// above the tolerance after the last iteration (the cost is returned too).
var ErrNoConvergence = errors.New("sampler: Sinkhorn did not converge")

// Sinkhorn returns the transport cost ⟨P_ε, C⟩ = Σ_ij P_ij |x_i − y_j|² of
// the entropic optimal plan between the uniform empirical laws of the rows
// of x (n) and y (m), with squared Euclidean cost C and regularisation
// eps > 0 (Cuturi 2013, "Sinkhorn distances"; Peyré & Cuturi 2019,
// "Computational optimal transport", §4.4 for the log-domain iteration):
//
//	g_j ← ε log b_j − ε log Σ_i exp((f_i − C_ij)/ε),
//	f_i ← ε log a_i − ε log Σ_j exp((g_j − C_ij)/ε),
//	P_ij = exp((f_i + g_j − C_ij)/ε),  a_i = 1/n, b_j = 1/m,
//
// It starts at ε₀ = max C and halves ε (warm-started potentials) down to
// eps, moving on once a level's marginal error is below max(tol, 1e-3);
// maxIter counts the iterations of all levels. The iteration stops after maxIter iterations or once Σ_i |Σ_j P_ij − 1/n|
// ≤ tol. As ε → 0, ⟨P_ε, C⟩ tends to the squared 2-Wasserstein distance
// W₂² of the empirical laws. It costs O(n·m) memory and time per iteration.
func Sinkhorn(x, y []float64, dim int, eps float64, maxIter int, tol float64) (float64, error) {
	n, m := len(x)/dim, len(y)/dim
	if n < 1 || m < 1 || len(x)%dim != 0 || len(y)%dim != 0 {
		panic("sampler: Sinkhorn: need rows of dim values on each side")
	}
	if !(eps > 0) || maxIter < 1 {
		panic("sampler: Sinkhorn: need eps > 0 and maxIter ≥ 1")
	}
	c := sqCosts(x, y, dim)
	// Log-domain potentials for marginals a = 1/n, b = 1/m:
	// P_ij = exp((f_i + g_j − C_ij)/ε).
	f := make([]float64, n)
	g := make([]float64, m)
	la, lb := -math.Log(float64(n)), -math.Log(float64(m))
	// ε-scaling (Schmitzer 2019, "Stabilized sparse scaling algorithms";
	// Peyré & Cuturi §4.4): start at ε₀ = max C and halve ε, warm-starting
	// the potentials, until eps is reached; the log-domain iteration is
	// exact at every level, only its speed changes.
	var cmax float64
	for _, v := range c {
		cmax = math.Max(cmax, v)
	}
	cur := math.Max(eps, cmax)
	var err float64
	for it := 0; it < maxIter; it++ {
		err = sinkhornSweep(c, f, g, n, m, cur, la, lb)
		if cur > eps {
			if err <= math.Max(tol, 1e-3) {
				cur = math.Max(eps, cur/2)
			}
			continue
		}
		if err <= tol {
			break
		}
	}
	if cur > eps {
		err = math.Inf(1)
	}
	var cost float64
	for i := range n {
		for j := range m {
			cost += math.Exp((f[i]+g[j]-c[i*m+j])/cur) * c[i*m+j]
		}
	}
	if err > tol {
		return cost, fmt.Errorf("%w: marginal error %.3g after %d iterations", ErrNoConvergence, err, maxIter)
	}
	return cost, nil
}

// sinkhornSweep runs one log-domain Sinkhorn iteration (g then f) at
// regularisation eps and returns the L1 error of the row marginal before
// the f update.
func sinkhornSweep(c, f, g []float64, n, m int, eps, la, lb float64) float64 {
	for j := range m {
		mx := math.Inf(-1)
		for i := range n {
			if v := (f[i] - c[i*m+j]) / eps; v > mx {
				mx = v
			}
		}
		var s float64
		for i := range n {
			s += math.Exp((f[i]-c[i*m+j])/eps - mx)
		}
		g[j] = eps * (lb - mx - math.Log(s))
	}
	var err float64
	for i := range n {
		row := c[i*m : (i+1)*m]
		mx := math.Inf(-1)
		for j := range m {
			if v := (g[j] - row[j]) / eps; v > mx {
				mx = v
			}
		}
		var s float64
		for j := range m {
			s += math.Exp((g[j]-row[j])/eps - mx)
		}
		// Row sum before the update: exp(f_i/ε + mx + log s).
		err += math.Abs(math.Exp(f[i]/eps+mx+math.Log(s)) - 1/float64(n))
		f[i] = eps * (la - mx - math.Log(s))
	}
	return err
}

// Resample returns N rows drawn from the weighted samples by systematic
// resampling (Kitagawa 1996) with the normalised weights exp(log w): the
// unweighted set that distances to exact samples are computed on. With nil
// logw the samples are returned as they are.
func Resample(samples []float64, dim int, logw []float64, rng *rand.Rand) []float64 {
	if logw == nil {
		return samples
	}
	n := len(samples) / dim
	w := normWeights(logw, n)
	idx := make([]int, n)
	systematic(idx, w, rng.Float64())
	out := make([]float64, n*dim)
	for i, k := range idx {
		copy(out[i*dim:(i+1)*dim], samples[k*dim:(k+1)*dim])
	}
	return out
}

// systematic writes the systematic-resampling ancestors of normalised
// weights w with offset u ∈ [0, 1) into idx (len(idx) draws): ancestor of
// draw i is the k with cum_{k−1} ≤ (i + u)/len(idx) < cum_k.
func systematic(idx []int, w []float64, u float64) {
	n := len(idx)
	k, cum := 0, w[0]
	for i := range n {
		p := (float64(i) + u) / float64(n)
		for p >= cum && k < len(w)-1 {
			k++
			cum += w[k]
		}
		idx[i] = k
	}
}

// FillDistances sets r.EnergyDistance and r.Sinkhorn from the output's
// samples (resampled by their weights with rng when weighted) and exact
// target samples of the same dimension, using at most DistanceCap
// (energy) and SinkhornCap (Sinkhorn) rows per side, the Sinkhorn
// regularisation ε = SinkhornRelEps·mean cost and at most SinkhornIters
// iterations. A Sinkhorn that does not converge leaves r.Sinkhorn NaN and
// adds a warning.
func FillDistances(r *Report, out Output, exact []float64, rng *rand.Rand) {
	d := out.Dim
	if out.N < 2 || len(exact) < 2*d {
		return
	}
	x := Resample(out.Samples[:out.N*d], d, out.LogWeights, rng)
	nx, ny := min(out.N, DistanceCap), min(len(exact)/d, DistanceCap)
	r.EnergyDistance = EnergyDistance(x[:nx*d], exact[:ny*d], d)
	nx, ny = min(nx, SinkhornCap), min(ny, SinkhornCap)
	xs, ys := x[:nx*d], exact[:ny*d]
	var mc float64
	for i := range nx {
		for j := range ny {
			for k := range d {
				v := xs[i*d+k] - ys[j*d+k]
				mc += v * v
			}
		}
	}
	mc /= float64(nx * ny)
	if !(mc > 0) {
		r.Sinkhorn = 0
		return
	}
	s, err := Sinkhorn(xs, ys, d, SinkhornRelEps*mc, SinkhornIters, SinkhornTol)
	if err != nil {
		r.Warnings = append(r.Warnings, err.Error())
		return
	}
	r.Sinkhorn = s
}

// sqCosts returns the n×m matrix of squared Euclidean distances
// |x_i − y_j|² between the rows of x and y (row-major).
func sqCosts(x, y []float64, dim int) []float64 {
	n, m := len(x)/dim, len(y)/dim
	c := make([]float64, n*m)
	for i := range n {
		xi := x[i*dim : (i+1)*dim]
		for j := range m {
			yj := y[j*dim : (j+1)*dim]
			var s float64
			for k := range xi {
				r := xi[k] - yj[k]
				s += r * r
			}
			c[i*m+j] = s
		}
	}
	return c
}
