package controlsde

import "github.com/geosoc/geosoc/manifold"

// heatKernel returns the law of Brownian motion on m started at x0 after
// time t (generator ½Δ), where the manifold layer provides it in closed
// form.
func heatKernel(m manifold.Manifold, x0 []float64, t float64) (manifold.LogProber, bool) {
	return nil, false
}

// heatStepper draws exact Brownian increments on a compact manifold.
type heatStepperI interface {
	// heatStep replaces x by a draw from the heat kernel p_t(x, ·).
	heatStep(x []float64, t float64, w *worker)
}

// heatStepper returns the exact Brownian stepper for m, if the manifold
// layer provides one.
func heatStepper(m manifold.Manifold) (heatStepperI, bool) {
	return nil, false
}
