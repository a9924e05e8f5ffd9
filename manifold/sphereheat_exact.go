package manifold

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// Exact small-time forms of the heat kernel on S² and S³, with
// θ-derivatives by forward-mode differentiation (dual numbers).

// sphereheatDual is a dual number v + d·ε, ε² = 0: it carries a value and
// its derivative with respect to θ through the formulas below.
type sphereheatDual struct{ v, d float64 }

func sphereheatConst(c float64) sphereheatDual { return sphereheatDual{c, 0} }

func (a sphereheatDual) add(b sphereheatDual) sphereheatDual {
	return sphereheatDual{a.v + b.v, a.d + b.d}
}
func (a sphereheatDual) sub(b sphereheatDual) sphereheatDual {
	return sphereheatDual{a.v - b.v, a.d - b.d}
}
func (a sphereheatDual) scale(c float64) sphereheatDual { return sphereheatDual{c * a.v, c * a.d} }
func (a sphereheatDual) mul(b sphereheatDual) sphereheatDual {
	return sphereheatDual{a.v * b.v, a.d*b.v + a.v*b.d}
}
func (a sphereheatDual) div(b sphereheatDual) sphereheatDual {
	q := a.v / b.v
	return sphereheatDual{q, (a.d - q*b.d) / b.v}
}
func (a sphereheatDual) sqrt() sphereheatDual {
	s := math.Sqrt(a.v)
	return sphereheatDual{s, a.d / (2 * s)}
}
func (a sphereheatDual) exp() sphereheatDual {
	e := math.Exp(a.v)
	return sphereheatDual{e, e * a.d}
}
func (a sphereheatDual) sin() sphereheatDual {
	s, c := math.Sincos(a.v)
	return sphereheatDual{s, c * a.d}
}

// sinc returns sin(a)/a (the package's sinc) with derivative
// (cos a − sinc a)/a, by its series −a/3 + a³/30 for |a| < 1e-3.
func (a sphereheatDual) sinc() sphereheatDual {
	x := a.v
	s, c := math.Sincos(x)
	v := SincSin(x, s)
	if math.Abs(x) < 1e-3 {
		return sphereheatDual{v, (-x/3 + x*x*x/30) * a.d}
	}
	return sphereheatDual{v, (c - v) / x * a.d}
}

// oneMinusExpOver returns (1 − e^{−c})/c, with its series for |c| < 1e-3.
func (a sphereheatDual) oneMinusExpOver() sphereheatDual {
	c := a.v
	if math.Abs(c) < 1e-3 {
		return sphereheatDual{1 - c/2 + c*c/6 - c*c*c/24, (-0.5 + c/3 - c*c/8) * a.d}
	}
	em := -math.Expm1(-c) / c
	return sphereheatDual{em, (math.Exp(-c) - em) / c * a.d}
}

// sphereHeatExactMaxT is the largest t at which the exact small-time
// forms of S² and S³ are used (the image sums below keep only the terms
// that exceed 1e-18 of the result for t ≤ 0.5); the series takes over
// above it.
const sphereHeatExactMaxT = 0.5

