package manifold

import "math/rand/v2"

// LogProber wraps the LogProb method.
//
// LogProb returns the log density at x with respect to the Riemannian
// volume of the distribution's manifold (so the uniform density on a
// compact M is 1/Vol(M)).
type LogProber interface {
	LogProb(x []float64) float64
}

// Scorer wraps the Score method.
//
// Score writes the Riemannian gradient of the log density at x, a vector
// of T_xM in ambient coordinates, into dst.
type Scorer interface {
	Score(dst, x []float64)
}

// Rander wraps the Rand method.
//
// Rand writes one independent draw into dst using rng alone.
type Rander interface {
	Rand(dst []float64, rng *rand.Rand)
}

// Distribution is a probability law on a manifold with a normalised
// density, its score and an exact sampler. Implementations are immutable
// after construction and safe for concurrent use.
type Distribution interface {
	LogProber
	Scorer
	Rander
	// Space returns the manifold the law lives on.
	Space() Manifold
}

// Uniform is the normalised Riemannian volume of a compact manifold:
// density exp(−LogVolume()), score 0.
type Uniform struct {
	m       Manifold
	logProb float64
}

// NewUniform returns the uniform law on m, or ErrNotCompact if m has
// infinite volume. It panics if m is nil or a zero value (see NewProduct).
func NewUniform(m Manifold) (Uniform, error) {
	checkUsable("NewUniform", m)
	lv := m.LogVolume()
	if lv > 1e308 {
		return Uniform{}, ErrNotCompact
	}
	return Uniform{m: m, logProb: -lv}, nil
}

// Space returns the manifold.
func (u Uniform) Space() Manifold { return u.m }

// LogProb returns −log Vol(M).
func (u Uniform) LogProb(x []float64) float64 {
	checkLen("Uniform.LogProb", u.m.AmbientDim(), x)
	return u.logProb
}

// Score writes zero into dst.
func (u Uniform) Score(dst, x []float64) {
	checkLen("Uniform.Score", u.m.AmbientDim(), dst, x)
	for i := range dst {
		dst[i] = 0
	}
}

// Rand writes a uniform draw into dst.
func (u Uniform) Rand(dst []float64, rng *rand.Rand) { u.m.Rand(dst, rng) }
