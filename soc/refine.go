package soc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/manifold"
)

// FitProductMixture fits the mean-field mixture Π_i Σ_k w_ik N(m_ik, s_ik²)
// (Mixture kind "product") to the rows of x (n rows of d values): each
// coordinate gets its own one-dimensional mixture with k components, fitted
// by FitMixture on that column (EM from k-means++ seeds, iters iterations,
// variances floored at minVar). A component that EM drops is restored by
// splitting the heaviest one into two equal halves, which leaves the law
// unchanged and keeps k components per coordinate.
func FitProductMixture(x []float64, d, k, iters int, minVar float64, rng *rand.Rand) (Mixture, error) {
	if d < 1 || k < 1 || len(x)%d != 0 || len(x)/d < k {
		return Mixture{}, fmt.Errorf("%w: cannot fit %d components per coordinate to %d points in dimension %d", ErrSettings, k, len(x)/max(d, 1), d)
	}
	n := len(x) / d
	col := make([]float64, n)
	q := Mixture{Kind: Product, Weights: make([]float64, 0, d*k), Means: make([]float64, 0, d*k), Variances: make([]float64, 0, d*k)}
	for i := range d {
		for r := range n {
			col[r] = x[r*d+i]
		}
		c, err := FitMixture(col, 1, k, iters, minVar, rng)
		if err != nil {
			return Mixture{}, err
		}
		for len(c.Weights) < k {
			h := 0
			for j, w := range c.Weights {
				if w > c.Weights[h] {
					h = j
				}
			}
			c.Weights[h] /= 2
			c.Weights = append(c.Weights, c.Weights[h])
			c.Means = append(c.Means, c.Means[h])
			c.Variances = append(c.Variances, c.Variances[h])
		}
		q.Weights = append(q.Weights, c.Weights...)
		q.Means = append(q.Means, c.Means...)
		q.Variances = append(q.Variances, c.Variances...)
	}
	return q, nil
}

// weightedEM runs iters EM iterations for the isotropic mixture (w, m, v)
// on R^d (K = len(w) components, updated in place) on the rows of x with
// sample weights omega (summing to one):
//
//	r_ik ∝ w_k N(x_i; m_k, v_k I),  w_k = Σ_i ω_i r_ik,
//	m_k = Σ_i ω_i r_ik x_i / w_k,  v_k = Σ_i ω_i r_ik |x_i − m_k|² / (d w_k),
//
// variances floored at minVar. With diag, v holds K·d variances (the
// diagonal family) and the variance update is per coordinate,
// v_kc = Σ_i ω_i r_ik (x_ic − m_kc)² / w_k, and N(x; m_k, diag(v_k)) enters
// the responsibilities; each coordinate range [a, b) in ties then shares
// the mean of its v_kc (the maximum-likelihood variance under that
// constraint). A component whose mass falls below 1e-12
// keeps its mean and variance and the weight 1e-12, so K stays fixed.
// r is scratch of n·K values.
func weightedEM(x []float64, d int, omega, w, m, v []float64, diag bool, ties [][2]int, iters int, minVar float64, r []float64) {
	k, n := len(w), len(omega)
	if want := k; (!diag && len(v) != want) || (diag && len(v) != want*d) {
		panic("soc: weightedEM: variance count mismatch")
	}
	for range iters {
		for i := range n {
			xi := x[i*d : (i+1)*d]
			mx := math.Inf(-1)
			for j := range k {
				var l float64
				if diag {
					l = math.Log(w[j])
					for c, xc := range xi {
						e := xc - m[j*d+c]
						vc := v[j*d+c]
						l -= 0.5*e*e/vc + 0.5*math.Log(vc)
					}
				} else {
					var e2 float64
					for c, xc := range xi {
						e := xc - m[j*d+c]
						e2 += e * e
					}
					l = math.Log(w[j]) - 0.5*e2/v[j] - 0.5*float64(d)*math.Log(v[j])
				}
				r[i*k+j] = l
				mx = math.Max(mx, l)
			}
			var s float64
			for j := range k {
				r[i*k+j] = math.Exp(r[i*k+j] - mx)
				s += r[i*k+j]
			}
			for j := range k {
				r[i*k+j] *= omega[i] / s
			}
		}
		var tot float64
		for j := range k {
			var nk float64
			for i := range n {
				nk += r[i*k+j]
			}
			if nk < 1e-12 {
				w[j] = 1e-12
				tot += w[j]
				continue
			}
			mj := m[j*d : (j+1)*d]
			clear(mj)
			for i := range n {
				for c := range mj {
					mj[c] += r[i*k+j] * x[i*d+c]
				}
			}
			for c := range mj {
				mj[c] /= nk
			}
			if diag {
				vj := v[j*d : (j+1)*d]
				clear(vj)
				for i := range n {
					for c, mc := range mj {
						e := x[i*d+c] - mc
						vj[c] += r[i*k+j] * e * e
					}
				}
				for c := range vj {
					vj[c] /= nk
				}
				// A tied range shares the mean of its coordinates'
				// variances (its maximum-likelihood variance).
				for _, tr := range ties {
					var s float64
					for c := tr[0]; c < tr[1]; c++ {
						s += vj[c]
					}
					for c := tr[0]; c < tr[1]; c++ {
						vj[c] = s / float64(tr[1]-tr[0])
					}
				}
				for c := range vj {
					vj[c] = math.Max(vj[c], minVar)
				}
			} else {
				var ss float64
				for i := range n {
					for c, mc := range mj {
						e := x[i*d+c] - mc
						ss += r[i*k+j] * e * e
					}
				}
				v[j] = math.Max(ss/(nk*float64(d)), minVar)
			}
			w[j] = nk
			tot += nk
		}
		for j := range w {
			w[j] /= tot
		}
	}
}

