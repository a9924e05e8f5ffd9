package sampler

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestW2Squared compares the Hungarian method with brute force over all
// n! permutations (n ≤ 7, random point sets in 1–3 dimensions, to 1e-12),
// checks W₂² = |shift|² for a translated copy (exact: the identity
// matching is optimal for a translation), and that the Sinkhorn cost at a
// small ε lies just above it.
func TestW2Squared(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 5))
	for n := 1; n <= 7; n++ {
		for dim := 1; dim <= 3; dim++ {
			x, y := make([]float64, n*dim), make([]float64, n*dim)
			for i := range x {
				x[i], y[i] = rng.NormFloat64(), 2*rng.NormFloat64()
			}
			best := bruteAssignment(x, y, dim)
			require.InDelta(t, best, W2Squared(x, y, dim), 1e-12, "n %d dim %d", n, dim)
		}
	}
	x := make([]float64, 300*2)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	y := append([]float64(nil), x...)
	for i := 0; i < len(y); i += 2 {
		y[i] += 0.3
		y[i+1] -= 0.4
	}
	require.InDelta(t, 0.25, W2Squared(x, y, 2), 1e-12)
	// Non-finite input gives NaN (the assignment loop would not end).
	require.True(t, math.IsNaN(W2Squared([]float64{0, math.NaN(), 1}, []float64{0, 1, 2}, 1)))
	require.True(t, math.IsNaN(W2Squared([]float64{0, 1, 2}, []float64{0, math.Inf(1), 2}, 1)))
	x2, y2 := x[:200], make([]float64, 200)
	for i := range y2 {
		y2[i] = rng.NormFloat64()
	}
	w := W2Squared(x2, y2, 2)
	// Any coupling costs at least W₂²; the entropic plan at ε = 0.01
	// (measured gap 0.003) is close to the assignment.
	const sinkGap = 0.02
	s, err := Sinkhorn(x2, y2, 2, 0.01, 5000, 1e-4)
	require.NoError(t, err)
	t.Logf("W2² %.5f, Sinkhorn(ε = 0.01) %.5f", w, s)
	require.GreaterOrEqual(t, s, w-1e-9)
	require.InDelta(t, w, s, sinkGap)
}

func BenchmarkW2Squared2000(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 5))
	x, y := make([]float64, 2000*5), make([]float64, 2000*5)
	for i := range x {
		x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	for b.Loop() {
		W2Squared(x, y, 5)
	}
}
