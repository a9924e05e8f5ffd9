package sampler

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
)

// TestReverseAIS checks the EUBO of reverse AIS on TwoModes (exact
// samples, log Z = 0): ELBO ≤ log Z ≤ EUBO (the bounds hold in
// expectation; the gaps at these settings, measured 3.4–40 nats, are far
// above the Monte Carlo error of a 500-sample mean), the EUBO gap
// shrinks with more temperatures (more annealing means a smaller KL), and
// the reverse particles are counted.
func TestReverseAIS(t *testing.T) {
	tg, err := datasets.Lookup("twomodes")
	require.NoError(t, err)
	var gaps []float64
	for _, temps := range []int{5, 50} {
		a := AIS{Temps: temps, MoveSteps: 2, Reverse: 500, Pilot: -1}
		_, r, err := Sample(Problem{Target: tg, Dim: tg.Dim()}, &Settings{N: 500, Seed: 3}, a)
		require.NoError(t, err)
		t.Logf("temps %d: ELBO %.3f, log Z %.3f, EUBO %.3f", temps, r.ELBO, r.LogZ, r.EUBO)
		require.Greater(t, r.EUBO, 0.0)
		require.Less(t, r.ELBO, 0.0)
		require.EqualValues(t, (500+500)*(1+temps*2), r.EnergyEvals)
		gaps = append(gaps, r.EUBO)
	}
	require.Less(t, gaps[1], gaps[0])

	// A target without exact samples.
	_, _, err = Sample(Problem{Target: gaussian(t, []float64{0}, 1, 0), Dim: 1}, &Settings{N: 10, Seed: 1}, AIS{Temps: 2, Reverse: 5})
	require.ErrorIs(t, err, ErrBadInput)
}

// sampled gives a GaussianMixture the exact sampler of datasets.Sampler.
type sampled struct{ *controlsde.GaussianMixture }

func (s sampled) Sample(dst []float64, rng *rand.Rand) { s.Rand(dst, rng) }

// TestReverseAISWeights checks the reverse-AIS log-weights themselves on
// N((1, −0.5), 0.5 I) scaled by e^{0.3} in R²: E_rev[1/w] = 1/Z, i.e.
// log mean e^{−log w} = −0.3 within 4 delta-method standard errors
// (n = 4000; the EUBO gap is small, so 1/w is not heavy-tailed), with the
// pilot-tuned steps of AIS.run.
func TestReverseAISWeights(t *testing.T) {
	g, err := controlsde.NewGaussianMixture([]float64{1}, []float64{1, -0.5}, []float64{0.5}, 0.3)
	require.NoError(t, err)
	tg := sampled{g}
	a, err := AIS{Temps: 30, MoveSteps: 3}.withDefaults()
	require.NoError(t, err)
	e := &env{t: NewCounting(tg), space: manifold.NewEuclidean(2), flat: true, d: 2, n: 1000, seed: 2, workers: 2}
	ks := e.kernels(a.RefSigma)
	betas := betaSchedule(a.Temps, a.Power)
	hs := make([]float64, len(betas))
	e.anneal(e.newPopulation(a.Pilot, e.n, ks), ks, betas, hs, nil, a.MoveSteps, a.Step)
	lw := e.reverseAIS(tg, ks, betas, hs, 4000, e.n+a.Pilot, a.MoveSteps)
	inv := make([]float64, len(lw))
	var eubo float64
	for i, l := range lw {
		inv[i] = -l
		eubo += l / float64(len(lw))
	}
	est := controlsde.Estimate(inv)
	t.Logf("log E[1/w] = %.4f ± %.4f (want −0.3), EUBO %.4f", est.LogZ, est.LogZStdErr, eubo)
	require.InDelta(t, -0.3, est.LogZ, 4*est.LogZStdErr)
	require.Greater(t, eubo, 0.3)
}
