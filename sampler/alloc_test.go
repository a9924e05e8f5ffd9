package sampler

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
)

// TestMoveNoAlloc checks that one MCMC step (the hot loop of every
// baseline) allocates nothing, on R^d (MALA) and on a manifold
// (geodesic random-walk Metropolis).
func TestMoveNoAlloc(t *testing.T) {
	tests := []struct {
		name  string
		tg    Target
		space manifold.Manifold
	}{
		{"mala", datasets.NewTwoModes(), manifold.NewEuclidean(5)},
		{"rwm-torus", datasets.NewVonMisesT4(), manifold.NewTorus(4)},
		{"rwm-sphere", datasets.NewVMFS2(), manifold.NewSphere(3)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, flat := tc.space.(manifold.Euclidean)
			e := &env{t: NewCounting(tc.tg), space: tc.space, flat: flat, d: tc.space.AmbientDim(), n: 1, workers: 1}
			k := e.kernels(1)[0]
			rng := rand.New(rand.NewPCG(1, 2))
			x, g := make([]float64, e.d), make([]float64, e.d)
			lg := k.init(x, g, rng)
			allocs := testing.AllocsPerRun(100, func() { k.move(x, g, &lg, 0.7, 0.01, rng) })
			assert.Zero(t, allocs)
		})
	}
}

// TestSMCStateNoAlloc checks that an SMC reweighting and systematic
// resampling (each stage of the forward and reverse runs) allocate
// nothing.
func TestSMCStateNoAlloc(t *testing.T) {
	const n, d = 64, 3
	p := &population{x: make([]float64, n*d), g: make([]float64, n*d), lg: make([]float64, n)}
	u := make([]float64, n)
	for i := range u {
		u[i] = float64(i%7) - 3
	}
	st := newSMCState(p, d)
	allocs := testing.AllocsPerRun(100, func() {
		st.reweight(u, 0.3)
		st.resample(0.5)
	})
	assert.Zero(t, allocs)
}
