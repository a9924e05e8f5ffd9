package manifold

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProductGeometry(t *testing.T) {
	// The injectivity radius of a product is the smallest over its compact
	// factors (π for S² and T^n); a tangent vector of total length below π
	// has every block below π.
	cases := []geometryCase{
		{name: "S2xT2xR3", m: NewProduct(NewSphere(3), NewTorus(2), NewEuclidean(3)), inj: 0.999 * math.Pi},
		{name: "T1", m: NewProduct(NewTorus(1)), inj: 0.999 * math.Pi},
		{name: "S2xS2", m: NewProduct(NewSphere(3), NewSphere(3)), inj: 0.999 * math.Pi},
		{name: "nested(S1xT3)xR2", m: NewProduct(NewProduct(NewSphere(2), NewTorus(3)), NewEuclidean(2)), inj: 0.999 * math.Pi},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkGeometry(t, c, 500, uint64(400+i))
		})
	}
}

func TestProductBlocks(t *testing.T) {
	// Each block of Exp/Log/Dist/Inner equals the factor's own map, and the
	// sums are exact sums of the factors'.
	s, tor, e := NewSphere(3), NewTorus(2), NewEuclidean(3)
	p := NewProduct(s, tor, e)
	require.Equal(t, 8, p.AmbientDim())
	require.Equal(t, 2+2+3, p.Dim())
	require.Equal(t, 3, p.NumFactors())
	for i, want := range []int{0, 3, 5, 8} {
		require.Equal(t, want, p.Offset(i))
	}
	f := p.Factors()
	require.Equal(t, []Manifold{s, tor, e}, f)
	f[0] = e
	require.Equal(t, Manifold(s), p.Factor(0), "Factors returns a copy")

	rng := newRand(9)
	x, y, v, got := make([]float64, 8), make([]float64, 8), make([]float64, 8), make([]float64, 8)
	for it := 0; it < 100; it++ {
		p.Rand(x, rng)
		p.Rand(y, rng)
		RandTangent(p, v, x, rng)
		p.Exp(got, x, v)
		var d2, in float64
		for i, m := range []Manifold{s, tor, e} {
			a, b := p.Offset(i), p.Offset(i+1)
			want := make([]float64, b-a)
			m.Exp(want, x[a:b], v[a:b])
			require.Equal(t, want, got[a:b], "Exp block %d", i)
			di := m.Dist(x[a:b], y[a:b])
			d2 += di * di
			in += m.Inner(x[a:b], v[a:b], v[a:b])
		}
		require.InDelta(t, math.Sqrt(d2), p.Dist(x, y), 1e-15)
		require.InDelta(t, in, p.Inner(x, v, v), 1e-15*(1+in))
	}
}

func TestProductVolume(t *testing.T) {
	// Vol(S² × T²) = 4π·(2π)², Vol(T³ × S¹) = (2π)³·2π; any Euclidean factor
	// makes the volume infinite.
	cases := []struct {
		name string
		m    Product
		want float64
	}{
		{"S2xT2", NewProduct(NewSphere(3), NewTorus(2)), math.Log(4 * math.Pi * 4 * math.Pi * math.Pi)},
		{"T3xS1", NewProduct(NewTorus(3), NewSphere(2)), 4 * math.Log(2*math.Pi)},
		{"S2xT2xR3", NewProduct(NewSphere(3), NewTorus(2), NewEuclidean(3)), math.Inf(1)},
		{"R1xS2", NewProduct(NewEuclidean(1), NewSphere(3)), math.Inf(1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if math.IsInf(c.want, 1) {
				require.True(t, math.IsInf(c.m.LogVolume(), 1))
				_, err := NewUniform(c.m)
				require.ErrorIs(t, err, ErrNotCompact)
				return
			}
			require.InDelta(t, c.want, c.m.LogVolume(), 1e-14)
			u, err := NewUniform(c.m)
			require.NoError(t, err)
			x := make([]float64, c.m.AmbientDim())
			u.Rand(x, newRand(1))
			require.InDelta(t, -c.want, u.LogProb(x), 1e-14)
		})
	}
}

func TestProductResidual(t *testing.T) {
	p := NewProduct(NewSphere(3), NewTorus(1))
	require.Zero(t, p.Residual([]float64{0, 0, 1, 0.5}))
	require.InDelta(t, 1, p.Residual([]float64{0, 0, 2, 0.5}), 1e-15, "sphere block off by 1")
	require.InDelta(t, 4-math.Pi, p.Residual([]float64{0, 0, 1, 4}), 1e-15, "torus block off")
	require.True(t, math.IsInf(p.Residual([]float64{0, 0, 1, math.NaN()}), 1))
	q := make([]float64, 4)
	p.Project(q, []float64{0, 0, 2, 4})
	require.Zero(t, p.Residual(q))
}

