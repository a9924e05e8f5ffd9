package manifold

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// Mixture is the finite mixture Σ_i w_i P_i of laws on one manifold M with
// weights w_i ≥ 0, Σ w_i = 1 (normalised by the constructor):
//
//	log p(x)  = log Σ_i w_i p_i(x) = logsumexp_i(log w_i + log p_i(x))
//	score(x)  = Σ_i π_i(x) score_i(x),   π_i(x) = w_i p_i(x) / p(x)
//
// the responsibilities π_i being the softmax of log w_i + log p_i(x)
// (McLachlan & Peel 2000, Finite Mixture Models, §1.2; the score is the
// gradient of the log of a sum). Both are computed in one pass with a
// running maximum (streaming log-sum-exp), so component densities far below
// the float64 range (log p_i = −10⁴, say) neither underflow nor produce
// 0/0. Densities are with respect to the Riemannian volume of M, as those
// of the components. Rand draws the component index by inverse-CDF search
// of the cumulative weights (binary search, O(log k)) and then a draw of
// that component; zero-weight components are never drawn.
//
// Score needs one scratch vector of length AmbientDim() for the
// components' scores. A vector passed to an interface method escapes, so a
// stack array cannot hold it; Mixture keeps reusable scratch vectors in a
// sync.Pool, and Score allocates nothing in the steady state (a garbage
// collection may empty the pool, costing one allocation on the next call).
// A Mixture is immutable and safe for concurrent use if its components are.
type Mixture struct {
	space Manifold
	comps []Distribution
	lps   []mixtureLogProbScorer // lps[i] = comps[i] if it has LogProbScore, else nil
	w     []float64              // normalised weights
	logW  []float64
	cum   []float64 // cum[i] = Σ_{j≤i} w_j, exactly 1 from the last positive weight on
	pool  sync.Pool // *[]float64 of length space.AmbientDim()
}

// NewMixture returns the mixture of comps with the given weights,
// normalised to sum 1. It returns an error wrapping ErrParameter if the
// lengths differ or are zero, a weight is negative, NaN or infinite, the
// weights sum to zero, a component is nil, or the components do not all
// live on the same manifold (compared as in Product: equal values, or
// products of equal factors).
func NewMixture(weights []float64, comps []Distribution) (*Mixture, error) {
	if len(weights) != len(comps) || len(comps) == 0 {
		return nil, fmt.Errorf("manifold: NewMixture: %d weights for %d components: %w", len(weights), len(comps), ErrParameter)
	}
	var sum float64
	for i, w := range weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			return nil, fmt.Errorf("manifold: NewMixture: weight %d = %g: %w", i, w, ErrParameter)
		}
		sum += w
	}
	if !(sum > 0) || math.IsInf(sum, 1) {
		return nil, fmt.Errorf("manifold: NewMixture: weights sum to %g: %w", sum, ErrParameter)
	}
	for i, c := range comps {
		if c == nil {
			return nil, fmt.Errorf("manifold: NewMixture: component %d is nil: %w", i, ErrParameter)
		}
		if i > 0 && !productSameSpace(comps[0].Space(), c.Space()) {
			return nil, fmt.Errorf("manifold: NewMixture: component %d lives on a different manifold from component 0: %w", i, ErrParameter)
		}
	}
	k := len(comps)
	m := &Mixture{
		space: comps[0].Space(),
		comps: append([]Distribution(nil), comps...),
		lps:   mixtureFindLogProbScorers(comps),
		w:     make([]float64, k),
		logW:  make([]float64, k),
		cum:   make([]float64, k),
	}
	last := 0
	var c float64
	for i, w := range weights {
		m.w[i] = w / sum
		m.logW[i] = math.Log(m.w[i])
		c += m.w[i]
		m.cum[i] = c
		if w > 0 {
			last = i
		}
	}
	for i := last; i < k; i++ {
		m.cum[i] = 1
	}
	d := m.space.AmbientDim()
	m.pool.New = func() any {
		b := make([]float64, d)
		return &b
	}
	return m, nil
}

// Space returns the common manifold of the components.
func (m *Mixture) Space() Manifold { return m.space }

// Weights returns a copy of the normalised weights.
func (m *Mixture) Weights() []float64 { return append([]float64(nil), m.w...) }

// Components returns a copy of the list of components.
func (m *Mixture) Components() []Distribution {
	return append([]Distribution(nil), m.comps...)
}

