// Package plot draws figures of samples from a geosoc target: PNG or SVG,
// with gonum.org/v1/plot. It is used by `geosoc sample --plot FILE`.
//
// Samples come as a contiguous []float64, n rows of d values (the target's
// ambient coordinates), with optional log importance weights; histograms
// use the self-normalised weights (SelfNormalized) and, where the target
// draws exact samples (datasets.Sampler), overlay the histogram of exact
// samples drawn with a fixed seed (Options.Seed).
//
// # Figures
//
// KindOf chooses the figure from the target's space:
//
//   - Plane (R², gmm40): the unnormalised density γ(x)/max γ as a heat map
//     on a grid covering the samples and the exact samples, the samples on
//     top, and the two marginal histograms.
//   - Euclidean (R^d, d > 2): the scatter of (x₀, x₁) (exact samples
//     underneath) and the histograms of the first four coordinates.
//   - Sphere2 (S², vmf-s2): the samples over the target density in the
//     Hammer equal-area projection (Hammer), and the exact samples.
//   - Rotations (SO(3), igso3-mix): the histogram of the rotation angle,
//     with the Haar angle density (1 − cos θ)/π for reference, and the
//     rotation axes in the Hammer projection (RotationAngleAxis).
//   - Torus (vonmises-t4): the scatter of the first two angles on
//     [−π, π)² and the histograms of the first four angles.
//
// Scatters draw at most Options.MaxPoints points, evenly spaced through the
// batch; histograms and ranges use every sample. Histogram ranges on R^d
// are the 0.5 % and 99.5 % quantiles of the samples and exact samples,
// widened by 5 %; the bars are densities of the whole batch (mass outside
// the range is counted in the normalisation).
//
// # Equal area
//
// The Hammer projection maps S² onto the ellipse x²/8 + y²/2 ≤ 1 with
// Jacobian determinant cos φ in longitude–latitude coordinates, the area
// element of the sphere: areas are preserved, so uniform points on the
// sphere are uniform on the ellipse and a density on S² is, unchanged, the
// density of the projected points. The tests check both (a finite-difference
// Jacobian, and a χ² test of uniform samples over equal-area cells).
//
// # Output
//
// Write draws into an io.Writer; WriteFile picks the format from the file
// extension (FormatOf: .png or .svg, anything else is ErrFormat) and writes
// atomically through internal/fileio.WriteAtomic, so a failed or
// interrupted run never leaves a partial file. PNG output is Width×Height
// pixels at 96 dots per inch.
package plot
