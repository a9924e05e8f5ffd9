package manifold

import (
	"math"
	"math/rand/v2"
)

// Sphere is the unit sphere S^{d−1} = {x ∈ R^d : |x| = 1} with the metric
// induced by R^d. Its intrinsic dimension is d−1 and its volume
// Vol(S^{d−1}) = 2π^{d/2} / Γ(d/2) (4π on S²).
//
// Formulas (see e.g. Absil, Mahony & Sepulchre 2008, Optimization
// Algorithms on Matrix Manifolds, §5.4):
//
//	P_x v       = v − ⟨x,v⟩ x
//	exp_x(v)    = cos|v| x + (sin|v|/|v|) v
//	log_x(y)    = θ/sinθ (y − cosθ x),  θ = dist(x, y)
//	dist(x, y)  = 2 atan2(|x − y|, |x + y|)
//	Γ_{x→y}(v)  = v − ⟨y,v⟩/(1 + ⟨x,y⟩) (x + y)
//
// The distance uses the atan2 form, accurate to rounding at every angle,
// rather than arccos⟨x,y⟩, which loses half the digits near 0 and π.
type Sphere struct {
	d int
}

// NewSphere returns S^{d−1} ⊂ R^d (so NewSphere(3) is S²). It panics if
// d < 2.
func NewSphere(d int) Sphere {
	if d < 2 {
		panic("manifold: Sphere ambient dimension must be at least 2")
	}
	return Sphere{d: d}
}

// Dim returns d−1.
func (s Sphere) Dim() int { return s.d - 1 }

// AmbientDim returns d.
func (s Sphere) AmbientDim() int { return s.d }

// Project writes x/|x| into dst. If x is zero, dst is the first basis
// vector (a documented choice: every point is equally near).
func (s Sphere) Project(dst, x []float64) {
	checkLen("Sphere.Project", s.d, dst, x)
	n := norm(x)
	if n == 0 {
		for i := range dst {
			dst[i] = 0
		}
		dst[0] = 1
		return
	}
	for i := range dst {
		dst[i] = x[i] / n
	}
}

// ProjectTangent writes v − ⟨x,v⟩x into dst.
func (s Sphere) ProjectTangent(dst, x, v []float64) {
	checkLen("Sphere.ProjectTangent", s.d, dst, x, v)
	c := dot(x, v)
	for i := range dst {
		dst[i] = v[i] - c*x[i]
	}
}

// Exp writes cos|v| x + sinc|v| v into dst, renormalised to unit length so
// that repeated steps do not drift off the sphere. sin|v|/|v| uses its
// Taylor series near 0, so tiny tangent vectors are exact to rounding.
func (s Sphere) Exp(dst, x, v []float64) {
	checkLen("Sphere.Exp", s.d, dst, x, v)
	t := norm(v)
	sn, c := math.Sincos(t)
	sc := SincSin(t, sn)
	var n2 float64
	for i := range dst {
		y := c*x[i] + sc*v[i]
		dst[i] = y
		n2 += y * y
	}
	inv := 1 / math.Sqrt(n2)
	for i := range dst {
		dst[i] *= inv
	}
}

// Log writes log_x(y) into dst. With w = y − ⟨x,y⟩x (|w| = sinθ), the
// result is θ w/|w|, θ = atan2(|w|, ⟨x,y⟩), which is stable for y near x
// (θ/sinθ → 1) and near the antipode. At the exact antipode y = −x every
// direction is minimising; Log then returns the tangent vector of length π
// pointing along the projection onto T_xM of the basis vector e_k on which
// |x_k| is smallest (a deterministic, documented choice).
func (s Sphere) Log(dst, x, y []float64) {
	checkLen("Sphere.Log", s.d, dst, x, y)
	c := dot(x, y)
	for i := range dst {
		dst[i] = y[i] - c*x[i]
	}
	// Re-project: rounding leaves a normal component of order ε_mach in w,
	// which dominates when sinθ is tiny (y near ±x).
	r := dot(x, dst)
	var w2 float64
	for i := range dst {
		dst[i] -= r * x[i]
		w2 += dst[i] * dst[i]
	}
	wn := math.Sqrt(w2)
	theta := math.Atan2(wn, c)
	if wn == 0 {
		if c > 0 {
			return // y = x: dst is already zero.
		}
		k := 0
		for i := range x {
			if math.Abs(x[i]) < math.Abs(x[k]) {
				k = i
			}
		}
		for i := range dst {
			dst[i] = -x[k] * x[i]
		}
		dst[k] += 1
		wn, theta = norm(dst), math.Pi
	}
	f := theta / wn
	for i := range dst {
		dst[i] *= f
	}
}

