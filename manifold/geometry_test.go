package manifold

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGeometryIdentities(t *testing.T) {
	cases := []geometryCase{
		{name: "R1", m: NewEuclidean(1), inj: 5},
		{name: "R7", m: NewEuclidean(7), inj: 5},
		{name: "S1", m: NewSphere(2), inj: 0.999 * math.Pi},
		{name: "S2", m: NewSphere(3), inj: 0.999 * math.Pi},
		{name: "S5", m: NewSphere(6), inj: 0.999 * math.Pi},
		{name: "S20", m: NewSphere(21), inj: 0.999 * math.Pi},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkGeometry(t, c, 500, uint64(100+i))
		})
	}
}

func TestSphereAntipode(t *testing.T) {
	s := NewSphere(3)
	rng := newRand(7)
	x, y, l, e := make([]float64, 3), make([]float64, 3), make([]float64, 3), make([]float64, 3)
	for it := 0; it < 200; it++ {
		s.Rand(x, rng)
		for i := range x {
			y[i] = -x[i]
		}
		require.InDelta(t, math.Pi, s.Dist(x, y), exactTol, "antipodal distance")
		s.Log(l, x, y)
		require.InDelta(t, math.Pi, Norm(s, x, l), exactTol, "documented antipodal log has length π")
		require.InDelta(t, 0, dot(l, x), exactTol, "antipodal log is tangent")
		s.Exp(e, x, l)
		require.Less(t, s.Dist(e, y), exactTol, "exp of antipodal log reaches −x")

		// Near the antipode: y = exp_x(v) with |v| = π − δ.
		for _, delta := range []float64{1e-3, 1e-6, 1e-9} {
			randTangentLen(s, l, x, math.Pi-delta, rng)
			s.Exp(e, x, l)
			require.InDelta(t, math.Pi-delta, s.Dist(x, e), exactTol, "dist near antipode")
			s.Log(y, x, e)
			// log is ill-conditioned by 1/δ in direction near the cut locus;
			// its length is not.
			require.InDelta(t, math.Pi-delta, Norm(s, x, y), exactTol, "|log| near antipode")
		}
	}
}

func TestSphereDistTiny(t *testing.T) {
	// Dist must resolve angles far below √ε_mach, where arccos⟨x,y⟩ fails.
	s := NewSphere(3)
	x := []float64{0, 0, 1}
	for _, a := range []float64{1e-5, 1e-10, 1e-15} {
		y := []float64{math.Sin(a), 0, math.Cos(a)}
		require.InDelta(t, a, s.Dist(x, y), 1e-15*a+1e-300, "angle %g", a)
	}
}

func TestUniformOnCompact(t *testing.T) {
	_, err := NewUniform(NewEuclidean(2))
	require.ErrorIs(t, err, ErrNotCompact)
	u, err := NewUniform(NewSphere(3))
	require.NoError(t, err)
	require.InDelta(t, -math.Log(4*math.Pi), u.LogProb([]float64{0, 0, 1}), 1e-15)
}

func TestSphereVolume(t *testing.T) {
	// Vol(S^{d−1}) = 2π^{d/2}/Γ(d/2): 2π, 4π, 2π², 8π²/3.
	for d, want := range map[int]float64{2: 2 * math.Pi, 3: 4 * math.Pi, 4: 2 * math.Pi * math.Pi, 5: 8 * math.Pi * math.Pi / 3} {
		require.InDelta(t, math.Log(want), NewSphere(d).LogVolume(), 1e-14, "d=%d", d)
	}
}

func TestUniformSphereMarginal(t *testing.T) {
	// Archimedes: on S² the coordinate ⟨e, X⟩ of a uniform point is
	// uniform on [−1, 1]. On S^{d−1}, ⟨e,X⟩² ~ Beta(1/2, (d−1)/2); checked
	// on S² here and the moment E⟨e,X⟩² = 1/d on S⁵.
	rng := newRand(11)
	s := NewSphere(3)
	n := 20000
	z := make([]float64, n)
	x := make([]float64, 3)
	for i := range z {
		s.Rand(x, rng)
		z[i] = x[2]
	}
	requireKS(t, z, func(v float64) float64 { return (v + 1) / 2 }, "uniform S² height")

	s6 := NewSphere(6)
	x6 := make([]float64, 6)
	for i := range z {
		s6.Rand(x6, rng)
		z[i] = x6[0] * x6[0]
	}
	requireMean(t, z, 1.0/6, "E x1² on S⁵")
}

