package manifold

import (
	"math"
	"math/rand/v2"
)

// torusPeriod is the period 2π of every angle, as the float64 nearest to 2π
// (6.283185307179586, below 2π by 2.4e-16). It is exactly twice math.Pi,
// so the half-open fundamental domain is [−math.Pi, math.Pi) exactly.
const torusPeriod = 2 * math.Pi

// torusFMALimit bounds |x| for the fast reduction in torusWrap: below it
// round(x/2π) is within 1/32 of the true quotient, so one correction step
// suffices.
const torusFMALimit = 1 << 48

// torusTop is the largest float64 in [−π, π): math.Pi − 2^−51.
var torusTop = math.Nextafter(math.Pi, 0)

// TorusWrap returns the representative of the angle x in [−π, π):
//
//	wrap(x) = x − 2π·round(x / 2π), then shifted by ∓2π into [−π, π).
//
// The reduction is exact: x − wrap(x) is an integer multiple of the float64
// period 2π_f = 2·math.Pi with no rounding at all, for every finite x. (For
// |x| ≥ 2 the difference x − k·2π_f is a multiple of 2^−51 of modulus below
// 4, hence representable, so the fused multiply–add x − k·2π_f is exact; the
// ∓2π_f correction is exact by Sterbenz's lemma; beyond |x| = 2^48
// math.Remainder, an exact IEEE remainder, takes over.) Consequently
// wrap(π) = −π, wrap(−π) = −π, and values landing exactly on π map to −π.
// Non-finite input (±Inf, NaN) returns NaN.
func TorusWrap(x float64) float64 {
	if x >= -math.Pi && x < math.Pi {
		return x // small enough to inline: the common case costs two compares
	}
	return torusWrapSlow(x)
}

// torusWrapSlow reduces an x outside [−π, π) (see TorusWrap).
func torusWrapSlow(x float64) float64 {
	var r float64
	if math.Abs(x) < torusFMALimit {
		k := math.Round(x / torusPeriod)
		r = math.FMA(-k, torusPeriod, x)
	} else {
		r = math.Remainder(x, torusPeriod) // NaN for ±Inf and NaN.
	}
	if r >= math.Pi {
		r -= torusPeriod
	} else if r < -math.Pi {
		r += torusPeriod
	}
	return r
}

// Torus is the flat torus T^n = (R/2πZ)^n with the metric of R^n. A point
// is n angles in [−π, π); a tangent vector is any v ∈ R^n. The intrinsic
// and ambient dimensions are both n, the injectivity radius is π and the
// volume (2π)^n (Lebesgue measure on [−π, π)^n, the Riemannian volume).
//
// Formulas (the quotient of R^n by the lattice 2πZ^n, e.g. Lee 2018,
// Introduction to Riemannian Manifolds, Ex. 2.17 and §6):
//
//	exp_x(v)    = wrap(x + v)                          (coordinatewise)
//	log_x(y)    = wrap(y − x) ∈ [−π, π)^n              (coordinatewise)
//	dist(x, y)  = |log_x(y)|
//	g_x(u, v)   = u·v,  Γ_{x→y}(v) = v
//
// where wrap is TorusWrap, an exact remainder modulo the float64 period
// 2·math.Pi. The remainder form of log is equivalent to
// atan2(sin(y−x), cos(y−x)) but exact to rounding of the single
// subtraction y − x, including for tiny differences.
type Torus struct {
	n int
}

// NewTorus returns T^n. It panics if n < 1.
func NewTorus(n int) Torus {
	if n < 1 {
		panic("manifold: Torus dimension must be positive")
	}
	return Torus{n: n}
}

// Dim returns n.
func (t Torus) Dim() int { return t.n }

// AmbientDim returns n.
func (t Torus) AmbientDim() int { return t.n }

// Project writes wrap(x) coordinatewise into dst: every real vector names a
// point of T^n. Non-finite coordinates become NaN. dst may alias x.
func (t Torus) Project(dst, x []float64) {
	checkLen("Torus.Project", t.n, dst, x)
	for i, v := range x {
		dst[i] = TorusWrap(v)
	}
}

// ProjectTangent copies v into dst: T_xT^n = R^n.
func (t Torus) ProjectTangent(dst, x, v []float64) {
	checkLen("Torus.ProjectTangent", t.n, dst, x, v)
	copy(dst, v)
}

// Exp writes wrap(x + v) coordinatewise into dst. The only rounding is
// that of the sum x_i + v_i; the wrap is exact for any finite |v_i|. dst
// may alias x.
func (t Torus) Exp(dst, x, v []float64) {
	checkLen("Torus.Exp", t.n, dst, x, v)
	for i := range dst {
		dst[i] = TorusWrap(x[i] + v[i])
	}
}

// Log writes wrap(y − x) ∈ [−π, π)^n coordinatewise into dst: the
// shortest signed angle from x_i to y_i. At the cut locus, where a
// coordinate difference is exactly π (mod 2π), both ±π are minimising and
// Log returns −π for that coordinate (the choice in [−π, π)).
func (t Torus) Log(dst, x, y []float64) {
	checkLen("Torus.Log", t.n, dst, x, y)
	for i := range dst {
		dst[i] = TorusWrap(y[i] - x[i])
	}
}

// Dist returns |log_x(y)| = √(Σ wrap(y_i − x_i)²) ∈ [0, π√n].
func (t Torus) Dist(x, y []float64) float64 {
	checkLen("Torus.Dist", t.n, x, y)
	var s float64
	for i := range x {
		d := TorusWrap(y[i] - x[i])
		s += d * d
	}
	return math.Sqrt(s)
}

// Inner returns u·v (flat metric).
func (t Torus) Inner(x, u, v []float64) float64 {
	checkLen("Torus.Inner", t.n, x, u, v)
	return dot(u, v)
}

// Transport copies v into dst: the torus is flat and parallel transport is
// the identity in angle coordinates.
func (t Torus) Transport(dst, x, y, v []float64) {
	checkLen("Torus.Transport", t.n, dst, x, y, v)
	copy(dst, v)
}

// Rand writes a uniform point of [−π, π)^n into dst: −π + 2π·U with U
// uniform on [0, 1) per coordinate (the result is wrapped, so rounding
// cannot produce π).
func (t Torus) Rand(dst []float64, rng *rand.Rand) {
	checkLen("Torus.Rand", t.n, dst)
	for i := range dst {
		dst[i] = TorusWrap(-math.Pi + torusPeriod*rng.Float64())
	}
}

// LogVolume returns n·log(2π).
func (t Torus) LogVolume() float64 { return float64(t.n) * math.Log(torusPeriod) }

// Residual returns 0 when every coordinate lies in [−π, π), +Inf when a
// coordinate is not finite, and otherwise the largest distance from a
// coordinate to the nearest float64 of [−π, π) (so x_i = π, outside the
// half-open interval, gives ulp(π) = 4.4e-16 > 0).
func (t Torus) Residual(x []float64) float64 {
	checkLen("Torus.Residual", t.n, x)
	var r float64
	for _, v := range x {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return math.Inf(1)
		case v >= math.Pi:
			r = math.Max(r, v-torusTop)
		case v < -math.Pi:
			r = math.Max(r, -math.Pi-v)
		}
	}
	return r
}
