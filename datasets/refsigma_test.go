package datasets

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRefSigmaCovers checks that the default reference of every target on
// R^d with exact samples is at least as wide as the target along its
// first coordinate: σ ≥ coverFrac · RMS(x₀) over 4000 exact draws (RMS
// measured: gmm40 20.9, manymodes 8.9, funnel10 3.0, mw5 2.0, manywell32
// 1.7, twomodes 1.0), so that chains and references started from
// N(0, σ²I) reach the modes.
func TestRefSigmaCovers(t *testing.T) {
	const coverFrac = 0.9
	for _, info := range Table() {
		if !info.Exact || info.Manifold != "R^d" {
			continue
		}
		t.Run(info.Name, func(t *testing.T) {
			tg, err := Lookup(info.Name)
			require.NoError(t, err)
			smp := tg.(Sampler)
			rng := rand.New(rand.NewPCG(1, 9))
			x := make([]float64, tg.Dim())
			var s2 float64
			for range 4000 {
				smp.Sample(x, rng)
				s2 += x[0] * x[0]
			}
			rms := math.Sqrt(s2 / 4000)
			t.Logf("RMS(x0) = %.2f, σ = %g", rms, RefSigma(info.Name))
			require.GreaterOrEqual(t, RefSigma(info.Name), coverFrac*rms)
		})
	}
	require.Equal(t, 1.0, RefSigma("vmf-s2"))
}