// LogProb returns log Σ_i w_i p_i(x) by a streaming log-sum-exp: with the
// running maximum a of the terms l_i = log w_i + log p_i(x) and
// s = Σ e^{l_i − a}, the result is a + log s. It is −Inf where every
// component density is zero.
func (m *Mixture) LogProb(x []float64) float64 {
	checkLen("Mixture.LogProb", m.space.AmbientDim(), x)
	a, s := math.Inf(-1), 0.0
	for i, c := range m.comps {
		if m.w[i] == 0 {
			continue
		}
		l := m.logW[i] + c.LogProb(x)
		switch {
		case l > a:
			s = s*math.Exp(a-l) + 1
			a = l
		case l > math.Inf(-1):
			s += math.Exp(l - a)
		case math.IsNaN(l):
			return math.NaN()
		}
	}
	if s == 0 {
		return math.Inf(-1)
	}
	return a + math.Log(s)
}

// Score writes Σ_i π_i(x) score_i(x) into dst (see LogProbScore). dst
// must not alias x.
func (m *Mixture) Score(dst, x []float64) {
	checkLen("Mixture.Score", m.space.AmbientDim(), dst, x)
	m.LogProbScore(dst, x)
}

// LogProbScore returns log p(x) and writes the score Σ_i π_i(x) score_i(x)
// into dst in one pass. The responsibilities π_i are accumulated with the
// running maximum a of l_i = log w_i + log p_i(x): the partial sum
// Σ e^{l_i − a} score_i is rescaled by e^{a_old − a_new} when the maximum
// grows, so nothing is exponentiated out of range. Components that have a
// LogProbScore method (WrappedNormal, ProductDist, Mixture) are evaluated
// once per point; others by LogProb then Score. Where every component
// density is zero the result is −Inf and the score, undefined, is NaN.
// dst must not alias x.
func (m *Mixture) LogProbScore(dst, x []float64) float64 {
	checkLen("Mixture.LogProbScore", m.space.AmbientDim(), dst, x)
	bp := m.pool.Get().(*[]float64)
	buf := *bp
	for j := range dst {
		dst[j] = 0
	}
	a, s := math.Inf(-1), 0.0
	for i, c := range m.comps {
		if m.w[i] == 0 {
			continue
		}
		var l float64
		if f := m.lps[i]; f != nil {
			l = m.logW[i] + f.LogProbScore(buf, x)
			if l == math.Inf(-1) {
				continue
			}
		} else {
			l = m.logW[i] + c.LogProb(x)
			if l == math.Inf(-1) {
				continue
			}
			c.Score(buf, x)
		}
		if l > a {
			r := math.Exp(a - l) // 0 on the first term
			s = s*r + 1
			for j, v := range buf {
				dst[j] = dst[j]*r + v
			}
			a = l
		} else {
			e := math.Exp(l - a) // NaN if l is NaN: propagates
			s += e
			for j, v := range buf {
				dst[j] += e * v
			}
		}
	}
	m.pool.Put(bp)
	if s == 0 {
		for j := range dst {
			dst[j] = math.NaN()
		}
		return math.Inf(-1)
	}
	inv := 1 / s
	for j := range dst {
		dst[j] *= inv
	}
	return a + math.Log(s)
}

// mixtureLogProbScorer is implemented by laws that return the log density
// and write the score in one pass (WrappedNormal, ProductDist, Mixture).
type mixtureLogProbScorer interface {
	LogProbScore(dst, x []float64) float64
}

// mixtureFindLogProbScorers returns, for each law, itself as a
// mixtureLogProbScorer if it is one, else nil.
func mixtureFindLogProbScorers(ds []Distribution) []mixtureLogProbScorer {
	out := make([]mixtureLogProbScorer, len(ds))
	for i, d := range ds {
		if f, ok := d.(mixtureLogProbScorer); ok {
			out[i] = f
		}
	}
	return out
}

// Rand draws a component index I with P(I = i) = w_i, the smallest i with
// U < cum_i for U uniform on [0, 1), and writes a draw of component I into
// dst.
func (m *Mixture) Rand(dst []float64, rng *rand.Rand) {
	checkLen("Mixture.Rand", m.space.AmbientDim(), dst)
	u := rng.Float64()
	lo, hi := 0, len(m.cum)-1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if u < m.cum[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	m.comps[lo].Rand(dst, rng)
}
