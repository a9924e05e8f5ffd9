package plot

import (
	"math"

	"github.com/geosoc/geosoc/manifold"
)

// Hammer returns the Hammer (Hammer–Aitoff) equal-area projection of the
// point of longitude λ ∈ [−π, π] and latitude φ ∈ [−π/2, π/2] of the unit
// sphere:
//
//	x = 2√2 cos φ sin(λ/2) / √(1 + cos φ cos(λ/2)),
//	y = √2 sin φ / √(1 + cos φ cos(λ/2))
//
// (Snyder 1987, Map Projections — A Working Manual, USGS Professional Paper
// 1395, p. 232, with R = 1). The image of the sphere is the ellipse
// x²/8 + y²/2 ≤ 1, of area 4π, and the map is equal-area: its Jacobian
// determinant is |∂(x, y)/∂(λ, φ)| = cos φ, the area element of the sphere
// in (λ, φ), so a region of the sphere and its image have the same area
// and a density with respect to the area of S² is also the density of the
// projected points with respect to the area of the plane.
func Hammer(lambda, phi float64) (x, y float64) {
	sl, cl := math.Sincos(lambda / 2)
	sp, cp := math.Sincos(phi)
	d := math.Sqrt(1 + cp*cl)
	return 2 * math.Sqrt2 * cp * sl / d, math.Sqrt2 * sp / d
}

// HammerInverse returns the longitude and latitude of the point (x, y) of
// the Hammer ellipse x²/8 + y²/2 ≤ 1:
//
//	z = √(1 − (x/4)² − (y/2)²),  λ = 2 atan2(z x, 2(2z² − 1)),  φ = asin(z y)
//
// (Snyder 1987, p. 233; Weisstein, "Hammer-Aitoff Equal-Area Projection",
// MathWorld). Points outside the ellipse give NaN.
func HammerInverse(x, y float64) (lambda, phi float64) {
	if x*x/8+y*y/2 > 1 {
		return math.NaN(), math.NaN()
	}
	z := math.Sqrt(math.Max(0, 1-x*x/16-y*y/4))
	return 2 * math.Atan2(z*x, 2*(2*z*z-1)), math.Asin(math.Max(-1, math.Min(1, z*y)))
}

// SphereHammer returns the Hammer projection of the unit vector p ∈ S² ⊂ R³
// with longitude λ = atan2(p₁, p₀) and latitude φ = asin(p₂) (p₂ clamped to
// [−1, 1]).
func SphereHammer(p []float64) (x, y float64) {
	if len(p) != 3 {
		panic("plot: SphereHammer needs a point of R³")
	}
	return Hammer(math.Atan2(p[1], p[0]), math.Asin(math.Max(-1, math.Min(1, p[2]))))
}

// fromLonLat returns the unit vector of longitude λ and latitude φ.
func fromLonLat(lambda, phi float64) [3]float64 {
	sl, cl := math.Sincos(lambda)
	sp, cp := math.Sincos(phi)
	return [3]float64{cp * cl, cp * sl, sp}
}

// identity3 is the identity rotation, row-major.
var identity3 = []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}

// RotationAngleAxis returns the rotation angle θ ∈ [0, π] of R ∈ SO(3)
// (9 values, row-major) and writes its unit axis n into axis, so that
// R = Exp(θ[n]×) (Rodrigues' formula, manifold.SO3). It uses
// manifold.SO3.LogBody(I, R) = θn, which keeps full accuracy up to θ = π.
// For θ = 0 the axis is undefined and set to (0, 0, 1).
func RotationAngleAxis(axis, r []float64) float64 {
	if len(axis) != 3 || len(r) != 9 {
		panic("plot: RotationAngleAxis needs a 3-vector and a 3×3 matrix")
	}
	th := manifold.SO3{}.LogBody(axis, identity3, r)
	if th == 0 {
		axis[0], axis[1], axis[2] = 0, 0, 1
		return 0
	}
	nrm := math.Sqrt(axis[0]*axis[0] + axis[1]*axis[1] + axis[2]*axis[2])
	for i := range axis {
		axis[i] /= nrm
	}
	return th
}

// wrapAngle maps an angle to [−π, π) (manifold.TorusWrap).
func wrapAngle(a float64) float64 { return manifold.TorusWrap(a) }
