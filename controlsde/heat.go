package controlsde

import (
	"math"

	"github.com/geosoc/geosoc/manifold"
)

// heatKernel returns the law of Brownian motion on m started at x0 after
// time t (generator ½Δ), where the manifold layer provides it in closed
// form: the wrapped normal on T^n.
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
	}
	return nil, false
}

// heatStepperI draws exact Brownian increments on a compact manifold.
type heatStepperI interface {
	// heatStep replaces x by a draw from the heat kernel p_t(x, ·) using
	// the worker's current particle stream.
	heatStep(x []float64, t float64, w *worker)
}

// heatStepper returns the exact Brownian stepper for m, if the manifold
// layer provides one.
func heatStepper(m manifold.Manifold) (heatStepperI, bool) {
	switch m.(type) {
	case manifold.Torus:
		return torusHeat{}, true
	}
	return nil, false
}

// torusHeat steps Brownian motion on T^n exactly: x_i ← wrap(x_i + √t ξ_i),
// the wrapped normal transition.
type torusHeat struct{}

func (torusHeat) heatStep(x []float64, t float64, w *worker) {
	sd := math.Sqrt(t)
	for i := range x {
		x[i] = manifold.TorusWrap(x[i] + sd*w.sign*w.rng.NormFloat64())
	}
}