// sphereHeatS3 returns log p and ∂_θ log p of the heat kernel of S³
// (d = 4) for t ≤ sphereHeatExactMaxT, from the exact image sum
//
//	p_t(θ) = e^{t/2} (2πt)^{−3/2} Σ_{k∈Z} (θ+2πk)/sinθ · e^{−(θ+2πk)²/2t}
//
// (S³ = SU(2); e.g. Camporesi 1990, Phys. Rep. 196, eq. 5.8 with Δ → ½Δ).
// With e^{−θ²/2t} factored out, for θ ≤ π/2 the terms k = 0, ±1 are kept
// and paired (k, −k):
//
//	R = [1 + e^{−2π²/t}(2cosh a − (8π²/t) sinh a / a)] / sinc θ,  a = 2πθ/t,
//
// and for θ > π/2, ε = π − θ, the pair k = 0, −1 (which cancels at the
// antipode) is written without cancellation as
//
//	R = [(π−ε)(2π/t)(1−e^{−c})/c − 2e^{−c}] / sinc ε,  c = 2πε/t.
//
// The omitted images (|k| ≥ 2, resp. the pair k = 1, −2) are below
// e^{−6π²/t} resp. e^{−3π²/t} relative, negligible (< 1e-25) for t ≤ 0.5.
func sphereHeatS3(t, theta float64) (logp, dlogp float64) {
	th := sphereheatDual{theta, 1}
	var r sphereheatDual
	if theta <= math.Pi/2 {
		r = sphereheatConst(1)
		if e := math.Exp(-2 * math.Pi * math.Pi / t); e > 0 {
			a := th.scale(2 * math.Pi / t)
			var ch, shc sphereheatDual // cosh a, sinh(a)/a
			ea, eb := math.Exp(a.v), math.Exp(-a.v)
			ch = sphereheatDual{(ea + eb) / 2, (ea - eb) / 2 * a.d}
			if math.Abs(a.v) < 1e-3 {
				x2 := a.v * a.v
				shc = sphereheatDual{1 + x2/6*(1+x2/20), (a.v/3 + a.v*x2/30) * a.d}
			} else {
				s := (ea - eb) / 2
				shc = sphereheatDual{s / a.v, (ch.v - s/a.v) / a.v * a.d}
			}
			r = r.add(ch.scale(2 * e)).sub(shc.scale(8 * math.Pi * math.Pi / t * e))
		}
		r = r.div(th.sinc())
	} else {
		eps := sphereheatDual{math.Pi - theta, -1}
		c := eps.scale(2 * math.Pi / t)
		r = sphereheatConst(math.Pi).sub(eps).mul(c.oneMinusExpOver()).scale(2 * math.Pi / t)
		r = r.sub(c.scale(-1).exp().scale(2))
		r = r.div(eps.sinc())
	}
	logp = t/2 - 1.5*math.Log(2*math.Pi*t) - theta*theta/(2*t) + math.Log(r.v)
	dlogp = -theta/t + r.d/r.v
	return logp, dlogp
}

// sphereHeatS2Nodes is the number of Gauss–Legendre nodes of the S²
// integral: against the (double-double) series on 2001 angles for
// t ∈ [1e-3, 0.5] the largest relative error of p_t is 2.4e-6 with 12
// nodes, 9.7e-10 with 16 and 6.7e-11 with 20 or 24 (the series' own
// floor); 24 leaves a margin.
const sphereHeatS2Nodes = 24

var sphereHeatS2X, sphereHeatS2W = func() ([]float64, []float64) {
	x, w := make([]float64, sphereHeatS2Nodes), make([]float64, sphereHeatS2Nodes)
	quad.Legendre{}.FixedLocations(x, w, 0, 1)
	return x, w
}()

