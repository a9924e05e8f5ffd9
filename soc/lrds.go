package soc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/controlsde"
)

// Mixture is the learned reference law q of "lrds", in a form stored in
// model files. Three families:
//
//   - Kind "" (isotropic): q = Σ_k w_k N(m_k, s_k² I) on R^d; Weights and
//     Variances hold K values, Means K·d values back to back.
//   - Kind "diagonal": q = Σ_k w_k N(m_k, diag(s_k1², …, s_kd²)); Weights
//     hold K values, Means and Variances K·d values back to back. It
//     follows scales that differ between coordinates and components, such
//     as the neck and mouth of Neal's funnel, which isotropic components
//     can only tile.
//   - Kind "product" (mean-field): q = Π_i Σ_k w_ik N(m_ik, s_ik²), a
//     mixture of K^d diagonal Gaussians with O(dK) parameters; Weights,
//     Means and Variances hold d·K values, coordinate i at i·K … i·K+K−1.
//     It covers the 2^d modes of a target made of independent double wells
//     (Many-Well) with K = 2, which no isotropic mixture of a few
//     components can.
type Mixture struct {
	Kind      string    `json:"kind,omitempty"`
	Weights   []float64 `json:"weights"`
	Means     []float64 `json:"means"`
	Variances []float64 `json:"variances"`
}

// Mixture kinds.
const (
	Isotropic = ""
	Diagonal  = "diagonal"
	Product   = "product"
)

// mixtureLaw is a normalised reference law with exact draws.
type mixtureLaw interface {
	controlsde.Target
	Rand(dst []float64, rng *rand.Rand)
}

// law returns q on R^d as a normalised controlsde target (log Z = 0).
func (q Mixture) law(d int) (mixtureLaw, error) {
	switch q.Kind {
	case Isotropic:
		if len(q.Weights) == 0 || len(q.Means) != len(q.Weights)*d {
			return nil, fmt.Errorf("%w: isotropic mixture with %d weights and %d means in dimension %d", ErrModel, len(q.Weights), len(q.Means), d)
		}
		return controlsde.NewGaussianMixture(q.Weights, q.Means, q.Variances, 0)
	case Diagonal:
		if d < 1 || len(q.Weights) == 0 || len(q.Means) != len(q.Weights)*d || len(q.Variances) != len(q.Weights)*d {
			return nil, fmt.Errorf("%w: diagonal mixture with %d weights, %d means and %d variances in dimension %d", ErrModel, len(q.Weights), len(q.Means), len(q.Variances), d)
		}
		return newDiagMixture(q.Weights, q.Means, q.Variances, d)
	case Product:
		if d < 1 || len(q.Weights) == 0 || len(q.Weights)%d != 0 {
			return nil, fmt.Errorf("%w: product mixture with %d weights in dimension %d", ErrModel, len(q.Weights), d)
		}
		return controlsde.NewProductMixture(d, len(q.Weights)/d, q.Weights, q.Means, q.Variances, 0)
	}
	return nil, fmt.Errorf("%w: unknown mixture kind %q", ErrModel, q.Kind)
}

// diagMixture is the normalised law Σ_k w_k N(m_k, diag(v_k)) on R^d.
type diagMixture struct {
	d                int
	logW, means, ivs []float64 // K; K·d; K·d inverse variances
	sds, lnorm       []float64 // K·d standard deviations; K normalisers −½ Σ_i log(2π v_ki)
}

// newDiagMixture returns the diagonal mixture; weights are normalised
// here and must be positive, variances positive.
func newDiagMixture(w, m, v []float64, d int) (*diagMixture, error) {
	k := len(w)
	g := &diagMixture{d: d, means: append([]float64(nil), m...), ivs: make([]float64, k*d), sds: make([]float64, k*d), lnorm: make([]float64, k)}
	var sw float64
	for j, wj := range w {
		if !(wj > 0) {
			return nil, fmt.Errorf("%w: diagonal mixture component %d has weight %v", ErrModel, j, wj)
		}
		sw += wj
		for i := range d {
			vi := v[j*d+i]
			if !(vi > 0) {
				return nil, fmt.Errorf("%w: diagonal mixture component %d has variance %v", ErrModel, j, vi)
			}
			g.ivs[j*d+i] = 1 / vi
			g.sds[j*d+i] = math.Sqrt(vi)
			g.lnorm[j] -= 0.5 * math.Log(2*math.Pi*vi)
		}
	}
	for _, wj := range w {
		g.logW = append(g.logW, math.Log(wj/sw))
	}
	return g, nil
}

