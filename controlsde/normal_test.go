package controlsde

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNormFloat64MatchesRand: normFloat64 is rand.Rand.NormFloat64 with the
// source devirtualised, so both must return the same bits from the same
// PCG state, tails included (2·10⁵ draws per seed reach the base-strip
// tail |x| > 3.44 about 120 times and the wedge rejections thousands of
// times), and leave the streams in the same state.
func TestNormFloat64MatchesRand(t *testing.T) {
	const n = 200_000
	for _, seed := range []uint64{0, 1, 42, 1 << 63} {
		p := particleStream(seed, 7)
		q := p
		r := rand.New(&q)
		tails := 0
		for k := range n {
			a, b := normFloat64(&p), r.NormFloat64()
			require.Equal(t, math.Float64bits(b), math.Float64bits(a), "seed %d draw %d", seed, k)
			if math.Abs(a) > 3.442619855899 {
				tails++
			}
		}
		require.Greater(t, tails, 50, "seed %d: the tail branch must be exercised", seed)
		require.Equal(t, q.Uint64(), p.Uint64(), "seed %d: streams diverged", seed)
	}
}

// TestNormFloat64Moments checks the sampler against N(0, 1) exactly: mean
// 0, variance 1, kurtosis-based E x⁴ = 3 and P(|x| > 4) = 2Φ(−4) =
// 6.334248e-5 (erfc(4/√2), math.Erfc), each to 4 standard errors at
// n = 10⁶ (fixed seed).
func TestNormFloat64Moments(t *testing.T) {
	const n = 1_000_000
	p := particleStream(3, 0)
	var s1, s2, s4 float64
	tail := 0
	for range n {
		x := normFloat64(&p)
		s1 += x
		s2 += x * x
		s4 += x * x * x * x
		if math.Abs(x) > 4 {
			tail++
		}
	}
	const z = 4
	sqn := math.Sqrt(n)
	require.InDelta(t, 0, s1/n, z*1/sqn, "mean (SE 1/√n)")
	require.InDelta(t, 1, s2/n, z*math.Sqrt2/sqn, "E x² (SE √2/√n)")
	require.InDelta(t, 3, s4/n, z*math.Sqrt(96)/sqn, "E x⁴ (SE √(105−9)/√n)")
	pt := math.Erfc(4 / math.Sqrt2)
	require.InDelta(t, pt*n, float64(tail), z*math.Sqrt(n*pt*(1-pt)), "count beyond 4σ")
}
