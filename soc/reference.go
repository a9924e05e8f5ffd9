package soc

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/manifold"
)

// ScheduleSpec names a noise schedule of controlsde by its kind and
// parameters, so that it can be stored in a model file:
//
//	"constant":  controlsde.Constant{S: A}
//	"geometric": controlsde.Geometric{Min: A, Max: B}
//	"linear":    controlsde.LinearBeta{Min: A, Max: B}
type ScheduleSpec struct {
	Kind string  `json:"kind"`
	A    float64 `json:"a"`
	B    float64 `json:"b,omitempty"`
}

// Schedule returns the controlsde schedule s describes.
func (s ScheduleSpec) Schedule() (controlsde.Schedule, error) {
	ok := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	switch s.Kind {
	case "constant":
		if ok(s.A) {
			return controlsde.Constant{S: s.A}, nil
		}
	case "geometric":
		if ok(s.A) && ok(s.B) && s.B > s.A {
			return controlsde.Geometric{Min: s.A, Max: s.B}, nil
		}
	case "linear":
		if ok(s.A) && ok(s.B) {
			return controlsde.LinearBeta{Min: s.A, Max: s.B}, nil
		}
	default:
		return nil, fmt.Errorf("%w: unknown schedule kind %q (want constant, geometric or linear)", ErrSettings, s.Kind)
	}
	return nil, fmt.Errorf("%w: bad %s schedule parameters %v, %v", ErrSettings, s.Kind, s.A, s.B)
}

// RefSpec describes the reference process of a control problem on R^d
// (soc.md):
//
//	"brownian": dX = σ(t) dW from X₀ = 0 (PIS, Adjoint Sampling),
//	            p_ref,1 = N(0, ν(1) I);
//	"vp":       dX = −σ(t)²/(2V) X dt + σ(t) dW, X₀ ~ N(0, V I) (DDS),
//	            stationary, so p_ref,t = N(0, V I) for every t.
//
// The time grid is Steps uniform steps on [0, 1], integrated with
// controlsde.Exact (exact reference transitions, so the path weights are
// exact for the simulated chain at any step size).
//
// On the compact spaces (spheres S^{d−1}, SO(3), tori T^n and products of
// these) only "brownian" exists and means Brownian motion from the uniform
// law, integrated by the geodesic Euler–Maruyama scheme
// (controlsde.EulerMaruyama): the uniform law is invariant under the
// isotropic geodesic random-walk step (see compactSpace for the argument
// on each space), so p_ref,t is uniform for the discrete chain too and,
// controlsde's weight being the exact Radon–Nikodym derivative of the
// drawn tangent increments, the path weights are exact (see compactSpace
// for the limit of the log-variance loss on coarse grids).
type RefSpec struct {
	Kind     string       `json:"kind"`
	Sigma    ScheduleSpec `json:"sigma"`
	Variance float64      `json:"variance,omitempty"` // V, for "vp"
	Steps    int          `json:"steps"`
}

func (r RefSpec) validate() error {
	if r.Steps < 1 || r.Steps > 1<<16 {
		return fmt.Errorf("%w: %d time steps", ErrSettings, r.Steps)
	}
	if _, err := r.Sigma.Schedule(); err != nil {
		return err
	}
	switch r.Kind {
	case "brownian":
		return nil
	case "vp":
		if !(r.Variance > 0) || math.IsInf(r.Variance, 0) {
			return fmt.Errorf("%w: VP reference variance %v", ErrSettings, r.Variance)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown reference %q (want brownian or vp)", ErrSettings, r.Kind)
}

// reference returns the controlsde reference and time grid on space.
func (r RefSpec) reference(space manifold.Manifold) (controlsde.Reference, []float64, error) {
	if err := r.validate(); err != nil {
		return controlsde.Reference{}, nil, err
	}
	sch, _ := r.Sigma.Schedule()
	ref := controlsde.Reference{Space: space, Sigma: sch}
	if compactSpace(space) {
		if r.Kind != "brownian" {
			return controlsde.Reference{}, nil, fmt.Errorf("%w: on %s the reference must be brownian (from the uniform law), have %q", ErrSettings, spaceName(space), r.Kind)
		}
		return ref, controlsde.UniformGrid(r.Steps, 0, 1), nil
	}
	if _, ok := space.(manifold.Euclidean); !ok {
		return controlsde.Reference{}, nil, fmt.Errorf("%w: space %T (want R^n, a sphere, SO(3), a torus or a product of the last three)", ErrSettings, space)
	}
	if r.Kind == "vp" {
		ref.OUVariance, ref.StartVariance = r.Variance, r.Variance
	}
	return ref, controlsde.UniformGrid(r.Steps, 0, 1), nil
}

// transition returns the coefficients of the exact reference transition
// X_{k+1} = a X_k + √c ξ over [s, t] (controlsde.Exact): with
// Δν = ν(t) − ν(s), a = 1, c = Δν for Brownian motion and
// a = exp(−Δν/(2V)), c = V(1 − exp(−Δν/V)) for the VP process.
func (r RefSpec) transition(sch controlsde.Schedule, s, t float64) (a, c float64) {
	dnu := sch.Integral(t) - sch.Integral(s)
	if r.Kind == "vp" {
		return math.Exp(-dnu / (2 * r.Variance)), -r.Variance * math.Expm1(-dnu/r.Variance)
	}
	return 1, dnu
}

// integrator returns the controlsde method for space: Exact on R^n, the
// geodesic Euler–Maruyama scheme on the compact spaces (spheres, SO(3),
// tori, products), where it is the exact-weight choice: the uniform law is
// invariant under its reference step (compactSpace) and the controlled and
// reference steps are Gaussian on the same tangent space, so the weights
// are exact for the chain. On SO(3) its step exp_R(R[ω]×) = R·Exp([ω]×)
// is the Lie-group step of controlsde.LieEM, on T^n the wrapped Gaussian
// step, which is also the exact heat-kernel transition; controlsde.Exact
// itself takes no control off R^n.
func integrator(space manifold.Manifold) controlsde.Method {
	if _, ok := space.(manifold.Euclidean); ok {
		return controlsde.Exact{}
	}
	return controlsde.EulerMaruyama{}
}