// compLog returns log w_k + log N(x; m_k, diag(v_k)).
func (g *diagMixture) compLog(k int, x []float64) float64 {
	if len(x) != g.d {
		panic("soc: diagMixture: dimension mismatch")
	}
	l := g.logW[k] + g.lnorm[k]
	for i, xi := range x {
		e := xi - g.means[k*g.d+i]
		l -= 0.5 * e * e * g.ivs[k*g.d+i]
	}
	return l
}

// LogDensity returns log q(x) = log Σ_k w_k N(x; m_k, diag(v_k)).
func (g *diagMixture) LogDensity(x []float64) float64 {
	m, s := math.Inf(-1), 0.0
	for k := range g.logW {
		m, s, _ = lseScale(m, s, g.compLog(k, x))
	}
	return m + math.Log(s)
}

// GradLogDensity writes ∇log q(x) = Σ_k π_k(x) diag(v_k)⁻¹(m_k − x), π_k the
// responsibilities, into dst and returns log q(x).
func (g *diagMixture) GradLogDensity(dst, x []float64) float64 {
	k := len(g.logW)
	l := make([]float64, k)
	m := math.Inf(-1)
	for j := range k {
		l[j] = g.compLog(j, x)
		m = math.Max(m, l[j])
	}
	var s float64
	for j := range k {
		l[j] = math.Exp(l[j] - m)
		s += l[j]
	}
	clear(dst)
	for j := range k {
		for i, xi := range x {
			dst[i] += l[j] / s * (g.means[j*g.d+i] - xi) * g.ivs[j*g.d+i]
		}
	}
	return m + math.Log(s)
}

// Rand writes a draw of q into dst.
func (g *diagMixture) Rand(dst []float64, rng *rand.Rand) {
	if len(dst) != g.d {
		panic("soc: diagMixture: dimension mismatch")
	}
	u := rng.Float64()
	j := len(g.logW) - 1
	for k, lw := range g.logW {
		if u -= math.Exp(lw); u < 0 {
			j = k
			break
		}
	}
	for i := range dst {
		dst[i] = g.means[j*g.d+i] + g.sds[j*g.d+i]*rng.NormFloat64()
	}
}

// AnnealedMALA draws chains samples approximately from γ/Z by annealed
// MALA (Roberts & Tweedie 1996 for MALA; annealing as in Neal 2001,
// without the importance weights): the chains start from N(0, s² I) and
// move through the geometric path
//
//	π_j(x) ∝ N(x; 0, s² I)^{1−β_j} γ(x)^{β_j},  β_j = β₀^{1−j/(J−1)}, β₀ = 0.01,
//
// with steps MALA steps per level. The proposal x' = x + h∇log π_j(x) +
// √(2h) ξ is accepted with the Metropolis–Hastings probability; the step
// h adapts after every step towards an acceptance rate of 0.57 (h ← h·e^{±0.1},
// one h for all chains, so the run is deterministic). The result fits the
// reference of "lrds"; its cost is chains·levels·steps gradient
// evaluations.
func AnnealedMALA(target controlsde.Target, d, chains, levels, steps int, s float64, rng *rand.Rand) []float64 {
	x := make([]float64, chains*d)
	for i := range x {
		x[i] = s * rng.NormFloat64()
	}
	g := make([]float64, chains*d)
	lp := make([]float64, chains)
	y, gy := make([]float64, d), make([]float64, d)
	s2 := s * s
	h := 0.1 * s2
	logPi := func(dst, x []float64, beta float64) float64 {
		l := target.GradLogDensity(dst, x)
		var q float64
		for c, v := range x {
			q += v * v
			dst[c] = beta*dst[c] - (1-beta)*v/s2
		}
		return beta*l - (1-beta)*0.5*q/s2
	}
	for j := range levels {
		beta := 1.0
		if levels > 1 {
			beta = math.Pow(0.01, 1-float64(j)/float64(levels-1))
		}
		for i := range chains {
			lp[i] = logPi(g[i*d:(i+1)*d], x[i*d:(i+1)*d], beta)
		}
		for range steps {
			acc := 0
			for i := range chains {
				xi, gi := x[i*d:(i+1)*d], g[i*d:(i+1)*d]
				sd := math.Sqrt(2 * h)
				for c := range y {
					y[c] = xi[c] + h*gi[c] + sd*rng.NormFloat64()
				}
				ly := logPi(gy, y, beta)
				// log q(x|y) − log q(y|x) for the Langevin proposals.
				var fwd, bwd float64
				for c := range y {
					e := y[c] - xi[c] - h*gi[c]
					fwd += e * e
					e = xi[c] - y[c] - h*gy[c]
					bwd += e * e
				}
				logA := ly - lp[i] - (bwd-fwd)/(4*h)
				if !math.IsNaN(logA) && math.Log(rng.Float64()) < logA {
					copy(xi, y)
					copy(gi, gy)
					lp[i] = ly
					acc++
				}
			}
			if float64(acc)/float64(chains) > 0.57 {
				h *= math.Exp(0.1)
			} else {
				h *= math.Exp(-0.1)
			}
		}
	}
	return x
}

