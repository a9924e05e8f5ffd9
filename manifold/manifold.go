package manifold

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Sentinel errors returned for bad data. Programmer errors (slices of the
// wrong length) panic with a message prefixed "manifold: " instead.
var (
	// ErrParameter is returned by constructors given an out-of-range
	// parameter, such as a negative concentration or a non-positive time.
	ErrParameter = errors.New("manifold: parameter out of range")
	// ErrNotOnManifold is returned when a point given as data does not lie
	// on the manifold within the stated tolerance.
	ErrNotOnManifold = errors.New("manifold: point not on manifold")
	// ErrNotCompact is returned when an operation needs a finite volume.
	ErrNotCompact = errors.New("manifold: manifold has infinite volume")
)

// OnManifoldTol is the default tolerance used by constructors that check
// that a point given as data lies on a manifold.
const OnManifoldTol = 1e-9

// Manifold is a Riemannian manifold embedded in R^n, n = AmbientDim().
//
// Points and tangent vectors are []float64 of length AmbientDim() in ambient
// coordinates (SO(3): 9 numbers, row-major). Every method writes its result
// into dst, which must have length AmbientDim() and may alias an input only
// where the method says so. Methods panic if a slice has the wrong length.
// Methods are safe for concurrent use: implementations hold no mutable state.
type Manifold interface {
	// Dim returns the intrinsic dimension.
	Dim() int
	// AmbientDim returns the number of float64 values in a point.
	AmbientDim() int
	// Project writes the point of M nearest to the ambient point x into
	// dst; dst may alias x.
	Project(dst, x []float64)
	// ProjectTangent writes the orthogonal projection of the ambient vector
	// v onto T_xM into dst; dst may alias v.
	ProjectTangent(dst, x, v []float64)
	// Exp writes the Riemannian exponential exp_x(v) into dst; dst may
	// alias x.
	Exp(dst, x, v []float64)
	// Log writes the Riemannian logarithm log_x(y) into dst: the tangent
	// vector of minimal norm with exp_x(log_x(y)) = y. Where y is in the
	// cut locus of x the choice is documented by each implementation.
	Log(dst, x, y []float64)
	// Dist returns the geodesic distance between x and y.
	Dist(x, y []float64) float64
	// Inner returns the Riemannian inner product g_x(u, v) of tangent
	// vectors at x.
	Inner(x, u, v []float64) float64
	// Transport writes the parallel transport of v ∈ T_xM along the
	// minimising geodesic from x to y into dst; dst may alias v.
	Transport(dst, x, y, v []float64)
	// Rand writes a draw from the manifold's reference law into dst: the
	// uniform (normalised Riemannian volume) law on compact manifolds, the
	// standard normal on Euclidean space.
	Rand(dst []float64, rng *rand.Rand)
	// LogVolume returns the logarithm of the Riemannian volume of M, +Inf
	// for a non-compact M. Densities in this package are with respect to
	// the Riemannian volume, so the uniform density is exp(−LogVolume()).
	LogVolume() float64
	// Residual returns how far x is from M in ambient coordinates (0 on M),
	// a measure used to detect numerical drift off the manifold.
	Residual(x []float64) float64
}

// Norm returns the Riemannian norm of the tangent vector v at x.
func Norm(m Manifold, x, v []float64) float64 {
	return math.Sqrt(m.Inner(x, v, v))
}

// TangentRander wraps the RandTangent method.
//
// RandTangent writes a draw from the standard normal law of T_xM with its
// Riemannian inner product into dst: the Brownian increment over unit time
// for the generator ½Δ. Manifolds whose metric is not the one induced by
// the ambient Euclidean inner product (SO(3) with ½ tr(AᵀB)) implement it.
type TangentRander interface {
	RandTangent(dst, x []float64, rng *rand.Rand)
}

// RandTangent writes a standard Gaussian tangent vector at x into dst: a
// draw from the standard normal law of T_xM with its Riemannian inner
// product, the Brownian increment over unit time. If m implements
// TangentRander its method is used; otherwise the ambient standard normal
// is projected to T_xM, which is exact when the metric is the one induced
// by the ambient inner product (Euclidean space, spheres, tori).
func RandTangent(m Manifold, dst, x []float64, rng *rand.Rand) {
	if tr, ok := m.(TangentRander); ok {
		tr.RandTangent(dst, x, rng)
		return
	}
	for i := range dst {
		dst[i] = rng.NormFloat64()
	}
	m.ProjectTangent(dst, x, dst)
}

// Batch forms. A batch of N points is N·AmbientDim() float64 values back to
// back; the batch functions apply the per-point method to each point and
// panic if the slices do not hold whole points or differ in length.

func batchCount(m Manifold, name string, lens ...int) (n, d int) {
	d = m.AmbientDim()
	l := lens[0]
	if l%d != 0 {
		panic("manifold: " + name + ": batch length not a multiple of the ambient dimension")
	}
	for _, o := range lens[1:] {
		if o != l {
			panic("manifold: " + name + ": batch length mismatch")
		}
	}
	return l / d, d
}

// ExpBatch writes exp_{x_i}(v_i) for each point of the batch into dst.
func ExpBatch(m Manifold, dst, x, v []float64) {
	n, d := batchCount(m, "ExpBatch", len(dst), len(x), len(v))
	for i := 0; i < n; i++ {
		s := i * d
		m.Exp(dst[s:s+d], x[s:s+d], v[s:s+d])
	}
}

// LogBatch writes log_{x_i}(y_i) for each point of the batch into dst.
func LogBatch(m Manifold, dst, x, y []float64) {
	n, d := batchCount(m, "LogBatch", len(dst), len(x), len(y))
	for i := 0; i < n; i++ {
		s := i * d
		m.Log(dst[s:s+d], x[s:s+d], y[s:s+d])
	}
}

// ProjectBatch projects each ambient point of the batch onto M.
func ProjectBatch(m Manifold, dst, x []float64) {
	n, d := batchCount(m, "ProjectBatch", len(dst), len(x))
	for i := 0; i < n; i++ {
		s := i * d
		m.Project(dst[s:s+d], x[s:s+d])
	}
}

// RandBatch fills dst with independent draws from the reference law.
func RandBatch(m Manifold, dst []float64, rng *rand.Rand) {
	n, d := batchCount(m, "RandBatch", len(dst))
	for i := 0; i < n; i++ {
		m.Rand(dst[i*d:(i+1)*d], rng)
	}
}

// DistBatch writes dist(x_i, y_i) into dst[i].
func DistBatch(m Manifold, dst, x, y []float64) {
	n, d := batchCount(m, "DistBatch", len(x), len(y))
	if len(dst) != n {
		panic("manifold: DistBatch: dst length mismatch")
	}
	for i := 0; i < n; i++ {
		s := i * d
		dst[i] = m.Dist(x[s:s+d], y[s:s+d])
	}
}

func checkLen(name string, want int, s ...[]float64) {
	for _, v := range s {
		if len(v) != want {
			panic("manifold: " + name + ": dimension mismatch")
		}
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func norm(a []float64) float64 { return math.Sqrt(dot(a, a)) }

// checkUsable panics with a message naming fn if m is nil, the zero
// Product or a zero-value manifold such as Sphere{} or Torus{} (AmbientDim
// < 1, which would later divide by zero or index out of range): programmer
// errors, for the functions that take a Manifold.
func checkUsable(fn string, m Manifold) {
	if m == nil {
		panic("manifold: " + fn + ": nil manifold")
	}
	if p, ok := m.(Product); ok && p.d == nil {
		panic("manifold: " + fn + ": zero Product (use NewProduct)")
	}
	if n := m.AmbientDim(); n < 1 {
		panic(fmt.Sprintf("manifold: %s: %T has AmbientDim %d < 1 (zero value? use its constructor)", fn, m, n))
	}
}

// sinc returns sin(x)/x, with its Taylor series 1 − x²/6 + x⁴/120 near 0
// (error below 1e-17 for |x| < 1e-3).
func sinc(x float64) float64 {
	if math.Abs(x) < 1e-3 {
		return SincSin(x, 0)
	}
	return math.Sin(x) / x
}

// SincSin returns sin(x)/x given sinx = sin(x) (from a math.Sincos the
// caller needs anyway): sinx/x, or the Taylor series 1 − x²/6·(1 − x²/20)
// for |x| < 1e-3, where sinx is not used. It is the sinc of Sphere.Exp
// and SO(3)'s exponential, exported so that fused loops elsewhere
// (controlsde's fast paths) compute the same arithmetic.
func SincSin(x, sinx float64) float64 {
	if math.Abs(x) < 1e-3 {
		x2 := x * x
		return 1 - x2/6*(1-x2/20)
	}
	return sinx / x
}
