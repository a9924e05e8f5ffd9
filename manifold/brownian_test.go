package manifold

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		spec         string
		dim, ambient int
	}{
		{"r3", 3, 3}, {"euclidean:2", 2, 2}, {"s2", 2, 3}, {"sphere:5", 5, 6}, {"S1", 1, 2},
		{"so3", 3, 9}, {"SO(3)", 3, 9}, {"t4", 4, 4}, {"torus:1", 1, 1},
		{"s2xso3", 5, 12}, {"s2xt2xr1", 5, 6},
	} {
		m, err := Parse(c.spec)
		require.NoError(t, err, c.spec)
		require.Equal(t, c.dim, m.Dim(), c.spec)
		require.Equal(t, c.ambient, m.AmbientDim(), c.spec)
		require.Zero(t, m.Residual(BasePoint(m)), c.spec)
	}
	for _, bad := range []string{"", "s0", "r0", "sx", "klein", "s2x", "xs2", "s99999999999", "t-1", "so4"} {
		_, err := Parse(bad)
		require.ErrorIs(t, err, ErrUnknownManifold, bad)
	}
}

func TestBrownianMomentsMatchHeatKernels(t *testing.T) {
	// The exact heat-kernel samplers (SphereHeat, IGSO3, WrappedNormal, the
	// Gaussian on R^n) reproduce every moment within 4 standard errors; a
	// wrong eigenvalue (e.g. l(l+1) instead of l(l+d−2) on S⁴, or e^{−t}
	// for e^{−3t}) moves a moment by ≥ 20 standard errors at n = 20000.
	const n = 20000
	rng := newRand(31)
	type heat struct {
		name string
		m    Manifold
		t    float64
		law  func(x0 []float64, t float64) (Distribution, error)
	}
	cases := []heat{
		{"S2", NewSphere(3), 0.4, func(x0 []float64, t float64) (Distribution, error) { return NewSphereHeat(x0, t) }},
		{"S4", NewSphere(5), 0.2, func(x0 []float64, t float64) (Distribution, error) { return NewSphereHeat(x0, t) }},
		{"SO3", NewSO3(), 0.3, func(x0 []float64, t float64) (Distribution, error) { return NewIGSO3(x0, t) }},
		{"T3", NewTorus(3), 1.5, func(x0 []float64, t float64) (Distribution, error) { return NewWrappedNormal(x0, t) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x0 := BasePoint(c.m)
			law, err := c.law(x0, c.t)
			require.NoError(t, err)
			moments := BrownianMoments(c.m, x0, c.t)
			require.Len(t, moments, 2)
			x := make([]float64, c.m.AmbientDim())
			vals := make([][]float64, len(moments))
			for i := range vals {
				vals[i] = make([]float64, n)
			}
			for k := 0; k < n; k++ {
				law.Rand(x, rng)
				for i, mo := range moments {
					vals[i][k] = mo.Stat(x)
				}
			}
			for i, mo := range moments {
				requireMean(t, vals[i], mo.Exact, mo.Name)
			}
		})
	}
}

func TestBrownianMomentsProductAndUniform(t *testing.T) {
	// On a product each factor contributes its moments on its own block;
	// at t = +Inf the moments are those of the uniform law (0 for the
	// non-constant characters, 1/d for ⟨x0,X⟩² on S^{d−1}).
	p := NewProduct(NewSphere(3), NewSO3(), NewTorus(2))
	x0 := BasePoint(p)
	ms := BrownianMoments(p, x0, math.Inf(1))
	require.Len(t, ms, 6)
	require.Equal(t, "[1] tr(R0'R)", ms[2].Name)
	want := []float64{0, 1.0 / 3, 0, 0, 0, 0}
	rng := newRand(9)
	x := make([]float64, p.AmbientDim())
	n := 20000
	vals := make([][]float64, len(ms))
	for i := range vals {
		vals[i] = make([]float64, n)
	}
	for k := 0; k < n; k++ {
		p.Rand(x, rng)
		for i, mo := range ms {
			require.Equal(t, want[i], mo.Exact, mo.Name)
			vals[i][k] = mo.Stat(x)
		}
	}
	for i, mo := range ms {
		requireMean(t, vals[i], mo.Exact, mo.Name)
	}
	// χ₂ = tr² − tr − 1 equals 1 + 2cos ω + 2cos 2ω.
	so3 := NewSO3()
	r := make([]float64, 9)
	for _, w := range []float64{0, 0.3, 1, 2.5, math.Pi} {
		so3.FromAxisAngle(r, []float64{0, 0, 1}, w)
		chi := BrownianMoments(so3, BasePoint(so3), 1)[1].Stat(r)
		require.InDelta(t, 1+2*math.Cos(w)+2*math.Cos(2*w), chi, 1e-14)
	}
	require.Nil(t, BrownianMoments(NewEuclidean(2), []float64{0, 0}, math.Inf(1)))
}

func TestCheckMoments(t *testing.T) {
	// Batch of the 1-D points 1, 2, 3, 4: mean 2.5, s² = 5/3, se = √(5/12).
	batch := []float64{1, 2, 3, 4}
	ms := CheckMoments(batch, 1, []Moment{{Name: "x", Exact: 2, Stat: func(x []float64) float64 { return x[0] }}})
	require.Len(t, ms, 1)
	require.InDelta(t, 2.5, ms[0].Mean, 1e-15)
	require.InDelta(t, math.Sqrt(5.0/12), ms[0].StdErr, 1e-15)
	require.InDelta(t, 0.5/math.Sqrt(5.0/12), ms[0].Z, 1e-14)
	require.Panics(t, func() { CheckMoments(batch, 3, nil) })
}
