package manifold

import (
	"math"
	"math/rand/v2"
)

// Euclidean is the flat space R^n with the standard inner product.
// Exp(x, v) = x + v, Log(x, y) = y − x, transport is the identity.
type Euclidean struct {
	n int
}

// NewEuclidean returns R^n. It panics if n < 1.
func NewEuclidean(n int) Euclidean {
	if n < 1 {
		panic("manifold: Euclidean dimension must be positive")
	}
	return Euclidean{n: n}
}

// Dim returns n.
func (e Euclidean) Dim() int { return e.n }

// AmbientDim returns n.
func (e Euclidean) AmbientDim() int { return e.n }

// Project copies x into dst.
func (e Euclidean) Project(dst, x []float64) {
	checkLen("Euclidean.Project", e.n, dst, x)
	copy(dst, x)
}

// ProjectTangent copies v into dst.
func (e Euclidean) ProjectTangent(dst, x, v []float64) {
	checkLen("Euclidean.ProjectTangent", e.n, dst, x, v)
	copy(dst, v)
}

// Exp writes x + v into dst.
func (e Euclidean) Exp(dst, x, v []float64) {
	checkLen("Euclidean.Exp", e.n, dst, x, v)
	for i := range dst {
		dst[i] = x[i] + v[i]
	}
}

// Log writes y − x into dst.
func (e Euclidean) Log(dst, x, y []float64) {
	checkLen("Euclidean.Log", e.n, dst, x, y)
	for i := range dst {
		dst[i] = y[i] - x[i]
	}
}

// Dist returns |x − y|.
func (e Euclidean) Dist(x, y []float64) float64 {
	checkLen("Euclidean.Dist", e.n, x, y)
	var s float64
	for i := range x {
		d := x[i] - y[i]
		s += d * d
	}
	return math.Sqrt(s)
}

// Inner returns u·v.
func (e Euclidean) Inner(x, u, v []float64) float64 {
	checkLen("Euclidean.Inner", e.n, x, u, v)
	return dot(u, v)
}

// Transport copies v into dst (parallel transport is the identity).
func (e Euclidean) Transport(dst, x, y, v []float64) {
	checkLen("Euclidean.Transport", e.n, dst, x, y, v)
	copy(dst, v)
}

// Rand writes a standard normal draw into dst (R^n has no uniform law).
func (e Euclidean) Rand(dst []float64, rng *rand.Rand) {
	checkLen("Euclidean.Rand", e.n, dst)
	for i := range dst {
		dst[i] = rng.NormFloat64()
	}
}

// LogVolume returns +Inf.
func (e Euclidean) LogVolume() float64 { return math.Inf(1) }

// Residual returns 0 for finite x and +Inf otherwise.
func (e Euclidean) Residual(x []float64) float64 {
	checkLen("Euclidean.Residual", e.n, x)
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.Inf(1)
		}
	}
	return 0
}
