package soc

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/controlsde"
)

// TestFitMixture fits two components to 4000 exact draws of
// 0.7 N((−2, 0), 0.25 I) + 0.3 N((3, 1), 0.5 I) and checks the weights,
// means and variances within fitTol (several Monte Carlo standard errors:
// the weight's SE is √(0.21/4000) ≈ 0.007).
func TestFitMixture(t *testing.T) {
	const fitTol = 0.05
	g, err := controlsde.NewGaussianMixture([]float64{0.7, 0.3}, []float64{-2, 0, 3, 1}, []float64{0.25, 0.5}, 0)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, 4000*2)
	for i := range 4000 {
		g.Rand(x[i*2:(i+1)*2], rng)
	}
	q, err := FitMixture(x, 2, 2, 50, 1e-4, rng)
	require.NoError(t, err)
	require.Len(t, q.Weights, 2)
	a, b := 0, 1
	if q.Means[0] > q.Means[2] {
		a, b = 1, 0
	}
	require.InDelta(t, 0.7, q.Weights[a], fitTol)
	require.InDelta(t, 0.3, q.Weights[b], fitTol)
	require.InDeltaSlice(t, []float64{-2, 0}, q.Means[2*a:2*a+2], fitTol)
	require.InDeltaSlice(t, []float64{3, 1}, q.Means[2*b:2*b+2], fitTol)
	require.InDelta(t, 0.25, q.Variances[a], fitTol)
	require.InDelta(t, 0.5, q.Variances[b], fitTol)

	_, err = FitMixture(x[:4], 2, 3, 10, 1e-4, rng)
	require.ErrorIs(t, err, ErrSettings)
}

// TestAnnealedMALA runs the annealed MALA on N(m, s² I) in R^3 and checks
// the mean and variance of the final states against m and s² (exact
// values) within malaTol: 512 chains give a mean SE of s/√512 ≈ 0.03.
func TestAnnealedMALA(t *testing.T) {
	const malaTol = 0.15
	tg := gaussian([]float64{1, -2, 0.5}, 0.49, 0)
	x := AnnealedMALA(tg, 3, 512, 10, 10, 2, rand.New(rand.NewPCG(2, 2)))
	for c := range 3 {
		var m, v float64
		for i := range 512 {
			m += x[i*3+c] / 512
		}
		for i := range 512 {
			e := x[i*3+c] - m
			v += e * e / 511
		}
		require.InDelta(t, []float64{1, -2, 0.5}[c], m, malaTol)
		require.InDelta(t, 0.49, v, malaTol)
	}
}

// TestLRDSTwoModes trains lrds on the 1-D mixture
// (2/3) N(−2, 0.1) + (1/3) N(2, 0.1) and checks that both modes carry
// samples, the weighted left mass is 2/3 within weightTol, and log Ẑ is
// within zTol standard errors (plus logZFloor) of 0.
func TestLRDSTwoModes(t *testing.T) {
	const (
		weightTol = 0.05
		zTol      = 4.0
		logZFloor = 0.02
	)
	g, err := controlsde.NewGaussianMixture([]float64{2, 1}, []float64{-2, 2}, []float64{0.1, 0.1}, 0)
	require.NoError(t, err)
	tg := named{g, "twomodes1d"}
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 2}, Steps: 20}
	m, rep, err := Train("lrds", tg, &Settings{Steps: 100, Batch: 128, Hidden: []int{32, 32}, Reference: ref, Seed: 2, Components: 4})
	require.NoError(t, err)
	require.NotNil(t, m.Mixture)
	ms := append([]float64(nil), m.Mixture.Means...)
	sort.Float64s(ms)
	t.Logf("fitted reference: weights %v means %v variances %v; training energy evals %d", m.Mixture.Weights, m.Mixture.Means, m.Mixture.Variances, rep.EnergyEvals)
	out, srep, err := Sample(m, tg, 2000, 4)
	require.NoError(t, err)
	var left int
	var lwLeft []float64
	for i := range out.N {
		if out.Samples[i] < 0 {
			left++
			lwLeft = append(lwLeft, out.LogWeights[i])
		}
	}
	wLeft := math.Exp(controlsde.LogSumExp(lwLeft) - controlsde.LogSumExp(out.LogWeights))
	t.Logf("left share %.3f, weighted left mass %.3f, log Z %.4f ± %.4f, ESS/N %.3f", float64(left)/2000, wLeft, srep.LogZ, srep.LogZStdErr, srep.ESSFraction)
	require.Greater(t, left, 200)
	require.Less(t, left, 1800)
	require.InDelta(t, 2.0/3, wLeft, weightTol)
	require.InDelta(t, 0, srep.LogZ, zTol*srep.LogZStdErr+logZFloor)
}
