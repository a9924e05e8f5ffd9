package soc

import (
	"fmt"
	"strings"

	"github.com/geosoc/geosoc/manifold"
)

// spacer is implemented by targets that live on a manifold
// (datasets.ManifoldTarget): Train uses their Space when Settings.Space is
// nil.
type spacer interface {
	Space() manifold.Manifold
}

// compactSpace reports whether m is one of the compact manifolds on which
// the soc reference is Brownian motion from the uniform law: a sphere
// S^{d−1}, SO(3), a torus T^n, or a product of these.
//
// # Invariance of the uniform law
//
// Each of these is a compact homogeneous space G/H whose Riemannian
// volume μ (normalised: the uniform law) is invariant under the isometry
// group G, and on each the reference step of geodesic Euler–Maruyama
// (controlsde.EulerMaruyama without control), X' = exp_X(σ̄ √Δt ξ) with ξ
// the standard normal of T_XM, leaves μ invariant:
//
//   - T^n and SO(3) are compact Lie groups with a bi-invariant metric, and
//     the step is X' = X·E with E = Exp(σ̄√Δt ξ) independent of X (on
//     SO(3) exp_R(R[ω]×) = R·Exp([ω]×), on T^n x + v mod 2π). Haar measure
//     is right-invariant, so X ~ μ implies X·E ~ μ for any law of E.
//   - On S^{d−1} (two-point homogeneous: the rotations fixing x act
//     transitively on each geodesic sphere around x, and ξ is isotropic)
//     the step kernel K(x, dy) = k(d(x, y)) dy depends only on the
//     distance, so it is symmetric and ∫ K(x, A) μ(dx) =
//     ∫_A (∫ k(d(y, x)) dx) dy / Vol = μ(A), since ∫ k(d(y, x)) dx =
//     K(y, M) = 1.
//   - On a product the step moves each factor independently with its own
//     kernel (the noise is the product normal), and the product of the
//     invariant laws is invariant.
//
// So the reference chain started from μ has marginal μ at every grid
// time, p_ref,1 = μ = 1/Vol(M) exactly for the discrete chain, and the
// engine's terminal cost g = log(1/Vol) − log γ (controlsde.Reference.
// Marginal, uniform case) is exact for the chain; the controlled and
// reference steps push Gaussian tangent increments of equal covariance
// through the same map, so the Radon–Nikodym derivative of the drawn
// increments (exp(−½|u|²Δt − u·ΔW) per step) makes the path weights of
// Sample exact at any step size. (It is not the ratio of the state
// transition densities when a step can wrap past the injectivity radius;
// the log-variance loss and the EUBO, which recover the increments with
// Log, need steps inside that radius: see coarseSteps.)
// TestUniformInvariance checks the consequences on S², SO(3) and T⁴.
func compactSpace(m manifold.Manifold) bool {
	switch s := m.(type) {
	case manifold.Sphere, manifold.SO3, manifold.Torus:
		return true
	case manifold.Product:
		for _, f := range s.Factors() {
			if !compactSpace(f) {
				return false
			}
		}
		return s.NumFactors() > 0
	}
	return false
}

// metricWeights returns, for the ambient coordinates of a point of m, the
// weights w_j of the Riemannian metric on tangent vectors,
//
//	⟨u, v⟩_x = Σ_j w_j u_j v_j   (u, v ∈ T_xM),
//
// 1 on R^n, spheres (induced metric) and tori, ½ on SO(3) (the metric
// ½ tr(UᵀV), manifold.SO3.Inner) and the concatenation on products. The
// losses use it to turn Riemannian inner products and norms into ambient
// sums and their ambient gradients (∂⟨u, v⟩/∂u = w ⊙ v).
func metricWeights(m manifold.Manifold) []float64 {
	w := make([]float64, m.AmbientDim())
	fillWeights(m, w)
	return w
}

func fillWeights(m manifold.Manifold, w []float64) {
	switch s := m.(type) {
	case manifold.SO3:
		for i := range w {
			w[i] = 0.5
		}
	case manifold.Product:
		for i, f := range s.Factors() {
			fillWeights(f, w[s.Offset(i):s.Offset(i+1)])
		}
	default:
		for i := range w {
			w[i] = 1
		}
	}
}

// spaceName returns the controlsde.ParseSpace (manifold.Parse) name of
// space: "r<n>", "s<k>", "so3", "t<n>", and factor names joined by "x"
// for products.
func spaceName(space manifold.Manifold) string {
	switch s := space.(type) {
	case manifold.Sphere:
		return fmt.Sprintf("s%d", s.Dim())
	case manifold.SO3:
		return "so3"
	case manifold.Torus:
		return fmt.Sprintf("t%d", s.Dim())
	case manifold.Product:
		names := make([]string, s.NumFactors())
		for i, f := range s.Factors() {
			names[i] = spaceName(f)
		}
		return strings.Join(names, "x")
	}
	return fmt.Sprintf("r%d", space.AmbientDim())
}
