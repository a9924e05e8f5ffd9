package manifold

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// Products and mixtures of the package's other spaces and laws: SO(3),
// whose metric ½tr(AᵀB) is not the ambient one, IGSO(3), von Mises–Fisher
// and the sphere heat kernel.

func TestProductGeometrySO3(t *testing.T) {
	c := geometryCase{name: "SO3xT2xS2", m: NewProduct(NewSO3(), NewTorus(2), NewSphere(3)), inj: 0.999 * math.Pi}
	checkGeometry(t, c, 300, 501)
}

func TestProductDistMixedSpaces(t *testing.T) {
	// vMF(S²) × IGSO(3) × WN(T²): scores against finite differences along
	// product geodesics (the SO(3) block uses its own metric in Inner), and
	// LogProbScore against LogProb and Score.
	v, err := NewVonMisesFisher([]float64{0, 0.6, 0.8}, 4)
	require.NoError(t, err)
	r0 := make([]float64, 9)
	NewSO3().Rand(r0, newRand(2))
	g, err := NewIGSO3(r0, 0.4)
	require.NoError(t, err)
	w, err := NewWrappedNormalDiag([]float64{1, -3}, []float64{0.1, 4})
	require.NoError(t, err)
	p, err := NewProductDist(v, g, w)
	require.NoError(t, err)
	require.Equal(t, 3+9+2, p.Space().AmbientDim())
	rng := newRand(6)
	var pts [][]float64
	for i := 0; i < 20; i++ {
		x := make([]float64, 14)
		p.Rand(x, rng)
		require.Less(t, p.Space().Residual(x), 1e-9)
		pts = append(pts, x)
	}
	checkScoreFD(t, p, pts, 61, scoreTol)
	s1, s2 := make([]float64, 14), make([]float64, 14)
	for _, x := range pts {
		l := p.LogProbScore(s1, x)
		p.Score(s2, x)
		require.InDelta(t, p.LogProb(x), l, 1e-13*(1+math.Abs(l)))
		requireClose(t, s2, s1, 1e-13, "ProductDist LogProbScore")
	}
}

func TestMixtureOtherSpaces(t *testing.T) {
	rng := newRand(9)
	fd := func(t *testing.T, m *Mixture, seed uint64) {
		var pts [][]float64
		for i := 0; i < 20; i++ {
			x := make([]float64, m.Space().AmbientDim())
			m.Rand(x, rng)
			pts = append(pts, x)
		}
		checkScoreFD(t, m, pts, seed, scoreTol)
	}
	t.Run("SO3", func(t *testing.T) {
		so3 := NewSO3()
		ra, rb := make([]float64, 9), make([]float64, 9)
		so3.Rand(ra, rng)
		so3.Rand(rb, rng)
		a, err := NewIGSO3(ra, 0.2)
		require.NoError(t, err)
		b, err := NewIGSO3(rb, 1.5)
		require.NoError(t, err)
		u, err := NewUniform(so3)
		require.NoError(t, err)
		m, err := NewMixture([]float64{0.5, 0.3, 0.2}, []Distribution{a, b, u})
		require.NoError(t, err)
		fd(t, m, 71)
	})
	t.Run("S2", func(t *testing.T) {
		a, err := NewVonMisesFisher([]float64{1, 0, 0}, 10)
		require.NoError(t, err)
		b, err := NewSphereHeat([]float64{0, 0, -1}, 0.3)
		require.NoError(t, err)
		m, err := NewMixture([]float64{1, 1}, []Distribution{a, b})
		require.NoError(t, err)
		fd(t, m, 72)
		// Components on S² and on T² cannot be mixed.
		w, err := NewWrappedNormal([]float64{0, 0}, 1)
		require.NoError(t, err)
		_, err = NewMixture([]float64{1, 1}, []Distribution{a, w})
		require.ErrorIs(t, err, ErrParameter)
	})
}
