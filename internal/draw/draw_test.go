package draw

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRunIndependentOfCores(t *testing.T) {
	spec := Spec{Manifold: "s4", Dist: "uniform", N: 3*blockSize + 17, Seed: 42}
	prev := runtime.GOMAXPROCS(1)
	a, sa, err := Run(spec)
	runtime.GOMAXPROCS(2)
	b, sb, err2 := Run(spec)
	runtime.GOMAXPROCS(prev)
	require.NoError(t, err)
	require.NoError(t, err2)
	require.Equal(t, a, b, "samples bit-identical at GOMAXPROCS 1 and 2")
	require.Equal(t, sa, sb)
}

func TestUniformMoments(t *testing.T) {
	// Uniform on S^K: E⟨x0, X⟩ = 0 and log density −log Vol(S^K).
	for _, m := range []string{"s1", "s2", "s7"} {
		t.Run(m, func(t *testing.T) {
			_, s, err := Run(Spec{Manifold: m, Dist: "uniform", N: 20000, Seed: 1})
			require.NoError(t, err)
			require.Len(t, s.Moments, 1)
			require.Less(t, abs(s.Moments[0].Z), 4.0)
		})
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestParseManifold(t *testing.T) {
	for _, c := range []struct {
		in      string
		dim     int
		ambient int
	}{{"r3", 3, 3}, {"s2", 2, 3}, {"S1", 1, 2}, {" s10 ", 10, 11}} {
		m, err := ParseManifold(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.dim, m.Dim(), c.in)
		require.Equal(t, c.ambient, m.AmbientDim(), c.in)
	}
	for _, bad := range []string{"", "s0", "r0", "sx", "r-1", "klein", "s99999999999"} {
		_, err := ParseManifold(bad)
		require.ErrorIs(t, err, ErrSpec, bad)
	}
}
