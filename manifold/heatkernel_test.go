package manifold

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewHeatKernel(t *testing.T) {
	// Each manifold gets its own kernel type; the product kernel is the
	// product of the factors' (log densities add, checked at a point).
	for _, c := range []struct {
		m    Manifold
		want string
	}{
		{NewEuclidean(2), "*manifold.EuclideanHeat"},
		{NewSphere(3), "*manifold.SphereHeat"},
		{NewSO3(), "*manifold.IGSO3"},
		{NewTorus(2), "*manifold.WrappedNormal"},
		{NewProduct(NewSphere(3), NewTorus(1), NewEuclidean(1)), "*manifold.ProductDist"},
	} {
		d, err := NewHeatKernel(c.m, BasePoint(c.m), 0.3)
		require.NoError(t, err)
		require.Equal(t, c.want, typeName(d))
	}
	p := NewProduct(NewSphere(3), NewEuclidean(2))
	d, err := NewHeatKernel(p, BasePoint(p), 0.5)
	require.NoError(t, err)
	x := []float64{0.6, 0, 0.8, 0.3, -1}
	s2, _ := NewSphereHeat([]float64{0, 0, 1}, 0.5)
	r2, _ := NewEuclideanHeat([]float64{0, 0}, 0.5)
	require.InDelta(t, s2.LogProb(x[:3])+r2.LogProb(x[3:]), d.LogProb(x), 1e-12)

	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		_, err := NewHeatKernel(NewSphere(3), []float64{0, 0, 1}, bad)
		require.ErrorIs(t, err, ErrParameter)
	}
	_, err = NewHeatKernel(NewSphere(3), []float64{0, 1}, 1)
	require.ErrorIs(t, err, ErrNotOnManifold)
	_, err = NewEuclideanHeat([]float64{math.NaN()}, 1)
	require.ErrorIs(t, err, ErrNotOnManifold)
}

func TestEuclideanHeat(t *testing.T) {
	// N(x0, tI): normalisation by 2-D Gauss–Hermite-free quadrature (a
	// fine midpoint rule over ±12 sd, error far below 1e-10 for a
	// Gaussian), score against finite differences, moments of Rand.
	g, err := NewEuclideanHeat([]float64{0.5, -1}, 0.7)
	require.NoError(t, err)
	sd := math.Sqrt(0.7)
	h := 0.02 * sd
	var total float64
	x := make([]float64, 2)
	for i := -600; i < 600; i++ {
		for j := -600; j < 600; j++ {
			x[0], x[1] = 0.5+(float64(i)+0.5)*h, -1+(float64(j)+0.5)*h
			total += math.Exp(g.LogProb(x)) * h * h
		}
	}
	require.InDelta(t, 1, total, 1e-8)
	checkScoreFD(t, g, [][]float64{{0, 0}, {2, -3}, {0.5, -1}}, 4, scoreTol)
	rng := newRand(5)
	n := 20000
	s := make([]float64, n)
	for k := range s {
		g.Rand(x, rng)
		s[k] = (x[0]-0.5)*(x[0]-0.5) + (x[1]+1)*(x[1]+1)
	}
	requireMean(t, s, 2*0.7, "E|X − x0|² = n t")
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
