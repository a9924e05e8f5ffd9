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
// with sinc|v| from manifold.SincSin (its Taylor series below |v| = 1e-3),
// as in manifold.Sphere.Exp.
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
		sc := manifold.SincSin(t, sn)
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

// so3BrownianStep is Lie-group Euler–Maruyama for Brownian motion on SO(3)
// (no control, no drift), R' = R·Exp([noise·ξ]×), with
// manifold.SO3.ExpBody inlined in its order of operations: Rodrigues'
// formula in half-angle form (h = |ω|/2),
//
//	Exp([ω]×) = c I + a [ω]× + b ωωᵀ,  a = sinc h cos h, b = ½ sinc² h,
//	c = 1 − 2 sin² h,
//
// (sinc h from manifold.SincSin), the product Y = R·Exp,
// and one Newton–Schulz polish R' = ½ Y (3I − YᵀY) (Higham 2008, Functions
// of Matrices, §8.3).
func so3BrownianStep(w *worker, x []float64, lo int, noise float64) {
	n := len(x) / 9
	for j := 0; j < n; j++ {
		w.use(lo + j)
		w1 := noise * (w.sign * normFloat64(w.cur))
		w2 := noise * (w.sign * normFloat64(w.cur))
		w3 := noise * (w.sign * normFloat64(w.cur))
		th := math.Sqrt(w1*w1 + w2*w2 + w3*w3)
		h := th / 2
		sh, ch := math.Sincos(h)
		sc := manifold.SincSin(h, sh)
		a := sc * ch
		b := 0.5 * sc * sc
		c := 1 - 2*sh*sh
		e := [9]float64{
			c + b*w1*w1, b*w1*w2 - a*w3, b*w1*w3 + a*w2,
			b*w2*w1 + a*w3, c + b*w2*w2, b*w2*w3 - a*w1,
			b*w3*w1 - a*w2, b*w3*w2 + a*w1, c + b*w3*w3,
		}
		r := (*[9]float64)(x[9*j : 9*j+9])
		var y [9]float64
		for i := 0; i < 3; i++ {
			a0, a1, a2 := r[3*i], r[3*i+1], r[3*i+2]
			y[3*i] = a0*e[0] + a1*e[3] + a2*e[6]
			y[3*i+1] = a0*e[1] + a1*e[4] + a2*e[7]
			y[3*i+2] = a0*e[2] + a1*e[5] + a2*e[8]
		}
		var g [9]float64 // 3I − YᵀY
		for i := 0; i < 3; i++ {
			a0, a1, a2 := y[i], y[3+i], y[6+i]
			g[3*i] = -(a0*y[0] + a1*y[3] + a2*y[6])
			g[3*i+1] = -(a0*y[1] + a1*y[4] + a2*y[7])
			g[3*i+2] = -(a0*y[2] + a1*y[5] + a2*y[8])
		}
		g[0] += 3
		g[4] += 3
		g[8] += 3
		for i := 0; i < 3; i++ {
			a0, a1, a2 := y[3*i], y[3*i+1], y[3*i+2]
			r[3*i] = 0.5 * (a0*g[0] + a1*g[3] + a2*g[6])
			r[3*i+1] = 0.5 * (a0*g[1] + a1*g[4] + a2*g[7])
			r[3*i+2] = 0.5 * (a0*g[2] + a1*g[5] + a2*g[8])
		}
	}
}