// sphereHeatS2 returns log p and ∂_θ log p of the heat kernel of S²
// (d = 3) for t ≤ sphereHeatExactMaxT from McKean's exact integral
// (Mehler–Dirichlet formula P_l(cosθ) = (√2/π)∫_θ^π sin((l+½)φ)/√(cosθ−cosφ) dφ
// summed against the series and Poisson-summed over the half-integer
// frequencies l+½; cf. McKean 1970, Comm. Pure Appl. Math. 23, and
// Nagase 1990):
//
//	p_t(θ) = √2 e^{t/8} (2πt)^{−3/2} ∫_θ^π G(φ)/√(cosθ − cosφ) dφ,
//	G(φ) = Σ_k (−1)^k (φ+2πk) e^{−(φ+2πk)²/2t},
//
// in the variable w = (φ² − θ²)/2t, for which
//
//	∫ = √t e^{−θ²/2t} ∫_0^W e^{−w} w^{−1/2} Q(φ)/√D dw,  W = (π² − θ²)/2t,
//	Q = G(φ) e^{φ²/2t}/φ = 1 + ((2π−φ)/φ) e^{−2π(π−φ)/t} − …,
//	D = (cosθ − cosφ)/(tw) = sinc((φ+θ)/2) sinc((φ−θ)/2),
//
// Q/√D smooth and positive. The w-integral is truncated at 50 (e^{−50}),
// mapped to w = W′v², v ∈ [0, 1], and done by 24-point Gauss–Legendre.
// π − φ and the arguments near the antipode are formed from ε = π − θ and
// δ = φ − θ = 2tw/(φ+θ) without cancellation.
func sphereHeatS2(t, theta float64) (logp, dlogp float64) {
	th := sphereheatDual{theta, 1}
	eps := sphereheatDual{math.Pi - theta, -1}
	// W = ε(π+θ)/2t.
	pth := th.add(sphereheatConst(math.Pi))
	wmax := eps.mul(pth).scale(1 / (2 * t))
	// Near the antipode (W small) the factors √W and 1/√sin((φ+θ)/2) are
	// both of order √ε; they are combined as √(W/ε) and
	// ε/sin(ε − δ/2) = 1/(sinc(ε−δ/2)(1 − δ/2ε)), δ/ε = (π+θ)v²/(φ+θ),
	// so that the value and the derivative stay accurate at θ = π.
	clamped := wmax.v > 50
	if clamped {
		wmax = sphereheatConst(50)
	}
	twoPiOverT := 2 * math.Pi / t
	imag := t > 0.3 // images k = 1, −2 exceed 1e-28 only for t > 0.3
	var j sphereheatDual
	for i, v := range sphereHeatS2X {
		w := wmax.scale(v * v)
		phi := th.mul(th).add(w.scale(2 * t)).sqrt()
		delta := w.scale(2 * t).div(phi.add(th))
		a := phi.add(th).scale(0.5)
		var sa sphereheatDual // sin((φ+θ)/2), divided by ε when !clamped
		switch {
		case !clamped:
			r := pth.scale(v * v).div(phi.add(th)) // δ/ε
			sa = eps.sub(delta.scale(0.5)).sinc().mul(sphereheatConst(1).sub(r.scale(0.5)))
		case a.v < math.Pi/2:
			sa = a.sin()
		default:
			sa = eps.sub(delta.scale(0.5)).sin() // sin(π − A), π − A = ε − δ/2
		}
		dd := sa.div(a).mul(delta.scale(0.5).sinc())
		// Q = 1 + ((2π−φ)/φ) e^{−2π(π−φ)/t} [+ far images], π−φ = ε−δ.
		pmf := eps.sub(delta)
		q := sphereheatConst(1)
		if pmf.v*twoPiOverT < 60 { // else the image term is below e^{−60}·3
			q = q.add(pmf.add(sphereheatConst(math.Pi)).div(phi).mul(pmf.scale(-twoPiOverT).exp()))
		}
		if imag {
			// k = 1: −(1 + 2π/φ) e^{−2π(φ+π)/t}; k = −2: −((4π−φ)/φ) e^{−4π(2π−φ)/t}.
			q = q.sub(sphereheatConst(1).add(sphereheatConst(2 * math.Pi).div(phi)).mul(phi.add(sphereheatConst(math.Pi)).scale(-twoPiOverT).exp()))
			q = q.sub(sphereheatConst(4 * math.Pi).sub(phi).div(phi).mul(sphereheatConst(2 * math.Pi).sub(phi).scale(-2 * twoPiOverT).exp()))
		}
		f := w.scale(-1).exp().mul(q).div(dd.sqrt())
		j = j.add(f.scale(sphereHeatS2W[i]))
	}
	if clamped {
		j = j.mul(wmax.sqrt().scale(2))
	} else {
		j = j.mul(pth.scale(1 / (2 * t)).sqrt().scale(2)) // 2√(W/ε)
	}
	logp = 0.5*math.Ln2 + t/8 - 1.5*math.Log(2*math.Pi*t) + 0.5*math.Log(t) - theta*theta/(2*t) + math.Log(j.v)
	dlogp = -theta/t + j.d/j.v
	return logp, dlogp
}