func TestProductSameSpace(t *testing.T) {
	a := NewProduct(NewSphere(3), NewTorus(2))
	b := NewProduct(NewSphere(3), NewTorus(2))
	c := NewProduct(NewSphere(3), NewTorus(3))
	require.True(t, productSameSpace(a, b), "independently built equal products")
	require.False(t, productSameSpace(a, c))
	require.False(t, productSameSpace(a, NewTorus(2)))
	require.False(t, productSameSpace(NewTorus(2), a))
	require.True(t, productSameSpace(NewTorus(4), NewTorus(4)))
	require.False(t, productSameSpace(NewTorus(4), NewEuclidean(4)))
	require.False(t, productSameSpace(NewProduct(a), a), "nesting matters")
	// Products are comparable (no run-time panic in interface ==), by identity.
	var ma, mb, mc Manifold = a, b, a
	require.NotPanics(t, func() {
		require.False(t, ma == mb)
		require.True(t, ma == mc)
	})
}

func TestProductPanics(t *testing.T) {
	require.PanicsWithValue(t, "manifold: NewProduct: no factors", func() { NewProduct() })
	require.PanicsWithValue(t, "manifold: NewProduct: nil factor", func() { NewProduct(NewTorus(1), nil) })
	// Zero-value factors have AmbientDim 0 and would divide by zero later.
	require.PanicsWithValue(t, "manifold: NewProduct: factor 1: manifold.Sphere has AmbientDim 0 < 1 (zero value? use its constructor)",
		func() { NewProduct(NewTorus(1), Sphere{}) })
	require.PanicsWithValue(t, "manifold: NewProduct: factor 0: manifold.Torus has AmbientDim 0 < 1 (zero value? use its constructor)",
		func() { NewProduct(Torus{}) })
	require.PanicsWithValue(t, "manifold: NewProduct: factor 0: manifold.Euclidean has AmbientDim 0 < 1 (zero value? use its constructor)",
		func() { NewProduct(Euclidean{}, NewSphere(3)) })
	require.PanicsWithValue(t, "manifold: NewProduct: factor 1: zero Product (use NewProduct)",
		func() { NewProduct(NewSphere(3), Product{}) })
	// The same check guards NewUniform (log volume of S^{−1} would be
	// −Inf) and BasePoint (index out of range on Sphere{}).
	require.PanicsWithValue(t, "manifold: NewUniform: manifold.Sphere has AmbientDim 0 < 1 (zero value? use its constructor)",
		func() { _, _ = NewUniform(Sphere{}) })
	require.PanicsWithValue(t, "manifold: NewUniform: nil manifold", func() { _, _ = NewUniform(nil) })
	require.PanicsWithValue(t, "manifold: BasePoint: manifold.Sphere has AmbientDim 0 < 1 (zero value? use its constructor)",
		func() { BasePoint(Sphere{}) })
	require.PanicsWithValue(t, "manifold: BasePoint: zero Product (use NewProduct)", func() { BasePoint(Product{}) })
	require.PanicsWithValue(t, "manifold: NewHeatKernel: nil manifold", func() { _, _ = NewHeatKernel(nil, nil, 1) })
	p := NewProduct(NewSphere(3), NewTorus(2))
	require.PanicsWithValue(t, "manifold: Product.Exp: dimension mismatch", func() {
		p.Exp(make([]float64, 5), make([]float64, 5), make([]float64, 4))
	})
}

func TestProductAllocs(t *testing.T) {
	var p Manifold = NewProduct(NewSphere(3), NewTorus(2), NewEuclidean(3))
	rng := newRand(1)
	x, y, v, d := make([]float64, 8), make([]float64, 8), make([]float64, 8), make([]float64, 8)
	p.Rand(x, rng)
	p.Rand(y, rng)
	RandTangent(p, v, x, rng)
	for name, f := range map[string]func(){
		"Exp":       func() { p.Exp(d, x, v) },
		"Log":       func() { p.Log(d, x, y) },
		"Dist":      func() { _ = p.Dist(x, y) },
		"Inner":     func() { _ = p.Inner(x, v, v) },
		"Transport": func() { p.Transport(d, x, y, v) },
		"Rand":      func() { p.Rand(d, rng) },
		"Residual":  func() { _ = p.Residual(x) },
	} {
		require.Zero(t, testing.AllocsPerRun(100, f), name)
	}
}

func ExampleProduct() {
	// A rigid body's orientation axis on S² with two torsion angles on T².
	p := NewProduct(NewSphere(3), NewTorus(2))
	x := []float64{0, 0, 1, 3, 0}
	v := []float64{math.Pi / 2, 0, 0, 0.5, -1}
	y := make([]float64, p.AmbientDim())
	p.Exp(y, x, v)
	fmt.Printf("dim %d, ambient %d, torus block at %d\n", p.Dim(), p.AmbientDim(), p.Offset(1))
	fmt.Printf("y = [%.4f %.4f %.4f | %.4f %.4f]\n", y[0], y[1], y[2], y[3], y[4])
	fmt.Printf("dist = %.4f = √((π/2)² + 0.5² + 1²)\n", p.Dist(x, y))
	// Output:
	// dim 4, ambient 5, torus block at 3
	// y = [1.0000 0.0000 0.0000 | -2.7832 -1.0000]
	// dist = 1.9281 = √((π/2)² + 0.5² + 1²)
}
