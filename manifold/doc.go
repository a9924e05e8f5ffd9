// Package manifold provides exact Riemannian geometry and probability laws on
// the spaces geosoc samples on: Euclidean space, spheres S^{d−1}, the
// rotation group SO(3), flat tori T^n and products of these.
//
// # Points and tangent vectors
//
// A point is a []float64 in ambient coordinates: d numbers for a point of
// S^{d−1} ⊂ R^d, 9 numbers (row-major) for a rotation matrix, n angles in
// [−π, π) for T^n. A tangent vector uses the same ambient coordinates (on
// SO(3) the matrix R[ω]×). A batch of N points is N·AmbientDim() values back
// to back. Every operation writes into a caller buffer and allocates nothing,
// so integrators can call them millions of times.
//
// # Geometry
//
// The Manifold interface holds what every algorithm needs: projection onto
// M and onto a tangent space, the exponential and logarithm maps, geodesic
// distance, the metric, parallel transport, uniform sampling and the volume.
// Maps are exact (closed forms with series near their removable
// singularities) and documented at the cut locus.
//
// # Distributions
//
// A Distribution has a normalised LogProb with respect to the Riemannian
// volume (Haar measure on SO(3), scaled so that the uniform density is
// 1/Vol), its Score (Riemannian gradient of the log density, a tangent
// vector) and an exact sampler Rand driven by an explicit *rand.Rand.
//
// # Spheres
//
// Sphere is S^{d−1} ⊂ R^d with the induced metric; distances use the
// atan2 form, exact to rounding at every angle. VonMisesFisher is the law
// C_d(κ) e^{κ⟨μ,x⟩}, its normaliser from a log-Bessel function accurate to
// 1e-13 for κ up to 1e6 and beyond (power series, Debye expansion), sampled
// exactly (inversion on S², Wood's rejection sampler otherwise). SphereHeat
// is the heat kernel of ½Δ on S^{d−1}: the law of Brownian motion at time
// t. Its zonal density SphereHeatZonal is exact to 1e-10 on S¹, S², S³ at
// every t and angle (wrapped normal, McKean's integral, image sum) and
// elsewhere comes from the Gegenbauer series with eigenvalues l(l+d−2)
// (double-double in the tail) or, for small t, the Minakshisundaram–Pleijel
// expansion to second order (derived, with the diagonal checked against
// the heat invariants a₁, a₂), used only where its error is below 1e-9. Rand inverts a tabulated CDF of the angle
// (Kolmogorov error below 3e-10); RandFrom draws exact Brownian
// transitions from any start for SDE integrators.
//
// # Rotations
//
// SO3 is the rotation group with the bi-invariant metric ½ tr(AᵀB): points
// are row-major 3×3 rotation matrices, tangent vectors R[ω]× with ω the
// body-frame angular velocity, the geodesic distance is the rotation angle
// in [0, π] and the volume is 8π² (uniform density 1/(8π²)). Besides the
// Manifold methods it provides the Lie-group step ExpBody (R·Exp([ω]×), for
// geometric Euler–Maruyama), LogBody, Hat/Vee, Compose/Inverse/Apply and
// conversions to unit quaternions (num/quat), axis–angle and
// spatial/r3.Rotation; RandTangent draws the Riemannian standard normal
// ω ~ N(0, I₃). IGSO3 is the heat kernel of SO(3) (Brownian motion with
// generator ½Δ at time t around a mean rotation): image-sum closed form
// for t ≤ 1, character series for t > 1, analytic score, and an exact
// inverse-CDF sampler of the rotation angle with a uniform axis.
//
// # Tori, products and mixtures
//
// Torus T^n = (R/2πZ)^n stores n angles in [−π, π); TorusWrap reduces any
// real angle exactly modulo the float64 period 2·math.Pi (wrap(π) = −π, and
// Log returns −π where a coordinate difference is exactly π). Product
// concatenates the ambient coordinates of any manifolds (Offset(i) locates
// factor i): its maps act blockwise, squared distances and inner products
// add, volumes multiply. WrappedNormal is the heat kernel of T^n (Brownian
// motion with generator ½Δ at time t, per-coordinate times allowed): an
// images sum for t ≤ 2.5 and the theta-function Fourier series above, each
// truncated at relative error below 1e-17; WrappedNormalLogPDF and
// WrappedNormalScore give the per-angle kernel to SDE integrators and
// torsion samplers. ProductDist is the law of independent components on a
// Product; Mixture combines laws on one manifold with a one-pass stable
// log-sum-exp density and responsibility-weighted score.
//
// # Heat kernels and exact moments
//
// NewHeatKernel returns the heat kernel of any of these manifolds (and of
// R^n: EuclideanHeat) from a point at time t, and BrownianMoments the
// statistics whose expectations under it are known in closed form
// (E⟨x0,X_t⟩ = e^{−(d−1)t/2} on S^{d−1}, E tr R_t = 3e^{−t} on SO(3),
// E cos(X_t − x0) = e^{−t/2} on T^n, …): the yardstick for SDE integrators.
// Parse and BasePoint name manifolds and their origins for command lines.
//
// # Errors
//
// Slices of the wrong length are programmer errors and panic with a message
// prefixed "manifold: ". Bad data (a negative concentration, a non-positive
// time, a point off the manifold) is reported by constructors as an error
// wrapping one of the package's sentinel errors.
package manifold
