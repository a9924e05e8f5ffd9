package controlsde_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
)

// Every datasets target is a controlsde Target (compile-time check).
var (
	_ controlsde.Target = datasets.Target(nil)
	_ controlsde.LogZer = datasets.Target(nil)
)

func TestDatasetsGMM40Bounds(t *testing.T) {
	// GMM-40 (targets.md, log Z = 0) under Brownian motion with σ = 25 from
	// 0 and no control: ELBO = E[log γ(X₁) − log p_ref,1(X₁)] ≤ log Z by
	// Jensen, and the forward estimate EUBO from exact target samples is
	// ≥ log Z. Both hold up to Monte Carlo error; we allow 0.3 (measured
	// ELBO −41.3, EUBO 2.26: the bounds are far from tight).
	tg, err := datasets.Lookup("gmm40")
	require.NoError(t, err)
	logZ, ok := tg.LogZ()
	require.True(t, ok)
	sampler, ok := tg.(datasets.Sampler)
	require.True(t, ok)
	const N = 4000
	rng := rand.New(rand.NewPCG(1, 2))
	samples := make([]float64, 2*N)
	for i := 0; i < N; i++ {
		sampler.Sample(samples[2*i:2*i+2], rng)
	}
	s := &controlsde.Settings{Grid: controlsde.UniformGrid(10, 0, 1), Particles: N, Seed: 4}
	p := controlsde.Problem{
		Reference: controlsde.Reference{Space: manifold.NewEuclidean(2), Sigma: controlsde.Constant{S: 25}},
		Target:    tg,
	}
	r, err := controlsde.Simulate(p, s, nil)
	require.NoError(t, err)
	lwf, err := controlsde.ForwardLogWeights(p, s, samples)
	require.NoError(t, err)
	eubo := controlsde.Estimate(lwf).ELBO
	assert.Less(t, r.Estimates.ELBO, logZ+0.3)
	assert.Greater(t, eubo, logZ-0.3)
	assert.Less(t, r.Estimates.ELBO, eubo)
	// Plain importance sampling is unbiased: log Ẑ within 4 SE of log Z.
	assert.InDelta(t, logZ, r.Estimates.LogZ, 4*r.Estimates.LogZStdErr)
	t.Logf("GMM-40, zero control, σ = 25: ELBO %.3f ≤ log Z = %g ≤ EUBO %.3f; log Ẑ %.3f ± %.3f, ESS/N %.3f",
		r.Estimates.ELBO, logZ, eubo, r.Estimates.LogZ, r.Estimates.LogZStdErr, r.Estimates.ESS)
}
