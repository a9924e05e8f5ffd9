package controlsde

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/manifold"
)

// heatKernel returns the law of Brownian motion on m started at x0 after
// time t (generator ½Δ) where the manifold layer has it in closed form
// (manifold.NewHeatKernel: Gaussian on R^n, the wrapped normal on T^n,
// SphereHeat on S^{d−1}, IGSO3 on SO(3), and their product on products).
func heatKernel(m manifold.Manifold, x0 []float64, t float64) (manifold.Distribution, bool) {
	if x0 == nil || !(t > 0) {
		return nil, false
	}
	d, err := manifold.NewHeatKernel(m, x0, t)
	if err != nil {
		return nil, false
	}
	return d, true
}

// heatStepperI draws exact Brownian increments on a compact manifold.
type heatStepperI interface {
	// heatStep replaces x by a draw from the heat kernel p_Δν(x, ·) of step
	// k using the worker's current particle stream.
	heatStep(x []float64, k int, w *worker)
}

// hasHeatStepper reports whether exact Brownian steps exist on m (a
// product needs them on every factor; Euclidean factors have them).
func hasHeatStepper(m manifold.Manifold) bool {
	switch s := m.(type) {
	case manifold.Torus, manifold.Sphere, manifold.SO3:
		return true
	case manifold.Product:
		for i := 0; i < s.NumFactors(); i++ {
			f := s.Factor(i)
			if _, ok := f.(manifold.Euclidean); !ok && !hasHeatStepper(f) {
				return false
			}
		}
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
		// One tabulated kernel per distinct step variance, started at the
		// pole e₁ and moved by RandFrom.
		pole := make([]float64, s.AmbientDim())
		pole[0] = 1
		k, err := kernelsByTime(dnu, func(v float64) (*manifold.SphereHeat, error) { return manifold.NewSphereHeat(pole, v) })
		if err != nil {
			return nil, err
		}
		return sphereHeat{k: k}, nil
	case manifold.SO3:
		// By bi-invariance the heat kernel from R is R·(heat kernel from I):
		// one IGSO(3) table per distinct step variance, started at I.
		id := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
		k, err := kernelsByTime(dnu, func(v float64) (*manifold.IGSO3, error) { return manifold.NewIGSO3(id, v) })
		if err != nil {
			return nil, err
		}
		return so3Heat{k: k}, nil
	case manifold.Euclidean:
		sd := make([]float64, len(dnu))
		for k, v := range dnu {
			sd[k] = math.Sqrt(v)
		}
		return euclidHeat{sd: sd}, nil
	case manifold.Product:
		ph := productHeat{p: s, f: make([]heatStepperI, s.NumFactors())}
		for i := range ph.f {
			h, err := newHeatStepper(s.Factor(i), dnu)
			if err != nil {
				return nil, err
			}
			ph.f[i] = h
		}
		return ph, nil
	}
	return nil, fmt.Errorf("%w: no exact transition on %T", ErrUnsupported, m)
}

// euclidHeat steps Brownian motion on a Euclidean factor of a product:
// x ← x + √Δν ξ.
type euclidHeat struct{ sd []float64 }

func (h euclidHeat) heatStep(x []float64, k int, w *worker) {
	sd := h.sd[k]
	for i := range x {
		x[i] += sd * w.sign * normFloat64(w.cur)
	}
}

// productHeat steps each factor of a product exactly, in factor order.
type productHeat struct {
	p manifold.Product
	f []heatStepperI
}

func (h productHeat) heatStep(x []float64, k int, w *worker) {
	for i, f := range h.f {
		f.heatStep(x[h.p.Offset(i):h.p.Offset(i+1)], k, w)
	}
}

// so3Heat steps Brownian motion on SO(3) exactly: R ← R·E with E drawn
// from IGSO(3)(I, Δν).
type so3Heat struct{ k []*manifold.IGSO3 }

func (h so3Heat) heatStep(x []float64, k int, w *worker) {
	e := w.tmp[:9]
	h.k[k].Rand(e, w.rng)
	manifold.SO3{}.Compose(x, x, e)
}

// torusHeat steps Brownian motion on T^n exactly: x_i ← wrap(x_i + √Δν ξ_i),
// the wrapped normal transition.
type torusHeat struct{ sd []float64 }

func (h torusHeat) heatStep(x []float64, k int, w *worker) {
	sd := h.sd[k]
	for i := range x {
		x[i] = manifold.TorusWrap(x[i] + sd*w.sign*normFloat64(w.cur))
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

// kernelsByTime returns one heat kernel per step variance dnu[k], building
// a table only once per distinct variance (equal to a relative 1e-12, so
// that a uniform grid's rounding differences do not build one per step).
func kernelsByTime[K interface{ Time() float64 }](dnu []float64, build func(v float64) (K, error)) ([]K, error) {
	out := make([]K, len(dnu))
	var built []K
next:
	for k, v := range dnu {
		for _, hk := range built {
			if math.Abs(hk.Time()-v) <= 1e-12*v {
				out[k] = hk
				continue next
			}
		}
		hk, err := build(v)
		if err != nil {
			return nil, fmt.Errorf("controlsde: heat-kernel step %d: %w", k, err)
		}
		built = append(built, hk)
		out[k] = hk
	}
	return out, nil
}
