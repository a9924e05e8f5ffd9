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
// # Errors
//
// Slices of the wrong length are programmer errors and panic with a message
// prefixed "manifold: ". Bad data (a negative concentration, a non-positive
// time, a point off the manifold) is reported by constructors as an error
// wrapping one of the package's sentinel errors.
package manifold
