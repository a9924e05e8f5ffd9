package manifold

import "math"

// Double-double arithmetic (value hi + lo, |lo| ≤ ulp(hi)/2, about 106
// bits) for the eigenfunction series in the tail of the heat kernel, where
// the terms cancel to far below their size (Dekker 1971; Hida, Li & Bailey
// 2001, "Algorithms for quad-double precision floating point arithmetic").
type sphereheatDD struct{ hi, lo float64 }

func sphereheatTwoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

func sphereheatQuickTwoSum(a, b float64) sphereheatDD {
	s := a + b
	return sphereheatDD{s, b - (s - a)}
}

func sphereheatTwoProd(a, b float64) sphereheatDD {
	p := a * b
	return sphereheatDD{p, math.FMA(a, b, -p)}
}

// add is the accurate (IEEE-style) double-double sum.
func (x sphereheatDD) add(y sphereheatDD) sphereheatDD {
	s1, s2 := sphereheatTwoSum(x.hi, y.hi)
	t1, t2 := sphereheatTwoSum(x.lo, y.lo)
	s2 += t1
	r := sphereheatQuickTwoSum(s1, s2)
	r.lo += t2
	return sphereheatQuickTwoSum(r.hi, r.lo)
}

func (x sphereheatDD) neg() sphereheatDD { return sphereheatDD{-x.hi, -x.lo} }

func (x sphereheatDD) mul(y sphereheatDD) sphereheatDD {
	p := sphereheatTwoProd(x.hi, y.hi)
	p.lo += x.hi*y.lo + x.lo*y.hi
	return sphereheatQuickTwoSum(p.hi, p.lo)
}

func (x sphereheatDD) mulF(b float64) sphereheatDD {
	p := sphereheatTwoProd(x.hi, b)
	p.lo += x.lo * b
	return sphereheatQuickTwoSum(p.hi, p.lo)
}

func (x sphereheatDD) divF(b float64) sphereheatDD {
	q1 := x.hi / b
	p := sphereheatTwoProd(q1, b)
	s, f := sphereheatTwoSum(x.hi, -p.hi)
	f -= p.lo
	f += x.lo
	q2 := (s + f) / b
	return sphereheatQuickTwoSum(q1, q2)
}

func (x sphereheatDD) float() float64 { return x.hi + x.lo }

// sphereheatLn2 is log 2 to double-double precision.
var sphereheatLn2 = sphereheatDD{0.6931471805599453, 2.3190468138462996e-17}

// sphereheatExpDD returns e^x in double-double for |x| ≲ 700: x = k log 2
// + r, e^{r/1024} by its Taylor series (|r/1024| < 3.4e-4, 10 terms, error
// below 1e-40), squared ten times (relative error ×1024), times 2^k.
func sphereheatExpDD(x sphereheatDD) sphereheatDD {
	k := math.Round(x.hi / sphereheatLn2.hi)
	r := x.add(sphereheatLn2.mulF(-k))
	r = sphereheatDD{math.Ldexp(r.hi, -10), math.Ldexp(r.lo, -10)}
	s := sphereheatDD{1, 0}
	term := sphereheatDD{1, 0}
	for n := 1; n <= 10; n++ {
		term = term.mul(r).divF(float64(n))
		s = s.add(term)
	}
	for i := 0; i < 10; i++ {
		s = s.mul(s)
	}
	ki := int(k)
	return sphereheatDD{math.Ldexp(s.hi, ki), math.Ldexp(s.lo, ki)}
}

// sphereHeatSeriesDD sums the eigenfunction series of SphereHeatZonal in
// double-double arithmetic: weights a_l = e^{−l(l+d−2)t/2} by
// a_{l+1} = a_l e^{−(d−1)t/2} e^{−lt}, the Gegenbauer recurrences with
// their integer coefficients exact and z = cosθ exact as given. Terms of
// size up to Σ_l a_l h_l(1) then cancel to about 1e-31 of that sum, so the
// result keeps relative accuracy 1e-10 while it is at least
// sphereHeatCancelDD of it. ok is false below that.
func sphereHeatSeriesDD(d int, t, theta float64) (logp, dlogp float64, ok bool) {
	z := math.Cos(theta)
	fd := float64(d)
	lam := (fd - 2) / 2
	q := sphereheatExpDD(sphereheatDD{-t, 0})
	e1 := sphereheatExpDD(sphereheatTwoProd(fd-1, t).mulF(-0.5))
	a := e1        // a_1
	b := e1.mul(q) // a_2/a_1
	sum := sphereheatDD{1, 0}
	var dsum sphereheatDD
	cPrev, c := sphereheatDD{1, 0}, sphereheatTwoProd(fd-2, z) // C_0^λ, C_1^λ = 2λz
	if d == 2 {
		c = sphereheatDD{z, 0} // T_1
	}
	gPrev, g := sphereheatDD{}, sphereheatDD{1, 0} // C_{−1}^{λ+1}, C_0^{λ+1}
	bound := 1.0
	c1 := fd - 2 // C_1^λ(1)
	prevTerm := math.Inf(1)
	for l := 1; l < 1000000; l++ {
		fl := float64(l)
		var hl sphereheatDD
		var hb float64
		if d == 2 {
			hl, hb = c.mulF(2), 2
		} else {
			hl, hb = c.mulF(2*fl+fd-2).divF(fd-2), (fl+lam)/lam*c1
		}
		sum = sum.add(a.mul(hl))
		dsum = dsum.add(a.mul(g).mulF(2*fl + fd - 2))
		term := a.hi * hb
		bound += term
		if term < sphereHeatTermTolDD*bound && term <= prevTerm {
			break
		}
		prevTerm = term
		if d == 2 {
			c, cPrev = c.mul(sphereheatDD{2 * z, 0}).add(cPrev.neg()), c
		} else {
			// (l+1)C_{l+1} = 2(l+λ) z C_l − (l+2λ−1) C_{l−1}; 2(l+λ) = 2l+d−2.
			c, cPrev = c.mul(sphereheatTwoProd(2*fl+fd-2, z)).add(cPrev.mulF(-(fl + fd - 3))).divF(fl+1), c
			c1 *= (fl + 2*lam) / (fl + 1)
		}
		// (m+1)G_{m+1} = 2(m+λ+1) z G_m − (m+2λ+1) G_{m−1}, m = l−1.
		m := fl - 1
		g, gPrev = g.mul(sphereheatTwoProd(2*m+fd, z)).add(gPrev.mulF(-(m + fd - 1))).divF(m+1), g
		a = a.mul(b)
		b = b.mul(q)
	}
	s := sum.float()
	if !(s >= sphereHeatCancelDD*bound) {
		return 0, 0, false
	}
	return math.Log(s) - logSphereVolume(d), -math.Sin(theta) * dsum.float() / s, true
}
