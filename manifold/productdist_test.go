package manifold

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// productDistTest returns WN(T², t = (0.2, 3)) × Uniform(S²) × WN(T¹, t = 0.7).
func productDistTest(t *testing.T) (*ProductDist, *WrappedNormal, Uniform, *WrappedNormal) {
	t.Helper()
	a, err := NewWrappedNormalDiag([]float64{1, -2}, []float64{0.2, 3})
	require.NoError(t, err)
	u, err := NewUniform(NewSphere(3))
	require.NoError(t, err)
	c, err := NewWrappedNormal([]float64{3}, 0.7)
	require.NoError(t, err)
	p, err := NewProductDist(a, u, c)
	require.NoError(t, err)
	return p, a, u, c
}

func TestProductDistBlocks(t *testing.T) {
	// log p = Σ log p_i and score blocks = component scores, exactly.
	p, a, u, c := productDistTest(t)
	require.True(t, productSameSpace(p.Space(), NewProduct(NewTorus(2), NewSphere(3), NewTorus(1))))
	require.Equal(t, 6, p.Space().AmbientDim())
	require.Len(t, p.Components(), 3)
	rng := newRand(3)
	x, s := make([]float64, 6), make([]float64, 6)
	sa, sc := make([]float64, 2), make([]float64, 1)
	for it := 0; it < 50; it++ {
		p.Rand(x, rng)
		require.Less(t, p.Space().Residual(x), exactTol)
		want := a.LogProb(x[0:2]) + u.LogProb(x[2:5]) + c.LogProb(x[5:6])
		require.Equal(t, want, p.LogProb(x))
		p.Score(s, x)
		a.Score(sa, x[0:2])
		c.Score(sc, x[5:6])
		require.Equal(t, sa, s[0:2])
		require.Equal(t, []float64{0, 0, 0}, s[2:5])
		require.Equal(t, sc, s[5:6])
	}
}

func TestProductDistScoreFD(t *testing.T) {
	p, _, _, _ := productDistTest(t)
	rng := newRand(8)
	var pts [][]float64
	for i := 0; i < 30; i++ {
		x := make([]float64, 6)
		p.Rand(x, rng)
		pts = append(pts, x)
	}
	checkScoreFD(t, p, pts, 81, scoreTol)
}

func TestProductDistNormalises(t *testing.T) {
	// WN(T², (0.3, 2)) × WN(T¹, 0.5) on T³: ∫ p = 1 by the tensor periodic
	// trapezoid, 64 nodes per axis (aliasing 2e^{−64²·0.3/2} = 2e^{−614}).
	a, err := NewWrappedNormalDiag([]float64{0.5, -3}, []float64{0.3, 2})
	require.NoError(t, err)
	b, err := NewWrappedNormal([]float64{2}, 0.5)
	require.NoError(t, err)
	p, err := NewProductDist(a, b)
	require.NoError(t, err)
	x := make([]float64, 3)
	total := wrappedTrapezoid(64, func(u float64) float64 {
		return wrappedTrapezoid(64, func(v float64) float64 {
			return wrappedTrapezoid(64, func(w float64) float64 {
				x[0], x[1], x[2] = u, v, w
				return math.Exp(p.LogProb(x))
			})
		})
	})
	require.InDelta(t, 1, total, 1e-12)
}

func TestProductDistRand(t *testing.T) {
	// Marginals of Rand: the S² height is uniform on [−1, 1] (Archimedes)
	// and the T¹ block is the wrapped normal (KS against its CDF, n = 20000).
	p, _, _, _ := productDistTest(t)
	rng := newRand(12)
	const n = 20000
	h, d := make([]float64, n), make([]float64, n)
	x := make([]float64, 6)
	for i := 0; i < n; i++ {
		p.Rand(x, rng)
		h[i] = x[4]
		d[i] = TorusWrap(x[5] - 3)
	}
	requireKS(t, h, func(v float64) float64 { return (v + 1) / 2 }, "S² height")
	requireKS(t, d, func(v float64) float64 { return wrappedCDF(v, 0.7) }, "T¹ block")
}

func TestProductDistBadInput(t *testing.T) {
	_, err := NewProductDist()
	require.ErrorIs(t, err, ErrParameter)
	u, err := NewUniform(NewTorus(1))
	require.NoError(t, err)
	_, err = NewProductDist(u, nil)
	require.ErrorIs(t, err, ErrParameter)
}

func TestProductDistAllocs(t *testing.T) {
	p, _, _, _ := productDistTest(t)
	var d Distribution = p
	rng := newRand(1)
	x, s := make([]float64, 6), make([]float64, 6)
	d.Rand(x, rng)
	for name, f := range map[string]func(){
		"LogProb": func() { _ = d.LogProb(x) },
		"Score":   func() { d.Score(s, x) },
		"Rand":    func() { d.Rand(s, rng) },
	} {
		require.Zero(t, testing.AllocsPerRun(100, f), name)
	}
}

func ExampleProductDist() {
	// Two torsion angles (heat kernel at t = 0.5) and a uniform direction.
	tors, _ := NewWrappedNormal([]float64{1, -1}, 0.5)
	dir, _ := NewUniform(NewSphere(3))
	p, err := NewProductDist(tors, dir)
	if err != nil {
		panic(err)
	}
	x := []float64{1, -1, 0, 0, 1}
	fmt.Printf("ambient %d, log p = %.6f = 2 log p_0.5(0) − log 4π\n", p.Space().AmbientDim(), p.LogProb(x))
	// Output:
	// ambient 5, log p = -3.675754 = 2 log p_0.5(0) − log 4π
}