// FitMixture fits an isotropic Gaussian mixture with k components to the
// rows of x (n rows of d values) by expectation–maximisation (Dempster,
// Laird & Rubin 1977; Bishop 2006 §9.2) with iters iterations, from
// means chosen by k-means++ seeding (Arthur & Vassilvitskii 2007) with rng.
// Updates, with responsibilities r_ik ∝ w_k N(x_i; m_k, s_k² I):
//
//	w_k = Σ_i r_ik / n,  m_k = Σ_i r_ik x_i / Σ_i r_ik,
//	s_k² = Σ_i r_ik |x_i − m_k|² / (d Σ_i r_ik)   (floored at minVar).
//
// The iterations are weightedEM with equal sample weights; components
// whose weight ends below 1e-8 are dropped.
func FitMixture(x []float64, d, k, iters int, minVar float64, rng *rand.Rand) (Mixture, error) {
	return fitMixture(x, d, k, iters, minVar, false, nil, rng)
}

// FitDiagonalMixture is FitMixture for the diagonal family: the variance
// update is per coordinate,
//
//	s_kc² = Σ_i r_ik (x_ic − m_kc)² / Σ_i r_ik   (floored at minVar),
//
// started from the isotropic variance of all the data.
func FitDiagonalMixture(x []float64, d, k, iters int, minVar float64, rng *rand.Rand) (Mixture, error) {
	return fitMixture(x, d, k, iters, minVar, true, nil, rng)
}

// fitMixture is FitMixture (diag false) and FitDiagonalMixture (diag
// true), the latter with the variances of each coordinate range in ties
// shared (see weightedEM).
func fitMixture(x []float64, d, k, iters int, minVar float64, diag bool, ties [][2]int, rng *rand.Rand) (Mixture, error) {
	n := len(x) / d
	if n < k || k < 1 || d < 1 {
		return Mixture{}, fmt.Errorf("%w: cannot fit %d components to %d points", ErrSettings, k, n)
	}
	row := func(i int) []float64 { return x[i*d : (i+1)*d] }
	dist2 := func(a, b []float64) float64 {
		var s float64
		for c := range a {
			e := a[c] - b[c]
			s += e * e
		}
		return s
	}
	means := make([]float64, 0, k*d)
	means = append(means, row(rng.IntN(n))...)
	dmin := make([]float64, n)
	for len(means) < k*d {
		var tot float64
		for i := range n {
			dmin[i] = math.Inf(1)
			for j := 0; j < len(means)/d; j++ {
				dmin[i] = min(dmin[i], dist2(row(i), means[j*d:(j+1)*d]))
			}
			tot += dmin[i]
		}
		u := rng.Float64() * tot
		pick := n - 1
		for i := range n {
			if u -= dmin[i]; u < 0 {
				pick = i
				break
			}
		}
		means = append(means, row(pick)...)
	}
	var total float64
	mean0 := make([]float64, d)
	for i := range n {
		for c, v := range row(i) {
			mean0[c] += v / float64(n)
		}
	}
	for i := range n {
		total += dist2(row(i), mean0)
	}
	v0 := math.Max(total/float64(n*d), minVar)
	nv := 1
	if diag {
		nv = d
	}
	q := Mixture{Weights: make([]float64, k), Means: means, Variances: make([]float64, k*nv)}
	if diag {
		q.Kind = Diagonal
	}
	for j := range k {
		q.Weights[j] = 1 / float64(k)
	}
	for j := range q.Variances {
		q.Variances[j] = v0
	}
	omega := make([]float64, n)
	for i := range omega {
		omega[i] = 1 / float64(n)
	}
	weightedEM(x, d, omega, q.Weights, q.Means, q.Variances, diag, ties, iters, minVar, make([]float64, n*k))
	// Drop the components that lost their mass (weightedEM keeps them at
	// weight 1e-12).
	nq := Mixture{Kind: q.Kind}
	for j, w := range q.Weights {
		if w < 1e-8 {
			continue
		}
		nq.Weights = append(nq.Weights, w)
		nq.Means = append(nq.Means, q.Means[j*d:(j+1)*d]...)
		nq.Variances = append(nq.Variances, q.Variances[j*nv:(j+1)*nv]...)
	}
	q = nq
	return q, nil
}
