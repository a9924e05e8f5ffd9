package sampler

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/datasets"
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