func TestBadInputPanics(t *testing.T) {
	s := NewSphere(3)
	require.PanicsWithValue(t, "manifold: Sphere.Exp: dimension mismatch", func() {
		s.Exp(make([]float64, 3), make([]float64, 2), make([]float64, 3))
	})
	require.Panics(t, func() { NewSphere(1) })
	require.Panics(t, func() { NewEuclidean(0) })
	require.PanicsWithValue(t, "manifold: ExpBatch: batch length not a multiple of the ambient dimension", func() {
		ExpBatch(s, make([]float64, 4), make([]float64, 4), make([]float64, 4))
	})
}

func TestBatch(t *testing.T) {
	s := NewSphere(3)
	rng := newRand(3)
	n := 10
	x, v, e, l := make([]float64, 3*n), make([]float64, 3*n), make([]float64, 3*n), make([]float64, 3*n)
	RandBatch(s, x, rng)
	for i := 0; i < n; i++ {
		randTangentLen(s, v[3*i:3*i+3], x[3*i:3*i+3], 0.5, rng)
	}
	ExpBatch(s, e, x, v)
	LogBatch(s, l, x, e)
	requireClose(t, v, l, exactTol, "batch log∘exp")
	dd := make([]float64, n)
	DistBatch(s, dd, x, e)
	for _, d := range dd {
		require.InDelta(t, 0.5, d, exactTol)
	}
	ProjectBatch(s, e, e)
	for i := 0; i < n; i++ {
		require.Less(t, s.Residual(e[3*i:3*i+3]), exactTol)
	}
}

func TestRandTangentCovariance(t *testing.T) {
	// The standard tangent normal has E⟨v, e⟩² = |e|² for every tangent e
	// (covariance = identity in the Riemannian metric). Checked on SO(3),
	// where ambient projection would give ½, and on a product containing it.
	rng := newRand(21)
	cases := []Manifold{NewSO3(), NewSphere(3), NewProduct(NewSphere(3), NewSO3(), NewTorus(2))}
	for _, m := range cases {
		d := m.AmbientDim()
		x, v, e := make([]float64, d), make([]float64, d), make([]float64, d)
		m.Rand(x, rng)
		randTangentLen(m, e, x, 1, rng)
		n := 20000
		s := make([]float64, n)
		for i := range s {
			RandTangent(m, v, x, rng)
			ip := m.Inner(x, v, e)
			s[i] = ip * ip
		}
		requireMean(t, s, 1, "E⟨v,e⟩² for unit tangent e")
	}
}

// TestSinc checks sinc and SincSin against sin(x)/x on both sides of the
// switch to the Taylor series at |x| = 1e-3 (series error below 1e-17;
// the reference sin(x)/x is exact to a few ulps for x ≠ 0) and at 0.
func TestSinc(t *testing.T) {
	for _, x := range []float64{-2, -1e-3, -9.99e-4, -1e-8, 1e-300, 1e-8, 9.99e-4, 1e-3, 0.5, 3} {
		want := math.Sin(x) / x
		require.InDelta(t, want, sinc(x), 2e-16, "sinc(%g)", x)
		require.Equal(t, sinc(x), SincSin(x, math.Sin(x)), "SincSin(%g)", x)
	}
	require.Equal(t, 1.0, sinc(0))
	require.Equal(t, 1.0, SincSin(0, 0))
}

// TestSphereRandOrthogonal checks the helper behind the vMF and heat-kernel
// samplers: unit norm, orthogonal to x, and uniform on the unit sphere of
// x^⊥: each coordinate along an orthonormal basis vector e of x^⊥ has mean
// 0 and second moment 1/(d−1) (exact moments of a uniform point of
// S^{d−2}).
func TestSphereRandOrthogonal(t *testing.T) {
	const n = 20000
	for _, d := range []int{2, 3, 6} {
		rng := newRand(uint64(90 + d))
		s := NewSphere(d)
		x, e, y := make([]float64, d), make([]float64, d), make([]float64, d)
		s.Rand(x, rng)
		sphereRandOrthogonal(e, x, rng) // one fixed direction of x^⊥
		c, c2 := make([]float64, n), make([]float64, n)
		for k := 0; k < n; k++ {
			sphereRandOrthogonal(y, x, rng)
			require.InDelta(t, 1, norm(y), exactTol)
			require.InDelta(t, 0, dot(x, y), exactTol)
			c[k] = dot(e, y)
			c2[k] = c[k]*c[k] - 1/float64(d-1)
		}
		requireMean(t, c, 0, "component")
		if d > 2 {
			requireMean(t, c2, 0, "second moment")
		}
	}
}
