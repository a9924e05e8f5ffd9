package controlsde

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/manifold"
)

// heatKernel returns the law of Brownian motion on m started at x0 after
// time t (generator ½Δ), where the manifold layer provides it in closed
// form: the wrapped normal on T^n and manifold.SphereHeat on S^{d−1}.
func heatKernel(m manifold.Manifold, x0 []float64, t float64) (manifold.LogProber, bool) {
	if x0 == nil || !(t > 0) {
		return nil, false
	}
	switch m.(type) {
	case manifold.Torus:
		wn, err := manifold.NewWrappedNormal(x0, t)
		if err != nil {
			return nil, false
		}
		return wn, true
	case manifold.Sphere:
		h, err := manifold.NewSphereHeat(x0, t)
		if err != nil {
			return nil, false
		}
		return h, true
	}
	return nil, false
}

// heatStepperI draws exact Brownian increments on a compact manifold.
type heatStepperI interface {
	// heatStep replaces x by a draw from the heat kernel p_Δν(x, ·) of step
	// k using the worker's current particle stream.
	heatStep(x []float64, k int, w *worker)
}

// hasHeatStepper reports whether exact Brownian steps exist on m.
func hasHeatStepper(m manifold.Manifold) bool {
	switch m.(type) {
	case manifold.Torus, manifold.Sphere:
		return true
	}
	return false
}

// newHeatStepper prepares the exact Brownian steps of the grid on m: the
// step variances are dnu[k] = ν(t_{k+1}) − ν(t_k).
func newHeatStepper(m manifold.Manifold, dnu []float64) (heatStepperI, error) {
	switch s := m.(type) {
	case manifold.Torus:
		sd := make([]float64, len(dnu))
		for k, v := range dnu {
			sd[k] = math.Sqrt(v)
		}
		return torusHeat{sd: sd}, nil
	case manifold.Sphere:
		// One tabulated kernel per distinct step variance (equal to a
		// relative 1e-12, so that a uniform grid's rounding differences do
		// not build a table per step), started at the pole e₁ and moved by
		// RandFrom.
		pole := make([]float64, s.AmbientDim())
		pole[0] = 1
		var built []*manifold.SphereHeat
		h := sphereHeat{k: make([]*manifold.SphereHeat, len(dnu))}
		for k, v := range dnu {
			for _, hk := range built {
				if math.Abs(hk.Time()-v) <= 1e-12*v {
					h.k[k] = hk
					break
				}
			}
			if h.k[k] != nil {
				continue
			}
			hk, err := manifold.NewSphereHeat(pole, v)
			if err != nil {
				return nil, fmt.Errorf("controlsde: heat-kernel step %d: %w", k, err)
			}
			built = append(built, hk)
			h.k[k] = hk
		}
		return h, nil
	}
	return nil, fmt.Errorf("%w: no exact transition on %T", ErrUnsupported, m)
}

// torusHeat steps Brownian motion on T^n exactly: x_i ← wrap(x_i + √Δν ξ_i),
// the wrapped normal transition.
type torusHeat struct{ sd []float64 }

func (h torusHeat) heatStep(x []float64, k int, w *worker) {
	sd := h.sd[k]
	for i := range x {
		x[i] = manifold.TorusWrap(x[i] + sd*w.sign*w.rng.NormFloat64())
	}
}

// sphereHeat steps Brownian motion on S^{d−1} exactly by
// manifold.SphereHeat.RandFrom (inverse-CDF angle, uniform direction).
type sphereHeat struct{ k []*manifold.SphereHeat }

func (h sphereHeat) heatStep(x []float64, k int, w *worker) {
	tmp := w.tmp[:len(x)]
	h.k[k].RandFrom(tmp, x, w.rng)
	copy(x, tmp)
}
