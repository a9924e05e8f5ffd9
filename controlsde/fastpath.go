package controlsde

import (
	"math"

	"github.com/geosoc/geosoc/manifold"
)

// fastPaths enables the fused loops of this file. They compute exactly the
// arithmetic of the general path (the same operations in the same order),
// so results are bit-identical; TestFastPathsBitIdentical switches it off
// and compares.
var fastPaths = true

// sphereBrownianStep is geodesic Euler–Maruyama for Brownian motion (no
// control, no drift) on a sphere S^{d−1}, fused into one pass per particle
// with no interface call per particle: it inlines, in their order,
// worker.normals, Sphere.ProjectTangent (ξ ← ξ − ⟨x, ξ⟩x), v = noise·ξ and
// Sphere.Exp,
//
//	x' = (cos|v| x + sinc|v| v) / |cos|v| x + sinc|v| v|,
//
// with sinc|v| = 1 − |v|²/6·(1 − |v|²/20) below |v| = 1e-3 (the Taylor
// series of manifold.Sphere.Exp).
func sphereBrownianStep(w *worker, x []float64, lo int, noise float64) {
	d := w.e.d
	n := len(x) / d
	v := w.v[:d]
	for j := 0; j < n; j++ {
		w.use(lo + j)
		xj := x[j*d : (j+1)*d : (j+1)*d]
		var c float64
		for i := range v {
			g := w.sign * normFloat64(w.cur)
			v[i] = g
			c += xj[i] * g
		}
		var t2 float64
		for i := range v {
			vi := noise * (v[i] - c*xj[i])
			v[i] = vi
			t2 += vi * vi
		}
		t := math.Sqrt(t2)
		sn, cs := math.Sincos(t)
		var sc float64
		if math.Abs(t) < 1e-3 {
			x2 := t * t
			sc = 1 - x2/6*(1-x2/20)
		} else {
			sc = sn / t
		}
		var n2 float64
		for i := range v {
			y := cs*xj[i] + sc*v[i]
			xj[i] = y
			n2 += y * y
		}
		inv := 1 / math.Sqrt(n2)
		for i := range xj {
			xj[i] *= inv
		}
	}
}

// residual returns e.m.Residual(x), with the arithmetic of
// manifold.Sphere.Residual (||x| − 1|) and manifold.SO3.Residual
// (‖RᵀR − I‖_F + |det R − 1|) inlined for those spaces; +Inf if x is not
// finite.
func (e *engine) residual(x []float64) float64 {
	var r float64
	switch {
	case fastPaths && e.sphere:
		var s float64
		for _, v := range x {
			s += v * v
		}
		r = math.Abs(math.Sqrt(s) - 1)
	case fastPaths && e.so3:
		m := (*[9]float64)(x)
		var s float64
		for i := 0; i < 3; i++ {
			a0, a1, a2 := m[i], m[3+i], m[6+i]
			for k := 0; k < 3; k++ {
				g := a0*m[k] + a1*m[3+k] + a2*m[6+k]
				if i == k {
					g--
				}
				s += g * g
			}
		}
		det := m[0]*(m[4]*m[8]-m[5]*m[7]) - m[1]*(m[3]*m[8]-m[5]*m[6]) + m[2]*(m[3]*m[7]-m[4]*m[6])
		r = math.Sqrt(s) + math.Abs(det-1)
	default:
		return e.m.Residual(x)
	}
	if math.IsNaN(r) {
		return math.Inf(1)
	}
	return r
}

// setFastFlags records the spaces that have fused loops.
func (e *engine) setFastFlags() {
	switch m := e.m.(type) {
	case manifold.Sphere:
		e.sphere = m.AmbientDim() == e.d
	case manifold.SO3:
		e.so3 = e.d == 9
	}
}