// Dist returns the great-circle distance 2 atan2(|x−y|, |x+y|) ∈ [0, π].
func (s Sphere) Dist(x, y []float64) float64 {
	checkLen("Sphere.Dist", s.d, x, y)
	var dm, dp float64
	for i := range x {
		a, b := x[i]-y[i], x[i]+y[i]
		dm += a * a
		dp += b * b
	}
	return 2 * math.Atan2(math.Sqrt(dm), math.Sqrt(dp))
}

// Inner returns u·v.
func (s Sphere) Inner(x, u, v []float64) float64 {
	checkLen("Sphere.Inner", s.d, x, u, v)
	return dot(u, v)
}

// Transport writes v − ⟨y,v⟩/(1+⟨x,y⟩) (x+y) into dst: parallel transport
// along the minimising great circle. It is undefined at the antipode
// (1 + ⟨x,y⟩ = 0), where the result is not finite.
func (s Sphere) Transport(dst, x, y, v []float64) {
	checkLen("Sphere.Transport", s.d, dst, x, y, v)
	f := dot(y, v) / (1 + dot(x, y))
	for i := range dst {
		dst[i] = v[i] - f*(x[i]+y[i])
	}
}

// Rand writes a uniform point: a standard Gaussian vector normalised to
// unit length (a zero vector, of probability zero, is redrawn).
func (s Sphere) Rand(dst []float64, rng *rand.Rand) {
	checkLen("Sphere.Rand", s.d, dst)
	for {
		for i := range dst {
			dst[i] = rng.NormFloat64()
		}
		n := norm(dst)
		if n > 0 {
			for i := range dst {
				dst[i] /= n
			}
			return
		}
	}
}

// sphereRandOrthogonal writes into dst a unit vector uniform on the unit
// sphere of x^⊥ = T_xS^{d−1}, for a unit vector x: a standard Gaussian
// vector projected by P_x v = v − ⟨x,v⟩x (the projection of an isotropic
// Gaussian is isotropic in x^⊥) and normalised, redrawn if its norm is
// below 1e-8 (probability of order 1e-8^{d−1}). dst must not alias x.
func sphereRandOrthogonal(dst, x []float64, rng *rand.Rand) {
	for {
		for i := range dst {
			dst[i] = rng.NormFloat64()
		}
		c := dot(dst, x)
		for i := range dst {
			dst[i] -= c * x[i]
		}
		if n := norm(dst); n > 1e-8 {
			for i := range dst {
				dst[i] /= n
			}
			return
		}
	}
}

// LogVolume returns log Vol(S^{d−1}) = log 2 + (d/2) log π − log Γ(d/2).
func (s Sphere) LogVolume() float64 {
	return logSphereVolume(s.d)
}

// logSphereVolume returns log Vol(S^{d−1}) = log(2π^{d/2}/Γ(d/2)).
func logSphereVolume(d int) float64 {
	lg, _ := math.Lgamma(float64(d) / 2)
	return math.Ln2 + float64(d)/2*math.Log(math.Pi) - lg
}

// Residual returns ||x| − 1| (+Inf if x is not finite).
func (s Sphere) Residual(x []float64) float64 {
	checkLen("Sphere.Residual", s.d, x)
	r := math.Abs(norm(x) - 1)
	if math.IsNaN(r) {
		return math.Inf(1)
	}
	return r
}