// RefineStats records one RefineMixture run: per round the tempering
// exponent β and the effective sample size fraction of the untempered
// weights γ/q of that round's draws (the quality of q as an importance
// proposal for γ).
type RefineStats struct {
	Beta []float64 `json:"beta"`
	ESS  []float64 `json:"ess"`
	// LogZ and LogZSE are each round's importance-sampling estimate
	// log Ẑ = log mean(γ/q) and its standard error; Best is the round
	// whose law was kept.
	LogZ   []float64 `json:"log_z"`
	LogZSE []float64 `json:"log_z_se"`
	Best   int       `json:"best"`
	// Family is the fitted family; with Settings.Family "auto", Other is
	// the ESS of the kept round of the family that was not kept.
	Family string  `json:"family,omitempty"`
	Other  float64 `json:"other_ess,omitempty"`
}

// RefineMixture improves the reference law q on R^d by rounds of tempered
// mixture population Monte Carlo (Cappé, Douc, Guillin, Marin & Robert
// 2008, "Adaptive importance sampling in general mixture classes"): each
// round draws n points x_j ~ q, computes the log-weights
// l_j = log γ(x_j) − log q(x_j) (n target evaluations), chooses the largest
// β ∈ (0, 1] whose self-normalised weights ω_j ∝ e^{β l_j} keep an
// effective sample size of at least n/2 (bisection, as in adaptive
// tempering; Jasra et al. 2011), and refits q to the weighted sample by
// weighted EM started from q (weightedEM; per coordinate for the product
// family). A round thus moves q towards q^{1−β}γ^β, and towards γ once
// β = 1: this corrects the mode weights that MCMC chains without
// mode-hopping get wrong, which the control then need not learn. It
// returns the best measured law (see pick): a round's update can
// overshoot with few effective samples, and a law that drops a mode keeps
// a perfect ESS while its E[Ẑ] = Z·coverage falls.
func RefineMixture(q Mixture, target controlsde.Target, d, n, rounds, emIters int, minVar float64, rng *rand.Rand) (Mixture, RefineStats, error) {
	return refineMixture(q, target, manifold.NewEuclidean(d), n, rounds, emIters, minVar, rng)
}

// refineMixture is RefineMixture for the chain on R^d carried to space
// (cover.go): the draws Y of q̃ on R^d are weighed by
// γ(π Y)/q(π Y) = γ̃(Y)/q̃(Y) and the EM refits q̃ to Y in the coordinates
// of coverLaw.fitCoords. On the torus these are the wrapped points, so
// the draws are those of the wrapped mixture on T^d. On spheres and SO(3)
// they are Y itself: tempered population Monte Carlo for the extension γ̃
// of the current q̃, which moves the directions of q̃ towards γ and keeps
// its radial profile. On products each factor is treated as alone.
func refineMixture(q Mixture, target controlsde.Target, space manifold.Manifold, n, rounds, emIters int, minVar float64, rng *rand.Rand) (Mixture, RefineStats, error) {
	_, d, err := chainGeometry(space)
	if err != nil {
		return q, RefineStats{Best: -1}, err
	}
	st := RefineStats{Best: -1}
	if n < 2 || rounds < 0 || emIters < 1 {
		return q, st, fmt.Errorf("%w: refine needs n ≥ 2 samples, rounds ≥ 0, EM iterations ≥ 1", ErrSettings)
	}
	q = Mixture{Kind: q.Kind, Weights: append([]float64(nil), q.Weights...),
		Means: append([]float64(nil), q.Means...), Variances: append([]float64(nil), q.Variances...)}
	x := make([]float64, n*d)
	lw := make([]float64, n)
	omega := make([]float64, n)
	col := make([]float64, n)
	k := len(q.Weights)
	if q.Kind == Product {
		k /= d
	}
	r := make([]float64, n*k)
	var xm []float64 // a point of the space off R^d
	var laws []Mixture
	for range rounds {
		parts, err := newMixtureParts(&q, space)
		if err != nil {
			return q, st, err
		}
		law := parts.law
		if parts.cov != nil && xm == nil {
			xm = make([]float64, parts.md)
		}
		for j := range n {
			// Y ~ q̃, weighed at its image π(Y) (Y itself on R^d), then
			// put in the coordinates the EM refits q̃ to (coverLaw.fitCoords).
			xj := x[j*d : (j+1)*d]
			parts.cover.Rand(xj, rng)
			xe := xj
			if parts.cov != nil {
				parts.cov.project(xm, xj)
				xe = xm
			}
			lw[j] = target.LogDensity(xe) - law.LogDensity(xe)
			if parts.cov != nil {
				parts.cov.fitCoords(xj)
			}
			if math.IsNaN(lw[j]) {
				lw[j] = math.Inf(-1)
			}
		}
		st.ESS = append(st.ESS, essOf(lw, 1, omega))
		est := controlsde.Estimate(lw)
		st.LogZ, st.LogZSE = append(st.LogZ, est.LogZ), append(st.LogZSE, est.LogZStdErr)
		laws = append(laws, Mixture{Kind: q.Kind, Weights: append([]float64(nil), q.Weights...),
			Means: append([]float64(nil), q.Means...), Variances: append([]float64(nil), q.Variances...)})
		beta := 1.0
		if essOf(lw, 1, omega) < 0.5 {
			lo, hi := 0.0, 1.0
			for range 50 {
				mid := (lo + hi) / 2
				if essOf(lw, mid, omega) >= 0.5 {
					lo = mid
				} else {
					hi = mid
				}
			}
			beta = lo
		}
		if beta == 0 {
			return q, st, fmt.Errorf("%w: refine: the reference has no usable importance weights on the target", ErrDiverged)
		}
		st.Beta = append(st.Beta, beta)
		essOf(lw, beta, omega)
		switch q.Kind {
		case Product:
			for i := range d {
				for j := range n {
					col[j] = x[j*d+i]
				}
				weightedEM(col, 1, omega, q.Weights[i*k:(i+1)*k], q.Means[i*k:(i+1)*k], q.Variances[i*k:(i+1)*k], false, nil, emIters, minVar, r)
			}
		default:
			weightedEM(x, d, omega, q.Weights, q.Means, q.Variances, q.Kind == Diagonal, coverTies(space), emIters, minVar, r)
		}
	}
	if rounds > 0 {
		// The last update is unmeasured and one round can overshoot: keep
		// the best measured law (pick).
		st.Best = pick(st.ESS, st.LogZ, st.LogZSE)
		q = laws[st.Best]
	}
	return q, st, nil
}

// essOf writes the self-normalised weights ω_j ∝ e^{β l_j} into omega and
// returns their effective sample size fraction 1/(n Σ ω_j²).
func essOf(l []float64, beta float64, omega []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range l {
		mx = math.Max(mx, beta*v)
	}
	if math.IsInf(mx, -1) {
		clear(omega)
		return 0
	}
	var s float64
	for j, v := range l {
		omega[j] = math.Exp(beta*v - mx)
		s += omega[j]
	}
	var s2 float64
	for j := range omega {
		omega[j] /= s
		s2 += omega[j] * omega[j]
	}
	return 1 / (float64(len(l)) * s2)
}

// pick returns the index of the best of several importance-sampling
// proposals for the same target, given their ESS fractions and estimates
// log Ẑ ± SE. A proposal that misses part of the target's mass has
// E[Ẑ] = Z·coverage, so its log Ẑ is significantly low, while its ESS
// can look perfect; a proposal with a tiny ESS has an unreliable log Ẑ and
// SE. So: with M = max(log Ẑ − 2 SE) over the proposals whose ESS is at
// least 0.05 (over all when none is), the proposals with
// log Ẑ + 2 SE < M are discarded, and the largest ESS among the rest wins.
func pick(ess, logZ, se []float64) int {
	m := math.Inf(-1)
	for _, reliable := range []bool{true, false} {
		for i := range ess {
			if (!reliable || ess[i] >= 0.05) && !math.IsNaN(logZ[i]) && !math.IsNaN(se[i]) {
				m = math.Max(m, logZ[i]-2*se[i])
			}
		}
		if !math.IsInf(m, -1) {
			break
		}
	}
	best := -1
	for i := range ess {
		if math.IsNaN(logZ[i]) || (!math.IsNaN(se[i]) && logZ[i]+2*se[i] < m) {
			continue
		}
		if best < 0 || ess[i] > ess[best] {
			best = i
		}
	}
	if best < 0 {
		best = 0
	}
	return best
}
